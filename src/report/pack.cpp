// The helpers shared by the renderers, and the drafted narrative. The narrative copies every
// figure from the table's strings: the sign decides the word (增长/下降, 超/落后), the magnitude
// is the string with its sign removed, so the text can never disagree with the table.
#include <opencc/opencc.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <regex>

#include "core/zh.hpp"
#include "report/internal.hpp"
#include "report/pack.hpp"

namespace duban::report {
namespace internal {
namespace {

// OpenCC converters are not documented as thread-safe: calls serialised. (Simplified comes from
// core::ToSimplified, the process's one t2s converter.)
struct Converter {
    opencc_t od = reinterpret_cast<opencc_t>(-1);
    std::mutex mu;
    explicit Converter(const char* config) {
        od = opencc_open(config);
        if (od == reinterpret_cast<opencc_t>(-1)) {
            od = opencc_open((std::string("/usr/share/opencc/") + config).c_str());
        }
    }
    std::string Convert(const std::string& s) {
        if (od == reinterpret_cast<opencc_t>(-1) || s.empty()) return s;
        std::lock_guard<std::mutex> lock(mu);
        char* r = opencc_convert_utf8(od, s.data(), s.size());
        if (!r) return s;
        std::string out(r);
        opencc_convert_utf8_free(r);
        return out;
    }
};

}  // namespace

std::string Zh(const std::string& text, Script script) {
    // s2tw: the Taiwan character forms the seed report prints (為, 著 — s2t gives 爲, 着) but
    // not s2twp's vocabulary, which would rename the district's mainland terms and parks
    // (軟件→軟體, 網絡信息→網路資訊, 項目→專案). See docs/architecture.md.
    static Converter to_trad("s2tw.json");
    return script == Script::kTraditional ? to_trad.Convert(text) : core::ToSimplified(text);
}

bool IsBlank(const std::string& s) {
    return s.empty() || s == "-" || s == "—" || s == "/" || s == "…";
}
bool IsNegative(const std::string& s) { return !s.empty() && s[0] == '-' && !IsZero(s); }
bool IsZero(const std::string& s) {
    if (IsBlank(s)) return false;
    bool digit = false;
    for (char ch : s) {
        if (ch >= '1' && ch <= '9') return false;
        if (ch == '0') digit = true;
    }
    return digit;
}
std::string Magnitude(const std::string& s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) return s.substr(1);
    return s;
}
int Decimals(const std::string& s) {
    auto p = s.find('.');
    if (p == std::string::npos) return 0;
    int n = 0;
    for (size_t i = p + 1; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++n;
    return n;
}
double ToDouble(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

std::string PeriodLabel(int month) {
    if (month <= 1) return "1月";
    return "1-" + std::to_string(month) + "月";
}
std::string Title(const MonthlyData& d) {
    return d.district + std::to_string(d.year) + "年" + PeriodLabel(d.month) +
           "主要经济指标完成情况";
}
std::string DemoNote() { return "演示数据：本表由系统生成，不是统计部门发布的数据。"; }

std::string LightFill(const std::string& light) {
    if (light == "red") return "#FFC7CE";
    if (light == "yellow") return "#FFEB9C";
    if (light == "green") return "#C6EFCE";
    return "";
}
std::string LightColour(const std::string& light) {
    if (light == "red") return "#D9534F";
    if (light == "yellow") return "#E0A800";
    if (light == "green") return "#3C8D40";
    return "#7F8C8D";
}

}  // namespace internal

namespace {

using namespace internal;

// "同比增长12.3%" / "同比下降3.5%" / "与上年同期持平"; empty when the figure is missing.
std::string GrowthClause(const std::string& yoy) {
    if (IsBlank(yoy)) return "";
    if (IsZero(yoy)) return "与上年同期持平";
    return std::string(IsNegative(yoy) ? "同比下降" : "同比增长") + Magnitude(yoy) + "%";
}
// "超序时进度2.3个百分点" / "落后序时进度6.1个百分点" / "与序时进度持平".
std::string GapClause(const std::string& gap) {
    if (IsBlank(gap)) return "";
    if (IsZero(gap)) return "与序时进度持平";
    return std::string(IsNegative(gap) ? "落后序时进度" : "超序时进度") + Magnitude(gap) +
           "个百分点";
}

std::string JoinClauses(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const auto& p : parts) {
        if (p.empty()) continue;
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

std::string IndicatorSentence(const MonthlyData& d, const TableRow& r) {
    const std::string period = PeriodLabel(d.month);
    std::vector<std::string> clauses;
    if (!IsBlank(r.ytd)) {
        if (r.unit == "%") {
            clauses.push_back("全区" + r.name + "为" + r.ytd + "%");
        } else {
            clauses.push_back("全区" + r.name + "完成" + r.ytd + r.unit);
        }
        // In 1-2月 the "month" figure is usually the two months together, i.e. the cumulative
        // one; "其中2月完成" would then repeat it under a wrong name.
        if (!IsBlank(r.month_value) && d.month > 1 && r.month_value != r.ytd) {
            clauses.push_back("其中" + std::to_string(d.month) + "月完成" + r.month_value + r.unit);
        }
    } else {
        clauses.push_back("全区" + r.name);
    }
    clauses.push_back(GrowthClause(r.yoy));
    if (!IsBlank(r.completion)) clauses.push_back("完成年度目标的" + r.completion + "%");
    clauses.push_back(GapClause(r.gap));
    if (clauses.size() == 1 || JoinClauses(clauses, "，") == clauses[0]) {
        return period + "，" + clauses[0] + "数据暂缺。";
    }
    return period + "，" + JoinClauses(clauses, "，") + "。";
}

// A figure moving the wrong way: down for most indicators, up for one where lower is better
// (energy per unit of output, accidents).
bool Adverse(const TableRow& r, const std::string& figure) {
    if (IsBlank(figure) || IsZero(figure)) return false;
    return r.higher_is_better ? IsNegative(figure) : !IsNegative(figure);
}

// "一般公共预算收入(同比下降3.5%,落后序时进度6.1个百分点)": the reasons a row is flagged.
std::string BehindItem(const TableRow& r) {
    std::vector<std::string> why;
    if (Adverse(r, r.yoy)) why.push_back(GrowthClause(r.yoy));
    if (Adverse(r, r.gap)) why.push_back(GapClause(r.gap));
    if (why.empty()) {
        why.push_back(GrowthClause(r.yoy));
        why.push_back(GapClause(r.gap));
    }
    std::string w = JoinClauses(why, "，");
    return w.empty() ? r.name : r.name + "（" + w + "）";
}

std::string StreetItem(const StreetFigure& s) {
    std::string w = JoinClauses(
        {GrowthClause(s.yoy), IsBlank(s.completion) ? "" : "完成年度目标的" + s.completion + "%"},
        "，");
    return w.empty() ? s.street : s.street + "（" + w + "）";
}

std::string JoinItems(const std::vector<std::string>& items) { return JoinClauses(items, "、"); }

}  // namespace

std::vector<std::string> DraftNarrative(const MonthlyData& d, Script script) {
    std::vector<std::string> out;
    const std::string period = PeriodLabel(d.month);

    // Lead: the period, the time progress, which indicators are ahead and which behind.
    std::vector<std::string> ahead, behind, falling;  // falling: growth the wrong way
    for (const auto& r : d.rows) {
        if (!IsBlank(r.gap) && !IsZero(r.gap))
            (IsNegative(r.gap) ? behind : ahead).push_back(r.name);
        if (Adverse(r, r.yoy)) falling.push_back(r.name);
    }
    std::string lead = std::to_string(d.year) + "年" + period + "，全区上下紧紧围绕年度目标任务，";
    if (behind.empty() && falling.empty()) {
        lead += "主要经济指标运行平稳、稳中有进";
    } else if (behind.size() * 2 <= d.rows.size()) {
        lead += "主要经济指标总体平稳，但部分指标仍有差距";
    } else {
        lead += "主要经济指标完成情况不够理想，稳增长压力较大";
    }
    if (!IsBlank(d.time_progress))
        lead += "。截至" + period + "末，序时进度为" + d.time_progress + "%";
    // Appended piecewise: g++ 12 -O2 warns falsely (-Wrestrict) on `";" + std::string`.
    if (!ahead.empty()) lead.append("；").append(JoinItems(ahead)).append("超序时进度");
    if (!behind.empty()) lead.append("；").append(JoinItems(behind)).append("落后序时进度");
    lead += "。";
    out.push_back(lead);

    // One paragraph per indicator, in table order: a 20-row table would otherwise make one
    // page-long paragraph, and an editor revises one indicator at a time.
    for (const auto& r : d.rows) out.push_back(IndicatorSentence(d, r));

    // What is behind: red rows first, then yellow.
    std::vector<std::string> red, yellow;
    for (const auto& r : d.rows) {
        if (r.light == "red") red.push_back(BehindItem(r));
        if (r.light == "yellow") yellow.push_back(BehindItem(r));
    }
    if (red.empty() && yellow.empty()) {
        out.push_back(
            "从预警情况看，各项指标均未出现红灯、黄灯预警，要继续保持良好态势，"
            "确保全年目标任务圆满完成。");
    } else {
        std::string p = "在肯定成绩的同时，也要清醒地看到存在的问题：";
        if (!red.empty()) p += JoinItems(red) + "亮红灯，差距较大";
        if (!yellow.empty()) {
            if (!red.empty()) p += "；";
            p += JoinItems(yellow) + "亮黄灯，需要密切关注";
        }
        p += "。各牵头单位要认真分析原因，逐项制定追赶措施，"
             "确保时间过半、任务过半和全年目标任务完成。";
        out.push_back(p);
    }

    // Streets: per indicator, the two that lead and the two that lag by growth (ordering only;
    // the figures printed are the streets' strings).
    std::vector<std::string> indicators;
    for (const auto& s : d.streets) {
        if (std::find(indicators.begin(), indicators.end(), s.indicator) == indicators.end()) {
            indicators.push_back(s.indicator);
        }
    }
    std::string streets;
    for (const auto& ind : indicators) {
        std::vector<const StreetFigure*> v;
        for (const auto& s : d.streets) {
            if (s.indicator == ind && !IsBlank(s.yoy)) v.push_back(&s);
        }
        if (v.size() < 2) continue;
        std::stable_sort(v.begin(), v.end(), [](const StreetFigure* a, const StreetFigure* b) {
            return ToDouble(a->yoy) > ToDouble(b->yoy);
        });
        size_t k = v.size() >= 4 ? 2 : 1;
        std::vector<std::string> lead_items, lag_items;
        for (size_t i = 0; i < k; ++i) lead_items.push_back(StreetItem(*v[i]));
        for (size_t i = v.size() - k; i < v.size(); ++i) lag_items.push_back(StreetItem(*v[i]));
        streets += "从街道看，" + ind + "增速居前的是" + JoinItems(lead_items) + "，居后的是" +
                   JoinItems(lag_items) + "。";
    }
    if (!streets.empty()) out.push_back(streets);

    for (auto& p : out) p = Zh(p, script);
    return out;
}

std::vector<std::string> UntracedNumbers(const MonthlyData& d,
                                         const std::vector<std::string>& narrative) {
    std::vector<std::string> known = {std::to_string(d.year), "1", std::to_string(d.month),
                                      d.time_progress};
    for (const auto& r : d.rows) {
        for (const auto* s : {&r.month_value, &r.ytd, &r.yoy, &r.target, &r.completion, &r.gap}) {
            if (!IsBlank(*s)) known.push_back(Magnitude(*s));
        }
    }
    for (const auto& s : d.streets) {
        if (!IsBlank(s.yoy)) known.push_back(Magnitude(s.yoy));
        if (!IsBlank(s.completion)) known.push_back(s.completion);
    }
    static const std::regex number(R"([0-9]+(?:\.[0-9]+)?)");
    std::vector<std::string> out;
    for (const auto& p : narrative) {
        for (auto it = std::sregex_iterator(p.begin(), p.end(), number);
             it != std::sregex_iterator(); ++it) {
            if (std::find(known.begin(), known.end(), it->str()) == known.end())
                out.push_back(it->str());
        }
    }
    return out;
}

}  // namespace duban::report
