#include "core/core.hpp"

#include <fcntl.h>
#include <liboath/oath.h>
#include <openssl/evp.h>
#include <cstring>
#include <sodium.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace duban::core {

namespace {
// The length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0.
size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
    const unsigned char c = *p;
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (static_cast<size_t>(end - p) < n) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((p[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

// nlohmann's serializer decodes every byte of every string through its UTF-8 automaton and writes
// it on its own; for a case answer that was 6 % of the server's CPU. This writes the same bytes
// (tests/unit/core_test.cpp compares the two on generated documents): runs of bytes that need no
// escape are appended whole, checking UTF-8 on the way. Anything else (text that is not UTF-8,
// binary values) makes Write fail and is left to nlohmann, so its error handling stays as it was.
class FastDump {
public:
    explicit FastDump(std::string& out) : out_(out) {}
    bool Write(const Json& j) {
        Value(j);
        return ok_;
    }

private:
    // One pass: ASCII bytes that need no escape are appended in runs; a multi-byte sequence is
    // checked as IsValidUtf8 checks it (no overlong forms, no surrogates, nothing above U+10FFFF).
    void Str(const std::string& s) {
        out_.push_back('"');
        const auto* p = reinterpret_cast<const unsigned char*>(s.data());
        const auto* const end = p + s.size();
        const auto* run = p;
        while (p < end) {
            const unsigned char c = *p;
            if (c >= 0x80) {
                const size_t n = Utf8SequenceLength(p, end);
                if (n == 0) {
                    ok_ = false;
                    return;
                }
                p += n;
                continue;
            }
            if (c >= 0x20 && c != '"' && c != '\\') {
                ++p;
                continue;
            }
            out_.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
            run = ++p;
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\b': out_ += "\\b"; break;
                case '\f': out_ += "\\f"; break;
                case '\n': out_ += "\\n"; break;
                case '\r': out_ += "\\r"; break;
                case '\t': out_ += "\\t"; break;
                default: {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out_ += "\\u00";
                    out_.push_back(kHex[c >> 4]);
                    out_.push_back(kHex[c & 15]);
                }
            }
        }
        out_.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(end));
        out_.push_back('"');
    }
    template <typename N>
    void Num(N n) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, n);
        out_.append(buf, r.ptr);
    }
    void Value(const Json& j) {
        if (!ok_) return;
        switch (j.type()) {
            case Json::value_t::null: out_ += "null"; break;
            case Json::value_t::boolean: out_ += j.get<bool>() ? "true" : "false"; break;
            case Json::value_t::number_integer: Num(j.get<int64_t>()); break;
            case Json::value_t::number_unsigned: Num(j.get<uint64_t>()); break;
            case Json::value_t::number_float: {
                // nlohmann's own shortest form (Grisu2), and null for NaN and infinities, as dump().
                const double d = j.get<double>();
                if (!std::isfinite(d)) {
                    out_ += "null";
                } else {
                    char buf[64];
                    out_.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, d));
                }
                break;
            }
            case Json::value_t::string: Str(j.get_ref<const std::string&>()); break;
            case Json::value_t::array: {
                out_.push_back('[');
                bool first = true;
                for (const auto& v : j.get_ref<const Json::array_t&>()) {
                    if (!first) out_.push_back(',');
                    first = false;
                    Value(v);
                }
                out_.push_back(']');
                break;
            }
            case Json::value_t::object: {
                out_.push_back('{');
                bool first = true;
                for (const auto& [k, v] : j.get_ref<const Json::object_t&>()) {
                    if (!first) out_.push_back(',');
                    first = false;
                    Str(k);
                    out_.push_back(':');
                    Value(v);
                }
                out_.push_back('}');
                break;
            }
            default: ok_ = false;  // binary, discarded
        }
    }
    std::string& out_;
    bool ok_ = true;
};

