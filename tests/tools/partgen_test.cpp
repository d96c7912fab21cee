// partgen_test.cpp: dockhall-partgen's geometry (true dimensions, closed meshes, tooth counts),
// its glTF / STL export through Assimp, its error handling, and the sample event's layout rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <nlohmann/json.hpp>

#include "tools/partgen/partgen.h"
#include "tools/partgen/partgen_export.h"

namespace {

using namespace tools;
namespace fs = std::filesystem;
constexpr double kPi = std::numbers::pi;

// --- mesh checks -----------------------------------------------------------------------------

struct MeshReport {
    bool closed = true;         // every edge shared by exactly two triangles, in opposite directions
    bool outward = true;        // positive enclosed volume
    bool normalsAgree = true;   // each triangle faces the way its vertex normals point
    double minArea = 1e300;     // mm^2
    std::string problem;
};

MeshReport inspect(const Mesh& m) {
    MeshReport r;
    // Weld by position: hard edges split vertices, but the surface must still close.
    std::map<std::array<float, 3>, uint32_t> ids;
    std::vector<uint32_t> weld(m.positions.size());
    for (size_t i = 0; i < m.positions.size(); ++i) {
        auto [it, inserted] = ids.emplace(std::array<float, 3>{m.positions[i].x, m.positions[i].y, m.positions[i].z}, uint32_t(ids.size()));
        weld[i] = it->second;
    }
    std::map<std::pair<uint32_t, uint32_t>, int> directed;
    for (size_t t = 0; t + 2 < m.indices.size(); t += 3) {
        uint32_t v[3] = {weld[m.indices[t]], weld[m.indices[t + 1]], weld[m.indices[t + 2]]};
        for (int e = 0; e < 3; ++e) directed[{v[e], v[(e + 1) % 3]}]++;
        const Vec3 &a = m.positions[m.indices[t]], &b = m.positions[m.indices[t + 1]], &c = m.positions[m.indices[t + 2]];
        const double ux = b.x - a.x, uy = b.y - a.y, uz = b.z - a.z, vx = c.x - a.x, vy = c.y - a.y, vz = c.z - a.z;
        const double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        r.minArea = std::min(r.minArea, 0.5 * std::sqrt(nx * nx + ny * ny + nz * nz));
        double sx = 0, sy = 0, sz = 0;
        for (int k = 0; k < 3; ++k) {
            const Vec3& n = m.normals[m.indices[t + size_t(k)]];
            sx += n.x, sy += n.y, sz += n.z;
        }
        if (nx * sx + ny * sy + nz * sz <= 0 && r.normalsAgree) {
            r.normalsAgree = false;
            r.problem += "a triangle faces against its normals; ";
        }
    }
    for (const auto& [edge, count] : directed) {
        auto back = directed.find({edge.second, edge.first});
        if (count != 1 || back == directed.end() || back->second != 1) {
            r.closed = false;
            r.problem += "open or non-manifold edge; ";
            break;
        }
    }
    r.outward = meshVolume(m) > 0;
    if (!r.outward) r.problem += "negative volume; ";
    for (const Vec3& n : m.normals)
        if (std::abs(std::sqrt(n.x * n.x + n.y * n.y + n.z * n.z) - 1.0) > 1e-3) {
            r.problem += "normal not unit length; ";
            r.normalsAgree = false;
            break;
        }
    return r;
}

void expectSolid(const PartScene& s) {
    ASSERT_FALSE(s.parts.empty());
    for (const Part& p : s.parts) {
        MeshReport r = inspect(p.mesh);
        EXPECT_TRUE(r.closed) << s.name << "/" << p.name << ": " << r.problem;
        EXPECT_TRUE(r.outward) << s.name << "/" << p.name << ": " << r.problem;
        EXPECT_TRUE(r.normalsAgree) << s.name << "/" << p.name << ": " << r.problem;
        EXPECT_GT(r.minArea, 1e-6) << s.name << "/" << p.name << ": degenerate triangle";
        EXPECT_LT(p.material, s.materials.size()) << p.name;
        EXPECT_FALSE(p.name.empty());
    }
    const Bounds b = sceneBounds(s);
    EXPECT_NEAR(b.min.y, 0.0, 1e-3) << s.name << " should rest on the floor";
}

void expectBox(const PartScene& s, double sx, double sy, double sz, double tol) {
    const Bounds b = sceneBounds(s);
    EXPECT_NEAR(b.max.x - b.min.x, sx, tol) << s.name << " width (x)";
    EXPECT_NEAR(b.max.y - b.min.y, sy, tol) << s.name << " height (y)";
    EXPECT_NEAR(b.max.z - b.min.z, sz, tol) << s.name << " depth (z)";
}

const Part* findPart(const PartScene& s, const std::string& name) {
    for (const Part& p : s.parts)
        if (p.name == name) return &p;
    return nullptr;
}

// --- gear ------------------------------------------------------------------------------------

// Tooth count from the outline: the runs of top-face vertices beyond the pitch circle.
int countTeeth(const Mesh& m, double pitchRadius, double topY) {
    std::vector<std::pair<double, double>> outline;  // angle, radius
    for (const Vec3& p : m.positions)  // the outline, not the bore
        if (std::abs(p.y - topY) < 1e-3 && std::hypot(p.x, p.z) > 0.6 * pitchRadius)
            outline.push_back({std::atan2(p.z, p.x), std::hypot(p.x, p.z)});
    std::sort(outline.begin(), outline.end());
    outline.erase(std::unique(outline.begin(), outline.end()), outline.end());
    int runs = 0;
    bool inside = outline.back().second > pitchRadius;  // wrap around
    for (const auto& [a, r] : outline) {
        const bool tip = r > pitchRadius;
        if (tip && !inside) ++runs;
        inside = tip;
    }
    return runs;
}

TEST(SpurGear, TipRootAndToothCount) {
    for (int z : {6, 17, 20, 33, 60}) {
        SpurGearParams p{.module = 4, .teeth = z, .faceWidth = 30, .bore = z >= 17 ? 20.0 : 0.0};
        PartScene s;
        std::string err;
        ASSERT_TRUE(makeSpurGear(p, s, err)) << err;
        const Mesh& m = s.parts.at(0).mesh;
        double rMax = 0, rMin = 1e9;
        for (const Vec3& v : m.positions) {
            const double r = std::hypot(v.x, v.z);
            rMax = std::max(rMax, r);
            if (r > p.bore / 2 + 1e-3) rMin = std::min(rMin, r);
        }
        EXPECT_NEAR(2 * rMax, p.module * (z + 2), 1e-3) << "tip diameter m(z+2), z=" << z;
        EXPECT_NEAR(2 * rMin, p.module * (z - 2.5), 1e-3) << "root diameter m(z-2.5), z=" << z;
        EXPECT_EQ(countTeeth(m, p.module * z / 2, p.faceWidth), z);
        expectSolid(s);
        // 20 teeth land in the 5k-20k triangle range.
        if (z == 20) {
            EXPECT_GE(m.triangleCount(), 5000u);
            EXPECT_LE(m.triangleCount(), 20000u);
        }
    }
}

TEST(SpurGear, InvoluteFlank) {
    // Points on the flank between the base and tip circles lie on the involute: the polar angle
    // from the tooth centre line is psi + inv(alpha) - inv(acos(rb/r)).
    SpurGearParams p{.module = 5, .teeth = 24, .faceWidth = 10, .bore = 30};
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeSpurGear(p, s, err)) << err;
    const double alpha = 20 * kPi / 180, r = p.module * p.teeth / 2, rb = r * std::cos(alpha), ra = r + p.module;
    auto inv = [](double a) { return std::tan(a) - a; };
    int checked = 0;
    for (const Vec3& v : s.parts[0].mesh.positions) {
        const double rho = std::hypot(v.x, v.z);
        if (rho < rb * 1.01 || rho > ra * 0.99) continue;
        double a = std::atan2(v.z, v.x);
        const double pitch = 2 * kPi / p.teeth;
        a -= pitch * std::round(a / pitch);  // angle from the nearest tooth's centre line
        const double expected = kPi / (2 * p.teeth) + inv(alpha) - inv(std::acos(rb / rho));
        EXPECT_NEAR(std::abs(a), expected, 1e-5) << "at radius " << rho;
        ++checked;
    }
    EXPECT_GT(checked, 24 * 2 * 10);
}

