#!/usr/bin/env bash
# Runs every SharpBpf test suite and ends with one line: "tests: N passed, N failed, N skipped".
# Installs what the tests need when it is missing (nothing beyond the .NET SDK yet).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

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
