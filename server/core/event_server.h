// event_server.h: the authoritative event server for one hall.
//
// Owns the sessions (handshake, presence), the hall simulation, hall chat and snapshots. It
// talks to clients through a net::Transport and keeps records through an EventStore; both are
// passed in, and so is time: call update() often (every few ms) with the current time, and the
// server runs as many fixed 30 Hz ticks as are due.
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
#include "server/core/asset_service.h"
#include "server/core/docking_service.h"
#include "server/core/hall_sim.h"
#include "server/core/interest.h"
#include "server/core/store.h"

namespace server {

struct ServerDesc {
    uint16_t maxParticipants = 1000;    // joined people; more get RefuseReason::HallFull
    std::string organizerPassword;      // empty: anyone may join as organizer (local demo)
    uint32_t chatBurst = 5;             // chat lines allowed at once ...
    uint32_t chatRefillMs = 2000;       // ... and one more every this many ms
    uint32_t handshakeTimeoutMs = 5000; // a connection that sends no valid Hello is dropped
    uint32_t chatHistory = 50;          // lines a newcomer receives
    uint32_t maxQueuedInputs = 6;       // inputs buffered per client; older ones are dropped
    InterestDesc interest;              // who hears about whom (interest.h); .enabled = false: everyone, every tick
    DockingDesc docking;                // board, meetings, cards, visits (docking_service.h)
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
    uint64_t malformedPackets = 0;
    uint64_t refusedJoins = 0;
    uint64_t snapshotsSent = 0;
    uint64_t snapshotBytes = 0;
    uint64_t chatLines = 0;
    uint64_t avatarsInFrames = 0;       // sum over snapshots of the avatars each frame holds
    uint64_t avatarsRefreshed = 0;      // sum over snapshots of the avatars sent with new state
};

class EventServer {
public:
    // `transport` and `store` must outlive the server; `store` may be null (no persistence).
    EventServer(const ServerDesc& desc, const net::EventLayout& layout, net::Transport& transport, EventStore* store);
    ~EventServer();

    // Services the transport and runs due ticks. Returns the number of ticks run.
    int update(const Now& now);

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
    AssetService& assets() { return *m_assets; }

private:
    struct Session;
    struct DockLink;
    struct AssetLinkImpl;

    void onConnect(net::PeerHandle peer, const Now& now);
    void onDisconnect(net::PeerHandle peer, const Now& now);
    void onPacket(net::PeerHandle peer, uint8_t channel, const std::vector<uint8_t>& data, const Now& now);
    void onHello(Session& s, const std::vector<uint8_t>& data, const Now& now);
    void onInput(Session& s, const std::vector<uint8_t>& data);
    void onChat(Session& s, const std::vector<uint8_t>& data, const Now& now);
    void refuse(Session& s, net::RefuseReason reason, const std::string& text);
    void notice(Session& s, net::NoticeCode code, const std::string& text);
    void runTick(const Now& now);
    void sendSnapshot(Session& s);
    void broadcast(const net::Bytes& packet, uint8_t channel, const Session* except = nullptr);
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
    uint64_t m_tickBaseMs = 0;  // tick n is due at m_tickBaseMs + n * 1000 / kTickRate
    bool m_started = false;
    uint32_t m_lastChatId = 0;
    ServerStats m_stats;
    std::vector<net::TransportEvent> m_events;
    std::vector<net::PeerHandle> m_peersScratch;
    std::unique_ptr<DockLink> m_dockLink;
    std::unique_ptr<DockingService> m_docking;
    std::unique_ptr<AssetLinkImpl> m_assetLink;
    std::unique_ptr<AssetService> m_assets;
};

}  // namespace server
