#!/usr/bin/env bash
# Case lists on a large database: how long GET /api/v1/cases takes with the filters people use
# (a street, a light, a category, text), as the leader (whole district) and as a street's staff and
# a grid inspector (their scope), over LIST_N generated cases. See docs/benchmarks.md ("Case lists").
#
#   1. builds duban and the load generator; seeds the demo database and adds LIST_N generated cases
#      with `duban demo-cases` (kept in $LIST_DIR and reused while LIST_N is the same);
#   2. starts `duban serve` on 127.0.0.1 with that database;
#   3. for each query, one client loops GET for LIST_SECONDS and the load generator prints the
#      requests answered, p50 and p99; the table at the end lists them with each answer's total.
#
# Environment: BUILD=build, LIST_DIR=/var/tmp/duban-case-list (bench/run.sh passes
# $BENCH_DIR/duban-case-list), LIST_N=1000000, LIST_SECONDS=3.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LIST_DIR=${LIST_DIR:-/var/tmp/duban-case-list}
LIST_N=${LIST_N:-1000000}
LIST_SECONDS=${LIST_SECONDS:-3}
cmake --build "$BUILD" --target duban duban_loadgen >/dev/null
DUBAN=$BUILD/duban
# shellcheck source=bench/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
mkdir -p "$LIST_DIR"
DB=$LIST_DIR/cases.db
SERVER_PID=""
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

start_server() { duban_start "$LIST_DIR" "$DB" "$@"; }  # $@: extra flags
stop_server() { duban_stop; }

if [[ ! -f $DB || $(cat "$LIST_DIR/n" 2>/dev/null) != "$LIST_N" ]]; then
    rm -f "$DB" "$DB"-wal "$DB"-shm "$LIST_DIR/n"
    echo "case list bench: seeding the demo and generating $LIST_N cases into $DB ..."
    start_server --demo
    stop_server
    t0=$(date +%s)
    "$DUBAN" demo-cases --count "$LIST_N" --db "$DB" --seed 7 | tail -2
    echo "generated in $(( $(date +%s) - t0 )) s"
    echo "$LIST_N" > "$LIST_DIR/n"
fi

start_server
echo "== case lists over $(du -h "$DB" | cut -f1) of SQLite ($LIST_N generated cases), one client, ${LIST_SECONDS} s per query"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg); duban: $("$DUBAN" version)"
declare -A TOKEN
for u in leader chunliu.staff grid.inspector; do
    TOKEN[$u]=$("$DUBAN" token create --username "$u" --db "$DB" --name case-list-bench --days 1)
done
get() {  # $1 user, $2 path: prints the JSON answer
    curl -sf -H "Authorization: Bearer ${TOKEN[$1]}" "http://127.0.0.1:$PORT$2"
}
STREET=$(get leader "/api/v1/org-units?kind=street&q=%E6%98%A5%E6%9F%B3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
CATEGORY=$(get leader "/api/v1/cases?type=urban&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["category"])')
QUERIES=(
    "leader|/api/v1/cases?per_page=20"
    "leader|/api/v1/cases?per_page=20&street_id=$STREET"
    "leader|/api/v1/cases?per_page=20&light=red"
    "leader|/api/v1/cases?per_page=20&category=$CATEGORY"
    "leader|/api/v1/cases?per_page=20&street_id=$STREET&light=red"
    "leader|/api/v1/cases?per_page=20&q=%E4%BA%95%E7%9B%96"
    "leader|/api/v1/cases?per_page=20&q=%E6%89%AC%E5%B0%98%E4%B8%A5%E9%87%8D"
    "leader|/api/v1/cases?per_page=20&q=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE"
    "leader|/api/v1/cases?per_page=20&q=%E6%BC%94%E7%A4%BA"
    "leader|/api/v1/cases?per_page=20&q=%E4%BA%95"
    "chunliu.staff|/api/v1/cases?per_page=20"
    "chunliu.staff|/api/v1/cases?per_page=20&light=red"
    "chunliu.staff|/api/v1/cases?per_page=20&q=%E4%BA%95%E7%9B%96"
    "grid.inspector|/api/v1/cases?per_page=20"
)
printf "%-15s %-58s %9s %9s %9s %8s\n" user query total p50_ms p99_ms requests
for q in "${QUERIES[@]}"; do
    user=${q%%|*}
    path=${q#*|}
    total=$(get "$user" "$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    line=$("$BUILD/duban_loadgen" --port "$PORT" --token "${TOKEN[$user]}" --get "$path" --concurrency 1 \
        --seconds "$LIST_SECONDS" --warmup 0.5 --threads 1 | grep '^RESULT')
    field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$line"; }
    printf "%-15s %-58s %9s %9s %9s %8s\n" "$user" "${path#/api/v1/cases?}" "$total" "$(field p50_ms)" "$(field p99_ms)" "$(field ok)"
done
stop_server
