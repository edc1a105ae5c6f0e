// Projects, enterprises and promotion events: the commands the pipeline runs and the reads.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "blobs/blobs.hpp"
#include "indicators/indicators.hpp"
#include "plan/plan.hpp"
#include "core/zh.hpp"
#include "registry/registry.hpp"
#include "store/case_repos.hpp"
#include "store/plan_repos.hpp"
#include "store/repos.hpp"

namespace duban::registry {

using core::Error;

namespace {

core::Date Today(core::TimePoint t) { return core::LocalDate(t); }

core::Date DateOf(const std::string& s, core::Date fallback) {
    if (s.size() >= 10) {
        if (auto d = core::Date::Parse(s.substr(0, 10))) return *d;
    }
    return fallback;
}

/// The China date of an RFC 3339 instant.
core::Date InstantDate(const std::string& s, core::Date fallback) {
    core::TimePoint t;
    if (core::ParseRfc3339(s, &t)) return core::LocalDate(t);
    return DateOf(s, fallback);
}

Json Opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json Opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

double Yi(int64_t yuan) { return std::round(static_cast<double>(yuan) / 1e4) / 1e4; }

// Sums of a project's monthly reports (revision in force).
struct InvestSum {
    int64_t to_date = 0, this_year = 0;
    std::map<std::string, int64_t> by_month;
};

std::map<int64_t, InvestSum> InvestSums(store::Conn& c, int year) {
    std::map<int64_t, InvestSum> out;
    std::string prefix = std::to_string(year) + "-";
    for (auto& r : store::ListCurrentInvestments(c)) {
        auto& s = out[r.record_id];
        s.to_date += r.amount;
        if (r.month.rfind(prefix, 0) == 0) s.this_year += r.amount;
        s.by_month[r.month] = r.amount;
    }
    return out;
}

bool OpenCase(const store::ProjectCaseRow& r) { return r.status != "closed" && r.status != "merged"; }

struct Extras {
    std::map<int64_t, store::EnterpriseRow> ents;
    std::map<int64_t, store::PromotionEventRow> events;
    std::map<int64_t, InvestSum> invest;
    std::map<int64_t, int64_t> open_problems;
};

Extras LoadExtras(store::Conn& c, int year, std::optional<int64_t> only) {
    Extras x;
    for (auto& e : store::ListPromotionEvents(c)) x.events[e.id] = e;
    x.invest = InvestSums(c, year);
    for (auto& r : store::ListProjectCases(c, only))
        if (OpenCase(r)) x.open_problems[r.project_id]++;
    return x;
}

const store::EnterpriseRow* Ent(store::Conn& c, Extras& x, std::optional<int64_t> id) {
    if (!id) return nullptr;
    auto it = x.ents.find(*id);
    if (it == x.ents.end()) {
        auto e = store::FindEnterprise(c, *id);
        if (!e) return nullptr;
        it = x.ents.emplace(*id, *e).first;
    }
    return &it->second;
}

void Money(Json& j, const char* key, int64_t units, const store::ProjectRow& p) {
    j[std::string(key) + "_wan"] = UnitsToWan(units);
    j[std::string(key) + "_cny_wan"] = UnitsToWan(ToYuan(units, p.currency, p.fx_rate_e4));
}

Json ProjectJson(store::Conn& c, const store::ProjectRow& p, Extras& x, const Viewer& v) {
    Json j = {{"id", p.id}, {"number", p.number}, {"name", p.name}, {"generated", p.generated},
              {"kind", "project"}, {"project_kind", p.project_kind}, {"major", p.major}, {"stage", p.stage},
              {"stage_name", StageName(p.stage)}, {"stage_date", p.stage_date},
              {"place", {{"park", p.park}, {"address", p.address}, {"lon", Opt(p.lon)}, {"lat", Opt(p.lat)},
                         {"grid_id", Opt(p.grid_id)}, {"street_id", Opt(p.street_id)}}},
              {"investor", p.investor}, {"origin_region", p.origin_region},
              {"enterprise_id", Opt(p.enterprise_id)}, {"enterprise", nullptr},
              {"event_id", Opt(p.event_id)}, {"event", nullptr},
              {"lead_unit_id", Opt(p.lead_unit_id)},
              {"lead_unit", p.lead_unit_id ? Json{{"id", *p.lead_unit_id}, {"name", p.lead_unit_name}} : Json(nullptr)},
              {"leader", p.leader}, {"currency", p.currency},
              {"fx_rate", p.fx_rate_e4 ? Json(static_cast<double>(*p.fx_rate_e4) / 10000.0) : Json(nullptr)},
              {"signed_on", Opt(p.signed_on)}, {"year", p.year}, {"light", p.light},
              {"light_reason", StoredReasonText(p.light_reason)}, {"light_reasons", StoredReasons(p.light_reason)},
              {"last_progress_at", p.last_progress_at},
              {"plan_node_id", Opt(p.plan_node_id)}, {"created_at", p.created_at}, {"updated_at", p.updated_at},
              {"version", p.version}};
    if (auto* e = Ent(c, x, p.enterprise_id))
        j["enterprise"] = {{"id", e->id}, {"name", e->name}, {"credit_code", e->credit_code}};
    if (p.event_id) {
        auto it = x.events.find(*p.event_id);
        if (it != x.events.end()) j["event"] = {{"id", it->second.id}, {"name", it->second.name}};
    }
    Money(j, "total_investment", p.total_investment, p);
    Money(j, "annual_plan", p.annual_plan, p);
    Money(j, "contract_amount", p.contract_amount, p);
    Money(j, "funds_in_place", p.funds_in_place, p);
    Money(j, "registered_capital", p.registered_capital, p);
    auto inv = x.invest.count(p.id) ? x.invest[p.id] : InvestSum{};
    Money(j, "invested_to_date", inv.to_date, p);
    Money(j, "invested_this_year", inv.this_year, p);
    j["annual_completion_percent"] =
        p.annual_plan > 0 ? Json(std::round(static_cast<double>(inv.this_year) * 1000.0 / p.annual_plan) / 10.0)
                          : Json(nullptr);
    j["open_problems"] = x.open_problems.count(p.id) ? x.open_problems[p.id] : 0;
    Json actions = Json::array();
    if (v.may_write) {
        actions.push_back("edit");
        if (p.stage != "completed") actions.push_back("advance");
        actions.push_back("report_investment");
        if (v.may_report_case) actions.push_back("raise_problem");
    }
    if (v.may_admin) actions.push_back("revert_stage");
    if (v.may_followup && p.plan_node_id) actions.push_back("followup");
    j["actions"] = actions;
    return j;
}

Json ProjectJson1(store::Conn& c, const store::ProjectRow& p, const Viewer& v, core::TimePoint now) {
    Extras x = LoadExtras(c, Today(now).y, p.id);
    return ProjectJson(c, p, x, v);
}

// ---------------------------------------------------------------- input checks
core::Status OnlyKeys(const Json& b, const std::set<std::string>& keys) {
    if (!b.is_object()) return Error::Validation("", "the body must be a JSON object");
    for (auto& [k, val] : b.items())
        if (!keys.count(k)) return Error::Validation(k, "unknown field " + k, "unknown_field");
    return core::Status();
}

core::Status Text(const Json& b, const char* key, size_t max, std::string* out, bool required = false) {
    if (!b.contains(key) || b[key].is_null()) {
        if (required) return Error::Validation(key, std::string(key) + " is required", "required");
        return core::Status();
    }
    if (!b[key].is_string()) return Error::Validation(key, std::string(key) + " must be a string");
    std::string s = core::Trim(b[key].get<std::string>());
    if (!core::IsValidUtf8(s) || core::HasControlChars(s)) return Error::Validation(key, std::string(key) + " has invalid characters");
    if (core::Utf8Length(s) > max) return Error::Validation(key, std::string(key) + " has at most " + std::to_string(max) + " characters");
    if (required && s.empty()) return Error::Validation(key, std::string(key) + " is required", "required");
    *out = s;
    return core::Status();
}

core::Status Amount(const Json& b, const char* key, int64_t* out) {
    if (!b.contains(key) || b[key].is_null()) return core::Status();
    auto u = WanToUnits(b[key]);
    if (!u) return Error::Validation(key, std::string(key) + " must be a number of 萬 from 0 to 1000000000 with at most 4 decimals");
    *out = *u;
    return core::Status();
}

core::Status OptId(const Json& b, const char* key, std::optional<int64_t>* out) {
    if (!b.contains(key)) return core::Status();
    if (b[key].is_null()) {
        *out = std::nullopt;
        return core::Status();
    }
    if (!b[key].is_number_integer()) return Error::Validation(key, std::string(key) + " must be an id (an integer) or null");
    *out = b[key].get<int64_t>();
    return core::Status();
}

/// A date "YYYY-MM-DD" not after today.
core::Status PastDate(const Json& b, const char* key, core::Date today, std::optional<std::string>* out,
                      bool required = false) {
    if (!b.contains(key) || b[key].is_null()) {
        if (required) return Error::Validation(key, std::string(key) + " is required (YYYY-MM-DD)", "required");
        if (b.contains(key)) *out = std::nullopt;
        return core::Status();
    }
    if (!b[key].is_string()) return Error::Validation(key, std::string(key) + " must be a date YYYY-MM-DD");
    auto d = core::Date::Parse(b[key].get<std::string>());
    if (!d || d->y < 2000) return Error::Validation(key, std::string(key) + " must be a date YYYY-MM-DD");
    if (today < *d) return Error::Validation(key, std::string(key) + " is in the future (today is " + today.ToString() + ")", "future_date");
    *out = d->ToString();
    return core::Status();
}

core::Status CheckVersion(const Json& b, int64_t version) {
    if (!b.contains("version")) return core::Status();
    if (!b["version"].is_number_integer()) return Error::Validation("version", "version must be an integer");
    if (b["version"].get<int64_t>() != version)
        return Error::Conflict("version_conflict", "the project was changed by someone else (version " +
                                                       std::to_string(version) + "); reload and try again",
                               "version");
    return core::Status();
}

/// The unit must exist; staff may name only units in their scope.
core::Status CheckLeadUnit(store::Conn& c, int64_t id, const Viewer& v) {
    auto u = store::FindOrg(c, id, core::Scope::All());
    if (!u || !u->active) return Error::Validation("lead_unit_id", "lead_unit_id is not an active org unit");
    if (!v.all && !v.scope.Contains(u->path))
        return Error::Validation("lead_unit_id", "lead_unit_id must be one of your units (or below them)", "not_your_unit");
    return core::Status();
}

/// Fields shared by create and patch. `p` is changed in place.
core::Status ApplyFields(store::WriteTx& tx, const Json& b, const Viewer& v, const Env& env, store::ProjectRow* p) {
    auto& c = tx.conn();
    core::Date today = Today(tx.now_tp());
    if (auto s = Text(b, "name", 200, &p->name, b.contains("name")); !s) return s;
    if (b.contains("project_kind")) {
        if (!b["project_kind"].is_string()) return Error::Validation("project_kind", "project_kind must be industry, urban or livelihood");
        std::string k = b["project_kind"].get<std::string>();
        if (k != "industry" && k != "urban" && k != "livelihood")
            return Error::Validation("project_kind", "project_kind must be industry (產業), urban (城建) or livelihood (民生)");
        p->project_kind = k;
    }
    if (b.contains("major")) {
        if (!b["major"].is_boolean()) return Error::Validation("major", "major must be true or false");
        p->major = b["major"].get<bool>();
    }
    if (b.contains("place")) {
        const Json& pl = b["place"];
        if (!pl.is_object()) return Error::Validation("place", "place must be an object {park, address, lon, lat}");
        for (auto& [k, val] : pl.items())
            if (k != "park" && k != "address" && k != "lon" && k != "lat" && k != "grid_id" && k != "street_id")
                return Error::Validation("place." + k, "unknown field place." + k, "unknown_field");
        std::string park = p->park, addr = p->address;
        if (auto s = Text(pl, "park", 100, &park); !s) return Error::Validation("place.park", s.error().message);
        if (auto s = Text(pl, "address", 300, &addr); !s) return Error::Validation("place.address", s.error().message);
        p->park = park;
        p->address = addr;
        bool has_lon = pl.contains("lon") && !pl["lon"].is_null(), has_lat = pl.contains("lat") && !pl["lat"].is_null();
        if (has_lon != has_lat) return Error::Validation(has_lon ? "place.lat" : "place.lon", "give both lon and lat");
        if (has_lon) {
            if (!pl["lon"].is_number() || pl["lon"].get<double>() < -180 || pl["lon"].get<double>() > 180)
                return Error::Validation("place.lon", "place.lon must be a longitude");
            if (!pl["lat"].is_number() || pl["lat"].get<double>() < -90 || pl["lat"].get<double>() > 90)
                return Error::Validation("place.lat", "place.lat must be a latitude");
            p->lon = pl["lon"].get<double>();
            p->lat = pl["lat"].get<double>();
            p->grid_id = std::nullopt;
            p->street_id = std::nullopt;
            if (env.cases.locate) {
                if (auto loc = env.cases.locate(*p->lon, *p->lat)) {
                    p->grid_id = loc->grid_id;
                    p->street_id = loc->street_id;
                }
            }
        } else if (pl.contains("lon")) {
            p->lon = p->lat = std::nullopt;
            p->grid_id = p->street_id = std::nullopt;
        }
        if (pl.contains("street_id")) {
            std::optional<int64_t> sid;
            if (auto s = OptId(pl, "street_id", &sid); !s) return Error::Validation("place.street_id", s.error().message);
            if (sid) {
                auto u = store::FindOrg(c, *sid, core::Scope::All());
                if (!u || u->kind != "street") return Error::Validation("place.street_id", "place.street_id is not a street");
            }
            p->street_id = sid;
        }
    }
    if (auto s = Text(b, "investor", 200, &p->investor); !s) return s;
    if (auto s = Text(b, "origin_region", 50, &p->origin_region); !s) return s;
    if (auto s = Text(b, "leader", 50, &p->leader); !s) return s;
    if (auto s = OptId(b, "enterprise_id", &p->enterprise_id); !s) return s;
    if (b.contains("enterprise_id") && p->enterprise_id && !store::FindEnterprise(c, *p->enterprise_id))
        return Error::Validation("enterprise_id", "enterprise_id is not an enterprise");
    if (auto s = OptId(b, "event_id", &p->event_id); !s) return s;
    if (b.contains("event_id") && p->event_id && !store::FindPromotionEvent(c, *p->event_id))
        return Error::Validation("event_id", "event_id is not a promotion event");
    if (auto s = OptId(b, "plan_node_id", &p->plan_node_id); !s) return s;
    if (b.contains("plan_node_id") && p->plan_node_id) {
        auto n = store::FindPlanNode(c, *p->plan_node_id);
        if (!n || n->kind != "task") return Error::Validation("plan_node_id", "plan_node_id is not a task of a work plan");
    }
    if (b.contains("lead_unit_id")) {
        if (!b["lead_unit_id"].is_number_integer()) return Error::Validation("lead_unit_id", "lead_unit_id must be an org unit id");
        int64_t id = b["lead_unit_id"].get<int64_t>();
        if (auto s = CheckLeadUnit(c, id, v); !s) return s;
        p->lead_unit_id = id;
    }
    if (b.contains("currency")) {
        if (!b["currency"].is_string() || (b["currency"] != "CNY" && b["currency"] != "USD"))
            return Error::Validation("currency", "currency must be CNY or USD");
        p->currency = b["currency"].get<std::string>();
    }
    if (b.contains("fx_rate")) {
        if (b["fx_rate"].is_null()) {
            p->fx_rate_e4 = std::nullopt;
        } else {
            if (!b["fx_rate"].is_number() || b["fx_rate"].get<double>() <= 0 || b["fx_rate"].get<double>() > 100)
                return Error::Validation("fx_rate", "fx_rate must be yuan per dollar, a number above 0 and at most 100");
            p->fx_rate_e4 = static_cast<int64_t>(std::llround(b["fx_rate"].get<double>() * 10000.0));
        }
    }
    if (p->currency == "USD" && !p->fx_rate_e4)
        return Error::Validation("fx_rate", "a USD project needs fx_rate (the yuan per dollar used, e.g. 6.83)", "required");
    if (p->currency == "CNY") p->fx_rate_e4 = std::nullopt;
    if (auto s = Amount(b, "total_investment_wan", &p->total_investment); !s) return s;
    if (auto s = Amount(b, "annual_plan_wan", &p->annual_plan); !s) return s;
    if (auto s = Amount(b, "contract_amount_wan", &p->contract_amount); !s) return s;
    if (auto s = Amount(b, "funds_in_place_wan", &p->funds_in_place); !s) return s;
    if (auto s = Amount(b, "registered_capital_wan", &p->registered_capital); !s) return s;
    if (auto s = PastDate(b, "signed_on", today, &p->signed_on); !s) return s;
    if (b.contains("year")) {
        if (!b["year"].is_number_integer() || b["year"].get<int64_t>() < 2000 || b["year"].get<int64_t>() > 2100)
            return Error::Validation("year", "year must be from 2000 to 2100");
        p->year = b["year"].get<int64_t>();
    }
    return core::Status();
}

/// The files a write names: each one the viewer uploaded, or one already on this project.
Result<Json> Attachments(store::Conn& c, const Json& body, const Viewer& v, int64_t project_id) {
    Json out = Json::array();
    if (!body.contains("attachments") || body["attachments"].is_null()) return out;
    const Json& a = body["attachments"];
    if (!a.is_array() || a.size() > 20) return Error::Validation("attachments", "attachments must be an array of at most 20 SHA-256 hex strings");
    for (size_t i = 0; i < a.size(); ++i) {
        std::string f = "attachments[" + std::to_string(i) + "]";
        if (!a[i].is_string() || !blobs::IsSha256Hex(a[i].get<std::string>()))
            return Error::Validation(f, f + " must be a SHA-256 in lower-case hex (64 characters)");
        // The same answer for a file never stored and one of someone else's: a hash says nothing.
        if (!store::MayAttach(c, a[i].get<std::string>(), v.user_id, "project", project_id))
            return Error::Validation(f, f + " is not a file you uploaded (POST /api/v1/attachments first) nor one on this project",
                                     "unknown_attachment");
        out.push_back(a[i]);
    }
    return out;
}

/// Re-evaluates and stores the light; one project.light event when it changed.
void Relight(store::WriteTx& tx, store::ProjectRow& p, const Rules& rules) {
    core::Date today = Today(tx.now_tp());
    auto l = EvaluateLight(p.stage, DateOf(p.stage_date, today), InstantDate(p.last_progress_at, today), rules, today);
    if (l.light == p.light && l.Stored() == p.light_reason) return;
    std::string from = p.light;
    p.light = l.light;
    p.light_reason = l.Stored();
    store::UpdateProjectLight(tx.conn(), p.id, p.light, p.light_reason);
    if (from != l.light)
        tx.Emit("project.light", "project", p.id,
                {{"number", p.number}, {"from", from}, {"to", l.light}, {"reason", ReasonsText(l.reasons)}});
}

Result<store::ProjectRow> LoadVisible(store::Conn& c, int64_t id, const Viewer& v) {
    auto p = store::FindProject(c, id);
    if (!p || !v.Sees(*p)) return Error::NotFound("project", id);
    return *p;
}

std::optional<int64_t> DistrictId(store::Conn& c) {
    store::OrgFilter f;
    f.roots_only = true;
    f.kind = "district";
    f.per_page = 10;
    auto list = store::ListOrgs(c, f, core::Scope::All()).first;
    for (auto& u : list)
        if (u.active && !u.parent_id) return u.id;
    return std::nullopt;
}

int SignedYear(const std::optional<std::string>& s) {
    if (!s || s->size() < 4) return 0;
    return std::atoi(s->substr(0, 4).c_str());
}

/// Feeds the indicators for the years a write touched (signing dates before and after).
core::Status FeedYears(store::WriteTx& tx, std::set<int> years) {
    for (int y : years) {
        if (y < 2000) continue;
        auto r = FeedIndicators(tx, y);
        if (!r.ok()) return r.error();
    }
    return core::Status();
}

}  // namespace

// ---------------------------------------------------------------- commands
Result<Json> CreateProject(store::WriteTx& tx, const Json& body, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    if (auto s = OnlyKeys(body, {"name", "project_kind", "major", "stage", "stage_date", "evidence", "place",
                                 "investor", "origin_region", "enterprise_id", "event_id", "lead_unit_id", "leader",
                                 "currency", "fx_rate", "total_investment_wan", "annual_plan_wan", "contract_amount_wan",
                                 "funds_in_place_wan", "registered_capital_wan", "signed_on", "year", "plan_node_id"});
        !s)
        return s.error();
    core::Date today = Today(tx.now_tp());
    store::ProjectRow p;
    p.year = today.y;
    if (!body.contains("name")) return Error::Validation("name", "name is required", "required");
    if (!body.contains("lead_unit_id")) return Error::Validation("lead_unit_id", "lead_unit_id (the responsible unit) is required", "required");
    if (auto s = ApplyFields(tx, body, v, env, &p); !s) return s.error();
    p.stage = "reserve";
    if (body.contains("stage")) {
        if (!body["stage"].is_string() || StageIndex(body["stage"].get<std::string>()) < 0)
            return Error::Validation("stage", "stage must be one of reserve, negotiating, signed, registered, started, completed");
        p.stage = body["stage"].get<std::string>();
    }
    std::optional<std::string> sd;
    if (auto s = PastDate(body, "stage_date", today, &sd); !s) return s.error();
    p.stage_date = sd.value_or(today.ToString());
    std::string evidence = "建檔";
    if (auto s = Text(body, "evidence", 2000, &evidence); !s) return s.error();
    if (evidence.empty()) evidence = "建檔";
    if (StageIndex(p.stage) >= StageIndex("signed") && !p.signed_on) p.signed_on = p.stage_date;
    p.number = "XM-" + std::to_string(p.year) + "-" + [&] {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(store::NextProjectSerial(c, p.year)));
        return std::string(buf);
    }();
    p.last_progress_at = tx.now();
    p.created_at = p.updated_at = tx.now();
    store::InsertProject(c, &p);
    store::StageRow st;
    st.record_id = p.id;
    st.stage = p.stage;
    st.date = p.stage_date;
    st.evidence = evidence;
    st.actor_id = tx.actor().user_id;
    st.actor = v.name.empty() ? tx.actor().name : v.name;
    st.at = tx.now();
    store::InsertStage(c, st);
    auto found = store::FindProject(c, p.id);
    p = *found;
    Relight(tx, p, LoadRules(c));
    tx.Emit("project.create", "project", p.id,
            {{"number", p.number}, {"name", p.name}, {"stage", p.stage}, {"lead_unit_id", Opt(p.lead_unit_id)},
             {"major", p.major}, {"signed_on", Opt(p.signed_on)}});
    if (auto s = FeedYears(tx, {SignedYear(p.signed_on)}); !s) return s.error();
    return ProjectJson1(c, p, v, tx.now_tp());
}

