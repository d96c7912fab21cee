// The docking board, meetings, table chat, business cards and booth visits end to end: a real
// EventServer and real client Connections over the loopback transport, with a fake clock
// (monotonic and wall clock both driven by the test), and the SQLite store on disk for restarts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_loader.h"
#include "server/core/event_server.h"
#include "server/docking/board.h"
#include "server/store/sqlite_store.h"
#include "tests/server/service_hall.h"

using namespace server;

namespace {

constexpr int64_t kWallBase = test_hall::kDefaultWallBaseMs;  // 2024-06-04 09:00 in China
constexpr int64_t kSessionStart = kWallBase + 3'600'000;  // 10:00, four slots of 15 minutes

const char* kForge = "嵊州市精工锻造有限公司";
const char* kUniversity = "浙江工业职业技术学院";
const char* kOtherFirm = "Shengzhou Gear Works";

net::EventLayout dockLayout() {
    net::EventLayout ev;
    ev.name = {"对接会", "Docking meeting"};
    ev.hallSize = {60, 40};
    ev.spawn = {30, 35};
    auto booth = [&](uint16_t id, const char* zh, const char* en, net::OrgKind kind, net::Vec2 at) {
        net::Booth b;
        b.id.v = id;
        b.owner = {{zh, en}, kind};
        b.center = at;
        ev.booths.push_back(b);
    };
    booth(0, kForge, "Shengzhou Precision Forging Co., Ltd.", net::OrgKind::Enterprise, {10, 10});
    booth(1, kUniversity, "Zhejiang Industry Polytechnic College", net::OrgKind::University, {30, 10});
    booth(2, "嵊州齿轮厂", kOtherFirm, net::OrgKind::Enterprise, {50, 10});
    ev.tables.push_back({{1}, {20, 25}, 4});
    ev.tables.push_back({{2}, {40, 25}, 4});
    return ev;
}

ServerDesc dockDesc() {
    ServerDesc d;
    d.docking.sessions.push_back({{"洽谈", "Meetings"}, kSessionStart, 60, 15});
    return d;
}

struct Hall : test_hall::ServiceHall {
    explicit Hall(EventStore* store = nullptr, ServerDesc desc = dockDesc()) : ServiceHall(dockLayout(), desc, store) {}
};

net::PostView need(const std::string& zh, const std::string& en, std::vector<std::string> fields) {
    net::PostView p;
    p.kind = net::DockKind::Need;
    p.title = {zh, en};
    p.fields = std::move(fields);
    p.description = {zh + "，希望与高校合作攻关。", en + ", looking for a university partner."};
    p.contact = "张工 138 0000 0000";
    return p;
}

net::PostView capability(const std::string& zh, const std::string& en, std::vector<std::string> fields) {
    net::PostView p;
    p.kind = net::DockKind::Capability;
    p.title = {zh, en};
    p.fields = std::move(fields);
    p.description = {zh + "，已有成熟工艺与专利。", en + ", with mature process and patents."};
    p.readiness = 6;
    p.contact = "李老师 lab@example.edu.cn";
    return p;
}

bool noticeContains(const client::Connection& c, const std::string& part) {
    for (const auto& n : c.world().notices())
        if (n.text.find(part) != std::string::npos) return true;
    return false;
}

uint32_t savedId(client::Connection& c, uint32_t req) {
    const net::DockReply* r = c.docking().reply(req);
    EXPECT_NE(r, nullptr);
    if (!r || !r->ok) return 0;
    // The newest post of mine: the highest id in my For You list.
    uint32_t best = 0;
    for (const auto& e : c.docking().forYou()) best = std::max(best, e.mine.id);
    return best;
}

}  // namespace

