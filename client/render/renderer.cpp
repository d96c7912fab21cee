// renderer.cpp: GPU resources and the frame: sky, static hall batch, contact shadows, instanced
// exhibits, instanced avatars with their floor blobs, text labels. Lighting built once at init:
// image-based lighting (detail/ibl.h) and the key light's static shadow map of the hall.
#include <epoxy/gl.h>

#include "client/render/renderer.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <map>
#include <thread>

#include <glm/gtc/matrix_transform.hpp>

#include "client/render/detail/avatar_mesh.h"
#include "client/render/detail/baked_loader.h"
#include "client/render/detail/gl.h"
#include "client/render/detail/hall_mesh.h"
#include "client/render/detail/ibl.h"
#include "client/render/detail/model_loader.h"
#include "client/render/fonts.h"
#include "client/render/text.h"

namespace client {

using namespace detail;

namespace {

// Exhibits are shown at display size on their pedestals (the inspector shows true size).
constexpr float kExhibitMinSize = 0.3f;     // metres, largest dimension
constexpr float kExhibitMaxSize = 1.4f;
constexpr float kExhibitMaxFootprint = 1.1f; // wider than this overhangs the 0.8 m pedestal too much
constexpr size_t kMaxExhibitLods = 8;        // net::asset::Limits::maxLods
constexpr float kLodPixelError = 1.0f;       // a coarser level is used while its error stays under this
constexpr float kPlaceholderSize = 0.35f;
constexpr float kFlatRatio = 0.4f;           // height below this x width: a flat part, stood up
constexpr float kStandUpDegrees = 78.0f;

constexpr float kHallChunkSize = 10.0f;
// The hall's key-light shadow map: one static map over the whole hall, made once at start-up.
constexpr int kHallShadowSize = 2048;
constexpr float kHallShadowNormalOffset = 1.5f;   // texels the receiver is pushed out along its normal      // metres: the static batch is cut into cells this big for culling

constexpr float kLabelPixelsPerMetre = 170.0f;
constexpr int kScreenPictureMaxSide = 2048;  // a slide is shrunk to this before upload
constexpr float kHandshakeAnim = 5.0f;       // avatar.vert.glsl's kHandshake: a client-side pose
constexpr int kAtlasPageSize = 2048;
constexpr int kAtlasPadding = 12;

// The per-frame uniform block, std140 (shaders/common.glsl).
struct FrameBlock {
    glm::mat4 viewProj;
    glm::mat4 invViewProj;
    glm::vec4 cameraPos;
    glm::vec4 lightDir;
    glm::vec4 lightColor;
    glm::vec4 skyColor;
    glm::vec4 groundColor;
    glm::vec4 fog;
    glm::vec4 highlight;
    glm::vec4 highlightRect;
    glm::vec4 hall;
    glm::vec4 zoneRect[64];
    glm::vec4 zoneColor[64];
    glm::vec4 roleColor[8];    // per net::Role, room for 8
    glm::vec4 roleAccent[8];
    glm::mat4 shadowViewProj;
    glm::vec4 shadowParams;
    glm::vec4 ibl;
};
static_assert(sizeof(FrameBlock) == 3 * 64 + 11 * 16 + 128 * 16 + 16 * 16);

struct LabelVertex {
    float pos[3];
    float normal[3];
    float uv[2];
    uint8_t ink[4];
    uint8_t params[4];  // emissive, stage screen (255: hidden while a picture is up), unused...
};
static_assert(sizeof(LabelVertex) == 40);

struct ExhibitInstance {
    float row[3][4];   // model matrix rows
    float booth;       // booth index + 1 (0 = none)
};
static_assert(sizeof(ExhibitInstance) == 52);

struct ShadowVertex {
    float pos[3];
    float local[2];
    float shape[4];    // half x, half z, soft, strength
    float disc;
};

struct AvatarGpuInstance {
    float place[4];    // x, y, z, yaw
    float pose[4];     // phase, role + 8 * look (skin/trousers variant 0..15), anim, self
};

glm::vec3 srgbToLinear(uint32_t rgb) {
    auto c = [](uint32_t v) {
        const float s = float(v & 0xFF) / 255.0f;
        return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
    };
    return {c(rgb >> 16), c(rgb >> 8), c(rgb)};
}

void setFloatAttrib(GLuint loc, GLint n, GLenum type, bool normalized, GLsizei stride, size_t offset, GLuint divisor = 0) {
    glEnableVertexAttribArray(loc);
    glVertexAttribPointer(loc, n, type, normalized ? GL_TRUE : GL_FALSE, stride, reinterpret_cast<const void*>(offset));
    glVertexAttribDivisor(loc, divisor);
}

void setIntAttrib(GLuint loc, GLint n, GLenum type, GLsizei stride, size_t offset) {
    glEnableVertexAttribArray(loc);
    glVertexAttribIPointer(loc, n, type, stride, reinterpret_cast<const void*>(offset));
}

// Mipmaps and trilinear, clamped sampling for the bound 2D texture of a panel (sign, picture).
void mipmapPanelTexture(float maxAnisotropy = 1) {
    glGenerateMipmap(GL_TEXTURE_2D);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    if (maxAnisotropy > 1) glTexParameterf(GL_TEXTURE_2D, GL_TEXTURE_MAX_ANISOTROPY_EXT, std::min(8.0f, maxAnisotropy));
}

// The attributes of the bound vertex array for the hall's meshes (hall, booth closures).
void setHallVertexLayout() {
    constexpr GLsizei hs = sizeof(HallVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, hs, offsetof(HallVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, hs, offsetof(HallVertex, normal));
    setFloatAttrib(2, 4, GL_UNSIGNED_BYTE, true, hs, offsetof(HallVertex, color));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, hs, offsetof(HallVertex, material));
    setIntAttrib(4, 1, GL_SHORT, hs, offsetof(HallVertex, booth));
}

// The attributes of the bound vertex array for text panels and pictures (LabelVertex).
void setLabelVertexLayout() {
    constexpr GLsizei ls = sizeof(LabelVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, ls, offsetof(LabelVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, ls, offsetof(LabelVertex, normal));
    setFloatAttrib(2, 2, GL_FLOAT, false, ls, offsetof(LabelVertex, uv));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, ls, offsetof(LabelVertex, ink));
    setFloatAttrib(4, 4, GL_UNSIGNED_BYTE, true, ls, offsetof(LabelVertex, params));
}

// A flat textured rectangle in the hall (a label, a sign, the stage's picture).
struct PanelQuad {
    glm::vec3 center, right, up, normal;  // right and up: unit vectors in its plane
    float width = 1, height = 1;
    float u0 = 0, v0 = 0, u1 = 1, v1 = 1;  // texture rows top-down
    uint32_t ink = 0xffffff;               // 0xRRGGBB
    float emissive = 0;
    bool stageScreen = false;              // hidden while a picture is up (LabelVertex::params[1])
};

// Appends the quad's 4 vertices and 2 triangles.
void appendPanelQuad(std::vector<LabelVertex>& vertices, std::vector<uint32_t>& indices, const PanelQuad& q) {
    const uint32_t base = uint32_t(vertices.size());
    const glm::vec3 r = q.right * (q.width * 0.5f), u = q.up * (q.height * 0.5f);
    const glm::vec3 corners[4] = {q.center - r - u, q.center + r - u, q.center + r + u, q.center - r + u};
    const float uvs[4][2] = {{q.u0, q.v1}, {q.u1, q.v1}, {q.u1, q.v0}, {q.u0, q.v0}};
    for (int k = 0; k < 4; ++k) {
        LabelVertex v{};
        for (int i = 0; i < 3; ++i) {
            v.pos[i] = corners[k][i];
            v.normal[i] = q.normal[i];
        }
        v.uv[0] = uvs[k][0];
        v.uv[1] = uvs[k][1];
        v.ink[0] = uint8_t(q.ink >> 16); v.ink[1] = uint8_t(q.ink >> 8); v.ink[2] = uint8_t(q.ink); v.ink[3] = 255;
        v.params[0] = uint8_t(std::lround(std::clamp(q.emissive, 0.0f, 1.0f) * 255.0f));
        v.params[1] = q.stageScreen ? 255 : 0;
        vertices.push_back(v);
    }
    indices.insert(indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
}

template <typename T>
size_t upload(GlBuffer& buffer, GLenum target, const std::vector<T>& data) {
    buffer = makeBuffer();
    glBindBuffer(target, buffer.id());
    glBufferData(target, GLsizeiptr(data.size() * sizeof(T)), data.data(), GL_STATIC_DRAW);
    return data.size() * sizeof(T);
}

net::Rect boothRect(const net::Booth& b) {
    const float hw = b.size.x * 0.5f, hd = b.size.y * 0.5f;
    net::Vec2 a = net::boothToWorld(b, {-hw, -hd}), c = net::boothToWorld(b, {hw, hd});
    return {{std::min(a.x, c.x), std::min(a.y, c.y)}, {std::max(a.x, c.x), std::max(a.y, c.y)}};
}

}  // namespace

struct Renderer::Impl {
    // Programs.
    GlProgram litStatic, litExhibit, inspect, avatar, label, blob, sky, shadow;
    GlProgram screen;  // a picture on the stage's big screen
    GlProgram depthStatic, depthExhibit;  // the hall's shadow map pass

    // Lighting built once at init(): image-based lighting and the key light's static shadow map
    // of the hall and exhibits (nothing in it moves; avatars keep their soft floor blobs).
    Ibl ibl;
    GlTexture hallShadowMap;
    uint32_t hallShadowFbo = 0;
    glm::mat4 hallShadowViewProj{1.0f};
    glm::vec4 hallShadowParams{0.0f};
    LightingInfo lightingInfo;
    GlBuffer frameUbo;
    GlTexture white;
    GlVertexArray emptyVao;

    // The static hall batch, its triangles grouped by grid cell so cells out of view are skipped.
    struct HallChunk {
        glm::vec3 min{}, max{};   // bounds of the cell's triangles
        GLsizei count = 0;        // indices
        size_t first = 0;         // first index
    };
    GlVertexArray hallVao;
    GlBuffer hallVbo, hallIbo;
    GLsizei hallIndexCount = 0;
    std::vector<HallChunk> hallChunks;
    std::vector<GLsizei> multiCounts;        // per frame: the visible runs of the index buffer
    std::vector<const void*> multiOffsets;
    std::vector<net::HallPart> hallParts;

    // Contact shadows under furniture: one static batch of soft quads.
    GlVertexArray shadowVao;
    GlBuffer shadowVbo, shadowIbo;
    GLsizei shadowIndexCount = 0;

    // Exhibits: every distinct model once, drawn instanced.
    struct ExhibitDraw {
        GLsizei indexCount = 0;
        size_t indexOffset = 0;   // bytes
        GLint baseVertex = 0;
        int texture = -1;         // index into exhibitTextures, -1 = white
    };
    struct ExhibitLod {
        std::vector<ExhibitDraw> draws;
        float error = 0;          // metres in model space (LOD 0: 0)
    };
    struct ExhibitModel {
        std::vector<ExhibitLod> lods;  // at least one
        uint32_t firstInstance = 0, instanceCount = 0;
    };
    GlVertexArray exhibitVao;
    GlBuffer exhibitVbo, exhibitIbo, exhibitInstanceVbo;  // instances in view, streamed each frame
    std::vector<ExhibitModel> exhibitModels;
    std::vector<GlTexture> exhibitTextures;
    std::vector<ExhibitInstance> exhibitInstances;        // all of them, grouped by model
    std::vector<glm::vec4> exhibitSpheres;                // world bounding sphere per instance
    std::vector<float> exhibitScales;                     // model -> world scale per instance
    struct ExhibitRef { int model = 0, booth = -1, exhibit = -1; };
    std::vector<ExhibitRef> exhibitRefs;                  // per instance
    struct ExhibitCpu {                                   // what the inspector measures and explodes
        std::vector<glm::vec3> positions;
        std::vector<uint8_t> group;
        std::vector<uint32_t> indices;                    // LOD 0
        std::vector<glm::vec3> groupOffset;               // group centre - model centre
        glm::vec3 boundsMin{0}, boundsMax{0};
        bool placeholder = false;
    };
    std::vector<ExhibitCpu> exhibitCpu;                   // per model
    GlVertexArray inspectVao, capVao;
    GlBuffer capVbo;                                      // the cut face's / floor's quad, streamed
    GlTexture shadowMap;                                  // the inspector's key light depth
    uint32_t shadowFbo = 0;
    ~Impl() {
        if (shadowFbo) deleteFramebuffer(shadowFbo);
        if (hallShadowFbo) deleteFramebuffer(hallShadowFbo);
    }
    bool ensureShadowMap();
    std::vector<ExhibitInstance> exhibitScratch;
    size_t exhibitStreamBytes = 0;

