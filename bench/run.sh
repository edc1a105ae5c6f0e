#!/usr/bin/env bash
# duban benchmarks (`make bench`). See docs/benchmarks.md for what each figure means.
#
#   1. this disk's single-row-commit rate for SQLite in WAL with synchronous=FULL
#      (bench/sqlite_commit.cpp): the limit without group commit;
#   2. the commit pipeline driven in-process, without HTTP (bench/pipeline_bench.cpp), again with a
#      savepoint per command and with 1 creation in 1,000 failing (no targets), and the SQL of those
#      creations alone, the floor under it (bench/sql_floor.cpp);
#   3. acknowledged durable writes per second through the HTTP API — POST /api/v1/org-units,
#      201 = committed and fsynced — at concurrency 1, 8, 32 and 64 (bench/loadgen.cpp), against
#      `duban serve --demo` on a fresh database on the same disk;
#   4. for comparison, GET /api/v1/org-units/{street} at the highest concurrency: the same HTTP
#      stack and authentication without the writer (no target; it shows which side limits);
#   5. a summary with the ratio HTTP@64 / single-row-commit rate and the must-show targets;
#   6. importing a work report: the seed, and the seed repeated to ~200+ pages (bench/plan_import_bench.cpp);
#   7. indicators: 1 million values imported from CSV, the month's table for 20 indicators x 200 units
#      with 10 years stored, the month-end alert sweep (bench/indicators_bench.cpp);
#   8. point location: points per second over the demo's 63 grids and 600 generated grids (bench/geo_bench.cpp).
#   9. case KPIs over 10 million generated cases, side by side with PostgreSQL 15 and SQLite on the same
#      data (bench/kpi.sh; skips with a message when PostgreSQL or ../shared/peers/kpi is missing;
#      BENCH_KPI=0 skips it; the generated data and the loaded databases are cached in /var/tmp/kpi-bench).
#  10. the case engine's warning sweep with 1 million open cases (bench/case_sweep_bench.cpp);
#  11. case lists (GET /api/v1/cases with a street, light, category or text filter, as the leader
#      and as scoped users) over 1 million generated cases (bench/case_list.sh; BENCH_CASE_LIST=0
#      skips it; the database is kept in $BENCH_DIR/duban-case-list for the next run);
#  12. the case lifecycle (create, dispatch, note, close) at concurrency 1, 8, 32 against duban and, when
#      they are installed (../shared/peers, PEERS=...), Request Tracker 5 and Redmine (bench/lifecycle.sh).
#
# Everything runs on loopback, in a temporary directory removed at the end, except the case lists'
# database (1.2 GB, kept in $BENCH_DIR/duban-case-list for the next run). About 90 s, plus about
# 2 minutes for the case sweep and duban's lifecycle levels, 3 for the case lists' first run and 10
# for the peers' (when installed).
#
# Environment (all optional):
#   BUILD=build                  build directory holding duban and the bench programs
#   BENCH_DIR=$TMPDIR or /tmp    where the temporary databases go (the disk being measured)
#   BENCH_SECONDS=10             measured seconds per HTTP concurrency level
#   BENCH_WARMUP=1               warm-up seconds before each HTTP level (not counted)
#   BENCH_CONCURRENCY="1 8 32 64"
#   BENCH_SQLITE_SECONDS=5       seconds of single-row commits
#   BENCH_PIPELINE_COUNT=200000  in-process creations (capped at BENCH_PIPELINE_SECONDS=20)
#   BENCH_SERVER_THREADS=2       duban serve --threads
#   BENCH_LOADGEN_THREADS=1      event-loop threads in the load generator
#   BENCH_GET=1                  also run the GET comparison (0 to skip)
#   BENCH_COMPARE=1              also run POST at the highest concurrency against a server with
#                                --savepoint-per-command (0 to skip)
#   BENCH_STRICT=1               exit 1 when a must-show target is missed
#   BENCH_SWEEP_COUNT=1000000    open cases for the case warning sweep (bench/case_sweep_bench.cpp)
#   BENCH_CASE_LIST=1            run bench/case_list.sh (0 to skip; LIST_N, LIST_SECONDS are its own)
#   BENCH_LIFECYCLE=1            run bench/lifecycle.sh (0 to skip; its own settings: DUR, LEVELS, PEERS, ...)
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-"1 8 32 64"}
BENCH_SQLITE_SECONDS=${BENCH_SQLITE_SECONDS:-5}
BENCH_PIPELINE_COUNT=${BENCH_PIPELINE_COUNT:-200000}
BENCH_PIPELINE_SECONDS=${BENCH_PIPELINE_SECONDS:-20}
BENCH_SERVER_THREADS=${BENCH_SERVER_THREADS:-2}
BENCH_LOADGEN_THREADS=${BENCH_LOADGEN_THREADS:-1}
BENCH_STRICT=${BENCH_STRICT:-0}
BENCH_GET=${BENCH_GET:-1}
BENCH_COMPARE=${BENCH_COMPARE:-1}
BENCH_LIFECYCLE=${BENCH_LIFECYCLE:-1}
BENCH_SWEEP_COUNT=${BENCH_SWEEP_COUNT:-1000000}

