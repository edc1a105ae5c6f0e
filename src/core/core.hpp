#pragma once
/// duban::core — the pieces every module shares: errors, JSON, time, crypto helpers.
/// Depends on nothing else in duban.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace duban::core {

using Json = nlohmann::json;  // std::map-backed: keys sorted, so dump() is canonical

/// Canonical JSON bytes: sorted keys, no insignificant white space, UTF-8 as given. Byte for byte
/// nlohmann's dump(); throws nlohmann's type_error on text that is not UTF-8.
std::string CanonicalJson(const Json& j);
/// The same bytes for a response body, except that text that is not UTF-8 gets U+FFFD in place of
/// its bad bytes (nlohmann's error_handler_t::replace) instead of throwing.
std::string DumpJson(const Json& j);

// ---- time ----
using TimePoint = std::chrono::system_clock::time_point;

/// A source of the current time; tests substitute a fixed or advancing one.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint Now() const = 0;
};
class SystemClock final : public Clock {
public:
    TimePoint Now() const override { return std::chrono::system_clock::now(); }
};
/// A clock that stands still until told to move (tests). Safe to read and set from any thread.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint t) : ticks_(t.time_since_epoch().count()) {}
    TimePoint Now() const override { return TimePoint(TimePoint::duration(ticks_.load())); }
    void Advance(std::chrono::milliseconds d) {
        ticks_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
    }
    void Set(TimePoint t) { ticks_ = t.time_since_epoch().count(); }

private:
    std::atomic<TimePoint::duration::rep> ticks_;
};

/// RFC 3339 in UTC with milliseconds: 2026-11-28T20:48:00.123Z (sortable as text).
std::string FormatUtc(TimePoint t);
/// Parses RFC 3339 with 'Z' or a numeric offset; false on anything else.
bool ParseRfc3339(std::string_view s, TimePoint* out);

// ---- crypto (libsodium) ----
/// Initialises libsodium; call once at start-up. Aborts if it cannot.
void InitCrypto();
std::string Sha256Hex(std::string_view data);
/// Standard base64 (RFC 4648 §4, with padding), for file contents carried in JSON.
std::string Base64Encode(std::string_view bytes);
/// Decodes standard base64 (padding optional, white space ignored); nothing when malformed.
std::optional<std::string> Base64Decode(std::string_view text);
/// n random bytes, base64url without padding.
std::string RandomToken(size_t n_bytes);
/// Argon2id (libsodium crypto_pwhash_str), t=2, m=19 MiB, p=1. Returns the encoded hash.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded, std::string_view password);
/// Constant-time equality of two strings of equal length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// Authenticated secret-key encryption (XSalsa20-Poly1305) for data at rest. The 32-byte key
/// lives in a file readable by the server's user only.
class SecretBox {
public:
    /// Reads the key file, or creates it (mode 0600) with a random key. Throws on failure.
    static SecretBox LoadOrCreate(const std::string& path);
    static SecretBox FromKey(std::string key32);
    /// "v1." + base64url(nonce || ciphertext).
    std::string Seal(std::string_view plain) const;
    /// The plaintext, or nothing when the text was not sealed with this key or was altered.
    std::optional<std::string> Open(std::string_view sealed) const;
    /// A 256-bit secret for one purpose, derived from the key (keyed BLAKE2b of the context), hex:
    /// stable for the key, different for each context, and revealing nothing of the key.
    std::string DeriveSecret(std::string_view context) const;

private:
    std::string key_;
};

// ---- TOTP (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) ----
/// A new random 160-bit secret, base32 (what authenticator apps take).
std::string NewTotpSecret();
/// The code for time t, or "" if the secret is not valid base32.
std::string TotpCode(const std::string& base32_secret, TimePoint t);
/// The time step a code belongs to, within +-window steps of now; nothing if it matches none.
std::optional<int64_t> TotpVerify(const std::string& base32_secret, const std::string& code,
                                  TimePoint now, int window = 1);

// ---- text ----
/// True if s is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
/// Number of Unicode code points in a valid UTF-8 string.
size_t Utf8Length(std::string_view s);
std::string Trim(std::string_view s);
/// The first n code points of a valid UTF-8 string (never splits a character).
std::string Utf8Prefix(std::string_view s, size_t n);
/// True if s has a C0 control character or DEL (NUL included).
bool HasControlChars(std::string_view s);
/// Escapes %, _ and \ for a LIKE pattern used with ESCAPE '\'.
std::string LikeEscape(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);

}  // namespace duban::core

namespace duban::core {
/// The org subtrees a caller may see, as materialised paths ("/1/5/").
/// all: no restriction. subtrees: the path and everything below. exact: just that unit.
struct Scope {
    bool all = false;
    std::vector<std::string> subtrees;
    std::vector<std::string> exact;
    static Scope All() { return Scope{true, {}, {}}; }
    static Scope None() { return Scope{}; }
    bool Contains(std::string_view path) const {
        if (all) return true;
        for (const auto& p : subtrees)
            if (path.substr(0, p.size()) == p) return true;
        for (const auto& p : exact)
            if (path == p) return true;
        return false;
    }
    bool Empty() const { return !all && subtrees.empty() && exact.empty(); }
};
}  // namespace duban::core
