// The monthly pack's workflow: the drafted narrative, a person's edits saved as a draft
// (revisions counted), publishing (the table and the narrative frozen and hashed, one event), and
// what to render for a download. The numbers of the table are never taken from the narrative:
// renders print the table as computed (or as frozen), and edited paragraphs are only checked.
#include "indicators/engine_internal.hpp"

namespace duban::indicators {

using core::Error;

namespace {

constexpr size_t kMaxParagraphs = 200;
constexpr size_t kMaxParagraphBytes = 8000;

std::string Str(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> ParseNarrative(const std::string& text) {
    std::vector<std::string> out;
    auto j = Json::parse(text, nullptr, false);
    if (j.is_array())
        for (auto& p : j)
            if (p.is_string()) out.push_back(p.get<std::string>());
    return out;
}

Json Untraced(const report::MonthlyData& d, const std::vector<std::string>& narrative) {
    Json out = Json::array();
    for (auto& p : narrative) out.push_back(report::UntracedNumbers(d, {p}));
    return out;
}

Json EditionJson(const store::IndicatorPackRow& p) {
    return {{"edition", p.edition},
            {"state", p.state},
            {"revision", p.revision},
            {"hash", p.hash.empty() ? Json(nullptr) : Json(p.hash)},
            {"updated_at", p.updated_at},
            {"updated_by", p.updated_by},
            {"published_at", p.published_at ? Json(*p.published_at) : Json(nullptr)},
            {"published_by", p.published_by ? Json(*p.published_by) : Json(nullptr)}};
}

struct Month {
    int year = 0, month = 0;
    std::optional<int64_t> unit_id;
};

/// month (required, YYYY-MM) and unit_id (optional) of a write's body.
Result<Month> BodyMonth(const Json& body) {
    Month m;
    auto it = body.find("month");
    if (it == body.end() || it->is_null())
        return Error::Validation("month", "month is required (YYYY-MM)", "required");
    if (!it->is_string()) return Error::Validation("month", "month must be a string YYYY-MM");
    auto p = ParsePeriod(it->get<std::string>());
    if (!p || p->first < 1900 || p->first > 9999) return Error::Validation("month", "month must be YYYY-MM");
    m.year = p->first;
    m.month = p->second;
    if (auto u = body.find("unit_id"); u != body.end() && !u->is_null()) {
        if (!u->is_number_integer()) return Error::Validation("unit_id", "unit_id must be an integer");
        m.unit_id = u->get<int64_t>();
    }
    return m;
}

Result<std::optional<int64_t>> BodyRevision(const Json& body) {
    auto it = body.find("revision");
    if (it == body.end() || it->is_null()) return std::optional<int64_t>();
    if (!it->is_number_integer()) return Error::Validation("revision", "revision must be an integer");
    return std::optional<int64_t>(it->get<int64_t>());
}

/// The paragraphs of a body: a non-empty array of strings, none too long, not all blank.
Result<std::vector<std::string>> BodyNarrative(const Json& body) {
    auto it = body.find("narrative");
    if (it == body.end() || it->is_null())
        return Error::Validation("narrative", "narrative is required: an array of paragraphs", "required");
    if (!it->is_array()) return Error::Validation("narrative", "narrative must be an array of strings");
    if (it->empty()) return Error::Validation("narrative", "narrative has no paragraph");
    if (it->size() > kMaxParagraphs)
        return Error::Validation("narrative", "narrative has more than " + std::to_string(kMaxParagraphs) + " paragraphs");
    std::vector<std::string> out;
    bool any = false;
    for (size_t i = 0; i < it->size(); ++i) {
        auto& p = (*it)[i];
        if (!p.is_string())
            return Error::Validation("narrative", "paragraph " + std::to_string(i + 1) + " is not a string");
        auto s = p.get<std::string>();
        if (s.size() > kMaxParagraphBytes)
            return Error::Validation("narrative", "paragraph " + std::to_string(i + 1) + " is longer than " +
                                                      std::to_string(kMaxParagraphBytes) + " bytes");
        if (s.find('\0') != std::string::npos)
            return Error::Validation("narrative", "paragraph " + std::to_string(i + 1) + " holds a NUL character");
        if (s.find_first_not_of(" \t\r\n") != std::string::npos) any = true;
        out.push_back(std::move(s));
    }
    if (!any) return Error::Validation("narrative", "every paragraph is blank");
    return out;
}

bool HasFigures(const report::MonthlyData& d) {
    for (auto& r : d.rows)
        if (!r.ytd.empty()) return true;
    return false;
}

/// The table now, its JSON and the unit it is for.
struct Table {
    report::MonthlyData data;
    Json json;
    int64_t unit_id = 0;
};
Result<Table> LoadTable(store::Conn& c, int year, int month, std::optional<int64_t> unit_id, const Viewer& v) {
    Json extra;
    auto d = Monthly(c, year, month, unit_id, v, &extra);
    if (!d.ok()) return d.error();
    Table t;
    t.json = MonthlyToJson(*d, extra);
    t.unit_id = t.json["unit_id"].is_number_integer() ? t.json["unit_id"].get<int64_t>() : unit_id.value_or(0);
    t.data = std::move(*d);
    return t;
}

}  // namespace

report::MonthlyData MonthlyFromJson(const Json& j) {
    report::MonthlyData d;
    d.district = Str(j, "district");
    d.year = j.value("year", 0);
    d.month = j.value("month", 0);
    d.time_progress = Str(j, "time_progress");
    d.generated_data = j.value("generated_data", false);
    if (auto it = j.find("rows"); it != j.end() && it->is_array())
        for (auto& r : *it) {
            report::TableRow t;
            t.code = Str(r, "code");
            t.name = Str(r, "name");
            t.unit = Str(r, "unit");
            t.month_value = Str(r, "month_value");
            t.ytd = Str(r, "ytd");
            t.yoy = Str(r, "yoy");
            t.target = Str(r, "target");
            t.completion = Str(r, "completion");
            t.gap = Str(r, "gap");
            t.light = Str(r, "light");
            t.higher_is_better = r.value("higher_is_better", true);
            d.rows.push_back(std::move(t));
        }
    if (auto it = j.find("streets"); it != j.end() && it->is_array())
        for (auto& s : *it) d.streets.push_back({Str(s, "street"), Str(s, "indicator"), Str(s, "yoy"), Str(s, "completion")});
    if (auto it = j.find("trends"); it != j.end() && it->is_array())
        for (auto& t : *it) {
            std::vector<report::TrendPoint> pts;
            if (auto p = t.find("points"); p != t.end() && p->is_array())
                for (auto& x : *p) pts.push_back({x.value("month", 0), Str(x, "yoy")});
            d.trends.emplace_back(Str(t, "code"), std::move(pts));
        }
    return d;
}

Result<Json> GetPack(store::Conn& c, int year, int month, std::optional<int64_t> unit_id, const Viewer& v) {
    auto t = LoadTable(c, year, month, unit_id, v);
    if (!t.ok()) return t.error();
    auto draft = report::DraftNarrative(t->data);
    auto eds = store::ListIndicatorPacks(c, t->unit_id, year, month);
    Json j = {{"unit_id", t->unit_id}, {"year", year}, {"month", month}, {"table", t->json}, {"draft", draft}};
    std::vector<std::string> narrative = draft;
    if (eds.empty()) {
        j["state"] = "auto";
        j["edition"] = 1;
        j["revision"] = 0;
    } else {
        auto& e = eds.front();
        narrative = ParseNarrative(e.narrative);
        j["state"] = e.state;
        j["edition"] = e.edition;
        j["revision"] = e.revision;
        j["updated_at"] = e.updated_at;
        j["updated_by"] = e.updated_by;
        if (e.state == "published") j["hash"] = e.hash;
    }
    j["narrative"] = narrative;
    j["untraced"] = Untraced(t->data, narrative);
    Json list = Json::array();
    for (auto& e : eds) list.push_back(EditionJson(e));
    j["editions"] = list;
    return j;
}

Result<Json> CheckPack(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                       const std::vector<std::string>& narrative, const Viewer& v) {
    auto t = LoadTable(c, year, month, unit_id, v);
    if (!t.ok()) return t.error();
    return Json{{"untraced", Untraced(t->data, narrative)}};
}

Result<Json> SavePackDraft(store::WriteTx& tx, const Json& body, const Viewer& v) {
    auto m = BodyMonth(body);
    if (!m.ok()) return m.error();
    auto narrative = BodyNarrative(body);
    if (!narrative.ok()) return narrative.error();
    auto revision = BodyRevision(body);
    if (!revision.ok()) return revision.error();
    auto t = LoadTable(tx.conn(), m->year, m->month, m->unit_id, v);
    if (!t.ok()) return t.error();
    auto eds = store::ListIndicatorPacks(tx.conn(), t->unit_id, m->year, m->month);
    Json text = *narrative;
    store::IndicatorPackRow row;
    bool changed = true;
    if (!eds.empty() && eds.front().state == "draft") {
        row = eds.front();
        if (*revision && **revision != row.revision)
            return Error::Conflict("version_conflict",
                                   "the draft was saved meanwhile (revision " + std::to_string(row.revision) +
                                       "); reload it",
                                   "revision");
        changed = ParseNarrative(row.narrative) != *narrative;
        if (changed) {
            row.narrative = core::CanonicalJson(text);
            row.revision += 1;
            row.updated_at = tx.now();
            row.updated_by = v.name;
            store::UpdateIndicatorPack(tx.conn(), row);
        }
    } else {
        // No draft: the first edition, or the next after a published one (which stays frozen).
        if (*revision && **revision != 0 && (eds.empty() || **revision != eds.front().revision))
            return Error::Conflict("version_conflict", "the pack changed meanwhile; reload it", "revision");
        row.org_unit_id = t->unit_id;
        row.year = m->year;
        row.month = m->month;
        row.edition = eds.empty() ? 1 : eds.front().edition + 1;
        row.state = "draft";
        row.narrative = core::CanonicalJson(text);
        row.revision = 1;
        row.updated_at = tx.now();
        row.updated_by = v.name;
        row.id = store::InsertIndicatorPack(tx.conn(), row);
    }
    auto untraced = Untraced(t->data, *narrative);
    size_t n = 0;
    for (auto& u : untraced) n += u.size();
    if (changed)
        tx.Emit("indicator.pack_draft", "indicator_pack", row.id,
                {{"unit_id", row.org_unit_id}, {"year", row.year}, {"month", row.month}, {"edition", row.edition},
                 {"revision", row.revision}, {"paragraphs", narrative->size()}, {"untraced", n}});
    Json out = EditionJson(row);
    out["changed"] = changed;
    out["unit_id"] = row.org_unit_id;
    out["year"] = row.year;
    out["month"] = row.month;
    out["narrative"] = text;
    out["untraced"] = untraced;
    return out;
}

Result<Json> PublishPack(store::WriteTx& tx, const Json& body, const Viewer& v) {
    auto m = BodyMonth(body);
    if (!m.ok()) return m.error();
    auto revision = BodyRevision(body);
    if (!revision.ok()) return revision.error();
    auto t = LoadTable(tx.conn(), m->year, m->month, m->unit_id, v);
    if (!t.ok()) return t.error();
    if (!HasFigures(t->data))
        return Error::Validation("month", "no figures for " + FormatPeriod(m->year, m->month) + ": nothing to publish", "no_data");
    auto eds = store::ListIndicatorPacks(tx.conn(), t->unit_id, m->year, m->month);
    store::IndicatorPackRow row;
    std::vector<std::string> narrative;
    if (!eds.empty() && eds.front().state == "draft") {
        row = eds.front();
        if (*revision && **revision != row.revision)
            return Error::Conflict("version_conflict",
                                   "the draft was saved meanwhile (revision " + std::to_string(row.revision) +
                                       "); reload it before publishing",
                                   "revision");
        narrative = ParseNarrative(row.narrative);
    } else if (!eds.empty()) {
        return Error::Conflict("published",
                               "edition " + std::to_string(eds.front().edition) +
                                   " is published and nothing was edited since; save a draft first",
                               "month");
    } else {
        if (*revision && **revision != 0)
            return Error::Conflict("version_conflict", "the pack changed meanwhile; reload it", "revision");
        narrative = report::DraftNarrative(t->data);
        row.org_unit_id = t->unit_id;
        row.year = m->year;
        row.month = m->month;
        row.edition = 1;
        row.revision = 1;
    }
    Json text = narrative;
    std::string data = core::CanonicalJson(t->json);
    row.state = "published";
    row.narrative = core::CanonicalJson(text);
    row.data = data;
    row.hash = core::Sha256Hex(core::CanonicalJson(Json{{"table", t->json}, {"narrative", text}}));
    row.updated_at = tx.now();
    row.updated_by = v.name;
    row.published_at = tx.now();
    row.published_by = v.name;
    if (row.id) store::UpdateIndicatorPack(tx.conn(), row);
    else row.id = store::InsertIndicatorPack(tx.conn(), row);
    auto untraced = Untraced(t->data, narrative);
    size_t n = 0;
    for (auto& u : untraced) n += u.size();
    tx.Emit("indicator.pack_published", "indicator_pack", row.id,
            {{"unit_id", row.org_unit_id}, {"year", row.year}, {"month", row.month}, {"edition", row.edition},
             {"hash", row.hash}, {"paragraphs", narrative.size()}, {"untraced", n}});
    Json out = EditionJson(row);
    out["unit_id"] = row.org_unit_id;
    out["year"] = row.year;
    out["month"] = row.month;
    out["narrative"] = text;
    out["untraced"] = untraced;
    out["_status"] = 201;
    return out;
}

Result<PackToRender> PackForRender(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                                   std::optional<int64_t> edition, const Viewer& v) {
    auto t = LoadTable(c, year, month, unit_id, v);
    if (!t.ok()) return t.error();
    auto eds = store::ListIndicatorPacks(c, t->unit_id, year, month);
    PackToRender out;
    const store::IndicatorPackRow* e = nullptr;
    if (edition) {
        for (auto& x : eds)
            if (x.edition == *edition) e = &x;
        if (!e) return Error::NotFoundMsg("edition " + std::to_string(*edition) + " of the pack not found");
    } else if (!eds.empty()) {
        e = &eds.front();
    }
    if (e && e->state == "published") {
        auto j = Json::parse(e->data, nullptr, false);
        out.data = MonthlyFromJson(j);
        out.hash = e->hash;
    } else {
        out.data = std::move(t->data);
    }
    out.narrative = e ? ParseNarrative(e->narrative) : report::DraftNarrative(out.data);
    out.edition = e ? e->edition : 0;
    return out;
}

}  // namespace duban::indicators
