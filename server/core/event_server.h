// event_server.h: the authoritative event server for one hall.
//
// Owns the sessions (handshake, sign-in, presence), the hall simulation, hall chat and snapshots.
// Every client packet passes the permissions table first (permissions.h: state, role, size, rate;
// floods are cut off); sign-ins check passwords on a worker thread (auth.h) and answer with a
// session token. It talks to clients through a net::Transport and keeps records through an
// EventStore; both are passed in, and so is time: call update() often (every few ms) with the
// current time, and the server runs as many fixed 30 Hz ticks as are due.
//
//   EventServer server({.maxParticipants = 1000}, layout, transport, &store);
//   for (;;) server.update({.monoMs = nowMs(), .unixMs = wallMs()});
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/protocol/messages.h"
#include "net/transport/transport.h"
#include "server/core/auth.h"
#include "server/core/asset_service.h"
#include "server/core/docking_service.h"
#include "server/core/hall_sim.h"
#include "server/core/interest.h"
#include "server/core/worker_pool.h"
#include "server/core/present_service.h"
#include "server/core/stage_service.h"
#include "server/core/permissions.h"
#include "server/core/store.h"

namespace server {

struct ServerDesc {
    uint16_t maxParticipants = 1000;    // joined people; more get RefuseReason::HallFull
    Registration registration = Registration::Open;  // who gets in without an imported account (auth.h)
    std::string organizerPassword;      // open hall only: empty lets anyone join as organizer (local demo)
    int64_t sessionTtlMs = 12LL * 3600 * 1000;  // a session token's life (wall clock)
    bool passwordThread = true;         // Argon2id on a worker thread (false: inside update(), for tests)
    uint32_t maxPasswordChecksQueued = 32;  // sign-ins beyond this wait for their turn
    ThrottleDesc accountThrottle;       // wrong passwords for one e-mail: 0.5 s, 1 s, 2 s ... before the answer
    ThrottleDesc addressThrottle{.baseDelayMs = 250, .freeFailures = 20};  // per address: a venue shares one NAT
    uint32_t chatBurst = 5;             // chat lines allowed at once ...
    uint32_t chatRefillMs = 2000;       // ... and one more every this many ms
    uint32_t actionBurst = 10;          // docking requests that change something, at once ...
    uint32_t actionRefillMs = 1000;     // ... and one more every this many ms
    uint32_t queryBurst = 10;           // board searches at once ...
    uint32_t queryRefillMs = 300;       // ... and one more every this many ms
    uint32_t maxPacketsPerSecond = 300; // 10x a client's 30 inputs a second and its few messages: more is a flood
    uint32_t maxStrikes = 20;           // refused messages (forgiven one a second) before a client is cut off
    uint32_t handshakeTimeoutMs = 5000; // a connection that sends no valid Hello is dropped
    uint32_t chatHistory = 50;          // lines a newcomer receives
    uint32_t maxQueuedInputs = 10;      // inputs buffered per client beyond the ticks now due; older ones are dropped
                                        // (two ticks come to a packet: a 20 fps client on a lossy, jittery link needs ~7)
    unsigned snapshotThreads = 0;       // threads building snapshots, the tick's own included (0: one per core, at most 8)
    uint32_t tickReadPackets = 256;     // a due tick reads at most this many packets first; a burst beyond
                                        // is read once its snapshots have left (0: no limit)
    InterestDesc interest;              // who hears about whom (interest.h); .enabled = false: everyone, every tick
    DockingDesc docking;                // board, meetings, cards, visits (docking_service.h)
    StageDesc stage;                    // keys, ceremonies, announcements, moderation (stage_service.h)
    AssetDesc assets;                   // baked models for the clients (asset_service.h); no source: none
};

struct Now {
    uint64_t monoMs = 0;  // monotonic milliseconds, drives ticks
    int64_t unixMs = 0;   // wall clock, stamps records
};

struct ServerStats {
    uint32_t tick = 0;
    uint32_t participants = 0;
    uint64_t inputsReceived = 0;        // distinct input ticks received (duplicates not counted)
    uint64_t inputsApplied = 0;
    uint64_t inputsDropped = 0;         // over the queue (a flood, or a client far ahead of the server)
    uint64_t malformedPackets = 0;
    uint64_t refusedJoins = 0;
    uint64_t passwordChecks = 0;        // Argon2id verifications and hashes run
    uint64_t failedLogins = 0;          // wrong passwords, unknown e-mails, dead tokens
    uint64_t refusedMessages = 0;       // not allowed for the role, too large or too fast (permissions.h)
    uint64_t cutOff = 0;                // clients disconnected for flooding
    uint64_t snapshotsSent = 0;         // ticks' snapshots sent (a packet carries one or two)
    uint64_t ticksWithoutSnapshots = 0; // ticks run behind time with another due after them: no snapshots
    uint64_t readsCut = 0;              // tick reads that stopped at tickReadPackets (the rest read after the tick)
    uint64_t snapshotBytes = 0;         // their packets' bytes
    uint64_t chatLines = 0;
    uint64_t avatarsInFrames = 0;       // sum over snapshots of the avatars each frame holds
    uint64_t avatarsRefreshed = 0;      // sum over snapshots of the avatars sent with new state
};

class EventServer {
public:
    // `transport` and `store` must outlive the server; `store` may be null (no persistence).
    EventServer(const ServerDesc& desc, const net::EventLayout& layout, net::Transport& transport, EventStore* store);
    ~EventServer();

