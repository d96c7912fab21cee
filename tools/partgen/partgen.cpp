// partgen.cpp: forged and machined parts (gear, flange, axle, crankshaft, connecting rod, ring,
// crane hook, chain sprocket, coil spring).
#include "tools/partgen/partgen.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "tools/partgen/geometry.h"
#include "tools/partgen/partgen_common.h"

namespace tools {

using detail::addPart;
using detail::checkRange;
using detail::num;
using geo::D3;
using geo::Frame;
using geo::MeshBuilder;
using geo::V2;

namespace {

constexpr double kPi = std::numbers::pi;

int segmentsFor(double diameter, int lo, int hi) {
    return std::clamp(int(std::ceil(kPi * diameter / 6.0)), lo, hi);
}

struct Polar {
    double r = 0, a = 0;
};

// A disc whose outline is a closed loop around the origin, with a concentric bore (0 = solid),
// extruded from c0 to c1. The cap is tiled by one sector per tooth: from outline point
// sectorStart[k] to sectorStart[k+1] and back along the bore, so no polygon has a hole.
void addToothedDisc(MeshBuilder& mb, const Frame& f, const std::vector<V2>& outline, const std::vector<size_t>& sectorStart,
                    double boreRadius, int boreSegmentsPerSector, double c0, double c1) {
    const size_t k = sectorStart.size();
    const size_t n = outline.size();
    std::vector<std::vector<V2>> bore(k);
    std::vector<double> angle(k);
    for (size_t s = 0; s < k; ++s) angle[s] = std::atan2(outline[sectorStart[s]].y, outline[sectorStart[s]].x);
    if (boreRadius > 0) {
        for (size_t s = 0; s < k; ++s) {
            double a0 = angle[s], a1 = angle[(s + 1) % k];
            while (a1 <= a0) a1 += 2 * kPi;
            for (int j = 0; j < boreSegmentsPerSector; ++j)
                bore[s].push_back(geo::polar(boreRadius, a0 + (a1 - a0) * j / boreSegmentsPerSector));
        }
    }
    std::vector<std::vector<V2>> caps;
    std::vector<V2> boreLoop;
    for (size_t s = 0; s < k; ++s) {
        std::vector<V2> poly;
        for (size_t i = sectorStart[s];; i = (i + 1) % n) {
            poly.push_back(outline[i]);
            if (i == sectorStart[(s + 1) % k]) break;
        }
        if (boreRadius > 0) {
            poly.push_back(bore[(s + 1) % k][0]);
            for (size_t j = bore[s].size(); j-- > 0;) poly.push_back(bore[s][j]);
            boreLoop.insert(boreLoop.end(), bore[s].begin(), bore[s].end());
        } else {
            poly.push_back({0, 0});
        }
        caps.push_back(std::move(poly));
    }
    std::vector<geo::Loop> loops{{outline, false}};
    if (boreRadius > 0) loops.push_back({boreLoop, true});
    geo::addExtrusion(mb, f, caps, loops, c0, c1);
}

std::vector<V2> toCartesian(const std::vector<Polar>& pts, double rotate) {
    std::vector<V2> out;
    out.reserve(pts.size());
    for (const Polar& p : pts) out.push_back(geo::polar(p.r, p.a + rotate));
    return out;
}

// Drops points that lie within `tol` of the line through their neighbours. The end points sit on
// mirror lines and stay; an end point whose neighbour and that neighbour's mirror image make a
// straight line loses the neighbour instead. Nearly straight runs otherwise make sliver cap
// triangles, e.g. where the involute meets the radial flank at the base circle, or on a very short
// tip land.
void dropNearlyStraight(std::vector<Polar>& pts, double tol) {
    auto deviation = [](Polar pa, Polar pb, Polar pc) {
        const V2 a = geo::polar(pa.r, pa.a), b = geo::polar(pb.r, pb.a), c = geo::polar(pc.r, pc.a);
        const double chord = geo::length(c - a);
        return chord > 0 ? std::abs(geo::cross(c - a, b - a)) / chord : geo::length(b - a);
    };
    auto mirror = [](Polar p, double line) { return Polar{p.r, 2 * line - p.a}; };
    for (;;) {
        const size_t n = pts.size();
        if (n < 3) return;
        size_t drop = 0;
        double least = tol;
        for (size_t i = 0; i < n; ++i) {
            double dev = 0;
            size_t victim = i;
            if (i == 0) {
                dev = deviation(mirror(pts[1], pts[0].a), pts[0], pts[1]);
                victim = 1;
            } else if (i == n - 1) {
                dev = deviation(pts[n - 2], pts[n - 1], mirror(pts[n - 2], pts[n - 1].a));
                victim = n - 2;
            } else {
                dev = deviation(pts[i - 1], pts[i], pts[i + 1]);
            }
            if (dev < least && victim > 0 && victim < n - 1) { least = dev; drop = victim; }
        }
        if (drop == 0) return;
        pts.erase(pts.begin() + long(drop));
    }
}

// One pitch from a half profile that runs from angle 0 to the mirror line at angle `half`:
// the half itself, then its mirror image back, without repeating the ends.
std::vector<Polar> mirrorPitch(const std::vector<Polar>& halfProfile, double half) {
    std::vector<Polar> pitch = halfProfile;
    for (size_t i = halfProfile.size() - 1; i-- > 1;) pitch.push_back({halfProfile[i].r, 2 * half - halfProfile[i].a});
    return pitch;
}

}  // namespace

// --- spur gear -------------------------------------------------------------------------------

bool makeSpurGear(const SpurGearParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--module", p.module, 0.3, 50, error)) return false;
    if (!checkRange("--teeth", p.teeth, 6, 200, error)) return false;
    if (!checkRange("--face-width", p.faceWidth, 0.5, 2000, error)) return false;
    if (!checkRange("--pressure-angle", p.pressureAngle, 14.5, 30, error)) return false;
    const double m = p.module;
    const int z = p.teeth;
    const double alpha = p.pressureAngle * kPi / 180.0;
    const double r = m * z / 2, rb = r * std::cos(alpha), ra = r + m, rf = r - 1.25 * m;
    const double maxBore = 2 * rf - 2 * m;
    if (!checkRange("--bore", p.bore, 0, maxBore, error,
                    "the root diameter m(z-2.5) = " + num(2 * rf) + " mm less a rim of one module each side"))
        return false;

    auto inv = [](double a) { return std::tan(a) - a; };
    const double psi = kPi / (2.0 * z);  // half tooth thickness angle at the pitch circle
    auto halfAngle = [&](double rho) { return psi + inv(alpha) - inv(std::acos(std::min(1.0, rb / rho))); };
    if (halfAngle(ra) <= 0.002) {
        error = "--teeth is " + std::to_string(z) + ": the teeth come to a point at this pressure angle; use more teeth";
        return false;
    }

    // Half a pitch, from the tooth's centre line at the tip to the middle of the next space.
    std::vector<Polar> half;
    const int nTip = 4, nFlank = 20, nFillet = 6;
    for (int i = 0; i <= nTip; ++i) half.push_back({ra, halfAngle(ra) * i / nTip});
    const double rStart = std::max(rb, rf);
    // Involute sampled evenly in roll angle, from the tip down to the base circle (or root).
    const double eTip = std::sqrt(ra * ra / (rb * rb) - 1), eStart = std::sqrt(std::max(0.0, rStart * rStart / (rb * rb) - 1));
    for (int i = 1; i <= nFlank; ++i) {
        double e = eTip + (eStart - eTip) * i / nFlank;
        double rho = i == nFlank ? rStart : rb * std::sqrt(1 + e * e);
        half.push_back({rho, halfAngle(rho)});
    }
    const double spaceMid = kPi / z;
    double rootStart = halfAngle(rStart);
    if (rf < rb) {
        // Radial flank below the base circle, then a circular fillet tangent to it and the root.
        const double gamma = halfAngle(rb);
        const double sd = std::sin(spaceMid - gamma);
        double rho = std::min({0.38 * m, 0.95 * rf * sd / (1 - sd), 0.95 * (rb * rb - rf * rf) / (2 * rf)});
        if (rho > 0.05 * m) {
            const double rc = rf + rho, delta = std::asin(rho / rc);
            const V2 c = geo::polar(rc, gamma + delta);
            const V2 t1 = geo::polar(std::sqrt(rc * rc - rho * rho), gamma);
            half.push_back({geo::length(t1), gamma});
            double a1 = std::atan2(t1.y - c.y, t1.x - c.x), a2 = std::atan2(-c.y, -c.x);  // towards the origin
            double d = a2 - a1;
            while (d > kPi) d -= 2 * kPi;
            while (d < -kPi) d += 2 * kPi;
            for (int i = 1; i <= nFillet; ++i) {
                V2 q = c + geo::polar(rho, a1 + d * i / nFillet);
                half.push_back({geo::length(q), std::atan2(q.y, q.x)});
            }
            rootStart = gamma + delta;
        } else {
            half.push_back({rf, gamma});
            rootStart = gamma;
        }
    }
    const double span = spaceMid - rootStart;
    const int nRoot = std::max(1, int(std::ceil(span / (3.0 * kPi / 180.0))));
    if (span > 1e-6) {
        for (int i = 1; i <= nRoot; ++i) half.push_back({rf, i == nRoot ? spaceMid : rootStart + span * i / nRoot});
    } else {
        half.back() = {rf, spaceMid};
    }

    dropNearlyStraight(half, 2e-4 * m);
    const std::vector<Polar> pitch = mirrorPitch(half, spaceMid);
    std::vector<V2> outline;
    std::vector<size_t> sectorStart;
    for (int k = 0; k < z; ++k) {
        std::vector<V2> pts = toCartesian(pitch, 2 * kPi * k / z);
        sectorStart.push_back(outline.size() + half.size() - 1);
        outline.insert(outline.end(), pts.begin(), pts.end());
    }
    MeshBuilder mb;
    addToothedDisc(mb, geo::axisY(), outline, sectorStart, p.bore / 2, std::max(1, int(std::ceil(72.0 / z))), 0, p.faceWidth);
    out = PartScene{"spur_gear", {}, {}};
    addPart(out, "gear", machinedSteel(), mb);
    detail::restOnFloor(out);
    return true;
}

// --- flange ----------------------------------------------------------------------------------

bool makeFlange(const FlangeParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--outer-diameter", p.outerDiameter, 20, 5000, error)) return false;
    if (!checkRange("--thickness", p.thickness, 1, 500, error)) return false;
    if (!checkRange("--bolts", p.bolts, 3, 64, error)) return false;
    if (!checkRange("--bolt-hole", p.boltHole, 1, p.outerDiameter / 4, error, "at most a quarter of the outer diameter"))
        return false;
    const double margin = std::max(1.0, 0.15 * p.boltHole);
    const double maxBolt = p.outerDiameter - p.boltHole - 2 * margin;
    if (!checkRange("--bore", p.bore, 1, maxBolt - p.boltHole - 2 * margin, error,
                    "the bore must leave room for the bolt holes inside the outer diameter"))
        return false;
    const double inner = std::max(p.bore, p.hubDiameter);
    if (!checkRange("--bolt-circle", p.boltCircle, inner + p.boltHole + 2 * margin, maxBolt, error,
                    "the holes must clear the " + std::string(p.hubDiameter > p.bore ? "hub" : "bore") + " and the rim"))
        return false;
    const int maxBolts = std::max(3, int(std::floor(kPi / std::asin(std::min(1.0, 0.6 * p.boltHole / (p.boltCircle / 2))))));
    if (!checkRange("--bolts", p.bolts, 3, maxBolts, error,
                    "holes of " + num(p.boltHole) + " mm must not touch on a " + num(p.boltCircle) + " mm bolt circle"))
        return false;
    if (p.hubDiameter != 0) {
        if (!checkRange("--hub-diameter", p.hubDiameter, p.bore + 2, p.boltCircle - p.boltHole - 2 * margin, error,
                        "or 0 for no hub; the hub stands between the bore and the bolt holes"))
            return false;
        if (!checkRange("--hub-height", p.hubHeight, 0.5, 2000, error)) return false;
    }

    const int n = p.bolts;
    const double ro = p.outerDiameter / 2, rb = p.bore / 2, rbc = p.boltCircle / 2, rh = p.boltHole / 2;
    const int outerPer = std::max(2, int(std::ceil(double(segmentsFor(p.outerDiameter, 64, 160)) / n)));
    const int borePer = std::max(2, int(std::ceil(double(segmentsFor(p.bore, 48, 128)) / n)));
    const int holeHalf = std::clamp(int(std::ceil(p.boltHole / 2.5)), 6, 16);
    // Shared point tables, so neighbouring sectors and the walls use identical points.
    std::vector<std::vector<V2>> outer(static_cast<size_t>(n)), bore(static_cast<size_t>(n)), hole(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        const double a0 = 2 * kPi * k / n, step = 2 * kPi / n;
        for (int j = 0; j < outerPer; ++j) outer[size_t(k)].push_back(geo::polar(ro, a0 + step * j / outerPer));
        for (int j = 0; j < borePer; ++j) bore[size_t(k)].push_back(geo::polar(rb, a0 + step * j / borePer));
        const V2 c = geo::polar(rbc, a0), u = geo::polar(1, a0), t{-u.y, u.x};
        for (int j = 0; j < 2 * holeHalf; ++j) {
            double psi = kPi * j / holeHalf;
            hole[size_t(k)].push_back(c + u * (rh * std::cos(psi)) + t * (rh * std::sin(psi)));
        }
        // Points on the radial line through the hole centre: exactly on it, for both sectors.
        hole[size_t(k)][0] = geo::polar(rbc + rh, a0);
        hole[size_t(k)][size_t(holeHalf)] = geo::polar(rbc - rh, a0);
    }
    std::vector<std::vector<V2>> caps;
    std::vector<geo::Loop> loops;
    std::vector<V2> outerLoop, boreLoop;
    for (int k = 0; k < n; ++k) {
        const size_t a = size_t(k), b = size_t((k + 1) % n);
        std::vector<V2> poly{bore[a][0]};
        for (int j = holeHalf; j >= 0; --j) poly.push_back(hole[a][size_t(j)]);
        poly.insert(poly.end(), outer[a].begin(), outer[a].end());
        poly.push_back(outer[b][0]);
        poly.push_back(hole[b][0]);
        for (int j = 2 * holeHalf - 1; j >= holeHalf; --j) poly.push_back(hole[b][size_t(j)]);
        poly.push_back(bore[b][0]);
        for (int j = borePer - 1; j >= 1; --j) poly.push_back(bore[a][size_t(j)]);
        caps.push_back(std::move(poly));
        outerLoop.insert(outerLoop.end(), outer[a].begin(), outer[a].end());
        boreLoop.insert(boreLoop.end(), bore[a].begin(), bore[a].end());
        loops.push_back({hole[a], true});
    }
    loops.push_back({outerLoop, false});
    loops.push_back({boreLoop, true});
    out = PartScene{"flange", {}, {}};
    MeshBuilder plate;
    geo::addExtrusion(plate, geo::axisY(), caps, loops, 0, p.thickness);
    addPart(out, "flange_plate", machinedSteel(), plate);
    if (p.hubDiameter > 0) {
        const double rhub = p.hubDiameter / 2, t = p.thickness, h = p.hubHeight;
        const double c = std::min({2.0, 0.2 * (rhub - rb), 0.3 * h});
        MeshBuilder hub;
        geo::addRevolution(hub, geo::axisY(), {{t, rb}, {t, rhub}, {t + h - c, rhub}, {t + h, rhub - c}, {t + h, rb}}, true,
                           segmentsFor(p.hubDiameter, 48, 128));
        addPart(out, "hub", forgedSteel(), hub);
    }
    detail::restOnFloor(out);
    return true;
}

// --- stepped axle ----------------------------------------------------------------------------

bool parseAxleSteps(const std::string& text, std::vector<AxleStep>& out, std::string& error) {
    out.clear();
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        AxleStep s;
        char colon = 0;
        std::stringstream is(item);
        if (!(is >> s.diameter >> colon >> s.length) || colon != ':' || !(is >> std::ws).eof()) {
            error = "--steps: \"" + item + "\" is not DIAMETER:LENGTH in millimetres (e.g. \"40:60,50:90\")";
            return false;
        }
        out.push_back(s);
    }
    if (out.empty()) {
        error = "--steps is empty; give DIAMETER:LENGTH pairs, e.g. \"40:60,50:90,40:60\"";
        return false;
    }
    return true;
}

