// The working-day calendar. Every expected value here was worked out by hand from the State
// Council notices (the shipped CSV) and a printed calendar; the derivations are in the comments.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/core.hpp"

using namespace duban::core;

namespace {

// An instant given as CST wall time "2025-10-09T17:30", parsed by the RFC 3339 parser (not by
// the calendar's own LocalTime).
TimePoint Cst(const std::string& local) {
    TimePoint t;
    EXPECT_TRUE(ParseRfc3339(local + ":00+08:00", &t)) << local;
    return t;
}

Date D(const char* s) { return *Date::Parse(s); }

constexpr int64_t kDayMinutes = 450;  // 08:30-12:00 (210) + 13:30-17:30 (240)

std::vector<std::string> SplitLines(std::string_view text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        out.emplace_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

}  // namespace

// ---- dates and local time ----

TEST(CalendarDate, ParsesFormatsAndKnowsWeekdays) {
    EXPECT_EQ(D("2025-10-01").ToString(), "2025-10-01");
    EXPECT_EQ(D("2025-10-01").Weekday(), 3);  // Wednesday
    EXPECT_EQ(D("2024-02-04").Weekday(), 7);  // Sunday
    EXPECT_EQ(D("1970-01-01").DaysSinceEpoch(), 0);
    EXPECT_EQ(D("1970-01-01").Weekday(), 4);  // Thursday
    EXPECT_EQ(D("1969-12-31").DaysSinceEpoch(), -1);
    EXPECT_EQ(D("2000-03-01").DaysSinceEpoch(), 11017);
    EXPECT_EQ(D("2024-02-28").AddDays(1), D("2024-02-29"));
    EXPECT_EQ(D("2025-02-28").AddDays(1), D("2025-03-01"));
    EXPECT_EQ(D("2025-12-31").AddDays(1), D("2026-01-01"));
    EXPECT_FALSE(Date::Parse("2025-02-29"));
    EXPECT_FALSE(Date::Parse("2025-13-01"));
    EXPECT_FALSE(Date::Parse("2025-1-01"));
    EXPECT_FALSE(Date::Parse("2025/01/01"));
    EXPECT_FALSE(Date::Parse(""));
    EXPECT_TRUE(Date::Parse("2024-02-29"));
    for (int64_t n = -800; n < 800000; n += 997) {
        EXPECT_EQ(Date::FromDays(n).DaysSinceEpoch(), n);
    }
}

TEST(CalendarDate, LocalTimeIsUtcPlusEight) {
    TimePoint t;
    ASSERT_TRUE(ParseRfc3339("2025-09-30T17:30:00Z", &t));  // 01:30 on 1 October in Beijing
    EXPECT_EQ(LocalDate(t), D("2025-10-01"));
    EXPECT_EQ(LocalMinuteOfDay(t), 90);
    ASSERT_TRUE(ParseRfc3339("2025-10-09T09:30:00Z", &t));
    EXPECT_EQ(LocalTime(D("2025-10-09"), 17 * 60 + 30), t);
    ASSERT_TRUE(ParseRfc3339("1969-12-31T15:59:00Z", &t));  // 23:59 CST, before the epoch
    EXPECT_EQ(LocalDate(t), D("1969-12-31"));
    EXPECT_EQ(LocalMinuteOfDay(t), 23 * 60 + 59);
}

// ---- (a) the shipped data ----

TEST(CalendarShipped, EveryCsvRowReadsAsItsKind) {
    WorkCalendar cal = ShippedCalendar();
    auto lines = SplitLines(ShippedCalendarCsv());
    ASSERT_GT(lines.size(), 100u);
    EXPECT_EQ(lines[0], "date,kind,festival,source");
    int holidays = 0, workdays = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.empty()) continue;
        Date d = D(line.substr(0, 10).c_str());
        std::string kind = line.substr(11, line.find(',', 11) - 11);
        if (kind == "holiday") {
            ++holidays;
            EXPECT_EQ(cal.Kind(d), DayKind::kHoliday) << line;
            EXPECT_FALSE(cal.IsWorkday(d)) << line;
        } else {
            ASSERT_EQ(kind, "workday") << line;
            ++workdays;
            EXPECT_EQ(cal.Kind(d), DayKind::kAdjustedWorkday) << line;
            EXPECT_TRUE(cal.IsWorkday(d)) << line;
            EXPECT_GE(d.Weekday(), 6) << line;
        }
    }
    // Counted from the notices. Days off listed: 2024 1+8+3+5+1+3+7 = 28 (元旦, 春節, 清明, 勞動,
    // 端午 6/10 only, 中秋, 國慶), 2025 1+8+3+5+3+8 = 28, 2026 3+9+3+5+3+3+7 = 33. Adjusted
    // workdays: 8, 5 and 6 (listed in the per-year derivations below).
    EXPECT_EQ(holidays, 28 + 28 + 33);
    EXPECT_EQ(workdays, 8 + 5 + 6);
    EXPECT_EQ(cal.Special().size(), static_cast<size_t>(holidays + workdays));
    EXPECT_EQ(cal.Years(), (std::vector<int>{2024, 2025, 2026}));
    EXPECT_EQ(ShippedCalendarName(), "data/calendar/cn-official-days-2024-2026.csv");
    EXPECT_EQ(cal.office_hours().ToString(), "08:30-12:00,13:30-17:30");
}

