#include "store/plan_repos.hpp"
#include "store/row_util.hpp"

namespace duban::store {
namespace {

using rowutil::NextId;
using rowutil::Opt;
using rowutil::OptInt;
using rowutil::OptStr;
using rowutil::ParseJson;

constexpr const char* kPlanCols =
    "id, title, year, encoding, settings, created_at, created_by, updated_at, version";
PlanRow PlanFromRow(const Row& r, bool with_source) {
    PlanRow p;
    p.id = r.Int(0);
    p.title = r.Str(1);
    p.year = r.Int(2);
    p.encoding = r.Str(3);
    p.settings = ParseJson(r.Str(4), core::Json::object());
    p.created_at = r.Str(5);
    p.created_by = OptInt(r, 6);
    p.updated_at = r.Str(7);
    p.version = r.Int(8);
    if (with_source) p.source = r.Str(9);
    return p;
}

constexpr const char* kNodeCols =
    "id, plan_id, parent_id, kind, seq, number, title, text, src_start, src_end, lead_unit_id, "
    "co_units, leader, start_date, due_date, status, status_reason, percent, light, light_reason, "
    "targets, objects, milestones, active_since, last_report_at, created_at, updated_at, version";
PlanNodeRow NodeFromRow(const Row& r) {
    PlanNodeRow n;
    n.id = r.Int(0);
    n.plan_id = r.Int(1);
    n.parent_id = OptInt(r, 2);
    n.kind = r.Str(3);
    n.seq = r.Int(4);
    n.number = r.Str(5);
    n.title = r.Str(6);
    n.text = r.Str(7);
    n.src_start = OptInt(r, 8);
    n.src_end = OptInt(r, 9);
    n.lead_unit_id = OptInt(r, 10);
    for (auto& v : ParseJson(r.Str(11), core::Json::array()))
        if (v.is_number_integer()) n.co_units.push_back(v.get<int64_t>());
    n.leader = r.Str(12);
    n.start_date = OptStr(r, 13);
    n.due_date = OptStr(r, 14);
    n.status = r.Str(15);
    n.status_reason = r.Str(16);
    n.percent = r.Int(17);
    n.light = r.Str(18);
    n.light_reason = r.Str(19);
    n.targets = ParseJson(r.Str(20), core::Json::array());
    n.objects = ParseJson(r.Str(21), core::Json::array());
    n.milestones = ParseJson(r.Str(22), core::Json::array());
    n.active_since = r.Str(23);
    n.last_report_at = OptStr(r, 24);
    n.created_at = r.Str(25);
    n.updated_at = r.Str(26);
    n.version = r.Int(27);
    return n;
}

constexpr const char* kFollowupCols =
    "id, plan_id, node_id, year, serial, number, content, to_unit_id, issued_at, issued_by, "
    "issued_by_name, reply_days, reply_due, state, light, replied_at, reply_text, replied_by_name, "
    "escalated_at";
FollowupRow FollowupFromRow(const Row& r) {
    FollowupRow f;
    f.id = r.Int(0);
    f.plan_id = r.Int(1);
    f.node_id = r.Int(2);
    f.year = r.Int(3);
    f.serial = r.Int(4);
    f.number = r.Str(5);
    f.content = r.Str(6);
    f.to_unit_id = OptInt(r, 7);
    f.issued_at = r.Str(8);
    f.issued_by = OptInt(r, 9);
    f.issued_by_name = r.Str(10);
    f.reply_days = r.Int(11);
    f.reply_due = r.Str(12);
    f.state = r.Str(13);
    f.light = r.Str(14);
    f.replied_at = OptStr(r, 15);
    f.reply_text = OptStr(r, 16);
    f.replied_by_name = OptStr(r, 17);
    f.escalated_at = OptStr(r, 18);
    return f;
}

std::string IdsJson(const std::vector<int64_t>& ids) { return core::CanonicalJson(core::Json(ids)); }

}  // namespace

int64_t InsertPlan(Conn& c, const PlanRow& p) {
    int64_t id = NextId(c, "plans");
    c.Exec("INSERT INTO plans (id, title, year, source, encoding, settings, created_at, created_by, "
           "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
           {id, p.title, p.year, p.source, p.encoding, core::CanonicalJson(p.settings), p.created_at,
            Opt(p.created_by), p.updated_at});
    return id;
}

void UpdatePlan(Conn& c, const PlanRow& p) {
    c.Exec("UPDATE plans SET title = ?, settings = ?, updated_at = ?, version = version + 1 WHERE id = ?",
           {p.title, core::CanonicalJson(p.settings), p.updated_at, p.id});
}

std::optional<PlanRow> FindPlan(Conn& c, int64_t id, bool with_source) {
    auto rows = c.Query(std::string("SELECT ") + kPlanCols + (with_source ? ", source" : "") +
                            " FROM plans WHERE id = ?",
                        {id});
    if (rows.empty()) return std::nullopt;
    return PlanFromRow(rows[0], with_source);
}

std::vector<PlanRow> ListPlans(Conn& c) {
    std::vector<PlanRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kPlanCols + " FROM plans ORDER BY id DESC"))
        out.push_back(PlanFromRow(r, false));
    return out;
}