TEST(SpurGear, BoundingBoxMatchesParameters) {
    PartScene s;
    std::string err;
    // 32 teeth: a tooth points along each of +-x and +-z, so the box is the tip circle's.
    ASSERT_TRUE(makeSpurGear({.module = 3, .teeth = 32, .faceWidth = 25, .bore = 30}, s, err)) << err;
    expectBox(s, 3 * 34, 25, 3 * 34, 1e-3);
}

// --- other parts: closed, true to size ------------------------------------------------------

TEST(ForgedRing, ClosedAndTrueToSize) {
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeForgedRing({.outerDiameter = 600, .innerDiameter = 460, .height = 120}, s, err)) << err;
    expectSolid(s);
    expectBox(s, 600, 120, 600, 1e-2);
    const double exact = kPi / 4 * (600.0 * 600 - 460.0 * 460) * 120;
    EXPECT_NEAR(meshVolume(s.parts[0].mesh), exact, 0.01 * exact);  // chamfers and facets: within 1 %
}

TEST(BearingRing, ClosedPolishedAndTrueToSize) {
    PartScene s;
    std::string err;
    const BearingRingParams p{.bore = 60, .outerDiameter = 80, .width = 31, .ballDiameter = 22.225};
    ASSERT_TRUE(makeBearingRing(p, s, err)) << err;
    expectSolid(s);
    expectBox(s, 80, 31, 80, 1e-2);
    ASSERT_EQ(s.materials.size(), 1u);
    EXPECT_EQ(s.materials[0].name, "polished_steel");
    EXPECT_LT(s.materials[0].roughness, machinedSteel().roughness) << "smoother than machined steel";
    EXPECT_EQ(s.materials[0].metallic, 1.0f);
    // The plain ring less the raceway: a groove of radius 0.52 Dw, 0.18 Dw deep (Pappus: its
    // cross-section's area times the path of its centroid).
    const double rg = 0.52 * p.ballDiameter, depth = 0.18 * p.ballDiameter, d = rg - depth;
    const double t0 = std::acos(d / rg);
    const double segment = rg * rg * (t0 - std::sin(t0) * std::cos(t0));  // circular segment area
    const double centroid = 40 + d - (2 * rg * std::pow(std::sin(t0), 3)) / (3 * (t0 - std::sin(t0) * std::cos(t0)));
    const double exact = kPi / 4 * (80.0 * 80 - 60.0 * 60) * 31 - segment * 2 * kPi * centroid;
    EXPECT_NEAR(meshVolume(s.parts[0].mesh), exact, 0.015 * exact);  // chamfers and facets
    EXPECT_FALSE(makeBearingRing({.bore = 60, .outerDiameter = 80, .width = 10, .ballDiameter = 22.225}, s, err));
    EXPECT_NE(err.find("--ball-diameter"), std::string::npos) << err;
}

