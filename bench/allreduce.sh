#!/usr/bin/env bash
# All-reduce bus bandwidth over loopback, side by side in one run: Lockstep (GrpcTransport + AllReducer,
# one JVM per rank, dev.lockstep.bench.AllReduceBench), PyTorch's gloo (/work/shared/bench/torch_ddp_bench.py)
# and the loopback duplex limit (iperf3 --bidir, one TCP stream each way), for N = 2 and 4 processes.
#
#   bench/allreduce.sh [WORLD_SIZES]        (default "2 4")
#
# Environment: SKIP_BUILD=1 reuses the last build; MVN_FLAGS (default -o) goes to the Maven wrapper;
# MIN_SECONDS (default 0.5) timed seconds per size, MAX_ITERS (default 5000) operations per size at most,
# SIZES the Lockstep sizes (default 1K,4K,...,64M); WARMUP_SECONDS (default 30) untimed warm-up; JAVA_OPTS extra JVM flags for every rank;
# RANK0_JAVA_OPTS extra JVM flags for rank 0 only (a flight recording, say); TORCH_BENCH the peer script.
# Raw output (JSON lines, iperf3's JSON, logs) goes to bench/target/allreduce-<UTC time>/.
# Needs: JDK 25, /usr/bin/python3 with torch (Debian: python3-torch libopenblas0-pthread), iperf3.
set -euo pipefail

cd "$(dirname "$0")/.."
WORLDS=${1:-"2 4"}
PY=/usr/bin/python3
TORCH_BENCH=${TORCH_BENCH:-/work/shared/bench/torch_ddp_bench.py}
MIN_SECONDS=${MIN_SECONDS:-0.5}
# torch_ddp_bench.py always measures 1K,16K,256K,1M,4M,16M,64M (200 iterations at most, 3 at 64M).
SIZES=${SIZES:-1K,4K,16K,64K,256K,1M,4M,16M,64M}
MAX_ITERS=${MAX_ITERS:-5000}
# Untimed all-reduces before the sweep, spread over the sizes: on this loaded 2-vCPU machine C2 is still
# compiling (and deoptimising) the Netty/gRPC paths 10-15 s in, so 4 s leaves the small sizes 3-10x slower.
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
RANK_TIMEOUT=300                          # seconds one benchmark process may run
export OPENBLAS_NUM_THREADS=1

missing=""
if ! [ -x "$PY" ] || ! "$PY" -c 'import torch, torch.distributed' 2>/dev/null; then
  missing="$missing python3-torch (import torch failed under $PY);"
fi
if ! command -v iperf3 >/dev/null 2>&1; then
  missing="$missing iperf3;"
fi
if ! [ -f "$TORCH_BENCH" ]; then
  missing="$missing the peer script $TORCH_BENCH;"
fi
if [ -n "$missing" ]; then
  echo "error: bench/allreduce.sh needs the peers and cannot run without them; missing:$missing" >&2
  case "$missing" in *torch*|*iperf3*)
    echo "install them with: apt-get install -y python3-torch libopenblas0-pthread iperf3" >&2;; esac
  exit 2
fi

. bin/jdk25.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # -am: the class path must name this worktree's modules, not SNAPSHOT jars someone left in ~/.m2.
  ./mvnw -B -ntp ${MVN_FLAGS:--o} -q package -DskipTests -pl bench -am
fi
CP="bench/target/classes:$(cat bench/target/runtime-classpath.txt)"

OUTDIR="bench/target/allreduce-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUTDIR"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    # Each was started as the leader of its own process group (setsid): end it and its children.
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# N distinct free loopback ports (held together while chosen, then released).
free_ports() {
  "$PY" - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Waits (bounded) for the processes of the given pids; fails if one fails or the time runs out.
await_all() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit )) pid rc
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "error: process $pid still running after ${limit} s" >&2
        return 1
      fi
      sleep 0.2
    done
    rc=0; wait "$pid" || rc=$?
    if [ "$rc" != 0 ]; then
      echo "error: process $pid exited with status $rc" >&2
      return 1
    fi
  done
}

echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) CPUs, load:$(uptime | sed 's/.*load average://')" | tee "$OUTDIR/load.txt"
echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' (with local changes)'), output in $OUTDIR"

# 1. The loopback duplex limit: one TCP stream each way at once, as a 2-rank ring uses the link.
read -r IPORT < <(free_ports 1)
setsid iperf3 -s -1 -p "$IPORT" > "$OUTDIR/iperf3-server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do  # (no test connection: the server takes one client, -1)
  if grep -q 'Server listening' "$OUTDIR/iperf3-server.log"; then break; fi
  sleep 0.1
done
if ! timeout 30 iperf3 -c 127.0.0.1 -p "$IPORT" --bidir -t 5 -J > "$OUTDIR/iperf3.json" \
    || grep -q '"error"' "$OUTDIR/iperf3.json"; then
  echo "error: iperf3 failed:" >&2
  cat "$OUTDIR/iperf3.json" "$OUTDIR/iperf3-server.log" >&2
  exit 1
fi
await_all 10 "${PIDS[-1]}" || true

