// The case KPI engine: hand-computed figures for every KPI on a few cases (boundaries, NULLs,
// rework, overdue at a month's end, upserts moving cases), and a randomized comparison of the four
// benchmark queries against SQLite running the same SQL as ../shared/peers/kpi/q/sqlite_*.sql
// (copied below) over the same 20,000 random cases, before and after random upserts.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kpi/kpi.hpp"
#include "kpi/load.hpp"
#include "store/db.hpp"

namespace duban::kpi {
namespace {

const int32_t kHour = 3600, kDay = 86400;

TEST(KpiTime, MonthsAndLocalSeconds) {
    EXPECT_EQ(LocalSeconds(2026, 6, 1), 1780272000);  // the constants in sqlite_a.sql
    EXPECT_EQ(LocalSeconds(2026, 7, 1), 1782864000);
    EXPECT_EQ(LocalSeconds(2026, 6, 15, 10), 1781517600);
    const int june = MonthIndex(LocalSeconds(2026, 6, 1));
    EXPECT_EQ(MonthName(june), "2026-06");
    EXPECT_EQ(MonthIndex(LocalSeconds(2026, 6, 30, 23, 59, 59)), june);
    EXPECT_EQ(MonthIndex(LocalSeconds(2026, 7, 1)), june + 1);
    EXPECT_EQ(MonthStart(june + 1), LocalSeconds(2026, 7, 1));
    EXPECT_EQ(MonthName(june + 7), "2027-01");
    EXPECT_EQ(FromUtc(0), 8 * kHour);
    EXPECT_EQ(ToUtc(FromUtc(1234567)), 1234567);
}

// A case reported on 2026-06-d at h:00, in street s, major 1 / minor 101.
CaseFacts Case(int64_t id, int d, int h = 9, int32_t s = 1) {
    CaseFacts f;
    f.id = id;
    f.street = s;
    f.lead_unit = 100 + s;
    f.major = 1;
    f.minor = 101;
    f.type = CaseType::kUrban;
    f.reported = LocalSeconds(2026, 6, d, h);
    return f;
}
// registered +10 min, dispatched +1 h, due 4 h after dispatch
CaseFacts Dispatched(int64_t id, int d, int32_t s = 1) {
    CaseFacts f = Case(id, d, 9, s);
    f.registered = f.reported + 600;
    f.dispatched = f.reported + kHour;
    f.due = f.dispatched + 4 * kHour;
    return f;
}

const Agg& Only(const std::vector<Row>& rows) {
    EXPECT_EQ(rows.size(), 1u);
    return rows.at(0).agg;
}

TEST(Kpi, EveryKpiByHand) {
    Store st;
    const int32_t me = LocalSeconds(2026, 7, 1);
    // 1: closed exactly at due -> on time; handled 1 h before due; signed on its due
    CaseFacts c1 = Dispatched(1, 2);
    c1.closed = c1.due;
    c1.handled = c1.due - kHour;
    c1.type = CaseType::kHotline;
    c1.signed_at = c1.dispatched + 600;
    c1.sign_due = c1.signed_at;
    c1.satisfaction = 5;
    c1.solved = 1;
    st.Upsert(c1);
    // 2: closed one second late, handled late, returned once (not dispatched correctly)
    CaseFacts c2 = Dispatched(2, 3);
    c2.closed = c2.due + 1;
    c2.handled = c2.due + 1;
    c2.returns = 1;
    c2.type = CaseType::kHotline;
    c2.signed_at = c2.dispatched + 2 * kHour;
    c2.sign_due = c2.dispatched + kHour;  // signed late
    c2.satisfaction = 2;
    c2.solved = 0;
    st.Upsert(c2);
    // 3: never closed, due long before the month's end -> overdue open at the end
    st.Upsert(Dispatched(3, 4));
    // 4: reported only (rejected): no registration, no dispatch, no due
    st.Upsert(Case(4, 5));
    // 5: closed after the month's end (2026-07-02), due in June -> not closed, overdue open
    CaseFacts c5 = Dispatched(5, 29);
    c5.closed = LocalSeconds(2026, 7, 2);
    st.Upsert(c5);
    // 6: reworked, closed on time; dispatched 3 h after registration (late dispatch)
    CaseFacts c6 = Dispatched(6, 10);
    c6.dispatched = c6.registered + 3 * kHour;
    c6.due = c6.dispatched + 4 * kHour;
    c6.closed = c6.dispatched + kHour;
    c6.reworks = 2;
    st.Upsert(c6);
    // 7: closed without a due time (the on-time rate ignores it, as avg() ignores NULL)
    CaseFacts c7 = Dispatched(7, 11);
    c7.due = 0;
    c7.closed = c7.dispatched + 2 * kHour;
    st.Upsert(c7);
    // 8: closed exactly at the month's end -> not closed within the month (closed_at < end)
    CaseFacts c8 = Dispatched(8, 30, 1);
    c8.reported = LocalSeconds(2026, 6, 30, 12);
    c8.registered = c8.reported;
    c8.dispatched = c8.reported + kHour;
    c8.due = c8.dispatched + kHour;
    c8.closed = me;
    st.Upsert(c8);
    // 9: another month (2026-05), must not count in June
    CaseFacts c9 = Dispatched(9, 1);
    c9.reported = LocalSeconds(2026, 5, 31, 23, 59, 59);
    st.Upsert(c9);

    for (bool scan : {false, true}) {
        SCOPED_TRACE(scan ? "row scan" : "pre-aggregates");
        const Agg a = Only(st.MonthPanel(MonthIndex(me) - 1, scan));
        EXPECT_EQ(a.reported, 8);
        EXPECT_EQ(a.registered, 7);
        EXPECT_EQ(a.dispatched, 7);
        EXPECT_EQ(a.dispatched_ok, 6);      // case 2 returned
        EXPECT_EQ(a.dispatch_on_time, 6);   // case 6 dispatched 3 h after registration
        EXPECT_EQ(a.closed, 4);             // 1, 2, 6, 7; not 5 (July), 8 (at the end) nor 3 (open)
        EXPECT_EQ(a.closed_due_n, 3);       // 1, 2, 6 (7 has no due)
        EXPECT_EQ(a.closed_on_time, 2);     // 1 (at due), 6
        EXPECT_EQ(a.reworked, 1);           // 6
        EXPECT_EQ(a.overdue_open, 3);       // 3, 5, 8 (closed at the end counts as open then)
        EXPECT_EQ(a.handled, 2);
        EXPECT_EQ(a.handled_due_n, 2);
        EXPECT_EQ(a.handled_on_time, 1);
        EXPECT_EQ(a.signed_n, 2);
        EXPECT_EQ(a.signed_on_time, 1);
        EXPECT_EQ(a.rated, 2);
        EXPECT_EQ(a.satisfied, 1);
        EXPECT_EQ(a.asked, 2);
        EXPECT_EQ(a.solved, 1);
        ASSERT_TRUE(a.OnTimeRate().has_value());
        EXPECT_DOUBLE_EQ(*a.OnTimeRate(), 2.0 / 3.0);
        EXPECT_DOUBLE_EQ(*a.ReworkRate(), 1.0 / 4.0);
        EXPECT_DOUBLE_EQ(*a.ClosureRate(), 4.0 / 8.0);
        // handling: 1: 4 h, 2: 4 h + 1 s, 6: 1 h, 7: 2 h
        EXPECT_DOUBLE_EQ(*a.AvgHandlingSeconds(), (4 * kHour + 4 * kHour + 1 + kHour + 2 * kHour) / 4.0);
    }
}

TEST(Kpi, ClosedCountsAndRatesMatchTheOneDefinition) {
    // a month where nothing closed: the rates are NULL, as avg() over no rows
    Store st;
    st.Upsert(Dispatched(1, 2));
    const Agg a = Only(st.MonthPanel(MonthIndex(LocalSeconds(2026, 6, 1))));
    EXPECT_EQ(a.closed, 0);
    EXPECT_FALSE(a.OnTimeRate().has_value());
    EXPECT_FALSE(a.ReworkRate().has_value());
    EXPECT_FALSE(a.AvgHandlingSeconds().has_value());
    EXPECT_DOUBLE_EQ(*a.ClosureRate(), 0.0);
}

TEST(Kpi, BacklogBoundaries) {
    Store st;
    CaseFacts c = Dispatched(1, 10);  // due at 06-10 14:00
    const int32_t due = c.due;
    c.closed = due + kDay;
    st.Upsert(c);
    auto n = [&](int32_t t) {
        auto rows = st.Backlog(t);
        return rows.empty() ? int64_t{0} : rows[0].agg.overdue_open;
    };
    EXPECT_EQ(n(due), 0);          // due < t is strict
    EXPECT_EQ(n(due + 1), 1);
    EXPECT_EQ(n(due + kDay - 1), 1);
    EXPECT_EQ(n(due + kDay), 0);   // closed > t is strict: closed at t is no longer open
    // reopen it (closed -> NULL): open for ever after its due
    c.closed = 0;
    st.Upsert(c);
    EXPECT_EQ(n(due + 100 * kDay), 1);
    EXPECT_EQ(n(due), 0);
    // a case whose due is before its report (data entered late): counts from its report on
    CaseFacts late = Case(2, 20);
    late.due = late.reported - kDay;
    st.Upsert(late);
    EXPECT_EQ(n(late.reported - 1), 1);  // only case 1
    EXPECT_EQ(n(late.reported), 2);
    // no due: never overdue
    CaseFacts nodue = Case(3, 1);
    st.Upsert(nodue);
    EXPECT_EQ(n(LocalSeconds(2027, 1, 1)), 2);
    st.Erase(2);
    EXPECT_EQ(n(LocalSeconds(2027, 1, 1)), 1);
}

TEST(Kpi, UpsertMovesBetweenPartitionsAndStates) {
    Store st;
    const int may = MonthIndex(LocalSeconds(2026, 5, 1)), june = may + 1;
    CaseFacts c = Dispatched(1, 3);
    c.reported = LocalSeconds(2026, 5, 31, 20);  // May
    c.registered = c.reported + 60;
    c.dispatched = c.reported + kHour;
    c.due = c.dispatched + 4 * kHour;
    st.Upsert(c);
    for (int i = 2; i <= 5; ++i) st.Upsert(Dispatched(i, i));  // June
    EXPECT_EQ(Only(st.MonthPanel(may)).reported, 1);
    EXPECT_EQ(Only(st.MonthPanel(june)).reported, 4);
    // its report time corrected into June: leaves May's partition (swap-removed), joins June's
    c.reported = LocalSeconds(2026, 6, 1, 0, 0, 0);
    st.Upsert(c);
    EXPECT_TRUE(st.MonthPanel(may).empty());
    EXPECT_TRUE(st.MonthPanel(may, true).empty());
    EXPECT_EQ(Only(st.MonthPanel(june)).reported, 5);
    EXPECT_EQ(Only(st.MonthPanel(june, true)).reported, 5);
    EXPECT_EQ(st.size(), 5u);
    // every case still found where it is
    for (int64_t id = 1; id <= 5; ++id) ASSERT_TRUE(st.Get(id).has_value()) << id;
    EXPECT_EQ(st.Get(1)->reported, c.reported);
    // open -> closed on time: backlog and panel follow
    const int32_t t = LocalSeconds(2026, 6, 20);
    EXPECT_EQ(st.Backlog(t).at(0).agg.overdue_open, 5);
    c.closed = c.due;
    st.Upsert(c);
    EXPECT_EQ(st.Backlog(t).at(0).agg.overdue_open, 4);
    for (bool scan : {false, true}) {
        const Agg a = Only(st.MonthPanel(june, scan));
        EXPECT_EQ(a.closed, 1);
        EXPECT_EQ(a.closed_on_time, 1);
        EXPECT_EQ(a.overdue_open, 4);
    }
    // moved to another street: the street's rows follow
    c.street = 2;
    st.Upsert(c);
    auto rows = st.MonthPanel(june);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].k1, 2);
    EXPECT_EQ(rows[1].agg.reported, 1);
    EXPECT_EQ(st.Backlog(t).size(), 1u);  // street 2's case is closed
    st.Erase(1);
    EXPECT_EQ(st.size(), 4u);
    EXPECT_EQ(Only(st.MonthPanel(june)).reported, 4);
}

