#!/usr/bin/env bash
# End-to-end step time: Lockstep on 2 worker processes against PyTorch DDP on 2 processes (gloo), and
# each in one process on both cores, side by side in one run on this machine. The job is
# bench/specs/mlp-784-512-512-10.yaml (the peer's model, batch, optimizer; 20 warm-up + 200 steps).
#
#   bench/e2e_ddp.sh                 # one run: waits for a quiet machine, measures, prints a table
#
# Measurements, in this order:
#   1. lockstep local --workers 2, one compute thread per worker (-XX:ActiveProcessorCount=1, which the
#      worker JVMs inherit: the cpu device sizes its compute threads by availableProcessors(); OpenBLAS
#      and OpenMP are at 1 thread too);
#   2. torch_ddp_bench.py train --world 2 --threads 1, OPENBLAS_NUM_THREADS=1;
#   3. lockstep train (one process, distributed.workers 1, default threads: both cores);
#   4. torch_ddp_bench.py train --world 1 --threads 2, OPENBLAS_NUM_THREADS=2, and --threads 1 with
#      OPENBLAS_NUM_THREADS=2 (the faster one on 2 cores: torch's own threads and OpenBLAS's do not stack);
#   5. lockstep local --workers 2 with default threads (2 compute threads in each worker: oversubscribed);
#   6. the time split (data / compute / allreduce / apply per step) from each worker's Prometheus
#      metrics: a coordinator, 2 workers with --metrics-port and lockstep submit, one thread per worker,
#      scraped every second; the same for lockstep train --metrics-port. (No log line carries the split.)
# Lockstep's figure is the median over the progress windows ending at steps 60..200 (the 20-step windows
# after step 40; the window ending at 220 holds the final checkpoint); the mean over steps 40-200 is shown
# too. The peer times its 200 steps after 20 warm-up steps, between two barriers. Also printed: how busy
# both cores are from step 60 to 200 of each 2-worker run, and the CPU of each process and thread.
#
# Environment: QUIET_WAIT_S (default 1200: how long to wait for load < QUIET_LOAD and no foreign java),
# QUIET_LOAD (0.8), STEPS (220; the windows then run from 40 to STEPS - 20), SKIP_SPLIT=1 (skip 6),
# SKIP_OVERSUB=1 (skip 5), ONLY_LS2=1 (only 1), JFR_S (default 20: seconds of JFR
# recorded with jcmd on the second worker of 6, from its step 20; 0: none; the hottest frames are printed).
# Every process it starts runs in its own process group and is killed by that id on exit; every wait is
# bounded by timeout.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. bin/jdk25.sh
PY=/usr/bin/python3
PEER=${PEER:-/work/shared/bench/torch_ddp_bench.py}
SPEC=bench/specs/mlp-784-512-512-10.yaml
QUIET_WAIT_S=${QUIET_WAIT_S:-1200}
QUIET_LOAD=${QUIET_LOAD:-0.8}
JFR_S=${JFR_S:-20}
STEPS=${STEPS:-220}   # the job's steps; the peer runs STEPS - 20 after its 20 warm-up steps
TMP=$(mktemp -d /tmp/e2e_ddp.XXXXXX)
GROUPS_STARTED=()

