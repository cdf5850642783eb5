#!/usr/bin/env bash
# Measures the appliance's start-up and idle footprint (not run by CI):
#   - binary size
#   - time from exec to the first answered request (/healthz), on an empty and on a demo data folder
#   - idle RSS after start-up
# Usage: scripts/measure-startup.sh [path/to/gongkai] [runs]
# Loopback only; every loop is bounded.
set -euo pipefail
BIN=${1:-target/release/gongkai}
RUNS=${2:-7}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release first)"; exit 2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "binary: $BIN $(stat -c %s "$BIN") bytes ($(file -b "$BIN" | cut -d, -f1-2))"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Starts the server on $1 and waits for the first answered /healthz; sets LAST_PID and LAST_MS.
start_and_wait() {
  local dir=$1 t0 t1
  t0=$(date +%s%N)
  "$BIN" --data "$dir" --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
  LAST_PID=$!
  for _ in $(seq 1 2000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then break; fi
    sleep 0.005
  done
  t1=$(date +%s%N)
  LAST_MS=$(( (t1 - t0) / 1000000 ))
}

stop() { kill -TERM "$LAST_PID" 2>/dev/null || true; wait "$LAST_PID" 2>/dev/null || true; }

for kind in empty demo; do
  times=()
  for i in $(seq 1 "$RUNS"); do
    d=$(mktemp -d)
    if [ "$kind" = demo ]; then
      "$BIN" --data "$d" --listen "127.0.0.1:$PORT" --demo >/dev/null 2>&1 & p=$!
      for _ in $(seq 1 2000); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.01; done
      kill -TERM $p; wait $p 2>/dev/null || true
    fi
    start_and_wait "$d"
    times+=("$LAST_MS")
    if [ "$i" = "$RUNS" ]; then
      sleep 2  # let start-up settle before reading idle memory
      rss=$(awk '/VmRSS/ {print $2}' /proc/$LAST_PID/status)
      echo "$kind: idle RSS ${rss} KiB"
    fi
    stop
    rm -rf "$d"
  done
  echo "$kind: start to first answered request, median of $RUNS: $(printf '%s\n' "${times[@]}" | median) ms (all: ${times[*]})"
done
