// loopback_transport.cpp: the in-memory network of loopback_transport.h.
//
// State lives in one LoopbackHub shared by the server end and every client end. A link joins a
// client to the server; it has two ends (Client, Server), each with the handle it uses for the
// other, its sequencing state and its own random stream for what it sends. Deliveries wait in a
// min-heap per receiving end (the server has one for all links, each client one), ordered by
// (arrival time, scheduling order) so equal arrival times keep send order.
#include "net/transport/loopback_transport.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "net/protocol/messages.h"

namespace net {
namespace detail {
namespace {

constexpr uint32_t kMinRetransmitMs = 20;        // first retransmit timeout on a 0 ms link
constexpr size_t kMaxPacketBytes = 32u << 20;    // ENet's default maximumPacketSize

// PCG32 (O'Neill, pcg-random.org): small, fast, the same numbers on every platform.
class Pcg32 {
public:
    void seed(uint64_t seed, uint64_t stream) {
        m_state = 0;
        m_inc = (stream << 1u) | 1u;
        next();
        m_state += seed;
        next();
    }
    uint32_t next() {
        uint64_t old = m_state;
        m_state = old * 6364136223846793005ULL + m_inc;
        auto xorshifted = uint32_t(((old >> 18u) ^ old) >> 27u);
        auto rot = uint32_t(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
    }
    // True with probability percent/100; consumes nothing when the answer is certain.
    bool chance(float percent) {
        if (percent <= 0.0f) return false;
        if (percent >= 100.0f) return true;
        return double(next()) * (100.0 / 4294967296.0) < double(percent);
    }
    // Uniform in 0..n inclusive.
    uint32_t upTo(uint32_t n) {
        if (n == 0) return 0;
        return uint32_t((uint64_t(next()) * (uint64_t(n) + 1)) >> 32u);
    }

private:
    uint64_t m_state = 0;
    uint64_t m_inc = 1;
};

}  // namespace

enum Side : uint8_t { kClientSide = 0, kServerSide = 1 };
inline Side other(Side s) { return s == kClientSide ? kServerSide : kClientSide; }

struct Delivery {
    uint64_t dueMs = 0;
    uint64_t order = 0;
    uint32_t link = 0;
    TransportEvent::Kind kind = TransportEvent::Kind::Receive;
    uint8_t channel = 0;
    uint32_t seq = 0;     // channel 0 sequence number
    uint32_t reason = 0;  // Disconnect
    std::vector<uint8_t> data;
};

// Heap order: the top is the earliest arrival, then the earliest scheduled.
struct ArrivesLater {
    bool operator()(const Delivery& a, const Delivery& b) const {
        return a.dueMs != b.dueMs ? a.dueMs > b.dueMs : a.order > b.order;
    }
};

struct Inbox {
    std::vector<Delivery> heap;
    void push(Delivery d) {
        heap.push_back(std::move(d));
        std::push_heap(heap.begin(), heap.end(), ArrivesLater{});
    }
    bool due(uint64_t nowMs) const { return !heap.empty() && heap.front().dueMs <= nowMs; }
    Delivery pop() {
        std::pop_heap(heap.begin(), heap.end(), ArrivesLater{});
        Delivery d = std::move(heap.back());
        heap.pop_back();
        return d;
    }
};

struct LinkEnd {
    PeerHandle handle;        // what this end calls the other end
    bool connected = false;   // has had its Connect event
    bool closed = false;      // has had its Disconnect event: nothing more is delivered to it
    bool sending = true;      // send() allowed (false after disconnect() or a timeout)
    uint32_t nextSeqOut = 0;  // channel 0 sequence of the last packet sent
    uint32_t lastSeqIn = 0;   // channel 0 sequence of the newest packet delivered
    uint64_t reliableDueMs[kChannelCount] = {};  // arrival of the last reliable packet sent, per channel
    Pcg32 rng;                // decides the fate of what this end sends
};

struct Link {
    uint32_t id = 0;
    LinkConditions conditions;
    bool ownConditions = false;
    bool dead = false;         // timed out: what is sent now goes nowhere
    bool clientAlive = true;   // the LoopbackClient object exists
    LinkEnd ends[2];
    Inbox clientInbox;
    TransportStats clientStats;
};

class LoopbackHub {
public:
    explicit LoopbackHub(const LinkConditions& conditions) : m_defaults(conditions) {}

