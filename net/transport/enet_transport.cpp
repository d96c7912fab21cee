// enet_transport.cpp: the ENet implementation of Transport (enet_transport.h).
//
// Peer bookkeeping: every ENet peer that has a handle carries it in peer->data (as an integer),
// and m_peers maps the handle back to the peer. A server peer gets its handle on its Connect event;
// the client's one peer (the server) gets its handle when connect() starts. A Disconnect event
// removes both. ENet reuses peer slots, never our handles.
//
// Secure link (secure.h): m_links holds each handle's handshake state and session. A handshake
// packet goes raw on channel 1 (one ENet packet, never bundled); everything after it is sealed:
// an unreliable packet on its own, a reliable bundle as a whole. Connect is reported to the
// caller when the link is up, and Disconnect only for peers whose Connect was reported.
#include "net/transport/enet_transport.h"

#include <enet/enet.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <utility>

#include "net/protocol/messages.h"
#include "net/transport/block_pool.h"
#include "net/transport/datagram_batch.h"

namespace net {
namespace {

constexpr uint32_t kDefaultMaxPeers = 1024;
constexpr uint32_t kDefaultServerSocketBuffer = 4u << 20;  // 1,000 clients connecting at once
constexpr uint32_t kDefaultClientSocketBuffer = 1u << 20;
constexpr uint32_t kDefaultConnectTimeoutMs = 5000;
constexpr uint32_t kUdpIpv4HeaderBytes = 28;               // 20 B IPv4 + 8 B UDP
constexpr size_t kMaxEventsPerService = 65536;             // a flood cannot pin service() forever
constexpr uint32_t kDefaultHandshakeTimeoutMs = 5000;

// Peer timeouts (enet_peer_timeout): a peer is dropped when a reliable command has gone
// unacknowledged for kPeerTimeoutMaxMs, or for kPeerTimeoutMinMs after its retransmit timeout
// has doubled up to kPeerTimeoutLimit times the round trip. ENet's defaults are 32 / 5 s / 30 s;
// 15 s frees the slot of a vanished attendee sooner while riding out a bad Wi-Fi moment.
constexpr uint32_t kPeerTimeoutLimit = 32;
constexpr uint32_t kPeerTimeoutMinMs = 5000;
constexpr uint32_t kPeerTimeoutMaxMs = 15000;

// enet_initialize / enet_deinitialize are process-wide (WSAStartup on Windows) and ENet asks that
// every initialize be paired with one deinitialize after the last host is gone. Hosts come and go
// from several places (server, embedded server, bots, tests), possibly on several threads, so the
// pairing is reference counted here: the one piece of process state this file keeps.
std::mutex g_enetMutex;
int g_enetUsers = 0;

// ENet's allocations go through BlockPool (block_pool.h), installed once and never taken back: a
// block may be freed after the last host is gone, and the pool frees malloc's blocks as well.
// Under AddressSanitizer they stay with malloc, so its checks cover ENet's packets too.
#if defined(__SANITIZE_ADDRESS__)
int initializeEnet() { return enet_initialize(); }
#else
void* ENET_CALLBACK poolAllocate(size_t bytes) { return BlockPool::forEnet().allocate(bytes); }
void ENET_CALLBACK poolRelease(void* p) { BlockPool::forEnet().release(p); }

int initializeEnet() {
    ENetCallbacks callbacks{};
    callbacks.malloc = poolAllocate;
    callbacks.free = poolRelease;
    return enet_initialize_with_callbacks(ENET_VERSION, &callbacks);
}
#endif

bool acquireEnet() {
    std::lock_guard lock(g_enetMutex);
    if (g_enetUsers == 0 && initializeEnet() != 0) return false;
    ++g_enetUsers;
    return true;
}

void releaseEnet() {
    std::lock_guard lock(g_enetMutex);
    if (--g_enetUsers == 0) enet_deinitialize();
}

// Handles are unique in the process (not only per host), so one mixed up between two transports
// (say, the embedded server and the client in one process) is unknown rather than someone else.
std::atomic<uint32_t> g_nextHandle{1};

PeerHandle newHandle() { return PeerHandle{g_nextHandle.fetch_add(1, std::memory_order_relaxed)}; }

PeerHandle handleOf(const ENetPeer* peer) {
    return PeerHandle{uint32_t(reinterpret_cast<uintptr_t>(peer->data))};
}

void setHandle(ENetPeer* peer, PeerHandle h) {
    peer->data = reinterpret_cast<void*>(uintptr_t(h.v));
}

void setError(std::string* error, std::string text) {
    if (error) *error = std::move(text);
}

void setSocketBuffers(ENetHost* host, uint32_t recvBytes, uint32_t sendBytes) {
    // Failure is not fatal: the kernel default stays, and the cap (net.core.rmem_max) applies anyway.
    enet_socket_set_option(host->socket, ENET_SOCKOPT_RCVBUF, int(recvBytes));
    enet_socket_set_option(host->socket, ENET_SOCKOPT_SNDBUF, int(sendBytes));
}

void addCounters(LinkCounters& into, const LinkCounters& c) {
    into.sealed += c.sealed;
    into.opened += c.opened;
    into.replayed += c.replayed;
    into.forged += c.forged;
    into.malformed += c.malformed;
}

uint64_t steadyMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace

// --- creation --------------------------------------------------------------------------------

EnetTransport::EnetTransport(_ENetHost* host) : m_host(host) {}

std::unique_ptr<EnetTransport> EnetTransport::listen(const EnetServerDesc& desc, std::string* error) {
    const std::string bindAddress = desc.bindAddress.empty() ? "0.0.0.0" : desc.bindAddress;
    const uint32_t maxPeers = desc.maxPeers ? desc.maxPeers : kDefaultMaxPeers;
    const uint8_t channels = desc.channelCount ? desc.channelCount : kChannelCount;
    if (maxPeers > kEnetMaxPeers) {
        setError(error, "maxPeers " + std::to_string(maxPeers) + " is over ENet's limit of " +
                            std::to_string(kEnetMaxPeers) + "; lower it");
        return nullptr;
    }
    if (!acquireEnet()) {
        setError(error, "enet_initialize failed");
        return nullptr;
    }
    ENetAddress address{};
    address.port = desc.port;
    if (enet_address_set_host(&address, bindAddress.c_str()) != 0) {
        releaseEnet();
        setError(error, "bind address '" + bindAddress + "' does not resolve; give an IPv4 address");
        return nullptr;
    }
    ENetHost* host = enet_host_create(&address, maxPeers, channels, desc.incomingBandwidth,
                                      desc.outgoingBandwidth);
    if (!host) {
        releaseEnet();
        setError(error, "cannot listen on " + bindAddress + ":" + std::to_string(desc.port) +
                            " (port in use or address not local); pick another port");
        return nullptr;
    }
    setSocketBuffers(host, desc.socketRecvBuffer ? desc.socketRecvBuffer : kDefaultServerSocketBuffer,
                     desc.socketSendBuffer ? desc.socketSendBuffer : kDefaultServerSocketBuffer);
    // ENet would reassemble packets of up to 32 MiB per peer. No client message is over
    // kMaxMessageBytes, a reliable bundle holds a few, and an asset chunk stays within a few MiB: a
    // bigger packet is refused in reassembly, before it costs memory or a decryption (the server's
    // limits per message type are finer, docs/roles.md).
    host->maximumPacketSize = kMaxMessageBytes * 16;
    host->maximumWaitingData = kMaxMessageBytes * 32;
    std::unique_ptr<EnetTransport> t(new EnetTransport(host));
    if (!linkCryptoInit()) {
        setError(error, "libsodium cannot start (no entropy source)");
        return nullptr;
    }
    t->m_isServer = true;
    t->m_batch = std::make_unique<DatagramBatch>(int(host->socket), desc.sendThread);
    t->m_holdMs = desc.holdReliableMs;
    t->m_serverKey = desc.key ? *desc.key : generateLinkKeyPair();
    t->m_linkKey = t->m_serverKey.publicKey;
    t->m_handshakeTimeoutMs = desc.handshakeTimeoutMs ? desc.handshakeTimeoutMs : kDefaultHandshakeTimeoutMs;
    return t;
}

std::unique_ptr<EnetTransport> EnetTransport::connect(const EnetClientDesc& desc, std::string* error) {
    const std::string hostName = desc.host.empty() ? "127.0.0.1" : desc.host;
    const uint8_t channels = desc.channelCount ? desc.channelCount : kChannelCount;
    const uint32_t timeoutMs = desc.timeoutMs ? desc.timeoutMs : kDefaultConnectTimeoutMs;
    if (desc.port == 0) {
        setError(error, "no server port given");
        return nullptr;
    }
    if (!acquireEnet()) {
        setError(error, "enet_initialize failed");
        return nullptr;
    }
    ENetAddress address{};
    address.port = desc.port;
    if (enet_address_set_host(&address, hostName.c_str()) != 0) {
        releaseEnet();
        setError(error, "server '" + hostName + "' does not resolve; check the name or give an IP address");
        return nullptr;
    }
    ENetHost* host = enet_host_create(nullptr, 1, channels, 0, 0);
    if (!host) {
        releaseEnet();
        setError(error, "cannot open a UDP socket");
        return nullptr;
    }
    setSocketBuffers(host, desc.socketRecvBuffer ? desc.socketRecvBuffer : kDefaultClientSocketBuffer,
                     desc.socketSendBuffer ? desc.socketSendBuffer : kDefaultClientSocketBuffer);
    std::unique_ptr<EnetTransport> t(new EnetTransport(host));  // from here its destructor cleans up
    t->m_readAhead = std::make_unique<ReadAhead>(int(host->socket));
    if (!linkCryptoInit()) {
        setError(error, "libsodium cannot start (no entropy source)");
        return nullptr;
    }
    t->m_expectedKey = desc.serverKey;
    t->m_serverName = hostName + ":" + std::to_string(desc.port);
    if (!desc.serverKey && !desc.knownServersPath.empty()) {
        t->m_knownServers = std::make_unique<KnownServers>();
        std::string why;
        if (!t->m_knownServers->load(desc.knownServersPath, why)) {
            setError(error, why);
            return nullptr;
        }
    }

    ENetPeer* peer = enet_host_connect(host, &address, channels, 0);
    if (!peer) {
        setError(error, "cannot start connecting to " + hostName + ":" + std::to_string(desc.port));
        return nullptr;
    }
    // ENet checks its timeout only when a retransmission is due (0.5 s, 1.5 s, 3.5 s, ...), so
    // service() also enforces timeoutMs itself.
    enet_peer_timeout(peer, kPeerTimeoutLimit, timeoutMs, timeoutMs);
    t->m_serverPeer = newHandle();
    setHandle(peer, t->m_serverPeer);
    t->m_peers[t->m_serverPeer.v] = peer;
    Link& link = t->m_links[t->m_serverPeer.v];
    link.state = LinkState::AwaitConnect;
    link.client = std::make_unique<ClientHandshake>();
    t->m_connectDeadlineMs = steadyMs() + timeoutMs;
    return t;
}

EnetTransport::~EnetTransport() {
    if (!m_host) return;
    flushBundles();
    bool told = false;
    for (auto& [handle, peer] : m_peers) {
        if (peer->state == ENET_PEER_STATE_CONNECTED || peer->state == ENET_PEER_STATE_DISCONNECT_LATER) {
            enet_peer_disconnect(peer, 0);  // queued; goes out with the flush below
            told = true;
        }
    }
    if (told) {
        DatagramBatch::Scope batched(m_batch.get());  // after what is queued, in order
        enet_host_flush(m_host);
    }
    if (m_batch) m_batch->drain();  // all of it out before the socket closes
    enet_host_destroy(m_host);
    releaseEnet();
}

// --- per peer --------------------------------------------------------------------------------

// Called on every Connect (both ends do it; the settings also travel to the other side in a
// THROTTLE_CONFIGURE command).
//
// ENet's packet throttle (peer.c enet_peer_throttle, protocol.c): before sending each unreliable
// packet ENet steps peer->packetThrottleCounter by 7 (mod 32) and drops the packet when the counter
// exceeds peer->packetThrottle (0..32), so at 32 nothing is dropped and at 16 half is. On each
// acknowledgement the RTT sample is compared with the last interval's lowest smoothed RTT
// (lastRoundTripTime) and highest variance: a sample above lowest + 2 * variance lowers the
// throttle by `deceleration`, a sample at or below the lowest raises it by `acceleration`. (While
// the lowest RTT is under the variance, as on an idle loopback, the throttle just sits at its
// limit.) With ENet's defaults (interval 5000 ms, 2, 2), one 250 ms latency spike on a 60 ms link
// takes the throttle to 0, and with only pings (every 500 ms) to raise it again about 8% of the
// next 1.5 s of snapshots get through (EnetTransport.UnreliableStreamSurvivesALatencyHitch).
// Dockhall's unreliable traffic is bounded by its tick rate and interest management, and a lost
// snapshot is replaced by the next one, so: deceleration 0 (the throttle never drops a packet) and
// acceleration 32 (back to full at once should a bandwidth limit have lowered it). Reliable
// traffic keeps ENet's window-based flow control.
void EnetTransport::configurePeer(_ENetPeer* peer) {
    enet_peer_timeout(peer, kPeerTimeoutLimit, kPeerTimeoutMinMs, kPeerTimeoutMaxMs);
    enet_peer_throttle_configure(peer, ENET_PEER_PACKET_THROTTLE_INTERVAL,
                                 ENET_PEER_PACKET_THROTTLE_SCALE, 0);
    peer->packetThrottle = peer->packetThrottleLimit;
}

// --- reliable bundles (see the header) ----------------------------------------------------------

bool EnetTransport::queueReliable(PeerHandle h, _ENetPeer* peer, uint8_t channel, std::span<const uint8_t> data) {
    if (peer->state != ENET_PEER_STATE_CONNECTED) return false;  // as enet_peer_send would answer
    auto link = m_links.find(h.v);
    if (link == m_links.end() || link->second.state != LinkState::Up) return false;
    Bundles& b = m_bundles[h.v];
    b.peer = peer;
    if (!b.listed) {
        b.listed = true;
        // Held only for a peer on the snapshot stream: its next state packet is a tick or two away.
        const uint64_t lastState = link->second.lastStateMs;
        const uint64_t now = m_holdMs && lastState ? steadyMs() : 0;
        if (now && lastState + kEnetStreamGapMs >= now) {
            b.dueMs = now + m_holdMs;
            m_held.push_back(h.v);
        } else {
            m_bundled.push_back(h.v);
        }
    }
    std::vector<uint8_t>& q = b.bytes[channel == kChannelEvents ? 0 : 1];
    for (size_t n = data.size();; n >>= 7) {  // LEB128 length
        uint8_t byte = uint8_t(n & 0x7F);
        if (n >> 7) byte |= 0x80;
        q.push_back(byte);
        if (!(n >> 7)) break;
    }
    q.insert(q.end(), data.begin(), data.end());
    if (q.size() >= kEnetBundleBytes) sendBundle(peer, channel, q);
    m_stats.packetsOut += 1;
    m_stats.bytesOut += data.size();
    return true;
}

void EnetTransport::sendBundle(_ENetPeer* peer, uint8_t channel, std::vector<uint8_t>& bundle) {
    if (bundle.empty()) return;
    ENetPacket* packet = sealPacket(handleOf(peer), channel, bundle, ENET_PACKET_FLAG_RELIABLE);
    if (packet && enet_peer_send(peer, channel, packet) != 0) enet_packet_destroy(packet);
    bundle.clear();
}

// --- secure link (secure.h) ----------------------------------------------------------------------

// One sealed ENet packet for the peer's session; nullptr if its link is not up.
_ENetPacket* EnetTransport::sealPacket(PeerHandle h, uint8_t channel, std::span<const uint8_t> plain, uint32_t flags) {
    auto it = m_links.find(h.v);
    if (it == m_links.end() || it->second.state != LinkState::Up) return nullptr;
    m_sealed.clear();
    if (!it->second.session.seal(channel, plain, m_sealed)) return nullptr;
    return enet_packet_create(m_sealed.data(), m_sealed.size(), flags);
}

void EnetTransport::sendRaw(_ENetPeer* peer, std::span<const uint8_t> data) {
    ENetPacket* packet = enet_packet_create(data.data(), data.size(), ENET_PACKET_FLAG_RELIABLE);
    if (packet && enet_peer_send(peer, kChannelEvents, packet) != 0) enet_packet_destroy(packet);
}

void EnetTransport::refusePeer(PeerHandle h, _ENetPeer* peer, LinkError why) {
    auto it = m_links.find(h.v);
    if (it != m_links.end()) {
        addCounters(m_goneCounters, it->second.session.counters());
        m_links.erase(it);
    }
    if (why == LinkError::Forged) m_goneCounters.forged += 1;
    else if (why == LinkError::Replayed) m_goneCounters.replayed += 1;
    else m_goneCounters.malformed += 1;
    m_peers.erase(h.v);
    setHandle(peer, PeerHandle{});
    enet_peer_disconnect(peer, linkDisconnectReason(why));  // its DISCONNECT event has no handle: unseen
}

// Server: peers whose handshake is overdue are dropped. Deadlines are queued in order.
void EnetTransport::expireHandshakes() {
    if (m_handshakeDeadlines.empty()) return;
    const uint64_t now = steadyMs();
    while (!m_handshakeDeadlines.empty() && m_handshakeDeadlines.front().first <= now) {
        const uint32_t h = m_handshakeDeadlines.front().second;
        m_handshakeDeadlines.pop_front();
        auto link = m_links.find(h);
        auto peer = m_peers.find(h);
        if (link == m_links.end() || peer == m_peers.end() || link->second.state == LinkState::Up) continue;
        refusePeer(PeerHandle{h}, peer->second, LinkError::HandshakeTimeout);
    }
}

LinkCounters EnetTransport::linkCounters() const {
    LinkCounters sum = m_goneCounters;
    for (const auto& [h, link] : m_links) addCounters(sum, link.session.counters());
    return sum;
}

void EnetTransport::sendQueued(uint32_t h) {
    auto it = m_bundles.find(h);
    if (it == m_bundles.end()) return;
    // A peer that went away meanwhile has no handle any more: drop what was queued for it.
    if (m_peers.count(h) && it->second.peer->state == ENET_PEER_STATE_CONNECTED) {
        sendBundle(it->second.peer, kChannelEvents, it->second.bytes[0]);
        sendBundle(it->second.peer, kChannelAssets, it->second.bytes[1]);
    } else {
        it->second.bytes[0].clear();
        it->second.bytes[1].clear();
    }
}

void EnetTransport::flushBundles(bool holding) {
    auto sendAndForget = [this](uint32_t h) {
        sendQueued(h);
        m_bundles.erase(h);
    };
    for (uint32_t h : m_bundled) sendAndForget(h);
    m_bundled.clear();
    // Held ones are in order of due time; one already sent with a snapshot is just forgotten.
    while (!m_held.empty()) {
        if (holding) {
            auto it = m_bundles.find(m_held.front());
            if (it != m_bundles.end() && it->second.dueMs > m_nowMs &&
                it->second.bytes[0].size() + it->second.bytes[1].size() != 0)
                break;
        }
        sendAndForget(m_held.front());
        m_held.pop_front();
    }
}

void EnetTransport::noteState(PeerHandle h) {
    if (!m_holdMs) return;
    auto link = m_links.find(h.v);
    if (link != m_links.end()) link->second.lastStateMs = m_nowMs;
    if (!m_held.empty()) sendQueued(h.v);  // before the snapshot: one datagram for both
}

bool EnetTransport::send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) {
    if (channel >= m_host->channelLimit) return false;
    auto it = m_peers.find(peer.v);
    if (it == m_peers.end()) return false;
    if (channel != kChannelState && channel <= kChannelAssets) return queueReliable(peer, it->second, channel, data);
    // Channel 0 is unreliable sequenced (flags 0). UNRELIABLE_FRAGMENT only matters above the MTU:
    // the fragments then go unreliably too (lose one, lose the packet) instead of ENet's default of
    // sending them reliably, which would stall the state channel behind retransmissions.
    const enet_uint32 flags = channel == kChannelState ? ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT
                                                       : ENET_PACKET_FLAG_RELIABLE;
    if (channel == kChannelState) noteState(peer);
    ENetPacket* packet = sealPacket(peer, channel, data, flags);  // fails until the link is up
    if (!packet) return false;
    if (enet_peer_send(it->second, channel, packet) != 0) {  // fails unless CONNECTED
        enet_packet_destroy(packet);                         // on failure the packet is still ours
        return false;
    }
    m_stats.packetsOut += 1;  // on success ENet owns the packet
    m_stats.bytesOut += data.size();
    return true;
}

size_t EnetTransport::sendToMany(std::span<const PeerHandle> peers, uint8_t channel, std::span<const uint8_t> data) {
    if (channel >= m_host->channelLimit || peers.empty()) return 0;
    if (channel != kChannelState && channel <= kChannelAssets) {
        size_t n = 0;
        for (PeerHandle h : peers) {
            auto it = m_peers.find(h.v);
            if (it != m_peers.end() && queueReliable(h, it->second, channel, data)) ++n;
        }
        return n;
    }
    // Each peer has its own keys, so each gets its own sealed packet.
    const enet_uint32 flags = channel == kChannelState ? ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT : ENET_PACKET_FLAG_RELIABLE;
    size_t n = 0;
    for (PeerHandle h : peers) {
        auto it = m_peers.find(h.v);
        if (it == m_peers.end()) continue;
        if (channel == kChannelState) noteState(h);
        ENetPacket* packet = sealPacket(h, channel, data, flags);
        if (!packet) continue;
        if (enet_peer_send(it->second, channel, packet) != 0) {
            enet_packet_destroy(packet);
            continue;
        }
        ++n;
    }
    m_stats.packetsOut += n;
    m_stats.bytesOut += n * data.size();
    return n;
}

void EnetTransport::disconnect(PeerHandle peer, uint32_t reason) {
    auto it = m_peers.find(peer.v);
    if (it == m_peers.end()) return;
    sendQueued(peer.v);  // what was queued goes before the goodbye
    ENetPeer* p = it->second;
    switch (p->state) {
    case ENET_PEER_STATE_CONNECTED:
    case ENET_PEER_STATE_DISCONNECT_LATER:
        enet_peer_disconnect_later(p, reason);  // after the queued packets; DISCONNECT event later
        break;
    case ENET_PEER_STATE_CONNECTING:
    case ENET_PEER_STATE_ACKNOWLEDGING_CONNECT:
    case ENET_PEER_STATE_CONNECTION_PENDING:
    case ENET_PEER_STATE_CONNECTION_SUCCEEDED:
        // ENet drops a half-made connection on the spot and reports nothing; report it ourselves.
        enet_peer_disconnect(p, reason);
        setHandle(p, PeerHandle{});
        m_peers.erase(it);
        m_links.erase(peer.v);
        m_pending.push_back(TransportEvent{.kind = TransportEvent::Kind::Disconnect, .peer = peer});
        m_connectDeadlineMs = 0;
        break;
    default:  // already disconnecting
        break;
    }
}

uint32_t EnetTransport::roundTripMs(PeerHandle peer) const {
    auto it = m_peers.find(peer.v);
    return it == m_peers.end() ? 0 : it->second->roundTripTime;
}

std::string EnetTransport::peerAddress(PeerHandle peer) const {
    auto it = m_peers.find(peer.v);
    if (it == m_peers.end()) return {};
    char ip[64] = {};
    if (enet_address_get_host_ip(&it->second->address, ip, sizeof ip) != 0) return {};
    return ip;
}

// --- pumping ---------------------------------------------------------------------------------

bool EnetTransport::service(uint64_t /*nowMs*/, std::vector<TransportEvent>& out, uint32_t waitMs, size_t maxEvents) {
    if (!m_pending.empty()) {
        for (TransportEvent& e : m_pending) out.push_back(std::move(e));
        m_pending.clear();
        waitMs = 0;
    }

    // A client whose connect (secure handshake included) is overdue gives up (see connect()).
    if (m_connectDeadlineMs != 0) {
        auto it = m_peers.find(m_serverPeer.v);
        auto link = m_links.find(m_serverPeer.v);
        if (it == m_peers.end() || (link != m_links.end() && link->second.state == LinkState::Up)) {
            m_connectDeadlineMs = 0;
        } else if (steadyMs() >= m_connectDeadlineMs) {
            if (link != m_links.end() && link->second.state == LinkState::AwaitServerHello)
                m_linkError = LinkError::HandshakeTimeout;  // ENet connected, the link did not come up
            enet_peer_reset(it->second);
            setHandle(it->second, PeerHandle{});
            m_peers.erase(it);
            m_links.erase(m_serverPeer.v);
            out.push_back(TransportEvent{.kind = TransportEvent::Kind::Disconnect, .peer = m_serverPeer,
                                         .reason = m_linkError == LinkError::None ? 0u : linkDisconnectReason(m_linkError)});
            m_connectDeadlineMs = 0;
        }
    }
    if (m_isServer) expireHandshakes();

    DatagramBatch::Scope batched(m_batch.get());  // a server's datagrams move in batches
    ReadAhead::Scope readAhead(m_readAhead.get());  // a client reads two at a time
    // The first call may wait; the following ones do not. Each enet_host_service call sends,
    // receives (up to 256 datagrams), sends the acknowledgements and dispatches, so looping until
    // it reports nothing both drains ENet's event queue (what enet_host_check_events would do)
    // and empties the socket within one service(), unless maxEvents stops it first: then what
    // ENet has read stays queued in it (and what the batch has read, in the batch) for the next
    // call, in order.
    m_nowMs = steadyMs();
    flushBundles(true);
    const size_t limit = std::clamp<size_t>(maxEvents, 1, kMaxEventsPerService);
    size_t n = 0;
    ENetEvent ev;
    int r = enet_host_service(m_host, &ev, waitMs);
    while (r > 0) {
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT:
            onConnect(ev.peer, out);
            break;
        case ENET_EVENT_TYPE_DISCONNECT: {
            PeerHandle h = handleOf(ev.peer);
            setHandle(ev.peer, PeerHandle{});
            if (h.v != 0 && m_peers.erase(h.v) != 0) {
                if (h == m_serverPeer) m_connectDeadlineMs = 0;
                auto link = m_links.find(h.v);
                bool wasUp = link != m_links.end() && link->second.state == LinkState::Up;
                if (link != m_links.end()) addCounters(m_goneCounters, link->second.session.counters());
                m_links.erase(h.v);
                LinkError why = linkErrorFromReason(ev.data);
                if (h == m_serverPeer && why != LinkError::None) m_linkError = why;
                // The caller hears of a peer it saw connect; a client always hears of its server.
                if (wasUp || h == m_serverPeer)
                    out.push_back(TransportEvent{
                        .kind = TransportEvent::Kind::Disconnect, .peer = h, .reason = ev.data});
            }
            break;
        }
        case ENET_EVENT_TYPE_RECEIVE: {
            PeerHandle h = handleOf(ev.peer);
            if (h.v != 0) onReceive(h, ev.peer, ev.channelID, {ev.packet->data, ev.packet->dataLength}, out);
            enet_packet_destroy(ev.packet);  // a received packet is ours to free
            break;
        }
        case ENET_EVENT_TYPE_NONE:
            break;
        }
        if (++n == limit) break;  // before asking for the next: an event taken would be lost
        r = enet_host_service(m_host, &ev, 0);
    }
    collectCounters();
    return n == limit;
}