TEST(CalendarShipped, PlainDaysFollowTheWeek) {
    WorkCalendar cal = ShippedCalendar();
    EXPECT_EQ(cal.Kind(D("2025-10-10")), DayKind::kWorkday);  // Friday
    EXPECT_EQ(cal.Kind(D("2025-10-12")), DayKind::kRestday);  // Sunday
    EXPECT_EQ(cal.Kind(D("2025-10-11")), DayKind::kAdjustedWorkday);
    EXPECT_EQ(cal.Kind(D("2025-10-04")), DayKind::kHoliday);  // Saturday inside the span
    EXPECT_EQ(cal.Kind(D("2027-10-01")), DayKind::kWorkday);  // unknown year: plain rule
    EXPECT_STREQ(DayKindName(DayKind::kAdjustedWorkday), "adjusted_workday");
}

// ---- (b) working days per year and month ----
// Year totals: Mon-Fri days, minus holidays on Mon-Fri, plus adjusted weekend workdays.
// 2024 (leap, 1 Jan a Monday): 262 Mon-Fri. Holidays on weekdays: 元旦 1/1 (1); 春節 2/12-16 (5);
//   清明 4/4-5 (2); 勞動 5/1-3 (3); 端午 6/10 (1); 中秋 9/16-17 (2); 國慶 10/1-4, 10/7 (5) = 19.
//   Adjusted: 2/4 2/18 4/7 4/28 5/11 9/14 9/29 10/12 = 8. 262 - 19 + 8 = 251.
// 2025 (1 Jan a Wednesday): 261 Mon-Fri. Holidays on weekdays: 1/1 (1); 1/28-31, 2/3-4 (6);
//   4/4 (1); 5/1-2, 5/5 (3); 6/2 (1); 10/1-3, 10/6-8 (6) = 18. Adjusted: 1/26 2/8 4/27 9/28
//   10/11 = 5. 261 - 18 + 5 = 248.
// 2026 (1 Jan a Thursday): 261 Mon-Fri. Holidays on weekdays: 1/1-2 (2); 2/16-20, 2/23 (6);
//   4/6 (1); 5/1, 5/4-5 (3); 6/19 (1); 9/25 (1); 10/1-2, 10/5-7 (5) = 19. Adjusted: 1/4 2/14
//   2/28 5/9 9/20 10/10 = 6. 261 - 19 + 6 = 248.
TEST(CalendarCounts, WorkingDaysPerYear) {
    WorkCalendar cal = ShippedCalendar();
    struct {
        int year, expected;
    } cases[] = {{2024, 251}, {2025, 248}, {2026, 248}};
    for (auto c : cases) {
        Date first{c.year, 1, 1}, last{c.year, 12, 31};
        EXPECT_EQ(cal.WorkdaysBetween(first.AddDays(-1), last), c.expected) << c.year;
        int walked = 0;
        for (Date d = first; d <= last; d = d.AddDays(1)) walked += cal.IsWorkday(d) ? 1 : 0;
        EXPECT_EQ(walked, c.expected) << c.year;
    }
}

