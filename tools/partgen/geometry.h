// geometry.h: partgen's private mesh primitives (extrusions, solids of revolution, sweeps, boxes).
//
// Every primitive appends one closed solid to a MeshBuilder. Normals are computed analytically and
// point outward; the builder winds each triangle to agree with its vertex normals, so the
// primitives need not care about winding. Hard edges get separate vertices, smooth ones share.
// Positions are computed once per point and reused, so seams match bit for bit and a mesh welded
// by position is closed.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "tools/partgen/partgen.h"

namespace tools::geo {

struct V2 {
    double x = 0, y = 0;
};
inline V2 operator+(V2 a, V2 b) { return {a.x + b.x, a.y + b.y}; }
inline V2 operator-(V2 a, V2 b) { return {a.x - b.x, a.y - b.y}; }
inline V2 operator*(V2 a, double s) { return {a.x * s, a.y * s}; }
inline double cross(V2 a, V2 b) { return a.x * b.y - a.y * b.x; }
inline double dot(V2 a, V2 b) { return a.x * b.x + a.y * b.y; }
inline double length(V2 a) { return std::sqrt(dot(a, a)); }
inline V2 normalize(V2 a) { double l = length(a); return l > 0 ? a * (1.0 / l) : a; }
inline V2 polar(double r, double angle) { return {r * std::cos(angle), r * std::sin(angle)}; }

struct D3 {
    double x = 0, y = 0, z = 0;
};
inline D3 operator+(D3 a, D3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline D3 operator-(D3 a, D3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline D3 operator*(D3 a, double s) { return {a.x * s, a.y * s, a.z * s}; }
inline double dot(D3 a, D3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline D3 cross(D3 a, D3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
inline double length(D3 a) { return std::sqrt(dot(a, a)); }
inline D3 normalize(D3 a) { double l = length(a); return l > 0 ? a * (1.0 / l) : a; }

// An orthonormal frame: local (a, b, c) maps to origin + a*u + b*v + c*w.
struct Frame {
    D3 origin{};
    D3 u{1, 0, 0};
    D3 v{0, 0, 1};
    D3 w{0, 1, 0};  // default: the 2D plane is the floor (x, z), extrusion and revolution axis is y
    D3 point(double a, double b, double c) const { return origin + u * a + v * b + w * c; }
    D3 dir(double a, double b, double c) const { return u * a + v * b + w * c; }
};
Frame axisX(D3 origin = {});  // w along +x (shafts)
Frame axisY(D3 origin = {});  // w along +y (discs lying flat)

class MeshBuilder {
public:
    uint32_t vertex(D3 p, D3 n);
    // Adds a triangle wound to agree with its vertex normals. Asserts it is not degenerate.
    void triangle(uint32_t a, uint32_t b, uint32_t c);
    void quad(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { triangle(a, b, c); triangle(a, c, d); }
    const D3& position(uint32_t i) const { return m_pos[i]; }
    // Moves vertices (used to grind spring ends flat); call before adding the affected triangles.
    void setVertex(uint32_t i, D3 p, D3 n) { m_pos[i] = p; m_nrm[i] = n; }
    // Merges vertices with bitwise equal position and normal, and returns the indexed mesh.
    Mesh finish() const;

private:
    std::vector<D3> m_pos, m_nrm;
    std::vector<uint32_t> m_idx;
};

// A closed 2D loop with the material on its left: outer boundaries counter-clockwise, holes
// clockwise (the primitives fix the orientation from `hole`).
struct Loop {
    std::vector<V2> points;
    bool hole = false;
};

double signedArea(const std::vector<V2>& poly);
// Ear clipping of a simple polygon (either orientation). Returns index triples.
std::vector<uint32_t> triangulate(const std::vector<V2>& poly);
std::vector<V2> convexHull(std::vector<V2> pts);  // counter-clockwise, no collinear points
std::vector<V2> circle(V2 centre, double r, int segments, double startAngle = 0);

// Extrudes a planar region along the frame's w from c0 to c1. `caps` are simple polygons that tile
// the region, sharing points along their common edges; `loops` are its boundaries (the same points).
// Adjacent wall facets meet smoothly when they turn by less than `smoothDeg`.
void addExtrusion(MeshBuilder& mb, const Frame& f, const std::vector<std::vector<V2>>& caps,
                  const std::vector<Loop>& loops, double c0, double c1, double smoothDeg = 35);
// A single simple polygon extruded (convex hulls, I-beam sections, hexagons).
void addPrism(MeshBuilder& mb, const Frame& f, const std::vector<V2>& poly, double c0, double c1, double smoothDeg = 35);

// Revolves a profile of (axial, radius) points about the frame's w axis. An open profile starts and
// ends on the axis (radius 0) and makes a solid; a closed one (`closedLoop`) makes a ring.
void addRevolution(MeshBuilder& mb, const Frame& f, const std::vector<V2>& profile, bool closedLoop, int segments,
                   double smoothDeg = 35);
void addCylinder(MeshBuilder& mb, const Frame& f, double radius, double c0, double c1, int segments);
void addTube(MeshBuilder& mb, const Frame& f, double innerRadius, double outerRadius, double c0, double c1, int segments);
void addBox(MeshBuilder& mb, D3 min, D3 max);

// Sweeps cross-sections along a centreline. Section i is a convex loop (same point count for all)
// in the plane spanned by normals[i] and binormals[i] at centres[i]; the ends are capped.
struct Sweep {
    std::vector<D3> centres, normals, binormals;
    std::vector<std::vector<V2>> sections;
    double floorY = -1e30, ceilingY = 1e30;  // points outside are ground flat onto these planes
};
void addSweep(MeshBuilder& mb, const Sweep& s);

}  // namespace tools::geo
