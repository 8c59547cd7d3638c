#!/usr/bin/env python3
"""Checks what `vanityns export` wrote with the tools each format's users trust, against what boto3 reads.

  bind:      named-checkzone must load the file; its canonical dump (-D) must hold every plain record set of the zone
             (name, type and each value; TXT/SPF byte for byte once Route 53's octal escapes are read), and the
             closing comment block must name every Route 53-only record set (alias, routing policy, health check).
  octodns:   octodns-validate must accept config.yaml; octodns-dump of the same zone through octodns_route53's
             Route53Provider (boto3 pointed at --endpoint) must agree, record for record, with the exported YAML for
             every name that has no Route 53-only record set (octoDNS reads those as its own dynamic records); each
             dynamic record the export wrote must answer as boto3's record sets of its name and type (weights,
             failover pair, locations).
  terraform: python-hcl2 must parse main.tf; every resource's arguments must be ones the AWS provider documents;
             the import ids must equal those built from boto3's listing (ZONEID_NAME_TYPE[_SETIDENTIFIER]) of the
             zone and, with --set-id, of the set and every zone in it.

Prints JSON {"ok": bool, "problems": [...], "checked": {...}}.
  import:    the zone `vanityns import` wrote from an exported master file holds every plain record set of the zone
             the file came from, the same (apex NS and SOA aside): --path is the imported zone's id.

Usage: check-export.py --endpoint URL --zone-id Z --format bind|octodns|terraform|import --path FILE_OR_DIR_OR_ZONE [--set-id S]
"""
import argparse, json, os, re, subprocess, sys, tempfile

import boto3


def route53(endpoint):
    return boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1")


