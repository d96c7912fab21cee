// Snapshot delta codec: every field survives a delta round trip when changed alone; additions,
// removals, large moves and a missing baseline behave; deltas are much smaller than full frames.
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "net/protocol/messages.h"

using namespace net;

namespace {

SnapshotFrame makeFrame(uint32_t tick, int n, uint32_t seed = 1) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> pos(0.5f, 80.0f), yaw(0.0f, 6.28f);
    SnapshotFrame f;
    f.tick = tick;
    for (int i = 0; i < n; ++i) {
        AvatarState a;
        a.id.v = uint16_t(i * 3 + 1);
        a.x = pos(rng);
        a.z = pos(rng);
        a.yaw = yaw(rng);
        a.anim = Anim(i % int(Anim::Count));
        f.avatars.push_back(quantized(a));
    }
    return f;
}

bool decodeAgainst(const Bytes& b, const SnapshotFrame* base, SnapshotMsg& out) {
    return decodeSnapshot(b, out, [&](uint32_t t) -> const SnapshotFrame* { return base && base->tick == t ? base : nullptr; });
}

void expectSame(const SnapshotFrame& a, const SnapshotFrame& b) {
    ASSERT_EQ(a.avatars.size(), b.avatars.size());
    for (size_t i = 0; i < a.avatars.size(); ++i) {
        EXPECT_EQ(a.avatars[i].id.v, b.avatars[i].id.v);
        EXPECT_NEAR(a.avatars[i].x, b.avatars[i].x, 0.0051f);
        EXPECT_NEAR(a.avatars[i].z, b.avatars[i].z, 0.0051f);
        EXPECT_EQ(toYawStep(a.avatars[i].yaw), toYawStep(b.avatars[i].yaw));
        EXPECT_EQ(a.avatars[i].anim, b.avatars[i].anim);
    }
}

SnapshotMsg roundTrip(const SnapshotFrame& cur, const SnapshotFrame* base, size_t* bytes = nullptr) {
    SnapshotMsg m;
    m.tick = cur.tick;
    m.baselineTick = base ? base->tick : 0;
    m.lastInput = 77;
    m.frame = cur;
    Bytes b = encodeSnapshot(m, base);
    EXPECT_FALSE(b.empty());
    if (bytes) *bytes = b.size();
    SnapshotMsg out;
    EXPECT_TRUE(decodeAgainst(b, base, out));
    EXPECT_EQ(out.lastInput, 77u);
    EXPECT_EQ(out.tick, cur.tick);
    return out;
}

}  // namespace

TEST(Snapshot, FullFrameRoundTrips) {
    SnapshotFrame f = makeFrame(10, 50);
    expectSame(roundTrip(f, nullptr).frame, f);
}

// One field at a time: a field the codec forgot would come back with the baseline's value.
TEST(Snapshot, EveryFieldSurvivesADeltaAlone) {
    const SnapshotFrame base = makeFrame(10, 20);
    using Mutator = void (*)(AvatarState&);
    const std::vector<std::pair<const char*, Mutator>> fields = {
        {"x small", [](AvatarState& a) { a.x += 0.37f; }},
        {"x large", [](AvatarState& a) { a.x = a.x > 40 ? 1.0f : 79.0f; }},
        {"z small", [](AvatarState& a) { a.z -= 0.21f; }},
        {"z large", [](AvatarState& a) { a.z = a.z > 40 ? 2.0f : 78.0f; }},
        {"yaw", [](AvatarState& a) { a.yaw = fromYawStep((toYawStep(a.yaw) + 17) % kYawSteps); }},
        {"anim", [](AvatarState& a) { a.anim = Anim((int(a.anim) + 1) % int(Anim::Count)); }},
    };
    static_assert(sizeof(AvatarState) == 20, "a new AvatarState field needs a mutator above");
    for (const auto& [name, mutate] : fields) {
        for (size_t who = 0; who < base.avatars.size(); who += 7) {
            SnapshotFrame cur = base;
            cur.tick = 11;
            mutate(cur.avatars[who]);
            cur.avatars[who] = quantized(cur.avatars[who]);
            SnapshotMsg out = roundTrip(cur, &base);
            SCOPED_TRACE(name);
            expectSame(out.frame, cur);
        }
    }
}

