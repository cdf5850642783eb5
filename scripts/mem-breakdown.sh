#!/usr/bin/env bash
# Where a running gongkai's memory is, so an RSS figure can be read rather than guessed:
#
#   scripts/mem-breakdown.sh PID [BASE_URL]     # BASE_URL e.g. http://127.0.0.1:8080
#
# From the kernel (/proc/PID/smaps, summed by mapping): the program's own code and data, the
# search index files tantivy has mapped, other files, heap and other anonymous memory, and
# thread stacks. From the server's /metrics (loopback is allowed by default): what the parts
# inside the heap hold — the page cache, redb's cache, tantivy's document-store cache — and
# what the allocator holds free. Prints one `key=value` line, sizes in KiB.
set -euo pipefail
PID=${1:?usage: mem-breakdown.sh PID [BASE_URL]}
BASE=${2:-}
[ -r "/proc/$PID/smaps" ] || { echo "no process $PID" >&2; exit 2; }
EXE=$(readlink "/proc/$PID/exe")

line=$(awk -v exe="$EXE" '
  /^[0-9a-f]+-[0-9a-f]+ / {
    path = $6; for (i = 7; i <= NF; i++) path = path " " $i
    if (path == exe || path == exe " (deleted)") cat = "binary"
    else if (path ~ /\/search\//) cat = "search_files"
    else if (path == "[heap]") cat = "heap"
    else if (path ~ /^\[stack/) cat = "stack"
    else if (path ~ /^\[/) cat = "kernel"
    else if (path == "") cat = "anon"
    else cat = "other_files"
    next
  }
  /^Rss:/ { sum[cat] += $2; total += $2 }
  END {
    printf "rss_kib=%d binary_kib=%d search_files_kib=%d other_files_kib=%d heap_kib=%d anon_kib=%d stack_kib=%d",
      total, sum["binary"], sum["search_files"], sum["other_files"], sum["heap"], sum["anon"], sum["stack"]
  }' "/proc/$PID/smaps")
threads=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status")
line+=" threads=$threads"

if [ -n "$BASE" ]; then
  # gongkai_memory_bytes{part="..."} N  →  part_kib=N/1024
  m=$(curl -fsS --max-time 5 "$BASE/metrics" 2>/dev/null \
      | awk -F'[{}" ]+' '/^gongkai_memory_bytes\{/ { printf " %s_kib=%d", $3, $NF / 1024 }') || m=""
  line+="$m"
fi
echo "$line"
