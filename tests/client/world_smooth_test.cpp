// World's clocks and smoothing, fed with hand-made snapshot packets: the input clock's tick rate
// at any frame rate, the playback clock under jitter, per-avatar interpolation of an avatar the
// server updates only every 4th tick (or leaves out of snapshots), late / duplicated / missing
// snapshots, extrapolation when snapshots stop, and blending of own-avatar corrections.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "client/core/connection.h"
#include "client/core/world.h"

namespace {

constexpr double kTickMs = 1000.0 / net::kTickRate;
constexpr float kStep = net::kWalkSpeed / net::kTickRate;  // metres per tick at walking pace
// The fastest a correction is ever blended in (one just below the teleport threshold).
constexpr float kFastestCorrection = client::kTeleportMetres / client::kMaxCorrectionSeconds;

net::EventLayout openHall() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {60, 60};
    ev.spawn = {30, 30};
    return ev;
}

// A walker going round a 3.6 m square at walking pace, starting at (x0, z0).
net::AvatarState walkerAt(uint16_t id, uint32_t tick, float x0, float z0) {
    const uint32_t side = 60, lap = 4 * side;
    uint32_t t = tick % lap, leg = t / side;
    float d = float(t % side) * kStep, l = float(side) * kStep;
    net::AvatarState a;
    a.id.v = id;
    a.anim = net::Anim::Walk;
    switch (leg) {
        case 0: a.x = x0 + d; a.z = z0; a.yaw = 1.5708f; break;
        case 1: a.x = x0 + l; a.z = z0 + d; a.yaw = 0.0f; break;
        case 2: a.x = x0 + l - d; a.z = z0 + l; a.yaw = 4.7124f; break;
        default: a.x = x0; a.z = z0 + l - d; a.yaw = 3.1416f; break;
    }
    return net::quantized(a);
}

// The server side of the fake: avatar 1 is us (standing), 2 walks and is sent every tick, 3 walks
// but is updated only every `farEvery` ticks (a stale copy, or nothing, in between).
struct FakeServer {
    uint32_t farEvery = 1;
    bool farAbsentBetween = false;  // leave avatar 3 out of the snapshots it is not updated in
    uint32_t walkerGoneFrom = UINT32_MAX;  // avatar 2 is in no snapshot from this tick on

    net::SnapshotFrame frameAt(uint32_t tick) {
        net::SnapshotFrame f;
        f.tick = tick;
        net::AvatarState self;
        self.id.v = 1;
        self.x = 30;
        self.z = 20;
        f.avatars.push_back(net::quantized(self));
        if (tick < walkerGoneFrom) f.avatars.push_back(walkerAt(2, tick, 10, 10));
        // Between updates a snapshot carries the state of the last update (the baseline's copy).
        if (tick % farEvery == 0 || !farAbsentBetween) f.avatars.push_back(walkerAt(3, tick - tick % farEvery, 40, 40));
        return f;
    }
    net::Bytes packet(uint32_t tick) {
        net::SnapshotMsg m;
        m.tick = tick;
        m.frame = frameAt(tick);
        return net::encodeSnapshot(m, nullptr);
    }
};

struct Link {
    uint32_t latencyMs = 55, jitterMs = 40;
    float lossPercent = 5, duplicatePercent = 0;
    bool sequenced = true;  // drop what is older than the newest delivered (ENet channel 0)
};

struct Delivery { uint64_t atMs; uint32_t tick; };

