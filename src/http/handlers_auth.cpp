// Login, logout, me, password change, two-factor enrolment, health and metrics.
#include "http/app.hpp"

namespace duban::http {
namespace {

Response Ok(const Json& j) { return JsonResponse(200, j); }

// A hash to verify against for unknown usernames, computed once: hashing it on every such login
// made the unknown-user path cost twice a real verification, which told usernames apart by time.
const std::string& DummyHash() {
    static const std::string h = core::HashPassword("timing-equaliser");
    return h;
}

asio::awaitable<Response> Health(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    c->Query("SELECT 1");
    co_return Ok({{"status", "ok"},
                  {"backend", ctx.app.db.backend() == store::Backend::kSqlite ? "sqlite" : "postgres"},
                  {"schema_version", store::LatestSchemaVersion()}});
}

asio::awaitable<Response> MetricsH(Ctx& ctx) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = ctx.app.metrics.Render(ctx.app.pipeline.Stats());
    co_return r;
}

asio::awaitable<Response> OpenApi(Ctx&) { co_return Ok(OpenApiDocument()); }

// Per-address limiter shared by both login steps; nothing when the attempt may go on.
std::optional<Response> Limited(App& app, const std::string& ip) {
    auto now = app.clock.Now();
    std::lock_guard lk(app.limiter_mu);
    if (app.login_attempts.size() > 100000) app.login_attempts.clear();
    auto& [start, count] = app.login_attempts[ip];
    if (now - start > std::chrono::minutes(1)) {
        start = now;
        count = 0;
    }
    if (++count <= app.settings.login_rate_per_min) return std::nullopt;
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(start + std::chrono::minutes(1) - now).count() + 1;
    Error e{core::ErrorKind::kRateLimited, "rate_limited",
            "too many login attempts from this address; wait " + std::to_string(wait) + " s", {}};
    e.retry_after_s = static_cast<int>(wait);
    return ErrorResponse(e);
}

// Turns a login command's outcome into the answer: a session cookie, a second-factor
// challenge, a lockout or a refusal.
Response LoginAnswer(App& app, const Json& j, const std::string& bad_code) {
    if (j["outcome"] == "locked") {
        app.InvalidateAuth();
        int secs = j.value("retry_after_s", 60);
        Error e{core::ErrorKind::kLocked, "account_locked",
                "the account is locked after repeated failures; try again in " +
                    std::to_string((secs + 59) / 60) + " min",
                {}};
        e.retry_after_s = secs;
        return ErrorResponse(e);
    }
    if (j["outcome"] == "second_factor")
        return JsonResponse(200, {{"second_factor_required", true}, {"challenge", j["challenge"]}});
    if (j["outcome"] == "bad_code") {
        app.InvalidateAuth();
        return ErrorResponse(Error::Unauthenticated("the code is wrong or was already used", bad_code));
    }
    if (j["outcome"] == "challenge_invalid")
        return ErrorResponse(Error::Unauthenticated("the sign-in has expired; enter your password again", "challenge_invalid"));
    if (j["outcome"] != "ok")
        return ErrorResponse(Error::Unauthenticated("wrong username or password", "bad_credentials"));
    app.InvalidateAuth();
    auto p = LoadPrincipal(app, j["user_id"].get<int64_t>());
    Response resp = JsonResponse(201, {{"csrf_token", j["csrf_token"]},
                                       {"must_change_password", j["must_change_password"]},
                                       {"totp_required", p.ok() && p->totp_required},
                                       {"totp_enabled", p.ok() && p->totp_enabled},
                                       {"user", {{"id", j["user_id"]},
                                                 {"username", p.ok() ? Json(p->username) : Json(nullptr)},
                                                 {"roles", p.ok() ? Json(p->roles) : Json::array()}}}});
    std::string cookie = "duban_session=" + j["token"].get<std::string>() + "; Path=/; HttpOnly; SameSite=Strict";
    if (app.settings.secure_cookies) cookie += "; Secure";
    resp.headers.emplace_back("Set-Cookie", cookie);
    return resp;
}

asio::awaitable<Response> Login(Ctx& ctx) {
    App& app = ctx.app;
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"username", "password"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> username, password;
    if (auto s = GetString(*body, "username", &username); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "password", &password); !s) co_return ErrorResponse(s.error());
    if (!username || username->empty())
        co_return ErrorResponse(Error::Validation("username", "username is required", "missing_field"));
    if (!password || password->empty())
        co_return ErrorResponse(Error::Validation("password", "password is required", "missing_field"));
    if (username->size() > 64 || password->size() > 256)
        co_return ErrorResponse(Error::Validation("username", "username or password too long"));
    // Per-address limiter, before any password work.
    if (auto limited = Limited(app, ctx.req.remote_ip)) co_return std::move(*limited);
    // Verify outside the writer: argon2id costs ~10 ms and must not stall other commits.
    bool verified = false;
    {
        auto c = app.db.Read();
        auto u = store::FindUserByName(*c, *username);
        if (u) verified = core::VerifyPassword(u->password_hash, *password);
        else core::VerifyPassword(DummyHash(), *password);  // same cost as a real verification
    }
    auto policy = app.Policy();
    std::string ip = ctx.req.remote_ip, ua = ctx.req.Header("user-agent"), un = *username;
    auto r_op = Commit(app, {std::nullopt, un, ip}, [=](store::WriteTx& tx) {
        return org::RecordLogin(tx, un, verified, policy, ip, ua);
    });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return LoginAnswer(app, *r, "bad_code");
}

