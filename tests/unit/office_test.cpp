// duban::office: round trips, files LibreOffice wrote, files LibreOffice reads, hostile input.
#include "office/office.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace duban;
using office::OutCell;
using office::OutSheet;

namespace {

std::string ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
void WriteFile(const fs::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/duban-office-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// A zip built in the test: name -> content; stored (no compression) when the name is in `store`.
struct ZipEntry {
    std::string name, data;
    bool store = false;
};
std::string MakeZip(const std::vector<ZipEntry>& entries) {
    TempDir dir;
    std::string path = (dir.path / "t.zip").string();
    int err = 0;
    zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(za, nullptr);
    for (const auto& e : entries) {
        zip_source_t* src = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
        zip_int64_t idx = zip_file_add(za, e.name.c_str(), src, ZIP_FL_OVERWRITE);
        EXPECT_GE(idx, 0);
        if (e.store) zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    }
    EXPECT_EQ(zip_close(za), 0);  // compresses now, while the buffers are alive
    return ReadFile(path);
}

/// One part of a zip held in memory ("" when absent).
std::string ZipPart(const std::string& zip, const char* name) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &ze);
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        zip_source_free(src);
        return {};
    }
    std::string out;
    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) == 0) {
        out.resize(st.size);
        zip_file_t* f = zip_fopen(za, name, 0);
        if (f) {
            zip_fread(f, out.data(), st.size);
            zip_fclose(f);
        }
    }
    zip_discard(za);
    return out;
}

const char* kW = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
std::string Document(const std::string& body) {
    return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document ") + kW + "><w:body>" +
           body + "</w:body></w:document>";
}
std::string Docx(const std::string& body, const std::string& styles = {}) {
    std::vector<ZipEntry> e{{"word/document.xml", Document(body)}};
    if (!styles.empty())
        e.push_back({"word/styles.xml", std::string("<w:styles ") + kW + ">" + styles + "</w:styles>"});
    return MakeZip(e);
}
std::string Para(const std::string& text, const std::string& style = {}) {
    std::string ppr = style.empty() ? "" : "<w:pPr><w:pStyle w:val=\"" + style + "\"/></w:pPr>";
    return "<w:p>" + ppr + "<w:r><w:t>" + text + "</w:t></w:r></w:p>";
}

/// RFC 4180 fields (quotes optional, doubled inside quotes, newlines inside quotes).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
        } else if (c != '\r') {
            field += c;
            any = true;
        }
    }
    if (any) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

bool HaveSoffice() { return std::system("command -v soffice >/dev/null 2>&1") == 0; }

/// Converts with a private LibreOffice profile; returns false if soffice failed.
bool Soffice(const fs::path& profile, const std::string& args) {
    std::string cmd = "timeout 180 soffice -env:UserInstallation=file://" + profile.string() +
                      " --headless " + args + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

std::vector<OutSheet> SampleBook() {
    OutSheet a;
    a.name = "任务清单";
    a.title = "2026年重点工作任务";
    a.header = {"序号", "任务", "完成时限", "进度", "合计"};
    a.col_widths = {6, 30, 12, 8};
    a.rows = {
        {OutCell::Num(1), OutCell::Str("推进老旧小区改造"), OutCell::Num(46203, "yyyy-mm-dd"),
         OutCell::Num(0.35, "0%")},
        {OutCell::Num(2), OutCell::Str("新建 5G 基站, 120 个"), OutCell::Num(46387, "yyyy-mm-dd"),
         OutCell::Num(0.6, "0%")},
        {OutCell::Num(3), OutCell::Str("优化营商环境\n（续）"), OutCell::Str("2026年底"), {}},
    };
    OutCell f;
    f.type = OutCell::Type::kFormula;
    f.text = "=A2+A3";
    f.number = 3;
    a.rows[0].push_back(f);
    a.merges = {{2, 3, 2, 4, "合并说明"}};
    OutSheet b;
    b.name = "统计";
    b.header = {"单位", "数量"};
    b.rows = {{OutCell::Str("住建局"), OutCell::Num(13.08, "0.00")}};
    return {a, b};
}

}  // namespace

// ---------------------------------------------------------------- xlsx round trip

