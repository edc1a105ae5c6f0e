#include "indicators/maths.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace duban::indicators {

namespace {

// 128-bit intermediates: a ratio of products of two or three 18-digit values, scaled, fits.
__extension__ typedef __int128 Int128;

constexpr int64_t kMaxUnits = INT64_MAX;

Int128 Pow10(int n) {
    Int128 r = 1;
    for (int i = 0; i < n; ++i) r *= 10;
    return r;
}

Int128 Mul(Int128 a, Int128 b) {
    Int128 r;
    if (__builtin_mul_overflow(a, b, &r)) throw std::overflow_error("decimal overflow");
    return r;
}

// The units of d at a scale >= d.scale().
Int128 UnitsAt(const Decimal& d, int scale) { return Mul(d.units(), Pow10(scale - d.scale())); }

int64_t Narrow(Int128 v) {
    if (v > kMaxUnits || v < -kMaxUnits) throw std::overflow_error("decimal overflow");
    return static_cast<int64_t>(v);
}

// num / den × 10^scale, rounded half away from zero. REQUIRES: den != 0.
Decimal RoundRatio(Int128 num, Int128 den, int scale) {
    if (den < 0) {
        num = -num;
        den = -den;
    }
    Int128 n = Mul(num, Pow10(scale));
    Int128 q = n / den, r = n % den;  // truncated toward zero
    Int128 twice = (r < 0 ? -r : r) * 2;
    if (twice >= den) q += (n < 0 ? -1 : 1);
    return Decimal::FromUnits(Narrow(q), scale);
}

core::Error NotComparable(const std::string& what) {
    return core::Error::Validation("base", what, "not_comparable");
}

}  // namespace

// ---- Decimal ----

Decimal Decimal::FromUnits(int64_t units, int scale) {
    if (scale < 0 || scale > kMaxScale) throw std::out_of_range("decimal scale out of range");
    Decimal d;
    d.units_ = units;
    d.scale_ = scale;
    return d;
}

core::Result<Decimal> Decimal::Parse(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return core::Error::Validation("value", "\"" + std::string(text) + "\": " + why,
                                       "invalid_number");
    };
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    Int128 units = 0;
    int digits = 0, scale = 0;
    bool point = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !point) {
            if (digits == 0) return bad("a digit must come before the decimal point");
            point = true;
            continue;
        }
        if (c < '0' || c > '9') return bad("not a decimal number");
        units = units * 10 + (c - '0');
        ++digits;
        if (point) ++scale;
        if (units > kMaxUnits) return bad("too many digits");
    }
    if (digits == 0 || (point && scale == 0)) return bad("not a decimal number");
    if (scale > kMaxScale) return bad("more than 12 decimals");
    return FromUnits(static_cast<int64_t>(negative ? -units : units), scale);
}

std::string Decimal::ToString() const {
    Int128 u = units_;
    bool negative = u < 0;
    if (negative) u = -u;
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    } while (u != 0);
    if (scale_ > 0) {
        if (static_cast<int>(digits.size()) <= scale_) {
            digits.insert(0, static_cast<size_t>(scale_) + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - static_cast<size_t>(scale_), ".");
    }
    return negative ? "-" + digits : digits;
}

Decimal Decimal::Rescale(int scale) const {
    if (scale >= scale_) return FromUnits(Narrow(UnitsAt(*this, scale)), scale);
    return RoundRatio(units_, Pow10(scale_), scale);
}

Decimal Decimal::ShiftPow10(int power) const {
    if (power <= 0) {
        int scale = scale_ - power;
        if (scale > kMaxScale) throw std::out_of_range("decimal scale out of range");
        return FromUnits(units_, scale);
    }
    int lower = std::min(power, scale_);
    return FromUnits(Narrow(Mul(units_, Pow10(power - lower))), scale_ - lower);
}

double Decimal::ToDouble() const { return static_cast<double>(units_) / std::pow(10.0, scale_); }

Decimal operator+(const Decimal& a, const Decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    return Decimal::FromUnits(Narrow(UnitsAt(a, s) + UnitsAt(b, s)), s);
}

Decimal operator-(const Decimal& a, const Decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    return Decimal::FromUnits(Narrow(UnitsAt(a, s) - UnitsAt(b, s)), s);
}

Decimal operator*(const Decimal& a, const Decimal& b) {
    return Decimal::FromUnits(Narrow(Mul(a.units_, b.units_)), a.scale_ + b.scale_);
}

bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    Int128 x = UnitsAt(a, s), y = UnitsAt(b, s);
    return x < y ? std::strong_ordering::less
                 : (x > y ? std::strong_ordering::greater : std::strong_ordering::equal);
}

core::Result<Decimal> Divide(const Decimal& a, const Decimal& b, int scale) {
    if (b.IsZero())
        return core::Error::Validation("divisor", "division by zero", "division_by_zero");
    int s = std::max(a.scale(), b.scale());
    return RoundRatio(UnitsAt(a, s), UnitsAt(b, s), scale);
}

// ---- cumulative and monthly ----

core::Result<std::vector<PeriodValue>> MonthlyFromCumulative(
    const std::vector<MonthValue>& cumulative, JanFeb jan_feb) {
    std::vector<PeriodValue> out;
    int prev_month = 0;
    Decimal prev_value;
    for (size_t i = 0; i < cumulative.size(); ++i) {
        const MonthValue& c = cumulative[i];
        std::string field = "cumulative[" + std::to_string(i) + "].month";
        if (c.month < 1 || c.month > 12) {
            return core::Error::Validation(
                field, "month " + std::to_string(c.month) + " is outside 1..12");
        }
        if (c.month <= prev_month) {
            return core::Error::Validation(field, "month " + std::to_string(c.month) +
                                                      " does not follow month " +
                                                      std::to_string(prev_month));
        }
        if (c.month == 1 && jan_feb == JanFeb::kCombined) continue;
        out.push_back({prev_month + 1, c.month, c.value - prev_value});
        prev_month = c.month;
        prev_value = c.value;
    }
    return out;
}

core::Result<std::vector<MonthValue>> CumulativeFromMonthly(
    const std::vector<PeriodValue>& periods) {
    std::vector<MonthValue> out;
    int last = 0;
    Decimal sum;
    for (size_t i = 0; i < periods.size(); ++i) {
        const PeriodValue& p = periods[i];
        std::string field = "periods[" + std::to_string(i) + "]";
        if (p.first_month != last + 1 || p.last_month < p.first_month || p.last_month > 12) {
            return core::Error::Validation(
                field, "period " + std::to_string(p.first_month) + "-" +
                           std::to_string(p.last_month) + " does not follow month " +
                           std::to_string(last) + " (periods start in January, without gaps)");
        }
        sum = sum + p.value;
        out.push_back({p.last_month, sum});
        last = p.last_month;
    }
    return out;
}

// ---- growth ----

core::Result<Decimal> GrowthPercent(const Decimal& current, const Decimal& base, int scale) {
    if (base.Sign() <= 0) return NotComparable("growth on a base that is not positive");
    int s = std::max(current.scale(), base.scale());
    Int128 c = UnitsAt(current, s), b = UnitsAt(base, s);
    return RoundRatio(Mul(c - b, 100), b, scale);
}

core::Result<Decimal> RealGrowthPercent(const Decimal& current,
                                        const Decimal& base,
                                        const Decimal& price_index,
                                        int scale) {
    if (base.Sign() <= 0) return NotComparable("growth on a base that is not positive");
    if (price_index.Sign() <= 0) {
        return core::Error::Validation("price_index", "a price index must be positive",
                                       "not_comparable");
    }
    // (C/B) / (I/100) - 1 = (100·C - I·B) / (I·B), with C, B at a common scale and I at its own;
    // 100 carries I's scale so both terms match.
    int s = std::max(current.scale(), base.scale());
    Int128 c = UnitsAt(current, s), b = UnitsAt(base, s);
    Int128 i = price_index.units(), hundred = Mul(100, Pow10(price_index.scale()));
    Int128 num = Mul(hundred, c) - Mul(i, b);
    return RoundRatio(Mul(num, 100), Mul(i, b), scale);
}

// ---- targets and progress ----

core::Result<Decimal> CompletionPercent(const Decimal& year_to_date,
                                        const Decimal& annual_target,
                                        int scale) {
    if (annual_target.Sign() <= 0) {
        return core::Error::Validation("target", "the annual target must be positive");
    }
    int s = std::max(year_to_date.scale(), annual_target.scale());
    return RoundRatio(Mul(UnitsAt(year_to_date, s), 100), UnitsAt(annual_target, s), scale);
}

