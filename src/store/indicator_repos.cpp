#include "store/indicator_repos.hpp"
#include "store/row_util.hpp"

#include <algorithm>

namespace duban::store {
namespace {

using rowutil::NextId;
using rowutil::Opt;
using rowutil::OptInt;
using rowutil::OptStr;
std::vector<std::string> StrList(const std::string& s) {
    std::vector<std::string> out;
    auto j = core::Json::parse(s, nullptr, false);
    if (j.is_array())
        for (auto& v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

constexpr const char* kDefCols =
    "id, code, name_zh, name_en, aliases, unit, scale, periodicity, jan_feb_combined, additive, "
    "price_basis, comparable_growth, higher_is_better, owner_unit_id, formula, min_value, max_value, "
    "jump_share, builtin, seq, created_at, updated_at, version";
IndicatorDefRow DefFromRow(const Row& r) {
    IndicatorDefRow d;
    d.id = r.Int(0);
    d.code = r.Str(1);
    d.name_zh = r.Str(2);
    d.name_en = r.Str(3);
    d.aliases = StrList(r.Str(4));
    d.unit = r.Str(5);
    d.scale = r.Int(6);
    d.periodicity = r.Str(7);
    d.jan_feb_combined = r.Int(8) != 0;
    d.additive = r.Int(9) != 0;
    d.price_basis = r.Str(10);
    d.comparable_growth = r.Int(11) != 0;
    d.higher_is_better = r.Int(12) != 0;
    d.owner_unit_id = OptInt(r, 13);
    d.formula = OptStr(r, 14);
    d.min_value = OptStr(r, 15);
    d.max_value = OptStr(r, 16);
    d.jump_share = OptStr(r, 17);
    d.builtin = r.Int(18) != 0;
    d.seq = r.Int(19);
    d.created_at = r.Str(20);
    d.updated_at = r.Str(21);
    d.version = r.Int(22);
    return d;
}

constexpr const char* kValueCols =
    "id, indicator_id, org_unit_id, year, month, units, scale, growth_units, growth_scale, status, "
    "source, revision, updated_at, updated_by, note";
IndicatorValueRow ValueFromRow(const Row& r) {
    IndicatorValueRow v;
    v.id = r.Int(0);
    v.indicator_id = r.Int(1);
    v.org_unit_id = r.Int(2);
    v.year = r.Int(3);
    v.month = r.Int(4);
    v.units = r.Int(5);
    v.scale = r.Int(6);
    v.growth_units = OptInt(r, 7);
    v.growth_scale = OptInt(r, 8);
    v.status = r.Str(9);
    v.source = r.Str(10);
    v.revision = r.Int(11);
    v.updated_at = r.Str(12);
    v.updated_by = r.Str(13);
    v.note = r.Str(14);
    return v;
}

}  // namespace

std::vector<IndicatorDefRow> ListIndicatorDefs(Conn& c) {
    std::vector<IndicatorDefRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kDefCols + " FROM indicator_defs ORDER BY seq, id"))
        out.push_back(DefFromRow(r));
    return out;
}

std::optional<IndicatorDefRow> FindIndicatorDef(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kDefCols + " FROM indicator_defs WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return DefFromRow(rows[0]);
}

std::optional<IndicatorDefRow> FindIndicatorDefByCode(Conn& c, const std::string& code) {
    auto rows = c.Query(std::string("SELECT ") + kDefCols + " FROM indicator_defs WHERE code = ?", {code});
    if (rows.empty()) return std::nullopt;
    return DefFromRow(rows[0]);
}

int64_t InsertIndicatorDef(Conn& c, const IndicatorDefRow& d) {
    int64_t id = NextId(c, "indicator_defs");
    c.Exec("INSERT INTO indicator_defs (id, code, name_zh, name_en, aliases, unit, scale, periodicity, "
           "jan_feb_combined, additive, price_basis, comparable_growth, higher_is_better, owner_unit_id, "
           "formula, min_value, max_value, jump_share, builtin, seq, created_at, updated_at, version) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
           {id, d.code, d.name_zh, d.name_en, core::CanonicalJson(core::Json(d.aliases)), d.unit, d.scale,
            d.periodicity, int64_t(d.jan_feb_combined), int64_t(d.additive), d.price_basis,
            int64_t(d.comparable_growth), int64_t(d.higher_is_better), Opt(d.owner_unit_id), Opt(d.formula),
            Opt(d.min_value), Opt(d.max_value), Opt(d.jump_share), int64_t(d.builtin), d.seq, d.created_at,
            d.updated_at});
    return id;
}

void UpdateIndicatorDef(Conn& c, const IndicatorDefRow& d) {
    c.Exec("UPDATE indicator_defs SET name_zh = ?, name_en = ?, aliases = ?, unit = ?, scale = ?, "
           "periodicity = ?, jan_feb_combined = ?, additive = ?, price_basis = ?, comparable_growth = ?, "
           "higher_is_better = ?, owner_unit_id = ?, formula = ?, min_value = ?, max_value = ?, "
           "jump_share = ?, seq = ?, updated_at = ?, version = version + 1 WHERE id = ?",
           {d.name_zh, d.name_en, core::CanonicalJson(core::Json(d.aliases)), d.unit, d.scale, d.periodicity,
            int64_t(d.jan_feb_combined), int64_t(d.additive), d.price_basis, int64_t(d.comparable_growth),
            int64_t(d.higher_is_better), Opt(d.owner_unit_id), Opt(d.formula), Opt(d.min_value),
            Opt(d.max_value), Opt(d.jump_share), d.seq, d.updated_at, d.id});
}

std::vector<IndicatorValueRow> ListIndicatorValues(Conn& c, const ValueFilter& f) {
    std::string sql = std::string("SELECT ") + kValueCols + " FROM indicator_values WHERE 1 = 1";
    std::vector<Value> p;
    if (f.indicator_id) sql += " AND indicator_id = ?", p.push_back(*f.indicator_id);
    if (f.org_unit_id) sql += " AND org_unit_id = ?", p.push_back(*f.org_unit_id);
    if (f.year) sql += " AND year = ?", p.push_back(*f.year);
    if (f.from_ym) sql += " AND year * 100 + month >= ?", p.push_back(*f.from_ym);
    if (f.to_ym) sql += " AND year * 100 + month <= ?", p.push_back(*f.to_ym);
    if (!f.status.empty()) sql += " AND status = ?", p.push_back(f.status);
    if (!f.unit_ids.empty()) {
        sql += " AND org_unit_id IN (";
        for (size_t i = 0; i < f.unit_ids.size(); ++i) {
            sql += i ? ", ?" : "?";
            p.push_back(f.unit_ids[i]);
        }
        sql += ")";
    }
    sql += " ORDER BY indicator_id, org_unit_id, year, month";
    std::vector<IndicatorValueRow> out;
    for (auto& r : c.Query(sql, p)) out.push_back(ValueFromRow(r));
    return out;
}

std::optional<IndicatorValueRow> FindIndicatorValue(Conn& c, int64_t id) {
    auto rows = c.Query(std::string("SELECT ") + kValueCols + " FROM indicator_values WHERE id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return ValueFromRow(rows[0]);
}

std::optional<IndicatorValueRow> FindIndicatorValueAt(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                      int64_t year, int64_t month) {
    auto rows = c.Query(std::string("SELECT ") + kValueCols +
                            " FROM indicator_values WHERE indicator_id = ? AND org_unit_id = ? AND "
                            "year = ? AND month = ?",
                        {indicator_id, unit_id, year, month});
    if (rows.empty()) return std::nullopt;
    return ValueFromRow(rows[0]);
}

std::optional<IndicatorValueRow> FindPreviousValue(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                   int64_t year, int64_t month) {
    auto rows = c.Query(std::string("SELECT ") + kValueCols +
                            " FROM indicator_values WHERE indicator_id = ? AND org_unit_id = ? AND "
                            "year = ? AND month < ? ORDER BY month DESC LIMIT 1",
                        {indicator_id, unit_id, year, month});
    if (rows.empty()) return std::nullopt;
    return ValueFromRow(rows[0]);
}

int64_t InsertIndicatorValue(Conn& c, const IndicatorValueRow& v) {
    int64_t id = v.id ? v.id : NextId(c, "indicator_values");
    c.Exec("INSERT INTO indicator_values (id, indicator_id, org_unit_id, year, month, units, scale, "
           "growth_units, growth_scale, status, source, revision, updated_at, updated_by, note) VALUES "
           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, v.indicator_id, v.org_unit_id, v.year, v.month, v.units, v.scale, Opt(v.growth_units),
            Opt(v.growth_scale), v.status, v.source, v.revision, v.updated_at, v.updated_by, v.note});
    return id;
}

void InsertIndicatorValues(Conn& c, std::vector<IndicatorValueRow>& rows) {
    constexpr size_t kChunk = 500;  // 7,500 parameters: under SQLite's 32,766 and PostgreSQL's 65,535
    static const std::string kHead =
        "INSERT INTO indicator_values (id, indicator_id, org_unit_id, year, month, units, scale, "
        "growth_units, growth_scale, status, source, revision, updated_at, updated_by, note) VALUES ";
    static const std::string kFull = [] {
        std::string s = kHead;
        for (size_t k = 0; k < kChunk; ++k) s += k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        return s;
    }();
    std::vector<Value> p;
    for (size_t i = 0; i < rows.size(); i += kChunk) {
        size_t n = std::min(kChunk, rows.size() - i);
        std::string partial;
        if (n < kChunk) {
            partial = kHead;
            for (size_t k = 0; k < n; ++k) partial += k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        }
        p.clear();
        p.reserve(n * 15);
        for (size_t k = 0; k < n; ++k) {
            auto& v = rows[i + k];
            p.emplace_back(v.id);
            p.emplace_back(v.indicator_id);
            p.emplace_back(v.org_unit_id);
            p.emplace_back(v.year);
            p.emplace_back(v.month);
            p.emplace_back(v.units);
            p.emplace_back(v.scale);
            p.push_back(Opt(v.growth_units));
            p.push_back(Opt(v.growth_scale));
            p.emplace_back(std::move(v.status));
            p.emplace_back(std::move(v.source));
            p.emplace_back(v.revision);
            p.emplace_back(std::move(v.updated_at));
            p.emplace_back(std::move(v.updated_by));
            p.emplace_back(std::move(v.note));
        }
        c.Exec(n < kChunk ? partial : kFull, p);
    }
}

std::vector<SeriesPoint> ListSeriesPoints(Conn& c, int64_t from_ym, int64_t to_ym, int64_t max_month,
                                          const std::vector<int64_t>& unit_ids) {
    std::vector<SeriesPoint> out;
    // year bounds first, so the (org_unit_id, year) index serves the IN list
    std::string sql =
        "SELECT indicator_id, org_unit_id, year, month, units, scale, growth_units, growth_scale, status "
        "FROM indicator_values WHERE indicator_id IN (SELECT id FROM indicator_defs) AND org_unit_id IN (";
    std::vector<Value> p;
    for (size_t i = 0; i < unit_ids.size(); ++i) {
        sql += i ? ", ?" : "?";
        p.push_back(unit_ids[i]);
    }
    sql += ") AND year >= ? AND year <= ? AND year * 100 + month >= ? AND year * 100 + month <= ? AND month <= ?";
    p.insert(p.end(), {from_ym / 100, to_ym / 100, from_ym, to_ym, max_month});
    auto rows = c.Query(sql, p);
    out.reserve(rows.size());
    for (auto& r : rows)
        out.push_back({r.Int(0), r.Int(1), static_cast<int32_t>(r.Int(2)), static_cast<int32_t>(r.Int(3)), r.Int(4), r.Int(5),
                       OptInt(r, 6), OptInt(r, 7), r.Str(8), false});
    return out;
}

bool HasDemoValues(Conn& c, int64_t unit_id, int64_t year) {
    return !c.Query("SELECT 1 FROM indicator_values WHERE indicator_id IN (SELECT id FROM indicator_defs) AND "
                    "org_unit_id = ? AND year = ? AND source = 'demo' LIMIT 1",
                    {unit_id, year}).empty();
}

void UpdateIndicatorValue(Conn& c, const IndicatorValueRow& v) {
    c.Exec("UPDATE indicator_values SET units = ?, scale = ?, growth_units = ?, growth_scale = ?, "
           "status = ?, source = ?, revision = ?, updated_at = ?, updated_by = ?, note = ? WHERE id = ?",
           {v.units, v.scale, Opt(v.growth_units), Opt(v.growth_scale), v.status, v.source, v.revision,
            v.updated_at, v.updated_by, v.note, v.id});
}

void InsertIndicatorRevision(Conn& c, const IndicatorRevisionRow& r) {
    c.Exec("INSERT INTO indicator_revisions (id, value_id, revision, units, scale, growth_units, "
           "growth_scale, status, source, note, at, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {r.id ? Value(r.id) : Value(NextId(c, "indicator_revisions")), r.value_id, r.revision, r.units,
            r.scale, Opt(r.growth_units), Opt(r.growth_scale), r.status, r.source, r.note, r.at, r.by_name});
}