cleanup() {
  local g
  for g in "${GROUPS_STARTED[@]}"; do
    if kill -0 -- "-$g" 2>/dev/null; then kill -TERM -- "-$g" 2>/dev/null; fi
  done
  sleep 1
  for g in "${GROUPS_STARTED[@]}"; do
    if kill -0 -- "-$g" 2>/dev/null; then sleep 5; kill -KILL -- "-$g" 2>/dev/null; fi
  done
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# start LIMIT_S OUTFILE CMD...: runs CMD in a process group of its own (setsid), bounded by timeout.
start() {
  local limit=$1 out=$2; shift 2
  setsid timeout --kill-after=10 "$limit" "$@" >"$out" 2>&1 &
  LAST_PID=$!
  GROUPS_STARTED+=("$LAST_PID")
}

# Java processes not started by this script (their ancestry does not reach this shell).
foreign_java() {
  local p a n=0
  for p in $(pgrep -x java); do
    a=$p
    while [ -n "$a" ] && [ "$a" -gt 1 ] && [ "$a" != "$$" ]; do
      a=$(awk '{print $4}' "/proc/$a/stat" 2>/dev/null)
    done
    [ "$a" = "$$" ] || n=$((n + 1))
  done
  echo $n
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

wait_quiet() {
  local waited=0
  while :; do
    local l1 fj
    l1=$(cut -d' ' -f1 /proc/loadavg); fj=$(foreign_java)
    if awk -v l="$l1" -v q="$QUIET_LOAD" 'BEGIN{exit !(l < q)}' && [ "$fj" = 0 ]; then
      log "machine quiet after ${waited}s: load $(loadavg), no other java"
      QUIET="quiet after ${waited}s"
      return
    fi
    if [ "$waited" -ge "$QUIET_WAIT_S" ]; then
      log "machine not quiet after ${waited}s (load $(loadavg), $fj other java processes): measuring anyway"
      QUIET="NOT quiet after ${waited}s: load $(loadavg), $fj other java processes"
      return
    fi
    [ $((waited % 120)) = 0 ] && log "waiting for a quiet machine: load $(loadavg), $fj other java processes"
    sleep 30; waited=$((waited + 30))
  done
}

# A copy of the spec with absolute data paths, a fresh checkpoint dir and the given worker count.
spec_copy() {
  local name=$1 workers=$2 dir="$TMP/$1"
  mkdir -p "$dir"
  sed -e "s#\.\./\.\./\.\./shared/#$(cd "$root/.." && pwd)/shared/#" -e "s#^  dir: run#  dir: $dir/run#" \
      -e "s#^  workers: 2#  workers: $workers#" -e "s#^  steps: 220#  steps: $STEPS#" "$SPEC" >"$dir/job.yaml"
  echo "$dir/job.yaml"
}

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# parse_lockstep FILE windowed|cumulative: "median_ms mean_ms windows" over windows ending at 60..200.
parse_lockstep() {
  $PY - "$1" "$2" "$STEPS" <<'EOF'
import re, sys, statistics
path, mode, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
batch, pts = 256, {}
for line in open(path, errors="replace"):
    m = re.match(r"^step (\d+)/\d+ .*examples_per_s=([0-9.]+)", line)
    if m:
        pts[int(m.group(1))] = float(m.group(2))
ms = []
for k in range(60, steps - 19, 20):
    if k not in pts or (k - 20) not in pts and mode == "cumulative":
        print("NaN NaN 0"); sys.exit()
    if mode == "windowed":       # coordinator: global examples/s over the window since the last line
        ms.append(1000 * batch / pts[k])
    else:                        # lockstep train: examples/s since the start, so t_k = k * batch / eps_k
        t = lambda s: s * batch / pts[s]
        ms.append(1000 * (t(k) - t(k - 20)) / 20)
print("%.3f %.3f %d" % (statistics.median(ms), statistics.mean(ms), len(ms)))
EOF
}

parse_peer() {  # "ms_per_step" from the peer's JSON line
  $PY -c 'import json,sys
for l in open(sys.argv[1]):
    if l.startswith("{"): print("%.3f" % json.loads(l)["ms_per_step"]); break
else: print("NaN")' "$1"
}

# threads_of PID: "N threads, M compute helpers" (the cpu device's helpers are named cpu-compute-I).
threads_of() {
  local n c
  n=$(ls "/proc/$1/task" 2>/dev/null | wc -l)
  c=$(cat /proc/"$1"/task/*/comm 2>/dev/null | grep -c -- '-compute-')
  echo "$n threads, $c compute helpers"
}

# cpu_ticks: "busy total steal system" jiffies of all cores; busy_pct A B: share of both cores busy between two.
cpu_ticks() { awk '/^cpu /{t=0; for (i=2; i<=NF; i++) t+=$i; print t-$5-$6, t, $9, $4}' /proc/stat; }
busy_pct() {
  echo "$1 $2" | awk '{ t = $6 - $2; printf "%.0f%% (of which system %.0f%%, steal %.0f%%)", 100 * ($5 - $1) / t,
    100 * ($8 - $4) / t, 100 * ($7 - $3) / t }'
}
# proc_ticks TIMEOUT_PID WORKER_PIDS...: "utime+stime" jiffies of the local JVM (coordinator) and each worker.
proc_ticks() {
  local p=$1 j; shift
  j=$(pgrep -P "$p" -x java | head -1)
  for x in "$j" "$@"; do awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$x/stat" 2>/dev/null || echo 0; done | tr '\n' ' '
}
# thread_ticks TIMEOUT_PID WORKER_PIDS...: "process thread-name ticks" per thread (names with digits as N).
thread_ticks() {
  local p=$1 j i=0 x t; shift
  j=$(pgrep -P "$p" -x java | head -1)
  for x in "$j" "$@"; do
    local who=coordinator; [ "$x" = "$j" ] || { who="worker$i"; i=$((i + 1)); }
    for t in /proc/"$x"/task/*; do
      awk -v w="$who" -v c="$(tr ' ' '_' <"$t/comm" | sed 's/[0-9][0-9]*/N/g')" \
          '{ sub(/^.*\) /, ""); print w, c, $12 + $13 }' "$t/stat" 2>/dev/null
    done
  done
}
# thread_share CPU0 CPU1 FILE0 FILE1: CPU per process and thread name (% of one core), the largest first.
thread_share() {
  awk -v c0="$1" -v c1="$2" 'BEGIN { split(c0, a, " "); split(c1, b, " "); wall = (b[2] - a[2]) / 2 }
    FNR == NR { s0[$1 " " $2] += $3; next } { s1[$1 " " $2] += $3 }
    END { for (k in s1) { d = 100 * (s1[k] - s0[k]) / wall; if (d >= 2) printf "%s %.0f\n", k, d } }' "$3" "$4" \
    | sort -k3 -rn | awk '{ printf "%s%s/%s %s", (NR > 1 ? ", " : ""), $1, $2, $3 }'
}
# proc_share CPU0 CPU1 PROCS0 PROCS1: each process's CPU between the two samples, in % of one core.
proc_share() {
  awk -v c0="$1" -v c1="$2" -v p0="$3" -v p1="$4" 'BEGIN {
    split(c0, a, " "); split(c1, b, " "); n0 = split(p0, x, " "); split(p1, y, " ")
    wall = (b[2] - a[2]) / 2   # jiffies of one core
    printf "CPU in %% of one core: coordinator (local JVM) %.0f", 100 * (y[1] - x[1]) / wall
    for (i = 2; i <= n0; i++) printf ", worker %d %.0f", i - 2, 100 * (y[i] - x[i]) / wall }'
}
declare -A CPU_BUSY THREAD_CPU

RESULTS=()   # "label|ms|mean_ms|load"
record() { RESULTS+=("$1|$2|$3|$4"); log "$1: ${2} ms/step (mean ${3}), load at start $4"; }

# run_local LABEL JAVA_TOOL_OPTIONS: lockstep local --workers 2 on the spec.
run_local() {
  local label=$1 jto=$2 spec out load pids w cpu0 cpu1 pc0 pc1
  spec=$(spec_copy "$label" 2); out="$TMP/$label/out.log"; load=$(loadavg)
  log "$label: lockstep local --workers 2 (JAVA_TOOL_OPTIONS='$jto')"
  start 600 "$out" env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 JAVA_TOOL_OPTIONS="$jto" \
      bin/lockstep local --workers 2 "$spec" --state-dir "$TMP/$label/state"
  local pid=$LAST_PID
  # While it runs: after step 60, check each worker's threads.
  for _ in $(seq 1 3000); do
    kill -0 "$pid" 2>/dev/null || break
    if [ -z "${pids:-}" ]; then
      pids=$(sed -n 's/.*(pids \[\([0-9, ]*\)\]).*/\1/p' "$out" | head -1 | tr -d ',')
    fi
    if [ -z "${cpu0:-}" ] && grep -q '^step 60/' "$out"; then
      cpu0=$(cpu_ticks); pc0=$(proc_ticks "$pid" $pids); thread_ticks "$pid" $pids >"$TMP/$label/threads0"
    fi
    if [ -z "${cpu1:-}" ] && grep -q "^step $((STEPS - 20))/" "$out"; then
      cpu1=$(cpu_ticks); pc1=$(proc_ticks "$pid" $pids); thread_ticks "$pid" $pids >"$TMP/$label/threads1"
    fi
    if [ -n "${pids:-}" ] && [ -z "${THREADS_SEEN[$label]:-}" ] && grep -q '^step 60/' "$out"; then
      local t=""
      for w in $pids; do t="$t pid $w: $(threads_of "$w");"; done
      THREADS_SEEN[$label]=$t
      log "$label: workers:$t"
    fi
    sleep 0.2
  done
  wait "$pid"; local rc=$?
  [ -z "${cpu0:-}" ] || [ -z "${cpu1:-}" ] || {
    CPU_BUSY[$label]="$(busy_pct "$cpu0" "$cpu1"); $(proc_share "$cpu0" "$cpu1" "$pc0" "$pc1")"
    THREAD_CPU[$label]=$(thread_share "$cpu0" "$cpu1" "$TMP/$label/threads0" "$TMP/$label/threads1")
  }
  [ "$rc" = 0 ] || { log "$label: exit $rc; the end of its output:"; tail -20 "$out" >&2; }
  read -r med mean n < <(parse_lockstep "$out" windowed)
  record "$label" "$med" "$mean" "$load"
}

run_peer() {  # run_peer LABEL WORLD THREADS OPENBLAS
  local label=$1 out="$TMP/$1.log" load; load=$(loadavg)
  log "$label: torch_ddp_bench.py train --world $2 --threads $3 (OPENBLAS_NUM_THREADS=$4)"
  start 300 "$out" env OPENBLAS_NUM_THREADS="$4" $PY "$PEER" train --world "$2" --threads "$3" --steps $((STEPS - 20)) \
      --batch 256 --port "$(free_port)"
  local pid=$LAST_PID; wait "$pid" || { log "$label failed:"; tail -20 "$out" >&2; }
  cat "$out" >&2
  local ms; ms=$(parse_peer "$out")
  record "$label" "$ms" "$ms" "$load"
}

run_train() {
  local label=$1 spec out load; spec=$(spec_copy "$label" 1); out="$TMP/$label/out.log"; load=$(loadavg)
  log "$label: lockstep train (one process, default threads; OPENBLAS_NUM_THREADS=2)"
  start 300 "$out" env OPENBLAS_NUM_THREADS=2 bin/lockstep train "$spec"
  local pid=$LAST_PID; wait "$pid" || { log "$label failed:"; tail -20 "$out" >&2; }
  read -r med mean n < <(parse_lockstep "$out" cumulative)
  record "$label" "$med" "$mean" "$load"
}

# scrape PORT FILE...: appends "steps data compute allreduce apply" every second while the port answers.
scraper() {
  local port=$1 file=$2 seen=0 body
  for _ in $(seq 1 400); do
    if body=$(curl -s -f -m 2 "http://127.0.0.1:$port/metrics" 2>/dev/null); then seen=1
    elif [ "$seen" = 1 ]; then break
    fi
    printf '%s\n' "$body" | $PY -c '
import re, sys
v = {}
for l in sys.stdin:
    m = re.match(r"lockstep_steps_total(?:\{[^}]*\})? ([0-9.eE+-]+)", l)
    if m: v["steps"] = float(m.group(1))
    m = re.match(r"lockstep_step_phase_seconds_total\{.*phase=\"(\w+)\".*\} ([0-9.eE+-]+)", l)
    if m: v[m.group(1)] = float(m.group(2))
if "steps" in v: print(v["steps"], *(v.get(p, 0.0) for p in ("data", "compute", "allreduce", "apply")))' >>"$file"
    sleep 1
  done
}

# split FILE: per-step ms of each phase between the first scrape at >= 40 steps and the last at <= STEPS - 20.
split_of() {
  $PY - "$1" "$STEPS" <<'EOF'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 5]
a = next((r for r in rows if r[0] >= 40), None); b = [r for r in rows if r[0] <= int(sys.argv[2]) - 20]
if not a or not b or b[-1][0] <= a[0]:
    print("no split (scrapes: %d)" % len(rows)); sys.exit()
b = b[-1]; n = b[0] - a[0]
ph = [1000 * (b[i] - a[i]) / n for i in range(1, 5)]
print("steps %d-%d: data %.2f  compute %.2f  allreduce %.2f  apply %.2f  (sum %.2f ms/step)"
      % (a[0], b[0], *ph, sum(ph)))
EOF
}