TEST(Snapshot, AdditionsAndRemovalsApply) {
    SnapshotFrame base = makeFrame(10, 10);
    SnapshotFrame cur = base;
    cur.tick = 12;
    cur.avatars.erase(cur.avatars.begin() + 3);          // someone left
    cur.avatars.erase(cur.avatars.begin());              // the first one too
    AvatarState newcomer;
    newcomer.id.v = 2;                                   // between existing ids
    newcomer.x = 5; newcomer.z = 6;
    cur.avatars.insert(cur.avatars.begin(), newcomer);
    AvatarState last;
    last.id.v = 4095;
    last.x = 70; last.z = 50;
    cur.avatars.push_back(last);
    expectSame(roundTrip(cur, &base).frame, cur);
}

TEST(Snapshot, UnchangedAvatarsCostAlmostNothing) {
    SnapshotFrame base = makeFrame(10, 200);
    SnapshotFrame cur = base;
    cur.tick = 11;
    size_t fullBytes = 0, deltaBytes = 0;
    roundTrip(cur, nullptr, &fullBytes);
    roundTrip(cur, &base, &deltaBytes);
    EXPECT_LT(deltaBytes, 20u);
    EXPECT_GT(fullBytes, 200u * 5);
    // 30% walking a few cm per tick: well under half of a full frame.
    for (size_t i = 0; i < cur.avatars.size(); i += 3) cur.avatars[i].x += 0.06f;
    roundTrip(cur, &base, &deltaBytes);
    EXPECT_LT(deltaBytes * 2, fullBytes);
}

TEST(Snapshot, DeltaAgainstAMissingBaselineIsRefused) {
    SnapshotFrame base = makeFrame(10, 5), cur = makeFrame(11, 5, 2);
    SnapshotMsg m;
    m.tick = 11;
    m.baselineTick = 10;
    m.frame = cur;
    Bytes b = encodeSnapshot(m, &base);
    SnapshotMsg out;
    EXPECT_FALSE(decodeAgainst(b, nullptr, out));
    SnapshotFrame wrong = makeFrame(9, 5);
    EXPECT_FALSE(decodeAgainst(b, &wrong, out));
    EXPECT_TRUE(decodeAgainst(b, &base, out));
}

TEST(Snapshot, TruncatedDeltasAreRefused) {
    SnapshotFrame base = makeFrame(10, 30), cur = makeFrame(11, 30, 9);
    SnapshotMsg m;
    m.tick = 11;
    m.baselineTick = 10;
    m.frame = cur;
    Bytes b = encodeSnapshot(m, &base);
    for (size_t n = 0; n < b.size(); ++n) {
        SnapshotMsg out;
        EXPECT_FALSE(decodeAgainst(Bytes(b.begin(), b.begin() + long(n)), &base, out)) << n;
    }
}

TEST(Snapshot, QuantizationIsCentimetresAndFineYaw) {
    AvatarState a;
    a.x = 12.3456f;
    a.z = 0.004f;
    a.yaw = 1.0f;
    AvatarState q = quantized(a);
    EXPECT_NEAR(q.x, 12.35f, 1e-4f);
    EXPECT_NEAR(q.z, 0.0f, 1e-4f);
    EXPECT_LE(std::abs(q.yaw - 1.0f), float(2 * 3.14159265 / 256 / 2) + 1e-5f);  // within half a step (0.7 deg)
}