int64_t NextPlanNodeId(Conn& c) { return NextId(c, "plan_nodes"); }

void InsertPlanNode(Conn& c, const PlanNodeRow& n) {
    c.Exec(std::string("INSERT INTO plan_nodes (") + kNodeCols +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
           {n.id, n.plan_id, Opt(n.parent_id), n.kind, n.seq, n.number, n.title, n.text,
            Opt(n.src_start), Opt(n.src_end), Opt(n.lead_unit_id), IdsJson(n.co_units), n.leader,
            Opt(n.start_date), Opt(n.due_date), n.status, n.status_reason, n.percent, n.light,
            n.light_reason, core::CanonicalJson(n.targets), core::CanonicalJson(n.objects),
            core::CanonicalJson(n.milestones), n.active_since, Opt(n.last_report_at), n.created_at,
            n.updated_at});
}

void UpdatePlanNode(Conn& c, const PlanNodeRow& n) {
    c.Exec("UPDATE plan_nodes SET kind = ?, title = ?, text = ?, lead_unit_id = ?, co_units = ?, "
           "leader = ?, start_date = ?, due_date = ?, status = ?, status_reason = ?, percent = ?, "
           "light = ?, light_reason = ?, targets = ?, objects = ?, milestones = ?, active_since = ?, "
           "last_report_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
           {n.kind, n.title, n.text, Opt(n.lead_unit_id), IdsJson(n.co_units), n.leader,
            Opt(n.start_date), Opt(n.due_date), n.status, n.status_reason, n.percent, n.light,
            n.light_reason, core::CanonicalJson(n.targets), core::CanonicalJson(n.objects),
            core::CanonicalJson(n.milestones), n.active_since, Opt(n.last_report_at), n.updated_at,
            n.id});
}

std::optional<PlanNodeRow> FindPlanNode(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kNodeCols + " FROM plan_nodes WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return NodeFromRow(rows[0]);
}

std::vector<PlanNodeRow> ListPlanNodes(Conn& c, int64_t plan_id) {
    std::vector<PlanNodeRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kNodeCols +
                               " FROM plan_nodes WHERE plan_id = ? ORDER BY seq",
                           {plan_id}))
        out.push_back(NodeFromRow(r));
    return out;
}

std::vector<PlanNodeRow> ListOpenTasks(Conn& c) {
    std::vector<PlanNodeRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kNodeCols +
                           " FROM plan_nodes WHERE kind = 'task' AND status <> '已完成' AND "
                           "status <> '無法完成' ORDER BY id"))
        out.push_back(NodeFromRow(r));
    return out;
}

