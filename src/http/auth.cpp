// Authentication: session cookies and bearer tokens, cached per auth epoch; the commit bridge.
#include <utility>  // Boost 1.74 + g++ 12: before any asio header (std::exchange)

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/app.hpp"

namespace duban::http {

org::SecurityPolicy App::Policy() {
    static std::mutex mu;
    static org::SecurityPolicy cached;
    static uint64_t cached_epoch = 0;
    std::lock_guard lk(mu);
    uint64_t e = auth_epoch.load();
    if (cached_epoch != e) {
        auto c = db.Read();
        cached = org::LoadPolicy(*c);
        cached_epoch = e;
    }
    return cached;
}

Result<org::Principal> LoadPrincipal(App& app, int64_t user_id) {
    uint64_t epoch = app.auth_epoch.load();
    {
        std::lock_guard lk(app.cache_mu);
        auto it = app.principals.find(user_id);
        if (it != app.principals.end() && it->second.epoch == epoch) return it->second.p;
    }
    auto c = app.db.Read();
    auto u = store::FindUser(*c, user_id);
    if (!u || u->disabled) return Error::Unauthenticated("the account is disabled or gone");
    org::Principal p;
    p.user_id = u->id;
    p.username = u->username;
    p.display_name = u->display_name;
    p.roles = u->roles;
    p.units = u->units;
    p.scope = org::ComputeScope(*c, *u);
    p.must_change_password = u->must_change_password;
    p.totp_enabled = u->totp_enabled;
    p.totp_required = !app.settings.totp_optional && org::TotpRequired(u->roles, app.Policy());
    std::lock_guard lk(app.cache_mu);
    if (app.principals.size() > 10000) app.principals.clear();
    app.principals[user_id] = {p, epoch};
    return p;
}

namespace {
std::string CookieValue(const std::string& header, const std::string& name) {
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string part = core::Trim(header.substr(pos, end - pos));
        if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=')
            return part.substr(name.size() + 1);
        pos = end + 1;
    }
    return {};
}
}  // namespace

