// The indicators engine: definitions, values with revisions, targets, alerts, reads. The checks a
// value passes are shared by single entry (PutValue) and imports (import.cpp) through Checker.
#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "indicators/engine_internal.hpp"
#include "store/repos.hpp"

namespace duban::indicators {

using core::Error;

// ---------------------------------------------------------------- small helpers
std::optional<std::pair<int, int>> ParsePeriod(std::string_view s) {
    std::string t = core::Trim(s);
    for (auto& ch : t)
        if (ch == '/' || ch == '.') ch = '-';
    auto digits = [](std::string_view x) {
        if (x.empty() || x.size() > 4) return -1;
        int v = 0;
        for (char ch : x) {
            if (ch < '0' || ch > '9') return -1;
            v = v * 10 + (ch - '0');
        }
        return v;
    };
    int year = -1, month = -1;
    auto dash = t.find('-');
    if (dash == std::string::npos) {
        if (t.size() != 4) return std::nullopt;
        year = digits(t);
        month = 12;
    } else {
        year = digits(std::string_view(t).substr(0, dash));
        std::string rest = t.substr(dash + 1);
        if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q')) {
            int q = digits(rest.substr(1));
            if (q < 1 || q > 4) return std::nullopt;
            month = q * 3;
        } else {
            if (rest.size() > 2) return std::nullopt;
            month = digits(rest);
        }
    }
    if (year < 2000 || year > 2100 || month < 1 || month > 12) return std::nullopt;
    return std::make_pair(year, month);
}

std::string FormatPeriod(int year, int month) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    return buf;
}

std::optional<std::string> ParseStatus(std::string_view s) {
    std::string t = core::Trim(s);
    if (t == "estimate" || t == "預計" || t == "预计") return "estimate";
    if (t == "preliminary" || t == "初步" || t == "初步核算") return "preliminary";
    if (t == "final" || t == "最終" || t == "最终") return "final";
    return std::nullopt;
}

std::string StatusZh(const std::string& s) {
    if (s == "estimate") return "預計";
    if (s == "final") return "最終";
    return "初步";
}

