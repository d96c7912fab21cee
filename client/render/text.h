// text.h: text for panels in the hall (booth names, zone signs, the stage screen), rasterized on
// the CPU with stb_truetype from a CJK font into 8-bit coverage images. No GL here: the renderer
// uploads the images; tests look at them directly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct stbtt_fontinfo;

namespace client {

// The code points of UTF-8 text; malformed bytes are skipped.
// Calls f(codepoint) for every character of UTF-8 text; malformed bytes are skipped.
template <typename F> void forEachCodepoint(std::string_view text, F&& f) {
    size_t i = 0;
    while (i < text.size()) {
        auto c = uint8_t(text[i]);
        uint32_t cp = 0;
        size_t len = 0;
        if (c < 0x80) { cp = c; len = 1; }
        else if ((c & 0xE0) == 0xC0) { cp = c & 0x1Fu; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0Fu; len = 3; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07u; len = 4; }
        else { ++i; continue; }
        if (i + len > text.size()) break;
        bool ok = true;
        for (size_t k = 1; k < len; ++k) {
            auto cc = uint8_t(text[i + k]);
            if ((cc & 0xC0) != 0x80) { ok = false; break; }
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (!ok) { ++i; continue; }
        i += len;
        f(cp);
    }
}

std::vector<uint32_t> decodeUtf8(std::string_view text);

struct TextImage {
    int width = 0, height = 0;
    std::vector<uint8_t> coverage;  // width * height, rows top-down, 0 = empty, 255 = full ink
    uint8_t at(int x, int y) const { return coverage[size_t(y) * size_t(width) + size_t(x)]; }
    // Pixels with coverage above `threshold` in the rectangle [x0, x1) x [y0, y1) (clipped).
    int64_t ink(int x0, int y0, int x1, int y1, uint8_t threshold = 0) const;
    int64_t ink(uint8_t threshold = 0) const { return ink(0, 0, width, height, threshold); }
};

class FontRasterizer {
public:
    FontRasterizer();
    ~FontRasterizer();
    FontRasterizer(FontRasterizer&&) noexcept;
    FontRasterizer& operator=(FontRasterizer&&) noexcept;

    // Reads a .ttf / .otf / .ttc (face 0 of a collection). False with a message otherwise.
    bool load(const std::string& path, std::string* error);
    bool loaded() const { return m_font != nullptr; }

    bool hasGlyph(uint32_t codepoint) const;
    // Advance width of one line in pixels at a pixel height (ascent - descent = pixelHeight).
    float lineWidth(std::string_view text, float pixelHeight) const;
    // Draws one line into `img` with its top-left corner at (x, top), combining with what is
    // there (max of coverages). Characters the font lacks draw its missing-glyph box.
    void drawLine(TextImage& img, std::string_view text, float pixelHeight, float x, float top) const;

private:
    std::vector<uint8_t> m_data;
    std::unique_ptr<stbtt_fontinfo> m_font;
};

// A piece of text broken into lines at one size.
struct TextBlock {
    std::vector<std::string> lines;
    float pixelHeight = 0;
    float width = 0;          // widest line, pixels
    float height() const { return float(lines.size()) * pixelHeight * kLineSpacing; }
    static constexpr float kLineSpacing = 1.12f;
};

// Fits text into a box: one line at up to `maxPixelHeight` if that keeps at least 70% of the size,
// else broken at spaces (Latin) or between characters (CJK) into at most `maxLines` lines, shrunk
// until it fits `maxWidth` x `maxHeight`.
TextBlock fitText(const FontRasterizer& font, std::string_view text, float maxWidth, float maxHeight, int maxLines,
                  float maxPixelHeight);

// Draws a block centred horizontally in [x0, x0 + boxWidth), starting at `top`.
void drawBlock(const FontRasterizer& font, TextImage& img, const TextBlock& block, float x0, float boxWidth, float top);

// A two-language panel: `primary` large on top, `secondary` smaller below (if any and if it fits),
// both centred in a width x height image with a margin, and an optional small `footer` line at the
// bottom (the stage screen's dates). `lines` receives what was drawn.
TextImage composePanel(const FontRasterizer& font, const std::string& primary, const std::string& secondary, int width,
                       int height, int maxPrimaryLines, int maxSecondaryLines, std::vector<std::string>* lines,
                       const std::string& footer = {});

}  // namespace client
