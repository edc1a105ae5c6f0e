#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/deadlines.hpp"

using namespace duban::core;

namespace {

TimePoint At(int seconds) { return TimePoint(std::chrono::seconds(seconds)); }

}  // namespace

TEST(Deadlines, SetMoveRemoveAndNext) {
    DeadlineIndex<int> idx;
    EXPECT_EQ(idx.size(), 0u);
    EXPECT_FALSE(idx.Next());
    idx.Set(1, At(30));
    idx.Set(2, At(10));
    idx.Set(3, At(20));
    EXPECT_EQ(idx.size(), 3u);
    EXPECT_EQ(idx.Next(), At(10));
    idx.Set(2, At(40));  // moved later: 3 is next
    EXPECT_EQ(idx.size(), 3u);
    EXPECT_EQ(idx.Next(), At(20));
    EXPECT_EQ(idx.Get(2), At(40));
    idx.Set(2, At(40));  // same deadline again: no change
    EXPECT_EQ(idx.size(), 3u);
    idx.Remove(3);
    idx.Remove(99);  // absent: no effect
    EXPECT_FALSE(idx.Contains(3));
    EXPECT_TRUE(idx.Contains(1));
    EXPECT_EQ(idx.size(), 2u);
    EXPECT_EQ(idx.Next(), At(30));
    idx.Clear();
    EXPECT_EQ(idx.size(), 0u);
    EXPECT_FALSE(idx.Next());
    EXPECT_FALSE(idx.Get(1));
}

TEST(Deadlines, PopDueWithALimitLeavesTheRestDueInOrder) {
    DeadlineIndex<int> idx;
    for (int k = 0; k < 10; ++k) idx.Set(k, At(100 - k));  // 9 is the earliest
    idx.Set(50, At(500));                                   // not due
    auto first = idx.PopDue(At(200), 4);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[0].first, 9);
    EXPECT_EQ(first[3].first, 6);
    EXPECT_EQ(idx.size(), 7u);
    EXPECT_FALSE(idx.Contains(6));
    EXPECT_TRUE(idx.Contains(5));
    auto rest = idx.PopDue(At(200), 100);
    ASSERT_EQ(rest.size(), 6u);
    EXPECT_EQ(rest.front().first, 5);
    EXPECT_EQ(rest.back().first, 0);
    EXPECT_TRUE(idx.PopDue(At(200), 100).empty());
    EXPECT_EQ(idx.size(), 1u);
    EXPECT_TRUE(idx.PopDue(At(200), 0).empty());
}

TEST(Deadlines, PopDueTakesDueKeysEarliestFirstAndIncludesNow) {
    DeadlineIndex<std::string> idx;
    idx.Set("c", At(30));
    idx.Set("a", At(10));
    idx.Set("b", At(20));
    idx.Set("d", At(20));  // ties come out in key order
    idx.Set("e", At(21));
    EXPECT_TRUE(idx.PopDue(At(9)).empty());
    auto due = idx.PopDue(At(20));  // exactly at a deadline counts as due
    ASSERT_EQ(due.size(), 3u);
    EXPECT_EQ(due[0], (std::pair<std::string, TimePoint>{"a", At(10)}));
    EXPECT_EQ(due[1], (std::pair<std::string, TimePoint>{"b", At(20)}));
    EXPECT_EQ(due[2], (std::pair<std::string, TimePoint>{"d", At(20)}));
    EXPECT_EQ(idx.size(), 2u);
    EXPECT_FALSE(idx.Contains("a"));
    EXPECT_EQ(idx.Next(), At(21));
    // A popped key can be set again.
    idx.Set("a", At(25));
    due = idx.PopDue(At(100));
    ASSERT_EQ(due.size(), 3u);
    EXPECT_EQ(due[0].first, "e");
    EXPECT_EQ(due[1].first, "a");
    EXPECT_EQ(due[2].first, "c");
    EXPECT_EQ(idx.size(), 0u);
    EXPECT_TRUE(idx.PopDue(At(1000)).empty());
}

// A few thousand random operations against a plain vector of (key, deadline).
TEST(Deadlines, AgreesWithANaiveModel) {
    DeadlineIndex<int> idx;
    std::vector<std::pair<int, int>> model;  // key, deadline in seconds
    auto find = [&](int key) {
        return std::find_if(model.begin(), model.end(), [&](auto& e) { return e.first == key; });
    };
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> op(0, 9), key(0, 200), when(0, 1000);
    int now = 0;
    for (int i = 0; i < 5000; ++i) {
        int o = op(rng);
        if (o < 5) {
            int k = key(rng), t = now + when(rng) - 100;
            idx.Set(k, At(t));
            if (auto it = find(k); it != model.end()) {
                it->second = t;
            } else {
                model.emplace_back(k, t);
            }
        } else if (o < 7) {
            int k = key(rng);
            idx.Remove(k);
            if (auto it = find(k); it != model.end()) model.erase(it);
        } else if (o < 9) {
            now += when(rng) / 10;
            std::vector<std::pair<int, int>> expected;
            for (auto& e : model) {
                if (e.second <= now) expected.push_back(e);
            }
            std::sort(expected.begin(), expected.end(), [](auto& x, auto& y) {
                return std::pair(x.second, x.first) < std::pair(y.second, y.first);
            });
            std::erase_if(model, [&](auto& e) { return e.second <= now; });
            auto due = idx.PopDue(At(now));
            ASSERT_EQ(due.size(), expected.size()) << i;
            for (size_t j = 0; j < due.size(); ++j) {
                ASSERT_EQ(due[j].first, expected[j].first) << i;
                ASSERT_EQ(due[j].second, At(expected[j].second)) << i;
            }
        } else {
            int k = key(rng);
            ASSERT_EQ(idx.Contains(k), find(k) != model.end()) << i;
        }
        ASSERT_EQ(idx.size(), model.size()) << i;
        if (model.empty()) {
            ASSERT_FALSE(idx.Next());
        } else {
            int earliest = std::min_element(model.begin(), model.end(), [](auto& x, auto& y) {
                               return x.second < y.second;
                           })->second;
            ASSERT_EQ(idx.Next(), At(earliest)) << i;
        }
    }
}
