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
#   --quick              64 MiB, 1 run, 3 s windows, 1000 idle sessions: about a minute
#   --size-mib N --runs N --seconds T --clients C --sessions K --load-clients L --list-cmd CMD --tls-protocol V ...
#                        passed to the load generator (bench/run.sh --help-generator lists them all)
#   Only for the server this script starts:
#   --jfr FILE           record it with Java Flight Recorder (profile settings) into FILE, written when it stops
#   --server-opts "..."  extra JVM options for it, after those bin/ftpd would give it for the temporary conf
#                        (FTPD_JAVA_OPTS, else conf/jvm.options, and a heap limit sized from clients.max)
#   --set KEY=VALUE      extra ftpd.properties line (repeatable), e.g. --set workers.threads=16
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
JFR="" SERVER_OPTS="" BIG="" KEEP=0 REMOTE=0 SIZE=1024 SESSIONS=10000
SERVER_CLASSES=$ROOT/build/classes
for a in "$@"; do [ "$a" = --quick ] && SIZE=64 SESSIONS=1000; done
while [ $# -gt 0 ]; do
    case $1 in
        --jfr) JFR=$(realpath -m "$2"); shift 2 ;;
        --server-opts) SERVER_OPTS="$SERVER_OPTS $2"; shift 2 ;;
        --set) SETS+=("$2"); shift 2 ;;
        --big-file) BIG=$(realpath "$2"); shift 2 ;;
        --server-classes) SERVER_CLASSES=$(realpath "$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        --help-generator) GEN+=(--help); shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
        --port) REMOTE=1; GEN+=("$1" "$2"); shift 2 ;;
        --size-mib) SIZE=$2; GEN+=("$1" "$2"); shift 2 ;;
        --sessions) SESSIONS=$2; GEN+=("$1" "$2"); shift 2 ;;
        *) GEN+=("$1"); shift ;;
    esac
done

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
TMP="" SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    stop_server
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
    printf '%s\n' "${FTP_PASSWORD:-benchpass}" | ftpd user add bench --password-stdin --quota none >&2
    if [ -n "$BIG" ]; then
        ln -f "$BIG" "$TMP/home/bench/big.bin" 2>/dev/null || cp "$BIG" "$TMP/home/bench/big.bin"
    else
        echo "bench: writing a ${SIZE} MiB random file to download" >&2
        head -c $((SIZE * 1048576)) /dev/urandom > "$TMP/home/bench/big.bin"
    fi
    cat "$TMP/home/bench/big.bin" > /dev/null   # into the page cache, as a served file would be
    opts="$(bin/ftpd --conf "$TMP/conf" jvm-options) $SERVER_OPTS"
    [ -n "$JFR" ] && opts="$opts -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true"
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} java $opts -cp "$SERVER_CLASSES" ftp.admin.FtpdMain --home-dir "$TMP" --conf "$TMP/conf" run \
        > "$TMP/log/ftpd.out" 2>&1 &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 600); do
        PORT=$(sed -n 's/^ftpd listening on .*:\([0-9]*\) .*/\1/p' "$TMP/log/ftpd.out" | head -1)
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "bench: the server did not start; its output:" >&2
        cat "$TMP/log/ftpd.out" >&2
        exit 1
    fi
    echo "bench: started ftpd pid $SERVER_PID on 127.0.0.1:$PORT (JVM options:${opts:- none})" >&2
    GEN=(--port "$PORT" --server-pid "$SERVER_PID" --label ftpd "${GEN[@]}")
fi

status=0
java -cp "$BENCH_CLASSES" ftp.bench.BenchMain "${GEN[@]}" --json "$RESULTS" || status=$?
echo "bench: JSON lines in $RESULTS" >&2
exit "$status"
