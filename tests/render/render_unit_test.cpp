// The renderer's CPU side, no GL context: font search, text fitting, model loading (units, axes,
// textures) and the hall batch (every collision box is drawn where it collides).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "client/render/detail/avatar_mesh.h"
#include "client/render/detail/hall_mesh.h"
#include "client/render/detail/model_loader.h"
#include "client/render/fonts.h"
#include "client/render/text.h"
#include "net/protocol/hall.h"

namespace {

const std::string kSourceDir = DOCKHALL_SOURCE_DIR;

client::FontRasterizer loadFont() {
    client::FontRasterizer font;
    std::string error;
    EXPECT_TRUE(font.load(client::findCjkFont(), &error)) << error;
    return font;
}

TEST(RenderFonts, FindsAFontThatExists) {
    const std::string path = client::findCjkFont();
    ASSERT_FALSE(path.empty()) << "no CJK font; install fonts-wqy-microhei";
    EXPECT_TRUE(std::filesystem::is_regular_file(path)) << path;
}

TEST(RenderText, BadFontFileIsAnErrorNotACrash) {
    client::FontRasterizer font;
    std::string error;
    EXPECT_FALSE(font.load(kSourceDir + "/tests/render/data/crate.gltf", &error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(font.load("/nonexistent/font.ttc", &error));
    EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
    EXPECT_FALSE(font.loaded());
}

TEST(RenderText, LongTextWrapsIntoTheBox) {
    client::FontRasterizer font = loadFont();
    const std::string name =
        "Shengzhou Machinery Industry Association & Zhejiang Industry Polytechnic College: Industry-University-Research "
        "Docking Meeting and Framework Agreement Signing";
    client::TextBlock b = client::fitText(font, name, 1000, 300, 3, 120);
    EXPECT_GT(b.lines.size(), 1u);
    EXPECT_LE(b.lines.size(), 3u);
    EXPECT_LE(b.width, 1000.0f);
    EXPECT_LE(b.height(), 300.0f);
    EXPECT_GT(b.pixelHeight, 30.0f);
    for (const auto& l : b.lines) EXPECT_TRUE(l.front() != ' ' && l.back() != ' ') << "'" << l << "'";
    // Chinese breaks between characters.
    client::TextBlock zh =
        client::fitText(font, "嵊州市机械工业协会·浙江工业职业技术学院 产学研合作对接会暨框架协议签约仪式", 600, 300, 3, 100);
    EXPECT_GT(zh.lines.size(), 1u);
    EXPECT_LE(zh.width, 600.0f);
}

TEST(RenderText, ShortNameStaysOnOneLargeLine) {
    client::FontRasterizer font = loadFont();
    client::TextBlock b = client::fitText(font, "双鸟集团", 900, 200, 2, 150);
    ASSERT_EQ(b.lines.size(), 1u);
    EXPECT_EQ(b.lines[0], "双鸟集团");
    EXPECT_GE(b.pixelHeight, 149.0f);
}

TEST(RenderText, PanelHasBothLanguagesPrimaryOnTop) {
    client::FontRasterizer font = loadFont();
    std::vector<std::string> lines;
    client::TextImage img =
        client::composePanel(font, "寧夏力成電氣集團", "Ningxia Licheng Electric Group", 900, 160, 2, 1, &lines);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "寧夏力成電氣集團");
    EXPECT_EQ(lines[1], "Ningxia Licheng Electric Group");
    // The primary line is the larger: more ink in the upper part than the lower.
    const int64_t top = img.ink(0, 0, img.width, img.height * 6 / 10, 100);
    const int64_t bottom = img.ink(0, img.height * 6 / 10, img.width, img.height, 100);
    EXPECT_GT(top, 2 * bottom);
    EXPECT_GT(bottom, 0);
}

TEST(RenderModels, StlIsMillimetresWithZUp) {
    client::detail::LoadedModel m;
    std::string error;
    ASSERT_TRUE(client::detail::loadModel(kSourceDir + "/tests/render/data/hex_nut.stl", m, &error)) << error;
    const glm::vec3 size = m.boundsMax - m.boundsMin;
    // 120 mm across flats (138.6 mm across corners), 60 mm high along CAD z = our y.
    EXPECT_NEAR(size.y, 0.060f, 1e-3f);
    EXPECT_NEAR(std::max(size.x, size.z), 0.1386f, 2e-3f);
    EXPECT_NEAR(std::min(size.x, size.z), 0.120f, 2e-3f);
    EXPECT_EQ(m.parts.size(), 1u);
    EXPECT_EQ(m.parts[0].image, -1);
    EXPECT_EQ(m.vertices[0].material[0], 217);  // STL is shown as machined steel (metallic 0.85)
}

TEST(RenderModels, GltfIsMetresAndKeepsItsTexture) {
    client::detail::LoadedModel m;
    std::string error;
    ASSERT_TRUE(client::detail::loadModel(kSourceDir + "/tests/render/data/crate.gltf", m, &error)) << error;
    EXPECT_NEAR(m.boundsMax.y - m.boundsMin.y, 0.5f, 1e-4f);
    EXPECT_NEAR(m.boundsMin.y, 0.0f, 1e-4f);
    ASSERT_EQ(m.images.size(), 1u);
    EXPECT_EQ(m.images[0].width, 16);
    EXPECT_EQ(m.images[0].height, 16);
    // The checker's first texel (top-left) is the orange square.
    EXPECT_EQ(m.images[0].rgba[0], 200);
    EXPECT_EQ(m.images[0].rgba[1], 120);
    ASSERT_EQ(m.parts.size(), 1u);
    EXPECT_EQ(m.parts[0].image, 0);
    EXPECT_EQ(m.parts[0].indexCount, 36u);
}

TEST(RenderModels, MissingOrBrokenFileIsAnError) {
    client::detail::LoadedModel m;
    std::string error;
    EXPECT_FALSE(client::detail::loadModel(kSourceDir + "/tests/render/data/missing.glb", m, &error));
    EXPECT_NE(error.find("missing.glb"), std::string::npos) << error;
    EXPECT_FALSE(client::detail::loadModel(kSourceDir + "/tests/render/data/make_test_assets.py", m, &error));
    EXPECT_FALSE(error.empty());
}

TEST(RenderModels, SampleAssetsLoad) {
    for (const char* name : {"spur_gear.glb", "crankshaft.glb", "forging_press.glb"}) {
        client::detail::LoadedModel m;
        std::string error;
        ASSERT_TRUE(client::detail::loadModel(kSourceDir + "/assets/models/" + name, m, &error)) << error;
        const glm::vec3 size = m.boundsMax - m.boundsMin;
        EXPECT_GT(std::max({size.x, size.y, size.z}), 0.05f) << name;
        EXPECT_LT(std::max({size.x, size.y, size.z}), 3.0f) << name << " should be in metres";
        // PBR factors survive: the parts are steel (metallic) somewhere.
        bool metal = false;
        for (const auto& v : m.vertices) metal = metal || v.material[0] > 128;
        EXPECT_TRUE(metal) << name;
    }
}

net::EventLayout smallLayout() {
    net::EventLayout ev;
    ev.hallSize = {30, 20};
    ev.zones = {{net::ZoneKind::Enterprise, {"企业展区", "Enterprise"}, {{1, 1}, {20, 10}}}};
    for (int i = 0; i < 4; ++i) {
        net::Booth b;
        b.id = {uint16_t(i)};
        b.owner.name = {"展商" + std::to_string(i), "Exhibitor " + std::to_string(i)};
        b.center = {4.0f + 7.0f * float(i % 2), 4.0f + 8.0f * float(i / 2)};
        b.facing = uint8_t(i);
        for (int e = 0; e <= i; ++e) b.exhibits.push_back({"models/spur_gear.glb"});
        ev.booths.push_back(b);
    }
    ev.stage.area = {{22, 2}, {28, 6}};
    ev.tables = {{{0}, {24, 14}, 5}};
    return ev;
}

TEST(RenderHallMesh, EveryCollisionBoxIsDrawnWhereItCollides) {
    const net::EventLayout ev = smallLayout();
    client::detail::HallMesh mesh;
    client::detail::buildHallMesh(ev, mesh);
    std::vector<net::HallPart> parts;
    net::buildHallParts(ev, parts);
    auto hasVertex = [&](float x, float y, float z) {
        return std::any_of(mesh.vertices.begin(), mesh.vertices.end(), [&](const client::detail::HallVertex& v) {
            return std::abs(v.pos[0] - x) < 1e-4f && std::abs(v.pos[1] - y) < 1e-4f && std::abs(v.pos[2] - z) < 1e-4f;
        });
    };
    int checked = 0;
    for (const net::HallPart& p : parts) {
        if (p.kind == net::PartKind::Table || p.kind == net::PartKind::StageEdge) continue;  // round / platform
        // The top corners of every box are vertices of the batch, and nothing drawn for it is higher.
        for (int k = 0; k < 4; ++k) {
            const float x = (k & 1) ? p.box.max[0] : p.box.min[0], z = (k & 2) ? p.box.max[2] : p.box.min[2];
            EXPECT_TRUE(hasVertex(x, p.box.max[1], z))
                << "part kind " << int(p.kind) << " owner " << p.owner << " corner " << x << "," << p.box.max[1] << "," << z;
            EXPECT_TRUE(hasVertex(x, 0.0f, z) || p.kind == net::PartKind::Wall) << "part kind " << int(p.kind);
        }
        ++checked;
    }
    EXPECT_EQ(checked, 4 + 4 * 2 + (1 + 2 + 3 + 4));
    // Booth parts carry their booth index for the hover highlight.
    std::set<int> booths;
    for (const auto& v : mesh.vertices) booths.insert(v.booth);
    EXPECT_EQ(booths, (std::set<int>{-1, 0, 1, 2, 3}));
}

TEST(RenderHallMesh, LabelsAndExhibitsArePlaced) {
    const net::EventLayout ev = smallLayout();
    client::detail::HallMesh mesh;
    client::detail::buildHallMesh(ev, mesh);
    // A backdrop name per booth, a sign per zone, the stage's screen.
    EXPECT_EQ(mesh.labels.size(), ev.booths.size() + ev.zones.size() + 1);
    ASSERT_EQ(mesh.exhibits.size(), 1u + 2u + 3u + 4u);
    for (const auto& x : mesh.exhibits) {
        const net::Vec2 spot = net::exhibitSpot(ev.booths[size_t(x.booth)], x.exhibit);
        EXPECT_FLOAT_EQ(x.spot.x, spot.x);
        EXPECT_FLOAT_EQ(x.spot.z, spot.y);
        EXPECT_FLOAT_EQ(x.spot.y, net::kPedestalHeight);
    }
    // Backdrop labels face the booth's aisle and sit on the backdrop's front face.
    for (const auto& l : mesh.labels) {
        if (l.kind != client::HallLabel::Kind::Backdrop) continue;
        const net::Booth& b = ev.booths[size_t(l.index)];
        const net::Vec2 front = net::boothToWorld(b, {0, 1});
        EXPECT_NEAR(l.normal.x, front.x - b.center.x, 1e-5f);
        EXPECT_NEAR(l.normal.z, front.y - b.center.y, 1e-5f);
        const net::Vec2 face = net::boothToWorld(b, {0, -b.size.y * 0.5f + net::kBackdropDepth});
        EXPECT_NEAR(l.center.x, face.x, 0.01f);
        EXPECT_NEAR(l.center.z, face.y, 0.01f);
    }
}

TEST(RenderAvatarMesh, IsLowPolyWithEveryPart) {
    std::vector<client::detail::AvatarVertex> vertices;
    std::vector<uint32_t> indices;
    client::detail::buildAvatarMesh(vertices, indices);
    EXPECT_LT(indices.size() / 3, 3000u);
    std::set<int> parts, slots;
    float top = 0;
    for (const auto& v : vertices) {
        parts.insert(v.part);
        slots.insert(v.slot);
        top = std::max(top, v.pos[1]);
    }
    EXPECT_EQ(parts.size(), 6u);
    EXPECT_EQ(slots.size(), 5u);
    EXPECT_NEAR(top, 1.82f, 0.05f);  // about 1.8 m tall
    for (uint32_t i : indices) ASSERT_LT(i, vertices.size());
}

}  // namespace
