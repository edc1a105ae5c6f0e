// WriteXlsx: libxlsxwriter 1.1.4 writes only to a file (no memory output until 1.1.5), so the
// workbook goes to a private temporary directory and is read back.
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "office/office.hpp"

namespace duban::office {
namespace {

constexpr size_t kMaxCellChars = 32767;  // Excel's limit on a cell's text
constexpr size_t kMaxSheetNameChars = 31;

core::Error Bad(std::string msg) {
    return core::Error::Validation("sheets", std::move(msg), "invalid_workbook");
}

/// Invalid UTF-8 sequences become U+FFFD, so the XML libxlsxwriter writes stays well-formed.
std::string FixUtf8(std::string_view s) {
    if (core::IsValidUtf8(s)) return std::string(s);
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len > 0 && i + len <= s.size() && core::IsValidUtf8(s.substr(i, len))) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::string CellText(std::string_view s) {
    std::string t = FixUtf8(s);
    if (core::Utf8Length(t) > kMaxCellChars) t = core::Utf8Prefix(t, kMaxCellChars);
    return t;
}

std::string AsciiLower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

/// Excel's rules: at most 31 characters, none of []:*?/\, no apostrophe at either end, unique
/// ignoring case, and not "History" (reserved).
std::string SheetName(const std::string& wanted, size_t index, std::set<std::string>& used) {
    std::string name;
    for (char c : FixUtf8(wanted)) {
        if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos ||
            static_cast<unsigned char>(c) < 0x20)
            name += '_';
        else
            name += c;
    }
    while (!name.empty() && name.front() == '\'') name.erase(0, 1);
    while (!name.empty() && name.back() == '\'') name.pop_back();
    name = core::Utf8Prefix(name, kMaxSheetNameChars);
    while (!name.empty() && name.back() == '\'') name.pop_back();
    if (name.empty()) name = "Sheet" + std::to_string(index + 1);
    if (AsciiLower(name) == "history") name += "_";
    std::string base = name;
    for (int n = 2; used.count(AsciiLower(name)); ++n) {
        std::string suffix = "(" + std::to_string(n) + ")";
        name = core::Utf8Prefix(base, kMaxSheetNameChars - suffix.size()) + suffix;
    }
    used.insert(AsciiLower(name));
    return name;
}

bool ParseColor(const std::string& s, lxw_color_t& out) {
    std::string_view v = s;
    if (!v.empty() && v[0] == '#') v.remove_prefix(1);
    if (v.size() != 6 || v.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
        return false;
    out = static_cast<lxw_color_t>(std::strtoul(std::string(v).c_str(), nullptr, 16));
    return true;
}

class Formats {
public:
    explicit Formats(lxw_workbook* wb) : wb_(wb) {}
    lxw_format* Header() {
        if (!header_) {
            header_ = workbook_add_format(wb_);
            format_set_bold(header_);
            format_set_text_wrap(header_);
            format_set_bg_color(header_, 0xDDEBF7);
            format_set_border(header_, LXW_BORDER_THIN);
            format_set_align(header_, LXW_ALIGN_CENTER);
            format_set_align(header_, LXW_ALIGN_VERTICAL_CENTER);
        }
        return header_;
    }
    lxw_format* Title() {
        if (!title_) {
            title_ = workbook_add_format(wb_);
            format_set_bold(title_);
            format_set_font_size(title_, 14);
            format_set_align(title_, LXW_ALIGN_CENTER);
            format_set_align(title_, LXW_ALIGN_VERTICAL_CENTER);
        }
        return title_;
    }
    lxw_format* For(const OutCell& c) {
        std::string key = std::string(c.bold ? "b" : "-") + (c.wrap ? "w" : "-") + "|" + c.fill +
                          "|" + c.num_format;
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second;
        lxw_format* f = workbook_add_format(wb_);
        if (c.bold) format_set_bold(f);
        if (c.wrap) format_set_text_wrap(f);
        lxw_color_t color;
        if (ParseColor(c.fill, color)) format_set_bg_color(f, color);
        if (!c.num_format.empty()) format_set_num_format(f, FixUtf8(c.num_format).c_str());
        format_set_border(f, LXW_BORDER_THIN);
        format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
        cache_.emplace(key, f);
        return f;
    }

private:
    lxw_workbook* wb_;
    lxw_format* header_ = nullptr;
    lxw_format* title_ = nullptr;
    std::map<std::string, lxw_format*> cache_;
};

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "duban-xlsx-XXXXXX").string();
        if (mkdtemp(tmpl.data())) path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

core::Status Check(lxw_error e, const std::string& what) {
    if (e == LXW_NO_ERROR) return {};
    return Bad(what + ": " + lxw_strerror(e));
}

core::Status WriteSheet(lxw_workbook* wb, Formats& fmt, const OutSheet& s, const std::string& name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (!ws) return Bad("sheet name \"" + name + "\" was refused");
    size_t ncols = std::max(s.header.size(), s.col_widths.size());
    for (const auto& r : s.rows) ncols = std::max(ncols, r.size());
    for (const auto& m : s.merges) ncols = std::max(ncols, static_cast<size_t>(std::max(m.last_col, 0)) + 1);
    if (ncols > LXW_COL_MAX) return Bad("sheet " + name + " has " + std::to_string(ncols) + " columns");
    const lxw_row_t title_rows = s.title.empty() ? 0 : 1;
    const lxw_row_t header_row = title_rows;
    const lxw_row_t first_data = header_row + (s.header.empty() ? 0 : 1);
    if (s.rows.size() + first_data > LXW_ROW_MAX)
        return Bad("sheet " + name + " has " + std::to_string(s.rows.size()) + " rows; Excel holds " +
                   std::to_string(LXW_ROW_MAX - first_data));

    for (size_t c = 0; c < ncols; ++c) {
        double w = c < s.col_widths.size() && s.col_widths[c] > 0 ? s.col_widths[c] : 12;
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                             std::min(w, 255.0), nullptr);
    }
    if (title_rows) {
        std::string t = CellText(s.title);
        worksheet_set_row(ws, 0, 28, nullptr);
        if (ncols > 1) {
            if (auto st = Check(worksheet_merge_range(ws, 0, 0, 0, static_cast<lxw_col_t>(ncols - 1),
                                                      t.c_str(), fmt.Title()),
                                "title of sheet " + name);
                !st)
                return st;
        } else {
            worksheet_write_string(ws, 0, 0, t.c_str(), fmt.Title());
        }
    }
    for (size_t c = 0; c < s.header.size(); ++c)
        worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c), CellText(s.header[c]).c_str(),
                               fmt.Header());

    lxw_comment_options copt{};
    copt.author = const_cast<char*>("duban");
    copt.width = 260;
    copt.height = 90;
    for (size_t r = 0; r < s.rows.size(); ++r) {
        auto row = static_cast<lxw_row_t>(first_data + r);
        for (size_t c = 0; c < s.rows[r].size(); ++c) {
            const OutCell& cell = s.rows[r][c];
            auto col = static_cast<lxw_col_t>(c);
            lxw_format* f = fmt.For(cell);
            lxw_error e = LXW_NO_ERROR;
            switch (cell.type) {
                case OutCell::Type::kBlank:
                    e = worksheet_write_blank(ws, row, col, f);
                    break;
                case OutCell::Type::kString:
                    e = worksheet_write_string(ws, row, col, CellText(cell.text).c_str(), f);
                    break;
                case OutCell::Type::kNumber:
                    e = std::isfinite(cell.number) ? worksheet_write_number(ws, row, col, cell.number, f)
                                                   : worksheet_write_blank(ws, row, col, f);
                    break;
                case OutCell::Type::kFormula:
                    e = worksheet_write_formula_num(ws, row, col, CellText(cell.text).c_str(), f,
                                                    std::isfinite(cell.number) ? cell.number : 0);
                    break;
            }
            if (auto st = Check(e, "sheet " + name + " row " + std::to_string(r + 1)); !st) return st;
            if (!cell.comment.empty()) {
                std::string text = CellText(cell.comment);
                if (auto st = Check(worksheet_write_comment_opt(ws, row, col, text.c_str(), &copt),
                                    "comment in sheet " + name);
                    !st)
                    return st;
            }
        }
    }

    // Merges are in data-row coordinates; overlapping ranges make Excel "repair" the file.
    std::vector<OutSheet::Merge> merges = s.merges;
    for (const auto& m : merges)
        if (m.first_row < 0 || m.first_col < 0 || m.last_row < m.first_row || m.last_col < m.first_col)
            return Bad("sheet " + name + " has a merge with bad coordinates");
    std::sort(merges.begin(), merges.end(),
              [](const auto& a, const auto& b) { return a.first_row < b.first_row; });
    for (size_t i = 0; i < merges.size(); ++i)
        for (size_t j = i + 1; j < merges.size() && merges[j].first_row <= merges[i].last_row; ++j)
            if (merges[j].first_col <= merges[i].last_col && merges[i].first_col <= merges[j].last_col)
                return Bad("sheet " + name + " has overlapping merges");
    for (const auto& m : merges) {
        auto r1 = static_cast<lxw_row_t>(first_data + static_cast<size_t>(m.first_row));
        auto r2 = static_cast<lxw_row_t>(first_data + static_cast<size_t>(m.last_row));
        if (r2 >= LXW_ROW_MAX) return Bad("sheet " + name + " has a merge past the last row");
        const OutCell* src = nullptr;
        if (static_cast<size_t>(m.first_row) < s.rows.size() &&
            static_cast<size_t>(m.first_col) < s.rows[static_cast<size_t>(m.first_row)].size())
            src = &s.rows[static_cast<size_t>(m.first_row)][static_cast<size_t>(m.first_col)];
        OutCell plain;
        lxw_format* f = fmt.For(src ? *src : plain);
        std::string text = CellText(!m.text.empty() || !src || src->type != OutCell::Type::kString
                                        ? m.text
                                        : src->text);
        if (r1 == r2 && m.first_col == m.last_col) continue;  // one cell: nothing to merge
        if (auto st = Check(worksheet_merge_range(ws, r1, static_cast<lxw_col_t>(m.first_col), r2,
                                                  static_cast<lxw_col_t>(m.last_col), text.c_str(), f),
                            "merge in sheet " + name);
            !st)
            return st;
        if (m.text.empty() && src && src->type == OutCell::Type::kNumber && std::isfinite(src->number))
            worksheet_write_number(ws, r1, static_cast<lxw_col_t>(m.first_col), src->number, f);
        if (m.text.empty() && src && src->type == OutCell::Type::kFormula)
            worksheet_write_formula_num(ws, r1, static_cast<lxw_col_t>(m.first_col),
                                        CellText(src->text).c_str(), f, src->number);
    }

    for (const auto& d : s.dropdowns) {
        size_t rows = std::max(s.rows.size(), static_cast<size_t>(std::max(d.rows, 0)));
        if (d.col < 0 || static_cast<size_t>(d.col) >= LXW_COL_MAX || d.values.empty() || rows == 0) continue;
        if (first_data + rows > LXW_ROW_MAX) rows = LXW_ROW_MAX - first_data;
        std::vector<std::string> values;
        size_t total = 0;
        for (const auto& v : d.values) {
            values.push_back(CellText(v));
            total += values.back().size() + 1;
        }
        if (total > 256) return Bad("sheet " + name + ": a dropdown's values exceed Excel's 255 characters");
        std::vector<char*> list;  // libxlsxwriter's type; it only reads the strings
        for (auto& v : values) list.push_back(v.data());
        list.push_back(nullptr);
        lxw_data_validation dv{};
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = list.data();
        dv.ignore_blank = LXW_VALIDATION_ON;
        dv.show_error = LXW_VALIDATION_ON;
        dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
        auto col = static_cast<lxw_col_t>(d.col);
        if (auto st = Check(worksheet_data_validation_range(ws, first_data, col,
                                                            static_cast<lxw_row_t>(first_data + rows - 1), col, &dv),
                            "dropdown in sheet " + name);
            !st)
            return st;
    }
    if (s.freeze_header && !s.header.empty()) worksheet_freeze_panes(ws, first_data, 0);
    if (s.autofilter && !s.header.empty() && ncols > 0)
        worksheet_autofilter(ws, header_row, 0,
                             static_cast<lxw_row_t>(first_data + (s.rows.empty() ? 0 : s.rows.size() - 1)),
                             static_cast<lxw_col_t>(ncols - 1));
    if (s.landscape) {
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9);  // A4
        worksheet_fit_to_pages(ws, 1, 0);
        if (!s.header.empty()) worksheet_repeat_rows(ws, header_row, header_row);
    }
    return {};
}

}  // namespace

core::Result<std::string> WriteXlsx(const std::vector<OutSheet>& sheets) {
    if (sheets.empty()) return Bad("a workbook needs at least one sheet");
    TempDir dir;
    if (dir.path().empty()) return core::Error::Internal("xlsx: cannot create a temporary directory");
    std::string file = dir.path() + "/out.xlsx";
    lxw_workbook_options opt{};
    opt.constant_memory = LXW_FALSE;
    opt.tmpdir = const_cast<char*>(dir.path().c_str());
    lxw_workbook* wb = workbook_new_opt(file.c_str(), &opt);
    if (!wb) return core::Error::Internal("xlsx: cannot start a workbook");
    Formats fmt(wb);
    std::set<std::string> used;
    for (size_t i = 0; i < sheets.size(); ++i) {
        core::Status s = WriteSheet(wb, fmt, sheets[i], SheetName(sheets[i].name, i, used));
        if (!s) {
            workbook_close(wb);  // frees it; the file is thrown away with the directory
            return s.error();
        }
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) return core::Error::Internal(std::string("xlsx: ") + lxw_strerror(e));
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::Error::Internal("xlsx: cannot read back " + file);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace duban::office