bool makeSteppedAxle(const SteppedAxleParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--steps (count)", double(p.steps.size()), 1, 30, error)) return false;
    for (size_t i = 0; i < p.steps.size(); ++i) {
        std::string d = "--steps[" + std::to_string(i + 1) + "] diameter", l = "--steps[" + std::to_string(i + 1) + "] length";
        if (!checkRange(d.c_str(), p.steps[i].diameter, 2, 3000, error)) return false;
        if (!checkRange(l.c_str(), p.steps[i].length, 1, 20000, error)) return false;
    }
    if (!checkRange("--chamfer", p.chamfer, 0, 50, error)) return false;
    double total = 0;
    for (const AxleStep& s : p.steps) total += s.length;
    out = PartScene{"stepped_axle", {}, {}};
    double x = -total / 2;
    const size_t n = p.steps.size();
    for (size_t i = 0; i < n; ++i) {
        const double r = p.steps[i].diameter / 2, len = p.steps[i].length;
        auto exposed = [&](int nb) -> double {  // chamfer at the end facing neighbour nb
            if (nb < 0 || nb >= int(n)) return std::min({p.chamfer, 0.3 * r, 0.3 * len});
            const double rn = p.steps[size_t(nb)].diameter / 2;
            return rn < r ? std::min({p.chamfer, 0.5 * (r - rn), 0.3 * len}) : 0.0;
        };
        const double cl = exposed(int(i) - 1), cr = exposed(int(i) + 1);
        std::vector<V2> prof{{x, 0}};
        if (cl > 1e-6) prof.insert(prof.end(), {{x, r - cl}, {x + cl, r}});
        else prof.push_back({x, r});
        if (cr > 1e-6) prof.insert(prof.end(), {{x + len - cr, r}, {x + len, r - cr}});
        else prof.push_back({x + len, r});
        prof.push_back({x + len, 0});
        MeshBuilder mb;
        geo::addRevolution(mb, geo::axisX(), prof, false, segmentsFor(2 * r, 32, 128));
        addPart(out, "step_" + std::to_string(i + 1), machinedSteel(), mb);
        x += len;
    }
    detail::restOnFloor(out);
    return true;
}

