// duban_sqlite_commit — this disk's single-row-commit rate for SQLite in WAL mode with
// synchronous=FULL: one INSERT per transaction (autocommit), so every row waits for its own
// fsync of the WAL. This is the ceiling a server that commits each request on its own would hit;
// the group-commit pipeline is measured against it (bench/run.sh, docs/benchmarks.md).
//
// usage: duban_sqlite_commit [--dir DIR] [--seconds S] [--keep]
//   --dir      where to create the temporary database (default: $TMPDIR or /tmp); use the
//              directory the server's database lives in, so both measure the same disk
//   --seconds  how long to insert (default 5)
//   --keep     leave the temporary directory in place
// Prints a human line and a machine line "RESULT sqlite_commit commits=N seconds=S per_s=X".
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "duban_sqlite_commit: %s\n", msg.c_str());
    std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string m = err ? err : "error";
        sqlite3_free(err);
        Die(std::string(sql) + ": " + m);
    }
}

std::string Pragma(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        v = t ? t : "";
    }
    sqlite3_finalize(st);
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    if (const char* t = std::getenv("TMPDIR")) dir = t;
    if (dir.empty()) dir = "/tmp";
    double seconds = 5;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) Die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--dir") dir = val();
        else if (a == "--seconds") seconds = std::atof(val().c_str());
        else if (a == "--keep") keep = true;
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban_sqlite_commit [--dir DIR] [--seconds S] [--keep]\n");
            return 0;
        } else Die("unknown option " + a);
    }
    if (seconds <= 0 || seconds > 600) Die("--seconds must be in (0, 600]");

    std::string tmpl = (std::filesystem::path(dir) / "duban-sqlite-commit-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory in " + dir + ": " + std::strerror(errno));
    const std::string path = tmpl + "/commit.db";

    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
        Die("cannot open " + path);
    // The same settings as duban's SQLite connection (src/store/sqlite_conn.cpp).
    Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    const std::string mode = Pragma(db, "PRAGMA journal_mode");
    const std::string sync = Pragma(db, "PRAGMA synchronous");  // 2 = FULL
    if (mode != "wal" || sync != "2") Die("expected journal_mode=wal synchronous=2, got " + mode + " " + sync);
    Exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload TEXT NOT NULL)");

    // ~200 bytes of UTF-8 Chinese (3 bytes a character): a typical work-item sentence.
    std::string payload;
    const std::string sentence = "沙河口区春柳街道第一社区网格员完成本月重点工作督办事项并上报进展情况，";
    while (payload.size() + sentence.size() <= 210) payload += sentence;
    while (payload.size() < 198) payload += "督";

    sqlite3_stmt* ins = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO t (at, payload) VALUES (?, ?)", -1, &ins, nullptr) != SQLITE_OK)
        Die(sqlite3_errmsg(db));

    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    long long n = 0;
    auto now = t0;
    char at[32];
    while (now < deadline) {
        std::snprintf(at, sizeof at, "%lld", static_cast<long long>(n));
        sqlite3_bind_text(ins, 1, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) Die(sqlite3_errmsg(db));  // autocommit: one fsync
        sqlite3_reset(ins);
        ++n;
        now = Clock::now();
    }
    const double secs = std::chrono::duration<double>(now - t0).count();
    sqlite3_finalize(ins);
    const std::string count = Pragma(db, "SELECT COUNT(*) FROM t");
    sqlite3_close(db);
    if (count != std::to_string(n)) Die("row count " + count + " != commits " + std::to_string(n));
    if (!keep) std::filesystem::remove_all(tmpl);

    const double rate = n / secs;
    std::printf("sqlite single-row commit (WAL, synchronous=FULL, %zu-byte payload, %s): %lld commits in %.2f s = %.0f commits/s (%.3f ms each)\n",
                payload.size(), dir.c_str(), n, secs, rate, 1000.0 * secs / static_cast<double>(n ? n : 1));
    std::printf("RESULT sqlite_commit commits=%lld seconds=%.3f per_s=%.1f\n", n, secs, rate);
    return 0;
}