TEST(Xlsx, RoundTripStringsNumbersDatesMergesSheets) {
    auto bytes = office::WriteXlsx(SampleBook());
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto book = office::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok()) << book.error().message;
    ASSERT_EQ(book->sheets.size(), 2u);
    EXPECT_EQ(book->sheets[0].name, "任务清单");
    EXPECT_EQ(book->sheets[1].name, "统计");
    const office::Sheet& s = book->sheets[0];
    // Row 0 is the merged title, row 1 the header, data from row 2.
    ASSERT_NE(s.At(0, 0), nullptr);
    EXPECT_EQ(s.At(0, 0)->text, "2026年重点工作任务");
    EXPECT_EQ(s.At(1, 1)->text, "任务");
    EXPECT_EQ(s.At(2, 1)->text, "推进老旧小区改造");
    EXPECT_EQ(s.At(3, 1)->text, "新建 5G 基站, 120 个");
    EXPECT_EQ(s.At(4, 1)->text, "优化营商环境\n（续）");
    EXPECT_EQ(s.At(2, 0)->type, office::Cell::Type::kNumber);
    EXPECT_EQ(s.At(2, 0)->number, 1);
    EXPECT_FALSE(s.At(2, 0)->is_date);
    EXPECT_TRUE(s.At(2, 2)->is_date);
    EXPECT_EQ(office::SerialToDate(s.At(2, 2)->number), "2026-06-30");
    EXPECT_FALSE(s.At(2, 3)->is_date);  // "0%"
    EXPECT_DOUBLE_EQ(s.At(2, 3)->number, 0.35);
    EXPECT_EQ(s.At(2, 4)->number, 3);  // the formula's cached value
    EXPECT_EQ(s.At(4, 3)->text, "合并说明");
    bool title_merge = false, data_merge = false;
    for (const auto& m : s.merges) {
        if (m.first_row == 0 && m.first_col == 0 && m.last_row == 0 && m.last_col == 4) title_merge = true;
        if (m.first_row == 4 && m.first_col == 3 && m.last_row == 4 && m.last_col == 4) data_merge = true;
    }
    EXPECT_TRUE(title_merge);
    EXPECT_TRUE(data_merge);
    EXPECT_EQ(book->Find("统计")->At(1, 1)->text, "13.08");
    EXPECT_EQ(book->Find("nope"), nullptr);
    EXPECT_EQ(s.At(99, 0), nullptr);
    EXPECT_EQ(s.At(-1, 0), nullptr);
}

TEST(Xlsx, SheetNamesAreSanitisedTruncatedAndDeduplicated) {
    std::vector<OutSheet> sheets(5);
    sheets[0].name = "a/b:c[d]*?\\";
    sheets[1].name = std::string(40, 'x');
    sheets[2].name = "第一季度各街道重点工作任务推进情况统计表（含区直部门及各街道办事处）汇总";
    sheets[3].name = "Dup";
    sheets[4].name = "dup";
    auto bytes = office::WriteXlsx(sheets);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto book = office::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok()) << book.error().message;
    EXPECT_EQ(book->sheets[0].name, "a_b_c_d____");
    EXPECT_EQ(book->sheets[1].name, std::string(31, 'x'));
    EXPECT_EQ(core::Utf8Length(book->sheets[2].name), 31u);
    EXPECT_EQ(book->sheets[3].name, "Dup");
    EXPECT_EQ(book->sheets[4].name, "dup(2)");
}

TEST(Xlsx, ErrorWorkbookHasFillsAndComments) {
    OutSheet s;
    s.name = "错误";
    s.header = {"任务", "完成时限", "错误"};
    OutCell bad = OutCell::Str("2026-13-45");
    bad.fill = "#FFFF00";
    bad.comment = "不是有效日期";
    s.rows = {{OutCell::Str("任务一"), bad, OutCell::Str("完成时限: 不是有效日期")}};
    auto bytes = office::WriteXlsx({s});
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    // The comment and the yellow fill are in the package; so is the page and view setup.
    EXPECT_NE(ZipPart(*bytes, "xl/comments1.xml").find("不是有效日期"), std::string::npos);
    EXPECT_NE(ZipPart(*bytes, "xl/styles.xml").find("FFFFFF00"), std::string::npos);
    std::string sheet = ZipPart(*bytes, "xl/worksheets/sheet1.xml");
    for (const char* want : {"orientation=\"landscape\"", "paperSize=\"9\"", "fitToHeight=\"0\"",
                             "<pane ySplit=\"1\"", "<autoFilter ref=\"A1:C2\"", "fitToPage=\"1\""})
        EXPECT_NE(sheet.find(want), std::string::npos) << want;
    EXPECT_NE(ZipPart(*bytes, "xl/workbook.xml").find("_xlnm.Print_Titles"), std::string::npos);
    auto book = office::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok());
    EXPECT_EQ(book->sheets[0].At(1, 1)->text, "2026-13-45");
}

