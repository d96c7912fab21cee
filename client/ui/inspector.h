// inspector.h: the exhibit inspector: click an exhibit in the hall and look at the part itself,
// at true size, the way an engineer would.
//
//   - orbit (left drag), pan (right or middle drag), zoom (wheel) around the part;
//   - the facts panel in the current language (title, material grade, process, mass,
//     description) with the overall dimensions in millimetres read from the model;
//   - two-point measurement: click two points on the surface (ray-triangle picking in the
//     renderer, cut-away halves ignored), the distance in millimetres;
//   - a section plane along X, Y or Z with a slider (millimetres) and a flip, the cut face capped;
//   - an exploded view by node with a slider; a wireframe overlay.
//
// Uses ImGui for input and panels and the Renderer for the 3D view; no GLFW, no connection.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "client/render/renderer.h"
#include "client/ui/i18n.h"
#include "net/protocol/domain.h"
#include "net/protocol/present_msgs.h"

namespace client {

class UiFont;

class Inspector {
public:
    bool isOpen() const { return m_open; }

    // Opens exhibit instance `instance` (Renderer::pickExhibit). The facts come from the event's
    // booth and exhibit; their characters are queued in `font`. False if the renderer does not
    // know the instance.
    bool open(int instance, const Renderer& renderer, const net::EventLayout& event, UiFont& font);
    // Opens the exhibit by where it stands (layout indices). False if the renderer has none there.
    bool openAt(int booth, int exhibit, const Renderer& renderer, const net::EventLayout& event, UiFont& font);
    void close() {
        m_open = false;
        m_presenting = false;
        m_following.clear();
    }
    const InspectedExhibit& info() const { return m_info; }

    // "Present": the view as a pose in the exhibit's frame, and following someone else's.
    net::PresentPose pose() const;
    // Shows `pose` as presented by `presenter`; the user's own orbit, section and explode
    // controls are off until the presentation ends or they stop following.
    void follow(const net::PresentPose& pose, const std::string& presenter);
    bool following() const { return !m_following.empty(); }
    void stopFollowing() { m_following.clear(); }
    // Set by the panel's "Stop following" button; cleared by reading it.
    bool takeUnfollowRequest() { return std::exchange(m_unfollowRequested, false); }
    // The booth's own exhibitor may present it: the panel shows the switch.
    void setCanPresent(bool can) { m_canPresent = can; }
    bool presenting() const { return m_presenting; }
    void setPresenting(bool on) { m_presenting = on && m_canPresent; }

    // Mouse and keys (ImGui's): orbit, pan, zoom, measurement clicks, Esc closes. Call between
    // ImGui::NewFrame and ImGui::Render, before drawPanel.
    void handleInput(const Renderer& renderer);

    // The panel (facts, dimensions, section, explode, wireframe, measurement) and the
    // measurement's markers over the 3D view.
    void drawPanel(const Renderer& renderer, Language lang);

    // The 3D view, into the bound framebuffer.
    void render(Renderer& renderer, int fbWidth, int fbHeight) const;

    const InspectorView& view() const { return m_view; }
    const std::vector<glm::vec3>& points() const { return m_points; }  // measurement, inspector space

    // Millimetres between the two measured points, if there are two.
    std::optional<float> measuredMm() const;

private:
    void resetView();
    void updateEye();

    bool m_open = false;
    InspectedExhibit m_info;
    net::Exhibit m_facts;
    net::LocalText m_ownerName;
    InspectorView m_view;
    float m_yaw = 0.6f, m_pitch = 0.35f, m_distance = 1.0f;
    glm::vec3 m_target{0};
    float m_sectionMm = 0;
    bool m_measuring = false;
    std::vector<glm::vec3> m_points;
    glm::vec2 m_pressAt{0};
    bool m_dragging = false;
    std::string m_following;        // the presenter's name while following a presentation
    bool m_unfollowRequested = false;
    bool m_canPresent = false;
    bool m_presenting = false;
};

}  // namespace client
