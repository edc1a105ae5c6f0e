// The indicators engine: thin handlers over indicators:: (definitions, values, targets, imports,
// alerts, the month's table) and the month-end alert sweep.
#include "http/app.hpp"
#include "indicators/indicators.hpp"
#include "report/pack.hpp"

namespace duban::http {

asio::awaitable<Result<Json>> RunIndicatorSweep(App& app) {
    auto today = core::LocalDate(app.clock.Now());
    int key = today.y * 100 + today.m;
    if (app.indicator_alert_month.load() == key) co_return Json{{"evaluated", 0}, {"changed", 0}};
    int year = today.y;
    bool january = today.m <= 2;  // last year's December figure is due in January, stale from February
    auto op = Commit(app, store::Actor{std::nullopt, "system", ""}, [year, january](store::WriteTx& tx) -> Result<Json> {
        auto r = indicators::EvaluateAlerts(tx, year);
        if (!r.ok()) return r;
        if (january) {
            auto p = indicators::EvaluateAlerts(tx, year - 1);
            if (!p.ok()) return p;
            (*r)["changed"] = (*r)["changed"].get<int>() + (*p)["changed"].get<int>();
        }
        return r;
    });
    auto r = co_await std::move(op);
    if (r.ok()) app.indicator_alert_month = key;
    co_return r;
}

namespace {

indicators::Viewer ViewerOf(const org::Principal& p) {
    return {p.scope, p.display_name.empty() ? p.username : p.display_name};
}

asio::awaitable<Response> CommitInd(Ctx& ctx, store::CommandFn fn, int status) {
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), std::move(fn));
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    if (r->contains("_status")) {
        status = (*r)["_status"].get<int>();
        r->erase("_status");
    }
    co_return JsonResponse(status, *r);
}

/// Defining indicators is the district's business: the caller's scope must hold a whole root.
bool DistrictScope(const core::Scope& s) {
    if (s.all) return true;
    for (auto& p : s.subtrees)
        if (std::count(p.begin(), p.end(), '/') == 2) return true;
    return false;
}

core::Status PeriodQuery(const Request& req, const char* key, std::optional<std::pair<int, int>>* out) {
    auto q = Query(req, key);
    if (!q || q->empty()) return core::Status();
    auto p = indicators::ParsePeriod(*q);
    if (!p) return Error{core::ErrorKind::kBadRequest, "invalid_query", std::string(key) + " must be YYYY-MM", key};
    *out = p;
    return core::Status();
}

asio::awaitable<Response> ListDefsH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, indicators::ListDefinitions(*c));
}

asio::awaitable<Response> GetDefH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::GetDefinition(*c, ctx.req.ids[0]));
}

