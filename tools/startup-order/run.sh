#!/usr/bin/env bash
# Regenerates src/SharpBpf.Cli/startup.order, the order in which the NativeAOT build lays out the managed
# methods that short commands run (see README.md). Needs root (the commands load programs), perf and the repository's
# build prerequisites. Takes ~10 minutes.
#
#   sudo tools/startup-order/run.sh [--runs N] [--rate HZ] [--rounds R]
#
# --runs: runs of each profiled command while sampling (250); --rate: perf's sampling rate (99000);
# --rounds: at most this many builds that add the methods first touched by page faults (4).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${ARTIFACTS:-$repo/.build/startup-order}"
runs=250 rate=99000 rounds=4
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--rate HZ] [--rounds R]" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ] || ! command -v perf >/dev/null; then
  echo "tools/startup-order/run.sh needs root and perf" >&2
  exit 2
fi
mkdir -p "$out"
"$repo/sharpbpf" trace -e 'BEGIN { exit(); }' >/dev/null   # the wrapper's build and its list of sources

# Builds the CLI into $1 laid out by the order file $2 ("" for the compiler's own order), with the wrapper's list
# of sources and a stamp, and a copy of the launcher in $1.tree whose .build/cli is $1: run through it, the binary
# checks its build as it does under ./sharpbpf (a stale answer runs the tree's sharpbpf.sh, which fails).
build() {
  rm -rf "$1" "$1.tree"
  dotnet publish "$repo/src/SharpBpf.Cli/SharpBpf.Cli.csproj" -c Release -r linux-x64 -p:PublishAot=true \
    -p:IlcOrderFile="$2" -o "$1" --artifacts-path "$out/obj" --nologo -v q >"$out/build.log" 2>&1 ||
    { cat "$out/build.log" >&2; exit 1; }
  cp "$repo/.build/cli/.sources" "$1/.sources"
  echo native >"$1/.built"
  mkdir -p "$1.tree/.build"
  ln -s "$1" "$1.tree/.build/cli"
  cp "$repo/sharpbpf" "$1.tree/sharpbpf"
  printf '#!/bin/sh\necho "stale build: $0" >&2\nexit 1\n' >"$1.tree/sharpbpf.sh"
  chmod +x "$1.tree/sharpbpf.sh"
}

# The profiled commands: a one-liner's first event, BEGIN with maps (the must-show one-liner) and a bpftool command.
commands() {
  "$1.tree/sharpbpf" trace -e 'tracepoint:raw_syscalls:sys_enter { printf("E %d\n", pid); exit(); }' >/dev/null
  "$1.tree/sharpbpf" trace -e 'BEGIN { printf("%d %s\n", 1 + 2 * 3, "x"); @h = hist(5); @l = lhist(7, 0, 10, 2); exit(); }' >/dev/null
  "$1.tree/sharpbpf" prog list >/dev/null
}

# The page faults of one run of each command, as "pid time address" lines.
faults() {
  : >"$2"
  for i in 1 2 3; do
    perf record -q -e page-faults -c 1 -d -o "$out/faults.data" -- bash -c "$(declare -f commands); commands '$1'" >/dev/null 2>&1
    perf script -i "$out/faults.data" -F pid,time,addr 2>/dev/null >>"$2"
  done
}

build "$out/b0" ""
echo "sampling $runs runs of each command at $rate Hz"
perf record -q -F "$rate" -o "$out/samples.data" -- bash -c "$(declare -f commands); for i in \$(seq 1 $runs); do commands '$out/b0'; done" >/dev/null 2>&1
perf script -i "$out/samples.data" --comm sharpbpf -F pid,time,ip 2>/dev/null >"$out/b0.samples"
inputs=("$out/b0.samples" "$out/b0/sharpbpf")
faults "$out/b0" "$out/b0.faults"
inputs+=("$out/b0.faults" "$out/b0/sharpbpf")
python3 "$here/order.py" "$out/order" "${inputs[@]}"
for r in $(seq 1 "$rounds"); do
  build "$out/b$r" "$out/order"
  faults "$out/b$r" "$out/b$r.faults"
  inputs+=("$out/b$r.faults" "$out/b$r/sharpbpf")
  before="$(wc -l <"$out/order")"
  python3 "$here/order.py" "$out/order" "${inputs[@]}"
  if [ "$(wc -l <"$out/order")" = "$before" ]; then
    break
  fi
done
cp "$out/order" "$repo/src/SharpBpf.Cli/startup.order"
echo "src/SharpBpf.Cli/startup.order: $(wc -l <"$out/order") methods"