    // Services the transport and runs due ticks. Returns the number of ticks run. The same as
    // receive(), runDueTicks() and, when a tick ran, flush() and, if that tick's read left packets
    // waiting (readLeft()), receive() again: a host that times them apart calls them itself.
    //
    // With a tick due, receive() reads at most tickReadPackets packets: a burst (thousands of
    // clients sending at once) then waits until the tick's snapshots have left, rather than
    // delaying them for everyone; the inputs in it are a tick later, which each client's input
    // queue absorbs.
    int update(const Now& now);
    void receive(const Now& now);      // packets, finished password checks, sign-ins, handshake timeouts
    bool readLeft() const { return m_readLeft; }  // the last receive() stopped at tickReadPackets
    int runDueTicks(const Now& now);   // movement, services, snapshots built and queued
    void flush();                      // everything queued leaves (one datagram per client at least)

    // Refuses everyone with ServerShutdown and flushes.
    void shutdown();

    // The monotonic time at which the next tick is due (for a loop that sleeps until then).
    uint64_t nextTickMs() const { return m_nextTickMs; }
    const ServerStats& stats() const { return m_stats; }
    const HallSim& hall() const { return m_hall; }
    HallSim& hall() { return m_hall; }
    // People every client always hears about, whatever the distance (the stage during a
    // ceremony). Replaces the previous set; an empty span clears it.
    void setAlwaysRelevant(std::span<const net::ParticipantId> ids) { m_interest.setAlwaysRelevant(ids); }
    uint32_t tick() const { return m_tick; }
    DockingService& docking() { return *m_docking; }
    PresentService& present() { return *m_present; }
    StageService& stage() { return *m_stage; }
    AssetService& assets() { return *m_assets; }

private:
    struct Session;
    struct DockLink;
    struct StageHook;
    struct AssetLinkImpl;

