// detail/hall_mesh.cpp: the hall's static geometry, styled.
#include "client/render/detail/hall_mesh.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include <glm/gtc/matrix_transform.hpp>

#include "net/protocol/hall.h"

namespace client::detail {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

// Palette (sRGB).
constexpr uint32_t kFloorStone = 0x8A8883;
constexpr uint32_t kWallPanel = 0xC9C5BC;
constexpr uint32_t kPanelWhite = 0xEDEFF1;
constexpr uint32_t kPlinth = 0x2A2E35;
constexpr uint32_t kWood = 0x9A7350;
constexpr uint32_t kChrome = 0xD8DCE0;
constexpr uint32_t kBoothFloor = 0x7E838A;
constexpr uint32_t kLampGlow = 0xFFF4DC;
constexpr uint32_t kStageSkirt = 0x24252B;
constexpr uint32_t kStageCarpet = 0x8E1B2B;
constexpr uint32_t kScreenFrame = 0x1A1C22;
constexpr uint32_t kScreenPanel = 0x123A7A;
constexpr uint32_t kBanner = 0xB3202F;
constexpr uint32_t kGold = 0xD4A437;
constexpr uint32_t kTableTop = 0xF1EFEA;
constexpr uint32_t kChairFabric = 0x3B4658;
constexpr uint32_t kTableCloth = 0xA51C2C;

glm::vec3 v3(net::Vec2 p, float y) { return {p.x, y, p.y}; }

glm::mat4 frame(net::Vec2 center, uint8_t facing) {
    glm::mat4 m = glm::translate(glm::mat4(1.0f), glm::vec3{center.x, 0, center.y});
    return glm::rotate(m, float(facing & 3) * kPi * 0.5f, glm::vec3{0, 1, 0});
}

// A box given in a local frame, added in world space.
void localBox(HallMesh& mesh, const glm::mat4& m, glm::vec3 mn, glm::vec3 mx, const Look& look, int booth = -1,
              unsigned faces = kNoBottom) {
    Geometry g;
    addBox(g, mn, mx, faces);
    transform(g, m);
    mesh.append(g, look, booth);
}

// Splits a world box into horizontal bands [ys[i], ys[i+1]) with one look each.
void bandedBox(HallMesh& mesh, const net::Box3& box, std::initializer_list<float> ys, std::initializer_list<Look> looks,
               int booth) {
    std::vector<float> y(ys);
    std::vector<Look> l(looks);
    for (size_t i = 0; i + 1 < y.size(); ++i) {
        unsigned faces = kAllFaces & ~unsigned(kFaceNegY);
        if (i + 2 < y.size()) faces &= ~unsigned(kFacePosY);  // covered by the band above
        Geometry g;
        addBox(g, {box.min[0], y[i], box.min[2]}, {box.max[0], y[i + 1], box.max[2]}, faces);
        mesh.append(g, l[i], booth);
    }
}

void chair(HallMesh& mesh, const glm::mat4& m, const Look& fabric, const Look& metal) {
    // Local: seat centred on the origin, the sitter faces +z.
    localBox(mesh, m, {-0.23f, 0.42f, -0.23f}, {0.23f, 0.48f, 0.23f}, fabric, -1, kAllFaces);
    localBox(mesh, m, {-0.23f, 0.48f, -0.25f}, {0.23f, 0.95f, -0.20f}, fabric, -1, kAllFaces);
    for (float x : {-0.19f, 0.19f})
        for (float z : {-0.19f, 0.19f}) localBox(mesh, m, {x - 0.015f, 0, z - 0.015f}, {x + 0.015f, 0.42f, z + 0.015f}, metal);
}

Look zoneSignLook(net::ZoneKind k) {
    switch (k) {
        case net::ZoneKind::Enterprise: return {0x1F5FA8, 0, 0.5f, 0.08f};
        case net::ZoneKind::University: return {0x2E8B57, 0, 0.5f, 0.08f};
        case net::ZoneKind::Stage: return {0xB22234, 0, 0.5f, 0.08f};
        default: return {0xC27F1C, 0, 0.5f, 0.08f};
    }
}

}  // namespace

