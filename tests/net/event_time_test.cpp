// Times as the event's people read them (net/protocol/event_time.h): the agenda, meeting slots,
// deadlines, certificates and the report all go through these.
#include <gtest/gtest.h>

#include "net/protocol/event_time.h"

namespace {
using net::EventTimeFormat;
constexpr int kChina = net::kChinaUtcOffsetMinutes;
}  // namespace

TEST(EventTime, AnAgendaTimeInChinaIsTheRightInstantAndReadsBackTheSame) {
    auto ms = net::parseEventTime("2024-06-04 14:20", kChina);
    ASSERT_TRUE(ms);
    EXPECT_EQ(*ms, 1717482000000);  // 06:20 UTC
    EXPECT_EQ(net::formatEventTime(*ms, kChina), "2024-06-04 14:20");
    EXPECT_EQ(net::formatEventTime(*ms, kChina, EventTimeFormat::MonthDayTime), "06-04 14:20");
    EXPECT_EQ(net::formatEventTime(*ms, kChina, EventTimeFormat::Date), "2024-06-04");
    EXPECT_EQ(net::formatEventTime(*ms, kChina, EventTimeFormat::Time), "14:20");
    // The same instant read in UTC and in a zone west of it.
    EXPECT_EQ(net::formatEventTime(*ms, 0), "2024-06-04 06:20");
    EXPECT_EQ(net::formatEventTime(*ms, -420), "2024-06-03 23:20");
}

TEST(EventTime, MidnightLeapDaysAndTheYearsEndCrossCorrectly) {
    // 00:30 in Beijing is still the previous day in UTC.
    auto ms = net::parseEventTime("2025-01-01 00:30", kChina);
    ASSERT_TRUE(ms);
    EXPECT_EQ(net::formatEventTime(*ms, 0), "2024-12-31 16:30");
    EXPECT_EQ(net::formatEventTime(*ms, kChina), "2025-01-01 00:30");
    EXPECT_TRUE(net::parseEventTime("2024-02-29 09:00", kChina));
    // Before 1970 too (instants below zero round down, not toward zero).
    EXPECT_EQ(net::formatEventTime(-1, 0), "1969-12-31 23:59");
}

TEST(EventTime, DatesAndTimesThatDoNotExistAreRefused) {
    for (const char* bad : {"2023-02-29 09:00", "2024-02-30 09:00", "2024-04-31 10:00", "2024-13-04 14:20",
                            "2024-06-04 24:00", "2024-06-04 12:60", "2024-06-04", "tomorrow", "",
                            "2024-06-04 14:20 extra", "2024-00-10 10:00"})
        EXPECT_FALSE(net::parseEventTime(bad, kChina)) << bad;
}

TEST(EventTime, ADeadlineIncludesItsWholeDayInTheEventsZone) {
    auto end = net::parseEventDateEnd("2026-12-31", kChina);
    ASSERT_TRUE(end);
    EXPECT_EQ(net::formatEventTime(*end, kChina), "2026-12-31 23:59");
    EXPECT_EQ(net::formatEventTime(*end + 1000, kChina), "2027-01-01 00:00");
    EXPECT_EQ(net::formatEventTime(*end, kChina, EventTimeFormat::Date), "2026-12-31");
    EXPECT_FALSE(net::parseEventDateEnd("2026-02-30", kChina));
    EXPECT_FALSE(net::parseEventDateEnd("2026-12-31 10:00", kChina));
    EXPECT_FALSE(net::parseEventDateEnd("31/12/2026", kChina));
}