// Runs `ms` of fake time: the server ticks at 30 Hz, packets cross `link`, the client draws at
// ~60 fps with uneven frames. `onFrame(nowMs, dt, shown)` sees every frame.
template <typename F>
void run(client::World& w, FakeServer& srv, const Link& link, uint64_t fromMs, uint64_t ms, std::mt19937& rng,
         F&& onFrame, uint64_t silentFromMs = UINT64_MAX, uint64_t silentToMs = 0) {
    std::uniform_real_distribution<float> u(0, 100);
    std::uniform_int_distribution<uint32_t> jit(0, link.jitterMs);
    std::uniform_int_distribution<int> frameMs(12, 21);
    std::vector<Delivery> inFlight;
    uint32_t newestDelivered = 0;
    uint64_t nextFrame = fromMs, lastFrame = fromMs;
    for (uint64_t now = fromMs; now < fromMs + ms; ++now) {
        // Server tick n is sent at n * kTickMs.
        uint32_t tick = uint32_t(double(now) / kTickMs);
        if (double(now) >= tick * kTickMs && double(now) - 1.0 < tick * kTickMs && tick > 0) {
            bool silent = now >= silentFromMs && now < silentToMs;
            if (!silent && u(rng) >= link.lossPercent) {
                inFlight.push_back({now + link.latencyMs + jit(rng), tick});
                if (u(rng) < link.duplicatePercent) inFlight.push_back({now + link.latencyMs + jit(rng), tick});
            }
        }
        for (size_t i = 0; i < inFlight.size();) {
            if (inFlight[i].atMs <= now) {
                uint32_t t = inFlight[i].tick;
                inFlight.erase(inFlight.begin() + long(i));
                if (link.sequenced && t <= newestDelivered) continue;
                newestDelivered = std::max(newestDelivered, t);
                net::Bytes p = srv.packet(t);
                EXPECT_TRUE(w.onSnapshotPacket(p, now));
            } else {
                ++i;
            }
        }
        if (now >= nextFrame) {
            float dt = float(now - lastFrame) / 1000.0f;
            lastFrame = now;
            nextFrame = now + uint64_t(frameMs(rng));
            onFrame(now, dt, w.interpolate(now, dt));
        }
    }
}

const client::ShownAvatar* find(const std::vector<client::ShownAvatar>& shown, uint16_t id) {
    for (const auto& s : shown)
        if (s.id.v == id && !s.self) return &s;
    return nullptr;
}

// Where the server had an avatar at a fractional tick (the truth the client should show).
net::AvatarState truthAt(uint16_t id, double tick, float x0, float z0) {
    auto a = walkerAt(id, uint32_t(std::floor(tick)), x0, z0);
    auto b = walkerAt(id, uint32_t(std::floor(tick)) + 1, x0, z0);
    float t = float(tick - std::floor(tick));
    a.x += (b.x - a.x) * t;
    a.z += (b.z - a.z) * t;
    return a;
}

client::World joinedWorld() {
    client::World w;
    net::Welcome welcome;
    welcome.you.v = 1;
    welcome.event = openHall();
    w.onWelcome(welcome, 0);
    return w;
}

// Checks the motion of avatar `id` frame to frame: no step longer than walking pace allows (1.5x
// for frame-time noise, plus a centimetre of quantization), and close to the server's path at the
// playback tick. Returns the largest error seen.
struct MotionCheck {
    uint16_t id;
    float x0, z0;
    float maxStep = 0, maxError = 0, maxStepExcess = 0, maxJumpExcess = 0;
    double maxDelay = 0;
    int frames = 0;
    bool has = false;
    float lastX = 0, lastZ = 0;

    void frame(const client::World& w, float dt, const std::vector<client::ShownAvatar>& shown, uint64_t now) {
        const client::ShownAvatar* s = find(shown, id);
        if (!s || now < 1500) { has = false; return; }  // let the clock settle first
        ASSERT_TRUE(std::isfinite(s->x) && std::isfinite(s->z));
        if (has) {
            float step = std::hypot(s->x - lastX, s->z - lastZ);
            maxStep = std::max(maxStep, step);
            maxStepExcess = std::max(maxStepExcess, step - (net::kWalkSpeed * dt * 1.5f + 0.01f));
            maxJumpExcess = std::max(maxJumpExcess, step - ((net::kWalkSpeed + kFastestCorrection) * dt + 0.01f));
        }
        // The truth at the tick the avatar is shown at (a sparse one runs a little further behind).
        const client::AvatarTrack* t = w.track(net::ParticipantId{id});
        ASSERT_NE(t, nullptr);
        maxDelay = std::max(maxDelay, t->delay);
        auto truth = truthAt(id, w.playbackTick() - t->delay, x0, z0);
        maxError = std::max(maxError, std::hypot(s->x - truth.x, s->z - truth.z));
        lastX = s->x;
        lastZ = s->z;
        has = true;
        ++frames;
    }
};

}  // namespace

