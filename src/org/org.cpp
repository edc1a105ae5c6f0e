#include "org/org.hpp"

#include <algorithm>
#include <fstream>
#include <unordered_set>

namespace duban::org {

using store::OrgUnit;
using store::User;

// ---------------------------------------------------------------- roles
const char* PermName(Perm p) {
    switch (p) {
        case Perm::kOrgRead: return "org.read";
        case Perm::kOrgWrite: return "org.write";
        case Perm::kUserRead: return "user.read";
        case Perm::kUserWrite: return "user.write";
        case Perm::kRoleGrant: return "role.grant";
        case Perm::kUnlock: return "user.unlock";
        case Perm::kSecurityPolicy: return "security.policy";
        case Perm::kSessionAdmin: return "session.admin";
        case Perm::kAuditRead: return "audit.read";
        case Perm::kPlanRead: return "plan.read";
        case Perm::kPlanWrite: return "plan.write";
        case Perm::kPlanReport: return "plan.report";
        case Perm::kPlanComment: return "plan.comment";
        case Perm::kPlanFollowup: return "plan.followup";
        case Perm::kIndicatorRead: return "indicator.read";
        case Perm::kIndicatorWrite: return "indicator.write";
        case Perm::kAttachmentRead: return "attachment.read";
        case Perm::kAttachmentWrite: return "attachment.write";
        case Perm::kIndicatorPublish: return "indicator.publish";
        case Perm::kCaseRead: return "case.read";
        case Perm::kCaseReport: return "case.report";
        case Perm::kCaseHandle: return "case.handle";
        case Perm::kCaseDispatch: return "case.dispatch";
        case Perm::kCaseAdmin: return "case.admin";
        case Perm::kCasePersonal: return "case.personal";
        case Perm::kCalendarAdmin: return "calendar.admin";
        case Perm::kProjectRead: return "project.read";
        case Perm::kProjectWrite: return "project.write";
        case Perm::kProjectAdmin: return "project.admin";
        case Perm::kDisclosurePublish: return "disclosure.publish";
    }
    return "?";
}

std::vector<std::string> RolesWith(Perm p) {
    switch (p) {
        case Perm::kOrgRead: return {"sysadmin", "secadmin", "leader", "supervisor", "staff", "inspector", "statistician"};
        case Perm::kOrgWrite: return {"sysadmin"};
        case Perm::kUserRead: return {"sysadmin", "secadmin"};
        case Perm::kUserWrite: return {"sysadmin"};
        case Perm::kRoleGrant: return {"secadmin"};
        case Perm::kUnlock: return {"secadmin"};
        case Perm::kSecurityPolicy: return {"secadmin"};
        case Perm::kSessionAdmin: return {"secadmin"};
        case Perm::kAuditRead: return {"auditor"};
        case Perm::kPlanRead: return {"leader", "supervisor", "staff"};
        case Perm::kPlanWrite: return {"supervisor"};
        case Perm::kPlanReport: return {"staff"};
        case Perm::kPlanComment: return {"leader"};
        case Perm::kPlanFollowup: return {"supervisor"};
        case Perm::kIndicatorRead: return {"leader", "supervisor", "staff", "statistician"};
        case Perm::kIndicatorWrite: return {"statistician"};
        case Perm::kAttachmentRead: return {"leader", "supervisor", "staff", "inspector", "statistician"};
        case Perm::kAttachmentWrite: return {"leader", "supervisor", "staff", "inspector"};
        case Perm::kIndicatorPublish: return {"statistician", "supervisor"};
        case Perm::kCaseRead: return {"leader", "supervisor", "staff", "inspector"};
        case Perm::kCaseReport: return {"supervisor", "staff", "inspector"};
        case Perm::kCaseHandle: return {"leader", "supervisor", "staff", "inspector"};
        case Perm::kCaseDispatch: return {"supervisor"};
        case Perm::kCaseAdmin: return {"sysadmin"};
        case Perm::kCasePersonal: return {"leader", "supervisor", "staff"};
        case Perm::kCalendarAdmin: return {"sysadmin"};
        case Perm::kProjectRead: return {"leader", "supervisor", "staff", "statistician"};
        case Perm::kProjectWrite: return {"supervisor", "staff"};
        case Perm::kProjectAdmin: return {"supervisor"};
        case Perm::kDisclosurePublish: return {"supervisor"};
    }
    return {};
}

bool HasPerm(const std::vector<std::string>& roles, Perm p) {
    auto allowed = RolesWith(p);
    for (const auto& r : roles)
        if (std::find(allowed.begin(), allowed.end(), r) != allowed.end()) return true;
    return false;
}

Status ValidateRoles(const std::vector<std::string>& roles) {
    if (roles.empty()) return Error::Validation("roles", "at least one role is required");
    int admin = 0;
    std::set<std::string> seen;
    for (const auto& r : roles) {
        if (std::find(kRoles.begin(), kRoles.end(), r) == kRoles.end())
            return Error::Validation("roles", "unknown role '" + r +
                                                  "'; roles are sysadmin, secadmin, auditor, "
                                                  "leader, supervisor, staff, inspector, statistician");
        if (!seen.insert(r).second) return Error::Validation("roles", "role '" + r + "' given twice");
        if (kAdminRoles.count(r)) ++admin;
    }
    if (admin > 1)
        return Error::Validation("roles",
                                 "three-admin separation: one account cannot hold two of "
                                 "sysadmin, secadmin and auditor",
                                 "separation_of_duties");
    if (admin == 1 && roles.size() > 1)
        return Error::Validation("roles",
                                 "three-admin separation: an admin role cannot be combined with "
                                 "business roles",
                                 "separation_of_duties");
    return {};
}

// ---------------------------------------------------------------- policy
Json SecurityPolicy::ToJson() const {
    return {{"min_length", min_length},
            {"min_classes", min_classes},
            {"lockout_threshold", lockout_threshold},
            {"lockout_window_min", lockout_window_min},
            {"lockout_minutes", lockout_minutes},
            {"idle_timeout_min", idle_timeout_min},
            {"absolute_timeout_h", absolute_timeout_h},
            {"totp_roles", totp_roles}};
}

Result<SecurityPolicy> SecurityPolicy::FromJson(const Json& j, const SecurityPolicy& base) {
    if (!j.is_object()) return Error::Validation("", "the body must be a JSON object");
    SecurityPolicy p = base;
    struct F {
        const char* name;
        int* dst;
        int lo, hi;
    } fields[] = {{"min_length", &p.min_length, 12, 128},
                  {"min_classes", &p.min_classes, 3, 4},
                  {"lockout_threshold", &p.lockout_threshold, 3, 20},
                  {"lockout_window_min", &p.lockout_window_min, 1, 1440},
                  {"lockout_minutes", &p.lockout_minutes, 1, 1440},
                  {"idle_timeout_min", &p.idle_timeout_min, 5, 480},
                  {"absolute_timeout_h", &p.absolute_timeout_h, 1, 72}};
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "totp_roles") {
            if (!it->is_array()) return Error::Validation("totp_roles", "totp_roles must be an array of role names");
            std::vector<std::string> roles;
            for (auto& r : *it) {
                if (!r.is_string() || std::find(kRoles.begin(), kRoles.end(), r.get<std::string>()) == kRoles.end())
                    return Error::Validation("totp_roles", "totp_roles lists an unknown role");
                roles.push_back(r.get<std::string>());
            }
            for (const auto& admin : kAdminRoles)
                if (std::find(roles.begin(), roles.end(), admin) == roles.end())
                    return Error::Validation("totp_roles", "the admin roles always need a second factor");
            p.totp_roles = roles;
            continue;
        }
        bool known = false;
        for (auto& f : fields) {
            if (it.key() != f.name) continue;
            known = true;
            if (!it->is_number_integer())
                return Error::Validation(f.name, std::string(f.name) + " must be an integer");
            auto v = it->get<int64_t>();
            if (v < f.lo || v > f.hi)
                return Error::Validation(f.name, std::string(f.name) + " must be between " +
                                                     std::to_string(f.lo) + " and " +
                                                     std::to_string(f.hi));
            *f.dst = static_cast<int>(v);
        }
        if (!known) return Error::Validation(it.key(), "unknown field '" + it.key() + "'", "unknown_field");
    }
    return p;
}

