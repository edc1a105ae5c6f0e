#include "store/case_repos.hpp"

#include <algorithm>

#include "store/geo_repos.hpp"
#include "store/row_util.hpp"
#include "store/store.hpp"
#include "store/text_grams.hpp"

namespace duban::store {
namespace {

using rowutil::Opt;
using rowutil::OptInt;
using rowutil::OptStr;
using rowutil::ParseJson;

Value OptD(const std::optional<double>& v) { return v ? Value(*v) : Value(nullptr); }
std::optional<double> OptReal(const Row& r, size_t i) {
    return r.IsNull(i) ? std::nullopt : std::optional<double>(r.Real(i));
}
std::string IdsJson(const std::vector<int64_t>& v) { return v.empty() ? "[]" : core::Json(v).dump(); }
std::optional<std::string> OptTake(Row& r, size_t i) {
    return r.IsNull(i) ? std::nullopt : std::optional<std::string>(r.TakeStr(i));
}
std::vector<int64_t> IdsFrom(const std::string& s) {
    std::vector<int64_t> out;
    if (s == "[]") return out;  // most rows: no parser needed
    for (auto& v : ParseJson(s, core::Json::array()))
        if (v.is_number_integer()) out.push_back(v.get<int64_t>());
    return out;
}

constexpr const char* kCaseCols =
    "id, number, type, category, category_major, title, description, urgency, source, lon, lat, "
    "address, street_id, community_id, grid_id, lead_unit_id, co_units, paths, stage, status, "
    "reported_at, registered_at, dispatched_at, handled_at, closed_at, due_at, stage_started_at, "
    "stage_due_at, stage_yellow_at, paused_at, light, light_reason, returns, reworks, extensions, "
    "pending_extension, satisfaction, merged_into, project_id, attachments, created_by, updated_at, "
    "version, subject_unit_id";

CaseRow CaseFromRow(Row& r) {  // moves the row's text out
    CaseRow c;
    size_t i = 0;
    c.id = r.Int(i++);
    c.number = r.TakeStr(i++);
    c.type = r.TakeStr(i++);
    c.category = r.TakeStr(i++);
    c.category_major = r.TakeStr(i++);
    c.title = r.TakeStr(i++);
    c.description = r.TakeStr(i++);
    c.urgency = r.TakeStr(i++);
    c.source = r.TakeStr(i++);
    c.lon = OptReal(r, i++);
    c.lat = OptReal(r, i++);
    c.address = r.TakeStr(i++);
    c.street_id = OptInt(r, i++);
    c.community_id = OptInt(r, i++);
    c.grid_id = OptInt(r, i++);
    c.lead_unit_id = OptInt(r, i++);
    c.co_units = IdsFrom(r.TakeStr(i++));
    c.paths = r.TakeStr(i++);
    c.stage = r.TakeStr(i++);
    c.status = r.TakeStr(i++);
    c.reported_at = r.TakeStr(i++);
    c.registered_at = OptTake(r, i++);
    c.dispatched_at = OptTake(r, i++);
    c.handled_at = OptTake(r, i++);
    c.closed_at = OptTake(r, i++);
    c.due_at = OptTake(r, i++);
    c.stage_started_at = r.TakeStr(i++);
    c.stage_due_at = OptTake(r, i++);
    c.stage_yellow_at = OptTake(r, i++);
    c.paused_at = OptTake(r, i++);
    c.light = r.TakeStr(i++);
    c.light_reason = r.TakeStr(i++);
    c.returns = r.Int(i++);
    c.reworks = r.Int(i++);
    c.extensions = r.Int(i++);
    c.pending_extension = r.IsNull(i) ? core::Json() : ParseJson(r.Str(i), core::Json());
    ++i;
    c.satisfaction = OptInt(r, i++);
    c.merged_into = OptInt(r, i++);
    c.project_id = OptInt(r, i++);
    if (std::string att = r.TakeStr(i++); att != "[]")
        for (auto& v : ParseJson(att, core::Json::array()))
            if (v.is_string()) c.attachments.push_back(v.get<std::string>());
    c.created_by = OptInt(r, i++);
    c.updated_at = r.TakeStr(i++);
    c.version = r.Int(i++);
    c.subject_unit_id = OptInt(r, i++);
    return c;
}

std::vector<Value> CaseValues(const CaseRow& c) {
    return {c.id, c.number, c.type, c.category, c.category_major, c.title, c.description, c.urgency,
            c.source, OptD(c.lon), OptD(c.lat), c.address, Opt(c.street_id), Opt(c.community_id),
            Opt(c.grid_id), Opt(c.lead_unit_id), IdsJson(c.co_units), c.paths, c.stage, c.status,
            c.reported_at, Opt(c.registered_at), Opt(c.dispatched_at), Opt(c.handled_at),
            Opt(c.closed_at), Opt(c.due_at), c.stage_started_at, Opt(c.stage_due_at),
            Opt(c.stage_yellow_at), Opt(c.paused_at), c.light, c.light_reason, c.returns, c.reworks,
            c.extensions,
            c.pending_extension.is_null() ? Value(nullptr) : Value(c.pending_extension.dump()),
            Opt(c.satisfaction), Opt(c.merged_into), Opt(c.project_id),
            c.attachments.empty() ? std::string("[]") : core::Json(c.attachments).dump(), Opt(c.created_by),
            c.updated_at, c.version, Opt(c.subject_unit_id)};
}

// "1, 2, 3": ids for an IN list (integers, so no parameters needed).
std::string IdList(const std::vector<int64_t>& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
    return out;
}

// "paths LIKE ? OR ...": a unit on the case's paths lies under one of the prefixes.
std::string PathsUnder(const std::vector<std::string>& prefixes, std::vector<Value>* p) {
    std::string any;
    for (const auto& pre : prefixes) {
        if (!any.empty()) any += " OR ";
        any += "paths LIKE ? ESCAPE '\\'";
        p->push_back("%|" + core::LikeEscape(pre) + "%");
    }
    return any;
}

// A list's WHERE clause: the filters, and the caller's scope as alternatives ("arms"), each a test
// on the case's own columns. As one OR they let a page or the light totals read an index in order
// (the open cases' covering index, or the rowid from the newest down), and a filtered count read
// the filter's index. A count of the whole scope with no filter cannot: SQLite scans the table for
// an OR of IN lists, so CountSql counts the UNION of the arms, each an index lookup, instead
// (1 M cases, a street's staff: 0.16 s against 0.5 s).
// The cases the text index names for a query, and those it has yet to take in (written in the
// transaction that is committing, or outside duban): a superset of the cases containing the text.
constexpr const char* kTextCandidates =
    "SELECT rowid FROM case_text WHERE case_text MATCH ? UNION ALL SELECT id FROM case_text_pending";

struct Where {
    std::string filters;  // " AND ..." clauses
    std::vector<Value> p;
    // The text index's narrowing of a text search (SQLite): the FTS5 query (empty when none) and
    // how a query uses it. kLead: the index's list of cases leads (few matches). kCheck: another
    // index leads and each of its cases is looked up in the list (the light totals, which read the
    // open cases' index). kOff: the query reads the cases without it (a page found by walking the
    // newest cases; the demo's "演示", in every case: 0.1 ms against 150 ms).
    enum class TextUse { kOff, kLead, kCheck };
    std::string text_match;
    TextUse text_use = TextUse::kLead;
    std::vector<std::pair<std::string, std::vector<Value>>> arms;  // empty: no scope

