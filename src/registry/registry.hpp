#pragma once
/// duban::registry — typed records with ordered stages, dated evidence per stage, owners (lead
/// unit, responsible leader) and links (an enterprise, a work-plan task, cases). Its kinds are
/// key projects (重點項目, 招商項目) and enterprises (引辦企業). The generic parts (stages, the
/// unified social credit code, money in 萬元, lights) are pure; the commands run in the pipeline.
/// No HTTP, no SQL. See docs/projects-api.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/cases.hpp"
#include "core/calendar.hpp"
#include "core/core.hpp"
#include "store/project_repos.hpp"
#include "store/store.hpp"

namespace duban::registry {

using core::Json;
using core::Result;

// ---------------------------------------------------------------- stages
struct StageDef {
    std::string code, name;
};
/// reserve 儲備 → negotiating 在談 → signed 簽約 → registered 註冊(落地) → started 開工 → completed 竣工/投產.
const std::vector<StageDef>& ProjectStages();
/// The stage's position (0-based), or -1 when unknown.
int StageIndex(const std::string& code);
std::string StageName(const std::string& code);
/// A move is allowed only to the next stage: 422 (field to_stage) for an unknown stage, 409
/// stage_order for a backwards, repeated or skipping move.
core::Status CheckAdvance(const std::string& from, const std::string& to);

// ---------------------------------------------------------------- unified social credit code
struct CodeCheck {
    bool valid = false;
    std::string message;  // what failed (or "valid")
};
/// GB 32100-2015: 18 characters from 0-9 and A-Y without I, O, S, V, Z; position 1 the
/// registration authority, 2 the type, 3-8 the region code (digits), 9-17 the organisation code,
/// 18 the check character 31 - (Σ value × weight mod 31) (31 → 0).
CodeCheck CheckCreditCode(std::string_view code);
/// The check character of the first 17 characters, or 0 when one is not in the character set.
char CreditCheckChar(std::string_view first17);

// ---------------------------------------------------------------- money
/// 萬元 (a JSON number with at most 4 decimals, 0 to 10^9 萬) to integer units (yuan or dollars);
/// nothing when out of range or finer than 1.
std::optional<int64_t> WanToUnits(const Json& wan);
/// Integer units to 萬 as a JSON number (an integer when whole).
Json UnitsToWan(int64_t units);
/// Integer units of a currency to yuan: dollars × fx_rate_e4 / 10000, rounded half away from zero.
int64_t ToYuan(int64_t units, const std::string& currency, std::optional<int64_t> fx_rate_e4);

// ---------------------------------------------------------------- rules and lights
struct Rules {
    int64_t signed_to_registered = 90, registered_to_started = 180, started_to_statistics = 30;
    int64_t stall_yellow_months = 2, stall_red_months = 3;
    Json ToJson() const;
    /// Applies the keys present in j; unknown keys and bad values are errors naming the key.
    static Result<Rules> FromJson(const Json& j, const Rules& base);
    /// The stage's limit in days (signed, registered, started), else 0.
    int64_t LimitDays(const std::string& stage) const;
};
Rules LoadRules(store::Conn& c);

struct Light {
    std::string light = "green";
    // Why, as data the client words in its own language: [{code, ...}], codes
    // stage_over_limit {stage, days, limit} and stalled {stage, months}.
    core::Json reasons = core::Json::array();
    /// As registry_records.light_reason holds it: canonical JSON, "" when there is no reason.
    std::string Stored() const;
};
/// The reasons in the seed's words (events, exports): "簽約已91天未註冊落地（時限90天）".
std::string ReasonsText(const core::Json& reasons);
/// A stored light_reason as reasons; prose stored by an older version is an empty array.
core::Json StoredReasons(const std::string& stored);
/// A stored light_reason as text: the reasons' words, or the prose stored before.
std::string StoredReasonText(const std::string& stored);
/// red: no progress for stall_red_months, or over the stage's limit by more than half of it;
/// yellow: no progress for stall_yellow_months, or over the limit; else green. Completed: green.
/// today is the China date; last_progress the date of the last stage move, report or evidence.
Light EvaluateLight(const std::string& stage, core::Date stage_date, core::Date last_progress,
                    const Rules& r, core::Date today);
/// Whole calendar months from a to b (a day-of-month not yet reached does not count).
int64_t MonthsBetween(core::Date a, core::Date b);

// ---------------------------------------------------------------- who is asking
struct Viewer {
    bool all = false;  // leaders and the supervision office: every project
    core::Scope scope;
    std::vector<int64_t> units;
    std::optional<int64_t> user_id;
    std::string name;
    bool may_write = false, may_admin = false, may_followup = false, may_report_case = false;
    bool may_read_cases = false;  // a project's problems (its cases) are listed only to case.read holders
    bool Sees(const store::ProjectRow& p) const;
};

/// What the commands need from the server.
struct Env {
    cases::Env cases;
    cases::Viewer case_viewer;
    const core::WorkCalendar* cal = nullptr;
};

// ---------------------------------------------------------------- commands (in the writer)
/// Each project command returns the project JSON (as GET /projects/{id} without its lists).
Result<Json> CreateProject(store::WriteTx& tx, const Json& body, const Viewer& v, const Env& env);
Result<Json> PatchProject(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env);
Result<Json> AdvanceProject(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v);
Result<Json> RevertStage(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v);
/// A progress note on the current stage ({text, date?, attachments?}): counts as progress for the
/// lights (the dispatch table's 進展情況 lands here). Returns the project JSON.
Result<Json> AddProgress(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v);
Result<Json> ReportInvestment(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v);
/// Creates the 企業訴求 case (type enterprise, source visit, project_id set) through the case engine;
/// returns the case JSON (with the case engine's "_watch").
Result<Json> RaiseProblem(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env);
/// A plan-engine 督辦單 on the project's plan_node_id, addressed to the project's lead unit;
/// returns the notice JSON (with the plan engine's "_watch").
Result<Json> IssueFollowup(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env);
Result<Json> PutRules(store::WriteTx& tx, const Json& body);
Result<Json> CreateEnterprise(store::WriteTx& tx, const Json& body, const Viewer& v);
/// Within the data scope: an enterprise in a street of it, or linked to a project the viewer sees
/// (403 otherwise); a new street_id must lie in it too.
Result<Json> PatchEnterprise(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v);
Result<Json> CreatePromotionEvent(store::WriteTx& tx, const Json& body);
/// Re-evaluates the lights of the given projects (all open ones when ids is empty); one
/// project.light event per change. Returns {evaluated, changed}.
Result<Json> Sweep(store::WriteTx& tx, const std::vector<int64_t>& ids);
/// The open projects whose light differs from what it would be at now (read side of the sweep).
std::vector<int64_t> DueLights(store::Conn& c, core::TimePoint now);
/// Writes the district's PROJ_SIGNED, PROJ_CONTRACT and ENT_1M for the year (1-N月累計, every
/// month from January to the current month) through the indicators engine, where they differ.
Result<Json> FeedIndicators(store::WriteTx& tx, int64_t year);

// ---------------------------------------------------------------- reads
struct ProjectFilter {
    std::string stage, project_kind, light, q, sort;
    bool major = false;
    std::optional<int64_t> unit_id, event_id, year;
    int64_t page = 1, per_page = 50;
};
Result<Json> ListProjects(store::Conn& c, const ProjectFilter& f, const Viewer& v, core::TimePoint now);
/// With timeline, investments, problems and followups.
Result<Json> GetProject(store::Conn& c, int64_t id, const Viewer& v, core::TimePoint now,
                        const cases::Registry* case_types = nullptr);
Json Stalls(store::Conn& c, const Viewer& v, core::TimePoint now);
Json Dashboard(store::Conn& c, int64_t year, const Viewer& v, core::TimePoint now);
Json ListEnterprises(store::Conn& c, const store::EnterpriseFilter& f);
/// With the projects linked to it that the viewer sees, and may_edit.
Result<Json> GetEnterprise(store::Conn& c, int64_t id, const Viewer& v);
Json ListPromotionEvents(store::Conn& c);

}  // namespace duban::registry
