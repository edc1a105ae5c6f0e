#include "store/case_kpi_repos.hpp"

#include <nlohmann/json.hpp>

namespace duban::store {

namespace {
bool TableExists(Conn& c, const char* name) {
    if (c.backend() == Backend::kSqlite)
        return !c.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {std::string(name)}).empty();
    auto r = c.Query("SELECT to_regclass(?)::text", {std::string(name)});
    return !r.empty() && !r[0].IsNull(0);
}
std::optional<int64_t> OptInt(const Row& r, size_t i) {
    if (r.IsNull(i)) return std::nullopt;
    return r.Int(i);
}
}  // namespace

bool CasesTableExists(Conn& c) { return TableExists(c, "cases"); }

void ScanCaseKpiRows(Conn& c, const std::function<void(const CaseKpiRow&)>& f, std::optional<int64_t> only_id) {
    const bool steps = TableExists(c, "case_steps");
    std::string sql =
        "SELECT c.id, c.type, c.category, c.category_major, c.source, c.status, c.street_id, "
        "c.community_id, c.grid_id, c.lead_unit_id, c.reported_at, c.registered_at, c.dispatched_at, "
        "c.handled_at, c.closed_at, c.due_at, c.returns, c.reworks, c.satisfaction, c.subject_unit_id, c.stage";
    if (steps)
        sql += ", (SELECT min(s.at) FROM case_steps s WHERE s.case_id = c.id AND s.action = 'sign'), "
               "(SELECT s.data FROM case_steps s WHERE s.case_id = c.id AND s.action = 'rate' "
               "ORDER BY s.seq DESC LIMIT 1)";
    sql += " FROM cases c";
    std::vector<Value> params;
    if (only_id) {
        sql += " WHERE c.id = ?";
        params.emplace_back(*only_id);
    }
    sql += " ORDER BY c.id";
    for (const Row& r : c.Query(sql, params)) {
        CaseKpiRow k;
        k.id = r.Int(0);
        k.type = r.Str(1);
        k.category = r.Str(2);
        k.category_major = r.Str(3);
        k.source = r.Str(4);
        k.status = r.Str(5);
        k.street_id = OptInt(r, 6);
        k.community_id = OptInt(r, 7);
        k.grid_id = OptInt(r, 8);
        k.lead_unit_id = OptInt(r, 9);
        k.reported_at = r.Str(10);
        k.registered_at = r.Str(11);
        k.dispatched_at = r.Str(12);
        k.handled_at = r.Str(13);
        k.closed_at = r.Str(14);
        k.due_at = r.Str(15);
        k.returns = r.IsNull(16) ? 0 : r.Int(16);
        k.reworks = r.IsNull(17) ? 0 : r.Int(17);
        k.satisfaction = OptInt(r, 18);
        k.subject_unit_id = OptInt(r, 19);
        k.stage = r.Str(20);
        if (steps) {
            k.signed_at = r.Str(21);
            if (!r.IsNull(22)) {
                auto j = nlohmann::json::parse(r.Str(22), nullptr, false);
                if (j.is_object() && j.contains("solved") && j["solved"].is_boolean()) k.solved = j["solved"].get<bool>();
            }
        }
        f(k);
    }
}

std::vector<OrgUnitBrief> ListOrgUnitBriefs(Conn& c) {
    std::vector<OrgUnitBrief> out;
    for (const Row& r : c.Query("SELECT id, name, kind, path FROM org_units ORDER BY id"))
        out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(3)});
    return out;
}

}  // namespace duban::store
