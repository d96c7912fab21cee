// detail/hall_mesh.h: the static hall as one CPU batch (floor, walls, booths, stage, tables, signs)
// plus where the labels and exhibits go. Pure: no GL, no files. The renderer uploads the batch as
// one vertex buffer and draws it with one call.
//
// Every solid box of net::buildHallParts() is drawn exactly (some split in height into bands of
// colour whose union is the box). Decoration that collides with nothing is added around them:
// booth carpets, lamps on the backdrops, zone signs, the stage's steps/screen/signing table, round
// table tops and chairs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "client/render/detail/mesh_builder.h"
#include "client/render/renderer.h"
#include "net/protocol/domain.h"

namespace client::detail {

// Surface patterns the lit shader draws procedurally (material.w of a vertex).
enum class Pattern : uint8_t {
    Plain,     // flat colour
    Floor,     // hall floor: stone tiles, zone carpets, the highlighted booth's outline
    Wall,      // hall wall: panels, skirting, a coloured band
    Screen,    // LED screen: emissive gradient
    Carpet,    // fine fabric noise
};

// One vertex of the static batch (36 bytes).
struct HallVertex {
    float pos[3];
    float normal[3];
    uint8_t color[4];     // sRGB albedo + alpha
    uint8_t material[4];  // metallic, roughness, emissive (0..255 = 0..1), Pattern
    int16_t booth;        // booth index for the hover highlight, -1 for none
    uint16_t pad;
};
static_assert(sizeof(HallVertex) == 36);

// How a piece looks.
struct Look {
    uint32_t rgb = 0xFFFFFF;   // sRGB, 0xRRGGBB
    float metallic = 0;
    float roughness = 0.7f;
    float emissive = 0;
    Pattern pattern = Pattern::Plain;
};

// Where a text panel goes; the renderer rasterizes its text.
struct LabelPlacement {
    HallLabel::Kind kind = HallLabel::Kind::Backdrop;
    int index = 0;                // booth / zone index
    int booth = -1;               // for the highlight
    net::LocalText text;          // what it says (the renderer picks the language order)
    std::string extraLine;        // a third line in both languages (the stage screen's dates)
    glm::vec3 center{}, right{}, up{}, normal{};
    float width = 0, height = 0;  // metres
    bool twoSided = false;        // also readable from behind (hanging signs) ...
    glm::vec3 backCenter{};       // ... from a second panel here, facing -normal
    uint32_t ink = 0x1C2A3A;      // sRGB text colour
    float emissive = 0;           // 1 = the text glows (screens)
    int maxPrimaryLines = 1, maxSecondaryLines = 1;
};

// One exhibit on its pedestal.
struct ExhibitPlacement {
    int booth = 0, exhibit = 0;
    std::string asset;            // as in the layout, relative to the assets folder
    glm::vec3 spot{};             // centre of the pedestal top
    float yaw = 0;                // the booth's facing: the model's +z faces the aisle
};

// A soft contact shadow on the floor (or the stage) under something standing there: a rectangle
// or disc whose darkness fades out over `soft` metres beyond its edge. Stands in for real shadows.
struct FloorShadow {
    glm::vec2 center{};      // x, z
    glm::vec2 half{};        // half extents along x and z (radius in x for a disc)
    float y = 0;             // the surface it lies on
    float soft = 0.3f;       // metres of fade outside the edge
    float strength = 0.4f;   // darkness at the edge, 0..1
    bool disc = false;
};

// The stage's big screen and signing table, where they were built: the renderer puts pictures on
// the screen and aims the group picture's camera with them. `present` is false without a stage.
struct StagePlacement {
    bool present = false;
    glm::vec3 screenCenter{}, right{}, up{0, 1, 0}, normal{};  // normal: toward the audience
    float screenWidth = 0, screenHeight = 0;   // the lit panel, metres
    bool table = false;                        // a signing table was built (large enough stage)
    glm::vec3 tableCenter{};                   // on the stage floor
    float tableWidth = 0;
    float floorY = 0;                          // the stage's top
};

struct HallMesh {
    std::vector<HallVertex> vertices;
    std::vector<uint32_t> indices;
    std::vector<LabelPlacement> labels;
    std::vector<ExhibitPlacement> exhibits;
    std::vector<FloorShadow> shadows;
    StagePlacement stage;

    // Appends geometry with one look; `booth` = -1 when it belongs to no booth.
    void append(const Geometry& g, const Look& look, int booth = -1);
};

void buildHallMesh(const net::EventLayout& layout, HallMesh& out);

// What a closed booth shows across its front: stanchions with a red and white ribbon between them
// and a sign board on it (appended to `out` with booth = `boothIndex`), and the sign's text panel
// (one LabelPlacement, kind ClosedSign, saying `text`). Not part of the static batch: the renderer
// draws it only while the booth is closed.
void buildBoothClosure(const net::Booth& booth, int boothIndex, const net::LocalText& text, HallMesh& out);

// Colours shared with the renderer (sRGB 0xRRGGBB).
uint32_t zoneCarpetColor(net::ZoneKind k);
uint32_t orgAccentColor(net::OrgKind k);

}  // namespace client::detail