// Centimetres round half up and clamp to the hall's range; the fast rounding must agree with the
// plain floor(x * 100 + 0.5) everywhere, at the edges and for values a client could send.
TEST(Snapshot, CentimetresRoundLikeFloorAndClampAtTheEdges) {
    auto reference = [](float m) -> int64_t {
        if (std::isnan(m)) return 0;
        double c = std::floor(double(m) * 100.0 + 0.5);
        return int64_t(std::clamp(c, 0.0, double(kMaxCentimetres)));
    };
    const float maxM = float(kMaxCentimetres) / 100.0f;
    const float edges[] = {0.0f, -0.0f, 0.004f, 0.005f, 0.0049999f, 0.015f, -0.004f, -0.005f, -0.006f, -1.0f, 1.0f,
                           12.345f, maxM, maxM - 0.005f, maxM + 0.004f, maxM + 0.01f, maxM * 2, -maxM, 1e30f, -1e30f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min()};
    for (float m : edges) EXPECT_EQ(toCentimetres(m), reference(m)) << m;
    EXPECT_EQ(toCentimetres(0.005f), reference(0.005f));
    EXPECT_EQ(toCentimetres(-1.0f), 0);
    EXPECT_EQ(toCentimetres(maxM * 2), kMaxCentimetres);
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> any(-10.0f, maxM + 10.0f);
    for (int i = 0; i < 200000; ++i) {
        const float m = any(rng);
        ASSERT_EQ(toCentimetres(m), reference(m)) << m;
        const float onGrid = float(int(rng() % uint32_t(kMaxCentimetres + 1))) / 100.0f;  // HallSim's states
        ASSERT_EQ(toCentimetres(onGrid), reference(onGrid)) << onGrid;
    }
}

// The bit writer flushes a 32-bit word at a time; the bytes must be those of the plain
// bit-by-bit packing (little-endian, LSB first), whatever the widths and the final padding.
TEST(Snapshot, WordAtATimeWriterPacksLikeBitByBit) {
    std::mt19937 rng(11);
    for (int round = 0; round < 200; ++round) {
        WriteStream w;
        std::vector<uint8_t> ref;
        size_t bit = 0;
        int n = int(rng() % 60);
        for (int i = 0; i < n; ++i) {
            int bits = int(rng() % 33);
            uint32_t v = uint32_t(rng());
            uint32_t copy = v;
            w.serializeBits(copy, bits);
            for (int b = 0; b < bits; ++b, ++bit) {
                if (bit / 8 >= ref.size()) ref.push_back(0);
                if ((v >> b) & 1u) ref[bit / 8] |= uint8_t(1u << (bit % 8));
            }
            ASSERT_EQ(w.bitsWritten(), bit);
            if (rng() % 8 == 0) {  // byte blocks align first
                uint8_t blob[3] = {uint8_t(rng()), 0x5a, uint8_t(i)};
                w.serializeBytes(blob, sizeof blob);
                bit = (bit + 7) / 8 * 8;
                ref.resize(bit / 8);
                ref.insert(ref.end(), blob, blob + 3);
                bit += 24;
            }
        }
        EXPECT_EQ(w.finish(), ref) << "round " << round;
    }
}

