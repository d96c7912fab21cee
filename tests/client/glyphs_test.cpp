// UTF-8 decoding and the glyph coverage that decides when the font atlas is rebuilt.
#include <gtest/gtest.h>

#include <vector>

#include "client/ui/glyphs.h"

namespace {
std::vector<uint32_t> decode(std::string_view s) {
    std::vector<uint32_t> out;
    client::forEachCodepoint(s, [&](uint32_t cp) { out.push_back(cp); });
    return out;
}
}  // namespace

TEST(Glyphs, DecodesUtf8IncludingTraditionalCharacters) {
    EXPECT_EQ(decode("A寧夏"), (std::vector<uint32_t>{'A', 0x5BE7, 0x590F}));
    EXPECT_EQ(decode("電氣"), (std::vector<uint32_t>{0x96FB, 0x6C23}));
    EXPECT_EQ(decode("\xF0\x9F\x98\x80"), (std::vector<uint32_t>{0x1F600}));  // outside the BMP
}

TEST(Glyphs, SkipsMalformedBytes) {
    EXPECT_EQ(decode("a\xFFz"), (std::vector<uint32_t>{'a', 'z'}));
    EXPECT_EQ(decode("a\xE5\x9B"), (std::vector<uint32_t>{'a'}));  // truncated sequence at the end
    EXPECT_EQ(decode("\xE5x\xE5\x9B\xBD"), (std::vector<uint32_t>{'x', 0x56FD}));
}

TEST(Glyphs, CoverageReportsOnlyNewCharacters) {
    client::GlyphCoverage c;
    EXPECT_TRUE(c.add("王磊"));
    EXPECT_EQ(c.takeAdded(), (std::vector<uint32_t>{0x738B, 0x78CA}));
    EXPECT_FALSE(c.add("磊王"));  // nothing new: no rebuild
    EXPECT_TRUE(c.takeAdded().empty());
    EXPECT_TRUE(c.add("寧夏力成電氣集團"));
    EXPECT_TRUE(c.has(0x5BE7));
    EXPECT_EQ(c.takeAdded().size(), 8u);
    EXPECT_FALSE(c.add("\xF0\x9F\x98\x80"));  // ImGui's 16-bit glyphs cannot hold it: not queued
    EXPECT_EQ(c.size(), 10u);
}
