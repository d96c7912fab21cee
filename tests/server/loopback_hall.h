// loopback_hall.h: an event server and its clients over the loopback transport with a fake clock,
// for tests that watch snapshots, interest and presence under chosen link conditions.
//
//   LoopbackHall h({}, {.lossPercent = 5, .latencyMs = 40}, {60, 40});
//   h.join("王磊"); h.join("李娜");
//   h.run(1500, [](size_t k, uint64_t now) { return net::MoveInput{0, 1, 0, 0, false}; });
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"

namespace server::test_hall {

inline net::EventLayout openHall(net::Vec2 size) {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = size;
    ev.spawn = {size.x / 2, size.y / 2};
    return ev;
}

struct LoopbackHall {
    // What client k wants to do this tick (seq is filled in here).
    using Walk = std::function<net::MoveInput(size_t k, uint64_t now)>;

    LoopbackHall(const ServerDesc& desc, const net::LinkConditions& link, net::Vec2 size)
        : network(link), server(desc, openHall(size), network.server(), nullptr) {}

    client::Connection& join(const std::string& name) {
        transports.push_back(network.connectClient());
        conns.push_back(std::make_unique<client::Connection>(
            *transports.back(), client::JoinRequest{name, "宁夏大学", net::Role::Attendee, "", net::kProtocolVersion}, now));
        return *conns.back();
    }

    // 1 ms steps; every 33 ms each joined client sends walk(k, now) as its input.
    void run(uint64_t ms, const Walk& walk) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server.update({.monoMs = now, .unixMs = int64_t(1717462800000 + now)});
            for (size_t k = 0; k < conns.size(); ++k) {
                auto& c = *conns[k];
                c.update(now);
                if (now % 33 == 0 && c.state() == client::ConnState::Joined) {
                    net::MoveInput in = walk(k, now);
                    in.seq = c.nextInputSeq();
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

}  // namespace server::test_hall
