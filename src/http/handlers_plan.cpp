// The work plan: thin handlers over plan:: (import preview, plans, nodes, reports, comments,
// follow-up notices, the 任務分解表 in Excel) and the supervision sweep.
#include "http/app.hpp"
#include "office/office.hpp"
#include "plan/import.hpp"

namespace duban::http {

asio::awaitable<Result<Json>> RunPlanSweep(App& app) {
    auto due = app.plan_watch.PopDue(app.clock.Now());
    if (due.empty()) co_return Json{{"evaluated", 0}, {"changed", 0}, {"escalated", 0}};
    auto cal = app.Calendar();
    auto op = Commit(app, store::Actor{std::nullopt, "system", ""},
                     [due, cal](store::WriteTx& tx) { return plan::Sweep(tx, due, *cal); });
    auto r = co_await std::move(op);
    if (r.ok()) {
        app.plan_watch.Apply(*r);
    } else {
        // Nothing was committed: look again at the next sweep.
        for (auto id : due.nodes) app.plan_watch.SetNode(id, app.clock.Now());
        for (auto id : due.followups) app.plan_watch.SetFollowup(id, app.clock.Now());
    }
    co_return r;
}

plan::Viewer PlanViewer(const org::Principal& p) {
    plan::Viewer v;
    v.whole_plan = p.scope.all || p.Has(org::Perm::kPlanWrite) || p.Has(org::Perm::kPlanComment) ||
                   p.Has(org::Perm::kPlanFollowup);
    v.scope = p.scope;
    v.units = p.units;
    v.user_id = p.user_id;
    v.name = p.display_name.empty() ? p.username : p.display_name;
    return v;
}

namespace {

/// Commits a plan command and applies the watch entries it returns.
asio::awaitable<Response> CommitPlan(Ctx& ctx, store::CommandFn fn, int status) {
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    ctx.app.plan_watch.Apply(*r);
    co_return JsonResponse(status, *r);
}

asio::awaitable<Response> ImportPreview(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"filename", "content_base64", "year"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> filename, content;
    std::optional<int64_t> year;
    if (auto s = GetString(*body, "filename", &filename); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "content_base64", &content); !s) co_return ErrorResponse(s.error());
    if (auto s = GetInt(*body, "year", &year); !s) co_return ErrorResponse(s.error());
    if (!content) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is required: the report file, base64", "required"));
    if (year && (*year < 2000 || *year > 2100)) co_return ErrorResponse(Error::Validation("year", "year must be from 2000 to 2100"));
    auto bytes = core::Base64Decode(*content);
    if (!bytes) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is not valid base64"));
    if (bytes->empty()) co_return ErrorResponse(Error::Validation("content_base64", "the file is empty"));
    std::string name = filename.value_or("report.txt");
    std::optional<int> y;
    if (year) y = static_cast<int>(*year);
    std::string data = std::move(*bytes);
    std::vector<std::pair<std::string, std::string>> lead_units;
    {
        auto c = ctx.app.db.Read();
        lead_units = plan::LeadUnits(*c);
    }
    // Reading a report is CPU work (tens of ms for a long one): off the I/O threads.
    auto op = RunCpu(ctx.app, [data = std::move(data), name, y, lead_units = std::move(lead_units)]() -> Result<Json> {
        std::string lower = name;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        bool docx = lower.size() >= 5 && lower.compare(lower.size() - 5, 5, ".docx") == 0;
        bool zip = data.size() >= 4 && data.compare(0, 4, std::string("PK\x03\x04", 4)) == 0;
        std::vector<plan::Para> paras;
        std::string encoding;
        if (docx || zip) {
            auto doc = office::ReadDocx(data);
            if (!doc) return Error::Validation("content_base64", "cannot read the .docx: " + doc.error().message, "bad_docx");
            for (auto& p : *doc) paras.push_back({p.text, p.heading_level});
            encoding = "docx";
        } else {
            auto dec = plan::DecodeText(data);
            if (!dec) return Error::Validation("content_base64", dec.error().message, "bad_encoding");
            paras = plan::SplitParagraphs(dec->utf8);
            encoding = dec->encoding;
        }
        plan::ImportOptions opt;
        opt.year = y;
        opt.lead_units = lead_units;
        Json out = plan::Import(paras, opt);
        const Json& st = out["stats"];  // nothing to confirm: say so rather than preview nothing
        if (st["key_works"].get<int64_t>() + st["items"].get<int64_t>() + st["tasks"].get<int64_t>() == 0)
            return Error::Validation("content_base64",
                                     "no work plan was found in the file (" + std::to_string(out["stats"]["code_points"].get<int64_t>()) +
                                         " characters): no key work (重點工作) or task was recognised; is it the work report?",
                                     "no_plan");
        out["encoding"] = encoding;
        out["filename"] = name;
        return out;
    });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(200, *r);
}

asio::awaitable<Response> GetLeadUnitsH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, plan::LeadUnitsJson(*c));
}