def record_sets(r53, zone_id):
    out, kw = [], {"HostedZoneId": zone_id}
    while True:
        page = r53.list_resource_record_sets(**kw)
        out += page["ResourceRecordSets"]
        if not page.get("IsTruncated"):
            return out
        kw = {"HostedZoneId": zone_id, "StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"]}
        if page.get("NextRecordIdentifier"):
            kw["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def route53_only(rs):
    return any(k in rs for k in ("AliasTarget", "SetIdentifier", "HealthCheckId", "TrafficPolicyInstanceId"))


def octal_to_bytes(s):
    """Route 53's text (octal \\ooo escapes, \\X for X) as bytes."""
    out, i, b = bytearray(), 0, s.encode()
    while i < len(b):
        if b[i] == 0x5C and i + 3 < len(b) + 0 and re.fullmatch(rb"[0-7]{3}", b[i + 1:i + 4]):
            out.append(int(b[i + 1:i + 4], 8)); i += 4
        elif b[i] == 0x5C and i + 1 < len(b):
            out.append(b[i + 1]); i += 2
        else:
            out.append(b[i]); i += 1
    return bytes(out)


def decimal_to_bytes(s):
    """A master file's text (decimal \\DDD escapes, \\X for X) as bytes."""
    out, i, b = bytearray(), 0, s.encode()
    while i < len(b):
        if b[i] == 0x5C and re.fullmatch(rb"[0-9]{3}", b[i + 1:i + 4]):
            out.append(int(b[i + 1:i + 4])); i += 4
        elif b[i] == 0x5C and i + 1 < len(b):
            out.append(b[i + 1]); i += 2
        else:
            out.append(b[i]); i += 1
    return bytes(out)


def name_key(name, decode):
    return decode(name.rstrip(".")).lower() + b"."


def check_bind(r53, zone_id, path, problems, checked):
    zone = r53.get_hosted_zone(Id=zone_id)["HostedZone"]
    origin = zone["Name"]
    run = subprocess.run(["named-checkzone", "-D", "-o", "-", origin, path], capture_output=True, text=True)
    if run.returncode != 0:
        problems.append("named-checkzone refused the file: " + (run.stderr or run.stdout).strip()[-800:])
        return
    served = {}
    for line in run.stdout.splitlines():
        parts = line.split(None, 4)
        if len(parts) < 5 or parts[2] != "IN":
            continue
        served.setdefault((name_key(parts[0], decimal_to_bytes), parts[3]), []).append(parts[4])
    sets = record_sets(r53, zone_id)
    plain = [rs for rs in sets if not route53_only(rs)]
    special = [rs for rs in sets if route53_only(rs)]
    for rs in plain:
        key = (name_key(rs["Name"], octal_to_bytes), rs["Type"])
        got = served.get(key, [])
        values = [v["Value"] for v in rs["ResourceRecords"]]
        if len(got) != len(values):
            problems.append(f"{rs['Name']} {rs['Type']}: {len(values)} values in Route 53, {len(got)} in the master file")
        elif rs["Type"] in ("TXT", "SPF") and sorted(octal_to_bytes(v) for v in values) != sorted(decimal_to_bytes(g) for g in got):
            problems.append(f"{rs['Name']} {rs['Type']}: values differ: {values[:2]} / {got[:2]}")
    text = open(path).read()
    listed = re.search(r"; Route 53-only record sets: (\d+)", text)
    if special and (not listed or int(listed.group(1)) != len(special)):
        problems.append(f"{len(special)} Route 53-only record sets, the comment block lists {listed.group(1) if listed else 'none'}")
    comment_lines = [l for l in text.splitlines() if l.startswith(";   ")]
    if len(comment_lines) != len(special):
        problems.append(f"{len(comment_lines)} comment lines for {len(special)} Route 53-only record sets")
    checked.update(plain=len(plain), route53_only=len(special), served_names=len(served))


def check_octodns(r53, zone_id, endpoint, directory, problems, checked):
    import yaml
    config = os.path.join(directory, "config.yaml")
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION="us-east-1")
    # octoDNS reads the YamlProvider's ./zones from the folder it runs in, as its users run it: the export's folder.
    run = subprocess.run(["octodns-validate", "--config-file", config], capture_output=True, text=True, env=env, cwd=directory)
    if run.returncode != 0:
        problems.append("octodns-validate refused the config: " + (run.stderr or run.stdout).strip()[-800:])
        return
    origin = r53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"]
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(["octodns-dump", "--lenient", "--config-file", config, "--output-dir", out, origin, "route53"],
                             capture_output=True, text=True, env=env, cwd=directory)
        if run.returncode != 0:
            problems.append("octodns-dump failed: " + run.stderr.strip()[-800:])
            return
        dumped = yaml.safe_load(open(os.path.join(out, origin + "yaml"))) or {}
    mine_file = next(f for f in os.listdir(os.path.join(directory, "zones")) if f.startswith(origin.rstrip(".")))
    mine = yaml.safe_load(open(os.path.join(directory, "zones", mine_file))) or {}
    suffix = "." + origin.rstrip(".").lower() + "."
    special_names = set()
    for rs in record_sets(r53, zone_id):
        if route53_only(rs) and not ("AliasTarget" in rs and not any(k in rs for k in ("SetIdentifier", "HealthCheckId"))):
            n = octal_to_bytes(rs["Name"]).decode(errors="replace").lower()
            special_names.add("" if n == suffix[1:] else n[: -len(suffix)] if n.endswith(suffix) else n)
    def as_list(v):
        """A name's records, comparable: by type, values in any order (DNS has none), a TTL the dump left out being the
        dump's YamlProvider default (3600)."""
        out = []
        for r in (v if isinstance(v, list) else [v]):
            values = r.get("values", [r["value"]] if "value" in r else [])
            out.append({"type": r["type"], "ttl": r.get("ttl", 3600),
                        "values": sorted(json.dumps(x, sort_keys=True) for x in (values if isinstance(values, list) else [values]))})
        return sorted(out, key=lambda r: r["type"])
    compared = 0
    for name in sorted(set(dumped) | set(mine)):
        # Names octoDNS refuses (a space, '!', '(' ...) are listed in the export's comment block instead.
        if name in special_names or not re.fullmatch(r"((\*|[a-z0-9_-]+)(\.(\*|[a-z0-9_-]+))*)?", name):
            continue
        a, b = as_list(dumped.get(name, [])), as_list(mine.get(name, []))
        if a != b:
            problems.append(f"{name!r}: octodns-dump {json.dumps(a)[:300]} / export {json.dumps(b)[:300]}")
        compared += 1
    checked.update(names_compared=compared, names_left_to_route53=len(special_names))
    check_dynamic(record_sets(r53, zone_id), mine, suffix, problems, checked)