SecurityPolicy LoadPolicy(store::Conn& c) {
    SecurityPolicy p;
    if (auto v = store::GetSetting(c, "security_policy")) {
        auto j = Json::parse(*v, nullptr, false);
        if (!j.is_discarded()) {
            auto r = SecurityPolicy::FromJson(j, p);
            if (r.ok()) p = r.value();
        }
    }
    return p;
}

namespace {
std::unordered_set<std::string>& CommonPasswords() {
    static std::unordered_set<std::string> s;
    return s;
}
std::string Lower(std::string s) {
    for (auto& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return s;
}
}  // namespace

size_t LoadCommonPasswords(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    auto& set = CommonPasswords();
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;  // john's list starts with comments
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) set.insert(Lower(line));
    }
    return set.size();
}

Status CheckPassword(const std::string& username, const std::string& password,
                     const SecurityPolicy& policy) {
    if (!core::IsValidUtf8(password)) return Error::Validation("password", "password must be UTF-8 text");
    if (static_cast<int>(core::Utf8Length(password)) < policy.min_length)
        return Error::Validation("password", "password must have at least " +
                                                 std::to_string(policy.min_length) + " characters",
                                 "weak_password");
    if (password.size() > 256) return Error::Validation("password", "password is too long (256 bytes at most)");
    bool lower = false, upper = false, digit = false, other = false;
    for (unsigned char ch : password) {
        if (ch >= 'a' && ch <= 'z') lower = true;
        else if (ch >= 'A' && ch <= 'Z') upper = true;
        else if (ch >= '0' && ch <= '9') digit = true;
        else other = true;
    }
    int classes = lower + upper + digit + other;
    if (classes < policy.min_classes)
        return Error::Validation("password", "password must mix at least " +
                                                 std::to_string(policy.min_classes) +
                                                 " of: lower case, upper case, digits, symbols",
                                 "weak_password");
    std::string lp = Lower(password);
    if (!username.empty() && lp.find(Lower(username)) != std::string::npos)
        return Error::Validation("password", "password must not contain the username", "weak_password");
    // A common word dressed up with digits and symbols is still common: strip them and check.
    std::string core_word;
    for (char ch : lp)
        if (ch >= 'a' && ch <= 'z') core_word += ch;
    auto& set = CommonPasswords();
    if (set.count(lp) || (core_word.size() >= 4 && set.count(core_word) &&
                          core_word.size() * 2 >= lp.size()))
        return Error::Validation("password", "password is in the list of common passwords",
                                 "weak_password");
    return {};
}

// ---------------------------------------------------------------- scope
core::Scope ComputeScope(store::Conn& c, const User& u) {
    core::Scope s;
    for (const auto& r : u.roles)
        if (kAdminRoles.count(r)) s.all = true;  // admin roles work on configuration, not business data
    if (u.data_scope == "all") s.all = true;
    if (s.all) return s;
    if (u.data_scope == "custom") {
        s.subtrees = store::OrgPaths(c, u.scope_units);
    } else if (u.data_scope == "unit" || u.data_scope == "self") {
        s.exact = store::OrgPaths(c, u.units);
    } else {  // unit_and_below
        s.subtrees = store::OrgPaths(c, u.units);
    }
    return s;
}

// ---------------------------------------------------------------- org units
Status CheckPlacement(const std::string& kind, const std::optional<OrgUnit>& parent) {
    const std::string pk = parent ? parent->kind : "";
    bool ok = false;
    if (kind == "district") ok = !parent;
    else if (kind == "street") ok = pk == "district";
    else if (kind == "community") ok = pk == "street";
    else if (kind == "grid") ok = pk == "community";
    else if (kind == "department") ok = !parent || pk == "district" || pk == "department";
    else
        return Error::Validation("kind",
                                 "kind must be one of district, street, community, grid, department");
    if (!ok) {
        std::string where = parent ? "under a " + pk : "at the root";
        return Error::Validation("parent_id", "a " + kind + " cannot be placed " + where +
                                                  " (district → street → community → grid; "
                                                  "departments at the root, under a district or a department)",
                                 "bad_placement");
    }
    if (parent && !parent->active)
        return Error::Validation("parent_id", "the parent unit is deactivated", "inactive_parent");
    return {};
}

Json OrgToJson(const OrgUnit& u) {
    // Emplaced into the map in its key order, each at the end: an initializer list builds every
    // pair as a temporary array first, and a plain emplace searches the tree for each key (this
    // runs on the writer for every created or changed unit). The map orders its keys whatever the
    // order of insertion, so the bytes do not depend on this one.
    Json out = Json::object();
    auto& o = out.get_ref<Json::object_t&>();
    o.emplace_hint(o.end(), "active", u.active);
    o.emplace_hint(o.end(), "code", u.code ? Json(*u.code) : Json(nullptr));
    o.emplace_hint(o.end(), "created_at", u.created_at);
    o.emplace_hint(o.end(), "generated", u.generated);
    o.emplace_hint(o.end(), "has_children", u.has_children);
    o.emplace_hint(o.end(), "id", u.id);
    o.emplace_hint(o.end(), "kind", u.kind);
    o.emplace_hint(o.end(), "name", u.name);
    o.emplace_hint(o.end(), "parent_id", u.parent_id ? Json(*u.parent_id) : Json(nullptr));
    o.emplace_hint(o.end(), "path", u.path);
    o.emplace_hint(o.end(), "updated_at", u.updated_at);
    o.emplace_hint(o.end(), "version", u.version);
    return out;
}