asio::awaitable<Response> CreateDefH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (!DistrictScope(ctx.principal->scope)) co_return ErrorResponse(Error::Forbidden("defining indicators needs the whole district in your data scope"));
    Json b = std::move(*body);
    auto op = CommitInd(ctx, [b](store::WriteTx& tx) { return indicators::CreateDefinition(tx, b); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> PatchDefH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (body->empty()) co_return ErrorResponse(Error::Validation("", "nothing to change", "empty_patch"));
    if (!DistrictScope(ctx.principal->scope)) co_return ErrorResponse(Error::Forbidden("defining indicators needs the whole district in your data scope"));
    int64_t id = ctx.req.ids[0];
    Json b = std::move(*body);
    auto op = CommitInd(ctx, [id, b](store::WriteTx& tx) { return indicators::PatchDefinition(tx, id, b); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> ListValuesH(Ctx& ctx) {
    indicators::ValueQuery q;
    if (auto i = Query(ctx.req, "indicator")) q.indicator = core::Utf8Prefix(*i, 40);
    if (auto s = QueryInt(ctx.req, "unit_id", &q.unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "year", &q.year); !s) co_return ErrorResponse(s.error());
    if (auto s = PeriodQuery(ctx.req, "from", &q.from); !s) co_return ErrorResponse(s.error());
    if (auto s = PeriodQuery(ctx.req, "to", &q.to); !s) co_return ErrorResponse(s.error());
    if (auto st = Query(ctx.req, "status"); st && !st->empty()) {
        auto p = indicators::ParseStatus(*st);
        if (!p) co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "status must be estimate, preliminary or final", "status"});
        q.status = *p;
    }
    int64_t page = 1, per_page = 50;  // checked before the read
    if (auto s = Paging(ctx.req, &page, &per_page); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    auto all = indicators::ListValues(*c, q, ViewerOf(*ctx.principal));
    if (!all.ok()) co_return ErrorResponse(all.error());
    co_return FromResult(PageInMemory(ctx.req, std::move(*all)));
}

asio::awaitable<Response> PutValueH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto v = ViewerOf(*ctx.principal);
    auto op = CommitInd(ctx, [b, v](store::WriteTx& tx) { return indicators::PutValue(tx, b, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> HistoryH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::ValueHistory(*c, ctx.req.ids[0], ViewerOf(*ctx.principal)));
}

asio::awaitable<Response> ListTargetsH(Ctx& ctx) {
    std::optional<int64_t> unit_id, year;
    if (auto s = QueryInt(ctx.req, "unit_id", &unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "year", &year); !s) co_return ErrorResponse(s.error());
    std::string ind = Query(ctx.req, "indicator").value_or("");
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::ListTargets(*c, core::Utf8Prefix(ind, 40), unit_id, year, ViewerOf(*ctx.principal)));
}

asio::awaitable<Response> SetTargetH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto v = ViewerOf(*ctx.principal);
    auto op = CommitInd(ctx, [b, v](store::WriteTx& tx) { return indicators::SetTarget(tx, b, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> SplitTargetH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json b = std::move(*body);
    auto v = ViewerOf(*ctx.principal);
    auto op = CommitInd(ctx, [b, v](store::WriteTx& tx) { return indicators::SplitTarget(tx, b, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> CheckTargetsH(Ctx& ctx) {
    std::optional<int64_t> parent, year;
    if (auto s = QueryInt(ctx.req, "parent_unit_id", &parent); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "year", &year); !s) co_return ErrorResponse(s.error());
    std::string ind = core::Utf8Prefix(Query(ctx.req, "indicator").value_or(""), 40);
    auto v = ViewerOf(*ctx.principal);
    auto c = ctx.app.db.Read();
    if (!year) year = core::LocalDate(ctx.app.clock.Now()).y;
    if (!parent) {
        auto d = indicators::DefaultUnit(*c, v);
        if (!d.ok()) co_return ErrorResponse(d.error());
        parent = *d;
    }
    Json items = Json::array();
    if (!ind.empty()) {
        auto r = indicators::CheckTargets(*c, ind, static_cast<int>(*year), *parent, v);
        if (!r.ok()) co_return ErrorResponse(r.error());
        items.push_back(*r);
    } else {
        // Every indicator with a target this year.
        auto defs = indicators::ListDefinitions(*c);
        auto targets = indicators::ListTargets(*c, "", std::nullopt, *year, v);
        if (!targets.ok()) co_return ErrorResponse(targets.error());
        for (auto& d : defs["items"]) {
            bool any = false;
            for (auto& t : (*targets)["items"]) any = any || t["indicator"] == d["code"];
            if (!any) continue;
            auto r = indicators::CheckTargets(*c, d["code"].get<std::string>(), static_cast<int>(*year), *parent, v);
            if (!r.ok()) co_return ErrorResponse(r.error());
            items.push_back(*r);
        }
    }
    co_return JsonResponse(200, {{"items", items}});
}

asio::awaitable<Response> ImportH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"filename", "content_base64", "apply", "period", "unit_id", "status", "confirm_jump"}); !s)
        co_return ErrorResponse(s.error());
    std::optional<std::string> filename, content, period, status;
    std::optional<bool> apply, confirm;
    std::optional<int64_t> unit_id;
    if (auto s = GetString(*body, "filename", &filename); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "content_base64", &content); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "period", &period); !s) co_return ErrorResponse(s.error());
    if (auto s = GetString(*body, "status", &status); !s) co_return ErrorResponse(s.error());
    if (auto s = GetBool(*body, "apply", &apply); !s) co_return ErrorResponse(s.error());
    if (auto s = GetBool(*body, "confirm_jump", &confirm); !s) co_return ErrorResponse(s.error());
    if (auto s = GetInt(*body, "unit_id", &unit_id); !s) co_return ErrorResponse(s.error());
    if (!content) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is required: the .csv or .xlsx, base64", "required"));
    auto bytes = core::Base64Decode(*content);
    if (!bytes) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is not valid base64"));
    if (bytes->empty()) co_return ErrorResponse(Error::Validation("content_base64", "the file is empty"));
    indicators::ImportOptions opt;
    opt.apply = apply.value_or(false);
    opt.confirm_jump = confirm.value_or(false);
    opt.filename = core::Utf8Prefix(filename.value_or("import.csv"), 200);
    opt.unit_id = unit_id;
    if (period) {
        opt.period = indicators::ParsePeriod(*period);
        if (!opt.period) co_return ErrorResponse(Error::Validation("period", "period must be YYYY-MM"));
    }
    if (status) {
        auto st = indicators::ParseStatus(*status);
        if (!st) co_return ErrorResponse(Error::Validation("status", "status must be estimate, preliminary or final"));
        opt.status = *st;
    }
    // Read the file outside the writer: the writer only checks and writes.
    auto table = indicators::ReadTable(*bytes, opt.filename, &opt.encoding);
    if (!table.ok()) co_return ErrorResponse(table.error());
    auto v = ViewerOf(*ctx.principal);
    auto t = std::make_shared<std::vector<std::vector<std::string>>>(std::move(*table));
    auto op = CommitInd(ctx, [t, opt, v](store::WriteTx& tx) { return indicators::Import(tx, *t, opt, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> AlertsH(Ctx& ctx) {
    std::optional<int64_t> year, unit_id;
    if (auto s = QueryInt(ctx.req, "year", &year); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "unit_id", &unit_id); !s) co_return ErrorResponse(s.error());
    std::string level = Query(ctx.req, "level").value_or("");
    if (!level.empty() && level != "yellow" && level != "red")
        co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "level must be yellow or red", "level"});
    std::string ind = Query(ctx.req, "indicator").value_or("");
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::ListAlerts(*c, year, level, core::Utf8Prefix(ind, 40), unit_id, ViewerOf(*ctx.principal)));
}

asio::awaitable<Response> GetSettingsH(Ctx& ctx) {
    auto c = ctx.app.db.Read();
    co_return JsonResponse(200, indicators::LoadAlertSettings(*c).ToJson());
}

asio::awaitable<Response> PatchSettingsH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (!DistrictScope(ctx.principal->scope)) co_return ErrorResponse(Error::Forbidden("alert settings need the whole district in your data scope"));
    Json b = std::move(*body);
    auto op = CommitInd(ctx, [b](store::WriteTx& tx) { return indicators::PatchSettings(tx, b); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> MonthlyH(Ctx& ctx) {
    std::optional<std::pair<int, int>> month;
    if (auto s = PeriodQuery(ctx.req, "month", &month); !s) co_return ErrorResponse(s.error());
    if (!month) {
        auto today = core::LocalDate(ctx.app.clock.Now());
        month = today.m == 1 ? std::make_pair(today.y - 1, 12) : std::make_pair(today.y, today.m - 1);
    }
    std::optional<int64_t> unit_id;
    if (auto s = QueryInt(ctx.req, "unit_id", &unit_id); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    Json extra;
    auto d = indicators::Monthly(*c, month->first, month->second, unit_id, ViewerOf(*ctx.principal), &extra);
    if (!d.ok()) co_return ErrorResponse(d.error());
    co_return JsonResponse(200, indicators::MonthlyToJson(*d, extra));
}

/// ?month= (default: last month, as the month's table) and ?unit_id=.
core::Status PackQuery(Ctx& ctx, std::pair<int, int>* month, std::optional<int64_t>* unit_id) {
    std::optional<std::pair<int, int>> m;
    if (auto s = PeriodQuery(ctx.req, "month", &m); !s) return s;
    if (!m) {
        auto today = core::LocalDate(ctx.app.clock.Now());
        m = today.m == 1 ? std::make_pair(today.y - 1, 12) : std::make_pair(today.y, today.m - 1);
    }
    *month = *m;
    return QueryInt(ctx.req, "unit_id", unit_id);
}

asio::awaitable<Response> GetPackH(Ctx& ctx) {
    std::pair<int, int> month;
    std::optional<int64_t> unit_id;
    if (auto s = PackQuery(ctx, &month, &unit_id); !s) co_return ErrorResponse(s.error());
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::GetPack(*c, month.first, month.second, unit_id, ViewerOf(*ctx.principal)));
}

asio::awaitable<Response> CheckPackH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"month", "unit_id", "narrative"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> month;
    std::optional<int64_t> unit_id;
    std::optional<std::vector<std::string>> narrative;
    if (auto s = GetString(*body, "month", &month); !s) co_return ErrorResponse(s.error());
    if (auto s = GetInt(*body, "unit_id", &unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = GetStringList(*body, "narrative", &narrative); !s) co_return ErrorResponse(s.error());
    if (!month) co_return ErrorResponse(Error::Validation("month", "month is required (YYYY-MM)", "required"));
    auto p = indicators::ParsePeriod(*month);
    if (!p) co_return ErrorResponse(Error::Validation("month", "month must be YYYY-MM"));
    if (!narrative) co_return ErrorResponse(Error::Validation("narrative", "narrative is required: an array of paragraphs", "required"));
    if (narrative->size() > 200) co_return ErrorResponse(Error::Validation("narrative", "narrative has more than 200 paragraphs"));
    auto c = ctx.app.db.Read();
    co_return FromResult(indicators::CheckPack(*c, p->first, p->second, unit_id, *narrative, ViewerOf(*ctx.principal)));
}

asio::awaitable<Response> SavePackH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"month", "unit_id", "narrative", "revision"}); !s) co_return ErrorResponse(s.error());
    Json b = std::move(*body);
    auto v = ViewerOf(*ctx.principal);
    auto op = CommitInd(ctx, [b, v](store::WriteTx& tx) { return indicators::SavePackDraft(tx, b, v); }, 200);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> PublishPackH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"month", "unit_id", "revision"}); !s) co_return ErrorResponse(s.error());
    Json b = std::move(*body);
    auto v = ViewerOf(*ctx.principal);
    auto op = CommitInd(ctx, [b, v](store::WriteTx& tx) { return indicators::PublishPack(tx, b, v); }, 201);
    auto resp = co_await std::move(op);
    co_return resp;
}

