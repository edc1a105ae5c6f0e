// The public disclosure portal (政務公開, docs/disclosure-api.md). The supervision office previews
// a release, publishes it (frozen, with its SHA-256 in the chain) and withdraws it with a reason;
// anyone reads what is published, without an account. Thin: parse, build the draft from what the
// publisher sees (plan engine, KPI tables), commit.
#include "disclosure/disclosure.hpp"
#include "http/app.hpp"

namespace duban::http {
namespace {

/// {kind, plan_id?, year?, title?, expect_sha256?}: the draft a publisher asked for, built now.
Result<disclosure::Draft> DraftFrom(Ctx& ctx, const Json& body, std::optional<std::string>* expect) {
    if (auto s = OnlyKeys(body, {"kind", "plan_id", "year", "title", "expect_sha256"}); !s) return s.error();
    std::optional<std::string> kind, title;
    std::optional<int64_t> plan_id, year;
    if (auto s = GetString(body, "kind", &kind); !s) return s.error();
    if (auto s = GetString(body, "title", &title); !s) return s.error();
    if (auto s = GetString(body, "expect_sha256", expect); !s) return s.error();
    if (auto s = GetInt(body, "plan_id", &plan_id); !s) return s.error();
    if (auto s = GetInt(body, "year", &year); !s) return s.error();
    if (*expect && ((*expect)->size() != 64 || (*expect)->find_first_not_of("0123456789abcdef") != std::string::npos))
        return Error::Validation("expect_sha256", "expect_sha256 must be the preview's content_sha256 (64 lower-case hex digits)");
    if (!kind) return Error::Validation("kind", "kind is required (plan_progress, case_stats or project_progress)", "missing_field");
    if (!disclosure::IsKind(*kind)) return Error::Validation("kind", "kind must be plan_progress, case_stats or project_progress");
    const core::Date today = core::LocalDate(ctx.app.clock.Now());
    Result<disclosure::Draft> d = Error::Internal("no draft");
    if (*kind == "plan_progress") {
        if (year) return Error::Validation("year", "year is for case_stats; a plan's progress is counted to today");
        if (!plan_id) return Error::Validation("plan_id", "plan_id is required for plan_progress", "missing_field");
        auto c = ctx.app.db.Read();
        d = disclosure::PlanProgress(*c, *plan_id, PlanViewer(*ctx.principal), today);
    } else if (*kind == "project_progress") {
        if (plan_id) return Error::Validation("plan_id", "plan_id is for plan_progress");
        if (year) return Error::Validation("year", "year is for case_stats; the major projects are this year's");
        auto c = ctx.app.db.Read();
        d = disclosure::ProjectProgress(*c, ProjectViewer(*ctx.principal), ctx.app.clock.Now());
    } else {
        if (plan_id) return Error::Validation("plan_id", "plan_id is for plan_progress");
        if (year && (*year < 2000 || *year > today.y))
            return Error::Validation("year", "year must be from 2000 to " + std::to_string(today.y));
        const int y = static_cast<int>(year.value_or(today.y));
        d = CaseStatsDraft(ctx.app, ctx.principal->scope, y);
    }
    if (!d.ok()) return d.error();
    // The same title rules as the publish command, so that a preview never promises what publishing refuses.
    if (title) {
        auto t = disclosure::CleanTitle(*title);
        if (!t.ok()) return t.error();
        d->title = *t;
    }
    return d;
}

asio::awaitable<Response> Preview(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    std::optional<std::string> expect;
    auto d = DraftFrom(ctx, *body, &expect);
    if (!d.ok()) co_return ErrorResponse(d.error());
    co_return JsonResponse(200, d->ToJson());
}

asio::awaitable<Response> PublishH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    std::optional<std::string> expect;
    auto d = DraftFrom(ctx, *body, &expect);
    if (!d.ok()) co_return ErrorResponse(d.error());
    // What the publisher reviewed is what goes out: a figure that moved since the preview is a 409.
    if (expect && *expect != d->Sha256())
        co_return ErrorResponse(Error::Conflict("changed_since_preview",
                                                "the figures changed since the preview; preview again before publishing",
                                                "expect_sha256"));
    disclosure::Draft draft = std::move(*d);
    auto c_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                       [draft](store::WriteTx& tx) { return disclosure::Publish(tx, draft); });
    auto r = co_await std::move(c_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(201, *r);
}

asio::awaitable<Response> WithdrawH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"reason"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> reason;
    if (auto s = GetString(*body, "reason", &reason); !s) co_return ErrorResponse(s.error());
    const int64_t id = ctx.req.ids[0];
    const std::string why = reason.value_or("");
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                     [id, why](store::WriteTx& tx) { return disclosure::Withdraw(tx, id, why); });
    auto r = co_await std::move(op);
    co_return FromResult(r);
}

