#pragma once
/// What the KPI engine reads of the case tables (docs/cases-api.md, "Storage"): one row per case
/// with the columns the KPIs need, the first 簽收 time and the last 回訪 answer from case_steps,
/// and the org units' names and paths (scope and display).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace duban::store {

struct CaseKpiRow {
    int64_t id = 0;
    std::string type, category, category_major, source, status, stage;
    std::optional<int64_t> street_id, community_id, grid_id, lead_unit_id, subject_unit_id;
    // ISO 8601 UTC text, "" = NULL
    std::string reported_at, registered_at, dispatched_at, handled_at, closed_at, due_at, signed_at;
    int64_t returns = 0, reworks = 0;
    std::optional<int64_t> satisfaction;
    std::optional<bool> solved;  // the last rate step's `solved`
};

/// Whether the `cases` table exists (it comes with the case engine's migration).
bool CasesTableExists(Conn& c);
/// Calls f for every case (or only case `only_id`), in id order. REQUIRES: the cases table exists.
void ScanCaseKpiRows(Conn& c, const std::function<void(const CaseKpiRow&)>& f,
                     std::optional<int64_t> only_id = std::nullopt);

struct OrgUnitBrief {
    int64_t id = 0;
    std::string name, kind, path;
};
std::vector<OrgUnitBrief> ListOrgUnitBriefs(Conn& c);

}  // namespace duban::store
