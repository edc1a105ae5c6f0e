// The dispatch table over the projects engine. The sheet logic is pure (dispatch_sheet.cpp); this
// file feeds it the engine's rows and applies accepted rows with the engine's own commands.
#include "registry/dispatch.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace duban::registry {

using core::Error;

namespace {

double CnyWan(int64_t units, const store::ProjectRow& p) {
    return static_cast<double>(ToYuan(units, p.currency, p.fx_rate_e4)) / 1e4;
}

Json WanJson(double wan) {
    double units = std::round(wan * 1e4);
    if (std::fmod(units, 1e4) == 0) return Json(static_cast<int64_t>(units / 1e4));
    return Json(units / 1e4);
}

bool ValidMonth(const std::string& m) {
    if (m.size() != 7 || m[4] != '-') return false;
    auto d = core::Date::Parse(m + "-01");
    return d && d->ToString() == m + "-01";
}

std::vector<store::ProjectRow> Visible(store::Conn& c, const Viewer& v, bool major_only) {
    std::vector<store::ProjectRow> out;
    for (auto& p : store::ListProjects(c))
        if (v.Sees(p) && (!major_only || p.major)) out.push_back(std::move(p));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

/// The newest progress note, else the evidence of the stage the project is in.
std::string LatestProgress(store::Conn& c, const store::ProjectRow& p) {
    auto notes = store::ListProgress(c, p.id);  // newest first
    if (!notes.empty()) return notes.front().evidence;
    std::string evidence;
    for (auto& s : store::ListStages(c, p.id))
        if (!s.reverted_at && s.stage == p.stage) evidence = s.evidence;
    return evidence;
}

}  // namespace

std::vector<DispatchRow> DispatchRowsFor(store::Conn& c, const Viewer& v, const std::string& month, bool major_only) {
    auto projects = Visible(c, v, major_only);
    // The revision in force of every month of every project.
    std::map<int64_t, std::map<std::string, int64_t>> invest;
    for (auto& r : store::ListCurrentInvestments(c)) invest[r.record_id][r.month] = r.amount;
    std::map<int64_t, std::string> problems;
    for (auto& r : store::ListProjectCases(c, std::nullopt))
        if (r.status != "closed" && r.status != "merged")
            problems[r.project_id] += (problems[r.project_id].empty() ? "" : "; ") + r.title;
    std::string year_start = month.substr(0, 4) + "-01";
    std::vector<DispatchRow> rows;
    for (const auto& p : projects) {
        DispatchRow r;
        r.number = p.number;
        r.name = p.name;
        r.kind = DispatchKindLabel(p.project_kind);
        r.major = DispatchMajorLabel(p.major);
        r.park = p.park;
        r.lead_unit = p.lead_unit_name;
        r.leader = p.leader;
        r.stage = DispatchStageLabel(p.stage);
        r.stage_date = p.stage_date;
        r.total_investment_wan = CnyWan(p.total_investment, p);
        r.annual_plan_wan = CnyWan(p.annual_plan, p);
        int64_t year = 0, all = 0;
        for (auto& [m, amount] : invest[p.id]) {
            if (m > month) continue;
            all += amount;
            if (m >= year_start) year += amount;
            if (m == month) r.month_done_wan = CnyWan(amount, p);
        }
        r.year_done_wan = CnyWan(year, p);
        r.cumulative_wan = CnyWan(all, p);
        r.progress = LatestProgress(c, p);
        r.problems = problems[p.id];
        r.light = DispatchLightLabel(p.light);
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<std::string> ExportDispatchTable(store::Conn& c, const Viewer& v, const std::string& month, bool major_only,
                                        bool template_only, bool simplified) {
    if (!ValidMonth(month)) return Error::Validation("month", "month must be YYYY-MM, e.g. 2026-11");
    std::vector<DispatchRow> rows;
    if (!template_only) rows = DispatchRowsFor(c, v, month, major_only);
    return BuildDispatchTable(rows, month, template_only, simplified);
}

Result<Json> ImportDispatchTable(store::WriteTx& tx, const DispatchSheet& sheet, bool apply, const Viewer& v,
                                 const Env& env) {
    auto& c = tx.conn();
    std::map<std::string, DispatchRow> current;
    for (auto& r : DispatchRowsFor(c, v, sheet.month, false)) current[r.number] = r;
    DispatchCheck check = CheckDispatchTable(sheet, current);

    // What the pure check cannot know: the project's currency and the month's place in time.
    std::map<std::string, store::ProjectRow> by_number;
    for (auto& p : Visible(c, v, false)) by_number[p.number] = p;
    core::Date today = core::LocalDate(tx.now_tp());
    char this_month[32];
    std::snprintf(this_month, sizeof this_month, "%04d-%02d", today.y, today.m);
    std::vector<DispatchChange> changes;
    for (auto& ch : check.changes) {
        const auto& p = by_number.at(ch.number);
        size_t before = check.errors.size();
        if (p.currency != "CNY")
            for (auto [set, column] : {std::pair{ch.annual_plan_wan.has_value(), "年度計劃投資(萬元)"},
                                       std::pair{ch.month_done_wan.has_value(), "本月完成投資(萬元)"}})
                if (set)
                    check.errors.push_back({ch.row, sheet.Named(column), "project " + ch.number + " is in " + p.currency +
                                                                "; its amounts are edited in duban, not in the sheet"});
        if (ch.month_done_wan && sheet.month > this_month)
            check.errors.push_back({ch.row, sheet.Named("本月完成投資(萬元)"),
                                    "the sheet's month " + sheet.month + " has not begun; nothing can be reported for it"});
        if (check.errors.size() == before) changes.push_back(ch);
    }
    std::stable_sort(check.errors.begin(), check.errors.end(),
                     [](const SheetError& a, const SheetError& b) { return a.row < b.row; });
    std::set<int> bad_rows;
    for (const auto& e : check.errors) bad_rows.insert(e.row);
    int valid = check.rows - static_cast<int>(bad_rows.size());

    Json errs = Json::array();
    for (const auto& e : check.errors) errs.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
    Json out = {{"month", sheet.month}, {"rows", check.rows},       {"valid", valid},
                {"changes", static_cast<int>(changes.size())},      {"errors", errs},
                {"applied", 0}, {"applied_numbers", Json::array()}, {"skipped", check.rows - valid}};
    if (!apply) return out;

    Json applied = Json::array();
    for (const auto& ch : changes) {
        int64_t id = by_number.at(ch.number).id;
        auto fail = [&](const Error& e) {
            Error out_err = e;
            out_err.message = "row " + std::to_string(ch.row) + " (" + ch.number + "): " + e.message;
            return out_err;
        };
        if (ch.leader || ch.annual_plan_wan) {
            auto p = store::FindProject(c, id);
            Json body = {{"version", p->version}};
            if (ch.leader) body["leader"] = *ch.leader;
            if (ch.annual_plan_wan) body["annual_plan_wan"] = WanJson(*ch.annual_plan_wan);
            auto r = PatchProject(tx, id, body, v, env);
            if (!r) return fail(r.error());
        }
        if (ch.month_done_wan) {
            Json body = {{"month", sheet.month}, {"amount_wan", WanJson(*ch.month_done_wan)}, {"note", "調度表導入"}};
            auto r = ReportInvestment(tx, id, body, v);
            if (!r) return fail(r.error());
        }
        if (ch.progress) {
            auto r = AddProgress(tx, id, Json{{"text", *ch.progress}}, v);
            if (!r) return fail(r.error());
        }
        applied.push_back(ch.number);
    }
    tx.Emit("project.sheet_imported", "project", std::nullopt,
            {{"month", sheet.month}, {"rows", check.rows}, {"applied", applied},
             {"errors", static_cast<int>(check.errors.size())}});
    out["applied"] = static_cast<int>(applied.size());
    out["applied_numbers"] = applied;
    return out;
}

}  // namespace duban::registry
