// service_hall.h: an event server and its clients over the loopback transport, with a fake tick
// clock and a wall clock the test can move: the harness of the service tests (docking, present,
// stage, permissions), which drive real client::Connection objects against a real EventServer.
//
//   ServiceHall h(myLayout(), {}, store.get());
//   auto& forge = h.join("王磊", "嵊州市精工锻造有限公司", net::Role::Exhibitor);   // runs 300 ms
//   forge.sendChat("你好"); h.run(100);
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/event_server.h"

namespace server::test_hall {

// 2024-06-04 09:00 in China: the sample event's first morning.
constexpr int64_t kDefaultWallBaseMs = 1717462800000;

struct ServiceHall {
    explicit ServiceHall(net::EventLayout eventLayout, const ServerDesc& desc = {}, EventStore* store = nullptr,
                         int64_t wallBaseMs = kDefaultWallBaseMs)
        : layout(std::move(eventLayout)), wallBase(wallBaseMs), server(desc, layout, network.server(), store) {}

    // A client that starts joining now; nothing runs.
    client::Connection& connect(client::JoinRequest req) {
        transports.push_back(network.connectClient());
        conns.push_back(std::make_unique<client::Connection>(*transports.back(), std::move(req), now));
        return *conns.back();
    }
    // A client that joins: runs 300 ms and, unless told otherwise, expects it in the hall.
    client::Connection& join(const std::string& name, const std::string& org, net::Role role, bool expectJoined = true) {
        client::Connection& c = connect(client::JoinRequest{name, org, role});
        run(300);
        if (expectJoined) {
            EXPECT_EQ(c.state(), client::ConnState::Joined) << name;
        }
        return c;
    }

    // 1 ms steps: the server's tick, then every client's update.
    void run(uint64_t ms) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server.update({.monoMs = now, .unixMs = wall()});
            for (auto& c : conns) c->update(now);
        }
    }

    int64_t wall() const { return wallBase + wallJump + int64_t(now); }
    // Moves the wall clock (not the tick clock) to `unixMs`.
    void setWall(int64_t unixMs) { wallJump = unixMs - wallBase - int64_t(now); }

    // Bytes as a modified client would send them, past Connection's own encoders.
    static void sendRaw(client::Connection& c, const net::Bytes& packet, uint8_t channel = net::kChannelEvents) {
        c.transport().send(c.serverPeer(), channel, packet);
        c.transport().flush();
    }
    void place(client::Connection& c, net::Vec2 at) { server.hall().teleport(c.world().self(), at); }

    net::EventLayout layout;
    uint64_t now = 0;
    int64_t wallBase;
    int64_t wallJump = 0;
    net::LoopbackNetwork network;
    EventServer server;
    std::vector<std::unique_ptr<net::Transport>> transports;
    std::vector<std::unique_ptr<client::Connection>> conns;
};

}  // namespace server::test_hall
