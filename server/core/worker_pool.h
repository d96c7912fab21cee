// worker_pool.h: a few threads that split one loop between them (the tick's per-client snapshot
// work). The caller's thread works too, so a pool of 1 is a plain loop with no thread at all.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace server {

class WorkerPool {
public:
    // `threads` counts the caller: 0 picks one per hardware thread, at most 8.
    explicit WorkerPool(unsigned threads = 0);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return unsigned(m_threads.size()) + 1; }

    // Calls fn(begin, end, worker) over [0, n) in chunks of `grain`, on every thread of the pool
    // (worker 0 is the caller, 1.. the pool's), and returns when all of it is done. Not reentrant.
    void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t, unsigned)>& fn);

private:
    void workerMain(unsigned index);
    void runChunks(unsigned worker);

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;   // workers: a new loop (or stop)
    std::condition_variable m_done;   // caller: the last running chunk finished
    const std::function<void(size_t, size_t, unsigned)>* m_fn = nullptr;
    size_t m_n = 0, m_grain = 1, m_next = 0;  // under m_mutex
    unsigned m_running = 0;           // chunks taken and not yet finished
    uint64_t m_generation = 0;
    bool m_stop = false;
};

}  // namespace server