TEST(Kpi, QueryFiltersScopeTypeAndGroups) {
    Store st;
    CaseFacts a = Dispatched(1, 2, 1), b = Dispatched(2, 2, 2), c = Dispatched(3, 2, 3);
    b.type = CaseType::kHotline;
    c.lead_unit = 999;
    st.Upsert(a);
    st.Upsert(b);
    st.Upsert(c);
    Filter f;
    f.from = LocalSeconds(2026, 6, 1);
    f.to = LocalSeconds(2026, 7, 1);
    for (bool scan : {false, true}) {
        f.force_scan = scan;
        EXPECT_EQ(st.Query(f, Group::kStreet, f.to).size(), 3u);
        Filter g = f;
        g.type = CaseType::kHotline;
        auto rows = st.Query(g, Group::kStreet, f.to);
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].k1, 2);
        // scope: street 1, or lead unit 999 (street 3's case)
        Filter s = f;
        s.scoped = true;
        s.streets = {1};
        s.units = {999};
        rows = st.Query(s, Group::kUnit, f.to);
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[0].k1, 101);
        EXPECT_EQ(rows[1].k1, 999);
        // an empty scope sees nothing
        Filter none = f;
        none.scoped = true;
        EXPECT_TRUE(st.Query(none, Group::kStreet, f.to).empty());
        rows = st.Query(f, Group::kMonth, f.to, true);
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(MonthName(rows[0].k2), "2026-06");
    }
    // a period that is not whole months is scanned, and still right
    Filter half = f;
    half.to = LocalSeconds(2026, 6, 2, 10);
    EXPECT_EQ(st.Query(half, Group::kStreet, half.to).size(), 3u);
    half.to = LocalSeconds(2026, 6, 2, 8);
    EXPECT_TRUE(st.Query(half, Group::kStreet, half.to).empty());
}