// --- crankshaft ------------------------------------------------------------------------------

bool makeCrankshaft(const CrankshaftParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--throws", p.throws, 1, 12, error)) return false;
    if (!checkRange("--journal-diameter", p.journalDiameter, 10, 1000, error)) return false;
    if (!checkRange("--pin-diameter", p.pinDiameter, 0.4 * p.journalDiameter, 1.2 * p.journalDiameter, error,
                    "0.4 to 1.2 times the journal diameter"))
        return false;
    if (!checkRange("--stroke", p.stroke, 0.6 * p.pinDiameter, 8 * p.journalDiameter, error,
                    "0.6 x pin diameter to 8 x journal diameter"))
        return false;
    const int n = p.throws;
    const double dj = p.journalDiameter, dp = p.pinDiameter, crank = p.stroke / 2;
    const double lj = 0.55 * dj, lp = 0.62 * dp, tw = 0.3 * dj, lf = 0.8 * dj, tf = 0.32 * dj, df = 1.9 * dj;
    std::vector<double> phase(static_cast<size_t>(n));
    const std::vector<std::vector<double>> classic = {
        {0}, {0, 180}, {0, 120, 240}, {0, 180, 180, 0}, {0, 144, 288, 72, 216}, {0, 120, 240, 240, 120, 0}};
    for (int i = 0; i < n; ++i)
        phase[size_t(i)] = (n <= 6 ? classic[size_t(n - 1)][size_t(i)] : 360.0 * i / n) * kPi / 180.0;
    const double total = lf + (n + 1) * lj + n * (2 * tw + lp) + tf;
    out = PartScene{"crankshaft", {}, {}};
    const int seg = segmentsFor(dj, 40, 96);
    double x = -total / 2;
    auto shaft = [&](const std::string& name, const Material& mat, double d, double len, V2 offset) {
        MeshBuilder mb;
        const double c = std::min(1.0, 0.02 * d);
        geo::addRevolution(mb, geo::axisX({x, offset.x, offset.y}),
                           {{0, 0}, {0, d / 2 - c}, {c, d / 2}, {len - c, d / 2}, {len, d / 2 - c}, {len, 0}}, false, seg);
        addPart(out, name, mat, mb);
        x += len;
    };
    auto web = [&](int index, double ph) {
        std::vector<V2> pts;
        const V2 pin = geo::polar(crank, ph);
        for (const V2& q : geo::circle(pin, 0.72 * dp, 48)) pts.push_back(q);
        for (const V2& q : geo::circle({0, 0}, 0.78 * dj, 48)) pts.push_back(q);
        const double rcw = std::max(0.95 * dj, crank + 0.25 * dp);  // counterweight opposite the pin
        for (int i = 0; i <= 16; ++i) pts.push_back(geo::polar(rcw, ph + kPi + (-55 + 110.0 * i / 16) * kPi / 180.0));
        MeshBuilder mb;
        geo::addPrism(mb, geo::axisX({x, 0, 0}), geo::convexHull(pts), 0, tw);
        addPart(out, "crank_web_" + std::to_string(index), forgedSteel(), mb);
        x += tw;
    };
    shaft("front_end", machinedSteel(), 0.65 * dj, lf, {0, 0});
    shaft("main_journal_1", machinedSteel(), dj, lj, {0, 0});
    for (int i = 0; i < n; ++i) {
        const double ph = phase[size_t(i)];
        web(2 * i + 1, ph);
        shaft("crank_pin_" + std::to_string(i + 1), machinedSteel(), dp, lp, geo::polar(crank, ph));
        web(2 * i + 2, ph);
        shaft("main_journal_" + std::to_string(i + 2), machinedSteel(), dj, lj, {0, 0});
    }
    shaft("rear_flange", machinedSteel(), df, tf, {0, 0});
    detail::restOnFloor(out);
    return true;
}

