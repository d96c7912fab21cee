// enet_transport.h: the Transport over ENet (UDP), used by the real server and client.
//
// Channels (net/protocol/messages.h):
//   0  unreliable sequenced: a packet may be lost, never duplicated or reordered (older ones are
//      dropped); a packet larger than the MTU is fragmented and arrives whole or not at all
//   1  reliable ordered
//   2  reliable ordered (assets)
//
// A server host listens for up to maxPeers clients; a client host has one peer, the server. Peers
// are named by PeerHandle ids that increase and are never reused in the process, so a handle kept
// after a Disconnect can never reach a newcomer. ENet's own time is used: service()'s nowMs is
// ignored (it is there for the loopback's fake clock).
//
// Unreliable packets: ENet's packet throttle drops a share of them after round-trip samples jump
// (a server hitch, a Wi-Fi stall) and is slow to let them through again: ~90% of snapshots lost
// for seconds after one 250 ms spike. This transport turns that drop off (configurePeer in the
// .cpp); rate control is the caller's job: fixed tick, interest management, deltas.
//
// Reliable channels carry bundles: every message sent on channel 1 or 2 is queued per peer and
// channel, and the queue goes out as ONE ENet packet (each message framed by a LEB128 length) at
// the next flush()/service(), or when it reaches kEnetBundleBytes. Order within a channel is kept.
// Why: a join storm is N^2 presence messages; as separate reliable packets ENet spends its time
// matching acknowledgements against long per-peer lists (quadratic), and 2,000 joiners stall the
// server for seconds. The receiving EnetTransport unbundles, so callers see single messages.
// A server holds a bundle for a peer that is being sent state (a snapshot within the last
// kEnetStreamGapMs) until that peer's next state packet, and at most holdReliableMs: it then
// leaves in the same datagram as the snapshot instead of one of its own. A message to 2,000
// people (an announcement, a ceremony's progress; the hall chat was one until it moved into the
// snapshots, protocol 10), who each get a snapshot every other tick, was 2,000 extra datagrams on
// the tick it went; held, it rides on the snapshots of this tick and the next. A peer not yet sent
// state (a joiner waiting for its Welcome) is never held.
//
// Every connection is encrypted (secure.h): after ENet connects, the client sends a ClientHello
// and the server answers with a ServerHello; only then does either side report Connect, and every
// packet after that is sealed (ChaCha20-Poly1305, a counter and replay window per channel). A
// server peer that does not finish the handshake within handshakeTimeoutMs is dropped, and one
// whose handshake fails is dropped with the LinkError as disconnect reason; neither ever reaches
// the caller. A packet that fails to open is dropped and counted (linkCounters()). The client
// checks the server's key against EnetClientDesc::serverKey, or pins it on first use in a
// known-servers file; a refusal is a Disconnect whose reason linkErrorFromReason() explains.
//
// A server's datagrams go out and come in batches, one system call for many; a client reads two
// datagrams to a call (datagram_batch.h).
//
// This header does not include <enet/enet.h>; the ENet types are forward-declared as ENet
// declares them. Not thread-safe: use one EnetTransport from one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/transport/secure.h"
#include "net/transport/transport.h"

struct _ENetHost;
struct _ENetPeer;
struct _ENetPacket;

