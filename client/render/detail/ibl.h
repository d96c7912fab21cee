// detail/ibl.h: image-based lighting built once at start-up on the GPU (GL 4.1: full-screen
// triangles into cube faces and a 2D texture, no compute). Private to client_render.
//
//   1. the hall's environment (common.glsl's environment(): floor bounce, walls, rows of hall
//      lights, roof) rendered into a small cubemap with mips;
//   2. prefiltered for specular: GGX importance sampling (with the PDF choosing the source mip,
//      so few samples do not alias), one roughness per mip (roughness = mip / (mips - 1));
//   3. convolved for diffuse: a tiny cosine-weighted irradiance cubemap;
//   4. the split-sum BRDF integration LUT (RG16F: scale A and bias B of F0).
// shade() then uses prefiltered(R, roughness) * (F0 * A + B) + irradiance(N) * albedo.
//
// The Frame uniform block (its sky, ground and light colours) must be bound at binding 0 when
// build() runs: the environment is whatever those colours make.
#pragma once

#include <string>
#include <vector>

#include "client/render/detail/gl.h"

namespace client::detail {

// Texture units the lit shaders read the IBL from (bindIbl() binds them).
constexpr int kPrefilteredUnit = 2;
constexpr int kIrradianceUnit = 3;
constexpr int kBrdfLutUnit = 4;

struct IblDesc {
    int sourceSize = 128;     // environment cube face, pixels (mipmapped)
    int prefilteredSize = 64; // specular cube face at mip 0 (roughness 0)
    int prefilteredMips = 5;  // 64, 32, 16, 8, 4: roughness 0, .25, .5, .75, 1
    int irradianceSize = 16;
    int lutSize = 64;
    int specularSamples = 48;
    int irradianceSamples = 96;
    int lutSamples = 128;
};

class Ibl {
public:
    // Compiles its programs, renders and convolves. Restores the framebuffer and viewport bound
    // before. False with a message if GL refuses (the renderer then falls back to no IBL).
    bool build(const IblDesc& desc, std::string* error);
    void bind() const;                // the three textures on their units
    bool ready() const { return bool(m_prefiltered); }
    double buildMs() const { return m_buildMs; }
    int prefilteredMips() const { return m_desc.prefilteredMips; }
    int prefilteredSize() const { return m_desc.prefilteredSize; }
    size_t gpuBytes() const;

    // Reads one face (0..5: +x -x +y -y +z -z) of a prefiltered mip back as linear RGB floats
    // (rows bottom-up, as GL stores them). For tests.
    bool readPrefiltered(int face, int mip, std::vector<float>& rgb, int& size) const;
    bool readIrradiance(int face, std::vector<float>& rgb, int& size) const;
    bool readLut(std::vector<float>& rg, int& size) const;

private:
    IblDesc m_desc;
    GlTexture m_source, m_prefiltered, m_irradiance, m_lut;
    double m_buildMs = 0;
};

}  // namespace client::detail
