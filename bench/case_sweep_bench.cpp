// The case engine's warning sweep at scale: 1 million open cases in the 办理 stage (12345 hotline,
// green, due in 10 days), stored directly through the case repos in one transaction, then:
//   (a) one sweep when nothing falls due (the watch is empty at "now");
//   (b) one sweep when 1% falls due (their yellow instant has passed: 10,000 cases turn yellow, one
//       case.light event each, in one commit through the pipeline);
//   (c) the start-up: reading the watch list of every open case (store::ListCaseWatch), as
//       cases::Watch::LoadAll does when the server starts; with --startup also the first sweep after
//       it, which re-evaluates every watched case (as the server does once after a restart).
// A sweep is what the server's timer runs (RunCaseSweep in src/http/handlers_cases.cpp): Watch::PopDue,
// cases::Sweep in a WriteTx through store::Pipeline (one commit, fsynced), Watch::Apply.
// Usage: duban_bench_case_sweep [--dir DIR] [--count N] [--due-share F] [--startup] [--keep]
// Prints the figures and "RESULT case_sweep count=N none_ms=X due=N due_ms=X changed=N load_ms=X".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "cases/cases.hpp"
#include "store/case_repos.hpp"
#include "store/store.hpp"

using namespace duban;

namespace {

[[noreturn]] void Die(const std::string& m) {
    std::fprintf(stderr, "duban_bench_case_sweep: %s\n", m.c_str());
    std::exit(2);
}

double Ms(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

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

struct SweepFigures {
    size_t due = 0;
    int64_t changed = 0;
    double ms = 0, cpu_ms = 0;
};

// One sweep as the server's timer runs it, at the clock's time.
SweepFigures RunSweep(store::Pipeline& p, cases::Watch& watch, const core::Clock& clock, const cases::Env& env) {
    SweepFigures f;
    double cpu0 = CpuMs();
    auto t0 = std::chrono::steady_clock::now();
    auto due = watch.PopDue(clock.Now());
    f.due = due.size();
    if (!due.empty()) {
        auto r = p.Execute(store::Actor{std::nullopt, "system", ""},
                           [&](store::WriteTx& tx) { return cases::Sweep(tx, due, env); });
        if (!r.ok()) Die("sweep: " + r.error().message);
        f.changed = (*r).value("changed", int64_t{0});
        watch.Apply(*r);
    }
    f.ms = Ms(t0);
    f.cpu_ms = CpuMs() - cpu0;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    long long count = 1'000'000;
    double due_share = 0.01;
    bool keep = false, startup = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--count" && i + 1 < argc) count = std::atoll(argv[++i]);
        else if (a == "--due-share" && i + 1 < argc) due_share = std::atof(argv[++i]);
        else if (a == "--startup") startup = true;
        else if (a == "--keep") keep = true;
        else Die("usage: duban_bench_case_sweep [--dir DIR] [--count N] [--due-share F] [--startup] [--keep]");
    }
    if (count < 1 || count > 20'000'000) Die("--count must be in [1, 20000000]");
    if (due_share < 0 || due_share > 1) Die("--due-share must be in [0, 1]");
    core::InitCrypto();
    std::string tmpl = (std::filesystem::path(dir) / "duban-case-sweep-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory in " + dir);
    const std::string path = tmpl + "/bench.db";
    std::printf("case sweep: %lld open cases, %.2f%% falling due; SQLite WAL synchronous=FULL in %s; load %.1f\n", count,
                due_share * 100, tmpl.c_str(), Load1());
    using namespace std::chrono;
    const auto now = time_point_cast<seconds>(system_clock::now());
    const std::string started = core::FormatUtc(now - hours(24));
    const std::string due_at = core::FormatUtc(now + hours(24 * 10));
    const std::string yellow_later = core::FormatUtc(now + hours(24 * 8));
    const std::string yellow_soon = core::FormatUtc(now + hours(1));  // the share that falls due in (b)
    const long long every = due_share > 0 ? static_cast<long long>(1 / due_share + 0.5) : 0;
    {
        store::Database db(store::DbOptions{path, ""});
        double load_ms = 0, insert_ms = 0;
        size_t watched = 0;
        {
            auto c = db.Connect();
            store::Migrate(*c);
            auto t0 = steady_clock::now();
            c->Exec("BEGIN");
            store::CaseRow r;
            r.type = "hotline";
            r.category = "H0101";
            r.category_major = "H01";
            r.source = "hotline";
            r.title = "井盖破损";
            r.description = "市民反映：某小区东门附近道路井盖破损下沉，夜间通行存在安全隐患，请尽快核查处置。";
            r.stage = "handle";
            r.status = "open";
            r.reported_at = started;
            r.registered_at = started;
            r.dispatched_at = started;
            r.stage_started_at = started;
            r.stage_due_at = due_at;
            r.due_at = due_at;
            r.updated_at = started;
            r.paths = "|";
            for (long long i = 1; i <= count; ++i) {
                r.id = i;
                char num[32];
                std::snprintf(num, sizeof num, "RX-20261128-%07lld", i);
                r.number = num;
                r.stage_yellow_at = (every > 0 && i % every == 0) ? yellow_soon : yellow_later;
                store::InsertCase(*c, r);
            }
            c->Exec("COMMIT");
            insert_ms = Ms(t0);
            std::printf("stored %lld cases through store::InsertCase in one transaction: %.0f ms\n", count, insert_ms);
            // As start-up does (duban migrate, duban serve): the cases into the text index, so that
            // the sweeps below do not take in the waiting ones with their commit.
            t0 = steady_clock::now();
            store::Tx tx(*c, /*immediate=*/true);
            store::IndexPendingCaseText(*c);
            tx.Commit();
            std::printf("took them into the case text index (as start-up does): %.0f ms\n", Ms(t0));
        }
        core::ManualClock clock(now);
        store::Pipeline pipeline(db, clock);
        pipeline.Start();
        auto types = cases::Registry::Shipped();
        core::WorkCalendar cal;
        cases::Env env;
        env.types = types.get();
        env.cal = std::make_shared<const core::WorkCalendar>(cal);
        cases::Watch watch;
        {
            // What the server's start-up does (Watch::LoadAll reads this list), with each case's own instant.
            auto t0 = steady_clock::now();
            auto lease = db.Read();
            auto list = store::ListCaseWatch(*lease);
            for (auto& [id, at] : list) {
                core::TimePoint tp;
                if (!core::ParseRfc3339(at, &tp)) Die("bad instant " + at);
                watch.Set(id, tp);
            }
            watched = list.size();
            load_ms = Ms(t0);
            std::printf("(c) start-up: the watch list of %zu open cases read and indexed: %.0f ms\n", watched, load_ms);
        }
        // (a) nothing due now.
        auto a = RunSweep(pipeline, watch, clock, env);
        std::printf("(a) sweep, nothing due: %zu evaluated, %.3f ms (cpu %.3f ms)\n", a.due, a.ms, a.cpu_ms);
        // (b) two hours later: the 1% whose yellow instant has passed.
        clock.Set(now + hours(2));
        auto b = RunSweep(pipeline, watch, clock, env);
        std::printf("(b) sweep, %.2f%% due: %zu evaluated, %lld turned yellow, %.0f ms (cpu %.0f ms; one commit)\n",
                    due_share * 100, b.due, static_cast<long long>(b.changed), b.ms, b.cpu_ms);
        auto a2 = RunSweep(pipeline, watch, clock, env);
        std::printf("    and right after it, nothing due again: %.3f ms\n", a2.ms);
        SweepFigures s;
        if (startup) {
            // The server's first sweep after a restart: Watch::LoadAll puts every watched case due at once.
            cases::Watch all;
            {
                auto lease = db.Read();
                all.LoadAll(*lease);
            }
            s = RunSweep(pipeline, all, clock, env);
            std::printf("(c) the first sweep after a restart: %zu evaluated, %lld changed, %.0f ms (cpu %.0f ms)\n", s.due,
                        static_cast<long long>(s.changed), s.ms, s.cpu_ms);
        }
        pipeline.Stop();
        std::printf("RESULT case_sweep count=%lld insert_ms=%.0f load_ms=%.0f watched=%zu none_ms=%.3f due=%zu due_ms=%.1f "
                    "changed=%lld startup_ms=%.0f\n",
                    count, insert_ms, load_ms, watched, a.ms, b.due, b.ms, static_cast<long long>(b.changed), s.ms);
    }
    if (!keep) std::filesystem::remove_all(tmpl);
    return 0;
}
