// tools/bake/import.cpp: Assimp scene -> net::asset::SourceModel (units, axes, nodes, PBR
// materials, textures as PNG/JPEG bytes).
#include "tools/bake/import.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <assimp/GltfMaterial.h>
#include <assimp/Importer.hpp>
#include <assimp/material.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <stb_image.h>        // implementations in Debian's libstb
#include <stb_image_write.h>

namespace tools::bake {

namespace {

namespace fs = std::filesystem;
using net::asset::ImageFormat;

std::string lower(std::string s) {
    for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

bool readFile(const std::string& path, std::vector<uint8_t>& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

void pngWriter(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    const auto* b = static_cast<const uint8_t*>(data);
    out->insert(out->end(), b, b + size);
}

// Makes `bytes` a PNG or JPEG the reader accepts: kept as is when it already is one that decodes,
// re-encoded as PNG when stb can decode it (BMP, TGA, ...). False when it is not an image.
bool normalizeImage(std::vector<uint8_t>& bytes) {
    int w = 0, h = 0, n = 0;
    if (bytes.empty() || !stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &n)) return false;
    ImageFormat f;
    uint32_t sw, sh;
    stbi_uc* pixels = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &n, 4);
    if (!pixels) return false;  // a header that lies, a truncated body
    if (!net::asset::sniffImage(bytes, f, sw, sh)) {
        std::vector<uint8_t> png;
        stbi_write_png_to_func(pngWriter, &png, w, h, 4, pixels, w * 4);
        bytes = std::move(png);
    }
    stbi_image_free(pixels);
    return !bytes.empty();
}

struct Importer {
    const aiScene* scene = nullptr;
    std::string dir;
    ImportResult& out;
    std::map<std::string, int> textureIds;
    aiMatrix4x4 axis;        // applied before the node transforms' result (STL: z up -> y up)
    float unit = 1.0f;

    int texture(const aiString& path, const char* role) {
        const std::string key = path.C_Str();
        if (auto it = textureIds.find(key); it != textureIds.end()) return it->second;
        net::asset::Texture t;
        t.name = fs::path(key).filename().string();
        bool ok = false;
        if (const aiTexture* e = scene->GetEmbeddedTexture(key.c_str())) {
            if (e->mHeight == 0) {
                const auto* b = reinterpret_cast<const uint8_t*>(e->pcData);
                t.bytes.assign(b, b + e->mWidth);
                ok = normalizeImage(t.bytes);
            } else if (e->mWidth <= 8192 && e->mHeight <= 8192) {
                std::vector<uint8_t> rgba(size_t(e->mWidth) * e->mHeight * 4);
                for (size_t i = 0; i < size_t(e->mWidth) * e->mHeight; ++i) {
                    const aiTexel& x = e->pcData[i];
                    rgba[i * 4] = x.r; rgba[i * 4 + 1] = x.g; rgba[i * 4 + 2] = x.b; rgba[i * 4 + 3] = x.a;
                }
                stbi_write_png_to_func(pngWriter, &t.bytes, int(e->mWidth), int(e->mHeight), 4, rgba.data(), int(e->mWidth) * 4);
                ok = !t.bytes.empty();
            }
        } else {
            ok = readFile((fs::path(dir) / key).string(), t.bytes) && normalizeImage(t.bytes);
        }
        int id = -1;
        if (ok) {
            ImageFormat f;
            net::asset::sniffImage(t.bytes, f, t.width, t.height);
            t.format = f;
            id = int(out.model.textures.size());
            out.model.textures.push_back(std::move(t));
        } else {
            out.notes.push_back(std::string(role) + " texture '" + key + "' is missing or not an image: left out");
        }
        textureIds.emplace(key, id);
        return id;
    }

