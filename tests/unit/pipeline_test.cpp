#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <set>
#include <atomic>
#include <filesystem>
#include <thread>

#include "store/case_repos.hpp"
#include "store/geo_repos.hpp"
#include "store/project_repos.hpp"
#include "store/repos.hpp"
#include "store/store.hpp"
#include "store/text_grams.hpp"
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

// Both ways of running a batch: optimistic (one savepoint, a savepoint each after a failure) and a
// savepoint per command always.
TEST_P(PipelineStore, FailingCommandRollsBackOnlyItself) {
    for (bool optimistic : {true, false}) {
        test::TempDb t(GetParam());
        core::SystemClock clock;
        store::Pipeline p(*t.db, clock, {.queue_capacity = 1000, .max_batch = 1000, .optimistic = optimistic});
        // Submitted back to back, so that most land in one or two batches.
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
}

// The events of a batch are written together before COMMIT, in INSERTs of 64, 16, 4 and 1 rows. 150
// commands emitting two events each (up to 300 rows in a batch), every seventh failing after it
// emitted, leave exactly the successful commands' events, in submission order, chained.
TEST_P(PipelineStore, BatchedEventRowsKeepOrderAndDropFailedCommands) {
    for (bool optimistic : {true, false}) {
        test::TempDb t(GetParam());
        core::SystemClock clock;
        store::Pipeline p(*t.db, clock, {.queue_capacity = 1000, .max_batch = 1000, .optimistic = optimistic});
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

namespace {
// Holds the writer in its first command until released, so that everything submitted meanwhile
// lands in the next batch.
struct WriterGate {
    std::atomic<bool> open{false};
    store::CommandFn Command() {
        return [this](store::WriteTx&) -> core::Result<core::Json> {
            while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return core::Json::object();
        };
    }
};
}  // namespace

namespace {
// A command that marks that the writer is in it, then holds it there until released.
struct MarkedGate {
    std::atomic<bool> entered{false}, open{false};
    store::CommandFn Command() {
        return [this](store::WriteTx&) -> core::Result<core::Json> {
            entered = true;
            while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return core::Json::object();
        };
    }
};
}  // namespace

// A batch runs first under one savepoint. When a command in it fails (here command 250 of 300
// throws from a bad statement after it wrote and emitted, which on PostgreSQL aborts the whole
// transaction, and after the sealer's thread has hashed chunks of the events before it), the batch
// goes back to that savepoint and runs again with a savepoint per command: the commands up to the
// failure run twice, at the same time, and each caller gets the answer of the run that committed.
// The batch right after it gives each command its own savepoint from the start (nothing runs
// twice); once a batch had no failure, the next is optimistic again.
TEST_P(PipelineStore, AFailingCommandSendsItsBatchRoundAgainWithASavepointEach) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 1000, .max_batch = 1000});
    p.Start();
    constexpr int kN = 320;
    std::vector<std::atomic<int>> runs(kN);
    std::vector<std::set<std::string>> nows(kN);
    std::mutex mu;
    std::vector<std::optional<core::Result<core::Json>>> answers(kN);
    std::atomic<int> done{0};
    auto submit = [&](int i, int failing) {
        ASSERT_TRUE(p.Submit(
            {1, "t", ""},
            [&, i, failing](store::WriteTx& tx) -> core::Result<core::Json> {
                const int run = ++runs[i];
                {
                    std::lock_guard lk(mu);
                    nows[i].insert(tx.now());
                }
                store::PutSetting(tx.conn(), "r" + std::to_string(i), "v");
                tx.Emit("test.replay", "test", i, {{"i", i}});
                if (i == failing) tx.conn().Exec("INSERT INTO nonexistent VALUES (1)");
                return core::Json{{"i", i}, {"run", run}};
            },
            [&, i](core::Result<core::Json> r) {
                {
                    std::lock_guard lk(mu);
                    answers[i].emplace(std::move(r));
                }
                done++;
            }));
    };
    auto answered = [&](int n) {
        while (done < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    };
    // Batch 1: 0..299 and, last, a gate that holds the writer (in the run with savepoints) while
    // batch 2 (300..309, 303 failing) is queued behind it.
    {
        WriterGate first;
        ASSERT_TRUE(p.Submit({1, "t", ""}, first.Command(), [&](core::Result<core::Json>) { done++; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int i = 0; i < 300; ++i) submit(i, 250);
        MarkedGate hold;
        ASSERT_TRUE(p.Submit({1, "t", ""}, hold.Command(), [&](core::Result<core::Json>) { done++; }));
        first.open = true;
        while (!hold.entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (int i = 300; i < 310; ++i) submit(i, 303);
        hold.open = true;
        answered(2 + 310);
    }
    EXPECT_EQ(p.Stats().replays, 1u);  // batch 1 only: batch 2 had a savepoint per command from the start
    for (int i = 0; i < 310; ++i) {
        const bool failed = i == 250 || i == 303;
        const int want_runs = i <= 250 ? 2 : 1;
        EXPECT_EQ(runs[i].load(), want_runs) << i;
        EXPECT_EQ(nows[i].size(), 1u) << i;  // every run sees the batch's time
        ASSERT_TRUE(answers[i]) << i;
        ASSERT_EQ(answers[i]->ok(), !failed) << i;
        if (!failed) {
            EXPECT_EQ((**answers[i])["run"], want_runs) << i;  // the answer of the run that committed
        }
    }
    // Batch 3 is the gate's (no failure), so batch 4 is optimistic again.
    {
        WriterGate gate;
        ASSERT_TRUE(p.Submit({1, "t", ""}, gate.Command(), [&](core::Result<core::Json>) { done++; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int i = 310; i < kN; ++i) submit(i, 315);
        gate.open = true;
        answered(3 + kN);
    }
    EXPECT_EQ(p.Stats().replays, 2u);
    for (int i = 310; i < kN; ++i) {
        EXPECT_EQ(runs[i].load(), i <= 315 ? 2 : 1) << i;
        EXPECT_EQ(answers[i]->ok(), i != 315) << i;
    }
    p.Stop();
    auto c = t.db->Connect();
    auto rep = store::VerifyChain(*c);
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
    std::vector<int64_t> got, want;
    for (auto& r : c->Query("SELECT object_id FROM events ORDER BY seq")) got.push_back(r.Int(0));
    for (int i = 0; i < kN; ++i) {
        const bool failed = i == 250 || i == 303 || i == 315;
        if (!failed) want.push_back(i);
        EXPECT_EQ(store::GetSetting(*c, "r" + std::to_string(i)).has_value(), !failed) << i;
    }
    EXPECT_EQ(got, want);  // one event per kept command, in order
    EXPECT_EQ(rep.count, static_cast<int64_t>(want.size()));
}

// When the first command of a batch fails, going back to the batch's savepoint is exactly going
// back to its own: it is not run again, and the commands after it each get their own savepoint
// (a second failure among them rolls back only itself, and sends nobody round again). With
// optimistic batches off, nobody ever runs twice either.
TEST_P(PipelineStore, NoCommandRunsTwiceWhenTheFirstFailsOrBatchesAreNotOptimistic) {
    for (bool optimistic : {true, false}) {
        test::TempDb t(GetParam());
        core::SystemClock clock;
        store::Pipeline p(*t.db, clock, {.queue_capacity = 100, .max_batch = 100, .optimistic = optimistic});
        p.Start();
        std::array<std::atomic<int>, 8> runs{};
        std::array<int, 8> ok{};
        std::atomic<int> done{0};
        WriterGate gate;
        ASSERT_TRUE(p.Submit({1, "t", ""}, gate.Command(), [&](core::Result<core::Json>) { done++; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int i = 0; i < 8; ++i) {
            ASSERT_TRUE(p.Submit(
                {1, "t", ""},
                [&, i](store::WriteTx& tx) -> core::Result<core::Json> {
                    runs[i]++;
                    store::PutSetting(tx.conn(), "f" + std::to_string(i), "v");
                    tx.Emit("test.first_fails", "test", i, {{"i", i}});
                    if (i == 0 || i == 5) return core::Error::Validation("i", "rejected on purpose");
                    return core::Json{{"i", i}};
                },
                [&, i](core::Result<core::Json> r) {
                    ok[i] = r.ok() ? 1 : 0;
                    done++;
                }));
        }
        gate.open = true;
        while (done < 9) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const auto st = p.Stats();
        p.Stop();
        EXPECT_EQ(st.replays, 0u) << optimistic;
        for (int i = 0; i < 8; ++i) {
            EXPECT_EQ(runs[i].load(), 1) << i << " optimistic=" << optimistic;
            EXPECT_EQ(ok[i], i == 0 || i == 5 ? 0 : 1) << i << " optimistic=" << optimistic;
        }
        auto c = t.db->Connect();
        auto rep = store::VerifyChain(*c);
        EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
        EXPECT_EQ(rep.count, 6) << optimistic;
        for (int i = 0; i < 8; ++i)
            EXPECT_EQ(store::GetSetting(*c, "f" + std::to_string(i)).has_value(), i != 0 && i != 5) << i;
    }
}

// A command that ends the transaction itself (as SQLite does after some I/O and memory errors)
// must not leave the commands after it to commit one statement at a time: the whole batch fails,
// its callers are told nothing was written, and nothing of it is there.
TEST_P(PipelineStore, ATransactionEndedUnderTheWriterFailsTheBatch) {
    for (bool optimistic : {true, false}) {
        test::TempDb t(GetParam());
        core::SystemClock clock;
        store::Pipeline p(*t.db, clock, {.queue_capacity = 100, .max_batch = 100, .optimistic = optimistic});
        p.Start();
        ASSERT_TRUE(p.Execute({1, "t", ""}, Insert("before", false)).ok());
        std::atomic<int> done{0}, unavailable{0};
        WriterGate gate;
        ASSERT_TRUE(p.Submit({1, "t", ""}, gate.Command(), [&](core::Result<core::Json>) { done++; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int i = 0; i < 6; ++i) {
            ASSERT_TRUE(p.Submit(
                {1, "t", ""},
                [i](store::WriteTx& tx) -> core::Result<core::Json> {
                    store::PutSetting(tx.conn(), "g" + std::to_string(i), "v");
                    tx.Emit("test.gone", "test", i, {{"i", i}});
                    if (i == 2) tx.conn().Exec("ROLLBACK");
                    return core::Json{{"i", i}};
                },
                [&](core::Result<core::Json> r) {
                    if (!r.ok() && r.error().kind == core::ErrorKind::kUnavailable) unavailable++;
                    done++;
                }));
        }
        gate.open = true;
        while (done < 7) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        EXPECT_EQ(unavailable.load(), 6) << optimistic;
        ASSERT_TRUE(p.Execute({1, "t", ""}, Insert("after", false)).ok());
        p.Stop();
        auto c = t.db->Connect();
        for (int i = 0; i < 6; ++i)
            EXPECT_FALSE(store::GetSetting(*c, "g" + std::to_string(i)).has_value()) << i << " optimistic=" << optimistic;
        auto rep = store::VerifyChain(*c);
        EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
        EXPECT_EQ(rep.count, 2) << optimistic;  // "before" and "after"
    }
}

// A batch with more kept events than ChainSealer::kChunk has them hashed on the sealer's thread
// while the writer runs the later commands. 700 commands in one batch (every fifth emitting two
// events, every eleventh failing after it emitted), then 300 more in a second batch: the chain
// holds exactly the successful commands' events, in order, and continues across the batches.
TEST_P(PipelineStore, LargeBatchesAreSealedInOrderAcrossBatches) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 2000, .max_batch = 1000});
    p.Start();
    std::atomic<int> done{0};
    std::vector<int> ok(1000, -1);
    int next = 0;
    for (int wave : {700, 300}) {
        WriterGate gate;
        ASSERT_TRUE(p.Submit({1, "t", ""}, gate.Command(), [&](core::Result<core::Json>) { done++; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int k = 0; k < wave; ++k, ++next) {
            const int i = next;
            const bool twice = i % 5 == 0, fail = i % 11 == 4;
            ASSERT_TRUE(p.Submit(
                {1, "t", ""},
                [i, twice, fail](store::WriteTx& tx) -> core::Result<core::Json> {
                    tx.Emit("test.first", "test", i, {{"i", i}});
                    if (twice) tx.Emit("test.second", "test", i, {{"i", i}, {"twice", true}});
                    if (fail) return core::Error::Validation("i", "rejected on purpose");
                    return core::Json{{"i", i}};
                },
                [&, i](core::Result<core::Json> r) {
                    ok[i] = r.ok() ? 1 : 0;
                    done++;
                }));
        }
        gate.open = true;
        while (done < next + (wave == 700 ? 1 : 2)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const auto st = p.Stats();
    p.Stop();
    EXPECT_LE(st.commits, 6u);  // the two gates and the two waves, give or take a split
    std::vector<std::pair<int, std::string>> expect;
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(ok[i], i % 11 == 4 ? 0 : 1) << i;
        if (!ok[i]) continue;
        expect.emplace_back(i, "test.first");
        if (i % 5 == 0) expect.emplace_back(i, "test.second");
    }
    auto c = t.db->Connect();
    auto rep = store::VerifyChain(*c);
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
    EXPECT_EQ(rep.count, static_cast<int64_t>(expect.size()));
    auto rows = c->Query("SELECT object_id, action, seq FROM events ORDER BY seq");
    ASSERT_EQ(rows.size(), expect.size());
    for (size_t k = 0; k < rows.size(); ++k) {
        EXPECT_EQ(rows[k].Int(0), expect[k].first) << k;
        EXPECT_EQ(rows[k].Str(1), expect[k].second) << k;
        EXPECT_EQ(rows[k].Int(2), static_cast<int64_t>(k) + 1);
    }
}

// A batch that dies halfway (here: a command reports a lost connection after 500 commands kept
// their events, so the sealer's thread has chunks of them) is rolled back whole; its callers are
// told nothing was written, and the next batch chains from the last committed event, not from
// what the dead batch sealed.
TEST_P(PipelineStore, ABatchThatDiesLeavesNothingOfItsChain) {
    test::TempDb t(GetParam());
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 2000, .max_batch = 1000});
    p.Start();
    ASSERT_TRUE(p.Execute({1, "t", ""}, Insert("before", false)).ok());
    WriterGate gate;
    std::atomic<int> done{0}, unavailable{0};
    ASSERT_TRUE(p.Submit({1, "t", ""}, gate.Command(), [&](core::Result<core::Json>) { done++; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (int i = 0; i < 600; ++i) {
        ASSERT_TRUE(p.Submit(
            {1, "t", ""},
            [i](store::WriteTx& tx) -> core::Result<core::Json> {
                if (i == 500) throw store::DbError(store::DbErrorKind::kConnection, "connection lost (test)");
                store::PutSetting(tx.conn(), "dead" + std::to_string(i), "v");
                tx.Emit("test.dead", "test", i, {{"i", i}});
                return core::Json{{"i", i}};
            },
            [&](core::Result<core::Json> r) {
                if (!r.ok() && r.error().kind == core::ErrorKind::kUnavailable) unavailable++;
                done++;
            }));
    }
    gate.open = true;
    while (done < 601) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(unavailable.load(), 600);
    ASSERT_TRUE(p.Execute({1, "t", ""}, Insert("after", false)).ok());
    p.Stop();
    auto c = t.db->Connect();
    EXPECT_FALSE(store::GetSetting(*c, "dead0").has_value());
    EXPECT_TRUE(store::GetSetting(*c, "after").has_value());
    auto rep = store::VerifyChain(*c);
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
    EXPECT_EQ(rep.count, 2);  // "before" and "after"
    EXPECT_EQ(c->Query("SELECT COUNT(*) FROM events WHERE action = 'test.dead'")[0].Int(0), 0);
}

// SQLite: the checkpointer thread copies the WAL back while the writer goes on, and the writer
// itself copies the last frames once the WAL holds wal_restart_frames, so that it starts over.
// 2,000 commands of about 3 KB each, queued at once and committed back to back in batches of 50,
// write some 2,000 pages: without the restart the WAL would hold them all (8 MB); with it, the
// file stays near 100 pages plus a batch or two.
TEST(PipelineSqlite, WalStartsOverUnderSteadyLoad) {
    test::TempDb t(store::Backend::kSqlite);
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 4000, .max_batch = 50, .wal_restart_frames = 100});
    p.Start();
    const std::string big(3000, 'x');
    std::atomic<int> done{0}, ok{0};
    for (int i = 0; i < 2000; ++i)
        ASSERT_TRUE(p.Submit({1, "t", ""}, [i, &big](store::WriteTx& tx) -> core::Result<core::Json> {
            store::PutSetting(tx.conn(), "w" + std::to_string(i), big);
            tx.Emit("setting.put", "settings", std::nullopt, {{"key", i}});
            return core::Json::object();
        }, [&](core::Result<core::Json> r) {
            if (r.ok()) ok++;
            done++;
        }));
    while (done < 2000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto wal_bytes = std::filesystem::file_size(t.dir / "t.db-wal");
    p.Stop();
    EXPECT_EQ(ok.load(), 2000);
    EXPECT_LT(wal_bytes, 2u << 20) << "the WAL grew to " << wal_bytes << " bytes";
    auto c = t.db->Connect();
    EXPECT_EQ(c->Query("SELECT COUNT(*) FROM settings WHERE key LIKE 'w%'")[0].Int(0), 2000);
    auto rep = store::VerifyChain(*c);
    EXPECT_FALSE(rep.first_bad_seq) << rep.problem;
    EXPECT_EQ(rep.count, 2000);
}

// Outside the pipeline (the CLI, the readers) a SQLite connection checkpoints on its own, as
// wal_autocheckpoint would: a commit that leaves the WAL at the limit or above copies it back, and
// the next transaction starts it over. WalFrames reports the WAL's size after each commit.
TEST(PipelineSqlite, ConnectionsOutsideThePipelineCheckpointThemselves) {
    test::TempDb t(store::Backend::kSqlite);
    auto c = t.db->Connect();
    c->SetAutoCheckpoint(40);
    const std::string big(3000, 'y');
    int64_t most = 0;
    for (int i = 0; i < 300; ++i) {
        store::PutSetting(*c, "c" + std::to_string(i), big);
        most = std::max(most, c->WalFrames());
    }
    EXPECT_GE(most, 40);
    EXPECT_LT(most, 45);  // one page and the root per commit past the limit, then it starts over
    EXPECT_LT(std::filesystem::file_size(t.dir / "t.db-wal"), 200u << 10);
    c->SetAutoCheckpoint(0);
    for (int i = 0; i < 100; ++i) store::PutSetting(*c, "d" + std::to_string(i), big);
    EXPECT_GT(c->WalFrames(), 100);  // no checkpoints now: the WAL only grows
}

// SQLite plans a case list well only with statistics (store::RefreshPlannerStats): they are made
// once the cases are many enough, and made again when their number doubles, not on every start.
TEST(StoreSqlite, PlannerStatsFollowTheNumberOfCases) {
    test::TempDb t;
    auto c = t.db->Connect();
    auto add = [&](int64_t n, int64_t from) {
        c->Exec("WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO cases (number, type, category, category_major, title, description, urgency, source, "
                "street_id, stage, status, reported_at, stage_started_at, updated_at) "
                "SELECT 'T-' || i, 'urban', 'c', 'm', 't', 'd', 'normal', 'test', i % 7, 'handle', 'open', "
                "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n",
                {from, from + n - 1});
    };
    auto analysed = [&] {
        return c->Query("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").empty()
                   ? std::string()
                   : c->Query("SELECT COALESCE(MAX(stat), '') FROM sqlite_stat1 WHERE idx = 'cases_street'")[0].Str(0);
    };
    add(store::kPlannerStatsMinRows - 1, 1);
    EXPECT_FALSE(store::RefreshPlannerStats(*c)) << "too few cases to matter";
    EXPECT_EQ(analysed(), "");
    add(1, store::kPlannerStatsMinRows);
    EXPECT_TRUE(store::RefreshPlannerStats(*c));
    EXPECT_EQ(analysed().substr(0, analysed().find(' ')), std::to_string(store::kPlannerStatsMinRows));
    EXPECT_FALSE(store::RefreshPlannerStats(*c)) << "up to date";
    add(store::kPlannerStatsMinRows, store::kPlannerStatsMinRows + 1);  // exactly doubled: still close enough
    EXPECT_FALSE(store::RefreshPlannerStats(*c));
    add(1, 2 * store::kPlannerStatsMinRows + 1);
    EXPECT_TRUE(store::RefreshPlannerStats(*c));
    EXPECT_EQ(analysed().substr(0, analysed().find(' ')), std::to_string(2 * store::kPlannerStatsMinRows + 1));
}

// A scoped case list reads its page one of two ways: walking the cases from the newest down with
// the scope as one OR (a broad scope), or the scope's own index lookups (a narrow one, where the
// walk would read thousands of rows). Both must list exactly the cases in scope, newest first.
TEST(StoreSqlite, ScopedCaseListsAgreeWithTheScopeBroadOrNarrow) {
    test::TempDb t;
    auto c = t.db->Connect();
    // 3,000 cases: street 1 + (i % 7) for location; every 600th led by unit 900, which no location uses.
    c->Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            "INSERT INTO cases (number, type, category, category_major, title, description, urgency, source, "
            "street_id, lead_unit_id, stage, status, reported_at, stage_started_at, updated_at) "
            "SELECT 'T-' || i, 'urban', 'c', 'm', 't', 'd', 'normal', 'test', 1 + i % 7, "
            "CASE WHEN i % 600 = 0 THEN 900 ELSE NULL END, 'handle', 'open', "
            "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n",
            {});
    auto expect = [&](const std::vector<int64_t>& units, int per_page) {
        std::vector<int64_t> want;
        for (int64_t i = 3000; i >= 1; --i)
            if (std::count(units.begin(), units.end(), 1 + i % 7) || (i % 600 == 0 && std::count(units.begin(), units.end(), 900)))
                want.push_back(i);
        store::CaseFilter f;
        f.prefixes = std::vector<std::string>{"/x/"};  // matches no paths: only the id arms count here
        f.scope_units = units;
        f.per_page = per_page;
        std::vector<int64_t> got;
        for (f.page = 1;; ++f.page) {
            auto [rows, total] = store::ListCases(*c, f);
            EXPECT_EQ(total, static_cast<int64_t>(want.size()));
            for (auto& r : rows) got.push_back(r.id);
            if (static_cast<int>(rows.size()) < per_page) break;
        }
        EXPECT_EQ(got, want);
    };
    expect({3}, 50);        // a street: 1 case in 7, walked (50 * 3000 / 429 rows)
    expect({900}, 2);       // 5 cases: 2 * 3000 / 5 = 1,200 rows to walk, still walked
    expect({900}, 20);      // 20 * 3000 / 5 = 12,000 > 10,000: the index lookups
    expect({3, 900}, 100);  // a street and a department together (no case twice)
    expect({}, 20);         // no units: nothing
}

TEST(TextGrams, PairsOfWordCharactersWithANonAsciiOneInHex) {
    // 井 e4ba95, 盖 e79b96, 破 e7a0b4; "A座" lower-cased to "a座"; "，" and spaces cut the runs;
    // pairs of ASCII characters are left to the scan; no pair spans two texts.
    EXPECT_EQ(store::TextGrams({"井盖破"}), "e4ba95e79b96 e79b96e7a0b4");
    EXPECT_EQ(store::TextGrams({"井盖，破 盖"}), "e4ba95e79b96");
    EXPECT_EQ(store::TextGrams({"A座", "a座"}), "61e5baa7");
    EXPECT_EQ(store::TextGrams({"CG-20260601-000012", "abc 12"}), "");
    EXPECT_EQ(store::TextGrams({"井", "盖"}), "");
    EXPECT_EQ(store::TextGrams({"12号楼"}), "32e58fb7 e58fb7e6a5bc");  // 2号, 号楼
    EXPECT_EQ(store::TextGrams({std::string("\xff井\xe4盖")}), "");  // broken bytes cut the run
    EXPECT_EQ(store::TextGramsQuery("井盖破"), "\"e4ba95e79b96\" \"e79b96e7a0b4\"");
    EXPECT_EQ(store::TextGramsQuery("井"), "");
    // As SQLite's LIKE reads them, U+FFFE and U+FFFF are U+FFFD.
    EXPECT_EQ(store::TextGrams({"井\xEF\xBF\xBE"}), store::TextGrams({"井\xEF\xBF\xBD"}));
    EXPECT_EQ(store::TextGrams({"井\xEF\xBF\xBF"}), "e4ba95efbfbd");
    // A longer spelling of a character (not valid UTF-8, but LIKE reads it) gives the same term.
    EXPECT_EQ(store::TextGrams({"井\xE0\x84\xA3"}), store::TextGrams({"井\xC4\xA3"}));
    // A long query asks for 4 of its pairs, the first and the last among them.
    const std::string q4 = store::TextGramsQuery("一二三四五六七");
    EXPECT_EQ(std::count(q4.begin(), q4.end(), ' '), 3);
    EXPECT_EQ(q4.substr(0, 14), "\"" + store::TextGrams({"一二"}) + "\"");
    EXPECT_EQ(q4.substr(q4.size() - 14), "\"" + store::TextGrams({"六七"}) + "\"");
    EXPECT_EQ(std::count(q4.begin(), q4.end(), '"'), 8);
    const std::string all = store::TextGramsQuery("一二三四五六七", 0);
    EXPECT_EQ(std::count(all.begin(), all.end(), ' '), 5);
}

// The list's text search gives what a substring test of title, description, number and address
// gives, whether it goes through SQLite's text index or PostgreSQL's scan, after inserts, edits of
// the text and deletes.
TEST_P(PipelineStore, CaseTextSearchFindsWhatASubstringTestFinds) {
    test::TempDb t(GetParam());
    auto c = t.db->Connect();
    // 40 Chinese characters, so that most pairs are in a few cases and the index is used for them.
    std::vector<std::string> alphabet = {"1", "2", "a", "，", " "};
    for (const char* ch : {"井", "盖", "破", "损", "路", "灯", "中", "山", "号", "座", "区", "街", "道", "社", "巷",
                           "楼", "门", "口", "水", "管", "漏", "堵", "噪", "音", "扰", "民", "垃", "圾", "清", "运",
                           "违", "建", "占", "停", "车", "树", "木", "绿", "化", "电"})
        alphabet.push_back(ch);
    uint64_t seed = 42;
    auto rnd = [&](uint64_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (seed >> 33) % n;
    };
    auto text = [&](size_t len) {
        std::string s;
        for (size_t i = 0; i < len; ++i) s += alphabet[rnd(alphabet.size())];
        return s;
    };
    std::map<int64_t, std::array<std::string, 4>> cases;  // id -> title, description, number, address
    for (int64_t id = 1; id <= 400; ++id) {
        std::array<std::string, 4> t4 = {text(1 + rnd(6)), text(rnd(20)), "T-" + std::to_string(id), text(rnd(8))};
        c->Exec("INSERT INTO cases (id, number, type, category, category_major, title, description, urgency, source, "
                "address, stage, status, reported_at, stage_started_at, updated_at) VALUES (?, ?, 'urban', 'c', 'm', ?, "
                "?, 'normal', 'test', ?, 'handle', 'open', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', "
                "'2026-01-01T00:00:00.000Z')",
                {id, t4[2], t4[0], t4[1], t4[3]});
        cases[id] = t4;
    }
    auto search = [&](const std::string& q) {
        store::CaseFilter f;
        f.q = q;
        f.per_page = 500;
        auto [rows, total] = store::ListCases(*c, f);
        std::vector<int64_t> got;
        for (auto& r : rows) got.push_back(r.id);
        EXPECT_EQ(total, static_cast<int64_t>(got.size())) << q;
        return got;
    };
    int nonempty = 0;
    auto check = [&](const std::string& q) {
        std::vector<int64_t> want;
        for (auto it = cases.rbegin(); it != cases.rend(); ++it)
            for (const auto& field : it->second)
                if (field.find(q) != std::string::npos) {
                    want.push_back(it->first);
                    break;
                }
        EXPECT_EQ(search(q), want) << "q = " << q;
        nonempty += want.empty() ? 0 : 1;
    };
    auto check_many = [&] {
        for (int k = 0; k < 150; ++k) {
            auto it = cases.begin();
            std::advance(it, static_cast<long>(rnd(cases.size())));
            const std::string& field = it->second[rnd(4)];
            // A substring of 1 to 4 characters of a real text (so most searches find something).
            std::vector<size_t> starts;
            for (size_t i = 0; i < field.size(); ++i)
                if ((static_cast<unsigned char>(field[i]) & 0xC0) != 0x80) starts.push_back(i);
            if (starts.empty()) continue;
            size_t a = rnd(starts.size()), n = 1 + rnd(4);
            size_t b = std::min(starts.size(), a + n);
            size_t end = b < starts.size() ? starts[b] : field.size();
            check(field.substr(starts[a], end - starts[a]));
        }
        for (const char* q : {"井盖", "灯，", "，路", "盖破损", "中山路1号", "T-12", "号a", "区区区区区区"}) check(q);
    };
    auto index = [&] {
        store::Tx tx(*c);
        store::IndexPendingCaseText(*c);
        tx.Commit();
        if (GetParam() == store::Backend::kSqlite) {
            EXPECT_EQ(c->Query("SELECT (SELECT COUNT(*) FROM case_text_pending) + (SELECT COUNT(*) FROM case_text_stale)")[0].Int(0), 0);
        }
    };
    check_many();  // the cases not yet in the index (written outside the pipeline) are found too
    EXPECT_GT(nonempty, 50);
    index();
    check_many();
    EXPECT_GT(nonempty, 100);
    // Edits of the text (the update trigger takes the old terms out) and deletes.
    for (int64_t id = 1; id <= 400; id += 3) {
        auto before = store::FindCase(*c, id);
        ASSERT_TRUE(before);
        auto after = *before;
        after.title = text(1 + rnd(6));
        after.address = text(rnd(8));
        store::UpdateCase(*c, *before, after);
        cases[id][0] = after.title;
        cases[id][3] = after.address;
    }
    for (int64_t id = 2; id <= 400; id += 7) {
        c->Exec("DELETE FROM cases WHERE id = ?", {id});
        cases.erase(id);
    }
    check_many();  // before the index catches up
    index();
    check_many();
    // An edit of an edited case, and of a new one, before the index catches up.
    for (int64_t id : {int64_t{1}, int64_t{4}, int64_t{401}}) {
        if (id == 401)
            c->Exec("INSERT INTO cases (id, number, type, category, category_major, title, description, urgency, "
                    "source, address, stage, status, reported_at, stage_started_at, updated_at) VALUES (401, 'T-401', "
                    "'urban', 'c', 'm', '鹦鹉', '', 'normal', 'test', '', 'handle', 'open', "
                    "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
                    {});
        for (int k = 0; k < 2; ++k) {
            auto before = store::FindCase(*c, id);
            auto after = *before;
            after.title = text(2 + rnd(5));
            store::UpdateCase(*c, *before, after);
            cases[id] = {after.title, after.description, after.number, after.address};
        }
    }
    check_many();
    index();
    check_many();
    if (GetParam() == store::Backend::kSqlite) {
        // After the edits and deletes the index holds each case's current pairs and nothing else:
        // for every pair of the alphabet, the cases it names are those whose text has the pair.
        int pairs = 0;
        for (const auto& a : alphabet)
            for (const auto& b : alphabet) {
                const std::string pair = a + b, match = store::TextGramsQuery(pair);
                if (match.empty() || match.find(' ') != std::string::npos) continue;  // not one term
                int64_t want = 0;
                for (const auto& [id, t4] : cases)
                    for (const auto& field : t4)
                        if (field.find(pair) != std::string::npos) {
                            ++want;
                            break;
                        }
                EXPECT_EQ(c->Query("SELECT COUNT(*) FROM case_text WHERE case_text MATCH ?", {match})[0].Int(0), want)
                    << pair;
                ++pairs;
            }
        EXPECT_GT(pairs, 100);
        // LIKE ignores the case of ASCII letters, and so do the terms.
        c->Exec("UPDATE cases SET title = 'B座' WHERE id = 1");
        cases[1][0] = "B座";
        index();
        EXPECT_EQ(search("b座"), std::vector<int64_t>{1});
        c->Exec("INSERT INTO case_text (case_text) VALUES ('integrity-check')");
        // The index is what answered the searches of a rare text: with one case taken out of it,
        // the searches of its title's pairs no longer find it.
        int served = 0;
        for (auto& [id, t4] : cases) {
            // The title's first 3 characters, when they make at least one pair.
            size_t end = 0;
            for (int k = 0; k < 3 && end < t4[0].size(); ++k)
                do ++end;
                while (end < t4[0].size() && (static_cast<unsigned char>(t4[0][end]) & 0xC0) == 0x80);
            const std::string q = t4[0].substr(0, end);
            if (store::TextGramsQuery(q).empty()) continue;
            auto before = search(q);
            ASSERT_NE(std::find(before.begin(), before.end(), id), before.end()) << q;
            c->Exec("INSERT INTO case_text (case_text, rowid, grams) VALUES ('delete', ?, ?)",
                    {id, store::TextGrams({t4[0], t4[1], t4[2], t4[3]})});
            auto after = search(q);
            EXPECT_EQ(std::count(after.begin(), after.end(), id), 0) << q;
            EXPECT_EQ(after.size() + 1, before.size()) << q;
            if (++served == 10) break;
        }
        EXPECT_EQ(served, 10);
    }
}

// A search's light totals, with enough matches (2,400 of 12,000) that the store checks each open
// case against the text index's list instead of reading the cases through it.
TEST_P(PipelineStore, LightTotalsOfASearchCountItsOpenCases) {
    test::TempDb t(GetParam());
    auto c = t.db->Connect();
    c->Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) "
            "INSERT INTO cases (number, type, category, category_major, title, description, urgency, source, "
            "address, stage, status, light, reported_at, stage_started_at, updated_at) "
            "SELECT 'T-' || i, 'urban', 'c', 'm', CASE WHEN i % 5 = 1 THEN '鹦鹉螺' ELSE '路灯' END, "
            "CASE WHEN i % 7 = 0 THEN '鹦鹉' ELSE 'd' END, 'normal', 'test', "
            "CASE WHEN i % 13 = 0 THEN '井盖旁' ELSE '' END, 'handle', "
            "CASE WHEN i % 4 = 0 THEN 'closed' WHEN i % 9 = 0 THEN 'suspended' ELSE 'open' END, "
            "CASE i % 3 WHEN 0 THEN 'green' WHEN 1 THEN 'yellow' ELSE 'red' END, "
            "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n",
            {});
    {
        store::Tx tx(*c);
        store::IndexPendingCaseText(*c);
        tx.Commit();
    }
    // 鹦鹉螺: 2,400 matches, checked along the open cases' index; 井盖: 923, read through the list.
    for (const std::string q : {"鹦鹉", "鹦鹉螺", "路灯", "螺", "井盖"}) {
        std::map<std::string, int64_t> want = {{"green", 0}, {"yellow", 0}, {"red", 0}};
        int64_t matched = 0;
        for (int i = 1; i <= 12000; ++i) {
            const std::string title = i % 5 == 1 ? "鹦鹉螺" : "路灯", desc = i % 7 == 0 ? "鹦鹉" : "d",
                              addr = i % 13 == 0 ? "井盖旁" : "";
            if (title.find(q) == std::string::npos && desc.find(q) == std::string::npos &&
                addr.find(q) == std::string::npos)
                continue;
            ++matched;
            if (i % 4 == 0) continue;  // closed
            ++want[i % 3 == 0 ? "green" : i % 3 == 1 ? "yellow" : "red"];
        }
        store::CaseFilter f;
        f.q = q;
        f.per_page = 10;
        auto lights = store::CountCaseLights(*c, f);
        for (const auto& [light, n] : want) EXPECT_EQ(lights[light].get<int64_t>(), n) << q << " " << light;
        EXPECT_EQ(store::ListCases(*c, f).second, matched) << q;
    }
    if (GetParam() != store::Backend::kSqlite) return;
    // Both ways went through the index: with an open red case (鹦鹉螺, and 井盖 by its address)
    // taken out of it, both searches count one red case fewer.
    auto red = [&](const std::string& q) {
        store::CaseFilter f;
        f.q = q;
        return store::CountCaseLights(*c, f)["red"].get<int64_t>();
    };
    const int64_t red1 = red("鹦鹉螺"), red2 = red("井盖");
    auto row = store::FindCase(*c, 221);  // 221 % 5 = 1, % 13 = 0, % 3 = 2 (red), % 4 = 1 (open)
    ASSERT_TRUE(row);
    ASSERT_EQ(row->light, "red");
    c->Exec("INSERT INTO case_text (case_text, rowid, grams) VALUES ('delete', 221, ?)",
            {store::TextGrams({row->title, row->description, row->number, row->address})});
    EXPECT_EQ(red("鹦鹉螺"), red1 - 1);
    EXPECT_EQ(red("井盖"), red2 - 1);
}

// Cases written through the pipeline reach the text index kTextIndexBatch at a time, before a
// COMMIT; those still waiting are found by a search all the same, and a failed command leaves
// nothing waiting.
TEST_P(PipelineStore, Migration14RemasksShortPhoneNumbers) {
    test::TempDb t(GetParam());
    auto c = t.db->Connect();
    const std::vector<std::string> before = {"8412345", "841*3456", "138****5678", ""};
    const std::vector<std::string> after = {"84***45", "84****56", "138****5678", ""};
    for (size_t i = 0; i < before.size(); ++i) {
        store::CaseRow r = test::TestCase(static_cast<int64_t>(i + 1), "t");
        store::InsertCase(*c, r);
        store::CaseReporterRow rep;
        rep.case_id = r.id;
        rep.phone_masked = before[i];
        store::PutCaseReporter(*c, rep);
    }
    c->Exec("DELETE FROM schema_migrations WHERE version = 14");  // as written by a server before it
    EXPECT_EQ(store::Migrate(*c), std::vector<int>{14});
    for (size_t i = 0; i < before.size(); ++i)
        EXPECT_EQ(store::FindCaseReporter(*c, static_cast<int64_t>(i + 1))->phone_masked, after[i]) << before[i];
}

// Who may read a file: its uploaders (each under its own name), and the cases and projects
// naming it. The writes keep the refs; migration 16 derives them for a database from before it.
TEST_P(PipelineStore, AttachmentRefsAreKeptByTheWritesAndDerivedByMigration16) {
    test::TempDb t(GetParam());
    auto c = t.db->Connect();
    const std::string a(64, 'a'), b(64, 'b'), d(64, 'd');
    for (const auto& sha : {a, b, d})
        store::InsertAttachmentIfAbsent(*c, {sha, "image/jpeg", 10, "first-" + sha.substr(0, 1) + ".jpg",
                                             "2026-11-30T00:00:00Z", 7});
    store::AddAttachmentRef(*c, a, "upload", 7, "first-a.jpg");
    store::AddAttachmentRef(*c, a, "upload", 8, "second.jpg");
    store::AddAttachmentRef(*c, a, "upload", 8, "again.jpg");  // the first name stays
    store::CaseRow r = test::TestCase(5, "井盖");
    r.attachments = {a};
    store::InsertCase(*c, r);
    store::CaseRow after = r;
    after.attachments = {a, b};
    store::UpdateCase(*c, r, after);
    store::ProjectRow p;
    p.number = "XM-2026-0001";
    p.name = "测试项目";
    p.stage = "signed";
    p.stage_date = "2026-01-05";
    p.created_at = p.updated_at = p.last_progress_at = "2026-01-05T00:00:00Z";
    p.year = 2026;
    store::InsertProject(*c, &p);
    store::StageRow st;
    st.record_id = p.id;
    st.stage = "signed";
    st.date = "2026-01-05";
    st.actor = "t";
    st.at = "2026-01-05T00:00:00Z";
    st.attachments = core::Json::array({b});
    store::InsertStage(*c, st);
    st.attachments = core::Json::array({d});
    store::InsertProgress(*c, st);

    auto refs = [&](const std::string& sha) {
        std::vector<std::string> out;
        for (const auto& x : store::ListAttachmentRefs(*c, sha, 100))
            out.push_back(x.kind + ":" + std::to_string(x.ref_id) + (x.name.empty() ? "" : ":" + x.name));
        return out;
    };
    using V = std::vector<std::string>;
    const std::string pid = std::to_string(p.id);
    EXPECT_EQ(refs(a), (V{"upload:8:second.jpg", "upload:7:first-a.jpg", "case:5"}));
    EXPECT_EQ(refs(b), (V{"project:" + pid, "case:5"}));
    EXPECT_EQ(refs(d), (V{"project:" + pid}));
    EXPECT_EQ(store::ListAttachmentRefs(*c, a, 2).size(), 2u);
    EXPECT_TRUE(refs(std::string(64, 'e')).empty());
    // a write may name a file its author uploaded, or one on that very case or project
    EXPECT_TRUE(store::MayAttach(*c, a, 8, "case", std::nullopt));
    EXPECT_FALSE(store::MayAttach(*c, b, 8, "case", std::nullopt));  // 7's upload, on no case of 8's
    EXPECT_TRUE(store::MayAttach(*c, b, 8, "case", 5));               // on case 5 already
    EXPECT_FALSE(store::MayAttach(*c, b, 8, "case", 6));
    EXPECT_FALSE(store::MayAttach(*c, d, std::nullopt, "case", 5));   // on the project, not the case
    EXPECT_TRUE(store::MayAttach(*c, d, std::nullopt, "project", p.id));
    EXPECT_FALSE(store::MayAttach(*c, std::string(64, 'e'), 8, "case", 5));

    // A database from before migration 16: the first uploader, every case and project naming a file.
    c->ExecScript("DROP TABLE attachment_refs");
    c->Exec("DELETE FROM schema_migrations WHERE version = 16");
    EXPECT_EQ(store::Migrate(*c), std::vector<int>{16});
    EXPECT_EQ(refs(a), (V{"upload:7:first-a.jpg", "case:5"}));
    EXPECT_EQ(refs(b), (V{"upload:7:first-b.jpg", "project:" + pid, "case:5"}));
    EXPECT_EQ(refs(d), (V{"upload:7:first-d.jpg", "project:" + pid}));
}

TEST(StoreSqlite, CaseTextWaitingSaysWhenTheIndexHasWork) {
    test::TempDb t;
    auto c = t.db->Connect();
    EXPECT_FALSE(store::CaseTextWaiting(*c));  // no case
    store::InsertCase(*c, test::TestCase(1, "井盖缺失"));
    EXPECT_TRUE(store::CaseTextWaiting(*c));  // a new case
    store::IndexPendingCaseText(*c);
    EXPECT_FALSE(store::CaseTextWaiting(*c));
    c->Exec("UPDATE cases SET title = '路灯不亮' WHERE id = 1");
    EXPECT_TRUE(store::CaseTextWaiting(*c));  // an edited case: its old terms wait to go
    store::IndexPendingCaseText(*c);
    EXPECT_FALSE(store::CaseTextWaiting(*c));
    c->Exec("DELETE FROM cases WHERE id = 1");
    EXPECT_TRUE(store::CaseTextWaiting(*c));  // a deleted one
}

TEST(StoreSqlite, PipelineIndexesCaseTextInBatches) {
    test::TempDb t;
    core::SystemClock clock;
    store::Pipeline p(*t.db, clock, {.queue_capacity = 2000, .max_batch = 64});
    const int n = 1500;
    std::atomic<int> done{0};
    p.Start();
    for (int i = 1; i <= n; ++i) {
        const bool fail = i % 50 == 0;  // inserts its case, then fails: rolled back with its note
        ASSERT_TRUE(p.Submit(
            {1, "t", ""},
            [i, fail](store::WriteTx& tx) -> core::Result<core::Json> {
                store::CaseRow r = test::TestCase(i, i % 20 == 0 ? "鹦鹉螺井盖" : "路灯");
                r.description = "d";
                store::InsertCase(tx.conn(), r);
                if (fail) return core::Error::Validation("x", "rejected on purpose");
                return core::Json{{"id", i}};
            },
            [&](core::Result<core::Json>) { done++; }));
    }
    while (done < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    p.Stop();
    auto c = t.db->Connect();
    const int64_t indexed = c->Query("SELECT COUNT(*) FROM case_text WHERE case_text MATCH ?",
                                     {store::TextGramsQuery("井盖")})[0].Int(0);
    const int64_t pending = c->Query("SELECT COUNT(*) FROM case_text_pending")[0].Int(0);
    EXPECT_LT(pending, store::kTextIndexBatch);
    EXPECT_EQ(c->Query("SELECT COUNT(*) FROM case_text_pending p WHERE p.id NOT IN (SELECT id FROM cases)")[0].Int(0), 0);
    EXPECT_GT(indexed, 40);  // five rounds of 256 reached the index
    int64_t want = 0;
    for (int i = 1; i <= n; ++i) want += (i % 20 == 0 && i % 50 != 0) ? 1 : 0;
    store::CaseFilter f;
    f.q = "鹦鹉螺井";
    f.per_page = 500;
    EXPECT_EQ(store::ListCases(*c, f).second, want);  // indexed and waiting together
    EXPECT_EQ(c->Query("SELECT COUNT(*) FROM cases")[0].Int(0), n - n / 50);
    // The index answered (57 matches and 190 waiting, under a quarter of the cases): with case 20
    // taken out of it, the search finds one case fewer.
    auto row = store::FindCase(*c, 20);
    ASSERT_TRUE(row);
    c->Exec("INSERT INTO case_text (case_text, rowid, grams) VALUES ('delete', 20, ?)",
            {store::TextGrams({row->title, row->description, row->number, row->address})});
    EXPECT_EQ(store::ListCases(*c, f).second, want - 1);
}
