// The registry's pure rules: credit codes (GB 32100-2015), stage order, lights with injected
// dates, money in 萬.
#include <gtest/gtest.h>

#include "registry/registry.hpp"

using namespace duban;
using registry::CheckCreditCode;

namespace {
core::Date D(const char* s) { return *core::Date::Parse(s); }
}  // namespace

// ---------------------------------------------------------------- credit codes
TEST(CreditCode, PublishedValidCodes) {
    // Codes quoted in public registers and guides; their check characters recomputed by hand.
    for (const char* code : {"91350100M000100Y43", "911100001011016602", "91110000802100433B", "914403001922038216",
                             "9144030071526726XG", "91330100716105852F"}) {
        auto r = CheckCreditCode(code);
        EXPECT_TRUE(r.valid) << code << ": " << r.message;
        EXPECT_EQ(r.message, "valid");
    }
}

TEST(CreditCode, CheckCharacterComputed) {
    EXPECT_EQ(registry::CreditCheckChar("91350100M000100Y4"), '3');
    EXPECT_EQ(registry::CreditCheckChar("91110000802100433"), 'B');
    // 31 - (sum mod 31) = 31 maps to '0': find a prefix whose sum is a multiple of 31.
    EXPECT_EQ(registry::CreditCheckChar("00000000000000000"), '0');
    EXPECT_EQ(registry::CreditCheckChar("9135010"), 0) << "too short";
    EXPECT_EQ(registry::CreditCheckChar("9135010OM000100Y4"), 0) << "O is not in the set";
}

TEST(CreditCode, BadCheckCharacterNamed) {
    auto r = CheckCreditCode("91350100M000100Y44");
    EXPECT_FALSE(r.valid);
    EXPECT_NE(r.message.find("check character"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("'3'"), std::string::npos) << "says what it should be: " << r.message;
    EXPECT_FALSE(CheckCreditCode("91310000MA1FL0WK2Q").valid) << "a commonly mistyped example";
}

TEST(CreditCode, BadCharacterNamed) {
    for (auto [code, ch] : {std::pair{"91350100M0001O0Y43", "'O'"}, std::pair{"91350100M000I00Y43", "'I'"},
                            std::pair{"91350100S000100Y43", "'S'"}, std::pair{"91350100m000100Y43", "'m'"}}) {
        auto r = CheckCreditCode(code);
        EXPECT_FALSE(r.valid) << code;
        EXPECT_NE(r.message.find("character"), std::string::npos) << r.message;
        EXPECT_NE(r.message.find(ch), std::string::npos) << r.message;
    }
    auto r = CheckCreditCode("913501A0M000100Y43");
    EXPECT_FALSE(r.valid);
    EXPECT_NE(r.message.find("region code"), std::string::npos) << r.message;
}

TEST(CreditCode, WrongLengthNamed) {
    for (const char* code : {"", "91350100M000100Y4", "91350100M000100Y433"}) {
        auto r = CheckCreditCode(code);
        EXPECT_FALSE(r.valid) << code;
        EXPECT_NE(r.message.find("18 characters"), std::string::npos) << r.message;
    }
}

// ---------------------------------------------------------------- stages
TEST(Stages, OrderAndNames) {
    ASSERT_EQ(registry::ProjectStages().size(), 6u);
    EXPECT_EQ(registry::StageIndex("reserve"), 0);
    EXPECT_EQ(registry::StageIndex("completed"), 5);
    EXPECT_EQ(registry::StageIndex("nope"), -1);
    EXPECT_EQ(registry::StageName("registered"), "註冊(落地)");
}

TEST(Stages, ForwardOneAtATime) {
    EXPECT_TRUE(registry::CheckAdvance("reserve", "negotiating").ok());
    EXPECT_TRUE(registry::CheckAdvance("started", "completed").ok());
    auto back = registry::CheckAdvance("started", "signed");
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.error().code, "stage_order");
    EXPECT_EQ(back.error().kind, core::ErrorKind::kConflict);
    auto same = registry::CheckAdvance("signed", "signed");
    ASSERT_FALSE(same.ok());
    EXPECT_EQ(same.error().code, "stage_order");
    auto skip = registry::CheckAdvance("reserve", "signed");
    ASSERT_FALSE(skip.ok());
    EXPECT_NE(skip.error().message.find("negotiating"), std::string::npos) << skip.error().message;
    auto unknown = registry::CheckAdvance("reserve", "done");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, core::ErrorKind::kValidation);
    EXPECT_EQ(unknown.error().field, "to_stage");
}

