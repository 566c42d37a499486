#!/usr/bin/env python3
"""Merges traces of managed code addresses into an ILC order file (see README.md).

  order.py OUT TRACE BINARY [TRACE BINARY ...]

TRACE: `perf script -F pid,time,ip` (samples) or `-F pid,time,addr` (page faults) of runs of BINARY, a NativeAOT
build with its symbols beside it (BINARY.dbg, or BINARY itself when not stripped). Every address inside the
binary's __managedcode section is named by the symbol it falls in; OUT lists each symbol once, ordered by the
median time at which runs first reached it, counted from each process's first event.
"""
import bisect
import collections
import os
import statistics
import subprocess
import sys


def symbols(binary):
    dbg = binary + ".dbg" if os.path.exists(binary + ".dbg") else binary
    start = end = None
    for line in subprocess.run(["readelf", "-SW", dbg], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.replace("[", " ").replace("]", " ").split()
        if "__managedcode" in fields:
            i = fields.index("__managedcode")
            start = int(fields[i + 2], 16)
            end = start + int(fields[i + 4], 16)
    if start is None:
        sys.exit(f"order.py: {dbg}: no __managedcode section")
    table = []
    for line in subprocess.run(["nm", "-n", dbg], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1] in ("t", "T"):
            table.append((int(parts[0], 16), parts[2]))
    return start, end, table


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    first = collections.defaultdict(list)
    for n, (trace, binary) in enumerate(zip(sys.argv[2::2], sys.argv[3::2])):
        lo, hi, table = symbols(binary)
        addresses = [a for a, _ in table]
        start, seen = {}, collections.defaultdict(set)
        for line in open(trace):
            parts = line.split()
            try:
                pid, t, address = f"{n}:{parts[0]}", float(parts[1].rstrip(":")), int(parts[2], 16)
            except (IndexError, ValueError):
                continue
            start.setdefault(pid, t)
            if not lo <= address < hi:
                continue
            i = bisect.bisect_right(addresses, address) - 1
            if i < 0 or table[i][1] in seen[pid]:
                continue
            seen[pid].add(table[i][1])
            first[table[i][1]].append(t - start[pid])
    order = sorted(first, key=lambda s: (statistics.median(first[s]), s))
    with open(sys.argv[1], "w") as out:
        out.write("".join(s + "\n" for s in order))
    print(f"order.py: {len(order)} symbols")


if __name__ == "__main__":
    main()
