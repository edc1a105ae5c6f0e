// The OpenAPI 3.1 document, generated from the route table so it cannot drift from the server.
#include "http/app.hpp"

namespace duban::http {
namespace {

Json Schemas() {
    auto str = Json{{"type", "string"}};
    auto integer = Json{{"type", "integer"}};
    auto nint = Json{{"type", Json::array({"integer", "null"})}};
    auto strs = Json{{"type", "array"}, {"items", str}};
    auto ints = Json{{"type", "array"}, {"items", integer}};
    auto kind = Json{{"type", "string"}, {"enum", {"district", "street", "community", "grid", "department"}}};
    return {
        {"Error", {{"type", "object"}, {"required", {"error"}},
                   {"properties", {{"error", {{"type", "object"}, {"required", {"code", "message"}},
                                              {"properties", {{"code", str}, {"message", str}, {"field", str}}}}}}}}},
        {"Open311Errors", {{"type", "array"},
                           {"items", {{"type", "object"}, {"required", {"code", "description"}},
                                      {"properties", {{"code", integer}, {"description", str}}}}}}},
        {"Login", {{"type", "object"}, {"additionalProperties", false}, {"required", {"username", "password"}},
                   {"properties", {{"username", str}, {"password", str}}}}},
        {"PasswordChange", {{"type", "object"}, {"additionalProperties", false}, {"required", {"old_password", "new_password"}},
                            {"properties", {{"old_password", str}, {"new_password", str}}}}},
        {"LoginTotp", {{"type", "object"}, {"additionalProperties", false}, {"required", {"challenge"}},
                       {"properties", {{"challenge", str}, {"code", str}, {"recovery_code", str}}}}},
        {"TotpConfirm", {{"type", "object"}, {"additionalProperties", false}, {"required", {"code"}},
                         {"properties", {{"code", str}}}}},
        {"TokenCreate", {{"type", "object"}, {"additionalProperties", false}, {"required", {"name"}},
                         {"properties", {{"name", str}, {"days", integer}}}}},
        {"OrgUnit", {{"type", "object"},
                     {"properties", {{"id", integer}, {"parent_id", nint}, {"kind", kind}, {"name", str},
                                     {"code", {{"type", Json::array({"string", "null"})}}}, {"path", str},
                                     {"active", {{"type", "boolean"}}}, {"generated", {{"type", "boolean"}}},
                                     {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                                     {"updated_at", {{"type", "string"}, {"format", "date-time"}}}, {"version", integer}}}}},
        {"OrgUnitCreate", {{"type", "object"}, {"additionalProperties", false}, {"required", {"parent_id", "kind", "name"}},
                           {"properties", {{"parent_id", nint}, {"kind", kind}, {"name", str},
                                           {"code", {{"type", Json::array({"string", "null"})}}}}}}},
        {"OrgUnitPatch", {{"type", "object"}, {"additionalProperties", false},
                          {"properties", {{"kind", kind}, {"name", str}, {"code", {{"type", Json::array({"string", "null"})}}},
                                          {"version", integer}}}}},
        {"OrgUnitMove", {{"type", "object"}, {"additionalProperties", false}, {"required", {"parent_id"}},
                         {"properties", {{"parent_id", nint}}}}},
        {"CsvText", {{"type", "string"}, {"description", "text/csv: code,name,kind,parent_code"}}},
        {"GeoJson", {{"description", "a GeoJSON FeatureCollection or array of Features (Polygon, MultiPolygon) "
                                     "with properties.code"},
                     {"oneOf", {{{"type", "object"}}, {{"type", "array"}}}}}},
        {"Binary", {{"type", "string"}, {"contentMediaType", "application/octet-stream"},
                    {"description", "the file's bytes: image/jpeg, image/png or application/pdf"}}},
        {"UserCreate", {{"type", "object"}, {"additionalProperties", false}, {"required", {"username", "password", "roles"}},
                        {"properties", {{"username", str}, {"display_name", str}, {"password", str},
                                        {"data_scope", {{"type", "string"}, {"enum", {"all", "custom", "unit", "unit_and_below", "self"}}}},
                                        {"roles", strs}, {"units", ints}, {"scope_units", ints}, {"disabled", {{"type", "boolean"}}}}}}},
        {"UserPatch", {{"type", "object"}, {"additionalProperties", false},
                       {"properties", {{"display_name", str}, {"data_scope", str}, {"units", ints}, {"scope_units", ints},
                                       {"disabled", {{"type", "boolean"}}}}}}},
        {"DispatchImport", {{"type", "object"}, {"additionalProperties", false}, {"required", {"content_base64"}},
                            {"properties", {{"content_base64", {{"type", "string"}, {"contentEncoding", "base64"},
                                                                {"description", "the edited 重點項目調度表 (.xlsx)"}}},
                                            {"apply", {{"type", "boolean"}, {"default", false}}}}}}},
        {"DisclosureDraft", {{"type", "object"}, {"additionalProperties", false}, {"required", {"kind"}},
                             {"properties", {{"kind", {{"type", "string"}, {"enum", {"plan_progress", "case_stats", "project_progress"}}}},
                                             {"plan_id", integer}, {"year", integer}, {"title", str},
                                             {"expect_sha256", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}}}}},
        {"DisclosureWithdraw", {{"type", "object"}, {"additionalProperties", false}, {"required", {"reason"}},
                                {"properties", {{"reason", str}}}}},
        {"PasswordReset", {{"type", "object"}, {"additionalProperties", false}, {"required", {"password"}},
                           {"properties", {{"password", str}}}}},
        {"Roles", {{"type", "object"}, {"additionalProperties", false}, {"required", {"roles"}}, {"properties", {{"roles", strs}}}}},
        {"SecurityPolicy", {{"type", "object"}, {"additionalProperties", false},
                            {"properties", {{"min_length", integer}, {"min_classes", integer}, {"lockout_threshold", integer},
                                            {"lockout_window_min", integer}, {"lockout_minutes", integer},
                                            {"idle_timeout_min", integer}, {"absolute_timeout_h", integer},
                                            {"totp_roles", strs}}}}},
    };
}

}  // namespace

Json OpenApiDocument() {
    Json paths = Json::object();
    for (const auto& r : Routes()) {
        std::string m = r.method;
        for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        Json op = {{"summary", r.summary}, {"tags", {r.tag}}, {"operationId", m + r.pattern}};
        if (r.pattern.find("{id}") != std::string::npos) {
            op["parameters"] = {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}}};
        }
        if (r.pattern.find("{sha256}") != std::string::npos) {
            op["parameters"] = {{{"name", "sha256"}, {"in", "path"}, {"required", true},
                                 {"schema", {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}}}}};
        }
        for (const char* name : {"code", "action", "service_code", "service_request_id", "token"}) {
            if (r.pattern.find(std::string("{") + name + "}") == std::string::npos) continue;
            if (!op.contains("parameters")) op["parameters"] = Json::array();
            op["parameters"].push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
        }
        if (!r.body_schema.empty()) {
            Json schema = {{"schema", {{"$ref", "#/components/schemas/" + r.body_schema}}}};
            Json content = Json::object();
            if (r.body_schema == "CsvText") content["text/csv"] = schema;
            else if (r.body_schema == "Binary")
                for (const char* t : {"image/jpeg", "image/png", "application/pdf"}) content[t] = schema;
            else if (r.body_schema == "GeoJson") content["application/geo+json"] = content["application/json"] = schema;
            else content["application/json"] = schema;
            op["requestBody"] = {{"required", true}, {"content", content}};
        }
        if (r.tag == "open311") {
            // GeoReport v2: the suffix picks the format; errors are the spec's list.
            bool xml = r.pattern.size() > 4 && r.pattern.compare(r.pattern.size() - 4, 4, ".xml") == 0;
            std::string ct = xml ? "text/xml" : "application/json";
            Json err = xml ? Json{{"type", "string"}, {"description", "<errors><error><code/><description/></error></errors>"}}
                           : Json{{"$ref", "#/components/schemas/Open311Errors"}};
            if (r.method == "POST") {
                Json form = Json::object();
                form["application/x-www-form-urlencoded"]["schema"]["type"] = "object";
                op["requestBody"]["required"] = true;
                op["requestBody"]["content"] = form;
            }
            Json ok = Json::object();
            ok["description"] = "success";
            ok["content"][ct]["schema"]["type"] = xml ? "string" : "array";
            Json bad = Json::object();
            bad["description"] = "the spec's error list";
            bad["content"][ct]["schema"] = err;
            op["responses"]["2XX"] = ok;
            op["responses"]["default"] = bad;
        } else {
            op["responses"] = {{"2XX", {{"description", "success"}}},
                               {"default", {{"description", "error"},
                                            {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}};
        }
        if (r.access == Access::kPublic) {
            op["security"] = Json::array();
            op["x-duban-access"] = "public";
        } else if (r.access == Access::kAuthenticated) {
            op["x-duban-access"] = "authenticated";
        } else {
            op["x-duban-access"] = "permission";
            op["x-duban-permission"] = org::PermName(r.perm);
            op["x-duban-roles"] = org::RolesWith(r.perm);
        }
        if (!r.object.empty()) op["x-duban-object"] = r.object;
        paths[r.pattern][m] = op;
    }
    return {{"openapi", "3.1.0"},
            {"info", {{"title", "duban API"}, {"version", "0.1.0"},
                      {"description", "督辦: a district's work plan, cases and supervision. Errors share one shape; "
                                      "lists are {items,total,page,per_page}; times are RFC 3339 UTC."}}},
            {"servers", {{{"url", "/"}}}},
            {"paths", paths},
            {"components", {{"schemas", Schemas()},
                            {"securitySchemes", {{"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "duban_session"}}},
                                                 {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
            {"security", {{{"cookie", Json::array()}}, {{"bearer", Json::array()}}}}};
}

}  // namespace duban::http
