// The stage's big screen in the 3D hall, drawn for real (headless EGL): a slide put on it shows
// its colours where the screen is, a signed certificate replaces it, clearing gives the event name
// back; the representatives' handshake changes their bodies; the group picture is written as a
// PNG of the asked size with the screen and the people in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <glm/glm.hpp>
#include <stb_image.h>

#include "client/render/certificate.h"
#include "client/render/fonts.h"
#include "client/render/group_photo.h"
#include "client/render/headless_gl.h"
#include "client/render/image.h"
#include "client/render/renderer.h"
#include "client/render/text.h"

namespace {

constexpr int kWidth = 480, kHeight = 270;

// A small hall with a stage at the back (facing the audience at +z) and nothing else.
net::EventLayout stageHall() {
    net::EventLayout ev;
    ev.name = {"签约仪式", "Signing ceremony"};
    ev.dates = "2024-06-04";
    ev.hallSize = {24, 18};
    ev.spawn = {12, 16};
    ev.zones = {{net::ZoneKind::Stage, {"签约仪式区", "Signing stage"}, {{4, 1}, {20, 8}}}};
    ev.stage.area = {{6, 1.5f}, {18, 5.5f}};
    ev.stage.height = 0.6f;
    ev.stage.facing = 0;
    return ev;
}

// Four quadrants of known colour: red top-left, green top-right, blue bottom-left, yellow
// bottom-right; 16:9 like a slide.
client::RgbaImage quadrantSlide() {
    client::RgbaImage img;
    img.width = 320;
    img.height = 180;
    img.rgba.resize(size_t(img.width) * size_t(img.height) * 4);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const bool right = x >= img.width / 2, bottom = y >= img.height / 2;
            uint8_t* p = img.at(x, y);
            p[0] = (!bottom && !right) || (bottom && right) ? 230 : 10;
            p[1] = (!bottom && right) || (bottom && right) ? 220 : 10;
            p[2] = bottom && !right ? 230 : 10;
            p[3] = 255;
        }
    return img;
}

struct Frame {
    int w = 0, h = 0;
    std::vector<uint8_t> rgba;
    const uint8_t* px(glm::ivec2 p) const { return rgba.data() + (size_t(p.y) * size_t(w) + size_t(p.x)) * 4; }
};

class StageScreenTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::string error;
        s_gl = client::HeadlessGl::create(&error);
        s_error = error;
        if (!s_gl) return;
        s_renderer = std::make_unique<client::Renderer>();
        if (!s_renderer->init(stageHall(), {.assetsDir = DOCKHALL_SOURCE_DIR "/assets"}, &error)) {
            s_error = error;
            s_renderer.reset();
        }
    }
    static void TearDownTestSuite() {
        s_renderer.reset();
        s_gl.reset();
    }
    void SetUp() override {
        ASSERT_NE(s_gl, nullptr) << "no headless OpenGL: " << s_error;
        ASSERT_NE(s_renderer, nullptr) << s_error;
        std::string error;
        ASSERT_TRUE(m_target.create(kWidth, kHeight, 4, &error)) << error;
        r().clearStageScreen();
    }
    client::Renderer& r() { return *s_renderer; }

    // Straight at the screen from the audience, the screen filling most of the view.
    client::CameraView camera() {
        const client::StageScreenInfo s = r().stageScreen();
        client::CameraView cam;
        cam.eye = s.center + s.normal * 9.0f;
        cam.target = s.center;
        cam.fovYDeg = 40;
        return cam;
    }
    Frame draw(const std::vector<client::AvatarInstance>& avatars = {}) {
        m_target.bind();
        r().render(camera(), avatars, kWidth, kHeight);
        Frame f;
        f.w = kWidth;
        f.h = kHeight;
        EXPECT_TRUE(m_target.readRgba(f.rgba));
        EXPECT_EQ(r().lastFrameStats().glErrors, 0);
        if (const char* out = std::getenv("DOCKHALL_STAGE_TEST_OUT"))  // to look at what the checks see
            client::savePng(std::string(out) + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
                                std::to_string(m_frames++) + ".png",
                            f.w, f.h, f.rgba);
        return f;
    }
    // Where a point of the screen lands in the frame: (sx, sy) in [-0.5, 0.5] across and up it.
    glm::ivec2 onScreen(float sx, float sy) {
        const client::StageScreenInfo s = r().stageScreen();
        const glm::vec3 p = s.center + s.right * (s.width * sx) + s.up * (s.height * sy);
        const glm::vec4 c = r().viewProj(camera(), kWidth, kHeight) * glm::vec4(p, 1.0f);
        const glm::vec2 ndc = glm::vec2(c) / c.w;
        return {int((ndc.x * 0.5f + 0.5f) * kWidth), int((0.5f - ndc.y * 0.5f) * kHeight)};
    }
    // Where the slide's quadrant centres land: the slide is 16:9 on a wider screen, so it spans
    // the screen's height and a centred part of its width.
    glm::ivec2 slideQuadrant(bool right, bool bottom) {
        const client::StageScreenInfo s = r().stageScreen();
        const float share = (16.0f / 9.0f) / (s.width / s.height);  // of the screen's width
        return onScreen((right ? 0.25f : -0.25f) * share, bottom ? -0.25f : 0.25f);
    }

    static std::unique_ptr<client::HeadlessGl> s_gl;
    static std::unique_ptr<client::Renderer> s_renderer;
    static std::string s_error;
    client::OffscreenTarget m_target;
    int m_frames = 0;
};

