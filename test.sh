#!/usr/bin/env bash
# Runs every SharpBpf test suite and ends with one line: "tests: N passed, N failed, N skipped".
# Installs what the tests need when it is missing, from Debian: bpftool (the peer the BTF, object and
# kernel-CLI tests compare with and load through) and bpftrace (the reference `sharpbpf trace` is
# compared with).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v bpftrace >/dev/null 2>&1 || need+=(bpftrace)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} from Debian"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}; tests that compare with them will say so"
  else
    echo "warning: ${need[*]} missing and not root with apt-get; tests that compare with them will say so"
  fi
fi

# Kernel tests pin objects in bpffs; a fresh machine may not have it mounted.
if [ "$(id -u)" -eq 0 ] && [ -d /sys/fs/bpf ] && ! mountpoint -q /sys/fs/bpf; then
  mount -t bpf bpf /sys/fs/bpf || echo "warning: could not mount bpffs at /sys/fs/bpf"
fi

results=".build/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build SharpBpf.slnx -c Release --nologo -v q; then
  echo "build failed"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

status=0
for project in tests/*.Tests; do
  name="$(basename "$project")"
  echo "== $name"
  if ! dotnet "$project/bin/Release/net10.0/$name.dll" -noColor -result-xml "$results/$name.xml"; then
    status=1
  fi
done

passed=0; failed=0; skipped=0
for xml in "$results"/*.xml; do
  [ -f "$xml" ] || continue
  line="$(grep -o '<assembly [^>]*>' "$xml" | head -1)"
  attr() { echo "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr errors)))
  skipped=$((skipped + $(attr skipped)))
done
# A suite that crashed before writing its report counts as a failure.
for project in tests/*.Tests; do
  [ -f "$results/$(basename "$project").xml" ] || failed=$((failed + 1))
done
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
