#!/usr/bin/env bash
# Rebuilds the golden disassembly fixtures from their C sources: for each program X.c in the
# table below, X.o (clang -target bpf), X.bin (the program's section as raw bytes) and
# X.objdump.txt (llvm-objdump -d X.o, kept exactly as printed). The outputs are committed;
# GoldenDisassemblyTests compares SharpBpf's disassembler and assembler with them.
# Needs clang, llvm-objcopy and llvm-objdump of LLVM 14 (the listings are LLVM 14's text).
set -euo pipefail
cd "$(dirname "$0")"

CLANG=${CLANG:-clang-14}
OBJCOPY=${OBJCOPY:-llvm-objcopy}
OBJDUMP=${OBJDUMP:-llvm-objdump}

for tool in "$CLANG" "$OBJCOPY" "$OBJDUMP"; do
	command -v "$tool" >/dev/null || { echo "rebuild.sh: $tool is not on PATH" >&2; exit 1; }
done
if ! "$OBJDUMP" --version | grep -q 'LLVM version 14\.'; then
	echo "rebuild.sh: warning: $OBJDUMP is not LLVM 14; the expected listings will change" >&2
fi

# name       section           cflags
PROGRAMS='
xdp_parse    xdp               -mcpu=v2
sock_loop    socket            -mcpu=v1
alu32        tc                -mcpu=v3
atomics      kprobe/atomics    -mcpu=v3
subprog      classifier        -mcpu=v2
'

while read -r name section flags; do
	[ -n "$name" ] || continue
	# -fno-ident and -g0 keep the object free of compiler-version strings and debug sections.
	"$CLANG" -O2 -g0 -fno-ident -target bpf $flags -c "$name.c" -o "$name.o"
	"$OBJCOPY" -O binary --only-section="$section" "$name.o" "$name.bin"
	"$OBJDUMP" -d "$name.o" > "$name.objdump.txt"
	echo "$name: $section, $(( $(stat -c %s "$name.bin") / 8 )) slots ($flags)"
done <<< "$PROGRAMS"
