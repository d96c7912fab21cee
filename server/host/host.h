// host.h: runs an EventServer for real: ENet on a UDP port, SQLite on disk, the system clock.
//
// The thin wiring shared by dockhall-server and the client's embedded server. Everything it
// calls is testable without it (server_core with a loopback transport and a fake clock).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/transport/enet_transport.h"
#include "net/transport/secure.h"
#include "server/core/event_server.h"

namespace server {

struct HostDesc {
    std::string bindAddress = "0.0.0.0";
    uint16_t port = 7777;
    std::string eventPath;              // assets/events/sample.json
    std::string dbPath = "event.sqlite";// ":memory:" keeps nothing
    uint16_t maxParticipants = 1000;
    std::string organizerPassword;
    // Who may join without an imported account. Unset: the event file's "registration", else
    // "accounts" when the database has accounts and "open" when it has none (the local demo).
    std::optional<Registration> registration;
    std::string statsJsonPath;          // written every second and on exit when set
    uint32_t statsWindowSeconds = 10;   // tick percentiles and rates cover this recent window
    bool interest = true;               // false: naive full broadcast (every avatar, every tick)
    unsigned snapshotThreads = 0;       // threads building snapshots, the tick's own included (0: one per core, at most 8)
    uint32_t tickReadPackets = 256;     // ServerDesc::tickReadPackets (0: no limit)
    bool sendThread = true;             // net::EnetServerDesc::sendThread
    uint32_t holdReliableMs = net::kEnetHoldReliableMs;  // net::EnetServerDesc::holdReliableMs
    std::optional<net::LinkKeyPair> linkKey;  // the encrypted link's long-term key; none = one for this run
    // A rehearsal: the event's clock starts at this local time ("2024-06-04 10:50", in the event's
    // zone) when the server starts, and runs at real speed from there, so meeting reminders, calls
    // to the table and the agenda happen as on the day. Everything stored carries event time.
    // Empty: the real clock.
    std::string rehearseFrom;
    // Baked models served to the clients (asset_service.h): <assetsDir>/models/baked (empty: the
    // assets folder the event file sits in, e.g. assets/events/x.json -> assets), and exhibitors'
    // uploads in uploadDir (empty: "<dbPath>.uploads", none for ":memory:").
    std::string assetsDir;
    std::string uploadDir;
};

// Figures over the recent window (HostDesc::statsWindowSeconds), plus running totals.
struct TickStats {
    double windowSeconds = 0;           // what the window really covers (less early on)
    uint64_t ticks = 0;                 // ticks in the window
    double p50Ms = 0, p99Ms = 0, maxMs = 0;  // a tick: reading the socket, simulating, sending
    double receiveP50Ms = 0, receiveP99Ms = 0;    // ... its parts: what arrived since the last tick
    double simulateP50Ms = 0, simulateP99Ms = 0;  // movement, services, snapshots built and sealed
    double sendP50Ms = 0, sendP99Ms = 0;          // the flush: one datagram per client, in the kernel
    double idleReceiveMsPerTick = 0;    // reading the socket between ticks, per tick (not in the above)
    double cpuShare = 0;                // the process's CPU time per second of the window (all threads)
    uint32_t clients = 0;
    double packetsInPerSecond = 0, packetsOutPerSecond = 0;
    double sendCallsPerSecond = 0, receiveCallsPerSecond = 0;  // system calls moving those (batched)
    double bytesInPerSecond = 0, bytesOutPerSecond = 0;  // on the wire (ENet + UDP/IP headers)
    uint64_t inputsReceived = 0, inputsApplied = 0;      // in the window
    uint64_t inputsDropped = 0;                          // ... of which over a client's queue
    double avatarsInViewMean = 0;       // avatars per snapshot frame, in the window
    double snapshotsPerSecond = 0;
    uint64_t ticksWithoutSnapshots = 0;                  // ticks run behind time, snapshots left to the next
    uint64_t readsCut = 0;              // tick reads that stopped at the tick's packet budget, rest read after
    uint64_t totalInputsReceived = 0, totalInputsApplied = 0;  // since start
    uint64_t totalDatagramsRefused = 0;  // since start: datagrams the kernel would not send (lost)
    uint64_t uptimeMs = 0;
};

class Host {
public:
    Host();
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    // Loads the event, opens the store, binds the port. False with a message naming the problem.
    bool start(const HostDesc& desc, std::string& error);
    // Serves until `stop` becomes true, then refuses everyone with "shutting down".
    void run(const std::atomic<bool>& stop);
    // Tick and traffic figures over the recent window.
    TickStats tickStats() const;
    uint16_t port() const;
    // The public half of the link key: what invitations carry (dockhall --server-key HEX).
    net::LinkPublicKey linkPublicKey() const;
    // The registration the hall runs with (resolved by start()).
    Registration registration() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace server
