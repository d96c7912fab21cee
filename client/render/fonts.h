// fonts.h: finds a font that can draw Chinese (simplified and traditional) on this machine.
#pragma once

#include <string>

namespace client {

// Searches /usr/share/fonts (recursively) for wqy-microhei.ttc, then Noto Sans CJK (.ttc, then
// .otf), then DroidSansFallback. Returns the path of the first found, or "" if there is none.
std::string findCjkFont();

}  // namespace client
