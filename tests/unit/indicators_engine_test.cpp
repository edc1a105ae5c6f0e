// The indicators engine's pure parts: the formula language (parsed to an AST, errors by
// position, evaluated over exact decimals), periods, statuses, the jump check and alert levels,
// hand-computed on the seed's figures.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "indicators/engine_internal.hpp"

namespace duban::indicators {
namespace {

Decimal D(const char* s) { return *Decimal::Parse(s); }
bool Known(const std::string& c) { return c == "FISCAL_REV" || c == "NEW_ENT" || c == "NEW_ENT_CAPITAL" || c == "POP"; }

TEST(Formula, ParsesAndEvaluatesExactly) {
    auto f = Formula::Parse("NEW_ENT_CAPITAL * 10000 / NEW_ENT", Known);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->refs(), (std::vector<std::string>{"NEW_ENT_CAPITAL", "NEW_ENT"}));
    auto v = f->Eval([](const std::string& c) -> std::optional<Decimal> {
        return c == "NEW_ENT" ? D("754") : D("50.8");
    }, 2);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->ToString(), "673.74");  // 508000 / 754 = 673.7400...
}

TEST(Formula, PrecedenceParenthesesAndUnaryMinus) {
    auto one = [](const char* text) {
        auto f = Formula::Parse(text, Known);
        EXPECT_TRUE(f.ok()) << text << ": " << (f.ok() ? "" : f.error().message);
        return f->Eval([](const std::string&) { return std::optional<Decimal>(D("2")); }, 4)->ToString();
    };
    EXPECT_EQ(one("1 + 2 * 3"), "7.0000");
    EXPECT_EQ(one("(1 + 2) * 3"), "9.0000");
    EXPECT_EQ(one("-POP + 10 / 4"), "0.5000");
    EXPECT_EQ(one("0.1 + 0.2"), "0.3000");  // exact, not binary floating point
    EXPECT_EQ(one("FISCAL_REV / 3"), "0.6667");  // rounded once, half up
}

TEST(Formula, ErrorsNameThePosition) {
    auto e = Formula::Parse("FISCAL_REV * 10000 / XYZ", Known);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().field, "formula");
    EXPECT_EQ(e.error().code, "bad_formula");
    EXPECT_EQ(e.error().message, "position 22: unknown indicator XYZ");
    EXPECT_EQ(Formula::Parse("(POP", Known).error().message, "position 5: expected ')'");
    EXPECT_EQ(Formula::Parse("POP +", Known).error().message, "position 6: expected a number, an indicator code or '('");
    EXPECT_EQ(Formula::Parse("POP ; DROP", Known).error().message, "position 5: unexpected ';'");
    EXPECT_EQ(Formula::Parse("1..2", Known).error().message, "position 1: bad number '1..2'");
    std::string deep(200, '(');
    EXPECT_FALSE(Formula::Parse(deep + "1", Known).ok());  // bounded nesting, no stack exhaustion
}

TEST(Formula, DivisionByZeroAndMissingValuesGiveNothing) {
    auto f = Formula::Parse("FISCAL_REV / POP", Known);
    EXPECT_FALSE(f->Eval([](const std::string& c) -> std::optional<Decimal> { return c == "POP" ? D("0") : D("1"); }, 2));
    EXPECT_FALSE(f->Eval([](const std::string& c) -> std::optional<Decimal> {
        if (c == "POP") return std::nullopt;
        return D("1");
    }, 2));
}