TEST(Kpi, ScopedPetitionsCountByTheirLeadUnitOnly) {
    Store st;
    CaseFacts urban = Dispatched(1, 2, 1), pet = Dispatched(2, 2, 1), led = Dispatched(3, 2, 3);
    pet.type = CaseType::kPetition;  // in street 1, led by unit 102 outside the scope
    pet.lead_unit = 102;
    led.type = CaseType::kPetition;  // in street 3, led by unit 103
    st.Upsert(urban);
    st.Upsert(pet);
    st.Upsert(led);
    Filter s;
    s.from = LocalSeconds(2026, 6, 1);
    s.to = LocalSeconds(2026, 7, 1);
    s.scoped = true;
    s.streets = {1};
    s.units = {103};
    for (bool scan : {false, true}) {  // the month's pre-aggregates and the rows agree
        s.force_scan = scan;
        auto rows = st.Query(s, Group::kStreet, s.to);
        ASSERT_EQ(rows.size(), 2u) << "scan " << scan;
        EXPECT_EQ(rows[0].k1, 1);
        EXPECT_EQ(rows[0].agg.reported, 1) << "street 1's urban case, not its petition";
        EXPECT_EQ(rows[1].k1, 3);
        EXPECT_EQ(rows[1].agg.reported, 1) << "the petition the scope's unit leads";
        Filter all = s;
        all.scoped = false;
        all.streets.clear();
        all.units.clear();
        EXPECT_EQ(st.Query(all, Group::kStreet, s.to).size(), 2u) << "unscoped: every case, by street";
    }
    // the led petition accuses unit 77: an account of that unit does not count it, scoped or not
    led.subject = 77;
    st.Upsert(led);
    EXPECT_EQ(st.Get(3)->subject, 77);
    for (bool scan : {false, true}) {
        Filter h = s;
        h.force_scan = scan;
        h.hidden_subjects = {12, 77};
        auto rows = st.Query(h, Group::kStreet, s.to);
        ASSERT_EQ(rows.size(), 1u) << "scan " << scan;
        EXPECT_EQ(rows[0].k1, 1);
        h.scoped = false;
        h.streets.clear();
        h.units.clear();
        rows = st.Query(h, Group::kStreet, s.to);
        ASSERT_EQ(rows.size(), 1u) << "unscoped, scan " << scan;
        EXPECT_EQ(rows[0].agg.reported, 2) << "street 1's two cases; not street 3's petition";
        h.hidden_subjects = {12};
        EXPECT_EQ(st.Query(h, Group::kStreet, s.to).size(), 2u) << "another unit's account counts it";
    }
}

