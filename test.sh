#!/usr/bin/env bash
# Runs every SharpBpf test suite and ends with one line: "tests: N passed, N failed, N skipped".
# Installs what the tests need when it is missing, from Debian: bpftool (the peer the BTF, object and
# kernel-CLI tests compare with and load through) and bpftrace (the reference `sharpbpf trace` is
# compared with).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The whole run ends within a budget (default 570 s, under the 10 minutes CI allows), so that a step that
# hangs on some machine (a package mirror, a restore, a suite) is stopped here and reported in the
# summary, rather than the run being killed from outside before it can print it.
deadline=$((SECONDS + ${SHARPBPF_TEST_BUDGET:-570}))
remaining() { local left=$((deadline - SECONDS)); echo $((left > 1 ? left : 1)); }

# Whatever happens below (a failed build, a suite that hangs and is stopped, the run being interrupted),
# the last line is the summary.
results=".build/test-results"
build_failed=0
summary() {
  local passed=0 failed=0 skipped=0 xml line
  for xml in "$results"/*.xml; do
    [ -f "$xml" ] || continue
    line="$(grep -o '<assembly [^>]*>' "$xml" | head -1)"
    attr() { echo "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
    passed=$((passed + $(attr passed)))
    failed=$((failed + $(attr failed) + $(attr errors)))
    skipped=$((skipped + $(attr skipped)))
  done
  # A suite that crashed, hung or never ran writes no report: it counts as a failure.
  for project in tests/*.Tests; do
    [ -f "$results/$(basename "$project").xml" ] || failed=$((failed + 1))
  done
  [ "$build_failed" -eq 0 ] || failed=$((failed + 1))
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}
# A suite stopped by its time limit cannot clean up after itself. Every bpffs pin, network namespace and
# cgroup the tests make is named sharpbpf...-PID-... (or _PID) after the test process: remove those whose
# process is gone.
sweep() {
  local path name pid cgroup2
  cgroup2="$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)"
  for path in /sys/fs/bpf/sharpbpf* ${cgroup2:+"$cgroup2"/sharpbpf*} $(ip netns list 2>/dev/null | awk '/^sharpbpf/ { print "netns:" $1 }'); do
    name="${path##*/}"
    name="${name#netns:}"
    pid="$(echo "$name" | tr '_' '-' | tr '-' '\n' | grep -m1 -xE '[0-9]+')"
    [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null || continue
    case "$path" in
      netns:*) ip netns delete "$name" ;;
      /sys/fs/bpf/*) rm -rf "$path" ;;
      *) find "$path" -depth -type d -exec rmdir {} + 2>/dev/null ;;
    esac
    echo "removed $path, left by a stopped test process ($pid)"
  done
}
# The long steps run in the background and are waited for, so that a signal to this script is handled at
# once (bash runs a trap only after its foreground command ends, which a suite can take minutes to do):
# the step is stopped and the summary printed.
step=""
run_step() {
  "$@" </dev/null &
  step=$!
  wait "$step"
  local rc=$?
  step=""
  return "$rc"
}
trap 'summary; exit $?' EXIT
trap 'echo "interrupted"; [ -z "$step" ] || kill -TERM "$step" 2>/dev/null; exit 130' INT TERM HUP
rm -rf "$results"
mkdir -p "$results"

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v bpftrace >/dev/null 2>&1 || need+=(bpftrace)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} from Debian"
    (timeout 240 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y -qq "${need[@]}") </dev/null >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}; tests that compare with them will say so"
  else
    echo "warning: ${need[*]} missing and not root with apt-get; tests that compare with them will say so"
  fi
fi

# Kernel tests pin objects in bpffs and read tracepoints and trace_pipe in tracefs; a fresh machine may
# have neither mounted.
if [ "$(id -u)" -eq 0 ]; then
  if [ -d /sys/fs/bpf ] && ! mountpoint -q /sys/fs/bpf; then
    mount -t bpf bpf /sys/fs/bpf || echo "warning: could not mount bpffs at /sys/fs/bpf"
  fi
  if [ -d /sys/kernel/tracing ] && ! mountpoint -q /sys/kernel/tracing; then
    mount -t tracefs tracefs /sys/kernel/tracing || echo "warning: could not mount tracefs at /sys/kernel/tracing"
  fi
fi

if ! run_step timeout -k 10 "$(remaining)" dotnet build SharpBpf.slnx -c Release --nologo -v q; then
  echo "build failed"
  build_failed=1
  exit 1
fi

# Each suite runs with stdin closed and a time limit, so one that hangs is stopped, reported and counted
# as failed, and the run still ends with its summary (the whole suite takes ~2 minutes here).
limit="${SHARPBPF_TEST_TIMEOUT:-300}"
for project in tests/*.Tests; do
  name="$(basename "$project")"
  echo "== $name"
  left="$(remaining)"
  if [ "$left" -le 10 ]; then
    echo "$name: not run, the run's time budget is spent; it counts as failed"
    continue
  fi
  [ "$left" -lt "$limit" ] && suite_limit="$left" || suite_limit="$limit"
  # -longRunning: a test still running after 60 s is named, every 60 s, so that a suite stopped by its limit
  # says which test hung.
  run_step timeout -k 10 "$suite_limit" dotnet "$project/bin/Release/net10.0/$name.dll" -noColor -longRunning 60 -result-xml "$results/$name.xml"
  rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "$name: stopped after ${suite_limit} s (a hang, or the run's budget); its report is lost and it counts as failed"
    rm -f "$results/$name.xml"
    sweep
  fi
done