TEST(Flange, ClosedAndTrueToSize) {
    FlangeParams p{.outerDiameter = 235, .bore = 110, .thickness = 24, .boltCircle = 190, .bolts = 8, .boltHole = 22,
                   .hubDiameter = 140, .hubHeight = 40};
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeFlange(p, s, err)) << err;
    expectSolid(s);
    expectBox(s, 235, 24 + 40, 235, 1e-2);
    ASSERT_NE(findPart(s, "flange_plate"), nullptr);
    ASSERT_NE(findPart(s, "hub"), nullptr);
    // The plate's volume: disc less bore less bolt holes.
    const double plate = kPi / 4 * (235.0 * 235 - 110.0 * 110 - 8 * 22.0 * 22) * 24;
    EXPECT_NEAR(meshVolume(findPart(s, "flange_plate")->mesh), plate, 0.01 * plate);
    // No hub, other bolt counts.
    for (int bolts : {3, 4, 12}) {
        p.hubDiameter = 0;
        p.bolts = bolts;
        p.boltHole = 14;
        ASSERT_TRUE(makeFlange(p, s, err)) << err;
        expectSolid(s);
        EXPECT_EQ(s.parts.size(), 1u);
    }
}

TEST(SteppedAxle, ClosedAndTrueToSize) {
    SteppedAxleParams p;
    std::string err;
    ASSERT_TRUE(parseAxleSteps("45:80,55:60,65:170,75:40,65:120,55:60", p.steps, err)) << err;
    p.chamfer = 2;
    PartScene s;
    ASSERT_TRUE(makeSteppedAxle(p, s, err)) << err;
    expectSolid(s);
    expectBox(s, 530, 75, 75, 1e-2);
    ASSERT_EQ(s.parts.size(), 6u);
    EXPECT_EQ(s.parts[0].name, "step_1");
    EXPECT_EQ(s.parts[5].name, "step_6");
    EXPECT_FALSE(parseAxleSteps("45x80", p.steps, err));
    EXPECT_NE(err.find("--steps"), std::string::npos);
}

TEST(Crankshaft, NamedPartsAndClosed) {
    CrankshaftParams p{.throws = 4, .journalDiameter = 60, .pinDiameter = 50, .stroke = 90};
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeCrankshaft(p, s, err)) << err;
    expectSolid(s);
    for (const char* name : {"front_end", "main_journal_1", "main_journal_5", "crank_web_1", "crank_web_8", "crank_pin_1",
                             "crank_pin_4", "rear_flange"})
        EXPECT_NE(findPart(s, name), nullptr) << name;
    EXPECT_EQ(s.parts.size(), 2u + 5 + 8 + 4);
    // Each pin sits at the crank radius (stroke / 2) from the shaft axis.
    const Bounds journal = meshBounds(findPart(s, "main_journal_1")->mesh);
    const double axisY = (journal.min.y + journal.max.y) / 2, axisZ = (journal.min.z + journal.max.z) / 2;
    for (int i = 1; i <= 4; ++i) {
        const Bounds pin = meshBounds(findPart(s, "crank_pin_" + std::to_string(i))->mesh);
        const double dy = (pin.min.y + pin.max.y) / 2 - axisY, dz = (pin.min.z + pin.max.z) / 2 - axisZ;
        EXPECT_NEAR(std::hypot(dy, dz), 45.0, 0.5) << "crank_pin_" << i;
        EXPECT_NEAR(pin.max.y - pin.min.y, 50.0, 0.1);
    }
    // Forged webs are dark and rough, machined journals bright.
    const Material& web = s.materials[findPart(s, "crank_web_1")->material];
    const Material& journalMat = s.materials[findPart(s, "main_journal_1")->material];
    EXPECT_GT(web.roughness, journalMat.roughness);
    EXPECT_LT(web.baseColor[0], journalMat.baseColor[0]);
    EXPECT_EQ(web.metallic, 1.0f);
}

