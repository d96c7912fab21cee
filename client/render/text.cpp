// text.cpp: stb_truetype rasterization, line fitting and two-language panels.
#include "client/render/text.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include <stb_truetype.h>  // implementation in Debian's libstb

namespace client {

std::vector<uint32_t> decodeUtf8(std::string_view text) {
    std::vector<uint32_t> out;
    forEachCodepoint(text, [&](uint32_t cp) { out.push_back(cp); });
    return out;
}

int64_t TextImage::ink(int x0, int y0, int x1, int y1, uint8_t threshold) const {
    x0 = std::max(x0, 0); y0 = std::max(y0, 0);
    x1 = std::min(x1, width); y1 = std::min(y1, height);
    int64_t n = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) n += at(x, y) > threshold ? 1 : 0;
    return n;
}

FontRasterizer::FontRasterizer() = default;
FontRasterizer::~FontRasterizer() = default;
FontRasterizer::FontRasterizer(FontRasterizer&&) noexcept = default;
FontRasterizer& FontRasterizer::operator=(FontRasterizer&&) noexcept = default;

bool FontRasterizer::load(const std::string& path, std::string* error) {
    m_font.reset();
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        if (error) *error = path + ": cannot open the font file; install fonts-wqy-microhei or pass another font";
        return false;
    }
    m_data.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    const int offset = stbtt_GetFontOffsetForIndex(m_data.data(), 0);  // a .ttc holds several faces
    auto font = std::make_unique<stbtt_fontinfo>();
    if (offset < 0 || !stbtt_InitFont(font.get(), m_data.data(), offset)) {
        if (error) *error = path + ": not a TrueType/OpenType font or collection";
        m_data.clear();
        return false;
    }
    m_font = std::move(font);
    return true;
}

bool FontRasterizer::hasGlyph(uint32_t codepoint) const {
    return m_font && stbtt_FindGlyphIndex(m_font.get(), int(codepoint)) != 0;
}

float FontRasterizer::lineWidth(std::string_view text, float pixelHeight) const {
    if (!m_font) return 0;
    const float scale = stbtt_ScaleForPixelHeight(m_font.get(), pixelHeight);
    float w = 0;
    int prev = 0;
    for (uint32_t cp : decodeUtf8(text)) {
        int g = stbtt_FindGlyphIndex(m_font.get(), int(cp));
        int advance = 0, lsb = 0;
        stbtt_GetGlyphHMetrics(m_font.get(), g, &advance, &lsb);
        if (prev) w += float(stbtt_GetGlyphKernAdvance(m_font.get(), prev, g)) * scale;
        w += float(advance) * scale;
        prev = g;
    }
    return w;
}

void FontRasterizer::drawLine(TextImage& img, std::string_view text, float pixelHeight, float x, float top) const {
    if (!m_font || img.width <= 0) return;
    const stbtt_fontinfo* font = m_font.get();
    const float scale = stbtt_ScaleForPixelHeight(font, pixelHeight);
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(font, &ascent, &descent, &gap);
    const int baseline = int(std::lround(top + float(ascent) * scale));
    std::vector<uint8_t> glyphPixels;
    float pen = x;
    int prev = 0;
    for (uint32_t cp : decodeUtf8(text)) {
        int g = stbtt_FindGlyphIndex(font, int(cp));
        if (prev) pen += float(stbtt_GetGlyphKernAdvance(font, prev, g)) * scale;
        int advance = 0, lsb = 0;
        stbtt_GetGlyphHMetrics(font, g, &advance, &lsb);
        const float ix = std::floor(pen), shift = pen - ix;
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        stbtt_GetGlyphBitmapBoxSubpixel(font, g, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
        const int gw = x1 - x0, gh = y1 - y0;
        if (gw > 0 && gh > 0) {
            glyphPixels.assign(size_t(gw) * size_t(gh), 0);
            stbtt_MakeGlyphBitmapSubpixel(font, glyphPixels.data(), gw, gh, gw, scale, scale, shift, 0, g);
            const int ox = int(ix) + x0, oy = baseline + y0;
            for (int y = 0; y < gh; ++y) {
                const int ty = oy + y;
                if (ty < 0 || ty >= img.height) continue;
                for (int xx = 0; xx < gw; ++xx) {
                    const int tx = ox + xx;
                    if (tx < 0 || tx >= img.width) continue;
                    uint8_t& dst = img.coverage[size_t(ty) * size_t(img.width) + size_t(tx)];
                    dst = std::max(dst, glyphPixels[size_t(y) * size_t(gw) + size_t(xx)]);
                }
            }
        }
        pen += float(advance) * scale;
        prev = g;
    }
}

namespace {

bool isCjkBreakable(uint32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x3000 && cp <= 0x303F);
}

// Closing punctuation must not start a line.
bool isClosingPunct(uint32_t cp) {
    switch (cp) {
        case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B: case 0xFF09: case 0x300D:
        case 0x300F: case 0x3011: case 0xFF01: case 0xFF1F: case ')': case ',': case '.': case ':': case ';':
            return true;
        default:
            return false;
    }
}

std::string encodeUtf8(const std::vector<uint32_t>& cps, size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to; ++i) {
        uint32_t c = cps[i];
        if (c < 0x80) s += char(c);
        else if (c < 0x800) { s += char(0xC0 | (c >> 6)); s += char(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) { s += char(0xE0 | (c >> 12)); s += char(0x80 | ((c >> 6) & 0x3F)); s += char(0x80 | (c & 0x3F)); }
        else {
            s += char(0xF0 | (c >> 18)); s += char(0x80 | ((c >> 12) & 0x3F));
            s += char(0x80 | ((c >> 6) & 0x3F)); s += char(0x80 | (c & 0x3F));
        }
    }
    return s;
}

std::string trimmed(const std::string& s) {
    size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// Greedy wrapping at `maxWidth` pixels; breaks after spaces and around CJK characters.
std::vector<std::string> wrap(const FontRasterizer& font, std::string_view text, float pixelHeight, float maxWidth) {
    std::vector<uint32_t> cps = decodeUtf8(text);
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < cps.size()) {
        while (start < cps.size() && cps[start] == ' ') ++start;
        if (start >= cps.size()) break;
        size_t lastBreak = start, i = start;
        for (; i < cps.size(); ++i) {
            float w = font.lineWidth(encodeUtf8(cps, start, i + 1), pixelHeight);
            if (w > maxWidth && i > start) break;
            // A break is allowed after i when the next character may start a line.
            bool next = i + 1 < cps.size();
            if (!next || cps[i] == ' ' || cps[i + 1] == ' ' ||
                ((isCjkBreakable(cps[i]) || isCjkBreakable(cps[i + 1])) && !isClosingPunct(cps[i + 1])))
                lastBreak = i + 1;
        }
        size_t end = i >= cps.size() ? cps.size() : (lastBreak > start ? lastBreak : std::max(i, start + 1));
        lines.push_back(trimmed(encodeUtf8(cps, start, end)));
        start = end;
    }
    return lines;
}

}  // namespace