// --- connecting rod --------------------------------------------------------------------------

bool makeConnectingRod(const ConnectingRodParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--big-end", p.bigEnd, 8, 800, error)) return false;
    if (!checkRange("--small-end", p.smallEnd, 4, p.bigEnd, error, "up to the big-end bore")) return false;
    if (!checkRange("--thickness", p.thickness, 0.2 * p.bigEnd, 1.5 * p.bigEnd, error, "0.2 to 1.5 times the big-end bore"))
        return false;
    const double db = p.bigEnd, ds = p.smallEnd, t = p.thickness;
    const double shellT = std::max(1.0, 0.035 * db), bushT = std::max(0.8, 0.07 * ds);
    const double bigIn = db / 2 + shellT, bigOut = bigIn + std::max(4.0, 0.28 * db);
    const double smallIn = ds / 2 + bushT, smallOut = smallIn + std::max(3.0, 0.35 * ds);
    const double offB = (bigIn + bigOut) / 2, offS = (smallIn + smallOut) / 2;
    const double minL = offB + offS + std::max(5.0, 0.2 * db);
    if (!checkRange("--center-distance", p.centerDistance, minL, 40 * db, error, "the shank needs room between the two eyes"))
        return false;
    const double len = p.centerDistance, ts = 0.85 * t;
    out = PartScene{"connecting_rod", {}, {}};
    const Frame big = geo::axisY({-len / 2, 0, 0}), small = geo::axisY({len / 2, 0, 0});
    const int segB = segmentsFor(2 * bigOut, 48, 128), segS = segmentsFor(2 * smallOut, 40, 96);
    {
        MeshBuilder mb;
        geo::addTube(mb, big, bigIn, bigOut, 0, t, segB);
        addPart(out, "big_end", forgedSteel(), mb);
    }
    {
        MeshBuilder mb;
        geo::addTube(mb, big, db / 2, bigIn, 0, t, segB);
        addPart(out, "big_end_bearing", bronze(), mb);
    }
    {
        MeshBuilder mb;
        geo::addTube(mb, small, smallIn, smallOut, (t - ts) / 2, (t + ts) / 2, segS);
        addPart(out, "small_end", forgedSteel(), mb);
    }
    {
        MeshBuilder mb;
        geo::addTube(mb, small, ds / 2, smallIn, (t - ts) / 2, (t + ts) / 2, segS);
        addPart(out, "small_end_bushing", bronze(), mb);
    }
    // I-beam shank: flanges along both edges, a thinner web between; its ends sit inside the eyes.
    const double hw = 0.95 * std::min({0.8 * smallOut, std::sqrt(smallOut * smallOut - offS * offS),
                                       std::sqrt(bigOut * bigOut - offB * offB)});
    const double fl = std::max(1.5, 0.32 * hw), hf = 0.46 * std::min(t, ts), web = 0.18 * t, yc = t / 2;
    const std::vector<V2> ibeam = {{-hw, yc - hf}, {-hw + fl, yc - hf}, {-hw + fl, yc - web}, {hw - fl, yc - web},
                                   {hw - fl, yc - hf}, {hw, yc - hf},   {hw, yc + hf},        {hw - fl, yc + hf},
                                   {hw - fl, yc + web}, {-hw + fl, yc + web}, {-hw + fl, yc + hf}, {-hw, yc + hf}};
    MeshBuilder mb;
    const Frame shank{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}};  // section in (z, y), extruded along x
    geo::addPrism(mb, shank, ibeam, -len / 2 + offB, len / 2 - offS);
    addPart(out, "shank", forgedSteel(), mb);
    detail::restOnFloor(out);
    return true;
}

