#!/usr/bin/env bash
# Runs the whole test suite as if it were another day: proof that the date the suite runs on
# changes nothing (issue 8). Not in CI's default path; CI runs the suite once at one far date
# (see .ci/run), this script runs it at the dates where calendars break:
#
#   scripts/test-at-dates.sh                        # the four dates below
#   scripts/test-at-dates.sh '2029-10-08 09:00:00'  # any Beijing times you like
#
# How: the test binaries are built first at the real time (so cargo's freshness checks never
# see files from the "future"), then each is run under libfaketime (Debian package `faketime`)
# with a relative offset (`+N` seconds) from the real clock to the given moment, so the faked
# clock keeps moving, and every process — the tests and the real binary they start (crash and
# CLI tests) — sees the same time: the start-at mode (`@…`) would start each process's clock
# at the moment anew, and a server started two minutes into the run would be two minutes
# behind its test (a TOTP code computed by the test would then be refused). The moments are
# Beijing time and the tests run with TZ=Asia/Shanghai, so a test that leaned on the machine's
# zone would show it too.
#
# libfaketime and tokio: only the wall clock is faked. FAKETIME_DONT_FAKE_MONOTONIC=1 leaves
# CLOCK_MONOTONIC real: tokio's timers, the tests' `Instant` deadlines and the server's timeouts
# measure intervals on it, and nothing is ever dated from it, so faking it would test nothing.
# Dates the product shows or computes come from the injected `Clock` (tests pass a
# `ManualClock` starting at `clock::TEST_START`), which is why faking the wall clock must change
# nothing. Chromium hangs under libfaketime ("timed out receiving message from renderer"), so
# the browser tests start chromedriver without LD_PRELOAD: the browser is the tool; the server,
# the CLI and the tests are what run at the faked date.
#
# Needs: faketime, plus what `cargo test` needs (.ci/run installs Chromium and fonts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -e "$LIB" ] \
  || { echo "libfaketime missing: apt-get install faketime" >&2; exit 2; }

if [ $# -gt 0 ]; then
  DATES=("$@")
else
  DATES=(
    '2026-12-31 23:59:30'  # year end, 30 s before the new year in Beijing
    '2027-02-06 10:00:00'  # Spring Festival day, a year past the built-in holiday calendar
    '2028-02-29 12:00:00'  # leap day
    '2030-06-15 03:00:00'  # years out
  )
fi

export AXE_CORE_JS="${AXE_CORE_JS:-$ROOT/tests/vendor/axe-core/axe.min.js}"

echo "== building the test binaries at the real time"
mapfile -t BINS < <(cargo test --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["executable"])
')
[ ${#BINS[@]} -gt 0 ] || { echo "cargo test --no-run built no test binary" >&2; exit 1; }

# The integration tests start the real binary as well (CLI and crash tests).
cargo build --quiet

failed=()
for d in "${DATES[@]}"; do
  echo
  echo "== Beijing time $d"
  for bin in "${BINS[@]}"; do
    echo "-- $(basename "$bin")"
    off=$(( $(TZ=Asia/Shanghai date -d "$d" +%s) - $(date +%s) ))
    if [ "$off" -ge 0 ]; then off="+$off"; fi
    if ! TZ=Asia/Shanghai FAKETIME="$off" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$LIB" \
        sh -c 'echo "   the tests see: $(date "+%F %T %Z")"; exec "$@"' sh "$bin"; then
      failed+=("$d $(basename "$bin")")
    fi
  done
done

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "all dates passed: ${DATES[*]/%/;}"
else
  printf 'FAILED at: %s\n' "${failed[@]}"
  exit 1
fi
