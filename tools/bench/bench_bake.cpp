// bench_bake.cpp: `dockhall-bench bake`: the model pipeline on one big part.
//
//   dockhall-bench bake --triangles 1000000 --json bake.json [--model FILE] [--runs 5]
//
// Generates a forged ring with a knurled surface of about N triangles (smooth, closed, indexed),
// writes it as GLB through dockhall-partgen's exporter (or takes --model FILE), then measures:
//   assimp_import_ms  Assimp ReadFile with the post-processing a renderer needs (triangulate,
//                     smooth normals, join identical vertices, pre-transform, sort by type)
//   bake_ms           net::asset::bake() of the imported model: clean, quantize, weld, vertex cache
//                     and fetch order, LOD chain, codecs, checksum (import not included)
//   load_ms           baked bytes in memory -> GPU-ready float positions/normals/uvs and index
//                     lists of every LOD: readBaked (checksum verified) + decodeMesh; median of runs
//   bytes_per_triangle  encoded vertex + LOD 0 index bytes / LOD 0 triangles (file_bytes_per_
//                     triangle: the whole file, all LODs, over LOD 0 triangles)
//   load_cpu_ms       the same as CPU time of the loading thread (steadier on a shared machine)
//   acmr              LOD 0, 16-entry FIFO vertex cache (meshopt_analyzeVertexCache)
//   lod_levels, lod_triangles  the chain's levels and their triangle counts
//   lod_triangles_per_second  LOD 0 triangles / CPU time the simplifier took for the whole chain
//                     (on a shared machine the wall clock mostly measures waiting: _wall has it)
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <nlohmann/json.hpp>

#include "net/asset/baked.h"
#include "tools/bake/import.h"
#include "tools/bench/bench.h"
#include "tools/partgen/partgen.h"
#include "tools/partgen/partgen_export.h"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPi = std::numbers::pi;

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double threadCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// A ring (major radius 300 mm, section radius 60 mm) with a knurled surface, about `triangles`.
tools::PartScene knurledRing(size_t triangles) {
    const size_t quads = std::max<size_t>(triangles / 2, 64);
    const size_t v = std::max<size_t>(8, size_t(std::sqrt(double(quads) / 4.0)));
    const size_t u = std::max<size_t>(8, quads / v);
    auto point = [](double a, double b) {
        const double r = 60.0 * (1.0 + 0.04 * std::sin(48 * a) * std::sin(12 * b));
        const double R = 300.0 + r * std::cos(b);
        return std::array<double, 3>{R * std::cos(a), r * std::sin(b), R * std::sin(a)};
    };
    tools::PartScene s;
    s.name = "knurled_ring";
    s.materials.push_back(tools::forgedSteel());
    tools::Part part;
    part.name = "ring";
    tools::Mesh& m = part.mesh;
    const double e = 1e-5;
    for (size_t i = 0; i < u; ++i)
        for (size_t j = 0; j < v; ++j) {
            const double a = 2 * kPi * double(i) / double(u), b = 2 * kPi * double(j) / double(v);
            const auto p = point(a, b), pa = point(a + e, b), pb = point(a, b + e);
            const double da[3] = {pa[0] - p[0], pa[1] - p[1], pa[2] - p[2]};
            const double db[3] = {pb[0] - p[0], pb[1] - p[1], pb[2] - p[2]};
            double n[3] = {db[1] * da[2] - db[2] * da[1], db[2] * da[0] - db[0] * da[2], db[0] * da[1] - db[1] * da[0]};
            const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            m.positions.push_back({float(p[0]), float(p[1] + 60.0), float(p[2])});
            m.normals.push_back({float(n[0] / len), float(n[1] / len), float(n[2] / len)});
        }
    for (size_t i = 0; i < u; ++i)
        for (size_t j = 0; j < v; ++j) {
            const uint32_t a = uint32_t(i * v + j), b = uint32_t(((i + 1) % u) * v + j);
            const uint32_t c = uint32_t(((i + 1) % u) * v + (j + 1) % v), d = uint32_t(i * v + (j + 1) % v);
            m.indices.insert(m.indices.end(), {a, d, c, a, c, b});
        }
    s.parts.push_back(std::move(part));
    return s;
}

bool readAll(const std::string& path, std::vector<uint8_t>& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

}  // namespace

