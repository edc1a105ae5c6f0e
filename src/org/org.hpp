#pragma once
/// duban::org — organisation units, accounts, roles, data scopes, sessions and tokens.
/// Domain rules and the commands the pipeline runs; no HTTP, no SQL strings.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "store/repos.hpp"
#include "store/store.hpp"

namespace duban::org {

using core::Error;
using core::Json;
using core::Result;
using core::Status;

// ---------------------------------------------------------------- roles and permissions
inline const std::vector<std::string> kRoles = {"sysadmin", "secadmin", "auditor",  "leader",
                                                "supervisor", "staff",  "inspector", "statistician"};
inline const std::set<std::string> kAdminRoles = {"sysadmin", "secadmin", "auditor"};
inline const std::vector<std::string> kDataScopes = {"all", "custom", "unit", "unit_and_below",
                                                     "self"};

enum class Perm {
    kOrgRead,         // read org units in scope
    kOrgWrite,        // create, edit, move, deactivate, import
    kUserRead,        // list accounts
    kUserWrite,       // create accounts, reset passwords, disable, scopes
    kRoleGrant,       // grant and revoke roles
    kUnlock,          // unlock accounts
    kSecurityPolicy,  // read and change the security policy
    kSessionAdmin,    // list and end other users' sessions
    kAuditRead,       // read events, verify the chain
    kPlanRead,        // see work plans (staff: tasks of their units only)
    kPlanWrite,       // import reports, confirm plans, edit the task tree, assign units
    kPlanReport,      // progress reports and replies to follow-up notices for their units
    kPlanComment,     // leaders' comments on tasks
    kPlanFollowup,    // issue follow-up notices (督辦單)
    kIndicatorRead,   // indicator definitions, values in scope, targets, alerts, the month's table
    kIndicatorWrite,  // enter and import values, set and split targets, define indicators (統計員)
    kAttachmentRead,  // fetch an uploaded attachment by its hash (business roles)
    kAttachmentWrite, // upload attachments (photos, documents): roles that report or handle cases
    kIndicatorPublish,  // edit the monthly pack's narrative and publish the pack (統計員, 督查)
    kCaseRead,        // see cases in scope (lead/co unit, located in the street or grid), case types
    kCaseReport,      // report (上報/受理) a new case
    kCaseHandle,      // act on a case: transitions the type's configuration allows the role, notes
    kCaseDispatch,    // the dispatcher's queue and the dispatch rule table
    kCaseAdmin,       // edit case types' configuration (stages, limits, categories)
    kCasePersonal,    // the reporter's personal data in full (each view logged)
    kCalendarAdmin,   // add next year's holidays and adjusted workdays, set office hours
    kProjectRead,     // key projects, enterprises, promotion events, stage rules, the dashboard
    kProjectWrite,    // create and edit projects and enterprises, advance stages, monthly reports
    kProjectAdmin,    // stage rules, promotion events, reverting a stage
    kDisclosurePublish,  // preview, publish and withdraw the public portal's releases (督查)
};
/// Every permission, in a stable order (what the client is told it may do).
inline constexpr Perm kAllPerms[] = {
    Perm::kOrgRead,  Perm::kOrgWrite,   Perm::kUserRead,    Perm::kUserWrite,    Perm::kRoleGrant,
    Perm::kUnlock,   Perm::kSecurityPolicy, Perm::kSessionAdmin, Perm::kAuditRead, Perm::kPlanRead,
    Perm::kPlanWrite, Perm::kPlanReport, Perm::kPlanComment, Perm::kPlanFollowup,
    Perm::kIndicatorRead, Perm::kIndicatorWrite, Perm::kAttachmentRead, Perm::kAttachmentWrite, Perm::kIndicatorPublish,
    Perm::kCaseRead, Perm::kCaseReport, Perm::kCaseHandle, Perm::kCaseDispatch, Perm::kCaseAdmin, Perm::kCasePersonal,
    Perm::kCalendarAdmin, Perm::kProjectRead, Perm::kProjectWrite, Perm::kProjectAdmin, Perm::kDisclosurePublish};
const char* PermName(Perm p);
/// Roles that carry a permission.
std::vector<std::string> RolesWith(Perm p);
bool HasPerm(const std::vector<std::string>& roles, Perm p);

/// Roles must be known, and at most one of the three admin roles, which never combine with a
/// business role (three-admin separation, 等級保護).
Status ValidateRoles(const std::vector<std::string>& roles);

// ---------------------------------------------------------------- security policy
struct SecurityPolicy {
    int min_length = 12;
    int min_classes = 3;
    int lockout_threshold = 5;
    int lockout_window_min = 15;
    int lockout_minutes = 15;
    int idle_timeout_min = 30;
    int absolute_timeout_h = 12;
    /// Roles whose accounts must sign in with a second factor (TOTP).
    std::vector<std::string> totp_roles = {"sysadmin", "secadmin", "auditor"};
    Json ToJson() const;
    /// Validates and applies fields present in j (unknown keys are an error).
    static Result<SecurityPolicy> FromJson(const Json& j, const SecurityPolicy& base);
};
SecurityPolicy LoadPolicy(store::Conn& c);

/// Loads the common-password list (one per line, case-insensitive). Returns how many.
size_t LoadCommonPasswords(const std::string& path);
/// Length, character classes, not containing the username, not a common password.
Status CheckPassword(const std::string& username, const std::string& password,
                     const SecurityPolicy& policy);

// ---------------------------------------------------------------- who is asking
struct Principal {
    int64_t user_id = 0;
    std::string username, display_name;
    std::vector<std::string> roles;
    std::vector<int64_t> units;
    core::Scope scope;
    int64_t session_id = 0;     // 0 when authenticated by token
    std::string csrf_token;     // session only
    bool must_change_password = false;
    bool totp_required = false, totp_enabled = false;
    bool Has(Perm p) const { return HasPerm(roles, p); }
    store::Actor ToActor(const std::string& ip) const { return {user_id, username, ip}; }
};

/// The org subtrees a user may see: the union over its data-scope label, units and custom units.
core::Scope ComputeScope(store::Conn& c, const store::User& u);

// ---------------------------------------------------------------- org unit commands
struct OrgInput {
    std::optional<std::optional<int64_t>> parent_id;  // outer: present; inner: null
    std::optional<std::string> kind, name;
    std::optional<std::optional<std::string>> code;
};
/// Checks the parent/kind rule: district at the root; street under district; community under
/// street; grid under community; department at the root, under a district or a department.
Status CheckPlacement(const std::string& kind, const std::optional<store::OrgUnit>& parent);
Json OrgToJson(const store::OrgUnit& u);

Result<Json> CreateOrgUnit(store::WriteTx& tx, const core::Scope& scope, const OrgInput& in,
                           bool generated = false);
Result<Json> UpdateOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id,
                           const OrgInput& in, std::optional<int64_t> if_version);
