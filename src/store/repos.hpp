#pragma once
/// Row types and queries for the core tables. Every read takes the caller's Scope and filters
/// in SQL, so an object outside the scope is simply not found.
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

struct OrgUnit {
    int64_t id = 0;
    std::optional<int64_t> parent_id;
    std::string kind, name;
    std::optional<std::string> code;
    std::string path;
    bool active = true;
    bool generated = false;
    std::string created_at, updated_at;
    int64_t version = 1;
    bool has_children = false;  // an active child visible in the reader's scope (lists and reads)
};

struct OrgFilter {
    std::optional<int64_t> parent_id;
    bool roots_only = false;  // the tops of the reader's scope (parent_id null for all-data scope)
    std::string kind;
    std::string q;  // substring of name or code
    std::optional<bool> active;
    int64_t page = 1, per_page = 50;
    std::optional<int64_t> under;  // units below this one, at any depth (not itself)
};

/// with_has_children adds a look for a visible active child: for reads that show it.
std::optional<OrgUnit> FindOrg(Conn& c, int64_t id, const core::Scope& scope, bool with_has_children = false);
/// FindOrg for a unit about to get a child (created or moved there): only its id, kind, path and
/// active flag are read, all that placing a child needs (this runs on the writer, where every
/// column read costs).
std::optional<OrgUnit> FindOrgForPlacement(Conn& c, int64_t id, const core::Scope& scope);
std::optional<OrgUnit> FindOrgByCode(Conn& c, const std::string& code);
std::pair<std::vector<OrgUnit>, int64_t> ListOrgs(Conn& c, const OrgFilter& f, const core::Scope& s);
/// Inserts a unit under the parent whose path is given ("/" for a root), with the next id, and
/// sets u->id and u->path. One statement: the single writer owns id allocation.
void InsertOrg(Conn& c, OrgUnit* u, const std::string& parent_path);
int64_t InsertOrg(Conn& c, const OrgUnit& u);  // looks up the parent's path; returns id
void UpdateOrg(Conn& c, const OrgUnit& u);      // name, code, kind, active, updated_at, version+1
/// Moves a subtree: rewrites the paths of the unit and all below it.
void MoveOrgSubtree(Conn& c, int64_t id, std::optional<int64_t> new_parent, const std::string& old_path,
                    const std::string& new_path, const std::string& now);
int64_t CountActiveChildren(Conn& c, int64_t id);
int64_t CountChildren(Conn& c, int64_t id);  // active or not
int64_t CountUsersInUnit(Conn& c, int64_t id);

struct User {
    int64_t id = 0;
    std::string username, display_name, password_hash;
    bool must_change_password = true;
    bool disabled = false;
    std::string data_scope = "unit_and_below";
    int64_t failed_count = 0;
    std::optional<std::string> failed_window_start, locked_until;
    std::string created_at, updated_at;
    std::vector<std::string> roles;
    std::vector<int64_t> units;        // member of (兼職: several)
    std::vector<int64_t> scope_units;  // custom data scope
    int64_t version = 1;
    std::optional<std::string> totp_secret, totp_pending;  // sealed (core::SecretBox)
    bool totp_enabled = false;
    int64_t totp_last_step = 0;  // the last TOTP time step used: a code works once
};

std::optional<User> FindUser(Conn& c, int64_t id);
std::optional<User> FindUserByName(Conn& c, const std::string& username);
struct UserFilter {
    std::string q, role;
    int64_t page = 1, per_page = 50;
};
std::pair<std::vector<User>, int64_t> ListUsers(Conn& c, const UserFilter& f);
int64_t InsertUser(Conn& c, const User& u);  // also roles, units, scope units
void UpdateUser(Conn& c, const User& u);     // fields, roles, units, scope units
/// Paths of the given org ids (missing ids are skipped).
std::vector<std::string> OrgPaths(Conn& c, const std::vector<int64_t>& ids);

struct Session {
    int64_t id = 0, user_id = 0;
    std::string token_hash, csrf_token, created_at, last_seen_at, ip, user_agent;
    std::optional<std::string> ended_at;
};
int64_t InsertSession(Conn& c, const Session& s);
std::optional<Session> FindSessionByHash(Conn& c, const std::string& token_hash);
std::vector<Session> ListActiveSessions(Conn& c, const std::string& idle_cutoff);
std::optional<Session> FindSession(Conn& c, int64_t id);
void EndSession(Conn& c, int64_t id, const std::string& now);
/// Ends every open session of the user but keep_session_id (0: all of them).
void EndUserSessions(Conn& c, int64_t user_id, const std::string& now, int64_t keep_session_id = 0);
void TouchSession(Conn& c, int64_t id, const std::string& now);

struct ApiToken {
    int64_t id = 0, user_id = 0;
    std::string token_hash, name, created_at, expires_at;
    std::optional<std::string> revoked_at;
    std::optional<std::string> last_used_at;  // kept to the minute by the server
};
int64_t InsertToken(Conn& c, const ApiToken& t);
std::optional<ApiToken> FindTokenByHash(Conn& c, const std::string& token_hash);
std::optional<ApiToken> FindToken(Conn& c, int64_t id);
struct TokenFilter {
    std::optional<int64_t> user_id;
    std::string status;  // "", "active", "expired" or "revoked" (as of `now`)
    std::string now;
    int64_t page = 1, per_page = 50;
};
/// Newest first.
std::pair<std::vector<ApiToken>, int64_t> ListTokens(Conn& c, const TokenFilter& f);
void RevokeToken(Conn& c, int64_t id, const std::string& now);
void TouchToken(Conn& c, int64_t id, const std::string& at);

struct LoginChallenge {
    int64_t id = 0, user_id = 0, attempts = 0;
    std::string token_hash, created_at, expires_at, ip, user_agent;
    std::optional<std::string> used_at;
};
int64_t InsertChallenge(Conn& c, const LoginChallenge& ch);
std::optional<LoginChallenge> FindChallengeByHash(Conn& c, const std::string& token_hash);
void UpdateChallenge(Conn& c, int64_t id, int64_t attempts, const std::optional<std::string>& used_at);

/// Replaces a user's recovery codes with these hashes.
void ReplaceRecoveryCodes(Conn& c, int64_t user_id, const std::vector<std::string>& hashes,
                          const std::string& now);
/// Marks the unused code with this hash used; false if there is none.
bool UseRecoveryCode(Conn& c, int64_t user_id, const std::string& hash, const std::string& now);
int64_t CountUnusedRecoveryCodes(Conn& c, int64_t user_id);

std::optional<std::string> GetSetting(Conn& c, const std::string& key);
void PutSetting(Conn& c, const std::string& key, const std::string& value);
void DeleteSetting(Conn& c, const std::string& key);

/// Row counts of the business tables (for "nothing changed" checks and /metrics).
int64_t CountRows(Conn& c, const std::string& table);

}  // namespace duban::store
