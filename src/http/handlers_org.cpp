// Organisation units: thin handlers over org:: commands.
#include "http/app.hpp"

namespace duban::http {
namespace {

core::Status ReadOrgInput(const Json& j, org::OrgInput* in) {
    if (auto s = GetNullableInt(j, "parent_id", &in->parent_id); !s) return s;
    if (auto s = GetString(j, "kind", &in->kind); !s) return s;
    if (auto s = GetString(j, "name", &in->name); !s) return s;
    if (auto s = GetString(j, "code", nullptr, true, &in->code); !s) return s;
    return {};
}

asio::awaitable<Response> Create(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"parent_id", "kind", "name", "code"}); !s) co_return ErrorResponse(s.error());
    org::OrgInput in;
    if (auto s = ReadOrgInput(*body, &in); !s) co_return ErrorResponse(s.error());
    auto scope = ctx.principal->scope;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [in, scope](store::WriteTx& tx) { return org::CreateOrgUnit(tx, scope, in); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    Response resp = JsonResponse(201, *r);
    resp.headers.emplace_back("Location", "/api/v1/org-units/" + std::to_string((*r)["id"].get<int64_t>()));
    co_return resp;
}

asio::awaitable<Response> Get(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    auto u = store::FindOrg(*c, ctx.req.ids[0], ctx.principal->scope, /*with_has_children=*/true);
    if (!u) co_return ErrorResponse(Error::NotFound("org unit", ctx.req.ids[0]));
    co_return JsonResponse(200, org::OrgToJson(*u));
}

asio::awaitable<Response> List(Ctx& ctx) {
    store::OrgFilter f;
    if (auto s = Paging(ctx.req, &f.page, &f.per_page); !s) co_return ErrorResponse(s.error());
    auto pid = Query(ctx.req, "parent_id");
    if (pid && (*pid == "null" || *pid == "")) {
        f.roots_only = pid->size() > 0;
    } else if (pid) {
        std::optional<int64_t> v;
        if (auto s = QueryInt(ctx.req, "parent_id", &v); !s) co_return ErrorResponse(s.error());
        f.parent_id = v;
    }
    if (Query(ctx.req, "under")) {
        std::optional<int64_t> v;
        if (auto s = QueryInt(ctx.req, "under", &v); !s) co_return ErrorResponse(s.error());
        if (!v)
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "under must be an org unit id", "under"});
        f.under = v;
    }
    if (auto k = Query(ctx.req, "kind")) {
        static const std::set<std::string> kinds = {"district", "street", "community", "grid", "department"};
        if (!k->empty() && !kinds.count(*k))
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query",
                                     "kind must be one of district, street, community, grid, department", "kind"});
        f.kind = *k;
    }
    if (auto q = Query(ctx.req, "q")) f.q = core::Utf8Prefix(*q, 100);
    if (auto a = Query(ctx.req, "active")) {
        if (*a == "true") f.active = true;
        else if (*a == "false") f.active = false;
        else if (!a->empty())
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "active must be true or false", "active"});
    }
    auto c = ctx.app.db.Read();
    auto [items, total] = store::ListOrgs(*c, f, ctx.principal->scope);
    Json arr = Json::array();
    for (auto& u : items) arr.push_back(org::OrgToJson(u));
    co_return JsonResponse(200, ListJson(std::move(arr), total, f.page, f.per_page));
}

