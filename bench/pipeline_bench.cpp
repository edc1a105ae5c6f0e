// duban_bench_pipeline — the commit pipeline driven in-process, without HTTP: a few submitter
// threads push org-unit creations (org::CreateOrgUnit, the same command POST /api/v1/org-units
// runs) through store::Pipeline::Submit, keeping a bounded number in flight, and count the acks.
// An ack is sent only after the batch's COMMIT returned, i.e. after SQLite (WAL,
// synchronous=FULL) has fsynced it. Each ack's answer is handed to a receiver thread, as the
// HTTP server hands it to an I/O thread, which checks it (the unit has an id) and frees it. At the
// end the hash chain is verified and must hold exactly one event per acknowledged creation.
//
// usage: duban_bench_pipeline [--dir DIR] [--count M] [--seconds S] [--threads T]
//                             [--inflight K] [--fail-every N] [--savepoint-per-command] [--keep]
//   --dir       where to create the temporary database (default: $TMPDIR or /tmp)
//   --count     creations to submit (default 200000)
//   --seconds   stop submitting after S seconds even if --count is not reached (default 30)
//   --threads   submitter threads (default 2)
//   --inflight  commands submitted but not yet acknowledged, at most (default 4096)
//   --fail-every  every Nth creation names a parent that does not exist, so it fails inside the
//               writer and its batch is run again with a savepoint per command (default 0: none)
//   --savepoint-per-command  the pipeline's comparison mode: a savepoint per command always
//   --keep      leave the temporary directory in place
// Prints a human summary and "RESULT pipeline commands=N ok=N errors=N refused=N seconds=S per_s=X
// commits=N avg_batch=X replays=N p50_ms=X p99_ms=X chain_ok=0|1 savepoint_per=batch|command"
// (refused: the creations made to fail on purpose, each answered parent_not_found; errors: any
// other failure).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "core/core.hpp"
#include "org/org.hpp"
#include "store/repos.hpp"
#include "store/store.hpp"

using namespace duban;
using SteadyClock = std::chrono::steady_clock;

namespace {

[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "duban_bench_pipeline: %s\n", msg.c_str());
    std::exit(1);
}

