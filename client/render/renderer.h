// renderer.h: the OpenGL 4.1 core renderer of the hall: floor, walls, booths, exhibits, stage,
// negotiation tables, signs and the crowd of avatars, lit in linear space (a shadow-mapped key
// light and image-based lighting from an environment made at start-up) and written to an sRGB
// framebuffer.
//
// Usage (a GL 4.1+ core context current on the calling thread, e.g. a GLFW window or HeadlessGl):
//
//   client::Renderer r;
//   if (!r.init(layout, {.assetsDir = "assets"}, &error)) ...;    // builds every GPU resource once
//   for (auto& w : r.warnings()) log(w);                           // missing models, font trouble
//   r.render(camera, avatars, width, height, hoveredBooth);        // each frame
//
// What is drawn is exactly net::buildHallParts() (what you see is what collides) plus decoration
// that collides with nothing: zone carpets, hanging zone signs, the stage's screen and steps,
// round table tops and chairs, exhibits on their pedestals.
//
// Draw calls are few and do not grow with the crowd: the whole static hall is one batch (split
// into grid chunks, those in view drawn with one glMultiDrawElements), each distinct exhibit model
// one instanced draw (per albedo texture) of its instances in view, the crowd one instanced draw
// per level of detail (the limbs swing in the vertex shader) after frustum culling on the CPU,
// floor shadows one, text one per atlas page.
//
// No GL types leak out of this header; no GLFW anywhere in the renderer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "client/render/culling.h"
#include "client/render/image.h"
#include "net/protocol/domain.h"
#include "net/protocol/hall.h"

