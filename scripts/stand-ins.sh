# Sourced by the sandbox, screenshot and benchmark scripts: starts a moto server (Route 53 and Route 53 Domains)
# behind scripts/route53-proxy.py (which makes it answer like Route 53: reused CallerReferences refused, the
# delegationsetid filter, changes PENDING for PROXY_PENDING seconds, default 1; PROXY_ARGS adds options such as
# --buckets), and the nsd data plane (each zone served at the name servers the proxy gives it), on free loopback ports; stops them all on exit, hang-up or interrupt.
# Sets MOTO_URL (the proxy), DNS_PORT, STANDINS_DIR and exports test credentials (not real ones) and KMS's endpoint.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c '
import socket
while True:
    t=socket.socket(); t.bind(("127.0.0.1",0)); p=t.getsockname()[1]
    u=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: u.bind(("127.0.0.1",p)); print(p); break
    except OSError: pass'; }

STANDINS_DIR="$(mktemp -d /tmp/vanityns-standins.XXXXXX)"
MOTO_PORT="$(free_port)"
# Nothing is bound yet, so a free port can come back twice: each must differ from the ones before it.
PROXY_PORT="$(free_port)"
while [ "$PROXY_PORT" = "$MOTO_PORT" ]; do PROXY_PORT="$(free_port)"; done
DNS_PORT="$(free_udp_port)"
while [ "$DNS_PORT" = "$MOTO_PORT" ] || [ "$DNS_PORT" = "$PROXY_PORT" ]; do DNS_PORT="$(free_udp_port)"; done
MOTO_URL="http://127.0.0.1:$PROXY_PORT"
export AWS_ACCESS_KEY_ID=AKIDSANDBOX00000001 AWS_SECRET_ACCESS_KEY=sandbox-secret-not-real AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
# KMS (the DNSSEC key of `vanityns dnssec` and the wizard's Sign zones step) is moto's too, through the proxy.
export AWS_ENDPOINT_URL_KMS="$MOTO_URL"

stop_standins() {
  [ -n "${DATAPLANE_PID:-}" ] && kill "$DATAPLANE_PID" 2>/dev/null && wait "$DATAPLANE_PID" 2>/dev/null || true
  [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true
  [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null || true
  rm -rf "$STANDINS_DIR"
}
trap stop_standins EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$STANDINS_DIR/moto.log" 2>&1 &
MOTO_PID=$!
python3 "$here/route53-proxy.py" "$PROXY_PORT" "http://127.0.0.1:$MOTO_PORT" --pending "${PROXY_PENDING:-1}" ${PROXY_ARGS:-} \
  >"$STANDINS_DIR/proxy.log" 2>&1 &
PROXY_PID=$!
for port in "$MOTO_PORT" "$PROXY_PORT"; do
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break; sleep 0.1; done
done

start_dataplane() {
  python3 "$here/dataplane.py" --moto "http://127.0.0.1:$MOTO_PORT" --route53 "$MOTO_URL" --port "$DNS_PORT" --state "$STANDINS_DIR/dns" \
    --addresses "$STANDINS_DIR/addresses.json" \
    --registry "$STANDINS_DIR/registry.json" ${DATAPLANE_ARGS:-} >"$STANDINS_DIR/dataplane.log" 2>&1 &
  DATAPLANE_PID=$!
  for _ in $(seq 100); do [ -f "$STANDINS_DIR/dns/generation" ] && break; sleep 0.1; done
}