void EnetTransport::onConnect(_ENetPeer* peer, std::vector<TransportEvent>& out) {
    (void)out;
    PeerHandle h = handleOf(peer);
    configurePeer(peer);
    if (h.v == 0 || m_peers.find(h.v) == m_peers.end()) {  // a server's new peer: await its hello
        h = newHandle();
        setHandle(peer, h);
        m_peers[h.v] = peer;
        m_links[h.v].state = LinkState::AwaitClientHello;
        m_handshakeDeadlines.emplace_back(steadyMs() + m_handshakeTimeoutMs, h.v);
        return;
    }
    auto link = m_links.find(h.v);
    if (h == m_serverPeer && link != m_links.end() && link->second.state == LinkState::AwaitConnect) {
        sendRaw(peer, link->second.client->hello());
        link->second.state = LinkState::AwaitServerHello;
    }
}

void EnetTransport::onReceive(PeerHandle h, _ENetPeer* peer, uint8_t channel, std::span<const uint8_t> data,
                              std::vector<TransportEvent>& out) {
    auto it = m_links.find(h.v);
    if (it == m_links.end()) return;
    Link& link = it->second;
    switch (link.state) {
    case LinkState::AwaitConnect:
        return;
    case LinkState::AwaitServerHello:
        onServerHello(h, peer, link, data, out);
        return;
    case LinkState::AwaitClientHello: {
        std::vector<uint8_t> reply;
        LinkError e = channel == kChannelEvents ? serverHandshake(m_serverKey, data, reply, link.session)
                                                : LinkError::NoSession;
        if (e != LinkError::None) {
            refusePeer(h, peer, e);  // no reply: a refused hello gets nothing back
            return;
        }
        sendRaw(peer, reply);  // never longer than the hello (secure.h)
        link.state = LinkState::AwaitConfirm;
        return;
    }
    case LinkState::AwaitConfirm: {
        LinkError e = link.session.open(channel, data, m_opened);
        if (e != LinkError::None) {
            refusePeer(h, peer, e);
            return;
        }
        link.state = LinkState::Up;
        out.push_back(TransportEvent{.kind = TransportEvent::Kind::Connect, .peer = h});
        deliver(h, channel, m_opened, out);
        return;
    }
    case LinkState::Up:
        if (link.session.open(channel, data, m_opened) == LinkError::None) deliver(h, channel, m_opened, out);
        return;  // a packet that does not open is dropped and counted; the peer stays
    }
}

