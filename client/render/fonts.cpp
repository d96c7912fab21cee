// fonts.cpp: the CJK font search.
#include "client/render/fonts.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

namespace client {

namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool endsWith(const std::string& s, const char* suffix) {
    const std::string x(suffix);
    return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

}  // namespace

std::string findCjkFont() {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator("/usr/share/fonts", fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());  // the same answer on every run
    // In order of preference; the first rule with a match wins.
    auto pick = [&](auto matches) -> std::string {
        for (const auto& f : files)
            if (matches(f.filename().string())) return f.string();
        return {};
    };
    const auto rules = {
        +[](const std::string& n) { return n == "wqy-microhei.ttc"; },
        +[](const std::string& n) { return startsWith(n, "NotoSansCJK") && endsWith(n, "Regular.ttc"); },
        +[](const std::string& n) { return startsWith(n, "NotoSansCJK") && endsWith(n, ".ttc"); },
        +[](const std::string& n) { return startsWith(n, "NotoSans") && n.find("CJK") != std::string::npos && endsWith(n, "Regular.otf"); },
        +[](const std::string& n) { return startsWith(n, "NotoSans") && (n.find("CJK") != std::string::npos || n.find("SC-") != std::string::npos) && endsWith(n, ".otf"); },
        +[](const std::string& n) { return startsWith(n, "DroidSansFallback"); },
    };
    for (auto rule : rules) {
        std::string p = pick(rule);
        if (!p.empty()) return p;
    }
    return {};
}

}  // namespace client
