// The renderer's CPU-side culling, no GL context: frustum planes, the avatar level of detail by
// distance and its meshes, and which avatars get a name tag (capped, nearest and aimed-at first,
// none behind a wall).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <vector>

#include <glm/gtc/matrix_transform.hpp>

#include "client/render/culling.h"
#include "client/render/detail/avatar_mesh.h"
#include "client/render/renderer.h"
#include "net/protocol/hall.h"

namespace {

// A camera at the eye looking down -z, 60 degrees tall, 16:9.
glm::mat4 lookDownMinusZ(glm::vec3 eye) {
    return glm::perspective(glm::radians(60.0f), 16.0f / 9.0f, 0.1f, 200.0f) *
           glm::lookAt(eye, eye + glm::vec3{0, 0, -1}, glm::vec3{0, 1, 0});
}

client::AvatarInstance at(float x, float z) {
    client::AvatarInstance a;
    a.x = x;
    a.z = z;
    return a;
}

TEST(RenderCulling, SphereInFrontIsInBehindAndBesideAreOut) {
    const client::Frustum f = client::frustumFromViewProj(lookDownMinusZ({0, 1.7f, 0}));
    EXPECT_TRUE(client::sphereInFrustum(f, {0, 1, -10}, 1));
    EXPECT_FALSE(client::sphereInFrustum(f, {0, 1, 10}, 1));      // behind the camera
    EXPECT_FALSE(client::sphereInFrustum(f, {60, 1, -10}, 1));    // far to the right
    EXPECT_FALSE(client::sphereInFrustum(f, {0, 1, -300}, 1));    // beyond the far plane
    EXPECT_TRUE(client::sphereInFrustum(f, {0, 1, 0.5f}, 1.0f));  // straddles the near plane
    // A sphere just outside the left edge comes in when it grows across it.
    EXPECT_FALSE(client::sphereInFrustum(f, {-30, 1, -10}, 1));
    EXPECT_TRUE(client::sphereInFrustum(f, {-30, 1, -10}, 20));
}

TEST(RenderCulling, BoxAcrossTheViewIsInBoxBehindIsOut) {
    const client::Frustum f = client::frustumFromViewProj(lookDownMinusZ({0, 1.7f, 0}));
    EXPECT_TRUE(client::boxInFrustum(f, {-100, 0, -5}, {100, 6, -4}));  // a wall across the view
    EXPECT_FALSE(client::boxInFrustum(f, {-100, 0, 4}, {100, 6, 5}));   // the same wall behind
    EXPECT_TRUE(client::boxInFrustum(f, {-1, -1, -1}, {1, 3, 1}));      // the camera inside it
}

TEST(RenderCulling, LodCoarsensWithDistance) {
    const client::AvatarLodDesc d;
    EXPECT_EQ(client::avatarLod(2.0f, d), 0);
    EXPECT_EQ(client::avatarLod(d.lod1Distance - 0.01f, d), 0);
    EXPECT_EQ(client::avatarLod(d.lod1Distance + 0.01f, d), 1);
    EXPECT_EQ(client::avatarLod(d.lod2Distance + 0.01f, d), 2);
    EXPECT_EQ(client::avatarLod(500.0f, d), 2);
    EXPECT_EQ(client::avatarLod(10.0f, {.lod1Distance = 5, .lod2Distance = 8}), 2);
}

TEST(RenderCulling, EveryLodHasEveryPartAndFewerTriangles) {
    size_t previous = SIZE_MAX;
    for (int lod = 0; lod < client::kAvatarLodCount; ++lod) {
        std::vector<client::detail::AvatarVertex> vertices;
        std::vector<uint32_t> indices;
        client::detail::buildAvatarMesh(vertices, indices, lod);
        std::set<int> parts;
        float top = 0;
        for (const auto& v : vertices) {
            parts.insert(v.part);
            top = std::max(top, v.pos[1]);
        }
        EXPECT_EQ(parts.size(), 6u) << "lod " << lod << " must still swing arms and legs";
        EXPECT_NEAR(top, 1.81f, 0.05f) << "lod " << lod << " keeps the height";
        const size_t triangles = indices.size() / 3;
        std::printf("[ stats     ] avatar lod %d: %zu triangles\n", lod, triangles);
        EXPECT_LT(triangles * 2, previous) << "lod " << lod << " should at least halve the triangles";
        previous = triangles;
        for (uint32_t i : indices) ASSERT_LT(i, vertices.size());
    }
    EXPECT_LT(previous, 200u);  // the far body is a handful of boxes
}

TEST(RenderNameTags, CappedAndNearestFirst) {
    std::vector<client::AvatarInstance> people;
    for (int i = 0; i < 100; ++i) people.push_back(at(float(i % 10) - 4.5f, -2.0f - float(i / 10) * 1.5f));
    const glm::vec3 eye{0, 1.7f, 0};
    std::vector<client::NameTagPick> picks;
    client::pickNameTags(lookDownMinusZ(eye), eye, {0, 0, -1}, people, {}, {.maxTags = 24, .aimConeDeg = 0}, picks);
    ASSERT_EQ(picks.size(), 24u);
    for (size_t i = 1; i < picks.size(); ++i) EXPECT_LE(picks[i - 1].distance, picks[i].distance);
    // The first rows (nearest) are in, the last rows are not.
    std::set<size_t> chosen;
    for (const auto& p : picks) chosen.insert(p.avatar);
    EXPECT_TRUE(chosen.count(4) && chosen.count(5));
    EXPECT_FALSE(chosen.count(95));
}

TEST(RenderNameTags, AimedAtPersonFarAwayStillGetsATag) {
    std::vector<client::AvatarInstance> people;
    for (int i = 0; i < 40; ++i) people.push_back(at(float(i % 8) - 3.5f, -3.0f - float(i / 8)));
    people.push_back(at(0.3f, -38.0f));  // far, straight ahead
    const glm::vec3 eye{0, 1.7f, 0};
    std::vector<client::NameTagPick> picks;
    client::pickNameTags(lookDownMinusZ(eye), eye, {0, 0, -1}, people, {}, {.maxTags = 24}, picks);
    ASSERT_EQ(picks.size(), 24u);
    EXPECT_EQ(picks[0].avatar, 40u);
    EXPECT_TRUE(picks[0].aimed);
    EXPECT_GT(picks[0].distance, 30.0f);
}

TEST(RenderNameTags, BehindTheCameraOrBehindAWallGetsNone) {
    std::vector<client::AvatarInstance> people = {at(0, -5), at(0, 5), at(3, -12)};
    net::HallPart wall;
    wall.box = {{1.5f, 0, -9}, {6, 6, -8.6f}};  // hides the third person, not the first
    const std::vector<net::HallPart> parts = {wall};
    const glm::vec3 eye{0, 1.7f, 0};
    std::vector<client::NameTagPick> picks;
    client::pickNameTags(lookDownMinusZ(eye), eye, {0, 0, -1}, people, parts, {}, picks);
    ASSERT_EQ(picks.size(), 1u);
    EXPECT_EQ(picks[0].avatar, 0u);
    // Without the occlusion test the one behind the wall is back.
    client::pickNameTags(lookDownMinusZ(eye), eye, {0, 0, -1}, people, parts, {.occlusion = false}, picks);
    EXPECT_EQ(picks.size(), 2u);
    EXPECT_TRUE(client::segmentHitsParts(eye, {3, 2, -12}, parts));
    EXPECT_FALSE(client::segmentHitsParts(eye, {0, 2, -5}, parts));
}

}  // namespace
