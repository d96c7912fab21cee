// headless_gl.cpp: EGL device enumeration and a surfaceless core context (recipe of
// shared/gpu/egl_headless_probe.c).
#include "client/render/headless_gl.h"

#include <epoxy/egl.h>  // epoxy's EGL and GL headers go together; Khronos' EGL/egl.h clashes with epoxy/gl.h
#include <epoxy/gl.h>

#include <cstdio>
#include <cstring>

namespace client {

namespace {

bool initialize(EGLDisplay d) {
    EGLint major = 0, minor = 0;
    return d != EGL_NO_DISPLAY && eglInitialize(d, &major, &minor);
}

// The device platform first (a GPU with no display: NVIDIA's driver, Mesa's DRM devices), a real
// GPU before Mesa's software device; then Mesa's surfaceless platform (llvmpipe without any
// device), then whatever the default display is. `platform` names the one that worked.
EGLDisplay openDisplay(const char** platform) {
    auto queryDevices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
    auto queryDeviceString =
        reinterpret_cast<PFNEGLQUERYDEVICESTRINGEXTPROC>(eglGetProcAddress("eglQueryDeviceStringEXT"));
    auto platformDisplay =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (queryDevices && platformDisplay) {
        EGLDeviceEXT devices[16];
        EGLint count = 0;
        if (queryDevices(16, devices, &count)) {
            auto isSoftware = [&](EGLDeviceEXT dev) {
                const char* ext = queryDeviceString ? queryDeviceString(dev, EGL_EXTENSIONS) : nullptr;
                return ext && std::strstr(ext, "EGL_MESA_device_software");
            };
            for (int pass = 0; pass < 2; ++pass) {
                for (EGLint i = 0; i < count; ++i) {
                    if (isSoftware(devices[i]) != (pass == 1)) continue;
                    EGLDisplay d = platformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
                    if (initialize(d)) {
                        *platform = pass == 0 ? "EGL device" : "EGL device (software)";
                        return d;
                    }
                }
            }
        }
    }
    if (platformDisplay) {
        EGLDisplay d = platformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
        if (initialize(d)) {
            *platform = "EGL surfaceless (Mesa)";
            return d;
        }
    }
    EGLDisplay d = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    if (initialize(d)) {
        *platform = "EGL default display";
        return d;
    }
    return EGL_NO_DISPLAY;
}

std::string glString(GLenum name) {
    const GLubyte* s = glGetString(name);
    return s ? reinterpret_cast<const char*>(s) : "";
}

}  // namespace

std::unique_ptr<HeadlessGl> HeadlessGl::create(std::string* error) {
    auto fail = [&](const char* what) -> std::unique_ptr<HeadlessGl> {
        if (error) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "headless GL: %s (EGL error 0x%x)", what, unsigned(eglGetError()));
            *error = buf;
        }
        return nullptr;
    };
    const char* platform = "";
    EGLDisplay display = openDisplay(&platform);
    if (display == EGL_NO_DISPLAY) return fail("no EGL display (install libegl1 and a GL driver, e.g. Mesa)");
    const EGLint configAttribs[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLConfig config = nullptr;
    EGLint configs = 0;
    if (!eglChooseConfig(display, configAttribs, &config, 1, &configs) || configs < 1) {
        eglTerminate(display);
        return fail("no EGL config that renders desktop OpenGL");
    }
    if (!eglBindAPI(EGL_OPENGL_API)) {
        eglTerminate(display);
        return fail("EGL cannot bind the desktop OpenGL API");
    }
    EGLContext context = EGL_NO_CONTEXT;
    for (EGLint minor : {5, 1}) {
        const EGLint attribs[] = {EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, minor,
                                  EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
        context = eglCreateContext(display, config, EGL_NO_CONTEXT, attribs);
        if (context != EGL_NO_CONTEXT) break;
    }
    if (context == EGL_NO_CONTEXT) {
        eglTerminate(display);
        return fail("cannot create an OpenGL 4.5 or 4.1 core context");
    }
    if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
        eglDestroyContext(display, context);
        eglTerminate(display);
        return fail("cannot make the surfaceless context current (EGL_KHR_surfaceless_context missing?)");
    }
    std::unique_ptr<HeadlessGl> gl(new HeadlessGl());
    gl->m_display = display;
    gl->m_context = context;
    gl->m_platform = platform;
    return gl;
}

std::string HeadlessGl::rendererName() const { return glString(GL_RENDERER); }
std::string HeadlessGl::versionString() const { return glString(GL_VERSION); }
std::string HeadlessGl::platformName() const { return m_platform; }

void HeadlessGl::makeCurrent() {
    eglMakeCurrent(static_cast<EGLDisplay>(m_display), EGL_NO_SURFACE, EGL_NO_SURFACE,
                   static_cast<EGLContext>(m_context));
}

void HeadlessGl::finish() { glFinish(); }

HeadlessGl::~HeadlessGl() {
    auto display = static_cast<EGLDisplay>(m_display);
    if (!display) return;
    eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(display, static_cast<EGLContext>(m_context));
    eglTerminate(display);
}

}  // namespace client
