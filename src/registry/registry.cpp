// The registry's generic rules: stage order, the unified social credit code, money in 萬, lights.
#include <cmath>
#include <map>

#include "core/reasons.hpp"
#include "registry/registry.hpp"
#include "store/repos.hpp"

namespace duban::registry {

using core::Error;

const std::vector<StageDef>& ProjectStages() {
    static const std::vector<StageDef> s = {{"reserve", "儲備"},      {"negotiating", "在談"},
                                            {"signed", "簽約"},       {"registered", "註冊(落地)"},
                                            {"started", "開工"},      {"completed", "竣工/投產"}};
    return s;
}

int StageIndex(const std::string& code) {
    const auto& s = ProjectStages();
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i].code == code) return static_cast<int>(i);
    return -1;
}

std::string StageName(const std::string& code) {
    int i = StageIndex(code);
    return i < 0 ? code : ProjectStages()[i].name;
}

core::Status CheckAdvance(const std::string& from, const std::string& to) {
    int a = StageIndex(from), b = StageIndex(to);
    if (b < 0)
        return Error::Validation("to_stage", "to_stage must be one of reserve, negotiating, signed, registered, started, completed");
    if (b <= a)
        return Error::Conflict("stage_order", "a project moves forward only: it is at " + from + " (" + StageName(from) +
                                                  "); " + to + " is not after it (a mistaken move is reverted with revert-stage)",
                               "to_stage");
    if (b != a + 1)
        return Error::Conflict("stage_order", "a project moves one stage at a time: the next stage after " + from + " is " +
                                                  ProjectStages()[a + 1].code,
                               "to_stage");
    return core::Status();
}

// ---------------------------------------------------------------- credit code
namespace {
constexpr std::string_view kCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
int CodeValue(char ch) {
    auto p = kCodeChars.find(ch);
    return p == std::string_view::npos ? -1 : static_cast<int>(p);
}
}  // namespace

char CreditCheckChar(std::string_view first17) {
    if (first17.size() < 17) return 0;
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        int v = CodeValue(first17[i]);
        if (v < 0) return 0;
        sum += v * kWeights[i];
    }
    int c = 31 - sum % 31;
    if (c == 31) c = 0;
    return kCodeChars[c];
}

CodeCheck CheckCreditCode(std::string_view code) {
    if (code.size() != 18)
        return {false, "統一社會信用代碼 must be 18 characters; this one has " + std::to_string(code.size()) +
                           (core::IsValidUtf8(code) && core::Utf8Length(code) != code.size() ? " bytes" : "")};
    for (size_t i = 0; i < code.size(); ++i) {
        char ch = code[i];
        if (CodeValue(ch) < 0) {
            std::string what = (ch >= 'a' && ch <= 'z') ? " (use capital letters)"
                               : (ch == 'I' || ch == 'O' || ch == 'S' || ch == 'V' || ch == 'Z')
                                   ? " (I, O, S, V and Z are not used)"
                                   : "";
            return {false, "character " + std::to_string(i + 1) + " '" + std::string(1, ch) +
                               "' is not allowed: 0-9 and A-Y without I, O, S, V, Z" + what};
        }
    }
    for (size_t i = 2; i < 8; ++i)
        if (code[i] < '0' || code[i] > '9')
            return {false, "characters 3-8 are the region code and must be digits; character " + std::to_string(i + 1) +
                               " is '" + std::string(1, code[i]) + "'"};
    char want = CreditCheckChar(code.substr(0, 17));
    if (code[17] != want)
        return {false, "the check character (the 18th) is '" + std::string(1, code[17]) + "' but the first 17 give '" +
                           std::string(1, want) + "'"};
    return {true, "valid"};
}

// ---------------------------------------------------------------- money
std::optional<int64_t> WanToUnits(const Json& wan) {
    if (wan.is_number_integer()) {
        auto v = wan.get<int64_t>();
        if (v < 0 || v > 1000000000) return std::nullopt;
        return v * 10000;
    }
    if (!wan.is_number()) return std::nullopt;
    double d = wan.get<double>();
    if (!std::isfinite(d) || d < 0 || d > 1e9) return std::nullopt;
    double units = d * 10000.0;
    double r = std::round(units);
    if (std::fabs(units - r) > 1e-6 * std::max(1.0, std::fabs(units)) && std::fabs(units - r) > 1e-4) return std::nullopt;
    return static_cast<int64_t>(r);
}

Json UnitsToWan(int64_t units) {
    if (units % 10000 == 0) return Json(units / 10000);
    return Json(static_cast<double>(units) / 10000.0);
}

int64_t ToYuan(int64_t units, const std::string& currency, std::optional<int64_t> fx_rate_e4) {
    if (currency != "USD" || !fx_rate_e4) return units;
    // units <= 10^13 (10^9 萬): split the rate so no product leaves int64.
    int64_t whole = units * (*fx_rate_e4 / 10000);
    int64_t frac = units * (*fx_rate_e4 % 10000);
    int64_t q = whole + frac / 10000;
    if ((frac % 10000) * 2 >= 10000) ++q;
    return q;
}

// ---------------------------------------------------------------- rules
Json Rules::ToJson() const {
    return {{"limits_days", {{"signed_to_registered", signed_to_registered},
                             {"registered_to_started", registered_to_started},
                             {"started_to_statistics", started_to_statistics}}},
            {"stall_yellow_months", stall_yellow_months},
            {"stall_red_months", stall_red_months}};
}