namespace client {

class FontRasterizer;

// An exhibit whose asset starts with this is still being downloaded (client/core/asset_fetcher.h):
// it shows the placeholder box without a warning. An absolute path to a .dhm (the download cache)
// is loaded as it is.
inline constexpr const char* kPendingAsset = "pending:";

struct RendererDesc {
    std::string assetsDir;  // folder holding models/...: exhibit paths in the layout are relative to it
    std::string fontPath;   // CJK font for the text in the hall; empty = findCjkFont()
    AvatarLodDesc avatarLod;  // distances at which avatars switch to coarser bodies
};

struct AvatarInstance {
    float x = 0, z = 0, yaw = 0;               // feet on the floor; yaw 0 faces +z (net/protocol/hall.h)
    net::Role role = net::Role::Attendee;      // picks the clothes' colour
    net::Anim anim = net::Anim::Idle;          // Walk / Run swing the limbs, Sit lowers, Wave raises an arm
    float animPhase = 0;                       // walk cycle, radians
    bool self = false;                         // the own avatar: a ring on the floor around it
    // A pose of the client's own (the signing moment), over `anim`: the right hand held out to
    // the person in front and shaken (animPhase drives the shake).
    bool handshake = false;
};

struct CameraView {
    glm::vec3 eye{};
    glm::vec3 target{};
    float fovYDeg = 55;
    float nearZ = 0.1f, farZ = 400.f;
};

struct FrameStats {
    int drawCalls = 0;        // glDraw* calls of the last render() (a glMultiDraw* counts as one)
    int64_t triangles = 0;    // triangles those calls submitted (instances counted)
    int glErrors = 0;         // GL errors seen at the end of the last render() (0 when healthy)
    int avatarsDrawn = 0;     // avatars inside the view frustum, drawn
    int avatarsCulled = 0;    // avatars outside it, left out on the CPU
    int avatarsAtLod[kAvatarLodCount] = {};  // drawn avatars per level of detail (0 = full body)
    int avatarDraws = 0;      // instanced draws for the crowd's bodies (at most one per level)
    int exhibitsDrawn = 0;    // exhibit instances in view
    int exhibitsCulled = 0;   // exhibit instances outside the view
    int exhibitDraws = 0;     // instanced exhibit draws (one per distinct model part and level of detail in view)
    int exhibitsAtCoarserLod = 0;  // exhibit instances drawn with a simplified level (small on screen)
    int64_t exhibitTriangles = 0;  // of `triangles`, those of exhibits
    int closedBooths = 0;     // closed booths whose barrier and sign were drawn
    int hallChunksDrawn = 0;  // pieces of the static hall batch in view (of hallChunks)
    int hallChunks = 0;
    // GPU time of the latest earlier frame whose timer query has come back (GL_TIME_ELAPSED,
    // never waited for), milliseconds; -1 until one has. After a glFinish it is the frame before.
    double gpuMs = -1;
};

// A text panel in the hall (backdrop name, zone sign, stage screen): where it is and what it says
// in the current language. For the UI (tooltips, picking, accessibility) and for tests.
struct HallLabel {
    enum class Kind : uint8_t {
        Backdrop,     // a booth's organization name; `index` is the booth index
        ZoneSign,     // a hanging sign; `index` is the zone index
        StageScreen,  // the event name on the stage's screen
        ClosedSign,   // "暂停开放 Closed" in front of a booth the organizer closed; `index` is the booth index
    };
    Kind kind = Kind::Backdrop;
    int index = 0;
    glm::vec3 center{};       // world position of the panel's centre (metres)
    glm::vec3 normal{};       // the side it is read from
    float width = 0, height = 0;
    std::vector<std::string> lines;  // as laid out: the wanted language first, the other below
};

// The stage's big screen: where it is and what it shows.
struct StageScreenInfo {
    bool present = false;               // the hall has a stage (and so a screen)
    glm::vec3 center{}, right{}, up{}, normal{};  // the lit panel; normal faces the audience
    float width = 0, height = 0;        // metres
    bool showingPicture = false;        // a picture (setStageScreen) instead of the event name
    int pictureWidth = 0, pictureHeight = 0;  // as uploaded (after shrinking to the texture limit)
};

// One exhibit in the inspector: the model alone at true size, its bounds' centre at the origin
// (metres, y up as baked), seen from `eye`.
struct InspectorView {
    int instance = -1;              // an exhibit instance (pickExhibit)
    glm::vec3 eye{0, 0, 1}, target{0, 0, 0};
    float fovYDeg = 35;
    int sectionAxis = -1;           // -1 none, 0 x, 1 y, 2 z: the half beyond the plane is cut away
    float sectionOffset = 0;        // the plane's distance from the centre along the axis, metres
    bool sectionFlip = false;       // keep the other half
    float explode = 0;              // 0 assembled .. 1 each node moved out to twice its distance
    bool wireframe = false;         // triangle edges over the shaded surface
};

struct InspectedExhibit {
    int booth = -1, exhibit = -1;   // where it stands (layout indices)
    glm::vec3 size{0};              // true overall dimensions, metres (x, y, z as baked)
    float radius = 0;               // of the bounding sphere, metres
    int nodes = 0;                  // node groups the exploded view moves apart
    int triangles = 0;              // LOD 0
    bool placeholder = false;       // its model failed to load: the amber box
    glm::vec3 hallCenter{0};        // where it stands in the hall (its bounding sphere's centre)
};

// What init() built for lighting and what it cost (wall clock, glFinish'ed).
struct LightingInfo {
    bool ibl = false;            // image-based lighting built (else hemisphere ambient)
    double iblMs = 0;            // environment cubemap, prefiltered mips, irradiance, BRDF LUT
    int prefilteredMips = 0;     // roughness 0 .. 1 across them
    bool hallShadow = false;     // the key light's static shadow map of the hall and exhibits
    double hallShadowMs = 0;
    int hallShadowSize = 0;      // texels per side
    float hallShadowTexel = 0;   // metres per texel
};

class Renderer {
public:
    Renderer();
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Builds all GPU resources for the hall. Needs a current GL 4.1+ core context. False with a
    // message when GL is unusable (old context, shader error) or no font can be opened. A missing
    // or broken model is NOT an error: it becomes a placeholder box and a line in warnings().
    bool init(const net::EventLayout& layout, const RendererDesc& desc, std::string* error);

    // Text on backdrops, zone signs and the stage screen in that language first (the other one as
    // a smaller second line where it fits). Chinese is the default. Re-rasterizes the labels.
    void setLanguage(bool chinese);

    // Booths closed now, by booth index of init()'s layout (shorter: the rest are open). A closed
    // booth shows a barrier across its front with a "暂停开放 Closed" sign; reopening removes it.
    void setClosedBooths(const std::vector<bool>& closedByBoothIndex);

    // Draws one frame into the bound draw framebuffer (viewport 0,0,width,height), clearing it.
    // `highlightBooth` (a booth index, -1 = none) glows and is outlined on the floor. Turns on
    // GL_FRAMEBUFFER_SRGB while drawing and restores it; leaves depth test, blending and face
    // culling off and no program or vertex array bound.
    void render(const CameraView& cam, std::span<const AvatarInstance> avatars, int width, int height,
                int highlightBooth = -1);