std::string Dump(const Json& j, Json::error_handler_t on_bad_text) {
    std::string out;
    out.reserve(1024);
    if (FastDump(out).Write(j)) return out;
    return j.dump(-1, ' ', false, on_bad_text);
}
}  // namespace

std::string CanonicalJson(const Json& j) { return Dump(j, Json::error_handler_t::strict); }
std::string DumpJson(const Json& j) { return Dump(j, Json::error_handler_t::replace); }

std::string FormatUtc(TimePoint t) {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    time_t secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int milli = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
    return buf;
}

namespace {
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}
}  // namespace

bool ParseRfc3339(std::string_view s, TimePoint* out) {
    int y, mo, d, h, mi, se;
    if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
        s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
        !Digits(s, 17, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
    size_t pos = 19;
    long long frac_ms = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 3) frac_ms = frac_ms * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return false;
        for (int i = digits; i < 3; ++i) frac_ms *= 10;
    }
    int offset_min = 0;
    if (pos >= s.size()) return false;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    // Reject dates that timegm normalised (e.g. Feb 30).
    std::tm back{};
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1) return false;
    using namespace std::chrono;
    *out = TimePoint(seconds(t - offset_min * 60LL)) + milliseconds(frac_ms);
    return true;
}

void InitCrypto() {
    if (sodium_init() < 0) {
        std::fprintf(stderr, "fatal: libsodium failed to initialise\n");
        std::abort();
    }
}

std::string Sha256Hex(std::string_view data) {
    // OpenSSL's SHA-256 uses the CPU's SHA instructions where it has them: 0.33 us for an event's
    // 450 bytes on the development machine against 1.48 us for libsodium's portable code, and every
    // write hashes at least one event. Same digest; libsodium stays as the fallback.
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char out[crypto_hash_sha256_BYTES];
    unsigned int len = 0;
    if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out, &len) != 1 ||
        len != sizeof out)
        crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

std::string RandomToken(size_t n_bytes) {
    std::string raw(n_bytes, '\0');
    randombytes_buf(raw.data(), n_bytes);
    std::string out(sodium_base64_ENCODED_LEN(n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                    '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                      n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

std::string HashPassword(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    constexpr unsigned long long kOps = 2;
    constexpr size_t kMem = 19u * 1024u * 1024u;
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("argon2id hashing failed (out of memory?)");
    }
    return out;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
    std::string enc(encoded);
    return crypto_pwhash_str_verify(enc.c_str(), password.data(), password.size()) == 0;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBox SecretBox::FromKey(std::string key32) {
    if (key32.size() != crypto_secretbox_KEYBYTES) throw std::runtime_error("secret key must be 32 bytes");
    SecretBox b;
    b.key_ = std::move(key32);
    return b;
}

SecretBox SecretBox::LoadOrCreate(const std::string& path) {
    std::string key;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
        key.resize(crypto_secretbox_KEYBYTES + 1);
        size_t n = std::fread(key.data(), 1, key.size(), f);
        std::fclose(f);
        if (n != crypto_secretbox_KEYBYTES)
            throw std::runtime_error("key file " + path + " is not a 32-byte key");
        key.resize(n);
        return FromKey(key);
    }
    key.resize(crypto_secretbox_KEYBYTES);
    crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key.data()));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error("cannot create key file " + path);
    bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write key file " + path);
    return FromKey(key);
}

