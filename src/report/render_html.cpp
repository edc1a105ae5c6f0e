// A self-contained printable page: inline CSS, the table, the narrative and the two charts as
// inline SVG drawn by charts.cpp. No scripts, no external assets; CJK fonts by font-family lists.
#include <cstdio>
#include <string>

#include "report/internal.hpp"
#include "report/pack.hpp"

namespace duban::report {
namespace {

using namespace internal;

std::string Esc(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += ch;
        }
    }
    return out;
}

std::string F(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

class SvgCanvas : public Canvas {
public:
    std::string out;
    void Rect(double x, double y, double w, double h, const std::string& fill) override {
        out += "<rect x=\"" + F(x) + "\" y=\"" + F(y) + "\" width=\"" + F(w) + "\" height=\"" +
               F(h) + "\" fill=\"" + fill + "\"/>";
    }
    void Line(double x1,
              double y1,
              double x2,
              double y2,
              const std::string& colour,
              double width,
              bool dashed) override {
        out += "<line x1=\"" + F(x1) + "\" y1=\"" + F(y1) + "\" x2=\"" + F(x2) + "\" y2=\"" +
               F(y2) + "\" stroke=\"" + colour + "\" stroke-width=\"" + F(width) + "\"" +
               (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>";
    }
    void Polyline(const std::vector<std::pair<double, double>>& pts,
                  const std::string& colour,
                  double width) override {
        out += "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" + F(width) +
               "\" points=\"";
        for (const auto& [x, y] : pts) out += F(x) + "," + F(y) + " ";
        out += "\"/>";
    }
    void Dot(double x, double y, double r, const std::string& colour) override {
        out += "<circle cx=\"" + F(x) + "\" cy=\"" + F(y) + "\" r=\"" + F(r) + "\" fill=\"" +
               colour + "\"/>";
    }
    void Text(double x,
              double y,
              const std::string& text,
              double size,
              Anchor anchor,
              const std::string& colour,
              bool bold) override {
        const char* a = anchor == Anchor::kStart    ? "start"
                        : anchor == Anchor::kMiddle ? "middle"
                                                    : "end";
        out += "<text x=\"" + F(x) + "\" y=\"" + F(y) + "\" font-size=\"" + F(size) +
               "\" text-anchor=\"" + a + "\" fill=\"" + colour + "\"" +
               (bold ? " font-weight=\"bold\"" : "") + ">" + Esc(text) + "</text>";
    }
};

template <class Draw>
std::string Svg(double w, double h, const std::string& label, Draw draw) {
    SvgCanvas c;
    draw(c);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + F(w) + " " + F(h) +
           "\" width=\"" + F(w) + "\" height=\"" + F(h) + "\" role=\"img\" aria-label=\"" +
           Esc(label) + "\">" + c.out + "</svg>";
}

std::string Cell(const std::string& s, const char* cls = "num") {
    return std::string("<td class=\"") + cls + "\">" + (IsBlank(s) ? "—" : Esc(s)) + "</td>";
}

}  // namespace

core::Result<std::string> RenderHtml(const MonthlyData& d,
                                     const std::vector<std::string>& narrative,
                                     Script script) {
    const bool tw = script == Script::kTraditional;
    auto Z = [&](const std::string& s) { return Zh(s, script); };
    const std::string sans = tw ? "\"Noto Sans CJK TC\", \"Noto Sans TC\", \"Source Han Sans TC\", "
                                  "\"Microsoft JhengHei\", \"PingFang TC\""
                                : "\"Noto Sans CJK SC\", \"Noto Sans SC\", \"Source Han Sans SC\", "
                                  "\"Microsoft YaHei\", \"PingFang SC\"";
    const std::string serif =
        tw ? "\"Noto Serif CJK TC\", \"Noto Serif TC\", \"Source Han Serif TC\", "
             "\"PMingLiU\""
           : "\"Noto Serif CJK SC\", \"Noto Serif SC\", \"Source Han Serif SC\", "
             "\"SimSun\"";
    const std::string title = Z(Title(d));
    const std::string period = PeriodLabel(d.month);
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"" + std::string(tw ? "zh-TW" : "zh-CN") +
         "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Esc(title) + "</title>\n<style>\n";
    h += "@page { size: A4; margin: 15mm; }\n";
    h += "body { font-family: " + sans +
         ", sans-serif; color: #222; max-width: 190mm; margin: 0 auto; "
         "font-size: 10.5pt; }\n";
    h += "h1 { font-family: " + serif +
         ", serif; font-size: 18pt; text-align: center; margin: 8mm 0 2mm; }\n";
    h += ".sub { text-align: center; color: #555; margin: 0 0 4mm; }\n";
    h += ".demo { border: 1px solid #C0392B; color: #C0392B; padding: 2mm; text-align: center; }\n";
    h += "table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }\n";
    h += "th, td { border: 1px solid #333; padding: 1.2mm 1.5mm; }\n";
    h += "th { background: #EEE; font-weight: bold; }\n";
    h += "td.num { text-align: right; font-variant-numeric: tabular-nums; }\n";
    h += "tr.red td.lit { background: #FFC7CE; } tr.yellow td.lit { background: #FFEB9C; } "
         "tr.green td.lit { background: #C6EFCE; }\n";
    h += ".narrative p { font-family: " + serif +
         ", serif; text-indent: 2em; line-height: 1.8; "
         "text-align: justify; margin: 0 0 2mm; }\n";
    h += "figure { margin: 4mm 0; break-inside: avoid; } svg { max-width: 100%; height: auto; "
         "font-family: " +
         sans + ", sans-serif; }\n";
    h += ".note { color: #555; font-size: 9pt; }\n";
    h += "</style>\n</head>\n<body>\n";
    if (d.generated_data) h += "<p class=\"demo\">" + Esc(Z(DemoNote())) + "</p>\n";
    h += "<h1>" + Esc(title) + "</h1>\n";
    h += "<p class=\"sub\">" + Esc(Z("序时进度")) + " " + Esc(d.time_progress) + "%</p>\n";
    h += "<table>\n<thead><tr>";
    for (const std::string& col : {std::string("指标"), std::string("单位"), std::string("本月"),
                                   period + "累计", std::string("同比±%"), std::string("年度目标"),
                                   std::string("完成目标%"), std::string("序时进度差(百分点)")}) {
        h += "<th>" + Esc(Z(col)) + "</th>";
    }
    h += "</tr></thead>\n<tbody>\n";
    for (const auto& r : d.rows) {
        h += "<tr class=\"" + Esc(r.light) + "\"><td class=\"lit\">" + Esc(Z(r.name)) +
             "</td><td>" + Esc(Z(r.unit)) + "</td>" + Cell(r.month_value) + Cell(r.ytd) +
             Cell(r.yoy) + Cell(r.target) + Cell(r.completion) + Cell(r.gap, "num lit") + "</tr>\n";
    }
    h += "</tbody>\n</table>\n";
    h += "<p class=\"note\">" +
         Esc(Z("注:序时进度差=完成目标%-序时进度,正数为超序时进度,负数为落后序时进度;"
               "红、黄底色为预警指标。")) +
         "</p>\n";
    h += "<section class=\"narrative\">\n<h2>" + Esc(Z("运行分析")) + "</h2>\n";
    const std::vector<std::string> paras =
        narrative.empty() ? DraftNarrative(d, script) : narrative;
    for (const auto& p : paras) h += "<p>" + Esc(p) + "</p>\n";
    h += "</section>\n<section class=\"charts\">\n";
    const double bar_h = 60 + 26.0 * static_cast<double>(d.rows.size());
    h += "<figure>" +
         Svg(680, bar_h, Z("完成年度目标进度"),
             [&](Canvas& c) { DrawCompletionChart(c, d, script, 680, bar_h); }) +
         "</figure>\n";
    if (!d.trends.empty()) {
        h += "<figure>" +
             Svg(680, 280, Z("累计同比增速"),
                 [&](Canvas& c) { DrawTrendChart(c, d, script, 680, 280); }) +
             "</figure>\n";
    }
    h += "</section>\n";
    if (d.generated_data) h += "<p class=\"demo\">" + Esc(Z(DemoNote())) + "</p>\n";
    h += "</body>\n</html>\n";
    return h;
}

}  // namespace duban::report
