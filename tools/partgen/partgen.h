// partgen.h: procedural forging parts and lab equipment for Dockhall's booths.
//
// Pure geometry. Each make* function turns a few true dimensions, in millimetres, into a PartScene:
// named parts (one node each), every part a closed, indexed triangle mesh with outward per-vertex
// normals (vertices split at hard edges) and a PBR material. Nothing here touches files:
// partgen_export.h writes glTF (metres) and STL (millimetres).
//
// Frame: millimetres, right-handed, y up. A scene rests on the floor (its lowest point at y = 0)
// with its natural centre (a gear's axis, a shaft's middle, a machine's footprint centre) over
// x = z = 0. Shafts lie along x; discs (gears, flanges, rings, sprockets) lie flat with their axis
// along y; the spring and the crane hook stand upright.
//
// Bad parameters: every make* returns false and sets `error` to a line that names the parameter as
// the command line spells it and the allowed range, e.g.
//   "--teeth is 4, must be within [6, 200]".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tools {

struct Vec3 {
    float x = 0, y = 0, z = 0;
};

struct Mesh {
    std::vector<Vec3> positions;    // millimetres
    std::vector<Vec3> normals;      // unit length, one per position
    std::vector<uint32_t> indices;  // three per triangle, counter-clockwise seen from outside
    size_t triangleCount() const { return indices.size() / 3; }
};

struct Material {
    std::string name;
    float baseColor[4] = {0.5f, 0.5f, 0.5f, 1.0f};  // linear RGBA
    float metallic = 0.0f;
    float roughness = 0.5f;
};

struct Part {
    std::string name;       // node name, e.g. "crank_pin_1"
    uint32_t material = 0;  // index into PartScene::materials
    Mesh mesh;
};

struct PartScene {
    std::string name;  // the root node, e.g. "crankshaft"
    std::vector<Material> materials;
    std::vector<Part> parts;
};

struct Bounds {
    Vec3 min, max;
};

Bounds meshBounds(const Mesh& m);
Bounds sceneBounds(const PartScene& s);
size_t triangleCount(const PartScene& s);
// Enclosed volume in mm^3 (divergence theorem); positive for a closed mesh with outward winding.
double meshVolume(const Mesh& m);

constexpr double kSteelDensityKgPerMm3 = 7.85e-6;  // 7.85 g/cm^3

// Standard finishes, used by the generators and available to callers.
Material forgedSteel();    // as-forged, shot blasted: dark grey, metallic, rough
Material machinedSteel();  // turned / ground: bright, metallic, fairly smooth
Material polishedSteel();  // superfinished / polished (bearing raceways): brightest, mirror-like
Material bronze();         // bearing shells and bushes
Material paint(const std::string& name, float r, float g, float b, float roughness = 0.55f);  // non-metallic

// --- forged and machined parts ---------------------------------------------------------------

struct SpurGearParams {
    double module = 4;          // mm
    int teeth = 20;
    double faceWidth = 30;      // mm, along the axis
    double bore = 30;           // mm; 0 = solid
    double pressureAngle = 20;  // degrees
};
// Involute flanks sampled from the base circle to the tip (tip diameter m(z+2)), radial flank and
// a circular fillet below the base circle, root diameter m(z-2.5). One part: "gear".
bool makeSpurGear(const SpurGearParams& p, PartScene& out, std::string& error);

struct FlangeParams {
    double outerDiameter = 200;
    double bore = 80;
    double thickness = 22;
    double boltCircle = 160;
    int bolts = 8;
    double boltHole = 18;
    double hubDiameter = 110;  // 0 = no hub
    double hubHeight = 28;
};
// Parts: "flange_plate" (with bore and bolt holes), "hub".
bool makeFlange(const FlangeParams& p, PartScene& out, std::string& error);