    std::string Sql(std::vector<Value>* out) const {
        std::string sql = Filters(out);
        return arms.empty() ? sql : sql + " AND (" + Arms("", " OR ", out) + ")";
    }
    // The scope as one indexed lookup per arm, for a page of a scope so narrow that walking the
    // cases from the newest down would read too many rows to find it.
    std::string InSql(std::vector<Value>* out) const {
        std::string sql = Filters(out);
        return arms.empty() ? sql : sql + " AND id IN (" + Arms("SELECT id FROM cases WHERE ", " UNION ALL ", out) + ")";
    }
    std::string CountSql(std::vector<Value>* out) const {
        if (arms.size() < 2 || !filters.empty()) return "SELECT COUNT(*) FROM cases" + Sql(out);
        return "SELECT COUNT(*) FROM (" + Arms("SELECT id FROM cases WHERE ", " UNION ", out) + ") AS in_scope";
    }

private:
    std::string Filters(std::vector<Value>* out) const {
        out->insert(out->end(), p.begin(), p.end());
        if (text_match.empty() || text_use == TextUse::kOff) return " WHERE 1 = 1" + filters;
        out->push_back(text_match);
        // "+id" keeps the planner from leading with the list.
        return " WHERE 1 = 1" + filters + (text_use == TextUse::kLead ? " AND id" : " AND +id") + " IN (" +
               kTextCandidates + ")";
    }
    // Each arm after `each`, joined by `sep`; their parameters in the same order.
    std::string Arms(const std::string& each, const char* sep, std::vector<Value>* out) const {
        std::string sql;
        for (size_t i = 0; i < arms.size(); ++i) {
            sql += (i ? sep : "") + each + arms[i].first;
            out->insert(out->end(), arms[i].second.begin(), arms[i].second.end());
        }
        return sql;
    }
};

Where BuildWhere(const CaseFilter& f, bool text_index, std::string filters = "") {
    Where w;
    w.filters = std::move(filters);
    std::vector<Value>* p = &w.p;
    auto add = [&](const std::string& clause) { w.filters += " AND " + clause; };
    if (!f.type.empty()) add("type = ?"), p->push_back(f.type);
    if (!f.stage.empty()) add("stage = ?"), p->push_back(f.stage);
    if (!f.status.empty()) add("status = ?"), p->push_back(f.status);
    if (!f.light.empty()) add("light = ? AND status IN ('open', 'suspended')"), p->push_back(f.light);
    if (!f.category.empty()) add("(category = ? OR category_major = ?)"), p->push_back(f.category), p->push_back(f.category);
    if (f.street_id) add("street_id = ?"), p->push_back(*f.street_id);
    if (f.grid_id) add("grid_id = ?"), p->push_back(*f.grid_id);
    if (f.unit_id) {
        add("(lead_unit_id = ? OR co_units LIKE ?)");
        p->push_back(*f.unit_id);
        p->push_back("%" + std::to_string(*f.unit_id) + "%");
    }
    if (f.overdue) add("light = 'red' AND status IN ('open', 'suspended')");
    if (f.queue) add("lead_unit_id IS NULL AND status = 'open'");
    if (!f.from.empty()) add("reported_at >= ?"), p->push_back(f.from);
    if (!f.to.empty()) add("reported_at < ?"), p->push_back(f.to);
    if (!f.q.empty()) {
        // On SQLite the text index first narrows the search to the cases that have every
        // character pair of the query (1 M cases: a rare word in under a millisecond instead of a
        // 0.6 s scan); the LIKE test still decides, so the answer is the same with or without it.
        if (text_index) w.text_match = TextGramsQuery(f.q);
        add("(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' OR number LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\')");
        std::string pat = "%" + core::LikeEscape(f.q) + "%";
        for (int i = 0; i < 4; ++i) p->push_back(pat);
    }
    if (!f.hidden_subjects.empty())
        add("(subject_unit_id IS NULL OR subject_unit_id NOT IN (" + IdList(f.hidden_subjects) + "))");
    if (f.prefixes && f.scope_units && !f.prefixes->empty()) {
        // A case is in scope when a unit on its paths (location, lead unit, co-units) is under a
        // prefix. The org units under the prefixes are a union of subtrees, so for the location it
        // is enough that the street, community or grid is one of them. Each arm is an indexed
        // lookup; only cases with co-units (a partial index) have their paths read.
        std::string in = IdList(*f.scope_units);
        if (in.empty()) in = "NULL";
        // A petition is not seen for its place, only by the units it is assigned to (信訪: the
        // petitioner's complaint goes to whom handles it, not to every office of the street).
        for (const char* col : {"street_id", "community_id", "grid_id"})
            w.arms.push_back({"(" + std::string(col) + " IN (" + in + ") AND type <> 'petition')", {}});
        w.arms.push_back({"lead_unit_id IN (" + in + ")", {}});
        std::vector<Value> pp;
        std::string paths = PathsUnder(*f.prefixes, &pp);
        w.arms.push_back({"(co_units <> '[]' AND (" + paths + "))", std::move(pp)});
    } else if (f.prefixes) {
        if (f.prefixes->empty()) {
            add("1 = 0");
        } else {
            std::vector<Value> pp;
            std::string paths = PathsUnder(*f.prefixes, &pp);
            w.arms.push_back({"(" + paths + ")", std::move(pp)});
        }
    }
    return w;
}

int64_t NewestCaseId(Conn& c) { return c.Query("SELECT COALESCE(MAX(id), 0) FROM cases")[0].Int(0); }

// Keeps the text index for a search only when its candidates (the matches and the cases it has yet
// to take in) are at most a quarter of the cases: reading a million cases through the list costs
// more than reading them in order (1 M cases, "演示" in every one: the count in 457 ms against
// 277 ms). The matches are counted only up to that quarter. Returns the candidates (-1 when the
// index is left out).
int64_t KeepTextIndexIfNarrow(Conn& c, Where* w) {
    if (w->text_match.empty()) return -1;
    const int64_t quarter = NewestCaseId(c) / 4;
    const int64_t candidates =
        c.Query("SELECT (SELECT COUNT(*) FROM (SELECT rowid FROM case_text WHERE case_text MATCH ? LIMIT ?) AS m) + "
                "(SELECT COUNT(*) FROM case_text_pending)",
                {w->text_match, quarter + 1})[0]
            .Int(0);
    if (candidates <= quarter) return candidates;
    w->text_match.clear();
    return -1;
}

}  // namespace

int64_t NextCaseId(Conn& c) { return rowutil::NextId(c, "cases"); }

bool CaseTextWaiting(Conn& c) {
    if (c.backend() != Backend::kSqlite) return false;
    return c.Query("SELECT EXISTS (SELECT 1 FROM case_text_stale) OR EXISTS (SELECT 1 FROM case_text_pending)")[0].Int(0) != 0;
}

void IndexPendingCaseText(Conn& c, int64_t min_pending, int64_t max_cases) {
    if (c.backend() != Backend::kSqlite) return;
    auto r = c.Query("SELECT EXISTS (SELECT 1 FROM case_text_stale), (SELECT COUNT(*) FROM case_text_pending)");
    const bool stale = r[0].Int(0) != 0;
    const int64_t pending = r[0].Int(1);
    if (!stale && (pending == 0 || pending < min_pending)) return;
    const int64_t take = max_cases > 0 ? std::min(pending, max_cases) : pending;
    // In a savepoint: a failure here leaves the notes as they were and the caller's work intact.
    c.Exec("SAVEPOINT case_text_index");
    try {
        if (stale) {  // old terms out first: a case edited after it was indexed is re-indexed below
            c.Exec("INSERT INTO case_text (case_text, rowid, grams) SELECT 'delete', id, grams FROM case_text_stale "
                   "ORDER BY seq");
            c.Exec("DELETE FROM case_text_stale");
        }
        if (take > 0) {  // the oldest first; the same ids in both statements
            c.Exec("INSERT INTO case_text (rowid, grams) SELECT c.id, duban_grams(c.title, c.description, c.number, "
                   "c.address) FROM (SELECT id FROM case_text_pending ORDER BY id LIMIT ?) AS p JOIN cases c ON c.id = p.id",
                   {take});
            c.Exec("DELETE FROM case_text_pending WHERE id IN (SELECT id FROM case_text_pending ORDER BY id LIMIT ?)", {take});
        }
        c.Exec("RELEASE SAVEPOINT case_text_index");
    } catch (...) {
        try {
            c.Exec("ROLLBACK TO SAVEPOINT case_text_index");
            c.Exec("RELEASE SAVEPOINT case_text_index");
        } catch (...) {
        }
        throw;
    }
}

void InsertCase(Conn& c, const CaseRow& r) {
    std::string q = std::string("INSERT INTO cases (") + kCaseCols +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    c.Exec(q, CaseValues(r));
    for (const auto& sha : r.attachments) AddAttachmentRef(c, sha, "case", r.id);
}

void UpdateCase(Conn& c, const CaseRow& before, const CaseRow& r) {
    // Only the columns whose values changed are SET: SQLite rewrites the entry of every index on a
    // column named in SET, changed or not, and cases carry a dozen indexes (an action that touches
    // the stage and light only rewrites those, about a tenth of the work). updated_at and version
    // are always set; the version is the one the case was read at plus one.
    static const std::vector<std::string> kNames = [] {
        std::vector<std::string> out;
        std::string cols = kCaseCols;
        size_t pos = 0;
        while (pos < cols.size()) {
            size_t comma = cols.find(',', pos);
            if (comma == std::string::npos) comma = cols.size();
            std::string name = cols.substr(pos, comma - pos);
            name.erase(0, name.find_first_not_of(' '));
            out.push_back(name);
            pos = comma + 1;
        }
        return out;
    }();
    std::vector<Value> old_v = CaseValues(before);
    std::vector<Value> new_v = CaseValues(r);
    std::string sql = "UPDATE cases SET ";
    std::vector<Value> params;
    for (size_t i = 0; i < kNames.size(); ++i) {
        const std::string& name = kNames[i];
        if (name == "id" || name == "version") continue;
        if (name != "updated_at" && old_v[i] == new_v[i]) continue;
        sql += name + " = ?, ";
        params.push_back(std::move(new_v[i]));
    }
    sql += "version = ? WHERE id = ?";
    params.emplace_back(r.version + 1);
    params.emplace_back(r.id);
    c.Exec(sql, params);
    // Attachments are only ever added to a case: the new ones are those past the old list's end.
    if (r.attachments != before.attachments)
        for (const auto& sha : r.attachments)
            if (std::find(before.attachments.begin(), before.attachments.end(), sha) == before.attachments.end())
                AddAttachmentRef(c, sha, "case", r.id);
}

std::optional<CaseRow> FindCase(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kCaseCols + " FROM cases WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return CaseFromRow(rows[0]);
}

void UpdateCaseLight(Conn& c, int64_t id, const std::string& light, const std::string& reason) {
    c.Exec("UPDATE cases SET light = ?, light_reason = ? WHERE id = ?", {light, reason, id});
}

std::vector<int64_t> CaseSubjectsAmong(Conn& c, const std::vector<int64_t>& units) {
    std::vector<int64_t> out;
    if (units.empty()) return out;
    for (const Row& r : c.Query("SELECT DISTINCT subject_unit_id FROM cases WHERE subject_unit_id IN (" + IdList(units) +
                                ") ORDER BY subject_unit_id"))
        out.push_back(r.Int(0));
    return out;
}

std::vector<int64_t> OrgUnitsUnder(Conn& c, const std::vector<std::string>& prefixes) {
    std::vector<int64_t> out;
    if (prefixes.empty()) return out;
    std::string where;
    std::vector<Value> p;
    for (const auto& pre : prefixes) {
        if (!where.empty()) where += " OR ";
        where += "path LIKE ? ESCAPE '\\'";
        p.push_back(core::LikeEscape(pre) + "%");
    }
    for (const Row& r : c.Query("SELECT id FROM org_units WHERE " + where + " ORDER BY id", p)) out.push_back(r.Int(0));
    return out;
}

std::pair<std::vector<CaseRow>, int64_t> ListCases(Conn& c, const CaseFilter& f) {
    Where w = BuildWhere(f, c.backend() == Backend::kSqlite);
    KeepTextIndexIfNarrow(c, &w);
    std::vector<Value> cp;
    std::string count = w.CountSql(&cp);
    int64_t total = c.Query(count, cp)[0].Int(0);
    const int64_t offset = (f.page - 1) * f.per_page;
    if (total <= offset) return {{}, total};  // past the last case: nothing to read
    // Walking the cases in the list's order (the newest first, by default) meets about
    // (offset + per_page) * cases / total rows before the page is full; past kMaxWalk the scope's
    // own index lookups, or the text index, are cheaper (a scope of 50 cases among 1 M: about
    // 0.3 s against 0.03 s).
    constexpr int64_t kMaxWalk = 10000;
    bool walk = w.arms.empty() && w.text_match.empty();
    if (!walk) walk = (offset + f.per_page) * NewestCaseId(c) <= kMaxWalk * total;
    w.text_use = walk ? Where::TextUse::kOff : Where::TextUse::kLead;
    std::vector<Value> p;
    // Not walking: the text index's list of cases leads when there is one, else the scope's.
    std::string where = walk || !w.text_match.empty() ? w.Sql(&p) : w.InSql(&p);
    std::string order = " ORDER BY id DESC";
    if (f.sort == "reported_at") order = " ORDER BY reported_at, id";
    else if (f.sort == "-reported_at") order = " ORDER BY reported_at DESC, id DESC";
    else if (f.sort == "due") order = " ORDER BY stage_due_at, id";
    else if (f.sort == "id") order = " ORDER BY id";
    p.push_back(f.per_page);
    p.push_back(offset);
    auto rows = c.Query(std::string("SELECT ") + kCaseCols + " FROM cases" + where + order + " LIMIT ? OFFSET ?", p);
    std::vector<CaseRow> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(CaseFromRow(r));
    return {std::move(out), total};
}

core::Json CountCaseLights(Conn& c, const CaseFilter& f) {
    std::vector<Value> p;
    Where w = BuildWhere(f, c.backend() == Backend::kSqlite, " AND status IN ('open', 'suspended')");
    // A few candidates lead; more are checked along the open cases' index (1 M cases, "井盖" in
    // 33,817: 38 ms against 70 ms).
    if (KeepTextIndexIfNarrow(c, &w) > 2000) w.text_use = Where::TextUse::kCheck;
    std::string where = w.Sql(&p);
    core::Json out = {{"green", 0}, {"yellow", 0}, {"red", 0}};
    for (auto& r : c.Query("SELECT light, COUNT(*) FROM cases" + where + " GROUP BY light", p))
        out[r.Str(0)] = r.Int(1);
    return out;
}

int64_t NextCaseStepSeq(Conn& c, int64_t case_id) {
    return c.Query("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_steps WHERE case_id = ?", {case_id})[0].Int(0);
}

void InsertCaseStep(Conn& c, const CaseStepRow& s) {
    c.Exec("INSERT INTO case_steps (case_id, seq, at, actor_id, actor, action, from_stage, to_stage, note, data) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {s.case_id, s.seq, s.at, Opt(s.actor_id), s.actor, s.action, s.from_stage, s.to_stage, s.note,
            core::CanonicalJson(s.data)});
}

