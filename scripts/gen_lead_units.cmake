# Generates a .cpp that embeds data/plan/lead-units.tsv as a string (run by CMake at build time).
# Usage: cmake -DIN=lead-units.tsv -DOUT=import_lead_units_data.cpp -P gen_lead_units.cmake
file(READ "${IN}" content)
file(WRITE "${OUT}.tmp" "// Generated from data/plan/lead-units.tsv by scripts/gen_lead_units.cmake. Do not edit.\nnamespace duban::plan::internal {\nextern const char kLeadUnitsTsv[];\nconst char kLeadUnitsTsv[] = R\"duban_tsv(${content})duban_tsv\";\n}  // namespace duban::plan::internal\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
