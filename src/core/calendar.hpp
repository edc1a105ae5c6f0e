#pragma once
/// duban::core calendar — China's working-day calendar and working-time arithmetic, shared by
/// every engine with legal or administrative time limits (cases, petitions, the work plan's
/// follow-up notices). Local time is China Standard Time (UTC+8, no daylight saving).
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.hpp"

namespace duban::core {

/// A civil date in China Standard Time.
struct Date {
    int y = 1970, m = 1, d = 1;
    auto operator<=>(const Date&) const = default;
    /// "2026-10-01"
    std::string ToString() const;
    static std::optional<Date> Parse(std::string_view yyyy_mm_dd);
    int64_t DaysSinceEpoch() const;
    static Date FromDays(int64_t days);
    Date AddDays(int64_t n) const { return FromDays(DaysSinceEpoch() + n); }
    int Weekday() const;  // 1 = Monday ... 7 = Sunday (ISO)
};

/// The CST date and minute of day of an instant, and back.
Date LocalDate(TimePoint t);
int LocalMinuteOfDay(TimePoint t);
TimePoint LocalTime(Date d, int minute_of_day);

enum class DayKind {
    kWorkday,          // Monday-Friday, not a holiday
    kRestday,          // Saturday or Sunday, not adjusted
    kHoliday,          // a public holiday (days off inside a holiday span included)
    kAdjustedWorkday,  // a Saturday or Sunday made a working day (調休)
};
const char* DayKindName(DayKind k);

/// A date the plain Monday-Friday rule reads wrongly, or a public holiday, with its source.
struct SpecialDay {
    Date date;
    DayKind kind = DayKind::kHoliday;  // kHoliday or kAdjustedWorkday only
    std::string festival;              // 春節, 國慶節 ...
    std::string source;                // the State Council notice
};

/// Office hours as minute-of-day spans, default 08:30-12:00 and 13:30-17:30.
struct OfficeHours {
    std::vector<std::pair<int, int>> spans = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
    int MinutesPerDay() const;
    /// "08:30-12:00,13:30-17:30"; spans must be ordered, non-overlapping, inside a day.
    static Result<OfficeHours> Parse(std::string_view text);
    std::string ToString() const;
};

class WorkCalendar {
public:
    WorkCalendar() = default;
    /// The shipped CSV (header `date,kind,festival,source`; kind = holiday | workday; blank
    /// lines skipped; fields may be double-quoted). Errors are kValidation, name the column in
    /// `field` and start the message with "<source_name> line L, column C". Rejected: a bad date,
    /// an unknown kind, a `workday` row on Monday-Friday, the same date twice with different
    /// kinds (the same date twice with the same kind is accepted once). An empty `source`
    /// column falls back to source_name.
    static Result<WorkCalendar> FromCsv(std::string_view csv, const std::string& source_name);
    /// Adds (or replaces, by date) special days, e.g. when next year's notice appears. Validated
    /// as above (an invalid date, a kind other than kHoliday/kAdjustedWorkday, an adjusted
    /// workday on Monday-Friday, conflicting kinds for one date within `days`); `field` names
    /// the element ("days[3].kind"). All or nothing: on error nothing is added.
    Status Add(const std::vector<SpecialDay>& days);
    void SetOfficeHours(OfficeHours h) { hours_ = std::move(h); }
    const OfficeHours& office_hours() const { return hours_; }
    /// Years with at least one special day (the years the calendar knows about).
    std::vector<int> Years() const;
    std::vector<SpecialDay> Special() const;

    DayKind Kind(Date d) const;
    bool IsWorkday(Date d) const;
    /// The n-th working day after d (n >= 1); n = 0 returns d itself if it is a working day,
    /// else the next working day. Jumps whole weeks where no special day lies.
    /// REQUIRES: n >= 0.
    Date AddWorkdays(Date d, int n) const;
    /// Deadline of "n working days from t": the end of office hours on the n-th working day
    /// after t's local date (the day of t itself does not count).
    TimePoint AddWorkdaysDeadline(TimePoint t, int n) const;
    /// The earliest instant by which `minutes` of office time have passed since t (time outside
    /// office hours, rest days and holidays does not count). minutes = 0 returns t; a result
    /// that lands on the end of a span stays there (12:00, not 13:30).
    /// REQUIRES: minutes >= 0 and office hours not empty.
    TimePoint AddWorkingMinutes(TimePoint t, int64_t minutes) const;
    /// Office time between a and b in whole seconds, rounded down (0 when b <= a).
    /// WorkingSecondsBetween(t, AddWorkingMinutes(t, m)) == 60 * m.
    int64_t WorkingSecondsBetween(TimePoint a, TimePoint b) const;
    /// Working days between two dates: those in (a, b], 0 when b <= a. O(log n + special days
    /// in the range).
    int WorkdaysBetween(Date a, Date b) const;

private:
    std::map<Date, SpecialDay> special_;
    OfficeHours hours_;
};

/// The shipped CSV (data/calendar/cn-official-days-2024-2026.csv), compiled into the binary by a
/// CMake step (the generated shipped_calendar.cpp).
std::string_view ShippedCalendarCsv();
/// Its repository path, used as source name in errors and as fallback source.
std::string_view ShippedCalendarName();
/// The shipped calendar with the default office hours. Parsed once; a shipped CSV that does not
/// parse is a build defect and aborts (the unit tests parse it first).
WorkCalendar ShippedCalendar();

/// Administrators' changes to a calendar, as stored and exchanged (GET/PUT /api/v1/calendar):
/// {"days": [{"date": "2027-01-01", "kind": "holiday" | "workday", "festival": "元旦",
/// "source": "國務院辦公廳關於2027年部分節假日安排的通知"}], "office_hours": "08:30-12:00,13:30-17:30"}.
/// Both keys optional; `days` add to (or, by date, replace) the base's special days.
/// Validated all or nothing; errors name the element ("days[2].date", "office_hours").
Result<WorkCalendar> ApplyCalendarEdits(const WorkCalendar& base, const Json& edits);
/// A calendar as JSON: office hours, the years it knows, and the special days (of one year, or all).
Json CalendarToJson(const WorkCalendar& c, std::optional<int> year);

}  // namespace duban::core