# Targets from the issue.
TARGET_RATIO=3          # HTTP@64 acknowledged writes/s >= 3 x single-row commits/s
TARGET_P99_MS=25        # HTTP@64 p99 latency
TARGET_INPROC=100000    # in-process creations/s

DUBAN=$BUILD/duban
# shellcheck source=bench/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
if [[ ! -x $DUBAN ]]; then
    echo "bench: $DUBAN not found; run 'make build' (or set BUILD=...)" >&2
    exit 1
fi
cmake --build "$BUILD" --target duban_bench_pipeline duban_bench_sql_floor duban_loadgen duban_sqlite_commit duban_bench_plan_import duban_bench_indicators duban_bench_geo >/dev/null
for b in duban_bench_pipeline duban_bench_sql_floor duban_loadgen duban_sqlite_commit duban_bench_plan_import duban_bench_indicators duban_bench_geo; do
    [[ -x $BUILD/$b ]] || { echo "bench: $BUILD/$b was not built" >&2; exit 1; }
done

TMP=$(mktemp -d "$BENCH_DIR/duban-bench-XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "== duban benchmarks — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "-- machine"
echo "cpus:     $(nproc) ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort | uniq -c | sed 's/^ *//' | paste -sd ';'))"
echo "kernel:   $(uname -sr)"
echo "memory:   $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
src=$(df -P "$TMP" | awk 'NR==2 {print $1}')
fstype=$(df -PT "$TMP" | awk 'NR==2 {print $2}')
dev=$(basename "$src")
rot=""
if [[ -r /sys/block/$dev/queue/rotational ]]; then
    [[ $(cat "/sys/block/$dev/queue/rotational") == 1 ]] && rot=", rotational" || rot=", non-rotational"
fi
virt=$(systemd-detect-virt 2>/dev/null || true)
echo "disk:     $TMP on $src ($fstype$rot)${virt:+, virtualised: $virt}"
echo "sqlite:   $(pkg-config --modversion sqlite3 2>/dev/null || echo unknown) (WAL, synchronous=FULL)"
echo "duban:    $($DUBAN version) [$DUBAN, $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || echo '?')]"
echo "network:  loopback (127.0.0.1); server and load generator share the $(nproc) cpus"
echo

echo "-- 1. SQLite single-row commits (${BENCH_SQLITE_SECONDS} s)"
out=$("$BUILD/duban_sqlite_commit" --dir "$TMP" --seconds "$BENCH_SQLITE_SECONDS")
grep -v '^RESULT' <<<"$out"
SQLITE_RATE=$(field per_s "$(grep '^RESULT' <<<"$out")")
echo

echo "-- 2. commit pipeline in-process, no HTTP (${BENCH_PIPELINE_COUNT} creations, at most ${BENCH_PIPELINE_SECONDS} s)"
set +e
out=$("$BUILD/duban_bench_pipeline" --dir "$TMP" --count "$BENCH_PIPELINE_COUNT" --seconds "$BENCH_PIPELINE_SECONDS")
rc=$?
set -e
grep -v '^RESULT' <<<"$out"
line=$(grep '^RESULT' <<<"$out" || true)
INPROC_RATE=$(field per_s "$line")
INPROC_BATCH=$(field avg_batch "$line")
INPROC_CHAIN=$(field chain_ok "$line")
[[ $rc == 0 ]] || echo "(the in-process benchmark reported a problem: exit $rc)"
# No target: what the optimistic batches save, and what failing commands cost them.
for variant in "--savepoint-per-command" "--fail-every 1000"; do
    case $variant in
        --savepoint-per-command) echo "   for comparison, every command in its own savepoint from the start:" ;;
        *) echo "   for comparison, 1 creation in 1,000 failing in the writer (every batch has one):" ;;
    esac
    set +e
    # shellcheck disable=SC2086  # the variant is two words on purpose
    out=$("$BUILD/duban_bench_pipeline" --dir "$TMP" --count "$BENCH_PIPELINE_COUNT" --seconds "$BENCH_PIPELINE_SECONDS" $variant)
    rc=$?
    set -e
    grep -E '^  [0-9]+ creations acknowledged|refused as they should|^  chain' <<<"$out" | sed 's/^/  /'
    [[ $rc == 0 ]] || echo "   (this run reported a problem: exit $rc)"