    // Avatars and their floor blobs. All levels of detail share one vertex and index buffer; the
    // avatars in view are streamed each frame grouped by level, one instanced draw per level.
    struct AvatarLodMesh {
        GLsizei indexCount = 0;
        size_t firstIndex = 0;
        GLint baseVertex = 0;
    };
    GlVertexArray avatarVao, blobVao;
    GlBuffer avatarVbo, avatarIbo, avatarInstanceVbo, blobVbo;
    AvatarLodMesh avatarLods[kAvatarLodCount];
    AvatarLodDesc lodDesc;
    size_t avatarInstanceBytes = 0;
    std::vector<AvatarGpuInstance> avatarScratch;
    std::vector<uint8_t> avatarLodScratch;  // per frame: each avatar's level, 255 = culled

    // Closed booths: a barrier and a sign for every booth, built once, drawn for those closed now.
    struct IndexRange { size_t first = 0; GLsizei count = 0; };
    GlVertexArray closureVao, closedSignVao;
    GlBuffer closureVbo, closureIbo, closedSignVbo, closedSignIbo;
    std::vector<IndexRange> closureRanges, closedSignRanges;  // per booth index
    std::vector<LabelPlacement> closedSignPlacements;         // per booth index
    GlTexture closedSignTexture;                              // the sign's text, the same on every booth
    std::vector<bool> closedBooths;

    // Labels.
    struct AtlasSlot { int page = 0, x = 0, y = 0, w = 0, h = 0; };
    struct LabelDraw { GLuint page = 0; GLsizei count = 0; size_t offset = 0; };
    GlVertexArray labelVao;
    GlBuffer labelVbo, labelIbo;
    std::vector<GlTexture> atlasPages;
    std::vector<glm::ivec2> atlasPageSizes;
    std::vector<LabelDraw> labelDraws;
    std::vector<AtlasSlot> labelSlots;
    std::vector<LabelPlacement> labelPlacements;
    std::vector<HallLabel> labels;
    size_t labelBytes = 0;
    float maxAnisotropy = 0;

    // GPU time per frame: a small ring of timer queries, read back only once they are ready.
    static constexpr int kTimerRing = 4;
    GlQuery timerQueries[kTimerRing];
    bool timerPending[kTimerRing] = {};
    uint64_t timerFrame[kTimerRing] = {};
    uint64_t frameCounter = 0, newestTimed = 0;
    double lastGpuMs = -1;
    int activeTimer = -1;

    // The stage's big screen: one quad over its panel and the picture it shows, if any.
    StagePlacement stage;
    GlVertexArray screenVao;
    GlBuffer screenVbo;
    GlTexture screenTexture;
    int screenW = 0, screenH = 0;   // the picture's size, 0 = none (the event name shows)
    void buildScreenQuad();

    FontRasterizer font;
    bool chinese = true;
    net::EventLayout layout;
    std::vector<std::string> warnings;
    FrameStats stats;
    size_t staticBytes = 0;

    bool buildPrograms(std::string* error);
    void buildHallChunks(const std::vector<HallVertex>& vertices, std::vector<uint32_t>& indices);
    void buildShadows(const std::vector<FloorShadow>& shadows);
    void buildExhibits(const std::vector<ExhibitPlacement>& placements, const std::string& assetsDir);
    void buildAvatars();
    void buildLabels();
    void buildClosures();
    void buildClosedSignText();
    void buildLighting(const std::vector<HallVertex>& hallVertices);
    void bindLighting() const;
    void fillFrame(FrameBlock& f, const CameraView& cam, int highlightBooth) const;
    void beginGpuTimer();
    void endGpuTimer();
};

void Renderer::Impl::beginGpuTimer() {
    for (int i = 0; i < kTimerRing; ++i) {
        if (!timerPending[i]) continue;
        GLint ready = 0;
        glGetQueryObjectiv(timerQueries[i].id(), GL_QUERY_RESULT_AVAILABLE, &ready);
        if (!ready) continue;
        GLuint64 ns = 0;
        glGetQueryObjectui64v(timerQueries[i].id(), GL_QUERY_RESULT, &ns);
        timerPending[i] = false;
        if (timerFrame[i] >= newestTimed) {
            newestTimed = timerFrame[i];
            lastGpuMs = double(ns) / 1e6;
        }
    }
    const int slot = int(frameCounter % kTimerRing);
    activeTimer = -1;
    if (!timerQueries[slot] || timerPending[slot]) return;  // still in flight: this frame goes untimed
    glBeginQuery(GL_TIME_ELAPSED, timerQueries[slot].id());
    activeTimer = slot;
}

void Renderer::Impl::endGpuTimer() {
    if (activeTimer >= 0) {
        glEndQuery(GL_TIME_ELAPSED);
        timerPending[activeTimer] = true;
        timerFrame[activeTimer] = frameCounter;
    }
    activeTimer = -1;
    ++frameCounter;
}

Renderer::Renderer() = default;
Renderer::~Renderer() { shutdown(); }

bool Renderer::Impl::buildPrograms(std::string* error) {
    litStatic = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "#define HALL_BATCH 1", error);
    if (!litStatic) return false;
    litExhibit = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "#define EXHIBIT 1", error);
    if (!litExhibit) return false;
    inspect = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "#define INSPECT 1", error);
    if (!inspect) return false;
    avatar = buildProgram({"common.glsl", "avatar.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "", error);
    if (!avatar) return false;
    label = buildProgram({"common.glsl", "label.vert.glsl"}, {"common.glsl", "label.frag.glsl"}, "", error);
    if (!label) return false;
    screen = buildProgram({"common.glsl", "label.vert.glsl"}, {"common.glsl", "label.frag.glsl"}, "#define SCREEN_PICTURE 1", error);
    if (!screen) return false;
    blob = buildProgram({"common.glsl", "blob.vert.glsl"}, {"common.glsl", "blob.frag.glsl"}, "", error);
    if (!blob) return false;
    sky = buildProgram({"common.glsl", "sky.vert.glsl"}, {"common.glsl", "sky.frag.glsl"}, "", error);
    if (!sky) return false;
    shadow = buildProgram({"common.glsl", "shadow.vert.glsl"}, {"common.glsl", "shadow.frag.glsl"}, "", error);
    if (!shadow) return false;
    depthStatic = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "depth.frag.glsl"}, "", error);
    if (!depthStatic) return false;
    depthExhibit = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "depth.frag.glsl"}, "#define EXHIBIT 1", error);
    return bool(depthExhibit);
}

bool Renderer::init(const net::EventLayout& layout, const RendererDesc& desc, std::string* error) {
    shutdown();
    if (epoxy_gl_version() < 41 || !epoxy_is_desktop_gl()) {
        if (error) *error = "the renderer needs desktop OpenGL 4.1 core or newer (this context is " +
                            std::to_string(epoxy_gl_version()) + ")";
        return false;
    }
    m_impl = std::make_unique<Impl>();
    Impl& d = *m_impl;
    d.layout = layout;
    d.lodDesc = desc.avatarLod;
    net::buildHallParts(layout, d.hallParts);
    if (!d.buildPrograms(error)) {
        m_impl.reset();
        return false;
    }
    const std::string fontPath = desc.fontPath.empty() ? findCjkFont() : desc.fontPath;
    std::string fontError;
    if (fontPath.empty()) {
        d.warnings.push_back("no CJK font found (install fonts-wqy-microhei): the hall's signs stay blank");
    } else if (!d.font.load(fontPath, &fontError)) {
        d.warnings.push_back(fontError + ": the hall's signs stay blank");
    }
    if (epoxy_has_gl_extension("GL_EXT_texture_filter_anisotropic") || epoxy_gl_version() >= 46)
        glGetFloatv(GL_MAX_TEXTURE_MAX_ANISOTROPY_EXT, &d.maxAnisotropy);

    d.frameUbo = makeBuffer();
    glBindBuffer(GL_UNIFORM_BUFFER, d.frameUbo.id());
    glBufferData(GL_UNIFORM_BUFFER, sizeof(FrameBlock), nullptr, GL_DYNAMIC_DRAW);
    glBindBuffer(GL_UNIFORM_BUFFER, 0);

    d.white = makeTexture();
    glBindTexture(GL_TEXTURE_2D, d.white.id());
    const uint8_t whitePixel[4] = {255, 255, 255, 255};
    glTexImage2D(GL_TEXTURE_2D, 0, GL_SRGB8_ALPHA8, 1, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, whitePixel);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    d.emptyVao = makeVertexArray();
    for (GlQuery& q : d.timerQueries) q = makeQuery();

    HallMesh mesh;
    buildHallMesh(layout, mesh);
    d.buildHallChunks(mesh.vertices, mesh.indices);
    d.hallVao = makeVertexArray();
    glBindVertexArray(d.hallVao.id());
    d.staticBytes += upload(d.hallVbo, GL_ARRAY_BUFFER, mesh.vertices);
    d.staticBytes += upload(d.hallIbo, GL_ELEMENT_ARRAY_BUFFER, mesh.indices);
    setHallVertexLayout();
    d.hallIndexCount = GLsizei(mesh.indices.size());
    glBindVertexArray(0);

    d.buildShadows(mesh.shadows);
    d.buildExhibits(mesh.exhibits, desc.assetsDir);
    d.buildAvatars();
    d.buildLighting(mesh.vertices);
    d.labelPlacements = std::move(mesh.labels);
    d.buildLabels();
    d.buildClosures();
    d.stage = mesh.stage;
    d.buildScreenQuad();
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    glBindTexture(GL_TEXTURE_2D, 0);

    if (GLenum e = glGetError(); e != GL_NO_ERROR) {
        if (error) *error = "OpenGL error 0x" + std::to_string(e) + " while building the hall";
        shutdown();
        return false;
    }
    return true;
}

void Renderer::Impl::buildHallChunks(const std::vector<HallVertex>& vertices, std::vector<uint32_t>& indices) {
    // Each triangle goes to the grid cell under its centroid; the cell's bounds are those of its
    // triangles (a wall crossing cells makes its cell's box longer, never wrong).
    const int cols = std::max(1, int(std::ceil(layout.hallSize.x / kHallChunkSize)));
    const int rows = std::max(1, int(std::ceil(layout.hallSize.y / kHallChunkSize)));
    std::vector<std::vector<uint32_t>> cells(size_t(cols * rows));
    auto vertexAt = [&](uint32_t i) { return glm::vec3(vertices[i].pos[0], vertices[i].pos[1], vertices[i].pos[2]); };
    for (size_t t = 0; t + 2 < indices.size(); t += 3) {
        const glm::vec3 c = (vertexAt(indices[t]) + vertexAt(indices[t + 1]) + vertexAt(indices[t + 2])) / 3.0f;
        const int cx = std::clamp(int(std::floor(c.x / kHallChunkSize)), 0, cols - 1);
        const int cz = std::clamp(int(std::floor(c.z / kHallChunkSize)), 0, rows - 1);
        std::vector<uint32_t>& cell = cells[size_t(cz * cols + cx)];
        cell.insert(cell.end(), {indices[t], indices[t + 1], indices[t + 2]});
    }
    indices.clear();
    hallChunks.clear();
    for (const std::vector<uint32_t>& cell : cells) {
        if (cell.empty()) continue;
        HallChunk chunk;
        chunk.first = indices.size();
        chunk.count = GLsizei(cell.size());
        chunk.min = glm::vec3(1e30f);
        chunk.max = glm::vec3(-1e30f);
        for (uint32_t i : cell) {
            chunk.min = glm::min(chunk.min, vertexAt(i));
            chunk.max = glm::max(chunk.max, vertexAt(i));
        }
        indices.insert(indices.end(), cell.begin(), cell.end());
        hallChunks.push_back(chunk);
    }
}

