// Imports of statistical values, all or nothing: the statistics bureau's wide table (rows are
// indicators; 本月, 1-N月累計, 同比±%) and a long layout (indicator, unit code, period, value,
// status). Every row and column is checked before anything is written.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "indicators/engine_internal.hpp"
#include "office/office.hpp"
#include "plan/import.hpp"

namespace duban::indicators {

using core::Error;

namespace {

/// RFC 4180-ish: quotes double inside quoted cells, CRLF or LF, an empty line is an empty row.
/// Runs of plain characters are appended at once and each row is sized like the one before (a
/// million-row file: one allocation per row, not one per character and four per row).
std::vector<std::vector<std::string>> ParseCsv(std::string_view s) {
    if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    std::vector<std::vector<std::string>> rows;
    rows.reserve(static_cast<size_t>(std::count(s.begin(), s.end(), '\n')) + 1);
    std::vector<std::string> row;
    size_t width = 0;  // the widest row so far
    std::string cell;
    bool quoted = false, any = false;
    const size_t n = s.size();
    size_t i = 0;
    auto end_row = [&] {
        if (any || !cell.empty()) {
            row.push_back(std::move(cell));
            width = std::max(width, row.size());
            rows.push_back(std::move(row));
        } else {
            rows.emplace_back();  // keep row numbers: an empty line is an empty row
        }
        row = {};
        if (width) row.reserve(width);
        cell.clear();
        any = false;
    };
    while (i < n) {
        if (quoted) {
            size_t q = s.find('"', i);
            if (q == std::string_view::npos) {
                cell.append(s.data() + i, n - i);
                i = n;
                break;
            }
            cell.append(s.data() + i, q - i);
            if (q + 1 < n && s[q + 1] == '"') {
                cell += '"';
                i = q + 2;
            } else {
                quoted = false;
                i = q + 1;
            }
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ',' && s[j] != '\n' && s[j] != '\r' && s[j] != '"') ++j;
        if (j > i) {
            cell.append(s.data() + i, j - i);
            any = true;
            i = j;
            if (i >= n) break;
        }
        char ch = s[i++];
        if (ch == '"') {
            quoted = true;
            any = true;
        } else if (ch == ',') {
            row.push_back(std::move(cell));
            cell.clear();
            any = true;
        } else {  // \n or \r
            if (ch == '\r' && i < n && s[i] == '\n') ++i;
            end_row();
        }
    }
    if (any || !cell.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string Norm(const std::string& h) {
    std::string t = core::Trim(h);
    std::string out;
    for (char ch : t)
        if (ch != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

bool IsAny(const std::string& h, std::initializer_list<const char*> names) {
    for (auto n : names)
        if (h == n) return true;
    return false;
}

/// "1-6月累計", "1-6月累计", "1-6月" -> 6; "1-2月" -> 2.
int CumulativeMonth(const std::string& h) {
    if (h.rfind("1-", 0) != 0 && h.rfind("1－", 0) != 0) return 0;
    size_t p = h.find('-') != std::string::npos ? h.find('-') + 1 : 4;
    int m = 0;
    size_t i = p;
    while (i < h.size() && h[i] >= '0' && h[i] <= '9') m = m * 10 + (h[i++] - '0');
    if (h.compare(i, 3, "月") != 0) return 0;
    return m >= 1 && m <= 12 ? m : 0;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ReadTable(const std::string& bytes, const std::string& filename,
                                                        std::string* encoding) {
    std::string lower = filename;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool zip = bytes.size() >= 4 && bytes.compare(0, 4, std::string("PK\x03\x04", 4)) == 0;
    if (zip || (lower.size() >= 5 && lower.compare(lower.size() - 5, 5, ".xlsx") == 0)) {
        auto wb = office::ReadXlsx(bytes);
        if (!wb.ok()) return Error::Validation("content_base64", "cannot read the .xlsx: " + wb.error().message, "bad_file");
        if (wb->sheets.empty()) return Error::Validation("content_base64", "the workbook has no sheet", "bad_file");
        std::vector<std::vector<std::string>> out;
        for (auto& r : wb->sheets[0].rows) {
            std::vector<std::string> row;
            for (auto& c : r) row.push_back(c.type == office::Cell::Type::kEmpty ? "" : c.text);
            out.push_back(std::move(row));
        }
        if (encoding) *encoding = "xlsx";
        return out;
    }
    // UTF-8 (BOM or not) as it is; otherwise GB18030 (GBK, GB2312: what Excel saves as "CSV" on a
    // Chinese Windows), the plan importer's detection.
    if (core::IsValidUtf8(bytes)) {
        if (encoding) *encoding = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? "UTF-8 (BOM)" : "UTF-8";
        return ParseCsv(bytes);
    }
    auto dec = plan::DecodeText(bytes);
    if (!dec.ok())
        return Error::Validation("content_base64", "the CSV is neither UTF-8 nor GB18030/GBK: " + dec.error().message, "bad_file");
    if (encoding) *encoding = dec->encoding;
    return ParseCsv(dec->utf8);
}

Result<Json> Import(store::WriteTx& tx, const std::vector<std::vector<std::string>>& table,
                    const ImportOptions& opt, const Viewer& v) {
    // The header is the first of the first 10 rows that names a layout's columns (a title row
    // above it, as in an error workbook sent back fixed, is skipped).
    size_t header = table.size();
    for (size_t r = 0; r < table.size() && r < 10 && header == table.size(); ++r) {
        bool period = false, value = false, ytd = false;
        for (auto& h : table[r]) {
            std::string n = Norm(h);
            period = period || IsAny(n, {"period", "期別", "期别", "時期", "时期", "報告期", "报告期"});
            value = value || IsAny(n, {"value", "數值", "数值", "累計值", "累计值"});
            ytd = ytd || CumulativeMonth(n) > 0;
        }
        if ((period && value) || ytd) header = r;
    }
    if (header == table.size()) {
        header = 0;
        while (header < table.size() && std::all_of(table[header].begin(), table[header].end(), [](auto& s) { return core::Trim(s).empty(); }))
            ++header;
    }
    if (header >= table.size()) return Error::Validation("content_base64", "the file has no header row", "bad_file");
    std::vector<std::string> hdr;
    for (auto& h : table[header]) hdr.push_back(Norm(h));
    auto col = [&](std::initializer_list<const char*> names) -> int {
        for (size_t i = 0; i < hdr.size(); ++i)
            if (IsAny(hdr[i], names)) return static_cast<int>(i);
        return -1;
    };
    // A row as checked: materialised from the table one at a time into one reused object (a
    // million-row file does not hold a second copy of its cells).
    struct Full {
        int row;  // 1-based file row
        Entry e;
        struct Cols {
            int indicator = -1, unit = -1, period = -1, value = -1, status = -1, growth = -1;
            int Of(const std::string& field) const {
                if (field == "indicator") return indicator;
                if (field == "unit") return unit;
                if (field == "period") return period;
                if (field == "value") return value;
                if (field == "status") return status;
                if (field == "growth") return growth;
                return -1;
            }
        } cols;  // field -> column index
        std::string month_value, yoy;     // wide: checked, not stored (unless comparable growth)
        int c_month = -1, c_yoy = -1, c_unit_measure = -1;
        std::string unit_measure;
    };
    struct Item {
        int row;   // 1-based file row
        size_t r;  // index in table
    };
    std::vector<Item> items;
    items.reserve(table.size());
    Full proto;  // the layout's constant part: columns, the wide table's unit and period
    proto.row = 0;
    std::string layout;
    Checker ck(tx.conn(), v);
    ck.default_status = opt.status;
    std::vector<Json> errors;
    auto err = [&](int row, int column, const std::string& message) {
        std::string name = column >= 0 && column < static_cast<int>(table[header].size()) ? core::Trim(table[header][column]) : "";
        errors.push_back({{"row", row}, {"column", name}, {"message", message}});
    };
    int c_ind = col({"indicator", "指標", "指标", "指標名稱", "指标名称", "indicator_code"});
    int c_period = col({"period", "期別", "期别", "時期", "时期", "報告期", "报告期"});
    int c_value = col({"value", "數值", "数值", "累計值", "累计值"});
    int c_ytd = -1, ytd_month = 0;
    for (size_t i = 0; i < hdr.size(); ++i)
        if (int m = CumulativeMonth(hdr[i])) c_ytd = static_cast<int>(i), ytd_month = m;
    if (c_ind < 0) c_ind = 0;
    if (c_period >= 0 && c_value >= 0) {
        layout = "long";
        int c_unit = col({"unit_code", "unit", "org_unit", "單位代碼", "单位代码", "區劃代碼", "区划代码", "單位", "单位"});
        int c_status = col({"status", "狀態", "状态"});
        int c_growth = col({"growth", "增速", "增速%", "可比價增速", "可比价增速"});
        if (c_unit < 0) return Error::Validation("content_base64", "the long layout needs a unit_code column (單位代碼)", "bad_file");
        for (size_t r = header + 1; r < table.size(); ++r) {
            auto& row = table[r];
            if (std::all_of(row.begin(), row.end(), [](auto& s) { return core::Trim(s).empty(); })) continue;
            items.push_back({static_cast<int>(r) + 1, r});
        }
        proto.cols = {c_ind, c_unit, c_period, c_value, c_status, c_growth};
    } else if (c_ytd >= 0) {
        layout = "wide";
        std::optional<std::pair<int, int>> period = opt.period;
        if (!period) {
            // The year from the file name (2026-06.xlsx, 2026年6月.csv), the month from the header.
            for (size_t i = 0; i + 4 <= opt.filename.size(); ++i) {
                if (opt.filename.compare(i, 2, "20") == 0 && std::isdigit(static_cast<unsigned char>(opt.filename[i + 2])) &&
                    std::isdigit(static_cast<unsigned char>(opt.filename[i + 3]))) {
                    period = std::make_pair(std::stoi(opt.filename.substr(i, 4)), ytd_month);
                    break;
                }
            }
            if (!period) return Error::Validation("period", "the wide layout needs the year: give period (YYYY-MM)", "required");
        }
        if (period->second != ytd_month)
            return Error::Validation("period", "the table is 1-" + std::to_string(ytd_month) + "月累計 but period says month " + std::to_string(period->second));
        if (!opt.unit_id) return Error::Validation("unit_id", "the wide layout needs the unit the table is for", "required");
        int c_month = col({"本月", "當月", "当月"});
        int c_yoy = col({"同比±%", "同比±(%)", "同比%", "同比", "同比增長%", "同比增长%", "同比增長(%)", "同比增长(%)", "增長%", "增长%"});
        int c_measure = col({"單位", "单位", "計量單位", "计量单位"});
        for (size_t r = header + 1; r < table.size(); ++r) {
            auto& row = table[r];
            if (std::all_of(row.begin(), row.end(), [](auto& s) { return core::Trim(s).empty(); })) continue;
            items.push_back({static_cast<int>(r) + 1, r});
        }
        proto.e.unit_id = *opt.unit_id;
        proto.e.period = FormatPeriod(period->first, period->second);
        proto.c_month = c_month;
        proto.c_yoy = c_yoy;
        proto.c_unit_measure = c_measure;
        proto.cols = {c_ind, -1, c_ytd, c_ytd, -1, c_yoy};
    } else {
        return Error::Validation("content_base64",
                                 "unknown layout: the header needs either indicator, unit_code, period, value (long) or "
                                 "指標, 本月, 1-N月累計, 同比±% (wide)", "bad_file");
    }

    std::vector<Checked> checked(items.size());
    struct KeyHash {
        size_t operator()(const std::pair<int64_t, int64_t>& k) const {
            return std::hash<int64_t>()(k.first * 1000003 + k.second);
        }
    };
    std::unordered_map<std::pair<int64_t, int64_t>, int, KeyHash> seen;  // (indicator, unit), year*100+month
    seen.reserve(items.size());
    const bool wide = layout == "wide";
    Full it = proto;
    for (size_t i = 0; i < items.size(); ++i) {
        // The cells of this row into the reused object (no allocation for short cells).
        {
            const auto& row = table[items[i].r];
            auto at = [&](int c) -> const std::string& {
                static const std::string kEmpty;
                return c >= 0 && c < static_cast<int>(row.size()) ? row[c] : kEmpty;
            };
            it.row = items[i].row;
            it.e.confirm_jump = opt.confirm_jump;
            it.e.indicator = at(it.cols.indicator);
            if (wide) {
                it.e.value = at(it.cols.value);
                it.e.growth.clear();
                it.month_value = at(it.c_month);
                it.yoy = at(it.c_yoy);
                it.unit_measure = core::Trim(at(it.c_unit_measure));
            } else {
                it.e.unit_code = at(it.cols.unit);
                it.e.period = at(it.cols.period);
                it.e.value = at(it.cols.value);
                it.e.status = at(it.cols.status);
                it.e.growth = at(it.cols.growth);
            }
        }
        if (wide && !it.yoy.empty()) {
            auto def = ck.Def(it.e.indicator);
            if (def && def->comparable_growth) it.e.growth = it.yoy;
        }
        auto errs = ck.Check(it.e, &checked[i]);
        for (auto& fe : errs) {
            int c = it.cols.Of(fe.field);
            if (layout == "wide" && fe.field == "unit") c = -1;
            err(it.row, c, fe.message);
        }
        if (!errs.empty()) continue;
        auto& k = checked[i];
        auto key = std::make_pair((k.def->id << 32) ^ k.unit->id, int64_t(k.year) * 100 + k.month);
        auto [pos, fresh] = seen.emplace(key, it.row);
        if (!fresh) {
            err(it.row, it.cols.value, "the same indicator, unit and period as row " + std::to_string(pos->second));
            continue;
        }
        if (layout == "wide") {
            std::string measure = it.unit_measure == "万元" ? "萬元" : it.unit_measure == "亿元" ? "億元"
                                : it.unit_measure == "亿美元" ? "億美元" : it.unit_measure == "个" ? "個" : it.unit_measure;
            if (it.c_unit_measure >= 0 && !measure.empty() && measure != k.def->unit)
                err(it.row, it.c_unit_measure, k.def->name_zh + " is in " + k.def->unit + ", not " + it.unit_measure);
            auto& s = ck.Series(k.def->id, k.unit->id, k.year);
            if (!it.month_value.empty()) {
                auto mv = Decimal::Parse(core::Trim(it.month_value));
                auto prev = s.lower_bound(k.month);
                if (!mv.ok()) {
                    err(it.row, it.c_month, "本月 must be a decimal number");
                } else if (prev != s.begin() && std::prev(prev)->first == k.month - 1) {
                    Decimal implied = k.value - std::prev(prev)->second;
                    Decimal diff = implied - *mv;
                    if (diff.Sign() < 0) diff = -diff;
                    if (diff > Decimal::FromUnits(1, static_cast<int>(k.def->scale)))
                        err(it.row, it.c_month, "本月 " + mv->ToString() + " does not match 1-" + std::to_string(k.month) +
                                                   "月累計 less the stored 1-" + std::to_string(k.month - 1) + "月累計 (" + implied.ToString() + ")");
                }
            }
            if (!it.yoy.empty() && !k.def->comparable_growth) {
                auto y = Decimal::Parse(core::Trim(it.yoy));
                auto& ly = ck.Series(k.def->id, k.unit->id, k.year - 1);
                auto lv = ly.find(k.month);
                if (!y.ok()) {
                    err(it.row, it.c_yoy, "同比±% must be a decimal number");
                } else if (lv != ly.end()) {
                    auto g = YearOnYearPercent(k.value, lv->second, 1);
                    if (g.ok()) {
                        Decimal diff = *g - *y;
                        if (diff.Sign() < 0) diff = -diff;
                        if (diff > Decimal::FromUnits(1, 1))
                            err(it.row, it.c_yoy, "同比 " + y->ToString() + "% does not match the stored " + std::to_string(k.year - 1) +
                                                     " figure " + lv->second.ToString() + " (" + g->ToString() + "%)");
                    }
                }
            }
        }
        ck.Note(k);
    }
    int bad_rows = 0;
    {
        std::set<int> rows;
        for (auto& e : errors) rows.insert(e["row"].get<int>());
        bad_rows = static_cast<int>(rows.size());
    }
    Json out = {{"layout", layout}, {"rows", items.size()}, {"valid", static_cast<int>(items.size()) - bad_rows},
                {"errors", errors.size() > 1000 ? Json(std::vector<Json>(errors.begin(), errors.begin() + 1000)) : Json(errors)},
                {"error_count", errors.size()}, {"applied", 0}};
    if (!opt.encoding.empty()) out["encoding"] = opt.encoding;
    if (!errors.empty()) {
        office::OutSheet es;
        es.name = "錯誤";
        es.title = "指標數據導入錯誤(" + std::to_string(errors.size()) + "處)";
        for (auto& h : table[header]) es.header.push_back(core::Trim(h));
        es.header.push_back("錯誤");
        std::map<std::pair<int, std::string>, std::string> by_cell;
        std::map<int, std::string> by_row;
        for (auto& e : errors) {
            int row = e["row"].get<int>();
            std::string c = e["column"].get<std::string>(), m = e["message"].get<std::string>();
            by_cell[{row, c}] += (by_cell[{row, c}].empty() ? "" : ";") + m;
            by_row[row] += (by_row[row].empty() ? "" : ";") + ("第" + std::to_string(row) + "行 " + (c.empty() ? "" : c + ":") + m);
        }
        size_t width = es.header.size() - 1;
        for (size_t r = header + 1; r < table.size() && es.rows.size() < 100000; ++r) {
            std::vector<office::OutCell> row;
            for (size_t k = 0; k < width; ++k) {
                auto oc = office::OutCell::Str(k < table[r].size() ? table[r][k] : "");
                auto hit = by_cell.find({static_cast<int>(r) + 1, es.header[k]});
                if (hit != by_cell.end()) {
                    oc.fill = "#FFFF00";
                    oc.comment = hit->second;
                }
                row.push_back(oc);
            }
            auto br = by_row.find(static_cast<int>(r) + 1);
            auto last = office::OutCell::Str(br == by_row.end() ? "" : br->second);
            if (br != by_row.end()) last.fill = "#FFFF00";
            row.push_back(last);
            es.rows.push_back(std::move(row));
        }
        auto bytes = office::WriteXlsx({es});
        if (bytes.ok()) out["error_workbook_base64"] = core::Base64Encode(*bytes);
        return out;  // all or nothing: nothing is written
    }
    if (!opt.apply) return out;
    int changed = 0;
    std::set<std::tuple<int64_t, int64_t, int>> touched;
    std::string source = opt.source.empty() ? "import:" + core::Utf8Prefix(opt.filename, 90) : opt.source;
    ck.BeginBatch();
    for (auto& k : checked) {
        auto w = ck.Write(tx, k, source, "", false);
        if (!w.ok()) return w.error();
        if (w->changed) {
            ++changed;
            touched.insert({k.def->id, k.unit->id, k.year});
        }
    }
    ck.Flush(tx.conn());
    tx.Emit("indicator.import", "indicator_import", std::nullopt,
            {{"filename", opt.filename}, {"layout", layout}, {"rows", items.size()}, {"changed", changed}});
    if (opt.emit_alerts) {
        auto s = LoadAlertSettings(tx.conn());
        std::map<int64_t, const store::IndicatorDefRow*> defs;
        for (auto& k : checked) defs[k.def->id] = k.def;
        for (auto& [ind, unit, year] : touched) {
            auto r = EvaluateSeriesAlert(tx, *defs[ind], unit, year, s);
            if (!r.ok()) return r.error();
        }
    }
    out["applied"] = items.size();
    out["changed"] = changed;
    return out;
}

}  // namespace duban::indicators