Result<Json> MoveOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id,
                         std::optional<int64_t> new_parent);
Result<Json> DeactivateOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id);

/// A CSV import: header code,name,kind,parent_code (parent by code, blank for a root).
/// Every row is validated first; any error imports nothing.
struct ImportRowError {
    int row;  // 1-based data row number as in the file (header is row 1)
    std::string column, message;
};
struct CsvImportPlan {
    std::vector<OrgInput> rows;                     // in file order, parents before children
    std::vector<std::string> parent_codes;          // per row
    std::vector<ImportRowError> errors;
};
CsvImportPlan ParseOrgCsv(store::Conn& c, const core::Scope& scope, const std::string& csv);
Result<Json> ImportOrgUnits(store::WriteTx& tx, const core::Scope& scope, const std::string& csv,
                            bool dry_run);

// ---------------------------------------------------------------- accounts
Json UserToJson(const store::User& u, core::TimePoint now);

struct UserInput {
    std::optional<std::string> username, display_name, password, data_scope;
    std::optional<std::vector<std::string>> roles;
    std::optional<std::vector<int64_t>> units, scope_units;
    std::optional<bool> disabled;
};
/// Creates an account. The password is set by someone else, so it must be changed at first login.
Result<Json> CreateUser(store::WriteTx& tx, const UserInput& in, const SecurityPolicy& policy);
/// Edits display name, units, data scope, disabled. Role changes go through SetRoles.
Result<Json> UpdateUser(store::WriteTx& tx, int64_t id, const UserInput& in);
Result<Json> SetRoles(store::WriteTx& tx, int64_t id, const std::vector<std::string>& roles);
Result<Json> ResetPassword(store::WriteTx& tx, int64_t id, const std::string& password,
                           const SecurityPolicy& policy);