TEST(OtherParts, ClosedAndSized) {
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeConnectingRod({.centerDistance = 160, .bigEnd = 56, .smallEnd = 24, .thickness = 26}, s, err)) << err;
    expectSolid(s);
    EXPECT_NEAR(sceneBounds(s).max.y, 26, 1e-3);
    const Bounds big = meshBounds(findPart(s, "big_end")->mesh), small = meshBounds(findPart(s, "small_end")->mesh);
    EXPECT_NEAR((small.min.x + small.max.x) / 2 - (big.min.x + big.max.x) / 2, 160, 1e-2) << "centre distance";
    ASSERT_NE(findPart(s, "shank"), nullptr);

    ASSERT_TRUE(makeCraneHook({.capacityT = 5}, s, err)) << err;
    expectSolid(s);
    for (const char* name : {"hook_body", "shank", "nut"}) EXPECT_NE(findPart(s, name), nullptr) << name;
    EXPECT_EQ(s.materials[findPart(s, "hook_body")->material].metallic, 0.0f) << "painted";

    ASSERT_TRUE(makeChainSprocket({.teeth = 21, .pitch = 19.05, .rollerDiameter = 12.07, .thickness = 11}, s, err)) << err;
    expectSolid(s);
    const double d = 19.05 / std::sin(kPi / 21);  // pitch diameter
    const Bounds sb = meshBounds(findPart(s, "sprocket")->mesh);
    EXPECT_GT(sb.max.x - sb.min.x, d - 12.07);  // tips stand out beyond the rollers' seats
    EXPECT_LT(sb.max.x - sb.min.x, d + 1.25 * 19.05 - 12.07 + 1e-3);  // ISO 606 maximum tip diameter
    EXPECT_NEAR(sb.max.y - sb.min.y, 11, 1e-3);
    EXPECT_EQ(countTeeth(findPart(s, "sprocket")->mesh, d / 2, sb.max.y), 21);

    ASSERT_TRUE(makeCoilSpring({.wireDiameter = 8, .meanDiameter = 50, .coils = 8, .freeLength = 120}, s, err)) << err;
    expectSolid(s);
    expectBox(s, 58, 120, 58, 0.05);  // ground ends: exactly the free length
}

TEST(Equipment, FillsItsBoxWithNamedParts) {
    for (EquipmentKind k : {EquipmentKind::ForgingPress, EquipmentKind::Furnace, EquipmentKind::TestingMachine,
                            EquipmentKind::CncMachine}) {
        PartScene s;
        std::string err;
        ASSERT_TRUE(makeEquipment(k, {.width = 1400, .depth = 1000, .height = 2400}, s, err)) << err;
        expectSolid(s);
        expectBox(s, 1400, 2400, 1000, 1e-2);
        EXPECT_LE(triangleCount(s), 4000u) << s.name;
        std::set<std::string> names;
        for (const Part& p : s.parts) names.insert(p.name);
        EXPECT_EQ(names.size(), s.parts.size()) << s.name << ": part names must be unique";
    }
    PartScene press;
    std::string err;
    ASSERT_TRUE(makeEquipment(EquipmentKind::ForgingPress, {}, press, err)) << err;
    for (const char* name : {"bed", "ram", "crown", "column_left", "column_right"}) EXPECT_NE(findPart(press, name), nullptr) << name;
    bool painted = false;
    for (const Material& m : press.materials) painted = painted || (m.metallic == 0.0f && m.baseColor[2] > m.baseColor[0]);
    EXPECT_TRUE(painted) << "the press frame is painted (coloured, non-metallic)";
}

// --- bad parameters --------------------------------------------------------------------------

TEST(BadParameters, NameTheParameterAndRange) {
    PartScene s;
    std::string err;
    EXPECT_FALSE(makeSpurGear({.module = 4, .teeth = 4}, s, err));
    EXPECT_NE(err.find("--teeth"), std::string::npos) << err;
    EXPECT_NE(err.find("[6, 200]"), std::string::npos) << err;
    EXPECT_FALSE(makeSpurGear({.module = 4, .teeth = 20, .bore = 70}, s, err));  // root diameter is 70
    EXPECT_NE(err.find("--bore"), std::string::npos) << err;
    EXPECT_FALSE(makeSpurGear({.module = -1}, s, err));
    EXPECT_NE(err.find("--module"), std::string::npos) << err;
    EXPECT_FALSE(makeForgedRing({.outerDiameter = 300, .innerDiameter = 200, .height = -5}, s, err));
    EXPECT_NE(err.find("--height"), std::string::npos) << err;
    EXPECT_FALSE(makeForgedRing({.outerDiameter = 300, .innerDiameter = 320, .height = 50}, s, err));
    EXPECT_NE(err.find("--inner-diameter"), std::string::npos) << err;
    EXPECT_FALSE(makeFlange({.outerDiameter = 200, .bore = 80, .boltCircle = 240}, s, err));
    EXPECT_NE(err.find("--bolt-circle"), std::string::npos) << err;
    EXPECT_FALSE(makeChainSprocket({.teeth = 5}, s, err));
    EXPECT_NE(err.find("--teeth"), std::string::npos) << err;
    EXPECT_FALSE(makeCoilSpring({.wireDiameter = 8, .meanDiameter = 50, .coils = 8, .freeLength = 40}, s, err));
    EXPECT_NE(err.find("--free-length"), std::string::npos) << err;
    EXPECT_FALSE(makeCrankshaft({.throws = 0}, s, err));
    EXPECT_NE(err.find("--throws"), std::string::npos) << err;
    EXPECT_FALSE(makeEquipment(EquipmentKind::Furnace, {.width = -100}, s, err));
    EXPECT_NE(err.find("--width"), std::string::npos) << err;
}

