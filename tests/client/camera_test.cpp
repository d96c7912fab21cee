// Camera, walking directions and picking: what the user sees and clicks must agree.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include <glm/gtc/matrix_transform.hpp>

#include "client/ui/camera.h"

namespace {
constexpr float kPi = std::numbers::pi_v<float>;

glm::mat4 viewProjFor(glm::vec3 eye, glm::vec3 target, float aspect) {
    return glm::perspective(glm::radians(60.0f), aspect, 0.1f, 400.0f) * glm::lookAt(eye, target, {0, 1, 0});
}
}  // namespace

TEST(Camera, OrbitSitsBehindAndAboveTheTarget) {
    client::OrbitCamera cam;
    cam.setYaw(0);  // looking along +z
    cam.follow({10, 1.5f, 10}, 0.016f);
    glm::vec3 eye = cam.eye();
    EXPECT_LT(eye.z, 10.0f);  // behind (toward -z)
    EXPECT_NEAR(eye.x, 10.0f, 1e-4f);
    EXPECT_GT(eye.y, 1.5f);   // above
    EXPECT_NEAR(glm::length(eye - cam.target()), client::kCameraDefaultDistance, 1e-3f);
    EXPECT_NEAR(std::asin((eye.y - 1.5f) / client::kCameraDefaultDistance), glm::radians(client::kCameraDefaultPitchDeg), 1e-3f);
}

TEST(Camera, FollowIsSmoothedButCatchesUp) {
    client::OrbitCamera cam;
    cam.follow({0, 0, 0}, 0.016f);  // first call jumps
    cam.follow({10, 0, 0}, 0.016f);
    EXPECT_GT(cam.target().x, 0.5f);
    EXPECT_LT(cam.target().x, 5.0f);
    for (int i = 0; i < 120; ++i) cam.follow({10, 0, 0}, 0.016f);
    EXPECT_NEAR(cam.target().x, 10.0f, 0.01f);
}

TEST(Camera, ZoomAndPitchStayInRange) {
    client::OrbitCamera cam;
    cam.zoom(100);
    EXPECT_FLOAT_EQ(cam.distance(), client::kCameraMinDistance);
    cam.zoom(-100);
    EXPECT_FLOAT_EQ(cam.distance(), client::kCameraMaxDistance);
    cam.rotate(0, 10);
    EXPECT_NEAR(cam.pitch(), glm::radians(client::kCameraMaxPitchDeg), 1e-5f);
    cam.rotate(0, -10);
    EXPECT_NEAR(cam.pitch(), glm::radians(client::kCameraMinPitchDeg), 1e-5f);
    cam.rotate(-1.0f, 0);
    EXPECT_GE(cam.yaw(), 0.0f);
    EXPECT_LT(cam.yaw(), 2 * kPi);
}

TEST(Camera, KeysWalkRelativeToTheCamera) {
    // Camera looking along +z: W walks +z, D walks to the screen's right, which is -x.
    glm::vec2 w = client::moveFromKeys(1, 0, 0);
    EXPECT_NEAR(w.x, 0, 1e-6f);
    EXPECT_NEAR(w.y, 1, 1e-6f);
    glm::vec2 d = client::moveFromKeys(0, 1, 0);
    EXPECT_NEAR(d.x, -1, 1e-6f);
    EXPECT_NEAR(d.y, 0, 1e-6f);
    // Camera looking along -z (yaw pi): W walks -z.
    glm::vec2 w2 = client::moveFromKeys(1, 0, kPi);
    EXPECT_NEAR(w2.y, -1, 1e-5f);
    // Diagonals are not faster.
    EXPECT_NEAR(glm::length(client::moveFromKeys(1, 1, 0.3f)), 1.0f, 1e-5f);
    // Facing follows the avatar convention: forward = (sin yaw, cos yaw).
    EXPECT_NEAR(client::yawFacing({0, 1}), 0, 1e-6f);
    EXPECT_NEAR(client::yawFacing({1, 0}), kPi / 2, 1e-6f);
    EXPECT_NEAR(client::yawFacing({0, -1}), kPi, 1e-6f);
    EXPECT_NEAR(client::yawFacing({-1, 0}), 3 * kPi / 2, 1e-5f);
}

TEST(Camera, RightOnScreenIsTheRightVector) {
    // Project a point to the camera's right: it must land right of the screen centre.
    glm::vec3 eye{10, 2, 10};
    float yaw = 0.7f;
    glm::vec3 target = eye + client::lookDirection(yaw, 0.2f);
    glm::mat4 vp = viewProjFor(eye, target, 16.0f / 9.0f);
    glm::vec2 r = client::moveFromKeys(0, 1, yaw);
    auto p = client::projectToScreen(vp, target + glm::vec3{r.x, 0, r.y}, {1280, 720});
    ASSERT_TRUE(p);
    EXPECT_GT(p->x, 700.0f);
}

