#pragma once
/// duban::indicators maths — the arithmetic of statistical tables: cumulative and monthly values,
/// growth (同比, 環比, comparable-price), completion of the annual target, time progress
/// (序時進度) and the gap to it, contribution (貢獻率) and pull (拉動), the annual projection
/// (預計全年) and targets implied by growth rates. Pure functions: no I/O, no clock.
///
/// Values are exact decimals (Decimal: an integer count of 10^-scale units). Every function that
/// divides computes the exact quotient and rounds once, half away from zero (四捨五入), to the
/// scale the caller asks for: the number of decimals the table shows. See docs/indicators-maths.md.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "core/core.hpp"

namespace duban::indicators {

/// An exact decimal number: units × 10^-scale (13.08 is {1308, 2}). Arithmetic (+, -, *) is
/// exact; the result of + and - has the larger scale, of * the sum of the scales.
/// REQUIRES: results fit 18 significant digits and scale <= kMaxScale (std::overflow_error
/// otherwise: indicator values are far smaller, so this is a programmer error).
class Decimal {
public:
    static constexpr int kMaxScale = 12;

    Decimal() = default;
    /// units × 10^-scale. REQUIRES: 0 <= scale <= kMaxScale.
    static Decimal FromUnits(int64_t units, int scale);
    static Decimal Int(int64_t v) { return FromUnits(v, 0); }
    /// "13.08", "-0.5", "115", "+3"; at most kMaxScale decimals, no exponent, no separators.
    /// The scale is the number of decimals written ("15.00" has scale 2).
    static core::Result<Decimal> Parse(std::string_view text);

    int64_t units() const { return units_; }
    int scale() const { return scale_; }
    bool IsZero() const { return units_ == 0; }
    int Sign() const { return (units_ > 0) - (units_ < 0); }
    /// Exactly scale() decimals: "13.08", "-0.50", "15".
    std::string ToString() const;
    /// Rounded half away from zero to `scale` decimals (exact when scale >= scale()).
    Decimal Rescale(int scale) const;
    /// × 10^power, exact (億元 -> 萬元 is ShiftPow10(4)). Lowers the scale where it can, else
    /// raises the units.
    Decimal ShiftPow10(int power) const;
    double ToDouble() const;

