#pragma once
/// Rows and queries for the case engine's tables (migration 6): cases, their steps, reporters'
/// sealed personal data, the dispatch rule table and administrators' edited case types.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"
#include "store/geo_repos.hpp"  // MayAttach

namespace duban::store {

struct CaseRow {
    int64_t id = 0;
    std::string number, type, category, category_major, title, description;
    std::string urgency = "normal", source = "web";
    std::optional<double> lon, lat;
    std::string address;
    std::optional<int64_t> street_id, community_id, grid_id, lead_unit_id;
    std::vector<int64_t> co_units;
    std::string paths;  // "|" + location path + "|" + lead path + "|" + co-unit paths..., for scope filters
    std::string stage, status = "open";
    std::string reported_at;
    std::optional<std::string> registered_at, dispatched_at, handled_at, closed_at, due_at;
    std::string stage_started_at;
    std::optional<std::string> stage_due_at, stage_yellow_at, paused_at;
    std::string light = "green", light_reason;
    int64_t returns = 0, reworks = 0, extensions = 0;
    core::Json pending_extension;  // null, or {amount, unit, reason, by}
    std::optional<int64_t> satisfaction, merged_into, project_id;
    std::vector<std::string> attachments;  // sha256
    std::optional<int64_t> created_by;
    std::string updated_at;
    int64_t version = 1;
    /// A petition's 被反映单位: the unit it complains of or accuses (信訪工作條例: never passed to
    /// it). Its staff, and its sub-units', do not see the case; it cannot lead or co-handle it.
    std::optional<int64_t> subject_unit_id;
};

struct CaseStepRow {
    int64_t case_id = 0, seq = 0;
    std::string at;
    std::optional<int64_t> actor_id;
    std::string actor, action, from_stage, to_stage, note;
    core::Json data = core::Json::object();  // fields, attachments, unit_id, reason ...
};

struct CaseReporterRow {
    int64_t case_id = 0;
    std::optional<std::string> name_sealed, phone_sealed, id_number_sealed;
    std::string name_masked, phone_masked, id_number_masked;
};

struct DispatchRuleRow {
    int64_t seq = 0;
    std::string type, category;  // category: a 小類, a 大類 or "*"
    std::optional<int64_t> street_id, grid_id;
    int64_t lead_unit_id = 0;
    std::vector<int64_t> co_units;
};

int64_t NextCaseId(Conn& c);
void InsertCase(Conn& c, const CaseRow& r);  // r.id set (NextCaseId)
/// Writes what changed from `before` (the row as read) to `r`; the version becomes r.version + 1.
void UpdateCase(Conn& c, const CaseRow& before, const CaseRow& r);
std::optional<CaseRow> FindCase(Conn& c, int64_t id);
/// The light alone (the sweep): the version does not change, so a client's next write is not stale.
void UpdateCaseLight(Conn& c, int64_t id, const std::string& light, const std::string& reason);

struct CaseFilter {
    std::string type, stage, status, light, category, q, sort;
    std::optional<int64_t> street_id, grid_id, unit_id;
    bool overdue = false;
    bool queue = false;  // waiting in the type's dispatch stage without a lead unit
    std::string from, to;  // reported_at in [from, to) (UTC RFC 3339 text, as FormatUtc writes it)
    std::optional<std::vector<std::string>> prefixes;  // scope: a path must start with one; nullopt = all
    /// The org units under those prefixes (OrgUnitsUnder): the same test by the indexed unit columns
    /// (location, lead unit), with the paths read only for the few cases with co-units.
    std::optional<std::vector<int64_t>> scope_units;
    /// Leaves out the cases whose subject_unit_id is one of these (the viewer's own units and the
    /// units above them: cases that accuse the viewer's unit).
    std::vector<int64_t> hidden_subjects;
    int64_t page = 1, per_page = 50;
};
std::pair<std::vector<CaseRow>, int64_t> ListCases(Conn& c, const CaseFilter& f);
/// Ids of the org units whose path starts with one of the prefixes (active or not).
std::vector<int64_t> OrgUnitsUnder(Conn& c, const std::vector<std::string>& prefixes);
/// Of the given units, those some case names as its subject (an indexed lookup).
std::vector<int64_t> CaseSubjectsAmong(Conn& c, const std::vector<int64_t>& units);
/// Counts of open cases by light in scope: {green, yellow, red}.
core::Json CountCaseLights(Conn& c, const CaseFilter& f);

int64_t NextCaseStepSeq(Conn& c, int64_t case_id);
void InsertCaseStep(Conn& c, const CaseStepRow& s);
std::vector<CaseStepRow> ListCaseSteps(Conn& c, int64_t case_id);

void PutCaseReporter(Conn& c, const CaseReporterRow& r);
std::optional<CaseReporterRow> FindCaseReporter(Conn& c, int64_t case_id);

std::vector<DispatchRuleRow> ListDispatchRules(Conn& c);
/// The rules of one type whose category is the 小類, its 大類 or "*", in table order.
std::vector<DispatchRuleRow> DispatchRulesFor(Conn& c, const std::string& type, const std::string& category,
                                              const std::string& category_major);
void ReplaceDispatchRules(Conn& c, const std::vector<DispatchRuleRow>& rules);

/// Administrators' edited case types: code -> configuration JSON text.
std::vector<std::pair<std::string, std::string>> ListCaseTypeConfigs(Conn& c);
/// The cases merged into this one (並單), directly.
std::vector<int64_t> CasesMergedInto(Conn& c, int64_t id);
/// Whether some case of the type is in the stage now (an edited configuration must keep it).
bool CaseStageInUse(Conn& c, const std::string& type, const std::string& stage);
void PutCaseTypeConfig(Conn& c, const std::string& code, const std::string& json, const std::string& now);

/// Open, unpaused cases and the next instant their light may change (stage_yellow_at while
/// green, stage_due_at while yellow): what the sweep watches.
std::vector<std::pair<int64_t, std::string>> ListCaseWatch(Conn& c);


}  // namespace duban::store
