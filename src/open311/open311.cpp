// Open311 GeoReport v2 over the urban case type. See open311.hpp and docs/open311.md.
#include "open311/open311.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

namespace duban::open311 {

using core::Json;

namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string StrOr(const Json& j, const char* key, std::string fallback = {}) {
    if (j.is_object()) {
        auto it = j.find(key);
        if (it != j.end() && it->is_string()) return it->get<std::string>();
    }
    return fallback;
}

// A JSON value as Open311 text, or null when absent or empty.
Doc TextOrNull(const Json& j, const char* key) {
    std::string s = StrOr(j, key);
    if (s.empty()) return nullptr;
    return s;
}

Doc NumberOrNull(const Json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return nullptr;
    return it->get<double>();
}

bool ParseDouble(const std::string& s, double* out) {
    if (s.empty() || s.size() > 40) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
            return false;
        }
    }
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> UrlDecode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    if (!core::IsValidUtf8(out)) return std::nullopt;
    return out;
}

std::vector<std::string> CommaList(const std::string& s) {
    std::vector<std::string> out;
    for (auto& part : core::Split(s, ',')) {
        std::string t = core::Trim(part);
        if (!t.empty()) out.push_back(std::move(t));
    }
    return out;
}

bool HasCjk(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) return true;
    }
    return false;
}

// Control characters other than tab, newline and carriage return.
bool HasBadControl(std::string_view s) {
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return true;
    }
    return false;
}

// The reporter's name: 王 + 小明 = 王小明 (family name first, no space) when Chinese.
std::string ReporterName(const std::string& first, const std::string& last) {
    if (HasCjk(last) || HasCjk(first)) return last + first;
    return core::Trim(first + " " + last);
}

std::string Singular(const std::string& key) {
    if (key.size() > 1 && key.back() == 's') return key.substr(0, key.size() - 1);
    return key + "_item";
}

void AppendEscaped(std::string* out, std::string_view s) {
    for (unsigned char c : s) {
        switch (c) {
            case '&': *out += "&amp;"; break;
            case '<': *out += "&lt;"; break;
            case '>': *out += "&gt;"; break;
            case '"': *out += "&quot;"; break;
            case '\'': *out += "&apos;"; break;
            default:
                // XML 1.0 has no place for other C0 characters; they are dropped.
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                *out += static_cast<char>(c);
        }
    }
}

std::string ScalarText(const Doc& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_null()) return {};
    return v.dump();
}

void WriteFields(std::string* out, const Doc& obj, int depth);

void WriteElement(std::string* out, const std::string& name, const Doc& v, int depth) {
    std::string indent(static_cast<size_t>(depth) * 2, ' ');
    if (v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty())) {
        *out += indent + "<" + name + "/>\n";
        return;
    }
    if (v.is_array()) {
        *out += indent + "<" + name + ">\n";
        std::string item = Singular(name);
        for (const auto& e : v) WriteElement(out, item, e, depth + 1);
        *out += indent + "</" + name + ">\n";
        return;
    }
    if (v.is_object()) {
        *out += indent + "<" + name + ">\n";
        WriteFields(out, v, depth + 1);
        *out += indent + "</" + name + ">\n";
        return;
    }
    *out += indent + "<" + name + ">";
    AppendEscaped(out, ScalarText(v));
    *out += "</" + name + ">\n";
}

void WriteFields(std::string* out, const Doc& obj, int depth) {
    for (auto it = obj.begin(); it != obj.end(); ++it) WriteElement(out, it.key(), it.value(), depth);
}

std::string FormatLocal(core::TimePoint t, int offset_minutes) {
    using namespace std::chrono;
    auto secs = duration_cast<seconds>(t.time_since_epoch()).count() + offset_minutes * 60LL;
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    return buf;
}

