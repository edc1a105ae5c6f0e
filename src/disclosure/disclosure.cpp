#include "disclosure/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "store/case_kpi_repos.hpp"
#include "store/plan_repos.hpp"

namespace duban::disclosure {

using core::Error;

bool IsKind(const std::string& k) { return std::find(kKinds.begin(), kKinds.end(), k) != kKinds.end(); }

Json Draft::ToJson() const {
    return {{"kind", kind},
            {"title", title},
            {"period", period},
            {"content", content},
            {"content_sha256", Sha256()},
            {"empty", Empty()}};
}

bool Draft::Empty() const {
    auto none = [&](const char* list) { return !content.contains(list) || content[list].empty(); };
    if (kind == "plan_progress") return none("tasks");
    if (kind == "project_progress") return none("projects");
    if (kind == "case_stats")
        return !content.contains("total") || content["total"].value("reported", int64_t{0}) == 0;
    return false;
}

std::string Draft::Sha256() const { return core::Sha256Hex(core::CanonicalJson(content)); }

// ---------------------------------------------------------------- plan progress
namespace {

Json StatusCounts() {
    Json j = Json::object();
    for (auto& s : plan::kStatuses) j[s] = 0;
    return j;
}

struct Tally {
    int64_t tasks = 0, percent_sum = 0, overdue = 0;
    Json status = StatusCounts();
    void Add(const store::PlanNodeRow& n, bool overdue_now) {
        ++tasks;
        percent_sum += n.percent;
        if (status.contains(n.status)) status[n.status] = status[n.status].get<int64_t>() + 1;
        if (overdue_now) ++overdue;
    }
    Json ToJson() const {
        Json j = {{"tasks", tasks}, {"status", status}, {"overdue", overdue}};
        // The mean of the tasks' own percentages, rounded to one decimal; null for no tasks.
        j["avg_percent"] = tasks ? Json(std::floor(static_cast<double>(percent_sum) * 10.0 / static_cast<double>(tasks) + 0.5) / 10.0)
                             : Json(nullptr);
        return j;
    }
};

}  // namespace

Result<Draft> PlanProgress(store::Conn& c, int64_t plan_id, const plan::Viewer& v, const core::Date& as_of) {
    auto p = store::FindPlan(c, plan_id);
    if (!p) return Error::NotFound("plan", plan_id);
    if (!v.whole_plan)
        return Error::Forbidden("publishing a plan's progress needs a view of the whole plan (its supervisor or a leader)");
    std::unordered_map<int64_t, std::string> unit_names;
    for (auto& u : store::ListOrgUnitBriefs(c)) unit_names[u.id] = u.name;
    auto unit = [&](std::optional<int64_t> id) -> Json {
        if (!id) return nullptr;
        auto it = unit_names.find(*id);
        return it == unit_names.end() ? Json(nullptr) : Json(it->second);
    };
    const auto nodes = store::ListPlanNodes(c, plan_id);
    std::unordered_map<int64_t, const store::PlanNodeRow*> by_id;
    for (auto& n : nodes) by_id[n.id] = &n;
    // Each task under its key work (the top of its branch); tasks outside any key work under "".
    std::vector<int64_t> kw_order;
    std::map<int64_t, Tally> kw_tally;
    Json tasks = Json::array();
    Tally total;
    const std::string today = as_of.ToString();
    for (auto& n : nodes) {
        if (n.kind == "key_work" && !n.parent_id) {
            kw_order.push_back(n.id);
            kw_tally[n.id];
        }
    }
    for (auto& n : nodes) {
        if (n.kind != "task") continue;
        const store::PlanNodeRow* top = &n;
        while (top->parent_id && by_id.count(*top->parent_id)) top = by_id.at(*top->parent_id);
        const bool overdue = n.due_date && *n.due_date < today && !plan::IsClosedStatus(n.status);
        total.Add(n, overdue);
        Json kw = nullptr;
        if (top != &n && top->kind == "key_work") {
            kw_tally[top->id].Add(n, overdue);
            kw = top->id;
        }
        Json co = Json::array();
        for (auto id : n.co_units)
            if (auto name = unit(id); !name.is_null()) co.push_back(name);
        // The whitelist: nothing else of a task leaves the server (no leader, text, reports,
        // comments, follow-up notices or lights' reasons).
        tasks.push_back({{"key_work", kw},
                         {"number", n.number},
                         {"title", n.title},
                         {"lead_unit", unit(n.lead_unit_id)},
                         {"co_units", co},
                         {"due_date", n.due_date ? Json(*n.due_date) : Json(nullptr)},
                         {"status", n.status},
                         {"percent", n.percent},
                         {"overdue", overdue}});
    }
    Json kws = Json::array();
    for (auto id : kw_order) {
        Json j = kw_tally[id].ToJson();
        j["id"] = id;
        j["number"] = by_id.at(id)->number;
        j["title"] = by_id.at(id)->title;
        kws.push_back(std::move(j));
    }
    Draft d;
    d.kind = "plan_progress";
    d.period = today;
    d.title = p->title + "：重点工作推进情况（截至" + today + "）";
    d.content = {{"plan", {{"title", p->title}, {"year", p->year}}},
                 {"as_of", today},
                 {"totals", total.ToJson()},
                 {"key_works", std::move(kws)},
                 {"tasks", std::move(tasks)}};
    return d;
}

// ---------------------------------------------------------------- major projects
Result<Draft> ProjectProgress(store::Conn& c, const registry::Viewer& v, core::TimePoint now) {
    const core::Date today = core::LocalDate(now);
    const int64_t year = today.y;
    registry::ProjectFilter f;
    f.major = true;
    f.year = year;
    f.sort = "number";
    f.per_page = 500;
    Json projects = Json::array();
    std::map<std::string, int64_t> stage_count;
    double plan_wan = 0, invested_wan = 0;
    int64_t completed = 0;
    auto num = [](const Json& j, const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0; };
    for (f.page = 1;; ++f.page) {
        auto page = registry::ListProjects(c, f, v, now);
        if (!page.ok()) return page.error();
        for (auto& p : (*page)["items"]) {
            if (p["year"] != year) continue;  // the year's major projects (not last year's signed this year)
            const std::string stage = p["stage"];
            stage_count[stage]++;
            if (stage == "completed") ++completed;
            plan_wan += num(p, "annual_plan_cny_wan");
            invested_wan += num(p, "invested_this_year_cny_wan");
            // The whitelist: nothing else of a project leaves the server.
            projects.push_back({{"number", p["number"]},
                                {"name", p["name"]},
                                {"project_kind", p["project_kind"]},
                                {"stage", stage},
                                {"stage_name", p["stage_name"]},
                                {"lead_unit", p["lead_unit"].is_object() ? p["lead_unit"]["name"] : Json(nullptr)},
                                {"total_investment_wan", p["total_investment_cny_wan"]},
                                {"annual_plan_wan", p["annual_plan_cny_wan"]},
                                {"invested_this_year_wan", p["invested_this_year_cny_wan"]},
                                {"completion_percent", p["annual_completion_percent"]}});
        }
        if (f.page * f.per_page >= (*page)["total"].get<int64_t>()) break;
    }
    Json stages = Json::array();
    for (auto& s : registry::ProjectStages())
        stages.push_back({{"stage", s.code}, {"stage_name", s.name}, {"count", stage_count[s.code]}});
    Json months = Json::array();
    const Json dash = registry::Dashboard(c, year, v, now);
    for (auto& m : dash["investment_by_month"])
        months.push_back({{"month", m["month"]}, {"plan_wan", m["plan_wan"]}, {"done_wan", m["done_wan"]},
                          {"cumulative_wan", m["cumulative_wan"]}});
    auto wan = [](double x) { return std::round(x * 10000.0) / 10000.0; };
    Json totals = {{"projects", projects.size()},
                   {"completed", completed},
                   {"annual_plan_wan", wan(plan_wan)},
                   {"invested_this_year_wan", wan(invested_wan)},
                   {"completion_percent", plan_wan > 0 ? Json(std::round(invested_wan * 1000.0 / plan_wan) / 10.0) : Json(nullptr)}};
    Draft d;
    d.kind = "project_progress";
    d.period = std::to_string(year);
    d.title = std::to_string(year) + "年重点项目建设情况（截至" + today.ToString() + "）";
    d.content = {{"year", year},
                 {"as_of", today.ToString()},
                 {"totals", std::move(totals)},
                 {"stages", std::move(stages)},
                 {"by_month", std::move(months)},
                 {"projects", std::move(projects)}};
    return d;
}

// ---------------------------------------------------------------- case statistics
namespace {

Json PublicFigures(const CaseFigures& r) {
    Json j = {{"key", r.key}, {"name", r.name}};
    for (const char* k : {"reported", "closed", "closure_rate", "on_time_rate", "satisfaction_rate", "avg_handling_s", "overdue_open"})
        j[k] = r.figures.contains(k) ? r.figures[k] : Json(nullptr);
    return j;
}

Json Rows(const std::vector<CaseFigures>& rows) {
    Json a = Json::array();
    for (auto& r : rows) a.push_back(PublicFigures(r));
    return a;
}

}  // namespace

Draft CaseStats(int year, const std::string& as_of, const std::vector<std::string>& area,
                const std::vector<CaseFigures>& by_month,
                const std::vector<CaseFigures>& by_street, const std::vector<CaseFigures>& by_type,
                const Json& total) {
    Draft d;
    d.kind = "case_stats";
    d.period = std::to_string(year);
    d.title = std::to_string(year) + "年接诉即办数据（截至" + as_of + "）";
    Json t = PublicFigures({"total", "合計", total});
    t.erase("key");
    t.erase("name");
    d.content = {{"year", year},
                 {"as_of", as_of},
                 {"area", area},
                 {"types", {"urban", "hotline", "enterprise"}},
                 {"total", std::move(t)},
                 {"by_month", Rows(by_month)},
                 {"by_street", Rows(by_street)},
                 {"by_type", Rows(by_type)}};
    return d;
}

// ---------------------------------------------------------------- commands
namespace {
Json Digest(const std::string& text) {
    return Json{{"sha256", core::Sha256Hex(text)}, {"chars", core::Utf8Length(text)}};
}
}  // namespace

Result<std::string> CleanTitle(std::string_view in) {
    // White space and invisible characters at either end: ASCII, U+00A0, U+200B-U+200D, U+2060,
    // U+3000, U+FEFF.
    static const std::string_view kSpaces[] = {" ", "\t", "\r", "\n", "\xC2\xA0", "\xE2\x80\x8B", "\xE2\x80\x8C",
                                               "\xE2\x80\x8D", "\xE2\x81\xA0", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    auto strip = [&](bool front) {
        for (bool again = true; again && !in.empty();) {
            again = false;
            for (auto sp : kSpaces)
                if (front ? in.substr(0, sp.size()) == sp : in.size() >= sp.size() && in.substr(in.size() - sp.size()) == sp) {
                    in = front ? in.substr(sp.size()) : in.substr(0, in.size() - sp.size());
                    again = true;
                }
        }
    };
    strip(true);
    strip(false);
    std::string t(in);
    if (t.empty()) return Error::Validation("title", "title must not be blank (white space alone is not a title)");
    if (!core::IsValidUtf8(t) || core::HasControlChars(t))
        return Error::Validation("title", "title must be one line without control characters");
    if (core::Utf8Length(t) > 200) return Error::Validation("title", "title must be at most 200 characters");
    return t;
}

Result<Json> Publish(store::WriteTx& tx, Draft d) {
    if (!IsKind(d.kind)) return Error::Validation("kind", "kind must be plan_progress, case_stats or project_progress");
    auto title = CleanTitle(d.title);
    if (!title.ok()) return title.error();
    d.title = *title;
    if (!d.content.is_object()) return Error::Internal("a release's content must be an object");
    if (d.Empty())
        return Error::Validation(d.kind == "plan_progress" ? "plan_id" : d.kind == "case_stats" ? "year" : "kind",
                                 d.kind == "plan_progress"  ? "the plan has no tasks yet: there is nothing to publish"
                                 : d.kind == "case_stats"   ? "no grid event, 12345 order or enterprise request was reported in that year: there is nothing to publish"
                                                            : "there are no major projects that year: there is nothing to publish",
                                 "empty_release");
    store::DisclosureRow r;
    r.kind = d.kind;
    r.title = d.title;
    r.period = d.period;
    r.content = core::CanonicalJson(d.content);
    r.content_sha256 = core::Sha256Hex(r.content);
    // The same figures twice would leave the public to guess which counts: one is enough.
    if (auto same = store::FindPublicDisclosureBySha(tx.conn(), r.content_sha256))
        return Error::Conflict("already_published", "the same content is already public as release " + std::to_string(*same) +
                                                        " (withdraw that one to publish it again under another title)");
    r.published_at = tx.now();
    r.published_by = tx.actor().user_id;
    r.id = store::InsertDisclosure(tx.conn(), r);
    tx.Emit("disclosure.publish", "disclosure", r.id,
            {{"kind", r.kind},
             {"title", r.title},
             {"period", r.period},
             {"content_sha256", r.content_sha256},
             {"bytes", r.content.size()}});
    auto stored = store::FindDisclosure(tx.conn(), r.id, false);
    return ToJson(*stored, true, false);
}

Result<Json> Withdraw(store::WriteTx& tx, int64_t id, const std::string& reason_in) {
    const std::string reason = core::Trim(reason_in);
    if (reason.empty()) return Error::Validation("reason", "a reason is required to withdraw a release", "missing_field");
    if (core::Utf8Length(reason) > 500) return Error::Validation("reason", "reason must be at most 500 characters");
    auto r = store::FindDisclosure(tx.conn(), id, false);
    if (!r) return Error::NotFound("disclosure", id);
    if (r->withdrawn_at)
        return Error::Conflict("already_withdrawn", "the release was already withdrawn at " + *r->withdrawn_at);
    if (!tx.actor().user_id) return Error::Forbidden("only an account can withdraw a release");
    store::WithdrawDisclosure(tx.conn(), id, tx.now(), *tx.actor().user_id, reason);
    tx.Emit("disclosure.withdraw", "disclosure", id,
            {{"kind", r->kind}, {"content_sha256", r->content_sha256}, {"reason", Digest(reason)}});
    auto stored = store::FindDisclosure(tx.conn(), id, false);
    return ToJson(*stored, true, false);
}

// ---------------------------------------------------------------- reads
Json ToJson(const store::DisclosureRow& r, bool staff, bool with_content) {
    Json j = {{"id", r.id},
              {"kind", r.kind},
              {"title", r.title},
              {"period", r.period},
              {"published_at", r.published_at},
              {"content_sha256", r.content_sha256}};
    if (staff) {
        j["published_by"] = r.published_by ? Json(*r.published_by) : Json(nullptr);
        j["published_by_name"] = r.published_by_name;
        j["withdrawn_at"] = r.withdrawn_at ? Json(*r.withdrawn_at) : Json(nullptr);
        j["withdrawn_by"] = r.withdrawn_by ? Json(*r.withdrawn_by) : Json(nullptr);
        j["withdrawn_by_name"] = r.withdrawn_by_name;
        j["withdraw_reason"] = r.withdraw_reason ? Json(*r.withdraw_reason) : Json(nullptr);
    }
    if (with_content) j["content"] = core::Json::parse(r.content, nullptr, false);
    return j;
}

}  // namespace duban::disclosure