Decimal Dec(int64_t units, int64_t scale) { return Decimal::FromUnits(units, static_cast<int>(scale)); }
std::optional<Decimal> Growth(const store::IndicatorValueRow& v) {
    if (!v.growth_units) return std::nullopt;
    return Dec(*v.growth_units, v.growth_scale.value_or(0));
}
Json OptStr(const std::optional<Decimal>& d) { return d ? Json(d->ToString()) : Json(nullptr); }
Json OptStr(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

std::optional<Decimal> Ok(const Result<Decimal>& r) {
    if (!r.ok()) return std::nullopt;
    return *r;
}

namespace {

const std::set<std::string> kUnits = {"萬元", "億元", "億美元", "人", "家", "個", "%", "万元", "亿元", "亿美元", "个"};

std::string NormUnit(const std::string& u) {
    if (u == "万元") return "萬元";
    if (u == "亿元") return "億元";
    if (u == "亿美元") return "億美元";
    if (u == "个") return "個";
    return u;
}

bool ValidCode(const std::string& c) {
    if (c.size() < 2 || c.size() > 32 || !(c[0] >= 'A' && c[0] <= 'Z')) return false;
    for (char ch : c)
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
    return true;
}

}  // namespace

// ---------------------------------------------------------------- settings
Json AlertSettings::ToJson() const { return {{"yellow_gap", yellow_gap.ToString()}, {"red_gap", red_gap.ToString()}}; }

Result<AlertSettings> AlertSettings::FromJson(const Json& j, const AlertSettings& base) {
    if (!j.is_object()) return Error::Validation("", "settings must be an object");
    AlertSettings s = base;
    for (auto& [k, v] : j.items()) {
        if (k != "yellow_gap" && k != "red_gap") return Error::Validation(k, "unknown setting " + k, "unknown_field");
        std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
        auto d = Decimal::Parse(text);
        if (!d.ok() || d->Sign() < 0 || *d > Decimal::Int(100))
            return Error::Validation(k, k + " must be a number of percentage points from 0 to 100");
        (k == "yellow_gap" ? s.yellow_gap : s.red_gap) = *d;
    }
    if (s.red_gap < s.yellow_gap) return Error::Validation("red_gap", "red_gap must not be below yellow_gap");
    return s;
}

AlertSettings LoadAlertSettings(store::Conn& c) {
    AlertSettings s;
    auto v = store::GetSetting(c, "indicators.alerts");
    if (!v) return s;
    auto j = Json::parse(*v, nullptr, false);
    auto r = AlertSettings::FromJson(j.is_discarded() ? Json::object() : j, s);
    return r.ok() ? *r : s;
}

Result<Json> PatchSettings(store::WriteTx& tx, const Json& body) {
    auto s = AlertSettings::FromJson(body, LoadAlertSettings(tx.conn()));
    if (!s.ok()) return s.error();
    store::PutSetting(tx.conn(), "indicators.alerts", core::CanonicalJson(s->ToJson()));
    tx.Emit("indicator.settings", "indicator_settings", std::nullopt, s->ToJson());
    int year = core::LocalDate(tx.now_tp()).y;
    auto r = EvaluateAlerts(tx, year);
    if (!r.ok()) return r.error();
    return s->ToJson();
}

// ---------------------------------------------------------------- definitions
Json DefinitionToJson(const store::IndicatorDefRow& d) {
    return {{"id", d.id},
            {"code", d.code},
            {"name_zh", d.name_zh},
            {"name_en", d.name_en},
            {"aliases", d.aliases},
            {"unit", d.unit},
            {"scale", d.scale},
            {"periodicity", d.periodicity},
            {"jan_feb_combined", d.jan_feb_combined},
            {"additive", d.additive},
            {"price_basis", d.price_basis},
            {"comparable_growth", d.comparable_growth},
            {"higher_is_better", d.higher_is_better},
            {"owner_unit_id", d.owner_unit_id ? Json(*d.owner_unit_id) : Json(nullptr)},
            {"formula", OptStr(d.formula)},
            {"min", OptStr(d.min_value)},
            {"max", OptStr(d.max_value)},
            {"jump_share", OptStr(d.jump_share)},
            {"builtin", d.builtin},
            {"version", d.version}};
}

namespace {

Result<store::IndicatorDefRow> ApplyDefinition(store::Conn& c, const Json& body, store::IndicatorDefRow d, bool create) {
    if (!body.is_object()) return Error::Validation("", "the body must be a JSON object");
    static const std::set<std::string> keys = {"code", "name_zh", "name_en", "aliases", "unit", "scale", "periodicity",
                                               "jan_feb_combined", "additive", "price_basis", "comparable_growth",
                                               "higher_is_better", "owner_unit_id", "formula", "min", "max",
                                               "jump_share", "version", "seq"};
    for (auto& [k, v] : body.items())
        if (!keys.count(k)) return Error::Validation(k, "unknown field " + k, "unknown_field");
    auto str = [&](const char* k, std::string* out, size_t max_len) -> core::Status {
        if (!body.contains(k)) return core::Status();
        if (!body[k].is_string()) return Error::Validation(k, std::string(k) + " must be a string");
        std::string s = core::Trim(body[k].get<std::string>());
        if (!core::IsValidUtf8(s) || core::HasControlChars(s) || core::Utf8Length(s) > max_len)
            return Error::Validation(k, std::string(k) + " must be text of at most " + std::to_string(max_len) + " characters");
        *out = s;
        return core::Status();
    };
    auto boolean = [&](const char* k, bool* out) -> core::Status {
        if (!body.contains(k)) return core::Status();
        if (!body[k].is_boolean()) return Error::Validation(k, std::string(k) + " must be true or false");
        *out = body[k].get<bool>();
        return core::Status();
    };
    auto dec = [&](const char* k, std::optional<std::string>* out) -> core::Status {
        if (!body.contains(k)) return core::Status();
        if (body[k].is_null()) {
            *out = std::nullopt;
            return core::Status();
        }
        std::string t = body[k].is_string() ? body[k].get<std::string>() : body[k].is_number() ? body[k].dump() : "";
        auto p = Decimal::Parse(t);
        if (!p.ok()) return Error::Validation(k, std::string(k) + " must be a decimal number (as a string) or null");
        *out = p->ToString();
        return core::Status();
    };
    if (create) {
        if (auto s = str("code", &d.code, 32); !s) return s.error();
        if (!ValidCode(d.code)) return Error::Validation("code", "code must be 2-32 of A-Z, 0-9 and _, starting with a letter");
        if (store::FindIndicatorDefByCode(c, d.code)) return Error::Conflict("duplicate_code", "an indicator with code " + d.code + " exists", "code");
    } else if (body.contains("code") && (!body["code"].is_string() || body["code"].get<std::string>() != d.code)) {
        return Error::Validation("code", "the code of an indicator cannot change");
    }
    if (auto s = str("name_zh", &d.name_zh, 100); !s) return s.error();
    if (auto s = str("name_en", &d.name_en, 200); !s) return s.error();
    if (d.name_zh.empty()) return Error::Validation("name_zh", "name_zh is required", "required");
    if (body.contains("aliases")) {
        if (!body["aliases"].is_array()) return Error::Validation("aliases", "aliases must be a list of names");
        d.aliases.clear();
        for (auto& a : body["aliases"]) {
            if (!a.is_string() || core::Utf8Length(a.get<std::string>()) > 100) return Error::Validation("aliases", "aliases must be names of at most 100 characters");
            d.aliases.push_back(core::Trim(a.get<std::string>()));
        }
    }
    std::string unit = d.unit;
    if (auto s = str("unit", &unit, 10); !s) return s.error();
    if (!kUnits.count(unit)) return Error::Validation("unit", "unit must be one of 萬元, 億元, 億美元, 人, 家, 個, %");
    bool unit_changed = NormUnit(unit) != d.unit;
    d.unit = NormUnit(unit);
    if (body.contains("scale")) {
        if (!body["scale"].is_number_integer() || body["scale"].get<int64_t>() < 0 || body["scale"].get<int64_t>() > 6)
            return Error::Validation("scale", "scale (decimals shown) must be 0 to 6");
        d.scale = body["scale"].get<int64_t>();
    } else if (create || unit_changed) {
        d.scale = (d.unit == "人" || d.unit == "家" || d.unit == "個") ? 0 : (d.unit == "%" ? 1 : 2);
    }
    if (auto s = str("periodicity", &d.periodicity, 20); !s) return s.error();
    if (d.periodicity != "monthly" && d.periodicity != "quarterly" && d.periodicity != "annual")
        return Error::Validation("periodicity", "periodicity must be monthly, quarterly or annual");
    if (auto s = boolean("jan_feb_combined", &d.jan_feb_combined); !s) return s.error();
    if (auto s = boolean("additive", &d.additive); !s) return s.error();
    if (auto s = boolean("comparable_growth", &d.comparable_growth); !s) return s.error();
    if (auto s = boolean("higher_is_better", &d.higher_is_better); !s) return s.error();
    if (auto s = str("price_basis", &d.price_basis, 20); !s) return s.error();
    if (d.price_basis != "current" && d.price_basis != "comparable")
        return Error::Validation("price_basis", "price_basis must be current or comparable");
    if (body.contains("owner_unit_id")) {
        if (body["owner_unit_id"].is_null()) {
            d.owner_unit_id = std::nullopt;
        } else {
            if (!body["owner_unit_id"].is_number_integer()) return Error::Validation("owner_unit_id", "owner_unit_id must be an org unit id");
            int64_t id = body["owner_unit_id"].get<int64_t>();
            if (!store::FindOrg(c, id, core::Scope::All())) return Error::Validation("owner_unit_id", "org unit " + std::to_string(id) + " not found", "unknown_unit");
            d.owner_unit_id = id;
        }
    }
    if (body.contains("seq")) {
        if (!body["seq"].is_number_integer()) return Error::Validation("seq", "seq must be an integer");
        d.seq = body["seq"].get<int64_t>();
    }
    if (body.contains("formula")) {
        if (body["formula"].is_null() || (body["formula"].is_string() && core::Trim(body["formula"].get<std::string>()).empty())) {
            d.formula = std::nullopt;
        } else {
            if (!body["formula"].is_string()) return Error::Validation("formula", "formula must be a string or null", "bad_formula");
            std::string text = body["formula"].get<std::string>();
            auto defs = store::ListIndicatorDefs(c);
            std::string self = d.code;
            auto f = Formula::Parse(text, [&](const std::string& code) {
                if (code == self) return false;
                for (auto& x : defs)
                    if (x.code == code && !x.formula) return true;  // formulas of formulas: not allowed
                return false;
            });
            if (!f.ok()) return f.error();
            d.formula = core::Trim(text);
            d.additive = false;
        }
    }
    if (auto s = dec("min", &d.min_value); !s) return s.error();
    if (auto s = dec("max", &d.max_value); !s) return s.error();
    if (auto s = dec("jump_share", &d.jump_share); !s) return s.error();
    if (d.min_value && d.max_value && *Decimal::Parse(*d.max_value) < *Decimal::Parse(*d.min_value))
        return Error::Validation("max", "max must not be below min");
    if (d.jump_share && Decimal::Parse(*d.jump_share)->Sign() <= 0)
        return Error::Validation("jump_share", "jump_share must be positive (or null for no check)");
    return d;
}

}  // namespace

Result<Json> CreateDefinition(store::WriteTx& tx, const Json& body) {
    store::IndicatorDefRow d;
    d.jump_share = "0.5";
    d.created_at = d.updated_at = tx.now();
    if (!body.contains("code")) return Error::Validation("code", "code is required", "required");
    if (!body.contains("unit")) return Error::Validation("unit", "unit is required", "required");
    if (!body.contains("periodicity")) return Error::Validation("periodicity", "periodicity is required", "required");
    auto r = ApplyDefinition(tx.conn(), body, d, true);
    if (!r.ok()) return r.error();
    r->id = store::InsertIndicatorDef(tx.conn(), *r);
    auto j = DefinitionToJson(*store::FindIndicatorDef(tx.conn(), r->id));
    tx.Emit("indicator.defined", "indicator", r->id, j);
    return j;
}

Result<Json> PatchDefinition(store::WriteTx& tx, int64_t id, const Json& body) {
    auto d = store::FindIndicatorDef(tx.conn(), id);
    if (!d) return Error::NotFound("indicator", id);
    if (body.contains("version") && (!body["version"].is_number_integer() || body["version"].get<int64_t>() != d->version))
        return Error::Conflict("version_conflict", "the indicator was changed by someone else (version " + std::to_string(d->version) + ")", "version");
    auto r = ApplyDefinition(tx.conn(), body, *d, false);
    if (!r.ok()) return r.error();
    r->updated_at = tx.now();
    store::UpdateIndicatorDef(tx.conn(), *r);
    auto j = DefinitionToJson(*store::FindIndicatorDef(tx.conn(), id));
    tx.Emit("indicator.changed", "indicator", id, body);
    return j;
}

Json ListDefinitions(store::Conn& c) {
    Json items = Json::array();
    for (auto& d : store::ListIndicatorDefs(c)) items.push_back(DefinitionToJson(d));
    return {{"items", items}, {"total", items.size()}};
}

Result<Json> GetDefinition(store::Conn& c, int64_t id) {
    auto d = store::FindIndicatorDef(c, id);
    if (!d) return Error::NotFound("indicator", id);
    return DefinitionToJson(*d);
}

// ---------------------------------------------------------------- the checker
Checker::Checker(store::Conn& c, const Viewer& v) : c_(c), v_(v) {
    for (auto& d : store::ListIndicatorDefs(c)) defs_.push_back(d);
}

const store::IndicatorDefRow* Checker::Def(const std::string& code_or_name) const {
    std::string t = core::Trim(code_or_name);
    for (auto& d : defs_)
        if (d.code == t || d.name_zh == t || d.name_en == t) return &d;
    for (auto& d : defs_)
        for (auto& a : d.aliases)
            if (a == t) return &d;
    return nullptr;
}

const store::OrgUnit* Checker::Unit(int64_t id) {
    auto it = units_.find(id);
    if (it != units_.end()) return it->second ? &*it->second : nullptr;
    auto u = store::FindOrg(c_, id, core::Scope::All());
    auto& slot = units_[id];
    slot = u;
    return slot ? &*slot : nullptr;
}

const store::OrgUnit* Checker::UnitByCode(const std::string& code_or_name) {
    std::string t = core::Trim(code_or_name);
    auto it = unit_codes_.find(t);
    if (it != unit_codes_.end()) return it->second ? Unit(*it->second) : nullptr;
    std::optional<int64_t> id;
    if (auto u = store::FindOrgByCode(c_, t)) {
        id = u->id;
    } else {
        store::OrgFilter f;
        f.q = t;
        f.per_page = 50;
        for (auto& u : store::ListOrgs(c_, f, core::Scope::All()).first)
            if (u.name == t) id = u.id;
    }
    unit_codes_[t] = id;
    return id ? Unit(*id) : nullptr;
}

bool Checker::InScope(const store::OrgUnit& u) const { return v_.scope.Contains(u.path); }

std::map<int, Decimal>& Checker::Series(int64_t indicator_id, int64_t unit_id, int year) {
    auto key = std::make_tuple(indicator_id, unit_id, year);
    if (last_series_ && last_key_ == key) return *last_series_;  // files hold a series' rows together
    auto it = series_.find(key);
    if (it != series_.end()) {
        last_key_ = key;
        last_series_ = &it->second;
        return it->second;
    }
    // Load the whole (indicator, year) once: imports touch many units of the same indicator.
    auto ly = std::make_pair(indicator_id, year);
    if (!loaded_.count(ly)) {
        loaded_.insert(ly);
        store::ValueFilter f;
        f.indicator_id = indicator_id;
        f.year = year;
        for (auto& v : store::ListIndicatorValues(c_, f)) {
            series_[std::make_tuple(indicator_id, v.org_unit_id, year)][static_cast<int>(v.month)] = Dec(v.units, v.scale);
            rows_[std::make_tuple(indicator_id, v.org_unit_id, year, static_cast<int>(v.month))] = v;
        }
    }
    last_key_ = key;
    last_series_ = &series_[key];
    return *last_series_;
}

std::string HalfWidthNumber(const std::string& s) {
    // Full-width digits, point, signs and comma (U+FF10-FF19, FF0E, FF0D, FF0B, FF0C: EF BC xx in
    // UTF-8) and the ideographic space (U+3000: E3 80 80), as a Chinese input method types them.
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
        if (i + 2 < s.size() && b(i) == 0xEF && b(i + 1) == 0xBC) {
            const unsigned char c = b(i + 2);
            char ascii = 0;
            if (c >= 0x90 && c <= 0x99) ascii = static_cast<char>('0' + (c - 0x90));
            else if (c == 0x8E) ascii = '.';
            else if (c == 0x8D) ascii = '-';
            else if (c == 0x8B) ascii = '+';
            else if (c == 0x8C) ascii = ',';
            if (ascii) {
                out += ascii;
                i += 2;
                continue;
            }
        }
        if (i + 2 < s.size() && b(i) == 0xE3 && b(i + 1) == 0x80 && b(i + 2) == 0x80) {
            out += ' ';
            i += 2;
            continue;
        }
        out += s[i];
    }
    return out;
}