asio::awaitable<Response> PutLeadUnitsH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto resp_op = CommitPlan(ctx, [b](store::WriteTx& tx) { return plan::SetLeadUnits(tx, b); }, 200);
    auto resp = co_await std::move(resp_op);
    co_return resp;
}

asio::awaitable<Response> ListPlansH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(PageInMemory(ctx.req, plan::ListPlans(*c, PlanViewer(*ctx.principal))));
}

asio::awaitable<Response> CreatePlanH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    auto cal = ctx.app.Calendar();
    Json b = std::move(*body);
    auto resp_op = CommitPlan(ctx, [b, cal](store::WriteTx& tx) { return plan::CreatePlan(tx, b, *cal); }, 201);
    auto resp = co_await std::move(resp_op);
    co_return resp;
}

asio::awaitable<Response> GetPlanH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    auto src = Query(ctx.req, "source");
    co_return FromResult(plan::GetPlan(*c, ctx.req.ids[0], PlanViewer(*ctx.principal), src && (*src == "1" || *src == "true")));
}

asio::awaitable<Response> PatchPlanH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (body->empty()) co_return ErrorResponse(Error::Validation("", "nothing to change", "empty_patch"));
    int64_t id = ctx.req.ids[0];
    Json b = std::move(*body);
    auto resp_op = CommitPlan(ctx, [id, b](store::WriteTx& tx) { return plan::PatchPlan(tx, id, b); }, 200);
    auto resp = co_await std::move(resp_op);
    co_return resp;
}

asio::awaitable<Response> ListNodesH(Ctx& ctx) {
    plan::NodeFilter f;
    if (auto s = QueryInt(ctx.req, "unit_id", &f.unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "key_work_id", &f.key_work_id); !s) co_return ErrorResponse(s.error());
    if (auto st = Query(ctx.req, "status")) {
        if (!st->empty() && std::find(plan::kStatuses.begin(), plan::kStatuses.end(), *st) == plan::kStatuses.end())
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "status must be one of 未啟動, 推進中, 已完成, 滯後, 無法完成", "status"});
        f.status = *st;
    }
    if (auto l = Query(ctx.req, "light")) {
        if (!l->empty() && *l != "green" && *l != "yellow" && *l != "red")
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "light must be green, yellow or red", "light"});
        f.light = *l;
    }
    if (auto q = Query(ctx.req, "q")) f.q = core::Utf8Prefix(*q, 100);
    if (auto m = Query(ctx.req, "mine")) f.mine = *m == "1" || *m == "true";
    auto c = ctx.app.db.Read();
    co_return FromResult(plan::ListNodes(*c, ctx.req.ids[0], f, PlanViewer(*ctx.principal), *ctx.app.Calendar()));
}

asio::awaitable<Response> OverviewH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(plan::Overview(*c, ctx.req.ids[0], PlanViewer(*ctx.principal)));
}