// --- export round trips ----------------------------------------------------------------------

fs::path tempDirPath() { return fs::temp_directory_path() / ("partgen_test_" + std::to_string(::getpid())); }

fs::path tempDir() {
    fs::create_directories(tempDirPath());
    return tempDirPath();
}

// Removes this process's scratch folder when the tests end.
class ScratchCleanup : public ::testing::Environment {
public:
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(tempDirPath(), ec);
    }
};
const auto* const kScratchCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

void collectNodes(const aiNode* n, const aiMatrix4x4& parent, std::map<std::string, const aiNode*>& names,
                  std::vector<std::pair<const aiMesh*, aiMatrix4x4>>& meshes, const aiScene* sc) {
    const aiMatrix4x4 m = parent * n->mTransformation;
    names[n->mName.C_Str()] = n;
    for (unsigned i = 0; i < n->mNumMeshes; ++i) meshes.push_back({sc->mMeshes[n->mMeshes[i]], m});
    for (unsigned i = 0; i < n->mNumChildren; ++i) collectNodes(n->mChildren[i], m, names, meshes, sc);
}

TEST(Export, GlbRoundTripKeepsNamesMaterialsAndMetres) {
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeCrankshaft({}, s, err)) << err;
    const fs::path file = tempDir() / "crank.glb";
    ASSERT_TRUE(writeModel(s, file.string(), err)) << err;

    Assimp::Importer imp;
    const aiScene* sc = imp.ReadFile(file.string(), 0);
    ASSERT_NE(sc, nullptr) << imp.GetErrorString();
    std::map<std::string, const aiNode*> names;
    std::vector<std::pair<const aiMesh*, aiMatrix4x4>> meshes;
    collectNodes(sc->mRootNode, aiMatrix4x4(), names, meshes, sc);
    for (const Part& p : s.parts) EXPECT_TRUE(names.count(p.name)) << "node " << p.name << " lost";
    EXPECT_TRUE(names.count(s.name)) << "root node " << s.name;

    // Materials: the ones the meshes use are ours, by name and PBR factors (the importer adds an
    // unused default material of its own).
    std::set<std::string> used;
    for (const auto& [mesh, xf] : meshes) {
        const aiMaterial* mat = sc->mMaterials[mesh->mMaterialIndex];
        aiString name;
        mat->Get(AI_MATKEY_NAME, name);
        used.insert(name.C_Str());
        const Material* ours = nullptr;
        for (const Material& m : s.materials)
            if (m.name == name.C_Str()) ours = &m;
        ASSERT_NE(ours, nullptr) << name.C_Str();
        aiColor4D base;
        float metallic = -1, roughness = -1;
        EXPECT_EQ(mat->Get(AI_MATKEY_BASE_COLOR, base), aiReturn_SUCCESS);
        EXPECT_NEAR(base.r, ours->baseColor[0], 1e-4);
        EXPECT_EQ(mat->Get(AI_MATKEY_METALLIC_FACTOR, metallic), aiReturn_SUCCESS);
        EXPECT_NEAR(metallic, ours->metallic, 1e-4);
        EXPECT_EQ(mat->Get(AI_MATKEY_ROUGHNESS_FACTOR, roughness), aiReturn_SUCCESS);
        EXPECT_NEAR(roughness, ours->roughness, 1e-4);
    }
    EXPECT_EQ(used.size(), s.materials.size());

    // Metres: the imported bounding box is the millimetre one divided by 1000.
    double lo[3] = {1e30, 1e30, 1e30}, hi[3] = {-1e30, -1e30, -1e30};
    size_t tris = 0;
    for (const auto& [mesh, xf] : meshes) {
        tris += mesh->mNumFaces;
        for (unsigned i = 0; i < mesh->mNumVertices; ++i) {
            const aiVector3D v = xf * mesh->mVertices[i];
            for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], double(v[unsigned(k)])), hi[k] = std::max(hi[k], double(v[unsigned(k)]));
        }
        EXPECT_TRUE(mesh->HasNormals());
    }
    EXPECT_EQ(tris, triangleCount(s));
    const Bounds b = sceneBounds(s);
    EXPECT_NEAR(hi[0] - lo[0], (b.max.x - b.min.x) / 1000.0, 1e-5);
    EXPECT_NEAR(hi[1] - lo[1], (b.max.y - b.min.y) / 1000.0, 1e-5);
    EXPECT_NEAR(hi[2] - lo[2], (b.max.z - b.min.z) / 1000.0, 1e-5);
}

