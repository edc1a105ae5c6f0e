#include "store/project_repos.hpp"

#include "store/geo_repos.hpp"
#include "store/row_util.hpp"

namespace duban::store {
namespace {

using rowutil::NextId;
using rowutil::Opt;
using rowutil::OptInt;
using rowutil::OptStr;
using rowutil::ParseJson;

Value OptD(const std::optional<double>& v) { return v ? Value(*v) : Value(nullptr); }
std::optional<double> OptReal(const Row& r, size_t i) {
    return r.IsNull(i) ? std::nullopt : std::optional<double>(r.Real(i));
}

constexpr const char* kProjectSelect =
    "SELECT r.id, r.number, r.name, r.generated, r.stage, r.stage_date, r.lead_unit_id, r.leader, "
    "r.enterprise_id, r.plan_node_id, r.light, r.light_reason, r.last_progress_at, r.created_at, "
    "r.updated_at, r.version, p.project_kind, p.major, p.park, p.address, p.lon, p.lat, p.grid_id, "
    "p.street_id, p.investor, p.origin_region, p.event_id, p.currency, p.fx_rate_e4, "
    "p.total_investment, p.annual_plan, p.contract_amount, p.funds_in_place, p.registered_capital, "
    "p.signed_on, p.year, COALESCE(u.name, ''), COALESCE(u.path, '') "
    "FROM registry_records r JOIN projects p ON p.record_id = r.id "
    "LEFT JOIN org_units u ON u.id = r.lead_unit_id ";

ProjectRow ProjectFromRow(const Row& r) {
    ProjectRow p;
    p.id = r.Int(0);
    p.number = r.Str(1);
    p.name = r.Str(2);
    p.generated = r.Int(3) != 0;
    p.stage = r.Str(4);
    p.stage_date = r.Str(5);
    p.lead_unit_id = OptInt(r, 6);
    p.leader = r.Str(7);
    p.enterprise_id = OptInt(r, 8);
    p.plan_node_id = OptInt(r, 9);
    p.light = r.Str(10);
    p.light_reason = r.Str(11);
    p.last_progress_at = r.Str(12);
    p.created_at = r.Str(13);
    p.updated_at = r.Str(14);
    p.version = r.Int(15);
    p.project_kind = r.Str(16);
    p.major = r.Int(17) != 0;
    p.park = r.Str(18);
    p.address = r.Str(19);
    p.lon = OptReal(r, 20);
    p.lat = OptReal(r, 21);
    p.grid_id = OptInt(r, 22);
    p.street_id = OptInt(r, 23);
    p.investor = r.Str(24);
    p.origin_region = r.Str(25);
    p.event_id = OptInt(r, 26);
    p.currency = r.Str(27);
    p.fx_rate_e4 = OptInt(r, 28);
    p.total_investment = r.Int(29);
    p.annual_plan = r.Int(30);
    p.contract_amount = r.Int(31);
    p.funds_in_place = r.Int(32);
    p.registered_capital = r.Int(33);
    p.signed_on = OptStr(r, 34);
    p.year = r.Int(35);
    p.lead_unit_name = r.Str(36);
    p.lead_unit_path = r.Str(37);
    return p;
}

constexpr const char* kEntCols =
    "id, name, credit_code, origin_region, registered_capital, registered_on, street_id, generated, "
    "created_at, updated_at, version";
EnterpriseRow EntFromRow(const Row& r) {
    EnterpriseRow e;
    e.id = r.Int(0);
    e.name = r.Str(1);
    e.credit_code = r.Str(2);
    e.origin_region = r.Str(3);
    e.registered_capital = r.Int(4);
    e.registered_on = OptStr(r, 5);
    e.street_id = OptInt(r, 6);
    e.generated = r.Int(7) != 0;
    e.created_at = r.Str(8);
    e.updated_at = r.Str(9);
    e.version = r.Int(10);
    return e;
}

StageRow StageFromRow(const Row& r) {
    StageRow s;
    s.id = r.Int(0);
    s.record_id = r.Int(1);
    s.stage = r.Str(2);
    s.date = r.Str(3);
    s.evidence = r.Str(4);
    s.attachments = ParseJson(r.Str(5), core::Json::array());
    s.actor_id = OptInt(r, 6);
    s.actor = r.Str(7);
    s.at = r.Str(8);
    s.reverted_at = OptStr(r, 9);
    s.revert_reason = OptStr(r, 10);
    return s;
}

InvestmentRow InvFromRow(const Row& r) {
    InvestmentRow v;
    v.id = r.Int(0);
    v.record_id = r.Int(1);
    v.month = r.Str(2);
    v.revision = r.Int(3);
    v.amount = r.Int(4);
    v.note = r.Str(5);
    v.reported_by = r.Str(6);
    v.reported_at = r.Str(7);
    return v;
}

PromotionEventRow EventFromRow(const Row& r) {
    return PromotionEventRow{r.Int(0), r.Str(1), r.Str(2), OptStr(r, 3), r.Str(4)};
}

}  // namespace

void InsertProject(Conn& c, ProjectRow* p) {
    p->id = NextId(c, "registry_records");
    c.Exec("INSERT INTO registry_records (id, kind, number, name, generated, stage, stage_date, lead_unit_id, "
           "leader, enterprise_id, plan_node_id, light, light_reason, last_progress_at, created_at, updated_at, "
           "version) VALUES (?, 'project', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
           {p->id, p->number, p->name, int64_t(p->generated), p->stage, p->stage_date, Opt(p->lead_unit_id),
            p->leader, Opt(p->enterprise_id), Opt(p->plan_node_id), p->light, p->light_reason,
            p->last_progress_at, p->created_at, p->updated_at});
    c.Exec("INSERT INTO projects (record_id, project_kind, major, park, address, lon, lat, grid_id, street_id, "
           "investor, origin_region, event_id, currency, fx_rate_e4, total_investment, annual_plan, "
           "contract_amount, funds_in_place, registered_capital, signed_on, year) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {p->id, p->project_kind, int64_t(p->major), p->park, p->address, OptD(p->lon), OptD(p->lat),
            Opt(p->grid_id), Opt(p->street_id), p->investor, p->origin_region, Opt(p->event_id), p->currency,
            Opt(p->fx_rate_e4), p->total_investment, p->annual_plan, p->contract_amount, p->funds_in_place,
            p->registered_capital, Opt(p->signed_on), p->year});
}