asio::awaitable<Response> LoginTotp(Ctx& ctx) {
    App& app = ctx.app;
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"challenge", "code", "recovery_code"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> challenge, code, recovery;
    if (auto s = GetString(*body, "challenge", &challenge); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "code", &code); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "recovery_code", &recovery); !s) co_return ErrorResponse(s.error());
    if (!challenge || challenge->empty())
        co_return ErrorResponse(Error::Validation("challenge", "challenge is required", "missing_field"));
    if (code.has_value() == recovery.has_value())
        co_return ErrorResponse(Error::Validation("code", "give either code or recovery_code", "missing_field"));
    if (code && (code->size() != 6 || code->find_first_not_of("0123456789") != std::string::npos))
        co_return ErrorResponse(Error::Validation("code", "the code has 6 digits"));
    if (recovery && (recovery->empty() || recovery->size() > 32))
        co_return ErrorResponse(Error::Validation("recovery_code", "the recovery code looks like xxxxx-xxxxx"));
    if (auto limited = Limited(app, ctx.req.remote_ip)) co_return std::move(*limited);
    auto policy = app.Policy();
    std::string ch = *challenge, c = code.value_or(""), rc = recovery.value_or("");
    std::string ip = ctx.req.remote_ip, ua = ctx.req.Header("user-agent");
    const core::SecretBox* box = &app.box;
    store::CommandFn fn = [=](store::WriteTx& tx) {
        return org::CompleteSecondFactor(tx, ch, c, rc, *box, policy, ip, ua);
    };
    // The events of this step name the account whose challenge it answers (a challenge's account
    // never changes); an unknown challenge is answered, and recorded, as before.
    store::Actor actor{std::nullopt, "second-factor", ip};
    {
        auto rc2 = app.db.Read();
        if (auto found = store::FindChallengeByHash(*rc2, core::Sha256Hex(ch)))
            if (auto u = store::FindUser(*rc2, found->user_id)) actor = {u->id, u->username, ip};
    }
    auto op = Commit(app, actor, std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return LoginAnswer(app, *r, "bad_code");
}