TEST(Periods, FormsAccepted) {
    EXPECT_EQ(ParsePeriod("2026-06"), std::make_pair(2026, 6));
    EXPECT_EQ(ParsePeriod("2026-6"), std::make_pair(2026, 6));
    EXPECT_EQ(ParsePeriod("2026/06"), std::make_pair(2026, 6));
    EXPECT_EQ(ParsePeriod("2026-Q2"), std::make_pair(2026, 6));
    EXPECT_EQ(ParsePeriod("2026"), std::make_pair(2026, 12));
    EXPECT_FALSE(ParsePeriod("2026-13"));
    EXPECT_FALSE(ParsePeriod("2026-Q5"));
    EXPECT_FALSE(ParsePeriod("26-06"));
    EXPECT_EQ(FormatPeriod(2026, 6), "2026-06");
    EXPECT_EQ(ParseStatus("預計"), "estimate");
    EXPECT_EQ(ParseStatus("初步"), "preliminary");
    EXPECT_EQ(ParseStatus("最终"), "final");
    EXPECT_FALSE(ParseStatus("guess"));
}

TEST(Jump, PeriodValuesAgainstThePeriodBefore) {
    store::IndicatorDefRow d;
    d.scale = 2;
    d.jump_share = "0.5";
    std::map<int, Decimal> s = {{3, D("3.00")}, {4, D("4.00")}, {5, D("6.00")}};
    // 1.00 a month for 1-3月 and April; May adds 2.00: +100% > 50%
    auto p = JumpProblem(d, s, 5);
    ASSERT_TRUE(p);
    EXPECT_NE(p->message.find("+100.0%"), std::string::npos) << p->message;
    EXPECT_EQ((std::pair{p->field, p->code}), (std::pair<std::string, std::string>{"value", "jump"}));
    EXPECT_EQ(p->details, R"({"before":"1.0000","change_pct":"+100.0","jump_share":"0.5","per_month":"2.0000"})");
    EXPECT_FALSE(JumpProblem(d, s, 4));  // April: 1.00 against 1.00
    s[5] = D("5.40");                      // 1.40 against 1.00: +40%
    EXPECT_FALSE(JumpProblem(d, s, 5));
    // 1-2月 combined: 2.00 over two months, then March 1.40 a month: +40%
    std::map<int, Decimal> jf = {{2, D("2.00")}, {3, D("3.40")}};
    EXPECT_FALSE(JumpProblem(d, jf, 3));
    d.jump_share.reset();
    EXPECT_FALSE(JumpProblem(d, {{3, D("1")}, {4, D("100")}, {5, D("1000")}}, 5));
}

TEST(Alerts, SeedFiguresByHand) {
    store::IndicatorDefRow d;
    d.higher_is_better = true;
    AlertSettings s;
    // 1-6月 7.30 of a 15.04 target (13.08 x 1.15): 48.537%; against 6/12 the gap is -1.5: green
    auto e = EvaluateAlert(d, D("7.30"), std::nullopt, D("6.00"), D("15.04"), 6, s);
    EXPECT_EQ(e.level, "green");
    EXPECT_EQ(e.gap->ToString(), "-1.5");
    EXPECT_EQ(e.yoy->ToString(), "21.7");
    // against 7/12: -9.8, yellow; against 8/12: -18.1, red
    e = EvaluateAlert(d, D("7.30"), std::nullopt, D("6.00"), D("15.04"), 7, s);
    EXPECT_EQ(e.level, "yellow");
    EXPECT_EQ(e.gap->ToString(), "-9.8");
    e = EvaluateAlert(d, D("7.30"), std::nullopt, D("6.00"), D("15.04"), 8, s);
    EXPECT_EQ(e.level, "red");
    EXPECT_EQ(e.reasons, std::vector<std::string>{"behind_schedule"});
    // negative growth alone: yellow; with a yellow gap: red
    e = EvaluateAlert(d, D("0.90"), std::nullopt, D("1.00"), std::nullopt, 6, s);
    EXPECT_EQ(e.level, "yellow");
    EXPECT_EQ(e.yoy->ToString(), "-10.0");
    e = EvaluateAlert(d, D("6.40"), std::nullopt, D("6.50"), D("15.04"), 6, s);  // 42.553% vs 50%: -7.4, yoy -1.5
    EXPECT_EQ(e.level, "red");
    EXPECT_EQ(e.reasons, (std::vector<std::string>{"behind_schedule", "negative_growth"}));
    // comparable-price growth published beside the level wins over the nominal ratio
    d.comparable_growth = true;
    e = EvaluateAlert(d, D("165.30"), D("14.5"), D("140.00"), std::nullopt, 6, s);
    EXPECT_EQ(e.yoy->ToString(), "14.5");
}

