#pragma once
/// Rows and queries for the work plan's tables: plans, their nodes (key works, items, tasks),
/// progress reports, comments and follow-up notices (督辦單). JSON-valued columns (co-units,
/// targets, objects, milestones, settings) are stored as canonical JSON text.
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

struct PlanRow {
    int64_t id = 0;
    std::string title;
    int64_t year = 0;
    std::string source, encoding;
    core::Json settings = core::Json::object();
    std::string created_at;
    std::optional<int64_t> created_by;
    std::string updated_at;
    int64_t version = 1;
};

struct PlanNodeRow {
    int64_t id = 0, plan_id = 0;
    std::optional<int64_t> parent_id;
    std::string kind;
    int64_t seq = 0;
    std::string number, title, text;
    std::optional<int64_t> src_start, src_end;
    std::optional<int64_t> lead_unit_id;
    std::vector<int64_t> co_units;
    std::string leader;
    std::optional<std::string> start_date, due_date;
    std::string status, status_reason;
    int64_t percent = 0;
    std::string light = "green", light_reason;
    core::Json targets = core::Json::array(), objects = core::Json::array(),
               milestones = core::Json::array();
    std::string active_since;
    std::optional<std::string> last_report_at;
    std::string created_at, updated_at;
    int64_t version = 1;
};

struct PlanReportRow {
    int64_t id = 0, node_id = 0;
    std::string text;
    int64_t percent = 0;
    std::string status, at;
    std::string reason;  // why the task cannot be completed (无法完成), as this report gave it
    std::optional<int64_t> by_user;
    std::string by_name;
};

struct PlanCommentRow {
    int64_t id = 0, node_id = 0;
    std::string text, at;
    std::optional<int64_t> by_user;
    std::string by_name;
};

struct FollowupRow {
    int64_t id = 0, plan_id = 0, node_id = 0, year = 0, serial = 0;
    std::string number, content;
    std::optional<int64_t> to_unit_id;
    std::string issued_at;
    std::optional<int64_t> issued_by;
    std::string issued_by_name;
    int64_t reply_days = 0;
    std::string reply_due, state = "open", light = "green";
    std::optional<std::string> replied_at, reply_text, replied_by_name, escalated_at;
};

int64_t InsertPlan(Conn& c, const PlanRow& p);  // returns id (next id, writer-allocated)
void UpdatePlan(Conn& c, const PlanRow& p);     // title, settings, updated_at, version+1
std::optional<PlanRow> FindPlan(Conn& c, int64_t id, bool with_source = false);
std::vector<PlanRow> ListPlans(Conn& c);  // newest first, without source

int64_t NextPlanNodeId(Conn& c);
void InsertPlanNode(Conn& c, const PlanNodeRow& n);  // n.id must be set (NextPlanNodeId)
void UpdatePlanNode(Conn& c, const PlanNodeRow& n);  // all mutable fields, version+1
std::optional<PlanNodeRow> FindPlanNode(Conn& c, int64_t id);
std::vector<PlanNodeRow> ListPlanNodes(Conn& c, int64_t plan_id);  // by seq
/// Open tasks of every plan (not 已完成 / 無法完成): what the sweep watches.
std::vector<PlanNodeRow> ListOpenTasks(Conn& c);

int64_t InsertPlanReport(Conn& c, const PlanReportRow& r);
std::vector<PlanReportRow> ListPlanReports(Conn& c, int64_t node_id);
int64_t InsertPlanComment(Conn& c, const PlanCommentRow& r);
std::vector<PlanCommentRow> ListPlanComments(Conn& c, int64_t node_id);

int64_t NextFollowupSerial(Conn& c, int64_t year);
int64_t InsertFollowup(Conn& c, const FollowupRow& f);
void UpdateFollowup(Conn& c, const FollowupRow& f);
std::optional<FollowupRow> FindFollowup(Conn& c, int64_t id);
struct FollowupFilter {
    std::optional<int64_t> plan_id, node_id;
    std::string state;  // "", open, replied
};
std::vector<FollowupRow> ListFollowups(Conn& c, const FollowupFilter& f);  // newest first

}  // namespace duban::store
