// The string table: every entry in both languages, with the same printf conversions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/ui/glyphs.h"
#include "client/ui/i18n.h"

namespace {

// The conversions of a printf format, in order ("%d", "%.0f", ...); "%%" is not one.
std::vector<std::string> conversions(const std::string& f) {
    std::vector<std::string> out;
    for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%') continue;
        if (i + 1 < f.size() && f[i + 1] == '%') { ++i; continue; }
        size_t j = i + 1;
        while (j < f.size() && std::string("0123456789.-+ #l").find(f[j]) != std::string::npos) ++j;
        out.push_back(f.substr(i, j - i + 1));
        i = j;
    }
    return out;
}

bool hasHan(const std::string& s) {
    bool han = false;
    client::forEachCodepoint(s, [&](uint32_t cp) { han |= cp >= 0x4E00 && cp <= 0x9FFF; });
    return han;
}

}  // namespace

TEST(I18n, EveryTextHasBothLanguagesWithTheSameConversions) {
    for (int i = 0; i < int(client::UiText::Count); ++i) {
        auto id = client::UiText(i);
        std::string zh = client::tr(id, client::Language::Chinese);
        std::string en = client::tr(id, client::Language::English);
        EXPECT_FALSE(zh.empty()) << "UiText " << i << " has no Chinese";
        EXPECT_FALSE(en.empty()) << "UiText " << i << " has no English";
        EXPECT_NE(zh, en) << "UiText " << i << " is not translated: " << en;
        EXPECT_TRUE(hasHan(zh)) << "UiText " << i << " Chinese text has no Chinese characters: " << zh;
        EXPECT_FALSE(hasHan(en)) << "UiText " << i << " English text has Chinese characters: " << en;
        EXPECT_EQ(conversions(zh), conversions(en)) << "UiText " << i << ": " << zh << " / " << en;
    }
}

TEST(I18n, OutOfRangeIsEmptyNotACrash) {
    EXPECT_STREQ(client::tr(client::UiText::Count, client::Language::English), "");
    EXPECT_STREQ(client::tr(client::UiText(60000), client::Language::Chinese), "");
}

TEST(I18n, RolesAndStatesAreNamedInBothLanguages) {
    for (int r = 0; r < int(net::Role::Count); ++r) {
        EXPECT_TRUE(hasHan(client::roleText(net::Role(r), client::Language::Chinese)));
        EXPECT_FALSE(std::string(client::roleText(net::Role(r), client::Language::English)).empty());
    }
    for (auto s : {client::ConnState::Connecting, client::ConnState::Handshaking, client::ConnState::Joined,
                   client::ConnState::Refused, client::ConnState::Lost}) {
        EXPECT_TRUE(hasHan(client::connStateText(s, client::Language::Chinese)));
        EXPECT_FALSE(std::string(client::connStateText(s, client::Language::English)).empty());
    }
    EXPECT_STREQ(client::languageName(client::Language::Chinese), "中文");
    EXPECT_STREQ(client::languageName(client::Language::English), "English");
}
