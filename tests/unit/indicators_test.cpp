// Indicator maths. Every expected figure is worked out by hand in the comment beside it.
#include <gtest/gtest.h>

#include <stdexcept>

#include "indicators/maths.hpp"

using namespace duban;
using namespace duban::indicators;

namespace {

Decimal N(const char* text) {
    auto r = Decimal::Parse(text);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? *r : Decimal{};
}

// The printed form of a Result<Decimal>, or "error:<code>".
std::string S(const core::Result<Decimal>& r) {
    return r.ok() ? r->ToString() : "error:" + r.error().code;
}

}  // namespace

// ---- Decimal ----

TEST(IndicatorsDecimal, ParsesAndPrintsExactly) {
    EXPECT_EQ(N("13.08").units(), 1308);
    EXPECT_EQ(N("13.08").scale(), 2);
    EXPECT_EQ(N("15.00").scale(), 2);
    EXPECT_EQ(N("15.00").ToString(), "15.00");
    EXPECT_EQ(N("-0.5").ToString(), "-0.5");
    EXPECT_EQ(N("+3").ToString(), "3");
    EXPECT_EQ(Decimal::FromUnits(5, 3).ToString(), "0.005");
    EXPECT_EQ(Decimal::FromUnits(-5, 3).ToString(), "-0.005");
    EXPECT_EQ(Decimal::FromUnits(0, 2).ToString(), "0.00");
    for (const char* bad : {"", "-", "1e3", "1,000", ".5", "5.", "--1", "1.2.3", "12 ", "一",
                            "1.0000000000001", "99999999999999999999"}) {
        auto r = Decimal::Parse(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "invalid_number");
    }
}

TEST(IndicatorsDecimal, ArithmeticIsExactAndComparesByValue) {
    EXPECT_EQ(N("0.1") + N("0.2"), N("0.3"));  // the binary floating-point trap
    EXPECT_EQ((N("0.1") + N("0.2")).ToString(), "0.3");
    EXPECT_EQ((N("13.08") * N("1.15")).ToString(), "15.0420");
    EXPECT_EQ((N("48.2") - N("30.5")).ToString(), "17.7");
    EXPECT_EQ(N("2.5"), N("2.50"));
    EXPECT_LT(N("2.49"), N("2.5"));
    EXPECT_GT(N("-2.4"), N("-2.5"));
    EXPECT_EQ((-N("1.5")).ToString(), "-1.5");
    // 億元 -> 萬元 and back.
    EXPECT_EQ(N("13.08").ShiftPow10(4).ToString(), "130800");
    EXPECT_EQ(N("0.5").ShiftPow10(4).ToString(), "5000");
    EXPECT_EQ(N("130800").ShiftPow10(-4).ToString(), "13.0800");
    EXPECT_EQ(N("130800").ShiftPow10(-4), N("13.08"));
    EXPECT_DOUBLE_EQ(N("13.08").ToDouble(), 13.08);
    EXPECT_THROW(Decimal::FromUnits(INT64_MAX, 0) + Decimal::Int(1), std::overflow_error);
}

TEST(IndicatorsDecimal, RoundsHalfAwayFromZero) {
    EXPECT_EQ(N("2.45").Rescale(1).ToString(), "2.5");  // half-even would give 2.4
    EXPECT_EQ(N("-2.45").Rescale(1).ToString(), "-2.5");
    EXPECT_EQ(N("2.449").Rescale(1).ToString(), "2.4");
    EXPECT_EQ(N("0.05").Rescale(1).ToString(), "0.1");
    EXPECT_EQ(N("2.5").Rescale(0).ToString(), "3");
    EXPECT_EQ(N("-2.5").Rescale(0).ToString(), "-3");
    EXPECT_EQ(N("1.4999").Rescale(0).ToString(), "1");
    EXPECT_EQ(N("13.08").Rescale(4).ToString(), "13.0800");
    // 1/3 = 0.33333, 2/3 = 0.66666...
    EXPECT_EQ(S(Divide(N("1"), N("3"), 4)), "0.3333");
    EXPECT_EQ(S(Divide(N("2"), N("3"), 4)), "0.6667");
    EXPECT_EQ(S(Divide(N("-2"), N("3"), 4)), "-0.6667");
    EXPECT_EQ(S(Divide(N("2"), N("-3"), 4)), "-0.6667");
    EXPECT_EQ(S(Divide(N("1"), N("0.00"), 2)), "error:division_by_zero");
}