Result<Json> PatchProject(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    store::ProjectRow p = *found;
    if (auto s = OnlyKeys(body, {"version", "name", "project_kind", "major", "place", "investor", "origin_region",
                                 "enterprise_id", "event_id", "lead_unit_id", "leader", "currency", "fx_rate",
                                 "total_investment_wan", "annual_plan_wan", "contract_amount_wan", "funds_in_place_wan",
                                 "registered_capital_wan", "signed_on", "year", "plan_node_id", "stage", "stage_date"});
        !s)
        return s.error();
    if (body.contains("stage") || body.contains("stage_date"))
        return Error::Validation(body.contains("stage") ? "stage" : "stage_date",
                                 "the stage is not patchable: POST /projects/{id}/advance (or revert-stage)", "not_patchable");
    if (auto s = CheckVersion(body, p.version); !s) return s.error();
    if (body.size() == (body.contains("version") ? 1u : 0u)) return Error::Validation("", "nothing to change", "empty_patch");
    auto before = p;
    if (auto s = ApplyFields(tx, body, v, env, &p); !s) return s.error();
    if (before.signed_on && !p.signed_on && StageIndex(p.stage) >= StageIndex("signed"))
        return Error::Validation("signed_on", "a signed project keeps its signing date");
    p.updated_at = tx.now();
    store::UpdateProject(c, p);
    Json changed = Json::object();
    for (auto& [k, val] : body.items())
        if (k != "version") changed[k] = val;
    tx.Emit("project.update", "project", p.id, {{"number", p.number}, {"changed", changed}});
    p = *store::FindProject(c, id);
    Relight(tx, p, LoadRules(c));
    std::set<int> years = {SignedYear(before.signed_on), SignedYear(p.signed_on)};
    if (auto s = FeedYears(tx, years); !s) return s.error();
    return ProjectJson1(c, p, v, tx.now_tp());
}

