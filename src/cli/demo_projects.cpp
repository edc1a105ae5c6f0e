// Demo key projects, promotion events and enterprises, with totals equal to the seed report's:
// 45 major projects, 21 of them completed, 50.5億元 invested this year; 34 projects signed this
// year for 419.1億元, 18 of them at 深圳經貿合作推介活動 for 355.1億元; 754 enterprises with at
// least 100萬元 of registered capital, 50.8億元 in all. Real: the named projects and places of the
// seed (星海灣金融商務區's 諾德大廈, 期貨廣場, 半島大廈; 現代服務業總部大廈 with 2.5億元 of the district's
// own money; 城市綜合體, 電影綜合體 ...). Generated, and named "(生成)": every other project, every
// enterprise (with valid generated credit codes), all dates and monthly figures.
#include <cstdio>
#include <map>

#include "cli/cli.hpp"
#include "core/calendar.hpp"
#include "geo/geo.hpp"
#include "org/org.hpp"
#include "registry/registry.hpp"
#include "store/plan_repos.hpp"
#include "store/project_repos.hpp"
#include "store/repos.hpp"

namespace duban::cli {
namespace {

constexpr int kYear = 2026;
constexpr const char* kDemoPasswordP = "Duban-Demo-2026!";

struct Park {
    const char* name;
    const char* street;  // the street's code
    double lon, lat;
};
// The seed's parks, placed inside the streets they lie in (approximate; every demo point, centre ± 0.003°,
// locates to a grid of that street in the generated polygons).
const Park kParks[] = {
    {"星海灣金融商務區", "210204017", 121.586, 38.884},   {"西安路商務商貿區", "210204018", 121.598, 38.920},
    {"總部經濟園", "210204009", 121.596, 38.906},         {"設計產業園", "210204008", 121.566, 38.904},
    {"星海創意島", "210204017", 121.590, 38.880},         {"服裝創意產業園", "210204011", 121.561, 38.929},
    {"中小企業園", "210204006", 121.585, 38.934},         {"軟件信息服務產業園", "210204010", 121.549, 38.873},
};

struct Named {
    const char* name;
    int park;
    const char* stage;
    int64_t total_wan;
    const char* investor;
    const char* kind;
};
// The seed's named projects.
const Named kNamed[] = {
    {"諾德大廈", 0, "completed", 180000, "諾德集團", "industry"},
    {"期貨廣場", 0, "completed", 320000, "大連商品交易所", "industry"},
    {"半島大廈", 0, "completed", 150000, "半島置業", "industry"},
    {"智業高端服務大廈", 7, "completed", 60000, "智業集團", "industry"},
    {"大連五甲萬京信息科技產業園", 7, "completed", 90000, "五甲萬京", "industry"},
    {"現代服務業總部大廈", 2, "started", 25000, "沙河口區政府(自主投資)", "industry"},
    {"城市綜合體", 1, "started", 450000, "西安路二期開發", "urban"},
    {"電影綜合體", 1, "registered", 80000, "院線投資方", "industry"},
};

const char* kGenKinds[] = {"商務樓宇", "總部基地", "創意產業載體", "城市更新", "配套道路", "社區服務中心", "停車場", "孵化器"};
const char* kLeaders[] = {"王副区长(演示)", "李副区长(演示)", "张副区长(演示)", "刘副区长(演示)"};

// Contract amounts (萬元) of the 18 projects signed at the Shenzhen event: 355.1億元 in all.
const int64_t kEventContracts[18] = {420000, 380000, 350000, 300000, 260000, 240000, 220000, 200000, 180000,
                                     160000, 150000, 130000, 120000, 100000, 90000,  80000,  70000,  101000};
// The other 13 CNY signings (萬元) and 3 USD ones (萬美元 at 6.83): 64.0億元 in all.
const int64_t kOtherCny[13] = {60000, 50000, 40000, 35000, 30000, 28000, 25000, 20000, 15000, 10000, 8000, 6000, 5650};
const int64_t kUsdContracts[3] = {10000, 20000, 15000};  // × 6.83 = 307350萬元
const int64_t kUsdInPlace[3] = {8000, 20000, 14000};       // 4.2億美元
const char* kSignNames[] = {"金融科技區域總部", "跨境電商運營中心", "軟件外包交付基地", "文化創意產業基地", "智慧物流結算中心",
                            "醫療健康服務中心", "數據服務中心",     "工業設計研發中心", "新能源研發總部",   "供應鏈管理總部",
                            "商業綜合體",       "酒店及商務公寓",   "影視後期製作基地", "教育培訓總部",     "品牌服裝設計中心",
                            "檢驗檢測中心",     "人力資源服務產業園"};
const char* kEventRegions[] = {"珠三角", "珠三角", "珠三角", "長三角", "珠三角", "京津冀"};
const char* kOtherRegions[] = {"長三角", "京津冀", "東北", "長三角", "珠三角"};

int64_t U(int64_t wan) { return wan * 10000; }

core::Date Clamp(core::Date d, core::Date max) { return max < d ? max : d; }
core::Date Ymd(int m, int d) { return core::Date{kYear, m, d}; }

std::string CreditCode(int64_t i) {
    static const std::string chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    std::string org = "MA";
    int64_t n = i + 2026000;
    std::string tail;
    for (int k = 0; k < 7; ++k) {
        tail.insert(tail.begin(), chars[n % 31]);
        n /= 31;
    }
    std::string first17 = "91210204" + org + tail;
    return first17 + registry::CreditCheckChar(first17);
}

}  // namespace

void SeedDemoProjects(store::Pipeline& pipeline, store::Database& db) {
    {
        auto c = db.Read();
        if (store::CountRows(*c, "registry_records") > 0) return;
        if (!store::FindOrgByCode(*c, "210204-FGJ") || !store::FindOrgByCode(*c, "210204-SWJ")) return;
    }
    // The stored polygons (SeedDemoAreas ran first) place each point in its grid.
    auto index = std::make_shared<geo::GridIndex>();
    {
        auto c = db.Read();
        if (auto st = index->Build(geo::LoadGrids(*c)); !st)
            std::fprintf(stderr, "duban: demo: no grid index for the projects' points: %s\n", st.error().message.c_str());
    }
    store::Actor actor{std::nullopt, "demo-seed", ""};
    auto r = pipeline.Execute(actor, [index](store::WriteTx& tx) -> core::Result<core::Json> {
        auto& c = tx.conn();
        core::Date today = core::LocalDate(tx.now_tp());
        core::Date last_day = today.y > kYear ? Ymd(12, 31) : today.AddDays(-1);
        int last_month = today.y > kYear ? 12 : std::max(1, today.m - 1);
        auto unit = [&](const char* code) { return store::FindOrgByCode(c, code)->id; };
        int64_t fgj = unit("210204-FGJ"), swj = unit("210204-SWJ");
        // the investment bureau's demo account
        if (!store::FindUserByName(c, "swj.staff")) {
            org::UserInput in;
            in.username = "swj.staff";
            in.display_name = "商务局（招商局）工作人员(演示)";
            in.password = kDemoPasswordP;
            in.roles = std::vector<std::string>{"staff"};
            in.units = std::vector<int64_t>{swj};
            auto res = org::CreateUser(tx, in, org::SecurityPolicy{});
            if (!res.ok()) return res.error();
            auto u = store::FindUser(c, (*res)["id"].get<int64_t>());
            u->must_change_password = false;
            store::UpdateUser(c, *u);
        }
        // the work-plan task about the big projects (大項目), when the demo plan is there
        std::optional<int64_t> plan_task;
        for (auto& p : store::ListPlans(c))
            for (auto& n : store::ListPlanNodes(c, p.id))
                if (!plan_task && n.kind == "task" &&
                    (n.title.find("大項目") != std::string::npos || n.title.find("大项目") != std::string::npos))
                    plan_task = n.id;
        // the promotion event
        store::PromotionEventRow ev;
        ev.name = "深圳經貿合作推介活動";
        ev.city = "深圳";
        ev.held_on = Clamp(Ymd(4, 16), last_day).ToString();
        ev.created_at = tx.now();
        ev.id = store::InsertPromotionEvent(c, ev);

        int serial = 0;
        int64_t projects = 0, stages = 0, reports = 0;
        auto add = [&](store::ProjectRow p, const std::vector<std::pair<std::string, core::Date>>& path,
                       const std::string& last_progress) {
            char num[32];
            std::snprintf(num, sizeof num, "XM-%d-%04d", kYear, ++serial);
            p.number = num;
            p.year = kYear;
            p.stage = path.back().first;
            p.stage_date = path.back().second.ToString();
            p.last_progress_at = last_progress;
            p.created_at = p.updated_at = tx.now();
            store::InsertProject(c, &p);
            for (auto& [stage, date] : path) {
                store::StageRow s;
                s.record_id = p.id;
                s.stage = stage;
                s.date = date.ToString();
                s.evidence = stage == "reserve" ? "建檔(演示數據,生成)" : "(生成的演示證明材料)" + registry::StageName(stage);
                s.actor = "demo-seed";
                s.at = tx.now();
                store::InsertStage(c, s);
                ++stages;
            }
            ++projects;
            return p.id;
        };
        auto place = [&](store::ProjectRow& p, int park, int k) {
            const Park& pk = kParks[park % 8];
            p.park = pk.name;
            p.lon = pk.lon + 0.0015 * ((k % 5) - 2);
            p.lat = pk.lat + 0.0012 * (((k / 5) % 5) - 2);
            p.street_id = unit(pk.street);
            if (auto loc = index->Locate(*p.lon, *p.lat)) {
                p.grid_id = loc->grid_id;
                p.street_id = loc->street_id;
            }
        };
        auto month_end = [&](int m) {
            core::Date d{kYear, m, 28};
            return core::FormatUtc(core::LocalTime(Clamp(d, last_day), 17 * 60));
        };

        // ---- 45 major projects: 21 completed; 50.5億元 (505000萬) invested this year
        std::vector<int64_t> invest(45);
        int64_t sum = 0;
        for (int i = 0; i < 44; ++i) sum += invest[i] = 4000 + (i * 731) % 12000;
        invest[44] = 505000 - sum;
        if (invest[44] <= 0) return core::Error::Internal("demo projects: the investment split does not add up");
        int completed = 0;
        int64_t first_major = 0;
        for (int i = 0; i < 45; ++i) {
            store::ProjectRow p;
            p.major = true;
            p.lead_unit_id = fgj;
            p.leader = kLeaders[i % 4];
            p.plan_node_id = plan_task;
            std::string stage;
            if (i < 8) {
                const Named& n = kNamed[i];
                p.name = n.name;
                p.investor = n.investor;
                p.project_kind = n.kind;
                p.total_investment = U(n.total_wan);
                place(p, n.park, i);
                stage = n.stage;
            } else {
                int park = i % 8;
                p.name = std::string(kParks[park].name) + kGenKinds[i % 8] + "項目" + std::to_string(i - 7) + "(生成)";
                p.generated = true;
                p.investor = "演示投資方" + std::to_string(i - 7) + "(生成)";
                p.project_kind = i % 7 == 0 ? "livelihood" : i % 3 == 0 ? "urban" : "industry";
                p.total_investment = U(invest[i] * 3 + 20000);
                place(p, park, i);
                stage = completed < 21 ? "completed" : i % 4 == 0 ? "registered" : "started";
                // streets lead some of the generated ones in their parks
                if (i % 6 == 0) p.lead_unit_id = unit(kParks[park].street);
            }
            if (stage == "completed") ++completed;
            p.annual_plan = U(invest[i] + invest[i] / 10);
            p.funds_in_place = p.total_investment / 2;
            p.signed_on = core::Date{kYear - 1, 3 + i % 9, 1 + i % 27}.ToString();
            // stage path: signed last year, then registered, started, completed this year
            std::vector<std::pair<std::string, core::Date>> path = {
                {"reserve", core::Date{kYear - 2, 10, 1 + i % 27}}, {"negotiating", core::Date{kYear - 1, 1, 1 + i % 27}},
                {"signed", *core::Date::Parse(*p.signed_on)}};
            int idx = registry::StageIndex(stage);
            if (idx >= 3) path.push_back({"registered", core::Date{kYear - 1, 11, 1 + i % 27}});
            if (idx >= 4) {
                // started: a few recently (green), some 31-45 days ago (yellow), the rest earlier
                core::Date start = idx == 4 && i % 3 == 0 ? last_day.AddDays(-(10 + i % 15))
                                   : idx == 4 && i % 3 == 1 ? last_day.AddDays(-(32 + i % 10))
                                                            : Clamp(Ymd(1 + i % 3, 5 + i % 20), last_day);
                path.push_back({"started", start});
            }
            if (idx >= 5) path.push_back({"completed", Clamp(Ymd(std::min(last_month, 4 + i % 7), 10 + i % 15), last_day)});
            if (stage == "registered") path.back().second = last_day.AddDays(-(20 + (i * 37) % 220));
            for (size_t k = 1; k < path.size(); ++k)
                if (path[k].second < path[k - 1].second) path[k].second = path[k - 1].second;
            int64_t id = add(p, path, month_end(last_month));
            if (i == 0) first_major = id;
            // monthly reports: the year's investment spread over the months to the last finished one
            int64_t per = invest[i] / last_month;
            for (int m = 1; m <= last_month; ++m) {
                store::InvestmentRow r;
                r.record_id = id;
                char month[16];
                std::snprintf(month, sizeof month, "%04d-%02d", kYear, m);
                r.month = month;
                r.amount = U(m == last_month ? invest[i] - per * (last_month - 1) : per);
                r.note = "(生成的演示數據)";
                r.reported_by = "demo-seed";
                r.reported_at = month_end(m);
                store::InsertInvestment(c, r);
                ++reports;
            }
        }

        // ---- 34 signings this year: 18 at the Shenzhen event (355.1億元), 16 others (64.0億元)
        int64_t cny_contract_total = 0;
        for (auto v : kEventContracts) cny_contract_total += v;
        for (auto v : kOtherCny) cny_contract_total += v;
        int64_t in_place_left = 439000;  // 引進內資 43.9億元 from the CNY signings' funds in place
        int cny_seen = 0;
        for (int i = 0; i < 34; ++i) {
            store::ProjectRow p;
            p.generated = true;
            p.name = std::string(kSignNames[i % 17]) + "項目" + std::to_string(i + 1) + "(生成)";
            p.investor = "演示簽約企業" + std::to_string(i + 1) + "(生成)";
            p.project_kind = i % 5 == 4 ? "urban" : "industry";
            p.lead_unit_id = i % 7 == 6 ? unit(kParks[i % 8].street) : swj;
            p.leader = kLeaders[(i + 1) % 4];
            place(p, i % 8, i + 50);
            core::Date signed_on;
            if (i < 18) {
                p.event_id = ev.id;
                p.origin_region = kEventRegions[i % 6];
                p.contract_amount = U(kEventContracts[i]);
                signed_on = *core::Date::Parse(*ev.held_on);
            } else if (i < 31) {
                p.origin_region = kOtherRegions[i % 5];
                p.contract_amount = U(kOtherCny[i - 18]);
                signed_on = Clamp(Ymd(1 + (i - 18) % 10, 3 + i % 25), last_day);
            } else {
                p.origin_region = i == 31 ? "境外(香港)" : i == 32 ? "境外(新加坡)" : "境外(日本)";
                p.currency = "USD";
                p.fx_rate_e4 = 68300;
                p.contract_amount = U(kUsdContracts[i - 31]);
                p.funds_in_place = U(kUsdInPlace[i - 31]);
                signed_on = Clamp(Ymd(2 + (i - 31) * 3, 12), last_day);
            }
            if (p.currency == "CNY") {
                ++cny_seen;
                int64_t share = cny_seen == 31 ? in_place_left
                                               : (p.contract_amount / 10000) * 439000 / cny_contract_total;
                in_place_left -= share;
                p.funds_in_place = U(share);
            }
            p.total_investment = p.contract_amount;
            p.annual_plan = p.contract_amount / 10;
            p.signed_on = signed_on.ToString();
            std::vector<std::pair<std::string, core::Date>> path = {
                {"reserve", core::Date{kYear - 1, 6 + i % 6, 1 + i % 27}},
                {"negotiating", core::Date{kYear - 1, 12, 1 + i % 27}}};
            if (path[1].second > signed_on) path[1].second = signed_on;
            if (path[0].second > path[1].second) path[0].second = path[1].second;
            path.push_back({"signed", signed_on});
            // 已簽約的早落地, 已落地的早開工: about half registered, a few started
            if (i % 2 == 0) path.push_back({"registered", Clamp(signed_on.AddDays(30 + i % 40), last_day)});
            if (i % 6 == 0) path.push_back({"started", Clamp(signed_on.AddDays(100 + i % 50), last_day)});
            core::Date progress = path.back().second;
            if (i % 3 == 0) progress = last_day.AddDays(-(5 + i));  // a recent visit's evidence
            add(p, path, core::FormatUtc(core::LocalTime(Clamp(progress, last_day), 10 * 60)));
        }
        if (in_place_left != 0) return core::Error::Internal("demo projects: funds in place do not add up");

        // ---- 754 enterprises registered this year with >= 100萬元: 50.8億元 (508000萬) in all
        std::vector<int64_t> caps(754);
        int64_t csum = 0;
        for (int i = 0; i < 753; ++i) csum += caps[i] = 100 + (i * 37) % 1100;
        caps[753] = 508000 - csum;
        if (caps[753] < 100) return core::Error::Internal("demo enterprises: the capital split does not add up");
        static const char* regions[] = {"珠三角", "長三角", "京津冀", "東北", "本地", "長三角", "珠三角"};
        int days = std::max<int64_t>(1, last_day.DaysSinceEpoch() - Ymd(1, 1).DaysSinceEpoch() + 1);
        for (int i = 0; i < 754; ++i) {
            store::EnterpriseRow e;
            char name[64];
            std::snprintf(name, sizeof name, "演示企業%04d(生成)", i + 1);
            e.name = name;
            e.credit_code = CreditCode(i);
            e.origin_region = regions[i % 7];
            e.registered_capital = U(caps[i]);
            e.registered_on = Ymd(1, 1).AddDays((i * 7919) % days).ToString();
            e.street_id = unit(kParks[i % 8].street);
            e.generated = true;
            e.created_at = e.updated_at = tx.now();
            store::InsertEnterprise(c, e);
        }
        // Some of the demo's generated 企業訴求 cases become problems of major projects.
        int64_t linked = 0;
        for (int64_t case_id : store::UnlinkedCases(c, "enterprise", 8)) {
            store::LinkCaseToProject(c, case_id, first_major + (linked * 5) % 45);
            ++linked;
        }
        auto sw = registry::Sweep(tx, {});
        if (!sw.ok()) return sw.error();
        auto fed = registry::FeedIndicators(tx, kYear);
        if (!fed.ok()) return fed.error();
        tx.Emit("demo.seed", "project", std::nullopt,
                {{"note", "key projects, signings and enterprises: the seed's totals (45 major projects, 21 completed, "
                          "50.5億元 invested; 34 signed for 419.1億元, 18 at 深圳經貿合作推介活動 for 355.1億元; 754 "
                          "enterprises with 50.8億元) with GENERATED projects, dates, monthly figures and enterprises; "
                          "the seed's named projects and places are real"},
                 {"projects", projects}, {"stages", stages}, {"reports", reports}, {"enterprises", 754},
                 {"cases_linked", linked},
                 {"indicator_values", (*fed)["written"]}});
        return core::Json{{"projects", projects}};
    });
    if (!r.ok()) throw std::runtime_error("demo projects failed: " + r.error().message);
}

}  // namespace duban::cli
