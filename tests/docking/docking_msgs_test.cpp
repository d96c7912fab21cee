// Docking messages round-trip and refuse bad input; the meeting book never double-books.
#include <gtest/gtest.h>

#include <random>

#include "net/protocol/docking_msgs.h"
#include "server/core/meetings.h"

using namespace net;

TEST(DockingMsgs, EveryMessageRoundTrips) {
    PostView p;
    p.id = 7;
    p.kind = DockKind::Capability;
    p.org = {"浙江工业职业技术学院", "Zhejiang Industry Polytechnic College"};
    p.orgKind = OrgKind::University;
    p.title = {"锻件超声检测", "Ultrasonic testing"};
    p.fields = {"testing", "forging"};
    p.description = {"多行\n描述", "two\nlines"};
    p.budgetMin = 100000;
    p.budgetMax = 500000;
    p.deadlineMs = 1717462800000;
    p.readiness = 6;
    p.achievements.push_back({0, {"一种检测方法", "A test method"}, "ZL202310000000.1"});
    PostSave save{42, p};
    PostSave back;
    ASSERT_TRUE(decodeDock(encodeDock(save), back));
    EXPECT_EQ(back.req, 42u);
    EXPECT_EQ(back.post.title.zh, "锻件超声检测");
    EXPECT_EQ(back.post.fields, p.fields);
    EXPECT_EQ(back.post.budgetMax, 500000);
    EXPECT_EQ(back.post.deadlineMs, 1717462800000);
    ASSERT_EQ(back.post.achievements.size(), 1u);
    EXPECT_EQ(back.post.achievements[0].reference, "ZL202310000000.1");

    MeetingView m;
    m.id = 3;
    m.requester = {1, "王工", "嵊州"};
    m.responder = {2, "李教授", "浙工院"};
    m.slot = {1, 4};
    m.startMs = 1717466400000;
    m.minutes = 15;
    m.table = 5;
    m.state = MeetingState::Accepted;
    m.outcome = MeetingOutcome::Intent;
    MeetingUpdate u{m}, ub;
    ASSERT_TRUE(decodeDock(encodeDock(u), ub));
    EXPECT_EQ(ub.meeting.slot, (SlotRef{1, 4}));
    EXPECT_EQ(ub.meeting.table, 5);
    EXPECT_EQ(ub.meeting.state, MeetingState::Accepted);

    ForYou fy;
    fy.posts.push_back({{7, DockKind::Need, {}, OrgKind::Enterprise, {"a", "b"}, {"testing"}}, {{{}, 87.5f, {"超声检测"}, {"testing"}}}});
    ForYou fyb;
    ASSERT_TRUE(decodeDock(encodeDock(fy), fyb));
    EXPECT_NEAR(fyb.posts[0].matches[0].score, 87.5f, 0.05f);
    // The wrong type is refused.
    MeetingUpdate wrong;
    EXPECT_FALSE(decodeDock(encodeDock(fy), wrong));
}

TEST(DockingMsgs, RandomAndTruncatedBuffersAreRefused) {
    std::mt19937 rng(99);
    PostSave save;
    save.post.title = {"锻件", "forging"};
    Bytes good = encodeDock(save);
    for (size_t n = 1; n < good.size(); ++n) {
        PostSave out;
        EXPECT_FALSE(decodeDock(std::span(good.data(), n), out)) << n;
    }
    int accepted = 0;
    for (int i = 0; i < 5000; ++i) {
        Bytes b(size_t(rng() % 48) + 1);
        for (auto& x : b) x = uint8_t(rng());
        b[0] = uint8_t(MsgType::PostSave) + uint8_t(rng() % 23);
        PostSave a; BoardSearch s; MeetingAnswer ma; ContactUpdate cu; TableChatSend t;
        accepted += decodeDock(b, a) + decodeDock(b, s) + decodeDock(b, ma) + decodeDock(b, cu) + decodeDock(b, t);
    }
    EXPECT_LT(accepted, 250);
}

TEST(DockingMsgs, VCardEscapesText) {
    std::string v = toVCard({"王磊", "Shengzhou; Gear, Works", "经理", "+86 575", "w@x.cn"});
    EXPECT_NE(v.find("ORG;CHARSET=UTF-8:Shengzhou\\; Gear\\, Works\r\n"), std::string::npos);
    EXPECT_EQ(v.rfind("END:VCARD\r\n"), v.size() - 11);
}

TEST(MeetingBook, NoPersonOrTableTwiceAtOverlappingTimes) {
    std::vector<MeetingSession> sessions = {{{}, 1'000'000'000'000, 60, 20}, {{}, 1'000'000'000'000 + 600'000, 60, 30}};
    std::vector<NegotiationTable> tables = {{{1}, {10, 10}, 4}};
    server::MeetingBook book(sessions, tables);
    EXPECT_EQ(book.slotCount(0), 3);
    EXPECT_FALSE(book.slotTime({0, 3}));
    auto t0 = *book.slotTime({0, 0});
    ASSERT_TRUE(book.freeTable(t0, 0));
    book.book({1, 100, 200, 1, t0});
    // Session 1's first slot starts ten minutes into session 0's first: it overlaps.
    auto t1 = *book.slotTime({1, 0});
    EXPECT_TRUE(book.busy(100, t1, 0));
    EXPECT_FALSE(book.freeTable(t1, 0));
    EXPECT_FALSE(book.busy(300, t1, 0));
    EXPECT_TRUE(book.freeTable(t1, 1));  // the meeting itself moving
    auto t2 = *book.slotTime({0, 2});
    EXPECT_FALSE(book.busy(100, t2, 0));
    book.release(1);
    EXPECT_TRUE(book.freeTable(t1, 0));
}