    void advance(uint64_t nowMs) { m_nowMs = std::max(m_nowMs, nowMs); }
    uint64_t nowMs() const { return m_nowMs; }
    const LoopbackCounters& counters() const { return m_counters; }

    uint32_t createLink(const LinkConditions* own) {
        uint32_t id = m_nextLink++;
        Link& link = m_links[id];
        link.id = id;
        link.ownConditions = own != nullptr;
        link.conditions = own ? *own : m_defaults;
        link.ends[kClientSide].handle = PeerHandle{m_nextHandle++};
        link.ends[kServerSide].handle = PeerHandle{m_nextHandle++};
        for (Side s : {kClientSide, kServerSide})
            link.ends[s].rng.seed(link.conditions.seed, uint64_t(id) * 2 + s);
        m_serverHandles[link.ends[kServerSide].handle.v] = id;

        // The connect request is reliable: it may be delayed by retransmission or time out.
        if (!m_serverAlive) {
            timeOut(link, m_nowMs + kLoopbackTimeoutMs);
            return id;
        }
        Arrival a = reliableArrival(link, kClientSide);
        if (a.timedOut) {
            timeOut(link, a.dueMs);
        } else {
            schedule(link, kServerSide, a.dueMs, TransportEvent::Kind::Connect);
            schedule(link, kClientSide, a.dueMs, TransportEvent::Kind::Connect);
        }
        return id;
    }

    void setDefaults(const LinkConditions& conditions) {
        m_defaults = conditions;
        for (auto& [id, link] : m_links)
            if (!link.ownConditions) link.conditions = conditions;
    }

    void setLinkConditions(uint32_t linkId, const LinkConditions& conditions) {
        if (Link* link = find(linkId)) {
            link->conditions = conditions;
            link->ownConditions = true;
        }
    }

    // --- one end acting ---------------------------------------------------------------------

    bool send(Link* link, Side from, uint8_t channel, std::span<const uint8_t> data) {
        if (!link || channel >= kChannelCount || data.size() > kMaxPacketBytes) return false;
        LinkEnd& end = link->ends[from];
        if (!end.connected || end.closed || !end.sending) return false;

        TransportStats& st = statsOf(*link, from);
        st.packetsOut += 1;
        st.bytesOut += data.size();
        m_counters.sent += 1;
        if (link->dead) return true;  // like ENet before it notices the timeout: queued, never sent

        const LinkConditions& c = link->conditions;
        Side to = other(from);
        if (channel == kChannelState) {
            uint32_t seq = ++end.nextSeqOut;
            countDatagram(st, data.size());
            if (end.rng.chance(c.lossPercent)) {
                m_counters.lost += 1;
            } else {
                uint64_t due = m_nowMs + c.latencyMs + end.rng.upTo(c.jitterMs);
                schedule(*link, to, due, TransportEvent::Kind::Receive, channel, seq, 0, data);
            }
            if (end.rng.chance(c.duplicatePercent)) {
                m_counters.duplicated += 1;
                countDatagram(st, data.size());
                uint64_t due = m_nowMs + c.latencyMs + end.rng.upTo(c.jitterMs);
                schedule(*link, to, due, TransportEvent::Kind::Receive, channel, seq, 0, data);
            }
            return true;
        }

        countDatagram(st, data.size());
        Arrival a = reliableArrival(*link, from);
        if (a.timedOut) {
            timeOut(*link, a.dueMs);
            return true;
        }
        uint64_t due = std::max(a.dueMs, end.reliableDueMs[channel]);  // ordered per channel
        end.reliableDueMs[channel] = due;
        schedule(*link, to, due, TransportEvent::Kind::Receive, channel, 0, 0, data);
        return true;
    }