// Months: Mon-Fri days of the month, minus weekday holidays, plus adjusted workdays.
TEST(CalendarCounts, WorkingDaysPerMonth) {
    WorkCalendar cal = ShippedCalendar();
    struct {
        const char* last_day_before;
        const char* last_day;
        int expected;
    } cases[] = {
        // Oct 2025: 1 Oct a Wednesday, 23 Mon-Fri; 10-01..03 and 06..08 off (6); Sat 10-11 works.
        {"2025-09-30", "2025-10-31", 23 - 6 + 1},
        // Sep 2025: 1 Sep a Monday, 22 Mon-Fri; Sun 09-28 works.
        {"2025-08-31", "2025-09-30", 22 + 1},
        // Jan 2025: 23 Mon-Fri; 01-01 and 01-28..31 off (5); Sun 01-26 works.
        {"2024-12-31", "2025-01-31", 23 - 5 + 1},
        // Feb 2025: 1 Feb a Saturday, 20 Mon-Fri; 02-03..04 off; Sat 02-08 works.
        {"2025-01-31", "2025-02-28", 20 - 2 + 1},
        // Feb 2026: 1 Feb a Sunday, 20 Mon-Fri; 02-16..20 and 02-23 off; Sats 02-14, 02-28 work.
        {"2026-01-31", "2026-02-28", 20 - 6 + 2},
        // Feb 2024 (29 days, 1 Feb a Thursday): 21 Mon-Fri; 02-12..16 off; Suns 02-04, 02-18 work.
        {"2024-01-31", "2024-02-29", 21 - 5 + 2},
        // Mar 2025, nothing special: 21 Mon-Fri.
        {"2025-02-28", "2025-03-31", 21},
    };
    for (auto c : cases) {
        EXPECT_EQ(cal.WorkdaysBetween(D(c.last_day_before), D(c.last_day)), c.expected)
            << c.last_day;
    }
    EXPECT_EQ(cal.WorkdaysBetween(D("2025-10-31"), D("2025-09-30")), 0);
    EXPECT_EQ(cal.WorkdaysBetween(D("2025-10-31"), D("2025-10-31")), 0);
}

// ---- (c) adding working days ----

TEST(CalendarAddWorkdays, AcrossSpringFestival2025) {
    WorkCalendar cal = ShippedCalendar();
    // From Friday 01-24: Sat 01-25 rest, Sun 01-26 works (1), Mon 01-27 (2), 01-28..02-04 off,
    // 02-05 (3), 02-06 (4), 02-07 (5), Sat 02-08 works (6), Sun off, Mon 02-10 (7).
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-24"), 1), D("2025-01-26"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-24"), 2), D("2025-01-27"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-24"), 3), D("2025-02-05"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-24"), 6), D("2025-02-08"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-24"), 7), D("2025-02-10"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-28"), 0), D("2025-02-05"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-01-26"), 0), D("2025-01-26"));
}

TEST(CalendarAddWorkdays, AcrossNationalDay2025) {
    WorkCalendar cal = ShippedCalendar();
    // From Friday 09-26: Sun 09-28 works (1), 09-29 (2), 09-30 (3), 10-01..08 off, 10-09 (4),
    // 10-10 (5), Sat 10-11 works (6), Sun off, 10-13 (7), 10-14..17 (8-11), 10-20..23 (12-15).
    EXPECT_EQ(cal.AddWorkdays(D("2025-09-26"), 1), D("2025-09-28"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-09-26"), 4), D("2025-10-09"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-09-26"), 6), D("2025-10-11"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-09-26"), 7), D("2025-10-13"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-09-26"), 15), D("2025-10-23"));
    EXPECT_EQ(cal.AddWorkdays(D("2025-10-01"), 0), D("2025-10-09"));
    // Across years, through the week jumps: 251 working days in 2024 after its 1 Jan holiday,
    // 248 in 2025, whose last working day is Wednesday 31 Dec.
    EXPECT_EQ(cal.AddWorkdays(D("2024-01-01"), 251), D("2024-12-31"));
    EXPECT_EQ(cal.AddWorkdays(D("2024-01-01"), 251 + 248), D("2025-12-31"));
}

