#pragma once
/// duban::open311 — Open311 GeoReport v2 over the case engine's 城市管理 (urban) type: the
/// services (one per 小類), a service request's validation and mapping to the case engine's
/// create-case body, a case rendered as a service request, GET filters, tokens, the error list,
/// and the JSON and XML serialisers. Pure: no HTTP, no SQL, no clock of its own.
/// The wire format is documented in docs/open311.md.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/core.hpp"

namespace duban::open311 {

/// Open311 documents keep the spec's key order (JSON objects are written in insertion order).
using Doc = nlohmann::ordered_json;

enum class Format { kJson, kXml };

/// The format a resource suffix asks for: "json" or "xml" (case-insensitive); nothing otherwise.
std::optional<Format> FormatFromSuffix(std::string_view suffix);
/// "services.json" -> {"services", kJson}. A name without a known suffix is nothing.
std::optional<std::pair<std::string, Format>> SplitResource(std::string_view last_segment);

// ---- errors ----

/// One entry of the spec's error list: `[{"code": 400, "description": "…"}]`.
struct ErrorItem {
    int code = 400;
    std::string description;
};
/// A failed Open311 call: the HTTP status and the spec's error list (never empty).
struct Failure {
    int status = 400;
    std::vector<ErrorItem> errors;

    static Failure One(int status, std::string description) {
        return Failure{status, {ErrorItem{status, std::move(description)}}};
    }
};
/// The error list as a document: JSON `[{code, description}]`, XML `<errors><error>…`.
Doc ErrorsDoc(const Failure& f);

// ---- settings ----

struct Settings {
    /// The jurisdiction this endpoint serves; a request naming another one is refused (404).
    std::string jurisdiction_id = "duban.local";
    /// Offset used for every time the API prints (China Standard Time).
    int utc_offset_minutes = 8 * 60;
    /// The spec's default search window and maximum result count.
    int default_window_days = 90;
    int max_window_days = 90;
    int max_results = 1000;
    /// Secret that signs request tokens (tokens/{token}); set by the composition root.
    std::string token_secret;
};

/// A request naming a jurisdiction must name ours; an absent one is fine (one jurisdiction).
std::optional<Failure> CheckJurisdiction(const Settings& s, const std::string* jurisdiction_id);

// ---- services ----

struct AttributeValue {
    std::string key;
    std::string name;
};
/// A service definition attribute (the spec's `attributes` entries).
struct Attribute {
    bool variable = true;
    std::string code;
    std::string datatype;  // string, number, datetime, text, singlevaluelist, multivaluelist
    bool required = false;
    std::string datatype_description;
    int order = 1;
    std::string description;
    std::vector<AttributeValue> values;
};
/// One service: an urban 小類.
struct Service {
    std::string code;         // the 小類 code, e.g. C0101
    std::string name;         // the 小類 name
    std::string description;  // the category's description or closing standard
    std::string group;        // the 大類 name
    std::string group_code;   // the 大類 code
    std::string keywords;     // comma separated
    std::string notice;       // service_notice: the handling time limit, when the type says one
    std::vector<Attribute> attributes;
};

/// The attributes every urban service takes: an optional `urgency` (normal / urgent).
std::vector<Attribute> StandardAttributes();

/// The services of a case type's JSON (config/case-types/urban.json, GET /api/v1/case-types/urban):
/// one per 小類, in the configuration's order. Reads `handling_stage` and `categories: [{code, name,
/// kind, children: [{code, name, description?|standard?, keywords?, limits?: {<handling stage>:
/// {unit, normal, urgent}}}]}]`; keywords default to "kind, 大類 name, 小類 name".
/// Error (naming the key) when no 小類 is found or a code is missing or repeated.
core::Result<std::vector<Service>> ServicesFromCaseType(const core::Json& case_type);

/// GET services: `[{service_code, service_name, description, metadata, type, keywords, group}]`.
Doc ServicesDoc(const std::vector<Service>& services);
/// GET services/{code}: `{service_code, attributes: [{variable, code, datatype, required,
/// datatype_description, order, description, values: [{key, name}]}]}`.
Doc ServiceDefinitionDoc(const Service& service);
/// The service with that code, or nothing.
const Service* FindService(const std::vector<Service>& services, std::string_view code);

// ---- POST requests ----

/// Form fields in order of appearance (a key may repeat).
using Form = std::vector<std::pair<std::string, std::string>>;

/// Parses application/x-www-form-urlencoded ('+' is a space, %XX escapes). Error when an escape
/// is malformed or a name or value is not UTF-8.
std::optional<Form> ParseForm(std::string_view body);
/// A JSON object body turned into form fields (strings, numbers and booleans; `attribute` may be
/// an object). Nothing when the body is not such an object.
std::optional<Form> FormFromJson(std::string_view body);
/// The first value of a field, or nothing.
const std::string* FormValue(const Form& form, std::string_view name);

/// A validated service request, as the spec's POST fields.
struct NewRequest {
    std::string api_key;
    std::string service_code;
    std::optional<double> lat, lon;
    std::string address_string;
    std::string address_id;
    std::string email, device_id, account_id;
    std::string first_name, last_name, phone;
    std::string description;
    std::string media_url;
    std::map<std::string, std::string> attributes;  // attribute[code]=value
};

/// Validates a POST: a known service_code, a location (lat and long, or address_string; an
/// address_id alone cannot be located here), numbers in range, the description's length
/// (4000 code points), attributes against the service's definition (unknown codes, values not in
/// the list, required ones missing), media_url an http(s) URL. Every problem is listed (400).
/// The api_key is read but not checked here.
std::variant<NewRequest, Failure> ParseNewRequest(const Form& form,
                                                  const std::vector<Service>& services);

/// The case engine's create-case body (docs/cases-api.md, POST /api/v1/cases):
/// `{type: "urban", category, description, title, urgency, source: "open311", lon?, lat?,
/// address?, reporter?: {name, phone}}`. email, device_id and account_id are not kept (collect
/// the minimum); media_url is returned apart (`MediaNote`).
core::Json CreateCaseBody(const NewRequest& r, const Service& service);
/// A phone as the case engine keeps it: digits and inner '-', a leading +86 dropped
/// ("+86 138-1234 5678" -> "138-12345678").
std::string NormalisePhone(std::string_view phone);
/// The handling note recording a media_url, or "" when there is none.
std::string MediaNote(const NewRequest& r);

/// POST response: `[{service_request_id, token, service_notice, account_id}]`.
Doc PostResponseDoc(const std::string& service_request_id,
                    const std::string& token,
                    const std::string& service_notice);

// ---- tokens ----

/// An opaque token naming a case id: "<id>-<16 hex of SHA-256(secret:id)>".
std::string MakeToken(const Settings& s, int64_t case_id);
/// The case id a token names, or nothing when it is malformed or not signed with our secret.
std::optional<int64_t> ParseToken(const Settings& s, std::string_view token);
/// GET tokens/{token}: `[{service_request_id, token}]`.
Doc TokenDoc(const std::string& service_request_id, const std::string& token);

// ---- GET requests ----

/// A case (docs/cases-api.md JSON) rendered as a request object with only public fields:
/// service_request_id (the case number), status (open | closed), status_notes (the stage name),
/// service_name, service_code, description, agency_responsible, service_notice,
/// requested_datetime, updated_datetime, expected_datetime (stage_due_at while open), address,
/// address_id, zipcode, lat, long, media_url. The reporter is never included.
struct RequestExtras {
    std::string agency_responsible;  // the lead unit's name
    std::string service_notice;
    std::string media_url;
};
/// Public output is read by anyone: description and address have their long numbers masked.
Doc RequestDoc(const Settings& s, const core::Json& kase, const RequestExtras& extras);
/// Masks what looks like a phone or ID number in public free text: a run of 7 or more digits
/// (ASCII or full-width, single spaces allowed between them) keeps its first 3 digits, the others
/// (and an ID number's final X) become '*'. Shorter runs (house numbers, dates, years) stay.
std::string MaskLongNumbers(std::string_view text);
/// `[request, …]`, XML `<service_requests><request>…`.
Doc RequestsDoc(std::vector<Doc> requests);

/// The spec's GET requests filters.
struct Query {
    std::vector<std::string> ids;            // service_request_id list; overrides the rest
    std::vector<std::string> service_codes;  // any of
    std::vector<std::string> statuses;       // "open", "closed"
    core::TimePoint start{}, end{};          // requested_datetime window (inclusive)
    int limit = 1000;
};
/// Reads `service_request_id` (comma list), `service_code` (comma list), `start_date`,
/// `end_date` (ISO 8601 with an offset), `status` (open, closed; comma list). Without dates the
/// window is the last default_window_days before now; with one date it extends that many days
/// from it; a window longer than max_window_days or reversed is a 400.
std::variant<Query, Failure> ParseQuery(const Settings& s,
                                        const std::map<std::string, std::string>& params,
                                        core::TimePoint now);
/// Open311 status of a case status: open and suspended are "open"; closed and merged "closed".
std::string Open311Status(std::string_view case_status);
/// True when the case (contract JSON) passes the query's filters.
bool Matches(const Query& q, const core::Json& kase);

// ---- times and serialisation ----

/// An RFC 3339 time (the case JSON's UTC) printed with the settings' offset:
/// 2026-06-01T10:30:00+08:00. "" when the input does not parse.
std::string LocalTime(const Settings& s, std::string_view rfc3339_utc);

/// How a document is written as XML: its root element and, for a list, each item's element.
/// Lists inside items take the singular of their key (attributes/attribute, values/value).
struct XmlShape {
    std::string root;
    std::string item;  // empty when the document is an object
};
XmlShape ServicesShape();
XmlShape ServiceDefinitionShape();
XmlShape RequestsShape();
XmlShape ErrorsShape();

/// The document as JSON text (UTF-8, insertion order).
std::string ToJson(const Doc& doc);
/// The document as XML with the declaration `<?xml version="1.0" encoding="UTF-8"?>`: null is an
/// empty element, booleans are true/false, numbers as JSON writes them, text escaped.
std::string ToXml(const Doc& doc, const XmlShape& shape);
/// Content-Type of a format (with charset=utf-8).
std::string ContentType(Format f);

}  // namespace duban::open311
