#!/usr/bin/env bash
# Regenerates NAME.txt beside each NAME.bt from the real bpftrace 0.17 (Debian's); stderr (bpftrace's
# RLIMIT_MEMLOCK complaint here) is dropped. Scripts avoid comm and pids, which differ between tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bpftrace --version
for f in *.bt; do
  bpftrace "$f" > "${f%.bt}.txt" 2>/dev/null || true
done
