// Demo data. Real: the district 沙河口区 (210204) and its seven streets with their 2023
// statistical division codes (data/geo/dalian_streets_2102_codes.csv). Generated, and flagged
// generated=true: communities, grids and departments' codes.
#include <cstdio>
#include <map>

#include "cli/cli.hpp"
#include <fstream>
#include <sstream>

#include "core/calendar.hpp"
#include "disclosure/disclosure.hpp"
#include "geo/geo.hpp"
#include "indicators/indicators.hpp"
#include "org/org.hpp"
#include "plan/import.hpp"
#include "plan/plan.hpp"
#include "store/repos.hpp"

namespace duban::cli {
namespace {

struct Street {
    const char* code;
    const char* name;
};
// From data/geo/dalian_streets_2102_codes.csv (国家统计局 统计用区划代码 2023).
const Street kStreets[] = {{"210204006", "春柳街道"},   {"210204008", "马栏街道"},
                           {"210204009", "南沙河口街道"}, {"210204010", "黑石礁街道"},
                           {"210204011", "李家街道"},   {"210204017", "星海湾街道"},
                           {"210204018", "西安路街道"}};
// Named as data/plan/lead-units.tsv names them, so the importer's suggestions resolve.
const char* kDepartments[][2] = {
    {"FGJ", "区发改局"},   {"CZJ", "区财政局"},   {"TJJ", "区统计局"},     {"SWJ", "区商务局（招商局）"},
    {"RSJ", "区人社局"},   {"MZJ", "区民政局"},   {"CGJ", "区城管局"},     {"ZJJ", "区住建局"},
    {"JYJ", "区教育局"},   {"WJJ", "区卫健局"},   {"XFJ", "区信访局"},     {"JWJW", "区纪委监委"},
    {"ZZB", "区委组织部"}, {"ZFW", "区委政法委"}, {"ZRZY", "区自然资源局"}, {"SFJ", "区司法局"},
    {"WLJ", "区文旅局"},   {"SJJ", "区市场监管局"}, {"XCB", "区委宣传部"},  {"GXJ", "区工信局"},
    {"DCS", "区政府督查室"}};
const char* kDemoPassword = "Duban-Demo-2026!";

// Rough positions of the seven streets inside the district (lon, lat), west to east and south to
// north as a map shows them; only Voronoi seeds for the generated polygons, which say generated.
const geo::DemoStreet kStreetSeeds[] = {
    {"210204006", 121.585, 38.935},  // 春柳 (north)
    {"210204008", 121.565, 38.905},  // 马栏
    {"210204009", 121.595, 38.905},  // 南沙河口
    {"210204010", 121.548, 38.872},  // 黑石礁 (south-west)
    {"210204011", 121.560, 38.930},  // 李家
    {"210204017", 121.585, 38.885},  // 星海湾 (south)
    {"210204018", 121.603, 38.920},  // 西安路 (east)
};

// Polygons for the district, its streets, communities and grids: the real district boundary
// (data/geo/) split by Voronoi diagrams; streets, communities and grids are generated. Once.
void SeedDemoAreas(store::Pipeline& pipeline, store::Database& db) {
    {
        auto c = db.Read();
        if (store::CountRows(*c, "geo_areas") > 0) return;
        if (!store::FindOrgByCode(*c, "210204006")) return;  // not the demo's tree
    }
    auto gen = geo::GenerateAreas(geo::DistrictBoundary(),
                                  std::vector<geo::DemoStreet>(std::begin(kStreetSeeds), std::end(kStreetSeeds)));
    if (!gen.ok()) {
        std::fprintf(stderr, "duban: demo: cannot generate the grids: %s\n", gen.error().message.c_str());
        return;
    }
    struct LevelFeatures {
        geo::Level level;
        geo::ParseOutcome parsed;
    };
    auto levels = std::make_shared<std::vector<LevelFeatures>>();
    for (auto [lv, fc] : {std::pair{geo::Level::kStreet, &gen->streets}, std::pair{geo::Level::kCommunity, &gen->communities},
                          std::pair{geo::Level::kGrid, &gen->grids}}) {
        auto parsed = geo::ParseFeatures(*fc);
        if (!parsed.errors.empty()) {
            std::fprintf(stderr, "duban: demo: generated %s polygons invalid: %s\n", geo::LevelName(lv),
                         parsed.errors[0].Text().c_str());
            return;
        }
        levels->push_back({lv, std::move(parsed)});
    }
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [levels](store::WriteTx& tx) -> core::Result<core::Json> {
        core::Json out = core::Json::object();
        for (auto& l : *levels) {
            auto res = geo::ImportAreas(tx, core::Scope::All(), l.level, l.parsed.features, true);
            if (!res.ok()) return res;
            out[geo::LevelName(l.level)] = (*res)["imported"];
        }
        return out;
    });
    if (!r.ok()) std::fprintf(stderr, "duban: demo: grids not stored: %s\n", r.error().message.c_str());
}

}  // namespace

