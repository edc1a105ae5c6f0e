#pragma once
// Internal to indicators/: the checks a value passes (shared by PutValue and Import), alert
// evaluation, JSON helpers.
#include <map>
#include <set>
#include <tuple>

#include "indicators/indicators.hpp"
#include "store/repos.hpp"

namespace duban::indicators {

Decimal Dec(int64_t units, int64_t scale);
std::optional<Decimal> Growth(const store::IndicatorValueRow& v);
Json OptStr(const std::optional<Decimal>& d);
Json OptStr(const std::optional<std::string>& s);
std::optional<Decimal> Ok(const Result<Decimal>& r);
std::string StatusZh(const std::string& s);

/// One value as given (text fields, as in a file's cells).
struct Entry {
    std::string indicator;  // code, name or alias
    std::optional<int64_t> unit_id;
    std::string unit_code;  // when unit_id is not given: code or name
    std::string period, value, status, growth;
    bool confirm_jump = false;
};
struct Checked {
    const store::IndicatorDefRow* def = nullptr;
    const store::OrgUnit* unit = nullptr;
    int year = 0, month = 0;
    Decimal value;
    std::optional<Decimal> growth;
    std::string status;
};
struct FieldError {
    std::string field;  // indicator, unit, period, value, status, growth
    std::string message;
    std::string code;
    std::string details;  // the figures behind it, a JSON object's text (core::Error::details)
};
struct WriteOutcome {
    bool created = false, changed = false;
    store::IndicatorValueRow row;
};

/// Validates entries against definitions, org units in scope and the stored series (kept in
/// memory, overlaid with the entries noted so far, so an import's jumps are checked against the
/// file's own earlier rows too).
class Checker {
public:
    Checker(store::Conn& c, const Viewer& v);
    const store::IndicatorDefRow* Def(const std::string& code_or_name) const;
    const store::OrgUnit* Unit(int64_t id);
    const store::OrgUnit* UnitByCode(const std::string& code_or_name);
    bool InScope(const store::OrgUnit& u) const;
    std::vector<FieldError> Check(const Entry& e, Checked* out);
    /// Records a checked entry in the overlay (before it is written).
    void Note(const Checked& k);
    std::map<int, Decimal>& Series(int64_t indicator_id, int64_t unit_id, int year);
    const store::IndicatorValueRow* Stored(int64_t indicator_id, int64_t unit_id, int year, int month);
    Result<WriteOutcome> Write(store::WriteTx& tx, const Checked& k, const std::string& source,
                               const std::string& note, bool emit);
    std::string default_status = "preliminary";
    /// Imports: new values are inserted in multi-row statements; call Flush before reading them.
    void BeginBatch() { batch_ = true; }
    void Flush(store::Conn& c);

private:
    store::Conn& c_;
    const Viewer& v_;
    std::vector<store::IndicatorDefRow> defs_;
    std::map<int64_t, std::optional<store::OrgUnit>> units_;
    std::map<std::string, std::optional<int64_t>> unit_codes_;
    std::set<std::pair<int64_t, int>> loaded_;
    std::map<std::tuple<int64_t, int64_t, int>, std::map<int, Decimal>> series_;
    std::map<std::tuple<int64_t, int64_t, int, int>, store::IndicatorValueRow> rows_;
    int64_t next_value_id_ = 0, next_rev_id_ = 0;
    bool batch_ = false;
    std::tuple<int64_t, int64_t, int> last_key_{};
    std::map<int, Decimal>* last_series_ = nullptr;
    std::vector<store::IndicatorValueRow> pending_;
};

/// The jump check: the period value (per month) the new cumulative figure implies against the
/// period before's. An error (code jump, on value, with the figures as details) when beyond the
/// definition's jump_share.
std::optional<FieldError> JumpProblem(const store::IndicatorDefRow& d, const std::map<int, Decimal>& s, int month);

struct AlertEval {
    std::string level = "green";
    std::vector<std::string> reasons;
    std::optional<Decimal> gap, yoy;
};
AlertEval EvaluateAlert(const store::IndicatorDefRow& d, const Decimal& ytd, std::optional<Decimal> growth,
                        std::optional<Decimal> last_year_ytd, std::optional<Decimal> target, int progress_months,
                        const AlertSettings& s);
/// Months of time progress an alert measures against (see docs/indicators-api.md).
/// A number as typed with a Chinese input method (full-width digits, point, signs, comma and
/// spaces) in ASCII; anything else as it was.
std::string HalfWidthNumber(const std::string& s);
int ProgressMonths(int value_month, int year, core::TimePoint now, int period_months = 1);
/// The months of one period: 1 (monthly), 3 (quarterly) or 12 (annual).
int PeriodMonths(const std::string& periodicity);
/// Re-evaluates one series' alert; returns 1 when its level changed (one event), else 0.
Result<int> EvaluateSeriesAlert(store::WriteTx& tx, const store::IndicatorDefRow& d, int64_t unit_id, int year,
                                const AlertSettings& s);

Json ValueToJson(const store::IndicatorValueRow& v, const store::IndicatorDefRow& d, const std::string& unit_name,
                 const std::map<int, Decimal>* series, std::optional<Decimal> last_year);

}  // namespace duban::indicators
