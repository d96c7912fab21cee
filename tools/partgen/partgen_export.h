// partgen_export.h: writes a PartScene to disk through Assimp.
//
//   .glb / .gltf  glTF 2.0 ("glb2" / "gltf2"), in METRES as the glTF spec requires; a root node
//                 named after the scene, one child node (and mesh) per part, PBR materials
//                 (baseColorFactor, metallicFactor, roughnessFactor).
//   .stl          binary STL, in MILLIMETRES (the CAD convention), all parts in one file.
//
// Assimp stays out of this header: callers need not include or link anything but tools_partgen.
#pragma once

#include <string>

#include "tools/partgen/partgen.h"

namespace tools {

enum class ModelFormat {
    Glb,   // binary glTF 2.0, metres
    Gltf,  // text glTF 2.0 with a .bin beside it, metres
    Stl,   // binary STL, millimetres
};

// Picks the format from the file name's extension (case-insensitive). False for any other.
bool formatForPath(const std::string& path, ModelFormat& out);

// Writes the scene. Returns false with a message that names the file and what went wrong.
bool writeModel(const PartScene& scene, const std::string& path, std::string& error);

}  // namespace tools
