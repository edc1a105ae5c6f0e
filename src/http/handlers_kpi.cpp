// The case KPI table (docs/case-kpis.md): GET /api/v1/case-kpis and its .xlsx. Thin: parse, scope,
// ask the KPI store, serialise. The store is loaded from the `cases` table on first use and
// from then on kept live case by case: every case write in this process calls RefreshCaseKpis
// (through AfterCaseWrite, app.hpp), so a read never re-loads. Cases written by another process
// (`duban demo-cases` into a running server's database, a second server on the same PostgreSQL)
// are seen after a restart.
#include <map>

#include "disclosure/disclosure.hpp"
#include "http/app.hpp"
#include "kpi/load.hpp"
#include "office/office.hpp"

namespace duban::http {

namespace {

struct Period {
    int from_month = 0, to_month = 0;  // inclusive, month indexes (kpi::MonthIndex)
};

core::Status MonthParam(const Request& req, const char* key, std::optional<int>* out) {
    auto q = Query(req, key);
    if (!q || q->empty()) return core::Status();
    int y = 0, m = 0;
    char tail = 0;
    if (q->size() != 7 || std::sscanf(q->c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 2100 || m < 1 || m > 12)
        return Error::BadRequest("invalid_query", std::string(key) + " must be YYYY-MM", key);
    *out = kpi::MonthIndex(kpi::LocalSeconds(y, m, 1));
    return core::Status();
}

// The KPI store of an App. Kept here rather than as App members so that adding the KPI routes
// leaves App's layout (and every other handler's object file) unchanged; one App per process.
struct KpiState {
    std::mutex mu;
    std::shared_ptr<kpi::Store> store;  // GUARDED_BY(mu)
};
KpiState& StateOf(const App& app) {
    static std::mutex mu;
    static std::unordered_map<const App*, std::unique_ptr<KpiState>> states;
    std::lock_guard lk(mu);
    auto& s = states[&app];
    if (!s) s = std::make_unique<KpiState>();
    return *s;
}

/// The store, loaded on first use. The load reads under the lock that RefreshCaseKpis takes, so
/// a write committed while it runs is either in the load or refreshed after it.
std::shared_ptr<const kpi::Store> KpiStore(App& app) {
    KpiState& s = StateOf(app);
    std::lock_guard lk(s.mu);
    if (!s.store) {
        auto c = app.db.Read();
        auto st = std::make_shared<kpi::Store>();
        kpi::Load(*c, *st);
        s.store = std::move(st);
    }
    return s.store;
}

std::string KpiPercentEncode(const std::string& s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 15];
        }
    }
    return out;
}

Json Num(std::optional<double> v) { return v ? Json(*v) : Json(nullptr); }

Json AggJson(const kpi::Agg& a) {
    return {{"reported", a.reported},
            {"registered", a.registered},
            {"dispatched", a.dispatched},
            {"dispatched_correctly", a.dispatched_ok},
            {"dispatched_correctly_rate", Num(a.Ratio(a.dispatched_ok, a.dispatched))},
            {"dispatch_on_time_rate", Num(a.Ratio(a.dispatch_on_time, a.dispatched))},
            {"handled", a.handled},
            {"handled_on_time_rate", Num(a.Ratio(a.handled_on_time, a.handled_due_n))},
            {"closed", a.closed},
            {"closure_rate", Num(a.ClosureRate())},
            {"on_time_rate", Num(a.OnTimeRate())},
            {"rework_rate", Num(a.ReworkRate())},
            {"overdue_open", a.overdue_open},
            {"avg_handling_s", Num(a.AvgHandlingSeconds())},
            {"sign_on_time_rate", Num(a.Ratio(a.signed_on_time, a.signed_n))},
            {"resolution_rate", Num(a.Ratio(a.solved, a.asked))},
            {"satisfaction_rate", Num(a.Ratio(a.satisfied, a.rated))}};
}

