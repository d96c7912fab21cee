// The stage end to end: signing keys, a whole signing ceremony with refusals for every role, a
// representative who reconnects, a tampered signature, announcements, moderation that survives a
// restart. A real EventServer and real client Connections over the loopback transport with a fake
// clock, and the SQLite store (in memory, or on disk for restarts).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/ceremony/agreement.h"
#include "server/core/event_server.h"
#include "server/store/sqlite_store.h"
#include "tests/server/service_hall.h"

using namespace server;

namespace {

const char* kForge = "嵊州市精工锻造有限公司";
const char* kCollege = "浙江工业职业技术学院";

net::EventLayout stageLayout() {
    net::EventLayout ev;
    ev.name = {"对接会", "Docking meeting"};
    ev.hallSize = {60, 40};
    ev.spawn = {30, 36};
    ev.stage.area = {{24, 2}, {36, 7}};
    ev.stage.facing = 0;
    ev.zones.push_back({net::ZoneKind::Stage, {"签约区", "Signing stage"}, {{20, 0}, {40, 14}}});
    net::Booth b;
    b.id.v = 0;
    b.owner = {{kForge, "Shengzhou Precision Forging Co., Ltd."}, net::OrgKind::Enterprise};
    b.center = {8, 30};
    b.size = {6, 4};
    ev.booths.push_back(b);
    return ev;
}

struct Hall : test_hall::ServiceHall {
    explicit Hall(EventStore* store, ServerDesc desc = {}) : ServiceHall(stageLayout(), desc, store) {}
};

client::AccountKey newKey() {
    ceremony::SigningKeyPair kp = ceremony::generateSigningKeyPair();
    client::AccountKey k;
    k.publicKey = kp.publicKey;
    k.secretKey = kp.secretKey;
    return k;
}

net::Agreement draftFor(uint32_t forgeRep, uint32_t collegeRep) {
    net::Agreement a;
    a.title = {"校企合作框架协议", "Framework agreement on school-enterprise cooperation"};
    a.text = {"甲乙双方就锻件无损检测开展合作。\n第一条 ……", "The parties cooperate on non-destructive testing of forgings.\nArticle 1 ..."};
    a.parties.push_back({net::PartyRole::Party, {kForge, "Shengzhou Precision Forging"}, net::OrgKind::Enterprise, {forgeRep, "王磊"}});
    a.parties.push_back({net::PartyRole::Party, {kCollege, "Zhejiang Industry Polytechnic"}, net::OrgKind::University, {collegeRep, "李敏"}});
    return a;
}

const net::StageReply& replyOf(client::Connection& c, uint32_t req) {
    static const net::StageReply none{0, false, 0, "无回复", "no reply"};
    const net::StageReply* r = c.stage().reply(req);
    EXPECT_NE(r, nullptr) << "request " << req << " got no reply";
    return r ? *r : none;
}

bool noticeContains(const client::Connection& c, const std::string& part) {
    for (const auto& n : c.world().notices())
        if (n.text.find(part) != std::string::npos) return true;
    return false;
}

std::string tempDb(const char* name) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() /
                   ("dockhall_stage_" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    fs::create_directories(dir);
    std::string path = (dir / name).string();
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
    return path;
}

}  // namespace