std::vector<DemoLogin> SeedDemo(store::Pipeline& pipeline, store::Database& db, core::TimePoint now, int64_t history_cases) {
    std::vector<DemoLogin> logins = {
        {"admin", "sysadmin", "沙河口区", kDemoPassword},
        {"secadmin", "secadmin", "沙河口区", kDemoPassword},
        {"auditor", "auditor", "沙河口区", kDemoPassword},
        {"leader", "leader", "沙河口区", kDemoPassword},
        {"chunliu.staff", "staff", "春柳街道", kDemoPassword},
        {"malan.staff", "staff", "马栏街道", kDemoPassword},
        {"ducha.staff", "supervisor", "区政府督查室", kDemoPassword},
        {"fgj.staff", "staff", "区发改局", kDemoPassword},
        {"tongji.staff", "statistician", "区统计局", kDemoPassword},
        {"swj.staff", "staff", "区商务局（招商局）", kDemoPassword},
        {"grid.inspector", "inspector", "春柳街道 第一社区(生成) 网格1(生成)", kDemoPassword},
    };
    {
        auto c = db.Read();
        if (store::CountRows(*c, "org_units") > 0) {
            SeedDemoPlan(pipeline, db);  // a demo database from before the work plan gets one
            SeedDemoIndicators(pipeline, db);  // ... and from before the indicators, its statistics
            SeedDemoAreas(pipeline, db);       // ... and from before the maps, its polygons
            SeedDemoCases(pipeline, db);       // ... and from before the cases, rules and cases
            SeedDemoProjects(pipeline, db);    // ... and from before the projects, projects and enterprises
            SeedDemoDisclosure(pipeline, db);  // ... and from before the portal, a published release
            if (history_cases > 0)
                std::fprintf(stderr, "duban: --demo-history: the demo database exists already; no cases are generated "
                                     "(start on a new database for them, or use duban demo-cases)\n");
            return logins;
        }
    }
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [](store::WriteTx& tx) -> core::Result<core::Json> {
        auto all = core::Scope::All();
        auto mk = [&](std::optional<int64_t> parent, const char* kind, const std::string& name,
                      const std::string& code, bool generated) -> int64_t {
            org::OrgInput in;
            in.parent_id = parent;
            in.kind = kind;
            in.name = name;
            in.code = std::optional<std::string>(code);
            auto res = org::CreateOrgUnit(tx, all, in, generated);
            if (!res.ok()) throw std::runtime_error("demo seed: " + res.error().message);
            return (*res)["id"].get<int64_t>();
        };
        int64_t district = mk(std::nullopt, "district", "沙河口区", "210204", false);
        std::map<std::string, int64_t> ids;
        int64_t first_grid = 0;
        for (const auto& s : kStreets) {
            int64_t sid = mk(district, "street", s.name, s.code, false);
            ids[s.code] = sid;
            const char* communities[] = {"第一社区(生成)", "第二社区(生成)", "第三社区(生成)"};
            for (int ci = 0; ci < 3; ++ci) {
                std::string ccode = std::string(s.code) + "-C" + std::to_string(ci + 1);
                int64_t cid = mk(sid, "community", communities[ci], ccode, true);
                for (int gi = 1; gi <= 3; ++gi) {
                    int64_t gid = mk(cid, "grid", "网格" + std::to_string(gi) + "(生成)",
                                     ccode + "-G" + std::to_string(gi), true);
                    if (!first_grid) first_grid = gid;
                }
            }
        }
        std::map<std::string, int64_t> dept;
        for (auto& d : kDepartments) dept[d[0]] = mk(district, "department", d[1], std::string("210204-") + d[0], true);

        org::SecurityPolicy policy;
        auto user = [&](const char* name, const char* display, std::vector<std::string> roles,
                        std::vector<int64_t> units, const char* data_scope = nullptr) {
            org::UserInput in;
            in.username = name;
            in.display_name = display;
            in.password = kDemoPassword;
            in.roles = roles;
            in.units = units;
            if (data_scope) in.data_scope = std::string(data_scope);
            auto res = org::CreateUser(tx, in, policy);
            if (!res.ok()) throw std::runtime_error("demo seed user " + std::string(name) + ": " + res.error().message);
            // Demo accounts' passwords are public: no forced change, so the demo opens straight away.
            auto u = store::FindUser(tx.conn(), (*res)["id"].get<int64_t>());
            u->must_change_password = false;
            store::UpdateUser(tx.conn(), *u);
        };
        user("admin", "系统管理员", {"sysadmin"}, {district});
        user("secadmin", "安全管理员", {"secadmin"}, {district});
        user("auditor", "安全审计员", {"auditor"}, {district});
        user("leader", "区领导(演示)", {"leader"}, {district});
        user("chunliu.staff", "春柳街道工作人员(演示)", {"staff"}, {ids["210204006"]});
        user("malan.staff", "马栏街道工作人员(演示)", {"staff"}, {ids["210204008"]});
        user("grid.inspector", "网格员(演示)", {"inspector"}, {first_grid});
        user("ducha.staff", "督查室工作人员(演示)", {"supervisor"}, {dept["DCS"]}, "all");
        user("fgj.staff", "发改局工作人员(演示)", {"staff"}, {dept["FGJ"]});
        tx.Emit("demo.seed", "system", std::nullopt,
                {{"note", "沙河口区 and its 7 streets are real (统计用区划代码 2023; the report counted 9 "
                          "streets around 2010); communities, grids and department codes are generated"}});
        return core::Json{{"district", district}};
    });
    if (!r.ok()) throw std::runtime_error("demo seed failed: " + r.error().message);
    SeedDemoPlan(pipeline, db);
    SeedDemoIndicators(pipeline, db);
    SeedDemoAreas(pipeline, db);
    if (history_cases > 0) {
        // A year of generated cases before the few hand-written ones of today, so the case KPIs,
        // the lights and the charts have something to show (labelled 演示数据，生成; one
        // case.generate event a batch), and a list by number starts with today's.
        GenerateOptions opt;
        opt.count = history_cases;
        auto made = GenerateCases(pipeline, db, now, opt);
        if (!made) throw std::runtime_error("demo history: " + made.error().message);
    }
    SeedDemoCases(pipeline, db, /*fresh=*/true);
    SeedDemoProjects(pipeline, db);
    SeedDemoDisclosure(pipeline, db);
    return logins;
}

