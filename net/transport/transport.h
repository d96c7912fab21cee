// transport.h: moves byte packets between a server and its clients.
//
// Two implementations: ENet over UDP (enet_transport.h) and an in-memory loopback with a fake
// clock and injected loss, latency and duplication (loopback_transport.h) so tests pump both
// ends in one process. Both honour the channel semantics of net/protocol/messages.h:
//   channel 0 unreliable sequenced, channel 1 reliable ordered, channel 2 reliable.
//
// Time is passed in: service(nowMs) delivers what is due at nowMs. Nothing here blocks unless
// a caller asks service() to wait (ENet only; the loopback never waits).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace net {

struct PeerHandle {  // a connection as the transport knows it; 0 is "none"
    uint32_t v = 0;
    friend bool operator==(PeerHandle, PeerHandle) = default;
};

struct TransportEvent {
    enum class Kind : uint8_t {
        Connect,     // a peer connected (server) / the connection to the server is up (client)
        Disconnect,  // the peer left or timed out; `data` is empty, `reason` may be set
        Receive,     // a packet arrived on `channel`
    };
    Kind kind = Kind::Receive;
    PeerHandle peer;
    uint8_t channel = 0;
    uint32_t reason = 0;        // disconnect reason the other side gave, 0 if none
    std::vector<uint8_t> data;  // the packet (Receive only)
};

struct TransportStats {
    uint64_t packetsIn = 0, packetsOut = 0;
    uint64_t bytesIn = 0, bytesOut = 0;   // payload bytes as handed to / from the transport
    uint64_t wireBytesIn = 0, wireBytesOut = 0;  // on the wire where known (UDP payload + 28 B IP/UDP)
    uint64_t datagramsIn = 0, datagramsOut = 0;  // UDP datagrams where known (ENet batches packets)
    uint64_t sendCalls = 0, receiveCalls = 0;    // system calls that moved them, where counted (else 0):
                                                 // a server's batches both ways, a client's reads
    uint64_t datagramsRefused = 0;               // datagrams the kernel would not send, where batched
};

// One end of a transport. A server has many peers; a client has at most one (the server).
class Transport {
public:
    static constexpr size_t kAllEvents = SIZE_MAX;

    virtual ~Transport() = default;

    // Queues a packet. Returns false if the peer is unknown or the packet cannot be queued.
    virtual bool send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) = 0;

    // Queues one packet for many peers (a presence change, a chat line). Returns how many took
    // it. ENet shares one packet among them; the default just calls send() for each.
    virtual size_t sendToMany(std::span<const PeerHandle> peers, uint8_t channel, std::span<const uint8_t> data) {
        size_t n = 0;
        for (PeerHandle p : peers) n += send(p, channel, data) ? 1 : 0;
        return n;
    }

    // Delivers due events into `out` (appended), at most about `maxEvents` of them (at least one;
    // a packet that unpacks into several messages counts once); the rest wait, in order, for the
    // next call.
    // Returns true if it stopped there with more perhaps waiting. For ENet, waits up to `waitMs`
    // for the first one.
    virtual bool service(uint64_t nowMs, std::vector<TransportEvent>& out, uint32_t waitMs = 0,
                         size_t maxEvents = kAllEvents) = 0;

    // Sends whatever is queued now (ENet batches until flushed or serviced).
    virtual void flush() = 0;

    // Disconnects a peer after its queued reliable packets are delivered.
    virtual void disconnect(PeerHandle peer, uint32_t reason = 0) = 0;

    // Round-trip time estimate to a peer in ms (0 if unknown).
    virtual uint32_t roundTripMs(PeerHandle peer) const = 0;

    // The peer's network address without its port ("203.0.113.7"), for limits kept per address
    // (sign-in throttling); empty if unknown.
    virtual std::string peerAddress(PeerHandle /*peer*/) const { return {}; }

    virtual TransportStats stats() const = 0;
};

}  // namespace net