namespace {
Status CheckName(const std::string& name) {
    std::string t = core::Trim(name);
    if (t.empty()) return Error::Validation("name", "name must not be empty");
    if (!core::IsValidUtf8(name)) return Error::Validation("name", "name must be UTF-8 text");
    if (core::HasControlChars(name)) return Error::Validation("name", "name must not contain control characters");
    if (core::Utf8Length(t) > 100) return Error::Validation("name", "name has at most 100 characters");
    return {};
}
Status CheckCode(const std::string& code) {
    if (code.empty() || code.size() > 32)
        return Error::Validation("code", "code has 1 to 32 characters");
    for (char ch : code)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              ch == '-' || ch == '_' || ch == '.'))
            return Error::Validation("code", "code may contain letters, digits, '-', '_' and '.' only");
    return {};
}
}  // namespace

Result<Json> CreateOrgUnit(store::WriteTx& tx, const core::Scope& scope, const OrgInput& in,
                           bool generated) {
    auto& c = tx.conn();
    if (!in.kind) return Error::Validation("kind", "kind is required", "missing_field");
    if (!in.name) return Error::Validation("name", "name is required", "missing_field");
    if (!in.parent_id) return Error::Validation("parent_id", "parent_id is required (null for a root)", "missing_field");
    if (auto s = CheckName(*in.name); !s) return s.error();
    std::optional<OrgUnit> parent;
    if (*in.parent_id) {
        parent = store::FindOrgForPlacement(c, **in.parent_id, scope);
        if (!parent)
            return Error{core::ErrorKind::kValidation, "parent_not_found",
                         "parent unit " + std::to_string(**in.parent_id) + " not found", "parent_id"};
    } else if (!scope.all) {
        return Error::Forbidden("only an account with all-data scope can create a root unit");
    }
    if (auto s = CheckPlacement(*in.kind, parent); !s) return s.error();
    OrgUnit u;
    u.parent_id = *in.parent_id;
    u.kind = *in.kind;
    u.name = core::Trim(*in.name);
    if (in.code && *in.code) {
        if (auto s = CheckCode(**in.code); !s) return s.error();
        if (store::FindOrgByCode(c, **in.code))
            return Error::Conflict("duplicate_code", "code " + **in.code + " is already used", "code");
        u.code = **in.code;
    }
    u.generated = generated;
    u.created_at = u.updated_at = tx.now();
    store::InsertOrg(c, &u, parent ? parent->path : "/");
    Json j = OrgToJson(u);
    tx.Emit("org_unit.create", "org_unit", u.id, j);
    return j;
}

Result<Json> UpdateOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id,
                           const OrgInput& in, std::optional<int64_t> if_version) {
    auto& c = tx.conn();
    auto cur = store::FindOrg(c, id, scope);
    if (!cur) return Error::NotFound("org unit", id);
    if (if_version && *if_version != cur->version)
        return Error::Conflict("version_conflict", "the unit was changed by someone else (version " +
                                                       std::to_string(cur->version) + "); reload and retry",
                               "version");
    if (in.parent_id) return Error::Validation("parent_id", "use the move action to change the parent");
    OrgUnit next = *cur;
    Json changes = Json::object();
    if (in.name) {
        if (auto s = CheckName(*in.name); !s) return s.error();
        next.name = core::Trim(*in.name);
        changes["name"] = {cur->name, next.name};
    }
    if (in.kind && *in.kind != cur->kind) {
        std::optional<OrgUnit> parent;
        if (cur->parent_id) parent = store::FindOrg(c, *cur->parent_id, core::Scope::All());
        if (auto s = CheckPlacement(*in.kind, parent); !s) return s.error();
        // Inactive children count too: they still hang under this unit in the tree.
        if (store::CountChildren(c, id) > 0)
            return Error::Conflict("has_children", "the kind of a unit with children cannot change", "kind");
        next.kind = *in.kind;
        changes["kind"] = {cur->kind, next.kind};
    }
    if (in.code) {
        if (*in.code) {
            if (auto s = CheckCode(**in.code); !s) return s.error();
            auto other = store::FindOrgByCode(c, **in.code);
            if (other && other->id != id)
                return Error::Conflict("duplicate_code", "code " + **in.code + " is already used", "code");
        }
        next.code = *in.code;
        changes["code"] = {cur->code ? Json(*cur->code) : Json(nullptr),
                           next.code ? Json(*next.code) : Json(nullptr)};
    }
    next.updated_at = tx.now();
    store::UpdateOrg(c, next);
    auto saved = store::FindOrg(c, id, scope, true);
    tx.Emit("org_unit.update", "org_unit", id, {{"changes", changes}});
    return OrgToJson(*saved);
}

Result<Json> MoveOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id,
                         std::optional<int64_t> new_parent) {
    auto& c = tx.conn();
    auto cur = store::FindOrg(c, id, scope);
    if (!cur) return Error::NotFound("org unit", id);
    std::optional<OrgUnit> parent;
    if (new_parent) {
        parent = store::FindOrgForPlacement(c, *new_parent, scope);
        if (!parent)
            return Error{core::ErrorKind::kValidation, "parent_not_found",
                         "parent unit " + std::to_string(*new_parent) + " not found", "parent_id"};
        if (parent->path.rfind(cur->path, 0) == 0)
            return Error::Validation("parent_id", "a unit cannot be moved under itself or its descendants",
                                     "cycle");
    } else if (!scope.all) {
        return Error::Forbidden("only an account with all-data scope can move a unit to the root");
    }
    if (auto s = CheckPlacement(cur->kind, parent); !s) return s.error();
    std::string new_path = (parent ? parent->path : "/") + std::to_string(id) + "/";
    store::MoveOrgSubtree(c, id, new_parent, cur->path, new_path, tx.now());
    auto saved = store::FindOrg(c, id, scope, true);
    tx.Emit("org_unit.move", "org_unit", id,
            {{"from_parent_id", cur->parent_id ? Json(*cur->parent_id) : Json(nullptr)},
             {"to_parent_id", new_parent ? Json(*new_parent) : Json(nullptr)},
             {"from_path", cur->path},
             {"to_path", new_path}});
    return OrgToJson(*saved);
}

