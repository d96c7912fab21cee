// meetings.cpp: slots, bookings and free tables; the event's local time.
#include "server/core/meetings.h"

#include <algorithm>
#include <cstdio>

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

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}
}  // namespace

std::optional<int64_t> parseLocalTime(const std::string& text, int utcOffsetMinutes) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) return std::nullopt;
    int64_t minutes = daysFromCivil(y, unsigned(mo), unsigned(d)) * 1440 + h * 60 + mi - utcOffsetMinutes;
    return minutes * 60'000;
}

std::string formatLocalTime(int64_t unixMs, int utcOffsetMinutes) {
    int64_t minutes = unixMs / 60'000 + utcOffsetMinutes;
    int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
    int64_t inDay = minutes - days * 1440;
    // civil_from_days
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02u-%02u %02d:%02d", m, d, int(inDay / 60), int(inDay % 60));
    return buf;
}

}  // namespace server
