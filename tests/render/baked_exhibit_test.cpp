// The hall's exhibits come from baked files: every sample model has an up-to-date baked version
// (its index entry matches the source's BLAKE2b and the file is named by its own hash), the baked
// model decodes into levels of detail and node groups, a stale or broken baked file is never used
// silently, and through the real renderer a far exhibit is drawn with a coarser level.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "client/render/detail/baked_loader.h"
#include "client/render/headless_gl.h"
#include "client/render/renderer.h"
#include "net/asset/baked.h"

namespace {

namespace fs = std::filesystem;
const std::string kSourceDir = DOCKHALL_SOURCE_DIR;

std::vector<uint8_t> readAll(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(BakedExhibits, EverySampleModelHasAnUpToDateBakedFile) {
    for (const char* dir : {"assets/models", "tests/render/data"}) {
        const fs::path models = fs::path(kSourceDir) / dir;
        std::ifstream f(models / "baked" / "index.json");
        ASSERT_TRUE(f) << dir << "/baked/index.json";
        const auto index = nlohmann::json::parse(f);
        for (const auto& e : fs::directory_iterator(models)) {
            const std::string ext = e.path().extension().string();
            if (ext != ".glb" && ext != ".gltf" && ext != ".stl") continue;
            const std::string name = e.path().filename().string();
            ASSERT_TRUE(index.contains(name)) << name << " is not baked: run dockhall-bake (see assets/README.md)";
            EXPECT_EQ(index[name]["source_blake2b"], net::asset::blake2bHex(readAll(e.path())))
                << name << " changed since it was baked: run dockhall-bake again";
            const auto baked = readAll(models / "baked" / index[name]["baked"].get<std::string>());
            EXPECT_EQ(net::asset::bakedFileName(baked), index[name]["baked"]) << name;
        }
    }
}

TEST(BakedExhibits, CrankshaftDecodesWithLevelsAndNodeGroups) {
    client::detail::LoadedModel m;
    std::string error;
    ASSERT_TRUE(client::detail::loadExhibitModel(kSourceDir + "/assets", "models/mud_pump_crankshaft.glb", m, &error)) << error;
    EXPECT_TRUE(m.note.empty()) << m.note;  // baked: no Assimp at start-up
    EXPECT_EQ(m.groups.size(), 15u);       // one per named part
    ASSERT_FALSE(m.lods.empty());
    EXPECT_EQ(m.lods[0].parts.size(), m.parts.size());
    EXPECT_NEAR(m.boundsMax.x - m.boundsMin.x, 0.870f, 0.002f);  // true size, metres
    uint32_t lod0 = 0;
    for (const auto& p : m.lods[0].parts) lod0 += p.indexCount;
    EXPECT_EQ(lod0 / 3, 6000u);
    for (const auto& v : m.vertices) ASSERT_LT(v.material[3], m.groups.size());
}

TEST(BakedExhibits, StaleOrBrokenBakedFilesAreNotUsedSilently) {
    const fs::path dir = fs::temp_directory_path() / ("dockhall-baked-exhibit-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "models");
    fs::copy(fs::path(kSourceDir) / "tests/render/data/hex_nut.stl", dir / "models/hex_nut.stl");
    fs::copy(fs::path(kSourceDir) / "tests/render/data/baked", dir / "models/baked");
    client::detail::LoadedModel m;
    std::string error;
    ASSERT_TRUE(client::detail::loadExhibitModel(dir.string(), "models/hex_nut.stl", m, &error)) << error;
    EXPECT_TRUE(m.note.empty()) << m.note;

    // The source changes: the baked file is stale, the source is imported with a note.
    {
        std::ofstream f(dir / "models/hex_nut.stl", std::ios::app | std::ios::binary);
        f << '\0';
    }
    ASSERT_TRUE(client::detail::loadExhibitModel(dir.string(), "models/hex_nut.stl", m, &error)) << error;
    EXPECT_NE(m.note.find("changed since it was baked"), std::string::npos) << m.note;

    // A damaged baked file named directly: a clear error, no model.
    std::string baked;
    fs::copy(fs::path(kSourceDir) / "tests/render/data/hex_nut.stl", dir / "models/hex_nut.stl", fs::copy_options::overwrite_existing);
    ASSERT_EQ(client::detail::findBakedFile(dir.string(), "models/hex_nut.stl", baked), client::detail::BakedLookup::Found);
    auto bytes = readAll(baked);
    bytes[bytes.size() / 2] ^= 0x55;
    std::ofstream(baked, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    EXPECT_FALSE(client::detail::loadExhibitModel(dir.string(), "models/hex_nut.stl", m, &error));
    EXPECT_NE(error.find("checksum"), std::string::npos) << error;
    fs::remove_all(dir);
}

TEST(BakedExhibits, FarExhibitsUseCoarserLevels) {
    std::string error;
    auto gl = client::HeadlessGl::create(&error);
    if (!gl) GTEST_SKIP() << "no OpenGL: " << error;
    net::EventLayout ev;
    ev.name = {"细节层次", "Levels of detail"};
    ev.hallSize = {40, 200};
    ev.spawn = {20, 190};
    ev.zones = {{net::ZoneKind::Enterprise, {"企业展区", "Enterprise exhibits"}, {{1, 1}, {39, 199}}}};
    net::Booth b;
    b.id = {0};
    b.zone = 0;
    b.owner = {{"测试企业", "Test Enterprise"}, net::OrgKind::Enterprise};
    b.center = {20.0f, 4.0f};
    net::Exhibit e;
    e.asset = "models/coil_spring.glb";  // 9,248 triangles, several levels
    b.exhibits = {e};
    ev.booths.push_back(b);
    client::Renderer r;
    ASSERT_TRUE(r.init(ev, {.assetsDir = kSourceDir + "/assets"}, &error)) << error;
    client::OffscreenTarget target;
    ASSERT_TRUE(target.create(640, 360, 1, &error)) << error;
    target.bind();
    auto frame = [&](float distance) {
        client::CameraView cam;
        cam.target = {20, 1.1f, 6.2f};
        cam.eye = {20, 1.3f, 6.2f + distance};
        r.render(cam, {}, 640, 360);
        return r.lastFrameStats();
    };
    const client::FrameStats nearFrame = frame(0.8f), farFrame = frame(150.0f);
    EXPECT_EQ(nearFrame.exhibitsDrawn, 1);
    EXPECT_EQ(farFrame.exhibitsDrawn, 1);
    EXPECT_EQ(farFrame.exhibitsAtCoarserLod, 1);
    EXPECT_LT(farFrame.exhibitTriangles, nearFrame.exhibitTriangles);
    EXPECT_EQ(farFrame.glErrors, 0);
}

}  // namespace
