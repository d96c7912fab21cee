// partgen_common.cpp: scene helpers, statistics and finishes.
#include "tools/partgen/partgen_common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tools {

Bounds meshBounds(const Mesh& m) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    Bounds b{{kInf, kInf, kInf}, {-kInf, -kInf, -kInf}};
    for (const Vec3& p : m.positions) {
        b.min = {std::min(b.min.x, p.x), std::min(b.min.y, p.y), std::min(b.min.z, p.z)};
        b.max = {std::max(b.max.x, p.x), std::max(b.max.y, p.y), std::max(b.max.z, p.z)};
    }
    return b;
}

Bounds sceneBounds(const PartScene& s) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    Bounds b{{kInf, kInf, kInf}, {-kInf, -kInf, -kInf}};
    for (const Part& p : s.parts) {
        Bounds m = meshBounds(p.mesh);
        b.min = {std::min(b.min.x, m.min.x), std::min(b.min.y, m.min.y), std::min(b.min.z, m.min.z)};
        b.max = {std::max(b.max.x, m.max.x), std::max(b.max.y, m.max.y), std::max(b.max.z, m.max.z)};
    }
    return b;
}

size_t triangleCount(const PartScene& s) {
    size_t n = 0;
    for (const Part& p : s.parts) n += p.mesh.triangleCount();
    return n;
}

double meshVolume(const Mesh& m) {
    double v = 0;
    for (size_t t = 0; t + 2 < m.indices.size(); t += 3) {
        const Vec3 &a = m.positions[m.indices[t]], &b = m.positions[m.indices[t + 1]], &c = m.positions[m.indices[t + 2]];
        v += double(a.x) * (double(b.y) * c.z - double(b.z) * c.y) - double(a.y) * (double(b.x) * c.z - double(b.z) * c.x) +
             double(a.z) * (double(b.x) * c.y - double(b.y) * c.x);
    }
    return v / 6.0;
}

Material forgedSteel() { return {"forged_steel", {0.30f, 0.30f, 0.31f, 1.0f}, 1.0f, 0.72f}; }
Material machinedSteel() { return {"machined_steel", {0.80f, 0.80f, 0.82f, 1.0f}, 1.0f, 0.28f}; }
Material polishedSteel() { return {"polished_steel", {0.92f, 0.92f, 0.93f, 1.0f}, 1.0f, 0.06f}; }
Material bronze() { return {"bronze", {0.78f, 0.55f, 0.30f, 1.0f}, 1.0f, 0.35f}; }
Material paint(const std::string& name, float r, float g, float b, float roughness) {
    return {name, {r, g, b, 1.0f}, 0.0f, roughness};
}

namespace detail {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

bool checkRange(const char* name, double v, double lo, double hi, std::string& error, const std::string& why) {
    if (std::isfinite(v) && v >= lo && v <= hi) return true;
    error = std::string(name) + " is " + num(v) + ", must be within [" + num(lo) + ", " + num(hi) + "]";
    if (!why.empty()) error += " (" + why + ")";
    return false;
}

uint32_t useMaterial(PartScene& s, const Material& m) {
    for (size_t i = 0; i < s.materials.size(); ++i)
        if (s.materials[i].name == m.name) return uint32_t(i);
    s.materials.push_back(m);
    return uint32_t(s.materials.size() - 1);
}

void addPart(PartScene& s, const std::string& name, const Material& m, const geo::MeshBuilder& mb) {
    Part p;
    p.name = name;
    p.material = useMaterial(s, m);
    p.mesh = mb.finish();
    s.parts.push_back(std::move(p));
}

void restOnFloor(PartScene& s) {
    const float lift = -sceneBounds(s).min.y;
    for (Part& p : s.parts)
        for (Vec3& v : p.mesh.positions) v.y += lift;
}

}  // namespace detail
}  // namespace tools