std::vector<IndicatorRevisionRow> ListIndicatorRevisions(Conn& c, int64_t value_id) {
    std::vector<IndicatorRevisionRow> out;
    for (auto& r : c.Query("SELECT id, value_id, revision, units, scale, growth_units, growth_scale, "
                           "status, source, note, at, by_name FROM indicator_revisions WHERE "
                           "value_id = ? ORDER BY revision DESC",
                           {value_id})) {
        IndicatorRevisionRow x;
        x.id = r.Int(0);
        x.value_id = r.Int(1);
        x.revision = r.Int(2);
        x.units = r.Int(3);
        x.scale = r.Int(4);
        x.growth_units = OptInt(r, 5);
        x.growth_scale = OptInt(r, 6);
        x.status = r.Str(7);
        x.source = r.Str(8);
        x.note = r.Str(9);
        x.at = r.Str(10);
        x.by_name = r.Str(11);
        out.push_back(std::move(x));
    }
    return out;
}

std::vector<IndicatorTargetRow> ListIndicatorTargets(Conn& c, std::optional<int64_t> indicator_id,
                                                     std::optional<int64_t> unit_id,
                                                     std::optional<int64_t> year) {
    std::string sql = "SELECT id, indicator_id, org_unit_id, year, value, exact, growth_percent, base, "
                      "updated_at FROM indicator_targets WHERE 1 = 1";
    std::vector<Value> p;
    if (indicator_id) sql += " AND indicator_id = ?", p.push_back(*indicator_id);
    if (unit_id) sql += " AND org_unit_id = ?", p.push_back(*unit_id);
    if (year) sql += " AND year = ?", p.push_back(*year);
    sql += " ORDER BY indicator_id, org_unit_id, year";
    std::vector<IndicatorTargetRow> out;
    for (auto& r : c.Query(sql, p)) {
        IndicatorTargetRow t;
        t.id = r.Int(0);
        t.indicator_id = r.Int(1);
        t.org_unit_id = r.Int(2);
        t.year = r.Int(3);
        t.value = r.Str(4);
        t.exact = r.Str(5);
        t.growth_percent = OptStr(r, 6);
        t.base = OptStr(r, 7);
        t.updated_at = r.Str(8);
        out.push_back(std::move(t));
    }
    return out;
}

