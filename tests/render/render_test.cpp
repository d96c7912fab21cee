// The renderer for real: a headless EGL context (Mesa llvmpipe here, any GL 4.1+ driver
// elsewhere), a hall rendered offscreen, read back and judged: against a stored reference image,
// and by checks that catch a blank, black or frozen frame.
//
// References live in tests/render/reference/. Regenerate them deliberately with
//   DOCKHALL_UPDATE_REFERENCE=1 ctest -L gl -R render
// On a mismatch the actual image and a diff image are written to the build directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <stb_image.h>

#include "client/render/fonts.h"
#include "client/render/headless_gl.h"
#include "client/render/renderer.h"
#include "client/render/text.h"
#include "server/core/event_loader.h"

namespace {

constexpr int kWidth = 640, kHeight = 360;
const std::string kSourceDir = DOCKHALL_SOURCE_DIR;
const std::string kReferenceDir = kSourceDir + "/tests/render/reference";
const std::string kOutDir = DOCKHALL_RENDER_OUT;

const char* kAssociation = "嵊州市机械工业协会";   // simplified
const char* kLicheng = "寧夏力成電氣集團";          // traditional

struct Image {
    int w = 0, h = 0;
    std::vector<uint8_t> rgba;
    const uint8_t* px(int x, int y) const { return rgba.data() + (size_t(y) * size_t(w) + size_t(x)) * 4; }
};

bool loadPng(const std::string& path, Image& img) {
    int n = 0;
    unsigned char* p = stbi_load(path.c_str(), &img.w, &img.h, &n, 4);
    if (!p) return false;
    img.rgba.assign(p, p + size_t(img.w) * size_t(img.h) * 4);
    stbi_image_free(p);
    return true;
}

// The hand-built hall: two enterprise booths (names in simplified and traditional Chinese), a
// university booth, a stage, two negotiation tables. Its models are the tests' own (an STL in
// millimetres, a textured glTF) plus one missing file, so the reference does not move when the
// sample assets are regenerated.
net::EventLayout handBuiltLayout() {
    net::EventLayout ev;
    ev.name = {"测试对接会 · 框架协议签约仪式", "Test Docking Meeting and Signing"};
    ev.dates = "2024-06-04";
    ev.hallSize = {24, 18};
    ev.spawn = {12, 16};
    ev.zones = {
        {net::ZoneKind::Enterprise, {"企业展区", "Enterprise exhibits"}, {{1, 1}, {14, 8}}},
        {net::ZoneKind::Stage, {"签约仪式区", "Signing stage"}, {{15, 1}, {23, 8}}},
        {net::ZoneKind::University, {"高校实验室展区", "University labs"}, {{1, 9}, {14, 17}}},
        {net::ZoneKind::Meeting, {"洽谈区", "Matchmaking"}, {{15, 9}, {23, 17}}},
    };
    auto exhibit = [](const char* asset) {
        net::Exhibit e;
        e.asset = asset;
        return e;
    };
    net::Booth a;
    a.id = {0};
    a.zone = 0;
    a.owner = {{kAssociation, "Shengzhou Machinery Industry Association"}, net::OrgKind::Association};
    a.center = {4.5f, 3.5f};
    a.exhibits = {exhibit("tests/render/data/hex_nut.stl"), exhibit("tests/render/data/crate.gltf")};
    net::Booth b;
    b.id = {1};
    b.zone = 0;
    b.owner = {{kLicheng, "Ningxia Licheng Electric Group"}, net::OrgKind::Enterprise};
    b.center = {11.0f, 3.5f};
    b.exhibits = {exhibit("tests/render/data/missing.glb"), exhibit("tests/render/data/hex_nut.stl")};
    net::Booth c;
    c.id = {2};
    c.zone = 2;
    c.owner = {{"浙江工业职业技术学院", "Zhejiang Industry Polytechnic College"}, net::OrgKind::University};
    c.center = {6.0f, 12.0f};
    c.size = {7, 4};
    c.facing = 1;  // its front faces +x
    c.exhibits = {exhibit("tests/render/data/crate.gltf")};
    ev.booths = {a, b, c};
    ev.stage.area = {{16, 1.5f}, {22, 4.5f}};
    ev.stage.height = 0.6f;
    ev.stage.facing = 0;
    ev.tables = {{{0}, {18, 12}, 4}, {{1}, {21, 14.5f}, 6}};
    return ev;
}

client::CameraView handBuiltCamera() {
    client::CameraView cam;
    cam.eye = {12.5f, 7.0f, 17.4f};
    cam.target = {11.0f, 0.6f, 5.5f};
    cam.fovYDeg = 55;
    return cam;
}

std::vector<client::AvatarInstance> crowd(int n) {
    std::vector<client::AvatarInstance> out;
    for (int i = 0; i < n; ++i) {
        client::AvatarInstance a;
        a.x = 9.0f + float(i % 8) * 0.9f;
        a.z = 9.5f + float(i / 8) * 0.9f;
        a.yaw = float(i) * 0.8f;
        a.role = net::Role(i % 4);
        a.anim = i % 3 == 0 ? net::Anim::Walk : net::Anim::Idle;
        a.animPhase = float(i) * 0.7f;
        a.self = i == 0;
        out.push_back(a);
    }
    return out;
}

double luminance(const uint8_t* p) { return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; }

struct Diff {
    double meanAbs = 0;         // per channel, over all pixels
    double fractionOver40 = 0;  // pixels with any channel off by more than 40
};

Diff compare(const Image& a, const Image& b, Image* diffImage) {
    Diff d;
    if (a.w != b.w || a.h != b.h) return {255, 1};
    int64_t sum = 0, over = 0;
    if (diffImage) {
        diffImage->w = a.w;
        diffImage->h = a.h;
        diffImage->rgba.assign(a.rgba.size(), 255);
    }
    for (size_t i = 0; i < a.rgba.size(); i += 4) {
        int worst = 0;
        for (int c = 0; c < 3; ++c) {
            int e = std::abs(int(a.rgba[i + size_t(c)]) - int(b.rgba[i + size_t(c)]));
            sum += e;
            worst = std::max(worst, e);
        }
        over += worst > 40 ? 1 : 0;
        if (diffImage) {
            uint8_t v = uint8_t(std::min(255, worst * 4));
            diffImage->rgba[i] = v;
            diffImage->rgba[i + 1] = worst > 40 ? 0 : v;
            diffImage->rgba[i + 2] = worst > 40 ? 0 : v;
        }
    }
    const double pixels = double(a.rgba.size() / 4);
    d.meanAbs = double(sum) / (pixels * 3);
    d.fractionOver40 = double(over) / pixels;
    return d;
}

// Compares with tests/render/reference/<name>.png, or writes it when DOCKHALL_UPDATE_REFERENCE=1.
void expectMatchesReference(const Image& actual, const std::string& name) {
    const std::string reference = kReferenceDir + "/" + name + ".png";
    const char* update = std::getenv("DOCKHALL_UPDATE_REFERENCE");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(kReferenceDir);
        ASSERT_TRUE(client::savePng(reference, actual.w, actual.h, actual.rgba));
        std::printf("[ reference ] wrote %s (DOCKHALL_UPDATE_REFERENCE=1)\n", reference.c_str());
        return;
    }
    Image expected;
    ASSERT_TRUE(loadPng(reference, expected)) << reference << " is missing; run with DOCKHALL_UPDATE_REFERENCE=1 to create it";
    Image diffImage;
    Diff d = compare(actual, expected, &diffImage);
    const bool ok = d.meanAbs < 2.0 && d.fractionOver40 < 0.01;
    if (!ok) {
        std::filesystem::create_directories(kOutDir);
        client::savePng(kOutDir + "/" + name + ".actual.png", actual.w, actual.h, actual.rgba);
        client::savePng(kOutDir + "/" + name + ".diff.png", diffImage.w, diffImage.h, diffImage.rgba);
    }
    EXPECT_LT(d.meanAbs, 2.0) << name << ": mean difference per channel; see " << kOutDir << "/" << name
                              << ".actual.png and .diff.png";
    EXPECT_LT(d.fractionOver40, 0.01) << name << ": share of pixels off by more than 40";
}

class RenderTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::string error;
        s_gl = client::HeadlessGl::create(&error);
        s_error = error;
    }
    static void TearDownTestSuite() { s_gl.reset(); }

    void SetUp() override {
        ASSERT_NE(s_gl, nullptr) << "no headless OpenGL: " << s_error;
        std::string error;
        ASSERT_TRUE(m_target.create(kWidth, kHeight, 4, &error)) << error;
    }

    bool initHall(client::Renderer& r, const net::EventLayout& ev, const std::string& assetsDir) {
        std::string error;
        const bool ok = r.init(ev, {.assetsDir = assetsDir}, &error);
        EXPECT_TRUE(ok) << error;
        return ok;
    }

    Image draw(client::Renderer& r, const client::CameraView& cam, const std::vector<client::AvatarInstance>& avatars,
               int highlight = -1) {
        m_target.bind();
        r.render(cam, avatars, kWidth, kHeight, highlight);
        Image img;
        img.w = kWidth;
        img.h = kHeight;
        EXPECT_TRUE(m_target.readRgba(img.rgba));
        EXPECT_EQ(r.lastFrameStats().glErrors, 0);
        return img;
    }

    static std::unique_ptr<client::HeadlessGl> s_gl;
    static std::string s_error;
    client::OffscreenTarget m_target;
};

