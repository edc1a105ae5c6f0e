#pragma once
/// duban::core deadlines — a timer structure keyed by deadline: the sweep costs what falls due,
/// not what is open. Not thread-safe; its owner serialises access.
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/core.hpp"

namespace duban::core {

template <class Key, class Hash = std::hash<Key>>
class DeadlineIndex {
public:
    /// Sets (or moves) the deadline of key.
    void Set(const Key& key, TimePoint at);
    /// Forgets key; no effect when absent.
    void Remove(const Key& key);
    bool Contains(const Key& key) const;
    size_t size() const;
    /// The earliest deadline, if any.
    std::optional<TimePoint> Next() const;
    /// Removes and returns every key due at or before now, earliest first.
    std::vector<std::pair<Key, TimePoint>> PopDue(TimePoint now);
    void Clear();
};

}  // namespace duban::core