TEST(StageService, AFullCeremonyWithRefusalsAReconnectAndAVerifiableResult) {
    std::string error;
    auto store = SqliteStore::open(":memory:", &error);
    ASSERT_TRUE(store) << error;
    ServerDesc desc;
    desc.interest.radius = 3.0f;  // far people are out of interest, unless they are on stage
    Hall h(store.get(), desc);
    auto& org = h.join("陈主任", "嵊州市机械行业协会", net::Role::Organizer);
    auto& wang = h.join("王磊", kForge, net::Role::Exhibitor);
    auto& li = h.join("李敏", kCollege, net::Role::University);
    auto& guest = h.join("张三", "", net::Role::Attendee);
    ASSERT_NE(wang.stage().account(), 0u);
    ASSERT_NE(li.stage().account(), wang.stage().account());

    client::AccountKey wangKey = newKey(), liKey = newKey();
    uint32_t r1 = wang.stage().registerKey(wangKey.publicKey);
    uint32_t r2 = li.stage().registerKey(liKey.publicKey);
    h.run(100);
    EXPECT_TRUE(replyOf(wang, r1).ok);
    EXPECT_TRUE(replyOf(li, r2).ok);
    EXPECT_TRUE(wang.stage().status().keyRegistered);

    // Only the organizer drafts.
    uint32_t bad = guest.stage().saveAgreement(draftFor(wang.stage().account(), li.stage().account()));
    uint32_t req = org.stage().saveAgreement(draftFor(wang.stage().account(), li.stage().account()));
    h.run(100);
    EXPECT_FALSE(replyOf(guest, bad).ok);
    // The permissions table (docs/roles.md) answers before the service sees it.
    EXPECT_NE(replyOf(guest, bad).en.find("may not draft an agreement"), std::string::npos) << replyOf(guest, bad).en;
    ASSERT_TRUE(replyOf(org, req).ok) << replyOf(org, req).en;
    const uint32_t id = replyOf(org, req).id;
    ASSERT_NE(id, 0u);
    // A draft is for the organizer and the representatives, not the hall.
    EXPECT_NE(wang.stage().ceremony(id), nullptr);
    EXPECT_EQ(guest.stage().ceremony(id), nullptr);

    // Only the organizer finalizes and starts; nobody signs before signing opens.
    uint32_t early = wang.stage().sign(id, wangKey);
    uint32_t guestStart = guest.stage().act(id, net::CeremonyAction::Finalize);
    h.run(100);
    EXPECT_FALSE(replyOf(wang, early).ok);
    EXPECT_FALSE(replyOf(guest, guestStart).ok);
    uint32_t fin = org.stage().act(id, net::CeremonyAction::Finalize);
    h.run(100);
    ASSERT_TRUE(replyOf(org, fin).ok) << replyOf(org, fin).en;
    ASSERT_NE(guest.stage().ceremony(id), nullptr);  // from Ready on, everyone sees it
    EXPECT_TRUE(client::StageState::hashMatches(*guest.stage().ceremony(id)));
    uint32_t repStart = li.stage().act(id, net::CeremonyAction::Start);
    uint32_t start = org.stage().act(id, net::CeremonyAction::Start);
    h.run(300);
    EXPECT_FALSE(replyOf(li, repStart).ok);
    ASSERT_TRUE(replyOf(org, start).ok) << replyOf(org, start).en;
    // Both representatives were brought to the signing table, so signing opened.
    EXPECT_EQ(org.stage().ceremony(id)->state, net::CeremonyPhase::Signing);
    ASSERT_FALSE(wang.stage().calls().empty());
    EXPECT_EQ(wang.stage().calls().back().kind, net::StageCallKind::ToSigningTable);
    EXPECT_TRUE(h.layout.stage.area.contains(wang.stage().calls().back().at));
    // The guest stands at the far end of the hall but sees the people at the signing table.
    h.run(300);
    // (Presence follows interest: the guest learns who Wang is only once Wang is in its frames.)
    EXPECT_NE(guest.world().participant(wang.world().self()), nullptr) << "the representative on stage is out of the audience's view";

    // A non-representative cannot sign; a representative signs once, a second time changes nothing.
    uint32_t gs = guest.stage().sign(id, newKey());
    uint32_t s1 = wang.stage().sign(id, wangKey);
    h.run(100);
    EXPECT_FALSE(replyOf(guest, gs).ok);
    ASSERT_TRUE(replyOf(wang, s1).ok) << replyOf(wang, s1).en;
    EXPECT_TRUE(org.stage().ceremony(id)->seats[0].signedIt);
    const int64_t firstSignedMs = org.stage().ceremony(id)->seats[0].signedMs;
    uint32_t s1again = wang.stage().sign(id, wangKey);
    h.run(100);
    EXPECT_TRUE(replyOf(wang, s1again).ok);
    EXPECT_NE(replyOf(wang, s1again).en.find("already signed"), std::string::npos);
    EXPECT_EQ(org.stage().ceremony(id)->seats[0].signedMs, firstSignedMs);

    // Li drops out, comes back (same account) and signs.
    li.disconnect();
    h.run(300);
    EXPECT_FALSE(org.stage().ceremony(id)->seats[1].present);
    auto& li2 = h.join("李敏", kCollege, net::Role::University);
    h.run(100);
    EXPECT_TRUE(org.stage().ceremony(id)->seats[1].present);  // brought back to the table
    uint32_t s2 = li2.stage().sign(id, liKey);
    h.run(200);
    ASSERT_TRUE(replyOf(li2, s2).ok) << replyOf(li2, s2).en;

    // Everyone sees the moment, with both parties.
    for (client::Connection* c : {&org, &wang, &li2, &guest}) {
        ASSERT_TRUE(c->stage().signedMoment().has_value());
        EXPECT_EQ(c->stage().signedMoment()->ceremony, id);
        ASSERT_EQ(c->stage().signedMoment()->parties.size(), 2u);
        EXPECT_EQ(c->stage().signedMoment()->parties[1].zh, kCollege);
    }
    EXPECT_EQ(guest.stage().ceremony(id)->state, net::CeremonyPhase::Signed);

    // What the store kept verifies offline.
    auto records = store->ceremonies();
    ASSERT_EQ(records.size(), 1u);
    std::string err;
    auto restored = ceremony::Ceremony::fromRecord(records[0], err);
    ASSERT_TRUE(restored) << err;
    ceremony::SignedAgreement doc = restored->signedAgreement();
    doc.keys.clear();
    for (const auto& [account, key] : store->signingKeys()) doc.keys[account] = key;
    EXPECT_TRUE(ceremony::verifySigned(doc).ok());
    EXPECT_EQ(restored->state(), ceremony::CeremonyState::Signed);
}

