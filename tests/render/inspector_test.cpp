// The inspector's view through the real renderer (headless EGL): a crankshaft cut along Z with a
// capped, hatched cut face compared with a reference image (same tolerance as render_test), true
// lengths measured by ray-triangle picking, picks that respect the section plane, the exploded
// view and the wireframe changing what is drawn, and clicking an exhibit in the hall.
//
//   DOCKHALL_UPDATE_REFERENCE=1 build/bin/render_inspector_test   rewrites the reference
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <stb_image.h>  // implementation in Debian's libstb

#include "client/render/headless_gl.h"
#include "client/render/renderer.h"

namespace {

constexpr int kWidth = 640, kHeight = 360;
const std::string kSourceDir = DOCKHALL_SOURCE_DIR;
const std::string kReferenceDir = kSourceDir + "/tests/render/reference";
const std::string kOutDir = DOCKHALL_RENDER_OUT;

// One booth showing the sample crankshaft (4 throws, 19 parts) and the motor shaft (530 mm).
net::EventLayout inspectorHall() {
    net::EventLayout ev;
    ev.name = {"检视测试", "Inspector test"};
    ev.hallSize = {20, 16};
    ev.spawn = {10, 12};
    ev.zones = {{net::ZoneKind::Enterprise, {"企业展区", "Enterprise exhibits"}, {{1, 1}, {19, 9}}}};
    net::Booth b;
    b.id = {0};
    b.zone = 0;
    b.owner = {{"测试企业", "Test Enterprise"}, net::OrgKind::Enterprise};
    b.center = {10, 4};
    net::Exhibit crank, shaft;
    crank.asset = "models/crankshaft.glb";
    shaft.asset = "models/motor_shaft.glb";
    b.exhibits = {crank, shaft};
    ev.booths.push_back(b);
    return ev;
}

class InspectorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_gl = client::HeadlessGl::create(&s_error); }
    static void TearDownTestSuite() { s_gl.reset(); }

    void SetUp() override {
        ASSERT_NE(s_gl, nullptr) << "no headless OpenGL: " << s_error;
        std::string error;
        ASSERT_TRUE(m_renderer.init(inspectorHall(), {.assetsDir = kSourceDir + "/assets"}, &error)) << error;
        ASSERT_TRUE(m_target.create(kWidth, kHeight, 4, &error)) << error;
        for (int i = 0; i < 8; ++i) {
            client::InspectedExhibit e;
            if (!m_renderer.inspectedExhibit(i, e)) break;
            (e.exhibit == 0 ? m_crank : m_shaft) = i;
        }
        ASSERT_GE(m_crank, 0);
        ASSERT_GE(m_shaft, 0);
    }

    std::vector<uint8_t> draw(const client::InspectorView& v) {
        m_target.bind();
        m_renderer.renderInspector(v, kWidth, kHeight);
        EXPECT_EQ(m_renderer.lastFrameStats().glErrors, 0);
        std::vector<uint8_t> rgba;
        EXPECT_TRUE(m_target.readRgba(rgba));
        return rgba;
    }

    client::InspectorView crankView() const {
        client::InspectorView v;
        v.instance = m_crank;
        v.eye = {0.42f, 0.32f, 0.50f};
        v.target = {0, 0, 0};
        v.fovYDeg = 35;
        return v;
    }

    static std::unique_ptr<client::HeadlessGl> s_gl;
    static std::string s_error;
    client::Renderer m_renderer;
    client::OffscreenTarget m_target;
    int m_crank = -1, m_shaft = -1;
};

std::unique_ptr<client::HeadlessGl> InspectorTest::s_gl;
std::string InspectorTest::s_error;

double meanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, double* over40) {
    int64_t sum = 0, over = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); i += 4) {
        int worst = 0;
        for (size_t c = 0; c < 3; ++c) {
            const int e = std::abs(int(a[i + c]) - int(b[i + c]));
            sum += e;
            worst = std::max(worst, e);
        }
        over += worst > 40;
    }
    if (over40) *over40 = double(over) / double(a.size() / 4);
    return double(sum) / double(a.size() / 4 * 3);
}

