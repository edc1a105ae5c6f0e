// The case text index's terms: pairs of adjacent word characters, in hex. See text_grams.hpp.
#include "store/text_grams.hpp"

#include <algorithm>
#include <cstdint>

namespace duban::store {
namespace {

// Punctuation, spaces and symbols end a run of word characters: ASCII other than letters and
// digits, Latin-1's symbols, general punctuation, CJK symbols and punctuation (、。「」〔〕),
// the CJK compatibility forms and the full-width ASCII punctuation (，：（）！).
bool IsWordChar(uint32_t c) {
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c <= 0xBF) return false;
    if (c >= 0x2000 && c <= 0x206F) return false;
    if (c >= 0x3000 && c <= 0x303F) return false;
    if (c >= 0xFE30 && c <= 0xFE4F) return false;
    if (c >= 0xFF00 && c <= 0xFF0F) return false;
    if (c >= 0xFF1A && c <= 0xFF20) return false;
    if (c >= 0xFF3B && c <= 0xFF40) return false;
    if (c >= 0xFF5B && c <= 0xFF65) return false;
    return true;
}

// One character of s from position *i (UTF-8), as SQLite's LIKE reads it: U+FFFE, U+FFFF,
// surrogates and a multi-byte form of an ASCII character read as U+FFFD. 0 for a byte that starts
// no character (a separator, skipped on its own).
uint32_t Next(std::string_view s, size_t* i) {
    const auto b0 = static_cast<unsigned char>(s[*i]);
    size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || *i + n > s.size()) {
        ++*i;
        return 0;
    }
    uint32_t c = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[*i + k]);
        if ((b & 0xC0) != 0x80) {
            ++*i;
            return 0;
        }
        c = (c << 6) | (b & 0x3F);
    }
    *i += n;
    if ((n > 1 && c < 0x80) || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF) c = 0xFFFD;
    return c;
}

// A character's UTF-8 bytes in hex (the shortest form, so that every spelling of it is one term),
// ASCII letters lower-cased as LIKE ignores their case.
void AppendHex(std::string* out, uint32_t c) {
    static const char* kHex = "0123456789abcdef";
    unsigned char b[4];
    size_t n = 0;
    if (c < 0x80) {
        b[n++] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (c < 0x800) {
        b[n++] = static_cast<unsigned char>(0xC0 | (c >> 6));
        b[n++] = static_cast<unsigned char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        b[n++] = static_cast<unsigned char>(0xE0 | (c >> 12));
        b[n++] = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
        b[n++] = static_cast<unsigned char>(0x80 | (c & 0x3F));
    } else {
        b[n++] = static_cast<unsigned char>(0xF0 | (c >> 18));
        b[n++] = static_cast<unsigned char>(0x80 | ((c >> 12) & 0x3F));
        b[n++] = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
        b[n++] = static_cast<unsigned char>(0x80 | (c & 0x3F));
    }
    for (size_t k = 0; k < n; ++k) {
        out->push_back(kHex[b[k] >> 4]);
        out->push_back(kHex[b[k] & 0xF]);
    }
}

void Collect(std::string_view s, std::vector<std::string>* grams) {
    uint32_t prev = 0;
    bool have_prev = false;
    for (size_t i = 0; i < s.size();) {
        const uint32_t c = Next(s, &i);
        if (c == 0 || !IsWordChar(c)) {
            have_prev = false;
            continue;
        }
        if (have_prev && (prev >= 0x80 || c >= 0x80)) {
            std::string g;
            g.reserve(16);
            AppendHex(&g, prev);
            AppendHex(&g, c);
            grams->push_back(std::move(g));
        }
        prev = c;
        have_prev = true;
    }
}

// The distinct terms in the order they first appear.
std::vector<std::string> InOrder(std::string_view s) {
    std::vector<std::string> grams, out;
    Collect(s, &grams);
    for (auto& g : grams)
        if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
    return out;
}

std::vector<std::string> Distinct(const std::vector<std::string_view>& texts) {
    std::vector<std::string> grams;
    for (auto t : texts) Collect(t, &grams);
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    return grams;
}

void GramsFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    std::vector<std::string_view> texts;
    texts.reserve(static_cast<size_t>(argc));
    for (int i = 0; i < argc; ++i) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
        if (p) texts.emplace_back(p, static_cast<size_t>(sqlite3_value_bytes(argv[i])));
    }
    std::string out = TextGrams(texts);
    sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace

std::string TextGrams(const std::vector<std::string_view>& texts) {
    std::string out;
    for (const auto& g : Distinct(texts)) {
        if (!out.empty()) out += ' ';
        out += g;
    }
    return out;
}

std::string TextGramsQuery(std::string_view q, size_t max_terms) {
    std::vector<std::string> grams = InOrder(q);
    if (max_terms > 0 && grams.size() > max_terms) {
        // Spread over the text (the first and the last pair among them): each term an AND costs,
        // and a few pairs of a long phrase already leave few candidates for LIKE.
        std::vector<std::string> some;
        for (size_t k = 0; k < max_terms; ++k)
            some.push_back(std::move(grams[max_terms == 1 ? 0 : k * (grams.size() - 1) / (max_terms - 1)]));
        grams = std::move(some);
    }
    std::string out;
    for (const auto& g : grams) {
        if (!out.empty()) out += ' ';
        out += '"' + g + '"';
    }
    return out;
}

int RegisterTextGrams(sqlite3* db) {
    return sqlite3_create_function_v2(db, "duban_grams", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                               GramsFunction, nullptr, nullptr, nullptr);
}

}  // namespace duban::store