std::vector<CaseStepRow> ListCaseSteps(Conn& c, int64_t case_id) {
    std::vector<CaseStepRow> out;
    for (auto& r : c.Query("SELECT case_id, seq, at, actor_id, actor, action, from_stage, to_stage, note, data "
                           "FROM case_steps WHERE case_id = ? ORDER BY seq",
                           {case_id})) {
        CaseStepRow s;
        s.case_id = r.Int(0);
        s.seq = r.Int(1);
        s.at = r.Str(2);
        s.actor_id = OptInt(r, 3);
        s.actor = r.Str(4);
        s.action = r.Str(5);
        s.from_stage = r.Str(6);
        s.to_stage = r.Str(7);
        s.note = r.Str(8);
        s.data = ParseJson(r.Str(9), core::Json::object());
        out.push_back(std::move(s));
    }
    return out;
}

void PutCaseReporter(Conn& c, const CaseReporterRow& r) {
    c.Exec("DELETE FROM case_reporters WHERE case_id = ?", {r.case_id});
    c.Exec("INSERT INTO case_reporters (case_id, name_sealed, phone_sealed, id_number_sealed, name_masked, "
           "phone_masked, id_number_masked) VALUES (?, ?, ?, ?, ?, ?, ?)",
           {r.case_id, Opt(r.name_sealed), Opt(r.phone_sealed), Opt(r.id_number_sealed), r.name_masked,
            r.phone_masked, r.id_number_masked});
}