TEST(DockingService, NewPostGetsMatchesAtOnceAndTheMatchedOrganizationIsTold) {
    Hall h;
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& prof = h.join("李教授", kUniversity, net::Role::University);
    uint32_t capReq = prof.docking().savePost(capability("锻件超声无损检测与裂纹识别", "Ultrasonic testing of forgings", {"testing", "forging"}));
    h.run(100);
    ASSERT_TRUE(prof.docking().reply(capReq) && prof.docking().reply(capReq)->ok) << prof.docking().reply(capReq)->en;
    uint32_t capId = savedId(prof, capReq);
    ASSERT_NE(capId, 0u);

    uint32_t needReq = forge.docking().savePost(need("42CrMo曲轴锻件内部裂纹检测", "Crack detection in 42CrMo crankshaft forgings", {"testing"}));
    h.run(100);
    ASSERT_TRUE(forge.docking().reply(needReq)->ok) << forge.docking().reply(needReq)->en;
    uint32_t needId = savedId(forge, needReq);
    // The save's acknowledgement carries its matches, with reasons.
    const auto* matches = forge.docking().savedMatches(needId);
    ASSERT_NE(matches, nullptr);
    ASSERT_FALSE(matches->empty());
    EXPECT_EQ(matches->front().post.id, capId);
    EXPECT_GT(matches->front().score, 0.0f);
    EXPECT_FALSE(matches->front().terms.empty());
    // The university is told, and its For You now lists the need under its capability.
    EXPECT_TRUE(noticeContains(prof, "New match"));
    ASSERT_EQ(prof.docking().forYou().size(), 1u);
    ASSERT_FALSE(prof.docking().forYou()[0].matches.empty());
    EXPECT_EQ(prof.docking().forYou()[0].matches[0].post.id, needId);
    // The enterprise's For You shows its need with the capability first.
    ASSERT_EQ(forge.docking().forYou().size(), 1u);
    EXPECT_EQ(forge.docking().forYou()[0].matches.at(0).post.id, capId);
}

TEST(DockingService, OnlyTheOwnerEditsAndWithdrawsAndRolesPostTheirKind) {
    Hall h;
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& rival = h.join("赵经理", kOtherFirm, net::Role::Exhibitor);
    auto& prof = h.join("李教授", kUniversity, net::Role::University);
    auto& guest = h.join("Guest", "Somewhere Ltd", net::Role::Attendee);
    uint32_t req = forge.docking().savePost(need("齿轮渗碳淬火变形控制", "Distortion control in gear carburizing", {"heat-treatment"}));
    h.run(100);
    uint32_t id = savedId(forge, req);
    ASSERT_NE(id, 0u);

    // Another enterprise can neither edit nor withdraw it.
    net::PostView edit = need("改掉", "Changed", {"heat-treatment"});
    edit.id = id;
    uint32_t r1 = rival.docking().savePost(edit);
    uint32_t r2 = rival.docking().withdrawPost(id);
    // A university cannot post an enterprise need; an attendee of an unknown firm cannot post.
    uint32_t r3 = prof.docking().savePost(need("高校的需求", "A university need", {"materials"}));
    uint32_t r4 = guest.docking().savePost(need("访客需求", "A guest need", {"materials"}));
    h.run(100);
    for (auto [c, r] : {std::pair{&rival, r1}, {&rival, r2}, {&prof, r3}, {&guest, r4}}) {
        const net::DockReply* reply = c->docking().reply(r);
        ASSERT_NE(reply, nullptr);
        EXPECT_FALSE(reply->ok);
        EXPECT_FALSE(reply->zh.empty());
        EXPECT_FALSE(reply->en.empty());
    }
    EXPECT_NE(rival.docking().reply(r1)->en.find("Only its organization"), std::string::npos);
    EXPECT_TRUE(noticeContains(prof, "enterprise"));  // the refusal's Notice says why
    // The post is unchanged; the owner's edit works.
    uint32_t fetch = guest.docking().fetchPost(id);
    h.run(100);
    ASSERT_NE(guest.docking().post(id), nullptr);
    EXPECT_EQ(guest.docking().post(id)->title.en, "Distortion control in gear carburizing");
    edit.title.en = "Distortion control in carburized gears";
    uint32_t r5 = forge.docking().savePost(edit);
    h.run(100);
    EXPECT_TRUE(forge.docking().reply(r5)->ok);
    EXPECT_EQ(forge.docking().post(id)->title.en, "Distortion control in carburized gears");
    (void)fetch;
    // Withdrawn by its owner: gone from search.
    uint32_t r6 = forge.docking().withdrawPost(id);
    h.run(100);
    EXPECT_TRUE(forge.docking().reply(r6)->ok);
    guest.docking().search({});
    h.run(100);
    EXPECT_TRUE(guest.docking().results().results.empty());
}

