// The case engine's configuration and time arithmetic: the shipped types, validation errors that
// name the file and the key, deadlines across National Day 2026 and its adjusted Saturday,
// pauses, extensions and lights at an injected time.
#include <gtest/gtest.h>

#include "cases/cases.hpp"
#include "core/calendar.hpp"

namespace duban::cases {
namespace {

core::TimePoint At(const char* rfc3339) {
    core::TimePoint t{};
    EXPECT_TRUE(core::ParseRfc3339(rfc3339, &t)) << rfc3339;
    return t;
}
std::string Utc(const char* rfc3339) { return core::FormatUtc(At(rfc3339)); }

const core::WorkCalendar& Cal() {
    static const core::WorkCalendar cal = core::ShippedCalendar();
    return cal;
}

Json Minimal() {
    return Json::parse(R"({
      "code": "t", "name": "测试", "prefix": "TT", "initial_stage": "a", "dispatch_stage": "a",
      "handling_stage": "b", "create_roles": ["supervisor"],
      "stages": [{"code": "a", "name": "甲", "limit": {"unit": "hours", "normal": 2}},
                 {"code": "b", "name": "乙", "limit": {"unit": "workdays", "normal": 5, "urgent": 1}},
                 {"code": "z", "name": "完", "closed": true}],
      "actions": [{"code": "dispatch", "name": "派", "from": ["a"], "to": "b", "roles": ["supervisor"], "requires": ["unit_id"]},
                  {"code": "close", "name": "结", "from": ["a", "b"], "to": "z", "roles": ["supervisor"]}],
      "categories": [{"code": "M", "name": "大", "children": [{"code": "M1", "name": "小", "limits": {"b": {"unit": "hours", "normal": 4}}}]}]
    })");
}

core::Error ErrorOf(const Json& j) {
    auto r = ParseCaseType(j, "config/case-types/t.json");
    EXPECT_FALSE(r.ok());
    return r.ok() ? core::Error{} : r.error();
}

TEST(CaseConfig, ShippedTypesLoad) {
    auto reg = Registry::Shipped();
    auto all = reg->All();
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0]->code, "urban");
    EXPECT_EQ(all[1]->code, "hotline");
    EXPECT_EQ(all[2]->code, "petition");
    EXPECT_EQ(all[3]->code, "enterprise");
    auto urban = reg->Get("urban");
    // components and events, several 小類 each, with their own limits and closing standards
    EXPECT_GE(urban->majors.size(), 12u);
    const Category* lid = urban->FindCategory("B0101");
    ASSERT_NE(lid, nullptr);
    EXPECT_EQ(lid->name, "上水井盖");
    EXPECT_EQ(lid->major_name, "公用设施");
    EXPECT_FALSE(lid->standard.empty());
    auto l = urban->LimitFor("handle", "B0101");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->unit, "hours");
    EXPECT_EQ(l->normal, 4);
    EXPECT_EQ(l->urgent, 2);
    // a stage without a category limit falls back to the stage's
    EXPECT_EQ(urban->LimitFor("verify", "B0101")->normal, 4);
    auto hotline = reg->Get("hotline");
    EXPECT_EQ(hotline->LimitFor("sign", "H0301")->unit, "hours");
    EXPECT_EQ(hotline->LimitFor("handle", "H0301")->normal, 5);
    EXPECT_EQ(hotline->LimitFor("handle", "H0301")->urgent, 1);
    auto petition = reg->Get("petition");
    EXPECT_EQ(petition->LimitFor("accept", "P0101")->unit, "days");
    EXPECT_EQ(petition->LimitFor("handle", "P0101")->normal, 60);
    EXPECT_EQ(petition->extension.max_times, 1);
    EXPECT_EQ(petition->extension.max, 30);
    // the JSON the API serves parses back to the same type
    auto again = ParseCaseType(urban->ToJson(), "round-trip");
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->FindCategory("E0401")->name, "占道经营");
}