TEST(Xlsx, WriterKeepsBadTextWellFormed) {
    OutSheet s;
    s.name = "x";
    s.header = {"a"};
    s.rows = {{OutCell::Str("bad \xff\xfe utf8")}, {OutCell::Str("ctl \x01 char")},
              {OutCell::Str(std::string(40000, 'y'))}, {OutCell::Num(std::nan(""))}};
    auto bytes = office::WriteXlsx({s});
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto book = office::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok()) << book.error().message;
    EXPECT_EQ(book->sheets[0].At(1, 0)->text, "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
    EXPECT_EQ(book->sheets[0].At(2, 0)->text, "ctl \x01 char");
    EXPECT_EQ(book->sheets[0].At(3, 0)->text.size(), 32767u);
}

TEST(Xlsx, WriterRefusesOverlappingMergesAndEmptyBooks) {
    EXPECT_FALSE(office::WriteXlsx({}).ok());
    OutSheet s;
    s.name = "m";
    s.merges = {{0, 0, 1, 1, "a"}, {1, 1, 2, 2, "b"}};
    auto r = office::WriteXlsx({s});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("overlapping"), std::string::npos);
}

TEST(Xlsx, DateFormatsCustomAndBuiltin) {
    OutSheet s;
    s.name = "d";
    s.rows = {{OutCell::Num(46203, "yyyy\"年\"m\"月\"d\"日\""), OutCell::Num(0.5, "hh:mm"),
               OutCell::Num(46203, "[Red]0.00"), OutCell::Num(12, "0.0 \"days\""),
               OutCell::Num(1.5, "[h]:mm"), OutCell::Num(1e5, "0.00E+00"),
               OutCell::Num(46203.75, "yyyy-mm-dd hh:mm:ss")}};
    auto bytes = office::WriteXlsx({s});
    ASSERT_TRUE(bytes.ok());
    auto book = office::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok());
    const auto& row = book->sheets[0].rows[0];
    ASSERT_EQ(row.size(), 7u);
    EXPECT_TRUE(row[0].is_date);
    EXPECT_TRUE(row[1].is_date);
    EXPECT_FALSE(row[2].is_date);
    EXPECT_FALSE(row[3].is_date);
    EXPECT_TRUE(row[4].is_date);
    EXPECT_FALSE(row[5].is_date);
    EXPECT_EQ(office::SerialToDateTime(row[6].number), "2026-06-30T18:00:00");
}

TEST(Xlsx, SerialDates) {
    EXPECT_EQ(office::SerialToDate(1), "1900-01-01");
    EXPECT_EQ(office::SerialToDate(59), "1900-02-28");
    EXPECT_EQ(office::SerialToDate(61), "1900-03-01");
    EXPECT_EQ(office::SerialToDate(45658), "2025-01-01");
    EXPECT_EQ(office::SerialToDateTime(45658.5), "2025-01-01T12:00:00");
    EXPECT_EQ(office::SerialToDateTime(45658.999999999), "2025-01-02T00:00:00");
    EXPECT_EQ(office::SerialToDate(-1), "");
    EXPECT_EQ(office::SerialToDate(1e12), "");
    EXPECT_EQ(office::SerialToDate(std::nan("")), "");
}

// ---------------------------------------------------------------- xlsx written by hand

namespace {
std::string Xlsx(const std::string& sheet_data, const std::string& strings = {},
                 const std::string& styles = {}, const std::string& extra_sheet_xml = {}) {
    std::string ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
    std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    std::vector<ZipEntry> e{
        {"xl/workbook.xml", "<workbook " + ns + "><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"" + rel + "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"" + rel + "sharedStrings\" Target=\"sharedStrings.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"" + rel + "styles\" Target=\"/xl/styles.xml\"/></Relationships>"},
        {"xl/worksheets/sheet1.xml",
         "<worksheet " + ns + "><sheetData>" + sheet_data + "</sheetData>" + extra_sheet_xml + "</worksheet>"},
    };
    if (!strings.empty()) e.push_back({"xl/sharedStrings.xml", "<sst " + ns + ">" + strings + "</sst>"});
    if (!styles.empty()) e.push_back({"xl/styles.xml", "<styleSheet " + ns + ">" + styles + "</styleSheet>"});
    return MakeZip(e);
}
}  // namespace

