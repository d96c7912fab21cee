// net/asset/baked.cpp: the .dhm writer (bake) and reader (readBaked, decodeMesh).
//
// File layout (little-endian):
//   "DHM" 0x1A, u32 version, u32 flags (0), f32 boundsMin[3], f32 boundsMax[3]
//   u32 nodeCount     { str name, i32 parent }
//   u32 textureCount  { str name, u8 format, u32 width, u32 height, blob bytes }
//   u32 materialCount { str name, f32 baseColor[4], f32 metallic, f32 roughness, f32 emissive[3],
//                       i32 baseColorTexture, i32 metallicRoughnessTexture, i32 normalTexture }
//   u32 meshCount     { str name, u32 node, i32 material, u32 vertexCount, u8 hasUvs,
//                       f32 posMin[3], f32 posScale[3], f32 uvMin[2], f32 uvScale[2],
//                       f32 boundsMin[3], f32 boundsMax[3], blob vertexStream, [blob uvStream],
//                       u32 lodCount { u32 indexCount, f32 error, blob indices } }
//   32 bytes: BLAKE2b-256 of everything before
// str = u16 length + UTF-8 bytes; blob = u32 length + bytes.
#include "net/asset/baked.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <meshoptimizer.h>

namespace net::asset {

namespace {

constexpr uint8_t kMagic[4] = {'D', 'H', 'M', 0x1A};
constexpr size_t kHashBytes = 32;
constexpr float kMaxExtentMetres = 10'000.0f;  // a part larger than 10 km is a unit mistake
constexpr unsigned kCacheSize = 16;            // post-transform cache entries the order is made for

void fail(std::string* error, const std::string& message) {
    if (error) *error = message;
}

// --- writing -----------------------------------------------------------------------------------

struct Writer {
    std::vector<uint8_t>& out;
    void bytes(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        out.insert(out.end(), b, b + n);
    }
    void u8(uint8_t v) { out.push_back(v); }
    void u16(uint16_t v) { bytes(&v, 2); }
    void u32(uint32_t v) { bytes(&v, 4); }
    void i32(int32_t v) { bytes(&v, 4); }
    void f32(float v) { bytes(&v, 4); }
    void str(const std::string& s) {
        u16(uint16_t(s.size()));
        bytes(s.data(), s.size());
    }
    void blob(std::span<const uint8_t> b) {
        u32(uint32_t(b.size()));
        bytes(b.data(), b.size());
    }
};

// --- reading -----------------------------------------------------------------------------------

struct Reader {
    std::span<const uint8_t> in;
    size_t pos = 0;
    std::string what;  // what was being read when it failed
    bool ok = true;

    bool need(size_t n, const char* field) {
        if (!ok) return false;
        if (n > in.size() - pos) {
            ok = false;
            what = std::string("truncated: ") + field + " runs past the end at byte " + std::to_string(pos);
        }
        return ok;
    }
    template <class T>
    T scalar(const char* field) {
        T v{};
        if (need(sizeof(T), field)) {
            std::memcpy(&v, in.data() + pos, sizeof(T));
            pos += sizeof(T);
        }
        return v;
    }
    uint8_t u8(const char* f) { return scalar<uint8_t>(f); }
    uint32_t u32(const char* f) { return scalar<uint32_t>(f); }
    int32_t i32(const char* f) { return scalar<int32_t>(f); }
    float f32(const char* f) {
        const float v = scalar<float>(f);
        if (ok && !std::isfinite(v)) {
            ok = false;
            what = std::string(f) + " is not a finite number";
        }
        return v;
    }
    std::string str(const char* field, uint32_t maxBytes) {
        const uint16_t n = scalar<uint16_t>(field);
        if (ok && n > maxBytes) {
            ok = false;
            what = std::string(field) + " is " + std::to_string(n) + " bytes (limit " + std::to_string(maxBytes) + ")";
        }
        if (!need(n, field)) return {};
        std::string s(reinterpret_cast<const char*>(in.data() + pos), n);
        pos += n;
        return s;
    }
    std::span<const uint8_t> blob(const char* field) {
        const uint32_t n = u32(field);
        if (!need(n, field)) return {};
        auto s = in.subspan(pos, n);
        pos += n;
        return s;
    }
    bool check(bool cond, const std::string& message) {
        if (ok && !cond) {
            ok = false;
            what = message;
        }
        return ok;
    }
};

// --- geometry helpers --------------------------------------------------------------------------

void octEncode(const float n[3], int8_t out[2]) {
    const float l1 = std::fabs(n[0]) + std::fabs(n[1]) + std::fabs(n[2]);
    float x = l1 > 0 ? n[0] / l1 : 0, y = l1 > 0 ? n[1] / l1 : 1;
    if (l1 > 0 && n[2] < 0) {
        const float ox = (1 - std::fabs(y)) * (x >= 0 ? 1.f : -1.f);
        const float oy = (1 - std::fabs(x)) * (y >= 0 ? 1.f : -1.f);
        x = ox;
        y = oy;
    }
    out[0] = int8_t(std::lround(std::clamp(x, -1.f, 1.f) * 127.f));
    out[1] = int8_t(std::lround(std::clamp(y, -1.f, 1.f) * 127.f));
}

void octDecode(const int8_t in[2], float n[3]) {
    float x = std::max(in[0] / 127.f, -1.f), y = std::max(in[1] / 127.f, -1.f);
    float z = 1.f - std::fabs(x) - std::fabs(y);
    if (z < 0) {
        const float ox = (1 - std::fabs(y)) * (x >= 0 ? 1.f : -1.f);
        const float oy = (1 - std::fabs(x)) * (y >= 0 ? 1.f : -1.f);
        x = ox;
        y = oy;
    }
    const float len = std::sqrt(x * x + y * y + z * z);
    n[0] = x / len;
    n[1] = y / len;
    n[2] = z / len;
}

uint16_t quantize(float v, float mn, float scale) {
    if (scale <= 0) return 0;
    return uint16_t(std::lround(std::clamp((v - mn) / scale, 0.f, 1.f) * 65535.f));
}

// A mesh made ready for quantization: finite, triangles with area, normals present.
struct CleanMesh {
    std::vector<float> pos, nrm, uv;
    std::vector<uint32_t> idx;
};

bool finite3(const float* p) { return std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]); }