// --- forged ring -----------------------------------------------------------------------------

bool makeForgedRing(const ForgedRingParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--outer-diameter", p.outerDiameter, 20, 10000, error)) return false;
    if (!checkRange("--inner-diameter", p.innerDiameter, 2, p.outerDiameter - 4, error,
                    "below the outer diameter, with a wall of at least 2 mm"))
        return false;
    if (!checkRange("--height", p.height, 2, 5000, error)) return false;
    const double ri = p.innerDiameter / 2, ro = p.outerDiameter / 2, h = p.height;
    const double c = std::min({3.0, 0.08 * (ro - ri), 0.08 * h});
    MeshBuilder mb;
    geo::addRevolution(mb, geo::axisY(),
                       {{0, ri + c}, {0, ro - c}, {c, ro}, {h - c, ro}, {h, ro - c}, {h, ri + c}, {h - c, ri}, {c, ri}}, true,
                       segmentsFor(p.outerDiameter, 64, 192));
    out = PartScene{"forged_ring", {}, {}};
    addPart(out, "ring", forgedSteel(), mb);
    detail::restOnFloor(out);
    return true;
}

// --- bearing ring ----------------------------------------------------------------------------

bool makeBearingRing(const BearingRingParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--bore", p.bore, 4, 2000, error)) return false;
    if (!checkRange("--outer-diameter", p.outerDiameter, p.bore + 4, 2500, error,
                    "above the bore, with a wall of at least 2 mm"))
        return false;
    if (!checkRange("--width", p.width, 2, 1000, error)) return false;
    if (!checkRange("--ball-diameter", p.ballDiameter, 1, 1000, error)) return false;
    const double ri = p.bore / 2, ro = p.outerDiameter / 2, h = p.width;
    const double rg = 0.52 * p.ballDiameter, depth = 0.18 * p.ballDiameter;
    const double c = std::min({1.5, 0.08 * (ro - ri), 0.08 * h});
    // The groove's arc meets the outer face at half-width rg * sin(t0), cos(t0) = (rg - depth) / rg.
    const double t0 = std::acos((rg - depth) / rg);
    if (2 * rg * std::sin(t0) > h - 4 * c || depth > 0.6 * (ro - ri)) {
        error = "--ball-diameter " + detail::num(p.ballDiameter) +
                ": its raceway does not fit the ring; the groove (1.04 x the ball wide at most, 0.18 x deep) must be "
                "narrower than --width and shallower than half the wall";
        return false;
    }
    // Profile in (height, radius), as the forged ring's; the raceway dips in between the shoulders.
    std::vector<V2> profile = {{0, ri + c}, {0, ro - c}, {c, ro}};
    const double rc = ro - depth + rg;  // the groove arc's centre radius
    const int steps = 24;
    for (int i = 0; i <= steps; ++i) {
        const double t = -t0 + 2 * t0 * double(i) / steps;
        profile.push_back({h / 2 + rg * std::sin(t), rc - rg * std::cos(t)});
    }
    for (V2 v : std::vector<V2>{{h - c, ro}, {h, ro - c}, {h, ri + c}, {h - c, ri}, {c, ri}}) profile.push_back(v);
    MeshBuilder mb;
    geo::addRevolution(mb, geo::axisY(), profile, true, segmentsFor(p.outerDiameter, 64, 192));
    out = PartScene{"bearing_ring", {}, {}};
    addPart(out, "ring", polishedSteel(), mb);
    detail::restOnFloor(out);
    return true;
}