TEST(Xlsx, ReadsEveryCellKindGapsAndMissingRefs) {
    std::string strings =
        "<si><t>plain</t></si>"
        "<si><r><rPr><b/></rPr><t>rich </t></r><r><t>runs</t></r><rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
        "<si><t>line_x000D_break</t></si>";
    std::string styles =
        "<numFmts count=\"1\"><numFmt numFmtId=\"170\" formatCode=\"yyyy/m/d\"/></numFmts>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"170\"/><xf numFmtId=\"31\"/></cellXfs>";
    std::string data =
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c></row>"
        "<row r=\"3\"><c r=\"B3\"><v>13.080</v></c><c t=\"b\"><v>1</v></c><c t=\"e\"><v>#DIV/0!</v></c>"
        "<c t=\"inlineStr\"><is><t>inline 字</t></is></c><c t=\"str\"><f>A1</f><v>formula text</v></c></row>"
        "<row><c s=\"1\"><v>45658</v></c><c s=\"2\"><v>45658</v></c><c s=\"3\"><v>45658</v></c>"
        "<c s=\"0\"><v>45658</v></c><c s=\"1\"/><c><f>1+1</f><v>2</v></c></row>";
    auto book = office::ReadXlsx(Xlsx(data, strings, styles, "<mergeCells count=\"1\"><mergeCell ref=\"A1:B2\"/></mergeCells>"));
    ASSERT_TRUE(book.ok()) << book.error().message;
    const office::Sheet& s = book->sheets[0];
    EXPECT_EQ(s.name, "S");
    ASSERT_EQ(s.rows.size(), 4u);
    EXPECT_EQ(s.At(0, 0)->text, "plain");
    EXPECT_EQ(s.At(0, 1)->type, office::Cell::Type::kEmpty);
    EXPECT_EQ(s.At(0, 2)->text, "rich runs");
    EXPECT_EQ(s.At(0, 3)->text, "line\rbreak");
    EXPECT_TRUE(s.rows[1].empty());
    EXPECT_EQ(s.At(2, 1)->text, "13.080");
    EXPECT_DOUBLE_EQ(s.At(2, 1)->number, 13.08);
    EXPECT_EQ(s.At(2, 2)->type, office::Cell::Type::kBool);
    EXPECT_EQ(s.At(2, 2)->text, "TRUE");
    EXPECT_EQ(s.At(2, 3)->type, office::Cell::Type::kError);
    EXPECT_EQ(s.At(2, 3)->text, "#DIV/0!");
    EXPECT_EQ(s.At(2, 4)->text, "inline 字");
    EXPECT_EQ(s.At(2, 5)->text, "formula text");
    EXPECT_TRUE(s.At(3, 0)->is_date);
    EXPECT_TRUE(s.At(3, 1)->is_date);
    EXPECT_TRUE(s.At(3, 2)->is_date);  // East Asian built-in 31
    EXPECT_FALSE(s.At(3, 3)->is_date);
    EXPECT_EQ(s.rows[3].size(), 6u);  // the styled blank does not count, the formula does
    EXPECT_EQ(s.At(3, 5)->number, 2);
    ASSERT_EQ(s.merges.size(), 1u);
    EXPECT_EQ(s.merges[0].last_row, 1);
    EXPECT_EQ(s.merges[0].last_col, 1);
}