    void disconnect(Link* link, Side from, uint32_t reason) {
        if (!link) return;
        LinkEnd& end = link->ends[from];
        if (end.closed || !end.sending) return;
        end.sending = false;
        if (link->dead) return;  // the timeout's Disconnect events are already scheduled

        if (!end.connected) {
            // Like ENet, a connection still being made is dropped on the spot; this end learns it
            // at its next service(), before its pending Connect (which is then suppressed).
            schedule(*link, from, m_nowMs, TransportEvent::Kind::Disconnect);
        }
        Arrival a = reliableArrival(*link, from);
        if (a.timedOut) {
            timeOut(*link, a.dueMs);
            return;
        }
        uint64_t due = a.dueMs;  // after every reliable packet this end sent
        for (uint64_t d : end.reliableDueMs) due = std::max(due, d);
        schedule(*link, other(from), due, TransportEvent::Kind::Disconnect, 0, 0, reason);
        // The caller's own Disconnect comes when the other end would have acknowledged it.
        schedule(*link, from, due + link->conditions.latencyMs, TransportEvent::Kind::Disconnect);
    }

    void clientGone(uint32_t linkId) {
        Link* link = find(linkId);
        if (!link) return;
        disconnect(link, kClientSide, 0);
        link->clientAlive = false;
        link->clientInbox.heap.clear();
        collect(linkId);
    }

    void serverGone() {
        for (auto& [id, link] : m_links) disconnect(&link, kServerSide, 0);
        m_serverAlive = false;
        m_serverInbox.heap.clear();
        m_serverHandles.clear();
        std::vector<uint32_t> ids;
        for (auto& [id, link] : m_links) ids.push_back(id);
        for (uint32_t id : ids) collect(id);
    }

    // Hands the deliveries due at nowMs to one end (all links for the server, one for a client).
    // At most maxEvents of them; returns true if it stopped there with more due.
    bool service(Side side, uint32_t clientLink, uint64_t nowMs, std::vector<TransportEvent>& out, size_t maxEvents) {
        advance(nowMs);
        Inbox* inbox = &m_serverInbox;
        if (side == kClientSide) {
            Link* link = find(clientLink);
            if (!link) return false;
            inbox = &link->clientInbox;
        }
        std::vector<uint32_t> closedLinks;
        maxEvents = std::max<size_t>(1, maxEvents);  // as ENet's: at least one
        size_t delivered = 0;
        bool cut = false;
        while (inbox->due(m_nowMs)) {
            if (delivered == maxEvents) {
                cut = true;
                break;
            }
            Delivery d = inbox->pop();
            Link* link = find(d.link);
            if (!link) continue;
            LinkEnd& end = link->ends[side];
            if (end.closed) continue;
            TransportEvent ev;
            ev.kind = d.kind;
            ev.peer = end.handle;
            switch (d.kind) {
            case TransportEvent::Kind::Connect:
                end.connected = true;
                break;
            case TransportEvent::Kind::Receive:
                if (!end.connected) continue;
                if (d.channel == kChannelState) {
                    if (d.seq <= end.lastSeqIn) {  // older than one delivered, or a duplicate
                        m_counters.stale += 1;
                        continue;
                    }
                    end.lastSeqIn = d.seq;
                }
                {
                    TransportStats& st = statsOf(*link, side);
                    st.packetsIn += 1;
                    st.bytesIn += d.data.size();
                    st.datagramsIn += 1;
                    st.wireBytesIn += d.data.size() + kLoopbackWireOverheadBytes;
                }
                m_counters.delivered += 1;
                ev.channel = d.channel;
                ev.data = std::move(d.data);
                break;
            case TransportEvent::Kind::Disconnect:
                end.closed = true;
                end.sending = false;
                closedLinks.push_back(link->id);
                // The server never heard of a connection it had not seen complete (ENet alike).
                if (side == kServerSide && !end.connected) continue;
                ev.reason = d.reason;
                break;
            }
            out.push_back(std::move(ev));
            ++delivered;
        }
        for (uint32_t id : closedLinks) {
            if (Link* link = find(id); link && link->ends[kServerSide].closed)
                m_serverHandles.erase(link->ends[kServerSide].handle.v);
            collect(id);
        }
        return cut;
    }

    // --- lookups ----------------------------------------------------------------------------

