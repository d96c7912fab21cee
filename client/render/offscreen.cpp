// offscreen.cpp: the multisampled offscreen target and the PNG writer.
#include <epoxy/gl.h>

#include "client/render/renderer.h"

#include <algorithm>

#include <stb_image_write.h>  // implementation in Debian's libstb

namespace client {

OffscreenTarget::~OffscreenTarget() { destroy(); }

bool OffscreenTarget::create(int w, int h, int samples, std::string* error) {
    destroy();
    GLint maxSamples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &maxSamples);
    samples = std::clamp(samples, 0, std::max(0, int(maxSamples)));
    m_width = w;
    m_height = h;
    glGenFramebuffers(1, &m_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
    glGenRenderbuffers(1, &m_color);
    glBindRenderbuffer(GL_RENDERBUFFER, m_color);
    glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_SRGB8_ALPHA8, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, m_color);
    glGenRenderbuffers(1, &m_depth);
    glBindRenderbuffer(GL_RENDERBUFFER, m_depth);
    glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH24_STENCIL8, w, h);  // stencil: the inspector's cut face
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_STENCIL_ATTACHMENT, GL_RENDERBUFFER, m_depth);
    GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (status == GL_FRAMEBUFFER_COMPLETE) {
        glGenFramebuffers(1, &m_resolveFbo);
        glBindFramebuffer(GL_FRAMEBUFFER, m_resolveFbo);
        glGenRenderbuffers(1, &m_resolveColor);
        glBindRenderbuffer(GL_RENDERBUFFER, m_resolveColor);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_SRGB8_ALPHA8, w, h);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, m_resolveColor);
        status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (status != GL_FRAMEBUFFER_COMPLETE) {
        if (error) *error = "offscreen framebuffer incomplete (status 0x" + std::to_string(status) + ")";
        destroy();
        return false;
    }
    return true;
}

void OffscreenTarget::bind() {
    glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
    glViewport(0, 0, m_width, m_height);
}

bool OffscreenTarget::readRgba(std::vector<uint8_t>& out) {
    if (!m_fbo) return false;
    while (glGetError() != GL_NO_ERROR) {}  // report only errors of the read below
    // Resolve: averaging happens in linear light when sRGB conversion is on.
    glEnable(GL_FRAMEBUFFER_SRGB);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, m_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, m_resolveFbo);
    glBlitFramebuffer(0, 0, m_width, m_height, 0, 0, m_width, m_height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glDisable(GL_FRAMEBUFFER_SRGB);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, m_resolveFbo);
    std::vector<uint8_t> pixels(size_t(m_width) * size_t(m_height) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, m_width, m_height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    glBindFramebuffer(GL_FRAMEBUFFER, m_fbo);
    if (glGetError() != GL_NO_ERROR) return false;
    out.resize(pixels.size());
    const size_t row = size_t(m_width) * 4;
    for (int y = 0; y < m_height; ++y)
        std::copy_n(pixels.data() + size_t(m_height - 1 - y) * row, row, out.data() + size_t(y) * row);
    return true;
}

void OffscreenTarget::destroy() {
    if (m_fbo) glDeleteFramebuffers(1, &m_fbo);
    if (m_resolveFbo) glDeleteFramebuffers(1, &m_resolveFbo);
    if (m_color) glDeleteRenderbuffers(1, &m_color);
    if (m_depth) glDeleteRenderbuffers(1, &m_depth);
    if (m_resolveColor) glDeleteRenderbuffers(1, &m_resolveColor);
    m_fbo = m_resolveFbo = m_color = m_depth = m_resolveColor = 0;
    m_width = m_height = 0;
}

bool savePng(const std::string& path, int w, int h, const std::vector<uint8_t>& rgbaTopDown) {
    if (w <= 0 || h <= 0 || rgbaTopDown.size() < size_t(w) * size_t(h) * 4) return false;
    return stbi_write_png(path.c_str(), w, h, 4, rgbaTopDown.data(), w * 4) != 0;
}

}  // namespace client