// ---------------------------------------------------------------- lights
TEST(Lights, StageLimitYellowThenRed) {
    registry::Rules r;  // signed -> registered: 90 days
    auto signed_on = D("2026-01-10");
    auto progress = D("2026-03-20");  // recent progress: only the stage limit counts
    EXPECT_EQ(registry::EvaluateLight("signed", signed_on, D("2026-04-10"), r, D("2026-04-10")).light, "green");
    // day 90 is within the limit; day 91 is over it
    EXPECT_EQ(registry::EvaluateLight("signed", signed_on, D("2026-04-10"), r, D("2026-04-10")).light, "green");
    auto y = registry::EvaluateLight("signed", signed_on, D("2026-04-11"), r, D("2026-04-11"));
    EXPECT_EQ(y.light, "yellow");
    EXPECT_EQ(y.reasons, (core::Json::array({{{"code", "stage_over_limit"}, {"stage", "signed"}, {"days", 91}, {"limit", 90}}})))
        << y.reasons.dump();
    EXPECT_EQ(registry::ReasonsText(y.reasons), "簽約已91天未註冊落地（時限90天）");
    // stored as JSON; the text a client without the codes (and an export) shows
    EXPECT_EQ(registry::StoredReasonText(y.Stored()), registry::ReasonsText(y.reasons));
    EXPECT_EQ(registry::StoredReasons(y.Stored()), y.reasons);
    EXPECT_EQ(registry::StoredReasonText("簽約已91天未註冊落地（時限90天）"), "簽約已91天未註冊落地（時限90天）");
    EXPECT_EQ(registry::StoredReasons("簽約已91天未註冊落地（時限90天）"), core::Json::array());
    EXPECT_EQ(registry::EvaluateLight("signed", signed_on, D("2026-04-10"), r, D("2026-04-10")).Stored(), "");
    // over by more than half the limit (135 days): red
    EXPECT_EQ(registry::EvaluateLight("signed", signed_on, D("2026-05-25"), r, D("2026-05-25")).light, "yellow");
    EXPECT_EQ(registry::EvaluateLight("signed", signed_on, D("2026-05-26"), r, D("2026-05-26")).light, "red");
    (void)progress;
}

TEST(Lights, StallMonths) {
    registry::Rules r;  // yellow after 2 months without progress, red after 3
    auto stage = D("2026-01-01");
    auto last = D("2026-01-15");
    EXPECT_EQ(registry::EvaluateLight("negotiating", stage, last, r, D("2026-03-14")).light, "green");
    auto y = registry::EvaluateLight("negotiating", stage, last, r, D("2026-03-15"));
    EXPECT_EQ(y.light, "yellow");
    EXPECT_EQ(y.reasons, (core::Json::array({{{"code", "stalled"}, {"stage", "negotiating"}, {"months", 2}}})))
        << y.reasons.dump();
    EXPECT_NE(registry::ReasonsText(y.reasons).find("2個月無進展"), std::string::npos) << registry::ReasonsText(y.reasons);
    EXPECT_EQ(registry::EvaluateLight("negotiating", stage, last, r, D("2026-04-14")).light, "yellow");
    EXPECT_EQ(registry::EvaluateLight("negotiating", stage, last, r, D("2026-04-15")).light, "red");
    // completed projects are green whatever the dates
    EXPECT_EQ(registry::EvaluateLight("completed", stage, last, r, D("2027-04-15")).light, "green");
}

TEST(Lights, RulesFromJson) {
    auto r = registry::Rules::FromJson({{"limits_days", {{"signed_to_registered", 10}}}, {"stall_yellow_months", 6},
                                        {"stall_red_months", 12}},
                                       registry::Rules{});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->LimitDays("signed"), 10);
    EXPECT_EQ(r->LimitDays("registered"), 180);
    EXPECT_EQ(r->LimitDays("reserve"), 0);
    auto bad = registry::Rules::FromJson({{"limits_days", {{"signed_to_started", 10}}}}, registry::Rules{});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "limits_days.signed_to_started");
    auto order = registry::Rules::FromJson({{"stall_yellow_months", 4}}, registry::Rules{});
    ASSERT_FALSE(order.ok());
    EXPECT_EQ(order.error().field, "stall_red_months");
}

TEST(Lights, MonthsBetween) {
    EXPECT_EQ(registry::MonthsBetween(D("2026-01-31"), D("2026-02-28")), 1) << "end of a shorter month counts";
    EXPECT_EQ(registry::MonthsBetween(D("2026-01-15"), D("2026-02-14")), 0);
    EXPECT_EQ(registry::MonthsBetween(D("2025-11-15"), D("2026-02-15")), 3);
    EXPECT_EQ(registry::MonthsBetween(D("2026-02-15"), D("2026-01-15")), 0);
}

// ---------------------------------------------------------------- money
TEST(Money, WanToUnits) {
    EXPECT_EQ(registry::WanToUnits(core::Json(25000)), 250000000);
    EXPECT_EQ(registry::WanToUnits(core::Json(0.0001)), 1);
    EXPECT_EQ(registry::WanToUnits(core::Json(1234.5678)), 12345678);
    EXPECT_EQ(registry::WanToUnits(core::Json(3551000)), 35510000000LL);  // 355.1億元
    EXPECT_FALSE(registry::WanToUnits(core::Json(0.00001)).has_value()) << "finer than a yuan";
    EXPECT_FALSE(registry::WanToUnits(core::Json(-1)).has_value());
    EXPECT_FALSE(registry::WanToUnits(core::Json("100")).has_value());
    EXPECT_FALSE(registry::WanToUnits(core::Json(2e9)).has_value());
}

TEST(Money, UnitsToWanAndYuan) {
    EXPECT_EQ(registry::UnitsToWan(250000000).dump(), "25000");
    EXPECT_EQ(registry::UnitsToWan(12345678).dump(), "1234.5678");
    EXPECT_EQ(registry::ToYuan(1000000, "CNY", std::nullopt), 1000000);
    // 100萬美元 at 6.83 = 683萬元
    EXPECT_EQ(registry::ToYuan(1000000, "USD", 68300), 6830000);
    EXPECT_EQ(registry::ToYuan(1, "USD", 68350), 7) << "rounded half up";
}
