// The 重點項目調度表 workbook at growing sizes: building the export, reading an upload back,
// checking every row against the projects, and the error workbook (every tenth row bad). Prints the
// median of 5 runs per step, in milliseconds, and the file sizes. Pure CPU: no database, no server.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "registry/dispatch_sheet.hpp"

using namespace duban;
using Clock = std::chrono::steady_clock;

namespace {

double MedianMs(const std::function<void()>& f) {
    std::vector<double> t;
    for (int i = 0; i < 5; ++i) {
        auto a = Clock::now();
        f();
        t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    return t[2];
}

std::vector<registry::DispatchRow> Rows(int n) {
    std::vector<registry::DispatchRow> rows;
    for (int i = 0; i < n; ++i) {
        registry::DispatchRow r;
        char num[32];
        std::snprintf(num, sizeof num, "XM-2026-%04d", i + 1);
        r.number = num;
        r.name = "測試項目" + std::to_string(i + 1) + "號綜合體";
        r.kind = registry::kDispatchKinds[i % 3];
        r.major = i % 2 ? "是" : "否";
        r.park = "星海灣金融商務區";
        r.lead_unit = "区发改局";
        r.leader = "王副区长";
        r.stage = registry::kDispatchStages[i % 6];
        r.stage_date = "2026-03-18";
        r.total_investment_wan = 25000 + i;
        r.annual_plan_wan = 8000.5;
        r.month_done_wan = i % 4 ? std::optional<double>(350.25) : std::nullopt;
        r.year_done_wan = 6100;
        r.cumulative_wan = 14200.1234;
        r.progress = "主體結構施工,完成投資進度符合計劃,下月計劃完成外立面施工。";
        r.problems = i % 5 ? "" : "用地手續; 資金到位";
        r.light = registry::kDispatchLights[i % 3];
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace

int main() {
    std::printf("%8s %10s %10s %10s %10s %12s %12s\n", "rows", "build_ms", "parse_ms", "check_ms", "errwb_ms",
                "xlsx_bytes", "errwb_bytes");
    for (int n : {45, 500, 5000}) {
        auto db = Rows(n);
        std::map<std::string, registry::DispatchRow> current;
        for (auto& r : db) current[r.number] = r;
        auto edited = db;
        for (int i = 0; i < n; i += 10) edited[static_cast<size_t>(i)].name += "(改)";  // read-only: an error
        for (int i = 1; i < n; i += 10) edited[static_cast<size_t>(i)].month_done_wan = 999;  // a change
        std::string xlsx;
        double build = MedianMs([&] { xlsx = *registry::BuildDispatchTable(edited, "2026-11", false); });
        registry::DispatchSheet sheet;
        double parse = MedianMs([&] { sheet = *registry::ParseDispatchTable(xlsx); });
        registry::DispatchCheck check;
        double chk = MedianMs([&] { check = registry::CheckDispatchTable(sheet, current); });
        std::string ew;
        double errwb = MedianMs([&] { ew = *registry::BuildErrorWorkbook(sheet, check.errors); });
        if (static_cast<int>(sheet.rows.size()) != n || static_cast<int>(check.errors.size()) != (n + 9) / 10) {
            std::fprintf(stderr, "unexpected: %zu rows, %zu errors\n", sheet.rows.size(), check.errors.size());
            return 1;
        }
        std::printf("%8d %10.1f %10.1f %10.1f %10.1f %12zu %12zu\n", n, build, parse, chk, errwb, xlsx.size(), ew.size());
    }
    return 0;
}