    void onConnect(net::PeerHandle peer, const Now& now);
    void onDisconnect(net::PeerHandle peer, const Now& now);
    void onPacket(net::PeerHandle peer, uint8_t channel, const std::vector<uint8_t>& data, const Now& now);
    // The permissions table (permissions.h): false when the packet must go no further.
    bool admitPacket(Session& s, uint8_t channel, const std::vector<uint8_t>& data, const Now& now);
    void strike(Session& s, const Now& now);
    // Takes a token from the session's bucket for `rule`'s rate; false (and a Notice) when empty.
    bool takeToken(Session& s, const MessageRule& rule, const std::vector<uint8_t>& data, const Now& now);
    // Refuses a docking request in words: a DockReply for its request id (when it has one) and a Notice.
    void refuseRequest(Session& s, const std::vector<uint8_t>& data, net::NoticeCode code, const std::string& en,
                       const std::string& zh);
    void cutOff(Session& s, const std::string& why);
    void onHello(Session& s, const std::vector<uint8_t>& data, const Now& now);
    void startSignIn(Session& s, const Now& now);     // an e-mail + password Hello, once its delay is over
    void finishSignIn(Session& s, const PasswordWorker::Result& r, const Now& now);
    void failSignIn(Session& s, net::RefuseReason reason, const std::string& text, const Now& now);
    bool hallFull(Session& s);                        // true: refused as full
    void resumeSession(Session& s, const net::Hello& hello, const Now& now);
    void admit(Session& s, const ParticipantRecord& who, const net::SessionToken& token, int64_t expiresMs,
               const Now& now);
    void onInput(Session& s, const std::vector<uint8_t>& data);
    void onChat(Session& s, const std::vector<uint8_t>& data, const Now& now);
    void refuse(Session& s, net::RefuseReason reason, const std::string& text);
    void notice(Session& s, net::NoticeCode code, const std::string& text);
    void runTick(const Now& now, bool snapshots);
    // The snapshot stage of a tick, split in two: building (interest and encoding, one client's
    // state only, so clients are built on several threads at once) and sending (in id order).
    void buildSnapshot(Session& s, unsigned worker);
    bool buildFrames(Session& s, unsigned worker);        // the snapshot(s) into s.snapshot; false: none
    uint32_t chatFirstDue(const Session& s, uint32_t tick) const;  // 0: no chat goes to s at tick
    void prepareChat();                                   // the tick's ChatLines packets, one per first line due
    void appendChat(Session& s, uint32_t tick) const;     // the lines s has not acknowledged, after its snapshots
    void prefetchSnapshot(const Session& s) const;
    bool pairsAt(const Session& s, uint32_t tick) const;  // its packet at `tick` carries the tick before's too
    void sendSnapshot(Session& s);
    void broadcast(const net::Bytes& packet, uint8_t channel, const Session* except = nullptr);
    // The joined participant's session unless it is leaving; nullptr otherwise.
    Session* liveSession(net::ParticipantId who) const;
    // To one joined participant (nothing if it left or is leaving).
    void sendTo(net::ParticipantId to, uint8_t channel, const net::Bytes& packet);
    net::ParticipantId allocateId();

    ServerDesc m_desc;
    net::Transport& m_transport;
    EventStore* m_store;
    HallSim m_hall;
    std::unordered_map<uint32_t, std::unique_ptr<Session>> m_sessions;  // by PeerHandle
    std::vector<Session*> m_byId;       // joined sessions by participant id (dense, 0 unused)
    uint32_t m_joinedCount = 0;
    Interest m_interest;
    std::deque<uint16_t> m_freeIds;
    uint32_t m_tick = 0;
    uint64_t m_nextTickMs = 0;
    uint32_t m_ticksDue = 0;    // at the last receive(): ticks due and not yet run
    bool m_readLeft = false;    // the last receive() stopped at tickReadPackets
    uint64_t m_tickBaseMs = 0;  // tick n is due at m_tickBaseMs + n * 1000 / kTickRate
    bool m_started = false;
    uint32_t m_lastChatId = 0;
    // The hall chat rides on the snapshots (protocol 10, messages.h): the newest lines, and for
    // this tick the ChatLines message that starts at each first line some receiver still needs.
    std::deque<net::ChatLine> m_chatRecent;
    struct ChatPacket {
        net::Bytes bytes;     // a ChatLines message
        uint32_t lastId = 0;  // the last line it carries
    };
    std::unordered_map<uint32_t, ChatPacket> m_chatPackets;  // by first line id
    ServerStats m_stats;
    std::vector<net::TransportEvent> m_events;
    std::vector<net::PeerHandle> m_peersScratch;
    std::vector<Session*> m_tickSessions;  // the tick's snapshot receivers, in id order
    std::vector<net::AvatarState> m_previous;  // the avatars as the tick before left them (set as each tick starts)
    std::unique_ptr<WorkerPool> m_workers;  // builds snapshots (ServerDesc::snapshotThreads)
    std::unique_ptr<DockLink> m_dockLink;
    std::unique_ptr<DockingService> m_docking;
    std::unique_ptr<PresentService> m_present;
    std::unique_ptr<StageHook> m_stageLink;
    std::unique_ptr<StageService> m_stage;
    LoginThrottle m_accountThrottle;
    LoginThrottle m_addressThrottle;
    std::vector<Session*> m_signIns;    // sessions whose e-mail + password Hello waits for its turn
    std::vector<Session*> m_handshaking;  // connected, neither joined nor closing (as of the last receive)
    std::unordered_map<uint64_t, Session*> m_passwordChecks;  // by ticket: handed to the worker
    uint64_t m_nextTicket = 0;
    std::vector<PasswordWorker::Result> m_checked;
    std::unique_ptr<PasswordWorker> m_passwords;
    std::unique_ptr<AssetLinkImpl> m_assetLink;
    std::unique_ptr<AssetService> m_assets;
};

}  // namespace server