TEST_F(InspectorTest, SectionAlongZMatchesReference) {
    client::InspectorView v = crankView();
    v.sectionAxis = 2;
    v.sectionOffset = 0.0f;
    const auto rgba = draw(v);
    // The cut face is there: warm orange pixels (the cap colour), which the uncut part has none of.
    auto orange = [](const std::vector<uint8_t>& px) {
        int n = 0;
        for (size_t i = 0; i < px.size(); i += 4) n += px[i] > px[i + 2] + 60 && px[i + 1] > px[i + 2] + 20;
        return n;
    };
    client::InspectorView whole = crankView();
    EXPECT_GT(orange(rgba), 2000);
    EXPECT_LT(orange(draw(whole)), 50);

    const std::string reference = kReferenceDir + "/inspector_section.png";
    const char* update = std::getenv("DOCKHALL_UPDATE_REFERENCE");
    if (update && std::string(update) == "1") {
        ASSERT_TRUE(client::savePng(reference, kWidth, kHeight, rgba));
        std::printf("[ reference ] wrote %s\n", reference.c_str());
        return;
    }
    int w = 0, h = 0, n = 0;
    unsigned char* p = stbi_load(reference.c_str(), &w, &h, &n, 4);
    ASSERT_NE(p, nullptr) << reference << " is missing; run with DOCKHALL_UPDATE_REFERENCE=1 to create it";
    const std::vector<uint8_t> expected(p, p + size_t(w) * size_t(h) * 4);
    stbi_image_free(p);
    ASSERT_EQ(w, kWidth);
    ASSERT_EQ(h, kHeight);
    double over = 0;
    const double mean = meanAbsDiff(rgba, expected, &over);
    if (mean >= 2.0 || over >= 0.01) {
        std::filesystem::create_directories(kOutDir);
        client::savePng(kOutDir + "/inspector_section.actual.png", kWidth, kHeight, rgba);
    }
    EXPECT_LT(mean, 2.0) << "see " << kOutDir << "/inspector_section.actual.png";
    EXPECT_LT(over, 0.01);
}

TEST_F(InspectorTest, MeasuresTheShaftsTrueLength) {
    client::InspectedExhibit e;
    ASSERT_TRUE(m_renderer.inspectedExhibit(m_shaft, e));
    EXPECT_NEAR(e.size.x, 0.530f, 0.001f);  // true size, not the display size on the pedestal
    EXPECT_EQ(e.nodes, 6);                  // one per step
    client::InspectorView v;
    v.instance = m_shaft;
    glm::vec3 a, b;
    ASSERT_TRUE(m_renderer.pickInspector(v, {1, 0, 0}, {-1, 0, 0}, a));
    ASSERT_TRUE(m_renderer.pickInspector(v, {-1, 0, 0}, {1, 0, 0}, b));
    EXPECT_NEAR(glm::length(a - b) * 1000.0f, 530.0f, 0.5f);  // mm
    glm::vec3 miss;
    EXPECT_FALSE(m_renderer.pickInspector(v, {1, 1, 1}, {0, 1, 0}, miss));
}

TEST_F(InspectorTest, PicksLandOnTheCutFaceWhenSectioned) {
    client::InspectorView v;
    v.instance = m_shaft;
    v.sectionAxis = 0;       // keep x <= 0.1 m
    v.sectionOffset = 0.1f;
    glm::vec3 hit;
    ASSERT_TRUE(m_renderer.pickInspector(v, {1, 0, 0}, {-1, 0, 0}, hit));
    EXPECT_NEAR(hit.x, 0.1f, 1e-4f);
    v.sectionFlip = true;    // keep x >= 0.1 m: the +x end is there again
    ASSERT_TRUE(m_renderer.pickInspector(v, {1, 0, 0}, {-1, 0, 0}, hit));
    EXPECT_NEAR(hit.x, 0.265f, 0.001f);
}

TEST_F(InspectorTest, ExplodeAndWireframeChangeThePicture) {
    client::InspectorView v = crankView();
    const auto assembled = draw(v);
    v.explode = 1.0f;
    const auto exploded = draw(v);
    EXPECT_GT(meanAbsDiff(assembled, exploded, nullptr), 3.0);
    v.explode = 0;
    draw(v);
    const int shadedDraws = m_renderer.lastFrameStats().drawCalls;
    v.wireframe = true;
    const auto wire = draw(v);
    EXPECT_GT(meanAbsDiff(assembled, wire, nullptr), 1.0);
    EXPECT_GT(m_renderer.lastFrameStats().drawCalls, shadedDraws);  // the lines drawn over the shading
}

TEST_F(InspectorTest, ClickingAnExhibitInTheHallFindsIt) {
    // From the aisle towards the booth's pedestals: the ray through an exhibit's centre picks it.
    client::InspectedExhibit e;
    ASSERT_TRUE(m_renderer.inspectedExhibit(m_crank, e));
    EXPECT_EQ(e.booth, 0);
    const glm::vec3 eye{10, 1.7f, 11};
    EXPECT_EQ(m_renderer.pickExhibit(eye, e.hallCenter - eye), m_crank);
    client::InspectedExhibit s;
    ASSERT_TRUE(m_renderer.inspectedExhibit(m_shaft, s));
    EXPECT_EQ(m_renderer.pickExhibit(eye, s.hallCenter - eye), m_shaft);
    EXPECT_EQ(m_renderer.pickExhibit({10, 30, 12}, {0, 1, 0}), -1);  // looking at the roof
}

}  // namespace
