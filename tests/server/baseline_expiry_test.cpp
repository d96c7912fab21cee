// Delta baselines that expire: the state channel goes dark (every snapshot and every input lost)
// for longer than the server keeps baselines, then comes back. The server must fall back to a
// full snapshot, and the client must decode it and show everyone where they really are, without
// a single undecodable snapshot.
#include <gtest/gtest.h>

#include <cmath>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"

using namespace server;

namespace {

net::EventLayout openHall() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {40, 30};
    ev.spawn = {20, 15};
    return ev;
}

struct Pair {
    explicit Pair(net::LinkConditions link) : network(link), server({}, openHall(), network.server(), nullptr) {
        for (const char* name : {"王磊", "李娜"}) {
            transports.push_back(network.connectClient());
            conns.push_back(std::make_unique<client::Connection>(
                *transports.back(), client::JoinRequest{name, "宁夏大学", net::Role::Attendee, "", net::kProtocolVersion}, now));
        }
    }
    // 1 ms steps; the second person walks in a slow circle, the first stands.
    void run(uint64_t ms) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server.update({.monoMs = now, .unixMs = int64_t(1717462800000 + now)});
            for (size_t k = 0; k < conns.size(); ++k) {
                auto& c = *conns[k];
                c.update(now);
                if (now % 33 == 0 && c.state() == client::ConnState::Joined) {
                    float a = float(now) * 0.0008f;
                    net::MoveInput in{c.nextInputSeq(), k == 1 ? std::cos(a) : 0.0f, k == 1 ? std::sin(a) : 0.0f, a, false};
                    c.sendInput(in);
                }
            }
        }
    }
    // Where client `viewer` shows `who` now, or nullopt.
    std::optional<client::ShownAvatar> shown(size_t viewer, net::ParticipantId who) {
        for (const auto& s : conns[viewer]->world().interpolate(now, 0.0f))
            if (s.id == who) return s;
        return std::nullopt;
    }
    uint64_t now = 0;
    net::LoopbackNetwork network;
    EventServer server;
    std::vector<std::unique_ptr<net::LoopbackClient>> transports;
    std::vector<std::unique_ptr<client::Connection>> conns;
};

TEST(BaselineExpiry, AStateBlackoutLongerThanTheHistoryEndsInAFullSnapshot) {
    Pair p({.latencyMs = 20, .seed = 3});
    p.run(1500);
    for (auto& c : p.conns) ASSERT_EQ(c->state(), client::ConnState::Joined);
    const net::ParticipantId walker = p.conns[1]->world().self();
    ASSERT_TRUE(p.shown(0, walker));
    const uint32_t decodedBefore = p.conns[0]->world().snapshotsReceived();

    // Two seconds dark on the state channel (the server keeps about one second of baselines).
    for (auto& t : p.transports) t->setConditions({.lossPercent = 100, .latencyMs = 20, .seed = 4});
    p.run(2000);
    for (auto& c : p.conns) ASSERT_EQ(c->state(), client::ConnState::Joined) << "a dark state channel is not a disconnect";
    const uint32_t decodedDark = p.conns[0]->world().snapshotsReceived();
    EXPECT_LE(decodedDark - decodedBefore, 3u) << "almost nothing gets through while dark";

    // Light again: no baseline the server still has was acknowledged, so it codes in full.
    for (auto& t : p.transports) t->setConditions({.latencyMs = 20, .seed = 5});
    p.run(300);
    EXPECT_GT(p.conns[0]->world().snapshotsReceived() - decodedDark, 5u) << "the client decodes again";
    EXPECT_EQ(p.conns[0]->stats().malformed, 0u) << "no snapshot coded against a baseline the client lacks";

    // And it shows the walker where the server has it (within a few ticks of walking).
    p.run(200);
    const auto* truth = p.server.hall().find(walker);
    ASSERT_NE(truth, nullptr);
    auto seen = p.shown(0, walker);
    ASSERT_TRUE(seen);
    EXPECT_LT(std::hypot(seen->x - truth->x, seen->z - truth->z), 0.5f);
    EXPECT_EQ(p.conns[0]->stats().malformed, 0u);
}

}  // namespace