TEST(DockingService, OrganizerHidesAnyPostAndSearchWorksInBothScripts) {
    Hall h;
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& org = h.join("主办方", "嵊州市机械工业协会", net::Role::Organizer);
    auto& guest = h.join("Guest", "Visitor", net::Role::Attendee);
    uint32_t req = forge.docking().savePost(need("锻件热处理工艺优化", "Heat treatment of forgings", {"heat-treatment", "forging"}));
    h.run(100);
    uint32_t id = savedId(forge, req);
    // Traditional characters find the simplified post; English too; a field filter narrows.
    for (std::string text : {"鍛件", "heat treatment"}) {
        net::BoardSearch q;
        q.text = text;
        guest.docking().search(q);
        h.run(100);
        ASSERT_EQ(guest.docking().results().results.size(), 1u) << text;
        EXPECT_EQ(guest.docking().results().results[0].post.id, id);
    }
    net::BoardSearch byField;
    byField.fields = {"automation"};
    guest.docking().search(byField);
    h.run(100);
    EXPECT_TRUE(guest.docking().results().results.empty());
    // An attendee cannot hide; the organizer can, and then others no longer find it.
    uint32_t bad = guest.docking().hidePost(id, true);
    uint32_t good = org.docking().hidePost(id, true);
    h.run(100);
    EXPECT_FALSE(guest.docking().reply(bad)->ok);
    EXPECT_TRUE(org.docking().reply(good)->ok);
    guest.docking().search({});
    h.run(100);
    EXPECT_TRUE(guest.docking().results().results.empty());
}

namespace {

// An enterprise need and a university capability, and both people.
struct Pair {
    client::Connection* forge;
    client::Connection* prof;
    uint32_t needId = 0, capId = 0;
};

Pair postPair(Hall& h) {
    Pair p;
    p.forge = &h.join("王工", kForge, net::Role::Exhibitor);
    p.prof = &h.join("李教授", kUniversity, net::Role::University);
    uint32_t a = p.forge->docking().savePost(need("曲轴锻件裂纹检测", "Crankshaft forging crack detection", {"testing"}));
    uint32_t b = p.prof->docking().savePost(capability("锻件超声检测", "Ultrasonic testing of forgings", {"testing"}));
    h.run(100);
    p.needId = savedId(*p.forge, a);
    p.capId = savedId(*p.prof, b);
    return p;
}

uint32_t onlyMeeting(const client::Connection& c) {
    return c.docking().meetings().empty() ? 0 : c.docking().meetings().rbegin()->first;
}

}  // namespace

TEST(DockingService, MeetingIsBookedAtATableAndAThirdClientSeesNothing) {
    Hall h;
    Pair p = postPair(h);
    auto& third = h.join("Observer", kOtherFirm, net::Role::Exhibitor);
    uint32_t ask = p.prof->docking().askMeeting(p.needId, {0, 1});
    h.run(100);
    ASSERT_TRUE(p.prof->docking().reply(ask)->ok) << p.prof->docking().reply(ask)->en;
    uint32_t mid = onlyMeeting(*p.forge);
    ASSERT_NE(mid, 0u);
    EXPECT_EQ(p.forge->docking().meeting(mid)->state, net::MeetingState::Requested);
    EXPECT_TRUE(noticeContains(*p.forge, "asks to meet"));
    // Only the asked side may accept.
    uint32_t wrong = p.prof->docking().answerMeeting(mid, net::MeetingAction::Accept);
    h.run(100);
    EXPECT_FALSE(p.prof->docking().reply(wrong)->ok);
    uint32_t acc = p.forge->docking().answerMeeting(mid, net::MeetingAction::Accept);
    h.run(100);
    ASSERT_TRUE(p.forge->docking().reply(acc)->ok);
    const net::MeetingView* m = p.prof->docking().meeting(mid);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->state, net::MeetingState::Accepted);
    EXPECT_NE(m->table, 0);
    EXPECT_EQ(m->startMs, kSessionStart + 15 * 60'000);
    // Privacy: the third client never received the pair's meeting.
    EXPECT_TRUE(third.docking().meetings().empty());
    EXPECT_EQ(third.stats().malformed, 0u);
}

