// The renderer at crowd scale, for real through headless EGL: avatars out of view are not drawn,
// far ones get coarser bodies, the number of draw calls does not grow with the crowd, and the
// same exhibit model at several booths is one instanced draw. Judged by the renderer's own frame
// statistics and by the pixels.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "client/render/headless_gl.h"
#include "client/render/renderer.h"
#include "server/core/event_loader.h"

namespace {

constexpr int kWidth = 480, kHeight = 270;
const std::string kSourceDir = DOCKHALL_SOURCE_DIR;

// A long 40 x 70 m hall with three booths showing the same nut twice each, and a university
// booth with one crate.
net::EventLayout repeatedExhibitsHall() {
    net::EventLayout ev;
    ev.name = {"人群测试", "Crowd test"};
    ev.hallSize = {40, 70};
    ev.spawn = {20, 28};
    ev.zones = {{net::ZoneKind::Enterprise, {"企业展区", "Enterprise exhibits"}, {{1, 1}, {39, 10}}}};
    auto exhibit = [](const char* asset) {
        net::Exhibit e;
        e.asset = asset;
        return e;
    };
    for (int i = 0; i < 3; ++i) {
        net::Booth b;
        b.id = {uint16_t(i)};
        b.zone = 0;
        b.owner = {{"测试企业", "Test Enterprise"}, net::OrgKind::Enterprise};
        b.center = {6.0f + float(i) * 12.0f, 4.0f};
        b.exhibits = {exhibit("tests/render/data/hex_nut.stl"), exhibit("tests/render/data/hex_nut.stl")};
        ev.booths.push_back(b);
    }
    net::Booth lab;
    lab.id = {3};
    lab.zone = 0;
    lab.owner = {{"测试大学", "Test University"}, net::OrgKind::University};
    lab.center = {20.0f, 20.0f};
    lab.exhibits = {exhibit("tests/render/data/crate.gltf")};
    ev.booths.push_back(lab);
    return ev;
}

class CrowdRenderTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_gl = client::HeadlessGl::create(&s_error);
    }
    static void TearDownTestSuite() { s_gl.reset(); }

    void SetUp() override {
        if (!s_gl) GTEST_SKIP() << "no headless GL: " << s_error;
        s_gl->makeCurrent();
        std::string error;
        ASSERT_TRUE(m_target.create(kWidth, kHeight, 4, &error)) << error;
    }

    std::vector<uint8_t> draw(client::Renderer& r, const client::CameraView& cam,
                              const std::vector<client::AvatarInstance>& avatars) {
        m_target.bind();
        r.render(cam, avatars, kWidth, kHeight);
        std::vector<uint8_t> rgba;
        EXPECT_TRUE(m_target.readRgba(rgba));
        EXPECT_EQ(r.lastFrameStats().glErrors, 0);
        return rgba;
    }

    static std::unique_ptr<client::HeadlessGl> s_gl;
    static std::string s_error;
    client::OffscreenTarget m_target;
};

std::unique_ptr<client::HeadlessGl> CrowdRenderTest::s_gl;
std::string CrowdRenderTest::s_error;

int64_t pixelsDiffering(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    int64_t n = 0;
    for (size_t i = 0; i + 3 < a.size() && i + 3 < b.size(); i += 4)
        n += std::abs(int(a[i]) - int(b[i])) + std::abs(int(a[i + 1]) - int(b[i + 1])) + std::abs(int(a[i + 2]) - int(b[i + 2])) > 24;
    return n;
}

client::AvatarInstance person(float x, float z) {
    client::AvatarInstance a;
    a.x = x;
    a.z = z;
    a.anim = net::Anim::Walk;
    a.animPhase = 0.7f;
    return a;
}

// Standing at (20, 25) at head height, looking down the hall toward -z.
client::CameraView lookingNorth() {
    client::CameraView cam;
    cam.eye = {20, 1.7f, 25};
    cam.target = {20, 1.2f, 15};
    cam.fovYDeg = 60;
    return cam;
}

