// The shared layer of duban::office: the bounded zip reader, the streaming XML parser, dates.
#include "office/office.hpp"

#include <expat.h>

#include <cmath>
#include <cstdio>

#include "office/office_internal.hpp"

namespace duban::office {
namespace internal {

core::Error Invalid(std::string msg) {
    return core::Error{core::ErrorKind::kBadRequest, "invalid_office_file", std::move(msg), {}};
}
core::Error TooLarge(std::string msg) {
    return core::Error{core::ErrorKind::kTooLarge, "office_file_too_large", std::move(msg), {}};
}

std::string Size(size_t bytes) {
    auto scaled = [](size_t v, unsigned shift, const char* unit) {
        size_t tenths = (v * 10) >> shift;
        std::string s = std::to_string(tenths / 10);
        if (tenths % 10 && tenths < 1000) s += "." + std::to_string(tenths % 10);
        return s + unit;
    };
    if (bytes >= (1u << 20)) return scaled(bytes, 20, " MB");
    if (bytes >= (1u << 10)) return scaled(bytes, 10, " KB");
    return std::to_string(bytes) + " bytes";
}

core::Result<std::unique_ptr<ZipReader>> ZipReader::Open(std::string_view bytes, const Limits& lim,
                                                         std::string kind) {
    if (bytes.size() > lim.max_archive_bytes)
        return TooLarge(kind + ": the file is " + Size(bytes.size()) + "; the limit is " +
                        Size(lim.max_archive_bytes));
    if (bytes.size() < 22 || bytes.substr(0, 2) != "PK")
        return Invalid(kind + ": not a zip archive, so not a ." + kind + " file (an old ." +
                       kind.substr(0, 3) + " file is not supported: save it as ." + kind + ")");
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) {
        std::string m = zip_error_strerror(&err);
        zip_error_fini(&err);
        return Invalid(kind + ": cannot read the archive (" + m + ")");
    }
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (!za) {
        std::string m = zip_error_strerror(&err);
        zip_error_fini(&err);
        zip_source_free(src);
        return Invalid(kind + ": not a readable zip archive (" + m + ")");
    }
    zip_error_fini(&err);
    return std::unique_ptr<ZipReader>(new ZipReader(za, lim, std::move(kind)));
}

ZipReader::~ZipReader() { zip_discard(za_); }

bool ZipReader::Has(const std::string& name) const {
    return zip_name_locate(za_, name.c_str(), 0) >= 0 ||
           zip_name_locate(za_, name.c_str(), ZIP_FL_NOCASE) >= 0;
}

core::Result<ZipReader::Opened> ZipReader::OpenPart(const std::string& name, size_t cap) {
    zip_int64_t idx = zip_name_locate(za_, name.c_str(), 0);
    if (idx < 0) idx = zip_name_locate(za_, name.c_str(), ZIP_FL_NOCASE);
    if (idx < 0) return Invalid(kind_ + ": the archive has no " + name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za_, static_cast<zip_uint64_t>(idx), 0, &st) != 0)
        return Invalid(kind_ + ": cannot read the entry of " + name);
    cap = std::min(cap, lim_.max_entry_bytes);
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap)
        return TooLarge(kind_ + ": " + name + " is " + Size(st.size) + " uncompressed; the limit is " +
                        Size(cap));
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1u << 20)) {
        // Small parts of repetitive XML legitimately compress very well; a ratio only means
        // something once there is a megabyte at stake.
        zip_uint64_t comp = st.comp_size ? st.comp_size : 1;
        if (st.size / comp > lim_.max_ratio)
            return TooLarge(kind_ + ": " + name + " inflates " + std::to_string(st.size / comp) +
                            ":1 (" + Size(st.size) + " from " + Size(st.comp_size) +
                            "); the limit is " + std::to_string(lim_.max_ratio) + ":1");
    }
    if ((st.valid & ZIP_STAT_SIZE) && total_ + st.size > lim_.max_total_uncompressed)
        return TooLarge(kind_ + ": the parts read inflate past " +
                        Size(lim_.max_total_uncompressed) + " in total; that is the limit");
    zip_file_t* f = zip_fopen_index(za_, static_cast<zip_uint64_t>(idx), 0);
    if (!f)
        return Invalid(kind_ + ": cannot open " + name + " (" + zip_error_strerror(zip_get_error(za_)) +
                       ")");
    // The bytes actually inflated may not exceed what the header declared (plus nothing).
    size_t eff = cap;
    if (st.valid & ZIP_STAT_SIZE) eff = std::min<size_t>(cap, st.size);
    return Opened{f, eff};
}

const char* Attr(const char** attrs, std::string_view local) {
    for (size_t i = 0; attrs[i]; i += 2) {
        std::string_view n = attrs[i];
        size_t sep = n.rfind('\x01');
        if (sep != std::string_view::npos) n.remove_prefix(sep + 1);
        if (n == local) return attrs[i + 1];
    }
    return nullptr;
}