TEST(DockingService, NoDoubleBookingUnderConcurrentRequests) {
    Hall h;
    Pair p = postPair(h);
    // Two more universities ask the same enterprise person for the same slot; all in one tick.
    auto& u2 = h.join("陈博士", "Ningxia University", net::Role::University);
    auto& u3 = h.join("Dr. Sun", "Taiyuan University of Technology", net::Role::University);
    for (auto* c : {p.prof, &u2, &u3}) c->docking().askMeeting(p.needId, {0, 0});
    h.run(100);
    ASSERT_EQ(p.forge->docking().meetings().size(), 3u);
    // The enterprise accepts all three at once: only one may be booked.
    std::vector<uint32_t> reqs;
    for (const auto& [id, m] : p.forge->docking().meetings())
        reqs.push_back(p.forge->docking().answerMeeting(id, net::MeetingAction::Accept));
    h.run(100);
    int okCount = 0;
    for (uint32_t r : reqs) okCount += p.forge->docking().reply(r)->ok;
    EXPECT_EQ(okCount, 1);
    EXPECT_TRUE(noticeContains(*p.forge, "already have a meeting"));
    // Tables: two tables, so a third pair at one slot finds none free.
    auto& e2 = h.join("周总", kOtherFirm, net::Role::Exhibitor);
    auto& e3 = h.join("吴总", "绍兴锻压机床厂", net::Role::Exhibitor);
    auto& org = h.join("主办方", "嵊州市机械工业协会", net::Role::Organizer);
    uint32_t n2 = e2.docking().savePost(need("齿轮检测", "Gear inspection", {"testing"}));
    uint32_t n3 = e3.docking().savePost(need("模具检测", "Die inspection", {"testing"}));
    uint32_t c2 = u2.docking().savePost(capability("齿轮测量", "Gear metrology", {"testing"}));
    uint32_t c3 = u3.docking().savePost(capability("模具测量", "Die metrology", {"testing"}));
    h.run(100);
    uint32_t s1 = org.docking().scheduleMeeting(savedId(e2, n2), savedId(u2, c2), {0, 0});
    h.run(50);
    uint32_t s2 = org.docking().scheduleMeeting(savedId(e3, n3), savedId(u3, c3), {0, 0});
    h.run(100);
    EXPECT_TRUE(org.docking().reply(s1)->ok) << org.docking().reply(s1)->en;
    EXPECT_FALSE(org.docking().reply(s2)->ok);
    EXPECT_NE(org.docking().reply(s2)->en.find("tables are taken"), std::string::npos);
    // The organizer sees every meeting with its state.
    EXPECT_EQ(org.docking().meetings().size(), 4u);
}