asio::awaitable<Response> Patch(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"kind", "name", "code", "version"}); !s) co_return ErrorResponse(s.error());
    org::OrgInput in;
    if (auto s = ReadOrgInput(*body, &in); !s) co_return ErrorResponse(s.error());
    std::optional<int64_t> version;
    if (auto s = GetInt(*body, "version", &version); !s) co_return ErrorResponse(s.error());
    if (body->empty()) co_return ErrorResponse(Error::Validation("", "nothing to change", "empty_patch"));
    int64_t id = ctx.req.ids[0];
    auto scope = ctx.principal->scope;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [=](store::WriteTx& tx) {
        return org::UpdateOrgUnit(tx, scope, id, in, version);
    });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> Move(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"parent_id"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::optional<int64_t>> parent;
    if (auto s = GetNullableInt(*body, "parent_id", &parent); !s) co_return ErrorResponse(s.error());
    if (!parent) co_return ErrorResponse(Error::Validation("parent_id", "parent_id is required (null for the root)", "missing_field"));
    int64_t id = ctx.req.ids[0];
    auto scope = ctx.principal->scope;
    auto np = *parent;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::MoveOrgUnit(tx, scope, id, np); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.InvalidateAuth();  // scopes are paths: a move changes who sees what
    ReloadCaseKpis(ctx.app);   // and where the cases in the moved subtree lie
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> Deactivate(Ctx& ctx) {
    if (!ctx.req.body.empty()) {
        auto body = JsonBody(ctx.req);
        if (!body.ok()) co_return ErrorResponse(body.error());
        if (auto s = OnlyKeys(*body, {}); !s) co_return ErrorResponse(s.error());
    }
    int64_t id = ctx.req.ids[0];
    auto scope = ctx.principal->scope;
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::DeactivateOrgUnit(tx, scope, id); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.InvalidateAuth();
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> Import(Ctx& ctx) {
    std::string ct = ctx.req.Header("content-type");
    if (ct.rfind("text/csv", 0) != 0)
        co_return ErrorResponse({core::ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                                 "upload the CSV as text/csv", "Content-Type"});
    bool dry = Query(ctx.req, "dry_run").value_or("false") == "true";
    std::string csv = ctx.req.body;
    auto scope = ctx.principal->scope;
    // Validate first on a read connection, so a bad file returns every error by row and column.
    {
        auto c = ctx.app.db.Read();
        auto plan = org::ParseOrgCsv(*c, scope, csv);
        if (!plan.errors.empty()) {
            Json errs = Json::array();
            for (auto& e : plan.errors) errs.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
            Json err = {{"code", "import_invalid"},
                        {"message", std::to_string(plan.errors.size()) + " error(s); nothing was imported"},
                        {"field", plan.errors[0].column},
                        {"rows", errs}};
            co_return JsonResponse(422, {{"error", err}});
        }
        if (dry) co_return JsonResponse(200, {{"valid_rows", plan.rows.size()}, {"imported", 0}, {"errors", Json::array()}});
    }
    auto r_op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                             [=](store::WriteTx& tx) { return org::ImportOrgUnits(tx, scope, csv, false); });
    auto r = co_await std::move(r_op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(201, *r);
}

}  // namespace

void AddOrgRoutes(std::vector<Route>& r) {
    using org::Perm;
    r.push_back({"POST", "/api/v1/org-units/import", Import, Access::kPermission, Perm::kOrgWrite,
                 "Import org units from CSV (code,name,kind,parent_code); all rows or none; ?dry_run=true validates only", "org-units", "", "CsvText"});
    r.push_back({"GET", "/api/v1/org-units", List, Access::kPermission, Perm::kOrgRead,
                 "List org units in your scope (?parent_id=&under=&kind=&q=&active=&page=&per_page=)", "org-units"});
    r.push_back({"POST", "/api/v1/org-units", Create, Access::kPermission, Perm::kOrgWrite, "Create an org unit", "org-units", "", "OrgUnitCreate"});
    r.push_back({"GET", "/api/v1/org-units/{id}", Get, Access::kPermission, Perm::kOrgRead, "Read an org unit", "org-units", "org_unit"});
    r.push_back({"PATCH", "/api/v1/org-units/{id}", Patch, Access::kPermission, Perm::kOrgWrite, "Edit name, code or kind", "org-units", "org_unit", "OrgUnitPatch"});
    r.push_back({"POST", "/api/v1/org-units/{id}/move", Move, Access::kPermission, Perm::kOrgWrite, "Move a unit and its subtree under another parent", "org-units", "org_unit", "OrgUnitMove"});
    r.push_back({"POST", "/api/v1/org-units/{id}/deactivate", Deactivate, Access::kPermission, Perm::kOrgWrite,
                 "Deactivate a unit (no hard delete)", "org-units", "org_unit"});
}

}  // namespace duban::http
