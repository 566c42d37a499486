#!/usr/bin/env bash
# SharpBpf's verifier against the kernel's, in one run (needs root: the kernel side really loads).
#   bench/verifier/run.sh            the agreement table, then the verification-time table
#   bench/verifier/run.sh agreement  only the agreement table (VERBOSE=1: every program's verdicts too)
#   bench/verifier/run.sh time       only the timing table (REPEAT=N runs per program, default 21)
# SHARPBPF=/path/to/sharpbpf uses another build than ./sharpbpf (timings: use a NativeAOT build).
# The corpus: ../shared's bpf_conformance tests and negative tests, the object fixtures, the
# ../shared/bench programs, the verifier case files and the generated classic bugs.
set -euo pipefail
cd "${BASH_SOURCE[0]%/*}/../.."
shared=../shared
what="${1:-all}"
if [ "$what" = all ] || [ "$what" = agreement ]; then
  echo "## Verifier agreement with Linux $(uname -r)"
  echo
  "${SHARPBPF:-./sharpbpf}" verify --agreement --generated --disagreements tests/data/verifier/agreement-disagreements.txt \
    "$shared/conformance/bpf_conformance/tests" "$shared/conformance/bpf_conformance/negative" \
    tests/data/objects "$shared/bench/bytecode" tests/data/verifier ${VERBOSE:+--log}
  echo
fi
if [ "$what" = all ] || [ "$what" = time ]; then
  echo "## Verification time"
  echo
  "${SHARPBPF:-./sharpbpf}" verify --bench --repeat "${REPEAT:-21}" "$shared/bench/bytecode" tests/data/objects
fi
