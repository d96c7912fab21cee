// detail/model_loader.h: reads an exhibit's 3D model with Assimp into one CPU mesh in metres,
// y up, with each vertex carrying its material's base colour, metallic and roughness. No GL.
//
// Units and axes: glTF is metres, y up (as the format says). STL is millimetres, z up (as CAD
// exports it): scaled by 0.001 and turned y up. Other formats are taken as metres, y up, unless
// the model is over 50 units across, which is taken as millimetres (with a note). STL has no
// materials: it is shown as machined steel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <glm/glm.hpp>

namespace client::detail {

struct ModelVertex {
    float pos[3];
    float normal[3];
    float uv[2];
    uint8_t color[4];     // sRGB base colour (times vertex colour), alpha
    uint8_t material[4];  // metallic, roughness, emissive, 0
};
static_assert(sizeof(ModelVertex) == 40);

struct ModelImage {         // a base-colour texture, 8-bit sRGB RGBA, rows top-down
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;
};

struct ModelPart {          // triangles sharing one texture (-1: none)
    uint32_t firstIndex = 0, indexCount = 0;
    int image = -1;
};

struct ModelLod {           // one level of detail: its draws and how far it strays from LOD 0
    std::vector<ModelPart> parts;
    float error = 0;        // metres
};

struct ModelGroup {         // the triangles of one node (ModelVertex::material[3] is the group)
    std::string name;
    glm::vec3 boundsMin{0}, boundsMax{0};
};

struct LoadedModel {
    std::vector<ModelVertex> vertices;
    std::vector<uint32_t> indices;
    std::vector<ModelPart> parts;          // LOD 0
    std::vector<ModelImage> images;
    glm::vec3 boundsMin{0}, boundsMax{0};  // metres
    std::string note;                      // a remark for the warning list (units guessed...)
    std::vector<ModelLod> lods;            // baked models: lods[0].parts == parts; empty otherwise
    std::vector<ModelGroup> groups;        // baked models: one per node with triangles
};

// Loads `path`. False with a message naming the file when it is missing or unreadable.
bool loadModel(const std::string& path, LoadedModel& out, std::string* error);

// A box standing on y = 0 with `size` edges, for models that failed to load.
void makePlaceholderModel(LoadedModel& out, float size);

}  // namespace client::detail
