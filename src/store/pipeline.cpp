// The single-writer commit pipeline: group commit; a failing command is isolated by savepoints.
#include <cstdio>
#include <future>

#include "store/chain_sealer.hpp"
#include "store/checkpointer.hpp"
#include "store/store.hpp"

namespace duban::store {
namespace {

// Emit assigns the event its seq and writes its payload's canonical bytes; the ChainSealer hashes
// the events a command kept, and their rows are written together just before COMMIT, in
// multi-row INSERTs (one statement per 64 events instead of one per event). Nothing reads the
// events table inside a write transaction, so no command can tell the difference; a command that
// fails drops its events with its savepoint.
class WriteTxImpl final : public WriteTx {
public:
    WriteTxImpl(Conn& c, const std::string& now, core::TimePoint now_tp, int64_t* seq)
        : c_(c), now_(now), now_tp_(now_tp), seq_(seq) {}
    Conn& conn() override { return c_; }
    const std::string& now() const override { return now_; }
    core::TimePoint now_tp() const override { return now_tp_; }
    const Actor& actor() const override { return *actor_; }
    void SetActor(const Actor* a) { actor_ = a; }
    void Emit(std::string action, std::string object_type, std::optional<int64_t> object_id,
              const Json& payload) override {
        PendingEvent& p = command_events_.emplace_back();
        Event& e = p.e;
        e.seq = ++*seq_;
        e.at = now_;
        e.actor_id = actor_->user_id;
        e.actor = actor_->name;
        e.action = std::move(action);
        e.object_type = std::move(object_type);
        e.object_id = object_id;
        p.canonical = core::CanonicalJson(payload);
    }
    /// The events the current command emitted so far.
    std::vector<PendingEvent>* command_events() { return &command_events_; }

    /// Writes the batch's event rows (ChainSealer::kCols values each), oldest first.
    void Flush(std::vector<Value>& rows) {
        const size_t n = rows.size() / ChainSealer::kCols;
        size_t done = 0;
        std::vector<Value> params;
        for (size_t chunk : {size_t{64}, size_t{16}, size_t{4}, size_t{1}}) {
            while (n - done >= chunk) {
                params.clear();
                params.reserve(chunk * ChainSealer::kCols);
                for (size_t i = done * ChainSealer::kCols; i < (done + chunk) * ChainSealer::kCols; ++i)
                    params.push_back(std::move(rows[i]));
                c_.Exec(InsertSql(chunk), params);
                done += chunk;
            }
        }
    }

private:
    static const std::string& InsertSql(size_t rows) {
        static const std::string k64 = Build(64), k16 = Build(16), k4 = Build(4), k1 = Build(1);
        return rows == 64 ? k64 : rows == 16 ? k16 : rows == 4 ? k4 : k1;
    }
    static std::string Build(size_t rows) {
        std::string sql =
            "INSERT INTO events (seq, at, actor_id, actor, action, object_type, object_id, payload, "
            "prev_hash, hash) VALUES ";
        for (size_t i = 0; i < rows; ++i) sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        return sql;
    }