struct AxleStep {
    double diameter = 0;
    double length = 0;
};
struct SteppedAxleParams {
    std::vector<AxleStep> steps = {{40, 60}, {50, 90}, {60, 140}, {50, 90}, {40, 60}};
    double chamfer = 1.5;  // mm, on every exposed edge (clamped to fit)
};
// Parses "d1:l1,d2:l2,..." (millimetres). Returns false with a message on bad text.
bool parseAxleSteps(const std::string& text, std::vector<AxleStep>& out, std::string& error);
// Parts: "step_1" ... "step_n", each a chamfered cylinder along x.
bool makeSteppedAxle(const SteppedAxleParams& p, PartScene& out, std::string& error);

struct CrankshaftParams {
    int throws = 4;
    double journalDiameter = 60;
    double pinDiameter = 50;
    double stroke = 90;
};
// Parts: "front_end", "main_journal_1..n+1", "crank_web_1..2n", "crank_pin_1..n", "rear_flange".
bool makeCrankshaft(const CrankshaftParams& p, PartScene& out, std::string& error);

struct ConnectingRodParams {
    double centerDistance = 160;
    double bigEnd = 56;    // big-end bore
    double smallEnd = 24;  // small-end (gudgeon pin) bore
    double thickness = 26; // big-end width
};
// Lies flat. Parts: "big_end", "big_end_bearing", "small_end", "small_end_bushing", "shank" (I-beam).
bool makeConnectingRod(const ConnectingRodParams& p, PartScene& out, std::string& error);

struct ForgedRingParams {
    double outerDiameter = 400;
    double innerDiameter = 300;
    double height = 80;
};
// One part: "ring", small chamfers on its four edges.
bool makeForgedRing(const ForgedRingParams& p, PartScene& out, std::string& error);

struct BearingRingParams {
    double bore = 60;            // mm
    double outerDiameter = 80;   // shoulder diameter, mm
    double width = 31;           // mm, along the axis
    double ballDiameter = 22.225;  // the balls the raceway is ground for, mm
};
// The inner ring of a deep-groove ball bearing, ground and superfinished all over: a circular-arc
// raceway (radius 0.52 x the ball, 0.18 x the ball deep) round the middle of its outer face,
// small chamfers on its four edges. One part: "ring", in polished steel.
bool makeBearingRing(const BearingRingParams& p, PartScene& out, std::string& error);

struct CraneHookParams {
    double capacityT = 5;  // rated load, tonnes
};
// Single hook proportioned from its capacity. Parts: "hook_body" (a varying section swept along a
// J curve), "shank", "nut".
bool makeCraneHook(const CraneHookParams& p, PartScene& out, std::string& error);

struct ChainSprocketParams {
    int teeth = 21;
    double pitch = 19.05;          // 12B / ANSI 60
    double rollerDiameter = 12.07;
    double thickness = 11;         // tooth width
    double bore = 0;               // 0 = chosen from the size
};
// ISO 606 / ANSI-like tooth form (roller seat arc, flank arc, tip circle). Parts: "sprocket", "hub".
bool makeChainSprocket(const ChainSprocketParams& p, PartScene& out, std::string& error);

struct CoilSpringParams {
    double wireDiameter = 8;
    double meanDiameter = 50;
    double coils = 8;          // total coils, including one closed coil at each end
    double freeLength = 120;
};
// A circle swept along a helix, closed and ground ends. One part: "spring".
bool makeCoilSpring(const CoilSpringParams& p, PartScene& out, std::string& error);

// --- lab equipment ---------------------------------------------------------------------------

enum class EquipmentKind {
    ForgingPress,    // two-column hydraulic forging press with control cabinet
    Furnace,         // box-type heat treatment furnace
    TestingMachine,  // universal testing machine
    CncMachine,      // vertical machining centre
};
struct EquipmentParams {
    double width = 0;   // overall, along x; 0 = the kind's default
    double depth = 0;   // along z
    double height = 0;  // along y
};
// Recognisable silhouettes from named boxes and cylinders, a few thousand triangles at most. The
// scene fills exactly x in [-W/2, W/2], y in [0, H], z in [-D/2, D/2]; the front faces +z.
bool makeEquipment(EquipmentKind kind, const EquipmentParams& p, PartScene& out, std::string& error);
EquipmentParams defaultEquipmentSize(EquipmentKind kind);

}  // namespace tools