void Renderer::Impl::buildShadows(const std::vector<FloorShadow>& shadows) {
    std::vector<ShadowVertex> vertices;
    std::vector<uint32_t> indices;
    for (const FloorShadow& sh : shadows) {
        const glm::vec2 extent = glm::vec2(sh.half.x, sh.disc ? sh.half.x : sh.half.y) + glm::vec2(sh.soft);
        const uint32_t base = uint32_t(vertices.size());
        for (glm::vec2 corner : {glm::vec2{-1, -1}, glm::vec2{1, -1}, glm::vec2{1, 1}, glm::vec2{-1, 1}}) {
            const glm::vec2 local = corner * extent;
            ShadowVertex v{};
            v.pos[0] = sh.center.x + local.x;
            v.pos[1] = sh.y + 0.016f;  // above the booth carpets (0.012)
            v.pos[2] = sh.center.y + local.y;
            v.local[0] = local.x;
            v.local[1] = local.y;
            v.shape[0] = sh.half.x; v.shape[1] = sh.half.y; v.shape[2] = std::max(sh.soft, 0.01f); v.shape[3] = sh.strength;
            v.disc = sh.disc ? 1.0f : 0.0f;
            vertices.push_back(v);
        }
        indices.insert(indices.end(), {base, base + 2, base + 1, base, base + 3, base + 2});
    }
    shadowIndexCount = GLsizei(indices.size());
    if (indices.empty()) return;
    shadowVao = makeVertexArray();
    glBindVertexArray(shadowVao.id());
    staticBytes += upload(shadowVbo, GL_ARRAY_BUFFER, vertices);
    staticBytes += upload(shadowIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    constexpr GLsizei ss = sizeof(ShadowVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, ss, offsetof(ShadowVertex, pos));
    setFloatAttrib(1, 2, GL_FLOAT, false, ss, offsetof(ShadowVertex, local));
    setFloatAttrib(2, 4, GL_FLOAT, false, ss, offsetof(ShadowVertex, shape));
    setFloatAttrib(3, 1, GL_FLOAT, false, ss, offsetof(ShadowVertex, disc));
    glBindVertexArray(0);
}

void Renderer::Impl::buildExhibits(const std::vector<ExhibitPlacement>& placements, const std::string& assetsDir) {
    // Each distinct file once, decoded on worker threads (baked files; an unbaked source goes
    // through Assimp there too, with a warning); a failure becomes the shared placeholder box.
    std::map<std::string, int> modelOf;
    std::vector<std::string> assets;
    for (const ExhibitPlacement& p : placements)
        if (modelOf.emplace(p.asset, int(assets.size())).second) assets.push_back(p.asset);
    std::vector<LoadedModel> loaded(assets.size());
    std::vector<std::string> loadErrors(assets.size());
    std::vector<char> loadedOk(assets.size(), 0);
    {
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < assets.size();) {
                if (assets[i].empty()) {
                    loadErrors[i] = "an exhibit has no model file";
                    continue;
                }
                if (assets[i].starts_with(kPendingAsset)) continue;  // still downloading: placeholder, no warning
                loadedOk[i] = loadExhibitModel(assetsDir, assets[i], loaded[i], &loadErrors[i]);
            }
        };
        const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
        std::vector<std::thread> pool;
        for (size_t t = 1; t < std::min(threads, assets.size()); ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
    }
    std::vector<LoadedModel> models;
    int placeholder = -1;
    std::vector<int> idOfAsset(assets.size(), -1);
    std::vector<int> modelForPlacement;
    for (const ExhibitPlacement& p : placements) {
        const size_t a = size_t(modelOf[p.asset]);
        if (idOfAsset[a] < 0 && loadedOk[a]) {
            idOfAsset[a] = int(models.size());
            if (!loaded[a].note.empty())
                warnings.push_back((std::filesystem::path(assetsDir) / p.asset).string() + ": " + loaded[a].note);
            models.push_back(std::move(loaded[a]));
        } else if (idOfAsset[a] < 0) {
            if (!loadErrors[a].empty())
                warnings.push_back(loadErrors[a] + "; showing a placeholder box (booth " + std::to_string(p.booth) +
                                   ", exhibit " + std::to_string(p.exhibit) + ")");
            if (placeholder < 0) {
                LoadedModel m;
                makePlaceholderModel(m, kPlaceholderSize);
                placeholder = int(models.size());
                models.push_back(std::move(m));
            }
            idOfAsset[a] = placeholder;
        }
        modelForPlacement.push_back(idOfAsset[a]);
    }
    if (models.empty()) return;

    // One vertex and index buffer for all models; instances grouped by model.
    std::vector<ModelVertex> vertices;
    std::vector<uint32_t> indices;
    exhibitModels.resize(models.size());
    for (size_t mi = 0; mi < models.size(); ++mi) {
        const LoadedModel& m = models[mi];
        ExhibitModel& em = exhibitModels[mi];
        const int textureBase = int(exhibitTextures.size());
        for (const ModelImage& img : m.images) {
            GlTexture tex = makeTexture();
            glBindTexture(GL_TEXTURE_2D, tex.id());
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_SRGB8_ALPHA8, img.width, img.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                         img.rgba.data());
            glGenerateMipmap(GL_TEXTURE_2D);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            if (maxAnisotropy > 1) glTexParameterf(GL_TEXTURE_2D, GL_TEXTURE_MAX_ANISOTROPY_EXT, std::min(8.0f, maxAnisotropy));
            staticBytes += img.rgba.size() * 4 / 3;
            exhibitTextures.push_back(std::move(tex));
        }
        ExhibitCpu& cpu = exhibitCpu.emplace_back();
        cpu.boundsMin = m.boundsMin;
        cpu.boundsMax = m.boundsMax;
        cpu.placeholder = int(mi) == placeholder;
        for (const ModelVertex& v : m.vertices) {
            cpu.positions.emplace_back(v.pos[0], v.pos[1], v.pos[2]);
            cpu.group.push_back(v.material[3]);
        }
        for (const ModelPart& part : m.parts)
            cpu.indices.insert(cpu.indices.end(), m.indices.begin() + part.firstIndex,
                               m.indices.begin() + part.firstIndex + part.indexCount);
        const glm::vec3 modelCenter = (m.boundsMin + m.boundsMax) * 0.5f;
        for (const ModelGroup& g : m.groups) cpu.groupOffset.push_back((g.boundsMin + g.boundsMax) * 0.5f - modelCenter);
        const GLint baseVertex = GLint(vertices.size());
        const size_t baseIndex = indices.size();
        vertices.insert(vertices.end(), m.vertices.begin(), m.vertices.end());
        indices.insert(indices.end(), m.indices.begin(), m.indices.end());
        const size_t levels = std::max<size_t>(1, m.lods.size());
        em.lods.resize(levels);
        for (size_t l = 0; l < levels; ++l) {
            em.lods[l].error = m.lods.empty() ? 0.0f : m.lods[l].error;
            for (const ModelPart& part : m.lods.empty() ? m.parts : m.lods[l].parts) {
                ExhibitDraw draw;
                draw.indexCount = GLsizei(part.indexCount);
                draw.indexOffset = (baseIndex + part.firstIndex) * sizeof(uint32_t);
                draw.baseVertex = baseVertex;
                draw.texture = part.image >= 0 ? textureBase + part.image : -1;
                em.lods[l].draws.push_back(draw);
            }
        }
    }

    std::vector<ExhibitInstance> instances;
    for (size_t mi = 0; mi < models.size(); ++mi) {
        ExhibitModel& em = exhibitModels[mi];
        em.firstInstance = uint32_t(instances.size());
        const LoadedModel& m = models[mi];
        // Flat parts (gears, flanges, rings, rods) stand up, leaning back a little, so their face
        // looks at the aisle instead of at the ceiling.
        const glm::vec3 raw = m.boundsMax - m.boundsMin;
        const bool flat = raw.y < kFlatRatio * std::max(raw.x, raw.z);
        const glm::mat4 tilt = flat ? glm::rotate(glm::mat4(1.0f), glm::radians(kStandUpDegrees), glm::vec3{1, 0, 0})
                                    : glm::mat4(1.0f);
        glm::vec3 mn(1e30f), mx(-1e30f);
        for (int k = 0; k < 8; ++k) {
            const glm::vec3 corner{(k & 1) ? m.boundsMax.x : m.boundsMin.x, (k & 2) ? m.boundsMax.y : m.boundsMin.y,
                                   (k & 4) ? m.boundsMax.z : m.boundsMin.z};
            const glm::vec3 q = glm::vec3(tilt * glm::vec4(corner, 1.0f));
            mn = glm::min(mn, q);
            mx = glm::max(mx, q);
        }
        const glm::vec3 size = mx - mn;
        const float largest = std::max({size.x, size.y, size.z, 1e-4f});
        float s = std::clamp(largest, kExhibitMinSize, kExhibitMaxSize) / largest;
        const float footprint = std::max(size.x, size.z) * s;
        if (footprint > kExhibitMaxFootprint) s *= kExhibitMaxFootprint / footprint;
        const glm::vec3 anchor{(mn.x + mx.x) * 0.5f, mn.y, (mn.z + mx.z) * 0.5f};
        const glm::vec3 rawCenter = (m.boundsMin + m.boundsMax) * 0.5f;
        const float rawRadius = glm::length(raw) * 0.5f;
        for (size_t pi = 0; pi < placements.size(); ++pi) {
            if (modelForPlacement[pi] != int(mi)) continue;
            const ExhibitPlacement& p = placements[pi];
            glm::mat4 t = glm::translate(glm::mat4(1.0f), p.spot);
            t = glm::rotate(t, p.yaw, glm::vec3{0, 1, 0});
            t = glm::scale(t, glm::vec3(s));
            t = glm::translate(t, -anchor);
            t = t * tilt;
            ExhibitInstance inst{};
            for (int r = 0; r < 3; ++r)
                for (int c = 0; c < 4; ++c) inst.row[r][c] = t[c][r];
            inst.booth = float(p.booth + 1);
            instances.push_back(inst);
            exhibitSpheres.push_back(glm::vec4(glm::vec3(t * glm::vec4(rawCenter, 1.0f)), rawRadius * s * 1.01f + 0.01f));
            exhibitScales.push_back(s);
            exhibitRefs.push_back({int(mi), p.booth, p.exhibit});
        }
        em.instanceCount = uint32_t(instances.size()) - em.firstInstance;
    }

    exhibitVao = makeVertexArray();
    glBindVertexArray(exhibitVao.id());
    staticBytes += upload(exhibitVbo, GL_ARRAY_BUFFER, vertices);
    staticBytes += upload(exhibitIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    constexpr GLsizei vs = sizeof(ModelVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, normal));
    setFloatAttrib(2, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, color));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, material));
    setFloatAttrib(5, 2, GL_FLOAT, false, vs, offsetof(ModelVertex, uv));
    // The inspector draws the same buffers without instances.
    inspectVao = makeVertexArray();
    glBindVertexArray(inspectVao.id());
    glBindBuffer(GL_ARRAY_BUFFER, exhibitVbo.id());
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, exhibitIbo.id());
    setFloatAttrib(0, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, normal));
    setFloatAttrib(2, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, color));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, material));
    setFloatAttrib(5, 2, GL_FLOAT, false, vs, offsetof(ModelVertex, uv));
    capVao = makeVertexArray();
    capVbo = makeBuffer();
    glBindVertexArray(capVao.id());
    glBindBuffer(GL_ARRAY_BUFFER, capVbo.id());
    glBufferData(GL_ARRAY_BUFFER, 4 * sizeof(ModelVertex), nullptr, GL_STREAM_DRAW);
    setFloatAttrib(0, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, vs, offsetof(ModelVertex, normal));
    setFloatAttrib(2, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, color));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, vs, offsetof(ModelVertex, material));
    setFloatAttrib(5, 2, GL_FLOAT, false, vs, offsetof(ModelVertex, uv));
    glBindVertexArray(exhibitVao.id());
    exhibitInstanceVbo = makeBuffer();
    exhibitInstances = std::move(instances);
    exhibitStreamBytes = exhibitInstances.size() * sizeof(ExhibitInstance);
    glBindVertexArray(0);
}

