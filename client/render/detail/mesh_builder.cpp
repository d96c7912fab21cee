// detail/mesh_builder.cpp: primitive shapes.
#include "client/render/detail/mesh_builder.h"

#include <cmath>
#include <numbers>

namespace client::detail {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

uint32_t base(const Geometry& g) { return uint32_t(g.pos.size()); }

void quadIndices(Geometry& g, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    g.index.insert(g.index.end(), {a, b, c, a, c, d});
}

}  // namespace

void addQuad(Geometry& g, glm::vec3 center, glm::vec3 right, glm::vec3 up, float w, float h) {
    const glm::vec3 n = glm::normalize(glm::cross(right, up));
    const glm::vec3 r = right * (w * 0.5f), u = up * (h * 0.5f);
    const uint32_t b = base(g);
    for (glm::vec3 p : {center - r - u, center + r - u, center + r + u, center - r + u}) {
        g.pos.push_back(p);
        g.normal.push_back(n);
    }
    quadIndices(g, b, b + 1, b + 2, b + 3);
}

void addBox(Geometry& g, glm::vec3 mn, glm::vec3 mx, unsigned faces) {
    const glm::vec3 c = (mn + mx) * 0.5f, e = mx - mn;
    const glm::vec3 X{1, 0, 0}, Y{0, 1, 0}, Z{0, 0, 1};
    if (faces & kFacePosX) addQuad(g, c + X * (e.x * 0.5f), -Z, Y, e.z, e.y);
    if (faces & kFaceNegX) addQuad(g, c - X * (e.x * 0.5f), Z, Y, e.z, e.y);
    if (faces & kFacePosY) addQuad(g, c + Y * (e.y * 0.5f), X, -Z, e.x, e.z);
    if (faces & kFaceNegY) addQuad(g, c - Y * (e.y * 0.5f), X, Z, e.x, e.z);
    if (faces & kFacePosZ) addQuad(g, c + Z * (e.z * 0.5f), X, Y, e.x, e.y);
    if (faces & kFaceNegZ) addQuad(g, c - Z * (e.z * 0.5f), -X, Y, e.x, e.y);
}

void addFrustum(Geometry& g, glm::vec3 bottom, float r0, float r1, float height, int segments, bool top) {
    const uint32_t b = base(g);
    const float slope = (r0 - r1) / height;
    for (int i = 0; i <= segments; ++i) {
        const float a = 2 * kPi * float(i) / float(segments);
        const float s = std::sin(a), c = std::cos(a);
        const glm::vec3 n = glm::normalize(glm::vec3{s, slope, c});
        g.pos.push_back(bottom + glm::vec3{s * r0, 0, c * r0});
        g.normal.push_back(n);
        g.pos.push_back(bottom + glm::vec3{s * r1, height, c * r1});
        g.normal.push_back(n);
    }
    for (int i = 0; i < segments; ++i) {
        const uint32_t k = b + uint32_t(i) * 2;
        quadIndices(g, k, k + 2, k + 3, k + 1);
    }
    if (top && r1 > 0) {
        const uint32_t c = base(g);
        g.pos.push_back(bottom + glm::vec3{0, height, 0});
        g.normal.push_back({0, 1, 0});
        for (int i = 0; i <= segments; ++i) {
            const float a = 2 * kPi * float(i) / float(segments);
            g.pos.push_back(bottom + glm::vec3{std::sin(a) * r1, height, std::cos(a) * r1});
            g.normal.push_back({0, 1, 0});
        }
        for (int i = 0; i < segments; ++i) g.index.insert(g.index.end(), {c, c + 1 + uint32_t(i), c + 2 + uint32_t(i)});
    }
}

void addCylinder(Geometry& g, glm::vec3 bottom, float radius, float height, int segments, bool top, bool bottomCap) {
    addFrustum(g, bottom, radius, radius, height, segments, top);
    if (bottomCap) {
        const uint32_t c = base(g);
        g.pos.push_back(bottom);
        g.normal.push_back({0, -1, 0});
        for (int i = 0; i <= segments; ++i) {
            const float a = 2 * kPi * float(i) / float(segments);
            g.pos.push_back(bottom + glm::vec3{std::sin(a) * radius, 0, std::cos(a) * radius});
            g.normal.push_back({0, -1, 0});
        }
        for (int i = 0; i < segments; ++i) g.index.insert(g.index.end(), {c, c + 2 + uint32_t(i), c + 1 + uint32_t(i)});
    }
}

// A latitude-longitude band of a sphere between polar angles [t0, t1].
static void sphereBand(Geometry& g, glm::vec3 center, float radius, int slices, float t0, float t1, int stacks) {
    const uint32_t b = base(g);
    for (int j = 0; j <= stacks; ++j) {
        const float t = t0 + (t1 - t0) * float(j) / float(stacks);
        for (int i = 0; i <= slices; ++i) {
            const float a = 2 * kPi * float(i) / float(slices);
            glm::vec3 n{std::sin(t) * std::sin(a), std::cos(t), std::sin(t) * std::cos(a)};
            g.pos.push_back(center + n * radius);
            g.normal.push_back(n);
        }
    }
    const uint32_t row = uint32_t(slices) + 1;
    for (int j = 0; j < stacks; ++j)
        for (int i = 0; i < slices; ++i) {
            const uint32_t k = b + uint32_t(j) * row + uint32_t(i);
            quadIndices(g, k, k + row, k + row + 1, k + 1);
        }
}

void addSphere(Geometry& g, glm::vec3 center, float radius, int slices, int stacks) {
    sphereBand(g, center, radius, slices, 0.0f, kPi, stacks);
}

void addSphereCap(Geometry& g, glm::vec3 center, float radius, int slices, int stacks, float polarAngle) {
    sphereBand(g, center, radius, slices, 0.0f, polarAngle, stacks);
}

void addCapsule(Geometry& g, glm::vec3 a, glm::vec3 b, float radius, int slices, int capStacks) {
    sphereBand(g, b, radius, slices, 0.0f, kPi * 0.5f, capStacks);
    addFrustum(g, a, radius, radius, b.y - a.y, slices, false);
    sphereBand(g, a, radius, slices, kPi * 0.5f, kPi, capStacks);
}

void addRing(Geometry& g, glm::vec3 center, float r0, float r1, int segments) {
    const uint32_t b = base(g);
    for (int i = 0; i <= segments; ++i) {
        const float a = 2 * kPi * float(i) / float(segments);
        const float s = std::sin(a), c = std::cos(a);
        g.pos.push_back(center + glm::vec3{s * r0, 0, c * r0});
        g.normal.push_back({0, 1, 0});
        g.pos.push_back(center + glm::vec3{s * r1, 0, c * r1});
        g.normal.push_back({0, 1, 0});
    }
    for (int i = 0; i < segments; ++i) {
        const uint32_t k = b + uint32_t(i) * 2;
        quadIndices(g, k, k + 1, k + 3, k + 2);
    }
}

void transform(Geometry& g, const glm::mat4& m, size_t first) {
    const glm::mat3 nm = glm::transpose(glm::inverse(glm::mat3(m)));
    for (size_t i = first; i < g.pos.size(); ++i) {
        g.pos[i] = glm::vec3(m * glm::vec4(g.pos[i], 1.0f));
        g.normal[i] = glm::normalize(nm * g.normal[i]);
    }
}

void scale(Geometry& g, glm::vec3 s, size_t first) {
    for (size_t i = first; i < g.pos.size(); ++i) {
        g.pos[i] *= s;
        g.normal[i] = glm::normalize(g.normal[i] / s);
    }
}

}  // namespace client::detail
