// FrameHistory: the snapshots kept per client as delta baselines (server/core/frame_history.h).
#include <gtest/gtest.h>

#include <set>

#include "server/core/frame_history.h"

using server::FrameHistory;

namespace {

// Sends a snapshot at `tick` into the history as the server does; returns the frame used.
const net::SnapshotFrame* send(FrameHistory& h, uint32_t tick, uint32_t acked) {
    const net::SnapshotFrame* base = h.baseline(tick, acked);
    const net::SnapshotFrame* peeked = &h.peek(tick, acked);
    net::SnapshotFrame& f = h.slotFor(tick, acked);
    EXPECT_EQ(&f, peeked);  // what the server prefetches is what it then writes
    EXPECT_NE(&f, base) << "tick " << tick << " would overwrite its own baseline " << acked;
    f.avatars.assign(1, net::AvatarState{});
    f.avatars[0].id.v = uint16_t(tick % 4000 + 1);
    h.commit(f, tick);
    return &f;
}

}  // namespace

TEST(FrameHistory, AcksEverySecondTickKeepEveryBaselineAndOnlyAFewFramesInTurn) {
    FrameHistory h;
    std::set<const net::SnapshotFrame*> used;
    for (uint32_t tick = 1; tick <= 3000; ++tick) {
        const uint32_t acked = tick > 3 ? (tick - 2) & ~1u : 0;  // an ack every second tick, two late
        if (acked) {
            const net::SnapshotFrame* base = h.find(acked);
            ASSERT_NE(base, nullptr) << tick;
            EXPECT_EQ(base->tick, acked);
            EXPECT_EQ(base->avatars[0].id.v, acked % 4000 + 1);  // its own content, not another tick's
        }
        const net::SnapshotFrame* f = send(h, tick, acked);
        if (tick > 100) used.insert(f);
    }
    // The acked frame, the ones sent since, and one to write: a handful, not the whole ring.
    EXPECT_LE(used.size(), 5u);
}

TEST(FrameHistory, WithoutAcksItKeepsTheLastSecondAndNoMore) {
    FrameHistory h;
    for (uint32_t tick = 1; tick <= 100; ++tick) send(h, tick, 0);
    // A client whose acks stopped can still be answered against any of the last kFrames ticks.
    for (uint32_t t = 100 - uint32_t(FrameHistory::kFrames) + 1; t <= 100; ++t) {
        ASSERT_NE(h.find(t), nullptr) << t;
        EXPECT_EQ(h.find(t)->avatars[0].id.v, t % 4000 + 1);
    }
    EXPECT_EQ(h.find(100 - uint32_t(FrameHistory::kFrames)), nullptr);
    EXPECT_EQ(h.find(0), nullptr);
    // An old ack arriving late (acks only move forward at the server, but one may be older than
    // everything kept): its baseline is gone, the next snapshot is coded in full, nothing breaks.
    const net::SnapshotFrame* f = send(h, 101, 50);
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(h.find(50), nullptr);
    // A frame still kept but a second old is no baseline: the snapshot goes in full, and its frame
    // may be the one reused.
    ASSERT_NE(h.find(70), nullptr);
    EXPECT_EQ(h.baseline(102, 70), nullptr);
    EXPECT_EQ(h.baseline(101, 70), h.find(70));
    EXPECT_EQ(h.baseline(101, 0), nullptr);
}

TEST(FrameHistory, ASnapshotThatWasNotSentIsNotABaseline) {
    FrameHistory h;
    send(h, 1, 0);
    net::SnapshotFrame& f = h.slotFor(2, 1);
    f.avatars.clear();
    // Encoding failed: no commit. Tick 2 is not found; tick 1 still is.
    EXPECT_EQ(h.find(2), nullptr);
    ASSERT_NE(h.find(1), nullptr);
    EXPECT_EQ(h.find(1)->tick, 1u);
}
