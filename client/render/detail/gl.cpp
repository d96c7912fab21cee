// detail/gl.cpp: GL object deleters and the shader program builder.
#include <epoxy/gl.h>

#include "client/render/detail/gl.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace client::detail {

const char* embeddedShader(const std::string& name) {
    for (int i = 0; i < kEmbeddedShaderCount; ++i)
        if (name == kEmbeddedShaders[i].name) return kEmbeddedShaders[i].source;
    return nullptr;
}

void deleteBuffer(uint32_t id) { glDeleteBuffers(1, &id); }
void deleteVertexArray(uint32_t id) { glDeleteVertexArrays(1, &id); }
void deleteTexture(uint32_t id) { glDeleteTextures(1, &id); }
void deleteProgram(uint32_t id) { glDeleteProgram(id); }
void deleteFramebuffer(uint32_t id) { glDeleteFramebuffers(1, &id); }
void deleteRenderbuffer(uint32_t id) { glDeleteRenderbuffers(1, &id); }
void deleteQuery(uint32_t id) { glDeleteQueries(1, &id); }

GlBuffer makeBuffer() { GLuint id = 0; glGenBuffers(1, &id); return GlBuffer(id); }
GlVertexArray makeVertexArray() { GLuint id = 0; glGenVertexArrays(1, &id); return GlVertexArray(id); }
GlTexture makeTexture() { GLuint id = 0; glGenTextures(1, &id); return GlTexture(id); }
GlQuery makeQuery() { GLuint id = 0; glGenQueries(1, &id); return GlQuery(id); }

namespace {

GLuint compile(GLenum type, std::initializer_list<const char*> files, const std::string& defines, std::string* error) {
    std::string source = "#version 410 core\n" + defines + "\n";
    std::string names;
    for (const char* f : files) {
        const char* text = embeddedShader(f);
        if (!text) {
            if (error) *error = std::string("shader file not embedded: ") + f;
            return 0;
        }
        source += "#line 1\n";
        source += text;
        source += "\n";
        names += std::string(names.empty() ? "" : " + ") + f;
    }
    GLuint shader = glCreateShader(type);
    const char* src = source.c_str();
    glShaderSource(shader, 1, &src, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        GLint len = 0;
        glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &len);
        std::vector<char> log(size_t(std::max(len, 1)));
        glGetShaderInfoLog(shader, len, nullptr, log.data());
        if (error) *error = "shader " + names + " does not compile: " + log.data();
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

GlProgram buildProgram(std::initializer_list<const char*> vertexFiles, std::initializer_list<const char*> fragmentFiles,
                       const std::string& defines, std::string* error) {
    GLuint vs = compile(GL_VERTEX_SHADER, vertexFiles, defines, error);
    if (!vs) return {};
    GLuint fs = compile(GL_FRAGMENT_SHADER, fragmentFiles, defines, error);
    if (!fs) {
        glDeleteShader(vs);
        return {};
    }
    GLuint program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        GLint len = 0;
        glGetProgramiv(program, GL_INFO_LOG_LENGTH, &len);
        std::vector<char> log(size_t(std::max(len, 1)));
        glGetProgramInfoLog(program, len, nullptr, log.data());
        if (error) *error = std::string("shader program does not link: ") + log.data();
        glDeleteProgram(program);
        return {};
    }
    GLuint block = glGetUniformBlockIndex(program, "Frame");
    if (block != GL_INVALID_INDEX) glUniformBlockBinding(program, block, 0);
    // Every sampler the shared shaders declare gets its own unit (two samplers of different types
    // left on unit 0 would make every draw fail): base colour 0, the inspector's shadow map 1,
    // the IBL 2-4 (detail/ibl.h), the hall's shadow map 5.
    static const std::pair<const char*, int> kSamplers[] = {
        {"uTexture", 0}, {"uShadowMap", 1}, {"uPrefiltered", 2}, {"uIrradiance", 3}, {"uBrdfLut", 4}, {"uHallShadow", 5}};
    glUseProgram(program);
    for (const auto& [name, unit] : kSamplers)
        if (GLint loc = glGetUniformLocation(program, name); loc >= 0) glUniform1i(loc, unit);
    glUseProgram(0);
    return GlProgram(program);
}

}  // namespace client::detail