void buildBoothClosure(const net::Booth& bo, int bi, const net::LocalText& text, HallMesh& out) {
    // Booth frame: x along the front, +z out to the aisle; the barrier stands just inside the
    // front edge, clear of the pedestals (their front is 0.5 m in).
    const glm::mat4 m = frame(bo.center, bo.facing);
    const float hw = bo.size.x * 0.5f, hd = bo.size.y * 0.5f;
    const float z = hd - 0.15f, ribbonLow = 0.80f, ribbonHigh = 0.90f, postHeight = 0.96f;
    const float x0 = -hw + 0.15f, x1 = hw - 0.15f;
    const Look chrome{kChrome, 0.9f, 0.25f};
    const Look base{kPlinth, 0.4f, 0.4f};
    for (float x : {x0, x0 * 0.34f, x1 * 0.34f, x1}) {
        Geometry g;
        addCylinder(g, {x, 0, z}, 0.16f, 0.03f, 16, true);
        transform(g, m);
        out.append(g, base, bi);
        g.clear();
        addCylinder(g, {x, 0.03f, z}, 0.028f, postHeight - 0.03f, 12, true);
        transform(g, m);
        out.append(g, chrome, bi);
    }
    // The ribbon: red and white bands about 0.3 m long, the colours of a barrier tape.
    const int bands = std::max(1, int(std::lround((x1 - x0) / 0.3f)));
    for (int i = 0; i < bands; ++i) {
        const float a = x0 + (x1 - x0) * float(i) / float(bands), b = x0 + (x1 - x0) * float(i + 1) / float(bands);
        localBox(out, m, {a, ribbonLow, z - 0.008f}, {b, ribbonHigh, z + 0.008f},
                 Look{i % 2 ? 0xF2F2F2u : 0xC62828u, 0, 0.55f, 0.05f}, bi, kAllFaces);
    }
    // The sign board hangs on the ribbon in the middle, facing the aisle.
    const float signW = std::min(1.5f, bo.size.x - 1.0f), signH = 0.5f, signY = 0.98f;
    localBox(out, m, {-signW * 0.5f, signY - signH * 0.5f, z + 0.01f}, {signW * 0.5f, signY + signH * 0.5f, z + 0.04f},
             Look{0xFAF7F0, 0, 0.6f, 0.12f}, bi, kAllFaces);
    localBox(out, m, {-signW * 0.5f, signY + signH * 0.5f - 0.06f, z + 0.041f}, {signW * 0.5f, signY + signH * 0.5f, z + 0.045f},
             Look{0xC62828, 0, 0.5f, 0.1f}, bi, kAllFaces);
    LabelPlacement label;
    label.kind = HallLabel::Kind::ClosedSign;
    label.index = bi;
    label.booth = bi;
    label.text = text;
    label.width = signW - 0.08f;
    label.height = signH - 0.1f;
    label.center = glm::vec3(m * glm::vec4(0, signY - 0.03f, z + 0.046f, 1));
    label.right = glm::normalize(glm::vec3(m * glm::vec4(1, 0, 0, 0)));
    label.up = {0, 1, 0};
    label.normal = glm::normalize(glm::vec3(m * glm::vec4(0, 0, 1, 0)));
    label.ink = 0xB71C1C;
    label.emissive = 0.2f;
    out.labels.push_back(label);
}

uint32_t zoneCarpetColor(net::ZoneKind k) {
    switch (k) {
        case net::ZoneKind::Enterprise: return 0x2C4663;
        case net::ZoneKind::University: return 0x2D5543;
        case net::ZoneKind::Stage: return 0x55242D;
        default: return 0x66533F;
    }
}

uint32_t orgAccentColor(net::OrgKind k) {
    switch (k) {
        case net::OrgKind::Enterprise: return 0xD9822B;
        case net::OrgKind::University: return 0x2E8B57;
        case net::OrgKind::Institute: return 0x1F8A8A;
        default: return 0xB22234;
    }
}