std::unique_ptr<client::HeadlessGl> RenderTest::s_gl;
std::string RenderTest::s_error;

size_t distinctColours(const Image& img) {
    std::set<uint32_t> colours;
    for (size_t i = 0; i < img.rgba.size(); i += 4)
        colours.insert(uint32_t(img.rgba[i]) << 16 | uint32_t(img.rgba[i + 1]) << 8 | img.rgba[i + 2]);
    return colours.size();
}

double meanLuminance(const Image& img) {
    double sum = 0;
    for (int y = 0; y < img.h; ++y)
        for (int x = 0; x < img.w; ++x) sum += luminance(img.px(x, y));
    return sum / double(img.w * img.h);
}

int64_t pixelsDiffering(const Image& a, const Image& b, int threshold = 24) {
    int64_t n = 0;
    for (size_t i = 0; i < a.rgba.size(); i += 4) {
        int worst = 0;
        for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int(a.rgba[i + size_t(c)]) - int(b.rgba[i + size_t(c)])));
        n += worst > threshold ? 1 : 0;
    }
    return n;
}

// Where a world point lands in the image (pixels, origin top-left).
glm::ivec2 project(const client::Renderer& r, const client::CameraView& cam, glm::vec3 p) {
    glm::vec4 c = r.viewProj(cam, kWidth, kHeight) * glm::vec4(p, 1.0f);
    glm::vec2 ndc = glm::vec2(c) / c.w;
    return {int((ndc.x * 0.5f + 0.5f) * kWidth), int((0.5f - ndc.y * 0.5f) * kHeight)};
}

TEST_F(RenderTest, HandBuiltHallMatchesReference) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    Image img = draw(r, handBuiltCamera(), crowd(12));
    std::printf("[ stats     ] hand-built hall: %d draw calls, %lld triangles, %.1f MB GPU, on %s\n",
                r.lastFrameStats().drawCalls, static_cast<long long>(r.lastFrameStats().triangles),
                double(r.gpuBytes()) / 1e6, s_gl->rendererName().c_str());
    expectMatchesReference(img, "hand_built_hall");
}

