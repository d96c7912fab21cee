// worker_pool.cpp: see worker_pool.h.
#include "server/core/worker_pool.h"

#include <algorithm>

namespace server {

WorkerPool::WorkerPool(unsigned threads) {
    if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    for (unsigned i = 1; i < threads; ++i) m_threads.emplace_back([this, i] { workerMain(i); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads) t.join();
}

void WorkerPool::parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t, unsigned)>& fn) {
    if (n == 0) return;
    grain = std::max<size_t>(1, grain);
    if (m_threads.empty() || n <= grain) {
        fn(0, n, 0);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_fn = &fn;
        m_n = n;
        m_grain = grain;
        m_next = 0;
        m_running = 0;
        ++m_generation;
    }
    m_wake.notify_all();
    runChunks(0);
    // Every chunk is taken; wait only for those still running on a worker. A worker that has not
    // woken yet (its core busy elsewhere) is not waited for: it finds nothing left when it does.
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return m_running == 0; });
    m_fn = nullptr;
}

void WorkerPool::runChunks(unsigned worker) {
    std::unique_lock lock(m_mutex);
    while (m_next < m_n) {
        const size_t begin = m_next, end = std::min(m_n, begin + m_grain);
        m_next = end;
        const auto* fn = m_fn;  // valid while this chunk counts as running
        ++m_running;
        lock.unlock();
        (*fn)(begin, end, worker);
        lock.lock();
        if (--m_running == 0 && m_next >= m_n) m_done.notify_one();
    }
}

void WorkerPool::workerMain(unsigned index) {
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) return;
            seen = m_generation;
        }
        runChunks(index);  // nothing, if the loop was done before this worker woke
    }
}

}  // namespace server