// "处置时限：一般4小时，紧急2小时" from a 小类's limits for the handling stage.
std::string LimitNotice(const Json& minor, const std::string& stage) {
    auto limits = minor.find("limits");
    if (limits == minor.end() || !limits->is_object()) return {};
    auto l = limits->find(stage);
    if (l == limits->end() || !l->is_object()) return {};
    std::string unit = StrOr(*l, "unit", "workdays");
    const char* word = unit == "hours" ? "个工作小时" : unit == "days" ? "天" : "个工作日";
    auto part = [&](const char* key, const char* label) -> std::string {
        auto it = l->find(key);
        if (it == l->end() || !it->is_number_integer() || it->get<int64_t>() <= 0) return {};
        return std::string(label) + std::to_string(it->get<int64_t>()) + word;
    };
    std::string normal = part("normal", "一般"), urgent = part("urgent", "紧急");
    if (normal.empty() && urgent.empty()) return {};
    std::string out = "处置时限：" + normal;
    if (!normal.empty() && !urgent.empty()) out += "，";
    return out + urgent;
}

}  // namespace

// ---- formats ----

std::optional<Format> FormatFromSuffix(std::string_view suffix) {
    std::string s = Lower(suffix);
    if (s == "json") return Format::kJson;
    if (s == "xml") return Format::kXml;
    return std::nullopt;
}

std::optional<std::pair<std::string, Format>> SplitResource(std::string_view last_segment) {
    auto dot = last_segment.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    auto f = FormatFromSuffix(last_segment.substr(dot + 1));
    if (!f) return std::nullopt;
    return std::make_pair(std::string(last_segment.substr(0, dot)), *f);
}