void EnetTransport::onServerHello(PeerHandle h, _ENetPeer* peer, Link& link, std::span<const uint8_t> data,
                                  std::vector<TransportEvent>& out) {
    const LinkPublicKey* expected = m_expectedKey ? &*m_expectedKey : nullptr;
    LinkError e = link.client->finish(data, expected, link.session);
    if (e == LinkError::None && !expected && m_knownServers) {
        const LinkPublicKey& key = link.client->serverKey();
        switch (m_knownServers->check(m_serverName, key)) {
        case KnownServers::Check::Pinned: break;
        case KnownServers::Check::Changed: e = LinkError::KeyChanged; break;
        case KnownServers::Check::FirstUse: {
            std::string why;
            m_pinnedNow = m_knownServers->pin(m_serverName, key, why);  // unwritable file: joins unpinned
            break;
        }
        }
    }
    if (e != LinkError::None) {
        m_linkError = e;
        m_links.erase(h.v);
        m_peers.erase(h.v);
        setHandle(peer, PeerHandle{});
        enet_peer_disconnect(peer, linkDisconnectReason(e));
        m_connectDeadlineMs = 0;
        out.push_back(TransportEvent{.kind = TransportEvent::Kind::Disconnect, .peer = h, .reason = linkDisconnectReason(e)});
        return;
    }
    m_linkKey = link.client->serverKey();
    link.client.reset();
    link.state = LinkState::Up;
    m_connectDeadlineMs = 0;
    // An empty sealed packet tells the server at once that this side holds the keys.
    if (ENetPacket* confirm = sealPacket(h, kChannelEvents, {}, ENET_PACKET_FLAG_RELIABLE))
        if (enet_peer_send(peer, kChannelEvents, confirm) != 0) enet_packet_destroy(confirm);
    out.push_back(TransportEvent{.kind = TransportEvent::Kind::Connect, .peer = h});
}

