#pragma once
/// duban::plan — the work plan: a confirmed plan's tree of key works, items and tasks, with lead
/// units, leaders, dates and targets; progress reports on a cadence; leaders' comments; follow-up
/// notices (督辦單) with reply deadlines in working days; and the lights (green, yellow, red) the
/// supervision sweep keeps. Domain rules and the commands the pipeline runs; no HTTP, no SQL.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/core.hpp"
#include "core/deadlines.hpp"
#include "store/plan_repos.hpp"
#include "store/store.hpp"

namespace duban::plan {

using core::Json;
using core::Result;

inline const std::vector<std::string> kStatuses = {"未啟動", "推進中", "已完成", "滯後", "無法完成"};
bool IsClosedStatus(const std::string& s);  // 已完成, 無法完成

/// A plan's supervision settings.
struct Settings {
    std::string report_cadence = "monthly";  // the only cadence so far
    int report_due_workday = 5;      // monthly reports are due by this working day of the month
    int report_grace_workdays = 5;   // a late report turns red this many working days after due
    double yellow_share = 0.8;       // share of a time limit used that turns an item yellow
    int followup_default_days = 5;   // reply time of a 督辦單, working days
    Json ToJson() const;
    /// Applies the keys present in j; unknown keys and bad values are errors naming the key.
    static Result<Settings> FromJson(const Json& j, const Settings& base);
};

/// Who is looking: staff see the tasks their units lead or help with (and those tasks'
/// ancestors); leaders and the supervision office see whole plans.
struct Viewer {
    bool whole_plan = false;
    core::Scope scope;
    std::vector<int64_t> units;
    std::optional<int64_t> user_id;
    std::string name;
};

// ---------------------------------------------------------------- lights
struct Light {
    std::string light = "green";  // green, yellow, red
    // Why, as data the client words in its own language: [{code, ...}], codes overdue {due_date},
    // behind_schedule {time_pct, done_pct}, report_overdue {due, grace_workdays}, report_late {due},
    // followup_overdue {number, due}, followup_due_soon {number, due} (due: an RFC 3339 instant).
    core::Json reasons = core::Json::array();
    std::optional<core::TimePoint> next_check;  // when it may change without any write
    /// As plan_nodes.light_reason holds it: canonical JSON, "" when there is no reason.
    std::string Stored() const;
};
/// The reasons in the seed's words (events, exports): "已超過完成時限（2026-06-30）；…".
std::string ReasonsText(const core::Json& reasons);
/// A stored light_reason as reasons; prose stored by an older version is an empty array.
core::Json StoredReasons(const std::string& stored);
/// A stored light_reason as text: the reasons' words, or the prose stored before.
std::string StoredReasonText(const std::string& stored);
/// When the next monthly progress report of a task is due (end of office hours on the
/// settings' n-th working day of the month after its last report, activation or start).
std::optional<core::TimePoint> NextReportDue(const store::PlanNodeRow& n, const Settings& s,
                                             const core::WorkCalendar& cal);
Light EvaluateFollowup(const store::FollowupRow& f, const Settings& s, core::TimePoint now,
                       const core::WorkCalendar& cal);
/// A task's light from its due date, report cadence, progress against time and its open
/// follow-up notices' lights.
Light EvaluateTask(const store::PlanNodeRow& n, const Settings& s,
                   const std::vector<store::FollowupRow>& followups, core::TimePoint now,
                   const core::WorkCalendar& cal);

/// What the sweep watches: open tasks and open follow-up notices by the next instant their
/// light may change. Thread-safe.
class Watch {
public:
    void SetNode(int64_t id, std::optional<core::TimePoint> at);
    void SetFollowup(int64_t id, std::optional<core::TimePoint> at);
    struct Due {
        std::vector<int64_t> nodes, followups;
        bool empty() const { return nodes.empty() && followups.empty(); }
    };
    Due PopDue(core::TimePoint now);
    /// Applies the "_watch" list a command returned, and removes it from the result.
    void Apply(Json& result);
    size_t size() const;

private:
    mutable std::mutex mu_;
    core::DeadlineIndex<int64_t> nodes_, followups_;
};

// ---------------------------------------------------------------- commands (in the writer)
/// Commits a confirmed proposal (see docs/plan-api.md). Every node is validated first; an error
/// names the node path (nodes[1].children[0].lead_unit_id) and nothing is stored.
Result<Json> CreatePlan(store::WriteTx& tx, const Json& body, const core::WorkCalendar& cal);
Result<Json> PatchPlan(store::WriteTx& tx, int64_t id, const Json& body);
Result<Json> PatchNode(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v,
                       const core::WorkCalendar& cal);
Result<Json> AddReport(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v,
                       const core::WorkCalendar& cal);
Result<Json> AddComment(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v);
Result<Json> IssueFollowup(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v,
                           const core::WorkCalendar& cal);
Result<Json> ReplyFollowup(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v,
                           const core::WorkCalendar& cal);
/// Re-evaluates the given follow-ups and tasks (and the tasks of changed follow-ups); commits
/// light changes with one event each, escalates newly red follow-ups to the task's leader.
Result<Json> Sweep(store::WriteTx& tx, const Watch::Due& due, const core::WorkCalendar& cal);
/// Everything open, each due now: the watch list at start-up.
Watch::Due AllOpen(store::Conn& c);

// ---------------------------------------------------------------- reads
/// The nodes of a plan (all, from the store) a viewer may see: those its units lead or help with,
/// and their ancestors; everything for a whole-plan viewer. In the order given.
std::vector<const store::PlanNodeRow*> VisibleNodes(store::Conn& c, const std::vector<store::PlanNodeRow>& all,
                                                   const Viewer& v);
Json ListPlans(store::Conn& c, const Viewer& v);
Result<Json> GetPlan(store::Conn& c, int64_t id, const Viewer& v, bool with_source);
struct NodeFilter {
    std::optional<int64_t> unit_id, key_work_id;
    std::string status, light, q;
    bool mine = false;
};
Result<Json> ListNodes(store::Conn& c, int64_t plan_id, const NodeFilter& f, const Viewer& v,
                       const core::WorkCalendar& cal);
/// The caller's units' tasks across plans (my tasks).
Json MyTasks(store::Conn& c, const Viewer& v, const core::WorkCalendar& cal);
Result<Json> GetNode(store::Conn& c, int64_t id, const Viewer& v, const core::WorkCalendar& cal);
Json ListFollowups(store::Conn& c, const store::FollowupFilter& f, const std::string& light,
                   const Viewer& v);
Result<Json> GetFollowup(store::Conn& c, int64_t id, const Viewer& v);
Result<Json> Overview(store::Conn& c, int64_t plan_id, const Viewer& v);

// ---------------------------------------------------------------- the lead-unit dictionary
/// The dictionary the importer suggests lead units from: the administrator's edited copy when
/// there is one, else the built-in data/plan/lead-units.tsv.
std::vector<std::pair<std::string, std::string>> LeadUnits(store::Conn& c);
Json LeadUnitsJson(store::Conn& c);
/// Replaces the dictionary: {"entries": [{"keyword", "unit"}, ...]} (order is priority), or
/// {"reset": true} for the built-in one. Errors name the entry.
Result<Json> SetLeadUnits(store::WriteTx& tx, const Json& body);

// ---------------------------------------------------------------- the 任務分解表 in Excel
/// The conventional columns with merged cells per key work; simplified: the headings and statuses
/// in Simplified script (the import reads either).
Result<std::string> ExportTaskSheet(store::Conn& c, int64_t plan_id, const Viewer& v, bool simplified = false);
/// Validates an edited sheet: every row and column checked first. Without apply nothing is
/// written; with apply the valid rows are applied (the user has seen the errors).
/// Returns {rows, valid, errors: [{row, column, message}], error_workbook_base64?, applied}.
Result<Json> ImportTaskSheet(store::WriteTx& tx, int64_t plan_id, const std::string& xlsx,
                             bool apply);

}  // namespace duban::plan
