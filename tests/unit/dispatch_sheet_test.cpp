// duban::registry dispatch sheet: the 重點項目調度表 built, read back, checked row by row, and
// the files LibreOffice writes when a user edits it (tests/fixtures/office/lo_dispatch*.xlsx).
#include "registry/dispatch_sheet.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "office/office.hpp"

using namespace duban;
using registry::DispatchRow;
using registry::SheetError;

namespace {

std::string ReadFile(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// One part of a zip held in memory ("" when missing).
std::string ZipPart(const std::string& bytes, const std::string& name) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        zip_source_free(src);
        return "";
    }
    std::string out;
    zip_stat_t st;
    if (zip_stat(za, name.c_str(), 0, &st) == 0) {
        zip_file_t* f = zip_fopen(za, name.c_str(), 0);
        out.resize(st.size);
        zip_fread(f, out.data(), st.size);
        zip_fclose(f);
    }
    zip_close(za);
    return out;
}

/// A zip written with libzip to a temporary file and read back: name -> content.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
    char tmpl[] = "/tmp/duban-dispatch-test-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string path = dir + "/t.zip";
    int err = 0;
    zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(za, nullptr);
    for (const auto& [name, data] : entries) {
        zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
        zip_file_add(za, name.c_str(), src, ZIP_FL_OVERWRITE);
    }
    zip_close(za);
    std::string out = ReadFile(path);
    std::filesystem::remove_all(dir);
    return out;
}

/// A one-sheet .xlsx with inline strings only (no sharedStrings part), as some exporters write.
std::string InlineXlsx(const std::vector<std::vector<std::string>>& rows) {
    auto esc = [](const std::string& s) {
        std::string o;
        for (char ch : s) o += ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : std::string(1, ch);
        return o;
    };
    std::string data;
    for (size_t r = 0; r < rows.size(); ++r) {
        data += "<row r=\"" + std::to_string(r + 1) + "\">";
        for (size_t k = 0; k < rows[r].size(); ++k) {
            if (rows[r][k].empty()) continue;
            std::string ref = std::string(1, static_cast<char>('A' + k)) + std::to_string(r + 1);
            data += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + esc(rows[r][k]) + "</t></is></c>";
        }
        data += "</row>";
    }
    std::string ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    return MakeZip({
        {"xl/workbook.xml", "<workbook " + ns + "><sheets><sheet name=\"調度表\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"" + rel + "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
        {"xl/worksheets/sheet1.xml", "<worksheet " + ns + "><sheetData>" + data + "</sheetData></worksheet>"},
    });
}

DispatchRow Project(std::string number, std::string name) {
    DispatchRow r;
    r.number = std::move(number);
    r.name = std::move(name);
    r.kind = "產業";
    r.major = "是";
    r.park = "星海灣金融商務區";
    r.lead_unit = "区发改局";
    r.leader = "王副区长";
    r.stage = "開工";
    r.stage_date = "2026-03-18";
    r.total_investment_wan = 25000;
    r.annual_plan_wan = 8000;
    r.year_done_wan = 6100;
    r.cumulative_wan = 14200;
    r.progress = "主體結構施工";
    r.problems = "";
    r.light = "綠燈";
    return r;
}

std::vector<DispatchRow> ThreeProjects() {
    auto a = Project("XM-2026-0001", "現代服務業總部大廈");
    a.month_done_wan = 350.5;
    a.problems = "用地手續; 資金";
    a.light = "黃燈";
    auto b = Project("XM-2026-0002", "濱海路改造工程");
    b.kind = "城建";
    b.major = "否";
    b.total_investment_wan = 12000.1234;
    b.annual_plan_wan.reset();
    b.year_done_wan = 0;
    b.cumulative_wan = 0;
    b.progress = "";
    b.stage = "簽約";
    b.stage_date = "";
    auto c = Project("XM-2026-0003", "社區養老服務中心");
    c.kind = "民生";
    c.progress = "已完成註冊\n正在設計";
    return {a, b, c};
}

std::map<std::string, DispatchRow> ByNumber(const std::vector<DispatchRow>& rows) {
    std::map<std::string, DispatchRow> m;
    for (const auto& r : rows) m[r.number] = r;
    return m;
}

std::vector<std::pair<int, std::string>> Where(const std::vector<SheetError>& errors) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& e : errors) out.push_back({e.row, e.column});
    return out;
}

