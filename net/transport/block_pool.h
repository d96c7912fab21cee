// block_pool.h: a small-block allocator for ENet's packets and commands.
//
// A crowd server sends one snapshot per client per tick: ENet allocates a packet header, its data
// and an outgoing command for each, and frees all three once the datagram has left, 2,000 clients
// at 30 Hz make that 180,000 allocations a second whose frees arrive in one burst at the flush,
// which overflows glibc's per-thread cache and sends every one through the bins. This pool keeps
// freed blocks on one free list per size class instead, so a block is reused at the cost of a
// pointer swap.
//
// The blocks come from one address range reserved at construction (reserved, not committed:
// pages cost memory only once touched). Larger requests, and any once the range is used up, go
// to malloc; release() tells the two apart by address, so memory that came from malloc before the
// pool was installed (or from elsewhere) is freed correctly too. Thread-safe (one lock: ENet hosts
// live on a few threads at most, each taking it once per allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace net {

class BlockPool {
public:
    // Size classes (header included): 64, 128, ..., 4096 bytes.
    static constexpr size_t kClasses = 7;
    static constexpr size_t kHeader = 16;  // keeps payloads 16-byte aligned, like malloc's
    static constexpr size_t kMaxBlock = size_t(64) << (kClasses - 1);
    static constexpr size_t kMaxPooled = kMaxBlock - kHeader;  // larger requests go to malloc

    explicit BlockPool(size_t reserveBytes);
    ~BlockPool();
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    void* allocate(size_t bytes);  // nullptr only when malloc itself fails
    void release(void* p);         // any pointer from allocate() or malloc(); nullptr is ignored
    bool owns(const void* p) const {
        auto a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(m_base);
        return a >= b && a < b + m_reserved;
    }

    struct Stats {
        uint64_t pooled = 0;      // allocations served from the range
        uint64_t fallbacks = 0;   // allocations passed to malloc
        size_t carvedBytes = 0;   // of the range, handed out at least once
    };
    Stats stats() const;

    // The process's pool for ENet (reserved on first use: 512 MiB of address space).
    static BlockPool& forEnet();

private:
    mutable std::mutex m_mutex;
    uint8_t* m_base = nullptr;
    size_t m_reserved = 0;
    size_t m_carved = 0;
    void* m_free[kClasses] = {};
    Stats m_stats;
};

}  // namespace net