TEST(DockingService, RemindersGoToTableTableChatAndAgreementDraftWithAFakeClock) {
    Hall h;
    Pair p = postPair(h);
    auto& third = h.join("Observer", kOtherFirm, net::Role::Exhibitor);
    p.prof->docking().askMeeting(p.needId, {0, 0});
    h.run(100);
    uint32_t mid = onlyMeeting(*p.forge);
    p.forge->docking().answerMeeting(mid, net::MeetingAction::Accept);
    h.run(100);
    uint16_t table = p.forge->docking().meeting(mid)->table;
    ASSERT_NE(table, 0);
    // Too early for the table.
    uint32_t early = p.forge->docking().goToTable(mid);
    h.run(50);
    EXPECT_FALSE(p.forge->docking().reply(early)->ok);
    EXPECT_TRUE(p.forge->docking().calls().empty());
    // Six minutes before: nothing yet. Five minutes before: both are reminded.
    h.setWall(kSessionStart - 6 * 60'000);
    h.run(100);
    EXPECT_TRUE(p.prof->docking().calls().empty());
    h.setWall(kSessionStart - 5 * 60'000);
    h.run(100);
    ASSERT_EQ(p.prof->docking().calls().size(), 1u);
    EXPECT_EQ(p.prof->docking().calls()[0].kind, net::CallKind::Reminder);
    ASSERT_EQ(p.forge->docking().calls().size(), 1u);
    EXPECT_TRUE(third.docking().calls().empty());
    // At the time: the call to the table, once.
    h.setWall(kSessionStart);
    h.run(200);
    ASSERT_EQ(p.forge->docking().calls().size(), 2u);
    EXPECT_EQ(p.forge->docking().calls()[1].kind, net::CallKind::Start);
    EXPECT_EQ(p.forge->docking().calls()[1].table, table);
    // Table chat before sitting down is refused; "go to table" seats both.
    p.forge->docking().sendTableChat(mid, "不在桌旁");
    h.run(100);
    EXPECT_TRUE(p.prof->docking().tableChat().empty());
    for (auto* c : {p.forge, p.prof}) c->docking().goToTable(mid);
    h.run(300);
    const net::NegotiationTable& t = h.layout.tables[table - 1];
    for (auto* c : {p.forge, p.prof}) {
        const net::AvatarState* a = h.server.hall().find(c->world().self());
        ASSERT_NE(a, nullptr);
        EXPECT_LT(std::hypot(a->x - t.center.x, a->z - t.center.y), 3.0f);
    }
    // The observer walks to the same table: still hears nothing.
    h.server.hall().teleport(third.world().self(), {t.center.x, t.center.y + 1.0f});
    third.docking().sendTableChat(mid, "偷听");
    p.forge->docking().sendTableChat(mid, "您好，我们开始吧");
    h.run(200);
    ASSERT_EQ(p.prof->docking().tableChat().size(), 1u);
    EXPECT_EQ(p.prof->docking().tableChat()[0].text, "您好，我们开始吧");
    EXPECT_EQ(p.forge->docking().tableChat().size(), 1u);
    EXPECT_TRUE(third.docking().tableChat().empty());
    // Notes and "intent to cooperate" make an agreement draft for the signing ceremony.
    uint32_t notes = p.prof->docking().saveNotes(mid, "双方同意联合开发检测工艺。", net::MeetingOutcome::Intent);
    h.run(100);
    ASSERT_TRUE(p.prof->docking().reply(notes)->ok);
    const net::MeetingView* m = p.forge->docking().meeting(mid);
    EXPECT_EQ(m->outcome, net::MeetingOutcome::Intent);
    EXPECT_NE(m->agreementId, 0u);
    EXPECT_NE(m->agreementTitle.find("Cooperation intent"), std::string::npos);
    EXPECT_TRUE(third.docking().meetings().empty());
}

TEST(DockingService, BusinessCardsAreExchangedAndExportAsVCard) {
    Hall h;
    auto& a = h.join("王工", kForge, net::Role::Exhibitor);
    auto& b = h.join("李教授", kUniversity, net::Role::University);
    a.docking().setCard({"", "", "技术部经理", "+86 575 8300 0000", "wang@example.com"});
    uint32_t ask = b.docking().askCard(a.world().self());
    h.run(100);
    ASSERT_TRUE(b.docking().reply(ask)->ok);
    ASSERT_EQ(a.docking().contacts().size(), 1u);
    const net::ContactUpdate& offer = a.docking().contacts().begin()->second;
    EXPECT_EQ(offer.state, net::ContactState::AskedOfMe);
    EXPECT_EQ(b.docking().contacts().begin()->second.other.email, "");  // not before acceptance
    a.docking().answerCard(offer.card, true);
    h.run(100);
    const net::ContactUpdate& got = b.docking().contacts().begin()->second;
    EXPECT_EQ(got.state, net::ContactState::Exchanged);
    EXPECT_EQ(got.other.email, "wang@example.com");
    std::string vcard = b.docking().contactsVCard();
    EXPECT_NE(vcard.find("BEGIN:VCARD\r\n"), std::string::npos);
    EXPECT_NE(vcard.find("FN;CHARSET=UTF-8:王工"), std::string::npos);
    EXPECT_NE(vcard.find("EMAIL;TYPE=INTERNET:wang@example.com"), std::string::npos);
    // Asking again is refused in words.
    uint32_t again = b.docking().askCard(a.world().self());
    h.run(100);
    EXPECT_FALSE(b.docking().reply(again)->ok);
}

TEST(DockingService, BoothVisitsBecomeTheExhibitorsLeads) {
    Hall h;
    auto& owner = h.join("王工", kForge, net::Role::Exhibitor);
    auto& visitor = h.join("Li Na", "Ningxia University", net::Role::Attendee);
    h.server.hall().teleport(visitor.world().self(), {10, 13.5f});  // in front of the forge's booth
    h.run(5000);
    h.server.hall().teleport(visitor.world().self(), {30, 35});
    h.run(1500);
    ASSERT_EQ(owner.docking().leads().size(), 1u);
    const net::Lead& l = owner.docking().leads()[0];
    EXPECT_EQ(l.who.name, "Li Na");
    EXPECT_EQ(l.booth, 0);
    EXPECT_GE(l.seconds, 4u);
    EXPECT_TRUE(visitor.docking().leads().empty());
}

TEST(DockingService, EverythingSurvivesARestart) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("dockhall_docking_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                                "_" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    fs::create_directories(dir);
    std::string path = (dir / "event.sqlite").string();
    fs::remove(path);
    uint32_t needId = 0, capId = 0, mid = 0;
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        Pair p = postPair(h);
        needId = p.needId;
        capId = p.capId;
        p.prof->docking().askMeeting(needId, {0, 2});
        h.run(100);
        mid = onlyMeeting(*p.forge);
        p.forge->docking().answerMeeting(mid, net::MeetingAction::Accept);
        p.forge->docking().setCard({"", "", "经理", "", "wang@example.com"});
        p.prof->docking().askCard(p.forge->world().self());
        h.run(100);
        p.forge->docking().answerCard(p.forge->docking().contacts().begin()->first, true);
        h.run(100);
        p.forge->docking().saveNotes(mid, "后续跟进", net::MeetingOutcome::FollowUp);
        h.run(100);
    }
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    EXPECT_EQ(h.server.docking().postCount(), 2u);
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& prof = h.join("李教授", kUniversity, net::Role::University);
    h.run(100);
    // The board, the matches, the meeting and the contact are all back.
    ASSERT_EQ(forge.docking().forYou().size(), 1u);
    EXPECT_EQ(forge.docking().forYou()[0].mine.id, needId);
    ASSERT_FALSE(forge.docking().forYou()[0].matches.empty());
    EXPECT_EQ(forge.docking().forYou()[0].matches[0].post.id, capId);
    const net::MeetingView* m = prof.docking().meeting(mid);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->state, net::MeetingState::Accepted);
    EXPECT_EQ(m->notes, "后续跟进");
    ASSERT_EQ(prof.docking().contacts().size(), 1u);
    EXPECT_EQ(prof.docking().contacts().begin()->second.other.email, "wang@example.com");
    // The booking survived too: the same slot cannot be booked twice after the restart.
    auto& u2 = h.join("陈博士", "Ningxia University", net::Role::University);
    u2.docking().askMeeting(needId, {0, 2});
    h.run(100);
    uint32_t second = 0;
    for (const auto& [id, mv] : forge.docking().meetings())
        if (id != mid) second = id;
    ASSERT_NE(second, 0u);
    uint32_t acc = forge.docking().answerMeeting(second, net::MeetingAction::Accept);
    h.run(100);
    EXPECT_FALSE(forge.docking().reply(acc)->ok);
    fs::remove_all(dir);
}

