// The route table, the error shape and the request helpers.
#include <charconv>

#include "http/app.hpp"

namespace duban::http {

int StatusFor(core::ErrorKind k) {
    switch (k) {
        case core::ErrorKind::kBadRequest: return 400;
        case core::ErrorKind::kValidation: return 422;
        case core::ErrorKind::kUnauthenticated: return 401;
        case core::ErrorKind::kForbidden: return 403;
        case core::ErrorKind::kNotFound: return 404;
        case core::ErrorKind::kConflict: return 409;
        case core::ErrorKind::kTooLarge: return 413;
        case core::ErrorKind::kUnsupportedMedia: return 415;
        case core::ErrorKind::kLocked: return 423;
        case core::ErrorKind::kRateLimited: return 429;
        case core::ErrorKind::kUnavailable: return 503;
        case core::ErrorKind::kInternal: return 500;
    }
    return 500;
}

Response JsonResponse(int status, const Json& j) {
    Response r;
    r.status = status;
    r.body = core::DumpJson(j);
    return r;
}

Response ErrorResponse(const Error& e) {
    Json err = {{"code", e.code.empty() ? "error" : e.code}, {"message", e.message}};
    if (!e.field.empty()) err["field"] = e.field;
    if (!e.details.empty()) {
        auto d = Json::parse(e.details, nullptr, false);
        if (d.is_object()) err["details"] = std::move(d);
    }
    Response r = JsonResponse(StatusFor(e.kind), {{"error", err}});
    if (e.retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
    return r;
}

const std::vector<Route>& Routes() {
    static const std::vector<Route> routes = [] {
        std::vector<Route> r;
        AddAuthRoutes(r);
        AddOrgRoutes(r);
        AddAdminRoutes(r);
        AddTokenRoutes(r);
        AddPlanRoutes(r);
        AddIndicatorRoutes(r);
        AddGeoRoutes(r);
        AddCaseKpiRoutes(r);
        AddCaseRoutes(r);
        AddCalendarRoutes(r);
        AddOpen311Routes(r);
        AddProjectRoutes(r);
        AddProjectSheetRoutes(r);
        AddDisclosureRoutes(r);
        return r;
    }();
    return routes;
}

Result<Json> JsonBody(const Request& req) {
    std::string ct = req.Header("content-type");
    auto semi = ct.find(';');
    std::string base = core::Trim(ct.substr(0, semi));
    for (auto& ch : base) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (base != "application/json")
        return Error{core::ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                     "the body must be application/json", "Content-Type"};
    if (!core::IsValidUtf8(req.body)) return Error::BadRequest("invalid_json", "the body is not UTF-8");
    Json j = Json::parse(req.body, nullptr, false);
    if (j.is_discarded()) return Error::BadRequest("invalid_json", "the body is not valid JSON");
    if (!j.is_object()) return Error::BadRequest("invalid_json", "the body must be a JSON object");
    return j;
}

core::Status OnlyKeys(const Json& j, std::initializer_list<const char*> allowed) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool ok = false;
        for (const char* a : allowed)
            if (it.key() == a) ok = true;
        if (!ok) return Error::Validation(it.key(), "unknown field '" + it.key() + "'", "unknown_field");
    }
    return {};
}

core::Status GetString(const Json& j, const char* key, std::optional<std::string>* out, bool nullable,
                       std::optional<std::optional<std::string>>* nout) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_null()) {
        if (!nullable) return Error::Validation(key, std::string(key) + " must not be null", "wrong_type");
        if (nout) *nout = std::optional<std::string>();
        return {};
    }
    if (!it->is_string()) return Error::Validation(key, std::string(key) + " must be a string", "wrong_type");
    if (core::HasControlChars(it->get_ref<const std::string&>()))
        return Error::Validation(key, std::string(key) + " must not contain control characters");
    if (nout) *nout = it->get<std::string>();
    if (out) *out = it->get<std::string>();
    return {};
}

