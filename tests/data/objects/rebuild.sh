#!/usr/bin/env bash
# Rebuilds the BPF object fixtures of the ELF/BTF/CO-RE reader from their C sources, and the
# peer tools' view of each object that golden tests compare with. For each X.c in the table:
#   X.o            clang-14 -O2 -g -target bpf (the fixture itself)
#   X.readelf.txt  llvm-readelf -S -s -r X.o
#   X.objdump.txt  llvm-objdump -d -r X.o
#   X.btf.raw.txt  bpftool btf dump file X.o format raw
#   X.btf.c.txt    bpftool btf dump file X.o format c
# All outputs are committed; tests use them and never run this script.
#
# Needs (none of which the tests need): clang-14 and llvm-readelf, llvm-objdump, llvm-strip of
# LLVM 14; bpftool (the expected dumps are bpftool 7.1's text); libbpf-dev (bpf_helpers.h,
# bpf_core_read.h, bpf_tracing.h: libbpf 1.1 was used); the Linux uapi headers
# (linux-libc-dev); and /sys/kernel/btf/vmlinux (or VMLINUX_BTF=path). vmlinux.h is generated
# from it into a temporary folder for the objects marked "vmlinux" below, so those two
# (core_task, ksyms) carry the layout of the kernel they were built on (6.18 x86_64 for the
# committed ones) and change when rebuilt on another kernel. The others depend only on the
# tools and headers.
#
# The vmlinux.h objects are stripped of DWARF after compiling (llvm-strip -g, as
# libbpf-bootstrap does): vmlinux.h's types make it 600 KB per object, with 12,000 relocations
# in .rel.debug_str_offsets, while .BTF and .BTF.ext, all a loader reads, are kept. The other
# objects keep their DWARF, so the reader also meets .debug_* sections and their relocations.
#
# Deterministic: two runs on one machine give byte-identical outputs. -fno-ident drops the
# compiler's .comment; -fdebug-prefix-map rewrites this folder to "." and the temporary
# vmlinux.h folder to "/vmlinux" in DWARF and in the BTF line info's file names.
set -euo pipefail
cd "$(dirname "$0")"

CLANG=${CLANG:-clang-14}
READELF=${READELF:-llvm-readelf}
OBJDUMP=${OBJDUMP:-llvm-objdump}
STRIP=${STRIP:-llvm-strip}
BPFTOOL=${BPFTOOL:-bpftool}
VMLINUX_BTF=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}

for tool in "$CLANG" "$READELF" "$OBJDUMP" "$STRIP" "$BPFTOOL"; do
	command -v "$tool" >/dev/null || { echo "rebuild.sh: $tool is not on PATH" >&2; exit 1; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] ||
	{ echo "rebuild.sh: libbpf headers missing (apt-get install libbpf-dev)" >&2; exit 1; }
for tool in "$READELF" "$OBJDUMP"; do
	"$tool" --version | grep -q 'LLVM version 14\.' ||
		echo "rebuild.sh: warning: $tool is not LLVM 14; the expected dumps will change" >&2
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
multiarch=$(uname -m)-linux-gnu # asm/types.h, asm/ptrace.h

# name          cpu      vmlinux  extra flags
# cpu "default" passes no -mcpu (clang-14's default is v1); vmlinux "yes" adds the generated
# vmlinux.h to the include path and strips DWARF, "no" adds /usr/include/<multiarch>.
OBJECTS='
prog_types      default  no       -
probes          v2       no       -D__TARGET_ARCH_x86
maps_btf        v3       no       -
maps_legacy     default  no       -
global_data     default  no       -
subprogs        v3       no       -
core_task       v3       yes      -D__TARGET_ARCH_x86
core_local      default  no       -D__TARGET_ARCH_x86
ksyms           v3       yes      -D__TARGET_ARCH_x86
'

if grep -q ' yes ' <<< "$OBJECTS"; then
	[ -r "$VMLINUX_BTF" ] || { echo "rebuild.sh: $VMLINUX_BTF is not readable" >&2; exit 1; }
	"$BPFTOOL" btf dump file "$VMLINUX_BTF" format c > "$tmp/vmlinux.h"
fi

while read -r name cpu vmlinux extra; do
	[ -n "$name" ] || continue
	flags=(-O2 -g -target bpf -fno-ident)
	flags+=(-fdebug-prefix-map="$PWD"=. -fdebug-prefix-map="$tmp"=/vmlinux)
	[ "$cpu" = default ] || flags+=("-mcpu=$cpu")
	[ "$extra" = - ] || flags+=($extra)
	if [ "$vmlinux" = yes ]; then
		flags+=(-I"$tmp")
	else
		flags+=(-I"/usr/include/$multiarch")
	fi
	"$CLANG" "${flags[@]}" -c "$name.c" -o "$name.o"
	[ "$vmlinux" = no ] || "$STRIP" -g "$name.o"
	"$READELF" -S -s -r "$name.o" > "$name.readelf.txt"
	"$OBJDUMP" -d -r "$name.o" > "$name.objdump.txt"
	"$BPFTOOL" btf dump file "$name.o" format raw > "$name.btf.raw.txt"
	"$BPFTOOL" btf dump file "$name.o" format c > "$name.btf.c.txt"
	echo "$name.o: cpu $cpu, $(stat -c %s "$name.o") bytes"
done <<< "$OBJECTS"
