#include "plan/plan.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "core/zh.hpp"
#include "core/reasons.hpp"
#include "plan/import.hpp"
#include "store/repos.hpp"

namespace duban::plan {

using core::Error;
using core::TimePoint;
using store::FollowupRow;
using store::PlanNodeRow;

bool IsClosedStatus(const std::string& s) { return s == "已完成" || s == "無法完成"; }

namespace {

constexpr size_t kMaxNodes = 5000;
constexpr size_t kMaxTitle = 500, kMaxText = 5000, kMaxLeader = 64, kMaxSource = 4u << 20;

bool IsStatus(const std::string& s) {
    return std::find(kStatuses.begin(), kStatuses.end(), s) != kStatuses.end();
}

std::string StatusList() {
    std::string out;
    for (auto& s : kStatuses) out += (out.empty() ? "" : ", ") + s;
    return out;
}

int LightRank(const std::string& l) { return l == "red" ? 2 : l == "yellow" ? 1 : 0; }

TimePoint ParseAt(const std::string& s) {
    TimePoint t{};
    core::ParseRfc3339(s, &t);
    return t;
}

int EndOfDayMinute(const core::WorkCalendar& cal) {
    const auto& spans = cal.office_hours().spans;
    return spans.empty() ? 17 * 60 + 30 : spans.back().second;
}

std::string LocalText(TimePoint t) {
    auto d = core::LocalDate(t);
    int m = core::LocalMinuteOfDay(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %02d:%02d", d.ToString().c_str(), m / 60, m % 60);
    return buf;
}

// ---- text fields
core::Status CheckText(const Json& j, const std::string& field, bool required, size_t max,
                       std::optional<std::string>* out) {
    if (!j.is_object() || !j.contains(field.substr(field.rfind('.') + 1))) {
        if (required) return Error::Validation(field, field + " is required", "required");
        return {};
    }
    const auto& v = j.at(field.substr(field.rfind('.') + 1));
    if (!v.is_string()) return Error::Validation(field, field + " must be a string");
    auto s = v.get<std::string>();
    if (!core::IsValidUtf8(s)) return Error::Validation(field, field + " is not valid UTF-8");
    std::string t = core::Trim(s);
    if (required && t.empty()) return Error::Validation(field, field + " must not be empty", "required");
    if (core::Utf8Length(t) > max)
        return Error::Validation(field, field + " is longer than " + std::to_string(max) + " characters");
    for (unsigned char ch : t)
        if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
            return Error::Validation(field, field + " contains a control character");
    *out = t;
    return {};
}

core::Status CheckDate(const Json& j, const std::string& key, const std::string& field,
                       std::optional<std::optional<std::string>>* out) {
    if (!j.contains(key)) return {};
    const auto& v = j.at(key);
    if (v.is_null()) {
        *out = std::optional<std::string>();
        return {};
    }
    if (!v.is_string() || !core::Date::Parse(v.get<std::string>()))
        return Error::Validation(field, field + " must be a date YYYY-MM-DD");
    *out = core::Date::Parse(v.get<std::string>())->ToString();
    return {};
}

core::Status CheckUnit(store::Conn& c, const Json& v, const std::string& field, std::optional<int64_t>* out) {
    if (v.is_null()) {
        *out = std::nullopt;
        return {};
    }
    if (!v.is_number_integer()) return Error::Validation(field, field + " must be an org unit id");
    auto u = store::FindOrg(c, v.get<int64_t>(), core::Scope::All());
    if (!u) return Error::Validation(field, field + ": org unit " + std::to_string(v.get<int64_t>()) + " does not exist", "unknown_unit");
    if (!u->active) return Error::Validation(field, field + ": org unit " + u->name + " is deactivated", "inactive_unit");
    if (u->kind == "grid")  // a grid has inspectors, not a unit's staff to carry out a task
        return Error::Validation(field, field + ": org unit " + u->name + " is a grid; a task is carried out by a district, street, community or department", "grid_unit");
    *out = u->id;
    return {};
}

core::Status CheckUnits(store::Conn& c, const Json& v, const std::string& field, std::vector<int64_t>* out) {
    if (!v.is_array()) return Error::Validation(field, field + " must be a list of org unit ids");
    if (v.size() > 50) return Error::Validation(field, field + " has more than 50 units");
    out->clear();
    for (size_t i = 0; i < v.size(); ++i) {
        std::optional<int64_t> id;
        auto st = CheckUnit(c, v[i], field + "[" + std::to_string(i) + "]", &id);
        if (!st) return st;
        if (!id) return Error::Validation(field, field + " must not contain null");
        if (std::find(out->begin(), out->end(), *id) == out->end()) out->push_back(*id);
    }
    return {};
}

core::Status CheckTargets(const Json& v, const std::string& field, Json* out) {
    if (!v.is_array()) return Error::Validation(field, field + " must be a list");
    if (v.size() > 100) return Error::Validation(field, field + " has more than 100 targets");
    *out = Json::array();
    for (size_t i = 0; i < v.size(); ++i) {
        std::string f = field + "[" + std::to_string(i) + "]";
        const auto& t = v[i];
        if (!t.is_object()) return Error::Validation(f, f + " must be an object");
        Json clean = Json::object();
        for (auto& [k, val] : t.items()) {
            if (k == "value" || k == "derived_value") {
                if (!val.is_number() && !val.is_null()) return Error::Validation(f + "." + k, f + "." + k + " must be a number");
                if (val.is_number() && !std::isfinite(val.get<double>()))
                    return Error::Validation(f + "." + k, f + "." + k + " must be finite");
                clean[k] = val;
            } else if (k == "indicator" || k == "unit" || k == "measure" || k == "period" ||
                       k == "text" || k == "basis" || k == "indicator_norm" || k == "id") {
                if (val.is_null()) continue;
                if (!val.is_string() && !(k == "id" && val.is_number_integer()))
                    return Error::Validation(f + "." + k, f + "." + k + " must be a string");
                if (val.is_string() && (!core::IsValidUtf8(val.get<std::string>()) ||
                                        core::Utf8Length(val.get<std::string>()) > 500))
                    return Error::Validation(f + "." + k, f + "." + k + " is not valid text of at most 500 characters");
                clean[k] = val;
            }  // other keys from the importer (offsets, ids) are not kept
        }
        if (!clean.contains("indicator") || clean["indicator"].get<std::string>().empty())
            return Error::Validation(f + ".indicator", f + ".indicator is required", "required");
        out->push_back(std::move(clean));
    }
    return {};
}

core::Status CheckObjects(const Json& v, const std::string& field, Json* out) {
    if (!v.is_array()) return Error::Validation(field, field + " must be a list of names");
    *out = Json::array();
    for (size_t i = 0; i < v.size() && i < 200; ++i) {
        std::string name;
        if (v[i].is_string()) name = v[i].get<std::string>();
        else if (v[i].is_object() && v[i].contains("name") && v[i]["name"].is_string()) name = v[i]["name"].get<std::string>();
        else return Error::Validation(field, field + "[" + std::to_string(i) + "] must be a name");
        if (!core::IsValidUtf8(name) || core::Utf8Length(name) > 200)
            return Error::Validation(field, field + "[" + std::to_string(i) + "] is not a valid name");
        out->push_back(name);
    }
    return {};
}

core::Status CheckMilestones(const Json& v, const std::string& field, Json* out) {
    if (!v.is_array()) return Error::Validation(field, field + " must be a list");
    if (v.size() > 50) return Error::Validation(field, field + " has more than 50 milestones");
    *out = Json::array();
    for (size_t i = 0; i < v.size(); ++i) {
        std::string f = field + "[" + std::to_string(i) + "]";
        if (!v[i].is_object()) return Error::Validation(f, f + " must be an object");
        std::optional<std::string> title;
        auto st = CheckText(v[i], f + ".title", true, 200, &title);
        if (!st) return st;
        std::optional<std::optional<std::string>> due;
        st = CheckDate(v[i], "due_date", f + ".due_date", &due);
        if (!st) return st;
        bool done = false;
        if (v[i].contains("done")) {
            if (!v[i]["done"].is_boolean()) return Error::Validation(f + ".done", f + ".done must be true or false");
            done = v[i]["done"].get<bool>();
        }
        Json m = {{"title", *title}, {"done", done}, {"due_date", nullptr}};
        if (due && *due) m["due_date"] = **due;
        out->push_back(std::move(m));
    }
    return {};
}

// ---- units, visibility
struct UnitCache {
    store::Conn& c;
    std::unordered_map<int64_t, std::optional<store::OrgUnit>> m;
    const std::optional<store::OrgUnit>& Get(int64_t id) {
        auto it = m.find(id);
        if (it != m.end()) return it->second;
        return m.emplace(id, store::FindOrg(c, id, core::Scope::All())).first->second;
    }
    Json Ref(std::optional<int64_t> id) {
        if (!id) return nullptr;
        const auto& u = Get(*id);
        if (!u) return nullptr;
        return {{"id", u->id}, {"name", u->name}};
    }
    bool InScope(int64_t id, const core::Scope& s) {
        const auto& u = Get(id);
        return u && s.Contains(u->path);
    }
};

bool LeadInScope(const PlanNodeRow& n, const Viewer& v, UnitCache& uc) {
    return n.lead_unit_id && uc.InScope(*n.lead_unit_id, v.scope);
}
bool DirectlyVisible(const PlanNodeRow& n, const Viewer& v, UnitCache& uc) {
    if (v.whole_plan) return true;
    if (LeadInScope(n, v, uc)) return true;
    for (auto id : n.co_units)
        if (uc.InScope(id, v.scope)) return true;
    return false;
}

Settings PlanSettings(const store::PlanRow& p) {
    auto s = Settings::FromJson(p.settings, Settings{});
    return s.ok() ? *s : Settings{};
}

std::vector<FollowupRow> OpenFollowups(store::Conn& c, int64_t node_id) {
    store::FollowupFilter f;
    f.node_id = node_id;
    f.state = "open";
    return store::ListFollowups(c, f);
}

Json WatchEntry(const char* kind, int64_t id, const std::optional<TimePoint>& at) {
    return {{"kind", kind}, {"id", id}, {"at", at ? Json(core::FormatUtc(*at)) : Json(nullptr)}};
}

/// Re-evaluates a task's light inside a write; emits an event when it changed. Returns the watch entry.
Json Relight(store::WriteTx& tx, PlanNodeRow& n, const Settings& s, const core::WorkCalendar& cal,
             bool persist) {
    if (n.kind != "task") return WatchEntry("node", n.id, std::nullopt);
    auto l = IsClosedStatus(n.status) ? Light{}
                                      : EvaluateTask(n, s, OpenFollowups(tx.conn(), n.id), tx.now_tp(), cal);
    if (l.light != n.light || l.Stored() != n.light_reason) {
        bool changed = l.light != n.light;
        std::string from = n.light;
        n.light = l.light;
        n.light_reason = l.Stored();
        if (persist) {
            n.updated_at = tx.now();
            store::UpdatePlanNode(tx.conn(), n);
            ++n.version;
        }
        if (changed)
            tx.Emit("plan.node.light", "plan_node", n.id,
                    {{"plan_id", n.plan_id}, {"number", n.number}, {"from", from}, {"to", l.light},
                     {"reason", ReasonsText(l.reasons)}});
    }
    return WatchEntry("node", n.id, IsClosedStatus(n.status) ? std::nullopt : l.next_check);
}

}  // namespace

// ---------------------------------------------------------------- settings
Json Settings::ToJson() const {
    return {{"report_cadence", report_cadence},
            {"report_due_workday", report_due_workday},
            {"report_grace_workdays", report_grace_workdays},
            {"yellow_share", yellow_share},
            {"followup_default_days", followup_default_days}};
}

Result<Settings> Settings::FromJson(const Json& j, const Settings& base) {
    if (!j.is_object()) return Error::Validation("settings", "settings must be an object");
    Settings s = base;
    for (auto& [k, v] : j.items()) {
        std::string f = "settings." + k;
        auto intIn = [&](int lo, int hi, int* out) -> core::Status {
            if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
                return Error::Validation(f, f + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
            *out = static_cast<int>(v.get<int64_t>());
            return {};
        };
        core::Status st;
        if (k == "report_cadence") {
            if (!v.is_string() || v.get<std::string>() != "monthly")
                return Error::Validation(f, f + " must be \"monthly\" (the only cadence so far)");
        } else if (k == "report_due_workday") st = intIn(1, 20, &s.report_due_workday);
        else if (k == "report_grace_workdays") st = intIn(0, 60, &s.report_grace_workdays);
        else if (k == "followup_default_days") st = intIn(1, 60, &s.followup_default_days);
        else if (k == "yellow_share") {
            if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() >= 1)
                return Error::Validation(f, f + " must be a share between 0 and 1, such as 0.8");
            s.yellow_share = v.get<double>();
        } else return Error::Validation(f, "unknown setting '" + k + "'", "unknown_field");
        if (!st) return st.error();
    }
    return s;
}

// ---------------------------------------------------------------- lights
std::optional<TimePoint> NextReportDue(const PlanNodeRow& n, const Settings& s, const core::WorkCalendar& cal) {
    if (n.kind != "task" || IsClosedStatus(n.status)) return std::nullopt;
    // D(y, m): end of office hours on the n-th working day of month m.
    auto deadline = [&](int y, int m) {
        while (m > 12) m -= 12, ++y;
        core::Date first{y, m, 1};
        core::Date day = cal.AddWorkdays(cal.AddWorkdays(first, 0), s.report_due_workday - 1);
        return core::LocalTime(day, EndOfDayMinute(cal));
    };
    if (n.last_report_at) {
        // A report answers the deadline of the window it falls in, (D(M-1), D(M)]; the next
        // one is due at D(M+1).
        TimePoint r = ParseAt(*n.last_report_at);
        core::Date rd = core::LocalDate(r);
        int m = rd.m;
        if (deadline(rd.y, m) < r) ++m;
        return deadline(rd.y, m + 1);
    }
    // Not reported yet: the first report is due in the month after activation (or start).
    core::Date bd = core::LocalDate(ParseAt(n.active_since));
    if (n.start_date) {
        auto sd = core::Date::Parse(*n.start_date);
        if (sd && *sd > bd) bd = *sd;
    }
    return deadline(bd.y, bd.m + 1);
}

std::string Light::Stored() const { return core::reasons::ToStored(reasons); }

namespace {
std::string ReasonWords(const Json& r) {
    using core::reasons::Num;
    using core::reasons::Str;
    auto at = [&](const Json& x) {
        TimePoint t;
        return core::ParseRfc3339(Str(x, "due"), &t) ? LocalText(t) : Str(x, "due");
    };
    const std::string code = Str(r, "code");
    if (code == "overdue") return "已超過完成時限（" + Str(r, "due_date") + "）";
    if (code == "behind_schedule") return "時間已過" + Num(r, "time_pct") + "%，完成" + Num(r, "done_pct") + "%";
    if (code == "report_overdue")
        return "進展報告逾期超過" + Num(r, "grace_workdays") + "個工作日（應於" + at(r) + "前報送）";
    if (code == "report_late") return "進展報告逾期（應於" + at(r) + "前報送）";
    if (code == "followup_overdue") return Str(r, "number") + " 逾期未回覆（回覆時限 " + at(r) + "）";
    if (code == "followup_due_soon") return Str(r, "number") + " 臨近回覆時限（" + at(r) + "）";
    return code;
}
}  // namespace

std::string ReasonsText(const Json& reasons) { return core::reasons::Text(reasons, ReasonWords); }
Json StoredReasons(const std::string& stored) { return core::reasons::FromStored(stored); }
std::string StoredReasonText(const std::string& stored) { return core::reasons::StoredText(stored, ReasonWords); }

Light EvaluateFollowup(const FollowupRow& f, const Settings& s, TimePoint now, const core::WorkCalendar& cal) {
    Light l;
    if (f.state != "open") return l;
    TimePoint issued = ParseAt(f.issued_at), due = ParseAt(f.reply_due);
    int64_t total = cal.WorkingSecondsBetween(issued, due);
    TimePoint yellow_at = cal.AddWorkingMinutes(issued, static_cast<int64_t>(std::floor(total * s.yellow_share / 60.0)));
    if (now > due) {
        l.light = "red";
        l.reasons.push_back({{"code", "followup_overdue"}, {"number", f.number}, {"due", core::FormatUtc(due)}});
    } else if (now >= yellow_at) {
        l.light = "yellow";
        l.reasons.push_back({{"code", "followup_due_soon"}, {"number", f.number}, {"due", core::FormatUtc(due)}});
        l.next_check = due + std::chrono::seconds(1);
    } else {
        l.next_check = yellow_at;
    }
    return l;
}

Light EvaluateTask(const PlanNodeRow& n, const Settings& s, const std::vector<FollowupRow>& followups,
                   TimePoint now, const core::WorkCalendar& cal) {
    Light best;
    std::vector<TimePoint> next;
    auto raise = [&](const std::string& light, Json reason) {
        if (LightRank(light) > LightRank(best.light)) {
            best.light = light;
            best.reasons = Json::array({std::move(reason)});
        } else if (LightRank(light) == LightRank(best.light) && light != "green") {
            best.reasons.push_back(std::move(reason));
        }
    };
    if (n.kind != "task" || IsClosedStatus(n.status)) return best;
    // The due date: red from the day after it.
    if (n.due_date) {
        if (auto d = core::Date::Parse(*n.due_date)) {
            TimePoint over = core::LocalTime(d->AddDays(1), 0);
            if (now >= over) raise("red", {{"code", "overdue"}, {"due_date", *n.due_date}});
            else next.push_back(over);
            // Progress behind time once the yellow share of the time is used.
            if (n.start_date) {
                if (auto sd = core::Date::Parse(*n.start_date); sd && *sd <= *d) {
                    TimePoint st = core::LocalTime(*sd, 0);
                    auto span = over - st;
                    TimePoint ya = st + std::chrono::duration_cast<std::chrono::system_clock::duration>(span * s.yellow_share);
                    if (now >= ya && now < over) {
                        double used = std::chrono::duration<double>(now - st).count() /
                                      std::chrono::duration<double>(span).count();
                        if (n.percent < used * 100.0 - 1e-9)
                            raise("yellow", {{"code", "behind_schedule"},
                                             {"time_pct", static_cast<int64_t>(used * 100)},
                                             {"done_pct", static_cast<int64_t>(n.percent)}});
                    } else if (now < ya) {
                        next.push_back(ya);
                    }
                }
            }
        }
    }
    // The monthly progress report.
    if (auto due = NextReportDue(n, s, cal)) {
        core::Date dd = core::LocalDate(*due);
        TimePoint red_at = core::LocalTime(cal.AddWorkdays(dd, s.report_grace_workdays), EndOfDayMinute(cal));
        if (now > red_at)
            raise("red", {{"code", "report_overdue"}, {"due", core::FormatUtc(*due)},
                          {"grace_workdays", static_cast<int64_t>(s.report_grace_workdays)}});
        else if (now > *due) {
            raise("yellow", {{"code", "report_late"}, {"due", core::FormatUtc(*due)}});
            next.push_back(red_at + std::chrono::seconds(1));
        } else {
            next.push_back(*due + std::chrono::seconds(1));
        }
    }
    // Open follow-up notices.
    for (const auto& f : followups) {
        auto fl = EvaluateFollowup(f, s, now, cal);
        if (fl.light != "green")
            for (auto& r : fl.reasons) raise(fl.light, r);
    }
    if (!next.empty()) best.next_check = *std::min_element(next.begin(), next.end());
    return best;
}

// ---------------------------------------------------------------- watch
void Watch::SetNode(int64_t id, std::optional<TimePoint> at) {
    std::lock_guard lk(mu_);
    if (at) nodes_.Set(id, *at);
    else nodes_.Remove(id);
}
void Watch::SetFollowup(int64_t id, std::optional<TimePoint> at) {
    std::lock_guard lk(mu_);
    if (at) followups_.Set(id, *at);
    else followups_.Remove(id);
}
Watch::Due Watch::PopDue(TimePoint now) {
    std::lock_guard lk(mu_);
    Due d;
    for (auto& [id, at] : nodes_.PopDue(now)) d.nodes.push_back(id);
    for (auto& [id, at] : followups_.PopDue(now)) d.followups.push_back(id);
    return d;
}
size_t Watch::size() const {
    std::lock_guard lk(mu_);
    return nodes_.size() + followups_.size();
}
void Watch::Apply(Json& result) {
    if (!result.is_object() || !result.contains("_watch")) return;
    for (auto& w : result["_watch"]) {
        std::optional<TimePoint> at;
        if (w["at"].is_string()) at = ParseAt(w["at"].get<std::string>());
        if (w["kind"] == "node") SetNode(w["id"].get<int64_t>(), at);
        else SetFollowup(w["id"].get<int64_t>(), at);
    }
    result.erase("_watch");
}

Watch::Due AllOpen(store::Conn& c) {
    Watch::Due d;
    for (auto& n : store::ListOpenTasks(c)) d.nodes.push_back(n.id);
    store::FollowupFilter f;
    f.state = "open";
    for (auto& x : store::ListFollowups(c, f)) d.followups.push_back(x.id);
    return d;
}

// ---------------------------------------------------------------- node JSON
namespace {

Json NodeJson(const PlanNodeRow& n, UnitCache& uc, const Settings& s, const core::WorkCalendar& cal,
              int64_t open_followups) {
    Json co = Json::array();
    for (auto id : n.co_units) {
        auto r = uc.Ref(id);
        if (!r.is_null()) co.push_back(r);
    }
    auto due = NextReportDue(n, s, cal);
    return {{"id", n.id},
            {"plan_id", n.plan_id},
            {"parent_id", n.parent_id ? Json(*n.parent_id) : Json(nullptr)},
            {"kind", n.kind},
            {"seq", n.seq},
            {"number", n.number},
            {"title", n.title},
            {"text", n.text},
            {"src_start", n.src_start ? Json(*n.src_start) : Json(nullptr)},
            {"src_end", n.src_end ? Json(*n.src_end) : Json(nullptr)},
            {"lead_unit", uc.Ref(n.lead_unit_id)},
            {"co_units", co},
            {"leader", n.leader},
            {"start_date", n.start_date ? Json(*n.start_date) : Json(nullptr)},
            {"due_date", n.due_date ? Json(*n.due_date) : Json(nullptr)},
            {"status", n.status},
            {"status_reason", n.status_reason},
            {"percent", n.percent},
            {"light", n.light},
            {"light_reason", StoredReasonText(n.light_reason)},
            {"light_reasons", StoredReasons(n.light_reason)},
            {"last_report_at", n.last_report_at ? Json(*n.last_report_at) : Json(nullptr)},
            {"next_report_due", due ? Json(core::FormatUtc(*due)) : Json(nullptr)},
            {"open_followups", open_followups},
            {"targets", n.targets},
            {"objects", n.objects},
            {"milestones", n.milestones},
            {"version", n.version}};
}

Json FollowupJson(const FollowupRow& f, UnitCache& uc) {
    return {{"id", f.id},
            {"plan_id", f.plan_id},
            {"node_id", f.node_id},
            {"number", f.number},
            {"content", f.content},
            {"to_unit", uc.Ref(f.to_unit_id)},
            {"issued_at", f.issued_at},
            {"issued_by", f.issued_by_name},
            {"reply_days", f.reply_days},
            {"reply_due", f.reply_due},
            {"state", f.state},
            {"light", f.light},
            {"replied_at", f.replied_at ? Json(*f.replied_at) : Json(nullptr)},
            {"reply_text", f.reply_text ? Json(*f.reply_text) : Json(nullptr)},
            {"replied_by", f.replied_by_name ? Json(*f.replied_by_name) : Json(nullptr)},
            {"escalated_at", f.escalated_at ? Json(*f.escalated_at) : Json(nullptr)}};
}

/// The nodes of a plan a viewer may see: those directly visible and their ancestors.
std::vector<const PlanNodeRow*> VisibleNodes(const std::vector<PlanNodeRow>& all, const Viewer& v, UnitCache& uc) {
    std::unordered_map<int64_t, const PlanNodeRow*> by_id;
    for (auto& n : all) by_id[n.id] = &n;
    std::set<int64_t> keep;
    for (auto& n : all) {
        if (!DirectlyVisible(n, v, uc)) continue;
        for (const PlanNodeRow* p = &n; p; p = p->parent_id ? by_id[*p->parent_id] : nullptr)
            if (!keep.insert(p->id).second) break;
    }
    std::vector<const PlanNodeRow*> out;
    for (auto& n : all)
        if (keep.count(n.id)) out.push_back(&n);
    return out;
}

}  // namespace

std::vector<const PlanNodeRow*> VisibleNodes(store::Conn& c, const std::vector<PlanNodeRow>& all, const Viewer& v) {
    UnitCache uc{c, {}};
    return VisibleNodes(all, v, uc);
}

namespace {

Result<store::PlanRow> LoadPlan(store::Conn& c, int64_t id) {
    auto p = store::FindPlan(c, id);
    if (!p) return Error::NotFound("plan", id);
    return *p;
}

/// Finds a node the viewer may see (else not found, as if it did not exist).
Result<PlanNodeRow> LoadVisibleNode(store::Conn& c, int64_t id, const Viewer& v, UnitCache& uc) {
    auto n = store::FindPlanNode(c, id);
    if (!n) return Error::NotFound("plan node", id);
    if (v.whole_plan) return *n;
    auto all = store::ListPlanNodes(c, n->plan_id);
    for (auto* p : VisibleNodes(all, v, uc))
        if (p->id == id) return *n;
    return Error::NotFound("plan node", id);
}

}  // namespace

// ---------------------------------------------------------------- create
Result<Json> CreatePlan(store::WriteTx& tx, const Json& body, const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    std::optional<std::string> title, source, encoding;
    if (auto st = CheckText(body, "title", true, 200, &title); !st) return st.error();
    if (!body.contains("year") || !body["year"].is_number_integer() || body["year"].get<int64_t>() < 2000 ||
        body["year"].get<int64_t>() > 2100)
        return Error::Validation("year", "year must be a year from 2000 to 2100");
    int64_t year = body["year"].get<int64_t>();
    if (body.contains("source")) {
        if (!body["source"].is_string() || !core::IsValidUtf8(body["source"].get<std::string>()))
            return Error::Validation("source", "source must be UTF-8 text");
        if (body["source"].get<std::string>().size() > kMaxSource)
            return Error::Validation("source", "source is longer than 4 MB");
        source = body["source"].get<std::string>();
    }
    if (auto st = CheckText(body, "encoding", false, 40, &encoding); !st) return st.error();
    Settings settings;
    if (body.contains("settings")) {
        auto s = Settings::FromJson(body["settings"], settings);
        if (!s) return s.error();
        settings = *s;
    }
    for (auto& [k, v] : body.items())
        if (k != "title" && k != "year" && k != "source" && k != "encoding" && k != "settings" && k != "nodes")
            return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    if (!body.contains("nodes") || !body["nodes"].is_array() || body["nodes"].empty())
        return Error::Validation("nodes", "nodes must be a non-empty list of key works", "required");
    size_t src_len = source ? core::Utf8Length(*source) : 0;

    // Validate everything first, into rows with parent indexes.
    struct Pending {
        PlanNodeRow row;
        int parent = -1;
    };
    std::vector<Pending> rows;
    std::string default_start = std::to_string(year) + "-01-01", default_due = std::to_string(year) + "-12-31";
    std::function<core::Status(const Json&, const std::string&, int, const std::string&, const std::string&)> walk;
    walk = [&](const Json& list, const std::string& path, int parent, const std::string& parent_kind,
               const std::string& parent_number) -> core::Status {
        if (!list.is_array()) return Error::Validation(path, path + " must be a list");
        int index = 0;
        for (size_t i = 0; i < list.size(); ++i) {
            std::string f = path + "[" + std::to_string(i) + "]";
            const auto& j = list[i];
            if (!j.is_object()) return Error::Validation(f, f + " must be an object");
            if (rows.size() >= kMaxNodes)
                return Error::Validation(f, "a plan has at most " + std::to_string(kMaxNodes) + " nodes");
            for (auto& [k, v] : j.items()) {
                static const std::set<std::string> known = {
                    "kind", "title", "text", "start", "end", "lead_unit_id", "co_unit_ids", "leader",
                    "start_date", "due_date", "targets", "objects", "children", "milestones",
                    "quantities", "lead_unit_suggestions", "id", "status", "number", "quantity_ids", "level",
                    "suggested_units", "object_details"};
                if (!known.count(k)) return Error::Validation(f + "." + k, "unknown field '" + k + "'", "unknown_field");
            }
            Pending p;
            auto& n = p.row;
            p.parent = parent;
            if (!j.contains("kind") || !j["kind"].is_string())
                return Error::Validation(f + ".kind", f + ".kind is required: key_work, item or task", "required");
            n.kind = j["kind"].get<std::string>();
            if (n.kind != "key_work" && n.kind != "item" && n.kind != "task")
                return Error::Validation(f + ".kind", f + ".kind must be key_work, item or task");
            if (parent_kind.empty() && n.kind != "key_work")
                return Error::Validation(f + ".kind", f + " is at the top: it must be a key_work");
            if (parent_kind == "key_work" && n.kind == "key_work")
                return Error::Validation(f + ".kind", f + ": a key work cannot sit under a key work");
            if (parent_kind == "item" && n.kind != "task")
                return Error::Validation(f + ".kind", f + ": only tasks sit under an item");
            std::optional<std::string> t;
            if (auto st = CheckText(j, f + ".title", true, kMaxTitle, &t); !st) return st;
            n.title = *t;
            t.reset();
            if (auto st = CheckText(j, f + ".text", false, kMaxText, &t); !st) return st;
            n.text = t.value_or(n.title);
            for (const char* key : {"start", "end"}) {
                if (!j.contains(key) || j[key].is_null()) continue;
                if (!j[key].is_number_integer() || j[key].get<int64_t>() < 0 ||
                    static_cast<size_t>(j[key].get<int64_t>()) > src_len)
                    return Error::Validation(f + "." + key, f + "." + key + " must be an offset into source (0 to " + std::to_string(src_len) + ")");
                (std::string(key) == "start" ? n.src_start : n.src_end) = j[key].get<int64_t>();
            }
            if (n.src_start.has_value() != n.src_end.has_value() || (n.src_start && *n.src_start > *n.src_end))
                return Error::Validation(f + ".end", f + ": start and end must both be given, start <= end");
            if (j.contains("lead_unit_id"))
                if (auto st = CheckUnit(c, j["lead_unit_id"], f + ".lead_unit_id", &n.lead_unit_id); !st) return st;
            if (j.contains("co_unit_ids"))
                if (auto st = CheckUnits(c, j["co_unit_ids"], f + ".co_unit_ids", &n.co_units); !st) return st;
            std::optional<std::string> leader;
            if (auto st = CheckText(j, f + ".leader", false, kMaxLeader, &leader); !st) return st;
            n.leader = leader.value_or("");
            std::optional<std::optional<std::string>> sd, dd;
            if (auto st = CheckDate(j, "start_date", f + ".start_date", &sd); !st) return st;
            if (auto st = CheckDate(j, "due_date", f + ".due_date", &dd); !st) return st;
            if (n.kind == "task") {
                n.start_date = sd ? *sd : std::optional<std::string>(default_start);
                n.due_date = dd ? *dd : std::optional<std::string>(default_due);
            } else {
                if (sd) n.start_date = *sd;
                if (dd) n.due_date = *dd;
            }
            if (n.start_date && n.due_date && *n.start_date > *n.due_date)
                return Error::Validation(f + ".due_date", f + ".due_date is before its start_date");
            if (j.contains("targets"))
                if (auto st = CheckTargets(j["targets"], f + ".targets", &n.targets); !st) return st;
            if (j.contains("objects"))
                if (auto st = CheckObjects(j["objects"], f + ".objects", &n.objects); !st) return st;
            if (j.contains("milestones"))
                if (auto st = CheckMilestones(j["milestones"], f + ".milestones", &n.milestones); !st) return st;
            if (n.kind == "task" && j.contains("children") && j["children"].is_array() && !j["children"].empty())
                return Error::Validation(f + ".children", f + " is a task: a task has no children");
            n.status = "未啟動";
            n.number = parent_number.empty() ? std::to_string(++index) : parent_number + "." + std::to_string(++index);
            rows.push_back(std::move(p));
            int me = static_cast<int>(rows.size()) - 1;
            if (j.contains("children") && !j["children"].is_null()) {
                // Copies: the recursion appends to rows, which may move them.
                std::string kind = rows[me].row.kind, number = rows[me].row.number;
                if (auto st = walk(j["children"], f + ".children", me, kind, number); !st) return st;
            }
        }
        return {};
    };
    if (auto st = walk(body["nodes"], "nodes", -1, "", ""); !st) return st.error();

    store::PlanRow plan;
    plan.title = *title;
    plan.year = year;
    plan.source = source.value_or("");
    plan.encoding = encoding.value_or("");
    plan.settings = settings.ToJson();
    plan.created_at = plan.updated_at = tx.now();
    plan.created_by = tx.actor().user_id;
    int64_t plan_id = store::InsertPlan(c, plan);
    int64_t next_id = store::NextPlanNodeId(c);
    Json counts = {{"key_works", 0}, {"items", 0}, {"tasks", 0}, {"targets", 0}};
    Json watch = Json::array();
    for (size_t i = 0; i < rows.size(); ++i) {
        auto& n = rows[i].row;
        n.id = next_id + static_cast<int64_t>(i);
        n.plan_id = plan_id;
        n.seq = static_cast<int64_t>(i) + 1;
        if (rows[i].parent >= 0) n.parent_id = rows[rows[i].parent].row.id;
        n.active_since = n.created_at = n.updated_at = tx.now();
        if (n.kind == "task") {
            auto l = EvaluateTask(n, settings, {}, tx.now_tp(), cal);
            n.light = l.light;
            n.light_reason = l.Stored();
            watch.push_back(WatchEntry("node", n.id, l.next_check));
        }
        store::InsertPlanNode(c, n);
        counts[n.kind == "key_work" ? "key_works" : n.kind == "item" ? "items" : "tasks"] =
            counts[n.kind == "key_work" ? "key_works" : n.kind == "item" ? "items" : "tasks"].get<int>() + 1;
        counts["targets"] = counts["targets"].get<int>() + static_cast<int>(n.targets.size());
    }
    tx.Emit("plan.created", "plan", plan_id,
            {{"title", plan.title}, {"year", year}, {"counts", counts}, {"source_sha256", core::Sha256Hex(plan.source)}});
    return Json{{"id", plan_id}, {"title", plan.title}, {"year", year}, {"counts", counts}, {"_watch", watch}};
}

Result<Json> PatchPlan(store::WriteTx& tx, int64_t id, const Json& body) {
    auto p = LoadPlan(tx.conn(), id);
    if (!p) return p.error();
    Json changed = Json::object();
    for (auto& [k, v] : body.items()) {
        if (k == "title") {
            std::optional<std::string> t;
            if (auto st = CheckText(body, "title", true, 200, &t); !st) return st.error();
            p->title = *t;
            changed["title"] = *t;
        } else if (k == "settings") {
            auto s = Settings::FromJson(v, PlanSettings(*p));
            if (!s) return s.error();
            p->settings = s->ToJson();
            changed["settings"] = p->settings;
        } else {
            return Error::Validation(k, "unknown field '" + k + "'; a plan's title and settings can change", "unknown_field");
        }
    }
    p->updated_at = tx.now();
    store::UpdatePlan(tx.conn(), *p);
    tx.Emit("plan.updated", "plan", id, changed);
    auto out = GetPlan(tx.conn(), id, Viewer{true, core::Scope::All(), {}, {}, {}}, false);
    if (!out) return out.error();
    // A settings change can move every task's light: re-check them all at the next sweep.
    Json watch = Json::array();
    for (auto& n : store::ListPlanNodes(tx.conn(), id))
        if (n.kind == "task" && !IsClosedStatus(n.status)) watch.push_back(WatchEntry("node", n.id, tx.now_tp()));
    (*out)["_watch"] = watch;
    return *out;
}

Result<Json> PatchNode(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v,
                       const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    UnitCache uc{c, {}};
    auto nr = LoadVisibleNode(c, id, v, uc);
    if (!nr) return nr.error();
    PlanNodeRow n = *nr;
    auto plan = LoadPlan(c, n.plan_id);
    if (!plan) return plan.error();
    if (body.contains("version")) {
        if (!body["version"].is_number_integer()) return Error::Validation("version", "version must be a number");
        if (body["version"].get<int64_t>() != n.version)
            return Error::Conflict("version_conflict", "this task was changed by someone else (version " +
                                                           std::to_string(n.version) + "); reload it", "version");
    }
    Json before = Json::object(), after = Json::object();
    for (auto& [k, val] : body.items()) {
        if (k == "version") continue;
        if (k == "title" || k == "text" || k == "leader" || k == "status_reason") {
            std::optional<std::string> t;
            size_t max = k == "title" ? kMaxTitle : k == "leader" ? kMaxLeader : kMaxText;
            if (auto st = CheckText(body, k, k == "title", max, &t); !st) return st.error();
            std::string& dst = k == "title" ? n.title : k == "text" ? n.text : k == "leader" ? n.leader : n.status_reason;
            before[k] = dst;
            dst = t.value_or("");
        } else if (k == "lead_unit_id") {
            before[k] = n.lead_unit_id ? Json(*n.lead_unit_id) : Json(nullptr);
            if (auto st = CheckUnit(c, val, k, &n.lead_unit_id); !st) return st.error();
        } else if (k == "co_unit_ids") {
            before[k] = n.co_units;
            if (auto st = CheckUnits(c, val, k, &n.co_units); !st) return st.error();
        } else if (k == "start_date" || k == "due_date") {
            std::optional<std::optional<std::string>> d;
            if (auto st = CheckDate(body, k, k, &d); !st) return st.error();
            auto& dst = k == "start_date" ? n.start_date : n.due_date;
            before[k] = dst ? Json(*dst) : Json(nullptr);
            dst = *d;
        } else if (k == "status") {
            if (!val.is_string() || !IsStatus(val.get<std::string>()))
                return Error::Validation("status", "status must be one of " + StatusList());
            before[k] = n.status;
            n.status = val.get<std::string>();
        } else if (k == "percent") {
            if (!val.is_number_integer() || val.get<int64_t>() < 0 || val.get<int64_t>() > 100)
                return Error::Validation("percent", "percent must be a whole number from 0 to 100");
            before[k] = n.percent;
            n.percent = val.get<int64_t>();
        } else if (k == "milestones") {
            before[k] = n.milestones;
            if (auto st = CheckMilestones(val, k, &n.milestones); !st) return st.error();
        } else if (k == "targets") {
            before[k] = n.targets;
            if (auto st = CheckTargets(val, k, &n.targets); !st) return st.error();
        } else {
            return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
        }
    }
    if (n.start_date && n.due_date && *n.start_date > *n.due_date)
        return Error::Validation("due_date", "due_date is before start_date");
    if (n.status == "無法完成" && core::Trim(n.status_reason).empty())
        return Error::Validation("status_reason", "a task that cannot be completed needs a reason (status_reason)", "required");
    for (auto& [k, val] : body.items())
        if (k != "version") {
            if (k == "lead_unit_id") after[k] = n.lead_unit_id ? Json(*n.lead_unit_id) : Json(nullptr);
            else if (k == "co_unit_ids") after[k] = n.co_units;
            else after[k] = val;
        }
    n.updated_at = tx.now();
    store::UpdatePlanNode(c, n);
    ++n.version;
    tx.Emit("plan.node.updated", "plan_node", id, {{"plan_id", n.plan_id}, {"number", n.number}, {"before", before}, {"after", after}});
    Json w = Relight(tx, n, PlanSettings(*plan), cal, true);
    Json out = NodeJson(n, uc, PlanSettings(*plan), cal, static_cast<int64_t>(OpenFollowups(c, id).size()));
    out["_watch"] = Json::array({w});
    return out;
}

Result<Json> AddReport(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v,
                       const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    UnitCache uc{c, {}};
    auto nr = LoadVisibleNode(c, node_id, v, uc);
    if (!nr) return nr.error();
    PlanNodeRow n = *nr;
    if (n.kind != "task") return Error::Validation("node_id", "progress is reported on tasks, not on a " + n.kind, "not_a_task");
    if (!LeadInScope(n, v, uc))
        return Error::Forbidden("only the lead unit of this task reports its progress");
    for (auto& [k, val] : body.items())
        if (k != "text" && k != "percent" && k != "status" && k != "status_reason")
            return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    std::optional<std::string> text, reason;
    if (auto st = CheckText(body, "text", true, kMaxText, &text); !st) return st.error();
    if (!body.contains("percent") || body["percent"].is_null())
        return Error::Validation("percent", "percent is required (a whole number from 0 to 100)", "required");
    if (!body["percent"].is_number_integer() || body["percent"].get<int64_t>() < 0 || body["percent"].get<int64_t>() > 100)
        return Error::Validation("percent", "percent must be a whole number from 0 to 100", "out_of_range");
    std::string status = "推進中";
    if (body.contains("status")) {
        if (!body["status"].is_string() || !IsStatus(body["status"].get<std::string>()) || body["status"] == "未啟動")
            return Error::Validation("status", "status must be one of 推進中, 已完成, 滯後, 無法完成");
        status = body["status"].get<std::string>();
    }
    if (auto st = CheckText(body, "status_reason", false, kMaxText, &reason); !st) return st.error();
    if (status == "無法完成" && (!reason || reason->empty()))
        return Error::Validation("status_reason", "a task that cannot be completed needs a reason (status_reason)", "required");
    int64_t percent = body["percent"].get<int64_t>();
    if (status == "已完成") percent = 100;
    store::PlanReportRow r;
    r.node_id = node_id;
    r.text = *text;
    r.percent = percent;
    r.status = status;
    r.at = tx.now();
    r.by_user = tx.actor().user_id;
    r.by_name = v.name.empty() ? tx.actor().name : v.name;
    // The reason goes with the report that gives it, and is the task's while it stays 无法完成 or
    // 滞后; a later report that says the task moves again clears it (it no longer holds), even if a
    // client sent one along.
    if (reason && (status == "無法完成" || status == "滯後")) r.reason = *reason;
    r.id = store::InsertPlanReport(c, r);
    n.percent = percent;
    n.status = status;
    n.status_reason = r.reason;
    n.last_report_at = tx.now();
    n.updated_at = tx.now();
    store::UpdatePlanNode(c, n);
    ++n.version;
    tx.Emit("plan.report", "plan_node", node_id,
            {{"plan_id", n.plan_id}, {"number", n.number}, {"report_id", r.id}, {"percent", percent}, {"status", status}});
    auto plan = LoadPlan(c, n.plan_id);
    Json w = Relight(tx, n, PlanSettings(*plan), cal, true);
    Json out = {{"id", r.id}, {"node_id", node_id}, {"text", r.text}, {"percent", percent},
                {"status", status}, {"reason", r.reason}, {"at", r.at}, {"by", r.by_name},
                {"node", NodeJson(n, uc, PlanSettings(*plan), cal, static_cast<int64_t>(OpenFollowups(c, node_id).size()))}};
    out["_watch"] = Json::array({w});
    return out;
}

Result<Json> AddComment(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    UnitCache uc{c, {}};
    auto nr = LoadVisibleNode(c, node_id, v, uc);
    if (!nr) return nr.error();
    for (auto& [k, val] : body.items())
        if (k != "text") return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    std::optional<std::string> text;
    if (auto st = CheckText(body, "text", true, kMaxText, &text); !st) return st.error();
    store::PlanCommentRow r;
    r.node_id = node_id;
    r.text = *text;
    r.at = tx.now();
    r.by_user = tx.actor().user_id;
    r.by_name = v.name.empty() ? tx.actor().name : v.name;
    r.id = store::InsertPlanComment(c, r);
    tx.Emit("plan.comment", "plan_node", node_id, {{"plan_id", nr->plan_id}, {"comment_id", r.id}});
    return Json{{"id", r.id}, {"node_id", node_id}, {"text", r.text}, {"at", r.at}, {"by", r.by_name}};
}

Result<Json> IssueFollowup(store::WriteTx& tx, int64_t node_id, const Json& body, const Viewer& v,
                           const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    UnitCache uc{c, {}};
    auto nr = LoadVisibleNode(c, node_id, v, uc);
    if (!nr) return nr.error();
    PlanNodeRow n = *nr;
    if (n.kind != "task") return Error::Validation("node_id", "a follow-up notice is issued on a task", "not_a_task");
    if (IsClosedStatus(n.status)) return Error::Conflict("task_closed", "this task is " + n.status + "; nothing to follow up");
    if (!n.lead_unit_id) return Error::Validation("lead_unit_id", "assign the task's lead unit before issuing a follow-up notice", "no_lead_unit");
    auto plan = LoadPlan(c, n.plan_id);
    if (!plan) return plan.error();
    Settings s = PlanSettings(*plan);
    for (auto& [k, val] : body.items())
        if (k != "content" && k != "reply_days") return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    std::optional<std::string> content;
    if (auto st = CheckText(body, "content", true, kMaxText, &content); !st) return st.error();
    int64_t days = s.followup_default_days;
    if (body.contains("reply_days")) {
        if (!body["reply_days"].is_number_integer() || body["reply_days"].get<int64_t>() < 1 || body["reply_days"].get<int64_t>() > 60)
            return Error::Validation("reply_days", "reply_days must be a whole number of working days from 1 to 60");
        days = body["reply_days"].get<int64_t>();
    }
    FollowupRow f;
    f.plan_id = n.plan_id;
    f.node_id = node_id;
    f.year = core::LocalDate(tx.now_tp()).y;
    f.serial = store::NextFollowupSerial(c, f.year);
    f.number = "督辦〔" + std::to_string(f.year) + "〕" + std::to_string(f.serial) + "號";
    f.content = *content;
    f.to_unit_id = n.lead_unit_id;
    f.issued_at = tx.now();
    f.issued_by = tx.actor().user_id;
    f.issued_by_name = v.name.empty() ? tx.actor().name : v.name;
    f.reply_days = days;
    f.reply_due = core::FormatUtc(cal.AddWorkdaysDeadline(tx.now_tp(), static_cast<int>(days)));
    auto l = EvaluateFollowup(f, s, tx.now_tp(), cal);
    f.light = l.light;
    f.id = store::InsertFollowup(c, f);
    tx.Emit("plan.followup.issued", "plan_followup", f.id,
            {{"plan_id", f.plan_id}, {"node_id", node_id}, {"number", f.number}, {"to_unit_id", *f.to_unit_id},
             {"reply_due", f.reply_due}});
    Json wn = Relight(tx, n, s, cal, true);
    Json out = FollowupJson(f, uc);
    out["_watch"] = Json::array({WatchEntry("followup", f.id, l.next_check), wn});
    return out;
}

Result<Json> ReplyFollowup(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v,
                           const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    UnitCache uc{c, {}};
    auto f = store::FindFollowup(c, id);
    if (!f) return Error::NotFound("follow-up notice", id);
    bool mine = f->to_unit_id && uc.InScope(*f->to_unit_id, v.scope);
    if (!mine) {
        if (v.whole_plan) return Error::Forbidden("only the unit the notice was sent to replies to it");
        return Error::NotFound("follow-up notice", id);
    }
    if (f->state != "open") return Error::Conflict("already_replied", f->number + " was already replied to");
    for (auto& [k, val] : body.items())
        if (k != "text") return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    std::optional<std::string> text;
    if (auto st = CheckText(body, "text", true, kMaxText, &text); !st) return st.error();
    bool late = tx.now_tp() > ParseAt(f->reply_due);
    f->state = "replied";
    f->replied_at = tx.now();
    f->reply_text = *text;
    f->replied_by_name = v.name.empty() ? tx.actor().name : v.name;
    f->light = "green";
    store::UpdateFollowup(c, *f);
    tx.Emit("plan.followup.replied", "plan_followup", id, {{"number", f->number}, {"late", late}});
    auto n = store::FindPlanNode(c, f->node_id);
    auto plan = LoadPlan(c, f->plan_id);
    Json watch = Json::array({WatchEntry("followup", id, std::nullopt)});
    if (n && plan) watch.push_back(Relight(tx, *n, PlanSettings(*plan), cal, true));
    Json out = FollowupJson(*f, uc);
    out["late"] = late;
    out["_watch"] = watch;
    return out;
}

Result<Json> Sweep(store::WriteTx& tx, const Watch::Due& due, const core::WorkCalendar& cal) {
    auto& c = tx.conn();
    Json watch = Json::array();
    std::set<int64_t> nodes(due.nodes.begin(), due.nodes.end());
    int changed = 0, escalated = 0;
    std::unordered_map<int64_t, Settings> settings;
    auto settingsOf = [&](int64_t plan_id) -> Settings {
        auto it = settings.find(plan_id);
        if (it != settings.end()) return it->second;
        auto p = store::FindPlan(c, plan_id);
        return settings[plan_id] = p ? PlanSettings(*p) : Settings{};
    };
    for (int64_t id : due.followups) {
        auto f = store::FindFollowup(c, id);
        if (!f || f->state != "open") {
            watch.push_back(WatchEntry("followup", id, std::nullopt));
            continue;
        }
        auto l = EvaluateFollowup(*f, settingsOf(f->plan_id), tx.now_tp(), cal);
        if (l.light != f->light) {
            std::string from = f->light;
            f->light = l.light;
            Json payload = {{"number", f->number}, {"from", from}, {"to", l.light}, {"reason", ReasonsText(l.reasons)}};
            if (l.light == "red" && !f->escalated_at) {
                f->escalated_at = tx.now();
                auto n = store::FindPlanNode(c, f->node_id);
                tx.Emit("plan.escalated", "plan_followup", id,
                        {{"number", f->number}, {"node_id", f->node_id}, {"leader", n ? n->leader : ""},
                         {"reason", ReasonsText(l.reasons)}});
                ++escalated;
            }
            store::UpdateFollowup(c, *f);
            tx.Emit("plan.followup.light", "plan_followup", id, payload);
            ++changed;
            nodes.insert(f->node_id);
        }
        watch.push_back(WatchEntry("followup", id, l.next_check));
    }
    for (int64_t id : nodes) {
        auto n = store::FindPlanNode(c, id);
        if (!n || n->kind != "task") {
            watch.push_back(WatchEntry("node", id, std::nullopt));
            continue;
        }
        std::string before = n->light;
        watch.push_back(Relight(tx, *n, settingsOf(n->plan_id), cal, true));
        if (n->light != before) ++changed;
    }
    return Json{{"evaluated", due.nodes.size() + due.followups.size()}, {"changed", changed},
                {"escalated", escalated}, {"_watch", watch}};
}

// ---------------------------------------------------------------- reads
namespace {
Json CountsOf(const std::vector<const PlanNodeRow*>& nodes) {
    Json counts = {{"key_works", 0}, {"items", 0}, {"tasks", 0}, {"targets", 0}};
    Json status = Json::object(), lights = {{"green", 0}, {"yellow", 0}, {"red", 0}};
    for (auto& s : kStatuses) status[s] = 0;
    for (auto* n : nodes) {
        const char* k = n->kind == "key_work" ? "key_works" : n->kind == "item" ? "items" : "tasks";
        counts[k] = counts[k].get<int>() + 1;
        if (n->targets.is_array()) counts["targets"] = counts["targets"].get<int>() + static_cast<int>(n->targets.size());
        if (n->kind == "task") {
            status[n->status] = status[n->status].get<int>() + 1;
            lights[n->light] = lights[n->light].get<int>() + 1;
        }
    }
    return {{"counts", counts}, {"status_counts", status}, {"lights", lights}};
}
}  // namespace

Json ListPlans(store::Conn& c, const Viewer& v) {
    UnitCache uc{c, {}};
    Json items = Json::array();
    for (auto& p : store::ListPlans(c)) {
        auto all = store::ListPlanNodes(c, p.id);
        auto vis = VisibleNodes(all, v, uc);
        if (!v.whole_plan && vis.empty()) continue;
        Json j = CountsOf(vis);
        j["id"] = p.id;
        j["title"] = p.title;
        j["year"] = p.year;
        j["created_at"] = p.created_at;
        items.push_back(std::move(j));
    }
    int64_t n = static_cast<int64_t>(items.size());
    return {{"items", items}, {"total", n}, {"page", 1}, {"per_page", std::max<int64_t>(n, 1)}};
}

Result<Json> GetPlan(store::Conn& c, int64_t id, const Viewer& v, bool with_source) {
    auto p = store::FindPlan(c, id, with_source);
    if (!p) return Error::NotFound("plan", id);
    UnitCache uc{c, {}};
    auto all = store::ListPlanNodes(c, id);
    auto vis = VisibleNodes(all, v, uc);
    if (!v.whole_plan && vis.empty()) return Error::NotFound("plan", id);
    Json j = CountsOf(vis);
    j["id"] = p->id;
    j["title"] = p->title;
    j["year"] = p->year;
    j["encoding"] = p->encoding;
    j["created_at"] = p->created_at;
    j["updated_at"] = p->updated_at;
    j["version"] = p->version;
    j["settings"] = PlanSettings(*p).ToJson();
    if (with_source) j["source"] = p->source;
    return j;
}

Result<Json> ListNodes(store::Conn& c, int64_t plan_id, const NodeFilter& f, const Viewer& v,
                       const core::WorkCalendar& cal) {
    auto p = store::FindPlan(c, plan_id);
    if (!p) return Error::NotFound("plan", plan_id);
    UnitCache uc{c, {}};
    auto all = store::ListPlanNodes(c, plan_id);
    auto vis = VisibleNodes(all, v, uc);
    if (!v.whole_plan && vis.empty()) return Error::NotFound("plan", plan_id);
    Settings s = PlanSettings(*p);
    std::unordered_map<int64_t, const PlanNodeRow*> by_id;
    for (auto* n : vis) by_id[n->id] = n;
    std::unordered_map<int64_t, int64_t> open_f;
    store::FollowupFilter ff;
    ff.plan_id = plan_id;
    ff.state = "open";
    for (auto& x : store::ListFollowups(c, ff)) ++open_f[x.node_id];
    auto key_work_of = [&](const PlanNodeRow* n) {
        while (n && n->parent_id && by_id.count(*n->parent_id)) n = by_id[*n->parent_id];
        return n ? n->id : 0;
    };
    bool filtering = f.unit_id || f.key_work_id || !f.status.empty() || !f.light.empty() || !f.q.empty() || f.mine;
    const std::string q_simplified = core::ToSimplified(f.q);  // 节点 finds 節點
    std::set<int64_t> keep;
    for (auto* n : vis) {
        bool match = true;
        if (filtering) {
            if (n->kind != "task") match = false;
            if (f.unit_id && !(n->lead_unit_id == f.unit_id ||
                               std::find(n->co_units.begin(), n->co_units.end(), *f.unit_id) != n->co_units.end()))
                match = false;
            if (f.key_work_id && key_work_of(n) != *f.key_work_id) match = false;
            if (!f.status.empty() && n->status != f.status) match = false;
            if (!f.light.empty() && n->light != f.light) match = false;
            if (!f.q.empty() && !core::ContainsZh(n->title, f.q, q_simplified) &&
                !core::ContainsZh(n->text, f.q, q_simplified) && n->number != f.q)
                match = false;
            if (f.mine) {
                bool m = false;
                auto mineUnit = [&](int64_t id) { return std::find(v.units.begin(), v.units.end(), id) != v.units.end() || uc.InScope(id, v.scope); };
                if (n->lead_unit_id && mineUnit(*n->lead_unit_id)) m = true;
                for (auto id : n->co_units) m = m || mineUnit(id);
                if (!m) match = false;
            }
        }
        if (!match) continue;
        for (const PlanNodeRow* x = n; x; x = x->parent_id && by_id.count(*x->parent_id) ? by_id[*x->parent_id] : nullptr)
            if (!keep.insert(x->id).second) break;
    }
    Json items = Json::array();
    for (auto* n : vis)
        if (keep.count(n->id)) items.push_back(NodeJson(*n, uc, s, cal, open_f[n->id]));
    int64_t total = static_cast<int64_t>(items.size());
    return Json{{"items", items}, {"total", total}};
}

Json MyTasks(store::Conn& c, const Viewer& v, const core::WorkCalendar& cal) {
    Json items = Json::array();
    NodeFilter f;
    f.mine = true;
    for (auto& p : store::ListPlans(c)) {
        auto r = ListNodes(c, p.id, f, v, cal);
        if (!r) continue;
        for (auto& n : (*r)["items"])
            if (n["kind"] == "task") {
                n["plan_title"] = p.title;
                items.push_back(n);
            }
    }
    store::FollowupFilter ff;
    ff.state = "open";
    Json fu = ListFollowups(c, ff, "", v);
    Json mine = Json::array();
    UnitCache uc{c, {}};
    for (auto& x : fu["items"])
        if (x["to_unit"].is_object() && uc.InScope(x["to_unit"]["id"].get<int64_t>(), v.scope)) mine.push_back(x);
    int64_t total = static_cast<int64_t>(items.size());
    return {{"items", items}, {"total", total}, {"followups", mine}};
}

Result<Json> GetNode(store::Conn& c, int64_t id, const Viewer& v, const core::WorkCalendar& cal) {
    UnitCache uc{c, {}};
    auto n = LoadVisibleNode(c, id, v, uc);
    if (!n) return n.error();
    auto p = store::FindPlan(c, n->plan_id);
    Settings s = p ? PlanSettings(*p) : Settings{};
    store::FollowupFilter ff;
    ff.node_id = id;
    auto fus = store::ListFollowups(c, ff);
    int64_t open = 0;
    Json fj = Json::array();
    for (auto& x : fus) {
        open += x.state == "open";
        fj.push_back(FollowupJson(x, uc));
    }
    Json j = NodeJson(*n, uc, s, cal, open);
    Json reports = Json::array(), comments = Json::array();
    for (auto& r : store::ListPlanReports(c, id))
        reports.push_back({{"id", r.id}, {"text", r.text}, {"percent", r.percent}, {"status", r.status},
                           {"reason", r.reason}, {"at", r.at}, {"by", r.by_name}});
    for (auto& r : store::ListPlanComments(c, id))
        comments.push_back({{"id", r.id}, {"text", r.text}, {"at", r.at}, {"by", r.by_name}});
    j["reports"] = reports;
    j["comments"] = comments;
    j["followups"] = fj;
    j["plan_title"] = p ? p->title : "";
    // The path of titles from the key work down, for print views.
    Json path = Json::array();
    for (auto cur = n->parent_id; cur;) {
        auto pn = store::FindPlanNode(c, *cur);
        if (!pn) break;
        path.insert(path.begin(), Json{{"id", pn->id}, {"number", pn->number}, {"title", pn->title}});
        cur = pn->parent_id;
    }
    j["path"] = path;
    j["can_report"] = n->kind == "task" && LeadInScope(*n, v, uc);
    return j;
}

Json ListFollowups(store::Conn& c, const store::FollowupFilter& f, const std::string& light, const Viewer& v) {
    UnitCache uc{c, {}};
    Json items = Json::array();
    std::unordered_map<int64_t, std::optional<PlanNodeRow>> nodes;
    for (auto& x : store::ListFollowups(c, f)) {
        if (!v.whole_plan && !(x.to_unit_id && uc.InScope(*x.to_unit_id, v.scope))) continue;
        if (!light.empty() && x.light != light) continue;
        Json j = FollowupJson(x, uc);
        auto it = nodes.find(x.node_id);
        if (it == nodes.end()) it = nodes.emplace(x.node_id, store::FindPlanNode(c, x.node_id)).first;
        if (it->second) {
            j["node_number"] = it->second->number;
            j["node_title"] = it->second->title;
            j["leader"] = it->second->leader;
        }
        items.push_back(std::move(j));
    }
    int64_t n = static_cast<int64_t>(items.size());
    return {{"items", items}, {"total", n}};
}

Result<Json> GetFollowup(store::Conn& c, int64_t id, const Viewer& v) {
    UnitCache uc{c, {}};
    auto f = store::FindFollowup(c, id);
    if (!f) return Error::NotFound("follow-up notice", id);
    if (!v.whole_plan && !(f->to_unit_id && uc.InScope(*f->to_unit_id, v.scope)))
        return Error::NotFound("follow-up notice", id);
    Json j = FollowupJson(*f, uc);
    if (auto n = store::FindPlanNode(c, f->node_id)) {
        j["node"] = {{"id", n->id}, {"number", n->number}, {"title", n->title}, {"text", n->text},
                     {"leader", n->leader}, {"due_date", n->due_date ? Json(*n->due_date) : Json(nullptr)},
                     {"status", n->status}, {"percent", n->percent}};
    }
    if (auto p = store::FindPlan(c, f->plan_id)) j["plan_title"] = p->title;
    return j;
}

Result<Json> Overview(store::Conn& c, int64_t plan_id, const Viewer& v) {
    auto p = store::FindPlan(c, plan_id);
    if (!p) return Error::NotFound("plan", plan_id);
    UnitCache uc{c, {}};
    auto all = store::ListPlanNodes(c, plan_id);
    auto vis = VisibleNodes(all, v, uc);
    if (!v.whole_plan && vis.empty()) return Error::NotFound("plan", plan_id);
    std::unordered_map<int64_t, const PlanNodeRow*> by_id;
    for (auto* n : vis) by_id[n->id] = n;
    std::map<int64_t, std::vector<const PlanNodeRow*>> by_kw;
    std::vector<int64_t> kw_order;
    for (auto* n : vis) {
        if (n->kind == "key_work") {
            kw_order.push_back(n->id);
            by_kw[n->id];
            continue;
        }
        if (n->kind != "task") continue;
        const PlanNodeRow* k = n;
        while (k->parent_id && by_id.count(*k->parent_id)) k = by_id[*k->parent_id];
        by_kw[k->id].push_back(n);
    }
    Json kws = Json::array();
    for (auto id : kw_order) {
        Json j = CountsOf(by_kw[id]);
        j["id"] = id;
        j["number"] = by_id[id]->number;
        j["title"] = by_id[id]->title;
        kws.push_back(std::move(j));
    }
    std::map<int64_t, std::pair<int, int>> by_unit;  // red, yellow
    for (auto* n : vis)
        if (n->kind == "task" && n->lead_unit_id && n->light != "green") {
            auto& e = by_unit[*n->lead_unit_id];
            (n->light == "red" ? e.first : e.second)++;
        }
    int unassigned_red = 0, unassigned_yellow = 0;  // tasks with no lead unit yet: in no unit's bar
    for (auto* n : vis)
        if (n->kind == "task" && !n->lead_unit_id && n->light != "green") ++(n->light == "red" ? unassigned_red : unassigned_yellow);
    Json units = Json::array();
    for (auto& [uid, ry] : by_unit) units.push_back({{"unit", uc.Ref(uid)}, {"red", ry.first}, {"yellow", ry.second}});
    std::sort(units.begin(), units.end(), [](const Json& a, const Json& b) {
        return a["red"].get<int>() * 1000 + a["yellow"].get<int>() > b["red"].get<int>() * 1000 + b["yellow"].get<int>();
    });
    store::FollowupFilter ff;
    ff.plan_id = plan_id;
    Json esc = Json::array();
    Json followups = ListFollowups(c, ff, "", v);
    for (auto& x : followups["items"])
        if (!x["escalated_at"].is_null() && x["state"] == "open") esc.push_back(x);
    Json j = CountsOf(vis);
    j["plan"] = {{"id", p->id}, {"title", p->title}, {"year", p->year}};
    j["by_key_work"] = kws;
    j["overdue_by_unit"] = units;
    j["overdue_unassigned"] = {{"red", unassigned_red}, {"yellow", unassigned_yellow}};
    j["escalations"] = esc;
    return j;
}

// ---------------------------------------------------------------- lead-unit dictionary
namespace {
constexpr const char* kLeadUnitsKey = "plan.lead_units";
}

std::vector<std::pair<std::string, std::string>> LeadUnits(store::Conn& c) {
    auto v = store::GetSetting(c, kLeadUnitsKey);
    if (!v) return DefaultLeadUnits();
    auto j = Json::parse(*v, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return DefaultLeadUnits();
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& e : j)
        if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string())
            out.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    return out;
}

Json LeadUnitsJson(store::Conn& c) {
    bool edited = store::GetSetting(c, kLeadUnitsKey).has_value();
    Json entries = Json::array();
    for (auto& [k, u] : LeadUnits(c)) entries.push_back({{"keyword", k}, {"unit", u}});
    int64_t n = static_cast<int64_t>(entries.size());
    return {{"source", edited ? "edited" : "built-in"}, {"entries", entries}, {"total", n}};
}

Result<Json> SetLeadUnits(store::WriteTx& tx, const Json& body) {
    for (auto& [k, v] : body.items())
        if (k != "entries" && k != "reset") return Error::Validation(k, "unknown field '" + k + "'", "unknown_field");
    auto& c = tx.conn();
    size_t before = LeadUnits(c).size();
    if (body.contains("reset")) {
        if (!body["reset"].is_boolean() || !body["reset"].get<bool>() || body.contains("entries"))
            return Error::Validation("reset", "reset must be true, without entries");
        store::DeleteSetting(c, kLeadUnitsKey);
        tx.Emit("plan.lead_units.reset", "setting", std::nullopt, {{"before", before}});
        return LeadUnitsJson(c);
    }
    if (!body.contains("entries") || !body["entries"].is_array())
        return Error::Validation("entries", "entries must be a list of {keyword, unit}", "required");
    const auto& list = body["entries"];
    if (list.size() > 2000) return Error::Validation("entries", "at most 2000 entries");
    Json stored = Json::array();
    std::set<std::string> seen;
    for (size_t i = 0; i < list.size(); ++i) {
        std::string f = "entries[" + std::to_string(i) + "]";
        std::optional<std::string> kw, unit;
        if (!list[i].is_object()) return Error::Validation(f, f + " must be {keyword, unit}");
        for (auto& [k, v] : list[i].items())
            if (k != "keyword" && k != "unit") return Error::Validation(f + "." + k, "unknown field '" + k + "'", "unknown_field");
        if (auto st = CheckText(list[i], f + ".keyword", true, 20, &kw); !st) return st.error();
        if (auto st = CheckText(list[i], f + ".unit", true, 50, &unit); !st) return st.error();
        if (kw->find('\t') != std::string::npos || kw->find('\n') != std::string::npos)
            return Error::Validation(f + ".keyword", f + ".keyword must be one line without tabs");
        if (!seen.insert(*kw).second) return Error::Validation(f + ".keyword", "keyword " + *kw + " is listed twice", "duplicate");
        stored.push_back(Json::array({*kw, *unit}));
    }
    // Through the settings row (UPDATE, else INSERT), inside this command's savepoint.
    store::PutSetting(c, kLeadUnitsKey, core::CanonicalJson(stored));
    tx.Emit("plan.lead_units.updated", "setting", std::nullopt, {{"before", before}, {"after", stored.size()}});
    return LeadUnitsJson(c);
}

}  // namespace duban::plan
