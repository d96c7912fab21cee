// Booth directory search on the sample event: names in either script and language, exhibits,
// materials; several words narrow; an empty query lists everything.
#include <gtest/gtest.h>

#include <string>

#include "client/core/booth_search.h"
#include "server/core/event_loader.h"

namespace {

const net::EventLayout& sample() {
    static net::EventLayout ev = [] {
        net::EventLayout e;
        std::string error;
        EXPECT_TRUE(server::loadEventFile(DOCKHALL_SOURCE_DIR "/assets/events/sample.json", e, error)) << error;
        return e;
    }();
    return ev;
}

std::string nameOf(int booth) { return sample().booths[size_t(booth)].owner.name.zh; }

}  // namespace

TEST(BoothSearch, EmptyQueryListsEveryBoothInOrder) {
    client::BoothSearch s;
    auto all = s.find(sample(), "  ");
    ASSERT_EQ(all.size(), sample().booths.size());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], int(i));
}

TEST(BoothSearch, SimplifiedFindsTraditionalNames) {
    client::BoothSearch s;
    ASSERT_TRUE(s.foldsTraditional()) << "OpenCC's t2s data is part of the build dependencies";
    auto found = s.find(sample(), "宁夏力成");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(nameOf(found[0]), "寧夏力成電氣集團有限公司");
    // And the other way round: a traditional query finds simplified text.
    EXPECT_EQ(s.find(sample(), "寧夏").size(), s.find(sample(), "宁夏").size());
    EXPECT_GE(s.find(sample(), "宁夏").size(), 3u);
}

TEST(BoothSearch, EnglishIgnoresCaseAndNamesComeBeforeExhibits) {
    client::BoothSearch s;
    auto lower = [](std::string t) {
        for (auto& c : t) c = char(std::tolower(static_cast<unsigned char>(c)));
        return t;
    };
    auto hits = s.find(sample(), "UNIVERSITY");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits, s.find(sample(), "university"));
    // Booths named "...University..." first; a booth that only shows something university-ish after.
    bool contentSeen = false;
    size_t named = 0;
    for (int b : hits) {
        const auto& n = sample().booths[size_t(b)].owner.name;
        bool inName = lower(n.en + n.zh).find("university") != std::string::npos;
        named += inName;
        if (!inName) contentSeen = true;
        EXPECT_FALSE(inName && contentSeen) << nameOf(b) << " is named University but listed after a content match";
    }
    size_t expected = 0;
    for (const auto& b : sample().booths) expected += lower(b.owner.name.en).find("university") != std::string::npos;
    EXPECT_EQ(named, expected);
}

TEST(BoothSearch, ExhibitsAndMaterialsAreSearchedAndWordsNarrow) {
    client::BoothSearch s;
    auto grade = s.find(sample(), "42crmo");
    ASSERT_FALSE(grade.empty());
    for (int b : grade) {
        bool has = false;
        for (const auto& e : sample().booths[size_t(b)].exhibits) has = has || e.material == "42CrMo";
        EXPECT_TRUE(has) << nameOf(b);
    }
    auto gear = s.find(sample(), "齿轮");
    ASSERT_FALSE(gear.empty());
    auto both = s.find(sample(), "齿轮 42CrMo");
    EXPECT_LE(both.size(), std::min(gear.size(), grade.size()));
    EXPECT_TRUE(s.find(sample(), "齿轮 no-such-thing").empty());
    EXPECT_TRUE(s.find(sample(), "石墨烯太空电梯").empty());
}
