// IdMap: the client's per-participant state by id (client/core/id_map.h).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "client/core/id_map.h"

TEST(IdMap, BehavesLikeAMapThroughInsertsErasesAndErasingWhileWalkingIt) {
    client::IdMap<int> m;
    std::map<uint16_t, int> ref;
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> id(1, 4095), op(0, 9);
    for (int step = 0; step < 20000; ++step) {
        uint16_t k = uint16_t(id(rng) % 300 + (step > 10000 ? 3700 : 1));
        if (op(rng) < 6) {
            m[k] += step;
            ref[k] += step;
        } else {
            m.erase(k);
            ref.erase(k);
        }
        if (step % 1000 == 0) {
            // Walk it, dropping the odd values on the way (as World drops forgotten tracks).
            for (size_t i = 0; i < m.size();) {
                if (m.at(i).second % 2) { ref.erase(m.at(i).first); m.eraseAt(i); }
                else ++i;
            }
        }
        ASSERT_EQ(m.size(), ref.size());
    }
    for (const auto& [k, v] : ref) {
        ASSERT_NE(m.find(k), nullptr) << k;
        EXPECT_EQ(*m.find(k), v);
    }
    size_t seen = 0;
    for (const auto& [k, v] : m) {
        ASSERT_TRUE(ref.count(k));
        EXPECT_EQ(ref[k], v);
        ++seen;
    }
    EXPECT_EQ(seen, ref.size());
    EXPECT_EQ(m.find(0), nullptr);
    EXPECT_EQ(m.find(4095), ref.count(4095) ? m.find(4095) : nullptr);
    EXPECT_FALSE(m.eraseAt(m.size()));
    m.clear();
    EXPECT_TRUE(m.empty());
    EXPECT_EQ(m.find(ref.begin()->first), nullptr);
}