// ---- the seed's figures ----

TEST(IndicatorsSeed, FiscalRevenueLastYearAndNextYearsTarget) {
    // 財政一般預算收入13.08億元,同比增長20.2%: last year = 13.08 / 1.202 = 10.881863...
    // -> 10.88億元.
    EXPECT_EQ(S(BaseFromGrowth(N("13.08"), N("20.2"), 2)), "10.88");
    // In 萬元: 130800 / 1.202 = 108818.6356 (1.202 × 108818 = 130799.236, 1.202 × 108819 =
    // 130800.438) -> 108819萬元.
    EXPECT_EQ(S(BaseFromGrowth(N("130800"), N("20.2"), 0)), "108819");
    // Forward again: 13.08 / 10.88 = 1.2022058... -> 20.2%; 130800 / 108819 = 1.2019960...
    // -> 20.2%.
    EXPECT_EQ(S(YearOnYearPercent(N("13.08"), N("10.88"))), "20.2");
    EXPECT_EQ(S(YearOnYearPercent(N("130800"), N("108819"))), "20.2");
    // 明年財政收入同比增長15%: 13.08 × 1.15 = 15.042億元 (15.04 shown to 0.01億; 150420萬元).
    EXPECT_EQ(TargetFromGrowth(N("13.08"), N("15"), 3).ToString(), "15.042");
    EXPECT_EQ(TargetFromGrowth(N("13.08"), N("15"), 2).ToString(), "15.04");
    EXPECT_EQ(TargetFromGrowth(N("13.08").ShiftPow10(4), N("15"), 0).ToString(), "150420");
}

TEST(IndicatorsSeed, FixedAssetInvestment) {
    // 全社會固定資產投資115億元,同比增長15.2%: 115 / 1.152 = 99.826388... -> 99.83億元
    // (1.152 × 99.82 = 114.99264, remainder 0.00736 / 1.152 = 0.0064).
    EXPECT_EQ(S(BaseFromGrowth(N("115"), N("15.2"), 2)), "99.83");
    // 明年同比增長18%: 115 × 1.18 = 135.7億元.
    EXPECT_EQ(TargetFromGrowth(N("115"), N("18"), 1).ToString(), "135.7");
    // 實名制就業31565人,完成市計劃的183%: against a plan of 17250 people, 31565 / 17250 =
    // 1.829855 (17250 × 1.83 = 31567.5, just above) -> 183.0%.
    EXPECT_EQ(S(CompletionPercent(N("31565"), N("17250"))), "183.0");
    EXPECT_EQ(S(CompletionPercent(N("31565"), N("17250"), 0)), "183");
}

// ---- cumulative and monthly ----

TEST(IndicatorsMonthly, FromCumulativeWithJanuaryAndFebruaryCombined) {
    // 1-2月 30.5, 1-3月 48.2, 1-4月 63.0 -> 1-2月 30.5, 3月 17.7, 4月 14.8.
    auto periods = MonthlyFromCumulative({{2, N("30.5")}, {3, N("48.2")}, {4, N("63.0")}});
    ASSERT_TRUE(periods.ok());
    ASSERT_EQ(periods->size(), 3u);
    EXPECT_EQ((*periods)[0].first_month, 1);
    EXPECT_EQ((*periods)[0].last_month, 2);
    EXPECT_EQ((*periods)[0].value.ToString(), "30.5");
    EXPECT_EQ((*periods)[1].first_month, 3);
    EXPECT_EQ((*periods)[1].value.ToString(), "17.7");
    EXPECT_EQ((*periods)[2].value.ToString(), "14.8");
    auto back = CumulativeFromMonthly(*periods);
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(back->size(), 3u);
    EXPECT_EQ((*back)[0].month, 2);
    EXPECT_EQ((*back)[2].month, 4);
    EXPECT_EQ((*back)[2].value.ToString(), "63.0");
    EXPECT_EQ((*back)[1].value.ToString(), "48.2");
}