Result<org::Principal> Authenticate(Ctx& ctx, bool* via_session) {
    App& app = ctx.app;
    const auto now = app.clock.Now();
    const uint64_t epoch = app.auth_epoch.load();
    std::string authz = ctx.req.Header("authorization");
    if (!authz.empty()) {
        *via_session = false;
        if (authz.rfind("Bearer ", 0) != 0)
            return Error::Unauthenticated("Authorization must be 'Bearer <token>'", "bad_token");
        std::string raw = core::Trim(authz.substr(7));
        std::string h = core::Sha256Hex(raw);
        std::optional<CachedToken> ct;
        bool fresh_read = false;
        {
            std::lock_guard lk(app.cache_mu);
            auto it = app.tokens.find(h);
            if (it != app.tokens.end() && it->second.epoch == epoch && now >= it->second.read_at &&
                now - it->second.read_at < std::chrono::seconds(kTokenCacheSeconds))
                ct = it->second;
        }
        if (!ct) {
            std::optional<store::ApiToken> row;
            {
                auto c = app.db.Read();
                row = store::FindTokenByHash(*c, h);
            }
            if (!row) return Error::Unauthenticated("the API token is not valid", "bad_token");
            ct = CachedToken{*row, epoch, now, core::TimePoint{}};
            if (row->last_used_at) core::ParseRfc3339(*row->last_used_at, &ct->last_persisted);
            // a later use this server stored (or queued) counts too
            std::lock_guard lk(app.cache_mu);
            auto it = app.tokens.find(h);
            if (it != app.tokens.end() && it->second.last_persisted > ct->last_persisted)
                ct->last_persisted = it->second.last_persisted;
            fresh_read = true;
        }
        const store::ApiToken& tok = ct->t;
        core::TimePoint exp;
        if (tok.revoked_at) return Error::Unauthenticated("the API token was revoked", "bad_token");
        if (!core::ParseRfc3339(tok.expires_at, &exp) || exp <= now)
            return Error::Unauthenticated("the API token has expired", "token_expired");
        // When it was last used, to the minute, like a session's last activity; no event.
        const bool persist = now - ct->last_persisted >= std::chrono::seconds(60);
        if (persist) ct->last_persisted = now;
        if (fresh_read || persist) {
            std::lock_guard lk(app.cache_mu);
            if (app.tokens.size() > 10000) app.tokens.clear();
            app.tokens[h] = *ct;
        }
        if (persist) {
            int64_t tid = tok.id;
            std::string at = core::FormatUtc(now);
            app.pipeline.Submit({std::nullopt, "system", ""},
                                [tid, at](store::WriteTx& tx) -> Result<Json> {
                                    store::TouchToken(tx.conn(), tid, at);
                                    return Json::object();
                                },
                                [](Result<Json>) {});
        }
        auto p = LoadPrincipal(app, tok.user_id);
        if (!p.ok()) return p;
        p->must_change_password = false;  // machine clients are not interactive
        return p;
    }
    std::string raw = CookieValue(ctx.req.Header("cookie"), "duban_session");
    if (raw.empty()) return Error::Unauthenticated("log in first");
    *via_session = true;
    std::string h = core::Sha256Hex(raw);
    auto policy = app.Policy();
    CachedSession cs;
    bool have = false;
    {
        std::lock_guard lk(app.cache_mu);
        auto it = app.sessions.find(h);
        if (it != app.sessions.end() && it->second.epoch == epoch) {
            cs = it->second;
            have = true;
        }
    }
    if (!have) {
        auto c = app.db.Read();
        auto s = store::FindSessionByHash(*c, h);
        if (!s) return Error::Unauthenticated("the session is not valid; log in again", "session_invalid");
        cs.s = *s;
        core::ParseRfc3339(s->created_at, &cs.created);
        core::ParseRfc3339(s->last_seen_at, &cs.last_seen);
        cs.last_persisted = cs.last_seen;
        // keep the freshest last_seen we knew
        std::lock_guard lk(app.cache_mu);
        auto it = app.sessions.find(h);
        if (it != app.sessions.end() && it->second.last_seen > cs.last_seen) {
            cs.last_seen = it->second.last_seen;
            cs.last_persisted = it->second.last_persisted;
        }
        cs.epoch = epoch;
    }
    if (cs.s.ended_at) return Error::Unauthenticated("the session has ended; log in again", "session_ended");
    if (now - cs.created > std::chrono::hours(policy.absolute_timeout_h) ||
        now - cs.last_seen > std::chrono::minutes(policy.idle_timeout_min))
        return Error::Unauthenticated("the session has expired; log in again", "session_expired");
    cs.last_seen = now;
    bool persist = now - cs.last_persisted > std::chrono::seconds(60);
    if (persist) cs.last_persisted = now;
    {
        std::lock_guard lk(app.cache_mu);
        if (app.sessions.size() > 20000) app.sessions.clear();
        app.sessions[h] = cs;
    }
    if (persist) {
        // Idle tracking survives restarts to the minute; no event, it is not a change of state.
        int64_t sid = cs.s.id;
        std::string at = core::FormatUtc(now);
        app.pipeline.Submit({std::nullopt, "system", ""},
                            [sid, at](store::WriteTx& tx) -> Result<Json> {
                                store::TouchSession(tx.conn(), sid, at);
                                return Json::object();
                            },
                            [](Result<Json>) {});
    }
    auto p = LoadPrincipal(app, cs.s.user_id);
    if (!p.ok()) return p;
    p->session_id = cs.s.id;
    p->csrf_token = cs.s.csrf_token;
    return p;
}

namespace {
struct CommitOp {
    App* app;
    store::Actor actor;
    store::CommandFn fn;
    template <class Handler>
    void operator()(Handler&& handler) {
        auto ex = asio::get_associated_executor(handler);
        auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
        bool ok = app->pipeline.Submit(std::move(actor), std::move(fn), [h, ex](Result<Json> r) {
            asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        });
        if (!ok) {
            asio::post(ex, [h]() mutable {
                (*h)(Result<Json>(Error::Unavailable("the write queue is full; retry shortly", 1)));
            });
        }
    }
};
struct CpuOp {
    App* app;
    std::function<Result<Json>()> fn;
    template <class Handler>
    void operator()(Handler&& handler) {
        auto ex = asio::get_associated_executor(handler);
        auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
        asio::post(app->cpu_pool, [h, ex, fn = std::move(fn)]() mutable {
            Result<Json> r = Error::Internal("not run");
            try {
                r = fn();
            } catch (const std::exception& e) {
                r = Error::Internal(e.what());
            }
            asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        });
    }
};
}  // namespace

asio::awaitable<Result<Json>> RunCpu(App& app, std::function<Result<Json>()> fn) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Result<Json>)>(CpuOp{&app, std::move(fn)},
                                                                                  asio::use_awaitable);
}

// Not a coroutine itself: g++ 12 mishandles by-value parameters of a coroutine that are
// passed temporaries (double destruction), so the command moves straight into the operation.
asio::awaitable<Result<Json>> Commit(App& app, store::Actor actor, store::CommandFn fn) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Result<Json>)>(
        CommitOp{&app, std::move(actor), std::move(fn)}, asio::use_awaitable);
}

}  // namespace duban::http
