// partgen_export.cpp: PartScene -> aiScene -> Assimp's glb2 / gltf2 / stlb exporters.
//
// The aiScene is built the way Assimp's own importers leave one: a root node with one child per
// part, each child owning one mesh, indexed triangles with normals, one aiMaterial per finish with
// the glTF PBR keys (AI_MATKEY_BASE_COLOR, _METALLIC_FACTOR, _ROUGHNESS_FACTOR) and the classic
// diffuse colour for formats that only know that.
#include "tools/partgen/partgen_export.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <assimp/Exporter.hpp>
#include <assimp/material.h>
#include <assimp/scene.h>

namespace tools {

namespace {

std::string lowerExtension(const std::string& path) {
    const size_t slash = path.find_last_of("/\\"), dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    std::string ext = path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

aiMaterial* toAiMaterial(const Material& m) {
    auto* am = new aiMaterial();
    aiString name(m.name);
    am->AddProperty(&name, AI_MATKEY_NAME);
    aiColor4D base(m.baseColor[0], m.baseColor[1], m.baseColor[2], m.baseColor[3]);
    am->AddProperty(&base, 1, AI_MATKEY_BASE_COLOR);
    am->AddProperty(&base, 1, AI_MATKEY_COLOR_DIFFUSE);
    float metallic = m.metallic, roughness = m.roughness;
    am->AddProperty(&metallic, 1, AI_MATKEY_METALLIC_FACTOR);
    am->AddProperty(&roughness, 1, AI_MATKEY_ROUGHNESS_FACTOR);
    int shading = aiShadingMode_PBR_BRDF;
    am->AddProperty(&shading, 1, AI_MATKEY_SHADING_MODEL);
    // Assimp 5.2's glTF 2 exporter declares KHR_materials_volume on every material unless all
    // three volume keys are present (its check is inverted); these values mean "no volume".
    float thickness = 0.0f, attenuation = 0.0f;
    aiColor3D white(1.0f, 1.0f, 1.0f);
    am->AddProperty(&thickness, 1, AI_MATKEY_VOLUME_THICKNESS_FACTOR);
    am->AddProperty(&attenuation, 1, AI_MATKEY_VOLUME_ATTENUATION_DISTANCE);
    am->AddProperty(&white, 1, AI_MATKEY_VOLUME_ATTENUATION_COLOR);
    return am;
}

aiMesh* toAiMesh(const Part& p, float scale) {
    auto* am = new aiMesh();
    am->mName = aiString(p.name);
    am->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
    am->mMaterialIndex = p.material;
    const Mesh& m = p.mesh;
    am->mNumVertices = unsigned(m.positions.size());
    am->mVertices = new aiVector3D[am->mNumVertices];
    am->mNormals = new aiVector3D[am->mNumVertices];
    for (size_t i = 0; i < m.positions.size(); ++i) {
        am->mVertices[i] = aiVector3D(m.positions[i].x * scale, m.positions[i].y * scale, m.positions[i].z * scale);
        am->mNormals[i] = aiVector3D(m.normals[i].x, m.normals[i].y, m.normals[i].z);
    }
    am->mNumFaces = unsigned(m.triangleCount());
    am->mFaces = new aiFace[am->mNumFaces];
    for (unsigned f = 0; f < am->mNumFaces; ++f) {
        aiFace& face = am->mFaces[f];
        face.mNumIndices = 3;
        face.mIndices = new unsigned[3]{m.indices[3 * f], m.indices[3 * f + 1], m.indices[3 * f + 2]};
    }
    return am;
}

// The caller owns the result (aiScene's destructor frees everything it points to).
std::unique_ptr<aiScene> toAiScene(const PartScene& s, float scale) {
    auto sc = std::make_unique<aiScene>();
    sc->mFlags = AI_SCENE_FLAGS_NON_VERBOSE_FORMAT;  // vertices are shared between triangles
    sc->mRootNode = new aiNode(s.name.empty() ? std::string("part") : s.name);
    sc->mNumMaterials = unsigned(std::max<size_t>(1, s.materials.size()));
    sc->mMaterials = new aiMaterial*[sc->mNumMaterials];
    for (size_t i = 0; i < s.materials.size(); ++i) sc->mMaterials[i] = toAiMaterial(s.materials[i]);
    if (s.materials.empty()) sc->mMaterials[0] = toAiMaterial(Material{"default"});
    sc->mNumMeshes = unsigned(s.parts.size());
    sc->mMeshes = new aiMesh*[sc->mNumMeshes];
    aiNode* root = sc->mRootNode;
    root->mNumChildren = unsigned(s.parts.size());
    root->mChildren = new aiNode*[root->mNumChildren];
    for (size_t i = 0; i < s.parts.size(); ++i) {
        sc->mMeshes[i] = toAiMesh(s.parts[i], scale);
        auto* node = new aiNode(s.parts[i].name);
        node->mParent = root;
        node->mNumMeshes = 1;
        node->mMeshes = new unsigned[1]{unsigned(i)};
        root->mChildren[i] = node;
    }
    return sc;
}

}  // namespace

bool formatForPath(const std::string& path, ModelFormat& out) {
    const std::string ext = lowerExtension(path);
    if (ext == "glb") out = ModelFormat::Glb;
    else if (ext == "gltf") out = ModelFormat::Gltf;
    else if (ext == "stl") out = ModelFormat::Stl;
    else return false;
    return true;
}

bool writeModel(const PartScene& scene, const std::string& path, std::string& error) {
    ModelFormat fmt;
    if (!formatForPath(path, fmt)) {
        error = path + ": unknown output format \"." + lowerExtension(path) + "\"; use .glb, .gltf (metres) or .stl (millimetres)";
        return false;
    }
    if (scene.parts.empty()) {
        error = path + ": the scene has no parts";
        return false;
    }
    const bool metres = fmt != ModelFormat::Stl;
    std::unique_ptr<aiScene> sc = toAiScene(scene, metres ? 0.001f : 1.0f);
    const char* id = fmt == ModelFormat::Glb ? "glb2" : fmt == ModelFormat::Gltf ? "gltf2" : "stlb";
    Assimp::Exporter exporter;
    if (exporter.Export(sc.get(), id, path) != aiReturn_SUCCESS) {
        error = path + ": Assimp's " + id + " exporter failed: " + exporter.GetErrorString();
        return false;
    }
    return true;
}

}  // namespace tools