// The reader loads a word at a time: whatever the widths, it gives back what was written, up to
// the buffer's last bit (the last bytes are fewer than a word), and refuses a read past it.
TEST(Snapshot, WordAtATimeReaderGivesBackEveryWidthToTheLastBit) {
    std::mt19937 rng(23);
    for (int round = 0; round < 300; ++round) {
        WriteStream w;
        std::vector<std::pair<uint32_t, int>> written;
        const int n = 1 + int(rng() % 40);
        for (int i = 0; i < n; ++i) {
            const int bits = 1 + int(rng() % 32);
            uint32_t v = uint32_t(rng()) & (bits == 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u));
            uint32_t copy = v;
            w.serializeBits(copy, bits);
            written.push_back({v, bits});
        }
        const std::vector<uint8_t> bytes = w.finish();
        // Read from a copy that is exactly the written size, so any read past it shows.
        std::vector<uint8_t> exact(bytes);
        ReadStream r(exact.data(), exact.size());
        for (const auto& [v, bits] : written) {
            uint32_t got = 0xDEADBEEF;
            ASSERT_TRUE(r.serializeBits(got, bits)) << "round " << round;
            ASSERT_EQ(got, v) << "round " << round << ", " << bits << " bits";
        }
        const size_t left = exact.size() * 8 - r.bitsRead();  // the final padding
        ASSERT_LT(left, 8u);
        uint32_t pad = 1;
        if (left) {
            EXPECT_TRUE(r.serializeBits(pad, int(left)));
            EXPECT_EQ(pad, 0u);
        }
        uint32_t past = 0;
        EXPECT_FALSE(r.serializeBits(past, 1)) << "read past the end";
        EXPECT_TRUE(r.failed());
    }
}

// The server encodes into one reused buffer: the same bytes as a fresh encode, every time.
TEST(Snapshot, EncodingIntoAReusedBufferGivesTheSameBytes) {
    Bytes reused;
    SnapshotFrame base = makeFrame(5, 70, 3);
    for (uint32_t t = 6; t < 40; ++t) {
        SnapshotFrame cur = makeFrame(t, 40 + int(t % 30), t);
        SnapshotMsg msg{.tick = t, .baselineTick = t % 3 ? 5u : 0u, .lastInput = t * 7, .people = 12, .frame = cur};
        const SnapshotFrame* b = msg.baselineTick ? &base : nullptr;
        Bytes fresh = encodeSnapshot(msg, b);
        ASSERT_FALSE(fresh.empty());
        EXPECT_TRUE(encodeSnapshotInto(msg, b, reused));
        EXPECT_EQ(reused, fresh) << "tick " << t;
        SnapshotMsg got;
        ASSERT_TRUE(decodeAgainst(reused, b, got));
        expectSame(cur, got.frame);
    }
    // A mismatched baseline is refused and leaves the buffer empty.
    SnapshotMsg bad{.tick = 50, .baselineTick = 9, .lastInput = 0, .people = 1, .frame = base};
    EXPECT_FALSE(encodeSnapshotInto(bad, &base, reused));
    EXPECT_TRUE(reused.empty());
}

TEST(Snapshot, TheBaselineTravelsAsItsAgeAndOneOlderThanTheWireCanNameIsNotEncoded) {
    SnapshotFrame base = makeFrame(1000, 8);
    // 255 ticks back is the oldest a snapshot can name; the client finds it by tick.
    SnapshotFrame cur = makeFrame(1255, 8, 3);
    SnapshotMsg back = roundTrip(cur, &base);
    EXPECT_EQ(back.baselineTick, 1000u);
    expectSame(back.frame, cur);
    // 256 ticks back: the encoder refuses rather than name a wrong baseline.
    SnapshotMsg m;
    m.tick = 1256;
    m.baselineTick = 1000;
    m.frame = makeFrame(1256, 8, 3);
    EXPECT_TRUE(encodeSnapshot(m, &base).empty());
    // A baseline after the snapshot, or the same tick, is refused as well.
    m.tick = 1000;
    EXPECT_TRUE(encodeSnapshot(m, &base).empty());
}

