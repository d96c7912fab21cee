// detail/gl.h: small RAII owners for GL objects and the shader program builder. Private to
// client_render. Include only from .cpp files that include <epoxy/gl.h> first.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace client::detail {

// GLSL sources from shaders/*.glsl, embedded at build time (embedded_shaders.cpp).
struct EmbeddedShader {
    const char* name;    // file name, e.g. "lit.frag.glsl"
    const char* source;
};
extern const EmbeddedShader kEmbeddedShaders[];
extern const int kEmbeddedShaderCount;
// The source of an embedded file, or nullptr.
const char* embeddedShader(const std::string& name);

// Owns one GL name; `Deleter` frees it. Movable, not copyable.
template <void (*Deleter)(uint32_t)>
class GlName {
public:
    GlName() = default;
    explicit GlName(uint32_t id) : m_id(id) {}
    ~GlName() { reset(); }
    GlName(GlName&& o) noexcept : m_id(std::exchange(o.m_id, 0)) {}
    GlName& operator=(GlName&& o) noexcept {
        if (this != &o) { reset(); m_id = std::exchange(o.m_id, 0); }
        return *this;
    }
    GlName(const GlName&) = delete;
    GlName& operator=(const GlName&) = delete;
    uint32_t id() const { return m_id; }
    explicit operator bool() const { return m_id != 0; }
    void reset() { if (m_id) Deleter(m_id); m_id = 0; }

private:
    uint32_t m_id = 0;
};

void deleteBuffer(uint32_t id);
void deleteVertexArray(uint32_t id);
void deleteTexture(uint32_t id);
void deleteProgram(uint32_t id);
void deleteFramebuffer(uint32_t id);
void deleteRenderbuffer(uint32_t id);
void deleteQuery(uint32_t id);

using GlBuffer = GlName<deleteBuffer>;
using GlVertexArray = GlName<deleteVertexArray>;
using GlTexture = GlName<deleteTexture>;
using GlProgram = GlName<deleteProgram>;
using GlQuery = GlName<deleteQuery>;

GlBuffer makeBuffer();
GlVertexArray makeVertexArray();
GlTexture makeTexture();
GlQuery makeQuery();

// Compiles and links a program from embedded files: "#version 410 core", then `defines`, then
// each file of `vertexFiles` / `fragmentFiles` in order (a poor man's #include). Binds the
// uniform block "Frame" to binding 0 and the sampler "uTexture" to unit 0 when present.
// On failure: an empty program and a message naming the files and the compiler's log.
GlProgram buildProgram(std::initializer_list<const char*> vertexFiles, std::initializer_list<const char*> fragmentFiles,
                       const std::string& defines, std::string* error);

}  // namespace client::detail