const store::IndicatorValueRow* Checker::Stored(int64_t indicator_id, int64_t unit_id, int year, int month) {
    Series(indicator_id, unit_id, year);
    auto it = rows_.find(std::make_tuple(indicator_id, unit_id, year, month));
    return it == rows_.end() ? nullptr : &it->second;
}

std::optional<FieldError> JumpProblem(const store::IndicatorDefRow& d, const std::map<int, Decimal>& s, int month) {
    if (!d.jump_share) return std::nullopt;
    auto share = Decimal::Parse(*d.jump_share);
    if (!share.ok()) return std::nullopt;
    auto cur = s.find(month);
    if (cur == s.end() || cur == s.begin()) return std::nullopt;
    auto p1 = std::prev(cur);
    Decimal prev_base = Decimal::Int(0);
    int p2m = 0;
    if (p1 != s.begin()) {
        auto p2 = std::prev(p1);
        prev_base = p2->second;
        p2m = p2->first;
    }
    // Period values per month: a = (cur - p1) / (m - p1m), b = (p1 - p2) / (p1m - p2m).
    Decimal a_num = cur->second - p1->second, b_num = p1->second - prev_base;
    Decimal ka = Decimal::Int(cur->first - p1->first), kb = Decimal::Int(p1->first - p2m);
    if (b_num.Sign() <= 0) return std::nullopt;
    // |a_num*kb - b_num*ka| > share * b_num * ka  <=>  |a - b| > share * b
    Decimal diff = a_num * kb - b_num * ka;
    if (diff.Sign() < 0) diff = -diff;
    if (diff > *share * b_num * ka) {
        auto a = Divide(a_num, ka, static_cast<int>(d.scale) + 2);
        auto b = Divide(b_num, kb, static_cast<int>(d.scale) + 2);
        auto g = GrowthPercent(a.ok() ? *a : a_num, b.ok() ? *b : b_num, 1);
        const std::string per_month = a.ok() ? a->ToString() : std::string("?"),
                          before = b.ok() ? b->ToString() : std::string("?"),
                          change = g.ok() ? (g->Sign() > 0 ? "+" : "") + g->ToString() : std::string("?");
        FieldError fe{"value",
                      "the figure implies " + per_month + " a month against " + before + " in the period before (" +
                          change + "%), beyond the jump share " + *d.jump_share + ": send confirm_jump: true if it is right",
                      "jump", ""};
        // Decimals as strings, as the API gives every figure.
        fe.details = core::CanonicalJson(core::Json{{"per_month", per_month}, {"before", before},
                                                    {"change_pct", change}, {"jump_share", *d.jump_share}});
        return fe;
    }
    return std::nullopt;
}