registry::DispatchCheck BuildAndCheck(const std::vector<DispatchRow>& in_sheet,
                                      const std::vector<DispatchRow>& in_db) {
    auto bytes = registry::BuildDispatchTable(in_sheet, "2026-11", false);
    EXPECT_TRUE(bytes.ok());
    auto sheet = registry::ParseDispatchTable(*bytes);
    EXPECT_TRUE(sheet.ok());
    return registry::CheckDispatchTable(*sheet, ByNumber(in_db));
}

}  // namespace

TEST(DispatchSheet, BuildThenParseRoundTrips) {
    auto rows = ThreeProjects();
    auto bytes = registry::BuildDispatchTable(rows, "2026-11", false);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto wb = office::ReadXlsx(*bytes);
    ASSERT_TRUE(wb.ok());
    ASSERT_EQ(wb->sheets.size(), 2u);
    EXPECT_EQ(wb->sheets[0].name, "調度表");
    EXPECT_EQ(wb->sheets[1].name, "說明");
    EXPECT_EQ(wb->sheets[0].At(0, 0)->text, "重點項目調度表(2026年11月)");
    // Amounts are number cells, not text.
    const office::Cell* total = wb->sheets[0].At(2, 10);
    ASSERT_NE(total, nullptr);
    EXPECT_EQ(total->type, office::Cell::Type::kNumber);
    EXPECT_DOUBLE_EQ(total->number, 25000);
    EXPECT_EQ(wb->sheets[0].At(2, 0)->type, office::Cell::Type::kNumber);  // 序號

    auto sheet = registry::ParseDispatchTable(*bytes);
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    EXPECT_EQ(sheet->month, "2026-11");
    EXPECT_EQ(sheet->header_row, 2);
    EXPECT_EQ(sheet->header, registry::kDispatchColumns);
    ASSERT_EQ(sheet->rows.size(), 3u);
    EXPECT_EQ(sheet->rows[0].row, 3);
    EXPECT_EQ(sheet->rows[2].row, 5);
    EXPECT_EQ(sheet->Cell(sheet->rows[1], "項目名稱")->text, "濱海路改造工程");
    EXPECT_EQ(sheet->Cell(sheet->rows[1], "計劃總投資(萬元)")->text, "12000.1234");
    EXPECT_EQ(sheet->Cell(sheet->rows[1], "年度計劃投資(萬元)")->text, "");
    EXPECT_EQ(sheet->Cell(sheet->rows[0], "本月完成投資(萬元)")->number.value_or(-1), 350.5);
    EXPECT_EQ(sheet->Cell(sheet->rows[0], "不存在的列"), nullptr);

    auto check = registry::CheckDispatchTable(*sheet, ByNumber(rows));
    EXPECT_TRUE(check.errors.empty()) << check.errors[0].row << " " << check.errors[0].column << " "
                                      << check.errors[0].message;
    EXPECT_EQ(check.rows, 3);
    EXPECT_EQ(check.valid, 3);
    EXPECT_TRUE(check.changes.empty()) << "an unedited sheet changes nothing";
}

TEST(DispatchSheet, DropdownsAndHelpSheet) {
    auto bytes = registry::BuildDispatchTable(ThreeProjects(), "2026-02", false);
    ASSERT_TRUE(bytes.ok());
    std::string xml = ZipPart(*bytes, "xl/worksheets/sheet1.xml");
    ASSERT_FALSE(xml.empty());
    EXPECT_NE(xml.find("<dataValidation"), std::string::npos);
    EXPECT_NE(xml.find("產業,城建,民生"), std::string::npos);
    EXPECT_NE(xml.find("是,否"), std::string::npos);
    EXPECT_NE(xml.find("綠燈,黃燈,紅燈"), std::string::npos);
    EXPECT_NE(xml.find("sqref=\"D3:D5\""), std::string::npos) << "over the data rows";
    auto wb = office::ReadXlsx(*bytes);
    ASSERT_TRUE(wb.ok());
    const office::Sheet* help = wb->Find("說明");
    ASSERT_NE(help, nullptr);
    bool month_line = false;
    for (const auto& row : help->rows)
        if (row.size() >= 2 && row[0].text == "月份") month_line = row[1].text.rfind("2026-02", 0) == 0;
    EXPECT_TRUE(month_line);

    auto tmpl = registry::BuildDispatchTable(ThreeProjects(), "2026-02", true);
    ASSERT_TRUE(tmpl.ok());
    std::string txml = ZipPart(*tmpl, "xl/worksheets/sheet1.xml");
    EXPECT_NE(txml.find("sqref=\"I3:I202\""), std::string::npos) << "the template's dropdowns cover 200 rows";
    auto sheet = registry::ParseDispatchTable(*tmpl);
    ASSERT_TRUE(sheet.ok());
    EXPECT_EQ(sheet->header, registry::kDispatchColumns);
    EXPECT_TRUE(sheet->rows.empty()) << "the template has no projects";
    EXPECT_EQ(sheet->month, "2026-02");

    EXPECT_FALSE(registry::BuildDispatchTable({}, "2026-13", false).ok());
    EXPECT_FALSE(registry::BuildDispatchTable({}, "November", false).ok());
}

