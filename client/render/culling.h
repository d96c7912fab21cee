// culling.h: what the renderer leaves out and how much detail it spends, on the CPU: frustum
// planes from a view-projection matrix, sphere and box tests against them, the avatar level of
// detail for a distance, and which avatars get a name tag (nearest and aimed-at, capped, not
// hidden behind a wall or a booth). Pure: no GL, so the UI and the tests use it too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <glm/glm.hpp>

#include "net/protocol/hall.h"

namespace client {

struct AvatarInstance;

// The six planes (left, right, bottom, top, near, far) of a clip volume, normalized, each
// (n, d) with n.p + d >= 0 inside.
struct Frustum {
    glm::vec4 planes[6]{};
};

// Planes of a projection * view matrix (OpenGL clip conventions, -w <= z <= w).
Frustum frustumFromViewProj(const glm::mat4& viewProj);

// True when the sphere touches the frustum (conservative: a sphere just outside a corner may
// pass, one that is drawn never fails).
bool sphereInFrustum(const Frustum& f, glm::vec3 center, float radius);

// True when the axis-aligned box touches the frustum (same conservative test).
bool boxInFrustum(const Frustum& f, glm::vec3 min, glm::vec3 max);

// --- avatars ---------------------------------------------------------------------------------

constexpr int kAvatarLodCount = 3;          // 0 = full body, 1 = coarser, 2 = a few boxes

// A sphere around an avatar standing at floor height y (a raised, waving arm included).
constexpr float kAvatarCullCenterY = 0.95f;  // above the feet
constexpr float kAvatarCullRadius = 1.25f;

struct AvatarLodDesc {
    float lod1Distance = 15.0f;  // metres from the eye: the coarser body from here on
    float lod2Distance = 40.0f;  // the box body from here on
};

// The level of detail for an avatar `distance` metres from the eye.
int avatarLod(float distance, const AvatarLodDesc& desc = {});

// --- name tags -------------------------------------------------------------------------------

struct NameTagDesc {
    size_t maxTags = 24;          // never more tags than this on screen
    float maxDistance = 25.0f;    // metres; farther people get no tag...
    float aimDistance = 45.0f;    // ...unless aimed at (nearest the aim ray) up to here
    float aimConeDeg = 4.0f;      // half-angle around the aim ray that counts as aimed at
    float headHeight = 2.0f;      // metres above the feet where a tag sits
    bool occlusion = true;        // hide tags whose head is behind a wall, backdrop or counter
};

struct NameTagPick {
    size_t avatar = 0;            // index into the avatars given
    float distance = 0;           // metres from the eye to the tag point
    bool aimed = false;           // the person nearest the aim ray
};

// Who gets a name tag this frame: the aimed-at person first (if any), then the nearest, all in
// view and (with `occlusion`) not hidden behind a solid hall part from `parts`. At most
// desc.maxTags, ordered aimed first, then by distance. `aimDir` (from the eye: the view's middle,
// or the ray under the mouse pointer) need not be normalized; the own avatar is never 'aimed'.
void pickNameTags(const glm::mat4& viewProj, glm::vec3 eye, glm::vec3 aimDir, std::span<const AvatarInstance> avatars,
                  std::span<const net::HallPart> parts, const NameTagDesc& desc, std::vector<NameTagPick>& out);

// True when the segment from `a` to `b` passes through one of the parts' boxes (walls,
// backdrops, counters, pedestals, tables, stage edge).
bool segmentHitsParts(glm::vec3 a, glm::vec3 b, std::span<const net::HallPart> parts);

}  // namespace client
