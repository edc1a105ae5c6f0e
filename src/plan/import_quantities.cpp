// The quantity scanner: a number, its unit and bound, what it measures and the indicator it is
// tied to. Hand-written scanning over code points (no regex): linear in the sentence length,
// apart from short fixed word lists tried at a position.
#include <array>
#include <cstdlib>

#include "plan/import_internal.hpp"

namespace duban::plan::internal {
namespace {

using SV = std::u32string_view;

bool At(SV s, size_t pos, SV w) { return pos + w.size() <= s.size() && s.substr(pos, w.size()) == w; }
bool EndsAt(SV s, size_t end, SV w) { return end >= w.size() && s.substr(end - w.size(), w.size()) == w; }
bool Has(SV s, SV w) { return s.find(w) != SV::npos; }

struct Unit {
    SV text;
    const char* measure;
};
// Longest first where one is a prefix of another.
constexpr std::array kUnits = {
    Unit{U"万亿美元", "amount"}, Unit{U"亿美元", "amount"}, Unit{U"万美元", "amount"},
    Unit{U"万亿元", "amount"},   Unit{U"亿元", "amount"},   Unit{U"万元", "amount"},
    Unit{U"千元", "amount"},     Unit{U"美元", "amount"},   Unit{U"元", "amount"},
    Unit{U"万平方米", "area"},   Unit{U"平方米", "area"},   Unit{U"平方公里", "area"},
    Unit{U"万公顷", "area"},     Unit{U"公顷", "area"},     Unit{U"万亩", "area"},
    Unit{U"亩", "area"},         Unit{U"个百分点", "other"}, Unit{U"万公里", "other"},
    Unit{U"公里", "other"},      Unit{U"亿吨", "other"},    Unit{U"万吨", "other"},
    Unit{U"吨", "other"},        Unit{U"万千瓦", "other"},  Unit{U"千瓦", "other"},
    Unit{U"亿人次", "count"},    Unit{U"万人次", "count"},  Unit{U"人次", "count"},
    Unit{U"亿人", "count"},      Unit{U"万人", "count"},    Unit{U"人", "count"},
    Unit{U"万名", "count"},      Unit{U"名", "count"},      Unit{U"万户", "count"},
    Unit{U"户", "count"},        Unit{U"亿户", "count"},        Unit{U"万套", "count"},    Unit{U"套", "count"},
    Unit{U"万个", "count"},      Unit{U"个", "count"},      Unit{U"万家", "count"},
    Unit{U"家", "count"},        Unit{U"万件", "count"},    Unit{U"件", "count"},
    Unit{U"项", "count"},        Unit{U"所", "count"},      Unit{U"座", "count"},
    Unit{U"条", "count"},        Unit{U"处", "count"},      Unit{U"次", "count"},
    Unit{U"批", "count"},        Unit{U"台", "count"},      Unit{U"辆", "count"},
    Unit{U"张", "count"},        Unit{U"周年", "other"},    Unit{U"天", "other"},
    Unit{U"小时", "other"},      Unit{U"倍", "other"},      Unit{U"%", "share"},
    Unit{U"％", "share"},
};
// 万 / 亿 directly before a noun ("6600多万农村人口").
constexpr SV kBareScale[] = {U"万", U"亿"};

struct Verb {
    SV text;
    int sign;
};
constexpr std::array kGrowthVerbs = {
    Verb{U"增长", 1},  Verb{U"增加", 1},  Verb{U"提高", 1},  Verb{U"上涨", 1}, Verb{U"涨幅", 1},
    Verb{U"增速", 1},  Verb{U"增幅", 1},  Verb{U"上升", 1},  Verb{U"上调", 1}, Verb{U"下降", -1},
    Verb{U"降低", -1}, Verb{U"减少", -1}, Verb{U"回落", -1}, Verb{U"下调", -1}, Verb{U"降幅", -1},
};

constexpr SV kLeading[] = {
    U"全年共", U"全年", U"预计", U"今年", U"明年", U"去年", U"上年", U"全区", U"全市",
    U"累计", U"其中", U"初步确定", U"确定", U"我区", U"已经", U"拟安排", U"拟", U"安排",
    U"新建了", U"新建", U"设立了", U"设立", U"建设了", U"争取到", U"争取", U"继续", U"实现",
    U"主要预期目标是", U"力争", U"确保", U"一年来", U"同时", U"还", U"都", U"再", U"约",
    U"共", U"已", U"有", U"要", U"并", U"使", U"达到", U"分别", U"比去年", U"比上年", U"也要", U"也", U"再",
};
constexpr SV kTrailing[] = {
    U"按可比价增长", U"比上年增长", U"比去年增长", U"同比增长", U"实际增长", U"增长了", U"增长",
    U"增加了", U"增加", U"提高了", U"提高到", U"提高", U"上涨", U"涨幅", U"增速", U"增幅",
    U"下降了", U"下降", U"降低", U"减少了", U"减少", U"上升到", U"上升", U"达到了", U"达到",
    U"达", U"为", U"是", U"共计", U"合计", U"总计", U"共", U"约", U"超过", U"突破", U"完成了",
    U"实现了", U"实现", U"累计", U"控制在", U"保持在", U"分别", U"了", U"到", U"在", U"预期",
    U"预计", U"比上年", U"同比", U"按可比价", U"从去年的", U"已", U"的", U"比去年增加", U"比上年增加", U"要", U"由", U"稳定在", U"增长预期",
};
// Words that end a noun phrase read forward from after a number ("45个大项目中").
constexpr SV kForwardStops[] = {
    U"的", U"中", U"通过", U"全部", U"分", U"参加", U"基本", U"已", U"在", U"被", U"和",
    U"为", U"是", U"实现", U"达到", U"完成", U"得到", U"进行", U"将", U"等", U"左右",
    U"以上", U"以下", U"以内", U"开工", U"建设", U"投入", U"启动", U"竣工", U"成为", U"获得",
    U"问题", U"比", U"同比", U"提高", U"增长", U"下降", U"减少", U"增加", U"要",
};

// Strips leading and trailing filler words from [b, e) of s.
void Strip(SV s, size_t* b, size_t* e) {
    for (bool changed = true; changed && *b < *e;) {
        changed = false;
        for (SV w : kTrailing)
            if (*e - *b > w.size() && EndsAt(s.substr(0, *e), *e, w)) { *e -= w.size(); changed = true; break; }
            else if (*e - *b == w.size() && EndsAt(s.substr(0, *e), *e, w)) { *e = *b; changed = true; break; }
        if (changed) continue;
        for (SV w : kLeading)
            if (*e - *b >= w.size() && At(s.substr(0, *e), *b, w)) { *b += w.size(); changed = true; break; }
    }
    while (*b < *e && !IsCjk(s[*b]) && !IsAsciiAlpha(s[*b]) && !IsDigit(s[*b])) ++*b;
    while (*e > *b && !IsCjk(s[*e - 1]) && !IsAsciiAlpha(s[*e - 1]) && !IsDigit(s[*e - 1])) --*e;
    if (*e - *b > 24) *b = *e - 24;  // a long clause: the words nearest the number
}

// A noun phrase read forward from p; returns its end (p when none).
size_t Forward(SV s, size_t p) {
    size_t q = p;
    while (q < s.size() && q - p < 12 && IsCjk(s[q])) {
        bool stop = false;
        for (SV w : kForwardStops)
            if (At(s, q, w)) { stop = true; break; }
        // "中" ends a phrase as a postposition ("45个大项目中，"), not inside a word ("中心").
        if (stop && s[q] == U'中' && q + 1 < s.size() && IsCjk(s[q + 1])) stop = false;
        if (stop) break;
        ++q;
    }
    return q;
}

}  // namespace

void ScanQuantities(SV s, size_t base, std::vector<RawQuantity>* out) {
    const size_t first = out->size();
    size_t prev_end = 0;
    const size_t n = s.size();
    const size_t estimate_at = s.find(U"预计");  // once: a per-number search would be quadratic
    size_t i = 0;
    while (i < n) {
        if (!IsDigit(s[i]) || (i > 0 && (IsDigit(s[i - 1]) || IsAsciiAlpha(s[i - 1]) ||
                                         s[i - 1] == U'.' || s[i - 1] == U'-' || s[i - 1] == U'/' ||
                                         s[i - 1] == U':'))) {
            ++i;
            continue;
        }
        // The number: digits, an optional decimal part. Bounded: a run of 30 digits is not a quantity.
        size_t j = i;
        std::string num;
        while (j < n && IsDigit(s[j])) {
            num.push_back(static_cast<char>(s[j] >= U'０' ? U'0' + (s[j] - U'０') : s[j]));
            ++j;
        }
        if (j + 1 < n && (s[j] == U'.' || s[j] == U'．') && IsDigit(s[j + 1])) {
            num.push_back('.');
            ++j;
            while (j < n && IsDigit(s[j])) {
                num.push_back(static_cast<char>(s[j] >= U'０' ? U'0' + (s[j] - U'０') : s[j]));
                ++j;
            }
        }
        if (num.size() > 20 || (j < n && (IsAsciiAlpha(s[j]) || s[j] == U'-' || s[j] == U':' ||
                                          s[j] == U'/' || s[j] == U'.'))) {
            i = j;
            continue;
        }
        size_t k = j;
        std::string bound;
        if (k < n && (s[k] == U'多' || s[k] == U'余')) { bound = "at_least"; ++k; }
        const Unit* unit = nullptr;
        for (const Unit& u : kUnits)
            if (At(s, k, u.text)) { unit = &u; break; }
        std::string unit_text, measure;
        size_t uend;
        // "13亿人口": the scale and the noun 人口, not the unit 亿人.
        if (unit && (unit->text == U"亿人" || unit->text == U"万人") && k + 2 < n && s[k + 2] == U'口') unit = nullptr;
        if (unit) {
            unit_text = ToUtf8(unit->text);
            measure = unit->measure;
            uend = k + unit->text.size();
        } else if (k + 1 < n && (s[k] == kBareScale[0][0] || s[k] == kBareScale[1][0]) && IsCjk(s[k + 1]) &&
                   s[k + 1] != U'元') {
            unit_text = ToUtf8(s.substr(k, 1));
            measure = "count";
            uend = k + 1;
        } else {
            i = j;
            continue;
        }
        if (unit_text == "％") unit_text = "%";
        size_t qend = uend;
        if (At(s, qend, U"左右")) { bound = "approx"; qend += 2; }
        else if (At(s, qend, U"以上")) { bound = "at_least"; qend += 2; }
        else if (At(s, qend, U"以内") || At(s, qend, U"以下")) { bound = "at_most"; qend += 2; }

        RawQuantity q;
        q.start = base + i;
        q.end = base + qend;
        q.value = std::strtod(num.c_str(), nullptr);
        q.unit = unit_text;
        q.measure = measure;
        q.bound = bound;

        // The clause before the number, back to a delimiter or the previous quantity.
        size_t cs = i;
        while (cs > prev_end && !IsClauseDelim(s[cs - 1])) --cs;
        SV clause = s.substr(cs, i - cs);
        const RawQuantity* prev = out->size() > first ? &out->back() : nullptr;
        bool parallel = prev && (EndsAt(s, i, U"和") || EndsAt(s, i, U"、")) && prev->end == base + i - 1;

        if (measure == "share") {
            size_t ce = i;
            if (EndsAt(s, ce, U"了")) --ce;
            if (EndsAt(s, ce, U"预期")) ce -= 2;  // "经济增长预期7%左右"
            for (const Verb& v : kGrowthVerbs)
                if (EndsAt(s, ce, v.text)) {
                    q.measure = "growth_rate";
                    if (v.sign < 0) q.value = -q.value;
                    break;
                }
            if (parallel && prev->measure == "growth_rate" && q.measure == "share") {
                q.measure = "growth_rate";
                if (prev->value < 0) q.value = -q.value;
            }
        }
        if (Has(clause, U"按可比价")) q.basis = "按可比价";
        else if (Has(clause, U"同比")) q.basis = "同比";
        else if (Has(clause, U"比上年") || Has(clause, U"比去年")) q.basis = "比上年";
        else if (Has(clause, U"环比")) q.basis = "环比";
        else if (Has(clause, U"实际增长")) q.basis = "实际";
        q.prior = Has(clause, U"去年的") || Has(clause, U"上年的") || Has(clause, U"从去年");
        q.estimate = estimate_at != SV::npos && estimate_at < i;
        SV wide = s.substr(cs, std::min(n, qend + 12) - cs);
        q.commitment_cue = Has(wide, U"出资") || Has(wide, U"投入") || Has(wide, U"安排") ||
                           Has(wide, U"设立") || Has(wide, U"拨付") || Has(wide, U"资金");

        // The indicator: a noun after "的" or after a count, else the clause before, else the
        // previous quantity's (a list: "13.08亿元，同比增长20.2%").
        size_t fb = qend, fe = qend;
        if (fb < n && s[fb] == U'的') { ++fb; fe = Forward(s, fb); }
        size_t pb = cs, pe = i;
        bool completion = At(clause, 0, U"完成") && (Has(clause, U"计划") || Has(clause, U"目标"));
        bool achieved = EndsAt(s, i, U"实现");  // "实现100%就业": the noun follows
        if (!completion) Strip(s, &pb, &pe);
        if (fe == fb && fb < n && IsCjk(s[fb]) &&
            (q.measure == "count" || (q.measure == "share" && (achieved || pe == pb))))
            fe = Forward(s, fb);
        if (completion) {
            q.basis = "完成计划";
            if (prev) { q.ind_start = prev->ind_start; q.ind_end = prev->ind_end; q.inherited = true; }
        } else if (fe > fb) {
            q.ind_start = base + fb;
            q.ind_end = base + fe;
        } else if (parallel) {
            q.ind_start = prev->ind_start; q.ind_end = prev->ind_end;
            q.ind2_start = prev->ind2_start; q.ind2_end = prev->ind2_end;
            q.inherited = true;
            if (q.basis.empty()) q.basis = prev->basis;
        } else if (pe > pb) {
            q.ind_start = base + pb;
            q.ind_end = base + pe;
            // "地区生产总值和财政收入同比增长15%": one rate, two indicators.
            if (q.measure == "growth_rate") {
                for (size_t p = pb + 3; p + 3 < pe + 1 && p < pe; ++p) {
                    if ((s[p] == U'和' || s[p] == U'及' || s[p] == U'与') && pe - p - 1 >= 3) {
                        q.ind_end = base + p;
                        q.ind2_start = base + p + 1;
                        q.ind2_end = base + pe;
                        break;
                    }
                }
            }
        } else if (prev) {
            q.ind_start = prev->ind_start; q.ind_end = prev->ind_end;
            q.ind2_start = prev->ind2_start; q.ind2_end = prev->ind2_end;
            q.inherited = true;
        }
        out->push_back(q);
        prev_end = qend;
        i = qend;
    }
}

}  // namespace duban::plan::internal
