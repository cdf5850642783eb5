#!/usr/bin/env bash
# Portal benchmark: the demo district scaled to N articles (default 100,000), measured with
# wrk on loopback, each page against nginx serving the same bytes as a static file in the
# same run, with the server's memory broken down (scripts/mem-breakdown.sh). Not run by CI.
#
#   RUSTFLAGS='-C target-feature=+crt-static' cargo build --profile dist --target x86_64-unknown-linux-gnu
#   scripts/bench-portal.sh [articles=100000] [seconds=10]
#
# Pinned: the server (gongkai, then nginx with one worker) runs on core SERVER_CPU (default 0)
# and wrk on core LOAD_CPU (default 1), so the two never fight for a core and gongkai's
# runtime sizes itself to the one core it has. BIN picks the binary (default: the static
# build above, what is copied onto a server; else target/release/gongkai).
#
# Needs: wrk and nginx (Debian packages), curl, taskset. Uses ../shared/bench/bench-http.sh for
# each wrk run (warm-up, exact p50/p90/p99/max, peak RSS of the server). Every loop is
# bounded; only processes this script starts are stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATIC_BIN=$ROOT/target/x86_64-unknown-linux-gnu/dist/gongkai
if [ -z "${BIN:-}" ]; then
  if [ -x "$STATIC_BIN" ]; then BIN=$STATIC_BIN; else BIN=$ROOT/target/release/gongkai; fi
