#!/usr/bin/env bash
# bench/memory.sh: the server's memory and threads on the default conf, as bin/ftpd runs it.
#
# Usage: bench/memory.sh [--runs N] [--max-ram SIZE] [--seconds T] [--clients C] [--settle S]
#   Each run starts a server through bin/ftpd with the default settings (only listen.port=0 and one account on
#   a temporary conf and home), waits S seconds (default 40: longer than the worker threads' 30 s keep-alive),
#   reads its idle RSS and threads, runs C clients (default 10, the default clients.max; each from its own
#   loopback address 127.0.0.2, .3 ...) of Python ftplib over TLS with PROT P, as the default tls.mode asks,
#   looping STOR 4 KiB, NLST, RETR, DELE for T seconds (default 20) while sampling RSS every 50 ms, then
#   waits S seconds again and reads the idle figures after the load.
#   --max-ram SIZE  adds -XX:MaxRAM=SIZE, to show that the figures do not depend on the machine's RAM
# Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
RUNS=1 MAX_RAM="" SECONDS_LOAD=20 CLIENTS=10 SETTLE=40
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --max-ram) MAX_RAM=$2; shift 2 ;;
        --seconds) SECONDS_LOAD=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
        *) echo "memory.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
make -s build >&2

TMP=$(mktemp -d -t ftpd-memory.XXXXXX) PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID"; wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Resident memory in MiB and threads of a process, from /proc.
footprint() { awk '/^VmRSS:/ {r=$2} /^Threads:/ {t=$2} END {printf "%.1f %d\n", r/1024, t}' "/proc/$1/status"; }

opts=$(bin/ftpd --conf "$TMP/conf" jvm-options)
[ -n "$MAX_RAM" ] && opts="$opts -XX:MaxRAM=$MAX_RAM"
echo "memory: JVM options: $opts" >&2
mkdir -p "$TMP/conf" "$TMP/home" "$TMP/log"
echo "listen.port=0" > "$TMP/conf/ftpd.properties"
echo memtest | bin/ftpd --home-dir "$TMP" --conf "$TMP/conf" user add memtest --password-stdin --quota none >&2

# Starts the server in the background: sets PID and port.
start_server() {
    rm -f "$TMP/log/run.out"
    FTPD_JAVA_OPTS=$opts bin/ftpd --home-dir "$TMP" --conf "$TMP/conf" run > "$TMP/log/run.out" 2>&1 &
    PID=$!
    port=""
    for _ in $(seq 600); do
        port=$(sed -n 's/^ftpd listening on .*:\([0-9]*\) .*/\1/p' "$TMP/log/run.out" | head -1)
        [ -n "$port" ] && return 0
        kill -0 "$PID" 2>/dev/null || { cat "$TMP/log/run.out" >&2; exit 1; }
        sleep 0.1
    done
    echo "memory: the server did not start" >&2; exit 1
}
stop_server() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# A first start creates the TLS key (with keytool, whose process-reaper thread would linger into the idle
# reading); every later start of a real server finds the key there, and so do the measured runs.
start_server; stop_server

results=()
for run in $(seq "$RUNS"); do
    start_server
    sleep "$SETTLE"
    read -r idle_rss idle_threads < <(footprint "$PID")
    read -r ops peak_rss peak_threads < <(python3 - "$port" "$PID" "$CLIENTS" "$SECONDS_LOAD" <<'PY'
import ftplib, io, os, ssl, sys, threading, time
port, pid, clients, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
payload = os.urandom(4096)
# The default tls.mode=remote wants protected data connections even on loopback, resuming the control
# connection's TLS session (the README's subclass); the demo certificate is self-signed.
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

class ReusingFTP_TLS(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size

ops = [0] * clients
errors = []
stop = time.monotonic() + seconds

def client(i):
    try:
        # Each client from its own loopback address, as users on their own machines would be: the default
        # per-address limits (5 logged in, 4 logging in) are meant for one address, not for this load.
        ftp = ReusingFTP_TLS(context=context)
        ftp.connect("127.0.0.1", port, timeout=30, source_address=(f"127.0.0.{i + 2}", 0))
        ftp.login("memtest", "memtest")
        ftp.prot_p()
        n = 0
        while time.monotonic() < stop:
            name = f"c{i}-{n}.bin"
            ftp.storbinary("STOR " + name, io.BytesIO(payload))
            ftp.nlst()
            ftp.retrbinary("RETR " + name, lambda b: None)
            ftp.delete(name)
            n += 1
            ops[i] += 4
        ftp.quit()
    except Exception as e:
        errors.append(repr(e))

def footprint():
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads

workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for w in workers:
    w.start()
peak_rss = peak_threads = 0
while any(w.is_alive() for w in workers):
    rss, threads = footprint()
    peak_rss, peak_threads = max(peak_rss, rss), max(peak_threads, threads)
    time.sleep(0.05)
if errors:
    print("memory: client errors: " + "; ".join(errors[:3]), file=sys.stderr)
    sys.exit(1)
print(sum(ops), f"{peak_rss / 1024:.1f}", peak_threads)
PY
)
    sleep "$SETTLE"
    read -r after_rss after_threads < <(footprint "$PID")
    stop_server
    rate=$(awk -v o="$ops" -v s="$SECONDS_LOAD" 'BEGIN {printf "%.0f", o / s}')
    echo "run $run: idle ${idle_rss} MiB ${idle_threads} threads | load ${rate} ops/s, peak ${peak_rss} MiB ${peak_threads} threads | idle after ${after_rss} MiB ${after_threads} threads"
    results+=("$idle_rss $idle_threads $peak_rss $peak_threads $after_rss $after_threads $rate")
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
m = [statistics.median(c) for c in zip(*rows)]
print(f"median of {len(rows)}: idle RSS {m[0]:.1f} MiB, idle threads {m[1]:.0f}, peak RSS {m[2]:.1f} MiB, "
      f"peak threads {m[3]:.0f}, idle RSS after load {m[4]:.1f} MiB, threads {m[5]:.0f}, {m[6]:.0f} ops/s")'
