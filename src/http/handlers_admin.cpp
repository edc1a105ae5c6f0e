// Accounts (sysadmin), roles, unlocks, policy and sessions (secadmin), events and chain
// verification (auditor).
#include "http/app.hpp"

namespace duban::http {
namespace {

core::Status ReadUserInput(const Json& j, org::UserInput* in) {
    if (auto s = GetString(j, "username", &in->username); !s) return s;
    if (auto s = GetString(j, "display_name", &in->display_name); !s) return s;
    if (auto s = GetString(j, "password", &in->password); !s) return s;
    if (auto s = GetString(j, "data_scope", &in->data_scope); !s) return s;
    if (auto s = GetStringList(j, "roles", &in->roles); !s) return s;
    if (auto s = GetIntList(j, "units", &in->units); !s) return s;
    if (auto s = GetIntList(j, "scope_units", &in->scope_units); !s) return s;
    if (auto s = GetBool(j, "disabled", &in->disabled); !s) return s;
    return {};
}

// A plain function, not a coroutine: see the note on Commit in auth.cpp.
Response Finish(Ctx& ctx, const Result<Json>& r, int status, bool invalidate) {
    if (!r.ok()) return ErrorResponse(r.error());
    if (invalidate) ctx.app.InvalidateAuth();
    return JsonResponse(status, *r);
}

asio::awaitable<Response> ListUsersH(Ctx& ctx) {
    store::UserFilter f;
    if (auto s = Paging(ctx.req, &f.page, &f.per_page); !s) co_return ErrorResponse(s.error());
    f.q = core::Utf8Prefix(Query(ctx.req, "q").value_or(""), 64);
    f.role = Query(ctx.req, "role").value_or("");
    auto c = ctx.app.db.Read();
    auto [items, total] = store::ListUsers(*c, f);
    Json arr = Json::array();
    for (auto& u : items) arr.push_back(org::UserToJson(u, ctx.app.clock.Now()));
    co_return JsonResponse(200, ListJson(std::move(arr), total, f.page, f.per_page));
}

asio::awaitable<Response> GetUserH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    auto u = store::FindUser(*c, ctx.req.ids[0]);
    if (!u) co_return ErrorResponse(Error::NotFound("user", ctx.req.ids[0]));
    co_return JsonResponse(200, org::UserToJson(*u, ctx.app.clock.Now()));
}

asio::awaitable<Response> CreateUserH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"username", "display_name", "password", "data_scope", "roles", "units", "scope_units", "disabled"}); !s)
        co_return ErrorResponse(s.error());
    org::UserInput in;
    if (auto s = ReadUserInput(*body, &in); !s) co_return ErrorResponse(s.error());
    // Admin roles are granted by the security administrator, not by the system administrator.
    if (in.roles)
        for (auto& role : *in.roles)
            if (org::kAdminRoles.count(role))
                co_return ErrorResponse(Error::Validation("roles", "admin roles are granted by secadmin through the roles action", "separation_of_duties"));
    auto policy = ctx.app.Policy();
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::CreateUser(tx, in, policy); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 201, true);
}

