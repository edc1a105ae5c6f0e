// Case types from configuration: parsing and validation (errors name the file and the key),
// the registry of types in force, and the time arithmetic of limits.
#include <algorithm>
#include <cstdio>
#include <cctype>
#include <set>
#include <stdexcept>

#include "cases/cases.hpp"
#include "org/org.hpp"
#include "store/case_repos.hpp"

namespace duban::cases {
namespace {

using core::Error;

const std::set<std::string> kActionCodes = {
    "register", "dispatch", "sign",   "handle",         "verify",        "close",  "rate",
    "return",   "reassign", "suspend", "resume",        "extend",        "extend_approve",
    "extend_reject", "rework", "merge", "supervise",    "reply",         "review", "recheck", "decline",
    "set_subject"};
const std::set<std::string> kRequirable = {"note",   "attachments", "unit_id", "co_units", "reason",
                                           "workdays", "rating",     "solved",  "target_id", "subject_unit_id"};
const std::set<std::string> kUnits = {"hours", "workdays", "days"};

bool IsBusinessRole(const std::string& r) {
    return std::find(org::kRoles.begin(), org::kRoles.end(), r) != org::kRoles.end() &&
           !org::kAdminRoles.count(r);
}

struct Parser {
    std::string src;
    Error Err(const std::string& key, const std::string& msg) const {
        return Error::Validation(key, src + ": " + key + ": " + msg, "invalid_case_type");
    }
    core::Status Str(const Json& j, const std::string& base, const char* k, std::string* out, bool required = true) const {
        std::string key = base.empty() ? k : base + "." + k;
        if (!j.contains(k)) {
            if (required) return Err(key, "missing");
            return core::Status();
        }
        if (!j[k].is_string() || (required && j[k].get<std::string>().empty())) return Err(key, "must be a non-empty string");
        *out = j[k].get<std::string>();
        return core::Status();
    }
    core::Status StrList(const Json& j, const std::string& key, std::vector<std::string>* out) const {
        if (!j.is_array()) return Err(key, "must be an array of strings");
        for (size_t i = 0; i < j.size(); ++i) {
            if (!j[i].is_string()) return Err(key + "[" + std::to_string(i) + "]", "must be a string");
            out->push_back(j[i].get<std::string>());
        }
        return core::Status();
    }
    Result<Limit> ParseLimit(const Json& j, const std::string& key) const {
        if (!j.is_object()) return Err(key, "must be an object {unit, normal, urgent}");
        for (auto& [k, v] : j.items())
            if (k != "unit" && k != "normal" && k != "urgent") return Err(key + "." + k, "unknown key");
        Limit l;
        if (!j.contains("unit") || !j["unit"].is_string() || !kUnits.count(j["unit"].get<std::string>()))
            return Err(key + ".unit", "must be hours, workdays or days");
        l.unit = j["unit"].get<std::string>();
        if (!j.contains("normal") || !j["normal"].is_number_integer() || j["normal"].get<int64_t>() < 1 ||
            j["normal"].get<int64_t>() > 1000)
            return Err(key + ".normal", "must be an integer from 1 to 1000");
        l.normal = j["normal"].get<int>();
        l.urgent = l.normal;
        if (j.contains("urgent")) {
            if (!j["urgent"].is_number_integer() || j["urgent"].get<int64_t>() < 1 || j["urgent"].get<int64_t>() > l.normal)
                return Err(key + ".urgent", "must be an integer from 1 to the normal limit");
            l.urgent = j["urgent"].get<int>();
        }
        return l;
    }
};

#define TRY(expr)                                        \
    do {                                                 \
        if (auto _s = (expr); !_s) return _s.error();    \
    } while (0)

}  // namespace

const Stage* CaseType::FindStage(const std::string& code) const {
    for (auto& s : stages)
        if (s.code == code) return &s;
    return nullptr;
}
const Action* CaseType::FindAction(const std::string& code) const {
    for (auto& a : actions)
        if (a.code == code) return &a;
    return nullptr;
}
const Category* CaseType::FindCategory(const std::string& code) const {
    for (auto& m : majors)
        for (auto& c : m.children)
            if (c.code == code) return &c;
    return nullptr;
}
const Major* CaseType::FindMajor(const std::string& code) const {
    for (auto& m : majors)
        if (m.code == code) return &m;
    return nullptr;
}
std::optional<Limit> CaseType::LimitFor(const std::string& stage, const std::string& category) const {
    if (auto* c = FindCategory(category)) {
        auto it = c->limits.find(stage);
        if (it != c->limits.end()) return it->second;
    }
    if (auto* s = FindStage(stage)) return s->limit;
    return std::nullopt;
}

const std::string* Choice::NameOf(const std::string& code) const {
    for (auto& [c, n] : options)
        if (c == code) return &n;
    return nullptr;
}

Json CaseType::ToJson() const {
    auto limit_json = [](const Limit& l) { return Json{{"unit", l.unit}, {"normal", l.normal}, {"urgent", l.urgent}}; };
    Json st = Json::array();
    for (auto& s : stages) {
        Json o = {{"code", s.code}, {"name", s.name}};
        if (s.closed) o["closed"] = true;
        if (s.limit) o["limit"] = limit_json(*s.limit);
        st.push_back(o);
    }
    Json ac = Json::array();
    for (auto& a : actions) {
        Json o = {{"code", a.code}, {"name", a.name}, {"from", a.from}, {"roles", a.roles}, {"requires", a.required}};
        if (!a.choices.empty()) {
            Json ch = Json::object();
            for (auto& c : a.choices) {
                Json opts = Json::array();
                for (auto& [code, name] : c.options) opts.push_back({{"code", code}, {"name", name}});
                ch[c.key] = {{"name", c.name}, {"options", opts}};
            }
            o["choices"] = ch;
        }
        if (!a.to.empty()) o["to"] = a.to;
        if (!a.fail_to.empty()) o["fail_to"] = a.fail_to;
        if (!a.reopen_to.empty()) o["reopen_to"] = a.reopen_to;
        ac.push_back(o);
    }
    Json cats = Json::array();
    for (auto& m : majors) {
        Json ch = Json::array();
        for (auto& c : m.children) {
            Json lim = Json::object();
            for (auto& [k, l] : c.limits) lim[k] = limit_json(l);
            ch.push_back({{"code", c.code}, {"name", c.name}, {"standard", c.standard}, {"limits", lim}});
        }
        Json mo = {{"code", m.code}, {"name", m.name}, {"children", ch}};
        if (!m.kind.empty()) mo["kind"] = m.kind;
        cats.push_back(mo);
    }
    return {{"code", code}, {"name", name}, {"prefix", prefix}, {"yellow_share", yellow_share},
            {"initial_stage", initial_stage}, {"dispatch_stage", dispatch_stage}, {"handling_stage", handling_stage},
            {"auto_dispatch_after", auto_dispatch_after}, {"create_roles", create_roles},
            {"create_requires", create_requires},
            {"extension", {{"max_times", extension.max_times}, {"max", extension.max}, {"unit", extension.unit}}},
            {"stages", st}, {"actions", ac}, {"categories", cats}};
}

Result<CaseType> ParseCaseType(const Json& j, const std::string& source_name) {
    Parser P{source_name};
    if (!j.is_object()) return P.Err("", "the configuration must be a JSON object");
    static const std::set<std::string> kKeys = {
        "code", "name", "prefix", "yellow_share", "initial_stage", "dispatch_stage", "handling_stage",
        "auto_dispatch_after", "create_roles", "create_requires", "extension", "stages", "actions", "categories"};
    for (auto& [k, v] : j.items())
        if (!kKeys.count(k)) return P.Err(k, "unknown key");
    CaseType t;
    t.source = j;
    TRY(P.Str(j, "", "code", &t.code));
    TRY(P.Str(j, "", "name", &t.name));
    TRY(P.Str(j, "", "prefix", &t.prefix));
    if (t.prefix.size() != 2 || !std::isupper(static_cast<unsigned char>(t.prefix[0])) ||
        !std::isupper(static_cast<unsigned char>(t.prefix[1])))
        return P.Err("prefix", "must be two capital letters");
    if (j.contains("yellow_share")) {
        if (!j["yellow_share"].is_number() || j["yellow_share"].get<double>() <= 0 || j["yellow_share"].get<double>() >= 1)
            return P.Err("yellow_share", "must be a number between 0 and 1");
        t.yellow_share = j["yellow_share"].get<double>();
    }
    // stages
    if (!j.contains("stages") || !j["stages"].is_array() || j["stages"].empty())
        return P.Err("stages", "missing: a non-empty array of stages");
    std::set<std::string> stage_codes;
    for (size_t i = 0; i < j["stages"].size(); ++i) {
        const Json& s = j["stages"][i];
        std::string key = "stages[" + std::to_string(i) + "]";
        if (!s.is_object()) return P.Err(key, "must be an object");
        for (auto& [k, v] : s.items())
            if (k != "code" && k != "name" && k != "limit" && k != "closed") return P.Err(key + "." + k, "unknown key");
        Stage st;
        TRY(P.Str(s, key, "code", &st.code));
        TRY(P.Str(s, key, "name", &st.name));
        if (!stage_codes.insert(st.code).second) return P.Err(key + ".code", "duplicate stage " + st.code);
        if (s.contains("closed")) {
            if (!s["closed"].is_boolean()) return P.Err(key + ".closed", "must be true or false");
            st.closed = s["closed"].get<bool>();
        }
        if (s.contains("limit")) {
            auto l = P.ParseLimit(s["limit"], key + ".limit");
            if (!l) return l.error();
            st.limit = *l;
        } else if (!st.closed) {
            return P.Err(key + ".limit", "missing: an open stage needs a time limit");
        }
        t.stages.push_back(st);
    }
    auto stage_ref = [&](const Json& o, const std::string& key, const char* k, std::string* out, bool required) -> core::Status {
        TRY(P.Str(o, key, k, out, required));
        if (!out->empty() && !stage_codes.count(*out))
            return P.Err(key.empty() ? k : key + "." + k, "unknown stage '" + *out + "'");
        return core::Status();
    };
    TRY(stage_ref(j, "", "initial_stage", &t.initial_stage, true));
    TRY(stage_ref(j, "", "dispatch_stage", &t.dispatch_stage, true));
    TRY(stage_ref(j, "", "handling_stage", &t.handling_stage, true));
    TRY(P.Str(j, "", "auto_dispatch_after", &t.auto_dispatch_after, false));
    if (t.auto_dispatch_after.empty()) t.auto_dispatch_after = "none";
    // roles
    if (!j.contains("create_roles")) return P.Err("create_roles", "missing");
    TRY(P.StrList(j["create_roles"], "create_roles", &t.create_roles));
    for (size_t i = 0; i < t.create_roles.size(); ++i)
        if (!IsBusinessRole(t.create_roles[i]))
            return P.Err("create_roles[" + std::to_string(i) + "]", "unknown role '" + t.create_roles[i] + "'");
    if (j.contains("create_requires")) {
        if (!j["create_requires"].is_object()) return P.Err("create_requires", "must be an object role -> fields");
        for (auto& [role, fields] : j["create_requires"].items()) {
            if (!IsBusinessRole(role)) return P.Err("create_requires." + role, "unknown role '" + role + "'");
            std::vector<std::string> fs;
            TRY(P.StrList(fields, "create_requires." + role, &fs));
            t.create_requires[role] = fs;
        }
    }
    if (j.contains("extension")) {
        const Json& e = j["extension"];
        if (!e.is_object()) return P.Err("extension", "must be an object");
        if (e.contains("max_times")) {
            if (!e["max_times"].is_number_integer() || e["max_times"].get<int>() < 0 || e["max_times"].get<int>() > 10)
                return P.Err("extension.max_times", "must be an integer from 0 to 10");
            t.extension.max_times = e["max_times"].get<int>();
        }
        if (e.contains("max")) {
            if (!e["max"].is_number_integer() || e["max"].get<int>() < 1 || e["max"].get<int>() > 365)
                return P.Err("extension.max", "must be an integer from 1 to 365");
            t.extension.max = e["max"].get<int>();
        }
        if (e.contains("unit")) {
            if (!e["unit"].is_string() || !kUnits.count(e["unit"].get<std::string>()))
                return P.Err("extension.unit", "must be hours, workdays or days");
            t.extension.unit = e["unit"].get<std::string>();
        }
    }
    // actions
    if (!j.contains("actions") || !j["actions"].is_array() || j["actions"].empty())
        return P.Err("actions", "missing: a non-empty array of actions");
    std::set<std::string> action_codes;
    for (size_t i = 0; i < j["actions"].size(); ++i) {
        const Json& a = j["actions"][i];
        std::string key = "actions[" + std::to_string(i) + "]";
        if (!a.is_object()) return P.Err(key, "must be an object");
        for (auto& [k, v] : a.items())
            if (k != "code" && k != "name" && k != "from" && k != "to" && k != "fail_to" && k != "reopen_to" &&
                k != "roles" && k != "requires" && k != "choices")
                return P.Err(key + "." + k, "unknown key");
        Action ac;
        TRY(P.Str(a, key, "code", &ac.code));
        if (!kActionCodes.count(ac.code)) return P.Err(key + ".code", "unknown action '" + ac.code + "'");
        if (!action_codes.insert(ac.code).second) return P.Err(key + ".code", "duplicate action " + ac.code);
        TRY(P.Str(a, key, "name", &ac.name));
        if (!a.contains("from")) return P.Err(key + ".from", "missing");
        TRY(P.StrList(a["from"], key + ".from", &ac.from));
        if (ac.from.empty()) return P.Err(key + ".from", "must name at least one stage");
        for (size_t k = 0; k < ac.from.size(); ++k)
            if (!stage_codes.count(ac.from[k]))
                return P.Err(key + ".from[" + std::to_string(k) + "]", "unknown stage '" + ac.from[k] + "'");
        TRY(stage_ref(a, key, "to", &ac.to, false));
        TRY(stage_ref(a, key, "fail_to", &ac.fail_to, false));
        TRY(stage_ref(a, key, "reopen_to", &ac.reopen_to, false));
        if (!a.contains("roles")) return P.Err(key + ".roles", "missing");
        TRY(P.StrList(a["roles"], key + ".roles", &ac.roles));
        if (ac.roles.empty()) return P.Err(key + ".roles", "must name at least one role");
        for (size_t k = 0; k < ac.roles.size(); ++k)
            if (!IsBusinessRole(ac.roles[k]))
                return P.Err(key + ".roles[" + std::to_string(k) + "]", "unknown role '" + ac.roles[k] + "'");
        if (a.contains("requires")) {
            TRY(P.StrList(a["requires"], key + ".requires", &ac.required));
            for (size_t k = 0; k < ac.required.size(); ++k)
                if (!kRequirable.count(ac.required[k]) && ac.required[k].rfind("fields.", 0) != 0)
                    return P.Err(key + ".requires[" + std::to_string(k) + "]", "unknown field '" + ac.required[k] + "'");
        }
        if (a.contains("choices")) {
            // {"notice": {"name": "告知方式", "options": [{"code": "written", "name": "书面告知"}, ...]}}
            if (!a["choices"].is_object()) return P.Err(key + ".choices", "must be an object field -> {name, options}");
            for (auto& [ck, cj] : a["choices"].items()) {
                std::string ckey = key + ".choices." + ck;
                if (ck.empty() || ck.size() > 40 || ck.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
                    return P.Err(ckey, "a choice's key must be lower-case letters and _");
                if (kRequirable.count(ck) || ck == "passed") return P.Err(ckey, "'" + ck + "' is a field of its own, not a choice");
                if (!cj.is_object()) return P.Err(ckey, "must be an object {name, options}");
                for (auto& [kk, v] : cj.items())
                    if (kk != "name" && kk != "options") return P.Err(ckey + "." + kk, "unknown key");
                Choice ch;
                ch.key = ck;
                TRY(P.Str(cj, ckey, "name", &ch.name));
                if (!cj.contains("options") || !cj["options"].is_array() || cj["options"].empty())
                    return P.Err(ckey + ".options", "missing: a non-empty array of {code, name}");
                std::set<std::string> seen;
                for (size_t k = 0; k < cj["options"].size(); ++k) {
                    const Json& o = cj["options"][k];
                    std::string okey = ckey + ".options[" + std::to_string(k) + "]";
                    if (!o.is_object()) return P.Err(okey, "must be an object {code, name}");
                    for (auto& [kk, v] : o.items())
                        if (kk != "code" && kk != "name") return P.Err(okey + "." + kk, "unknown key");
                    std::string oc, on;
                    TRY(P.Str(o, okey, "code", &oc));
                    TRY(P.Str(o, okey, "name", &on));
                    if (oc.size() > 40 || oc.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
                        return P.Err(okey + ".code", "an option's code is lower-case letters, digits and _");
                    if (!seen.insert(oc).second) return P.Err(okey + ".code", "duplicate option " + oc);
                    ch.options.emplace_back(oc, on);
                }
                ac.choices.push_back(std::move(ch));
            }
        }
        // subject_unit_id is set_subject's alone (no other action reads it), and a required form field
        // is one the forms know: a choice declared here, or verify's passed.
        for (size_t k = 0; k < ac.required.size(); ++k) {
            const std::string& r = ac.required[k];
            const std::string rkey = key + ".requires[" + std::to_string(k) + "]";
            if (r == "subject_unit_id" && ac.code != "set_subject") return P.Err(rkey, "subject_unit_id is required only by set_subject");
            if (r.rfind("fields.", 0) != 0) continue;
            const std::string f = r.substr(7);
            bool known = f == "passed" || std::any_of(ac.choices.begin(), ac.choices.end(), [&](const Choice& c) { return c.key == f; });
            if (!known)
                return P.Err(rkey, "'" + r + "' names no field of this action: declare it in choices (or fields.passed for verify)");
        }
        t.actions.push_back(ac);
    }
    // categories
    if (!j.contains("categories") || !j["categories"].is_array() || j["categories"].empty())
        return P.Err("categories", "missing: a non-empty array of 大類 with their 小類");
    std::set<std::string> cat_codes;
    for (size_t i = 0; i < j["categories"].size(); ++i) {
        const Json& m = j["categories"][i];
        std::string key = "categories[" + std::to_string(i) + "]";
        if (!m.is_object()) return P.Err(key, "must be an object");
        Major mj;
        TRY(P.Str(m, key, "code", &mj.code));
        TRY(P.Str(m, key, "name", &mj.name));
        TRY(P.Str(m, key, "kind", &mj.kind, false));
        if (!cat_codes.insert(mj.code).second) return P.Err(key + ".code", "duplicate category " + mj.code);
        if (!m.contains("children") || !m["children"].is_array() || m["children"].empty())
            return P.Err(key + ".children", "missing: a non-empty array of 小類");
        for (size_t k = 0; k < m["children"].size(); ++k) {
            const Json& c = m["children"][k];
            std::string ckey = key + ".children[" + std::to_string(k) + "]";
            if (!c.is_object()) return P.Err(ckey, "must be an object");
            for (auto& [kk, v] : c.items())
                if (kk != "code" && kk != "name" && kk != "standard" && kk != "limits") return P.Err(ckey + "." + kk, "unknown key");
            Category cat;
            TRY(P.Str(c, ckey, "code", &cat.code));
            TRY(P.Str(c, ckey, "name", &cat.name));
            TRY(P.Str(c, ckey, "standard", &cat.standard, false));
            if (!cat_codes.insert(cat.code).second) return P.Err(ckey + ".code", "duplicate category " + cat.code);
            cat.major = mj.code;
            cat.major_name = mj.name;
            cat.kind = mj.kind;
            if (c.contains("limits")) {
                if (!c["limits"].is_object()) return P.Err(ckey + ".limits", "must be an object stage -> limit");
                for (auto& [sc, lj] : c["limits"].items()) {
                    auto* st = t.FindStage(sc);
                    if (!st) return P.Err(ckey + ".limits." + sc, "unknown stage '" + sc + "'");
                    if (st->closed) return P.Err(ckey + ".limits." + sc, "a closed stage has no limit");
                    auto l = P.ParseLimit(lj, ckey + ".limits." + sc);
                    if (!l) return l.error();
                    cat.limits[sc] = *l;
                }
            }
            mj.children.push_back(cat);
        }
        t.majors.push_back(mj);
    }
    return t;
}

std::shared_ptr<Registry> Registry::Shipped() {
    auto r = std::make_shared<Registry>();
    for (const auto& [name, text] : ShippedCaseTypeFiles()) {
        auto j = Json::parse(text, nullptr, false);
        if (j.is_discarded()) throw std::runtime_error(name + ": not valid JSON");
        auto t = ParseCaseType(j, name);
        if (!t) throw std::runtime_error(t.error().message);
        r->Set(std::move(*t));
    }
    return r;
}

std::shared_ptr<const CaseType> Registry::Get(const std::string& code) const {
    std::lock_guard<std::mutex> l(mu_);
    auto it = types_.find(code);
    return it == types_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const CaseType>> Registry::All() const {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::shared_ptr<const CaseType>> out;
    for (const char* c : {"urban", "hotline", "petition", "enterprise"}) {
        auto it = types_.find(c);
        if (it != types_.end()) out.push_back(it->second);
    }
    for (auto& [k, v] : types_)
        if (k != "urban" && k != "hotline" && k != "petition" && k != "enterprise") out.push_back(v);
    return out;
}

void Registry::Set(CaseType t) {
    std::lock_guard<std::mutex> l(mu_);
    std::string code = t.code;
    types_[code] = std::make_shared<const CaseType>(std::move(t));
}

void Registry::LoadOverrides(store::Conn& c) {
    for (auto& [code, text] : store::ListCaseTypeConfigs(c)) {
        auto j = Json::parse(text, nullptr, false);
        if (j.is_discarded()) {
            std::fprintf(stderr, "duban: case type %s: the stored configuration is not JSON; the shipped one is used\n", code.c_str());
            continue;
        }
        auto t = ParseCaseType(j, "case_type_configs." + code);
        if (!t) {
            std::fprintf(stderr, "duban: case type %s: the stored configuration is refused (%s); the shipped one is used\n",
                         code.c_str(), t.error().message.c_str());
            continue;
        }
        // An administrator's edit from before an upgrade hides what the new version ships: say so.
        if (auto shipped = Get(code)) {
            std::string missing;
            for (auto& s : shipped->stages)
                if (!t->FindStage(s.code)) missing += (missing.empty() ? "" : ", ") + ("stage " + s.code);
            for (auto& a : shipped->actions)
                if (!t->FindAction(a.code)) missing += (missing.empty() ? "" : ", ") + ("action " + a.code);
            if (!missing.empty())
                std::fprintf(stderr, "duban: case type %s: the administrator's stored configuration is used; it lacks what "
                                     "this version ships (%s): merge them in 系统管理 → 案件类型配置\n",
                             code.c_str(), missing.c_str());
        }
        Set(std::move(*t));
    }
}

// ---------------------------------------------------------------- time
core::TimePoint Deadline(const Limit& l, const std::string& urgency, core::TimePoint t, const core::WorkCalendar& cal) {
    int n = l.For(urgency);
    return Extend(l.unit, t, n, cal);
}

core::TimePoint Extend(const std::string& unit, core::TimePoint t, int n, const core::WorkCalendar& cal) {
    if (unit == "hours") return cal.AddWorkingMinutes(t, int64_t(n) * 60);
    if (unit == "days") {
        // The end of the n-th calendar day after t's date, China time (24:00 = next day's 00:00);
        // from a deadline already at midnight, n whole days.
        core::Date d = core::LocalDate(t);
        if (core::LocalTime(d, 0) == t) return t + std::chrono::hours(24) * n;
        return core::LocalTime(d.AddDays(n + 1), 0);
    }
    // workdays: from a deadline at the end of office hours, n more working days.
    return cal.AddWorkdaysDeadline(t, n);
}

core::TimePoint ShareAt(const std::string& unit, core::TimePoint start, core::TimePoint due, double share,
                        const core::WorkCalendar& cal) {
    if (due <= start) return due;
    if (unit == "days") {
        auto span = due - start;
        return start + std::chrono::duration_cast<core::TimePoint::duration>(span * share);
    }
    int64_t secs = cal.WorkingSecondsBetween(start, due);
    return cal.AddWorkingMinutes(start, static_cast<int64_t>(static_cast<double>(secs) * share / 60.0));
}

core::TimePoint ShiftByPause(const std::string& unit, core::TimePoint t, core::TimePoint paused_at,
                             core::TimePoint resumed_at, const core::WorkCalendar& cal) {
    if (t <= paused_at || resumed_at <= paused_at) return t;
    if (unit == "days") return t + (resumed_at - paused_at);
    int64_t left = cal.WorkingSecondsBetween(paused_at, t);
    return cal.AddWorkingMinutes(resumed_at, (left + 59) / 60);
}

namespace {
// The words stored with a case's light (cases.light_reason, as written since the first version)
// and the codes the API gives beside them, which the client words in its own language.
constexpr const char* kReasonPaused = "挂起中（计时暂停）";
constexpr const char* kReasonOverdue = "已超过本环节时限";
constexpr const char* kReasonDueSoon = "本环节时限即将到期";
}  // namespace

Json LightReasons(const std::string& reason) {
    if (reason.empty()) return Json::array();
    const char* code = reason == kReasonOverdue ? "stage_overdue"
                       : reason == kReasonDueSoon ? "stage_due_soon"
                       : reason == kReasonPaused ? "paused"
                                                 : nullptr;
    return code ? Json::array({Json{{"code", code}}}) : Json::array();
}

Light Evaluate(std::optional<core::TimePoint> yellow_at, std::optional<core::TimePoint> due, bool paused,
               const std::string& current, core::TimePoint now) {
    Light l;
    if (!due) return l;
    if (paused) {
        l.light = current;
        l.reason = current == "green" ? "" : kReasonPaused;
        return l;
    }
    if (now >= *due) {
        l.light = "red";
        l.reason = kReasonOverdue;
        return l;
    }
    if (yellow_at && now >= *yellow_at) {
        l.light = "yellow";
        l.reason = kReasonDueSoon;
        l.next_check = *due;
        return l;
    }
    l.next_check = yellow_at ? *yellow_at : *due;
    return l;
}

}  // namespace duban::cases