TEST(InputClock, OneTickPerServerTickAtAnyFrameRate) {
    for (int fps : {10, 20, 30, 59, 60, 144, 240}) {
        client::InputClock clock;
        std::mt19937 rng{uint32_t(fps)};
        // Frame times vary by +-20% around the nominal frame rate.
        std::uniform_real_distribution<double> vary(0.8, 1.2);
        double now = 1000;
        int most = 0;
        while (now < 1000 + 10000) {
            most = std::max(most, clock.advance(uint64_t(now)));
            now += 1000.0 / fps * vary(rng);
        }
        // 10 s of frames must give 300 inputs (one per server tick), not one per frame.
        EXPECT_NEAR(double(clock.ticks()), 300.0, 2.0) << fps << " fps";
        EXPECT_EQ(clock.skipped(), 0u) << fps << " fps";
        EXPECT_LE(most, fps >= 30 ? 2 : 1 + int(std::ceil(30.0 / fps * 1.2))) << fps << " fps";
    }
}

TEST(InputClock, AStallIsSkippedNotSentInABurst) {
    client::InputClock clock;
    for (uint64_t t = 0; t <= 1000; t += 16) clock.advance(t);
    uint64_t before = clock.ticks();
    EXPECT_EQ(clock.advance(2000), 1);  // a one-second hitch: one input, not 30
    EXPECT_GT(clock.skipped(), 25u);
    // And the rate afterwards is still 30 Hz.
    for (uint64_t t = 2016; t <= 3000; t += 16) clock.advance(t);
    EXPECT_NEAR(double(clock.ticks() - before), 31.0, 2.0);
}

TEST(InputClock, StretchedItRunsAFifteenthSlowerAndSwitchingMovesNoTickThatIsDue) {
    client::InputClock clock;
    for (uint64_t t = 0; t < 1000; t += 7) clock.advance(t);
    uint64_t before = clock.ticks();
    clock.setStretched(true);
    EXPECT_TRUE(clock.stretched());
    for (uint64_t t = 1000; t < 11000; t += 7) clock.advance(t);
    // 10 s stretched: 300 * 15/16 ticks, not 300.
    EXPECT_NEAR(double(clock.ticks() - before), 281.25, 2.0);
    before = clock.ticks();
    clock.setStretched(false);
    for (uint64_t t = 11000; t < 21000; t += 7) clock.advance(t);
    EXPECT_NEAR(double(clock.ticks() - before), 300.0, 2.0);
    EXPECT_EQ(clock.skipped(), 0u);
    // Switching between two frames neither adds a tick nor takes the one already due.
    client::InputClock a, b;
    a.advance(0);
    b.advance(0);
    b.setStretched(true);
    EXPECT_EQ(a.advance(34), b.advance(34));
}