void SeedDemoDisclosure(store::Pipeline& pipeline, store::Database& db) {
    std::optional<store::PlanRow> plan;
    std::optional<store::User> sup;
    {
        auto c = db.Read();
        if (store::CountRows(*c, "disclosures") > 0) return;
        for (auto& p : store::ListPlans(*c))
            if (p.title.find("演示") != std::string::npos) plan = p;
        sup = store::FindUserByName(*c, "ducha.staff");
    }
    if (!plan || !sup) return;  // not the demo's plan or accounts (a test's server)
    const int64_t plan_id = plan->id;
    store::Actor actor{sup->id, sup->username, ""};
    auto r = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
        plan::Viewer v;
        v.whole_plan = true;
        v.scope = core::Scope::All();
        auto d = disclosure::PlanProgress(tx.conn(), plan_id, v, core::LocalDate(tx.now_tp()));
        if (!d.ok()) return d.error();
        d->title = "2026年度区委工作报告重点工作推进情况（演示数据，截至" + d->period + "）";
        return disclosure::Publish(tx, *d);
    });
    if (!r.ok()) std::fprintf(stderr, "duban: demo: no release published: %s\n", r.error().message.c_str());
    // and this year's major projects (the demo's generated ones among the seed's)
    auto p = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
        registry::Viewer v;
        v.all = true;
        v.scope = core::Scope::All();
        auto d = disclosure::ProjectProgress(tx.conn(), v, tx.now_tp());
        if (!d.ok()) return d.error();
        if (d->content["totals"]["projects"] == 0) return core::Json{{"skipped", true}};
        d->title = d->period + "年重点项目建设情况（演示数据，截至" + d->content["as_of"].get<std::string>() + "）";
        return disclosure::Publish(tx, *d);
    });
    if (!p.ok()) std::fprintf(stderr, "duban: demo: no project release published: %s\n", p.error().message.c_str());
}