void Renderer::Impl::buildAvatars() {
    std::vector<AvatarVertex> vertices, lodVertices;
    std::vector<uint32_t> indices, lodIndices;
    for (int lod = 0; lod < kAvatarLodCount; ++lod) {
        buildAvatarMesh(lodVertices, lodIndices, lod);
        avatarLods[lod] = {GLsizei(lodIndices.size()), indices.size(), GLint(vertices.size())};
        vertices.insert(vertices.end(), lodVertices.begin(), lodVertices.end());
        indices.insert(indices.end(), lodIndices.begin(), lodIndices.end());
    }
    avatarInstanceVbo = makeBuffer();

    avatarVao = makeVertexArray();
    glBindVertexArray(avatarVao.id());
    staticBytes += upload(avatarVbo, GL_ARRAY_BUFFER, vertices);
    staticBytes += upload(avatarIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    constexpr GLsizei as = sizeof(AvatarVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, as, offsetof(AvatarVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, as, offsetof(AvatarVertex, normal));
    setIntAttrib(2, 2, GL_UNSIGNED_BYTE, as, offsetof(AvatarVertex, part));
    glBindBuffer(GL_ARRAY_BUFFER, avatarInstanceVbo.id());
    constexpr GLsizei is = sizeof(AvatarGpuInstance);
    setFloatAttrib(6, 4, GL_FLOAT, false, is, offsetof(AvatarGpuInstance, place), 1);
    setFloatAttrib(7, 4, GL_FLOAT, false, is, offsetof(AvatarGpuInstance, pose), 1);

    blobVao = makeVertexArray();
    glBindVertexArray(blobVao.id());
    const std::vector<float> corners = {-1, -1, 1, -1, -1, 1, 1, 1};
    staticBytes += upload(blobVbo, GL_ARRAY_BUFFER, corners);
    setFloatAttrib(0, 2, GL_FLOAT, false, 2 * sizeof(float), 0);
    glBindBuffer(GL_ARRAY_BUFFER, avatarInstanceVbo.id());
    setFloatAttrib(6, 4, GL_FLOAT, false, is, offsetof(AvatarGpuInstance, place), 1);
    setFloatAttrib(7, 4, GL_FLOAT, false, is, offsetof(AvatarGpuInstance, pose), 1);
    glBindVertexArray(0);
}

void Renderer::Impl::buildLighting(const std::vector<HallVertex>& hallVertices) {
    // The environment is made of the hall's colours: the Frame block as every hall frame fills it.
    FrameBlock frame{};
    fillFrame(frame, CameraView{}, -1);
    glBindBuffer(GL_UNIFORM_BUFFER, frameUbo.id());
    glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &frame);
    glBindBuffer(GL_UNIFORM_BUFFER, 0);
    glBindBufferBase(GL_UNIFORM_BUFFER, 0, frameUbo.id());
    std::string iblError;
    lightingInfo.ibl = ibl.build(IblDesc{}, &iblError);
    lightingInfo.iblMs = ibl.buildMs();
    lightingInfo.prefilteredMips = lightingInfo.ibl ? ibl.prefilteredMips() : 0;
    if (!lightingInfo.ibl) warnings.push_back(iblError + ": the hall is lit without image-based lighting");
    staticBytes += ibl.gpuBytes();

    // The key light's shadow map: an orthographic view along the light fitted around everything
    // that stands in the hall. It never moves, so it is drawn once and cannot shimmer.
    const auto start = std::chrono::steady_clock::now();
    glm::vec3 lo(1e30f), hi(-1e30f);
    for (const HallVertex& v : hallVertices) {
        lo = glm::min(lo, glm::vec3(v.pos[0], v.pos[1], v.pos[2]));
        hi = glm::max(hi, glm::vec3(v.pos[0], v.pos[1], v.pos[2]));
    }
    for (const glm::vec4& sp : exhibitSpheres) {
        lo = glm::min(lo, glm::vec3(sp) - sp.w);
        hi = glm::max(hi, glm::vec3(sp) + sp.w);
    }
    if (lo.x > hi.x) return;
    const glm::vec3 L = glm::vec3(frame.lightDir);
    const glm::vec3 center = (lo + hi) * 0.5f;
    const glm::mat4 view = glm::lookAt(center + L * glm::length(hi - lo), center, glm::vec3(0, 1, 0));
    glm::vec3 vlo(1e30f), vhi(-1e30f);
    for (int k = 0; k < 8; ++k) {
        const glm::vec3 corner{(k & 1) ? hi.x : lo.x, (k & 2) ? hi.y : lo.y, (k & 4) ? hi.z : lo.z};
        const glm::vec3 q = glm::vec3(view * glm::vec4(corner, 1.0f));
        vlo = glm::min(vlo, q);
        vhi = glm::max(vhi, q);
    }
    const float extent = std::max(vhi.x - vlo.x, vhi.y - vlo.y);
    const float texel = extent / float(kHallShadowSize);
    const float depthRange = (vhi.z - vlo.z) + 2.0f;
    hallShadowViewProj = glm::ortho(vlo.x, vlo.x + extent, vlo.y, vlo.y + extent, -vhi.z - 1.0f, -vlo.z + 1.0f) * view;

    hallShadowMap = makeTexture();
    glBindTexture(GL_TEXTURE_2D, hallShadowMap.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_DEPTH_COMPONENT24, kHallShadowSize, kHallShadowSize, 0, GL_DEPTH_COMPONENT, GL_FLOAT, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_COMPARE_REF_TO_TEXTURE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_FUNC, GL_LEQUAL);
    glBindTexture(GL_TEXTURE_2D, 0);
    GLint oldDraw = 0, oldRead = 0, oldViewport[4] = {};
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &oldDraw);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &oldRead);
    glGetIntegerv(GL_VIEWPORT, oldViewport);
    glGenFramebuffers(1, &hallShadowFbo);
    glBindFramebuffer(GL_FRAMEBUFFER, hallShadowFbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_TEXTURE_2D, hallShadowMap.id(), 0);
    glDrawBuffer(GL_NONE);
    glReadBuffer(GL_NONE);
    const bool complete = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    if (complete) {
        glViewport(0, 0, kHallShadowSize, kHallShadowSize);
        glClearDepth(1.0);
        glClear(GL_DEPTH_BUFFER_BIT);
        glEnable(GL_DEPTH_TEST);
        glDepthFunc(GL_LESS);
        glDepthMask(GL_TRUE);
        glDisable(GL_CULL_FACE);  // exhibits may be open; the hall's thin panels cast from either side
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(2.0f, 4.0f);
        frame.viewProj = hallShadowViewProj;
        glBindBuffer(GL_UNIFORM_BUFFER, frameUbo.id());
        glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &frame);
        glBindBuffer(GL_UNIFORM_BUFFER, 0);
        glUseProgram(depthStatic.id());
        glBindVertexArray(hallVao.id());
        glDrawElements(GL_TRIANGLES, hallIndexCount, GL_UNSIGNED_INT, nullptr);
        if (exhibitVao && !exhibitInstances.empty()) {
            // Every exhibit at its full level, all instances at once.
            glUseProgram(depthExhibit.id());
            glBindVertexArray(exhibitVao.id());
            glBindBuffer(GL_ARRAY_BUFFER, exhibitInstanceVbo.id());
            glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(exhibitInstances.size() * sizeof(ExhibitInstance)),
                         exhibitInstances.data(), GL_STREAM_DRAW);
            constexpr GLsizei is = sizeof(ExhibitInstance);
            for (const ExhibitModel& m : exhibitModels) {
                if (m.instanceCount == 0 || m.lods.empty()) continue;
                const size_t first = size_t(m.firstInstance) * is;
                for (GLuint r = 0; r < 3; ++r) setFloatAttrib(6 + r, 4, GL_FLOAT, false, is, first + r * 16, 1);
                setFloatAttrib(9, 1, GL_FLOAT, false, is, first + offsetof(ExhibitInstance, booth), 1);
                for (const ExhibitDraw& draw : m.lods[0].draws)
                    glDrawElementsInstancedBaseVertex(GL_TRIANGLES, draw.indexCount, GL_UNSIGNED_INT,
                                                      reinterpret_cast<const void*>(draw.indexOffset),
                                                      GLsizei(m.instanceCount), draw.baseVertex);
            }
            glBindBuffer(GL_ARRAY_BUFFER, 0);
        }
        glDisable(GL_POLYGON_OFFSET_FILL);
        glDisable(GL_DEPTH_TEST);
        glBindVertexArray(0);
        glUseProgram(0);
    }
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(oldDraw));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(oldRead));
    glViewport(oldViewport[0], oldViewport[1], oldViewport[2], oldViewport[3]);
    glFinish();
    if (!complete) {
        warnings.push_back("the hall's shadow map was refused by OpenGL: the key light casts no shadows");
        return;
    }
    hallShadowParams = glm::vec4(1.0f, 1.0f / float(kHallShadowSize), texel * kHallShadowNormalOffset, texel / depthRange);
    staticBytes += size_t(kHallShadowSize) * kHallShadowSize * 4;
    lightingInfo.hallShadow = true;
    lightingInfo.hallShadowSize = kHallShadowSize;
    lightingInfo.hallShadowTexel = texel;
    lightingInfo.hallShadowMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void Renderer::Impl::bindLighting() const {
    ibl.bind();
    glActiveTexture(GL_TEXTURE5);
    glBindTexture(GL_TEXTURE_2D, hallShadowMap.id());
    glActiveTexture(GL_TEXTURE0);
}

void Renderer::Impl::buildLabels() {
    atlasPages.clear();
    atlasPageSizes.clear();
    labelDraws.clear();
    labelSlots.clear();
    labels.clear();
    labelBytes = 0;

    // Rasterize every label, then shelf-pack them into atlas pages.
    std::vector<TextImage> images;
    for (const LabelPlacement& p : labelPlacements) {
        const float density = std::min(kLabelPixelsPerMetre, float(kAtlasPageSize - 2 * kAtlasPadding) / p.width);
        const int w = std::max(8, int(std::lround(p.width * density)));
        const int h = std::clamp(int(std::lround(p.height * density)), 8, kAtlasPageSize - kAtlasPadding);
        const std::string& primary = p.text.in(chinese);
        const std::string& other = p.text.in(!chinese);
        HallLabel l;
        l.kind = p.kind;
        l.index = p.index;
        l.center = p.center;
        l.normal = p.normal;
        l.width = p.width;
        l.height = p.height;
        if (font.loaded()) {
            images.push_back(composePanel(font, primary, other == primary ? std::string() : other, w, h,
                                          p.maxPrimaryLines, p.maxSecondaryLines, &l.lines, p.extraLine));
        } else {
            TextImage blank;
            blank.width = w;
            blank.height = h;
            blank.coverage.assign(size_t(w) * size_t(h), 0);
            images.push_back(std::move(blank));
        }
        labels.push_back(std::move(l));
    }
    // Tallest first packs shelves better.
    std::vector<size_t> order(images.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return images[a].height > images[b].height; });
    labelSlots.assign(images.size(), AtlasSlot{});
    int page = -1, x = 0, y = 0, shelf = 0;
    std::vector<int> pageUsedHeight;
    for (size_t i : order) {
        const TextImage& img = images[i];
        const int w = img.width + kAtlasPadding, h = img.height + kAtlasPadding;
        if (page < 0 || x + w > kAtlasPageSize) { x = 0; y += shelf; shelf = 0; }
        if (page < 0 || y + h > kAtlasPageSize) {
            ++page;
            pageUsedHeight.push_back(0);
            x = 0; y = 0; shelf = 0;
        }
        labelSlots[i] = {page, x + kAtlasPadding / 2, y + kAtlasPadding / 2, img.width, img.height};
        x += w;
        shelf = std::max(shelf, h);
        pageUsedHeight[size_t(page)] = std::max(pageUsedHeight[size_t(page)], y + h);
    }
    for (size_t pg = 0; pg < pageUsedHeight.size(); ++pg) {
        const int pw = kAtlasPageSize, ph = std::max(4, (pageUsedHeight[pg] + 3) & ~3);
        std::vector<uint8_t> pixels(size_t(pw) * size_t(ph), 0);
        for (size_t i = 0; i < images.size(); ++i) {
            const AtlasSlot& s = labelSlots[i];
            if (s.page != int(pg)) continue;
            for (int row = 0; row < s.h; ++row)
                std::copy_n(images[i].coverage.data() + size_t(row) * size_t(s.w), size_t(s.w),
                            pixels.data() + size_t(s.y + row) * size_t(pw) + size_t(s.x));
        }
        GlTexture tex = makeTexture();
        glBindTexture(GL_TEXTURE_2D, tex.id());
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, pw, ph, 0, GL_RED, GL_UNSIGNED_BYTE, pixels.data());
        glGenerateMipmap(GL_TEXTURE_2D);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 4);  // the padding keeps neighbours apart that far
        if (maxAnisotropy > 1) glTexParameterf(GL_TEXTURE_2D, GL_TEXTURE_MAX_ANISOTROPY_EXT, std::min(8.0f, maxAnisotropy));
        labelBytes += pixels.size() * 4 / 3;
        atlasPages.push_back(std::move(tex));
        atlasPageSizes.push_back({pw, ph});
    }
    glBindTexture(GL_TEXTURE_2D, 0);

    // Quads, grouped by page.
    std::vector<LabelVertex> vertices;
    std::vector<uint32_t> indices;
    for (size_t pg = 0; pg < atlasPages.size(); ++pg) {
        LabelDraw draw;
        draw.page = atlasPages[pg].id();
        draw.offset = indices.size() * sizeof(uint32_t);
        for (size_t i = 0; i < labelPlacements.size(); ++i) {
            const AtlasSlot& s = labelSlots[i];
            if (s.page != int(pg)) continue;
            const LabelPlacement& p = labelPlacements[i];
            const glm::vec2 size = glm::vec2(atlasPageSizes[pg]);
            const float u0 = float(s.x) / size.x, u1 = float(s.x + s.w) / size.x;
            const float v0 = float(s.y) / size.y, v1 = float(s.y + s.h) / size.y;
            PanelQuad q{p.center, p.right, p.up, p.normal, p.width, p.height, u0, v0, u1, v1, p.ink, p.emissive,
                        p.kind == HallLabel::Kind::StageScreen};
            appendPanelQuad(vertices, indices, q);
            if (p.twoSided) {
                q.center = p.backCenter;
                q.right = -p.right;
                q.normal = -p.normal;
                appendPanelQuad(vertices, indices, q);
            }
        }
        draw.count = GLsizei(indices.size() - draw.offset / sizeof(uint32_t));
        if (draw.count > 0) labelDraws.push_back(draw);
    }
    labelVao = makeVertexArray();
    glBindVertexArray(labelVao.id());
    labelBytes += upload(labelVbo, GL_ARRAY_BUFFER, vertices);
    labelBytes += upload(labelIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    setLabelVertexLayout();
    glBindVertexArray(0);
}

