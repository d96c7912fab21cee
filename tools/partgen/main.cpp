// dockhall-partgen: procedural forging parts and lab equipment, written as glTF (metres) or STL (mm).
//
//   dockhall-partgen KIND [params] [-o FILE] [--json]
//
// Sizes on the command line are millimetres. Prints a one-line summary (or JSON with --json).
// Exit codes: 0 done, 1 could not write the file, 2 bad command line or parameters.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tools/partgen/partgen.h"
#include "tools/partgen/partgen_export.h"

namespace {

using namespace tools;

constexpr int kExitWriteFailed = 1;
constexpr int kExitBadInput = 2;

const std::vector<std::string> kKinds = {"spur-gear",    "flange",          "stepped-axle", "crankshaft",    "connecting-rod",
                                         "forged-ring",  "bearing-ring",    "crane-hook",      "chain-sprocket", "coil-spring",  "forging-press",
                                         "furnace",      "testing-machine", "cnc-machine"};

std::string joinKinds() {
    std::string s;
    for (const std::string& k : kKinds) s += (s.empty() ? "" : ", ") + k;
    return s;
}

double densityKgPerMm3(const Material& m) { return m.name == "bronze" ? 8.8e-6 : kSteelDensityKgPerMm3; }

nlohmann::json summary(const std::string& kind, const PartScene& s, const std::string& output, bool solidPart) {
    const Bounds b = sceneBounds(s);
    nlohmann::json j;
    j["kind"] = kind;
    j["scene"] = s.name;
    if (!output.empty()) j["output"] = output;
    size_t verts = 0;
    double volume = 0, mass = 0;
    nlohmann::json parts = nlohmann::json::array();
    for (const Part& p : s.parts) {
        const double v = meshVolume(p.mesh);
        verts += p.mesh.positions.size();
        volume += v;
        mass += v * densityKgPerMm3(s.materials[p.material]);
        parts.push_back({{"name", p.name}, {"material", s.materials[p.material].name}, {"triangles", p.mesh.triangleCount()},
                         {"volumeMm3", v}});
    }
    j["triangles"] = triangleCount(s);
    j["vertices"] = verts;
    j["parts"] = parts;
    nlohmann::json mats = nlohmann::json::array();
    for (const Material& m : s.materials) mats.push_back(m.name);
    j["materials"] = mats;
    j["bboxMm"] = {{"min", {b.min.x, b.min.y, b.min.z}},
                   {"max", {b.max.x, b.max.y, b.max.z}},
                   {"size", {b.max.x - b.min.x, b.max.y - b.min.y, b.max.z - b.min.z}}};
    j["volumeCm3"] = volume / 1000.0;
    if (solidPart) j["massKg"] = mass;
    return j;
}

std::string summaryLine(const nlohmann::json& j) {
    const auto& sz = j["bboxMm"]["size"];
    const auto& mn = j["bboxMm"]["min"];
    const auto& mx = j["bboxMm"]["max"];
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s: %zu triangles in %zu part(s), bbox %.1f x %.1f x %.1f mm (x %.1f..%.1f, y %.1f..%.1f, z %.1f..%.1f), "
                  "volume %.2f cm3",
                  j["scene"].get<std::string>().c_str(), j["triangles"].get<size_t>(), j["parts"].size(), sz[0].get<double>(),
                  sz[1].get<double>(), sz[2].get<double>(), mn[0].get<double>(), mx[0].get<double>(), mn[1].get<double>(),
                  mx[1].get<double>(), mn[2].get<double>(), mx[2].get<double>(), j["volumeCm3"].get<double>());
    std::string line = buf;
    if (j.contains("massKg")) {
        std::snprintf(buf, sizeof buf, ", mass %.3f kg", j["massKg"].get<double>());
        line += buf;
    }
    if (j.contains("output")) line += " -> " + j["output"].get<std::string>();
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && argv[1][0] != '-') {
        bool known = false;
        for (const std::string& k : kKinds) known = known || k == argv[1];
        if (!known) {
            std::fprintf(stderr, "dockhall-partgen: unknown kind \"%s\"; choose one of: %s\n", argv[1], joinKinds().c_str());
            return kExitBadInput;
        }
    }

    CLI::App app{"dockhall-partgen: procedural forging parts and lab equipment for Dockhall booths.\n"
                 "Sizes are millimetres; .glb/.gltf are written in metres, .stl in millimetres."};
    app.require_subcommand(1);
    app.fallthrough();
    std::string output;
    bool json = false;
    app.add_option("-o,--output", output, "output file: .glb, .gltf (glTF 2.0, metres) or .stl (binary, millimetres)");
    app.add_flag("--json", json, "print the summary as JSON");

    SpurGearParams gear;
    auto* cGear = app.add_subcommand("spur-gear", "involute spur gear");
    cGear->add_option("--module", gear.module, "module m, mm")->capture_default_str();
    cGear->add_option("--teeth", gear.teeth, "number of teeth z (6-200)")->capture_default_str();
    cGear->add_option("--face-width", gear.faceWidth, "face width, mm")->capture_default_str();
    cGear->add_option("--bore", gear.bore, "bore diameter, mm (0 = solid)")->capture_default_str();
    cGear->add_option("--pressure-angle", gear.pressureAngle, "pressure angle, degrees")->capture_default_str();

    FlangeParams flange;
    auto* cFlange = app.add_subcommand("flange", "bolted flange with hub");
    cFlange->add_option("--outer-diameter", flange.outerDiameter, "mm")->capture_default_str();
    cFlange->add_option("--bore", flange.bore, "mm")->capture_default_str();
    cFlange->add_option("--thickness", flange.thickness, "plate thickness, mm")->capture_default_str();
    cFlange->add_option("--bolt-circle", flange.boltCircle, "bolt circle diameter, mm")->capture_default_str();
    cFlange->add_option("--bolts", flange.bolts, "number of bolt holes")->capture_default_str();
    cFlange->add_option("--bolt-hole", flange.boltHole, "bolt hole diameter, mm")->capture_default_str();
    cFlange->add_option("--hub-diameter", flange.hubDiameter, "hub outer diameter, mm (0 = none)")->capture_default_str();
    cFlange->add_option("--hub-height", flange.hubHeight, "hub height above the plate, mm")->capture_default_str();

    SteppedAxleParams axle;
    std::string steps = "40:60,50:90,60:140,50:90,40:60";
    auto* cAxle = app.add_subcommand("stepped-axle", "stepped shaft with chamfered shoulders");
    cAxle->add_option("--steps", steps, "\"d1:l1,d2:l2,...\" diameters and lengths, mm")->capture_default_str();
    cAxle->add_option("--chamfer", axle.chamfer, "chamfer on exposed edges, mm")->capture_default_str();

    CrankshaftParams crank;
    auto* cCrank = app.add_subcommand("crankshaft", "forged crankshaft");
    cCrank->add_option("--throws", crank.throws, "crank throws (1-12)")->capture_default_str();
    cCrank->add_option("--journal-diameter", crank.journalDiameter, "main journal diameter, mm")->capture_default_str();
    cCrank->add_option("--pin-diameter", crank.pinDiameter, "crank pin diameter, mm")->capture_default_str();
    cCrank->add_option("--stroke", crank.stroke, "stroke (twice the crank radius), mm")->capture_default_str();

    ConnectingRodParams rod;
    auto* cRod = app.add_subcommand("connecting-rod", "forged connecting rod with I-beam shank");
    cRod->add_option("--center-distance", rod.centerDistance, "big end to small end centres, mm")->capture_default_str();
    cRod->add_option("--big-end", rod.bigEnd, "big-end bore, mm")->capture_default_str();
    cRod->add_option("--small-end", rod.smallEnd, "small-end bore, mm")->capture_default_str();
    cRod->add_option("--thickness", rod.thickness, "big-end width, mm")->capture_default_str();

    ForgedRingParams ring;
    auto* cRing = app.add_subcommand("forged-ring", "seamless rolled ring");
    cRing->add_option("--outer-diameter", ring.outerDiameter, "mm")->capture_default_str();
    cRing->add_option("--inner-diameter", ring.innerDiameter, "mm")->capture_default_str();
    cRing->add_option("--height", ring.height, "mm")->capture_default_str();

    BearingRingParams bearing;
    auto* cBearing = app.add_subcommand("bearing-ring", "inner ring of a deep-groove ball bearing, polished");
    cBearing->add_option("--bore", bearing.bore, "mm")->capture_default_str();
    cBearing->add_option("--outer-diameter", bearing.outerDiameter, "shoulder diameter, mm")->capture_default_str();
    cBearing->add_option("--width", bearing.width, "mm")->capture_default_str();
    cBearing->add_option("--ball-diameter", bearing.ballDiameter, "ball diameter the raceway is ground for, mm")
        ->capture_default_str();

    CraneHookParams hook;
    auto* cHook = app.add_subcommand("crane-hook", "single crane hook with shank and nut");
    cHook->add_option("--capacity-t", hook.capacityT, "rated load, tonnes")->capture_default_str();

    ChainSprocketParams sprocket;
    auto* cSprocket = app.add_subcommand("chain-sprocket", "roller chain sprocket (ISO 606 / ANSI-like teeth)");
    cSprocket->add_option("--teeth", sprocket.teeth, "number of teeth (6-150)")->capture_default_str();
    cSprocket->add_option("--pitch", sprocket.pitch, "chain pitch, mm")->capture_default_str();
    cSprocket->add_option("--roller-diameter", sprocket.rollerDiameter, "mm")->capture_default_str();
    cSprocket->add_option("--thickness", sprocket.thickness, "tooth width, mm")->capture_default_str();
    cSprocket->add_option("--bore", sprocket.bore, "mm (0 = chosen from the size)")->capture_default_str();

    CoilSpringParams spring;
    auto* cSpring = app.add_subcommand("coil-spring", "helical compression spring, closed and ground ends");
    cSpring->add_option("--wire-diameter", spring.wireDiameter, "mm")->capture_default_str();
    cSpring->add_option("--mean-diameter", spring.meanDiameter, "mm")->capture_default_str();
    cSpring->add_option("--coils", spring.coils, "total coils, including the two closed end coils")->capture_default_str();
    cSpring->add_option("--free-length", spring.freeLength, "mm")->capture_default_str();

    struct EquipmentCommand {
        EquipmentKind kind;
        CLI::App* cmd;
        EquipmentParams size;
    };
    std::vector<EquipmentCommand> equipment = {{EquipmentKind::ForgingPress, nullptr, {}},
                                               {EquipmentKind::Furnace, nullptr, {}},
                                               {EquipmentKind::TestingMachine, nullptr, {}},
                                               {EquipmentKind::CncMachine, nullptr, {}}};
    const char* equipmentNames[] = {"forging-press", "furnace", "testing-machine", "cnc-machine"};
    const char* equipmentHelp[] = {"two-column hydraulic forging press (lab equipment)", "box-type heat treatment furnace",
                                   "universal testing machine", "vertical machining centre"};
    for (size_t i = 0; i < equipment.size(); ++i) {
        EquipmentCommand& e = equipment[i];
        e.size = defaultEquipmentSize(e.kind);
        e.cmd = app.add_subcommand(equipmentNames[i], equipmentHelp[i]);
        e.cmd->add_option("--width", e.size.width, "overall width (x), mm")->capture_default_str();
        e.cmd->add_option("--depth", e.size.depth, "overall depth (z), mm")->capture_default_str();
        e.cmd->add_option("--height", e.size.height, "overall height (y), mm")->capture_default_str();
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitBadInput;
    }

    PartScene scene;
    std::string error, kind;
    bool ok = false, solid = true;
    if (cGear->parsed()) { kind = "spur-gear"; ok = makeSpurGear(gear, scene, error); }
    else if (cFlange->parsed()) { kind = "flange"; ok = makeFlange(flange, scene, error); }
    else if (cAxle->parsed()) {
        kind = "stepped-axle";
        ok = parseAxleSteps(steps, axle.steps, error) && makeSteppedAxle(axle, scene, error);
    }
    else if (cCrank->parsed()) { kind = "crankshaft"; ok = makeCrankshaft(crank, scene, error); }
    else if (cRod->parsed()) { kind = "connecting-rod"; ok = makeConnectingRod(rod, scene, error); }
    else if (cRing->parsed()) { kind = "forged-ring"; ok = makeForgedRing(ring, scene, error); }
    else if (cBearing->parsed()) { kind = "bearing-ring"; ok = makeBearingRing(bearing, scene, error); }
    else if (cHook->parsed()) { kind = "crane-hook"; ok = makeCraneHook(hook, scene, error); }
    else if (cSprocket->parsed()) { kind = "chain-sprocket"; ok = makeChainSprocket(sprocket, scene, error); }
    else if (cSpring->parsed()) { kind = "coil-spring"; ok = makeCoilSpring(spring, scene, error); }
    else {
        for (size_t i = 0; i < equipment.size(); ++i)
            if (equipment[i].cmd->parsed()) {
                kind = equipmentNames[i];
                solid = false;
                ok = makeEquipment(equipment[i].kind, equipment[i].size, scene, error);
            }
    }
    if (!ok) {
        std::fprintf(stderr, "dockhall-partgen %s: %s\n", kind.c_str(), error.c_str());
        return kExitBadInput;
    }
    if (!output.empty()) {
        ModelFormat fmt;
        if (!formatForPath(output, fmt)) {
            std::fprintf(stderr, "dockhall-partgen: -o %s: unknown output format; use .glb, .gltf (metres) or .stl (millimetres)\n",
                         output.c_str());
            return kExitBadInput;
        }
        if (!writeModel(scene, output, error)) {
            std::fprintf(stderr, "dockhall-partgen: %s\n", error.c_str());
            return kExitWriteFailed;
        }
    }
    const nlohmann::json j = summary(kind, scene, output, solid);
    std::printf("%s\n", json ? j.dump().c_str() : summaryLine(j).c_str());
    return 0;
}
