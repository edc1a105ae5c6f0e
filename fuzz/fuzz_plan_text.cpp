// libFuzzer target: arbitrary bytes through DecodeText, SplitParagraphs and Import. Must not crash,
// trip a sanitizer, or take super-linear time. Built with clang by the DUBAN_FUZZ build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "plan/import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > (1u << 20)) return 0;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = duban::plan::DecodeText(bytes);
    if (!decoded.ok()) {
        // Still exercise the importer on the raw bytes (it replaces invalid UTF-8 with U+FFFD).
        auto paras = duban::plan::SplitParagraphs(bytes);
        (void)duban::plan::Import(paras);
        return 0;
    }
    auto paras = duban::plan::SplitParagraphs(decoded->utf8);
    duban::plan::ImportOptions opt;
    opt.encoding = decoded->encoding;
    auto out = duban::plan::Import(paras, opt);
    // The output must serialise (valid UTF-8 throughout).
    (void)out.dump();
    return 0;
}
