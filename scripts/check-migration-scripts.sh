#!/usr/bin/env bash
# Checks the migration scripts end to end on fresh stand-ins (stand-ins.sh: moto, and route53-proxy.py in front):
# seed ZONES zones of RECORDS record sets (seed-migration.py), copy them into a new reusable delegation set
# (bench-migrate-peer.py), prove each copy (zone-parity.py); once against plain moto, once through the proxy
# (Route 53's answers: changes PENDING for PROXY_PENDING s, reused CallerReferences refused; PROXY_ARGS=--buckets
# adds the request buckets). Prints the timings; exits non-zero on any difference.
# Usage: check-migration-scripts.sh [ZONES (2)] [RECORDS (2000)]
source "$(dirname "$0")/stand-ins.sh"
zones="${1:-2}" records="${2:-2000}"
plain="http://127.0.0.1:$MOTO_PORT"
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

run() {  # run LABEL ENDPOINT
  local label="$1" endpoint="$2" out="$STANDINS_DIR/$1" args=() t0 t1 t2 t3
  for i in $(seq "$zones"); do args+=(--zone "$label-$i.migrate.example"); done
  t0=$(ms)
  python3 "$here/seed-migration.py" --endpoint "$endpoint" --records "$records" "${args[@]}" >"$out.seed.json" 2>/dev/null
  t1=$(ms)
  set_id=$(python3 -c 'import boto3,sys; print(boto3.client("route53", endpoint_url=sys.argv[1]).create_reusable_delegation_set(
    CallerReference=sys.argv[2])["DelegationSet"]["Id"].rsplit("/",1)[-1])' "$endpoint" "check-$label-$$")
  python3 "$here/bench-migrate-peer.py" --endpoint "$endpoint" --set "$set_id" --from-json "$out.seed.json" >"$out.peer.json"
  t2=$(ms)
  local pairs
  pairs=$(python3 -c 'import json,sys; print(" ".join(z["source"]+":"+z["new"] for z in json.load(open(sys.argv[1]))["zones"]))' "$out.peer.json")
  for p in $pairs; do
    python3 "$here/zone-parity.py" --endpoint "$endpoint" --old "${p%:*}" --new "${p#*:}" >"$out.parity.${p%:*}.txt" \
      || { cat "$out.parity.${p%:*}.txt"; echo "$label: parity FAILED for $p"; exit 1; }
    grep '^digest' "$out.parity.${p%:*}.txt" | sed "s/^/  $label ${p%:*} /"
  done
  t3=$(ms)
  python3 - "$label" "$out.peer.json" "$t0" "$t1" "$t2" "$t3" <<'EOF'
import json, sys
label, peer, t0, t1, t2, t3 = sys.argv[1], json.load(open(sys.argv[2])), *map(int, sys.argv[3:])
ops = ", ".join(f"{k} {v}" for k, v in peer["requests_by_operation"].items())
print(f"{label}: seed {(t1-t0)/1000:.2f} s; peer copy {peer['wall_seconds']:.2f} s, {peer['requests']} requests ({ops}); "
      f"parity {(t3-t2)/1000:.2f} s for {len(peer['zones'])} zones: identical")
EOF
}

run moto "$plain"
run proxy "$MOTO_URL"