run_split() {
  local d="$TMP/split" cport m0 m1 m2 spec
  spec=$(spec_copy split 2); cport=$(free_port)
  log "split: coordinator on $cport, 2 workers with --metrics-port, one thread each"
  start 400 "$d/coordinator.log" bin/lockstep coordinator --port "$cport" --state-dir "$d/state"
  for _ in $(seq 1 120); do grep -q 'listening' "$d/coordinator.log" && break; sleep 1; done
  m0=$(free_port); m1=$(free_port)
  for m in $m0 $m1; do
    start 400 "$d/worker-$m.log" env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        JAVA_TOOL_OPTIONS=-XX:ActiveProcessorCount=1 bin/lockstep worker --coordinator "127.0.0.1:$cport" \
        --metrics-port "$m"
    local wpid=$LAST_PID
    start 400 /dev/null bash -c "$(declare -f scraper); PY=$PY; scraper $m '$d/scrape-$m'"
  done
  start 400 "$d/submit.log" bin/lockstep submit --coordinator "127.0.0.1:$cport" "$spec"
  local spid=$LAST_PID jfr_started=0
  # JFR on the second worker (the first one's split stays unperturbed), from step 20 on, by jcmd.
  for _ in $(seq 1 300); do
    kill -0 "$spid" 2>/dev/null || break
    if [ "$JFR_S" != 0 ] && [ "$jfr_started" = 0 ] && grep -q '^step 20/' "$d/worker-$m1.log"; then
      local jpid; jpid=$(pgrep -P "$wpid" -x java | head -1)
      if [ -n "$jpid" ] && timeout 30 "$JAVA_HOME/bin/jcmd" "$jpid" JFR.start name=e2e settings=profile duration="${JFR_S}s" \
          filename="$d/worker-$jpid.jfr" >"$d/jcmd.log" 2>&1; then JFR_FILE="$d/worker-$jpid.jfr"; fi
      jfr_started=1
    fi
    sleep 1
  done
  wait "$spid" || { log "split: submit failed:"; tail -20 "$d/submit.log" >&2; }
  sleep 2
  for m in $m0 $m1; do SPLITS+=("2 workers, the worker on metrics port $m$([ "$m" = "$m1" ] && [ "$JFR_S" != 0 ] && echo " (under JFR)"): $(split_of "$d/scrape-$m")"); done
  # One process: lockstep train --metrics-port.
  spec=$(spec_copy split1 1); m2=$(free_port)
  start 300 "$TMP/split1/out.log" env OPENBLAS_NUM_THREADS=2 bin/lockstep train "$spec" --metrics-port "$m2"
  local tpid=$LAST_PID
  start 300 /dev/null bash -c "$(declare -f scraper); PY=$PY; scraper $m2 '$TMP/split1/scrape'"
  wait "$tpid"
  SPLITS+=("1 process (lockstep train): $(split_of "$TMP/split1/scrape")")
  [ -z "${JFR_FILE:-}" ] || sleep 2  # the recording is written when it ends
}

