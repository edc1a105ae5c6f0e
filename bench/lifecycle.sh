#!/usr/bin/env bash
# The case lifecycle benchmark (`make bench` runs it from bench/run.sh; see docs/benchmarks.md,
# "Case lifecycle vs Request Tracker 5 and Redmine").
#
# One lifecycle is four durable writes, as ../shared/peers/lifecycle_load.py runs them on Request
# Tracker 5 and Redmine: create a hotline case with a category and a Chinese body, dispatch it to a
# unit, add a handling note, close it (docs/cases-api.md, "The benchmark lifecycle").
#
#   1. duban: `duban serve --demo` on a fresh SQLite database (WAL, synchronous=FULL) in a temporary
#      directory, 127.0.0.1 on a free port; bench/loadgen.cpp --lifecycle as ducha.staff (one session
#      per connection) at each concurrency level;
#   2. Request Tracker 5 (rt-server, 8 Starlet workers) with the peers' rt_bench.sh (token auth, then
#      session-cookie auth — the fair one: RT checks its API token with bcrypt on every request);
#   3. Redmine 5 (puma 2 workers x 5 threads) with the peers' redmine_bench.sh;
#   4. one table: system x concurrency -> lifecycles/s, write p50/p99, and the ratios at concurrency 8.
#
# The peers run only when they are installed and set up (once per machine, several minutes; the state
# is cached under $PEERS_STATE, outside the repository) and this runs as root (their scripts switch to
# the postgres user); otherwise they are skipped with a message. PEERS_SETUP=1 does the one-time setup.
#
# Environment (all optional):
#   BUILD=build                     build directory holding duban and duban_loadgen
#   BENCH_DIR=$TMPDIR or /tmp       where duban's temporary database goes
#   DUR=20                          seconds per concurrency level (every system)
#   LEVELS="1 8 32"                 concurrency levels
#   MAX=2000                        at most this many lifecycles per level for the peers
#   DUBAN_MAX=0                     ... and for duban (0: bounded by DUR only)
#   LIFECYCLE_WARMUP=1              warm-up seconds before each duban level (not counted)
#   LIFECYCLE_LOGIN=ducha.staff:Duban-Demo-2026!
#   BENCH_SERVER_THREADS=2          duban serve --threads
#   PEERS=../shared/peers           the peers' scripts (relative to the repository's root)
#   PEERS_STATE=/var/tmp/duban-peers  their cached state: PostgreSQL data, tokens, logs
#   PEERS_SKIP=0                    1: duban only
#   PEERS_SETUP=0                   1: install and set up the peers first when they are not
#   RT_WORKERS=8, REDMINE_WORKERS=2, REDMINE_THREADS=5
#   TARGET_RATIO=300                must-show: duban at concurrency 8 >= 300 x each peer
#   BENCH_STRICT=0                  1: exit 1 when the must-show ratio is missed (or a peer is missing)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
DUR=${DUR:-20}
LEVELS=${LEVELS:-"1 8 32"}
MAX=${MAX:-2000}
DUBAN_MAX=${DUBAN_MAX:-0}
LIFECYCLE_WARMUP=${LIFECYCLE_WARMUP:-1}
LIFECYCLE_LOGIN=${LIFECYCLE_LOGIN:-ducha.staff:Duban-Demo-2026!}
BENCH_SERVER_THREADS=${BENCH_SERVER_THREADS:-2}
PEERS=${PEERS:-../shared/peers}
export PEERS_STATE=${PEERS_STATE:-/var/tmp/duban-peers}
PEERS_SKIP=${PEERS_SKIP:-0}
PEERS_SETUP=${PEERS_SETUP:-0}
RT_WORKERS=${RT_WORKERS:-8}
REDMINE_WORKERS=${REDMINE_WORKERS:-2}
REDMINE_THREADS=${REDMINE_THREADS:-5}
TARGET_RATIO=${TARGET_RATIO:-300}
BENCH_STRICT=${BENCH_STRICT:-0}
REF=8  # the concurrency the must-show ratio is read at

DUBAN=$BUILD/duban
# shellcheck source=bench/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
LOADGEN=$BUILD/duban_loadgen
if [[ ! -x $DUBAN ]]; then
    echo "lifecycle: $DUBAN not found; run 'make build' (or set BUILD=...)" >&2
    exit 1
fi
# A build directory is brought up to date; a plain directory of binaries is used as it is.
[[ -f $BUILD/CMakeCache.txt ]] && cmake --build "$BUILD" --target duban_loadgen >/dev/null
[[ -x $LOADGEN ]] || { echo "lifecycle: $LOADGEN was not built" >&2; exit 1; }

