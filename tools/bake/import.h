// tools/bake/import.h: reads any model Assimp understands (glTF/GLB, OBJ+MTL, FBX, STL, PLY, 3DS,
// DAE, ...) into a net::asset::SourceModel in metres, y up, with its node hierarchy, PBR
// materials and textures: the one place Assimp runs. The hall never calls it while rendering; the
// baker (dockhall-bake), the benchmark and the tests do.
//
// Units: glTF is metres (the format says so); STL is millimetres and z up (as CAD writes it);
// anything else is metres unless it is over 50 units across, then millimetres. ImportOptions can
// force either. Repairs (generated normals, dropped unreadable textures, ...) are listed in
// ImportResult::notes; what cannot be repaired is an error naming the file and the reason.
#pragma once

#include <string>
#include <vector>

#include "net/asset/baked.h"

namespace tools::bake {

enum class Units { Auto, Millimetres, Metres };

struct ImportOptions {
    Units units = Units::Auto;
};

struct ImportResult {
    net::asset::SourceModel model;
    float unitScale = 1.0f;          // what the file's coordinates were multiplied by
    std::vector<std::string> notes;  // repairs and guesses, for the user
};

// Imports `path`. False with "<path>: <reason>" for a missing, empty, unreadable or empty-of-
// triangles file.
bool importModel(const std::string& path, const ImportOptions& opt, ImportResult& out, std::string* error);

// Imports and bakes `path` in a child process, so that an importer that crashes or hangs on a
// damaged file (Assimp asserts on some truncated PLY files, for one) costs the child, not the
// caller: the error then says the file is damaged. Waits at most `timeoutSeconds`. `notes` gets
// the import notes and the baker's repairs. Call it from a single-threaded program (it forks).
struct IsolatedBake {
    std::vector<uint8_t> baked;
    std::vector<std::string> notes;
    float unitScale = 1.0f;
    net::asset::BakeStats stats;     // counts and times; its repairs are in notes
};
bool bakeFileIsolated(const std::string& path, const ImportOptions& opt, const net::asset::BakeOptions& bakeOpt,
                      IsolatedBake& out, std::string* error, int timeoutSeconds = 300);

// Parses "mm" / "m" / "auto". False for anything else.
bool parseUnits(const std::string& text, Units& out);

}  // namespace tools::bake