std::optional<CaseReporterRow> FindCaseReporter(Conn& c, int64_t case_id) {
    auto rows = c.Query("SELECT case_id, name_sealed, phone_sealed, id_number_sealed, name_masked, phone_masked, "
                        "id_number_masked FROM case_reporters WHERE case_id = ?",
                        {case_id});
    if (rows.empty()) return std::nullopt;
    auto& r = rows[0];
    return CaseReporterRow{r.Int(0), OptStr(r, 1), OptStr(r, 2), OptStr(r, 3), r.Str(4), r.Str(5), r.Str(6)};
}

namespace {
// The rules a WHERE clause picks (with its parameters), in table order.
std::vector<DispatchRuleRow> QueryRules(Conn& c, const std::string& where, const std::vector<Value>& params) {
    std::vector<DispatchRuleRow> out;
    for (auto& r : c.Query("SELECT seq, type, category, street_id, grid_id, lead_unit_id, co_units "
                           "FROM case_dispatch_rules" + where + " ORDER BY seq",
                           params))
        out.push_back({r.Int(0), r.Str(1), r.Str(2), OptInt(r, 3), OptInt(r, 4), r.Int(5), IdsFrom(r.Str(6))});
    return out;
}
}  // namespace

std::vector<DispatchRuleRow> ListDispatchRules(Conn& c) { return QueryRules(c, "", {}); }

