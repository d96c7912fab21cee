// Every message round-trips; truncated, corrupted and random buffers are rejected, never crash.
#include <gtest/gtest.h>

#include <random>

#include <zlib.h>

#include "net/protocol/messages.h"

using namespace net;

namespace {

EventLayout sampleLayout() {
    EventLayout ev;
    ev.name = {"嵊州机械产学研对接会", "Shengzhou Docking Meeting"};
    ev.dates = "2024-06-04";
    ev.hallSize = {90, 60};
    ev.spawn = {45, 56};
    ev.zones.push_back({ZoneKind::Enterprise, {"企业展区", "Enterprises"}, {{2, 2}, {40, 40}}});
    Booth b;
    b.id.v = 3;
    b.zone = 0;
    b.owner = {{"寧夏力成電氣集團有限公司", "Ningxia Licheng Electric Group"}, OrgKind::Enterprise};
    b.center = {10, 10};
    b.facing = 1;
    b.exhibits.push_back({"models/spur_gear.glb", {"齿轮", "Spur gear"}, "20CrMnTi", {"闭式模锻", "closed-die forging"}, 2.5f, {}, {"", "A gear"}});
    ev.booths.push_back(b);
    ev.stage.area = {{60, 2}, {80, 10}};
    ev.tables.push_back({TableId{0}, {70, 40}, 4});
    ev.agenda.push_back({"2024-06-04 09:00", 30, {"开幕", "Opening"}, {"舞台", "Stage"}});
    return ev;
}

template <typename T>
T roundTrip(const T& in) {
    Bytes b = encode(in);
    EXPECT_FALSE(b.empty());
    T out{};
    EXPECT_TRUE(decode(b, out));
    return out;
}

// Every prefix of a valid packet must be rejected cleanly, and so must single-bit corruptions
// that make a field go out of range (most other corruptions decode to different valid values).
template <typename T>
void expectTruncationsRejected(const Bytes& b) {
    for (size_t n = 0; n < b.size(); ++n) {
        T out{};
        EXPECT_FALSE(decode(std::span<const uint8_t>(b.data(), n), out)) << "prefix of " << n << " bytes decoded";
    }
}

}  // namespace

TEST(Protocol, HelloRoundTripsWithChineseNames) {
    Hello h;
    h.name = "王磊";
    h.org = "寧夏力成電氣集團";
    h.role = Role::Exhibitor;
    h.password = "secret";
    Hello o = roundTrip(h);
    EXPECT_EQ(o.magic, kProtocolMagic);
    EXPECT_EQ(o.version, kProtocolVersion);
    EXPECT_EQ(o.name, "王磊");
    EXPECT_EQ(o.org, "寧夏力成電氣集團");
    EXPECT_EQ(o.role, Role::Exhibitor);
    EXPECT_EQ(o.password, "secret");
    expectTruncationsRejected<Hello>(encode(h));
}

TEST(Protocol, HelloVersionIsReadableFromAnyVersion) {
    Hello h;
    h.version = 999;
    h.name = "x";
    Bytes b = encode(h);
    uint16_t v = 0;
    ASSERT_TRUE(peekHelloVersion(b, v));
    EXPECT_EQ(v, 999);
    Bytes notHello = encode(ChatSend{"hi"});
    EXPECT_FALSE(peekHelloVersion(notHello, v));
    // Protocol 1 had a 4-bit type field: its Hello still tells its version.
    WriteStream w;
    uint32_t t = uint32_t(MsgType::Hello), magic = kProtocolMagic;
    int64_t one = 1;
    w.serializeBits(t, 4);
    w.serializeBits(magic, 32);
    w.serializeInt(one, 0, 65535);
    ASSERT_TRUE(peekHelloVersion(w.finish(), v));
    EXPECT_EQ(v, 1);
}

TEST(Protocol, WelcomeCarriesTheWholeEvent) {
    Welcome w;
    w.you = {42};
    w.role = Role::Organizer;
    w.serverTick = 123456;
    w.event = sampleLayout();
    w.unixMs = 1717468800000;  // 2024-06-04 10:40 in China: a rehearsal's hall clock
    Welcome o = roundTrip(w);
    EXPECT_EQ(o.unixMs, 1717468800000);
    EXPECT_EQ(o.you.v, 42);
    EXPECT_EQ(o.role, Role::Organizer);
    EXPECT_EQ(o.serverTick, 123456u);
    ASSERT_EQ(o.event.booths.size(), 1u);
    const Booth& b = o.event.booths[0];
    EXPECT_EQ(b.owner.name.zh, "寧夏力成電氣集團有限公司");
    EXPECT_EQ(b.facing, 1);
    EXPECT_NEAR(b.center.x, 10.0f, 0.006f);
    ASSERT_EQ(b.exhibits.size(), 1u);
    EXPECT_EQ(b.exhibits[0].material, "20CrMnTi");
    EXPECT_NEAR(b.exhibits[0].massKg, 2.5f, 0.006f);
    EXPECT_EQ(o.event.name.en, "Shengzhou Docking Meeting");
    EXPECT_EQ(o.event.tables.size(), 1u);
    EXPECT_EQ(o.event.agenda[0].title.zh, "开幕");
    expectTruncationsRejected<Welcome>(encode(w));
}

