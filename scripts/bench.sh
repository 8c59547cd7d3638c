#!/usr/bin/env bash
# make bench: vanityns beside the AWS CLI and boto3 against the same local stand-ins, printed as ratios.
source "$(dirname "$0")/stand-ins.sh"
root="$(cd "$here/.." && pwd)"
(cd "$root" && swift build -c release --product vanityns >/dev/null)
python3 "$here/seed.py" --moto "$MOTO_URL" --no-domains >/dev/null
start_dataplane
# Measured against moto itself, not through the SOA-fixing proxy, which would add its own latency to every peer.
python3 "$here/bench.py" --moto "http://127.0.0.1:$MOTO_PORT" --dns-port "$DNS_PORT" --binary "$root/.build/release/vanityns" "$@"
