#!/usr/bin/env bash
# The network benchmark: `citecheck check` side by side with lychee on the same briefs, served by
# bench/loadserver over a modelled network (round trips, connection set-up, congestion windows),
# at equal politeness, alternating, several times; then extraction alone (`citecheck extract`
# against `lychee --dump`). Writes bench/RESULTS.md. See bench/README.md.
#
# Environment (all optional):
#   RUNS=3                          runs per tool and setting (the median is reported)
#   MATRIX="1000:1 1000:10 1000:100 10000:100"   references:hosts settings
#   NETS="h1 h2 flat"               h1: HTTP/1.1, h2: HTTP/2 over TLS, flat: HTTP/1.1, no latency
#   RTT_MS=50 SETUP_RTTS=2 MAX_WINDOW=640000   the modelled network
#   EXTRACT=1                       also run the extraction comparison (EXTRACT=0 keeps the last one)
#   LYCHEE_DUMP_TIMEOUT=300         seconds lychee --dump may take on the 40 MB document
#   CITECHECK=path LYCHEE=path      use these binaries instead of building / installing
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out/network
RUNS=${RUNS:-3}
MATRIX=${MATRIX:-"1000:1 1000:10 1000:100 10000:100"}
NETS=${NETS-"h1 h2 flat"}
RTT_MS=${RTT_MS:-50}
SETUP_RTTS=${SETUP_RTTS:-2}
MAX_WINDOW=${MAX_WINDOW:-640000}
EXTRACT=${EXTRACT:-1}
LYCHEE_DUMP_TIMEOUT=${LYCHEE_DUMP_TIMEOUT:-300}
GLOBAL=64 PER_HOST=8 INTERVAL_MS=10
PORT_PLAIN=18080 PORT_TLS=18443
mkdir -p "$OUT"

log() { printf '%s\n' "$*" >&2; }

# --- binaries ---------------------------------------------------------------------------------
if [[ -z "${CITECHECK:-}" ]]; then
    log "building citecheck (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    CITECHECK=$ROOT/target/release/citecheck
fi
log "building the load server (release)"
(cd "$ROOT/bench/loadserver" && cargo build --release --quiet)
LOADSERVER=$ROOT/bench/loadserver/target/release/loadserver
if [[ -z "${LYCHEE:-}" ]]; then
    if ! command -v lychee >/dev/null; then
        log "installing lychee (cargo install lychee --locked; needs libssl-dev and pkg-config)"
        if ! dpkg -s libssl-dev pkg-config >/dev/null 2>&1; then
            apt-get install -y libssl-dev pkg-config >/dev/null
        fi
        cargo install lychee --locked
    fi
    LYCHEE=$(command -v lychee)
fi
[[ -x /usr/bin/time ]] || { log "needs /usr/bin/time (Debian package: time)"; exit 1; }

CC_VERSION=$("$CITECHECK" --version)
LY_VERSION=$("$LYCHEE" --version)
CC_HAS_CACHE=0
if "$CITECHECK" check --help | grep -q -- '--cache'; then CC_HAS_CACHE=1; fi
# A run is cold only if nothing is cached: lychee caches only with --cache, so it is left off.
CC_COLD=()
if "$CITECHECK" check --help | grep -q -- '--no-cache'; then CC_COLD=(--no-cache); fi

# --- the server -------------------------------------------------------------------------------
SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

# start_server NET HOSTS: sets SCHEME, PORT, BASE
start_server() {
    local net=$1 hosts=$2 args=()
    case $net in
        h1) args=(--rtt-ms "$RTT_MS" --setup-rtts "$SETUP_RTTS"); SCHEME=http; PORT=$PORT_PLAIN ;;
        flat) args=(--rtt-ms 0 --setup-rtts 0); SCHEME=http; PORT=$PORT_PLAIN ;;
        h2) args=(--rtt-ms "$RTT_MS" --setup-rtts "$SETUP_RTTS" --tls h2,http/1.1 --ca-out "$OUT/ca.pem")
            SCHEME=https; PORT=$PORT_TLS ;;
    esac
    "$LOADSERVER" serve --hosts "$hosts" --port "$PORT" --max-window "$MAX_WINDOW" "${args[@]}" \
        >"$OUT/server.log" 2>&1 &
    SERVER_PID=$!
    BASE="$SCHEME://127.0.0.2:$PORT"
    for _ in $(seq 100); do
        # Alive and answering: a server that could not bind has exited (another may be listening).
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
        if curl -sf -k "$BASE/__stats" >/dev/null 2>&1; then return; fi
        sleep 0.1
    done
    log "the load server did not start: $(cat "$OUT/server.log")"
    exit 1
}

stats() { curl -sf -k "$BASE/$1"; }

# measure NAME COMMAND...: runs it under /usr/bin/time with the server's counters reset, and
# appends one JSON line to $OUT/runs.jsonl.
measure() {
    local name=$1; shift
    stats __reset >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -f '%M %U %S' -o "$OUT/time.txt" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
    t1=$(date +%s.%N)
    local s
    s=$(stats __stats)
    read -r rss user sys < <(tail -n1 "$OUT/time.txt")
    python3 - "$name" "$t0" "$t1" "$rss" "$user" "$sys" "$s" "$SETTING" >>"$OUT/runs.jsonl" <<'EOF'
import json, sys
name, t0, t1, rss, user, sys_, stats, setting = sys.argv[1:]
row = dict(tool=name, setting=setting, wall=float(t1) - float(t0), rss_kb=int(rss),
           cpu=float(user) + float(sys_), **json.loads(stats))
print(json.dumps(row))
EOF
}

