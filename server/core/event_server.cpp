// event_server.cpp: sessions, handshake, ticks, snapshots and chat.
#include "server/core/event_server.h"
#include "server/core/frame_history.h"

#include <algorithm>
#include <array>
#include <bitset>

#include "net/protocol/present_msgs.h"

namespace server {

namespace {

constexpr size_t kChatKeptLines = 256;  // the newest hall chat lines kept for the snapshots
constexpr uint32_t kChatResendTicks = 4;  // lines in flight go again after this, unless new ones go sooner
constexpr uint32_t kInputSlackTicks = net::kTickRate / 2;  // the window SnapshotMsg::inputSlack is the least over
static_assert(FrameHistory::kFrames <= size_t(net::kMaxBaselineAge), "a baseline older than the wire can name");

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
    std::unique_ptr<net::Hello> hello;  // an e-mail + password sign-in in progress
    uint64_t signInAtMs = 0;            // not started before (throttling)
    uint64_t signInTicket = 0;          // its password check, while the worker has it
    std::optional<AccountRow> account;  // the account it signs in to (none: registering)
    std::string address;                // the peer's address, for the address throttle
    std::deque<net::MoveInput> inputs;
    uint32_t lastInputSeq = 0;     // newest input seq received
    uint32_t lastAppliedSeq = 0;   // newest input seq applied
    // The fewest inputs left waiting after a tick this half second, and that of the last half
    // second (SnapshotMsg::inputSlack): the queue's depth beyond what the arrivals' jitter needs.
    size_t inputLow = SIZE_MAX;
    uint8_t inputSlack = 0;
    uint32_t ackedTick = 0;        // newest snapshot tick the client decoded
    // Hall chat on the snapshots (protocol 10): the lines after chatAcked go with its snapshot
    // packets until its Input says it has them (ackChat).
    uint32_t chatAcked = 0;        // the client has every line up to this id
    uint32_t chatSentMax = 0;      // the newest line a packet has carried to it
    uint32_t chatSentTick = 0;     // when a packet last carried chat to it
    FrameHistory sent;             // what it was sent, the baselines (frame_history.h)
    InterestClient interest;       // what this client knows of the others (interest.h)
    net::Bytes snapshot;           // this tick's snapshot packet, built (empty: none to send)
    uint8_t snapshotFrames = 0;    // ... the ticks it carries (two: the tick before's and this one's)
    net::Bytes second;             // scratch: the packet's second snapshot, coded
    uint32_t builtTick = 0;        // the newest tick a snapshot packet carried (0: none yet)
    uint32_t appliedBefore = 0;    // lastAppliedSeq before this tick's inputs (the tick before's)
    std::vector<uint16_t> toTell;  // ... and the people in it the client must first be told of
    struct Bucket {
        double tokens = 0;
        uint64_t lastMs = 0;
    };
    std::array<Bucket, size_t(RateClass::Count)> buckets{};  // by RateClass, filled on joining
    double strikes = 0;            // refused messages, forgiven one a second
    uint64_t strikeMs = 0;
    uint64_t windowMs = 0;         // the current one-second packet window ...
    uint32_t windowPackets = 0;    // ... and the packets in it
};

// The docking service's view of the server: send to one participant, move them, see where they are.
struct EventServer::DockLink final : DockingLink {
    EventServer& server;
    explicit DockLink(EventServer& s) : server(s) {}
    void send(net::ParticipantId to, const net::Bytes& packet) override { server.sendTo(to, net::kChannelEvents, packet); }
    void teleport(net::ParticipantId who, net::Vec2 to) override { server.m_hall.teleport(who, to); }
    std::optional<net::Vec2> position(net::ParticipantId who) const override {
        const net::AvatarState* a = server.m_hall.find(who);
        if (!a) return std::nullopt;
        return net::Vec2{a->x, a->z};
    }
};

// The stage service's view of the server: send, move, remove, change a role, keep people in view.
struct EventServer::StageHook final : StageLink {
    EventServer& server;
    explicit StageHook(EventServer& s) : server(s) {}
    Session* find(net::ParticipantId who) const { return server.liveSession(who); }
    void send(net::ParticipantId to, const net::Bytes& packet) override { server.sendTo(to, net::kChannelEvents, packet); }
    void sendBulk(net::ParticipantId to, const net::Bytes& packet) override { server.sendTo(to, net::kChannelAssets, packet); }
    void teleport(net::ParticipantId who, net::Vec2 to) override { server.m_hall.teleport(who, to); }
    std::optional<net::Vec2> position(net::ParticipantId who) const override {
        const net::AvatarState* a = server.m_hall.find(who);
        if (!a) return std::nullopt;
        return net::Vec2{a->x, a->z};
    }
    void remove(net::ParticipantId who, net::RefuseReason reason, const std::string& text) override {
        Session* s = find(who);
        if (!s) return;
        server.m_transport.send(s->peer, net::kChannelEvents, net::encode(net::Refuse{reason, text}));
        server.m_transport.disconnect(s->peer, uint32_t(reason) + 1);
        s->closing = true;
    }
    void setRole(net::ParticipantId who, net::Role role) override {
        Session* s = find(who);
        if (!s) return;
        s->who.role = role;
        s->presence = net::encode(s->who);
        for (Session* o : server.m_byId)
            if (o && !o->closing && o->told.test(who.v)) server.m_transport.send(o->peer, net::kChannelEvents, s->presence);
    }
    void setAlwaysRelevant(std::span<const net::ParticipantId> ids) override { server.m_interest.setAlwaysRelevant(ids); }
};

// The asset service's view of the server: send on the assets channel.
struct EventServer::AssetLinkImpl final : AssetLink {
    EventServer& server;
    explicit AssetLinkImpl(EventServer& s) : server(s) {}
    void send(net::ParticipantId to, const net::Bytes& packet) override { server.sendTo(to, net::kChannelAssets, packet); }
    void broadcast(const net::Bytes& packet) override { server.broadcast(packet, net::kChannelAssets); }
    void addExhibit(uint16_t booth, const net::Exhibit& exhibit) override { server.m_hall.addExhibit(booth, exhibit); }
};

EventServer::EventServer(const ServerDesc& desc, const net::EventLayout& layout, net::Transport& transport,
                         EventStore* store)
    : m_desc(desc), m_transport(transport), m_store(store), m_hall(layout), m_interest(desc.interest),
      m_accountThrottle(desc.accountThrottle), m_addressThrottle(desc.addressThrottle) {
    // Exhibits uploaded in an earlier run stand where they were put.
    if (m_store)
        for (const auto& [booth, exhibit] : m_store->uploadedExhibits()) m_hall.addExhibit(booth, exhibit);
    m_dockLink = std::make_unique<DockLink>(*this);
    m_passwords = std::make_unique<PasswordWorker>(desc.passwordThread);
    m_docking = std::make_unique<DockingService>(m_desc.docking, m_hall.layout(), m_store, *m_dockLink);
    m_present = std::make_unique<PresentService>(m_hall.layout(), *m_dockLink);
    m_stageLink = std::make_unique<StageHook>(*this);
    m_stage = std::make_unique<StageService>(m_desc.stage, m_hall.layout(), m_store, *m_stageLink);
    m_assetLink = std::make_unique<AssetLinkImpl>(*this);
    m_assets = std::make_unique<AssetService>(m_desc.assets, m_hall.layout(), *m_assetLink, m_store);
    m_byId.assign(size_t(net::kMaxParticipants) + 1, nullptr);
    m_workers = std::make_unique<WorkerPool>(m_desc.snapshotThreads);
    m_interest.setWorkers(m_workers->size());
    m_desc.maxParticipants = std::clamp<uint16_t>(m_desc.maxParticipants, 1, net::kMaxParticipants);
    for (uint16_t i = 1; i <= net::kMaxParticipants; ++i) m_freeIds.push_back(i);
    if (m_store) m_lastChatId = m_store->lastChatId();
}

EventServer::~EventServer() = default;

int EventServer::update(const Now& now) {
    receive(now);
    const int ticks = runDueTicks(now);
    if (ticks) {
        flush();
        if (m_readLeft) receive(now);  // no tick due now: the rest of the burst
    }
    return ticks;
}

void EventServer::receive(const Now& now) {
    if (!m_started) {
        m_started = true;
        m_tickBaseMs = now.monoMs;
        m_nextTickMs = now.monoMs;
    }
    // Ticks due now (more than one after a stall): each will take an input from every queue, so a
    // queue may hold that many more of what arrived meanwhile before anything is dropped.
    const uint64_t due = tickDueMs(m_tickBaseMs, m_tick);
    m_ticksDue = now.monoMs >= due ? uint32_t(std::min<uint64_t>(30, 1 + (now.monoMs - due) * net::kTickRate / 1000)) : 0;
    m_events.clear();
    const size_t limit = m_ticksDue && m_desc.tickReadPackets ? m_desc.tickReadPackets : net::Transport::kAllEvents;
    m_readLeft = m_transport.service(now.monoMs, m_events, 0, limit);
    m_stats.readsCut += m_readLeft && limit != net::Transport::kAllEvents;
    for (auto& ev : m_events) {
        switch (ev.kind) {
            case net::TransportEvent::Kind::Connect: onConnect(ev.peer, now); break;
            case net::TransportEvent::Kind::Disconnect: onDisconnect(ev.peer, now); break;
            case net::TransportEvent::Kind::Receive: onPacket(ev.peer, ev.channel, ev.data, now); break;
        }
    }
    // Password checks the worker finished, then sign-ins whose throttle delay is over (Argon2id
    // costs tens of ms: it runs on the worker, never in the tick).
    m_checked.clear();
    m_passwords->poll(m_checked);
    for (const auto& r : m_checked) {
        auto it = m_passwordChecks.find(r.ticket);
        if (it == m_passwordChecks.end()) continue;  // the peer left meanwhile
        Session* s = it->second;
        m_passwordChecks.erase(it);
        s->signInTicket = 0;
        if (!s->closing && s->hello) finishSignIn(*s, r, now);
    }
    for (size_t i = 0; i < m_signIns.size() && m_passwordChecks.size() < m_desc.maxPasswordChecksQueued;) {
        Session* s = m_signIns[i];
        if (s->signInAtMs > now.monoMs) { ++i; continue; }
        m_signIns.erase(m_signIns.begin() + long(i));
        if (!s->closing && s->hello) startSignIn(*s, now);
    }
    // Drop connections that never completed the handshake (a sign-in waiting out its throttle
    // delay has completed it: its answer is due).
    // Only the connections not joined yet are walked (a crowd's thousands of sessions, each a
    // cache miss, cost more than the rest of a quiet receive).
    for (size_t i = 0; i < m_handshaking.size();) {
        Session* s = m_handshaking[i];
        if (!s->joined && !s->closing && !s->hello && now.monoMs - s->connectedMs > m_desc.handshakeTimeoutMs) {
            s->closing = true;
            m_transport.disconnect(s->peer, uint32_t(net::RefuseReason::Count) + 1);
        }
        if (s->joined || s->closing) {
            m_handshaking[i] = m_handshaking.back();
            m_handshaking.pop_back();
        } else {
            ++i;
        }
    }
}

int EventServer::runDueTicks(const Now& now) {
    if (!m_started) return 0;  // receive() starts the clock
    // After a long stall (debugger, suspended VM), skip ahead rather than spiral.
    if (now.monoMs > m_nextTickMs + 1000) m_tickBaseMs = now.monoMs - uint64_t(m_tick) * 1000 / net::kTickRate;
    int ticks = 0;
    while (now.monoMs >= tickDueMs(m_tickBaseMs, m_tick)) {
        // Catching up, each tick first takes what arrived during the one before: read once for a
        // run of ticks, the inputs that came meanwhile would arrive as one burst after it, more
        // than the queues hold.
        if (ticks > 0) receive(now);
        // A tick with another already due after it moves everyone but builds no snapshots: they
        // would leave with the next tick's, in the same flush, already a tick old. A server
        // behind time spends it on catching up instead (snapshot work is most of a tick), so an
        // overloaded hall sends fewer snapshots rather than falling further and further behind.
        const bool last = now.monoMs < tickDueMs(m_tickBaseMs, m_tick + 1);
        if (!last) ++m_stats.ticksWithoutSnapshots;
        runTick(now, last);
        ++ticks;
        ++m_tick;
    }
    m_nextTickMs = tickDueMs(m_tickBaseMs, m_tick);
    return ticks;
}

void EventServer::flush() { m_transport.flush(); }

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
    m_handshaking.push_back(s.get());
    m_sessions[peer.v] = std::move(s);
}

