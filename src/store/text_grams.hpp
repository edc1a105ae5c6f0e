#pragma once
/// The terms of the case text index (SQLite's FTS5 table case_text, migration 13): every pair of
/// adjacent word characters with at least one non-ASCII character in it ("井盖", "2号"), written in
/// hex so that FTS5's plain ASCII tokenizer takes each as one token. Most Chinese search words
/// are two characters, which FTS5's own trigram tokenizer cannot look up.
///
/// A text contains a query only if it has all of the query's terms, so the index narrows a search
/// to candidates and the list's LIKE test decides: the index can only miss cases by being out of
/// date, never by how the text is cut. The triggers keep it up to date in the same transaction as
/// the case (they call duban_grams, registered on every connection the store opens).
#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

namespace duban::store {

/// The distinct terms of the texts, sorted, joined by spaces ("" when none). Each text is cut on
/// its own (no pair spans two texts). ASCII letters are lower-cased, as LIKE ignores their case.
std::string TextGrams(const std::vector<std::string_view>& texts);

/// An FTS5 query that a text containing `q` always matches: its terms ANDed, each quoted. Empty
/// when `q` has no term (one character, or ASCII only): such a search cannot use the index.
std::string TextGramsQuery(std::string_view q);

/// Registers duban_grams(text, ...) = TextGrams on a connection (deterministic; NULLs skipped).
/// Returns SQLite's result code.
int RegisterTextGrams(sqlite3* db);

}  // namespace duban::store
