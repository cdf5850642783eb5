#!/usr/bin/env bash
# Benchmark (not in CI): one large upload to 文件传输 over tus, against the floor of the same
# machine. A random file (SIZE_MIB, default 4096) in /tmp is
#   - copied with cp, then cp + sync (the disk's own speed);
#   - PUT to nginx's WebDAV module, written to disk (and + sync), nginx pinned like the server;
#   - uploaded to the release server (a temp data folder, pinned to core 1 with taskset) by a
#     tiny curl tus client pinned to core 0: POST (creation), then one PATCH with the whole
#     file. The server hashes (SHA-256) as it writes, fsyncs, and moves the file into the
#     blob store; its time includes all of that.
# Prints MiB/s for each, the ratio to nginx, and the server's memory (VmRSS before and after,
# VmHWM) from /proc. Targets: >= 0.8x nginx, RSS growth < 32 MB.
#
# Needs: a release build (cargo build --release), curl, taskset, nginx with the dav module
# (optional: without it only cp is compared). Loopback only; every wait is bounded; the big
# files and the temp folders are removed at the end, and only processes this script started
# are stopped (by their pid).
#
#   scripts/bench-tus-upload.sh            # 4 GiB
#   SIZE_MIB=1024 scripts/bench-tus-upload.sh
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/target/release/gongkai}
SIZE_MIB=${SIZE_MIB:-4096}
BYTES=$((SIZE_MIB * 1048576))
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
PORT=${PORT:-18731}
NGINX_PORT=${NGINX_PORT:-18732}
WORK=$(mktemp -d /tmp/bench-tus.XXXXXX)
SRC=/tmp/bench-tus-src-$$.bin
DST=/tmp/bench-tus-dst-$$.bin
PASSWORD='Bench-Upload-2026'
server_pid=
nginx_pid=

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null || true
  sleep 0.3
  rm -rf "$WORK" "$SRC" "$DST"
}
trap cleanup EXIT

[[ -x "$BIN" ]] || { echo "no release build at $BIN: cargo build --release" >&2; exit 1; }
need=$((SIZE_MIB * 3 + 512))
free=$(df -Pm /tmp | awk 'NR == 2 { print $4 }')
if (( free < need )); then
  echo "need about $need MiB free in /tmp (source, copy, upload), have $free" >&2
  exit 1
fi

# seconds (float) a command takes
timed() {
  local t0 t1
  t0=$(date +%s%N)
  "$@"
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
mibps() { awk -v s="$1" -v m="$SIZE_MIB" 'BEGIN { printf "%.0f", m / s }'; }

log "creating a $SIZE_MIB MiB random file"
head -c "$BYTES" /dev/urandom > "$SRC"
sync

# ── the floor: cp, cp + sync
rm -f "$DST"; sync
cp_s=$(timed taskset -c "$CLIENT_CPU" cp "$SRC" "$DST")
rm -f "$DST"; sync
cps_s=$(timed bash -c "taskset -c $CLIENT_CPU cp '$SRC' '$DST' && sync '$DST'")
rm -f "$DST"; sync

# ── nginx WebDAV PUT to disk (the shared bench's approach, here with its own small config)
nginx_s=; nginxs_s=
if command -v nginx > /dev/null && nginx -V 2>&1 | grep -q http_dav_module; then
  mkdir -p "$WORK/nginx/put" "$WORK/nginx/tmp" "$WORK/nginx/logs"
  # nginx's worker runs as an unprivileged user: it must reach and write these.
  chmod 755 "$WORK" "$WORK/nginx"
  chmod 777 "$WORK/nginx/put" "$WORK/nginx/tmp"
  cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /put/ {
      root $WORK/nginx;
      dav_methods PUT;
      create_full_put_path on;
    }
  }
}
EOF
  taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break; sleep 0.1; done
  nginx_s=$(timed taskset -c "$CLIENT_CPU" curl -fsS --max-time 600 -T "$SRC" "http://127.0.0.1:$NGINX_PORT/put/up.bin")
  rm -f "$WORK/nginx/put/up.bin"; sync
  nginxs_s=$(timed bash -c "taskset -c $CLIENT_CPU curl -fsS --max-time 600 -T '$SRC' 'http://127.0.0.1:$NGINX_PORT/put/up.bin' && sync '$WORK/nginx/put/up.bin'")
  rm -f "$WORK/nginx/put/up.bin"
  kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=
else
  log "nginx with the dav module not found: comparing with cp only"
fi
sync

