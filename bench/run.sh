#!/usr/bin/env bash
# make bench: measure ftpd with the JDK-only load generator in src/bench/java (see BENCHMARKS.md).
#
# Usage: bench/run.sh [options]            (or: make bench ARGS="options")
#   Without --port it starts its own server from build/classes on a temporary conf and home (user bench,
#   clients.max 10000, TLS optional, passive ports 24000-25999), measures it, and stops it.
#   With --port it measures a server that is already running: --host H --port P --user U, password from
#   $FTP_PASSWORD (or --password P); the remote file for retr must be --size-mib MiB big.
#
#   --only LIST          scenarios, comma-separated, run in this order
#                        (default idle,retr,retr-tls,stor,stor-tls,small,logins,list-under-load,stall-tls;
#                        NAME-tls = over TLS; stall runs the starvation attacks beside a MKD/CWD/NLST/RMD loop)
#                        plus small-2nodes: after the others, small through haproxy (send-proxy-v2, leastconn) in
#                        front of two nodes over the same home root and accounts, to compare with small on one
#                        node direct in the same run (small is added if missing); the ratio is printed. Part of
#                        the default when haproxy is installed and no --only is given.
#   --quick              64 MiB, 1 run, 3 s windows, 1000 idle sessions: about a minute
#   --size-mib N --runs N --seconds T --clients C --sessions K --load-clients L --list-cmd CMD --tls-protocol V ...
#                        passed to the load generator (bench/run.sh --help-generator lists them all)
#   Only for the server this script starts:
#   --jfr FILE           record it with Java Flight Recorder (profile settings) into FILE, written when it stops
#   --server-opts "..."  extra JVM options for it, after those bin/ftpd would give it for the temporary conf
#                        (FTPD_JAVA_OPTS, else conf/jvm.options, and a heap limit sized from clients.max)
#   --set KEY=VALUE      extra ftpd.properties line (repeatable), e.g. --set workers.threads=16
#   --user-quota SIZE    the bench user's quota (default none); a size makes uploads go through the quota's
#                        leases (quota.lease_size), as a limited user's do
#   --big-file FILE      hard-link (or copy) FILE as the download instead of writing random data
#   --server-classes DIR server classes to run (default build/classes)
#   --keep               keep the temporary conf, home and logs, and print where they are
# Results: the table and JSON lines on standard output, the JSON lines also in build/bench/results-TIME.jsonl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

# Options from make's ARGS come first, so that the command line can override them.
# shellcheck disable=SC2206
set -- ${ARGS:-} "$@"

GEN=()          # passed to the load generator
SETS=()
JFR="" SERVER_OPTS="" BIG="" KEEP=0 REMOTE=0 SIZE=1024 SESSIONS=10000 ONLY="" TWO_NODES="" USER_QUOTA=none
SERVER_CLASSES=$ROOT/build/classes
for a in "$@"; do [ "$a" = --quick ] && SIZE=64 SESSIONS=1000; done
while [ $# -gt 0 ]; do
    case $1 in
        --jfr) JFR=$(realpath -m "$2"); shift 2 ;;
        --server-opts) SERVER_OPTS="$SERVER_OPTS $2"; shift 2 ;;
        --set) SETS+=("$2"); shift 2 ;;
        --user-quota) USER_QUOTA=$2; shift 2 ;;
        --big-file) BIG=$(realpath "$2"); shift 2 ;;
        --server-classes) SERVER_CLASSES=$(realpath "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        --help-generator) GEN+=(--help); shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
        --port) REMOTE=1; GEN+=("$1" "$2"); shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --size-mib) SIZE=$2; GEN+=("$1" "$2"); shift 2 ;;
        --sessions) SESSIONS=$2; GEN+=("$1" "$2"); shift 2 ;;
        *) GEN+=("$1"); shift ;;
    esac
done

# small-2nodes is run by this script, not by the generator: take it out of the list, keep small in.
if [ -z "$ONLY" ]; then
    [ "$REMOTE" = 0 ] && command -v haproxy >/dev/null 2>&1 && TWO_NODES=1
    [ "$REMOTE" = 0 ] && [ -z "$TWO_NODES" ] && echo "bench: small-2nodes skipped: haproxy is not installed" >&2
elif [[ ",$ONLY," == *,small-2nodes,* ]]; then
    [ "$REMOTE" = 1 ] && { echo "bench: small-2nodes needs the servers this script starts (no --port)" >&2; exit 2; }
    command -v haproxy >/dev/null 2>&1 || { echo "bench: small-2nodes needs haproxy (apt-get install haproxy)" >&2; exit 2; }
    TWO_NODES=1
    ONLY=$(echo ",$ONLY," | sed 's/,small-2nodes,/,/g; s/^,//; s/,$//')
    [[ ",$ONLY," == *,small,* ]] || ONLY=${ONLY:+$ONLY,}small
