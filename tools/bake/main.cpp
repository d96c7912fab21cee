// dockhall-bake: imports models (anything Assimp reads) and writes baked .dhm files.
//
//   dockhall-bake IN -o OUT.dhm [--json] [--units mm|m|auto]
//   dockhall-bake IN... -o DIR/ [--index DIR/index.json]     one <BLAKE2b>.dhm per input
//
// With a directory as output each file is named by its content hash; --index records, per input
// file name, the baked file and the BLAKE2b of the source it came from (what the client reads to
// find the baked version of an exhibit). --json prints a summary per model on stdout.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "net/asset/baked.h"
#include "tools/bake/import.h"

namespace {

namespace fs = std::filesystem;

bool readAll(const std::string& path, std::vector<uint8_t>& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

bool writeAll(const std::string& path, const std::vector<uint8_t>& bytes) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()))) return false;
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);  // never leaves half a file under the real name
    return !ec;
}

// Bakes one input; fills `summary`. False with a message.
bool bakeOne(const std::string& in, const std::string& out, bool outIsDir, tools::bake::Units units,
             nlohmann::json& summary, std::string& written, std::string& error) {
    // Assimp runs in a child process: a file that makes it crash or hang is reported, not fatal.
    tools::bake::IsolatedBake imported;
    if (!tools::bake::bakeFileIsolated(in, {units}, {}, imported, &error)) return false;
    const std::vector<uint8_t>& bytes = imported.baked;
    const net::asset::BakeStats& st = imported.stats;
    const std::string name = net::asset::bakedFileName(bytes);
    written = outIsDir ? (fs::path(out) / name).string() : out;
    if (!writeAll(written, bytes)) {
        error = written + ": cannot write";
        return false;
    }
    net::asset::BakedModel m;
    net::asset::readBaked(bytes, m, nullptr);
    std::vector<uint8_t> source;
    readAll(in, source);
    nlohmann::json lods = nlohmann::json::array();
    for (size_t l = 0; l < m.lodLevels(); ++l) lods.push_back(m.triangles(l));
    const nlohmann::json notes = imported.notes;
    summary = {{"input", in},
               {"output", written},
               {"blake2b", name.substr(0, name.size() - 4)},
               {"source_blake2b", net::asset::blake2bHex(source)},
               {"bytes", bytes.size()},
               {"triangles", st.triangles},
               {"input_triangles", st.inputTriangles},
               {"vertices", st.vertices},
               {"meshes", m.meshes.size()},
               {"nodes", m.nodes.size()},
               {"materials", m.materials.size()},
               {"textures", m.textures.size()},
               {"lod_triangles", lods},
               {"acmr", st.acmr},
               {"unit_scale", imported.unitScale},
               {"size_mm", {(m.boundsMax[0] - m.boundsMin[0]) * 1000, (m.boundsMax[1] - m.boundsMin[1]) * 1000,
                            (m.boundsMax[2] - m.boundsMin[2]) * 1000}},
               {"notes", notes}};
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"dockhall-bake: model files -> baked .dhm (meshoptimizer codecs, LODs, PBR materials)"};
    std::vector<std::string> inputs;
    std::string out, index, unitsText = "auto";
    bool json = false;
    app.add_option("inputs", inputs, "model files (glTF/GLB, OBJ, FBX, STL, PLY, 3DS, DAE, ...)")->required();
    app.add_option("-o,--output", out, "OUT.dhm, or a directory (ending in /) for <hash>.dhm names")->required();
    app.add_option("--units", unitsText, "mm, m or auto (glTF: m; STL: mm; others: mm when over 50 units)");
    app.add_option("--index", index, "JSON index to update: source file name -> baked file");
    app.add_flag("--json", json, "print a JSON summary");
    CLI11_PARSE(app, argc, argv);

    tools::bake::Units units;
    if (!tools::bake::parseUnits(unitsText, units)) {
        std::cerr << "dockhall-bake: --units must be mm, m or auto\n";
        return 2;
    }
    const bool outIsDir = fs::is_directory(out) || out.ends_with('/');
    if (inputs.size() > 1 && !outIsDir) {
        std::cerr << "dockhall-bake: several inputs need a directory as output\n";
        return 2;
    }
    if (outIsDir) fs::create_directories(out);

    nlohmann::json idx = nlohmann::json::object();
    if (!index.empty()) {
        std::ifstream f(index);
        if (f) idx = nlohmann::json::parse(f, nullptr, false);
        if (!idx.is_object()) idx = nlohmann::json::object();
    }
    nlohmann::json all = nlohmann::json::array();
    int failures = 0;
    for (const std::string& in : inputs) {
        nlohmann::json summary;
        std::string written, error;
        if (!bakeOne(in, out, outIsDir, units, summary, written, error)) {
            std::cerr << "dockhall-bake: " << error << "\n";
            ++failures;
            continue;
        }
        if (!index.empty())
            idx[fs::path(in).filename().string()] = {{"baked", fs::path(written).filename().string()},
                                                    {"source_blake2b", summary["source_blake2b"]}};
        if (!json) std::cerr << in << " -> " << written << " (" << summary["triangles"] << " triangles)\n";
        all.push_back(std::move(summary));
    }
    if (!index.empty()) {
        std::ofstream f(index, std::ios::trunc);
        f << idx.dump(2) << "\n";
    }
    if (json) std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
    return failures ? 1 : 0;
}
