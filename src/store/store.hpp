#pragma once
/// duban::store — durable state. The database (SQLite default, PostgreSQL optional), versioned
/// migrations, the single-writer commit pipeline with group commit, and the hash-chained event log.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

using core::Json;
using core::Result;

// ---------------------------------------------------------------- migrations
/// Applies every migration not yet applied, each in its own transaction. Returns the versions
/// applied. Throws DbError on failure (start-up stops with the message).
std::vector<int> Migrate(Conn& conn);
/// The highest migration version this binary knows.
int LatestSchemaVersion();
/// SQLite's planner needs table statistics to read a case list from the open cases' partial index
/// rather than the first index with an equality (a street's 140,000 rows instead of its 7,000 open
/// ones). Runs ANALYZE on the cases when they have none and hold at least kPlannerStatsMinRows, or
/// when their number has doubled or halved since. Returns whether it ran. No-op on PostgreSQL,
/// whose autovacuum keeps its statistics.
bool RefreshPlannerStats(Conn& conn);
inline constexpr int64_t kPlannerStatsMinRows = 1000;
/// Brings the case text index (SQLite, migration 13) up to date with the cases written since: the
/// triggers on cases only note them, and a search reads the noted cases too. Does nothing while
/// fewer than min_pending cases wait and no edited case does; takes in at most max_cases (0: all),
/// the oldest first. The pipeline, before a COMMIT, takes them in kTextIndexBatch to
/// kTextIndexMax at a time (a write to FTS5 costs about 100 us of fixed work); start-up takes in
/// all. Throws on failure, leaving the notes as they were (its own savepoint). Run it inside a
/// transaction. No-op on PostgreSQL.
void IndexPendingCaseText(Conn& conn, int64_t min_pending = 1, int64_t max_cases = 0);
/// Whether any case waits for the text index: a read without the write lock, so that a command
/// starting beside a busy server takes that lock only when there is work for it. False on PostgreSQL.
bool CaseTextWaiting(Conn& conn);
inline constexpr int64_t kTextIndexBatch = 256;
inline constexpr int64_t kTextIndexMax = 4096;

// ---------------------------------------------------------------- events
/// Who caused a change.
struct Actor {
    std::optional<int64_t> user_id;
    std::string name;  // username, or "system", "cli"
    std::string ip;
};

struct Event {
    int64_t seq = 0;
    std::string at;  // RFC 3339 UTC
    std::optional<int64_t> actor_id;
    std::string actor;
    std::string action;
    std::string object_type;
    std::optional<int64_t> object_id;
    Json payload;
    std::string prev_hash;
    std::string hash;
};

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical bytes an event's hash covers (everything but prev_hash and hash): the JSON object
/// of those fields with sorted keys and no insignificant white space, strings escaped as
/// core::CanonicalJson escapes them. payload_canonical is CanonicalJson(e.payload).
std::string EventCanonicalBytes(const Event& e, const std::string& payload_canonical);
std::string EventCanonicalBytes(const Event& e);
/// SHA-256 hex of prev_hash || canonical bytes.
std::string EventHash(const std::string& prev_hash, const Event& e);
std::string EventHash(const std::string& prev_hash, const Event& e, const std::string& payload_canonical);

struct VerifyReport {
    int64_t count = 0;
    std::string head_hash = kGenesisHash;
    int64_t head_seq = 0;
    std::optional<int64_t> first_bad_seq;
    std::string problem;  // what was wrong at first_bad_seq
};
/// Walks the whole chain in order and recomputes every hash.
VerifyReport VerifyChain(Conn& conn);

struct EventFilter {
    std::optional<int64_t> actor_id;
    std::string actor;  // the actor's name (username), exact
    std::string action;       // exact, or prefix when ending in '.'
    std::string object_type;
    std::optional<int64_t> object_id;
    std::string since, until;  // RFC 3339 UTC text bounds
    int64_t page = 1, per_page = 50;
};
std::pair<std::vector<Event>, int64_t> ListEvents(Conn& conn, const EventFilter& f);
std::optional<Event> GetEvent(Conn& conn, int64_t seq);

// ---------------------------------------------------------------- pipeline
/// What a command sees: the writer's connection inside a savepoint, the commit time, and a way
/// to append events in the same transaction.
class WriteTx {
public:
    virtual ~WriteTx() = default;
    virtual Conn& conn() = 0;
    virtual const std::string& now() const = 0;  // RFC 3339 UTC of this batch
    virtual core::TimePoint now_tp() const = 0;
    virtual const Actor& actor() const = 0;
    /// Appends one event to the chain, in this command's savepoint.
    virtual void Emit(std::string action, std::string object_type, std::optional<int64_t> object_id,
                      const Json& payload) = 0;
};

