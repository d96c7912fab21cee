// camera.cpp: orbit camera and picking math.
#include "client/ui/camera.h"

#include "client/core/pilot.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace client {

std::optional<FixedCamera> parseFixedCamera(const std::string& text) {
    std::istringstream in(text);
    float v[5];
    for (int i = 0; i < 5; ++i) {
        if (!(in >> v[i])) return std::nullopt;
        if (i < 4) {
            char comma = 0;
            if (!(in >> comma) || comma != ',') return std::nullopt;
        }
    }
    in >> std::ws;
    if (!in.eof()) return std::nullopt;
    for (float x : v)
        if (!std::isfinite(x)) return std::nullopt;
    return FixedCamera{{v[0], v[1], v[2]}, v[3], v[4]};
}

glm::vec3 lookDirection(float yaw, float pitch) {
    float c = std::cos(pitch);
    return {std::sin(yaw) * c, -std::sin(pitch), std::cos(yaw) * c};
}

void OrbitCamera::follow(glm::vec3 focus, float dtSeconds) {
    if (!m_hasFocus) {
        m_target = focus;
        m_hasFocus = true;
        return;
    }
    // Exponential smoothing that does not depend on the frame rate.
    float k = 1.0f - std::exp(-kCameraFollowRate * std::max(0.0f, dtSeconds));
    m_target += (focus - m_target) * k;
}

void OrbitCamera::rotate(float dYaw, float dPitch) {
    const float twoPi = 2.0f * std::numbers::pi_v<float>;
    m_yaw = std::fmod(m_yaw + dYaw, twoPi);
    if (m_yaw < 0) m_yaw += twoPi;
    m_pitch = std::clamp(m_pitch + dPitch, glm::radians(kCameraMinPitchDeg), glm::radians(kCameraMaxPitchDeg));
}

void OrbitCamera::zoom(float wheelSteps) {
    m_distance = std::clamp(m_distance * std::pow(0.85f, wheelSteps), kCameraMinDistance, kCameraMaxDistance);
}

glm::vec3 OrbitCamera::eye() const { return m_target - lookDirection(m_yaw, m_pitch) * m_distance; }

glm::vec3 keepEyeInHall(glm::vec3 target, glm::vec3 eye, glm::vec2 hallSize, float margin) {
    // Largest t in [0, 1] such that target + t * (eye - target) stays inside the box.
    glm::vec3 d = eye - target;
    float t = 1.0f;
    auto limit = [&](float from, float delta, float lo, float hi) {
        if (delta > 1e-6f && from + delta > hi) t = std::min(t, std::max(0.0f, (hi - from) / delta));
        if (delta < -1e-6f && from + delta < lo) t = std::min(t, std::max(0.0f, (lo - from) / delta));
    };
    limit(target.x, d.x, margin, hallSize.x - margin);
    limit(target.z, d.z, margin, hallSize.y - margin);
    limit(target.y, d.y, 0.2f, 1e9f);
    return target + d * t;
}

glm::vec2 moveFromKeys(float forward, float right, float cameraYaw) {
    glm::vec2 f{std::sin(cameraYaw), std::cos(cameraYaw)};
    glm::vec2 r{-std::cos(cameraYaw), std::sin(cameraYaw)};  // forward x up, right-handed
    glm::vec2 m = f * forward + r * right;
    float len = glm::length(m);
    if (len > 1.0f) m /= len;
    return m;
}

float yawFacing(glm::vec2 dir) {
    float yaw = std::atan2(dir.x, dir.y);
    if (yaw < 0) yaw += 2.0f * std::numbers::pi_v<float>;
    return yaw;
}

