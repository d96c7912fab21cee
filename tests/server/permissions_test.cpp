// permissions_test.cpp: the table of client messages (server/core/permissions.h, docs/roles.md)
// is what the server enforces. For every (message, role) the table refuses, a client of that role
// sends the message and is told in words (a Notice in both languages), nothing in the store
// changes, and the client stays in the hall. Then the limits: messages too large, too fast, in
// the wrong state, and a flood that gets its sender cut off while the others play on.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "client/core/connection.h"
#include "net/protocol/docking_msgs.h"
#include "net/protocol/present_msgs.h"
#include "net/protocol/stage_msgs.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"
#include "server/core/permissions.h"
#include "server/store/sqlite_store.h"
#include "tests/server/service_hall.h"

using namespace server;

namespace {

net::EventLayout testLayout() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {40, 30};
    ev.spawn = {20, 25};
    return ev;
}

// The store lives before the hall that uses it (a base constructed first).
struct MemoryStore {
    std::unique_ptr<SqliteStore> store = open();
    static std::unique_ptr<SqliteStore> open() {
        std::string error;
        auto s = SqliteStore::open(":memory:", &error);
        EXPECT_TRUE(s) << error;
        return s;
    }
};

struct Hall : MemoryStore, test_hall::ServiceHall {
    explicit Hall(ServerDesc desc = {}) : ServiceHall(testLayout(), desc, store.get()) {}
    // Joins start only: the tests run the hall themselves.
    client::Connection& join(const std::string& name, net::Role role) {
        return connect(client::JoinRequest{name, "嵊州市机械工业协会", role});
    }
};

// A genuine encoding of each client message, so a refusal is the table's doing, not the decoder's.
net::Bytes sample(net::MsgType t) {
    using namespace net;
    PostView post;
    post.kind = DockKind::Need;
    post.title = {"齿轮渗碳淬火变形控制", "Distortion control in gear carburizing"};
    post.fields = {"heat-treatment"};
    post.description = {"希望与高校合作攻关。", "Looking for a university partner."};
    post.contact = "张工 138 0000 0000";
    switch (t) {
        case MsgType::ChatSend: return encode(ChatSend{"你好"});
        case MsgType::PostSave: return encodeDock(PostSave{.req = 1, .post = post});
        case MsgType::PostWithdraw: return encodeDock(PostWithdraw{.req = 1, .post = 1});
        case MsgType::PostHide: return encodeDock(PostHide{.req = 1, .post = 1, .hidden = true});
        case MsgType::MeetingSchedule: return encodeDock(MeetingSchedule{.req = 1, .need = 1, .capability = 2});
        case MsgType::FieldAdd: return encodeDock(FieldAdd{.req = 1, .field = {"laser-cladding", "激光熔覆", "Laser cladding"}});
        case MsgType::PresentSet: return encodeDock(PresentSet{.active = true, .booth = 0, .exhibit = 0, .pose = {}});
        case MsgType::AgreementSave: {
            Agreement a;
            a.title = {"框架合作协议", "Framework cooperation agreement"};
            a.text = {"双方同意开展合作。", "Both parties agree to cooperate."};
            return encodeStage(net::AgreementSave{.req = 1, .agreement = a});
        }
        case MsgType::CeremonyAct: return encodeStage(CeremonyAct{.req = 1, .ceremony = 1, .action = CeremonyAction::Start});
        case MsgType::Announce: return encodeStage(Announce{.req = 1, .text = {"请到舞台", "Please come to the stage"}});
        case MsgType::Moderate: return encodeStage(Moderate{.req = 1, .action = ModerationAction::Mute, .account = 1});
        case MsgType::EyesOnStage: return encodeStage(EyesOnStage{.req = 1});
        case MsgType::SlideUpload: return encodeStage(SlideUpload{.req = 1, .total = 4, .offset = 0, .chunk = {0x89, 'P', 'N', 'G'}});
        case MsgType::SlideShow: return encodeStage(SlideShow{.req = 1, .index = 0});
        case MsgType::SlideClear: return encodeStage(SlideClear{.req = 1});
        default: return {};
    }
}

bool hasNotice(const client::Connection& c, net::NoticeCode code) {
    for (const auto& n : c.world().notices())
        if (n.code == code) return true;
    return false;
}