TEST(Camera, PickingTheFloorInvertsProjection) {
    glm::vec3 eye{20, 6, 30};
    glm::vec3 target{25, 0, 22};
    glm::mat4 vp = viewProjFor(eye, target, 1280.0f / 720.0f);
    for (glm::vec3 floor : {glm::vec3{25, 0, 22}, glm::vec3{18, 0, 20}, glm::vec3{30, 0, 15}}) {
        auto px = client::projectToScreen(vp, floor, {1280, 720});
        ASSERT_TRUE(px);
        client::Ray ray = client::screenRay(vp, *px, {1280, 720});
        auto hit = client::hitPlaneY(ray, 0.0f);
        ASSERT_TRUE(hit);
        EXPECT_NEAR(hit->x, floor.x, 0.02f);
        EXPECT_NEAR(hit->z, floor.z, 0.02f);
    }
    // A pixel above the horizon does not hit the floor.
    glm::mat4 level = viewProjFor({10, 2, 10}, {10, 2, 20}, 1.0f);
    EXPECT_FALSE(client::hitPlaneY(client::screenRay(level, {500, 10}, {1000, 1000}), 0.0f));
    // A point behind the camera does not project.
    EXPECT_FALSE(client::projectToScreen(level, {10, 2, 0}, {1000, 1000}));
}

TEST(Camera, RayHitsBoxesInFrontOnly) {
    client::Ray ray{{0, 1, 0}, {0, 0, 1}};
    auto t = client::hitBox(ray, {-1, 0, 5}, {1, 3, 6});
    ASSERT_TRUE(t);
    EXPECT_NEAR(*t, 5.0f, 1e-5f);
    EXPECT_FALSE(client::hitBox(ray, {-1, 0, -6}, {1, 3, -5}));  // behind
    EXPECT_FALSE(client::hitBox(ray, {2, 0, 5}, {3, 3, 6}));     // beside
    EXPECT_FALSE(client::hitBox(ray, {-1, 1.5f, 5}, {1, 3, 6})); // above
    auto inside = client::hitBox(ray, {-1, 0, -1}, {1, 3, 1});
    ASSERT_TRUE(inside);
    EXPECT_EQ(*inside, 0.0f);
}

TEST(Camera, PickingFindsTheBoothUnderTheMouse) {
    net::EventLayout ev;
    ev.hallSize = {40, 30};
    net::Booth b;
    b.id = net::BoothId{0};
    b.center = {10, 8};
    b.size = {6, 4};
    b.facing = 0;  // front faces +z: backdrop at z = 6
    ev.booths.push_back(b);
    b.id = net::BoothId{1};
    b.center = {20, 8};
    ev.booths.push_back(b);
    std::vector<net::HallPart> parts;
    net::buildHallParts(ev, parts);

    // From above, straight down into the second booth's footprint.
    auto down = client::pickHall({{20, 10, 8.5f}, {0, -1, 0}}, ev, parts);
    ASSERT_TRUE(down);
    EXPECT_EQ(down->booth, 1);
    // From the aisle, level, at the first booth's backdrop (above the counter).
    auto level = client::pickHall({{10, 2.5f, 20}, {0, 0, -1}}, ev, parts);
    ASSERT_TRUE(level);
    EXPECT_EQ(level->booth, 0);
    EXPECT_NEAR(level->point.z, 6.2f, 0.05f);  // the backdrop's front face
    // The open floor belongs to no booth; the walk target is where the ray meets it.
    auto floor = client::pickHall({{30, 5, 20}, glm::normalize(glm::vec3{0, -1, -1})}, ev, parts);
    ASSERT_TRUE(floor);
    EXPECT_EQ(floor->booth, -1);
    EXPECT_NEAR(floor->floor.x, 30, 0.01f);
    EXPECT_NEAR(floor->floor.y, 15, 0.01f);
}

TEST(Camera, EyeIsKeptInsideTheHall) {
    glm::vec3 target{1, 1.5f, 25};
    glm::vec3 eye = client::keepEyeInHall(target, {-5, 4, 25}, {80, 50});
    EXPECT_GE(eye.x, 0.39f);
    EXPECT_NEAR(eye.z, 25, 1e-4f);
    EXPECT_GT(eye.y, 1.5f);  // still on the line from target to the wanted eye
    glm::vec3 inside = client::keepEyeInHall({40, 1.5f, 25}, {40, 4, 30}, {80, 50});
    EXPECT_EQ(inside, glm::vec3(40, 4, 30));
}

TEST(Camera, FixedCameraOption) {
    auto c = client::parseFixedCamera("40,12.5,48,180,25");
    ASSERT_TRUE(c);
    EXPECT_FLOAT_EQ(c->eye.y, 12.5f);
    EXPECT_FLOAT_EQ(c->yawDeg, 180.0f);
    EXPECT_FLOAT_EQ(c->pitchDeg, 25.0f);
    EXPECT_TRUE(client::parseFixedCamera(" 1, 2 ,3,4,5"));
    EXPECT_FALSE(client::parseFixedCamera("1,2,3,4"));
    EXPECT_FALSE(client::parseFixedCamera("1,2,3,4,5,6"));
    EXPECT_FALSE(client::parseFixedCamera("a,2,3,4,5"));
    EXPECT_FALSE(client::parseFixedCamera("nan,2,3,4,5"));
}