TEST(PlaybackClock, FollowsTheServerSmoothlyUnderJitterAndLoss) {
    client::PlaybackClock clock;
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> jitter(0, 40);
    std::uniform_real_distribution<float> u(0, 100);
    double lastPlay = 0;
    uint64_t lastNow = 0;
    double maxRateSeen = 0, minRateSeen = 10, worst = 0;
    // Snapshots leave the server every 33.3 ms, take 55..95 ms, 5% are lost.
    std::vector<std::pair<uint64_t, uint32_t>> arrivals;
    for (uint32_t tick = 1; tick < 600; ++tick)
        if (u(rng) >= 5) arrivals.push_back({uint64_t(tick * kTickMs) + 55 + uint64_t(jitter(rng)), tick});
    std::sort(arrivals.begin(), arrivals.end());
    size_t next = 0;
    uint32_t newest = 0;
    for (uint64_t now = 0; now < 20000; now += 16) {
        for (; next < arrivals.size() && arrivals[next].first <= now; ++next)
            if (arrivals[next].second > newest) clock.onSnapshot(newest = arrivals[next].second, now);
        if (!clock.started()) continue;
        double play = clock.advance(now);
        if (now > 2000) {
            // Never jumps: at most 5% faster than real time, never backwards.
            double advance = play - lastPlay, real = double(now - lastNow) / kTickMs;
            maxRateSeen = std::max(maxRateSeen, advance / real);
            minRateSeen = std::min(minRateSeen, advance / real);
            // ~100 ms behind the newest snapshot, which is itself ~75 ms (mean latency) old.
            double serverNow = double(now) / kTickMs;
            worst = std::max(worst, std::abs(play - (serverNow - (75.0 + client::kInterpDelayMs) / kTickMs)));
        }
        lastPlay = play;
        lastNow = now;
    }
    EXPECT_LE(maxRateSeen, 1.0 + client::kMaxRateChange + 1e-9);
    EXPECT_GE(minRateSeen, 1.0 - client::kMaxRateChange - 1e-9);
    EXPECT_LT(worst, 0.75);  // ticks
}

TEST(PlaybackClock, AdoptsARestartedServerClock) {
    client::PlaybackClock clock;
    for (uint32_t tick = 1; tick < 60; ++tick) {
        clock.onSnapshot(tick, uint64_t(tick * kTickMs) + 50);
        clock.advance(uint64_t(tick * kTickMs) + 50);
    }
    // The server came back with ticks counted from 1 again.
    for (uint32_t tick = 1; tick < 10; ++tick) {
        uint64_t now = 2000 + uint64_t(tick * kTickMs);
        clock.onSnapshot(tick, now);
        clock.advance(now);
    }
    EXPECT_NEAR(clock.playbackTick(), 9.0 - clock.delayTicks(), 1.0);
}

TEST(WorldInterpolation, WalkerStaysSmoothAndOnPathUnderLossAndJitter) {
    client::World w = joinedWorld();
    FakeServer srv;
    std::mt19937 rng(3);
    MotionCheck near{2, 10, 10};
    run(w, srv, Link{}, 0, 12000, rng, [&](uint64_t now, float dt, const auto& shown) { near.frame(w, dt, shown, now); });
    EXPECT_GT(near.frames, 500);
    EXPECT_LE(near.maxStepExcess, 0.0f) << "largest step " << near.maxStep << " m";
    EXPECT_LT(near.maxError, 0.08f);
}

TEST(WorldInterpolation, AvatarUpdatedEveryFourthTickIsSmooth) {
    // Several loss patterns: which updates are lost matters more here than for a near avatar.
    for (uint32_t seed = 5; seed < 805; seed += 100) {
        for (bool absent : {false, true}) {
            SCOPED_TRACE(std::string(absent ? "absent" : "stale copies") + " between updates, seed " + std::to_string(seed));
            client::World w = joinedWorld();
            FakeServer srv;
            srv.farEvery = 4;
            srv.farAbsentBetween = absent;
            std::mt19937 rng(seed);
            MotionCheck far{3, 40, 40};
            run(w, srv, Link{}, 0, 12000, rng, [&](uint64_t now, float dt, const auto& shown) { far.frame(w, dt, shown, now); });
            EXPECT_GT(far.frames, 500);
            EXPECT_LE(far.maxStepExcess, 0.0f) << "largest step " << far.maxStep << " m";
            // Between samples 4 ticks apart the path is a straight line; corners are cut a little.
            // When the avatar is left out between updates, a late update is lost for good (ENet's
            // sequencing drops it): then it is extrapolated (<= 250 ms) and corrected smoothly.
            EXPECT_LT(far.maxError, absent ? 0.45f : 0.15f);
            EXPECT_LE(far.maxDelay, 7.5);  // shown at most 250 ms later than near avatars
        }
    }
}

