// glyphs.h: the UI font and the set of characters its atlas holds.
//
// The atlas starts with Latin, the common simplified Chinese characters and every character the
// caller names up front (the event layout, the i18n table). Text that arrives later (a chat line,
// a name typed in traditional characters) is passed to want(); characters the atlas lacks are
// added and the atlas rebuilt between frames by rebuildIfNeeded(), so any name renders.
//
// GlyphCoverage is the pure part (no ImGui) and is unit tested; UiFont owns the ImGui atlas and
// needs an ImGui context with the OpenGL3 backend initialised.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/render/text.h"  // forEachCodepoint

struct ImFont;

namespace client {

// Which Basic Multilingual Plane characters an atlas holds or has been asked to hold.
class GlyphCoverage {
public:
    // Marks every character of `text`; returns true if any was not marked before.
    bool add(std::string_view text);
    void addCodepoint(uint32_t cp);
    bool has(uint32_t cp) const { return cp < kPlane && m_marked.test(cp); }
    // Codepoints marked since the last takeAdded(), in the order they came.
    std::vector<uint32_t> takeAdded();
    size_t size() const { return m_marked.count(); }

private:
    static constexpr uint32_t kPlane = 0x10000;  // ImGui's ImWchar is 16 bits
    std::bitset<kPlane> m_marked;
    std::vector<uint32_t> m_added;
};

class UiFont {
public:
    UiFont();
    ~UiFont();
    UiFont(const UiFont&) = delete;
    UiFont& operator=(const UiFont&) = delete;

    // Loads the font file and builds the first atlas (no GL texture yet: the OpenGL3 backend
    // creates it on its first frame). `pixelSize` is the size in framebuffer pixels;
    // `globalScale` maps it back to window units where they differ (Retina). `extraText` names
    // characters to include from the start. False with a message if the file cannot be read.
    bool init(const std::string& fontPath, float pixelSize, float globalScale,
              const std::vector<std::string>& extraText, std::string* error);

    // Changes the size (the window moved to a screen with another scale); rebuilds next time.
    void setPixelSize(float pixelSize, float globalScale);
    // Notes text that will be shown; characters the atlas lacks are queued.
    void want(std::string_view text);
    // Rebuilds the atlas and its GL texture if characters were queued. Call between frames
    // (not between ImGui::NewFrame and ImGui::Render). Returns true if it rebuilt.
    bool rebuildIfNeeded(double nowSeconds);

    ImFont* font() const { return m_font; }
    float pixelSize() const { return m_pixelSize; }
    size_t glyphCount() const { return m_coverage.size(); }
    int rebuilds() const { return m_rebuilds; }

private:
    void build();

    std::vector<uint8_t> m_fontData;  // the file, kept: the atlas reads it on every rebuild
    float m_pixelSize = 18.0f;
    float m_globalScale = 1.0f;
    GlyphCoverage m_coverage;         // characters in (or queued for) the atlas
    bool m_dirty = false;
    double m_lastRebuild = -1e9;
    int m_rebuilds = 0;
    struct Ranges;                    // ImVector<ImWchar>, kept alive for the atlas
    std::unique_ptr<Ranges> m_ranges;
    ImFont* m_font = nullptr;
};

}  // namespace client