// --- crane hook ------------------------------------------------------------------------------

namespace {

struct HookSection {
    double depth = 0, inner = 0, outer = 0;  // radial depth, width at the inside and outside of the bend
    double squareness = 1;                   // 1 = ellipse, smaller = squarer
};

HookSection lerp(const HookSection& a, const HookSection& b, double t) {
    return {a.depth + (b.depth - a.depth) * t, a.inner + (b.inner - a.inner) * t, a.outer + (b.outer - a.outer) * t,
            a.squareness + (b.squareness - a.squareness) * t};
}

std::vector<V2> hookSectionLoop(const HookSection& s, int k) {
    std::vector<V2> pts;
    auto spow = [](double v, double e) { return (v < 0 ? -1.0 : 1.0) * std::pow(std::abs(v), e); };
    for (int j = 0; j < k; ++j) {
        double tau = 2 * kPi * j / k;
        double u = s.depth / 2 * spow(std::cos(tau), s.squareness);
        double w = s.outer + (s.inner - s.outer) * (u / s.depth + 0.5);
        pts.push_back({u, w / 2 * spow(std::sin(tau), s.squareness)});
    }
    return pts;
}

double smooth(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3 - 2 * t);
}

}  // namespace

bool makeCraneHook(const CraneHookParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--capacity-t", p.capacityT, 0.1, 250, error)) return false;
    const double a1 = 30 * std::sqrt(p.capacityT) + 14;  // bowl (throat) diameter
    const double h = 0.9 * a1, ds = 0.5 * a1, ls = 1.6 * a1;
    const double rc = a1 / 2 + h / 2;  // centreline radius of the bowl
    const double ys = rc + 0.6 * a1;   // where the shank meets the body
    const HookSection shankSec{ds, ds, ds, 1.0};
    const HookSection backSec{0.82 * h, 0.82 * 0.62 * h, 0.82 * 0.38 * h, 0.75};
    const HookSection bottomSec{h, 0.62 * h, 0.38 * h, 0.7};
    const HookSection tipSec{0.45 * h, 0.45 * 0.55 * h, 0.45 * 0.45 * h, 0.9};

    geo::Sweep sw;
    std::vector<HookSection> secs;
    // Back: a cubic from the shank down to the left of the bowl, both ends heading straight down.
    const V2 b0{0, ys}, b1{0, ys * 0.45}, b2{-rc, ys * 0.5}, b3{-rc, 0};
    const int nBack = 16;
    for (int i = 0; i < nBack; ++i) {
        double t = double(i) / nBack, s = 1 - t;
        V2 q = b0 * (s * s * s) + b1 * (3 * s * s * t) + b2 * (3 * s * t * t) + b3 * (t * t * t);
        sw.centres.push_back({q.x, q.y, 0});
        secs.push_back(lerp(shankSec, backSec, smooth(t * 1.4)));
    }
    // Bowl: an arc round the bowl centre from the back, under the bottom, up to the point.
    const double tipAngle = 25 * kPi / 180;
    const int nArc = 44;
    for (int i = 0; i <= nArc; ++i) {
        double a = kPi + (kPi + tipAngle) * i / nArc;
        sw.centres.push_back({rc * std::cos(a), rc * std::sin(a), 0});
        double f = (a - kPi) / (kPi / 2);  // 0 at the back, 1 at the bottom
        HookSection s = f <= 1 ? lerp(backSec, bottomSec, smooth(f)) : lerp(bottomSec, tipSec, smooth((f - 1) / (1 + tipAngle / (kPi / 2))));
        // A blunt nose: the last two sections shrink.
        const double nose = i == nArc ? 0.6 : i == nArc - 1 ? 0.9 : 1.0;
        s.depth *= nose;
        s.inner *= nose;
        s.outer *= nose;
        secs.push_back(s);
    }
    const size_t rings = sw.centres.size();
    for (size_t i = 0; i < rings; ++i) {
        D3 t = i == 0 ? D3{0, -1, 0} : geo::normalize(sw.centres[std::min(i + 1, rings - 1)] - sw.centres[i - 1]);
        sw.normals.push_back({-t.y, t.x, 0});  // in the plane, towards the inside of the bend
        sw.binormals.push_back({0, 0, 1});
        sw.sections.push_back(hookSectionLoop(secs[i], 24));
    }
    out = PartScene{"crane_hook", {}, {}};
    {
        MeshBuilder mb;
        geo::addSweep(mb, sw);
        addPart(out, "hook_body", paint("safety_yellow", 0.86f, 0.64f, 0.05f, 0.5f), mb);
    }
    {
        MeshBuilder mb;
        const double c = 0.06 * ds;
        geo::addRevolution(mb, geo::axisY({0, ys, 0}), {{0, 0}, {0, ds / 2}, {ls - c, ds / 2}, {ls, ds / 2 - c}, {ls, 0}},
                           false, segmentsFor(ds, 32, 96));
        addPart(out, "shank", machinedSteel(), mb);
    }
    {
        MeshBuilder mb;
        const double af = 1.5 * ds, hn = 0.8 * ds, top = ys + ls - 0.35 * ds;
        std::vector<V2> hex;
        for (int i = 0; i < 6; ++i) hex.push_back(geo::polar(af / std::sqrt(3.0), kPi / 6 + kPi / 3 * i));
        geo::addPrism(mb, geo::axisY(), hex, top - hn, top);
        addPart(out, "nut", forgedSteel(), mb);
    }
    detail::restOnFloor(out);
    return true;
}