Result<Json> DeactivateOrgUnit(store::WriteTx& tx, const core::Scope& scope, int64_t id) {
    auto& c = tx.conn();
    auto cur = store::FindOrg(c, id, scope);
    if (!cur) return Error::NotFound("org unit", id);
    if (!cur->active) return Error::Conflict("already_inactive", "the unit is already deactivated");
    if (int64_t n = store::CountActiveChildren(c, id); n > 0)
        return Error::Conflict("has_children", "the unit has " + std::to_string(n) +
                                                   " active child units; deactivate or move them first");
    if (int64_t n = store::CountUsersInUnit(c, id); n > 0)
        return Error::Conflict("has_members", "the unit has " + std::to_string(n) +
                                                  " active accounts; move or disable them first");
    OrgUnit next = *cur;
    next.active = false;
    next.updated_at = tx.now();
    store::UpdateOrg(c, next);
    tx.Emit("org_unit.deactivate", "org_unit", id, {{"name", cur->name}});
    return OrgToJson(*store::FindOrg(c, id, scope, true));
}

// ---------------------------------------------------------------- CSV import
namespace {
// RFC 4180 fields; returns false on an unterminated quote.
bool ParseCsvLine(const std::string& text, size_t* pos, std::vector<std::string>* out) {
    out->clear();
    std::string field;
    bool quoted = false, any = false;
    size_t i = *pos;
    for (; i < text.size(); ++i) {
        char ch = text[i];
        any = true;
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            out->push_back(field);
            field.clear();
        } else if (ch == '\n') {
            ++i;
            break;
        } else if (ch != '\r') {
            field += ch;
        }
    }
    *pos = i;
    if (quoted) return false;
    if (any) out->push_back(field);
    return true;
}
}  // namespace

CsvImportPlan ParseOrgCsv(store::Conn& c, const core::Scope& scope, const std::string& csv_in) {
    CsvImportPlan plan;
    std::string csv = csv_in;
    if (csv.rfind("\xEF\xBB\xBF", 0) == 0) csv.erase(0, 3);  // Excel's UTF-8 BOM
    if (!core::IsValidUtf8(csv)) {
        plan.errors.push_back({0, "", "the file is not UTF-8 text (save it as CSV UTF-8)"});
        return plan;
    }
    size_t pos = 0;
    std::vector<std::string> header;
    if (!ParseCsvLine(csv, &pos, &header) || header.empty()) {
        plan.errors.push_back({1, "", "the file is empty or its header is unreadable"});
        return plan;
    }
    int col_code = -1, col_name = -1, col_kind = -1, col_parent = -1;
    for (size_t i = 0; i < header.size(); ++i) {
        std::string h = core::Trim(header[i]);
        if (h == "code" || h == "代碼" || h == "代码") col_code = static_cast<int>(i);
        else if (h == "name" || h == "名稱" || h == "名称") col_name = static_cast<int>(i);
        else if (h == "kind" || h == "類型" || h == "类型") col_kind = static_cast<int>(i);
        else if (h == "parent_code" || h == "上級代碼" || h == "上级代码") col_parent = static_cast<int>(i);
        else plan.errors.push_back({1, h, "unknown column '" + h + "'; expected code,name,kind,parent_code"});
    }
    for (auto [col, name] : {std::pair{col_code, "code"}, {col_name, "name"}, {col_kind, "kind"},
                             {col_parent, "parent_code"}})
        if (col < 0) plan.errors.push_back({1, name, std::string("missing column '") + name + "'"});
    if (!plan.errors.empty()) return plan;

    std::map<std::string, std::pair<std::string, int>> file_codes;  // code -> (kind, row)
    std::vector<std::string> row;
    int rowno = 1;
    while (pos < csv.size()) {
        ++rowno;
        if (!ParseCsvLine(csv, &pos, &row)) {
            plan.errors.push_back({rowno, "", "unterminated quoted field"});
            break;
        }
        if (row.empty() || (row.size() == 1 && core::Trim(row[0]).empty())) continue;
        if (plan.rows.size() >= 20000) {
            plan.errors.push_back({rowno, "", "at most 20000 rows per import"});
            break;
        }
        auto get = [&](int col) { return col < static_cast<int>(row.size()) ? core::Trim(row[col]) : std::string(); };
        std::string code = get(col_code), name = get(col_name), kind = get(col_kind),
                    parent = get(col_parent);
        OrgInput in;
        in.kind = kind;
        in.name = name;
        in.code = code.empty() ? std::optional<std::string>() : std::optional<std::string>(code);
        size_t before = plan.errors.size();
        if (auto s = CheckName(name); !s) plan.errors.push_back({rowno, "name", s.error().message});
        if (code.empty()) plan.errors.push_back({rowno, "code", "code is required in an import"});
        else if (auto s = CheckCode(code); !s) plan.errors.push_back({rowno, "code", s.error().message});
        else if (file_codes.count(code))
            plan.errors.push_back({rowno, "code", "code " + code + " repeats row " +
                                                      std::to_string(file_codes[code].second)});
        else if (store::FindOrgByCode(c, code))
            plan.errors.push_back({rowno, "code", "code " + code + " already exists"});
        std::optional<OrgUnit> parent_unit;
        std::string parent_kind;
        bool parent_ok = true;
        if (!parent.empty()) {
            if (auto it = file_codes.find(parent); it != file_codes.end()) {
                parent_kind = it->second.first;
            } else if (auto p = store::FindOrgByCode(c, parent); p && scope.Contains(p->path)) {
                parent_unit = p;
                parent_kind = p->kind;
            } else {
                plan.errors.push_back({rowno, "parent_code", "parent " + parent + " not found (it must exist or appear in an earlier row)"});
                parent_ok = false;
            }
        } else if (!scope.all) {
            plan.errors.push_back({rowno, "parent_code", "a root unit needs all-data scope"});
            parent_ok = false;
        }
        if (parent_ok) {
            std::optional<OrgUnit> pseudo = parent_unit;
            if (!parent.empty() && !parent_unit) {
                OrgUnit fake;
                fake.kind = parent_kind;
                pseudo = fake;
            }
            if (auto s = CheckPlacement(kind, pseudo); !s)
                plan.errors.push_back({rowno, s.error().field == "kind" ? "kind" : "parent_code", s.error().message});
        }
        if (plan.errors.size() == before && !code.empty()) file_codes[code] = {kind, rowno};
        plan.rows.push_back(in);
        plan.parent_codes.push_back(parent);
    }
    if (plan.rows.empty() && plan.errors.empty()) plan.errors.push_back({2, "", "the file has no data rows"});
    return plan;
}

