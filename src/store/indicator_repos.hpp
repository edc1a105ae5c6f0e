#pragma once
/// Rows and queries for the indicators engine: definitions, values (latest revision) with their
/// revision history, targets and alerts. Values are exact: integer units + scale, never REAL.
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

struct IndicatorDefRow {
    int64_t id = 0;
    std::string code, name_zh, name_en;
    std::vector<std::string> aliases;
    std::string unit;
    int64_t scale = 2;
    std::string periodicity = "monthly";
    bool jan_feb_combined = false, additive = true;
    std::string price_basis = "current";
    bool comparable_growth = false, higher_is_better = true;
    std::optional<int64_t> owner_unit_id;
    std::optional<std::string> formula, min_value, max_value, jump_share;
    bool builtin = false;
    int64_t seq = 100;
    std::string created_at, updated_at;
    int64_t version = 1;
};

struct IndicatorValueRow {
    int64_t id = 0, indicator_id = 0, org_unit_id = 0, year = 0, month = 0;
    int64_t units = 0, scale = 0;
    std::optional<int64_t> growth_units, growth_scale;
    std::string status, source;
    int64_t revision = 1;
    std::string updated_at, updated_by;
    std::string note;
};

/// A superseded revision of a value (the latest is the value row itself).
struct IndicatorRevisionRow {
    int64_t id = 0, value_id = 0, revision = 0, units = 0, scale = 0;
    std::optional<int64_t> growth_units, growth_scale;
    std::string status, source, note, at, by_name;
};

struct IndicatorTargetRow {
    int64_t id = 0, indicator_id = 0, org_unit_id = 0, year = 0;
    std::string value, exact;
    std::optional<std::string> growth_percent, base;
    std::string updated_at;
};

struct IndicatorAlertRow {
    int64_t id = 0, indicator_id = 0, org_unit_id = 0, year = 0, month = 0;
    std::string level;
    std::vector<std::string> reasons;
    std::optional<std::string> gap, yoy;
    std::string raised_at;
};

std::vector<IndicatorDefRow> ListIndicatorDefs(Conn& c);  // by seq, id
std::optional<IndicatorDefRow> FindIndicatorDef(Conn& c, int64_t id);
std::optional<IndicatorDefRow> FindIndicatorDefByCode(Conn& c, const std::string& code);
int64_t InsertIndicatorDef(Conn& c, const IndicatorDefRow& d);
void UpdateIndicatorDef(Conn& c, const IndicatorDefRow& d);  // all but code; version+1

struct ValueFilter {
    std::optional<int64_t> indicator_id, org_unit_id, year;
    std::optional<int64_t> from_ym, to_ym;  // year*100+month, inclusive
    std::string status;
    std::vector<int64_t> unit_ids;  // when non-empty: only these units
};
std::vector<IndicatorValueRow> ListIndicatorValues(Conn& c, const ValueFilter& f);
std::optional<IndicatorValueRow> FindIndicatorValue(Conn& c, int64_t id);
std::optional<IndicatorValueRow> FindIndicatorValueAt(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                      int64_t year, int64_t month);
/// The latest value of the unit before (year, month) in the same year, if any.
std::optional<IndicatorValueRow> FindPreviousValue(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                   int64_t year, int64_t month);
int64_t InsertIndicatorValue(Conn& c, const IndicatorValueRow& v);
/// Many new values (ids set) in multi-row INSERTs of up to 500 rows. Moves the rows' text out.
void InsertIndicatorValues(Conn& c, std::vector<IndicatorValueRow>& rows);
/// The figures of the month's table, without the text columns: (indicator, unit, year, month,
/// units, scale, growth, status, source = 'demo').
struct SeriesPoint {
    int64_t indicator_id, org_unit_id;
    int32_t year, month;
    int64_t units, scale;
    std::optional<int64_t> growth_units, growth_scale;
    std::string status;
    bool demo;  // unused (false): see HasDemoValues
};
/// Whether a unit's values of a year include generated (demo) ones.
bool HasDemoValues(Conn& c, int64_t unit_id, int64_t year);
/// Months from_ym..to_ym (YYYYMM) whose month of the year is at most max_month (the table's month
/// this year and the same months last year).
std::vector<SeriesPoint> ListSeriesPoints(Conn& c, int64_t from_ym, int64_t to_ym, int64_t max_month,
                                          const std::vector<int64_t>& unit_ids);
void UpdateIndicatorValue(Conn& c, const IndicatorValueRow& v);
void InsertIndicatorRevision(Conn& c, const IndicatorRevisionRow& r);
std::vector<IndicatorRevisionRow> ListIndicatorRevisions(Conn& c, int64_t value_id);  // superseded, newest first

std::vector<IndicatorTargetRow> ListIndicatorTargets(Conn& c, std::optional<int64_t> indicator_id,
                                                     std::optional<int64_t> unit_id,
                                                     std::optional<int64_t> year);
/// Inserts or replaces the target of (indicator, unit, year); returns its id.
int64_t UpsertIndicatorTarget(Conn& c, const IndicatorTargetRow& t);

std::vector<IndicatorAlertRow> ListIndicatorAlerts(Conn& c, std::optional<int64_t> year);
std::optional<IndicatorAlertRow> FindIndicatorAlert(Conn& c, int64_t indicator_id, int64_t unit_id,
                                                    int64_t year);
/// Inserts or replaces; level "green" deletes the row.
void PutIndicatorAlert(Conn& c, const IndicatorAlertRow& a);

/// The monthly pack of a unit and month: editions numbered from 1; at most the latest is a draft
/// (its narrative edited and saved, `revision` counting the saves); published ones are frozen
/// (`data` the month's table as published, `hash` over table and narrative).
struct IndicatorPackRow {
    int64_t id = 0, org_unit_id = 0, year = 0, month = 0, edition = 1;
    std::string state = "draft";
    std::string narrative;  // JSON array of paragraphs
    std::string data, hash;
    int64_t revision = 1;
    std::string updated_at, updated_by;
    std::optional<std::string> published_at, published_by;
};
/// Every edition of (unit, year, month), newest first.
std::vector<IndicatorPackRow> ListIndicatorPacks(Conn& c, int64_t unit_id, int64_t year, int64_t month);
int64_t InsertIndicatorPack(Conn& c, const IndicatorPackRow& p);
void UpdateIndicatorPack(Conn& c, const IndicatorPackRow& p);  // all but the key

}  // namespace duban::store
