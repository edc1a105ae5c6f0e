#pragma once
/// Rows and queries for the registry's tables: records (projects are the first kind) with their
/// stage evidence, project fields, monthly investment reports (every revision kept), enterprises
/// and promotion events. Money columns are integers: yuan for CNY, dollars for USD (with the rate
/// in fx_rate_e4, yuan per dollar x 10000).
#include <optional>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

struct ProjectRow {
    // registry_records
    int64_t id = 0;
    std::string number, name;
    bool generated = false;
    std::string stage, stage_date;
    std::optional<int64_t> lead_unit_id;
    std::string leader;
    std::optional<int64_t> enterprise_id, plan_node_id;
    std::string light = "green", light_reason, last_progress_at, created_at, updated_at;
    int64_t version = 1;
    // projects
    std::string project_kind = "industry";
    bool major = false;
    std::string park, address;
    std::optional<double> lon, lat;
    std::optional<int64_t> grid_id, street_id;
    std::string investor, origin_region;
    std::optional<int64_t> event_id;
    std::string currency = "CNY";
    std::optional<int64_t> fx_rate_e4;
    int64_t total_investment = 0, annual_plan = 0, contract_amount = 0, funds_in_place = 0,
            registered_capital = 0;
    std::optional<std::string> signed_on;
    int64_t year = 0;
    // joined: the lead unit's name and path (for scope)
    std::string lead_unit_name, lead_unit_path;
};

/// Inserts the record and its project row; sets p->id.
void InsertProject(Conn& c, ProjectRow* p);
/// Every mutable field of both rows; version + 1.
void UpdateProject(Conn& c, const ProjectRow& p);
void UpdateProjectLight(Conn& c, int64_t id, const std::string& light, const std::string& reason);
std::optional<ProjectRow> FindProject(Conn& c, int64_t id);
std::optional<ProjectRow> FindProjectByNumber(Conn& c, const std::string& number);
/// All projects, by id.
std::vector<ProjectRow> ListProjects(Conn& c);
/// The projects naming an enterprise, by id.
std::vector<ProjectRow> ListProjectsOfEnterprise(Conn& c, int64_t enterprise_id);
/// The next serial of XM-<year>-NNNN numbers.
int64_t NextProjectSerial(Conn& c, int64_t year);

struct StageRow {
    int64_t id = 0, record_id = 0;
    std::string stage, date, evidence;
    core::Json attachments = core::Json::array();
    std::optional<int64_t> actor_id;
    std::string actor, at;
    std::optional<std::string> reverted_at, revert_reason;
};
int64_t InsertStage(Conn& c, const StageRow& s);
/// In order of entry; reverted ones included (they carry reverted_at).
std::vector<StageRow> ListStages(Conn& c, int64_t record_id);
void MarkStageReverted(Conn& c, int64_t id, const std::string& at, const std::string& reason);

/// Progress notes (evidence between stage moves): stage is the stage the project was in.
int64_t InsertProgress(Conn& c, const StageRow& s);
/// Newest first.
std::vector<StageRow> ListProgress(Conn& c, int64_t record_id);

struct InvestmentRow {
    int64_t id = 0, record_id = 0;
    std::string month;  // YYYY-MM
    int64_t revision = 1, amount = 0;
    std::string note, reported_by, reported_at;
};
int64_t InsertInvestment(Conn& c, const InvestmentRow& r);
/// Every revision of a project's reports, by month then revision.
std::vector<InvestmentRow> ListInvestments(Conn& c, int64_t record_id);
/// The revision in force of every project's every month (all projects), by record then month.
std::vector<InvestmentRow> ListCurrentInvestments(Conn& c);

/// The cases linked to projects (cases.project_id): what a project page lists as its problems.
struct ProjectCaseRow {
    int64_t case_id = 0, project_id = 0;
    std::string number, title, stage, status, reported_at, light;
    std::optional<std::string> closed_at;
};
/// Of one project, or of every project when record_id is empty; by reported_at.
std::vector<ProjectCaseRow> ListProjectCases(Conn& c, std::optional<int64_t> record_id);

/// Links a case to a project (cases.project_id); the demo links some generated 企業訴求 cases.
void LinkCaseToProject(Conn& c, int64_t case_id, int64_t project_id);
/// The ids of the cases of a type without a project, oldest first (at most limit).
std::vector<int64_t> UnlinkedCases(Conn& c, const std::string& type, int64_t limit);

/// Addresses a plan follow-up notice (督辦單) to another unit: a project's notice goes to the
/// project's lead unit rather than the plan task's.
void ReaddressFollowup(Conn& c, int64_t followup_id, int64_t to_unit_id);

struct EnterpriseRow {
    int64_t id = 0;
    std::string name, credit_code, origin_region;
    int64_t registered_capital = 0;  // yuan
    std::optional<std::string> registered_on;
    std::optional<int64_t> street_id;
    bool generated = false;
    std::string created_at, updated_at;
    int64_t version = 1;
};
int64_t InsertEnterprise(Conn& c, const EnterpriseRow& e);
void UpdateEnterprise(Conn& c, const EnterpriseRow& e);  // version + 1
std::optional<EnterpriseRow> FindEnterprise(Conn& c, int64_t id);
std::optional<EnterpriseRow> FindEnterpriseByCode(Conn& c, const std::string& code);
struct EnterpriseFilter {
    std::string q, origin_region;
    std::optional<int64_t> min_capital;  // yuan
    std::optional<int64_t> year;         // registered_on in the year
    int64_t page = 1, per_page = 50;
};
std::pair<std::vector<EnterpriseRow>, int64_t> ListEnterprises(Conn& c, const EnterpriseFilter& f);
/// Enterprises registered in the year (up to and including month, 1-12) with capital >= min
/// (yuan): count and capital sum.
std::pair<int64_t, int64_t> CountEnterprises(Conn& c, int64_t year, int month, int64_t min_capital);

struct PromotionEventRow {
    int64_t id = 0;
    std::string name, city;
    std::optional<std::string> held_on;
    std::string created_at;
};
int64_t InsertPromotionEvent(Conn& c, const PromotionEventRow& e);
std::optional<PromotionEventRow> FindPromotionEvent(Conn& c, int64_t id);
std::optional<PromotionEventRow> FindPromotionEventByName(Conn& c, const std::string& name);
std::vector<PromotionEventRow> ListPromotionEvents(Conn& c);

}  // namespace duban::store