TEST(IndicatorsMonthly, JanuaryGivenSeparatelyOrCombinedAndGaps) {
    std::vector<MonthValue> cum = {{1, N("12.0")}, {2, N("30.5")}, {3, N("48.2")}};
    auto separate = MonthlyFromCumulative(cum, JanFeb::kAsGiven);
    ASSERT_TRUE(separate.ok());
    ASSERT_EQ(separate->size(), 3u);
    EXPECT_EQ((*separate)[0].value.ToString(), "12.0");
    EXPECT_EQ((*separate)[1].value.ToString(), "18.5");  // 30.5 - 12.0
    auto combined = MonthlyFromCumulative(cum, JanFeb::kCombined);
    ASSERT_TRUE(combined.ok());
    ASSERT_EQ(combined->size(), 2u);
    EXPECT_EQ((*combined)[0].first_month, 1);
    EXPECT_EQ((*combined)[0].last_month, 2);
    EXPECT_EQ((*combined)[0].value.ToString(), "30.5");
    // A missing month: 1-2月 30.5 then 1-4月 63.0 -> 3-4月 32.5.
    auto gap = MonthlyFromCumulative({{2, N("30.5")}, {4, N("63.0")}});
    ASSERT_TRUE(gap.ok());
    EXPECT_EQ((*gap)[1].first_month, 3);
    EXPECT_EQ((*gap)[1].last_month, 4);
    EXPECT_EQ((*gap)[1].value.ToString(), "32.5");
    // 環比 of April on March: 14.8 / 17.7 = 0.836158 -> -16.4%.
    EXPECT_EQ(S(PeriodOnPeriodPercent(N("14.8"), N("17.7"))), "-16.4");
}

TEST(IndicatorsMonthly, Errors) {
    auto r = MonthlyFromCumulative({{2, N("1")}, {2, N("2")}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "cumulative[1].month");
    EXPECT_FALSE(MonthlyFromCumulative({{13, N("1")}}).ok());
    EXPECT_FALSE(MonthlyFromCumulative({{0, N("1")}}).ok());
    auto late_start = CumulativeFromMonthly({{2, 2, N("1")}});
    ASSERT_FALSE(late_start.ok());
    EXPECT_EQ(late_start.error().field, "periods[0]");
    EXPECT_FALSE(CumulativeFromMonthly({{1, 2, N("1")}, {2, 3, N("1")}}).ok());  // overlap
    EXPECT_FALSE(CumulativeFromMonthly({{1, 2, N("1")}, {4, 4, N("1")}}).ok());  // gap
    EXPECT_FALSE(CumulativeFromMonthly({{1, 13, N("1")}}).ok());
}

// ---- growth ----

TEST(IndicatorsGrowth, NominalRealAndTheRoundingBoundary) {
    EXPECT_EQ(S(GrowthPercent(N("115.0"), N("100.0"))), "15.0");
    // Exactly half a tenth: 102.45 / 100 -> 2.45% -> 2.5 (half up); 97.55 -> -2.45% -> -2.5.
    EXPECT_EQ(S(GrowthPercent(N("102.45"), N("100"))), "2.5");
    EXPECT_EQ(S(GrowthPercent(N("97.55"), N("100"))), "-2.5");
    EXPECT_EQ(S(GrowthPercent(N("5"), N("0"))), "error:not_comparable");
    EXPECT_EQ(S(GrowthPercent(N("5"), N("-2"))), "error:not_comparable");
    // 可比價: nominal 115 on 100 with prices at 103.0: 1.15 / 1.03 = 1.1165048 -> 11.7%, 11.65%.
    EXPECT_EQ(S(RealGrowthPercent(N("115"), N("100"), N("103.0"))), "11.7");
    EXPECT_EQ(S(RealGrowthPercent(N("115"), N("100"), N("103.0"), 2)), "11.65");
    // Prices unchanged: real = nominal.
    EXPECT_EQ(S(RealGrowthPercent(N("13.08"), N("10.88"), N("100"))), "20.2");
    EXPECT_EQ(S(RealGrowthPercent(N("1"), N("1"), N("0"))), "error:not_comparable");
}

// ---- completion and time progress ----

TEST(IndicatorsProgress, TimeProgressByMonthsAndDays) {
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Months(6)).ToString(), "50.0");
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Months(7)).ToString(), "58.3");  // 58.333
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Months(8)).ToString(), "66.7");  // 66.667
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Months(12)).ToString(), "100.0");
    // 2025-06-30: 31+28+31+30+31+30 = 181 of 365 days = 49.589% -> 49.6.
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Days({2025, 6, 30})).ToString(), "49.6");
    // 2024 is a leap year: 182 of 366 = 49.727% -> 49.7.
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Days({2024, 6, 30})).ToString(), "49.7");
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Days({2025, 1, 1}), 2).ToString(), "0.27");
    EXPECT_EQ(TimeProgressPercent(TimeProgress::Days({2025, 12, 31})).ToString(), "100.0");
}