TEST(DispatchSheet, EditsBecomeChanges) {
    auto db = ThreeProjects();
    auto edited = db;
    edited[0].leader = "张副区长";
    edited[0].month_done_wan = 400;
    edited[1].annual_plan_wan = 3000.5;
    edited[1].month_done_wan = 0;
    edited[2].progress = "完成施工圖設計";
    auto check = BuildAndCheck(edited, db);
    ASSERT_TRUE(check.errors.empty()) << check.errors[0].message;
    ASSERT_EQ(check.changes.size(), 3u);
    EXPECT_EQ(check.changes[0].row, 3);
    EXPECT_EQ(check.changes[0].number, "XM-2026-0001");
    EXPECT_EQ(check.changes[0].leader.value_or(""), "张副区长");
    EXPECT_EQ(check.changes[0].month_done_wan.value_or(-1), 400);
    EXPECT_FALSE(check.changes[0].annual_plan_wan.has_value());
    EXPECT_FALSE(check.changes[0].progress.has_value());
    EXPECT_EQ(check.changes[1].annual_plan_wan.value_or(-1), 3000.5);
    EXPECT_EQ(check.changes[1].month_done_wan.value_or(-1), 0) << "0 is a report, blank is not";
    EXPECT_FALSE(check.changes[1].leader.has_value());
    EXPECT_EQ(check.changes[2].progress.value_or(""), "完成施工圖設計");

    // Blank editable amounts and a blank progress change nothing.
    auto blanked = db;
    blanked[0].annual_plan_wan.reset();
    blanked[0].month_done_wan.reset();
    blanked[2].progress = "";
    auto none = BuildAndCheck(blanked, db);
    EXPECT_TRUE(none.errors.empty());
    EXPECT_TRUE(none.changes.empty());
}

TEST(DispatchSheet, ReadOnlyColumnsMustNotChange) {
    auto db = ThreeProjects();
    auto edited = db;
    edited[0].name = "總部大廈(改名)";
    edited[0].leader = "张副区长";  // a valid edit on the same row is not applied either
    edited[1].total_investment_wan = 13000;
    edited[2].stage = "竣工/投產";
    edited[2].light = "綠燈 ";  // trailing space only: not a change
    auto check = BuildAndCheck(edited, db);
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(check.errors), (W{{3, "項目名稱"}, {4, "計劃總投資(萬元)"}, {5, "當前階段"}}));
    EXPECT_NE(check.errors[0].message.find("read-only"), std::string::npos);
    EXPECT_NE(check.errors[0].message.find("現代服務業總部大廈"), std::string::npos) << "says duban's value";
    EXPECT_TRUE(check.changes.empty());
    EXPECT_EQ(check.valid, 0);
}