std::unique_ptr<client::HeadlessGl> StageScreenTest::s_gl;
std::unique_ptr<client::Renderer> StageScreenTest::s_renderer;
std::string StageScreenTest::s_error;

// Mean colour of a small square around a pixel.
glm::vec3 meanAround(const Frame& f, glm::ivec2 c, int r = 3) {
    glm::vec3 sum(0);
    int n = 0;
    for (int y = c.y - r; y <= c.y + r; ++y)
        for (int x = c.x - r; x <= c.x + r; ++x) {
            if (x < 0 || y < 0 || x >= f.w || y >= f.h) continue;
            const uint8_t* p = f.px({x, y});
            sum += glm::vec3(p[0], p[1], p[2]);
            ++n;
        }
    return n ? sum / float(n) : sum;
}

// Pixels inside the screen's rectangle that differ by more than `threshold` in some channel.
double shareDiffering(const Frame& a, const Frame& b, glm::ivec2 lo, glm::ivec2 hi, int threshold = 40) {
    int64_t n = 0, all = 0;
    for (int y = std::max(0, lo.y); y < std::min(a.h, hi.y); ++y)
        for (int x = std::max(0, lo.x); x < std::min(a.w, hi.x); ++x) {
            const uint8_t *p = a.px({x, y}), *q = b.px({x, y});
            int worst = 0;
            for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int(p[c]) - int(q[c])));
            n += worst > threshold;
            ++all;
        }
    return all ? double(n) / double(all) : 0.0;
}

client::StageCertificate certificate() {
    client::StageCertificate c;
    c.headline = "签约成功 Signed";
    c.title = "锻件无损检测校企合作框架协议";
    c.subtitle = "Framework agreement on non-destructive testing of forgings";
    c.parties = {"嵊州市精工锻造有限公司 Shengzhou Precision Forging Co., Ltd. — 王磊",
                 "浙江工业职业技术学院 Zhejiang Industry Polytechnic College — 李敏"};
    c.footer = "2024-06-04 11:32 · 内容哈希 Content hash 3fa29c01 7be4d2a0";
    return c;
}

TEST_F(StageScreenTest, SlideShowsItsColoursOnTheScreen) {
    const client::StageScreenInfo s = r().stageScreen();
    ASSERT_TRUE(s.present);
    EXPECT_GT(s.width, s.height);
    EXPECT_GT(s.normal.z, 0.9f);  // facing 0: the audience is toward +z
    EXPECT_FALSE(s.showingPicture);
    const Frame before = draw();
    r().setStageScreen(quadrantSlide());
    EXPECT_TRUE(r().stageScreen().showingPicture);
    const Frame slide = draw();
    struct Expect { bool right, bottom; glm::vec3 colour; const char* name; };
    const Expect quadrants[] = {{false, false, {1, 0, 0}, "red top-left"},
                                {true, false, {0, 1, 0}, "green top-right"},
                                {false, true, {0, 0, 1}, "blue bottom-left"},
                                {true, true, {1, 1, 0}, "yellow bottom-right"}};
    for (const Expect& q : quadrants) {
        const glm::vec3 c = meanAround(slide, slideQuadrant(q.right, q.bottom));
        SCOPED_TRACE(q.name);
        for (int k = 0; k < 3; ++k) {
            if (q.colour[k] > 0) EXPECT_GT(c[k], 150.0f) << "channel " << k << " of " << c.r << "," << c.g << "," << c.b;
            else EXPECT_LT(c[k], 70.0f) << "channel " << k << " of " << c.r << "," << c.g << "," << c.b;
        }
    }
    // Beyond the slide's sides the screen is dark, not the blue LED panel or the event name.
    const glm::vec3 bar = meanAround(slide, onScreen(-0.47f, 0.0f), 2);
    EXPECT_LT(std::max({bar.r, bar.g, bar.b}), 40.0f);
    // The event name's screen is gone where the slide is, and comes back when cleared.
    EXPECT_GT(shareDiffering(before, slide, onScreen(-0.4f, 0.4f), onScreen(0.4f, -0.4f)), 0.8);
    r().clearStageScreen();
    EXPECT_FALSE(r().stageScreen().showingPicture);
    const Frame after = draw();
    EXPECT_LT(shareDiffering(before, after, onScreen(-0.5f, 0.5f), onScreen(0.5f, -0.5f), 8), 0.001);
}