TEST(DockingService, TheClientReadsTheHallsClockNotItsOwn) {
    // A rehearsal runs the hall on the event's day; the agenda and meeting times on the client
    // must follow the hall's clock (given in Welcome), whatever the client machine's date.
    Hall h;
    h.setWall(kSessionStart - 20 * 60'000);
    auto& c = h.join("王工", kForge, net::Role::Exhibitor);
    EXPECT_NEAR(double(c.hallUnixMs(h.now)), double(h.wall()), 50.0);
    h.run(1000);
    EXPECT_NEAR(double(c.hallUnixMs(h.now)), double(h.wall()), 50.0);
}

TEST(DockingService, SlotsThatHaveBegunAreRefused) {
    Hall h;
    Pair p = postPair(h);
    h.setWall(kSessionStart + 20 * 60'000);  // 10:20: the 10:00 and 10:15 slots have begun
    for (uint8_t slot : {0, 1}) {
        uint32_t r = p.prof->docking().askMeeting(p.needId, {0, slot});
        h.run(100);
        ASSERT_FALSE(p.prof->docking().reply(r)->ok) << int(slot);
        EXPECT_NE(p.prof->docking().reply(r)->en.find("has already begun"), std::string::npos) << p.prof->docking().reply(r)->en;
    }
    EXPECT_TRUE(p.forge->docking().meetings().empty());
    // 10:45 is still ahead: asked at 10:20, but by 10:50 it is too late to accept.
    uint32_t ask = p.prof->docking().askMeeting(p.needId, {0, 3});
    h.run(100);
    ASSERT_TRUE(p.prof->docking().reply(ask)->ok) << p.prof->docking().reply(ask)->en;
    uint32_t mid = onlyMeeting(*p.forge);
    h.setWall(kSessionStart + 50 * 60'000);
    uint32_t acc = p.forge->docking().answerMeeting(mid, net::MeetingAction::Accept);
    h.run(100);
    EXPECT_FALSE(p.forge->docking().reply(acc)->ok);
    EXPECT_EQ(p.forge->docking().meeting(mid)->state, net::MeetingState::Requested);
}

namespace {

bool hasField(const client::Connection& c, const std::string& key) {
    for (const auto& f : c.docking().taxonomy())
        if (f.key == key) return true;
    return false;
}

}  // namespace

TEST(DockingService, OrganizerExtendsTheTaxonomyAndTableChatIsKeptAcrossARestart) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("dockhall_fields_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                                "_" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    fs::create_directories(dir);
    std::string path = (dir / "event.sqlite").string();
    fs::remove(path);
    const net::DockField laser{"laser-cladding", "激光熔覆", "Laser cladding"};
    uint32_t mid = 0;
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        Pair p = postPair(h);
        auto& org = h.join("主办方", "嵊州市机械工业协会", net::Role::Organizer);
        auto& guest = h.join("Guest", "Visitor", net::Role::Attendee);
        EXPECT_FALSE(hasField(guest, laser.key));
        // Only the organizer adds fields; a bad key and a duplicate are refused in words.
        uint32_t byGuest = guest.docking().addField(laser);
        uint32_t badKey = org.docking().addField({"Laser Cladding", "激光熔覆", "Laser cladding"});
        h.run(100);
        EXPECT_FALSE(guest.docking().reply(byGuest)->ok);
        EXPECT_NE(guest.docking().reply(byGuest)->en.find("may not add a field"), std::string::npos)
            << guest.docking().reply(byGuest)->en;
        EXPECT_FALSE(org.docking().reply(badKey)->ok);
        uint32_t good = org.docking().addField(laser);
        h.run(100);
        ASSERT_TRUE(org.docking().reply(good)->ok) << org.docking().reply(good)->en;
        uint32_t again = org.docking().addField(laser);
        h.run(100);
        EXPECT_FALSE(org.docking().reply(again)->ok);
        // Everyone online has it at once, and posts can be filed under it.
        for (auto* c : {p.forge, p.prof, &guest}) EXPECT_TRUE(hasField(*c, laser.key));
        uint32_t post = p.forge->docking().savePost(need("轧辊激光熔覆修复", "Laser cladding repair of rolls", {laser.key}));
        h.run(100);
        ASSERT_TRUE(p.forge->docking().reply(post)->ok) << p.forge->docking().reply(post)->en;
        // A meeting at a table, with something said there.
        p.prof->docking().askMeeting(p.needId, {0, 0});
        h.run(100);
        mid = onlyMeeting(*p.forge);
        p.forge->docking().answerMeeting(mid, net::MeetingAction::Accept);
        h.run(100);
        h.setWall(kSessionStart);
        h.run(100);
        for (auto* c : {p.forge, p.prof}) c->docking().goToTable(mid);
        h.run(200);
        p.forge->docking().sendTableChat(mid, "样件下周寄到贵校实验室");
        h.run(200);
        ASSERT_EQ(p.prof->docking().tableChat().size(), 1u);
    }
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& prof = h.join("李教授", kUniversity, net::Role::University);
    auto& other = h.join("周总", kOtherFirm, net::Role::Exhibitor);
    h.run(100);
    EXPECT_TRUE(hasField(other, laser.key));
    net::BoardSearch q;
    q.fields = {laser.key};
    other.docking().search(q);
    h.run(100);
    EXPECT_EQ(other.docking().results().results.size(), 1u);
    // The party gets the table's chat back; someone else's client never does.
    ASSERT_EQ(prof.docking().tableChat().size(), 1u);
    EXPECT_EQ(prof.docking().tableChat()[0].text, "样件下周寄到贵校实验室");
    EXPECT_EQ(prof.docking().tableChat()[0].meeting, mid);
    EXPECT_TRUE(other.docking().tableChat().empty());
    fs::remove_all(dir);
}

TEST(DockingService, TheSampleEventSeedsItsBoardAndMeetingSessions) {
    std::string error;
    net::EventLayout layout;
    std::string path = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json";
    ASSERT_TRUE(loadEventFile(path, layout, error)) << error;
    std::ifstream f(path, std::ios::binary);
    std::string json((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto store = SqliteStore::open(":memory:", &error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->saveEvent(json, layout));
    net::LoopbackNetwork network;
    EventServer server({}, layout, network.server(), store.get());
    // Every seeded post is valid and owned by one of the event's organizations.
    EXPECT_EQ(server.docking().postCount(), 8u);
    auto transport = network.connectClient();
    client::Connection c(*transport, {"马工", "寧夏長慶石油機械製造有限責任公司", net::Role::Exhibitor}, 0);
    for (uint64_t now = 1; now < 300; ++now) {
        server.update({.monoMs = now, .unixMs = kWallBase + int64_t(now)});
        c.update(now);
    }
    ASSERT_EQ(c.state(), client::ConnState::Joined);
    // Two sessions of four 15-minute slots, the hall's nine tables, and the taxonomy.
    EXPECT_EQ(c.docking().sessions().size(), 2u);
    EXPECT_EQ(c.docking().slots().size(), 8u);
    EXPECT_EQ(c.docking().tables(), 9);
    EXPECT_FALSE(c.docking().taxonomy().empty());
    // The crankshaft need of this enterprise: the phased-array testing capability ranks first.
    ASSERT_EQ(c.docking().forYou().size(), 1u);
    const auto& mine = c.docking().forYou()[0];
    ASSERT_FALSE(mine.matches.empty());
    EXPECT_EQ(mine.matches[0].post.org.en, "Shanghai Jiao Tong University (Yinchuan) Materials Industry Research Institute");
    // A seeded post has no author: a member of its organization in the hall answers for it.
    auto pump = [&](uint64_t& now, uint64_t ms, std::vector<client::Connection*> cs) {
        for (uint64_t end = now + ms; now < end; ++now) {
            server.update({.monoMs = now, .unixMs = kWallBase + int64_t(now)});
            for (auto* x : cs) x->update(now);
        }
    };
    uint64_t now = 300;
    uint32_t early = c.docking().askMeeting(mine.matches[0].post.id, {0, 0});
    pump(now, 100, {&c});
    ASSERT_NE(c.docking().reply(early), nullptr);
    EXPECT_FALSE(c.docking().reply(early)->ok);
    EXPECT_NE(c.docking().reply(early)->en.find("Nobody from"), std::string::npos);
    auto t2 = network.connectClient();
    client::Connection r(*t2, {"赵研究员", "上海交通大學(銀川)材料產業研究院", net::Role::University}, now);
    pump(now, 300, {&c, &r});
    uint32_t ask = c.docking().askMeeting(mine.matches[0].post.id, {0, 0});
    pump(now, 100, {&c, &r});
    EXPECT_TRUE(c.docking().reply(ask)->ok);
    ASSERT_EQ(r.docking().meetings().size(), 1u);
    EXPECT_EQ(r.docking().meetings().begin()->second.waitingFor, r.docking().account());
}
