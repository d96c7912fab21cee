// detail/ibl.cpp: the start-up IBL passes (see ibl.h): each a full-screen triangle into a cube
// face (or the LUT) through one framebuffer, a few milliseconds of GPU time even on llvmpipe.
#include <epoxy/gl.h>

#include "client/render/detail/ibl.h"

#include <algorithm>
#include <chrono>

namespace client::detail {

namespace {

GlTexture makeCube(int size, int mips) {
    GlTexture t = makeTexture();
    glBindTexture(GL_TEXTURE_CUBE_MAP, t.id());
    for (int m = 0; m < mips; ++m)
        for (int f = 0; f < 6; ++f)
            glTexImage2D(GLenum(GL_TEXTURE_CUBE_MAP_POSITIVE_X + f), m, GL_RGBA16F, std::max(size >> m, 1),
                         std::max(size >> m, 1), 0, GL_RGBA, GL_HALF_FLOAT, nullptr);
    glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_BASE_LEVEL, 0);
    glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MAX_LEVEL, mips - 1);
    glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MIN_FILTER, mips > 1 ? GL_LINEAR_MIPMAP_LINEAR : GL_LINEAR);
    glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    for (GLenum w : {GL_TEXTURE_WRAP_S, GL_TEXTURE_WRAP_T, GL_TEXTURE_WRAP_R})
        glTexParameteri(GL_TEXTURE_CUBE_MAP, w, GL_CLAMP_TO_EDGE);
    return t;
}

int mipCount(int size) {
    int n = 1;
    while ((size >> n) > 0) ++n;
    return n;
}

// Draws the bound program into every face of `cube` at `mip`.
void drawFaces(GLuint cube, int mip, int size, GLint faceLoc) {
    glViewport(0, 0, size, size);
    for (int f = 0; f < 6; ++f) {
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GLenum(GL_TEXTURE_CUBE_MAP_POSITIVE_X + f), cube, mip);
        glUniform1i(faceLoc, f);
        glDrawArrays(GL_TRIANGLES, 0, 3);
    }
}

bool readTexture(GLenum target, GLuint texture, GLenum bindTarget, int mip, int channels, std::vector<float>& out, int& size) {
    glBindTexture(bindTarget, texture);
    GLint w = 0;
    glGetTexLevelParameteriv(target, mip, GL_TEXTURE_WIDTH, &w);
    size = w;
    out.assign(size_t(w) * size_t(w) * size_t(channels), 0.0f);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    if (w > 0) glGetTexImage(target, mip, channels == 3 ? GL_RGB : GL_RG, GL_FLOAT, out.data());
    glBindTexture(bindTarget, 0);
    return w > 0 && glGetError() == GL_NO_ERROR;
}

}  // namespace

