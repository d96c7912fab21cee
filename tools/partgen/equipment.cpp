// equipment.cpp: lab equipment silhouettes (forging press, furnace, testing machine, CNC machine)
// from named boxes and cylinders. Proportions are fractions of the overall width W (x), depth D
// (z, front faces +z) and height H (y).
#include <algorithm>
#include <cmath>

#include "tools/partgen/geometry.h"
#include "tools/partgen/partgen.h"
#include "tools/partgen/partgen_common.h"

namespace tools {

using geo::D3;
using geo::MeshBuilder;

namespace {

class Kit {
public:
    explicit Kit(PartScene& s) : m_scene(s) {}
    void box(const std::string& name, const Material& m, D3 lo, D3 hi) {
        MeshBuilder mb;
        geo::addBox(mb, lo, hi);
        detail::addPart(m_scene, name, m, mb);
    }
    // Vertical cylinder standing on (x, z).
    void cylY(const std::string& name, const Material& m, double x, double z, double r, double y0, double y1) {
        MeshBuilder mb;
        geo::addCylinder(mb, geo::axisY({x, 0, z}), r, y0, y1, 32);
        detail::addPart(m_scene, name, m, mb);
    }
    void cylX(const std::string& name, const Material& m, double y, double z, double r, double x0, double x1) {
        MeshBuilder mb;
        geo::addCylinder(mb, geo::axisX({0, y, z}), r, x0, x1, 32);
        detail::addPart(m_scene, name, m, mb);
    }

private:
    PartScene& m_scene;
};

void forgingPress(Kit& k, double W, double D, double H) {
    const Material frame = paint("press_blue", 0.08f, 0.24f, 0.52f), dark = paint("charcoal", 0.12f, 0.12f, 0.13f);
    const Material cabinet = paint("cabinet_grey", 0.78f, 0.79f, 0.80f), hot = paint("hot_billet_glow", 1.0f, 0.38f, 0.06f, 0.8f);
    const double wp = 0.78 * W, px = -W / 2 + wp / 2;  // the press proper; the cabinet stands to its right
    k.box("bed", frame, {px - wp / 2, 0, -D / 2}, {px + wp / 2, 0.22 * H, D / 2});
    k.box("column_left", frame, {px - 0.48 * wp, 0.22 * H, -0.3 * D}, {px - 0.3 * wp, 0.78 * H, 0.3 * D});
    k.box("column_right", frame, {px + 0.3 * wp, 0.22 * H, -0.3 * D}, {px + 0.48 * wp, 0.78 * H, 0.3 * D});
    k.box("crown", frame, {px - wp / 2, 0.78 * H, -0.4 * D}, {px + wp / 2, 0.93 * H, 0.4 * D});
    k.cylY("hydraulic_cylinder", dark, px, 0, 0.16 * wp, 0.93 * H, H);
    k.cylY("piston_rod", machinedSteel(), px, 0, 0.06 * wp, 0.7 * H, 0.78 * H);
    k.box("ram", frame, {px - 0.29 * wp, 0.55 * H, -0.28 * D}, {px + 0.29 * wp, 0.7 * H, 0.28 * D});
    k.box("upper_die", forgedSteel(), {px - 0.12 * wp, 0.49 * H, -0.15 * D}, {px + 0.12 * wp, 0.55 * H, 0.15 * D});
    k.box("bolster", machinedSteel(), {px - 0.29 * wp, 0.22 * H, -0.3 * D}, {px + 0.29 * wp, 0.27 * H, 0.3 * D});
    k.box("lower_die", forgedSteel(), {px - 0.12 * wp, 0.27 * H, -0.15 * D}, {px + 0.12 * wp, 0.33 * H, 0.15 * D});
    k.cylY("hot_billet", hot, px, 0, 0.05 * wp, 0.33 * H, 0.4 * H);
    k.box("control_cabinet", cabinet, {W / 2 - 0.18 * W, 0, -0.25 * D}, {W / 2, 0.75 * H, 0.25 * D});
    k.box("control_panel", dark, {W / 2 - 0.16 * W, 0.45 * H, 0.25 * D}, {W / 2 - 0.02 * W, 0.68 * H, 0.27 * D});
}

void furnace(Kit& k, double W, double D, double H) {
    const Material body = paint("furnace_grey", 0.55f, 0.60f, 0.66f), door = paint("door_grey", 0.62f, 0.64f, 0.68f);
    const Material dark = paint("charcoal", 0.12f, 0.12f, 0.13f);
    const double lw = 0.06 * W, ld = 0.06 * D;
    int n = 1;
    for (double sx : {-1.0, 1.0})
        for (double sz : {-1.0, 1.0}) {
            const double cx = sx * (W / 2 - 0.05 * W - lw / 2), cz = sz * (D / 2 - 0.05 * D - ld / 2);
            k.box("leg_" + std::to_string(n++), dark, {cx - lw / 2, 0, cz - ld / 2}, {cx + lw / 2, 0.35 * H, cz + ld / 2});
        }
    k.box("base_frame", dark, {-W / 2, 0.35 * H, -D / 2}, {W / 2, 0.4 * H, 0.42 * D});
    k.box("body", body, {-W / 2, 0.4 * H, -D / 2}, {W / 2, 0.92 * H, 0.42 * D});
    k.box("door", door, {-0.3 * W, 0.5 * H, 0.42 * D}, {0.3 * W, 0.82 * H, 0.47 * D});
    const double hr = 0.015 * D;  // the handle touches the door and reaches the front (z = D/2)
    k.cylX("door_handle", machinedSteel(), 0.66 * H, 0.5 * D - hr, hr, -0.15 * W, 0.15 * W);
    k.box("control_panel", dark, {0.33 * W, 0.55 * H, 0.42 * D}, {0.48 * W, 0.85 * H, 0.46 * D});
    k.cylY("chimney", body, -0.25 * W, -0.2 * D, 0.04 * W, 0.92 * H, H);
    k.cylY("thermocouple", machinedSteel(), 0.1 * W, 0, 0.008 * W, 0.92 * H, 0.98 * H);
}

void testingMachine(Kit& k, double W, double D, double H) {
    const Material frame = paint("frame_grey_blue", 0.55f, 0.62f, 0.72f), dark = paint("charcoal", 0.12f, 0.12f, 0.13f);
    const double wf = 0.75 * W, fx = -W / 2 + wf / 2;  // load frame; the controller stands to its right
    k.box("base", frame, {fx - wf / 2, 0, -0.5 * D}, {fx + wf / 2, 0.32 * H, 0.5 * D});
    k.cylY("column_left", machinedSteel(), fx - 0.36 * wf, 0, 0.045 * wf, 0.32 * H, 0.92 * H);
    k.cylY("column_right", machinedSteel(), fx + 0.36 * wf, 0, 0.045 * wf, 0.32 * H, 0.92 * H);
    k.box("crosshead_top", frame, {fx - 0.46 * wf, 0.92 * H, -0.2 * D}, {fx + 0.46 * wf, H, 0.2 * D});
    k.box("crosshead_moving", frame, {fx - 0.46 * wf, 0.6 * H, -0.2 * D}, {fx + 0.46 * wf, 0.66 * H, 0.2 * D});
    k.cylY("load_cell", machinedSteel(), fx, 0, 0.05 * wf, 0.56 * H, 0.6 * H);
    k.box("grip_upper", dark, {fx - 0.05 * wf, 0.48 * H, -0.05 * D}, {fx + 0.05 * wf, 0.56 * H, 0.05 * D});
    k.cylY("specimen", machinedSteel(), fx, 0, 0.012 * wf, 0.42 * H, 0.5 * H);
    k.box("grip_lower", dark, {fx - 0.05 * wf, 0.36 * H, -0.05 * D}, {fx + 0.05 * wf, 0.44 * H, 0.05 * D});
    k.box("controller", frame, {W / 2 - 0.2 * W, 0, -0.25 * D}, {W / 2, 0.45 * H, 0.25 * D});
    k.box("monitor", dark, {W / 2 - 0.19 * W, 0.45 * H, -0.03 * D}, {W / 2 - 0.01 * W, 0.56 * H, 0.01 * D});
}

void cncMachine(Kit& k, double W, double D, double H) {
    const Material white = paint("machine_white", 0.86f, 0.87f, 0.89f), dark = paint("charcoal", 0.12f, 0.12f, 0.13f);
    const Material grey = paint("slate_grey", 0.35f, 0.37f, 0.40f);
    k.box("base", white, {-0.42 * W, 0, -0.5 * D}, {0.42 * W, 0.3 * H, 0.5 * D});
    k.box("column", white, {-0.2 * W, 0.3 * H, -0.5 * D}, {0.2 * W, H, -0.15 * D});
    k.box("headstock", grey, {-0.1 * W, 0.55 * H, -0.15 * D}, {0.1 * W, 0.85 * H, 0.12 * D});
    k.cylY("spindle", machinedSteel(), 0, 0.02 * D, 0.035 * W, 0.45 * H, 0.55 * H);
    k.cylY("tool", machinedSteel(), 0, 0.02 * D, 0.008 * W, 0.43 * H, 0.45 * H);
    k.box("saddle", grey, {-0.18 * W, 0.3 * H, -0.1 * D}, {0.18 * W, 0.34 * H, 0.35 * D});
    k.box("table", machinedSteel(), {-0.3 * W, 0.34 * H, -0.05 * D}, {0.3 * W, 0.38 * H, 0.3 * D});
    k.box("workpiece", forgedSteel(), {-0.05 * W, 0.38 * H, -0.03 * D}, {0.05 * W, 0.42 * H, 0.07 * D});
    const double mag = std::min(0.12 * H, 0.18 * D);  // tool carousel on the column's side
    k.cylX("tool_magazine", dark, 0.75 * H, -0.5 * D + mag, mag, 0.2 * W, 0.26 * W);
    k.box("control_panel", dark, {0.36 * W, 0.3 * H, 0.32 * D}, {0.5 * W, 0.75 * H, 0.38 * D});
    k.box("chip_conveyor", grey, {-0.5 * W, 0, -0.3 * D}, {-0.42 * W, 0.25 * H, 0.3 * D});
}

}  // namespace

EquipmentParams defaultEquipmentSize(EquipmentKind kind) {
    switch (kind) {
        case EquipmentKind::ForgingPress: return {1600, 1200, 2800};
        case EquipmentKind::Furnace: return {1000, 900, 1700};
        case EquipmentKind::TestingMachine: return {1100, 700, 2400};
        case EquipmentKind::CncMachine: return {2400, 2100, 2500};
    }
    return {1000, 1000, 1000};
}

bool makeEquipment(EquipmentKind kind, const EquipmentParams& p, PartScene& out, std::string& error) {
    const EquipmentParams def = defaultEquipmentSize(kind);
    const double w = p.width == 0 ? def.width : p.width, d = p.depth == 0 ? def.depth : p.depth,
                 h = p.height == 0 ? def.height : p.height;
    if (!detail::checkRange("--width", w, 300, 12000, error)) return false;
    if (!detail::checkRange("--depth", d, 300, 12000, error)) return false;
    if (!detail::checkRange("--height", h, 300, 12000, error)) return false;
    out = PartScene{};
    Kit kit(out);
    switch (kind) {
        case EquipmentKind::ForgingPress: out.name = "forging_press"; forgingPress(kit, w, d, h); break;
        case EquipmentKind::Furnace: out.name = "furnace"; furnace(kit, w, d, h); break;
        case EquipmentKind::TestingMachine: out.name = "testing_machine"; testingMachine(kit, w, d, h); break;
        case EquipmentKind::CncMachine: out.name = "cnc_machine"; cncMachine(kit, w, d, h); break;
    }
    detail::restOnFloor(out);
    return true;
}

}  // namespace tools
