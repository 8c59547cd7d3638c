# The README's screenshots: one walk through the wizard at 80x24 against the seeded stand-ins, a shot per step,
# then the browser. Sourced by scripts/screenshots.sh (which defines VANITYNS and starts the stand-ins).
shot_start 80 24 "${VANITYNS[@]}"
shot_wait "1 of 100 reusable delegation sets used" 20;   shot_take 01-account      "vanityns: step 1, account"
shot_keys Enter;  shot_wait "Create a new set";         sleep 0.3; shot_take 02-delegation-set "vanityns: step 2, delegation set"
shot_keys Enter;  shot_wait "example.com";              shot_take 03a-home-domain  "vanityns: step 3, home domain"
shot_keys Enter;  shot_wait "the host names can be used"
shot_keys Down Down Down Down; shot_type "hostmaster@example.com"; sleep 0.5  # the SOA contact: no AWS name left in the SOA
shot_wait "the host names can be used";                 shot_take 03b-vanity-hosts "vanityns: step 3, vanity hosts and the SOA contact"
shot_keys Enter;  shot_wait "127.0.0.5";                shot_take 04-review-addresses "vanityns: step 4, review addresses"
shot_keys Enter;  shot_wait "home zone";                shot_keys Down Space; shot_take 05-zones "vanityns: step 5, zones"
shot_keys Enter;  shot_wait "zone 1 of 2";              shot_take 06-plan          "vanityns: step 6, plan (one zone's batch)"
shot_keys y;      shot_wait "zone 2 of 2";              shot_keys y
shot_wait "Next: the registrar" 30;                     shot_take 07-apply         "vanityns: step 7, apply"
shot_keys Enter;  shot_wait "Registered with Route 53 Domains"
shot_keys a;      shot_wait "Set the name servers";     shot_keys y
shot_wait "submitted to the registry" 20;               shot_take 08-registrar     "vanityns: step 8, registrar"
sleep 2  # let the data plane (nsd, also playing the registry) pick up the changes, as AWS's servers would
shot_keys Enter;  shot_wait "Every vanity host answers" 30; shot_take 09-verify    "vanityns: step 9, verify"
shot_keys Tab;    sleep 0.3;                            shot_take 10-log-pane      "vanityns: the live log pane (focused with Tab)"
shot_keys Tab z;  shot_wait "[x] example.com" 20;       shot_keys Enter
shot_wait "Create a KMS key";                           shot_keys Enter
shot_wait "y signs these 2 zones" 20;                   shot_keys y
shot_wait "p publishes the DS" 60; sleep 0.3;           shot_take 19-sign-zones    "vanityns: step 10, sign zones: signed, the DS to publish"
shot_stop

# Record sets worth browsing: a weighted pair with a health check, failover, latency, an alias, a long TXT.
python3 - "$MOTO_URL" <<'PY'
import sys, boto3
r53 = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1")
hc = r53.create_health_check(CallerReference="shots-api", HealthCheckConfig={"IPAddress": "192.0.2.70", "Port": 443,
    "Type": "HTTPS", "ResourcePath": "/health"})["HealthCheck"]["Id"]
zones = {z["Name"]: z["Id"] for z in r53.list_hosted_zones()["HostedZones"]}
def rr(name, value, ident=None, ttl=60, kind="A", **routing):
    r = {"Name": name, "Type": kind, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in ([value] if isinstance(value, str) else value)]}
    if ident: r["SetIdentifier"] = ident
    return {"Action": "UPSERT", "ResourceRecordSet": dict(r, **routing)}
dkim = '"v=DKIM1; k=rsa; p=' + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx7Yq3Tn0" * 4 + '" "' + "wIDAQAB" * 12 + '"'
r53.change_resource_record_sets(HostedZoneId=zones["example.com."], ChangeBatch={"Changes": [
    rr("api.example.com.", "192.0.2.70", "blue", Weight=70, HealthCheckId=hc),
    rr("api.example.com.", "192.0.2.30", "green", Weight=30),
    rr("app.example.com.", "192.0.2.80", "primary", Failover="PRIMARY", HealthCheckId=hc),
    rr("app.example.com.", "192.0.2.81", "secondary", Failover="SECONDARY"),
    rr("eu.example.com.", "192.0.2.90", "dublin", Region="eu-west-1"),
    rr("sel._domainkey.example.com.", dkim, ttl=300, kind="TXT"),
    {"Action": "UPSERT", "ResourceRecordSet": {"Name": "shop.example.com.", "Type": "A", "AliasTarget": {
        "HostedZoneId": zones["shop.example."], "DNSName": "www.shop.example.", "EvaluateTargetHealth": True}}}]})
