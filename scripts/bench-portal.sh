#!/usr/bin/env bash
# Portal benchmark (issue 3): the demo district scaled to N articles (default 100,000),
# measured with wrk on loopback in one run, against nginx serving the same home-page bytes
# as a static file. Not run by CI.
#
#   cargo build --release
#   scripts/bench-portal.sh [articles=100000] [seconds=10]
#
# Needs: wrk and nginx (Debian packages), curl. Uses ../shared/bench/bench-http.sh for each
# wrk run (warm-up, exact p50/p90/p99, RSS of the server). Every loop is bounded; only
# processes this script starts are stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/gongkai}
N=${1:-100000}
SECS=${2:-10}
CONN=${CONN:-32}
BENCH=${BENCH_HTTP:-$ROOT/../shared/bench/bench-http.sh}
[ -x "$BIN" ] || { echo "no release binary at $BIN: cargo build --release" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx missing: apt-get install nginx-light" >&2; exit 2; }
[ -x "$BENCH" ] || [ -f "$BENCH" ] || { echo "missing $BENCH" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d /tmp/gongkai-bench.XXXXXX)
GK_PID=; NGX_PID=
cleanup() {
  [ -n "$GK_PID" ] && kill -TERM "$GK_PID" 2>/dev/null && wait "$GK_PID" 2>/dev/null || true
  [ -n "$NGX_PID" ] && kill -QUIT "$NGX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== data: demo + $N generated articles"
t0=$(date +%s.%N)
"$BIN" --data "$WORK/data" demo --articles "$N" | tail -n 1
t1=$(date +%s.%N)
echo "fill_seconds=$(echo "$t1 - $t0" | bc)"
du -sh "$WORK/data" | awk '{print "data_size=" $1}'

PORT=$(free_port)
start_gk() {
  local t0 t1
  t0=$(date +%s%N)
  "$BIN" --data "$WORK/data" --listen "127.0.0.1:$PORT" > "$WORK/gk.log" 2>&1 &
  GK_PID=$!
  for _ in $(seq 1 2000); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.005
  done
  t1=$(date +%s%N)
  echo "startup_ms=$(( (t1 - t0) / 1000000 ))"
}
echo "== start-up with $N articles"
start_gk

BASE=http://127.0.0.1:$PORT
ART=$(curl -fsS "$BASE/c/gov-news/" | grep -o 'href="/a/[0-9]*"' | head -n 1 | cut -d'"' -f2)
SEARCH="/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"
curl -fsS -o /dev/null "$BASE/c/gov-news/page/50/" || { echo "channel page 50 missing: use at least 25000 articles" >&2; exit 1; }

echo "== nginx serving the same home-page bytes"
NPORT=$(free_port)
mkdir -p "$WORK/www" "$WORK/nginx"
curl -fsS "$BASE/" -o "$WORK/www/index.html"
# nginx workers run as an unprivileged user: let them read the snapshot.
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/www/index.html"
cat > "$WORK/nginx/nginx.conf" <<NGX
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; location / { try_files /index.html =404; } }
}
NGX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
for _ in $(seq 1 200); do [ -s "$WORK/nginx/nginx.pid" ] && break; sleep 0.02; done
NGX_PID=$(cat "$WORK/nginx/nginx.pid")

run() { # label url pidspec
  local line
  line=$(PID="$3" bash "$BENCH" "$2" "$CONN" "$SECS")
  echo "$1 $line"
}
echo "== wrk -c$CONN ${SECS}s each (rps, latency ms, RSS KiB)"
run nginx_home "http://127.0.0.1:$NPORT/" "nginx:$NGX_PID" | tee "$WORK/r-nginx"
run gk_home "$BASE/" "gongkai:$GK_PID" | tee "$WORK/r-home"
run gk_article "$BASE$ART" "gongkai:$GK_PID" | tee "$WORK/r-art"
run gk_channel_p50 "$BASE/c/gov-news/page/50/" "gongkai:$GK_PID" | tee "$WORK/r-chan"
run gk_search "$BASE$SEARCH" "gongkai:$GK_PID" | tee "$WORK/r-search"

rps() { grep -o 'rps=[0-9.]*' "$1" | head -n1 | cut -d= -f2; }
echo "== summary"
grep -q 'non_2xx_3xx=0 ' "$WORK/r-nginx" || { echo "nginx answered errors: fix the setup" >&2; exit 1; }
echo "home_vs_nginx_ratio=$(echo "scale=2; $(rps "$WORK/r-home") / $(rps "$WORK/r-nginx")" | bc)"
echo "gongkai_rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$GK_PID/status)"
