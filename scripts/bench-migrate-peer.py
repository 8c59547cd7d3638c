#!/usr/bin/env python3
"""The migration benchmark's peer: the copy of zones into a reusable delegation set done by a plain, correct boto3
script, to set beside `vanityns migrate` (same endpoint, same zones).

For each source zone, concurrently (--workers, default 4) and with botocore's standard retry mode:
1. GetHostedZone (its name), CreateHostedZone with the same name in --set, CallerReference
   `<prefix>-<source id>` and a comment naming the source;
2. ListResourceRecordSets through the paginator; the apex NS and SOA dropped; records made by a traffic policy
   instance (TrafficPolicyInstanceId) skipped and counted (they need CreateTrafficPolicyInstance); aliases lose
   moto's TTL 0, and those whose target is in the source zone are pointed at the new zone;
3. alias targets ordered before the aliases that name them (chains too), sent as CREATE in batches as large as
   Route 53 allows (1,000 records / 32,000 value characters, an UPSERT would count twice), each change waited
   until INSYNC (the resource_record_sets_changed waiter, polling every --poll seconds) before the next.

Prints JSON: wall time, the Route 53 HTTP requests sent (a botocore `before-send` hook, retries included) and the
calls made (`before-call`), by operation, and per zone: source, copy, record sets, batches, seconds. Check the copy
with zone-parity.py. The old zone is only read.

Usage: bench-migrate-peer.py --endpoint URL --set SETID (--zones ID,ID,... | --from-json SEED.json)
                             [--workers 4] [--poll 1] [--reference-prefix P]
"""
import argparse, concurrent.futures, json, sys, time, uuid

from migration_common import RequestCounter, alias_order, bare, client, is_apex_ns_or_soa, list_record_sets, write_changes


def copy_zone(r53, source, set_id, reference, poll):
    t = time.perf_counter()
    hz = r53.get_hosted_zone(Id=source)["HostedZone"]
    name = hz["Name"]
    made = r53.create_hosted_zone(Name=name, CallerReference=reference, DelegationSetId=set_id,
                                  HostedZoneConfig={"Comment": f"copy of {source}", "PrivateZone": False})
    new = bare(made["HostedZone"]["Id"])
    rrsets, skipped = [], 0
    for rs in list_record_sets(r53, source):
        if is_apex_ns_or_soa(rs, name):
            continue
        if rs.get("TrafficPolicyInstanceId"):
            skipped += 1
            continue
        rs = dict(rs)
        if "AliasTarget" in rs:
            rs.pop("TTL", None)
            rs.pop("ResourceRecords", None)
            if bare(rs["AliasTarget"]["HostedZoneId"]) == source:
                rs["AliasTarget"] = dict(rs["AliasTarget"], HostedZoneId=new)
        rrsets.append(rs)
    changes = [{"Action": "CREATE", "ResourceRecordSet": rs} for rs in alias_order(rrsets, new)]
    n = write_changes(r53, new, changes, poll)
    return {"source": source, "new": new, "name": name, "record_sets": len(rrsets), "traffic_policy_records_skipped": skipped,
            "batches": n, "seconds": round(time.perf_counter() - t, 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--set", required=True, help="the reusable delegation set's id")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--zones", help="source zone ids, comma-separated")
    src.add_argument("--from-json", help="seed-migration.py's output (its \"zones\" map), or a {name: id} map")
    ap.add_argument("--workers", type=int, default=4, help="zones copied at once (default 4)")
    ap.add_argument("--poll", type=float, default=1.0, help="seconds between GetChange polls (default 1)")
    ap.add_argument("--reference-prefix", help="CallerReference prefix (default: peer-<random>, so a rerun makes new zones)")
    a = ap.parse_args()
    if a.zones:
        sources = [bare(z) for z in a.zones.split(",") if z]
    else:
        with open(a.from_json) as f:
            doc = json.load(f)
        sources = [bare(z) for z in doc.get("zones", doc).values()]
    prefix = a.reference_prefix or "peer-" + uuid.uuid4().hex[:8]
    r53 = client(a.endpoint, pool=max(10, a.workers * 2))
    counter = RequestCounter(r53)
    set_id = bare(a.set)
    t = time.perf_counter()
    zones, failed = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.workers) as pool:
        futures = {pool.submit(copy_zone, r53, s, set_id, f"{prefix}-{s}", a.poll): s for s in sources}
        for fut in concurrent.futures.as_completed(futures):
            try:
                zones.append(fut.result())
            except Exception as e:  # one zone's failure is reported, the others go on
                failed.append({"source": futures[fut], "error": str(e)})
    wall = time.perf_counter() - t
    out = {"wall_seconds": round(wall, 3), **counter.summary(), "zones": sorted(zones, key=lambda z: z["source"]), "failed": failed}
    print(json.dumps(out, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
