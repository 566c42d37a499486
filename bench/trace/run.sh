#!/usr/bin/env bash
# `sharpbpf trace` beside bpftrace: startup, time to first event, per-event overhead (see README.md).
#
#   sudo bench/trace/run.sh [--runs N] [--warmup N] [--rounds N] [--syscalls K]
#
# Builds the CLI through ./sharpbpf (as the README documents it; untimed) and the getppid() workload
# (workload.c) with cc into $ARTIFACTS (default .build/trace-bench), then runs bench.py, which prints
# a markdown table. Needs root and bpftrace on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${ARTIFACTS:-$repo/.build/trace-bench}"
cd "$repo"
bpftrace="$(command -v bpftrace || true)"
if [ -z "$bpftrace" ] || [ "$(id -u)" -ne 0 ]; then
  echo "bench/trace/run.sh needs root and bpftrace on PATH" >&2
  exit 2
fi
mkdir -p "$out"
cc -O2 -Wall -Wextra "$here/workload.c" -o "$out/workload"
./sharpbpf trace -e 'BEGIN { exit(); }' >/dev/null   # the first build, not timed
stamp="$(stat -c %Y .build/cli/.built)"
echo "$(uname -r), $(nproc) CPUs, $("$bpftrace" --version), sharpbpf: $(cat .build/cli/.built) build."
direct=()
if [ "$(cat .build/cli/.built)" = native ]; then
  direct=(--direct "$repo/.build/cli/sharpbpf")
fi
python3 "$here/bench.py" "$@" "${direct[@]}" "$repo/sharpbpf" "$bpftrace" "$out/workload"
if [ "$(stat -c %Y .build/cli/.built)" != "$stamp" ]; then
  echo "warning: ./sharpbpf rebuilt itself during the run (a source changed): the figures include a build" >&2
fi
