#pragma once
/// duban::disclosure — the public disclosure portal (政務公開): releases of the plan's progress and
/// of the case statistics that the supervision office publishes for anyone to read without an
/// account. A release is built from the data the publisher sees, through a whitelist: task
/// titles, lead units, dates, statuses and percentages; counts and rates of cases. Never a
/// person's name, a report's or a case's text, an address or a comment. It is frozen when
/// published (what the public reads is what was reviewed), chained by an event carrying its
/// SHA-256, and withdrawn with a reason rather than deleted. No HTTP, no SQL.
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/core.hpp"
#include "plan/plan.hpp"
#include "registry/registry.hpp"
#include "store/disclosure_repos.hpp"
#include "store/store.hpp"

namespace duban::disclosure {

using core::Json;
using core::Result;

/// plan_progress: one plan's task tree; case_stats: a year of grid, hotline and enterprise cases;
/// project_progress: this year's major projects (重點項目) and their investment.
inline const std::vector<std::string> kKinds = {"plan_progress", "case_stats", "project_progress"};
bool IsKind(const std::string& k);

/// A release before it is stored: what the publisher previews and then publishes.
struct Draft {
    std::string kind, title, period;
    Json content = Json::object();
    Json ToJson() const;  // {kind, title, period, content, content_sha256, empty}
    std::string Sha256() const;  // of the content's canonical bytes
    /// Nothing to publish: a plan without tasks, a year without major projects or without cases.
    bool Empty() const;
};

/// The progress of a plan as the public may read it (the publisher must see the whole plan).
/// as_of is the China date the overdue flags are counted at.
Result<Draft> PlanProgress(store::Conn& c, int64_t plan_id, const plan::Viewer& v, const core::Date& as_of);

/// This year's major projects as the public may read them: per project its number, name, kind,
/// stage, lead unit and amounts (total, this year's plan and investment, in 萬元 CNY); the totals,
/// the stages and the months (plan by time against investment). Never an investor, enterprise,
/// leader, address, contract or problem. The viewer's projects only.
Result<Draft> ProjectProgress(store::Conn& c, const registry::Viewer& v, core::TimePoint now);

/// One row of case figures, as the KPI tables give them (AggJson's fields).
struct CaseFigures {
    std::string key, name;
    Json figures;
};
/// A year's case statistics: the KPI rows by month, by street and by case type, each cut to the
/// public figures (reported, closed, closure, on-time, satisfaction and handling time), all counted
/// at as_of; area names where they come from (the district, or the publisher's units).
Draft CaseStats(int year, const std::string& as_of, const std::vector<std::string>& area,
                const std::vector<CaseFigures>& by_month,
                const std::vector<CaseFigures>& by_street, const std::vector<CaseFigures>& by_type,
                const Json& total);

/// A title as it will be shown: trimmed of white space of any width (the ideographic space, no-break
/// and zero-width spaces too). Errors (field title): nothing visible left, more than 200
/// characters, a line break or control character.
Result<std::string> CleanTitle(std::string_view title);

// ---------------------------------------------------------------- commands (in the writer)
/// Stores the draft (its title cleaned by CleanTitle) and appends disclosure.publish with the
/// content's SHA-256. 409 already_published when a release with the same content is public; 422
/// empty_release (field plan_id, year or kind) when the draft is Empty(): a public page of zeros would
/// read as "nothing was done", not as "nothing was entered yet".
Result<Json> Publish(store::WriteTx& tx, Draft d);
/// Withdraws a release with a reason (required, at most 500 characters); 409 when already withdrawn.
Result<Json> Withdraw(store::WriteTx& tx, int64_t id, const std::string& reason);

// ---------------------------------------------------------------- reads
/// A release as JSON: staff see who published and withdrew it; the public only what was published.
Json ToJson(const store::DisclosureRow& r, bool staff, bool with_content);

}  // namespace duban::disclosure
