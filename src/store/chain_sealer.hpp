#pragma once
// Internal to store/: seals a batch's events into the hash chain. Only pipeline.cpp uses it.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/db.hpp"
#include "store/store.hpp"

namespace duban::store {

/// An event a command emitted and kept: everything but prev_hash and hash, with its payload
/// already in canonical bytes (e.payload is left null).
struct PendingEvent {
    Event e;
    std::string canonical;
};

/// Seals a batch's kept events, oldest first: each one's prev_hash and hash, and its row for the
/// events table (kCols values, in InsertEventsSql's column order). The hashes form one sequence, so
/// the work cannot be split; but it need not run on the writer. Once kChunk events wait, they are
/// sealed on the sealer's own thread while the writer runs the batch's later commands; Finish
/// seals the rest on the caller's thread, so a small batch never waits for a thread switch.
class ChainSealer {
public:
    static constexpr size_t kCols = 10;
    static constexpr size_t kChunk = 128;

    ChainSealer();
    ~ChainSealer();
    ChainSealer(const ChainSealer&) = delete;
    ChainSealer& operator=(const ChainSealer&) = delete;

    /// Starts a batch whose first event follows head_hash, and drops whatever an earlier batch
    /// that did not finish (its transaction rolled back) left behind.
    void Begin(const std::string& head_hash);
    /// Takes one command's kept events, oldest first, leaving *events empty.
    void Add(std::vector<PendingEvent>* events);
    /// Waits for the background work, seals the rest, and returns every row of the batch;
    /// *head_hash becomes the last event's hash (unchanged when there were none).
    std::vector<Value> Finish(std::string* head_hash);

private:
    void Loop();
    void Seal(std::vector<PendingEvent>& events);  // appends to rows_, advances prev_
    void PushOptInt(std::optional<int64_t> v);
    void WaitIdle(std::unique_lock<std::mutex>& lk);

    std::mutex mu_;
    std::condition_variable work_cv_, idle_cv_;
    std::vector<PendingEvent> inbox_;  // GUARDED_BY(mu_): handed over, not yet taken
    bool busy_ = false;                // GUARDED_BY(mu_): the thread is sealing a chunk
    bool stop_ = false;                // GUARDED_BY(mu_)
    // The chain so far and the rows sealed: the thread's while it is busy or the inbox is not
    // empty, the writer's once WaitIdle returned (the mutex orders the two).
    std::string prev_;
    std::vector<Value> rows_;
    std::vector<PendingEvent> local_;  // the writer's: fewer than kChunk events not yet handed over
    std::thread thread_;
};

}  // namespace duban::store
