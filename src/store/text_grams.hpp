#pragma once
/// The terms of the case text index (SQLite's FTS5 table case_text, migration 13): every pair of
/// adjacent word characters with at least one non-ASCII character in it ("井盖", "2号"), written in
/// hex so that FTS5's plain ASCII tokenizer takes each as one token. Most Chinese search words
/// are two characters, which FTS5's own trigram tokenizer cannot look up.
///
/// A text contains a query only if it has all of the query's terms, so the index narrows a search
/// to candidates and the list's LIKE test decides. Characters are compared as SQLite's LIKE
/// compares them (ASCII letters without case; U+FFFE, U+FFFF as U+FFFD). The triggers on cases
/// note the cases the index has yet to take in, and searches read those too
/// (store::IndexPendingCaseText).
#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

namespace duban::store {

/// The distinct terms of the texts, sorted, joined by spaces ("" when none). Each text is cut on
/// its own (no pair spans two texts). ASCII letters are lower-cased, as LIKE ignores their case.
std::string TextGrams(const std::vector<std::string_view>& texts);

/// An FTS5 query that a text containing `q` always matches: its terms ANDed, each quoted, at most
/// max_terms of them (0: all) spread over `q`. Empty when `q` has no term (one character, or ASCII
/// only): such a search cannot use the index.
std::string TextGramsQuery(std::string_view q, size_t max_terms = 4);

/// Registers duban_grams(text, ...) = TextGrams on a connection (deterministic; NULLs skipped).
/// Returns SQLite's result code.
int RegisterTextGrams(sqlite3* db);

}  // namespace duban::store