int64_t UpsertIndicatorTarget(Conn& c, const IndicatorTargetRow& t) {
    auto rows = c.Query("SELECT id FROM indicator_targets WHERE indicator_id = ? AND org_unit_id = ? AND year = ?",
                        {t.indicator_id, t.org_unit_id, t.year});
    if (!rows.empty()) {
        int64_t id = rows[0].Int(0);
        c.Exec("UPDATE indicator_targets SET value = ?, exact = ?, growth_percent = ?, base = ?, "
               "updated_at = ? WHERE id = ?",
               {t.value, t.exact, Opt(t.growth_percent), Opt(t.base), t.updated_at, id});
        return id;
    }
    int64_t id = NextId(c, "indicator_targets");
    c.Exec("INSERT INTO indicator_targets (id, indicator_id, org_unit_id, year, value, exact, "
           "growth_percent, base, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, t.indicator_id, t.org_unit_id, t.year, t.value, t.exact, Opt(t.growth_percent),
            Opt(t.base), t.updated_at});
    return id;
}

namespace {
constexpr const char* kAlertCols =
    "id, indicator_id, org_unit_id, year, month, level, reasons, gap, yoy, raised_at";
IndicatorAlertRow AlertFromRow(const Row& r) {
    IndicatorAlertRow a;
    a.id = r.Int(0);
    a.indicator_id = r.Int(1);
    a.org_unit_id = r.Int(2);
    a.year = r.Int(3);
    a.month = r.Int(4);
    a.level = r.Str(5);
    a.reasons = StrList(r.Str(6));
    a.gap = OptStr(r, 7);
    a.yoy = OptStr(r, 8);
    a.raised_at = r.Str(9);
    return a;
}
}  // namespace