done
echo "   the floor under it: the same creations' SQL alone, run just after (bench/sql_floor.cpp)"
out=$("$BUILD/duban_bench_sql_floor" --dir "$TMP" --count "$BENCH_PIPELINE_COUNT")
grep -v '^RESULT' <<<"$out"
FLOOR_RATE=$(field per_s "$(grep '^RESULT' <<<"$out")")
echo

echo "-- 3. HTTP: POST /api/v1/org-units, keep-alive, ${BENCH_SECONDS} s per level after ${BENCH_WARMUP} s warm-up"
# start_server DB [extra serve options...]: a fresh demo server on a free loopback port; sets
# SERVER_PID, PORT, TOKEN (the demo admin's) and STREET (the parent the creations go under).
start_server() {
    local db=$1
    shift
    duban_start "$TMP" "$db" --demo --threads "$BENCH_SERVER_THREADS" "$@"
    TOKEN=$("$DUBAN" token create --username admin --db "$db" --name bench --days 1)
    STREET=$("$BUILD/duban_loadgen" --port "$PORT" --token "$TOKEN" --find-street)
}
DB=$TMP/http.db
start_server "$DB"
echo "server:   $DUBAN serve --threads $BENCH_SERVER_THREADS on 127.0.0.1:$PORT (pid $SERVER_PID), demo data, access log off"
echo "parent:   street id $STREET; token of 'admin' (sysadmin, all-data scope)"
# commits and commands answered so far by the server's pipeline, from /metrics
pipeline_counts() {
    curl -sf "http://127.0.0.1:$PORT/metrics" 2>/dev/null |
        awk '/^duban_commits_total / {c=$2} /^duban_commands_total / {n=$2} END {print (c==""?0:c), (n==""?0:n)}'
}
declare -A HTTP_RATE HTTP_P50 HTTP_P99 HTTP_ERR HTTP_BATCH
first=1
for c in $BENCH_CONCURRENCY; do
    read -r c0 n0 < <(pipeline_counts)
    out=$("$BUILD/duban_loadgen" --port "$PORT" --token "$TOKEN" --parent "$STREET" --concurrency "$c" \
        --seconds "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" --threads "$BENCH_LOADGEN_THREADS" \
        $([[ $first == 1 ]] && echo --header))
    first=0
    grep -v '^RESULT' <<<"$out"
    line=$(grep '^RESULT' <<<"$out")
    HTTP_RATE[$c]=$(field ok_per_s "$line")
    HTTP_P50[$c]=$(field p50_ms "$line")
    HTTP_P99[$c]=$(field p99_ms "$line")
    HTTP_ERR[$c]=$(field errors "$line")
    read -r c1 n1 < <(pipeline_counts)
    HTTP_BATCH[$c]=$(awk -v c=$((c1 - c0)) -v n=$((n1 - n0)) 'BEGIN {if (c > 0) printf "%.1f", n / c; else print "-"}')
