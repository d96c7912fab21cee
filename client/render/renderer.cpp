// renderer.cpp: GPU resources and the frame: sky, static hall batch, contact shadows, instanced
// exhibits, instanced avatars with their floor blobs, text labels.
#include <epoxy/gl.h>

#include "client/render/renderer.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <map>

#include <glm/gtc/matrix_transform.hpp>

#include "client/render/detail/avatar_mesh.h"
#include "client/render/detail/gl.h"
#include "client/render/detail/hall_mesh.h"
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
constexpr float kPlaceholderSize = 0.35f;
constexpr float kFlatRatio = 0.4f;           // height below this x width: a flat part, stood up
constexpr float kStandUpDegrees = 78.0f;

constexpr float kHallChunkSize = 10.0f;      // metres: the static batch is cut into cells this big for culling

constexpr float kLabelPixelsPerMetre = 170.0f;
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
    glm::vec4 roleColor[4];
    glm::vec4 roleAccent[4];
};
static_assert(sizeof(FrameBlock) == 2 * 64 + 9 * 16 + 128 * 16 + 8 * 16);

struct LabelVertex {
    float pos[3];
    float normal[3];
    float uv[2];
    uint8_t ink[4];
    uint8_t params[4];  // emissive, unused...
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
    float pose[4];     // phase, role + 4 * look (skin/trousers variant 0..15), anim, self
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
    GlProgram litStatic, litExhibit, avatar, label, blob, sky, shadow;
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
    struct ExhibitModel {
        std::vector<ExhibitDraw> draws;
        uint32_t firstInstance = 0, instanceCount = 0;
    };
    GlVertexArray exhibitVao;
    GlBuffer exhibitVbo, exhibitIbo, exhibitInstanceVbo;  // instances in view, streamed each frame
    std::vector<ExhibitModel> exhibitModels;
    std::vector<GlTexture> exhibitTextures;
    std::vector<ExhibitInstance> exhibitInstances;        // all of them, grouped by model
    std::vector<glm::vec4> exhibitSpheres;                // world bounding sphere per instance
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
    litStatic = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "", error);
    if (!litStatic) return false;
    litExhibit = buildProgram({"common.glsl", "lit.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "#define EXHIBIT 1", error);
    if (!litExhibit) return false;
    avatar = buildProgram({"common.glsl", "avatar.vert.glsl"}, {"common.glsl", "lit.frag.glsl"}, "", error);
    if (!avatar) return false;
    label = buildProgram({"common.glsl", "label.vert.glsl"}, {"common.glsl", "label.frag.glsl"}, "", error);
    if (!label) return false;
    blob = buildProgram({"common.glsl", "blob.vert.glsl"}, {"common.glsl", "blob.frag.glsl"}, "", error);
    if (!blob) return false;
    sky = buildProgram({"common.glsl", "sky.vert.glsl"}, {"common.glsl", "sky.frag.glsl"}, "", error);
    if (!sky) return false;
    shadow = buildProgram({"common.glsl", "shadow.vert.glsl"}, {"common.glsl", "shadow.frag.glsl"}, "", error);
    return bool(shadow);
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
    constexpr GLsizei hs = sizeof(HallVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, hs, offsetof(HallVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, hs, offsetof(HallVertex, normal));
    setFloatAttrib(2, 4, GL_UNSIGNED_BYTE, true, hs, offsetof(HallVertex, color));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, hs, offsetof(HallVertex, material));
    setIntAttrib(4, 1, GL_SHORT, hs, offsetof(HallVertex, booth));
    d.hallIndexCount = GLsizei(mesh.indices.size());
    glBindVertexArray(0);

    d.buildShadows(mesh.shadows);
    d.buildExhibits(mesh.exhibits, desc.assetsDir);
    d.buildAvatars();
    d.labelPlacements = std::move(mesh.labels);
    d.buildLabels();
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
    // Load each distinct file once; a failure becomes the shared placeholder box.
    std::map<std::string, int> modelOf;
    std::vector<LoadedModel> models;
    int placeholder = -1;
    std::vector<int> modelForPlacement;
    for (const ExhibitPlacement& p : placements) {
        auto it = modelOf.find(p.asset);
        if (it == modelOf.end()) {
            LoadedModel m;
            std::string err;
            const std::string path = (std::filesystem::path(assetsDir) / p.asset).string();
            int id = -1;
            if (p.asset.empty()) err = "an exhibit has no model file";
            if (!p.asset.empty() && loadModel(path, m, &err)) {
                id = int(models.size());
                if (!m.note.empty()) warnings.push_back(path + ": " + m.note);
                models.push_back(std::move(m));
            } else {
                warnings.push_back(err + "; showing a placeholder box (booth " +
                                   std::to_string(p.booth) + ", exhibit " + std::to_string(p.exhibit) + ")");
                if (placeholder < 0) {
                    makePlaceholderModel(m, kPlaceholderSize);
                    placeholder = int(models.size());
                    models.push_back(std::move(m));
                }
                id = placeholder;
            }
            it = modelOf.emplace(p.asset, id).first;
        }
        modelForPlacement.push_back(it->second);
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
        const GLint baseVertex = GLint(vertices.size());
        const size_t baseIndex = indices.size();
        vertices.insert(vertices.end(), m.vertices.begin(), m.vertices.end());
        indices.insert(indices.end(), m.indices.begin(), m.indices.end());
        for (const ModelPart& part : m.parts) {
            ExhibitDraw draw;
            draw.indexCount = GLsizei(part.indexCount);
            draw.indexOffset = (baseIndex + part.firstIndex) * sizeof(uint32_t);
            draw.baseVertex = baseVertex;
            draw.texture = part.image >= 0 ? textureBase + part.image : -1;
            em.draws.push_back(draw);
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
            auto quad = [&](glm::vec3 c, glm::vec3 right, glm::vec3 n) {
                const uint32_t base = uint32_t(vertices.size());
                const glm::vec3 r = right * (p.width * 0.5f), u = p.up * (p.height * 0.5f);
                const glm::vec3 corners[4] = {c - r - u, c + r - u, c + r + u, c - r + u};
                const float uvs[4][2] = {{u0, v1}, {u1, v1}, {u1, v0}, {u0, v0}};
                for (int k = 0; k < 4; ++k) {
                    LabelVertex v{};
                    v.pos[0] = corners[k].x; v.pos[1] = corners[k].y; v.pos[2] = corners[k].z;
                    v.normal[0] = n.x; v.normal[1] = n.y; v.normal[2] = n.z;
                    v.uv[0] = uvs[k][0]; v.uv[1] = uvs[k][1];
                    v.ink[0] = uint8_t(p.ink >> 16); v.ink[1] = uint8_t(p.ink >> 8); v.ink[2] = uint8_t(p.ink); v.ink[3] = 255;
                    v.params[0] = uint8_t(std::lround(std::clamp(p.emissive, 0.0f, 1.0f) * 255.0f));
                    vertices.push_back(v);
                }
                indices.insert(indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
            };
            quad(p.center, p.right, p.normal);
            if (p.twoSided) quad(p.backCenter, -p.right, -p.normal);
        }
        draw.count = GLsizei(indices.size() - draw.offset / sizeof(uint32_t));
        if (draw.count > 0) labelDraws.push_back(draw);
    }
    labelVao = makeVertexArray();
    glBindVertexArray(labelVao.id());
    labelBytes += upload(labelVbo, GL_ARRAY_BUFFER, vertices);
    labelBytes += upload(labelIbo, GL_ELEMENT_ARRAY_BUFFER, indices);
    constexpr GLsizei ls = sizeof(LabelVertex);
    setFloatAttrib(0, 3, GL_FLOAT, false, ls, offsetof(LabelVertex, pos));
    setFloatAttrib(1, 3, GL_FLOAT, false, ls, offsetof(LabelVertex, normal));
    setFloatAttrib(2, 2, GL_FLOAT, false, ls, offsetof(LabelVertex, uv));
    setFloatAttrib(3, 4, GL_UNSIGNED_BYTE, true, ls, offsetof(LabelVertex, ink));
    setFloatAttrib(4, 4, GL_UNSIGNED_BYTE, true, ls, offsetof(LabelVertex, params));
    glBindVertexArray(0);
}

void Renderer::setLanguage(bool chinese) {
    if (!m_impl || m_impl->chinese == chinese) return;
    m_impl->chinese = chinese;
    m_impl->buildLabels();
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
    const uint32_t roles[4] = {0x2F6FD0, 0xE8822A, 0x2E9E5B, 0xB0203A};
    const uint32_t accents[4] = {0xF2F2F2, 0xF2F2F2, 0xF2F2F2, 0xD4A437};
    for (int i = 0; i < 4; ++i) {
        f.roleColor[i] = glm::vec4(srgbToLinear(roles[i]), 1);
        f.roleAccent[i] = glm::vec4(srgbToLinear(accents[i]), 1);
    }
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
    glActiveTexture(GL_TEXTURE0);

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
        std::vector<uint32_t> firstVisible(d.exhibitModels.size()), visibleCount(d.exhibitModels.size());
        for (size_t mi = 0; mi < d.exhibitModels.size(); ++mi) {
            const Impl::ExhibitModel& m = d.exhibitModels[mi];
            firstVisible[mi] = uint32_t(d.exhibitScratch.size());
            for (uint32_t k = m.firstInstance; k < m.firstInstance + m.instanceCount; ++k) {
                const glm::vec4& sphere = d.exhibitSpheres[k];
                if (!sphereInFrustum(frustum, glm::vec3(sphere), sphere.w)) {
                    d.stats.exhibitsCulled++;
                    continue;
                }
                d.exhibitScratch.push_back(d.exhibitInstances[k]);
            }
            visibleCount[mi] = uint32_t(d.exhibitScratch.size()) - firstVisible[mi];
            d.stats.exhibitsDrawn += int(visibleCount[mi]);
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
            const uint32_t instanceCount = visibleCount[mi];
            if (instanceCount == 0) continue;
            const size_t first = size_t(firstVisible[mi]) * is;
            for (GLuint r = 0; r < 3; ++r) setFloatAttrib(6 + r, 4, GL_FLOAT, false, is, first + r * 16, 1);
            setFloatAttrib(9, 1, GL_FLOAT, false, is, first + offsetof(ExhibitInstance, booth), 1);
            for (const Impl::ExhibitDraw& draw : m.draws) {
                glBindTexture(GL_TEXTURE_2D, draw.texture >= 0 ? d.exhibitTextures[size_t(draw.texture)].id() : d.white.id());
                glDrawElementsInstancedBaseVertex(GL_TRIANGLES, draw.indexCount, GL_UNSIGNED_INT,
                                                  reinterpret_cast<const void*>(draw.indexOffset), GLsizei(instanceCount),
                                                  draw.baseVertex);
                d.stats.drawCalls++;
                d.stats.exhibitDraws++;
                d.stats.triangles += int64_t(draw.indexCount / 3) * instanceCount;
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
                {a.animPhase, float(std::min<int>(int(a.role), 3)) + 4.0f * look, float(int(a.anim)), a.self ? 1.0f : 0.0f}};
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

    // Text over its panels: alpha-blended, pulled forward a little against z-fighting.
    if (!d.labelDraws.empty()) {
        glDisable(GL_CULL_FACE);
        glDepthMask(GL_FALSE);
        glEnable(GL_BLEND);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(-1.0f, -2.0f);
        glUseProgram(d.label.id());
        glBindVertexArray(d.labelVao.id());
        for (const Impl::LabelDraw& draw : d.labelDraws) {
            glBindTexture(GL_TEXTURE_2D, draw.page);
            glDrawElements(GL_TRIANGLES, draw.count, GL_UNSIGNED_INT, reinterpret_cast<const void*>(draw.offset));
            d.stats.drawCalls++;
            d.stats.triangles += draw.count / 3;
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
           sizeof(FrameBlock);
}

void Renderer::shutdown() { m_impl.reset(); }

}  // namespace client