std::string ContentType(Format f) {
    return f == Format::kJson ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

XmlShape ServicesShape() { return {"services", "service"}; }
XmlShape ServiceDefinitionShape() { return {"service_definition", ""}; }
XmlShape RequestsShape() { return {"service_requests", "request"}; }
XmlShape ErrorsShape() { return {"errors", "error"}; }

std::string ToJson(const Doc& doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ToXml(const Doc& doc, const XmlShape& shape) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + shape.root + ">\n";
    if (doc.is_array()) {
        std::string item = shape.item.empty() ? Singular(shape.root) : shape.item;
        for (const auto& e : doc) WriteElement(&out, item, e, 1);
    } else if (doc.is_object()) {
        WriteFields(&out, doc, 1);
    }
    out += "</" + shape.root + ">\n";
    return out;
}

// ---- errors ----

Doc ErrorsDoc(const Failure& f) {
    Doc list = Doc::array();
    for (const auto& e : f.errors) {
        Doc item = Doc::object();
        item["code"] = e.code;
        item["description"] = e.description;
        list.push_back(std::move(item));
    }
    return list;
}

std::optional<Failure> CheckJurisdiction(const Settings& s, const std::string* jurisdiction_id) {
    if (jurisdiction_id == nullptr || jurisdiction_id->empty() || *jurisdiction_id == s.jurisdiction_id) {
        return std::nullopt;
    }
    return Failure::One(404, "jurisdiction_id not found: this endpoint serves " + s.jurisdiction_id);
}

// ---- services ----

std::vector<Attribute> StandardAttributes() {
    Attribute urgency;
    urgency.variable = true;
    urgency.code = "urgency";
    urgency.datatype = "singlevaluelist";
    urgency.required = false;
    urgency.order = 1;
    urgency.description = "紧急程度";
    urgency.values = {{"normal", "一般"}, {"urgent", "紧急"}};
    return {urgency};
}

core::Result<std::vector<Service>> ServicesFromCaseType(const Json& case_type) {
    if (!case_type.is_object()) {
        return core::Error::Validation("categories", "the case type is not a JSON object");
    }
    auto cats = case_type.find("categories");
    if (cats == case_type.end() || !cats->is_array()) {
        return core::Error::Validation("categories", "the case type has no categories list");
    }
    std::string handling_stage = StrOr(case_type, "handling_stage", "handle");
    std::vector<Service> out;
    std::set<std::string> seen;
    size_t mi = 0;
    for (const auto& major : *cats) {
        std::string where = "categories[" + std::to_string(mi++) + "]";
        if (!major.is_object()) return core::Error::Validation(where, "a 大类 is not an object");
        const Json* minors = nullptr;
        for (const char* key : {"children", "subcategories", "items", "minor"}) {
            auto it = major.find(key);
            if (it != major.end() && it->is_array()) {
                minors = &*it;
                break;
            }
        }
        if (minors == nullptr) continue;
        std::string group = StrOr(major, "name");
        std::string group_code = StrOr(major, "code");
        size_t ni = 0;
        for (const auto& minor : *minors) {
            std::string w = where + ".children[" + std::to_string(ni++) + "]";
            if (!minor.is_object()) return core::Error::Validation(w, "a 小类 is not an object");
            Service s;
            s.code = StrOr(minor, "code");
            s.name = StrOr(minor, "name");
            if (s.code.empty()) return core::Error::Validation(w + ".code", "a 小类 has no code");
            if (s.name.empty()) return core::Error::Validation(w + ".name", "a 小类 has no name");
            if (!seen.insert(s.code).second) {
                return core::Error::Validation(w + ".code", "小类 code " + s.code + " repeats");
            }
            s.group = group;
            s.group_code = group_code;
            s.description = StrOr(minor, "description");
            if (s.description.empty()) s.description = StrOr(minor, "standard");
            if (s.description.empty()) s.description = StrOr(minor, "closing_standard");
            if (auto k = minor.find("keywords"); k != minor.end()) {
                if (k->is_string()) {
                    s.keywords = k->get<std::string>();
                } else if (k->is_array()) {
                    for (const auto& e : *k) {
                        if (!e.is_string()) continue;
                        if (!s.keywords.empty()) s.keywords += ", ";
                        s.keywords += e.get<std::string>();
                    }
                }
            }
            if (s.keywords.empty()) {
                for (const std::string& k : {StrOr(major, "kind"), group, s.name}) {
                    if (k.empty()) continue;
                    if (!s.keywords.empty()) s.keywords += ", ";
                    s.keywords += k;
                }
            }
            s.notice = LimitNotice(minor, handling_stage);
            s.attributes = StandardAttributes();
            out.push_back(std::move(s));
        }
    }
    if (out.empty()) return core::Error::Validation("categories", "the case type has no 小类");
    return out;
}

const Service* FindService(const std::vector<Service>& services, std::string_view code) {
    for (const auto& s : services) {
        if (s.code == code) return &s;
    }
    return nullptr;
}

Doc ServicesDoc(const std::vector<Service>& services) {
    Doc list = Doc::array();
    for (const auto& s : services) {
        Doc d = Doc::object();
        d["service_code"] = s.code;
        d["service_name"] = s.name;
        d["description"] = s.description;
        d["metadata"] = !s.attributes.empty();
        d["type"] = "realtime";
        d["keywords"] = s.keywords;
        d["group"] = s.group;
        list.push_back(std::move(d));
    }
    return list;
}

Doc ServiceDefinitionDoc(const Service& service) {
    Doc d = Doc::object();
    d["service_code"] = service.code;
    Doc attrs = Doc::array();
    for (const auto& a : service.attributes) {
        Doc x = Doc::object();
        x["variable"] = a.variable;
        x["code"] = a.code;
        x["datatype"] = a.datatype;
        x["required"] = a.required;
        x["datatype_description"] =
            a.datatype_description.empty() ? Doc(nullptr) : Doc(a.datatype_description);
        x["order"] = a.order;
        x["description"] = a.description;
        Doc values = Doc::array();
        for (const auto& v : a.values) {
            Doc kv = Doc::object();
            kv["key"] = v.key;
            kv["name"] = v.name;
            values.push_back(std::move(kv));
        }
        x["values"] = std::move(values);
        attrs.push_back(std::move(x));
    }
    d["attributes"] = std::move(attrs);
    return d;
}

// ---- POST requests ----

std::optional<Form> ParseForm(std::string_view body) {
    Form out;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) amp = body.size();
        std::string_view part = body.substr(pos, amp - pos);
        if (!part.empty()) {
            size_t eq = part.find('=');
            auto name = UrlDecode(part.substr(0, eq));
            auto value = UrlDecode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
            if (!name || !value) return std::nullopt;
            out.emplace_back(std::move(*name), std::move(*value));
        }
        pos = amp + 1;
    }
    return out;
}

