// Decoding (UTF-8 / GB18030), paragraphs, code points and the Traditional -> Simplified mapping.
#include <iconv.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>

#include "core/zh.hpp"
#include "plan/import.hpp"
#include "plan/import_internal.hpp"

namespace duban::plan {
namespace internal {

U32 ToU32(std::string_view s) {
    U32 out;
    out.reserve(s.size());
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        size_t len;
        if (c < 0x80) { cp = c; len = 1; }
        else if ((c >> 5) == 0x6) { cp = c & 0x1F; len = 2; }
        else if ((c >> 4) == 0xE) { cp = c & 0x0F; len = 3; }
        else if ((c >> 3) == 0x1E) { cp = c & 0x07; len = 4; }
        else { out.push_back(0xFFFD); ++i; continue; }
        if (i + len > n) { out.push_back(0xFFFD); ++i; continue; }
        bool ok = true;
        for (size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) { ok = false; break; }
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and out-of-range values are invalid.
        if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                   cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (!ok) { out.push_back(0xFFFD); ++i; continue; }
        out.push_back(cp);
        i += len;
    }
    return out;
}

std::string ToUtf8(std::u32string_view s) {
    std::string out;
    out.reserve(s.size() * 3);
    for (char32_t c : s) {
        if (c < 0x80) out.push_back(static_cast<char>(c));
        else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

namespace {

// The per-character cache over core::ToSimplified (the process's one OpenCC t2s converter).
struct T2S {
    std::mutex mu;
    std::unordered_map<char32_t, char32_t> cache;
    std::string Convert(const std::string& s) { return core::ToSimplified(s); }
};
T2S& Converter() {
    static T2S t;
    return t;
}

}  // namespace

U32 ToSimplified(std::u32string_view s) {
    T2S& t = Converter();
    U32 in(s);
    if (s.empty()) return in;
    std::lock_guard<std::mutex> lock(t.mu);
    // Phrase-level conversion first (better choices, e.g. 乾/幹); kept only when it preserves the
    // length in code points, so offsets stay valid. Otherwise character by character, cached.
    // NUL bytes would cut the C string short; such text goes the per-character way.
    if (in.find(char32_t{0}) == U32::npos) {
        U32 whole = ToU32(t.Convert(ToUtf8(in)));
        if (whole.size() == in.size()) return whole;
    }
    U32 out = in;
    for (char32_t& c : out) {
        if (c < 0x2E80) continue;
        auto it = t.cache.find(c);
        if (it == t.cache.end()) {
            U32 one = ToU32(t.Convert(ToUtf8(std::u32string_view(&c, 1))));
            char32_t v = one.size() == 1 ? one[0] : c;
            it = t.cache.emplace(c, v).first;
        }
        c = it->second;
    }
    return out;
}

std::string ToSimplifiedUtf8(std::string_view utf8) { return ToUtf8(ToSimplified(ToU32(utf8))); }

bool IsCjk(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2FA1F) || (c >= 0xF900 && c <= 0xFAFF);
}
bool IsDigit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
bool IsAsciiAlpha(char32_t c) {
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'ａ' && c <= U'ｚ') ||
           (c >= U'Ａ' && c <= U'Ｚ');
}
bool IsClauseDelim(char32_t c) {
    switch (c) {
        case U'，': case U'。': case U'；': case U'：': case U'、': case U'！': case U'？':
        case U',': case U';': case U':': case U'!': case U'?': case U'\n':
        case U'“': case U'”': case U'《': case U'》': case U'"': case U'「': case U'」':
        case U'（': case U'）': case U'(': case U')': case U'—':
            return true;
        default:
            return false;
    }
}

}  // namespace internal

namespace {

bool ValidUtf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) len = 3;
        else if (c >= 0xF0 && c <= 0xF4) len = 4;
        else return false;
        if (i + len > n) return false;
        uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += len;
    }
    return true;
}

}  // namespace

core::Result<Decoded> DecodeText(std::string_view bytes) {
    if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
        static_cast<unsigned char>(bytes[1]) == 0xBB && static_cast<unsigned char>(bytes[2]) == 0xBF) {
        std::string_view rest = bytes.substr(3);
        if (!ValidUtf8(rest))
            return core::Error::BadRequest("bad_encoding", "text starts with a UTF-8 BOM but is not valid UTF-8");
        return Decoded{std::string(rest), "UTF-8 (BOM)"};
    }
    if (ValidUtf8(bytes)) return Decoded{std::string(bytes), "UTF-8"};
    // GB18030 (a superset of GBK and GB2312). glibc iconv; an invalid sequence is an error.
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1))
        return core::Error::Internal("iconv cannot convert from GB18030 on this system");
    std::string out;
    out.resize(bytes.size() * 2 + 16);
    char* in_p = const_cast<char*>(bytes.data());
    size_t in_left = bytes.size();
    char* out_p = out.data();
    size_t out_left = out.size();
    bool failed = false;
    while (in_left > 0) {
        size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
        if (r != static_cast<size_t>(-1)) continue;
        if (errno == E2BIG) {
            size_t used = out.size() - out_left;
            out.resize(out.size() * 2);
            out_p = out.data() + used;
            out_left = out.size() - used;
            continue;
        }
        failed = true;  // EILSEQ or EINVAL (truncated)
        break;
    }
    iconv_close(cd);
    if (failed) {
        size_t at = bytes.size() - in_left;
        return core::Error::BadRequest(
            "bad_encoding", "text is neither UTF-8 nor GB18030 (invalid byte sequence at offset " +
                                std::to_string(at) + ")");
    }
    out.resize(out.size() - out_left);
    return Decoded{std::move(out), "GB18030"};
}

std::vector<Para> SplitParagraphs(std::string_view utf8) {
    std::vector<Para> out;
    size_t i = 0;
    while (i <= utf8.size()) {
        size_t j = utf8.find('\n', i);
        if (j == std::string_view::npos) j = utf8.size();
        std::string_view line = utf8.substr(i, j - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        // Blank: only ASCII white space, ideographic spaces, zero-width characters.
        bool blank = true;
        for (size_t k = 0; k < line.size() && blank;) {
            unsigned char c = static_cast<unsigned char>(line[k]);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') { ++k; continue; }
            if (line.substr(k, 3) == "\xE3\x80\x80" || line.substr(k, 3) == "\xE2\x80\x8D" ||
                line.substr(k, 3) == "\xE2\x80\x8B" || line.substr(k, 3) == "\xEF\xBB\xBF") {
                k += 3;
                continue;
            }
            blank = false;
        }
        if (!blank) out.push_back(Para{std::string(line), 0});
        if (j == utf8.size()) break;
        i = j + 1;
    }
    return out;
}

}  // namespace duban::plan