PY

shot_start 80 24 "${VANITYNS[@]}" browse
shot_wait "ns-2048" 20; shot_keys Enter; shot_wait "own name servers" 10
shot_wait "white label" 20; sleep 1  # the status column: each zone's audit (DNS only)
shot_take 14-browser-zones "vanityns browse: every zone with the set that serves it and its white-label status"
shot_keys /; shot_type "example.com"; shot_keys Enter Enter; shot_wait "w=30 id=green" 10
shot_keys /; shot_type "blue"; shot_keys Enter Escape; sleep 0.3
shot_take 11-browser "vanityns browse: record sets of example.com, routing in the list"
shot_keys Enter; shot_wait "set identifier" 10; sleep 0.3
shot_take 15-record-detail "vanityns browse: one record set whole (enter)"
shot_stop

shot_start 80 24 env -u LC_ALL -u LC_CTYPE NO_COLOR=1 LANG=C "${VANITYNS[@]}" browse
shot_wait "ns-2048" 20; shot_take 12-no-color-ascii "vanityns browse with NO_COLOR=1 and LANG=C"
shot_stop

shot_start 40 12 "${VANITYNS[@]}"
shot_wait "small" 20; shot_take 13-too-small "vanityns at 40x12"
shot_stop

# Migrating legacy.example (outside the set, on its own name servers) into the set: a few record sets to copy
# first, then the zones step with the migrate row, the copy plan, and the copy with its parity line.
python3 - "$MOTO_URL" <<'PY'
import sys, boto3
r53 = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1")
zid = [z["Id"] for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "legacy.example."][0]
def rr(name, kind, values, **extra):
    return {"Action": "UPSERT", "ResourceRecordSet": dict({"Name": name, "Type": kind, "TTL": 300,
            "ResourceRecords": [{"Value": v} for v in values]}, **extra)}
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
    rr("www.legacy.example.", "A", ["192.0.2.40"]), rr("legacy.example.", "MX", ["10 mail.legacy.example."]),
    rr("mail.legacy.example.", "A", ["192.0.2.25"]), rr("legacy.example.", "TXT", ['"v=spf1 mx -all"']),
    rr("api.legacy.example.", "A", ["192.0.2.41"], SetIdentifier="blue", Weight=70),
    rr("api.legacy.example.", "A", ["192.0.2.42"], SetIdentifier="green", Weight=30),
    {"Action": "UPSERT", "ResourceRecordSet": {"Name": "legacy.example.", "Type": "A", "AliasTarget": {
        "HostedZoneId": zid, "DNSName": "www.legacy.example.", "EvaluateTargetHealth": False}}}]})
PY

shot_start 80 24 "${VANITYNS[@]}"
shot_wait "reusable delegation sets used" 20; shot_keys Enter
shot_wait "Create a new set";   shot_keys Enter
shot_wait "legacy.example";     shot_keys Enter
shot_wait "the host names can be used"; shot_keys Enter
shot_wait "127.0.0.5";          shot_keys Enter
shot_wait "migrate: outside this set"; shot_keys Down Down Down Space; sleep 0.3
shot_take 16-migrate-zones "vanityns: step 5, a zone outside the set ticked to migrate"
shot_keys Enter; shot_wait "y copy" 20; sleep 0.3
shot_take 17-migrate-copy-plan "vanityns: step 6, the copy of legacy.example into the set"
shot_keys y; shot_wait "answers: the same" 60; sleep 0.3
shot_take 18-migrate-parity "vanityns: step 7, the copy: same records, same answers"
shot_stop
