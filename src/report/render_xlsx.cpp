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
                                     const std::vector<std::string>& narrative) {
    const std::string period = PeriodLabel(d.month);
    office::OutSheet table;
    table.name = "主要指标";
    table.title = Title(d) + "表";
    table.header = {"指标",   "单位",     "本月",      period + "累计",
                    "同比±%", "年度目标", "完成目标%", "序时进度差(百分点)"};
    table.col_widths = {26, 8, 11, 12, 10, 12, 11, 14};
    for (const auto& r : d.rows) {
        std::vector<OutCell> row = {
            OutCell::Str(r.name), OutCell::Str(r.unit), Figure(r.month_value), Figure(r.ytd),
            Figure(r.yoy),        Figure(r.target),     Figure(r.completion),  Figure(r.gap)};
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
    note_row("注:序时进度为" + d.time_progress +
             "%;序时进度差=完成目标%-序时进度,正数为超序时进度,"
             "负数为落后序时进度。红、黄底色为预警指标。");
    if (d.generated_data) note_row("注:" + DemoNote());
    table.autofilter = false;

    office::OutSheet text;
    text.name = "运行分析";
    text.title = Title(d) + "分析";
    text.header = {"正文"};
    text.col_widths = {110};
    text.freeze_header = false;
    text.autofilter = false;
    text.landscape = false;
    const std::vector<std::string> paras = narrative.empty() ? DraftNarrative(d) : narrative;
    for (const auto& p : paras) text.rows.push_back({OutCell::Str(p)});
    if (d.generated_data) text.rows.push_back({OutCell::Str(DemoNote())});

    return office::WriteXlsx({table, text});
}

}  // namespace duban::report