Result<Rules> Rules::FromJson(const Json& j, const Rules& base) {
    if (!j.is_object()) return Error::Validation("", "the body must be a JSON object");
    Rules r = base;
    for (auto& [k, v] : j.items()) {
        if (k == "limits_days") {
            if (!v.is_object()) return Error::Validation("limits_days", "limits_days must be an object");
            for (auto& [lk, lv] : v.items()) {
                int64_t* dst = lk == "signed_to_registered"    ? &r.signed_to_registered
                               : lk == "registered_to_started" ? &r.registered_to_started
                               : lk == "started_to_statistics" ? &r.started_to_statistics
                                                               : nullptr;
                if (!dst) return Error::Validation("limits_days." + lk, "unknown limit limits_days." + lk, "unknown_field");
                if (!lv.is_number_integer() || lv.get<int64_t>() < 1 || lv.get<int64_t>() > 3650)
                    return Error::Validation("limits_days." + lk, "limits_days." + lk + " must be a whole number of days from 1 to 3650");
                *dst = lv.get<int64_t>();
            }
        } else if (k == "stall_yellow_months" || k == "stall_red_months") {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 36)
                return Error::Validation(k, k + " must be a whole number of months from 1 to 36");
            (k == "stall_yellow_months" ? r.stall_yellow_months : r.stall_red_months) = v.get<int64_t>();
        } else {
            return Error::Validation(k, "unknown field " + k, "unknown_field");
        }
    }
    if (r.stall_red_months <= r.stall_yellow_months)
        return Error::Validation("stall_red_months", "stall_red_months must be more than stall_yellow_months");
    return r;
}

int64_t Rules::LimitDays(const std::string& stage) const {
    if (stage == "signed") return signed_to_registered;
    if (stage == "registered") return registered_to_started;
    if (stage == "started") return started_to_statistics;
    return 0;
}

Rules LoadRules(store::Conn& c) {
    auto s = store::GetSetting(c, "project_rules");
    if (!s) return Rules{};
    auto j = Json::parse(*s, nullptr, false);
    if (j.is_discarded()) return Rules{};
    auto r = Rules::FromJson(j, Rules{});
    return r.ok() ? *r : Rules{};
}

// ---------------------------------------------------------------- lights
namespace {
int DaysInMonth(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}
}  // namespace

int64_t MonthsBetween(core::Date a, core::Date b) {
    if (b < a) return 0;
    int64_t m = (b.y - a.y) * 12 + (b.m - a.m);
    bool reached = b.d >= a.d || b.d == DaysInMonth(b.y, b.m);
    if (!reached) --m;
    return m < 0 ? 0 : m;
}

Light EvaluateLight(const std::string& stage, core::Date stage_date, core::Date last_progress, const Rules& r,
                    core::Date today) {
    Light l;
    if (stage == "completed") return l;
    int level = 0;  // 1 yellow, 2 red
    Json reason;
    int64_t limit = r.LimitDays(stage);
    if (limit > 0) {
        int64_t days = today.DaysSinceEpoch() - stage_date.DaysSinceEpoch();
        if (days > limit) {
            level = days > limit + limit / 2 ? 2 : 1;
            reason = {{"code", "stage_over_limit"}, {"stage", stage}, {"days", days}, {"limit", limit}};
        }
    }
    int64_t months = MonthsBetween(last_progress, today);
    int stall = months >= r.stall_red_months ? 2 : months >= r.stall_yellow_months ? 1 : 0;
    if (stall > level) {
        level = stall;
        reason = {{"code", "stalled"}, {"stage", stage}, {"months", months}};
    }
    if (level == 2) l.light = "red";
    if (level == 1) l.light = "yellow";
    if (level > 0) l.reasons.push_back(std::move(reason));
    return l;
}

std::string Light::Stored() const { return core::reasons::ToStored(reasons); }

namespace {
std::string ReasonWords(const Json& r) {
    using core::reasons::Num;
    using core::reasons::Str;
    static const std::map<std::string, std::string> kNext = {
        {"signed", "註冊落地"}, {"registered", "開工"}, {"started", "竣工/入統"}};
    const std::string code = Str(r, "code"), stage = Str(r, "stage");
    if (code == "stage_over_limit") {
        auto next = kNext.find(stage);
        return StageName(stage) + "已" + Num(r, "days") + "天未" + (next == kNext.end() ? "進入下一階段" : next->second) +
               "（時限" + Num(r, "limit") + "天）";
    }
    if (code == "stalled") return StageName(stage) + "階段已" + Num(r, "months") + "個月無進展";
    return code;
}
}  // namespace

std::string ReasonsText(const Json& reasons) { return core::reasons::Text(reasons, ReasonWords); }
Json StoredReasons(const std::string& stored) { return core::reasons::FromStored(stored); }
std::string StoredReasonText(const std::string& stored) { return core::reasons::StoredText(stored, ReasonWords); }

bool Viewer::Sees(const store::ProjectRow& p) const {
    if (all || scope.all) return true;
    return !p.lead_unit_path.empty() && scope.Contains(p.lead_unit_path);
}

}  // namespace duban::registry
