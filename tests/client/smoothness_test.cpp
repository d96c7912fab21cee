// The whole chain under a bad network: a real EventServer, two clients (Connection + World) over
// the loopback transport with 5% loss, 150 ms RTT and jitter, a fake clock, uneven frame rates.
// What a user would notice: another attendee walking past must glide (no jumps, close to where
// the server had them ~100 ms + latency ago); my own avatar must move at once and never be pulled
// back (no rubber banding), and the server must apply (nearly) every input I send.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"

namespace {

constexpr double kTickMs = 1000.0 / net::kTickRate;
constexpr uint64_t kInputsForMs = 17000;  // attendees send inputs this long after joining
// The fastest a correction is ever blended in (one just below the teleport threshold).
constexpr float kFastestCorrection = client::kTeleportMetres / client::kMaxCorrectionSeconds;

net::EventLayout openHall() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {40, 30};
    ev.spawn = {15, 20};
    net::Booth b;  // out of the way of the walk
    b.owner.name = {"宁夏大学", "Ningxia University"};
    b.center = {20, 6};
    b.size = {6, 4};
    ev.booths.push_back(b);
    return ev;
}

// A square walk at walking pace: 2 s east, 2 s south (+z), 2 s west, 2 s north, twice; then idle.
net::Vec2 walkIntent(uint64_t sinceJoinMs) {
    if (sinceJoinMs >= 16000) return {0, 0};
    switch ((sinceJoinMs / 2000) % 4) {
        case 0: return {1, 0};
        case 1: return {0, 1};
        case 2: return {-1, 0};
        default: return {0, -1};
    }
}

struct Attendee {
    std::unique_ptr<net::LoopbackClient> link;
    std::unique_ptr<client::Connection> conn;
    client::InputClock inputs;
    int frameMsMin = 14, frameMsMax = 20;
    uint64_t nextFrameMs = 0, lastFrameMs = 0, joinedMs = 0;
    bool walks = false;
};

struct Scene {
    net::LoopbackNetwork network;
    server::EventServer server;
    std::vector<std::unique_ptr<Attendee>> people;
    std::map<uint32_t, net::AvatarState> path;  // the walker as the server had it, by snapshot tick
    net::ParticipantId walkerId;
    std::mt19937 rng{1};
    uint64_t now = 0;

    explicit Scene(const net::LinkConditions& link)
        : network(link), server({}, openHall(), network.server(), nullptr) {}

    Attendee& join(const std::string& name, int frameMsMin, int frameMsMax, bool walks) {
        auto a = std::make_unique<Attendee>();
        a->link = network.connectClient();
        a->conn = std::make_unique<client::Connection>(*a->link, client::JoinRequest{name, "浙江大学"}, now);
        a->frameMsMin = frameMsMin;
        a->frameMsMax = frameMsMax;
        a->walks = walks;
        people.push_back(std::move(a));
        return *people.back();
    }

    // Runs `ms` of fake time in 1 ms steps. Each attendee runs frames like the app: update the
    // connection, send the input ticks due, draw; `onFrame(attendee, dt, shown)` sees each frame.
    template <typename F> void run(uint64_t ms, F&& onFrame) {
        for (uint64_t end = now + ms; now < end;) {
            ++now;
            if (server.update({.monoMs = now, .unixMs = int64_t(1717462800000 + now)}) > 0 && walkerId.v)
                if (const net::AvatarState* a = server.hall().find(walkerId)) path[server.tick()] = *a;
            for (auto& p : people) {
                if (now < p->nextFrameMs) continue;
                float dt = float(now - p->lastFrameMs) / 1000.0f;
                p->lastFrameMs = now;
                p->nextFrameMs = now + uint64_t(std::uniform_int_distribution<int>(p->frameMsMin, p->frameMsMax)(rng));
                client::Connection& c = *p->conn;
                c.update(now);
                if (c.state() != client::ConnState::Joined || !c.world().selfState()) continue;
                if (!p->joinedMs) p->joinedMs = now;
                // The last 1.5 s send nothing, so every input sent has arrived when we count.
                if (now - p->joinedMs < kInputsForMs) {
                    p->inputs.setStretched(c.inputsAhead());
                    for (int i = p->inputs.advance(now); i > 0; --i) {
                        net::MoveInput in;
                        in.seq = c.nextInputSeq();
                        net::Vec2 d = p->walks ? walkIntent(now - p->joinedMs) : net::Vec2{0, 0};
                        in.moveX = d.x;
                        in.moveZ = d.y;
                        in.yaw = c.world().selfState()->yaw;
                        c.sendInput(in);
                    }
                }
                c.transport().flush();
                onFrame(*p, dt, c.world().interpolate(now, dt));
            }
        }
    }

