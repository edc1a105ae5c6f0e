// The 任務分解表 in Excel: export in the conventional columns with a merged cell per key work,
// and import of an edited sheet (validation first, an error workbook by row and column, then the
// valid rows on the user's say; see ARCHITECTURE.md's import convention).
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "office/office.hpp"
#include "plan/plan.hpp"
#include "store/repos.hpp"

namespace duban::plan {

using core::Error;
using store::PlanNodeRow;

namespace {

const std::vector<std::string> kColumns = {"序號", "重點工作", "具體任務", "牽頭單位", "配合單位",
                                           "責任領導", "完成時限", "目標值", "進展情況", "狀態"};
// The same words in Simplified script, for a sheet exported to Simplified users (and read back).
const std::vector<std::string> kColumnsSimplified = {"序号", "重点工作", "具体任务", "牵头单位", "配合单位",
                                                     "责任领导", "完成时限", "目标值", "进展情况", "状态"};
const std::vector<std::pair<std::string, std::string>> kStatusSimplified = {
    {"未啟動", "未启动"}, {"推進中", "推进中"}, {"已完成", "已完成"}, {"滯後", "滞后"}, {"無法完成", "无法完成"}};

/// A header or status cell in either script, in the Traditional words the plan stores.
std::string FromSimplified(const std::string& s) {
    for (size_t i = 0; i < kColumns.size(); ++i)
        if (s == kColumnsSimplified[i]) return kColumns[i];
    for (const auto& [trad, simp] : kStatusSimplified)
        if (s == simp) return trad;
    return s;
}

std::string ColumnIn(const std::string& column, bool simplified) {
    if (simplified)
        for (size_t i = 0; i < kColumns.size(); ++i)
            if (column == kColumns[i]) return kColumnsSimplified[i];
    return column;
}

std::string StatusIn(const std::string& status, bool simplified) {
    if (simplified)
        for (const auto& [trad, simp] : kStatusSimplified)
            if (status == trad) return simp;
    return status;
}

std::string UnitName(store::Conn& c, std::optional<int64_t> id) {
    if (!id) return "";
    auto u = store::FindOrg(c, *id, core::Scope::All());
    return u ? u->name : "";
}

std::string TargetsText(const core::Json& targets) {
    std::string out;
    for (auto& t : targets) {
        std::string s = t.value("indicator", "");
        if (t.contains("text") && t["text"].is_string() && !t["text"].get<std::string>().empty())
            s += " " + t["text"].get<std::string>();
        else if (t.contains("value") && t["value"].is_number()) {
            char buf[64];
            std::snprintf(buf, sizeof buf, " %g", t["value"].get<double>());
            s += buf + t.value("unit", "");
        }
        out += (out.empty() ? "" : ";") + s;
    }
    return out;
}

std::vector<std::string> SplitNames(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        auto t = core::Trim(cur);
        if (!t.empty()) out.push_back(t);
        cur.clear();
    };
    for (size_t i = 0; i < s.size();) {
        // separators: 、 ， , ； ; and new lines
        if (s.compare(i, 3, "、") == 0 || s.compare(i, 3, "，") == 0 || s.compare(i, 3, "；") == 0) {
            flush();
            i += 3;
        } else if (s[i] == ',' || s[i] == ';' || s[i] == '\n') {
            flush();
            ++i;
        } else {
            cur.push_back(s[i++]);
        }
    }
    flush();
    return out;
}

/// A date cell: an Excel date serial, or text YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日.
std::optional<std::string> CellDate(const office::Cell& cell) {
    if (cell.type == office::Cell::Type::kNumber) {
        if (cell.number < 1 || cell.number > 2958465) return std::nullopt;
        return office::SerialToDate(cell.number).substr(0, 10);
    }
    if (cell.type != office::Cell::Type::kString) return std::nullopt;
    std::string s = core::Trim(cell.text);
    std::vector<int> parts;
    int cur = -1;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        if (ch >= '0' && ch <= '9') {
            cur = (cur < 0 ? 0 : cur) * 10 + (ch - '0');
            if (cur > 99999) return std::nullopt;
        } else {
            if (cur >= 0) parts.push_back(cur);
            cur = -1;
        }
    }
    if (cur >= 0) parts.push_back(cur);
    if (parts.size() != 3) return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
    auto d = core::Date::Parse(buf);
    if (!d || d->ToString() != buf) return std::nullopt;
    return d->ToString();
}

