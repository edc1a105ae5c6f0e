// Versioned schema migrations. Written once in portable SQL; {{PK}} and {{NOW}}-style tokens
// are the only dialect differences.
#include <string>
#include <vector>

#include "store/store.hpp"

namespace duban::store {
namespace {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

// clang-format off
const Migration kMigrations[] = {
{1, "core: events, org units, accounts, sessions, tokens, settings", R"SQL(
CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id BIGINT,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX events_object ON events(object_type, object_id);
CREATE INDEX events_actor ON events(actor_id);
CREATE INDEX events_action ON events(action);
CREATE INDEX events_at ON events(at);

CREATE TABLE org_units (
  id {{PK}},
  parent_id BIGINT REFERENCES org_units(id),
  -- An OR chain, not IN (...): SQLite 3.40 builds an ephemeral index for an IN list on every
  -- insert (about 3 us each, measured); the chain costs about 0.1 us.
  kind TEXT NOT NULL CHECK (kind = 'district' OR kind = 'street' OR kind = 'community' OR
                            kind = 'grid' OR kind = 'department'),
  name TEXT NOT NULL,
  code TEXT UNIQUE,
  path TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  generated INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE users (
  id {{PK}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  data_scope TEXT NOT NULL DEFAULT 'unit_and_below',
  failed_count INTEGER NOT NULL DEFAULT 0,
  failed_window_start TEXT,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  password_changed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE TABLE user_units (
  user_id BIGINT NOT NULL REFERENCES users(id),
  org_id BIGINT NOT NULL REFERENCES org_units(id),
  PRIMARY KEY (user_id, org_id)
);
CREATE TABLE user_scope_units (
  user_id BIGINT NOT NULL REFERENCES users(id),
  org_id BIGINT NOT NULL REFERENCES org_units(id),
  PRIMARY KEY (user_id, org_id)
);
CREATE TABLE sessions (
  id {{PK}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  ended_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id {{PK}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL"},
{2, "two factors: TOTP secrets (sealed), recovery codes, login challenges", R"SQL(
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
  id {{PK}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
CREATE TABLE login_challenges (
  id {{PK}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at TEXT,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
)SQL"},
{3, "fewer write-path indexes: events by time and action are found by seq range and scan", R"SQL(
DROP INDEX IF EXISTS events_at;
DROP INDEX IF EXISTS events_action;
DROP INDEX IF EXISTS org_units_path;
)SQL"},
{4, "work plan: plans, their task tree, progress reports, comments, follow-up notices", R"SQL(
CREATE TABLE plans (
  id {{PK}},
  title TEXT NOT NULL,
  year INTEGER NOT NULL,
  source TEXT NOT NULL,
  encoding TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by BIGINT,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE plan_nodes (
  id {{PK}},
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  parent_id BIGINT REFERENCES plan_nodes(id),
  kind TEXT NOT NULL CHECK (kind = 'key_work' OR kind = 'item' OR kind = 'task'),
  seq INTEGER NOT NULL,
  number TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  src_start INTEGER,
  src_end INTEGER,
  lead_unit_id BIGINT REFERENCES org_units(id),
  co_units TEXT NOT NULL,
  leader TEXT NOT NULL,
  start_date TEXT,
  due_date TEXT,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  percent INTEGER NOT NULL DEFAULT 0,
  light TEXT NOT NULL,
  light_reason TEXT NOT NULL,
  targets TEXT NOT NULL,
  objects TEXT NOT NULL,
  milestones TEXT NOT NULL,
  active_since TEXT NOT NULL,
  last_report_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_nodes_plan ON plan_nodes(plan_id, seq);
CREATE INDEX plan_nodes_lead ON plan_nodes(lead_unit_id);
CREATE TABLE plan_reports (
  id {{PK}},
  node_id BIGINT NOT NULL REFERENCES plan_nodes(id),
  text TEXT NOT NULL,
  percent INTEGER NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  by_user BIGINT,
  by_name TEXT NOT NULL
);
CREATE INDEX plan_reports_node ON plan_reports(node_id);
CREATE TABLE plan_comments (
  id {{PK}},
  node_id BIGINT NOT NULL REFERENCES plan_nodes(id),
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  by_user BIGINT,
  by_name TEXT NOT NULL
);
CREATE INDEX plan_comments_node ON plan_comments(node_id);
CREATE TABLE plan_followups (
  id {{PK}},
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  node_id BIGINT NOT NULL REFERENCES plan_nodes(id),
  year INTEGER NOT NULL,
  serial INTEGER NOT NULL,
  number TEXT NOT NULL,
  content TEXT NOT NULL,
  to_unit_id BIGINT REFERENCES org_units(id),
  issued_at TEXT NOT NULL,
  issued_by BIGINT,
  issued_by_name TEXT NOT NULL,
  reply_days INTEGER NOT NULL,
  reply_due TEXT NOT NULL,
  state TEXT NOT NULL,
  light TEXT NOT NULL,
  replied_at TEXT,
  reply_text TEXT,
  replied_by_name TEXT,
  escalated_at TEXT,
  UNIQUE (year, serial)
);
CREATE INDEX plan_followups_node ON plan_followups(node_id);
)SQL"},
};
// clang-format on

std::string Dialect(const char* sql, Backend b) {
    std::string s(sql);
    const std::string pk = b == Backend::kSqlite
                               ? "INTEGER PRIMARY KEY"
                               : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    for (size_t p; (p = s.find("{{PK}}")) != std::string::npos;) s.replace(p, 6, pk);
    return s;
}

}  // namespace

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

std::vector<int> Migrate(Conn& conn) {
    conn.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at TEXT NOT NULL)");
    std::vector<int> applied;
    for (const auto& m : kMigrations) {
        auto rows = conn.Query("SELECT version FROM schema_migrations WHERE version = ?",
                               {static_cast<int64_t>(m.version)});
        if (!rows.empty()) continue;
        Tx tx(conn);
        conn.ExecScript(Dialect(m.sql, conn.backend()));
        conn.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                  {static_cast<int64_t>(m.version), std::string(m.name),
                   core::FormatUtc(std::chrono::system_clock::now())});
        tx.Commit();
        applied.push_back(m.version);
    }
    auto rows = conn.Query("SELECT MAX(version) FROM schema_migrations");
    if (!rows.empty() && !rows[0].IsNull(0) && rows[0].Int(0) > LatestSchemaVersion()) {
        throw DbError(DbErrorKind::kOther,
                      "database schema version " + std::to_string(rows[0].Int(0)) +
                          " is newer than this binary knows (" +
                          std::to_string(LatestSchemaVersion()) + "): upgrade duban");
    }
    return applied;
}

}  // namespace duban::store
