#include "store/chain_sealer.hpp"

#include <algorithm>
#include <iterator>

namespace duban::store {

ChainSealer::ChainSealer() : thread_([this] { Loop(); }) {}

ChainSealer::~ChainSealer() {
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    work_cv_.notify_one();
    thread_.join();
}

void ChainSealer::WaitIdle(std::unique_lock<std::mutex>& lk) {
    idle_cv_.wait(lk, [&] { return inbox_.empty() && !busy_; });
}

void ChainSealer::Begin(const std::string& head_hash) {
    std::unique_lock lk(mu_);
    inbox_.clear();
    WaitIdle(lk);
    prev_ = head_hash;
    rows_.clear();
    local_.clear();
}

void ChainSealer::Add(std::vector<PendingEvent>* events) {
    std::move(events->begin(), events->end(), std::back_inserter(local_));
    events->clear();
    if (local_.size() < kChunk) return;
    {
        std::lock_guard lk(mu_);
        std::move(local_.begin(), local_.end(), std::back_inserter(inbox_));
    }
    local_.clear();
    work_cv_.notify_one();
}

std::vector<Value> ChainSealer::Finish(std::string* head_hash) {
    {
        std::unique_lock lk(mu_);
        WaitIdle(lk);
    }
    Seal(local_);
    local_.clear();
    *head_hash = prev_;
    return std::move(rows_);
}

void ChainSealer::PushOptInt(std::optional<int64_t> v) {
    if (v) rows_.emplace_back(std::in_place_type<int64_t>, *v);
    else rows_.emplace_back(std::in_place_type<std::nullptr_t>, nullptr);
}

void ChainSealer::Seal(std::vector<PendingEvent>& events) {
    const size_t need = rows_.size() + events.size() * kCols;
    if (rows_.capacity() < need) rows_.reserve(std::max(need, 2 * rows_.capacity()));
    for (auto& p : events) {
        Event& e = p.e;
        e.prev_hash = std::move(prev_);
        e.hash = EventHash(e.prev_hash, e, p.canonical);
        prev_ = e.hash;
        rows_.emplace_back(std::in_place_type<int64_t>, e.seq);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.at));
        PushOptInt(e.actor_id);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.actor));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.action));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.object_type));
        PushOptInt(e.object_id);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(p.canonical));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.prev_hash));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.hash));
    }
}

void ChainSealer::Loop() {
    std::vector<PendingEvent> work;
    for (;;) {
        {
            std::unique_lock lk(mu_);
            busy_ = false;
            if (inbox_.empty()) idle_cv_.notify_all();
            work_cv_.wait(lk, [&] { return stop_ || !inbox_.empty(); });
            if (stop_) return;
            work.swap(inbox_);
            busy_ = true;
        }
        Seal(work);
        work.clear();
    }
}

}  // namespace duban::store