namespace {

// The proposal's node as POST /plans takes it: the first suggested lead unit that exists.
core::Json DemoNode(const core::Json& n, const std::map<std::string, int64_t>& units, int* task_no) {
    core::Json out = {{"kind", n["kind"]}, {"title", n["title"]}, {"text", n["text"]}};
    if (n.contains("start")) out["start"] = n["start"], out["end"] = n["end"];
    if (n.contains("targets")) out["targets"] = n["targets"];
    if (n.contains("objects")) out["objects"] = n["objects"];
    if (n["kind"] == "task") {
        ++*task_no;
        for (auto& s : n.value("lead_unit_suggestions", core::Json::array())) {
            auto it = units.find(s.value("unit", ""));
            if (it != units.end()) {
                out["lead_unit_id"] = it->second;
                break;
            }
        }
        // Two tasks for the demo streets so their staff have something to do.
        if (*task_no == 3) out["lead_unit_id"] = units.at("春柳街道");
        if (*task_no == 9) out["lead_unit_id"] = units.at("马栏街道");
        static const char* leaders[] = {"王副区长(演示)", "李副区长(演示)", "张副区长(演示)", "刘副区长(演示)"};
        out["leader"] = leaders[*task_no % 4];
    }
    core::Json kids = core::Json::array();
    for (auto& c : n.value("children", core::Json::array())) kids.push_back(DemoNode(c, units, task_no));
    out["children"] = kids;
    return out;
}

}  // namespace

void SeedDemoPlan(store::Pipeline& pipeline, store::Database& db) {
    {
        auto c = db.Read();
        if (store::CountRows(*c, "plans") > 0) return;
    }
    // Read from the working directory: `make demo` runs from the repository root. (Servers started
    // elsewhere, as the tests start theirs, get the org tree and accounts but no demo plan.)
    std::ifstream in("data/demo/seed-report.txt", std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "duban: demo: data/demo/seed-report.txt not found (run from the repository); no demo plan\n");
        return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto dec = plan::DecodeText(ss.str());
    if (!dec) throw std::runtime_error("demo plan: " + dec.error().message);
    auto proposal = plan::Import(plan::SplitParagraphs(dec->utf8), plan::ImportOptions{2026, {}});
    std::map<std::string, int64_t> units;
    {
        auto c = db.Read();
        store::OrgFilter f;
        f.per_page = 1000;
        for (auto& u : store::ListOrgs(*c, f, core::Scope::All()).first) units[u.name] = u.id;
    }
    int task_no = 0;
    core::Json nodes = core::Json::array();
    for (auto& n : proposal["nodes"]) nodes.push_back(DemoNode(n, units, &task_no));
    core::Json body = {{"title", "2026年度区委工作报告任务分解(演示)"}, {"year", 2026}, {"source", proposal["source"]},
                       {"encoding", dec->encoding}, {"nodes", nodes}};
    static const core::WorkCalendar cal = core::ShippedCalendar();
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
        auto created = plan::CreatePlan(tx, body, cal);
        if (!created) return created;
        // Generated progress on every third task, so the demo's lights are not all one colour.
        plan::Viewer all{true, core::Scope::All(), {}, std::nullopt, "演示数据(生成)"};
        auto nodes = store::ListPlanNodes(tx.conn(), (*created)["id"].get<int64_t>());
        int i = 0;
        for (auto& n : nodes) {
            if (n.kind != "task" || !n.lead_unit_id || ++i % 3 != 0) continue;
            static const int kPercents[] = {100, 95, 92, 80, 60};
            int pct = kPercents[(i / 3) % 5];
            core::Json rep = {{"text", "(生成的演示进展)已按计划推进,完成阶段性工作。"}, {"percent", pct},
                              {"status", pct == 100 ? "已完成" : "推進中"}};
            auto rr = plan::AddReport(tx, n.id, rep, all, cal);
            if (!rr) return rr;
        }
        tx.Emit("demo.seed", "plan", (*created)["id"].get<int64_t>(),
                {{"note", "the plan is the seed report imported by duban; lead units, leaders and progress reports are generated"}});
        return created;
    });
    if (!r.ok()) throw std::runtime_error("demo plan failed: " + r.error().message);
}

}  // namespace duban::cli