Result<Json> AdvanceProject(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    store::ProjectRow p = *found;
    if (auto s = OnlyKeys(body, {"to_stage", "date", "evidence", "attachments", "version"}); !s) return s.error();
    if (auto s = CheckVersion(body, p.version); !s) return s.error();
    if (!body.contains("to_stage") || !body["to_stage"].is_string())
        return Error::Validation("to_stage", "to_stage is required", "required");
    std::string to = body["to_stage"].get<std::string>();
    if (auto s = CheckAdvance(p.stage, to); !s) return s.error();
    std::string evidence;
    if (auto s = Text(body, "evidence", 2000, &evidence, true); !s)
        return Error::Validation("evidence", "evidence is required: what shows the project reached " + StageName(to) +
                                                 " (a contract, a licence, a permit ...)",
                                 "required");
    core::Date today = Today(tx.now_tp());
    std::optional<std::string> date;
    if (auto s = PastDate(body, "date", today, &date, true); !s) return s.error();
    if (*date < p.stage_date)
        return Error::Validation("date", "date " + *date + " is before the previous stage's date " + p.stage_date, "before_previous");
    auto att = Attachments(c, body, v, p.id);
    if (!att) return att.error();
    store::StageRow st;
    st.record_id = p.id;
    st.stage = to;
    st.date = *date;
    st.evidence = evidence;
    st.attachments = *att;
    st.actor_id = tx.actor().user_id;
    st.actor = v.name.empty() ? tx.actor().name : v.name;
    st.at = tx.now();
    store::InsertStage(c, st);
    std::string from = p.stage;
    p.stage = to;
    p.stage_date = *date;
    bool signing = to == "signed" && !p.signed_on;
    if (signing) p.signed_on = *date;
    p.last_progress_at = tx.now();
    p.updated_at = tx.now();
    store::UpdateProject(c, p);
    tx.Emit("project.advance", "project", p.id,
            {{"number", p.number}, {"from", from}, {"to", to}, {"date", *date}, {"evidence", evidence},
             {"attachments", *att}});
    p = *store::FindProject(c, id);
    Relight(tx, p, LoadRules(c));
    if (signing)
        if (auto s = FeedYears(tx, {SignedYear(p.signed_on)}); !s) return s.error();
    return ProjectJson1(c, p, v, tx.now_tp());
}

