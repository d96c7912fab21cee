// docking_service.h: the docking board, meetings, business cards and booth visits of one event,
// on the server.
//
// The EventServer hands it every docking message (docking_msgs.h) of a joined participant and
// tells it who joined and left; the service answers through a DockingLink (send to one
// participant, teleport, read a position). Time is passed in; storage is the EventStore (may be
// null: nothing survives the process).
//
// Rules it enforces (each refusal is a DockReply plus a Notice, in Chinese and English):
//   - A post belongs to its author's organization; only that organization edits or withdraws it.
//     Needs come from enterprises, capabilities from universities and institutes. The organizer
//     may hide or show any post.
//   - A write is acknowledged (PostSaved, DockReply ok, MeetingUpdate...) only after the store
//     committed it.
//   - Posts are matched with docking::Board; a new or edited post gets its matches at once and
//     the online members of every organization it newly matches are told (Notice + ForYou).
//   - A meeting's details go to its two parties and the organizers only. No person and no table
//     is booked twice at overlapping times. Five minutes before, both parties get a reminder; at
//     the start a call to the table. Table chat reaches only the meeting's parties seated at its
//     table (within seatRadius of it).
//   - Business cards are exchanged on request and acceptance; a booth's visitors become the
//     leads of its organization's members.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/docking_msgs.h"
#include "server/core/store.h"

namespace server {

namespace docking {
class Board;
}

// What the service needs of the server around it.
class DockingLink {
public:
    virtual ~DockingLink() = default;
    virtual void send(net::ParticipantId to, const net::Bytes& packet) = 0;
    virtual void teleport(net::ParticipantId who, net::Vec2 to) = 0;
    virtual std::optional<net::Vec2> position(net::ParticipantId who) const = 0;
};

struct DockingDesc {
    std::vector<net::MeetingSession> sessions;  // empty: read "docking.meetingSessions" from the stored event
    int utcOffsetMinutes = 480;                 // the event's time zone (China)
    uint32_t reminderMinutes = 5;               // reminder this long before a meeting
    float seatRadius = 3.0f;                    // metres from a table's centre that count as seated
    uint32_t minVisitSeconds = 3;               // shorter stays at a booth are passing by, not visits
    size_t matchesPerPost = 10;
};

struct DockingPerson {
    net::ParticipantId id;
    uint32_t account = 0;          // 0: the server has no store; the service numbers people itself
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
};

// "org:3" for an organization of the event (matched by its Chinese or English name, case and
// spacing aside), "name:<org as typed, lowercased>" otherwise.
std::string orgKeyFor(const std::string& org, const std::vector<net::Organization>& orgs);

class DockingService {
public:
    // `layout`, `store` and `link` must outlive the service. `eventJson` (may be empty) supplies
    // meeting sessions and seed posts ("docking" object, docs/event-format.md).
    DockingService(const DockingDesc& desc, const net::EventLayout& layout, EventStore* store, DockingLink& link,
                   const std::string& eventJson = {});
    ~DockingService();

    void onJoin(const DockingPerson& who, int64_t unixMs);
    void onLeave(net::ParticipantId id, int64_t unixMs);
    // A docking message from a joined participant. False: malformed (the caller counts it).
    bool onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet, int64_t unixMs);
    // Reminders, calls to the table, booth visits. Call every tick.
    void update(int64_t unixMs);

    const docking::Board& board() const;
    size_t postCount() const;
    size_t meetingCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace server
