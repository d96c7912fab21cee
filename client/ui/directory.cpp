// directory.cpp: the booth directory window and the minimap.
#include "client/ui/directory.h"

#include <algorithm>
#include <cmath>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "client/ui/glyphs.h"
#include "client/ui/panels.h"

namespace client {

namespace {

const ImVec4 kDim{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kClosed{0.95f, 0.42f, 0.38f, 1.0f};  // a closed booth's mark
constexpr float kMargin = 8.0f;

// Booth fill by the owner's kind: enterprises warm, universities and institutes green,
// associations grey-blue (the colours of the hall's booth fascias).
ImU32 boothColour(net::OrgKind k, bool bright) {
    const float a = bright ? 1.0f : 0.8f;
    switch (k) {
        case net::OrgKind::Enterprise: return ImGui::ColorConvertFloat4ToU32({0.93f, 0.55f, 0.20f, a});
        case net::OrgKind::University: return ImGui::ColorConvertFloat4ToU32({0.30f, 0.72f, 0.40f, a});
        case net::OrgKind::Institute: return ImGui::ColorConvertFloat4ToU32({0.25f, 0.62f, 0.62f, a});
        default: return ImGui::ColorConvertFloat4ToU32({0.50f, 0.58f, 0.72f, a});
    }
}

const char* kindText(net::OrgKind k, Language lang) {
    switch (k) {
        case net::OrgKind::Enterprise: return tr(UiText::DirKindEnterprise, lang);
        case net::OrgKind::University: return tr(UiText::DirKindUniversity, lang);
        case net::OrgKind::Institute: return tr(UiText::DirKindInstitute, lang);
        default: return tr(UiText::DirKindAssociation, lang);
    }
}

// A booth's footprint as an axis-aligned rectangle (its size runs along its front).
net::Rect footprint(const net::Booth& b) {
    net::Vec2 half = (b.facing % 2 == 0) ? net::Vec2{b.size.x * 0.5f, b.size.y * 0.5f} : net::Vec2{b.size.y * 0.5f, b.size.x * 0.5f};
    return {{b.center.x - half.x, b.center.y - half.y}, {b.center.x + half.x, b.center.y + half.y}};
}

}  // namespace

std::vector<DirectoryRow> directoryRows(const net::EventLayout& ev, std::span<const int> found,
                                        const std::vector<bool>& closed, Language lang) {
    const bool zh = isChinese(lang);
    std::vector<DirectoryRow> rows;
    rows.reserve(found.size());
    for (int i : found) {
        if (i < 0 || size_t(i) >= ev.booths.size()) continue;
        const net::Booth& b = ev.booths[size_t(i)];
        DirectoryRow r;
        r.booth = i;
        r.name = b.owner.name.in(zh);
        r.otherName = b.owner.name.in(!zh);
        if (r.otherName == r.name) r.otherName.clear();
        r.line = kindText(b.owner.kind, lang);
        for (size_t e = 0; e < b.exhibits.size() && e < 4; ++e) r.line += (e ? (zh ? "、" : ", ") : " · ") + b.exhibits[e].title.in(zh);
        if (b.exhibits.size() > 4) r.line += " …";
        r.closed = size_t(i) < closed.size() && closed[size_t(i)];
        if (r.closed) r.closedMark = tr(UiText::DirClosed, lang);
        r.walkLabel = tr(r.closed ? UiText::DirWalkClosed : UiText::DirWalk, lang);
        rows.push_back(std::move(r));
    }
    return rows;
}

std::optional<int> BoothDirectory::draw(const net::EventLayout& ev, const std::vector<bool>& closed, Language lang, UiFont& font,
                                        bool& open, int& highlight) {
    highlight = -1;
    std::optional<int> walk;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowSize({ImGui::GetFontSize() * 24, io.DisplaySize.y * 0.5f}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f}, ImGuiCond_FirstUseEver, {0.5f, 0.5f});
    if (!ImGui::Begin((std::string(tr(UiText::DirTitle, lang)) + "###directory").c_str(), &open)) {
        ImGui::End();
        return walk;
    }
    font.want(m_query);
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##dirq", tr(UiText::DirSearchHint, lang), &m_query);
    if (m_query != m_lastQuery || ev.booths.size() != m_lastBooths) {
        m_found = m_search.find(ev, m_query);
        m_lastQuery = m_query;
        m_lastBooths = ev.booths.size();
    }
    ImGui::TextColored(kDim, tr(UiText::DirCount, lang), int(m_found.size()), int(ev.booths.size()));
    ImGui::Separator();
    ImGui::BeginChild("##booths");
    for (const DirectoryRow& r : directoryRows(ev, m_found, closed, lang)) {
        const net::Booth& b = ev.booths[size_t(r.booth)];
        ImGui::PushID(r.booth);
        font.want(r.name);
        font.want(r.otherName);
        ImVec2 p = ImGui::GetCursorScreenPos();
        const float lineH = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled({p.x, p.y + lineH * 0.2f}, {p.x + lineH * 0.6f, p.y + lineH * 0.8f},
                                                  boothColour(b.owner.kind, !r.closed));
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + lineH * 0.9f);
        ImGui::BeginGroup();
        ImGui::TextUnformatted(r.name.c_str());
        if (r.closed) {
            ImGui::SameLine();
            ImGui::TextColored(kClosed, "[%s]", r.closedMark.c_str());
        }
        if (!r.otherName.empty()) ImGui::TextColored(kDim, "%s", r.otherName.c_str());
        font.want(r.line);
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kDim, "%s", r.line.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::SmallButton(r.walkLabel.c_str())) walk = r.booth;
        ImGui::EndGroup();
        if (ImGui::IsItemHovered()) highlight = r.booth;
        ImGui::Separator();
        ImGui::PopID();
    }
    if (m_found.empty()) ImGui::TextColored(kDim, "%s", tr(UiText::DirNone, lang));
    ImGui::EndChild();
    ImGui::End();
    return walk;
}

