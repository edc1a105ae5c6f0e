#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/repos.hpp"
#include "store/store.hpp"
#include "test_util.hpp"

using namespace duban;

class PipelineStore : public test::BackendTest {};
DUBAN_INSTANTIATE_BACKENDS(PipelineStore);

namespace {
store::CommandFn Insert(const std::string& key, bool fail_after) {
    return [key, fail_after](store::WriteTx& tx) -> core::Result<core::Json> {
        store::PutSetting(tx.conn(), key, "v");
        tx.Emit("setting.put", "settings", std::nullopt, {{"key", key}});
        if (fail_after) return core::Error::Validation("key", "rejected on purpose");
        return core::Json{{"key", key}};
    };
}
}  // namespace

TEST_P(PipelineStore, FailingCommandRollsBackOnlyItself) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 1000, .max_batch = 1000});
    // Queue everything before starting so that all land in one batch.
    std::vector<std::optional<core::Result<core::Json>>> results(30);
    std::atomic<int> done{0};
    p.Start();
    for (int i = 0; i < 30; ++i) {
        bool fail = i % 3 == 1;
        ASSERT_TRUE(p.Submit({1, "t", ""}, Insert("k" + std::to_string(i), fail), [&, i](core::Result<core::Json> r) {
            results[i].emplace(std::move(r));
            done++;
        }));
    }
    while (done < 30) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    p.Stop();
    auto c = t.db->Connect();
    for (int i = 0; i < 30; ++i) {
        bool fail = i % 3 == 1;
        EXPECT_EQ(results[i]->ok(), !fail) << i;
        EXPECT_EQ(store::GetSetting(*c, "k" + std::to_string(i)).has_value(), !fail) << i;
    }
    auto rep = store::VerifyChain(*c);
    EXPECT_EQ(rep.count, 20);  // only the successful commands' events
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
}

// The events of a batch are written together before COMMIT, in INSERTs of 64, 16, 4 and 1 rows. 150
// commands emitting two events each (up to 300 rows in a batch), every seventh failing after it
// emitted, leave exactly the successful commands' events, in submission order, chained.
TEST_P(PipelineStore, BatchedEventRowsKeepOrderAndDropFailedCommands) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 1000, .max_batch = 1000});
    const int n = 150;
    std::atomic<int> done{0};
    std::vector<int> ok(n, -1);
    p.Start();
    for (int i = 0; i < n; ++i) {
        const bool fail = i % 7 == 3;
        ASSERT_TRUE(p.Submit(
            {1, "t", ""},
            [i, fail](store::WriteTx& tx) -> core::Result<core::Json> {
                tx.Emit("test.first", "test", i, {{"i", i}});
                tx.Emit("test.second", "test", i, {{"i", i}});
                if (fail) return core::Error::Validation("i", "rejected on purpose");
                return core::Json{{"i", i}};
            },
            [&, i](core::Result<core::Json> r) {
                ok[i] = r.ok() ? 1 : 0;
                done++;
            }));
    }
    while (done < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    p.Stop();
    auto c = t.db->Connect();
    auto rep = store::VerifyChain(*c);
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
    std::vector<int> expect;
    for (int i = 0; i < n; ++i) {
        EXPECT_EQ(ok[i], i % 7 == 3 ? 0 : 1) << i;
        if (ok[i] == 1) expect.insert(expect.end(), {i, i});
    }
    EXPECT_EQ(rep.count, static_cast<int64_t>(expect.size()));
    auto rows = c->Query("SELECT object_id, action FROM events ORDER BY seq");
    ASSERT_EQ(rows.size(), expect.size());
    for (size_t k = 0; k < rows.size(); ++k) {
        EXPECT_EQ(rows[k].Int(0), expect[k]) << k;
        EXPECT_EQ(rows[k].Str(1), k % 2 == 0 ? "test.first" : "test.second") << k;
    }
}

TEST_P(PipelineStore, ThrowingCommandIsIsolatedToo) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock);
    p.Start();
    auto ok1 = p.Execute({1, "t", ""}, Insert("a", false));
    auto bad = p.Execute({1, "t", ""}, [](store::WriteTx& tx) -> core::Result<core::Json> {
        store::PutSetting(tx.conn(), "b", "v");
        tx.conn().Exec("INSERT INTO nonexistent VALUES (1)");
        return core::Json::object();
    });
    auto ok2 = p.Execute({1, "t", ""}, Insert("c", false));
    p.Stop();
    EXPECT_TRUE(ok1.ok());
    EXPECT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, core::ErrorKind::kInternal);
    EXPECT_TRUE(ok2.ok());
    auto c = t.db->Connect();
    EXPECT_FALSE(store::GetSetting(*c, "b").has_value());
    EXPECT_TRUE(store::GetSetting(*c, "c").has_value());
    EXPECT_FALSE(store::VerifyChain(*c).first_bad_seq);
}

TEST_P(PipelineStore, GroupsConcurrentCommandsIntoFewCommits) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock);
    p.Start();
    std::vector<std::thread> th;
    std::atomic<int> ok{0};
    for (int w = 0; w < 8; ++w)
        th.emplace_back([&, w] {
            for (int i = 0; i < 50; ++i)
                if (p.Execute({1, "t", ""}, Insert("w" + std::to_string(w) + "-" + std::to_string(i), false)).ok()) ok++;
        });
    for (auto& x : th) x.join();
    auto st = p.Stats();
    p.Stop();
    EXPECT_EQ(ok.load(), 400);
    EXPECT_EQ(st.commands, 400u);
    EXPECT_LT(st.commits, 400u);  // 8 waiting callers share commits
    auto c = t.db->Connect();
    EXPECT_EQ(store::VerifyChain(*c).count, 400);
}

TEST_P(PipelineStore, FullQueueRefusesInsteadOfBlocking) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 4, .max_batch = 1});
    p.Start();
    std::atomic<bool> release{false};
    std::atomic<int> answered{0};
    // The first command blocks the writer until released.
    ASSERT_TRUE(p.Submit({1, "t", ""}, [&](store::WriteTx&) -> core::Result<core::Json> {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return core::Json::object();
    }, [&](core::Result<core::Json>) { answered++; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int accepted = 0, refused = 0;
    for (int i = 0; i < 10; ++i) {
        if (p.Submit({1, "t", ""}, Insert("q" + std::to_string(i), false), [&](core::Result<core::Json>) { answered++; }))
            accepted++;
        else
            refused++;
    }
    release = true;
    EXPECT_EQ(accepted, 4);
    EXPECT_EQ(refused, 6);
    while (answered < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    p.Stop();
    EXPECT_EQ(p.Stats().rejected_full, 6u);
}

TEST_P(PipelineStore, ExecuteAfterStopIsUnavailable) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock);
    p.Start();
    p.Stop();
    auto r = p.Execute({1, "t", ""}, Insert("x", false));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, core::ErrorKind::kUnavailable);
}