TEST(StageService, ASignatureOverOtherTextOrWithAnotherKeyIsRefused) {
    std::string error;
    auto store = SqliteStore::open(":memory:", &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& org = h.join("陈主任", "协会", net::Role::Organizer);
    auto& wang = h.join("王磊", kForge, net::Role::Exhibitor);
    auto& li = h.join("李敏", kCollege, net::Role::University);
    client::AccountKey wangKey = newKey();
    wang.stage().registerKey(wangKey.publicKey);
    uint32_t req = org.stage().saveAgreement(draftFor(wang.stage().account(), li.stage().account()));
    h.run(100);
    const uint32_t id = replyOf(org, req).id;
    org.stage().act(id, net::CeremonyAction::Finalize);
    h.run(50);
    org.stage().act(id, net::CeremonyAction::Start);
    h.run(200);
    ASSERT_EQ(org.stage().ceremony(id)->state, net::CeremonyPhase::Signing);

    // No key registered: refused, saying what to do.
    uint32_t noKey = li.stage().sign(id, newKey());
    // A key that is not the registered one: the signature does not verify.
    uint32_t otherKey = wang.stage().sign(id, newKey());
    h.run(100);
    EXPECT_FALSE(replyOf(li, noKey).ok);
    EXPECT_NE(replyOf(li, noKey).en.find("no signing key"), std::string::npos);
    EXPECT_FALSE(replyOf(wang, otherKey).ok);
    EXPECT_NE(replyOf(wang, otherKey).en.find("invalid"), std::string::npos);

    // A hash of other text (one byte changed) is refused before the signature is even checked.
    net::Agreement changed = wang.stage().ceremony(id)->agreement;
    changed.text.en += ".";
    uint32_t forged = wang.stage().signHash(id, net::contentHash(changed), wangKey);
    h.run(100);
    EXPECT_FALSE(replyOf(wang, forged).ok);
    EXPECT_NE(replyOf(wang, forged).en.find("not this agreement's final text"), std::string::npos);
    EXPECT_FALSE(org.stage().ceremony(id)->seats[0].signedIt);
    EXPECT_EQ(org.stage().ceremony(id)->state, net::CeremonyPhase::Signing);
}

TEST(StageService, OnlyTheOrganizerPausesResumesAndCancels) {
    Hall h(nullptr);
    auto& org = h.join("陈主任", "协会", net::Role::Organizer);
    auto& wang = h.join("王磊", kForge, net::Role::Exhibitor);
    auto& li = h.join("李敏", kCollege, net::Role::University);
    uint32_t req = org.stage().saveAgreement(draftFor(wang.stage().account(), li.stage().account()));
    h.run(100);
    const uint32_t id = replyOf(org, req).id;
    org.stage().act(id, net::CeremonyAction::Finalize);
    h.run(50);
    for (auto action : {net::CeremonyAction::Pause, net::CeremonyAction::Cancel}) {
        uint32_t r = wang.stage().act(id, action);
        h.run(50);
        EXPECT_FALSE(replyOf(wang, r).ok) << net::ceremonyActionName(action);
    }
    uint32_t p = org.stage().act(id, net::CeremonyAction::Pause);
    h.run(50);
    EXPECT_TRUE(replyOf(org, p).ok);
    EXPECT_EQ(li.stage().ceremony(id)->state, net::CeremonyPhase::Paused);
    uint32_t r = org.stage().act(id, net::CeremonyAction::Resume);
    h.run(50);
    EXPECT_TRUE(replyOf(org, r).ok);
    EXPECT_EQ(li.stage().ceremony(id)->state, net::CeremonyPhase::Ready);
    uint32_t c = org.stage().act(id, net::CeremonyAction::Cancel);
    h.run(50);
    EXPECT_TRUE(replyOf(org, c).ok);
    EXPECT_EQ(li.stage().ceremony(id)->state, net::CeremonyPhase::Cancelled);
}

TEST(StageService, ModerationTakesEffectAtOnceAndSurvivesARestart) {
    const std::string path = tempDb("moderation.sqlite");
    uint32_t noisyAccount = 0;
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        auto& org = h.join("陈主任", "协会", net::Role::Organizer);
        auto& noisy = h.join("刷屏者", "", net::Role::Attendee);
        auto& rude = h.join("捣乱者", "", net::Role::Attendee);
        auto& promoted = h.join("赵工", kForge, net::Role::Attendee);
        noisyAccount = noisy.stage().account();
        h.run(1100);  // live figures reach the organizer
        ASSERT_TRUE(org.stage().figures().has_value());
        EXPECT_EQ(org.stage().figures()->people, 4);
        EXPECT_EQ(org.stage().figures()->roster.size(), 4u);
        EXPECT_FALSE(noisy.stage().figures().has_value());  // organizers only

        uint32_t m = org.stage().moderate({.action = net::ModerationAction::Mute, .account = noisy.stage().account()});
        uint32_t b = org.stage().moderate({.action = net::ModerationAction::Ban, .account = rude.stage().account()});
        uint32_t r = org.stage().moderate({.action = net::ModerationAction::SetRole, .account = promoted.stage().account(),
                                           .role = net::Role::Exhibitor});
        uint32_t notAllowed = noisy.stage().moderate({.action = net::ModerationAction::Kick, .account = org.stage().account()});
        uint32_t a = org.stage().announce({"下午两点签约仪式开始", "The signing ceremony starts at 14:00"});
        h.run(200);
        EXPECT_TRUE(replyOf(org, m).ok);
        EXPECT_TRUE(replyOf(org, b).ok);
        EXPECT_TRUE(replyOf(org, r).ok);
        EXPECT_TRUE(replyOf(org, a).ok);
        EXPECT_FALSE(replyOf(noisy, notAllowed).ok);
        EXPECT_EQ(org.state(), client::ConnState::Joined);
        // At once: the muted one cannot chat, the banned one is out, the role is changed.
        EXPECT_TRUE(noisy.stage().status().muted);
        noisy.sendChat("还能说话吗");
        h.run(100);
        EXPECT_TRUE(noticeContains(noisy, "muted"));
        for (const auto& line : org.world().chat()) EXPECT_NE(line.text, "还能说话吗");
        EXPECT_EQ(rude.state(), client::ConnState::Refused);
        EXPECT_EQ(rude.refuseReason(), net::RefuseReason::Banned);
        EXPECT_EQ(promoted.stage().status().role, net::Role::Exhibitor);
        ASSERT_TRUE(noisy.stage().announcement().has_value());
        EXPECT_EQ(noisy.stage().announcement()->text.en, "The signing ceremony starts at 14:00");
    }
    // After a restart everything still holds.
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& noisy = h.join("刷屏者", "", net::Role::Attendee);
    auto& rude = h.join("捣乱者", "", net::Role::Attendee, false);
    auto& promoted = h.join("赵工", kForge, net::Role::Attendee);
    EXPECT_EQ(noisy.stage().account(), noisyAccount);
    EXPECT_TRUE(noisy.stage().status().muted);
    noisy.sendChat("重启后呢");
    h.run(100);
    EXPECT_TRUE(noticeContains(noisy, "muted"));
    EXPECT_EQ(rude.state(), client::ConnState::Refused);
    EXPECT_EQ(rude.refuseReason(), net::RefuseReason::Banned);
    EXPECT_EQ(promoted.stage().status().role, net::Role::Exhibitor);
    ASSERT_TRUE(noisy.stage().announcement().has_value());  // the latest announcement, on join
    EXPECT_EQ(noisy.stage().announcement()->text.zh, "下午两点签约仪式开始");
}

