#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ with the fuzzer and address sanitizers into .build-fuzz and runs each for
# FUZZ_SECONDS (default 60), or until FUZZ_RUNS executions if that comes first, from its seed corpus in
# Fuzz/corpus/TARGET; then prints executions and coverage per target. `scripts/fuzz.sh xml dns` runs only those.
# A crash or hang stops that target, leaves the input in .build-fuzz/artifacts/TARGET/ and makes the script fail;
# new interesting inputs go to .build-fuzz/corpus/TARGET. FUZZ_BUILD_ONLY=1 builds the targets and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
scratch=.build-fuzz
declare -A product=([xml]=FuzzXML [domains-json]=FuzzDomainsJSON [credential-json]=FuzzCredentialJSON
                    [config]=FuzzConfig [dns]=FuzzDNS [names]=FuzzNames)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xml domains-json credential-json config dns names)

# Release with -enable-testing: optimised code runs several times more inputs a second, and the targets reach
# internal readers (CredentialDocument, AnswerReader) through @testable import. FUZZ_OPTIMIZE=0 (make test's short
# pass) builds the same targets with the same sanitizers at -Onone, into .build-fuzz-onone: 2.3 CPU-minutes instead
# of 5.7 on this machine, for about two thirds of the inputs a second, which a pass of a few seconds a target does not
# miss. (A debug build cannot link: SwiftPM renames a debug executable's entry point, and libFuzzer's own main then
# wants LLVMFuzzerTestOneInput.) lld: gold stops with an internal error on the sanitized objects. Only Swift code is
# instrumented: the C libraries (libxml2, ldns, libidn2) are the system's, exercised but not coverage-guided.
case "${FUZZ_OPTIMIZE:-1}" in
  1) optimize=() ;;
  0) optimize=(-Xswiftc -Onone); scratch=.build-fuzz-onone ;;
  *) echo "fuzz.sh: FUZZ_OPTIMIZE is 1 or 0, not '${FUZZ_OPTIMIZE}'" >&2; exit 2 ;;
esac
flags=(-c release --scratch-path "$scratch" -Xswiftc -enable-testing -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld "${optimize[@]}")
started=$SECONDS
for t in "${targets[@]}"; do
  [ -n "${product[$t]:-}" ] || { echo "fuzz.sh: no target '$t' (have: ${!product[*]})" >&2; exit 2; }
  VANITYNS_FUZZ=1 swift build "${flags[@]}" --product "${product[$t]}" 2>&1 | grep -E "error|warning: unre|Compiling Fuzz" || true
  [ -x "$scratch/release/${product[$t]}" ] || { echo "fuzz.sh: ${product[$t]} did not build" >&2; exit 1; }
done
echo "fuzz build${optimize:+ (-Onone)}: $((SECONDS - started)) s"
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0  # make test builds the targets beside the release build, then fuzzes

failed=() summary=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/corpus/$t" "$scratch/artifacts/$t" "$scratch/logs"
  log="$scratch/logs/$t.log"
  # -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb: a runaway allocation is a finding.
  # No Swift backtracer: libFuzzer and ASan report the crash, and the backtracer's reads of freed memory after a
  # trap made ASan print a bogus heap-use-after-free.
  status=0
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$scratch/release/${product[$t]}" -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -max_len=8192 -artifact_prefix="$scratch/artifacts/$t/" \
    "$scratch/corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE '(INITED|DONE|NEW|REDUCE|pulse) +cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+)/\1 edges, \2 features/')
  corpus=$(find "$scratch/corpus/$t" "Fuzz/corpus/$t" -type f | wc -l)
  line=$(printf '%-16s %10s execs %7s/s  cov %-26s corpus %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus")
  if [ "$status" -ne 0 ]; then
    line="$line  FAILED (status $status): see $log and $scratch/artifacts/$t/"
    failed+=("$t")
    grep -E "^==[0-9]+==ERROR|Fatal error|deadly signal|timeout after|out-of-memory" "$log" | head -3 >&2 || true
  fi
  summary+=("$line")
done
echo "fuzzing: ${seconds} s per target${optimize:+ (-Onone build)}"
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "fuzz.sh: findings in: ${failed[*]}" >&2; exit 1; }
