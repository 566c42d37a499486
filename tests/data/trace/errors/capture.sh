#!/usr/bin/env bash
# Regenerates the error captures from the real bpftrace 0.17: for each NAME.bt, NAME.e.txt is the
# stderr of `bpftrace -e` with the file's exact text (trailing newlines kept) and NAME.file.txt that of
# `bpftrace NAME.bt`, without the RLIMIT_MEMLOCK complaint this machine adds.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bpftrace --version
for f in *.bt; do
  n="${f%.bt}"
  src="$(cat "$f"; printf x)"
  bpftrace -e "${src%x}" 2>&1 >/dev/null | grep -v RLIMIT_MEMLOCK > "$n.e.txt"
  bpftrace "$f" 2>&1 >/dev/null | grep -v RLIMIT_MEMLOCK > "$n.file.txt"
done
