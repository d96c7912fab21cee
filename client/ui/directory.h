// directory.h: finding a booth: the booth directory (search in Chinese or English) and the
// minimap. Both only report what the user chose; the app walks there with its pilot. A booth the
// organizer closed is marked in both ("暂停开放 Closed"), and its walk button says you only get
// to its front.
//
//   auto closed = client::closedBooths(world.event(), conn.stage());   // per booth index
//   if (auto booth = directory.draw(world.event(), closed, lang, font, showDirectory, hover)) ...;
//   if (auto spot = drawMinimap(view, lang, font)) pilot.walkTo(*spot);
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/core/booth_search.h"
#include "client/render/renderer.h"
#include "client/ui/i18n.h"
#include "net/protocol/domain.h"

namespace client {

class UiFont;

// One booth as the directory lists it.
struct DirectoryRow {
    int booth = -1;               // index into ev.booths
    std::string name;             // the owner's name in the language shown
    std::string otherName;        // in the other language ("" when the same)
    std::string line;             // the owner's kind and the first exhibits
    bool closed = false;          // the organizer closed the booth: marked, shown out on entering
    std::string closedMark;       // "暂停开放" / "Closed" when closed, else ""
    std::string walkLabel;        // the walk button: "walk there", or that it is closed
};

// The rows for booths `found` (indices into ev.booths, in that order); `closed` is per booth
// index (shorter: the rest are open).
std::vector<DirectoryRow> directoryRows(const net::EventLayout& ev, std::span<const int> found,
                                        const std::vector<bool>& closed, Language lang);

class BoothDirectory {
public:
    // Draws the directory window while `open`. Returns the index of a booth the user asked to
    // walk to. `highlight` is set to the booth under the mouse in the list (-1 none).
    std::optional<int> draw(const net::EventLayout& ev, const std::vector<bool>& closed, Language lang, UiFont& font,
                            bool& open, int& highlight);
    void setQuery(std::string query) { m_query = std::move(query); }

private:
    BoothSearch m_search;
    std::string m_query;
    std::string m_lastQuery = "\x01";  // forces the first search
    std::vector<int> m_found;
    size_t m_lastBooths = 0;
};

struct MinimapView {
    const net::EventLayout* event = nullptr;
    std::span<const AvatarInstance> avatars;   // everyone drawn this frame (self included)
    std::optional<net::Vec2> walkTarget;       // where the pilot is heading
    int highlightBooth = -1;                   // drawn brighter (hovered in the hall or directory)
    const std::vector<bool>* closedBooths = nullptr;  // per booth index: crossed out (closed)
    float topBarHeight = 0;
};

// Draws the minimap window (bottom right). Returns a floor point the user clicked (walk there).
std::optional<net::Vec2> drawMinimap(const MinimapView& view, Language lang, UiFont& font);

}  // namespace client