TEST(StageService, KickSummonLockAndAllEyesOnStage) {
    Hall h(nullptr);
    auto& org = h.join("陈主任", "协会", net::Role::Organizer);
    auto& guest = h.join("张三", "", net::Role::Attendee);
    auto& speaker = h.join("周教授", kCollege, net::Role::University);
    auto& kicked = h.join("路人", "", net::Role::Attendee);

    uint32_t eyes = org.stage().eyesOnStage();
    h.run(200);
    EXPECT_TRUE(replyOf(org, eyes).ok);
    ASSERT_FALSE(guest.stage().calls().empty());
    const net::StageCall call = guest.stage().calls().back();
    EXPECT_EQ(call.kind, net::StageCallKind::EyesOnStage);
    EXPECT_GT(call.at.y, h.layout.stage.area.max.y);  // seated in front of the stage, facing it
    const net::AvatarState* seated = h.server.hall().find(guest.world().self());
    ASSERT_NE(seated, nullptr);
    EXPECT_NEAR(seated->x, call.at.x, 0.5f);

    uint32_t s = org.stage().moderate({.action = net::ModerationAction::Summon, .account = speaker.stage().account()});
    h.run(100);
    EXPECT_TRUE(replyOf(org, s).ok);
    const net::AvatarState* onStage = h.server.hall().find(speaker.world().self());
    ASSERT_NE(onStage, nullptr);
    EXPECT_TRUE(h.layout.stage.area.contains({onStage->x, onStage->z}));

    // A locked booth turns a visitor out; its own people stay.
    uint32_t lock = org.stage().moderate({.action = net::ModerationAction::LockBooth, .booth = 0});
    h.run(50);
    EXPECT_TRUE(replyOf(org, lock).ok);
    h.server.hall().teleport(guest.world().self(), h.layout.booths[0].center);
    h.run(100);
    const net::AvatarState* out = h.server.hall().find(guest.world().self());
    ASSERT_NE(out, nullptr);
    EXPECT_GT(std::abs(out->z - h.layout.booths[0].center.y), 2.0f);

    uint32_t k = org.stage().moderate({.action = net::ModerationAction::Kick, .account = kicked.stage().account()});
    h.run(200);
    EXPECT_TRUE(replyOf(org, k).ok);
    EXPECT_EQ(kicked.state(), client::ConnState::Refused);
    EXPECT_EQ(kicked.refuseReason(), net::RefuseReason::Removed);
    h.join("路人", "", net::Role::Attendee);  // a kick is not a ban
}

