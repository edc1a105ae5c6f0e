// The monthly analysis pack: the narrative's figures are the table's, signs pick the words, the
// zh-TW text is OpenCC's, and the three renders carry the same numbers (xlsx read back with our
// reader and with LibreOffice; HTML parsed; PDF fonts listed by pdffonts, text by pdftotext).
#include <expat.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "office/office.hpp"
#include "report/pack.hpp"

// fontconfig (pango's font matching thread) and cairo 1.16's PDF finishing keep allocations
// LeakSanitizer cannot reach; they are the libraries' caches, not ours.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango\n";
}

namespace duban::report {
namespace {

TableRow Row(std::string code,
             std::string name,
             std::string unit,
             std::string month,
             std::string ytd,
             std::string yoy,
             std::string target,
             std::string completion,
             std::string gap,
             std::string light) {
    TableRow r;
    r.code = std::move(code);
    r.name = std::move(name);
    r.unit = std::move(unit);
    r.month_value = std::move(month);
    r.ytd = std::move(ytd);
    r.yoy = std::move(yoy);
    r.target = std::move(target);
    r.completion = std::move(completion);
    r.gap = std::move(gap);
    r.light = std::move(light);
    return r;
}

// 1-6月 2026 in the seed's register. Targets from the seed's figures: 13.08億元 × 1.15 = 15.042,
// 115億元 × 1.18 = 135.70. Completion and gap as the indicators engine prints them (gap from the
// exact values: 7.52 / 15.042 = 49.993%, so the gap rounds to -0.0 although completion shows 50.0).
MonthlyData Fixture() {
    MonthlyData d;
    d.district = "沙河口区";
    d.year = 2026;
    d.month = 6;
    d.time_progress = "50.0";
    d.rows = {
        Row("GDP", "地区生产总值", "亿元", "", "148.36", "8.6", "310.50", "47.8", "-2.2", "yellow"),
        Row("FISCAL_REV", "一般公共预算收入", "亿元", "1.35", "7.52", "12.3", "15.042", "50.0",
            "-0.0", "green"),
        Row("FAI", "全社会固定资产投资", "亿元", "12.40", "61.27", "-3.5", "135.70", "45.2", "-4.8",
            "red"),
        Row("FDI", "实际利用外资", "亿美元", "0.31", "2.46", "15.8", "4.77", "51.6", "1.6",
            "green"),
        Row("DOMESTIC", "引进内资", "亿元", "4.05", "25.60", "0.0", "50.00", "51.2", "1.2",
            "green"),
        Row("JOBS", "实名制就业", "人", "2650", "16820", "", "31000", "54.3", "4.3", "green"),
        Row("NEW_ENT", "新增注册企业", "家", "126", "754", "-12.6", "1500", "50.3", "0.3",
            "yellow"),
    };
    const char* streets[][3] = {{"春柳街道", "25.1", "58.2"},
                                {"马栏街道", "-2.3", "41.0"},
                                {"黑石礁街道", "18.4", "55.3"},
                                {"李家街道", "6.0", "49.8"},
                                {"西安路街道", "9.7", "50.6"}};
    for (auto& s : streets) d.streets.push_back({s[0], "一般公共预算收入", s[1], s[2]});
    d.trends = {
        {"FISCAL_REV", {{2, "15.2"}, {3, "14.1"}, {4, "13.0"}, {5, "12.8"}, {6, "12.3"}}},
        {"FAI", {{2, "2.1"}, {3, "0.5"}, {4, "-1.2"}, {5, "-2.8"}, {6, "-3.5"}}},
        {"GDP", {{3, "8.1"}, {6, "8.6"}}},
    };
    return d;
}

std::vector<std::string> Numbers(const std::string& s) {
    static const std::regex re(R"(\d+(?:\.\d+)?)");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator();
         ++it) {
        out.push_back(it->str());
    }
    return out;
}

std::string Abs(const std::string& s) {
    return !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    size_t at = 0;
    for (size_t p; (p = s.find(sep, at)) != std::string::npos; at = p + sep.size()) {
        out.push_back(s.substr(at, p - at));
    }
    if (at < s.size()) out.push_back(s.substr(at));
    return out;
}

bool Contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

std::string Shell(const std::string& cmd, int* rc = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = pclose(p);
    if (rc) *rc = st;
    return out;
}

bool Have(const std::string& tool) { return Shell("command -v " + tool + " 2>/dev/null") != ""; }

std::filesystem::path TempDir() {
    char tmpl[] = "/tmp/duban-report-XXXXXX";
    return mkdtemp(tmpl);
}

void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

// ---------------------------------------------------------------- narrative

TEST(Narrative, EveryNumberIsATableString) {
    MonthlyData d = Fixture();
    auto paras = DraftNarrative(d);
    ASSERT_EQ(paras.size(), d.rows.size() + 3);  // lead, one per indicator, behind, streets
    std::vector<std::string> allowed = {"2026", "1", "6", d.time_progress};
    for (const auto& r : d.rows) {
        for (const auto& s :
             {r.month_value, r.ytd, Abs(r.yoy), r.target, r.completion, Abs(r.gap)}) {
            if (!s.empty()) allowed.push_back(s);
        }
    }
    for (const auto& s : d.streets) {
        allowed.push_back(Abs(s.yoy));
        allowed.push_back(s.completion);
    }
    for (const auto& p : paras) {
        for (const auto& n : Numbers(p)) {
            EXPECT_NE(std::find(allowed.begin(), allowed.end(), n), allowed.end())
                << "number " << n << " in \"" << p << "\" is not in the table";
        }
    }
}

TEST(Narrative, UntracedNumbersFindsEditedFigures) {
    MonthlyData d = Fixture();
    auto paras = DraftNarrative(d);
    EXPECT_TRUE(UntracedNumbers(d, paras).empty());
    EXPECT_TRUE(UntracedNumbers(d, DraftNarrative(d, Script::kTraditional)).empty());
    paras[2] = "1-6月,全区一般公共预算收入完成7.53亿元,同比增长12.3%,预计全年完成15.2亿元。";
    EXPECT_EQ(UntracedNumbers(d, paras), (std::vector<std::string>{"7.53", "15.2"}));
}

TEST(Narrative, EachIndicatorSentenceCarriesItsRowInOrder) {
    MonthlyData d = Fixture();
    auto paras = DraftNarrative(d);
    ASSERT_EQ(paras.size(), d.rows.size() + 3);
    std::vector<std::string> sentences;
    for (size_t i = 0; i < d.rows.size(); ++i) {
        auto parts = Split(paras[1 + i], "。");
        ASSERT_EQ(parts.size(), 1u) << paras[1 + i];  // one sentence each
        sentences.push_back(parts[0]);
    }
    for (size_t i = 0; i < d.rows.size(); ++i) {
        const TableRow& r = d.rows[i];
        const std::string& s = sentences[i];
        ASSERT_TRUE(Contains(s, r.name)) << s;
        ASSERT_EQ(s.rfind("1-6月，", 0), 0u) << s;
        // Numbers after the period label: ytd, (其中6月 month), yoy, completion, gap.
        std::vector<std::string> got = Numbers(s.substr(std::string("1-6月，").size()));
        std::vector<std::string> want = {r.ytd};
        if (!r.month_value.empty()) {
            want.push_back("6");
            want.push_back(r.month_value);
        }
        for (const auto& v : {r.yoy, r.completion, r.gap}) {
            if (!v.empty() && v.find_first_of("123456789") != std::string::npos)
                want.push_back(Abs(v));
        }
        EXPECT_EQ(got, want) << s;
    }
}

TEST(Narrative, SignsPickTheWords) {
    MonthlyData d = Fixture();
    auto paras = DraftNarrative(d);
    const size_t n = d.rows.size();
    std::string body;
    for (size_t i = 1; i <= n; ++i) body += paras[i];
    EXPECT_TRUE(Contains(body,
                         "1-6月，全区一般公共预算收入完成7.52亿元，其中6月完成1.35亿元，同比增长12.3%，"
                         "完成年度目标的50.0%，与序时进度持平。"))
        << body;
    EXPECT_TRUE(Contains(body,
                         "全社会固定资产投资完成61.27亿元，其中6月完成12.40亿元，同比下降3.5%，"
                         "完成年度目标的45.2%，落后序时进度4.8个百分点。"))
        << body;
    EXPECT_TRUE(Contains(body,
                         "实际利用外资完成2.46亿美元，其中6月完成0.31亿美元，同比增长15.8%，"
                         "完成年度目标的51.6%，超序时进度1.6个百分点。"));
    EXPECT_TRUE(Contains(body, "引进内资完成25.60亿元，其中6月完成4.05亿元，与上年同期持平，"));
    // A missing 同比 omits its clause, not the sentence.
    EXPECT_TRUE(Contains(body,
                         "1-6月，全区实名制就业完成16820人，其中6月完成2650人，完成年度目标的54.3%，"
                         "超序时进度4.3个百分点。"));
    // Quarterly GDP has no 本月: no "其中" clause.
    EXPECT_TRUE(Contains(body,
                         "1-6月，全区地区生产总值完成148.36亿元，同比增长8.6%，完成年度目标的47.8%，"
                         "落后序时进度2.2个百分点。"));
    EXPECT_FALSE(Contains(body, "增长-"));
    EXPECT_FALSE(Contains(body, "下降-"));
    // Lead: the time progress, who is ahead, who is behind.
    EXPECT_TRUE(Contains(paras[0], "序时进度为50.0%")) << paras[0];
    EXPECT_TRUE(Contains(paras[0], "地区生产总值、全社会固定资产投资落后序时进度")) << paras[0];
    // Behind: red before yellow, with the reasons.
    const std::string& behind = paras[n + 1];
    EXPECT_TRUE(Contains(behind, "全社会固定资产投资（同比下降3.5%，落后序时进度4.8个百分点）亮红灯"))
        << behind;
    EXPECT_TRUE(Contains(
        behind, "地区生产总值（落后序时进度2.2个百分点）、新增注册企业（同比下降12.6%）亮黄灯"))
        << behind;
    // Streets: two lead, two lag, by growth.
    EXPECT_TRUE(Contains(paras[n + 2],
                         "增速居前的是春柳街道（同比增长25.1%，完成年度目标的58.2%）、黑石礁街道"))
        << paras[n + 2];
    EXPECT_TRUE(Contains(
        paras[n + 2], "居后的是李家街道（同比增长6.0%，完成年度目标的49.8%）、马栏街道（同比下降2.3%"))
        << paras[n + 2];
}

TEST(Narrative, AllGreenSaysSo) {
    MonthlyData d = Fixture();
    for (auto& r : d.rows) {
        r.light = "green";
        r.gap = "1.0";
        if (!r.yoy.empty() && r.yoy[0] == '-') r.yoy = r.yoy.substr(1);
    }
    d.streets.clear();
    auto paras = DraftNarrative(d);
    ASSERT_EQ(paras.size(), d.rows.size() + 2);  // no streets paragraph
    EXPECT_TRUE(Contains(paras[0], "稳中有进")) << paras[0];
    EXPECT_TRUE(Contains(paras.back(), "均未出现红灯、黄灯预警")) << paras.back();
}

TEST(Narrative, MissingFiguresAreOmittedNotInvented) {
    MonthlyData d;
    d.district = "沙河口区";
    d.year = 2026;
    d.month = 2;
    d.time_progress = "16.7";
    d.rows = {Row("X", "社会消费品零售总额", "亿元", "", "", "", "", "", "", "")};
    auto paras = DraftNarrative(d);
    ASSERT_GE(paras.size(), 2u);
    EXPECT_EQ(paras[1], "1-2月，全区社会消费品零售总额数据暂缺。");
    EXPECT_TRUE(Contains(paras[0], "2026年1-2月")) << paras[0];
}

TEST(Narrative, LowerIsBetterFlagsARise) {
    MonthlyData d = Fixture();
    TableRow energy =
        Row("ENERGY", "万元GDP能耗", "吨标准煤", "", "0.412", "2.1", "", "", "", "red");
    energy.higher_is_better = false;
    d.rows.push_back(energy);
    auto paras = DraftNarrative(d);
    EXPECT_EQ(paras[d.rows.size()], "1-6月，全区万元GDP能耗完成0.412吨标准煤，同比增长2.1%。");
    EXPECT_TRUE(Contains(paras[d.rows.size() + 1], "、万元GDP能耗（同比增长2.1%）亮红灯"))
        << paras[d.rows.size() + 1];
    // A fall is not a reason for a lower-is-better row.
    d.rows.back().yoy = "-4.0";
    d.rows.back().light = "yellow";
    EXPECT_TRUE(Contains(DraftNarrative(d)[d.rows.size() + 1], "万元GDP能耗（同比下降4.0%）亮黄灯"));
}

TEST(Narrative, JanuaryFebruaryCombinedHasNoMonthClause) {
    MonthlyData d = Fixture();
    d.month = 2;
    d.time_progress = "16.7";
    d.rows = {Row("FISCAL_REV", "一般公共预算收入", "亿元", "2.41", "2.41", "9.5", "15.042", "16.0",
                  "-0.7", "yellow")};
    d.streets.clear();
    auto paras = DraftNarrative(d);
    EXPECT_EQ(paras[1],
              "1-2月，全区一般公共预算收入完成2.41亿元，同比增长9.5%，完成年度目标的16.0%，"
              "落后序时进度0.7个百分点。");
}

TEST(Narrative, TraditionalIsOpenCcS2tw) {
    MonthlyData d = Fixture();
    auto simp = DraftNarrative(d);
    auto trad = DraftNarrative(d, Script::kTraditional);
    ASSERT_EQ(simp.size(), trad.size());
    EXPECT_TRUE(Contains(trad[2],
                         "1-6月，全區一般公共預算收入完成7.52億元，其中6月完成1.35億元，同比增長12.3%，"
                         "完成年度目標的50.0%，與序時進度持平。"))
        << trad[2];
    EXPECT_TRUE(Contains(trad[3], "落後序時進度4.8個百分點"));
    // The seed's forms (為, not OpenCC s2t's 爲); vocabulary is not localised (s2twp would be).
    EXPECT_TRUE(Contains(trad[0], "序時進度為50.0%")) << trad[0];
    EXPECT_FALSE(Contains(trad[0], "爲"));
    MonthlyData soft = d;
    soft.rows[0].name = "软件信息服务业营业收入";
    EXPECT_TRUE(Contains(DraftNarrative(soft, Script::kTraditional)[1], "軟件信息服務業營業收入"));
    for (size_t i = 0; i < simp.size(); ++i) {
        EXPECT_EQ(Numbers(simp[i]), Numbers(trad[i]));
        EXPECT_FALSE(Contains(trad[i], "预")) << trad[i];
        EXPECT_FALSE(Contains(trad[i], "区")) << trad[i];
    }
    // Names stored in traditional script come out simplified in the zh-CN draft.
    d.rows[1].name = "一般公共預算收入";
    EXPECT_TRUE(Contains(DraftNarrative(d)[2], "全区一般公共预算收入完成7.52亿元"));
}

// ---------------------------------------------------------------- xlsx

TEST(Xlsx, RoundTripsTheTableAsNumbers) {
    MonthlyData d = Fixture();
    d.generated_data = true;
    auto x = RenderXlsx(d, {});
    ASSERT_TRUE(x.ok()) << x.error().message;
    auto wb = office::ReadXlsx(*x);
    ASSERT_TRUE(wb.ok()) << wb.error().message;
    ASSERT_EQ(wb->sheets.size(), 2u);
    const office::Sheet& t = wb->sheets[0];
    EXPECT_EQ(t.name, "主要指标");
    ASSERT_NE(t.At(0, 0), nullptr);
    EXPECT_EQ(t.At(0, 0)->text, "沙河口区2026年1-6月主要经济指标完成情况表");
    EXPECT_EQ(t.At(1, 3)->text, "1-6月累计");
    EXPECT_EQ(t.At(1, 7)->text, "序时进度差(百分点)");
    for (size_t i = 0; i < d.rows.size(); ++i) {
        const TableRow& r = d.rows[i];
        int row = static_cast<int>(i) + 2;
        EXPECT_EQ(t.At(row, 0)->text, r.name);
        EXPECT_EQ(t.At(row, 1)->text, r.unit);
        const std::string* figures[] = {&r.month_value, &r.ytd,        &r.yoy,
                                        &r.target,      &r.completion, &r.gap};
        for (int c = 0; c < 6; ++c) {
            const office::Cell* cell = t.At(row, c + 2);
            ASSERT_NE(cell, nullptr);
            if (figures[c]->empty()) {
                EXPECT_EQ(cell->text, "—");
            } else {
                ASSERT_EQ(cell->type, office::Cell::Type::kNumber) << r.name << " col " << c;
                EXPECT_DOUBLE_EQ(cell->number, std::strtod(figures[c]->c_str(), nullptr)) << r.name;
            }
        }
    }
    std::string notes;
    for (size_t r = d.rows.size() + 2; r < t.rows.size(); ++r)
        notes += t.At(static_cast<int>(r), 0)->text;
    EXPECT_TRUE(Contains(notes, "序时进度为50.0%")) << notes;
    EXPECT_TRUE(Contains(notes, "演示数据")) << notes;
    const office::Sheet& n = wb->sheets[1];
    auto paras = DraftNarrative(d);
    for (size_t i = 0; i < paras.size(); ++i)
        EXPECT_EQ(n.At(static_cast<int>(i) + 2, 0)->text, paras[i]);
}

TEST(Xlsx, EditedNarrativeIsPrinted) {
    auto x = RenderXlsx(Fixture(), {"第一段。", "第二段。"});
    ASSERT_TRUE(x.ok());
    auto wb = office::ReadXlsx(*x);
    ASSERT_TRUE(wb.ok());
    EXPECT_EQ(wb->sheets[1].At(2, 0)->text, "第一段。");
    EXPECT_EQ(wb->sheets[1].At(3, 0)->text, "第二段。");
}

TEST(Xlsx, TraditionalWorkbook) {
    auto x = RenderXlsx(Fixture(), {}, Script::kTraditional);
    ASSERT_TRUE(x.ok());
    auto wb = office::ReadXlsx(*x);
    ASSERT_TRUE(wb.ok());
    const office::Sheet& t = wb->sheets[0];
    EXPECT_EQ(t.name, "主要指標");
    EXPECT_EQ(t.At(0, 0)->text, "沙河口區2026年1-6月主要經濟指標完成情況表");
    EXPECT_EQ(t.At(1, 7)->text, "序時進度差(百分點)");
    EXPECT_EQ(t.At(3, 0)->text, "一般公共預算收入");
    EXPECT_EQ(t.At(3, 1)->text, "億元");
    EXPECT_DOUBLE_EQ(t.At(3, 5)->number, 15.042);
    EXPECT_EQ(wb->sheets[1].At(2, 0)->text, DraftNarrative(Fixture(), Script::kTraditional)[0]);
}

TEST(Xlsx, LibreOfficeOpensItWithTheTableDecimals) {
    if (!Have("soffice")) GTEST_SKIP() << "soffice not installed";
    MonthlyData d = Fixture();
    auto x = RenderXlsx(d, {});
    ASSERT_TRUE(x.ok());
    auto dir = TempDir();
    WriteFile(dir / "pack.xlsx", *x);
    int rc = 0;
    std::string log =
        Shell("cd " + dir.string() + " && timeout 120 soffice -env:UserInstallation=file://" +
                  dir.string() +
                  "/profile --headless --convert-to "
                  "'csv:Text - txt - csv (StarCalc):44,34,76' --outdir " +
                  dir.string() + " pack.xlsx 2>&1",
              &rc);
    ASSERT_EQ(rc, 0) << log;
    std::ifstream f(dir / "pack.csv");
    std::stringstream ss;
    ss << f.rdbuf();
    std::string csv = ss.str();
    std::filesystem::remove_all(dir);
    // Each row as LibreOffice prints it: the formats keep the table's decimals ("25.60", "0.0").
    // A "-0.0" gap is the number -0, which a spreadsheet prints as 0.0.
    for (auto r : d.rows) {
        if (r.gap == "-0.0") r.gap = "0.0";
        std::string line = r.name + "," + r.unit + "," +
                           (r.month_value.empty() ? "—" : r.month_value) + "," + r.ytd + "," +
                           (r.yoy.empty() ? "—" : r.yoy) + "," + r.target + "," + r.completion +
                           "," + r.gap;
        EXPECT_TRUE(Contains(csv, line)) << line << "\n" << csv;
    }
}

// ---------------------------------------------------------------- HTML

struct XmlCheck {
    static bool WellFormed(const std::string& xml, std::string* err) {
        XML_Parser p = XML_ParserCreate("UTF-8");
        bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
        if (!ok) *err = XML_ErrorString(XML_GetErrorCode(p));
        XML_ParserFree(p);
        return ok;
    }
};

TEST(Html, SelfContainedWithTableNarrativeAndSvg) {
    MonthlyData d = Fixture();
    d.generated_data = true;
    auto h = RenderHtml(d, {});
    ASSERT_TRUE(h.ok());
    const std::string& html = *h;
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_TRUE(Contains(html, "<html lang=\"zh-CN\">"));
    EXPECT_TRUE(Contains(html, "Noto Sans CJK SC"));
    EXPECT_FALSE(Contains(html, "<script"));
    EXPECT_FALSE(Contains(html, "<link"));
    EXPECT_FALSE(Contains(html, "src=\""));
    EXPECT_TRUE(Contains(html,
                         "<tr class=\"red\"><td class=\"lit\">全社会固定资产投资</td><td>亿元</td>"
                         "<td class=\"num\">12.40</td><td class=\"num\">61.27</td>"
                         "<td class=\"num\">-3.5</td><td class=\"num\">135.70</td>"
                         "<td class=\"num\">45.2</td><td class=\"num lit\">-4.8</td></tr>"));
    for (const auto& p : DraftNarrative(d)) EXPECT_TRUE(Contains(html, "<p>" + p + "</p>"));
    EXPECT_TRUE(Contains(html, "演示数据"));
    std::vector<std::string> svgs;
    for (size_t at = 0; (at = html.find("<svg", at)) != std::string::npos;) {
        size_t end = html.find("</svg>", at);
        ASSERT_NE(end, std::string::npos);
        svgs.push_back(html.substr(at, end + 6 - at));
        at = end;
    }
    ASSERT_EQ(svgs.size(), 2u);
    for (const auto& s : svgs) {
        std::string err;
        EXPECT_TRUE(XmlCheck::WellFormed(s, &err)) << err;
    }
    // Bar chart: one bar per indicator labelled with the table's completion, the time progress
    // line.
    for (const auto& r : d.rows)
        EXPECT_TRUE(Contains(svgs[0], ">" + r.completion + "%</text>")) << r.name;
    EXPECT_TRUE(Contains(svgs[0], ">序时进度50.0%</text>"));
    // Trend chart: a polyline per series with more than one point, the legend, the last values.
    size_t lines = 0;
    for (size_t at = 0; (at = svgs[1].find("<polyline", at)) != std::string::npos; ++at) ++lines;
    EXPECT_EQ(lines, 3u);
    EXPECT_TRUE(Contains(svgs[1], ">-3.5</text>"));
    EXPECT_TRUE(Contains(svgs[1], ">一般公共预算收入</text>"));
    EXPECT_TRUE(Contains(svgs[1], ">1-6月</text>"));
}

TEST(Html, TraditionalPage) {
    auto h = RenderHtml(Fixture(), {}, Script::kTraditional);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(Contains(*h, "<html lang=\"zh-TW\">"));
    EXPECT_TRUE(Contains(*h, "Noto Sans CJK TC"));
    EXPECT_TRUE(Contains(*h, "沙河口區2026年1-6月主要經濟指標完成情況"));
    EXPECT_TRUE(Contains(*h, "<td class=\"lit\">一般公共預算收入</td><td>億元</td>"));
}

TEST(Html, EscapesNames) {
    MonthlyData d = Fixture();
    d.rows[0].name = "<b>&\"";
    auto h = RenderHtml(d, {});
    ASSERT_TRUE(h.ok());
    EXPECT_FALSE(Contains(*h, "<b>&"));
    EXPECT_TRUE(Contains(*h, "&lt;b&gt;&amp;&quot;"));
}

// ---------------------------------------------------------------- PDF

TEST(Pdf, A4WithEmbeddedCjkFontsAndTheTableText) {
    MonthlyData d = Fixture();
    d.generated_data = true;
    auto p = RenderPdf(d, {});
    ASSERT_TRUE(p.ok()) << p.error().message;
    ASSERT_EQ(p->rfind("%PDF", 0), 0u);
    if (!Have("pdffonts") || !Have("pdftotext")) GTEST_SKIP() << "poppler-utils not installed";
    auto dir = TempDir();
    WriteFile(dir / "pack.pdf", *p);
    std::string fonts = Shell("pdffonts " + (dir / "pack.pdf").string());
    auto lines = Split(fonts, "\n");
    ASSERT_GT(lines.size(), 2u) << fonts;
    size_t cjk = 0;
    for (size_t i = 2; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        if (Contains(lines[i], "Noto")) ++cjk;
        // Columns: name type encoding emb sub uni object ID; emb is the first yes/no.
        std::istringstream ls(lines[i]);
        std::vector<std::string> cols;
        for (std::string c; ls >> c;) cols.push_back(c);
        auto yn =
            std::find_if(cols.begin(), cols.end(), [](auto& c) { return c == "yes" || c == "no"; });
        ASSERT_NE(yn, cols.end()) << lines[i];
        EXPECT_EQ(*yn, "yes") << "not embedded: " << lines[i];
    }
    EXPECT_GE(cjk, 2u) << fonts;  // sans and serif
    std::string info = Shell("pdfinfo " + (dir / "pack.pdf").string());
    EXPECT_TRUE(Contains(info, "595.276 x 841.89")) << info;  // A4
    std::string text = Shell("pdftotext -layout " + (dir / "pack.pdf").string() + " -");
    EXPECT_TRUE(Contains(text, "一般公共预算收入")) << text;
    EXPECT_TRUE(Contains(text, "15.042"));
    EXPECT_TRUE(Contains(text, "落后序时进度4.8个百分点")) << text;
    EXPECT_TRUE(Contains(text, "第1页")) << text;
    EXPECT_TRUE(Contains(text, "演示数据"));
    if (Have("pdftoppm")) {
        int rc = 0;
        Shell("pdftoppm -png -r 80 " + (dir / "pack.pdf").string() + " " + (dir / "page").string(),
              &rc);
        EXPECT_EQ(rc, 0);
        EXPECT_TRUE(std::filesystem::exists(dir / "page-1.png"));
    }
    std::filesystem::remove_all(dir);
}

TEST(Pdf, LongTableBreaksPagesAndNumbersThem) {
    MonthlyData d = Fixture();
    auto base = d.rows;
    for (int k = 0; k < 8; ++k) {
        for (auto r : base) {
            r.name += std::to_string(k);
            d.rows.push_back(r);
        }
    }
    auto p = RenderPdf(d, {}, Script::kTraditional);
    ASSERT_TRUE(p.ok());
    if (!Have("pdftotext")) GTEST_SKIP();
    auto dir = TempDir();
    WriteFile(dir / "long.pdf", *p);
    std::string info = Shell("pdfinfo " + (dir / "long.pdf").string());
    std::string text = Shell("pdftotext " + (dir / "long.pdf").string() + " -");
    std::filesystem::remove_all(dir);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) << info;
    int pages = std::stoi(m[1]);
    EXPECT_GE(pages, 3);
    EXPECT_TRUE(Contains(text, "第1頁 共" + std::to_string(pages) + "頁")) << text;
    EXPECT_TRUE(
        Contains(text, "第" + std::to_string(pages) + "頁 共" + std::to_string(pages) + "頁"));
    EXPECT_TRUE(Contains(text, "一般公共預算收入"));
}

TEST(Pdf, EmptyTableStillRenders) {
    MonthlyData d;
    d.district = "沙河口区";
    d.year = 2026;
    d.month = 1;
    d.time_progress = "8.3";
    auto p = RenderPdf(d, {});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->rfind("%PDF", 0), 0u);
    auto h = RenderHtml(d, {});
    ASSERT_TRUE(h.ok());
    auto x = RenderXlsx(d, {});
    ASSERT_TRUE(x.ok());
}

}  // namespace
}  // namespace duban::report
