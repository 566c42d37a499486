#!/usr/bin/env bash
# Rebuilds execsnoop.bpf.o from its C source (clang-14, libbpf-dev's bpf_helpers.h).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
clang-14 -O2 -g -target bpf -fno-ident -fdebug-prefix-map="$PWD"=. \
  -I/usr/include/"$(uname -m)"-linux-gnu -c execsnoop.bpf.c -o execsnoop.bpf.o
