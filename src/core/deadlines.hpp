#pragma once
/// duban::core deadlines — a timer structure keyed by deadline: the sweep costs what falls due,
/// not what is open. Not thread-safe; its owner serialises access.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/core.hpp"

namespace duban::core {

/// Keys with deadlines. Set, Remove and Contains cost O(log n); PopDue costs
/// O(due · log n), whatever the number of open keys.
/// REQUIRES: Key is copyable, hashable with Hash and ordered by operator< (keys with the same
/// deadline come out in key order).
template <class Key, class Hash = std::hash<Key>>
class DeadlineIndex {
public:
    /// Sets (or moves) the deadline of key.
    void Set(const Key& key, TimePoint at) {
        auto [it, inserted] = by_key_.try_emplace(key, at);
        if (!inserted) {
            if (it->second == at) return;
            by_time_.erase({it->second, key});
            it->second = at;
        }
        by_time_.emplace(at, key);
    }
    /// Forgets key; no effect when absent.
    void Remove(const Key& key) {
        auto it = by_key_.find(key);
        if (it == by_key_.end()) return;
        by_time_.erase({it->second, key});
        by_key_.erase(it);
    }
    bool Contains(const Key& key) const { return by_key_.count(key) != 0; }
    /// The deadline of key, if it has one.
    std::optional<TimePoint> Get(const Key& key) const {
        auto it = by_key_.find(key);
        if (it == by_key_.end()) return std::nullopt;
        return it->second;
    }
    size_t size() const { return by_key_.size(); }
    /// The earliest deadline, if any.
    std::optional<TimePoint> Next() const {
        if (by_time_.empty()) return std::nullopt;
        return by_time_.begin()->first;
    }
    /// Removes and returns the keys due at or before now, earliest first: all of them, or at most
    /// `limit` (the rest stay, due, for the next call).
    std::vector<std::pair<Key, TimePoint>> PopDue(TimePoint now, size_t limit = SIZE_MAX) {
        std::vector<std::pair<Key, TimePoint>> due;
        auto it = by_time_.begin();
        for (; it != by_time_.end() && it->first <= now && due.size() < limit; ++it) {
            due.emplace_back(it->second, it->first);
            by_key_.erase(it->second);
        }
        by_time_.erase(by_time_.begin(), it);
        return due;
    }
    void Clear() {
        by_time_.clear();
        by_key_.clear();
    }

private:
    std::set<std::pair<TimePoint, Key>> by_time_;
    std::unordered_map<Key, TimePoint, Hash> by_key_;
};

}  // namespace duban::core
