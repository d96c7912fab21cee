// FloorColliders: the grid-bucketed collision query must give exactly what the plain scan over
// every part gives (the client predicts with it and the server decides with it), on the sample
// hall, for points anywhere (inside booths, at corners, outside the hall) and for whole walks.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "net/protocol/hall.h"
#include "server/core/event_loader.h"

namespace {

struct SampleHall {
    net::EventLayout layout;
    std::vector<net::HallPart> parts;
    SampleHall() {
        std::string error;
        EXPECT_TRUE(server::loadEventFile(DOCKHALL_SOURCE_DIR "/assets/events/sample.json", layout, error)) << error;
        net::buildHallParts(layout, parts);
    }
};

TEST(FloorColliders, SameResultAsThePlainScanEverywhere) {
    SampleHall h;
    net::FloorColliders grid(h.parts, h.layout.hallSize);
    ASSERT_GT(grid.solidCount(), 50u) << "the sample hall has walls, booths and tables";
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> ux(-2.0f, h.layout.hallSize.x + 2.0f), uz(-2.0f, h.layout.hallSize.y + 2.0f);
    const float radii[] = {net::kAvatarRadius, 0.05f, 0.8f, 1.5f};
    int pushed = 0;
    for (int i = 0; i < 200000; ++i) {
        const float r = radii[i % 4];
        float ax = ux(rng), az = uz(rng), bx = ax, bz = az;
        bool ma = net::resolveCollisions(ax, az, r, h.parts, h.layout.hallSize);
        bool mb = grid.resolve(bx, bz, r);
        ASSERT_EQ(ma, mb) << "at " << bx << "," << bz << " r " << r;
        ASSERT_EQ(ax, bx);
        ASSERT_EQ(az, bz);
        pushed += ma;
    }
    EXPECT_GT(pushed, 10000) << "many samples touch a part";
}

TEST(FloorColliders, WalksAreIdenticalStepForStep) {
    SampleHall h;
    net::FloorColliders grid(h.parts, h.layout.hallSize);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int walker = 0; walker < 50; ++walker) {
        net::AvatarState a{}, b{};
        a.x = b.x = h.layout.spawn.x;
        a.z = b.z = h.layout.spawn.y;
        net::MoveInput in{};
        for (int t = 0; t < 600; ++t) {
            if (t % 40 == 0) in = {uint32_t(t), u(rng), u(rng), u(rng) * 3.0f, (t / 40) % 2 == 0};
            net::stepAvatar(a, in, net::kTickSeconds, h.parts, h.layout.hallSize);
            net::stepAvatar(b, in, net::kTickSeconds, grid);
            ASSERT_EQ(a.x, b.x) << "walker " << walker << " tick " << t;
            ASSERT_EQ(a.z, b.z);
            ASSERT_EQ(a.yaw, b.yaw);
            ASSERT_EQ(a.anim, b.anim);
        }
    }
}

TEST(FloorColliders, NonFiniteAndEmptyAreHarmless) {
    SampleHall h;
    net::FloorColliders grid(h.parts, h.layout.hallSize);
    float x = std::nanf(""), z = 3.0f;
    grid.resolve(x, z, net::kAvatarRadius);  // must not crash or read out of bounds
    net::FloorColliders none;
    float px = 1.0f, pz = 2.0f;
    EXPECT_FALSE(none.resolve(px, pz, net::kAvatarRadius));
    EXPECT_EQ(px, 1.0f);
}

}  // namespace
