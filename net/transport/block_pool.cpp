// block_pool.cpp: size-class free lists over one reserved address range (block_pool.h).
#include "net/transport/block_pool.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

namespace net {

namespace {

// Class index for a block of `total` bytes (header included): 64 -> 0, 128 -> 1, ...
size_t classOf(size_t total) {
    size_t c = 0;
    while ((size_t(64) << c) < total) ++c;
    return c;
}

}  // namespace

BlockPool::BlockPool(size_t reserveBytes) {
    if (reserveBytes == 0) return;
    void* p = mmap(nullptr, reserveBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return;  // every allocation goes to malloc
    m_base = static_cast<uint8_t*>(p);
    m_reserved = reserveBytes;
}

BlockPool::~BlockPool() {
    if (m_base) munmap(m_base, m_reserved);
}

void* BlockPool::allocate(size_t bytes) {
    if (bytes <= kMaxPooled) {
        const size_t c = classOf(bytes + kHeader), size = size_t(64) << c;
        std::lock_guard lock(m_mutex);
        uint8_t* block = static_cast<uint8_t*>(m_free[c]);
        if (block) {
            std::memcpy(&m_free[c], block + kHeader, sizeof(void*));  // next link lives in the payload
        } else if (m_carved + size <= m_reserved) {
            block = m_base + m_carved;
            m_carved += size;
        }
        if (block) {
            std::memcpy(block, &c, sizeof c);
            ++m_stats.pooled;
            return block + kHeader;
        }
    }
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.fallbacks;
    }
    return std::malloc(bytes);
}

void BlockPool::release(void* p) {
    if (!p) return;
    if (!owns(p)) {
        std::free(p);
        return;
    }
    uint8_t* block = static_cast<uint8_t*>(p) - kHeader;
    size_t c;
    std::memcpy(&c, block, sizeof c);
    std::lock_guard lock(m_mutex);
    std::memcpy(block + kHeader, &m_free[c], sizeof(void*));
    m_free[c] = block;
}

BlockPool::Stats BlockPool::stats() const {
    std::lock_guard lock(m_mutex);
    Stats s = m_stats;
    s.carvedBytes = m_carved;
    return s;
}

BlockPool& BlockPool::forEnet() {
    static BlockPool* pool = new BlockPool(size_t(512) << 20);  // never destroyed: ENet may free late
    return *pool;
}

}  // namespace net
