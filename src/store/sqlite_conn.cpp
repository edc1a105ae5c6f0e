// SQLite connection: WAL, foreign keys on, synchronous=FULL (a commit is on disk when it returns).
// Prepared statements are cached by their SQL text: the writer runs the same few statements
// many thousand times a second.
#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/db.hpp"
#include "store/sqlite_vfs.hpp"
#include "store/text_grams.hpp"

namespace duban::store {
namespace {

DbErrorKind Classify(int rc, int ext) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return DbErrorKind::kUnique;
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return DbErrorKind::kForeignKey;
    if (ext == SQLITE_CONSTRAINT_CHECK || ext == SQLITE_CONSTRAINT_NOTNULL) return DbErrorKind::kCheck;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return DbErrorKind::kBusy;
    return DbErrorKind::kOther;
}

class SqliteConn final : public Conn {
public:
    explicit SqliteConn(const std::string& path) {
        int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 WalBatchingVfs());
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw DbError(DbErrorKind::kConnection, "cannot open SQLite database " + path + ": " + msg);
        }
        sqlite3_extended_result_codes(db_, 1);
        WatchRollbacks(db_);
        sqlite3_busy_timeout(db_, 10000);
        // The case text index's triggers call it (migration 13).
        if (RegisterTextGrams(db_) != SQLITE_OK) {
            std::string msg = sqlite3_errmsg(db_);
            sqlite3_close(db_);
            db_ = nullptr;
            throw DbError(DbErrorKind::kConnection, "cannot register duban_grams on " + path + ": " + msg);
        }
        ExecScript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;");
        // In place of wal_autocheckpoint, which is a WAL hook too: the same checkpoint after a
        // commit that leaves auto_checkpoint_ pages or more, and the WAL size kept for WalFrames.
        sqlite3_wal_hook(db_, OnWalCommit, this);
    }
    ~SqliteConn() override {
        for (auto& [k, st] : cache_) sqlite3_finalize(st);
        sqlite3_close(db_);
    }

    std::vector<Row> Query(std::string_view sql, const std::vector<Value>& params) override {
        sqlite3_stmt* st = Prepare(sql, params);
        std::vector<Row> rows;
        int ncol = sqlite3_column_count(st);
        for (;;) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) Fail(st, rc);
            Row r;
            r.cols.reserve(ncol);
            for (int i = 0; i < ncol; ++i) {
                switch (sqlite3_column_type(st, i)) {
                    case SQLITE_NULL: r.cols.emplace_back(nullptr); break;
                    case SQLITE_INTEGER: r.cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, i))); break;
                    case SQLITE_FLOAT: r.cols.emplace_back(sqlite3_column_double(st, i)); break;
                    default: {
                        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
                        r.cols.emplace_back(std::string(t ? t : "", sqlite3_column_bytes(st, i)));
                    }
                }
            }
            rows.push_back(std::move(r));
        }
        sqlite3_reset(st);
        return rows;
    }

    int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
        sqlite3_stmt* st = Prepare(sql, params);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) Fail(st, rc);
        sqlite3_reset(st);
        return sqlite3_changes(db_);
    }

    void ExecScript(std::string_view sql) override {
        std::string s(sql);
        char* err = nullptr;
        int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : "error";
            sqlite3_free(err);
            throw DbError(Classify(rc, sqlite3_extended_errcode(db_)), msg);
        }
    }

    Backend backend() const override { return Backend::kSqlite; }
    void SetAutoCheckpoint(int pages) override { auto_checkpoint_ = pages; }
    int64_t WalFrames() const override { return wal_frames_; }
    bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

private:
    sqlite3_stmt* Prepare(std::string_view sql, const std::vector<Value>& params) {
        sqlite3_stmt* st;
        auto it = cache_.find(sql);  // heterogeneous lookup: no copy of the SQL text
        if (it != cache_.end()) {
            st = it->second;
            // Query and Exec reset a statement when they are done with it; a statement still
            // busy was left by a caller that stopped early. Bindings are all replaced below, unless
            // this call gives fewer parameters than the statement has.
            if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
            if (params.size() < static_cast<size_t>(sqlite3_bind_parameter_count(st))) sqlite3_clear_bindings(st);
        } else {
            std::string key(sql);
            int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                        SQLITE_PREPARE_PERSISTENT, &st, nullptr);
            if (rc != SQLITE_OK)
                throw DbError(DbErrorKind::kOther, std::string(sqlite3_errmsg(db_)) + " in: " + key);
            if (cache_.size() > 256) {
                for (auto& [k, s] : cache_) sqlite3_finalize(s);
                cache_.clear();
            }
            cache_.emplace(std::move(key), st);
        }
        for (size_t i = 0; i < params.size(); ++i) {
            int idx = static_cast<int>(i) + 1;
            const Value& v = params[i];
            if (std::holds_alternative<std::nullptr_t>(v))
                sqlite3_bind_null(st, idx);
            else if (auto p = std::get_if<int64_t>(&v))
                sqlite3_bind_int64(st, idx, *p);
            else if (auto p = std::get_if<double>(&v))
                sqlite3_bind_double(st, idx, *p);
            else {
                // The params outlive the statement's use (bound, stepped, reset within one call).
                const auto& s = std::get<std::string>(v);
                sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
            }
        }
        return st;
    }

    [[noreturn]] void Fail(sqlite3_stmt* st, int rc) {
        int ext = sqlite3_extended_errcode(db_);
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        throw DbError(Classify(rc, ext), msg);
    }

    static int OnWalCommit(void* self, sqlite3* db, const char* schema, int frames) {
        auto* c = static_cast<SqliteConn*>(self);
        c->wal_frames_ = frames;
        if (c->auto_checkpoint_ > 0 && frames >= c->auto_checkpoint_) sqlite3_wal_checkpoint(db, schema);
        return SQLITE_OK;
    }

    sqlite3* db_ = nullptr;
    int auto_checkpoint_ = kAutoCheckpointPages;
    int64_t wal_frames_ = -1;
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

}  // namespace

std::unique_ptr<Conn> OpenSqlite(const std::string& path) { return std::make_unique<SqliteConn>(path); }

}  // namespace duban::store
