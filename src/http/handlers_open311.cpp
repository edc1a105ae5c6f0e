// Open311 GeoReport v2 at /open311/v2/ (docs/open311.md): thin handlers over open311:: (the wire
// format) and cases:: (the case engine). No session: GET routes are public and serve only public
// fields of urban cases; POST takes an API token of an account that may report cases as api_key.
#include <algorithm>
#include <chrono>
#include <map>

#include "http/app.hpp"
#include "open311/open311.hpp"
#include "store/repos.hpp"

namespace duban::http {

namespace {

using open311::Failure;
using open311::Format;

open311::Settings SettingsOf(App& app) {
    open311::Settings s;
    s.jurisdiction_id = app.settings.open311_jurisdiction;
    // Tokens are signed with a key derived from the data-at-rest key: stable across restarts.
    s.token_secret = app.box.DeriveSecret("open311-token");
    return s;
}

Response Out(Format f, int status, const open311::Doc& doc, const open311::XmlShape& shape) {
    Response r;
    r.status = status;
    r.content_type = open311::ContentType(f);
    r.body = f == Format::kJson ? open311::ToJson(doc) : open311::ToXml(doc, shape);
    return r;
}

Response Fail(Format f, const Failure& failure) {
    return Out(f, failure.status, open311::ErrorsDoc(failure), open311::ErrorsShape());
}

// The format is the route's suffix.
Format FormatOf(const Request& req) {
    return req.path.size() >= 4 && req.path.compare(req.path.size() - 4, 4, ".xml") == 0 ? Format::kXml
                                                                                           : Format::kJson;
}

// An engine error in the spec's error list: the message names the field.
Failure FromError(const Error& e) {
    int status = StatusFor(e.kind);
    if (status == 422) status = 400;  // the spec knows 400 for every bad argument
    if (status == 401) status = 403;  // and 403 for a bad api_key
    std::string msg = e.field.empty() || e.message.find(e.field) != std::string::npos
                          ? e.message
                          : e.field + ": " + e.message;
    return Failure::One(status, msg);
}

std::optional<Failure> CheckJurisdiction(App& app, const Request& req) {
    auto j = Query(req, "jurisdiction_id");
    return open311::CheckJurisdiction(SettingsOf(app), j ? &*j : nullptr);
}

Result<std::vector<open311::Service>> Services(App& app) {
    auto t = app.case_types->Get("urban");
    if (!t) return Error::NotFoundMsg("the urban case type is not configured");
    return open311::ServicesFromCaseType(t->ToJson());
}

// The public reader: every case, no roles (no actions), the reporter never read.
cases::Viewer PublicViewer() {
    cases::Viewer v;
    v.all = true;
    v.name = "open311";
    return v;
}

// A public urban case by its number (the service_request_id), as the case JSON.
std::optional<Json> CaseByNumber(App& app, store::Conn& c, const std::string& number) {
    auto dash = number.rfind('-');
    if (dash == std::string::npos || dash + 1 >= number.size() || number.size() - dash > 19) return std::nullopt;
    int64_t id = 0;
    for (size_t i = dash + 1; i < number.size(); ++i) {
        if (number[i] < '0' || number[i] > '9') return std::nullopt;
        id = id * 10 + (number[i] - '0');
    }
    auto row = store::FindCase(c, id);
    if (!row || row->number != number || row->type != "urban") return std::nullopt;
    return cases::CaseToJson(c, *row, PublicViewer(), CaseEnv(app));
}

// The public request object of a case: the lead unit's name and the service's notice added.
open311::Doc RequestOf(App& app, store::Conn& c, const Json& kase,
                       const std::vector<open311::Service>& services,
                       std::map<int64_t, std::string>* unit_names) {
    open311::RequestExtras x;
    if (kase.contains("lead_unit_id") && kase["lead_unit_id"].is_number_integer()) {
        int64_t uid = kase["lead_unit_id"].get<int64_t>();
        auto it = unit_names->find(uid);
        if (it == unit_names->end()) {
            auto u = store::FindOrg(c, uid, core::Scope::All());
            it = unit_names->emplace(uid, u ? u->name : std::string()).first;
        }
        x.agency_responsible = it->second;
    }
    if (kase.contains("category") && kase["category"].is_string()) {
        if (const auto* s = open311::FindService(services, kase["category"].get<std::string>())) {
            x.service_notice = s->notice;
        }
    }
    return open311::RequestDoc(SettingsOf(app), kase, x);
}

// ---- GET services

asio::awaitable<Response> ServicesH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    if (auto j = CheckJurisdiction(ctx.app, ctx.req)) co_return Fail(f, *j);
    auto s = Services(ctx.app);
    if (!s.ok()) co_return Fail(f, Failure::One(404, s.error().message));
    co_return Out(f, 200, open311::ServicesDoc(*s), open311::ServicesShape());
}

asio::awaitable<Response> ServiceDefinitionH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    if (auto j = CheckJurisdiction(ctx.app, ctx.req)) co_return Fail(f, *j);
    auto s = Services(ctx.app);
    if (!s.ok()) co_return Fail(f, Failure::One(404, s.error().message));
    const std::string& code = ctx.req.params.at(0);
    const auto* svc = open311::FindService(*s, code);
    if (!svc) co_return Fail(f, Failure::One(404, "service_code " + code + " not found"));
    co_return Out(f, 200, open311::ServiceDefinitionDoc(*svc), open311::ServiceDefinitionShape());
}