asio::awaitable<Response> PackFileH(Ctx& ctx) {
    std::pair<int, int> month;
    std::optional<int64_t> unit_id, edition;
    if (auto s = PackQuery(ctx, &month, &unit_id); !s) co_return ErrorResponse(s.error());
    if (auto s = QueryInt(ctx.req, "edition", &edition); !s) co_return ErrorResponse(s.error());
    std::string format = Query(ctx.req, "format").value_or("xlsx");
    if (format != "xlsx" && format != "html" && format != "pdf")
        co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "format must be xlsx, html or pdf", "format"});
    auto script = report::Script::kSimplified;
    if (auto sc = Query(ctx.req, "script"); sc && !sc->empty()) {
        if (*sc == "traditional") script = report::Script::kTraditional;
        else if (*sc != "simplified")
            co_return ErrorResponse({core::ErrorKind::kBadRequest, "invalid_query", "script must be simplified or traditional", "script"});
    }
    std::shared_ptr<indicators::PackToRender> pack;
    {
        auto c = ctx.app.db.Read();
        auto p = indicators::PackForRender(*c, month.first, month.second, unit_id, edition, ViewerOf(*ctx.principal));
        if (!p.ok()) co_return ErrorResponse(p.error());
        pack = std::make_shared<indicators::PackToRender>(std::move(*p));
    }
    // Rendering (the PDF above all) runs on the CPU pool, off the I/O threads.
    auto bytes = std::make_shared<std::string>();
    auto op = RunCpu(ctx.app, [pack, bytes, format, script]() -> Result<Json> {
        auto r = format == "xlsx"   ? report::RenderXlsx(pack->data, pack->narrative, script)
                 : format == "html" ? report::RenderHtml(pack->data, pack->narrative, script)
                                    : report::RenderPdf(pack->data, pack->narrative, script);
        if (!r.ok()) return r.error();
        *bytes = std::move(*r);
        return Json::object();
    });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    Response resp;
    resp.body = std::move(*bytes);
    resp.content_type = format == "xlsx"   ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        : format == "html" ? "text/html; charset=utf-8"
                                           : "application/pdf";
    std::string stem = "pack-" + indicators::FormatPeriod(month.first, month.second) +
                       (pack->edition ? "-" + std::to_string(pack->edition) : std::string()) +
                       (pack->hash.empty() ? "-draft" : "");
    resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + stem + "." + format + "\"");
    if (!pack->hash.empty()) resp.headers.emplace_back("X-Pack-Hash", pack->hash);
    co_return resp;
}

}  // namespace

