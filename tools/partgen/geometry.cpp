// geometry.cpp: partgen's mesh primitives.
#include "tools/partgen/geometry.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <numbers>
#include <unordered_map>

namespace tools::geo {

namespace {

constexpr double kPi = std::numbers::pi;

Vec3 toVec3(D3 d) { return {float(d.x), float(d.y), float(d.z)}; }

// Outward normal of the edge a->b of a loop that has its material on the left.
V2 edgeNormal(V2 a, V2 b) {
    V2 d = normalize(b - a);
    return {d.y, -d.x};
}

double turnDegrees(V2 n0, V2 n1) {
    double c = std::clamp(dot(n0, n1), -1.0, 1.0);
    return std::acos(c) * 180.0 / kPi;
}

// Normals at both ends of every edge i (points[i] -> points[i+1]) of a closed or open polyline,
// shared (averaged) across vertices that turn by less than smoothDeg.
struct EdgeNormals {
    std::vector<V2> start, end;
};
EdgeNormals edgeNormals(const std::vector<V2>& pts, bool closed, double smoothDeg) {
    const size_t n = pts.size();
    const size_t edges = closed ? n : n - 1;
    std::vector<V2> en(edges);
    for (size_t i = 0; i < edges; ++i) en[i] = edgeNormal(pts[i], pts[(i + 1) % n]);
    EdgeNormals out{en, en};
    for (size_t v = 0; v < n; ++v) {
        // vertex v joins edge (v-1) and edge v
        if (!closed && (v == 0 || v == n - 1)) continue;
        size_t ePrev = (v + edges - 1) % edges, eNext = v % edges;
        if (turnDegrees(en[ePrev], en[eNext]) < smoothDeg) {
            V2 avg = normalize(en[ePrev] + en[eNext]);
            out.end[ePrev] = avg;
            out.start[eNext] = avg;
        }
    }
    return out;
}

struct KeyHash {
    size_t operator()(const std::array<uint32_t, 6>& k) const {
        size_t h = 1469598103934665603ull;
        for (uint32_t v : k) h = (h ^ v) * 1099511628211ull;
        return h;
    }
};

uint32_t bits(float f) {
    if (f == 0.0f) f = 0.0f;  // -0 and +0 weld together
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

bool pointInTriangle(V2 p, V2 a, V2 b, V2 c) {
    const double e = -1e-12;
    return cross(b - a, p - a) >= e * length(b - a) && cross(c - b, p - b) >= e * length(c - b) &&
           cross(a - c, p - c) >= e * length(a - c);
}

bool samePoint(V2 a, V2 b) { return a.x == b.x && a.y == b.y; }

}  // namespace

Frame axisX(D3 origin) { return Frame{origin, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}}; }
Frame axisY(D3 origin) { return Frame{origin, {1, 0, 0}, {0, 0, 1}, {0, 1, 0}}; }

// --- MeshBuilder -----------------------------------------------------------------------------

uint32_t MeshBuilder::vertex(D3 p, D3 n) {
    m_pos.push_back(p);
    m_nrm.push_back(normalize(n));
    return uint32_t(m_pos.size() - 1);
}

void MeshBuilder::triangle(uint32_t a, uint32_t b, uint32_t c) {
    D3 g = cross(m_pos[b] - m_pos[a], m_pos[c] - m_pos[a]);
    D3 n = m_nrm[a] + m_nrm[b] + m_nrm[c];
    if (dot(g, n) < 0) std::swap(b, c);
    assert(length(g) > 0 && "degenerate triangle");
    m_idx.insert(m_idx.end(), {a, b, c});
}

Mesh MeshBuilder::finish() const {
    Mesh m;
    std::unordered_map<std::array<uint32_t, 6>, uint32_t, KeyHash> seen;
    std::vector<uint32_t> remap(m_pos.size());
    for (size_t i = 0; i < m_pos.size(); ++i) {
        Vec3 p = toVec3(m_pos[i]), n = toVec3(m_nrm[i]);
        std::array<uint32_t, 6> key{bits(p.x), bits(p.y), bits(p.z), bits(n.x), bits(n.y), bits(n.z)};
        auto [it, inserted] = seen.emplace(key, uint32_t(m.positions.size()));
        if (inserted) {
            m.positions.push_back(p);
            m.normals.push_back(n);
        }
        remap[i] = it->second;
    }
    m.indices.reserve(m_idx.size());
    for (uint32_t i : m_idx) m.indices.push_back(remap[i]);
    return m;
}

// --- 2D --------------------------------------------------------------------------------------

double signedArea(const std::vector<V2>& poly) {
    double a = 0;
    for (size_t i = 0; i < poly.size(); ++i) a += cross(poly[i], poly[(i + 1) % poly.size()]);
    return a * 0.5;
}

std::vector<uint32_t> triangulate(const std::vector<V2>& poly) {
    // Ear clipping that always clips the best-shaped ear (the polygons are small: one gear tooth,
    // one flange sector, one hull), which keeps slivers out of flat caps.
    std::vector<uint32_t> out;
    std::vector<uint32_t> v(poly.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = uint32_t(i);
    if (signedArea(poly) < 0) std::reverse(v.begin(), v.end());
    while (v.size() > 3) {
        const size_t m = v.size();
        size_t best = m, bestConvex = 0;
        double bestQuality = -1, bestCross = -1e300;
        for (size_t k = 0; k < m; ++k) {
            uint32_t i0 = v[(k + m - 1) % m], i1 = v[k], i2 = v[(k + 1) % m];
            V2 a = poly[i0], b = poly[i1], c = poly[i2];
            double cr = cross(b - a, c - b);
            if (cr > bestCross) { bestCross = cr; bestConvex = k; }
            if (cr <= 1e-12 * length(b - a) * length(c - b)) continue;  // reflex or straight
            bool ear = true;
            for (uint32_t j : v) {
                if (j == i0 || j == i1 || j == i2) continue;
                V2 p = poly[j];
                if (samePoint(p, a) || samePoint(p, b) || samePoint(p, c)) continue;
                if (pointInTriangle(p, a, b, c)) { ear = false; break; }
            }
            if (!ear) continue;
            // 1 for an equilateral triangle, towards 0 for slivers.
            const double e2 = dot(b - a, b - a) + dot(c - b, c - b) + dot(a - c, a - c);
            const double quality = 2.0 * std::sqrt(3.0) * cross(b - a, c - a) / e2;
            if (quality > bestQuality) { bestQuality = quality; best = k; }
        }
        if (best == m) {
            // Numerically stuck (should not happen for the simple polygons partgen makes): clip the
            // most convex corner so the caller still gets a closed surface.
            assert(false && "ear clipping found no ear");
            best = bestConvex;
        }
        out.insert(out.end(), {v[(best + m - 1) % m], v[best], v[(best + 1) % m]});
        v.erase(v.begin() + long(best));
    }
    out.insert(out.end(), {v[0], v[1], v[2]});
    return out;
}

std::vector<V2> convexHull(std::vector<V2> pts) {
    std::sort(pts.begin(), pts.end(), [](V2 a, V2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
    if (pts.size() < 3) return pts;
    std::vector<V2> h(2 * pts.size());
    size_t k = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
        while (k >= 2 && cross(h[k - 1] - h[k - 2], pts[i] - h[k - 2]) <= 1e-9) --k;
        h[k++] = pts[i];
    }
    for (size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && cross(h[k - 1] - h[k - 2], pts[i - 1] - h[k - 2]) <= 1e-9) --k;
        h[k++] = pts[i - 1];
    }
    h.resize(k - 1);
    return h;
}

std::vector<V2> circle(V2 centre, double r, int segments, double startAngle) {
    std::vector<V2> c(static_cast<size_t>(segments));
    for (int i = 0; i < segments; ++i) c[size_t(i)] = centre + polar(r, startAngle + 2.0 * kPi * i / segments);
    return c;
}

// --- primitives ------------------------------------------------------------------------------

void addExtrusion(MeshBuilder& mb, const Frame& f, const std::vector<std::vector<V2>>& caps,
                  const std::vector<Loop>& loops, double c0, double c1, double smoothDeg) {
    for (const Loop& loop : loops) {
        std::vector<V2> pts = loop.points;
        double area = signedArea(pts);
        if ((area < 0) != loop.hole) std::reverse(pts.begin(), pts.end());
        EdgeNormals en = edgeNormals(pts, true, smoothDeg);
        const size_t n = pts.size();
        for (size_t i = 0; i < n; ++i) {
            V2 a = pts[i], b = pts[(i + 1) % n];
            D3 na = f.dir(en.start[i].x, en.start[i].y, 0), nb = f.dir(en.end[i].x, en.end[i].y, 0);
            uint32_t a0 = mb.vertex(f.point(a.x, a.y, c0), na), a1 = mb.vertex(f.point(a.x, a.y, c1), na);
            uint32_t b0 = mb.vertex(f.point(b.x, b.y, c0), nb), b1 = mb.vertex(f.point(b.x, b.y, c1), nb);
            mb.quad(a0, b0, b1, a1);
        }
    }
    const D3 down = f.dir(0, 0, c1 > c0 ? -1 : 1), up = down * -1.0;
    for (const auto& cap : caps) {
        std::vector<uint32_t> tri = triangulate(cap);
        for (double c : {c0, c1}) {
            const D3 n = c == c0 ? down : up;
            std::vector<uint32_t> ids(cap.size());
            for (size_t i = 0; i < cap.size(); ++i) ids[i] = mb.vertex(f.point(cap[i].x, cap[i].y, c), n);
            for (size_t t = 0; t < tri.size(); t += 3) mb.triangle(ids[tri[t]], ids[tri[t + 1]], ids[tri[t + 2]]);
        }
    }
}

void addPrism(MeshBuilder& mb, const Frame& f, const std::vector<V2>& poly, double c0, double c1, double smoothDeg) {
    addExtrusion(mb, f, {poly}, {Loop{poly, false}}, c0, c1, smoothDeg);
}

void addRevolution(MeshBuilder& mb, const Frame& f, const std::vector<V2>& profileIn, bool closedLoop, int segments,
                   double smoothDeg) {
    std::vector<V2> prof = profileIn;  // (axial, radius)
    // Material on the left of the profile's direction, as for loops.
    double area = signedArea(prof);
    if (area < 0) std::reverse(prof.begin(), prof.end());
    EdgeNormals en = edgeNormals(prof, closedLoop, smoothDeg);
    std::vector<double> cs(static_cast<size_t>(segments)), sn(static_cast<size_t>(segments));
    for (int j = 0; j < segments; ++j) {
        cs[size_t(j)] = std::cos(2.0 * kPi * j / segments);
        sn[size_t(j)] = std::sin(2.0 * kPi * j / segments);
    }
    auto pos = [&](V2 p, size_t j) { return f.point(p.y * cs[j], p.y * sn[j], p.x); };
    auto nrm = [&](V2 n, size_t j) { return f.dir(n.y * cs[j], n.y * sn[j], n.x); };
    const size_t n = prof.size(), edges = closedLoop ? n : n - 1;
    for (size_t i = 0; i < edges; ++i) {
        V2 a = prof[i], b = prof[(i + 1) % n];
        if (a.y <= 0 && b.y <= 0) continue;  // along the axis
        for (size_t j = 0; j < size_t(segments); ++j) {
            size_t j1 = (j + 1) % size_t(segments);
            uint32_t a0 = mb.vertex(pos(a, j), nrm(en.start[i], j)), a1 = mb.vertex(pos(a, j1), nrm(en.start[i], j1));
            uint32_t b0 = mb.vertex(pos(b, j), nrm(en.end[i], j)), b1 = mb.vertex(pos(b, j1), nrm(en.end[i], j1));
            if (a.y <= 0) mb.triangle(a0, b1, b0);
            else if (b.y <= 0) mb.triangle(a0, a1, b0);
            else mb.quad(a0, a1, b1, b0);
        }
    }
}

void addCylinder(MeshBuilder& mb, const Frame& f, double radius, double c0, double c1, int segments) {
    addRevolution(mb, f, {{c0, 0}, {c0, radius}, {c1, radius}, {c1, 0}}, false, segments);
}

void addTube(MeshBuilder& mb, const Frame& f, double innerRadius, double outerRadius, double c0, double c1, int segments) {
    addRevolution(mb, f, {{c0, innerRadius}, {c0, outerRadius}, {c1, outerRadius}, {c1, innerRadius}}, true, segments);
}

void addBox(MeshBuilder& mb, D3 lo, D3 hi) {
    const D3 c[8] = {{lo.x, lo.y, lo.z}, {hi.x, lo.y, lo.z}, {hi.x, hi.y, lo.z}, {lo.x, hi.y, lo.z},
                     {lo.x, lo.y, hi.z}, {hi.x, lo.y, hi.z}, {hi.x, hi.y, hi.z}, {lo.x, hi.y, hi.z}};
    struct Face { int a, b, cc, d; D3 n; };
    const Face faces[6] = {{0, 3, 2, 1, {0, 0, -1}}, {4, 5, 6, 7, {0, 0, 1}}, {0, 4, 7, 3, {-1, 0, 0}},
                           {1, 2, 6, 5, {1, 0, 0}},  {0, 1, 5, 4, {0, -1, 0}}, {3, 7, 6, 2, {0, 1, 0}}};
    for (const Face& fc : faces) {
        uint32_t a = mb.vertex(c[fc.a], fc.n), b = mb.vertex(c[fc.b], fc.n), cc = mb.vertex(c[fc.cc], fc.n),
                 d = mb.vertex(c[fc.d], fc.n);
        mb.quad(a, b, cc, d);
    }
}

void addSweep(MeshBuilder& mb, const Sweep& s) {
    const size_t rings = s.centres.size();
    assert(rings >= 2 && s.sections.size() == rings);
    const size_t k = s.sections[0].size();
    // Positions (ground onto the floor / ceiling planes) and normals per ring.
    std::vector<std::vector<D3>> pos(rings, std::vector<D3>(k)), nrm(rings, std::vector<D3>(k));
    std::vector<std::vector<bool>> ground(rings, std::vector<bool>(k));
    auto grind = [&](D3& p) {
        if (p.y < s.floorY) { p.y = s.floorY; return -1; }
        if (p.y > s.ceilingY) { p.y = s.ceilingY; return 1; }
        return 0;
    };
    for (size_t i = 0; i < rings; ++i) {
        std::vector<V2> sec = s.sections[i];
        assert(sec.size() == k);
        if (signedArea(sec) < 0) std::reverse(sec.begin(), sec.end());
        EdgeNormals en = edgeNormals(sec, true, 180.0);
        for (size_t j = 0; j < k; ++j) {
            V2 n2 = en.start[j];  // averaged at every vertex (smoothDeg 180)
            D3 p = s.centres[i] + s.normals[i] * sec[j].x + s.binormals[i] * sec[j].y;
            D3 n = s.normals[i] * n2.x + s.binormals[i] * n2.y;
            int g = grind(p);
            if (g != 0) n = D3{0, double(g), 0};
            pos[i][j] = p;
            nrm[i][j] = n;
        }
    }
    for (size_t i = 0; i + 1 < rings; ++i) {
        for (size_t j = 0; j < k; ++j) {
            size_t j1 = (j + 1) % k;
            uint32_t a0 = mb.vertex(pos[i][j], nrm[i][j]), a1 = mb.vertex(pos[i][j1], nrm[i][j1]);
            uint32_t b0 = mb.vertex(pos[i + 1][j], nrm[i + 1][j]), b1 = mb.vertex(pos[i + 1][j1], nrm[i + 1][j1]);
            mb.quad(a0, a1, b1, b0);
        }
    }
    for (int end = 0; end < 2; ++end) {
        const size_t i = end == 0 ? 0 : rings - 1;
        D3 t = normalize(end == 0 ? s.centres[0] - s.centres[1] : s.centres[rings - 1] - s.centres[rings - 2]);
        D3 c{};
        for (const D3& p : pos[i]) c = c + p;
        c = c * (1.0 / double(k));
        uint32_t ci = mb.vertex(c, t);
        for (size_t j = 0; j < k; ++j) {
            uint32_t a = mb.vertex(pos[i][j], t), b = mb.vertex(pos[i][(j + 1) % k], t);
            mb.triangle(ci, a, b);
        }
    }
}

}  // namespace tools::geo