TEST_F(StageScreenTest, CertificateReplacesTheSlide) {
    r().setStageScreen(quadrantSlide());
    const Frame slide = draw();
    const client::StageScreenInfo s = r().stageScreen();
    ASSERT_TRUE(r().font().loaded()) << "no CJK font: install fonts-wqy-microhei";
    const client::RgbaImage cert = client::composeCertificate(r().font(), certificate(), 1200, int(std::lround(1200 * s.height / s.width)));
    r().setStageScreen(cert);
    const Frame signedFrame = draw();
    EXPECT_GT(shareDiffering(slide, signedFrame, onScreen(-0.4f, 0.4f), onScreen(0.4f, -0.4f)), 0.6);
    // Not the slide: the red quadrant is cream paper now, and the screen carries dark type on it.
    const glm::vec3 paper = meanAround(signedFrame, slideQuadrant(false, false), 1);
    EXPECT_GT(paper.g, 150.0f) << "where the red quadrant was: " << paper.r << "," << paper.g << "," << paper.b;
    int dark = 0, light = 0;
    const glm::ivec2 lo = onScreen(-0.45f, 0.45f), hi = onScreen(0.45f, -0.45f);
    for (int y = lo.y; y < hi.y; ++y)
        for (int x = lo.x; x < hi.x; ++x) {
            const uint8_t* p = signedFrame.px({x, y});
            const int l = (p[0] + p[1] + p[2]) / 3;
            dark += l < 170;   // type, antialiased at this distance, on paper around 240
            light += l > 200;
        }
    EXPECT_GT(light, dark) << "the certificate is mostly paper";
    EXPECT_GT(dark, 400) << "the certificate has its type";
}

// The certificate alone, on the CPU: no GL needed.
TEST(Certificate, ComposesEveryLineInBothScripts) {
    client::FontRasterizer font;
    std::string error;
    ASSERT_TRUE(font.load(client::findCjkFont(), &error)) << error << " (install fonts-wqy-microhei)";
    const client::RgbaImage cert = client::composeCertificate(font, certificate(), 1200, 420);
    ASSERT_EQ(cert.width, 1200);
    ASSERT_EQ(cert.height, 420);
    // Ink in each band of the certificate: headline (red), title, parties, footer.
    auto inkRows = [&](float from, float to, bool red) {
        int n = 0;
        for (int y = int(from * 420); y < int(to * 420); ++y)
            for (int x = 60; x < 1140; ++x) {
                const uint8_t* p = cert.at(x, y);
                n += red ? (p[0] > 140 && p[1] < 90) : (p[0] < 120 && p[1] < 120);
            }
        return n;
    };
    EXPECT_GT(inkRows(0.05f, 0.25f, true), 500) << "headline";
    EXPECT_GT(inkRows(0.25f, 0.45f, false), 500) << "title";
    EXPECT_GT(inkRows(0.5f, 0.8f, false), 500) << "parties";
    // The missing-glyph box would draw the same ink for every Chinese character: the font has them.
    for (const char* c : {"签", "约", "嵊", "李", "敏"}) EXPECT_TRUE(font.hasGlyph(client::decodeUtf8(c)[0])) << c;
    // Without a font: the paper and the frame, no type and no crash.
    const client::RgbaImage blank = client::composeCertificate(client::FontRasterizer(), certificate(), 300, 100);
    EXPECT_EQ(blank.width, 300);
    EXPECT_FALSE(blank.empty());
}

