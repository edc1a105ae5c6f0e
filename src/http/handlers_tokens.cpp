// API tokens: each account creates, lists and revokes its own; the security administrator lists
// and revokes everyone's (a leaked integration key). A token's secret is shown once, at creation.
#include "http/app.hpp"

namespace duban::http {
namespace {

// ?status=&page=&per_page= (and, for the administrator, ?user_id=), checked before anything is read.
core::Status TokenFilterFrom(Ctx& ctx, store::TokenFilter* f) {
    if (auto s = Paging(ctx.req, &f->page, &f->per_page); !s) return s;
    f->status = Query(ctx.req, "status").value_or("");
    if (!f->status.empty() && !org::IsTokenStatus(f->status))
        return Error{core::ErrorKind::kBadRequest, "invalid_query",
                     "status must be active, expired or revoked", "status"};
    f->now = core::FormatUtc(ctx.app.clock.Now());
    return {};
}

asio::awaitable<Response> CreateOwnToken(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"name", "days"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> name;
    std::optional<int64_t> days;
    if (auto s = GetString(*body, "name", &name); !s) co_return ErrorResponse(s.error());
    if (auto s = GetInt(*body, "days", &days); !s) co_return ErrorResponse(s.error());
    if (!name) co_return ErrorResponse(Error::Validation("name", "name is required", "missing_field"));
    auto& p = *ctx.principal;
    int64_t uid = p.user_id;
    int d = static_cast<int>(std::clamp<int64_t>(days.value_or(90), -1, 1000));
    std::string n = *name;
    auto r_op = Commit(ctx.app, p.ToActor(ctx.req.remote_ip),
                       [=](store::WriteTx& tx) { return org::CreateToken(tx, uid, n, d); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(201, *r);
}

asio::awaitable<Response> ListOwnTokens(Ctx& ctx) {
    store::TokenFilter f;
    if (auto s = TokenFilterFrom(ctx, &f); !s) co_return ErrorResponse(s.error());
    f.user_id = ctx.principal->user_id;
    auto c = ctx.app.db.Read();
    auto [items, total] = store::ListTokens(*c, f);
    co_return JsonResponse(200, ListJson(org::TokensJson(*c, items, f.now, false), total, f.page, f.per_page));
}

asio::awaitable<Response> Revoke(Ctx& ctx, std::optional<int64_t> owner) {
    int64_t id = ctx.req.ids[0];
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                       [=](store::WriteTx& tx) { return org::RevokeToken(tx, id, owner); });
    auto r = co_await std::move(r_op);
    // The token cache forgets it now, not at its next reread: also when another process (the CLI)
    // revoked it first and this answer is a 409.
    if (r.ok() || r.error().code == "already_revoked") ctx.app.InvalidateAuth();
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> RevokeOwnToken(Ctx& ctx) {
    auto op = Revoke(ctx, ctx.principal->user_id);
    co_return co_await std::move(op);
}

asio::awaitable<Response> ListAllTokens(Ctx& ctx) {
    store::TokenFilter f;
    if (auto s = TokenFilterFrom(ctx, &f); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "user_id", &f.user_id); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    auto [items, total] = store::ListTokens(*c, f);
    co_return JsonResponse(200, ListJson(org::TokensJson(*c, items, f.now, true), total, f.page, f.per_page));
}

asio::awaitable<Response> RevokeAnyToken(Ctx& ctx) {
    auto op = Revoke(ctx, std::nullopt);
    co_return co_await std::move(op);
}

}  // namespace

void AddTokenRoutes(std::vector<Route>& r) {
    using org::Perm;
    r.push_back({"POST", "/api/v1/me/tokens", CreateOwnToken, Access::kAuthenticated, {}, "Create an API token for yourself (shown once)", "session", "", "TokenCreate"});
    r.push_back({"GET", "/api/v1/me/tokens", ListOwnTokens, Access::kAuthenticated, {}, "Your API tokens, newest first (?status=active|expired|revoked); never their secrets", "session"});
    r.push_back({"DELETE", "/api/v1/me/tokens/{id}", RevokeOwnToken, Access::kAuthenticated, {}, "Revoke one of your API tokens; it stops working at once", "session", "own_api_token"});
    r.push_back({"GET", "/api/v1/api-tokens", ListAllTokens, Access::kPermission, Perm::kSessionAdmin, "Every account's API tokens, newest first (?user_id=&status=)", "security"});
    r.push_back({"DELETE", "/api/v1/api-tokens/{id}", RevokeAnyToken, Access::kPermission, Perm::kSessionAdmin, "Revoke any account's API token (a leaked key)", "security", "api_token"});
}

}  // namespace duban::http