declare -A THREADS_SEEN
SPLITS=()
log "scratch dir $TMP; building if needed"
timeout 900 bin/lockstep validate "$SPEC" >/dev/null || { log "build or spec validation failed"; exit 1; }
QUIET=""
wait_quiet

run_local ls2_run "-XX:ActiveProcessorCount=1"
if [ -z "${ONLY_LS2:-}" ]; then
  run_peer ddp2 2 1 1
  run_train ls1
  run_peer ddp1 1 2 2
  run_peer ddp1t1 1 1 2
  [ -n "${SKIP_OVERSUB:-}" ] || run_local ls2_oversub ""
  [ -n "${SKIP_SPLIT:-}" ] || run_split
fi

# The table.
declare -A MS MEAN LOAD
for r in "${RESULTS[@]}"; do IFS='|' read -r k ms mean ld <<<"$r"; MS[$k]=$ms; MEAN[$k]=$mean; LOAD[$k]=$ld; done
key_ls2=ls2_run
key_ovs=ls2_oversub
row() {  # label key
  local ms=${MS[$2]:-NaN}
  awk -v l="$1" -v ms="$ms" -v mean="${MEAN[$2]:-NaN}" -v ld="${LOAD[$2]:-}" 'BEGIN{
    eps = (ms > 0) ? 256000 / ms : 0; printf "| %s | %.2f | %.2f | %.0f | %s |\n", l, ms, mean, eps, ld }'
}
# ratio A B: throughput of A / throughput of B = ms/step of B / ms/step of A.
ratio() { awk -v a="${MS[$1]:-0}" -v b="${MS[$2]:-0}" 'BEGIN{ if (a > 0 && b > 0) printf "%.3f", b / a; else print "n/a" }'; }
echo
echo "## e2e_ddp $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(git -C "$root" rev-parse --short HEAD); $QUIET"
echo
echo "| | ms/step (median of windows 40-$((STEPS - 20))) | mean ms/step 40-$((STEPS - 20)) | examples/s | load at start (1/5/15 min) |"
echo "|---|---|---|---|---|"
row "Lockstep, 2 workers, 1 thread each" "$key_ls2"
row "PyTorch DDP, 2 processes, 1 thread each" ddp2
row "Lockstep, 1 process, 2 threads" ls1
row "PyTorch, 1 process, 2 threads" ddp1
row "PyTorch, 1 process, torch threads 1, OpenBLAS 2" ddp1t1
[ -n "${SKIP_OVERSUB:-}" ] || row "Lockstep, 2 workers, default threads (2 each)" "$key_ovs"
echo
echo "- Lockstep 2 workers ÷ DDP 2 processes, throughput: **$(ratio "$key_ls2" ddp2)** (target >= 1.0)"
echo "- Lockstep 2 workers ÷ Lockstep 1 process, throughput: $(ratio "$key_ls2" ls1) (aim > 1.0)"
echo "- Lockstep 1 process ÷ PyTorch 1 process, throughput: $(ratio ls1 ddp1) (against torch threads 1, OpenBLAS 2: $(ratio ls1 ddp1t1))"
echo "- PyTorch DDP 2 processes ÷ PyTorch 1 process, throughput: $(ratio ddp2 ddp1)"
[ -n "${SKIP_OVERSUB:-}" ] || echo "- Lockstep 2 workers with default threads ÷ DDP 2 processes: $(ratio "$key_ovs" ddp2)"
for k in "${!THREADS_SEEN[@]}"; do echo "- threads in $k at step 60:${THREADS_SEEN[$k]}"; done
for k in "${!CPU_BUSY[@]}"; do echo "- both cores busy (user+system, all processes) in $k from step 60 to $((STEPS - 20)): ${CPU_BUSY[$k]}"; done
for k in "${!THREAD_CPU[@]}"; do echo "- CPU by thread in $k, steps 60-$((STEPS - 20)), % of one core (threads >= 2%): ${THREAD_CPU[$k]}"; done
for s in "${SPLITS[@]}"; do echo "- time split, $s"; done
echo "- load at the end: $(loadavg); scratch dir $TMP"
if [ -n "${JFR_FILE:-}" ] && [ -f "$JFR_FILE" ]; then
  jfrtool="$JAVA_HOME/bin/jfr"
  echo
  echo "JFR (settings=profile) on one worker's process, $JFR_FILE:"
  for ev in jdk.ExecutionSample jdk.NativeMethodSample; do
    timeout 120 "$jfrtool" print --events "$ev" "$JFR_FILE" >"$TMP/$ev.txt"
    echo
    echo "$ev: $(grep -c "^$ev" "$TMP/$ev.txt") samples; by thread:"
    sed -n 's/^ *sampledThread = "\([^"]*\)".*/\1/p' "$TMP/$ev.txt" | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c \
        | sort -rn | head -8
    echo "top of stack (self):"
    awk '/stackTrace = \[/{getline; sub(/ line:.*/, ""); print}' "$TMP/$ev.txt" | sort | uniq -c | sort -rn | head -20
    echo "anywhere on the stack (inclusive; JFR keeps the top 64 frames):"
    grep -E '^ {4}[A-Za-z_$].*\(' "$TMP/$ev.txt" | sed 's/ line:.*//' | sort | uniq -c | sort -rn | head -30
  done
  echo
  echo "exceptions thrown (jdk.JavaExceptionThrow, by class):"
  timeout 120 "$jfrtool" print --events jdk.JavaExceptionThrow "$JFR_FILE" \
      | sed -n 's/^ *thrownClass = \([^ ]*\).*/\1/p' | sort | uniq -c | sort -rn | head -5
fi
exit 0