void Renderer::Impl::buildScreenQuad() {
    if (!stage.present) return;
    // The whole lit panel, a hair in front of it (the event name's text lies at the same depth
    // and is hidden while a picture is up).
    std::vector<LabelVertex> vertices;
    std::vector<uint32_t> indices;  // the quad is drawn as a fan of its 4 vertices
    appendPanelQuad(vertices, indices, {.center = stage.screenCenter + stage.normal * 0.004f, .right = stage.right, .up = stage.up,
                                        .normal = stage.normal, .width = stage.screenWidth, .height = stage.screenHeight,
                                        .emissive = 1.0f});
    screenVao = makeVertexArray();
    glBindVertexArray(screenVao.id());
    staticBytes += upload(screenVbo, GL_ARRAY_BUFFER, vertices);
    setLabelVertexLayout();
    glBindVertexArray(0);
}

void Renderer::setStageScreen(const RgbaImage& picture) {
    if (!m_impl) return;
    Impl& d = *m_impl;
    if (picture.empty() || !d.stage.present) {
        clearStageScreen();
        return;
    }
    const RgbaImage fitted = fitWithin(picture, kScreenPictureMaxSide);
    if (!d.screenTexture) d.screenTexture = makeTexture();
    glBindTexture(GL_TEXTURE_2D, d.screenTexture.id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_SRGB8_ALPHA8, fitted.width, fitted.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, fitted.rgba.data());
    mipmapPanelTexture(d.maxAnisotropy);
    glBindTexture(GL_TEXTURE_2D, 0);
    d.screenW = fitted.width;
    d.screenH = fitted.height;
}

void Renderer::clearStageScreen() {
    if (!m_impl) return;
    m_impl->screenTexture.reset();
    m_impl->screenW = m_impl->screenH = 0;
}

StageScreenInfo Renderer::stageScreen() const {
    StageScreenInfo info;
    if (!m_impl || !m_impl->stage.present) return info;
    const StagePlacement& st = m_impl->stage;
    info.present = true;
    info.center = st.screenCenter;
    info.right = st.right;
    info.up = st.up;
    info.normal = st.normal;
    info.width = st.screenWidth;
    info.height = st.screenHeight;
    info.showingPicture = m_impl->screenW > 0;
    info.pictureWidth = m_impl->screenW;
    info.pictureHeight = m_impl->screenH;
    return info;
}

CameraView Renderer::stagePhotoCamera(float aspect) const {
    CameraView cam;
    cam.fovYDeg = 40;
    if (!m_impl) return cam;
    const Impl& d = *m_impl;
    const net::Stage& area = d.layout.stage;
    if (!d.stage.present) {  // no stage screen: look at the stage (or the hall) from its front
        const net::Vec2 c = area.area.max.x > area.area.min.x ? area.area.center() : net::Vec2{d.layout.hallSize.x * 0.5f, d.layout.hallSize.y * 0.5f};
        cam.target = {c.x, 1.2f, c.y};
        cam.eye = cam.target + glm::vec3(0, 1.0f, 8.0f);
        return cam;
    }
    const StagePlacement& st = d.stage;
    // Where the photographer stands: on the hall floor a little in front of the stage's edge,
    // the camera held high (on a riser), so the front rows stay behind and the people at the
    // table hide little of the screen.
    const glm::vec3 n = glm::normalize(glm::vec3(st.normal.x, 0, st.normal.z));
    const net::Vec2 sc = area.area.center();
    const glm::vec3 stageCenter{sc.x, st.floorY, sc.y};
    const bool turned = (area.facing & 1) != 0;
    const float halfDepth = (turned ? area.area.max.x - area.area.min.x : area.area.max.y - area.area.min.y) * 0.5f;
    glm::vec3 eye = stageCenter + n * (halfDepth + 1.8f);
    eye.y = st.floorY + 2.6f;
    eye.x = std::clamp(eye.x, 0.5f, std::max(0.5f, d.layout.hallSize.x - 0.5f));
    eye.z = std::clamp(eye.z, 0.5f, std::max(0.5f, d.layout.hallSize.y - 0.5f));
    // What must be in the picture: the screen's corners and, at the table, the representatives
    // from the table's front to above their heads. The view is aimed at the middle of their angular
    // spread and opened just wide enough (with a margin) for the given aspect.
    std::vector<glm::vec3> points;
    for (float sx : {-0.5f, 0.5f})
        for (float sy : {-0.5f, 0.5f}) points.push_back(st.screenCenter + st.right * (st.screenWidth * sx) + st.up * (st.screenHeight * sy));
    const glm::vec3 table = st.table ? st.tableCenter : stageCenter;
    const float reach = std::max(st.table ? st.tableWidth * 0.5f : 1.0f, 1.2f);
    for (float sx : {-1.0f, 1.0f})
        for (float y : {0.3f, 2.0f}) points.push_back(table + st.right * (reach * sx) + n * (y < 1 ? 0.4f : 0.0f) + glm::vec3(0, y, 0));
    const glm::vec3 forward = -n, side = glm::normalize(glm::cross(forward, glm::vec3(0, 1, 0)));
    float minEl = 10, maxEl = -10, minAz = 10, maxAz = -10;
    for (const glm::vec3& p : points) {
        const glm::vec3 v = p - eye;
        const float ahead = std::max(glm::dot(v, forward), 0.1f);
        minEl = std::min(minEl, std::atan2(v.y, ahead));
        maxEl = std::max(maxEl, std::atan2(v.y, ahead));
        minAz = std::min(minAz, std::atan2(glm::dot(v, side), ahead));
        maxAz = std::max(maxAz, std::atan2(glm::dot(v, side), ahead));
    }
    const float pitch = (minEl + maxEl) * 0.5f, yaw = (minAz + maxAz) * 0.5f;
    const float fovY = (maxEl - minEl) * 1.12f;
    const float fovX = (maxAz - minAz) * 1.12f;
    const float fovFromX = 2.0f * std::atan(std::tan(fovX * 0.5f) / std::max(aspect, 0.1f));
    cam.fovYDeg = std::clamp(glm::degrees(std::max(fovY, fovFromX)), 20.0f, 100.0f);
    const glm::vec3 dir = forward * (std::cos(pitch) * std::cos(yaw)) + side * (std::cos(pitch) * std::sin(yaw)) + glm::vec3(0, std::sin(pitch), 0);
    cam.eye = eye;
    cam.target = eye + dir * 10.0f;
    return cam;
}

const FontRasterizer& Renderer::font() const {
    static const FontRasterizer kNone;
    return m_impl ? m_impl->font : kNone;
}

void Renderer::setLanguage(bool chinese) {
    if (!m_impl || m_impl->chinese == chinese) return;
    m_impl->chinese = chinese;
    m_impl->buildLabels();
    m_impl->buildClosedSignText();
}

void Renderer::setClosedBooths(const std::vector<bool>& closedByBoothIndex) {
    if (m_impl) m_impl->closedBooths = closedByBoothIndex;
}