namespace duban::cli {
namespace {

// Generated statistics, shaped by the seed report's figures (the report's year is taken as 2025):
// 財政一般預算收入 13.08億元, 全社會固定資產投資 115億元, 實際利用外資 4.2億美元, 引進內資 43.9億元,
// 實名制就業 31565人, 754 enterprises with 50.8億元 of registered capital; GDP and retail sales
// are not in the report and are invented. Streets' shares and 2026 growth are invented.
struct DemoIndicator {
    const char* code;
    int64_t annual_2025;  // in units of the definition's scale (億元 x 100; 人, 家 as is)
    int growth_2026_tenths;  // the district's growth in 2026, in tenths of a percent
    bool quarterly;
};
const DemoIndicator kDemoIndicators[] = {
    {"GDP", 31000, 145, true},          {"FISCAL_REV", 1308, 140, false}, {"FAI", 11500, 120, false},
    {"FDI", 420, -30, false},           {"DOMESTIC_CAP", 4390, 180, false}, {"RETAIL", 26000, 95, false},
    {"EMPLOYMENT", 31565, 60, false},   {"NEW_ENT", 754, 100, false},   {"NEW_ENT_CAPITAL", 5080, 120, false},
};
// Streets' shares of the district (per mille, summing to 1000) and their growth offsets (tenths).
const int kShares[7] = {180, 120, 100, 160, 140, 170, 130};
const int kOffsets[7] = {-40, 30, -20, 50, 0, -60, 40};
// Cumulative share of the year by month (per mille), a typical profile with a strong December.
const int kCumShare[12] = {60, 120, 200, 280, 360, 450, 530, 610, 700, 790, 880, 1000};

std::string Units(int64_t u, int scale) {
    return indicators::Decimal::FromUnits(u, scale).ToString();
}

}  // namespace

void SeedDemoIndicators(store::Pipeline& pipeline, store::Database& db) {
    {
        auto c = db.Read();
        if (store::CountRows(*c, "indicator_values") > 0) return;
        if (!store::FindOrgByCode(*c, "210204")) return;
    }
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [&](store::WriteTx& tx) -> core::Result<core::Json> {
        auto& c = tx.conn();
        auto district = store::FindOrgByCode(c, "210204");
        if (!store::FindUserByName(c, "tongji.staff")) {
            auto tjj = store::FindOrgByCode(c, "210204-TJJ");
            org::UserInput in;
            in.username = "tongji.staff";
            in.display_name = "统计局统计员(演示)";
            in.password = kDemoPassword;
            in.roles = std::vector<std::string>{"statistician"};
            in.units = std::vector<int64_t>{tjj ? tjj->id : district->id};
            in.data_scope = std::string("all");
            auto res = org::CreateUser(tx, in, org::SecurityPolicy{});
            if (!res.ok()) return res.error();
            auto u = store::FindUser(c, (*res)["id"].get<int64_t>());
            u->must_change_password = false;
            store::UpdateUser(c, *u);
        }
        // The current year runs to the last month finished at seeding time.
        auto today = core::LocalDate(tx.now_tp());
        int last_2026 = today.y > 2026 ? 12 : today.y == 2026 ? today.m - 1 : 0;
        std::vector<std::vector<std::string>> table = {{"indicator", "unit_code", "period", "value", "status", "growth"}};
        for (auto& ind : kDemoIndicators) {
            auto def = store::FindIndicatorDefByCode(c, ind.code);
            if (!def) continue;
            int scale = static_cast<int>(def->scale);
            for (int year : {2025, 2026}) {
                int last = year == 2025 ? 12 : last_2026;
                // Street annual figures: shares of the district, the remainder to the first street.
                std::vector<int64_t> annual(7);
                int64_t sum = 0;
                for (int s = 0; s < 7; ++s) {
                    int64_t base = ind.annual_2025 * kShares[s] / 1000;
                    if (year == 2026) base = base * (1000 + ind.growth_2026_tenths + kOffsets[s]) / 1000;
                    annual[s] = base;
                    sum += base;
                }
                if (year == 2025) annual[0] += ind.annual_2025 - sum;
                for (int m = 1; m <= last; ++m) {
                    if (ind.quarterly && m % 3 != 0) continue;
                    if (!ind.quarterly && def->jan_feb_combined && m == 1) continue;
                    std::string period = indicators::FormatPeriod(year, m);
                    std::string status = year == 2025 || m < last - 1 ? "final" : m == last ? "estimate" : "preliminary";
                    if (ind.quarterly) {
                        // GDP: the district only (not additive), growth published at comparable prices.
                        int64_t total = ind.annual_2025 * (year == 2026 ? 1000 + ind.growth_2026_tenths + 40 : 1000) / 1000;
                        int64_t v = total * kCumShare[m - 1] / 1000;
                        std::string g = year == 2025 ? "15.0" : Units(ind.growth_2026_tenths, 1);
                        table.push_back({ind.code, "210204", period, Units(v, scale), status, g});
                        continue;
                    }
                    int64_t dsum = 0;
                    for (int s = 0; s < 7; ++s) {
                        int64_t v = annual[s] * kCumShare[m - 1] / 1000;
                        dsum += v;
                        table.push_back({ind.code, kStreets[s].code, period, Units(v, scale), status, ""});
                    }
                    table.push_back({ind.code, "210204", period, Units(dsum, scale), status, ""});
                }
            }
        }
        indicators::Viewer all{core::Scope::All(), "演示数据(生成)"};
        indicators::ImportOptions opt;
        opt.apply = true;
        opt.confirm_jump = true;
        opt.filename = "demo";
        opt.source = "demo";
        auto imp = indicators::Import(tx, table, opt, all);
        if (!imp.ok()) return imp;
        if ((*imp)["error_count"].get<int64_t>() > 0) return core::Error::Internal("demo values: " + (*imp)["errors"][0].dump());
        // The seed's targets for the next year: GDP and fiscal revenue +15%, investment +18%.
        for (auto [code, g] : {std::pair{"GDP", "15"}, std::pair{"FISCAL_REV", "15"}, std::pair{"FAI", "18"}}) {
            auto t = indicators::SetTarget(tx, {{"indicator", code}, {"unit_id", district->id}, {"year", 2026}, {"growth_percent", g}}, all);
            if (!t.ok()) return t;
        }
        for (const char* code : {"FISCAL_REV", "FAI"}) {
            auto s = indicators::SplitTarget(tx, {{"indicator", code}, {"year", 2026}, {"parent_unit_id", district->id}, {"by", "last_year"}}, all);
            if (!s.ok()) return s;
        }
        tx.Emit("demo.seed", "indicator_import", std::nullopt,
                {{"note", "indicator values of 沙河口区 and its 7 streets for 2025 and 2026 are GENERATED (source \"demo\"), "
                          "shaped by the seed report's figures (一般公共预算收入 2025 = 13.08亿元 = the sum of the streets); "
                          "targets from the seed's +15% / +15% / +18%"},
                 {"values", (*imp)["applied"]}});
        return *imp;
    });
    if (!r.ok()) throw std::runtime_error("demo indicators failed: " + r.error().message);
}

}  // namespace duban::cli