std::optional<net::Vec2> drawMinimap(const MinimapView& view, Language lang, UiFont& font) {
    if (!view.event) return std::nullopt;
    const net::EventLayout& ev = *view.event;
    ImGuiIO& io = ImGui::GetIO();
    const float w = std::clamp(io.DisplaySize.x * 0.22f, 160.0f, 420.0f);
    const float aspect = ev.hallSize.y / std::max(1.0f, ev.hallSize.x);
    const float h = w * aspect + ImGui::GetFrameHeight();
    ImGui::SetNextWindowPos({io.DisplaySize.x - w - kMargin, io.DisplaySize.y - h - kMargin}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({w, h}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.78f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {2, 2});
    const bool shown = ImGui::Begin((std::string(tr(UiText::MapTitle, lang)) + "###minimap").c_str(), nullptr,
                                    ImGuiWindowFlags_NoScrollbar);
    ImGui::PopStyleVar();
    std::optional<net::Vec2> clicked;
    if (!shown) {
        ImGui::End();
        return clicked;
    }
    // The hall fitted into the content area, +z (the entrance side) at the bottom.
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    const float scale = std::max(0.01f, std::min(avail.x / std::max(1.0f, ev.hallSize.x), avail.y / std::max(1.0f, ev.hallSize.y)));
    ImVec2 off{origin.x + (avail.x - ev.hallSize.x * scale) * 0.5f, origin.y + (avail.y - ev.hallSize.y * scale) * 0.5f};
    auto toScreen = [&](net::Vec2 p) { return ImVec2{off.x + p.x * scale, off.y + p.y * scale}; };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(toScreen({0, 0}), toScreen(ev.hallSize), IM_COL32(58, 62, 70, 255));
    for (const net::Zone& z : ev.zones)
        dl->AddRect(toScreen(z.area.min), toScreen(z.area.max), IM_COL32(120, 126, 138, 120));
    dl->AddRectFilled(toScreen(ev.stage.area.min), toScreen(ev.stage.area.max), IM_COL32(150, 40, 50, 255));
    for (const net::NegotiationTable& t : ev.tables) {
        ImVec2 c = toScreen(t.center);
        dl->AddCircleFilled(c, std::max(2.0f, 0.9f * scale), IM_COL32(170, 150, 120, 255));
    }
    int hovered = -1;
    const ImVec2 mouse = io.MousePos;
    for (size_t i = 0; i < ev.booths.size(); ++i) {
        net::Rect r = footprint(ev.booths[i]);
        ImVec2 a = toScreen(r.min), b = toScreen(r.max);
        bool over = ImGui::IsWindowHovered() && mouse.x >= a.x && mouse.x <= b.x && mouse.y >= a.y && mouse.y <= b.y;
        if (over) hovered = int(i);
        bool bright = over || int(i) == view.highlightBooth;
        const bool closed = view.closedBooths && i < view.closedBooths->size() && (*view.closedBooths)[i];
        dl->AddRectFilled(a, b, closed ? IM_COL32(96, 98, 104, 255) : boothColour(ev.booths[i].owner.kind, bright));
        if (closed) {  // crossed out in the barrier's red
            dl->AddLine(a, b, IM_COL32(220, 60, 50, 255), 2.0f);
            dl->AddLine({a.x, b.y}, {b.x, a.y}, IM_COL32(220, 60, 50, 255), 2.0f);
        }
        if (bright) dl->AddRect(a, b, IM_COL32(255, 255, 255, 255), 0, 0, 2.0f);
    }
    for (const AvatarInstance& av : view.avatars) {
        if (av.self) continue;
        dl->AddCircleFilled(toScreen({av.x, av.z}), std::max(1.5f, 0.35f * scale), roleColour(av.role, 0.9f));
    }
    if (view.walkTarget) {
        ImVec2 t = toScreen(*view.walkTarget);
        dl->AddCircle(t, 4.0f, IM_COL32(255, 255, 255, 220), 12, 1.5f);
    }
    for (const AvatarInstance& av : view.avatars) {
        if (!av.self) continue;
        // An arrow along the avatar's facing (yaw 0 faces +z, which is down on the map).
        ImVec2 c = toScreen({av.x, av.z});
        const float s = std::max(5.0f, 1.2f * scale);
        float dx = std::sin(av.yaw), dz = std::cos(av.yaw);
        ImVec2 tip{c.x + dx * s, c.y + dz * s};
        ImVec2 l{c.x - dz * s * 0.55f - dx * s * 0.5f, c.y + dx * s * 0.55f - dz * s * 0.5f};
        ImVec2 rr{c.x + dz * s * 0.55f - dx * s * 0.5f, c.y - dx * s * 0.55f - dz * s * 0.5f};
        dl->AddTriangleFilled(tip, l, rr, IM_COL32(255, 255, 255, 255));
        dl->AddTriangle(tip, l, rr, IM_COL32(20, 20, 20, 255), 1.0f);
    }
    // Clicks walk: to a booth's visiting spot (the app decides) or to the floor point.
    ImGui::InvisibleButton("##map", avail);
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
        net::Vec2 p{(mouse.x - off.x) / scale, (mouse.y - off.y) / scale};
        if (p.x >= 0 && p.y >= 0 && p.x <= ev.hallSize.x && p.y <= ev.hallSize.y) clicked = p;
    }
    if (hovered >= 0) {
        const net::Booth& b = ev.booths[size_t(hovered)];
        std::string name = b.owner.name.in(isChinese(lang));
        font.want(name);
        const bool closed = view.closedBooths && size_t(hovered) < view.closedBooths->size() && (*view.closedBooths)[size_t(hovered)];
        ImGui::SetTooltip("%s%s%s\n%s", name.c_str(), closed ? "  " : "", closed ? tr(UiText::DirClosed, lang) : "",
                          tr(UiText::MapClickToWalk, lang));
    }
    ImGui::End();
    return clicked;
}

}  // namespace client