struct Refused {
    net::MsgType type;
    net::Role role;
};

std::vector<Refused> refusedByTheTable() {
    std::vector<Refused> out;
    for (const MessageRule& r : clientMessageRules())
        for (int role = 0; role < int(net::Role::Count); ++role)
            if (r.phase == SessionPhase::Joined && (r.roles & roleBit(net::Role(role))) == 0)
                out.push_back({r.type, net::Role(role)});
    return out;
}

class RefusedByRole : public ::testing::TestWithParam<Refused> {};

}  // namespace

TEST(Permissions, EveryClientMessageHasExactlyOneRowAndServerMessagesNone) {
    std::vector<int> rows(size_t(net::MsgType::Count), 0);
    for (const MessageRule& r : clientMessageRules()) ++rows[size_t(r.type)];
    for (int t = 0; t < int(net::MsgType::Count); ++t) {
        const std::string name = net::msgTypeName(net::MsgType(t));
        EXPECT_LE(rows[size_t(t)], 1) << name;
        EXPECT_EQ(ruleFor(net::MsgType(t)) != nullptr, rows[size_t(t)] == 1) << name;
    }
    for (net::MsgType serverOnly : {net::MsgType::Welcome, net::MsgType::Snapshot, net::MsgType::ChatLine, net::MsgType::ChatLines,
                                    net::MsgType::Notice, net::MsgType::DockReply, net::MsgType::VisitLeads})
        EXPECT_EQ(ruleFor(serverOnly), nullptr) << net::msgTypeName(serverOnly);
    EXPECT_FALSE(roleMaySend(net::Role::Attendee, net::MsgType::PostSave));
    EXPECT_TRUE(roleMaySend(net::Role::Organizer, net::MsgType::PostHide));
    // The speaker has the big screen and nothing of the organizer's else.
    for (net::MsgType t : {net::MsgType::SlideUpload, net::MsgType::SlideShow, net::MsgType::SlideClear})
        EXPECT_TRUE(roleMaySend(net::Role::Speaker, t)) << net::msgTypeName(t);
    for (net::MsgType t : {net::MsgType::CeremonyAct, net::MsgType::AgreementSave, net::MsgType::Moderate,
                           net::MsgType::Announce, net::MsgType::EyesOnStage, net::MsgType::PostHide})
        EXPECT_FALSE(roleMaySend(net::Role::Speaker, t)) << net::msgTypeName(t);
}

TEST(Permissions, DocsRolesListsEveryRowOfTheTable) {
    std::ifstream f(DOCKHALL_SOURCE_DIR "/docs/roles.md");
    ASSERT_TRUE(f) << "docs/roles.md is missing";
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string doc = ss.str();
    for (const MessageRule& r : clientMessageRules())
        EXPECT_NE(doc.find(std::string("| `") + net::msgTypeName(r.type) + "` |"), std::string::npos)
            << net::msgTypeName(r.type) << " has no row in docs/roles.md";
}

TEST_P(RefusedByRole, IsToldInWordsChangesNothingAndStaysIn) {
    const Refused p = GetParam();
    Hall h;
    auto& c = h.join("试一试", p.role);
    h.run(200);
    ASSERT_EQ(c.state(), client::ConnState::Joined);
    net::Bytes packet = sample(p.type);
    ASSERT_FALSE(packet.empty()) << "no sample for " << net::msgTypeName(p.type);
    const auto postsBefore = h.store->postsEverStored();
    const auto meetingsBefore = h.store->meetings().size();
    Hall::sendRaw(c, packet);
    h.run(200);
    ASSERT_TRUE(hasNotice(c, net::NoticeCode::NotAllowed)) << net::msgTypeName(p.type) << " as " << net::roleName(p.role);
    const std::string& text = c.world().notices().back().text;
    EXPECT_NE(text.find(net::roleName(p.role)), std::string::npos) << text;
    EXPECT_NE(text.find("未作任何更改"), std::string::npos) << text;
    EXPECT_EQ(h.store->postsEverStored(), postsBefore);
    EXPECT_EQ(h.store->meetings().size(), meetingsBefore);
    EXPECT_EQ(h.server.stats().refusedMessages, 1u);
    EXPECT_EQ(c.state(), client::ConnState::Joined);
}

