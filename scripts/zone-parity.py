#!/usr/bin/env python3
"""Checks, independently of vanityns, that a migrated zone holds the same record sets as the zone it was copied from.

Usage: zone-parity.py --endpoint URL --old ZONEID --new ZONEID [--json]
Exit: 0 identical, 1 different, 2 error (unknown zone, endpoint unreachable, bad arguments).

Both zones are listed with boto3's paginator; the apex NS and SOA of each are dropped (a zone's own); everything
else is put in the canonical form below and compared record set by record set, keyed by (Name, Type,
SetIdentifier). Printed: counts per type for each side, the SHA-256 digest of each side's canonical form, and every
difference (missing in new, extra in new, changed with both forms). --json prints one object instead:
{"old": {"zone", "name", "record_sets", "counts", "digest"}, "new": {...}, "identical",
 "missing": [form], "extra": [form], "changed": [{"old": [form], "new": [form]}]}.

THE CANONICAL FORM (the Swift side computes the same digest; any change here must be made there too)
One JSON object per record set, from the fields ListResourceRecordSets returns:
  "Name"        the name with every `\\DDD` (three octal digits) replaced by that character, lowercased, ending
                in "." (Route 53 returns `*` as `\\052`; moto returns names as written)
  "Type"        as returned
  "SetIdentifier", "Weight", "Region", "Failover", "MultiValueAnswer", "HealthCheckId"
                as returned (strings, integer, boolean), omitted when absent
  "GeoLocation", "CidrRoutingConfig", "GeoProximityLocation"
                the object as returned (only the members present; Coordinates' Latitude/Longitude are strings),
                omitted when absent
  "TTL"         integer; omitted for alias record sets (moto returns 0 for them, Route 53 none)
  "Values"      for non-alias sets: the ResourceRecords' Value strings, exact (no case or escape change), duplicates
                removed, sorted by code point; omitted for aliases
  "AliasTarget" {"DNSName": as Name above, "EvaluateTargetHealth": boolean,
                 "HostedZoneId": bare id (after the last "/"), and on the OLD side an id equal to the old zone's
                 id is replaced by the new zone's id (an in-zone alias target in a correct copy names the new zone)}
Fields not listed (TrafficPolicyInstanceId) are ignored. Each object is serialised with keys sorted at every level,
separators (",", ":"), non-ASCII characters and "/" written as they are (Python: json.dumps(obj, sort_keys=True,
separators=(",", ":"), ensure_ascii=False); Swift: JSONEncoder with .sortedKeys and .withoutEscapingSlashes).
A side's digest: its lines, identical lines counted once, sorted by code point (equal to UTF-8 byte order), joined
with "\\n" (no trailing newline), UTF-8, SHA-256, lowercase hex. A zone with no record sets digests the empty string.
Identical repeats arise only from a stand-in that pages without record identifiers (moto), see
migration_common.list_record_sets; Route 53 cannot hold two sets with one key.
"""
import argparse, hashlib, json, sys

from botocore.exceptions import BotoCoreError, ClientError

from migration_common import bare, client, dns_name, is_apex_ns_or_soa, list_record_sets

PASSED = ("SetIdentifier", "Weight", "Region", "Failover", "MultiValueAnswer", "HealthCheckId",
          "GeoLocation", "CidrRoutingConfig", "GeoProximityLocation")


def canonical(rrset, id_map):
    """The canonical form of one record set (a dict); ID_MAP maps alias-target zone ids (old id -> new id)."""
    c = {"Name": dns_name(rrset["Name"]), "Type": rrset["Type"]}
    for k in PASSED:
        if k in rrset:
            c[k] = rrset[k]
    alias = rrset.get("AliasTarget")
    if alias:
        hz = bare(alias["HostedZoneId"])
        c["AliasTarget"] = {"DNSName": dns_name(alias["DNSName"]), "EvaluateTargetHealth": bool(alias["EvaluateTargetHealth"]),
                            "HostedZoneId": id_map.get(hz, hz)}
    else:
        if "TTL" in rrset:
            c["TTL"] = int(rrset["TTL"])
        c["Values"] = sorted({r["Value"] for r in rrset.get("ResourceRecords", [])})
    return c


