#pragma once
/// duban::kpi — the case KPI engine: an in-memory, columnar store of the facts the case KPIs need
/// (one row per case) and the queries over it. Pure C++: no SQL, no HTTP. The server loads it from
/// the `cases` table at start (store::LoadCaseFacts) and keeps it live with Upsert after each
/// committed case write.
///
/// Times are int32 seconds of the naive Asia/Shanghai wall-clock read as if it were UTC ("local
/// seconds"; China has no DST), 0 = NULL. A month is therefore a calendar month in Beijing time,
/// and the figures agree with SQL run over naive local timestamps (../shared/peers/kpi/q/).
///
/// Cohort rule (as the SQL): a period's figures are about the cases *reported* in the period;
/// "closed" etc. count what had happened to them by the period's end. See docs/case-kpis.md.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace duban::kpi {

/// Local seconds of y-m-d h:mi:s (Beijing wall-clock read as UTC).
int32_t LocalSeconds(int y, int m, int d, int h = 0, int mi = 0, int s = 0);
/// Months since 1970-01 (0 = 1970-01) of a local-seconds instant, and the instant a month starts.
int MonthIndex(int32_t t);
int32_t MonthStart(int month_index);
/// "YYYY-MM" of a month index.
std::string MonthName(int month_index);
/// Local seconds from a UTC epoch (adds 8 hours) and back.
inline int32_t FromUtc(int64_t utc_epoch) { return static_cast<int32_t>(utc_epoch + 8 * 3600); }
inline int64_t ToUtc(int32_t local) { return static_cast<int64_t>(local) - 8 * 3600; }

/// Case type codes (small ints).
enum class CaseType : uint8_t { kUnknown = 0, kUrban = 1, kHotline = 2, kPetition = 3, kEnterprise = 4 };
CaseType CaseTypeFromCode(const std::string& code);  // "urban" ... ; kUnknown otherwise
const char* CaseTypeCode(CaseType t);

/// What the KPIs need of one case. Ids of org units are the org unit ids (0 = none); categories
/// are small ints from a Dictionary (0 = none).
struct CaseFacts {
    int64_t id = 0;
    int32_t street = 0, community = 0, grid = 0, lead_unit = 0;
    int32_t subject = 0;  // a petition's 被反映单位 (0 = none): hidden from that unit's accounts
    uint16_t major = 0, minor = 0;
    uint8_t source = 0;  // dictionary code of the source/channel
    CaseType type = CaseType::kUnknown;
    int32_t reported = 0, registered = 0, dispatched = 0, signed_at = 0, sign_due = 0,
            handled = 0, closed = 0, due = 0;
    uint8_t status = 0;  // 0 open, 1 suspended, 2 closed, 3 merged (informative)
    uint8_t returns = 0, reworks = 0;  // saturated at 255
    uint8_t satisfaction = 0;          // 1-5, 0 = not rated
    int8_t solved = -1;                // 1 solved, 0 not solved, -1 not asked
};

/// Text code <-> small int, 1-based (0 = none). Not thread-safe; the Store guards its own.
class Dictionary {
public:
    uint16_t Code(const std::string& s);  // adds when new; "" -> 0
    std::optional<uint16_t> Find(const std::string& s) const;
    const std::string& Name(uint16_t code) const;  // "" for 0 or unknown
    size_t size() const { return names_.size(); }

private:
    std::unordered_map<std::string, uint16_t> codes_;
    std::vector<std::string> names_;
};

/// The sums behind one row of a KPI table. All integers, so that merging partial sums (threads,
/// partitions) is exact; rates are computed at the end as the SQL's avg() of booleans.
struct Agg {
    int64_t reported = 0, registered = 0, dispatched = 0;
    int64_t dispatched_ok = 0;     // dispatched and never returned (退單)
    int64_t dispatch_on_time = 0;  // dispatched within Settings::dispatch_limit_s of registration
    int64_t handled = 0;                       // handled by the end
    int64_t handled_due_n = 0, handled_on_time = 0;  // of handled with a due: handled <= due
    int64_t closed = 0;            // closed before the end
    int64_t closed_due_n = 0;      // of closed: those with a due time (the on-time denominator)
    int64_t closed_on_time = 0;    // of those: closed <= due
    int64_t reworked = 0;          // of closed: reworks > 0
    int64_t overdue_open = 0;      // due < end and not closed before the end
    int64_t handling_n = 0, handling_sum = 0;  // of closed with a dispatch time: closed - dispatched
    int64_t signed_n = 0, signed_on_time = 0;  // signed for by the end; of those, signed <= sign_due
    int64_t rated = 0, satisfied = 0;          // satisfaction given; of those, 4 or 5
    int64_t asked = 0, solved = 0;             // solved asked on return visit; of those, yes
    void Add(const Agg& o);
    void Sub(const Agg& o);
    // Rates; nullopt where the SQL's avg() would be NULL (empty denominator).
    std::optional<double> OnTimeRate() const;
    std::optional<double> ReworkRate() const;
    std::optional<double> AvgHandlingSeconds() const;
    std::optional<double> ClosureRate() const;  // closed / reported
    std::optional<double> Ratio(int64_t num, int64_t den) const {
        if (den == 0) return std::nullopt;
        return static_cast<double>(num) / static_cast<double>(den);
    }
    bool operator==(const Agg&) const = default;
};

