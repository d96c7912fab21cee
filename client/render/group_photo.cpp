// group_photo.cpp: drawing, naming and saving the group picture (group_photo.h).
#include <epoxy/gl.h>

#include "client/render/group_photo.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace client {

bool renderGroupPhoto(Renderer& renderer, std::span<const AvatarInstance> avatars, const GroupPhotoDesc& desc,
                      RgbaImage& out, std::string* error) {
    GLint drawFbo = 0, readFbo = 0, viewport[4] = {};
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &drawFbo);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &readFbo);
    glGetIntegerv(GL_VIEWPORT, viewport);
    bool ok = false;
    {
        OffscreenTarget target;
        if (target.create(desc.width, desc.height, desc.samples, error)) {
            target.bind();
            const CameraView cam = renderer.stagePhotoCamera(float(desc.width) / float(std::max(desc.height, 1)));
            renderer.render(cam, avatars, desc.width, desc.height);
            out.width = desc.width;
            out.height = desc.height;
            ok = target.readRgba(out.rgba);
            if (!ok && error) *error = "the picture could not be read back from the GPU";
            for (size_t i = 3; ok && i < out.rgba.size(); i += 4) out.rgba[i] = 255;
        }
    }
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(drawFbo));
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(readFbo));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    if (!ok) out = {};
    return ok;
}

std::string groupPhotoFileName(const std::string& title, const std::string& stamp) {
    std::string name;
    for (size_t i = 0; i < title.size();) {
        const auto c = uint8_t(title[i]);
        const size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        if (name.size() + len > 80 || i + len > title.size()) break;  // whole characters only
        if (len == 1) {
            const bool refused = c < 0x20 || c == 0x7F || std::string_view("/\\:*?\"<>|").find(char(c)) != std::string_view::npos;
            name += refused || c == ' ' ? '_' : char(c);
        } else if (c >= 0xC0) {
            name.append(title, i, len);
        }
        i += len;
    }
    while (!name.empty() && (name.back() == '_' || name.back() == '.')) name.pop_back();
    while (!name.empty() && (name.front() == '_' || name.front() == '.')) name.erase(name.begin());
    std::string when;
    for (char ch : stamp) {
        if (ch >= '0' && ch <= '9') when += ch;
        else if (ch == ' ' && when.size() == 8) when += '-';
    }
    std::string out = "dockhall-signing";
    if (!name.empty()) out += "-" + name;
    if (!when.empty()) out += "-" + when;
    return out + ".png";
}

std::string defaultPhotoDir() {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return "";
    std::error_code ec;
    const std::filesystem::path pictures = std::filesystem::path(home) / "Pictures";
    if (std::filesystem::is_directory(pictures, ec)) return (pictures / "Dockhall").string();
    const char* data = std::getenv("XDG_DATA_HOME");
    const std::filesystem::path base = data && *data ? std::filesystem::path(data) : std::filesystem::path(home) / ".local" / "share";
    return (base / "dockhall" / "photos").string();
}

bool saveGroupPhoto(const RgbaImage& photo, const std::string& dir, const std::string& fileName, std::string& path,
                    std::string* error) {
    path.clear();
    if (photo.empty()) {
        if (error) *error = "there is no picture to save";
        return false;
    }
    if (dir.empty()) {
        if (error) *error = "no folder for pictures (HOME is not set)";
        return false;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        if (error) *error = dir + ": " + ec.message();
        return false;
    }
    std::filesystem::path target = std::filesystem::path(dir) / fileName;
    const std::string stem = target.stem().string(), ext = target.extension().string();
    for (int n = 2; std::filesystem::exists(target, ec) && n < 1000; ++n)
        target = std::filesystem::path(dir) / (stem + "-" + std::to_string(n) + ext);
    if (!savePng(target.string(), photo.width, photo.height, photo.rgba)) {
        if (error) *error = target.string() + ": cannot be written";
        return false;
    }
    path = target.string();
    return true;
}

}  // namespace client