void Renderer::Impl::buildClosures() {
    static const net::LocalText kClosed{"暂停开放", "Closed"};
    HallMesh mesh;
    closureRanges.assign(layout.booths.size(), IndexRange{});
    for (size_t i = 0; i < layout.booths.size(); ++i) {
        const size_t first = mesh.indices.size();
        buildBoothClosure(layout.booths[i], int(i), kClosed, mesh);
        closureRanges[i] = {first, GLsizei(mesh.indices.size() - first)};
    }
    closureVao = makeVertexArray();
    glBindVertexArray(closureVao.id());
    staticBytes += upload(closureVbo, GL_ARRAY_BUFFER, mesh.vertices);
    staticBytes += upload(closureIbo, GL_ELEMENT_ARRAY_BUFFER, mesh.indices);
    setHallVertexLayout();
    glBindVertexArray(0);

    // The signs' text: one quad per booth over the one texture.
    closedSignPlacements = std::move(mesh.labels);
    std::vector<LabelVertex> vertices;
    std::vector<uint32_t> indices;
    closedSignRanges.assign(layout.booths.size(), IndexRange{});
    for (const LabelPlacement& p : closedSignPlacements) {
        if (p.index >= 0 && size_t(p.index) < closedSignRanges.size()) closedSignRanges[size_t(p.index)] = {indices.size(), 6};
        appendPanelQuad(vertices, indices, {.center = p.center, .right = p.right, .up = p.up, .normal = p.normal, .width = p.width,
                                            .height = p.height, .ink = p.ink, .emissive = p.emissive});
    }
    closedSignVao = makeVertexArray();
    glBindVertexArray(closedSignVao.id());
    staticBytes += upload(closedSignVbo, GL_ARRAY_BUFFER, vertices);
    staticBytes += upload(closedSignIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    setLabelVertexLayout();
    glBindVertexArray(0);
    buildClosedSignText();
}

void Renderer::Impl::buildClosedSignText() {
    if (closedSignPlacements.empty()) return;
    const LabelPlacement& p = closedSignPlacements.front();  // every sign is the same size and text
    const int w = std::max(8, int(std::lround(p.width * kLabelPixelsPerMetre)));
    const int h = std::max(8, int(std::lround(p.height * kLabelPixelsPerMetre)));
    TextImage img;
    if (font.loaded()) {
        img = composePanel(font, p.text.in(chinese), p.text.in(!chinese), w, h, 1, 1, nullptr);
    } else {
        img.width = w;
        img.height = h;
        img.coverage.assign(size_t(w) * size_t(h), 0);
    }
    if (!closedSignTexture) closedSignTexture = makeTexture();
    glBindTexture(GL_TEXTURE_2D, closedSignTexture.id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, img.width, img.height, 0, GL_RED, GL_UNSIGNED_BYTE, img.coverage.data());
    mipmapPanelTexture();
    glBindTexture(GL_TEXTURE_2D, 0);
}

glm::mat4 Renderer::viewProj(const CameraView& cam, int width, int height) const {
    const float aspect = height > 0 ? float(width) / float(height) : 1.0f;
    glm::vec3 dir = cam.target - cam.eye;
    if (glm::dot(dir, dir) < 1e-10f) dir = {0, 0, -1};
    dir = glm::normalize(dir);
    const glm::vec3 up = std::abs(dir.y) > 0.999f ? glm::vec3{0, 0, -1} : glm::vec3{0, 1, 0};
    const glm::mat4 proj = glm::perspective(glm::radians(std::clamp(cam.fovYDeg, 5.0f, 150.0f)), aspect,
                                            std::max(cam.nearZ, 1e-3f), std::max(cam.farZ, cam.nearZ + 1.0f));
    return proj * glm::lookAt(cam.eye, cam.eye + dir, up);
}

void Renderer::Impl::fillFrame(FrameBlock& f, const CameraView& cam, int highlightBooth) const {
    f.cameraPos = glm::vec4(cam.eye, 1.0f);
    f.lightDir = glm::vec4(glm::normalize(glm::vec3{0.32f, 1.0f, 0.42f}), 2.7f);
    f.lightColor = glm::vec4(1.0f, 0.96f, 0.9f, 0);
    f.skyColor = glm::vec4(0.50f, 0.54f, 0.62f, 0);
    f.groundColor = glm::vec4(0.24f, 0.22f, 0.20f, 0);
    f.fog = glm::vec4(srgbToLinear(0x2A303B), 0.0045f);
    f.highlight = glm::vec4(-1, 1, 0, 0);
    f.highlightRect = glm::vec4(0);
    if (highlightBooth >= 0 && size_t(highlightBooth) < layout.booths.size()) {
        const net::Rect r = boothRect(layout.booths[size_t(highlightBooth)]);
        f.highlight = glm::vec4(float(highlightBooth), 1, 0, 0);
        f.highlightRect = glm::vec4(r.min.x, r.min.y, r.max.x, r.max.y);
    }
    const size_t zones = std::min<size_t>(layout.zones.size(), 64);
    f.hall = glm::vec4(layout.hallSize.x, layout.hallSize.y, float(zones), 0.8f);
    for (size_t i = 0; i < zones; ++i) {
        const net::Rect& r = layout.zones[i].area;
        f.zoneRect[i] = glm::vec4(r.min.x, r.min.y, r.max.x, r.max.y);
        f.zoneColor[i] = glm::vec4(srgbToLinear(zoneCarpetColor(layout.zones[i].kind)), 1);
    }
    // Attendee blue, exhibitor orange, university green, organizer crimson, speaker violet; the
    // organizer's and the speaker's badges are gold.
    static_assert(int(net::Role::Count) <= 8, "FrameBlock has room for 8 role colours");
    const uint32_t roles[int(net::Role::Count)] = {0x2F6FD0, 0xE8822A, 0x2E9E5B, 0xB0203A, 0x6A3FA8};
    const uint32_t accents[int(net::Role::Count)] = {0xF2F2F2, 0xF2F2F2, 0xF2F2F2, 0xD4A437, 0xD4A437};
    for (int i = 0; i < int(net::Role::Count); ++i) {
        f.roleColor[i] = glm::vec4(srgbToLinear(roles[i]), 1);
        f.roleAccent[i] = glm::vec4(srgbToLinear(accents[i]), 1);
    }
    f.shadowViewProj = hallShadowViewProj;
    f.shadowParams = hallShadowParams;
    f.ibl = glm::vec4(float(std::max(ibl.prefilteredMips() - 1, 0)), ibl.ready() ? 1.0f : 0.0f, 0.85f, 0.0f);
}

void Renderer::render(const CameraView& cam, std::span<const AvatarInstance> avatars, int width, int height,
                      int highlightBooth) {
    if (!m_impl || width <= 0 || height <= 0) return;
    Impl& d = *m_impl;
    d.stats = {};
    d.beginGpuTimer();
    const GLboolean srgbWas = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    glEnable(GL_FRAMEBUFFER_SRGB);
    glViewport(0, 0, width, height);

    FrameBlock frame{};
    frame.viewProj = viewProj(cam, width, height);
    const Frustum frustum = frustumFromViewProj(frame.viewProj);
    frame.invViewProj = glm::inverse(frame.viewProj);
    d.fillFrame(frame, cam, highlightBooth);
    glBindBuffer(GL_UNIFORM_BUFFER, d.frameUbo.id());
    glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &frame);
    glBindBuffer(GL_UNIFORM_BUFFER, 0);
    glBindBufferBase(GL_UNIFORM_BUFFER, 0, d.frameUbo.id());

    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    glDepthMask(GL_TRUE);
    glClearColor(frame.fog.r, frame.fog.g, frame.fog.b, 1.0f);
    glClearDepth(1.0);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    d.bindLighting();

    // Sky above the walls.
    glDisable(GL_DEPTH_TEST);
    glDepthMask(GL_FALSE);
    glUseProgram(d.sky.id());
    glBindVertexArray(d.emptyVao.id());
    glDrawArrays(GL_TRIANGLES, 0, 3);
    d.stats.drawCalls++;
    d.stats.triangles += 1;

    // The static hall: the chunks in view, adjacent ones merged, in one multi-draw.
    d.multiCounts.clear();
    d.multiOffsets.clear();
    d.stats.hallChunks = int(d.hallChunks.size());
    int64_t hallTriangles = 0;
    size_t runEnd = SIZE_MAX;
    for (const Impl::HallChunk& c : d.hallChunks) {
        if (!boxInFrustum(frustum, c.min, c.max)) continue;
        d.stats.hallChunksDrawn++;
        hallTriangles += c.count / 3;
        if (c.first == runEnd) {
            d.multiCounts.back() += c.count;
        } else {
            d.multiCounts.push_back(c.count);
            d.multiOffsets.push_back(reinterpret_cast<const void*>(c.first * sizeof(uint32_t)));
        }
        runEnd = c.first + size_t(c.count);
    }
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glDepthMask(GL_TRUE);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    glBindTexture(GL_TEXTURE_2D, d.white.id());
    glUseProgram(d.litStatic.id());
    glBindVertexArray(d.hallVao.id());
    if (!d.multiCounts.empty()) {
        glMultiDrawElements(GL_TRIANGLES, d.multiCounts.data(), GL_UNSIGNED_INT, d.multiOffsets.data(),
                            GLsizei(d.multiCounts.size()));
        d.stats.drawCalls++;
        d.stats.triangles += hallTriangles;
    }
    // Closed booths' barriers (same program and vertex format as the hall), one draw each.
    for (size_t i = 0; i < d.closedBooths.size() && i < d.closureRanges.size(); ++i) {
        const Impl::IndexRange& r = d.closureRanges[i];
        if (!d.closedBooths[i] || r.count == 0) continue;
        glBindVertexArray(d.closureVao.id());
        glDrawElements(GL_TRIANGLES, r.count, GL_UNSIGNED_INT, reinterpret_cast<const void*>(r.first * sizeof(uint32_t)));
        d.stats.drawCalls++;
        d.stats.triangles += r.count / 3;
        d.stats.closedBooths++;
    }

    // Contact shadows on the floor: blended over it, under everything that stands there.
    if (d.shadowIndexCount > 0) {
        glDepthMask(GL_FALSE);
        glEnable(GL_BLEND);
        glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
        glDisable(GL_CULL_FACE);
        glUseProgram(d.shadow.id());
        glBindVertexArray(d.shadowVao.id());
        glDrawElements(GL_TRIANGLES, d.shadowIndexCount, GL_UNSIGNED_INT, nullptr);
        d.stats.drawCalls++;
        d.stats.triangles += d.shadowIndexCount / 3;
        glEnable(GL_CULL_FACE);
        glDisable(GL_BLEND);
        glDepthMask(GL_TRUE);
    }

    // Exhibits: the instances in view, streamed grouped by model; one instanced draw per model (and
    // texture) that has any in view. Models may be open or inconsistently wound, so both sides
    // are drawn.
    if (!d.exhibitModels.empty()) {
        d.exhibitScratch.clear();
        // Level of detail per instance: the coarsest whose error stays under kLodPixelError
        // pixels on screen at the instance's distance.
        const float pixelsPerRadian = float(height) / (2.0f * std::tan(glm::radians(cam.fovYDeg) * 0.5f));
        struct Run { uint32_t first = 0, count = 0; };
        std::vector<std::array<Run, kMaxExhibitLods>> runs(d.exhibitModels.size());
        std::array<std::vector<ExhibitInstance>, kMaxExhibitLods> byLod;
        for (size_t mi = 0; mi < d.exhibitModels.size(); ++mi) {
            const Impl::ExhibitModel& m = d.exhibitModels[mi];
            for (auto& v : byLod) v.clear();
            for (uint32_t k = m.firstInstance; k < m.firstInstance + m.instanceCount; ++k) {
                const glm::vec4& sphere = d.exhibitSpheres[k];
                if (!sphereInFrustum(frustum, glm::vec3(sphere), sphere.w)) {
                    d.stats.exhibitsCulled++;
                    continue;
                }
                const float dist = std::max(glm::length(glm::vec3(sphere) - cam.eye) - sphere.w, cam.nearZ);
                size_t lod = 0;
                while (lod + 1 < std::min(m.lods.size(), kMaxExhibitLods) &&
                       m.lods[lod + 1].error * d.exhibitScales[k] * pixelsPerRadian / dist <= kLodPixelError)
                    ++lod;
                byLod[lod].push_back(d.exhibitInstances[k]);
                d.stats.exhibitsDrawn++;
                if (lod > 0) d.stats.exhibitsAtCoarserLod++;
            }
            for (size_t l = 0; l < kMaxExhibitLods; ++l) {
                runs[mi][l] = {uint32_t(d.exhibitScratch.size()), uint32_t(byLod[l].size())};
                d.exhibitScratch.insert(d.exhibitScratch.end(), byLod[l].begin(), byLod[l].end());
            }
        }
        glDisable(GL_CULL_FACE);
        glUseProgram(d.litExhibit.id());
        glBindVertexArray(d.exhibitVao.id());
        glBindBuffer(GL_ARRAY_BUFFER, d.exhibitInstanceVbo.id());
        // Orphan the old storage so the driver never waits for last frame's draws to finish.
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(std::max<size_t>(d.exhibitStreamBytes, sizeof(ExhibitInstance))),
                     nullptr, GL_STREAM_DRAW);
        if (!d.exhibitScratch.empty())
            glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(d.exhibitScratch.size() * sizeof(ExhibitInstance)),
                            d.exhibitScratch.data());
        constexpr GLsizei is = sizeof(ExhibitInstance);
        for (size_t mi = 0; mi < d.exhibitModels.size(); ++mi) {
            const Impl::ExhibitModel& m = d.exhibitModels[mi];
            for (size_t l = 0; l < std::min(m.lods.size(), kMaxExhibitLods); ++l) {
                const uint32_t instanceCount = runs[mi][l].count;
                if (instanceCount == 0) continue;
                const size_t first = size_t(runs[mi][l].first) * is;
                for (GLuint r = 0; r < 3; ++r) setFloatAttrib(6 + r, 4, GL_FLOAT, false, is, first + r * 16, 1);
                setFloatAttrib(9, 1, GL_FLOAT, false, is, first + offsetof(ExhibitInstance, booth), 1);
                for (const Impl::ExhibitDraw& draw : m.lods[l].draws) {
                    glBindTexture(GL_TEXTURE_2D, draw.texture >= 0 ? d.exhibitTextures[size_t(draw.texture)].id() : d.white.id());
                    glDrawElementsInstancedBaseVertex(GL_TRIANGLES, draw.indexCount, GL_UNSIGNED_INT,
                                                      reinterpret_cast<const void*>(draw.indexOffset),
                                                      GLsizei(instanceCount), draw.baseVertex);
                    d.stats.drawCalls++;
                    d.stats.exhibitDraws++;
                    d.stats.triangles += int64_t(draw.indexCount / 3) * instanceCount;
                    d.stats.exhibitTriangles += int64_t(draw.indexCount / 3) * instanceCount;
                }
            }
        }
        glBindTexture(GL_TEXTURE_2D, d.white.id());
        glEnable(GL_CULL_FACE);
    }

    // The crowd: culled against the frustum, grouped by level of detail (stable within a level),
    // streamed into one orphaned buffer; one instanced draw per level for the bodies, one for all
    // their floor blobs.
    d.avatarScratch.clear();
    if (!avatars.empty()) {
        const net::Stage& st = d.layout.stage;
        const bool haveStage = st.area.max.x > st.area.min.x;
        uint32_t perLod[kAvatarLodCount] = {};
        std::vector<uint8_t>& lodOf = d.avatarLodScratch;
        lodOf.assign(avatars.size(), uint8_t(255));
        for (size_t i = 0; i < avatars.size(); ++i) {
            const AvatarInstance& a = avatars[i];
            const float floorY = haveStage && st.area.contains({a.x, a.z}) ? st.height : 0.0f;
            const glm::vec3 center{a.x, floorY + kAvatarCullCenterY, a.z};
            if (!sphereInFrustum(frustum, center, kAvatarCullRadius)) {
                d.stats.avatarsCulled++;
                continue;
            }
            const int lod = avatarLod(glm::length(center - cam.eye), d.lodDesc);
            lodOf[i] = uint8_t(lod);
            perLod[lod]++;
        }
        uint32_t firstOf[kAvatarLodCount] = {};
        for (int l = 1; l < kAvatarLodCount; ++l) firstOf[l] = firstOf[l - 1] + perLod[l - 1];
        const uint32_t drawn = firstOf[kAvatarLodCount - 1] + perLod[kAvatarLodCount - 1];
        d.avatarScratch.resize(drawn);
        uint32_t cursor[kAvatarLodCount];
        std::copy(std::begin(firstOf), std::end(firstOf), std::begin(cursor));
        for (size_t i = 0; i < avatars.size(); ++i) {
            if (lodOf[i] == 255) continue;
            const AvatarInstance& a = avatars[i];
            const float floorY = haveStage && st.area.contains({a.x, a.z}) ? st.height : 0.0f;
            // The look (skin, trousers) follows the avatar's place in the caller's list, not its
            // place in this frame's buffer, so it does not flicker as people change level.
            const float look = float((i * 7 + 3) & 15);
            d.avatarScratch[cursor[lodOf[i]]++] = {
                {a.x, floorY, a.z, a.yaw},
                {a.animPhase, float(std::min<int>(int(a.role), int(net::Role::Count) - 1)) + 8.0f * look,
                 a.handshake ? kHandshakeAnim : float(int(a.anim)), a.self ? 1.0f : 0.0f}};
        }
        d.stats.avatarsDrawn = int(drawn);
        for (int l = 0; l < kAvatarLodCount; ++l) d.stats.avatarsAtLod[l] = int(perLod[l]);

        if (drawn > 0) {
            const size_t bytes = size_t(drawn) * sizeof(AvatarGpuInstance);
            glBindBuffer(GL_ARRAY_BUFFER, d.avatarInstanceVbo.id());
            if (bytes > d.avatarInstanceBytes) d.avatarInstanceBytes = std::max(bytes * 3 / 2, size_t(64) * sizeof(AvatarGpuInstance));
            glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(d.avatarInstanceBytes), nullptr, GL_STREAM_DRAW);  // orphan
            glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(bytes), d.avatarScratch.data());
            glUseProgram(d.avatar.id());
            glBindVertexArray(d.avatarVao.id());
            constexpr GLsizei is = sizeof(AvatarGpuInstance);
            for (int l = 0; l < kAvatarLodCount; ++l) {
                if (perLod[l] == 0) continue;
                const size_t first = size_t(firstOf[l]) * is;
                setFloatAttrib(6, 4, GL_FLOAT, false, is, first + offsetof(AvatarGpuInstance, place), 1);
                setFloatAttrib(7, 4, GL_FLOAT, false, is, first + offsetof(AvatarGpuInstance, pose), 1);
                const Impl::AvatarLodMesh& mesh = d.avatarLods[l];
                glDrawElementsInstancedBaseVertex(GL_TRIANGLES, mesh.indexCount, GL_UNSIGNED_INT,
                                                  reinterpret_cast<const void*>(mesh.firstIndex * sizeof(uint32_t)),
                                                  GLsizei(perLod[l]), mesh.baseVertex);
                d.stats.drawCalls++;
                d.stats.avatarDraws++;
                d.stats.triangles += int64_t(mesh.indexCount / 3) * perLod[l];
            }

            glDisable(GL_CULL_FACE);
            glDepthMask(GL_FALSE);
            glEnable(GL_BLEND);
            glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
            glUseProgram(d.blob.id());
            glBindVertexArray(d.blobVao.id());
            glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(drawn));
            d.stats.drawCalls++;
            d.stats.triangles += 2 * int64_t(drawn);
        }
    }

    // The picture on the stage's big screen, over its panel.
    const bool picture = d.screenW > 0 && d.screenVao && d.screenTexture;
    if (picture) {
        glDisable(GL_CULL_FACE);
        glDepthMask(GL_FALSE);
        glDisable(GL_BLEND);
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(-1.0f, -2.0f);
        glUseProgram(d.screen.id());
        // Scale the quad's texture coordinates so the picture keeps its shape: >1 on the axis
        // where the screen is relatively longer leaves bars there.
        const float screenAspect = d.stage.screenWidth / std::max(d.stage.screenHeight, 1e-3f);
        const float pictureAspect = float(d.screenW) / float(std::max(d.screenH, 1));
        const glm::vec2 scale = pictureAspect < screenAspect ? glm::vec2(screenAspect / pictureAspect, 1.0f)
                                                             : glm::vec2(1.0f, pictureAspect / screenAspect);
        glUniform2f(glGetUniformLocation(d.screen.id(), "uPictureScale"), scale.x, scale.y);
        glBindTexture(GL_TEXTURE_2D, d.screenTexture.id());
        glBindVertexArray(d.screenVao.id());
        glDrawArrays(GL_TRIANGLE_FAN, 0, 4);
        d.stats.drawCalls++;
        d.stats.triangles += 2;
        glDisable(GL_POLYGON_OFFSET_FILL);
    }

    // Text over its panels, then the closed booths' signs over their boards: alpha-blended,
    // pulled forward a little against z-fighting.
    const bool closedSigns = d.stats.closedBooths > 0 && d.closedSignTexture;
    if (!d.labelDraws.empty() || closedSigns) {
        glDisable(GL_CULL_FACE);
        glDepthMask(GL_FALSE);
        glEnable(GL_BLEND);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(-1.0f, -2.0f);
        glUseProgram(d.label.id());
        glUniform1i(glGetUniformLocation(d.label.id(), "uHideStageScreen"), picture ? 1 : 0);
        if (!d.labelDraws.empty()) {
            glBindVertexArray(d.labelVao.id());
            for (const Impl::LabelDraw& draw : d.labelDraws) {
                glBindTexture(GL_TEXTURE_2D, draw.page);
                glDrawElements(GL_TRIANGLES, draw.count, GL_UNSIGNED_INT, reinterpret_cast<const void*>(draw.offset));
                d.stats.drawCalls++;
                d.stats.triangles += draw.count / 3;
            }
        }
        if (closedSigns) {
            glBindVertexArray(d.closedSignVao.id());
            glBindTexture(GL_TEXTURE_2D, d.closedSignTexture.id());
            for (size_t i = 0; i < d.closedBooths.size() && i < d.closedSignRanges.size(); ++i) {
                const Impl::IndexRange& r = d.closedSignRanges[i];
                if (!d.closedBooths[i] || r.count == 0) continue;
                glDrawElements(GL_TRIANGLES, r.count, GL_UNSIGNED_INT, reinterpret_cast<const void*>(r.first * sizeof(uint32_t)));
                d.stats.drawCalls++;
                d.stats.triangles += r.count / 3;
            }
        }
        glDisable(GL_POLYGON_OFFSET_FILL);
    }

    // Leave a plain state for whoever draws next (ImGui sets its own).
    glDepthMask(GL_TRUE);
    glDisable(GL_BLEND);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    glBindVertexArray(0);
    glUseProgram(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    if (!srgbWas) glDisable(GL_FRAMEBUFFER_SRGB);
    d.endGpuTimer();
    d.stats.gpuMs = d.lastGpuMs;
    for (GLenum e = glGetError(); e != GL_NO_ERROR && d.stats.glErrors < 16; e = glGetError()) d.stats.glErrors++;
}

