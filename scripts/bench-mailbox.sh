#!/bin/bash
# 区长信箱 pages' latency with N generated letters over three years (default 20,000; release
# build needed: `cargo build --release`): the median of 20 requests per page, server pinned to
# core 1 and curl to core 0, and the server's RSS afterwards. The list, search and statistics
# pages read every letter per request (no index yet), so their time grows with the letters.
#   scripts/bench-mailbox.sh [letters=20000]
set -euo pipefail
N=${1:-20000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/target/release/gongkai
PORT=${PORT:-8322}
W=$(mktemp -d /tmp/mb-bench.XXXXXX)
trap 'kill $PID 2>/dev/null || true; rm -rf "$W"' EXIT
"$BIN" --data "$W/data" demo --letters "$N" | tail -n 1
taskset -c 1 "$BIN" --data "$W/data" --listen "127.0.0.1:$PORT" > "$W/log" 2>&1 &
PID=$!
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for p in "/mailbox/" "/mailbox/letters" "/mailbox/letters?q=%E5%9B%BE%E4%B9%A6%E9%A6%86" \
         "/mailbox/letters?subject=suggest&page=3" "/mailbox/letters/8" "/mailbox/stats" \
         "/mailbox/lookup"; do
  for _ in $(seq 1 20); do
    taskset -c 0 curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$p"
  done | med | awk -v p="$p" '{printf "%-48s median %.1f ms\n", p, $1*1000}'
done
echo "published letters listed: $(curl -s "http://127.0.0.1:$PORT/mailbox/letters" | grep -o '共 [0-9]* 封' | head -1)"
echo "server RSS after: $(ps -o rss= -p $PID) KiB"