# ── gongkai: a temp data folder, one staff account, the release server pinned to one core
DATA=$WORK/data
"$BIN" --data "$DATA" demo > /dev/null
printf '%s\n' "$PASSWORD" | "$BIN" --data "$DATA" user add --username bench-uploader \
  --unit commerce --role reporter --password-stdin > /dev/null
GONGKAI_LOG__LEVEL=warn taskset -c "$SERVER_CPU" "$BIN" --data "$DATA" --listen "127.0.0.1:$PORT" serve \
  > "$WORK/server.log" 2>&1 &
server_pid=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -s -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
JAR=$WORK/cookies
token_of() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="\([0-9a-f]*\)"/\1/'; }
login_token=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login" | token_of)
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" \
  --data-urlencode "csrf=$login_token" --data-urlencode "username=bench-uploader" \
  --data-urlencode "password=$PASSWORD" "$BASE/login"
CSRF=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/oa/transfer" | token_of)
[[ -n "$CSRF" ]] || { echo "could not sign in: see $WORK/server.log" >&2; exit 1; }

mem() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
rss0=$(mem VmRSS)
hwm0=$(mem VmHWM)
cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
cpu0=$(cpu)

# The tiny tus client: creation, then the whole file in one PATCH.
tus_upload() {
  local loc
  loc=$(curl -fsS -D - -o /dev/null -b "$JAR" -X POST \
    -H "Tus-Resumable: 1.0.0" -H "X-CSRF-Token: $CSRF" \
    -H "Upload-Length: $BYTES" \
    -H "Upload-Metadata: filename $(printf 'bench.bin' | base64)" \
    "$BASE/oa/files/" | tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
  [[ -n "$loc" ]] || { echo "creation failed" >&2; return 1; }
  curl -fsS -o /dev/null -b "$JAR" -X PATCH --max-time 900 \
    -H "Tus-Resumable: 1.0.0" -H "X-CSRF-Token: $CSRF" \
    -H "Upload-Offset: 0" -H "Content-Type: application/offset+octet-stream" \
    -H "Expect:" -T "$SRC" "$loc"
}
export -f tus_upload
export JAR CSRF BYTES BASE SRC
tus_s=$(timed taskset -c "$CLIENT_CPU" bash -c tus_upload)
rss1=$(mem VmRSS)
hwm=$(mem VmHWM)
cpu1=$(cpu)
sha_server=$(curl -fsS -b "$JAR" "$BASE/oa/transfer" | grep -o 'href="/oa/transfer/[0-9]*/download"' | head -n 1 | sed 's/href="\(.*\)"/\1/')
got=$(find "$DATA/blobs" -path "$DATA/blobs/tmp" -prune -o -type f -printf '%s\n' | sort -n | tail -n 1)

echo "== tus upload benchmark: $SIZE_MIB MiB, server on core $SERVER_CPU, client on core $CLIENT_CPU"
printf '%-28s %8s s  %6s MiB/s\n' "cp" "$cp_s" "$(mibps "$cp_s")"
printf '%-28s %8s s  %6s MiB/s\n' "cp + sync" "$cps_s" "$(mibps "$cps_s")"
if [[ -n "$nginx_s" ]]; then
  printf '%-28s %8s s  %6s MiB/s\n' "nginx PUT (dav, to disk)" "$nginx_s" "$(mibps "$nginx_s")"
  printf '%-28s %8s s  %6s MiB/s\n' "nginx PUT + sync" "$nginxs_s" "$(mibps "$nginxs_s")"
fi
printf '%-28s %8s s  %6s MiB/s   (hashed, fsynced, in the blob store; server CPU %s s)\n' "gongkai tus (curl)" "$tus_s" "$(mibps "$tus_s")" \
  "$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')"
if [[ -n "$nginx_s" ]]; then
  awk -v a="$nginx_s" -v b="$tus_s" -v c="$nginxs_s" 'BEGIN {
    printf "ratio to nginx: %.2fx (to nginx + sync: %.2fx); target >= 0.8x\n", a / b, c / b }'
fi
awk -v r0="$rss0" -v r1="$rss1" -v h0="$hwm0" -v h="$hwm" 'BEGIN {
  printf "server memory: VmRSS %d -> %d KiB (growth %.1f MB), VmHWM %d -> %d KiB (peak over the idle RSS: %.1f MB); target growth < 32 MB\n",
    r0, r1, (r1 - r0) * 1.024 / 1000, h0, h, (h - r0) * 1.024 / 1000 }'
echo "stored blob size: ${got:-none} bytes (expected $BYTES); download link: ${sha_server:-none}"