struct Table {
    Json body;
    std::vector<std::pair<std::string, kpi::Agg>> rows;  // display name, sums
    kpi::Agg total;
};

struct KpiParams {
    std::string group = "street", type;
    std::optional<int> from, to;  // month indexes, inclusive; none = this month
    std::optional<core::TimePoint> now;  // one instant for several tables; none = the clock's
    // Every group's figures at one end (now, or the period's end if before): by month too, so
    // that the months add up to the whole. Otherwise each month ends at its own end.
    bool one_end = false;
    // Petitions accusing one of these units are left out (the viewer's own units and those above;
    // only those some case accuses, so usually none and the pre-aggregates answer).
    std::vector<int32_t> hidden_subjects;
};

Result<Table> ComputeFor(App& app, const core::Scope& scope, const KpiParams& q);

Result<Table> Compute(Ctx& ctx) {
    KpiParams q;
    q.group = Query(ctx.req, "group").value_or("street");
    q.type = Query(ctx.req, "type").value_or("");
    if (auto s = MonthParam(ctx.req, "from", &q.from); !s) return s.error();
    if (auto s = MonthParam(ctx.req, "to", &q.to); !s) return s.error();
    if (!ctx.principal->Has(org::Perm::kCaseDispatch) && !ctx.principal->units.empty()) {  // as CaseViewer
        auto c = ctx.app.db.Read();
        for (auto id : store::CaseSubjectsAmong(*c, CaseOwnLine(*c, ctx.principal->units)))
            q.hidden_subjects.push_back(static_cast<int32_t>(id));
    }
    return ComputeFor(ctx.app, ctx.principal->scope, q);
}

