#!/bin/bash
# 政务公开 pages' latency with N generated items (default 20,000; release build needed:
# `cargo build --release`): the median of 20 requests per page, server pinned to core 1 and
# curl to core 0, and the server's RSS afterwards. The catalog pages filter every catalog row
# (kept in memory, no facet index), so their time grows with the catalog; the others do not.
#   scripts/bench-disclosure.sh [items=20000]
set -euo pipefail
N=${1:-20000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/target/release/gongkai
PORT=${PORT:-8320}
W=$(mktemp -d /tmp/gk-bench.XXXXXX)
trap 'kill $PID 2>/dev/null || true; rm -rf "$W"' EXIT
"$BIN" --data "$W/data" demo --articles "$N" | tail -n 1
taskset -c 1 "$BIN" --data "$W/data" --listen "127.0.0.1:$PORT" > "$W/log" 2>&1 &
PID=$!
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for p in "/gk/" "/gk/catalog" "/gk/catalog?q=%E9%80%9A%E7%9F%A5" "/u/commerce/gk/catalog" \
         "/gk/catalog.csv" "/gk/catalog.xlsx" "/gk/apply" "/gk/reports/2025" "/gk/guide"; do
  for _ in $(seq 1 20); do
    taskset -c 0 curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$p"
  done | med | awk -v p="$p" '{printf "%-40s median %.1f ms\n", p, $1*1000}'
done
echo "catalog rows (CSV lines incl. header): $(curl -s "http://127.0.0.1:$PORT/gk/catalog.csv" | wc -l)"
echo "server RSS after: $(ps -o rss= -p $PID) KiB"