    net::asset::Material material(const aiMaterial* m, bool stl) {
        net::asset::Material mat;
        aiString name;
        if (m->Get(AI_MATKEY_NAME, name) == AI_SUCCESS) mat.name = name.C_Str();
        aiColor4D c;
        if (m->Get(AI_MATKEY_BASE_COLOR, c) == AI_SUCCESS || m->Get(AI_MATKEY_COLOR_DIFFUSE, c) == AI_SUCCESS)
            mat.baseColor = {c.r, c.g, c.b, c.a};
        float f = 0;
        bool pbr = false;
        if (m->Get(AI_MATKEY_METALLIC_FACTOR, f) == AI_SUCCESS) { mat.metallic = f; pbr = true; }
        if (m->Get(AI_MATKEY_ROUGHNESS_FACTOR, f) == AI_SUCCESS) { mat.roughness = f; pbr = true; }
        if (!pbr) {  // Phong: a shininess exponent maps roughly to roughness
            float shininess = 0;
            if (m->Get(AI_MATKEY_SHININESS, shininess) == AI_SUCCESS && shininess > 0)
                mat.roughness = std::clamp(std::sqrt(2.0f / (shininess + 2.0f)), 0.05f, 1.0f);
        }
        aiColor3D e;
        if (m->Get(AI_MATKEY_COLOR_EMISSIVE, e) == AI_SUCCESS) mat.emissive = {e.r, e.g, e.b};
        aiString tex;
        if (m->GetTexture(aiTextureType_BASE_COLOR, 0, &tex) == AI_SUCCESS || m->GetTexture(aiTextureType_DIFFUSE, 0, &tex) == AI_SUCCESS)
            mat.baseColorTexture = texture(tex, "base colour");
        if (m->GetTexture(AI_MATKEY_GLTF_PBRMETALLICROUGHNESS_METALLICROUGHNESS_TEXTURE, &tex) == AI_SUCCESS)
            mat.metallicRoughnessTexture = texture(tex, "metallic-roughness");
        if (m->GetTexture(aiTextureType_NORMALS, 0, &tex) == AI_SUCCESS) mat.normalTexture = texture(tex, "normal");
        if (stl) {  // STL carries no material: CAD parts are shown as machined steel
            mat.name = "machined_steel";
            mat.baseColor = {0.62f, 0.63f, 0.65f, 1.0f};
            mat.metallic = 0.85f;
            mat.roughness = 0.38f;
        }
        return mat;
    }

    void mesh(const aiMesh* m, int node, const aiMatrix4x4& world) {
        if (!(m->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) return;
        net::asset::SourceMesh s;
        s.name = m->mName.C_Str();
        s.node = node;
        s.material = int(m->mMaterialIndex) < int(out.model.materials.size()) ? int(m->mMaterialIndex) : -1;
        aiMatrix3x3 normalMatrix(world);
        normalMatrix.Inverse().Transpose();
        s.positions.reserve(size_t(m->mNumVertices) * 3);
        for (unsigned v = 0; v < m->mNumVertices; ++v) {
            const aiVector3D p = world * m->mVertices[v];
            s.positions.insert(s.positions.end(), {p.x * unit, p.y * unit, p.z * unit});
        }
        if (m->HasNormals())
            for (unsigned v = 0; v < m->mNumVertices; ++v) {
                const aiVector3D n = normalMatrix * m->mNormals[v];
                s.normals.insert(s.normals.end(), {n.x, n.y, n.z});
            }
        if (m->HasTextureCoords(0))
            for (unsigned v = 0; v < m->mNumVertices; ++v)  // Assimp's origin is bottom-left; images go top-down
                s.uvs.insert(s.uvs.end(), {m->mTextureCoords[0][v].x, 1.0f - m->mTextureCoords[0][v].y});
        for (unsigned f = 0; f < m->mNumFaces; ++f) {
            const aiFace& face = m->mFaces[f];
            if (face.mNumIndices == 3) s.indices.insert(s.indices.end(), {face.mIndices[0], face.mIndices[1], face.mIndices[2]});
        }
        if (!s.indices.empty()) out.model.meshes.push_back(std::move(s));
    }

    void node(const aiNode* n, int parent, const aiMatrix4x4& parentWorld, int depth) {
        if (depth > 256) return;  // a hostile file's endless nesting
        const aiMatrix4x4 world = parentWorld * n->mTransformation;
        const int id = int(out.model.nodes.size());
        out.model.nodes.push_back({n->mName.C_Str(), parent});
        for (unsigned i = 0; i < n->mNumMeshes; ++i)
            if (n->mMeshes[i] < scene->mNumMeshes) mesh(scene->mMeshes[n->mMeshes[i]], id, world);
        for (unsigned i = 0; i < n->mNumChildren; ++i) node(n->mChildren[i], id, world, depth + 1);
    }
};

// Largest extent of the scene's vertices through the node transforms (before unit scaling).
void sceneExtent(const aiScene* s, const aiNode* n, const aiMatrix4x4& parent, aiVector3D& mn, aiVector3D& mx, int depth) {
    if (depth > 256) return;
    const aiMatrix4x4 world = parent * n->mTransformation;
    for (unsigned i = 0; i < n->mNumMeshes; ++i) {
        if (n->mMeshes[i] >= s->mNumMeshes) continue;
        const aiMesh* m = s->mMeshes[n->mMeshes[i]];
        for (unsigned v = 0; v < m->mNumVertices; ++v) {
            const aiVector3D p = world * m->mVertices[v];
            if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) continue;
            mn = aiVector3D(std::min(mn.x, p.x), std::min(mn.y, p.y), std::min(mn.z, p.z));
            mx = aiVector3D(std::max(mx.x, p.x), std::max(mx.y, p.y), std::max(mx.z, p.z));
        }
    }
    for (unsigned i = 0; i < n->mNumChildren; ++i) sceneExtent(s, n->mChildren[i], world, mn, mx, depth + 1);
}

}  // namespace

bool parseUnits(const std::string& text, Units& out) {
    if (text == "mm") out = Units::Millimetres;
    else if (text == "m") out = Units::Metres;
    else if (text == "auto") out = Units::Auto;
    else return false;
    return true;
}

bool importModel(const std::string& path, const ImportOptions& opt, ImportResult& out, std::string* error) {
    out = ImportResult{};
    auto fail = [&](const std::string& why) {
        if (error) *error = path + ": " + why;
        return false;
    };
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return fail("no such file");
    if (fs::file_size(path, ec) == 0) return fail("empty file");

    Assimp::Importer importer;
    importer.SetPropertyInteger(AI_CONFIG_PP_SBP_REMOVE, aiPrimitiveType_POINT | aiPrimitiveType_LINE);
    importer.SetPropertyBool(AI_CONFIG_PP_FD_REMOVE, true);
    // Assimp's area check drops triangles under 1e-6 square units: every triangle of a finely
    // tessellated small part in metres. Zero-area triangles are dropped by the baker instead.
    importer.SetPropertyBool(AI_CONFIG_PP_FD_CHECKAREA, false);
    const unsigned flags = aiProcess_Triangulate | aiProcess_GenSmoothNormals | aiProcess_JoinIdenticalVertices |
                           aiProcess_SortByPType | aiProcess_FindDegenerates | aiProcess_FindInvalidData |
                           aiProcess_ValidateDataStructure;
    const aiScene* scene = importer.ReadFile(path, flags);
    if (!scene || !scene->mRootNode || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE))
        return fail(std::string("cannot read the model (") + importer.GetErrorString() + ")");
    if (scene->mNumMeshes == 0) return fail("the model has no meshes");

