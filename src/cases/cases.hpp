#pragma once
/// duban::cases — one workflow engine for the case types run from configuration (城市管理,
/// 12345 熱線, 信訪, 企業訴求; config/case-types/*.json, see docs/cases-api.md): stages,
/// transitions and the roles allowed, time limits by category and urgency on China's working-day
/// calendar, pauses, extensions, returns, re-dispatch, rework, merges, dispatch rules, lights.
/// Domain rules and the commands the pipeline runs; no HTTP, no SQL.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/core.hpp"
#include "core/deadlines.hpp"
#include "geo/geo.hpp"
#include "store/case_repos.hpp"
#include "store/store.hpp"

namespace duban::cases {

using core::Json;
using core::Result;

// ---------------------------------------------------------------- configuration
/// A time limit: unit "hours" (office hours), "workdays" (end of office hours on the n-th working
/// day after the day the stage starts) or "days" (calendar days, end of the n-th day, China time).
struct Limit {
    std::string unit = "workdays";
    int normal = 0, urgent = 0;
    int For(const std::string& urgency) const { return urgency == "urgent" ? urgent : normal; }
};
struct Stage {
    std::string code, name;
    std::optional<Limit> limit;
    bool closed = false;  // entering it closes the case
};
/// A field of an action's form whose value is one of a fixed list (信訪 受理告知's 告知方式, the
/// basis of 不予受理): the request gives the option's code as fields.<key>.
struct Choice {
    std::string key, name;
    std::vector<std::pair<std::string, std::string>> options;  // code, name
    const std::string* NameOf(const std::string& code) const;
};
struct Action {
    std::string code, name;
    std::vector<std::string> from;
    std::string to;         // empty: the stage does not change
    std::string fail_to;    // verify with fields.passed = false
    std::string reopen_to;  // rate with solved = false
    std::vector<std::string> roles, required;
    std::vector<Choice> choices;
};
struct Category {
    std::string code, name, kind, standard, major, major_name;
    std::map<std::string, Limit> limits;  // by stage code
};
struct Major {
    std::string code, name, kind;
    std::vector<Category> children;
};
struct Extension {
    int max_times = 1, max = 5;
    std::string unit = "workdays";
};
struct CaseType {
    std::string code, name, prefix;
    double yellow_share = 0.8;
    std::string initial_stage, dispatch_stage, handling_stage, auto_dispatch_after;
    std::vector<std::string> create_roles;
    std::map<std::string, std::vector<std::string>> create_requires;  // role -> required fields
    Extension extension;
    std::vector<Stage> stages;
    std::vector<Action> actions;
    std::vector<Major> majors;
    Json source;  // the configuration as given

