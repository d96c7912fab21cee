// import_test.cpp: dockhall-bake's import (tools_bake) of every format the hall accepts, and what
// it does with bad input: truncated, corrupted, empty and wrong-extension files of each format,
// meshes without normals or UVs, zero meshes, enormous coordinates, missing and non-image
// textures. Each gives a clear error or a sensible repair; none crashes or hangs. The formats are
// written by Assimp's exporters from a dockhall-partgen crankshaft (19 named parts).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>
#include <assimp/scene.h>

#include "net/asset/baked.h"
#include "tools/bake/import.h"
#include "tools/partgen/partgen.h"
#include "tools/partgen/partgen_export.h"

namespace {

namespace fs = std::filesystem;
using tools::bake::ImportResult;
using tools::bake::importModel;

const std::string kSourceDir = DOCKHALL_SOURCE_DIR;
const std::string kBinDir = DOCKHALL_BIN_DIR;

fs::path workDir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("dockhall-import-test-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

std::vector<uint8_t> readAll(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void writeAll(const fs::path& p, const std::vector<uint8_t>& b) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

void writeText(const fs::path& p, const std::string& s) { writeAll(p, std::vector<uint8_t>(s.begin(), s.end())); }

// The crankshaft in every format Assimp can write; extension -> file.
const std::vector<std::pair<std::string, fs::path>>& sampleFiles() {
    static const auto files = [] {
        std::vector<std::pair<std::string, fs::path>> out;
        tools::PartScene scene;
        std::string error;
        tools::CrankshaftParams p;
        EXPECT_TRUE(tools::makeCrankshaft(p, scene, error)) << error;
        const fs::path glb = workDir() / "crankshaft.glb";
        EXPECT_TRUE(tools::writeModel(scene, glb.string(), error)) << error;
        Assimp::Importer im;
        const aiScene* s = im.ReadFile(glb.string(), 0);
        EXPECT_TRUE(s);
        Assimp::Exporter ex;
        const std::vector<std::pair<std::string, std::string>> formats = {
            {"glb2", ".glb"}, {"gltf2", ".gltf"}, {"obj", ".obj"}, {"stlb", ".stl"}, {"ply", ".ply"},
            {"3ds", ".3ds"},  {"collada", ".dae"}, {"fbxa", ".fbx"}};  // Assimp 5.2 cannot read its own binary FBX
        for (const auto& [id, ext] : formats) {
            const fs::path f = workDir() / ("sample" + ext);
            EXPECT_EQ(ex.Export(s, id, f.string()), AI_SUCCESS) << id << ": " << ex.GetErrorString();
            out.emplace_back(ext, f);
        }
        return out;
    }();
    return files;
}

TEST(Import, EveryFormatImportsAndBakes) {
    for (const auto& [ext, file] : sampleFiles()) {
        ImportResult r;
        std::string error;
        // Assimp's STL exporter writes the scene's metres as they are (a CAD file would be mm).
        const auto units = ext == ".stl" ? tools::bake::Units::Metres : tools::bake::Units::Auto;
        ASSERT_TRUE(importModel(file.string(), {units}, r, &error)) << ext << ": " << error;
        std::vector<uint8_t> baked;
        net::asset::BakeStats st;
        ASSERT_TRUE(net::asset::bake(r.model, {}, baked, &st, &error)) << ext << ": " << error;
        EXPECT_GT(st.triangles, 4000u) << ext;
        net::asset::BakedModel m;
        ASSERT_TRUE(net::asset::readBaked(baked, m, &error)) << ext << ": " << error;
        // The crankshaft is 500 mm long along x in every format, whatever unit the file used
        // (STL: millimetres, z up; the others: metres).
        EXPECT_NEAR(m.boundsMax[0] - m.boundsMin[0], 0.5f, 0.01f) << ext;
        EXPECT_GT(m.boundsMax[1] - m.boundsMin[1], 0.1f) << ext;  // y up
    }
}

TEST(Import, GlbKeepsNodeHierarchyAndMaterials) {
    ImportResult r;
    std::string error;
    ASSERT_TRUE(importModel(sampleFiles()[0].second.string(), {}, r, &error)) << error;
    ASSERT_GE(r.model.nodes.size(), 20u);
    bool foundPin = false;
    for (const auto& n : r.model.nodes) foundPin |= n.name == "crank_pin_1";
    EXPECT_TRUE(foundPin);
    EXPECT_EQ(r.model.meshes.size(), 19u);
    bool forged = false;
    for (const auto& m : r.model.materials)
        if (m.name == "forged_steel") {
            forged = true;
            EXPECT_GT(m.metallic, 0.5f);
            EXPECT_GT(m.roughness, 0.6f);
        }
    EXPECT_TRUE(forged);
}

TEST(Import, UnitsOptionScalesStl) {
    const fs::path stl = sampleFiles()[3].second;
    ImportResult mm, m;
    std::string error;
    ASSERT_TRUE(importModel(stl.string(), {tools::bake::Units::Millimetres}, mm, &error)) << error;
    ASSERT_TRUE(importModel(stl.string(), {tools::bake::Units::Metres}, m, &error)) << error;
    EXPECT_FLOAT_EQ(mm.unitScale, 0.001f);
    EXPECT_FLOAT_EQ(m.unitScale, 1.0f);
    tools::bake::Units u;
    EXPECT_TRUE(tools::bake::parseUnits("auto", u));
    EXPECT_FALSE(tools::bake::parseUnits("inch", u));
}

TEST(Import, EmptyAndMissingFilesAreClearErrors) {
    std::string error;
    ImportResult r;
    EXPECT_FALSE(importModel((workDir() / "nope.glb").string(), {}, r, &error));
    EXPECT_NE(error.find("no such file"), std::string::npos) << error;
    for (const auto& [ext, file] : sampleFiles()) {
        const fs::path empty = workDir() / ("empty" + ext);
        writeAll(empty, {});
        EXPECT_FALSE(importModel(empty.string(), {}, r, &error)) << ext;
        EXPECT_NE(error.find("empty file"), std::string::npos) << error;
        EXPECT_NE(error.find(empty.filename().string()), std::string::npos) << error;
    }
}

// A damaged file goes through the isolated baker (what dockhall-bake runs): whatever Assimp does
// with it, the answer is a baked model that reads back, or an error naming the file.
int importInChild(const fs::path& file) {
    tools::bake::IsolatedBake r;
    std::string error;
    if (!tools::bake::bakeFileIsolated(file.string(), {}, {}, r, &error, 120)) {
        EXPECT_NE(error.find(file.filename().string()), std::string::npos) << error;
        return 1;
    }
    net::asset::BakedModel m;
    return net::asset::readBaked(r.baked, m, &error) ? 0 : 4;
}

TEST(Import, AnImporterCrashIsReportedNotFatal) {
    // Assimp 5.2 asserts (abort) on a PLY cut short inside its face list; the caller survives.
    const fs::path ply = sampleFiles()[4].second;
    const auto bytes = readAll(ply);
    const fs::path cut = workDir() / "crash.ply";
    writeAll(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + ptrdiff_t(bytes.size() / 2)));
    tools::bake::IsolatedBake r;
    std::string error;
    if (!tools::bake::bakeFileIsolated(cut.string(), {}, {}, r, &error, 120)) {
        EXPECT_NE(error.find("crash.ply"), std::string::npos) << error;
    }
    // And a good file through the same path gives the same bytes as baking in-process.
    ASSERT_TRUE(tools::bake::bakeFileIsolated(sampleFiles()[0].second.string(), {}, {}, r, &error)) << error;
    ImportResult direct;
    ASSERT_TRUE(importModel(sampleFiles()[0].second.string(), {}, direct, &error)) << error;
    std::vector<uint8_t> baked;
    ASSERT_TRUE(net::asset::bake(direct.model, {}, baked, nullptr, &error)) << error;
    EXPECT_EQ(r.baked, baked);
}

TEST(Import, TruncatedFilesOfEveryFormatFailCleanlyOrRepair) {
    for (const auto& [ext, file] : sampleFiles()) {
        const auto bytes = readAll(file);
        for (double frac : {0.01, 0.1, 0.5, 0.9}) {
            const fs::path cut = workDir() / ("cut" + ext);
            writeAll(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + ptrdiff_t(double(bytes.size()) * frac)));
            const int rc = importInChild(cut);
            EXPECT_TRUE(rc == 0 || rc == 1) << ext << " cut to " << frac << ": exit " << rc;
        }
    }
}

TEST(Import, CorruptedFilesOfEveryFormatFailCleanlyOrRepair) {
    for (const auto& [ext, file] : sampleFiles()) {
        const auto bytes = readAll(file);
        for (uint32_t seed : {1u, 2u, 3u}) {
            auto bad = bytes;
            uint32_t x = seed * 2654435761u;
            for (int i = 0; i < 16; ++i) {
                x = x * 1664525u + 1013904223u;
                bad[x % bad.size()] = uint8_t(x >> 24);
            }
            const fs::path f = workDir() / ("bad" + ext);
            writeAll(f, bad);
            const int rc = importInChild(f);
            EXPECT_TRUE(rc == 0 || rc == 1) << ext << " corrupted (seed " << seed << "): exit " << rc;
        }
    }
}

TEST(Import, WrongExtensionIsReadByContentOrRefused) {
    // GLB bytes named .stl, STL bytes named .obj, a PNG named .glb: Assimp looks at the content.
    const auto& files = sampleFiles();
    writeAll(workDir() / "glb_as.stl", readAll(files[0].second));
    writeAll(workDir() / "stl_as.obj", readAll(files[3].second));
    writeAll(workDir() / "png_as.glb", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0});
    writeText(workDir() / "text_as.fbx", "this is a brochure, not a model\n");
    for (const char* name : {"glb_as.stl", "stl_as.obj", "png_as.glb", "text_as.fbx"}) {
        const int rc = importInChild(workDir() / name);
        EXPECT_TRUE(rc == 0 || rc == 1) << name << ": exit " << rc;
    }
    ImportResult r;
    std::string error;
    EXPECT_FALSE(importModel((workDir() / "text_as.fbx").string(), {}, r, &error));
    EXPECT_NE(error.find("text_as.fbx"), std::string::npos) << error;
}

