// Demo cases: the dispatch rule table and a few dozen generated cases of the four types in
// various stages, made through the engine's own commands (so their steps and events are real).
// Every generated text is labelled （演示数据）.
#include <cstdio>
#include <map>

#include "cases/cases.hpp"
#include "cli/cli.hpp"
#include "core/calendar.hpp"
#include "store/case_repos.hpp"
#include "store/repos.hpp"

namespace duban::cli {
namespace {

struct DemoCase {
    const char* type;
    const char* category;
    const char* text;
};
const DemoCase kDemoCases[] = {
    {"urban", "E0101", "小区门口路边有暴露垃圾，影响环境"},
    {"urban", "E0201", "公交站牌上违章张贴小广告"},
    {"urban", "E0401", "早市摊贩占道经营，影响通行"},
    {"urban", "B0101", "人行道上水井盖破损，存在安全隐患"},
    {"urban", "B0104", "路灯夜间不亮"},
    {"urban", "B0201", "机动车道出现坑槽，道路破损"},
    {"urban", "E0301", "工地未苫盖，施工扬尘严重"},
    {"urban", "E0102", "楼道口乱堆物料"},
    {"urban", "B0401", "行道树倾斜，有倒伏风险"},
    {"urban", "E0403", "小区周边机动车乱停放"},
    {"hotline", "H0101", "咨询灵活就业人员社保缴费办法"},
    {"hotline", "H0201", "小区停水两天，请求协调恢复供水"},
    {"hotline", "H0301", "投诉超市价格标签与结算价格不一致"},
    {"hotline", "H0302", "投诉楼下饭店夜间噪声扰民"},
    {"hotline", "H0303", "投诉物业未及时清理楼道杂物"},
    {"hotline", "H0401", "举报无证经营的小作坊"},
    {"hotline", "H0501", "建议在学校门口增设过街天桥"},
    {"hotline", "H0102", "咨询居住证办理所需材料"},
    {"hotline", "H0402", "举报楼顶违法搭建"},
    {"hotline", "H0202", "独居老人生活困难请求帮助"},
    {"petition", "P0101", "反映旧城改造补偿标准问题"},
    {"petition", "P0201", "反映某工程拖欠农民工工资"},
    {"petition", "P0202", "反映养老保险待遇核定问题"},
    {"petition", "P0401", "反映小区配套设施不完善"},
    {"petition", "P0102", "申请公租房保障资格"},
    {"enterprise", "Q0101", "企业咨询研发费用加计扣除政策"},
    {"enterprise", "Q0201", "企业扩产需要新增用地"},
    {"enterprise", "Q0202", "企业急需招聘技术工人"},
    {"enterprise", "Q0203", "企业反映流动资金贷款难"},
    {"enterprise", "Q0301", "企业技改项目审批进度慢"},
    {"enterprise", "Q0401", "企业门前道路需要修缮"},
    // last, so that the cases above keep their places: a letter the office declines (不予受理)
    {"petition", "P0301", "不服劳动争议仲裁裁决，要求撤销裁决并赔偿"},
};

core::Json Step(const char* action, core::Json body = core::Json::object()) {
    return core::Json{{"action", action}, {"body", body}};
}

}  // namespace

void SeedDemoCases(store::Pipeline& pipeline, store::Database& db, bool fresh) {
    std::map<std::string, int64_t> code;
    std::vector<int64_t> grids, streets;
    {
        auto c = db.Read();
        // once: a database with cases or rules has had them (a new demo's generated history comes first)
        if ((!fresh && store::NextCaseId(*c) > 1) || !store::ListDispatchRules(*c).empty()) return;
        store::OrgFilter f;
        f.per_page = 1000;
        for (auto& u : store::ListOrgs(*c, f, core::Scope::All()).first) {
            if (u.code) code[*u.code] = u.id;
            if (u.kind == "grid") grids.push_back(u.id);
            if (u.kind == "street") streets.push_back(u.id);
        }
    }
    auto unit = [&](const char* c) -> int64_t {
        auto it = code.find(std::string("210204-") + c);
        return it == code.end() ? 0 : it->second;
    };
    if (streets.empty() || grids.empty() || !unit("ZJJ")) return;
    // The rule table: street matters to their street; components to the departments.
    core::Json rules = core::Json::array();
    for (auto s : streets)
        for (const char* cat : {"E01", "E02", "E04", "B03"})
            rules.push_back({{"type", "urban"}, {"category", cat}, {"street_id", s}, {"lead_unit_id", s}});
    rules.push_back({{"type", "urban"}, {"category", "B02"}, {"lead_unit_id", unit("ZJJ")}});
    rules.push_back({{"type", "urban"}, {"category", "E03"}, {"lead_unit_id", unit("ZJJ")}});
    rules.push_back({{"type", "urban"}, {"category", "B04"}, {"lead_unit_id", unit("CGJ")}});
    rules.push_back({{"type", "urban"}, {"category", "B01"}, {"lead_unit_id", unit("CGJ")}});
    rules.push_back({{"type", "hotline"}, {"category", "H03"}, {"lead_unit_id", unit("SJJ")}});
    rules.push_back({{"type", "hotline"}, {"category", "H0401"}, {"lead_unit_id", unit("SJJ")}});
    rules.push_back({{"type", "hotline"}, {"category", "H02"}, {"lead_unit_id", unit("MZJ")}});
    rules.push_back({{"type", "enterprise"}, {"category", "Q02"}, {"lead_unit_id", unit("SWJ")}});
    rules.push_back({{"type", "enterprise"}, {"category", "Q03"}, {"lead_unit_id", unit("FGJ")}});

    auto types = cases::Registry::Shipped();
    static const core::WorkCalendar cal = core::ShippedCalendar();
    static const core::SecretBox box = core::SecretBox::FromKey(std::string(32, '\0'));  // no reporters here
    cases::Env env{types.get(), std::make_shared<const core::WorkCalendar>(cal), &box, {}};
    // The demo seed acts for the centre and the units at once.
    cases::Viewer all;
    all.all = true;
    all.dispatcher = true;
    all.roles = {"supervisor", "staff", "leader"};
    for (auto& [k, id] : code) all.units.push_back(id);
    all.name = "演示数据(生成)";
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
        auto set = cases::PutDispatchRules(tx, {{"rules", rules}}, env);
        if (!set) return set;
        int i = 0;
        for (const auto& d : kDemoCases) {
            int64_t grid = grids[(i * 7) % grids.size()];
            core::Json body = {{"type", d.type}, {"category", d.category},
                               {"description", std::string(d.text) + "。（演示数据）"}, {"grid_id", grid}};
            if (i % 3 == 0) body["urgency"] = "urgent";
            if (std::string(d.type) == "urban") body["source"] = "grid";
            // A petition that complains of a department (被反映单位): the street handles it, and the
            // department's accounts never see it.
            if (std::string(d.category) == "P0401") body["subject_unit_id"] = unit("ZJJ");
            auto created = cases::CreateCase(tx, body, all, env);
            if (!created) return created;
            int64_t id = (*created)["id"].get<int64_t>();
            // Dispatched to the street the case lies in, as a centre would (the grid gives it).
            const auto& st = (*created)["street_id"];
            int64_t fallback = st.is_number_integer() ? st.get<int64_t>() : streets[i % streets.size()];
            std::vector<core::Json> path;
            std::string t = d.type;
            if (t == "urban")
                path = {Step("register"), Step("dispatch", {{"unit_id", fallback}}), Step("handle", {{"note", "已处置（演示数据）"}}),
                        Step("close", {{"note", "经核查符合结案标准（演示数据）"}}), Step("rate", {{"rating", 4}})};
            else if (t == "hotline")
                path = {Step("dispatch", {{"unit_id", fallback}}), Step("sign"), Step("handle", {{"note", "已办理并答复市民（演示数据）"}}),
                        Step("rate", {{"rating", 5}, {"solved", true}})};
            else if (t == "petition" && std::string(d.category) == "P0301")  // 涉法涉诉: to the courts
                path = {Step("decline", {{"fields", {{"basis", "legal_channel"}, {"notice", "written"}}},
                                         {"note", "该事项属劳动争议仲裁裁决，已书面告知信访人依法向人民法院提起诉讼（演示数据）"}})};
            else if (t == "petition")
                path = {Step("register", {{"unit_id", fallback}, {"fields", {{"notice", "written"}}}}),
                        Step("handle", {{"note", "已调查核实（演示数据）"}}), Step("reply", {{"note", "已书面答复（演示数据）"}})};
            else
                path = {Step("dispatch", {{"unit_id", fallback}}), Step("handle", {{"note", "已协调解决（演示数据）"}}),
                        Step("reply", {{"note", "已向企业反馈（演示数据）"}}), Step("rate", {{"rating", 5}, {"solved", true}})};
            // Cases stop at different points: some new, some in handling, some closed.
            size_t steps = path.size() == 1 ? 1 : static_cast<size_t>(i % (path.size() + 1));
            for (size_t k = 0; k < steps; ++k) {
                auto res = cases::ApplyAction(tx, id, path[k]["action"].get<std::string>(), path[k]["body"], all, env);
                (void)res;  // a step the case has passed already (auto-dispatched) is skipped
            }
            if (i % 10 == 4) {
                auto res = cases::ApplyAction(tx, id, "suspend", {{"reason", "等待相关材料（演示数据）"}}, all, env);
                (void)res;
            }
            ++i;
        }
        return core::Json{{"cases", i}};
    });
    if (!r.ok()) throw std::runtime_error("demo cases: " + r.error().message);
}

}  // namespace duban::cli

