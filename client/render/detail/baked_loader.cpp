// detail/baked_loader.cpp: baked model -> LoadedModel, and the baked-file index lookup.
#include "client/render/detail/baked_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <nlohmann/json.hpp>
#include <stb_image.h>  // implementation in Debian's libstb

#include "net/asset/baked.h"

namespace client::detail {

namespace {

namespace fs = std::filesystem;

uint8_t linearToSrgb8(float c) {
    c = std::clamp(c, 0.0f, 1.0f);
    const float s = c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
    return uint8_t(std::lround(s * 255.0f));
}

uint8_t unit8(float f) { return uint8_t(std::lround(std::clamp(f, 0.0f, 1.0f) * 255.0f)); }

bool readFile(const std::string& path, std::vector<uint8_t>& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

// Decodes the base-colour textures; -1 for one that does not decode (drawn without it).
std::vector<int> decodeTextures(const net::asset::BakedModel& m, LoadedModel& out) {
    std::vector<int> imageOf(m.textures.size(), -1);
    std::vector<bool> used(m.textures.size(), false);
    for (const auto& mat : m.materials)
        if (mat.baseColorTexture >= 0) used[size_t(mat.baseColorTexture)] = true;
    for (size_t t = 0; t < m.textures.size(); ++t) {
        if (!used[t]) continue;
        const auto& bytes = m.textures[t].bytes;
        int w = 0, h = 0, n = 0;
        stbi_uc* px = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &n, 4);
        if (!px) {
            out.note = "texture '" + m.textures[t].name + "' does not decode; drawn without it";
            continue;
        }
        ModelImage img;
        img.width = w;
        img.height = h;
        img.rgba.assign(px, px + size_t(w) * size_t(h) * 4);
        stbi_image_free(px);
        imageOf[t] = int(out.images.size());
        out.images.push_back(std::move(img));
    }
    return imageOf;
}

}  // namespace

bool loadBakedModel(std::span<const uint8_t> bytes, LoadedModel& out, std::string* error) {
    out = LoadedModel{};
    net::asset::BakedModel m;
    if (!net::asset::readBaked(bytes, m, error)) return false;
    const std::vector<int> imageOf = decodeTextures(m, out);

    // One group per node that has triangles (at most 255: the rest share the last).
    std::map<uint32_t, uint8_t> groupOf;
    for (const auto& mesh : m.meshes)
        if (!groupOf.count(mesh.node)) {
            const uint8_t g = uint8_t(std::min<size_t>(out.groups.size(), 254));
            groupOf[mesh.node] = g;
            if (g == out.groups.size())
                out.groups.push_back({m.nodes[mesh.node].name, glm::vec3(1e30f), glm::vec3(-1e30f)});
        }

    const size_t levels = m.lodLevels();
    // Per LOD, per image (-1 = none): the index list.
    std::vector<std::map<int, std::vector<uint32_t>>> lodGroups(levels);
    for (size_t i = 0; i < m.meshes.size(); ++i) {
        const auto& bm = m.meshes[i];
        net::asset::DecodedMesh d;
        if (!net::asset::decodeMesh(m, i, d, error)) return false;
        net::asset::Material mat;
        if (bm.material >= 0) mat = m.materials[size_t(bm.material)];
        const int image = mat.baseColorTexture >= 0 ? imageOf[size_t(mat.baseColorTexture)] : -1;
        const uint8_t group = groupOf[bm.node];
        ModelGroup& g = out.groups[group];
        g.boundsMin = glm::min(g.boundsMin, glm::vec3(bm.boundsMin[0], bm.boundsMin[1], bm.boundsMin[2]));
        g.boundsMax = glm::max(g.boundsMax, glm::vec3(bm.boundsMax[0], bm.boundsMax[1], bm.boundsMax[2]));
        ModelVertex proto{};
        for (int k = 0; k < 3; ++k) proto.color[k] = linearToSrgb8(mat.baseColor[size_t(k)]);
        proto.color[3] = unit8(mat.baseColor[3]);
        proto.material[0] = unit8(mat.metallic);
        proto.material[1] = unit8(mat.roughness);
        proto.material[2] = unit8(std::max({mat.emissive[0], mat.emissive[1], mat.emissive[2]}));
        proto.material[3] = group;
        const uint32_t base = uint32_t(out.vertices.size());
        const size_t vc = d.positions.size() / 3;
        out.vertices.resize(base + vc, proto);
        for (size_t v = 0; v < vc; ++v) {
            ModelVertex& x = out.vertices[base + v];
            std::copy_n(&d.positions[v * 3], 3, x.pos);
            std::copy_n(&d.normals[v * 3], 3, x.normal);
            if (!d.uvs.empty()) std::copy_n(&d.uvs[v * 2], 2, x.uv);
        }
        for (size_t l = 0; l < levels; ++l) {
            const auto& src = d.lodIndices[std::min(l, d.lodIndices.size() - 1)];
            auto& dst = lodGroups[l][image];
            dst.reserve(dst.size() + src.size());
            for (uint32_t idx : src) dst.push_back(base + idx);
        }
    }
    out.lods.resize(levels);
    for (size_t l = 0; l < levels; ++l) {
        for (const auto& bm : m.meshes) out.lods[l].error = std::max(out.lods[l].error, bm.lods[std::min(l, bm.lods.size() - 1)].error);
        for (auto& [image, idx] : lodGroups[l]) {
            out.lods[l].parts.push_back({uint32_t(out.indices.size()), uint32_t(idx.size()), image});
            out.indices.insert(out.indices.end(), idx.begin(), idx.end());
        }
    }
    out.parts = out.lods[0].parts;
    out.boundsMin = {m.boundsMin[0], m.boundsMin[1], m.boundsMin[2]};
    out.boundsMax = {m.boundsMax[0], m.boundsMax[1], m.boundsMax[2]};
    return true;
}

BakedLookup findBakedFile(const std::string& assetsDir, const std::string& asset, std::string& bakedPath) {
    const fs::path source = fs::path(assetsDir) / asset;
    if (source.extension() == ".dhm") {
        bakedPath = source.string();
        return BakedLookup::Found;
    }
    const fs::path dir = source.parent_path() / "baked";
    std::ifstream f(dir / "index.json");
    if (!f) return BakedLookup::NotBaked;
    const nlohmann::json index = nlohmann::json::parse(f, nullptr, false);
    const std::string key = source.filename().string();
    if (!index.is_object() || !index.contains(key) || !index[key].is_object()) return BakedLookup::NotBaked;
    const nlohmann::json& e = index[key];
    const std::string baked = e.value("baked", ""), sourceHash = e.value("source_blake2b", "");
    if (baked.empty() || baked.find('/') != std::string::npos || !fs::is_regular_file(dir / baked)) return BakedLookup::NotBaked;
    std::vector<uint8_t> bytes;
    if (readFile(source.string(), bytes) && net::asset::blake2bHex(bytes) != sourceHash) return BakedLookup::Stale;
    bakedPath = (dir / baked).string();
    return BakedLookup::Found;
}

bool loadExhibitModel(const std::string& assetsDir, const std::string& asset, LoadedModel& out, std::string* error) {
    std::string baked;
    const BakedLookup found = findBakedFile(assetsDir, asset, baked);
    const std::string source = (fs::path(assetsDir) / asset).string();
    if (found == BakedLookup::Found) {
        std::vector<uint8_t> bytes;
        if (!readFile(baked, bytes)) {
            if (error) *error = baked + ": cannot read";
            return false;
        }
        std::string why;
        if (loadBakedModel(bytes, out, &why)) return true;
        if (error) *error = baked + ": " + why;
        return false;
    }
    if (!loadModel(source, out, error)) return false;
    const std::string why = found == BakedLookup::Stale ? "changed since it was baked" : "not baked";
    out.note = why + ": imported at start-up (run dockhall-bake)" + (out.note.empty() ? "" : "; " + out.note);
    return true;
}

}  // namespace client::detail
