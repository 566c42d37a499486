#!/usr/bin/env python3
"""sharpbpf trace beside bpftrace, in one run (see README.md).

  bench.py [--runs N] [--warmup N] [--rounds N] [--syscalls K] [--direct BINARY] SHARPBPF BPFTRACE WORKLOAD

(1) startup: wall time of `TOOL -e 'BEGIN { exit(); }'` (stdout to /dev/null);
(2) first event: time from spawning `TOOL -e 'tracepoint:raw_syscalls:sys_enter { printf("E %d\\n", pid); exit(); }'`
    until the first stdout line starting with "E " is read from its pipe;
(3) per-event overhead: WORKLOAD K (K getppid() syscalls, prints its own elapsed ns) run with no
    tracer, then under `tracepoint:raw_syscalls:sys_enter { @ = count(); }` of each tool; the extra ns
    per syscall against the untraced run of the same round.
(1) and (2): warm-up runs, then N runs per tool taking turns (ours, the binary alone, theirs, ...);
medians (and best). (3): R rounds (none, ours, theirs), medians. Only processes started here are
signalled, by PID.
"""
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import time

BEGIN = "BEGIN { exit(); }"
FIRST = 'tracepoint:raw_syscalls:sys_enter { printf("E %d\\n", pid); exit(); }'
COUNT = 'BEGIN { printf("ready\\n"); } tracepoint:raw_syscalls:sys_enter { @ = count(); }'


def fail(msg):
    sys.exit(f"bench/trace: {msg}")


def startup(tool):
    start = time.perf_counter_ns()
    done = subprocess.run([*tool, "-e", BEGIN], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter_ns() - start
    if done.returncode != 0:
        fail(f"{' '.join(tool)} -e '{BEGIN}' exited with {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return elapsed


def read_until(proc, predicate, timeout):
    """Reads proc's stdout (raw fd, no buffering beyond the line) until a line satisfies predicate; returns the time it was read."""
    fd = proc.stdout.fileno()
    buf = b""
    deadline = time.monotonic() + timeout
    while True:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if predicate(line):
                return time.perf_counter_ns(), buf
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None, buf
        chunk = os.read(fd, 65536)
        if not chunk:
            return None, buf
        buf += chunk


def stop(proc, sig=signal.SIGKILL):
    if proc.poll() is None:
        os.kill(proc.pid, sig)


def first_event(tool):
    start = time.perf_counter_ns()
    proc = subprocess.Popen([*tool, "-e", FIRST], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    at, _ = read_until(proc, lambda l: l.startswith(b"E "), 10)
    if at is None:
        stop(proc)
        err = proc.communicate()[1]
        fail(f"{' '.join(tool)}: no 'E ' line within 10 s: {err.decode(errors='replace').strip()}")
    proc.stdout.read()
    proc.wait()
    return at - start


def workload(binary, k):
    out = subprocess.run([binary, str(k)], stdout=subprocess.PIPE, check=True).stdout
    return int(out)


def traced(tool, binary, k):
    proc = subprocess.Popen([*tool, "-e", COUNT], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    at, rest = read_until(proc, lambda l: l.strip() == b"ready", 30)
    if at is None:
        stop(proc)
        fail(f"{' '.join(tool)}: no 'ready' line within 30 s: {proc.communicate()[1].decode(errors='replace').strip()}")
    time.sleep(0.2)  # every probe attached before BEGIN in both tools; a margin all the same
    ns = workload(binary, k)
    stop(proc, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        stop(proc)
        fail(f"{' '.join(tool)} did not end on SIGINT")
    m = re.search(rb"^@: (\d+)", rest + out, re.M)
    if not m or int(m.group(1)) < k:
        fail(f"{' '.join(tool)}: count() printed {m.group(1).decode() if m else 'nothing'}, fewer than the workload's {k} syscalls: {err.decode(errors='replace').strip()}")
    return ns


def ms(ns):
    return f"{ns / 1e6:.1f} ms"


def ms2(ns):
    return f"{ns / 1e6:.2f} ms"


def main():
    args = sys.argv[1:]
    runs, warmup, rounds, k, direct = 21, 2, 7, 2_000_000, None
    while args and args[0].startswith("--"):
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--runs":
            runs = int(val)
        elif opt == "--warmup":
            warmup = int(val)
        elif opt == "--rounds":
            rounds = int(val)
        elif opt == "--syscalls":
            k = int(val)
        elif opt == "--direct":
            direct = val
        else:
            fail(f"unknown option {opt}")
    ours, theirs, binary = (args[0], "trace"), (args[1],), args[2]
    direct = (direct, "trace") if direct else None
    tools = [ours] + ([direct] if direct else []) + [theirs]
    print(f"load average {os.getloadavg()[0]:.2f} at the start; (1), (2): {runs} runs per tool after {warmup} warm-up runs, taking turns; "
          f"(3): {rounds} rounds of {k} getppid() syscalls (untraced, ./sharpbpf, bpftrace).")
    print()
    extra = " | the binary alone, median (best)" if direct else ""
    print(f"| measure | ./sharpbpf median (best){extra} | bpftrace median (best) | ./sharpbpf / bpftrace | goal (<= 0.10x) met |")
    print("|---|---:|" + ("---:|" if direct else "") + "---:|---:|---|")
    for name, fn, fmt in (("(1) `-e 'BEGIN { exit(); }'` wall time", startup, ms),
                          ("(2) time to first event: `" + FIRST + "`, first `E ` line read", first_event, ms2)):
        for _ in range(warmup):
            for t in tools:
                fn(t)
        times = {t: [] for t in tools}
        for _ in range(runs):
            for t in tools:
                times[t].append(fn(t))
        med = {t: statistics.median(v) for t, v in times.items()}
        ratio = med[ours] / med[theirs]
        alone = f" | {fmt(med[direct])} ({fmt(min(times[direct]))})" if direct else ""
        print(f"| {name} | {fmt(med[ours])} ({fmt(min(times[ours]))}){alone} | {fmt(med[theirs])} ({fmt(min(times[theirs]))}) | {ratio:.3f}x | {'yes' if ratio <= 0.10 else '**no**'} |", flush=True)
    base, extra_ours, extra_theirs = [], [], []
    workload(binary, k)
    for _ in range(rounds):
        b = workload(binary, k)
        o = traced(ours, binary, k)
        t = traced(theirs, binary, k)
        base.append(b / k)
        extra_ours.append((o - b) / k)
        extra_theirs.append((t - b) / k)
    mo, mt = statistics.median(extra_ours), statistics.median(extra_theirs)
    cells = f"{mo:.0f} ns ({min(extra_ours):.0f})" + (" | " if direct else "")
    print(f"| (3) extra ns per event, `tracepoint:raw_syscalls:sys_enter {{ @ = count(); }}` (untraced getppid(): {statistics.median(base):.0f} ns) "
          f"| {cells} | {mt:.0f} ns ({min(extra_theirs):.0f}) | {mo / mt:.2f}x | (not a goal; lower is better) |", flush=True)


if __name__ == "__main__":
    main()