    friend Decimal operator+(const Decimal& a, const Decimal& b);
    friend Decimal operator-(const Decimal& a, const Decimal& b);
    friend Decimal operator*(const Decimal& a, const Decimal& b);
    Decimal operator-() const { return FromUnits(-units_, scale_); }
    /// By value: 2.5 == 2.50.
    friend bool operator==(const Decimal& a, const Decimal& b);
    friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

private:
    int64_t units_ = 0;
    int scale_ = 0;
};

/// a / b, rounded half away from zero to `scale` decimals. Error (kValidation, code
/// "division_by_zero") when b is zero.
core::Result<Decimal> Divide(const Decimal& a, const Decimal& b, int scale);

// ---- cumulative (累計) and monthly (本月) values ----

/// A year-to-date value: months 1..month (1-N月累計).
struct MonthValue {
    int month = 0;
    Decimal value;
};
/// A value for months first..last (3月 is {3, 3, v}; 1-2月 is {1, 2, v}).
struct PeriodValue {
    int first_month = 0;
    int last_month = 0;
    Decimal value;
};

enum class JanFeb {
    kAsGiven,   // a January cumulative, when given, yields a January period
    kCombined,  // a January cumulative is ignored: the first period is 1-2月
};

/// The values of each period between consecutive cumulative figures: the first period starts in
/// January, and a missing month makes its period span two months (so 1-2月 arises naturally when
/// January is not reported). Errors (kValidation, field "cumulative[i].month") when months are
/// outside 1..12 or not strictly increasing.
core::Result<std::vector<PeriodValue>> MonthlyFromCumulative(
    const std::vector<MonthValue>& cumulative, JanFeb jan_feb = JanFeb::kAsGiven);
/// The running sums of periods back to year-to-date values (one per period, at its last month).
/// Errors when periods do not start in January and follow each other without gaps or overlaps.
core::Result<std::vector<MonthValue>> CumulativeFromMonthly(
    const std::vector<PeriodValue>& periods);

// ---- growth ----

/// (current / base - 1) × 100, in percent, rounded to `scale` decimals. 同比 uses the same
/// period of last year as base, 環比 the previous period. Error (code "not_comparable") when the
/// base is zero or negative: tables print "—" there.
core::Result<Decimal> GrowthPercent(const Decimal& current, const Decimal& base, int scale = 1);
inline core::Result<Decimal> YearOnYearPercent(const Decimal& current,
                                               const Decimal& same_period_last_year,
                                               int scale = 1) {
    return GrowthPercent(current, same_period_last_year, scale);
}
inline core::Result<Decimal> PeriodOnPeriodPercent(const Decimal& current,
                                                   const Decimal& previous_period,
                                                   int scale = 1) {
    return GrowthPercent(current, previous_period, scale);
}
/// 可比價增長: (current / base) ÷ (price_index / 100) - 1, in percent; price_index on the base
/// period = 100 (e.g. 103.2). Errors when base or price_index is not positive.
core::Result<Decimal> RealGrowthPercent(const Decimal& current,
                                        const Decimal& base,
                                        const Decimal& price_index,
                                        int scale = 1);

// ---- targets and progress ----

/// 完成年度目標 %: year_to_date / annual_target × 100. Error when the target is not positive.
core::Result<Decimal> CompletionPercent(const Decimal& year_to_date,
                                        const Decimal& annual_target,
                                        int scale = 1);

/// The share of the year elapsed, as elapsed / total.
struct TimeProgress {
    int64_t elapsed = 0;
    int64_t total = 12;
    /// months_elapsed / 12 (end of June: 6 -> 50%). REQUIRES: 0 <= months <= 12.
    static TimeProgress Months(int months_elapsed);
    /// Days of the year up to and including `as_of` / days in its year (2025-06-30: 181/365).
    static TimeProgress Days(core::Date as_of);
};
/// 序時進度 in percent.
Decimal TimeProgressPercent(TimeProgress p, int scale = 1);
/// Completion minus time progress, in percentage points, from the exact values (not from the
/// rounded figures): positive = 超序時進度 (ahead), negative = 落後序時進度 (behind).
core::Result<Decimal> ScheduleGapPoints(const Decimal& year_to_date,
                                        const Decimal& annual_target,
                                        TimeProgress p,
                                        int scale = 1);

// ---- a part (a street) and the whole (the district) ----

/// 貢獻率 %: the part's increment / the whole's increment × 100. Error when the whole did not
/// change (the rate is undefined).
core::Result<Decimal> ContributionPercent(const Decimal& part_current,
                                          const Decimal& part_base,
                                          const Decimal& whole_current,
                                          const Decimal& whole_base,
                                          int scale = 1);
/// 拉動 (percentage points of the whole's growth): the part's increment / the whole's base ×
/// 100. Equals the whole's growth % × the contribution rate / 100. Error when the whole's base
/// is not positive.
core::Result<Decimal> PullPoints(const Decimal& part_current,
                                 const Decimal& part_base,
                                 const Decimal& whole_base,
                                 int scale = 1);

// ---- projections and targets ----

/// 預計全年: year_to_date ÷ last year's seasonal share (last_year_to_date / last_year_total of
/// the same months), i.e. year_to_date × last_year_total / last_year_to_date. Error when
/// last_year_to_date is not positive.
core::Result<Decimal> ProjectAnnual(const Decimal& year_to_date,
                                    const Decimal& last_year_to_date,
                                    const Decimal& last_year_total,
                                    int scale);
/// The absolute target a growth target implies: last_actual × (1 + growth_percent / 100)
/// (13.08億元 × 1.15 = 15.042億元).
Decimal TargetFromGrowth(const Decimal& last_actual, const Decimal& growth_percent, int scale);
/// Back from a value and its growth to the base: current / (1 + growth_percent / 100)
/// (13.08億元 at +20.2% -> 10.88億元). Error when growth_percent <= -100.
core::Result<Decimal> BaseFromGrowth(const Decimal& current,
                                     const Decimal& growth_percent,
                                     int scale);

}  // namespace duban::indicators
