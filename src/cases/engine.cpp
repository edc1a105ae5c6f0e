// The case engine's commands and reads over the configuration in cases/config.cpp.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "blobs/blobs.hpp"
#include "cases/cases.hpp"
#include "store/repos.hpp"
#include "store/project_repos.hpp"

namespace duban::cases {
namespace {

using core::Error;
using core::FormatUtc;
using core::TimePoint;

TimePoint Parse(const std::string& s) {
    TimePoint t{};
    core::ParseRfc3339(s, &t);
    return t;
}
std::optional<TimePoint> ParseOpt(const std::optional<std::string>& s) {
    if (!s) return std::nullopt;
    return Parse(*s);
}

bool ValidIdNumber(const std::string& s) {
    if (s.size() != 18) return false;
    static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        sum += (s[i] - '0') * w[i];
    }
    char last = static_cast<char>(std::toupper(static_cast<unsigned char>(s[17])));
    return check[sum % 11] == last;
}

bool ValidPhone(const std::string& s) {
    if (s.size() < 7 || s.size() > 20) return false;
    for (char ch : s)
        if (!((ch >= '0' && ch <= '9') || ch == '-')) return false;
    return true;
}

/// Org facts a case needs: a unit's path and, for a grid, its community and street.
struct Place {
    std::string path;
    std::optional<int64_t> grid_id, community_id, street_id;
};

std::optional<store::OrgUnit> Unit(store::Conn& c, int64_t id) {
    auto u = store::FindOrg(c, id, core::Scope::All());
    if (!u || !u->active) return std::nullopt;
    return u;
}

/// A unit that may lead or co-handle a case: active, and not a grid (a grid has its inspectors,
/// who report and verify; a street, community or department handles).
bool MayHandle(const std::optional<store::OrgUnit>& u) { return u && u->kind != "grid"; }
constexpr const char* kHandlerKinds = "an active street, community, department or district (not a grid)";

/// The place of a grid, community or street: its ancestors up to the street.
std::optional<Place> PlaceOf(store::Conn& c, int64_t unit_id) {
    auto u = Unit(c, unit_id);
    if (!u) return std::nullopt;
    Place p;
    p.path = u->path;
    auto cur = u;
    for (int guard = 0; cur && guard < 8; ++guard) {
        if (cur->kind == "grid") p.grid_id = cur->id;
        else if (cur->kind == "community") p.community_id = cur->id;
        else if (cur->kind == "street") {
            p.street_id = cur->id;
            break;
        } else break;
        if (!cur->parent_id) break;
        cur = Unit(c, *cur->parent_id);
    }
    if (!p.street_id && !p.community_id && !p.grid_id) return std::nullopt;
    return p;
}

std::string UnitPath(store::Conn& c, std::optional<int64_t> id) {
    if (!id) return "";
    auto u = store::FindOrg(c, *id, core::Scope::All());
    return u ? u->path : "";
}

/// Whether unit lies in the subtree of `subject` (or is it): a petition's 被反映单位 and its sub-units
/// may neither lead nor co-handle it.
bool InSubjectLine(store::Conn& c, int64_t unit, std::optional<int64_t> subject) {
    if (!subject) return false;
    if (unit == *subject) return true;
    const std::string path = UnitPath(c, unit);
    return path.find("/" + std::to_string(*subject) + "/") != std::string::npos;
}

/// A petition's 被反映单位 must be an active department, street or community: the district would leave
/// no unit to handle it (that goes to the city), and a grid is no office.
core::Status CheckSubject(store::Conn& c, int64_t id) {
    auto su = Unit(c, id);
    if (!su) return Error::Validation("subject_unit_id", "subject_unit_id is not an active org unit");
    if (su->kind == "district" || su->kind == "grid")
        return Error::Validation("subject_unit_id", "subject_unit_id must be a department, street or community (a petition against the district goes to the city)");
    return core::Status();
}

/// The cases merged into a case, at any depth (並單 of 並單). A petition's duplicates carry the same
/// letter and petitioner: they take its 被反映单位, so the accused unit does not read them where they
/// were led.
std::vector<store::CaseRow> MergedDuplicates(store::Conn& c, int64_t id) {
    std::vector<store::CaseRow> out;
    std::vector<int64_t> todo = store::CasesMergedInto(c, id);
    std::set<int64_t> seen{id};
    while (!todo.empty()) {
        int64_t d = todo.back();
        todo.pop_back();
        if (!seen.insert(d).second) continue;
        auto dr = store::FindCase(c, d);
        if (!dr) continue;
        out.push_back(*dr);
        for (auto more : store::CasesMergedInto(c, d)) todo.push_back(more);
    }
    return out;
}

/// "|" + location path + "|" + lead path + "|" + co paths: what scope filters match. A petition's
/// location is left out: it is seen by the units that handle it, not by its place's offices.
void RebuildPaths(store::Conn& c, store::CaseRow& r) {
    std::string loc;
    if (r.type == "petition") {
    } else if (r.grid_id) loc = UnitPath(c, r.grid_id);
    else if (r.community_id) loc = UnitPath(c, r.community_id);
    else if (r.street_id) loc = UnitPath(c, r.street_id);
    std::string out = "|" + loc + "|" + UnitPath(c, r.lead_unit_id) + "|";
    for (auto id : r.co_units) out += UnitPath(c, id) + "|";
    r.paths = out;
}

std::string Opt(const std::optional<std::string>& s) { return s ? *s : ""; }

Json J(const std::optional<std::string>& s) { return s ? Json(*s) : Json(); }
Json J(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(); }

/// Sets the clock of the stage the case enters at now.
void EnterStage(store::CaseRow& r, const CaseType& t, const std::string& stage, TimePoint now, const core::WorkCalendar& cal) {
    const Stage* st = t.FindStage(stage);
    r.stage = stage;
    r.stage_started_at = FormatUtc(now);
    r.paused_at.reset();
    r.pending_extension = Json();
    r.light = "green";
    r.light_reason.clear();
    if (!st || st->closed) {
        r.stage_due_at.reset();
        r.stage_yellow_at.reset();
        if (r.status != "merged") r.status = "closed";
        if (!r.closed_at) r.closed_at = FormatUtc(now);
        return;
    }
    if (r.status == "closed") r.closed_at.reset();  // reopened (返工 after a review, 復查)
    r.status = "open";
    auto lim = t.LimitFor(stage, r.category);
    if (!lim) {
        r.stage_due_at.reset();
        r.stage_yellow_at.reset();
        return;
    }
    TimePoint due = Deadline(*lim, r.urgency, now, cal);
    r.stage_due_at = FormatUtc(due);
    r.stage_yellow_at = FormatUtc(ShareAt(lim->unit, now, due, t.yellow_share, cal));
    if (stage == t.handling_stage) r.due_at = r.stage_due_at;
}

std::string StageUnit(const CaseType& t, const store::CaseRow& r) {
    auto lim = t.LimitFor(r.stage, r.category);
    return lim ? lim->unit : "workdays";
}

/// The light at now; returns the instant it may next change.
std::optional<TimePoint> Relight(store::CaseRow& r, TimePoint now) {
    if (r.status != "open" && r.status != "suspended") return std::nullopt;
    auto l = Evaluate(ParseOpt(r.stage_yellow_at), ParseOpt(r.stage_due_at), r.status == "suspended", r.light, now);
    r.light = l.light;
    r.light_reason = l.reason;
    return l.next_check;
}

Json WatchEntry(int64_t id, std::optional<TimePoint> at) {
    return Json::array({id, at ? Json(FormatUtc(*at)) : Json()});
}

/// `choices`: the action's fixed-list fields, whose codes the event keeps as they are (a code is no
/// one's personal data); every other text field is kept as its digest.
void Record(store::WriteTx& tx, const store::CaseRow& r, const std::string& action, const std::string& from,
            const std::string& to, const std::string& note, Json data, const std::vector<Choice>* choices = nullptr) {
    store::CaseStepRow s;
    s.case_id = r.id;
    s.seq = store::NextCaseStepSeq(tx.conn(), r.id);
    s.at = tx.now();
    s.actor_id = tx.actor().user_id;
    s.actor = tx.actor().name;
    s.action = action;
    s.from_stage = from;
    s.to_stage = to;
    s.note = note;
    s.data = data;
    store::InsertCaseStep(tx.conn(), s);
    // The auditor reads every event, and free text (a note, a reason, a free-form field) may carry a
    // citizen's name or phone: the event keeps the text's SHA-256 and length, which proves what was
    // written, while the text itself stays in the case's history, behind the case scope.
    auto digest = [](const std::string& text) {
        return Json{{"sha256", core::Sha256Hex(text)}, {"chars", core::Utf8Length(text)}};
    };
    Json payload = {{"number", r.number}, {"type", r.type}, {"from", from}, {"to", to}, {"seq", s.seq}};
    if (!note.empty()) payload["note"] = digest(note);
    for (const char* k : {"unit_id", "co_units", "rating", "solved", "target_id", "amount", "attachments", "subject_unit_id", "from_subject_unit_id"})
        if (data.contains(k)) payload[k] = data[k];
    if (data.contains("reason") && data["reason"].is_string()) payload["reason"] = digest(data["reason"].get<std::string>());
    if (data.contains("fields") && data["fields"].is_object()) {
        Json f = Json::object();
        auto is_choice = [&](const std::string& k) {
            return choices && std::any_of(choices->begin(), choices->end(), [&](const Choice& c) { return c.key == k; });
        };
        // a choice's code and a yes/no or number as they are; any text, list or object as its digest
        for (auto& [k, v] : data["fields"].items())
            f[k] = v.is_string() ? (is_choice(k) ? v : digest(v.get<std::string>()))
                   : (v.is_object() || v.is_array()) ? digest(v.dump())
                                                     : v;
        payload["fields"] = f;
    }
    tx.Emit("case." + action, "case", r.id, payload);
}

struct DispatchPick {
    int64_t lead = 0;
    std::vector<int64_t> co;
};
std::optional<DispatchPick> MatchRule(store::Conn& c, const store::CaseRow& r) {
    int best = -1;
    std::optional<DispatchPick> pick;
    // Only the type's rules for the 小類, its 大類 or "*" are read.
    for (const auto& rule : store::DispatchRulesFor(c, r.type, r.category, r.category_major)) {
        const int cs = rule.category == r.category ? 2 : rule.category == r.category_major ? 1 : 0;
        int ls;
        if (rule.grid_id) {
            if (rule.grid_id != r.grid_id) continue;
            ls = 2;
        } else if (rule.street_id) {
            if (rule.street_id != r.street_id) continue;
            ls = 1;
        } else ls = 0;
        int score = cs * 3 + ls;
        if (score > best) {
            best = score;
            pick = DispatchPick{rule.lead_unit_id, rule.co_units};
        }
    }
    return pick;
}

/// In the dispatch stage, a matching rule dispatches at once: sets the lead and co-units and enters
/// the next stage on `r`, and returns the data of its step (marked "auto"), which the caller records
/// (after the case row exists) as a step of the user whose write triggered it, with the rule's note.
std::optional<Json> AutoDispatch(store::WriteTx& tx, store::CaseRow& r, const CaseType& t, const core::WorkCalendar& cal) {
    if (r.stage != t.dispatch_stage || r.status != "open" || r.lead_unit_id) return std::nullopt;
    const Action* d = t.FindAction("dispatch");
    if (!d || d->to.empty()) return std::nullopt;
    auto pick = MatchRule(tx.conn(), r);
    if (!pick) return std::nullopt;
    // A rule never passes a case to the unit it accuses: it waits for a person to dispatch it.
    if (InSubjectLine(tx.conn(), pick->lead, r.subject_unit_id)) return std::nullopt;
    for (auto id : pick->co)
        if (InSubjectLine(tx.conn(), id, r.subject_unit_id)) return std::nullopt;
    r.lead_unit_id = pick->lead;
    r.co_units = pick->co;
    RebuildPaths(tx.conn(), r);
    if (!r.dispatched_at) r.dispatched_at = tx.now();
    EnterStage(r, t, d->to, tx.now_tp(), cal);
    return Json{{"unit_id", pick->lead}, {"co_units", pick->co}, {"auto", true}};
}
constexpr const char* kAutoDispatchNote = "按派遣规则自动派遣";

void TryAutoDispatch(store::WriteTx& tx, store::CaseRow& r, const CaseType& t, const core::WorkCalendar& cal) {
    std::string from = r.stage;
    if (auto data = AutoDispatch(tx, r, t, cal)) Record(tx, r, "dispatch", from, r.stage, kAutoDispatchNote, *data);
}

/// The files a write names: each one the viewer uploaded, or one already on this case (case_id).
Result<std::vector<std::string>> Attachments(store::Conn& c, const Json& body, const Viewer& v,
                                             std::optional<int64_t> case_id) {
    std::vector<std::string> out;
    if (!body.contains("attachments")) return out;
    const Json& a = body["attachments"];
    if (!a.is_array()) return Error::Validation("attachments", "attachments must be an array of SHA-256 hex strings");
    if (a.size() > 20) return Error::Validation("attachments", "at most 20 attachments");
    for (size_t i = 0; i < a.size(); ++i) {
        std::string f = "attachments[" + std::to_string(i) + "]";
        if (!a[i].is_string() || !blobs::IsSha256Hex(a[i].get<std::string>()))
            return Error::Validation(f, f + " must be a SHA-256 in lower-case hex (64 characters)");
        // The same answer for a file never stored and one of someone else's: a hash says nothing.
        if (!store::MayAttach(c, a[i].get<std::string>(), v.user_id, "case", case_id))
            return Error::Validation(f, f + " is not a file you uploaded (POST /api/v1/attachments first) nor one on this case",
                                     "unknown_attachment");
        out.push_back(a[i].get<std::string>());
    }
    return out;
}

core::Status OptText(const Json& body, const char* key, size_t max, std::string* out) {
    if (!body.contains(key) || body[key].is_null()) return core::Status();
    if (!body[key].is_string()) return Error::Validation(key, std::string(key) + " must be a string");
    std::string s = core::Trim(body[key].get<std::string>());
    if (!core::IsValidUtf8(s)) return Error::Validation(key, std::string(key) + " is not valid UTF-8");
    if (core::Utf8Length(s) > max)
        return Error::Validation(key, std::string(key) + " is longer than " + std::to_string(max) + " characters");
    for (unsigned char ch : s)  // line breaks and tabs are text; other control characters are not
        if ((ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') || ch == 0x7f)
            return Error::Validation(key, std::string(key) + " contains a control character");
    *out = s;
    return core::Status();
}

Result<std::optional<int64_t>> OptInt(const Json& body, const char* key) {
    if (!body.contains(key) || body[key].is_null()) return std::optional<int64_t>();
    if (!body[key].is_number_integer()) return Error::Validation(key, std::string(key) + " must be an integer");
    return std::optional<int64_t>(body[key].get<int64_t>());
}

Result<std::vector<int64_t>> CoUnits(store::Conn& c, const Json& body, std::optional<int64_t> lead) {
    std::vector<int64_t> out;
    if (!body.contains("co_units") || body["co_units"].is_null()) return out;
    if (!body["co_units"].is_array()) return Error::Validation("co_units", "co_units must be an array of org unit ids");
    for (size_t i = 0; i < body["co_units"].size(); ++i) {
        const Json& v = body["co_units"][i];
        std::string f = "co_units[" + std::to_string(i) + "]";
        if (!v.is_number_integer() || !MayHandle(Unit(c, v.get<int64_t>()))) return Error::Validation(f, f + " is not " + kHandlerKinds);
        int64_t id = v.get<int64_t>();
        if (lead && id == *lead) return Error::Validation(f, f + " is the lead unit");
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    return out;
}

bool StaffMayAct(const Viewer& v, const Action& a, const store::CaseRow& r) {
    // A role other than staff suffices; staff act on cases their unit leads.
    for (const auto& role : a.roles)
        if (role != "staff" && v.HasRole(role)) return true;
    if (!v.HasRole("staff") || std::find(a.roles.begin(), a.roles.end(), "staff") == a.roles.end()) return false;
    return r.lead_unit_id && std::find(v.units.begin(), v.units.end(), *r.lead_unit_id) != v.units.end();
}

/// Whether an action is possible for this viewer now (stage, status, extension state, role).
bool Available(const CaseType& t, const Action& a, const store::CaseRow& r, const Viewer& v) {
    if (std::find(a.from.begin(), a.from.end(), r.stage) == a.from.end()) return false;
    if (r.status == "merged") return false;
    if (r.status == "suspended" && a.code != "resume" && a.code != "close") return false;
    if (r.status != "suspended" && a.code == "resume") return false;
    if (a.code == "extend" && (!r.pending_extension.is_null() || r.extensions >= t.extension.max_times)) return false;
    if ((a.code == "extend_approve" || a.code == "extend_reject") && r.pending_extension.is_null()) return false;
    // 不予受理 decides on a letter not yet accepted: one sent back (退单) after 受理告知 was accepted
    if (a.code == "decline" && r.registered_at) return false;
    return StaffMayAct(v, a, r);
}

}  // namespace

// ---------------------------------------------------------------- viewer
bool Viewer::HasRole(const std::string& r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Viewer::InScope(std::optional<int64_t> unit) const {
    return all || (unit && std::binary_search(scope_units.begin(), scope_units.end(), *unit));
}

// The same test as the list's (store::CaseFilter::scope_units), on the case's unit columns, so that
// a case opens by id exactly when it is listed, whatever moved in the tree since it was written.
// A petition is not seen for its place (street, community, grid), only by its lead and co-units;
// and one that accuses a unit (subject_unit_id) is not seen by that unit's or its sub-units'
// accounts, leaders included, except the petition office (the dispatcher) that runs it.
bool Viewer::Sees(const store::CaseRow& c) const {
    if (c.subject_unit_id && !dispatcher && std::binary_search(own_line.begin(), own_line.end(), *c.subject_unit_id))
        return false;
    if (all) return true;
    const bool by_place = c.type != "petition";
    if (by_place && (InScope(c.street_id) || InScope(c.community_id) || InScope(c.grid_id))) return true;
    if (InScope(c.lead_unit_id)) return true;
    for (auto id : c.co_units)
        if (InScope(id)) return true;
    return false;
}

std::string MaskName(const std::string& s) {
    if (s.empty()) return "";
    size_t n = core::Utf8Length(s);
    if (n == 1) return "*";  // its first character would be all of it
    return core::Utf8Prefix(s, 1) + std::string(n - 1, '*');
}
std::string MaskPhone(const std::string& s) {
    if (s.size() < 7) return std::string(s.size(), '*');
    // A mobile number (11 digits) or longer keeps 3 + 4; a landline (7 or 8 digits, or a short
    // number with its area code) keeps 2 + 2, so that at least three digits are hidden. Migration
    // 14 re-masks the values stored before this rule (which hid nothing of a 7-digit number).
    if (s.size() < 11) return s.substr(0, 2) + std::string(s.size() - 4, '*') + s.substr(s.size() - 2);
    return s.substr(0, 3) + std::string(s.size() - 7, '*') + s.substr(s.size() - 4);
}
std::string MaskId(const std::string& s) {
    if (s.size() < 8) return std::string(s.size(), '*');
    return s.substr(0, 3) + std::string(s.size() - 7, '*') + s.substr(s.size() - 4);
}

// ---------------------------------------------------------------- JSON
Json CaseToJson(store::Conn& c, const store::CaseRow& r, const Viewer& v, const Env& env) {
    auto t = env.types->Get(r.type);
    const Category* cat = t ? t->FindCategory(r.category) : nullptr;
    const Stage* st = t ? t->FindStage(r.stage) : nullptr;
    // Built by emplacing into the object's map: the initializer-list form copies every value
    // twice, and this runs on the writer thread for every case command's answer.
    Json out = Json::object();
    auto& o = out.get_ref<Json::object_t&>();
    auto put = [&o](const char* k, Json v) { o.emplace(k, std::move(v)); };
    Json rep = nullptr;
    if (auto rr = store::FindCaseReporter(c, r.id)) {
        rep = Json::object();
        auto& ro = rep.get_ref<Json::object_t&>();
        ro.emplace("name", std::move(rr->name_masked));
        ro.emplace("phone", std::move(rr->phone_masked));
        ro.emplace("id_number", std::move(rr->id_number_masked));
    }
    Json att = Json::array();
    for (auto& a : r.attachments) {
        Json one = Json::object();
        one.get_ref<Json::object_t&>().emplace("sha256", a);
        att.push_back(std::move(one));
    }
    Json actions = Json::array();
    if (t)
        for (auto& a : t->actions)
            if (Available(*t, a, r, v)) actions.push_back(a.code);
    put("id", r.id);
    put("number", r.number);
    put("type", r.type);
    put("type_name", t ? t->name : r.type);
    put("category", r.category);
    put("category_name", cat ? cat->name : r.category);
    put("category_major", r.category_major);
    put("category_major_name", cat ? cat->major_name : r.category_major);
    put("closing_standard", cat ? cat->standard : std::string());
    put("title", r.title);
    put("description", r.description);
    put("urgency", r.urgency);
    put("source", r.source);
    put("stage", r.stage);
    put("stage_name", st ? st->name : r.stage);
    put("status", r.status);
    put("lon", r.lon ? Json(*r.lon) : Json());
    put("lat", r.lat ? Json(*r.lat) : Json());
    put("address", r.address);
    put("street_id", J(r.street_id));
    put("community_id", J(r.community_id));
    put("grid_id", J(r.grid_id));
    put("lead_unit_id", J(r.lead_unit_id));
    put("co_units", r.co_units);
    put("subject_unit_id", J(r.subject_unit_id));
    put("reporter", std::move(rep));
    put("attachments", std::move(att));
    put("reported_at", r.reported_at);
    put("registered_at", J(r.registered_at));
    put("dispatched_at", J(r.dispatched_at));
    put("handled_at", J(r.handled_at));
    put("due_at", J(r.due_at));
    put("stage_started_at", r.stage_started_at);
    put("stage_due_at", J(r.stage_due_at));
    put("light", r.light);
    put("light_reason", r.light_reason);
    put("light_reasons", LightReasons(r.light_reason));
    put("paused", r.status == "suspended");
    put("returns", r.returns);
    put("reworks", r.reworks);
    put("extensions", r.extensions);
    put("pending_extension", r.pending_extension);
    put("satisfaction", J(r.satisfaction));
    put("merged_into", J(r.merged_into));
    put("project_id", J(r.project_id));
    put("closed_at", J(r.closed_at));
    put("version", r.version);
    put("actions", std::move(actions));
    return out;
}

// ---------------------------------------------------------------- commands
Result<Json> CreateCase(store::WriteTx& tx, const Json& body, const Viewer& v, const Env& env, bool place_vouched) {
    auto& c = tx.conn();
    static const std::set<std::string> kKeys = {"type", "category", "description", "title", "urgency", "source",
                                                "lon", "lat", "address", "grid_id", "street_id", "reporter",
                                                "attachments", "project_id", "subject_unit_id"};
    for (auto& [k, val] : body.items())
        if (!kKeys.count(k)) return Error::Validation(k, "unknown field " + k, "unknown_field");
    if (!body.contains("type") || !body["type"].is_string())
        return Error::Validation("type", "type is required: urban, hotline, petition or enterprise", "required");
    auto t = env.types->Get(body["type"].get<std::string>());
    if (!t) return Error::Validation("type", "unknown case type " + body["type"].get<std::string>());
    bool may = false;
    for (auto& r : t->create_roles) may = may || v.HasRole(r);
    if (!may) return Error::Forbidden("your role may not report a case of type " + t->code);
    if (!body.contains("category") || !body["category"].is_string())
        return Error::Validation("category", "category is required: a 小類 code of the type", "required");
    const Category* cat = t->FindCategory(body["category"].get<std::string>());
    if (!cat) return Error::Validation("category", "unknown category " + body["category"].get<std::string>() + " for type " + t->code);
    store::CaseRow r;
    r.type = t->code;
    r.category = cat->code;
    r.category_major = cat->major;
    if (auto s = OptText(body, "description", 4000, &r.description); !s) return s.error();
    if (r.description.empty()) return Error::Validation("description", "description is required", "required");
    if (auto s = OptText(body, "title", 200, &r.title); !s) return s.error();
    if (r.title.empty()) r.title = core::Utf8Prefix(r.description, 30);
    if (auto s = OptText(body, "address", 300, &r.address); !s) return s.error();
    std::string urgency = "normal";
    if (auto s = OptText(body, "urgency", 20, &urgency); !s) return s.error();
    if (urgency != "normal" && urgency != "urgent") return Error::Validation("urgency", "urgency must be normal or urgent");
    r.urgency = urgency;
    std::string source = v.HasRole("inspector") ? "grid"
                         : t->code == "hotline" ? "hotline"
                         : t->code == "petition" ? "petition"
                         : t->code == "enterprise" ? "visit" : "web";
    if (auto s = OptText(body, "source", 20, &source); !s) return s.error();
    static const std::set<std::string> kSources = {"grid", "hotline", "open311", "web", "petition", "visit"};
    if (!kSources.count(source)) return Error::Validation("source", "source must be grid, hotline, open311, web, petition or visit");
    r.source = source;
    for (const char* k : {"lon", "lat"}) {
        if (!body.contains(k) || body[k].is_null()) continue;
        if (!body[k].is_number()) return Error::Validation(k, std::string(k) + " must be a number");
        double d = body[k].get<double>();
        if (std::string(k) == "lon" ? (d < -180 || d > 180) : (d < -90 || d > 90))
            return Error::Validation(k, std::string(k) + " is out of range");
        (std::string(k) == "lon" ? r.lon : r.lat) = d;
    }
    if (r.lon.has_value() != r.lat.has_value()) return Error::Validation(r.lon ? "lat" : "lon", "give both lon and lat");
    auto grid = OptInt(body, "grid_id");
    if (!grid) return grid.error();
    auto street = OptInt(body, "street_id");
    if (!street) return street.error();
    if (*grid) {
        auto u = Unit(c, **grid);
        if (!u || u->kind != "grid") return Error::Validation("grid_id", "grid_id is not an active grid");
        auto p = PlaceOf(c, **grid);
        if (!p) return Error::Validation("grid_id", "grid_id is not placed under a street");
        r.grid_id = p->grid_id;
        r.community_id = p->community_id;
        r.street_id = p->street_id;
        if (*street && *street != r.street_id) return Error::Validation("street_id", "street_id is not the grid's street");
        // A point given with the grid must lie in it (when it lies in any grid): else the case is
        // filed, dispatched and counted where it is not.
        if (r.lon && env.locate)
            if (auto loc = env.locate(*r.lon, *r.lat); loc && loc->grid_id != *r.grid_id) {
                auto there = Unit(c, loc->grid_id);
                auto street_there = Unit(c, loc->street_id);
                return Error::Validation("grid_id", "the point (lon, lat) lies in " + (street_there ? street_there->name : std::string()) +
                                                        (there ? there->name : "grid " + std::to_string(loc->grid_id)) +
                                                        ", not in grid_id " + u->name + ": correct the point or the grid",
                                         "point_outside_grid");
            }
    } else if (*street) {
        auto u = Unit(c, **street);
        if (!u || u->kind != "street") return Error::Validation("street_id", "street_id is not an active street");
        r.street_id = u->id;
    } else if (r.lon && env.locate) {
        if (auto loc = env.locate(*r.lon, *r.lat)) {
            r.grid_id = loc->grid_id;
            r.community_id = loc->community_id;
            r.street_id = loc->street_id;
        }
    }
    if (v.HasRole("inspector") && !v.all) {
        if (!r.grid_id) return Error::Validation("grid_id", "an inspector reports in its grids: grid_id is required", "required");
        if (!v.InScope(r.grid_id)) return Error::Validation("grid_id", "grid_id is not one of your grids");
    }
    auto pid = OptInt(body, "project_id");
    if (!pid) return pid.error();
    if (*pid && !store::FindProject(c, **pid)) return Error::Validation("project_id", "project_id is not a project");
    // A project lists its cases as its problems to every reader of the project: only an enterprise
    // request (企业诉求) is raised on one, never a petition or a citizen's report.
    if (*pid && r.type != "enterprise")
        return Error::Validation("project_id", "only an enterprise request (type enterprise) is raised on a project");
    r.project_id = *pid;
    auto subject = OptInt(body, "subject_unit_id");
    if (!subject) return subject.error();
    if (*subject) {
        if (r.type != "petition")
            return Error::Validation("subject_unit_id", "subject_unit_id (被反映单位) is only for a petition (type petition)");
        if (auto st = CheckSubject(c, **subject); !st) return st.error();
        r.subject_unit_id = *subject;
    }
    auto att = Attachments(c, body, v, std::nullopt);
    if (!att) return att.error();
    r.attachments = *att;
    for (auto& [role, fields] : t->create_requires) {
        if (!v.HasRole(role)) continue;
        for (auto& f : fields) {
            if (f == "attachments" && r.attachments.empty())
                return Error::Validation("attachments", "a photo is required when a " + role + " reports", "required");
            if (f != "attachments" && (!body.contains(f) || body[f].is_null()))
                return Error::Validation(f, f + " is required", "required");
        }
    }
    // reporter
    store::CaseReporterRow rep;
    bool has_rep = false;
    if (body.contains("reporter") && !body["reporter"].is_null()) {
        const Json& rj = body["reporter"];
        if (!rj.is_object()) return Error::Validation("reporter", "reporter must be an object {name, phone, id_number}");
        for (auto& [k, val] : rj.items())
            if (k != "name" && k != "phone" && k != "id_number") return Error::Validation("reporter." + k, "unknown field reporter." + k, "unknown_field");
        std::string name, phone, idn;
        if (auto s = OptText(rj, "name", 50, &name); !s) return Error::Validation("reporter.name", "reporter.name must be a string of at most 50 characters");
        if (auto s = OptText(rj, "phone", 20, &phone); !s) return Error::Validation("reporter.phone", "reporter.phone must be a string");
        if (auto s = OptText(rj, "id_number", 18, &idn); !s) return Error::Validation("reporter.id_number", "reporter.id_number must be a string");
        if (!phone.empty() && !ValidPhone(phone)) return Error::Validation("reporter.phone", "reporter.phone must be digits (7-20, '-' allowed)");
        if (!idn.empty() && !ValidIdNumber(idn)) return Error::Validation("reporter.id_number", "reporter.id_number is not a valid 18-character ID number (check digit)");
        if (!name.empty()) rep.name_sealed = env.box->Seal(name), rep.name_masked = MaskName(name);
        if (!phone.empty()) rep.phone_sealed = env.box->Seal(phone), rep.phone_masked = MaskPhone(phone);
        if (!idn.empty()) rep.id_number_sealed = env.box->Seal(idn), rep.id_number_masked = MaskId(idn);
        has_rep = !name.empty() || !phone.empty() || !idn.empty();
    }
    // write
    TimePoint now = tx.now_tp();
    r.id = store::NextCaseId(c);
    std::string ymd = core::LocalDate(now).ToString();
    ymd.erase(std::remove(ymd.begin(), ymd.end(), '-'), ymd.end());
    char num[64];
    std::snprintf(num, sizeof num, "%s-%s-%06lld", t->prefix.c_str(), ymd.c_str(), static_cast<long long>(r.id));
    r.number = num;
    r.reported_at = tx.now();
    r.created_by = tx.actor().user_id;
    r.updated_at = tx.now();
    EnterStage(r, *t, t->initial_stage, now, *env.cal);
    // Registered (受理/立案) at once unless the type registers in a step of its own.
    const Action* reg = t->FindAction("register");
    if (!reg || std::find(reg->from.begin(), reg->from.end(), t->initial_stage) == reg->from.end())
        r.registered_at = tx.now();
    RebuildPaths(c, r);
    // The rule table dispatches before the row is written, so the new case is one INSERT (not an
    // INSERT and two UPDATEs, each rewriting the case's indexes); its steps follow the row.
    const std::string created_stage = r.stage;
    std::optional<Json> auto_dispatch;
    if (t->auto_dispatch_after == "create") {
        auto_dispatch = AutoDispatch(tx, r, *t, *env.cal);
        if (auto_dispatch) r.version = 2;  // as if created, then dispatched
    }
    if (!v.all && !place_vouched && !v.Sees(r)) {
        const char* field = *grid ? "grid_id" : *street ? "street_id" : r.lon ? "lon" : "street_id";
        return Error::Validation(field, std::string(field) + ": the case would lie outside your data scope (give a place in it)",
                                 "out_of_scope");
    }
    auto next = Relight(r, now);
    store::InsertCase(c, r);
    if (has_rep) {
        rep.case_id = r.id;
        store::PutCaseReporter(c, rep);
    }
    Json data = {{"category", r.category}, {"urgency", r.urgency}, {"source", r.source}};
    if (!r.attachments.empty()) data["attachments"] = r.attachments;
    if (r.subject_unit_id) data["subject_unit_id"] = *r.subject_unit_id;
    Record(tx, r, "create", "", created_stage, "", data);
    if (auto_dispatch) Record(tx, r, "dispatch", created_stage, r.stage, kAutoDispatchNote, *auto_dispatch);
    Json out = CaseToJson(c, r, v, env);
    out["_watch"] = Json::array({WatchEntry(r.id, next)});
    return out;
}

Result<Json> ApplyAction(store::WriteTx& tx, int64_t id, const std::string& action, const Json& body, const Viewer& v,
                         const Env& env) {
    auto& c = tx.conn();
    auto found = store::FindCase(c, id);
    if (!found || !v.Sees(*found)) return Error::NotFound("case", id);
    store::CaseRow r = *found;
    auto t = env.types->Get(r.type);
    if (!t) return Error::Internal("case type " + r.type + " is not configured");
    const Action* a = t->FindAction(action);
    if (!a) return Error::NotFoundMsg("action " + action + " is not defined for type " + t->code);
    static const std::set<std::string> kKeys = {"note", "unit_id", "co_units", "fields", "attachments", "reason",
                                                "workdays", "hours", "rating", "solved", "target_id", "version",
                                                "subject_unit_id"};
    for (auto& [k, val] : body.items())
        if (!kKeys.count(k)) return Error::Validation(k, "unknown field " + k, "unknown_field");
    bool role_ok = false;
    for (auto& role : a->roles) role_ok = role_ok || v.HasRole(role);
    if (!role_ok) return Error::Forbidden("your role may not " + a->name + " (" + a->code + ")");
    if (!StaffMayAct(v, *a, r)) return Error::Forbidden("only the lead unit's staff may " + a->name);
    auto ver = OptInt(body, "version");
    if (!ver) return ver.error();
    if (*ver && **ver != r.version)
        return Error::Conflict("stale_version", "the case has changed (version " + std::to_string(r.version) + ")", "version");
    if (!Available(*t, *a, r, v)) {
        std::string why = "cannot " + a->code + " a case in stage " + r.stage + " (" + r.status + ")";
        return Error::Conflict("wrong_stage", why, "action");
    }
    // fields
    std::string note, reason;
    if (auto s = OptText(body, "note", 2000, &note); !s) return s.error();
    if (auto s = OptText(body, "reason", 500, &reason); !s) return s.error();
    auto unit = OptInt(body, "unit_id");
    if (!unit) return unit.error();
    if (*unit && !MayHandle(Unit(c, **unit))) return Error::Validation("unit_id", std::string("unit_id is not ") + kHandlerKinds);
    auto co = CoUnits(c, body, *unit ? *unit : r.lead_unit_id);
    if (!co) return co.error();
    auto att = Attachments(c, body, v, r.id);
    if (!att) return att.error();
    auto workdays = OptInt(body, "workdays");
    if (!workdays) return workdays.error();
    auto rating = OptInt(body, "rating");
    if (!rating) return rating.error();
    if (*rating && (**rating < 1 || **rating > 5)) return Error::Validation("rating", "rating must be from 1 to 5");
    std::optional<bool> solved;
    if (body.contains("solved") && !body["solved"].is_null()) {
        if (!body["solved"].is_boolean()) return Error::Validation("solved", "solved must be true or false");
        solved = body["solved"].get<bool>();
    }
    auto target = OptInt(body, "target_id");
    if (!target) return target.error();
    auto subject = OptInt(body, "subject_unit_id");
    if (!subject) return subject.error();
    if (*subject && a->code != "set_subject")
        return Error::Validation("subject_unit_id", "subject_unit_id is given only to set_subject (被反映单位)", "unknown_field");
    if (body.contains("fields") && !body["fields"].is_object()) return Error::Validation("fields", "fields must be an object");
    Json fields = body.contains("fields") ? body["fields"] : Json::object();
    for (const Choice& ch : a->choices) {
        if (!fields.contains(ch.key) || fields[ch.key].is_null()) continue;
        const Json& val = fields[ch.key];
        if (!val.is_string() || !ch.NameOf(val.get<std::string>())) {
            std::string codes;
            for (auto& [oc, on] : ch.options) codes += (codes.empty() ? "" : ", ") + oc + " (" + on + ")";
            return Error::Validation("fields." + ch.key, "fields." + ch.key + " (" + ch.name + ") must be one of: " + codes, "invalid_choice");
        }
    }
    for (auto& req : a->required) {
        bool missing = false;
        if (req == "note") missing = note.empty();
        else if (req == "reason") missing = reason.empty();
        else if (req == "unit_id") missing = !*unit;
        else if (req == "co_units") missing = co->empty();
        else if (req == "attachments") missing = att->empty();
        else if (req == "workdays") missing = !*workdays;
        else if (req == "rating") missing = !*rating;
        else if (req == "solved") missing = !solved;
        else if (req == "target_id") missing = !*target;
        else if (req == "subject_unit_id") missing = !*subject;
        else if (req.rfind("fields.", 0) == 0) missing = !fields.contains(req.substr(7)) || fields[req.substr(7)].is_null();
        if (missing) {
            std::string msg = req + " is required to " + a->name;
            if (req == "attachments") msg = "a photo (attachments) is required to " + a->name;
            return Error::Validation(req, msg, "required");
        }
    }
    // apply
    const core::WorkCalendar& cal = *env.cal;
    TimePoint now = tx.now_tp();
    std::string from = r.stage, to = a->to;
    Json data = Json::object();
    if (!att->empty()) data["attachments"] = *att;
    if (!fields.empty()) data["fields"] = fields;
    if (!reason.empty()) data["reason"] = reason;
    const std::string& code = a->code;
    if (*unit && (code == "dispatch" || code == "reassign" || code == "register")) {
        if (code == "reassign" && r.lead_unit_id == *unit)
            return Error::Validation("unit_id", "unit_id is already the lead unit");
        // 信訪工作條例: a petition is never passed to the unit it accuses, nor to one under it.
        const char* never = " is the petition's 被反映单位 or a unit under it: a petition is never passed to the unit it accuses";
        if (InSubjectLine(c, **unit, r.subject_unit_id)) return Error::Validation("unit_id", "unit_id" + std::string(never), "subject_unit");
        for (size_t i = 0; i < co->size(); ++i)
            if (InSubjectLine(c, (*co)[i], r.subject_unit_id)) {
                const std::string f = "co_units[" + std::to_string(i) + "]";
                return Error::Validation(f, f + never, "subject_unit");
            }
        r.lead_unit_id = *unit;
        r.co_units = *co;
        if (!r.dispatched_at) r.dispatched_at = tx.now();
        data["unit_id"] = **unit;
        data["co_units"] = *co;
    }
    if (code == "register" && !r.registered_at) r.registered_at = tx.now();
    if (code == "handle" && !r.handled_at) r.handled_at = tx.now();
    if (code == "verify") {
        if (!fields.contains("passed") || !fields["passed"].is_boolean())
            return Error::Validation("fields.passed", "fields.passed must be true or false", "required");
        if (!fields["passed"].get<bool>()) {
            to = a->fail_to.empty() ? t->handling_stage : a->fail_to;
            r.reworks += 1;
        }
    }
    if (code == "rework") r.reworks += 1;
    if (code == "return") {
        r.returns += 1;
        r.lead_unit_id.reset();
        r.co_units.clear();
    }
    if (code == "rate") {
        r.satisfaction = *rating;
        data["rating"] = **rating;
        if (solved) data["solved"] = *solved;
        if (solved && !*solved && !a->reopen_to.empty()) {
            to = a->reopen_to;
            r.reworks += 1;
        }
    }
    if (code == "suspend") {
        r.status = "suspended";
        r.paused_at = tx.now();
    }
    if (code == "resume") {
        TimePoint paused = Parse(Opt(r.paused_at));
        std::string u = StageUnit(*t, r);
        if (r.stage_due_at) r.stage_due_at = FormatUtc(ShiftByPause(u, Parse(*r.stage_due_at), paused, now, cal));
        if (r.stage_yellow_at) r.stage_yellow_at = FormatUtc(ShiftByPause(u, Parse(*r.stage_yellow_at), paused, now, cal));
        if (r.stage == t->handling_stage) r.due_at = r.stage_due_at;
        r.paused_at.reset();
        r.status = "open";
        r.light = "green";
        data["paused_from"] = Opt(found->paused_at);
    }
    if (code == "extend") {
        int64_t n = **workdays;
        if (n < 1 || n > t->extension.max)
            return Error::Validation("workdays", "workdays must be from 1 to " + std::to_string(t->extension.max) + " (" + t->extension.unit + ")");
        r.pending_extension = {{"amount", n}, {"unit", t->extension.unit}, {"reason", reason}, {"by", tx.actor().name}, {"at", tx.now()}};
        data["amount"] = n;
    }
    if (code == "extend_approve") {
        int n = r.pending_extension["amount"].get<int>();
        TimePoint due = Extend(t->extension.unit, Parse(Opt(r.stage_due_at)), n, cal);
        std::string u = StageUnit(*t, r);
        r.stage_due_at = FormatUtc(due);
        r.stage_yellow_at = FormatUtc(ShareAt(u, Parse(r.stage_started_at), due, t->yellow_share, cal));
        if (r.stage == t->handling_stage) r.due_at = r.stage_due_at;
        r.extensions += 1;
        data["amount"] = n;
        r.pending_extension = Json();
        r.light = "green";
    }
    if (code == "extend_reject") {
        data["amount"] = r.pending_extension["amount"];
        r.pending_extension = Json();
    }
    std::vector<store::CaseRow> duplicates;  // take the case's 被反映单位 (below)
    if (code == "set_subject") {
        // 被反映单位 named (or corrected) after 登记: the units handling the petition must not be that
        // unit or under it (reassign first), and from now on its accounts do not see the case.
        if (r.type != "petition")
            return Error::Validation("subject_unit_id", "subject_unit_id (被反映单位) is only for a petition (type petition)");
        if (!*subject) return Error::Validation("subject_unit_id", "subject_unit_id is required to " + a->name, "required");
        if (auto st = CheckSubject(c, **subject); !st) return st.error();
        if (r.subject_unit_id == **subject) return Error::Validation("subject_unit_id", "subject_unit_id is already the 被反映单位");
        const char* handling = " handles the petition and is that unit or under it: reassign it first";
        if (r.lead_unit_id && InSubjectLine(c, *r.lead_unit_id, **subject))
            return Error::Validation("subject_unit_id", "the lead unit" + std::string(handling), "subject_handles");
        for (auto co_id : r.co_units)
            if (InSubjectLine(c, co_id, **subject))
                return Error::Validation("subject_unit_id", "a co-unit" + std::string(handling), "subject_handles");
        if (r.subject_unit_id) data["from_subject_unit_id"] = *r.subject_unit_id;
        data["subject_unit_id"] = **subject;
        r.subject_unit_id = **subject;
        duplicates = MergedDuplicates(c, r.id);
    }
    std::optional<store::CaseRow> merged_target;
    if (code == "merge") {
        if (**target == r.id) return Error::Validation("target_id", "a case cannot be merged into itself");
        auto tg = store::FindCase(c, **target);
        if (!tg || !v.Sees(*tg)) return Error::Validation("target_id", "target_id is not a case you can see");
        if (tg->type != r.type) return Error::Validation("target_id", "target_id is a case of another type");
        if (tg->status == "merged" || tg->status == "closed") return Error::Validation("target_id", "target_id is closed or merged");
        // The target's units would handle this petition and read its note: one that accuses a unit
        // joins only a petition that accuses the same unit (so none of those units is in its line).
        if (r.subject_unit_id && tg->subject_unit_id != r.subject_unit_id)
            return Error::Validation("target_id", "the petition accuses a unit (subject_unit_id): it merges only into a petition that accuses the same unit",
                                     "subject_unit");
        // A duplicate joining a petition that accuses a unit takes that 被反映单位 too (it is the same
        // matter): else the accused unit would read it where it was led.
        if (tg->subject_unit_id && !r.subject_unit_id) {
            r.subject_unit_id = tg->subject_unit_id;
            data["subject_unit_id"] = *tg->subject_unit_id;
            duplicates = MergedDuplicates(c, r.id);  // and those merged into it before
        }
        r.merged_into = tg->id;
        r.status = "merged";
        r.stage_due_at.reset();
        r.stage_yellow_at.reset();
        if (!r.closed_at) r.closed_at = tx.now();
        data["target_id"] = tg->id;
        merged_target = *tg;
    }
    if (!to.empty()) EnterStage(r, *t, to, now, cal);
    r.attachments.insert(r.attachments.end(), att->begin(), att->end());
    // the rule table, where a stage hands the case to dispatch and no unit was chosen
    if (code == "register" && t->auto_dispatch_after == "register" && !*unit) {
        RebuildPaths(c, r);
        Record(tx, r, code, from, r.stage, note, data, &a->choices);
        TryAutoDispatch(tx, r, *t, cal);
    } else {
        RebuildPaths(c, r);
        Record(tx, r, code, from, r.stage, note, data, &a->choices);
    }
    r.updated_at = tx.now();
    auto next = Relight(r, now);
    store::UpdateCase(c, *found, r);
    r.version += 1;
    Json watch = Json::array({WatchEntry(r.id, next)});
    if (merged_target) {
        Record(tx, *merged_target, "note", merged_target->stage, merged_target->stage, "并入重复工单 " + r.number,
               {{"merged_from", r.id}});
    }
    for (const auto& before : duplicates) {
        store::CaseRow d = before;
        d.subject_unit_id = r.subject_unit_id;
        d.updated_at = tx.now();
        Record(tx, d, "set_subject", d.stage, d.stage, "随主件 " + r.number + " 设定被反映单位",
               {{"subject_unit_id", *r.subject_unit_id}, {"with", r.id}});
        store::UpdateCase(c, before, d);
        watch.push_back(WatchEntry(d.id, std::nullopt));  // merged: never due; its KPI facts refresh
    }
    Json out = CaseToJson(c, r, v, env);
    out["_watch"] = watch;
    return out;
}

Result<Json> AddNote(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    auto r = store::FindCase(c, id);
    if (!r || !v.Sees(*r)) return Error::NotFound("case", id);
    for (auto& [k, val] : body.items())
        if (k != "text" && k != "attachments") return Error::Validation(k, "unknown field " + k, "unknown_field");
    std::string text;
    if (auto s = OptText(body, "text", 2000, &text); !s) return s.error();
    if (text.empty()) return Error::Validation("text", "text is required", "required");
    auto att = Attachments(c, body, v, r->id);
    if (!att) return att.error();
    Json data = Json::object();
    if (!att->empty()) {
        const store::CaseRow before = *r;
        data["attachments"] = *att;
        r->attachments.insert(r->attachments.end(), att->begin(), att->end());
        r->updated_at = tx.now();
        store::UpdateCase(c, before, *r);
        r->version += 1;
    }
    Record(tx, *r, "note", r->stage, r->stage, text, data);
    return CaseToJson(c, *r, v, env);
}

Result<Json> ViewReporter(store::WriteTx& tx, int64_t id, const Viewer& v, const Env& env) {
    auto& c = tx.conn();
    auto r = store::FindCase(c, id);
    if (!r || !v.Sees(*r)) return Error::NotFound("case", id);
    auto rep = store::FindCaseReporter(c, id);
    Json out = {{"case_id", id}, {"name", nullptr}, {"phone", nullptr}, {"id_number", nullptr}};
    if (rep) {
        auto open = [&](const std::optional<std::string>& s) -> Json {
            if (!s) return nullptr;
            auto p = env.box->Open(*s);
            return p ? Json(*p) : Json();
        };
        out["name"] = open(rep->name_sealed);
        out["phone"] = open(rep->phone_sealed);
        out["id_number"] = open(rep->id_number_sealed);
    }
    tx.Emit("case.reporter.view", "case", id, {{"number", r->number}});
    return out;
}

Result<Json> PutDispatchRules(store::WriteTx& tx, const Json& body, const Env& env) {
    auto& c = tx.conn();
    for (auto& [k, val] : body.items())
        if (k != "rules") return Error::Validation(k, "unknown field " + k, "unknown_field");
    if (!body.contains("rules") || !body["rules"].is_array())
        return Error::Validation("rules", "rules is required: an array of {type, category, street_id?, grid_id?, lead_unit_id, co_units?}", "required");
    std::vector<store::DispatchRuleRow> rows;
    for (size_t i = 0; i < body["rules"].size(); ++i) {
        const Json& j = body["rules"][i];
        std::string k = "rules[" + std::to_string(i) + "]";
        if (!j.is_object()) return Error::Validation(k, k + " must be an object");
        for (auto& [kk, val] : j.items())
            if (kk != "type" && kk != "category" && kk != "street_id" && kk != "grid_id" && kk != "lead_unit_id" && kk != "co_units")
                return Error::Validation(k + "." + kk, "unknown field " + kk, "unknown_field");
        store::DispatchRuleRow r;
        if (!j.contains("type") || !j["type"].is_string() || !env.types->Get(j["type"].get<std::string>()))
            return Error::Validation(k + ".type", k + ".type is not a case type");
        r.type = j["type"].get<std::string>();
        auto t = env.types->Get(r.type);
        if (!j.contains("category") || !j["category"].is_string())
            return Error::Validation(k + ".category", k + ".category is required (a 小類, a 大類 or *)", "required");
        r.category = j["category"].get<std::string>();
        if (r.category != "*" && !t->FindCategory(r.category) && !t->FindMajor(r.category))
            return Error::Validation(k + ".category", k + ".category " + r.category + " is not a category of " + r.type);
        auto chk = [&](const char* key, const char* kind, std::optional<int64_t>* out) -> core::Status {
            if (!j.contains(key) || j[key].is_null()) return core::Status();
            auto u = j[key].is_number_integer() ? Unit(c, j[key].get<int64_t>()) : std::nullopt;
            if (!u || (kind && u->kind != kind))
                return Error::Validation(k + "." + key, k + "." + key + " is not an active " + (kind ? kind : "org unit"));
            *out = u->id;
            return core::Status();
        };
        if (auto s = chk("street_id", "street", &r.street_id); !s) return s.error();
        if (auto s = chk("grid_id", "grid", &r.grid_id); !s) return s.error();
        std::optional<int64_t> lead;
        if (auto s = chk("lead_unit_id", nullptr, &lead); !s) return s.error();
        if (lead && !MayHandle(Unit(c, *lead)))
            return Error::Validation(k + ".lead_unit_id", k + ".lead_unit_id is not " + kHandlerKinds);
        if (!lead) return Error::Validation(k + ".lead_unit_id", k + ".lead_unit_id is required", "required");
        r.lead_unit_id = *lead;
        auto co = CoUnits(c, j, lead);
        if (!co) return Error::Validation(k + "." + co.error().field, k + "." + co.error().message);
        r.co_units = *co;
        rows.push_back(r);
    }
    store::ReplaceDispatchRules(c, rows);
    tx.Emit("case.dispatch_rules", "case_dispatch_rules", std::nullopt, {{"count", rows.size()}});
    return DispatchRulesJson(c);
}

Result<Json> PutCaseType(store::WriteTx& tx, const std::string& code, const Json& body, const CaseType* current) {
    auto t = ParseCaseType(body, "case-types/" + code);
    if (!t) return t.error();
    if (t->code != code) return Error::Validation("code", "code must be " + code + " (the path's)");
    // A stage some case is in stays: its cases would have no name, no actions and no filter.
    if (current)
        for (const auto& st : current->stages)
            if (!t->FindStage(st.code) && store::CaseStageInUse(tx.conn(), code, st.code))
                return Error::Validation("stages", "stage " + st.code + " has cases in it and cannot be removed (move them on first)",
                                         "stage_in_use");
    store::PutCaseTypeConfig(tx.conn(), code, core::CanonicalJson(body), tx.now());
    tx.Emit("case.type", "case_type", std::nullopt, {{"code", code}});
    return t->ToJson();
}

Result<Json> Sweep(store::WriteTx& tx, const std::vector<int64_t>& ids, const Env&) {
    auto& c = tx.conn();
    Json watch = Json::array();
    int64_t changed = 0;
    for (auto id : ids) {
        auto r = store::FindCase(c, id);
        if (!r) continue;
        std::string before = r->light;
        auto next = Relight(*r, tx.now_tp());
        if (r->light != before) {
            store::UpdateCaseLight(c, r->id, r->light, r->light_reason);
            tx.Emit("case.light", "case", r->id,
                    {{"number", r->number}, {"from", before}, {"to", r->light}, {"stage", r->stage}});
            ++changed;
        }
        watch.push_back(WatchEntry(r->id, next));
    }
    return Json{{"evaluated", ids.size()}, {"changed", changed}, {"_watch", watch}};
}

// ---------------------------------------------------------------- reads
namespace {
// unit_names: the name of every unit a case names, by id. A viewer may see a case whose lead
// department or street lies outside its own scope, and reads of those units by id are 404 for it.
// Only the reads add them (a list shares one cache), not the commands' answers on the writer.
void PutUnitNames(store::Conn& c, Json& out, std::map<int64_t, std::string>& cache) {
    Json names = Json::object();
    auto add = [&](const Json& id) {
        if (!id.is_number_integer()) return;
        int64_t i = id.get<int64_t>();
        auto it = cache.find(i);
        if (it == cache.end()) {
            auto u = store::FindOrg(c, i, core::Scope::All());
            it = cache.emplace(i, u ? u->name : std::string()).first;
        }
        if (!it->second.empty()) names[std::to_string(i)] = it->second;
    };
    for (const char* k : {"street_id", "community_id", "grid_id", "lead_unit_id", "subject_unit_id"}) add(out[k]);
    for (const auto& id : out["co_units"]) add(id);
    out["unit_names"] = std::move(names);
}
}  // namespace

Result<Json> GetCase(store::Conn& c, int64_t id, const Viewer& v, const Env& env) {
    auto r = store::FindCase(c, id);
    if (!r || !v.Sees(*r)) return Error::NotFound("case", id);
    Json out = CaseToJson(c, *r, v, env);
    std::map<int64_t, std::string> names;
    PutUnitNames(c, out, names);
    auto t = env.types->Get(r->type);
    Json hist = Json::array();
    // Who acted, by the name people know them by (the step keeps the account's login name).
    std::map<int64_t, std::string> people;
    auto person = [&](const store::CaseStepRow& s) -> std::string {
        if (!s.actor_id) return s.actor;
        auto it = people.find(*s.actor_id);
        if (it == people.end()) {
            auto u = store::FindUser(c, *s.actor_id);
            it = people.emplace(*s.actor_id, u && !u->display_name.empty() ? u->display_name : s.actor).first;
        }
        return it->second;
    };
    for (auto& s : store::ListCaseSteps(c, id)) {
        // Which units a petition once named as accused, and why it was changed, are the petition
        // office's to read: a unit named by mistake and then cleared must not learn it was named.
        if (!v.dispatcher && (s.data.contains("subject_unit_id") || s.data.contains("from_subject_unit_id"))) {
            s.data.erase("subject_unit_id");
            s.data.erase("from_subject_unit_id");
            if (s.action == "set_subject") {
                s.note.clear();
                s.data.erase("reason");
            }
        }
        // An inspector's report is 上报; a call, letter or visit the centre takes in is 登记.
        std::string name = s.action == "create" ? (r->source == "grid" ? "上报" : "登记") : s.action == "note" ? "办理记录" : s.action;
        if (t)
            if (auto* a = t->FindAction(s.action)) name = a->name;
        hist.push_back({{"seq", s.seq}, {"at", s.at}, {"actor", s.actor}, {"actor_name", person(s)},
                        {"action", s.action}, {"action_name", name},
                        {"from_stage", s.from_stage}, {"to_stage", s.to_stage}, {"note", s.note},
                        {"fields", s.data.value("fields", Json::object())},
                        {"attachments", s.data.value("attachments", Json::array())}, {"data", s.data}});
    }
    out["history"] = hist;
    return out;
}

Json ListCases(store::Conn& c, store::CaseFilter f, const Viewer& v, const Env& env) {
    // Only the viewer's units that some case accuses are tested (usually none: no extra filter).
    if (!v.dispatcher) f.hidden_subjects = store::CaseSubjectsAmong(c, v.own_line);
    if (!v.all) {
        // The co-units are matched on the case's paths: a subtree's path starts an entry, a single
        // unit's path is a whole entry.
        f.prefixes = v.prefixes;
        for (const auto& e : v.exact) f.prefixes->push_back(e + "|");
        f.scope_units = v.scope_units;
    }
    auto [rows, total] = store::ListCases(c, f);
    Json items = Json::array();
    std::map<int64_t, std::string> names;
    for (auto& r : rows) {
        items.push_back(CaseToJson(c, r, v, env));
        PutUnitNames(c, items.back(), names);
    }
    store::CaseFilter lf = f;
    lf.light.clear();
    lf.status.clear();
    lf.overdue = false;
    return {{"items", items}, {"total", total}, {"page", f.page}, {"per_page", f.per_page},
            {"lights", store::CountCaseLights(c, lf)}};
}

Json DispatchRulesJson(store::Conn& c) {
    Json items = Json::array();
    for (auto& r : store::ListDispatchRules(c))
        items.push_back({{"type", r.type}, {"category", r.category}, {"street_id", J(r.street_id)},
                         {"grid_id", J(r.grid_id)}, {"lead_unit_id", r.lead_unit_id}, {"co_units", r.co_units}});
    return {{"rules", items}};
}

// ---------------------------------------------------------------- watch
void Watch::Set(int64_t id, std::optional<TimePoint> at) {
    std::lock_guard<std::mutex> l(mu_);
    if (at) idx_.Set(id, *at);
    else idx_.Remove(id);
}
std::vector<int64_t> Watch::PopDue(TimePoint now, size_t limit) {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<int64_t> out;
    for (auto& [id, at] : idx_.PopDue(now, limit)) out.push_back(id);
    return out;
}
void Watch::Apply(Json& result) {
    if (!result.is_object() || !result.contains("_watch")) return;
    for (auto& e : result["_watch"]) {
        std::optional<TimePoint> at;
        if (e[1].is_string()) at = Parse(e[1].get<std::string>());
        Set(e[0].get<int64_t>(), at);
    }
    result.erase("_watch");
}
void Watch::LoadAll(store::Conn& c) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [id, at] : store::ListCaseWatch(c)) idx_.Set(id, TimePoint{});
}
size_t Watch::size() const {
    std::lock_guard<std::mutex> l(mu_);
    return idx_.size();
}

}  // namespace duban::cases
