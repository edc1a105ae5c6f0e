// The work plan's lights as pure functions: hand-computed against China's 2026 calendar.
#include <gtest/gtest.h>

#include "core/calendar.hpp"
#include "plan/plan.hpp"

namespace duban::plan {
namespace {

core::TimePoint At(const char* rfc3339) {
    core::TimePoint t{};
    EXPECT_TRUE(core::ParseRfc3339(rfc3339, &t)) << rfc3339;
    return t;
}

const core::WorkCalendar& Cal() {
    static const core::WorkCalendar cal = core::ShippedCalendar();
    return cal;
}

store::FollowupRow Notice(const char* issued, const char* due) {
    store::FollowupRow f;
    f.number = "督辦〔2026〕1號";
    f.issued_at = core::FormatUtc(At(issued));
    f.reply_due = core::FormatUtc(At(due));
    return f;
}

store::PlanNodeRow Task() {
    store::PlanNodeRow n;
    n.kind = "task";
    n.status = "推進中";
    n.start_date = "2026-01-01";
    n.due_date = "2026-12-31";
    n.active_since = core::FormatUtc(At("2026-09-28T09:00:00+08:00"));
    return n;
}

TEST(PlanLights, FollowupAcrossNationalDay) {
    // Issued Tue 29 Sep 2026 10:00, 4 working days: 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (調休).
    auto due = Cal().AddWorkdaysDeadline(At("2026-09-29T10:00:00+08:00"), 4);
    EXPECT_EQ(core::FormatUtc(due), "2026-10-10T09:30:00.000Z");
    auto f = Notice("2026-09-29T10:00:00+08:00", "2026-10-10T17:30:00+08:00");
    Settings s;
    // 36 working hours in all (6 + 7.5 × 4); 80% = 28.8 h is reached at 08:48 on 10 Oct.
    auto l = EvaluateFollowup(f, s, At("2026-10-09T17:00:00+08:00"), Cal());
    EXPECT_EQ(l.light, "green");
    ASSERT_TRUE(l.next_check);
    EXPECT_EQ(core::FormatUtc(*l.next_check), "2026-10-10T00:48:00.000Z");
    EXPECT_EQ(EvaluateFollowup(f, s, At("2026-10-10T08:47:00+08:00"), Cal()).light, "green");
    EXPECT_EQ(EvaluateFollowup(f, s, At("2026-10-10T08:48:00+08:00"), Cal()).light, "yellow");
    EXPECT_EQ(EvaluateFollowup(f, s, At("2026-10-10T17:30:00+08:00"), Cal()).light, "yellow");
    auto red = EvaluateFollowup(f, s, At("2026-10-10T17:30:01+08:00"), Cal());
    EXPECT_EQ(red.light, "red");
    ASSERT_EQ(red.reasons.size(), 1u);
    EXPECT_EQ(red.reasons[0], (core::Json{{"code", "followup_overdue"}, {"number", "督辦〔2026〕1號"},
                                          {"due", "2026-10-10T09:30:00.000Z"}}));
    EXPECT_EQ(ReasonsText(red.reasons), "督辦〔2026〕1號 逾期未回覆（回覆時限 2026-10-10 17:30）");
    f.state = "replied";
    EXPECT_EQ(EvaluateFollowup(f, s, At("2026-10-12T09:00:00+08:00"), Cal()).light, "green");
}

TEST(PlanLights, ReportCadence) {
    Settings s;
    auto n = Task();
    // Activated 28 Sep: the first report is due by the 5th working day of October:
    // 8, 9, 10 (Saturday, 調休), 12, 13 October.
    auto due = NextReportDue(n, s, Cal());
    ASSERT_TRUE(due);
    EXPECT_EQ(core::FormatUtc(*due), "2026-10-13T09:30:00.000Z");
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-10-13T17:30:00+08:00"), Cal()).light, "green");
    auto y = EvaluateTask(n, s, {}, At("2026-10-14T09:00:00+08:00"), Cal());
    EXPECT_EQ(y.light, "yellow");
    EXPECT_EQ(y.reasons, (core::Json::array({{{"code", "report_late"}, {"due", "2026-10-13T09:30:00.000Z"}}})));
    EXPECT_EQ(ReasonsText(y.reasons), "進展報告逾期（應於2026-10-13 17:30前報送）");
    auto red = EvaluateTask(n, s, {}, At("2026-10-20T17:31:00+08:00"), Cal());
    EXPECT_EQ(red.reasons, (core::Json::array({{{"code", "report_overdue"}, {"due", "2026-10-13T09:30:00.000Z"},
                                                {"grace_workdays", 5}}})));
    // 5 working days' grace: 14, 15, 16, 19, 20 October → red after 20 Oct 17:30.
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-10-20T17:30:00+08:00"), Cal()).light, "yellow");
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-10-20T17:31:00+08:00"), Cal()).light, "red");
    // A report on 28 September answers October's deadline; November's is the 5th working day
    // of November: 2, 3, 4, 5, 6 November.
    n.last_report_at = core::FormatUtc(At("2026-09-28T15:00:00+08:00"));
    EXPECT_EQ(core::FormatUtc(*NextReportDue(n, s, Cal())), "2026-11-06T09:30:00.000Z");
    // Each month's report window is (previous deadline, this deadline]: a report on 14 October,
    // after October's deadline, is November's report (October's was missed), so the next is due
    // by the 5th working day of December: 1, 2, 3, 4, 7 December.
    n.last_report_at = core::FormatUtc(At("2026-10-14T09:00:00+08:00"));
    EXPECT_EQ(core::FormatUtc(*NextReportDue(n, s, Cal())), "2026-12-07T09:30:00.000Z");
    // Settings change the day: with the 2nd working day (October's: 9 October), 14 October is
    // still in November's window, and December's 2nd working day is 2 December.
    s.report_due_workday = 2;
    EXPECT_EQ(core::FormatUtc(*NextReportDue(n, s, Cal())), "2026-12-02T09:30:00.000Z");
    // A report on 2 November, before November's deadline (3 November), is November's.
    n.last_report_at = core::FormatUtc(At("2026-11-02T09:00:00+08:00"));
    EXPECT_EQ(core::FormatUtc(*NextReportDue(n, s, Cal())), "2026-12-02T09:30:00.000Z");
    n.status = "已完成";
    EXPECT_FALSE(NextReportDue(n, s, Cal()));
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2027-06-01T09:00:00+08:00"), Cal()).light, "green");
}

TEST(PlanLights, DueDateAndProgressAgainstTime) {
    Settings s;
    auto n = Task();
    n.last_report_at = core::FormatUtc(At("2026-12-02T09:00:00+08:00"));
    n.due_date = "2026-12-10";
    n.percent = 100;  // not behind the time used (which is 99.99% at the end of the last day)
    // 10 December is the last day; red from 11 December 00:00.
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-12-10T23:59:00+08:00"), Cal()).light, "green");
    auto r = EvaluateTask(n, s, {}, At("2026-12-11T00:00:00+08:00"), Cal());
    EXPECT_EQ(r.light, "red");
    EXPECT_EQ(r.reasons, (core::Json::array({{{"code", "overdue"}, {"due_date", "2026-12-10"}}})));
    EXPECT_EQ(StoredReasonText(r.Stored()), "已超過完成時限（2026-12-10）");
    // Start 1 Jan, end 31 Dec (365 days): 80% of the time is used on day 292, 20 October 00:00.
    n.due_date = "2026-12-31";
    n.percent = 50;
    n.last_report_at = core::FormatUtc(At("2026-10-15T09:00:00+08:00"));
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-10-19T23:00:00+08:00"), Cal()).light, "green");
    auto behind = EvaluateTask(n, s, {}, At("2026-10-20T01:00:00+08:00"), Cal());
    EXPECT_EQ(behind.light, "yellow");
    EXPECT_EQ(behind.reasons, (core::Json::array({{{"code", "behind_schedule"}, {"time_pct", 80}, {"done_pct", 50}}})));
    EXPECT_EQ(ReasonsText(behind.reasons), "時間已過80%，完成50%");
    n.percent = 85;  // ahead of the time used: no light
    EXPECT_EQ(EvaluateTask(n, s, {}, At("2026-10-20T01:00:00+08:00"), Cal()).light, "green");
}

TEST(PlanLights, OpenNoticeColoursItsTask) {
    Settings s;
    auto n = Task();
    auto f = Notice("2026-09-29T10:00:00+08:00", "2026-10-10T17:30:00+08:00");
    auto l = EvaluateTask(n, s, {f}, At("2026-10-11T09:00:00+08:00"), Cal());
    EXPECT_EQ(l.light, "red");
    ASSERT_FALSE(l.reasons.empty());
    EXPECT_EQ(l.reasons.back()["code"], "followup_overdue");
    EXPECT_NE(ReasonsText(l.reasons).find("督辦〔2026〕1號"), std::string::npos) << ReasonsText(l.reasons);
    // two reasons of the same light are both kept, joined in the text
    n.due_date = "2026-10-08";
    auto two = EvaluateTask(n, s, {f}, At("2026-10-11T09:00:00+08:00"), Cal());
    ASSERT_EQ(two.reasons.size(), 2u) << two.reasons.dump();
    EXPECT_EQ(ReasonsText(two.reasons), "已超過完成時限（2026-10-08）；督辦〔2026〕1號 逾期未回覆（回覆時限 2026-10-10 17:30）");
}

TEST(PlanSettings, FromJsonNamesTheKey) {
    auto bad = Settings::FromJson({{"yellow_share", 1.5}}, Settings{});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "settings.yellow_share");
    auto unknown = Settings::FromJson({{"colour", "red"}}, Settings{});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().field, "settings.colour");
    auto ok = Settings::FromJson({{"report_due_workday", 3}}, Settings{});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->report_due_workday, 3);
    EXPECT_EQ(ok->yellow_share, 0.8);
}