TEST(Values, FullWidthNumbersAsTypedWithAChineseInputMethod) {
    EXPECT_EQ(HalfWidthNumber("\uFF11\uFF13\uFF0E\uFF12"), "13.2");
    EXPECT_EQ(HalfWidthNumber("\u3000\uFF0D\uFF11\uFF0C\uFF10\uFF10\uFF10 "), " -1,000 ");
    EXPECT_EQ(HalfWidthNumber("\uFF0B5"), "+5");
    EXPECT_EQ(HalfWidthNumber("13.08"), "13.08");
    EXPECT_EQ(HalfWidthNumber("十三"), "十三");      // other text is left for the parser to refuse
    EXPECT_EQ(HalfWidthNumber("\uFF21"), "\uFF21");  // a full-width letter stays as it is
    EXPECT_EQ(HalfWidthNumber("\xEF\xBC"), "\xEF\xBC");  // a cut sequence too
}

TEST(Alerts, ProgressMonthsWithOneMonthGraceByPeriod) {
    auto at = [](const char* iso) {
        core::TimePoint t;
        EXPECT_TRUE(core::ParseRfc3339(iso, &t));
        return t;
    };
    EXPECT_EQ(ProgressMonths(6, 2031, at("2031-07-10T09:00:00+08:00")), 6);
    EXPECT_EQ(ProgressMonths(6, 2031, at("2031-08-31T23:00:00+08:00")), 6);
    EXPECT_EQ(ProgressMonths(6, 2031, at("2031-09-01T00:30:00+08:00")), 7);
    EXPECT_EQ(ProgressMonths(6, 2031, at("2032-02-01T00:00:00+08:00")), 12);
    EXPECT_EQ(ProgressMonths(3, 2031, at("2030-12-01T00:00:00+08:00")), 3);
    // quarterly: the third quarter's figure is the latest due until February; then the fourth's
    EXPECT_EQ(ProgressMonths(9, 2031, at("2031-12-01T00:00:00+08:00"), 3), 9);
    EXPECT_EQ(ProgressMonths(9, 2031, at("2032-01-31T23:00:00+08:00"), 3), 9);
    EXPECT_EQ(ProgressMonths(9, 2031, at("2032-02-01T00:30:00+08:00"), 3), 12);
    EXPECT_EQ(ProgressMonths(6, 2031, at("2031-10-31T23:00:00+08:00"), 3), 6);  // Q3's figure due in October
    EXPECT_EQ(ProgressMonths(6, 2031, at("2031-11-01T00:30:00+08:00"), 3), 9);  // stale from November
    EXPECT_EQ(ProgressMonths(3, 2031, at("2031-02-01T00:00:00+08:00"), 3), 3);
    // annual: only the year's figure, due in January of the next
    EXPECT_EQ(ProgressMonths(12, 2031, at("2031-12-01T00:00:00+08:00"), 12), 12);
    EXPECT_EQ(ProgressMonths(0, 2031, at("2031-12-01T00:00:00+08:00"), 12), 0);
    EXPECT_EQ(ProgressMonths(0, 2031, at("2032-02-01T00:00:00+08:00"), 12), 12);
    EXPECT_EQ(PeriodMonths("quarterly"), 3);
    EXPECT_EQ(PeriodMonths("annual"), 12);
    EXPECT_EQ(PeriodMonths("monthly"), 1);
}