fi
[ -n "$ONLY" ] && GEN+=(--only "$ONLY")

# The load generator: compiled here, into its own folder, whenever a source is newer than the last build.
BENCH_CLASSES=$ROOT/build/bench-classes
if [ ! -f "$BENCH_CLASSES/.built" ] || [ -n "$(find src/bench/java -name '*.java' -newer "$BENCH_CLASSES/.built")" ]; then
    rm -rf "$BENCH_CLASSES" && mkdir -p "$BENCH_CLASSES"
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -d "$BENCH_CLASSES" $(find src/bench/java -name '*.java')
    touch "$BENCH_CLASSES/.built"
fi
for a in "${GEN[@]}"; do
    if [ "$a" = --help ]; then exec java -cp "$BENCH_CLASSES" ftp.bench.BenchMain --help; fi
done

# Thousands of idle sessions need as many descriptors, on both sides (the server inherits this limit).
want=$((SESSIONS + 1000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
    echo "bench: open-file limit $(ulimit -n) < $want: the idle scenario will fall short (raise ulimit -Hn)" >&2
fi

mkdir -p build/bench
RESULTS=$ROOT/build/bench/results-$(date +%Y%m%d-%H%M%S).jsonl
TMP="" SERVER_PID="" NODE_PIDS=() HAPROXY_PID=""

stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
        wait "$1" 2>/dev/null || true
    fi
}
stop_server() {
    stop_pid "$SERVER_PID"
    SERVER_PID=""
}
cleanup() {
    stop_server
    stop_pid "$HAPROXY_PID"
    for p in "${NODE_PIDS[@]}"; do stop_pid "$p"; done
    if [ -n "$TMP" ]; then
        if [ "$KEEP" = 1 ]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$REMOTE" = 0 ]; then
    [ -f "$SERVER_CLASSES/ftp/admin/FtpdMain.class" ] || { echo "bench: no server classes in $SERVER_CLASSES (run make)" >&2; exit 1; }
    TMP=$(mktemp -d -t ftpd-bench.XXXXXX)
    mkdir -p "$TMP/conf" "$TMP/home/bench" "$TMP/log"
    {
        echo "# written by bench/run.sh"
        echo "listen.host=127.0.0.1"
        echo "listen.port=0"
        echo "clients.max=10000"
        echo "clients.max_per_ip=10000"
        echo "clients.max_unauthenticated=10000"
        echo "clients.max_unauthenticated_per_ip=10000"
        echo "passive.ports=24000-25999"
        echo "tls.mode=optional"
        echo "timeouts.idle=600s"
        for s in "${SETS[@]}"; do echo "$s"; done
    } > "$TMP/conf/ftpd.properties"
    ftpd() { java -cp "$SERVER_CLASSES" ftp.admin.FtpdMain --home-dir "$TMP" --conf "$TMP/conf" "$@"; }
    printf '%s\n' "${FTP_PASSWORD:-benchpass}" | ftpd user add bench --password-stdin --quota "$USER_QUOTA" >&2
    if [ -n "$BIG" ]; then
        ln -f "$BIG" "$TMP/home/bench/big.bin" 2>/dev/null || cp "$BIG" "$TMP/home/bench/big.bin"
    else
        echo "bench: writing a ${SIZE} MiB random file to download" >&2
        head -c $((SIZE * 1048576)) /dev/urandom > "$TMP/home/bench/big.bin"
    fi
    cat "$TMP/home/bench/big.bin" > /dev/null   # into the page cache, as a served file would be
    opts="$(bin/ftpd --conf "$TMP/conf" jvm-options) $SERVER_OPTS"
    [ -n "$JFR" ] && opts="$opts -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true"
    # launch CONF_DIR OUT_FILE: starts a server on that conf; sets LAUNCHED_PID and LAUNCHED_PORT.
    launch() {
        # shellcheck disable=SC2086
        MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} java $opts -cp "$SERVER_CLASSES" ftp.admin.FtpdMain --home-dir "$TMP" \
            --conf "$1" run > "$2" 2>&1 &
        LAUNCHED_PID=$! LAUNCHED_PORT=""
        for _ in $(seq 600); do
            LAUNCHED_PORT=$(sed -n 's/^ftpd listening on .*:\([0-9]*\) .*/\1/p' "$2" | head -1)
            [ -n "$LAUNCHED_PORT" ] && break
            kill -0 "$LAUNCHED_PID" 2>/dev/null || break
            sleep 0.1
        done
        if [ -z "$LAUNCHED_PORT" ]; then
            echo "bench: the server on $1 did not start; its output:" >&2
            cat "$2" >&2
            exit 1
        fi
    }
    launch "$TMP/conf" "$TMP/log/ftpd.out"
    SERVER_PID=$LAUNCHED_PID PORT=$LAUNCHED_PORT
    echo "bench: started ftpd pid $SERVER_PID on 127.0.0.1:$PORT (JVM options:${opts:- none})" >&2
    GEN=(--port "$PORT" --server-pid "$SERVER_PID" --label ftpd "${GEN[@]}")
fi

status=0
java -cp "$BENCH_CLASSES" ftp.bench.BenchMain "${GEN[@]}" --json "$RESULTS" || status=$?

if [ -n "$TWO_NODES" ]; then
    # Two nodes over the one node's home root and accounts file, each with its own passive range, logs and
    # pid file, behind haproxy as docs would set it up; the single node is stopped first so that all three
    # processes get the machine's cores as the single node did.
    stop_server
    for n in a b; do
        mkdir -p "$TMP/node-$n/conf" "$TMP/node-$n/log" "$TMP/node-$n/run"
        {
            grep -v '^passive.ports=' "$TMP/conf/ftpd.properties"
            [ "$n" = a ] && echo "passive.ports=26000-26999" || echo "passive.ports=27000-27999"
            echo "passive.address=127.0.0.1"   # each node announces its own address: data skips the balancer
            echo "home.root=$TMP/home"
            echo "accounts.file=$TMP/conf/accounts.ini"
            [ -f "$TMP/conf/ftpd.p12" ] && echo "tls.keystore=$TMP/conf/ftpd.p12"
            echo "log.dir=$TMP/node-$n/log"
            echo "pid.file=$TMP/node-$n/run/ftpd.pid"
            echo "node.name=bench-$n"
            echo "listen.proxy_protocol=v2"
            echo "listen.proxy_from=127.0.0.1"
            echo "metrics.listen=127.0.0.1:0"
        } > "$TMP/node-$n/conf/ftpd.properties"
        launch "$TMP/node-$n/conf" "$TMP/node-$n/log/ftpd.out"
        NODE_PIDS+=("$LAUNCHED_PID")
        eval "NODE_PORT_$n=$LAUNCHED_PORT"
    done
    LB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$TMP/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 10m
    timeout server 10m
frontend ftp
    bind 127.0.0.1:$LB_PORT
    default_backend nodes
backend nodes
    balance leastconn
    server bench-a 127.0.0.1:$NODE_PORT_a send-proxy-v2 check check-send-proxy inter 1s
    server bench-b 127.0.0.1:$NODE_PORT_b send-proxy-v2 check check-send-proxy inter 1s
CFG
    haproxy -db -f "$TMP/haproxy.cfg" > "$TMP/haproxy.log" 2>&1 &
    HAPROXY_PID=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$LB_PORT") 2>/dev/null && break
        kill -0 "$HAPROXY_PID" 2>/dev/null || { cat "$TMP/haproxy.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "bench: haproxy pid $HAPROXY_PID on 127.0.0.1:$LB_PORT -> nodes ${NODE_PIDS[*]} on ports $NODE_PORT_a, $NODE_PORT_b" >&2
    TWO_GEN=()
    skip=0
    for a in "${GEN[@]}"; do   # the same options, but small only, through the balancer, CPU of node a
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case $a in --port|--server-pid|--label|--only) skip=1 ;; *) TWO_GEN+=("$a") ;; esac
    done
    java -cp "$BENCH_CLASSES" ftp.bench.BenchMain "${TWO_GEN[@]}" --port "$LB_PORT" --server-pid "${NODE_PIDS[0]}" \
        --label two-nodes-haproxy --only small --json "$RESULTS" || status=$?
    python3 - "$RESULTS" <<'PY' || true
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def rate(label):
    for l in reversed(lines):
        if l.get("scenario") == "small" and l.get("label") == label and isinstance(l.get("value"), (int, float)):
            return l["value"]
one, two = rate("ftpd"), rate("two-nodes-haproxy")
if one and two:
    print(f"bench: small, two nodes through haproxy / one node direct: {two} / {one} ops/s = {two / one:.2f}")
else:
    print("bench: small-2nodes: no ratio (a run failed; see the JSON lines)")
PY
    # The shared quota ledger counts its lock acquisitions on the metrics page; report them when it is there.
    ftpd_status() { java -cp "$SERVER_CLASSES" ftp.admin.FtpdMain --home-dir "$TMP" --conf "$1" status 2>/dev/null || true; }
    for n in a b; do
        url=$(ftpd_status "$TMP/node-$n/conf" | sed -n 's/^metrics //p')
        if [ -n "$url" ] && command -v curl >/dev/null 2>&1; then
            curl -fsS "$url" 2>/dev/null | grep '^ftpd_quota_ledger_locks_total' | sed "s/^/bench: node $n /" >&2 || true
        fi
    done
fi
echo "bench: JSON lines in $RESULTS" >&2
exit "$status"
