// WorkerPool (server/core/worker_pool.h): the tick's per-client snapshot work split over threads.
#include "server/core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace {

TEST(WorkerPool, EveryIndexRunsExactlyOnceOnSomeWorkerOfThePool) {
    server::WorkerPool pool(3);
    ASSERT_EQ(pool.size(), 3u);
    for (size_t n : {size_t(1), size_t(31), size_t(32), size_t(33), size_t(2000)}) {
        std::vector<std::atomic<int>> hits(n);
        std::vector<std::atomic<int>> byWorker(pool.size());
        pool.parallelFor(n, 32, [&](size_t begin, size_t end, unsigned worker) {
            ASSERT_LT(worker, pool.size());
            ASSERT_LE(end - begin, 32u);
            for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
            byWorker[worker].fetch_add(int(end - begin));
        });
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n;
        int total = 0;
        for (auto& w : byWorker) total += w.load();
        EXPECT_EQ(total, int(n));
    }
}

TEST(WorkerPool, LoopsBackToBackNeverLoseOrRepeatWork) {
    server::WorkerPool pool(4);
    std::vector<int> counts(500, 0);  // each loop writes disjoint slots: no data race
    for (int round = 0; round < 500; ++round)
        pool.parallelFor(counts.size(), 7, [&](size_t begin, size_t end, unsigned) {
            for (size_t i = begin; i < end; ++i) ++counts[i];
        });
    for (int c : counts) ASSERT_EQ(c, 500);
}

TEST(WorkerPool, APoolOfOneRunsOnTheCallersThread) {
    server::WorkerPool pool(1);
    EXPECT_EQ(pool.size(), 1u);
    std::set<std::thread::id> seen;
    pool.parallelFor(100, 8, [&](size_t, size_t, unsigned worker) {
        EXPECT_EQ(worker, 0u);
        seen.insert(std::this_thread::get_id());
    });
    EXPECT_EQ(seen, std::set<std::thread::id>{std::this_thread::get_id()});
    EXPECT_GE(server::WorkerPool().size(), 1u);  // 0: one per core
}

}  // namespace