std::string ReadFixture(const char* path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// CSV imports: UTF-8 with and without a BOM as it is; GBK (Excel's "CSV" on a Chinese Windows)
// detected as GB18030 and converted, the cells equal to the UTF-8 file's.
TEST(ReadTable, CsvEncodingsDetectedAndNamed) {
    std::string gbk = ReadFixture("tests/fixtures/indicators/values-gbk.csv");
    ASSERT_FALSE(gbk.empty()) << "run from the source root";
    EXPECT_FALSE(core::IsValidUtf8(gbk));  // really not UTF-8
    std::string utf8 =
        "指标,单位代码,期别,数值,状态\n一般公共预算收入,210204006,2026-06,0.98,最终\n实际利用外资,210204006,2026-06,0.12,初步\n";
    std::string enc;
    auto a = ReadTable(gbk, "values.csv", &enc);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(enc, "GB18030");
    ASSERT_EQ(a->size(), 3u);
    EXPECT_EQ((*a)[0], (std::vector<std::string>{"指标", "单位代码", "期别", "数值", "状态"}));
    EXPECT_EQ((*a)[1][0], "一般公共预算收入");
    EXPECT_EQ((*a)[2][4], "初步");
    auto b = ReadTable(utf8, "values.csv", &enc);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(enc, "UTF-8");
    EXPECT_EQ(*a, *b);
    auto c = ReadTable("\xEF\xBB\xBF" + utf8, "values.csv", &enc);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(enc, "UTF-8 (BOM)");
    EXPECT_EQ(*c, *b);
    // Neither UTF-8 nor GB18030 (a lone lead byte at the end): refused, naming the field.
    auto d = ReadTable("a,b\n\x81", "values.csv", &enc);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().field, "content_base64");
    EXPECT_EQ(d.error().code, "bad_file");
}

// The CSV reader: quotes (a comma, a line break and a doubled quote inside), CRLF, an empty line
// kept as an empty row (row numbers in errors), no final line break.
TEST(ReadTable, CsvQuotesLineBreaksAndEmptyRows) {
    auto t = ReadTable("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n,,\nlast,row", "f.csv");
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->size(), 5u);
    EXPECT_EQ((*t)[0], (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ((*t)[1], (std::vector<std::string>{"x,1", "say \"hi\"", "two\nlines"}));
    EXPECT_TRUE((*t)[2].empty());
    EXPECT_EQ((*t)[3], (std::vector<std::string>{"", "", ""}));
    EXPECT_EQ((*t)[4], (std::vector<std::string>{"last", "row"}));
}

// A published pack's table is frozen as JSON and read back for its renders: the same draft.
TEST(Pack, MonthlyJsonRoundTripKeepsTheDraft) {
    report::MonthlyData d;
    d.district = "沙河口区";
    d.year = 2026;
    d.month = 6;
    d.time_progress = "50.0";
    d.rows.push_back({"FISCAL_REV", "一般公共预算收入", "亿元", "1.31", "7.62", "15.8", "15.04", "50.7", "0.7", "green", true});
    d.rows.push_back({"FDI", "实际利用外资", "亿美元", "", "0.50", "-3.5", "1.20", "41.7", "-8.3", "red", true});
    d.streets.push_back({"春柳街道", "一般公共预算收入", "16.1", "51.0"});
    d.streets.push_back({"马栏街道", "一般公共预算收入", "12.0", "49.0"});
    d.trends.push_back({"FISCAL_REV", {{2, "14.9"}, {6, "15.8"}}});
    Json j = MonthlyToJson(d, Json::object());
    auto back = MonthlyFromJson(Json::parse(core::CanonicalJson(j)));
    EXPECT_EQ(back.district, d.district);
    EXPECT_EQ(back.time_progress, "50.0");
    ASSERT_EQ(back.rows.size(), 2u);
    EXPECT_EQ(back.rows[1].month_value, "");
    EXPECT_EQ(back.rows[1].yoy, "-3.5");
    EXPECT_EQ(back.rows[1].light, "red");
    ASSERT_EQ(back.trends.size(), 1u);
    EXPECT_EQ(report::DraftNarrative(back), report::DraftNarrative(d));
    EXPECT_TRUE(report::UntracedNumbers(back, report::DraftNarrative(d)).empty());
}

}  // namespace
}  // namespace duban::indicators
