// inspector.cpp: the exhibit inspector's camera, input, panel and measurement overlay.
#include "client/ui/inspector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "client/ui/camera.h"
#include "client/ui/glyphs.h"

namespace client {

namespace {

constexpr float kOrbitRadPerPixel = 0.008f;
constexpr float kClickSlopPixels = 4.0f;   // a press that moves less is a click, not a drag
constexpr float kMaxPitch = 1.5f;

glm::vec2 displaySize() {
    const ImGuiIO& io = ImGui::GetIO();
    return {std::max(io.DisplaySize.x, 1.0f), std::max(io.DisplaySize.y, 1.0f)};
}

}  // namespace

bool Inspector::open(int instance, const Renderer& renderer, const net::EventLayout& event, UiFont& font) {
    InspectedExhibit info;
    if (!renderer.inspectedExhibit(instance, info)) return false;
    m_info = info;
    m_facts = {};
    m_ownerName = {};
    if (info.booth >= 0 && size_t(info.booth) < event.booths.size()) {
        const net::Booth& b = event.booths[size_t(info.booth)];
        m_ownerName = b.owner.name;
        if (info.exhibit >= 0 && size_t(info.exhibit) < b.exhibits.size()) m_facts = b.exhibits[size_t(info.exhibit)];
    }
    for (const std::string* s : {&m_facts.title.zh, &m_facts.title.en, &m_facts.process.zh, &m_facts.process.en,
                                 &m_facts.description.zh, &m_facts.description.en, &m_facts.material,
                                 &m_ownerName.zh, &m_ownerName.en})
        font.want(*s);
    for (int i = 0; i < int(UiText::Count); ++i)
        for (Language l : {Language::Chinese, Language::English}) font.want(tr(UiText(i), l));
    m_view = {};
    m_view.instance = instance;
    m_points.clear();
    m_measuring = false;
    m_sectionMm = 0;
    resetView();
    m_open = true;
    return true;
}

bool Inspector::openAt(int booth, int exhibit, const Renderer& renderer, const net::EventLayout& event, UiFont& font) {
    // Instances are numbered by the renderer; find the one standing at (booth, exhibit).
    InspectedExhibit info;
    for (int i = 0; renderer.inspectedExhibit(i, info); ++i)
        if (info.booth == booth && info.exhibit == exhibit) return open(i, renderer, event, font);
    return false;
}

net::PresentPose Inspector::pose() const {
    net::PresentPose p;
    p.yaw = m_yaw;
    p.pitch = m_pitch;
    p.distance = m_distance;
    p.targetX = m_target.x;
    p.targetY = m_target.y;
    p.targetZ = m_target.z;
    p.sectionAxis = int8_t(m_view.sectionAxis);
    p.sectionOffset = m_view.sectionAxis >= 0 ? m_sectionMm / 1000.0f : 0.0f;
    p.sectionFlip = m_view.sectionFlip;
    p.explode = m_view.explode;
    p.wireframe = m_view.wireframe;
    return p;
}

void Inspector::follow(const net::PresentPose& pose, const std::string& presenter) {
    m_following = presenter.empty() ? std::string("?") : presenter;
    m_presenting = false;
    m_yaw = pose.yaw;
    m_pitch = std::clamp(pose.pitch, -kMaxPitch, kMaxPitch);
    m_distance = std::max(pose.distance, 0.001f);
    m_target = {pose.targetX, pose.targetY, pose.targetZ};
    m_view.sectionAxis = std::clamp<int>(pose.sectionAxis, -1, 2);
    m_sectionMm = pose.sectionOffset * 1000.0f;
    m_view.sectionOffset = pose.sectionOffset;
    m_view.sectionFlip = pose.sectionFlip;
    m_view.explode = std::clamp(pose.explode, 0.0f, 1.0f);
    m_view.wireframe = pose.wireframe;
    updateEye();
}

void Inspector::resetView() {
    m_yaw = 0.6f;
    m_pitch = 0.35f;
    m_target = glm::vec3(0);
    // Far enough for the whole part in a 35-degree view, with a margin.
    m_distance = std::max(m_info.radius, 0.02f) / std::sin(glm::radians(m_view.fovYDeg) * 0.5f) * 1.15f;
    updateEye();
}

void Inspector::updateEye() {
    const glm::vec3 dir{std::cos(m_pitch) * std::sin(m_yaw), std::sin(m_pitch), std::cos(m_pitch) * std::cos(m_yaw)};
    m_view.target = m_target;
    m_view.eye = m_target + dir * m_distance;
}

void Inspector::handleInput(const Renderer& renderer) {
    if (!m_open) return;
    ImGuiIO& io = ImGui::GetIO();
    if (!io.WantCaptureKeyboard && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        close();
        return;
    }
    if (io.WantCaptureMouse || !ImGui::IsMousePosValid() || following()) return;
    const glm::vec2 mouse{io.MousePos.x, io.MousePos.y};
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        m_pressAt = mouse;
        m_dragging = false;
    }
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left) && glm::length(mouse - m_pressAt) > kClickSlopPixels) m_dragging = true;
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left) && m_dragging) {
        m_yaw -= io.MouseDelta.x * kOrbitRadPerPixel;
        m_pitch = std::clamp(m_pitch + io.MouseDelta.y * kOrbitRadPerPixel, -kMaxPitch, kMaxPitch);
    }
    if (ImGui::IsMouseDown(ImGuiMouseButton_Right) || ImGui::IsMouseDown(ImGuiMouseButton_Middle)) {
        const glm::vec3 forward = glm::normalize(m_view.target - m_view.eye);
        const glm::vec3 right = glm::normalize(glm::cross(forward, glm::vec3(0, 1, 0)));
        const glm::vec3 up = glm::cross(right, forward);
        const float perPixel = 2.0f * m_distance * std::tan(glm::radians(m_view.fovYDeg) * 0.5f) / displaySize().y;
        m_target += (-right * io.MouseDelta.x + up * io.MouseDelta.y) * perPixel;
    }
    if (io.MouseWheel != 0.0f) {
        const float r = std::max(m_info.radius, 0.02f);
        m_distance = std::clamp(m_distance * std::pow(0.88f, io.MouseWheel), r * 0.2f, r * 12.0f);
    }
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !m_dragging && m_measuring) {
        const glm::vec2 size = displaySize();
        const Ray ray = screenRay(renderer.inspectorViewProj(m_view, int(size.x), int(size.y)), mouse, size);
        glm::vec3 hit;
        if (renderer.pickInspector(m_view, ray.origin, ray.dir, hit)) {
            if (m_points.size() >= 2) m_points.clear();
            m_points.push_back(hit);
        }
    }
    updateEye();
}