// ------------------------------------------------------------------ against SQLite
const char* kSqlA = R"(SELECT street_id, category_major,
  count(*), count(registered_at), count(dispatched_at),
  count(*) FILTER (WHERE closed_at < 1782864000),
  avg(closed_at <= due_at) FILTER (WHERE closed_at < 1782864000),
  count(*) FILTER (WHERE due_at < 1782864000 AND (closed_at IS NULL OR closed_at >= 1782864000)),
  avg(reworked) FILTER (WHERE closed_at < 1782864000),
  avg(closed_at - dispatched_at) FILTER (WHERE closed_at < 1782864000)
FROM cases
WHERE reported_at >= 1780272000 AND reported_at < 1782864000
GROUP BY street_id, category_major
ORDER BY 1, 2)";
const char* kSqlB = R"(SELECT street_id, strftime('%Y-%m', me - 1, 'unixepoch') AS month,
  count(*), count(registered_at), count(dispatched_at),
  count(*) FILTER (WHERE closed_at < me),
  avg(closed_at <= due_at) FILTER (WHERE closed_at < me),
  count(*) FILTER (WHERE due_at < me AND (closed_at IS NULL OR closed_at >= me)),
  avg(reworked) FILTER (WHERE closed_at < me),
  avg(closed_at - dispatched_at) FILTER (WHERE closed_at < me)