# NETS="" keeps the last network measurements (to rerun only the extraction).
if [[ -n "$NETS" ]]; then : >"$OUT/runs.jsonl"; fi
for net in $NETS; do
    for m in $MATRIX; do
        refs=${m%%:*} hosts=${m##*:}
        SETTING="$net:$refs:$hosts"
        start_server "$net" "$hosts"
        doc="$OUT/brief-$net-$refs-$hosts.md"
        "$LOADSERVER" brief --refs "$refs" --hosts "$hosts" --origin-scheme "$SCHEME" --port "$PORT" --out "$doc"
        tls_cc=() tls_ly=()
        if [[ $SCHEME == https ]]; then
            tls_cc=(--ca-cert "$OUT/ca.pem")
            tls_ly=(--insecure)
        fi
        CC_CMD=("$CITECHECK" check --no-config --no-progress --format json --fail-on never --allow-private
            --max-concurrency $GLOBAL --host-concurrency $PER_HOST --host-interval ${INTERVAL_MS}ms
            --timeout 60s --deadline 10m "${tls_cc[@]}" "${CC_COLD[@]}" "$doc")
        LY_CMD=("$LYCHEE" --no-progress --format json --max-concurrency $GLOBAL
            --host-concurrency $PER_HOST --host-request-interval ${INTERVAL_MS}ms
            --timeout 60 "${tls_ly[@]}" "$doc")
        printf '%s\n' "${CC_CMD[*]}" >"$OUT/cmd-citecheck-$SETTING.txt"
        printf '%s\n' "${LY_CMD[*]}" >"$OUT/cmd-lychee-$SETTING.txt"
        for r in $(seq "$RUNS"); do
            log "$SETTING run $r/$RUNS: citecheck"
            measure citecheck "${CC_CMD[@]}"
            log "$SETTING run $r/$RUNS: lychee"
            measure lychee "${LY_CMD[@]}"
        done
        if [[ $CC_HAS_CACHE == 1 && $net == h2 && $m == "${MATRIX%% *}" ]]; then
            cache="$OUT/cache.sqlite"
            rm -f "$cache"
            WARM=("$CITECHECK" check --no-config --no-progress --format json --fail-on never --allow-private
                --max-concurrency $GLOBAL --host-concurrency $PER_HOST --host-interval ${INTERVAL_MS}ms
                "${tls_cc[@]}" --cache "$cache" "$doc")
            log "$SETTING: cache, cold then warm"
            # Cold runs start from an empty cache each; the last one leaves it filled. A warm run
            # takes a tenth of a second or less, so it is repeated more often than a cold one.
            for r in $(seq "$RUNS"); do
                rm -f "$cache" "$cache-wal" "$cache-shm"
                SETTING="$SETTING:cache-cold" measure citecheck "${WARM[@]}"
            done
            for r in $(seq $((RUNS > 5 ? RUNS : 5))); do
                SETTING="$SETTING:cache-warm" measure citecheck "${WARM[@]}"
            done
            printf '%s\n' "${WARM[*]}" >"$OUT/cmd-cache.txt"
        fi
        stop_server
    done
done

# --- extraction ---------------------------------------------------------------------------------
if [[ $EXTRACT == 1 ]]; then
    : >"$OUT/extract.jsonl"
    big="$OUT/extract-40mb.md"
    many="$OUT/extract-2000"
    [[ -f $big ]] || "$LOADSERVER" brief --refs 80000 --hosts 100 --bytes 36000000 --out "$big"
    [[ -d $many ]] || "$LOADSERVER" brief --refs 80000 --hosts 100 --docs 2000 --bytes 36000000 --out "$many"
    extract_measure() {
        local name=$1 corpus=$2; shift 2
        /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
        read -r wall rss user sys < <(tail -n1 "$OUT/time.txt")
        local lines
        lines=$(grep -c . "$OUT/stdout.txt" || true)
        printf '{"tool":"%s","corpus":"%s","wall":%s,"rss_kb":%s,"cpu":%s,"out_lines":%s}\n' \
            "$name" "$corpus" "$wall" "$rss" "$(python3 -c "print($user+$sys)")" "$lines" >>"$OUT/extract.jsonl"
    }
    bytes_big=$(stat -c %s "$big")
    bytes_many=$(du -sb "$many" | cut -f1)
    echo "{\"big_bytes\":$bytes_big,\"many_bytes\":$bytes_many}" >"$OUT/extract-sizes.json"
    # At least five runs: each takes about a second, and the other jobs' load moves them a lot.
    extract_runs=$((RUNS > 5 ? RUNS : 5))
    for r in $(seq "$extract_runs"); do
        log "extraction run $r/$extract_runs"
        extract_measure citecheck big "$CITECHECK" extract --no-config --format json --max-notes 200000 "$big"
        extract_measure citecheck many "$CITECHECK" extract --no-config --format json "$many"
        extract_measure lychee many "$LYCHEE" --dump "$many"
    done
    log "lychee --dump on the 40 MB document (once, at most ${LYCHEE_DUMP_TIMEOUT}s)"
    extract_measure lychee big timeout "$LYCHEE_DUMP_TIMEOUT" "$LYCHEE" --dump "$big"
fi

python3 "$ROOT/bench/network_report.py" "$OUT" "$CC_VERSION" "$LY_VERSION" "$RTT_MS" "$SETUP_RTTS" \
    "$MAX_WINDOW" "$GLOBAL" "$PER_HOST" "$INTERVAL_MS" "$CC_HAS_CACHE" >"$ROOT/bench/RESULTS.md"
log "wrote bench/RESULTS.md"
