#pragma once
/// duban::kpi loading: the KPI store from the `cases` table (store::ScanCaseKpiRows), at start and
/// per case after a write. Separate from kpi.hpp so that the engine itself links nothing of store.
#include <optional>

#include "kpi/kpi.hpp"
#include "store/case_kpi_repos.hpp"

namespace duban::kpi {

/// The facts of one case row (times converted from UTC to local seconds; categories interned).
CaseFacts FactsOf(const store::CaseKpiRow& r, Store& st);
/// Upserts every case of the `cases` table; none when the table does not exist yet. Returns the count.
size_t Load(store::Conn& c, Store& st);
/// Re-reads one case: upserts it, or erases it when it is gone. What the case engine calls after a
/// committed write so the store stays live.
void Refresh(store::Conn& c, Store& st, int64_t case_id);

}  // namespace duban::kpi
