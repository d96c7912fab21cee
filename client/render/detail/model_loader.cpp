// detail/model_loader.cpp: Assimp import, material factors, embedded and external textures.
#include "client/render/detail/model_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <assimp/Importer.hpp>
#include <assimp/material.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <stb_image.h>  // implementation in Debian's libstb

#include "client/render/detail/mesh_builder.h"

namespace client::detail {

namespace {

uint8_t linearToSrgb8(float c) {
    c = std::clamp(c, 0.0f, 1.0f);
    const float s = c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
    return uint8_t(std::lround(s * 255.0f));
}

uint8_t unit8(float f) { return uint8_t(std::lround(std::clamp(f, 0.0f, 1.0f) * 255.0f)); }

struct MaterialInfo {
    aiColor4D base{0.8f, 0.8f, 0.8f, 1.0f};  // linear
    float metallic = 0.0f, roughness = 0.6f, emissive = 0.0f;
    int image = -1;
};

bool loadImage(const aiScene* scene, const std::string& modelDir, const aiString& texPath, ModelImage& img) {
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = nullptr;
    if (const aiTexture* t = scene->GetEmbeddedTexture(texPath.C_Str())) {
        if (t->mHeight == 0) {  // compressed (PNG/JPEG) bytes
            pixels = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(t->pcData), int(t->mWidth), &w, &h, &n, 4);
        } else {                // raw BGRA texels
            img.width = int(t->mWidth);
            img.height = int(t->mHeight);
            img.rgba.resize(size_t(img.width) * size_t(img.height) * 4);
            for (size_t i = 0; i < size_t(img.width) * size_t(img.height); ++i) {
                const aiTexel& x = t->pcData[i];
                img.rgba[i * 4 + 0] = x.r; img.rgba[i * 4 + 1] = x.g; img.rgba[i * 4 + 2] = x.b; img.rgba[i * 4 + 3] = x.a;
            }
            return true;
        }
    } else {
        const std::string file = (std::filesystem::path(modelDir) / texPath.C_Str()).string();
        pixels = stbi_load(file.c_str(), &w, &h, &n, 4);
    }
    if (!pixels) return false;
    img.width = w;
    img.height = h;
    img.rgba.assign(pixels, pixels + size_t(w) * size_t(h) * 4);
    stbi_image_free(pixels);
    return true;
}

MaterialInfo readMaterial(const aiScene* scene, const aiMaterial* m, const std::string& modelDir, LoadedModel& out,
                          std::map<std::string, int>& imageIds) {
    MaterialInfo info;
    aiColor4D c;
    if (m->Get(AI_MATKEY_BASE_COLOR, c) == AI_SUCCESS) info.base = c;
    else if (m->Get(AI_MATKEY_COLOR_DIFFUSE, c) == AI_SUCCESS) info.base = c;
    float f = 0;
    bool pbr = false;
    if (m->Get(AI_MATKEY_METALLIC_FACTOR, f) == AI_SUCCESS) { info.metallic = f; pbr = true; }
    if (m->Get(AI_MATKEY_ROUGHNESS_FACTOR, f) == AI_SUCCESS) { info.roughness = f; pbr = true; }
    if (!pbr) {
        // Phong materials: a shininess exponent maps roughly to roughness.
        float shininess = 0;
        if (m->Get(AI_MATKEY_SHININESS, shininess) == AI_SUCCESS && shininess > 0)
            info.roughness = std::clamp(std::sqrt(2.0f / (shininess + 2.0f)), 0.05f, 1.0f);
    }
    aiColor3D e;
    if (m->Get(AI_MATKEY_COLOR_EMISSIVE, e) == AI_SUCCESS) info.emissive = std::max({e.r, e.g, e.b});
    aiString texPath;
    if (m->GetTexture(aiTextureType_BASE_COLOR, 0, &texPath) == AI_SUCCESS ||
        m->GetTexture(aiTextureType_DIFFUSE, 0, &texPath) == AI_SUCCESS) {
        auto it = imageIds.find(texPath.C_Str());
        if (it != imageIds.end()) {
            info.image = it->second;
        } else {
            ModelImage img;
            if (loadImage(scene, modelDir, texPath, img)) {
                info.image = int(out.images.size());
                out.images.push_back(std::move(img));
            } else {
                out.note = std::string("texture ") + texPath.C_Str() + " unreadable; drawn without it";
            }
            imageIds.emplace(texPath.C_Str(), info.image);
        }
    }
    return info;
}

std::string lower(std::string s) {
    for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

}  // namespace

bool loadModel(const std::string& path, LoadedModel& out, std::string* error) {
    out = LoadedModel{};
    if (!std::filesystem::is_regular_file(path)) {
        if (error) *error = path + ": no such file";
        return false;
    }
    Assimp::Importer importer;
    importer.SetPropertyInteger(AI_CONFIG_PP_SBP_REMOVE, aiPrimitiveType_POINT | aiPrimitiveType_LINE);
    const unsigned flags = aiProcess_Triangulate | aiProcess_GenSmoothNormals | aiProcess_JoinIdenticalVertices |
                           aiProcess_PreTransformVertices | aiProcess_SortByPType | aiProcess_FindInvalidData;
    const aiScene* scene = importer.ReadFile(path, flags);
    if (!scene || !scene->mRootNode || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) || scene->mNumMeshes == 0) {
        if (error) *error = path + ": cannot read the model (" + importer.GetErrorString() + ")";
        return false;
    }
    const std::string ext = lower(std::filesystem::path(path).extension().string());
    const bool stl = ext == ".stl";
    const std::string dir = std::filesystem::path(path).parent_path().string();

