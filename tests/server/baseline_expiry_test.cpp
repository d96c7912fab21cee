// Delta baselines that expire: the state channel goes dark (every snapshot and every input lost)
// for longer than the server keeps baselines, then comes back. The server must fall back to a
// full snapshot, and the client must decode it and show everyone where they really are, without
// a single undecodable snapshot.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/server/loopback_hall.h"

using namespace server;

namespace {

using test_hall::LoopbackHall;

// The second person walks in a slow circle; the first stands.
net::MoveInput secondWalks(size_t k, uint64_t now) {
    float a = float(now) * 0.0008f;
    return {0, k == 1 ? std::cos(a) : 0.0f, k == 1 ? std::sin(a) : 0.0f, a, false};
}

TEST(BaselineExpiry, AStateBlackoutLongerThanTheHistoryEndsInAFullSnapshot) {
    LoopbackHall p({}, {.latencyMs = 20, .seed = 3}, {40, 30});
    p.join("王磊");
    p.join("李娜");
    p.run(1500, secondWalks);
    for (auto& c : p.conns) ASSERT_EQ(c->state(), client::ConnState::Joined);
    const net::ParticipantId walker = p.conns[1]->world().self();
    ASSERT_TRUE(p.shown(0, walker));
    const uint32_t decodedBefore = p.conns[0]->world().snapshotsReceived();

    // Two seconds dark on the state channel (the server keeps about one second of baselines).
    for (auto& t : p.transports) t->setConditions({.lossPercent = 100, .latencyMs = 20, .seed = 4});
    p.run(2000, secondWalks);
    for (auto& c : p.conns) ASSERT_EQ(c->state(), client::ConnState::Joined) << "a dark state channel is not a disconnect";
    const uint32_t decodedDark = p.conns[0]->world().snapshotsReceived();
    EXPECT_LE(decodedDark - decodedBefore, 3u) << "almost nothing gets through while dark";

    // Light again: no baseline the server still has was acknowledged, so it codes in full.
    for (auto& t : p.transports) t->setConditions({.latencyMs = 20, .seed = 5});
    p.run(300, secondWalks);
    EXPECT_GT(p.conns[0]->world().snapshotsReceived() - decodedDark, 5u) << "the client decodes again";
    EXPECT_EQ(p.conns[0]->stats().malformed, 0u) << "no snapshot coded against a baseline the client lacks";

    // And it shows the walker where the server has it (within a few ticks of walking).
    p.run(200, secondWalks);
    const auto* truth = p.server.hall().find(walker);
    ASSERT_NE(truth, nullptr);
    auto seen = p.shown(0, walker);
    ASSERT_TRUE(seen);
    EXPECT_LT(std::hypot(seen->x - truth->x, seen->z - truth->z), 0.5f);
    EXPECT_EQ(p.conns[0]->stats().malformed, 0u);
}

}  // namespace