TEST(Export, StlIsBinaryMillimetres) {
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeForgedRing({.outerDiameter = 400, .innerDiameter = 300, .height = 80}, s, err)) << err;
    const fs::path file = tempDir() / "ring.stl";
    ASSERT_TRUE(writeModel(s, file.string(), err)) << err;
    EXPECT_EQ(fs::file_size(file), 84 + 50 * triangleCount(s)) << "binary STL: header, count, 50 bytes a triangle";
    Assimp::Importer imp;
    const aiScene* sc = imp.ReadFile(file.string(), aiProcess_JoinIdenticalVertices);
    ASSERT_NE(sc, nullptr) << imp.GetErrorString();
    double lo = 1e30, hi = -1e30;
    for (unsigned m = 0; m < sc->mNumMeshes; ++m)
        for (unsigned i = 0; i < sc->mMeshes[m]->mNumVertices; ++i)
            lo = std::min(lo, double(sc->mMeshes[m]->mVertices[i].x)), hi = std::max(hi, double(sc->mMeshes[m]->mVertices[i].x));
    EXPECT_NEAR(hi - lo, 400.0, 1e-2) << "STL is written in millimetres";
}

TEST(Export, RejectsUnknownExtension) {
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeForgedRing({}, s, err));
    EXPECT_FALSE(writeModel(s, (tempDir() / "ring.obj").string(), err));
    EXPECT_NE(err.find(".glb"), std::string::npos) << err;
}

// --- the command line ------------------------------------------------------------------------

struct RunResult {
    int code = -1;
    std::string out;
};

RunResult runPartgen(const std::string& args) {
    const fs::path exe = fs::path(DOCKHALL_BIN_DIR) / "dockhall-partgen";
    const fs::path log = tempDir() / "cli.txt";
    const std::string cmd = "\"" + exe.string() + "\" " + args + " > \"" + log.string() + "\" 2>&1";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    r.out = ss.str();
    return r;
}

TEST(Cli, ExitCodesAndSummary) {
    if (!fs::exists(fs::path(DOCKHALL_BIN_DIR) / "dockhall-partgen")) GTEST_SKIP() << "dockhall-partgen not built";
    RunResult r = runPartgen("spur-gear --teeth 4");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("--teeth"), std::string::npos) << r.out;
    r = runPartgen("forged-ring --height=-5");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("--height"), std::string::npos) << r.out;
    r = runPartgen("spur-gear --bore 200");
    EXPECT_EQ(r.code, 2) << r.out;
    r = runPartgen("teapot");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("unknown kind"), std::string::npos) << r.out;
    r = runPartgen("spur-gear -o gear.obj");
    EXPECT_EQ(r.code, 2) << r.out;

    const fs::path out = tempDir() / "g.glb";
    r = runPartgen("spur-gear --module 4 --teeth 20 --face-width 30 --bore 25 --json -o \"" + out.string() + "\"");
    ASSERT_EQ(r.code, 0) << r.out;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_GT(j["triangles"].get<int>(), 5000);
    EXPECT_NEAR(j["bboxMm"]["size"][0].get<double>(), 88.0, 1e-3);
    EXPECT_GT(j["massKg"].get<double>(), 0.5);
    EXPECT_TRUE(fs::exists(out));
    r = runPartgen("forged-ring");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("triangles"), std::string::npos) << r.out;
}

// --- the sample event ------------------------------------------------------------------------

struct Rect {
    double x0, z0, x1, z1;
    bool overlaps(const Rect& o) const { return x0 < o.x1 - 1e-9 && o.x0 < x1 - 1e-9 && z0 < o.z1 - 1e-9 && o.z0 < z1 - 1e-9; }
    bool inside(const Rect& o) const { return x0 >= o.x0 - 1e-6 && z0 >= o.z0 - 1e-6 && x1 <= o.x1 + 1e-6 && z1 <= o.z1 + 1e-6; }
    bool contains(double x, double z) const { return x >= x0 && x <= x1 && z >= z0 && z <= z1; }
};

Rect rectOf(const nlohmann::json& a) { return {a[0].get<double>(), a[1].get<double>(), a[2].get<double>(), a[3].get<double>()}; }

Rect boothRect(const nlohmann::json& b) {
    const double cx = b["center"][0], cz = b["center"][1], w = b["size"][0], d = b["size"][1];
    const bool sideways = b["facing"].get<int>() % 2 == 1;
    const double hx = (sideways ? d : w) / 2, hz = (sideways ? w : d) / 2;
    return {cx - hx, cz - hz, cx + hx, cz + hz};
}

// The 3 m strip in front of a booth (its front is the side its facing points to).
Rect aisleRect(const Rect& r, int facing, double depth) {
    switch (facing) {
        case 0: return {r.x0, r.z1, r.x1, r.z1 + depth};
        case 1: return {r.x1, r.z0, r.x1 + depth, r.z1};
        case 2: return {r.x0, r.z0 - depth, r.x1, r.z0};
        default: return {r.x0 - depth, r.z0, r.x0, r.z1};
    }
}

Rect tableRect(const nlohmann::json& t) {
    const double r = 0.75 + 0.8;  // table radius plus chairs, as the server's loader counts it
    return {t["center"][0].get<double>() - r, t["center"][1].get<double>() - r, t["center"][0].get<double>() + r,
            t["center"][1].get<double>() + r};
}

