// detail/baked_loader.h: turns a baked model (.dhm, net/asset/baked.h) into the renderer's CPU
// mesh (LoadedModel): every mesh's vertices in one array, its levels of detail as index ranges
// grouped by texture, base-colour textures decoded, one group per node for the exploded view.
// No GL: runs on worker threads; the renderer uploads the result on its own thread.
//
// Finding the baked version of an exhibit: `models/spur_gear.glb` is looked up in
// `<assetsDir>/models/baked/index.json` (written by `dockhall-bake --index`), which names the
// baked file and the BLAKE2b of the source it was made from. A stale entry (the source changed
// since) is not used. A path ending in `.dhm` is a baked file itself.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "client/render/detail/model_loader.h"

namespace client::detail {

// Decodes baked bytes. False with a message (the reader's: what is corrupt) on any failure.
bool loadBakedModel(std::span<const uint8_t> bytes, LoadedModel& out, std::string* error);

enum class BakedLookup { Found, NotBaked, Stale };

// Finds the baked file for `asset` (relative to `assetsDir`). Found: `bakedPath` is set.
BakedLookup findBakedFile(const std::string& assetsDir, const std::string& asset, std::string& bakedPath);

// The whole way from an exhibit's asset path to a LoadedModel: the baked file when there is one,
// else (not baked, or stale) the source through Assimp with a note saying so. False with a
// message naming the file.
bool loadExhibitModel(const std::string& assetsDir, const std::string& asset, LoadedModel& out, std::string* error);

}  // namespace client::detail
