// Prometheus text exposition: requests by route and status, a latency histogram, the commit
// pipeline's batch sizes and queue depth.
#include <cstdio>

#include "http/app.hpp"

namespace duban::http {
namespace {
const double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
}

void Metrics::Observe(const std::string& route, int status, double seconds) {
    std::lock_guard lk(mu_);
    counts_[{route, status}]++;
    size_t i = 0;
    while (i < std::size(kBounds) && seconds > kBounds[i]) ++i;
    buckets_[i]++;
    sum_ += seconds;
    n_++;
}

std::string Metrics::Render(const store::PipelineStats& ps) const {
    std::string out;
    char buf[256];
    out += "# HELP duban_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE duban_http_requests_total counter\n";
    std::lock_guard lk(mu_);
    for (const auto& [k, v] : counts_) {
        std::snprintf(buf, sizeof buf, "duban_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                      k.first.c_str(), k.second, static_cast<unsigned long long>(v));
        out += buf;
    }
    out += "# HELP duban_http_request_duration_seconds Request latency.\n";
    out += "# TYPE duban_http_request_duration_seconds histogram\n";
    uint64_t cum = 0;
    for (size_t i = 0; i < std::size(kBounds); ++i) {
        cum += buckets_[i];
        std::snprintf(buf, sizeof buf, "duban_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBounds[i],
                      static_cast<unsigned long long>(cum));
        out += buf;
    }
    cum += buckets_.back();
    std::snprintf(buf, sizeof buf,
                  "duban_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                  "duban_http_request_duration_seconds_sum %.6f\nduban_http_request_duration_seconds_count %llu\n",
                  static_cast<unsigned long long>(cum), sum_, static_cast<unsigned long long>(n_));
    out += buf;
    out += "# HELP duban_commit_batch_size Commands per committed transaction.\n";
    out += "# TYPE duban_commit_batch_size histogram\n";
    cum = 0;
    for (size_t i = 0; i < ps.batch_hist.size(); ++i) {
        cum += ps.batch_hist[i];
        if (i + 1 < ps.batch_hist.size())
            std::snprintf(buf, sizeof buf, "duban_commit_batch_size_bucket{le=\"%d\"} %llu\n", 1 << i,
                          static_cast<unsigned long long>(cum));
        else
            std::snprintf(buf, sizeof buf, "duban_commit_batch_size_bucket{le=\"+Inf\"} %llu\n",
                          static_cast<unsigned long long>(cum));
        out += buf;
    }
    char big[1024];
    std::snprintf(big, sizeof big,
                  "duban_commit_batch_size_count %llu\n"
                  "# HELP duban_commits_total Committed transactions.\n# TYPE duban_commits_total counter\n"
                  "duban_commits_total %llu\n"
                  "# HELP duban_commands_total Commands answered.\n# TYPE duban_commands_total counter\n"
                  "duban_commands_total %llu\n"
                  "# HELP duban_commit_replays_total Batches run again with a savepoint per command after one "
                  "failed.\n# TYPE duban_commit_replays_total counter\nduban_commit_replays_total %llu\n"
                  "# HELP duban_queue_rejected_total Commands refused with 503 because the queue was full.\n"
                  "# TYPE duban_queue_rejected_total counter\nduban_queue_rejected_total %llu\n"
                  "# HELP duban_queue_depth Commands waiting for the writer.\n# TYPE duban_queue_depth gauge\n"
                  "duban_queue_depth %zu\n",
                  static_cast<unsigned long long>(cum), static_cast<unsigned long long>(ps.commits),
                  static_cast<unsigned long long>(ps.commands), static_cast<unsigned long long>(ps.replays),
                  static_cast<unsigned long long>(ps.rejected_full),
                  ps.queue_depth);
    out += big;
    return out;
}

}  // namespace duban::http
