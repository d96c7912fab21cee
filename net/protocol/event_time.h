// event_time.h: times as the event's people read them. The agenda, meeting slots, deadlines,
// certificates and the report all speak the event's local time ("2024-06-04 14:20" in China),
// whatever zone the server or a viewer's machine is in. Pure: no time zone database, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace net {

// The sample events are in China (UTC+8); an event file may say otherwise (server side).
constexpr int kChinaUtcOffsetMinutes = 480;

enum class EventTimeFormat : uint8_t {
    DateTime,      // "2024-06-04 14:20"
    MonthDayTime,  // "06-04 14:20"  (slots and reminders, where the year goes without saying)
    Date,          // "2024-06-04"
    Time,          // "14:20"
};

// unix ms -> text in a zone `utcOffsetMinutes` east of UTC.
std::string formatEventTime(int64_t unixMs, int utcOffsetMinutes, EventTimeFormat format = EventTimeFormat::DateTime);

// "YYYY-MM-DD HH:MM" in that zone -> unix ms; nullopt unless it is a real date and time
// (2024-02-30 and 24:00 are refused, nothing may follow).
std::optional<int64_t> parseEventTime(const std::string& text, int utcOffsetMinutes);

// "YYYY-MM-DD" -> the last second of that day in that zone (a deadline includes its day).
std::optional<int64_t> parseEventDateEnd(const std::string& text, int utcOffsetMinutes);

}  // namespace net
