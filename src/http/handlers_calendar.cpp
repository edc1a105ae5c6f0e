// The working-day calendar: GET /api/v1/calendar (any signed-in account: the web counts working
// time with it) and PUT /api/v1/calendar (calendar.admin: next year's holidays and adjusted
// workdays when the State Council's notice appears, office hours). The administrators' edits are
// one settings row, applied over the shipped calendar at start and at once after a change.
#include "http/app.hpp"
#include "store/repos.hpp"

namespace duban::http {

namespace {

constexpr const char* kSettingKey = "calendar.edits";

Json StoredEdits(store::Conn& c) {
    auto s = store::GetSetting(c, kSettingKey);
    if (!s) return Json::object();
    auto j = Json::parse(*s, nullptr, false);
    return j.is_discarded() ? Json::object() : j;
}

asio::awaitable<Response> GetH(Ctx& ctx) {
    std::optional<int64_t> year;
    if (auto s = QueryInt(ctx.req, "year", &year); !s) co_return ErrorResponse(s.error());
    if (year && (*year < 2000 || *year > 2100))
        co_return ErrorResponse(Error{core::ErrorKind::kBadRequest, "invalid_query", "year must be between 2000 and 2100", "year"});
    Json out = core::CalendarToJson(*ctx.app.Calendar(), year ? std::optional<int>(static_cast<int>(*year)) : std::nullopt);
    auto c = ctx.app.db.Read();
    out["edits"] = StoredEdits(*c);
    co_return JsonResponse(200, out);
}

asio::awaitable<Response> PutH(Ctx& ctx) {
    auto body = JsonBody(ctx.req);
    if (!body.ok()) co_return ErrorResponse(body.error());
    Json edits = std::move(*body);
    // Validated over the shipped calendar before anything is written: all or nothing.
    auto cal = core::ApplyCalendarEdits(core::ShippedCalendar(), edits);
    if (!cal.ok()) co_return ErrorResponse(cal.error());
    auto op = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [edits](store::WriteTx& tx) -> Result<Json> {
        Json before = StoredEdits(tx.conn());
        store::PutSetting(tx.conn(), kSettingKey, edits.dump());
        tx.Emit("calendar.changed", "calendar", std::nullopt, {{"edits", edits}, {"before", before}});
        return Json{{"ok", true}};
    });
    auto r = co_await std::move(op);
    if (!r.ok()) co_return ErrorResponse(r.error());
    LoadCalendar(ctx.app);  // what the database now holds, whichever change committed last
    Json out = core::CalendarToJson(*ctx.app.Calendar(), std::nullopt);
    out["edits"] = edits;
    co_return JsonResponse(200, out);
}

}  // namespace

void LoadCalendar(App& app) {
    auto c = app.db.Read();
    auto cal = core::ApplyCalendarEdits(core::ShippedCalendar(), StoredEdits(*c));
    if (!cal.ok()) {
        std::fprintf(stderr, "duban: warning: the stored calendar edits do not apply (%s); using the shipped calendar\n",
                     cal.error().message.c_str());
        app.SetCalendar(std::make_shared<const core::WorkCalendar>(core::ShippedCalendar()));
        return;
    }
    app.SetCalendar(std::make_shared<const core::WorkCalendar>(std::move(cal).value()));
}

void AddCalendarRoutes(std::vector<Route>& r) {
    Route get{"GET", "/api/v1/calendar", GetH, Access::kAuthenticated, {},
                      "The working-day calendar: office hours, the years it knows, special days (?year=), the administrators' edits",
                      "calendar"};
    Route put{"PUT", "/api/v1/calendar", PutH, Access::kPermission, org::Perm::kCalendarAdmin,
                      "Replace the administrators' calendar edits {days: [{date, kind: holiday|workday, festival, source}], "
                      "office_hours}: validated all or nothing; applies to deadlines computed from then on",
                      "calendar"};
    r.push_back(std::move(get));
    r.push_back(std::move(put));
}

}  // namespace duban::http
