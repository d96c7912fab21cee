// detail/avatar_mesh.h: the low-poly body every avatar shares, at three levels of detail. Each vertex names its part
// (the vertex shader swings arms and legs about their joints) and its colour slot (the shader
// picks the role's jacket colour, skin and trousers per instance). No GL.
#pragma once

#include <cstdint>
#include <vector>

namespace client::detail {

enum class AvatarPart : uint8_t {
    Body,      // torso, hips, neck, badge: moves with the whole avatar
    Head,      // head, hair, eyes
    LeftArm,   // swings about the left shoulder (+x side of a body facing +z)
    RightArm,  // swings about the right shoulder; raised when waving
    LeftLeg,   // swings about the left hip
    RightLeg,  // swings about the right hip
};
enum class AvatarSlot : uint8_t {
    Jacket,    // the role colour
    Trousers,
    Skin,
    Dark,      // shoes, hair, eyes
    Accent,    // badge: gold for organizers, white for the others
};

struct AvatarVertex {
    float pos[3];        // metres, feet at y = 0, facing +z
    float normal[3];
    uint8_t part;        // AvatarPart
    uint8_t slot;        // AvatarSlot
    uint8_t pad[2];
};
static_assert(sizeof(AvatarVertex) == 28);

// Joint positions the vertex shader rotates limbs about (must match shaders/avatar.vert.glsl).
constexpr float kShoulderX = 0.25f, kShoulderY = 1.40f;
constexpr float kHipX = 0.10f, kHipY = 0.88f;

// The body at a level of detail: 0 = full (1,836 triangles), 1 = the same shapes with fewer
// segments and no eyes (556, for people 15-40 m away), 2 = boxes and a coarse head (134). Every
// level has every part, so the vertex shader poses all of them alike.
void buildAvatarMesh(std::vector<AvatarVertex>& vertices, std::vector<uint32_t>& indices, int lod = 0);

}  // namespace client::detail
