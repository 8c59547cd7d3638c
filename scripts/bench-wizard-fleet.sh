#!/usr/bin/env bash
# Benchmark 10 of bench.py (scripts/bench_wizard_fleet.py) on stand-ins of its own: Route 53's buckets are not enforced
# here, so the account of 1,000 zones is made in about 3 minutes rather than at CreateHostedZone's 2 per s (8 minutes); the
# figure measured is a count of ListHostedZones pages, which the buckets do not change.
# Usage: bench-wizard-fleet.sh BINARY RESULT.json
# The limits are on (--limits), as Route 53 always answers GetReusableDelegationSetLimit: without them the stand-in
# answers 404 as moto does, and step 2 then counts each set's zones by listing them (the fallback for endpoints without
# that call), which is no page Route 53 would be asked for. The account quota is raised to hold the 1,010 zones.
set -euo pipefail
PROXY_ARGS="--limits zones-per-set=100,hosted-zones=1100,sets=100"
source "$(dirname "$0")/stand-ins.sh"
python3 "$here/bench_wizard_fleet.py" --endpoint "$MOTO_URL" --seed-only
start_dataplane
python3 "$here/bench_wizard_fleet.py" --endpoint "$MOTO_URL" --dns-port "$DNS_PORT" --binary "$1" --result "$2"