std::vector<IndicatorAlertRow> ListIndicatorAlerts(Conn& c, std::optional<int64_t> year) {
    std::string sql = std::string("SELECT ") + kAlertCols + " FROM indicator_alerts";
    std::vector<Value> p;
    if (year) sql += " WHERE year = ?", p.push_back(*year);
    sql += " ORDER BY indicator_id, org_unit_id, year";
    std::vector<IndicatorAlertRow> out;
    for (auto& r : c.Query(sql, p)) out.push_back(AlertFromRow(r));
    return out;
}

std::optional<IndicatorAlertRow> FindIndicatorAlert(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                    int64_t year) {
    auto rows = c.Query(std::string("SELECT ") + kAlertCols +
                            " FROM indicator_alerts WHERE indicator_id = ? AND org_unit_id = ? AND year = ?",
                        {indicator_id, unit_id, year});
    if (rows.empty()) return std::nullopt;
    return AlertFromRow(rows[0]);
}

void PutIndicatorAlert(Conn& c, const IndicatorAlertRow& a) {
    c.Exec("DELETE FROM indicator_alerts WHERE indicator_id = ? AND org_unit_id = ? AND year = ?",
           {a.indicator_id, a.org_unit_id, a.year});
    if (a.level == "green") return;
    c.Exec("INSERT INTO indicator_alerts (id, indicator_id, org_unit_id, year, month, level, reasons, "
           "gap, yoy, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {NextId(c, "indicator_alerts"), a.indicator_id, a.org_unit_id, a.year, a.month, a.level,
            core::CanonicalJson(core::Json(a.reasons)), Opt(a.gap), Opt(a.yoy), a.raised_at});
}