std::string SecretBox::Seal(std::string_view plain) const {
    std::string buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
    auto* out = reinterpret_cast<unsigned char*>(buf.data());
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                          plain.size(), out, reinterpret_cast<const unsigned char*>(key_.data()));
    std::string b64(sodium_base64_ENCODED_LEN(buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(b64.data(), b64.size(), out, buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    b64.resize(std::char_traits<char>::length(b64.c_str()));
    return "v1." + b64;
}

std::string SecretBox::DeriveSecret(std::string_view context) const {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                       reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
    char hex[sizeof out * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

std::optional<std::string> SecretBox::Open(std::string_view sealed) const {
    if (sealed.substr(0, 3) != "v1.") return std::nullopt;
    std::string b64(sealed.substr(3));
    std::string bin(b64.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(), b64.size(), nullptr,
                          &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return std::nullopt;
    const auto* in = reinterpret_cast<const unsigned char*>(bin.data());
    std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), in + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, in,
                                   reinterpret_cast<const unsigned char*>(key_.data())) != 0)
        return std::nullopt;
    return plain;
}

namespace {
bool DecodeBase32(const std::string& s, std::string* out) {
    static bool init = (oath_init() == OATH_OK);
    if (!init) return false;
    char* raw = nullptr;
    size_t n = 0;
    if (oath_base32_decode(s.data(), s.size(), &raw, &n) != OATH_OK || n < 10) {
        free(raw);
        return false;
    }
    out->assign(raw, n);
    free(raw);
    return true;
}
constexpr unsigned kTotpStep = 30;
}  // namespace

std::string NewTotpSecret() {
    static bool init = (oath_init() == OATH_OK);
    (void)init;
    unsigned char raw[20];
    randombytes_buf(raw, sizeof raw);
    char* out = nullptr;
    size_t n = 0;
    if (oath_base32_encode(reinterpret_cast<const char*>(raw), sizeof raw, &out, &n) != OATH_OK)
        throw std::runtime_error("base32 encoding failed");
    std::string s(out, n);
    free(out);
    while (!s.empty() && s.back() == '=') s.pop_back();
    return s;
}

std::string TotpCode(const std::string& base32_secret, TimePoint t) {
    std::string key;
    if (!DecodeBase32(base32_secret, &key)) return {};
    char otp[16] = {0};
    time_t secs = std::chrono::system_clock::to_time_t(t);
    if (oath_totp_generate(key.data(), key.size(), secs, kTotpStep, 0, 6, otp) != OATH_OK) return {};
    return otp;
}

std::optional<int64_t> TotpVerify(const std::string& base32_secret, const std::string& code, TimePoint now,
                                  int window) {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    std::string key;
    if (!DecodeBase32(base32_secret, &key)) return std::nullopt;
    time_t secs = std::chrono::system_clock::to_time_t(now);
    int pos = 0;
    int rc = oath_totp_validate2(key.data(), key.size(), secs, kTotpStep, 0, static_cast<size_t>(window), &pos,
                                 code.c_str());
    if (rc < 0) return std::nullopt;
    return static_cast<int64_t>(secs / kTotpStep) + pos;
}

bool IsValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = p + s.size();
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        const size_t n = Utf8SequenceLength(p, end);
        if (n == 0) return false;
        p += n;
    }
    return true;
}

size_t Utf8Length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string Utf8Prefix(std::string_view s, size_t n) {
    size_t i = 0, count = 0;
    while (i < s.size()) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (count == n) break;
            ++count;
        }
        ++i;
    }
    return std::string(s.substr(0, i));
}

bool HasControlChars(std::string_view s) {
    for (unsigned char ch : s)
        if (ch < 0x20 || ch == 0x7F) return true;
    return false;
}

std::string LikeEscape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

std::string Trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
        --e;
    return std::string(s.substr(b, e - b));
}

std::vector<std::string> Split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t p = s.find(sep, start);
        if (p == std::string_view::npos) {
            out.emplace_back(s.substr(start));
            return out;
        }
        out.emplace_back(s.substr(start, p - start));
        start = p + 1;
    }
}

std::string Base64Encode(std::string_view bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (char ch : text)
        if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') clean.push_back(ch);
    while (!clean.empty() && clean.back() == '=') clean.pop_back();
    std::string out(clean.size() * 3 / 4 + 3, '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), clean.data(),
                          clean.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return std::nullopt;
    out.resize(len);
    return out;
}

}  // namespace duban::core