std::string PercentEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') out.push_back(static_cast<char>(ch));
        else {
            out.push_back('%');
            out.push_back(hex[ch >> 4]);
            out.push_back(hex[ch & 15]);
        }
    }
    return out;
}

asio::awaitable<Response> ExportH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    auto v = PlanViewer(*ctx.principal);
    // ?script=simplified: headings and statuses in Simplified script (the web asks so for zh-CN).
    std::string script = Query(ctx.req, "script").value_or("traditional");
    if (script != "traditional" && script != "simplified")
        co_return ErrorResponse(Error::BadRequest("invalid_query", "script must be traditional or simplified", "script"));
    const bool simplified = script == "simplified";
    auto p = plan::GetPlan(*c, ctx.req.ids[0], v, false);
    if (!p) co_return ErrorResponse(p.error());
    auto bytes = plan::ExportTaskSheet(*c, ctx.req.ids[0], v, simplified);
    if (!bytes) co_return ErrorResponse(bytes.error());
    Response r;
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    std::string name = (*p)["title"].get<std::string>() + (simplified ? "-任务分解表.xlsx" : "-任務分解表.xlsx");
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"plan-" + std::to_string(ctx.req.ids[0]) +
                                                      ".xlsx\"; filename*=UTF-8''" + PercentEncode(name));
    co_return r;
}

asio::awaitable<Response> ImportSheetH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"content_base64", "apply"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> content;
    std::optional<bool> apply;
    if (auto s = GetString(*body, "content_base64", &content); !s) co_return ErrorResponse(s.error());
    if (auto s = GetBool(*body, "apply", &apply); !s) co_return ErrorResponse(s.error());
    if (!content) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is required: the edited .xlsx, base64", "required"));
    auto bytes = core::Base64Decode(*content);
    if (!bytes) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is not valid base64"));
    int64_t id = ctx.req.ids[0];
    bool ap = apply.value_or(false);
    std::string x = std::move(*bytes);
    auto resp_op = CommitPlan(ctx, [id, x, ap](store::WriteTx& tx) { return plan::ImportTaskSheet(tx, id, x, ap); }, 200);
    auto resp = co_await std::move(resp_op);
    co_return resp;
}

asio::awaitable<Response> MyTasksH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, plan::MyTasks(*c, PlanViewer(*ctx.principal), *ctx.app.Calendar()));
}

asio::awaitable<Response> GetNodeH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(plan::GetNode(*c, ctx.req.ids[0], PlanViewer(*ctx.principal), *ctx.app.Calendar()));
}

// The node commands share a shape: a JSON body, a command taking (tx, id, body, viewer, calendar).
template <class F>
asio::awaitable<Response> NodeCommand(Ctx& ctx, F f, int status) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (body->empty()) co_return ErrorResponse(Error::Validation("", "the body is empty", "empty_body"));
    int64_t id = ctx.req.ids[0];
    Json b = std::move(*body);
    auto v = PlanViewer(*ctx.principal);
    auto cal = ctx.app.Calendar();
    auto resp_op = CommitPlan(ctx, [id, b, v, cal, f](store::WriteTx& tx) { return f(tx, id, b, v, *cal); }, status);
    auto resp = co_await std::move(resp_op);
    co_return resp;
}