TEST(PlanWatch, PopsOnlyWhatIsDue) {
    Watch w;
    w.SetNode(1, At("2026-10-10T09:00:00+08:00"));
    w.SetNode(2, At("2026-10-12T09:00:00+08:00"));
    w.SetFollowup(7, At("2026-10-10T08:00:00+08:00"));
    w.SetNode(3, std::nullopt);  // nothing to watch
    EXPECT_EQ(w.size(), 3u);
    auto d = w.PopDue(At("2026-10-10T09:00:00+08:00"));
    EXPECT_EQ(d.nodes, std::vector<int64_t>{1});
    EXPECT_EQ(d.followups, std::vector<int64_t>{7});
    EXPECT_EQ(w.size(), 1u);
    core::Json result = {{"ok", true},
                         {"_watch", core::Json::array({{{"kind", "node"}, {"id", 2}, {"at", nullptr}},
                                                       {{"kind", "followup"}, {"id", 9}, {"at", "2026-10-01T00:00:00.000Z"}}})}};
    w.Apply(result);
    EXPECT_FALSE(result.contains("_watch"));
    auto d2 = w.PopDue(At("2026-10-31T00:00:00+08:00"));
    EXPECT_TRUE(d2.nodes.empty());  // node 2 was removed by the null entry
    EXPECT_EQ(d2.followups, std::vector<int64_t>{9});
}

}  // namespace
}  // namespace duban::plan
