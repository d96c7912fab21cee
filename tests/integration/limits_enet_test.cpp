// Limits over real ENet on 127.0.0.1: a client that floods (oversized messages, or a storm of
// packets) is cut off with a reason while the others keep their 30 snapshots a second; peers
// that connect and never finish the encrypted handshake cannot keep the slots from real clients.
#include <gtest/gtest.h>

#include <enet/enet.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/enet_transport.h"
#include "server/core/event_loader.h"
#include "server/core/event_server.h"

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

// An EventServer over ENet on its own thread (the real clock), without a store.
struct RunningHall {
    explicit RunningHall(net::EnetServerDesc transportDesc, server::ServerDesc desc = {}) {
        std::string error;
        EXPECT_TRUE(server::loadEventFile(DOCKHALL_SOURCE_DIR "/assets/events/sample.json", layout, error)) << error;
        transportDesc.bindAddress = "127.0.0.1";
        transport = net::EnetTransport::listen(transportDesc, &error);
        EXPECT_TRUE(transport) << error;
        hall = std::make_unique<server::EventServer>(desc, layout, *transport, nullptr);
        thread = std::thread([this] {
            while (!stop.load()) {
                uint64_t start = monoMs();
                hall->update({.monoMs = monoMs(), .unixMs = 1717462800000 + int64_t(monoMs())});
                longestUpdateMs = std::max(longestUpdateMs.load(), monoMs() - start);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
    }
    ~RunningHall() { halt(); }
    void halt() {
        stop = true;
        if (thread.joinable()) thread.join();
    }
    net::EventLayout layout;
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<server::EventServer> hall;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> longestUpdateMs{0};
    std::thread thread;
};

struct Client {
    Client(uint16_t port, const std::string& name, uint32_t timeoutMs = 5000) {
        std::string error;
        transport = net::EnetTransport::connect({.host = "127.0.0.1", .port = port, .timeoutMs = timeoutMs}, &error);
        EXPECT_TRUE(transport) << error;
        conn = std::make_unique<client::Connection>(*transport, client::JoinRequest{name, "宁夏大学"}, monoMs());
    }
    bool joined() const { return conn->state() == client::ConnState::Joined; }
    void send(const net::Bytes& packet, uint8_t channel = net::kChannelEvents) {
        transport->send(conn->serverPeer(), channel, packet);
    }
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
};

template <typename F>
bool pumpUntil(std::vector<Client*> clients, uint64_t timeoutMs, F&& done) {
    uint64_t end = monoMs() + timeoutMs;
    while (monoMs() < end) {
        for (auto* c : clients) c->conn->update(monoMs());
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

}  // namespace

TEST(LimitsEnet, FloodersAreCutOffWithAReasonWhileTheOthersKeepTheirTickRate) {
    RunningHall h({});
    ASSERT_TRUE(h.transport);
    Client calm1(h.transport->port(), "王磊"), calm2(h.transport->port(), "Li Na");
    Client bigSender(h.transport->port(), "big"), stormer(h.transport->port(), "storm");
    std::vector<Client*> all = {&calm1, &calm2, &bigSender, &stormer};
    ASSERT_TRUE(pumpUntil(all, 5000, [&] {
        for (auto* c : all)
            if (!c->joined()) return false;
        return true;
    }));

    // Two seconds of abuse: 40 oversized chat messages a second from one, and from the other
    // 3,000 movement packets a second (a client sends 30).
    net::Bytes big = net::encode(net::ChatSend{"x"});
    big.resize(net::kMaxChatBytes * 8, 'x');
    net::Input storm;
    storm.inputs.push_back({});
    const uint32_t calmBefore = calm1.conn->world().snapshotsReceived();
    const uint64_t start = monoMs();
    uint32_t seq = 0;
    while (monoMs() - start < 2000) {
        if (bigSender.joined()) {
            bigSender.send(big);
            bigSender.transport->flush();
        }
        if (stormer.joined()) {
            for (int i = 0; i < 100; ++i) {
                storm.inputs.back().seq = ++seq;
                stormer.send(net::encode(storm), net::kChannelState);
            }
            stormer.transport->flush();
        }
        pumpUntil(all, 25, [] { return false; });
    }
    const double seconds = double(monoMs() - start) / 1000.0;
    const uint32_t calmSnapshots = calm1.conn->world().snapshotsReceived() - calmBefore;
    ASSERT_TRUE(pumpUntil(all, 2000, [&] {
        return bigSender.conn->state() == client::ConnState::Refused && stormer.conn->state() == client::ConnState::Refused;
    }));
    EXPECT_EQ(bigSender.conn->refuseReason(), net::RefuseReason::Flooding);
    EXPECT_NE(bigSender.conn->refusalText().find("refused messages"), std::string::npos) << bigSender.conn->refusalText();
    EXPECT_EQ(stormer.conn->refuseReason(), net::RefuseReason::Flooding);
    EXPECT_NE(stormer.conn->refusalText().find("in one second"), std::string::npos) << stormer.conn->refusalText();
    // The calm ones stayed in and kept (nearly) every snapshot of the 30 a second.
    EXPECT_TRUE(calm1.joined());
    EXPECT_TRUE(calm2.joined());
    EXPECT_GE(double(calmSnapshots), 25.0 * seconds) << calmSnapshots << " snapshots in " << seconds << " s";
    // No update of the server stalled (under the sanitizers everything runs a few times slower).
#ifdef DOCKHALL_SANITIZED
    EXPECT_LT(h.longestUpdateMs.load(), 150u);
#else
    EXPECT_LT(h.longestUpdateMs.load(), 50u);
#endif
    h.halt();
    EXPECT_EQ(h.hall->stats().cutOff, 2u);
    EXPECT_EQ(h.hall->stats().participants, 2u);
}

TEST(LimitsEnet, PeersThatNeverFinishTheHandshakeCannotKeepTheSlots) {
    // Four slots, all taken by peers that connect with plain ENet and then say nothing.
    RunningHall h({.maxPeers = 4, .handshakeTimeoutMs = 500});
    ASSERT_TRUE(h.transport);
    ASSERT_EQ(enet_initialize(), 0);
    ENetHost* raw = enet_host_create(nullptr, 4, net::kChannelCount, 0, 0);
    ASSERT_NE(raw, nullptr);
    ENetAddress address{};
    enet_address_set_host(&address, "127.0.0.1");
    address.port = h.transport->port();
    for (int i = 0; i < 4; ++i) ASSERT_NE(enet_host_connect(raw, &address, net::kChannelCount, 0), nullptr);
    int connected = 0, dropped = 0;
    auto pumpRaw = [&] {
        ENetEvent ev;
        while (enet_host_service(raw, &ev, 0) > 0) {
            if (ev.type == ENET_EVENT_TYPE_CONNECT) ++connected;
            if (ev.type == ENET_EVENT_TYPE_DISCONNECT) ++dropped;
            if (ev.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
        }
    };
    for (uint64_t end = monoMs() + 2000; monoMs() < end && connected < 4;) {
        pumpRaw();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(connected, 4);
    // A real client arrives while every slot is held; it gets in once the silent ones time out.
    const uint64_t t0 = monoMs();
    Client real(h.transport->port(), "王磊", 4000);
    ASSERT_TRUE(pumpUntil({&real}, 4000, [&] {
        pumpRaw();
        return real.joined();
    })) << connStateName(real.conn->state()) << ": " << real.conn->refusalText();
    EXPECT_LT(monoMs() - t0, 3000u);
    for (uint64_t end = monoMs() + 1000; monoMs() < end && dropped < 4;) pumpRaw();
    EXPECT_EQ(dropped, 4);
    enet_host_destroy(raw);
    enet_deinitialize();
}
