// Chinese text in one script for matching: a search typed in Simplified (节点, 大厦) finds text
// stored in Traditional (節點, 大廈, as the seed report prints it), and the other way round.
#pragma once

#include <string>
#include <string_view>

namespace duban::core {

/// text in Simplified characters (OpenCC's t2s, character by character and phrase by phrase);
/// text that is Simplified already, or has no Chinese, comes back the same. Thread-safe.
std::string ToSimplified(std::string_view text);

/// Whether haystack holds needle, as written or once both are in Simplified. needle_simplified
/// is ToSimplified(needle), made once per search.
bool ContainsZh(const std::string& haystack, const std::string& needle, const std::string& needle_simplified);

}  // namespace duban::core
