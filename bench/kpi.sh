#!/usr/bin/env bash
# The case KPI benchmark: duban's KPI engine over 10 million generated cases, side by side with
# PostgreSQL 15 and SQLite answering the same four queries on the same data, in the same run.
# See docs/benchmarks.md ("Case KPIs over 10 million cases").
#
#   1. builds ../shared/peers/kpi/gen.c and generates KPI_N cases into $KPI_DIR (reused if there);
#   2. starts a throwaway PostgreSQL 15 cluster in $KPI_DIR/pgdata on 127.0.0.1:$KPI_PGPORT with
#      ../shared/peers/kpi/pg.conf, loads cases.csv (pg_load.sql), adds the BRIN index and the
#      extended statistics (pg_brin.sql + pg_stx.sql: PostgreSQL's best variant). Cached: a second
#      run finds the loaded table and skips the load. Stopped at the end (KPI_PG_KEEP=1 keeps it);
#   3. runs build/duban_bench_kpi: loads cases.bin into duban's KPI store, loads the same cases
#      into SQLite ($KPI_DIR/cases.sqlite, cached), times the four queries on the three engines,
#      compares the answers row by row (MATCH/MISMATCH) and prints p50/p99 and duban's memory.
#
# Skips (exit 0, with a message) when PostgreSQL 15 or the peers' generator is missing.
# Environment: BUILD=build, KPI_DIR=/var/tmp/kpi-bench, KPI_N=10000000, KPI_PGPORT=5499,
#   KPI_RUNS=30 (duban), KPI_PG_RUNS=10, KPI_SQLITE_RUNS=5, KPI_NO_PG=1 (duban and SQLite only),
#   KPI_PREPARE_ONLY=1 (generate and load PostgreSQL, then stop), KPI_PG_KEEP=1 (leave it running).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PEERS=${KPI_PEERS:-../shared/peers/kpi}
[[ -d $PEERS ]] || PEERS=/work/shared/peers/kpi
KPI_DIR=${KPI_DIR:-/var/tmp/kpi-bench}
KPI_N=${KPI_N:-10000000}
KPI_PGPORT=${KPI_PGPORT:-5499}
PGBIN=/usr/lib/postgresql/15/bin

if [[ ! -f $PEERS/gen.c ]]; then
    echo "kpi bench: SKIPPED: $PEERS/gen.c not found (the peers' KPI baseline is needed)"; exit 0
fi
[[ ${KPI_PREPARE_ONLY:-0} == 1 ]] || cmake --build "$BUILD" --target duban_bench_kpi >/dev/null
mkdir -p "$KPI_DIR/tools"
if [[ ! -x $KPI_DIR/tools/gen || $PEERS/gen.c -nt $KPI_DIR/tools/gen ]]; then
    gcc -O2 -o "$KPI_DIR/tools/gen" "$PEERS/gen.c" -lm
fi
if [[ ! -f $KPI_DIR/cases.bin || ! -f $KPI_DIR/cases.csv || $(cat "$KPI_DIR/n" 2>/dev/null) != "$KPI_N" ]]; then
    rm -f "$KPI_DIR/cases.sqlite" "$KPI_DIR/pg_loaded"
    echo "kpi bench: generating $KPI_N cases into $KPI_DIR ..."
    "$KPI_DIR/tools/gen" "$KPI_DIR" "$KPI_N"
    echo "$KPI_N" > "$KPI_DIR/n"
fi

PG_URL=""
PG_STARTED=0
if [[ ${KPI_NO_PG:-0} != 1 ]]; then
    if [[ ! -x $PGBIN/initdb ]]; then
        echo "kpi bench: PostgreSQL 15 not installed ($PGBIN); comparing with SQLite only"
    else
        RUNAS=()
        [[ $(id -u) == 0 ]] && RUNAS=(su postgres -s /bin/bash -c)
        run_pg() { if [[ ${#RUNAS[@]} -gt 0 ]]; then "${RUNAS[@]}" "$*"; else bash -c "$*"; fi; }
        PGDATA=$KPI_DIR/pgdata
        if [[ ! -f $PGDATA/PG_VERSION ]]; then
            rm -f "$KPI_DIR/pg_loaded"
            mkdir -p "$PGDATA"; [[ $(id -u) == 0 ]] && chown postgres "$PGDATA" "$KPI_DIR"
            chmod 700 "$PGDATA"
            run_pg "$PGBIN/initdb -D $PGDATA -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=trust" >/dev/null
            { cat "$PEERS/pg.conf"; echo "port = $KPI_PGPORT"; echo "unix_socket_directories = '$PGDATA'"; } >> "$PGDATA/postgresql.conf"
        fi
        if ! run_pg "$PGBIN/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
            run_pg "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w start" >/dev/null
            PG_STARTED=1
        fi
        PSQL=(psql -X -q -h 127.0.0.1 -p "$KPI_PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
        if [[ ! -f $KPI_DIR/pg_loaded ]] || ! "${PSQL[@]}" -tAc "SELECT count(*) FROM cases" 2>/dev/null | grep -qx "$KPI_N"; then
            echo "kpi bench: loading $KPI_N cases into PostgreSQL (COPY, PK, VACUUM ANALYZE, BRIN, statistics) ..."
            chmod o+r "$KPI_DIR/cases.csv"
            t0=$(date +%s.%N)
            sed "s#/var/tmp/kpi-bench/cases.csv#$KPI_DIR/cases.csv#" "$PEERS/pg_load.sql" | "${PSQL[@]}" -f - >"$KPI_DIR/pg_load.log"
            "${PSQL[@]}" -f "$PEERS/pg_brin.sql" -f "$PEERS/pg_stx.sql" >>"$KPI_DIR/pg_load.log"
            t1=$(date +%s.%N)
            echo "kpi bench: PostgreSQL load $(echo "$t1 - $t0" | bc) s (COPY + PK + VACUUM ANALYZE + BRIN + statistics)"
            touch "$KPI_DIR/pg_loaded"
        else
            echo "kpi bench: PostgreSQL: reusing the loaded table in $PGDATA"
        fi
        # warm the cache the way the peers' figures were measured (warm cache)
        "${PSQL[@]}" -c "SELECT count(*) FROM cases" >/dev/null
        PG_URL="host=127.0.0.1 port=$KPI_PGPORT user=postgres dbname=postgres"
    fi
fi

if [[ ${KPI_PREPARE_ONLY:-0} == 1 ]]; then echo "kpi bench: prepared (KPI_PREPARE_ONLY=1; PostgreSQL left running)"; exit 0; fi
set +e
"$BUILD/duban_bench_kpi" --bin "$KPI_DIR/cases.bin" --sqlite "$KPI_DIR/cases.sqlite" \
    ${PG_URL:+--pg "$PG_URL"} --runs "${KPI_RUNS:-30}" --pg-runs "${KPI_PG_RUNS:-10}" \
    --sqlite-runs "${KPI_SQLITE_RUNS:-5}" --q "$PEERS/q"
rc=$?
set -e
if [[ $PG_STARTED == 1 && ${KPI_PG_KEEP:-0} != 1 ]]; then
    run_pg "$PGBIN/pg_ctl -D $KPI_DIR/pgdata -m fast stop" >/dev/null
fi
exit $rc
