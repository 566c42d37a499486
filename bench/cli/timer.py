#!/usr/bin/env python3
"""Wall time of sharpbpf's and bpftool's commands, side by side (see README.md).

  timer.py [--runs N] [--warmup N] [--direct BINARY] [--floor BINARY] SHARPBPF BPFTOOL -- 'ARGS' ['ARGS'...]

Each ARGS is one command's arguments (shell words, with an optional '> FILE' style redirect left
out: stdout always goes to /dev/null). For every command: the warm-up runs of both tools, then N
runs each, taking turns (ours, theirs, ours, ...), so drift on a shared machine hits both alike.
Prints a markdown table: median and best wall time, the ratio of the medians. With --direct, the
built binary that SHARPBPF (the ./sharpbpf launcher) runs is timed too, in its own column: the
difference is the launcher's own cost (its exec, and the check that the build is current). With --floor,
a last row times /bin/true (starting any process) and BINARY, a .NET NativeAOT program that returns at
once (starting the .NET runtime), each beside bpftool's fastest median: how far a C# command can go.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    start = time.perf_counter_ns()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter_ns() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited with {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return elapsed


def ms(ns):
    return f"{ns / 1e6:.1f} ms"


def main():
    args = sys.argv[1:]
    runs, warmup, direct, floor = 21, 2, None, None
    while args and args[0].startswith("--") and args[0] != "--":
        if args[0] == "--runs":
            runs = int(args[1])
        elif args[0] == "--warmup":
            warmup = int(args[1])
        elif args[0] == "--direct":
            direct = args[1]
        elif args[0] == "--floor":
            floor = args[1]
        else:
            sys.exit(f"unknown option {args[0]}")
        args = args[2:]
    ours, theirs = args[0], args[1]
    assert args[2] == "--"
    commands = args[3:]
    load = os.getloadavg()[0]
    print(f"{runs} runs per tool and command after {warmup} warm-up runs, taking turns; load average {load:.2f} at the start; stdout to /dev/null.")
    print()
    extra = " | the binary alone, median (best)" if direct else ""
    print(f"| command | ./sharpbpf median (best){extra} | bpftool median (best) | ./sharpbpf / bpftool | goal met (not slower) |")
    print("|---|---:|" + ("---:|" if direct else "") + "---:|---:|---|")
    fastest = None
    for command in commands:
        words = shlex.split(command)
        a, b = [ours] + words, [theirs] + words
        c = [direct] + words if direct else None
        for _ in range(warmup):
            run(a)
            run(b)
            if c:
                run(c)
        ta, tb, tc = [], [], []
        for _ in range(runs):
            ta.append(run(a))
            tb.append(run(b))
            if c:
                tc.append(run(c))
        ma, mb = statistics.median(ta), statistics.median(tb)
        fastest = mb if fastest is None else min(fastest, mb)
        ratio = ma / mb
        alone = f" | {ms(statistics.median(tc))} ({ms(min(tc))})" if c else ""
        print(f"| `{command}` | {ms(ma)} ({ms(min(ta))}){alone} | {ms(mb)} ({ms(min(tb))}) | {ratio:.2f}x | {'yes' if ratio <= 1.0 else '**no**'} |", flush=True)
    if floor:
        print()
        print("| floor | median (best) | / bpftool's fastest median above |")
        print("|---|---:|---:|")
        for name, argv in (("`/bin/true` (any process)", ["/bin/true"]), ("an empty .NET NativeAOT program (bench/cli/floor)", [floor])):
            for _ in range(warmup):
                run(argv)
            t = [run(argv) for _ in range(runs)]
            print(f"| {name} | {ms(statistics.median(t))} ({ms(min(t))}) | {statistics.median(t) / fastest:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