TEST(DispatchSheet, EditableCellsAreValidated) {
    auto db = ThreeProjects();
    // The writer is given text where numbers belong, as a user would type them.
    office::OutSheet s;
    s.name = "調度表";
    s.title = "重點項目調度表(2026年11月)";
    s.header = {"項目編號", "包保領導", "年度計劃投資(萬元)", "本月完成投資(萬元)", "進展情況"};
    auto row = [](std::string n, std::string leader, std::string annual, std::string month, std::string progress) {
        return std::vector<office::OutCell>{office::OutCell::Str(n), office::OutCell::Str(leader),
                                            office::OutCell::Str(annual), office::OutCell::Str(month),
                                            office::OutCell::Str(progress)};
    };
    std::string long_leader(51 * 3, 'x');
    std::string ok_leader;
    for (int i = 0; i < 50; ++i) ok_leader += "領";
    std::string long_progress;
    for (int i = 0; i < 2001; ++i) long_progress += "進";
    s.rows = {
        row("XM-2026-0001", "王副区长", "-5", "", ""),                    // 3: negative
        row("XM-2026-0002", "王副区长", "12.34567", "1,234.5", ""),       // 4: five decimals
        row("XM-2026-0003", "王副区长", "八千", "", ""),                  // 5: not a number
        row("XM-2026-0001", "王副区长", "", "", ""),                      // 6: repeated number
        row("XM-2099-0001", "王副区长", "", "", ""),                      // 7: unknown
        row("", "王副区长", "100", "", ""),                               // 8: no number
        row("XM-2026-0002", long_leader, "", "", ""),                     // 9: repeated too
    };
    auto bytes = office::WriteXlsx({s});
    ASSERT_TRUE(bytes.ok());
    auto sheet = registry::ParseDispatchTable(*bytes);
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    auto check = registry::CheckDispatchTable(*sheet, ByNumber(db));
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(check.errors), (W{{3, "年度計劃投資(萬元)"},
                                      {4, "年度計劃投資(萬元)"},
                                      {5, "年度計劃投資(萬元)"},
                                      {6, "項目編號"},
                                      {7, "項目編號"},
                                      {8, "項目編號"},
                                      {9, "項目編號"}}));
    EXPECT_NE(check.errors[0].message.find("negative"), std::string::npos);
    EXPECT_NE(check.errors[1].message.find("4 decimals"), std::string::npos);
    EXPECT_NE(check.errors[2].message.find("not a number"), std::string::npos);
    EXPECT_NE(check.errors[3].message.find("twice"), std::string::npos);
    EXPECT_NE(check.errors[4].message.find("XM-2099-0001"), std::string::npos);
    EXPECT_EQ(check.rows, 7);
    EXPECT_EQ(check.valid, 0);
    EXPECT_TRUE(check.changes.empty());

    // Lengths: 包保領導 50 characters (not bytes) is fine, 51 is not; 進展情況 2000.
    s.rows = {row("XM-2026-0001", ok_leader, "8000.0001", "1,234.5", ""),
              row("XM-2026-0002", std::string(51, 'x'), "", "", ""),
              row("XM-2026-0003", "王副区长", "", "", long_progress)};
    bytes = office::WriteXlsx({s});
    ASSERT_TRUE(bytes.ok());
    sheet = registry::ParseDispatchTable(*bytes);
    ASSERT_TRUE(sheet.ok());
    check = registry::CheckDispatchTable(*sheet, ByNumber(db));
    EXPECT_EQ(Where(check.errors), (W{{4, "包保領導"}, {5, "進展情況"}}));
    ASSERT_EQ(check.changes.size(), 1u);
    EXPECT_EQ(check.changes[0].leader.value_or(""), ok_leader);
    EXPECT_DOUBLE_EQ(check.changes[0].annual_plan_wan.value_or(-1), 8000.0001);
    EXPECT_DOUBLE_EQ(check.changes[0].month_done_wan.value_or(-1), 1234.5) << "thousands separators are read";
}

TEST(DispatchSheet, UnreadableFilesNameContentBase64) {
    auto not_zip = registry::ParseDispatchTable("nope");
    ASSERT_FALSE(not_zip.ok());
    EXPECT_EQ(not_zip.error().field, "content_base64");

    office::OutSheet s;
    s.name = "Sheet1";
    s.title = "重點項目調度表(2026年11月)";
    s.header = {"序號", "項目名稱"};
    auto no_header = registry::ParseDispatchTable(*office::WriteXlsx({s}));
    ASSERT_FALSE(no_header.ok());
    EXPECT_EQ(no_header.error().field, "content_base64");
    EXPECT_NE(no_header.error().message.find("項目編號"), std::string::npos);

    s.title = "重點項目調度表";
    s.header = {"序號", "項目編號"};
    auto no_month = registry::ParseDispatchTable(*office::WriteXlsx({s}));
    ASSERT_FALSE(no_month.ok());
    EXPECT_EQ(no_month.error().field, "content_base64");
    EXPECT_EQ(no_month.error().code, "no_month");
}

