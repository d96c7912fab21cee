// meetings.cpp: slots, bookings and free tables; the event's local time.
#include "server/core/meetings.h"

#include <algorithm>

namespace server {

MeetingBook::MeetingBook(std::vector<net::MeetingSession> sessions, std::vector<net::NegotiationTable> tables)
    : m_sessions(std::move(sessions)), m_tables(std::move(tables)) {}

const net::NegotiationTable* MeetingBook::table(uint16_t id) const {
    for (const auto& t : m_tables)
        if (t.id.v == id) return &t;
    return nullptr;
}

uint16_t MeetingBook::slotCount(uint8_t session) const {
    if (session >= m_sessions.size()) return 0;
    const auto& s = m_sessions[session];
    if (s.slotMinutes == 0) return 0;
    return uint16_t(std::min<int>(s.minutes / s.slotMinutes, net::kMaxSlotsPerSession));
}

std::optional<SlotTime> MeetingBook::slotTime(net::SlotRef slot) const {
    if (slot.index >= slotCount(slot.session)) return std::nullopt;
    const auto& s = m_sessions[slot.session];
    return SlotTime{s.startMs + int64_t(slot.index) * s.slotMinutes * 60'000, s.slotMinutes};
}

bool MeetingBook::busy(uint32_t account, const SlotTime& t, uint32_t except) const {
    return std::any_of(m_bookings.begin(), m_bookings.end(), [&](const Booking& b) {
        return b.meeting != except && (b.a == account || b.b == account) && b.time.overlaps(t);
    });
}

std::optional<uint16_t> MeetingBook::freeTable(const SlotTime& t, uint32_t except) const {
    for (const auto& table : m_tables) {
        bool taken = std::any_of(m_bookings.begin(), m_bookings.end(), [&](const Booking& b) {
            return b.meeting != except && b.table == table.id.v && b.time.overlaps(t);
        });
        if (!taken) return table.id.v;
    }
    return std::nullopt;
}

void MeetingBook::book(const Booking& b) {
    release(b.meeting);
    m_bookings.push_back(b);
}

void MeetingBook::release(uint32_t meeting) {
    std::erase_if(m_bookings, [&](const Booking& b) { return b.meeting == meeting; });
}

const Booking* MeetingBook::find(uint32_t meeting) const {
    for (const auto& b : m_bookings)
        if (b.meeting == meeting) return &b;
    return nullptr;
}

}  // namespace server