INSTANTIATE_TEST_SUITE_P(Table, RefusedByRole, ::testing::ValuesIn(refusedByTheTable()),
                         [](const ::testing::TestParamInfo<Refused>& i) {
                             return std::string(net::msgTypeName(i.param.type)) + "_" + net::roleName(i.param.role);
                         });

TEST(Permissions, TheSameMessagesFromAnAllowedRoleGoThrough) {
    Hall h;
    auto& firm = h.join("王工", net::Role::Exhibitor);
    h.run(200);
    Hall::sendRaw(firm, sample(net::MsgType::PostSave));
    h.run(200);
    EXPECT_FALSE(hasNotice(firm, net::NoticeCode::NotAllowed));
    EXPECT_EQ(h.store->postsEverStored(), 1u);
}

TEST(Permissions, ServerMessagesWrongChannelsAndSecondHellosAreDroppedAndCounted) {
    Hall h;
    auto& c = h.join("Li Na", net::Role::Organizer);
    h.run(200);
    const auto malformed = h.server.stats().malformedPackets;
    Hall::sendRaw(c, net::encode(net::Notice{net::NoticeCode::Announcement, "I am the organizer now"}));
    Hall::sendRaw(c, sample(net::MsgType::ChatSend), net::kChannelState);      // chat on the movement channel
    Hall::sendRaw(c, net::encode(net::Hello{.name = "again"}));                 // a second Hello
    h.run(200);
    EXPECT_EQ(h.server.stats().malformedPackets, malformed + 3);
    EXPECT_TRUE(c.world().chat().empty());
    EXPECT_EQ(c.state(), client::ConnState::Joined);
}

TEST(Permissions, OversizedMessagesAreDroppedWithANotice) {
    Hall h;
    auto& c = h.join("Li Na", net::Role::Attendee);
    h.run(200);
    net::Bytes big = sample(net::MsgType::ChatSend);
    big.resize(ruleFor(net::MsgType::ChatSend)->maxBytes + 1, 'x');
    Hall::sendRaw(c, big);
    h.run(200);
    ASSERT_TRUE(hasNotice(c, net::NoticeCode::TooLarge));
    EXPECT_NE(c.world().notices().back().text.find("too large"), std::string::npos);
    EXPECT_TRUE(c.world().chat().empty());
    EXPECT_EQ(c.state(), client::ConnState::Joined);
}

TEST(Permissions, DockingActionsAreRateLimitedPerClient) {
    Hall h({.actionBurst = 3, .actionRefillMs = 1000});
    auto& firm = h.join("王工", net::Role::Exhibitor);
    auto& other = h.join("赵经理", net::Role::Exhibitor);
    h.run(200);
    for (int i = 0; i < 5; ++i) Hall::sendRaw(firm, sample(net::MsgType::PostSave));
    Hall::sendRaw(other, sample(net::MsgType::PostSave));
    h.run(200);
    EXPECT_TRUE(hasNotice(firm, net::NoticeCode::RateLimited));
    EXPECT_FALSE(hasNotice(other, net::NoticeCode::RateLimited));  // a bucket per client
    EXPECT_EQ(h.store->postsEverStored(), 4u);                     // 3 + the other's 1
    h.run(1000);                                                   // one more after a second
    Hall::sendRaw(firm, sample(net::MsgType::PostSave));
    h.run(200);
    EXPECT_EQ(h.store->postsEverStored(), 5u);
    EXPECT_EQ(firm.state(), client::ConnState::Joined);
}

TEST(Permissions, AFloodingClientIsCutOffWithAReasonAndTheOthersKeepTheirTicks) {
    Hall h;
    auto& flooder = h.join("flood", net::Role::Attendee);
    auto& calm = h.join("calm", net::Role::Attendee);
    h.run(300);
    ASSERT_EQ(flooder.state(), client::ConnState::Joined);
    // Chat at 20 lines a second, 40 times the allowed rate: refusals pile up into a cut-off.
    uint32_t calmBefore = calm.world().snapshotsReceived();
    for (int i = 0; i < 60 && flooder.state() == client::ConnState::Joined; ++i) {
        flooder.sendChat("spam " + std::to_string(i));
        h.run(50);
    }
    EXPECT_EQ(flooder.state(), client::ConnState::Refused);
    EXPECT_EQ(flooder.refuseReason(), net::RefuseReason::Flooding);
    EXPECT_NE(flooder.refusalText().find("refused messages"), std::string::npos) << flooder.refusalText();
    EXPECT_EQ(h.server.stats().cutOff, 1u);
    EXPECT_EQ(calm.state(), client::ConnState::Joined);
    // The calm one kept its 30 snapshots a second throughout.
    double seconds = double(h.now - 300) / 1000.0;
    EXPECT_GT(calm.world().snapshotsReceived() - calmBefore, uint32_t(28.0 * seconds));
}