    const std::string ext = lower(fs::path(path).extension().string());
    const bool stl = ext == ".stl";
    Importer im{scene, fs::path(path).parent_path().string(), out, {}, aiMatrix4x4(), 1.0f};
    if (stl) im.axis = aiMatrix4x4(1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1);  // (x, y, z) -> (x, z, -y)

    aiVector3D mn(1e30f, 1e30f, 1e30f), mx(-1e30f, -1e30f, -1e30f);
    sceneExtent(scene, scene->mRootNode, im.axis, mn, mx, 0);
    const float extent = std::max({mx.x - mn.x, mx.y - mn.y, mx.z - mn.z});
    switch (opt.units) {
    case Units::Millimetres: im.unit = 0.001f; break;
    case Units::Metres: im.unit = 1.0f; break;
    case Units::Auto:
        if (stl) {
            im.unit = 0.001f;
            out.notes.push_back("STL: millimetres, z up");
        } else if (ext != ".gltf" && ext != ".glb" && extent > 50.0f) {
            im.unit = 0.001f;
            out.notes.push_back("over 50 units across: taken as millimetres");
        }
        break;
    }
    out.unitScale = im.unit;

    for (unsigned i = 0; i < scene->mNumMaterials; ++i) out.model.materials.push_back(im.material(scene->mMaterials[i], stl));
    im.node(scene->mRootNode, -1, im.axis, 0);
    if (out.model.meshes.empty()) return fail("the model has no triangles");
    for (const auto& m : out.model.meshes)
        if (m.normals.empty()) {
            out.notes.push_back("normals missing: generated");
            break;
        }
    return true;
}

}  // namespace tools::bake

// --- the isolated import -----------------------------------------------------------------------