TEST_F(RenderTest, FrameIsNeitherBlankNorBlack) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    const auto cam = handBuiltCamera();
    Image img = draw(r, cam, crowd(12));
    EXPECT_GT(distinctColours(img), 2000u);
    const double lum = meanLuminance(img);
    EXPECT_GT(lum, 50.0);
    EXPECT_LT(lum, 200.0);
    // The middle of booth 0's backdrop (below its name) is a light panel, not the clear colour.
    const net::Booth b = handBuiltLayout().booths[0];
    glm::ivec2 p = project(r, cam, {b.center.x, 1.2f, b.center.y - b.size.y * 0.5f + net::kBackdropDepth + 0.01f});
    ASSERT_TRUE(p.x >= 0 && p.x < kWidth && p.y >= 0 && p.y < kHeight);
    const uint8_t* px = img.px(p.x, p.y);
    EXPECT_GT(luminance(px), 130.0) << "backdrop pixel at " << p.x << "," << p.y << " is " << int(px[0]) << ","
                                    << int(px[1]) << "," << int(px[2]);
    // ... and the top-left corner (above the walls) is the dim roof, darker than the backdrop.
    EXPECT_LT(luminance(img.px(2, 2)), luminance(px) - 60.0);
}

TEST_F(RenderTest, AvatarsChangeTheImage) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    const auto cam = handBuiltCamera();
    Image none = draw(r, cam, {});
    Image some = draw(r, cam, crowd(12));
    Image more = draw(r, cam, crowd(24));
    EXPECT_GT(pixelsDiffering(none, some), 1500);
    EXPECT_GT(pixelsDiffering(some, more), 1000);
    // Walking moves the limbs: another phase, another picture.
    auto walkers = crowd(12);
    for (auto& a : walkers) {
        a.anim = net::Anim::Walk;
        a.animPhase += 1.5f;
    }
    EXPECT_GT(pixelsDiffering(some, draw(r, cam, walkers)), 100);
}

TEST_F(RenderTest, CrowdIsInstancedAndDrawCallsStayFew) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    const auto cam = handBuiltCamera();
    draw(r, cam, crowd(2));
    const client::FrameStats two = r.lastFrameStats();
    draw(r, cam, crowd(200));
    const client::FrameStats many = r.lastFrameStats();
    // At most one more draw per extra level of detail; the crowd behind the camera is culled.
    EXPECT_LE(many.drawCalls, two.drawCalls + client::kAvatarLodCount - 1);
    EXPECT_EQ(many.avatarsDrawn + many.avatarsCulled, 200);
    EXPECT_GT(many.avatarsDrawn, 40);
    EXPECT_GT(many.triangles, two.triangles + int64_t(many.avatarsDrawn - 2) * 100);  // every drawn avatar is submitted
    EXPECT_LT(many.drawCalls, 20);
}

TEST_F(RenderTest, HighlightMarksTheHoveredBooth) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    const auto cam = handBuiltCamera();
    Image plain = draw(r, cam, {});
    const int calls = r.lastFrameStats().drawCalls;
    Image hovered = draw(r, cam, {}, 1);
    EXPECT_GT(pixelsDiffering(plain, hovered, 8), 500);
    EXPECT_EQ(r.lastFrameStats().drawCalls, calls);  // the glow is a uniform, not another pass
    // Only around booth 1: the far corner of the hall (the stage side) does not change.
    int64_t changedLeft = 0, changedRight = 0;
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            const uint8_t *a = plain.px(x, y), *b = hovered.px(x, y);
            const bool changed = std::abs(int(a[0]) - int(b[0])) + std::abs(int(a[1]) - int(b[1])) + std::abs(int(a[2]) - int(b[2])) > 24;
            (x < kWidth * 3 / 4 ? changedLeft : changedRight) += changed ? 1 : 0;
        }
    EXPECT_GT(changedLeft, 10 * (changedRight + 1));
}

TEST_F(RenderTest, MissingModelIsAPlaceholderAndAWarning) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    ASSERT_EQ(r.warnings().size(), 1u);
    EXPECT_NE(r.warnings()[0].find("missing.glb"), std::string::npos) << r.warnings()[0];
    EXPECT_NE(r.warnings()[0].find("placeholder"), std::string::npos) << r.warnings()[0];
}

