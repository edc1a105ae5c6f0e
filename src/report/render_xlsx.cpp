// The standard table as .xlsx: figures are numeric cells whose format shows exactly the decimals
// of the table's string (so Excel/LibreOffice print what the table says), lights are fills on the
// name and gap cells, the narrative is a second sheet.
#include <string>

#include "office/office.hpp"
#include "report/internal.hpp"
#include "report/pack.hpp"

namespace duban::report {
namespace {

using namespace internal;
using office::OutCell;

OutCell Figure(const std::string& s) {
    if (IsBlank(s)) return OutCell::Str("—");
    int dec = Decimals(s);
    std::string fmt = dec == 0 ? "0" : "0." + std::string(static_cast<size_t>(dec), '0');
    return OutCell::Num(ToDouble(s), fmt);
}

}  // namespace

core::Result<std::string> RenderXlsx(const MonthlyData& d,
                                     const std::vector<std::string>& narrative,
                                     Script script) {
    auto Z = [&](const std::string& s) { return Zh(s, script); };
    const std::string period = PeriodLabel(d.month);
    office::OutSheet table;
    table.name = Z("主要指标");
    table.title = Z(Title(d) + "表");
    for (const std::string& h : {std::string("指标"), std::string("单位"), std::string("本月"),
                                 period + "累计", std::string("同比±%"), std::string("年度目标"),
                                 std::string("完成目标%"), std::string("序时进度差(百分点)")}) {
        table.header.push_back(Z(h));
    }
    table.col_widths = {26, 8, 11, 12, 10, 12, 11, 14};
    for (const auto& r : d.rows) {
        std::vector<OutCell> row = {
            OutCell::Str(Z(r.name)), OutCell::Str(Z(r.unit)), Figure(r.month_value), Figure(r.ytd),
            Figure(r.yoy),           Figure(r.target),        Figure(r.completion),  Figure(r.gap)};
        row[0].fill = LightFill(r.light);
        row[7].fill = LightFill(r.light);
        for (auto& c : row) c.wrap = false;
        table.rows.push_back(std::move(row));
    }
    auto note_row = [&](const std::string& text) {
        int at = static_cast<int>(table.rows.size());
        std::vector<OutCell> row(8);
        row[0] = OutCell::Str(text);
        table.rows.push_back(std::move(row));
        table.merges.push_back({at, 0, at, 7, text});
    };
    note_row(Z("注:序时进度为" + d.time_progress +
               "%;序时进度差=完成目标%-序时进度,正数为超序时进度,"
               "负数为落后序时进度。红、黄底色为预警指标。"));
    if (d.generated_data) note_row(Z("注:" + DemoNote()));
    table.autofilter = false;

    office::OutSheet text;
    text.name = Z("运行分析");
    text.title = Z(Title(d) + "分析");
    text.header = {Z("正文")};
    text.col_widths = {110};
    text.freeze_header = false;
    text.autofilter = false;
    text.landscape = false;
    const std::vector<std::string> paras =
        narrative.empty() ? DraftNarrative(d, script) : narrative;
    for (const auto& p : paras) text.rows.push_back({OutCell::Str(p)});
    if (d.generated_data) text.rows.push_back({OutCell::Str(Z(DemoNote()))});

    return office::WriteXlsx({table, text});
}

}  // namespace duban::report