std::string CellText(const office::Cell* c) {
    if (!c) return "";
    if (c->type == office::Cell::Type::kString) return core::Trim(c->text);
    if (c->type == office::Cell::Type::kNumber) return c->text.empty() ? std::to_string(c->number) : c->text;
    return c->text;
}

}  // namespace

Result<std::string> ExportTaskSheet(store::Conn& c, int64_t plan_id, const Viewer& v, bool simplified) {
    auto p = store::FindPlan(c, plan_id);
    if (!p) return Error::NotFound("plan", plan_id);
    auto all = store::ListPlanNodes(c, plan_id);
    // The rows the viewer may see, by the same rule as every other read of the plan.
    std::set<int64_t> ids;
    for (const auto* n : VisibleNodes(c, all, v)) ids.insert(n->id);
    if (!v.whole_plan && ids.empty()) return Error::NotFound("plan", plan_id);
    std::unordered_map<int64_t, const PlanNodeRow*> by_id;
    for (auto& n : all) by_id[n.id] = &n;

    office::OutSheet sheet;
    sheet.name = simplified ? "任务分解表" : "任務分解表";
    sheet.title = p->title + (simplified ? " 任务分解表" : " 任務分解表");
    sheet.header = simplified ? kColumnsSimplified : kColumns;
    sheet.col_widths = {8, 22, 48, 16, 20, 12, 12, 24, 30, 9};
    int current_kw_row = -1;
    std::string current_kw;
    auto close_kw = [&](int last_row) {
        if (current_kw_row >= 0 && last_row > current_kw_row)
            sheet.merges.push_back({current_kw_row, 1, last_row, 1, current_kw});
    };
    for (auto& n : all) {
        if (!ids.count(n.id) || n.kind != "task") continue;
        const PlanNodeRow* kw = &n;
        std::string item_title;
        while (kw->parent_id && by_id.count(*kw->parent_id)) {
            kw = by_id[*kw->parent_id];
            if (kw->kind == "item") item_title = kw->title;
        }
        int row = static_cast<int>(sheet.rows.size());
        if (kw->title != current_kw || current_kw_row < 0) {
            close_kw(row - 1);
            current_kw = kw->title;
            current_kw_row = row;
        }
        std::string co;
        for (auto id : n.co_units) co += (co.empty() ? "" : "、") + UnitName(c, id);
        auto reports = store::ListPlanReports(c, n.id);
        std::string progress = reports.empty() ? "" : reports.front().text + "(" + std::to_string(reports.front().percent) + "%)";
        std::string task = item_title.empty() ? n.title : item_title + ":" + n.title;
        office::OutCell light_cell = office::OutCell::Str(StatusIn(n.status, simplified));
        if (n.light == "red") light_cell.fill = "#F4B6B6";
        else if (n.light == "yellow") light_cell.fill = "#FCE9A6";
        sheet.rows.push_back({office::OutCell::Str(n.number), office::OutCell::Str(kw->title), office::OutCell::Str(task),
                              office::OutCell::Str(UnitName(c, n.lead_unit_id)), office::OutCell::Str(co),
                              office::OutCell::Str(n.leader), office::OutCell::Str(n.due_date.value_or("")),
                              office::OutCell::Str(TargetsText(n.targets)), office::OutCell::Str(progress), light_cell});
    }
    close_kw(static_cast<int>(sheet.rows.size()) - 1);
    return office::WriteXlsx({sheet});
}

