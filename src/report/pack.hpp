#pragma once
/// duban::report — the monthly economic analysis pack (月度經濟運行分析): the standard table, charts
/// and a drafted narrative in the register of a district's report, rendered as .xlsx, HTML and PDF.
/// Pure: it takes the month's figures (computed by the indicators engine) and renders them; no
/// database, no HTTP. Every number in the narrative is taken from the table, never recomputed.
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace duban::report {

/// One row of the standard table. Values are decimal strings exactly as shown (already rounded
/// half up to the unit shown by the indicators engine), or empty when not available.
struct TableRow {
    std::string code;        // indicator code, e.g. "GDP", "FISCAL_REV"
    std::string name;        // 一般公共預算收入
    std::string unit;        // 億元, 萬元, 億美元, 人, 家, %
    std::string month_value;  // 本月 (empty for quarterly/annual indicators)
    std::string ytd;          // 1-N月累計
    std::string yoy;          // 同比±% of the cumulative value ("20.2", "-3.5")
    std::string target;       // 年度目標 (absolute, in unit)
    std::string completion;   // 完成目標% ("52.3")
    std::string gap;          // 序時進度差, percentage points: + ahead, - behind ("2.3", "-6.1")
    std::string light;        // green, yellow, red (alerts: behind time progress, negative growth)
    bool higher_is_better = true;
};

/// A street's figure for the lead/lag paragraph.
struct StreetFigure {
    std::string street;   // 春柳街道
    std::string indicator;  // name
    std::string yoy;      // 同比±%
    std::string completion;  // 完成目標%
};

/// A month's series point for the trend charts (cumulative growth by month).
struct TrendPoint {
    int month = 0;
    std::string yoy;  // 1-N月累計同比±%
};

struct MonthlyData {
    std::string district;    // 沙河口区
    int year = 0, month = 0;  // the month reported (1-N月)
    std::string time_progress;  // 序時進度 % ("50.0")
    std::vector<TableRow> rows;
    std::vector<StreetFigure> streets;  // for the lead/lag paragraph
    std::vector<std::pair<std::string, std::vector<TrendPoint>>> trends;  // by indicator code
    bool generated_data = false;  // demo data: say so on every page
};

/// kTraditional is OpenCC s2tw of the simplified text (Taiwan character forms, mainland
/// vocabulary kept); kSimplified passes names through t2s, so either script may come in.
enum class Script { kSimplified, kTraditional };

/// The drafted narrative, one paragraph per string: the lead paragraph, then one paragraph (a
/// sentence) per table row in order ("1-6月,全區一般公共預算收入完成X億元,同比增長Y%,完成年度目標
/// 的Z%,超序時進度W個百分點。"; a missing figure drops its clause), a paragraph on what is behind
/// (red and yellow rows), and, when `streets` has two or more per indicator, the streets that
/// lead and lag. Every figure is a table (or street) string copied, never recomputed.
std::vector<std::string> DraftNarrative(const MonthlyData& d, Script script = Script::kSimplified);

/// Numbers in `narrative` (e.g. after a person edited the draft) that are not a figure of the
/// table, a street, the time progress or the period ("2026", "1", "6" in "2026年1-6月"), in
/// order of appearance. A sign is not part of a number: "下降3.5%" matches the table's "-3.5".
/// Empty for any draft; for edited text, a list to show before the pack is issued.
std::vector<std::string> UntracedNumbers(const MonthlyData& d,
                                         const std::vector<std::string>& narrative);

/// The pack, rendered. `narrative` is the (possibly edited) text to print; empty = the draft.
/// All three print `d.generated_data` as a demo-data note (xlsx: both sheets; PDF: every page).
core::Result<std::string> RenderXlsx(const MonthlyData& d, const std::vector<std::string>& narrative,
                                     Script script = Script::kSimplified);
core::Result<std::string> RenderHtml(const MonthlyData& d, const std::vector<std::string>& narrative,
                                     Script script = Script::kSimplified);
/// A4 PDF with CJK fonts embedded (cairo + pango, fonts-noto-cjk).
core::Result<std::string> RenderPdf(const MonthlyData& d, const std::vector<std::string>& narrative,
                                    Script script = Script::kSimplified);

}  // namespace duban::report
