#include "core/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace duban::core {

namespace {

using Dur = TimePoint::duration;
constexpr int64_t kCstOffsetSeconds = 8 * 3600;
constexpr int64_t kSecondsPerDay = 86400;

// Floor division and modulo, for instants and dates before the epoch.
int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
bool IsValid(const Date& d) {
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= DaysInMonth(d.y, d.m);
}
bool IsWeekend(const Date& d) { return d.Weekday() >= 6; }

// Local (CST) time since the epoch, in the time point's own resolution, so that the minute
// arithmetic below is exact for instants with sub-second parts.
Dur LocalSinceEpoch(TimePoint t) {
    return t.time_since_epoch() + std::chrono::seconds(kCstOffsetSeconds);
}
constexpr Dur kDay = std::chrono::seconds(kSecondsPerDay);
int64_t LocalDayNumber(TimePoint t) { return FloorDiv(LocalSinceEpoch(t).count(), kDay.count()); }
Dur LocalOffsetInDay(TimePoint t) {
    return Dur(FloorMod(LocalSinceEpoch(t).count(), kDay.count()));
}
TimePoint FromLocal(int64_t day_number, Dur offset) {
    return TimePoint(day_number * kDay + offset - std::chrono::seconds(kCstOffsetSeconds));
}

// Mon-Fri days among day numbers (-inf, x], up to a constant: differences count the Mon-Fri days
// in (a, b]. Day 4 (1970-01-05) is a Monday.
int64_t PlainWeekdayPrefix(int64_t x) {
    int64_t k = x - 4 + 1;
    return 5 * FloorDiv(k, 7) + std::min<int64_t>(FloorMod(k, 7), 5);
}

// ---- CSV ----

struct CsvField {
    std::string text;
    int column = 0;
};

// Splits one line into fields; a field may be double-quoted ("" is a quote inside). Returns
// false on an unterminated quote.
bool SplitCsvLine(std::string_view line, std::vector<CsvField>* out) {
    out->clear();
    size_t i = 0;
    int column = 1;
    while (true) {
        CsvField f;
        f.column = column;
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (true) {
                if (i >= line.size()) return false;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        f.text += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                f.text += line[i++];
            }
            // Anything between the closing quote and the comma is kept as is.
            while (i < line.size() && line[i] != ',') f.text += line[i++];
        } else {
            while (i < line.size() && line[i] != ',') f.text += line[i++];
        }
        out->push_back(std::move(f));
        if (i >= line.size()) break;
        ++i;  // the comma
        ++column;
    }
    return true;
}

const char* kWeekdayNames[] = {"",         "Monday", "Tuesday",  "Wednesday",
                               "Thursday", "Friday", "Saturday", "Sunday"};

// Checks one special day on its own; returns an empty string when it is acceptable, else what is
// wrong and which attribute ("date" or "kind").
std::pair<std::string, std::string> CheckSpecialDay(const SpecialDay& s) {
    if (!IsValid(s.date)) {
        return {"date", "not a valid date"};
    }
    if (s.kind != DayKind::kHoliday && s.kind != DayKind::kAdjustedWorkday) {
        return {"kind", std::string("kind must be holiday or adjusted workday, not ") +
                            DayKindName(s.kind)};
    }
    if (s.kind == DayKind::kAdjustedWorkday && !IsWeekend(s.date)) {
        return {"kind", s.date.ToString() + " is a " + kWeekdayNames[s.date.Weekday()] +
                            "; an adjusted workday must fall on a Saturday or Sunday"};
    }
    return {};
}

// Office-time duration that has passed on a working day by offset `off` into the day.
Dur OfficeBefore(const OfficeHours& h, Dur off) {
    Dur sum{0};
    for (const auto& [start, end] : h.spans) {
        Dur s = std::chrono::minutes(start), e = std::chrono::minutes(end);
        if (off <= s) break;
        sum += std::min(off, e) - s;
    }
    return sum;
}

// The earliest offset into a working day at which `target` (> 0, <= a day's office time) of
// office time has passed.
Dur OffsetForOfficeTime(const OfficeHours& h, Dur target) {
    Dur cum{0};
    for (const auto& [start, end] : h.spans) {
        Dur len = std::chrono::minutes(end - start);
        if (cum + len >= target) return std::chrono::minutes(start) + (target - cum);
        cum += len;
    }
    return std::chrono::minutes(h.spans.empty() ? 0 : h.spans.back().second);
}