TEST(Xlsx, PackageRelsDate1904AndChartSheets) {
    std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    std::string bytes = MakeZip({
        {"_rels/.rels", "<Relationships><Relationship Id=\"r\" Type=\"" + rel +
                            "officeDocument\" Target=\"/wb/book.xml\"/></Relationships>"},
        {"wb/book.xml", "<workbook xmlns:r=\"x\"><workbookPr date1904=\"1\"/><sheets>"
                        "<sheet name=\"图\" sheetId=\"2\" r:id=\"c\"/><sheet name=\"数\" sheetId=\"1\" r:id=\"s\"/>"
                        "</sheets></workbook>"},
        {"wb/_rels/book.xml.rels",
         "<Relationships><Relationship Id=\"s\" Type=\"" + rel + "worksheet\" Target=\"sheets/../sheets/a.xml\"/>"
         "<Relationship Id=\"c\" Type=\"" + rel + "chartsheet\" Target=\"charts/c.xml\"/>"
         "<Relationship Id=\"st\" Type=\"" + rel + "styles\" Target=\"st.xml\"/></Relationships>"},
        {"wb/sheets/a.xml", "<worksheet><sheetData><row><c s=\"1\"><v>44196</v></c></row></sheetData></worksheet>"},
        {"wb/charts/c.xml", "<chartsheet/>"},
        {"wb/st.xml", "<styleSheet><cellXfs><xf/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"},
    });
    auto book = office::ReadXlsx(bytes);
    ASSERT_TRUE(book.ok()) << book.error().message;
    ASSERT_EQ(book->sheets.size(), 2u);
    EXPECT_EQ(book->sheets[0].name, "图");
    EXPECT_TRUE(book->sheets[0].rows.empty());
    const office::Cell* c = book->sheets[1].At(0, 0);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->is_date);
    EXPECT_EQ(office::SerialToDate(c->number), "2025-01-01");  // 44196 in the 1904 system
    EXPECT_EQ(c->text, "44196");
}

TEST(Xlsx, LimitsAndBadReferences) {
    // A cell far away: the padding counts against max_cells.
    office::Limits lim;
    lim.max_cells = 1000;
    auto far = office::ReadXlsx(Xlsx("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>"), lim);
    ASSERT_FALSE(far.ok());
    EXPECT_EQ(far.error().kind, core::ErrorKind::kTooLarge);
    // Empty rows before a cell count as well.
    auto tall = office::ReadXlsx(Xlsx("<row r=\"5000\"><c r=\"A5000\"><v>1</v></c></row>"), lim);
    ASSERT_FALSE(tall.ok());
    EXPECT_EQ(tall.error().kind, core::ErrorKind::kTooLarge);
    lim = {};
    lim.max_rows = 10;
    auto rows = office::ReadXlsx(Xlsx("<row r=\"11\"><c r=\"A11\"><v>1</v></c></row>"), lim);
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.error().message.find("row 11"), std::string::npos) << rows.error().message;
    auto bad_ref = office::ReadXlsx(Xlsx("<row><c r=\"1A\"><v>1</v></c></row>"));
    EXPECT_FALSE(bad_ref.ok());
    auto bad_sst = office::ReadXlsx(Xlsx("<row><c t=\"s\"><v>7</v></c></row>", "<si><t>x</t></si>"));
    ASSERT_FALSE(bad_sst.ok());
    EXPECT_NE(bad_sst.error().message.find("shared string 7"), std::string::npos);
    auto malformed = office::ReadXlsx(Xlsx("<row><c><v>1</v></row>"));
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.error().kind, core::ErrorKind::kBadRequest);
    EXPECT_NE(malformed.error().message.find("xl/worksheets/sheet1.xml"), std::string::npos);
    // Billion laughs: refused at the DOCTYPE, nothing expanded.
    std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                         "<sst><si><t>&lol2;</t></si></sst>";
    auto ents = office::ReadXlsx(MakeZip({{"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\" xmlns:r=\"x\"/></sheets></workbook>"},
                                          {"xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"s.xml\"/></Relationships>"},
                                          {"xl/s.xml", "<worksheet/>"},
                                          {"xl/sharedStrings.xml", laughs}}));
    ASSERT_FALSE(ents.ok());
    EXPECT_NE(ents.error().message.find("DOCTYPE"), std::string::npos) << ents.error().message;
    // Deep nesting.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<x>";
    auto d = office::ReadXlsx(Xlsx("<row>" + deep + "</row>"));
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().message.find("deeper"), std::string::npos) << d.error().message;
    // One long shared string referenced many times: the copies are bounded.
    std::string refs;
    for (int i = 0; i < 5000; ++i) refs += "<c t=\"s\"><v>0</v></c>";
    lim = {};
    lim.max_total_uncompressed = 10u << 20;
    auto amp = office::ReadXlsx(Xlsx("<row>" + refs + "</row>", "<si><t>" + std::string(100000, 'q') + "</t></si>"), lim);
    ASSERT_FALSE(amp.ok());
    EXPECT_NE(amp.error().message.find("shared strings repeated"), std::string::npos) << amp.error().message;
    // Not a workbook at all.
    auto empty = office::ReadXlsx(MakeZip({{"hello.txt", "hi"}}));
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().message.find("xl/workbook.xml"), std::string::npos);
}