Result<Json> RevertStage(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    store::ProjectRow p = *found;
    if (auto s = OnlyKeys(body, {"reason", "version"}); !s) return s.error();
    if (auto s = CheckVersion(body, p.version); !s) return s.error();
    std::string reason;
    if (auto s = Text(body, "reason", 500, &reason, true); !s) return s.error();
    std::vector<store::StageRow> live;
    for (auto& s : store::ListStages(c, id))
        if (!s.reverted_at) live.push_back(s);
    if (live.size() < 2 || live.back().stage != p.stage)
        return Error::Conflict("stage_order", "nothing to revert: " + StageName(p.stage) + " is the project's first recorded stage");
    store::MarkStageReverted(c, live.back().id, tx.now(), reason);
    const auto& prev = live[live.size() - 2];
    std::string from = p.stage;
    auto old_signed = p.signed_on;
    p.stage = prev.stage;
    p.stage_date = prev.date;
    if (from == "signed" && p.signed_on && *p.signed_on == live.back().date) p.signed_on = std::nullopt;
    p.updated_at = tx.now();
    store::UpdateProject(c, p);
    tx.Emit("project.stage.revert", "project", p.id,
            {{"number", p.number}, {"from", from}, {"to", p.stage}, {"reason", reason}});
    p = *store::FindProject(c, id);
    Relight(tx, p, LoadRules(c));
    if (auto s = FeedYears(tx, {SignedYear(old_signed), SignedYear(p.signed_on)}); !s) return s.error();
    return ProjectJson1(c, p, v, tx.now_tp());
}

Result<Json> AddProgress(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    store::ProjectRow p = *found;
    if (auto s = OnlyKeys(body, {"text", "date", "attachments"}); !s) return s.error();
    std::string text;
    if (auto s = Text(body, "text", 2000, &text, true); !s) return s.error();
    core::Date today = Today(tx.now_tp());
    std::optional<std::string> date;
    if (auto s = PastDate(body, "date", today, &date); !s) return s.error();
    auto att = Attachments(c, body, v, id);
    if (!att) return att.error();
    store::StageRow n;
    n.record_id = id;
    n.stage = p.stage;
    n.date = date.value_or(today.ToString());
    n.evidence = text;
    n.attachments = *att;
    n.actor_id = tx.actor().user_id;
    n.actor = v.name.empty() ? tx.actor().name : v.name;
    n.at = tx.now();
    store::InsertProgress(c, n);
    p.last_progress_at = tx.now();
    p.updated_at = tx.now();
    store::UpdateProject(c, p);
    tx.Emit("project.progress", "project", id, {{"number", p.number}, {"stage", p.stage}, {"text", text}, {"attachments", *att}});
    p = *store::FindProject(c, id);
    Relight(tx, p, LoadRules(c));
    return ProjectJson1(c, p, v, tx.now_tp());
}

Result<Json> ReportInvestment(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    store::ProjectRow p = *found;
    if (auto s = OnlyKeys(body, {"month", "amount_wan", "note"}); !s) return s.error();
    if (!body.contains("month") || !body["month"].is_string())
        return Error::Validation("month", "month is required: YYYY-MM", "required");
    std::string month = body["month"].get<std::string>();
    auto d = core::Date::Parse(month + "-01");
    if (month.size() != 7 || !d || d->y < 2000) return Error::Validation("month", "month must be YYYY-MM");
    core::Date today = Today(tx.now_tp());
    if (d->y > today.y || (d->y == today.y && d->m > today.m))
        return Error::Validation("month", "month " + month + " has not begun", "future_month");
    if (!body.contains("amount_wan")) return Error::Validation("amount_wan", "amount_wan is required", "required");
    int64_t amount = 0;
    if (auto s = Amount(body, "amount_wan", &amount); !s) return s.error();
    std::string note;
    if (auto s = Text(body, "note", 500, &note); !s) return s.error();
    int64_t revision = 1;
    std::optional<int64_t> previous;
    for (auto& r : store::ListInvestments(c, id))
        if (r.month == month) revision = r.revision + 1, previous = r.amount;
    store::InvestmentRow r;
    r.record_id = id;
    r.month = month;
    r.revision = revision;
    r.amount = amount;
    r.note = note;
    r.reported_by = v.name.empty() ? tx.actor().name : v.name;
    r.reported_at = tx.now();
    store::InsertInvestment(c, r);
    p.last_progress_at = tx.now();
    p.updated_at = tx.now();
    store::UpdateProject(c, p);
    Json ev = {{"number", p.number}, {"month", month}, {"amount_wan", UnitsToWan(amount)}, {"revision", revision}};
    if (previous) ev["previous_wan"] = UnitsToWan(*previous);
    tx.Emit(revision > 1 ? "project.investment.revise" : "project.investment", "project", id, ev);
    p = *store::FindProject(c, id);
    Relight(tx, p, LoadRules(c));
    auto out = GetProject(c, id, v, tx.now_tp());
    return out;
}

