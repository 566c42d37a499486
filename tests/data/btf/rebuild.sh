#!/usr/bin/env bash
# Rebuilds the BTF dump fixtures and the expected dumps. Inputs:
#   X.c                 -> X.o      (clang -O2 -g -target bpf: its .BTF section is the input)
#   dups_a.c + dups_b.c -> dups.o   (linked by bpftool gen object: two distinct types per name)
#   make_btf.py         -> X.btf    (raw BTF for what clang 14 cannot produce; a split BTF X.btf
#                                    comes with X.base, the name of its base BTF file)
# Expected outputs, exactly as bpftool 7.1 prints them:
#   X.c.txt   bpftool btf dump file X.{o,btf} format c
#   X.raw.txt bpftool btf dump file X.{o,btf} format raw
#   X.c.err   bpftool's stderr, only when the C dump fails (X.c.txt then holds the partial output)
# The outputs are committed; BtfDumpGoldenTests compares SharpBpf's dumps with them.
# Needs clang 14, python3 and bpftool 7.1 (libbpf 1.1, as in Debian 12's bpftool package).
set -euo pipefail
cd "$(dirname "$0")"

CLANG=${CLANG:-clang-14}
BPFTOOL=${BPFTOOL:-bpftool}
command -v "$BPFTOOL" >/dev/null || BPFTOOL=/usr/sbin/bpftool

for tool in "$CLANG" "$BPFTOOL" python3; do
	command -v "$tool" >/dev/null || { echo "rebuild.sh: $tool is not on PATH" >&2; exit 1; }
done
version=$("$BPFTOOL" version)
if [[ "$version" != *" v7.1."* ]]; then
	echo "rebuild.sh: warning: $BPFTOOL is not bpftool 7.1; the expected dumps will change" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -fno-ident keeps the compiler's version string out of the objects and -fdebug-prefix-map the
# checkout's path out of their DWARF, so a rebuild elsewhere gives the same bytes.
CFLAGS=(-O2 -g -fno-ident -fdebug-prefix-map="$PWD"=. -target bpf)
for name in layout decls program; do
	"$CLANG" "${CFLAGS[@]}" -c "$name.c" -o "$name.o"
done
"$CLANG" "${CFLAGS[@]}" -c dups_a.c -o "$tmp/dups_a.o"
"$CLANG" "${CFLAGS[@]}" -c dups_b.c -o "$tmp/dups_b.o"
"$BPFTOOL" gen object dups.o "$tmp/dups_a.o" "$tmp/dups_b.o"
python3 make_btf.py .

for input in *.o *.btf; do
	name=${input%.*}
	base=()
	[ -f "$name.base" ] && base=(-B "$(cat "$name.base")")
	rm -f "$name.c.err"
	if ! "$BPFTOOL" "${base[@]}" btf dump file "$input" format c > "$name.c.txt" 2> "$tmp/err"; then
		grep -v '^Error:' "$tmp/err" > "$name.c.err" || true
	fi
	"$BPFTOOL" "${base[@]}" btf dump file "$input" format raw > "$name.raw.txt"
	echo "$input: $(grep -c '^\[' "$name.raw.txt") types$( [ -f "$name.c.err" ] && echo ", C dump fails: $(head -1 "$name.c.err")")"
done
