// certificate.cpp: composing the signing certificate (certificate.h).
#include "client/render/certificate.h"

#include <algorithm>
#include <cmath>

namespace client {

namespace {

constexpr uint32_t kPaper = 0xFBF6EA;
constexpr uint32_t kRed = 0xB01E2E;
constexpr uint32_t kGold = 0xC99A2E;
constexpr uint32_t kInk = 0x2A211C;
constexpr uint32_t kMuted = 0x6B5F55;

void fill(RgbaImage& img, int x0, int y0, int x1, int y1, uint32_t rgb) {
    x0 = std::clamp(x0, 0, img.width);
    x1 = std::clamp(x1, 0, img.width);
    y0 = std::clamp(y0, 0, img.height);
    y1 = std::clamp(y1, 0, img.height);
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            uint8_t* p = img.at(x, y);
            p[0] = uint8_t(rgb >> 16);
            p[1] = uint8_t(rgb >> 8);
            p[2] = uint8_t(rgb);
            p[3] = 255;
        }
}

// A rectangle's outline `t` pixels thick, inset `inset` pixels from the picture's edge.
void frame(RgbaImage& img, int inset, int t, uint32_t rgb) {
    const int x0 = inset, y0 = inset, x1 = img.width - inset, y1 = img.height - inset;
    fill(img, x0, y0, x1, y0 + t, rgb);
    fill(img, x0, y1 - t, x1, y1, rgb);
    fill(img, x0, y0, x0 + t, y1, rgb);
    fill(img, x1 - t, y0, x1, y1, rgb);
}

// Text coverage laid over the picture in one colour (coverage is the alpha; sRGB blending is
// good enough for type this size).
void ink(RgbaImage& img, const TextImage& text, uint32_t rgb) {
    const int c[3] = {int(rgb >> 16) & 255, int(rgb >> 8) & 255, int(rgb) & 255};
    for (int y = 0; y < std::min(img.height, text.height); ++y)
        for (int x = 0; x < std::min(img.width, text.width); ++x) {
            const int a = text.at(x, y);
            if (a == 0) continue;
            uint8_t* p = img.at(x, y);
            for (int k = 0; k < 3; ++k) p[k] = uint8_t((c[k] * a + p[k] * (255 - a) + 127) / 255);
        }
}

}  // namespace

RgbaImage composeCertificate(const FontRasterizer& font, const StageCertificate& c, int width, int height) {
    RgbaImage img;
    img.width = std::max(16, width);
    img.height = std::max(16, height);
    img.rgba.resize(size_t(img.width) * size_t(img.height) * 4);
    fill(img, 0, 0, img.width, img.height, kPaper);
    const float H = float(img.height), W = float(img.width);
    const int unit = std::max(1, int(std::lround(H * 0.012f)));
    frame(img, 2 * unit, 2 * unit, kRed);
    frame(img, 5 * unit, std::max(1, unit / 2), kGold);
    if (!font.loaded()) return img;

    const float margin = H * 0.09f;
    const float boxW = W - 2 * margin;
    TextImage layer;
    layer.width = img.width;
    layer.height = img.height;
    auto draw = [&](const TextBlock& block, float top, uint32_t rgb) {
        if (block.lines.empty()) return;
        layer.coverage.assign(size_t(layer.width) * size_t(layer.height), 0);
        drawBlock(font, layer, block, margin, boxW, top);
        ink(img, layer, rgb);
    };

    // Heights as shares of the picture, top to bottom; each block shrinks to its width.
    float top = H * 0.075f;
    const TextBlock headline = fitText(font, c.headline, boxW, H * 0.17f, 1, H * 0.15f);
    draw(headline, top, kRed);
    top += std::max(headline.height(), H * 0.15f) + H * 0.015f;
    // A short gold rule under the headline.
    fill(img, int(W * 0.5f - W * 0.08f), int(top), int(W * 0.5f + W * 0.08f), int(top) + std::max(1, unit / 2 + 1), kGold);
    top += H * 0.03f;
    const TextBlock title = fitText(font, c.title, boxW, H * 0.2f, 2, H * 0.1f);
    draw(title, top, kInk);
    top += title.height() + H * 0.01f;
    if (!c.subtitle.empty() && c.subtitle != c.title) {
        const TextBlock sub = fitText(font, c.subtitle, boxW, H * 0.12f, 2, H * 0.055f);
        draw(sub, top, kMuted);
        top += sub.height();
    }
    top += H * 0.035f;
    const TextBlock footer = fitText(font, c.footer, boxW, H * 0.06f, 1, H * 0.045f);
    const float footerTop = H - margin - footer.height();
    // The parties share what is left above the footer; one line each, all at one size.
    if (!c.parties.empty()) {
        const float room = std::max(0.0f, footerTop - H * 0.03f - top);
        float size = std::min(H * 0.065f, room / (float(c.parties.size()) * TextBlock::kLineSpacing));
        for (const std::string& p : c.parties) size = std::min(size, fitText(font, p, boxW, size * 1.2f, 1, size).pixelHeight);
        size = std::floor(size);
        if (size >= 6.0f) {
            TextBlock block;
            block.lines = c.parties;
            block.pixelHeight = size;
            draw(block, top + (room - block.height()) * 0.5f, kInk);
        }
    }
    draw(footer, footerTop, kMuted);
    return img;
}

}  // namespace client
