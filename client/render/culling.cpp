// culling.cpp: frustum planes (Gribb & Hartmann), sphere/box tests, avatar LOD, name-tag picking.
#include "client/render/culling.h"

#include <algorithm>
#include <cmath>

#include "client/render/renderer.h"

namespace client {

Frustum frustumFromViewProj(const glm::mat4& m) {
    // Row i of the matrix is (m[0][i], m[1][i], m[2][i], m[3][i]) with glm's column-major storage.
    auto row = [&](int i) { return glm::vec4(m[0][i], m[1][i], m[2][i], m[3][i]); };
    const glm::vec4 r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3);
    Frustum f;
    f.planes[0] = r3 + r0;  // left
    f.planes[1] = r3 - r0;  // right
    f.planes[2] = r3 + r1;  // bottom
    f.planes[3] = r3 - r1;  // top
    f.planes[4] = r3 + r2;  // near
    f.planes[5] = r3 - r2;  // far
    for (glm::vec4& p : f.planes) {
        const float len = glm::length(glm::vec3(p));
        if (len > 0) p /= len;
    }
    return f;
}

bool sphereInFrustum(const Frustum& f, glm::vec3 c, float radius) {
    for (const glm::vec4& p : f.planes)
        if (glm::dot(glm::vec3(p), c) + p.w < -radius) return false;
    return true;
}

bool boxInFrustum(const Frustum& f, glm::vec3 mn, glm::vec3 mx) {
    for (const glm::vec4& p : f.planes) {
        // The box corner farthest along the plane's normal: if even it is outside, all are.
        const glm::vec3 v{p.x >= 0 ? mx.x : mn.x, p.y >= 0 ? mx.y : mn.y, p.z >= 0 ? mx.z : mn.z};
        if (glm::dot(glm::vec3(p), v) + p.w < 0) return false;
    }
    return true;
}

int avatarLod(float distance, const AvatarLodDesc& desc) {
    if (distance >= desc.lod2Distance) return 2;
    if (distance >= desc.lod1Distance) return 1;
    return 0;
}

bool segmentHitsParts(glm::vec3 a, glm::vec3 b, std::span<const net::HallPart> parts) {
    const glm::vec3 d = b - a;
    for (const net::HallPart& part : parts) {
        const glm::vec3 mn{part.box.min[0], part.box.min[1], part.box.min[2]};
        const glm::vec3 mx{part.box.max[0], part.box.max[1], part.box.max[2]};
        // A camera that slipped into a box (a wall behind a third-person camera) would otherwise
        // hide every tag: a box around the eye does not count.
        if (glm::all(glm::greaterThanEqual(a, mn)) && glm::all(glm::lessThanEqual(a, mx))) continue;
        float t0 = 0.0f, t1 = 1.0f;
        bool miss = false;
        for (int k = 0; k < 3 && !miss; ++k) {
            if (std::abs(d[k]) < 1e-9f) {
                miss = a[k] < mn[k] || a[k] > mx[k];
                continue;
            }
            float ta = (mn[k] - a[k]) / d[k], tb = (mx[k] - a[k]) / d[k];
            if (ta > tb) std::swap(ta, tb);
            t0 = std::max(t0, ta);
            t1 = std::min(t1, tb);
            miss = t0 > t1;
        }
        if (!miss) return true;
    }
    return false;
}

void pickNameTags(const glm::mat4& viewProj, glm::vec3 eye, glm::vec3 aimDir, std::span<const AvatarInstance> avatars,
                  std::span<const net::HallPart> parts, const NameTagDesc& desc, std::vector<NameTagPick>& out) {
    out.clear();
    if (desc.maxTags == 0 || avatars.empty()) return;
    const Frustum frustum = frustumFromViewProj(viewProj);
    const float aimLen = glm::length(aimDir);
    const glm::vec3 aim = aimLen > 1e-6f ? aimDir / aimLen : glm::vec3{0, 0, -1};
    const float aimCos = std::cos(glm::radians(desc.aimConeDeg));
    const float reach = std::max(desc.maxDistance, desc.aimDistance);

    struct Candidate { size_t index; float distance; float cosAim; };
    std::vector<Candidate> near;
    for (size_t i = 0; i < avatars.size(); ++i) {
        const glm::vec3 head{avatars[i].x, desc.headHeight, avatars[i].z};
        const glm::vec3 to = head - eye;
        const float dist = glm::length(to);
        if (dist > reach || !sphereInFrustum(frustum, head, 0.0f)) continue;
        near.push_back({i, dist, dist > 1e-6f ? glm::dot(to, aim) / dist : -1.0f});
    }
    std::sort(near.begin(), near.end(), [](const Candidate& x, const Candidate& y) {
        return x.distance != y.distance ? x.distance < y.distance : x.index < y.index;
    });
    auto visible = [&](const Candidate& c) {
        if (!desc.occlusion) return true;
        return !segmentHitsParts(eye, {avatars[c.index].x, desc.headHeight, avatars[c.index].z}, parts);
    };

    // The aimed-at person: the visible one closest to the middle of the view, within the cone.
    size_t aimed = SIZE_MAX;
    float bestCos = aimCos;
    for (size_t k = 0; k < near.size(); ++k) {
        if (near[k].cosAim < bestCos || avatars[near[k].index].self) continue;
        if (!visible(near[k])) continue;
        bestCos = near[k].cosAim;
        aimed = k;
    }
    if (aimed != SIZE_MAX) out.push_back({near[aimed].index, near[aimed].distance, true});

    // Then the nearest, until the cap; occlusion rays only for those that could still make it.
    for (size_t k = 0; k < near.size() && out.size() < desc.maxTags; ++k) {
        if (near[k].distance > desc.maxDistance) break;  // sorted: nobody after is nearer
        if (k == aimed) continue;
        if (!visible(near[k])) continue;
        out.push_back({near[k].index, near[k].distance, false});
    }
}

}  // namespace client