bool Ibl::build(const IblDesc& desc, std::string* error) {
    const auto start = std::chrono::steady_clock::now();
    m_desc = desc;
    const char* vs = "sky.vert.glsl";
    GlProgram source = buildProgram({"common.glsl", vs}, {"common.glsl", "ibl.frag.glsl"}, "#define IBL_SOURCE 1", error);
    GlProgram prefilter = buildProgram({"common.glsl", vs}, {"common.glsl", "ibl.frag.glsl"}, "#define IBL_PREFILTER 1", error);
    GlProgram irradiance = buildProgram({"common.glsl", vs}, {"common.glsl", "ibl.frag.glsl"}, "#define IBL_IRRADIANCE 1", error);
    GlProgram lut = buildProgram({"common.glsl", vs}, {"common.glsl", "ibl.frag.glsl"}, "#define IBL_LUT 1", error);
    if (!source || !prefilter || !irradiance || !lut) return false;

    GLint oldDraw = 0, oldRead = 0, oldViewport[4] = {};
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &oldDraw);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &oldRead);
    glGetIntegerv(GL_VIEWPORT, oldViewport);
    const GLboolean srgbWas = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    glDisable(GL_FRAMEBUFFER_SRGB);  // linear radiance in float textures
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_BLEND);
    glDisable(GL_CULL_FACE);
    glEnable(GL_TEXTURE_CUBE_MAP_SEAMLESS);
    GLuint fbo = 0;
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    GlVertexArray vao = makeVertexArray();
    glBindVertexArray(vao.id());

    // 1. The environment and its mips (the prefilter reads coarser ones for wide lobes). Each
    // mip is evaluated directly, 2x2 directions per texel: glGenerateMipmap on a float cube
    // costs llvmpipe ~200 ms, this a few.
    const int sourceMips = mipCount(desc.sourceSize);
    m_source = makeCube(desc.sourceSize, sourceMips);
    glUseProgram(source.id());
    const GLint texelLoc = glGetUniformLocation(source.id(), "uTexelNdc");
    for (int m = 0; m < sourceMips; ++m) {
        const int size = std::max(desc.sourceSize >> m, 1);
        glUniform1f(texelLoc, 2.0f / float(size));
        drawFaces(m_source.id(), m, size, glGetUniformLocation(source.id(), "uFace"));
    }

    glActiveTexture(GL_TEXTURE0);
    auto setCommon = [&](GLuint prog, int samples) {
        glUseProgram(prog);
        glUniform1i(glGetUniformLocation(prog, "uSource"), 0);
        glUniform1f(glGetUniformLocation(prog, "uSourceSize"), float(desc.sourceSize));
        glUniform1i(glGetUniformLocation(prog, "uSamples"), samples);
        glBindTexture(GL_TEXTURE_CUBE_MAP, m_source.id());
    };

    // 2. Specular: one roughness per mip.
    m_prefiltered = makeCube(desc.prefilteredSize, desc.prefilteredMips);
    setCommon(prefilter.id(), desc.specularSamples);
    const GLint faceLoc = glGetUniformLocation(prefilter.id(), "uFace");
    const GLint roughLoc = glGetUniformLocation(prefilter.id(), "uRoughness");
    for (int m = 0; m < desc.prefilteredMips; ++m) {
        glUniform1f(roughLoc, desc.prefilteredMips > 1 ? float(m) / float(desc.prefilteredMips - 1) : 1.0f);
        drawFaces(m_prefiltered.id(), m, std::max(desc.prefilteredSize >> m, 1), faceLoc);
    }

    // 3. Diffuse irradiance.
    m_irradiance = makeCube(desc.irradianceSize, 1);
    setCommon(irradiance.id(), desc.irradianceSamples);
    drawFaces(m_irradiance.id(), 0, desc.irradianceSize, glGetUniformLocation(irradiance.id(), "uFace"));

    // 4. The BRDF LUT.
    m_lut = makeTexture();
    glBindTexture(GL_TEXTURE_2D, m_lut.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RG16F, desc.lutSize, desc.lutSize, 0, GL_RG, GL_HALF_FLOAT, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(lut.id());
    glUniform1i(glGetUniformLocation(lut.id(), "uSamples"), desc.lutSamples);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m_lut.id(), 0);
    const bool complete = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    glViewport(0, 0, desc.lutSize, desc.lutSize);
    glDrawArrays(GL_TRIANGLES, 0, 3);

    glBindTexture(GL_TEXTURE_CUBE_MAP, 0);
    glBindVertexArray(0);
    glUseProgram(0);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(oldDraw));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(oldRead));
    glViewport(oldViewport[0], oldViewport[1], oldViewport[2], oldViewport[3]);
    glDeleteFramebuffers(1, &fbo);
    if (srgbWas) glEnable(GL_FRAMEBUFFER_SRGB);
    glFinish();  // so the figure below is the real cost, not the time to queue it
    m_buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const GLenum e = glGetError();
    if (!complete || e != GL_NO_ERROR) {
        if (error) *error = "image-based lighting: " + std::string(complete ? "OpenGL error " + std::to_string(e) : "float render target refused");
        m_prefiltered.reset();
        return false;
    }
    m_source.reset();  // only the convolved results are sampled while rendering
    return true;
}

void Ibl::bind() const {
    glActiveTexture(GL_TEXTURE0 + kPrefilteredUnit);
    glBindTexture(GL_TEXTURE_CUBE_MAP, m_prefiltered.id());
    glActiveTexture(GL_TEXTURE0 + kIrradianceUnit);
    glBindTexture(GL_TEXTURE_CUBE_MAP, m_irradiance.id());
    glActiveTexture(GL_TEXTURE0 + kBrdfLutUnit);
    glBindTexture(GL_TEXTURE_2D, m_lut.id());
    glActiveTexture(GL_TEXTURE0);
}

size_t Ibl::gpuBytes() const {
    if (!ready()) return 0;
    size_t bytes = 0;
    for (int m = 0; m < m_desc.prefilteredMips; ++m) bytes += 6 * 8 * size_t(std::max(m_desc.prefilteredSize >> m, 1)) * size_t(std::max(m_desc.prefilteredSize >> m, 1));
    bytes += 6 * 8 * size_t(m_desc.irradianceSize) * size_t(m_desc.irradianceSize);
    bytes += 4 * size_t(m_desc.lutSize) * size_t(m_desc.lutSize);
    return bytes;
}

bool Ibl::readPrefiltered(int face, int mip, std::vector<float>& rgb, int& size) const {
    if (!ready() || face < 0 || face > 5 || mip < 0 || mip >= m_desc.prefilteredMips) return false;
    return readTexture(GLenum(GL_TEXTURE_CUBE_MAP_POSITIVE_X + face), m_prefiltered.id(), GL_TEXTURE_CUBE_MAP, mip, 3, rgb, size);
}

bool Ibl::readIrradiance(int face, std::vector<float>& rgb, int& size) const {
    if (!ready() || face < 0 || face > 5) return false;
    return readTexture(GLenum(GL_TEXTURE_CUBE_MAP_POSITIVE_X + face), m_irradiance.id(), GL_TEXTURE_CUBE_MAP, 0, 3, rgb, size);
}

bool Ibl::readLut(std::vector<float>& rg, int& size) const {
    if (!ready()) return false;
    return readTexture(GL_TEXTURE_2D, m_lut.id(), GL_TEXTURE_2D, 0, 2, rg, size);
}

}  // namespace client::detail