    std::map<std::string, int> imageIds;
    std::vector<MaterialInfo> materials;
    for (unsigned i = 0; i < scene->mNumMaterials; ++i) {
        materials.push_back(readMaterial(scene, scene->mMaterials[i], dir, out, imageIds));
        if (stl) {  // STL carries no material: CAD parts are shown as machined steel
            materials.back().base = aiColor4D(0.62f, 0.63f, 0.65f, 1.0f);
            materials.back().metallic = 0.85f;
            materials.back().roughness = 0.38f;
        }
    }

    // Group meshes by texture so each group is one draw.
    std::map<int, std::vector<uint32_t>> groups;
    glm::vec3 mn(1e30f), mx(-1e30f);
    for (unsigned mi = 0; mi < scene->mNumMeshes; ++mi) {
        const aiMesh* mesh = scene->mMeshes[mi];
        if (!(mesh->mPrimitiveTypes & aiPrimitiveType_TRIANGLE) || !mesh->HasNormals()) continue;
        const MaterialInfo mat = mesh->mMaterialIndex < materials.size() ? materials[mesh->mMaterialIndex] : MaterialInfo{};
        const uint32_t base = uint32_t(out.vertices.size());
        for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
            ModelVertex x{};
            aiVector3D p = mesh->mVertices[v], n = mesh->mNormals[v];
            if (stl) {  // z up -> y up
                p = aiVector3D(p.x, p.z, -p.y);
                n = aiVector3D(n.x, n.z, -n.y);
            }
            x.pos[0] = p.x; x.pos[1] = p.y; x.pos[2] = p.z;
            const float len = std::sqrt(n.x * n.x + n.y * n.y + n.z * n.z);
            const float inv = len > 0 ? 1.0f / len : 0.0f;
            x.normal[0] = n.x * inv; x.normal[1] = len > 0 ? n.y * inv : 1.0f; x.normal[2] = n.z * inv;
            if (mesh->HasTextureCoords(0)) {
                x.uv[0] = mesh->mTextureCoords[0][v].x;
                x.uv[1] = 1.0f - mesh->mTextureCoords[0][v].y;  // Assimp's origin is bottom-left; images go top-down
            }
            aiColor4D col = mat.base;
            if (mesh->HasVertexColors(0)) {
                const aiColor4D& vc = mesh->mColors[0][v];
                col = aiColor4D(col.r * vc.r, col.g * vc.g, col.b * vc.b, col.a * vc.a);
            }
            x.color[0] = linearToSrgb8(col.r);
            x.color[1] = linearToSrgb8(col.g);
            x.color[2] = linearToSrgb8(col.b);
            x.color[3] = unit8(col.a);
            x.material[0] = unit8(mat.metallic);
            x.material[1] = unit8(mat.roughness);
            x.material[2] = unit8(mat.emissive);
            out.vertices.push_back(x);
            mn = glm::min(mn, glm::vec3(p.x, p.y, p.z));
            mx = glm::max(mx, glm::vec3(p.x, p.y, p.z));
        }
        auto& idx = groups[mat.image];
        for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
            const aiFace& face = mesh->mFaces[f];
            if (face.mNumIndices != 3) continue;
            for (int k = 0; k < 3; ++k) idx.push_back(base + face.mIndices[k]);
        }
    }
    if (out.vertices.empty()) {
        if (error) *error = path + ": the model has no triangles";
        return false;
    }
    // glTF/GLB is metres; STL millimetres; anything else: guess from the size.
    float unit = 1.0f;
    const float extent = std::max({mx.x - mn.x, mx.y - mn.y, mx.z - mn.z});
    if (stl) unit = 0.001f;
    else if (ext != ".gltf" && ext != ".glb" && extent > 50.0f) {
        unit = 0.001f;
        out.note = "over 50 units across: taken as millimetres";
    }
    if (unit != 1.0f) {
        for (auto& v : out.vertices)
            for (float& c : v.pos) c *= unit;
        mn *= unit;
        mx *= unit;
    }
    out.boundsMin = mn;
    out.boundsMax = mx;
    for (auto& [image, idx] : groups) {
        if (idx.empty()) continue;
        ModelPart part;
        part.firstIndex = uint32_t(out.indices.size());
        part.indexCount = uint32_t(idx.size());
        part.image = image;
        out.indices.insert(out.indices.end(), idx.begin(), idx.end());
        out.parts.push_back(part);
    }
    return true;
}

void makePlaceholderModel(LoadedModel& out, float size) {
    out = LoadedModel{};
    Geometry g;
    addBox(g, {-size * 0.5f, 0, -size * 0.5f}, {size * 0.5f, size, size * 0.5f});
    for (size_t i = 0; i < g.pos.size(); ++i) {
        ModelVertex v{};
        v.pos[0] = g.pos[i].x; v.pos[1] = g.pos[i].y; v.pos[2] = g.pos[i].z;
        v.normal[0] = g.normal[i].x; v.normal[1] = g.normal[i].y; v.normal[2] = g.normal[i].z;
        // Amber with darker edges would need a texture; a flat amber "missing" crate is enough.
        v.color[0] = 0xE8; v.color[1] = 0xA3; v.color[2] = 0x17; v.color[3] = 255;
        v.material[1] = 140;
        out.vertices.push_back(v);
    }
    out.indices = g.index;
    out.parts.push_back({0, uint32_t(g.index.size()), -1});
    out.boundsMin = {-size * 0.5f, 0, -size * 0.5f};
    out.boundsMax = {size * 0.5f, size, size * 0.5f};
}

}  // namespace client::detail
