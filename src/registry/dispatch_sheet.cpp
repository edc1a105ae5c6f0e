// The 重點項目調度表 workbook. Reading is tolerant of what spreadsheet programs do to a file
// (numbers typed as text, dates turned into date cells, rows shuffled, blank rows left at the
// end); checking is strict: a row is applied whole or not at all, and every error names the row
// and the column so the user can find it in the error workbook.
#include "registry/dispatch_sheet.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/calendar.hpp"
#include "office/office.hpp"

namespace duban::registry {

using core::Error;

const std::vector<std::string> kDispatchColumns = {
    "序號", "項目編號", "項目名稱", "項目類型", "重大項目", "所在園區", "責任單位", "包保領導",
    "當前階段", "階段日期", "計劃總投資(萬元)", "年度計劃投資(萬元)", "本月完成投資(萬元)",
    "自年初累計完成投資(萬元)", "累計完成投資(萬元)", "進展情況", "存在問題", "預警"};
const std::vector<std::string> kDispatchKinds = {"產業", "城建", "民生"};
const std::vector<std::string> kDispatchMajor = {"是", "否"};
const std::vector<std::string> kDispatchStages = {"儲備", "在談", "簽約", "註冊(落地)", "開工", "竣工/投產"};
const std::vector<std::string> kDispatchLights = {"綠燈", "黃燈", "紅燈"};

namespace {

constexpr const char* kSheetName = "調度表";
constexpr const char* kNumber = "項目編號";
constexpr const char* kSeq = "序號";
constexpr const char* kLeader = "包保領導";
constexpr const char* kAnnual = "年度計劃投資(萬元)";
constexpr const char* kMonth = "本月完成投資(萬元)";
constexpr const char* kProgress = "進展情況";
constexpr const char* kStageDate = "階段日期";
constexpr const char* kErrorColumn = "錯誤";
// Read-only cells also catch a sheet older than the data: a report made by someone else after the
// export changes 累計, so the stale row cannot overwrite it.
constexpr const char* kStaleHint = " (if you did not change it, the project changed after the export: export the sheet again)";
constexpr int kMaxRows = 5000;
constexpr int kTemplateRows = 200;
constexpr size_t kMaxLeaderChars = 50;
constexpr size_t kMaxProgressChars = 2000;
constexpr double kMaxAmountWan = 1e8;  // 1万亿元: beyond any district project

const std::set<std::string> kAmountColumns = {"計劃總投資(萬元)", "年度計劃投資(萬元)", "本月完成投資(萬元)",
                                              "自年初累計完成投資(萬元)", "累計完成投資(萬元)"};

// Traditional → Simplified for every character of this file's fixed words that differs (generated
// with `opencc -c t2s` over them; check with the unit test when a word is added).
constexpr std::string_view kT2S =
    "並并備备儲储冊册別别則则劃划匯汇區区問问單单園园報报寫写將将導导幣币後后數数條条業业標标況况準准"
    "為为燈灯產产當当稱称簽签約约紅红統统綠绿編编總总萬万處处號号視视計计記记註注誤误說说調调談谈請请"
    "識识讀读變变責责資资進进過过錄录錯错開开階阶項项預预領领題题額额類类驗验黃黄點点";

/// One UTF-8 character's length from its first byte.
size_t CharLen(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

Error BadFile(std::string msg, std::string code = "bad_xlsx") {
    return Error::Validation("content_base64", std::move(msg), std::move(code));
}

/// "2026-11" → "2026年11月".
std::string MonthWords(const std::string& month) {
    return month.substr(0, 4) + "年" + std::to_string(std::atoi(month.substr(5, 2).c_str())) + "月";
}

/// An amount in 萬元 as people write it: up to 4 decimals, no trailing zeros.
std::string FormatWan(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

/// Whitespace runs (spaces, tabs, line breaks, the ideographic space) as one space, trimmed: a
/// spreadsheet program may rewrap or re-end lines in a text cell without the user editing it.
std::string Squash(std::string_view s) {
    std::string out;
    bool space = false;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') n = 1;
        else if (s.compare(i, 3, "\xE3\x80\x80") == 0) n = 3;  // U+3000
        else if (s.compare(i, 2, "\xC2\xA0") == 0) n = 2;       // U+00A0
        if (n) {
            space = true;
            i += n;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += s[i++];
    }
    return out;
}

/// Text typed as a date (2026-03-18, 2026/3/18, 2026.3.18, 2026年3月18日) → YYYY-MM-DD.
std::optional<std::string> TextDate(std::string_view s) {
    std::vector<int> parts;
    int cur = -1;
    for (char ch : s) {
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
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
    auto d = core::Date::Parse(buf);
    if (!d || d->ToString() != buf) return std::nullopt;
    return d->ToString();
}

SheetCell ReadCell(const office::Cell* c) {
    SheetCell out;
    if (!c) return out;
    switch (c->type) {
        case office::Cell::Type::kEmpty:
            break;
        case office::Cell::Type::kNumber:
            if (c->is_date && c->number >= 1 && c->number <= 2958465) {
                out.text = office::SerialToDate(c->number).substr(0, 10);
            } else {
                out.number = c->number;
                // Integers and short decimals read as typed; long ones keep the file's text.
                out.text = c->text;
                if (std::isfinite(c->number) && std::fabs(c->number) < 1e15) {
                    std::string short_text = FormatWan(c->number);
                    if (std::strtod(short_text.c_str(), nullptr) == c->number) out.text = short_text;
                }
            }
            break;
        case office::Cell::Type::kString:
            out.text = core::Trim(c->text);
            if (c->is_date && out.text.size() >= 10) out.text = out.text.substr(0, 10);
            break;
        default:
            out.text = core::Trim(c->text);
    }
    return out;
}

/// The first "YYYY年M月" (or "YYYY-MM") in `s` → "YYYY-MM".
std::optional<std::string> FindMonth(std::string_view s) {
    for (size_t i = 0; i + 4 <= s.size(); ++i) {
        auto digits = [&](size_t at, size_t n) {
            if (at + n > s.size()) return false;
            for (size_t k = 0; k < n; ++k)
                if (s[at + k] < '0' || s[at + k] > '9') return false;
            return true;
        };
        if (!digits(i, 4) || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')) continue;
        int year = std::atoi(std::string(s.substr(i, 4)).c_str());
        size_t j = i + 4;
        size_t sep = s.compare(j, 3, "年") == 0 ? 3 : (j < s.size() && (s[j] == '-' || s[j] == '/')) ? 1 : 0;
        if (!sep) continue;
        j += sep;
        size_t n = digits(j, 2) ? 2 : digits(j, 1) ? 1 : 0;
        if (!n) continue;
        int month = std::atoi(std::string(s.substr(j, n)).c_str());
        if (sep == 3 && s.compare(j + n, 3, "月") != 0) continue;
        if (sep == 1 && n != 2) continue;
        if (year < 2000 || year > 2100 || month < 1 || month > 12) continue;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
        return std::string(buf);
    }
    return std::nullopt;
}

/// An amount typed by a user: a number cell, or text "1,234.5" / "1234.5万". Errors in words.
struct Amount {
    std::optional<double> value;  // nullopt: blank
    std::string error;
};
Amount ParseAmount(const SheetCell& c, const std::string& column) {
    Amount a;
    double v = 0;
    std::string shown = c.text;
    if (c.number) {
        v = *c.number;
    } else {
        std::string t;
        for (char ch : c.text)
            if (ch != ',' && ch != ' ') t += ch;
        if (t.size() >= 3 && t.compare(t.size() - 3, 3, "万") == 0) t.resize(t.size() - 3);
        if (t.size() >= 3 && t.compare(t.size() - 3, 3, "萬") == 0) t.resize(t.size() - 3);
        if (t.empty()) return a;
        bool neg = t[0] == '-';
        size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
        size_t digits = 0, decimals = 0;
        bool dot = false, ok = i < t.size();
        for (; i < t.size() && ok; ++i) {
            if (t[i] >= '0' && t[i] <= '9') {
                ++digits;
                if (dot) ++decimals;
            } else if (t[i] == '.' && !dot) {
                dot = true;
            } else {
                ok = false;
            }
        }
        if (!ok || digits == 0) {
            a.error = column + " '" + shown + "' is not a number";
            return a;
        }
        if (neg) {
            a.error = column + " " + shown + " is negative; amounts are 0 or more";
            return a;
        }
        if (decimals > 4) {
            a.error = column + " " + shown + " has more than 4 decimals (萬元 to 1元)";
            return a;
        }
        v = std::strtod(t.c_str(), nullptr);
    }
    if (!std::isfinite(v)) {
        a.error = column + " is not a number";
        return a;
    }
    if (v < 0) {
        a.error = column + " " + shown + " is negative; amounts are 0 or more";
        return a;
    }
    double scaled = v * 1e4;
    if (std::fabs(scaled - std::round(scaled)) > 1e-6 + 1e-9 * std::fabs(scaled)) {
        a.error = column + " " + shown + " has more than 4 decimals (萬元 to 1元)";
        return a;
    }
    if (v > kMaxAmountWan) {
        a.error = column + " " + shown + " is more than " + FormatWan(kMaxAmountWan) + " 萬元";
        return a;
    }
    a.value = std::round(scaled) / 1e4;
    return a;
}

bool SameAmount(std::optional<double> a, std::optional<double> b) {
    if (!a || !b) return a.has_value() == b.has_value();
    return std::fabs(*a - *b) < 5e-5;
}

/// duban's value of a read-only column, as the export writes it.
struct Shown {
    std::string text;
    std::optional<double> number = std::nullopt;
    bool amount = false;
};
Shown ReadOnlyValue(const DispatchRow& r, const std::string& column) {
    if (column == "項目名稱") return {r.name};
    if (column == "項目類型") return {r.kind};
    if (column == "重大項目") return {r.major};
    if (column == "所在園區") return {r.park};
    if (column == "責任單位") return {r.lead_unit};
    if (column == "當前階段") return {r.stage};
    if (column == kStageDate) return {r.stage_date};
    if (column == "計劃總投資(萬元)") return {"", r.total_investment_wan, true};
    if (column == "自年初累計完成投資(萬元)") return {"", r.year_done_wan, true};
    if (column == "累計完成投資(萬元)") return {"", r.cumulative_wan, true};
    if (column == "存在問題") return {r.problems};
    if (column == "預警") return {r.light};
    return {};
}

office::OutCell AmountCell(std::optional<double> v) {
    if (!v) return office::OutCell::Str("");
    return office::OutCell::Num(*v);
}

}  // namespace

std::string DispatchSimplified(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t n = std::min(CharLen(static_cast<unsigned char>(s[i])), s.size() - i);
        const std::string_view ch = s.substr(i, n);
        bool done = false;
        if (n == 3)
            for (size_t k = 0; k + 6 <= kT2S.size(); k += 6)
                if (kT2S.substr(k, 3) == ch) {
                    out += kT2S.substr(k + 3, 3);
                    done = true;
                    break;
                }
        if (!done) out += ch;
        i += n;
    }
    return out;
}

std::string DispatchKindLabel(std::string_view k) {
    if (k == "industry") return "產業";
    if (k == "urban") return "城建";
    if (k == "livelihood") return "民生";
    return std::string(k);
}

std::string DispatchStageLabel(std::string_view s) {
    static const std::vector<std::pair<std::string_view, size_t>> kCodes = {
        {"reserve", 0}, {"negotiating", 1}, {"signed", 2}, {"registered", 3}, {"started", 4}, {"completed", 5}};
    for (auto& [code, i] : kCodes)
        if (s == code) return kDispatchStages[i];
    return std::string(s);
}

std::string DispatchLightLabel(std::string_view l) {
    if (l == "green") return "綠燈";
    if (l == "yellow") return "黃燈";
    if (l == "red") return "紅燈";
    return std::string(l);
}

const SheetCell* DispatchSheet::Cell(const Row& row, std::string_view column) const {
    for (size_t k = 0; k < keys.size(); ++k)
        if (keys[k] == column) return k < row.cells.size() ? &row.cells[k] : nullptr;
    return nullptr;
}

std::string DispatchSheet::Named(std::string_view column) const {
    for (size_t k = 0; k < keys.size() && k < header.size(); ++k)
        if (keys[k] == column) return header[k];
    return simplified ? DispatchSimplified(column) : std::string(column);
}

core::Result<std::string> BuildDispatchTable(const std::vector<DispatchRow>& rows, const std::string& month,
                                             bool template_only, bool simplified) {
    // The fixed words in the reader's script; the data as stored.
    auto w = [simplified](std::string s) { return simplified ? DispatchSimplified(s) : s; };
    auto ws = [&](const std::vector<std::string>& v) {
        std::vector<std::string> out;
        for (auto& s : v) out.push_back(w(s));
        return out;
    };
    if (!FindMonth(month)) return Error::Validation("month", "month '" + month + "' is not YYYY-MM");
    office::OutSheet sheet;
    sheet.name = w(kSheetName);
    sheet.title = w("重點項目調度表(") + MonthWords(month) + ")";
    sheet.header = ws(kDispatchColumns);
    sheet.col_widths = {6, 15, 28, 8, 8, 16, 16, 14, 10, 12, 12, 12, 12, 14, 12, 40, 30, 8};
    auto col = [](const char* name) {
        return static_cast<int>(std::find(kDispatchColumns.begin(), kDispatchColumns.end(), name) -
                                kDispatchColumns.begin());
    };
    int drop_rows = template_only ? kTemplateRows : 0;
    sheet.dropdowns = {{col("項目類型"), ws(kDispatchKinds), drop_rows},
                       {col("重大項目"), ws(kDispatchMajor), drop_rows},
                       {col("當前階段"), ws(kDispatchStages), drop_rows},
                       {col("預警"), ws(kDispatchLights), drop_rows}};
    if (!template_only) {
        int seq = 0;
        for (const auto& r : rows) {
            office::OutCell light = office::OutCell::Str(w(r.light));
            if (r.light == "紅燈") light.fill = "#F4B6B6";
            else if (r.light == "黃燈") light.fill = "#FCE9A6";
            else if (r.light == "綠燈") light.fill = "#C6EFCE";
            sheet.rows.push_back({office::OutCell::Num(++seq), office::OutCell::Str(r.number),
                                  office::OutCell::Str(r.name), office::OutCell::Str(w(r.kind)),
                                  office::OutCell::Str(w(r.major)), office::OutCell::Str(r.park),
                                  office::OutCell::Str(r.lead_unit), office::OutCell::Str(r.leader),
                                  office::OutCell::Str(w(r.stage)), office::OutCell::Str(r.stage_date),
                                  AmountCell(r.total_investment_wan), AmountCell(r.annual_plan_wan),
                                  AmountCell(r.month_done_wan), AmountCell(r.year_done_wan),
                                  AmountCell(r.cumulative_wan), office::OutCell::Str(r.progress),
                                  office::OutCell::Str(r.problems), light});
        }
    }

    office::OutSheet help;
    help.name = w("說明");
    help.title = w("重點項目調度表填報說明(") + MonthWords(month) + ")";
    help.header = {w("項目"), w("說明")};
    help.col_widths = {24, 90};
    help.autofilter = false;
    help.landscape = false;
    auto line = [&](std::string a, std::string b) {
        help.rows.push_back({office::OutCell::Str(w(std::move(a))), office::OutCell::Str(w(std::move(b)))});
    };
    line("月份", month + ":本月完成投資按此月份填報。月份以調度表標題為準,請勿修改標題。");
    line("項目編號", "識別項目,請勿修改;新項目在系統中登記,不在表中新增。");
    line("可填寫的列", "年度計劃投資(萬元)、本月完成投資(萬元)、進展情況、包保領導。");
    line("年度計劃投資(萬元)", "0或正數,最多4位小數;留空表示不修改。");
    line("本月完成投資(萬元)", "本月(" + MonthWords(month) + ")完成的投資,0或正數,最多4位小數;已填報的月份再次填報視為修正並留痕。");
    line("進展情況", "填寫新的進展,導入後作為一條進展記錄追加(不超過2000字);不變或留空則不追加。");
    line("包保領導", "不超過50字。");
    line("其他列", "只讀(項目名稱、項目類型、重大項目、所在園區、責任單位、當前階段、階段日期、計劃總投資、累計數、存在問題、預警);修改只讀列的行將報錯且不導入。");
    line("導入", "先校驗全部行;有錯誤的行不導入,錯誤表按行號和列名列出原因(錯誤列),改正後可再次導入。");
    line("金額單位", "萬元;美元項目按填報匯率折算為人民幣萬元。");
    return office::WriteXlsx({sheet, help});
}

core::Result<DispatchSheet> ParseDispatchTable(std::string_view xlsx) {
    auto wb = office::ReadXlsx(xlsx);
    if (!wb) return BadFile("not a readable .xlsx file: " + wb.error().message);
    if (wb->sheets.empty()) return BadFile("the workbook has no sheet");
    const office::Sheet* sh = wb->Find(kSheetName);
    if (!sh) sh = wb->Find(DispatchSimplified(kSheetName));
    if (!sh) sh = &wb->sheets.front();
    const std::string number_simplified = DispatchSimplified(kNumber);

    DispatchSheet out;
    int header = -1;
    for (int r = 0; r < static_cast<int>(sh->rows.size()) && r < 10 && header < 0; ++r)
        for (const auto& c : sh->rows[r])
            if (const auto t = ReadCell(&c).text; t == kNumber || t == number_simplified) header = r;
    if (header < 0)
        return BadFile("no header row with " + std::string(kNumber) + " in the first ten rows of sheet " + sh->name,
                       "bad_sheet");
    out.header_row = header + 1;
    for (const auto& c : sh->rows[header]) {
        out.header.push_back(ReadCell(&c).text);
        // The contract's word for a heading in either script; an unknown heading stays as read.
        std::string key = out.header.back();
        for (const auto& col : kDispatchColumns)
            if (key == DispatchSimplified(col) && key != col) {
                key = col;
                out.simplified = true;
            }
        if (key == DispatchSimplified(kErrorColumn)) key = kErrorColumn;
        out.keys.push_back(key);
    }

    // The month: the title above the header, else sheet 說明.
    for (int r = 0; r < header && !out.month.size(); ++r)
        for (const auto& c : sh->rows[r]) {
            auto t = ReadCell(&c).text;
            if (t.empty()) continue;
            if (out.title.empty()) out.title = t;
            if (auto m = FindMonth(t)) {
                out.month = *m;
                out.title = t;
                break;
            }
        }
    if (out.month.empty())
        if (const office::Sheet* help = wb->Find("說明") ? wb->Find("說明") : wb->Find(DispatchSimplified("說明")))
            for (const auto& row : help->rows) {
                if (row.size() < 2 || ReadCell(&row[0]).text != "月份") continue;
                if (auto m = FindMonth(ReadCell(&row[1]).text)) out.month = *m;
                break;
            }
    if (out.month.empty())
        return BadFile("the title row naming the month (重點項目調度表(2026年11月)) is missing above the header",
                       "no_month");

    for (int r = header + 1; r < static_cast<int>(sh->rows.size()); ++r) {
        DispatchSheet::Row row;
        row.row = r + 1;
        bool any = false;
        for (size_t k = 0; k < out.header.size(); ++k) {
            row.cells.push_back(ReadCell(sh->At(r, static_cast<int>(k))));
            if (!row.cells.back().text.empty()) any = true;
        }
        if (!any) continue;
        if (static_cast<int>(out.rows.size()) >= kMaxRows)
            return BadFile("sheet " + sh->name + " has more than " + std::to_string(kMaxRows) + " rows", "too_many_rows");
        out.rows.push_back(std::move(row));
    }
    return out;
}

DispatchCheck CheckDispatchTable(const DispatchSheet& sheet, const std::map<std::string, DispatchRow>& current) {
    DispatchCheck out;
    std::set<std::string> seen;
    for (const auto& row : sheet.rows) {
        ++out.rows;
        size_t errors_before = out.errors.size();
        // Errors name the column as the sheet writes it (its heading, in its script).
        auto err = [&](const std::string& column, std::string msg) {
            out.errors.push_back({row.row, sheet.Named(column), std::move(msg)});
        };
        auto name = [&](const char* column) { return sheet.Named(column); };
        const SheetCell* num_cell = sheet.Cell(row, kNumber);
        std::string number = num_cell ? num_cell->text : "";
        if (number.empty()) {
            err(kNumber, name(kNumber) + " is empty; new projects are registered in duban, not in the sheet");
            continue;
        }
        auto it = current.find(number);
        if (it == current.end()) {
            err(kNumber, "no project numbered " + number + " among the projects you may edit");
            continue;
        }
        if (!seen.insert(number).second) {
            err(kNumber, "project " + number + " appears twice in the sheet");
            continue;
        }
        const DispatchRow& cur = it->second;
        DispatchChange ch;
        ch.row = row.row;
        ch.number = number;

        // Read-only columns first, in sheet order.
        for (size_t k = 0; k < sheet.keys.size(); ++k) {
            const std::string& column = sheet.keys[k];
            if (column == kSeq || column == kNumber || column == kLeader || column == kAnnual || column == kMonth ||
                column == kProgress || column == kErrorColumn)
                continue;
            if (std::find(kDispatchColumns.begin(), kDispatchColumns.end(), column) == kDispatchColumns.end())
                continue;  // a column the user added: not ours
            const SheetCell& c = k < row.cells.size() ? row.cells[k] : SheetCell{};
            Shown want = ReadOnlyValue(cur, column);
            if (want.amount) {
                Amount got = ParseAmount(c, name(column.c_str()));
                if (!got.error.empty() || !SameAmount(got.value, want.number))
                    err(column, name(column.c_str()) + " is read-only: the sheet has '" + c.text + "', duban has '" +
                                    (want.number ? FormatWan(*want.number) : "") + "'" + kStaleHint);
                continue;
            }
            std::string got = c.text;
            if (column == kStageDate && !got.empty())
                if (auto d = TextDate(got)) got = *d;
            // Either script of the fixed words (a label such as 開工 / 开工) is the same value.
            if (DispatchSimplified(Squash(got)) != DispatchSimplified(Squash(want.text)))
                err(column, name(column.c_str()) + " is read-only: the sheet has '" + core::Utf8Prefix(c.text, 60) +
                                "', duban has '" + core::Utf8Prefix(want.text, 60) + "'" + kStaleHint);
        }

        if (const SheetCell* c = sheet.Cell(row, kLeader)) {
            if (core::Utf8Length(c->text) > kMaxLeaderChars)
                err(kLeader, name(kLeader) + " is longer than " + std::to_string(kMaxLeaderChars) + " characters");
            else if (core::HasControlChars(c->text) || !core::IsValidUtf8(c->text))
                err(kLeader, name(kLeader) + " has a line break or control character");
            else if (c->text != cur.leader)
                ch.leader = c->text;
        }
        for (const char* column : {kAnnual, kMonth}) {
            const SheetCell* c = sheet.Cell(row, column);
            if (!c) continue;
            Amount a = ParseAmount(*c, name(column));
            if (!a.error.empty()) {
                err(column, a.error);
                continue;
            }
            if (!a.value) continue;  // blank: unchanged
            bool annual = std::string_view(column) == kAnnual;
            if (!SameAmount(a.value, annual ? cur.annual_plan_wan : cur.month_done_wan))
                (annual ? ch.annual_plan_wan : ch.month_done_wan) = a.value;
        }
        if (const SheetCell* c = sheet.Cell(row, kProgress)) {
            if (core::Utf8Length(c->text) > kMaxProgressChars)
                err(kProgress, name(kProgress) + " is longer than " + std::to_string(kMaxProgressChars) + " characters");
            else if (!core::IsValidUtf8(c->text) || core::HasControlChars(Squash(c->text)))
                err(kProgress, name(kProgress) + " has a control character");
            else if (!c->text.empty() && Squash(c->text) != Squash(cur.progress))
                ch.progress = Squash(c->text);  // one line: line breaks become spaces
        }
        if (out.errors.size() != errors_before) continue;
        if (ch.leader || ch.annual_plan_wan || ch.month_done_wan || ch.progress) out.changes.push_back(std::move(ch));
    }
    std::set<int> bad;
    for (const auto& e : out.errors) bad.insert(e.row);
    out.valid = out.rows - static_cast<int>(bad.size());
    return out;
}

core::Result<std::string> BuildErrorWorkbook(const DispatchSheet& sheet, const std::vector<SheetError>& errors) {
    office::OutSheet es;
    auto w = [&](std::string t) { return sheet.simplified ? DispatchSimplified(t) : t; };
    es.name = w(kSheetName);
    es.title = w("重點項目調度表(") + (sheet.month.empty() ? std::string("") : MonthWords(sheet.month)) + w(")導入錯誤") +
               std::to_string(errors.size()) + w("處");
    std::vector<size_t> keep;  // header positions kept: an earlier 錯誤 column is replaced
    for (size_t k = 0; k < sheet.header.size(); ++k)
        if ((k < sheet.keys.size() ? sheet.keys[k] : sheet.header[k]) != kErrorColumn) {
            keep.push_back(k);
            es.header.push_back(sheet.header[k]);
        }
    es.header.push_back(w(kErrorColumn));
    es.col_widths.assign(es.header.size(), 14);
    es.col_widths.back() = 60;
    std::map<std::pair<int, std::string>, std::string> by_cell;
    std::map<int, std::string> by_row;
    for (const auto& e : errors) {
        auto& cell = by_cell[{e.row, e.column}];
        cell += (cell.empty() ? "" : ";") + e.message;
        auto& line = by_row[e.row];
        line += (line.empty() ? "" : ";") + (w("第") + std::to_string(e.row) + w("行 ") + e.column + ":" + e.message);
    }
    for (const auto& row : sheet.rows) {
        std::vector<office::OutCell> out;
        for (size_t k : keep) {
            const SheetCell& c = k < row.cells.size() ? row.cells[k] : SheetCell{};
            office::OutCell oc = c.number ? office::OutCell::Num(*c.number) : office::OutCell::Str(c.text);
            auto hit = by_cell.find({row.row, sheet.header[k]});
            if (hit != by_cell.end()) {
                oc.fill = "#FFFF00";
                oc.comment = hit->second;
            }
            out.push_back(std::move(oc));
        }
        auto line = by_row.find(row.row);
        out.push_back(office::OutCell::Str(line == by_row.end() ? "" : line->second));
        es.rows.push_back(std::move(out));
    }
    return office::WriteXlsx({es});
}

}  // namespace duban::registry