core::Status GetInt(const Json& j, const char* key, std::optional<int64_t>* out) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_number_integer()) return Error::Validation(key, std::string(key) + " must be an integer", "wrong_type");
    *out = it->get<int64_t>();
    return {};
}

core::Status GetNullableInt(const Json& j, const char* key, std::optional<std::optional<int64_t>>* out) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_null()) {
        *out = std::optional<int64_t>();
        return {};
    }
    if (!it->is_number_integer())
        return Error::Validation(key, std::string(key) + " must be an integer or null", "wrong_type");
    *out = it->get<int64_t>();
    return {};
}

core::Status GetIntList(const Json& j, const char* key, std::optional<std::vector<int64_t>>* out) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_array()) return Error::Validation(key, std::string(key) + " must be an array of integers", "wrong_type");
    std::vector<int64_t> v;
    for (auto& x : *it) {
        if (!x.is_number_integer())
            return Error::Validation(key, std::string(key) + " must be an array of integers", "wrong_type");
        v.push_back(x.get<int64_t>());
    }
    if (v.size() > 100) return Error::Validation(key, std::string(key) + " has at most 100 entries");
    *out = std::move(v);
    return {};
}

core::Status GetStringList(const Json& j, const char* key, std::optional<std::vector<std::string>>* out) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_array()) return Error::Validation(key, std::string(key) + " must be an array of strings", "wrong_type");
    std::vector<std::string> v;
    for (auto& x : *it) {
        if (!x.is_string()) return Error::Validation(key, std::string(key) + " must be an array of strings", "wrong_type");
        if (core::HasControlChars(x.get_ref<const std::string&>()))
            return Error::Validation(key, std::string(key) + " must not contain control characters");
        v.push_back(x.get<std::string>());
    }
    *out = std::move(v);
    return {};
}

core::Status GetBool(const Json& j, const char* key, std::optional<bool>* out) {
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_boolean()) return Error::Validation(key, std::string(key) + " must be true or false", "wrong_type");
    *out = it->get<bool>();
    return {};
}

std::optional<std::string> Query(const Request& req, const std::string& key) {
    auto it = req.query.find(key);
    if (it == req.query.end()) return std::nullopt;
    return it->second;
}

core::Status QueryInt(const Request& req, const std::string& key, std::optional<int64_t>* out) {
    auto v = Query(req, key);
    if (!v || v->empty()) return {};
    int64_t x = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || p != v->data() + v->size())
        return Error{core::ErrorKind::kBadRequest, "invalid_query", key + " must be an integer", key};
    *out = x;
    return {};
}

core::Status Paging(const Request& req, int64_t* page, int64_t* per_page) {
    std::optional<int64_t> p, pp;
    if (auto s = QueryInt(req, "page", &p); !s) return s;
    if (auto s = QueryInt(req, "per_page", &pp); !s) return s;
    *page = p.value_or(1);
    *per_page = pp.value_or(50);
    if (*page < 1 || *page > 1000000)
        return Error{core::ErrorKind::kBadRequest, "invalid_query", "page must be between 1 and 1000000", "page"};
    if (*per_page < 1 || *per_page > 500)
        return Error{core::ErrorKind::kBadRequest, "invalid_query", "per_page must be between 1 and 500", "per_page"};
    return {};
}

Result<Json> PageInMemory(const Request& req, Json list) {
    int64_t page = 1, per_page = 50;
    if (auto s = Paging(req, &page, &per_page); !s) return s.error();
    Json& all = list["items"];
    const int64_t total = static_cast<int64_t>(all.size());
    Json items = Json::array();
    for (int64_t i = (page - 1) * per_page; i < total && i < page * per_page; ++i) items.push_back(std::move(all[i]));
    list["items"] = std::move(items);
    list["total"] = total;
    list["page"] = page;
    list["per_page"] = per_page;
    return list;
}

Json ListJson(Json items, int64_t total, int64_t page, int64_t per_page) {
    return {{"items", std::move(items)}, {"total", total}, {"page", page}, {"per_page", per_page}};
}

}  // namespace duban::http