FROM (SELECT c.*, CASE WHEN reported_at < 1769904000 THEN 1769904000 WHEN reported_at < 1772323200 THEN 1772323200
                       WHEN reported_at < 1775001600 THEN 1775001600 WHEN reported_at < 1777593600 THEN 1777593600
                       WHEN reported_at < 1780272000 THEN 1780272000 WHEN reported_at < 1782864000 THEN 1782864000
                       WHEN reported_at < 1785542400 THEN 1785542400 WHEN reported_at < 1788220800 THEN 1788220800
                       WHEN reported_at < 1790812800 THEN 1790812800 WHEN reported_at < 1793491200 THEN 1793491200
                       WHEN reported_at < 1796083200 THEN 1796083200 ELSE 1798761600 END AS me
      FROM cases c
      WHERE reported_at >= 1767225600 AND reported_at < 1798761600) t
GROUP BY 1, 2
ORDER BY 1, 2)";
const char* kSqlC = R"(SELECT category_minor,
  count(*), count(registered_at), count(dispatched_at),
  count(*) FILTER (WHERE closed_at < 1782864000),
  avg(closed_at <= due_at) FILTER (WHERE closed_at < 1782864000),
  count(*) FILTER (WHERE due_at < 1782864000 AND (closed_at IS NULL OR closed_at >= 1782864000)),
  avg(reworked) FILTER (WHERE closed_at < 1782864000),
  avg(closed_at - dispatched_at) FILTER (WHERE closed_at < 1782864000)
FROM cases
WHERE street_id = 1 AND reported_at >= 1780272000 AND reported_at < 1782864000
GROUP BY category_minor
ORDER BY 1)";
const char* kSqlD = R"(SELECT street_id, count(*)
FROM cases
WHERE reported_at <= 1781517600 AND due_at < 1781517600 AND (closed_at IS NULL OR closed_at > 1781517600)
GROUP BY street_id
ORDER BY 1)";

// A result row as text, the same for both sides: keys, counts, then rates with %.17g or NULL.
using Rows = std::vector<std::string>;