void UpdateProject(Conn& c, const ProjectRow& p) {
    c.Exec("UPDATE registry_records SET name = ?, stage = ?, stage_date = ?, lead_unit_id = ?, leader = ?, "
           "enterprise_id = ?, plan_node_id = ?, light = ?, light_reason = ?, last_progress_at = ?, updated_at = ?, "
           "version = version + 1 WHERE id = ?",
           {p.name, p.stage, p.stage_date, Opt(p.lead_unit_id), p.leader, Opt(p.enterprise_id), Opt(p.plan_node_id),
            p.light, p.light_reason, p.last_progress_at, p.updated_at, p.id});
    c.Exec("UPDATE projects SET project_kind = ?, major = ?, park = ?, address = ?, lon = ?, lat = ?, grid_id = ?, "
           "street_id = ?, investor = ?, origin_region = ?, event_id = ?, currency = ?, fx_rate_e4 = ?, "
           "total_investment = ?, annual_plan = ?, contract_amount = ?, funds_in_place = ?, registered_capital = ?, "
           "signed_on = ?, year = ? WHERE record_id = ?",
           {p.project_kind, int64_t(p.major), p.park, p.address, OptD(p.lon), OptD(p.lat), Opt(p.grid_id),
            Opt(p.street_id), p.investor, p.origin_region, Opt(p.event_id), p.currency, Opt(p.fx_rate_e4),
            p.total_investment, p.annual_plan, p.contract_amount, p.funds_in_place, p.registered_capital,
            Opt(p.signed_on), p.year, p.id});
}