namespace {

struct ParseState {
    SaxHandler* h;
    XML_Parser p;
    int depth = 0;
    std::optional<core::Error> own;  // refused DOCTYPE, too deep
};

std::string_view Local(const char* name) {
    std::string_view n = name;
    size_t sep = n.rfind('\x01');
    if (sep != std::string_view::npos) n.remove_prefix(sep + 1);
    return n;
}

constexpr int kMaxDepth = 512;

void OnStart(void* ud, const XML_Char* name, const XML_Char** attrs) {
    auto* st = static_cast<ParseState*>(ud);
    if (st->own || st->h->failed) return;
    if (++st->depth > kMaxDepth) {
        st->own = Invalid("elements nest deeper than " + std::to_string(kMaxDepth));
        XML_StopParser(st->p, XML_FALSE);
        return;
    }
    st->h->Start(Local(name), attrs);
    if (st->h->failed) XML_StopParser(st->p, XML_FALSE);
}
void OnEnd(void* ud, const XML_Char* name) {
    auto* st = static_cast<ParseState*>(ud);
    if (st->own || st->h->failed) return;
    --st->depth;
    st->h->End(Local(name));
    if (st->h->failed) XML_StopParser(st->p, XML_FALSE);
}
void OnText(void* ud, const XML_Char* s, int len) {
    auto* st = static_cast<ParseState*>(ud);
    if (st->own || st->h->failed) return;
    st->h->Text(std::string_view(s, static_cast<size_t>(len)));
    if (st->h->failed) XML_StopParser(st->p, XML_FALSE);
}
void OnDoctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* st = static_cast<ParseState*>(ud);
    if (!st->own) st->own = Invalid("a DOCTYPE declaration (not allowed in office parts)");
    XML_StopParser(st->p, XML_FALSE);
}

}  // namespace

core::Status ParseXml(ZipReader& zip, const std::string& part, size_t cap, SaxHandler& h) {
    XML_Parser p = XML_ParserCreateNS(nullptr, '\x01');
    if (!p) return core::Error::Internal("cannot create an XML parser");
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> guard(p, XML_ParserFree);
    ParseState st{&h, p};
    XML_SetUserData(p, &st);
    XML_SetElementHandler(p, OnStart, OnEnd);
    XML_SetCharacterDataHandler(p, OnText);
    XML_SetStartDoctypeDeclHandler(p, OnDoctype);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    auto fail = [&]() -> core::Error {
        if (h.failed) return *h.failed;
        std::string where = " at line " + std::to_string(XML_GetCurrentLineNumber(p));
        if (st.own) {
            core::Error e = *st.own;
            e.message = zip.kind() + ": " + part + " has " + e.message + where;
            return e;
        }
        return Invalid(zip.kind() + ": " + part + " is not well-formed XML (" +
                       XML_ErrorString(XML_GetErrorCode(p)) + where + ")");
    };
    core::Status s = zip.Stream(part, cap, [&](std::string_view chunk) -> core::Status {
        if (XML_Parse(p, chunk.data(), static_cast<int>(chunk.size()), XML_FALSE) != XML_STATUS_OK)
            return fail();
        return {};
    });
    if (!s) return s;
    if (XML_Parse(p, "", 0, XML_TRUE) != XML_STATUS_OK) return fail();
    if (h.failed) return *h.failed;
    return {};
}

std::string DecodeXEscapes(std::string s) {
    if (s.find("_x") == std::string::npos) return s;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
            int v = 0;
            bool ok = true;
            for (size_t k = 2; k < 6; ++k) {
                int d = hex(s[i + k]);
                if (d < 0) ok = false;
                v = v * 16 + (d < 0 ? 0 : d);
            }
            if (ok) {
                if (v < 0x80) {
                    out += static_cast<char>(v);
                } else if (v < 0x800) {
                    out += static_cast<char>(0xC0 | (v >> 6));
                    out += static_cast<char>(0x80 | (v & 0x3F));
                } else if (v >= 0xD800 && v <= 0xDFFF) {
                    out += "\xEF\xBF\xBD";
                } else {
                    out += static_cast<char>(0xE0 | (v >> 12));
                    out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
                    out += static_cast<char>(0x80 | (v & 0x3F));
                }
                i += 7;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

}  // namespace internal

const Cell* Sheet::At(int row, int col) const {
    if (row < 0 || col < 0 || static_cast<size_t>(row) >= rows.size()) return nullptr;
    const auto& r = rows[static_cast<size_t>(row)];
    if (static_cast<size_t>(col) >= r.size()) return nullptr;
    return &r[static_cast<size_t>(col)];
}

const Sheet* Workbook::Find(std::string_view name) const {
    for (const auto& s : sheets)
        if (s.name == name) return &s;
    return nullptr;
}

namespace {

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
void CivilFromDays(long long z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long yy = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2));
}

// Serial to (days since 1970-01-01, seconds in the day); false outside 1900-01-01..9999-12-31.
bool SplitSerial(double serial, long long& days, int& secs) {
    if (!std::isfinite(serial) || serial < 1 || serial >= 2958466) return false;
    long long total = std::llround(serial * 86400.0);
    long long whole = total / 86400;
    secs = static_cast<int>(total % 86400);
    // Excel counts a 29 February 1900 that never was (serial 60); serials below it are one day
    // later than the 1899-12-30 epoch gives.
    if (whole < 61) whole += 1;
    days = whole - 25569;  // 1899-12-30 .. 1970-01-01
    return true;
}

}  // namespace

std::string SerialToDate(double serial) {
    long long days;
    int secs;
    if (!SplitSerial(serial, days, secs)) return {};
    int y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
}

std::string SerialToDateTime(double serial) {
    long long days;
    int secs;
    if (!SplitSerial(serial, days, secs)) return {};
    int y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", y, m, d, secs / 3600,
                  secs / 60 % 60, secs % 60);
    return buf;
}

}  // namespace duban::office