Result<Json> UnlockUser(store::WriteTx& tx, int64_t id);
Result<Json> ChangeOwnPassword(store::WriteTx& tx, int64_t user_id, int64_t session_id,
                               const std::string& old_pw, const std::string& new_pw,
                               const SecurityPolicy& policy);

struct LoginOutcome {
    bool ok = false;
    int64_t user_id = 0, session_id = 0;
    std::string session_token;  // raw, for the cookie (only on success)
    std::string csrf_token;
    bool must_change_password = false;
    int locked_seconds = 0;  // > 0 when locked
};
/// Verifies the password (already checked by the caller outside the writer, see verified) and
/// records success (new session) or failure (counter, lockout). Events: auth.login,
/// auth.login_failed, auth.lockout.
Result<Json> RecordLogin(store::WriteTx& tx, const std::string& username, bool verified,
                         const SecurityPolicy& policy, const std::string& ip,
                         const std::string& user_agent);
/// Finishes a login that needs a second factor: a TOTP code (each time step works once) or an
/// unused recovery code. Wrong codes count towards the lockout like wrong passwords.
Result<Json> CompleteSecondFactor(store::WriteTx& tx, const std::string& challenge,
                                  const std::string& code, const std::string& recovery_code,
                                  const core::SecretBox& box, const SecurityPolicy& policy,
                                  const std::string& ip, const std::string& user_agent);
bool TotpRequired(const std::vector<std::string>& roles, const SecurityPolicy& policy);
/// Starts (or restarts) enrolment: a new secret kept pending until confirmed with a first code.
Result<Json> BeginTotpEnrollment(store::WriteTx& tx, int64_t user_id, const core::SecretBox& box);
/// Confirms enrolment with a first code; returns 10 recovery codes, shown once, stored hashed.
Result<Json> ConfirmTotp(store::WriteTx& tx, int64_t user_id, const std::string& code,
                         const core::SecretBox& box);
/// Removes an account's second factor (lost device); it must enrol again at next login.
Result<Json> ResetTotp(store::WriteTx& tx, int64_t user_id);
Result<Json> Logout(store::WriteTx& tx, int64_t session_id);
Result<Json> EndSessionBy(store::WriteTx& tx, int64_t session_id);
Result<Json> CreateToken(store::WriteTx& tx, int64_t user_id, const std::string& name, int days);
/// A token as lists show it: never its hash; `status` is active, expired or revoked at `now`.
Json TokenToJson(const store::ApiToken& t, const std::string& now, const std::string& username = {});
/// Tokens as lists show them, in order; with_usernames adds each one's account name.
Json TokensJson(store::Conn& c, const std::vector<store::ApiToken>& tokens, const std::string& now, bool with_usernames);
/// Is s a token status a list filters by (active, expired, revoked)?
bool IsTokenStatus(std::string_view s);
/// Revokes a token. With `owner`, only that account's token is found (others are 404).
/// A token already revoked is a 409.
Result<Json> RevokeToken(store::WriteTx& tx, int64_t token_id, std::optional<int64_t> owner);

}  // namespace duban::org