Result<Json> ImportOrgUnits(store::WriteTx& tx, const core::Scope& scope, const std::string& csv,
                            bool dry_run) {
    auto& c = tx.conn();
    CsvImportPlan plan = ParseOrgCsv(c, scope, csv);
    Json errors = Json::array();
    for (const auto& e : plan.errors)
        errors.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
    if (!plan.errors.empty()) {
        return Error{core::ErrorKind::kValidation, "import_invalid",
                     std::to_string(plan.errors.size()) + " error(s) in the file; nothing was imported: " +
                         plan.errors.front().message +
                         (plan.errors.front().row > 0 ? " (row " + std::to_string(plan.errors.front().row) + ")" : ""),
                     plan.errors.front().column};
    }
    if (dry_run) return Json{{"valid_rows", plan.rows.size()}, {"errors", errors}, {"imported", 0}};
    std::map<std::string, int64_t> ids;
    Json created = Json::array();
    for (size_t i = 0; i < plan.rows.size(); ++i) {
        OrgUnit u;
        const auto& pc = plan.parent_codes[i];
        if (!pc.empty()) {
            if (auto it = ids.find(pc); it != ids.end()) u.parent_id = it->second;
            else u.parent_id = store::FindOrgByCode(c, pc)->id;
        }
        u.kind = *plan.rows[i].kind;
        u.name = *plan.rows[i].name;
        u.code = *plan.rows[i].code;
        u.created_at = u.updated_at = tx.now();
        u.id = store::InsertOrg(c, u);
        ids[*u.code] = u.id;
        created.push_back(u.id);
    }
    tx.Emit("org_unit.import", "org_unit", std::nullopt,
            {{"count", plan.rows.size()}, {"ids", created}, {"sha256", core::Sha256Hex(csv)}});
    return Json{{"imported", plan.rows.size()}, {"ids", created}, {"errors", errors}};
}

// ---------------------------------------------------------------- accounts
Json UserToJson(const User& u, core::TimePoint now) {
    bool locked = false;
    core::TimePoint until;
    if (u.locked_until && core::ParseRfc3339(*u.locked_until, &until) && until > now) locked = true;
    return {{"id", u.id},
            {"username", u.username},
            {"display_name", u.display_name},
            {"roles", u.roles},
            {"units", u.units},
            {"scope_units", u.scope_units},
            {"data_scope", u.data_scope},
            {"disabled", u.disabled},
            {"locked", locked},
            {"locked_until", locked ? Json(*u.locked_until) : Json(nullptr)},
            {"must_change_password", u.must_change_password},
            {"totp_enabled", u.totp_enabled},
            {"created_at", u.created_at},
            {"updated_at", u.updated_at},
            {"version", u.version}};
}

namespace {
Status CheckUsername(const std::string& u) {
    if (u.size() < 3 || u.size() > 32)
        return Error::Validation("username", "username has 3 to 32 characters");
    for (char ch : u)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '.' || ch == '_' || ch == '-'))
            return Error::Validation("username", "username may contain lower-case letters, digits, '.', '_' and '-' only");
    return {};
}
Status CheckUnits(store::Conn& c, const std::vector<int64_t>& ids, const char* field) {
    std::set<int64_t> seen;
    for (auto id : ids)
        if (!seen.insert(id).second)
            return Error::Validation(field, std::string(field) + " lists org unit " + std::to_string(id) + " twice");
    for (auto id : ids) {
        auto u = store::FindOrg(c, id, core::Scope::All());
        if (!u || !u->active)
            return Error{core::ErrorKind::kValidation, "unit_not_found",
                         "org unit " + std::to_string(id) + " not found or inactive", field};
    }
    return {};
}
Status CheckScopeLabel(const std::string& s) {
    if (std::find(kDataScopes.begin(), kDataScopes.end(), s) == kDataScopes.end())
        return Error::Validation("data_scope", "data_scope must be one of all, custom, unit, unit_and_below, self");
    return {};
}
}  // namespace

Result<Json> CreateUser(store::WriteTx& tx, const UserInput& in, const SecurityPolicy& policy) {
    auto& c = tx.conn();
    if (!in.username) return Error::Validation("username", "username is required", "missing_field");
    if (!in.password) return Error::Validation("password", "password is required", "missing_field");
    if (!in.roles) return Error::Validation("roles", "roles is required", "missing_field");
    if (auto s = CheckUsername(*in.username); !s) return s.error();
    if (auto s = ValidateRoles(*in.roles); !s) return s.error();
    if (auto s = CheckPassword(*in.username, *in.password, policy); !s) return s.error();
    if (store::FindUserByName(c, *in.username))
        return Error::Conflict("duplicate_username", "username " + *in.username + " is taken", "username");
    User u;
    u.username = *in.username;
    u.display_name = in.display_name ? core::Trim(*in.display_name) : u.username;
    if (u.display_name.empty() || core::Utf8Length(u.display_name) > 64)
        return Error::Validation("display_name", "display_name has 1 to 64 characters");
    u.roles = *in.roles;
    u.units = in.units.value_or(std::vector<int64_t>{});
    u.scope_units = in.scope_units.value_or(std::vector<int64_t>{});
    if (auto s = CheckUnits(c, u.units, "units"); !s) return s.error();
    if (auto s = CheckUnits(c, u.scope_units, "scope_units"); !s) return s.error();
    bool admin = std::any_of(u.roles.begin(), u.roles.end(), [](auto& r) { return kAdminRoles.count(r) > 0; });
    u.data_scope = in.data_scope.value_or(admin ? "all" : "unit_and_below");
    if (auto s = CheckScopeLabel(u.data_scope); !s) return s.error();
    if (!admin && u.data_scope != "all" && u.data_scope != "custom" && u.units.empty())
        return Error::Validation("units", "a business account needs at least one unit (or data_scope all)");
    if (u.data_scope == "custom" && u.scope_units.empty())
        return Error::Validation("scope_units", "data_scope custom needs scope_units");
    u.password_hash = core::HashPassword(*in.password);
    u.must_change_password = true;
    u.disabled = in.disabled.value_or(false);
    u.created_at = u.updated_at = tx.now();
    u.id = store::InsertUser(c, u);
    auto saved = store::FindUser(c, u.id);
    Json j = UserToJson(*saved, tx.now_tp());
    tx.Emit("user.create", "user", u.id, j);
    tx.Emit("role.grant", "user", u.id, {{"roles", u.roles}});
    return j;
}