std::string D(std::optional<double> v) {
    if (!v) return "NULL";
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", *v);
    return b;
}

Rows Sql(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    Rows out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string line;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            if (c) line += ",";
            if (sqlite3_column_type(st, c) == SQLITE_NULL) line += "NULL";
            else if (sqlite3_column_type(st, c) == SQLITE_FLOAT) line += D(sqlite3_column_double(st, c));
            else line += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        }
        out.push_back(line);
    }
    sqlite3_finalize(st);
    return out;
}

std::string Counts(const Agg& a) {
    return std::to_string(a.reported) + "," + std::to_string(a.registered) + "," +
           std::to_string(a.dispatched) + "," + std::to_string(a.closed) + "," + D(a.OnTimeRate()) +
           "," + std::to_string(a.overdue_open) + "," + D(a.ReworkRate()) + "," +
           D(a.AvgHandlingSeconds());
}
Rows Panel(const std::vector<Row>& rows, bool months, bool drop_k1) {
    Rows out;
    for (auto& r : rows) {
        std::string k = drop_k1 ? "" : std::to_string(r.k1) + ",";
        k += months ? MonthName(r.k2) : std::to_string(r.k2);
        out.push_back(k + "," + Counts(r.agg));
    }
    return out;
}
Rows BacklogRows(const std::vector<Row>& rows) {
    Rows out;
    for (auto& r : rows) out.push_back(std::to_string(r.k1) + "," + std::to_string(r.agg.overdue_open));
    return out;
}