// ---------------------------------------------------------------- duban demo-cases
// A generator that writes realistic cases straight into the database, in batches of thousands per
// pipeline command (one case.generate event per batch, not one per case).
#include <chrono>
#include <cmath>
#include <random>

namespace duban::cli {
namespace {

// Share of reports by hour of day (China time), from the NYC 311 sample in
// /work/shared/data/hotline/nyc311_subset_micro_tuplex.csv (1,999 records with a time of day;
// records stamped exactly at midnight, which carry a date only, left out).
const int kHourWeights[24] = {22, 25, 17, 10, 7, 11, 13, 40, 62, 149, 159, 181,
                              161, 235, 149, 158, 137, 81, 120, 50, 34, 56, 64, 58};
// By day of the week (Monday first): the sample's days are too few to read a weekly shape from,
// so this is an assumption: weekdays alike, weekends lighter.
const int kWeekdayWeights[7] = {100, 100, 100, 100, 95, 60, 50};
// Type shares: the hotline carries most of the load, then grid cases.
const std::pair<const char*, int> kTypeWeights[] = {{"hotline", 55}, {"urban", 35}, {"enterprise", 5}, {"petition", 5}};
// 小類 that are far more common than the rest (weight 6; others 1).
const char* kCommon[] = {"E0101", "E0401", "E0201", "E0403", "B0101", "B0104", "B0201", "E0301",
                         "H0101", "H0102", "H0301", "H0302", "H0303", "H0201"};

struct Gen {
    std::mt19937_64 rng;
    double U() { return std::uniform_real_distribution<double>(0, 1)(rng); }
    int Pick(const std::vector<int>& w) {
        int total = 0;
        for (int x : w) total += x;
        int r = static_cast<int>(U() * total);
        for (size_t i = 0; i < w.size(); ++i) {
            if (r < w[i]) return static_cast<int>(i);
            r -= w[i];
        }
        return static_cast<int>(w.size()) - 1;
    }
};

struct PathStep {
    const char* action;
    const char* to;
};
const std::map<std::string, std::vector<PathStep>> kPaths = {
    {"hotline", {{"dispatch", "sign"}, {"sign", "handle"}, {"handle", "visit"}, {"rate", "done"}}},
    {"urban", {{"register", "dispatch"}, {"dispatch", "handle"}, {"handle", "verify"}, {"verify", "close"},
               {"close", "evaluate"}, {"rate", "done"}}},
    {"petition", {{"register", "handle"}, {"handle", "reply"}, {"reply", "done"}}},
    {"enterprise", {{"dispatch", "handle"}, {"handle", "feedback"}, {"reply", "evaluate"}, {"rate", "done"}}},
};

struct Places {
    struct Grid {
        int64_t grid, community, street;
        std::string path;
    };
    std::vector<Grid> grids;
    std::map<int64_t, std::string> street_path, dept_path;
    std::vector<int64_t> depts;
};

Places LoadPlaces(store::Conn& c) {
    Places p;
    store::OrgFilter f;
    f.per_page = 100000;
    std::map<int64_t, store::OrgUnit> all;
    for (auto& u : store::ListOrgs(c, f, core::Scope::All()).first) all[u.id] = u;
    for (auto& [id, u] : all) {
        if (!u.active) continue;
        if (u.kind == "street") p.street_path[id] = u.path;
        if (u.kind == "department") p.dept_path[id] = u.path, p.depts.push_back(id);
        if (u.kind == "grid" && u.parent_id && all.count(*u.parent_id)) {
            auto& com = all[*u.parent_id];
            if (com.parent_id && all.count(*com.parent_id) && all[*com.parent_id].kind == "street")
                p.grids.push_back({id, com.id, *com.parent_id, u.path});
        }
    }
    return p;
}

}  // namespace

int DemoCasesCommand(int argc, char** argv) {
    int64_t count = 0;
    uint64_t seed = 20260601;
    int days = 365, batch = 5000;
    store::DbOptions o;
    o.sqlite_path = "./var/duban.db";
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--count") count = std::stoll(next());
        else if (a == "--seed") seed = std::stoull(next());
        else if (a == "--days") days = std::stoi(next());
        else if (a == "--batch") batch = std::stoi(next());
        else if (a == "--db") o.sqlite_path = next();
        else if (a == "--postgres") o.postgres_url = next();
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban demo-cases --count N [--db PATH | --postgres URL] [--seed S] [--days D] [--batch B]\n"
                        "Writes N generated cases (labelled 演示数据) with their steps, reported over the last D days\n"
                        "(default 365), in batches of B (default 5000) per transaction. Needs the demo org tree.\n");
            return 0;
        } else throw std::runtime_error("demo-cases: unknown argument " + a);
    }
    if (count <= 0) throw std::runtime_error("demo-cases: --count N is required (N > 0)");
    if (batch < 1 || batch > 100000) throw std::runtime_error("demo-cases: --batch must be from 1 to 100000");
    store::Database db(o);
    {
        auto c = db.Connect();
        store::Migrate(*c);
    }
    core::SystemClock clock;
    store::Pipeline pipeline(db, clock);
    pipeline.Start();
    auto t0 = std::chrono::steady_clock::now();
    auto made = GenerateCases(pipeline, db, clock.Now(), {count, seed, days, batch});
    pipeline.Stop();
    if (!made) {
        std::fprintf(stderr, "duban: demo-cases: %s\n", made.error().message.c_str());
        return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("demo-cases: %lld cases, %lld steps in %.1f s: %.0f cases/s (%s, batches of %d)\n",
                static_cast<long long>(made->cases), static_cast<long long>(made->steps), secs, made->cases / secs,
                o.postgres_url.empty() ? "SQLite" : "PostgreSQL", batch);
    if (made->stats_refreshed) std::printf("demo-cases: refreshed the query planner's statistics of the cases\n");
    return 0;
}

