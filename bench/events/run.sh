#!/usr/bin/env bash
# Ring buffer records consumed per second: SharpBpf's RingBufferReader beside libbpf's ring_buffer,
# on the same pinned ring and producer program, in one run (see README.md).
#
#   bench/events/run.sh [--records-64 N] [--records-1k N] [--trials N] [--rounds N] [--batch N] [--ring-mib N]
#
# Builds the libbpf consumer (ringbuf_consumer.c) with cc and the C# driver (SharpBpf.EventsBench)
# into $ARTIFACTS (default .build/events-bench), installing libbpf-dev from Debian when it is
# missing, then runs the driver. Needs root: bpf(2), BPF_PROG_TEST_RUN, bpffs pins.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${ARTIFACTS:-$repo/.build/events-bench}"
mkdir -p "$out"

if [ ! -f /usr/include/bpf/libbpf.h ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing libbpf-dev from Debian" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbpf-dev >/dev/null
  else
    echo "libbpf-dev is missing: apt-get install -y libbpf-dev (as root)" >&2
    exit 2
  fi
fi

cc -O2 -Wall -Wextra "$here/ringbuf_consumer.c" -o "$out/ringbuf_consumer" -lbpf -lelf -lz -lpthread
dotnet build -c Release "$here/SharpBpf.EventsBench" --artifacts-path "$out/dotnet" --nologo -v q >&2
exec dotnet "$out/dotnet/bin/SharpBpf.EventsBench/release/SharpBpf.EventsBench.dll" --libbpf "$out/ringbuf_consumer" "$@"
