#!/usr/bin/env bash
# make sandbox: the wizard against a local seeded Route 53 stand-in (moto) and a real DNS server (nsd) playing the
# AWS name servers. Nothing here touches AWS. The state (journal) lives in ./sandbox-state.
# The account limits answered the way Route 53 answers them (its defaults), not with moto's 404.
: "${PROXY_ARGS=--limits zones-per-set=100,hosted-zones=500,sets=100}"
source "$(dirname "$0")/stand-ins.sh"
SET_ID="$(python3 "$here/seed.py" --moto "$MOTO_URL")"
start_dataplane
root="$(cd "$here/.." && pwd)"
echo "Route 53 stand-in: $MOTO_URL   DNS: 127.0.0.1:$DNS_PORT   delegation set: $SET_ID   home domain: example.com"
"$root/.build/debug/vanityns" --endpoint-url "$MOTO_URL" --domains-endpoint-url "$MOTO_URL" \
  --resolver "127.0.0.1:$DNS_PORT" --query-port "$DNS_PORT" --state-dir "$root/sandbox-state" "$@"
