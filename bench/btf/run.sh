#!/usr/bin/env bash
# Side by side: `./sharpbpf btf dump` vs `bpftool btf dump` on the same file (wall time of the whole
# command, output to /dev/null, median of N runs each, interleaved), then BtfSpec.Parse alone.
# Usage: bench/btf/run.sh [FILE] [RUNS]   (default /sys/kernel/btf/vmlinux, 21 runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="${1:-/sys/kernel/btf/vmlinux}"
runs="${2:-21}"
command -v bpftool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bpftool >/dev/null; }
"$root/sharpbpf" --version >/dev/null   # build once, as the README documents

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )) | awk '{printf "%.1f\n", $1/1000}'; }

printf '| format | sharpbpf ms | bpftool ms | bpftool / sharpbpf |\n|---|---:|---:|---:|\n'
for fmt in raw c; do
  ours=(); theirs=()
  for ((i = 0; i < runs; i++)); do
    ours+=("$(time_ms "$root/sharpbpf" btf dump file "$file" format "$fmt")")
    theirs+=("$(time_ms bpftool btf dump file "$file" format "$fmt")")
  done
  o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
  printf '| %s | %s | %s | %.2fx |\n' "$fmt" "$o" "$t" "$(echo "$t $o" | awk '{print $1/$2}')"
done
echo
dotnet run -c Release --project "$root/bench/btf/SharpBpf.BtfBench" -- parse "$file"
