#!/usr/bin/env bash
# Our JIT (verified, JitProgram.TestRun) and interpreter beside the Linux JIT (kernel_bench.py,
# same repeat, >= 10,000; needs root) and uBPF's JIT (../shared/bench/README.md), on the six
# programs the kernel loads; prints a markdown table with ratios and geometric means.
# Extra arguments go to compare-jit: --no-kernel, --no-verify, --no-fold, --trials N, --only a,b.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
art="${SHARPBPF_BENCH_ARTIFACTS:-/tmp/sharpbpf-bench-jit}"
dotnet build "$root/bench/SharpBpf.Bench/SharpBpf.Bench.csproj" -c Release --artifacts-path "$art" --nologo -v q >/dev/null
exec dotnet "$art/bin/SharpBpf.Bench/release/SharpBpf.Bench.dll" compare-jit "$@"