// ?kind=&page=&per_page=
core::Status FilterFrom(const Request& req, store::DisclosureFilter* f) {
    if (auto s = Paging(req, &f->page, &f->per_page); !s) return s;
    f->kind = Query(req, "kind").value_or("");
    if (!f->kind.empty() && !disclosure::IsKind(f->kind))
        return Error::BadRequest("invalid_query", "kind must be plan_progress, case_stats or project_progress", "kind");
    return {};
}

asio::awaitable<Response> List(Ctx& ctx, bool staff) {
    store::DisclosureFilter f;
    f.public_only = !staff;
    if (auto s = FilterFrom(ctx.req, &f); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    auto [rows, total] = store::ListDisclosures(*c, f);
    Json items = Json::array();
    for (auto& r : rows) items.push_back(disclosure::ToJson(r, staff, false));
    co_return JsonResponse(200, ListJson(std::move(items), total, f.page, f.per_page));
}

asio::awaitable<Response> StaffList(Ctx& ctx) {
    auto op = List(ctx, true);
    co_return co_await std::move(op);
}

asio::awaitable<Response> PublicList(Ctx& ctx) {
    auto op = List(ctx, false);
    auto r = co_await std::move(op);
    r.headers.emplace_back("Cache-Control", "no-cache");
    co_return r;
}

asio::awaitable<Response> Get(Ctx& ctx, bool staff) {
    auto c = ctx.app.db.Read();
    auto r = store::FindDisclosure(*c, ctx.req.ids[0], true);
    // A withdrawn release is gone for the public at once (no-cache: no copy outlives the withdrawal),
    // with the same 404 as one that never was.
    if (!r || (!staff && r->withdrawn_at)) co_return ErrorResponse(Error::NotFound("disclosure", ctx.req.ids[0]));
    auto resp = JsonResponse(200, disclosure::ToJson(*r, staff, true));
    if (!staff) resp.headers.emplace_back("Cache-Control", "no-cache");
    co_return resp;
}

asio::awaitable<Response> StaffGet(Ctx& ctx) {
    auto op = Get(ctx, true);
    co_return co_await std::move(op);
}

asio::awaitable<Response> PublicGet(Ctx& ctx) {
    auto op = Get(ctx, false);
    co_return co_await std::move(op);
}

}  // namespace

void AddDisclosureRoutes(std::vector<Route>& r) {
    using org::Perm;
    const auto p = Perm::kDisclosurePublish;
    r.push_back({"GET", "/api/v1/public/disclosures", PublicList, Access::kPublic, {},
                 "Published releases of the disclosure portal, newest first (?kind=plan_progress|case_stats|project_progress); no account needed", "disclosure"});
    r.push_back({"GET", "/api/v1/public/disclosures/{id}", PublicGet, Access::kPublic, {},
                 "One published release with its content; a withdrawn one is 404", "disclosure", "public_disclosure"});
    r.push_back({"POST", "/api/v1/disclosures/preview", Preview, Access::kPermission, p,
                 "Build a release from today's data without publishing it ({kind, plan_id | year, title?})", "disclosure", "", "DisclosureDraft"});
    r.push_back({"POST", "/api/v1/disclosures", PublishH, Access::kPermission, p,
                 "Publish a release, frozen as built now (expect_sha256: refuse if the figures changed since the preview)", "disclosure", "", "DisclosureDraft"});
    r.push_back({"GET", "/api/v1/disclosures", StaffList, Access::kPermission, p,
                 "Every release, withdrawn ones too, with who published and withdrew it", "disclosure"});
    r.push_back({"GET", "/api/v1/disclosures/{id}", StaffGet, Access::kPermission, p,
                 "One release with its content, withdrawn or not", "disclosure", "disclosure"});
    r.push_back({"POST", "/api/v1/disclosures/{id}/withdraw", WithdrawH, Access::kPermission, p,
                 "Withdraw a release from the portal ({reason}); it stays on record", "disclosure", "disclosure", "DisclosureWithdraw"});
}

}  // namespace duban::http