FrameStats Renderer::lastFrameStats() const { return m_impl ? m_impl->stats : FrameStats{}; }

const std::vector<std::string>& Renderer::warnings() const {
    static const std::vector<std::string> kNone;
    return m_impl ? m_impl->warnings : kNone;
}

const std::vector<net::HallPart>& Renderer::hallParts() const {
    static const std::vector<net::HallPart> kNone;
    return m_impl ? m_impl->hallParts : kNone;
}

const std::vector<HallLabel>& Renderer::labels() const {
    static const std::vector<HallLabel> kNone;
    return m_impl ? m_impl->labels : kNone;
}

bool Renderer::readLabelCoverage(size_t i, std::vector<uint8_t>& coverage, int& width, int& height) const {
    if (!m_impl || i >= m_impl->labelSlots.size()) return false;
    const Impl& d = *m_impl;
    const Impl::AtlasSlot& s = d.labelSlots[i];
    if (s.page < 0 || size_t(s.page) >= d.atlasPages.size()) return false;
    const glm::ivec2 size = d.atlasPageSizes[size_t(s.page)];
    std::vector<uint8_t> page(size_t(size.x) * size_t(size.y));
    glBindTexture(GL_TEXTURE_2D, d.atlasPages[size_t(s.page)].id());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_RED, GL_UNSIGNED_BYTE, page.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    if (glGetError() != GL_NO_ERROR) return false;
    width = s.w;
    height = s.h;
    coverage.resize(size_t(s.w) * size_t(s.h));
    for (int row = 0; row < s.h; ++row)
        std::copy_n(page.data() + size_t(s.y + row) * size_t(size.x) + size_t(s.x), size_t(s.w),
                    coverage.data() + size_t(row) * size_t(s.w));
    return true;
}

size_t Renderer::gpuBytes() const {
    if (!m_impl) return 0;
    return m_impl->staticBytes + m_impl->labelBytes + m_impl->avatarInstanceBytes + m_impl->exhibitStreamBytes +
           size_t(m_impl->screenW) * size_t(m_impl->screenH) * 4 * 4 / 3 + sizeof(FrameBlock);
}

// --- the inspector -------------------------------------------------------------------------------

constexpr int kShadowMapSize = 2048;

bool Renderer::Impl::ensureShadowMap() {
    if (shadowFbo) return true;
    shadowMap = makeTexture();
    glBindTexture(GL_TEXTURE_2D, shadowMap.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_DEPTH_COMPONENT24, kShadowMapSize, kShadowMapSize, 0, GL_DEPTH_COMPONENT, GL_FLOAT, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_COMPARE_REF_TO_TEXTURE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_FUNC, GL_LEQUAL);
    glBindTexture(GL_TEXTURE_2D, 0);
    glGenFramebuffers(1, &shadowFbo);
    glBindFramebuffer(GL_FRAMEBUFFER, shadowFbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_TEXTURE_2D, shadowMap.id(), 0);
    glDrawBuffer(GL_NONE);
    glReadBuffer(GL_NONE);
    const bool ok = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    staticBytes += size_t(kShadowMapSize) * kShadowMapSize * 4;
    return ok;
}

namespace {

// The section plane in inspector space: keep dot(n, p) <= d. n = 0 when there is none.
glm::vec4 sectionPlane(const InspectorView& v) {
    if (v.sectionAxis < 0 || v.sectionAxis > 2) return glm::vec4(0);
    glm::vec3 n(0);
    n[v.sectionAxis] = v.sectionFlip ? -1.0f : 1.0f;
    return glm::vec4(n, v.sectionFlip ? -v.sectionOffset : v.sectionOffset);
}

// Möller-Trumbore: distance along the ray to the triangle, or -1.
float rayTriangle(glm::vec3 o, glm::vec3 d, glm::vec3 a, glm::vec3 b, glm::vec3 c) {
    const glm::vec3 e1 = b - a, e2 = c - a, p = glm::cross(d, e2);
    const float det = glm::dot(e1, p);
    if (std::abs(det) < 1e-12f) return -1;
    const float inv = 1.0f / det;
    const glm::vec3 t = o - a;
    const float u = glm::dot(t, p) * inv;
    if (u < 0 || u > 1) return -1;
    const glm::vec3 q = glm::cross(t, e1);
    const float v = glm::dot(d, q) * inv;
    if (v < 0 || u + v > 1) return -1;
    const float dist = glm::dot(e2, q) * inv;
    return dist > 0 ? dist : -1;
}

}  // namespace

int Renderer::pickExhibit(glm::vec3 origin, glm::vec3 dir) const {
    if (!m_impl) return -1;
    const Impl& d = *m_impl;
    dir = glm::normalize(dir);
    int best = -1;
    float bestT = 1e30f;
    for (size_t i = 0; i < d.exhibitSpheres.size(); ++i) {
        const glm::vec3 c(d.exhibitSpheres[i]);
        const float r = d.exhibitSpheres[i].w;
        const glm::vec3 oc = origin - c;
        const float b = glm::dot(oc, dir), q = glm::dot(oc, oc) - r * r;
        const float disc = b * b - q;
        if (disc < 0) continue;
        const float t = -b - std::sqrt(disc);
        const float hit = t > 0 ? t : (q < 0 ? 0.0f : -1.0f);
        if (hit >= 0 && hit < bestT) {
            bestT = hit;
            best = int(i);
        }
    }
    return best;
}

bool Renderer::inspectedExhibit(int instance, InspectedExhibit& out) const {
    if (!m_impl || instance < 0 || size_t(instance) >= m_impl->exhibitRefs.size()) return false;
    const Impl& d = *m_impl;
    const Impl::ExhibitRef& ref = d.exhibitRefs[size_t(instance)];
    const Impl::ExhibitCpu& cpu = d.exhibitCpu[size_t(ref.model)];
    out.booth = ref.booth;
    out.exhibit = ref.exhibit;
    out.size = cpu.boundsMax - cpu.boundsMin;
    out.radius = glm::length(out.size) * 0.5f;
    out.nodes = int(cpu.groupOffset.size());
    out.triangles = int(cpu.indices.size() / 3);
    out.placeholder = cpu.placeholder;
    out.hallCenter = glm::vec3(d.exhibitSpheres[size_t(instance)]);
    return true;
}

glm::mat4 Renderer::inspectorViewProj(const InspectorView& v, int width, int height) const {
    InspectedExhibit info;
    const float r = inspectedExhibit(v.instance, info) ? std::max(info.radius, 0.01f) : 1.0f;
    const float dist = glm::length(v.eye - v.target);
    const float nearZ = std::max(dist - 3.0f * r, r * 0.01f), farZ = dist + 3.0f * r;
    const glm::mat4 proj = glm::perspective(glm::radians(v.fovYDeg), float(width) / float(std::max(height, 1)), nearZ, farZ);
    return proj * glm::lookAt(v.eye, v.target, glm::vec3(0, 1, 0));
}

bool Renderer::pickInspector(const InspectorView& v, glm::vec3 origin, glm::vec3 dir, glm::vec3& hit) const {
    if (!m_impl || v.instance < 0 || size_t(v.instance) >= m_impl->exhibitRefs.size()) return false;
    const Impl& d = *m_impl;
    const Impl::ExhibitCpu& cpu = d.exhibitCpu[size_t(d.exhibitRefs[size_t(v.instance)].model)];
    const glm::vec3 center = (cpu.boundsMin + cpu.boundsMax) * 0.5f;
    const glm::vec4 plane = sectionPlane(v);
    const bool cut = plane.x != 0 || plane.y != 0 || plane.z != 0;
    dir = glm::normalize(dir);
    auto place = [&](uint32_t i) {
        glm::vec3 p = cpu.positions[i] - center;
        const uint8_t g = cpu.group[i];
        if (g < cpu.groupOffset.size()) p += cpu.groupOffset[g] * v.explode;
        return p;
    };
    // Where the ray enters the kept half: a surface hit before that point is cut away.
    float enter = 0;
    if (cut) {
        const glm::vec3 n(plane);
        const float side = glm::dot(n, origin) - plane.w, along = glm::dot(n, dir);
        if (side > 0) {
            if (along >= 0) return false;
            enter = -side / along;
        }
    }
    // Every crossing beyond the entry: back faces minus front faces tell whether the entry point
    // on the plane lies inside the part (the cut face is drawn there, by the same rule).
    float best = 1e30f;
    int winding = 0;
    for (size_t t = 0; t + 2 < cpu.indices.size(); t += 3) {
        const glm::vec3 a = place(cpu.indices[t]), b = place(cpu.indices[t + 1]), c = place(cpu.indices[t + 2]);
        const float dist = rayTriangle(origin, dir, a, b, c);
        if (dist < 0 || (cut && dist < enter)) continue;
        const bool front = glm::dot(glm::cross(b - a, c - a), dir) < 0;
        winding += front ? -1 : 1;
        if (dist < best && (front || !cut)) best = dist;
    }
    if (cut && winding != 0) {
        hit = origin + dir * enter;
        return true;
    }
    if (best >= 1e30f) return false;
    hit = origin + dir * best;
    return true;
}

