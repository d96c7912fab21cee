// store.h: what the event server keeps across restarts, behind an interface.
//
// server_core talks only to this interface; server_store implements it with SQLite (a file in
// WAL mode, or ":memory:" for tests). Every write method returns only after the write is durable
// (committed), so whatever the server acknowledged to a client survives a crash.
// Methods return false / nullopt on a storage error; the store logs the SQLite message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/protocol/messages.h"

namespace server {

struct ParticipantRecord {
    uint32_t accountId = 0;        // stable across sessions: the store assigns it (name + org + role)
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
    int64_t firstSeenMs = 0;       // unix ms
    int64_t lastSeenMs = 0;
    uint32_t sessions = 0;         // how many times they joined
};

class EventStore {
public:
    virtual ~EventStore() = default;

    // The event definition as loaded (JSON text) plus its organizations, replacing any earlier one.
    virtual bool saveEvent(const std::string& eventJson, const net::EventLayout& layout) = 0;
    virtual std::optional<std::string> loadEventJson() = 0;
    // Organizations as saved with the event: (name, kind) in booth order.
    virtual std::vector<net::Organization> organizations() = 0;

    // Records a join: creates the participant on first sight (same name + org + role), updates
    // lastSeen and the session count otherwise. Returns the record, or nullopt on error.
    virtual std::optional<ParticipantRecord> recordJoin(const std::string& name, const std::string& org, net::Role role,
                                                        int64_t nowMs) = 0;
    virtual bool recordLeave(uint32_t accountId, int64_t nowMs) = 0;
    virtual std::vector<ParticipantRecord> participants() = 0;

    // Chat: lines are appended with their id (ids increase); recentChat returns the newest `n`,
    // oldest first. lastChatId is 0 for an empty log.
    virtual bool appendChat(const net::ChatLine& line) = 0;
    virtual std::vector<net::ChatLine> recentChat(size_t n) = 0;
    virtual uint32_t lastChatId() = 0;
};

}  // namespace server