    Link* find(uint32_t linkId) {
        auto it = m_links.find(linkId);
        return it == m_links.end() ? nullptr : &it->second;
    }
    const Link* find(uint32_t linkId) const {
        auto it = m_links.find(linkId);
        return it == m_links.end() ? nullptr : &it->second;
    }
    Link* linkOfServerHandle(PeerHandle h) {
        auto it = m_serverHandles.find(h.v);
        return it == m_serverHandles.end() ? nullptr : find(it->second);
    }
    const Link* linkOfServerHandle(PeerHandle h) const {
        auto it = m_serverHandles.find(h.v);
        return it == m_serverHandles.end() ? nullptr : find(it->second);
    }
    const TransportStats& serverStats() const { return m_serverStats; }

    static uint32_t roundTripMs(const Link& link) {
        return 2 * link.conditions.latencyMs + link.conditions.jitterMs;  // mean of two one-way jitters
    }

private:
    struct Arrival {
        uint64_t dueMs = 0;
        bool timedOut = false;
    };

    // When a reliable message sent now by `from` arrives: every simulated loss adds a retransmit
    // timeout that doubles each time (ENet's backoff); past kLoopbackTimeoutMs the link times out.
    Arrival reliableArrival(Link& link, Side from) {
        const LinkConditions& c = link.conditions;
        Pcg32& rng = link.ends[from].rng;
        uint64_t waited = 0;
        uint64_t rto = std::max<uint64_t>(2ull * (c.latencyMs + c.jitterMs), kMinRetransmitMs);
        while (rng.chance(c.lossPercent)) {
            m_counters.retransmits += 1;
            waited += rto;
            rto *= 2;
            if (waited >= kLoopbackTimeoutMs) return {m_nowMs + kLoopbackTimeoutMs, true};
        }
        return {m_nowMs + waited + c.latencyMs + rng.upTo(c.jitterMs), false};
    }

    void timeOut(Link& link, uint64_t atMs) {
        link.dead = true;
        for (Side s : {kClientSide, kServerSide}) {
            link.ends[s].sending = false;
            schedule(link, s, atMs, TransportEvent::Kind::Disconnect);
        }
    }

    void schedule(Link& link, Side to, uint64_t dueMs, TransportEvent::Kind kind, uint8_t channel = 0,
                  uint32_t seq = 0, uint32_t reason = 0, std::span<const uint8_t> data = {}) {
        if (to == kServerSide && !m_serverAlive) return;
        if (to == kClientSide && !link.clientAlive) return;
        Delivery d;
        d.dueMs = dueMs;
        d.order = m_order++;
        d.link = link.id;
        d.kind = kind;
        d.channel = channel;
        d.seq = seq;
        d.reason = reason;
        d.data.assign(data.begin(), data.end());
        (to == kServerSide ? m_serverInbox : link.clientInbox).push(std::move(d));
    }

    TransportStats& statsOf(Link& link, Side side) {
        return side == kServerSide ? m_serverStats : link.clientStats;
    }
    static void countDatagram(TransportStats& st, size_t bytes) {
        st.datagramsOut += 1;
        st.wireBytesOut += bytes + kLoopbackWireOverheadBytes;
    }

    // Forgets a link nobody can hear from any more.
    void collect(uint32_t linkId) {
        Link* link = find(linkId);
        if (!link) return;
        bool serverDone = link->ends[kServerSide].closed || !m_serverAlive;
        if (serverDone && !link->clientAlive) {
            m_serverHandles.erase(link->ends[kServerSide].handle.v);
            m_links.erase(linkId);
        }
    }

    LinkConditions m_defaults;
    uint64_t m_nowMs = 0;
    uint64_t m_order = 0;
    uint32_t m_nextHandle = 1;
    uint32_t m_nextLink = 1;
    bool m_serverAlive = true;
    std::map<uint32_t, Link> m_links;  // by id; std::map keeps Link addresses stable
    std::unordered_map<uint32_t, uint32_t> m_serverHandles;  // server's handle -> link id
    Inbox m_serverInbox;
    TransportStats m_serverStats;
    LoopbackCounters m_counters;
};

}  // namespace detail

using detail::kClientSide;
using detail::kServerSide;

// --- server end ------------------------------------------------------------------------------

namespace {

class LoopbackServer final : public Transport {
public:
    explicit LoopbackServer(std::shared_ptr<detail::LoopbackHub> hub) : m_hub(std::move(hub)) {}
    ~LoopbackServer() override { m_hub->serverGone(); }

