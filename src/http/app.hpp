#pragma once
// Internal to http/: request and response types, the route table, the shared application state.
#include <utility>  // Boost 1.74 + g++ 12: before asio/awaitable.hpp (std::exchange)
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "blobs/blobs.hpp"
#include "core/core.hpp"
#include "http/http.hpp"
#include "core/calendar.hpp"
#include "geo/geo.hpp"
#include "org/org.hpp"
#include "cases/cases.hpp"
#include "plan/plan.hpp"
#include "store/store.hpp"

namespace duban::registry {
struct Viewer;
struct Env;
}  // namespace duban::registry
namespace duban::disclosure {
struct Draft;
}  // namespace duban::disclosure

namespace duban::http {

namespace asio = boost::asio;
using core::Error;
using core::Json;
using core::Result;

struct Request {
    std::string method, target, path;
    std::multimap<std::string, std::string> query;
    std::unordered_map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string remote_ip;
    std::vector<int64_t> ids;  // integers captured from {id} segments
    std::vector<std::string> params;  // other {name} segments, in order
    std::string Header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
};

Response JsonResponse(int status, const Json& j);
Response ErrorResponse(const Error& e);
/// 200 with the value, or the error's response.
inline Response FromResult(const Result<Json>& r) { return r.ok() ? JsonResponse(200, *r) : ErrorResponse(r.error()); }
int StatusFor(core::ErrorKind k);

class App;
struct Ctx {
    Request& req;
    App& app;
    std::optional<org::Principal> principal;
};

using Handler = std::function<asio::awaitable<Response>(Ctx&)>;

enum class Access { kPublic, kAuthenticated, kPermission };

struct Route {
    std::string method;
    std::string pattern;  // /api/v1/org-units/{id}
    Handler handler;
    Access access = Access::kPermission;
    org::Perm perm = org::Perm::kOrgRead;
    std::string summary;
    std::string tag;
    std::string object;       // object type behind {id}: "org_unit", "user", "session", "event"
    std::string body_schema;  // name of the request body schema in the OpenAPI document, if any
    // Reachable before a forced password change and before a required TOTP enrolment.
    bool allow_password_change_pending = false;
    // Takes a large body (settings.upload_limit instead of body_limit).
    bool upload = false;
};

/// Every route of the server, in matching order (literal segments before {id}).
const std::vector<Route>& Routes();

// Registration helpers, one per area.
void AddAuthRoutes(std::vector<Route>& r);
void AddOrgRoutes(std::vector<Route>& r);
void AddAdminRoutes(std::vector<Route>& r);
void AddTokenRoutes(std::vector<Route>& r);
void AddPlanRoutes(std::vector<Route>& r);
void AddIndicatorRoutes(std::vector<Route>& r);
void AddGeoRoutes(std::vector<Route>& r);  // geo areas, locate, attachments
void AddCaseKpiRoutes(std::vector<Route>& r);
/// After a committed case write: re-reads that case into the server's KPI store, if it is loaded
/// (handlers_kpi.cpp). Every case write in the server calls it, so the store never re-loads.
void RefreshCaseKpis(App& app, store::Conn& c, int64_t case_id);
/// Drops the loaded KPI store, to be read again on next use: after a change to many cases at once
/// (an org unit's move re-places its cases).
void ReloadCaseKpis(App& app);
/// Whether the KPI store has been loaded (a KPI read has happened since start).
bool CaseKpisLoaded(App& app);
/// After a committed case write: moves the cases named in the result's "_watch" list in the light
/// watch (and drops that list from the result) and brings them up to date in the KPI store.
void AfterCaseWrite(App& app, Json& result);
void AddCaseRoutes(std::vector<Route>& r);
/// GET/PUT /api/v1/calendar (handlers_calendar.cpp); LoadCalendar applies the stored edits over
/// the shipped calendar (at start and after a change).
void AddCalendarRoutes(std::vector<Route>& r);
void LoadCalendar(App& app);
/// What the case engine needs from the server (types, calendar, sealing box, the grid index's
/// locator), and who a signed-in account is to it (units, scope); handlers_cases.cpp.
cases::Env CaseEnv(App& app);
cases::Viewer CaseViewer(App& app, const org::Principal& p);
/// The ids on the paths of the given units (each unit and those above it), sorted: a petition
/// accusing one of them is hidden from the account (cases::Viewer::own_line).
std::vector<int64_t> CaseOwnLine(store::Conn& c, const std::vector<int64_t>& units);
/// Whether the account may read case id (case.read, and the case in its scope); reads c.
bool SeesCase(store::Conn& c, const cases::Viewer& v, const org::Principal& p, int64_t id);
void AddOpen311Routes(std::vector<Route>& r);
void AddProjectRoutes(std::vector<Route>& r);
void AddProjectSheetRoutes(std::vector<Route>& r);
void AddDisclosureRoutes(std::vector<Route>& r);
/// A year's public case statistics (grid events, hotline orders and enterprise requests; never
/// petitions) from the KPI tables within a scope, as a disclosure draft (handlers_kpi.cpp).
Result<disclosure::Draft> CaseStatsDraft(App& app, const core::Scope& scope, int year);
/// PUT /api/v1/_test/clock: not in the table; dispatched only when the server has a test clock.
const Route& TestClockRoute();

// ---- shared state
struct CachedPrincipal {
    org::Principal p;
    uint64_t epoch;
};
struct CachedToken {
    store::ApiToken t;
    uint64_t epoch;
    core::TimePoint read_at;  // reread after kTokenCacheSeconds: a revoke by the CLI is another process
    core::TimePoint last_persisted;  // the last_used_at stored; written again a minute later
};
struct CachedSession {
    store::Session s;
    core::TimePoint created, last_seen, last_persisted;
    uint64_t epoch;
};

class Metrics {
public:
    void Observe(const std::string& route, int status, double seconds);
    std::string Render(const store::PipelineStats& ps) const;

private:
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, uint64_t> counts_;
    std::vector<uint64_t> buckets_ = std::vector<uint64_t>(12, 0);
    double sum_ = 0;
    uint64_t n_ = 0;
};

class App {
public:
    App(store::Database& db, store::Pipeline& p, const core::Clock& c, const core::SecretBox& b,
        const ServerSettings& s)
        : db(db), pipeline(p), clock(c), box(b), settings(s), blobs(s.blob_dir, s.attachment_limit, &b) {}
    store::Database& db;
    store::Pipeline& pipeline;
    const core::Clock& clock;
    const core::SecretBox& box;
    ServerSettings settings;
    Metrics metrics;
    /// Attachments' bytes, content-addressed under settings.blob_dir.
    blobs::BlobStore blobs;
    /// The stored grid polygons, for point location; rebuilt after a grid import.
    geo::GridIndex grid_index;
    /// Rebuilds grid_index from the database.
    core::Status RebuildGridIndex();
    /// China's working-day calendar (shipped data plus administrators' additions, handlers_calendar.cpp).
    /// Replaced whole when an administrator changes it: a command holds the one it started with.
    std::shared_ptr<const core::WorkCalendar> Calendar() const { return calendar_.load(); }
    void SetCalendar(std::shared_ptr<const core::WorkCalendar> c) { calendar_.store(std::move(c)); }
    std::atomic<std::shared_ptr<const core::WorkCalendar>> calendar_{std::make_shared<const core::WorkCalendar>()};
    /// Open tasks and follow-up notices by when their light may next change.
    plan::Watch plan_watch;
    /// The case types in force (shipped defaults with administrators' edits) and the open cases
    /// by when their light may next change.
    std::shared_ptr<cases::Registry> case_types = cases::Registry::Shipped();
    cases::Watch case_watch;
    /// CPU-heavy work (reading an uploaded report) runs here, not on the I/O threads.
    asio::thread_pool cpu_pool{2};
    /// The month (YYYYMM, China time) whose indicator alerts were last re-evaluated in full.
    std::atomic<int> indicator_alert_month{0};