Result<Json> UpdateUser(store::WriteTx& tx, int64_t id, const UserInput& in) {
    auto& c = tx.conn();
    auto cur = store::FindUser(c, id);
    if (!cur) return Error::NotFound("user", id);
    if (in.username) return Error::Validation("username", "username cannot change");
    if (in.password) return Error::Validation("password", "use reset-password to set a password");
    if (in.roles) return Error::Validation("roles", "use the roles action (secadmin) to change roles");
    User u = *cur;
    Json changes = Json::object();
    if (in.display_name) {
        std::string d = core::Trim(*in.display_name);
        if (d.empty() || core::Utf8Length(d) > 64)
            return Error::Validation("display_name", "display_name has 1 to 64 characters");
        changes["display_name"] = {u.display_name, d};
        u.display_name = d;
    }
    if (in.units) {
        if (auto s = CheckUnits(c, *in.units, "units"); !s) return s.error();
        changes["units"] = {u.units, *in.units};
        u.units = *in.units;
    }
    if (in.scope_units) {
        if (auto s = CheckUnits(c, *in.scope_units, "scope_units"); !s) return s.error();
        changes["scope_units"] = {u.scope_units, *in.scope_units};
        u.scope_units = *in.scope_units;
    }
    if (in.data_scope) {
        if (auto s = CheckScopeLabel(*in.data_scope); !s) return s.error();
        changes["data_scope"] = {u.data_scope, *in.data_scope};
        u.data_scope = *in.data_scope;
    }
    if (in.disabled) {
        changes["disabled"] = {u.disabled, *in.disabled};
        u.disabled = *in.disabled;
        if (u.disabled) store::EndUserSessions(c, id, tx.now());
    }
    if (u.data_scope == "custom" && u.scope_units.empty())
        return Error::Validation("scope_units", "data_scope custom needs scope_units");
    bool admin = std::any_of(u.roles.begin(), u.roles.end(), [](auto& r) { return kAdminRoles.count(r) > 0; });
    if (!admin && u.data_scope != "all" && u.data_scope != "custom" && u.units.empty())
        return Error::Validation("units", "a business account needs at least one unit (or data_scope all)");
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    tx.Emit(in.disabled && *in.disabled ? "user.disable" : "user.update", "user", id, {{"changes", changes}});
    return UserToJson(*store::FindUser(c, id), tx.now_tp());
}

Result<Json> SetRoles(store::WriteTx& tx, int64_t id, const std::vector<std::string>& roles) {
    auto& c = tx.conn();
    auto cur = store::FindUser(c, id);
    if (!cur) return Error::NotFound("user", id);
    if (auto s = ValidateRoles(roles); !s) return s.error();
    if (tx.actor().user_id && *tx.actor().user_id == id)
        return Error::Forbidden("an administrator cannot change their own roles");
    User u = *cur;
    std::vector<std::string> old = u.roles;
    u.roles = roles;
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    store::EndUserSessions(c, id, tx.now());  // new rights take effect at the next login
    tx.Emit("role.grant", "user", id, {{"from", old}, {"roles", roles}});
    return UserToJson(*store::FindUser(c, id), tx.now_tp());
}

Result<Json> ResetPassword(store::WriteTx& tx, int64_t id, const std::string& password,
                           const SecurityPolicy& policy) {
    auto& c = tx.conn();
    auto cur = store::FindUser(c, id);
    if (!cur) return Error::NotFound("user", id);
    if (auto s = CheckPassword(cur->username, password, policy); !s) return s.error();
    User u = *cur;
    u.password_hash = core::HashPassword(password);
    u.must_change_password = true;
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    store::EndUserSessions(c, id, tx.now());
    tx.Emit("user.reset_password", "user", id, Json::object());
    return UserToJson(*store::FindUser(c, id), tx.now_tp());
}

Result<Json> UnlockUser(store::WriteTx& tx, int64_t id) {
    auto& c = tx.conn();
    auto cur = store::FindUser(c, id);
    if (!cur) return Error::NotFound("user", id);
    User u = *cur;
    u.failed_count = 0;
    u.failed_window_start.reset();
    u.locked_until.reset();
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    tx.Emit("user.unlock", "user", id, Json::object());
    return UserToJson(*store::FindUser(c, id), tx.now_tp());
}

Result<Json> ChangeOwnPassword(store::WriteTx& tx, int64_t user_id, int64_t session_id,
                               const std::string& old_pw, const std::string& new_pw,
                               const SecurityPolicy& policy) {
    auto& c = tx.conn();
    auto cur = store::FindUser(c, user_id);
    if (!cur) return Error::NotFound("user", user_id);
    if (!core::VerifyPassword(cur->password_hash, old_pw))
        return Error::Validation("old_password", "the current password is wrong", "wrong_password");
    if (old_pw == new_pw)
        return Error::Validation("new_password", "the new password must differ from the current one");
    if (auto s = CheckPassword(cur->username, new_pw, policy); !s) {
        core::Error e = s.error();
        e.field = "new_password";
        return e;
    }
    User u = *cur;
    u.password_hash = core::HashPassword(new_pw);
    u.must_change_password = false;
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    // Other sessions of this account end; the one that changed the password stays.
    store::EndUserSessions(c, user_id, tx.now(), session_id);
    tx.Emit("user.change_password", "user", user_id, Json::object());
    return Json{{"changed", true}};
}

namespace {
Json RecordFailure(store::WriteTx& tx, User& u, const SecurityPolicy& policy, const std::string& reason,
                   const std::string& ip);
Json StartSession(store::WriteTx& tx, User& u, const std::string& ip, const std::string& user_agent,
                  const std::string& method);
}  // namespace

Result<Json> RecordLogin(store::WriteTx& tx, const std::string& username, bool verified,
                         const SecurityPolicy& policy, const std::string& ip,
                         const std::string& user_agent) {
    auto& c = tx.conn();
    auto cur = store::FindUserByName(c, username);
    if (!cur) {
        tx.Emit("auth.login_failed", "user", std::nullopt, {{"username", username}, {"reason", "unknown_user"}, {"ip", ip}});
        return Json{{"outcome", "failed"}};
    }
    User u = *cur;
    auto now = tx.now_tp();
    core::TimePoint until;
    if (u.locked_until && core::ParseRfc3339(*u.locked_until, &until) && until > now) {
        tx.Emit("auth.login_failed", "user", u.id, {{"username", username}, {"reason", "locked"}, {"ip", ip}});
        auto secs = std::chrono::duration_cast<std::chrono::seconds>(until - now).count();
        return Json{{"outcome", "locked"}, {"retry_after_s", secs + 1}, {"locked_until", *u.locked_until}};
    }
    if (u.disabled) {
        tx.Emit("auth.login_failed", "user", u.id, {{"username", username}, {"reason", "disabled"}, {"ip", ip}});
        return Json{{"outcome", "failed"}};
    }
    if (!verified) return RecordFailure(tx, u, policy, "bad_password", ip);
    if (u.totp_enabled) {
        // Password right; the session waits for the second factor.
        store::LoginChallenge ch;
        std::string token = core::RandomToken(32);
        ch.user_id = u.id;
        ch.token_hash = core::Sha256Hex(token);
        ch.created_at = tx.now();
        ch.expires_at = core::FormatUtc(now + std::chrono::minutes(5));
        ch.ip = ip;
        ch.user_agent = user_agent.substr(0, 200);
        int64_t id = store::InsertChallenge(c, ch);
        tx.Emit("auth.password_ok", "user", u.id, {{"username", username}, {"challenge_id", id}, {"ip", ip}});
        return Json{{"outcome", "second_factor"}, {"challenge", token}};
    }
    return StartSession(tx, u, ip, user_agent, "password");
}