TEST(CalendarAddWorkdays, DeadlineIsTheEndOfOfficeHours) {
    WorkCalendar cal = ShippedCalendar();
    // Tuesday 30 Sep 2025 10:00: 1 working day -> Thursday 9 Oct, 3 -> Saturday 11 Oct.
    EXPECT_EQ(cal.AddWorkdaysDeadline(Cst("2025-09-30T10:00"), 1), Cst("2025-10-09T17:30"));
    EXPECT_EQ(cal.AddWorkdaysDeadline(Cst("2025-09-30T10:00"), 3), Cst("2025-10-11T17:30"));
    // The day of t does not count, even late at night; 23:30 CST is still 30 Sep locally.
    EXPECT_EQ(cal.AddWorkdaysDeadline(Cst("2025-09-30T23:30"), 1), Cst("2025-10-09T17:30"));
    // 00:30 CST on 1 Oct is 30 Sep in UTC; the local date (1 Oct, a holiday) is what counts.
    EXPECT_EQ(cal.AddWorkdaysDeadline(Cst("2025-10-01T00:30"), 1), Cst("2025-10-09T17:30"));
}

TEST(CalendarAddWorkdays, AgreesWithADayByDayWalk) {
    WorkCalendar cal = ShippedCalendar();
    std::mt19937 rng(20251001);
    std::uniform_int_distribution<int64_t> day(D("2023-11-01").DaysSinceEpoch(),
                                               D("2026-12-31").DaysSinceEpoch());
    std::uniform_int_distribution<int> count(0, 400);
    for (int i = 0; i < 300; ++i) {
        Date start = Date::FromDays(day(rng));
        int n = count(rng);
        Date walked = start;
        if (n == 0) {
            while (!cal.IsWorkday(walked)) walked = walked.AddDays(1);
        } else {
            for (int left = n; left > 0;) {
                walked = walked.AddDays(1);
                if (cal.IsWorkday(walked)) --left;
            }
        }
        ASSERT_EQ(cal.AddWorkdays(start, n), walked) << start.ToString() << " + " << n;
        if (n > 0) {
            ASSERT_EQ(cal.WorkdaysBetween(start, walked), n) << start.ToString();
        }
    }
}

// ---- (d) working minutes ----

TEST(CalendarMinutes, LunchNightWeekendAndAdjustedSaturday) {
    WorkCalendar cal = ShippedCalendar();
    // Lunch: Monday 3 Mar 2025 11:00 + 90 = 60 before noon + 30 after 13:30.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T11:00"), 90), Cst("2025-03-03T14:00"));
    // Exactly to noon stays at noon.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T11:00"), 60), Cst("2025-03-03T12:00"));
    // From inside the lunch break.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T12:30"), 15), Cst("2025-03-03T13:45"));
    // Before the office opens.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T07:00"), 30), Cst("2025-03-03T09:00"));
    // Night: 17:00 + 60 = 30 today + 30 from 08:30 tomorrow.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T17:00"), 60), Cst("2025-03-04T09:00"));
    // Weekend: Friday 7 Mar 16:30 + 120 = 60 on Friday + 60 on Monday 10 Mar.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-07T16:30"), 120), Cst("2025-03-10T09:30"));
    // Starting on a Sunday.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-09T10:00"), 10), Cst("2025-03-10T08:40"));
    // Adjusted Saturday: Friday 10 Oct 2025 17:00 + 60 -> Saturday 11 Oct 09:00.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-10-10T17:00"), 60), Cst("2025-10-11T09:00"));
    // National Day: Tue 30 Sep 16:30 + 480 = 60 on 30 Sep, 10-01..08 off, then 420 on Thu 9 Oct:
    // 210 in the morning, 210 from 13:30 -> 17:00.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-09-30T16:30"), 480), Cst("2025-10-09T17:00"));
    // A whole day from the opening ends at that day's close, not the next morning.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T08:30"), kDayMinutes), Cst("2025-03-03T17:30"));
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T17:30"), kDayMinutes), Cst("2025-03-04T17:30"));
    // Friday 12:30 + 450 = 240 on Friday afternoon + 210 on Monday morning -> Monday 12:00.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-07T12:30"), kDayMinutes), Cst("2025-03-10T12:00"));
    // Ten working days from Monday 08:30 (two plain weeks) ends on the second Friday's close.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T08:30"), 10 * kDayMinutes),
              Cst("2025-03-14T17:30"));
    // Zero is t itself, even at night.
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-08T22:00"), 0), Cst("2025-03-08T22:00"));
}

