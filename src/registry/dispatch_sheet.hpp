#pragma once
/// duban::registry — the 重點項目調度表 (key-project dispatch table) workbook: build it, read an
/// edited copy back (what Excel, WPS or LibreOffice wrote), check each row against the projects
/// as duban holds them, and build the error workbook. Pure: no HTTP, no SQL, no clock; the caller
/// supplies the rows (docs/projects-api.md "Dispatch table").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace duban::registry {

/// The columns of sheet 調度表, in order, exactly as the contract names them.
extern const std::vector<std::string> kDispatchColumns;
/// The values of the enumerated columns (the sheet's dropdowns).
extern const std::vector<std::string> kDispatchKinds;   // 項目類型: 產業 城建 民生
extern const std::vector<std::string> kDispatchMajor;   // 重大項目: 是 否
extern const std::vector<std::string> kDispatchStages;  // 當前階段: 儲備 … 竣工/投產
extern const std::vector<std::string> kDispatchLights;  // 預警: 綠燈 黃燈 紅燈

/// The sheet's fixed words (headings, labels, sheet names, instructions) in Simplified script:
/// "項目編號" → "项目编号". Only the characters those words use are mapped; data (project, park and
/// unit names, progress notes) is never converted.
std::string DispatchSimplified(std::string_view traditional);

/// The engine's codes in the sheet's words: "industry" → "產業", true → "是", "green" → "綠燈",
/// "registered" → "註冊(落地)". Unknown codes come back unchanged.
std::string DispatchKindLabel(std::string_view project_kind);
std::string DispatchStageLabel(std::string_view stage);
std::string DispatchLightLabel(std::string_view light);
inline std::string DispatchMajorLabel(bool major) { return major ? "是" : "否"; }

/// One project as the sheet shows it. Amounts in 萬元 (the CNY figures).
struct DispatchRow {
    std::string number;      // 項目編號: identifies the row on import
    std::string name;        // 項目名稱
    std::string kind;        // 項目類型 (label)
    std::string major;       // 重大項目: 是 | 否
    std::string park;        // 所在園區
    std::string lead_unit;   // 責任單位 (the unit's name)
    std::string leader;      // 包保領導 (editable)
    std::string stage;       // 當前階段 (label)
    std::string stage_date;  // 階段日期 YYYY-MM-DD, or empty
    std::optional<double> total_investment_wan;  // 計劃總投資
    std::optional<double> annual_plan_wan;       // 年度計劃投資 (editable)
    std::optional<double> month_done_wan;        // 本月完成投資 for the sheet's month (editable)
    std::optional<double> year_done_wan;         // 自年初累計完成投資, up to the sheet's month
    std::optional<double> cumulative_wan;        // 累計完成投資
    std::string progress;    // 進展情況: the latest progress note (editable: a new text is appended)
    std::string problems;    // 存在問題: the open problems, one per line
    std::string light;       // 預警 (label)
};

/// The workbook: sheet 調度表 with a title cell naming the month ("重點項目調度表(2026年11月)"),
/// the header, one row per project numbered from 1 (amounts as numbers), dropdowns on the
/// enumerated columns; sheet 說明 explaining the columns and the month. template_only: no rows,
/// dropdowns over the first 200 rows. simplified: every fixed word in Simplified script (调度表,
/// 项目编号, 开工 …; the data as stored); the import reads either. REQUIRES: month is "YYYY-MM".
core::Result<std::string> BuildDispatchTable(const std::vector<DispatchRow>& rows,
                                             const std::string& month, bool template_only,
                                             bool simplified = false);

/// One problem in an uploaded sheet: row is the sheet's row number (1-based, as Excel shows it),
/// column the header it is under.
struct SheetError {
    int row = 0;
    std::string column, message;
};

/// A cell of an uploaded sheet: its text as the user sees it (dates as YYYY-MM-DD, trimmed) and,
/// when the file holds a number there, the number.
struct SheetCell {
    std::string text;
    std::optional<double> number;
};

/// An uploaded 調度表 as read, before any check against the database.
struct DispatchSheet {
    std::string month;                 // "YYYY-MM" from the title cell (or sheet 說明)
    std::string title;                 // the title cell as read
    int header_row = 0;                // the header's sheet row number
    std::vector<std::string> header;   // as read, in order
    std::vector<std::string> keys;     // the header in the contract's (Traditional) words, in order
    bool simplified = false;           // its headings are in Simplified script: errors name them so
    struct Row {
        int row = 0;                   // sheet row number
        std::vector<SheetCell> cells;  // by header position (short rows padded)
    };
    std::vector<Row> rows;             // data rows; wholly blank rows are skipped
    /// The cell under `column` (the contract's word) in `row`, nullptr when the sheet has no such column.
    const SheetCell* Cell(const Row& row, std::string_view column) const;
    /// A column as this sheet writes it: the heading as read, or the word in the sheet's script.
    std::string Named(std::string_view column) const;
};

/// Reads the first sheet named 調度表 or 调度表 (else the first sheet): the header is the first row
/// in the first ten holding 項目編號 or 项目编号 (headings in either script); numbers may be numbers or text, strings shared or inline; trailing
/// blank rows are ignored. Errors (kValidation on field content_base64): not an .xlsx, no sheet,
/// no header with 項目編號, no month in the title, too many rows (limit 5000).
core::Result<DispatchSheet> ParseDispatchTable(std::string_view xlsx);

/// What one valid row changes. A field is set only when the sheet differs from duban.
struct DispatchChange {
    int row = 0;
    std::string number;
    std::optional<double> annual_plan_wan;
    std::optional<double> month_done_wan;  // report this amount for the sheet's month
    std::optional<std::string> leader;
    std::optional<std::string> progress;   // a new note to append
};
struct DispatchCheck {
    int rows = 0;   // data rows read
    int valid = 0;  // rows without an error
    std::vector<DispatchChange> changes;  // valid rows that change something, in sheet order
    std::vector<SheetError> errors;       // in sheet order
};

/// Checks every row against `current` (the projects the importer may see, by number, built for
/// the sheet's month the way the export builds them): 項目編號 known and not repeated;
/// 年度計劃投資 and 本月完成投資 non-negative numbers with at most 4 decimals (blank = unchanged);
/// 包保領導 at most 50 characters; 進展情況 at most 2000 characters (blank = nothing to add);
/// every read-only column present in the sheet equal to duban's value (序號 is ignored). A row
/// with any error changes nothing.
DispatchCheck CheckDispatchTable(const DispatchSheet& sheet,
                                 const std::map<std::string, DispatchRow>& current);

/// The error workbook: the uploaded sheet (title, header, rows as read) plus a 錯誤 column giving
/// each row's errors; the cells in error are yellow with a comment. It can be corrected and
/// uploaded again.
core::Result<std::string> BuildErrorWorkbook(const DispatchSheet& sheet,
                                             const std::vector<SheetError>& errors);

}  // namespace duban::registry