void EventServer::onDisconnect(net::PeerHandle peer, const Now& now) {
    auto it = m_sessions.find(peer.v);
    if (it == m_sessions.end()) return;
    Session& s = *it->second;
    std::erase(m_handshaking, &s);
    if (s.hello) std::erase(m_signIns, &s);
    if (s.signInTicket) m_passwordChecks.erase(s.signInTicket);
    if (s.joined) {
        m_hall.remove(s.who.id);
        m_byId[s.who.id.v] = nullptr;
        --m_joinedCount;
        m_freeIds.push_back(s.who.id.v);  // FIFO: an id is reused as late as possible
        if (m_store) m_store->recordLeave(s.accountId, now.unixMs);
        m_docking->onLeave(s.who.id, now.unixMs);
        m_present->onLeave(s.who.id);
        m_stage->onLeave(s.who.id, now.unixMs);
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
    if (!admitPacket(s, channel, data, now)) return;
    if (!s.joined) {
        onHello(s, data, now);  // also another protocol version's Hello, refused in words
        return;
    }
    switch (*net::peekType(data)) {
        case net::MsgType::Input: onInput(s, data); break;
        case net::MsgType::ChatSend: onChat(s, data, now); break;
        default:
        {
            // admitPacket let it through: a client message with a row in the permissions table.
            const net::MsgType type = *net::peekType(data);
            const bool handled = net::isPresentType(type) ? m_present->onMessage(s.who.id, type, data)
                                 : net::isStageType(type) ? m_stage->onMessage(s.who.id, type, data, now.unixMs)
                                 : net::isAssetType(type) ? m_assets->onMessage(s.who.id, type, data, now.unixMs)
                                                          : m_docking->onMessage(s.who.id, type, data, now.unixMs);
            if (!handled) ++m_stats.malformedPackets;
            break;
        }
    }
}

bool EventServer::admitPacket(Session& s, uint8_t channel, const std::vector<uint8_t>& data, const Now& now) {
    // A flood is judged on packets, before anything is decoded: far more than any client sends.
    if (now.monoMs - s.windowMs >= 1000) {
        s.windowMs = now.monoMs;
        s.windowPackets = 0;
    }
    if (++s.windowPackets > m_desc.maxPacketsPerSecond) {
        cutOff(s, "more than " + std::to_string(m_desc.maxPacketsPerSecond) + " messages in one second");
        return false;
    }
    const SessionPhase phase = s.joined ? SessionPhase::Joined : SessionPhase::Handshake;
    uint16_t helloVersion = 0;
    std::optional<net::MsgType> type = net::peekType(data);
    if (phase == SessionPhase::Handshake && net::peekHelloVersion(data, helloVersion)) type = net::MsgType::Hello;  // any version
    const MessageRule* rule = type ? ruleFor(*type) : nullptr;
    if (!rule || rule->phase != phase || rule->channel != channel) {
        // Not a message a client sends now (a server's message, a second Hello, a wrong channel).
        // Counted, not struck: it costs a table look-up, and the packet rate bounds it.
        ++m_stats.malformedPackets;
        return false;
    }
    if (data.size() > rule->maxBytes) {
        ++m_stats.refusedMessages;
        refuseRequest(s, data, net::NoticeCode::TooLarge,
                      "A message to " + std::string(rule->whatEn) + " was too large (" + std::to_string(data.size()) +
                          " bytes, at most " + std::to_string(rule->maxBytes) + ") and was dropped.",
                      "消息过大（" + std::to_string(data.size()) + " 字节，上限 " + std::to_string(rule->maxBytes) +
                          "），已丢弃：" + rule->whatZh + "。");
        strike(s, now);
        return false;
    }
    if (phase == SessionPhase::Joined && (rule->roles & roleBit(s.who.role)) == 0) {
        ++m_stats.refusedMessages;
        refuseRequest(s, data, net::NoticeCode::NotAllowed,
                      std::string("As ") + net::roleName(s.who.role) + " you may not " + rule->whatEn + "; nothing was changed.",
                      std::string("您的身份无权") + rule->whatZh + "，未作任何更改。");
        strike(s, now);
        return false;
    }
    // Hall chat is charged in onChat, after its own checks, so an empty or too long line is
    // answered as such rather than as "too fast".
    if (rule->type == net::MsgType::ChatSend) return true;
    return takeToken(s, *rule, data, now);
}

bool EventServer::takeToken(Session& s, const MessageRule& rule, const std::vector<uint8_t>& data, const Now& now) {
    if (rule.rate == RateClass::None) return true;
    uint32_t burst = m_desc.chatBurst, refillMs = m_desc.chatRefillMs;
    if (rule.rate == RateClass::Action) burst = m_desc.actionBurst, refillMs = m_desc.actionRefillMs;
    if (rule.rate == RateClass::Query) burst = m_desc.queryBurst, refillMs = m_desc.queryRefillMs;
    refillMs = std::max(1u, refillMs);
    // Token bucket: `burst` at once, one more every refillMs.
    Session::Bucket& b = s.buckets[size_t(rule.rate)];
    b.tokens = std::min<double>(burst, b.tokens + double(now.monoMs - b.lastMs) / double(refillMs));
    b.lastMs = now.monoMs;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    ++m_stats.refusedMessages;
    uint64_t waitS = (uint64_t((1.0 - b.tokens) * refillMs) + 1 + 999) / 1000;
    if (rule.rate == RateClass::Chat)
        notice(s, net::NoticeCode::ChatRateLimited,
               "You are sending messages too fast; wait " + std::to_string(waitS) + " s. 发送过快，请稍候。");
    else
        refuseRequest(s, data, net::NoticeCode::RateLimited,
                      "Too many requests to " + std::string(rule.whatEn) + "; wait " + std::to_string(waitS) + " s and try again.",
                      std::string("操作过于频繁（") + rule.whatZh + "），请 " + std::to_string(waitS) + " 秒后再试。");
    strike(s, now);
    return false;
}

void EventServer::refuseRequest(Session& s, const std::vector<uint8_t>& data, net::NoticeCode code, const std::string& en,
                                const std::string& zh) {
    // Docking and stage requests carry their request id first: answer it in the service's own
    // reply, so the form is not left waiting.
    auto type = net::peekType(data);
    const bool dock = type && net::isDockingType(*type) && *type != net::MsgType::TableChatSend;
    const bool stage = type && net::isStageType(*type) && *type != net::MsgType::SlideFetch;
    if (dock || stage) {
        net::ReadStream r(data.data(), data.size());
        uint32_t tag = 0, req = 0;
        if (r.serializeBits(tag, net::kMsgTypeBits) && r.serializeBits(req, 32) && req != 0) {
            net::Bytes reply = dock ? net::encodeDock(net::DockReply{req, false, zh, en})
                                    : net::encodeStage(net::StageReply{req, false, 0, zh, en});
            if (!reply.empty()) m_transport.send(s.peer, net::kChannelEvents, reply);
        }
    }
    notice(s, code, en + " " + zh);
}

void EventServer::strike(Session& s, const Now& now) {
    s.strikes = std::max(0.0, s.strikes - double(now.monoMs - s.strikeMs) / 1000.0) + 1.0;
    s.strikeMs = now.monoMs;
    if (s.strikes > double(m_desc.maxStrikes))
        cutOff(s, "more than " + std::to_string(m_desc.maxStrikes) + " refused messages in a short time");
}

void EventServer::cutOff(Session& s, const std::string& why) {
    if (s.closing) return;
    ++m_stats.cutOff;
    refuse(s, net::RefuseReason::Flooding,
           "Disconnected: your client sent " + why + ". If you did not mean to, restart Dockhall and join again. "
           "您的客户端发送消息过多，连接已被断开；如非有意，请重新启动后再加入。");
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

namespace {
const char* const kSignInText =
    "This hall asks you to sign in with the e-mail and password from your invitation. "
    "本会场需要使用邀请函中的邮箱和密码登录。";
const char* const kWrongPasswordText =
    "Wrong e-mail or password. Check them (the password is case-sensitive) or ask the organizers for a new one. "
    "邮箱或密码错误。请核对（密码区分大小写），或请主办方重设密码。";
const char* const kExpiredText =
    "Your session has expired or was ended; please sign in with your e-mail and password again. "
    "登录已过期或已被注销，请重新用邮箱和密码登录。";
}  // namespace

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
    if (s.hello) return;  // a second Hello while the first waits for its answer
    net::Hello hello;
    if (!net::decode(data, hello)) { ++m_stats.malformedPackets; return; }
    hello.name = trim(hello.name);
    hello.org = trim(hello.org);
    if (!hello.token.empty()) {
        resumeSession(s, hello, now);
        return;
    }
    if (!hello.email.empty()) {
        if (!m_store) {
            refuse(s, net::RefuseReason::UnknownAccount,
                   "This hall keeps no accounts; join with your name instead of an e-mail. 本会场不设账号，请直接填写姓名加入。");
            return;
        }
        if (hallFull(s)) return;  // before the costly password check
        hello.email = normalizeEmail(hello.email);
        // The answer waits out the throttle of this e-mail and of this address, and then its turn
        // among the other sign-ins (a few Argon2id checks per update, so the tick never stalls).
        s.address = m_transport.peerAddress(s.peer);
        uint32_t wait = m_accountThrottle.delayMs(hello.email, now.monoMs);
        if (!s.address.empty()) wait = std::max(wait, m_addressThrottle.delayMs(s.address, now.monoMs));
        s.signInAtMs = now.monoMs + wait;
        s.hello = std::make_unique<net::Hello>(std::move(hello));
        m_signIns.push_back(&s);
        return;
    }
    if (m_desc.registration != Registration::Open) {
        refuse(s, net::RefuseReason::BadCredentials, kSignInText);
        return;
    }
    // An open hall: name, organization and role as typed.
    if (hello.name.empty()) {
        refuse(s, net::RefuseReason::BadName, "Please enter your name. 请输入姓名。");
        return;
    }
    // The speaker's role puts slides on the big screen: in an open hall it takes the organizer
    // password as the organizer's does (or the organizer makes someone a speaker in the hall).
    const bool privileged = hello.role == net::Role::Organizer || hello.role == net::Role::Speaker;
    if (privileged && !m_desc.organizerPassword.empty() &&
        hello.password != m_desc.organizerPassword) {
        refuse(s, net::RefuseReason::BadCredentials,
               "Wrong organizer password; join as attendee or ask the event's organizers. 主办方密码错误。");
        return;
    }
    if (hallFull(s)) return;
    ParticipantRecord who{.name = hello.name, .org = hello.org, .role = hello.role};
    if (m_store) {
        auto rec = m_store->recordJoin(hello.name, hello.org, hello.role, now.unixMs);
        if (rec && rec->hasLogin) {
            refuse(s, net::RefuseReason::BadCredentials,
                   "This name belongs to an account; sign in with its e-mail and password. "
                   "该姓名已注册账号，请用账号邮箱和密码登录。");
            return;
        }
        if (rec) who.accountId = rec->accountId;
    }
    admit(s, who, {}, 0, now);
}

bool EventServer::hallFull(Session& s) {
    if (m_joinedCount < m_desc.maxParticipants && !m_freeIds.empty()) return false;
    refuse(s, net::RefuseReason::HallFull,
           "The hall is full (" + std::to_string(m_desc.maxParticipants) + " people). Please try again later. 会场已满，请稍后再试。");
    return true;
}

void EventServer::resumeSession(Session& s, const net::Hello& hello, const Now& now) {
    if (hallFull(s)) return;
    std::optional<SessionTokenRow> row;
    if (m_store) row = m_store->sessionToken(tokenDigest(hello.token));
    std::optional<ParticipantRecord> who;
    if (row && !row->revoked && row->expiresMs > now.unixMs) who = m_store->recordAccountJoin(row->accountId, now.unixMs);
    if (!who) {
        ++m_stats.failedLogins;
        refuse(s, net::RefuseReason::SessionExpired, kExpiredText);
        return;
    }
    admit(s, *who, hello.token, row->expiresMs, now);
}

void EventServer::failSignIn(Session& s, net::RefuseReason reason, const std::string& text, const Now& now) {
    ++m_stats.failedLogins;
    m_accountThrottle.onFailure(s.hello->email, now.monoMs);
    if (!s.address.empty()) m_addressThrottle.onFailure(s.address, now.monoMs);
    if (s.account) m_store->recordLoginFailure(s.account->who.accountId, now.unixMs);
    refuse(s, reason, text);
}

void EventServer::startSignIn(Session& s, const Now& now) {
    const net::Hello& hello = *s.hello;
    s.account = m_store->accountByEmail(hello.email);
    PasswordWorker::Job job{.ticket = ++m_nextTicket, .password = hello.password};
    if (s.account) {
        job.hash = s.account->passwordHash;
    } else if (m_desc.registration != Registration::Attendees) {
        failSignIn(s, net::RefuseReason::UnknownAccount,
                   "No account for " + hello.email +
                       " in this hall; check the e-mail in your invitation or ask the organizers. "
                       "本会场没有该邮箱的账号，请核对邀请函中的邮箱或联系主办方。",
                   now);
        return;
    } else if (!validEmail(hello.email)) {
        // Self-registration as attendee: the e-mail is new; it, the name and the password must do.
        refuse(s, net::RefuseReason::BadName, "That is not an e-mail address. 邮箱地址格式不正确。");
        return;
    } else if (hello.name.empty()) {
        refuse(s, net::RefuseReason::BadName, "Please enter your name to register. 注册请填写姓名。");
        return;
    } else if (hello.password.size() < kMinPasswordBytes) {
        refuse(s, net::RefuseReason::BadCredentials,
               "Choose a password of at least " + std::to_string(kMinPasswordBytes) + " characters. 密码至少需要 " +
                   std::to_string(kMinPasswordBytes) + " 个字符。");
        return;
    }
    ++m_stats.passwordChecks;
    s.signInTicket = job.ticket;
    m_passwordChecks[job.ticket] = &s;
    m_passwords->submit(std::move(job));
}

void EventServer::finishSignIn(Session& s, const PasswordWorker::Result& r, const Now& now) {
    const net::Hello& hello = *s.hello;
    if (!s.account) {
        if (r.ok)
            s.account = m_store->createAccount(
                {.name = hello.name, .org = hello.org, .role = net::Role::Attendee, .email = hello.email, .passwordHash = r.hash},
                now.unixMs);
        if (!s.account) {
            refuse(s, net::RefuseReason::BadName,
                   "Could not register this name and e-mail (someone may have them already); try another or ask the "
                   "organizers. 无法注册该姓名和邮箱（可能已被使用），请更换或联系主办方。");
            return;
        }
    } else if (!r.ok) {
        failSignIn(s, net::RefuseReason::BadCredentials, kWrongPasswordText, now);
        return;
    } else {
        m_accountThrottle.onSuccess(hello.email);
        if (s.account->failedLogins) m_store->recordLoginSuccess(s.account->who.accountId);
    }
    if (hallFull(s)) return;
    uint32_t accountId = s.account->who.accountId;
    std::optional<ParticipantRecord> who = m_store->recordAccountJoin(accountId, now.unixMs);
    net::SessionToken token = newSessionToken();
    int64_t expires = now.unixMs + m_desc.sessionTtlMs;
    if (!who || !m_store->saveSessionToken({tokenDigest(token), accountId, now.unixMs, expires})) {
        refuse(s, net::RefuseReason::ServerShutdown,
               "The hall could not record your sign-in; please try again shortly. 会场暂时无法记录登录，请稍后再试。");
        return;
    }
    s.hello.reset();
    s.account.reset();
    admit(s, *who, token, expires, now);
}

void EventServer::admit(Session& s, const ParticipantRecord& rec, const net::SessionToken& token, int64_t expiresMs,
                        const Now& now) {
    if (hallFull(s)) return;
    // The organizer's decisions about this account (stage_service.h): banned, or another role.
    if (auto banned = m_stage->refusalFor(rec.accountId)) {
        refuse(s, net::RefuseReason::Banned, *banned);
        return;
    }
    // One presence per account: a reconnect replaces a session the server has not yet seen drop.
    if (rec.hasLogin)
        for (Session* o : m_byId)
            if (o && o != &s && !o->closing && o->accountId == rec.accountId) {
                notice(*o, net::NoticeCode::Info,
                       "You signed in from another place; this window is closed. 您已在别处登录，此处已断开。");
                m_transport.disconnect(o->peer, uint32_t(net::RefuseReason::Count) + 2);
                o->closing = true;
            }
    s.accountId = rec.accountId;
    s.joined = true;
    s.who = {allocateId(), rec.name, rec.org, m_stage->roleFor(rec.accountId, rec.role)};
    for (size_t c = 0; c < s.buckets.size(); ++c) s.buckets[c] = {1e9, now.monoMs};  // full; capped at first use
    m_hall.spawn(s.who.id);
    m_byId[s.who.id.v] = &s;
    m_stats.participants = ++m_joinedCount;

    net::Welcome w;
    w.you = s.who.id;
    w.role = s.who.role;
    w.serverTick = m_tick;
    w.event = m_hall.layout();
    w.token = token;
    w.tokenExpiresUnixMs = expiresMs;
    w.unixMs = now.unixMs;
    m_transport.send(s.peer, net::kChannelEvents, net::encode(w));
    // Who you are, then recent chat; the others learn of the newcomer (and it of them) as they
    // enter each other's interest (sendSnapshot).
    s.presence = net::encode(s.who);
    m_transport.send(s.peer, net::kChannelEvents, s.presence);
    s.told.set(s.who.id.v);
    s.chatAcked = s.chatSentMax = m_lastChatId;  // what came before is history (below); what comes after rides on snapshots
    if (m_store)
        for (const auto& line : m_store->recentChat(m_desc.chatHistory))
            m_transport.send(s.peer, net::kChannelEvents, net::encode(line));
    m_docking->onJoin({s.who.id, s.accountId, s.who.name, s.who.org, s.who.role}, now.unixMs);
    m_present->onJoin({s.who.id, s.who.name, s.who.org, s.who.role});
    m_stage->onJoin({s.who.id, s.accountId, s.who.name, s.who.org, s.who.role}, now.unixMs);
    m_assets->onJoin(s.who.id, s.who.org, s.who.role);
}

void EventServer::onInput(Session& s, const std::vector<uint8_t>& data) {
    net::Input in;
    if (!net::decode(data, in)) { ++m_stats.malformedPackets; return; }
    // Acks only move forward, and only to ticks we actually sent.
    if (in.ackSnapshot > s.ackedTick && in.ackSnapshot <= m_tick) s.ackedTick = in.ackSnapshot;
    // The newest line it has: every one before came with it (a packet carries them from the
    // oldest unacknowledged). Never past what was sent.
    if (in.ackChat > s.chatAcked) s.chatAcked = std::min(in.ackChat, s.chatSentMax);
    for (const auto& mi : in.inputs) {
        if (mi.seq <= s.lastInputSeq) continue;  // redundant copy of an input we have
        // A gap larger than the redundancy means inputs were lost; accept and move on.
        s.lastInputSeq = mi.seq;
        ++m_stats.inputsReceived;
        s.inputs.push_back(mi);
    }
    while (s.inputs.size() > m_desc.maxQueuedInputs + m_ticksDue) {
        s.lastAppliedSeq = s.inputs.front().seq;
        s.inputs.pop_front();
        ++m_stats.inputsDropped;
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
    if (auto muted = m_stage->mutedText(s.accountId)) {
        notice(s, net::NoticeCode::NotAllowed, *muted);
        return;
    }
    if (!takeToken(s, *ruleFor(net::MsgType::ChatSend), data, now)) return;  // the permissions table's chat rate
    net::ChatLine line{++m_lastChatId, s.who.id, s.who.name, s.who.org, now.unixMs, text};
    // Durable before anyone sees it: the echo to the sender is its acknowledgement.
    if (m_store && !m_store->appendChat(line)) {
        --m_lastChatId;
        notice(s, net::NoticeCode::Info, "The message could not be saved; please try again. 消息未能保存，请重试。");
        return;
    }
    ++m_stats.chatLines;
    // Everyone gets it with their next snapshots (protocol 10), the sender too: its echo.
    m_chatRecent.push_back(std::move(line));
    if (m_chatRecent.size() > kChatKeptLines) m_chatRecent.pop_front();
}

// The first line a packet to `s` at `tick` carries, 0 for none. A packet carries every
// unacknowledged line from the oldest (so acknowledging it acknowledges them all), but lines
// already in flight wait kChatResendTicks for their acknowledgement before they go again on their
// own: a line said once is then usually sent once, not with the next packet too (acknowledgements
// take an input packet and a trip back).
uint32_t EventServer::chatFirstDue(const Session& s, uint32_t tick) const {
    if (m_chatRecent.empty() || m_chatRecent.back().id <= s.chatAcked) return 0;
    const bool fresh = m_chatRecent.back().id > s.chatSentMax;
    if (!fresh && tick < s.chatSentTick + kChatResendTicks) return 0;
    return std::max(s.chatAcked + 1, m_chatRecent.front().id);  // older ones dropped out: a gap
}

void EventServer::prepareChat() {
    m_chatPackets.clear();
    const uint32_t tick = m_tick + 1;
    for (const Session* sp : m_tickSessions) {
        const uint32_t first = chatFirstDue(*sp, tick);
        if (first == 0 || m_chatPackets.count(first)) continue;
        const uint32_t front = m_chatRecent.front().id;
        net::ChatLines msg;
        size_t bytes = 0;
        for (size_t i = first - front; i < m_chatRecent.size() && msg.lines.size() < net::kMaxChatLinesPerPacket; ++i) {
            const net::ChatLine& l = m_chatRecent[i];
            const size_t b = l.text.size() + l.fromName.size() + l.fromOrg.size() + 24;
            if (!msg.lines.empty() && bytes + b > net::kChatBytesPerPacket) break;
            msg.lines.push_back(l);
            bytes += b;
        }
        ChatPacket& p = m_chatPackets[first];
        p.bytes = net::encode(msg);
        p.lastId = msg.lines.back().id;
    }
}

// On a worker, after the session's snapshots: reads only what prepareChat() made for the tick.
void EventServer::appendChat(Session& s, uint32_t tick) const {
    if (m_chatPackets.empty()) return;
    const uint32_t first = chatFirstDue(s, tick);
    if (first == 0) return;
    auto it = m_chatPackets.find(first);
    if (it == m_chatPackets.end() || it->second.bytes.empty()) return;
    s.snapshot.insert(s.snapshot.end(), it->second.bytes.begin(), it->second.bytes.end());
    s.chatSentMax = std::max(s.chatSentMax, it->second.lastId);
    s.chatSentTick = tick;
}

void EventServer::runTick(const Now& now, bool snapshots) {
    m_docking->update(now.unixMs);
    // Where everyone stood before this tick: the tick before's state, for packets that carry both.
    m_previous.assign(m_hall.avatars().begin(), m_hall.avatars().end());
    // Dense by participant id: a stable order and no hash-map walk.
    for (Session* sp : m_byId) {
        if (!sp) continue;
        Session& s = *sp;
        s.appliedBefore = s.lastAppliedSeq;
        // Inputs come two ticks to a packet (Connection::sendInput), so a late packet leaves a
        // tick without input and the queue a tick deeper from then on (a jitter buffer). An input
        // that only stands still takes no tick of its own when another waits behind it, so the
        // queue drains again when the client stops. Standing still moves nothing, so this gains
        // no one any speed.
        while (s.inputs.size() > 1 && s.inputs.front().moveX == 0.0f && s.inputs.front().moveZ == 0.0f) {
            m_hall.apply(s.who.id, s.inputs.front(), 0.0f);
            s.lastAppliedSeq = s.inputs.front().seq;
            s.inputs.pop_front();
            ++m_stats.inputsApplied;
        }
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
        // A late packet leaves the queue deeper for good (the jitter buffer only grows while the
        // client walks); the client learns how much deeper than needed and sends a little slower
        // until it is not (Connection: time dilation), so nothing is dropped and others do not
        // see it later and later.
        s.inputLow = std::min(s.inputLow, s.inputs.size());
        if ((m_tick + 1) % kInputSlackTicks == 0) {
            s.inputSlack = uint8_t(std::min<size_t>(s.inputLow, net::kMaxInputSlack));
            s.inputLow = SIZE_MAX;
        }
    }
    m_present->update();  // after movement: who stands at which booth now
    m_stage->update(now.unixMs, m_hall.avatars());
    if (!snapshots) {
        m_assets->update();
        return;
    }
    m_interest.update(m_hall.avatars(), m_hall.layout().hallSize, m_previous);
    // Two ticks to a packet (protocol 8): with interest on, a client is built on every other tick
    // (its id's parity), both ticks from one build; one that missed its turn (a tick without
    // snapshots while catching up, or just joined) is built on the next tick that has them.
    const uint32_t tick = m_tick + 1;
    m_tickSessions.clear();
    for (Session* sp : m_byId)
        if (sp && !sp->closing &&
            (!m_desc.interest.enabled || (tick & 1u) == (sp->who.id.v & 1u) || sp->builtTick + 2 < tick))
            m_tickSessions.push_back(sp);
    prepareChat();
    m_workers->parallelFor(m_tickSessions.size(), 32, [this](size_t begin, size_t end, unsigned worker) {
        for (size_t i = begin; i < end; ++i) {
            if (i + 1 < end) prefetchSnapshot(*m_tickSessions[i + 1]);  // memory, not work: see Interest::prefetch
            buildSnapshot(*m_tickSessions[i], worker);
        }
    });
    for (Session* sp : m_tickSessions) sendSnapshot(*sp);
    m_assets->update();  // after the snapshots: downloads take what the tick's budget leaves
    const InterestStats is = m_interest.stats();
    m_stats.avatarsInFrames += is.avatarsInFrames;
    m_stats.avatarsRefreshed += is.avatarsRefreshed;
}

bool EventServer::pairsAt(const Session& s, uint32_t tick) const {
    return m_desc.interest.enabled && s.builtTick != 0 && s.builtTick + 2 == tick;
}

void EventServer::prefetchSnapshot(const Session& s) const {
    const uint32_t tick = m_tick + 1;
    const net::SnapshotFrame& slot = s.sent.peek(tick, s.ackedTick);
    Interest::prefetch(s.interest, s.sent.baseline(tick, s.ackedTick), slot,
                       pairsAt(s, tick) ? &s.sent.peek(tick - 1, s.ackedTick, &slot) : nullptr);
}

// Runs on a worker: touches only this session and what the tick made read-only (the hall's
// avatars, the tick before's, the interest grid, the sessions by id, the tick's chat packets).
void EventServer::buildSnapshot(Session& s, unsigned worker) {
    if (buildFrames(s, worker)) appendChat(s, m_tick + 1);
}

bool EventServer::buildFrames(Session& s, unsigned worker) {
    const uint32_t tick = m_tick + 1;  // tick 0 is reserved for "no baseline"
    net::SnapshotMsg msg;
    msg.inputSlack = s.inputSlack;
    msg.people = uint16_t(m_joinedCount);
    // Two ticks to a packet (protocol 8): on its turn (every other tick) a client is sent the tick
    // before's snapshot, coded against its acknowledged baseline, and this tick's, coded against
    // that one (a tick's moves: cheap). Both come from one interest build, budgeted against the
    // acknowledged baseline: whatever the pair refreshes, the next pair must carry against that
    // baseline until an ack comes. After a missed turn (or on joining) only this tick's is sent:
    // the one before is older than what the client has, or would be.
    const bool pair = pairsAt(s, tick);
    const net::SnapshotFrame* acked = s.sent.baseline(tick, s.ackedTick);
    // Build the frames in history slots no baseline needs (reusing their storage).
    net::SnapshotFrame& slot = s.sent.slotFor(tick, s.ackedTick);
    net::SnapshotFrame* before = pair ? &s.sent.slotFor(tick - 1, s.ackedTick, &slot) : nullptr;
    m_interest.build(s.interest, s.who.id, acked, tick, slot, worker, before);
    // Tell who someone is before (or with) the first snapshot that shows them (sendSnapshot).
    // Reliable and unreliable channels may cross; the client shows an avatar without a name until
    // it knows. (The tick before's frame holds no one this tick's does not.)
    s.toTell.clear();
    for (const net::AvatarState& a : slot.avatars) {
        if (s.told.test(a.id.v) || !m_byId[a.id.v]) continue;
        s.toTell.push_back(a.id.v);
        s.told.set(a.id.v);
    }
    s.snapshotFrames = 0;
    s.snapshot.clear();
    s.builtTick = tick;
    // Codes `frame` as `tick` against `base` into `into`; the frame's avatars are lent to the message.
    auto encode = [&msg](net::SnapshotFrame& frame, uint32_t at, const net::SnapshotFrame* base, net::Bytes& into) {
        msg.tick = at;
        msg.baselineTick = base ? base->tick : 0;
        msg.frame.tick = at;
        msg.frame.avatars.swap(frame.avatars);
        const bool ok = net::encodeSnapshotInto(msg, base, into);
        frame.avatars.swap(msg.frame.avatars);
        return ok && !into.empty();
    };
    if (before) {
        msg.lastInput = s.appliedBefore;
        if (!encode(*before, tick - 1, acked, s.snapshot)) {
            s.snapshot.clear();
            return false;
        }
        s.sent.commit(*before, tick - 1);
        msg.lastInput = s.lastAppliedSeq;
        // The one before first: the client decodes this tick's against it.
        if (!encode(slot, tick, before, s.second)) {
            s.snapshot.clear();
            return false;
        }
        s.snapshot.insert(s.snapshot.end(), s.second.begin(), s.second.end());
        s.sent.commit(slot, tick);
        s.snapshotFrames = 2;
        return true;
    }
    msg.lastInput = s.lastAppliedSeq;
    if (!encode(slot, tick, acked, s.snapshot)) {
        s.snapshot.clear();
        return false;
    }
    s.sent.commit(slot, tick);
    s.snapshotFrames = 1;
    return true;
}

void EventServer::sendSnapshot(Session& s) {
    for (uint16_t id : s.toTell) m_transport.send(s.peer, net::kChannelEvents, m_byId[id]->presence);
    s.toTell.clear();
    if (s.snapshot.empty()) return;
    m_stats.snapshotsSent += s.snapshotFrames;
    m_stats.snapshotBytes += s.snapshot.size();
    m_transport.send(s.peer, net::kChannelState, s.snapshot);
}

EventServer::Session* EventServer::liveSession(net::ParticipantId who) const {
    Session* s = who.v <= net::kMaxParticipants ? m_byId[who.v] : nullptr;
    return s && !s->closing ? s : nullptr;
}

void EventServer::sendTo(net::ParticipantId to, uint8_t channel, const net::Bytes& packet) {
    if (const Session* s = liveSession(to)) m_transport.send(s->peer, channel, packet);
}

void EventServer::broadcast(const net::Bytes& packet, uint8_t channel, const Session* except) {
    if (packet.empty()) return;
    m_peersScratch.clear();
    for (const Session* s : m_byId)
        if (s && !s->closing && s != except) m_peersScratch.push_back(s->peer);
    m_transport.sendToMany(m_peersScratch, channel, packet);
}

}  // namespace server