// ---- POST requests

asio::awaitable<Response> PostRequestH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    std::string ct = ctx.req.Header("content-type");
    std::string base = core::Trim(ct.substr(0, ct.find(';')));
    for (auto& ch : base) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::optional<open311::Form> form;
    if (base == "application/json") {
        form = open311::FormFromJson(ctx.req.body);
    } else if (base.empty() || base == "application/x-www-form-urlencoded") {
        form = open311::ParseForm(ctx.req.body);
    } else {
        co_return Fail(f, Failure::One(400, "send the request as application/x-www-form-urlencoded"));
    }
    if (!form) co_return Fail(f, Failure::One(400, "the request body is not a valid form"));
    const std::string* jid = open311::FormValue(*form, "jurisdiction_id");
    if (!jid) {
        auto q = Query(ctx.req, "jurisdiction_id");
        if (auto j = open311::CheckJurisdiction(SettingsOf(ctx.app), q ? &*q : nullptr)) co_return Fail(f, *j);
    } else if (auto j = open311::CheckJurisdiction(SettingsOf(ctx.app), jid)) {
        co_return Fail(f, *j);
    }

    // The api_key: an API token, checked as the bearer token of any other route.
    const std::string* key = open311::FormValue(*form, "api_key");
    if (!key || core::Trim(*key).empty()) co_return Fail(f, Failure::One(400, "api_key was not provided"));
    Request auth_req;
    auth_req.headers["authorization"] = "Bearer " + core::Trim(*key);
    auth_req.remote_ip = ctx.req.remote_ip;
    Ctx auth_ctx{auth_req, ctx.app, std::nullopt};
    bool via_session = false;
    auto principal = Authenticate(auth_ctx, &via_session);
    if (!principal.ok()) co_return Fail(f, Failure::One(403, "invalid api_key: " + principal.error().message));
    if (!principal->Has(org::Perm::kCaseReport))
        co_return Fail(f, Failure::One(403, "invalid api_key: its account may not report cases"));

    auto services = Services(ctx.app);
    if (!services.ok()) co_return Fail(f, Failure::One(404, services.error().message));
    auto parsed = open311::ParseNewRequest(*form, *services);
    if (std::holds_alternative<Failure>(parsed)) co_return Fail(f, std::get<Failure>(parsed));
    const auto& nr = std::get<open311::NewRequest>(parsed);
    const auto* svc = open311::FindService(*services, nr.service_code);
    Json body = open311::CreateCaseBody(nr, *svc);
    std::string note = open311::MediaNote(nr);
    auto v = CaseViewer(ctx.app, *principal);
    auto env = CaseEnv(ctx.app);
    // One command: the case, and the media_url as a handling note (both or neither).
    auto op = Commit(ctx.app, principal->ToActor(ctx.req.remote_ip),
                     [body, note, v, env](store::WriteTx& tx) -> Result<Json> {
                         auto r = cases::CreateCase(tx, body, v, env);
                         if (!r.ok() || note.empty()) return r;
                         auto n = cases::AddNote(tx, (*r)["id"].get<int64_t>(), Json{{"text", note}}, v, env);
                         if (!n.ok()) return n.error();
                         return r;
                     });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return Fail(f, FromError(r.error()));
    AfterCaseWrite(ctx.app, *r);
    auto settings = SettingsOf(ctx.app);
    std::string token = open311::MakeToken(settings, (*r)["id"].get<int64_t>());
    auto doc = open311::PostResponseDoc((*r)["number"].get<std::string>(), token, svc->notice);
    co_return Out(f, 201, doc, open311::RequestsShape());
}

// ---- GET requests, requests/{id}, tokens/{token}