    /// Bumped after any committed change that can alter who may do what (accounts, roles, scopes,
    /// sessions, org moves). Cached principals and sessions from an older epoch are reloaded.
    std::atomic<uint64_t> auth_epoch{1};
    std::mutex cache_mu;
    std::unordered_map<int64_t, CachedPrincipal> principals;       // GUARDED_BY(cache_mu)
    std::unordered_map<std::string, CachedSession> sessions;       // by token hash
    std::unordered_map<std::string, CachedToken> tokens;   // by token hash
    // login limiter: address -> (window start, count)
    std::mutex limiter_mu;
    std::unordered_map<std::string, std::pair<core::TimePoint, int>> login_attempts;

    org::SecurityPolicy Policy();
    void InvalidateAuth() { auth_epoch.fetch_add(1); }
};

/// Authenticates the request (cookie session or bearer token); nullopt with error when it fails.
Result<org::Principal> Authenticate(Ctx& ctx, bool* via_session);
/// Loads (or takes from cache) the principal of a user.
Result<org::Principal> LoadPrincipal(App& app, int64_t user_id);

/// Re-evaluates what the plan watch says is due (or everything given) and commits light changes.
asio::awaitable<Result<Json>> RunPlanSweep(App& app);
/// At the first sweep of a month (China time), re-evaluates every indicator alert of the year.
asio::awaitable<Result<Json>> RunIndicatorSweep(App& app);
/// Re-evaluates the lights of the cases the case watch says are due and commits the changes.
asio::awaitable<Result<Json>> RunCaseSweep(App& app);

/// The plan engine's view of the caller (handlers_plan.cpp): whole plans for leaders and the
/// supervision office, the tasks of its units otherwise.
plan::Viewer PlanViewer(const org::Principal& p);

/// Re-evaluates the projects' lights that differ from the stored ones and commits the changes.
asio::awaitable<Result<Json>> RunProjectSweep(App& app);
/// The projects engine's view of the caller and what its commands need (handlers_projects.cpp),
/// shared with the dispatch-table handlers.
registry::Viewer ProjectViewer(const org::Principal& p);
registry::Env ProjectEnv(Ctx& ctx);
/// Whether the account may read project id (project.read, and the lead unit in its scope).
bool SeesProject(store::Conn& c, const org::Principal& p, int64_t id);

/// Runs fn on the CPU pool and resumes with its result on the caller's executor. A plain function
/// like Commit (see there): call it in its own statement and co_await the named result.
asio::awaitable<Result<Json>> RunCpu(App& app, std::function<Result<Json>()> fn);

/// Runs a command through the commit pipeline and resumes when it is durable.
/// Call it in its own statement and co_await the named result (`auto op = Commit(...);
/// auto r = co_await std::move(op);`): g++ 12 destroys temporaries that live across a co_await
/// (here the command's closure) incorrectly.
asio::awaitable<Result<Json>> Commit(App& app, store::Actor actor, store::CommandFn fn);

// ---- body and query helpers
/// Requires Content-Type application/json and a JSON object; 415 / 400 otherwise.
Result<Json> JsonBody(const Request& req);
/// Every key must be in allowed; names the first unknown one.
core::Status OnlyKeys(const Json& j, std::initializer_list<const char*> allowed);
core::Status GetString(const Json& j, const char* key, std::optional<std::string>* out,
                       bool nullable = false, std::optional<std::optional<std::string>>* nout = nullptr);
core::Status GetInt(const Json& j, const char* key, std::optional<int64_t>* out);
core::Status GetNullableInt(const Json& j, const char* key, std::optional<std::optional<int64_t>>* out);
core::Status GetIntList(const Json& j, const char* key, std::optional<std::vector<int64_t>>* out);
core::Status GetStringList(const Json& j, const char* key, std::optional<std::vector<std::string>>* out);
core::Status GetBool(const Json& j, const char* key, std::optional<bool>* out);
/// Paging: page >= 1, 1 <= per_page <= 500 (default 50).
core::Status Paging(const Request& req, int64_t* page, int64_t* per_page);
std::optional<std::string> Query(const Request& req, const std::string& key);
core::Status QueryInt(const Request& req, const std::string& key, std::optional<int64_t>* out);
Json ListJson(Json items, int64_t total, int64_t page, int64_t per_page);
/// A whole list built in memory ({"items": [...], ...}), paged as the API's lists are: ?page= and
/// ?per_page= read by Paging (default 50, at most 500; 400 on a bad value); its items cut to the
/// page and total, page and per_page set.
Result<Json> PageInMemory(const Request& req, Json list);

}  // namespace duban::http