std::optional<float> Inspector::measuredMm() const {
    if (m_points.size() < 2) return std::nullopt;
    return glm::length(m_points[1] - m_points[0]) * 1000.0f;
}

void Inspector::render(Renderer& renderer, int fbWidth, int fbHeight) const {
    renderer.renderInspector(m_view, fbWidth, fbHeight);
}

void Inspector::drawPanel(const Renderer& renderer, Language lang) {
    if (!m_open) return;
    const bool zh = lang == Language::Chinese;
    const glm::vec2 size = displaySize();
    ImGui::SetNextWindowPos(ImVec2(size.x - 12.0f, 60.0f), ImGuiCond_Always, ImVec2(1.0f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(std::min(380.0f, size.x * 0.4f), 0.0f), ImGuiCond_Always);
    bool keepOpen = true;
    char buf[256];
    if (ImGui::Begin(tr(UiText::InspTitle, lang), &keepOpen, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize)) {
        // Facts.
        ImGui::TextWrapped("%s", m_facts.title.in(zh).c_str());
        if (!m_ownerName.in(zh).empty()) ImGui::TextDisabled("%s", m_ownerName.in(zh).c_str());
        if (m_info.placeholder) ImGui::TextColored(ImVec4(0.95f, 0.65f, 0.2f, 1), "%s", tr(UiText::InspPlaceholder, lang));
        ImGui::Separator();
        if (!m_facts.material.empty()) ImGui::Text("%s: %s", tr(UiText::InspMaterial, lang), m_facts.material.c_str());
        if (!m_facts.process.in(zh).empty()) ImGui::Text("%s: %s", tr(UiText::InspProcess, lang), m_facts.process.in(zh).c_str());
        if (m_facts.massKg > 0) {
            std::snprintf(buf, sizeof buf, tr(UiText::InspMassValue, lang), double(m_facts.massKg));
            ImGui::Text("%s: %s", tr(UiText::InspMass, lang), buf);
        }
        std::snprintf(buf, sizeof buf, tr(UiText::InspDimensionsValue, lang), double(m_info.size.x * 1000.0f),
                      double(m_info.size.y * 1000.0f), double(m_info.size.z * 1000.0f));
        ImGui::Text("%s: %s", tr(UiText::InspDimensions, lang), buf);
        std::snprintf(buf, sizeof buf, tr(UiText::InspParts, lang), std::max(m_info.nodes, 1), m_info.triangles);
        ImGui::TextDisabled("%s", buf);
        if (!m_facts.description.in(zh).empty()) ImGui::TextWrapped("%s", m_facts.description.in(zh).c_str());
        ImGui::Separator();

        // Present: following someone, or presenting my own booth's exhibit.
        if (following()) {
            std::snprintf(buf, sizeof buf, tr(UiText::InspFollowing, lang), m_following.c_str());
            ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1), "%s", buf);
            if (ImGui::Button(tr(UiText::InspStopFollowing, lang))) m_unfollowRequested = true;
            ImGui::Separator();
        } else if (m_canPresent) {
            ImGui::Checkbox(tr(UiText::InspPresent, lang), &m_presenting);
            if (m_presenting) ImGui::TextDisabled("%s", tr(UiText::InspPresentingHint, lang));
            ImGui::Separator();
        }
        ImGui::BeginDisabled(following());

        // Section plane.
        ImGui::TextUnformatted(tr(UiText::InspSection, lang));
        const char* axes[] = {tr(UiText::InspSectionNone, lang), "X", "Y", "Z"};
        for (int a = -1; a <= 2; ++a) {
            if (a > -1) ImGui::SameLine();
            if (ImGui::RadioButton(axes[a + 1], m_view.sectionAxis == a)) {
                m_view.sectionAxis = a;
                m_sectionMm = 0;
            }
        }
        if (m_view.sectionAxis >= 0) {
            const float half = m_info.size[m_view.sectionAxis] * 500.0f;
            ImGui::SliderFloat(tr(UiText::InspSectionPosition, lang), &m_sectionMm, -half, half, "%.1f mm");
            ImGui::Checkbox(tr(UiText::InspSectionFlip, lang), &m_view.sectionFlip);
            m_view.sectionOffset = m_sectionMm / 1000.0f;
        }
        // Exploded view and wireframe.
        if (m_info.nodes > 1) {
            float percent = m_view.explode * 100.0f;
            ImGui::SliderFloat(tr(UiText::InspExplode, lang), &percent, 0.0f, 100.0f, "%.0f %%");
            m_view.explode = percent / 100.0f;
        }
        ImGui::Checkbox(tr(UiText::InspWireframe, lang), &m_view.wireframe);
        ImGui::EndDisabled();
        ImGui::Separator();

        // Measurement.
        ImGui::Checkbox(tr(UiText::InspMeasure, lang), &m_measuring);
        if (const auto mm = measuredMm()) {
            std::snprintf(buf, sizeof buf, tr(UiText::InspDistance, lang), double(*mm));
            ImGui::TextUnformatted(buf);
        }
        if (!m_points.empty()) {
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::InspClear, lang))) m_points.clear();
        }
        ImGui::Separator();
        ImGui::BeginDisabled(following());
        if (ImGui::Button(tr(UiText::InspResetView, lang))) resetView();
        ImGui::EndDisabled();
        ImGui::SameLine();
        if (ImGui::Button(tr(UiText::InspClose, lang))) keepOpen = false;
        ImGui::TextDisabled("%s", tr(UiText::InspHelp, lang));
    }
    ImGui::End();
    if (!keepOpen) {
        close();
        return;
    }

    // The measured points and the line between them, over the 3D view.
    const glm::mat4 vp = renderer.inspectorViewProj(m_view, int(size.x), int(size.y));
    auto toScreen = [&](glm::vec3 p, ImVec2& out) {
        const glm::vec4 c = vp * glm::vec4(p, 1.0f);
        if (c.w <= 0) return false;
        out = ImVec2((c.x / c.w * 0.5f + 0.5f) * size.x, (1.0f - (c.y / c.w * 0.5f + 0.5f)) * size.y);
        return true;
    };
    ImDrawList* dl = ImGui::GetBackgroundDrawList();
    const ImU32 marker = IM_COL32(60, 200, 255, 255);
    ImVec2 s[2];
    for (size_t i = 0; i < m_points.size() && i < 2; ++i)
        if (toScreen(m_points[i], s[i])) dl->AddCircleFilled(s[i], 5.0f, marker);
    if (const auto mm = measuredMm(); mm && toScreen(m_points[0], s[0]) && toScreen(m_points[1], s[1])) {
        dl->AddLine(s[0], s[1], marker, 2.0f);
        std::snprintf(buf, sizeof buf, "%.2f mm", double(*mm));
        const ImVec2 mid((s[0].x + s[1].x) * 0.5f + 8.0f, (s[0].y + s[1].y) * 0.5f - 8.0f);
        dl->AddText(mid, IM_COL32(255, 255, 255, 255), buf);
    }
}

}  // namespace client
