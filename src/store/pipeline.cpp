// The single-writer commit pipeline: group commit with one savepoint per command.
#include <cstdio>
#include <future>

#include "store/store.hpp"

namespace duban::store {
namespace {

// The columns of one event row, in the INSERT's order.
constexpr size_t kEventCols = 10;

// Emit computes the event (its seq and hash continue the chain) and keeps its row; the rows of the
// batch's committed commands are written together just before COMMIT, in multi-row INSERTs (one
// statement per 64 events instead of one per event). Nothing reads the events table inside a write
// transaction, so no command can tell the difference; a command that fails drops its rows with
// its savepoint.
class WriteTxImpl final : public WriteTx {
public:
    WriteTxImpl(Conn& c, const std::string& now, core::TimePoint now_tp, int64_t* seq,
                std::string* hash)
        : c_(c), now_(now), now_tp_(now_tp), seq_(seq), hash_(hash) {}
    Conn& conn() override { return c_; }
    const std::string& now() const override { return now_; }
    core::TimePoint now_tp() const override { return now_tp_; }
    const Actor& actor() const override { return *actor_; }
    void SetActor(const Actor* a) { actor_ = a; }
    void Emit(std::string action, std::string object_type, std::optional<int64_t> object_id,
              const Json& payload) override {
        Event e;
        e.seq = *seq_ + 1;
        e.at = now_;
        e.actor_id = actor_->user_id;
        e.actor = actor_->name;
        e.action = std::move(action);
        e.object_type = std::move(object_type);
        e.object_id = object_id;
        std::string canonical = core::CanonicalJson(payload);
        e.prev_hash = *hash_;
        e.hash = EventHash(e.prev_hash, e, canonical);
        *seq_ = e.seq;
        *hash_ = e.hash;
        rows_.emplace_back(std::in_place_type<int64_t>, e.seq);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.at));
        PushOptInt(e.actor_id);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.actor));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.action));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.object_type));
        PushOptInt(e.object_id);
        rows_.emplace_back(std::in_place_type<std::string>, std::move(canonical));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.prev_hash));
        rows_.emplace_back(std::in_place_type<std::string>, std::move(e.hash));
    }
    /// Where the current command's rows start; DropFrom forgets a failed command's rows.
    size_t Mark() const { return rows_.size(); }
    void DropFrom(size_t mark) { rows_.resize(mark); }
    /// Writes the kept rows, oldest first.
    void Flush() {
        const size_t n = rows_.size() / kEventCols;
        size_t done = 0;
        std::vector<Value> params;
        for (size_t chunk : {size_t{64}, size_t{16}, size_t{4}, size_t{1}}) {
            while (n - done >= chunk) {
                params.clear();
                params.reserve(chunk * kEventCols);
                for (size_t i = done * kEventCols; i < (done + chunk) * kEventCols; ++i)
                    params.push_back(std::move(rows_[i]));
                c_.Exec(InsertSql(chunk), params);
                done += chunk;
            }
        }
        rows_.clear();
    }

private:
    void PushOptInt(std::optional<int64_t> v) {
        if (v) rows_.emplace_back(std::in_place_type<int64_t>, *v);
        else rows_.emplace_back(std::in_place_type<std::nullptr_t>, nullptr);
    }
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
    std::string* hash_;
    const Actor* actor_ = nullptr;
    std::vector<Value> rows_;  // kEventCols values per event
};

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

void Pipeline::Start() {
    conn_ = db_.Connect();
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
        WriteTxImpl tx(*conn_, now, now_tp, &head_seq_, &head_hash_);
        for (size_t i = 0; i < batch.size(); ++i) {
            tx.SetActor(&batch[i].actor);
            const int64_t seq_before = head_seq_;
            const std::string hash_before = head_hash_;
            const size_t events_before = tx.Mark();
            conn_->Exec("SAVEPOINT cmd");
            bool ok = false;
            try {
                Result<Json> r = batch[i].fn(tx);
                ok = r.ok();
                results[i].emplace(std::move(r));
            } catch (const DbError& e) {
                if (e.kind == DbErrorKind::kConnection) throw;
                core::Error err = e.kind == DbErrorKind::kUnique
                                      ? core::Error::Conflict("duplicate", "a record with that value already exists")
                                  : e.kind == DbErrorKind::kForeignKey
                                      ? core::Error::Conflict("referenced", "the change breaks a reference between records")
                                      : core::Error::Internal(std::string("database error: ") + e.what());
                results[i].emplace(std::move(err));
            } catch (const std::exception& e) {
                results[i].emplace(core::Error::Internal(e.what()));
            }
            if (ok) {
                conn_->Exec("RELEASE SAVEPOINT cmd");
            } else {
                conn_->Exec("ROLLBACK TO SAVEPOINT cmd");
                conn_->Exec("RELEASE SAVEPOINT cmd");
                head_seq_ = seq_before;
                head_hash_ = hash_before;
                tx.DropFrom(events_before);
            }
        }
        tx.Flush();
        conn_->Exec("COMMIT");
        committed = true;
    } catch (const std::exception& e) {
        failure = e.what();
        try {
            conn_->Exec("ROLLBACK");
        } catch (...) {
        }
        if (const auto* de = dynamic_cast<const DbError*>(&e);
            de && de->kind == DbErrorKind::kConnection) {
            try {
                conn_ = db_.Connect();
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
