// image.cpp: decoding and shrinking RGBA pictures (image.h).
#include "client/render/image.h"

#include <algorithm>
#include <cmath>

#include <stb_image.h>  // implementation in Debian's libstb

namespace client {

namespace {
// A slide is at most 4 MB of PNG / JPEG, but a flat PNG that small can claim a huge canvas: the
// header is checked before anything is allocated.
constexpr int kMaxDecodedSide = 8192;
constexpr int64_t kMaxDecodedPixels = int64_t(4096) * 4096;  // 64 MB of RGBA
}  // namespace

bool decodeImage(std::span<const uint8_t> bytes, RgbaImage& out, std::string* error) {
    out = {};
    int w = 0, h = 0, channels = 0;
    if (bytes.empty() || bytes.size() > size_t(INT32_MAX) ||
        !stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels)) {
        if (error) *error = "not a PNG or JPEG image";
        return false;
    }
    if (w <= 0 || h <= 0 || w > kMaxDecodedSide || h > kMaxDecodedSide || int64_t(w) * h > kMaxDecodedPixels) {
        if (error) *error = "image of " + std::to_string(w) + "x" + std::to_string(h) + " pixels is too large";
        return false;
    }
    stbi_uc* pixels = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels, 4);
    if (!pixels) {
        if (error) *error = std::string("cannot decode the image: ") + stbi_failure_reason();
        return false;
    }
    out.width = w;
    out.height = h;
    out.rgba.assign(pixels, pixels + size_t(w) * size_t(h) * 4);
    stbi_image_free(pixels);
    return true;
}

RgbaImage fitWithin(const RgbaImage& image, int maxSide) {
    if (image.empty() || maxSide <= 0 || std::max(image.width, image.height) <= maxSide) return image;
    const double scale = double(maxSide) / double(std::max(image.width, image.height));
    RgbaImage out;
    out.width = std::max(1, int(std::lround(image.width * scale)));
    out.height = std::max(1, int(std::lround(image.height * scale)));
    out.rgba.resize(size_t(out.width) * size_t(out.height) * 4);
    // Each output pixel averages the source pixels its footprint covers (at least one).
    for (int y = 0; y < out.height; ++y) {
        const int y0 = int(double(y) / scale), y1 = std::max(y0 + 1, std::min(image.height, int(double(y + 1) / scale)));
        for (int x = 0; x < out.width; ++x) {
            const int x0 = int(double(x) / scale), x1 = std::max(x0 + 1, std::min(image.width, int(double(x + 1) / scale)));
            uint32_t sum[4] = {};
            for (int sy = y0; sy < y1; ++sy)
                for (int sx = x0; sx < x1; ++sx) {
                    const uint8_t* p = image.at(sx, sy);
                    for (int c = 0; c < 4; ++c) sum[c] += p[c];
                }
            const uint32_t n = uint32_t((y1 - y0) * (x1 - x0));
            uint8_t* q = out.at(x, y);
            for (int c = 0; c < 4; ++c) q[c] = uint8_t((sum[c] + n / 2) / n);
        }
    }
    return out;
}

}  // namespace client
