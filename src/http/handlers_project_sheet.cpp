// The 重點項目調度表 (key-project dispatch table) as .xlsx: thin handlers over registry's
// dispatch functions; the projects engine's viewer and environment come from handlers_projects.
#include <memory>

#include "http/app.hpp"
#include "registry/dispatch.hpp"

namespace duban::http {
namespace {

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

core::Status BadQuery(const std::string& field, const std::string& msg) {
    return Error{core::ErrorKind::kBadRequest, "invalid_query", msg, field};
}

/// ?flag=1|0|true|false; missing → fallback.
Result<bool> Flag(const Request& req, const std::string& key, bool fallback) {
    auto q = Query(req, key);
    if (!q || q->empty()) return fallback;
    if (*q == "1" || *q == "true") return true;
    if (*q == "0" || *q == "false") return false;
    return BadQuery(key, key + " must be 1 or 0").error();
}

asio::awaitable<Response> ExportH(Ctx& ctx) {
    auto major = Flag(ctx.req, "major", true);
    if (!major) co_return ErrorResponse(major.error());
    auto tmpl = Flag(ctx.req, "template", false);
    if (!tmpl) co_return ErrorResponse(tmpl.error());
    // ?script=simplified: the fixed words in Simplified script (the web asks so for zh-CN).
    const std::string script = Query(ctx.req, "script").value_or("traditional");
    if (script != "traditional" && script != "simplified")
        co_return ErrorResponse(BadQuery("script", "script must be traditional or simplified").error());
    const bool simplified = script == "simplified";
    std::string month;
    if (auto q = Query(ctx.req, "month"); q && !q->empty()) {
        month = *q;
    } else {
        core::Date today = core::LocalDate(ctx.app.clock.Now());
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02d", today.y, today.m);
        month = buf;
    }
    auto c = ctx.app.db.Read();
    auto bytes = registry::ExportDispatchTable(*c, ProjectViewer(*ctx.principal), month, *major, *tmpl, simplified);
    if (!bytes) {
        Error e = bytes.error();
        if (e.field == "month") e.kind = core::ErrorKind::kBadRequest, e.code = "invalid_query";
        co_return ErrorResponse(e);
    }
    Response r;
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    std::string name = (*tmpl ? std::string("重點項目調度表模板-") : std::string("重點項目調度表-")) + month + ".xlsx";
    if (simplified) name = registry::DispatchSimplified(name);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"dispatch-table-" + month +
                                                      ".xlsx\"; filename*=UTF-8''" + PercentEncode(name));
    co_return r;
}

asio::awaitable<Response> ImportH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    if (auto s = OnlyKeys(*body, {"content_base64", "apply"}); !s) co_return ErrorResponse(s.error());
    std::optional<std::string> content;
    std::optional<bool> apply;
    if (auto s = GetString(*body, "content_base64", &content); !s) co_return ErrorResponse(s.error());
    if (auto s = GetBool(*body, "apply", &apply); !s) co_return ErrorResponse(s.error());
    if (!content)
        co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is required: the edited .xlsx, base64", "required"));
    auto bytes = core::Base64Decode(*content);
    if (!bytes) co_return ErrorResponse(Error::Validation("content_base64", "content_base64 is not valid base64"));
    if (bytes->empty()) co_return ErrorResponse(Error::Validation("content_base64", "the file is empty"));
    // Reading the workbook and building the error workbook are CPU work (up to ~0.5 s for 5000 rows):
    // on the CPU pool, so the writer holds its transaction only for the checks against the projects
    // and the engine's commands.
    auto sheet = std::make_shared<registry::DispatchSheet>();
    std::string x = std::move(*bytes);
    auto parse_op = RunCpu(ctx.app, [sheet, x = std::move(x)]() -> Result<Json> {
        auto s = registry::ParseDispatchTable(x);
        if (!s) return s.error();
        *sheet = std::move(*s);
        return Json::object();
    });
    auto parsed = co_await std::move(parse_op);
    if (!parsed.ok()) co_return ErrorResponse(parsed.error());
    registry::Viewer v = ProjectViewer(*ctx.principal);
    registry::Env env = ProjectEnv(ctx);
    bool ap = apply.value_or(false);
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [sheet, ap, v, env](store::WriteTx& tx) {
        return registry::ImportDispatchTable(tx, *sheet, ap, v, env);
    });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    Json out = std::move(*r);
    if (!out["errors"].empty()) {
        std::vector<registry::SheetError> errors;
        for (const auto& e : out["errors"])
            errors.push_back({e["row"].get<int>(), e["column"].get<std::string>(), e["message"].get<std::string>()});
        auto wb_op = RunCpu(ctx.app, [sheet, errors = std::move(errors)]() -> Result<Json> {
            auto ew = registry::BuildErrorWorkbook(*sheet, errors);
            if (!ew) return ew.error();
            return Json(core::Base64Encode(*ew));
        });
        auto wb = co_await std::move(wb_op);
        if (!wb.ok()) co_return ErrorResponse(wb.error());
        out["error_workbook_base64"] = std::move(*wb);
    }
    co_return JsonResponse(200, out);
}

}  // namespace

void AddProjectSheetRoutes(std::vector<Route>& r) {
    using org::Perm;
    Route exp{"GET", "/api/v1/projects/dispatch-table.xlsx", ExportH, Access::kPermission, Perm::kProjectRead,
              "The 重點項目調度表 (.xlsx) of the projects you see (?month=YYYY-MM, default this month; "
              "?major=0 for all projects, default major only; ?template=1 an empty template with dropdowns; "
              "?script=simplified: its headings, labels and instructions in Simplified script)",
              "projects", ""};
    r.push_back(std::move(exp));
    Route imp{"POST", "/api/v1/projects/dispatch-table/import", ImportH, Access::kPermission, Perm::kProjectWrite,
              "Check an edited 重點項目調度表 ({content_base64, apply}): errors by row and column and an error "
              "workbook; apply=true applies the valid rows through the projects engine",
              "projects", ""};
    imp.upload = true;
    imp.body_schema = "DispatchImport";
    r.push_back(std::move(imp));
}

}  // namespace duban::http