std::vector<FieldError> Checker::Check(const Entry& e, Checked* out) {
    std::vector<FieldError> errs;
    out->def = Def(e.indicator);
    if (!out->def) {
        errs.push_back({"indicator", "unknown indicator '" + e.indicator + "'"});
    } else if (out->def->formula) {
        errs.push_back({"indicator", out->def->code + " is a formula indicator: it is computed, not entered"});
        out->def = nullptr;
    }
    out->unit = e.unit_id ? Unit(*e.unit_id) : (!e.unit_code.empty() ? UnitByCode(e.unit_code) : nullptr);
    if (!out->unit || !out->unit->active) {
        errs.push_back({"unit", "unknown org unit '" + (e.unit_id ? std::to_string(*e.unit_id) : e.unit_code) + "'"});
        out->unit = nullptr;
    } else if (!InScope(*out->unit)) {
        errs.push_back({"unit", "org unit " + out->unit->name + " is outside your data scope"});
        out->unit = nullptr;
    }
    auto p = ParsePeriod(e.period);
    if (!p) {
        errs.push_back({"period", "period must be YYYY-MM, YYYY-Qn or YYYY (got '" + e.period + "')"});
    } else {
        out->year = p->first;
        out->month = p->second;
        if (out->def) {
            if (out->def->periodicity == "quarterly" && out->month % 3 != 0)
                errs.push_back({"period", out->def->code + " is quarterly: the period ends in March, June, September or December"});
            if (out->def->periodicity == "annual" && out->month != 12)
                errs.push_back({"period", out->def->code + " is annual: the period is the year (YYYY or YYYY-12)"});
            if (out->def->periodicity == "monthly" && out->def->jan_feb_combined && out->month == 1)
                errs.push_back({"period", out->def->code + " reports January and February together (1-2月): no January figure"});
        }
    }
    std::string vt = core::Trim(HalfWidthNumber(e.value));
    vt.erase(std::remove(vt.begin(), vt.end(), ','), vt.end());
    auto v = Decimal::Parse(vt);
    if (vt.empty()) {
        errs.push_back({"value", "value is required"});
    } else if (!v.ok() && v.error().message.ends_with("too many digits")) {
        errs.push_back({"value", "value '" + e.value + "' has too many digits for a figure"});
    } else if (!v.ok()) {
        errs.push_back({"value", "value must be a decimal number such as 13.08 (got '" + e.value + "')"});
    } else {
        out->value = *v;
        if (out->def) {
            if (v->scale() > out->def->scale + 4)
                errs.push_back({"value", "value has more than " + std::to_string(out->def->scale + 4) + " decimals for a figure in " + out->def->unit});
            if (out->def->min_value && *v < *Decimal::Parse(*out->def->min_value))
                errs.push_back({"value", "value " + v->ToString() + " is below the minimum " + *out->def->min_value});
            if (out->def->max_value && *v > *Decimal::Parse(*out->def->max_value))
                errs.push_back({"value", "value " + v->ToString() + " is above the maximum " + *out->def->max_value});
        }
    }
    out->growth.reset();
    if (!core::Trim(e.growth).empty()) {
        auto g = Decimal::Parse(core::Trim(HalfWidthNumber(e.growth)));
        if (!g.ok() || *g <= Decimal::Int(-100) || g->scale() > 4)
            errs.push_back({"growth", "growth must be a percentage above -100 such as 15.0 (got '" + e.growth + "')"});
        else
            out->growth = *g;
    }
    auto st = e.status.empty() ? std::optional<std::string>(default_status) : ParseStatus(e.status);
    if (!st)
        errs.push_back({"status", "status must be estimate (預計), preliminary (初步) or final (最終)"});
    else
        out->status = *st;
    if (errs.empty() && !e.confirm_jump) {
        auto& s = Series(out->def->id, out->unit->id, out->year);
        auto old = s.find(out->month);
        std::optional<Decimal> saved;
        if (old != s.end()) saved = old->second;
        s[out->month] = out->value;
        auto prob = JumpProblem(*out->def, s, out->month);
        if (prob) {  // else the entry stays: the caller notes or writes it next
            if (saved) s[out->month] = *saved;
            else s.erase(out->month);
        }
        if (prob) errs.push_back(std::move(*prob));
    }
    return errs;
}

void Checker::Flush(store::Conn& c) {
    if (!pending_.empty()) store::InsertIndicatorValues(c, pending_);
    pending_.clear();
}

void Checker::Note(const Checked& k) { Series(k.def->id, k.unit->id, k.year)[k.month] = k.value; }

Result<WriteOutcome> Checker::Write(store::WriteTx& tx, const Checked& k, const std::string& source,
                                    const std::string& note, bool emit) {
    auto& c = tx.conn();
    const store::IndicatorValueRow* old = Stored(k.def->id, k.unit->id, k.year, k.month);
    store::IndicatorValueRow row;
    WriteOutcome out;
    if (old) {
        row = *old;
        bool same = Dec(row.units, row.scale) == k.value && Dec(row.units, row.scale).scale() == k.value.scale() &&
                    row.status == k.status && Growth(row) == k.growth;
        if (same) {
            out.row = row;
            return out;
        }
        row.revision += 1;
    } else {
        row.indicator_id = k.def->id;
        row.org_unit_id = k.unit->id;
        row.year = k.year;
        row.month = k.month;
        row.revision = 1;
        out.created = true;
    }
    row.units = k.value.units();
    row.scale = k.value.scale();
    if (k.growth) {
        row.growth_units = k.growth->units();
        row.growth_scale = k.growth->scale();
    } else {
        row.growth_units.reset();
        row.growth_scale.reset();
    }
    row.status = k.status;
    row.source = source;
    row.updated_at = tx.now();
    row.updated_by = v_.name;
    row.note = note;
    if (old) {
        // The superseded revision moves to indicator_revisions; the row holds the latest.
        if (!next_rev_id_) next_rev_id_ = c.Query("SELECT COALESCE(MAX(id), 0) + 1 FROM indicator_revisions")[0].Int(0);
        store::IndicatorRevisionRow rev;
        rev.id = next_rev_id_++;
        rev.value_id = old->id;
        rev.revision = old->revision;
        rev.units = old->units;
        rev.scale = old->scale;
        rev.growth_units = old->growth_units;
        rev.growth_scale = old->growth_scale;
        rev.status = old->status;
        rev.source = old->source;
        rev.note = old->note;
        rev.at = old->updated_at;
        rev.by_name = old->updated_by;
        store::InsertIndicatorRevision(c, rev);
        store::UpdateIndicatorValue(c, row);
        rows_[std::make_tuple(k.def->id, k.unit->id, k.year, k.month)] = row;
    } else {
        if (!next_value_id_) next_value_id_ = c.Query("SELECT COALESCE(MAX(id), 0) + 1 FROM indicator_values")[0].Int(0);
        row.id = next_value_id_++;
        if (batch_) {
            // Imports: no event, no copy of the row back (the caller counts changes only).
            Series(k.def->id, k.unit->id, k.year)[k.month] = k.value;
            pending_.push_back(std::move(row));
            if (pending_.size() >= 1000) Flush(c);
            out.changed = true;
            return out;
        } else {
            store::InsertIndicatorValue(c, row);
            rows_[std::make_tuple(k.def->id, k.unit->id, k.year, k.month)] = row;
        }
    }
    Series(k.def->id, k.unit->id, k.year)[k.month] = k.value;
    out.changed = true;
    out.row = row;
    if (emit)
        tx.Emit("indicator.value", "indicator_value", row.id,
                {{"indicator", k.def->code}, {"unit_id", k.unit->id}, {"period", FormatPeriod(k.year, k.month)},
                 {"value", k.value.ToString()}, {"growth", OptStr(k.growth)}, {"status", k.status},
                 {"revision", row.revision}, {"source", source}});
    return out;
}

