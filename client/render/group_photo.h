// group_photo.h: the group picture of the signing moment: the hall drawn from a fixed camera in
// front of the stage (Renderer::stagePhotoCamera) into an offscreen target, read back and saved as
// a PNG in the user's pictures folder.
//
//   RgbaImage photo;
//   if (renderGroupPhoto(renderer, avatarsOnStage, {}, photo, &error))
//       saveGroupPhoto(photo, defaultPhotoDir(), groupPhotoFileName(title, "2024-06-04 11:32"), path, &error);
#pragma once

#include <span>
#include <string>

#include "client/render/image.h"
#include "client/render/renderer.h"

namespace client {

struct GroupPhotoDesc {
    int width = 1280, height = 720;  // pixels
    int samples = 4;                 // MSAA
};

// Draws `avatars` in the hall from the stage camera into an offscreen target and reads the
// picture back (opaque). Needs the renderer's GL context current; the framebuffer bindings and
// viewport are as they were afterwards. False with a message when GL refuses the target.
bool renderGroupPhoto(Renderer& renderer, std::span<const AvatarInstance> avatars, const GroupPhotoDesc& desc,
                      RgbaImage& out, std::string* error);

// "dockhall-signing-<title>-<stamp>.png": the title as it is (Chinese stays Chinese), characters
// that file systems refuse or that split paths replaced by '_', at most 80 bytes of it; the stamp
// ("2024-06-04 11:32") as 20240604-1132.
std::string groupPhotoFileName(const std::string& title, const std::string& stamp);

// Where the pictures go unless told otherwise: ~/Pictures/Dockhall when ~/Pictures exists, else
// $XDG_DATA_HOME/dockhall/photos (~/.local/share/dockhall/photos). "" when there is no home.
std::string defaultPhotoDir();

// Writes the picture as a PNG into `dir` (made if missing), as `fileName` or, if that exists,
// with -2, -3, ... before ".png". `path` receives the file written. False with a message.
bool saveGroupPhoto(const RgbaImage& photo, const std::string& dir, const std::string& fileName, std::string& path,
                    std::string* error);

}  // namespace client