namespace net {

class DatagramBatch;
class ReadAhead;

constexpr uint32_t kEnetMaxPeers = 4095;  // ENET_PROTOCOL_MAXIMUM_PEER_ID
constexpr size_t kEnetBundleBytes = 16 * 1024;  // a reliable bundle is sent when it reaches this
constexpr uint32_t kEnetHoldReliableMs = 40;      // server: a held bundle waits at most this (a tick and a bit)
constexpr uint32_t kEnetStreamGapMs = 100;        // server: a peer sent state within this is held for

// Options for a server. A zero field means its default.
struct EnetServerDesc {
    std::string bindAddress;             // IPv4 address or host name; "" = "0.0.0.0" (all)
    uint16_t port = 0;                   // 0 = any free port (read it back with port())
    uint32_t maxPeers = 0;               // 0 = 1024; at most kEnetMaxPeers
    uint8_t channelCount = 0;            // 0 = kChannelCount (3)
    uint32_t incomingBandwidth = 0;      // bytes/s the host may receive, 0 = unlimited
    uint32_t outgoingBandwidth = 0;      // bytes/s the host may send, 0 = unlimited
    uint32_t socketRecvBuffer = 0;       // SO_RCVBUF bytes, 0 = 4 MiB (the kernel caps it at
    uint32_t socketSendBuffer = 0;       // SO_SNDBUF bytes,    net.core.rmem_max / wmem_max)
    std::optional<LinkKeyPair> key;      // the long-term key (loadOrCreateKeyFile); none = a new one
                                         // for this run only, so clients can but pin it per run
    uint32_t handshakeTimeoutMs = 0;     // drop a peer whose secure handshake is not done by then, 0 = 5000
    bool sendThread = true;              // the batched sendmmsg calls on a thread of their own
                                         // (DatagramBatch), not in flush() and service()
    uint32_t holdReliableMs = kEnetHoldReliableMs;  // hold reliable bundles for peers being sent
                                         // state until their next state packet, at most this; 0 = never
};

// Options for a client. A zero field means its default.
struct EnetClientDesc {
    std::string host;                    // server address or name; "" = "127.0.0.1"
    uint16_t port = 0;                   // server port (required)
    uint32_t timeoutMs = 0;              // connect gives up after this, 0 = 5000
    uint8_t channelCount = 0;            // 0 = kChannelCount (3); must match the server's
    uint32_t socketRecvBuffer = 0;       // 0 = 1 MiB
    uint32_t socketSendBuffer = 0;       // 0 = 1 MiB
    std::optional<LinkPublicKey> serverKey;  // the server's key from the invitation: refuse any other
    std::string knownServersPath;        // without serverKey: pin the key per HOST:PORT in this file
                                         // on first use, refuse a changed one ("" = accept any key)
};

class EnetTransport final : public Transport {
public:
    // Binds a server host. Returns nullptr and sets *error (if given) when the address does not
    // resolve, the port is taken, or an option is out of range.
    static std::unique_ptr<EnetTransport> listen(const EnetServerDesc& desc, std::string* error);

    // Starts connecting a client host to a server. The Connect event comes from service() when
    // the handshake completes; a Disconnect event if it fails or desc.timeoutMs passes. Returns
    // nullptr and sets *error (if given) when the host does not resolve or no socket is had.
    static std::unique_ptr<EnetTransport> connect(const EnetClientDesc& desc, std::string* error);

    // Tells every peer goodbye (reason 0, one unacknowledged datagram each) and closes the socket.
    ~EnetTransport() override;
    EnetTransport(const EnetTransport&) = delete;
    EnetTransport& operator=(const EnetTransport&) = delete;

    // Copies `data` into an ENet packet; false if the peer is unknown, not connected (yet, or any
    // more), or the channel is out of range. Channel 0 is unreliable, 1 and 2 reliable.
    bool send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) override;
    // One ENet packet, reference counted by ENet, queued for each peer: no copy per peer.
    size_t sendToMany(std::span<const PeerHandle> peers, uint8_t channel, std::span<const uint8_t> data) override;
    // Waits up to waitMs for the first event, then takes every event ready without waiting.
    bool service(uint64_t nowMs, std::vector<TransportEvent>& out, uint32_t waitMs = 0,
                 size_t maxEvents = kAllEvents) override;
    void flush() override;
    // Graceful: queued packets go first, then the peer gets Disconnect{reason}; this side gets
    // Disconnect{0} once the peer acknowledges (or times out).
    void disconnect(PeerHandle peer, uint32_t reason = 0) override;
    uint32_t roundTripMs(PeerHandle peer) const override;
    std::string peerAddress(PeerHandle peer) const override;
    TransportStats stats() const override;

    uint16_t port() const;          // the bound port (a server's, or a client's local one)
    PeerHandle serverPeer() const;  // client: the server's handle (sends fail until Connect)
    size_t peerCount() const;       // peers connected or connecting with a handle
    // The UDP socket's descriptor, for a caller that waits on many transports at once (epoll in
    // dockhall-bots). Only to wait for readability: reading it directly would lose ENet's data.
    int socketFd() const;

    // Server: its public key. Client: the server's, once connected (zeros before).
    const LinkPublicKey& linkKey() const { return m_linkKey; }
    // Client: why the link was refused (by either side), LinkError::None if it was not.
    LinkError linkError() const { return m_linkError; }
    // Client: true when the server's key was pinned just now (first use of a known-servers file).
    bool linkKeyPinnedNow() const { return m_pinnedNow; }
    // Packets sealed, opened and refused, over every peer (also those gone).
    LinkCounters linkCounters() const;

private:
    explicit EnetTransport(_ENetHost* host);
    void configurePeer(_ENetPeer* peer);
    void collectCounters() const;  // moves ENet's 32-bit host counters into m_stats