Result<Json> RaiseProblem(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    const store::ProjectRow& p = *found;
    if (auto s = OnlyKeys(body, {"title", "description", "category", "urgency", "reporter"}); !s) return s.error();
    std::string title, description;
    if (auto s = Text(body, "title", 200, &title, true); !s) return s.error();
    if (auto s = Text(body, "description", 4000, &description); !s) return s.error();
    Json cb = {{"type", "enterprise"}, {"category", body.value("category", Json("Q0401"))}, {"title", title},
               {"description", description.empty() ? p.name + ":" + title : description},
               {"source", "visit"}, {"project_id", p.id}};
    if (body.contains("urgency")) cb["urgency"] = body["urgency"];
    if (body.contains("reporter") && !body["reporter"].is_null())
        cb["reporter"] = body["reporter"].is_string() ? Json{{"name", body["reporter"]}} : body["reporter"];
    if (p.lon && p.lat) cb["lon"] = *p.lon, cb["lat"] = *p.lat;
    if (!p.address.empty() || !p.park.empty()) cb["address"] = p.park + p.address;
    if (p.street_id && !p.grid_id) cb["street_id"] = *p.street_id;
    auto r = cases::CreateCase(tx, cb, env.case_viewer, env.cases, /*place_vouched=*/true);
    if (!r.ok()) {
        auto e = r.error();
        if (e.field == "project_id" || e.field == "type" || e.field == "source") e.field.clear();
        return e;
    }
    tx.Emit("project.problem", "project", p.id, {{"number", p.number}, {"case_id", (*r)["id"]}, {"case_number", (*r)["number"]}});
    return r;
}

Result<Json> IssueFollowup(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    const store::ProjectRow& p = *found;
    if (auto s = OnlyKeys(body, {"content", "reply_days"}); !s) return s.error();
    if (!p.plan_node_id)
        return Error::Validation("plan_node_id", "the project serves no work-plan task (set plan_node_id first)", "no_plan_node");
    plan::Viewer pv{true, core::Scope::All(), v.units, v.user_id, v.name};
    auto r = plan::IssueFollowup(tx, *p.plan_node_id, body, pv, *env.cal);
    if (!r.ok()) return r;
    int64_t fid = (*r)["id"].get<int64_t>();
    if (p.lead_unit_id) {
        auto f = store::FindFollowup(c, fid);
        if (f && f->to_unit_id != p.lead_unit_id) {
            store::ReaddressFollowup(c, fid, *p.lead_unit_id);
            (*r)["to_unit"] = {{"id", *p.lead_unit_id}, {"name", p.lead_unit_name}};
        }
    }
    tx.Emit("project.followup", "project", p.id,
            {{"number", p.number}, {"followup_id", fid}, {"followup_number", (*r)["number"]},
             {"to_unit_id", Opt(p.lead_unit_id)}});
    (*r)["project_id"] = p.id;
    return r;
}

Result<Json> PutRules(store::WriteTx& tx, const Json& body) {
    auto& c = tx.conn();
    auto r = Rules::FromJson(body, LoadRules(c));
    if (!r.ok()) return r.error();
    store::PutSetting(c, "project_rules", core::CanonicalJson(r->ToJson()));
    tx.Emit("project.rules", "settings", std::nullopt, r->ToJson());
    auto sw = Sweep(tx, {});
    if (!sw.ok()) return sw.error();
    return r->ToJson();
}

Result<Json> Sweep(store::WriteTx& tx, const std::vector<int64_t>& ids) {
    auto& c = tx.conn();
    Rules rules = LoadRules(c);
    int64_t evaluated = 0, changed = 0;
    std::set<int64_t> only(ids.begin(), ids.end());
    for (auto& p : store::ListProjects(c)) {
        if (!only.empty() && !only.count(p.id)) continue;
        ++evaluated;
        std::string before = p.light, reason = p.light_reason;
        Relight(tx, p, rules);
        if (p.light != before || p.light_reason != reason) ++changed;
    }
    return Json{{"evaluated", evaluated}, {"changed", changed}};
}

std::vector<int64_t> DueLights(store::Conn& c, core::TimePoint now) {
    Rules rules = LoadRules(c);
    core::Date today = Today(now);
    std::vector<int64_t> out;
    for (auto& p : store::ListProjects(c)) {
        auto l = EvaluateLight(p.stage, DateOf(p.stage_date, today), InstantDate(p.last_progress_at, today), rules, today);
        if (l.light != p.light || l.Stored() != p.light_reason) out.push_back(p.id);
    }
    return out;
}

Result<Json> FeedIndicators(store::WriteTx& tx, int64_t year) {
    auto& c = tx.conn();
    auto district = DistrictId(c);
    if (!district) return Json{{"written", 0}};
    core::Date today = Today(tx.now_tp());
    int last = year < today.y ? 12 : year == today.y ? today.m : 0;
    auto projects = store::ListProjects(c);
    indicators::Viewer all{core::Scope::All(), "項目庫(自動)"};
    int written = 0;
    std::string prefix = std::to_string(year) + "-";
    for (int m = 1; m <= last; ++m) {
        char upto[32];
        std::snprintf(upto, sizeof upto, "%04lld-%02d-31", static_cast<long long>(year), m);
        int64_t count = 0, contract = 0, fdi_usd = 0, domestic = 0;
        for (auto& p : projects) {
            if (!p.signed_on || p.signed_on->rfind(prefix, 0) != 0 || *p.signed_on > upto) continue;
            ++count;
            contract += ToYuan(p.contract_amount, p.currency, p.fx_rate_e4);
            // funds in place as the dashboard counts them: dollars of USD projects, yuan of the rest
            if (p.currency == "USD") fdi_usd += p.funds_in_place;
            else domestic += p.funds_in_place;
        }
        auto ents = store::CountEnterprises(c, year, m, 1000000);
        // 億 with 2 decimals: round half up on hundredths of 億 (10^6 yuan or dollars).
        auto yi = [](int64_t units) {
            int64_t hundredths = (units + 500000) / 1000000;
            char text[32];
            std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(hundredths / 100),
                          static_cast<long long>(hundredths % 100));
            return std::string(text);
        };
        // The last two are also the statistics bureau's: a figure it has reported (any other source)
        // stands, and the projects' sum fills only the months it has not.
        struct Feed {
            const char* code;
            std::string value;
            bool yields;
        };
        Feed values[] = {{"PROJ_SIGNED", std::to_string(count), false},
                         {"PROJ_CONTRACT", yi(contract), false},
                         {"ENT_1M", std::to_string(ents.first), false},
                         {"FDI", yi(fdi_usd), true},
                         {"DOMESTIC_CAP", yi(domestic), true}};
        for (auto& [code, value, yields] : values) {
            auto def = store::FindIndicatorDefByCode(c, code);
            if (!def) continue;
            auto cur = store::FindIndicatorValueAt(c, def->id, *district, static_cast<int>(year), m);
            if (cur && yields && cur->source != "projects") continue;
            if (!cur && yields && value == "0.00") continue;
            if (cur) {
                auto have = indicators::Decimal::FromUnits(cur->units, static_cast<int>(cur->scale)).ToString();
                auto want = indicators::Decimal::Parse(value);
                if (want.ok() && have == want->ToString()) continue;
            }
            Json vb = {{"indicator", code}, {"unit_id", *district}, {"period", indicators::FormatPeriod(static_cast<int>(year), m)},
                       {"value", value}, {"status", "preliminary"}, {"source", "projects"}, {"confirm_jump", true},
                       {"note", "由項目庫自動匯總(1-" + std::to_string(m) + "月累計)"}};
            auto r = indicators::PutValue(tx, vb, all);
            if (!r.ok()) return r.error();
            ++written;
        }
    }
    return Json{{"written", written}};
}

