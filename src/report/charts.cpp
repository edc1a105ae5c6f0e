// The two charts, drawn once on the abstract Canvas so the HTML (SVG) and the PDF (cairo) show
// the same picture. Bar and point labels print the table's strings, not reformatted doubles.
#include <algorithm>
#include <cmath>
#include <string>

#include "report/internal.hpp"

namespace duban::report::internal {
namespace {

const char* kPalette[] = {"#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E",
                          "#8C564B", "#E377C2", "#17BECF", "#7F7F7F", "#BCBD22"};
const char* kAxis = "#555555";
const char* kGrid = "#DDDDDD";

// A "nice" tick step (1, 2 or 5 × 10^k) giving about `n` intervals over `span`.
double NiceStep(double span, int n) {
    if (span <= 0) return 1;
    double raw = span / n;
    double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * p >= raw) return m * p;
    }
    return 10 * p;
}

std::string TickLabel(double v, double step) {
    char buf[32];
    int dec = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    std::snprintf(buf, sizeof buf, "%.*f", dec, std::fabs(v) < step / 1000 ? 0.0 : v);
    return buf;
}

}  // namespace

void DrawCompletionChart(Canvas& c, const MonthlyData& d, Script script, double w, double h) {
    const double title_h = 34, axis_h = 20, left = std::min(150.0, w * 0.3), right = 50;
    c.Text(w / 2, 15, Zh("各指标完成年度目标进度(%)", script), 11, Anchor::kMiddle, "#222222",
           true);
    const double tp = IsBlank(d.time_progress) ? 0 : ToDouble(d.time_progress);
    double vmax = std::max(100.0, tp);
    for (const auto& r : d.rows) {
        if (!IsBlank(r.completion)) vmax = std::max(vmax, ToDouble(r.completion));
    }
    const double step = NiceStep(vmax, 5);
    vmax = std::ceil(vmax / step) * step;
    const double x0 = left, x1 = w - right, y0 = title_h, y1 = h - axis_h;
    auto X = [&](double v) { return x0 + (x1 - x0) * std::max(0.0, v) / vmax; };
    for (double t = 0; t <= vmax + step / 2; t += step) {
        c.Line(X(t), y0, X(t), y1, kGrid, 0.5);
        c.Text(X(t), y1 + 12, TickLabel(t, step), 8, Anchor::kMiddle, kAxis);
    }
    c.Line(x0, y0, x0, y1, kAxis, 1);
    c.Line(x0, y1, x1, y1, kAxis, 1);
    // The time-progress line goes under the bars and their labels, which stay readable.
    if (!IsBlank(d.time_progress)) {
        c.Line(X(tp), y0 - 2, X(tp), y1, "#C0392B", 1.2, true);
        c.Text(X(tp), y0 - 5, Zh("序时进度", script) + d.time_progress + "%", 8, Anchor::kMiddle,
               "#C0392B");
    }
    const size_t n = std::max<size_t>(d.rows.size(), 1);
    const double band = (y1 - y0) / static_cast<double>(n);
    const double bar = std::min(band * 0.6, 16.0);
    const double font = std::min(9.0, std::max(6.0, band * 0.55));
    for (size_t i = 0; i < d.rows.size(); ++i) {
        const TableRow& r = d.rows[i];
        double cy = y0 + band * (static_cast<double>(i) + 0.5);
        c.Text(x0 - 4, cy + font * 0.35, Zh(r.name, script), font, Anchor::kEnd, "#222222");
        if (IsBlank(r.completion)) {
            c.Text(x0 + 4, cy + font * 0.35, "—", font, Anchor::kStart, kAxis);
            continue;
        }
        double v = ToDouble(r.completion);
        c.Rect(x0, cy - bar / 2, X(v) - x0, bar, LightColour(r.light));
        c.Text(X(v) + 3, cy + font * 0.35, r.completion + "%", font, Anchor::kStart, "#222222");
    }
}

void DrawTrendChart(Canvas& c, const MonthlyData& d, Script script, double w, double h) {
    const double title_h = 22, axis_h = 20, left = 40, right = 150;
    c.Text(w / 2, 15, Zh("主要指标累计同比增速(%)", script), 11, Anchor::kMiddle, "#222222", true);
    int mmax = std::max(d.month, 2), mmin = 12;
    double vmin = 0, vmax = 0;
    for (const auto& [code, pts] : d.trends) {
        for (const auto& p : pts) {
            if (IsBlank(p.yoy)) continue;
            mmin = std::min(mmin, p.month);
            mmax = std::max(mmax, p.month);
            vmin = std::min(vmin, ToDouble(p.yoy));
            vmax = std::max(vmax, ToDouble(p.yoy));
        }
    }
    mmin = std::min(mmin, 1);
    if (vmax - vmin < 1) vmax = vmin + 1;
    const double step = NiceStep(vmax - vmin, 5);
    vmin = std::floor(vmin / step) * step;
    vmax = std::ceil(vmax / step) * step;
    const double x0 = left, x1 = w - right, y0 = title_h, y1 = h - axis_h;
    auto X = [&](int m) { return x0 + (x1 - x0) * (m - mmin + 0.5) / (mmax - mmin + 1); };
    auto Y = [&](double v) { return y1 - (y1 - y0) * (v - vmin) / (vmax - vmin); };
    for (double t = vmin; t <= vmax + step / 2; t += step) {
        c.Line(x0, Y(t), x1, Y(t), kGrid, 0.5);
        c.Text(x0 - 4, Y(t) + 3, TickLabel(t, step), 8, Anchor::kEnd, kAxis);
    }
    c.Line(x0, Y(0), x1, Y(0), kAxis, 1);
    c.Line(x0, y0, x0, y1, kAxis, 1);
    for (int m = mmin; m <= mmax; ++m) {
        c.Text(X(m), y1 + 12, (m == 1 ? "1" : "1-" + std::to_string(m)) + Zh("月", script), 8,
               Anchor::kMiddle, kAxis);
    }
    size_t k = 0;
    for (const auto& [code, pts] : d.trends) {
        const std::string colour = kPalette[k % (sizeof kPalette / sizeof kPalette[0])];
        std::vector<std::pair<double, double>> line;
        const TrendPoint* last = nullptr;
        for (const auto& p : pts) {
            if (IsBlank(p.yoy)) continue;
            line.emplace_back(X(p.month), Y(ToDouble(p.yoy)));
            last = &p;
        }
        if (line.size() > 1) c.Polyline(line, colour, 1.6);
        for (const auto& [x, y] : line) c.Dot(x, y, 2.2, colour);
        if (last)
            c.Text(X(last->month) + 5, Y(ToDouble(last->yoy)) + 3, last->yoy, 7.5, Anchor::kStart,
                   colour);
        std::string name = code;
        for (const auto& r : d.rows) {
            if (r.code == code) name = r.name;
        }
        double ly = y0 + 6 + 14 * static_cast<double>(k);
        c.Line(x1 + 30, ly, x1 + 46, ly, colour, 2);
        c.Text(x1 + 50, ly + 3.5, Zh(name, script), 8, Anchor::kStart, "#222222");
        ++k;
    }
}

}  // namespace duban::report::internal