// ---------------------------------------------------------------- alerts
AlertEval EvaluateAlert(const store::IndicatorDefRow& d, const Decimal& ytd, std::optional<Decimal> growth,
                        std::optional<Decimal> last_year_ytd, std::optional<Decimal> target, int progress_months,
                        const AlertSettings& s) {
    AlertEval e;
    if (d.comparable_growth && growth)
        e.yoy = growth->Rescale(1);
    else if (last_year_ytd)
        e.yoy = Ok(YearOnYearPercent(ytd, *last_year_ytd, 1));
    if (target && progress_months > 0)
        e.gap = Ok(ScheduleGapPoints(ytd, *target, TimeProgress::Months(std::min(progress_months, 12)), 1));
    if (!d.higher_is_better) return e;  // alerts watch figures that should grow
    int level = 0;
    if (e.gap) {
        auto exact = ScheduleGapPoints(ytd, *target, TimeProgress::Months(std::min(progress_months, 12)), 6);
        if (exact.ok() && *exact < -s.red_gap) level = 2;
        else if (exact.ok() && *exact < -s.yellow_gap) level = 1;
        if (level) e.reasons.push_back("behind_schedule");
    }
    if (e.yoy && e.yoy->Sign() < 0) {
        e.reasons.push_back("negative_growth");
        level = level >= 1 ? 2 : 1;
    }
    e.level = level == 2 ? "red" : level == 1 ? "yellow" : "green";
    return e;
}

int ProgressMonths(int value_month, int year, core::TimePoint now, int period_months) {
    auto today = core::LocalDate(now);
    int completed = (today.y - year) * 12 + today.m - 1;  // months of `year` finished (may exceed 12)
    // A period's figures come out during the next month: a figure not updated is measured
    // against the last period whose figure is due, with one month's grace (December's figure is
    // due in January). A quarterly figure is due for a quarter, not a month: on 1 December the
    // third quarter's is the latest there can be.
    const int step = std::max(period_months, 1);
    int due = completed - 1;
    due -= ((due % step) + step) % step;  // down to the end of a period
    return std::clamp(std::max(value_month, due), 0, 12);
}

int PeriodMonths(const std::string& periodicity) {
    return periodicity == "quarterly" ? 3 : periodicity == "annual" ? 12 : 1;
}

Result<int> EvaluateSeriesAlert(store::WriteTx& tx, const store::IndicatorDefRow& d, int64_t unit_id, int year,
                                const AlertSettings& s) {
    auto& c = tx.conn();
    store::ValueFilter f;
    f.indicator_id = d.id;
    f.org_unit_id = unit_id;
    f.from_ym = (year - 1) * 100 + 1;
    f.to_ym = year * 100 + 12;
    auto vals = store::ListIndicatorValues(c, f);
    const store::IndicatorValueRow* latest = nullptr;
    for (auto& v : vals)
        if (v.year == year) latest = &v;
    store::IndicatorAlertRow a;
    a.indicator_id = d.id;
    a.org_unit_id = unit_id;
    a.year = year;
    a.level = "green";
    if (latest) {
        std::optional<Decimal> ly;
        for (auto& v : vals)
            if (v.year == year - 1 && v.month == latest->month) ly = Dec(v.units, v.scale);
        std::optional<Decimal> target;
        auto ts = store::ListIndicatorTargets(c, d.id, unit_id, year);
        if (!ts.empty()) target = *Decimal::Parse(ts[0].value);
        int pm = ProgressMonths(static_cast<int>(latest->month), year, tx.now_tp(), PeriodMonths(d.periodicity));
        auto e = EvaluateAlert(d, Dec(latest->units, latest->scale), Growth(*latest), ly, target, pm, s);
        a.month = latest->month;
        a.level = e.level;
        a.reasons = e.reasons;
        if (e.gap) a.gap = e.gap->ToString();
        if (e.yoy) a.yoy = e.yoy->ToString();
    }
    auto old = store::FindIndicatorAlert(c, d.id, unit_id, year);
    std::string old_level = old ? old->level : "green";
    bool same = old_level == a.level && (!old || (old->reasons == a.reasons && old->gap == a.gap && old->yoy == a.yoy && old->month == a.month));
    if (same) return 0;
    a.raised_at = old && old->level == a.level ? old->raised_at : tx.now();
    store::PutIndicatorAlert(c, a);
    if (old_level != a.level) {
        tx.Emit("indicator.alert", "indicator", d.id,
                {{"indicator", d.code}, {"unit_id", unit_id}, {"year", year}, {"period", FormatPeriod(year, static_cast<int>(a.month))},
                 {"level", a.level}, {"was", old_level}, {"reasons", a.reasons}, {"gap", OptStr(a.gap)}, {"yoy", OptStr(a.yoy)}});
        return 1;
    }
    return 0;
}

Result<Json> EvaluateAlerts(store::WriteTx& tx, int year) {
    auto& c = tx.conn();
    auto s = LoadAlertSettings(c);
    std::set<std::pair<int64_t, int64_t>> series;
    for (auto& r : c.Query("SELECT DISTINCT indicator_id, org_unit_id FROM indicator_values WHERE year = ?", {int64_t(year)}))
        series.insert({r.Int(0), r.Int(1)});
    for (auto& a : store::ListIndicatorAlerts(c, year)) series.insert({a.indicator_id, a.org_unit_id});
    std::map<int64_t, store::IndicatorDefRow> defs;
    for (auto& d : store::ListIndicatorDefs(c)) defs[d.id] = d;
    int changed = 0;
    for (auto& [ind, unit] : series) {
        auto it = defs.find(ind);
        if (it == defs.end()) continue;
        auto r = EvaluateSeriesAlert(tx, it->second, unit, year, s);
        if (!r.ok()) return r.error();
        changed += *r;
    }
    return Json{{"year", year}, {"evaluated", series.size()}, {"changed", changed}};
}

// ---------------------------------------------------------------- values
namespace {

Result<std::string> StrField(const Json& b, const char* k, bool required) {
    if (!b.contains(k) || b[k].is_null()) {
        if (required) return Error::Validation(k, std::string(k) + " is required", "required");
        return std::string();
    }
    if (b[k].is_string()) return b[k].get<std::string>();
    if (b[k].is_number()) return b[k].dump();
    return Error::Validation(k, std::string(k) + " must be a string");
}

}  // namespace

Json ValueToJson(const store::IndicatorValueRow& v, const store::IndicatorDefRow& d, const std::string& unit_name,
                 const std::map<int, Decimal>* series, std::optional<Decimal> last_year) {
    Decimal val = Dec(v.units, v.scale);
    Json month_value = nullptr;
    if (series && d.periodicity == "monthly") {
        auto it = series->find(static_cast<int>(v.month));
        if (it != series->end()) {
            if (it == series->begin()) {
                if (v.month == 1 || (v.month == 2 && d.jan_feb_combined)) month_value = val.ToString();
            } else if (std::prev(it)->first == v.month - 1) {
                month_value = (val - std::prev(it)->second).ToString();
            }
        }
    }
    std::optional<Decimal> yoy;
    if (d.comparable_growth && v.growth_units) yoy = Growth(v)->Rescale(1);
    else if (last_year) yoy = Ok(YearOnYearPercent(val, *last_year, 1));
    return {{"id", v.id},
            {"indicator", d.code},
            {"unit_id", v.org_unit_id},
            {"unit_name", unit_name},
            {"period", FormatPeriod(static_cast<int>(v.year), static_cast<int>(v.month))},
            {"value", val.ToString()},
            {"month_value", month_value},
            {"growth", OptStr(Growth(v))},
            {"yoy", OptStr(yoy)},
            {"status", v.status},
            {"source", v.source},
            {"revision", v.revision},
            {"updated_at", v.updated_at},
            {"updated_by", v.updated_by}};
}