    Conn& c_;
    const std::string& now_;
    core::TimePoint now_tp_;
    int64_t* seq_;
    const Actor* actor_ = nullptr;
    std::vector<PendingEvent> command_events_;
};

constexpr const char* kTransactionGone = "the transaction was rolled back under the writer";

size_t HistBucket(size_t n) {
    size_t b = 0;
    size_t lim = 1;
    while (n > lim && b < 10) {
        lim *= 2;
        ++b;
    }
    return n > 1024 ? 11 : b;
}

}  // namespace

Pipeline::Pipeline(Database& db, const core::Clock& clock, PipelineSettings s)
    : db_(db), clock_(clock), settings_(s), batch_hist_(12) {}

Pipeline::~Pipeline() { Stop(); }

std::unique_ptr<Conn> Pipeline::ConnectWriter() {
    auto c = db_.Connect();
    // SQLite: the checkpointer copies the WAL back, not the writer's commits.
    if (checkpointer_) c->SetAutoCheckpoint(0);
    return c;
}

void Pipeline::Start() {
    if (db_.backend() == Backend::kSqlite && !checkpointer_)
        checkpointer_ = std::make_unique<Checkpointer>(db_.Connect(), settings_.wal_restart_frames);
    if (!sealer_) sealer_ = std::make_unique<ChainSealer>();
    conn_ = ConnectWriter();
    auto rows = conn_->Query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    if (!rows.empty()) {
        head_seq_ = rows[0].Int(0);
        head_hash_ = rows[0].Str(1);
    }
    {
        std::lock_guard lk(mu_);
        stopping_ = false;
        running_ = true;
    }
    thread_ = std::thread([this] { Run(); });
}

void Pipeline::Stop() {
    {
        std::lock_guard lk(mu_);
        if (!running_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lk(mu_);
    running_ = false;
}

bool Pipeline::Submit(Actor actor, CommandFn fn, DoneFn done) {
    {
        std::lock_guard lk(mu_);
        if (!running_ || stopping_ || queue_.size() >= settings_.queue_capacity) {
            rejected_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        queue_.push_back(Item{std::move(actor), std::move(fn), std::move(done)});
    }
    cv_.notify_one();
    return true;
}

Result<Json> Pipeline::Execute(Actor actor, CommandFn fn) {
    auto prom = std::make_shared<std::promise<Result<Json>>>();
    auto fut = prom->get_future();
    if (!Submit(std::move(actor), std::move(fn),
                [prom](Result<Json> r) { prom->set_value(std::move(r)); })) {
        return core::Error::Unavailable("the write queue is full; retry shortly", 1);
    }
    return fut.get();
}

PipelineStats Pipeline::Stats() const {
    PipelineStats s;
    s.commits = commits_.load();
    s.commands = commands_.load();
    s.rejected_full = rejected_.load();
    s.replays = replays_.load();
    {
        std::lock_guard lk(mu_);
        s.queue_depth = queue_.size();
    }
    for (auto& b : batch_hist_) s.batch_hist.push_back(b.load());
    return s;
}

void Pipeline::Run() {
    std::vector<Item> batch;
    for (;;) {
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            size_t n = std::min(queue_.size(), settings_.max_batch);
            batch.clear();
            batch.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        RunBatch(batch);
    }
}

Result<Json> Pipeline::Invoke(Item& item, WriteTx& tx) {
    try {
        return item.fn(tx);
    } catch (const DbError& e) {
        if (e.kind == DbErrorKind::kConnection) throw;
        return e.kind == DbErrorKind::kUnique
                   ? core::Error::Conflict("duplicate", "a record with that value already exists")
               : e.kind == DbErrorKind::kForeignKey
                   ? core::Error::Conflict("referenced", "the change breaks a reference between records")
                   : core::Error::Internal(std::string("database error: ") + e.what());
    } catch (const std::exception& e) {
        return core::Error::Internal(e.what());
    }
}

void Pipeline::RunBatch(std::vector<Item>& batch) {
    core::TimePoint now_tp = clock_.Now();
    std::string now = core::FormatUtc(now_tp);
    std::vector<std::optional<Result<Json>>> results(batch.size());
    bool committed = false;
    std::string failure;
    try {
        // Take the write lock first and re-read the chain head inside it, so another process
        // (the CLI, a second node) that appended events cannot make this batch fork the chain.
        if (conn_->backend() == Backend::kSqlite) {
            if (checkpointer_) checkpointer_->BeforeBegin(*conn_);
            conn_->Exec("BEGIN IMMEDIATE");
        } else {
            conn_->Exec("BEGIN");
            conn_->Query("SELECT pg_advisory_xact_lock(4478011)");
        }
        if (auto head = conn_->Query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"); !head.empty()) {
            head_seq_ = head[0].Int(0);
            head_hash_ = head[0].Str(1);
        } else {
            head_seq_ = 0;
            head_hash_ = kGenesisHash;
        }
        WriteTxImpl tx(*conn_, now, now_tp, &head_seq_);
        sealer_->Begin(head_hash_);
        // Optimistic first: the whole batch under one savepoint, which costs a command nothing
        // (a savepoint per command costs about a third of a creation's SQL). Most batches have no
        // failing command. When one fails, everything goes back to the savepoint, and the batch
        // runs again with a savepoint per command, as does the next one. The first command's
        // failure is already its own: only those after it run again.
        size_t isolated_from = 0;
        bool failures = false;
        if (settings_.optimistic && !isolate_next_) {
            const int64_t seq0 = head_seq_;
            const std::string hash0 = head_hash_;
            conn_->Exec("SAVEPOINT batch");
            size_t i = 0;
            for (; i < batch.size(); ++i) {
                tx.SetActor(&batch[i].actor);
                results[i].emplace(Invoke(batch[i], tx));
                // Without a savepoint of its own to release, nothing else would notice the
                // transaction gone (rolled back by SQLite after an I/O error a command swallowed),
                // and the next commands would commit one statement at a time.
                if (!conn_->InTransaction()) throw DbError(DbErrorKind::kOther, kTransactionGone);
                if (!results[i]->ok()) break;
                sealer_->Add(tx.command_events());
            }
            if (i == batch.size()) {
                conn_->Exec("RELEASE SAVEPOINT batch");
                isolated_from = batch.size();
            } else {
                conn_->Exec("ROLLBACK TO SAVEPOINT batch");
                conn_->Exec("RELEASE SAVEPOINT batch");
                head_seq_ = seq0;
                head_hash_ = hash0;
                tx.command_events()->clear();
                sealer_->Begin(head_hash_);
                failures = true;
                isolated_from = i == 0 ? 1 : 0;
                if (i > 0) replays_.fetch_add(1, std::memory_order_relaxed);  // commands run twice
            }
        }
        for (size_t i = isolated_from; i < batch.size(); ++i) {
            tx.SetActor(&batch[i].actor);
            const int64_t seq_before = head_seq_;
            conn_->Exec("SAVEPOINT cmd");
            results[i].emplace(Invoke(batch[i], tx));
            if (results[i]->ok()) {
                conn_->Exec("RELEASE SAVEPOINT cmd");
                sealer_->Add(tx.command_events());
            } else {
                conn_->Exec("ROLLBACK TO SAVEPOINT cmd");
                conn_->Exec("RELEASE SAVEPOINT cmd");
                head_seq_ = seq_before;
                tx.command_events()->clear();
                failures = true;
            }
        }
        isolate_next_ = failures;
        try {  // the cases written lately, in one go (SQLite); a search finds them meanwhile
            IndexPendingCaseText(*conn_, kTextIndexBatch, kTextIndexMax);
        } catch (const DbError& e) {
            // Only the index's own savepoint is undone; but after some I/O and memory errors SQLite
            // has rolled the whole transaction back, and the event rows must not go in without it.
            if (e.kind == DbErrorKind::kConnection || !conn_->InTransaction()) throw;
            std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"case text index not updated\",\"error\":%s}\n",
                         core::Json(e.what()).dump().c_str());
        }
        if (!conn_->InTransaction()) throw DbError(DbErrorKind::kOther, kTransactionGone);
        std::vector<Value> rows = sealer_->Finish(&head_hash_);
        tx.Flush(rows);
        conn_->Exec("COMMIT");
        committed = true;
        if (checkpointer_) checkpointer_->Committed(conn_->WalFrames());
    } catch (const std::exception& e) {
        failure = e.what();
        try {
            conn_->Exec("ROLLBACK");
        } catch (...) {
        }
        if (const auto* de = dynamic_cast<const DbError*>(&e);
            de && de->kind == DbErrorKind::kConnection) {
            try {
                conn_ = ConnectWriter();
            } catch (...) {
            }
        }
    }
    if (!committed) {
        std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"commit failed\",\"error\":\"%s\"}\n",
                     failure.c_str());
    }
    commits_.fetch_add(committed ? 1 : 0);
    batch_hist_[HistBucket(batch.size())].fetch_add(1);
    for (size_t i = 0; i < batch.size(); ++i) {
        commands_.fetch_add(1, std::memory_order_relaxed);
        if (!committed) {
            batch[i].done(core::Error::Unavailable("the commit failed; nothing was written: " + failure, 1));
        } else {
            batch[i].done(std::move(*results[i]));
        }
    }
}

}  // namespace duban::store