TEST(SampleEvent, LayoutRulesAndAssets) {
    const fs::path root(DOCKHALL_SOURCE_DIR);
    std::ifstream f(root / "assets/events/sample.json");
    ASSERT_TRUE(f.good()) << "assets/events/sample.json is missing";
    const nlohmann::json ev = nlohmann::json::parse(f);
    ASSERT_TRUE(ev["name"].contains("zh") && ev["name"].contains("en"));
    const double W = ev["hall"]["size"][0], D = ev["hall"]["size"][1];
    EXPECT_LE(W, 600);
    EXPECT_LE(D, 600);
    const Rect hallInner{1, 1, W - 1, D - 1};
    const Rect hall{0, 0, W, D};
    const auto& zones = ev["zones"];
    for (const auto& z : zones) EXPECT_TRUE(rectOf(z["area"]).inside(hall)) << z["name"]["en"];
    const Rect stage = rectOf(ev["stage"]["area"]);
    EXPECT_TRUE(stage.inside(hallInner));

    std::vector<Rect> tables;
    for (const auto& t : ev["tables"]) {
        tables.push_back(tableRect(t));
        EXPECT_TRUE(tables.back().inside(hallInner));
        EXPECT_FALSE(tables.back().overlaps(stage));
        bool inMeeting = false;
        for (const auto& z : zones)
            inMeeting = inMeeting || (z["kind"] == "meeting" && rectOf(z["area"]).contains(t["center"][0], t["center"][1]));
        EXPECT_TRUE(inMeeting) << "tables stand in a meeting zone";
        const int seats = t["seats"];
        EXPECT_GE(seats, 2);
        EXPECT_LE(seats, 12);
    }
    EXPECT_GE(tables.size(), 6u);

    const auto& booths = ev["booths"];
    std::vector<Rect> rects;
    for (const auto& b : booths) rects.push_back(boothRect(b));
    int enterprises = 0, labs = 0;
    Assimp::Importer imp;
    std::set<std::string> loaded;
    for (size_t i = 0; i < booths.size(); ++i) {
        const auto& b = booths[i];
        const std::string who = "booths[" + std::to_string(i) + "] " + b["org"]["en"].get<std::string>();
        ASSERT_TRUE(b["org"].contains("zh") && b["org"].contains("en")) << who;
        const std::string kind = b["org"]["kind"];
        enterprises += kind == "enterprise";
        labs += kind == "university" || kind == "institute";
        const int facing = b["facing"];
        ASSERT_GE(facing, 0);
        ASSERT_LE(facing, 3);
        const Rect& r = rects[i];
        EXPECT_TRUE(r.inside(hallInner)) << who << ": at least 1 m from the walls";
        const size_t zi = b["zone"];
        ASSERT_LT(zi, zones.size()) << who;
        EXPECT_TRUE(r.inside(rectOf(zones[zi]["area"]))) << who << ": inside its zone";
        if (kind == "enterprise") {
            EXPECT_EQ(zones[zi]["kind"], "enterprise") << who;
        }
        if (kind == "university" || kind == "institute") {
            EXPECT_EQ(zones[zi]["kind"], "university") << who;
        }
        EXPECT_FALSE(r.overlaps(stage)) << who << ": overlaps the stage";
        for (const Rect& t : tables) EXPECT_FALSE(r.overlaps(t)) << who << ": overlaps a table";
        for (size_t k = 0; k < rects.size(); ++k)
            if (k != i) {
                EXPECT_FALSE(r.overlaps(rects[k])) << who << ": overlaps booths[" << k << "]";
            }
        // A 3 m aisle in front: inside the hall and clear of booths, tables and the stage.
        const Rect aisle = aisleRect(r, facing, 3.0);
        EXPECT_TRUE(aisle.inside(hall)) << who << ": its aisle runs into a wall";
        EXPECT_FALSE(aisle.overlaps(stage)) << who << ": stage in its aisle";
        for (const Rect& t : tables) EXPECT_FALSE(aisle.overlaps(t)) << who << ": table in its aisle";
        for (size_t k = 0; k < rects.size(); ++k)
            if (k != i) {
                EXPECT_FALSE(aisle.overlaps(rects[k])) << who << ": booths[" << k << "] in its aisle";
            }

        const auto& exhibits = b["exhibits"];
        EXPECT_GE(exhibits.size(), 1u) << who;
        EXPECT_LE(exhibits.size(), 4u) << who;
        for (const auto& e : exhibits) {
            const std::string asset = e["asset"];
            EXPECT_EQ(asset.find(".."), std::string::npos);
            EXPECT_GT(e["massKg"].get<double>(), 0) << asset;
            EXPECT_FALSE(e["material"].get<std::string>().empty()) << asset;
            EXPECT_TRUE(e["process"].contains("zh") && e["process"].contains("en")) << asset;
            EXPECT_TRUE(e["title"].contains("zh") && e["title"].contains("en")) << asset;
            const fs::path file = root / "assets" / asset;
            ASSERT_TRUE(fs::exists(file)) << who << ": " << asset << " is missing";
            if (loaded.insert(asset).second) {
                const aiScene* sc = imp.ReadFile(file.string(), aiProcess_ValidateDataStructure);
                ASSERT_NE(sc, nullptr) << asset << ": " << imp.GetErrorString();
                EXPECT_GT(sc->mNumMeshes, 0u) << asset;
                EXPECT_LE(fs::file_size(file), 400u * 1024) << asset << " is over 400 KB";
            }
        }
    }
    EXPECT_GE(enterprises, 8);
    EXPECT_GE(labs, 4);
    // The three steel finishes a visitor compares: as-forged, machined and polished.
    std::set<std::string> finishes;
    for (const std::string& asset : loaded)
        if (const aiScene* sc = imp.ReadFile((root / "assets" / asset).string(), 0))
            for (unsigned m = 0; m < sc->mNumMaterials; ++m) finishes.insert(sc->mMaterials[m]->GetName().C_Str());
    for (const char* finish : {"forged_steel", "machined_steel", "polished_steel"})
        EXPECT_TRUE(finishes.count(finish)) << "no exhibit shows " << finish;

    // The spawn point: inside the hall, in a clear aisle (not on a booth, table, the stage or in
    // any booth's front strip), near the entrance side of the hall.
    const double sx = ev["hall"]["spawn"][0], sz = ev["hall"]["spawn"][1];
    EXPECT_TRUE(hallInner.contains(sx, sz));
    EXPECT_FALSE(stage.contains(sx, sz));
    for (const Rect& r : rects) EXPECT_FALSE(Rect({r.x0 - 1, r.z0 - 1, r.x1 + 1, r.z1 + 1}).contains(sx, sz));
    for (const Rect& t : tables) EXPECT_FALSE(t.contains(sx, sz));

    // Agenda: a full day with the signing ceremony of the framework agreement.
    const auto& agenda = ev["agenda"];
    EXPECT_GE(agenda.size(), 5u);
    bool signing = false;
    for (const auto& a : agenda) {
        EXPECT_GT(a["minutes"].get<int>(), 0);
        signing = signing || a["title"]["zh"].get<std::string>().find("签") != std::string::npos;
    }
    EXPECT_TRUE(signing) << "the agenda has a signing ceremony";

    // Every model in assets/models, baked versions included, is within the size budget (4 MB in all).
    uintmax_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root / "assets/models"))
        if (entry.is_regular_file()) total += entry.file_size();
    EXPECT_LE(total, 4u * 1024 * 1024);
}