void UpdateProjectLight(Conn& c, int64_t id, const std::string& light, const std::string& reason) {
    c.Exec("UPDATE registry_records SET light = ?, light_reason = ? WHERE id = ?", {light, reason, id});
}

std::optional<ProjectRow> FindProject(Conn& c, int64_t id) {
    auto rows = c.Query(std::string(kProjectSelect) + "WHERE r.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return ProjectFromRow(rows[0]);
}

std::optional<ProjectRow> FindProjectByNumber(Conn& c, const std::string& number) {
    auto rows = c.Query(std::string(kProjectSelect) + "WHERE r.number = ?", {number});
    if (rows.empty()) return std::nullopt;
    return ProjectFromRow(rows[0]);
}

std::vector<ProjectRow> ListProjects(Conn& c) {
    std::vector<ProjectRow> out;
    for (auto& r : c.Query(std::string(kProjectSelect) + "ORDER BY r.id")) out.push_back(ProjectFromRow(r));
    return out;
}

std::vector<ProjectRow> ListProjectsOfEnterprise(Conn& c, int64_t enterprise_id) {
    std::vector<ProjectRow> out;
    for (auto& r : c.Query(std::string(kProjectSelect) + "WHERE r.enterprise_id = ? ORDER BY r.id", {enterprise_id}))
        out.push_back(ProjectFromRow(r));
    return out;
}

int64_t NextProjectSerial(Conn& c, int64_t year) {
    std::string prefix = "XM-" + std::to_string(year) + "-";
    return c.Query("SELECT COUNT(*) FROM registry_records WHERE kind = 'project' AND number LIKE ?",
                   {prefix + "%"})[0].Int(0) + 1;
}

namespace {
/// Those who see the project may read the files a stage or a progress note names.
void RefAttachments(Conn& c, const StageRow& s) {
    if (!s.attachments.is_array()) return;
    for (const auto& a : s.attachments)
        if (a.is_string()) AddAttachmentRef(c, a.get<std::string>(), "project", s.record_id);
}
}  // namespace

int64_t InsertStage(Conn& c, const StageRow& s) {
    int64_t id = NextId(c, "registry_stages");
    c.Exec("INSERT INTO registry_stages (id, record_id, stage, date, evidence, attachments, actor_id, actor, at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, s.record_id, s.stage, s.date, s.evidence, core::CanonicalJson(s.attachments), Opt(s.actor_id),
            s.actor, s.at});
    RefAttachments(c, s);
    return id;
}

std::vector<StageRow> ListStages(Conn& c, int64_t record_id) {
    std::vector<StageRow> out;
    for (auto& r : c.Query("SELECT id, record_id, stage, date, evidence, attachments, actor_id, actor, at, "
                           "reverted_at, revert_reason FROM registry_stages WHERE record_id = ? ORDER BY id",
                           {record_id}))
        out.push_back(StageFromRow(r));
    return out;
}

void MarkStageReverted(Conn& c, int64_t id, const std::string& at, const std::string& reason) {
    c.Exec("UPDATE registry_stages SET reverted_at = ?, revert_reason = ? WHERE id = ?", {at, reason, id});
}

int64_t InsertProgress(Conn& c, const StageRow& s) {
    int64_t id = NextId(c, "registry_progress");
    c.Exec("INSERT INTO registry_progress (id, record_id, stage, date, text, attachments, actor_id, actor, at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, s.record_id, s.stage, s.date, s.evidence, core::CanonicalJson(s.attachments), Opt(s.actor_id),
            s.actor, s.at});
    RefAttachments(c, s);
    return id;
}