Result<Json> PutValue(store::WriteTx& tx, const Json& body, const Viewer& v) {
    if (!body.is_object()) return Error::Validation("", "the body must be a JSON object");
    static const std::set<std::string> keys = {"indicator", "unit_id", "period", "value", "status", "growth", "note", "confirm_jump", "source"};
    for (auto& [k, x] : body.items())
        if (!keys.count(k)) return Error::Validation(k, "unknown field " + k, "unknown_field");
    Entry e;
    auto ind = StrField(body, "indicator", true);
    if (!ind.ok()) return ind.error();
    e.indicator = *ind;
    if (!body.contains("unit_id") || !body["unit_id"].is_number_integer())
        return Error::Validation("unit_id", "unit_id (an org unit id) is required", "required");
    e.unit_id = body["unit_id"].get<int64_t>();
    auto per = StrField(body, "period", true);
    if (!per.ok()) return per.error();
    e.period = *per;
    auto val = StrField(body, "value", true);
    if (!val.ok()) return val.error();
    e.value = *val;
    auto st = StrField(body, "status", false);
    if (!st.ok()) return st.error();
    e.status = *st;
    auto g = StrField(body, "growth", false);
    if (!g.ok()) return g.error();
    e.growth = *g;
    auto note = StrField(body, "note", false);
    if (!note.ok()) return note.error();
    if (core::Utf8Length(*note) > 500) return Error::Validation("note", "note has at most 500 characters");
    auto source = StrField(body, "source", false);
    if (!source.ok()) return source.error();
    if (body.contains("confirm_jump")) {
        if (!body["confirm_jump"].is_boolean()) return Error::Validation("confirm_jump", "confirm_jump must be true or false");
        e.confirm_jump = body["confirm_jump"].get<bool>();
    }
    Checker ck(tx.conn(), v);
    Checked k;
    auto errs = ck.Check(e, &k);
    if (!errs.empty()) {
        auto& f = errs[0];
        std::string field = f.field == "unit" ? "unit_id" : f.field;
        if (f.field == "unit" && f.message.find("outside") != std::string::npos) return Error::NotFoundMsg(f.message);
        Error err = Error::Validation(field, f.message, f.code.empty() ? "invalid_field" : f.code);
        err.details = f.details;
        return err;
    }
    std::string src = source->empty() ? "manual" : core::Utf8Prefix(*source, 100);
    auto w = ck.Write(tx, k, src, *note, true);
    if (!w.ok()) return w.error();
    auto r = EvaluateSeriesAlert(tx, *k.def, k.unit->id, k.year, LoadAlertSettings(tx.conn()));
    if (!r.ok()) return r.error();
    auto& s = ck.Series(k.def->id, k.unit->id, k.year);
    auto ly = store::FindIndicatorValueAt(tx.conn(), k.def->id, k.unit->id, k.year - 1, k.month);
    Json j = ValueToJson(w->row, *k.def, k.unit->name, &s, ly ? std::optional<Decimal>(Dec(ly->units, ly->scale)) : std::nullopt);
    j["changed"] = w->changed;
    j["_status"] = w->created ? 201 : 200;
    return j;
}

Result<Json> ListValues(store::Conn& c, const ValueQuery& q, const Viewer& v) {
    store::ValueFilter f;
    std::map<int64_t, store::IndicatorDefRow> defs;
    for (auto& d : store::ListIndicatorDefs(c)) defs[d.id] = d;
    const store::IndicatorDefRow* only = nullptr;
    if (!q.indicator.empty()) {
        for (auto& [id, d] : defs)
            if (d.code == q.indicator) only = &d;
        if (!only) return Error::NotFoundMsg("indicator " + q.indicator + " not found");
        f.indicator_id = only->id;
    }
    if (q.unit_id) {
        if (!store::FindOrg(c, *q.unit_id, v.scope)) return Error::NotFound("org unit", *q.unit_id);
        f.org_unit_id = q.unit_id;
    }
    if (q.year) f.year = q.year;
    if (q.from) f.from_ym = q.from->first * 100 + q.from->second;
    if (q.to) f.to_ym = q.to->first * 100 + q.to->second;
    f.status = q.status;
    Json items = Json::array();
    if (only && only->formula) {
        // Computed: the referenced indicators' values of the same unit and period.
        auto formula = Formula::Parse(*only->formula, [](const std::string&) { return true; });
        if (!formula.ok()) return formula.error();
        std::map<std::tuple<int64_t, int64_t, int64_t>, std::map<std::string, Decimal>> by;
        for (auto& code : formula->refs()) {
            store::ValueFilter g = f;
            g.indicator_id.reset();
            for (auto& [id, d] : defs)
                if (d.code == code) g.indicator_id = id;
            if (!g.indicator_id) continue;
            g.status.clear();
            for (auto& r : store::ListIndicatorValues(c, g)) by[{r.org_unit_id, r.year, r.month}][code] = Dec(r.units, r.scale);
        }
        std::map<int64_t, std::optional<store::OrgUnit>> units;
        for (auto& [key, vals] : by) {
            auto [unit, y, m] = key;
            if (!units.count(unit)) units[unit] = store::FindOrg(c, unit, v.scope);
            if (!units[unit]) continue;
            auto r = formula->Eval([&](const std::string& code) -> std::optional<Decimal> {
                auto it = vals.find(code);
                return it == vals.end() ? std::nullopt : std::optional<Decimal>(it->second);
            }, static_cast<int>(only->scale));
            if (!r) continue;
            items.push_back({{"id", nullptr}, {"indicator", only->code}, {"unit_id", unit}, {"unit_name", units[unit]->name},
                             {"period", FormatPeriod(static_cast<int>(y), static_cast<int>(m))}, {"value", r->ToString()},
                             {"month_value", nullptr}, {"growth", nullptr}, {"yoy", nullptr}, {"status", "computed"},
                             {"source", "formula"}, {"revision", 0}, {"updated_at", nullptr}, {"updated_by", nullptr}});
        }
        return Json{{"items", items}, {"total", items.size()}};
    }
    auto rows = store::ListIndicatorValues(c, f);
    // Series for 本月 and last year's figures for 同比.
    std::map<std::tuple<int64_t, int64_t, int64_t>, std::map<int, Decimal>> series;
    store::ValueFilter g;
    g.indicator_id = f.indicator_id;
    g.org_unit_id = f.org_unit_id;
    if (q.year) {
        g.from_ym = (*q.year - 1) * 100 + 1;
        g.to_ym = *q.year * 100 + 12;
    } else {
        if (q.from) g.from_ym = (q.from->first - 1) * 100 + 1;
        if (q.to) g.to_ym = q.to->first * 100 + 12;
    }
    for (auto& r : store::ListIndicatorValues(c, g)) series[{r.indicator_id, r.org_unit_id, r.year}][static_cast<int>(r.month)] = Dec(r.units, r.scale);
    std::map<int64_t, std::optional<store::OrgUnit>> units;
    for (auto& r : rows) {
        if (!units.count(r.org_unit_id)) units[r.org_unit_id] = store::FindOrg(c, r.org_unit_id, v.scope);
        auto& u = units[r.org_unit_id];
        if (!u) continue;
        auto& s = series[{r.indicator_id, r.org_unit_id, r.year}];
        std::optional<Decimal> ly;
        auto lit = series.find({r.indicator_id, r.org_unit_id, r.year - 1});
        if (lit != series.end()) {
            auto m = lit->second.find(static_cast<int>(r.month));
            if (m != lit->second.end()) ly = m->second;
        }
        items.push_back(ValueToJson(r, defs[r.indicator_id], u->name, &s, ly));
    }
    return Json{{"items", items}, {"total", items.size()}};
}

