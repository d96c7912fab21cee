// event_loader.h: reads an event definition (assets/events/*.json) into an EventLayout.
//
// The JSON schema is documented in docs/event-format.md. Loading validates everything a hall
// needs to be walkable: sizes in range, booths inside the hall and their zone, no overlaps,
// asset paths that stay inside the assets folder. Errors name the record and the problem:
//   "booths[3] (Shuangniao Group): overlaps booths[2] (Zhongyi Machinery)"
#pragma once

#include <string>

#include "net/protocol/domain.h"

namespace server {

bool loadEventJson(const std::string& text, net::EventLayout& out, std::string& error);

// Reads a file and loads it; the error names the file.
bool loadEventFile(const std::string& path, net::EventLayout& out, std::string& error);

}  // namespace server