std::vector<StageRow> ListProgress(Conn& c, int64_t record_id) {
    std::vector<StageRow> out;
    for (auto& r : c.Query("SELECT id, record_id, stage, date, text, attachments, actor_id, actor, at, NULL, NULL "
                           "FROM registry_progress WHERE record_id = ? ORDER BY id DESC",
                           {record_id}))
        out.push_back(StageFromRow(r));
    return out;
}

int64_t InsertInvestment(Conn& c, const InvestmentRow& v) {
    int64_t id = NextId(c, "project_investments");
    c.Exec("INSERT INTO project_investments (id, record_id, month, revision, amount, note, reported_by, reported_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {id, v.record_id, v.month, v.revision, v.amount, v.note, v.reported_by, v.reported_at});
    return id;
}

std::vector<InvestmentRow> ListInvestments(Conn& c, int64_t record_id) {
    std::vector<InvestmentRow> out;
    for (auto& r : c.Query("SELECT id, record_id, month, revision, amount, note, reported_by, reported_at "
                           "FROM project_investments WHERE record_id = ? ORDER BY month, revision",
                           {record_id}))
        out.push_back(InvFromRow(r));
    return out;
}

std::vector<InvestmentRow> ListCurrentInvestments(Conn& c) {
    std::vector<InvestmentRow> out;
    for (auto& r : c.Query("SELECT i.id, i.record_id, i.month, i.revision, i.amount, i.note, i.reported_by, "
                           "i.reported_at FROM project_investments i WHERE i.revision = (SELECT MAX(j.revision) "
                           "FROM project_investments j WHERE j.record_id = i.record_id AND j.month = i.month) "
                           "ORDER BY i.record_id, i.month"))
        out.push_back(InvFromRow(r));
    return out;
}

std::vector<ProjectCaseRow> ListProjectCases(Conn& c, std::optional<int64_t> record_id) {
    std::string sql = "SELECT id, project_id, number, title, stage, status, reported_at, light, closed_at FROM cases "
                      "WHERE project_id IS NOT NULL AND type = 'enterprise'";  // a project's problems
    std::vector<Value> params;
    if (record_id) {
        sql += " AND project_id = ?";
        params.push_back(*record_id);
    }
    std::vector<ProjectCaseRow> out;
    for (auto& r : c.Query(sql + " ORDER BY reported_at, id", params))
        out.push_back(ProjectCaseRow{r.Int(0), r.Int(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6), r.Str(7),
                                     OptStr(r, 8)});
    return out;
}

void LinkCaseToProject(Conn& c, int64_t case_id, int64_t project_id) {
    c.Exec("UPDATE cases SET project_id = ? WHERE id = ?", {project_id, case_id});
}

std::vector<int64_t> UnlinkedCases(Conn& c, const std::string& type, int64_t limit) {
    std::vector<int64_t> out;
    for (auto& r : c.Query("SELECT id FROM cases WHERE type = ? AND project_id IS NULL ORDER BY id LIMIT ?", {type, limit}))
        out.push_back(r.Int(0));
    return out;
}

void ReaddressFollowup(Conn& c, int64_t followup_id, int64_t to_unit_id) {
    c.Exec("UPDATE plan_followups SET to_unit_id = ? WHERE id = ?", {to_unit_id, followup_id});
}

int64_t InsertEnterprise(Conn& c, const EnterpriseRow& e) {
    int64_t id = NextId(c, "enterprises");
    c.Exec(std::string("INSERT INTO enterprises (") + kEntCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
           {id, e.name, e.credit_code, e.origin_region, e.registered_capital, Opt(e.registered_on),
            Opt(e.street_id), int64_t(e.generated), e.created_at, e.updated_at});
    return id;
}

void UpdateEnterprise(Conn& c, const EnterpriseRow& e) {
    c.Exec("UPDATE enterprises SET name = ?, credit_code = ?, origin_region = ?, registered_capital = ?, "
           "registered_on = ?, street_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
           {e.name, e.credit_code, e.origin_region, e.registered_capital, Opt(e.registered_on), Opt(e.street_id),
            e.updated_at, e.id});
}

std::optional<EnterpriseRow> FindEnterprise(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kEntCols + " FROM enterprises WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return EntFromRow(rows[0]);
}

std::optional<EnterpriseRow> FindEnterpriseByCode(Conn& c, const std::string& code) {
    auto rows = c.Query(std::string("SELECT ") + kEntCols + " FROM enterprises WHERE credit_code = ?", {code});
    if (rows.empty()) return std::nullopt;
    return EntFromRow(rows[0]);
}

std::pair<std::vector<EnterpriseRow>, int64_t> ListEnterprises(Conn& c, const EnterpriseFilter& f) {
    std::string where = " WHERE 1 = 1";
    std::vector<Value> params;
    if (!f.q.empty()) {
        where += " AND (name LIKE ? ESCAPE '\\' OR credit_code LIKE ? ESCAPE '\\')";
        std::string pat = "%" + core::LikeEscape(f.q) + "%";
        params.push_back(pat);
        params.push_back(pat);
    }
    if (!f.origin_region.empty()) {
        where += " AND origin_region = ?";
        params.push_back(f.origin_region);
    }
    if (f.min_capital) {
        where += " AND registered_capital >= ?";
        params.push_back(*f.min_capital);
    }
    if (f.year) {
        where += " AND registered_on >= ? AND registered_on <= ?";
        params.push_back(std::to_string(*f.year) + "-01-01");
        params.push_back(std::to_string(*f.year) + "-12-31");
    }
    int64_t total = c.Query("SELECT COUNT(*) FROM enterprises" + where, params)[0].Int(0);
    auto p = params;
    p.push_back(f.per_page);
    p.push_back((f.page - 1) * f.per_page);
    std::vector<EnterpriseRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kEntCols + " FROM enterprises" + where +
                               " ORDER BY id LIMIT ? OFFSET ?",
                           p))
        out.push_back(EntFromRow(r));
    return {out, total};
}

