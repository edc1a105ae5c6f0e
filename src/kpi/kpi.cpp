// The KPI engine's store and scans. Design (docs/architecture.md, "kpi"):
//  - columns per reported month (Partition), dense: a case that leaves a partition is
//    swap-removed, so a scan never skips holes;
//  - street, lead unit and categories are interned to small dense indexes, so a group key is an
//    array index and the accumulator cells stay in L1/L2;
//  - every sum is an integer: partial results of partitions and threads merge exactly and the
//    rates equal SQL's avg() over booleans;
//  - the backlog at an instant uses an interval index (see Backlog below), exact for any instant.
#include "kpi/kpi.hpp"

#include "core/calendar.hpp"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cstdio>
#include <thread>

namespace duban::kpi {

// ---------------------------------------------------------------- time

int32_t LocalSeconds(int y, int m, int d, int h, int mi, int s) {
    return static_cast<int32_t>(core::Date{y, m, d}.DaysSinceEpoch() * 86400 + h * 3600 + mi * 60 + s);
}
int MonthIndex(int32_t t) {
    int64_t days = t >= 0 ? t / 86400 : (static_cast<int64_t>(t) - 86399) / 86400;
    const core::Date date = core::Date::FromDays(days);
    return (date.y - 1970) * 12 + (date.m - 1);
}
int32_t MonthStart(int mi) {
    const int y = 1970 + (mi >= 0 ? mi / 12 : (mi - 11) / 12);
    const int m = mi - (y - 1970) * 12 + 1;
    return LocalSeconds(y, m, 1);
}
std::string MonthName(int mi) {
    const int y = 1970 + (mi >= 0 ? mi / 12 : (mi - 11) / 12);
    const int m = mi - (y - 1970) * 12 + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

CaseType CaseTypeFromCode(const std::string& c) {
    if (c == "urban") return CaseType::kUrban;
    if (c == "hotline") return CaseType::kHotline;
    if (c == "petition") return CaseType::kPetition;
    if (c == "enterprise") return CaseType::kEnterprise;
    return CaseType::kUnknown;
}
const char* CaseTypeCode(CaseType t) {
    switch (t) {
        case CaseType::kUrban: return "urban";
        case CaseType::kHotline: return "hotline";
        case CaseType::kPetition: return "petition";
        case CaseType::kEnterprise: return "enterprise";
        default: return "";
    }
}

// ---------------------------------------------------------------- dictionary
uint16_t Dictionary::Code(const std::string& s) {
    if (s.empty()) return 0;
    auto it = codes_.find(s);
    if (it != codes_.end()) return it->second;
    if (names_.size() >= 65534) return 0;  // overflow: counted under "none" rather than wrapping
    names_.push_back(s);
    const auto c = static_cast<uint16_t>(names_.size());
    codes_.emplace(s, c);
    return c;
}
std::optional<uint16_t> Dictionary::Find(const std::string& s) const {
    auto it = codes_.find(s);
    if (it == codes_.end()) return std::nullopt;
    return it->second;
}
const std::string& Dictionary::Name(uint16_t c) const {
    static const std::string kEmpty;
    if (c == 0 || c > names_.size()) return kEmpty;
    return names_[c - 1];
}

// ---------------------------------------------------------------- Agg
void Agg::Add(const Agg& o) {
    reported += o.reported; registered += o.registered; dispatched += o.dispatched;
    dispatched_ok += o.dispatched_ok; dispatch_on_time += o.dispatch_on_time;
    handled += o.handled; handled_due_n += o.handled_due_n; handled_on_time += o.handled_on_time;
    closed += o.closed; closed_due_n += o.closed_due_n; closed_on_time += o.closed_on_time;
    reworked += o.reworked; overdue_open += o.overdue_open;
    handling_n += o.handling_n; handling_sum += o.handling_sum;
    signed_n += o.signed_n; signed_on_time += o.signed_on_time;
    rated += o.rated; satisfied += o.satisfied; asked += o.asked; solved += o.solved;
}
void Agg::Sub(const Agg& o) {
    reported -= o.reported; registered -= o.registered; dispatched -= o.dispatched;
    dispatched_ok -= o.dispatched_ok; dispatch_on_time -= o.dispatch_on_time;
    handled -= o.handled; handled_due_n -= o.handled_due_n; handled_on_time -= o.handled_on_time;
    closed -= o.closed; closed_due_n -= o.closed_due_n; closed_on_time -= o.closed_on_time;
    reworked -= o.reworked; overdue_open -= o.overdue_open;
    handling_n -= o.handling_n; handling_sum -= o.handling_sum;
    signed_n -= o.signed_n; signed_on_time -= o.signed_on_time;
    rated -= o.rated; satisfied -= o.satisfied; asked -= o.asked; solved -= o.solved;
}
std::optional<double> Agg::OnTimeRate() const { return Ratio(closed_on_time, closed_due_n); }
std::optional<double> Agg::ReworkRate() const { return Ratio(reworked, closed); }
std::optional<double> Agg::AvgHandlingSeconds() const { return Ratio(handling_sum, handling_n); }
std::optional<double> Agg::ClosureRate() const { return Ratio(closed, reported); }

// ---------------------------------------------------------------- partitions
namespace {
// Accumulates one row into a cell. Every predicate follows the SQL of q/ (see the header).
inline void Accumulate(Agg& a, int32_t end, int32_t reg, int32_t dis, int32_t clo, int32_t due,
                       int32_t han, int32_t sig, int32_t sdue, uint8_t ret, uint8_t rew,
                       uint8_t sat, int8_t sol, int32_t dispatch_limit) {
    a.reported += 1;
    a.registered += reg != 0;
    a.dispatched += dis != 0;
    a.dispatched_ok += (dis != 0) & (ret == 0);
    a.dispatch_on_time += (dis != 0) & (reg != 0) & (static_cast<int64_t>(dis) - reg <= dispatch_limit);
    const bool h = han != 0 && han < end;
    a.handled += h;
    a.handled_due_n += h & (due != 0);
    a.handled_on_time += h & (due != 0) & (han <= due);
    const bool c = clo != 0 && clo < end;
    a.closed += c;
    a.closed_due_n += c & (due != 0);
    a.closed_on_time += c & (due != 0) & (clo <= due);
    a.reworked += c & (rew != 0);
    a.overdue_open += (due != 0) & (due < end) & ((clo == 0) | (clo >= end));
    const bool hd = c & (dis != 0);
    a.handling_n += hd;
    a.handling_sum += hd ? static_cast<int64_t>(clo) - dis : 0;
    const bool s = sig != 0 && sig < end;
    a.signed_n += s & (sdue != 0);
    a.signed_on_time += s & (sdue != 0) & (sig <= sdue);
    a.rated += c & (sat != 0);
    a.satisfied += c & (sat >= 4);
    a.asked += c & (sol >= 0);
    a.solved += c & (sol == 1);
}

Agg Contribution(const CaseFacts& f, int32_t end, int32_t dispatch_limit) {
    Agg a;
    Accumulate(a, end, f.registered, f.dispatched, f.closed, f.due, f.handled, f.signed_at,
               f.sign_due, f.returns, f.reworks, f.satisfaction, f.solved, dispatch_limit);
    return a;
}

// The pre-aggregate's key: everything a query may filter or group on, except the month.
struct PreKey {
    uint16_t street_ix, unit_ix, major, minor;
    uint8_t type;
    bool operator==(const PreKey&) const = default;
};
struct PreKeyHash {
    size_t operator()(const PreKey& k) const {
        uint64_t h = (uint64_t{k.street_ix} << 48) ^ (uint64_t{k.unit_ix} << 32) ^
                     (uint64_t{k.major} << 16) ^ k.minor ^ (uint64_t{k.type} << 40);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ULL;
        return static_cast<size_t>(h ^ (h >> 32));
    }
};
}  // namespace

struct Store::Partition {
    int month = 0;
    std::vector<int64_t> id;
    std::vector<int32_t> street, community, grid, lead_unit, subject;
    std::vector<uint16_t> street_ix, unit_ix, major, minor;  // dense indexes (0 = none)
    std::vector<uint8_t> source, type, status, returns, reworks, satisfaction;
    std::vector<int8_t> solved;
    std::vector<int32_t> reported, registered, dispatched, signed_at, sign_due, handled, closed, due;
    // sums at this month's end by PreKey (see the header)
    std::unordered_map<PreKey, Agg, PreKeyHash> month_end;
    size_t size() const { return id.size(); }

    void Pre(const CaseFacts& f, uint16_t s_ix, uint16_t u_ix, int32_t limit, bool add) {
        const PreKey k{s_ix, u_ix, f.major, f.minor, static_cast<uint8_t>(f.type)};
        const Agg c = Contribution(f, MonthStart(month + 1), limit);
        auto& cell = month_end[k];
        if (add) {
            cell.Add(c);
        } else {
            cell.Sub(c);
            if (cell.reported == 0) month_end.erase(k);
        }
    }

    void Append(const CaseFacts& f, uint16_t s_ix, uint16_t u_ix) {
        id.push_back(f.id);
        street.push_back(f.street); community.push_back(f.community); grid.push_back(f.grid);
        lead_unit.push_back(f.lead_unit);
        subject.push_back(f.subject);
        street_ix.push_back(s_ix); unit_ix.push_back(u_ix);
        major.push_back(f.major); minor.push_back(f.minor);
        source.push_back(f.source); type.push_back(static_cast<uint8_t>(f.type));
        status.push_back(f.status); returns.push_back(f.returns); reworks.push_back(f.reworks);
        satisfaction.push_back(f.satisfaction); solved.push_back(f.solved);
        reported.push_back(f.reported); registered.push_back(f.registered);
        dispatched.push_back(f.dispatched); signed_at.push_back(f.signed_at);
        sign_due.push_back(f.sign_due); handled.push_back(f.handled); closed.push_back(f.closed);
        due.push_back(f.due);
    }
    void Set(size_t r, const CaseFacts& f, uint16_t s_ix, uint16_t u_ix) {
        id[r] = f.id;
        street[r] = f.street; community[r] = f.community; grid[r] = f.grid; lead_unit[r] = f.lead_unit;
        subject[r] = f.subject;
        street_ix[r] = s_ix; unit_ix[r] = u_ix; major[r] = f.major; minor[r] = f.minor;
        source[r] = f.source; type[r] = static_cast<uint8_t>(f.type); status[r] = f.status;
        returns[r] = f.returns; reworks[r] = f.reworks; satisfaction[r] = f.satisfaction;
        solved[r] = f.solved; reported[r] = f.reported; registered[r] = f.registered;
        dispatched[r] = f.dispatched; signed_at[r] = f.signed_at; sign_due[r] = f.sign_due;
        handled[r] = f.handled; closed[r] = f.closed; due[r] = f.due;
    }
    CaseFacts Get(size_t r) const {
        CaseFacts f;
        f.id = id[r]; f.street = street[r]; f.community = community[r]; f.grid = grid[r];
        f.lead_unit = lead_unit[r]; f.subject = subject[r]; f.major = major[r]; f.minor = minor[r]; f.source = source[r];
        f.type = static_cast<CaseType>(type[r]); f.status = status[r]; f.returns = returns[r];
        f.reworks = reworks[r]; f.satisfaction = satisfaction[r]; f.solved = solved[r];
        f.reported = reported[r]; f.registered = registered[r]; f.dispatched = dispatched[r];
        f.signed_at = signed_at[r]; f.sign_due = sign_due[r]; f.handled = handled[r];
        f.closed = closed[r]; f.due = due[r];
        return f;
    }
    // Moves the last row into r and drops the last; returns the id now at r (or 0).
    int64_t SwapRemove(size_t r) {
        const size_t last = size() - 1;
        int64_t moved = 0;
        if (r != last) {
            Set(r, Get(last), street_ix[last], unit_ix[last]);
            moved = id[r];
        }
        auto pop = [](auto&... v) { (v.pop_back(), ...); };
        pop(id, street, community, grid, lead_unit, subject, street_ix, unit_ix, major, minor, source, type,
            status, returns, reworks, satisfaction, solved, reported, registered, dispatched,
            signed_at, sign_due, handled, closed, due);
        return moved;
    }
    size_t Bytes() const {
        auto b = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
        return month_end.size() * (sizeof(PreKey) + sizeof(Agg) + 2 * sizeof(void*)) + b(id) + b(street) + b(community) + b(grid) + b(lead_unit) + b(subject) + b(street_ix) +
               b(unit_ix) + b(major) + b(minor) + b(source) + b(type) + b(status) + b(returns) +
               b(reworks) + b(satisfaction) + b(solved) + b(reported) + b(registered) +
               b(dispatched) + b(signed_at) + b(sign_due) + b(handled) + b(closed) + b(due);
    }
};

// ---------------------------------------------------------------- backlog index
// A case counts in (d) at instant t iff reported <= t, due < t and (closed is NULL or closed > t),
// i.e. iff t lies in [max(due + 1, reported), closed) (closed NULL = +inf). Per street, the
// number of such half-open intervals containing t is #(starts <= t) - #(ends <= t), counting only
// non-empty intervals. Sorted base arrays plus small unsorted pending adds/removes, merged when
// the pending part grows past a fraction of the base.
struct Store::BacklogIndex {
    struct Iv {
        int32_t start, end;
    };
    struct Street {
        std::vector<int32_t> starts, ends;  // sorted
        std::vector<Iv> add, del;           // pending
    };
    std::vector<Street> streets;  // by street_ix

    static std::optional<Iv> Interval(const CaseFacts& f) {
        if (f.due == 0) return std::nullopt;
        const int64_t start = std::max<int64_t>(static_cast<int64_t>(f.due) + 1, f.reported);
        const int64_t end = f.closed == 0 ? INT32_MAX : f.closed;
        if (start >= end) return std::nullopt;
        return Iv{static_cast<int32_t>(start), static_cast<int32_t>(end)};
    }
    Street& At(uint16_t ix) {
        if (ix >= streets.size()) streets.resize(ix + 1);
        return streets[ix];
    }
    void Add(uint16_t ix, const CaseFacts& f) {
        if (auto iv = Interval(f)) {
            auto& s = At(ix);
            // cancel a pending removal of the same interval first
            for (size_t i = 0; i < s.del.size(); ++i)
                if (s.del[i].start == iv->start && s.del[i].end == iv->end) {
                    s.del[i] = s.del.back();
                    s.del.pop_back();
                    return;
                }
            s.add.push_back(*iv);
            MaybeMerge(s);
        }
    }
    void Remove(uint16_t ix, const CaseFacts& f) {
        if (auto iv = Interval(f)) {
            auto& s = At(ix);
            for (size_t i = 0; i < s.add.size(); ++i)
                if (s.add[i].start == iv->start && s.add[i].end == iv->end) {
                    s.add[i] = s.add.back();
                    s.add.pop_back();
                    return;
                }
            s.del.push_back(*iv);
            MaybeMerge(s);
        }
    }
    static void MaybeMerge(Street& s) {
        const size_t pending = s.add.size() + s.del.size();
        if (pending < std::max<size_t>(4096, s.starts.size() / 16)) return;
        Merge(s);
    }
    static void Merge(Street& s) {
        auto fold = [](std::vector<int32_t>& base, std::vector<int32_t> add, std::vector<int32_t> del) {
            std::sort(add.begin(), add.end());
            std::sort(del.begin(), del.end());
            std::vector<int32_t> merged;
            merged.reserve(base.size() + add.size());
            std::merge(base.begin(), base.end(), add.begin(), add.end(), std::back_inserter(merged));
            std::vector<int32_t> out;
            out.reserve(merged.size());
            std::set_difference(merged.begin(), merged.end(), del.begin(), del.end(),
                                std::back_inserter(out));
            base.swap(out);
        };
        std::vector<int32_t> as, ae, ds, de;
        for (auto& iv : s.add) { as.push_back(iv.start); ae.push_back(iv.end); }
        for (auto& iv : s.del) { ds.push_back(iv.start); de.push_back(iv.end); }
        fold(s.starts, std::move(as), std::move(ds));
        fold(s.ends, std::move(ae), std::move(de));
        s.add.clear();
        s.del.clear();
    }
    int64_t Count(const Street& s, int32_t t) const {
        int64_t n = (std::upper_bound(s.starts.begin(), s.starts.end(), t) - s.starts.begin()) -
                    (std::upper_bound(s.ends.begin(), s.ends.end(), t) - s.ends.begin());
        for (auto& iv : s.add) n += (iv.start <= t && t < iv.end);
        for (auto& iv : s.del) n -= (iv.start <= t && t < iv.end);
        return n;
    }
    size_t Bytes() const {
        size_t b = 0;
        for (auto& s : streets)
            b += (s.starts.capacity() + s.ends.capacity()) * 4 + (s.add.capacity() + s.del.capacity()) * 8;
        return b;
    }
};

// ---------------------------------------------------------------- store
namespace {
// Interning of street and unit ids (int32) to dense uint16 indexes; index 0 = none.
struct IntIntern {
    std::unordered_map<int32_t, uint16_t> ix;
    std::vector<int32_t> ids{0};
    uint16_t Of(int32_t id) {
        if (id == 0) return 0;
        auto it = ix.find(id);
        if (it != ix.end()) return it->second;
        if (ids.size() >= 65535) return 0;
        ids.push_back(id);
        auto n = static_cast<uint16_t>(ids.size() - 1);
        ix.emplace(id, n);
        return n;
    }
};
}  // namespace

struct Store::Interns {
    IntIntern streets, units;
};

Store::Store(Settings s)
    : settings_(s), interns_(std::make_unique<Interns>()), backlog_(std::make_unique<BacklogIndex>()) {}
Store::~Store() = default;

Store::Partition& Store::PartitionFor(int month) {
    if (base_month_ < 0 || parts_.empty()) {
        base_month_ = month;
    }
    if (month < base_month_) {
        const int shift = base_month_ - month;
        std::vector<std::unique_ptr<Partition>> np(parts_.size() + shift);
        for (size_t i = 0; i < parts_.size(); ++i) np[i + shift] = std::move(parts_[i]);
        parts_.swap(np);
        for (auto& [id, loc] : where_) loc.part += shift;
        base_month_ = month;
    }
    const size_t i = static_cast<size_t>(month - base_month_);
    if (i >= parts_.size()) parts_.resize(i + 1);
    if (!parts_[i]) {
        parts_[i] = std::make_unique<Partition>();
        parts_[i]->month = month;
    }
    return *parts_[i];
}

void Store::AppendLocked(const CaseFacts& f) {
    auto& in = *interns_;
    const uint16_t s_ix = in.streets.Of(f.street), u_ix = in.units.Of(f.lead_unit);
    Partition& p = PartitionFor(MonthIndex(f.reported));
    const int32_t part = p.month - base_month_;
    p.Append(f, s_ix, u_ix);
    p.Pre(f, s_ix, u_ix, settings_.dispatch_limit_s, true);
    max_major_ = std::max(max_major_, f.major);
    max_minor_ = std::max(max_minor_, f.minor);
    where_[f.id] = Loc{part, static_cast<uint32_t>(p.size() - 1)};
    backlog_->Add(s_ix, f);
}

void Store::RemoveLocked(int64_t id) {
    auto it = where_.find(id);
    if (it == where_.end()) return;
    const Loc loc = it->second;
    Partition& p = *parts_[loc.part];
    const CaseFacts old = p.Get(loc.row);
    backlog_->Remove(p.street_ix[loc.row], old);
    p.Pre(old, p.street_ix[loc.row], p.unit_ix[loc.row], settings_.dispatch_limit_s, false);
    where_.erase(it);
    if (const int64_t moved = p.SwapRemove(loc.row)) where_[moved].row = loc.row;
}

void Store::Upsert(const CaseFacts& f) {
    std::unique_lock lk(mu_);
    auto it = where_.find(f.id);
    if (it != where_.end()) {
        const Loc loc = it->second;
        Partition& p = *parts_[loc.part];
        if (p.month == MonthIndex(f.reported)) {  // same partition: overwrite in place
            auto& in = *interns_;
            const uint16_t s_ix = in.streets.Of(f.street), u_ix = in.units.Of(f.lead_unit);
            const CaseFacts old = p.Get(loc.row);
            backlog_->Remove(p.street_ix[loc.row], old);
            p.Pre(old, p.street_ix[loc.row], p.unit_ix[loc.row], settings_.dispatch_limit_s, false);
            p.Set(loc.row, f, s_ix, u_ix);
            p.Pre(f, s_ix, u_ix, settings_.dispatch_limit_s, true);
            max_major_ = std::max(max_major_, f.major);
            max_minor_ = std::max(max_minor_, f.minor);
            backlog_->Add(s_ix, f);
            return;
        }
        RemoveLocked(f.id);
    }
    AppendLocked(f);
}

void Store::Erase(int64_t id) {
    std::unique_lock lk(mu_);
    RemoveLocked(id);
}

void Store::Reserve(size_t n) {
    std::unique_lock lk(mu_);
    where_.reserve(n);
}

uint16_t Store::CategoryCode(const std::string& code) {
    std::unique_lock lk(mu_);
    return categories_.Code(code);
}
std::string Store::CategoryName(uint16_t code) const {
    std::shared_lock lk(mu_);
    return categories_.Name(code);
}

size_t Store::size() const {
    std::shared_lock lk(mu_);
    return where_.size();
}

std::optional<CaseFacts> Store::Get(int64_t id) const {
    std::shared_lock lk(mu_);
    auto it = where_.find(id);
    if (it == where_.end()) return std::nullopt;
    return parts_[it->second.part]->Get(it->second.row);
}

size_t Store::MemoryBytes() const {
    std::shared_lock lk(mu_);
    size_t b = 0;
    for (auto& p : parts_)
        if (p) b += p->Bytes();
    // unordered_map node (key, value, next, hash) plus its bucket pointer
    b += where_.size() * (sizeof(int64_t) + sizeof(Loc) + 2 * sizeof(void*)) +
         where_.bucket_count() * sizeof(void*);
    return b + backlog_->Bytes();
}

// ---------------------------------------------------------------- scans
namespace {
struct ScanSpec {
    int32_t from, to, end;
    bool per_month_end;
    uint8_t type;  // 0 = any
    const std::vector<uint8_t>* street_ok;  // by street_ix; null = all
    const std::vector<uint8_t>* unit_ok;    // by unit_ix (OR with street_ok)
    int32_t dispatch_limit;
};

}  // namespace

std::vector<Row> Store::Query(const Filter& f, Group g, int32_t end, bool per_month_end,
                              int threads) const {
    std::shared_lock lk(mu_);
    auto& in = *interns_;
    const size_t n_streets = in.streets.ids.size(), n_units = in.units.ids.size();
    std::vector<uint8_t> street_ok, unit_ok;
    if (f.scoped) {
        street_ok.assign(n_streets, 0);
        unit_ok.assign(n_units, 0);
        for (int32_t s : f.streets)
            if (auto it = in.streets.ix.find(s); it != in.streets.ix.end()) street_ok[it->second] = 1;
        for (int32_t u : f.units)
            if (auto it = in.units.ix.find(u); it != in.units.ix.end()) unit_ok[it->second] = 1;
    } else if (!f.streets.empty()) {
        street_ok.assign(n_streets, 0);
        for (int32_t s : f.streets)
            if (auto it = in.streets.ix.find(s); it != in.streets.ix.end()) street_ok[it->second] = 1;
    }
    // the partitions that can hold the cohort
    std::vector<const Partition*> ps;
    for (auto& p : parts_) {
        if (!p || p->size() == 0) continue;
        const int32_t ms = MonthStart(p->month), me = MonthStart(p->month + 1);
        if (me <= f.from || ms >= f.to) continue;
        ps.push_back(p.get());
    }
    // group key -> cell: k1 dimension x k2 dimension
    size_t n1 = 1, n2 = 1;
    int month0 = ps.empty() ? 0 : ps.front()->month;
    const int n_months = ps.empty() ? 1 : ps.back()->month - month0 + 1;
    const uint16_t max_cat = g == Group::kMinor ? max_minor_ : max_major_;
    switch (g) {
        case Group::kStreet: n1 = n_streets; break;
        case Group::kUnit: n1 = n_units; break;
        case Group::kMajor: case Group::kMinor: n2 = max_cat + 1u; break;
        case Group::kMonth: n2 = n_months; break;
        case Group::kStreetMajor: n1 = n_streets; n2 = max_cat + 1u; break;
        case Group::kStreetMonth: n1 = n_streets; n2 = n_months; break;
    }
    const uint8_t type = static_cast<uint8_t>(f.type);
    const bool scoped = f.scoped, by_street = !street_ok.empty();
    constexpr uint8_t kPetition = static_cast<uint8_t>(CaseType::kPetition);
    std::vector<int32_t> hidden = f.hidden_subjects;
    std::sort(hidden.begin(), hidden.end());
    const bool hide = !hidden.empty();
    const int32_t limit = settings_.dispatch_limit_s;

    auto scan = [&](size_t lo, size_t hi, std::vector<Agg>& cells) {
        for (size_t pi = lo; pi < hi; ++pi) {
            const Partition& p = *ps[pi];
            const int32_t pend = per_month_end ? MonthStart(p.month + 1) : end;
            const size_t mcol = static_cast<size_t>(p.month - month0);
            const size_t n = p.size();
            const auto* rep = p.reported.data();
            const auto* six = p.street_ix.data();
            const auto* uix = p.unit_ix.data();
            const auto* subj = p.subject.data();
            const auto* cat = (g == Group::kMinor ? p.minor : p.major).data();
            for (size_t i = 0; i < n; ++i) {
                if (rep[i] < f.from || rep[i] >= f.to) continue;
                if (type && p.type[i] != type) continue;
                if (hide && subj[i] && std::binary_search(hidden.begin(), hidden.end(), subj[i])) continue;
                if (scoped) {  // a petition counts for the unit that handles it, not for its place
                    if ((!street_ok[six[i]] || p.type[i] == kPetition) && !unit_ok[uix[i]]) continue;
                } else if (by_street && !street_ok[six[i]]) {
                    continue;
                }
                size_t k1 = 0, k2 = 0;
                switch (g) {
                    case Group::kStreet: k1 = six[i]; break;
                    case Group::kUnit: k1 = uix[i]; break;
                    case Group::kMajor: case Group::kMinor: k2 = cat[i]; break;
                    case Group::kMonth: k2 = mcol; break;
                    case Group::kStreetMajor: k1 = six[i]; k2 = cat[i]; break;
                    case Group::kStreetMonth: k1 = six[i]; k2 = mcol; break;
                }
                Accumulate(cells[k1 * n2 + k2], pend, p.registered[i], p.dispatched[i],
                           p.closed[i], p.due[i], p.handled[i], p.signed_at[i], p.sign_due[i],
                           p.returns[i], p.reworks[i], p.satisfaction[i], p.solved[i], limit);
            }
        }
    };
    std::vector<Agg> cells(n1 * n2);
    // Whole months, each ending at its own month's end: the pre-aggregates answer.
    bool pre = !f.force_scan && !ps.empty() && hidden.empty();
    for (auto* p : ps) {
        const int32_t ms = MonthStart(p->month), me = MonthStart(p->month + 1);
        if (ms < f.from || me > f.to || (!per_month_end && end != me)) pre = false;
    }
    if (pre) {
        for (auto* p : ps) {
            const size_t mcol = static_cast<size_t>(p->month - month0);
            for (const auto& [k, agg] : p->month_end) {
                if (type && k.type != type) continue;
                if (scoped) {
                    if ((!street_ok[k.street_ix] || k.type == kPetition) && !unit_ok[k.unit_ix]) continue;
                } else if (by_street && !street_ok[k.street_ix]) {
                    continue;
                }
                const size_t cat = g == Group::kMinor ? k.minor : k.major;
                size_t k1 = 0, k2 = 0;
                switch (g) {
                    case Group::kStreet: k1 = k.street_ix; break;
                    case Group::kUnit: k1 = k.unit_ix; break;
                    case Group::kMajor: case Group::kMinor: k2 = cat; break;
                    case Group::kMonth: k2 = mcol; break;
                    case Group::kStreetMajor: k1 = k.street_ix; k2 = cat; break;
                    case Group::kStreetMonth: k1 = k.street_ix; k2 = mcol; break;
                }
                cells[k1 * n2 + k2].Add(agg);
            }
        }
    }
    threads = std::max(1, std::min<int>(threads, static_cast<int>(ps.size())));
    if (pre) {
        // answered above
    } else if (threads == 1) {
        scan(0, ps.size(), cells);
    } else {
        // split the partitions by row count
        size_t total = 0;
        for (auto* p : ps) total += p->size();
        std::vector<size_t> cut{0};
        size_t acc = 0;
        for (size_t i = 0; i < ps.size() && static_cast<int>(cut.size()) < threads; ++i) {
            acc += ps[i]->size();
            if (acc * threads >= total * cut.size()) cut.push_back(i + 1);
        }
        while (cut.size() < static_cast<size_t>(threads) + 1) cut.push_back(ps.size());
        cut.back() = ps.size();
        std::vector<std::vector<Agg>> part_cells(threads - 1, std::vector<Agg>(n1 * n2));
        std::vector<std::thread> ts;
        for (int t = 1; t < threads; ++t)
            ts.emplace_back([&, t] { scan(cut[t], cut[t + 1], part_cells[t - 1]); });
        scan(cut[0], cut[1], cells);
        for (auto& t : ts) t.join();
        for (auto& pc : part_cells)
            for (size_t i = 0; i < cells.size(); ++i) cells[i].Add(pc[i]);
    }
    std::vector<Row> out;
    for (size_t a = 0; a < n1; ++a)
        for (size_t b = 0; b < n2; ++b) {
            const Agg& c = cells[a * n2 + b];
            if (c.reported == 0) continue;
            Row r;
            switch (g) {
                case Group::kStreet: case Group::kStreetMajor: case Group::kStreetMonth:
                    r.k1 = in.streets.ids[a]; break;
                case Group::kUnit: r.k1 = in.units.ids[a]; break;
                default: break;
            }
            if (g == Group::kMonth || g == Group::kStreetMonth) r.k2 = month0 + static_cast<int>(b);
            else r.k2 = static_cast<int32_t>(b);
            r.agg = c;
            out.push_back(r);
        }
    std::sort(out.begin(), out.end(),
              [](const Row& x, const Row& y) { return x.k1 != y.k1 ? x.k1 < y.k1 : x.k2 < y.k2; });
    return out;
}

std::vector<Row> Store::MonthPanel(int month, bool force_scan) const {
    Filter f;
    f.force_scan = force_scan;
    f.from = MonthStart(month);
    f.to = MonthStart(month + 1);
    return Query(f, Group::kStreetMajor, f.to);
}

std::vector<Row> Store::YearPanel(int year, int threads, bool force_scan) const {
    Filter f;
    f.force_scan = force_scan;
    f.from = LocalSeconds(year, 1, 1);
    f.to = LocalSeconds(year + 1, 1, 1);
    return Query(f, Group::kStreetMonth, f.to, /*per_month_end=*/true, threads);
}

std::vector<Row> Store::StreetMonth(int32_t street, int month, bool force_scan) const {
    Filter f;
    f.force_scan = force_scan;
    f.from = MonthStart(month);
    f.to = MonthStart(month + 1);
    f.streets = {street};
    auto rows = Query(f, Group::kMinor, f.to);
    for (auto& r : rows) r.k1 = street;
    return rows;
}

std::vector<Row> Store::Backlog(int32_t t) const {
    std::shared_lock lk(mu_);
    auto& in = *interns_;
    std::vector<Row> out;
    for (size_t ix = 0; ix < backlog_->streets.size(); ++ix) {
        const int64_t n = backlog_->Count(backlog_->streets[ix], t);
        if (n == 0) continue;
        Row r;
        r.k1 = in.streets.ids[ix];
        r.agg.overdue_open = n;
        out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const Row& x, const Row& y) { return x.k1 < y.k1; });
    return out;
}

}  // namespace duban::kpi
