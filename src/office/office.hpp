#pragma once
/// duban::office — reading and writing the office files users exchange: .docx (paragraphs and
/// heading levels) and .xlsx (read any sheet; write styled sheets). No HTTP, no SQL. Every reader
/// is bounded against hostile input (zip bombs, deep or huge XML, too many rows).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace duban::office {

struct Limits {
    size_t max_archive_bytes = 64u << 20;        // the .docx/.xlsx file itself
    size_t max_entry_bytes = 64u << 20;          // one uncompressed part
    size_t max_total_uncompressed = 256u << 20;  // all parts read
    size_t max_ratio = 200;                      // uncompressed / compressed, per part
    size_t max_paragraphs = 200000;
    size_t max_rows = 1000000, max_cols = 16384;
    size_t max_cells = 5000000;  // xlsx: cell slots over the workbook, counting empty rows and
                                 // the gaps before each cell (vectors hold them); also caps the
                                 // shared strings and cell formats. max_total_uncompressed also
                                 // caps the text copied into cells from shared strings.
};
/// Errors from the readers: kBadRequest with code "invalid_office_file" (not a zip, a part
/// missing, malformed XML), kTooLarge with code "office_file_too_large" (a limit above). The
/// message names the file kind, the part and the figure, e.g. "docx: word/document.xml is
/// 900 MB uncompressed; the limit is 64 MB".

// ---------------------------------------------------------------- docx
struct Paragraph {
    std::string text;       // UTF-8, runs joined, tabs as '\t', breaks as '\n'
    int heading_level = 0;  // 0 = body; 1..9 from a Heading N / 標題 N style or an outline level
    std::string style;      // the paragraph's style id, as written
};
/// The document's body paragraphs in order (tables' paragraphs included, in order). Errors:
/// not a zip, no word/document.xml, limits exceeded, malformed XML (kind kInvalid, message says
/// which).
core::Result<std::vector<Paragraph>> ReadDocx(std::string_view bytes, const Limits& lim = {});

// ---------------------------------------------------------------- xlsx read
struct Cell {
    enum class Type { kEmpty, kString, kNumber, kBool, kError } type = Type::kEmpty;
    std::string text;     // strings; numbers as written in the file ("13.08"); "TRUE"/"FALSE"
    double number = 0;    // numbers
    bool is_date = false; // number formatted as a date/time (built-in ids 14-22, 45-47, the East
                          // Asian 27-36 and 50-58, or a custom format with y/m/d/h/s outside
                          // quotes and brackets); in a 1904 workbook number is shifted to 1900.
                          // Also set on t="d" cells (ISO text, type kString).
};
struct Sheet {
    std::string name;
    std::vector<std::vector<Cell>> rows;  // row 0 = spreadsheet row 1; ragged rows allowed
    struct Merge { int first_row, first_col, last_row, last_col; };  // 0-based, inclusive
    std::vector<Merge> merges;
    const Cell* At(int row, int col) const;  // nullptr when outside
};
struct Workbook {
    std::vector<Sheet> sheets;  // in workbook order
    const Sheet* Find(std::string_view name) const;
};
/// Every sheet in workbook order (chart sheets as empty sheets). Cells without a value (styled
/// blanks) are not materialised, so rows end at their last value; rows and columns without an `r`
/// follow the previous one. Formula cells give their cached value.
core::Result<Workbook> ReadXlsx(std::string_view bytes, const Limits& lim = {});
/// Excel serial date (1900 system) to "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SS".
std::string SerialToDate(double serial);
std::string SerialToDateTime(double serial);

// ---------------------------------------------------------------- xlsx write
/// A small document model written with libxlsxwriter to a byte string.
struct OutCell {
    enum class Type { kBlank, kString, kNumber, kFormula } type = Type::kBlank;
    std::string text;   // string, or formula ("=SUM(B2:B9)")
    double number = 0;  // number, or the formula's cached value
    std::string num_format;  // "0.00", "0.0%", "yyyy-mm-dd"; empty = general
    bool bold = false, wrap = true;
    std::string fill;   // "#FFFF00" background, empty = none
    std::string comment;  // cell comment (error workbooks say what is wrong here)
    static OutCell Str(std::string s) { OutCell c; c.type = Type::kString; c.text = std::move(s); return c; }
    static OutCell Num(double v, std::string fmt = {}) { OutCell c; c.type = Type::kNumber; c.number = v; c.num_format = std::move(fmt); return c; }
};
struct OutSheet {
    std::string name;
    std::string title;  // optional merged title row above the header, centred, bold
    std::vector<std::string> header;
    std::vector<double> col_widths;  // in characters; missing = 12
    std::vector<std::vector<OutCell>> rows;  // data rows under the header
    struct Merge { int first_row, first_col, last_row, last_col; std::string text; };  // data-row coordinates, 0-based
    std::vector<Merge> merges;
    /// A dropdown (list data validation) on one column's data rows: the first max(rows, data
    /// rows) rows under the header. Values are joined for Excel's list (255 characters at most).
    struct Dropdown { int col; std::vector<std::string> values; int rows = 0; };
    std::vector<Dropdown> dropdowns;
    bool freeze_header = true, autofilter = true;
    bool landscape = true;  // A4, fit to width, header repeated on each printed page
};
/// Sheet names are made legal for Excel (31 characters, no []:*?/\, no edge apostrophes, unique
/// ignoring case, "History" reserved); text longer than Excel's 32767 characters is cut, invalid
/// UTF-8 becomes U+FFFD. Errors (kValidation): no sheets, bad or overlapping merges, too many rows.
core::Result<std::string> WriteXlsx(const std::vector<OutSheet>& sheets);

}  // namespace duban::office
