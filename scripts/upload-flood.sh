#!/usr/bin/env bash
# Anonymous upload flood (issue 9, defect 5): N parallel posts of SIZE MiB to the attachment
# upload route with a made-up CSRF cookie, as an attacker without an account would send them.
# Reports each answer's status and time, and the server's peak RSS (VmHWM) before and after.
# Usage: scripts/upload-flood.sh [path/to/gongkai] [N=12] [SIZE_MIB=57]
# Loopback only; every request is bounded by curl's --max-time.
set -euo pipefail
BIN=${1:-target/release/gongkai}
N=${2:-12}
SIZE=${3:-57}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release first)"; exit 2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$(mktemp -d); WORK=$(mktemp -d)
"$BIN" --data "$DATA" --listen "127.0.0.1:$PORT" --demo >/dev/null 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA" "$WORK"' EXIT
for _ in $(seq 1 2000); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.01; done
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$PID/status"; }
echo "idle peak RSS: $(hwm) MB"
# One multipart body: a csrf part matching the forged cookie, then a SIZE MiB file part.
B=----flood
{ printf -- "--$B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nforged\r\n"
  printf -- "--$B\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
  head -c $((SIZE * 1024 * 1024)) /dev/zero
  printf -- "\r\n--$B--\r\n"; } > "$WORK/body"
for i in $(seq 1 "$N"); do
  curl -s -o /dev/null -w "%{http_code} %{time_total}s\n" --max-time 60 \
    -H "Content-Type: multipart/form-data; boundary=$B" -H "Origin: http://127.0.0.1:$PORT" \
    -H "Cookie: gk_csrf=forged" --data-binary @"$WORK/body" \
    "http://127.0.0.1:$PORT/admin/articles/1/files" > "$WORK/r$i" &
done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
cut -d" " -f1 "$WORK"/r* | sort | uniq -c | sed "s/^/answers: /"; echo "slowest answer: $(cut -d" " -f2 "$WORK"/r* | sort -n | tail -1)"
echo "peak RSS after $N anonymous ${SIZE} MiB posts: $(hwm) MB"
