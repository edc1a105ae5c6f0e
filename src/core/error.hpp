#pragma once
// Errors the caller can expect, independent of any protocol. http/ alone maps ErrorKind to a status.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace duban::core {

enum class ErrorKind {
    kBadRequest,        // malformed input (bad JSON syntax, bad query string)
    kValidation,        // well-formed input that breaks a rule; names the field
    kUnauthenticated,   // no or bad credentials
    kForbidden,         // authenticated but not allowed
    kNotFound,          // does not exist, or is outside the caller's scope
    kConflict,          // state conflict (duplicate code, referenced object)
    kTooLarge,          // body over the limit
    kUnsupportedMedia,  // wrong content type
    kLocked,            // account locked
    kRateLimited,       // too many requests
    kUnavailable,       // queue full, shutting down
    kInternal,          // a bug or an infrastructure failure
};

/// An expected failure: a kind, a stable machine code, a human message and the field it concerns.
struct Error {
    ErrorKind kind = ErrorKind::kInternal;
    std::string code;
    std::string message;
    std::string field;
    int retry_after_s = 0;  // for kRateLimited / kUnavailable / kLocked
    // The figures behind the message, as a JSON object's text ("" for none): the API gives them as
    // error.details, for a client to word the message in its user's language.
    std::string details;

    static Error BadRequest(std::string code, std::string msg, std::string field = {}) {
        return {ErrorKind::kBadRequest, std::move(code), std::move(msg), std::move(field)};
    }
    static Error Validation(std::string field, std::string msg, std::string code = "invalid_field") {
        return {ErrorKind::kValidation, std::move(code), std::move(msg), std::move(field)};
    }
    static Error NotFound(const std::string& what, long long id) {
        return {ErrorKind::kNotFound, "not_found", what + " " + std::to_string(id) + " not found", {}};
    }
    static Error NotFoundMsg(std::string msg) {
        return {ErrorKind::kNotFound, "not_found", std::move(msg), {}};
    }
    static Error Conflict(std::string code, std::string msg, std::string field = {}) {
        return {ErrorKind::kConflict, std::move(code), std::move(msg), std::move(field)};
    }
    static Error Forbidden(std::string msg) {
        return {ErrorKind::kForbidden, "forbidden", std::move(msg), {}};
    }
    static Error Unauthenticated(std::string msg, std::string code = "unauthenticated") {
        return {ErrorKind::kUnauthenticated, std::move(code), std::move(msg), {}};
    }
    static Error Internal(std::string msg) {
        return {ErrorKind::kInternal, "internal", std::move(msg), {}};
    }
    static Error Unavailable(std::string msg, int retry_after_s) {
        return {ErrorKind::kUnavailable, "unavailable", std::move(msg), {}, retry_after_s};
    }
};

/// T or Error. A small stand-in for std::expected (C++23).
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() { return std::get<0>(v_); }
    const T& operator*() const { return std::get<0>(v_); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

/// Success or Error.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error e) : e_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return !e_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *e_; }

private:
    std::optional<Error> e_;
};

}  // namespace duban::core
