// headless_gl.h: an OpenGL core context with no window and no display, through EGL's device
// platform (EGL_EXT_platform_device; a hardware device before Mesa's software one, then Mesa's
// surfaceless platform, then the default display) and a surfaceless context. For render tests, screenshots and
// benchmarks: Mesa's llvmpipe answers the device query on a plain machine, the NVIDIA driver on a
// GPU server. Draw into an OffscreenTarget (renderer.h): there is no default framebuffer.
#pragma once

#include <memory>
#include <string>

namespace client {

class HeadlessGl {
public:
    // Tries GL 4.5 core, then 4.1 core, on the first display that initialises (order above). On
    // success the context is current on the calling thread. nullptr + message otherwise.
    static std::unique_ptr<HeadlessGl> create(std::string* error);

    std::string rendererName() const;   // GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    std::string versionString() const;  // GL_VERSION
    std::string platformName() const;   // how the display was opened, e.g. "EGL device"
    void makeCurrent();                 // current again on the calling thread
    void finish();                      // glFinish: returns when the GPU has done all submitted work

    ~HeadlessGl();
    HeadlessGl(const HeadlessGl&) = delete;
    HeadlessGl& operator=(const HeadlessGl&) = delete;

private:
    HeadlessGl() = default;
    void* m_display = nullptr;  // EGLDisplay
    void* m_context = nullptr;  // EGLContext
    const char* m_platform = "";
};

}  // namespace client
