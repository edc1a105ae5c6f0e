#pragma once
/// duban::registry — the 重點項目調度表 against the projects engine: the rows a viewer may see for
/// a month, the export, and the import applied through the engine's own commands (PatchProject,
/// ReportInvestment, AddProgress), so validation, scope and events are the engine's. No HTTP.
#include <map>
#include <string>
#include <vector>

#include "registry/dispatch_sheet.hpp"
#include "registry/registry.hpp"

namespace duban::registry {

/// The projects the viewer sees (only the major ones when major_only), as the sheet shows them
/// for `month` (YYYY-MM): amounts in 萬元 (CNY), 本月 the month's report in force, 自年初累計 the
/// reports of the month's year up to it, 累計 all reports up to it, 進展情況 the newest progress
/// note (else the current stage's evidence). By 項目編號.
std::vector<DispatchRow> DispatchRowsFor(store::Conn& c, const Viewer& v, const std::string& month,
                                         bool major_only);

/// The workbook (see BuildDispatchTable; simplified: its fixed words in Simplified script).
/// Errors: month not YYYY-MM (422 month).
Result<std::string> ExportDispatchTable(store::Conn& c, const Viewer& v, const std::string& month,
                                        bool major_only, bool template_only, bool simplified = false);

/// Checks every row of a sheet read by ParseDispatchTable (against every project the viewer
/// sees, major or not; a row of a project outside the viewer's scope is an error like an unknown
/// number). Returns {month, rows, valid, changes, errors: [{row, column, message}], applied,
/// applied_numbers, skipped}; the caller adds the error workbook (BuildErrorWorkbook, outside the
/// writer). With apply, the valid rows that change something are applied and one
/// project.sheet_imported event names them; an engine refusal while applying fails the whole
/// import (nothing is committed). Amount edits on a non-CNY project are row errors.
Result<Json> ImportDispatchTable(store::WriteTx& tx, const DispatchSheet& sheet, bool apply, const Viewer& v,
                                 const Env& env);

}  // namespace duban::registry