namespace {
constexpr const char* kPackCols =
    "id, org_unit_id, year, month, edition, state, narrative, data, hash, revision, updated_at, "
    "updated_by, published_at, published_by";
IndicatorPackRow PackFromRow(const Row& r) {
    IndicatorPackRow p;
    p.id = r.Int(0);
    p.org_unit_id = r.Int(1);
    p.year = r.Int(2);
    p.month = r.Int(3);
    p.edition = r.Int(4);
    p.state = r.Str(5);
    p.narrative = r.Str(6);
    p.data = r.Str(7);
    p.hash = r.Str(8);
    p.revision = r.Int(9);
    p.updated_at = r.Str(10);
    p.updated_by = r.Str(11);
    p.published_at = OptStr(r, 12);
    p.published_by = OptStr(r, 13);
    return p;
}
}  // namespace

std::vector<IndicatorPackRow> ListIndicatorPacks(Conn& c, int64_t unit_id, int64_t year, int64_t month) {
    std::vector<IndicatorPackRow> out;
    for (auto& r : c.Query(std::string("SELECT ") + kPackCols +
                               " FROM indicator_packs WHERE org_unit_id = ? AND year = ? AND month = ? "
                               "ORDER BY edition DESC",
                           {unit_id, year, month}))
        out.push_back(PackFromRow(r));
    return out;
}

int64_t InsertIndicatorPack(Conn& c, const IndicatorPackRow& p) {
    int64_t id = NextId(c, "indicator_packs");
    c.Exec("INSERT INTO indicator_packs (id, org_unit_id, year, month, edition, state, narrative, data, hash, "
           "revision, updated_at, updated_by, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {id, p.org_unit_id, p.year, p.month, p.edition, p.state, p.narrative, p.data, p.hash, p.revision,
            p.updated_at, p.updated_by, Opt(p.published_at), Opt(p.published_by)});
    return id;
}

void UpdateIndicatorPack(Conn& c, const IndicatorPackRow& p) {
    c.Exec("UPDATE indicator_packs SET state = ?, narrative = ?, data = ?, hash = ?, revision = ?, updated_at = ?, "
           "updated_by = ?, published_at = ?, published_by = ? WHERE id = ?",
           {p.state, p.narrative, p.data, p.hash, p.revision, p.updated_at, p.updated_by, Opt(p.published_at),
            Opt(p.published_by), p.id});
}

}  // namespace duban::store