// Hands opened bytes to the caller: one message on channel 0, a bundle of them on the others.
void EnetTransport::deliver(PeerHandle h, uint8_t channel, std::span<const uint8_t> plain, std::vector<TransportEvent>& out) {
    if (channel == kChannelState) {
        TransportEvent e{.kind = TransportEvent::Kind::Receive, .peer = h, .channel = channel};
        e.data.assign(plain.begin(), plain.end());
        m_stats.packetsIn += 1;
        m_stats.bytesIn += plain.size();
        out.push_back(std::move(e));
        return;
    }
    // A reliable bundle: LEB128 length, message, ... A bad frame drops the rest.
    const uint8_t* p = plain.data();
    const uint8_t* end = p + plain.size();
    while (p < end) {
        size_t len = 0;
        int shift = 0;
        bool ok = false;
        while (p < end && shift < 35) {
            uint8_t byte = *p++;
            len |= size_t(byte & 0x7F) << shift;
            shift += 7;
            if (!(byte & 0x80)) { ok = true; break; }
        }
        if (!ok || len > size_t(end - p)) break;
        TransportEvent e{.kind = TransportEvent::Kind::Receive, .peer = h, .channel = channel};
        e.data.assign(p, p + len);
        p += len;
        m_stats.packetsIn += 1;
        m_stats.bytesIn += len;
        out.push_back(std::move(e));
    }
}

