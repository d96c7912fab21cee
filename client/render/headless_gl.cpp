// headless_gl.cpp: EGL device enumeration and a surfaceless core context (recipe of
// shared/gpu/egl_headless_probe.c).
#include "client/render/headless_gl.h"

#include <epoxy/egl.h>  // epoxy's EGL and GL headers go together; Khronos' EGL/egl.h clashes with epoxy/gl.h
#include <epoxy/gl.h>

#include <cstdio>

namespace client {

namespace {

EGLDisplay openDisplay() {
    auto queryDevices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
    auto platformDisplay =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (queryDevices && platformDisplay) {
        EGLDeviceEXT devices[16];
        EGLint count = 0;
        if (queryDevices(16, devices, &count)) {
            for (EGLint i = 0; i < count; ++i) {
                EGLDisplay d = platformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
                EGLint major = 0, minor = 0;
                if (d != EGL_NO_DISPLAY && eglInitialize(d, &major, &minor)) return d;
            }
        }
    }
    EGLDisplay d = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    EGLint major = 0, minor = 0;
    if (d != EGL_NO_DISPLAY && eglInitialize(d, &major, &minor)) return d;
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
    EGLDisplay display = openDisplay();
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
    return gl;
}

std::string HeadlessGl::rendererName() const { return glString(GL_RENDERER); }
std::string HeadlessGl::versionString() const { return glString(GL_VERSION); }

void HeadlessGl::makeCurrent() {
    eglMakeCurrent(static_cast<EGLDisplay>(m_display), EGL_NO_SURFACE, EGL_NO_SURFACE,
                   static_cast<EGLContext>(m_context));
}

HeadlessGl::~HeadlessGl() {
    auto display = static_cast<EGLDisplay>(m_display);
    if (!display) return;
    eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(display, static_cast<EGLContext>(m_context));
    eglTerminate(display);
}

}  // namespace client