// --- chain sprocket --------------------------------------------------------------------------

bool makeChainSprocket(const ChainSprocketParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--teeth", p.teeth, 6, 150, error)) return false;
    if (!checkRange("--pitch", p.pitch, 4, 200, error)) return false;
    if (!checkRange("--roller-diameter", p.rollerDiameter, 0.3 * p.pitch, 0.8 * p.pitch, error, "0.3 to 0.8 times the pitch"))
        return false;
    if (!checkRange("--thickness", p.thickness, 1, 2 * p.pitch, error, "up to twice the pitch")) return false;
    const int z = p.teeth;
    const double pt = p.pitch, d1 = p.rollerDiameter;
    const double d = pt / std::sin(kPi / z), rp = d / 2;
    const double ri = 0.505 * d1 + 0.5 * 0.069 * std::cbrt(d1);                           // roller seat radius
    const double seat = (130.0 - 90.0 / z) * kPi / 180.0;                                  // seat angle
    const double re = 0.5 * (0.12 * d1 * (z + 2) + 0.008 * d1 * (z * z + 180.0));          // flank radius
    const double ra = 0.25 * ((d + 1.25 * pt - d1) + (d + pt * (1 - 1.6 / z) - d1));       // tip radius
    const double rootD = d - d1;
    const double maxBore = rootD - 1.2 * pt;
    if (p.bore != 0 && !checkRange("--bore", p.bore, 1, maxBore, error, "or 0 to choose; the root diameter less a rim"))
        return false;
    const double bore = p.bore > 0 ? p.bore : std::min(std::round(0.25 * d), std::floor(maxBore));
    if (bore < 1) {
        error = "--teeth is " + std::to_string(z) + ": too few for a bore at this pitch; use more teeth";
        return false;
    }

    // Half a pitch, from the bottom of a roller seat to the tooth's centre line.
    const double mid = kPi / z;
    std::vector<Polar> half;
    const V2 c{rp, 0};
    const int nSeat = 8, nFlank = 8, nTip = 2;
    auto toPolar = [](V2 q) { return Polar{geo::length(q), std::atan2(q.y, q.x)}; };
    for (int i = 0; i <= nSeat; ++i) {
        double phi = seat / 2 * i / nSeat;
        half.push_back(toPolar(c + V2{-std::cos(phi), std::sin(phi)} * ri));
    }
    const V2 e = c + V2{-std::cos(seat / 2), std::sin(seat / 2)} * ri;
    const V2 nrm = geo::normalize(e - c);
    const V2 f = c + nrm * (ri + re);
    const V2 tangent{std::sin(seat / 2), std::cos(seat / 2)};
    auto rot = [](V2 v, double a) { return V2{v.x * std::cos(a) - v.y * std::sin(a), v.x * std::sin(a) + v.y * std::cos(a)}; };
    const V2 back = nrm * -1.0;
    const double dir = geo::dot(V2{-back.y, back.x}, tangent) >= 0 ? 1.0 : -1.0;
    auto flank = [&](double w) { return f + rot(back, dir * w) * re; };
    auto beyond = [&](double w) {
        V2 q = flank(w);
        return geo::length(q) >= ra || std::atan2(q.y, q.x) >= mid;
    };
    double lo = 0, hi = 0.001;
    while (!beyond(hi) && hi < kPi) { lo = hi; hi *= 1.5; }
    for (int i = 0; i < 60; ++i) {
        double m = (lo + hi) / 2;
        (beyond(m) ? hi : lo) = m;
    }
    for (int i = 1; i <= nFlank; ++i) half.push_back(toPolar(flank(hi * i / nFlank)));
    if (half.back().a < mid - 1e-6) {
        const double a0 = half.back().a;
        for (int i = 1; i <= nTip; ++i) half.push_back({ra, i == nTip ? mid : a0 + (mid - a0) * i / nTip});
    } else {
        half.back().a = mid;  // pointed tooth
    }
    dropNearlyStraight(half, 2e-4 * pt);
    const std::vector<Polar> pitch = mirrorPitch(half, mid);
    std::vector<V2> outline;
    std::vector<size_t> sectorStart;
    for (int k = 0; k < z; ++k) {
        std::vector<V2> pts = toCartesian(pitch, 2 * kPi * k / z);
        sectorStart.push_back(outline.size());
        outline.insert(outline.end(), pts.begin(), pts.end());
    }
    out = PartScene{"chain_sprocket", {}, {}};
    {
        MeshBuilder mb;
        addToothedDisc(mb, geo::axisY(), outline, sectorStart, bore / 2, std::max(1, int(std::ceil(72.0 / z))), 0, p.thickness);
        addPart(out, "sprocket", machinedSteel(), mb);
    }
    const double hubD = std::min(1.8 * bore + 10, rootD - 1.0 * pt);
    if (hubD > bore + 4) {
        MeshBuilder mb;
        const double t = p.thickness, hh = 1.2 * p.thickness, cc = std::min(1.5, 0.1 * (hubD - bore));
        geo::addRevolution(mb, geo::axisY(),
                           {{t, bore / 2}, {t, hubD / 2}, {t + hh - cc, hubD / 2}, {t + hh, hubD / 2 - cc}, {t + hh, bore / 2}},
                           true, segmentsFor(hubD, 48, 128));
        addPart(out, "hub", forgedSteel(), mb);
    }
    detail::restOnFloor(out);
    return true;
}

