// The built-in lead-unit dictionary: data/plan/lead-units.tsv, embedded at build time.
#include <string_view>

#include "plan/import.hpp"

namespace duban::plan {
namespace internal {
extern const char kLeadUnitsTsv[];
}  // namespace internal

std::vector<std::pair<std::string, std::string>> ParseLeadUnits(std::string_view tsv) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t i = 0;
    while (i < tsv.size()) {
        size_t j = tsv.find('\n', i);
        if (j == std::string_view::npos) j = tsv.size();
        std::string_view line = tsv.substr(i, j - i);
        i = j + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line[0] == '#') continue;
        size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0 || tab + 1 >= line.size()) continue;
        out.emplace_back(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> DefaultLeadUnits() {
    static const auto kDict = ParseLeadUnits(internal::kLeadUnitsTsv);
    return kDict;
}

}  // namespace duban::plan
