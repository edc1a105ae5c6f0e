#pragma once
// Internal to cli/: the demo data seeder.
#include <string>

#include "store/store.hpp"

namespace duban::cli {

struct DemoLogin {
    std::string username, role, unit, password;
};
/// Seeds the demo district (沙河口区 and its real streets, generated communities, grids and
/// departments) and one account per role, unless the database already has org units.
/// Returns the demo logins.
/// A new demo database also gets `history_cases` generated cases of the past year (GenerateCases),
/// so that its KPIs, lights and charts have a year to show.
std::vector<DemoLogin> SeedDemo(store::Pipeline& pipeline, store::Database& db, core::TimePoint now, int64_t history_cases = 0);

/// Imports the seed report (data/demo/seed-report.txt) as the demo's work plan, with generated
/// lead units, leaders and progress, unless a plan exists.
void SeedDemoPlan(store::Pipeline& pipeline, store::Database& db);
/// Generated monthly values (2025, 2026) of the seed's indicators for 沙河口区 and its streets,
/// the seed's targets split to the streets, and the statistician's demo account. Once.
void SeedDemoIndicators(store::Pipeline& pipeline, store::Database& db);
/// The dispatch rule table and a few dozen generated cases of the four types (once).
void SeedDemoCases(store::Pipeline& pipeline, store::Database& db, bool fresh = false);
/// Key projects, signings, the Shenzhen promotion event and 754 enterprises with the seed's totals,
/// and the investment bureau's demo account (once).
void SeedDemoProjects(store::Pipeline& pipeline, store::Database& db);
/// The demo plan's progress, published to the disclosure portal by the supervision office (once).
void SeedDemoDisclosure(store::Pipeline& pipeline, store::Database& db);
/// duban demo-cases --count N [--db PATH | --postgres URL] [--seed S]: generated cases, batched.
int DemoCasesCommand(int argc, char** argv);
struct GenerateOptions {
    int64_t count = 0;
    uint64_t seed = 20260601;
    int days = 365, batch = 5000;
};
struct Generated {
    int64_t cases = 0, steps = 0;
    bool stats_refreshed = false;  // the query planner's statistics were brought up to date
};
/// Writes generated cases (labelled 演示数据) with their histories, reported over the `days` before
/// `now`, `batch` per pipeline command with one case.generate event each, then refreshes the query
/// planner's statistics (a bulk load leaves them out of date). Needs the demo org tree.
core::Result<Generated> GenerateCases(store::Pipeline& pipeline, store::Database& db, core::TimePoint now,
                                      const GenerateOptions& opt);

/// `duban plan SUBCOMMAND ...` (argv[0] is the subcommand, e.g. "import"). Returns the exit code.
int PlanCommand(int argc, char** argv);

}  // namespace duban::cli