// --- coil spring -----------------------------------------------------------------------------

bool makeCoilSpring(const CoilSpringParams& p, PartScene& out, std::string& error) {
    if (!checkRange("--wire-diameter", p.wireDiameter, 0.2, 100, error)) return false;
    const double d = p.wireDiameter;
    if (!checkRange("--mean-diameter", p.meanDiameter, 3 * d, 30 * d, error, "spring index 3 to 30 times the wire diameter"))
        return false;
    if (!checkRange("--coils", p.coils, 3, 60, error, "total coils, one closed coil at each end included")) return false;
    const double nt = p.coils, y0 = 0.25 * d;  // the wire's centre at the tip sits 0.25 d above the ground end
    const double minL = 2 * y0 + d * nt + 0.1 * d * (nt - 2);
    const double maxL = 2 * y0 + d * nt + (p.meanDiameter - d) * (nt - 2);
    if (!checkRange("--free-length", p.freeLength, minL, maxL, error,
                    "between nearly solid and a pitch of one mean diameter for " + num(nt) + " coils of " + num(d) + " mm wire"))
        return false;
    const double pitch = d + (p.freeLength - 2 * y0 - d * nt) / (nt - 2);
    const double rm = p.meanDiameter / 2;
    // Rise per turn: d on the closed end coils, `pitch` on the active ones, blended over half a turn.
    auto rise = [&](double t) {
        double a = smooth((t - 0.75) / 0.5) * smooth(((nt - 0.75) - t) / 0.5);
        return d + (pitch - d) * a;
    };
    const int perTurn = 36, k = 16;
    const int samples = int(std::ceil(nt * perTurn));
    std::vector<double> ys(size_t(samples) + 1);
    ys[0] = y0;
    for (int i = 1; i <= samples; ++i) {
        const double t0 = nt * (i - 1) / samples, t1 = nt * i / samples;
        double acc = 0;
        for (int s = 0; s < 8; ++s) acc += rise(t0 + (t1 - t0) * (s + 0.5) / 8);
        ys[size_t(i)] = ys[size_t(i) - 1] + acc / 8 * (t1 - t0);
    }
    const double scale = (p.freeLength - 2 * y0) / (ys.back() - y0);  // hit the free length exactly
    geo::Sweep sw;
    sw.floorY = 0;
    sw.ceilingY = p.freeLength;
    const std::vector<V2> sec = geo::circle({0, 0}, d / 2, k);
    for (int i = 0; i <= samples; ++i) {
        const double t = nt * i / samples, th = 2 * kPi * t;
        const double y = y0 + (ys[size_t(i)] - y0) * scale;
        const D3 cpt{rm * std::cos(th), y, rm * std::sin(th)};
        const D3 tan = geo::normalize(D3{-rm * std::sin(th) * 2 * kPi, rise(t) * scale, rm * std::cos(th) * 2 * kPi});
        const D3 inward{-std::cos(th), 0, -std::sin(th)};
        sw.centres.push_back(cpt);
        sw.normals.push_back(inward);
        sw.binormals.push_back(geo::normalize(geo::cross(tan, inward)));
        sw.sections.push_back(sec);
    }
    MeshBuilder mb;
    geo::addSweep(mb, sw);
    out = PartScene{"coil_spring", {}, {}};
    addPart(out, "spring", Material{"spring_steel", {0.10f, 0.11f, 0.12f, 1.0f}, 0.6f, 0.45f}, mb);
    detail::restOnFloor(out);
    return true;
}

}  // namespace tools