int64_t InsertPlanReport(Conn& c, const PlanReportRow& r) {
    int64_t id = NextId(c, "plan_reports");
    c.Exec("INSERT INTO plan_reports (id, node_id, text, percent, status, at, by_user, by_name, reason) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, r.node_id, r.text, r.percent, r.status, r.at, Opt(r.by_user), r.by_name, r.reason});
    return id;
}

std::vector<PlanReportRow> ListPlanReports(Conn& c, int64_t node_id) {
    std::vector<PlanReportRow> out;
    for (auto& r : c.Query("SELECT id, node_id, text, percent, status, at, by_user, by_name, reason FROM "
                           "plan_reports WHERE node_id = ? ORDER BY id DESC",
                           {node_id})) {
        PlanReportRow x;
        x.id = r.Int(0);
        x.node_id = r.Int(1);
        x.text = r.Str(2);
        x.percent = r.Int(3);
        x.status = r.Str(4);
        x.at = r.Str(5);
        x.by_user = OptInt(r, 6);
        x.by_name = r.Str(7);
        x.reason = r.Str(8);
        out.push_back(std::move(x));
    }
    return out;
}

int64_t InsertPlanComment(Conn& c, const PlanCommentRow& r) {
    int64_t id = NextId(c, "plan_comments");
    c.Exec("INSERT INTO plan_comments (id, node_id, text, at, by_user, by_name) VALUES (?, ?, ?, ?, ?, ?)",
           {id, r.node_id, r.text, r.at, Opt(r.by_user), r.by_name});
    return id;
}

std::vector<PlanCommentRow> ListPlanComments(Conn& c, int64_t node_id) {
    std::vector<PlanCommentRow> out;
    for (auto& r : c.Query("SELECT id, node_id, text, at, by_user, by_name FROM plan_comments "
                           "WHERE node_id = ? ORDER BY id DESC",
                           {node_id})) {
        PlanCommentRow x;
        x.id = r.Int(0);
        x.node_id = r.Int(1);
        x.text = r.Str(2);
        x.at = r.Str(3);
        x.by_user = OptInt(r, 4);
        x.by_name = r.Str(5);
        out.push_back(std::move(x));
    }
    return out;
}

int64_t NextFollowupSerial(Conn& c, int64_t year) {
    return c.Query("SELECT COALESCE(MAX(serial), 0) + 1 FROM plan_followups WHERE year = ?", {year})[0].Int(0);
}

int64_t InsertFollowup(Conn& c, const FollowupRow& f) {
    int64_t id = NextId(c, "plan_followups");
    c.Exec(std::string("INSERT INTO plan_followups (") + kFollowupCols +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, f.plan_id, f.node_id, f.year, f.serial, f.number, f.content, Opt(f.to_unit_id),
            f.issued_at, Opt(f.issued_by), f.issued_by_name, f.reply_days, f.reply_due, f.state,
            f.light, Opt(f.replied_at), Opt(f.reply_text), Opt(f.replied_by_name), Opt(f.escalated_at)});
    return id;
}

void UpdateFollowup(Conn& c, const FollowupRow& f) {
    c.Exec("UPDATE plan_followups SET state = ?, light = ?, replied_at = ?, reply_text = ?, "
           "replied_by_name = ?, escalated_at = ? WHERE id = ?",
           {f.state, f.light, Opt(f.replied_at), Opt(f.reply_text), Opt(f.replied_by_name),
            Opt(f.escalated_at), f.id});
}

std::optional<FollowupRow> FindFollowup(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kFollowupCols + " FROM plan_followups WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return FollowupFromRow(rows[0]);
}

std::vector<FollowupRow> ListFollowups(Conn& c, const FollowupFilter& f) {
    std::string sql = std::string("SELECT ") + kFollowupCols + " FROM plan_followups WHERE 1 = 1";
    std::vector<Value> params;
    if (f.plan_id) {
        sql += " AND plan_id = ?";
        params.push_back(*f.plan_id);
    }
    if (f.node_id) {
        sql += " AND node_id = ?";
        params.push_back(*f.node_id);
    }
    if (!f.state.empty()) {
        sql += " AND state = ?";
        params.push_back(f.state);
    }
    sql += " ORDER BY id DESC";
    std::vector<FollowupRow> out;
    for (auto& r : c.Query(sql, params)) out.push_back(FollowupFromRow(r));
    return out;
}

}  // namespace duban::store
