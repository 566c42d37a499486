#!/usr/bin/env bash
# Wall time of `./sharpbpf prog|map|feature|btf ...` beside bpftool's same commands (see README.md).
#
#   sudo bench/cli/run.sh [--runs N] [--warmup N]
#
# Builds the CLI through ./sharpbpf (as the README documents it), pins a few programs and maps
# (tests/data/objects fixtures, loaded with `./sharpbpf prog loadall`) under
# /sys/fs/bpf/sharpbpf-bench-cli-PID so the lists are not empty, times every command with
# timer.py, and removes the pins. Needs root and bpftool on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
bpftool="$(command -v bpftool || true)"
if [ -z "$bpftool" ] || [ "$(id -u)" -ne 0 ]; then
  echo "bench/cli/run.sh needs root and bpftool on PATH" >&2
  exit 2
fi
pins="/sys/fs/bpf/sharpbpf-bench-cli-$$"
trap 'rm -rf "$pins"' EXIT
./sharpbpf prog list >/dev/null   # the first build, not timed
stamp="$(stat -c %Y .build/cli/.built)"
mkdir -p "$pins"
for fixture in prog_types subprogs global_data; do
  ./sharpbpf prog loadall "tests/data/objects/$fixture.o" "$pins/$fixture"
done
echo "$(uname -r), $(nproc) CPUs, $("$bpftool" version | head -1), sharpbpf: $(cat .build/cli/.built) build; $(bpftool prog list | grep -c '^[0-9]') programs and $(bpftool map list | grep -c '^[0-9]') maps loaded."
direct=()
if [ "$(cat .build/cli/.built)" = native ]; then
  direct=(--direct "$repo/.build/cli/sharpbpf")
fi
# The .NET floor (bench/cli/floor): a NativeAOT program that returns at once, built once (untimed).
floor="$repo/.build/bench-floor/dotnet-floor"
if [ ! -x "$floor" ] || [ "$here/floor/Program.cs" -nt "$floor" ] || [ "$here/floor/floor.csproj" -nt "$floor" ]; then
  dotnet publish "$here/floor/floor.csproj" -c Release -r linux-x64 -o "$repo/.build/bench-floor" --nologo -v q >/dev/null
fi
python3 "$here/timer.py" "$@" "${direct[@]}" --floor "$floor" "$repo/sharpbpf" "$bpftool" -- \
  "prog list" "prog show -j" "map list" "map show -j" "link list" "feature probe" \
  "btf dump file /sys/kernel/btf/vmlinux format c"
if [ "$(stat -c %Y .build/cli/.built)" != "$stamp" ]; then
  echo "warning: ./sharpbpf rebuilt itself during the run (a source changed): the figures include a build" >&2
fi