std::string FormatHhMm(int minute_of_day) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
    return buf;
}

// "HH:MM" (00:00-24:00) to minute of day, or -1.
int ParseHhMm(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return -1;
    for (size_t i : {0u, 1u, 3u, 4u}) {
        if (s[i] < '0' || s[i] > '9') return -1;
    }
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
}

}  // namespace

// ---- Date ----

std::string Date::ToString() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

std::optional<Date> Date::Parse(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i == 4 || i == 7) continue;
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    auto num = [&](size_t b, size_t n) {
        int v = 0;
        for (size_t i = b; i < b + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    Date d{num(0, 4), num(5, 2), num(8, 2)};
    if (!IsValid(d)) return std::nullopt;
    return d;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
int64_t Date::DaysSinceEpoch() const {
    int64_t yy = static_cast<int64_t>(y) - (m <= 2 ? 1 : 0);
    int64_t era = FloorDiv(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date Date::FromDays(int64_t days) {
    int64_t z = days + 719468;
    int64_t era = FloorDiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    int mm = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    int yy = static_cast<int>(yoe + era * 400 + (mm <= 2 ? 1 : 0));
    return Date{yy, mm, dd};
}

int Date::Weekday() const {
    // Day 0 (1970-01-01) was a Thursday (4).
    return static_cast<int>(FloorMod(DaysSinceEpoch() + 3, 7)) + 1;
}

Date LocalDate(TimePoint t) { return Date::FromDays(LocalDayNumber(t)); }

int LocalMinuteOfDay(TimePoint t) {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::minutes>(LocalOffsetInDay(t)).count());
}

TimePoint LocalTime(Date d, int minute_of_day) {
    return FromLocal(d.DaysSinceEpoch(), std::chrono::minutes(minute_of_day));
}

const char* DayKindName(DayKind k) {
    switch (k) {
        case DayKind::kWorkday:
            return "workday";
        case DayKind::kRestday:
            return "restday";
        case DayKind::kHoliday:
            return "holiday";
        case DayKind::kAdjustedWorkday:
            return "adjusted_workday";
    }
    return "unknown";
}

// ---- OfficeHours ----

int OfficeHours::MinutesPerDay() const {
    int sum = 0;
    for (const auto& [start, end] : spans) sum += end - start;
    return sum;
}

Result<OfficeHours> OfficeHours::Parse(std::string_view text) {
    OfficeHours h;
    h.spans.clear();
    if (Trim(text).empty()) {
        return Error::Validation("office_hours",
                                 "no office hours given (e.g. 08:30-12:00,13:30-17:30)");
    }
    size_t pos = 0;
    int index = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        if (comma == std::string_view::npos) comma = text.size();
        std::string span = Trim(text.substr(pos, comma - pos));
        ++index;
        std::string where = "span " + std::to_string(index) + " \"" + span + "\"";
        size_t dash = span.find('-');
        int start = -1, end = -1;
        if (dash != std::string::npos) {
            start = ParseHhMm(Trim(std::string_view(span).substr(0, dash)));
            end = ParseHhMm(Trim(std::string_view(span).substr(dash + 1)));
        }
        if (start < 0 || end < 0) {
            return Error::Validation("office_hours", where + ": expected HH:MM-HH:MM");
        }
        if (end <= start) {
            return Error::Validation("office_hours", where + ": ends before it starts");
        }
        if (!h.spans.empty() && start < h.spans.back().second) {
            return Error::Validation("office_hours",
                                     where + ": starts before the previous span ends (" +
                                         FormatHhMm(h.spans.back().second) + ")");
        }
        h.spans.emplace_back(start, end);
        pos = comma + 1;
    }
    return h;
}

std::string OfficeHours::ToString() const {
    std::string out;
    for (const auto& [start, end] : spans) {
        if (!out.empty()) out += ',';
        out += FormatHhMm(start) + "-" + FormatHhMm(end);
    }
    return out;
}

// ---- WorkCalendar ----

Result<WorkCalendar> WorkCalendar::FromCsv(std::string_view csv, const std::string& source_name) {
    static constexpr const char* kColumns[] = {"date", "kind", "festival", "source"};
    WorkCalendar cal;
    std::map<Date, int> line_of;  // first line of each date, for duplicate messages
    auto error = [&](int line, int column, std::string msg) {
        std::string field = column >= 1 && column <= 4 ? kColumns[column - 1] : "row";
        return Error::Validation(field,
                                 source_name + " line " + std::to_string(line) + ", column " +
                                     std::to_string(column) + " (" + field + "): " + std::move(msg),
                                 "invalid_calendar");
    };
    if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);  // a UTF-8 BOM from Excel
    bool header_seen = false;
    int line_no = 0;
    std::vector<CsvField> fields;
    size_t pos = 0;
    while (pos < csv.size()) {
        size_t nl = csv.find('\n', pos);
        if (nl == std::string_view::npos) nl = csv.size();
        std::string_view line = csv.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (Trim(line).empty()) continue;
        if (!SplitCsvLine(line, &fields)) {
            return error(line_no, static_cast<int>(fields.size()) + 1, "unterminated quote");
        }
        if (!header_seen) {
            header_seen = true;
            bool ok = fields.size() == 4;
            for (size_t i = 0; ok && i < 4; ++i) ok = Trim(fields[i].text) == kColumns[i];
            if (!ok) {
                return error(line_no, 1, "expected the header date,kind,festival,source");
            }
            continue;
        }
        if (fields.size() != 4) {
            return error(line_no, static_cast<int>(std::min<size_t>(fields.size(), 4)) + 1,
                         "expected 4 columns, found " + std::to_string(fields.size()));
        }
        SpecialDay s;
        std::string date_text = Trim(fields[0].text);
        auto date = Date::Parse(date_text);
        if (!date) {
            return error(line_no, 1, "\"" + date_text + "\" is not a valid date (YYYY-MM-DD)");
        }
        s.date = *date;
        std::string kind = Trim(fields[1].text);
        if (kind == "holiday") {
            s.kind = DayKind::kHoliday;
        } else if (kind == "workday") {
            s.kind = DayKind::kAdjustedWorkday;
        } else {
            return error(line_no, 2, "unknown kind \"" + kind + "\" (expected holiday or workday)");
        }
        s.festival = Trim(fields[2].text);
        s.source = Trim(fields[3].text);
        if (s.source.empty()) s.source = source_name;
        if (auto [attr, msg] = CheckSpecialDay(s); !msg.empty()) {
            return error(line_no, attr == "date" ? 1 : 2, msg);
        }
        auto [it, inserted] = line_of.emplace(s.date, line_no);
        if (!inserted) {
            const SpecialDay& prev = cal.special_.at(s.date);
            if (prev.kind != s.kind) {
                return error(line_no, 2,
                             s.date.ToString() + " is " + DayKindName(s.kind) + " here but " +
                                 DayKindName(prev.kind) + " on line " + std::to_string(it->second));
            }
            continue;
        }
        cal.special_.emplace(s.date, std::move(s));
    }
    if (!header_seen)
        return error(1, 1, "empty file (expected the header date,kind,festival,source)");
    return cal;
}

Status WorkCalendar::Add(const std::vector<SpecialDay>& days) {
    std::map<Date, size_t> index_of;
    for (size_t i = 0; i < days.size(); ++i) {
        const SpecialDay& s = days[i];
        std::string prefix = "days[" + std::to_string(i) + "]";
        if (auto [attr, msg] = CheckSpecialDay(s); !msg.empty()) {
            return Error::Validation(prefix + "." + attr, prefix + ": " + msg, "invalid_calendar");
        }
        auto [it, inserted] = index_of.emplace(s.date, i);
        if (!inserted && days[it->second].kind != s.kind) {
            return Error::Validation(prefix + ".kind",
                                     prefix + ": " + s.date.ToString() + " is " +
                                         DayKindName(s.kind) + " here but " +
                                         DayKindName(days[it->second].kind) + " in days[" +
                                         std::to_string(it->second) + "]",
                                     "invalid_calendar");
        }
    }
    for (const SpecialDay& s : days) special_[s.date] = s;
    return {};
}

std::vector<int> WorkCalendar::Years() const {
    std::set<int> years;
    for (const auto& [date, s] : special_) years.insert(date.y);
    return {years.begin(), years.end()};
}

std::vector<SpecialDay> WorkCalendar::Special() const {
    std::vector<SpecialDay> out;
    out.reserve(special_.size());
    for (const auto& [date, s] : special_) out.push_back(s);
    return out;
}

DayKind WorkCalendar::Kind(Date d) const {
    if (auto it = special_.find(d); it != special_.end()) return it->second.kind;
    return IsWeekend(d) ? DayKind::kRestday : DayKind::kWorkday;
}

bool WorkCalendar::IsWorkday(Date d) const {
    DayKind k = Kind(d);
    return k == DayKind::kWorkday || k == DayKind::kAdjustedWorkday;
}

Date WorkCalendar::AddWorkdays(Date d, int n) const {
    if (n <= 0) {
        while (!IsWorkday(d)) d = d.AddDays(1);
        return d;
    }
    int remaining = n;
    while (remaining > 0) {
        // A week (d, d+7] without special days holds exactly 5 working days; jump it when the
        // answer lies beyond it.
        if (remaining > 5) {
            auto it = special_.upper_bound(d);
            Date week_end = d.AddDays(7);
            if (it == special_.end() || week_end < it->first) {
                d = week_end;
                remaining -= 5;
                continue;
            }
        }
        d = d.AddDays(1);
        if (IsWorkday(d)) --remaining;
    }
    return d;
}

TimePoint WorkCalendar::AddWorkdaysDeadline(TimePoint t, int n) const {
    Date day = AddWorkdays(LocalDate(t), n);
    int end = hours_.spans.empty() ? 0 : hours_.spans.back().second;
    return LocalTime(day, end);
}

int WorkCalendar::WorkdaysBetween(Date a, Date b) const {
    if (b <= a) return 0;
    int64_t count = PlainWeekdayPrefix(b.DaysSinceEpoch()) - PlainWeekdayPrefix(a.DaysSinceEpoch());
    for (auto it = special_.upper_bound(a); it != special_.end() && it->first <= b; ++it) {
        bool weekend = IsWeekend(it->first);
        if (it->second.kind == DayKind::kHoliday && !weekend) --count;
        if (it->second.kind == DayKind::kAdjustedWorkday && weekend) ++count;
    }
    return static_cast<int>(count);
}

TimePoint WorkCalendar::AddWorkingMinutes(TimePoint t, int64_t minutes) const {
    if (minutes <= 0) return t;
    const Dur per_day = std::chrono::minutes(hours_.MinutesPerDay());
    if (per_day.count() <= 0) return TimePoint::max();  // no office time: never
    Dur need = std::chrono::minutes(minutes);
    const int64_t day_number = LocalDayNumber(t);
    const Date day = Date::FromDays(day_number);
    if (IsWorkday(day)) {
        Dur done = OfficeBefore(hours_, LocalOffsetInDay(t));
        if (need <= per_day - done) {
            return FromLocal(day_number, OffsetForOfficeTime(hours_, done + need));
        }
        need -= per_day - done;
    }
    // Whole working days, then the rest on the day after them. A rest that is exactly a whole
    // day ends at the close of that day, not at the next morning's opening.
    int64_t whole = need / per_day;
    Dur rest = need % per_day;
    if (rest.count() == 0) {
        --whole;
        rest = per_day;
    }
    Date target = AddWorkdays(day, static_cast<int>(whole + 1));
    return FromLocal(target.DaysSinceEpoch(), OffsetForOfficeTime(hours_, rest));
}

int64_t WorkCalendar::WorkingSecondsBetween(TimePoint a, TimePoint b) const {
    if (b <= a) return 0;
    const Dur per_day = std::chrono::minutes(hours_.MinutesPerDay());
    int64_t da = LocalDayNumber(a), db = LocalDayNumber(b);
    Date date_a = Date::FromDays(da), date_b = Date::FromDays(db);
    Dur total{0};
    if (da == db) {
        if (IsWorkday(date_a)) {
            total = OfficeBefore(hours_, LocalOffsetInDay(b)) -
                    OfficeBefore(hours_, LocalOffsetInDay(a));
        }
    } else {
        if (IsWorkday(date_a)) total += per_day - OfficeBefore(hours_, LocalOffsetInDay(a));
        total += per_day * WorkdaysBetween(date_a, Date::FromDays(db - 1));
        if (IsWorkday(date_b)) total += OfficeBefore(hours_, LocalOffsetInDay(b));
    }
    return std::chrono::duration_cast<std::chrono::seconds>(total).count();
}

// ---- the shipped calendar ----

WorkCalendar ShippedCalendar() {
    static const WorkCalendar kShipped = [] {
        auto r = WorkCalendar::FromCsv(ShippedCalendarCsv(), std::string(ShippedCalendarName()));
        if (!r.ok()) {
            std::fprintf(stderr, "duban: the shipped calendar does not parse: %s\n",
                         r.error().message.c_str());
            std::abort();
        }
        return std::move(r).value();
    }();
    return kShipped;
}

// ---- administrators' edits ----

Result<WorkCalendar> ApplyCalendarEdits(const WorkCalendar& base, const Json& edits) {
    if (!edits.is_object()) return Error::Validation("", "the calendar edits must be a JSON object");
    for (auto it = edits.begin(); it != edits.end(); ++it)
        if (it.key() != "days" && it.key() != "office_hours")
            return Error::Validation(it.key(), "unknown key " + it.key() + " (expected days, office_hours)");
    WorkCalendar out = base;
    if (edits.contains("office_hours")) {
        const Json& oh = edits["office_hours"];
        if (!oh.is_string()) return Error::Validation("office_hours", "office_hours must be text such as 08:30-12:00,13:30-17:30");
        auto h = OfficeHours::Parse(oh.get<std::string>());
        if (!h.ok()) return h.error();
        out.SetOfficeHours(std::move(h).value());
    }
    if (edits.contains("days")) {
        const Json& days = edits["days"];
        if (!days.is_array()) return Error::Validation("days", "days must be a list of {date, kind, festival, source}");
        if (days.size() > 400) return Error::Validation("days", "at most 400 days in one change");
        std::vector<SpecialDay> list;
        for (size_t i = 0; i < days.size(); ++i) {
            const std::string at = "days[" + std::to_string(i) + "]";
            const Json& d = days[i];
            if (!d.is_object()) return Error::Validation(at, at + " must be an object");
            for (auto it = d.begin(); it != d.end(); ++it)
                if (it.key() != "date" && it.key() != "kind" && it.key() != "festival" && it.key() != "source")
                    return Error::Validation(at + "." + it.key(), at + ": unknown key " + it.key());
            SpecialDay sd;
            auto date = d.contains("date") && d["date"].is_string() ? Date::Parse(d["date"].get<std::string>()) : std::nullopt;
            if (!date) return Error::Validation(at + ".date", at + ": date must be YYYY-MM-DD");
            sd.date = *date;
            const std::string kind = d.contains("kind") && d["kind"].is_string() ? d["kind"].get<std::string>() : "";
            if (kind == "holiday") sd.kind = DayKind::kHoliday;
            else if (kind == "workday" || kind == "adjusted_workday") sd.kind = DayKind::kAdjustedWorkday;
            else return Error::Validation(at + ".kind", at + ": kind must be holiday or workday (a weekend day made a working day)");
            for (const char* k : {"festival", "source"}) {
                if (!d.contains(k)) continue;
                if (!d[k].is_string() || d[k].get<std::string>().size() > 300)
                    return Error::Validation(at + "." + k, at + ": " + k + " must be text of at most 300 bytes");
                (std::string(k) == "festival" ? sd.festival : sd.source) = d[k].get<std::string>();
            }
            if (sd.source.empty()) sd.source = "administrator";
            list.push_back(std::move(sd));
        }
        if (auto st = out.Add(list); !st) return st.error();
    }
    return out;
}

Json CalendarToJson(const WorkCalendar& c, std::optional<int> year) {
    Json days = Json::array();
    for (const SpecialDay& s : c.Special()) {
        if (year && s.date.y != *year) continue;
        days.push_back({{"date", s.date.ToString()},
                        {"kind", s.kind == DayKind::kHoliday ? "holiday" : "workday"},
                        {"festival", s.festival},
                        {"source", s.source}});
    }
    return {{"office_hours", c.office_hours().ToString()}, {"years", c.Years()}, {"days", days}};
}

}  // namespace duban::core