// ---------------------------------------------------------------- LibreOffice

TEST(LibreOffice, ReadsWhatWeWrite) {
    if (!HaveSoffice()) GTEST_SKIP() << "soffice is not installed";
    TempDir dir;
    auto bytes = office::WriteXlsx(SampleBook());
    ASSERT_TRUE(bytes.ok());
    WriteFile(dir.path / "book.xlsx", *bytes);
    ASSERT_TRUE(Soffice(dir.path / "profile",
                        "--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir " +
                            dir.path.string() + " " + (dir.path / "book.xlsx").string()));
    auto csv = ParseCsv(ReadFile(dir.path / "book.csv"));
    std::vector<std::vector<std::string>> want{
        {"2026年重点工作任务", "", "", "", ""},
        {"序号", "任务", "完成时限", "进度", "合计"},
        {"1", "推进老旧小区改造", "2026-06-30", "35%", "3"},
        {"2", "新建 5G 基站, 120 个", "2026-12-31", "60%", ""},
        {"3", "优化营商环境\n（续）", "2026年底", "合并说明", ""}};
    EXPECT_EQ(csv, want);
}

TEST(LibreOffice, WeReadItsXlsx) {
    // tests/fixtures/office/lo_plan.xlsx: LibreOffice 7.4 from lo_plan.csv (see README there).
    std::string bytes = ReadFile("tests/fixtures/office/lo_plan.xlsx");
    ASSERT_FALSE(bytes.empty()) << "run from the repository root";
    auto book = office::ReadXlsx(bytes);
    ASSERT_TRUE(book.ok()) << book.error().message;
    ASSERT_EQ(book->sheets.size(), 1u);
    const office::Sheet& s = book->sheets[0];
    EXPECT_EQ(s.name, "lo_plan");
    ASSERT_EQ(s.rows.size(), 4u);
    EXPECT_EQ(s.At(0, 1)->text, "任务");
    EXPECT_EQ(s.At(1, 1)->text, "推进老旧小区改造");
    EXPECT_EQ(s.At(2, 1)->text, "新建 5G 基站, 120 个");  // rich runs joined
    EXPECT_EQ(s.At(1, 0)->number, 1);
    EXPECT_TRUE(s.At(1, 3)->is_date);
    EXPECT_EQ(office::SerialToDate(s.At(1, 3)->number), "2026-06-30");
    EXPECT_DOUBLE_EQ(s.At(1, 4)->number, 0.35);
    EXPECT_FALSE(s.At(1, 4)->is_date);
    EXPECT_EQ(s.At(3, 4)->number, 1);  // TRUE: Calc writes a number with a boolean format
    EXPECT_FALSE(s.At(3, 4)->is_date);
}

TEST(LibreOffice, WeReadItsDocx) {
    // tests/fixtures/office/lo_report.docx: LibreOffice 7.4 Writer from lo_report.html.
    std::string bytes = ReadFile("tests/fixtures/office/lo_report.docx");
    ASSERT_FALSE(bytes.empty()) << "run from the repository root";
    auto paras = office::ReadDocx(bytes);
    ASSERT_TRUE(paras.ok()) << paras.error().message;
    std::vector<std::pair<int, std::string>> got;
    for (const auto& p : *paras)
        if (!p.text.empty()) got.push_back({p.heading_level, p.text});
    std::vector<std::pair<int, std::string>> want{
        {1, "一、2025年工作回顾"},          {0, "过去一年，全区地区生产总值增长5.2%。"},
        {2, "（一）经济发展"},              {0, "新增市场主体1.2万户。"},
        {0, "指标"},                        {0, "目标"},
        {0, "GDP增速"},                     {0, "5%左右"},
        {1, "二、2026年主要任务"},          {2, "（一）推进城市更新"},
        {0, "完成老旧小区改造30个。"}};
    EXPECT_EQ(got, want);
    EXPECT_EQ((*paras)[0].style, "Heading1");
}