TEST_F(StageScreenTest, HandshakeHoldsTheRightHandOut) {
    client::AvatarInstance a, b;
    a.x = 11.63f;
    b.x = 12.37f;
    a.z = b.z = 3.5f;
    a.yaw = glm::radians(90.0f);   // facing +x, toward b
    b.yaw = glm::radians(-90.0f);  // facing -x, toward a
    a.role = net::Role::Exhibitor;
    b.role = net::Role::University;
    const Frame standing = draw({a, b});
    a.handshake = b.handshake = true;
    const Frame shaking = draw({a, b});
    // Between them at hand height the arms now meet: the gap there fills with sleeves and hands.
    const glm::vec4 c = r().viewProj(camera(), kWidth, kHeight) * glm::vec4(12.0f, 0.6f + 1.1f, 3.5f, 1.0f);
    const glm::ivec2 mid{int((c.x / c.w * 0.5f + 0.5f) * kWidth), int((0.5f - c.y / c.w * 0.5f) * kHeight)};
    EXPECT_GT(shareDiffering(standing, shaking, mid - glm::ivec2(8, 4), mid + glm::ivec2(8, 4), 30), 0.3);
    // Their feet stay where they were.
    const glm::vec4 f = r().viewProj(camera(), kWidth, kHeight) * glm::vec4(11.63f, 0.65f, 3.5f, 1.0f);
    const glm::ivec2 foot{int((f.x / f.w * 0.5f + 0.5f) * kWidth), int((0.5f - f.y / f.w * 0.5f) * kHeight)};
    EXPECT_LT(shareDiffering(standing, shaking, foot - glm::ivec2(3), foot + glm::ivec2(3), 30), 0.1);
}