struct RandomCases {
    std::mt19937_64 rng{20260601};
    int32_t Pick(int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(rng); }
    bool P(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
    // times on a coarse grid near month boundaries and dues, so that ties happen
    int32_t Snap(int32_t t) { return P(0.3) ? t - t % 3600 : t; }
    CaseFacts Make(int64_t id) {
        const int32_t lo = LocalSeconds(2025, 12, 1), hi = LocalSeconds(2027, 1, 15);
        CaseFacts f;
        f.id = id;
        f.street = Pick(1, 7);
        f.major = static_cast<uint16_t>(Pick(1, 12));
        f.minor = static_cast<uint16_t>(f.major * 100 + Pick(1, 10));
        f.type = P(0.4) ? CaseType::kHotline : CaseType::kUrban;
        f.lead_unit = Pick(20, 30);
        f.reported = P(0.05) ? MonthStart(MonthIndex(Pick(lo, hi))) : Snap(Pick(lo, hi));
        if (P(0.95)) f.registered = f.reported + Pick(0, 4 * kHour);
        if (f.registered && P(0.95)) f.dispatched = f.registered + Pick(0, kDay);
        if (P(0.9)) f.due = (f.dispatched ? f.dispatched : f.reported) + Pick(-kDay, 12 * kDay);
        if (P(0.85)) {
            const int32_t base = f.dispatched ? f.dispatched : f.reported;
            const double u = std::uniform_real_distribution<double>(0, 1)(rng);
            if (f.due && u < 0.15) f.closed = f.due;                      // exactly at due
            else if (u < 0.25) f.closed = MonthStart(MonthIndex(f.reported) + 1);  // at month end
            else f.closed = base + Pick(0, 40 * kDay);
            if (f.closed == 0) f.closed = 1;
        }
        f.reworks = P(0.1) ? 1 : 0;
        f.satisfaction = f.closed && P(0.5) ? static_cast<uint8_t>(Pick(1, 5)) : 0;
        return f;
    }
};

void Insert(sqlite3* db, const CaseFacts& f) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT OR REPLACE INTO cases (id, street_id, category_major, category_minor, "
                       "reported_at, registered_at, dispatched_at, due_at, closed_at, reworked) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?)",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, f.id);
    sqlite3_bind_int(st, 2, f.street);
    sqlite3_bind_int(st, 3, f.major);
    sqlite3_bind_int(st, 4, f.minor);
    sqlite3_bind_int(st, 5, f.reported);
    auto opt = [&](int c, int32_t v) { v ? sqlite3_bind_int(st, c, v) : sqlite3_bind_null(st, c); };
    opt(6, f.registered);
    opt(7, f.dispatched);
    opt(8, f.due);
    opt(9, f.closed);
    sqlite3_bind_int(st, 10, f.reworks ? 1 : 0);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

void ExpectSameAsSqlite(sqlite3* db, const Store& st) {
    const int june = MonthIndex(LocalSeconds(2026, 6, 1));
    const int32_t t = LocalSeconds(2026, 6, 15, 10);
    for (bool scan : {false, true}) {
        SCOPED_TRACE(scan ? "row scan" : "pre-aggregates");
        const Rows a = Panel(st.MonthPanel(june, scan), false, false);
        EXPECT_GT(a.size(), 50u);
        EXPECT_EQ(a, Sql(db, kSqlA));
        const Rows b = Panel(st.YearPanel(2026, 2, scan), true, false);
        EXPECT_EQ(b.size(), 84u);
        EXPECT_EQ(b, Sql(db, kSqlB));
        EXPECT_EQ(Panel(st.YearPanel(2026, 1, scan), true, false), b);
        const Rows c = Panel(st.StreetMonth(1, june, scan), false, true);
        EXPECT_GT(c.size(), 30u);
        EXPECT_EQ(c, Sql(db, kSqlC));
    }
    const Rows d = BacklogRows(st.Backlog(t));
    EXPECT_EQ(d.size(), 7u);
    EXPECT_EQ(d, Sql(db, kSqlD));
}

TEST(KpiVsSqlite, FourQueriesOn20kRandomCasesAndAfterUpserts) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE cases (id INTEGER PRIMARY KEY, street_id INTEGER NOT NULL, "
                           "category_major INTEGER NOT NULL, category_minor INTEGER NOT NULL, "
                           "reported_at INTEGER NOT NULL, registered_at INTEGER, dispatched_at INTEGER, "
                           "due_at INTEGER, closed_at INTEGER, reworked INTEGER NOT NULL);"
                           "BEGIN",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    RandomCases gen;
    Store st;
    const int n = 20000;
    for (int64_t id = 1; id <= n; ++id) {
        CaseFacts f = gen.Make(id);
        st.Upsert(f);
        Insert(db, f);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    ExpectSameAsSqlite(db, st);

    // 5,000 random changes: fresh facts for an existing id (often another month, street or state),
    // a close of an open case, and deletions.
    for (int i = 0; i < 5000; ++i) {
        const int64_t id = gen.Pick(1, n);
        if (gen.P(0.05)) {
            st.Erase(id);
            sqlite3_exec(db, ("DELETE FROM cases WHERE id = " + std::to_string(id)).c_str(), nullptr,
                         nullptr, nullptr);
            continue;
        }
        CaseFacts f;
        if (auto cur = st.Get(id); cur && gen.P(0.5)) {
            f = *cur;
            f.closed = f.closed ? 0 : f.reported + gen.Pick(0, 30 * kDay);
            f.reworks = gen.P(0.5);
        } else {
            f = gen.Make(id);
        }
        st.Upsert(f);
        Insert(db, f);
    }
    ExpectSameAsSqlite(db, st);
    sqlite3_close(db);
}

// The loader against the documented `cases` shape (docs/cases-api.md "Storage"; migration 6 comes
// with the case engine, so the test creates the table itself).
TEST(KpiLoad, FromTheCasesTable) {
    char tmpl[] = "/tmp/duban-kpi-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    auto c = store::OpenSqlite(dir + "/t.db");
    Store st;
    EXPECT_EQ(Load(*c, st), 0u);  // no table yet: nothing, no error
    c->ExecScript(R"(
CREATE TABLE cases (id INTEGER PRIMARY KEY, number TEXT UNIQUE, type TEXT, category TEXT, category_major TEXT,
  source TEXT, street_id INTEGER, community_id INTEGER, grid_id INTEGER, lead_unit_id INTEGER, stage TEXT,
  status TEXT, urgency TEXT, reported_at TEXT, registered_at TEXT, dispatched_at TEXT, handled_at TEXT,
  closed_at TEXT, due_at TEXT, stage_started_at TEXT, stage_due_at TEXT, returns INTEGER, reworks INTEGER,
  extensions INTEGER, satisfaction INTEGER, merged_into INTEGER, subject_unit_id INTEGER);
CREATE TABLE case_steps (case_id INTEGER, seq INTEGER, at TEXT, actor_id INTEGER, action TEXT,
  from_stage TEXT, to_stage TEXT, note TEXT, data TEXT);
INSERT INTO cases VALUES (1, 'RX-20260601-000001', 'hotline', 'C0101', 'C01', 'hotline', 5, 9, 11, 30, 'close',
  'closed', 'normal', '2026-05-31T16:30:00Z', '2026-05-31T16:40:00Z', '2026-05-31T17:30:00Z',
  '2026-06-01T01:00:00Z', '2026-06-01T02:00:00Z', '2026-06-01T02:00:00Z', '2026-06-01T01:00:00Z', NULL, 1, 0, 0, 4, NULL, 44);
INSERT INTO cases VALUES (2, 'CG-20260602-000002', 'urban', 'C0102', 'C01', 'grid', 6, NULL, NULL, NULL, 'dispatch',
  'open', 'normal', '2026-06-02T01:00:00Z', NULL, NULL, NULL, NULL, NULL, '2026-06-02T01:00:00Z', NULL, 0, 0, 0, NULL, NULL, NULL);
INSERT INTO case_steps VALUES (1, 3, '2026-05-31T17:35:00Z', 7, 'sign', 'sign', 'handle', '', '{}');
INSERT INTO case_steps VALUES (1, 6, '2026-06-01T03:00:00Z', 7, 'rate', 'rate', 'closed', '', '{"rating":4,"solved":true}');
)");
    EXPECT_EQ(Load(*c, st), 2u);
    auto f = st.Get(1);
    ASSERT_TRUE(f.has_value());
    // 2026-05-31T16:30Z is 2026-06-01 00:30 in Beijing: a June case
    EXPECT_EQ(f->reported, LocalSeconds(2026, 6, 1, 0, 30));
    EXPECT_EQ(f->closed, LocalSeconds(2026, 6, 1, 10));
    EXPECT_EQ(f->closed, f->due);
    EXPECT_EQ(f->signed_at, LocalSeconds(2026, 6, 1, 1, 35));
    EXPECT_EQ(f->sign_due, f->dispatched + st.settings().sign_limit_s);
    EXPECT_EQ(f->type, CaseType::kHotline);
    EXPECT_EQ(f->street, 5);
    EXPECT_EQ(f->lead_unit, 30);
    EXPECT_EQ(f->subject, 44);
    EXPECT_EQ(st.Get(2)->subject, 0);
    EXPECT_EQ(f->returns, 1);
    EXPECT_EQ(f->satisfaction, 4);
    EXPECT_EQ(f->solved, 1);
    EXPECT_EQ(st.CategoryName(f->minor), "C0101");
    EXPECT_EQ(st.CategoryName(f->major), "C01");
    const auto june = st.MonthPanel(MonthIndex(LocalSeconds(2026, 6, 1)));
    ASSERT_EQ(june.size(), 2u);
    EXPECT_EQ(june[0].agg.closed_on_time, 1);
    EXPECT_EQ(june[0].agg.dispatched_ok, 0);
    EXPECT_EQ(june[1].agg.registered, 0);
    // a write committed elsewhere: Refresh picks it up, and a deleted case leaves the store
    c->Exec("UPDATE cases SET status = 'closed', closed_at = '2026-06-03T01:00:00Z' WHERE id = 2");
    Refresh(*c, st, 2);
    EXPECT_EQ(st.Get(2)->closed, LocalSeconds(2026, 6, 3, 9));
    c->Exec("DELETE FROM cases WHERE id = 2");
    Refresh(*c, st, 2);
    EXPECT_FALSE(st.Get(2).has_value());
    EXPECT_EQ(st.size(), 1u);
    c.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace duban::kpi
