// Cases: thin handlers over cases:: (types, cases, actions, notes, the reporter's full view, the
// dispatcher's queue, the dispatch rules) and the light sweep.
#include "http/app.hpp"
#include "store/repos.hpp"

namespace duban::http {

cases::Env CaseEnv(App& app) {
    cases::Env e;
    e.types = app.case_types.get();
    e.cal = app.Calendar();
    e.box = &app.box;
    e.locate = app.grid_index.Hook();
    return e;
}

namespace {
/// The ids on a materialised path, root first: "/1/2/5/" -> 1, 2, 5.
std::vector<int64_t> PathIds(const std::string& path) {
    std::vector<int64_t> out;
    for (size_t b = 1, e; (e = path.find('/', b)) != std::string::npos; b = e + 1)
        if (e > b) out.push_back(std::stoll(path.substr(b, e - b)));
    return out;
}
void SortUnique(std::vector<int64_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}
}  // namespace

std::vector<int64_t> CaseOwnLine(store::Conn& c, const std::vector<int64_t>& units) {
    std::vector<int64_t> out;
    for (auto id : units)  // active or not: an account of a closed unit is still of it
        if (auto u = store::FindOrg(c, id, core::Scope::All())) {
            auto ids = PathIds(u->path);
            out.insert(out.end(), ids.begin(), ids.end());
        }
    SortUnique(out);
    return out;
}

cases::Viewer CaseViewer(App& app, const org::Principal& p) {
    cases::Viewer v;
    v.roles = p.roles;
    v.units = p.units;
    v.user_id = p.user_id;
    v.name = p.display_name.empty() ? p.username : p.display_name;
    // The dispatcher (supervisor) and leaders see every case; others their units' and scope's.
    v.dispatcher = p.Has(org::Perm::kCaseDispatch);
    v.all = p.scope.all || v.dispatcher || std::find(p.roles.begin(), p.roles.end(), "leader") != p.roles.end();
    if (v.dispatcher) return v;  // sees every case and is hidden none (v.all)
    auto c = app.db.Read();
    // the units a petition may accuse that this account belongs to
    v.own_line = CaseOwnLine(*c, p.units);
    if (!v.all) {  // exactly the data scope: a custom scope or a single unit is not widened to the units' subtrees
        v.prefixes = p.scope.subtrees;
        v.exact = p.scope.exact;
        v.scope_units = store::OrgUnitsUnder(*c, v.prefixes);
        for (const auto& path : v.exact)  // a path ends in its unit's id: "/1/2/"
            if (auto ids = PathIds(path); !ids.empty()) v.scope_units.push_back(ids.back());
        SortUnique(v.scope_units);
    }
    return v;
}

bool SeesCase(store::Conn& c, const cases::Viewer& v, const org::Principal& p, int64_t id) {
    if (!p.Has(org::Perm::kCaseRead)) return false;
    auto row = store::FindCase(c, id);
    return row && v.Sees(*row);
}

namespace {

asio::awaitable<Response> CommitCase(Ctx& ctx, store::CommandFn fn, int status) {
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    AfterCaseWrite(ctx.app, *r);
    co_return JsonResponse(status, *r);
}

asio::awaitable<Response> ListTypesH(Ctx& ctx) {
    Json items = Json::array();
    for (auto& t : ctx.app.case_types->All()) items.push_back(t->ToJson());
    co_return JsonResponse(200, {{"items", items}});
}

asio::awaitable<Response> GetTypeH(Ctx& ctx) {
    auto t = ctx.app.case_types->Get(ctx.req.params.at(0));
    if (!t) co_return ErrorResponse(Error::NotFoundMsg("case type " + ctx.req.params.at(0) + " not found"));
    co_return JsonResponse(200, t->ToJson());
}

asio::awaitable<Response> PutTypeH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    std::string code = ctx.req.params.at(0);
    auto current = ctx.app.case_types->Get(code);
    if (!current) co_return ErrorResponse(Error::NotFoundMsg("case type " + code + " not found"));
    Json b = std::move(*body);
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip),
                     [code, b, current](store::WriteTx& tx) { return cases::PutCaseType(tx, code, b, current.get()); });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    auto t = cases::ParseCaseType(b, "case-types/" + code);
    if (t) ctx.app.case_types->Set(std::move(*t));
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> CreateH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto env = CaseEnv(ctx.app);
    auto op = CommitCase(ctx, [b, v, env](store::WriteTx& tx) { return cases::CreateCase(tx, b, v, env); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

core::Status Filter(const Request& req, store::CaseFilter* f) {
    static const std::map<std::string, std::vector<std::string>> kEnums = {
        {"status", {"open", "suspended", "closed", "merged"}}, {"light", {"green", "yellow", "red"}},
        {"sort", {"-id", "id", "reported_at", "-reported_at", "due"}}};
    for (const char* k : {"type", "stage", "status", "light", "category", "sort", "from", "to"}) {
        auto v = Query(req, k);
        if (!v || v->empty()) continue;
        auto it = kEnums.find(k);
        if (it != kEnums.end() && std::find(it->second.begin(), it->second.end(), *v) == it->second.end())
        {
            std::string all;
            for (const auto& x : it->second) all += (all.empty() ? "" : ", ") + x;
            return Error{core::ErrorKind::kBadRequest, "invalid_query", std::string(k) + " must be one of " + all, k};
        }
        if ((std::string(k) == "from" || std::string(k) == "to")) {
            core::TimePoint t;
            if (!core::ParseRfc3339(*v, &t)) {
                auto d = core::Date::Parse(*v);
                if (!d) return Error{core::ErrorKind::kBadRequest, "invalid_query", std::string(k) + " must be a date or an RFC 3339 time", k};
                t = core::LocalTime(*d, 0);
            }
            (std::string(k) == "from" ? f->from : f->to) = core::FormatUtc(t);
            continue;
        }
        std::string val = core::Utf8Prefix(*v, 64);
        if (std::string(k) == "type") f->type = val;
        else if (std::string(k) == "stage") f->stage = val;
        else if (std::string(k) == "status") f->status = val;
        else if (std::string(k) == "light") f->light = val;
        else if (std::string(k) == "category") f->category = val;
        else if (std::string(k) == "sort") f->sort = val;
    }
    if (auto q = Query(req, "q")) f->q = core::Utf8Prefix(*q, 100);
    if (auto o = Query(req, "overdue"); o && !o->empty()) {
        if (*o != "1" && *o != "true" && *o != "0" && *o != "false")
            return Error{core::ErrorKind::kBadRequest, "invalid_query", "overdue must be 1 or 0", "overdue"};
        f->overdue = *o == "1" || *o == "true";
    }
    if (auto s = QueryInt(req, "street_id", &f->street_id); !s) return s;
    if (auto s = QueryInt(req, "grid_id", &f->grid_id); !s) return s;
    if (auto s = QueryInt(req, "unit_id", &f->unit_id); !s) return s;
    return Paging(req, &f->page, &f->per_page);
}

// A type must be configured, and a stage one of some type's (else a typo lists nothing, silently).
core::Status KnownTypeAndStage(const App& app, const store::CaseFilter& f) {
    if (!f.type.empty() && !app.case_types->Get(f.type))
        return Error{core::ErrorKind::kBadRequest, "invalid_query", "type " + f.type + " is not a configured case type", "type"};
    if (f.stage.empty()) return {};
    for (auto& t : app.case_types->All())
        if ((f.type.empty() || t->code == f.type) && t->FindStage(f.stage)) return {};
    return Error{core::ErrorKind::kBadRequest, "invalid_query", "stage " + f.stage + " is not a stage of " +
                                                                    (f.type.empty() ? std::string("any case type") : f.type), "stage"};
}

asio::awaitable<Response> ListH(Ctx& ctx) {
    store::CaseFilter f;
    if (auto s = Filter(ctx.req, &f); !s) co_return ErrorResponse(s.error());
    if (auto s = KnownTypeAndStage(ctx.app, f); !s) co_return ErrorResponse(s.error());
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, cases::ListCases(*c, f, v, CaseEnv(ctx.app)));
}

asio::awaitable<Response> QueueH(Ctx& ctx) {
    store::CaseFilter f;
    if (auto s = Filter(ctx.req, &f); !s) co_return ErrorResponse(s.error());
    f.queue = true;
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto c = ctx.app.db.Read();
    if (auto s = KnownTypeAndStage(ctx.app, f); !s) co_return ErrorResponse(s.error());
    // Waiting in its type's dispatch stage with no lead unit: no rule matched. Each type's first
    // (offset + per_page) in the list's order, merged in that order, and the page cut from them.
    const int64_t offset = (f.page - 1) * f.per_page;
    std::vector<Json> items;
    int64_t total = 0;
    for (auto& t : ctx.app.case_types->All()) {
        if (!f.type.empty() && f.type != t->code) continue;
        store::CaseFilter tf = f;
        tf.type = t->code;
        tf.stage = t->dispatch_stage;
        tf.page = 1;
        tf.per_page = offset + f.per_page;
        Json part = cases::ListCases(*c, tf, v, CaseEnv(ctx.app));
        total += part["total"].get<int64_t>();
        for (auto& i : part["items"]) items.push_back(std::move(i));
    }
    auto key = [](const Json& j, const char* field) { return j[field].is_string() ? j[field].get<std::string>() : ""; };
    std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
        const int64_t ia = a["id"].get<int64_t>(), ib = b["id"].get<int64_t>();
        if (f.sort == "id") return ia < ib;
        if (f.sort == "reported_at" || f.sort == "-reported_at" || f.sort == "due") {
            const char* field = f.sort == "due" ? "stage_due_at" : "reported_at";
            auto ka = key(a, field), kb = key(b, field);
            if (ka != kb) return f.sort == "-reported_at" ? ka > kb : ka < kb;
            return f.sort == "-reported_at" ? ia > ib : ia < ib;
        }
        return ia > ib;  // the newest first
    });
    Json page = Json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(items.size()) && i < offset + f.per_page; ++i) page.push_back(std::move(items[i]));
    co_return JsonResponse(200, ListJson(std::move(page), total, f.page, f.per_page));
}

