#!/bin/sh
# Builds the sharpbpf CLI once (Release, into .build/cli) and runs it. Rebuilds when a source or build
# file is newer than the last build. The build is a NativeAOT binary (no JIT warm-up); where NativeAOT
# cannot build (no C toolchain), a ReadyToRun build; elsewhere a plain one.
#
# ./sharpbpf (a static x86-64 Linux launcher: tools/SharpBpf.Launcher) execs the native build itself
# when there is one, and this script otherwise; elsewhere, run this script (`sh sharpbpf.sh ARGS`). A
# plain POSIX shell, and no child process on the way to exec. The binary checks that the build is
# current (it lists what it was built from in .sources; see src/SharpBpf.Cli/BuildFreshness.cs) and runs
# this script again with SHARPBPF_REBUILD=1 when it is not.
set -eu
case "$0" in
  */*) here="${0%/*}" ;;
  *) here=. ;;
esac
case "$here" in /*) ;; *) here="$PWD/$here" ;; esac
out="$here/.build/cli"
stamp="$out/.built"
if [ -f "$stamp" ] && [ -f "$out/.sources" ] && [ "${SHARPBPF_REBUILD:-}" != 1 ]; then
  read -r kind <"$stamp"
  export SHARPBPF_BUILD_DIR="$out" SHARPBPF_WRAPPER="$here/sharpbpf.sh"
  if [ "$kind" = native ]; then
    exec "$out/sharpbpf" "$@"
  fi
  exec dotnet "$out/sharpbpf.dll" "$@"
fi
unset SHARPBPF_REBUILD
if ! command -v dotnet >/dev/null 2>&1; then
  echo "sharpbpf: the .NET SDK (dotnet) is required: https://dot.net" >&2
  exit 1
fi
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) rid="" ;;
esac
project="$here/src/SharpBpf.Cli/SharpBpf.Cli.csproj"
# One build at a time: two stale runs at once would delete each other's output.
mkdir -p "$here/.build"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.build/cli.lock"
  flock 9
fi
log="$(mktemp)"
# Built beside the current build and moved into place when complete, so a run that starts meanwhile
# still finds a whole build.
next="$out.next"
rm -rf "$next"
if [ -n "$rid" ] && dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -o "$next" --nologo -v q >"$log" 2>&1; then
  kind=native
elif [ -n "$rid" ] && cp "$log" "$here/.build/cli-aot.log" &&
  echo "sharpbpf: the NativeAOT build failed (.build/cli-aot.log); building ReadyToRun instead" >&2 &&
  dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$next" --nologo -v q >"$log" 2>&1; then
  kind=dll
elif dotnet build "$project" -c Release -o "$next" --nologo -v q >"$log" 2>&1; then
  kind=dll
else
  cat "$log" >&2
  rm -f "$log"
  rm -rf "$next"
  echo "sharpbpf: build failed" >&2
  exit 1
fi
rm -f "$log"
# What the build came from: a changed file is newer than the stamp, and an added, removed or renamed one
# makes its folder newer. Listed folder by folder (the binary opens each folder once for the entries in it).
tab="$(printf '\t')"
find "$here/src" "$here/Directory.Build.props" "$here/Directory.Packages.props" "$here/global.json" \( -name obj -o -name bin \) -prune \
  -o \( -type d -o -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.order' \) -print |
  awk '{ d = $0; sub(/\/[^\/]*$/, "", d); print d "\t" $0 }' | LC_ALL=C sort -t "$tab" -k1,1 | cut -f2- >"$next/.sources"
echo "$kind" >"$next/.built"
rm -rf "$out.old"
if [ -d "$out" ]; then mv "$out" "$out.old"; fi
mv "$next" "$out"
rm -rf "$out.old"
exec 9>&-
export SHARPBPF_BUILD_DIR="$out" SHARPBPF_WRAPPER="$here/sharpbpf.sh"
if [ "$kind" = native ]; then
  exec "$out/sharpbpf" "$@"
fi
exec dotnet "$out/sharpbpf.dll" "$@"