namespace {
Json RecordFailure(store::WriteTx& tx, User& u, const SecurityPolicy& policy, const std::string& reason,
                   const std::string& ip) {
    auto& c = tx.conn();
    auto now = tx.now_tp();
    const std::string& username = u.username;
    {
        core::TimePoint start;
        bool in_window = u.failed_window_start && core::ParseRfc3339(*u.failed_window_start, &start) &&
                         now - start < std::chrono::minutes(policy.lockout_window_min);
        if (!in_window) {
            u.failed_count = 0;
            u.failed_window_start = tx.now();
        }
        u.failed_count += 1;
        Json out = {{"outcome", "failed"}};
        tx.Emit("auth.login_failed", "user", u.id,
                {{"username", username}, {"reason", reason}, {"ip", ip}, {"count", u.failed_count}});
        if (u.failed_count >= policy.lockout_threshold) {
            auto lock_until = now + std::chrono::minutes(policy.lockout_minutes);
            u.locked_until = core::FormatUtc(lock_until);
            u.failed_count = 0;
            u.failed_window_start.reset();
            tx.Emit("auth.lockout", "user", u.id, {{"username", username}, {"until", *u.locked_until}, {"ip", ip}});
            out = {{"outcome", "locked"}, {"retry_after_s", policy.lockout_minutes * 60}, {"locked_until", *u.locked_until}};
        }
        u.updated_at = tx.now();
        store::UpdateUser(c, u);
        return out;
    }
}

Json StartSession(store::WriteTx& tx, User& u, const std::string& ip, const std::string& user_agent,
                  const std::string& method) {
    auto& c = tx.conn();
    const std::string& username = u.username;
    u.failed_count = 0;
    u.failed_window_start.reset();
    u.locked_until.reset();
    u.updated_at = tx.now();
    store::UpdateUser(c, u);
    store::Session s;
    std::string token = core::RandomToken(32);  // 256 bits
    s.user_id = u.id;
    s.token_hash = core::Sha256Hex(token);
    s.csrf_token = core::RandomToken(24);
    s.created_at = s.last_seen_at = tx.now();
    s.ip = ip;
    s.user_agent = user_agent.substr(0, 200);
    s.id = store::InsertSession(c, s);
    tx.Emit("auth.login", "user", u.id,
            {{"username", username}, {"session_id", s.id}, {"ip", ip}, {"method", method}});
    return Json{{"outcome", "ok"},
                {"user_id", u.id},
                {"session_id", s.id},
                {"token", token},
                {"csrf_token", s.csrf_token},
                {"must_change_password", u.must_change_password}};
}
}  // namespace

bool TotpRequired(const std::vector<std::string>& roles, const SecurityPolicy& policy) {
    for (const auto& r : roles)
        if (std::find(policy.totp_roles.begin(), policy.totp_roles.end(), r) != policy.totp_roles.end()) return true;
    return false;
}

Result<Json> CompleteSecondFactor(store::WriteTx& tx, const std::string& challenge, const std::string& code,
                                  const std::string& recovery_code, const core::SecretBox& box,
                                  const SecurityPolicy& policy, const std::string& ip,
                                  const std::string& user_agent) {
    auto& c = tx.conn();
    auto now = tx.now_tp();
    auto ch = store::FindChallengeByHash(c, core::Sha256Hex(challenge));
    core::TimePoint exp;
    if (!ch || ch->used_at || !core::ParseRfc3339(ch->expires_at, &exp) || exp <= now || ch->attempts >= 5)
        return Json{{"outcome", "challenge_invalid"}};
    auto cur = store::FindUser(c, ch->user_id);
    if (!cur || cur->disabled) return Json{{"outcome", "challenge_invalid"}};
    User u = *cur;
    core::TimePoint until;
    if (u.locked_until && core::ParseRfc3339(*u.locked_until, &until) && until > now) {
        store::UpdateChallenge(c, ch->id, ch->attempts, tx.now());
        auto secs = std::chrono::duration_cast<std::chrono::seconds>(until - now).count();
        return Json{{"outcome", "locked"}, {"retry_after_s", secs + 1}, {"locked_until", *u.locked_until}};
    }
    bool ok = false;
    std::string method;
    if (!code.empty()) {
        auto secret = u.totp_secret ? box.Open(*u.totp_secret) : std::nullopt;
        if (!secret) return Error::Internal("the second-factor secret cannot be read (wrong key file?)");
        auto step = core::TotpVerify(*secret, code, now);
        if (step && *step > u.totp_last_step) {  // a code works once
            ok = true;
            u.totp_last_step = *step;
            method = "totp";
        }
    } else if (!recovery_code.empty()) {
        std::string norm;
        for (char ch2 : recovery_code)
            if (ch2 != '-' && ch2 != ' ') norm += static_cast<char>(std::tolower(static_cast<unsigned char>(ch2)));
        if (store::UseRecoveryCode(c, u.id, core::Sha256Hex(norm), tx.now())) {
            ok = true;
            method = "recovery_code";
        }
    }
    if (!ok) {
        store::UpdateChallenge(c, ch->id, ch->attempts + 1, std::nullopt);
        Json out = RecordFailure(tx, u, policy, "bad_code", ip);
        if (out["outcome"] == "failed") out["outcome"] = "bad_code";
        return out;
    }
    store::UpdateChallenge(c, ch->id, ch->attempts, tx.now());
    return StartSession(tx, u, ip, user_agent, method);
}

Result<Json> BeginTotpEnrollment(store::WriteTx& tx, int64_t user_id, const core::SecretBox& box) {
    auto cur = store::FindUser(tx.conn(), user_id);
    if (!cur) return Error::NotFound("user", user_id);
    if (cur->totp_enabled)
        return Error::Conflict("totp_enabled", "two-factor sign-in is already set up; a security administrator can reset it");
    User u = *cur;
    std::string secret = core::NewTotpSecret();
    u.totp_pending = box.Seal(secret);
    u.updated_at = tx.now();
    store::UpdateUser(tx.conn(), u);
    tx.Emit("totp.enroll_start", "user", user_id, Json::object());
    return Json{{"secret", secret},
                {"otpauth_uri", "otpauth://totp/duban:" + u.username + "?secret=" + secret +
                                    "&issuer=duban&algorithm=SHA1&digits=6&period=30"}};
}

