// Versioned schema migrations. Written once in portable SQL; the {{PK}} token and the
// {{SQLITE}} / {{POSTGRES}} blocks (see Dialect) are the only dialect differences.
#include <cstdlib>
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
{5, "indicators: definitions, values with revisions, targets, alerts", R"SQL(
CREATE TABLE indicator_defs (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  aliases TEXT NOT NULL DEFAULT '[]',
  unit TEXT NOT NULL,
  scale INTEGER NOT NULL,
  periodicity TEXT NOT NULL,
  jan_feb_combined INTEGER NOT NULL DEFAULT 0,
  additive INTEGER NOT NULL DEFAULT 1,
  price_basis TEXT NOT NULL DEFAULT 'current',
  comparable_growth INTEGER NOT NULL DEFAULT 0,
  higher_is_better INTEGER NOT NULL DEFAULT 1,
  owner_unit_id BIGINT REFERENCES org_units(id),
  formula TEXT,
  min_value TEXT,
  max_value TEXT,
  jump_share TEXT,
  builtin INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 100,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE indicator_values (
  id {{PK}},
  indicator_id BIGINT NOT NULL REFERENCES indicator_defs(id),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL,
  units BIGINT NOT NULL,
  scale INTEGER NOT NULL,
  growth_units BIGINT,
  growth_scale INTEGER,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  revision INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (indicator_id, org_unit_id, year, month)
);
-- Covers the month's table: each (indicator, unit)'s figures read from the index alone, in one
-- range. In the unique key's order, so imports grouped by indicator append to it.
CREATE INDEX indicator_values_cover ON indicator_values(indicator_id, org_unit_id, year, month, units, scale,
                                                        growth_units, growth_scale, status);
CREATE TABLE indicator_revisions (
  id {{PK}},
  value_id BIGINT NOT NULL REFERENCES indicator_values(id),
  revision INTEGER NOT NULL,
  units BIGINT NOT NULL,
  scale INTEGER NOT NULL,
  growth_units BIGINT,
  growth_scale INTEGER,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  by_name TEXT NOT NULL,
  UNIQUE (value_id, revision)
);
CREATE TABLE indicator_targets (
  id {{PK}},
  indicator_id BIGINT NOT NULL REFERENCES indicator_defs(id),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  year INTEGER NOT NULL,
  value TEXT NOT NULL,
  exact TEXT NOT NULL,
  growth_percent TEXT,
  base TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (indicator_id, org_unit_id, year)
);
CREATE TABLE indicator_alerts (
  id {{PK}},
  indicator_id BIGINT NOT NULL REFERENCES indicator_defs(id),
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL,
  level TEXT NOT NULL,
  reasons TEXT NOT NULL,
  gap TEXT,
  yoy TEXT,
  raised_at TEXT NOT NULL,
  UNIQUE (indicator_id, org_unit_id, year)
);
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('GDP', '地區生產總值', 'Gross domestic product', '["地区生产总值", "GDP"]', '億元', 2, 'quarterly', 0, 0, 1, '0', '0.5', 1, 10, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('FISCAL_REV', '一般公共預算收入', 'General public budget revenue', '["財政一般預算收入", "一般公共预算收入", "财政一般预算收入", "財政收入", "财政收入"]', '億元', 2, 'monthly', 1, 1, 0, '0', '0.5', 1, 20, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('FAI', '全社會固定資產投資', 'Fixed-asset investment', '["全社会固定资产投资", "固定資產投資", "固定资产投资"]', '億元', 2, 'monthly', 1, 1, 0, '0', '0.5', 1, 30, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('FDI', '實際利用外資', 'Foreign capital actually used', '["实际利用外资"]', '億美元', 2, 'monthly', 0, 1, 0, '0', '0.5', 1, 40, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('DOMESTIC_CAP', '引進內資', 'Domestic capital attracted', '["引进内资"]', '億元', 2, 'monthly', 0, 1, 0, '0', '0.5', 1, 50, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('RETAIL', '社會消費品零售總額', 'Retail sales of consumer goods', '["社会消费品零售总额", "社零額", "社零额"]', '億元', 2, 'monthly', 1, 1, 0, '0', '0.5', 1, 60, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('EMPLOYMENT', '實名制就業人數', 'Real-name employment', '["实名制就业人数", "實名制就業", "实名制就业"]', '人', 0, 'monthly', 0, 1, 0, '0', '0.5', 1, 70, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('NEW_ENT', '新增註冊資本百萬元以上企業數', 'New enterprises with registered capital of 1 million yuan or more', '["新增注册资本百万元以上企业数", "引辦注冊資本金百萬元以上企業"]', '家', 0, 'monthly', 0, 1, 0, '0', '0.5', 1, 80, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('NEW_ENT_CAPITAL', '新增企業註冊資本', 'Registered capital of the new enterprises', '["新增企业注册资本", "注冊資本金", "註冊資本"]', '億元', 2, 'monthly', 0, 1, 0, '0', '0.5', 1, 90, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
)SQL"},
{6, "cases: the case engine (cases, steps, reporters, dispatch rules, edited case types)", R"SQL(
CREATE TABLE cases (
  id {{PK}},
  number TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  category_major TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  urgency TEXT NOT NULL,
  source TEXT NOT NULL,
  lon DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  address TEXT NOT NULL DEFAULT '',
  street_id BIGINT,
  community_id BIGINT,
  grid_id BIGINT,
  lead_unit_id BIGINT,
  co_units TEXT NOT NULL DEFAULT '[]',
  paths TEXT NOT NULL DEFAULT '',
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  registered_at TEXT,
  dispatched_at TEXT,
  handled_at TEXT,
  closed_at TEXT,
  due_at TEXT,
  stage_started_at TEXT NOT NULL,
  stage_due_at TEXT,
  stage_yellow_at TEXT,
  paused_at TEXT,
  light TEXT NOT NULL DEFAULT 'green',
  light_reason TEXT NOT NULL DEFAULT '',
  returns INTEGER NOT NULL DEFAULT 0,
  reworks INTEGER NOT NULL DEFAULT 0,
  extensions INTEGER NOT NULL DEFAULT 0,
  pending_extension TEXT,
  satisfaction INTEGER,
  merged_into BIGINT,
  project_id BIGINT,
  attachments TEXT NOT NULL DEFAULT '[]',
  created_by BIGINT,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_type_stage ON cases (type, stage, status);
CREATE INDEX cases_reported ON cases (reported_at);
CREATE INDEX cases_street ON cases (street_id);
CREATE INDEX cases_lead ON cases (lead_unit_id);
CREATE INDEX cases_light ON cases (status, light);
CREATE TABLE case_steps (
  id {{PK}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  UNIQUE (case_id, seq)
);
CREATE TABLE case_reporters (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  name_sealed TEXT,
  phone_sealed TEXT,
  id_number_sealed TEXT,
  name_masked TEXT NOT NULL DEFAULT '',
  phone_masked TEXT NOT NULL DEFAULT '',
  id_number_masked TEXT NOT NULL DEFAULT ''
);
CREATE TABLE case_dispatch_rules (
  id {{PK}},
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  street_id BIGINT,
  grid_id BIGINT,
  lead_unit_id BIGINT NOT NULL,
  co_units TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE case_type_configs (
  code TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)SQL"},
{7, "grids and attachments: polygons of org units, uploaded files' metadata", R"SQL(
CREATE TABLE geo_areas (
  unit_id BIGINT PRIMARY KEY REFERENCES org_units(id),
  level TEXT NOT NULL CHECK (level = 'street' OR level = 'community' OR level = 'grid'),
  geojson TEXT NOT NULL,
  min_lon DOUBLE PRECISION NOT NULL,
  min_lat DOUBLE PRECISION NOT NULL,
  max_lon DOUBLE PRECISION NOT NULL,
  max_lat DOUBLE PRECISION NOT NULL,
  generated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX geo_areas_level ON geo_areas(level);

CREATE TABLE attachments (
  sha256 TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by BIGINT
);
)SQL"},
{8, "indicators: the monthly pack's drafts and published editions", R"SQL(
CREATE TABLE indicator_packs (
  id {{PK}},
  org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL,
  edition INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state = 'draft' OR state = 'published'),
  narrative TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  published_at TEXT,
  published_by TEXT,
  UNIQUE (org_unit_id, year, month, edition)
);
)SQL"},
{9, "registry: key projects (stages, evidence, monthly investment), enterprises, promotion events", R"SQL(
CREATE TABLE promotion_events (
  id {{PK}},
  name TEXT NOT NULL UNIQUE,
  city TEXT NOT NULL DEFAULT '',
  held_on TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE enterprises (
  id {{PK}},
  name TEXT NOT NULL,
  credit_code TEXT NOT NULL UNIQUE,
  origin_region TEXT NOT NULL DEFAULT '',
  registered_capital BIGINT NOT NULL DEFAULT 0,
  registered_on TEXT,
  street_id BIGINT REFERENCES org_units(id),
  generated INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enterprises_registered ON enterprises(registered_on);
CREATE TABLE registry_records (
  id {{PK}},
  kind TEXT NOT NULL CHECK (kind = 'project'),
  number TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  generated INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL,
  stage_date TEXT NOT NULL,
  lead_unit_id BIGINT REFERENCES org_units(id),
  leader TEXT NOT NULL DEFAULT '',
  enterprise_id BIGINT REFERENCES enterprises(id),
  plan_node_id BIGINT REFERENCES plan_nodes(id),
  light TEXT NOT NULL DEFAULT 'green',
  light_reason TEXT NOT NULL DEFAULT '',
  last_progress_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX registry_records_kind_stage ON registry_records(kind, stage);
CREATE INDEX registry_records_lead ON registry_records(lead_unit_id);
CREATE TABLE registry_stages (
  id {{PK}},
  record_id BIGINT NOT NULL REFERENCES registry_records(id),
  stage TEXT NOT NULL,
  date TEXT NOT NULL,
  evidence TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  actor_id BIGINT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  reverted_at TEXT,
  revert_reason TEXT
);
CREATE INDEX registry_stages_record ON registry_stages(record_id);
-- Progress notes between stage moves (a visit, a permit applied for, the dispatch table's 進展情況).
CREATE TABLE registry_progress (
  id {{PK}},
  record_id BIGINT NOT NULL REFERENCES registry_records(id),
  stage TEXT NOT NULL,
  date TEXT NOT NULL,
  text TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  actor_id BIGINT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX registry_progress_record ON registry_progress(record_id);
-- Money is integer yuan (CNY) or integer dollars (USD, with fx_rate_e4 = yuan per dollar x 10000).
CREATE TABLE projects (
  record_id BIGINT PRIMARY KEY REFERENCES registry_records(id),
  project_kind TEXT NOT NULL CHECK (project_kind = 'industry' OR project_kind = 'urban' OR project_kind = 'livelihood'),
  major INTEGER NOT NULL DEFAULT 0,
  park TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  lon DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  grid_id BIGINT,
  street_id BIGINT,
  investor TEXT NOT NULL DEFAULT '',
  origin_region TEXT NOT NULL DEFAULT '',
  event_id BIGINT REFERENCES promotion_events(id),
  currency TEXT NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY' OR currency = 'USD'),
  fx_rate_e4 BIGINT,
  total_investment BIGINT NOT NULL DEFAULT 0,
  annual_plan BIGINT NOT NULL DEFAULT 0,
  contract_amount BIGINT NOT NULL DEFAULT 0,
  funds_in_place BIGINT NOT NULL DEFAULT 0,
  registered_capital BIGINT NOT NULL DEFAULT 0,
  signed_on TEXT,
  year INTEGER NOT NULL
);
CREATE INDEX projects_signed ON projects(signed_on);
-- Monthly investment reports: every revision kept; the highest revision of a month is in force.
CREATE TABLE project_investments (
  id {{PK}},
  record_id BIGINT NOT NULL REFERENCES registry_records(id),
  month TEXT NOT NULL,
  revision INTEGER NOT NULL,
  amount BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  reported_by TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  UNIQUE (record_id, month, revision)
);
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('PROJ_SIGNED', '簽約項目', 'Projects signed', '["签约项目", "簽約項目數", "签约项目数"]', '個', 0, 'monthly', 0, 1, 0, '0', '0.5', 1, 100, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('PROJ_CONTRACT', '簽約合同金額', 'Contract amount of the projects signed', '["签约合同金额", "簽約金額", "签约金额"]', '億元', 2, 'monthly', 0, 1, 0, '0', '0.5', 1, 110, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO indicator_defs (code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, comparable_growth, min_value, jump_share, builtin, seq, created_at, updated_at) VALUES ('ENT_1M', '註冊資本百萬元以上企業', 'Enterprises registered with capital of 1 million yuan or more', '["注册资本百万元以上企业"]', '家', 0, 'monthly', 0, 1, 0, '0', '0.5', 1, 120, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
)SQL"},
{10, "cases: indexes for lists by grid and community and for the few cases with co-units", R"SQL(
CREATE INDEX cases_community ON cases (community_id);
CREATE INDEX cases_grid ON cases (grid_id);
CREATE INDEX cases_with_co_units ON cases (id) WHERE co_units <> '[]';
)SQL"},
{11, "events keyed by seq as SQLite's rowid: one B-tree fewer on every write (PostgreSQL unchanged)", R"SQL(
{{SQLITE}}
CREATE TABLE events_by_seq (
  seq INTEGER PRIMARY KEY,
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
INSERT INTO events_by_seq (seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, hash)
  SELECT seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, hash FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_by_seq RENAME TO events;
CREATE INDEX events_object ON events(object_type, object_id);
CREATE INDEX events_actor ON events(actor_id);
{{/SQLITE}}
)SQL"},
{12, "cases: the open cases' filter columns in one covering index (light totals, red lists), and the category", R"SQL(
CREATE INDEX cases_open ON cases (light, type, stage, category, category_major, street_id, community_id, grid_id,
                                  lead_unit_id, reported_at, co_units) WHERE status IN ('open', 'suspended');
CREATE INDEX cases_category ON cases (category);
CREATE INDEX cases_category_major ON cases (category_major);
)SQL"},
{13, "cases: a text index of character pairs for searches (SQLite; PostgreSQL still scans)", R"SQL(
{{SQLITE}}
-- Contentless (the text stays in cases), no positions: the index only narrows a search to the
-- cases that have every character pair of the query, and the list's LIKE test decides.
-- duban_grams (store/text_grams.cpp) is registered on every connection the store opens.
CREATE VIRTUAL TABLE case_text USING fts5(grams, content='', detail='none', columnsize=0, tokenize='ascii');
-- The triggers only note what the index must catch up with; IndexPendingCaseText applies it once
-- per commit (the writer, before COMMIT). FTS5 writes its pending terms out at every statement
-- that follows a write to it in the transaction, so indexing in the triggers wrote one segment per
-- case and cost the case lifecycle a quarter of its throughput. A search reads the pending cases
-- as candidates too, so a case is found from its commit on.
CREATE TABLE case_text_pending (id INTEGER PRIMARY KEY);
CREATE TABLE case_text_stale (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, grams TEXT NOT NULL);
CREATE TRIGGER case_text_insert AFTER INSERT ON cases BEGIN
  INSERT OR IGNORE INTO case_text_pending (id) VALUES (new.id);
END;
-- A case in the index (not pending) leaves its old terms to be taken out; a 'delete' must give
-- the terms the row was indexed with.
CREATE TRIGGER case_text_update AFTER UPDATE OF title, description, number, address ON cases BEGIN
  INSERT INTO case_text_stale (id, grams)
    SELECT old.id, duban_grams(old.title, old.description, old.number, old.address)
    WHERE NOT EXISTS (SELECT 1 FROM case_text_pending WHERE id = old.id);
  INSERT OR IGNORE INTO case_text_pending (id) VALUES (new.id);
END;
CREATE TRIGGER case_text_delete AFTER DELETE ON cases BEGIN
  INSERT INTO case_text_stale (id, grams)
    SELECT old.id, duban_grams(old.title, old.description, old.number, old.address)
    WHERE NOT EXISTS (SELECT 1 FROM case_text_pending WHERE id = old.id);
  DELETE FROM case_text_pending WHERE id = old.id;
END;
INSERT INTO case_text (rowid, grams) SELECT id, duban_grams(title, description, number, address) FROM cases;
{{/SQLITE}}
)SQL"},
{14, "case reporters: phone numbers of 7 to 10 characters masked as 2 + 2 (the old mask hid nothing of a 7-digit number)", R"SQL(
UPDATE case_reporters SET phone_masked = substr(phone_masked, 1, 2) || substr('**********', 1, length(phone_masked) - 4) ||
                                         substr(phone_masked, length(phone_masked) - 1)
 WHERE length(phone_masked) BETWEEN 7 AND 10;
)SQL"},
{15, "API tokens: when each was last used (to the minute), so an unused one can be told apart and revoked", R"SQL(
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
)SQL"},
{16, "attachments: who may read each file (its uploaders, the cases and projects that name it), and each uploader's own file name", R"SQL(
CREATE TABLE attachment_refs (
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'upload' OR kind = 'case' OR kind = 'project'),
  ref_id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sha256, kind, ref_id)
);
INSERT INTO attachment_refs (sha256, kind, ref_id, name)
  SELECT sha256, 'upload', created_by, name FROM attachments WHERE created_by IS NOT NULL;
{{SQLITE}}
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j.value, 'case', cases.id FROM cases, json_each(cases.attachments) j
   WHERE cases.attachments <> '[]' ON CONFLICT DO NOTHING;
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j.value, 'project', s.record_id FROM registry_stages s, json_each(s.attachments) j
   WHERE s.attachments <> '[]' ON CONFLICT DO NOTHING;
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j.value, 'project', s.record_id FROM registry_progress s, json_each(s.attachments) j
   WHERE s.attachments <> '[]' ON CONFLICT DO NOTHING;
{{/SQLITE}}
{{POSTGRES}}
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j, 'case', cases.id FROM cases, jsonb_array_elements_text(cases.attachments::jsonb) j
   WHERE cases.attachments <> '[]' ON CONFLICT DO NOTHING;
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j, 'project', s.record_id FROM registry_stages s, jsonb_array_elements_text(s.attachments::jsonb) j
   WHERE s.attachments <> '[]' ON CONFLICT DO NOTHING;
INSERT INTO attachment_refs (sha256, kind, ref_id)
  SELECT DISTINCT j, 'project', s.record_id FROM registry_progress s, jsonb_array_elements_text(s.attachments::jsonb) j
   WHERE s.attachments <> '[]' ON CONFLICT DO NOTHING;
{{/POSTGRES}}
)SQL"},
{17, "disclosure: the public portal's releases, each a frozen copy of what was published with its SHA-256; withdrawn, never deleted", R"SQL(
CREATE TABLE disclosures (
  id {{PK}},
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  period TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by BIGINT REFERENCES users(id),
  withdrawn_at TEXT,
  withdrawn_by BIGINT REFERENCES users(id),
  withdraw_reason TEXT
);
CREATE INDEX disclosures_kind ON disclosures (kind, id);
)SQL"},
{18, "petitions: the unit a petition accuses (never shown to it), and a petition's place no longer on its scope paths", R"SQL(
ALTER TABLE cases ADD COLUMN subject_unit_id BIGINT REFERENCES org_units(id);
CREATE INDEX cases_subject ON cases (subject_unit_id) WHERE subject_unit_id IS NOT NULL;
{{SQLITE}}
UPDATE cases SET paths = '|' || substr(paths, instr(substr(paths, 2), '|') + 1) WHERE type = 'petition';
{{/SQLITE}}
{{POSTGRES}}
UPDATE cases SET paths = '|' || substr(paths, strpos(substr(paths, 2), '|') + 1) WHERE type = 'petition';
{{/POSTGRES}}
)SQL"},
{19, "cases: the duplicates merged into a case, found by index (a petition's 被反映单位 passes to them)", R"SQL(
CREATE INDEX cases_merged ON cases (merged_into) WHERE merged_into IS NOT NULL;
)SQL"},
{20, "plan: a progress report keeps the reason it gave (无法完成), which the task's own reason is only the latest of", R"SQL(
ALTER TABLE plan_reports ADD COLUMN reason TEXT NOT NULL DEFAULT '';
)SQL"},
};
// clang-format on

std::string Dialect(const char* sql, Backend b) {
    std::string s(sql);
    const std::string pk = b == Backend::kSqlite
                               ? "INTEGER PRIMARY KEY"
                               : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    for (size_t p; (p = s.find("{{PK}}")) != std::string::npos;) s.replace(p, 6, pk);
    // {{SQLITE}} ... {{/SQLITE}}: statements for SQLite only (a storage detail PostgreSQL does not
    // share); a backend gets a no-op when nothing else is left.
    // {{POSTGRES}} ... {{/POSTGRES}}: the same for PostgreSQL (where the dialects differ, as in
    // reading a JSON array).
    for (const auto& [tag, keep] : {std::pair<std::string, bool>{"SQLITE", b == Backend::kSqlite},
                                    std::pair<std::string, bool>{"POSTGRES", b != Backend::kSqlite}}) {
        const std::string open = "{{" + tag + "}}", close = "{{/" + tag + "}}";
        for (size_t p; (p = s.find(open)) != std::string::npos;) {
            size_t q = s.find(close, p);
            if (q == std::string::npos) throw DbError(DbErrorKind::kOther, "migration: " + open + " without " + close);
            if (keep) {
                s.erase(q, close.size());
                s.erase(p, open.size());
            } else {
                s.erase(p, q + close.size() - p);
            }
        }
    }
    if (s.find_first_not_of(" \t\r\n") == std::string::npos) s = "SELECT 1";
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

bool RefreshPlannerStats(Conn& conn) {
    if (conn.backend() != Backend::kSqlite) return false;
    int64_t rows = conn.Query("SELECT COUNT(*) FROM cases")[0].Int(0);
    int64_t analysed = -1;  // the row count ANALYZE saw, -1 when never analysed
    if (!conn.Query("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").empty()) {
        auto st = conn.Query("SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases' AND idx = 'cases_street'");
        if (!st.empty()) analysed = std::strtoll(st[0].Str(0).c_str(), nullptr, 10);
    }
    bool stale = analysed < 0 ? rows >= kPlannerStatsMinRows : rows > 2 * analysed || 2 * rows < analysed;
    // Statistics from before migration 12 (an ANALYZE run by hand) lack the open cases' index.
    if (!stale && analysed >= 0 &&
        conn.Query("SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases' AND idx = 'cases_open'").empty())
        stale = !conn.Query("SELECT 1 FROM cases WHERE status IN ('open', 'suspended') LIMIT 1").empty();
    if (!stale) return false;
    conn.ExecScript("ANALYZE cases");
    return true;
}

}  // namespace duban::store