Result<Table> ComputeFor(App& app, const core::Scope& scope, const KpiParams& q) {
    const std::string& group = q.group;
    kpi::Group g;
    if (group == "street") g = kpi::Group::kStreet;
    else if (group == "unit") g = kpi::Group::kUnit;
    else if (group == "category") g = kpi::Group::kMajor;
    else if (group == "month") g = kpi::Group::kMonth;
    else return Error::BadRequest("invalid_query", "group must be street, unit, category or month", "group");
    const std::string& type = q.type;
    const kpi::CaseType t = kpi::CaseTypeFromCode(type);
    if (!type.empty() && t == kpi::CaseType::kUnknown)
        return Error::BadRequest("invalid_query", "type must be urban, hotline, petition or enterprise", "type");
    std::optional<int> from = q.from, to = q.to;
    const auto now_utc =
        std::chrono::duration_cast<std::chrono::seconds>(q.now.value_or(app.clock.Now()).time_since_epoch()).count();
    const int32_t now = kpi::FromUtc(now_utc);
    const int this_month = kpi::MonthIndex(now);
    if (!to) to = from ? *from : this_month;
    if (!from) from = *to;
    if (*from > *to) return Error::BadRequest("invalid_query", "from must not be after to", "from");
    if (*to - *from >= 120) return Error::BadRequest("invalid_query", "at most 120 months at once", "to");

    kpi::Filter f;
    f.type = t;
    f.hidden_subjects = q.hidden_subjects;
    std::vector<store::OrgUnitBrief> units;
    {
        auto c = app.db.Read();
        units = store::ListOrgUnitBriefs(*c);
    }
    if (!scope.all) {
        f.scoped = true;
        for (auto& u : units)
            if (scope.Contains(u.path)) {
                f.streets.push_back(static_cast<int32_t>(u.id));
                f.units.push_back(static_cast<int32_t>(u.id));
            }
    }
    auto st = KpiStore(app);
    // Each month's figures end at the month's end, or now for the month under way (so that
    // "overdue open" never counts a case whose due time has not come yet).
    std::vector<kpi::Row> rows;
    const int last_closed_month = std::min(*to, this_month - 1);
    // By month, each row ends at its own month's end, so the rows do not add up to the period: the
    // total is the whole period's at its end, as every other grouping gives it (the same 结案率
    // and 超期未结 whichever tab the reader is on, and in the workbook's 合计 row).
    std::optional<kpi::Agg> whole;
    if (g == kpi::Group::kMonth && !q.one_end) {
        kpi::Filter fw = f;
        fw.from = kpi::MonthStart(*from);
        fw.to = kpi::MonthStart(*to + 1);
        kpi::Agg sum;
        for (auto& r : st->Query(fw, g, std::min(fw.to, now), false, 2)) sum.Add(r.agg);
        whole = sum;
    }
    if (g == kpi::Group::kMonth && !q.one_end) {
        if (*from <= last_closed_month) {
            f.from = kpi::MonthStart(*from);
            f.to = kpi::MonthStart(last_closed_month + 1);
            rows = st->Query(f, g, f.to, /*per_month_end=*/true, 2);
        }
        if (*to >= this_month && *from <= this_month) {
            f.from = kpi::MonthStart(std::max(*from, this_month));
            f.to = kpi::MonthStart(this_month + 1);
            auto cur = st->Query(f, g, now);
            rows.insert(rows.end(), cur.begin(), cur.end());
        }
    } else {
        f.from = kpi::MonthStart(*from);
        f.to = kpi::MonthStart(*to + 1);
        rows = st->Query(f, g, std::min(f.to, now), false, 2);
    }

    std::unordered_map<int64_t, const store::OrgUnitBrief*> by_id;
    for (auto& u : units) by_id[u.id] = &u;
    std::unordered_map<std::string, std::string> major_names;  // 大类 by code, from the case types
    if (g == kpi::Group::kMajor) {
        std::map<std::string, int> uses;  // a name two 大类 share (市容环境 is both a 部件 and an 事件)
        for (const auto& ct : app.case_types->All())
            for (const auto& m : ct->majors) ++uses[m.name];
        for (const auto& ct : app.case_types->All())
            for (const auto& m : ct->majors)
                major_names.emplace(m.code, uses[m.name] > 1 ? m.name + "（" + (m.kind.empty() ? m.code : m.kind) + "）"
                                                             : m.name);
    }
    Table out;
    Json items = Json::array();
    for (auto& r : rows) {
        Json key;
        std::string name;
        switch (g) {
            case kpi::Group::kStreet:
            case kpi::Group::kUnit: {
                key = r.k1 ? Json(r.k1) : Json(nullptr);
                auto it = by_id.find(r.k1);
                name = r.k1 == 0 ? "（未定）" : it != by_id.end() ? it->second->name : "#" + std::to_string(r.k1);
                break;
            }
            case kpi::Group::kMajor: {
                const std::string code = st->CategoryName(static_cast<uint16_t>(r.k2));
                key = code;
                auto it = major_names.find(code);
                name = code.empty() ? "（未分类）" : it != major_names.end() ? it->second : code;
                break;
            }
            default:
                name = kpi::MonthName(r.k2);
                key = name;
        }
        Json row = AggJson(r.agg);
        row["key"] = key;
        row["name"] = name;
        items.push_back(std::move(row));
        out.rows.emplace_back(name, r.agg);
        if (!whole) out.total.Add(r.agg);
    }
    if (whole) out.total = *whole;
    out.body = {{"group", group},
                {"type", type},
                {"from", kpi::MonthName(*from)},
                {"to", kpi::MonthName(*to)},
                {"rows", std::move(items)},
                {"total", AggJson(out.total)}};
    return out;
}

std::string KeyText(const Json& k) { return k.is_string() ? k.get<std::string>() : k.is_null() ? std::string() : k.dump(); }

