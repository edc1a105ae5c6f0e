#pragma once
// Internal to the report importer: code-point text, script normalisation, the quantity scanner.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duban::plan::internal {

using U32 = std::u32string;

U32 ToU32(std::string_view utf8);  // invalid bytes become U+FFFD
std::string ToUtf8(std::u32string_view s);
/// Traditional -> Simplified with OpenCC t2s, one code point in, one out, so offsets into the
/// result are offsets into the input. Converters are created once.
U32 ToSimplified(std::u32string_view s);
std::string ToSimplifiedUtf8(std::string_view utf8);

bool IsCjk(char32_t c);
bool IsDigit(char32_t c);  // ASCII or full-width
bool IsAsciiAlpha(char32_t c);
/// Sentence / clause punctuation in Chinese and ASCII.
bool IsClauseDelim(char32_t c);

/// One quantity found by the scanner (code points into the text given to ScanQuantities).
struct RawQuantity {
    size_t start = 0, end = 0;  // the number and its unit (and bound word), end exclusive
    double value = 0;
    std::string unit;           // simplified
    std::string measure;        // growth_rate | amount | area | count | share | other
    size_t ind_start = 0, ind_end = 0;  // the indicator span (may be empty)
    std::string basis;          // 同比 | 按可比价 | 比上年 | 实际 | 环比 | 完成计划 | ""
    std::string bound;          // approx | at_least | at_most | ""
    bool prior = false;         // the clause names last year (去年/上年)
    bool estimate = false;      // 预计
    bool commitment_cue = false;  // 出资/投入/安排/设立 near the number
    bool inherited = false;     // indicator copied from the previous quantity of the sentence
    /// Split indicator ("A和B增长15%"): the second indicator's span; empty when none.
    size_t ind2_start = 0, ind2_end = 0;
};
/// Scans one sentence (normalised, simplified) for quantities. `base` is added to offsets.
void ScanQuantities(std::u32string_view norm, size_t base, std::vector<RawQuantity>* out);

}  // namespace duban::plan::internal
