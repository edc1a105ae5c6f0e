#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <thread>

#include "core/core.hpp"
#include "core/zh.hpp"

using namespace duban::core;

TEST(Time, FormatsUtcWithMilliseconds) {
    TimePoint t;
    ASSERT_TRUE(ParseRfc3339("2026-11-28T20:48:00.123+08:00", &t));
    EXPECT_EQ(FormatUtc(t), "2026-11-28T12:48:00.123Z");
}

TEST(Time, RejectsMalformedAndImpossibleDates) {
    TimePoint t;
    EXPECT_FALSE(ParseRfc3339("2026-02-30T00:00:00Z", &t));
    EXPECT_FALSE(ParseRfc3339("2026-11-28 20:48", &t));
    EXPECT_FALSE(ParseRfc3339("2026-11-28T20:48:00", &t));  // no offset
    EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z", &t));
    EXPECT_TRUE(ParseRfc3339("2024-02-29T23:59:59Z", &t));
}

TEST(Crypto, Sha256KnownVector) {
    InitCrypto();
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // FIPS 180-2's other vectors: the empty string, the two-block message, a million 'a's.
    EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // From another thread (each thread has its own digest context).
    std::string other;
    std::thread([&] { other = Sha256Hex("abc"); }).join();
    EXPECT_EQ(other, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, RandomTokensAre256BitsAndDiffer) {
    InitCrypto();
    auto a = RandomToken(32), b = RandomToken(32);
    EXPECT_EQ(a.size(), 43u);  // 32 bytes, base64url, no padding
    EXPECT_NE(a, b);
}

TEST(Crypto, PasswordHashIsArgon2idAndVerifies) {
    InitCrypto();
    auto h = HashPassword("Correct-Horse-9");
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
    EXPECT_NE(h.find("m=19456,t=2,p=1"), std::string::npos);
    EXPECT_TRUE(VerifyPassword(h, "Correct-Horse-9"));
    EXPECT_FALSE(VerifyPassword(h, "Correct-Horse-8"));
}

TEST(Text, Utf8Validation) {
    EXPECT_TRUE(IsValidUtf8("沙河口区"));
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(IsValidUtf8("\xE6\xB2"));          // truncated
    EXPECT_EQ(Utf8Length("沙河口区ab"), 6u);
}

TEST(Json, CanonicalFormSortsKeys) {
    Json j = Json::parse(R"({"b":1,"a":{"d":2,"c":"沙"}})");
    EXPECT_EQ(CanonicalJson(j), R"({"a":{"c":"沙","d":2},"b":1})");
}

// CanonicalJson and DumpJson write their own bytes (the event hash depends on them): they must be
// nlohmann's dump() byte for byte, on documents with every kind of value and awkward text, and
// must fail or replace exactly where nlohmann does on text that is not UTF-8.
namespace {
std::string RandomText(std::mt19937& rng) {
    static const std::vector<std::string> pieces = {
        "a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", std::string(1, '\0'),
        "\x01", "\x1f", "\x7f", "é", "中", "網格", "（演示）", "😀", "\xe4\xb8", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xff", "\x80", "\u2028"};
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
}
Json RandomJson(std::mt19937& rng, int depth) {
    switch (rng() % (depth > 3 ? 6 : 8)) {
        case 0: return nullptr;
        case 1: return rng() % 2 == 0;
        case 2: {
            static const int64_t ints[] = {0, -1, 7, INT64_MIN, INT64_MAX, 20261129, -987654321};
            return ints[rng() % 7];
        }
        case 3: return uint64_t{UINT64_MAX} - rng() % 3;
        case 4: {
            static const double reals[] = {0.1, -0.0, 1.0, 1e300, 119.30239, 26.07596, 3.0e-9, 2.5,
                                           std::numeric_limits<double>::quiet_NaN(),
                                           -std::numeric_limits<double>::infinity(), 1e15, 1e16, 123456789.125};
            return reals[rng() % 13];
        }
        case 5: return RandomText(rng);
        case 6: {
            Json a = Json::array();
            for (int i = static_cast<int>(rng() % 5); i > 0; --i) a.push_back(RandomJson(rng, depth + 1));
            return a;
        }
        default: {
            Json o = Json::object();
            for (int i = static_cast<int>(rng() % 5); i > 0; --i) o[RandomText(rng)] = RandomJson(rng, depth + 1);
            return o;
        }
    }
}
}  // namespace

TEST(Json, OwnSerializerWritesNlohmannsBytes) {
    std::mt19937 rng(20261129);
    int bad_text = 0;
    for (int i = 0; i < 20000; ++i) {
        Json j = RandomJson(rng, 0);
        EXPECT_EQ(DumpJson(j), j.dump(-1, ' ', false, Json::error_handler_t::replace)) << i;
        std::string want, got;
        bool want_throw = false, got_throw = false;
        try {
            want = j.dump(-1, ' ', false, Json::error_handler_t::strict);
        } catch (const Json::type_error&) {
            want_throw = true;
        }
        try {
            got = CanonicalJson(j);
        } catch (const Json::type_error&) {
            got_throw = true;
        }
        EXPECT_EQ(got_throw, want_throw) << i;
        EXPECT_EQ(got, want) << i;
        bad_text += want_throw;
    }
    // The generator reaches both paths: documents with bad text and documents without.
    EXPECT_GT(bad_text, 1000);
    EXPECT_LT(bad_text, 19000);
    EXPECT_EQ(DumpJson(Json{{"b", "中\"\n\x01"}, {"a", {1, 2.5, nullptr}}}),
              "{\"a\":[1,2.5,null],\"b\":\"中\\\"\\n\\u0001\"}");
}

TEST(Scope, SubtreesAndExact) {
    Scope s;
    s.subtrees = {"/1/5/"};
    s.exact = {"/1/9/"};
    EXPECT_TRUE(s.Contains("/1/5/"));
    EXPECT_TRUE(s.Contains("/1/5/77/"));
    EXPECT_FALSE(s.Contains("/1/55/"));  // a sibling whose id starts with 5
    EXPECT_TRUE(s.Contains("/1/9/"));
    EXPECT_FALSE(s.Contains("/1/9/3/"));
    EXPECT_FALSE(Scope::None().Contains("/1/"));
    EXPECT_TRUE(Scope::All().Contains("/anything/"));
}

TEST(Text, Utf8PrefixNeverSplitsACharacter) {
    EXPECT_EQ(Utf8Prefix("网格员网格", 3), "网格员");
    EXPECT_EQ(Utf8Prefix("ab", 5), "ab");
    EXPECT_EQ(Utf8Prefix("网", 0), "");
}

TEST(Text, LikeEscapeMakesWildcardsLiteral) {
    EXPECT_EQ(LikeEscape("50%_a\\b"), "50\\%\\_a\\\\b");
    EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
    EXPECT_TRUE(HasControlChars("a\x7f"));
    EXPECT_FALSE(HasControlChars("沙河口区 A-1"));
}

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (base32 below), last 6 digits.
TEST(Totp, Rfc6238VectorsAtFixedTimes) {
    const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    auto at = [](long long s) { return TimePoint(std::chrono::seconds(s)); };
    EXPECT_EQ(TotpCode(secret, at(59)), "287082");
    EXPECT_EQ(TotpCode(secret, at(1111111109)), "081804");
    EXPECT_EQ(TotpCode(secret, at(1234567890)), "005924");
    EXPECT_EQ(TotpCode(secret, at(2000000000)), "279037");
}

TEST(Totp, WindowAcceptsOneStepEitherSideOnly) {
    const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    auto at = [](long long s) { return TimePoint(std::chrono::seconds(s)); };
    const std::string code = TotpCode(secret, at(1234567890));  // step 41152263
    auto same = TotpVerify(secret, code, at(1234567890));
    ASSERT_TRUE(same);
    EXPECT_EQ(*same, 41152263);
    EXPECT_TRUE(TotpVerify(secret, code, at(1234567890 + 30)));   // one step later
    EXPECT_TRUE(TotpVerify(secret, code, at(1234567890 - 30)));   // one step earlier
    EXPECT_FALSE(TotpVerify(secret, code, at(1234567890 + 90)));  // three steps later
    EXPECT_FALSE(TotpVerify(secret, "12345", at(1234567890)));
    EXPECT_FALSE(TotpVerify(secret, "abcdef", at(1234567890)));
}

TEST(SecretBox, SealsAndDetectsTampering) {
    InitCrypto();
    auto box = SecretBox::FromKey(std::string(32, 'k'));
    auto sealed = box.Seal("JBSWY3DPEHPK3PXP");
    EXPECT_EQ(sealed.rfind("v1.", 0), 0u);
    EXPECT_EQ(box.Open(sealed).value_or(""), "JBSWY3DPEHPK3PXP");
    EXPECT_NE(box.Seal("same"), box.Seal("same"));  // fresh nonce each time
    std::string bad = sealed;
    bad[bad.size() - 2] = bad[bad.size() - 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.Open(bad));
    EXPECT_FALSE(SecretBox::FromKey(std::string(32, 'x')).Open(sealed));
}

TEST(SecretBox, DerivedSecretsAreStablePerKeyAndContext) {
    InitCrypto();
    auto box = SecretBox::FromKey(std::string(32, 'k'));
    std::string a = box.DeriveSecret("open311-token");
    EXPECT_EQ(a.size(), 64u);
    EXPECT_EQ(a, SecretBox::FromKey(std::string(32, 'k')).DeriveSecret("open311-token"));
    EXPECT_NE(a, box.DeriveSecret("another purpose"));
    EXPECT_NE(a, SecretBox::FromKey(std::string(32, 'x')).DeriveSecret("open311-token"));
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// A search typed in Simplified finds text stored in Traditional (the seed report's), and the other
// way round; text without Chinese, or already Simplified, is left as it is.
TEST(Zh, SearchesMatchAcrossScripts) {
    EXPECT_EQ(ToSimplified("節點與大廈"), "节点与大厦");
    EXPECT_EQ(ToSimplified("节点"), "节点");
    EXPECT_EQ(ToSimplified("P-2026-01"), "P-2026-01");
    EXPECT_EQ(ToSimplified(""), "");
    auto has = [](const std::string& hay, const std::string& q) { return ContainsZh(hay, q, ToSimplified(q)); };
    EXPECT_TRUE(has("萬達廣場大廈項目", "大厦"));  // Simplified typed, Traditional stored
    EXPECT_TRUE(has("万达广场大厦项目", "大廈"));  // and the other way round
    EXPECT_TRUE(has("推進重點項目建設", "重点项目"));
    EXPECT_TRUE(has("P-2026-01", "2026"));
    EXPECT_FALSE(has("推進重點項目建設", "招商"));
    EXPECT_FALSE(has("ABC", "abc"));  // no case folding: only the script is
}
