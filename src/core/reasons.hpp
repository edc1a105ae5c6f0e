#pragma once
/// Why a light is yellow or red, kept as data: an array of {"code", ...figures}, which the client
/// words in its user's language and the server in the seed's words (events, exports). A light_reason
/// column holds the array's canonical JSON ("" when there is none), or the prose an older version
/// wrote there. Each engine has its codes and their words; this is what they share.
#include <functional>
#include <string>

#include "core/core.hpp"

namespace duban::core::reasons {

/// A reason's text field, or "".
inline std::string Str(const Json& r, const char* key) {
    return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : std::string();
}
/// A reason's whole-number field as text, or "?".
inline std::string Num(const Json& r, const char* key) {
    return r.contains(key) && r[key].is_number_integer() ? std::to_string(r[key].get<int64_t>()) : std::string("?");
}

/// As a light_reason column holds them.
inline std::string ToStored(const Json& reasons) { return reasons.empty() ? std::string() : CanonicalJson(reasons); }

/// A stored light_reason as reasons; prose written by an older version is an empty array.
inline Json FromStored(const std::string& stored) {
    if (stored.empty() || stored[0] != '[') return Json::array();
    auto j = Json::parse(stored, nullptr, false);
    return j.is_array() ? j : Json::array();
}

/// The reasons' words, each by one(reason), joined by "；".
inline std::string Text(const Json& reasons, const std::function<std::string(const Json&)>& one) {
    std::string out;
    for (const auto& r : reasons) out += (out.empty() ? "" : "；") + one(r);
    return out;
}

/// A stored light_reason as text: the reasons' words, or the prose stored before.
inline std::string StoredText(const std::string& stored, const std::function<std::string(const Json&)>& one) {
    if (stored.empty() || stored[0] != '[') return stored;
    return Text(FromStored(stored), one);
}

}  // namespace duban::core::reasons