TEST_F(CrowdRenderTest, AvatarBehindTheCameraIsNotDrawn) {
    client::Renderer r;
    std::string error;
    ASSERT_TRUE(r.init(repeatedExhibitsHall(), {.assetsDir = kSourceDir}, &error)) << error;
    const auto cam = lookingNorth();
    const auto empty = draw(r, cam, {});
    const int64_t emptyTriangles = r.lastFrameStats().triangles;

    const auto behind = draw(r, cam, {person(20, 28)});
    EXPECT_EQ(r.lastFrameStats().avatarsDrawn, 0);
    EXPECT_EQ(r.lastFrameStats().avatarsCulled, 1);
    EXPECT_EQ(r.lastFrameStats().avatarDraws, 0);
    EXPECT_EQ(r.lastFrameStats().triangles, emptyTriangles);
    EXPECT_EQ(pixelsDiffering(empty, behind), 0);

    const auto ahead = draw(r, cam, {person(20, 20)});
    EXPECT_EQ(r.lastFrameStats().avatarsDrawn, 1);
    EXPECT_EQ(r.lastFrameStats().avatarsCulled, 0);
    EXPECT_GT(r.lastFrameStats().triangles, emptyTriangles + 500);
    EXPECT_GT(pixelsDiffering(empty, ahead), 300);  // and it is on screen

    // Far to the side (outside the 60 degree view) is culled too.
    draw(r, cam, {person(2, 21), person(20, 20)});
    EXPECT_EQ(r.lastFrameStats().avatarsDrawn, 1);
    EXPECT_EQ(r.lastFrameStats().avatarsCulled, 1);
}

TEST_F(CrowdRenderTest, FarAvatarsGetCoarserBodies) {
    client::Renderer r;
    std::string error;
    ASSERT_TRUE(r.init(repeatedExhibitsHall(), {.assetsDir = kSourceDir}, &error)) << error;
    const auto cam = lookingNorth();
    int64_t perLod[3] = {};
    const float distances[3] = {6, 22, 44};  // from the eye along the view: < 15, < 40, beyond
    for (int lod = 0; lod < 3; ++lod) {
        client::CameraView far = cam;
        // Pull the camera back down the long hall so the avatar at z = 15 is that far away.
        far.eye = {32, 1.7f, 15 + distances[lod]};  // beside the lab booth, which would hide it
        far.target = {32, 1.2f, 0};
        const auto withNone = draw(r, far, {});
        const int64_t none = r.lastFrameStats().triangles;
        const auto withOne = draw(r, far, {person(32, 15)});
        const client::FrameStats st = r.lastFrameStats();
        EXPECT_EQ(st.avatarsDrawn, 1);
        EXPECT_EQ(st.avatarsAtLod[lod], 1) << "at " << distances[lod] << " m";
        EXPECT_EQ(st.avatarDraws, 1);
        perLod[lod] = st.triangles - none - 2;  // minus the floor blob
        EXPECT_GT(pixelsDiffering(withNone, withOne), 4) << "the avatar at " << distances[lod] << " m is visible";
    }
    EXPECT_GT(perLod[0], 2 * perLod[1]);
    EXPECT_GT(perLod[1], 2 * perLod[2]);
    EXPECT_GT(perLod[2], 20);

    // The distances are the caller's to choose.
    client::Renderer near;
    ASSERT_TRUE(near.init(repeatedExhibitsHall(), {.assetsDir = kSourceDir, .avatarLod = {.lod1Distance = 2, .lod2Distance = 4}},
                          &error)) << error;
    draw(near, cam, {person(20, 20)});
    EXPECT_EQ(near.lastFrameStats().avatarsAtLod[2], 1);
}