void AddIndicatorRoutes(std::vector<Route>& r) {
    using org::Perm;
    auto add = [&](const char* method, const char* pattern, Handler h, Perm perm, const char* summary,
                   const char* object = "", bool upload = false) {
        Route route{method, pattern, std::move(h), Access::kPermission, perm, summary, "indicators", object};
        route.upload = upload;
        r.push_back(std::move(route));
    };
    add("GET", "/api/v1/indicators/definitions", ListDefsH, Perm::kIndicatorRead, "Indicator definitions (built-ins from the seed report and defined ones)");
    add("POST", "/api/v1/indicators/definitions", CreateDefH, Perm::kIndicatorWrite, "Define an indicator (formula indicators in the expression language)");
    add("GET", "/api/v1/indicators/values", ListValuesH, Perm::kIndicatorRead,
        "Values in scope (?indicator=&unit_id=&year=&from=YYYY-MM&to=&status=), with 本月 and 同比");
    add("PUT", "/api/v1/indicators/values", PutValueH, Perm::kIndicatorWrite,
        "Enter or revise a value (validated; a jump needs confirm_jump); each change is a revision and an event");
    add("GET", "/api/v1/indicators/targets", ListTargetsH, Perm::kIndicatorRead, "Annual targets (?indicator=&unit_id=&year=)");
    add("PUT", "/api/v1/indicators/targets", SetTargetH, Perm::kIndicatorWrite, "Set an annual target: absolute, or a growth on last year's actual");
    add("POST", "/api/v1/indicators/targets/split", SplitTargetH, Perm::kIndicatorWrite, "Split a unit's target to the units under it (分解下達)");
    add("GET", "/api/v1/indicators/targets/check", CheckTargetsH, Perm::kIndicatorRead, "Do the streets' targets compose back to the district's?");
    add("POST", "/api/v1/indicators/import", ImportH, Perm::kIndicatorWrite,
        "Import values from .csv/.xlsx (wide or long layout); all or nothing, errors by row and column with an error workbook", "", true);
    add("GET", "/api/v1/indicators/alerts", AlertsH, Perm::kIndicatorRead, "Indicators behind time progress or with negative growth (?year=&level=&indicator=&unit_id=)");
    add("GET", "/api/v1/indicators/settings", GetSettingsH, Perm::kIndicatorRead, "Alert thresholds (points behind time progress)");
    add("PATCH", "/api/v1/indicators/settings", PatchSettingsH, Perm::kIndicatorWrite, "Change the alert thresholds");
    add("GET", "/api/v1/indicators/monthly", MonthlyH, Perm::kIndicatorRead,
        "The month's table (?month=YYYY-MM&unit_id=): rows, street figures and ranks, trends (cockpit data)");
    add("GET", "/api/v1/indicators/pack", GetPackH, Perm::kIndicatorRead,
        "The month's pack (?month=YYYY-MM&unit_id=): the table, the drafted and the working narrative with untraced numbers, the editions");
    add("POST", "/api/v1/indicators/pack/check", CheckPackH, Perm::kIndicatorRead,
        "Numbers of each edited paragraph that the month's table does not hold (writes nothing)");
    add("PUT", "/api/v1/indicators/pack/draft", SavePackH, Perm::kIndicatorPublish,
        "Save the edited narrative as the month's draft (revision checked; after a publication it starts the next edition)");
    add("POST", "/api/v1/indicators/pack/publish", PublishPackH, Perm::kIndicatorPublish,
        "Publish the month's pack: the table and narrative frozen and hashed, one event indicator.pack_published");
    add("GET", "/api/v1/indicators/pack/file", PackFileH, Perm::kIndicatorRead,
        "The pack as a file (?month=&unit_id=&format=xlsx|html|pdf&edition=&script=): a published edition frozen, else the draft over today's table");
    add("GET", "/api/v1/indicators/definitions/{id}", GetDefH, Perm::kIndicatorRead, "One indicator definition", "indicator");
    add("PATCH", "/api/v1/indicators/definitions/{id}", PatchDefH, Perm::kIndicatorWrite, "Change a definition (version checked when given)", "indicator");
    add("GET", "/api/v1/indicators/values/{id}/history", HistoryH, Perm::kIndicatorRead, "A value's revisions, newest first", "indicator_value");
}

}  // namespace duban::http