asio::awaitable<Response> PatchUserH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"display_name", "data_scope", "units", "scope_units", "disabled"}); !s)
        co_return ErrorResponse(s.error());
    org::UserInput in;
    if (auto s = ReadUserInput(*body, &in); !s) co_return ErrorResponse(s.error());
    int64_t id = ctx.req.ids[0];
    if (in.disabled && *in.disabled && id == ctx.principal->user_id)
        co_return ErrorResponse(Error::Validation("disabled", "you cannot disable your own account"));
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::UpdateUser(tx, id, in); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> ResetPasswordH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"password"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> pw;
    if (auto s = GetString(*body, "password", &pw); !s) co_return ErrorResponse(s.error());
    if (!pw) co_return ErrorResponse(Error::Validation("password", "password is required", "missing_field"));
    int64_t id = ctx.req.ids[0];
    auto policy = ctx.app.Policy();
    std::string p = *pw;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::ResetPassword(tx, id, p, policy); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> SetRolesH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"roles"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::vector<std::string>> roles;
    if (auto s = GetStringList(*body, "roles", &roles); !s) co_return ErrorResponse(s.error());
    if (!roles) co_return ErrorResponse(Error::Validation("roles", "roles is required", "missing_field"));
    int64_t id = ctx.req.ids[0];
    auto rs = *roles;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::SetRoles(tx, id, rs); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> UnlockH(Ctx& ctx) {
    int64_t id = ctx.req.ids[0];
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::UnlockUser(tx, id); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> ResetTotpH(Ctx& ctx) {
    int64_t id = ctx.req.ids[0];
    store::CommandFn fn = [=](store::WriteTx& tx) { return org::ResetTotp(tx, id); };
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> GetPolicyH(Ctx& ctx) { co_return JsonResponse(200, ctx.app.Policy().ToJson()); }

asio::awaitable<Response> PutPolicyH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    auto p = org::SecurityPolicy::FromJson(*body, ctx.app.Policy());
    if (!p.ok()) co_return ErrorResponse(p.error());
    Json j = p->ToJson();
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [j](store::WriteTx& tx) -> Result<Json> {
        store::PutSetting(tx.conn(), "security_policy", core::CanonicalJson(j));
        tx.Emit("security_policy.update", "settings", std::nullopt, j);
        return j;
    });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

asio::awaitable<Response> ListSessionsH(Ctx& ctx) {
    auto policy = ctx.app.Policy();
    auto cutoff = core::FormatUtc(ctx.app.clock.Now() - std::chrono::minutes(policy.idle_timeout_min) -
                                  std::chrono::minutes(1));
    auto c = ctx.app.db.Read();
    Json arr = Json::array();
    for (auto& s : store::ListActiveSessions(*c, cutoff)) {
        auto u = store::FindUser(*c, s.user_id);
        arr.push_back({{"id", s.id}, {"user_id", s.user_id}, {"username", u ? u->username : ""},
                       {"created_at", s.created_at}, {"last_seen_at", s.last_seen_at},
                       {"ip", s.ip}, {"user_agent", s.user_agent}});
    }
    co_return FromResult(PageInMemory(ctx.req, Json{{"items", std::move(arr)}}));
}

asio::awaitable<Response> EndSessionH(Ctx& ctx) {
    int64_t id = ctx.req.ids[0];
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::EndSessionBy(tx, id); });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, true);
}

Json EventJson(const store::Event& e) {
    return {{"seq", e.seq}, {"at", e.at}, {"actor_id", e.actor_id ? Json(*e.actor_id) : Json(nullptr)},
            {"actor", e.actor}, {"action", e.action}, {"object_type", e.object_type},
            {"object_id", e.object_id ? Json(*e.object_id) : Json(nullptr)}, {"payload", e.payload},
            {"prev_hash", e.prev_hash}, {"hash", e.hash}};
}

asio::awaitable<Response> ListEventsH(Ctx& ctx) {
    store::EventFilter f;
    if (auto s = Paging(ctx.req, &f.page, &f.per_page); !s) co_return ErrorResponse(s.error());
    std::optional<int64_t> actor, object;
    if (auto s = QueryInt(ctx.req, "actor_id", &actor); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "object_id", &object); !s) co_return ErrorResponse(s.error());
    f.actor_id = actor;
    f.object_id = object;
    f.action = Query(ctx.req, "action").value_or("");
    f.actor = core::Utf8Prefix(Query(ctx.req, "actor").value_or(""), 64);
    f.object_type = Query(ctx.req, "object_type").value_or("");
    for (auto [key, dst] : {std::pair{"since", &f.since}, std::pair{"until", &f.until}}) {
        auto v = Query(ctx.req, key);
        if (!v || v->empty()) continue;
        core::TimePoint t;
        if (!core::ParseRfc3339(*v, &t))
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query",
                                     std::string(key) + " must be an RFC 3339 time with offset", key});
        *dst = core::FormatUtc(t);
    }
    auto c = ctx.app.db.Read();
    auto [items, total] = store::ListEvents(*c, f);
    Json arr = Json::array();
    for (auto& e : items) arr.push_back(EventJson(e));
    co_return JsonResponse(200, ListJson(std::move(arr), total, f.page, f.per_page));
}

