// libFuzzer target: office::ReadXlsx on a whole archive or on NUL-separated parts
// sheet1 \0 sharedStrings \0 styles \0 workbook \0 workbook rels (missing ones get defaults).
#include <cstdint>
#include <string>

#include "fuzz_zip.hpp"
#include "office/office.hpp"

namespace {
constexpr std::string_view kWorkbook =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
constexpr std::string_view kRels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    duban::office::Limits lim;  // smaller than the defaults, so one input stays fast
    lim.max_archive_bytes = 4u << 20;
    lim.max_entry_bytes = 16u << 20;
    lim.max_total_uncompressed = 32u << 20;
    lim.max_cells = 2000000;
    if (in.substr(0, 2) == "PK") {
        auto r = duban::office::ReadXlsx(in, lim);
        (void)r;
        return 0;
    }
    auto parts = duban::fuzz::SplitParts(in, 5);
    std::vector<std::pair<std::string, std::string_view>> files{{"xl/worksheets/sheet1.xml", parts[0]}};
    if (parts.size() > 1) files.push_back({"xl/sharedStrings.xml", parts[1]});
    if (parts.size() > 2) files.push_back({"xl/styles.xml", parts[2]});
    files.push_back({"xl/workbook.xml", parts.size() > 3 ? parts[3] : kWorkbook});
    files.push_back({"xl/_rels/workbook.xml.rels", parts.size() > 4 ? parts[4] : kRels});
    std::string zip = duban::fuzz::StoredZip(files);
    auto r = duban::office::ReadXlsx(zip, lim);
    (void)r;
    return 0;
}