    // The server's walker at a fractional snapshot tick.
    std::optional<net::Vec2> truth(double tick) const {
        auto a = path.find(uint32_t(std::floor(tick)));
        auto b = path.find(uint32_t(std::floor(tick)) + 1);
        if (a == path.end() || b == path.end()) return std::nullopt;
        float t = float(tick - std::floor(tick));
        return net::Vec2{a->second.x + (b->second.x - a->second.x) * t, a->second.z + (b->second.z - a->second.z) * t};
    }
};

const client::ShownAvatar* shownOf(const std::vector<client::ShownAvatar>& shown, net::ParticipantId id, bool self) {
    for (const auto& s : shown)
        if (s.id == id && s.self == self) return &s;
    return nullptr;
}

struct Figures {
    float otherMaxStepExcess = -1, otherMaxError = 0, otherMaxStep = 0;
    double clockMaxError = 0;
    float selfMaxStepExcess = -1, selfMaxBack = 0, selfMaxCorrection = 0;
    float otherMaxPace = 0, selfMaxPace = 0;  // fastest frame-to-frame motion / walking speed
    int otherFrames = 0, selfFrames = 0;
    double applied = 0;
};

// 5% loss, 75 ms each way on average (55..95 ms: +-20 ms of jitter), 1% duplicates.
net::LinkConditions badLink(uint32_t seed) {
    return {.lossPercent = 5, .latencyMs = 55, .jitterMs = 40, .duplicatePercent = 1, .seed = seed};
}

Figures walkPast(int walkerFrameMsMin, int walkerFrameMsMax, uint32_t seed) {
    Scene scene(badLink(seed));
    scene.rng.seed(seed);
    Attendee& walker = scene.join("王磊", walkerFrameMsMin, walkerFrameMsMax, true);
    Attendee& watcher = scene.join("Li Na", 14, 20, false);
    Figures f;
    struct Last { bool has = false; float x = 0, z = 0; } lastOther, lastSelf;
    scene.run(kInputsForMs + 1500, [&](Attendee& who, float dt, const std::vector<client::ShownAvatar>& shown) {
        if (!scene.walkerId.v && walker.conn->world().selfState()) scene.walkerId = walker.conn->world().self();
        const uint64_t since = who.joinedMs ? scene.now - who.joinedMs : 0;
        if (&who == &watcher) {
            const client::ShownAvatar* s = shownOf(shown, scene.walkerId, false);
            if (!s || since < 1500) { lastOther.has = false; return; }  // clock settling
            EXPECT_TRUE(std::isfinite(s->x) && std::isfinite(s->z));
            if (lastOther.has) {
                float step = std::hypot(s->x - lastOther.x, s->z - lastOther.z);
                f.otherMaxStep = std::max(f.otherMaxStep, step);
                if (dt > 0) f.otherMaxPace = std::max(f.otherMaxPace, step / dt / net::kWalkSpeed);
                f.otherMaxStepExcess = std::max(f.otherMaxStepExcess, step - (net::kWalkSpeed * dt * 1.5f + 0.01f));
            }
            const client::AvatarTrack* track = who.conn->world().track(scene.walkerId);
            const double play = who.conn->world().playbackTick() - (track ? track->delay : 0.0);
            if (auto t = scene.truth(play)) f.otherMaxError = std::max(f.otherMaxError, std::hypot(s->x - t->x, s->z - t->y));
            // Shown ~100 ms behind the newest snapshot, which is itself ~75 ms old.
            double expected = double(scene.server.tick()) - (75.0 + client::kInterpDelayMs) / kTickMs;
            f.clockMaxError = std::max(f.clockMaxError, std::abs(play - expected));
            lastOther = {true, s->x, s->z};
            ++f.otherFrames;
        } else {
            const client::ShownAvatar* s = shownOf(shown, scene.walkerId, true);
            if (!s) return;
            EXPECT_TRUE(std::isfinite(s->x) && std::isfinite(s->z));
            if (lastSelf.has) {
                float dx = s->x - lastSelf.x, dz = s->z - lastSelf.z;
                f.selfMaxStepExcess = std::max(f.selfMaxStepExcess, std::hypot(dx, dz) - (net::kWalkSpeed * dt * 1.5f + 0.01f));
                if (dt > 0) f.selfMaxPace = std::max(f.selfMaxPace, std::hypot(dx, dz) / dt / net::kWalkSpeed);
                // Rubber banding: a step against the way we walk (checked half a tick after a turn).
                net::Vec2 d = walkIntent(since > 40 ? since - 40 : 0);
                if (d.x != 0 || d.y != 0) f.selfMaxBack = std::max(f.selfMaxBack, -(dx * d.x + dz * d.y));
            }
            f.selfMaxCorrection = std::max(f.selfMaxCorrection, who.conn->world().lastCorrection());
            lastSelf = {true, s->x, s->z};
            ++f.selfFrames;
        }
    });
    uint64_t sent = walker.conn->stats().inputsSent + watcher.conn->stats().inputsSent;
    f.applied = double(scene.server.stats().inputsApplied) / double(sent);
    return f;
}