TEST(DispatchSheet, TrailingBlankRowsAndOtherSheetsAreIgnored) {
    auto bytes = registry::BuildDispatchTable(ThreeProjects(), "2026-11", false);
    ASSERT_TRUE(bytes.ok());
    auto wb = office::ReadXlsx(*bytes);
    ASSERT_TRUE(wb.ok());
    // Rebuild the workbook with another sheet first and styled blank rows at the end.
    office::OutSheet other;
    other.name = "封面";
    other.header = {"項目"};
    office::OutSheet s;
    s.name = "調度表";
    s.title = "重點項目調度表(2026年11月)";
    s.header = registry::kDispatchColumns;
    for (size_t r = 2; r < wb->sheets[0].rows.size(); ++r) {
        std::vector<office::OutCell> row;
        for (const auto& c : wb->sheets[0].rows[r])
            row.push_back(c.type == office::Cell::Type::kNumber ? office::OutCell::Num(c.number)
                                                                : office::OutCell::Str(c.text));
        s.rows.push_back(row);
    }
    for (int i = 0; i < 5; ++i) s.rows.push_back(std::vector<office::OutCell>(18, office::OutCell::Str("")));
    auto again = office::WriteXlsx({other, s});
    ASSERT_TRUE(again.ok());
    auto sheet = registry::ParseDispatchTable(*again);
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    EXPECT_EQ(sheet->rows.size(), 3u);
    auto check = registry::CheckDispatchTable(*sheet, ByNumber(ThreeProjects()));
    EXPECT_TRUE(check.errors.empty());
    EXPECT_EQ(check.rows, 3);
}

/// The projects as duban holds them for the LibreOffice fixtures.
std::map<std::string, DispatchRow> FixtureDb() {
    auto a = Project("XM-2026-0001", "現代服務業總部大廈");
    a.progress = "主體結構施工";
    a.problems = "用地手續; 資金";
    a.light = "黃燈";
    auto b = Project("XM-2026-0002", "濱海路改造工程");
    b.kind = "城建";
    b.major = "否";
    b.lead_unit = "区住建局";
    b.leader = "李副区长";
    b.stage = "簽約";
    b.stage_date = "2026-05-06";
    b.total_investment_wan = 12000;
    b.annual_plan_wan.reset();
    b.year_done_wan = 0;
    b.cumulative_wan = 0;
    b.progress = "";
    auto c = Project("XM-2026-0003", "社區養老服務中心");
    c.kind = "民生";
    c.major = "否";
    c.park = "春柳街道";
    c.lead_unit = "区民政局";
    c.stage = "註冊(落地)";
    c.stage_date = "2026-06-01";
    c.total_investment_wan = 3000.25;
    c.annual_plan_wan = 1200.1234;
    c.year_done_wan = 800;
    c.cumulative_wan = 800;
    c.progress = "已完成註冊, 正在設計";
    c.light = "紅燈";
    return ByNumber({a, b, c});
}

void CheckFixture(const std::string& path) {
    std::string bytes = ReadFile(path);
    ASSERT_FALSE(bytes.empty()) << path;
    auto sheet = registry::ParseDispatchTable(bytes);
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    EXPECT_EQ(sheet->month, "2026-11");
    EXPECT_EQ(sheet->header, registry::kDispatchColumns);
    ASSERT_EQ(sheet->rows.size(), 3u);
    EXPECT_EQ(sheet->Cell(sheet->rows[2], "階段日期")->text.substr(0, 4), "2026");
    auto check = registry::CheckDispatchTable(*sheet, FixtureDb());
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(check.errors), (W{{4, "年度計劃投資(萬元)"}, {5, "本月完成投資(萬元)"}}));
    EXPECT_EQ(check.rows, 3);
    EXPECT_EQ(check.valid, 1);
    ASSERT_EQ(check.changes.size(), 1u);
    const auto& ch = check.changes[0];
    EXPECT_EQ(ch.row, 3);
    EXPECT_EQ(ch.number, "XM-2026-0001");
    EXPECT_EQ(ch.leader.value_or(""), "张副区长");
    EXPECT_DOUBLE_EQ(ch.month_done_wan.value_or(-1), 350.5);
    EXPECT_EQ(ch.progress.value_or(""), "主體結構封頂");
    EXPECT_FALSE(ch.annual_plan_wan.has_value()) << "8000 as before";

    // The error workbook: the rows as uploaded plus 錯誤; it reads back as a dispatch table.
    auto ew = registry::BuildErrorWorkbook(*sheet, check.errors);
    ASSERT_TRUE(ew.ok()) << ew.error().message;
    auto back = registry::ParseDispatchTable(*ew);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->month, "2026-11") << "the title still names the month";
    ASSERT_EQ(back->header.size(), registry::kDispatchColumns.size() + 1);
    EXPECT_EQ(back->header.back(), "錯誤");
    ASSERT_EQ(back->rows.size(), 3u);
    EXPECT_EQ(back->Cell(back->rows[0], "錯誤")->text, "");
    EXPECT_NE(back->Cell(back->rows[1], "錯誤")->text.find("第4行 年度計劃投資(萬元)"), std::string::npos);
    EXPECT_EQ(back->Cell(back->rows[1], "年度計劃投資(萬元)")->text, "-5");
    EXPECT_NE(back->Cell(back->rows[2], "錯誤")->text.find("第5行 本月完成投資(萬元)"), std::string::npos);
    // Uploaded again as it is, it reports the same cells (its own rows) and ignores 錯誤.
    auto again = registry::CheckDispatchTable(*back, FixtureDb());
    EXPECT_EQ(again.errors.size(), 2u);
    EXPECT_EQ(again.changes.size(), 1u);
    std::string xml = ZipPart(*ew, "xl/worksheets/sheet1.xml");
    EXPECT_NE(xml.find("legacyDrawing"), std::string::npos) << "the bad cells carry comments";
}

