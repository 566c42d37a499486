#!/usr/bin/env bash
# Regenerates the golden captures beside this script from the real bpftrace (0.17 from Debian).
# For each NAME.bt: NAME.txt is its stdout in text mode, NAME.json its stdout with -f json.
# stderr (bpftrace's RLIMIT_MEMLOCK complaint here) is dropped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bpftrace --version
for f in *.bt; do
  n="${f%.bt}"
  bpftrace "$f" > "$n.txt" 2>/dev/null || true
  bpftrace -f json "$f" > "$n.json" 2>/dev/null || true
done
