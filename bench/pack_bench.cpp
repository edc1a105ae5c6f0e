// Times the monthly pack's three renders (xlsx, HTML, PDF) and the narrative for a 20-indicator
// table in the seed's register, and prints the figures. With an output directory it also writes
// the pack there (pack.xlsx, pack.html, pack.pdf, pack-tw.pdf) for a look.
//   duban_bench_pack [iterations=20] [outdir]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "report/pack.hpp"

using duban::report::MonthlyData;
using duban::report::Script;
using duban::report::TableRow;

// Under DUBAN_SANITIZE: fontconfig's and cairo's caches are not ours (see report_test.cpp).
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango\n";
}

namespace {

std::string Fixed(double v, int dec) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", dec, v);
    std::string s = buf;
    if (s == "-0.0") s = "0.0";
    return s;
}

MonthlyData TwentyIndicators() {
    struct Spec {
        const char* code;
        const char* name;
        const char* unit;
        int dec;
        double ytd, yoy, target;
        bool monthly;
    };
    const Spec specs[] = {
        {"GDP", "地区生产总值", "亿元", 2, 148.36, 8.6, 310.50, false},
        {"FISCAL_REV", "一般公共预算收入", "亿元", 2, 7.52, 12.3, 15.042, true},
        {"TAX", "税收收入", "亿元", 2, 6.11, 9.8, 12.40, true},
        {"FAI", "全社会固定资产投资", "亿元", 2, 61.27, -3.5, 135.70, true},
        {"FAI_IND", "工业投资", "亿元", 2, 8.34, 4.1, 18.00, true},
        {"RE_INV", "房地产开发投资", "亿元", 2, 30.12, -8.9, 70.00, true},
        {"FDI", "实际利用外资", "亿美元", 2, 2.46, 15.8, 4.77, true},
        {"DOMESTIC", "引进内资", "亿元", 2, 25.60, 0.0, 50.00, true},
        {"RETAIL", "社会消费品零售总额", "亿元", 2, 96.48, 6.4, 200.00, true},
        {"IND_VA", "规模以上工业增加值", "亿元", 2, 21.07, -1.6, 45.00, true},
        {"SVC_REV", "规模以上服务业营业收入", "亿元", 2, 88.90, 11.2, 170.00, true},
        {"EXPORT", "外贸出口总额", "亿美元", 2, 3.85, 5.3, 8.20, true},
        {"JOBS", "实名制就业", "人", 0, 16820, 3.1, 31000, true},
        {"NEW_ENT", "新增注册企业", "家", 0, 754, -12.6, 1500, true},
        {"BIG_PROJ", "重点项目完成投资", "亿元", 2, 24.70, 18.5, 50.50, true},
        {"SIGNED", "招商签约项目", "个", 0, 17, 13.3, 34, true},
        {"CONTRACT", "签约合同金额", "亿元", 2, 205.30, 22.4, 419.10, true},
        {"TECH", "科技企业扶持资金", "万元", 0, 412, -5.0, 953, true},
        {"ELEC", "全社会用电量", "亿千瓦时", 2, 9.87, 2.2, 20.00, true},
        {"DEPOSIT", "金融机构本外币存款余额", "亿元", 2, 1288.40, 7.7, 2500.00, true},
    };
    MonthlyData d;
    d.district = "沙河口区";
    d.year = 2026;
    d.month = 6;
    d.time_progress = "50.0";
    d.generated_data = true;
    for (const auto& s : specs) {
        TableRow r;
        r.code = s.code;
        r.name = s.name;
        r.unit = s.unit;
        r.ytd = Fixed(s.ytd, s.dec);
        if (s.monthly) r.month_value = Fixed(s.ytd / 5.6, s.dec);
        r.yoy = Fixed(s.yoy, 1);
        r.target = Fixed(s.target, s.dec == 0 ? 0 : (s.target == 15.042 ? 3 : 2));
        double completion = s.ytd / s.target * 100;
        r.completion = Fixed(completion, 1);
        r.gap = Fixed(completion - 50.0, 1);
        r.light = completion - 50.0 < -3             ? "red"
                  : (completion < 50.0 || s.yoy < 0) ? "yellow"
                                                     : "green";
        d.rows.push_back(r);
    }
    const char* streets[] = {"春柳街道",   "马栏街道", "黑石礁街道",   "李家街道",  "西安路街道",
                             "星海湾街道", "兴工街道", "南沙河口街道", "中心裕街道"};
    for (int i = 0; i < 9; ++i) {
        d.streets.push_back(
            {streets[i], "一般公共预算收入", Fixed(25.1 - 3.3 * i, 1), Fixed(58.2 - 1.9 * i, 1)});
    }
    d.trends = {{"FISCAL_REV", {{2, "15.2"}, {3, "14.1"}, {4, "13.0"}, {5, "12.8"}, {6, "12.3"}}},
                {"FAI", {{2, "2.1"}, {3, "0.5"}, {4, "-1.2"}, {5, "-2.8"}, {6, "-3.5"}}},
                {"RETAIL", {{2, "4.0"}, {3, "5.2"}, {4, "5.9"}, {5, "6.1"}, {6, "6.4"}}},
                {"GDP", {{3, "8.1"}, {6, "8.6"}}}};
    return d;
}

template <class F>
void Time(const char* what, int n, F f) {
    std::vector<double> ms;
    size_t bytes = 0;
    for (int i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        bytes = f();
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-22s n=%-3d median %8.2f ms  min %8.2f ms  max %8.2f ms  %8zu bytes\n", what, n,
                ms[ms.size() / 2], ms.front(), ms.back(), bytes);
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
    const std::string out = argc > 2 ? argv[2] : "";
    const MonthlyData d = TwentyIndicators();
    std::printf("monthly pack, %zu indicators, %zu streets, %zu trend series\n", d.rows.size(),
                d.streets.size(), d.trends.size());
    Time("narrative zh-CN", n, [&] {
        size_t b = 0;
        for (const auto& p : duban::report::DraftNarrative(d)) b += p.size();
        return b;
    });
    Time("narrative zh-TW", n, [&] {
        size_t b = 0;
        for (const auto& p : duban::report::DraftNarrative(d, Script::kTraditional)) b += p.size();
        return b;
    });
    Time("xlsx", n, [&] { return duban::report::RenderXlsx(d, {})->size(); });
    Time("html", n, [&] { return duban::report::RenderHtml(d, {})->size(); });
    Time("pdf (first, cold)", 1, [&] { return duban::report::RenderPdf(d, {})->size(); });
    Time("pdf", n, [&] { return duban::report::RenderPdf(d, {})->size(); });
    if (!out.empty()) {
        auto write = [&](const std::string& name, const std::string& bytes) {
            std::ofstream(out + "/" + name, std::ios::binary) << bytes;
        };
        write("pack.xlsx", *duban::report::RenderXlsx(d, {}));
        write("pack.html", *duban::report::RenderHtml(d, {}));
        write("pack.pdf", *duban::report::RenderPdf(d, {}));
        write("pack-tw.pdf", *duban::report::RenderPdf(d, {}, Script::kTraditional));
        write("pack-tw.html", *duban::report::RenderHtml(d, {}, Script::kTraditional));
        std::printf("wrote %s/pack.{xlsx,html,pdf}, pack-tw.{html,pdf}\n", out.c_str());
    }
    return 0;
}
