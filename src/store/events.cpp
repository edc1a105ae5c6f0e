#include <sqlite3.h>
#include <sys/stat.h>

#include "store/store.hpp"

namespace duban::store {

namespace {
// The same escaping as nlohmann::json::dump (ensure_ascii off): short forms for \b \f \n \r \t,
// \u00xx for other control characters, UTF-8 passed through.
void AppendJsonString(std::string* out, const std::string& s) {
    static const char* kHex = "0123456789abcdef";
    out->push_back('"');
    size_t run = 0;  // start of the bytes not yet appended, which need no escape
    for (size_t i = 0; i < s.size(); ++i) {
        const auto ch = static_cast<unsigned char>(s[i]);
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        out->append(s, run, i - run);
        run = i + 1;
        switch (ch) {
            case '"': *out += "\\\""; break;
            case '\\': *out += "\\\\"; break;
            case '\b': *out += "\\b"; break;
            case '\f': *out += "\\f"; break;
            case '\n': *out += "\\n"; break;
            case '\r': *out += "\\r"; break;
            case '\t': *out += "\\t"; break;
            default:
                *out += "\\u00";
                out->push_back(kHex[ch >> 4]);
                out->push_back(kHex[ch & 15]);
        }
    }
    out->append(s, run, s.size() - run);
    out->push_back('"');
}
void AppendOptInt(std::string* out, const std::optional<int64_t>& v) {
    *out += v ? std::to_string(*v) : "null";
}
}  // namespace

namespace {
void AppendCanonicalBytes(std::string* out, const Event& e, const std::string& payload_canonical) {
    // Keys in sorted order: action, actor, actor_id, at, object_id, object_type, payload, seq.
    *out += "{\"action\":";
    AppendJsonString(out, e.action);
    *out += ",\"actor\":";
    AppendJsonString(out, e.actor);
    *out += ",\"actor_id\":";
    AppendOptInt(out, e.actor_id);
    *out += ",\"at\":";
    AppendJsonString(out, e.at);
    *out += ",\"object_id\":";
    AppendOptInt(out, e.object_id);
    *out += ",\"object_type\":";
    AppendJsonString(out, e.object_type);
    *out += ",\"payload\":";
    *out += payload_canonical;
    *out += ",\"seq\":";
    *out += std::to_string(e.seq);
    *out += "}";
}
}  // namespace

std::string EventCanonicalBytes(const Event& e, const std::string& payload_canonical) {
    std::string out;
    out.reserve(160 + payload_canonical.size());
    AppendCanonicalBytes(&out, e, payload_canonical);
    return out;
}

std::string EventCanonicalBytes(const Event& e) { return EventCanonicalBytes(e, core::CanonicalJson(e.payload)); }

std::string EventHash(const std::string& prev_hash, const Event& e, const std::string& payload_canonical) {
    // The writer hashes every event: prev_hash and the canonical bytes go into one buffer that
    // the thread keeps, so hashing allocates nothing once the buffer has grown.
    thread_local std::string buf;
    buf.clear();
    buf += prev_hash;
    AppendCanonicalBytes(&buf, e, payload_canonical);
    return core::Sha256Hex(buf);
}

std::string EventHash(const std::string& prev_hash, const Event& e) {
    return EventHash(prev_hash, e, core::CanonicalJson(e.payload));
}

namespace {
constexpr const char* kCols =
    "seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, hash";

Event FromRow(const Row& r, bool* payload_ok = nullptr) {
    Event e;
    e.seq = r.Int(0);
    e.at = r.Str(1);
    if (!r.IsNull(2)) e.actor_id = r.Int(2);
    e.actor = r.Str(3);
    e.action = r.Str(4);
    e.object_type = r.Str(5);
    if (!r.IsNull(6)) e.object_id = r.Int(6);
    e.payload = Json::parse(r.Str(7), nullptr, false);
    if (payload_ok) *payload_ok = !e.payload.is_discarded();
    if (e.payload.is_discarded()) e.payload = r.Str(7);
    e.prev_hash = r.Str(8);
    e.hash = r.Str(9);
    return e;
}
}  // namespace

VerifyReport VerifyChain(Conn& conn) {
    VerifyReport rep;
    std::string prev = kGenesisHash;
    int64_t expect_seq = 1;
    int64_t after = 0;
    const std::string sql = std::string("SELECT ") + kCols +
                            " FROM events WHERE seq > ? ORDER BY seq LIMIT 5000";
    for (;;) {
        auto rows = conn.Query(sql, {after});
        if (rows.empty()) break;
        for (const auto& r : rows) {
            bool payload_ok = true;
            Event e = FromRow(r, &payload_ok);
            after = e.seq;
            if (!rep.first_bad_seq) {
                if (e.seq != expect_seq) {
                    rep.first_bad_seq = expect_seq;
                    rep.problem = "sequence gap: expected " + std::to_string(expect_seq) +
                                  ", found " + std::to_string(e.seq);
                } else if (!payload_ok) {
                    rep.first_bad_seq = e.seq;
                    rep.problem = "payload is not valid JSON";
                } else if (e.prev_hash != prev) {
                    rep.first_bad_seq = e.seq;
                    rep.problem = "prev_hash does not match the previous event's hash";
                } else if (EventHash(prev, e) != e.hash) {
                    rep.first_bad_seq = e.seq;
                    rep.problem = "hash does not match the event's content";
                } else if (core::CanonicalJson(e.payload) != r.Str(7)) {
                    rep.first_bad_seq = e.seq;
                    rep.problem = "payload is not in canonical form";
                }
            }
            ++rep.count;
            prev = e.hash;
            rep.head_seq = e.seq;
            expect_seq = e.seq + 1;
        }
    }
    rep.head_hash = prev;
    return rep;
}

std::pair<std::vector<Event>, int64_t> ListEvents(Conn& conn, const EventFilter& f) {
    std::string where = " WHERE 1=1";
    std::vector<Value> params;
    if (f.actor_id) {
        where += " AND actor_id = ?";
        params.emplace_back(*f.actor_id);
    }
    if (!f.actor.empty()) {
        where += " AND actor = ?";
        params.emplace_back(f.actor);
    }
    if (!f.action.empty()) {
        if (f.action.back() == '.') {
            where += " AND action LIKE ? ESCAPE '\\'";
            params.emplace_back(core::LikeEscape(f.action) + "%");
        } else {
            where += " AND action = ?";
            params.emplace_back(f.action);
        }
    }
    if (!f.object_type.empty()) {
        where += " AND object_type = ?";
        params.emplace_back(f.object_type);
    }
    if (f.object_id) {
        where += " AND object_id = ?";
        params.emplace_back(*f.object_id);
    }
    if (!f.since.empty()) {
        where += " AND at >= ?";
        params.emplace_back(f.since);
    }
    if (!f.until.empty()) {
        where += " AND at < ?";
        params.emplace_back(f.until);
    }
    auto total = conn.Query("SELECT COUNT(*) FROM events" + where, params)[0].Int(0);
    auto p = params;
    p.emplace_back(f.per_page);
    p.emplace_back((f.page - 1) * f.per_page);
    auto rows = conn.Query(std::string("SELECT ") + kCols + " FROM events" + where +
                               " ORDER BY seq DESC LIMIT ? OFFSET ?",
                           p);
    std::vector<Event> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(FromRow(r));
    return {std::move(out), total};
}

std::optional<Event> GetEvent(Conn& conn, int64_t seq) {
    auto rows = conn.Query(std::string("SELECT ") + kCols + " FROM events WHERE seq = ?", {seq});
    if (rows.empty()) return std::nullopt;
    return FromRow(rows[0]);
}

core::Result<VerifyReport> BackupSqlite(const std::string& db_path, const std::string& to_path) {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string m = src ? sqlite3_errmsg(src) : "cannot open";
        sqlite3_close(src);
        return core::Error::Validation("db", "cannot open database " + db_path + ": " + m);
    }
    std::string tmp = to_path + ".partial";
    std::remove(tmp.c_str());
    if (sqlite3_open(tmp.c_str(), &dst) != SQLITE_OK) {
        std::string m = dst ? sqlite3_errmsg(dst) : "cannot open";
        sqlite3_close(src);
        sqlite3_close(dst);
        std::remove(tmp.c_str());
        return core::Error::Validation("to", "cannot create " + tmp + ": " + m);
    }
    sqlite3_busy_timeout(src, 10000);
    // One step of -1 pages copies everything under one read transaction: a consistent snapshot
    // even while the server keeps writing (WAL readers do not block the writer).
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b) sqlite3_backup_finish(b);
    std::string err = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    sqlite3_close(src);
    auto drop = [&tmp] {
        std::remove(tmp.c_str());
        std::remove((tmp + "-wal").c_str());
        std::remove((tmp + "-shm").c_str());
        std::remove((tmp + "-journal").c_str());
    };
    if (rc != SQLITE_DONE) {
        drop();
        return core::Error::Internal("backup failed: " + err);
    }
    VerifyReport rep;
    try {
        auto conn = OpenSqlite(tmp);  // the store's connection (its functions, WAL)
        rep = VerifyChain(*conn);
    } catch (const std::exception& e) {
        drop();
        return core::Error::Internal(std::string("cannot verify the copy: ") + e.what());
    }
    // Back to a rollback journal once the store's connection is closed: a single file.
    if (sqlite3_open(tmp.c_str(), &dst) != SQLITE_OK ||
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        err = dst ? sqlite3_errmsg(dst) : "cannot open";
        sqlite3_close(dst);
        drop();
        return core::Error::Internal("cannot finish the copy: " + err);
    }
    sqlite3_close(dst);
    ::chmod(tmp.c_str(), 0600);
    if (std::rename(tmp.c_str(), to_path.c_str()) != 0) {
        drop();
        return core::Error::Validation("to", "cannot rename " + tmp + " to " + to_path);
    }
    return rep;
}

std::optional<std::string> AnySealedValue(Conn& c) {
    for (const char* sql : {"SELECT name_sealed FROM case_reporters WHERE name_sealed IS NOT NULL LIMIT 1",
                            "SELECT phone_sealed FROM case_reporters WHERE phone_sealed IS NOT NULL LIMIT 1",
                            "SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL LIMIT 1"}) {
        auto rows = c.Query(sql);
        if (!rows.empty() && !rows[0].IsNull(0)) return rows[0].Str(0);
    }
    return std::nullopt;
}

}  // namespace duban::store
