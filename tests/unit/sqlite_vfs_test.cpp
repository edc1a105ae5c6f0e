// The WAL-batching VFS (src/store/sqlite_vfs.cpp) keeps a commit's WAL frames in memory until the
// sync. These tests check what that must not change: a commit is in the file when it returns, every
// other connection sees it at once, and transactions larger than one write call still commit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_vfs.hpp"

namespace {

struct TempDir {
    std::filesystem::path dir;
    TempDir() {
        char tmpl[] = "/tmp/duban-vfs-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
    std::string db() const { return (dir / "t.db").string(); }
};

// A connection, closed when it goes out of scope (also when an assertion ends the test early).
using Db = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;

// vfs: the WAL-batching VFS's name, or nullptr for SQLite's own. Null on failure.
Db Open(const std::string& path, const char* vfs) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    Db out(db, sqlite3_close);
    if (rc != SQLITE_OK) out.reset();
    if (!out) return out;
    if (vfs) duban::store::WatchRollbacks(db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
    return out;
}

int Exec(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

// A connection through the VFS that has run `setup` (the table t), and one through SQLite's own
// VFS to watch what it writes. Either is null on failure.
struct Pair {
    Db vfs{nullptr, sqlite3_close};
    Db plain{nullptr, sqlite3_close};
};
Pair OpenPair(const std::string& path, const std::string& setup) {
    Pair p;
    p.vfs = Open(path, duban::store::WalBatchingVfs());
    if (p.vfs && Exec(p.vfs.get(), setup) != SQLITE_OK) p.vfs.reset();
    p.plain = Open(path, nullptr);
    return p;
}

int64_t One(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

std::string Text(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::string v = sqlite3_step(st) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "";
    sqlite3_finalize(st);
    return v;
}

// A SELECT of n random blobs of the given size.
std::string Rows(int n, int size) {
    return "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + std::to_string(n) +
           ") SELECT randomblob(" + std::to_string(size) + ") FROM s";
}

}  // namespace

TEST(SqliteVfs, IsRegistered) {
    const char* name = duban::store::WalBatchingVfs();
    ASSERT_NE(name, nullptr);
    EXPECT_NE(sqlite3_vfs_find(name), nullptr);
}

// A process commits through the VFS and dies without closing anything (no checkpoint, no
// destructor). Every commit it made must be in the WAL on disk: SQLite's own VFS, opening the
// file afterwards, recovers all of them. Some commits are 300 KB, more than one write call.
TEST(SqliteVfs, CommitIsOnDiskWhenItReturns) {
    TempDir t;
    constexpr int kCommits = 120;
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        Db owner = Open(t.db(), duban::store::WalBatchingVfs());
        sqlite3* db = owner.get();
        if (!db || Exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)") != SQLITE_OK) _exit(2);
        for (int i = 1; i <= kCommits; ++i) {
            int size = i % 10 == 0 ? 300 * 1024 : 100 + i;
            if (Exec(db, "INSERT INTO t (id, body) VALUES (" + std::to_string(i) + ", zeroblob(" +
                             std::to_string(size) + "))") != SQLITE_OK)
                _exit(3);
        }
        _exit(0);  // no sqlite3_close (_exit runs no destructor): what is on disk now is all there is
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);

    Db owner = Open(t.db(), nullptr);  // SQLite's default VFS
    sqlite3* db = owner.get();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(One(db, "SELECT count(*) FROM t"), kCommits);
    int64_t want = 0;
    for (int i = 1; i <= kCommits; ++i) want += i % 10 == 0 ? 300 * 1024 : 100 + i;
    EXPECT_EQ(One(db, "SELECT sum(length(body)) FROM t"), want);
    EXPECT_EQ(Text(db, "PRAGMA integrity_check"), "ok");
}

// A second connection (here on SQLite's own VFS) sees each commit as soon as it returns, so no
// committed frame is left in the writer's buffer.
TEST(SqliteVfs, OtherConnectionsSeeEachCommit) {
    TempDir t;
    Pair p = OpenPair(t.db(), "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
    ASSERT_TRUE(p.vfs && p.plain);
    sqlite3* w = p.vfs.get();
    sqlite3* r = p.plain.get();
    for (int i = 1; i <= 200; ++i) {
        ASSERT_EQ(Exec(w, "BEGIN; INSERT INTO t (body) VALUES (printf('%.*c', " + std::to_string(i * 37) +
                              ", 'x')); INSERT INTO t (body) VALUES ('b'); COMMIT"),
                  SQLITE_OK);
        ASSERT_EQ(One(r, "SELECT count(*) FROM t"), 2 * i);
        ASSERT_EQ(One(r, "SELECT length(body) FROM t WHERE id = " + std::to_string(2 * i - 1)), i * 37);
    }
    // A transaction the writer rolls back leaves nothing behind for anyone.
    ASSERT_EQ(Exec(w, "BEGIN; INSERT INTO t (body) VALUES (zeroblob(500000)); ROLLBACK"), SQLITE_OK);
    EXPECT_EQ(One(r, "SELECT count(*) FROM t"), 400);
    // The writer's own checkpoint reads the frames back from the file.
    EXPECT_EQ(Exec(w, "PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
    EXPECT_EQ(One(r, "SELECT count(*) FROM t"), 400);
    EXPECT_EQ(Text(r, "PRAGMA integrity_check"), "ok");
}

// A transaction large enough to spill pages into the WAL before it ends, then rolled back: its
// frames were never committed and must never reach the file later, where another connection has
// meanwhile committed its own frames at the same offsets.
TEST(SqliteVfs, RolledBackSpillNeverOverwritesLaterCommits) {
    TempDir t;
    Pair p = OpenPair(t.db(), "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB); PRAGMA cache_size=20");
    ASSERT_TRUE(p.vfs && p.plain);
    sqlite3* a = p.vfs.get();
    sqlite3* b = p.plain.get();
    for (int round = 0; round < 5; ++round) {
        // a: a 2 MB transaction with a 20-page cache spills frames to the WAL; then it rolls back.
        ASSERT_EQ(Exec(a, "BEGIN; INSERT INTO t (body) " + Rows(1000, 2000)), SQLITE_OK);
        ASSERT_EQ(Exec(a, "ROLLBACK"), SQLITE_OK);
        // b commits where a's frames were.
        ASSERT_EQ(Exec(b, "INSERT INTO t (body) " + Rows(200, 3000)), SQLITE_OK);
        // a reads and writes again.
        ASSERT_EQ(One(a, "SELECT count(*) FROM t"), 200 * (round + 1) + round);
        ASSERT_EQ(Exec(a, "INSERT INTO t (body) VALUES (x'01')"), SQLITE_OK);
        ASSERT_EQ(Text(b, "PRAGMA integrity_check"), "ok") << round;
        ASSERT_EQ(One(b, "SELECT count(*) FROM t"), 200 * (round + 1) + round + 1);
    }
}
