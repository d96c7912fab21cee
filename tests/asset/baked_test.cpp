// baked_test.cpp: the baked model format on its own (net_asset): round trip within quantization
// error, materials/nodes/textures kept, LOD chain, stable content hash, repairs and refusals in
// the baker, and a reader that rejects empty, truncated and corrupted bytes with a message
// (thousands of damaged files: never a crash, never a hang).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

#include "net/asset/baked.h"

namespace {

using namespace net::asset;
constexpr float kPi = std::numbers::pi_v<float>;

// A UV sphere of radius `r` (metres) centred at `c`: smooth normals, UVs.
SourceMesh sphere(float r, const float c[3], int rings, int segments, int node, int material) {
    SourceMesh m;
    m.name = "sphere";
    m.node = node;
    m.material = material;
    for (int i = 0; i <= rings; ++i)
        for (int j = 0; j <= segments; ++j) {
            const float th = kPi * float(i) / float(rings), ph = 2 * kPi * float(j) / float(segments);
            const float n[3] = {std::sin(th) * std::cos(ph), std::cos(th), std::sin(th) * std::sin(ph)};
            for (int k = 0; k < 3; ++k) m.positions.push_back(c[k] + r * n[k]);
            m.normals.insert(m.normals.end(), n, n + 3);
            m.uvs.insert(m.uvs.end(), {float(j) / float(segments), float(i) / float(rings)});
        }
    for (int i = 0; i < rings; ++i)
        for (int j = 0; j < segments; ++j) {
            const uint32_t a = uint32_t(i * (segments + 1) + j), b = a + uint32_t(segments + 1);
            m.indices.insert(m.indices.end(), {a, b, a + 1, a + 1, b, b + 1});
        }
    return m;
}

// The smallest valid PNG: 1x1, 8-bit greyscale.
std::vector<uint8_t> tinyPng() {
    return {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
            0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00,
            0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xAF, 0xA4,
            0x71, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
}

SourceModel twoPartModel() {
    SourceModel s;
    s.nodes = {{"assembly", -1}, {"ball_left", 0}, {"ball_right", 0}};
    Material steel;
    steel.name = "machined_steel";
    steel.baseColor = {0.6f, 0.61f, 0.63f, 1.0f};
    steel.metallic = 1.0f;
    steel.roughness = 0.28f;
    Material paint;
    paint.name = "press_blue";
    paint.baseColor = {0.05f, 0.2f, 0.6f, 1.0f};
    paint.roughness = 0.55f;
    paint.baseColorTexture = 0;
    s.materials = {steel, paint};
    s.textures.push_back({"label.png", ImageFormat::Png, 1, 1, tinyPng()});
    const float left[3] = {-0.2f, 0.1f, 0}, right[3] = {0.2f, 0.1f, 0};
    s.meshes.push_back(sphere(0.1f, left, 48, 96, 1, 0));
    s.meshes.push_back(sphere(0.05f, right, 24, 48, 2, 1));
    return s;
}

std::vector<uint8_t> bakeOrDie(const SourceModel& s, BakeStats* st = nullptr) {
    std::vector<uint8_t> out;
    std::string error;
    EXPECT_TRUE(bake(s, {}, out, st, &error)) << error;
    return out;
}

TEST(BakedModel, RoundTripKeepsGeometryWithinQuantizationError) {
    const SourceModel src = twoPartModel();
    const auto bytes = bakeOrDie(src);
    BakedModel m;
    std::string error;
    ASSERT_TRUE(readBaked(bytes, m, &error)) << error;
    ASSERT_EQ(m.meshes.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        DecodedMesh d;
        ASSERT_TRUE(decodeMesh(m, i, d, &error)) << error;
        const SourceMesh& s = src.meshes[i];
        float tol = 0;
        for (int k = 0; k < 3; ++k) tol = std::max(tol, m.meshes[i].posScale[k] / 65535.f);
        // Every decoded vertex lies on the source sphere, normals point outward from its centre.
        const float* c = &s.positions[0];  // the pole: x and z of the centre, y + r
        const float cx = c[0], cz = c[2];
        const float r = i == 0 ? 0.1f : 0.05f, cy = 0.1f;
        ASSERT_EQ(d.positions.size() % 3, 0u);
        for (size_t v = 0; v < d.positions.size() / 3; ++v) {
            const float x = d.positions[v * 3] - cx, y = d.positions[v * 3 + 1] - cy, z = d.positions[v * 3 + 2] - cz;
            EXPECT_NEAR(std::sqrt(x * x + y * y + z * z), r, tol * 2) << "vertex " << v;
            const float dot = (x * d.normals[v * 3] + y * d.normals[v * 3 + 1] + z * d.normals[v * 3 + 2]) / r;
            EXPECT_GT(dot, 0.995f) << "normal of vertex " << v;  // within ~6 degrees (8-bit octahedral)
        }
        // The zero-area slivers at the top pole are dropped; nothing else is.
        EXPECT_EQ(d.lodIndices[0].size(), s.indices.size() - 3 * size_t(i == 0 ? 96 : 48));
        EXPECT_FALSE(d.uvs.empty());
        for (float u : d.uvs) EXPECT_TRUE(u >= -1e-4f && u <= 1.0001f);
    }
    // Bounds in metres.
    EXPECT_NEAR(m.boundsMin[0], -0.3f, 1e-3f);
    EXPECT_NEAR(m.boundsMax[0], 0.25f, 1e-3f);
    EXPECT_NEAR(m.boundsMax[1], 0.2f, 1e-3f);
}

TEST(BakedModel, KeepsMaterialsTexturesAndNodes) {
    const SourceModel src = twoPartModel();
    const auto bytes = bakeOrDie(src);
    BakedModel m;
    std::string error;
    ASSERT_TRUE(readBaked(bytes, m, &error)) << error;
    ASSERT_EQ(m.nodes.size(), 3u);
    EXPECT_EQ(m.nodes[1].name, "ball_left");
    EXPECT_EQ(m.nodes[2].parent, 0);
    EXPECT_EQ(m.meshes[1].node, 2u);
    ASSERT_EQ(m.materials.size(), 2u);
    EXPECT_EQ(m.materials[0].name, "machined_steel");
    EXPECT_FLOAT_EQ(m.materials[0].metallic, 1.0f);
    EXPECT_FLOAT_EQ(m.materials[0].roughness, 0.28f);
    EXPECT_FLOAT_EQ(m.materials[1].baseColor[2], 0.6f);
    EXPECT_EQ(m.materials[1].baseColorTexture, 0);
    ASSERT_EQ(m.textures.size(), 1u);
    EXPECT_EQ(m.textures[0].bytes, tinyPng());
    EXPECT_EQ(m.textures[0].width, 1u);
    EXPECT_EQ(m.meshes[1].material, 1);
}

TEST(BakedModel, LodChainHasFewerTrianglesEachLevelAndGrowingError) {
    BakeStats st;
    const auto bytes = bakeOrDie(twoPartModel(), &st);
    BakedModel m;
    ASSERT_TRUE(readBaked(bytes, m, nullptr));
    ASSERT_GE(m.lodLevels(), 3u);
    for (size_t l = 1; l < m.lodLevels(); ++l) EXPECT_LT(m.triangles(l), m.triangles(l - 1)) << "LOD " << l;
    const BakedMesh& big = m.meshes[0];
    for (size_t l = 1; l < big.lods.size(); ++l) {
        EXPECT_LT(big.lods[l].indexCount, big.lods[l - 1].indexCount);
        EXPECT_GE(big.lods[l].error, big.lods[l - 1].error);
    }
    EXPECT_EQ(big.lods[0].error, 0.f);
    EXPECT_LT(big.lods.back().error, 0.05f);  // metres: a coarse ball is still a ball
    EXPECT_EQ(st.lodLevels, m.lodLevels());
    EXPECT_LT(st.acmr, 0.8);
}

TEST(BakedModel, HashIsStableAndNamesTheFile) {
    const auto a = bakeOrDie(twoPartModel());
    const auto b = bakeOrDie(twoPartModel());
    EXPECT_EQ(a, b);
    const std::string name = bakedFileName(a);
    EXPECT_EQ(name, bakedFileName(b));
    EXPECT_EQ(name.size(), 64u + 4u);
    EXPECT_TRUE(name.ends_with(".dhm"));
    EXPECT_EQ(name.substr(0, 64), blake2bHex(a));
    // Known BLAKE2b-256 of the empty input.
    EXPECT_EQ(blake2bHex({}), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(BakedModel, RepairsDegenerateTrianglesAndMissingNormals) {
    SourceModel s;
    s.nodes = {{"root", -1}};
    SourceMesh m;
    m.positions = {0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 2, 2, /* NaN vertex */ NAN, 0, 0};
    m.indices = {0, 1, 2, /* repeated index */ 0, 0, 1, /* collinear */ 0, 1, 1, /* NaN */ 0, 4, 1, /* stray */ 3};
    s.meshes.push_back(m);
    BakeStats st;
    std::vector<uint8_t> out;
    std::string error;
    ASSERT_TRUE(bake(s, {}, out, &st, &error)) << error;
    EXPECT_EQ(st.triangles, 1u);
    EXPECT_EQ(st.degenerateRemoved, 3u);
    EXPECT_FALSE(st.repairs.empty());
    BakedModel bm;
    ASSERT_TRUE(readBaked(out, bm, &error)) << error;
    DecodedMesh d;
    ASSERT_TRUE(decodeMesh(bm, 0, d, &error)) << error;
    ASSERT_EQ(d.lodIndices[0].size(), 3u);
    for (size_t v = 0; v < d.normals.size() / 3; ++v) EXPECT_NEAR(d.normals[v * 3 + 2], 1.f, 0.01f);  // +z face
}

TEST(BakedModel, RefusesWhatCannotBeRepaired) {
    std::vector<uint8_t> out;
    std::string error;
    SourceModel empty;
    empty.nodes = {{"root", -1}};
    EXPECT_FALSE(bake(empty, {}, out, nullptr, &error));
    EXPECT_NE(error.find("no triangles"), std::string::npos) << error;

    SourceModel huge = empty;
    huge.meshes.push_back({"far", 0, -1, {0, 0, 0, 1e30f, 0, 0, 0, 1e30f, 0}, {}, {}, {0, 1, 2}});
    EXPECT_FALSE(bake(huge, {}, out, nullptr, &error));
    EXPECT_NE(error.find("out of range"), std::string::npos) << error;

    SourceModel badIndex = empty;
    badIndex.meshes.push_back({"x", 0, -1, {0, 0, 0, 1, 0, 0, 0, 1, 0}, {}, {}, {0, 1, 7}});
    EXPECT_FALSE(bake(badIndex, {}, out, nullptr, &error));
    EXPECT_NE(error.find("does not exist"), std::string::npos) << error;

    SourceModel badTexture = twoPartModel();
    badTexture.textures[0].bytes = {'h', 'e', 'l', 'l', 'o'};
    EXPECT_FALSE(bake(badTexture, {}, out, nullptr, &error));
    EXPECT_NE(error.find("not a PNG or JPEG"), std::string::npos) << error;

    SourceModel noNodes;
    EXPECT_FALSE(bake(noNodes, {}, out, nullptr, &error));
}

TEST(BakedReader, RejectsEmptyWrongAndTruncatedFilesWithAMessage) {
    const auto bytes = bakeOrDie(twoPartModel());
    BakedModel m;
    std::string error;
    EXPECT_FALSE(readBaked({}, m, &error));
    EXPECT_EQ(error, "empty file");
    const std::vector<uint8_t> gltf = {'g', 'l', 'T', 'F', 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_FALSE(readBaked(gltf, m, &error));
    EXPECT_NE(error.find("wrong signature"), std::string::npos) << error;
    for (size_t n = 1; n < bytes.size(); n += std::max<size_t>(1, n / 7)) {
        const std::span<const uint8_t> cut(bytes.data(), n);
        error.clear();
        EXPECT_FALSE(readBaked(cut, m, &error)) << "truncated to " << n;
        EXPECT_FALSE(error.empty());
        EXPECT_FALSE(readBaked(cut, m, &error, {}, false)) << "truncated to " << n << " (no checksum)";
        EXPECT_FALSE(error.empty());
    }
}

TEST(BakedReader, ChecksumCatchesAnyFlippedByte) {
    auto bytes = bakeOrDie(twoPartModel());
    BakedModel m;
    std::string error;
    for (size_t at : {size_t(5), bytes.size() / 3, bytes.size() / 2, bytes.size() - 40, bytes.size() - 1}) {
        auto bad = bytes;
        bad[at] ^= 0x20;
        EXPECT_FALSE(readBaked(bad, m, &error)) << "byte " << at;
        EXPECT_NE(error.find("checksum"), std::string::npos) << error;
    }
}

// Without the checksum (what a fuzzer sees): random damage never crashes and never yields a
// model whose indices point past its vertices.
TEST(BakedReader, SurvivesRandomDamageWithoutChecksum) {
    const auto bytes = bakeOrDie(twoPartModel());
    std::mt19937 rng(12345);
    int rejected = 0, decodedFine = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        auto bad = bytes;
        const int flips = 1 + int(rng() % 8);
        for (int f = 0; f < flips; ++f) {
            const size_t at = rng() % bad.size();
            switch (rng() % 3) {
            case 0: bad[at] ^= uint8_t(1u << (rng() % 8)); break;
            case 1: bad[at] = uint8_t(rng()); break;
            default: bad[at] = 0xFF; break;
            }
        }
        BakedModel m;
        std::string error;
        if (!readBaked(bad, m, &error, {}, false)) {
            EXPECT_FALSE(error.empty());
            ++rejected;
            continue;
        }
        for (size_t i = 0; i < m.meshes.size(); ++i) {
            DecodedMesh d;
            if (!decodeMesh(m, i, d, &error)) {
                EXPECT_FALSE(error.empty());
                ++rejected;
                continue;
            }
            const size_t vc = d.positions.size() / 3;
            for (const auto& lod : d.lodIndices)
                for (uint32_t idx : lod) ASSERT_LT(idx, vc);
            ++decodedFine;
        }
    }
    EXPECT_GT(rejected, 100);
    EXPECT_GT(decodedFine, 0);  // damage inside an encoded stream can still decode (to other numbers)
}

TEST(BakedReader, RejectsHostileCountsBeforeAllocating) {
    auto bytes = bakeOrDie(twoPartModel());
    // The first mesh's vertex count: find it through a parse, then overwrite it.
    BakedModel m;
    ASSERT_TRUE(readBaked(bytes, m, nullptr));
    const uint32_t vc = m.meshes[0].vertexCount;
    size_t at = 0;
    for (size_t i = 0; i + 4 <= bytes.size(); ++i)
        if (std::memcmp(&bytes[i], &vc, 4) == 0) { at = i; break; }
    ASSERT_GT(at, 0u);
    const uint32_t huge = 0xFFFFFFF0u;
    std::memcpy(&bytes[at], &huge, 4);
    std::string error;
    EXPECT_FALSE(readBaked(bytes, m, &error, {}, false));
    EXPECT_NE(error.find("vertex count"), std::string::npos) << error;
}

TEST(ImageSniffing, KnowsPngAndJpegHeadersOnly) {
    ImageFormat f;
    uint32_t w = 0, h = 0;
    EXPECT_TRUE(sniffImage(tinyPng(), f, w, h));
    EXPECT_EQ(f, ImageFormat::Png);
    const std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B,
                                       0x08, 0x00, 0x20, 0x00, 0x40, 0x01, 0x01, 0x11, 0x00};
    EXPECT_TRUE(sniffImage(jpeg, f, w, h));
    EXPECT_EQ(f, ImageFormat::Jpeg);
    EXPECT_EQ(w, 64u);
    EXPECT_EQ(h, 32u);
    const std::vector<uint8_t> text = {'<', 'h', 't', 'm', 'l', '>'};
    EXPECT_FALSE(sniffImage(text, f, w, h));
    EXPECT_FALSE(sniffImage({}, f, w, h));
    auto cut = tinyPng();
    cut.resize(20);
    EXPECT_FALSE(sniffImage(cut, f, w, h));
}

}  // namespace