TEST(CaseConfig, MinimalParses) {
    auto r = ParseCaseType(Minimal(), "t.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->LimitFor("b", "M1")->unit, "hours");
    EXPECT_EQ(r->stages[1].limit->urgent, 1);
}

TEST(CaseConfig, BadStageReferenceNamesFileAndKey) {
    Json j = Minimal();
    j["actions"][0]["to"] = "nowhere";
    auto e = ErrorOf(j);
    EXPECT_EQ(e.field, "actions[0].to");
    EXPECT_NE(e.message.find("config/case-types/t.json"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("nowhere"), std::string::npos) << e.message;
    j = Minimal();
    j["actions"][1]["from"][1] = "q";
    EXPECT_EQ(ErrorOf(j).field, "actions[1].from[1]");
    j = Minimal();
    j["initial_stage"] = "q";
    EXPECT_EQ(ErrorOf(j).field, "initial_stage");
    j = Minimal();
    j["categories"][0]["children"][0]["limits"]["q"] = {{"unit", "hours"}, {"normal", 1}};
    EXPECT_EQ(ErrorOf(j).field, "categories[0].children[0].limits.q");
}

TEST(CaseConfig, UnknownRoleNamed) {
    Json j = Minimal();
    j["actions"][1]["roles"] = {"supervisor", "janitor"};
    auto e = ErrorOf(j);
    EXPECT_EQ(e.field, "actions[1].roles[1]");
    EXPECT_NE(e.message.find("janitor"), std::string::npos);
    j = Minimal();
    j["create_roles"] = {"sysadmin"};  // an admin role holds no business permissions
    EXPECT_EQ(ErrorOf(j).field, "create_roles[0]");
}

TEST(CaseConfig, MissingLimitAndBadValuesNamed) {
    Json j = Minimal();
    j["stages"][1].erase("limit");
    auto e = ErrorOf(j);
    EXPECT_EQ(e.field, "stages[1].limit");
    EXPECT_NE(e.message.find("missing"), std::string::npos);
    j = Minimal();
    j["stages"][0]["limit"]["unit"] = "fortnights";
    EXPECT_EQ(ErrorOf(j).field, "stages[0].limit.unit");
    j = Minimal();
    j["stages"][1]["limit"]["urgent"] = 9;  // urgent longer than normal
    EXPECT_EQ(ErrorOf(j).field, "stages[1].limit.urgent");
    j = Minimal();
    j["colour"] = "red";
    EXPECT_EQ(ErrorOf(j).field, "colour");
    j = Minimal();
    j["actions"][0]["requires"] = {"photo"};
    EXPECT_EQ(ErrorOf(j).field, "actions[0].requires[0]");
    j = Minimal();
    j["actions"][0]["code"] = "teleport";
    EXPECT_EQ(ErrorOf(j).field, "actions[0].code");
    j = Minimal();
    j["categories"][0]["children"][0]["code"] = "M";
    EXPECT_EQ(ErrorOf(j).field, "categories[0].children[0].code");
}

TEST(CaseConfig, ChoicesParseRoundTripAndBadOnesAreNamed) {
    // 信訪: 受理告知 and 不予受理 say how the petitioner was told; 不予受理 says on what ground
    auto petition = Registry::Shipped()->Get("petition");
    const Action* decline = petition->FindAction("decline");
    ASSERT_NE(decline, nullptr);
    EXPECT_EQ(decline->to, "declined");
    EXPECT_TRUE(petition->FindStage("declined")->closed);
    ASSERT_EQ(decline->choices.size(), 2u);
    EXPECT_EQ(decline->choices[0].key, "basis");
    ASSERT_NE(decline->choices[0].NameOf("legal_channel"), nullptr);
    EXPECT_EQ(*decline->choices[0].NameOf("legal_channel"), "应通过诉讼、仲裁、行政复议等法定途径解决");
    EXPECT_EQ(decline->choices[0].NameOf("nonsense"), nullptr);
    EXPECT_EQ(petition->FindAction("register")->choices.at(0).key, "notice");
    auto again = ParseCaseType(petition->ToJson(), "round-trip");
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->FindAction("decline")->choices[1].options, decline->choices[1].options);

    Json j = Minimal();
    j["actions"][1]["choices"] = {{"why", {{"name", "原因"}, {"options", {{{"code", "a"}, {"name", "甲"}}}}}}};
    ASSERT_TRUE(ParseCaseType(j, "t.json").ok());
    j["actions"][1]["choices"]["why"]["options"] = Json::array();
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.why.options");
    j["actions"][1]["choices"]["why"]["options"] = {{{"code", "a"}, {"name", "甲"}}, {{"code", "a"}, {"name", "乙"}}};
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.why.options[1].code");
    j["actions"][1]["choices"]["why"]["options"] = {{{"code", "a"}, {"label", "甲"}}};
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.why.options[0].label");
    j = Minimal();
    j["actions"][1]["choices"] = {{"reason", {{"name", "原因"}, {"options", {{{"code", "a"}, {"name", "甲"}}}}}}};
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.reason");  // a field of its own
    j["actions"][1]["choices"] = {{"Why", {{"name", "原因"}, {"options", {{{"code", "a"}, {"name", "甲"}}}}}}};
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.Why");
    j["actions"][1]["choices"] = Json::array();
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices");
    // an option's code is a plain identifier
    j = Minimal();
    j["actions"][1]["choices"] = {{"why", {{"name", "原因"}, {"options", {{{"code", "a b"}, {"name", "甲"}}}}}}};
    EXPECT_EQ(ErrorOf(j).field, "actions[1].choices.why.options[0].code");
    // a required form field must be one the action declares (a typo would make it impossible)
    j = Minimal();
    j["actions"][1]["choices"] = {{"why", {{"name", "原因"}, {"options", {{{"code", "a"}, {"name", "甲"}}}}}}};
    j["actions"][1]["requires"] = {"fields.why"};
    ASSERT_TRUE(ParseCaseType(j, "t.json").ok());
    j["actions"][1]["requires"] = {"note", "fields.whY"};
    auto e = ErrorOf(j);
    EXPECT_EQ(e.field, "actions[1].requires[1]");
    EXPECT_NE(e.message.find("fields.whY"), std::string::npos) << e.message;
    j["actions"][1]["requires"] = {"fields.passed"};  // verify's result
    EXPECT_TRUE(ParseCaseType(j, "t.json").ok());
}

// A hotline order taken on Wednesday 30 September 2026 at 15:00: National Day runs 1-7 October,
// Saturday 10 October is a working day.
TEST(CaseTime, HandlingDeadlineAcrossNationalDay) {
    Limit five{"workdays", 5, 1};
    // working days after 9-30: 10-08, 10-09, 10-10 (adjusted Saturday), 10-12, 10-13
    EXPECT_EQ(core::FormatUtc(Deadline(five, "normal", At("2026-09-30T15:00:00+08:00"), Cal())),
              Utc("2026-10-13T17:30:00+08:00"));
    EXPECT_EQ(core::FormatUtc(Deadline(five, "urgent", At("2026-09-30T15:00:00+08:00"), Cal())),
              Utc("2026-10-08T17:30:00+08:00"));
    // from Friday 9 October: Saturday 10 counts, Sunday 11 does not
    EXPECT_EQ(core::FormatUtc(Deadline(Limit{"workdays", 2, 1}, "normal", At("2026-10-09T10:00:00+08:00"), Cal())),
              Utc("2026-10-12T17:30:00+08:00"));
}

TEST(CaseTime, SignForHoursSkipTheHoliday) {
    Limit two{"hours", 2, 1};
    // 16:00-17:30 on 9-30, then 30 minutes on 10-08
    EXPECT_EQ(core::FormatUtc(Deadline(two, "normal", At("2026-09-30T16:00:00+08:00"), Cal())),
              Utc("2026-10-08T09:00:00+08:00"));
    // taken on the adjusted Saturday, it runs that day
    EXPECT_EQ(core::FormatUtc(Deadline(two, "normal", At("2026-10-10T09:00:00+08:00"), Cal())),
              Utc("2026-10-10T11:00:00+08:00"));
}

TEST(CaseTime, PetitionCalendarDays) {
    Limit fifteen{"days", 15, 15};
    // calendar days: the holiday counts; the end of the 15th day after, China time
    EXPECT_EQ(core::FormatUtc(Deadline(fifteen, "normal", At("2026-09-30T10:00:00+08:00"), Cal())),
              Utc("2026-10-16T00:00:00+08:00"));
    EXPECT_EQ(core::FormatUtc(Extend("days", At("2026-10-16T00:00:00+08:00"), 30, Cal())),
              Utc("2026-11-15T00:00:00+08:00"));
}

TEST(CaseTime, YellowAtShareOfWorkingTime) {
    // 9-30 15:00 to 10-13 17:30 is 2.5 + 5 x 7.5 = 40 office hours; 80% = 32:
    // 2.5 (9-30) + 7.5 (10-08) + 7.5 (10-09) + 7.5 (10-10) = 25, then 7 more on 10-12 -> 17:00
    auto start = At("2026-09-30T15:00:00+08:00");
    auto due = At("2026-10-13T17:30:00+08:00");
    EXPECT_EQ(core::FormatUtc(ShareAt("workdays", start, due, 0.8, Cal())), Utc("2026-10-12T17:00:00+08:00"));
    // calendar days: 80% of the span
    EXPECT_EQ(core::FormatUtc(ShareAt("days", At("2026-10-01T00:00:00+08:00"), At("2026-10-11T00:00:00+08:00"), 0.8, Cal())),
              Utc("2026-10-09T00:00:00+08:00"));
}

TEST(CaseTime, PauseKeepsTheTimeLeft) {
    auto due = At("2026-10-13T17:30:00+08:00");
    // paused 10-09 09:00, resumed 10-12 09:00: 29.5 office hours were left
    EXPECT_EQ(core::FormatUtc(ShiftByPause("workdays", due, At("2026-10-09T09:00:00+08:00"),
                                           At("2026-10-12T09:00:00+08:00"), Cal())),
              Utc("2026-10-15T17:30:00+08:00"));
    // an instant before the pause does not move
    EXPECT_EQ(ShiftByPause("workdays", At("2026-10-08T10:00:00+08:00"), At("2026-10-09T09:00:00+08:00"),
                           At("2026-10-12T09:00:00+08:00"), Cal()),
              At("2026-10-08T10:00:00+08:00"));
    // calendar days move by the pause's length
    EXPECT_EQ(core::FormatUtc(ShiftByPause("days", At("2026-10-20T00:00:00+08:00"), At("2026-10-01T00:00:00+08:00"),
                                           At("2026-10-04T00:00:00+08:00"), Cal())),
              Utc("2026-10-23T00:00:00+08:00"));
}

TEST(CaseTime, ExtensionMovesTheDeadline) {
    // two more working days after Tuesday 13 October
    EXPECT_EQ(core::FormatUtc(Extend("workdays", At("2026-10-13T17:30:00+08:00"), 2, Cal())),
              Utc("2026-10-15T17:30:00+08:00"));
    // from Friday 9 October, one more: the adjusted Saturday
    EXPECT_EQ(core::FormatUtc(Extend("workdays", At("2026-10-09T17:30:00+08:00"), 1, Cal())),
              Utc("2026-10-10T17:30:00+08:00"));
}

TEST(CaseLight, EvaluateAtInjectedTimes) {
    auto yellow = At("2026-10-12T15:00:00+08:00");
    auto due = At("2026-10-13T17:30:00+08:00");
    auto g = Evaluate(yellow, due, false, "green", At("2026-10-09T10:00:00+08:00"));
    EXPECT_EQ(g.light, "green");
    ASSERT_TRUE(g.next_check);
    EXPECT_EQ(*g.next_check, yellow);
    auto y = Evaluate(yellow, due, false, "green", At("2026-10-12T15:00:00+08:00"));
    EXPECT_EQ(y.light, "yellow");
    EXPECT_EQ(*y.next_check, due);
    auto r = Evaluate(yellow, due, false, "yellow", At("2026-10-13T17:30:00+08:00"));
    EXPECT_EQ(r.light, "red");
    EXPECT_FALSE(r.next_check);
    // a paused clock keeps its light and is not watched
    auto p = Evaluate(yellow, due, true, "yellow", At("2026-10-20T10:00:00+08:00"));
    EXPECT_EQ(p.light, "yellow");
    EXPECT_FALSE(p.next_check);
    // no deadline (a closed stage): green, nothing to watch
    auto n = Evaluate(std::nullopt, std::nullopt, false, "green", At("2026-10-20T10:00:00+08:00"));
    EXPECT_EQ(n.light, "green");
    EXPECT_FALSE(n.next_check);
    // each reason has its code for the client, which words it in the user's language
    auto code = [](const Light& l) { auto j = LightReasons(l.reason); return j.empty() ? std::string() : j[0]["code"].get<std::string>(); };
    EXPECT_EQ(code(y), "stage_due_soon");
    EXPECT_EQ(code(r), "stage_overdue");
    EXPECT_EQ(code(p), "paused");
    EXPECT_EQ(code(g), "");
    EXPECT_EQ(LightReasons("某种旧的说法"), Json::array());
}

TEST(CaseMask, PersonalDataMasked) {
    EXPECT_EQ(MaskName("王芳"), "王*");
    EXPECT_EQ(MaskName("欧阳明月"), "欧***");
    EXPECT_EQ(MaskName("A"), "*");  // a one-character name shows nothing of itself
    EXPECT_EQ(MaskName("芳"), "*");
    EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
    // Landlines: two digits kept at each end, never fewer than three hidden.
    EXPECT_EQ(MaskPhone("8412345"), "84***45");
    EXPECT_EQ(MaskPhone("84123456"), "84****56");
    EXPECT_EQ(MaskPhone("0411-84123456"), "041******3456");
    EXPECT_EQ(MaskId("110101199003071234"), "110***********1234");
}

TEST(CaseViewer, PetitionsAreSeenByTheirHandlersAndNeverByTheUnitAccused) {
    Viewer staff;  // a street's staff: member of unit 2 (under the district, 1), scope 2 and its community 3
    staff.units = {2};
    staff.scope_units = {2, 3};
    staff.own_line = {1, 2};
    store::CaseRow urban;
    urban.type = "urban";
    urban.street_id = 2;
    urban.community_id = 3;
    EXPECT_TRUE(staff.Sees(urban)) << "a case in the street";
    store::CaseRow pet = urban;
    pet.type = "petition";
    EXPECT_FALSE(staff.Sees(pet)) << "a petition is not seen for its place";
    pet.lead_unit_id = 9;
    pet.co_units = {3};
    EXPECT_TRUE(staff.Sees(pet)) << "a co-unit in scope";
    pet.co_units.clear();
    pet.lead_unit_id = 3;
    EXPECT_TRUE(staff.Sees(pet)) << "the lead unit in scope";
    pet.subject_unit_id = 2;
    EXPECT_FALSE(staff.Sees(pet)) << "it accuses the viewer's own unit";
    pet.subject_unit_id = 1;
    EXPECT_FALSE(staff.Sees(pet)) << "it accuses a unit above the viewer's: the viewer is part of it";
    pet.subject_unit_id = 3;
    EXPECT_TRUE(staff.Sees(pet)) << "a unit under the viewer's is not the viewer's";

    Viewer leader;  // sees every case, but belongs to unit 2
    leader.all = true;
    leader.units = {2};
    leader.own_line = {1, 2};
    pet.subject_unit_id = 2;
    EXPECT_FALSE(leader.Sees(pet)) << "a leader of the accused unit";
    EXPECT_TRUE(leader.Sees(urban));
    leader.dispatcher = true;
    EXPECT_TRUE(leader.Sees(pet)) << "the petition office sees every petition";
}

}  // namespace
}  // namespace duban::cases