std::optional<Form> FormFromJson(std::string_view body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    Form out;
    auto scalar = [](const Json& v) -> std::optional<std::string> {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
        if (v.is_number()) return v.dump();
        return std::nullopt;
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it->is_null()) continue;
        if (it.key() == "attribute" && it->is_object()) {
            for (auto a = it->begin(); a != it->end(); ++a) {
                auto v = scalar(*a);
                if (!v) return std::nullopt;
                out.emplace_back("attribute[" + a.key() + "]", std::move(*v));
            }
            continue;
        }
        auto v = scalar(*it);
        if (!v) return std::nullopt;
        out.emplace_back(it.key(), std::move(*v));
    }
    return out;
}

const std::string* FormValue(const Form& form, std::string_view name) {
    for (const auto& [k, v] : form) {
        if (k == name) return &v;
    }
    return nullptr;
}

std::variant<NewRequest, Failure> ParseNewRequest(const Form& form,
                                                  const std::vector<Service>& services) {
    Failure f{400, {}};
    auto fail = [&](std::string msg) { f.errors.push_back(ErrorItem{400, std::move(msg)}); };
    NewRequest r;
    auto text = [&](const char* name, std::string* out, size_t max_chars) {
        const std::string* v = FormValue(form, name);
        if (v == nullptr) return;
        std::string t = core::Trim(*v);
        if (core::Utf8Length(t) > max_chars) {
            fail(std::string(name) + " is longer than " + std::to_string(max_chars) + " characters");
            return;
        }
        bool multiline = std::string_view(name) == "description";
        if (multiline ? HasBadControl(t) : core::HasControlChars(t)) {
            fail(std::string(name) + " contains control characters");
            return;
        }
        *out = std::move(t);
    };
    if (const auto* k = FormValue(form, "api_key")) r.api_key = *k;
    text("service_code", &r.service_code, 64);
    text("address_string", &r.address_string, 300);
    text("address_id", &r.address_id, 100);
    text("email", &r.email, 254);
    text("device_id", &r.device_id, 200);
    text("account_id", &r.account_id, 200);
    text("first_name", &r.first_name, 50);
    text("last_name", &r.last_name, 50);
    text("phone", &r.phone, 30);
    text("description", &r.description, 4000);
    text("media_url", &r.media_url, 2000);

    const Service* service = nullptr;
    if (r.service_code.empty()) {
        fail("service_code was not provided");
    } else if ((service = FindService(services, r.service_code)) == nullptr) {
        fail("service_code " + r.service_code + " not found");
    }

    const std::string* lat = FormValue(form, "lat");
    const std::string* lon = FormValue(form, "long");
    bool has_lat = lat != nullptr && !core::Trim(*lat).empty();
    bool has_lon = lon != nullptr && !core::Trim(*lon).empty();
    if (has_lat != has_lon) {
        fail(has_lat ? "long is required with lat" : "lat is required with long");
    } else if (has_lat) {
        double la = 0, lo = 0;
        bool ok_la = ParseDouble(core::Trim(*lat), &la) && la >= -90 && la <= 90;
        bool ok_lo = ParseDouble(core::Trim(*lon), &lo) && lo >= -180 && lo <= 180;
        if (!ok_la) fail("lat must be a number between -90 and 90");
        if (!ok_lo) fail("long must be a number between -180 and 180");
        if (ok_la && ok_lo) {
            r.lat = la;
            r.lon = lo;
        }
    }
    if (!has_lat && r.address_string.empty()) {
        if (!r.address_id.empty()) {
            fail("address_id cannot be located here; send lat and long or address_string");
        } else {
            fail("a location is required: lat and long, or address_string");
        }
    }
    if (!r.phone.empty()) {
        bool ok = std::all_of(r.phone.begin(), r.phone.end(), [](char c) {
            return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' ' || c == '(' || c == ')';
        });
        std::string digits = NormalisePhone(r.phone);
        if (!ok) {
            fail("phone may hold only digits, spaces and + - ( )");
        } else if (digits.size() < 7 || digits.size() > 20) {
            fail("phone must have 7 to 20 digits");
        }
    }
    if (core::Utf8Length(ReporterName(r.first_name, r.last_name)) > 50) {
        fail("first_name and last_name together are longer than 50 characters");
    }
    if (!r.email.empty() && (r.email.find('@') == std::string::npos || r.email.find(' ') != std::string::npos)) {
        fail("email is not an e-mail address");
    }
    if (!r.media_url.empty() && r.media_url.rfind("http://", 0) != 0 &&
        r.media_url.rfind("https://", 0) != 0) {
        fail("media_url must be an http or https URL");
    }

    // attribute[code]=value
    for (const auto& [k, v] : form) {
        if (k.rfind("attribute[", 0) != 0) continue;
        if (k.size() < 12 || k.back() != ']') {
            fail("malformed attribute field " + k);
            continue;
        }
        std::string code = k.substr(10, k.size() - 11);
        if (r.attributes.count(code) != 0) {
            fail("attribute[" + code + "] is given more than once");
            continue;
        }
        r.attributes[code] = core::Trim(v);
    }
    if (service != nullptr) {
        for (const auto& [code, value] : r.attributes) {
            auto a = std::find_if(service->attributes.begin(), service->attributes.end(),
                                  [&](const Attribute& x) { return x.code == code; });
            if (a == service->attributes.end()) {
                fail("attribute[" + code + "] is not an attribute of service " + service->code);
                continue;
            }
            if (a->datatype == "singlevaluelist" && !value.empty()) {
                bool known = std::any_of(a->values.begin(), a->values.end(),
                                         [&](const AttributeValue& x) { return x.key == value; });
                if (!known) fail("attribute[" + code + "] has no value " + value);
            }
        }
        for (const auto& a : service->attributes) {
            auto it = r.attributes.find(a.code);
            if (a.required && (it == r.attributes.end() || it->second.empty())) {
                fail("attribute[" + a.code + "] is required");
            }
        }
    }
    if (!f.errors.empty()) return f;
    return r;
}