bool cleanMesh(const SourceMesh& m, size_t meshIndex, CleanMesh& c, BakeStats& st, std::string* error) {
    const std::string label = "mesh " + std::to_string(meshIndex) + (m.name.empty() ? "" : " (" + m.name + ")");
    const size_t vc = m.positions.size() / 3;
    if (m.positions.size() % 3 || (!m.normals.empty() && m.normals.size() != m.positions.size()) ||
        (!m.uvs.empty() && m.uvs.size() != vc * 2)) {
        fail(error, label + ": attribute arrays of different lengths");
        return false;
    }
    st.inputTriangles += m.indices.size() / 3;
    c.pos = m.positions;
    c.uv = m.uvs;
    bool dropped = false;
    for (size_t t = 0; t + 2 < m.indices.size(); t += 3) {
        const uint32_t a = m.indices[t], b = m.indices[t + 1], d = m.indices[t + 2];
        if (a >= vc || b >= vc || d >= vc) {
            fail(error, label + ": triangle " + std::to_string(t / 3) + " refers to a vertex that does not exist");
            return false;
        }
        const float* pa = &c.pos[a * 3];
        const float* pb = &c.pos[b * 3];
        const float* pd = &c.pos[d * 3];
        if (!finite3(pa) || !finite3(pb) || !finite3(pd)) {
            dropped = true;
            ++st.degenerateRemoved;
            continue;
        }
        const double e1[3] = {double(pb[0]) - pa[0], double(pb[1]) - pa[1], double(pb[2]) - pa[2]};
        const double e2[3] = {double(pd[0]) - pa[0], double(pd[1]) - pa[1], double(pd[2]) - pa[2]};
        const double cx = e1[1] * e2[2] - e1[2] * e2[1], cy = e1[2] * e2[0] - e1[0] * e2[2],
                     cz = e1[0] * e2[1] - e1[1] * e2[0];
        if (a == b || b == d || a == d || cx * cx + cy * cy + cz * cz <= 1e-30) {
            ++st.degenerateRemoved;
            continue;
        }
        c.idx.insert(c.idx.end(), {a, b, d});
    }
    if (dropped) st.repairs.push_back(label + ": triangles with non-finite coordinates dropped");
    // Normals: keep good ones, generate area-weighted ones where missing or broken.
    bool needNormals = m.normals.empty();
    c.nrm = m.normals;
    if (!needNormals)
        for (size_t v = 0; v < vc && !needNormals; ++v) {
            const float* n = &c.nrm[v * 3];
            needNormals = !finite3(n) || n[0] * n[0] + n[1] * n[1] + n[2] * n[2] < 1e-12f;
        }
    if (needNormals) {
        st.repairs.push_back(label + ": normals generated");
        c.nrm.assign(vc * 3, 0.f);
        for (size_t t = 0; t < c.idx.size(); t += 3) {
            const float* p0 = &c.pos[c.idx[t] * 3];
            const float* p1 = &c.pos[c.idx[t + 1] * 3];
            const float* p2 = &c.pos[c.idx[t + 2] * 3];
            const float e1[3] = {p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
            const float e2[3] = {p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]};
            const float n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
            for (int k = 0; k < 3; ++k)
                for (int j = 0; j < 3; ++j) c.nrm[c.idx[t + k] * 3 + j] += n[j];
        }
    }
    for (size_t v = 0; v < vc; ++v) {
        float* n = &c.nrm[v * 3];
        const float len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (!(len > 0) || !std::isfinite(len)) {
            n[0] = 0; n[1] = 1; n[2] = 0;
        } else {
            n[0] /= len; n[1] /= len; n[2] /= len;
        }
    }
    for (float& u : c.uv)
        if (!std::isfinite(u)) u = 0;
    return true;
}