TEST(WorldInterpolation, LateDuplicatedAndReorderedSnapshotsDoNotDisturb) {
    client::World w = joinedWorld();
    FakeServer srv;
    srv.farEvery = 2;
    std::mt19937 rng(11);
    Link link;
    link.sequenced = false;  // deliver late and duplicated packets too
    link.duplicatePercent = 10;
    link.jitterMs = 80;      // more than two ticks: packets overtake each other
    MotionCheck near{2, 10, 10}, far{3, 40, 40};
    run(w, srv, link, 0, 10000, rng, [&](uint64_t now, float dt, const auto& shown) {
        near.frame(w, dt, shown, now);
        far.frame(w, dt, shown, now);
    });
    EXPECT_GT(w.lateSnapshots(), 10u);
    // Packets later than the playback delay move an avatar after it was drawn: the difference
    // is blended in (walking pace plus kMaxCorrectionSpeed at most), never a jump.
    EXPECT_LE(near.maxJumpExcess, 0.0f) << near.maxStep;
    EXPECT_LE(far.maxJumpExcess, 0.0f) << far.maxStep;
    EXPECT_LT(near.maxError, 0.1f);
    EXPECT_LT(far.maxError, 0.15f);
}

TEST(WorldInterpolation, SnapshotsStopExtrapolateBrieflyThenHold) {
    client::World w = joinedWorld();
    FakeServer srv;
    std::mt19937 rng(9);
    Link link;
    link.lossPercent = 0;
    // Snapshots sent between 3 s and 4 s never arrive.
    const uint64_t gapFrom = 3000, gapTo = 4000;
    float lastSampleX = 0, lastSampleZ = 0, lastX = 0, lastZ = 0, heldX = -1, heldZ = -1, maxStep = 0, beyond = 0;
    bool sawHold = false;
    uint32_t lastTickBeforeGap = 0;
    run(w, srv, link, 0, 7000, rng, [&](uint64_t now, float dt, const auto& shown) {
        if (now < 500) return;  // the first snapshots are on their way
        const client::ShownAvatar* s = find(shown, 2);
        ASSERT_NE(s, nullptr);
        ASSERT_TRUE(std::isfinite(s->x) && std::isfinite(s->z) && std::isfinite(s->yaw));
        if (now < gapFrom + 100) {
            lastTickBeforeGap = w.latestTick();
            lastSampleX = w.track(net::ParticipantId{2})->samples.back().x;
            lastSampleZ = w.track(net::ParticipantId{2})->samples.back().z;
        } else if (now < gapTo + 50) {  // the first snapshot after the gap arrives 55 ms later
            // Extrapolated at most kMaxExtrapolateMs of walking past the last sample ...
            beyond = std::max(beyond, std::hypot(s->x - lastSampleX, s->z - lastSampleZ));
            EXPECT_LE(std::hypot(s->x - lastSampleX, s->z - lastSampleZ), net::kWalkSpeed * float(client::kMaxExtrapolateMs) / 1000.0f + 0.02f);
            // ... then held still.
            if (now > gapFrom + 100 + 75 + 100 + 350) {
                if (heldX >= 0) {
                    EXPECT_NEAR(s->x, heldX, 2e-3f);
                    EXPECT_NEAR(s->z, heldZ, 2e-3f);
                }
                heldX = s->x;
                heldZ = s->z;
                sawHold = true;
            }
        } else if (now > gapTo + 200) {
            // Back: the catch-up is blended, never a jump.
            maxStep = std::max(maxStep, std::hypot(s->x - lastX, s->z - lastZ) - (net::kWalkSpeed + kFastestCorrection) * dt);
        }
        lastX = s->x;
        lastZ = s->z;
    }, gapFrom, gapTo);
    EXPECT_GT(lastTickBeforeGap, 80u);
    EXPECT_TRUE(sawHold);
    // It did keep walking for a moment (most of kMaxExtrapolateMs) instead of freezing at once.
    EXPECT_GT(beyond, net::kWalkSpeed * float(client::kMaxExtrapolateMs) / 1000.0f * 0.7f);
    EXPECT_LE(maxStep, 0.011f);
    // And it converged back onto the path.
    auto truth = truthAt(2, w.playbackTick(), 10, 10);
    const client::ShownAvatar* s = find(w.interpolate(7000, 0.016f), 2);
    ASSERT_NE(s, nullptr);
    EXPECT_LT(std::hypot(s->x - truth.x, s->z - truth.z), 0.08f);
}

