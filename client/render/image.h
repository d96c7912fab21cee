// image.h: 8-bit RGBA pictures in memory (a slide for the stage's big screen, a composed
// certificate, the group picture) and decoding PNG / JPEG bytes into one. No GL here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace client {

struct RgbaImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;   // width * height * 4, sRGB, rows top-down
    bool empty() const { return width <= 0 || height <= 0 || rgba.size() < size_t(width) * size_t(height) * 4; }
    const uint8_t* at(int x, int y) const { return rgba.data() + (size_t(y) * size_t(width) + size_t(x)) * 4; }
    uint8_t* at(int x, int y) { return rgba.data() + (size_t(y) * size_t(width) + size_t(x)) * 4; }
};

// PNG or JPEG bytes (as a slide arrives from the server: untrusted) into RGBA. False with a
// message if they are not an image stb_image can read, or the picture is larger than 8192 pixels
// on a side or 4096 x 4096 in all (checked from the header, before decoding).
bool decodeImage(std::span<const uint8_t> bytes, RgbaImage& out, std::string* error);

// The picture shrunk (box filter) so that neither side exceeds `maxSide`; unchanged if it fits.
RgbaImage fitWithin(const RgbaImage& image, int maxSide);

}  // namespace client