TEST(DispatchSheet, LibreOfficeFileWithNumberAndDateCells) { CheckFixture("tests/fixtures/office/lo_dispatch.xlsx"); }

TEST(DispatchSheet, LibreOfficeFileWithNumbersAsText) {
    std::string bytes = ReadFile("tests/fixtures/office/lo_dispatch_text.xlsx");
    auto wb = office::ReadXlsx(bytes);
    ASSERT_TRUE(wb.ok());
    EXPECT_EQ(wb->sheets[0].At(2, 10)->type, office::Cell::Type::kString) << "the fixture holds text amounts";
    CheckFixture("tests/fixtures/office/lo_dispatch_text.xlsx");
}

TEST(DispatchSheet, InlineStringsAndNumbersAsText) {
    // Every cell an inline string, amounts included; the header in another order with a column the
    // user added; the month only in the title.
    std::vector<std::vector<std::string>> rows = {
        {"重點項目調度表(2026年11月)"},
        {"項目編號", "備註", "本月完成投資(萬元)", "包保領導", "項目名稱", "計劃總投資(萬元)"},
        {"XM-2026-0001", "自己的備註", "12.5", "王副区长", "現代服務業總部大廈", "25000.0000"},
        {"XM-2026-0002", "", "", "周副区长", "濱海路改造工程", "12,000.1234"},
        {"XM-2026-0003", "", "1e3", "", "社區養老服務中心", "25000"},
        {},
        {},
    };
    auto sheet = registry::ParseDispatchTable(InlineXlsx(rows));
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    EXPECT_EQ(sheet->month, "2026-11");
    EXPECT_EQ(sheet->header_row, 2);
    ASSERT_EQ(sheet->rows.size(), 3u);
    auto db = ThreeProjects();
    db[0].month_done_wan.reset();
    db[2].leader = "";
    auto check = registry::CheckDispatchTable(*sheet, ByNumber(db));
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(check.errors), (W{{5, "本月完成投資(萬元)"}})) << "1e3 is not how amounts are typed";
    ASSERT_EQ(check.changes.size(), 2u);
    EXPECT_DOUBLE_EQ(check.changes[0].month_done_wan.value_or(-1), 12.5);
    EXPECT_FALSE(check.changes[0].leader.has_value());
    EXPECT_EQ(check.changes[1].leader.value_or(""), "周副区长");
}

TEST(DispatchSheet, AStaleSheetCannotOverwriteALaterReport) {
    // Exported with 本月 350.5; someone then revises the month to 400 in duban. The stale sheet's
    // 350.5 would look like an edit, but its 累計 columns no longer match, so the row is refused.
    auto exported = ThreeProjects();
    auto db = exported;
    db[0].month_done_wan = 400;
    db[0].year_done_wan = *db[0].year_done_wan + 49.5;
    db[0].cumulative_wan = *db[0].cumulative_wan + 49.5;
    auto check = BuildAndCheck(exported, db);
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(check.errors), (W{{3, "自年初累計完成投資(萬元)"}, {3, "累計完成投資(萬元)"}}));
    EXPECT_NE(check.errors[0].message.find("export the sheet again"), std::string::npos);
    EXPECT_TRUE(check.changes.empty());
    EXPECT_EQ(check.valid, 2);
}