Result<Json> ImportTaskSheet(store::WriteTx& tx, int64_t plan_id, const std::string& xlsx, bool apply) {
    auto& c = tx.conn();
    auto plan = store::FindPlan(c, plan_id);
    if (!plan) return Error::NotFound("plan", plan_id);
    auto wb = office::ReadXlsx(xlsx);
    if (!wb) return Error::Validation("content_base64", "not a readable .xlsx file: " + wb.error().message, "bad_xlsx");
    if (wb->sheets.empty()) return Error::Validation("content_base64", "the workbook has no sheet", "bad_xlsx");
    const office::Sheet& sh = wb->sheets.front();
    // The header row: the first row within the first ten that names 序號 and 具體任務.
    int header = -1;
    bool simplified = false;  // a sheet with Simplified headings: its errors name them so
    std::map<std::string, int> col;
    for (int r = 0; r < static_cast<int>(sh.rows.size()) && r < 10 && header < 0; ++r) {
        std::map<std::string, int> found;
        for (int k = 0; k < static_cast<int>(sh.rows[r].size()); ++k) found[FromSimplified(CellText(&sh.rows[r][k]))] = k;
        if (found.count("序號") && found.count("具體任務")) {
            header = r;
            col = found;
            for (int k = 0; k < static_cast<int>(sh.rows[r].size()); ++k)
                if (CellText(&sh.rows[r][k]) == "序号") simplified = true;
        }
    }
    if (header < 0)
        return Error::Validation("content_base64", "no header row with 序號 and 具體任務 in the first ten rows of sheet " + sh.name, "bad_sheet");

    std::unordered_map<std::string, PlanNodeRow> by_number;
    for (auto& n : store::ListPlanNodes(c, plan_id))
        if (n.kind == "task") by_number[n.number] = n;
    auto cell = [&](int r, const char* name) -> const office::Cell* {
        auto it = col.find(name);
        return it == col.end() ? nullptr : sh.At(r, it->second);
    };
    struct RowError {
        int row;
        std::string column, message;
    };
    // An active org unit by its exact name (the sheet names units as the export wrote them).
    auto find_unit = [&](const std::string& name) -> std::optional<int64_t> {
        store::OrgFilter f;
        f.q = name;
        f.active = true;
        auto units = store::ListOrgs(c, f, core::Scope::All()).first;
        for (const auto& u : units)
            if (u.name == name) return u.id;
        return std::nullopt;
    };
    std::vector<RowError> errors;
    std::vector<std::pair<PlanNodeRow, Json>> changes;  // node after, fields changed
    std::set<int> bad_rows;
    int data_rows = 0;
    std::set<std::string> seen;
    for (int r = header + 1; r < static_cast<int>(sh.rows.size()); ++r) {
        int excel_row = r + 1;
        std::string number = CellText(cell(r, "序號"));
        std::string task = CellText(cell(r, "具體任務"));
        if (number.empty() && task.empty()) continue;
        ++data_rows;
        auto err = [&](const std::string& column, const std::string& msg) {
            errors.push_back({excel_row, column, msg});
            bad_rows.insert(excel_row);
        };
        auto it = by_number.find(number);
        if (number.empty()) {
            err("序號", "序號 is empty; new tasks are added in duban, not in the sheet");
            continue;
        }
        if (it == by_number.end()) {
            err("序號", "no task numbered " + number + " in this plan");
            continue;
        }
        if (!seen.insert(number).second) {
            err("序號", "task " + number + " appears twice in the sheet");
            continue;
        }
        PlanNodeRow n = it->second;
        Json changed = Json::object();
        size_t errors_before = errors.size();
        if (col.count("牽頭單位")) {
            std::string name = CellText(cell(r, "牽頭單位"));
            if (name.empty()) {
                if (n.lead_unit_id) {
                    n.lead_unit_id.reset();
                    changed["lead_unit_id"] = nullptr;
                }
            } else {
                auto id = find_unit(name);
                if (!id) err("牽頭單位", "no active org unit named " + name);
                else if (n.lead_unit_id != *id) {
                    n.lead_unit_id = *id;
                    changed["lead_unit_id"] = *id;
                }
            }
        }
        if (col.count("配合單位")) {
            std::vector<int64_t> ids;
            for (auto& name : SplitNames(CellText(cell(r, "配合單位")))) {
                auto id = find_unit(name);
                if (!id) err("配合單位", "no active org unit named " + name);
                else if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
            }
            if (ids != n.co_units) {
                n.co_units = ids;
                changed["co_unit_ids"] = ids;
            }
        }
        if (col.count("責任領導")) {
            std::string leader = CellText(cell(r, "責任領導"));
            if (core::Utf8Length(leader) > 64) err("責任領導", "責任領導 is longer than 64 characters");
            else if (leader != n.leader) {
                n.leader = leader;
                changed["leader"] = leader;
            }
        }
        if (col.count("完成時限")) {
            const auto* dc = cell(r, "完成時限");
            if (dc && dc->type != office::Cell::Type::kEmpty && !CellText(dc).empty()) {
                auto d = CellDate(*dc);
                if (!d) err("完成時限", "完成時限 '" + CellText(dc) + "' is not a date (2027-06-30)");
                else if (n.start_date && *d < *n.start_date) err("完成時限", "完成時限 " + *d + " is before the task's start " + *n.start_date);
                else if (n.due_date != *d) {
                    n.due_date = *d;
                    changed["due_date"] = *d;
                }
            }
        }
        if (col.count("狀態")) {
            std::string st = FromSimplified(CellText(cell(r, "狀態")));
            if (!st.empty()) {
                if (std::find(kStatuses.begin(), kStatuses.end(), st) == kStatuses.end())
                    err("狀態", "狀態 '" + st + "' is not one of 未啟動, 推進中, 已完成, 滯後, 無法完成");
                else if (st == "無法完成" && n.status_reason.empty())
                    err("狀態", "無法完成 needs a reason: set it in duban on the task");
                else if (st != n.status) {
                    n.status = st;
                    changed["status"] = st;
                }
            }
        }
        if (!task.empty() && task.find(':') == std::string::npos && task != n.title) {
            if (core::Utf8Length(task) > 500) err("具體任務", "具體任務 is longer than 500 characters");
            else {
                n.title = task;
                changed["title"] = task;
            }
        }
        if (errors.size() == errors_before && !changed.empty()) changes.push_back({n, changed});
    }

    Json errs = Json::array();
    for (auto& e : errors)
        errs.push_back({{"row", e.row}, {"column", simplified ? ColumnIn(e.column, true) : e.column}, {"message", e.message}});
    Json out = {{"rows", data_rows},
                {"valid", data_rows - static_cast<int>(bad_rows.size())},
                {"changes", static_cast<int>(changes.size())},
                {"errors", errs},
                {"applied", 0}};
    if (!errors.empty()) {
        // The error workbook: the sheet as read, bad cells in yellow with a comment, an 錯誤 column.
        office::OutSheet es;
        es.name = "錯誤";
        es.title = "任務分解表導入錯誤(" + std::to_string(errors.size()) + "處)";
        std::vector<std::string> hdr;
        for (int k = 0; k < static_cast<int>(sh.rows[header].size()); ++k) hdr.push_back(CellText(&sh.rows[header][k]));
        hdr.push_back("錯誤");
        es.header = hdr;
        std::map<std::pair<int, std::string>, std::string> by_cell;
        std::map<int, std::string> by_row;
        for (auto& e : errors) {
            by_cell[{e.row, e.column}] += e.message;
            by_row[e.row] += (by_row[e.row].empty() ? "" : ";") + ("第" + std::to_string(e.row) + "行 " + e.column + ":" + e.message);
        }
        for (int r = header + 1; r < static_cast<int>(sh.rows.size()); ++r) {
            std::vector<office::OutCell> row;
            for (int k = 0; k < static_cast<int>(hdr.size()) - 1; ++k) {
                auto oc = office::OutCell::Str(CellText(sh.At(r, k)));
                auto hit = by_cell.find({r + 1, FromSimplified(hdr[k])});
                if (hit != by_cell.end()) {
                    oc.fill = "#FFFF00";
                    oc.comment = hit->second;
                }
                row.push_back(oc);
            }
            row.push_back(office::OutCell::Str(by_row.count(r + 1) ? by_row[r + 1] : ""));
            es.rows.push_back(std::move(row));
        }
        auto bytes = office::WriteXlsx({es});
        if (bytes) out["error_workbook_base64"] = core::Base64Encode(*bytes);
    }
    if (!apply) return out;
    Json watch = Json::array();
    Json applied_list = Json::array();
    for (auto& [n, changed] : changes) {
        n.updated_at = tx.now();
        store::UpdatePlanNode(c, n);
        tx.Emit("plan.node.updated", "plan_node", n.id, {{"plan_id", plan_id}, {"number", n.number}, {"after", changed}, {"via", "sheet"}});
        watch.push_back({{"kind", "node"}, {"id", n.id}, {"at", tx.now()}});
        applied_list.push_back(n.number);
    }
    tx.Emit("plan.sheet_imported", "plan", plan_id,
            {{"rows", data_rows}, {"applied", applied_list}, {"errors", static_cast<int>(errors.size())}});
    out["applied"] = static_cast<int>(changes.size());
    out["_watch"] = watch;
    return out;
}

}  // namespace duban::plan