// Protocol 9: the layout travels deflated. A hall of many bilingual booths costs less than its
// plain coding, and a layout blob that is corrupt, states the wrong size, inflates past what it
// states (a bomb) or inflates to garbage is refused, never half-read.
TEST(Protocol, AWelcomesLayoutTravelsDeflatedAndABadOneIsRefused) {
    Welcome w;
    w.you = {7};
    w.event = sampleLayout();
    for (int i = 0; i < 40; ++i) {
        Booth b = w.event.booths[0];
        b.center.x = 5.0f + float(i);
        b.exhibits[0].description.zh = "齿轮锻件，模锻成形，" + std::to_string(i) + "号展台。";
        b.exhibits[0].description.en = "Forged gear blank, closed-die forging, booth " + std::to_string(i) + ".";
        w.event.booths.push_back(b);
    }
    WriteStream plain;
    ASSERT_TRUE(serialize(plain, w.event));
    const size_t rawSize = plain.finish().size();
    const Bytes packet = encode(w);
    EXPECT_LT(packet.size() * 2, rawSize) << packet.size() << " bytes for a layout of " << rawSize;
    Welcome o = roundTrip(w);
    ASSERT_EQ(o.event.booths.size(), w.event.booths.size());
    EXPECT_EQ(o.event.booths.back().exhibits[0].description.zh, w.event.booths.back().exhibits[0].description.zh);

    // Any byte of the deflated stream changed: refused (zlib's checksum, or the layout's own checks).
    for (size_t at = 12; at + 12 < packet.size(); at += 7) {
        Bytes bad = packet;
        bad[at] ^= 0x5A;
        Welcome out;
        EXPECT_FALSE(decode(bad, out)) << "byte " << at;
    }

    std::vector<uint8_t> deflated;
    uint32_t raw = 0;
    ASSERT_TRUE(packLayout(w.event, deflated, raw));
    EXPECT_EQ(raw, rawSize);
    EventLayout back;
    EXPECT_TRUE(unpackLayout(deflated, raw, back));
    EXPECT_FALSE(unpackLayout(deflated, raw - 1, back)) << "stated one byte short";
    EXPECT_FALSE(unpackLayout(deflated, raw + 1, back)) << "stated one byte long";
    EXPECT_FALSE(unpackLayout(deflated, kMaxLayoutBytes + 1, back));
    EXPECT_FALSE(unpackLayout({}, raw, back));
    // A bomb: 8 MiB of zeros deflates to a few KiB; stated as 1,000 bytes it stops there.
    {
        std::vector<uint8_t> zeros(8u << 20, 0);
        uLongf n = compressBound(uLong(zeros.size()));
        std::vector<uint8_t> bomb(n);
        ASSERT_EQ(compress2(bomb.data(), &n, zeros.data(), uLong(zeros.size()), 9), Z_OK);
        bomb.resize(n);
        EXPECT_FALSE(unpackLayout(bomb, 1000, back));
        EXPECT_FALSE(unpackLayout(bomb, kMaxLayoutBytes, back)) << "inflates past the largest layout";
    }
    // Deflated garbage of the right size: inflates, but is no layout.
    {
        std::mt19937 rng(3);
        std::vector<uint8_t> junk(4000);
        for (auto& b : junk) b = uint8_t(rng());
        uLongf n = compressBound(uLong(junk.size()));
        std::vector<uint8_t> packed(n);
        ASSERT_EQ(compress2(packed.data(), &n, junk.data(), uLong(junk.size()), 6), Z_OK);
        packed.resize(n);
        EXPECT_FALSE(unpackLayout(packed, uint32_t(junk.size()), back));
    }
    // The layout left as it was by every refusal above.
    EXPECT_EQ(back.booths.size(), w.event.booths.size());
}