    // Projection * view for a camera (OpenGL clip conventions, y up), as render() uses it.
    glm::mat4 viewProj(const CameraView& cam, int width, int height) const;

    FrameStats lastFrameStats() const;
    const std::vector<std::string>& warnings() const;
    const std::vector<HallLabel>& labels() const;

    // The hall's parts as net::buildHallParts() made them for init()'s layout: for picking and
    // for hiding name tags behind walls and booths (pickNameTags in culling.h).
    const std::vector<net::HallPart>& hallParts() const;

    // Reads label `i`'s coverage back from its GL texture (8-bit, rows top-down). For tests: it
    // proves the text reached the GPU. False if `i` is out of range or GL refuses.
    bool readLabelCoverage(size_t i, std::vector<uint8_t>& coverage, int& width, int& height) const;

    // The exhibit instance whose bounding sphere the ray (world space) enters first; -1 = none.
    int pickExhibit(glm::vec3 origin, glm::vec3 dir) const;
    bool inspectedExhibit(int instance, InspectedExhibit& out) const;

    // Draws the inspector's view of one exhibit (clears the framebuffer; same state contract as
    // render()). Nothing is drawn for an unknown instance.
    void renderInspector(const InspectorView& view, int width, int height);
    glm::mat4 inspectorViewProj(const InspectorView& view, int width, int height) const;

    // Ray (inspector space) against the exhibit's triangles as the view shows them (exploded,
    // the cut-away half ignored; a hit inside the cut lands on the cut face). The nearest point.
    bool pickInspector(const InspectorView& view, glm::vec3 origin, glm::vec3 dir, glm::vec3& hit) const;

    // The stage's big screen shows `picture` (sRGB RGBA, rows top-down; a slide or a certificate),
    // whole and centred with dark bars where its shape differs from the screen's, instead of the
    // event name. Uploads it once (shrunk to at most 2048 pixels a side): call on a change, not
    // every frame. An empty picture, or clearStageScreen(), gives the event name back.
    void setStageScreen(const RgbaImage& picture);
    void clearStageScreen();
    StageScreenInfo stageScreen() const;
    // A fixed camera in front of the stage that takes in the big screen and the signing table with
    // the people at it (the group picture's), for a picture of that width / height. The stage's
    // front edge when the hall has no stage screen.
    CameraView stagePhotoCamera(float aspect) const;
    // The CJK font the hall's signs are set in (not loaded() when none was found), for pictures
    // composed for the screen in the same type (certificate.h).
    const FontRasterizer& font() const;

    // Bytes of GPU memory the renderer's buffers and textures hold (approximate).
    size_t gpuBytes() const;

    LightingInfo lighting() const;
    // One face (0..5: +x -x +y -y +z -z) of a prefiltered environment mip read back from the GPU
    // as linear RGB floats (mip 0 sharp, the last one roughness 1). For tests. False if none.
    bool readPrefilteredEnvironment(int face, int mip, std::vector<float>& rgb, int& size) const;

    // Frees every GL object (the context must still be current). init() may be called again.
    void shutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// A multisampled offscreen framebuffer (SRGB8_ALPHA8 colour + 24-bit depth, 8-bit stencil) for screenshots,
// benchmarks and tests. Needs a current context; destroy() (or the destructor) frees it.
class OffscreenTarget {
public:
    OffscreenTarget() = default;
    ~OffscreenTarget();
    OffscreenTarget(const OffscreenTarget&) = delete;
    OffscreenTarget& operator=(const OffscreenTarget&) = delete;

    bool create(int w, int h, int samples, std::string* error);
    void bind();                                  // as the draw and read framebuffer
    bool readRgba(std::vector<uint8_t>& out);     // resolves MSAA, reads sRGB bytes, rows top-down
    int width() const { return m_width; }
    int height() const { return m_height; }
    void destroy();

private:
    uint32_t m_fbo = 0, m_color = 0, m_depth = 0;          // multisampled
    uint32_t m_resolveFbo = 0, m_resolveColor = 0;         // single-sampled, for reading
    int m_width = 0, m_height = 0;
};

// Writes 8-bit RGBA pixels (rows top-down) as a PNG. False if the file cannot be written.
bool savePng(const std::string& path, int w, int h, const std::vector<uint8_t>& rgbaTopDown);

}  // namespace client