core::Result<Generated> GenerateCases(store::Pipeline& pipeline, store::Database& db, core::TimePoint now,
                                      const GenerateOptions& opt) {
    const int64_t count = opt.count;
    const uint64_t seed = opt.seed;
    const int days = opt.days, batch = opt.batch;
    Places places;
    {
        auto c = db.Read();
        places = LoadPlaces(*c);
    }
    if (places.grids.empty() || places.depts.empty())
        return core::Error::Validation("count", "no grids or departments (start once with --demo first)");
    auto types = cases::Registry::Shipped();
    static const core::WorkCalendar cal = core::ShippedCalendar();
    // Categories by type with weights.
    std::map<std::string, std::vector<const cases::Category*>> cats;
    std::map<std::string, std::vector<int>> cat_w;
    for (auto& t : types->All())
        for (auto& m : t->majors)
            for (auto& c : m.children) {
                cats[t->code].push_back(&c);
                int w = 1;
                for (auto* k : kCommon)
                    if (c.code == k) w = 6;
                cat_w[t->code].push_back(w);
            }
    std::vector<int> type_w, hour_w(kHourWeights, kHourWeights + 24), wd_w(kWeekdayWeights, kWeekdayWeights + 7);
    for (auto& [t, w] : kTypeWeights) type_w.push_back(w);
    const auto start_day = core::LocalDate(now).AddDays(-days);
    // Days of the range by weekday weight, so a day is picked in one draw.
    std::vector<core::Date> day_list;
    std::vector<int> day_w;
    for (int d = 0; d <= days; ++d) {
        auto date = start_day.AddDays(d);
        day_list.push_back(date);
        day_w.push_back(kWeekdayWeights[date.Weekday() - 1]);
    }
    int64_t done = 0, steps_total = 0;
    // When each case came in, drawn first and sorted: ids (and a list by id) follow the order cases
    // were reported in, across batches.
    std::vector<core::TimePoint> when(static_cast<size_t>(count));
    {
        Gen g{std::mt19937_64(seed * 7919ULL + 17ULL)};
        for (auto& w : when) {
            core::Date day = day_list[g.Pick(day_w)];
            int minute = g.Pick(hour_w) * 60 + static_cast<int>(g.U() * 60);
            w = core::LocalTime(day, minute) + std::chrono::seconds(static_cast<int>(g.U() * 60));
            if (w > now) w = now - std::chrono::minutes(1 + static_cast<int>(g.U() * 600));
        }
        std::sort(when.begin(), when.end());
    }
    store::Actor actor{std::nullopt, "demo-cases", ""};
    for (int64_t b = 0; done < count; ++b) {
        int64_t n = std::min<int64_t>(batch, count - done);
        auto r = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
            auto& c = tx.conn();
            Gen g{std::mt19937_64(seed * 1000003ULL + static_cast<uint64_t>(b))};
            int64_t first = store::NextCaseId(c), id = first;
            int64_t steps = 0;
            for (int64_t k = 0; k < n; ++k, ++id) {
                auto t = types->Get(kTypeWeights[g.Pick(type_w)].first);
                const auto& cl = cats[t->code];
                const cases::Category* cat = cl[g.Pick(cat_w[t->code])];
                const auto& grid = places.grids[static_cast<size_t>(g.U() * places.grids.size()) % places.grids.size()];
                const auto reported = when[static_cast<size_t>(done + k)];
                core::Date day = core::LocalDate(reported);
                store::CaseRow row;
                row.id = id;
                row.type = t->code;
                row.category = cat->code;
                row.category_major = cat->major;
                row.urgency = g.U() < 0.1 ? "urgent" : "normal";
                row.source = t->code == "urban" ? (g.U() < 0.8 ? "grid" : "web")
                             : t->code == "hotline" ? "hotline" : t->code == "petition" ? "petition" : "visit";
                row.grid_id = grid.grid;
                row.community_id = grid.community;
                row.street_id = grid.street;
                row.title = cat->name + "（演示数据）";
                row.description = "群众反映" + cat->major_name + "问题：" + cat->name + "，请及时处理。（演示数据，生成）";
                std::string ymd = day.ToString();
                ymd.erase(std::remove(ymd.begin(), ymd.end(), '-'), ymd.end());
                char num[64];
                std::snprintf(num, sizeof num, "%s-%s-%06lld", t->prefix.c_str(), ymd.c_str(), static_cast<long long>(id));
                row.number = num;
                row.reported_at = core::FormatUtc(reported);
                row.created_by.reset();
                // Who leads: street matters to the street, the rest to a department.
                bool street_led = t->code == "urban" ? cat->major[0] == 'E' : g.U() < 0.4;
                int64_t lead = street_led ? grid.street : places.depts[static_cast<size_t>(g.U() * places.depts.size()) % places.depts.size()];
                std::string lead_path = street_led ? places.street_path[grid.street] : places.dept_path[lead];
                // Walk the happy path with delays as shares of each stage's limit (lognormal,
                // median ~45%, ~9% late); 3% stop early and stay open; a few go back.
                const auto& path = kPaths.at(t->code);
                size_t stop_at = path.size();
                // stuck cases are mostly recent ones (3% of the last 60 days', 0.3% of older ones)
                const bool recent = now - reported < std::chrono::hours(24 * 60);
                if (g.U() < (recent ? 0.03 : 0.003)) stop_at = static_cast<size_t>(g.U() * path.size());
                bool rework = g.U() < 0.06, ret = g.U() < 0.03;
                // a few 12345 calls end unsolved: the caller says so at 回访, and the centre closes the
                // order with an explanation (诉求超出政策范围) rather than sending it back again
                const bool unsolved = t->code == "hotline" && g.U() < 0.05;
                // 信访: some are not accepted (不予受理) on one of the configured grounds
                const bool decline = t->code == "petition" && g.U() < 0.08;
                const char* const kBasis[] = {"legal_channel", "legal_channel", "not_competent", "in_process", "concluded"};
                const char* const kNotice[] = {"written", "written", "written", "written", "on_spot", "online"};
                const std::string basis = kBasis[static_cast<size_t>(g.U() * 5) % 5];
                const std::string notice = kNotice[static_cast<size_t>(g.U() * 6) % 6];
                std::string stage = t->initial_stage;
                auto at = reported;
                std::vector<store::CaseStepRow> srows;
                auto step = [&](const std::string& action, const std::string& from, const std::string& to, const std::string& note) {
                    store::CaseStepRow s;
                    s.case_id = id;
                    s.seq = static_cast<int64_t>(srows.size()) + 1;
                    s.at = core::FormatUtc(at);
                    s.actor = "demo-cases";
                    s.action = action;
                    s.from_stage = from;
                    s.to_stage = to;
                    s.note = note;
                    srows.push_back(std::move(s));
                };
                step("create", "", stage, "");
                auto enter = [&](const std::string& st) {
                    row.stage = st;
                    row.stage_started_at = core::FormatUtc(at);
                    auto lim = t->LimitFor(st, cat->code);
                    const cases::Stage* sd = t->FindStage(st);
                    if (sd && sd->closed) {
                        row.status = "closed";
                        if (!row.closed_at) row.closed_at = core::FormatUtc(at);
                        row.stage_due_at.reset();
                        row.stage_yellow_at.reset();
                        return std::optional<core::TimePoint>();
                    }
                    row.status = "open";
                    if (!lim) return std::optional<core::TimePoint>();
                    auto due = cases::Deadline(*lim, row.urgency, at, cal);
                    row.stage_due_at = core::FormatUtc(due);
                    row.stage_yellow_at = core::FormatUtc(cases::ShareAt(lim->unit, at, due, t->yellow_share, cal));
                    if (st == t->handling_stage) row.due_at = row.stage_due_at;
                    return std::optional<core::TimePoint>(due);
                };
                auto due = enter(stage);
                if (const cases::Action* reg = t->FindAction("register");
                    !reg || std::find(reg->from.begin(), reg->from.end(), t->initial_stage) == reg->from.end())
                    row.registered_at = row.reported_at;
                auto sent = [&](store::CaseStepRow& s) {  // 派遣/交办: to whom
                    s.data = {{"unit_id", lead}, {"co_units", core::Json::array()}};
                };
                auto told = [&](store::CaseStepRow& s) {  // 受理告知: to whom, and how the petitioner was told
                    sent(s);
                    s.data["fields"] = {{"notice", notice}};
                };
                for (size_t i = 0; i < path.size() && i < stop_at; ++i) {
                    // how long this stage took
                    double f = std::exp(-0.8 + 0.6 * std::normal_distribution<double>(0, 1)(g.rng));
                    auto span = due ? (*due - at) : std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::hours(2));
                    auto next_at = at + std::chrono::duration_cast<core::TimePoint::duration>(span * f);
                    if (next_at >= now) break;  // not yet: the case is still in this stage
                    at = next_at;
                    std::string action = path[i].action, to = path[i].to;
                    if (decline && action == "register") {
                        step("decline", stage, "declined", "已告知信访人（演示数据）");
                        srows.back().data = {{"fields", {{"basis", basis}, {"notice", notice}}}};
                        due = enter("declined");
                        stage = "declined";
                        break;
                    }
                    if (action == "dispatch" || (action == "register" && t->code == "petition")) {
                        row.lead_unit_id = lead;
                        if (!row.dispatched_at) row.dispatched_at = core::FormatUtc(at);
                    }
                    if (action == "register" && !row.registered_at) row.registered_at = core::FormatUtc(at);
                    if (action == "handle" && !row.handled_at) row.handled_at = core::FormatUtc(at);
                    if (action == "handle" && ret) {
                        ret = false;
                        step("return", stage, t->dispatch_stage, "");
                        srows.back().data = {{"reason", "非本单位职责（演示数据）"}};
                        row.returns += 1;
                        row.lead_unit_id = lead;
                        // passed on again the type's own way: 派遣 (派单, 交办), or a petition's 受理告知
                        const bool petition = t->code == "petition";
                        step(petition ? "register" : "dispatch", t->dispatch_stage, t->handling_stage, "");
                        if (petition) told(srows.back());
                        else sent(srows.back());
                        due = enter(t->handling_stage);
                        stage = t->handling_stage;
                        --i;
                        continue;
                    }
                    if ((action == "verify" || (action == "rate" && t->code != "urban")) && rework) {
                        rework = false;
                        step(action, stage, t->handling_stage, "未解决，返工（演示数据）");
                        if (action == "rate") srows.back().data = {{"rating", 2}, {"solved", false}};
                        else srows.back().data = {{"fields", {{"passed", false}}}};
                        row.reworks += 1;
                        due = enter(t->handling_stage);
                        stage = t->handling_stage;
                        i -= (t->code == "urban" ? 2 : (t->code == "hotline" ? 2 : 3));
                        continue;
                    }
                    if (action == "rate" && unsolved) {
                        row.satisfaction = g.U() < 0.5 ? 1 : 2;
                        step("rate", stage, t->handling_stage, "");
                        srows.back().data = {{"rating", *row.satisfaction}, {"solved", false}};
                        row.reworks += 1;
                        step("close", t->handling_stage, to, "诉求超出政策范围，已向市民解释（演示数据）");
                        due = enter(to);
                        stage = to;
                        break;
                    }
                    if (action == "rate") row.satisfaction = 3 + static_cast<int>(g.U() * 3) % 3;
                    step(action, stage, to, action == "handle" ? "已处理（演示数据）" : "");
                    // what the step's form said: where it went, how a petitioner was told (受理告知),
                    // the rating, the check's result
                    if (action == "register" && t->code == "petition") told(srows.back());
                    else if (action == "dispatch") sent(srows.back());
                    else if (action == "rate") srows.back().data = {{"rating", *row.satisfaction}, {"solved", true}};
                    else if (action == "verify") srows.back().data = {{"fields", {{"passed", true}}}};
                    due = enter(to);
                    stage = to;
                }
                row.paths = "|" + (row.type == "petition" ? std::string() : grid.path) + "|" + (row.lead_unit_id ? lead_path : std::string()) + "|";
                auto light = cases::Evaluate(row.stage_yellow_at ? std::optional<core::TimePoint>(
                                                 [&] { core::TimePoint x; core::ParseRfc3339(*row.stage_yellow_at, &x); return x; }())
                                                                 : std::nullopt,
                                             due, false, "green", now);
                row.light = row.status == "open" ? light.light : "green";
                row.light_reason = row.status == "open" ? light.reason : "";
                row.updated_at = core::FormatUtc(at);
                row.version = static_cast<int64_t>(srows.size());
                store::InsertCase(c, row);
                for (auto& s : srows) store::InsertCaseStep(c, s);
                steps += static_cast<int64_t>(srows.size());
            }
            tx.Emit("case.generate", "case", std::nullopt,
                    {{"from_id", first}, {"to_id", id - 1}, {"count", n}, {"steps", steps}, {"seed", seed},
                     {"note", "generated demo data (演示数据)"}});
            return core::Json{{"steps", steps}};
        });
        if (!r.ok()) return r.error();
        done += n;
        steps_total += (*r)["steps"].get<int64_t>();
    }
    auto c = db.Connect();  // a bulk load leaves the planner's statistics out of date
    const bool refreshed = store::RefreshPlannerStats(*c);
    return Generated{done, steps_total, refreshed};
}

}  // namespace duban::cli
