// duban_bench_sql_floor — the SQL that creating an org unit runs in the commit pipeline, and
// nothing else: no JSON, no hashing, no threads. It is the floor under the in-process pipeline
// figure (bench/pipeline_bench.cpp) on this machine: the pipeline cannot take less time per
// creation than its own statements take.
//
// The database is made by the store's migrations (the real schema, indexes and foreign keys) and
// opened as the store opens it (its WAL-batching VFS; WAL, synchronous=FULL, foreign keys on,
// temp_store=MEMORY, no memory statistics). Per batch of --batch creations, as the writer runs
// one: BEGIN IMMEDIATE, the chain head's read and one SAVEPOINT; per creation the parent's kind,
// path and active flag, the next id and the unit's INSERT; then RELEASE, the batch's event rows in
// INSERTs of 64 (each row a 330-byte payload and two 64-character hashes, like a creation's
// event) and COMMIT. No checkpoints (the server's run on another thread). With
// --savepoint-per-command each creation has its own SAVEPOINT and RELEASE instead, as the writer
// runs a batch again after a command in it failed.
//
// usage: duban_bench_sql_floor [--dir DIR] [--count N] [--batch B] [--savepoint-per-command] [--keep]
// Prints a human line and "RESULT sql_floor creations=N seconds=S per_s=X us_per_creation=X".
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/sqlite_vfs.hpp"
#include "store/store.hpp"

namespace {

[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "duban_bench_sql_floor: %s\n", msg.c_str());
    std::exit(1);
}

class Db {
public:
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            duban::store::WalBatchingVfs()) != SQLITE_OK)
            Die("cannot open " + path);
        duban::store::WatchRollbacks(db_);
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
             "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;");
    }
    ~Db() {
        for (auto* st : stmts_) sqlite3_finalize(st);
        sqlite3_close(db_);
    }
    void Exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "error";
            sqlite3_free(err);
            Die(std::string(sql) + ": " + m);
        }
    }
    sqlite3_stmt* Prepare(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
            Die(std::string(sqlite3_errmsg(db_)) + " in: " + sql);
        stmts_.push_back(st);
        return st;
    }
    // Steps to the end; returns the first row's first column as an integer (0 when none).
    int64_t Run(sqlite3_stmt* st) {
        int64_t first = 0;
        bool got = false;
        for (;;) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Die(sqlite3_errmsg(db_));
            if (!got) first = sqlite3_column_int64(st, 0);
            got = true;
        }
        sqlite3_reset(st);
        return first;
    }

private:
    sqlite3* db_ = nullptr;
    std::vector<sqlite3_stmt*> stmts_;
};

