// Interest management end to end: the event server and client connections over the loopback
// transport with a fake clock, with loss, duplication and reordering (jitter) on the link. The
// delta baselines must hold: every client keeps decoding, sees the people next to it, and sees a
// person who left disappear (and nobody who merely walked away vanish at once).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tests/server/loopback_hall.h"

using namespace server;

namespace {

using test_hall::LoopbackHall;

// Every client walks in its own direction, turning every 2 s.
net::MoveInput ownWay(size_t k, uint64_t now) {
    float a = float(k) * 0.7f + float(now / 2000);
    return {0, std::cos(a), std::sin(a), a, false};
}

bool shows(client::Connection& c, net::ParticipantId id, uint64_t now) {
    const auto& shown = c.world().interpolate(now, 0.0f);
    return std::any_of(shown.begin(), shown.end(), [&](const client::ShownAvatar& s) { return s.id == id; });
}

TEST(InterestLink, NeighboursAndLeavesSurviveLossDuplicationAndReordering) {
    // A small interest set and budget so the set turns over and far ones take turns.
    ServerDesc desc;
    desc.interest = {.maxKnown = 8, .fullRate = 6, .byteBudget = 90};
    LoopbackHall h(desc, {.lossPercent = 20, .latencyMs = 40, .jitterMs = 40, .duplicatePercent = 20, .seed = 11}, {60, 40});
    const int kClients = 24;
    for (int i = 0; i < kClients; ++i) h.join("P" + std::to_string(i));
    h.run(1500, ownWay);
    for (auto& c : h.conns) ASSERT_EQ(c->state(), client::ConnState::Joined);
    std::vector<uint32_t> before;
    for (auto& c : h.conns) before.push_back(c->world().snapshotsReceived());
    h.run(6000, ownWay);
    for (size_t k = 0; k < h.conns.size(); ++k)
        EXPECT_GT(h.conns[k]->world().snapshotsReceived() - before[k], 60u) << "client " << k << " stopped decoding";

    // Everyone within 1.5 m (server truth) is shown, stale or fresh.
    int pairs = 0, missing = 0;
    for (auto& a : h.conns) {
        const auto* pa = h.server.hall().find(a->world().self());
        ASSERT_NE(pa, nullptr);
        for (auto& b : h.conns) {
            if (a == b) continue;
            const auto* pb = h.server.hall().find(b->world().self());
            if (std::hypot(pa->x - pb->x, pa->z - pb->z) > 1.5f) continue;
            ++pairs;
            missing += !shows(*a, b->world().self(), h.now);
        }
    }
    EXPECT_GT(pairs, 4) << "the walkers should pass close to each other";
    EXPECT_EQ(missing, 0) << "of " << pairs << " close pairs";

    // One leaves: gone from every view within 2 s, despite the lossy link.
    net::ParticipantId leaver = h.conns[0]->world().self();
    h.conns[0]->disconnect();
    h.run(2000, ownWay);
    for (size_t k = 1; k < h.conns.size(); ++k) EXPECT_FALSE(shows(*h.conns[k], leaver, h.now)) << "client " << k;
}

TEST(InterestLink, NaiveBroadcastShowsEveryoneAndCostsMore) {
    ServerDesc naive;
    naive.interest.enabled = false;
    ServerDesc managed;
    managed.interest = {.maxKnown = 8, .fullRate = 6, .byteBudget = 90};
    uint64_t bytes[2] = {0, 0};
    for (int mode = 0; mode < 2; ++mode) {
        LoopbackHall h(mode == 0 ? naive : managed, {}, {60, 40});
        for (int i = 0; i < 30; ++i) h.join("P" + std::to_string(i));
        h.run(3000, ownWay);
        bytes[mode] = h.server.stats().snapshotBytes;
        if (mode == 0) {
            for (auto& c : h.conns) EXPECT_EQ(c->world().interpolate(h.now, 0.0f).size(), 30u);
        }
    }
    EXPECT_GT(double(bytes[0]), 2.5 * double(bytes[1]));
}

}  // namespace
