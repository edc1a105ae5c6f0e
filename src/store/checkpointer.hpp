#pragma once
// Internal to store/: SQLite checkpoints off the writer's thread. Only pipeline.cpp uses it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/db.hpp"

namespace duban::store {

/// Copies the WAL back into the database file on its own thread and connection, so the writer
/// does not stop for it (the writer's automatic checkpoints are off; see docs/architecture.md).
///
/// SQLite starts the WAL over only when a write transaction begins with every frame copied.
/// Under steady load the writer begins its next batch as soon as the last one committed, while
/// the thread is still copying, so on its own the WAL would only grow. So once it holds
/// restart_frames frames, the writer copies the few frames of its last batch itself before it
/// begins (BeforeBegin), and that transaction starts the WAL over.
class Checkpointer {
public:
    /// conn: its own connection to the database. restart_frames: the WAL size (in pages) at which
    /// the writer catches up (PipelineSettings: kAutoCheckpointPages, every connection's own limit).
    Checkpointer(std::unique_ptr<Conn> conn, int64_t restart_frames);
    /// The thread starts a checkpoint at most this often.
    static constexpr std::chrono::milliseconds kMinInterval{50};
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    /// The writer committed and left wal_frames pages in the WAL: copy what is new.
    void Committed(int64_t wal_frames);
    /// The writer is about to begin a transaction on `writer`.
    void BeforeBegin(Conn& writer);

private:
    void Loop();
    static void Checkpoint(Conn& c);  // PASSIVE

    std::unique_ptr<Conn> conn_;
    const int64_t restart_frames_;
    std::mutex mu_;
    std::condition_variable cv_, idle_cv_;
    bool pending_ = false;  // GUARDED_BY(mu_): commits since the thread last started
    bool busy_ = false;     // GUARDED_BY(mu_): the thread is checkpointing
    bool held_ = false;     // GUARDED_BY(mu_): the writer is checkpointing; the thread waits
    bool stop_ = false;     // GUARDED_BY(mu_)
    int64_t wal_frames_ = 0;  // the writer thread's: pages in the WAL after its last commit
    std::thread thread_;
};

}  // namespace duban::store