void Text(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    if (const char* t = std::getenv("TMPDIR")) dir = t;
    if (dir.empty()) dir = "/tmp";
    int64_t count = 200000;
    int64_t batch = 1024;
    bool keep = false;
    bool per_command = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) Die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--dir") dir = val();
        else if (a == "--count") count = std::atoll(val().c_str());
        else if (a == "--batch") batch = std::atoll(val().c_str());
        else if (a == "--keep") keep = true;
        else if (a == "--savepoint-per-command") per_command = true;
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban_bench_sql_floor [--dir DIR] [--count N] [--batch B] [--savepoint-per-command] [--keep]\n");
            return 0;
        } else Die("unknown option " + a);
    }
    if (count < 1 || count > 10'000'000) Die("--count must be in [1, 1e7]");
    if (batch < 1 || batch > 8192) Die("--batch must be in [1, 8192]");

    std::string tmpl = (std::filesystem::path(dir) / "duban-sql-floor-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory in " + dir + ": " + std::strerror(errno));
    const std::string path = tmpl + "/floor.db";
    {
        auto c = duban::store::OpenSqlite(path);  // the store's connection: also turns SQLite's memory statistics off
        duban::store::Migrate(*c);
        c->Exec("INSERT INTO org_units (id, parent_id, kind, name, code, path, created_at, updated_at) VALUES "
                "(1, NULL, 'district', '沙河口区(压测)', 'FLOOR-D', '/1/', '2026-11-29T00:00:00.000Z', "
                "'2026-11-29T00:00:00.000Z'), (2, 1, 'street', '春柳街道(压测)', 'FLOOR-S', '/1/2/', "
                "'2026-11-29T00:00:00.000Z', '2026-11-29T00:00:00.000Z')");
    }
    double secs = 0;
    {
        Db db(path);
        auto* head = db.Prepare("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
        auto* sp = db.Prepare("SAVEPOINT cmd");
        auto* rel = db.Prepare("RELEASE SAVEPOINT cmd");
        auto* parent = db.Prepare("SELECT kind, path, active FROM org_units WHERE id = ?");
        auto* next = db.Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM org_units");
        auto* ins = db.Prepare(
            "INSERT INTO org_units (id, parent_id, kind, name, code, path, active, generated, created_at, "
            "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 1)");
        std::string ev_sql =
            "INSERT INTO events (seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, "
            "hash) VALUES ";
        for (int i = 0; i < 64; ++i) ev_sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        auto* ev64 = db.Prepare(ev_sql);
        auto* ev1 = db.Prepare(
            "INSERT INTO events (seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, "
            "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        const std::string at = "2026-11-29T19:00:00.000Z", kind = "community", hash(64, 'e');
        std::string payload(330, 'p');
        std::vector<int64_t> ids;
        int64_t seq = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t done = 0; done < count;) {
            const int64_t n = std::min(batch, count - done);
            db.Exec("BEGIN IMMEDIATE");
            db.Run(head);
            if (!per_command) db.Run(sp);
            ids.clear();
            for (int64_t k = 0; k < n; ++k) {
                if (per_command) db.Run(sp);
                sqlite3_bind_int64(parent, 1, 2);
                db.Run(parent);
                const int64_t id = db.Run(next);
                const std::string name = "压测社区" + std::to_string(done + k);
                const std::string unit_path = "/1/2/" + std::to_string(id) + "/";
                sqlite3_bind_int64(ins, 1, id);
                sqlite3_bind_int64(ins, 2, 2);
                Text(ins, 3, kind);
                Text(ins, 4, name);
                sqlite3_bind_null(ins, 5);
                Text(ins, 6, unit_path);
                sqlite3_bind_int64(ins, 7, 0);
                Text(ins, 8, at);
                Text(ins, 9, at);
                db.Run(ins);
                if (per_command) db.Run(rel);
                ids.push_back(id);
            }
            if (!per_command) db.Run(rel);
            auto bind_event = [&](sqlite3_stmt* st, int base, int64_t id) {
                sqlite3_bind_int64(st, base + 1, ++seq);
                Text(st, base + 2, at);
                sqlite3_bind_int64(st, base + 3, 1);
                sqlite3_bind_text(st, base + 4, "admin", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, base + 5, "org_unit.create", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, base + 6, "org_unit", -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, base + 7, id);
                Text(st, base + 8, payload);
                Text(st, base + 9, hash);
                Text(st, base + 10, hash);
            };
            size_t e = 0;
            for (; e + 64 <= ids.size(); e += 64) {
                for (int r = 0; r < 64; ++r) bind_event(ev64, r * 10, ids[e + static_cast<size_t>(r)]);
                db.Run(ev64);
            }
            for (; e < ids.size(); ++e) {
                bind_event(ev1, 0, ids[e]);
                db.Run(ev1);
            }
            db.Exec("COMMIT");
            done += n;
        }
        secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (!keep) std::filesystem::remove_all(tmpl);
    const double rate = static_cast<double>(count) / secs;
    const char* sp_mode = per_command ? "command" : "batch";
    std::printf("SQL of an org-unit creation alone (batches of %lld, a savepoint per %s, no JSON, no hashing, "
                "no checkpoints, %s): %lld in %.2f s = %.0f per second (%.2f us each)\n",
                static_cast<long long>(batch), sp_mode, dir.c_str(), static_cast<long long>(count), secs, rate,
                1e6 / rate);
    std::printf("RESULT sql_floor creations=%lld seconds=%.3f per_s=%.1f us_per_creation=%.3f savepoint_per=%s\n",
                static_cast<long long>(count), secs, rate, 1e6 / rate, sp_mode);
    return 0;
}
