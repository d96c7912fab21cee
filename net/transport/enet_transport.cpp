// enet_transport.cpp: the ENet implementation of Transport (enet_transport.h).
//
// Peer bookkeeping: every ENet peer that has a handle carries it in peer->data (as an integer),
// and m_peers maps the handle back to the peer. A server peer gets its handle on its Connect event;
// the client's one peer (the server) gets its handle when connect() starts. A Disconnect event
// removes both. ENet reuses peer slots, never our handles.
#include "net/transport/enet_transport.h"

#include <enet/enet.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <utility>

#include "net/protocol/messages.h"

namespace net {
namespace {

constexpr uint32_t kDefaultMaxPeers = 1024;
constexpr uint32_t kDefaultServerSocketBuffer = 4u << 20;  // 1,000 clients connecting at once
constexpr uint32_t kDefaultClientSocketBuffer = 1u << 20;
constexpr uint32_t kDefaultConnectTimeoutMs = 5000;
constexpr uint32_t kUdpIpv4HeaderBytes = 28;               // 20 B IPv4 + 8 B UDP
constexpr size_t kMaxEventsPerService = 65536;             // a flood cannot pin service() forever

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

bool acquireEnet() {
    std::lock_guard lock(g_enetMutex);
    if (g_enetUsers == 0 && enet_initialize() != 0) return false;
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
    return std::unique_ptr<EnetTransport>(new EnetTransport(host));
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
    if (told) enet_host_flush(m_host);
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
    Bundles& b = m_bundles[h.v];
    b.peer = peer;
    std::vector<uint8_t>& q = b.bytes[channel == kChannelEvents ? 0 : 1];
    if (q.empty() && b.bytes[0].size() + b.bytes[1].size() == 0) m_bundled.push_back(h.v);
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
    ENetPacket* packet = enet_packet_create(bundle.data(), bundle.size(), ENET_PACKET_FLAG_RELIABLE);
    if (packet && enet_peer_send(peer, channel, packet) != 0) enet_packet_destroy(packet);
    bundle.clear();
}

void EnetTransport::flushBundles() {
    for (uint32_t h : m_bundled) {
        auto it = m_bundles.find(h);
        if (it == m_bundles.end()) continue;
        // A peer that went away meanwhile has no handle any more: drop what was queued for it.
        if (m_peers.count(h) && it->second.peer->state == ENET_PEER_STATE_CONNECTED) {
            sendBundle(it->second.peer, kChannelEvents, it->second.bytes[0]);
            sendBundle(it->second.peer, kChannelAssets, it->second.bytes[1]);
        }
        m_bundles.erase(it);
    }
    m_bundled.clear();
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
    ENetPacket* packet = enet_packet_create(data.data(), data.size(), flags);  // copies
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
    const enet_uint32 flags = channel == kChannelState ? ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT : ENET_PACKET_FLAG_RELIABLE;
    ENetPacket* packet = enet_packet_create(data.data(), data.size(), flags);
    if (!packet) return 0;
    size_t n = 0;
    for (PeerHandle h : peers) {
        auto it = m_peers.find(h.v);
        if (it == m_peers.end() || enet_peer_send(it->second, channel, packet) != 0) continue;
        ++n;  // each queued send holds a reference; ENet frees the packet after the last
    }
    if (packet->referenceCount == 0) enet_packet_destroy(packet);  // nobody took it: still ours
    m_stats.packetsOut += n;
    m_stats.bytesOut += n * data.size();
    return n;
}

void EnetTransport::disconnect(PeerHandle peer, uint32_t reason) {
    auto it = m_peers.find(peer.v);
    if (it == m_peers.end()) return;
    flushBundles();  // what was queued goes before the goodbye
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

// --- pumping ---------------------------------------------------------------------------------

void EnetTransport::service(uint64_t /*nowMs*/, std::vector<TransportEvent>& out, uint32_t waitMs) {
    if (!m_pending.empty()) {
        for (TransportEvent& e : m_pending) out.push_back(std::move(e));
        m_pending.clear();
        waitMs = 0;
    }

    // A client whose connect is overdue gives up (see connect()).
    if (m_connectDeadlineMs != 0) {
        auto it = m_peers.find(m_serverPeer.v);
        if (it == m_peers.end() || it->second->state == ENET_PEER_STATE_CONNECTED) {
            m_connectDeadlineMs = 0;
        } else if (steadyMs() >= m_connectDeadlineMs) {
            enet_peer_reset(it->second);
            setHandle(it->second, PeerHandle{});
            m_peers.erase(it);
            out.push_back(TransportEvent{.kind = TransportEvent::Kind::Disconnect, .peer = m_serverPeer});
            m_connectDeadlineMs = 0;
        }
    }

    // The first call may wait; the following ones do not. Each enet_host_service call sends,
    // receives (up to 256 datagrams), sends the acknowledgements and dispatches, so looping until
    // it reports nothing both drains ENet's event queue (what enet_host_check_events would do)
    // and empties the socket within one service().
    flushBundles();
    ENetEvent ev;
    int r = enet_host_service(m_host, &ev, waitMs);
    for (size_t n = 0; r > 0 && n < kMaxEventsPerService; ++n) {
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT: {
            PeerHandle h = handleOf(ev.peer);
            if (h.v == 0 || m_peers.find(h.v) == m_peers.end()) {  // a server's new peer
                h = newHandle();
                setHandle(ev.peer, h);
                m_peers[h.v] = ev.peer;
            }
            if (h == m_serverPeer) m_connectDeadlineMs = 0;
            configurePeer(ev.peer);
            out.push_back(TransportEvent{.kind = TransportEvent::Kind::Connect, .peer = h});
            break;
        }
        case ENET_EVENT_TYPE_DISCONNECT: {
            PeerHandle h = handleOf(ev.peer);
            setHandle(ev.peer, PeerHandle{});
            if (h.v != 0 && m_peers.erase(h.v) != 0) {
                if (h == m_serverPeer) m_connectDeadlineMs = 0;
                out.push_back(TransportEvent{
                    .kind = TransportEvent::Kind::Disconnect, .peer = h, .reason = ev.data});
            }
            break;
        }
        case ENET_EVENT_TYPE_RECEIVE: {
            PeerHandle h = handleOf(ev.peer);
            if (h.v != 0 && ev.channelID == kChannelState) {
                TransportEvent e{.kind = TransportEvent::Kind::Receive, .peer = h, .channel = ev.channelID};
                e.data.assign(ev.packet->data, ev.packet->data + ev.packet->dataLength);
                m_stats.packetsIn += 1;
                m_stats.bytesIn += ev.packet->dataLength;
                out.push_back(std::move(e));
            } else if (h.v != 0) {
                // A reliable bundle: LEB128 length, message, ... A bad frame drops the rest.
                const uint8_t* p = ev.packet->data;
                const uint8_t* end = p + ev.packet->dataLength;
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
                    TransportEvent e{.kind = TransportEvent::Kind::Receive, .peer = h, .channel = ev.channelID};
                    e.data.assign(p, p + len);
                    p += len;
                    m_stats.packetsIn += 1;
                    m_stats.bytesIn += len;
                    out.push_back(std::move(e));
                }
            }
            enet_packet_destroy(ev.packet);  // a received packet is ours to free
            break;
        }
        case ENET_EVENT_TYPE_NONE:
            break;
        }
        r = enet_host_service(m_host, &ev, 0);
    }
    collectCounters();
}

void EnetTransport::flush() {
    flushBundles();
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