int bake(int argc, char** argv) {
    CLI::App app{"dockhall-bench bake: import, bake and load one big part"};
    size_t triangles = 1'000'000;
    int runs = 5;
    std::string jsonPath, modelPath;
    app.add_option("--triangles", triangles, "triangles of the generated part")->check(CLI::Range(size_t(128), size_t(20'000'000)));
    app.add_option("--model", modelPath, "bake this model file instead of a generated part");
    app.add_option("--runs", runs, "load measurements (the median is reported)")->check(CLI::Range(1, 100));
    app.add_option("--json", jsonPath, "write the figures here as JSON (they are printed on stdout too)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    double loadAverage = -1;
    getloadavg(&loadAverage, 1);
    std::string error;
    std::string path = modelPath;
    if (path.empty()) {
        path = (std::filesystem::temp_directory_path() / ("dockhall-bench-bake-" + std::to_string(triangles) + ".glb")).string();
        if (!tools::writeModel(knurledRing(triangles), path, error)) {
            std::fprintf(stderr, "dockhall-bench bake: %s\n", error.c_str());
            return 1;
        }
    }

    // Assimp, as a renderer loading the source at start-up would run it.
    auto t0 = Clock::now();
    {
        Assimp::Importer importer;
        const aiScene* scene = importer.ReadFile(path, aiProcess_Triangulate | aiProcess_GenSmoothNormals |
                                                           aiProcess_JoinIdenticalVertices | aiProcess_PreTransformVertices |
                                                           aiProcess_SortByPType | aiProcess_FindInvalidData);
        if (!scene) {
            std::fprintf(stderr, "dockhall-bench bake: %s: %s\n", path.c_str(), importer.GetErrorString());
            return 1;
        }
    }
    const double assimpMs = msSince(t0);

    tools::bake::ImportResult imported;
    if (!tools::bake::importModel(path, {}, imported, &error)) {
        std::fprintf(stderr, "dockhall-bench bake: %s\n", error.c_str());
        return 1;
    }
    std::vector<uint8_t> baked;
    net::asset::BakeStats st;
    t0 = Clock::now();
    if (!net::asset::bake(imported.model, {}, baked, &st, &error)) {
        std::fprintf(stderr, "dockhall-bench bake: %s\n", error.c_str());
        return 1;
    }
    const double bakeMs = msSince(t0);

    std::vector<double> loads, loadsCpu;
    net::asset::BakedModel model;
    for (int r = 0; r < runs; ++r) {
        const double c0 = threadCpuMs();
        t0 = Clock::now();
        if (!net::asset::readBaked(baked, model, &error)) {
            std::fprintf(stderr, "dockhall-bench bake: %s\n", error.c_str());
            return 1;
        }
        for (size_t i = 0; i < model.meshes.size(); ++i) {
            net::asset::DecodedMesh d;
            if (!net::asset::decodeMesh(model, i, d, &error)) {
                std::fprintf(stderr, "dockhall-bench bake: %s\n", error.c_str());
                return 1;
            }
        }
        loads.push_back(msSince(t0));
        loadsCpu.push_back(threadCpuMs() - c0);
    }
    std::sort(loads.begin(), loads.end());
    std::sort(loadsCpu.begin(), loadsCpu.end());
    const double loadMs = loads[loads.size() / 2];
    nlohmann::json lodTris = nlohmann::json::array();
    for (size_t l = 0; l < model.lodLevels(); ++l) lodTris.push_back(model.triangles(l));
    std::vector<uint8_t> source;
    readAll(path, source);
    const double tris = double(std::max<uint64_t>(st.triangles, 1));
    nlohmann::json out = {
        {"model", modelPath.empty() ? "generated knurled ring (GLB)" : modelPath},
        {"triangles", st.triangles},
        {"vertices", st.vertices},
        {"source_bytes", source.size()},
        {"baked_bytes", baked.size()},
        {"assimp_import_ms", assimpMs},
        {"bake_ms", bakeMs},
        {"load_ms", loadMs},
        {"load_cpu_ms", loadsCpu[loadsCpu.size() / 2]},
        {"load_speedup", loadMs > 0 ? assimpMs / loadMs : 0.0},
        {"bytes_per_triangle", double(st.lod0Bytes) / tris},
        {"file_bytes_per_triangle", double(baked.size()) / tris},
        {"acmr", st.acmr},
        {"lod_levels", st.lodLevels},
        {"lod_triangles", lodTris},
        {"lod_ms", st.lodMs},
        {"lod_cpu_ms", st.lodCpuMs},
        {"lod_triangles_per_second", st.lodCpuMs > 0 ? tris / (st.lodCpuMs / 1000.0) : 0.0},
        {"lod_triangles_per_second_wall", st.lodMs > 0 ? tris / (st.lodMs / 1000.0) : 0.0},
        {"load_average_before", loadAverage},
        {"timing", "wall clock, one thread; load_ms: median of runs, readBaked (checksum) + decodeMesh of all LODs; "
                   "lod_triangles_per_second: LOD 0 triangles / CPU time of the whole chain (_wall: wall clock)"},
    };
    if (!writeFigures(out, jsonPath, "bake")) return 1;
    if (modelPath.empty()) std::filesystem::remove(path);
    return 0;
}

}  // namespace bench