// ---------------------------------------------------------------- enterprises and events
namespace {
// With its street's name: the register is read outside the street's scope, where the street
// cannot be read by id. `names` caches the names over a list.
Json EnterpriseJson(store::Conn& c, const store::EnterpriseRow& e, std::map<int64_t, std::string>* names = nullptr) {
    Json street_name = nullptr;
    if (e.street_id) {
        auto it = names ? names->find(*e.street_id) : std::map<int64_t, std::string>::iterator{};
        if (names && it != names->end()) {
            street_name = it->second;
        } else if (auto u = store::FindOrg(c, *e.street_id, core::Scope::All())) {
            street_name = u->name;
            if (names) (*names)[*e.street_id] = u->name;
        }
    }
    return {{"id", e.id}, {"name", e.name}, {"credit_code", e.credit_code}, {"origin_region", e.origin_region},
            {"registered_capital_wan", UnitsToWan(e.registered_capital)}, {"registered_on", Opt(e.registered_on)},
            {"street_id", Opt(e.street_id)}, {"street_name", street_name}, {"generated", e.generated},
            {"created_at", e.created_at}, {"updated_at", e.updated_at}, {"version", e.version}};
}

core::Status ApplyEnterprise(store::WriteTx& tx, const Json& b, store::EnterpriseRow* e) {
    auto& c = tx.conn();
    if (auto s = Text(b, "name", 200, &e->name, b.contains("name")); !s) return s;
    if (b.contains("credit_code")) {
        if (!b["credit_code"].is_string()) return Error::Validation("credit_code", "credit_code must be a string of 18 characters");
        std::string code = core::Trim(b["credit_code"].get<std::string>());
        auto chk = CheckCreditCode(code);
        if (!chk.valid) return Error::Validation("credit_code", chk.message, "bad_credit_code");
        auto other = store::FindEnterpriseByCode(c, code);
        if (other && other->id != e->id)
            return Error::Conflict("duplicate", "an enterprise with credit code " + code + " exists (id " + std::to_string(other->id) + ")", "credit_code");
        e->credit_code = code;
    }
    if (auto s = Text(b, "origin_region", 50, &e->origin_region); !s) return s;
    if (b.contains("registered_capital_wan")) {
        if (auto s = Amount(b, "registered_capital_wan", &e->registered_capital); !s) return s;
    }
    if (auto s = PastDate(b, "registered_on", Today(tx.now_tp()), &e->registered_on); !s) return s;
    if (auto s = OptId(b, "street_id", &e->street_id); !s) return s;
    if (b.contains("street_id") && e->street_id) {
        auto u = store::FindOrg(c, *e->street_id, core::Scope::All());
        if (!u || u->kind != "street") return Error::Validation("street_id", "street_id is not a street");
    }
    return core::Status();
}
}  // namespace

Result<Json> CreateEnterprise(store::WriteTx& tx, const Json& body, const Viewer&) {
    if (auto s = OnlyKeys(body, {"name", "credit_code", "origin_region", "registered_capital_wan", "registered_on",
                                 "street_id"});
        !s)
        return s.error();
    for (const char* k : {"name", "credit_code", "registered_capital_wan"})
        if (!body.contains(k)) return Error::Validation(k, std::string(k) + " is required", "required");
    store::EnterpriseRow e;
    if (auto s = ApplyEnterprise(tx, body, &e); !s) return s.error();
    e.created_at = e.updated_at = tx.now();
    e.id = store::InsertEnterprise(tx.conn(), e);
    tx.Emit("enterprise.create", "enterprise", e.id,
            {{"name", e.name}, {"credit_code", e.credit_code}, {"registered_capital_wan", UnitsToWan(e.registered_capital)}});
    if (e.registered_on)
        if (auto s = FeedYears(tx, {SignedYear(e.registered_on)}); !s) return s.error();
    return EnterpriseJson(tx.conn(), e);
}

namespace {
// The register is read by every project.read holder; it is edited within the data scope: an
// enterprise in a street of the scope, or one a project the viewer sees is linked to.
bool StreetInScope(store::Conn& c, std::optional<int64_t> street, const Viewer& v) {
    if (!street) return false;
    auto u = store::FindOrg(c, *street, core::Scope::All());
    return u && v.scope.Contains(u->path);
}
// The projects naming the enterprise that the viewer sees.
std::vector<store::ProjectRow> SeenProjectsOf(store::Conn& c, int64_t enterprise_id, const Viewer& v) {
    std::vector<store::ProjectRow> out;
    for (auto& p : store::ListProjectsOfEnterprise(c, enterprise_id))
        if (v.Sees(p)) out.push_back(std::move(p));
    return out;
}
bool MayEditEnterprise(store::Conn& c, const store::EnterpriseRow& e, const Viewer& v,
                       const std::vector<store::ProjectRow>& seen_projects) {
    return v.all || v.scope.all || v.may_admin || StreetInScope(c, e.street_id, v) || !seen_projects.empty();
}
}  // namespace

Result<Json> PatchEnterprise(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v) {
    auto found = store::FindEnterprise(tx.conn(), id);
    if (!found) return Error::NotFound("enterprise", id);
    if (!MayEditEnterprise(tx.conn(), *found, v, SeenProjectsOf(tx.conn(), id, v)))
        return Error::Forbidden("the enterprise lies outside your data scope (its street is not yours, and no project of yours names it)");
    store::EnterpriseRow e = *found;
    if (auto s = OnlyKeys(body, {"version", "name", "credit_code", "origin_region", "registered_capital_wan",
                                 "registered_on", "street_id"});
        !s)
        return s.error();
    if (body.contains("version") && (!body["version"].is_number_integer() || body["version"].get<int64_t>() != e.version))
        return Error::Conflict("version_conflict", "the enterprise was changed by someone else; reload and try again", "version");
    if (auto s = ApplyEnterprise(tx, body, &e); !s) return s.error();
    if (e.street_id != found->street_id && e.street_id && !(v.all || v.scope.all || v.may_admin) &&
        !StreetInScope(tx.conn(), e.street_id, v))
        return Error::Validation("street_id", "street_id is outside your data scope", "out_of_scope");
    e.updated_at = tx.now();
    store::UpdateEnterprise(tx.conn(), e);
    e.version += 1;
    Json changed = Json::object();
    for (auto& [k, val] : body.items())
        if (k != "version") changed[k] = val;
    tx.Emit("enterprise.update", "enterprise", e.id, {{"changed", changed}});
    if (auto s = FeedYears(tx, {SignedYear(found->registered_on), SignedYear(e.registered_on)}); !s) return s.error();
    return EnterpriseJson(tx.conn(), e);
}

Result<Json> CreatePromotionEvent(store::WriteTx& tx, const Json& body) {
    if (auto s = OnlyKeys(body, {"name", "city", "held_on"}); !s) return s.error();
    store::PromotionEventRow e;
    if (auto s = Text(body, "name", 200, &e.name, true); !s) return s.error();
    if (auto s = Text(body, "city", 50, &e.city); !s) return s.error();
    if (body.contains("held_on") && !body["held_on"].is_null()) {
        if (!body["held_on"].is_string() || !core::Date::Parse(body["held_on"].get<std::string>()))
            return Error::Validation("held_on", "held_on must be a date YYYY-MM-DD");
        e.held_on = body["held_on"].get<std::string>();
    }
    if (store::FindPromotionEventByName(tx.conn(), e.name))
        return Error::Conflict("duplicate", "a promotion event named " + e.name + " exists", "name");
    e.created_at = tx.now();
    e.id = store::InsertPromotionEvent(tx.conn(), e);
    tx.Emit("promotion_event.create", "promotion_event", e.id, {{"name", e.name}, {"city", e.city}});
    return Json{{"id", e.id}, {"name", e.name}, {"city", e.city}, {"held_on", Opt(e.held_on)}};
}

