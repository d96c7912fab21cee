// BlockPool: ENet's small-block allocator (net/transport/block_pool.h).
#include "net/transport/block_pool.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace {

TEST(BlockPool, AFreedBlockIsReusedForTheSameSizeClassAndKeepsItsBytesApart) {
    net::BlockPool pool(1 << 20);
    void* a = pool.allocate(100);
    void* b = pool.allocate(100);
    ASSERT_TRUE(pool.owns(a));
    ASSERT_TRUE(pool.owns(b));
    EXPECT_NE(a, b);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
    std::memset(a, 0xAA, 100);
    std::memset(b, 0xBB, 100);
    EXPECT_EQ(static_cast<uint8_t*>(a)[99], 0xAA);  // b's bytes did not land in a
    pool.release(a);
    EXPECT_EQ(pool.allocate(90), a);  // same class (128): the freed block comes back
    void* big = pool.allocate(3000);  // another class: not a's block
    EXPECT_NE(big, a);
    EXPECT_TRUE(pool.owns(big));
    std::memset(big, 0xCC, 3000);
    EXPECT_EQ(static_cast<uint8_t*>(b)[0], 0xBB);
    EXPECT_EQ(pool.stats().fallbacks, 0u);
}

TEST(BlockPool, LargeRequestsAndAnExhaustedRangeFallBackToMallocAndAreFreedThere) {
    net::BlockPool pool(4096);
    void* large = pool.allocate(net::BlockPool::kMaxPooled + 1);
    ASSERT_NE(large, nullptr);
    EXPECT_FALSE(pool.owns(large));
    std::memset(large, 1, net::BlockPool::kMaxPooled + 1);
    std::vector<void*> small;
    for (int i = 0; i < 80; ++i) small.push_back(pool.allocate(40));  // 64-byte blocks: 64 fit
    size_t inRange = 0;
    for (void* p : small) inRange += pool.owns(p);
    EXPECT_EQ(inRange, 64u);
    EXPECT_EQ(pool.stats().fallbacks, 1u + 16u);
    for (void* p : small) pool.release(p);
    pool.release(large);
    pool.release(nullptr);
    // A block malloc handed out elsewhere (before the pool was installed) is freed, not pooled.
    void* foreign = std::malloc(48);
    pool.release(foreign);
    EXPECT_EQ(pool.allocate(40), small[63]);  // the last pooled block freed is the first reused
}

TEST(BlockPool, ThreadsAllocatingAndFreeingAtOnceNeverShareABlock) {
    net::BlockPool pool(16 << 20);
    std::vector<std::thread> threads;
    std::vector<std::vector<void*>> kept(4);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 200; ++round) {
                std::vector<void*> live;
                for (int i = 0; i < 50; ++i) {
                    auto* p = static_cast<uint8_t*>(pool.allocate(size_t(16 + (i * 37) % 1500)));
                    *p = uint8_t(t);
                    live.push_back(p);
                }
                for (void* p : live) EXPECT_EQ(*static_cast<uint8_t*>(p), uint8_t(t));
                for (size_t i = 0; i + 1 < live.size(); ++i) pool.release(live[i]);
                kept[size_t(t)].push_back(live.back());
            }
        });
    for (auto& th : threads) th.join();
    std::set<void*> all;
    for (const auto& k : kept)
        for (void* p : k) all.insert(p);
    EXPECT_EQ(all.size(), 4u * 200u);  // every block still held is distinct
}

}  // namespace