asio::awaitable<Response> TotpEnroll(Ctx& ctx) {
    if (!ctx.req.body.empty()) {
        auto body = JsonBody(ctx.req);
        if (!body.ok()) co_return ErrorResponse(body.error());
        if (auto s = OnlyKeys(*body, {}); !s) co_return ErrorResponse(s.error());
    }
    int64_t uid = ctx.principal->user_id;
    const core::SecretBox* box = &ctx.app.box;
    store::CommandFn fn = [=](store::WriteTx& tx) { return org::BeginTotpEnrollment(tx, uid, *box); };
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> TotpConfirm(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"code"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> code;
    if (auto s = GetString(*body, "code", &code); !s) co_return ErrorResponse(s.error());
    if (!code) co_return ErrorResponse(Error::Validation("code", "code is required", "missing_field"));
    int64_t uid = ctx.principal->user_id;
    const core::SecretBox* box = &ctx.app.box;
    std::string c = *code;
    store::CommandFn fn = [=](store::WriteTx& tx) { return org::ConfirmTotp(tx, uid, c, *box); };
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.InvalidateAuth();
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> LogoutH(Ctx& ctx) {
    auto& p = *ctx.principal;
    Response resp;
    if (p.session_id == 0) {
        co_return ErrorResponse(Error::Validation("Authorization", "an API token has no session to end"));
    }
    int64_t sid = p.session_id;
    auto r_op = Commit(ctx.app, p.ToActor(ctx.req.remote_ip),
                             [sid](store::WriteTx& tx) { return org::Logout(tx, sid); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.InvalidateAuth();
    resp.status = 204;
    resp.headers.emplace_back("Set-Cookie", "duban_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    co_return resp;
}

asio::awaitable<Response> Me(Ctx& ctx) {
    auto& p = *ctx.principal;
    // One's own units are always readable by name, whatever the role (an auditor has no org.read).
    Json units_detail = Json::array();
    {
        auto c = ctx.app.db.Read();
        for (auto id : p.units)
            if (auto u = store::FindOrg(*c, id, core::Scope::All()))
                units_detail.push_back({{"id", u->id}, {"name", u->name}, {"kind", u->kind}});
    }
    Json perms = Json::array();
    for (auto perm : org::kAllPerms)
        if (p.Has(perm)) perms.push_back(org::PermName(perm));
    co_return Ok({{"id", p.user_id},
                  {"username", p.username},
                  {"display_name", p.display_name},
                  {"roles", p.roles},
                  {"units", p.units},
                  {"units_detail", units_detail},
                  {"session_id", p.session_id ? Json(p.session_id) : Json(nullptr)},
                  {"permissions", perms},
                  {"must_change_password", p.must_change_password},
                  {"totp_required", p.totp_required},
                  {"totp_enabled", p.totp_enabled},
                  {"csrf_token", p.session_id ? Json(p.csrf_token) : Json(nullptr)}});
}

asio::awaitable<Response> ChangePassword(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"old_password", "new_password"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> old_pw, new_pw;
    if (auto s = GetString(*body, "old_password", &old_pw); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "new_password", &new_pw); !s) co_return ErrorResponse(s.error());
    if (!old_pw) co_return ErrorResponse(Error::Validation("old_password", "old_password is required", "missing_field"));
    if (!new_pw) co_return ErrorResponse(Error::Validation("new_password", "new_password is required", "missing_field"));
    auto& p = *ctx.principal;
    auto policy = ctx.app.Policy();
    int64_t uid = p.user_id, sid = p.session_id;
    std::string o = *old_pw, n = *new_pw;
    auto r_op = Commit(ctx.app, p.ToActor(ctx.req.remote_ip), [=](store::WriteTx& tx) {
        return org::ChangeOwnPassword(tx, uid, sid, o, n, policy);
    });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.InvalidateAuth();
    co_return Ok(*r);
}

}  // namespace

void AddAuthRoutes(std::vector<Route>& r) {
    r.push_back({"GET", "/healthz", Health, Access::kPublic, {}, "Liveness and database check", "system"});
    r.push_back({"GET", "/metrics", MetricsH, Access::kPublic, {}, "Prometheus metrics", "system"});
    r.push_back({"GET", "/api/v1/openapi.json", OpenApi, Access::kPublic, {}, "This document", "system"});
    r.push_back({"POST", "/api/v1/session", Login, Access::kPublic, {}, "Log in; sets the session cookie and returns the CSRF token", "session", "", "Login"});
    Route out{"DELETE", "/api/v1/session", LogoutH, Access::kAuthenticated, {}, "Log out", "session"};
    out.allow_password_change_pending = true;
    r.push_back(out);
    Route me{"GET", "/api/v1/me", Me, Access::kAuthenticated, {}, "The current account, its roles and permissions", "session"};
    me.allow_password_change_pending = true;
    r.push_back(me);
    Route pw{"POST", "/api/v1/me/password", ChangePassword, Access::kAuthenticated, {}, "Change your own password", "session", "", "PasswordChange"};
    pw.allow_password_change_pending = true;
    r.push_back(pw);
    r.push_back({"POST", "/api/v1/session/totp", LoginTotp, Access::kPublic, {}, "Second login step: a TOTP code or a recovery code", "session", "", "LoginTotp"});
    Route enroll{"POST", "/api/v1/me/totp/enroll", TotpEnroll, Access::kAuthenticated, {}, "Start two-factor enrolment: a new secret and its otpauth URI", "session"};
    enroll.allow_password_change_pending = true;
    r.push_back(enroll);
    Route confirm{"POST", "/api/v1/me/totp/confirm", TotpConfirm, Access::kAuthenticated, {}, "Confirm enrolment with a first code; returns recovery codes once", "session", "", "TotpConfirm"};
    confirm.allow_password_change_pending = true;
    r.push_back(confirm);
}

}  // namespace duban::http
