// hall.cpp: hall parts and the deterministic avatar step.
#include "net/protocol/hall.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "net/protocol/snapshot.h"

namespace net {

namespace {

HallPart makePart(PartKind kind, uint16_t owner, uint16_t index, float x0, float z0, float x1, float z1,
                  float y0, float y1, bool solid = true) {
    HallPart p;
    p.kind = kind;
    p.owner = owner;
    p.index = index;
    p.box.min[0] = std::min(x0, x1); p.box.max[0] = std::max(x0, x1);
    p.box.min[1] = y0;               p.box.max[1] = y1;
    p.box.min[2] = std::min(z0, z1); p.box.max[2] = std::max(z0, z1);
    p.solid = solid;
    return p;
}

// A rectangle given in a booth's frame, mapped to world space (quarter turns keep it axis aligned).
HallPart boothPart(const Booth& b, PartKind kind, uint16_t index, Vec2 lmin, Vec2 lmax, float y0, float y1) {
    Vec2 a = boothToWorld(b, lmin), c = boothToWorld(b, lmax);
    return makePart(kind, b.id.v, index, a.x, a.y, c.x, c.y, y0, y1);
}

}  // namespace

bool atBooth(const Booth& b, Vec2 at, float margin) {
    const bool turned = b.facing % 2 == 1;
    const float hx = (turned ? b.size.y : b.size.x) * 0.5f + margin, hy = (turned ? b.size.x : b.size.y) * 0.5f + margin;
    return std::abs(at.x - b.center.x) <= hx && std::abs(at.y - b.center.y) <= hy;
}

int boothIndexAt(const EventLayout& layout, Vec2 at, float margin) {
    for (size_t i = 0; i < layout.booths.size(); ++i)
        if (atBooth(layout.booths[i], at, margin)) return int(i);
    return -1;
}

Vec2 boothToWorld(const Booth& b, Vec2 l) {
    switch (b.facing & 3) {
        case 0: return {b.center.x + l.x, b.center.y + l.y};
        case 1: return {b.center.x + l.y, b.center.y - l.x};
        case 2: return {b.center.x - l.x, b.center.y - l.y};
        default: return {b.center.x - l.y, b.center.y + l.x};
    }
}

Vec2 exhibitSpot(const Booth& b, int i) {
    int n = std::max<int>(1, int(std::min<size_t>(b.exhibits.size(), 4)));
    float w = b.size.x;
    float spacing = std::min(1.4f, (w - 1.0f) / float(n));
    float x = (float(i % 4) - float(n - 1) * 0.5f) * spacing;
    float z = b.size.y * 0.5f - 0.9f - float(i / 4) * 1.0f;
    return boothToWorld(b, {x, z});
}

void buildHallParts(const EventLayout& layout, std::vector<HallPart>& out) {
    const float W = layout.hallSize.x, D = layout.hallSize.y, t = kWallThickness;
    out.push_back(makePart(PartKind::Wall, 0, 0, -t, -t, W + t, 0, 0, kWallHeight));
    out.push_back(makePart(PartKind::Wall, 0, 1, -t, D, W + t, D + t, 0, kWallHeight));
    out.push_back(makePart(PartKind::Wall, 0, 2, -t, 0, 0, D, 0, kWallHeight));
    out.push_back(makePart(PartKind::Wall, 0, 3, W, 0, W + t, D, 0, kWallHeight));

    for (const Booth& b : layout.booths) {
        const float hw = b.size.x * 0.5f, hd = b.size.y * 0.5f;
        out.push_back(boothPart(b, PartKind::Backdrop, 0, {-hw, -hd}, {hw, -hd + kBackdropDepth}, 0, kBackdropHeight));
        const float cz = -hd + 1.2f;
        out.push_back(boothPart(b, PartKind::Counter, 0, {-kCounterWidth * 0.5f, cz}, {kCounterWidth * 0.5f, cz + kCounterDepth},
                                0, kCounterHeight));
        for (size_t i = 0; i < b.exhibits.size() && i < kMaxExhibitsPerBooth; ++i) {
            Vec2 c = exhibitSpot(b, int(i));
            const float h = kPedestalSize * 0.5f;
            out.push_back(makePart(PartKind::Pedestal, b.id.v, uint16_t(i), c.x - h, c.y - h, c.x + h, c.y + h, 0,
                                   kPedestalHeight));
        }
    }
    for (size_t i = 0; i < layout.tables.size(); ++i) {
        const auto& tb = layout.tables[i];
        const float r = kTableRadius;
        out.push_back(makePart(PartKind::Table, uint16_t(i), 0, tb.center.x - r, tb.center.y - r, tb.center.x + r,
                               tb.center.y + r, 0, kTableHeight));
    }
    // The stage: its front edge is a low solid lip except for steps at both ends.
    const Rect& st = layout.stage.area;
    if (st.max.x > st.min.x && st.max.y > st.min.y) {
        out.push_back(makePart(PartKind::StageEdge, 0, 0, st.min.x, st.min.y, st.max.x, st.max.y, 0, layout.stage.height,
                               /*solid=*/false));
    }
}

bool resolveCollisions(float& x, float& z, float radius, const std::vector<HallPart>& parts, Vec2 hallSize) {
    bool moved = false;
    // Two passes settle corners where two boxes meet.
    for (int pass = 0; pass < 2; ++pass) {
        for (const HallPart& p : parts) {
            if (!p.solid) continue;
            const float cx = std::clamp(x, p.box.min[0], p.box.max[0]);
            const float cz = std::clamp(z, p.box.min[2], p.box.max[2]);
            float dx = x - cx, dz = z - cz;
            float d2 = dx * dx + dz * dz;
            if (d2 >= radius * radius) continue;
            if (d2 > 1e-12f) {
                float d = std::sqrt(d2);
                x = cx + dx / d * radius;
                z = cz + dz / d * radius;
            } else {
                // Centre inside the box: leave by the nearest face.
                float l = x - p.box.min[0], r = p.box.max[0] - x, n = z - p.box.min[2], f = p.box.max[2] - z;
                float m = std::min({l, r, n, f});
                if (m == l) x = p.box.min[0] - radius;
                else if (m == r) x = p.box.max[0] + radius;
                else if (m == n) z = p.box.min[2] - radius;
                else z = p.box.max[2] + radius;
            }
            moved = true;
        }
    }
    float nx = std::clamp(x, radius, hallSize.x - radius), nz = std::clamp(z, radius, hallSize.y - radius);
    if (nx != x || nz != z) { x = nx; z = nz; moved = true; }
    return moved;
}

FloorColliders::FloorColliders(const std::vector<HallPart>& parts, Vec2 hallSize) : m_hallSize(hallSize) {
    for (const HallPart& p : parts)
        if (p.solid) m_rects.push_back({p.box.min[0], p.box.min[2], p.box.max[0], p.box.max[2]});
    m_cols = std::max(1, int(std::ceil(std::max(hallSize.x, 1.0f) / kCell)));
    m_rows = std::max(1, int(std::ceil(std::max(hallSize.y, 1.0f) / kCell)));
    const size_t cells = size_t(m_cols) * size_t(m_rows);
    auto span = [&](float lo, float hi, int n, int& a, int& b) {
        a = std::clamp(int(std::floor((lo - kMargin) / kCell)), 0, n - 1);
        b = std::clamp(int(std::floor((hi + kMargin) / kCell)), 0, n - 1);
    };
    // Two passes over the rects: count per cell, then fill (indices ascend within each cell).
    m_cellStart.assign(cells + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<uint32_t> cursor;
        if (pass == 1) {
            for (size_t c = 0; c < cells; ++c) m_cellStart[c + 1] += m_cellStart[c];
            m_cellItems.resize(m_cellStart[cells]);
            cursor.assign(m_cellStart.begin(), m_cellStart.end() - 1);
        }
        for (uint32_t i = 0; i < m_rects.size(); ++i) {
            const Rect& r = m_rects[i];
            int xa, xb, za, zb;
            span(r.x0, r.x1, m_cols, xa, xb);
            span(r.z0, r.z1, m_rows, za, zb);
            for (int cz = za; cz <= zb; ++cz)
                for (int cx = xa; cx <= xb; ++cx) {
                    size_t c = size_t(cz) * size_t(m_cols) + size_t(cx);
                    if (pass == 0) ++m_cellStart[c + 1];
                    else m_cellItems[cursor[c]++] = i;
                }
        }
    }
}

bool FloorColliders::pushOut(float& x, float& z, float radius, const Rect& r) const {
    const float cx = std::clamp(x, r.x0, r.x1);
    const float cz = std::clamp(z, r.z0, r.z1);
    float dx = x - cx, dz = z - cz;
    float d2 = dx * dx + dz * dz;
    if (d2 >= radius * radius) return false;
    if (d2 > 1e-12f) {
        float d = std::sqrt(d2);
        x = cx + dx / d * radius;
        z = cz + dz / d * radius;
    } else {
        float l = x - r.x0, rr = r.x1 - x, n = z - r.z0, f = r.z1 - z;
        float m = std::min({l, rr, n, f});
        if (m == l) x = r.x0 - radius;
        else if (m == rr) x = r.x1 + radius;
        else if (m == n) z = r.z0 - radius;
        else z = r.z1 + radius;
    }
    return true;
}

bool FloorColliders::resolve(float& x, float& z, float radius) const {
    if (m_cellStart.empty()) return false;  // default-constructed: no hall
    bool moved = false;
    for (int pass = 0; pass < 2; ++pass) {
        const float x0 = x, z0 = z;
        const bool finite = std::isfinite(x) && std::isfinite(z);
        const int cx = finite ? std::clamp(int(std::clamp(x / kCell, -1.0f, float(m_cols))), 0, m_cols - 1) : 0;
        const int cz = finite ? std::clamp(int(std::clamp(z / kCell, -1.0f, float(m_rows))), 0, m_rows - 1) : 0;
        // The cell's list covers every part a circle of `radius` can touch while its centre
        // stays within (kMargin - radius) of the cell; leaving that reach redoes the pass in full.
        const float reach = kMargin - radius;
        const float lx = float(cx) * kCell - reach, hx = float(cx + 1) * kCell + reach;
        const float lz = float(cz) * kCell - reach, hz = float(cz + 1) * kCell + reach;
        const size_t c = size_t(cz) * size_t(m_cols) + size_t(cx);
        bool passMoved = false, escaped = !finite || reach <= 0.0f || x < lx || x > hx || z < lz || z > hz;
        for (uint32_t k = m_cellStart[c]; k < m_cellStart[c + 1] && !escaped; ++k) {
            if (!pushOut(x, z, radius, m_rects[m_cellItems[k]])) continue;
            passMoved = true;
            escaped = x < lx || x > hx || z < lz || z > hz;
        }
        if (escaped) {
            x = x0;
            z = z0;
            passMoved = false;
            for (const Rect& r : m_rects) passMoved |= pushOut(x, z, radius, r);
        }
        moved |= passMoved;
    }
    float nx = std::clamp(x, radius, m_hallSize.x - radius), nz = std::clamp(z, radius, m_hallSize.y - radius);
    if (nx != x || nz != z) { x = nx; z = nz; moved = true; }
    return moved;
}

namespace {

template <typename Resolve> void stepWith(AvatarState& a, const MoveInput& in, float dt, Resolve&& resolve) {
    float mx = std::isfinite(in.moveX) ? std::clamp(in.moveX, -1.0f, 1.0f) : 0.0f;
    float mz = std::isfinite(in.moveZ) ? std::clamp(in.moveZ, -1.0f, 1.0f) : 0.0f;
    float len = std::sqrt(mx * mx + mz * mz);
    if (len > 1.0f) { mx /= len; mz /= len; len = 1.0f; }
    const float speed = in.run ? kRunSpeed : kWalkSpeed;
    dt = std::clamp(dt, 0.0f, 0.1f);
    // Sub-step so a fast avatar cannot tunnel through a thin backdrop.
    const int steps = 2;
    for (int i = 0; i < steps; ++i) {
        a.x += mx * speed * dt / steps;
        a.z += mz * speed * dt / steps;
        resolve(a.x, a.z);
    }
    if (std::isfinite(in.yaw)) {
        float y = std::fmod(in.yaw, 2.0f * std::numbers::pi_v<float>);
        if (y < 0) y += 2.0f * std::numbers::pi_v<float>;
        a.yaw = y;
    }
    a.anim = len < 0.05f ? Anim::Idle : (in.run ? Anim::Run : Anim::Walk);
    a = quantized(a);
}

}  // namespace

void stepAvatar(AvatarState& a, const MoveInput& in, float dt, const FloorColliders& colliders) {
    stepWith(a, in, dt, [&](float& x, float& z) { colliders.resolve(x, z, kAvatarRadius); });
}

void stepAvatar(AvatarState& a, const MoveInput& in, float dt, const std::vector<HallPart>& parts, Vec2 hallSize) {
    stepWith(a, in, dt, [&](float& x, float& z) { resolveCollisions(x, z, kAvatarRadius, parts, hallSize); });
}

AvatarState quantized(const AvatarState& a) {
    AvatarState q = a;
    q.x = float(toCentimetres(a.x)) / 100.0f;
    q.z = float(toCentimetres(a.z)) / 100.0f;
    q.yaw = fromYawStep(toYawStep(a.yaw));
    return q;
}

}  // namespace net