TEST(CalendarMinutes, WorkingSecondsBetweenByHand) {
    WorkCalendar cal = ShippedCalendar();
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-03-07T16:30"), Cst("2025-03-10T09:30")), 7200);
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-03-03T11:00"), Cst("2025-03-03T14:00")), 5400);
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-03-03T12:10"), Cst("2025-03-03T13:20")), 0);
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-03-08T09:00"), Cst("2025-03-09T17:00")), 0);
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-03-10T09:00"), Cst("2025-03-03T09:00")), 0);
    // Whole of 2025-10 (18 working days) from the end of September to the start of November.
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-09-30T23:00"), Cst("2025-11-01T00:00")),
              18 * kDayMinutes * 60);
    // Adjusted Saturday 11 Oct counts, Sunday 12 Oct does not.
    EXPECT_EQ(cal.WorkingSecondsBetween(Cst("2025-10-11T00:00"), Cst("2025-10-13T00:00")),
              kDayMinutes * 60);
    // Sub-second instants round down to whole seconds.
    TimePoint a = Cst("2025-03-03T09:00") + std::chrono::milliseconds(700);
    EXPECT_EQ(cal.WorkingSecondsBetween(a, Cst("2025-03-03T09:01")), 59);
}

TEST(CalendarMinutes, CustomOfficeHours) {
    WorkCalendar cal = ShippedCalendar();
    auto hours = OfficeHours::Parse("09:00-17:00");
    ASSERT_TRUE(hours.ok());
    cal.SetOfficeHours(*hours);
    EXPECT_EQ(cal.AddWorkingMinutes(Cst("2025-03-03T16:00"), 120), Cst("2025-03-04T10:00"));
    EXPECT_EQ(cal.AddWorkdaysDeadline(Cst("2025-03-03T16:00"), 1), Cst("2025-03-04T17:00"));
}

// ---- (e) the inverse property ----

