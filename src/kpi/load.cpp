#include "kpi/load.hpp"

#include <algorithm>

#include "core/core.hpp"

namespace duban::kpi {

namespace {
int32_t Time(const std::string& iso) {
    if (iso.empty()) return 0;
    core::TimePoint t;
    if (!core::ParseRfc3339(iso, &t)) return 0;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    const int32_t local = FromUtc(secs);
    return local == 0 ? 1 : local;  // 0 means NULL
}
uint8_t Source(const std::string& s) {
    static const char* kSources[] = {"grid", "hotline", "open311", "web", "petition", "visit"};
    for (uint8_t i = 0; i < 6; ++i)
        if (s == kSources[i]) return static_cast<uint8_t>(i + 1);
    return 0;
}
uint8_t Sat(int64_t v) { return static_cast<uint8_t>(std::clamp<int64_t>(v, 0, 255)); }
// A petition not accepted (不予受理) was never handled: counted, it would be closed at once and
// lift the closure and on-time rates. The KPIs leave it out (docs/case-kpis.md).
bool Counted(const store::CaseKpiRow& r) { return !r.reported_at.empty() && r.stage != "declined"; }
}  // namespace

CaseFacts FactsOf(const store::CaseKpiRow& r, Store& st) {
    CaseFacts f;
    f.id = r.id;
    f.street = static_cast<int32_t>(r.street_id.value_or(0));
    f.community = static_cast<int32_t>(r.community_id.value_or(0));
    f.grid = static_cast<int32_t>(r.grid_id.value_or(0));
    f.lead_unit = static_cast<int32_t>(r.lead_unit_id.value_or(0));
    f.subject = static_cast<int32_t>(r.subject_unit_id.value_or(0));
    f.major = st.CategoryCode(r.category_major);
    f.minor = st.CategoryCode(r.category);
    f.source = Source(r.source);
    f.type = CaseTypeFromCode(r.type);
    f.reported = Time(r.reported_at);
    f.registered = Time(r.registered_at);
    f.dispatched = Time(r.dispatched_at);
    f.handled = Time(r.handled_at);
    f.closed = Time(r.closed_at);
    f.due = Time(r.due_at);
    f.signed_at = Time(r.signed_at);
    if (f.dispatched) f.sign_due = f.dispatched + st.settings().sign_limit_s;
    f.status = r.status == "open" ? 0 : r.status == "suspended" ? 1 : r.status == "closed" ? 2 : 3;
    f.returns = Sat(r.returns);
    f.reworks = Sat(r.reworks);
    f.satisfaction = r.satisfaction ? Sat(*r.satisfaction) : 0;
    f.solved = r.solved ? (*r.solved ? 1 : 0) : -1;
    return f;
}

size_t Load(store::Conn& c, Store& st) {
    if (!store::CasesTableExists(c)) return 0;
    size_t n = 0;
    store::ScanCaseKpiRows(c, [&](const store::CaseKpiRow& r) {
        if (!Counted(r)) return;
        st.Upsert(FactsOf(r, st));
        ++n;
    });
    return n;
}

void Refresh(store::Conn& c, Store& st, int64_t id) {
    bool seen = false;
    if (store::CasesTableExists(c))
        store::ScanCaseKpiRows(c, [&](const store::CaseKpiRow& r) {
            if (!Counted(r)) return;
            st.Upsert(FactsOf(r, st));
            seen = true;
        }, id);
    if (!seen) st.Erase(id);
}

}  // namespace duban::kpi