TEST(Import, ObjWithoutNormalsOrUvsGetsNormals) {
    const fs::path obj = workDir() / "bare.obj";
    writeText(obj, "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3\nf 1 3 4\n");
    ImportResult r;
    std::string error;
    ASSERT_TRUE(importModel(obj.string(), {}, r, &error)) << error;
    ASSERT_EQ(r.model.meshes.size(), 1u);
    std::vector<uint8_t> baked;
    ASSERT_TRUE(net::asset::bake(r.model, {}, baked, nullptr, &error)) << error;
    net::asset::BakedModel m;
    ASSERT_TRUE(net::asset::readBaked(baked, m, &error));
    net::asset::DecodedMesh d;
    ASSERT_TRUE(net::asset::decodeMesh(m, 0, d, &error)) << error;
    for (size_t v = 0; v < d.normals.size() / 3; ++v) EXPECT_NEAR(std::abs(d.normals[v * 3 + 2]), 1.0f, 0.01f);
}

TEST(Import, DegenerateTrianglesAreDropped) {
    const fs::path obj = workDir() / "degenerate.obj";
    writeText(obj, "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 2 0 0\nf 1 2 3\nf 1 2 4\nf 1 1 2\n");
    ImportResult r;
    std::string error;
    ASSERT_TRUE(importModel(obj.string(), {}, r, &error)) << error;
    std::vector<uint8_t> baked;
    net::asset::BakeStats st;
    ASSERT_TRUE(net::asset::bake(r.model, {}, baked, &st, &error)) << error;
    EXPECT_EQ(st.triangles, 1u);
}