Result<Json> ConfirmTotp(store::WriteTx& tx, int64_t user_id, const std::string& code, const core::SecretBox& box) {
    auto cur = store::FindUser(tx.conn(), user_id);
    if (!cur) return Error::NotFound("user", user_id);
    if (cur->totp_enabled) return Error::Conflict("totp_enabled", "two-factor sign-in is already set up");
    if (!cur->totp_pending) return Error::Conflict("no_enrollment", "start the enrolment first");
    auto secret = box.Open(*cur->totp_pending);
    if (!secret) return Error::Internal("the pending secret cannot be read (wrong key file?)");
    auto step = core::TotpVerify(*secret, code, tx.now_tp());
    if (!step) return Error::Validation("code", "the code does not match; check the phone's clock and try the next code", "bad_code");
    User u = *cur;
    u.totp_secret = u.totp_pending;
    u.totp_pending.reset();
    u.totp_enabled = true;
    u.totp_last_step = *step;
    u.updated_at = tx.now();
    store::UpdateUser(tx.conn(), u);
    Json codes = Json::array();
    std::vector<std::string> hashes;
    for (int i = 0; i < 10; ++i) {
        std::string raw = core::Sha256Hex(core::RandomToken(16)).substr(0, 10);
        hashes.push_back(core::Sha256Hex(raw));
        codes.push_back(raw.substr(0, 5) + "-" + raw.substr(5));
    }
    store::ReplaceRecoveryCodes(tx.conn(), user_id, hashes, tx.now());
    tx.Emit("totp.enable", "user", user_id, {{"recovery_codes", 10}});
    return Json{{"recovery_codes", codes}};
}

Result<Json> ResetTotp(store::WriteTx& tx, int64_t user_id) {
    auto cur = store::FindUser(tx.conn(), user_id);
    if (!cur) return Error::NotFound("user", user_id);
    if (tx.actor().user_id && *tx.actor().user_id == user_id)
        return Error::Forbidden("another security administrator must reset your own second factor");
    User u = *cur;
    u.totp_secret.reset();
    u.totp_pending.reset();
    u.totp_enabled = false;
    u.updated_at = tx.now();
    store::UpdateUser(tx.conn(), u);
    store::ReplaceRecoveryCodes(tx.conn(), user_id, {}, tx.now());
    store::EndUserSessions(tx.conn(), user_id, tx.now());
    tx.Emit("totp.reset", "user", user_id, Json::object());
    return UserToJson(*store::FindUser(tx.conn(), user_id), tx.now_tp());
}

Result<Json> Logout(store::WriteTx& tx, int64_t session_id) {
    store::EndSession(tx.conn(), session_id, tx.now());
    tx.Emit("auth.logout", "session", session_id, Json::object());
    return Json{{"ended", true}};
}

Result<Json> EndSessionBy(store::WriteTx& tx, int64_t session_id) {
    auto s = store::FindSession(tx.conn(), session_id);
    if (!s || s->ended_at) return Error::NotFound("session", session_id);
    store::EndSession(tx.conn(), session_id, tx.now());
    tx.Emit("session.end", "session", session_id, {{"user_id", s->user_id}});
    return Json{{"ended", true}, {"id", session_id}};
}

Result<Json> CreateToken(store::WriteTx& tx, int64_t user_id, const std::string& name, int days) {
    if (days < 1 || days > 366) return Error::Validation("days", "days must be between 1 and 366");
    if (core::Trim(name).empty() || core::Utf8Length(name) > 64)
        return Error::Validation("name", "name has 1 to 64 characters, not only spaces");
    auto u = store::FindUser(tx.conn(), user_id);
    if (!u || u->disabled) return Error::NotFound("user", user_id);
    store::ApiToken t;
    std::string raw = "dbn_" + core::RandomToken(32);
    t.user_id = user_id;
    t.token_hash = core::Sha256Hex(raw);
    t.name = name;
    t.created_at = tx.now();
    t.expires_at = core::FormatUtc(tx.now_tp() + std::chrono::hours(24 * days));
    t.id = store::InsertToken(tx.conn(), t);
    tx.Emit("token.create", "user", user_id, {{"token_id", t.id}, {"name", name}, {"expires_at", t.expires_at}});
    return Json{{"id", t.id}, {"token", raw}, {"name", name}, {"expires_at", t.expires_at}};
}

Json TokenToJson(const store::ApiToken& t, const std::string& now, const std::string& username) {
    const char* status = t.revoked_at ? "revoked" : (t.expires_at <= now ? "expired" : "active");
    Json j = {{"id", t.id},
              {"user_id", t.user_id},
              {"name", t.name},
              {"created_at", t.created_at},
              {"expires_at", t.expires_at},
              {"revoked_at", t.revoked_at ? Json(*t.revoked_at) : Json(nullptr)},
              {"last_used_at", t.last_used_at ? Json(*t.last_used_at) : Json(nullptr)},
              {"status", status}};
    if (!username.empty()) j["username"] = username;
    return j;
}

Json TokensJson(store::Conn& c, const std::vector<store::ApiToken>& tokens, const std::string& now, bool with_usernames) {
    std::map<int64_t, std::string> names;
    Json arr = Json::array();
    for (const auto& t : tokens) {
        std::string name;
        if (with_usernames) {
            auto it = names.find(t.user_id);
            if (it == names.end()) {
                auto u = store::FindUser(c, t.user_id);
                it = names.emplace(t.user_id, u ? u->username : "#" + std::to_string(t.user_id)).first;
            }
            name = it->second;
        }
        arr.push_back(TokenToJson(t, now, name));
    }
    return arr;
}

bool IsTokenStatus(std::string_view s) { return s == "active" || s == "expired" || s == "revoked"; }

Result<Json> RevokeToken(store::WriteTx& tx, int64_t token_id, std::optional<int64_t> owner) {
    auto t = store::FindToken(tx.conn(), token_id);
    if (!t || (owner && t->user_id != *owner)) return Error::NotFound("API token", token_id);
    if (t->revoked_at)
        return Error::Conflict("already_revoked", "the API token was already revoked at " + *t->revoked_at);
    store::RevokeToken(tx.conn(), token_id, tx.now());
    tx.Emit("token.revoke", "user", t->user_id,
            {{"token_id", token_id}, {"name", t->name}, {"by_owner", owner.has_value()}});
    t->revoked_at = tx.now();
    return TokenToJson(*t, tx.now());
}

}  // namespace duban::org
