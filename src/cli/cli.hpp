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

}  // namespace duban::cli
