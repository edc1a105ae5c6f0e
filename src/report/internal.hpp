#pragma once
// Internal to duban_report: the helpers the narrative and the three renderers share — script
// conversion, reading the table's decimal strings, period labels, and a small drawing surface the
// two charts are drawn on once and rendered both as SVG (HTML) and with cairo (PDF).
#include <string>
#include <utility>
#include <vector>

#include "report/pack.hpp"

namespace duban::report::internal {

/// The text in the requested script: OpenCC t2s for kSimplified (names from the database may be
/// written in either script), s2t for kTraditional. Returns the input when OpenCC is unavailable.
std::string Zh(const std::string& text, Script script);

// ---- the table's figures, read but never recomputed
bool IsBlank(const std::string& s);           // empty, or "—" / "-" placeholders
bool IsNegative(const std::string& s);        // "-3.5"
bool IsZero(const std::string& s);            // "0", "0.0", "-0.0"
std::string Magnitude(const std::string& s);  // "-3.5" -> "3.5", "+2.3" -> "2.3": text, not maths
int Decimals(const std::string& s);           // digits after the point
double ToDouble(const std::string& s);        // for charts and spreadsheet cells only

// ---- labels
std::string PeriodLabel(int month);       // "1月", "1-2月", "1-6月"
std::string Title(const MonthlyData& d);  // "沙河口区2026年1-6月主要经济指标完成情况"
std::string DemoNote();                   // the generated-data warning (simplified)

// ---- drawing
enum class Anchor { kStart, kMiddle, kEnd };
/// A minimal vector surface in points, origin top left. Colours are "#RRGGBB".
class Canvas {
public:
    virtual ~Canvas() = default;
    virtual void Rect(double x, double y, double w, double h, const std::string& fill) = 0;
    virtual void Line(double x1,
                      double y1,
                      double x2,
                      double y2,
                      const std::string& colour,
                      double width,
                      bool dashed = false) = 0;
    virtual void Polyline(const std::vector<std::pair<double, double>>& pts,
                          const std::string& colour,
                          double width) = 0;
    virtual void Dot(double x, double y, double r, const std::string& colour) = 0;
    /// `y` is the baseline.
    virtual void Text(double x,
                      double y,
                      const std::string& text,
                      double size,
                      Anchor anchor,
                      const std::string& colour,
                      bool bold = false) = 0;
};

/// Horizontal bars of 完成目标% per indicator, a dashed line at 序時進度, each bar coloured by
/// its light and labelled with the table's completion string.
void DrawCompletionChart(Canvas& c, const MonthlyData& d, Script script, double w, double h);
/// 1-N月累計同比 by month, one line per indicator in `trends`, a zero line, a legend.
void DrawTrendChart(Canvas& c, const MonthlyData& d, Script script, double w, double h);

std::string LightFill(const std::string& light);    // pale fill for table cells
std::string LightColour(const std::string& light);  // strong colour for bars

}  // namespace duban::report::internal