def line(form):
    return json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(lines):
    return hashlib.sha256("\n".join(sorted(set(lines))).encode("utf-8")).hexdigest()


def side(r53, zone_id, id_map):
    """(zone name, {key: sorted distinct canonical lines}) of one zone, apex NS and SOA dropped."""
    name = r53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"]
    by_key = {}
    for rs in list_record_sets(r53, zone_id):
        if is_apex_ns_or_soa(rs, name):
            continue
        form = canonical(rs, id_map)
        by_key.setdefault((form["Name"], form["Type"], form.get("SetIdentifier", "")), set()).add(line(form))
    return dns_name(name), {k: sorted(v) for k, v in by_key.items()}


def summary(zone_id, name, by_key):
    lines = [l for ls in by_key.values() for l in ls]
    counts = {}
    for (_, rtype, _), ls in by_key.items():
        counts[rtype] = counts.get(rtype, 0) + len(ls)
    return {"zone": zone_id, "name": name, "record_sets": len(lines), "counts": dict(sorted(counts.items())), "digest": digest(lines)}


def compare(old, new):
    missing = [json.loads(l) for k in sorted(old.keys() - new.keys()) for l in old[k]]
    extra = [json.loads(l) for k in sorted(new.keys() - old.keys()) for l in new[k]]
    changed = [{"old": [json.loads(l) for l in old[k]], "new": [json.loads(l) for l in new[k]]}
               for k in sorted(old.keys() & new.keys()) if old[k] != new[k]]
    return missing, extra, changed


def report(result):
    old, new = result["old"], result["new"]
    types = sorted(set(old["counts"]) | set(new["counts"]))
    print(f"old {old['zone']} ({old['name']}): {old['record_sets']} record sets   new {new['zone']} ({new['name']}): "
          f"{new['record_sets']} record sets   (apex NS and SOA not counted)")
    print(f"  {'type':<6} {'old':>6} {'new':>6}")
    for t in types:
        a, b = old["counts"].get(t, 0), new["counts"].get(t, 0)
        print(f"  {t:<6} {a:>6} {b:>6}" + ("" if a == b else "   <-"))
    print(f"digest old {old['digest']}\ndigest new {new['digest']}")
    for form in result["missing"]:
        print("missing in new: " + line(form))
    for form in result["extra"]:
        print("extra in new:   " + line(form))
    for ch in result["changed"]:
        for form in ch["old"]:
            print("changed, old:   " + line(form))
        for form in ch["new"]:
            print("        new:    " + line(form))
    n = len(result["missing"]) + len(result["extra"]) + len(result["changed"])
    print("identical" if result["identical"] else
          f"DIFFERENT: {len(result['missing'])} missing, {len(result['extra'])} extra, {len(result['changed'])} changed ({n} keys)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="Route 53 endpoint URL")
    ap.add_argument("--old", required=True, help="the source zone's id (with or without /hostedzone/)")
    ap.add_argument("--new", required=True, help="the copy's id")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args()
    old_id, new_id = bare(a.old), bare(a.new)
    try:
        r53 = client(a.endpoint, max_attempts=4)  # an endpoint that is down fails in seconds, not minutes
        old_name, old = side(r53, old_id, {old_id: new_id})
        new_name, new = side(r53, new_id, {})
    except (ClientError, BotoCoreError) as e:
        print(f"zone-parity: {e}", file=sys.stderr)
        return 2
    missing, extra, changed = compare(old, new)
    if old_name != new_name:
        print(f"zone-parity: note: the zones have different names ({old_name}, {new_name})", file=sys.stderr)
    result = {"old": summary(old_id, old_name, old), "new": summary(new_id, new_name, new),
              "identical": not (missing or extra or changed), "missing": missing, "extra": extra, "changed": changed}
    if a.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        report(result)
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