TEST_F(StageScreenTest, GroupPhotoIsWrittenAsAPngOfTheStage) {
    ASSERT_TRUE(r().font().loaded());
    const client::StageScreenInfo s = r().stageScreen();
    r().setStageScreen(client::composeCertificate(r().font(), certificate(), 1200, int(std::lround(1200 * s.height / s.width))));
    std::vector<client::AvatarInstance> people(2);
    people[0].x = 11.63f;
    people[1].x = 12.37f;
    people[0].z = people[1].z = 3.5f;
    people[0].yaw = glm::radians(90.0f);
    people[1].yaw = glm::radians(-90.0f);
    people[0].handshake = people[1].handshake = true;

    client::RgbaImage photo;
    std::string error;
    const client::GroupPhotoDesc desc{.width = 640, .height = 360, .samples = 4};
    ASSERT_TRUE(client::renderGroupPhoto(r(), people, desc, photo, &error)) << error;
    if (const char* out = std::getenv("DOCKHALL_STAGE_TEST_OUT")) client::savePng(std::string(out) + "/group-photo.png", photo.width, photo.height, photo.rgba);
    const std::string dir = (std::filesystem::temp_directory_path() / ("dockhall-photo-test-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    const std::string name = client::groupPhotoFileName("锻件检测/合作协议", "2024-06-04 11:32");
    EXPECT_EQ(name, "dockhall-signing-锻件检测_合作协议-20240604-1132.png");
    std::string path;
    ASSERT_TRUE(client::saveGroupPhoto(photo, dir, name, path, &error)) << error;
    EXPECT_EQ(path, dir + "/" + name);

    int w = 0, h = 0, n = 0;
    unsigned char* png = stbi_load(path.c_str(), &w, &h, &n, 4);
    ASSERT_NE(png, nullptr) << path << " is not a PNG stb_image reads";
    std::vector<uint8_t> pixels(png, png + size_t(w) * size_t(h) * 4);
    stbi_image_free(png);
    EXPECT_EQ(w, 640);
    EXPECT_EQ(h, 360);
    // Not one colour: a real picture with a bright screen and darker hall.
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < pixels.size(); i += 4) {
        const double l = (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3.0;
        sum += l;
        sum2 += l * l;
    }
    const double count = double(pixels.size() / 4), mean = sum / count;
    EXPECT_GT(std::sqrt(sum2 / count - mean * mean), 25.0) << "a uniform picture";
    // The camera takes in the whole screen: its centre is in the picture and shows the paper.
    const client::CameraView cam = r().stagePhotoCamera(640.0f / 360.0f);
    for (float sx : {-0.5f, 0.5f})
        for (float sy : {-0.5f, 0.5f}) {
            const glm::vec4 c = r().viewProj(cam, 640, 360) * glm::vec4(s.center + s.right * (s.width * sx) + s.up * (s.height * sy), 1);
            EXPECT_LT(std::abs(c.x / c.w), 1.0f);
            EXPECT_LT(std::abs(c.y / c.w), 1.0f);
        }
    // Between the title and the parties the certificate is bare paper: warm and bright (the
    // event name's screen is a blue panel with white type there).
    const glm::vec4 c = r().viewProj(cam, 640, 360) * glm::vec4(s.center + s.up * (s.height * 0.08f), 1);
    const int px = int((c.x / c.w * 0.5f + 0.5f) * 640), py = int((0.5f - c.y / c.w * 0.5f) * 360);
    glm::vec3 paper(0);
    for (int y = py - 2; y <= py + 2; ++y)
        for (int x = px - 12; x <= px + 12; ++x) {
            const uint8_t* p = pixels.data() + (size_t(y) * 640 + size_t(x)) * 4;
            paper += glm::vec3(p[0], p[1], p[2]) / 125.0f;
        }
    EXPECT_GT(paper.r, 190.0f) << paper.r << "," << paper.g << "," << paper.b;
    EXPECT_GT(paper.r, paper.b) << "warm paper, not the blue panel";
    // A second picture does not overwrite the first.
    std::string second;
    ASSERT_TRUE(client::saveGroupPhoto(photo, dir, name, second, &error)) << error;
    EXPECT_NE(second, path);
    EXPECT_TRUE(std::filesystem::exists(second));
    std::filesystem::remove_all(dir);
}

TEST(GroupPhotoName, KeepsChineseAndDropsWhatPathsRefuse) {
    EXPECT_EQ(client::groupPhotoFileName("Framework: NDT <v2>", "2024-06-04 09:05"), "dockhall-signing-Framework__NDT__v2-20240604-0905.png");
    EXPECT_EQ(client::groupPhotoFileName("../..", ""), "dockhall-signing.png");
    EXPECT_EQ(client::groupPhotoFileName("", "2024-06-04 09:05"), "dockhall-signing-20240604-0905.png");
    const std::string longTitle(200, 'a');
    EXPECT_LE(client::groupPhotoFileName(longTitle, "").size(), std::string("dockhall-signing-.png").size() + 80);
    // Cut at a whole character: 30 three-byte characters are 90 bytes, 26 of them fit in 80.
    std::string chinese;
    for (int i = 0; i < 30; ++i) chinese += "签";
    EXPECT_EQ(client::groupPhotoFileName(chinese, ""), "dockhall-signing-" + chinese.substr(0, 26 * 3) + ".png");
}

}  // namespace

namespace {

// A slide as it arrives: PNG bytes. Read, refused when it claims a huge canvas or is not an image,
// and shrunk for the screen.
TEST(SlideImage, DecodesPngRefusesHugeCanvasAndGarbageAndShrinks) {
    const client::RgbaImage slide = quadrantSlide();
    const std::string path = (std::filesystem::temp_directory_path() / ("dockhall-slide-" + std::to_string(::getpid()) + ".png")).string();
    ASSERT_TRUE(client::savePng(path, slide.width, slide.height, slide.rgba));
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::filesystem::remove(path);
    client::RgbaImage decoded;
    std::string error;
    ASSERT_TRUE(client::decodeImage(bytes, decoded, &error)) << error;
    EXPECT_EQ(decoded.width, 320);
    EXPECT_EQ(decoded.height, 180);
    EXPECT_EQ(decoded.rgba, slide.rgba);

    // A PNG header claiming 9000 x 9000 pixels (324 MB decoded, which stb_image itself would
    // allow): refused before decoding.
    std::vector<uint8_t> huge = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                 0, 0, 0x23, 0x28, 0, 0, 0x23, 0x28, 8, 6, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_FALSE(client::decodeImage(huge, decoded, &error));
    EXPECT_NE(error.find("too large"), std::string::npos) << "\"" << error << "\"";
    EXPECT_TRUE(decoded.empty());
    const std::vector<uint8_t> garbage(bytes.begin() + 20, bytes.end());
    EXPECT_FALSE(client::decodeImage(garbage, decoded, &error));
    EXPECT_FALSE(client::decodeImage({}, decoded, &error));

    // Shrunk to fit, the quadrants stay where they were.
    const client::RgbaImage small = client::fitWithin(slide, 64);
    EXPECT_EQ(small.width, 64);
    EXPECT_EQ(small.height, 36);
    EXPECT_GT(small.at(8, 8)[0], 200);   // red top-left
    EXPECT_GT(small.at(56, 28)[1], 200); // yellow bottom-right
    EXPECT_LT(small.at(8, 28)[0], 30);   // blue bottom-left
    EXPECT_EQ(client::fitWithin(slide, 4096).width, 320);
}

}  // namespace