asio::awaitable<Response> GetEventH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    auto e = store::GetEvent(*c, ctx.req.ids[0]);
    if (!e) co_return ErrorResponse(Error::NotFound("event", ctx.req.ids[0]));
    co_return JsonResponse(200, EventJson(*e));
}

asio::awaitable<Response> VerifyH(Ctx& ctx) {
    store::VerifyReport rep;
    {
        auto c = ctx.app.db.Read();
        rep = store::VerifyChain(*c);
    }
    Json j = {{"ok", !rep.first_bad_seq.has_value()}, {"count", rep.count}, {"head_seq", rep.head_seq},
              {"head_hash", rep.head_hash},
              {"first_bad_seq", rep.first_bad_seq ? Json(*rep.first_bad_seq) : Json(nullptr)},
              {"problem", rep.problem}};
    // The verification itself is recorded, with its result.
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [j](store::WriteTx& tx) -> Result<Json> {
        tx.Emit("audit.verify", "events", std::nullopt, j);
        return j;
    });
    auto r = co_await std::move(r_op);
    co_return Finish(ctx, r, 200, false);
}

}  // namespace

void AddAdminRoutes(std::vector<Route>& r) {
    using org::Perm;
    r.push_back({"GET", "/api/v1/users", ListUsersH, Access::kPermission, Perm::kUserRead, "List accounts (?q=&role=&page=&per_page=)", "users"});
    r.push_back({"POST", "/api/v1/users", CreateUserH, Access::kPermission, Perm::kUserWrite, "Create an account; it must change its password at first login", "users", "", "UserCreate"});
    r.push_back({"GET", "/api/v1/users/{id}", GetUserH, Access::kPermission, Perm::kUserRead, "Read an account", "users", "user"});
    r.push_back({"PATCH", "/api/v1/users/{id}", PatchUserH, Access::kPermission, Perm::kUserWrite, "Edit display name, units, data scope, disabled", "users", "user", "UserPatch"});
    r.push_back({"POST", "/api/v1/users/{id}/reset-password", ResetPasswordH, Access::kPermission, Perm::kUserWrite, "Set a new password that must be changed at next login", "users", "user", "PasswordReset"});
    r.push_back({"PUT", "/api/v1/users/{id}/roles", SetRolesH, Access::kPermission, Perm::kRoleGrant, "Replace an account's roles (three-admin separation enforced)", "users", "user", "Roles"});
    r.push_back({"POST", "/api/v1/users/{id}/unlock", UnlockH, Access::kPermission, Perm::kUnlock, "Unlock an account locked by failed logins", "users", "user"});
    r.push_back({"POST", "/api/v1/users/{id}/totp/reset", ResetTotpH, Access::kPermission, Perm::kUnlock, "Remove an account's second factor (lost phone); it enrols again", "users", "user"});
    r.push_back({"GET", "/api/v1/security-policy", GetPolicyH, Access::kPermission, Perm::kSecurityPolicy, "Password, lockout and session policy", "security"});
    r.push_back({"PUT", "/api/v1/security-policy", PutPolicyH, Access::kPermission, Perm::kSecurityPolicy, "Change the policy (fields optional)", "security", "", "SecurityPolicy"});
    r.push_back({"GET", "/api/v1/sessions", ListSessionsH, Access::kPermission, Perm::kSessionAdmin, "Active sessions (在線用戶)", "security"});
    r.push_back({"DELETE", "/api/v1/sessions/{id}", EndSessionH, Access::kPermission, Perm::kSessionAdmin, "End a session", "security", "session"});
    r.push_back({"GET", "/api/v1/events", ListEventsH, Access::kPermission, Perm::kAuditRead, "Events, newest first (?actor_id=&actor=&action=&object_type=&object_id=&since=&until=)", "audit"});
    r.push_back({"GET", "/api/v1/events/{id}", GetEventH, Access::kPermission, Perm::kAuditRead, "One event with its hash and previous hash", "audit", "event"});
    r.push_back({"POST", "/api/v1/audit/verify", VerifyH, Access::kPermission, Perm::kAuditRead, "Walk the chain: count, head hash, first break", "audit"});
}

}  // namespace duban::http