asio::awaitable<Response> GetH(Ctx& ctx) {
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto c = ctx.app.db.Read();
    co_return FromResult(cases::GetCase(*c, ctx.req.ids[0], v, CaseEnv(ctx.app)));
}

asio::awaitable<Response> ActionH(Ctx& ctx) {
    Json b = Json::object();
    if (!ctx.req.body.empty()) {
        auto body = JsonBody(ctx.req);
        if (!body.ok()) co_return ErrorResponse(body.error());
        b = std::move(*body);
    }
    int64_t id = ctx.req.ids[0];
    std::string action = ctx.req.params.at(0);
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto env = CaseEnv(ctx.app);
    auto op = CommitCase(ctx, [id, action, b, v, env](store::WriteTx& tx) { return cases::ApplyAction(tx, id, action, b, v, env); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> NoteH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    int64_t id = ctx.req.ids[0];
    Json b = std::move(*body);
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto env = CaseEnv(ctx.app);
    auto op = CommitCase(ctx, [id, b, v, env](store::WriteTx& tx) { return cases::AddNote(tx, id, b, v, env); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> ReporterH(Ctx& ctx) {
    int64_t id = ctx.req.ids[0];
    auto v = CaseViewer(ctx.app, *ctx.principal);
    auto env = CaseEnv(ctx.app);
    auto op = CommitCase(ctx, [id, v, env](store::WriteTx& tx) { return cases::ViewReporter(tx, id, v, env); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> GetRulesH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, cases::DispatchRulesJson(*c));
}

asio::awaitable<Response> PutRulesH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto env = CaseEnv(ctx.app);
    auto op = CommitCase(ctx, [b, env](store::WriteTx& tx) { return cases::PutDispatchRules(tx, b, env); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

}  // namespace

asio::awaitable<Result<Json>> RunCaseSweep(App& app) {
    // In batches, each its own command: after a restart every watched case is due at once, and a
    // million of them in one transaction would hold the writer for seconds; batches let the
    // users' writes in between.
    constexpr size_t kBatch = 2000;
    int64_t evaluated = 0, changed = 0, batches = 0;
    const core::TimePoint now = app.clock.Now();
    auto env = CaseEnv(app);
    for (;;) {
        auto due = app.case_watch.PopDue(now, kBatch);
        if (due.empty()) break;
        auto op = Commit(app, store::Actor{std::nullopt, "system", ""},
                         [due, env](store::WriteTx& tx) { return cases::Sweep(tx, due, env); });
        auto r = co_await std::move(op);
        if (!r.ok()) {
            for (auto id : due) app.case_watch.Set(id, app.clock.Now());  // look again next time
            co_return r;
        }
        evaluated += r->value("evaluated", int64_t{0});
        changed += r->value("changed", int64_t{0});
        ++batches;
        app.case_watch.Apply(*r);
        if (due.size() < kBatch) break;
    }
    co_return Json{{"evaluated", evaluated}, {"changed", changed}, {"batches", batches}};
}

void AfterCaseWrite(App& app, Json& result) {
    std::vector<int64_t> ids;
    if (result.is_object() && result.contains("_watch"))
        for (auto& e : result["_watch"]) ids.push_back(e[0].get<int64_t>());
    app.case_watch.Apply(result);
    if (ids.empty() || !CaseKpisLoaded(app)) return;  // not loaded yet: its first load reads them
    auto c = app.db.Read();
    for (auto id : ids) RefreshCaseKpis(app, *c, id);
}

void AddCaseRoutes(std::vector<Route>& r) {
    using org::Perm;
    auto add = [&](const char* method, const char* pattern, Handler h, Perm perm, const char* summary,
                   const char* object = "") {
        r.push_back(Route{method, pattern, std::move(h), Access::kPermission, perm, summary, "cases", object});
    };
    Route types{"GET", "/api/v1/case-types", ListTypesH, Access::kAuthenticated, Perm::kCaseRead,
                "The case types: stages, actions (from, to, roles, required fields), categories with limits and closing standards", "cases"};
    r.push_back(types);
    Route type{"GET", "/api/v1/case-types/{code}", GetTypeH, Access::kAuthenticated, Perm::kCaseRead, "One case type", "cases"};
    r.push_back(type);
    add("PUT", "/api/v1/case-types/{code}", PutTypeH, Perm::kCaseAdmin,
        "Replace a case type's configuration (validated; errors name the key); stored in the database over the shipped default");
    add("POST", "/api/v1/cases", CreateH, Perm::kCaseReport,
        "Report a case (type, category, description, place, reporter, attachments); auto-dispatched where a rule matches");
    add("GET", "/api/v1/cases", ListH, Perm::kCaseRead,
        "Cases in scope (?type=&stage=&status=&light=&street_id=&grid_id=&unit_id=&category=&q=&overdue=1&from=&to=&sort=), with counts by light");
    add("GET", "/api/v1/case-queue", QueueH, Perm::kCaseDispatch, "The dispatcher's queue: cases waiting for a manual dispatch");
    add("GET", "/api/v1/dispatch-rules", GetRulesH, Perm::kCaseDispatch, "The dispatch rule table");
    add("PUT", "/api/v1/dispatch-rules", PutRulesH, Perm::kCaseDispatch,
        "Replace the dispatch rule table ({rules: [{type, category, street_id?, grid_id?, lead_unit_id, co_units?}]})");
    add("GET", "/api/v1/cases/{id}", GetH, Perm::kCaseRead, "One case with its history", "case");
    add("POST", "/api/v1/cases/{id}/actions/{action}", ActionH, Perm::kCaseHandle,
        "A transition the case's type allows the caller's role in this stage (409 wrong stage or stale version, 422 a required field)", "case");
    add("POST", "/api/v1/cases/{id}/notes", NoteH, Perm::kCaseHandle, "A handling note without a stage change", "case");
    add("GET", "/api/v1/cases/{id}/reporter", ReporterH, Perm::kCasePersonal,
        "The reporter's personal data in full; each view is logged (case.reporter.view)", "case");
}

}  // namespace duban::http