std::string NormalisePhone(std::string_view phone) {
    std::string out;
    std::string_view p = phone;
    if (p.rfind("+86", 0) == 0) p.remove_prefix(3);
    for (char c : p) {
        if ((c >= '0' && c <= '9') || (c == '-' && !out.empty())) out += c;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

Json CreateCaseBody(const NewRequest& r, const Service& service) {
    Json body = Json::object();
    body["type"] = "urban";
    body["category"] = service.code;
    std::string description = r.description.empty() ? service.name : r.description;
    body["description"] = description;
    std::string first_line = description.substr(0, description.find('\n'));
    body["title"] = core::Utf8Prefix(core::Trim(first_line), 30);
    if (core::Trim(first_line).empty()) body["title"] = service.name;
    auto urgency = r.attributes.find("urgency");
    body["urgency"] =
        urgency != r.attributes.end() && !urgency->second.empty() ? urgency->second : "normal";
    body["source"] = "open311";
    if (r.lat && r.lon) {
        body["lat"] = *r.lat;
        body["lon"] = *r.lon;
    }
    if (!r.address_string.empty()) body["address"] = r.address_string;
    std::string name = ReporterName(r.first_name, r.last_name);
    if (!name.empty() || !r.phone.empty()) {
        Json reporter = Json::object();
        if (!name.empty()) reporter["name"] = name;
        if (!r.phone.empty()) reporter["phone"] = NormalisePhone(r.phone);
        body["reporter"] = std::move(reporter);
    }
    return body;
}

std::string MediaNote(const NewRequest& r) {
    if (r.media_url.empty()) return {};
    return "Open311 media_url: " + r.media_url;
}

Doc PostResponseDoc(const std::string& service_request_id,
                    const std::string& token,
                    const std::string& service_notice) {
    Doc d = Doc::object();
    d["service_request_id"] = service_request_id;
    d["token"] = token;
    d["service_notice"] = service_notice.empty() ? Doc(nullptr) : Doc(service_notice);
    d["account_id"] = nullptr;
    return Doc::array({d});
}

// ---- tokens ----

namespace {
std::string TokenTag(const Settings& s, int64_t id) {
    return core::Sha256Hex(s.token_secret + ":open311:" + std::to_string(id)).substr(0, 16);
}
}  // namespace

std::string MakeToken(const Settings& s, int64_t case_id) {
    return std::to_string(case_id) + "-" + TokenTag(s, case_id);
}

std::optional<int64_t> ParseToken(const Settings& s, std::string_view token) {
    auto dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 18) return std::nullopt;
    int64_t id = 0;
    for (size_t i = 0; i < dash; ++i) {
        char c = token[i];
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    if (id <= 0) return std::nullopt;
    std::string_view tag = token.substr(dash + 1);
    std::string want = TokenTag(s, id);
    if (tag.size() != want.size() || !core::ConstantTimeEquals(tag, want)) return std::nullopt;
    return id;
}

Doc TokenDoc(const std::string& service_request_id, const std::string& token) {
    Doc d = Doc::object();
    d["service_request_id"] = service_request_id;
    d["token"] = token;
    return Doc::array({d});
}

// ---- GET requests ----

std::string LocalTime(const Settings& s, std::string_view rfc3339_utc) {
    core::TimePoint t;
    if (!core::ParseRfc3339(rfc3339_utc, &t)) return {};
    return FormatLocal(t, s.utc_offset_minutes);
}

std::string Open311Status(std::string_view case_status) {
    return case_status == "closed" || case_status == "merged" ? "closed" : "open";
}

std::string MaskLongNumbers(std::string_view text) {
    // The digit at byte i, as its length in bytes (1 ASCII, 3 full-width ０-９), or 0.
    auto digit_at = [&](size_t i) -> size_t {
        unsigned char b = static_cast<unsigned char>(text[i]);
        if (b >= '0' && b <= '9') return 1;
        if (b == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC) {
            unsigned char c = static_cast<unsigned char>(text[i + 2]);
            if (c >= 0x90 && c <= 0x99) return 3;
        }
        return 0;
    };
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (!digit_at(i)) {
            out += text[i++];
            continue;
        }
        // a run: digits, with single spaces between them
        size_t end = i, digits = 0;
        for (size_t j = i; j < text.size();) {
            if (size_t n = digit_at(j)) {
                j += n;
                end = j;
                ++digits;
            } else if (text[j] == ' ' && j + 1 < text.size() && digit_at(j + 1)) {
                ++j;
            } else {
                break;
            }
        }
        const bool mask = digits >= 7;
        size_t kept = 0;
        for (size_t j = i; j < end;) {
            size_t n = digit_at(j);
            if (!n) {
                out += text[j++];
                continue;
            }
            if (mask && kept >= 3) out += '*';
            else out.append(text.substr(j, n));
            ++kept;
            j += n;
        }
        if (mask && digits == 17 && end < text.size() && (text[end] == 'X' || text[end] == 'x')) {
            out += '*';
            ++end;
        }
        i = end;
    }
    return out;
}

Doc RequestDoc(const Settings& s, const Json& kase, const RequestExtras& extras) {
    auto time_or_null = [&](const std::string& v) -> Doc {
        std::string t = LocalTime(s, v);
        if (t.empty()) return nullptr;
        return t;
    };
    std::string status = StrOr(kase, "status", "open");
    bool open = Open311Status(status) == "open";
    std::string notes = StrOr(kase, "stage_name");
    if (status == "suspended") notes += "（挂起）";
    if (status == "merged") notes = "已并单";

    // updated_datetime: the latest of the stage's start and the closing time.
    std::string updated = StrOr(kase, "stage_started_at");
    std::string closed = StrOr(kase, "closed_at");
    core::TimePoint tu{}, tc{};
    if (!closed.empty() && core::ParseRfc3339(closed, &tc) &&
        (!core::ParseRfc3339(updated, &tu) || tc > tu)) {
        updated = closed;
    }

    Doc d = Doc::object();
    d["service_request_id"] = StrOr(kase, "number");
    d["status"] = open ? "open" : "closed";
    d["status_notes"] = notes.empty() ? Doc(nullptr) : Doc(notes);
    d["service_name"] = TextOrNull(kase, "category_name");
    d["service_code"] = TextOrNull(kase, "category");
    d["description"] = TextOrNull(kase, "description");
    if (d["description"].is_string()) d["description"] = MaskLongNumbers(d["description"].get<std::string>());
    d["agency_responsible"] =
        extras.agency_responsible.empty() ? Doc(nullptr) : Doc(extras.agency_responsible);
    d["service_notice"] = extras.service_notice.empty() ? Doc(nullptr) : Doc(extras.service_notice);
    d["requested_datetime"] = time_or_null(StrOr(kase, "reported_at"));
    d["updated_datetime"] = time_or_null(updated);
    d["expected_datetime"] = open ? time_or_null(StrOr(kase, "stage_due_at")) : Doc(nullptr);
    d["address"] = TextOrNull(kase, "address");
    if (d["address"].is_string()) d["address"] = MaskLongNumbers(d["address"].get<std::string>());
    d["address_id"] = nullptr;
    d["zipcode"] = nullptr;
    d["lat"] = NumberOrNull(kase, "lat");
    d["long"] = NumberOrNull(kase, "lon");
    d["media_url"] = extras.media_url.empty() ? Doc(nullptr) : Doc(extras.media_url);
    return d;
}

Doc RequestsDoc(std::vector<Doc> requests) {
    Doc list = Doc::array();
    for (auto& r : requests) list.push_back(std::move(r));
    return list;
}

std::variant<Query, Failure> ParseQuery(const Settings& s,
                                        const std::map<std::string, std::string>& params,
                                        core::TimePoint now) {
    Query q;
    q.limit = s.max_results;
    Failure f{400, {}};
    auto fail = [&](std::string msg) { f.errors.push_back(ErrorItem{400, std::move(msg)}); };
    auto get = [&](const char* key) -> const std::string* {
        auto it = params.find(key);
        return it == params.end() ? nullptr : &it->second;
    };
    if (const auto* ids = get("service_request_id")) {
        q.ids = CommaList(*ids);
        if (q.ids.size() > static_cast<size_t>(s.max_results)) {
            fail("service_request_id lists more than " + std::to_string(s.max_results) + " ids");
        }
        if (!q.ids.empty()) {
            if (!f.errors.empty()) return f;
            return q;  // the spec: a list of ids overrides every other parameter
        }
    }
    if (const auto* codes = get("service_code")) q.service_codes = CommaList(*codes);
    if (const auto* st = get("status")) {
        for (auto& v : CommaList(Lower(*st))) {
            if (v != "open" && v != "closed") {
                fail("status must be open or closed, not " + v);
            } else {
                q.statuses.push_back(v);
            }
        }
    }
    const auto window = std::chrono::hours(24) * s.default_window_days;
    const auto max_window = std::chrono::hours(24) * s.max_window_days;
    core::TimePoint start{}, end{};
    const auto* sd = get("start_date");
    const auto* ed = get("end_date");
    bool has_start = sd != nullptr && !sd->empty();
    bool has_end = ed != nullptr && !ed->empty();
    if (has_start && !core::ParseRfc3339(*sd, &start)) {
        fail("start_date must be an ISO 8601 time with an offset, e.g. 2026-06-01T00:00:00+08:00");
        has_start = false;
    }
    if (has_end && !core::ParseRfc3339(*ed, &end)) {
        fail("end_date must be an ISO 8601 time with an offset, e.g. 2026-06-30T23:59:59+08:00");
        has_end = false;
    }
    if (!f.errors.empty()) return f;
    if (!has_start && !has_end) {
        end = now;
        start = now - window;
    } else if (!has_end) {
        end = start + window;
    } else if (!has_start) {
        start = end - window;
    }
    if (end < start) fail("end_date is before start_date");
    else if (end - start > max_window) {
        fail("start_date and end_date may span at most " + std::to_string(s.max_window_days) + " days");
    }
    if (!f.errors.empty()) return f;
    q.start = start;
    q.end = end;
    return q;
}

bool Matches(const Query& q, const Json& kase) {
    if (!kase.is_object() || StrOr(kase, "type") != "urban") return false;
    std::string number = StrOr(kase, "number");
    if (!q.ids.empty()) return std::find(q.ids.begin(), q.ids.end(), number) != q.ids.end();
    if (!q.service_codes.empty() &&
        std::find(q.service_codes.begin(), q.service_codes.end(), StrOr(kase, "category")) ==
            q.service_codes.end()) {
        return false;
    }
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), Open311Status(StrOr(kase, "status"))) ==
            q.statuses.end()) {
        return false;
    }
    core::TimePoint t;
    if (!core::ParseRfc3339(StrOr(kase, "reported_at"), &t)) return false;
    return t >= q.start && t <= q.end;
}

}  // namespace duban::open311