TEST(Import, ZeroMeshesAndEnormousCoordinatesAreClearErrors) {
    const fs::path points = workDir() / "points.obj";
    writeText(points, "v 0 0 0\nv 1 0 0\nv 1 1 0\n");
    ImportResult r;
    std::string error;
    EXPECT_FALSE(importModel(points.string(), {}, r, &error));
    EXPECT_NE(error.find("points.obj"), std::string::npos) << error;

    const fs::path far = workDir() / "far.obj";
    writeText(far, "v 0 0 0\nv 1e30 0 0\nv 0 1e30 0\nf 1 2 3\n");
    if (importModel(far.string(), {tools::bake::Units::Metres}, r, &error)) {
        std::vector<uint8_t> baked;
        EXPECT_FALSE(net::asset::bake(r.model, {}, baked, nullptr, &error));
        EXPECT_NE(error.find("out of range"), std::string::npos) << error;
    }
}

TEST(Import, MissingAndNonImageTexturesAreLeftOutWithANote) {
    const fs::path dir = workDir() / "textured";
    fs::create_directories(dir);
    writeText(dir / "box.mtl", "newmtl painted\nKd 0.8 0.2 0.1\nmap_Kd missing.png\nnewmtl labelled\nKd 1 1 1\nmap_Kd notes.png\n");
    writeText(dir / "notes.png", "not an image at all");
    writeText(dir / "box.obj",
              "mtllib box.mtl\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
              "usemtl painted\nf 1/1 2/2 3/3\nusemtl labelled\nf 1/1 3/3 4/4\n");
    ImportResult r;
    std::string error;
    ASSERT_TRUE(importModel((dir / "box.obj").string(), {}, r, &error)) << error;
    EXPECT_TRUE(r.model.textures.empty());
    ASSERT_GE(r.notes.size(), 2u);
    std::string all;
    for (const auto& n : r.notes) all += n + "\n";
    EXPECT_NE(all.find("missing.png"), std::string::npos) << all;
    EXPECT_NE(all.find("notes.png"), std::string::npos) << all;
    std::vector<uint8_t> baked;
    ASSERT_TRUE(net::asset::bake(r.model, {}, baked, nullptr, &error)) << error;
}

TEST(BakeTool, WritesAFileNamedByItsHashAndReportsJson) {
    const fs::path out = workDir() / "baked";
    fs::remove_all(out);
    const std::string cmd = kBinDir + "/dockhall-bake " + sampleFiles()[0].second.string() + " -o " + out.string() +
                            "/ --json > " + (workDir() / "bake.json").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    int files = 0;
    for (const auto& e : fs::directory_iterator(out)) {
        ++files;
        const auto bytes = readAll(e.path());
        EXPECT_EQ(e.path().filename().string(), net::asset::bakedFileName(bytes));
    }
    EXPECT_EQ(files, 1);
    const std::string bad = kBinDir + "/dockhall-bake " + (workDir() / "missing.stl").string() + " -o " +
                            (workDir() / "x.dhm").string() + " 2> " + (workDir() / "err.txt").string();
    EXPECT_NE(std::system(bad.c_str()), 0);
    const auto err = readAll(workDir() / "err.txt");
    EXPECT_NE(std::string(err.begin(), err.end()).find("missing.stl: no such file"), std::string::npos);
    EXPECT_FALSE(fs::exists(workDir() / "x.dhm"));
}

}  // namespace