TMP=$(mktemp -d "$BENCH_DIR/duban-lifecycle-XXXXXX")
SERVER_PID=""
PEER_STARTED=""   # rt / redmine while one of them runs
PG_STARTED=0      # 1 when this script started the peers' PostgreSQL (so it stops it again)
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    case $PEER_STARTED in
        rt) "$PEERS/rt_stop.sh" >/dev/null 2>&1 || true ;;
        redmine) "$PEERS/redmine_stop.sh" >/dev/null 2>&1 || true ;;
    esac
    [[ $PG_STARTED == 1 ]] && { "$PEERS/pg_stop.sh" >/dev/null 2>&1 || true; }
    rm -rf "$TMP"
}
trap cleanup EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Results: R_LPS[system,c], R_P50, R_P99, R_ERR.
declare -A R_LPS R_P50 R_P99 R_ERR
SYSTEMS=()

echo "== case lifecycle: create, dispatch, note, close (4 writes) — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
echo "levels:   $LEVELS; $DUR s per level"
echo

# ------------------------------------------------------------------ duban
echo "-- duban: POST /api/v1/cases, …/actions/dispatch, …/notes, …/actions/close as ${LIFECYCLE_LOGIN%%:*}"
DB=$TMP/lifecycle.db
duban_start "$TMP" "$DB" --demo --threads "$BENCH_SERVER_THREADS"
echo "server:   $DUBAN serve --threads $BENCH_SERVER_THREADS on 127.0.0.1:$PORT, demo data, SQLite WAL synchronous=FULL, access log off"
first=1
DUBAN_OK=1
for c in $LEVELS; do
    set +e
    out=$("$LOADGEN" --port "$PORT" --login "$LIFECYCLE_LOGIN" --lifecycle --concurrency "$c" --seconds "$DUR" \
        --warmup "$LIFECYCLE_WARMUP" --max-lifecycles "$DUBAN_MAX" $([[ $first == 1 ]] && echo --header) 2>"$TMP/loadgen.err")
    rc=$?
    set -e
    first=0
    grep -v '^RESULT' <<<"$out" || true
    cat "$TMP/loadgen.err" >&2
    line=$(grep '^RESULT' <<<"$out" || true)
    if [[ $rc != 0 || -z $line ]]; then
        echo "lifecycle: the duban load generator failed at concurrency $c (exit $rc)" >&2
        DUBAN_OK=0
        break
    fi
    R_LPS[duban,$c]=$(field lifecycles_per_s "$line")
    R_P50[duban,$c]=$(field p50_ms "$line")
    R_P99[duban,$c]=$(field p99_ms "$line")
    R_ERR[duban,$c]=$(field errors "$line")
done
[[ $DUBAN_OK == 1 ]] && SYSTEMS+=(duban)
duban_stop
echo "audit chain after the run: $("$DUBAN" audit verify --db "$DB" --json 2>&1 || true)"
echo