namespace tools::bake {

namespace {

void put(std::vector<uint8_t>& b, const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    b.insert(b.end(), c, c + n);
}
void putStr(std::vector<uint8_t>& b, const std::string& s) {
    const uint64_t n = s.size();
    put(b, &n, 8);
    put(b, s.data(), s.size());
}

struct Cursor {
    const std::vector<uint8_t>& b;
    size_t at = 0;
    bool ok = true;
    void get(void* p, size_t n) {
        if (!ok || n > b.size() - at) { ok = false; return; }
        std::memcpy(p, b.data() + at, n);
        at += n;
    }
    std::string str() {
        uint64_t n = 0;
        get(&n, 8);
        if (!ok || n > b.size() - at) { ok = false; return {}; }
        std::string s(reinterpret_cast<const char*>(b.data() + at), size_t(n));
        at += size_t(n);
        return s;
    }
};

// Child: import + bake, the result as one message on `fd`.
[[noreturn]] void childBake(const std::string& path, const ImportOptions& opt, const net::asset::BakeOptions& bakeOpt, int fd) {
    std::vector<uint8_t> msg;
    ImportResult r;
    std::string error;
    std::vector<uint8_t> baked;
    net::asset::BakeStats st;
    uint8_t ok = importModel(path, opt, r, &error) && net::asset::bake(r.model, bakeOpt, baked, &st, &error);
    if (ok == 0 && error.find(path) == std::string::npos) error = path + ": " + error;
    put(msg, &ok, 1);
    putStr(msg, error);
    for (const auto& n : st.repairs) r.notes.push_back(n);
    const uint64_t notes = r.notes.size();
    put(msg, &notes, 8);
    for (const auto& n : r.notes) putStr(msg, n);
    put(msg, &r.unitScale, 4);
    const uint64_t counts[6] = {st.inputTriangles, st.triangles, st.vertices, st.degenerateRemoved, st.lodLevels, st.lod0Bytes};
    put(msg, counts, sizeof counts);
    const double times[3] = {st.acmr, st.lodMs, st.lodCpuMs};
    put(msg, times, sizeof times);
    putStr(msg, std::string(baked.begin(), baked.end()));
    size_t done = 0;
    while (done < msg.size()) {
        const ssize_t n = ::write(fd, msg.data() + done, msg.size() - done);
        if (n <= 0) break;
        done += size_t(n);
    }
    ::_exit(0);
}

}  // namespace

bool bakeFileIsolated(const std::string& path, const ImportOptions& opt, const net::asset::BakeOptions& bakeOpt,
                      IsolatedBake& out, std::string* error, int timeoutSeconds) {
    out = IsolatedBake{};
    auto fail = [&](const std::string& why) {
        if (error) *error = why;
        return false;
    };
    int fds[2];
    if (::pipe(fds) != 0) return fail(path + ": cannot start the importer (pipe)");
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return fail(path + ": cannot start the importer (fork)");
    }
    if (pid == 0) {
        ::close(fds[0]);
        childBake(path, opt, bakeOpt, fds[1]);
    }
    ::close(fds[1]);
    std::vector<uint8_t> msg;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    bool timedOut = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) { timedOut = true; break; }
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, int(std::min<long long>(left, 1000))) < 0 && errno != EINTR) break;
        if (!(p.revents & (POLLIN | POLLHUP))) continue;
        uint8_t buf[65536];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        msg.insert(msg.end(), buf, buf + n);
    }
    ::close(fds[0]);
    if (timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (timedOut) return fail(path + ": reading the model took longer than " + std::to_string(timeoutSeconds) + " s: given up");
    if (WIFSIGNALED(status))
        return fail(path + ": the importer failed on this file (" + strsignal(WTERMSIG(status)) + "): damaged or unsupported");
    Cursor c{msg};
    uint8_t ok = 0;
    c.get(&ok, 1);
    const std::string why = c.str();
    uint64_t notes = 0;
    c.get(&notes, 8);
    for (uint64_t i = 0; c.ok && i < notes; ++i) out.notes.push_back(c.str());
    c.get(&out.unitScale, 4);
    uint64_t counts[6] = {};
    c.get(counts, sizeof counts);
    double times[3] = {};
    c.get(times, sizeof times);
    const std::string baked = c.str();
    if (!c.ok) return fail(path + ": the importer stopped without an answer: damaged or unsupported");
    if (!ok) return fail(why);
    out.baked.assign(baked.begin(), baked.end());
    out.stats.inputTriangles = counts[0];
    out.stats.triangles = counts[1];
    out.stats.vertices = counts[2];
    out.stats.degenerateRemoved = counts[3];
    out.stats.lodLevels = size_t(counts[4]);
    out.stats.lod0Bytes = counts[5];
    out.stats.acmr = times[0];
    out.stats.lodMs = times[1];
    out.stats.lodCpuMs = times[2];
    return true;
}

}  // namespace tools::bake
