// The indicators engine at scale (issue 6). (1) Imports 1 million values from a long-layout CSV
// (20 indicators x 417 units x 10 years x 12 months) in one all-or-nothing import: read, check
// every row, write values and revisions in one transaction (target <= 5 s). (2) The month's
// table for a district of 200 units (itself and 199 streets) x 20 indicators with 10 years of
// history in the database (median of 20; target <= 200 ms). (3) The month-end alert sweep of a
// year. Prints the figures. Usage: duban_bench_indicators [--dir DIR] [--keep]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/resource.h>
#include <string>
#include <thread>
#include <vector>

#include "indicators/indicators.hpp"
#include "org/org.hpp"
#include "store/store.hpp"

using namespace duban;

namespace {

[[noreturn]] void Die(const std::string& m) {
    std::fprintf(stderr, "duban_bench_indicators: %s\n", m.c_str());
    std::exit(2);
}

/// CPU seconds of this process (user + system, all threads): what the machine's other load does not add.
double CpuMs() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double Load1() {
    double l = 0;
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &l) != 1) l = 0;
        std::fclose(f);
    }
    return l;
}

double Ms(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int64_t CreateUnit(store::Pipeline& p, std::optional<int64_t> parent, const char* kind, const std::string& name,
                   const std::string& code) {
    org::OrgInput in;
    in.parent_id = parent;
    in.kind = kind;
    in.name = name;
    in.code = std::optional<std::string>(code);
    auto r = p.Execute({std::nullopt, "bench", "local"},
                       [&](store::WriteTx& tx) { return org::CreateOrgUnit(tx, core::Scope::All(), in); });
    if (!r.ok()) Die("cannot create " + name + ": " + r.error().message);
    return (*r)["id"].get<int64_t>();
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--keep") keep = true;
        else Die("usage: duban_bench_indicators [--dir DIR] [--keep]");
    }
    core::InitCrypto();
    std::string tmpl = (std::filesystem::path(dir) / "duban-indicators-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory in " + dir);
    const std::string path = tmpl + "/bench.db";
    const int kIndicators = 20, kYears = 10, kFirstYear = 2017;
    {
        store::Database db(store::DbOptions{path, ""});
        {
            auto c = db.Connect();
            store::Migrate(*c);
        }
        core::SystemClock clock;
        store::Pipeline pipeline(db, clock);
        pipeline.Start();
        // Units: district A with 199 streets (the table's 200 units), district B with 216.
        std::vector<std::string> codes;
        int64_t district_a = CreateUnit(pipeline, std::nullopt, "district", "甲区", "D-A");
        codes.push_back("D-A");
        for (int i = 1; i <= 199; ++i) {
            std::string code = "D-A-" + std::to_string(i);
            CreateUnit(pipeline, district_a, "street", "甲区街道" + std::to_string(i), code);
            codes.push_back(code);
        }
        int64_t district_b = CreateUnit(pipeline, std::nullopt, "district", "乙区", "D-B");
        codes.push_back("D-B");
        for (int i = 1; i <= 216; ++i) {
            std::string code = "D-B-" + std::to_string(i);
            CreateUnit(pipeline, district_b, "street", "乙区街道" + std::to_string(i), code);
            codes.push_back(code);
        }
        for (int k = 1; k <= kIndicators; ++k) {
            char code[16];
            std::snprintf(code, sizeof code, "B%02d", k);
            core::Json body = {{"code", code}, {"name_zh", std::string("指標") + code}, {"unit", "萬元"},
                               {"periodicity", "monthly"}, {"scale", 2}};
            auto r = pipeline.Execute({std::nullopt, "bench", "local"},
                                      [&](store::WriteTx& tx) { return indicators::CreateDefinition(tx, body); });
            if (!r.ok()) Die("define: " + r.error().message);
        }
        // The CSV: cumulative values from smooth monthly ones (no jumps), 2 decimals.
        auto t_gen = std::chrono::steady_clock::now();
        std::string csv = "indicator,unit_code,period,value,status\n";
        csv.reserve(48 * 1'001'000);
        int64_t rows = 0;
        for (int k = 1; k <= kIndicators; ++k)
            for (size_t u = 0; u < codes.size(); ++u)
                for (int y = kFirstYear; y < kFirstYear + kYears; ++y) {
                    int64_t cum = 0;
                    int64_t base = 10000 + static_cast<int64_t>((k * 7919 + u * 104729) % 90000);
                    base = base * (100 + (y - kFirstYear) * 8) / 100;
                    for (int m = 1; m <= 12; ++m) {
                        cum += base + (base * ((m * 37 + static_cast<int>(u)) % 21 - 10)) / 100;
                        char line[96];
                        int n = std::snprintf(line, sizeof line, "B%02d,%s,%04d-%02d,%lld.%02lld,final\n", k, codes[u].c_str(), y, m,
                                              static_cast<long long>(cum / 100), static_cast<long long>(cum % 100));
                        csv.append(line, static_cast<size_t>(n));
                        ++rows;
                    }
                }
        std::printf("generated %lld rows (%.1f MB CSV) in %.0f ms\n", static_cast<long long>(rows), csv.size() / 1e6, Ms(t_gen));

        indicators::Viewer viewer{core::Scope::All(), "bench"};
        auto t0 = std::chrono::steady_clock::now();
        double cpu0 = CpuMs();
        auto table = indicators::ReadTable(csv, "bench.csv");
        if (!table.ok()) Die(table.error().message);
        double read_ms = Ms(t0);
        indicators::ImportOptions opt;
        opt.apply = true;
        opt.filename = "bench.csv";
        opt.emit_alerts = false;
        auto r = pipeline.Execute({std::nullopt, "bench", "local"},
                                  [&](store::WriteTx& tx) { return indicators::Import(tx, *table, opt, viewer); });
        double total_ms = Ms(t0);
        double cpu_ms = CpuMs() - cpu0;
        if (!r.ok()) Die("import: " + r.error().message);
        if ((*r)["error_count"].get<int64_t>() != 0) Die("import errors: " + (*r)["errors"][0].dump());
        std::printf("import 1M values: %lld rows applied in %.0f ms wall, %.0f ms CPU (CSV parse %.0f ms, check + write + commit %.0f ms; load average %.1f on %u cores); target <= 5000 ms: %s\n",
                    static_cast<long long>((*r)["applied"].get<int64_t>()), total_ms, cpu_ms, read_ms, total_ms - read_ms,
                    Load1(), std::thread::hardware_concurrency(), total_ms <= 5000 ? "PASS" : "MISS");

        // Targets for the table's completion column: every unit of district A, every indicator.
        {
            auto tr = pipeline.Execute({std::nullopt, "bench", "local"}, [&](store::WriteTx& tx) -> core::Result<core::Json> {
                for (int k = 1; k <= kIndicators; ++k) {
                    char code[16];
                    std::snprintf(code, sizeof code, "B%02d", k);
                    for (int64_t u = district_a; u < district_a + 200; ++u) {
                        auto s = indicators::SetTarget(tx, {{"indicator", code}, {"unit_id", u}, {"year", kFirstYear + kYears - 1}, {"growth_percent", "10"}}, viewer);
                        if (!s.ok()) return s.error();
                    }
                }
                return core::Json::object();
            });
            if (!tr.ok()) Die("targets: " + tr.error().message);
        }
        std::vector<double> ms;
        size_t rows_out = 0, streets_out = 0;
        for (int i = 0; i < 20; ++i) {
            auto c = db.Read();
            auto t1 = std::chrono::steady_clock::now();
            core::Json extra;
            auto d = indicators::Monthly(*c, kFirstYear + kYears - 1, 6, district_a, viewer, &extra);
            if (!d.ok()) Die("monthly: " + d.error().message);
            auto j = indicators::MonthlyToJson(*d, extra);
            ms.push_back(Ms(t1));
            rows_out = d->rows.size();
            streets_out = d->streets.size();
        }
        std::sort(ms.begin(), ms.end());
        std::printf("monthly table (20 indicators x 200 units, 10 years stored): %zu rows, %zu street figures; median %.1f ms, max %.1f ms; target <= 200 ms: %s\n",
                    rows_out, streets_out, ms[ms.size() / 2], ms.back(), ms[ms.size() / 2] <= 200 ? "PASS" : "MISS");
        auto t2 = std::chrono::steady_clock::now();
        auto ar = pipeline.Execute({std::nullopt, "bench", "local"},
                                   [&](store::WriteTx& tx) { return indicators::EvaluateAlerts(tx, kFirstYear + kYears - 1); });
        if (!ar.ok()) Die("alerts: " + ar.error().message);
        std::printf("month-end alert sweep of a year: %lld series in %.0f ms\n",
                    static_cast<long long>((*ar)["evaluated"].get<int64_t>()), Ms(t2));
        pipeline.Stop();
    }
    if (!keep) std::filesystem::remove_all(tmpl);
    else std::printf("kept %s\n", path.c_str());
    return 0;
}
