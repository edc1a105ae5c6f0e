#pragma once
/// duban::indicators — the statistics engine: indicator definitions (with formula indicators in
/// a small validated expression language), values by org unit and period with a status and a
/// revision history, annual targets and their split to streets, alerts against time progress,
/// imports (CSV, xlsx; all or nothing) and the month's table for the analysis pack.
/// Domain rules and the commands the pipeline runs; no HTTP, no SQL. See docs/indicators-api.md.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "indicators/maths.hpp"
#include "report/pack.hpp"
#include "store/indicator_repos.hpp"
#include "store/store.hpp"

namespace duban::indicators {

using core::Json;
using core::Result;

// ---------------------------------------------------------------- formulas
/// A formula indicator's expression: numbers, indicator codes, + - * /, unary minus and
/// parentheses, parsed into an AST (never executed as code).
class Formula {
public:
    /// Parses and checks every code with `known`. Errors (kValidation, field "formula", code
    /// "bad_formula") name the 1-based character position: "position 7: unknown indicator XYZ".
    static Result<Formula> Parse(std::string_view text,
                                 const std::function<bool(const std::string&)>& known);
    /// The codes it refers to, in order of first appearance.
    const std::vector<std::string>& refs() const { return refs_; }
    /// Evaluates with the values `lookup` gives; nothing when a value is missing or a divisor is
    /// zero. Intermediate quotients keep 10 decimals; the result is rounded to `scale`.
    std::optional<Decimal> Eval(const std::function<std::optional<Decimal>(const std::string&)>& lookup,
                                int scale) const;
    struct Node;

private:
    std::shared_ptr<const Node> root_;
    std::vector<std::string> refs_;
};

// ---------------------------------------------------------------- periods and statuses
/// "2026-06", "2026-6", "2026-Q2" (-> month 6), "2026" (-> month 12). Nothing when malformed.
std::optional<std::pair<int, int>> ParsePeriod(std::string_view s);
std::string FormatPeriod(int year, int month);
/// estimate/preliminary/final, or 預計/初步/最終 (simplified too). Nothing when unknown.
std::optional<std::string> ParseStatus(std::string_view s);

/// Who is looking or writing: values of units outside the scope are invisible and unwritable.
struct Viewer {
    core::Scope scope;
    std::string name;
};

struct AlertSettings {
    Decimal yellow_gap = Decimal::Int(5), red_gap = Decimal::Int(10);
    Json ToJson() const;
    static Result<AlertSettings> FromJson(const Json& j, const AlertSettings& base);
};
AlertSettings LoadAlertSettings(store::Conn& c);

// ---------------------------------------------------------------- commands (in the writer)
Result<Json> CreateDefinition(store::WriteTx& tx, const Json& body);
Result<Json> PatchDefinition(store::WriteTx& tx, int64_t id, const Json& body);
/// Enters or revises one value (see docs/indicators-api.md for the checks). Emits
/// indicator.value and re-evaluates the alert of (indicator, unit, year).
Result<Json> PutValue(store::WriteTx& tx, const Json& body, const Viewer& v);
Result<Json> SetTarget(store::WriteTx& tx, const Json& body, const Viewer& v);
Result<Json> SplitTarget(store::WriteTx& tx, const Json& body, const Viewer& v);
Result<Json> PatchSettings(store::WriteTx& tx, const Json& body);

/// A file's rows as text (row 0 = the header), read from CSV (UTF-8 with or without a BOM, else
/// GB18030/GBK, detected as the plan importer does) or the first sheet of an .xlsx. `encoding`
/// (may be null) receives "UTF-8", "UTF-8 (BOM)", "GB18030" or "xlsx".
Result<std::vector<std::vector<std::string>>> ReadTable(const std::string& bytes,
                                                        const std::string& filename,
                                                        std::string* encoding = nullptr);
struct ImportOptions {
    bool apply = false, confirm_jump = false;
    std::optional<std::pair<int, int>> period;
    std::optional<int64_t> unit_id;
    std::string status = "preliminary";
    std::string filename = "import.csv";
    std::string encoding;     // as ReadTable detected it; named in the result
    std::string source;       // the values' source; empty = "import:<filename>"
    bool emit_alerts = true;  // re-evaluate alerts of the touched series after applying
};
/// Validates every row and column first; with any error nothing is written (an error workbook
/// comes back); with none and apply, every value is written in this transaction.
Result<Json> Import(store::WriteTx& tx, const std::vector<std::vector<std::string>>& table,
                    const ImportOptions& opt, const Viewer& v);
/// Re-evaluates the alerts of every series of `year` (the month-end sweep), one event per change.
Result<Json> EvaluateAlerts(store::WriteTx& tx, int year);

// ---------------------------------------------------------------- reads
Json DefinitionToJson(const store::IndicatorDefRow& d);
Json ListDefinitions(store::Conn& c);
Result<Json> GetDefinition(store::Conn& c, int64_t id);
struct ValueQuery {
    std::string indicator;  // code; empty = all
    std::optional<int64_t> unit_id, year;
    std::optional<std::pair<int, int>> from, to;
    std::string status;
};
Result<Json> ListValues(store::Conn& c, const ValueQuery& q, const Viewer& v);
Result<Json> ValueHistory(store::Conn& c, int64_t id, const Viewer& v);
Result<Json> ListTargets(store::Conn& c, const std::string& indicator, std::optional<int64_t> unit_id,
                         std::optional<int64_t> year, const Viewer& v);
Result<Json> CheckTargets(store::Conn& c, const std::string& indicator, int year, int64_t parent_unit_id,
                          const Viewer& v);
/// The unit a page opens on: the first district in the viewer's scope, else the first top unit.
Result<int64_t> DefaultUnit(store::Conn& c, const Viewer& v);
Result<Json> ListAlerts(store::Conn& c, std::optional<int64_t> year, const std::string& level,
                        const std::string& indicator, std::optional<int64_t> unit_id, const Viewer& v);

/// The month's table for a unit (default: the district at the root of the viewer's scope):
/// rows per indicator, its child units' figures, trends by month. `extra` (may be null)
/// receives the cockpit's extras (unit ids, periods, ranks) as JSON parallel to the data.
Result<report::MonthlyData> Monthly(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                                    const Viewer& v, Json* extra);
Json MonthlyToJson(const report::MonthlyData& d, const Json& extra);
/// The table back from MonthlyToJson's JSON (a published pack's frozen table).
report::MonthlyData MonthlyFromJson(const Json& j);

// ---------------------------------------------------------------- the monthly pack (pack.cpp)
/// A unit's pack for a month: the table computed now, the drafted narrative, the working
/// narrative (the saved draft, else the latest published edition, else the drafted one) with the
/// numbers of each paragraph the table does not hold, and every edition. Editions are numbered
/// from 1; a published one is frozen (table, narrative and hash); saving after publishing starts
/// the next edition.
Result<Json> GetPack(store::Conn& c, int year, int month, std::optional<int64_t> unit_id, const Viewer& v);
/// Numbers of each paragraph that the month's table does not hold (report::UntracedNumbers).
Result<Json> CheckPack(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                       const std::vector<std::string>& narrative, const Viewer& v);
/// {"month", "unit_id"?, "narrative": [paragraphs], "revision"?}: saves the edited narrative
/// (event indicator.pack_draft); 409 when revision is not the draft's.
Result<Json> SavePackDraft(store::WriteTx& tx, const Json& body, const Viewer& v);
/// {"month", "unit_id"?, "revision"?}: freezes the table as it is now and the working narrative,
/// hashes both (SHA-256 of their canonical JSON) and emits indicator.pack_published with the hash.
Result<Json> PublishPack(store::WriteTx& tx, const Json& body, const Viewer& v);
struct PackToRender {
    report::MonthlyData data;
    std::vector<std::string> narrative;
    int64_t edition = 0;  // 0: the working draft over the table as it is now
    std::string hash;
};
/// What to render: edition N (published: its frozen table and narrative; the draft: the table
/// now), or with no edition the working narrative over the table now.
Result<PackToRender> PackForRender(store::Conn& c, int year, int month, std::optional<int64_t> unit_id,
                                   std::optional<int64_t> edition, const Viewer& v);

}  // namespace duban::indicators
