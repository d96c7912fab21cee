// "Present": an exhibitor drives the inspector of everyone at the booth. A real EventServer and
// real client Connections over the loopback transport with a fake clock; people are placed by
// teleporting their avatars.
#include <gtest/gtest.h>

#include <cmath>

#include "client/core/connection.h"
#include "net/protocol/present_msgs.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"
#include "tests/server/service_hall.h"

using namespace server;

namespace {

const char* kForge = "嵊州市精工锻造有限公司";
const char* kRival = "嵊州齿轮厂";
constexpr net::Vec2 kAtForgeBooth{10, 13};  // in front of booth 0
constexpr net::Vec2 kFarAway{40, 30};

net::EventLayout presentLayout() {
    net::EventLayout ev;
    ev.name = {"对接会", "Docking meeting"};
    ev.hallSize = {60, 40};
    ev.spawn = {40, 30};
    auto booth = [&](uint16_t id, const char* zh, const char* en, net::Vec2 at) {
        net::Booth b;
        b.id.v = id;
        b.owner = {{zh, en}, net::OrgKind::Enterprise};
        b.center = at;
        for (const char* t : {"曲轴", "齿轮"}) {
            net::Exhibit e;
            e.title = {t, t};
            b.exhibits.push_back(e);
        }
        ev.booths.push_back(b);
    };
    booth(0, kForge, "Shengzhou Precision Forging Co., Ltd.", {10, 10});
    booth(1, kRival, "Shengzhou Gear Works", {30, 10});
    return ev;
}

struct Hall : test_hall::ServiceHall {
    Hall() : ServiceHall(presentLayout()) {}
};

net::PresentSet present(uint16_t booth, uint8_t exhibit, float yaw, bool active = true) {
    net::PresentSet m;
    m.active = active;
    m.booth = booth;
    m.exhibit = exhibit;
    m.pose.yaw = yaw;
    m.pose.pitch = 0.3f;
    m.pose.distance = 0.8f;
    m.pose.sectionAxis = 1;
    m.pose.sectionOffset = 0.012f;
    m.pose.explode = 0.4f;
    return m;
}

bool noticeContains(const client::Connection& c, const std::string& part) {
    for (const auto& n : c.world().notices())
        if (n.text.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(Present, TheExhibitorDrivesTheInspectorOfEveryoneAtTheBooth) {
    Hall h;
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& near = h.join("李教授", "浙江工业职业技术学院", net::Role::University);
    auto& late = h.join("Guest", "Visitor", net::Role::Attendee);
    h.place(forge, kAtForgeBooth);
    h.place(near, {12, 13});
    h.place(late, kFarAway);
    h.run(100);
    forge.sendPresent(present(0, 1, 0.5f));
    h.run(100);
    ASSERT_EQ(h.server.present().presenter(0), forge.world().self());
    ASSERT_TRUE(near.presented().has_value());
    EXPECT_EQ(near.presented()->presenter, forge.world().self());
    EXPECT_EQ(near.presented()->exhibit, 1);
    EXPECT_NEAR(near.presented()->pose.yaw, 0.5f, 0.001f);
    EXPECT_EQ(near.presented()->pose.sectionAxis, 1);
    EXPECT_NEAR(near.presented()->pose.sectionOffset, 0.012f, 0.0002f);
    EXPECT_NEAR(near.presented()->pose.explode, 0.4f, 0.002f);
    EXPECT_FALSE(late.presented().has_value()) << "someone across the hall is not at the booth";
    // The presenter turns the part: the audience follows.
    forge.sendPresent(present(0, 1, 1.25f));
    h.run(100);
    EXPECT_NEAR(near.presented()->pose.yaw, 1.25f, 0.001f);
    // Someone steps up: they get the current view at once; someone walks away: it ends for them.
    h.place(late, {8, 13});
    h.place(near, kFarAway);
    h.run(100);
    ASSERT_TRUE(late.presented().has_value());
    EXPECT_NEAR(late.presented()->pose.yaw, 1.25f, 0.001f);
    EXPECT_FALSE(near.presented().has_value());
    // The presenter stops: it ends for everyone.
    forge.sendPresent(present(0, 1, 1.25f, false));
    h.run(100);
    EXPECT_FALSE(late.presented().has_value());
    EXPECT_FALSE(h.server.present().presenter(0).has_value());
    EXPECT_EQ(late.stats().malformed, 0u);
}

TEST(Present, OnlyTheBoothsOwnExhibitorPresentsThereAndOnlyWhileStandingThere) {
    Hall h;
    auto& forge = h.join("王工", kForge, net::Role::Exhibitor);
    auto& colleague = h.join("赵工", kForge, net::Role::Exhibitor);
    auto& rival = h.join("周总", kRival, net::Role::Exhibitor);
    auto& visitor = h.join("Guest", "Visitor", net::Role::Attendee);
    for (auto* c : {&colleague, &rival, &visitor}) h.place(*c, {11, 13});
    h.place(forge, kFarAway);
    h.run(100);
    // A visitor and another firm's exhibitor are refused; so is the owner from across the hall.
    visitor.sendPresent(present(0, 0, 0.1f));
    rival.sendPresent(present(0, 0, 0.1f));
    forge.sendPresent(present(0, 0, 0.1f));
    h.run(100);
    EXPECT_TRUE(noticeContains(visitor, "may not present an exhibit"));  // the permissions table
    EXPECT_TRUE(noticeContains(rival, "Only the booth's own exhibitors"));
    EXPECT_TRUE(noticeContains(forge, "Walk to your booth first"));
    EXPECT_FALSE(h.server.present().presenter(0).has_value());
    EXPECT_FALSE(visitor.presented().has_value());
    // No such exhibit.
    h.place(forge, kAtForgeBooth);
    h.run(100);
    forge.sendPresent(present(0, 7, 0.1f));
    h.run(100);
    EXPECT_TRUE(noticeContains(forge, "no such exhibit"));
    // One presenter at a time.
    forge.sendPresent(present(0, 0, 0.1f));
    h.run(100);
    colleague.sendPresent(present(0, 1, 0.2f));
    h.run(100);
    EXPECT_TRUE(noticeContains(colleague, "is presenting at this booth already"));
    EXPECT_EQ(h.server.present().presenter(0), forge.world().self());
    ASSERT_TRUE(visitor.presented().has_value());
    EXPECT_EQ(visitor.presented()->exhibit, 0);
    // The presenter walks away: the presentation ends, and the presenter's client is told.
    uint32_t endedBefore = forge.myPresentationEnded();
    h.place(forge, kFarAway);
    h.run(100);
    EXPECT_FALSE(h.server.present().presenter(0).has_value());
    EXPECT_FALSE(visitor.presented().has_value());
    EXPECT_GT(forge.myPresentationEnded(), endedBefore);
    // The colleague takes over, then leaves the hall mid-presentation: it ends for the audience.
    colleague.sendPresent(present(0, 1, 0.2f));
    h.run(100);
    ASSERT_TRUE(visitor.presented().has_value());
    EXPECT_EQ(visitor.presented()->presenter, colleague.world().self());
    colleague.disconnect();
    h.run(300);
    EXPECT_FALSE(h.server.present().presenter(0).has_value());
    EXPECT_FALSE(visitor.presented().has_value());
}
