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
std::vector<DemoLogin> SeedDemo(store::Pipeline& pipeline, store::Database& db);

/// Imports the seed report (data/demo/seed-report.txt) as the demo's work plan, with generated
/// lead units, leaders and progress, unless a plan exists.
void SeedDemoPlan(store::Pipeline& pipeline, store::Database& db);
/// Generated monthly values (2025, 2026) of the seed's indicators for 沙河口区 and its streets,
/// the seed's targets split to the streets, and the statistician's demo account. Once.
void SeedDemoIndicators(store::Pipeline& pipeline, store::Database& db);
/// The dispatch rule table and a few dozen generated cases of the four types (once).
void SeedDemoCases(store::Pipeline& pipeline, store::Database& db);
/// Key projects, signings, the Shenzhen promotion event and 754 enterprises with the seed's totals,
/// and the investment bureau's demo account (once).
void SeedDemoProjects(store::Pipeline& pipeline, store::Database& db);
/// The demo plan's progress, published to the disclosure portal by the supervision office (once).
void SeedDemoDisclosure(store::Pipeline& pipeline, store::Database& db);
/// duban demo-cases --count N [--db PATH | --postgres URL] [--seed S]: generated cases, batched.
int DemoCasesCommand(int argc, char** argv);

/// `duban plan SUBCOMMAND ...` (argv[0] is the subcommand, e.g. "import"). Returns the exit code.
int PlanCommand(int argc, char** argv);

}  // namespace duban::cli