asio::awaitable<Response> PatchNodeH(Ctx& ctx) {
    auto op = NodeCommand(ctx, [](store::WriteTx& tx, int64_t id, const Json& b, const plan::Viewer& v, const core::WorkCalendar& cal) {
        return plan::PatchNode(tx, id, b, v, cal);
    }, 200);
    co_return co_await std::move(op);
}
asio::awaitable<Response> ReportH(Ctx& ctx) {
    auto op = NodeCommand(ctx, [](store::WriteTx& tx, int64_t id, const Json& b, const plan::Viewer& v, const core::WorkCalendar& cal) {
        return plan::AddReport(tx, id, b, v, cal);
    }, 201);
    co_return co_await std::move(op);
}
asio::awaitable<Response> CommentH(Ctx& ctx) {
    auto op = NodeCommand(ctx, [](store::WriteTx& tx, int64_t id, const Json& b, const plan::Viewer& v, const core::WorkCalendar&) {
        return plan::AddComment(tx, id, b, v);
    }, 201);
    co_return co_await std::move(op);
}
asio::awaitable<Response> FollowupH(Ctx& ctx) {
    auto op = NodeCommand(ctx, [](store::WriteTx& tx, int64_t id, const Json& b, const plan::Viewer& v, const core::WorkCalendar& cal) {
        return plan::IssueFollowup(tx, id, b, v, cal);
    }, 201);
    co_return co_await std::move(op);
}
asio::awaitable<Response> ReplyH(Ctx& ctx) {
    auto op = NodeCommand(ctx, [](store::WriteTx& tx, int64_t id, const Json& b, const plan::Viewer& v, const core::WorkCalendar& cal) {
        return plan::ReplyFollowup(tx, id, b, v, cal);
    }, 200);
    co_return co_await std::move(op);
}

asio::awaitable<Response> ListFollowupsH(Ctx& ctx) {
    store::FollowupFilter f;
    if (auto s = QueryInt(ctx.req, "plan_id", &f.plan_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "node_id", &f.node_id); !s) co_return ErrorResponse(s.error());
    std::string light;
    if (auto st = Query(ctx.req, "state")) {
        if (*st == "open" || *st == "replied") f.state = *st;
        else if (*st == "overdue") {
            f.state = "open";
            light = "red";
        } else if (!st->empty())
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "state must be open, replied or overdue", "state"});
    }
    auto c = ctx.app.db.Read();
    co_return FromResult(PageInMemory(ctx.req, plan::ListFollowups(*c, f, light, PlanViewer(*ctx.principal))));
}

asio::awaitable<Response> GetFollowupH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(plan::GetFollowup(*c, ctx.req.ids[0], PlanViewer(*ctx.principal)));
}

asio::awaitable<Response> TestClockH(Ctx& ctx) {
    auto* clock = ctx.app.settings.test_clock;
    if (!clock) co_return ErrorResponse(Error::NotFoundMsg("no route for PUT " + ctx.req.path));
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"now"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> now;
    if (auto s = GetString(*body, "now", &now); !s) co_return ErrorResponse(s.error());
    core::TimePoint t;
    if (!now || !core::ParseRfc3339(*now, &t))
        co_return ErrorResponse(Error::Validation("now", "now must be an RFC 3339 time, such as 2027-03-10T09:00:00+08:00"));
    clock->Set(t);
    auto op = RunPlanSweep(ctx.app);
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    auto iop = RunIndicatorSweep(ctx.app);
    auto ir = co_await std::move(iop);
    if (!ir.ok()) co_return ErrorResponse(ir.error());
    auto cop = RunCaseSweep(ctx.app);
    auto cr = co_await std::move(cop);
    if (!cr.ok()) co_return ErrorResponse(cr.error());
    auto pop = RunProjectSweep(ctx.app);
    auto pr = co_await std::move(pop);
    if (!pr.ok()) co_return ErrorResponse(pr.error());
    co_return JsonResponse(200, {{"now", core::FormatUtc(t)}, {"sweep", *r}, {"indicator_sweep", *ir}, {"case_sweep", *cr},
                                 {"project_sweep", *pr}});
}

}  // namespace