TEST(LibreOffice, ConvertsItsOwnCsvAndWeReadIt) {
    if (!HaveSoffice()) GTEST_SKIP() << "soffice is not installed";
    TempDir dir;
    WriteFile(dir.path / "in.csv", "名称,数量\n街道一,3\n街道二,4.5\n");
    ASSERT_TRUE(Soffice(dir.path / "profile", "--infilter=CSV:44,34,76 --convert-to xlsx --outdir " +
                                                  dir.path.string() + " " + (dir.path / "in.csv").string()));
    auto book = office::ReadXlsx(ReadFile(dir.path / "in.xlsx"));
    ASSERT_TRUE(book.ok()) << book.error().message;
    const office::Sheet& s = book->sheets[0];
    EXPECT_EQ(s.At(0, 0)->text, "名称");
    EXPECT_EQ(s.At(2, 0)->text, "街道二");
    EXPECT_DOUBLE_EQ(s.At(2, 1)->number, 4.5);
}

// ---------------------------------------------------------------- docx

TEST(Docx, HeadingsFromStylesChineseNamesAndOutlineLevels) {
    std::string styles =
        "<w:style w:type=\"paragraph\" w:styleId=\"a1\"><w:name w:val=\"标题 1\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"b2\"><w:name w:val=\"標題 2\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"H3\"><w:name w:val=\"heading 3\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Mine\"><w:name w:val=\"My heading\"/><w:basedOn w:val=\"H3\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Outl\"><w:name w:val=\"x\"/><w:pPr><w:outlineLvl w:val=\"3\"/></w:pPr></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"LoopA\"><w:name w:val=\"la\"/><w:basedOn w:val=\"LoopB\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"LoopB\"><w:name w:val=\"lb\"/><w:basedOn w:val=\"LoopA\"/></w:style>";
    std::string body = Para("一、总体要求", "a1") + Para("（一）指导思想", "b2") + Para("1. 细则", "H3") +
                       Para("继承", "Mine") + Para("大纲", "Outl") + Para("循环", "LoopA") +
                       "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr><w:r><w:t>段落大纲</w:t></w:r></w:p>"
                       "<w:p><w:pPr><w:pStyle w:val=\"a1\"/><w:outlineLvl w:val=\"9\"/></w:pPr><w:r><w:t>正文级</w:t></w:r></w:p>" +
                       Para("正文") + Para("unknown", "Nope");
    auto r = office::ReadDocx(Docx(body, styles));
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::vector<int> levels;
    for (const auto& p : *r) levels.push_back(p.heading_level);
    EXPECT_EQ(levels, (std::vector<int>{1, 2, 3, 3, 4, 0, 2, 0, 0, 0}));
    EXPECT_EQ((*r)[0].style, "a1");
    EXPECT_EQ((*r)[0].text, "一、总体要求");
}

TEST(Docx, RunsTabsBreaksTablesAndTrackedChanges) {
    std::string body =
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
        "<w:r><w:t>甲</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">乙 </w:t><w:br/><w:t>丙</w:t></w:r>"
        "<w:del w:id=\"1\"><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins w:id=\"2\"><w:r><w:t>插入</w:t></w:r></w:ins>"
        "<w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>格2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
        "<mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent><w:t>外</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>&lt;&amp;&gt;</w:t></w:r></w:p>";
    auto r = office::ReadDocx(Docx(body));
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::vector<std::string> texts;
    for (const auto& p : *r) texts.push_back(p.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"甲\t乙 \n丙插入移来", "格1", "格2", "文本框", "外", "<&>"}));
}

TEST(Docx, FiveMegabyteParagraphReads) {
    std::string big(5u << 20, 'a');
    auto r = office::ReadDocx(MakeZip({{"word/document.xml", Document(Para(big)), true}}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].text.size(), big.size());
}

TEST(Docx, TwoMillionParagraphsHitTheLimit) {
    std::string body;
    body.reserve(2000000 * 6);
    for (int i = 0; i < 2000000; ++i) body += "<w:p/>";
    // Stored, not deflated: the paragraph limit, not the ratio, should be what stops it.
    std::string bytes = MakeZip({{"word/document.xml", Document(body), true}});
    auto r = office::ReadDocx(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, core::ErrorKind::kTooLarge);
    EXPECT_NE(r.error().message.find("200000 paragraphs"), std::string::npos) << r.error().message;
}

