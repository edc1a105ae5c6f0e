// Times `plan::Import` on the seed report (median of 20; target <= 50 ms) and on a ~200-page
// report made of the seed repeated 35 times (median of 5; target <= 1 s). Prints the figures.
// Run from the repository root: build-release/duban_bench_plan_import [seed-file]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plan/import.hpp"

namespace {

double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
std::vector<double> Time(int runs, F&& f) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = argc > 1 ? argv[1] : "tests/fixtures/seed-report.txt";
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "cannot read %s (run from the repository root)\n", path.c_str());
        return 2;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string bytes = ss.str();
    using namespace duban::plan;

    auto run = [](const std::string& b) {
        auto d = DecodeText(b);
        if (!d.ok()) std::abort();
        auto j = Import(SplitParagraphs(d->utf8));
        if (j["quantities"].empty()) std::abort();
        return j["stats"]["quantities"].get<int>();
    };
    run(bytes);  // warm-up: OpenCC loads its dictionaries once per process
    auto small = Time(20, [&] { run(bytes); });

    std::string big;
    for (int i = 0; i < 35; ++i) big += bytes + "\n";
    int q = 0;
    auto large = Time(5, [&] { q = run(big); });
    // A page of a printed report holds about 700 characters.
    size_t chars = 0;
    for (unsigned char c : big) chars += (c & 0xC0) != 0x80;

    double ms = Median(small), ml = Median(large);
    std::printf("plan import, seed (%zu bytes): median %.1f ms of 20 (min %.1f, max %.1f); target <= 50 ms: %s\n",
                bytes.size(), ms, *std::min_element(small.begin(), small.end()),
                *std::max_element(small.begin(), small.end()), ms <= 50 ? "met" : "NOT met");
    std::printf("plan import, seed x35 (%zu bytes, %zu characters, ~%zu pages, %d quantities): median %.0f ms of 5; "
                "target <= 1000 ms: %s\n",
                big.size(), chars, chars / 700, q, ml, ml <= 1000 ? "met" : "NOT met");
    return 0;
}