    bool send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) override {
        return m_hub->send(m_hub->linkOfServerHandle(peer), kServerSide, channel, data);
    }
    bool service(uint64_t nowMs, std::vector<TransportEvent>& out, uint32_t /*waitMs*/, size_t maxEvents) override {
        return m_hub->service(kServerSide, 0, nowMs, out, maxEvents);
    }
    void flush() override {}
    void disconnect(PeerHandle peer, uint32_t reason) override {
        m_hub->disconnect(m_hub->linkOfServerHandle(peer), kServerSide, reason);
    }
    uint32_t roundTripMs(PeerHandle peer) const override {
        const detail::Link* link = m_hub->linkOfServerHandle(peer);
        return link ? detail::LoopbackHub::roundTripMs(*link) : 0;
    }
    TransportStats stats() const override { return m_hub->serverStats(); }

private:
    std::shared_ptr<detail::LoopbackHub> m_hub;
};

}  // namespace

// --- client end ------------------------------------------------------------------------------

LoopbackClient::LoopbackClient(std::shared_ptr<detail::LoopbackHub> hub, uint32_t link)
    : m_hub(std::move(hub)), m_link(link) {}

LoopbackClient::~LoopbackClient() { m_hub->clientGone(m_link); }

bool LoopbackClient::send(PeerHandle peer, uint8_t channel, std::span<const uint8_t> data) {
    detail::Link* link = m_hub->find(m_link);
    if (!link || peer != link->ends[kClientSide].handle) return false;
    return m_hub->send(link, kClientSide, channel, data);
}

bool LoopbackClient::service(uint64_t nowMs, std::vector<TransportEvent>& out, uint32_t /*waitMs*/, size_t maxEvents) {
    return m_hub->service(kClientSide, m_link, nowMs, out, maxEvents);
}

void LoopbackClient::disconnect(PeerHandle peer, uint32_t reason) {
    detail::Link* link = m_hub->find(m_link);
    if (!link || peer != link->ends[kClientSide].handle) return;
    m_hub->disconnect(link, kClientSide, reason);
}

uint32_t LoopbackClient::roundTripMs(PeerHandle peer) const {
    const detail::Link* link = m_hub->find(m_link);
    if (!link || peer != link->ends[kClientSide].handle) return 0;
    return detail::LoopbackHub::roundTripMs(*link);
}

TransportStats LoopbackClient::stats() const {
    const detail::Link* link = m_hub->find(m_link);
    return link ? link->clientStats : TransportStats{};
}

PeerHandle LoopbackClient::serverHandle() const {
    const detail::Link* link = m_hub->find(m_link);
    return link ? link->ends[kClientSide].handle : PeerHandle{};
}

PeerHandle LoopbackClient::handleOnServer() const {
    const detail::Link* link = m_hub->find(m_link);
    return link ? link->ends[kServerSide].handle : PeerHandle{};
}

void LoopbackClient::setConditions(const LinkConditions& conditions) {
    m_hub->setLinkConditions(m_link, conditions);
}

// --- network ---------------------------------------------------------------------------------

LoopbackNetwork::LoopbackNetwork(const LinkConditions& conditions)
    : m_hub(std::make_shared<detail::LoopbackHub>(conditions)),
      m_server(std::make_unique<LoopbackServer>(m_hub)) {}

LoopbackNetwork::~LoopbackNetwork() = default;  // m_server's destructor tells the hub

Transport& LoopbackNetwork::server() { return *m_server; }

std::unique_ptr<LoopbackClient> LoopbackNetwork::connectClient() {
    uint32_t link = m_hub->createLink(nullptr);
    return std::unique_ptr<LoopbackClient>(new LoopbackClient(m_hub, link));
}

std::unique_ptr<LoopbackClient> LoopbackNetwork::connectClient(const LinkConditions& conditions) {
    uint32_t link = m_hub->createLink(&conditions);
    return std::unique_ptr<LoopbackClient>(new LoopbackClient(m_hub, link));
}

void LoopbackNetwork::setConditions(const LinkConditions& conditions) { m_hub->setDefaults(conditions); }

uint64_t LoopbackNetwork::nowMs() const { return m_hub->nowMs(); }

LoopbackCounters LoopbackNetwork::counters() const { return m_hub->counters(); }

}  // namespace net
