# Sourced by the benchmark scripts: start and stop a duban server on a free loopback port.
# Needs $DUBAN (the binary). Uses SERVER_PID and PORT, which the caller's cleanup may read.

# duban_start DIR DB [serve options...]: `duban serve` on DB, its output in DIR/server.out and
# DIR/server.err; returns once it prints its address (PORT set). A server that does not start
# within a minute ends the script with its output.
duban_start() {
    local dir=$1 db=$2
    shift 2
    "$DUBAN" serve --db "$db" --listen 127.0.0.1:0 --no-access-log --login-rate 100000 "$@" \
        >"$dir/server.out" 2>"$dir/server.err" &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 1 600); do
        PORT=$(sed -n 's|^duban .* serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$dir/server.out" 2>/dev/null)
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: the server did not start:" >&2
    cat "$dir/server.out" "$dir/server.err" >&2
    exit 1
}

# duban_stop: stops the server duban_start started and waits for it.
duban_stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