Result<Json> ValueHistory(store::Conn& c, int64_t id, const Viewer& v) {
    auto row = store::FindIndicatorValue(c, id);
    if (!row) return Error::NotFound("indicator value", id);
    auto u = store::FindOrg(c, row->org_unit_id, v.scope);
    if (!u) return Error::NotFound("indicator value", id);
    auto d = store::FindIndicatorDef(c, row->indicator_id);
    Json revs = Json::array();
    revs.push_back({{"revision", row->revision}, {"value", Dec(row->units, row->scale).ToString()}, {"growth", OptStr(Growth(*row))},
                    {"status", row->status}, {"source", row->source}, {"note", row->note}, {"at", row->updated_at},
                    {"by", row->updated_by}});
    for (auto& r : store::ListIndicatorRevisions(c, id)) {
        std::optional<Decimal> g;
        if (r.growth_units) g = Dec(*r.growth_units, r.growth_scale.value_or(0));
        revs.push_back({{"revision", r.revision}, {"value", Dec(r.units, r.scale).ToString()}, {"growth", OptStr(g)},
                        {"status", r.status}, {"source", r.source}, {"note", r.note}, {"at", r.at}, {"by", r.by_name}});
    }
    return Json{{"value", ValueToJson(*row, *d, u->name, nullptr, std::nullopt)}, {"revisions", revs}};
}

