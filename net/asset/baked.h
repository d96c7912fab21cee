// net/asset/baked.h: the baked model format (.dhm) that the hall loads instead of glTF/STL/...
//
// A baked file holds one model ready for the GPU: per mesh a quantized, meshoptimizer-encoded
// vertex buffer (vertex-cache and vertex-fetch optimized) and a chain of levels of detail made by
// meshoptimizer's simplifier, each an encoded index buffer with its geometric error; the node
// hierarchy (names and parents: what the inspector's exploded view moves apart); PBR
// metallic-roughness materials and their textures (PNG/JPEG bytes as imported); bounds. Geometry
// is in METRES, y up, in model space (node transforms are applied when baking).
//
//   net::asset::SourceModel src = ...;        // tools/bake imports one with Assimp
//   std::vector<uint8_t> bytes;
//   net::asset::bake(src, {}, bytes, &stats, &error);
//   std::string name = net::asset::bakedFileName(bytes);   // "<BLAKE2b-256 hex>.dhm"
//
//   net::asset::BakedModel m;
//   if (!net::asset::readBaked(bytes, m, &error)) ...      // never trusts the bytes
//   net::asset::DecodedMesh d;
//   net::asset::decodeMesh(m, i, d, &error);               // positions, normals, uvs, indices per LOD
//
// The reader checks every count, size and index against the file and fixed limits before it
// allocates or decodes; a corrupt, truncated or hostile file gives false and a message saying what
// is wrong, never a crash or an unbounded allocation. Pure: no GL, no Assimp, no files, no threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace net::asset {

// --- what a baker starts from (in metres, y up, model space) ---------------------------------

struct SourceMesh {
    std::string name;
    int node = 0;                      // index into SourceModel::nodes
    int material = -1;                 // index into SourceModel::materials, -1 = default grey
    std::vector<float> positions;      // xyz per vertex
    std::vector<float> normals;        // xyz per vertex, or empty (flat normals are generated)
    std::vector<float> uvs;            // uv per vertex (origin top-left), or empty
    std::vector<uint32_t> indices;     // triangle list
};

struct Node {
    std::string name;
    int parent = -1;                   // -1 for the root; a parent always comes before its children
};

struct Material {
    std::string name;
    std::array<float, 4> baseColor{0.8f, 0.8f, 0.8f, 1.0f};  // linear RGBA
    float metallic = 0.0f, roughness = 0.6f;
    std::array<float, 3> emissive{0, 0, 0};                   // linear RGB
    int baseColorTexture = -1;         // indices into textures, -1 = none
    int metallicRoughnessTexture = -1; // glTF convention: roughness in G, metallic in B
    int normalTexture = -1;
};

enum class ImageFormat : uint8_t { Png = 1, Jpeg = 2 };

struct Texture {
    std::string name;
    ImageFormat format = ImageFormat::Png;
    uint32_t width = 0, height = 0;    // as the image header says
    std::vector<uint8_t> bytes;        // the encoded image, as imported
};

struct SourceModel {
    std::vector<Node> nodes;           // at least the root
    std::vector<SourceMesh> meshes;
    std::vector<Material> materials;
    std::vector<Texture> textures;
};

// --- the baked model ------------------------------------------------------------------------

struct BakedLod {
    uint32_t indexCount = 0;           // a multiple of 3
    float error = 0;                   // geometric deviation from LOD 0, metres
    std::span<const uint8_t> encoded;  // meshopt index codec (points into readBaked()'s input)
};

struct BakedMesh {
    std::string name;
    uint32_t node = 0;
    int32_t material = -1;
    uint32_t vertexCount = 0;
    bool hasUvs = false;
    std::array<float, 3> posMin{}, posScale{};  // position = posMin + q / 65535 * posScale
    std::array<float, 2> uvMin{}, uvScale{};    // uv = uvMin + q / 65535 * uvScale
    std::array<float, 3> boundsMin{}, boundsMax{};
    std::vector<BakedLod> lods;        // LOD 0 first, then ever fewer triangles
    std::span<const uint8_t> vertexStream;  // meshopt vertex codec, kVertexStride bytes a vertex
    std::span<const uint8_t> uvStream;      // meshopt vertex codec, 4 bytes a vertex (if hasUvs)
};