Json ListEnterprises(store::Conn& c, const store::EnterpriseFilter& f) {
    auto [rows, total] = store::ListEnterprises(c, f);
    Json items = Json::array();
    std::map<int64_t, std::string> names;
    for (auto& e : rows) items.push_back(EnterpriseJson(c, e, &names));
    return {{"items", items}, {"total", total}, {"page", f.page}, {"per_page", f.per_page}};
}

Result<Json> GetEnterprise(store::Conn& c, int64_t id, const Viewer& v) {
    auto e = store::FindEnterprise(c, id);
    if (!e) return Error::NotFound("enterprise", id);
    Json j = EnterpriseJson(c, *e);
    auto seen = SeenProjectsOf(c, id, v);  // read once: for may_edit and the list
    j["may_edit"] = v.may_write && MayEditEnterprise(c, *e, v, seen);
    Json projects = Json::array();
    for (auto& p : seen) projects.push_back({{"id", p.id}, {"number", p.number}, {"name", p.name}});
    j["projects"] = projects;
    return j;
}

Json ListPromotionEvents(store::Conn& c) {
    Json items = Json::array();
    for (auto& e : store::ListPromotionEvents(c))
        items.push_back({{"id", e.id}, {"name", e.name}, {"city", e.city}, {"held_on", Opt(e.held_on)}});
    return {{"items", items}, {"total", items.size()}, {"page", 1}, {"per_page", items.size()}};
}

// ---------------------------------------------------------------- reads
Result<Json> ListProjects(store::Conn& c, const ProjectFilter& f, const Viewer& v, core::TimePoint now) {
    std::vector<store::ProjectRow> rows;
    const std::string q_simplified = core::ToSimplified(f.q);  // 大厦 finds 大廈
    auto has = [&](const std::string& text) { return core::ContainsZh(text, f.q, q_simplified); };
    for (auto& p : store::ListProjects(c)) {
        if (!v.Sees(p)) continue;
        if (!f.stage.empty() && p.stage != f.stage) continue;
        if (!f.project_kind.empty() && p.project_kind != f.project_kind) continue;
        if (!f.light.empty() && p.light != f.light) continue;
        if (f.major && !p.major) continue;
        if (f.unit_id && p.lead_unit_id != f.unit_id) continue;
        if (f.event_id && p.event_id != f.event_id) continue;
        if (f.year && p.year != *f.year && SignedYear(p.signed_on) != *f.year) continue;
        if (!f.q.empty() && !has(p.name) && p.number.find(f.q) == std::string::npos && !has(p.investor) &&
            !has(p.park))
            continue;
        rows.push_back(std::move(p));
    }
    std::string sort = f.sort.empty() ? "number" : f.sort;
    bool desc = sort[0] == '-';
    std::string key = desc ? sort.substr(1) : sort;
    static const std::set<std::string> kSorts = {"number", "name", "stage", "light", "total_investment", "stage_date", "updated_at"};
    if (!kSorts.count(key))
        return Error{core::ErrorKind::kBadRequest, "invalid_query", "sort must be one of number, name, stage, light, total_investment, stage_date, updated_at (- for descending)", "sort"};
    auto light_rank = [](const std::string& l) { return l == "red" ? 2 : l == "yellow" ? 1 : 0; };
    auto less = [&](const store::ProjectRow& a, const store::ProjectRow& b) {
        if (key == "name") return a.name < b.name;
        if (key == "stage") return StageIndex(a.stage) < StageIndex(b.stage);
        if (key == "light") return light_rank(a.light) < light_rank(b.light);
        if (key == "total_investment")
            return ToYuan(a.total_investment, a.currency, a.fx_rate_e4) < ToYuan(b.total_investment, b.currency, b.fx_rate_e4);
        if (key == "stage_date") return a.stage_date < b.stage_date;
        if (key == "updated_at") return a.updated_at < b.updated_at;
        return a.number < b.number;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const store::ProjectRow& a, const store::ProjectRow& b) {
        return desc ? less(b, a) : less(a, b);
    });
    Extras x = LoadExtras(c, Today(now).y, std::nullopt);
    Json items = Json::array();
    int64_t total = static_cast<int64_t>(rows.size());
    for (int64_t i = (f.page - 1) * f.per_page; i < total && i < f.page * f.per_page; ++i)
        items.push_back(ProjectJson(c, rows[i], x, v));
    Json counts = {{"green", 0}, {"yellow", 0}, {"red", 0}};
    for (auto& p : rows) counts[p.light] = counts[p.light].get<int64_t>() + 1;
    return Json{{"items", items}, {"total", total}, {"page", f.page}, {"per_page", f.per_page}, {"lights", counts}};
}

Result<Json> GetProject(store::Conn& c, int64_t id, const Viewer& v, core::TimePoint now, const cases::Registry* types) {
    auto found = LoadVisible(c, id, v);
    if (!found) return found.error();
    const auto& p = *found;
    Json j = ProjectJson1(c, p, v, now);
    Json timeline = Json::array(), reverted = Json::array();
    for (auto& s : store::ListStages(c, id)) {
        Json e = {{"stage", s.stage}, {"stage_name", StageName(s.stage)}, {"date", s.date}, {"evidence", s.evidence},
                  {"attachments", s.attachments}, {"actor", s.actor}, {"at", s.at}};
        if (s.reverted_at) {
            e["reverted_at"] = *s.reverted_at;
            e["revert_reason"] = s.revert_reason.value_or("");
            reverted.push_back(e);
        } else {
            timeline.push_back(e);
        }
    }
    j["timeline"] = timeline;
    Json progress = Json::array();
    for (auto& s : store::ListProgress(c, id))
        progress.push_back({{"stage", s.stage}, {"stage_name", StageName(s.stage)}, {"date", s.date}, {"text", s.evidence},
                            {"attachments", s.attachments}, {"actor", s.actor}, {"at", s.at}});
    j["progress"] = progress;
    j["reverted_stages"] = reverted;
    // Investments: the revision in force per month, with the cumulative figure; revisions kept.
    std::map<std::string, store::InvestmentRow> cur;
    std::map<std::string, Json> revisions;
    for (auto& r : store::ListInvestments(c, id)) {
        auto it = cur.find(r.month);
        if (it != cur.end())
            revisions[r.month].push_back({{"revision", it->second.revision}, {"amount_wan", UnitsToWan(it->second.amount)},
                                          {"reported_by", it->second.reported_by}, {"reported_at", it->second.reported_at}});
        cur[r.month] = r;
    }
    Json inv = Json::array();
    int64_t cum = 0;
    for (auto& [m, r] : cur) {
        cum += r.amount;
        Json e = {{"month", m}, {"amount_wan", UnitsToWan(r.amount)}, {"cumulative_wan", UnitsToWan(cum)},
                  {"revision", r.revision}, {"reported_by", r.reported_by}, {"reported_at", r.reported_at}, {"note", r.note}};
        e["previous"] = revisions.count(m) ? revisions[m] : Json::array();
        inv.push_back(e);
    }
    j["investments"] = inv;
    core::Date today = Today(now);
    Json probs = Json::array();
    // The project's problems, as a summary, to whoever sees the project and may read cases: they
    // are the project's own (raised on it), though a case opens in full only within its case scope.
    auto cases_rows = v.may_read_cases ? store::ListProjectCases(c, id) : std::vector<store::ProjectCaseRow>{};
    std::stable_sort(cases_rows.begin(), cases_rows.end(),
                     [](const auto& a, const auto& b) { return OpenCase(a) && !OpenCase(b); });
    for (auto& r : cases_rows) {
        std::string stage_name = r.stage;
        if (types) {
            if (auto t = types->Get("enterprise"))
                if (auto* s = t->FindStage(r.stage)) stage_name = s->name;
        }
        core::Date from = InstantDate(r.reported_at, today);
        core::Date to = r.closed_at ? InstantDate(*r.closed_at, today) : today;
        probs.push_back({{"case_id", r.case_id}, {"number", r.number}, {"title", r.title}, {"stage", r.stage},
                         {"stage_name", stage_name}, {"status", r.status}, {"reported_at", r.reported_at},
                         {"waited_days", to.DaysSinceEpoch() - from.DaysSinceEpoch()}, {"light", r.light}});
    }
    j["problems"] = probs;
    Json fus = Json::array();
    if (p.plan_node_id) {
        store::FollowupFilter ff;
        ff.node_id = *p.plan_node_id;
        for (auto& f : store::ListFollowups(c, ff))
            if (!p.lead_unit_id || f.to_unit_id == p.lead_unit_id)
                fus.push_back({{"id", f.id}, {"number", f.number}, {"content", f.content}, {"issued_at", f.issued_at},
                               {"reply_due", f.reply_due}, {"state", f.state}, {"light", f.light},
                               {"replied_at", Opt(f.replied_at)}});
    }
    j["followups"] = fus;
    return j;
}

