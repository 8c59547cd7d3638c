#!/usr/bin/env bash
# make bench: vanityns beside the AWS CLI and boto3 against the same local stand-ins, printed as ratios.
# The stand-in enforces Route 53's published request buckets and keeps changes PENDING for 1 s.
PROXY_ARGS="--buckets" PROXY_PENDING=1
source "$(dirname "$0")/stand-ins.sh"
root="$(cd "$here/.." && pwd)"
# VANITYNS_BENCH_BINARY: an already built release binary (make deb's .build-release/release/vanityns) instead of this build.
bin=${VANITYNS_BENCH_BINARY:-$root/.build/release/vanityns}
[ -n "${VANITYNS_BENCH_BINARY:-}" ] || (cd "$root" && swift build -c release --product vanityns >/dev/null)
python3 "$here/seed.py" --moto "$MOTO_URL" >/dev/null
start_dataplane
mkdir -p "$root/bench"
python3 "$here/bench.py" --endpoint "$MOTO_URL" --dns-port "$DNS_PORT" --binary "$bin" \
  --standins "$STANDINS_DIR" --results "$root/bench/results.md" "$@"
