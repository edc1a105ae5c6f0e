#pragma once
// The thin SQL layer under the store: a connection that runs parameterised, portable SQL on
// SQLite or PostgreSQL. Placeholders are written '?'; the PostgreSQL connection rewrites them.
// Only store/ includes this header: engines never see SQL.
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace duban::store {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

struct Row {
    std::vector<Value> cols;
    bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
    int64_t Int(size_t i) const;
    double Real(size_t i) const;
    std::string Str(size_t i) const;  // "" for NULL
    std::string TakeStr(size_t i);    // Str, moving a text value out of the row
};

enum class DbErrorKind { kUnique, kForeignKey, kCheck, kBusy, kConnection, kOther };

struct DbError : std::runtime_error {
    DbError(DbErrorKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
    DbErrorKind kind;
};

enum class Backend { kSqlite, kPostgres };

/// SQLite: the WAL size, in pages, at which it is copied back into the database file and starts
/// over (each connection's automatic checkpoint; the pipeline's writer catches up at the same size).
inline constexpr int kAutoCheckpointPages = 10000;

class Conn {
public:
    virtual ~Conn() = default;
    /// Runs one statement and returns its rows. Throws DbError.
    virtual std::vector<Row> Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
    /// Runs one statement; returns the number of rows changed. Throws DbError.
    virtual int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
    /// Runs several statements without parameters (migrations). Throws DbError.
    virtual void ExecScript(std::string_view sql) = 0;
    virtual Backend backend() const = 0;
    /// SQLite: the WAL size, in pages, at which a commit on this connection copies the WAL back
    /// (0: never; new connections use kAutoCheckpointPages). PostgreSQL: nothing to do.
    virtual void SetAutoCheckpoint(int pages) { (void)pages; }
    /// SQLite: the pages in the WAL after this connection's last commit; -1 when unknown.
    virtual int64_t WalFrames() const { return -1; }
    /// Whether a transaction is open (SQLite rolls one back by itself after some I/O and memory
    /// errors; a statement run after that would commit on its own).
    virtual bool InTransaction() const = 0;
};

struct DbOptions {
    std::string sqlite_path;   // used when postgres_url is empty
    std::string postgres_url;  // libpq connection string or URL
};

/// A database: opens connections and lends pooled ones for reads.
class Database {
public:
    explicit Database(DbOptions opts);
    ~Database();
    Backend backend() const { return opts_.postgres_url.empty() ? Backend::kSqlite : Backend::kPostgres; }
    const DbOptions& options() const { return opts_; }
    /// A new connection (the writer owns one for its lifetime). Throws DbError.
    std::unique_ptr<Conn> Connect();

    /// A pooled connection, returned to the pool when the lease ends.
    class Lease {
    public:
        Lease(Database* db, std::unique_ptr<Conn> c) : db_(db), c_(std::move(c)) {}
        Lease(Lease&&) = default;
        ~Lease();
        Conn& operator*() { return *c_; }
        Conn* operator->() { return c_.get(); }

    private:
        Database* db_;
        std::unique_ptr<Conn> c_;
    };
    Lease Read();

private:
    DbOptions opts_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Conn>> pool_;
};

std::unique_ptr<Conn> OpenSqlite(const std::string& path);
std::unique_ptr<Conn> OpenPostgres(const std::string& url);

/// Opens a transaction on a connection and rolls it back unless committed. immediate: on SQLite,
/// take the write lock at once (BEGIN IMMEDIATE), so that a transaction that reads and then writes
/// waits for a busy writer instead of failing at its first write.
class Tx {
public:
    explicit Tx(Conn& c, bool immediate = false);
    ~Tx();
    void Commit();

private:
    Conn& c_;
    bool done_ = false;
};

}  // namespace duban::store