def check_dynamic(sets, mine, suffix, problems, checked):
    """Each octoDNS dynamic record of the export answers as the Route 53 record sets of its name and type do, as
    boto3 reads them: weighted (value, weight), failover primary and secondary, geolocation location -> value (the
    location in octoDNS's code, its continent from octoDNS's own table)."""
    from octodns.record.geo_data import geo_data
    continent = {country: c for c, countries in geo_data.items() for country in countries}
    groups = {}
    for rs in sets:
        if "SetIdentifier" in rs and "AliasTarget" not in rs:
            n = octal_to_bytes(rs["Name"]).decode(errors="replace").lower()
            name = "" if n == suffix[1:] else n[: -len(suffix)] if n.endswith(suffix) else n
            groups.setdefault((name, rs["Type"]), []).append(rs)
    dynamic = 0
    for name, records in mine.items():
        for r in (records if isinstance(records, list) else [records]):
            if "dynamic" not in r:
                continue
            dynamic += 1
            group = groups.get((name, r["type"]), [])
            pools, rules = r["dynamic"]["pools"], r["dynamic"]["rules"]
            def pool_values(pool):
                return sorted((v["value"], v.get("weight", 1)) for v in pools[pool]["values"])
            value = lambda rs: rs["ResourceRecords"][0]["Value"]
            if all("Weight" in rs for rs in group) and group:
                want = sorted((value(rs), rs["Weight"] if len(group) > 1 else 1) for rs in group)
                got = pool_values(rules[-1]["pool"])
            elif all("Failover" in rs for rs in group) and group:
                want = {rs["Failover"]: value(rs) for rs in group}
                primary = rules[-1]["pool"]
                got = {"PRIMARY": pool_values(primary)[0][0], "SECONDARY": pool_values(pools[primary]["fallback"])[0][0]}
            elif all("GeoLocation" in rs for rs in group) and group:
                def code(g):
                    if "ContinentCode" in g:
                        return g["ContinentCode"]
                    if g["CountryCode"] == "*":
                        return "*"
                    return "-".join([continent[g["CountryCode"]], g["CountryCode"]] + ([g["SubdivisionCode"]] if "SubdivisionCode" in g else []))
                want = {code(rs["GeoLocation"]): value(rs) for rs in group}
                got = {(rule["geos"][0] if rule.get("geos") else "*"): pool_values(rule["pool"])[0][0] for rule in rules}
            else:
                problems.append(f"{name!r} {r['type']}: a dynamic record for record sets boto3 does not list as one routing policy: {group}")
                continue
            if want != got:
                problems.append(f"{name!r} {r['type']}: Route 53 answers {want}, the octoDNS record {got}")
            if any(v.get("status") != "up" for p in pools.values() for v in p["values"]):
                problems.append(f"{name!r} {r['type']}: a pool value without status: up (octoDNS would create health checks)")
    checked.update(dynamic_records=dynamic)


TERRAFORM_ARGUMENTS = {
    "aws_route53_record": {"zone_id", "name", "type", "ttl", "records", "set_identifier", "health_check_id", "alias",
                           "failover_routing_policy", "geolocation_routing_policy", "geoproximity_routing_policy",
                           "latency_routing_policy", "multivalue_answer_routing_policy", "weighted_routing_policy",
                           "cidr_routing_policy", "allow_overwrite"},
    "aws_route53_zone": {"name", "comment", "delegation_set_id", "force_destroy", "tags", "vpc"},
    "aws_route53_delegation_set": {"reference_name", "lifecycle"},
}
NESTED = {"alias": {"name", "zone_id", "evaluate_target_health"}, "weighted_routing_policy": {"weight"},
          "latency_routing_policy": {"region"}, "failover_routing_policy": {"type"},
          "geolocation_routing_policy": {"continent", "country", "subdivision"},
          "cidr_routing_policy": {"collection_id", "location_name"},
          "geoproximity_routing_policy": {"aws_region", "bias", "coordinates", "local_zone_group"}}


