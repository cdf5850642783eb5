#!/usr/bin/env bash
# Instructions per request, repeatable where requests/s are not: the demo district under
# `valgrind --tool=callgrind`, instrumentation off during start-up and warm-up, then N requests of
# each page counted one page at a time. Compare two builds on the same machine:
#
#   cargo build --release
#   scripts/callgrind-pages.sh [requests=2000]          # BIN=path/to/gongkai to pick another
#
# Prints one line per page: instructions per request (Ir of the whole process while only that
# page is asked for, divided by the count). Needs valgrind (callgrind_control) and curl.
# Every loop is bounded; only the server this script starts is stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/gongkai}
N=${1:-2000}
[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release" >&2; exit 2; }
command -v callgrind_control >/dev/null || { echo "valgrind missing: apt-get install valgrind" >&2; exit 2; }
WORK=$(mktemp -d /tmp/gongkai-cg.XXXXXX)
VG_PID=
cleanup() {
  [ -n "$VG_PID" ] && kill -TERM "$VG_PID" 2>/dev/null && wait "$VG_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" --data "$WORK/data" demo > /dev/null
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/cg.%p" \
  "$BIN" --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/log" 2>&1 &
VG_PID=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.1
done
ART=$(curl -fsS "$BASE/c/gov-news/" | grep -o 'href="/a/[0-9]*"' | head -n 1 | cut -d'"' -f2)
# label path
PAGES=("home /" "article $ART" "channel /c/gov-news/" "search /search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
urls() { local u=$1 n=$2; for _ in $(seq 1 "$n"); do echo "url = \"$u\""; echo "output = /dev/null"; done; }
for p in "${PAGES[@]}"; do
  read -r label path <<< "$p"
  # Warm-up: render and cache the page, and let every lazy start-up path run.
  urls "$BASE$path" 50 > "$WORK/warm"; curl -fsS --keepalive -K "$WORK/warm"
  callgrind_control -z "$VG_PID" > /dev/null
  callgrind_control -i on "$VG_PID" > /dev/null
  urls "$BASE$path" "$N" > "$WORK/urls"; curl -fsS --keepalive -K "$WORK/urls"
  callgrind_control -d "$label" "$VG_PID" > /dev/null
  callgrind_control -i off "$VG_PID" > /dev/null
  f=$(ls -t "$WORK"/cg.*."$label"* 2>/dev/null | head -n 1 || true)
  [ -n "$f" ] || f=$(ls -t "$WORK"/cg.* | head -n 1)
  ir=$(grep -m1 '^summary:' "$f" | awk '{print $2}')
  echo "$label instructions_per_request=$(( ir / N ))"
done