/// The rows of one grouping, summed over the published case types (never petitions): only rows
/// with a published case, so no petition shows through as a row of zeros.
struct Merged {
    std::vector<disclosure::CaseFigures> rows;
    std::vector<kpi::Agg> per_type;  // each type's rows summed, in the order of the types
};
Result<Merged> OverTypes(App& app, const core::Scope& scope, KpiParams q, const std::vector<std::string>& types) {
    Merged m;
    std::vector<std::tuple<std::string, std::string, kpi::Agg>> acc;  // key, name, sums
    for (auto& t : types) {
        q.type = t;
        auto r = ComputeFor(app, scope, q);
        if (!r.ok()) return r.error();
        m.per_type.push_back(r->total);
        for (size_t i = 0; i < r->rows.size(); ++i) {
            const std::string key = KeyText(r->body["rows"][i]["key"]);
            auto it = std::find_if(acc.begin(), acc.end(), [&](auto& e) { return std::get<0>(e) == key; });
            if (it == acc.end()) acc.emplace_back(key, r->rows[i].first, r->rows[i].second);
            else std::get<2>(*it).Add(r->rows[i].second);
        }
    }
    // Months by their name; streets by id, the unplaced ("") last.
    std::sort(acc.begin(), acc.end(), [](auto& a, auto& b) {
        const std::string &x = std::get<0>(a), &y = std::get<0>(b);
        if (x.empty() != y.empty()) return y.empty();
        if (x.size() != y.size()) return x.size() < y.size();
        return x < y;
    });
    for (auto& [key, name, a] : acc) m.rows.push_back({key, name, AggJson(a)});
    return m;
}

}  // namespace

Result<disclosure::Draft> CaseStatsDraft(App& app, const core::Scope& scope, int year) {
    // One instant for every table, so that they add up.
    const core::TimePoint at = app.clock.Now();
    const auto now_utc = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    const int this_month = kpi::MonthIndex(kpi::FromUtc(now_utc));
    KpiParams q;
    q.now = at;
    q.one_end = true;
    q.from = kpi::MonthIndex(kpi::LocalSeconds(year, 1, 1));
    q.to = std::min(kpi::MonthIndex(kpi::LocalSeconds(year, 12, 1)), this_month);
    if (*q.from > *q.to) return Error::Validation("year", "the year has not begun");
    const std::vector<std::string> types = {"urban", "hotline", "enterprise"};
    q.group = "month";
    auto months = OverTypes(app, scope, q, types);
    if (!months.ok()) return months.error();
    q.group = "street";
    auto streets = OverTypes(app, scope, q, types);
    if (!streets.ok()) return streets.error();
    // The types and the total from the same tables as the streets, so that the three add up.
    std::vector<disclosure::CaseFigures> by_type;
    kpi::Agg total;
    for (size_t i = 0; i < types.size(); ++i) {
        total.Add(streets->per_type[i]);
        by_type.push_back({types[i], types[i], AggJson(streets->per_type[i])});
    }
    // Where the figures come from: the district, or the publisher's own units.
    std::vector<std::string> area;
    {
        auto c = app.db.Read();
        for (auto& u : store::ListOrgUnitBriefs(*c)) {
            const bool root = scope.all ? u.kind == "district"
                                        : std::find(scope.subtrees.begin(), scope.subtrees.end(), u.path) != scope.subtrees.end() ||
                                              std::find(scope.exact.begin(), scope.exact.end(), u.path) != scope.exact.end();
            if (root) area.push_back(u.name);
        }
    }
    const std::string as_of = core::LocalDate(at).ToString();
    return disclosure::CaseStats(year, as_of, area, months->rows, streets->rows, by_type, AggJson(total));
}