TEST(Protocol, SmallMessagesRoundTrip) {
    Refuse r{RefuseReason::HallFull, "The hall is full"};
    EXPECT_EQ(roundTrip(r).reason, RefuseReason::HallFull);
    EXPECT_EQ(roundTrip(r).text, "The hall is full");

    Participant p{{7}, "李娜", "浙江工业职业技术学院", Role::University};
    Participant po = roundTrip(p);
    EXPECT_EQ(po.id.v, 7);
    EXPECT_EQ(po.org, "浙江工业职业技术学院");
    EXPECT_EQ(po.role, Role::University);

    EXPECT_EQ(roundTrip(PresenceLeave{{4095}}).id.v, 4095);

    ChatLine c{77, {3}, "王磊", "力成", 1717462800123, "你好, hello\nsecond line"};
    ChatLine co = roundTrip(c);
    EXPECT_EQ(co.id, 77u);
    EXPECT_EQ(co.unixMs, 1717462800123);
    EXPECT_EQ(co.text, c.text);

    Notice n{NoticeCode::ChatRateLimited, "slow down"};
    EXPECT_EQ(roundTrip(n).code, NoticeCode::ChatRateLimited);
}

// Protocol 10: the hall chat's lines at the end of a snapshot packet.
TEST(Protocol, ChatLinesRoundTripAndBadCountsAreRefused) {
    ChatLines cl;
    cl.lines.push_back({41, {3}, "王磊", "寧夏力成電氣集團有限公司", 1717462800123, "这台锻压设备的吨位是多少？"});
    cl.lines.push_back({42, {9}, "Li Na", "Ningxia University", 1717462801000, "Interested in ring rolling capacity"});
    ChatLines out;
    Bytes b = encode(cl);
    ASSERT_TRUE(decode(b, out));
    ASSERT_EQ(out.lines.size(), 2u);
    EXPECT_EQ(out.lines[0].fromOrg, "寧夏力成電氣集團有限公司");
    EXPECT_EQ(out.lines[1].id, 42u);
    EXPECT_EQ(out.lines[1].text, cl.lines[1].text);
    // None, or more than a packet may carry, is a programming error on the sender: nothing is coded.
    EXPECT_TRUE(encode(ChatLines{}).empty());
    ChatLines many;
    many.lines.resize(kMaxChatLinesPerPacket + 1);
    EXPECT_TRUE(encode(many).empty());
    // Cut short or followed by junk: refused whole.
    for (size_t n = 1; n < b.size(); ++n) EXPECT_FALSE(decode(std::span<const uint8_t>(b.data(), n), out)) << n;
    Bytes longer = b;
    longer.push_back(0xAB);
    EXPECT_FALSE(decode(longer, out));
    ChatLine one;
    EXPECT_FALSE(decode(b, one));  // another type
}

TEST(Protocol, InputQuantizesMovementAndYaw) {
    Input in;
    in.ackSnapshot = 99;
    in.ackChat = 4000000123u;
    in.inputs = {{10, 1.0f, -1.0f, 3.14159f, true}, {11, 0.5f, 0.25f, 0.0f, false}};
    Input o = roundTrip(in);
    ASSERT_EQ(o.inputs.size(), 2u);
    EXPECT_EQ(o.ackSnapshot, 99u);
    EXPECT_EQ(o.ackChat, 4000000123u);
    EXPECT_EQ(o.inputs[0].seq, 10u);
    EXPECT_NEAR(o.inputs[0].moveX, 1.0f, 1e-5f);
    EXPECT_NEAR(o.inputs[0].moveZ, -1.0f, 1e-5f);
    EXPECT_NEAR(o.inputs[0].yaw, 3.14159f, 2 * 3.14159f / 256);
    EXPECT_TRUE(o.inputs[0].run);
    EXPECT_NEAR(o.inputs[1].moveX, 0.5f, 1.0f / 127);
    EXPECT_FALSE(o.inputs[1].run);
    // An input packet must carry at least one input and at most kMaxInputsPerPacket.
    Input empty;
    EXPECT_TRUE(encode(empty).empty());
}

TEST(Protocol, AnInputPacketOfAWalkCostsOneBitForEachRepeatedInputAndKeepsEveryChange) {
    // Six ticks of walking east, a turn on the fifth: each input comes back with its own fields.
    Input walk;
    walk.ackSnapshot = 5000;
    for (uint32_t seq = 41; seq <= 46; ++seq) walk.inputs.push_back({seq, 1.0f, 0.0f, 1.5f, false});
    walk.inputs[4].yaw = 1.75f;
    walk.inputs[5].run = true;
    Input o = roundTrip(walk);
    ASSERT_EQ(o.inputs.size(), 6u);
    for (size_t i = 0; i < 6; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(o.inputs[i].seq, 41u + i);
        EXPECT_NEAR(o.inputs[i].moveX, 1.0f, 1e-5f);
        EXPECT_EQ(o.inputs[i].moveZ, 0.0f);
        EXPECT_NEAR(o.inputs[i].yaw, i == 4 ? 1.75f : 1.5f, 2 * 3.14159f / 256);
        EXPECT_EQ(o.inputs[i].run, i == 5);
    }
    // Six identical inputs cost little more than one: the repeats are a bit each.
    Input one;
    one.ackSnapshot = 5000;
    one.inputs = {walk.inputs[0]};
    Input six;
    six.ackSnapshot = 5000;
    for (uint32_t seq = 41; seq <= 46; ++seq) six.inputs.push_back({seq, 1.0f, 0.0f, 1.5f, false});
    EXPECT_LE(encode(six).size(), encode(one).size() + 2);
    EXPECT_LT(encode(six).size(), encode(walk).size());
    // More than a packet may carry is not encoded.
    six.inputs.push_back({47, 1.0f, 0.0f, 1.5f, false});
    static_assert(kMaxInputsPerPacket == 6);
    EXPECT_TRUE(encode(six).empty());
}