struct BakedModel {
    uint32_t version = 0;
    std::array<float, 3> boundsMin{}, boundsMax{};  // metres
    std::vector<Node> nodes;
    std::vector<Material> materials;
    std::vector<Texture> textures;
    std::vector<BakedMesh> meshes;

    uint64_t triangles(size_t lod = 0) const;  // over all meshes (a mesh with fewer LODs gives its last)
    size_t lodLevels() const;                  // the most LODs any mesh has
};

// Decoded geometry of one mesh: what a renderer uploads.
struct DecodedMesh {
    std::vector<float> positions;      // xyz per vertex, metres
    std::vector<float> normals;        // xyz per vertex, unit length
    std::vector<float> uvs;            // uv per vertex, empty without UVs
    std::vector<std::vector<uint32_t>> lodIndices;  // triangle list per LOD
};

// Quantized vertex layout of the main stream: position as 3 x uint16 (unorm over the mesh
// bounds), normal as octahedral 2 x int8.
constexpr size_t kVertexStride = 8;
constexpr uint32_t kFormatVersion = 1;

// Limits the reader enforces (a baker refuses anything above them too).
struct Limits {
    uint32_t maxMeshes = 4096, maxNodes = 4096, maxMaterials = 1024, maxTextures = 256, maxLods = 8;
    uint32_t maxVerticesPerMesh = 1u << 24;
    uint64_t maxTriangles = 20'000'000;      // LOD 0, all meshes together
    uint64_t maxTextureBytes = 64u << 20;    // all textures together
    uint32_t maxTextureSide = 8192;
    uint32_t maxNameBytes = 256;
};

struct BakeOptions {
    int maxLods = 5;                   // LOD 0 included
    float lodRatio = 0.5f;             // each level aims at this fraction of the previous one's triangles
    uint32_t minLodTriangles = 256;    // no level below this (small models keep one level)
    Limits limits;
};

struct BakeStats {
    uint64_t inputTriangles = 0;       // triangles in the source
    uint64_t triangles = 0;            // LOD 0 after removing degenerate ones
    uint64_t vertices = 0;
    uint64_t degenerateRemoved = 0;
    size_t lodLevels = 0;
    double acmr = 0;                   // LOD 0, 16-entry FIFO (meshopt_analyzeVertexCache)
    uint64_t lod0Bytes = 0;            // encoded vertex + LOD 0 index bytes
    double lodMs = 0;                  // time spent in the simplifier (wall clock)
    double lodCpuMs = 0;               // the same as CPU time of the baking thread
    std::vector<std::string> repairs;  // what was fixed (generated normals, dropped triangles, ...)
};

// Bakes `src`. False with a message when there is nothing to bake (no triangles), a coordinate is
// not finite, an index is out of range, or a limit is exceeded. Deterministic: the same source
// gives the same bytes.
bool bake(const SourceModel& src, const BakeOptions& opt, std::vector<uint8_t>& out, BakeStats* stats,
          std::string* error);

// Parses and checks a baked file. `out` refers into `bytes` (encoded streams): keep them alive.
// With `verifyChecksum` the trailing BLAKE2b-256 must match the rest of the file.
bool readBaked(std::span<const uint8_t> bytes, BakedModel& out, std::string* error, const Limits& limits = {},
               bool verifyChecksum = true);

// Decodes mesh `index` of a model readBaked() accepted. False (with a message) when a stream does
// not decode or an index points past the vertices.
bool decodeMesh(const BakedModel& model, size_t index, DecodedMesh& out, std::string* error);

// BLAKE2b-256 of `bytes` as 64 lowercase hex digits, and the content-addressed file name.
std::string blake2bHex(std::span<const uint8_t> bytes);
std::string bakedFileName(std::span<const uint8_t> bakedBytes);  // "<blake2b hex>.dhm"

// Image header checks shared by the baker and the reader: the format and size from a PNG or JPEG
// header. False for anything else (or a truncated header).
bool sniffImage(std::span<const uint8_t> bytes, ImageFormat& format, uint32_t& width, uint32_t& height);

}  // namespace net::asset
