#include "core/zh.hpp"

#include <opencc/opencc.h>

#include <mutex>

namespace duban::core {
namespace {
// OpenCC's converters are not documented as thread-safe: one, calls serialised.
struct T2s {
    opencc_t od = reinterpret_cast<opencc_t>(-1);
    std::mutex mu;
    T2s() {
        od = opencc_open("t2s.json");
        if (od == reinterpret_cast<opencc_t>(-1)) od = opencc_open("/usr/share/opencc/t2s.json");
    }
};
T2s& Converter() {
    static T2s c;
    return c;
}
bool AllAscii(std::string_view s) {
    for (unsigned char ch : s)
        if (ch >= 0x80) return false;
    return true;
}
}  // namespace

std::string ToSimplified(std::string_view text) {
    if (text.empty() || AllAscii(text)) return std::string(text);
    T2s& c = Converter();
    if (c.od == reinterpret_cast<opencc_t>(-1)) return std::string(text);
    std::lock_guard lk(c.mu);
    char* r = opencc_convert_utf8(c.od, text.data(), text.size());
    if (!r) return std::string(text);
    std::string out(r);
    opencc_convert_utf8_free(r);
    return out;
}

bool ContainsZh(const std::string& haystack, const std::string& needle, const std::string& needle_simplified) {
    if (haystack.find(needle) != std::string::npos) return true;
    if (AllAscii(needle_simplified)) return false;  // nothing a script could change
    return ToSimplified(haystack).find(needle_simplified) != std::string::npos;
}

}  // namespace duban::core