asio::awaitable<Response> ListRequestsH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    if (auto j = CheckJurisdiction(ctx.app, ctx.req)) co_return Fail(f, *j);
    std::map<std::string, std::string> params;
    for (const auto& [k, v] : ctx.req.query) params.emplace(k, v);
    auto settings = SettingsOf(ctx.app);
    auto parsed = open311::ParseQuery(settings, params, ctx.app.clock.Now());
    if (std::holds_alternative<Failure>(parsed)) co_return Fail(f, std::get<Failure>(parsed));
    const auto& q = std::get<open311::Query>(parsed);
    auto services = Services(ctx.app);
    if (!services.ok()) co_return Fail(f, Failure::One(404, services.error().message));
    auto c = ctx.app.db.Read();
    std::map<int64_t, std::string> names;
    std::vector<open311::Doc> out;
    if (!q.ids.empty()) {
        for (const auto& id : q.ids) {
            auto k = CaseByNumber(ctx.app, *c, id);
            if (k && open311::Matches(q, *k)) out.push_back(RequestOf(ctx.app, *c, *k, *services, &names));
        }
        co_return Out(f, 200, open311::RequestsDoc(std::move(out)), open311::RequestsShape());
    }
    store::CaseFilter filter;
    filter.type = "urban";
    filter.from = core::FormatUtc(q.start);
    // The spec's end_date is inclusive and the filter's bound is not: stored times are whole
    // milliseconds, so the next millisecond after end keeps a request made at end itself.
    filter.to = core::FormatUtc(q.end + std::chrono::milliseconds(1));
    if (q.service_codes.size() == 1) filter.category = q.service_codes[0];
    filter.per_page = 500;
    auto viewer = PublicViewer();
    auto env = CaseEnv(ctx.app);
    for (filter.page = 1; static_cast<int>(out.size()) < q.limit; ++filter.page) {
        Json page = cases::ListCases(*c, filter, viewer, env);
        const auto& items = page["items"];
        for (const auto& k : items) {
            if (static_cast<int>(out.size()) >= q.limit) break;
            if (open311::Matches(q, k)) out.push_back(RequestOf(ctx.app, *c, k, *services, &names));
        }
        if (items.size() < static_cast<size_t>(filter.per_page)) break;
    }
    co_return Out(f, 200, open311::RequestsDoc(std::move(out)), open311::RequestsShape());
}

asio::awaitable<Response> GetRequestH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    if (auto j = CheckJurisdiction(ctx.app, ctx.req)) co_return Fail(f, *j);
    const std::string& id = ctx.req.params.at(0);
    auto services = Services(ctx.app);
    if (!services.ok()) co_return Fail(f, Failure::One(404, services.error().message));
    auto c = ctx.app.db.Read();
    auto k = CaseByNumber(ctx.app, *c, id);
    if (!k) co_return Fail(f, Failure::One(404, "service request " + id + " not found"));
    std::map<int64_t, std::string> names;
    std::vector<open311::Doc> one;
    one.push_back(RequestOf(ctx.app, *c, *k, *services, &names));
    co_return Out(f, 200, open311::RequestsDoc(std::move(one)), open311::RequestsShape());
}

asio::awaitable<Response> TokenH(Ctx& ctx) {
    Format f = FormatOf(ctx.req);
    if (auto j = CheckJurisdiction(ctx.app, ctx.req)) co_return Fail(f, *j);
    const std::string& token = ctx.req.params.at(0);
    auto id = open311::ParseToken(SettingsOf(ctx.app), token);
    std::optional<store::CaseRow> row;
    if (id) {
        auto c = ctx.app.db.Read();
        row = store::FindCase(*c, *id);
    }
    if (!row || row->type != "urban") co_return Fail(f, Failure::One(404, "token " + token + " not found"));
    co_return Out(f, 200, open311::TokenDoc(row->number, token), open311::RequestsShape());
}

}  // namespace

void AddOpen311Routes(std::vector<Route>& r) {
    auto add = [&](const char* method, const char* pattern, Handler h, const char* summary) {
        Route x{method, pattern, std::move(h), Access::kPublic};
        x.summary = summary;
        x.tag = "open311";
        r.push_back(std::move(x));
    };
    // Each resource in both of the spec's formats; the suffix picks the format.
    add("GET", "/open311/v2/services.json", ServicesH, "Open311: the services (urban 小类), JSON");
    add("GET", "/open311/v2/services.xml", ServicesH, "Open311: the services (urban 小类), XML");
    add("GET", "/open311/v2/services/{service_code}.json", ServiceDefinitionH, "Open311: a service definition, JSON");
    add("GET", "/open311/v2/services/{service_code}.xml", ServiceDefinitionH, "Open311: a service definition, XML");
    add("GET", "/open311/v2/requests.json", ListRequestsH,
        "Open311: service requests (service_request_id, service_code, start_date, end_date, status), JSON");
    add("GET", "/open311/v2/requests.xml", ListRequestsH, "Open311: service requests, XML");
    add("POST", "/open311/v2/requests.json", PostRequestH,
        "Open311: report a service request (form-encoded; api_key: an API token that may report cases), JSON");
    add("POST", "/open311/v2/requests.xml", PostRequestH, "Open311: report a service request, XML");
    add("GET", "/open311/v2/requests/{service_request_id}.json", GetRequestH, "Open311: one service request, JSON");
    add("GET", "/open311/v2/requests/{service_request_id}.xml", GetRequestH, "Open311: one service request, XML");
    add("GET", "/open311/v2/tokens/{token}.json", TokenH, "Open311: the service request of a token, JSON");
    add("GET", "/open311/v2/tokens/{token}.xml", TokenH, "Open311: the service request of a token, XML");
}

}  // namespace duban::http
