// loopback_transport.h: an in-memory Transport for tests: one server and any number of clients
// in one process, no sockets, no threads, time passed in.
//
// The network mirrors what ENet does with Dockhall's channels (enet_transport.h), so code that
// works here works over UDP:
//   channel 0  unreliable sequenced: loss, duplication and jitter apply; a packet older than one
//              already delivered on the channel is dropped (ENet's sequencing), so the receiver
//              never sees a duplicate or an out-of-order packet, only gaps.
//   channel 1  reliable ordered: nothing is lost or duplicated; latency and jitter apply but the
//   channel 2  order is kept. A "lost" reliable packet arrives late instead, after a retransmit
//              timeout that doubles with every loss, like ENet's; when the retries add up to
//              kLoopbackTimeoutMs the link times out and both ends see a Disconnect (reason 0).
//
// Usage:
//   net::LoopbackNetwork net({.lossPercent = 5, .latencyMs = 50, .jitterMs = 10});
//   net::Transport& server = net.server();
//   std::unique_ptr<net::LoopbackClient> client = net.connectClient();
//   for (uint64_t now = 0; ...; now += 10) { server.service(now, events); client->service(now, events); }
//
// Time: the network clock is the largest nowMs any endpoint's service() has been given. send(),
// disconnect() and connectClient() are stamped with that clock; service(nowMs) delivers, in order
// of arrival, what has arrived by nowMs. Pump every endpoint with the same fake clock.
//
// Handshake: connectClient() starts a connection; after one latency both the server and the client
// get a Connect event (the client's event carries the handle it uses to send to the server). Sends
// before an end's own Connect event fail. disconnect(peer, reason) stops sends from that end at
// once; the other end gets Disconnect{reason} after every reliable packet sent before it, and the
// calling end gets Disconnect{reason 0} one latency after that (ENet's acknowledgement); a client
// that disconnects before its Connect event gets Disconnect{0} at its next service() instead.
// Destroying a client or the network disconnects with reason 0.
//
// Determinism: each link direction has its own random stream derived from LinkConditions::seed and
// the link's number, so a run is repeatable for a seed and clients do not share loss patterns.
//
// Ownership: LoopbackNetwork owns the server endpoint and the shared state; each LoopbackClient
// shares that state, so a client may outlive the network (it then sees a Disconnect).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "net/transport/transport.h"

namespace net {

struct LinkConditions {
    float lossPercent = 0;       // 0..100: channel 0 packets dropped; reliable ones delayed (retransmit)
    uint32_t latencyMs = 0;      // one way
    uint32_t jitterMs = 0;       // each packet waits an extra 0..jitterMs (uniform), one way
    float duplicatePercent = 0;  // 0..100: channel 0 packets sent twice (the copy is dropped by sequencing)
    uint32_t seed = 1;           // random streams of the links are derived from it
};

// A reliable packet lost this long (counting retransmissions) times the link out, like ENet's
// peer timeout (enet_transport.cpp: kPeerTimeoutMinMs).
constexpr uint32_t kLoopbackTimeoutMs = 5000;
// Loopback stats count each packet as one datagram of payload + this (28 B IPv4/UDP + ENet's
// 4 B protocol header + a 4..12 B command header, rounded).
constexpr uint32_t kLoopbackWireOverheadBytes = 40;

// What the network did, over all links, for tests to check the conditions were applied.
struct LoopbackCounters {
    uint64_t sent = 0;          // packets accepted by send()
    uint64_t lost = 0;          // channel 0 packets dropped by lossPercent
    uint64_t duplicated = 0;    // channel 0 packets duplicated by duplicatePercent
    uint64_t stale = 0;         // channel 0 arrivals dropped by sequencing (late or duplicate)
    uint64_t retransmits = 0;   // reliable packets delayed by a simulated retransmission
    uint64_t delivered = 0;     // Receive events handed out
};

namespace detail { class LoopbackHub; }

// A client end. Its only peer is the server, under the handle its Connect event carries.
class LoopbackClient final : public Transport {
public:
    ~LoopbackClient() override;  // disconnects with reason 0 if still connected
    LoopbackClient(const LoopbackClient&) = delete;
    LoopbackClient& operator=(const LoopbackClient&) = delete;

    bool send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) override;
    bool service(uint64_t nowMs, std::vector<TransportEvent>& out, uint32_t waitMs = 0,
                 size_t maxEvents = kAllEvents) override;
    void flush() override {}
    void disconnect(PeerHandle peer, uint32_t reason = 0) override;
    uint32_t roundTripMs(PeerHandle peer) const override;
    TransportStats stats() const override;

    // The handle this client uses for the server (valid from creation; sends fail until Connect).
    PeerHandle serverHandle() const;
    // The handle the server uses for this client (what the server's Connect event will carry).
    PeerHandle handleOnServer() const;
    // Replaces this link's conditions (both directions) for packets sent from now on.
    void setConditions(const LinkConditions& conditions);

private:
    friend class LoopbackNetwork;
    LoopbackClient(std::shared_ptr<detail::LoopbackHub> hub, uint32_t link);
    std::shared_ptr<detail::LoopbackHub> m_hub;
    uint32_t m_link;
};

class LoopbackNetwork {
public:
    // `conditions` apply to every link, unless connectClient() is given its own.
    explicit LoopbackNetwork(const LinkConditions& conditions = {});
    ~LoopbackNetwork();  // disconnects every client (reason 0); clients alive still get the event
    LoopbackNetwork(const LoopbackNetwork&) = delete;
    LoopbackNetwork& operator=(const LoopbackNetwork&) = delete;

    // The server end, owned by the network.
    Transport& server();

    // Starts a connection from a new client (see Handshake above). The caller owns the client.
    std::unique_ptr<LoopbackClient> connectClient();
    std::unique_ptr<LoopbackClient> connectClient(const LinkConditions& conditions);

    // Replaces the default conditions, and those of every link that has no conditions of its own.
    void setConditions(const LinkConditions& conditions);

    uint64_t nowMs() const;  // the network clock (largest nowMs given to any service())
    LoopbackCounters counters() const;

private:
    std::shared_ptr<detail::LoopbackHub> m_hub;
    std::unique_ptr<Transport> m_server;
};

}  // namespace net
