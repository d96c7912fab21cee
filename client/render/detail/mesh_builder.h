// detail/mesh_builder.h: CPU geometry (positions, normals, triangle indices) for boxes, cylinders,
// spheres, capsules and flat shapes, built in place and transformed. No GL. The renderer turns a
// Geometry into its vertex formats with per-piece attributes (colour, material, booth).
#pragma once

#include <cstdint>
#include <vector>

#include <glm/glm.hpp>

namespace client::detail {

struct Geometry {
    std::vector<glm::vec3> pos;
    std::vector<glm::vec3> normal;
    std::vector<uint32_t> index;   // triangles, counter-clockwise seen from outside

    size_t vertexCount() const { return pos.size(); }
    size_t triangleCount() const { return index.size() / 3; }
    void clear() { pos.clear(); normal.clear(); index.clear(); }
};

// Box faces, for leaving out the ones nobody sees (the bottom of anything on the floor).
enum BoxFace : unsigned {
    kFaceNegX = 1, kFacePosX = 2, kFaceNegY = 4, kFacePosY = 8, kFaceNegZ = 16, kFacePosZ = 32,
    kAllFaces = 63, kNoBottom = 63 & ~4u,
};

void addBox(Geometry& g, glm::vec3 min, glm::vec3 max, unsigned faces = kAllFaces);
// A rectangle through `center`, spanned by `right` * w/2 and `up` * h/2, facing right x up.
void addQuad(Geometry& g, glm::vec3 center, glm::vec3 right, glm::vec3 up, float w, float h);
// Upright cylinder (axis y) from `base` up `height`; smooth sides, flat caps.
void addCylinder(Geometry& g, glm::vec3 base, float radius, float height, int segments, bool top = true,
                 bool bottom = false);
// Upright cone frustum from radius r0 at the base to r1 at the top.
void addFrustum(Geometry& g, glm::vec3 base, float r0, float r1, float height, int segments, bool top = true);
void addSphere(Geometry& g, glm::vec3 center, float radius, int slices, int stacks);
// The top of a sphere down to `polarAngle` radians from its north pole (pi = the whole sphere).
void addSphereCap(Geometry& g, glm::vec3 center, float radius, int slices, int stacks, float polarAngle);
// Upright capsule: hemispheres of `radius` around `a` (bottom) and `b` (top), b.y > a.y, same x/z.
void addCapsule(Geometry& g, glm::vec3 a, glm::vec3 b, float radius, int slices, int capStacks);
// Flat ring in the plane y = `center.y`, facing up.
void addRing(Geometry& g, glm::vec3 center, float innerRadius, float outerRadius, int segments);

// Transforms the vertices from `firstVertex` on (normals by the inverse transpose, renormalized).
void transform(Geometry& g, const glm::mat4& m, size_t firstVertex = 0);
// Scales vertices from `firstVertex` on, in place (normals corrected), around the origin.
void scale(Geometry& g, glm::vec3 s, size_t firstVertex = 0);

}  // namespace client::detail