TimeProgress TimeProgress::Months(int months_elapsed) {
    return TimeProgress{std::clamp(months_elapsed, 0, 12), 12};
}

TimeProgress TimeProgress::Days(core::Date as_of) {
    int64_t jan1 = core::Date{as_of.y, 1, 1}.DaysSinceEpoch();
    int64_t next_jan1 = core::Date{as_of.y + 1, 1, 1}.DaysSinceEpoch();
    return TimeProgress{as_of.DaysSinceEpoch() - jan1 + 1, next_jan1 - jan1};
}

Decimal TimeProgressPercent(TimeProgress p, int scale) {
    return RoundRatio(Mul(p.elapsed, 100), p.total, scale);
}

core::Result<Decimal> ScheduleGapPoints(const Decimal& year_to_date,
                                        const Decimal& annual_target,
                                        TimeProgress p,
                                        int scale) {
    if (annual_target.Sign() <= 0) {
        return core::Error::Validation("target", "the annual target must be positive");
    }
    // (Y/T - e/n) × 100 = (n·Y - e·T) × 100 / (n·T)
    int s = std::max(year_to_date.scale(), annual_target.scale());
    Int128 y = UnitsAt(year_to_date, s), t = UnitsAt(annual_target, s);
    Int128 num = Mul(p.total, y) - Mul(p.elapsed, t);
    return RoundRatio(Mul(num, 100), Mul(p.total, t), scale);
}

// ---- part and whole ----

core::Result<Decimal> ContributionPercent(const Decimal& part_current,
                                          const Decimal& part_base,
                                          const Decimal& whole_current,
                                          const Decimal& whole_base,
                                          int scale) {
    int s = std::max(
        {part_current.scale(), part_base.scale(), whole_current.scale(), whole_base.scale()});
    Int128 part = UnitsAt(part_current, s) - UnitsAt(part_base, s);
    Int128 whole = UnitsAt(whole_current, s) - UnitsAt(whole_base, s);
    if (whole == 0) return NotComparable("the whole did not change: no contribution rate");
    return RoundRatio(Mul(part, 100), whole, scale);
}

core::Result<Decimal> PullPoints(const Decimal& part_current,
                                 const Decimal& part_base,
                                 const Decimal& whole_base,
                                 int scale) {
    if (whole_base.Sign() <= 0) return NotComparable("pull on a base that is not positive");
    int s = std::max({part_current.scale(), part_base.scale(), whole_base.scale()});
    Int128 part = UnitsAt(part_current, s) - UnitsAt(part_base, s);
    return RoundRatio(Mul(part, 100), UnitsAt(whole_base, s), scale);
}

// ---- projections and targets ----

core::Result<Decimal> ProjectAnnual(const Decimal& year_to_date,
                                    const Decimal& last_year_to_date,
                                    const Decimal& last_year_total,
                                    int scale) {
    if (last_year_to_date.Sign() <= 0) {
        return NotComparable("last year's year-to-date value must be positive");
    }
    // Y/10^sy × L/D, with L and D at a common scale.
    int s = std::max(last_year_to_date.scale(), last_year_total.scale());
    Int128 num = Mul(year_to_date.units(), UnitsAt(last_year_total, s));
    Int128 den = Mul(UnitsAt(last_year_to_date, s), Pow10(year_to_date.scale()));
    return RoundRatio(num, den, scale);
}

Decimal TargetFromGrowth(const Decimal& last_actual, const Decimal& growth_percent, int scale) {
    // L/10^sl × (100·10^sg + G) / (100·10^sg)
    Int128 hundred = Mul(100, Pow10(growth_percent.scale()));
    Int128 num = Mul(last_actual.units(), hundred + growth_percent.units());
    Int128 den = Mul(hundred, Pow10(last_actual.scale()));
    return RoundRatio(num, den, scale);
}

core::Result<Decimal> BaseFromGrowth(const Decimal& current,
                                     const Decimal& growth_percent,
                                     int scale) {
    Int128 hundred = Mul(100, Pow10(growth_percent.scale()));
    Int128 factor = hundred + growth_percent.units();
    if (factor <= 0) return NotComparable("a growth of -100% or less has no base");
    // C/10^sc × 100·10^sg / (100·10^sg + G)
    return RoundRatio(Mul(current.units(), hundred), Mul(factor, Pow10(current.scale())), scale);
}

}  // namespace duban::indicators
