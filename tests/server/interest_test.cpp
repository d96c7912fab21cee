// Interest management (server/core/interest.h): who each client hears about, how often, and
// within what budget; checked through the real delta codec so what a client decodes is tested.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "net/protocol/messages.h"
#include "server/core/interest.h"
#include "server/core/worker_pool.h"

namespace {

using net::AvatarState;
using net::ParticipantId;
using net::SnapshotFrame;
using server::Interest;
using server::InterestClient;

constexpr net::Vec2 kHall{90.0f, 60.0f};

AvatarState at(uint16_t id, float x, float z) {
    AvatarState a;
    a.id = {id};
    a.x = x;
    a.z = z;
    return net::quantized(a);
}

// One client fed by the server side: the server builds frames, encodes against the client's
// acknowledged baseline (acked at once here), the client decodes.
struct Link {
    InterestClient state;
    std::map<uint32_t, SnapshotFrame> serverSent;  // by tick
    std::map<uint32_t, SnapshotFrame> clientHas;   // decoded, by tick
    uint32_t acked = 0;
    size_t lastPacketBytes = 0;

    const SnapshotFrame& step(Interest& interest, ParticipantId self, uint32_t tick) {
        const SnapshotFrame* base = acked ? &serverSent[acked] : nullptr;
        SnapshotFrame f;
        f.tick = tick;
        interest.build(state, self, base, tick, f);
        net::SnapshotMsg msg{.tick = tick, .baselineTick = acked, .lastInput = 0, .frame = f};
        net::Bytes packet = net::encodeSnapshot(msg, base);
        EXPECT_FALSE(packet.empty());
        lastPacketBytes = packet.size();
        serverSent[tick] = f;
        net::SnapshotMsg got;
        bool ok = net::decodeSnapshot(packet, got, [&](uint32_t t) -> const SnapshotFrame* {
            auto it = clientHas.find(t);
            return it == clientHas.end() ? nullptr : &it->second;
        });
        EXPECT_TRUE(ok);
        clientHas[tick] = got.frame;
        acked = tick;
        return clientHas[tick];
    }
};

bool has(const SnapshotFrame& f, uint16_t id) {
    return std::any_of(f.avatars.begin(), f.avatars.end(), [id](const AvatarState& a) { return a.id.v == id; });
}
const AvatarState* find(const SnapshotFrame& f, uint16_t id) {
    for (const auto& a : f.avatars)
        if (a.id.v == id) return &a;
    return nullptr;
}

// A crowd: self (id 1) at (45, 30); ids 2..81 within ~4 m (near), ids 100..399 further out,
// everyone moving a little every tick.
std::vector<AvatarState> crowd(uint32_t tick) {
    std::vector<AvatarState> v;
    float wobble = (tick % 2) ? 0.05f : -0.05f;
    v.push_back(at(1, 45.0f, 30.0f));
    for (uint16_t i = 0; i < 80; ++i) v.push_back(at(uint16_t(2 + i), 41.0f + float(i % 9) + wobble, 26.0f + float(i / 9) + wobble));
    for (uint16_t i = 0; i < 300; ++i)
        v.push_back(at(uint16_t(100 + i), 5.0f + float(i % 20) * 4.0f + wobble, 2.0f + float(i / 20) * 3.6f + wobble));
    std::sort(v.begin(), v.end(), [](const AvatarState& a, const AvatarState& b) { return a.id.v < b.id.v; });
    return v;
}

TEST(Interest, NearbyEveryTickFarAtALowerRateNobodyStarves) {
    // This crowd sways in lockstep with a 2-tick period, so a still client recomputing every even
    // number of ticks would only ever see one phase of the set's edge: recompute every 3 here.
    Interest interest({.maxKnown = 96, .fullRate = 64, .byteBudget = 400, .refreshTicks = 3, .stillRefreshTicks = 3});
    Link link;
    std::map<uint16_t, int> refreshed;  // times the client saw an avatar's new state
    std::map<uint16_t, AvatarState> truth;
    const uint32_t kTicks = 300;
    for (uint32_t t = 1; t <= kTicks; ++t) {
        auto avs = crowd(t);
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        for (const auto& a : avs) truth[a.id.v] = a;
        for (const auto& a : f.avatars)
            if (a.x == truth[a.id.v].x && a.z == truth[a.id.v].z) ++refreshed[a.id.v];
        EXPECT_TRUE(has(f, 1)) << "own avatar always included, tick " << t;
        // The interest set plus self, and a few that just left it (kept stale until forgotten).
        EXPECT_LE(f.avatars.size(), interest.desc().maxKnown + 1 + 8);
    }
    // The 20 nearest (well within the 64 full-rate ones) are current in (nearly) every snapshot.
    std::vector<std::pair<float, uint16_t>> byDist;
    for (const auto& [id, a] : truth) {
        if (id == 1) continue;
        float dx = a.x - 45.0f, dz = a.z - 30.0f;
        byDist.push_back({dx * dx + dz * dz, id});
    }
    std::sort(byDist.begin(), byDist.end());
    for (size_t i = 0; i < 20; ++i) EXPECT_GE(refreshed[byDist[i].second], int(kTicks) - 5) << "near id " << byDist[i].second;
    // Farther ones in the interest set get through at a lower rate, but every one of them does.
    double farSum = 0;
    int farSeen = 0;
    for (size_t i = 64; i < interest.desc().maxKnown; ++i) {
        int n = refreshed[byDist[i].second];
        EXPECT_GT(n, 0) << "starved: id " << byDist[i].second;
        farSum += n;
        ++farSeen;
    }
    EXPECT_LT(farSum / farSeen, 0.8 * kTicks) << "far ones are not at a lower rate";
    // Beyond the interest set: never told.
    EXPECT_EQ(refreshed[byDist.back().second], 0);
}

// Two ticks to a packet from one build: the tick before's frame holds the same people, those
// refreshed now at where they stood a tick earlier, the rest as carried; someone who only just
// arrived is only in this tick's. Both decode in turn, the second against the first.
TEST(Interest, OneBuildGivesThisTicksFrameAndTheTickBefores) {
    Interest interest({.refreshTicks = 1});  // the newcomer is in the set at once
    Link link;
    for (uint32_t t = 1; t <= 20; ++t) {
        auto avs = crowd(t);
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    std::vector<AvatarState> previous = crowd(20), now = crowd(21);
    now.push_back(at(600, 46.0f, 30.0f));  // steps in next to the client this tick
    interest.update(now, kHall, previous);
    const SnapshotFrame& acked = link.serverSent[20];
    SnapshotFrame before, cur;
    interest.build(link.state, {1}, &acked, 21, cur, 0, &before);
    before.tick = 20 + 1000;  // labels of the wire (any two in order); the states are what is checked
    cur.tick = before.tick + 1;
    ASSERT_TRUE(has(cur, 600));
    EXPECT_FALSE(has(before, 600)) << "not in the hall a tick ago";
    ASSERT_EQ(before.avatars.size() + 1, cur.avatars.size());
    size_t moved = 0;
    for (size_t i = 0, j = 0; j < cur.avatars.size(); ++j) {
        if (cur.avatars[j].id.v == 600) continue;
        const AvatarState &b = before.avatars[i++], &c = cur.avatars[j];
        ASSERT_EQ(b.id, c.id);
        const AvatarState* was = nullptr;
        for (const auto& a : previous)
            if (a.id == c.id) was = &a;
        ASSERT_NE(was, nullptr);
        const AvatarState* is = nullptr;
        for (const auto& a : now)
            if (a.id == c.id) is = &a;
        if (c.x == is->x && c.z == is->z && (c.x != was->x || c.z != was->z)) {
            // Refreshed now: a tick ago it stood where it stood a tick ago.
            EXPECT_EQ(b.x, was->x) << "id " << c.id.v;
            EXPECT_EQ(b.z, was->z) << "id " << c.id.v;
            ++moved;
        } else {
            EXPECT_EQ(b.x, c.x) << "carried alike, id " << c.id.v;
            EXPECT_EQ(b.z, c.z) << "carried alike, id " << c.id.v;
        }
    }
    EXPECT_GT(moved, 10u) << "the near ones are refreshed every tick";
    // On the wire: the tick before's against the acked baseline, this tick's against it.
    net::SnapshotMsg m0{.tick = 21, .baselineTick = 20, .lastInput = 0, .frame = before};
    m0.frame.tick = 21;
    net::Bytes p0 = net::encodeSnapshot(m0, &acked);
    before.tick = 21;
    net::SnapshotMsg m1{.tick = 22, .baselineTick = 21, .lastInput = 0, .frame = cur};
    m1.frame.tick = 22;
    net::Bytes p1 = net::encodeSnapshot(m1, &before);
    ASSERT_FALSE(p0.empty());
    ASSERT_FALSE(p1.empty());
    EXPECT_LE(p0.size(), interest.desc().byteBudget + 8u);
    net::SnapshotMsg got0, got1;
    ASSERT_TRUE(net::decodeSnapshot(p0, got0, [&](uint32_t t) -> const SnapshotFrame* { return t == 20 ? &link.clientHas[20] : nullptr; }));
    ASSERT_TRUE(net::decodeSnapshot(p1, got1, [&](uint32_t t) -> const SnapshotFrame* { return t == 21 ? &got0.frame : nullptr; }));
    EXPECT_EQ(got0.frame.avatars.size(), before.avatars.size());
    ASSERT_EQ(got1.frame.avatars.size(), cur.avatars.size());
    for (size_t j = 0; j < cur.avatars.size(); ++j) {
        EXPECT_EQ(got1.frame.avatars[j].id, cur.avatars[j].id);
        EXPECT_NEAR(got1.frame.avatars[j].x, cur.avatars[j].x, 0.006f);
    }
}

TEST(Interest, SnapshotsStayWithinTheByteBudget) {
    const uint32_t kBudget = 150;
    Interest interest({.byteBudget = kBudget});
    Link link;
    size_t maxBytes = 0, sum = 0, n = 0;
    for (uint32_t t = 1; t <= 120; ++t) {
        auto avs = crowd(t);
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        if (t > 30) {  // after the first fill of the client's view
            maxBytes = std::max(maxBytes, link.lastPacketBytes);
            sum += link.lastPacketBytes;
            ++n;
            EXPECT_GE(f.avatars.size(), 60u) << "the view fills up over the first second";
        }
    }
    EXPECT_LE(maxBytes, kBudget);
    // The budget is used, not left idle, while there is something to tell.
    EXPECT_GT(double(sum) / double(n), kBudget * 0.7);

    // The naive broadcast of the same crowd is far bigger.
    Interest naive({.enabled = false});
    Link l2;
    for (uint32_t t = 1; t <= 40; ++t) {
        auto avs = crowd(t);
        naive.update(avs, kHall);
        l2.step(naive, {1}, t);
    }
    EXPECT_GT(l2.lastPacketBytes, kBudget * 5);
}

TEST(Interest, StagePeopleAreAlwaysInEveryonesInterest) {
    Interest interest;
    std::vector<ParticipantId> stage = {{300}, {301}};  // at (85, 55) and thereabouts, far from self
    interest.setAlwaysRelevant(stage);
    Link link;
    for (uint32_t t = 1; t <= 60; ++t) {
        auto avs = crowd(t);
        for (auto& a : avs)
            if (a.id.v == 300 || a.id.v == 301) { a.x = 85.0f + float(t % 3) * 0.1f; a.z = 55.0f; }
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        ASSERT_TRUE(has(f, 300) && has(f, 301)) << "tick " << t;
        EXPECT_NEAR(find(f, 300)->x, 85.0f + float(t % 3) * 0.1f, 0.011f) << "stage state is current, tick " << t;
    }
    // Without the hook they are out of reach: out of the set when the client's set is next
    // recomputed (a still client's: within stillRefreshTicks), forgotten forgetTicks after.
    interest.setAlwaysRelevant({});
    for (uint32_t t = 61; t <= 61 + interest.desc().stillRefreshTicks + interest.desc().forgetTicks + 2; ++t) {
        auto avs = crowd(t);
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    EXPECT_FALSE(has(link.clientHas.rbegin()->second, 300));
}

TEST(Interest, LeavingAndWanderingOffAreToldApart) {
    Interest interest({.refreshTicks = 1});  // the set is recomputed every tick here
    Link link;
    std::vector<AvatarState> avs = {at(1, 10, 10), at(2, 11, 10), at(3, 12, 10)};
    uint32_t t = 1;
    for (; t <= 5; ++t) {
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    ASSERT_TRUE(has(link.clientHas[5], 2) && has(link.clientHas[5], 3));
    // 3 walks far away (out of interest): it stays known, with its last state, for a while...
    avs[2] = at(3, 80, 55);
    interest.update(avs, kHall);
    const SnapshotFrame& f6 = link.step(interest, {1}, t++);
    ASSERT_TRUE(has(f6, 3)) << "out of interest is not 'removed'";
    EXPECT_FLOAT_EQ(find(f6, 3)->x, 12.0f);
    // ...2 leaves the hall: gone from the very next snapshot the client decodes.
    avs.erase(avs.begin() + 1);
    interest.update(avs, kHall);
    const SnapshotFrame& f7 = link.step(interest, {1}, t++);
    EXPECT_FALSE(has(f7, 2));
    EXPECT_TRUE(has(f7, 3));
    // ...and 3 is forgotten (removed on the client) after forgetTicks out of interest.
    for (uint32_t k = 0; k < interest.desc().forgetTicks; ++k, ++t) {
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    EXPECT_FALSE(has(link.clientHas[t - 1], 3));
    EXPECT_TRUE(has(link.clientHas[t - 1], 1));
}

// Acks stop (a client whose input stalls) while everyone around keeps moving: every frame must
// carry, against the old baseline, every change it has told since, until that fills the budget.
// Someone who then steps up next to the client still gets into its view within a few ticks (one
// avatar over the budget a tick), where before they waited for the next ack, however long.
TEST(Interest, WhenAcksStallANewcomerNextToTheClientStillGetsIn) {
    Interest interest;  // the default budget: 128 bytes
    Link link;
    auto hall = [](uint32_t tick, bool newcomer) {
        std::vector<AvatarState> v;
        v.push_back(at(1, 45.0f, 30.0f));
        for (uint16_t i = 0; i < 60; ++i)
            v.push_back(at(uint16_t(2 + i), 40.0f + float(i % 10) + 0.01f * float(tick), 25.0f + float(i / 10) * 2.0f));
        if (newcomer) v.push_back(at(500, 46.0f, 30.5f));
        return v;
    };
    uint32_t frozen = 0, seenAt = 0;
    for (uint32_t t = 1; t <= 90 && !seenAt; ++t) {
        auto avs = hall(t, t >= 60);
        interest.update(avs, kHall);
        if (t == 40) frozen = link.acked;
        const SnapshotFrame& f = link.step(interest, {1}, t);
        if (t >= 40) link.acked = frozen;  // no ack since tick 40
        if (t > 45 && t < 60) { EXPECT_GE(link.lastPacketBytes, interest.desc().byteBudget - 4) << "tick " << t; }
        if (t >= 60 && has(f, 500)) seenAt = t;
    }
    ASSERT_NE(seenAt, 0u) << "the newcomer never got in";
    EXPECT_LE(seenAt, 60u + interest.desc().stillRefreshTicks + 2);
}

TEST(Interest, ALostAckFallsBackWithoutDroppingKnownAvatars) {
    // Acks stall (snapshots lost upstream): frames are coded against an old baseline, and the
    // client that decodes any of them still knows everyone it knew.
    Interest interest;
    Link link;
    for (uint32_t t = 1; t <= 60; ++t) {
        auto avs = crowd(t);
        interest.update(avs, kHall);
        uint32_t keepAck = link.acked;
        const SnapshotFrame& f = link.step(interest, {1}, t);
        if (t > 30 && t < 40) link.acked = keepAck;  // acks lost for a while
        if (t > 20) { EXPECT_GE(f.avatars.size(), 60u) << "tick " << t; }
    }
}

}  // namespace

TEST(Interest, StaggeredRefreshPicksUpNewcomersSoonAndDropsLeaversAtOnce) {
    Interest interest;  // default: the set is recomputed every refreshTicks ticks
    const uint32_t every = interest.desc().refreshTicks;
    ASSERT_GT(every, 1u);
    Link link;
    std::vector<AvatarState> avs = {at(1, 10, 10), at(2, 11, 10)};
    uint32_t t = 1;
    for (; t <= 6; ++t) {
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    // Someone joins right next to the client: known within one refresh period (the longer one:
    // the client stands still).
    const uint32_t stillEvery = interest.desc().stillRefreshTicks;
    ASSERT_GE(stillEvery, every);
    avs.push_back(at(3, 10.5f, 10.5f));
    uint32_t seenAfter = 0;
    for (uint32_t k = 1; k <= stillEvery && !seenAfter; ++k, ++t) {
        interest.update(avs, kHall);
        if (has(link.step(interest, {1}, t), 3)) seenAfter = k;
    }
    EXPECT_GE(seenAfter, 1u);
    EXPECT_LE(seenAfter, stillEvery);
    // Whoever is in the set keeps moving smoothly between refreshes (refreshed every tick).
    for (uint32_t k = 0; k < every; ++k, ++t) {
        avs[1].x += 0.05f;
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        ASSERT_TRUE(has(f, 2));
        EXPECT_FLOAT_EQ(find(f, 2)->x, avs[1].x);
    }
    // Someone leaves the hall between two refreshes: gone from the very next snapshot.
    uint32_t untilRefresh = 0;
    while ((t + untilRefresh) % every == 1 % every) ++untilRefresh;  // a tick that is not client 1's refresh
    for (uint32_t k = 0; k < untilRefresh; ++k, ++t) {
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    avs.erase(avs.begin() + 1);
    interest.update(avs, kHall);
    const SnapshotFrame& gone = link.step(interest, {1}, t++);
    EXPECT_FALSE(has(gone, 2));
    EXPECT_TRUE(has(gone, 3));
}

namespace {

// Self at (45, 30) in a dense block of 200 walking in a circle around it, so people keep
// crossing the edge of its interest set.
std::vector<AvatarState> swirl(uint32_t tick) {
    std::vector<AvatarState> v;
    v.push_back(at(1, 45.0f, 30.0f));
    for (uint16_t i = 0; i < 200; ++i) {
        float r = 1.0f + float(i % 20) * 0.6f, a = float(i) * 0.7f + float(tick) * (0.02f + 0.001f * float(i % 7));
        v.push_back(at(uint16_t(2 + i), 45.0f + r * std::cos(a), 30.0f + r * std::sin(a)));
    }
    return v;
}

}  // namespace

TEST(Interest, NoMoreThanTheCapInViewEvenWhenPeopleKeepCrossingTheEdge) {
    Interest interest;  // defaults: the nearest maxKnown, at most maxInFrame in a frame
    ASSERT_LE(interest.desc().maxKnown + 1, interest.desc().maxInFrame);
    Link link;
    size_t most = 0, sum = 0;
    for (uint32_t t = 1; t <= 200; ++t) {
        auto avs = swirl(t);
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        EXPECT_TRUE(has(f, 1));
        most = std::max(most, f.avatars.size());
        if (t > 30) sum += f.avatars.size();
    }
    EXPECT_LE(most, interest.desc().maxInFrame);
    // The cap removes lingering ones only: the nearest maxKnown (and self) stay in view.
    EXPECT_GE(double(sum) / 170.0, double(interest.desc().maxKnown + 1));
}

TEST(Interest, StagePeopleStayInViewPastTheCap) {
    Interest interest({.maxKnown = 10, .maxInFrame = 8, .byteBudget = 600});
    const net::ParticipantId stage[] = {{300}, {301}};
    interest.setAlwaysRelevant(stage);
    Link link;
    for (uint32_t t = 1; t <= 40; ++t) {
        auto avs = swirl(t);  // ids 1..201, sorted; the stage is far off, beyond the radius
        avs.push_back(at(300, 80.0f, 50.0f));
        avs.push_back(at(301, 81.0f, 50.0f));
        interest.update(avs, kHall);
        const SnapshotFrame& f = link.step(interest, {1}, t);
        EXPECT_TRUE(has(f, 1) && has(f, 300) && has(f, 301)) << "tick " << t;
        // Interest (10 + self + stage) is never cut; only lingering ones are.
        EXPECT_LE(f.avatars.size(), 13u);
    }
}

TEST(Interest, AWalkingClientPicksUpNewcomersWithinTheShortPeriod) {
    Interest interest;
    const uint32_t every = interest.desc().refreshTicks;
    ASSERT_LT(every, interest.desc().stillRefreshTicks);
    Link link;
    std::vector<AvatarState> avs = {at(1, 10, 10), at(2, 11, 10)};
    uint32_t t = 1;
    auto walk = [&] { avs[0] = at(1, avs[0].x + 0.05f, 10); };  // 1.5 m/s
    for (; t <= 7; ++t) {
        walk();
        interest.update(avs, kHall);
        link.step(interest, {1}, t);
    }
    avs.push_back(at(3, avs[0].x + 0.5f, 10.5f));
    uint32_t seenAfter = 0;
    for (uint32_t k = 1; k <= every && !seenAfter; ++k, ++t) {
        walk();
        avs[2] = at(3, avs[0].x + 0.5f, 10.5f);
        interest.update(avs, kHall);
        if (has(link.step(interest, {1}, t), 3)) seenAfter = k;
    }
    EXPECT_GE(seenAfter, 1u);
    EXPECT_LE(seenAfter, every);
}

// The server builds its clients' frames on several threads at once (WorkerPool): every client's
// frames, and the summed stats, must be what one thread alone would build.
TEST(Interest, FramesBuiltOnSeveralThreadsAreTheOnesOneThreadBuilds) {
    server::WorkerPool pool(3);
    Interest one, many;
    many.setWorkers(pool.size());
    const std::vector<AvatarState> first = crowd(1);
    const size_t n = first.size();
    std::vector<InterestClient> oneState(n), manyState(n);
    std::vector<SnapshotFrame> oneSent(n), manySent(n);  // each client's last frame, acked at once
    for (uint32_t t = 1; t <= 40; ++t) {
        const std::vector<AvatarState> avs = crowd(t);
        one.update(avs, kHall);
        many.update(avs, kHall);
        std::vector<SnapshotFrame> a(n), b(n);
        for (size_t c = 0; c < n; ++c)
            one.build(oneState[c], avs[c].id, t > 1 ? &oneSent[c] : nullptr, t, a[c]);
        pool.parallelFor(n, 16, [&](size_t begin, size_t end, unsigned worker) {
            for (size_t c = begin; c < end; ++c) many.build(manyState[c], avs[c].id, t > 1 ? &manySent[c] : nullptr, t, b[c], worker);
        });
        for (size_t c = 0; c < n; ++c) {
            ASSERT_EQ(a[c].avatars.size(), b[c].avatars.size()) << "client " << c << " tick " << t;
            for (size_t k = 0; k < a[c].avatars.size(); ++k) {
                ASSERT_EQ(a[c].avatars[k].id, b[c].avatars[k].id);
                ASSERT_EQ(a[c].avatars[k].x, b[c].avatars[k].x);
                ASSERT_EQ(a[c].avatars[k].z, b[c].avatars[k].z);
            }
            a[c].tick = b[c].tick = t;
            oneSent[c] = a[c];
            manySent[c] = b[c];
        }
        EXPECT_EQ(one.stats().avatarsInFrames, many.stats().avatarsInFrames);
        EXPECT_EQ(one.stats().avatarsRefreshed, many.stats().avatarsRefreshed);
        EXPECT_GT(many.stats().avatarsInFrames, n * 10);  // frames were really built
    }
}