TEST_F(RenderTest, ChineseNamesReachTheLabelTextures) {
    // Every glyph of both names (simplified and traditional) exists in the font and has ink.
    const std::string fontPath = client::findCjkFont();
    ASSERT_FALSE(fontPath.empty()) << "no CJK font; install fonts-wqy-microhei";
    client::FontRasterizer font;
    std::string error;
    ASSERT_TRUE(font.load(fontPath, &error)) << error;
    for (const char* name : {kAssociation, kLicheng}) {
        for (uint32_t cp : client::decodeUtf8(name)) {
            EXPECT_TRUE(font.hasGlyph(cp)) << "U+" << std::hex << cp << " missing from " << fontPath;
            client::TextImage glyph;
            glyph.width = glyph.height = 64;
            glyph.coverage.assign(64 * 64, 0);
            ASSERT_TRUE(cp >= 0x800 && cp < 0x10000);  // CJK: three UTF-8 bytes
            const std::string utf8 = {char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
            font.drawLine(glyph, utf8, 56.0f, 4.0f, 4.0f);
            EXPECT_GT(glyph.ink(128), 60) << "U+" << std::hex << cp << " rasterizes empty";
        }
    }

    // The renderer's backdrop labels, read back from GL, carry those names with ink across them.
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    int checked = 0;
    for (size_t i = 0; i < r.labels().size(); ++i) {
        const client::HallLabel& l = r.labels()[i];
        if (l.kind != client::HallLabel::Kind::Backdrop || l.index > 1) continue;
        const char* expected = l.index == 0 ? kAssociation : kLicheng;
        ASSERT_FALSE(l.lines.empty());
        EXPECT_EQ(l.lines[0], expected);
        client::TextImage img;
        ASSERT_TRUE(r.readLabelCoverage(i, img.coverage, img.width, img.height));
        const int64_t ink = img.ink(128);
        EXPECT_GT(ink, int64_t(img.width) * img.height / 50) << expected << ": too little ink";
        // Ink spans the name: count columns with ink in the upper (primary) part.
        int left = img.width, right = -1;
        for (int x = 0; x < img.width; ++x)
            if (img.ink(x, 0, x + 1, img.height * 2 / 3, 128) > 0) { left = std::min(left, x); right = std::max(right, x); }
        EXPECT_GT(right - left, img.width / 2) << expected << ": the name should fill the panel's width";
        ++checked;
    }
    EXPECT_EQ(checked, 2);
}

TEST_F(RenderTest, LanguageSwitchRedrawsTheText) {
    client::Renderer r;
    ASSERT_TRUE(initHall(r, handBuiltLayout(), kSourceDir));
    const auto cam = handBuiltCamera();
    Image zh = draw(r, cam, {});
    ASSERT_FALSE(r.labels().empty());
    EXPECT_EQ(r.labels()[0].lines[0], kAssociation);
    r.setLanguage(false);
    EXPECT_EQ(r.labels()[0].lines[0], "Shengzhou Machinery Industry Association");
    EXPECT_GE(r.labels()[0].lines.size(), 2u);  // the Chinese name as the second line
    Image en = draw(r, cam, {});
    EXPECT_GT(pixelsDiffering(zh, en, 16), 300);
}

TEST_F(RenderTest, SampleEventRendersAndMatchesReference) {
    net::EventLayout ev;
    std::string error;
    ASSERT_TRUE(server::loadEventFile(kSourceDir + "/assets/events/sample.json", ev, error)) << error;
    client::Renderer r;
    ASSERT_TRUE(initHall(r, ev, kSourceDir + "/assets"));
    for (const auto& w : r.warnings()) ADD_FAILURE() << "warning: " << w;
    client::CameraView cam;
    cam.eye = {ev.hallSize.x * 0.5f, 24.0f, ev.hallSize.y - 1.0f};
    cam.target = {ev.hallSize.x * 0.5f, 0.0f, ev.hallSize.y * 0.42f};
    std::vector<client::AvatarInstance> people;
    for (int i = 0; i < 60; ++i) {
        client::AvatarInstance a;
        a.x = 6.0f + float(i % 15) * 3.3f;
        a.z = 27.0f + float(i / 15) * 0.8f;
        a.yaw = float(i) * 1.3f;
        a.role = net::Role(i % 4);
        a.anim = i % 2 ? net::Anim::Walk : net::Anim::Idle;
        a.animPhase = float(i);
        people.push_back(a);
    }
    Image img = draw(r, cam, people);
    std::printf("[ stats     ] sample event: %d draw calls, %lld triangles, %.1f MB GPU\n", r.lastFrameStats().drawCalls,
                static_cast<long long>(r.lastFrameStats().triangles), double(r.gpuBytes()) / 1e6);
    EXPECT_LT(r.lastFrameStats().drawCalls, 60);
    EXPECT_GT(distinctColours(img), 3000u);
    const double lum = meanLuminance(img);
    EXPECT_GT(lum, 40.0);
    EXPECT_LT(lum, 200.0);
    expectMatchesReference(img, "sample_hall");
}

}  // namespace