Ray screenRay(const glm::mat4& viewProj, glm::vec2 pixel, glm::vec2 screenSize) {
    glm::vec2 ndc{2.0f * pixel.x / screenSize.x - 1.0f, 1.0f - 2.0f * pixel.y / screenSize.y};
    glm::mat4 inv = glm::inverse(viewProj);
    // Depth 0 and 1 lie on the ray under both the GL ([-1, 1]) and the [0, 1] depth conventions.
    glm::vec4 n = inv * glm::vec4(ndc, 0.0f, 1.0f);
    glm::vec4 f = inv * glm::vec4(ndc, 1.0f, 1.0f);
    glm::vec3 nearPoint = glm::vec3(n) / n.w;
    glm::vec3 farPoint = glm::vec3(f) / f.w;
    return {nearPoint, glm::normalize(farPoint - nearPoint)};
}

std::optional<glm::vec3> hitPlaneY(const Ray& ray, float height) {
    if (std::abs(ray.dir.y) < 1e-6f) return std::nullopt;
    float t = (height - ray.origin.y) / ray.dir.y;
    if (t < 0) return std::nullopt;
    return ray.origin + ray.dir * t;
}

std::optional<float> hitBox(const Ray& ray, glm::vec3 boxMin, glm::vec3 boxMax) {
    // Slab test.
    float tNear = 0.0f, tFar = 1e30f;
    for (int axis = 0; axis < 3; ++axis) {
        float o = ray.origin[axis], d = ray.dir[axis];
        if (std::abs(d) < 1e-8f) {
            if (o < boxMin[axis] || o > boxMax[axis]) return std::nullopt;
            continue;
        }
        float t0 = (boxMin[axis] - o) / d, t1 = (boxMax[axis] - o) / d;
        if (t0 > t1) std::swap(t0, t1);
        tNear = std::max(tNear, t0);
        tFar = std::min(tFar, t1);
        if (tNear > tFar) return std::nullopt;
    }
    return tNear;
}

std::optional<HallPick> pickHall(const Ray& ray, const net::EventLayout& event, const std::vector<net::HallPart>& parts) {
    float best = 1e30f;
    const net::HallPart* bestPart = nullptr;
    for (const auto& part : parts) {
        auto t = hitBox(ray, {part.box.min[0], part.box.min[1], part.box.min[2]},
                        {part.box.max[0], part.box.max[1], part.box.max[2]});
        if (t && *t < best) {
            best = *t;
            bestPart = &part;
        }
    }
    if (auto floor = hitPlaneY(ray, 0.0f)) {
        float t = glm::length(*floor - ray.origin);
        if (t < best) {
            best = t;
            bestPart = nullptr;
        }
    }
    if (best >= 1e30f) return std::nullopt;
    HallPick pick;
    pick.point = ray.origin + ray.dir * best;
    const float m = 0.3f;  // keep the walk target off the walls
    pick.floor = {std::clamp(pick.point.x, m, event.hallSize.x - m), std::clamp(pick.point.z, m, event.hallSize.y - m)};
    const bool boothPart = bestPart && (bestPart->kind == net::PartKind::Backdrop || bestPart->kind == net::PartKind::Counter ||
                                        bestPart->kind == net::PartKind::Pedestal);
    if (boothPart) {
        if (bestPart->owner < event.booths.size()) pick.booth = bestPart->owner;
    } else if (!bestPart) {
        const int id = boothAt(event, {pick.floor.x, pick.floor.y});
        for (size_t i = 0; i < event.booths.size(); ++i)
            if (int(event.booths[i].id.v) == id) pick.booth = int(i);
    }
    return pick;
}

std::optional<glm::vec2> projectToScreen(const glm::mat4& viewProj, glm::vec3 world, glm::vec2 screenSize) {
    glm::vec4 clip = viewProj * glm::vec4(world, 1.0f);
    if (clip.w <= 1e-4f) return std::nullopt;
    glm::vec3 ndc = glm::vec3(clip) / clip.w;
    return glm::vec2{(ndc.x + 1.0f) * 0.5f * screenSize.x, (1.0f - ndc.y) * 0.5f * screenSize.y};
}

}  // namespace client
