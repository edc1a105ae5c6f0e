#include "store/repos.hpp"

#include <stdexcept>

namespace duban::store {
namespace {

Value Opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
Value Opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

// Appends "AND (path LIKE ? OR path = ? ...)" for a scope; an empty scope matches nothing.
void ScopeClause(const core::Scope& s, const char* col, std::string* sql, std::vector<Value>* p) {
    if (s.all) return;
    if (s.Empty()) {
        *sql += " AND 1=0";
        return;
    }
    *sql += " AND (";
    bool first = true;
    for (const auto& sub : s.subtrees) {
        *sql += first ? "" : " OR ";
        *sql += std::string(col) + " LIKE ?";
        p->emplace_back(sub + "%");
        first = false;
    }
    for (const auto& ex : s.exact) {
        *sql += first ? "" : " OR ";
        *sql += std::string(col) + " = ?";
        p->emplace_back(ex);
        first = false;
    }
    *sql += ")";
}

constexpr const char* kOrgCols =
    "id, parent_id, kind, name, code, path, active, generated, created_at, updated_at, version";

OrgUnit OrgFromRow(Row& r) {
    OrgUnit u;
    u.id = r.Int(0);
    if (!r.IsNull(1)) u.parent_id = r.Int(1);
    u.kind = r.TakeStr(2);
    u.name = r.TakeStr(3);
    if (!r.IsNull(4)) u.code = r.TakeStr(4);
    u.path = r.TakeStr(5);
    u.active = r.Int(6) != 0;
    u.generated = r.Int(7) != 0;
    u.created_at = r.TakeStr(8);
    u.updated_at = r.TakeStr(9);
    u.version = r.Int(10);
    if (r.cols.size() > 11) u.has_children = r.Int(11) != 0;
    return u;
}

// ", EXISTS (...)": whether the unit has an active child the reader may see. EXISTS stops at the
// first child, so a unit with many children costs what a leaf costs.
std::string HasChildren(const core::Scope& s, std::vector<Value>* p) {
    std::string sql = ", EXISTS (SELECT 1 FROM org_units c2 WHERE c2.parent_id = org_units.id AND c2.active = 1";
    ScopeClause(s, "c2.path", &sql, p);
    return sql + ")";
}

}  // namespace

std::optional<OrgUnit> FindOrg(Conn& c, int64_t id, const core::Scope& scope, bool with_has_children) {
    std::vector<Value> p;
    std::string sql;
    sql.reserve(160);
    sql += "SELECT ";
    sql += kOrgCols;
    if (with_has_children) sql += HasChildren(scope, &p);
    sql += " FROM org_units WHERE id = ?";
    p.emplace_back(id);
    ScopeClause(scope, "path", &sql, &p);
    auto rows = c.Query(sql, p);
    if (rows.empty()) return std::nullopt;
    return OrgFromRow(rows[0]);
}

std::optional<OrgUnit> FindOrgForPlacement(Conn& c, int64_t id, const core::Scope& scope) {
    std::vector<Value> p{id};
    std::string sql = "SELECT kind, path, active FROM org_units WHERE id = ?";
    ScopeClause(scope, "path", &sql, &p);
    auto rows = c.Query(sql, p);
    if (rows.empty()) return std::nullopt;
    OrgUnit u;
    u.id = id;
    u.kind = rows[0].TakeStr(0);
    u.path = rows[0].TakeStr(1);
    u.active = rows[0].Int(2) != 0;
    return u;
}

std::optional<OrgUnit> FindOrgByCode(Conn& c, const std::string& code) {
    auto rows = c.Query(std::string("SELECT ") + kOrgCols + " FROM org_units WHERE code = ?", {code});
    if (rows.empty()) return std::nullopt;
    return OrgFromRow(rows[0]);
}

std::pair<std::vector<OrgUnit>, int64_t> ListOrgs(Conn& c, const OrgFilter& f, const core::Scope& s) {
    std::string where = " WHERE 1=1";
    std::vector<Value> p;
    if (f.roots_only) {
        if (s.all) {
            where += " AND parent_id IS NULL";
        } else if (s.Empty()) {
            where += " AND 1=0";
        } else {
            // The tops of a limited scope are its own units.
            where += " AND path IN (";
            bool first = true;
            for (const auto* list : {&s.subtrees, &s.exact})
                for (const auto& path : *list) {
                    where += first ? "?" : ", ?";
                    p.emplace_back(path);
                    first = false;
                }
            where += ")";
        }
    }
    if (f.parent_id) {
        where += " AND parent_id = ?";
        p.emplace_back(*f.parent_id);
    }
    if (f.under) {
        // A path is its ancestors' ids between slashes, so the subtree is a prefix of it (digits
        // and slashes: nothing LIKE would read as a pattern). No such unit: nothing.
        where += " AND id <> ? AND path LIKE (SELECT u.path FROM org_units u WHERE u.id = ?) || '%'";
        p.emplace_back(*f.under);
        p.emplace_back(*f.under);
    }
    if (!f.kind.empty()) {
        where += " AND kind = ?";
        p.emplace_back(f.kind);
    }
    if (!f.q.empty()) {
        // User text is matched literally: %, _ and \ are escaped.
        where += " AND (LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(code) LIKE ? ESCAPE '\\')";
        std::string lower;
        for (char ch : f.q) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        std::string like = "%" + core::LikeEscape(lower) + "%";
        p.emplace_back(like);
        p.emplace_back(like);
    }
    if (f.active) {
        where += " AND active = ?";
        p.emplace_back(static_cast<int64_t>(*f.active ? 1 : 0));
    }
    ScopeClause(s, "path", &where, &p);
    int64_t total = c.Query("SELECT COUNT(*) FROM org_units" + where, p)[0].Int(0);
    std::vector<Value> q;
    std::string cols = std::string(kOrgCols) + HasChildren(s, &q);
    q.insert(q.end(), p.begin(), p.end());
    q.emplace_back(f.per_page);
    q.emplace_back((f.page - 1) * f.per_page);
    auto rows = c.Query("SELECT " + cols + " FROM org_units" + where + " ORDER BY path LIMIT ? OFFSET ?", q);
    std::vector<OrgUnit> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(OrgFromRow(r));
    return {std::move(out), total};
}

void InsertOrg(Conn& c, OrgUnit* u, const std::string& parent_path) {
    int64_t id = c.Query("SELECT COALESCE(MAX(id), 0) + 1 FROM org_units")[0].Int(0);
    u->id = id;
    u->path = parent_path + std::to_string(id) + "/";
    c.Exec(
        "INSERT INTO org_units (id, parent_id, kind, name, code, path, active, generated, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 1)",
        {id, Opt(u->parent_id), u->kind, u->name, Opt(u->code), u->path,
         static_cast<int64_t>(u->generated ? 1 : 0), u->created_at, u->updated_at});
    u->active = true;
    u->version = 1;
}

int64_t InsertOrg(Conn& c, const OrgUnit& u) {
    std::string parent_path = "/";
    if (u.parent_id) {
        auto pr = c.Query("SELECT path FROM org_units WHERE id = ?", {*u.parent_id});
        if (pr.empty()) throw DbError(DbErrorKind::kForeignKey, "parent not found");
        parent_path = pr[0].Str(0);
    }
    OrgUnit copy = u;
    InsertOrg(c, &copy, parent_path);
    return copy.id;
}

void UpdateOrg(Conn& c, const OrgUnit& u) {
    c.Exec(
        "UPDATE org_units SET kind = ?, name = ?, code = ?, active = ?, updated_at = ?, version = "
        "version + 1 WHERE id = ?",
        {u.kind, u.name, Opt(u.code), static_cast<int64_t>(u.active ? 1 : 0), u.updated_at, u.id});
}

void MoveOrgSubtree(Conn& c, int64_t id, std::optional<int64_t> new_parent,
                    const std::string& old_path, const std::string& new_path,
                    const std::string& now) {
    c.Exec("UPDATE org_units SET parent_id = ?, updated_at = ?, version = version + 1 WHERE id = ?",
           {Opt(new_parent), now, id});
    c.Exec("UPDATE org_units SET path = ? || substr(path, ?) WHERE path LIKE ?",
           {new_path, static_cast<int64_t>(old_path.size() + 1), old_path + "%"});
    // Cases keep the paths of the units they name (what a co-unit scope test reads) and take their
    // community and street from their grid, and their street from their community: both follow
    // the tree. (Paths hold only digits and '/': no LIKE escapes.)
    c.Exec("UPDATE cases SET paths = REPLACE(paths, ?, ?) WHERE paths LIKE ?",
           {"|" + old_path, "|" + new_path, "%|" + old_path + "%"});
    const std::string moved = "SELECT id FROM org_units WHERE path LIKE ?";
    c.Exec("UPDATE cases SET community_id = (SELECT o.parent_id FROM org_units o WHERE o.id = cases.grid_id) "
           "WHERE grid_id IN (" + moved + ")",
           {new_path + "%"});
    c.Exec("UPDATE cases SET street_id = (SELECT o.parent_id FROM org_units o WHERE o.id = cases.community_id) "
           "WHERE grid_id IN (" + moved + ") OR community_id IN (" + moved + ")",
           {new_path + "%", new_path + "%"});
}

int64_t CountActiveChildren(Conn& c, int64_t id) {
    return c.Query("SELECT COUNT(*) FROM org_units WHERE parent_id = ? AND active = 1", {id})[0].Int(0);
}

int64_t CountChildren(Conn& c, int64_t id) {
    return c.Query("SELECT COUNT(*) FROM org_units WHERE parent_id = ?", {id})[0].Int(0);
}

int64_t CountUsersInUnit(Conn& c, int64_t id) {
    return c.Query(
        "SELECT COUNT(*) FROM user_units uu JOIN users u ON u.id = uu.user_id WHERE uu.org_id = ? "
        "AND u.disabled = 0",
        {id})[0]
        .Int(0);
}

// ---------------------------------------------------------------- users
namespace {
constexpr const char* kUserCols =
    "id, username, display_name, password_hash, must_change_password, disabled, data_scope, "
    "failed_count, failed_window_start, locked_until, created_at, updated_at, version, totp_secret, "
    "totp_pending, totp_enabled, totp_last_step";

User UserFromRow(Conn& c, const Row& r) {
    User u;
    u.id = r.Int(0);
    u.username = r.Str(1);
    u.display_name = r.Str(2);
    u.password_hash = r.Str(3);
    u.must_change_password = r.Int(4) != 0;
    u.disabled = r.Int(5) != 0;
    u.data_scope = r.Str(6);
    u.failed_count = r.Int(7);
    if (!r.IsNull(8)) u.failed_window_start = r.Str(8);
    if (!r.IsNull(9)) u.locked_until = r.Str(9);
    u.created_at = r.Str(10);
    u.updated_at = r.Str(11);
    u.version = r.Int(12);
    if (!r.IsNull(13)) u.totp_secret = r.Str(13);
    if (!r.IsNull(14)) u.totp_pending = r.Str(14);
    u.totp_enabled = r.Int(15) != 0;
    u.totp_last_step = r.Int(16);
    for (auto& x : c.Query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", {u.id}))
        u.roles.push_back(x.Str(0));
    for (auto& x : c.Query("SELECT org_id FROM user_units WHERE user_id = ? ORDER BY org_id", {u.id}))
        u.units.push_back(x.Int(0));
    for (auto& x :
         c.Query("SELECT org_id FROM user_scope_units WHERE user_id = ? ORDER BY org_id", {u.id}))
        u.scope_units.push_back(x.Int(0));
    return u;
}

void WriteUserLinks(Conn& c, const User& u) {
    c.Exec("DELETE FROM user_roles WHERE user_id = ?", {u.id});
    c.Exec("DELETE FROM user_units WHERE user_id = ?", {u.id});
    c.Exec("DELETE FROM user_scope_units WHERE user_id = ?", {u.id});
    for (const auto& r : u.roles)
        c.Exec("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", {u.id, r});
    for (auto o : u.units) c.Exec("INSERT INTO user_units (user_id, org_id) VALUES (?, ?)", {u.id, o});
    for (auto o : u.scope_units)
        c.Exec("INSERT INTO user_scope_units (user_id, org_id) VALUES (?, ?)", {u.id, o});
}
}  // namespace

std::optional<User> FindUser(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return UserFromRow(c, rows[0]);
}

std::optional<User> FindUserByName(Conn& c, const std::string& username) {
    auto rows =
        c.Query(std::string("SELECT ") + kUserCols + " FROM users WHERE username = ?", {username});
    if (rows.empty()) return std::nullopt;
    return UserFromRow(c, rows[0]);
}

std::pair<std::vector<User>, int64_t> ListUsers(Conn& c, const UserFilter& f) {
    std::string where = " WHERE 1=1";
    std::vector<Value> p;
    if (!f.q.empty()) {
        where += " AND (LOWER(username) LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')";
        p.emplace_back("%" + core::LikeEscape(f.q) + "%");
        p.emplace_back("%" + core::LikeEscape(f.q) + "%");
    }
    if (!f.role.empty()) {
        where += " AND id IN (SELECT user_id FROM user_roles WHERE role = ?)";
        p.emplace_back(f.role);
    }
    int64_t total = c.Query("SELECT COUNT(*) FROM users" + where, p)[0].Int(0);
    auto q = p;
    q.emplace_back(f.per_page);
    q.emplace_back((f.page - 1) * f.per_page);
    auto rows = c.Query(std::string("SELECT ") + kUserCols + " FROM users" + where +
                            " ORDER BY id LIMIT ? OFFSET ?",
                        q);
    std::vector<User> out;
    for (auto& r : rows) out.push_back(UserFromRow(c, r));
    return {std::move(out), total};
}

int64_t InsertUser(Conn& c, const User& u) {
    auto rows = c.Query(
        "INSERT INTO users (username, display_name, password_hash, must_change_password, disabled, "
        "data_scope, failed_count, created_at, updated_at, password_changed_at, version) VALUES (?, "
        "?, ?, ?, ?, ?, 0, ?, ?, ?, 1) RETURNING id",
        {u.username, u.display_name, u.password_hash,
         static_cast<int64_t>(u.must_change_password ? 1 : 0),
         static_cast<int64_t>(u.disabled ? 1 : 0), u.data_scope, u.created_at, u.updated_at,
         u.created_at});
    User copy = u;
    copy.id = rows.at(0).Int(0);
    WriteUserLinks(c, copy);
    return copy.id;
}

void UpdateUser(Conn& c, const User& u) {
    c.Exec(
        "UPDATE users SET display_name = ?, password_hash = ?, must_change_password = ?, disabled = "
        "?, data_scope = ?, failed_count = ?, failed_window_start = ?, locked_until = ?, updated_at "
        "= ?, totp_secret = ?, totp_pending = ?, totp_enabled = ?, totp_last_step = ?, version = version + 1 "
        "WHERE id = ?",
        {u.display_name, u.password_hash, static_cast<int64_t>(u.must_change_password ? 1 : 0),
         static_cast<int64_t>(u.disabled ? 1 : 0), u.data_scope, u.failed_count,
         Opt(u.failed_window_start), Opt(u.locked_until), u.updated_at, Opt(u.totp_secret),
         Opt(u.totp_pending), static_cast<int64_t>(u.totp_enabled ? 1 : 0), u.totp_last_step, u.id});
    WriteUserLinks(c, u);
}

std::vector<std::string> OrgPaths(Conn& c, const std::vector<int64_t>& ids) {
    std::vector<std::string> out;
    for (auto id : ids) {
        auto rows = c.Query("SELECT path FROM org_units WHERE id = ? AND active = 1", {id});
        if (!rows.empty()) out.push_back(rows[0].Str(0));
    }
    return out;
}

// ---------------------------------------------------------------- sessions, tokens
namespace {
constexpr const char* kSessCols =
    "id, user_id, token_hash, csrf_token, created_at, last_seen_at, ip, user_agent, ended_at";
Session SessFromRow(const Row& r) {
    Session s;
    s.id = r.Int(0);
    s.user_id = r.Int(1);
    s.token_hash = r.Str(2);
    s.csrf_token = r.Str(3);
    s.created_at = r.Str(4);
    s.last_seen_at = r.Str(5);
    s.ip = r.Str(6);
    s.user_agent = r.Str(7);
    if (!r.IsNull(8)) s.ended_at = r.Str(8);
    return s;
}
}  // namespace

int64_t InsertSession(Conn& c, const Session& s) {
    return c
        .Query(
            "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, last_seen_at, ip, "
            "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {s.user_id, s.token_hash, s.csrf_token, s.created_at, s.last_seen_at, s.ip, s.user_agent})
        .at(0)
        .Int(0);
}

std::optional<Session> FindSessionByHash(Conn& c, const std::string& h) {
    auto rows = c.Query(std::string("SELECT ") + kSessCols + " FROM sessions WHERE token_hash = ?", {h});
    if (rows.empty()) return std::nullopt;
    return SessFromRow(rows[0]);
}

std::optional<Session> FindSession(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kSessCols + " FROM sessions WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return SessFromRow(rows[0]);
}

std::vector<Session> ListActiveSessions(Conn& c, const std::string& idle_cutoff) {
    std::vector<Session> out;
    for (auto& r : c.Query(std::string("SELECT ") + kSessCols +
                               " FROM sessions WHERE ended_at IS NULL AND last_seen_at >= ? ORDER BY id",
                           {idle_cutoff}))
        out.push_back(SessFromRow(r));
    return out;
}

void EndSession(Conn& c, int64_t id, const std::string& now) {
    c.Exec("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", {now, id});
}
void EndUserSessions(Conn& c, int64_t user_id, const std::string& now, int64_t keep_session_id) {
    c.Exec("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND id <> ? AND ended_at IS NULL",
           {now, user_id, keep_session_id});
}
void TouchSession(Conn& c, int64_t id, const std::string& now) {
    c.Exec("UPDATE sessions SET last_seen_at = ? WHERE id = ?", {now, id});
}

int64_t InsertToken(Conn& c, const ApiToken& t) {
    return c
        .Query(
            "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES (?, "
            "?, ?, ?, ?) RETURNING id",
            {t.user_id, t.token_hash, t.name, t.created_at, t.expires_at})
        .at(0)
        .Int(0);
}

namespace {
constexpr const char* kTokenCols = "id, user_id, token_hash, name, created_at, expires_at, revoked_at, last_used_at";
ApiToken TokenFromRow(const Row& r) {
    ApiToken t;
    t.id = r.Int(0);
    t.user_id = r.Int(1);
    t.token_hash = r.Str(2);
    t.name = r.Str(3);
    t.created_at = r.Str(4);
    t.expires_at = r.Str(5);
    if (!r.IsNull(6)) t.revoked_at = r.Str(6);
    if (!r.IsNull(7)) t.last_used_at = r.Str(7);
    return t;
}
}  // namespace

std::optional<ApiToken> FindTokenByHash(Conn& c, const std::string& h) {
    auto rows = c.Query(std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE token_hash = ?", {h});
    if (rows.empty()) return std::nullopt;
    return TokenFromRow(rows[0]);
}

std::optional<ApiToken> FindToken(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return TokenFromRow(rows[0]);
}

std::pair<std::vector<ApiToken>, int64_t> ListTokens(Conn& c, const TokenFilter& f) {
    std::string where = " WHERE 1=1";
    std::vector<Value> p;
    if (f.user_id) {
        where += " AND user_id = ?";
        p.emplace_back(*f.user_id);
    }
    // Times are stored in one fixed-width UTC form, so they compare as text.
    if (f.status == "active") {
        where += " AND revoked_at IS NULL AND expires_at > ?";
        p.emplace_back(f.now);
    } else if (f.status == "expired") {
        where += " AND revoked_at IS NULL AND expires_at <= ?";
        p.emplace_back(f.now);
    } else if (f.status == "revoked") {
        where += " AND revoked_at IS NOT NULL";
    }
    int64_t total = c.Query("SELECT COUNT(*) FROM api_tokens" + where, p)[0].Int(0);
    auto q = p;
    q.emplace_back(f.per_page);
    q.emplace_back((f.page - 1) * f.per_page);
    auto rows = c.Query(std::string("SELECT ") + kTokenCols + " FROM api_tokens" + where +
                            " ORDER BY id DESC LIMIT ? OFFSET ?",
                        q);
    std::vector<ApiToken> out;
    for (auto& r : rows) out.push_back(TokenFromRow(r));
    return {std::move(out), total};
}

void RevokeToken(Conn& c, int64_t id, const std::string& now) {
    c.Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {now, id});
}

void TouchToken(Conn& c, int64_t id, const std::string& at) {
    c.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {at, id});
}

int64_t InsertChallenge(Conn& c, const LoginChallenge& ch) {
    return c
        .Query(
            "INSERT INTO login_challenges (user_id, token_hash, created_at, expires_at, attempts, ip, "
            "user_agent) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
            {ch.user_id, ch.token_hash, ch.created_at, ch.expires_at, ch.ip, ch.user_agent})
        .at(0)
        .Int(0);
}

std::optional<LoginChallenge> FindChallengeByHash(Conn& c, const std::string& h) {
    auto rows = c.Query(
        "SELECT id, user_id, attempts, token_hash, created_at, expires_at, ip, user_agent, used_at "
        "FROM login_challenges WHERE token_hash = ?",
        {h});
    if (rows.empty()) return std::nullopt;
    const Row& r = rows[0];
    LoginChallenge ch;
    ch.id = r.Int(0);
    ch.user_id = r.Int(1);
    ch.attempts = r.Int(2);
    ch.token_hash = r.Str(3);
    ch.created_at = r.Str(4);
    ch.expires_at = r.Str(5);
    ch.ip = r.Str(6);
    ch.user_agent = r.Str(7);
    if (!r.IsNull(8)) ch.used_at = r.Str(8);
    return ch;
}

void UpdateChallenge(Conn& c, int64_t id, int64_t attempts, const std::optional<std::string>& used_at) {
    c.Exec("UPDATE login_challenges SET attempts = ?, used_at = ? WHERE id = ?", {attempts, Opt(used_at), id});
}

void ReplaceRecoveryCodes(Conn& c, int64_t user_id, const std::vector<std::string>& hashes,
                          const std::string& now) {
    c.Exec("DELETE FROM recovery_codes WHERE user_id = ?", {user_id});
    for (const auto& h : hashes)
        c.Exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", {user_id, h, now});
}

bool UseRecoveryCode(Conn& c, int64_t user_id, const std::string& hash, const std::string& now) {
    return c.Exec("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                  {now, user_id, hash}) > 0;
}

int64_t CountUnusedRecoveryCodes(Conn& c, int64_t user_id) {
    return c.Query("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", {user_id})[0].Int(0);
}

std::optional<std::string> GetSetting(Conn& c, const std::string& key) {
    auto rows = c.Query("SELECT value FROM settings WHERE key = ?", {key});
    if (rows.empty()) return std::nullopt;
    return rows[0].Str(0);
}

void PutSetting(Conn& c, const std::string& key, const std::string& value) {
    if (c.Exec("UPDATE settings SET value = ? WHERE key = ?", {value, key}) == 0)
        c.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", {key, value});
}

void DeleteSetting(Conn& c, const std::string& key) { c.Exec("DELETE FROM settings WHERE key = ?", {key}); }

int64_t CountRows(Conn& c, const std::string& table) {
    static const char* kAllowed[] = {"events", "org_units", "users", "user_roles", "user_units",
                                     "user_scope_units", "sessions", "api_tokens", "settings",
                                     "recovery_codes", "login_challenges", "plans", "plan_nodes", "plan_followups",
                                     "indicator_defs", "indicator_values", "indicator_targets", "geo_areas", "attachments",
                                     "registry_records", "enterprises", "disclosures"};
    for (const char* t : kAllowed)
        if (table == t) return c.Query("SELECT COUNT(*) FROM " + table)[0].Int(0);
    throw std::invalid_argument("CountRows: unknown table " + table);
}

}  // namespace duban::store
