// fuzz_baked: the baked model reader (net/asset/baked.h) on arbitrary files.
//
// A baked file reaches clients from the server and the disk cache, so the reader must hold up
// against anything. The checksum is not checked here (the fuzzer could never get past it): the
// parser behind it is what is fuzzed. Checks:
//   - readBaked and decodeMesh never crash, read out of bounds or allocate without bound;
//   - a refusal comes with a message;
//   - a decoded mesh is what the file declared: vertex count, UVs when declared, every LOD a
//     triangle list whose indices point at real vertices.
#include <cstdint>
#include <span>
#include <string>

#include "net/asset/baked.h"
#include "tests/fuzz/fuzz_common.h"

namespace na = net::asset;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> bytes(data, size);
    // Smaller limits than a hall allows, so a hostile count cannot make the fuzzer itself run
    // out of memory before the reader refuses it.
    na::Limits limits;
    limits.maxVerticesPerMesh = 1u << 16;
    limits.maxTriangles = 1u << 18;
    limits.maxTextureBytes = 1u << 20;
    na::BakedModel model;
    std::string error;
    if (!na::readBaked(bytes, model, &error, limits, /*verifyChecksum=*/false)) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    FUZZ_CHECK(model.meshes.size() <= limits.maxMeshes);
    for (size_t i = 0; i < model.meshes.size(); ++i) {
        const na::BakedMesh& m = model.meshes[i];
        na::DecodedMesh d;
        error.clear();
        if (!na::decodeMesh(model, i, d, &error)) {
            FUZZ_CHECK(!error.empty());
            continue;
        }
        FUZZ_CHECK(d.positions.size() == size_t(m.vertexCount) * 3);
        FUZZ_CHECK(d.normals.size() == d.positions.size());
        FUZZ_CHECK(d.uvs.size() == (m.hasUvs ? size_t(m.vertexCount) * 2 : 0));
        FUZZ_CHECK(d.lodIndices.size() == m.lods.size());
        for (const auto& lod : d.lodIndices) {
            FUZZ_CHECK(lod.size() % 3 == 0);
            for (uint32_t v : lod) FUZZ_CHECK(v < m.vertexCount);
        }
    }
    return 0;
}
