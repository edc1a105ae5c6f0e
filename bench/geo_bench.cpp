// Point location: points located per second by geo::GridIndex over the demo's 63 generated grids
// and over 600 generated grids (the district split into 20 parts, each into 30), on 1 and 2
// threads. Points are uniform in the district's bounding box (about two thirds land in a grid).
// Usage: duban_bench_geo [points per run, default 1000000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "geo/geo.hpp"

using namespace duban;

namespace {

struct Lcg {
    uint64_t s;
    double Next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

void Run(const char* label, const std::vector<geo::GridArea>& grids, size_t n) {
    geo::GridIndex idx;
    auto t0 = std::chrono::steady_clock::now();
    if (auto st = idx.Build(grids); !st) {
        std::fprintf(stderr, "build: %s\n", st.error().message.c_str());
        std::exit(1);
    }
    double build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    for (int threads : {1, 2}) {
        std::vector<std::thread> ts;
        std::vector<size_t> hits(static_cast<size_t>(threads));
        auto t1 = std::chrono::steady_clock::now();
        for (int t = 0; t < threads; ++t)
            ts.emplace_back([&, t] {
                Lcg rng{static_cast<uint64_t>(1234 + t)};
                size_t h = 0;
                for (size_t i = 0; i < n / static_cast<size_t>(threads); ++i) {
                    double x = 121.533 + 0.078 * rng.Next(), y = 38.864 + 0.085 * rng.Next();
                    if (idx.Locate(x, y)) ++h;
                }
                hits[static_cast<size_t>(t)] = h;
            });
        for (auto& th : ts) th.join();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        size_t total_hits = 0;
        for (auto h : hits) total_hits += h;
        std::printf("%-10s grids=%4zu threads=%d points=%zu  %.0f points/s  (%.2f us/point/thread, %.1f%% in a grid, build %.1f ms)\n",
                    label, grids.size(), threads, n, static_cast<double>(n) / s, s * 1e6 * threads / static_cast<double>(n),
                    100.0 * static_cast<double>(total_hits) / static_cast<double>(n), build_ms);
    }
}

}  // namespace

int main(int argc, char** argv) {
    size_t n = argc > 1 ? static_cast<size_t>(std::atol(argv[1])) : 1000000;
    const std::vector<geo::DemoStreet> streets = {
        {"S1", 121.585, 38.935}, {"S2", 121.565, 38.905}, {"S3", 121.595, 38.905}, {"S4", 121.548, 38.872},
        {"S5", 121.560, 38.930}, {"S6", 121.585, 38.885}, {"S7", 121.603, 38.920}};
    auto boundary = geo::DistrictBoundary();
    auto t0 = std::chrono::steady_clock::now();
    auto demo = geo::GenerateAreas(boundary, streets);
    if (!demo.ok()) return std::fprintf(stderr, "%s\n", demo.error().message.c_str()), 1;
    double gen_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("generated the demo's 7/21/63 areas in %.0f ms\n", gen_ms);
    std::vector<geo::GridArea> grids;
    int64_t id = 1;
    for (auto& f : demo->grids["features"]) grids.push_back({{id++, 0, 0}, f["geometry"]});
    Run("demo", grids, n);

    std::vector<geo::GridArea> many;
    auto parts = geo::SplitPolygon(boundary, 20, 1);
    if (!parts.ok()) return std::fprintf(stderr, "%s\n", parts.error().message.c_str()), 1;
    id = 1;
    for (size_t i = 0; i < parts->size(); ++i) {
        auto sub = geo::SplitPolygon((*parts)[i], 30, 100 + i);
        if (!sub.ok()) return std::fprintf(stderr, "%s\n", sub.error().message.c_str()), 1;
        for (auto& g : *sub) many.push_back({{id++, 0, 0}, g});
    }
    Run("generated", many, n);
    return 0;
}