/// One row of a query's answer: its keys and sums.
struct Row {
    int32_t k1 = 0, k2 = 0;  // e.g. street and major category; month index for months
    Agg agg;
};

struct Settings {
    int32_t dispatch_limit_s = 2 * 3600;  // on-time dispatch: dispatched - registered <= this
    int32_t sign_limit_s = 2 * 3600;      // a hotline case's 簽收 is due this long after dispatch
};

/// Filters of a KPI query. Empty vectors mean "all".
struct Filter {
    int32_t from = 0, to = 0;            // reported in [from, to)
    std::vector<int32_t> streets;        // the row's street is one of these
    std::vector<int32_t> units;          // or its lead unit is one of these (OR with streets)
    bool scoped = false;                 // apply streets/units as a scope (OR); empty => nothing
    /// Leaves out the cases whose subject is one of these (a petition accusing the viewer's unit);
    /// when given, the rows are scanned (the pre-aggregates keep no subject).
    std::vector<int32_t> hidden_subjects;
    CaseType type = CaseType::kUnknown;  // kUnknown = every type
    bool force_scan = false;             // scan rows even when pre-aggregates could answer
};

enum class Group { kStreet, kUnit, kMajor, kMinor, kMonth, kStreetMajor, kStreetMonth };

/// The columnar store. Partitioned by reported month; each partition's columns are dense
/// (a moved or deleted case is swap-removed). Readers take a shared lock, Upsert an exclusive one.
/// Each partition also keeps, exactly and incrementally (Upsert subtracts a case's old
/// contribution and adds the new one), its sums at its own month's end per (street, lead unit,
/// category, type): a query whose period is whole months and whose end is each month's end (the
/// month and year panels, the drill-down, the KPI table by month) reads those instead of the rows.
class Store {
public:
    explicit Store(Settings s = {});
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Inserts or replaces the case with f.id. O(1) amortised plus the backlog index update.
    void Upsert(const CaseFacts& f);
    /// Removes a case (no-op if absent).
    void Erase(int64_t id);
    /// Bulk append of cases known to be new (loading); ids must be unique.
    void Reserve(size_t n);
    size_t size() const;
    std::optional<CaseFacts> Get(int64_t id) const;

    /// The small int of a category code (added when new), and back; thread-safe.
    uint16_t CategoryCode(const std::string& code);
    std::string CategoryName(uint16_t code) const;

    /// Cohort = cases reported in [f.from, f.to); every metric "by the end" uses `end`
    /// (or, when per_month_end, the end of each case's reporting month, as query (b)).
    /// Rows sorted by keys. Uses up to `threads` threads for large scans.
    std::vector<Row> Query(const Filter& f, Group g, int32_t end, bool per_month_end = false,
                           int threads = 1) const;

    /// The four benchmark queries (../shared/peers/kpi/q/). force_scan reads the rows instead of
    /// the pre-aggregates (same answer; for tests and the benchmark).
    /// (a) a month by street x major category, end = the month's end.
    std::vector<Row> MonthPanel(int month_index, bool force_scan = false) const;
    /// (b) a year by street x month, each month's end, 2 threads.
    std::vector<Row> YearPanel(int year, int threads = 2, bool force_scan = false) const;
    /// (c) one street's month by minor category.
    std::vector<Row> StreetMonth(int32_t street, int month_index, bool force_scan = false) const;
    /// (d) per street: cases with reported <= t, due < t and (never closed or closed > t).
    /// Exact for any instant, past or present; O(streets x log n).
    std::vector<Row> Backlog(int32_t t) const;  // k1 = street, agg.overdue_open

    /// Bytes held by the columns and indexes (approximate).
    size_t MemoryBytes() const;
    const Settings& settings() const { return settings_; }

private:
    struct Partition;
    struct BacklogIndex;
    struct Interns;
    Partition& PartitionFor(int month);
    void AppendLocked(const CaseFacts& f);
    void RemoveLocked(int64_t id);

    Settings settings_;
    mutable std::shared_mutex mu_;
    Dictionary categories_;
    std::vector<std::unique_ptr<Partition>> parts_;  // by month index - base_month_
    int base_month_ = -1;
    struct Loc {
        int32_t part;
        uint32_t row;
    };
    std::unordered_map<int64_t, Loc> where_;
    std::unique_ptr<Interns> interns_;
    std::unique_ptr<BacklogIndex> backlog_;
    uint16_t max_major_ = 0, max_minor_ = 0;
};

}  // namespace duban::kpi
