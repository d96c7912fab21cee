// event_time.cpp: civil dates without the C library's time zone state (event_time.h).
#include "net/protocol/event_time.h"

#include <cstdio>

namespace net {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

struct Civil {
    int64_t year;
    unsigned month, day;
};

Civil civilFromDays(int64_t days) {
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {int64_t(yoe) + era * 400 + (m <= 2), m, d};
}

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// A date that exists (the day is checked by going there and back).
std::optional<int64_t> daysOf(int y, int m, int d) {
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const int64_t days = daysFromCivil(y, unsigned(m), unsigned(d));
    const Civil back = civilFromDays(days);
    if (back.month != unsigned(m) || back.day != unsigned(d)) return std::nullopt;  // 02-30 rolled over
    return days;
}

}  // namespace

std::string formatEventTime(int64_t unixMs, int utcOffsetMinutes, EventTimeFormat format) {
    const int64_t minutes = floorDiv(unixMs, 60'000) + utcOffsetMinutes;
    const int64_t days = floorDiv(minutes, 1440);
    const int inDay = int(minutes - days * 1440);
    const Civil c = civilFromDays(days);
    char buf[48];
    switch (format) {
        case EventTimeFormat::DateTime:
            std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d", (long long)c.year, c.month, c.day, inDay / 60, inDay % 60);
            break;
        case EventTimeFormat::MonthDayTime:
            std::snprintf(buf, sizeof buf, "%02u-%02u %02d:%02d", c.month, c.day, inDay / 60, inDay % 60);
            break;
        case EventTimeFormat::Date:
            std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", (long long)c.year, c.month, c.day);
            break;
        case EventTimeFormat::Time:
            std::snprintf(buf, sizeof buf, "%02d:%02d", inDay / 60, inDay % 60);
            break;
    }
    return buf;
}

std::optional<int64_t> parseEventTime(const std::string& text, int utcOffsetMinutes) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5) return std::nullopt;
    const auto days = daysOf(y, mo, d);
    if (!days || h < 0 || h > 23 || mi < 0 || mi > 59) return std::nullopt;
    return (*days * 1440 + h * 60 + mi - utcOffsetMinutes) * 60'000;
}

std::optional<int64_t> parseEventDateEnd(const std::string& text, int utcOffsetMinutes) {
    int y = 0, mo = 0, d = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3) return std::nullopt;
    const auto days = daysOf(y, mo, d);
    if (!days) return std::nullopt;
    return ((*days + 1) * 1440 - utcOffsetMinutes) * 60'000 - 1000;
}

}  // namespace net