TEST(DispatchSheet, SimplifiedScriptExportsAndReadsBack) {
    // Every fixed word has a Simplified form with no character left from the map's Traditional side.
    std::string fixed;
    for (const auto& v : {registry::kDispatchColumns, registry::kDispatchKinds, registry::kDispatchStages, registry::kDispatchLights})
        for (const auto& w : v) fixed += w;
    EXPECT_EQ(registry::DispatchSimplified("項目編號"), "项目编号");
    EXPECT_EQ(registry::DispatchSimplified("註冊(落地)"), "注册(落地)");
    EXPECT_EQ(registry::DispatchSimplified("諾德大廈 XM-1"), "諾德大廈 XM-1") << "characters outside the fixed words are left as they are";
    const std::string simp = registry::DispatchSimplified(fixed);
    for (const char* trad : {"項", "號", "類", "區", "責", "單", "領", "導", "當", "階", "計", "資", "萬", "進", "況", "問", "題",
                             "預", "產", "業", "儲", "備", "談", "簽", "約", "註", "冊", "開", "綠", "燈", "黃", "紅"})
        EXPECT_EQ(simp.find(trad), std::string::npos) << trad << " left in " << simp;

    auto rows = ThreeProjects();
    auto bytes = registry::BuildDispatchTable(rows, "2026-11", false, /*simplified=*/true);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto wb = office::ReadXlsx(*bytes);
    ASSERT_TRUE(wb.ok());
    EXPECT_EQ(wb->sheets[0].name, "调度表");
    EXPECT_EQ(wb->sheets[1].name, "说明");
    EXPECT_EQ(wb->sheets[0].At(0, 0)->text, "重点项目调度表(2026年11月)");
    EXPECT_EQ(wb->sheets[0].At(1, 1)->text, "项目编号");
    EXPECT_EQ(wb->sheets[0].At(2, 2)->text, rows[0].name) << "data as stored";
    EXPECT_EQ(wb->sheets[0].At(2, 8)->text, registry::DispatchSimplified(rows[0].stage));
    std::string xml = ZipPart(*bytes, "xl/worksheets/sheet1.xml");
    EXPECT_NE(xml.find("绿灯,黄灯,红灯"), std::string::npos) << "the dropdowns in the same script";

    auto sheet = registry::ParseDispatchTable(*bytes);
    ASSERT_TRUE(sheet.ok()) << sheet.error().message;
    EXPECT_TRUE(sheet->simplified);
    EXPECT_EQ(sheet->month, "2026-11");
    EXPECT_EQ(sheet->keys, registry::kDispatchColumns) << "read as the contract's columns";
    EXPECT_EQ(sheet->header[1], "项目编号") << "and the headings as written";
    auto check = registry::CheckDispatchTable(*sheet, ByNumber(rows));
    EXPECT_TRUE(check.errors.empty()) << check.errors[0].column << " " << check.errors[0].message;
    EXPECT_EQ(check.valid, 3);
    EXPECT_TRUE(check.changes.empty()) << "an unedited Simplified sheet changes nothing";

    // Errors name the columns as the sheet writes them, and the error workbook keeps its script.
    auto edited = rows;
    edited[0].total_investment_wan = 1;
    edited[1].leader = std::string(60, 'x');
    auto bad = registry::ParseDispatchTable(*registry::BuildDispatchTable(edited, "2026-11", false, true));
    ASSERT_TRUE(bad.ok());
    auto errs = registry::CheckDispatchTable(*bad, ByNumber(rows));
    using W = std::vector<std::pair<int, std::string>>;
    EXPECT_EQ(Where(errs.errors), (W{{3, "计划总投资(万元)"}, {4, "包保领导"}}));
    EXPECT_EQ(errs.errors[1].message.rfind("包保领导", 0), 0u) << errs.errors[1].message;
    auto ew = registry::BuildErrorWorkbook(*bad, errs.errors);
    ASSERT_TRUE(ew.ok());
    auto ewb = office::ReadXlsx(*ew);
    ASSERT_TRUE(ewb.ok());
    EXPECT_EQ(ewb->sheets[0].name, "调度表");
    const auto& head = ewb->sheets[0].rows[1];
    EXPECT_EQ(head.back().text, "错误");
    // and it reads back as a sheet to correct: its 错误 column is not a column of ours
    auto again = registry::ParseDispatchTable(*ew);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->keys.back(), "錯誤");
}