void EnetTransport::flush() {
    m_nowMs = steadyMs();
    flushBundles(true);
    DatagramBatch::Scope batched(m_batch.get());
    enet_host_flush(m_host);
    collectCounters();
}

// --- numbers ---------------------------------------------------------------------------------

// ENet's host counters are 32-bit and the user is to reset them; fold them into 64-bit totals.
void EnetTransport::collectCounters() const {
    m_stats.datagramsOut += m_host->totalSentPackets;
    m_stats.wireBytesOut += uint64_t(m_host->totalSentData) + uint64_t(kUdpIpv4HeaderBytes) * m_host->totalSentPackets;
    m_stats.datagramsIn += m_host->totalReceivedPackets;
    m_stats.wireBytesIn += uint64_t(m_host->totalReceivedData) +
                           uint64_t(kUdpIpv4HeaderBytes) * m_host->totalReceivedPackets;
    m_host->totalSentPackets = 0;
    m_host->totalSentData = 0;
    m_host->totalReceivedPackets = 0;
    m_host->totalReceivedData = 0;
    if (m_batch) {
        const DatagramBatchCounters c = m_batch->counters();
        m_stats.sendCalls = c.sendCalls;
        m_stats.receiveCalls = c.receiveCalls;
        m_stats.datagramsRefused = c.sendDropped;
    }
    if (m_readAhead) m_stats.receiveCalls = m_readAhead->counters().receiveCalls;
}

TransportStats EnetTransport::stats() const {
    collectCounters();
    return m_stats;
}

uint16_t EnetTransport::port() const {
    ENetAddress address{};
    if (enet_socket_get_address(m_host->socket, &address) == 0) return address.port;
    return m_host->address.port;
}

PeerHandle EnetTransport::serverPeer() const { return m_serverPeer; }

size_t EnetTransport::peerCount() const { return m_peers.size(); }

int EnetTransport::socketFd() const { return int(m_host->socket); }

}  // namespace net