Json Stalls(store::Conn& c, const Viewer& v, core::TimePoint now) {
    Rules rules = LoadRules(c);
    core::Date today = Today(now);
    Json out = {{"signed_not_registered", Json::array()}, {"registered_not_started", Json::array()},
                {"started_not_completed", Json::array()}};
    for (auto& p : store::ListProjects(c)) {
        if (!v.Sees(p)) continue;
        const char* list = p.stage == "signed" ? "signed_not_registered"
                           : p.stage == "registered" ? "registered_not_started"
                           : p.stage == "started" ? "started_not_completed" : nullptr;
        if (!list) continue;
        int64_t limit = rules.LimitDays(p.stage);
        int64_t days = today.DaysSinceEpoch() - DateOf(p.stage_date, today).DaysSinceEpoch();
        if (days <= limit) continue;
        out[list].push_back({{"id", p.id}, {"number", p.number}, {"name", p.name}, {"stage", p.stage},
                             {"stage_name", StageName(p.stage)}, {"stage_date", p.stage_date},
                             {"days_in_stage", days}, {"limit_days", limit}, {"light", p.light},
                             {"light_reason", StoredReasonText(p.light_reason)},
                             {"light_reasons", StoredReasons(p.light_reason)}, {"major", p.major},
                             {"lead_unit", p.lead_unit_id ? Json{{"id", *p.lead_unit_id}, {"name", p.lead_unit_name}} : Json(nullptr)},
                             {"leader", p.leader}});
    }
    for (auto& [k, list] : out.items())
        std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
            return a["days_in_stage"].get<int64_t>() - a["limit_days"].get<int64_t>() >
                   b["days_in_stage"].get<int64_t>() - b["limit_days"].get<int64_t>();
        });
    out["limits_days"] = rules.ToJson()["limits_days"];
    return out;
}

Json Dashboard(store::Conn& c, int64_t year, const Viewer& v, core::TimePoint now) {
    auto invest = InvestSums(c, static_cast<int>(year));
    std::string prefix = std::to_string(year) + "-";
    int64_t major_count = 0, major_completed = 0, major_invested = 0, signed_count = 0, signed_contract = 0;
    int64_t fdi_usd = 0, domestic = 0, plan_total = 0;
    std::map<int64_t, std::pair<int64_t, int64_t>> by_event;
    std::map<std::string, std::pair<int64_t, int64_t>> by_region;
    std::vector<int64_t> done(12, 0);
    std::map<std::string, std::pair<int64_t, int64_t>> funnel;
    for (auto& p : store::ListProjects(c)) {
        if (!v.Sees(p)) continue;
        bool signed_in_year = p.signed_on && p.signed_on->rfind(prefix, 0) == 0;
        if (p.year == year || signed_in_year) {
            auto& f = funnel[p.stage];
            f.first++;
            f.second += ToYuan(p.total_investment, p.currency, p.fx_rate_e4);
        }
        if (p.major && p.year == year) {
            ++major_count;
            if (p.stage == "completed") ++major_completed;
            plan_total += ToYuan(p.annual_plan, p.currency, p.fx_rate_e4);
            auto it = invest.find(p.id);
            if (it != invest.end())
                for (auto& [m, amount] : it->second.by_month)
                    if (m.rfind(prefix, 0) == 0) {
                        int64_t y = ToYuan(amount, p.currency, p.fx_rate_e4);
                        major_invested += y;
                        int mi = std::atoi(m.substr(5, 2).c_str());
                        if (mi >= 1 && mi <= 12) done[mi - 1] += y;
                    }
        }
        if (signed_in_year) {
            ++signed_count;
            int64_t amount = ToYuan(p.contract_amount, p.currency, p.fx_rate_e4);
            signed_contract += amount;
            if (p.event_id) {
                by_event[*p.event_id].first++;
                by_event[*p.event_id].second += amount;
            }
            auto& r = by_region[p.origin_region.empty() ? "未填" : p.origin_region];
            r.first++;
            r.second += amount;
            if (p.currency == "USD") fdi_usd += p.funds_in_place;
            else domestic += p.funds_in_place;
        }
    }
    auto ents = store::CountEnterprises(c, year, 12, 1000000);
    std::map<int64_t, store::PromotionEventRow> events;
    for (auto& e : store::ListPromotionEvents(c)) events[e.id] = e;
    Json ev_totals = Json::array(), ev_list = Json::array();
    for (auto& [id, cnt] : by_event) {
        std::string name = events.count(id) ? events[id].name : "";
        ev_totals.push_back({{"event_id", id}, {"name", name}, {"signed_count", cnt.first}, {"contract_yi", Yi(cnt.second)}});
        ev_list.push_back({{"event_id", id}, {"event", name}, {"count", cnt.first}, {"contract_wan", UnitsToWan(cnt.second)}});
    }
    Json fun = Json::array();
    for (auto& s : ProjectStages()) {
        auto it = funnel.find(s.code);
        fun.push_back({{"stage", s.code}, {"stage_name", s.name}, {"count", it == funnel.end() ? 0 : it->second.first},
                       {"total_investment_wan", UnitsToWan(it == funnel.end() ? 0 : it->second.second)}});
    }
    Json months = Json::array();
    int64_t cum = 0;
    // Months not yet begun have no figures (null), not a zero and a flat cumulative line.
    const core::Date today = Today(now);
    const int last_month = year < today.y ? 12 : year > today.y ? 0 : today.m;
    for (int m = 1; m <= 12; ++m) {
        cum += done[m - 1];
        // The plan by time: the annual plans spread evenly over the months, cumulative.
        int64_t plan = plan_total * m / 12;
        const bool begun = m <= last_month;
        months.push_back({{"month", indicators::FormatPeriod(static_cast<int>(year), m)}, {"plan_wan", UnitsToWan(plan)},
                          {"done_wan", begun ? Json(UnitsToWan(done[m - 1])) : Json(nullptr)},
                          {"cumulative_wan", begun ? Json(UnitsToWan(cum)) : Json(nullptr)}});
    }
    Json regions = Json::array();
    for (auto& [r, cnt] : by_region) regions.push_back({{"region", r}, {"count", cnt.first}, {"contract_wan", UnitsToWan(cnt.second)}});
    return {{"year", year},
            {"totals", {{"major_count", major_count}, {"major_completed", major_completed},
                        {"major_invested_yi", Yi(major_invested)}, {"signed_count", signed_count},
                        {"signed_contract_yi", Yi(signed_contract)}, {"events", ev_totals},
                        {"enterprises_1m_count", ents.first}, {"enterprises_1m_capital_yi", Yi(ents.second)},
                        {"fdi_usd_yi", Yi(fdi_usd)}, {"domestic_capital_yi", Yi(domestic)}}},
            {"funnel", fun},
            {"investment_by_month", months},
            {"signings_by_region", regions},
            {"signings_by_event", ev_list}};
}

}  // namespace duban::registry