void HallMesh::append(const Geometry& g, const Look& look, int booth) {
    const uint32_t base = uint32_t(vertices.size());
    HallVertex v{};
    v.color[0] = uint8_t(look.rgb >> 16);
    v.color[1] = uint8_t(look.rgb >> 8);
    v.color[2] = uint8_t(look.rgb);
    v.color[3] = 255;
    auto unit = [](float f) { return uint8_t(std::lround(std::clamp(f, 0.0f, 1.0f) * 255.0f)); };
    v.material[0] = unit(look.metallic);
    v.material[1] = unit(look.roughness);
    v.material[2] = unit(look.emissive);
    v.material[3] = uint8_t(look.pattern);
    v.booth = int16_t(booth);
    for (size_t i = 0; i < g.pos.size(); ++i) {
        v.pos[0] = g.pos[i].x; v.pos[1] = g.pos[i].y; v.pos[2] = g.pos[i].z;
        v.normal[0] = g.normal[i].x; v.normal[1] = g.normal[i].y; v.normal[2] = g.normal[i].z;
        vertices.push_back(v);
    }
    for (uint32_t i : g.index) indices.push_back(base + i);
}

void buildHallMesh(const net::EventLayout& layout, HallMesh& out) {
    out = HallMesh{};
    std::vector<net::HallPart> parts;
    net::buildHallParts(layout, parts);
    const float W = layout.hallSize.x, D = layout.hallSize.y, t = net::kWallThickness;

    const Look plinth{kPlinth, 0, 0.6f};
    const Look white{kPanelWhite, 0, 0.55f};
    const Look wood{kWood, 0, 0.45f};
    const Look chrome{kChrome, 1.0f, 0.2f};
    const Look fabric{kChairFabric, 0, 0.85f, 0, Pattern::Carpet};

    // Floor: one quad under everything; tiles and zone carpets come from the shader.
    {
        Geometry g;
        addQuad(g, {W * 0.5f, 0, D * 0.5f}, {1, 0, 0}, {0, 0, -1}, W + 2 * t, D + 2 * t);
        out.append(g, {kFloorStone, 0, 0.35f, 0, Pattern::Floor});
    }

    std::unordered_map<uint16_t, int> boothIndex;  // parts name booths by id
    for (size_t i = 0; i < layout.booths.size(); ++i) boothIndex.emplace(layout.booths[i].id.v, int(i));

    auto boxShadow = [&](const net::Box3& b, float soft, float strength, float y = 0.0f) {
        FloorShadow sh;
        sh.center = {(b.min[0] + b.max[0]) * 0.5f, (b.min[2] + b.max[2]) * 0.5f};
        sh.half = {(b.max[0] - b.min[0]) * 0.5f, (b.max[2] - b.min[2]) * 0.5f};
        sh.y = y;
        sh.soft = soft;
        sh.strength = strength;
        out.shadows.push_back(sh);
    };
    for (const net::HallPart& p : parts) {
        const net::Box3& b = p.box;
        switch (p.kind) {
            case net::PartKind::Wall: boxShadow(b, 1.5f, 0.45f); break;
            case net::PartKind::Backdrop: boxShadow(b, 0.7f, 0.6f); break;
            case net::PartKind::Counter: boxShadow(b, 0.35f, 0.7f); break;
            case net::PartKind::Pedestal: boxShadow(b, 0.3f, 0.65f); break;
            case net::PartKind::Table: {
                FloorShadow sh;
                sh.center = {(b.min[0] + b.max[0]) * 0.5f, (b.min[2] + b.max[2]) * 0.5f};
                sh.half = {(b.max[0] - b.min[0]) * 0.5f, 0};
                sh.soft = 0.5f;
                sh.strength = 0.55f;
                sh.disc = true;
                out.shadows.push_back(sh);
                break;
            }
            default: break;
        }
        switch (p.kind) {
            case net::PartKind::Wall: {
                Geometry g;
                addBox(g, {b.min[0], b.min[1], b.min[2]}, {b.max[0], b.max[1], b.max[2]}, kNoBottom);
                out.append(g, {kWallPanel, 0, 0.8f, 0, Pattern::Wall});
                break;
            }
            case net::PartKind::Backdrop: {
                auto it = boothIndex.find(p.owner);
                const int bi = it == boothIndex.end() ? -1 : it->second;
                const uint32_t accent = bi >= 0 ? orgAccentColor(layout.booths[size_t(bi)].owner.kind) : kGold;
                const float top = b.max[1];
                bandedBox(out, b, {0.0f, top - 0.45f, top}, {white, Look{accent, 0, 0.5f}}, bi);
                break;
            }
            case net::PartKind::Counter: {
                auto it = boothIndex.find(p.owner);
                const int bi = it == boothIndex.end() ? -1 : it->second;
                const uint32_t accent = bi >= 0 ? orgAccentColor(layout.booths[size_t(bi)].owner.kind) : kGold;
                const float top = b.max[1];
                bandedBox(out, b, {0.0f, 0.1f, top - 0.17f, top - 0.05f, top},
                          {plinth, white, Look{accent, 0, 0.5f}, wood}, bi);
                break;
            }
            case net::PartKind::Pedestal: {
                auto it = boothIndex.find(p.owner);
                const int bi = it == boothIndex.end() ? -1 : it->second;
                const float top = b.max[1];
                bandedBox(out, b, {0.0f, 0.06f, top - 0.03f, top}, {plinth, Look{0xF3F3F1, 0, 0.5f}, Look{0x26282D, 0.2f, 0.45f}}, bi);
                break;
            }
            case net::PartKind::Table: {
                const glm::vec3 c{(b.min[0] + b.max[0]) * 0.5f, 0, (b.min[2] + b.max[2]) * 0.5f};
                const float r = (b.max[0] - b.min[0]) * 0.5f, h = b.max[1];
                Geometry g;
                addCylinder(g, c + glm::vec3{0, h - 0.04f, 0}, r, 0.04f, 40, true, true);
                out.append(g, {kTableTop, 0, 0.3f});
                g.clear();
                addCylinder(g, c, 0.05f, h - 0.04f, 12, false);
                addCylinder(g, c, 0.32f, 0.03f, 24, true);
                out.append(g, chrome);
                if (p.owner < layout.tables.size()) {
                    const int seats = std::clamp<int>(layout.tables[p.owner].seats, 2, 12);
                    for (int s = 0; s < seats; ++s) {
                        const float a = 2 * kPi * float(s) / float(seats);
                        glm::mat4 m = glm::translate(glm::mat4(1.0f), c + glm::vec3{std::sin(a), 0, std::cos(a)} * (r + 0.38f));
                        m = glm::rotate(m, a + kPi, glm::vec3{0, 1, 0});  // face the table
                        chair(out, m, fabric, chrome);
                        FloorShadow sh;
                        sh.center = {m[3].x, m[3].z};
                        sh.half = {0.24f, 0};
                        sh.soft = 0.22f;
                        sh.strength = 0.45f;
                        sh.disc = true;
                        out.shadows.push_back(sh);
                    }
                }
                break;
            }
            case net::PartKind::StageEdge:
            case net::PartKind::Count:
                break;
        }
    }

    // Booth decoration: carpet, lamps, the name on the backdrop, exhibits on pedestals.
    for (size_t i = 0; i < layout.booths.size(); ++i) {
        const net::Booth& bo = layout.booths[i];
        const int bi = int(i);
        const glm::mat4 m = frame(bo.center, bo.facing);
        const float hw = bo.size.x * 0.5f, hd = bo.size.y * 0.5f;
        {
            Geometry g;
            addQuad(g, {0, 0.012f, 0}, {1, 0, 0}, {0, 0, -1}, bo.size.x - 0.1f, bo.size.y - 0.1f);
            transform(g, m);
            out.append(g, {kBoothFloor, 0, 0.9f, 0, Pattern::Carpet}, bi);
        }
        const float front = -hd + net::kBackdropDepth;  // the backdrop's front face, local z
        for (float x : {-hw * 0.55f, hw * 0.55f}) {
            localBox(out, m, {x - 0.02f, net::kBackdropHeight - 0.06f, front}, {x + 0.02f, net::kBackdropHeight - 0.02f, front + 0.75f},
                     plinth, bi, kAllFaces);
            Geometry g;
            addFrustum(g, {x, net::kBackdropHeight - 0.2f, front + 0.75f}, 0.09f, 0.05f, 0.16f, 16, true);
            transform(g, m);
            out.append(g, plinth, bi);
            g.clear();
            addCylinder(g, {x, net::kBackdropHeight - 0.205f, front + 0.75f}, 0.08f, 0.006f, 16, false, true);
            transform(g, m);
            out.append(g, {kLampGlow, 0, 0.5f, 1.0f}, bi);
        }
        LabelPlacement label;
        label.kind = HallLabel::Kind::Backdrop;
        label.index = bi;
        label.booth = bi;
        label.text = bo.owner.name;
        label.width = bo.size.x - 0.5f;
        label.height = 0.95f;
        label.center = glm::vec3(m * glm::vec4(0, 1.98f, front + 0.004f, 1));
        label.right = glm::normalize(glm::vec3(m * glm::vec4(1, 0, 0, 0)));
        label.up = {0, 1, 0};
        label.normal = glm::normalize(glm::vec3(m * glm::vec4(0, 0, 1, 0)));
        label.maxPrimaryLines = 2;
        label.twoSided = true;  // the back of a backdrop faces another aisle: name it there too
        label.backCenter = glm::vec3(m * glm::vec4(0, 1.98f, -hd - 0.004f, 1));
        out.labels.push_back(label);

        for (size_t e = 0; e < bo.exhibits.size() && e < net::kMaxExhibitsPerBooth; ++e) {
            ExhibitPlacement x;
            x.booth = bi;
            x.exhibit = int(e);
            x.asset = bo.exhibits[e].asset;
            net::Vec2 s = net::exhibitSpot(bo, int(e));
            x.spot = v3(s, net::kPedestalHeight);
            x.yaw = float(bo.facing & 3) * kPi * 0.5f;
            out.exhibits.push_back(x);
        }
    }

    // The stage: platform, steps, screen, banners, signing table.
    const net::Stage& st = layout.stage;
    glm::mat4 stageSign(1.0f);  // where the stage zone's sign hangs: above the screen
    bool stageSignSet = false;
    const bool hasStage = st.area.max.x > st.area.min.x && st.area.max.y > st.area.min.y;
    if (hasStage) {
        const float h = st.height;
        net::Box3 box;
        box.min[0] = st.area.min.x; box.min[1] = 0; box.min[2] = st.area.min.y;
        box.max[0] = st.area.max.x; box.max[1] = h; box.max[2] = st.area.max.y;
        bandedBox(out, box, {0.0f, std::max(0.0f, h - 0.03f), h}, {Look{kStageSkirt, 0, 0.6f}, Look{kStageCarpet, 0, 0.9f, 0, Pattern::Carpet}}, -1);
        boxShadow(box, 0.8f, 0.6f);
        const glm::mat4 m = frame(st.area.center(), st.facing);
        const bool turned = (st.facing & 1) != 0;
        const float hw = (turned ? st.area.max.y - st.area.min.y : st.area.max.x - st.area.min.x) * 0.5f;
        const float hd = (turned ? st.area.max.x - st.area.min.x : st.area.max.y - st.area.min.y) * 0.5f;
        {  // a warm light strip along the front edge
            Geometry g;
            addQuad(g, {0, h - 0.07f, hd + 0.004f}, {1, 0, 0}, {0, 1, 0}, 2 * hw - 0.1f, 0.035f);
            transform(g, m);
            out.append(g, {kLampGlow, 0, 0.5f, 1.0f});
        }
        const int steps = std::max(1, int(std::ceil(h / 0.18f)) - 1);
        const float stepW = std::min(1.4f, hw * 0.4f);
        for (float side : {-1.0f, 1.0f}) {
            const float x0 = side < 0 ? -hw : hw - stepW, x1 = x0 + stepW;
            for (int j = 0; j < steps; ++j) {
                const float y = h * float(steps - j) / float(steps + 1);
                localBox(out, m, {x0, 0, hd + float(j) * 0.3f}, {x1, y, hd + float(j + 1) * 0.3f}, Look{kStageSkirt, 0, 0.6f});
            }
        }
        float sw = std::min(2 * hw - 4.0f, 11.0f);
        const bool banners = sw >= 4.0f;
        if (!banners) sw = 2 * hw * 0.8f;
        const float sh = std::clamp(sw * 0.42f, 1.0f, 3.8f);
        const float sy = h + 1.1f, sz = -hd + 0.4f;
        localBox(out, m, {-sw * 0.5f - 0.15f, sy - 0.15f, sz - 0.25f}, {sw * 0.5f + 0.15f, sy + sh + 0.15f, sz}, Look{kScreenFrame, 0.3f, 0.5f},
                 -1, kAllFaces);
        for (float x : {-sw * 0.3f, sw * 0.3f})
            localBox(out, m, {x - 0.08f, h, sz - 0.2f}, {x + 0.08f, sy - 0.15f, sz - 0.05f}, Look{kScreenFrame, 0.3f, 0.5f});
        {
            Geometry g;
            addQuad(g, {0, sy + sh * 0.5f, sz + 0.003f}, {1, 0, 0}, {0, 1, 0}, sw, sh);
            transform(g, m);
            out.append(g, {kScreenPanel, 0, 0.3f, 0.6f, Pattern::Screen});
        }
        out.stage.present = true;
        out.stage.screenCenter = glm::vec3(m * glm::vec4(0, sy + sh * 0.5f, sz + 0.003f, 1));
        out.stage.right = glm::normalize(glm::vec3(m * glm::vec4(1, 0, 0, 0)));
        out.stage.normal = glm::normalize(glm::vec3(m * glm::vec4(0, 0, 1, 0)));
        out.stage.screenWidth = sw;
        out.stage.screenHeight = sh;
        out.stage.floorY = h;
        stageSign = glm::translate(m, glm::vec3{0, sy + sh + 0.15f + 0.4f, sz + 0.15f});
        stageSignSet = true;
        LabelPlacement label;
        label.kind = HallLabel::Kind::StageScreen;
        label.text = layout.name;
        label.extraLine = layout.dates;
        label.width = sw * 0.94f;
        label.height = sh * 0.9f;
        label.center = glm::vec3(m * glm::vec4(0, sy + sh * 0.5f, sz + 0.007f, 1));
        label.right = glm::normalize(glm::vec3(m * glm::vec4(1, 0, 0, 0)));
        label.up = {0, 1, 0};
        label.normal = glm::normalize(glm::vec3(m * glm::vec4(0, 0, 1, 0)));
        label.ink = 0xFFFFFF;
        label.emissive = 1.0f;
        label.maxPrimaryLines = 3;
        label.maxSecondaryLines = 3;
        out.labels.push_back(label);
        if (banners) {
            for (float side : {-1.0f, 1.0f}) {
                const float x = side * (sw * 0.5f + 1.1f);
                localBox(out, m, {x - 0.45f, h, sz - 0.2f}, {x + 0.45f, h + 4.2f, sz - 0.1f}, Look{kBanner, 0, 0.7f, 0.05f}, -1, kAllFaces);
                localBox(out, m, {x - 0.47f, h + 4.2f, sz - 0.21f}, {x + 0.47f, h + 4.3f, sz - 0.09f}, Look{kGold, 1.0f, 0.3f}, -1, kAllFaces);
            }
        }
        // The signing table with its red cloth and two chairs behind it, facing the audience. The
        // representatives are brought to the stage's centre line (server::signingSeat): the table
        // stands just in front of it and the chairs just behind, so they stand between the two.
        const float tz = std::min(0.75f, hd - 0.75f);
        const float chairZ = std::max(tz - 1.3f, sz + 0.75f);
        if (hd > 1.2f && hw > 2.0f) {
            out.stage.table = true;
            out.stage.tableCenter = glm::vec3(m * glm::vec4(0, h, tz, 1));
            out.stage.tableWidth = std::min(3.2f, hw * 1.2f);
            const float tw = std::min(3.2f, hw * 1.2f);
            localBox(out, m, {-tw * 0.5f, h, tz - 0.38f}, {tw * 0.5f, h + 0.66f, tz + 0.38f}, Look{kTableCloth, 0, 0.85f, 0, Pattern::Carpet});
            {
                const glm::vec3 c = glm::vec3(m * glm::vec4(0, 0, tz, 1));
                net::Box3 tb;
                tb.min[0] = c.x - (turned ? 0.38f : tw * 0.5f); tb.max[0] = c.x + (turned ? 0.38f : tw * 0.5f);
                tb.min[2] = c.z - (turned ? tw * 0.5f : 0.38f); tb.max[2] = c.z + (turned ? tw * 0.5f : 0.38f);
                boxShadow(tb, 0.4f, 0.6f, h);
            }
            localBox(out, m, {-tw * 0.5f, h + 0.66f, tz - 0.38f}, {tw * 0.5f, h + 0.76f, tz + 0.38f}, Look{kGold, 0.9f, 0.35f}, -1, kAllFaces);
            for (float x : {-tw * 0.25f, tw * 0.25f}) {
                glm::mat4 cm = glm::translate(m, glm::vec3{x, h, chairZ});
                chair(out, cm, Look{0x5A1A22, 0, 0.8f, 0, Pattern::Carpet}, Look{kGold, 1.0f, 0.3f});
            }
            if (hw > 4.0f)  // lectern
                localBox(out, m, {hw - 1.9f, h, tz + 0.2f}, {hw - 1.3f, h + 1.15f, tz + 0.7f}, wood);
        }
    }

    // Zone signs hanging over each zone, readable from both sides; the stage zone's above its screen.
    for (size_t z = 0; z < layout.zones.size(); ++z) {
        const net::Zone& zone = layout.zones[z];
        const float zw = zone.area.max.x - zone.area.min.x;
        if (zw <= 0 || zone.area.max.y <= zone.area.min.y) continue;
        const net::Vec2 c = zone.area.center();
        float w = std::clamp(zw * 0.3f, 4.0f, 9.0f), hgt = std::clamp(w * 0.2f, 1.0f, 1.7f);
        glm::mat4 m = glm::translate(glm::mat4(1.0f), glm::vec3{c.x, 4.9f, c.y});  // sign centre, faces +z
        if (zone.kind == net::ZoneKind::Stage && stageSignSet) {
            w = std::min(w, 6.0f);
            hgt = std::clamp(w * 0.2f, 1.0f, 1.4f);
            m = glm::translate(stageSign, glm::vec3{0, hgt * 0.5f, 0});
        }
        const Look look = zoneSignLook(zone.kind);
        Geometry g;
        addBox(g, {-w * 0.5f, -hgt * 0.5f, -0.05f}, {w * 0.5f, hgt * 0.5f, 0.05f});
        transform(g, m);
        out.append(g, look);
        g.clear();
        for (float x : {-w * 0.35f, w * 0.35f}) addBox(g, {x - 0.01f, hgt * 0.5f, -0.01f}, {x + 0.01f, 9.0f - m[3].y, 0.01f});
        transform(g, m);
        out.append(g, chrome);
        LabelPlacement label;
        label.kind = HallLabel::Kind::ZoneSign;
        label.index = int(z);
        label.text = zone.name;
        label.width = w - 0.2f;
        label.height = hgt - 0.12f;
        label.center = glm::vec3(m * glm::vec4(0, 0, 0.054f, 1));
        label.backCenter = glm::vec3(m * glm::vec4(0, 0, -0.054f, 1));
        label.right = glm::normalize(glm::vec3(m * glm::vec4(1, 0, 0, 0)));
        label.up = {0, 1, 0};
        label.normal = glm::normalize(glm::vec3(m * glm::vec4(0, 0, 1, 0)));
        label.twoSided = true;
        label.ink = 0xFFFFFF;
        label.emissive = 0.35f;
        out.labels.push_back(label);
    }
}

}  // namespace client::detail