    const Stage* FindStage(const std::string& code) const;
    const Action* FindAction(const std::string& code) const;
    const Category* FindCategory(const std::string& code) const;  // a 小類
    const Major* FindMajor(const std::string& code) const;
    /// The limit of a stage for a category (the category's own, else the stage's).
    std::optional<Limit> LimitFor(const std::string& stage, const std::string& category) const;
    Json ToJson() const;
};

/// Parses and validates one case type. Errors are kValidation with `field` the key path
/// ("actions[3].to") and a message starting "<source_name>: <key>: ".
Result<CaseType> ParseCaseType(const Json& j, const std::string& source_name);
/// The shipped defaults (config/case-types/*.json compiled in): file name and text.
const std::vector<std::pair<std::string, std::string>>& ShippedCaseTypeFiles();

/// The case types in force. Thread-safe.
class Registry {
public:
    /// The shipped files, each validated; throws std::runtime_error naming the file and key.
    static std::shared_ptr<Registry> Shipped();
    std::shared_ptr<const CaseType> Get(const std::string& code) const;
    std::vector<std::shared_ptr<const CaseType>> All() const;
    void Set(CaseType t);
    /// Applies administrators' edits stored in the database over the defaults.
    void LoadOverrides(store::Conn& c);

private:
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<const CaseType>> types_;  // GUARDED_BY(mu_)
};

// ---------------------------------------------------------------- time
/// The deadline of a limit started at t.
core::TimePoint Deadline(const Limit& l, const std::string& urgency, core::TimePoint t,
                         const core::WorkCalendar& cal);
/// The instant a share of the time between start and due has been used, in the limit's unit.
core::TimePoint ShareAt(const std::string& unit, core::TimePoint start, core::TimePoint due,
                        double share, const core::WorkCalendar& cal);
/// t moved by a pause from paused_at to resumed_at: the time left after paused_at is kept.
core::TimePoint ShiftByPause(const std::string& unit, core::TimePoint t, core::TimePoint paused_at,
                             core::TimePoint resumed_at, const core::WorkCalendar& cal);
/// t moved later by n units of an extension ("workdays", "days" or "hours").
core::TimePoint Extend(const std::string& unit, core::TimePoint t, int n, const core::WorkCalendar& cal);

struct Light {
    std::string light = "green", reason;
    std::optional<core::TimePoint> next_check;
};
/// A stage's light at now: red at or after due, yellow at or after yellow_at, else green; a paused
/// clock keeps the light it had (current).
Light Evaluate(std::optional<core::TimePoint> yellow_at, std::optional<core::TimePoint> due,
               bool paused, const std::string& current, core::TimePoint now);
/// A stored light reason as the API's light_reasons: [{code}] with code stage_overdue,
/// stage_due_soon or paused (the case's stage names the stage); [] for none.
Json LightReasons(const std::string& reason);

// ---------------------------------------------------------------- who is asking
struct Viewer {
    bool all = false;  // dispatcher and leaders: every case
    // The data scope (org::ComputeScope), as the org tree now stands: the subtrees' paths, the
    // single units' paths (data scope unit or self), and the ids of every unit in either. A case is
    // seen when a unit it names (street, community, grid, lead unit, co-unit) is one of the ids.
    std::vector<std::string> prefixes, exact;
    std::vector<int64_t> scope_units;  // sorted
    std::vector<int64_t> units;
    /// The ids on the paths of the viewer's own units (each unit and those above it): a petition
    /// whose subject_unit_id is one of them accuses the viewer's unit, and is not seen. Sorted.
    std::vector<int64_t> own_line;
    bool dispatcher = false;  // the office that runs petitions (case.dispatch): sees every case
    std::vector<std::string> roles;
    std::optional<int64_t> user_id;
    std::string name;
    bool HasRole(const std::string& r) const;
    bool Sees(const store::CaseRow& c) const;
    bool InScope(std::optional<int64_t> unit) const;
};

struct Env {
    const Registry* types = nullptr;
    std::shared_ptr<const core::WorkCalendar> cal;
    const core::SecretBox* box = nullptr;
    geo::LocateFn locate;  // a point to its grid (the server's grid index); may be empty
};

// ---------------------------------------------------------------- commands (in the writer)
/// Each returns the case JSON and "_watch": [[id, instant or null]] for the sweep.
/// A scoped viewer may create only a case it will see (its place or, after the dispatch rules, its
/// lead unit in its data scope); place_vouched skips that test for a case raised on an object the
/// viewer sees (a project's problem, placed where the project is).
Result<Json> CreateCase(store::WriteTx& tx, const Json& body, const Viewer& v, const Env& env, bool place_vouched = false);
Result<Json> ApplyAction(store::WriteTx& tx, int64_t id, const std::string& action, const Json& body,
                         const Viewer& v, const Env& env);
Result<Json> AddNote(store::WriteTx& tx, int64_t id, const Json& body, const Viewer& v, const Env& env);
/// The reporter's personal data in full; emits case.reporter.view.
Result<Json> ViewReporter(store::WriteTx& tx, int64_t id, const Viewer& v, const Env& env);
Result<Json> PutDispatchRules(store::WriteTx& tx, const Json& body, const Env& env);
/// Validates and stores an edited case type; the caller then updates the registry. `current` is the
/// type in force: a stage it has that the edit leaves out must have no case in it.
Result<Json> PutCaseType(store::WriteTx& tx, const std::string& code, const Json& body, const CaseType* current);
/// Re-evaluates the lights of the given cases; one case.light event per change.
Result<Json> Sweep(store::WriteTx& tx, const std::vector<int64_t>& ids, const Env& env);

// ---------------------------------------------------------------- reads
Result<Json> GetCase(store::Conn& c, int64_t id, const Viewer& v, const Env& env);
struct ListQuery {
    store::CaseFilter filter;
};
Json ListCases(store::Conn& c, store::CaseFilter f, const Viewer& v, const Env& env);
Json DispatchRulesJson(store::Conn& c);
Json CaseToJson(store::Conn& c, const store::CaseRow& r, const Viewer& v, const Env& env);
/// Masks: 王*, 138****5678, 110***********1234.
std::string MaskName(const std::string& s);
std::string MaskPhone(const std::string& s);
std::string MaskId(const std::string& s);

/// Open cases by when their light may next change. Thread-safe.
class Watch {
public:
    void Set(int64_t id, std::optional<core::TimePoint> at);
    /// At most `limit` of the cases due at or before now, earliest first.
    std::vector<int64_t> PopDue(core::TimePoint now, size_t limit = SIZE_MAX);
    /// Applies and removes the "_watch" list of a command's result.
    void Apply(Json& result);
    void LoadAll(store::Conn& c);  // every watched case due at once (start-up)
    size_t size() const;

private:
    mutable std::mutex mu_;
    core::DeadlineIndex<int64_t> idx_;  // GUARDED_BY(mu_)
};

}  // namespace duban::cases
