// event_server.cpp: sessions, handshake, ticks, snapshots and chat.
#include "server/core/event_server.h"

#include <algorithm>
#include <array>
#include <bitset>

namespace server {

namespace {

constexpr size_t kFrameHistory = 32;  // snapshots kept per client as delta baselines (~1 s)

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

uint64_t tickDueMs(uint64_t base, uint32_t tick) { return base + uint64_t(tick) * 1000 / net::kTickRate; }

}  // namespace

struct EventServer::Session {
    net::PeerHandle peer;
    bool joined = false;
    bool closing = false;
    uint64_t connectedMs = 0;
    net::Participant who;
    net::Bytes presence;           // who, encoded once as PresenceJoin
    // Presence follows interest: a client is told who someone is (PresenceJoin) when that person
    // first appears in its snapshot frame, and told they left only if it was told they came. A
    // full list for every newcomer would cost the square of the crowd (200 MB for 2,000 people).
    std::bitset<size_t(net::kMaxParticipants) + 1> told;
    uint32_t accountId = 0;
    std::deque<net::MoveInput> inputs;
    uint32_t lastInputSeq = 0;     // newest input seq received
    uint32_t lastAppliedSeq = 0;   // newest input seq applied
    uint32_t ackedTick = 0;        // newest snapshot tick the client decoded
    std::array<net::SnapshotFrame, kFrameHistory> sent{};  // by tick % kFrameHistory
    InterestClient interest;       // what this client knows of the others (interest.h)
    double chatTokens = 0;
    uint64_t chatLastMs = 0;
};

// The docking service's view of the server: send to one participant, move them, see where they are.
struct EventServer::DockLink final : DockingLink {
    EventServer& server;
    explicit DockLink(EventServer& s) : server(s) {}
    void send(net::ParticipantId to, const net::Bytes& packet) override {
        if (const Session* s = to.v <= net::kMaxParticipants ? server.m_byId[to.v] : nullptr; s && !s->closing)
            server.m_transport.send(s->peer, net::kChannelEvents, packet);
    }
    void teleport(net::ParticipantId who, net::Vec2 to) override { server.m_hall.teleport(who, to); }
    std::optional<net::Vec2> position(net::ParticipantId who) const override {
        const net::AvatarState* a = server.m_hall.find(who);
        if (!a) return std::nullopt;
        return net::Vec2{a->x, a->z};
    }
};

// The asset service's view of the server: send on the assets channel.
struct EventServer::AssetLinkImpl final : AssetLink {
    EventServer& server;
    explicit AssetLinkImpl(EventServer& s) : server(s) {}
    void send(net::ParticipantId to, const net::Bytes& packet) override {
        if (const Session* s = to.v <= net::kMaxParticipants ? server.m_byId[to.v] : nullptr; s && !s->closing)
            server.m_transport.send(s->peer, net::kChannelAssets, packet);
    }
    void broadcast(const net::Bytes& packet) override { server.broadcast(packet, net::kChannelAssets); }
    void addExhibit(uint16_t booth, const net::Exhibit& exhibit) override { server.m_hall.addExhibit(booth, exhibit); }
};

EventServer::EventServer(const ServerDesc& desc, const net::EventLayout& layout, net::Transport& transport,
                         EventStore* store)
    : m_desc(desc), m_transport(transport), m_store(store), m_hall(layout), m_interest(desc.interest) {
    // Exhibits uploaded in an earlier run stand where they were put.
    if (m_store)
        for (const auto& [booth, exhibit] : m_store->uploadedExhibits()) m_hall.addExhibit(booth, exhibit);
    m_dockLink = std::make_unique<DockLink>(*this);
    m_docking = std::make_unique<DockingService>(m_desc.docking, m_hall.layout(), m_store, *m_dockLink);
    m_assetLink = std::make_unique<AssetLinkImpl>(*this);
    m_assets = std::make_unique<AssetService>(m_desc.assets, m_hall.layout(), *m_assetLink, m_store);
    m_byId.assign(size_t(net::kMaxParticipants) + 1, nullptr);
    m_desc.maxParticipants = std::clamp<uint16_t>(m_desc.maxParticipants, 1, net::kMaxParticipants);
    for (uint16_t i = 1; i <= net::kMaxParticipants; ++i) m_freeIds.push_back(i);
    if (m_store) m_lastChatId = m_store->lastChatId();
}

EventServer::~EventServer() = default;

int EventServer::update(const Now& now) {
    if (!m_started) {
        m_started = true;
        m_tickBaseMs = now.monoMs;
        m_nextTickMs = now.monoMs;
    }
    m_events.clear();
    m_transport.service(now.monoMs, m_events, 0);
    for (auto& ev : m_events) {
        switch (ev.kind) {
            case net::TransportEvent::Kind::Connect: onConnect(ev.peer, now); break;
            case net::TransportEvent::Kind::Disconnect: onDisconnect(ev.peer, now); break;
            case net::TransportEvent::Kind::Receive: onPacket(ev.peer, ev.channel, ev.data, now); break;
        }
    }
    // Drop connections that never completed the handshake.
    for (auto& [handle, s] : m_sessions) {
        if (!s->joined && !s->closing && now.monoMs - s->connectedMs > m_desc.handshakeTimeoutMs) {
            s->closing = true;
            m_transport.disconnect(s->peer, uint32_t(net::RefuseReason::Count) + 1);
        }
    }
    // After a long stall (debugger, suspended VM), skip ahead rather than spiral.
    if (now.monoMs > m_nextTickMs + 1000) m_tickBaseMs = now.monoMs - uint64_t(m_tick) * 1000 / net::kTickRate;
    int ticks = 0;
    while (now.monoMs >= tickDueMs(m_tickBaseMs, m_tick)) {
        runTick(now);
        ++ticks;
        ++m_tick;
    }
    m_nextTickMs = tickDueMs(m_tickBaseMs, m_tick);
    if (ticks) m_transport.flush();
    return ticks;
}

void EventServer::shutdown() {
    for (auto& [handle, s] : m_sessions) {
        if (s->closing) continue;
        refuse(*s, net::RefuseReason::ServerShutdown, "The event server is shutting down. 活动服务器正在关闭。");
    }
    m_transport.flush();
}

void EventServer::onConnect(net::PeerHandle peer, const Now& now) {
    auto s = std::make_unique<Session>();
    s->peer = peer;
    s->connectedMs = now.monoMs;
    m_sessions[peer.v] = std::move(s);
}

void EventServer::onDisconnect(net::PeerHandle peer, const Now& now) {
    auto it = m_sessions.find(peer.v);
    if (it == m_sessions.end()) return;
    Session& s = *it->second;
    if (s.joined) {
        m_hall.remove(s.who.id);
        m_byId[s.who.id.v] = nullptr;
        --m_joinedCount;
        m_freeIds.push_back(s.who.id.v);  // FIFO: an id is reused as late as possible
        if (m_store) m_store->recordLeave(s.accountId, now.unixMs);
        m_docking->onLeave(s.who.id, now.unixMs);
        m_assets->onLeave(s.who.id);
        net::Bytes leave = net::encode(net::PresenceLeave{s.who.id});
        s.joined = false;
        m_peersScratch.clear();
        for (Session* o : m_byId) {
            if (!o || o == &s || !o->told.test(s.who.id.v)) continue;
            o->told.reset(s.who.id.v);
            if (!o->closing) m_peersScratch.push_back(o->peer);
        }
        m_transport.sendToMany(m_peersScratch, net::kChannelEvents, leave);
    }
    m_sessions.erase(it);
    m_stats.participants = m_joinedCount;
}

void EventServer::onPacket(net::PeerHandle peer, uint8_t channel, const std::vector<uint8_t>& data, const Now& now) {
    auto it = m_sessions.find(peer.v);
    if (it == m_sessions.end()) return;
    Session& s = *it->second;
    if (s.closing) return;
    uint16_t helloVersion = 0;
    if (!s.joined && channel == net::kChannelEvents && net::peekHelloVersion(data, helloVersion)) {
        onHello(s, data, now);  // also another protocol version's Hello, refused in words
        return;
    }
    auto type = net::peekType(data);
    if (!type) { ++m_stats.malformedPackets; return; }
    if (!s.joined) {
        if (*type == net::MsgType::Hello && channel == net::kChannelEvents) onHello(s, data, now);
        else ++m_stats.malformedPackets;
        return;
    }
    switch (*type) {
        case net::MsgType::Input: onInput(s, data); break;
        case net::MsgType::ChatSend: onChat(s, data, now); break;
        default:
            if (net::isAssetType(*type)) {
                if (!m_assets->onMessage(s.who.id, *type, data, now.unixMs)) ++m_stats.malformedPackets;
            } else if (!net::isDockingType(*type) || !m_docking->onMessage(s.who.id, *type, data, now.unixMs)) {
                ++m_stats.malformedPackets;
            }
            break;  // server-to-client types, or a second Hello
    }
}

void EventServer::refuse(Session& s, net::RefuseReason reason, const std::string& text) {
    ++m_stats.refusedJoins;
    m_transport.send(s.peer, net::kChannelEvents, net::encode(net::Refuse{reason, text}));
    m_transport.disconnect(s.peer, uint32_t(reason) + 1);
    s.closing = true;
}

void EventServer::notice(Session& s, net::NoticeCode code, const std::string& text) {
    m_transport.send(s.peer, net::kChannelEvents, net::encode(net::Notice{code, text}));
}

net::ParticipantId EventServer::allocateId() {
    uint16_t id = m_freeIds.front();
    m_freeIds.pop_front();
    return {id};
}

void EventServer::onHello(Session& s, const std::vector<uint8_t>& data, const Now& now) {
    uint16_t version = 0;
    if (!net::peekHelloVersion(data, version)) { ++m_stats.malformedPackets; return; }
    if (version != net::kProtocolVersion) {
        refuse(s, net::RefuseReason::VersionMismatch,
               "This hall speaks Dockhall protocol " + std::to_string(net::kProtocolVersion) + "; your client speaks " +
                   std::to_string(version) + ". Please install the matching Dockhall version. 客户端与会场协议版本不一致（会场 " +
                   std::to_string(net::kProtocolVersion) + "，客户端 " + std::to_string(version) + "），请安装匹配的版本。");
        return;
    }
    net::Hello hello;
    if (!net::decode(data, hello)) { ++m_stats.malformedPackets; return; }
    hello.name = trim(hello.name);
    hello.org = trim(hello.org);
    if (hello.name.empty()) {
        refuse(s, net::RefuseReason::BadName, "Please enter your name. 请输入姓名。");
        return;
    }
    if (hello.role == net::Role::Organizer && !m_desc.organizerPassword.empty() &&
        hello.password != m_desc.organizerPassword) {
        refuse(s, net::RefuseReason::BadCredentials,
               "Wrong organizer password; join as attendee or ask the event's organizers. 主办方密码错误。");
        return;
    }
    if (m_joinedCount >= m_desc.maxParticipants || m_freeIds.empty()) {
        refuse(s, net::RefuseReason::HallFull,
               "The hall is full (" + std::to_string(m_desc.maxParticipants) +
                   " people). Please try again later. 会场已满，请稍后再试。");
        return;
    }
    if (m_store) {
        auto rec = m_store->recordJoin(hello.name, hello.org, hello.role, now.unixMs);
        if (rec) s.accountId = rec->accountId;
    }
    s.joined = true;
    s.who = {allocateId(), hello.name, hello.org, hello.role};
    s.chatTokens = m_desc.chatBurst;
    s.chatLastMs = now.monoMs;
    m_hall.spawn(s.who.id);
    m_byId[s.who.id.v] = &s;
    m_stats.participants = ++m_joinedCount;

    net::Welcome w;
    w.you = s.who.id;
    w.role = s.who.role;
    w.serverTick = m_tick;
    w.event = m_hall.layout();
    m_transport.send(s.peer, net::kChannelEvents, net::encode(w));
    // Who you are, then recent chat; the others learn of the newcomer (and it of them) as they
    // enter each other's interest (sendSnapshot).
    s.presence = net::encode(s.who);
    m_transport.send(s.peer, net::kChannelEvents, s.presence);
    s.told.set(s.who.id.v);
    if (m_store)
        for (const auto& line : m_store->recentChat(m_desc.chatHistory))
            m_transport.send(s.peer, net::kChannelEvents, net::encode(line));
    m_docking->onJoin({s.who.id, s.accountId, s.who.name, s.who.org, s.who.role}, now.unixMs);
    m_assets->onJoin(s.who.id, s.who.org, s.who.role);
}

void EventServer::onInput(Session& s, const std::vector<uint8_t>& data) {
    net::Input in;
    if (!net::decode(data, in)) { ++m_stats.malformedPackets; return; }
    // Acks only move forward, and only to ticks we actually sent.
    if (in.ackSnapshot > s.ackedTick && in.ackSnapshot <= m_tick) s.ackedTick = in.ackSnapshot;
    for (const auto& mi : in.inputs) {
        if (mi.seq <= s.lastInputSeq) continue;  // redundant copy of an input we have
        // A gap larger than the redundancy means inputs were lost; accept and move on.
        s.lastInputSeq = mi.seq;
        ++m_stats.inputsReceived;
        s.inputs.push_back(mi);
    }
    while (s.inputs.size() > m_desc.maxQueuedInputs) {
        s.lastAppliedSeq = s.inputs.front().seq;
        s.inputs.pop_front();
    }
}

void EventServer::onChat(Session& s, const std::vector<uint8_t>& data, const Now& now) {
    net::ChatSend msg;
    if (!net::decode(data, msg)) { ++m_stats.malformedPackets; return; }
    std::string text = trim(msg.text);
    if (text.empty()) {
        notice(s, net::NoticeCode::ChatEmpty, "Nothing to send. 消息为空。");
        return;
    }
    if (text.size() > net::kMaxChatBytes) {
        notice(s, net::NoticeCode::ChatTooLong,
               "Message too long (" + std::to_string(text.size()) + " bytes, at most " + std::to_string(net::kMaxChatBytes) +
                   "); please shorten it. 消息过长，请缩短。");
        return;
    }
    // Token bucket: chatBurst lines at once, one more every chatRefillMs.
    s.chatTokens = std::min<double>(m_desc.chatBurst,
                                    s.chatTokens + double(now.monoMs - s.chatLastMs) / double(m_desc.chatRefillMs));
    s.chatLastMs = now.monoMs;
    if (s.chatTokens < 1.0) {
        uint64_t waitMs = uint64_t((1.0 - s.chatTokens) * m_desc.chatRefillMs) + 1;
        notice(s, net::NoticeCode::ChatRateLimited,
               "You are sending messages too fast; wait " + std::to_string((waitMs + 999) / 1000) + " s. 发送过快，请稍候。");
        return;
    }
    s.chatTokens -= 1.0;
    net::ChatLine line{++m_lastChatId, s.who.id, s.who.name, s.who.org, now.unixMs, text};
    // Durable before anyone sees it: the echo to the sender is its acknowledgement.
    if (m_store && !m_store->appendChat(line)) {
        --m_lastChatId;
        notice(s, net::NoticeCode::Info, "The message could not be saved; please try again. 消息未能保存，请重试。");
        return;
    }
    ++m_stats.chatLines;
    broadcast(net::encode(line), net::kChannelEvents);
}

void EventServer::runTick(const Now& now) {
    m_docking->update(now.unixMs);
    // Dense by participant id: a stable order and no hash-map walk.
    for (Session* sp : m_byId) {
        if (!sp) continue;
        Session& s = *sp;
        if (!s.inputs.empty()) {
            net::MoveInput mi = s.inputs.front();
            s.inputs.pop_front();
            m_hall.apply(s.who.id, mi, net::kTickSeconds);
            s.lastAppliedSeq = mi.seq;
            ++m_stats.inputsApplied;
        } else if (const net::AvatarState* a = m_hall.find(s.who.id); a && a->anim != net::Anim::Idle) {
            // No input this tick: stand still rather than guess.
            net::MoveInput idle;
            idle.yaw = a->yaw;
            m_hall.apply(s.who.id, idle, net::kTickSeconds);
        }
    }
    m_interest.update(m_hall.avatars(), m_hall.layout().hallSize);
    for (Session* sp : m_byId)
        if (sp && !sp->closing) sendSnapshot(*sp);
    m_assets->update();  // after the snapshots: downloads take what the tick's budget leaves
    m_stats.avatarsInFrames += m_interest.stats().avatarsInFrames;
    m_stats.avatarsRefreshed += m_interest.stats().avatarsRefreshed;
}

void EventServer::sendSnapshot(Session& s) {
    net::SnapshotMsg msg;
    msg.tick = m_tick + 1;  // tick 0 is reserved for "no baseline"
    msg.lastInput = s.lastAppliedSeq;
    const net::SnapshotFrame* base = nullptr;
    if (s.ackedTick != 0 && msg.tick - s.ackedTick < kFrameHistory) {
        const net::SnapshotFrame& f = s.sent[s.ackedTick % kFrameHistory];
        if (f.tick == s.ackedTick) base = &f;
    }
    msg.baselineTick = base ? base->tick : 0;
    // Build the frame in its history slot (reusing its storage); the baseline is another slot.
    net::SnapshotFrame& slot = s.sent[msg.tick % kFrameHistory];
    slot.tick = 0;
    m_interest.build(s.interest, s.who.id, base, msg.tick, slot);
    // Tell who someone is before (or with) the first snapshot that shows them. Reliable and
    // unreliable channels may cross; the client shows an avatar without a name until it knows.
    for (const net::AvatarState& a : slot.avatars) {
        if (s.told.test(a.id.v)) continue;
        if (const Session* o = m_byId[a.id.v]) {
            m_transport.send(s.peer, net::kChannelEvents, o->presence);
            s.told.set(a.id.v);
        }
    }
    msg.people = uint16_t(m_joinedCount);
    msg.frame.tick = msg.tick;
    msg.frame.avatars.swap(slot.avatars);
    net::Bytes packet = net::encodeSnapshot(msg, base);
    slot.avatars.swap(msg.frame.avatars);
    if (packet.empty()) return;
    slot.tick = msg.tick;
    ++m_stats.snapshotsSent;
    m_stats.snapshotBytes += packet.size();
    m_transport.send(s.peer, net::kChannelState, packet);
}

void EventServer::broadcast(const net::Bytes& packet, uint8_t channel, const Session* except) {
    if (packet.empty()) return;
    m_peersScratch.clear();
    for (const Session* s : m_byId)
        if (s && !s->closing && s != except) m_peersScratch.push_back(s->peer);
    m_transport.sendToMany(m_peersScratch, channel, packet);
}

}  // namespace server