// ---------------------------------------------------------------- targets
namespace {

Json TargetToJson(const store::IndicatorTargetRow& t, const std::string& code, const std::string& unit_name) {
    return {{"id", t.id}, {"indicator", code}, {"unit_id", t.org_unit_id}, {"unit_name", unit_name}, {"year", t.year},
            {"value", t.value}, {"exact", t.exact}, {"growth_percent", OptStr(t.growth_percent)}, {"base", OptStr(t.base)}};
}

std::string TrimZeros(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::optional<Decimal> AnnualActual(store::Conn& c, int64_t ind, int64_t unit, int year) {
    auto v = store::FindIndicatorValueAt(c, ind, unit, year, 12);
    if (!v) return std::nullopt;
    return Dec(v->units, v->scale);
}

Result<int> YearField(const Json& b) {
    if (!b.contains("year") || !b["year"].is_number_integer()) return Error::Validation("year", "year is required (2000-2100)", "required");
    int64_t y = b["year"].get<int64_t>();
    if (y < 2000 || y > 2100) return Error::Validation("year", "year must be from 2000 to 2100");
    return static_cast<int>(y);
}

}  // namespace

Result<Json> SetTarget(store::WriteTx& tx, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    if (!body.is_object()) return Error::Validation("", "the body must be a JSON object");
    for (auto& [k, x] : body.items())
        if (k != "indicator" && k != "unit_id" && k != "year" && k != "value" && k != "growth_percent")
            return Error::Validation(k, "unknown field " + k, "unknown_field");
    auto code = StrField(body, "indicator", true);
    if (!code.ok()) return code.error();
    auto d = store::FindIndicatorDefByCode(c, *code);
    if (!d) return Error::Validation("indicator", "unknown indicator " + *code, "unknown_indicator");
    if (!body.contains("unit_id") || !body["unit_id"].is_number_integer()) return Error::Validation("unit_id", "unit_id is required", "required");
    int64_t unit_id = body["unit_id"].get<int64_t>();
    auto u = store::FindOrg(c, unit_id, v.scope);
    if (!u) return Error::NotFound("org unit", unit_id);
    auto year = YearField(body);
    if (!year.ok()) return year.error();
    auto val = StrField(body, "value", false);
    if (!val.ok()) return val.error();
    auto gp = StrField(body, "growth_percent", false);
    if (!gp.ok()) return gp.error();
    if (val->empty() == gp->empty()) return Error::Validation("value", "give either value (absolute) or growth_percent", "required");
    store::IndicatorTargetRow t;
    t.indicator_id = d->id;
    t.org_unit_id = unit_id;
    t.year = *year;
    t.updated_at = tx.now();
    if (!val->empty()) {
        auto x = Decimal::Parse(*val);
        if (!x.ok() || x->Sign() <= 0) return Error::Validation("value", "value must be a positive decimal number");
        t.exact = x->ToString();
        t.value = x->Rescale(std::max(static_cast<int>(d->scale), x->scale())).ToString();
    } else {
        auto g = Decimal::Parse(*gp);
        if (!g.ok() || *g <= Decimal::Int(-100)) return Error::Validation("growth_percent", "growth_percent must be a percentage above -100");
        auto base = AnnualActual(c, d->id, unit_id, *year - 1);
        if (!base) return Error::Validation("growth_percent", "no actual for " + std::to_string(*year - 1) + " (period " + std::to_string(*year - 1) + "-12) to apply the growth to", "no_base");
        Decimal exact = TargetFromGrowth(*base, *g, base->scale() + g->scale() + 2);
        t.exact = TrimZeros(exact.ToString());
        t.value = TargetFromGrowth(*base, *g, static_cast<int>(d->scale)).ToString();
        t.growth_percent = g->ToString();
        t.base = base->ToString();
    }
    t.id = store::UpsertIndicatorTarget(c, t);
    Json j = TargetToJson(t, d->code, u->name);
    tx.Emit("indicator.target", "indicator", d->id, j);
    auto r = EvaluateSeriesAlert(tx, *d, unit_id, *year, LoadAlertSettings(c));
    if (!r.ok()) return r.error();
    return j;
}

Result<Json> CheckTargets(store::Conn& c, const std::string& indicator, int year, int64_t parent_unit_id, const Viewer& v) {
    auto d = store::FindIndicatorDefByCode(c, indicator);
    if (!d) return Error::NotFoundMsg("indicator " + indicator + " not found");
    auto parent = store::FindOrg(c, parent_unit_id, v.scope);
    if (!parent) return Error::NotFound("org unit", parent_unit_id);
    store::OrgFilter f;
    f.parent_id = parent_unit_id;
    f.active = true;
    f.per_page = 500;
    auto children = store::ListOrgs(c, f, core::Scope::All()).first;
    std::map<int64_t, store::IndicatorTargetRow> targets;
    for (auto& t : store::ListIndicatorTargets(c, d->id, std::nullopt, year)) targets[t.org_unit_id] = t;
    Json missing = Json::array();
    Decimal sum;
    bool any_child = false;
    for (auto& ch : children) {
        if (ch.kind == "department") continue;
        auto it = targets.find(ch.id);
        if (it == targets.end()) {
            missing.push_back(ch.id);
            continue;
        }
        any_child = true;
        sum = sum + *Decimal::Parse(it->second.value);
    }
    Json out = {{"indicator", d->code}, {"year", year}, {"parent_unit_id", parent_unit_id}, {"additive", d->additive},
                {"missing", missing}, {"children_sum", any_child ? Json(sum.Rescale(static_cast<int>(d->scale)).ToString()) : Json(nullptr)}};
    auto pt = targets.find(parent_unit_id);
    if (pt == targets.end()) {
        out["parent"] = nullptr;
        out["difference"] = nullptr;
        out["ok"] = d->additive ? Json(false) : Json(nullptr);
        return out;
    }
    Decimal p = *Decimal::Parse(pt->second.value);
    Decimal diff = (p - sum).Rescale(static_cast<int>(d->scale));
    out["parent"] = pt->second.value;
    out["difference"] = diff.ToString();
    out["ok"] = d->additive ? Json(diff.IsZero() && missing.empty()) : Json(nullptr);
    return out;
}

Result<Json> SplitTarget(store::WriteTx& tx, const Json& body, const Viewer& v) {
    auto& c = tx.conn();
    if (!body.is_object()) return Error::Validation("", "the body must be a JSON object");
    for (auto& [k, x] : body.items())
        if (k != "indicator" && k != "year" && k != "parent_unit_id" && k != "shares" && k != "by")
            return Error::Validation(k, "unknown field " + k, "unknown_field");
    auto code = StrField(body, "indicator", true);
    if (!code.ok()) return code.error();
    auto d = store::FindIndicatorDefByCode(c, *code);
    if (!d) return Error::Validation("indicator", "unknown indicator " + *code, "unknown_indicator");
    auto year = YearField(body);
    if (!year.ok()) return year.error();
    if (!body.contains("parent_unit_id") || !body["parent_unit_id"].is_number_integer())
        return Error::Validation("parent_unit_id", "parent_unit_id is required", "required");
    int64_t pid = body["parent_unit_id"].get<int64_t>();
    auto parent = store::FindOrg(c, pid, v.scope);
    if (!parent) return Error::NotFound("org unit", pid);
    std::vector<std::pair<int64_t, Decimal>> shares;
    if (body.contains("shares")) {
        if (!body["shares"].is_array() || body["shares"].empty()) return Error::Validation("shares", "shares must be a list of {unit_id, value}");
        int i = 0;
        for (auto& s : body["shares"]) {
            std::string field = "shares[" + std::to_string(i++) + "]";
            if (!s.is_object() || !s.contains("unit_id") || !s["unit_id"].is_number_integer())
                return Error::Validation(field + ".unit_id", "unit_id is required");
            int64_t uid = s["unit_id"].get<int64_t>();
            auto u = store::FindOrg(c, uid, v.scope);
            if (!u || u->parent_id != pid) return Error::Validation(field + ".unit_id", "org unit " + std::to_string(uid) + " is not a unit under " + parent->name + " in your scope");
            auto val = StrField(s, "value", true);
            if (!val.ok()) return Error::Validation(field + ".value", val.error().message);
            auto x = Decimal::Parse(*val);
            if (!x.ok() || x->Sign() < 0) return Error::Validation(field + ".value", "value must be a non-negative decimal number");
            shares.push_back({uid, *x});
        }
    } else if (body.value("by", "") == "last_year") {
        auto targets = store::ListIndicatorTargets(c, d->id, pid, *year);
        if (targets.empty()) return Error::Validation("parent_unit_id", parent->name + " has no " + std::to_string(*year) + " target to split", "no_target");
        Decimal total = *Decimal::Parse(targets[0].value);
        store::OrgFilter f;
        f.parent_id = pid;
        f.active = true;
        f.per_page = 500;
        std::vector<std::pair<int64_t, Decimal>> actual;
        Decimal sum;
        for (auto& ch : store::ListOrgs(c, f, core::Scope::All()).first) {
            if (ch.kind == "department") continue;
            auto a = AnnualActual(c, d->id, ch.id, *year - 1);
            if (!a) return Error::Validation("by", ch.name + " has no " + std::to_string(*year - 1) + " actual to split by", "no_base");
            actual.push_back({ch.id, *a});
            sum = sum + *a;
        }
        if (actual.empty() || sum.Sign() <= 0) return Error::Validation("by", "no last-year actuals to split by", "no_base");
        Decimal given;
        size_t largest = 0;
        for (size_t i = 0; i < actual.size(); ++i) {
            auto q = Divide(total * actual[i].second, sum, static_cast<int>(d->scale));
            shares.push_back({actual[i].first, *q});
            given = given + *q;
            if (actual[i].second > actual[largest].second) largest = i;
        }
        shares[largest].second = shares[largest].second + (total - given);  // rounding remainder
    } else {
        return Error::Validation("shares", "give shares: [{unit_id, value}] or by: \"last_year\"", "required");
    }
    Json out = Json::array();
    for (auto& [uid, val] : shares) {
        store::IndicatorTargetRow t;
        t.indicator_id = d->id;
        t.org_unit_id = uid;
        t.year = *year;
        t.exact = val.ToString();
        t.value = val.Rescale(std::max(static_cast<int>(d->scale), val.scale())).ToString();
        t.updated_at = tx.now();
        t.id = store::UpsertIndicatorTarget(c, t);
        out.push_back(TargetToJson(t, d->code, store::FindOrg(c, uid, core::Scope::All())->name));
        auto r = EvaluateSeriesAlert(tx, *d, uid, *year, LoadAlertSettings(c));
        if (!r.ok()) return r.error();
    }
    auto check = CheckTargets(c, d->code, *year, pid, v);
    if (!check.ok()) return check.error();
    tx.Emit("indicator.target_split", "indicator", d->id, {{"year", *year}, {"parent_unit_id", pid}, {"targets", out}, {"check", *check}});
    return Json{{"targets", out}, {"check", *check}};
}

Result<Json> ListTargets(store::Conn& c, const std::string& indicator, std::optional<int64_t> unit_id,
                         std::optional<int64_t> year, const Viewer& v) {
    std::map<int64_t, std::string> codes;
    std::optional<int64_t> ind;
    for (auto& d : store::ListIndicatorDefs(c)) {
        codes[d.id] = d.code;
        if (d.code == indicator) ind = d.id;
    }
    if (!indicator.empty() && !ind) return Error::NotFoundMsg("indicator " + indicator + " not found");
    Json items = Json::array();
    std::map<int64_t, std::optional<store::OrgUnit>> units;
    for (auto& t : store::ListIndicatorTargets(c, ind, unit_id, year)) {
        if (!units.count(t.org_unit_id)) units[t.org_unit_id] = store::FindOrg(c, t.org_unit_id, v.scope);
        if (!units[t.org_unit_id]) continue;
        items.push_back(TargetToJson(t, codes[t.indicator_id], units[t.org_unit_id]->name));
    }
    return Json{{"items", items}, {"total", items.size()}};
}

Result<Json> ListAlerts(store::Conn& c, std::optional<int64_t> year, const std::string& level,
                        const std::string& indicator, std::optional<int64_t> unit_id, const Viewer& v) {
    std::map<int64_t, std::string> codes;
    for (auto& d : store::ListIndicatorDefs(c)) codes[d.id] = d.code;
    Json items = Json::array();
    std::map<int64_t, std::optional<store::OrgUnit>> units;
    for (auto& a : store::ListIndicatorAlerts(c, year)) {
        if (!level.empty() && a.level != level) continue;
        if (!indicator.empty() && codes[a.indicator_id] != indicator) continue;
        if (unit_id && a.org_unit_id != *unit_id) continue;
        if (!units.count(a.org_unit_id)) units[a.org_unit_id] = store::FindOrg(c, a.org_unit_id, v.scope);
        if (!units[a.org_unit_id]) continue;
        items.push_back({{"indicator", codes[a.indicator_id]}, {"unit_id", a.org_unit_id}, {"unit_name", units[a.org_unit_id]->name},
                         {"year", a.year}, {"period", FormatPeriod(static_cast<int>(a.year), static_cast<int>(a.month))},
                         {"level", a.level}, {"reasons", a.reasons}, {"gap", OptStr(a.gap)}, {"yoy", OptStr(a.yoy)},
                         {"raised_at", a.raised_at}});
    }
    return Json{{"items", items}, {"total", items.size()}};
}

}  // namespace duban::indicators