double Percentile(std::vector<float>& v, double p) {
    if (v.empty()) return 0;
    size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

// Where the acknowledgements go, as the HTTP server posts each one to its I/O thread: the done
// callback runs on the pipeline's writer thread, so it only records the latency and hands the
// answer over; this thread checks each answer (a created unit has an id) and frees it.
class Receiver {
public:
    explicit Receiver(std::atomic<int64_t>& without_id) : without_id_(without_id), th_([this] { Loop(); }) {}
    ~Receiver() {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_one();
        th_.join();
    }
    void Hand(core::Result<core::Json> r) {
        {
            std::lock_guard lk(mu_);
            inbox_.push_back(std::move(r));
        }
        cv_.notify_one();
    }
private:
    void Loop() {
        std::vector<core::Result<core::Json>> work;
        for (;;) {
            {
                std::unique_lock lk(mu_);
                cv_.wait(lk, [&] { return stop_ || !inbox_.empty(); });
                if (inbox_.empty() && stop_) return;
                work.swap(inbox_);
            }
            for (auto& r : work) {
                if (!r.ok()) continue;
                auto id = r->find("id");
                if (id == r->end() || !id->is_number_integer() || id->get<int64_t>() <= 0) without_id_.fetch_add(1);
            }
            work.clear();
        }
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<core::Result<core::Json>> inbox_;
    bool stop_ = false;
    std::atomic<int64_t>& without_id_;
    std::thread th_;
};

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
    std::string dir;
    if (const char* t = std::getenv("TMPDIR")) dir = t;
    if (dir.empty()) dir = "/tmp";
    int64_t count = 200000;
    double seconds = 30;
    int threads = 2;
    int inflight = 4096;
    int64_t fail_every = 0;
    bool per_command = false;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) Die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--dir") dir = val();
        else if (a == "--count") count = std::atoll(val().c_str());
        else if (a == "--seconds") seconds = std::atof(val().c_str());
        else if (a == "--threads") threads = std::atoi(val().c_str());
        else if (a == "--inflight") inflight = std::atoi(val().c_str());
        else if (a == "--fail-every") fail_every = std::atoll(val().c_str());
        else if (a == "--savepoint-per-command") per_command = true;
        else if (a == "--keep") keep = true;
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban_bench_pipeline [--dir DIR] [--count M] [--seconds S] [--threads T] [--inflight K]\n"
                        "                            [--fail-every N] [--savepoint-per-command] [--keep]\n");
            return 0;
        } else Die("unknown option " + a);
    }
    if (count < 1 || count > 100'000'000) Die("--count must be in [1, 1e8]");
    if (seconds <= 0 || seconds > 600) Die("--seconds must be in (0, 600]");
    if (threads < 1 || threads > 64) Die("--threads must be in [1, 64]");
    if (inflight < 1 || inflight > 8192) Die("--inflight must be in [1, 8192] (the pipeline's queue holds 8192)");
    if (fail_every < 0) Die("--fail-every must be 0 (none) or positive");

    core::InitCrypto();
    std::string tmpl = (std::filesystem::path(dir) / "duban-pipeline-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory in " + dir + ": " + std::strerror(errno));
    const std::string path = tmpl + "/bench.db";

    int64_t chain_count = 0;
    int64_t org_rows = 0;
    bool chain_ok = false;
    std::string chain_problem;
    std::atomic<int64_t> ok{0}, errors{0}, refused{0}, acked{0}, without_id{0};
    int64_t submitted_total = 0;
    double secs = 0;
    uint64_t commits = 0, commands = 0, replays = 0;
    std::vector<uint64_t> hist;
    std::vector<float> lat_ms;
    std::string first_error;
    {
        store::Database db(store::DbOptions{path, ""});
        {
            auto c = db.Connect();
            store::Migrate(*c);
        }
        core::SystemClock clock;
        std::optional<Receiver> receiver(std::in_place, without_id);
        store::Pipeline pipeline(db, clock, {.optimistic = !per_command});
        pipeline.Start();
        const int64_t district = CreateUnit(pipeline, std::nullopt, "district", "沙河口区(压测)", "BENCH-D");
        const int64_t street = CreateUnit(pipeline, district, "street", "春柳街道(压测)", "BENCH-S");

        lat_ms.assign(static_cast<size_t>(count), -1.0f);
        std::counting_semaphore<8192> slots(inflight);
        std::atomic<int64_t> next{0};
        std::atomic<int64_t> submitted{0};
        std::mutex err_mu;
        const store::PipelineStats before = pipeline.Stats();
        const auto t0 = SteadyClock::now();
        const auto deadline = t0 + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
        const core::Scope all = core::Scope::All();

        std::vector<std::thread> submitters;
        for (int t = 0; t < threads; ++t) {
            submitters.emplace_back([&] {
                for (;;) {
                    slots.acquire();
                    const int64_t n = next.fetch_add(1);
                    if (n >= count || SteadyClock::now() >= deadline) {
                        slots.release();
                        return;
                    }
                    org::OrgInput in;
                    const bool doomed = fail_every > 0 && n % fail_every == fail_every - 1;
                    in.parent_id = std::optional<int64_t>(doomed ? street + 1'000'000'000 : street);
                    in.kind = "community";
                    in.name = "压测社区" + std::to_string(n);
                    const auto ts = SteadyClock::now();
                    for (;;) {
                        bool accepted = pipeline.Submit(
                            {std::nullopt, "bench", "127.0.0.1"},
                            [in, &all](store::WriteTx& tx) { return org::CreateOrgUnit(tx, all, in); },
                            [&, n, ts, doomed](core::Result<core::Json> r) {
                                lat_ms[static_cast<size_t>(n)] =
                                    std::chrono::duration<float, std::milli>(SteadyClock::now() - ts).count();
                                if (r.ok() && !doomed) {
                                    ok.fetch_add(1, std::memory_order_relaxed);
                                } else if (doomed && !r.ok() && r.error().code == "parent_not_found") {
                                    refused.fetch_add(1, std::memory_order_relaxed);
                                } else {
                                    if (errors.fetch_add(1) == 0) {
                                        std::lock_guard lk(err_mu);
                                        first_error = r.ok() ? "a creation under a missing parent succeeded"
                                                             : r.error().message;
                                    }
                                }
                                receiver->Hand(std::move(r));
                                acked.fetch_add(1, std::memory_order_release);
                                slots.release();
                            });
                        if (accepted) break;
                        std::this_thread::sleep_for(std::chrono::microseconds(100));  // queue full
                    }
                    submitted.fetch_add(1, std::memory_order_relaxed);
                }
            });
        }
        for (auto& th : submitters) th.join();
        submitted_total = submitted.load();
        while (acked.load(std::memory_order_acquire) < submitted_total)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
        const store::PipelineStats after = pipeline.Stats();
        pipeline.Stop();
        receiver.reset();  // every answer checked
        commits = after.commits - before.commits;
        commands = after.commands - before.commands;
        replays = after.replays - before.replays;
        hist = after.batch_hist;
        for (size_t i = 0; i < hist.size() && i < before.batch_hist.size(); ++i) hist[i] -= before.batch_hist[i];

        auto c = db.Connect();
        auto rep = store::VerifyChain(*c);
        chain_count = rep.count;
        org_rows = store::CountRows(*c, "org_units");
        chain_problem = rep.problem;
        // 2 events for the district and the street, then one per acknowledged creation.
        chain_ok = !rep.first_bad_seq && rep.count == 2 + ok.load() && org_rows == 2 + ok.load() &&
                   without_id.load() == 0;
    }
    if (!keep) std::filesystem::remove_all(tmpl);

    lat_ms.resize(static_cast<size_t>(submitted_total));
    const double p50 = Percentile(lat_ms, 0.50), p99 = Percentile(lat_ms, 0.99);
    const double rate = static_cast<double>(ok.load()) / secs;
    const double avg_batch = commits ? static_cast<double>(commands) / static_cast<double>(commits) : 0;
    const char* sp_mode = per_command ? "command" : "batch";
    std::printf("in-process pipeline (%d submitter threads, %d in flight, a savepoint per %s, %s):\n", threads,
                inflight, sp_mode, dir.c_str());
    std::printf("  %lld creations acknowledged durable (%lld errors) in %.2f s = %.0f per second\n",
                static_cast<long long>(ok.load()), static_cast<long long>(errors.load()), secs, rate);
    std::printf("  %llu commits (fsyncs), average batch %.1f commands; submit-to-ack p50 %.2f ms, p99 %.2f ms\n",
                static_cast<unsigned long long>(commits), avg_batch, p50, p99);
    if (fail_every)
        std::printf("  %lld creations under a missing parent refused as they should be (1 in %lld); %llu batches "
                    "run again with a savepoint per command\n",
                    static_cast<long long>(refused.load()), static_cast<long long>(fail_every),
                    static_cast<unsigned long long>(replays));
    std::printf("  batch sizes:");
    const char* labels[] = {"1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "+Inf"};
    for (size_t i = 0; i < hist.size() && i < 12; ++i)
        if (hist[i]) std::printf(" <=%s:%llu", labels[i], static_cast<unsigned long long>(hist[i]));
    std::printf("\n  chain: %lld events, %lld org units, %s\n", static_cast<long long>(chain_count),
                static_cast<long long>(org_rows),
                chain_ok ? "verified, one event per acknowledged creation"
                         : ("MISMATCH " + chain_problem + (without_id.load() ? " (answers without an id)" : "")).c_str());
    if (errors.load()) std::printf("  first error: %s\n", first_error.c_str());
    std::printf("RESULT pipeline commands=%lld ok=%lld errors=%lld refused=%lld seconds=%.3f per_s=%.1f commits=%llu "
                "avg_batch=%.1f replays=%llu p50_ms=%.3f p99_ms=%.3f chain_ok=%d savepoint_per=%s\n",
                static_cast<long long>(submitted_total), static_cast<long long>(ok.load()),
                static_cast<long long>(errors.load()), static_cast<long long>(refused.load()), secs, rate,
                static_cast<unsigned long long>(commits), avg_batch, static_cast<unsigned long long>(replays), p50,
                p99, chain_ok ? 1 : 0, sp_mode);
    return chain_ok && errors.load() == 0 ? 0 : 1;
}
