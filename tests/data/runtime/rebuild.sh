#!/usr/bin/env bash
# Rebuilds the userspace runtime's fixtures: xdp_filter.o (clang-14 -O2 -g -target bpf, cpu v3,
# deterministic as tests/data/objects/rebuild.sh) and packets.pcap (by make_pcap.py).
# Needs clang-14, libbpf-dev (bpf_helpers.h) and the uapi headers; python3 for the capture.
# Everything is committed; tests never run this.
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
multiarch=$(uname -m)-linux-gnu
"$CLANG" -O2 -g -target bpf -mcpu=v3 -fno-ident -fdebug-prefix-map="$PWD"=. \
	-I/usr/include/"$multiarch" -c xdp_filter.c -o xdp_filter.o
python3 make_pcap.py packets.pcap