// Bakes one cleaned mesh into `bm` + its encoded streams.
struct EncodedMesh {
    BakedMesh mesh;
    std::vector<uint8_t> vertexStream, uvStream;
    std::vector<std::vector<uint8_t>> lodStreams;
};

void bakeMesh(const CleanMesh& c, const BakeOptions& opt, EncodedMesh& em, BakeStats& st) {
    BakedMesh& bm = em.mesh;
    const size_t vc = c.pos.size() / 3;
    // Bounds over the vertices triangles use.
    float mn[3] = {1e30f, 1e30f, 1e30f}, mx[3] = {-1e30f, -1e30f, -1e30f};
    for (uint32_t i : c.idx)
        for (int k = 0; k < 3; ++k) {
            mn[k] = std::min(mn[k], c.pos[i * 3 + k]);
            mx[k] = std::max(mx[k], c.pos[i * 3 + k]);
        }
    float uvMn[2] = {0, 0}, uvMx[2] = {0, 0};
    bm.hasUvs = !c.uv.empty();
    if (bm.hasUvs) {
        uvMn[0] = uvMn[1] = 1e30f;
        uvMx[0] = uvMx[1] = -1e30f;
        for (uint32_t i : c.idx)
            for (int k = 0; k < 2; ++k) {
                uvMn[k] = std::min(uvMn[k], c.uv[i * 2 + k]);
                uvMx[k] = std::max(uvMx[k], c.uv[i * 2 + k]);
            }
    }
    for (int k = 0; k < 3; ++k) {
        bm.posMin[k] = mn[k];
        bm.posScale[k] = mx[k] - mn[k];
        bm.boundsMin[k] = mn[k];
        bm.boundsMax[k] = mx[k];
    }
    for (int k = 0; k < 2; ++k) {
        bm.uvMin[k] = uvMn[k];
        bm.uvScale[k] = uvMx[k] - uvMn[k];
    }
    // Quantize every vertex.
    std::vector<uint8_t> main(vc * kVertexStride, 0);
    std::vector<uint16_t> uvq(bm.hasUvs ? vc * 2 : 0);
    for (size_t v = 0; v < vc; ++v) {
        uint16_t q[3];
        for (int k = 0; k < 3; ++k) q[k] = quantize(c.pos[v * 3 + k], mn[k], bm.posScale[k]);
        int8_t o[2];
        octEncode(&c.nrm[v * 3], o);
        std::memcpy(&main[v * kVertexStride], q, 6);
        std::memcpy(&main[v * kVertexStride + 6], o, 2);
        if (bm.hasUvs)
            for (int k = 0; k < 2; ++k) uvq[v * 2 + k] = quantize(c.uv[v * 2 + k], uvMn[k], bm.uvScale[k]);
    }
    // Weld vertices identical after quantization, drop unreferenced ones.
    std::vector<meshopt_Stream> streams = {{main.data(), kVertexStride, kVertexStride}};
    if (bm.hasUvs) streams.push_back({uvq.data(), 4, 4});
    std::vector<uint32_t> remap(vc);
    const size_t unique = meshopt_generateVertexRemapMulti(remap.data(), c.idx.data(), c.idx.size(), vc, streams.data(),
                                                           streams.size());
    std::vector<uint32_t> idx(c.idx.size());
    meshopt_remapIndexBuffer(idx.data(), c.idx.data(), c.idx.size(), remap.data());
    std::vector<uint8_t> mainU(unique * kVertexStride);
    meshopt_remapVertexBuffer(mainU.data(), main.data(), vc, kVertexStride, remap.data());
    std::vector<uint16_t> uvU(bm.hasUvs ? unique * 2 : 0);
    if (bm.hasUvs) meshopt_remapVertexBuffer(uvU.data(), uvq.data(), vc, 4, remap.data());
    std::vector<float> posU(unique * 3);
    meshopt_remapVertexBuffer(posU.data(), c.pos.data(), vc, 12, remap.data());

    // LOD 0: vertex cache order (for a 16-entry FIFO, the model ACMR is measured against); then
    // the chain, each level simplified from the one before. Each is given only the vertices the
    // level before still uses, renumbered in the order its triangles first use them: the
    // simplifier's work grows with the vertex count it is given, and its passes over vertices and
    // triangles then walk memory in order. 1.7 times faster at 1 M triangles (docs/performance.md);
    // vertex clustering (meshopt_simplifySloppy) for the far levels would add 15 % more speed for
    // 5 times the error, so it is not used.
    std::vector<std::vector<uint32_t>> lods(1);
    lods[0].resize(idx.size());
    meshopt_optimizeVertexCacheFifo(lods[0].data(), idx.data(), idx.size(), unique, kCacheSize);
    std::vector<float> errors = {0.f};
    const float scale = meshopt_simplifyScale(posU.data(), unique, 12);
    timespec c0{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    const auto t0 = std::chrono::steady_clock::now();
    while (int(lods.size()) < opt.maxLods) {
        const std::vector<uint32_t>& prev = lods.back();
        const size_t target = size_t(double(prev.size() / 3) * opt.lodRatio) * 3;
        if (target / 3 < opt.minLodTriangles) break;
        std::vector<uint32_t> toSub(unique);
        const size_t subCount = meshopt_optimizeVertexFetchRemap(toSub.data(), prev.data(), prev.size(), unique);
        std::vector<uint32_t> prevSub(prev.size()), fromSub(subCount);
        meshopt_remapIndexBuffer(prevSub.data(), prev.data(), prev.size(), toSub.data());
        std::vector<float> posSub(subCount * 3);
        meshopt_remapVertexBuffer(posSub.data(), posU.data(), unique, 12, toSub.data());
        for (size_t v = 0; v < unique; ++v)
            if (toSub[v] != ~0u) fromSub[toSub[v]] = uint32_t(v);
        std::vector<uint32_t> next(prev.size());
        float err = 0;
        next.resize(meshopt_simplify(next.data(), prevSub.data(), prevSub.size(), posSub.data(), subCount, 12, target,
                                     0.05f, 0, &err));
        if (next.empty() || next.size() > prev.size() * 85 / 100) break;  // the simplifier is stuck
        meshopt_optimizeVertexCacheFifo(next.data(), next.data(), next.size(), subCount, kCacheSize);
        for (uint32_t& i : next) i = fromSub[i];
        errors.push_back(errors.back() + err * scale);
        lods.push_back(std::move(next));
    }
    st.lodMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    timespec c1{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    st.lodCpuMs += double(c1.tv_sec - c0.tv_sec) * 1e3 + double(c1.tv_nsec - c0.tv_nsec) / 1e6;

    // Vertex fetch order of LOD 0 (coarser levels use a subset of its vertices).
    std::vector<uint32_t> fetch(unique);
    const size_t used = meshopt_optimizeVertexFetchRemap(fetch.data(), lods[0].data(), lods[0].size(), unique);
    for (auto& l : lods) meshopt_remapIndexBuffer(l.data(), l.data(), l.size(), fetch.data());
    std::vector<uint8_t> mainF(used * kVertexStride);
    meshopt_remapVertexBuffer(mainF.data(), mainU.data(), unique, kVertexStride, fetch.data());
    std::vector<uint16_t> uvF(bm.hasUvs ? used * 2 : 0);
    if (bm.hasUvs) meshopt_remapVertexBuffer(uvF.data(), uvU.data(), unique, 4, fetch.data());
    bm.vertexCount = uint32_t(used);

    const meshopt_VertexCacheStatistics cs = meshopt_analyzeVertexCache(lods[0].data(), lods[0].size(), used, kCacheSize, 0, 0);
    st.acmr += cs.acmr * double(lods[0].size() / 3);  // weighted; divided by the total later
    st.triangles += lods[0].size() / 3;
    st.vertices += used;

    em.vertexStream.resize(meshopt_encodeVertexBufferBound(used, kVertexStride));
    em.vertexStream.resize(meshopt_encodeVertexBuffer(em.vertexStream.data(), em.vertexStream.size(), mainF.data(), used,
                                                      kVertexStride));
    if (bm.hasUvs) {
        em.uvStream.resize(meshopt_encodeVertexBufferBound(used, 4));
        em.uvStream.resize(meshopt_encodeVertexBuffer(em.uvStream.data(), em.uvStream.size(), uvF.data(), used, 4));
    }
    for (size_t l = 0; l < lods.size(); ++l) {
        std::vector<uint8_t> enc(meshopt_encodeIndexBufferBound(lods[l].size(), used));
        enc.resize(meshopt_encodeIndexBuffer(enc.data(), enc.size(), lods[l].data(), lods[l].size()));
        bm.lods.push_back({uint32_t(lods[l].size()), errors[l], {}});
        if (l == 0) st.lod0Bytes += enc.size() + em.vertexStream.size() + em.uvStream.size();
        em.lodStreams.push_back(std::move(enc));
    }
}

bool checkSource(const SourceModel& src, const Limits& lim, std::string* error) {
    if (src.nodes.empty()) return fail(error, "the model has no nodes"), false;
    if (src.nodes.size() > lim.maxNodes) return fail(error, "too many nodes: " + std::to_string(src.nodes.size())), false;
    for (size_t i = 0; i < src.nodes.size(); ++i)
        if (src.nodes[i].parent >= int(i) || (i > 0 && src.nodes[i].parent < 0) || (i == 0 && src.nodes[0].parent != -1))
            return fail(error, "node " + std::to_string(i) + " has a bad parent"), false;
    if (src.meshes.size() > lim.maxMeshes) return fail(error, "too many meshes: " + std::to_string(src.meshes.size())), false;
    if (src.materials.size() > lim.maxMaterials) return fail(error, "too many materials"), false;
    if (src.textures.size() > lim.maxTextures) return fail(error, "too many textures"), false;
    uint64_t texBytes = 0;
    for (const Texture& t : src.textures) {
        ImageFormat f;
        uint32_t w, h;
        if (!sniffImage(t.bytes, f, w, h)) return fail(error, "texture '" + t.name + "' is not a PNG or JPEG image"), false;
        if (w > lim.maxTextureSide || h > lim.maxTextureSide)
            return fail(error, "texture '" + t.name + "' is " + std::to_string(w) + "x" + std::to_string(h) + " (limit " +
                                   std::to_string(lim.maxTextureSide) + ")"), false;
        texBytes += t.bytes.size();
    }
    if (texBytes > lim.maxTextureBytes) return fail(error, "textures take " + std::to_string(texBytes >> 20) + " MiB"), false;
    for (const Material& m : src.materials)
        for (int t : {m.baseColorTexture, m.metallicRoughnessTexture, m.normalTexture})
            if (t < -1 || t >= int(src.textures.size())) return fail(error, "material '" + m.name + "' names a missing texture"), false;
    for (size_t i = 0; i < src.meshes.size(); ++i) {
        const SourceMesh& m = src.meshes[i];
        if (m.node < 0 || m.node >= int(src.nodes.size()) || m.material < -1 || m.material >= int(src.materials.size()))
            return fail(error, "mesh " + std::to_string(i) + " names a missing node or material"), false;
        if (m.positions.size() / 3 > lim.maxVerticesPerMesh)
            return fail(error, "mesh " + std::to_string(i) + " has more than " + std::to_string(lim.maxVerticesPerMesh) + " vertices"), false;
    }
    return true;
}

std::string clip(const std::string& s, uint32_t maxBytes) {
    if (s.size() <= maxBytes) return s;
    size_t n = maxBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // keep UTF-8 whole
    return s.substr(0, n);
}

}  // namespace

uint64_t BakedModel::triangles(size_t lod) const {
    uint64_t n = 0;
    for (const BakedMesh& m : meshes)
        if (!m.lods.empty()) n += m.lods[std::min(lod, m.lods.size() - 1)].indexCount / 3;
    return n;
}

size_t BakedModel::lodLevels() const {
    size_t n = 0;
    for (const BakedMesh& m : meshes) n = std::max(n, m.lods.size());
    return n;
}

bool bake(const SourceModel& src, const BakeOptions& opt, std::vector<uint8_t>& out, BakeStats* statsOut,
          std::string* error) {
    BakeStats st;
    out.clear();
    if (!checkSource(src, opt.limits, error)) return false;
    std::vector<EncodedMesh> meshes;
    float mn[3] = {1e30f, 1e30f, 1e30f}, mx[3] = {-1e30f, -1e30f, -1e30f};
    for (size_t i = 0; i < src.meshes.size(); ++i) {
        CleanMesh c;
        if (!cleanMesh(src.meshes[i], i, c, st, error)) return false;
        if (c.idx.empty()) {
            st.repairs.push_back("mesh " + std::to_string(i) + " has no triangles left: dropped");
            continue;
        }
        EncodedMesh em;
        bakeMesh(c, opt, em, st);
        em.mesh.name = clip(src.meshes[i].name, opt.limits.maxNameBytes);
        em.mesh.node = uint32_t(src.meshes[i].node);
        em.mesh.material = src.meshes[i].material;
        for (int k = 0; k < 3; ++k) {
            mn[k] = std::min(mn[k], em.mesh.boundsMin[k]);
            mx[k] = std::max(mx[k], em.mesh.boundsMax[k]);
        }
        meshes.push_back(std::move(em));
        if (st.triangles > opt.limits.maxTriangles)
            return fail(error, "more than " + std::to_string(opt.limits.maxTriangles) + " triangles"), false;
    }
    if (meshes.empty()) return fail(error, "the model has no triangles"), false;
    const float extent = std::max({mx[0] - mn[0], mx[1] - mn[1], mx[2] - mn[2]});
    if (!(extent <= kMaxExtentMetres))
        return fail(error, "the model is " + std::to_string(extent) + " m across: coordinates out of range (wrong unit?)"), false;
    st.acmr = st.triangles ? st.acmr / double(st.triangles) : 0;
    for (const EncodedMesh& em : meshes) st.lodLevels = std::max(st.lodLevels, em.mesh.lods.size());

    Writer w{out};
    w.bytes(kMagic, 4);
    w.u32(kFormatVersion);
    w.u32(0);
    for (float v : mn) w.f32(v);
    for (float v : mx) w.f32(v);
    w.u32(uint32_t(src.nodes.size()));
    for (const Node& n : src.nodes) {
        w.str(clip(n.name, opt.limits.maxNameBytes));
        w.i32(n.parent);
    }
    w.u32(uint32_t(src.textures.size()));
    for (const Texture& t : src.textures) {
        ImageFormat f = ImageFormat::Png;
        uint32_t tw = 0, th = 0;
        sniffImage(t.bytes, f, tw, th);
        w.str(clip(t.name, opt.limits.maxNameBytes));
        w.u8(uint8_t(f));
        w.u32(tw);
        w.u32(th);
        w.blob(t.bytes);
    }
    w.u32(uint32_t(src.materials.size()));
    for (const Material& m : src.materials) {
        w.str(clip(m.name, opt.limits.maxNameBytes));
        for (float v : m.baseColor) w.f32(std::isfinite(v) ? std::clamp(v, 0.f, 1.f) : 1.f);
        w.f32(std::isfinite(m.metallic) ? std::clamp(m.metallic, 0.f, 1.f) : 0.f);
        w.f32(std::isfinite(m.roughness) ? std::clamp(m.roughness, 0.f, 1.f) : 0.6f);
        for (float v : m.emissive) w.f32(std::isfinite(v) ? std::clamp(v, 0.f, 100.f) : 0.f);
        w.i32(m.baseColorTexture);
        w.i32(m.metallicRoughnessTexture);
        w.i32(m.normalTexture);
    }
    w.u32(uint32_t(meshes.size()));
    for (const EncodedMesh& em : meshes) {
        const BakedMesh& m = em.mesh;
        w.str(m.name);
        w.u32(m.node);
        w.i32(m.material);
        w.u32(m.vertexCount);
        w.u8(m.hasUvs ? 1 : 0);
        for (float v : m.posMin) w.f32(v);
        for (float v : m.posScale) w.f32(v);
        for (float v : m.uvMin) w.f32(v);
        for (float v : m.uvScale) w.f32(v);
        for (float v : m.boundsMin) w.f32(v);
        for (float v : m.boundsMax) w.f32(v);
        w.blob(em.vertexStream);
        if (m.hasUvs) w.blob(em.uvStream);
        w.u32(uint32_t(m.lods.size()));
        for (size_t l = 0; l < m.lods.size(); ++l) {
            w.u32(m.lods[l].indexCount);
            w.f32(m.lods[l].error);
            w.blob(em.lodStreams[l]);
        }
    }
    uint8_t hash[kHashBytes];
    crypto_generichash(hash, kHashBytes, out.data(), out.size(), nullptr, 0);
    w.bytes(hash, kHashBytes);
    if (statsOut) *statsOut = std::move(st);
    return true;
}

bool readBaked(std::span<const uint8_t> bytes, BakedModel& out, std::string* error, const Limits& lim,
               bool verifyChecksum) {
    out = BakedModel{};
    if (bytes.empty()) return fail(error, "empty file"), false;
    if (bytes.size() < 4 + kHashBytes || std::memcmp(bytes.data(), kMagic, 4) != 0)
        return fail(error, "not a baked model (.dhm): wrong signature"), false;
    const auto body = bytes.first(bytes.size() - kHashBytes);
    if (verifyChecksum) {
        uint8_t hash[kHashBytes];
        crypto_generichash(hash, kHashBytes, body.data(), body.size(), nullptr, 0);
        if (std::memcmp(hash, bytes.data() + body.size(), kHashBytes) != 0)
            return fail(error, "corrupt: checksum mismatch (truncated or damaged file)"), false;
    }
    Reader r{body, 4};
    out.version = r.u32("version");
    if (r.ok && out.version != kFormatVersion)
        return fail(error, "format version " + std::to_string(out.version) + " is not supported (this build reads " +
                               std::to_string(kFormatVersion) + ")"), false;
    r.u32("flags");
    for (float& v : out.boundsMin) v = r.f32("bounds");
    for (float& v : out.boundsMax) v = r.f32("bounds");
    for (int k = 0; k < 3; ++k) r.check(out.boundsMin[k] <= out.boundsMax[k], "bounds are inverted");

    const uint32_t nodeCount = r.u32("node count");
    r.check(nodeCount >= 1 && nodeCount <= lim.maxNodes, "node count " + std::to_string(nodeCount) + " out of range");
    for (uint32_t i = 0; r.ok && i < nodeCount; ++i) {
        Node n;
        n.name = r.str("node name", lim.maxNameBytes);
        n.parent = r.i32("node parent");
        r.check(i == 0 ? n.parent == -1 : (n.parent >= 0 && uint32_t(n.parent) < i),
                "node " + std::to_string(i) + " has a bad parent");
        out.nodes.push_back(std::move(n));
    }
    const uint32_t texCount = r.u32("texture count");
    r.check(texCount <= lim.maxTextures, "texture count " + std::to_string(texCount) + " out of range");
    uint64_t texBytes = 0;
    for (uint32_t i = 0; r.ok && i < texCount; ++i) {
        Texture t;
        t.name = r.str("texture name", lim.maxNameBytes);
        const uint8_t f = r.u8("texture format");
        t.width = r.u32("texture width");
        t.height = r.u32("texture height");
        const auto b = r.blob("texture bytes");
        if (!r.ok) break;
        ImageFormat sf;
        uint32_t sw = 0, sh = 0;
        r.check(sniffImage(b, sf, sw, sh) && uint8_t(sf) == f && sw == t.width && sh == t.height,
                "texture " + std::to_string(i) + " is not the image its header says");
        r.check(t.width <= lim.maxTextureSide && t.height <= lim.maxTextureSide, "texture " + std::to_string(i) + " too large");
        texBytes += b.size();
        r.check(texBytes <= lim.maxTextureBytes, "textures exceed the size limit");
        t.format = ImageFormat(f);
        t.bytes.assign(b.begin(), b.end());
        out.textures.push_back(std::move(t));
    }
    const uint32_t matCount = r.u32("material count");
    r.check(matCount <= lim.maxMaterials, "material count " + std::to_string(matCount) + " out of range");
    for (uint32_t i = 0; r.ok && i < matCount; ++i) {
        Material m;
        m.name = r.str("material name", lim.maxNameBytes);
        for (float& v : m.baseColor) v = r.f32("material colour");
        m.metallic = r.f32("metallic");
        m.roughness = r.f32("roughness");
        for (float& v : m.emissive) v = r.f32("emissive");
        m.baseColorTexture = r.i32("texture index");
        m.metallicRoughnessTexture = r.i32("texture index");
        m.normalTexture = r.i32("texture index");
        for (int t : {m.baseColorTexture, m.metallicRoughnessTexture, m.normalTexture})
            r.check(t >= -1 && t < int(texCount), "material " + std::to_string(i) + " names a missing texture");
        out.materials.push_back(std::move(m));
    }
    const uint32_t meshCount = r.u32("mesh count");
    r.check(meshCount >= 1 && meshCount <= lim.maxMeshes, "mesh count " + std::to_string(meshCount) + " out of range");
    uint64_t triangles = 0;
    for (uint32_t i = 0; r.ok && i < meshCount; ++i) {
        const std::string label = "mesh " + std::to_string(i);
        BakedMesh m;
        m.name = r.str("mesh name", lim.maxNameBytes);
        m.node = r.u32("mesh node");
        m.material = r.i32("mesh material");
        m.vertexCount = r.u32("vertex count");
        m.hasUvs = r.u8("uv flag") != 0;
        for (float& v : m.posMin) v = r.f32("position range");
        for (float& v : m.posScale) v = r.f32("position range");
        for (float& v : m.uvMin) v = r.f32("uv range");
        for (float& v : m.uvScale) v = r.f32("uv range");
        for (float& v : m.boundsMin) v = r.f32("mesh bounds");
        for (float& v : m.boundsMax) v = r.f32("mesh bounds");
        r.check(m.node < nodeCount, label + " names a missing node");
        r.check(m.material >= -1 && m.material < int(matCount), label + " names a missing material");
        r.check(m.vertexCount >= 3 && m.vertexCount <= lim.maxVerticesPerMesh,
                label + ": vertex count " + std::to_string(m.vertexCount) + " out of range");
        for (int k = 0; k < 3; ++k) r.check(m.posScale[k] >= 0, label + ": negative position range");
        m.vertexStream = r.blob("vertex stream");
        // The vertex codec spends at least 1 bit per byte of a block header: bounds the output.
        r.check(uint64_t(m.vertexCount) * kVertexStride <= uint64_t(m.vertexStream.size()) * 64 + 4096,
                label + ": vertex stream too short for its vertex count");
        if (m.hasUvs) {
            m.uvStream = r.blob("uv stream");
            r.check(uint64_t(m.vertexCount) * 4 <= uint64_t(m.uvStream.size()) * 64 + 4096,
                    label + ": uv stream too short for its vertex count");
        }
        const uint32_t lodCount = r.u32("LOD count");
        r.check(lodCount >= 1 && lodCount <= lim.maxLods, label + ": LOD count " + std::to_string(lodCount) + " out of range");
        for (uint32_t l = 0; r.ok && l < lodCount; ++l) {
            BakedLod lod;
            lod.indexCount = r.u32("index count");
            lod.error = r.f32("LOD error");
            lod.encoded = r.blob("index stream");
            if (!r.ok) break;
            const std::string ll = label + " LOD " + std::to_string(l);
            r.check(lod.indexCount >= 3 && lod.indexCount % 3 == 0, ll + ": index count is not whole triangles");
            // One code byte per triangle at least.
            r.check(lod.indexCount / 3 <= lod.encoded.size(), ll + ": index stream too short for its triangles");
            r.check(l == 0 || lod.indexCount <= m.lods.back().indexCount, ll + ": more triangles than the level before");
            r.check(lod.error >= 0, ll + ": negative error");
            m.lods.push_back(lod);
        }
        if (!r.ok) break;
        triangles += m.lods[0].indexCount / 3;
        r.check(triangles <= lim.maxTriangles, "more than " + std::to_string(lim.maxTriangles) + " triangles");
        out.meshes.push_back(std::move(m));
    }
    r.check(r.pos == body.size(), std::to_string(body.size() - r.pos) + " unexpected bytes after the last mesh");
    if (!r.ok) {
        fail(error, "corrupt baked model: " + r.what);
        out = BakedModel{};
        return false;
    }
    return true;
}

bool decodeMesh(const BakedModel& model, size_t index, DecodedMesh& out, std::string* error) {
    out = DecodedMesh{};
    if (index >= model.meshes.size()) return fail(error, "no mesh " + std::to_string(index)), false;
    const BakedMesh& m = model.meshes[index];
    const std::string label = "mesh " + std::to_string(index);
    const size_t vc = m.vertexCount;
    std::vector<uint8_t> raw(vc * kVertexStride);
    if (meshopt_decodeVertexBuffer(raw.data(), vc, kVertexStride, m.vertexStream.data(), m.vertexStream.size()) != 0)
        return fail(error, "corrupt baked model: " + label + ": vertex stream does not decode"), false;
    out.positions.resize(vc * 3);
    out.normals.resize(vc * 3);
    float step[3];
    for (int k = 0; k < 3; ++k) step[k] = m.posScale[k] / 65535.f;
    for (size_t v = 0; v < vc; ++v) {
        uint16_t q[3];
        int8_t o[2];
        std::memcpy(q, &raw[v * kVertexStride], 6);
        std::memcpy(o, &raw[v * kVertexStride + 6], 2);
        for (int k = 0; k < 3; ++k) out.positions[v * 3 + k] = m.posMin[k] + float(q[k]) * step[k];
        octDecode(o, &out.normals[v * 3]);
    }
    if (m.hasUvs) {
        std::vector<uint16_t> uq(vc * 2);
        if (meshopt_decodeVertexBuffer(uq.data(), vc, 4, m.uvStream.data(), m.uvStream.size()) != 0)
            return fail(error, "corrupt baked model: " + label + ": uv stream does not decode"), false;
        out.uvs.resize(vc * 2);
        for (size_t v = 0; v < vc * 2; ++v)
            out.uvs[v] = m.uvMin[v & 1] + float(uq[v]) * (m.uvScale[v & 1] / 65535.f);
    }
    out.lodIndices.resize(m.lods.size());
    for (size_t l = 0; l < m.lods.size(); ++l) {
        std::vector<uint32_t>& idx = out.lodIndices[l];
        idx.resize(m.lods[l].indexCount);
        if (meshopt_decodeIndexBuffer(idx.data(), idx.size(), 4, m.lods[l].encoded.data(), m.lods[l].encoded.size()) != 0)
            return fail(error, "corrupt baked model: " + label + " LOD " + std::to_string(l) + ": indices do not decode"), false;
        uint32_t worst = 0;
        for (uint32_t i : idx) worst = std::max(worst, i);
        if (worst >= vc)
            return fail(error, "corrupt baked model: " + label + " LOD " + std::to_string(l) + ": index " +
                                   std::to_string(worst) + " past " + std::to_string(vc) + " vertices"), false;
    }
    return true;
}

std::string blake2bHex(std::span<const uint8_t> bytes) {
    uint8_t hash[kHashBytes];
    crypto_generichash(hash, kHashBytes, bytes.data(), bytes.size(), nullptr, 0);
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (uint8_t b : hash) {
        s += hex[b >> 4];
        s += hex[b & 15];
    }
    return s;
}

std::string bakedFileName(std::span<const uint8_t> bakedBytes) { return blake2bHex(bakedBytes) + ".dhm"; }

bool sniffImage(std::span<const uint8_t> b, ImageFormat& format, uint32_t& width, uint32_t& height) {
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    auto be32 = [&](size_t at) { return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3]; };
    if (b.size() >= 24 && std::memcmp(b.data(), png, 8) == 0 && std::memcmp(b.data() + 12, "IHDR", 4) == 0) {
        format = ImageFormat::Png;
        width = be32(16);
        height = be32(20);
        return width > 0 && height > 0;
    }
    if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
        // Walk the markers to a start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
        size_t p = 2;
        while (p + 4 <= b.size()) {
            if (b[p] != 0xFF) return false;
            const uint8_t marker = b[p + 1];
            if (marker == 0xFF) { ++p; continue; }
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { p += 2; continue; }
            const size_t len = size_t(b[p + 2]) << 8 | b[p + 3];
            if (len < 2) return false;
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (p + 9 > b.size()) return false;
                format = ImageFormat::Jpeg;
                height = uint32_t(b[p + 5]) << 8 | b[p + 6];
                width = uint32_t(b[p + 7]) << 8 | b[p + 8];
                return width > 0 && height > 0;
            }
            p += 2 + len;
        }
    }
    return false;
}

}  // namespace net::asset