void expectSmooth(const Figures& f, const char* what) {
    SCOPED_TRACE(what);
    EXPECT_GT(f.otherFrames, 800);
    EXPECT_GT(f.selfFrames, 200);
    // (a) the other walker glides: no frame moves it further than walking pace allows ...
    EXPECT_LE(f.otherMaxStepExcess, 0.0f) << "largest step " << f.otherMaxStep << " m";
    // ... and it is where the server had it at the playback tick, which runs ~175 ms behind.
    EXPECT_LT(f.otherMaxError, 0.10f);
    EXPECT_LT(f.clockMaxError, 1.5);
    // (b) my own avatar moves smoothly and is never pulled back.
    EXPECT_LE(f.selfMaxStepExcess, 0.0f);
    // ... at an even pace: inputs that pile up in a slow frame are drawn over their ticks.
    EXPECT_LT(f.selfMaxPace, 1.2f);
    EXPECT_LT(f.selfMaxBack, 0.005f);
    // Prediction matches the server: a correction happens only when inputs are lost beyond the
    // redundancy (three packets in a row), and is then one packet's ticks of walking, blended in.
    EXPECT_LE(f.selfMaxCorrection, net::kWalkSpeed * net::kTickSeconds * net::kInputTicksPerPacket + 0.01f);
    EXPECT_GE(f.applied, 0.995);
    std::printf("%s: other: max step %.3f m, max pace %.2fx walking, max error %.3f m, clock error %.2f ticks; "
                "self: max pace %.2fx walking, max correction %.3f m, max back %.4f m; inputs applied %.4f\n",
                what, double(f.otherMaxStep), double(f.otherMaxPace), double(f.otherMaxError), f.clockMaxError,
                double(f.selfMaxPace), double(f.selfMaxCorrection), double(f.selfMaxBack), f.applied);
}

}  // namespace

TEST(Smoothness, WalkerAt144FpsSeenAt60FpsWithLossAndJitter) {
    expectSmooth(walkPast(6, 8, 21), "walker 144 fps");
}

TEST(Smoothness, WalkerAt20FpsStillSendsOneInputPerTick) {
    expectSmooth(walkPast(45, 55, 22), "walker 20 fps");
}

TEST(Smoothness, SnapshotsStopForOneSecond) {
    Scene scene(badLink(23));
    Attendee& walker = scene.join("王磊", 14, 20, true);
    Attendee& watcher = scene.join("Li Na", 14, 20, false);
    float lastX = 0, lastZ = 0, maxExcess = -1;
    bool has = false;
    float heldX = NAN, heldZ = NAN;
    bool held = false;
    const uint64_t gapFrom = 3000, gapTo = 4000;
    scene.run(6000, [&](Attendee& who, float dt, const std::vector<client::ShownAvatar>& shown) {
        if (!scene.walkerId.v && walker.conn->world().selfState()) scene.walkerId = walker.conn->world().self();
        if (&who != &watcher) return;
        if (scene.now >= gapFrom && scene.now < gapFrom + 20) {
            net::LinkConditions dead = badLink(23);
            dead.lossPercent = 100;  // no snapshots (and no inputs) get through
            dead.duplicatePercent = 0;  // the loopback duplicates even packets it loses
            watcher.link->setConditions(dead);
        }
        if (scene.now >= gapTo && scene.now < gapTo + 20) watcher.link->setConditions(badLink(23));
        const client::ShownAvatar* s = shownOf(shown, scene.walkerId, false);
        if (!s || scene.now < 1500) return;
        ASSERT_TRUE(std::isfinite(s->x) && std::isfinite(s->z) && std::isfinite(s->yaw));
        if (has) {
            float step = std::hypot(s->x - lastX, s->z - lastZ);
            // Walking pace plus at most the correction speed, even when snapshots come back.
            maxExcess = std::max(maxExcess, step - ((net::kWalkSpeed + kFastestCorrection) * dt + 0.01f));
        }
        // Late in the gap: extrapolation has ended, the walker is held where it was (what is
        // left of an earlier correction may still be blending out).
        if (scene.now > gapFrom + 700 && scene.now < gapTo) {
            const client::AvatarTrack* t = watcher.conn->world().track(scene.walkerId);
            ASSERT_NE(t, nullptr);
            if (held) {
                EXPECT_EQ(t->drawnX, heldX);
                EXPECT_EQ(t->drawnZ, heldZ);
                EXPECT_LE(std::hypot(s->x - lastX, s->z - lastZ), kFastestCorrection * dt + 1e-4f);
            }
            heldX = t->drawnX;
            heldZ = t->drawnZ;
            held = true;
        }
        lastX = s->x;
        lastZ = s->z;
        has = true;
    });
    EXPECT_TRUE(held);
    EXPECT_LE(maxExcess, 0.0f);
}
