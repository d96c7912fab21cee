// partgen_common.h: helpers shared by partgen's generators (parameter checks, scene assembly).
#pragma once

#include <string>

#include "tools/partgen/geometry.h"
#include "tools/partgen/partgen.h"

namespace tools::detail {

std::string num(double v);  // "12.5", "0.001", "1e+06"

// True if lo <= v <= hi; otherwise sets `error` to "NAME is V, must be within [LO, HI] (WHY)".
bool checkRange(const char* name, double v, double lo, double hi, std::string& error, const std::string& why = {});

// Adds a material once (by name) and returns its index.
uint32_t useMaterial(PartScene& s, const Material& m);
void addPart(PartScene& s, const std::string& name, const Material& m, const geo::MeshBuilder& mb);
// Moves the scene up so its lowest point is at y = 0.
void restOnFloor(PartScene& s);

}  // namespace tools::detail
