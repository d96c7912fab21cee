// booth_search.h: finds booths by what a visitor types, in Chinese (either script) or English.
//
// A booth matches when every word of the query occurs in its text: the owner's names in both
// languages, its brochure, and its exhibits' titles, materials and processes. Matching ignores
// case and folds traditional Chinese to simplified with OpenCC (t2s), so 宁夏 finds
// 寧夏力成電氣集團 and 鍛件 finds 锻件. Without OpenCC's data it still matches, unfolded.
//
//   client::BoothSearch search;
//   for (int i : search.find(world.event(), "gear 42CrMo")) ...  // booth indices, best first
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/protocol/domain.h"

namespace client {

class BoothSearch {
public:
    BoothSearch();
    ~BoothSearch();
    BoothSearch(const BoothSearch&) = delete;
    BoothSearch& operator=(const BoothSearch&) = delete;

    // Indices into ev.booths whose text holds every word of `query`: name matches first, then
    // the rest, each group in booth order. An empty query lists every booth.
    std::vector<int> find(const net::EventLayout& ev, std::string_view query) const;

    // Lowercased ASCII, traditional folded to simplified: what find() compares.
    std::string fold(std::string_view text) const;
    bool foldsTraditional() const { return m_opencc != nullptr; }

private:
    void* m_opencc = nullptr;  // opencc_t
};

}  // namespace client