for N in $WORLDS; do
  # 2. Lockstep: N JVMs, rank 0 prints the JSON lines.
  read -r -a PORTS < <(free_ports "$N")
  PEERS=$(printf '127.0.0.1:%s,' "${PORTS[@]}"); PEERS=${PEERS%,}
  RANKS=()
  for ((r = 0; r < N; r++)); do
    extra=""
    if [ "$r" = 0 ]; then extra=${RANK0_JAVA_OPTS:-}; fi
    # shellcheck disable=SC2086
    setsid timeout "$RANK_TIMEOUT" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
      --sun-misc-unsafe-memory-access=allow -Xmx1g ${JAVA_OPTS:-} $extra -cp "$CP" \
      -Dallreduce.deadlineSeconds="$RANK_TIMEOUT" -Dallreduce.warmupSeconds="$WARMUP_SECONDS" \
      dev.lockstep.bench.AllReduceBench "$r" "$N" "$PEERS" "$SIZES" "$MIN_SECONDS" "$MAX_ITERS" \
      > "$OUTDIR/lockstep-$N-rank$r.out" 2> "$OUTDIR/lockstep-$N-rank$r.err" &
    PIDS+=($!); RANKS+=($!)
  done
  if ! await_all "$RANK_TIMEOUT" "${RANKS[@]}"; then
    echo "error: Lockstep N=$N failed; its logs: $OUTDIR/lockstep-$N-rank*.err" >&2
    tail -n 20 "$OUTDIR"/lockstep-"$N"-rank*.err >&2
    exit 1
  fi
  grep '^{' "$OUTDIR/lockstep-$N-rank0.out" > "$OUTDIR/lockstep-$N.jsonl"

  # 3. gloo, the same sizes (its script's list), its own process group.
  read -r GPORT < <(free_ports 1)
  setsid timeout "$RANK_TIMEOUT" "$PY" "$TORCH_BENCH" allreduce --world "$N" --port "$GPORT" \
    > "$OUTDIR/gloo-$N.out" 2> "$OUTDIR/gloo-$N.err" &
  PIDS+=($!)
  if ! await_all "$RANK_TIMEOUT" "${PIDS[-1]}"; then
    echo "error: gloo N=$N failed; its log: $OUTDIR/gloo-$N.err" >&2
    tail -n 20 "$OUTDIR/gloo-$N.err" >&2
    exit 1
  fi
  grep '^{' "$OUTDIR/gloo-$N.out" > "$OUTDIR/gloo-$N.jsonl"
done

"$PY" - "$OUTDIR" $WORLDS <<'EOF' | tee "$OUTDIR/table.md"
import json, sys
out, worlds = sys.argv[1], [int(w) for w in sys.argv[2:]]
end = json.load(open(f"{out}/iperf3.json"))["end"]
fwd = end["sum_received"]["bits_per_second"] / 8e9
rev = end["sum_received_bidir_reverse"]["bits_per_second"] / 8e9
duplex = (fwd + rev) / 2
print(f"\nloopback duplex limit (iperf3 --bidir, 5 s): {fwd:.2f} + {rev:.2f} GB/s, "
      f"{duplex:.2f} GB/s per direction\n")

def size(b):
    return f"{b >> 20} MB" if b >= 1 << 20 else f"{b >> 10} KB"

for n in worlds:
    ls = {j["bytes"]: j for j in map(json.loads, open(f"{out}/lockstep-{n}.jsonl"))}
    gl = {j["bytes"]: j for j in map(json.loads, open(f"{out}/gloo-{n}.jsonl"))}
    print(f"N = {n}\n")
    print("| bytes | lockstep busbw GB/s | gloo busbw GB/s | lockstep / gloo | lockstep % of duplex/direction "
          "| lockstep ms/op mean (median) | gloo ms/op | lockstep rank-0 CPU cores |")
    print("|---|---|---|---|---|---|---|---|")
    for b in sorted(ls):
        l = ls[b]["busbw_GBps"]
        g = gl[b]["busbw_GBps"] if b in gl else None
        ratio = f"{l / g:.2f}" if g else "–"
        gs = f"{g:.3f}" if g is not None else "–"
        lat = f"{ls[b]['seconds_per_op'] * 1e3:.3f} ({ls[b]['median_seconds'] * 1e3:.3f})"
        glat = f"{gl[b]['us'] / 1e3:.3f}" if b in gl else "–"
        cores = f"{ls[b]['rank0_cpu_cores']:.2f}" if "rank0_cpu_cores" in ls[b] else "–"
        print(f"| {size(b)} | {l:.3f} | {gs} | {ratio} | {100 * l / duplex:.0f}% | {lat} | {glat} | {cores} |")
    if 1024 in ls and 1024 in gl:
        print(f"\n1 KB latency, N = {n}: lockstep {ls[1024]['seconds_per_op'] * 1e3:.3f} ms mean "
              f"({ls[1024]['median_seconds'] * 1e3:.3f} ms median, {ls[1024]['algorithm'].lower()}), "
              f"gloo {gl[1024]['us'] / 1e3:.3f} ms mean\n")
EOF