    // The secure link of each peer with a handle (see the header comment).
    enum class LinkState : uint8_t {
        AwaitConnect,      // client: ENet is connecting
        AwaitServerHello,  // client: ClientHello sent
        AwaitClientHello,  // server: ENet connected, nothing heard yet
        AwaitConfirm,      // server: ServerHello sent, waiting for the first sealed packet
        Up,                // Connect reported; everything sealed
    };
    struct Link {
        LinkState state = LinkState::AwaitConnect;
        LinkSession session;
        std::unique_ptr<ClientHandshake> client;  // client only, until Up
        uint64_t lastStateMs = 0;                 // server: when a state packet last went to it
    };
    void onConnect(_ENetPeer* peer, std::vector<TransportEvent>& out);
    void onReceive(PeerHandle h, _ENetPeer* peer, uint8_t channel, std::span<const uint8_t> data,
                   std::vector<TransportEvent>& out);
    void onServerHello(PeerHandle h, _ENetPeer* peer, Link& link, std::span<const uint8_t> data,
                       std::vector<TransportEvent>& out);
    void deliver(PeerHandle h, uint8_t channel, std::span<const uint8_t> plain, std::vector<TransportEvent>& out);
    void refusePeer(PeerHandle h, _ENetPeer* peer, LinkError why);  // server: drop without a word to the caller
    void sendRaw(_ENetPeer* peer, std::span<const uint8_t> data);  // a handshake packet, reliable, channel 1
    _ENetPacket* sealPacket(PeerHandle h, uint8_t channel, std::span<const uint8_t> plain, uint32_t flags);
    void expireHandshakes();

    bool queueReliable(PeerHandle h, _ENetPeer* peer, uint8_t channel, std::span<const uint8_t> data);
    void sendBundle(_ENetPeer* peer, uint8_t channel, std::vector<uint8_t>& bundle);
    void sendQueued(uint32_t h);                       // a peer's bundles now, if any (it stays listed)
    void flushBundles(bool holding = false);           // holding: held bundles not yet due stay
    void noteState(PeerHandle h);                      // server: a state packet is about to go to h

    struct Bundles {                                   // per peer with queued reliable messages
        _ENetPeer* peer = nullptr;
        std::vector<uint8_t> bytes[2];                 // channel 1, channel 2
        uint64_t dueMs = 0;                            // held: sent by then at the latest
        bool listed = false;                           // in m_bundled or m_held
    };
    _ENetHost* m_host = nullptr;                       // owned (enet_host_destroy)
    std::unique_ptr<DatagramBatch> m_batch;            // server: datagrams in batches (datagram_batch.h)
    std::unique_ptr<ReadAhead> m_readAhead;            // client: reads two datagrams to a call (datagram_batch.h)
    std::unordered_map<uint32_t, Bundles> m_bundles;   // handle -> queued reliable messages
    std::vector<uint32_t> m_bundled;                   // handles with something queued, sent at the next flush
    std::deque<uint32_t> m_held;                       // server: held handles, in order of dueMs
    uint32_t m_holdMs = 0;                             // server: EnetServerDesc::holdReliableMs
    uint64_t m_nowMs = 0;                              // steady ms at the last service() / flush()
    std::unordered_map<uint32_t, _ENetPeer*> m_peers;  // handle -> peer; peers belong to m_host
    PeerHandle m_serverPeer;                           // client only
    uint64_t m_connectDeadlineMs = 0;                  // client: steady-clock ms to give up, 0 = none
    std::vector<TransportEvent> m_pending;             // made up here, handed out by service()
    mutable TransportStats m_stats;                    // wire counters are folded in lazily

    bool m_isServer = false;
    LinkKeyPair m_serverKey;                           // server only
    LinkPublicKey m_linkKey{};                         // see linkKey()
    std::optional<LinkPublicKey> m_expectedKey;        // client: from the invitation
    std::unique_ptr<KnownServers> m_knownServers;      // client: pins on first use
    std::string m_serverName;                          // client: "HOST:PORT" as pinned
    bool m_pinnedNow = false;
    LinkError m_linkError = LinkError::None;
    uint32_t m_handshakeTimeoutMs = 0;                 // server: EnetServerDesc::handshakeTimeoutMs
    std::unordered_map<uint32_t, Link> m_links;        // handle -> link
    std::deque<std::pair<uint64_t, uint32_t>> m_handshakeDeadlines;  // server: (steady ms, handle)
    LinkCounters m_goneCounters;                       // counters of peers that left, and refusals
    std::vector<uint8_t> m_sealed, m_opened;           // scratch buffers, reused
};

}  // namespace net