TEST(WorldPrediction, CorrectionsAreBlendedTeleportsAreShown) {
    client::World w = joinedWorld();
    net::AvatarState self;
    self.id.v = 1;
    self.x = 30;
    self.z = 30;
    auto feed = [&](uint32_t tick, const net::AvatarState& s, uint32_t lastInput, uint64_t now) {
        net::SnapshotMsg m;
        m.tick = tick;
        m.lastInput = lastInput;
        m.frame.tick = tick;
        m.frame.avatars.push_back(net::quantized(s));
        ASSERT_TRUE(w.onSnapshotPacket(net::encodeSnapshot(m, nullptr), now));
    };
    feed(1, self, 0, 0);
    ASSERT_TRUE(w.selfState());
    // Standing still; the server moves us 0.5 m (a push the client did not predict).
    net::AvatarState pushed = self;
    pushed.x += 0.5f;
    feed(2, pushed, 0, 33);
    float lastX = 30, maxStep = 0;
    for (uint64_t now = 33; now < 1000; now += 16) {
        const auto& shown = w.interpolate(now, 0.016f);
        ASSERT_FALSE(shown.empty());
        const auto& me = shown.back();
        ASSERT_TRUE(me.self);
        maxStep = std::max(maxStep, std::abs(me.x - lastX));
        lastX = me.x;
    }
    EXPECT_GT(maxStep, 0.0f);
    // No visible snap: blended at about half walking pace.
    EXPECT_LE(maxStep, std::max(client::kMaxCorrectionSpeed, 0.5f / client::kMaxCorrectionSeconds) * 0.016f + 1e-4f);
    EXPECT_NEAR(lastX, 30.5f, 0.005f);                                  // but it got there
    // A real teleport (stage call, respawn) is shown at once.
    net::AvatarState far = pushed;
    far.x += 10;
    feed(3, far, 0, 1000);
    EXPECT_NEAR(w.interpolate(1016, 0.016f).back().x, 40.5f, 0.01f);
}

TEST(WorldInterpolation, AvatarLeavingTheSnapshotsIsHiddenAfterAWhile) {
    client::World w = joinedWorld();
    FakeServer srv;
    srv.farEvery = 8;  // sparse, and missing from 7 of 8 snapshots: must not flicker
    srv.farAbsentBetween = true;
    srv.walkerGoneFrom = 90;  // out of interest from 3 s on
    std::mt19937 rng(13);
    Link link;
    link.lossPercent = 0;
    uint64_t lastSeenMs = 0;
    int farMissing = 0;
    run(w, srv, link, 0, 6000, rng, [&](uint64_t now, float, const auto& shown) {
        if (now < 500) return;
        if (find(shown, 2)) lastSeenMs = now;
        if (!find(shown, 3)) ++farMissing;
    });
    EXPECT_EQ(farMissing, 0);
    // Tick 90 is sent at 3 s; it is shown ~175 ms later, and hidden kHideAfterTicks after that.
    EXPECT_GT(lastSeenMs, 3000u);
    EXPECT_LT(lastSeenMs, 3000u + 175u + uint64_t((client::kHideAfterTicks + 2) * kTickMs));
}
