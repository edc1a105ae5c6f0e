#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "store/case_repos.hpp"
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
