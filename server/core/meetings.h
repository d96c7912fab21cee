// meetings.h: the meeting book: slots of the event's meeting sessions, who is booked when, and
// which negotiation table is free. Pure: no I/O, no clock (times are passed in).
//
// A session ("Matchmaking, afternoon", 14:00 for 120 minutes in 20-minute slots) is cut into
// slots; a meeting takes one slot and one table. Two booked meetings never share a person or a
// table at overlapping times, whatever their sessions (sessions may overlap in time):
//
//   MeetingBook book(sessions, layout.tables);
//   auto t = book.slotTime({.session = 0, .index = 2});        // 14:40, 20 minutes
//   if (book.busy(alice, *t, 0)) refuse("Alice is booked then");
//   if (auto table = book.freeTable(*t, 0)) book.book({id, alice, bob, *table, *t});
//
// Also the event's local time: sessions are written as "2024-06-04 14:00" in the event's
// time zone (UTC+8 unless the event says otherwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/protocol/docking_msgs.h"

namespace server {

struct SlotTime {
    int64_t startMs = 0;  // unix ms
    uint16_t minutes = 0;
    int64_t endMs() const { return startMs + int64_t(minutes) * 60'000; }
    bool overlaps(const SlotTime& o) const { return startMs < o.endMs() && o.startMs < endMs(); }
};

struct Booking {
    uint32_t meeting = 0;
    uint32_t a = 0, b = 0;   // the two accounts
    uint16_t table = 0;      // TableId
    SlotTime time;
};

class MeetingBook {
public:
    MeetingBook() = default;
    MeetingBook(std::vector<net::MeetingSession> sessions, std::vector<net::NegotiationTable> tables);

    const std::vector<net::MeetingSession>& sessions() const { return m_sessions; }
    const std::vector<net::NegotiationTable>& tables() const { return m_tables; }
    const net::NegotiationTable* table(uint16_t id) const;

    // The slot's time; nullopt when the session or slot does not exist.
    std::optional<SlotTime> slotTime(net::SlotRef slot) const;
    uint16_t slotCount(uint8_t session) const;

    // Whether `account` has a booked meeting overlapping `t` (other than `except`).
    bool busy(uint32_t account, const SlotTime& t, uint32_t except) const;
    // The first table with no booked meeting overlapping `t` (other than `except`).
    std::optional<uint16_t> freeTable(const SlotTime& t, uint32_t except) const;

    // Records a booking (replacing one of the same meeting). The caller checked busy/freeTable.
    void book(const Booking& b);
    void release(uint32_t meeting);
    const Booking* find(uint32_t meeting) const;
    size_t size() const { return m_bookings.size(); }

private:
    std::vector<net::MeetingSession> m_sessions;
    std::vector<net::NegotiationTable> m_tables;
    std::vector<Booking> m_bookings;
};


}  // namespace server