TEST_F(CrowdRenderTest, DrawCallsDoNotGrowWithTheCrowd) {
    net::EventLayout ev;
    std::string error;
    ASSERT_TRUE(server::loadEventFile(kSourceDir + "/assets/events/sample.json", ev, error)) << error;
    client::Renderer r;
    ASSERT_TRUE(r.init(ev, {.assetsDir = kSourceDir + "/assets"}, &error)) << error;
    client::CameraView cam;
    cam.eye = {ev.hallSize.x * 0.5f, 24.0f, ev.hallSize.y - 1.0f};
    cam.target = {ev.hallSize.x * 0.5f, 0.0f, ev.hallSize.y * 0.42f};
    auto crowd = [&](int n) {
        // Spread over the whole floor on a jittered grid, some near, most far.
        std::vector<client::AvatarInstance> out;
        const int cols = int(std::ceil(std::sqrt(double(n) * ev.hallSize.x / ev.hallSize.y)));
        for (int i = 0; i < n; ++i) {
            const int cx = i % cols, cz = i / cols;
            const int rows = (n + cols - 1) / cols;
            auto a = person((float(cx) + 0.5f) * ev.hallSize.x / float(cols), (float(cz) + 0.5f) * ev.hallSize.y / float(rows));
            a.yaw = float(i) * 0.37f;
            a.role = net::Role(i % 4);
            out.push_back(a);
        }
        return out;
    };
    draw(r, cam, crowd(20));
    const client::FrameStats few = r.lastFrameStats();
    draw(r, cam, crowd(2000));
    const client::FrameStats many = r.lastFrameStats();
    std::printf("[ stats     ] sample hall, 20 avatars: %d calls, %lld triangles; 2000: %d calls, %lld triangles, "
                "%d drawn (lod %d/%d/%d), %d culled\n",
                few.drawCalls, static_cast<long long>(few.triangles), many.drawCalls, static_cast<long long>(many.triangles),
                many.avatarsDrawn, many.avatarsAtLod[0], many.avatarsAtLod[1], many.avatarsAtLod[2], many.avatarsCulled);
    EXPECT_GT(many.avatarsDrawn, 1000);  // most of the crowd is in this view and really drawn
    EXPECT_LE(many.avatarDraws, client::kAvatarLodCount);
    EXPECT_LE(many.drawCalls, few.drawCalls + client::kAvatarLodCount - 1);
    EXPECT_LE(many.drawCalls, 2 * few.drawCalls);
    EXPECT_GT(many.triangles, few.triangles + 1000 * 100);
}

TEST_F(CrowdRenderTest, RepeatedExhibitIsOneInstancedDrawAndCulledPerInstance) {
    client::Renderer r;
    std::string error;
    ASSERT_TRUE(r.init(repeatedExhibitsHall(), {.assetsDir = kSourceDir}, &error)) << error;
    // From the middle of the hall looking at the three booths: six nuts, one draw for them all.
    client::CameraView cam;
    cam.eye = {20, 9, 24};
    cam.target = {20, 0.5f, 4};
    cam.fovYDeg = 70;
    draw(r, cam, {});
    client::FrameStats st = r.lastFrameStats();
    EXPECT_EQ(st.exhibitsDrawn, 6);
    EXPECT_EQ(st.exhibitDraws, 1);    // hex_nut.stl: one mesh part, six instances, one draw
    EXPECT_EQ(st.exhibitsCulled, 1);  // the crate at (20, 20) is below the camera, out of view

    // Turn to the west booth only: the other nuts are culled, still one draw.
    cam.eye = {6, 2.5f, 12};
    cam.target = {6, 1.0f, 4};
    cam.fovYDeg = 40;
    draw(r, cam, {});
    st = r.lastFrameStats();
    EXPECT_EQ(st.exhibitsDrawn, 2);
    EXPECT_EQ(st.exhibitsCulled, 5);
    EXPECT_EQ(st.exhibitDraws, 1);
    // ... and parts of the static hall out of view are skipped, in one multi-draw.
    EXPECT_LT(st.hallChunksDrawn, st.hallChunks);
    EXPECT_GT(st.hallChunksDrawn, 0);
}

}  // namespace
