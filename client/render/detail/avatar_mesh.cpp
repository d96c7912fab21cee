// detail/avatar_mesh.cpp: the stylized body: capsule torso and limbs, sphere head; coarser
// segment counts for the middle distance and boxes for far away.
#include "client/render/detail/avatar_mesh.h"

#include <algorithm>
#include <numbers>

#include "client/render/detail/mesh_builder.h"

namespace client::detail {

namespace {

void append(std::vector<AvatarVertex>& vs, std::vector<uint32_t>& is, const Geometry& g, AvatarPart part,
            AvatarSlot slot) {
    const uint32_t base = uint32_t(vs.size());
    for (size_t i = 0; i < g.pos.size(); ++i) {
        AvatarVertex v{};
        v.pos[0] = g.pos[i].x; v.pos[1] = g.pos[i].y; v.pos[2] = g.pos[i].z;
        v.normal[0] = g.normal[i].x; v.normal[1] = g.normal[i].y; v.normal[2] = g.normal[i].z;
        v.part = uint8_t(part);
        v.slot = uint8_t(slot);
        vs.push_back(v);
    }
    for (uint32_t i : g.index) is.push_back(base + i);
}

// Far away: a handful of boxes in the same places and colours (134 triangles).
void buildBoxBody(std::vector<AvatarVertex>& vs, std::vector<uint32_t>& is) {
    Geometry g;
    for (int side = 0; side < 2; ++side) {
        const float x = side == 0 ? kHipX : -kHipX;
        const AvatarPart part = side == 0 ? AvatarPart::LeftLeg : AvatarPart::RightLeg;
        g.clear();
        addBox(g, {x - 0.075f, 0.09f, -0.07f}, {x + 0.075f, kHipY, 0.07f}, kNoBottom);
        append(vs, is, g, part, AvatarSlot::Trousers);
        g.clear();
        addBox(g, {x - 0.055f, 0.0f, -0.07f}, {x + 0.055f, 0.09f, 0.14f}, kNoBottom);
        append(vs, is, g, part, AvatarSlot::Dark);
    }
    g.clear();
    addBox(g, {-0.165f, 0.8f, -0.12f}, {0.165f, 1.06f, 0.12f}, kNoBottom);
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Trousers);
    g.clear();
    addBox(g, {-0.2f, 1.06f, -0.135f}, {0.2f, 1.5f, 0.135f});
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Jacket);
    g.clear();
    addSphere(g, {0, 1.69f, 0}, 0.12f, 6, 4);
    append(vs, is, g, AvatarPart::Head, AvatarSlot::Skin);
    for (int side = 0; side < 2; ++side) {
        const float x = side == 0 ? kShoulderX : -kShoulderX;
        const AvatarPart part = side == 0 ? AvatarPart::LeftArm : AvatarPart::RightArm;
        g.clear();
        addBox(g, {x - 0.05f, 0.93f, -0.05f}, {x + 0.05f, kShoulderY, 0.05f});
        append(vs, is, g, part, AvatarSlot::Jacket);
    }
}

}  // namespace

void buildAvatarMesh(std::vector<AvatarVertex>& vs, std::vector<uint32_t>& is, int lod) {
    vs.clear();
    is.clear();
    if (lod >= 2) {
        buildBoxBody(vs, is);
        return;
    }
    // Segment counts: the full body, or about half for the middle distance.
    const bool coarse = lod == 1;
    auto seg = [&](int full, int low) { return coarse ? low : full; };
    constexpr float kPi = std::numbers::pi_v<float>;
    Geometry g;
    // Legs and shoes.
    for (int side = 0; side < 2; ++side) {
        const float x = side == 0 ? kHipX : -kHipX;  // left is +x for a body facing +z
        const AvatarPart part = side == 0 ? AvatarPart::LeftLeg : AvatarPart::RightLeg;
        g.clear();
        addCapsule(g, {x, 0.15f, 0}, {x, kHipY - 0.06f, 0}, 0.078f, seg(10, 6), seg(3, 1));
        append(vs, is, g, part, AvatarSlot::Trousers);
        g.clear();
        addBox(g, {x - 0.055f, 0.0f, -0.07f}, {x + 0.055f, 0.09f, 0.14f});
        append(vs, is, g, part, AvatarSlot::Dark);
    }
    // Hips, torso, neck.
    g.clear();
    addCapsule(g, {0, 0.9f, 0}, {0, 1.0f, 0}, 0.165f, seg(14, 8), seg(3, 2));
    scale(g, {1.0f, 1.0f, 0.72f});
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Trousers);
    g.clear();
    addCapsule(g, {0, 1.06f, 0}, {0, 1.36f, 0}, 0.2f, seg(16, 8), seg(4, 2));
    scale(g, {1.0f, 1.0f, 0.68f});
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Jacket);
    g.clear();
    addCylinder(g, {0, 1.5f, 0}, 0.05f, 0.1f, seg(10, 6), false);
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Skin);
    // Badge on the chest.
    g.clear();
    addBox(g, {0.04f, 1.22f, 0.1f}, {0.12f, 1.32f, 0.152f});
    append(vs, is, g, AvatarPart::Body, AvatarSlot::Accent);
    // Head, hair, eyes (too small to see from the middle distance).
    g.clear();
    addSphere(g, {0, 1.69f, 0}, 0.115f, seg(16, 8), seg(10, 6));
    append(vs, is, g, AvatarPart::Head, AvatarSlot::Skin);
    g.clear();
    addSphereCap(g, {0, 1.70f, -0.012f}, 0.122f, seg(16, 8), seg(5, 3), kPi * 0.52f);
    append(vs, is, g, AvatarPart::Head, AvatarSlot::Dark);
    if (!coarse) {
        g.clear();
        for (float x : {-0.042f, 0.042f}) addSphere(g, {x, 1.7f, 0.103f}, 0.016f, 6, 4);
        append(vs, is, g, AvatarPart::Head, AvatarSlot::Dark);
    }
    // Arms (sleeves) and hands.
    for (int side = 0; side < 2; ++side) {
        const float x = side == 0 ? kShoulderX : -kShoulderX;
        const AvatarPart part = side == 0 ? AvatarPart::LeftArm : AvatarPart::RightArm;
        g.clear();
        addCapsule(g, {x, 0.98f, 0}, {x, kShoulderY - 0.02f, 0}, 0.056f, seg(10, 6), seg(3, 1));
        append(vs, is, g, part, AvatarSlot::Jacket);
        g.clear();
        addSphere(g, {x, 0.91f, 0}, 0.052f, seg(8, 5), seg(5, 3));
        append(vs, is, g, part, AvatarSlot::Skin);
    }
}

}  // namespace client::detail