TEST(CalendarMinutes, WorkingSecondsBetweenInvertsAddWorkingMinutes) {
    WorkCalendar cal = ShippedCalendar();
    TimePoint from = Cst("2023-12-01T00:00"), to = Cst("2026-12-31T00:00");
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int64_t> ms(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
    std::uniform_int_distribution<int64_t> minutes(0, 60 * kDayMinutes);
    std::uniform_int_distribution<int64_t> few(0, 3 * kDayMinutes);
    for (int i = 0; i < 5000; ++i) {
        TimePoint t = from + std::chrono::milliseconds(ms(rng));
        if (i % 4 == 0) t = LocalTime(LocalDate(t), LocalMinuteOfDay(t));  // on a whole minute
        int64_t m = i % 2 ? minutes(rng) : few(rng);
        TimePoint end = cal.AddWorkingMinutes(t, m);
        ASSERT_GE(end, t);
        ASSERT_EQ(cal.WorkingSecondsBetween(t, end), 60 * m) << FormatUtc(t) << " + " << m;
        // The earliest such instant: a second earlier is a second short.
        if (m > 0) {
            ASSERT_EQ(cal.WorkingSecondsBetween(t, end - std::chrono::seconds(1)), 60 * m - 1)
                << FormatUtc(t) << " + " << m;
        }
    }
}

// WorkingSecondsBetween against a minute-by-minute count written independently here.
TEST(CalendarMinutes, WorkingSecondsBetweenAgreesWithAMinuteWalk) {
    WorkCalendar cal = ShippedCalendar();
    auto in_office = [](int minute_of_day) {
        return (minute_of_day >= 510 && minute_of_day < 720) ||
               (minute_of_day >= 810 && minute_of_day < 1050);
    };
    std::mt19937 rng(7);
    std::uniform_int_distribution<int64_t> start_minute(0, 3 * 366 * 1440);
    std::uniform_int_distribution<int64_t> length(0, 12 * 1440);
    TimePoint base = Cst("2024-01-01T00:00");
    for (int i = 0; i < 60; ++i) {
        TimePoint a = base + std::chrono::minutes(start_minute(rng));
        TimePoint b = a + std::chrono::minutes(length(rng));
        int64_t office_minutes = 0;
        for (TimePoint t = a; t < b; t += std::chrono::minutes(1)) {
            TimePoint local = t + std::chrono::hours(8);
            int64_t min =
                std::chrono::duration_cast<std::chrono::minutes>(local.time_since_epoch()).count();
            Date d = Date::FromDays(min / 1440);
            if (cal.IsWorkday(d) && in_office(static_cast<int>(min % 1440))) ++office_minutes;
        }
        ASSERT_EQ(cal.WorkingSecondsBetween(a, b), office_minutes * 60) << FormatUtc(a);
    }
}

// ---- (f) errors ----

TEST(CalendarCsv, ParsesQuotesCrLfAndBlankLines) {
    auto cal = WorkCalendar::FromCsv(
        "\xEF\xBB\xBF"
        "date,kind,festival,source\r\n"
        "2027-01-01,holiday,元旦,\"notice, 2026\"\r\n"
        "\r\n"
        "2027-02-06,workday,春節,\r\n"
        "2027-01-01,holiday,元旦,again\r\n",
        "test.csv");
    ASSERT_TRUE(cal.ok()) << cal.error().message;
    auto special = cal->Special();
    ASSERT_EQ(special.size(), 2u);
    EXPECT_EQ(special[0].source, "notice, 2026");
    EXPECT_EQ(special[0].festival, "元旦");
    EXPECT_EQ(special[1].source, "test.csv");  // empty source falls back to the file name
    EXPECT_EQ(cal->Kind(D("2027-02-06")), DayKind::kAdjustedWorkday);  // a Saturday
}

TEST(CalendarCsv, ErrorsNameLineAndColumn) {
    const std::string header = "date,kind,festival,source\n";
    struct {
        std::string body;
        std::string field;
        std::string where;
        std::string what;
    } cases[] = {
        {"2025-10-01,holiday,國慶節,n\n2025-02-30,holiday,x,n\n", "date", "t.csv line 3, column 1",
         "2025-02-30"},
        {"20251001,holiday,國慶節,n\n", "date", "line 2, column 1", "not a valid date"},
        {"2025-10-01,holday,國慶節,n\n", "kind", "line 2, column 2", "unknown kind \"holday\""},
        // 10 Oct 2025 is a Friday.
        {"2025-10-10,workday,國慶節,n\n", "kind", "line 2, column 2", "is a Friday"},
        {"2025-10-11,workday,x,n\n2025-10-01,holiday,x,n\n2025-10-11,holiday,x,n\n", "kind",
         "line 4, column 2", "on line 2"},
        {"2025-10-01,holiday,國慶節\n", "source", "line 2, column 4", "expected 4 columns"},
        {"2025-10-01,holiday,\"國慶節,n\n", "festival", "line 2, column 3", "unterminated"},
    };
    for (const auto& c : cases) {
        auto r = WorkCalendar::FromCsv(header + c.body, "t.csv");
        ASSERT_FALSE(r.ok()) << c.body;
        EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
        EXPECT_EQ(r.error().field, c.field) << r.error().message;
        EXPECT_NE(r.error().message.find(c.where), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find(c.what), std::string::npos) << r.error().message;
    }
    auto no_header = WorkCalendar::FromCsv("2025-10-01,holiday,x,n\n", "t.csv");
    ASSERT_FALSE(no_header.ok());
    EXPECT_NE(no_header.error().message.find("line 1, column 1"), std::string::npos);
    EXPECT_FALSE(WorkCalendar::FromCsv("", "t.csv").ok());
}

TEST(CalendarCsv, AddValidatesReplacesAndIsAllOrNothing) {
    WorkCalendar cal = ShippedCalendar();
    // 2027: 6 Feb is a Saturday, 5 Feb a Friday.
    Status bad = cal.Add({{D("2027-02-06"), DayKind::kAdjustedWorkday, "春節", "n"},
                          {D("2027-02-05"), DayKind::kAdjustedWorkday, "春節", "n"}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "days[1].kind");
    EXPECT_NE(bad.error().message.find("Friday"), std::string::npos);
    EXPECT_EQ(cal.Kind(D("2027-02-06")), DayKind::kRestday);  // nothing was added
    EXPECT_EQ(cal.Years(), (std::vector<int>{2024, 2025, 2026}));

    Status bad_date = cal.Add({{Date{2027, 2, 30}, DayKind::kHoliday, "", ""}});
    ASSERT_FALSE(bad_date.ok());
    EXPECT_EQ(bad_date.error().field, "days[0].date");
    Status bad_kind = cal.Add({{D("2027-02-08"), DayKind::kRestday, "", ""}});
    ASSERT_FALSE(bad_kind.ok());
    EXPECT_EQ(bad_kind.error().field, "days[0].kind");
    Status conflict = cal.Add({{D("2027-02-06"), DayKind::kAdjustedWorkday, "", ""},
                               {D("2027-02-06"), DayKind::kHoliday, "", ""}});
    ASSERT_FALSE(conflict.ok());
    EXPECT_NE(conflict.error().message.find("days[0]"), std::string::npos);

    ASSERT_TRUE(cal.Add({{D("2027-02-06"), DayKind::kAdjustedWorkday, "春節", "n"},
                         {D("2027-02-08"), DayKind::kHoliday, "春節", "n"}})
                    .ok());
    EXPECT_TRUE(cal.IsWorkday(D("2027-02-06")));
    EXPECT_FALSE(cal.IsWorkday(D("2027-02-08")));
    EXPECT_EQ(cal.Years(), (std::vector<int>{2024, 2025, 2026, 2027}));
    // Replacing by date: a corrected notice makes Saturday 6 Feb a day off instead.
    ASSERT_TRUE(cal.Add({{D("2027-02-06"), DayKind::kHoliday, "春節", "corrected"}}).ok());
    EXPECT_EQ(cal.Kind(D("2027-02-06")), DayKind::kHoliday);
    EXPECT_EQ(cal.Special().size(), 89u + 19u + 2u);
}

TEST(CalendarOfficeHours, ParsesAndNamesTheBadSpan) {
    auto ok = OfficeHours::Parse("08:30-12:00, 13:30-17:30");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->ToString(), "08:30-12:00,13:30-17:30");
    EXPECT_EQ(ok->MinutesPerDay(), 450);
    EXPECT_EQ(OfficeHours{}.MinutesPerDay(), 450);
    auto night = OfficeHours::Parse("00:00-24:00");
    ASSERT_TRUE(night.ok());
    EXPECT_EQ(night->MinutesPerDay(), 1440);

    struct {
        const char* text;
        const char* mentions;
    } bad[] = {
        {"08:30-12:00,11:00-17:30", "span 2 \"11:00-17:30\""},
        {"12:00-08:30", "span 1 \"12:00-08:30\""},
        {"08:30-12:00,13:30-25:00", "span 2 \"13:30-25:00\""},
        {"8:30-12:00", "span 1 \"8:30-12:00\""},
        {"08:30-12:00,", "span 2 \"\""},
        {"08:30-08:30", "span 1"},
        {"", "no office hours"},
    };
    for (auto c : bad) {
        auto r = OfficeHours::Parse(c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().field, "office_hours");
        EXPECT_NE(r.error().message.find(c.mentions), std::string::npos) << r.error().message;
    }
}

TEST(CalendarEdits, ApplyOverTheShippedCalendarAndRoundTrip) {
    const WorkCalendar base = ShippedCalendar();
    Json edits = Json::parse(R"({"days": [
        {"date": "2027-01-01", "kind": "holiday", "festival": "元旦", "source": "test notice"},
        {"date": "2027-02-06", "kind": "workday", "festival": "春節"}],
        "office_hours": "09:00-12:00,14:00-17:00"})");
    auto cal = ApplyCalendarEdits(base, edits);
    ASSERT_TRUE(cal.ok()) << cal.error().message;
    EXPECT_EQ(cal->Kind(D("2027-01-01")), DayKind::kHoliday);
    EXPECT_EQ(cal->Kind(D("2027-02-06")), DayKind::kAdjustedWorkday);
    EXPECT_EQ(cal->office_hours().MinutesPerDay(), 360);
    EXPECT_EQ(base.Kind(D("2027-01-01")), DayKind::kWorkday);  // the base is untouched
    // 16:30 on Thursday 31 December 2026 plus one working hour: 30 minutes that day, then the
    // holiday and the weekend, then 09:00-09:30 on Monday 4 January.
    TimePoint t;
    ASSERT_TRUE(ParseRfc3339("2026-12-31T16:30:00+08:00", &t));
    TimePoint due = cal->AddWorkingMinutes(t, 60);
    EXPECT_EQ(FormatUtc(due), FormatUtc(LocalTime(D("2027-01-04"), 9 * 60 + 30)));
    // As JSON: a year's days with their sources, and the office hours.
    Json j = CalendarToJson(*cal, 2027);
    EXPECT_EQ(j["office_hours"], "09:00-12:00,14:00-17:00");
    ASSERT_EQ(j["days"].size(), 2u);
    EXPECT_EQ(j["days"][0]["source"], "test notice");
    EXPECT_EQ(j["days"][1]["kind"], "workday");
    EXPECT_EQ(j["days"][1]["source"], "administrator");  // a day without a source says who added it
    EXPECT_EQ(CalendarToJson(base, std::nullopt)["days"].size(), base.Special().size());
    // Empty edits are the shipped calendar.
    auto same = ApplyCalendarEdits(base, Json::object());
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->Special().size(), base.Special().size());
}

