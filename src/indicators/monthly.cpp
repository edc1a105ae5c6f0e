// The month's table (月度經濟運行分析): one row per indicator for a unit, its child units' figures
// for the lead/lag paragraph and the ranking, and the trends by month. Figures are rounded half
// up to the unit shown; rates from exact values (maths.hpp).
#include <algorithm>

#include "indicators/engine_internal.hpp"

namespace duban::indicators {

using core::Error;

namespace {

struct Fig {
    int month = 0;  // the period used (latest <= the table's month)
    std::optional<Decimal> ytd, month_value, yoy, completion, gap;
    std::string status, light = "green";
};

using SeriesMap = std::map<int, store::IndicatorValueRow>;  // month -> row

Fig Figure(const store::IndicatorDefRow& d, const SeriesMap* cur, const SeriesMap* last, int month,
           std::optional<Decimal> target, const AlertSettings& s) {
    Fig f;
    if (!cur) return f;
    auto it = cur->upper_bound(month);
    if (it == cur->begin()) return f;
    --it;
    const auto& v = it->second;
    f.month = it->first;
    Decimal ytd = Dec(v.units, v.scale);
    f.ytd = ytd.Rescale(static_cast<int>(d.scale));
    f.status = v.status;
    if (d.periodicity == "monthly" && f.month == month) {
        if (it == cur->begin()) {
            if (f.month == 1 || (f.month == 2 && d.jan_feb_combined)) f.month_value = f.ytd;
        } else if (std::prev(it)->first == f.month - 1) {
            f.month_value = (ytd - Dec(std::prev(it)->second.units, std::prev(it)->second.scale)).Rescale(static_cast<int>(d.scale));
        }
    }
    std::optional<Decimal> ly;
    if (last) {
        auto l = last->find(f.month);
        if (l != last->end()) ly = Dec(l->second.units, l->second.scale);
    }
    auto e = EvaluateAlert(d, ytd, Growth(v), ly, target, f.month, s);
    f.yoy = e.yoy;
    f.gap = e.gap;
    f.light = e.level;
    if (target) f.completion = Ok(CompletionPercent(ytd, *target, 1));
    return f;
}

std::string S(const std::optional<Decimal>& d) { return d ? d->ToString() : std::string(); }
Json J(const std::optional<Decimal>& d) { return d ? Json(d->ToString()) : Json(nullptr); }

}  // namespace

Result<int64_t> DefaultUnit(store::Conn& c, const Viewer& v) {
    store::OrgFilter f;
    f.kind = "district";
    f.active = true;
    f.per_page = 1;
    auto ds = store::ListOrgs(c, f, v.scope).first;
    if (ds.empty()) {
        store::OrgFilter r;
        r.roots_only = true;
        r.per_page = 1;
        ds = store::ListOrgs(c, r, v.scope).first;
    }
    if (ds.empty()) return Error::NotFoundMsg("no org unit in your scope");
    return ds[0].id;
}

Result<report::MonthlyData> Monthly(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                                    const Viewer& v, Json* extra) {
    std::optional<store::OrgUnit> unit;
    if (unit_id) {
        unit = store::FindOrg(c, *unit_id, v.scope);
        if (!unit) return Error::NotFound("org unit", *unit_id);
    } else {
        auto id = DefaultUnit(c, v);
        if (!id.ok()) return id.error();
        unit = store::FindOrg(c, *id, v.scope);
    }
    store::OrgFilter cf;
    cf.parent_id = unit->id;
    cf.active = true;
    cf.per_page = 500;
    std::vector<store::OrgUnit> children;
    for (auto& ch : store::ListOrgs(c, cf, v.scope).first)
        if (ch.kind != "department") children.push_back(ch);
    auto defs = store::ListIndicatorDefs(c);
    auto settings = LoadAlertSettings(c);

    // Everything needed in one query: this year and last, the unit and its children.
    std::vector<int64_t> unit_ids = {unit->id};
    for (auto& ch : children) unit_ids.push_back(ch.id);
    std::map<std::tuple<int64_t, int64_t, int64_t>, SeriesMap> series;  // (indicator, unit, year)
    bool generated = store::HasDemoValues(c, unit->id, year) || store::HasDemoValues(c, unit->id, year - 1);
    for (auto& p : store::ListSeriesPoints(c, (year - 1) * 100 + 1, year * 100 + month, month, unit_ids)) {
        store::IndicatorValueRow r;
        r.indicator_id = p.indicator_id;
        r.org_unit_id = p.org_unit_id;
        r.year = p.year;
        r.month = p.month;
        r.units = p.units;
        r.scale = p.scale;
        r.growth_units = p.growth_units;
        r.growth_scale = p.growth_scale;
        r.status = std::move(p.status);
        series[std::make_tuple(p.indicator_id, p.org_unit_id, int64_t(p.year))].emplace(p.month, std::move(r));
    }
    std::map<std::pair<int64_t, int64_t>, Decimal> targets;
    for (auto& t : store::ListIndicatorTargets(c, std::nullopt, std::nullopt, year)) {
        auto p = Decimal::Parse(t.value);
        if (p.ok()) targets[{t.indicator_id, t.org_unit_id}] = *p;
    }
    auto find = [&](int64_t ind, int64_t u, int64_t y) -> const SeriesMap* {
        auto it = series.find({ind, u, y});
        return it == series.end() ? nullptr : &it->second;
    };
    auto target = [&](int64_t ind, int64_t u) -> std::optional<Decimal> {
        auto it = targets.find({ind, u});
        return it == targets.end() ? std::nullopt : std::optional<Decimal>(it->second);
    };

    report::MonthlyData d;
    d.district = unit->name;
    d.year = year;
    d.month = month;
    d.time_progress = TimeProgressPercent(TimeProgress::Months(month), 1).ToString();
    d.generated_data = generated;
    Json rows_x = Json::array(), streets_x = Json::array(), trends_x = Json::array();

    // Formula indicators: computed per unit and period from the referenced series.
    auto formula_series = [&](const store::IndicatorDefRow& def, int64_t u, int64_t y) {
        SeriesMap out;
        auto f = Formula::Parse(*def.formula, [](const std::string&) { return true; });
        if (!f.ok()) return out;
        for (int m = 1; m <= 12; ++m) {
            bool any = true;
            auto val = f->Eval([&](const std::string& code) -> std::optional<Decimal> {
                for (auto& x : defs)
                    if (x.code == code) {
                        auto s = find(x.id, u, y);
                        if (!s || !s->count(m)) break;
                        auto& r = s->at(m);
                        return Dec(r.units, r.scale);
                    }
                any = false;
                return std::nullopt;
            }, static_cast<int>(def.scale) + 4);
            if (!val || !any) continue;
            store::IndicatorValueRow r;
            r.month = m;
            r.units = val->units();
            r.scale = val->scale();
            r.status = "computed";
            out[m] = r;
        }
        return out;
    };
    std::map<std::tuple<int64_t, int64_t, int64_t>, SeriesMap> computed;
    auto get = [&](const store::IndicatorDefRow& def, int64_t u, int64_t y) -> const SeriesMap* {
        if (!def.formula) return find(def.id, u, y);
        auto key = std::make_tuple(def.id, u, y);
        auto it = computed.find(key);
        if (it == computed.end()) it = computed.emplace(key, formula_series(def, u, y)).first;
        return it->second.empty() ? nullptr : &it->second;
    };

    for (auto& def : defs) {
        Fig f = Figure(def, get(def, unit->id, year), get(def, unit->id, year - 1), month, target(def.id, unit->id), settings);
        report::TableRow row;
        row.code = def.code;
        row.name = def.name_zh;
        row.unit = def.unit;
        row.month_value = S(f.month_value);
        row.ytd = S(f.ytd);
        row.yoy = S(f.yoy);
        auto t = target(def.id, unit->id);
        row.target = t ? t->Rescale(static_cast<int>(def.scale)).ToString() : "";
        row.completion = S(f.completion);
        row.gap = S(f.gap);
        row.light = f.ytd ? f.light : "";
        row.higher_is_better = def.higher_is_better;
        d.rows.push_back(row);
        rows_x.push_back({{"period", f.month ? Json(FormatPeriod(year, f.month)) : Json(nullptr)},
                          {"status", f.status.empty() ? Json(nullptr) : Json(f.status)},
                          {"periodicity", def.periodicity}});
        // Streets: figures and rank by growth within the indicator.
        std::vector<std::pair<size_t, Fig>> figs;
        for (auto& ch : children) {
            Fig sf = Figure(def, get(def, ch.id, year), get(def, ch.id, year - 1), month, target(def.id, ch.id), settings);
            if (!sf.ytd) continue;
            figs.push_back({streets_x.size(), sf});
            d.streets.push_back({ch.name, def.name_zh, S(sf.yoy), S(sf.completion)});
            streets_x.push_back({{"unit_id", ch.id}, {"code", def.code}, {"ytd", J(sf.ytd)}, {"gap", J(sf.gap)},
                                 {"light", sf.light}, {"period", FormatPeriod(year, sf.month)}, {"rank", nullptr}});
        }
        std::vector<std::pair<size_t, Fig>> ranked;
        for (auto& x : figs)
            if (x.second.yoy) ranked.push_back(x);
        std::stable_sort(ranked.begin(), ranked.end(), [&](auto& a, auto& b) {
            return def.higher_is_better ? *a.second.yoy > *b.second.yoy : *a.second.yoy < *b.second.yoy;
        });
        for (size_t i = 0; i < ranked.size(); ++i) streets_x[ranked[i].first]["rank"] = i + 1;
        // Trend: cumulative growth by month.
        std::vector<report::TrendPoint> pts;
        Json px = Json::array();
        const SeriesMap* cur = get(def, unit->id, year);
        const SeriesMap* last = get(def, unit->id, year - 1);
        if (cur)
            for (auto& [m, r] : *cur) {
                if (m > month) break;
                Fig tf = Figure(def, cur, last, m, std::nullopt, settings);
                pts.push_back({m, S(tf.yoy)});
                px.push_back({{"month", m}, {"yoy", J(tf.yoy)}, {"ytd", J(tf.ytd)}});
            }
        d.trends.push_back({def.code, pts});
        trends_x.push_back(px);
    }
    if (extra) *extra = {{"unit_id", unit->id}, {"rows", rows_x}, {"streets", streets_x}, {"trends", trends_x}};
    return d;
}

Json MonthlyToJson(const report::MonthlyData& d, const Json& extra) {
    Json rows = Json::array();
    for (size_t i = 0; i < d.rows.size(); ++i) {
        auto& r = d.rows[i];
        auto e = [&](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
        Json j = {{"code", r.code}, {"name", r.name}, {"unit", r.unit}, {"month_value", e(r.month_value)}, {"ytd", e(r.ytd)},
                  {"yoy", e(r.yoy)}, {"target", e(r.target)}, {"completion", e(r.completion)}, {"gap", e(r.gap)},
                  {"light", e(r.light)}, {"higher_is_better", r.higher_is_better}};
        if (extra.contains("rows") && i < extra["rows"].size()) j.update(extra["rows"][i]);
        rows.push_back(j);
    }
    Json streets = Json::array();
    for (size_t i = 0; i < d.streets.size(); ++i) {
        auto& s = d.streets[i];
        Json j = {{"street", s.street}, {"indicator", s.indicator}, {"yoy", s.yoy.empty() ? Json(nullptr) : Json(s.yoy)},
                  {"completion", s.completion.empty() ? Json(nullptr) : Json(s.completion)}};
        if (extra.contains("streets") && i < extra["streets"].size()) j.update(extra["streets"][i]);
        streets.push_back(j);
    }
    Json trends = Json::array();
    for (size_t i = 0; i < d.trends.size(); ++i) {
        Json pts = extra.contains("trends") && i < extra["trends"].size() ? extra["trends"][i] : Json::array();
        trends.push_back({{"code", d.trends[i].first}, {"points", pts}});
    }
    return {{"district", d.district}, {"unit_id", extra.value("unit_id", Json(nullptr))}, {"year", d.year}, {"month", d.month},
            {"time_progress", d.time_progress}, {"generated_data", d.generated_data}, {"rows", rows},
            {"streets", streets}, {"trends", trends}};
}

}  // namespace duban::indicators