TEST(StageService, ACeremonyGoesOnAfterARestart) {
    const std::string path = tempDb("ceremony.sqlite");
    client::AccountKey wangKey = newKey(), liKey = newKey();
    uint32_t id = 0;
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        auto& org = h.join("陈主任", "协会", net::Role::Organizer);
        auto& wang = h.join("王磊", kForge, net::Role::Exhibitor);
        auto& li = h.join("李敏", kCollege, net::Role::University);
        wang.stage().registerKey(wangKey.publicKey);
        li.stage().registerKey(liKey.publicKey);
        uint32_t req = org.stage().saveAgreement(draftFor(wang.stage().account(), li.stage().account()));
        h.run(100);
        id = replyOf(org, req).id;
        org.stage().act(id, net::CeremonyAction::Finalize);
        h.run(50);
        org.stage().act(id, net::CeremonyAction::Start);
        h.run(200);
        uint32_t s1 = wang.stage().sign(id, wangKey);
        h.run(100);
        ASSERT_TRUE(replyOf(wang, s1).ok) << replyOf(wang, s1).en;
    }
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& li = h.join("李敏", kCollege, net::Role::University);
    ASSERT_NE(li.stage().ceremony(id), nullptr);
    EXPECT_TRUE(li.stage().ceremony(id)->seats[0].signedIt);  // Wang's signature was kept
    EXPECT_TRUE(li.stage().status().keyRegistered);           // and Li's key
    // Li is brought back to the table; signing is open again once the organizer opens it.
    auto& org = h.join("陈主任", "协会", net::Role::Organizer);
    if (org.stage().ceremony(id)->state != net::CeremonyPhase::Signing) {
        org.stage().act(id, net::CeremonyAction::OpenSigning);
        h.run(100);
    }
    uint32_t s2 = li.stage().sign(id, liKey);
    h.run(100);
    ASSERT_TRUE(replyOf(li, s2).ok) << replyOf(li, s2).en;
    EXPECT_EQ(org.stage().ceremony(id)->state, net::CeremonyPhase::Signed);
    EXPECT_TRUE(li.stage().signedMoment().has_value());
}