std::vector<DispatchRuleRow> DispatchRulesFor(Conn& c, const std::string& type, const std::string& category,
                                              const std::string& category_major) {
    return QueryRules(c, " WHERE type = ? AND (category = ? OR category = ? OR category = '*')",
                      {type, category, category_major});
}

void ReplaceDispatchRules(Conn& c, const std::vector<DispatchRuleRow>& rules) {
    c.Exec("DELETE FROM case_dispatch_rules");
    int64_t seq = 0;
    for (const auto& r : rules)
        c.Exec("INSERT INTO case_dispatch_rules (seq, type, category, street_id, grid_id, lead_unit_id, co_units) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               {++seq, r.type, r.category, Opt(r.street_id), Opt(r.grid_id), r.lead_unit_id, IdsJson(r.co_units)});
}

std::vector<std::pair<std::string, std::string>> ListCaseTypeConfigs(Conn& c) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& r : c.Query("SELECT code, config FROM case_type_configs ORDER BY code")) out.emplace_back(r.Str(0), r.Str(1));
    return out;
}

std::vector<int64_t> CasesMergedInto(Conn& c, int64_t id) {
    std::vector<int64_t> out;
    for (auto& r : c.Query("SELECT id FROM cases WHERE merged_into = ? ORDER BY id", {id})) out.push_back(r.Int(0));
    return out;
}

bool CaseStageInUse(Conn& c, const std::string& type, const std::string& stage) {
    // cases_type_stage (type, stage, status) answers it from the index's first entry
    return !c.Query("SELECT 1 FROM cases WHERE type = ? AND stage = ? LIMIT 1", {type, stage}).empty();
}

void PutCaseTypeConfig(Conn& c, const std::string& code, const std::string& json, const std::string& now) {
    c.Exec("DELETE FROM case_type_configs WHERE code = ?", {code});
    c.Exec("INSERT INTO case_type_configs (code, config, updated_at) VALUES (?, ?, ?)", {code, json, now});
}

std::vector<std::pair<int64_t, std::string>> ListCaseWatch(Conn& c) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (auto& r : c.Query("SELECT id, CASE WHEN light = 'green' THEN stage_yellow_at ELSE stage_due_at END "
                           "FROM cases WHERE status = 'open' AND stage_due_at IS NOT NULL AND light <> 'red'"))
        if (!r.IsNull(1)) out.emplace_back(r.Int(0), r.Str(1));
    return out;
}

}  // namespace duban::store