def check_terraform(r53, zone_id, set_id, path, problems, checked):
    import hcl2
    with open(path) as f:
        doc = hcl2.load(f)
    resources = 0
    unquote = lambda k: k.strip('"') if isinstance(k, str) else k
    for block in doc.get("resource", []):
        for rtype, named in block.items():
            rtype = unquote(rtype)
            for rname, args in named.items():
                args = {unquote(k): v for k, v in args.items()}
                resources += 1
                allowed = TERRAFORM_ARGUMENTS.get(rtype)
                if allowed is None:
                    problems.append(f"{rtype}.{rname}: not a resource type vanityns should write"); continue
                for k, v in args.items():
                    if k.startswith("__"):
                        continue
                    if k not in allowed:
                        problems.append(f"{rtype}.{rname}: argument {k} is not one the provider documents")
                    for inner in (v if isinstance(v, list) else [v]):
                        if k in NESTED and isinstance(inner, dict):
                            extra = {unquote(x) for x in inner if not x.startswith("__")} - NESTED[k]
                            if extra:
                                problems.append(f"{rtype}.{rname}: {k} has {sorted(extra)}")
    ids = set()
    for block in doc.get("import", []):
        ids.add(block["id"].strip('"') if isinstance(block["id"], str) else block["id"])

    def plain(n):
        return octal_to_bytes(n).decode(errors="replace").lower().rstrip(".")

    zones = {zone_id}
    if set_id:
        zones |= {z["Id"].split("/")[-1] for z in r53.list_hosted_zones(DelegationSetId=set_id)["HostedZones"]}
    expected = set(zones) | ({set_id} if set_id else set())
    for zid in zones:
        for rs in record_sets(r53, zid):
            if "TrafficPolicyInstanceId" in rs:
                continue
            expected.add(f"{zid}_{plain(rs['Name'])}_{rs['Type']}" + (f"_{rs['SetIdentifier']}" if "SetIdentifier" in rs else ""))
    if ids != expected:
        problems.append(f"import ids: {len(expected - ids)} missing (e.g. {sorted(expected - ids)[:3]}), "
                        f"{len(ids - expected)} unknown (e.g. {sorted(ids - expected)[:3]})")
    checked.update(resources=resources, import_ids=len(ids))


def check_import(r53, zone_id, other_id, problems, checked):
    """The zone an import wrote (other_id) against the zone the file was exported from: every plain record set the
    same (name, type, TTL, values in any order), apex NS and SOA aside."""
    def plain(zid):
        apex = r53.get_hosted_zone(Id=zid)["HostedZone"]["Name"].lower()
        out = {}
        for rs in record_sets(r53, zid):
            name = octal_to_bytes(rs["Name"]).lower()
            if route53_only(rs) or (name.decode(errors="replace") == apex and rs["Type"] in ("NS", "SOA")):
                continue
            values = [octal_to_bytes(v["Value"]) for v in rs["ResourceRecords"]]
            if rs["Type"] in ("HTTPS", "SVCB"):
                # A SvcParam value may be written with or without quotes (RFC 9460 §2.1): the same on the wire.
                values = [re.sub(rb'=\"([^" ]*)\"', rb"=\1", v) for v in values]
            out[(name, rs["Type"])] = (rs.get("TTL"), sorted(values))
        return out
    a, b = plain(zone_id), plain(other_id)
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            problems.append(f"{k[0].decode(errors='replace')} {k[1]}: exported zone {a.get(k)!r:.200} / imported zone {b.get(k)!r:.200}")
    checked.update(plain=len(a))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--zone-id", required=True)
    p.add_argument("--set-id")
    p.add_argument("--format", required=True, choices=["bind", "octodns", "terraform", "import"])
    p.add_argument("--path", help="the exported file or folder; with --format import, the imported zone's id")
    a = p.parse_args()
    r53 = route53(a.endpoint)
    problems, checked = [], {}
    if a.format == "bind":
        check_bind(r53, a.zone_id, a.path, problems, checked)
    elif a.format == "import":
        check_import(r53, a.zone_id, a.path, problems, checked)
    elif a.format == "octodns":
        check_octodns(r53, a.zone_id, a.endpoint, a.path, problems, checked)
    else:
        check_terraform(r53, a.zone_id, a.set_id, a.path, problems, checked)
    print(json.dumps({"ok": not problems, "problems": problems, "checked": checked}))


if __name__ == "__main__":
    sys.exit(main())