TEST(CalendarEdits, ErrorsNameTheElementAndNothingApplies) {
    const WorkCalendar base = ShippedCalendar();
    struct {
        const char* json;
        const char* field;
    } bad[] = {
        {R"({"days": [{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-01-02", "kind": "x"}]})", "days[1].kind"},
        {R"({"days": [{"date": "2027-01-04", "kind": "workday"}]})", "days[0].kind"},
        {R"({"days": [{"date": "01/04/2027", "kind": "holiday"}]})", "days[0].date"},
        {R"({"days": [{"date": "2027-01-01", "kind": "holiday", "festival": 5}]})", "days[0].festival"},
        {R"({"days": [{"date": "2027-01-01", "kind": "holiday", "extra": 1}]})", "days[0].extra"},
        {R"({"days": [1]})", "days[0]"},
        {R"({"days": {}})", "days"},
        {R"({"office_hours": "12:00-08:30"})", "office_hours"},
        {R"({"office_hours": 830})", "office_hours"},
        {R"({"notice": "x"})", "notice"},
        {R"([])", ""},
    };
    for (auto c : bad) {
        auto r = ApplyCalendarEdits(base, Json::parse(c.json));
        ASSERT_FALSE(r.ok()) << c.json;
        EXPECT_EQ(r.error().field, c.field) << c.json;
        EXPECT_EQ(r.error().kind, ErrorKind::kValidation) << c.json;
    }
}