TEST(Permissions, APacketStormIsCutOffAtOnce) {
    Hall h({.maxPacketsPerSecond = 100});
    auto& storm = h.join("storm", net::Role::Attendee);
    auto& calm = h.join("calm", net::Role::Attendee);
    h.run(300);
    net::Input in;
    in.inputs.push_back({});
    for (int i = 0; i < 150; ++i) {
        in.inputs.back().seq = uint32_t(i + 1);
        Hall::sendRaw(storm, net::encode(in), net::kChannelState);
    }
    h.run(200);
    EXPECT_EQ(storm.refuseReason(), net::RefuseReason::Flooding);
    EXPECT_NE(storm.refusalText().find("in one second"), std::string::npos);
    EXPECT_EQ(calm.state(), client::ConnState::Joined);
    EXPECT_EQ(h.server.stats().participants, 1u);
}

// The size column must never refuse what a genuine client can send: the largest encodings of the
// messages that carry text fit their rows.
TEST(Permissions, TheLargestGenuineMessagesFitTheirSizeLimits) {
    using namespace net;
    auto fill = [](uint32_t n) { return std::string(n, 'a'); };
    auto fits = [](const Bytes& b, MsgType t) {
        EXPECT_FALSE(b.empty()) << msgTypeName(t) << " did not encode";
        EXPECT_LE(b.size(), ruleFor(t)->maxBytes) << msgTypeName(t);
    };
    SessionToken token;
    token.bytes.fill(0xab);
    fits(encode(Hello{.name = fill(kMaxNameBytes), .org = fill(kMaxOrgBytes), .email = fill(kMaxEmailBytes),
                      .password = fill(kMaxPasswordBytes), .token = token}),
         MsgType::Hello);
    fits(encode(ChatSend{fill(kMaxChatBytes * 4)}), MsgType::ChatSend);
    fits(encodeDock(TableChatSend{.meeting = ~0u, .text = fill(kMaxChatBytes * 4)}), MsgType::TableChatSend);
    fits(encodeDock(MeetingNotes{.req = ~0u, .meeting = ~0u, .notes = fill(kMaxDockTextBytes)}), MsgType::MeetingNotes);
    BusinessCard card{fill(kMaxNameBytes), fill(kMaxOrgBytes), fill(kMaxDockShortBytes), fill(kMaxDockShortBytes),
                      fill(kMaxDockShortBytes)};
    fits(encodeDock(CardSet{.req = ~0u, .card = card}), MsgType::CardSet);
    BoardSearch q{.req = ~0u, .text = fill(400), .limit = uint8_t(kMaxDockResults), .fetch = ~0u};
    q.fields.assign(kMaxDockFields, fill(kMaxDockFieldKeyBytes));
    fits(encodeDock(q), MsgType::BoardSearch);
    PostView p;
    p.kind = DockKind::Capability;
    p.org = {fill(kMaxOrgBytes), fill(kMaxOrgBytes)};
    p.author = fill(kMaxNameBytes);
    p.title = {fill(kMaxDockTitleBytes), fill(kMaxDockTitleBytes)};
    p.fields.assign(kMaxDockFields, fill(kMaxDockFieldKeyBytes));
    p.description = {fill(kMaxDockTextBytes), fill(kMaxDockTextBytes)};
    p.extra = {fill(kMaxDockTextBytes), fill(kMaxDockTextBytes)};
    p.contact = fill(kMaxDockShortBytes);
    p.achievements.assign(kMaxDockAchievements,
                          DockAchievement{.kind = 0, .title = {fill(kMaxDockTitleBytes), fill(kMaxDockTitleBytes)},
                                          .reference = fill(kMaxDockShortBytes)});
    fits(encodeDock(PostSave{.req = ~0u, .post = p}), MsgType::PostSave);
}