TextBlock fitText(const FontRasterizer& font, std::string_view text, float maxWidth, float maxHeight, int maxLines,
                  float maxPixelHeight) {
    TextBlock block;
    if (text.empty() || maxWidth <= 0 || maxHeight <= 0 || maxLines < 1) return block;
    maxPixelHeight = std::min(maxPixelHeight, maxHeight / TextBlock::kLineSpacing);
    const float w1 = font.lineWidth(text, maxPixelHeight);
    const float single = w1 > maxWidth ? maxPixelHeight * maxWidth / w1 : maxPixelHeight;
    auto measure = [&](TextBlock& b) {
        b.width = 0;
        for (const auto& l : b.lines) b.width = std::max(b.width, font.lineWidth(l, b.pixelHeight));
    };
    if (maxLines == 1 || single >= 0.7f * maxPixelHeight) {
        block.lines = {std::string(text)};
        block.pixelHeight = std::floor(single);
        measure(block);
        return block;
    }
    for (float ph = maxPixelHeight; ph >= 6.0f; ph *= 0.94f) {
        auto lines = wrap(font, text, ph, maxWidth);
        if (int(lines.size()) > maxLines) continue;
        if (float(lines.size()) * ph * TextBlock::kLineSpacing > maxHeight) continue;
        bool fits = true;
        for (const auto& l : lines) fits = fits && font.lineWidth(l, ph) <= maxWidth;
        if (!fits) continue;
        block.lines = std::move(lines);
        block.pixelHeight = std::floor(ph);
        measure(block);
        return block;
    }
    block.lines = {std::string(text)};
    block.pixelHeight = std::max(1.0f, std::floor(single));
    measure(block);
    return block;
}

void drawBlock(const FontRasterizer& font, TextImage& img, const TextBlock& block, float x0, float boxWidth, float top) {
    float y = top;
    for (const auto& line : block.lines) {
        const float w = font.lineWidth(line, block.pixelHeight);
        font.drawLine(img, line, block.pixelHeight, std::floor(x0 + (boxWidth - w) * 0.5f), y);
        y += block.pixelHeight * TextBlock::kLineSpacing;
    }
}

TextImage composePanel(const FontRasterizer& font, const std::string& primary, const std::string& secondary, int width,
                       int height, int maxPrimaryLines, int maxSecondaryLines, std::vector<std::string>* lines,
                       const std::string& footer) {
    TextImage img;
    img.width = width;
    img.height = height;
    img.coverage.assign(size_t(width) * size_t(height), 0);
    if (lines) lines->clear();
    const float margin = std::round(float(height) * 0.08f);
    const float boxW = float(width) - 2 * margin;
    TextBlock foot;
    if (!footer.empty()) foot = fitText(font, footer, boxW, float(height) * 0.1f, 1, float(height) * 0.07f);
    const float boxH = float(height) - 2 * margin - (foot.lines.empty() ? 0.0f : foot.height() + margin * 0.5f);
    const bool two = !secondary.empty() && secondary != primary;
    TextBlock a = fitText(font, primary, boxW, two ? boxH * 0.66f : boxH, maxPrimaryLines, two ? boxH * 0.58f : boxH * 0.85f);
    TextBlock b;
    if (two) {
        const float room = boxH - a.height() - boxH * 0.04f;
        b = fitText(font, secondary, boxW, room, maxSecondaryLines, std::min(a.pixelHeight * 0.5f, room));
        if (b.pixelHeight < 9.0f) b = TextBlock{};  // unreadable: leave it out
    }
    const float gap = b.lines.empty() ? 0.0f : boxH * 0.04f;
    const float total = a.height() + gap + b.height();
    float top = margin + (boxH - total) * 0.5f;
    drawBlock(font, img, a, margin, boxW, top);
    drawBlock(font, img, b, margin, boxW, top + a.height() + gap);
    drawBlock(font, img, foot, margin, boxW, float(height) - margin - foot.height());
    if (lines) {
        for (const auto& l : a.lines) lines->push_back(l);
        for (const auto& l : b.lines) lines->push_back(l);
        for (const auto& l : foot.lines) lines->push_back(l);
    }
    return img;
}

}  // namespace client