TEST(StageService, SlidesAreUploadedShownAndFetchedByEveryoneAndKept) {
    const std::string path = tempDb("slides.sqlite");
    // Two "images" bigger than a chunk: a PNG and a JPEG by their signatures, bytes that vary.
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, jpeg = {0xff, 0xd8, 0xff, 0xe0};
    for (uint32_t i = 0; i < 70'000; ++i) png.push_back(uint8_t(i * 7 + 3));
    for (uint32_t i = 0; i < 40'000; ++i) jpeg.push_back(uint8_t(i * 13 + 1));
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        auto& org = h.join("陈主任", "协会", net::Role::Organizer);
        auto& guest = h.join("张三", "", net::Role::Attendee);
        uint32_t notOrganizer = guest.stage().uploadSlide(png);
        uint32_t notImage = org.stage().uploadSlide(std::vector<uint8_t>(5000, 'x'));
        h.run(200);
        EXPECT_FALSE(replyOf(guest, notOrganizer).ok);
        EXPECT_FALSE(replyOf(org, notImage).ok);
        EXPECT_NE(replyOf(org, notImage).en.find("PNG or JPEG"), std::string::npos);
        uint32_t u1 = org.stage().uploadSlide(png);
        uint32_t u2 = org.stage().uploadSlide(jpeg);
        h.run(300);
        ASSERT_TRUE(replyOf(org, u1).ok) << replyOf(org, u1).en;
        ASSERT_TRUE(replyOf(org, u2).ok);
        ASSERT_EQ(guest.stage().slides().slides.size(), 2u);
        // Everyone fetches the slide on the big screen, chunk by chunk.
        ASSERT_NE(guest.stage().currentSlideImage(), nullptr);
        EXPECT_EQ(*guest.stage().currentSlideImage(), png);
        uint32_t denied = guest.stage().showSlide(1);
        uint32_t next = org.stage().showSlide(1);
        h.run(300);
        EXPECT_FALSE(replyOf(guest, denied).ok);
        EXPECT_TRUE(replyOf(org, next).ok);
        EXPECT_EQ(guest.stage().slides().current, 1);
        ASSERT_NE(guest.stage().currentSlideImage(), nullptr);
        EXPECT_EQ(*guest.stage().currentSlideImage(), jpeg);
    }
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& late = h.join("李四", "", net::Role::Attendee);
    h.run(200);
    ASSERT_EQ(late.stage().slides().slides.size(), 2u);  // kept across the restart
    ASSERT_NE(late.stage().currentSlideImage(), nullptr);
    EXPECT_EQ(*late.stage().currentSlideImage(), png);
}

TEST(StageService, ASpeakerRunsTheSlidesButNotTheCeremonyOrTheHallAndStaysASpeakerAfterARestart) {
    const std::string path = tempDb("speaker.sqlite");
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, jpeg = {0xff, 0xd8, 0xff, 0xe0};
    for (uint32_t i = 0; i < 40'000; ++i) png.push_back(uint8_t(i * 7 + 3));
    for (uint32_t i = 0; i < 1'000; ++i) jpeg.push_back(uint8_t(i * 13 + 1));
    uint32_t speakerAccount = 0;
    {
        std::string error;
        auto store = SqliteStore::open(path, &error);
        ASSERT_TRUE(store) << error;
        Hall h(store.get());
        auto& org = h.join("陈主任", "协会", net::Role::Organizer);
        auto& zhou = h.join("周教授", kCollege, net::Role::University);
        auto& guest = h.join("张三", "", net::Role::Attendee);
        speakerAccount = zhou.stage().account();

        // An attendee (and, before the change, a university) may not touch the big screen.
        uint32_t byGuest = guest.stage().uploadSlide(png);
        uint32_t byUniversity = zhou.stage().showSlide(0);
        h.run(200);
        EXPECT_FALSE(replyOf(guest, byGuest).ok);
        EXPECT_FALSE(replyOf(zhou, byUniversity).ok);
        EXPECT_TRUE(guest.stage().slides().slides.empty());

        // The organizer makes Zhou the speaker: at once, without joining again.
        uint32_t r = org.stage().moderate({.action = net::ModerationAction::SetRole, .account = zhou.stage().account(),
                                           .role = net::Role::Speaker});
        h.run(100);
        ASSERT_TRUE(replyOf(org, r).ok) << replyOf(org, r).en;
        EXPECT_EQ(zhou.stage().status().role, net::Role::Speaker);
        EXPECT_TRUE(zhou.stage().maySlide());
        const net::Participant* seen = guest.world().participant(zhou.world().self());
        ASSERT_NE(seen, nullptr);
        EXPECT_EQ(seen->role, net::Role::Speaker);  // the others see the new role too

        uint32_t u1 = zhou.stage().uploadSlide(png);
        uint32_t u2 = zhou.stage().uploadSlide(jpeg);
        h.run(300);
        ASSERT_TRUE(replyOf(zhou, u1).ok) << replyOf(zhou, u1).en;
        ASSERT_TRUE(replyOf(zhou, u2).ok) << replyOf(zhou, u2).en;
        ASSERT_EQ(guest.stage().slides().slides.size(), 2u);
        uint32_t next = zhou.stage().showSlide(1);
        h.run(200);
        EXPECT_TRUE(replyOf(zhou, next).ok);
        EXPECT_EQ(guest.stage().slides().current, 1);
        ASSERT_NE(guest.stage().currentSlideImage(), nullptr);
        EXPECT_EQ(*guest.stage().currentSlideImage(), jpeg);

        // Not the ceremony, not the hall: every one refused in words, nothing changed.
        uint32_t draft = zhou.stage().saveAgreement(draftFor(zhou.stage().account(), org.stage().account()));
        uint32_t start = zhou.stage().act(1, net::CeremonyAction::Start);
        uint32_t mute = zhou.stage().moderate({.action = net::ModerationAction::Mute, .account = guest.stage().account()});
        uint32_t lock = zhou.stage().moderate({.action = net::ModerationAction::LockBooth, .booth = 0});
        uint32_t eyes = zhou.stage().eyesOnStage();
        uint32_t announce = zhou.stage().announce({"大家好", "Hello everyone"});
        h.run(200);
        for (uint32_t req : {draft, start, mute, lock, eyes, announce}) {
            EXPECT_FALSE(replyOf(zhou, req).ok) << req;
            EXPECT_NE(replyOf(zhou, req).en.find("speaker"), std::string::npos) << replyOf(zhou, req).en;
        }
        EXPECT_EQ(h.server.stage().ceremonyCount(), 0u);
        EXPECT_FALSE(guest.stage().status().muted);
        EXPECT_TRUE(guest.stage().lockedBooths().empty());
        EXPECT_FALSE(guest.stage().announcement().has_value());
        EXPECT_EQ(zhou.state(), client::ConnState::Joined);

        // The talk is over: the speaker clears the screen for the next one.
        uint32_t clear = zhou.stage().clearSlides();
        uint32_t clearByGuest = guest.stage().clearSlides();
        h.run(200);
        EXPECT_TRUE(replyOf(zhou, clear).ok) << replyOf(zhou, clear).en;
        EXPECT_FALSE(replyOf(guest, clearByGuest).ok);
        EXPECT_TRUE(guest.stage().slides().slides.empty());
        EXPECT_EQ(guest.stage().currentSlideImage(), nullptr);
    }
    // After a restart Zhou is still the speaker (joining as typed, as a university) and the
    // cleared slides stay cleared.
    std::string error;
    auto store = SqliteStore::open(path, &error);
    ASSERT_TRUE(store) << error;
    Hall h(store.get());
    auto& zhou = h.join("周教授", kCollege, net::Role::University);
    auto& guest = h.join("张三", "", net::Role::Attendee);
    EXPECT_EQ(zhou.stage().account(), speakerAccount);
    EXPECT_EQ(zhou.stage().status().role, net::Role::Speaker);
    EXPECT_TRUE(guest.stage().slides().slides.empty());
    uint32_t again = zhou.stage().uploadSlide(png);
    h.run(300);
    EXPECT_TRUE(replyOf(zhou, again).ok) << replyOf(zhou, again).en;
    EXPECT_EQ(guest.stage().slides().slides.size(), 1u);
}

TEST(StageService, ALockedBoothIsClosedForEveryoneTellsTheVisitorWhyAndOpensAgainAtOnce) {
    Hall h(nullptr);
    auto& org = h.join("陈主任", "协会", net::Role::Organizer);
    auto& guest = h.join("张三", "", net::Role::Attendee);
    auto& wang = h.join("王磊", kForge, net::Role::Exhibitor);  // the booth's own people
    EXPECT_TRUE(guest.stage().lockedBooths().empty());

    uint32_t lock = org.stage().moderate({.action = net::ModerationAction::LockBooth, .booth = 0});
    h.run(100);
    ASSERT_TRUE(replyOf(org, lock).ok);
    for (client::Connection* c : {&org, &guest, &wang}) {
        EXPECT_TRUE(c->stage().boothLocked(0));
        EXPECT_EQ(client::closedBooths(h.layout, c->stage()), std::vector<bool>{true});
    }
    // Someone who comes in later learns it on joining.
    auto& newcomer = h.join("赵六", "", net::Role::Attendee);
    EXPECT_TRUE(newcomer.stage().boothLocked(0));

    // A visitor who walks in is shown out and told why, in both languages, once (not per tick).
    h.server.hall().teleport(guest.world().self(), h.layout.booths[0].center);
    h.run(100);
    h.server.hall().teleport(guest.world().self(), h.layout.booths[0].center);
    h.run(100);
    int told = 0;
    for (const auto& n : guest.world().notices())
        if (n.text.find("closed") != std::string::npos && n.text.find("暂停开放") != std::string::npos) ++told;
    EXPECT_EQ(told, 1);
    const net::AvatarState* out = h.server.hall().find(guest.world().self());
    ASSERT_NE(out, nullptr);
    EXPECT_FALSE(std::abs(out->x - h.layout.booths[0].center.x) < 3.0f && std::abs(out->z - h.layout.booths[0].center.y) < 2.0f);
    // The booth's own exhibitor stays and hears nothing of it.
    h.server.hall().teleport(wang.world().self(), h.layout.booths[0].center);
    h.run(100);
    for (const auto& n : wang.world().notices()) EXPECT_EQ(n.text.find("暂停开放"), std::string::npos);

    uint32_t unlock = org.stage().moderate({.action = net::ModerationAction::UnlockBooth, .booth = 0});
    h.run(100);
    ASSERT_TRUE(replyOf(org, unlock).ok);
    for (client::Connection* c : {&org, &guest, &wang, &newcomer}) EXPECT_TRUE(c->stage().lockedBooths().empty());
    h.server.hall().teleport(guest.world().self(), h.layout.booths[0].center);
    h.run(100);
    const net::AvatarState* in = h.server.hall().find(guest.world().self());
    ASSERT_NE(in, nullptr);
    EXPECT_NEAR(in->z, h.layout.booths[0].center.y, 0.5f);  // open again: nobody is shown out
}