using CommandFn = std::function<Result<Json>(WriteTx&)>;
using DoneFn = std::function<void(Result<Json>)>;

struct PipelineSettings {
    size_t queue_capacity = 8192;
    size_t max_batch = 1024;
    /// SQLite: the WAL size, in pages, at which the writer copies the last frames back itself so
    /// the WAL starts over (the checkpointer thread copies the rest).
    int64_t wal_restart_frames = kAutoCheckpointPages;
    /// Run each batch first under one savepoint, and give commands their own only after one fails
    /// (see Pipeline). false: a savepoint per command always, for comparison and for tests.
    bool optimistic = true;
};

struct PipelineStats {
    uint64_t commits = 0;          // transactions
    uint64_t commands = 0;         // commands answered
    uint64_t rejected_full = 0;    // refused because the queue was full
    uint64_t replays = 0;          // batches run again command by command after one failed
    size_t queue_depth = 0;
    std::vector<uint64_t> batch_hist;  // counts for batch sizes <=1,2,4,...,1024,+Inf
};

class ChainSealer;
class Checkpointer;

/// The single writer. Commands queue up; the writer takes as many as are waiting (up to
/// max_batch), runs them inside one transaction, commits once, and only then answers each
/// caller. A failing command affects no other: the batch first runs under one savepoint; if a
/// command fails, the batch is rolled back to it and run again with a savepoint per command
/// (and so is the next batch). A command must therefore change nothing but its WriteTx, and may
/// be run twice; only the run that commits is answered.
class Pipeline {
public:
    Pipeline(Database& db, const core::Clock& clock, PipelineSettings s = {});
    ~Pipeline();
    void Start();  // opens the writer connection, reads the chain head; throws DbError
    void Stop();   // drains the queue, then stops

    /// Enqueues a command. Returns false (and does not call done) when the queue is full or
    /// the pipeline is stopped. done runs on the writer thread after the commit is durable.
    bool Submit(Actor actor, CommandFn fn, DoneFn done);
    /// Submits and waits. For the CLI and tests.
    Result<Json> Execute(Actor actor, CommandFn fn);

    PipelineStats Stats() const;

private:
    struct Item {
        Actor actor;
        CommandFn fn;
        DoneFn done;
    };
    std::unique_ptr<Conn> ConnectWriter();
    void Run();
    void RunBatch(std::vector<Item>& batch);
    /// Runs one command, turning what it throws into its result (a lost connection is rethrown).
    static Result<Json> Invoke(Item& item, WriteTx& tx);

    Database& db_;
    const core::Clock& clock_;
    PipelineSettings settings_;
    std::unique_ptr<Conn> conn_;
    std::unique_ptr<ChainSealer> sealer_;
    std::unique_ptr<Checkpointer> checkpointer_;  // SQLite only
    std::thread thread_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Item> queue_;  // GUARDED_BY(mu_)
    bool stopping_ = false;   // GUARDED_BY(mu_)
    bool running_ = false;
    // chain head, owned by the writer thread
    int64_t head_seq_ = 0;
    std::string head_hash_ = kGenesisHash;
    bool isolate_next_ = false;  // the last batch had a failing command: a savepoint each
    // stats
    std::atomic<uint64_t> commits_{0}, commands_{0}, rejected_{0}, replays_{0};
    std::vector<std::atomic<uint64_t>> batch_hist_;
};

/// Consistent online copy of the database to a file (SQLite: the backup API; PostgreSQL:
/// not supported here — use pg_dump, see docs/operations.md). Written to to_path.partial, its
/// chain verified there, switched to a rollback journal (one self-contained file that read-only
/// media can be checked on), mode 0600 (it holds password hashes), then renamed to to_path. The
/// caller makes sure to_path is neither the source nor a file it must keep. Returns the copy's
/// chain report (a broken chain is reported; the copy is kept for inspection).
core::Result<VerifyReport> BackupSqlite(const std::string& db_path, const std::string& to_path);
/// A value sealed with the server's key (a reporter's personal data, a TOTP secret), if the
/// database holds any: what start-up opens to prove the key is the one the data was sealed with.
std::optional<std::string> AnySealedValue(Conn& conn);

}  // namespace duban::store
