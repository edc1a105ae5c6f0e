// Key projects, enterprises and promotion events: thin handlers over registry:: (see
// docs/projects-api.md), and the projects' light sweep.
#include "http/app.hpp"
#include "registry/registry.hpp"

namespace duban::http {

asio::awaitable<Result<Json>> RunProjectSweep(App& app) {
    std::vector<int64_t> due;
    {
        auto c = app.db.Read();
        due = registry::DueLights(*c, app.clock.Now());
    }
    if (due.empty()) co_return Json{{"evaluated", 0}, {"changed", 0}};
    auto op = Commit(app, store::Actor{std::nullopt, "system", ""},
                     [due](store::WriteTx& tx) { return registry::Sweep(tx, due); });
    auto r = co_await std::move(op);
    co_return r;
}

registry::Viewer ProjectViewer(const org::Principal& p) {
    registry::Viewer v;
    v.all = p.scope.all || p.Has(org::Perm::kProjectAdmin) ||
            std::find(p.roles.begin(), p.roles.end(), "leader") != p.roles.end();
    v.scope = p.scope;
    v.units = p.units;
    v.user_id = p.user_id;
    v.name = p.display_name.empty() ? p.username : p.display_name;
    v.may_write = p.Has(org::Perm::kProjectWrite);
    v.may_admin = p.Has(org::Perm::kProjectAdmin);
    v.may_followup = p.Has(org::Perm::kPlanFollowup);
    v.may_report_case = p.Has(org::Perm::kCaseReport);
    v.may_read_cases = p.Has(org::Perm::kCaseRead);
    return v;
}

bool SeesProject(store::Conn& c, const org::Principal& p, int64_t id) {
    if (!p.Has(org::Perm::kProjectRead)) return false;
    auto row = store::FindProject(c, id);
    return row && ProjectViewer(p).Sees(*row);
}

namespace {

registry::Env EnvOf(Ctx& ctx) {
    registry::Env env;
    env.cases = CaseEnv(ctx.app);
    env.case_viewer = CaseViewer(ctx.app, *ctx.principal);
    env.cal = env.cases.cal.get();  // env.cases holds the snapshot for as long as the command runs
    return env;
}

/// Commits a registry command; applies the case or plan engine's watch entries it returns.
asio::awaitable<Response> CommitProject(Ctx& ctx, store::CommandFn fn, int status, bool case_watch = false,
                                        bool plan_watch = false) {
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    if (case_watch) AfterCaseWrite(ctx.app, *r);  // the light watch and the KPI store
    if (plan_watch) ctx.app.plan_watch.Apply(*r);
    co_return JsonResponse(status, *r);
}

using Cmd = std::function<Result<Json>(store::WriteTx&, const Json&)>;
asio::awaitable<Response> WithBody(Ctx& ctx, Cmd cmd, int status, bool case_watch = false, bool plan_watch = false) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto op = CommitProject(ctx, [cmd, b](store::WriteTx& tx) { return cmd(tx, b); }, status, case_watch, plan_watch);
    auto resp = co_await std::move(op);
    co_return resp;
}

core::Status BadQuery(const std::string& field, const std::string& msg) {
    return Error{core::ErrorKind::kBadRequest, "invalid_query", msg, field};
}

asio::awaitable<Response> ListH(Ctx& ctx) {
    registry::ProjectFilter f;
    if (auto s = Paging(ctx.req, &f.page, &f.per_page); !s) co_return ErrorResponse(s.error());
    if (auto st = Query(ctx.req, "stage"); st && !st->empty()) {
        if (registry::StageIndex(*st) < 0)
            co_return ErrorResponse(BadQuery("stage", "stage must be one of reserve, negotiating, signed, registered, started, completed").error());
        f.stage = *st;
    }
    if (auto k = Query(ctx.req, "project_kind"); k && !k->empty()) {
        if (*k != "industry" && *k != "urban" && *k != "livelihood")
            co_return ErrorResponse(BadQuery("project_kind", "project_kind must be industry, urban or livelihood").error());
        f.project_kind = *k;
    }
    if (auto l = Query(ctx.req, "light"); l && !l->empty()) {
        if (*l != "green" && *l != "yellow" && *l != "red")
            co_return ErrorResponse(BadQuery("light", "light must be green, yellow or red").error());
        f.light = *l;
    }
    if (auto m = Query(ctx.req, "major")) f.major = *m == "1" || *m == "true";
    if (auto q = Query(ctx.req, "q")) f.q = core::Utf8Prefix(*q, 100);
    if (auto s = Query(ctx.req, "sort")) f.sort = *s;
    if (auto s = QueryInt(ctx.req, "unit_id", &f.unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "event_id", &f.event_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "year", &f.year); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    co_return FromResult(registry::ListProjects(*c, f, ProjectViewer(*ctx.principal), ctx.app.clock.Now()));
}

asio::awaitable<Response> CreateH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    auto env = EnvOf(ctx);
    auto op = WithBody(ctx, [v, env](store::WriteTx& tx, const Json& b) { return registry::CreateProject(tx, b, v, env); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> GetH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(registry::GetProject(*c, ctx.req.ids[0], ProjectViewer(*ctx.principal), ctx.app.clock.Now(),
                                              ctx.app.case_types.get()));
}

asio::awaitable<Response> PatchH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    auto env = EnvOf(ctx);
    int64_t id = ctx.req.ids[0];
    auto op = WithBody(ctx, [id, v, env](store::WriteTx& tx, const Json& b) { return registry::PatchProject(tx, id, b, v, env); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

// The project commands of one shape: (tx, the project's id, the JSON body, the viewer).
using ProjectCmd = Result<Json> (*)(store::WriteTx&, int64_t, const Json&, const registry::Viewer&);
asio::awaitable<Response> OnProject(Ctx& ctx, ProjectCmd f, int status) {
    auto v = ProjectViewer(*ctx.principal);
    int64_t id = ctx.req.ids[0];
    auto op = WithBody(ctx, [f, id, v](store::WriteTx& tx, const Json& b) { return f(tx, id, b, v); }, status);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> AdvanceH(Ctx& ctx) { return OnProject(ctx, registry::AdvanceProject, 200); }
asio::awaitable<Response> RevertH(Ctx& ctx) { return OnProject(ctx, registry::RevertStage, 200); }
asio::awaitable<Response> ProgressH(Ctx& ctx) { return OnProject(ctx, registry::AddProgress, 201); }
asio::awaitable<Response> InvestmentH(Ctx& ctx) { return OnProject(ctx, registry::ReportInvestment, 201); }

asio::awaitable<Response> ProblemH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    auto env = EnvOf(ctx);
    int64_t id = ctx.req.ids[0];
    auto op = WithBody(ctx, [id, v, env](store::WriteTx& tx, const Json& b) { return registry::RaiseProblem(tx, id, b, v, env); },
                       201, true, false);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> FollowupH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    auto env = EnvOf(ctx);
    int64_t id = ctx.req.ids[0];
    auto op = WithBody(ctx, [id, v, env](store::WriteTx& tx, const Json& b) { return registry::IssueFollowup(tx, id, b, v, env); },
                       201, false, true);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> StallsH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, registry::Stalls(*c, ProjectViewer(*ctx.principal), ctx.app.clock.Now()));
}

asio::awaitable<Response> DashboardH(Ctx& ctx) {
    std::optional<int64_t> year;
    if (auto s = QueryInt(ctx.req, "year", &year); !s) co_return ErrorResponse(s.error());
    if (year && (*year < 2000 || *year > 2100)) co_return ErrorResponse(BadQuery("year", "year must be from 2000 to 2100").error());
    int64_t y = year.value_or(core::LocalDate(ctx.app.clock.Now()).y);
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, registry::Dashboard(*c, y, ProjectViewer(*ctx.principal), ctx.app.clock.Now()));
}

asio::awaitable<Response> GetRulesH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, registry::LoadRules(*c).ToJson());
}

asio::awaitable<Response> PutRulesH(Ctx& ctx) {
    auto op = WithBody(ctx, [](store::WriteTx& tx, const Json& b) { return registry::PutRules(tx, b); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> ListEnterprisesH(Ctx& ctx) {
    store::EnterpriseFilter f;
    if (auto s = Paging(ctx.req, &f.page, &f.per_page); !s) co_return ErrorResponse(s.error());
    if (auto q = Query(ctx.req, "q")) f.q = core::Utf8Prefix(*q, 100);
    if (auto r = Query(ctx.req, "origin_region")) f.origin_region = core::Utf8Prefix(*r, 50);
    if (auto s = QueryInt(ctx.req, "year", &f.year); !s) co_return ErrorResponse(s.error());
    if (auto m = Query(ctx.req, "min_capital_wan"); m && !m->empty()) {
        auto j = Json::parse(*m, nullptr, false);
        auto u = j.is_discarded() ? std::nullopt : registry::WanToUnits(j);
        if (!u) co_return ErrorResponse(BadQuery("min_capital_wan", "min_capital_wan must be a number of 萬元").error());
        f.min_capital = *u;
    }
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, registry::ListEnterprises(*c, f));
}

asio::awaitable<Response> CreateEnterpriseH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    auto op = WithBody(ctx, [v](store::WriteTx& tx, const Json& b) { return registry::CreateEnterprise(tx, b, v); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> GetEnterpriseH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(registry::GetEnterprise(*c, ctx.req.ids[0], ProjectViewer(*ctx.principal)));
}

asio::awaitable<Response> PatchEnterpriseH(Ctx& ctx) {
    auto v = ProjectViewer(*ctx.principal);
    int64_t id = ctx.req.ids[0];
    auto op = WithBody(ctx, [id, v](store::WriteTx& tx, const Json& b) { return registry::PatchEnterprise(tx, id, b, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> CheckCodeH(Ctx& ctx) {
    // A form's check: an empty code is simply not valid (the message says why).
    auto r = registry::CheckCreditCode(core::Trim(Query(ctx.req, "code").value_or("")));
    co_return JsonResponse(200, {{"valid", r.valid}, {"message", r.message}});
}

asio::awaitable<Response> ListEventsH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, registry::ListPromotionEvents(*c));
}

asio::awaitable<Response> CreateEventH(Ctx& ctx) {
    auto op = WithBody(ctx, [](store::WriteTx& tx, const Json& b) { return registry::CreatePromotionEvent(tx, b); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

}  // namespace

void AddProjectRoutes(std::vector<Route>& r) {
    using org::Perm;
    auto add = [&](const char* method, const char* pattern, Handler h, Perm perm, const char* summary,
                   const char* object = "") {
        r.push_back(Route{method, pattern, std::move(h), Access::kPermission, perm, summary, "projects", object});
    };
    add("GET", "/api/v1/projects", ListH, Perm::kProjectRead,
        "Projects in scope (?stage=&project_kind=&major=1&light=&unit_id=&event_id=&year=&q=&sort=), with counts by light");
    add("POST", "/api/v1/projects", CreateH, Perm::kProjectWrite, "Create a project (a unit for its own units; the supervisor for any)");
    add("GET", "/api/v1/projects/{id}", GetH, Perm::kProjectRead, "One project with its timeline, investments, problems and follow-ups", "project");
    add("PATCH", "/api/v1/projects/{id}", PatchH, Perm::kProjectWrite, "Edit a project's fields ({version, ...}; the stage is not patchable)", "project");
    add("POST", "/api/v1/projects/{id}/advance", AdvanceH, Perm::kProjectWrite,
        "Move to the next stage with its date and evidence (409 stage_order backwards or skipping)", "project");
    add("POST", "/api/v1/projects/{id}/revert-stage", RevertH, Perm::kProjectAdmin,
        "Revert the last stage move ({reason, version}); an event of its own, never a deletion", "project");
    add("POST", "/api/v1/projects/{id}/progress", ProgressH, Perm::kProjectWrite,
        "A progress note on the current stage ({text, date?, attachments?}); counts as progress for the lights", "project");
    add("POST", "/api/v1/projects/{id}/investments", InvestmentH, Perm::kProjectWrite,
        "Report the investment completed in a month ({month, amount_wan, note?}); a month again is a revision", "project");
    add("POST", "/api/v1/projects/{id}/problems", ProblemH, Perm::kProjectWrite,
        "Raise a problem from a service visit: creates a 企業訴求 case linked to the project", "project");
    add("POST", "/api/v1/projects/{id}/followups", FollowupH, Perm::kPlanFollowup,
        "Issue a 督辦單 about the project on its work-plan task, addressed to its lead unit", "project");
    add("GET", "/api/v1/project-stalls", StallsH, Perm::kProjectRead,
        "Stalled lists: signed not registered, registered not started, started not completed (past the stage limits)");
    add("GET", "/api/v1/project-dashboard", DashboardH, Perm::kProjectRead,
        "Totals, funnel by stage, investment by month against plan, signings by region and event (?year=)");
    add("GET", "/api/v1/project-rules", GetRulesH, Perm::kProjectRead, "Stage limits and stall months");
    add("PUT", "/api/v1/project-rules", PutRulesH, Perm::kProjectAdmin, "Change the stage limits and stall months (lights are re-evaluated)");
    add("GET", "/api/v1/enterprises", ListEnterprisesH, Perm::kProjectRead,
        "Enterprises (?q=&origin_region=&min_capital_wan=&year=)");
    add("POST", "/api/v1/enterprises", CreateEnterpriseH, Perm::kProjectWrite,
        "Register an enterprise (the credit code is checked per GB 32100-2015)");
    add("GET", "/api/v1/enterprises/check-code", CheckCodeH, Perm::kProjectRead, "Check a unified social credit code (?code=)");
    add("GET", "/api/v1/enterprises/{id}", GetEnterpriseH, Perm::kProjectRead, "One enterprise with its projects", "enterprise");
    add("PATCH", "/api/v1/enterprises/{id}", PatchEnterpriseH, Perm::kProjectWrite, "Edit an enterprise ({version, ...})", "enterprise");
    add("GET", "/api/v1/promotion-events", ListEventsH, Perm::kProjectRead, "Promotion events (推介活動)");
    add("POST", "/api/v1/promotion-events", CreateEventH, Perm::kProjectAdmin, "Create a promotion event ({name, city, held_on})");
}

registry::Env ProjectEnv(Ctx& ctx) { return EnvOf(ctx); }

}  // namespace duban::http
