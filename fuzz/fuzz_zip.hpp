#pragma once
// Fuzz helper: an input is either a whole archive (it starts with "PK") or NUL-separated XML
// parts that the harness stores, uncompressed, in a fresh zip under fixed names. The second form
// lets the fuzzer mutate the XML itself instead of breaking deflate streams and CRCs.
#include <zip.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duban::fuzz {

inline std::vector<std::string_view> SplitParts(std::string_view in, size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < max_parts) {
        size_t nul = in.find('\0');
        if (nul == std::string_view::npos) break;
        parts.push_back(in.substr(0, nul));
        in.remove_prefix(nul + 1);
    }
    parts.push_back(in);
    return parts;
}

/// A stored zip of (name, content) pairs, built in memory with libzip; empty on failure.
inline std::string StoredZip(const std::vector<std::pair<std::string, std::string_view>>& parts) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
    if (!src) return {};
    zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    if (!za) {
        zip_source_free(src);
        return {};
    }
    for (const auto& [name, data] : parts) {
        zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
        zip_int64_t idx = s ? zip_file_add(za, name.c_str(), s, ZIP_FL_OVERWRITE) : -1;
        if (idx < 0) {
            if (s) zip_source_free(s);
            continue;
        }
        zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    }
    zip_source_keep(src);
    std::string out;
    if (zip_close(za) != 0) {
        zip_discard(za);
    } else if (zip_source_open(src) == 0) {
        char buf[65536];
        zip_int64_t n;
        while ((n = zip_source_read(src, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        zip_source_close(src);
    }
    zip_source_free(src);
    return out;
}

}  // namespace duban::fuzz