void AddPlanRoutes(std::vector<Route>& r) {
    using org::Perm;
    auto add = [&](const char* method, const char* pattern, Handler h, Perm perm, const char* summary,
                   const char* object = "", bool upload = false) {
        Route route{method, pattern, std::move(h), Access::kPermission, perm, summary, "plans", object};
        route.upload = upload;
        r.push_back(std::move(route));
    };
    add("POST", "/api/v1/plans/import-preview", ImportPreview, Perm::kPlanWrite,
        "Read a work report (.txt UTF-8/GB18030 or .docx, base64) and propose its plan; stores nothing", "", true);
    add("GET", "/api/v1/plans/lead-units", GetLeadUnitsH, Perm::kPlanRead,
        "The keyword dictionary the importer suggests lead units from (built-in or edited)");
    add("PUT", "/api/v1/plans/lead-units", PutLeadUnitsH, Perm::kPlanWrite,
        "Replace the lead-unit dictionary ({entries: [{keyword, unit}]} in priority order, or {reset: true})");
    add("GET", "/api/v1/plans", ListPlansH, Perm::kPlanRead, "Plans with counts by status and light");
    add("POST", "/api/v1/plans", CreatePlanH, Perm::kPlanWrite, "Commit a confirmed plan (the edited proposal)", "", true);
    add("GET", "/api/v1/plans/{id}", GetPlanH, Perm::kPlanRead, "One plan with its settings (?source=1 adds the report text)", "plan");
    add("PATCH", "/api/v1/plans/{id}", PatchPlanH, Perm::kPlanWrite, "Change a plan's title or supervision settings", "plan");
    add("GET", "/api/v1/plans/{id}/nodes", ListNodesH, Perm::kPlanRead,
        "The task tree (?unit_id=&status=&light=&key_work_id=&q=&mine=1); ancestors of matches kept", "plan");
    add("GET", "/api/v1/plans/{id}/overview", OverviewH, Perm::kPlanRead, "Status by key work, overdue by unit, escalations", "plan");
    add("GET", "/api/v1/plans/{id}/export.xlsx", ExportH, Perm::kPlanRead,
        "The 任務分解表 as .xlsx (?script=simplified: headings and statuses in Simplified script)", "plan");
    add("POST", "/api/v1/plans/{id}/import-sheet", ImportSheetH, Perm::kPlanWrite,
        "Validate an edited 任務分解表 (errors by row and column, an error workbook); apply=true applies the valid rows", "plan", true);
    add("GET", "/api/v1/my-tasks", MyTasksH, Perm::kPlanRead, "Tasks of my units across plans, and the follow-up notices sent to them");
    add("GET", "/api/v1/plan-nodes/{id}", GetNodeH, Perm::kPlanRead, "A key work, item or task with reports, comments and follow-ups", "plan_node");
    add("PATCH", "/api/v1/plan-nodes/{id}", PatchNodeH, Perm::kPlanWrite, "Edit or assign a task (version checked when given)", "plan_node");
    add("POST", "/api/v1/plan-nodes/{id}/reports", ReportH, Perm::kPlanReport, "Report progress on a task your unit leads", "plan_node");
    add("POST", "/api/v1/plan-nodes/{id}/comments", CommentH, Perm::kPlanComment, "A leader's comment on a task", "plan_node");
    add("POST", "/api/v1/plan-nodes/{id}/followups", FollowupH, Perm::kPlanFollowup,
        "Issue a follow-up notice (督辦單) with a reply deadline in working days", "plan_node");
    add("GET", "/api/v1/followups", ListFollowupsH, Perm::kPlanRead, "Follow-up notices (?state=open|replied|overdue&plan_id=&node_id=)");
    add("GET", "/api/v1/followups/{id}", GetFollowupH, Perm::kPlanRead, "One follow-up notice with its task", "plan_followup");
    add("POST", "/api/v1/followups/{id}/reply", ReplyH, Perm::kPlanReport, "Reply to a follow-up notice sent to your unit", "plan_followup");
}

const Route& TestClockRoute() {
    // Built field by field: it is not part of the route table (nor of openapi.json).
    static const Route route = [] {
        Route r;
        r.method = "PUT";
        r.pattern = "/api/v1/_test/clock";
        r.handler = TestClockH;
        r.access = Access::kAuthenticated;
        r.summary = "Tests only (server started with --test-clock): set the clock and run the sweep";
        r.tag = "test";
        return r;
    }();
    return route;
}

}  // namespace duban::http