TEST(Snapshot, DecodingReusesTheMessagesStorageAndAFailureLeavesItEmpty) {
    SnapshotFrame base = makeFrame(20, 30), cur = makeFrame(21, 30, 4);
    SnapshotMsg m{.tick = 21, .baselineTick = 20, .lastInput = 5, .people = 40, .frame = cur};
    Bytes b = encodeSnapshot(m, &base);
    SnapshotMsg out;
    out.frame.avatars.reserve(256);
    const AvatarState* storage = out.frame.avatars.data();
    ASSERT_TRUE(decodeAgainst(b, &base, out));
    EXPECT_EQ(out.frame.avatars.data(), storage);  // decoded in place: no allocation
    expectSame(out.frame, cur);
    EXPECT_EQ(out.people, 40u);
    // Cut short: refused, and the stale avatars of the last decode are not left to be mistaken for it.
    Bytes cut(b.begin(), b.end() - 3);
    EXPECT_FALSE(decodeAgainst(cut, &base, out));
    EXPECT_TRUE(out.frame.avatars.empty());
    // Decoding against the very frame it writes into is refused, not corrupted.
    SnapshotMsg self;
    self.frame = base;
    EXPECT_FALSE(decodeSnapshot(b, self, [&](uint32_t) -> const SnapshotFrame* { return &self.frame; }));
}

// Protocol 8: a packet may carry two snapshots, the second coded against the first. Each is read
// in turn; a lone snapshot with bytes after it is still malformed, and so is a second part that
// is cut short.
TEST(Snapshot, TwoTicksInOnePacketDecodeInTurn) {
    SnapshotFrame base = makeFrame(100, 40, 3), first = base, second;
    first.tick = 104;
    for (auto& a : first.avatars) a.x = std::min(a.x + 0.13f, 99.0f);
    first.avatars.erase(first.avatars.begin() + 5);
    second = first;
    second.tick = 105;
    for (size_t i = 0; i < second.avatars.size(); i += 2) second.avatars[i].z = std::min(second.avatars[i].z + 0.04f, 99.0f);
    for (auto* f : {&base, &first, &second})
        for (auto& a : f->avatars) a = quantized(a);

    SnapshotMsg m1{.tick = 104, .baselineTick = 100, .lastInput = 9, .people = 41, .inputSlack = 0, .frame = first};
    SnapshotMsg m2{.tick = 105, .baselineTick = 104, .lastInput = 10, .people = 41, .inputSlack = 1, .frame = second};
    Bytes a = encodeSnapshot(m1, &base), b = encodeSnapshot(m2, &first);
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    EXPECT_LT(b.size(), a.size());  // a tick's change costs less than four ticks'
    Bytes packet = a;
    packet.insert(packet.end(), b.begin(), b.end());

    auto lookup = [&](const SnapshotFrame* f) {
        return [f](uint32_t t) -> const SnapshotFrame* { return f && f->tick == t ? f : nullptr; };
    };
    SnapshotMsg out1, out2;
    size_t used = 0;
    ASSERT_TRUE(decodeSnapshot(packet, out1, lookup(&base), &used));
    EXPECT_EQ(used, a.size());
    EXPECT_EQ(out1.tick, 104u);
    expectSame(out1.frame, first);
    std::span<const uint8_t> rest(packet.data() + used, packet.size() - used);
    size_t used2 = 0;
    ASSERT_TRUE(decodeSnapshot(rest, out2, lookup(&out1.frame), &used2));
    EXPECT_EQ(used2, rest.size());
    EXPECT_EQ(out2.tick, 105u);
    EXPECT_EQ(out2.lastInput, 10u);
    EXPECT_EQ(out2.inputSlack, 1u);
    expectSame(out2.frame, second);
    // The second needs the first: without it, it does not decode.
    SnapshotMsg lost;
    EXPECT_FALSE(decodeSnapshot(rest, lost, lookup(&base), &used2));

    // Read as a single snapshot, the pair is malformed (trailing bytes).
    SnapshotMsg single;
    EXPECT_FALSE(decodeSnapshot(packet, single, lookup(&base)));
    // Cut inside the second: the first still reads, the second does not.
    Bytes cut(packet.begin(), packet.end() - 2);
    SnapshotMsg c1, c2;
    ASSERT_TRUE(decodeSnapshot(cut, c1, lookup(&base), &used));
    EXPECT_FALSE(decodeSnapshot(std::span<const uint8_t>(cut).subspan(used), c2, lookup(&c1.frame), &used2));
}
