// booth_search.cpp: word-by-word substring search over folded booth text.
#include "client/core/booth_search.h"

#include <opencc.h>

#include <algorithm>

namespace client {

namespace {

// Splits on ASCII and ideographic spaces and commas.
std::vector<std::string> words(const std::string& folded) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
    };
    for (size_t i = 0; i < folded.size();) {
        if (folded[i] == ' ' || folded[i] == '\t' || folded[i] == ',') {
            flush();
            ++i;
        } else if (folded.compare(i, 3, "\xE3\x80\x80") == 0 || folded.compare(i, 3, "\xEF\xBC\x8C") == 0) {
            flush();  // 　 (ideographic space) or ，
            i += 3;
        } else {
            cur += folded[i++];
        }
    }
    flush();
    return out;
}

}  // namespace

BoothSearch::BoothSearch() {
    // OpenCC looks a bare config name up in its data directory; try the build-time path too.
    for (std::string path : {std::string("t2s.json"), std::string(DOCKHALL_OPENCC_DATA_DIR) + "/t2s.json"}) {
        opencc_t cc = opencc_open(path.c_str());
        if (cc != reinterpret_cast<opencc_t>(-1) && cc != nullptr) {
            m_opencc = cc;
            break;
        }
    }
}

BoothSearch::~BoothSearch() {
    if (m_opencc) opencc_close(static_cast<opencc_t>(m_opencc));
}

std::string BoothSearch::fold(std::string_view text) const {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (!m_opencc || out.empty()) return out;
    bool ascii = std::all_of(out.begin(), out.end(), [](char c) { return (unsigned char)c < 0x80; });
    if (ascii) return out;
    char* converted = opencc_convert_utf8(static_cast<opencc_t>(m_opencc), out.data(), out.size());
    if (!converted) return out;
    std::string folded(converted);
    opencc_convert_utf8_free(converted);
    return folded;
}

std::vector<int> BoothSearch::find(const net::EventLayout& ev, std::string_view query) const {
    std::vector<std::string> want = words(fold(query));
    std::vector<int> byName, byContent;
    for (size_t i = 0; i < ev.booths.size(); ++i) {
        const net::Booth& b = ev.booths[i];
        std::string name = fold(b.owner.name.zh + "\n" + b.owner.name.en);
        std::string rest = fold(b.brochure.zh + "\n" + b.brochure.en);
        for (const net::Exhibit& e : b.exhibits)
            rest += "\n" + fold(e.title.zh + "\n" + e.title.en + "\n" + e.material + "\n" + e.process.zh + "\n" + e.process.en);
        bool all = true, inName = true;
        for (const std::string& w : want) {
            bool n = name.find(w) != std::string::npos;
            inName = inName && n;
            if (!n && rest.find(w) == std::string::npos) {
                all = false;
                break;
            }
        }
        if (!all) continue;
        (inName ? byName : byContent).push_back(int(i));
    }
    byName.insert(byName.end(), byContent.begin(), byContent.end());
    return byName;
}

}  // namespace client
