#pragma once
// Internal to store/: small conversions between rows and optional fields, shared by the repos.
#include <optional>
#include <string>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store::rowutil {

inline Value Opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
inline Value Opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }
inline std::optional<int64_t> OptInt(const Row& r, size_t i) {
    return r.IsNull(i) ? std::nullopt : std::optional<int64_t>(r.Int(i));
}
inline std::optional<std::string> OptStr(const Row& r, size_t i) {
    return r.IsNull(i) ? std::nullopt : std::optional<std::string>(r.Str(i));
}
/// JSON text from a column, or fallback when it does not parse.
inline core::Json ParseJson(const std::string& s, core::Json fallback) {
    auto j = core::Json::parse(s, nullptr, false);
    return j.is_discarded() ? fallback : j;
}
/// The next id of a table. Only the single writer inserts, so max(id) + 1 is free.
inline int64_t NextId(Conn& c, const char* table) {
    return c.Query(std::string("SELECT COALESCE(MAX(id), 0) + 1 FROM ") + table)[0].Int(0);
}

}  // namespace duban::store::rowutil