# ------------------------------------------------------------------ the peers
# peer_results LABEL FILE: "concurrency lifecycles_per_s p50 p99 errors" per level of that label.
peer_results() {
    python3 - "$1" "$2" <<'PY'
import json, sys
label, path = sys.argv[1], sys.argv[2]
for line in open(path, encoding="utf-8", errors="replace"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("label") != label or "lifecycles_per_s" not in r:
        continue
    w = r.get("latency_ms", {}).get("all_writes", {})
    print(r["concurrency"], r["lifecycles_per_s"], w.get("p50", "nan"), w.get("p99", "nan"), r.get("errors", 0))
PY
}
record_peer() {  # record_peer SYSTEM LABEL FILE
    local n=0
    while read -r c lps p50 p99 err; do
        R_LPS[$1,$c]=$lps; R_P50[$1,$c]=$p50; R_P99[$1,$c]=$p99; R_ERR[$1,$c]=$err
        n=$((n + 1))
    done < <(peer_results "$2" "$3")
    [[ $n -gt 0 ]] && SYSTEMS+=("$1")
    return 0
}

PEERS_NOTE=""
[[ $PEERS != /* ]] && PEERS=$ROOT/$PEERS
if [[ $PEERS_SKIP == 1 ]]; then
    PEERS_NOTE="skipped (PEERS_SKIP=1)"
elif [[ ! -f $PEERS/lifecycle_load.py || ! -x $PEERS/rt_bench.sh ]]; then
    PEERS_NOTE="skipped: no peers at $PEERS (set PEERS=/path/to/shared/peers)"
elif [[ $(id -u) != 0 ]]; then
    PEERS_NOTE="skipped: the peers' scripts need root (they run PostgreSQL as the postgres user)"
else
    installed() { [[ $(dpkg-query -W -f='${Status}\n' request-tracker5 redmine 2>/dev/null | grep -c 'install ok installed') == 2 ]]; }
    set_up() { [[ -s $PEERS_STATE/rt_token.txt && -s $PEERS_STATE/redmine_ids.env && -f $PEERS_STATE/pgdata/PG_VERSION ]]; }
    if ! installed || ! set_up; then
        if [[ $PEERS_SETUP == 1 ]]; then
            echo "-- peers: one-time setup (several minutes; cached under $PEERS_STATE)"
            out=$("$PEERS/pg_start.sh" 2>&1) || { echo "$out" >&2; exit 1; }
            grep -q "already running" <<<"$out" || PG_STARTED=1
            installed || "$PEERS/install_peers.sh"
            [[ -s $PEERS_STATE/rt_token.txt ]] || "$PEERS/rt_setup.sh"
            [[ -s $PEERS_STATE/redmine_ids.env ]] || "$PEERS/redmine_setup.sh"
        fi
    fi
    if ! installed || ! set_up; then
        PEERS_NOTE="skipped: RT 5 and Redmine are not installed and set up on this machine (once, several minutes:
          PEERS_SETUP=1 bash bench/lifecycle.sh, or by hand as in $PEERS/README.md)"
    else
        if [[ $PG_STARTED == 0 ]]; then
            out=$("$PEERS/pg_start.sh" 2>&1) || { echo "$out" >&2; exit 1; }
            grep -q "already running" <<<"$out" || PG_STARTED=1
        fi
        echo "-- Request Tracker 5: rt-server, $RT_WORKERS Starlet workers, PostgreSQL 15 (durable commits); rt_bench.sh"
        "$PEERS/rt_stop.sh" >/dev/null 2>&1 || true
        PEER_STARTED=rt
        "$PEERS/rt_start.sh" "$RT_WORKERS"
        set +e
        DUR=$DUR MAX=$MAX LEVELS=$LEVELS "$PEERS/rt_bench.sh" 2>&1 | tee "$TMP/rt.out"
        set -e
        "$PEERS/rt_stop.sh" >/dev/null 2>&1 || true
        PEER_STARTED=""
        record_peer rt-cookie rt-cookie-auth "$TMP/rt.out"
        record_peer rt-token rt-token-auth "$TMP/rt.out"
        echo
        echo "-- Redmine 5: puma $REDMINE_WORKERS workers x $REDMINE_THREADS threads, PostgreSQL 15; redmine_bench.sh"
        "$PEERS/redmine_stop.sh" >/dev/null 2>&1 || true
        PEER_STARTED=redmine
        "$PEERS/redmine_start.sh" "$REDMINE_WORKERS" "$REDMINE_THREADS"
        set +e
        DUR=$DUR MAX=$MAX LEVELS=$LEVELS "$PEERS/redmine_bench.sh" 2>&1 | tee "$TMP/redmine.out"
        set -e
        "$PEERS/redmine_stop.sh" >/dev/null 2>&1 || true
        PEER_STARTED=""
        record_peer redmine redmine-puma "$TMP/redmine.out"
        if [[ $PG_STARTED == 1 ]]; then
            "$PEERS/pg_stop.sh" >/dev/null 2>&1 || true
            PG_STARTED=0
        fi
        echo
    fi
fi
[[ -n $PEERS_NOTE ]] && echo "-- peers: $PEERS_NOTE" && echo

# ------------------------------------------------------------------ summary
echo "== case lifecycle summary (4 writes per lifecycle; p50/p99 over all write requests)"
printf "%-12s %11s %13s %10s %10s %7s\n" "system" "concurrency" "lifecycles/s" "p50 ms" "p99 ms" "errors"
for s in "${SYSTEMS[@]}"; do
    for c in $LEVELS; do
        [[ -n ${R_LPS[$s,$c]:-} ]] || continue
        printf "%-12s %11s %13.2f %10.1f %10.1f %7s\n" "$s" "$c" "${R_LPS[$s,$c]}" "${R_P50[$s,$c]}" "${R_P99[$s,$c]}" "${R_ERR[$s,$c]}"
    done
done
echo
FAIL=0
D8=${R_LPS[duban,$REF]:-}
for p in rt-cookie rt-token redmine; do
    P8=${R_LPS[$p,$REF]:-}
    if [[ -z $D8 || -z $P8 ]]; then
        [[ $p == rt-token ]] || { echo "ratio duban/$p at concurrency $REF: not measured"; FAIL=1; }
        continue
    fi
    ratio=$(awk -v a="$D8" -v b="$P8" 'BEGIN {printf "%.0f", (b > 0 ? a / b : 0)}')
    if [[ $p == rt-token ]]; then
        echo "ratio duban/$p at concurrency $REF: ${ratio}x (for information: RT's token mode pays a bcrypt per request)"
        continue
    fi
    verdict=$(awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN {print (r >= t ? "PASS" : "FAIL")}')
    [[ $verdict == FAIL ]] && FAIL=1
    echo "[$verdict] ratio duban/$p at concurrency $REF: ${ratio}x (target >= ${TARGET_RATIO}x; $D8 vs $P8 lifecycles/s)"
done
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $BENCH_STRICT == 1 && $FAIL == 1 ]]; then
    exit 1
fi
exit 0