// A closed booth (the organizer locked it) shows a red and white barrier across its front with a
// "暂停开放 Closed" sign; opened again, the booth looks exactly as before. The flag is per booth.
TEST_F(RenderTest, AClosedBoothShowsABarrierAndASignAndOpensAgainCleanly) {
    client::Renderer r;
    const net::EventLayout ev = handBuiltLayout();
    ASSERT_TRUE(initHall(r, ev, kSourceDir));
    const net::Booth& b = ev.booths[0];
    const net::Vec2 eye = net::boothToWorld(b, {0.6f, b.size.y * 0.5f + 3.2f});
    const net::Vec2 front = net::boothToWorld(b, {0, b.size.y * 0.5f - 0.15f});
    const client::CameraView cam{.eye = {eye.x, 1.5f, eye.y}, .target = {front.x, 0.95f, front.y}, .fovYDeg = 55};
    auto barrierRed = [](const Image& img) {
        int64_t n = 0;
        for (int y = 0; y < img.h; ++y)
            for (int x = 0; x < img.w; ++x) {
                const uint8_t* p = img.px(x, y);
                n += p[0] > 120 && p[1] < 70 && p[2] < 70 ? 1 : 0;
            }
        return n;
    };
    Image open = draw(r, cam, {});
    EXPECT_EQ(r.lastFrameStats().closedBooths, 0);
    r.setClosedBooths({true, false, false});
    Image closed = draw(r, cam, {});
    EXPECT_EQ(r.lastFrameStats().closedBooths, 1);
    if (std::getenv("DOCKHALL_SAVE_RENDER")) {
        std::filesystem::create_directories(kOutDir);
        client::savePng(kOutDir + "/closed_booth.png", closed.w, closed.h, closed.rgba);
    }
    EXPECT_GT(pixelsDiffering(open, closed), 3000);
    EXPECT_GT(barrierRed(closed), barrierRed(open) + 800) << "no red barrier tape or sign text";
    // The sign board is light, with the text on it: the middle of the board has ink and paper.
    const glm::ivec2 c = project(r, cam, glm::vec3(front.x, 0.95f, front.y));
    ASSERT_TRUE(c.x > 40 && c.x < kWidth - 40 && c.y > 20 && c.y < kHeight - 20);
    int light = 0, dark = 0;
    for (int y = c.y - 12; y <= c.y + 12; ++y)
        for (int x = c.x - 40; x <= c.x + 40; ++x) {
            const double l = luminance(closed.px(x, y));
            light += l > 170 ? 1 : 0;
            dark += l < 110 ? 1 : 0;
        }
    EXPECT_GT(light, 200);
    EXPECT_GT(dark, 40);
    // In English the sign says so.
    r.setLanguage(false);
    Image english = draw(r, cam, {});
    EXPECT_GT(pixelsDiffering(closed, english), 150);
    r.setLanguage(true);
    // Another booth closed instead: booth 0's barrier goes, at once.
    r.setClosedBooths({false, false, true});
    Image other = draw(r, cam, {});
    EXPECT_LT(pixelsDiffering(open, other), 60);
    r.setClosedBooths({});
    EXPECT_LT(pixelsDiffering(open, draw(r, cam, {})), 10);
}