TEST(SampleEvent, SteelMassesMatchTheModels) {
    // Forged parts: massKg is the model's volume x 7.85 g/cm^3 (lab machines are not solid).
    const fs::path root(DOCKHALL_SOURCE_DIR);
    std::ifstream f(root / "assets/events/sample.json");
    ASSERT_TRUE(f.good());
    const nlohmann::json ev = nlohmann::json::parse(f);
    const std::set<std::string> machines = {"models/forging_press.glb", "models/furnace.glb", "models/testing_machine.glb",
                                            "models/cnc_machine.glb"};
    Assimp::Importer imp;
    int checked = 0;
    for (const auto& b : ev["booths"])
        for (const auto& e : b["exhibits"]) {
            const std::string asset = e["asset"];
            if (machines.count(asset)) continue;
            const aiScene* sc = imp.ReadFile((root / "assets" / asset).string(), 0);
            ASSERT_NE(sc, nullptr) << asset;
            double volume = 0;  // m^3; partgen's nodes carry no transforms
            for (unsigned m = 0; m < sc->mNumMeshes; ++m) {
                const aiMesh* mesh = sc->mMeshes[m];
                for (unsigned t = 0; t < mesh->mNumFaces; ++t) {
                    const aiVector3D &a = mesh->mVertices[mesh->mFaces[t].mIndices[0]], &bb = mesh->mVertices[mesh->mFaces[t].mIndices[1]],
                                     &c = mesh->mVertices[mesh->mFaces[t].mIndices[2]];
                    volume += double(a * (bb ^ c)) / 6.0;
                }
            }
            EXPECT_NEAR(e["massKg"].get<double>(), volume * 7850.0, 0.05 * volume * 7850.0) << asset;
            ++checked;
        }
    EXPECT_GE(checked, 20);
}

TEST(MeshCheck, DetectsHolesAndFlips) {
    // The checks above can fail: a ring with one triangle removed is open, one flipped is not
    // consistently wound.
    PartScene s;
    std::string err;
    ASSERT_TRUE(makeForgedRing({}, s, err)) << err;
    Mesh m = s.parts[0].mesh;
    EXPECT_TRUE(inspect(m).closed);
    Mesh open = m;
    open.indices.resize(open.indices.size() - 3);
    EXPECT_FALSE(inspect(open).closed);
    Mesh flipped = m;
    std::swap(flipped.indices[0], flipped.indices[1]);
    EXPECT_FALSE(inspect(flipped).closed);
    EXPECT_FALSE(inspect(flipped).normalsAgree);
}

}  // namespace
