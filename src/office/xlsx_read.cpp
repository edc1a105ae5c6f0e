// ReadXlsx: every part (rels, workbook, styles, shared strings, sheets) streamed through expat
// straight out of the archive, so a large part costs what it holds, not a DOM of itself.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "office/office.hpp"
#include "office/office_internal.hpp"

namespace duban::office {
namespace {

using internal::Attr;
using internal::Invalid;
using internal::TooLarge;

// "xl/workbook.xml" + "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml"; "/xl/..." absolute.
std::string ResolveTarget(const std::string& base_part, std::string target) {
    if (!target.empty() && target[0] == '/') return target.substr(1);
    std::string dir = base_part.substr(0, base_part.rfind('/') + 1);
    std::string path = dir + target;
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        std::string seg = path.substr(start, slash - start);
        if (seg == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!seg.empty() && seg != ".") {
            parts.push_back(seg);
        }
        start = slash + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

std::string RelsPathFor(const std::string& part) {
    size_t slash = part.rfind('/');
    std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
    std::string file = slash == std::string::npos ? part : part.substr(slash + 1);
    return dir + "_rels/" + file + ".rels";
}

struct Rel {
    std::string type, target;
};
class RelsHandler : public internal::SaxHandler {
public:
    explicit RelsHandler(const std::string& part) : part_(part) {}
    void Start(std::string_view n, const char** attrs) override {
        if (n != "Relationship") return;
        const char* id = Attr(attrs, "Id");
        const char* target = Attr(attrs, "Target");
        const char* type = Attr(attrs, "Type");
        const char* mode = Attr(attrs, "TargetMode");
        if (!id || !target || (mode && std::string_view(mode) == "External")) return;
        rels[id] = Rel{type ? type : "", ResolveTarget(part_, target)};
    }
    void End(std::string_view) override {}
    std::map<std::string, Rel> rels;

private:
    const std::string& part_;
};

core::Result<std::map<std::string, Rel>> ReadRels(internal::ZipReader& z, const std::string& part,
                                                  const Limits& lim) {
    std::string path = RelsPathFor(part);
    if (!z.Has(path)) return std::map<std::string, Rel>{};
    RelsHandler h(part);
    if (core::Status s = internal::ParseXml(z, path, lim.max_entry_bytes, h); !s) return s.error();
    return std::move(h.rels);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// A number format is a date or time when y, m, d, h or s appears outside quotes, brackets and
/// escapes ("[Red]", "\"km\"", "\\d", "_)" and "*-" say nothing about dates).
bool IsDateFormat(std::string_view code) {
    for (size_t i = 0; i < code.size(); ++i) {
        char c = code[i];
        if (c == '"') {
            size_t e = code.find('"', i + 1);
            if (e == std::string_view::npos) return false;
            i = e;
        } else if (c == '[') {
            size_t e = code.find(']', i + 1);
            if (e == std::string_view::npos) return false;
            std::string_view in = code.substr(i + 1, e - i - 1);
            // Elapsed time ([h]:mm, [mm]:ss) is a time; colours and locales are not.
            if (!in.empty() && in.find_first_not_of("hHmMsS") == std::string_view::npos) return true;
            i = e;
        } else if (c == '\\' || c == '_' || c == '*') {
            ++i;
        } else {
            switch (c) {
                case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D':
                case 'h': case 'H': case 's': case 'S':
                    return true;
                case 'e': case 'E':
                    // "E+" is scientific notation; a lone 'e' is a year in some locales.
                    if (i + 1 < code.size() && (code[i + 1] == '+' || code[i + 1] == '-')) break;
                    return true;
                case 'G': case 'g':
                    if (code.substr(i, 7) == "General" || code.substr(i, 7) == "general") i += 6;
                    break;
                default:
                    break;
            }
        }
    }
    return false;
}

bool IsBuiltinDateId(long id) {
    // 14-22 and 45-47 everywhere; 27-36 and 50-58 are the East Asian (zh-CN, zh-TW, ja, ko)
    // built-in date formats, which Chinese Excel writes without a numFmt entry.
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

// styles.xml: the number format of each cell format (cellXfs; cellStyleXfs are not what s=
// points at) and the custom format codes.
class StylesHandler : public internal::SaxHandler {
public:
    explicit StylesHandler(size_t max) : max_(max) {}
    void Start(std::string_view n, const char** attrs) override {
        ++depth_;
        if (n == "numFmts") {
            fmts_depth_ = depth_;
        } else if (n == "cellXfs") {
            xfs_depth_ = depth_;
        } else if (n == "numFmt" && fmts_depth_ && depth_ == fmts_depth_ + 1) {
            const char* id = Attr(attrs, "numFmtId");
            const char* code = Attr(attrs, "formatCode");
            if (id && code) custom[std::strtol(id, nullptr, 10)] = IsDateFormat(code);
        } else if (n == "xf" && xfs_depth_ && depth_ == xfs_depth_ + 1) {
            if (xf_ids.size() >= max_)
                return Fail(TooLarge("xlsx: styles.xml has more than " + std::to_string(max_) +
                                     " cell formats"));
            const char* id = Attr(attrs, "numFmtId");
            xf_ids.push_back(id ? std::strtol(id, nullptr, 10) : 0);
        }
    }
    void End(std::string_view n) override {
        if (n == "numFmts" && depth_ == fmts_depth_) fmts_depth_ = 0;
        if (n == "cellXfs" && depth_ == xfs_depth_) xfs_depth_ = 0;
        --depth_;
    }
    std::map<long, bool> custom;  // id -> is a date format
    std::vector<long> xf_ids;

private:
    size_t max_;
    int depth_ = 0, fmts_depth_ = 0, xfs_depth_ = 0;
};

core::Result<std::vector<bool>> ReadDateStyles(internal::ZipReader& z, const std::string& part,
                                               const Limits& lim) {
    std::vector<bool> date_xf;
    if (part.empty() || !z.Has(part)) return date_xf;
    StylesHandler h(lim.max_cells);
    if (core::Status s = internal::ParseXml(z, part, lim.max_entry_bytes, h); !s) return s.error();
    for (long id : h.xf_ids) {
        auto it = h.custom.find(id);
        date_xf.push_back(it != h.custom.end() ? it->second : IsBuiltinDateId(id));
    }
    return date_xf;
}

class SharedStringsHandler : public internal::SaxHandler {
public:
    explicit SharedStringsHandler(size_t max) : max_(max) {}
    void Start(std::string_view n, const char**) override {
        if (skip_ > 0) {
            ++skip_;
            return;
        }
        if (n == "rPh") {  // phonetic (furigana / pinyin) runs are not the text
            skip_ = 1;
        } else if (n == "si") {
            if (out.size() >= max_) {
                Fail(TooLarge("xlsx: more than " + std::to_string(max_) +
                              " shared strings; that is the limit"));
                return;
            }
            in_si_ = true;
            cur_.clear();
        } else if (n == "t" && in_si_) {
            in_t_ = true;
        }
    }
    void End(std::string_view n) override {
        if (skip_ > 0) {
            --skip_;
            return;
        }
        if (n == "t") {
            in_t_ = false;
        } else if (n == "si" && in_si_) {
            out.push_back(internal::DecodeXEscapes(std::move(cur_)));
            cur_.clear();
            in_si_ = false;
        }
    }
    void Text(std::string_view s) override {
        if (skip_ == 0 && in_t_) cur_.append(s);
    }
    std::vector<std::string> out;

private:
    size_t max_;
    int skip_ = 0;
    bool in_si_ = false, in_t_ = false;
    std::string cur_;
};

// "AB12" -> col 27, row 11 (0-based); row -1 when there are no digits. False when malformed.
bool ParseRef(std::string_view r, long& col, long& row) {
    size_t i = 0;
    col = 0;
    while (i < r.size() && ((r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= 'a' && r[i] <= 'z'))) {
        if (i >= 3) return false;
        char c = static_cast<char>(r[i] & ~0x20);
        col = col * 26 + (c - 'A' + 1);
        ++i;
    }
    if (i == 0) return false;
    col -= 1;
    if (i == r.size()) {
        row = -1;
        return true;
    }
    long v = 0;
    size_t digits = 0;
    for (; i < r.size(); ++i, ++digits) {
        if (r[i] < '0' || r[i] > '9' || digits >= 8) return false;
        v = v * 10 + (r[i] - '0');
    }
    if (v < 1) return false;
    row = v - 1;
    return true;
}

class SheetHandler : public internal::SaxHandler {
public:
    SheetHandler(Sheet& sheet, const std::vector<std::string>& strings,
                 const std::vector<bool>& date_xf, bool date1904, const Limits& lim, size_t& cells,
                 size_t& text_bytes)
        : sheet_(sheet), strings_(strings), date_xf_(date_xf), date1904_(date1904), lim_(lim),
          cells_(cells), text_bytes_(text_bytes) {}

    void Start(std::string_view n, const char** attrs) override {
        if (skip_ > 0) {
            ++skip_;
            return;
        }
        if (n == "row") {
            long r = next_row_;
            if (const char* a = Attr(attrs, "r")) r = std::strtol(a, nullptr, 10) - 1;
            if (r < 0) return Fail(Invalid("xlsx: sheet " + sheet_.name + " has a row numbered " +
                                           std::to_string(r + 1)));
            row_ = r;
            next_row_ = r + 1;
            next_col_ = 0;
        } else if (n == "c") {
            in_c_ = true;
            has_value_ = false;
            v_.clear();
            type_ = Attr(attrs, "t") ? Attr(attrs, "t") : "n";
            const char* s = Attr(attrs, "s");
            style_ = s ? std::strtol(s, nullptr, 10) : 0;
            col_ = next_col_;
            long row = row_;
            if (const char* r = Attr(attrs, "r")) {
                long c, rr;
                if (!ParseRef(r, c, rr))
                    return Fail(Invalid("xlsx: sheet " + sheet_.name + " has a cell reference \"" +
                                        std::string(r).substr(0, 20) + "\" that is not one"));
                col_ = c;
                if (rr >= 0) row = rr;
            }
            if (row < 0) row = row_ = 0;
            cell_row_ = row;
            next_col_ = col_ + 1;
        } else if (in_c_ && n == "v") {
            in_v_ = true;
            has_value_ = true;
        } else if (in_c_ && n == "is") {
            in_is_ = true;
            has_value_ = true;
        } else if (in_is_ && n == "rPh") {
            skip_ = 1;
        } else if (in_is_ && n == "t") {
            in_v_ = true;
        } else if (n == "mergeCell") {
            const char* ref = Attr(attrs, "ref");
            if (!ref) return;
            std::string_view r = ref;
            size_t colon = r.find(':');
            long c1, r1, c2, r2;
            if (colon == std::string_view::npos || !ParseRef(r.substr(0, colon), c1, r1) ||
                !ParseRef(r.substr(colon + 1), c2, r2) || r1 < 0 || r2 < 0)
                return;  // a merge we cannot read is only formatting
            if (++merges_ > lim_.max_cells)
                return Fail(TooLarge("xlsx: sheet " + sheet_.name + " has too many merged ranges"));
            sheet_.merges.push_back({static_cast<int>(std::min(r1, r2)), static_cast<int>(std::min(c1, c2)),
                                     static_cast<int>(std::max(r1, r2)), static_cast<int>(std::max(c1, c2))});
        }
    }

    void End(std::string_view n) override {
        if (skip_ > 0) {
            --skip_;
            return;
        }
        if (n == "v" || n == "t") {
            in_v_ = false;
        } else if (n == "is") {
            in_is_ = false;
        } else if (n == "c" && in_c_) {
            in_c_ = false;
            if (has_value_) Place();
        }
    }

    void Text(std::string_view s) override {
        if (skip_ == 0 && in_v_) v_.append(s);
    }

private:
    void Place() {
        if (cell_row_ >= static_cast<long>(lim_.max_rows))
            return Fail(TooLarge("xlsx: sheet " + sheet_.name + " has a row " +
                                 std::to_string(cell_row_ + 1) + "; the limit is " +
                                 std::to_string(lim_.max_rows) + " rows"));
        if (col_ >= static_cast<long>(lim_.max_cols))
            return Fail(TooLarge("xlsx: sheet " + sheet_.name + " has a column " +
                                 std::to_string(col_ + 1) + "; the limit is " +
                                 std::to_string(lim_.max_cols) + " columns"));
        Cell cell;
        std::string_view t = type_;
        if (t == "s") {
            long idx = -1;
            auto [p, ec] = std::from_chars(v_.data(), v_.data() + v_.size(), idx);
            if (ec != std::errc() || idx < 0 || static_cast<size_t>(idx) >= strings_.size())
                return Fail(Invalid("xlsx: sheet " + sheet_.name + " cell " + Ref() +
                                    " points at shared string " + v_.substr(0, 20) +
                                    ", which does not exist"));
            // Each cell gets its own copy: a long shared string referenced a million times would
            // otherwise turn a small file into gigabytes.
            const std::string& str = strings_[static_cast<size_t>(idx)];
            text_bytes_ += str.size();
            if (text_bytes_ > lim_.max_total_uncompressed)
                return Fail(TooLarge("xlsx: the cells hold more than " +
                                     internal::Size(lim_.max_total_uncompressed) +
                                     " of text (shared strings repeated); that is the limit"));
            cell.type = Cell::Type::kString;
            cell.text = str;
        } else if (t == "inlineStr" || t == "str") {
            cell.type = Cell::Type::kString;
            cell.text = internal::DecodeXEscapes(std::move(v_));
        } else if (t == "b") {
            cell.type = Cell::Type::kBool;
            cell.number = (v_ == "1" || v_ == "true") ? 1 : 0;
            cell.text = cell.number != 0 ? "TRUE" : "FALSE";
        } else if (t == "e") {
            cell.type = Cell::Type::kError;
            cell.text = std::move(v_);
        } else if (t == "d") {  // ISO 8601 date written as text
            cell.type = Cell::Type::kString;
            cell.text = std::move(v_);
            cell.is_date = true;
        } else {
            std::string trimmed = core::Trim(v_);
            if (trimmed.empty()) return;  // <v/>: nothing there
            // from_chars, not strtod: the process locale must not change what "13.08" means.
            double d = 0;
            auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), d);
            if (ec != std::errc() || end != trimmed.data() + trimmed.size() || !std::isfinite(d)) {
                cell.type = Cell::Type::kString;  // not a number after all; keep what was written
                cell.text = std::move(trimmed);
            } else {
                cell.type = Cell::Type::kNumber;
                cell.number = d;
                cell.text = std::move(trimmed);
                if (style_ >= 0 && static_cast<size_t>(style_) < date_xf_.size() &&
                    date_xf_[static_cast<size_t>(style_)]) {
                    cell.is_date = true;
                    if (date1904_) cell.number += 1462;  // to the 1900 system SerialToDate reads
                }
            }
        }
        auto r = static_cast<size_t>(cell_row_);
        auto c = static_cast<size_t>(col_);
        if (sheet_.rows.size() <= r) {
            // Empty rows up to this one cost memory too (a vector each): they count as cells.
            cells_ += r + 1 - sheet_.rows.size();
            if (cells_ > lim_.max_cells) return Fail(TooManyCells());
            sheet_.rows.resize(r + 1);
        }
        auto& row = sheet_.rows[r];
        if (row.size() <= c) {
            cells_ += c + 1 - row.size();
            if (cells_ > lim_.max_cells) return Fail(TooManyCells());
            row.resize(c + 1);
        }
        row[c] = std::move(cell);
    }
    core::Error TooManyCells() const {
        return TooLarge("xlsx: the workbook has more than " + std::to_string(lim_.max_cells) +
                        " cells (counting empty rows and the gaps before each cell); that is the limit");
    }
    std::string Ref() const {
        std::string letters;
        for (long c = col_ + 1; c > 0; c = (c - 1) / 26)
            letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
        return letters + std::to_string(cell_row_ + 1);
    }

    Sheet& sheet_;
    const std::vector<std::string>& strings_;
    const std::vector<bool>& date_xf_;
    bool date1904_;
    const Limits& lim_;
    size_t& cells_;
    size_t& text_bytes_;
    size_t merges_ = 0;
    long row_ = -1, next_row_ = 0, next_col_ = 0, col_ = 0, cell_row_ = 0, style_ = 0;
    bool in_c_ = false, in_v_ = false, in_is_ = false, has_value_ = false;
    int skip_ = 0;
    std::string type_, v_;
};

class WorkbookHandler : public internal::SaxHandler {
public:
    explicit WorkbookHandler(size_t max) : max_(max) {}
    void Start(std::string_view n, const char** attrs) override {
        if (n == "workbook") {
            seen_root = true;
        } else if (n == "workbookPr") {
            const char* d = Attr(attrs, "date1904");
            date1904 = d && (std::string_view(d) == "1" || std::string_view(d) == "true");
        } else if (n == "sheet") {
            if (sheets.size() >= max_)
                return Fail(TooLarge("xlsx: the workbook lists more than " + std::to_string(max_) +
                                     " sheets"));
            const char* name = Attr(attrs, "name");
            const char* rid = Attr(attrs, "id");  // r:id (not sheetId)
            sheets.push_back({name ? name : "", rid ? rid : ""});
        }
    }
    void End(std::string_view) override {}
    bool seen_root = false, date1904 = false;
    std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id

private:
    size_t max_;
};

constexpr size_t kMaxSheets = 4096;

}  // namespace

core::Result<Workbook> ReadXlsx(std::string_view bytes, const Limits& lim) {
    auto zr = internal::ZipReader::Open(bytes, lim, "xlsx");
    if (!zr) return zr.error();
    internal::ZipReader& z = **zr;

    // The workbook part: from the package relationships, else where Excel puts it.
    std::string wb_part = "xl/workbook.xml";
    {
        auto rels = ReadRels(z, "", lim);
        if (!rels) return rels.error();
        for (const auto& [id, rel] : *rels)
            if (EndsWith(rel.type, "/officeDocument")) wb_part = rel.target;
    }
    if (!z.Has(wb_part))
        return Invalid("xlsx: the archive has no " + wb_part + " (not an Excel workbook)");
    WorkbookHandler wb(kMaxSheets);
    if (core::Status s = internal::ParseXml(z, wb_part, lim.max_entry_bytes, wb); !s) return s.error();
    if (!wb.seen_root) return Invalid("xlsx: " + wb_part + " has no workbook element");
    auto rels = ReadRels(z, wb_part, lim);
    if (!rels) return rels.error();

    std::string strings_part, styles_part;
    for (const auto& [id, rel] : *rels) {
        if (EndsWith(rel.type, "/sharedStrings")) strings_part = rel.target;
        if (EndsWith(rel.type, "/styles")) styles_part = rel.target;
    }
    std::string dir = wb_part.substr(0, wb_part.rfind('/') + 1);
    if (strings_part.empty() && z.Has(dir + "sharedStrings.xml")) strings_part = dir + "sharedStrings.xml";
    if (styles_part.empty() && z.Has(dir + "styles.xml")) styles_part = dir + "styles.xml";

    auto date_xf = ReadDateStyles(z, styles_part, lim);
    if (!date_xf) return date_xf.error();

    std::vector<std::string> strings;
    if (!strings_part.empty() && z.Has(strings_part)) {
        SharedStringsHandler h(lim.max_cells);
        if (core::Status s = internal::ParseXml(z, strings_part, lim.max_entry_bytes, h); !s)
            return s.error();
        strings = std::move(h.out);
    }

    Workbook book;
    size_t cells = 0, text_bytes = 0;
    std::set<std::string> seen_parts;
    for (const auto& [name, rid] : wb.sheets) {
        Sheet sheet;
        sheet.name = name;
        if (rid.empty()) return Invalid("xlsx: sheet " + sheet.name + " has no relationship id");
        auto it = rels->find(rid);
        if (it == rels->end())
            return Invalid("xlsx: sheet " + sheet.name + " points at relationship " + rid +
                           ", which " + wb_part + " does not define");
        const std::string& part = it->second.target;
        if (!z.Has(part))
            return Invalid("xlsx: sheet " + sheet.name + " should be in " + part +
                           ", which the archive lacks");
        // Two sheets sharing a part would let a small file count its one big sheet many times.
        if (!seen_parts.insert(part).second)
            return Invalid("xlsx: two sheets point at the same part " + part);
        // Chart sheets and dialog sheets have no cells; they read as empty sheets.
        if (EndsWith(it->second.type, "/worksheet")) {
            SheetHandler h(sheet, strings, *date_xf, wb.date1904, lim, cells, text_bytes);
            if (core::Status st = internal::ParseXml(z, part, lim.max_entry_bytes, h); !st)
                return st.error();
        }
        book.sheets.push_back(std::move(sheet));
    }
    if (book.sheets.empty()) return Invalid("xlsx: the workbook lists no sheets");
    return book;
}

}  // namespace duban::office