TEST(IndicatorsProgress, CompletionAndTheGapToTimeProgress) {
    // Target 15.042億 = 150420萬; 1-6月 70000萬: 70000 / 150420 = 0.4653636 -> 46.5%.
    EXPECT_EQ(S(CompletionPercent(N("70000"), N("150420"))), "46.5");
    // End of June: 46.536 - 50 = -3.464 points -> 落後序時進度 3.5 points.
    EXPECT_EQ(S(ScheduleGapPoints(N("70000"), N("150420"), TimeProgress::Months(6))), "-3.5");
    // End of August: from the exact values 46.536 - 66.667 = -20.130 -> -20.1, although the
    // rounded figures shown (46.5 and 66.7) differ by 20.2: the gap is computed, not subtracted.
    EXPECT_EQ(S(ScheduleGapPoints(N("70000"), N("150420"), TimeProgress::Months(8))), "-20.1");
    // 實名制就業 31565 of 17250 by the end of November: 182.986 - 91.667 = 91.319 -> 超 91.3.
    EXPECT_EQ(S(ScheduleGapPoints(N("31565"), N("17250"), TimeProgress::Months(11))), "91.3");
    EXPECT_FALSE(CompletionPercent(N("1"), N("0")).ok());
    EXPECT_FALSE(ScheduleGapPoints(N("1"), N("-1"), TimeProgress::Months(6)).ok());
}

// ---- contribution and pull ----

TEST(IndicatorsContribution, RateAndPull) {
    // District 100.0 -> 115.0 (+15.0), street 20.0 -> 26.0 (+6.0): 6 / 15 = 40.0%;
    // pull 6 / 100 = 6.0 points = 15% growth × 40%.
    EXPECT_EQ(S(ContributionPercent(N("26.0"), N("20.0"), N("115.0"), N("100.0"))), "40.0");
    EXPECT_EQ(S(PullPoints(N("26.0"), N("20.0"), N("100.0"))), "6.0");
    // District 96.40 -> 108.20 (+11.80, growth 12.24%), street 8.30 -> 9.10 (+0.80):
    // 0.80 / 11.80 = 6.7797% -> 6.8; pull 0.80 / 96.40 = 0.82988 points -> 0.83 / 0.8
    // (= 12.2407% × 6.7797%).
    EXPECT_EQ(S(ContributionPercent(N("9.10"), N("8.30"), N("108.20"), N("96.40"))), "6.8");
    EXPECT_EQ(S(PullPoints(N("9.10"), N("8.30"), N("96.40"), 2)), "0.83");
    EXPECT_EQ(S(PullPoints(N("9.10"), N("8.30"), N("96.40"))), "0.8");
    EXPECT_EQ(S(GrowthPercent(N("108.20"), N("96.40"))), "12.2");
    // A street that shrank: 20.0 -> 18.5 in a district +15: -1.5 / 15 = -10.0%, pull -1.5.
    EXPECT_EQ(S(ContributionPercent(N("18.5"), N("20.0"), N("115.0"), N("100.0"))), "-10.0");
    EXPECT_EQ(S(PullPoints(N("18.5"), N("20.0"), N("100.0"))), "-1.5");
    EXPECT_EQ(S(ContributionPercent(N("1"), N("0"), N("100"), N("100"))), "error:not_comparable");
    EXPECT_EQ(S(PullPoints(N("1"), N("0"), N("0"))), "error:not_comparable");
}

// ---- projection ----

TEST(IndicatorsProjection, AnnualFromSeasonalShare) {
    // 1-6月 60.0; last year 1-6月 48.0 of 100.0 (48%) -> 60 / 0.48 = 125.0.
    EXPECT_EQ(S(ProjectAnnual(N("60.0"), N("48.0"), N("100.0"), 1)), "125.0");
    // 1-11月 12.10億; last year 1-11月 10.05 of 10.88: 12.10 × 10.88 = 131.648, / 10.05 =
    // 13.0993 (10.05 × 13.09 = 131.5545) -> 13.10億.
    EXPECT_EQ(S(ProjectAnnual(N("12.10"), N("10.05"), N("10.88"), 2)), "13.10");
    EXPECT_EQ(S(ProjectAnnual(N("1"), N("0"), N("10"), 2)), "error:not_comparable");
    EXPECT_EQ(S(BaseFromGrowth(N("1"), N("-100"), 2)), "error:not_comparable");
}