fi
N=${1:-100000}
SECS=${2:-10}
CONN=${CONN:-32}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
export THREADS=${THREADS:-1}   # wrk threads, all on LOAD_CPU
BENCH=${BENCH_HTTP:-$ROOT/../shared/bench/bench-http.sh}
MEM=$ROOT/scripts/mem-breakdown.sh
[ -x "$BIN" ] || { echo "no release binary at $BIN: cargo build --release" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx missing: apt-get install nginx-light" >&2; exit 2; }
command -v taskset >/dev/null || { echo "taskset missing: apt-get install util-linux" >&2; exit 2; }
[ -f "$BENCH" ] || { echo "missing $BENCH" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
WORK=$(mktemp -d /tmp/gongkai-bench.XXXXXX)
GK_PID=; NGX_PID=
cleanup() {
  [ -n "$GK_PID" ] && kill -TERM "$GK_PID" 2>/dev/null && wait "$GK_PID" 2>/dev/null || true
  [ -n "$NGX_PID" ] && kill -QUIT "$NGX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== binary: $BIN ($(file -b "$BIN" | cut -d, -f1-2 | tr -d '\n'), $(stat -c %s "$BIN") bytes)"
echo "== data: demo + $N generated articles"
t0=$(date +%s.%N)
"$BIN" --data "$WORK/data" demo --articles "$N" | tail -n 1
t1=$(date +%s.%N)
echo "fill_seconds=$(echo "$t1 - $t0" | bc)"
du -sh "$WORK/data" | awk '{print "data_size=" $1}'

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
echo "== start-up with $N articles (server pinned to core $SERVER_CPU)"
t0=$(date +%s%N)
taskset -c "$SERVER_CPU" "$BIN" --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/gk.log" 2>&1 &
GK_PID=$!
for _ in $(seq 1 2000); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.005
done
t1=$(date +%s%N)
echo "startup_ms=$(( (t1 - t0) / 1000000 ))"

# Idle: once start-up's work is done, i.e. RSS unchanged over one second (at most 20 s).
prev=0
for _ in $(seq 1 20); do
  sleep 1
  cur=$(rss_kib "$GK_PID")
  [ "$cur" = "$prev" ] && break
  prev=$cur
done
IDLE=$("$MEM" "$GK_PID" "$BASE")
echo "idle $IDLE"

ART=$(curl -fsS "$BASE/c/gov-news/" | grep -o 'href="/a/[0-9]*/*"' | head -n 1 | cut -d'"' -f2)
SEARCH="/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"
curl -fsS -o /dev/null "$BASE/c/gov-news/page/50/" || { echo "channel page 50 missing: use at least 25000 articles" >&2; exit 1; }
# label, path, cached (a page answered from the page cache)
PAGES=("home / yes" "article $ART yes" "channel_p50 /c/gov-news/page/50/ yes" "search $SEARCH no")

echo "== nginx (one worker, core $SERVER_CPU) serving each page's bytes as a static file"
NPORT=$(free_port)
mkdir -p "$WORK/www" "$WORK/nginx"
for p in "${PAGES[@]}"; do
  read -r label path _ <<< "$p"
  curl -fsS "$BASE$path" -o "$WORK/www/$label.html"
done
# nginx workers run as an unprivileged user: let them read the snapshot.
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK"/www/*.html
cat > "$WORK/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; location / { try_files \$uri =404; } }
}
NGX
taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
for _ in $(seq 1 200); do [ -s "$WORK/nginx/nginx.pid" ] && break; sleep 0.02; done
NGX_PID=$(cat "$WORK/nginx/nginx.pid")

run() { # label url pidspec → one line of key=value, wrk pinned to LOAD_CPU
  local line
  line=$(PID="$3" taskset -c "$LOAD_CPU" bash "$BENCH" "$2" "$CONN" "$SECS")
  echo "$1 $line" | tee "$WORK/r-$1"
}
val() { grep -o " $2=[0-9.]*" "$WORK/r-$1" | head -n1 | cut -d= -f2; }

echo "== wrk -t$THREADS -c$CONN ${SECS}s each on core $LOAD_CPU (rps, latency ms, RSS MB)"
for p in "${PAGES[@]}"; do
  read -r label path _ <<< "$p"
  run "nginx_$label" "http://127.0.0.1:$NPORT/$label.html" "nginx:$NGX_PID"
  run "gk_$label" "$BASE$path" "gongkai:$GK_PID"
done
LOADED=$("$MEM" "$GK_PID" "$BASE")

echo
echo "== summary ($N articles, ${SECS}s per page, server core $SERVER_CPU, wrk core $LOAD_CPU)"
bad=0
for p in "${PAGES[@]}"; do
  read -r label _ cached <<< "$p"
  grep -q ' non_2xx_3xx=0 ' "$WORK/r-nginx_$label" || { echo "nginx answered errors for $label: fix the setup" >&2; exit 1; }
  grep -q ' non_2xx_3xx=0 ' "$WORK/r-gk_$label" || echo "WARNING: gongkai answered errors for $label"
  printf '%-12s rps=%-9s vs_nginx=%-5s p50_ms=%-6s p99_ms=%-6s max_ms=%-7s (nginx p99_ms=%s)%s\n' \
    "$label" "$(val "gk_$label" rps)" \
    "$(echo "scale=2; $(val "gk_$label" rps) / $(val "nginx_$label" rps)" | bc)" \
    "$(val "gk_$label" p50_ms)" "$(val "gk_$label" p99_ms)" "$(val "gk_$label" max_ms)" \
    "$(val "nginx_$label" p99_ms)" "$([ "$cached" = yes ] && echo ' cached' || true)"
  if [ "$cached" = yes ] && [ "$(echo "$(val "gk_$label" p99_ms) > 2" | bc)" = 1 ]; then bad=1; fi
done
peak=0
for p in "${PAGES[@]}"; do
  read -r label _ <<< "$p"
  r=$(val "gk_$label" rss_gongkai_MB); [ "$(echo "$r > $peak" | bc)" = 1 ] && peak=$r
done
echo "memory_idle_MB=$(echo "scale=1; $(echo "$IDLE" | grep -o 'rss_kib=[0-9]*' | cut -d= -f2) / 1024" | bc)"
echo "memory_peak_under_load_MB=$peak"
echo "memory_after_load_MB=$(echo "scale=1; $(echo "$LOADED" | grep -o 'rss_kib=[0-9]*' | cut -d= -f2) / 1024" | bc)"
echo "breakdown_idle:   $IDLE"
echo "breakdown_loaded: $LOADED"
[ "$bad" = 0 ] && echo "cached pages: every p99 <= 2 ms" || echo "cached pages: some p99 > 2 ms"