std::pair<int64_t, int64_t> CountEnterprises(Conn& c, int64_t year, int month, int64_t min_capital) {
    char last[32];
    std::snprintf(last, sizeof last, "%04lld-%02d-31", static_cast<long long>(year), month);
    auto rows = c.Query("SELECT COUNT(*), COALESCE(SUM(registered_capital), 0) FROM enterprises "
                        "WHERE registered_on >= ? AND registered_on <= ? AND registered_capital >= ?",
                        {std::to_string(year) + "-01-01", std::string(last), min_capital});
    return {rows[0].Int(0), rows[0].Int(1)};
}

int64_t InsertPromotionEvent(Conn& c, const PromotionEventRow& e) {
    int64_t id = NextId(c, "promotion_events");
    c.Exec("INSERT INTO promotion_events (id, name, city, held_on, created_at) VALUES (?, ?, ?, ?, ?)",
           {id, e.name, e.city, Opt(e.held_on), e.created_at});
    return id;
}

std::optional<PromotionEventRow> FindPromotionEvent(Conn& c, int64_t id) {
    auto rows = c.Query("SELECT id, name, city, held_on, created_at FROM promotion_events WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return EventFromRow(rows[0]);
}

std::optional<PromotionEventRow> FindPromotionEventByName(Conn& c, const std::string& name) {
    auto rows = c.Query("SELECT id, name, city, held_on, created_at FROM promotion_events WHERE name = ?", {name});
    if (rows.empty()) return std::nullopt;
    return EventFromRow(rows[0]);
}

std::vector<PromotionEventRow> ListPromotionEvents(Conn& c) {
    std::vector<PromotionEventRow> out;
    for (auto& r : c.Query("SELECT id, name, city, held_on, created_at FROM promotion_events ORDER BY id"))
        out.push_back(EventFromRow(r));
    return out;
}

}  // namespace duban::store