void Renderer::renderInspector(const InspectorView& v, int width, int height) {
    if (!m_impl || width <= 0 || height <= 0) return;
    Impl& d = *m_impl;
    d.stats = {};
    const GLboolean srgbWas = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    glEnable(GL_FRAMEBUFFER_SRGB);
    glViewport(0, 0, width, height);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    glDepthMask(GL_TRUE);
    const glm::vec3 background = srgbToLinear(0x2B3138);
    glClearColor(background.r, background.g, background.b, 1.0f);
    glClearDepth(1.0);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    if (v.instance < 0 || size_t(v.instance) >= d.exhibitRefs.size()) {
        if (!srgbWas) glDisable(GL_FRAMEBUFFER_SRGB);
        return;
    }
    const Impl::ExhibitRef& ref = d.exhibitRefs[size_t(v.instance)];
    const Impl::ExhibitCpu& cpu = d.exhibitCpu[size_t(ref.model)];
    const Impl::ExhibitModel& model = d.exhibitModels[size_t(ref.model)];

    FrameBlock frame{};
    CameraView cam;
    cam.eye = v.eye;
    cam.target = v.target;
    d.fillFrame(frame, cam, -1);
    frame.viewProj = inspectorViewProj(v, width, height);
    frame.invViewProj = glm::inverse(frame.viewProj);
    frame.fog.w = 0;
    // The key light high and over the viewer's shoulder, so what the engineer looks at is lit
    // and the part's shadow falls on the floor beside it.
    const glm::vec3 toEye = glm::normalize(v.eye - v.target);
    frame.lightDir = glm::vec4(glm::normalize(toEye * 0.6f + glm::vec3(-0.35f, 1.2f, 0.1f)), 2.9f);
    frame.skyColor = glm::vec4(0.85f, 0.88f, 0.95f, 0);   // a bright studio, not the dim hall
    frame.groundColor = glm::vec4(0.42f, 0.40f, 0.38f, 0);
    frame.ibl.z = 1.0f;  // the hall's environment as it is: the key light above does the studio's work
    glBindBuffer(GL_UNIFORM_BUFFER, d.frameUbo.id());
    glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &frame);
    glBindBuffer(GL_UNIFORM_BUFFER, 0);
    glBindBufferBase(GL_UNIFORM_BUFFER, 0, d.frameUbo.id());
    d.bindLighting();

    glUseProgram(d.inspect.id());
    const GLuint prog = d.inspect.id();
    const glm::mat4 modelMatrix = glm::translate(glm::mat4(1.0f), -(cpu.boundsMin + cpu.boundsMax) * 0.5f);
    glUniformMatrix4fv(glGetUniformLocation(prog, "uModel"), 1, GL_FALSE, &modelMatrix[0][0]);
    glm::vec4 explode[64] = {};
    for (size_t g = 0; g < std::min<size_t>(63, cpu.groupOffset.size()); ++g) explode[g] = glm::vec4(cpu.groupOffset[g] * v.explode, 0);
    glUniform4fv(glGetUniformLocation(prog, "uExplode"), 64, &explode[0].x);
    const glm::vec4 plane = sectionPlane(v);
    glUniform4fv(glGetUniformLocation(prog, "uSection"), 1, &plane.x);
    const glm::vec3 cap = srgbToLinear(0xC9872E);  // the cut face: warm, unmistakably not a surface
    glUniform4f(glGetUniformLocation(prog, "uCapColor"), cap.r, cap.g, cap.b, 1.0f);
    const GLint pass = glGetUniformLocation(prog, "uPass");
    glUniform1i(pass, 0);

    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glDisable(GL_CULL_FACE);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(d.inspectVao.id());

    // The key light's shadow map: an orthographic view along the light over the (exploded) part
    // and the floor near it, the cut-away half left out like everywhere else.
    const float radius = glm::length(cpu.boundsMax - cpu.boundsMin) * 0.5f + 1e-3f;
    const float reach = radius * (1.0f + v.explode) * 1.6f;
    const glm::vec3 L(frame.lightDir);
    const glm::mat4 lightViewProj =
        glm::ortho(-reach, reach, -reach, reach, 0.0f, 4.0f * reach) *
        glm::lookAt(L * 2.0f * reach, glm::vec3(0), std::abs(L.y) > 0.95f ? glm::vec3(1, 0, 0) : glm::vec3(0, 1, 0));
    GLint drawFbo = 0, readFbo = 0, viewport[4] = {};
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &drawFbo);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &readFbo);
    glGetIntegerv(GL_VIEWPORT, viewport);
    const bool shadows = d.ensureShadowMap();
    glUniformMatrix4fv(glGetUniformLocation(prog, "uLightViewProj"), 1, GL_FALSE, &lightViewProj[0][0]);
    glUniform1i(glGetUniformLocation(prog, "uShadowMap"), 1);
    if (shadows) {
        glBindFramebuffer(GL_FRAMEBUFFER, d.shadowFbo);
        glViewport(0, 0, kShadowMapSize, kShadowMapSize);
        glClear(GL_DEPTH_BUFFER_BIT);
        FrameBlock lightFrame = frame;
        lightFrame.viewProj = lightViewProj;
        glBindBuffer(GL_UNIFORM_BUFFER, d.frameUbo.id());
        glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &lightFrame);
        glUniform1i(pass, 1);
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(2.0f, 4.0f);
        for (const Impl::ExhibitDraw& draw : model.lods[0].draws)
            glDrawElementsBaseVertex(GL_TRIANGLES, draw.indexCount, GL_UNSIGNED_INT,
                                     reinterpret_cast<const void*>(draw.indexOffset), draw.baseVertex);
        glDisable(GL_POLYGON_OFFSET_FILL);
        glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof(FrameBlock), &frame);
        glBindBuffer(GL_UNIFORM_BUFFER, 0);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(drawFbo));
        glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(readFbo));
        glUniform1i(pass, 0);
    }
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(drawFbo));  // also after a first-time creation
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(readFbo));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, d.shadowMap.id());
    glActiveTexture(GL_TEXTURE0);
    auto drawAll = [&] {
        for (const Impl::ExhibitDraw& draw : model.lods[0].draws) {
            glBindTexture(GL_TEXTURE_2D, draw.texture >= 0 ? d.exhibitTextures[size_t(draw.texture)].id() : d.white.id());
            glDrawElementsBaseVertex(GL_TRIANGLES, draw.indexCount, GL_UNSIGNED_INT,
                                     reinterpret_cast<const void*>(draw.indexOffset), draw.baseVertex);
            d.stats.drawCalls++;
            d.stats.triangles += draw.indexCount / 3;
        }
    };
    if (v.wireframe) {
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(1.0f, 1.0f);
    }
    drawAll();
    if (v.wireframe) glDisable(GL_POLYGON_OFFSET_FILL);
    {
        // The studio floor just under the (exploded) part, blended out at its edge.
        const float floorY = -(cpu.boundsMax.y - cpu.boundsMin.y) * 0.5f * (1.0f + v.explode) - 1e-3f;
        const float fr = radius * 2.5f;
        ModelVertex quad[4] = {};
        const glm::vec2 corners[4] = {{-fr, -fr}, {fr, -fr}, {fr, fr}, {-fr, fr}};
        for (int k = 0; k < 4; ++k) {
            quad[k].pos[0] = corners[k].x;
            quad[k].pos[1] = floorY;
            quad[k].pos[2] = corners[k].y;
            quad[k].normal[1] = 1;
            quad[k].material[3] = 63;  // a group never exploded
        }
        glBindVertexArray(d.capVao.id());
        glBindBuffer(GL_ARRAY_BUFFER, d.capVbo.id());
        glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STREAM_DRAW);
        const glm::mat4 identity(1.0f);
        glUniformMatrix4fv(glGetUniformLocation(prog, "uModel"), 1, GL_FALSE, &identity[0][0]);
        glUniform1f(glGetUniformLocation(prog, "uFloorRadius"), fr);
        glUniform1i(pass, 4);
        glEnable(GL_BLEND);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glDrawArrays(GL_TRIANGLE_FAN, 0, 4);
        glDisable(GL_BLEND);
        d.stats.drawCalls++;
        d.stats.triangles += 2;
        glUniformMatrix4fv(glGetUniformLocation(prog, "uModel"), 1, GL_FALSE, &modelMatrix[0][0]);
        glUniform1i(pass, 0);
        glBindVertexArray(d.inspectVao.id());
    }
    if (v.wireframe) {
        glPolygonMode(GL_FRONT_AND_BACK, GL_LINE);
        glUniform1i(pass, 3);
        drawAll();
        glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
    }
    if (plane.x != 0 || plane.y != 0 || plane.z != 0) {
        // The cut face: count, per pixel, back faces minus front faces of the kept half (the
        // non-zero rule: overlapping parts count as one solid); where the count is not zero the
        // plane lies inside the part and a quad on the plane is drawn there.
        glEnable(GL_STENCIL_TEST);
        glClearStencil(0);
        glClear(GL_STENCIL_BUFFER_BIT);
        glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
        glDepthMask(GL_FALSE);
        glDisable(GL_DEPTH_TEST);
        glStencilFunc(GL_ALWAYS, 0, 0xFF);
        glStencilOpSeparate(GL_BACK, GL_KEEP, GL_KEEP, GL_INCR_WRAP);
        glStencilOpSeparate(GL_FRONT, GL_KEEP, GL_KEEP, GL_DECR_WRAP);
        glUniform1i(pass, 1);
        drawAll();
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        glDepthMask(GL_TRUE);
        glEnable(GL_DEPTH_TEST);
        glStencilFunc(GL_NOTEQUAL, 0, 0xFF);
        glStencilOp(GL_KEEP, GL_KEEP, GL_KEEP);
        // A square on the plane, larger than the (exploded) part.
        const glm::vec3 n(plane);
        const glm::vec3 a = std::abs(n.x) > 0.5f ? glm::vec3(0, 1, 0) : glm::vec3(1, 0, 0);
        const glm::vec3 u = glm::normalize(glm::cross(n, a)), w = glm::cross(n, u);
        const float r = glm::length(cpu.boundsMax - cpu.boundsMin) * 2.0f + 0.01f;
        const glm::vec3 o = n * plane.w;
        ModelVertex quad[4] = {};
        const glm::vec3 corners[4] = {o - u * r - w * r, o + u * r - w * r, o + u * r + w * r, o - u * r + w * r};
        for (int k = 0; k < 4; ++k) {
            for (int c = 0; c < 3; ++c) {
                quad[k].pos[c] = corners[k][c];
                quad[k].normal[c] = n[c];
            }
            quad[k].material[3] = 63;  // a group never exploded
        }
        glBindVertexArray(d.capVao.id());
        glBindBuffer(GL_ARRAY_BUFFER, d.capVbo.id());
        glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STREAM_DRAW);
        const glm::mat4 identity(1.0f);
        glUniformMatrix4fv(glGetUniformLocation(prog, "uModel"), 1, GL_FALSE, &identity[0][0]);
        glUniform1i(pass, 2);
        glDrawArrays(GL_TRIANGLE_FAN, 0, 4);
        d.stats.drawCalls++;
        d.stats.triangles += 2;
        glDisable(GL_STENCIL_TEST);
    }
    glBindTexture(GL_TEXTURE_2D, d.white.id());
    glBindVertexArray(0);
    glUseProgram(0);
    glDisable(GL_DEPTH_TEST);
    for (GLenum e = glGetError(); e != GL_NO_ERROR && d.stats.glErrors < 16; e = glGetError()) d.stats.glErrors++;
    if (!srgbWas) glDisable(GL_FRAMEBUFFER_SRGB);
}

LightingInfo Renderer::lighting() const { return m_impl ? m_impl->lightingInfo : LightingInfo{}; }

bool Renderer::readPrefilteredEnvironment(int face, int mip, std::vector<float>& rgb, int& size) const {
    return m_impl && m_impl->ibl.readPrefiltered(face, mip, rgb, size);
}

void Renderer::shutdown() { m_impl.reset(); }

}  // namespace client
