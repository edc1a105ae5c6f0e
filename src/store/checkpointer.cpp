#include "store/checkpointer.hpp"

#include <cstdio>

namespace duban::store {

Checkpointer::Checkpointer(std::unique_ptr<Conn> conn, int64_t restart_frames)
    : conn_(std::move(conn)), restart_frames_(restart_frames), thread_([this] { Loop(); }) {}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Checkpointer::Committed(int64_t wal_frames) {
    wal_frames_ = wal_frames;
    {
        std::lock_guard lk(mu_);
        pending_ = true;
    }
    cv_.notify_one();
}

void Checkpointer::BeforeBegin(Conn& writer) {
    if (wal_frames_ < restart_frames_) return;
    {
        std::unique_lock lk(mu_);
        held_ = true;
        idle_cv_.wait(lk, [&] { return !busy_; });
    }
    // Only the frames committed since the thread's last checkpoint are left to copy. The
    // transaction about to begin then starts the WAL over (unless a reader still holds an old
    // snapshot: then the next commit finds the WAL still long, and this runs again).
    Checkpoint(writer);
    {
        std::lock_guard lk(mu_);
        held_ = false;
    }
    cv_.notify_one();
}

void Checkpointer::Checkpoint(Conn& c) {
    try {
        c.Query("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"checkpoint failed\",\"error\":\"%s\"}\n", e.what());
    }
}

void Checkpointer::Loop() {
    std::unique_lock lk(mu_);
    auto last = std::chrono::steady_clock::now() - kMinInterval;
    for (;;) {
        cv_.wait(lk, [&] { return stop_ || (pending_ && !held_); });
        if (stop_) return;
        // At most one checkpoint per kMinInterval: each ends with a sync of the database file, and
        // small commits come a thousand a second or more, each waiting for its own WAL sync.
        if (cv_.wait_until(lk, last + kMinInterval, [&] { return stop_; })) return;
        if (held_) continue;  // the writer is checkpointing; wait for it
        pending_ = false;
        busy_ = true;
        last = std::chrono::steady_clock::now();
        lk.unlock();
        Checkpoint(*conn_);
        lk.lock();
        busy_ = false;
        idle_cv_.notify_all();
    }
}

}  // namespace duban::store