namespace {

asio::awaitable<Response> KpisH(Ctx& ctx) {
    auto t = Compute(ctx);
    if (!t) co_return ErrorResponse(t.error());
    co_return JsonResponse(200, t->body);
}

asio::awaitable<Response> KpisXlsxH(Ctx& ctx) {
    auto t = Compute(ctx);
    if (!t) co_return ErrorResponse(t.error());
    const std::string group = t->body["group"];
    office::OutSheet sh;
    sh.name = "案件指标";
    sh.title = "案件办理指标 " + t->body["from"].get<std::string>() + " 至 " + t->body["to"].get<std::string>();
    const char* first = group == "street" ? "街道" : group == "unit" ? "承办单位" : group == "category" ? "大类" : "月份";
    sh.header = {first, "上报", "立案", "派遣", "派遣准确率", "按时派遣率", "处置", "按时处置率", "结案", "结案率",
                 "按期办结率", "返工率", "超期未结", "平均处置时长(小时)", "按时签收率", "解决率", "满意率"};
    sh.col_widths = {16};
    auto pct = [](std::optional<double> v) { return v ? office::OutCell::Num(*v, "0.0%") : office::OutCell{}; };
    auto n = [](int64_t v) { return office::OutCell::Num(static_cast<double>(v), "0"); };
    auto line = [&](const std::string& name, const kpi::Agg& a) {
        std::vector<office::OutCell> r;
        r.push_back(office::OutCell::Str(name));
        r.push_back(n(a.reported));
        r.push_back(n(a.registered));
        r.push_back(n(a.dispatched));
        r.push_back(pct(a.Ratio(a.dispatched_ok, a.dispatched)));
        r.push_back(pct(a.Ratio(a.dispatch_on_time, a.dispatched)));
        r.push_back(n(a.handled));
        r.push_back(pct(a.Ratio(a.handled_on_time, a.handled_due_n)));
        r.push_back(n(a.closed));
        r.push_back(pct(a.ClosureRate()));
        r.push_back(pct(a.OnTimeRate()));
        r.push_back(pct(a.ReworkRate()));
        r.push_back(n(a.overdue_open));
        auto h = a.AvgHandlingSeconds();
        r.push_back(h ? office::OutCell::Num(*h / 3600.0, "0.0") : office::OutCell{});
        r.push_back(pct(a.Ratio(a.signed_on_time, a.signed_n)));
        r.push_back(pct(a.Ratio(a.solved, a.asked)));
        r.push_back(pct(a.Ratio(a.satisfied, a.rated)));
        return r;
    };
    for (auto& [name, a] : t->rows) sh.rows.push_back(line(name, a));
    auto total = line("合计", t->total);
    total[0].bold = true;
    sh.rows.push_back(std::move(total));
    auto bytes = office::WriteXlsx({sh});
    if (!bytes) co_return ErrorResponse(bytes.error());
    Response r;
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"case-kpis.xlsx\"; filename*=UTF-8''" +
                                                      KpiPercentEncode("案件指标.xlsx"));
    co_return r;
}

}  // namespace

bool CaseKpisLoaded(App& app) {
    KpiState& s = StateOf(app);
    std::lock_guard lk(s.mu);
    return s.store != nullptr;
}

void RefreshCaseKpis(App& app, store::Conn& c, int64_t case_id) {
    KpiState& s = StateOf(app);
    std::lock_guard lk(s.mu);
    if (s.store) kpi::Refresh(c, *s.store, case_id);  // not loaded yet: its first load reads the case
}

void ReloadCaseKpis(App& app) {
    KpiState& s = StateOf(app);
    std::lock_guard lk(s.mu);
    s.store.reset();
}

void AddCaseKpiRoutes(std::vector<Route>& r) {
    const std::string q = " (?group=street|unit|category|month&type=urban|hotline|petition|enterprise&from=YYYY-MM&to=YYYY-MM; "
                          "cohort = cases reported in the period; see docs/case-kpis.md)";
    auto add = [&](const char* method, const char* pattern, Handler h, const std::string& summary) {
        r.push_back(Route{method, pattern, std::move(h), Access::kPermission, org::Perm::kIndicatorRead, summary, "cases"});
    };
    add("GET", "/api/v1/case-kpis", KpisH, "Case KPIs by street, unit, category or month" + q);
    add("GET", "/api/v1/case-kpis.xlsx", KpisXlsxH, "The case KPI table as .xlsx" + q);
}

}  // namespace duban::http