TEST(Protocol, InvalidTextIsRefusedOnRead) {
    // Build a ChatSend by hand with a control character and with broken UTF-8.
    for (std::string bad : {std::string("a\x01z"), std::string("\xe4\xbd"), std::string("\xc0\xaf")}) {
        WriteStream w;
        uint32_t t = uint32_t(MsgType::ChatSend);
        w.serializeBits(t, kMsgTypeBits);
        int64_t len = int64_t(bad.size());
        w.serializeInt(len, 0, kMaxChatBytes * 4);
        w.serializeBytes(reinterpret_cast<uint8_t*>(bad.data()), bad.size());
        Bytes b = w.finish();
        ChatSend out;
        EXPECT_FALSE(decode(b, out)) << "accepted bad text";
    }
    // Names may not contain newlines; chat may.
    Participant p{{1}, "a\nb", "", Role::Attendee};
    Bytes b = encode(p);
    Participant po;
    EXPECT_FALSE(decode(b, po));
}

TEST(Protocol, OutOfRangeValuesAreRefused) {
    // Ids are coded relative to 1 in 12 bits; the all-ones pattern would be id 4096: refused.
    WriteStream w;
    uint32_t t = uint32_t(MsgType::PresenceLeave), tooBig = 4095;
    w.serializeBits(t, kMsgTypeBits);
    w.serializeBits(tooBig, bitsRequired(kMaxParticipants - 1));
    PresenceLeave l;
    EXPECT_FALSE(decode(w.finish(), l));
    // Unknown message types.
    Bytes unknown = {0xff};
    EXPECT_FALSE(peekType(unknown).has_value());
    // Trailing garbage after a valid message is malformed.
    Bytes withTail = encode(PresenceLeave{{5}});
    withTail.push_back(0xAB);
    EXPECT_FALSE(decode(withTail, l));
}

TEST(Protocol, RandomBuffersNeverCrashAnyDecoder) {
    std::mt19937 rng(1234);
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        Bytes b(size_t(rng() % 64));
        for (auto& x : b) x = uint8_t(rng());
        Hello h; Welcome w; Refuse r; Input in; Participant p; PresenceLeave l; ChatSend cs; ChatLine cl; Notice n;
        ChatLines cls;
        accepted += decode(b, h) + decode(b, w) + decode(b, r) + decode(b, in) + decode(b, p) + decode(b, l) +
                    decode(b, cs) + decode(b, cl) + decode(b, n) + decode(b, cls);
        SnapshotMsg sm;
        accepted += decodeSnapshot(b, sm, [](uint32_t) -> const SnapshotFrame* { return nullptr; });
    }
    // Random bytes occasionally form a valid tiny message; most must be refused.
    EXPECT_LT(accepted, 20000 / 5);
}

TEST(Protocol, MeasureMatchesWrite) {
    Welcome w;
    w.you = {1};
    w.event = sampleLayout();
    MeasureStream m;
    Welcome copy = w;
    ASSERT_TRUE(serialize(m, copy));
    WriteStream ws;
    ASSERT_TRUE(serialize(ws, copy));
    EXPECT_EQ(m.bits(), ws.bitsWritten());
}

TEST(Protocol, HallWallsStopAvatars) {
    EventLayout ev = sampleLayout();
    std::vector<HallPart> parts;
    buildHallParts(ev, parts);
    AvatarState a;
    a.x = 1.0f;
    a.z = 30.0f;
    MoveInput west{1, -1.0f, 0.0f, 0, true};
    for (int i = 0; i < 60; ++i) stepAvatar(a, west, kTickSeconds, parts, ev.hallSize);
    EXPECT_GE(a.x, kAvatarRadius - 0.011f);
    EXPECT_LT(a.x, kAvatarRadius + 0.02f);
}
