// libFuzzer target: office::ReadDocx on a whole archive or on NUL-separated
// word/document.xml \0 word/styles.xml.
#include <cstdint>
#include <string>

#include "fuzz_zip.hpp"
#include "office/office.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    duban::office::Limits lim;  // smaller than the defaults, so one input stays fast
    lim.max_archive_bytes = 4u << 20;
    lim.max_entry_bytes = 16u << 20;
    lim.max_total_uncompressed = 32u << 20;
    lim.max_paragraphs = 50000;
    if (in.substr(0, 2) == "PK") {
        auto r = duban::office::ReadDocx(in, lim);
        (void)r;
        return 0;
    }
    auto parts = duban::fuzz::SplitParts(in, 2);
    std::vector<std::pair<std::string, std::string_view>> files{{"word/document.xml", parts[0]}};
    if (parts.size() > 1) files.push_back({"word/styles.xml", parts[1]});
    std::string zip = duban::fuzz::StoredZip(files);
    auto r = duban::office::ReadDocx(zip, lim);
    (void)r;
    return 0;
}
