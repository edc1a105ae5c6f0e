#pragma once
/// duban::plan import — reads a government work report and proposes the work plan: its parts,
/// key works, items and tasks with the exact source spans, every quantity with what it measures,
/// named objects and suggested lead units. Pure: no server, no database, no HTTP.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace duban::plan {

/// A paragraph of input: from a text file (one per line) or a .docx (with its heading level).
struct Para {
    std::string text;
    int heading_level = 0;  // 0 = unknown / body
};

struct Decoded {
    std::string utf8;
    std::string encoding;  // "UTF-8", "UTF-8 (BOM)", "GB18030"
};
/// Detects UTF-8 (with or without BOM) or GB18030 and converts to UTF-8. Error when neither fits.
core::Result<Decoded> DecodeText(std::string_view bytes);
/// Splits text into paragraphs (lines; blank lines dropped; CRLF handled).
std::vector<Para> SplitParagraphs(std::string_view utf8);

struct ImportOptions {
    std::optional<int> year;  // the plan year; the report's "next year" targets are for it
    /// Lead-unit keyword dictionary: keyword -> unit name, in priority order. Empty = built-in.
    std::vector<std::pair<std::string, std::string>> lead_units;
    /// How the bytes were decoded (DecodeText's `encoding`); echoed in the output. Empty = null.
    std::string encoding;
};

/// The proposal as JSON (the format is documented in docs/plan-import.md):
/// { title, year, encoding, source (the text the offsets index, paragraphs joined by '\n'),
///   parts: [...], quantities: [...], nodes: [...tree...], stats: {...} }
/// Offsets are in Unicode code points into `source`, end exclusive.
core::Json Import(const std::vector<Para>& paras, const ImportOptions& opt = {});

/// The built-in lead-unit dictionary (data/plan/lead-units.tsv content is compiled in).
std::vector<std::pair<std::string, std::string>> DefaultLeadUnits();
/// Parses a lead-unit TSV (keyword<TAB>unit lines; '#' comments and blank lines skipped).
std::vector<std::pair<std::string, std::string>> ParseLeadUnits(std::string_view tsv);

}  // namespace duban::plan