// ---------------------------------------------------------------- hostile archives

TEST(Hostile, NotAZipAndTruncated) {
    for (std::string_view junk : {std::string_view(""), std::string_view("hello"),
                                  std::string_view("PK\x03\x04 not really a zip at all, no directory")}) {
        auto d = office::ReadDocx(junk);
        ASSERT_FALSE(d.ok());
        EXPECT_EQ(d.error().kind, core::ErrorKind::kBadRequest);
        EXPECT_NE(d.error().message.find("docx: not a"), std::string::npos) << d.error().message;
        EXPECT_FALSE(office::ReadXlsx(junk).ok());
    }
    std::string docx = ReadFile("tests/fixtures/office/lo_report.docx");
    ASSERT_FALSE(docx.empty());
    for (size_t cut : {docx.size() / 2, docx.size() - 10, size_t{30}}) {
        auto r = office::ReadDocx(std::string_view(docx).substr(0, cut));
        EXPECT_FALSE(r.ok()) << cut;
    }
    // Corrupt the deflated bytes of a part: a clean inflate/CRC error.
    std::string xlsx = ReadFile("tests/fixtures/office/lo_plan.xlsx");
    for (size_t i = 200; i < 1200; i += 7) xlsx[i] = static_cast<char>(xlsx[i] ^ 0x5A);
    EXPECT_FALSE(office::ReadXlsx(xlsx).ok());
    // Too big an archive.
    office::Limits lim;
    lim.max_archive_bytes = 100;
    auto big = office::ReadDocx(docx, lim);
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().kind, core::ErrorKind::kTooLarge);
}

TEST(Hostile, ZipBombByRatioAndByDeclaredSize) {
    // 20 MB of zeros deflate to ~20 KB: about 1000:1.
    std::string zeros(20u << 20, '\0');
    auto r = office::ReadDocx(MakeZip({{"word/document.xml", zeros}}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, core::ErrorKind::kTooLarge);
    EXPECT_NE(r.error().message.find(":1"), std::string::npos) << r.error().message;
    // Over the per-part limit by its declared size.
    office::Limits lim;
    lim.max_entry_bytes = 8u << 20;
    lim.max_ratio = 100000;
    auto s = office::ReadDocx(MakeZip({{"word/document.xml", zeros}}), lim);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("docx: word/document.xml is 20 MB uncompressed; the limit is 8 MB"),
              std::string::npos)
        << s.error().message;
    // Total over all parts.
    lim = {};
    lim.max_total_uncompressed = 1u << 20;
    auto t = office::ReadXlsx(Xlsx("<row><c><v>1</v></c></row>", "<si><t>" + std::string(2u << 20, 'x') + "</t></si>"), lim);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().kind, core::ErrorKind::kTooLarge);
}

TEST(Hostile, HeaderThatLiesAboutItsSize) {
    // A 1 MB part whose local and central headers claim 100 bytes.
    std::string body = Para(std::string(1u << 20, 'z'));
    std::string zip = MakeZip({{"word/document.xml", Document(body)}});
    auto patch = [&](uint32_t sig, size_t off) {
        for (size_t i = 0; i + 4 <= zip.size(); ++i) {
            uint32_t v;
            std::memcpy(&v, zip.data() + i, 4);
            if (v == sig) {
                uint32_t small = 100;
                std::memcpy(zip.data() + i + off, &small, 4);
            }
        }
    };
    patch(0x04034b50, 22);  // local header: uncompressed size
    patch(0x02014b50, 24);  // central directory: uncompressed size
    auto r = office::ReadDocx(zip);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("word/document.xml"), std::string::npos) << r.error().message;
}

TEST(Hostile, MalformedDocx) {
    auto r = office::ReadDocx(MakeZip({{"word/document.xml", "<w:document><w:body><w:p></w:body>"}}));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not well-formed"), std::string::npos) << r.error().message;
    auto st = office::ReadDocx(MakeZip({{"word/document.xml", Document(Para("x"))}, {"word/styles.xml", "<w:styles"}}));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("word/styles.xml"), std::string::npos);
    auto none = office::ReadDocx(MakeZip({{"word/other.xml", "<x/>"}}));
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("no word/document.xml"), std::string::npos);
    auto empty = office::ReadDocx(MakeZip({{"word/document.xml", ""}}));
    EXPECT_FALSE(empty.ok());
}
