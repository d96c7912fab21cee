// frame_history.h: the snapshots the server keeps per client as delta baselines.
//
// A snapshot is coded against the newest one the client acknowledged, so the server keeps what
// it sent until an ack makes it useless. Acks only move forward: a frame older than the acked
// one can never be a baseline again, nor can one kFrames ticks old. A new snapshot is built in
// the most recently written of those dead frames rather than in the slot of tick % kFrames: with
// acks coming every two ticks only about five frames per client take turns and stay in cache,
// where a ring of 32 walks every client's whole history through memory once a second (at 2,000
// clients, 80 MB, every slot cold when written: the busiest store of the snapshot work).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "net/protocol/snapshot.h"

namespace server {

class FrameHistory {
public:
    static constexpr size_t kFrames = 32;  // ~1 s at 30 Hz: an ack older than this gets a full snapshot

    // The frame sent at `tick`, or null if none is kept.
    const net::SnapshotFrame* find(uint32_t tick) const {
        if (tick == 0) return nullptr;
        for (size_t i = 0; i < kFrames; ++i)
            if (m_ticks[i] == tick) return &m_frames[i];
        return nullptr;
    }
    // The baseline for tick's snapshot: the acked frame, unless none was acked or it is kFrames
    // ticks old (then the snapshot is coded in full, and slotFor() may reuse that frame).
    const net::SnapshotFrame* baseline(uint32_t tick, uint32_t acked) const {
        return acked != 0 && tick - acked < kFrames ? find(acked) : nullptr;
    }
    // The frame slotFor(tick, acked) would hand out (to prefetch it).
    const net::SnapshotFrame& peek(uint32_t tick, uint32_t acked, const net::SnapshotFrame* besides = nullptr) const {
        return m_frames[pick(tick, acked, indexOf(besides))];
    }
    // A frame to build tick's snapshot in (its storage reused), never the acked one while that can
    // still be a baseline, nor `besides` (a slot taken for the same packet). It is not found until
    // commit().
    net::SnapshotFrame& slotFor(uint32_t tick, uint32_t acked, const net::SnapshotFrame* besides = nullptr) {
        const size_t i = pick(tick, acked, indexOf(besides));
        m_ticks[i] = 0;
        m_frames[i].tick = 0;
        return m_frames[i];
    }
    // The frame from slotFor() went out as `tick`.
    void commit(net::SnapshotFrame& f, uint32_t tick) {
        f.tick = tick;
        m_ticks[size_t(&f - m_frames.data())] = tick;
    }

private:
    size_t indexOf(const net::SnapshotFrame* f) const { return f ? size_t(f - m_frames.data()) : kFrames; }  // kFrames: none
    size_t pick(uint32_t tick, uint32_t acked, size_t besides = kFrames) const {
        // Dead: empty, older than the acked frame, or too old to be a baseline. The most recently
        // written dead one; if none is dead (nothing acked for kFrames ticks), the oldest.
        size_t best = kFrames, oldest = besides == 0 ? 1 : 0;
        for (size_t i = 0; i < kFrames; ++i) {
            if (i == besides) continue;
            const uint32_t t = m_ticks[i];
            const bool dead = t == 0 || t < acked || tick - t >= kFrames;
            if (dead && (best == kFrames || t > m_ticks[best])) best = i;
            if (t < m_ticks[oldest]) oldest = i;
        }
        return best != kFrames ? best : oldest;
    }

    std::array<net::SnapshotFrame, kFrames> m_frames{};
    std::array<uint32_t, kFrames> m_ticks{};  // the tick each frame went out as (0: none)
};

}  // namespace server