done
LAST=${BENCH_CONCURRENCY##* }
GET_LINE=""
if [[ $BENCH_GET == 1 ]]; then
    echo "for comparison, reads without the writer: GET /api/v1/org-units/$STREET"
    out=$("$BUILD/duban_loadgen" --port "$PORT" --token "$TOKEN" --get "/api/v1/org-units/$STREET" --concurrency "$LAST" \
        --seconds "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" --threads "$BENCH_LOADGEN_THREADS")
    grep -v '^RESULT' <<<"$out"
    GET_LINE=$(grep '^RESULT' <<<"$out")
fi
duban_stop
audit=$("$DUBAN" audit verify --db "$DB" --json 2>&1 || true)
echo "audit chain after the run: $audit"
PERCMD_LINE=""
if [[ $BENCH_COMPARE == 1 ]]; then
    echo "for comparison, a server giving every command its own savepoint (serve --savepoint-per-command):"
    start_server "$TMP/http-per-command.db" --savepoint-per-command
    out=$("$BUILD/duban_loadgen" --port "$PORT" --token "$TOKEN" --parent "$STREET" --concurrency "$LAST" \
        --seconds "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" --threads "$BENCH_LOADGEN_THREADS")
    grep -v '^RESULT' <<<"$out"
    PERCMD_LINE=$(grep '^RESULT' <<<"$out")
    duban_stop
fi
echo

# ------------------------------------------------------------------ summary
H64=${HTTP_RATE[$LAST]:-0}
P99=${HTTP_P99[$LAST]:-0}
RATIO=$(awk -v a="$H64" -v b="$SQLITE_RATE" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
pass() { awk "BEGIN {exit !($1)}" && echo PASS || echo FAIL; }  # $1: an awk condition on numbers
R1=$(pass "$RATIO >= $TARGET_RATIO")
R2=$(pass "$P99 <= $TARGET_P99_MS && $P99 > 0")
R3=$(pass "${INPROC_RATE:-0} >= $TARGET_INPROC")

echo "== summary"
printf "%-44s %11s %9s %9s %7s %10s\n" "" "per second" "p50 ms" "p99 ms" "errors" "avg batch"
printf "%-44s %11.0f %9s %9s %7s %10s\n" "SQLite single-row commit (WAL, FULL)" "$SQLITE_RATE" "-" "-" "-" "1"
printf "%-44s %11.0f %9s %9s %7s %10s\n" "in-process pipeline (no HTTP)" "${INPROC_RATE:-0}" "-" "-" "-" "${INPROC_BATCH:--}"
printf "%-44s %11.0f %9s %9s %7s %10s\n" "(its SQL alone, no JSON/hash: the floor)" "${FLOOR_RATE:-0}" "-" "-" "-" "1024"
for c in $BENCH_CONCURRENCY; do
    printf "%-44s %11.0f %9.2f %9.2f %7s %10s\n" "HTTP POST /api/v1/org-units, concurrency $c" "${HTTP_RATE[$c]}" \
        "${HTTP_P50[$c]}" "${HTTP_P99[$c]}" "${HTTP_ERR[$c]}" "${HTTP_BATCH[$c]}"
done
if [[ -n $GET_LINE ]]; then
    printf "%-44s %11.0f %9.2f %9.2f %7s %10s\n" "(reads, no writer: GET one unit, conc. $LAST)" "$(field ok_per_s "$GET_LINE")" \
        "$(field p50_ms "$GET_LINE")" "$(field p99_ms "$GET_LINE")" "$(field errors "$GET_LINE")" "-"
fi
if [[ -n $PERCMD_LINE ]]; then
    printf "%-44s %11.0f %9.2f %9.2f %7s %10s\n" "(POST, a savepoint per command, conc. $LAST)" "$(field ok_per_s "$PERCMD_LINE")" \
        "$(field p50_ms "$PERCMD_LINE")" "$(field p99_ms "$PERCMD_LINE")" "$(field errors "$PERCMD_LINE")" "-"
fi
echo
echo "ratio HTTP@$LAST / single-row commit: ${RATIO}x"
echo "[$R1] HTTP@$LAST acknowledged durable writes/s >= ${TARGET_RATIO}x single-row-commit rate ($(printf %.0f "$H64") vs ${TARGET_RATIO} x $(printf %.0f "$SQLITE_RATE") = $(awk -v b="$SQLITE_RATE" -v t=$TARGET_RATIO 'BEGIN {printf "%.0f", t*b}'))"
echo "[$R2] HTTP@$LAST p99 <= ${TARGET_P99_MS} ms (${P99} ms)"
echo "[$R3] in-process >= ${TARGET_INPROC}/s ($(printf %.0f "${INPROC_RATE:-0}")/s; chain verified: $([[ $INPROC_CHAIN == 1 ]] && echo yes || echo NO))"
echo "      in-process / its SQL alone: $(awk -v a="${INPROC_RATE:-0}" -v b="${FLOOR_RATE:-0}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
echo
echo "== work report import (bench/plan_import_bench.cpp; targets: seed <= 50 ms, a 200-page report <= 1 s)"
PLAN_OUT=$("$BUILD/duban_bench_plan_import" 2>&1)
echo "$PLAN_OUT"
R4=PASS
grep -q "target.*: met" <<<"$PLAN_OUT" && ! grep -q "not met" <<<"$PLAN_OUT" || R4=FAIL
echo "[$R4] report import targets"
echo
echo "== indicators (bench/indicators_bench.cpp; targets: 1M values imported <= 5 s, the month's table <= 200 ms)"
IND_OUT=$("$BUILD/duban_bench_indicators" --dir "$BENCH_DIR" 2>&1)
echo "$IND_OUT"
R5=PASS
grep -q "MISS" <<<"$IND_OUT" && R5=FAIL
grep -q "PASS" <<<"$IND_OUT" || R5=FAIL
echo "[$R5] indicator targets"
echo
echo "== point location (bench/geo_bench.cpp: geo::GridIndex, a GEOS STRtree over prepared polygons)"
"$BUILD/duban_bench_geo" "${BENCH_GEO_POINTS:-1000000}"
echo
echo "== case KPIs over 10 million cases vs PostgreSQL 15 and SQLite (bench/kpi.sh; targets: (a) <= 20 ms, (b) <= 100 ms, (d) <= 5 ms p50, RSS <= 4 GB, same numbers)"
R6=PASS
if [[ ${BENCH_KPI:-1} == 1 ]]; then
    KPI_OUT=$(BUILD="$BUILD" bash bench/kpi.sh 2>&1) || R6=FAIL
    echo "$KPI_OUT"
    grep -q "SKIPPED" <<<"$KPI_OUT" && R6=SKIPPED
else
    R6=SKIPPED
    echo "skipped (BENCH_KPI=0)"
fi
echo "[$R6] case KPI targets"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== case warning sweep (bench/case_sweep_bench.cpp): ${BENCH_SWEEP_COUNT} open cases, 1% falling due"
if cmake --build "$BUILD" --target duban_bench_case_sweep >/dev/null 2>&1 && [[ -x $BUILD/duban_bench_case_sweep ]]; then
    "$BUILD/duban_bench_case_sweep" --dir "$BENCH_DIR" --count "$BENCH_SWEEP_COUNT" || echo "(the sweep benchmark failed)"
else
    echo "skipped: duban_bench_case_sweep is not built (no case engine in this tree)"
fi
echo
echo "== case lists on 1 million cases (bench/case_list.sh; no target: read the p50 column)"
if [[ ${BENCH_CASE_LIST:-1} == 1 ]]; then
    BUILD=$BUILD LIST_DIR=$BENCH_DIR/duban-case-list bash bench/case_list.sh || echo "(the case list benchmark failed)"
else
    echo "skipped (BENCH_CASE_LIST=0)"
fi
R7=PASS
if [[ $BENCH_LIFECYCLE == 1 ]]; then
    echo
    BUILD=$BUILD BENCH_DIR=$BENCH_DIR BENCH_SERVER_THREADS=$BENCH_SERVER_THREADS BENCH_STRICT=$BENCH_STRICT \
        bash bench/lifecycle.sh || R7=FAIL
fi
if [[ $BENCH_STRICT == 1 && ( $R1 == FAIL || $R2 == FAIL || $R3 == FAIL || $R4 == FAIL || $R5 == FAIL || $R6 == FAIL || $R7 == FAIL ) ]]; then
    exit 1
fi
