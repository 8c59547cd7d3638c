"""Helpers shared by seed-migration.py, zone-parity.py and bench-migrate-peer.py (the zone-migration scripts).

Written for Route 53 and tested against moto 5.2.1, with or without scripts/route53-proxy.py in front, so nothing
here leans on a moto quirk: record sets are listed with boto3's paginator (which passes NextRecordIdentifier back
where the service gives one), change batches are cut to Route 53's limits, and a change is waited until INSYNC.
"""
import json, re, threading

import boto3
from botocore.config import Config

# One ChangeResourceRecordSets (Route 53 quotas): at most 1,000 ResourceRecord elements and 32,000 characters of
# Value text; an UPSERT counts each element and each character twice. An alias record set has no ResourceRecord;
# it is counted as one element here (so is every change: a batch of 1,000 aliases is still one request), as the
# stand-in proxy counts it.
MAX_BATCH_RECORDS = 1000
MAX_BATCH_CHARS = 32000

_OCTAL = re.compile(r"\\([0-7]{3})")


def client(endpoint, max_attempts=10, pool=10):
    """A Route 53 client for ENDPOINT with botocore's standard retry mode (Throttling, PriorRequestNotComplete, 5xx)."""
    cfg = Config(retries={"mode": "standard", "max_attempts": max_attempts}, max_pool_connections=pool)
    return boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1", config=cfg)


class RequestCounter:
    """Counts the HTTP requests a client sends (retries included: `before-send` fires once per attempt) and the
    operations it calls (`before-call` fires once per call), by operation name. Thread-safe."""

    def __init__(self, r53):
        self.lock = threading.Lock()
        self.requests, self.calls = {}, {}
        r53.meta.events.register("before-send.route53", self._sent)
        r53.meta.events.register("before-call.route53", self._called)

    def _bump(self, table, event_name):
        op = event_name.rsplit(".", 1)[-1]
        with self.lock:
            table[op] = table.get(op, 0) + 1

    def _sent(self, event_name, **_):
        self._bump(self.requests, event_name)

    def _called(self, event_name, **_):
        self._bump(self.calls, event_name)

    def summary(self):
        with self.lock:
            return {"requests": sum(self.requests.values()), "requests_by_operation": dict(sorted(self.requests.items())),
                    "calls": sum(self.calls.values()), "calls_by_operation": dict(sorted(self.calls.items()))}


def bare(resource_id):
    """`/hostedzone/Z123` -> `Z123` (moto gives some ids without the prefix; Route 53 always with it)."""
    return (resource_id or "").rsplit("/", 1)[-1]


def dns_name(name):
    """A name as compared: Route 53's `\\DDD` octal escapes decoded (it returns `*` as `\\052`, moto returns what it
    was given), lowercased, with a trailing dot."""
    name = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), name).lower()
    return name if name.endswith(".") else name + "."


def list_record_sets(r53, zone_id):
    """Every record set of the zone, in the service's order, through boto3's paginator.

    A stand-in that pages by name and type only (moto) restarts a page at the first set of the name and type it
    stopped in, so the sets of a routing group cut by a page break come again: a set identical to one of an earlier
    page is dropped. Repeats inside one page are kept (they are real duplicates, which Route 53 cannot hold)."""
    out, seen = [], set()
    for page in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
        this_page = []
        for rrset in page["ResourceRecordSets"]:
            key = json.dumps(rrset, sort_keys=True, default=str)
            if key not in seen:
                out.append(rrset)
                this_page.append(key)
        seen.update(this_page)
    return out


def is_apex_ns_or_soa(rrset, zone_name):
    return rrset["Type"] in ("NS", "SOA") and dns_name(rrset["Name"]) == dns_name(zone_name)


def alias_order(rrsets, zone_id):
    """RRSETS reordered so that every alias target inside zone ZONE_ID comes before the aliases that name it, chains
    included (alias -> alias -> A): level 0 is every set that is no in-zone alias, level k+1 the aliases whose
    targets (all sets of that name and type) are at most at level k. Stable within a level. A cycle is an error."""
    zone_id = bare(zone_id)
    by_target = {}
    for rs in rrsets:
        by_target.setdefault((dns_name(rs["Name"]), rs["Type"]), []).append(rs)
    levels, visiting = {}, set()

    def level(rs):
        if id(rs) in levels:
            return levels[id(rs)]
        alias = rs.get("AliasTarget")
        if not alias or bare(alias["HostedZoneId"]) != zone_id:
            levels[id(rs)] = 0
            return 0
        if id(rs) in visiting:
            raise ValueError(f"alias cycle through {rs['Name']} {rs['Type']}")
        visiting.add(id(rs))
        targets = by_target.get((dns_name(alias["DNSName"]), rs["Type"]), [])
        levels[id(rs)] = 1 + max((level(t) for t in targets if t is not rs), default=0)
        visiting.discard(id(rs))
        return levels[id(rs)]

    return sorted(rrsets, key=level)


def change_cost(change):
    """(ResourceRecord elements, Value characters) that one change counts against a batch's limits."""
    rrset = change["ResourceRecordSet"]
    values = [r["Value"] for r in rrset.get("ResourceRecords", [])]
    weight = 2 if change["Action"] == "UPSERT" else 1
    return weight * max(1, len(values)), weight * sum(len(v) for v in values)


def batches(changes, max_records=MAX_BATCH_RECORDS, max_chars=MAX_BATCH_CHARS):
    """CHANGES cut, in order, into the fewest consecutive batches within Route 53's per-request limits."""
    batch, records, chars = [], 0, 0
    for change in changes:
        n, c = change_cost(change)
        if n > max_records or c > max_chars:
            raise ValueError(f"one change is over a batch's limits: {change['ResourceRecordSet']['Name']}")
        if batch and (records + n > max_records or chars + c > max_chars):
            yield batch
            batch, records, chars = [], 0, 0
        batch.append(change)
        records += n
        chars += c
    if batch:
        yield batch


def wait_change(r53, change_info, delay=1.0, max_attempts=600):
    """Waits until the change is INSYNC. An answer already INSYNC (moto's) costs no GetChange; otherwise the
    `resource_record_sets_changed` waiter polls every DELAY seconds (its default, 30 s, would hide any cost)."""
    if change_info["Status"] == "INSYNC":
        return
    r53.get_waiter("resource_record_sets_changed").wait(
        Id=bare(change_info["Id"]), WaiterConfig={"Delay": delay, "MaxAttempts": max_attempts})


def write_changes(r53, zone_id, changes, delay=1.0):
    """Sends CHANGES to the zone in batches as large as allowed, each waited until INSYNC before the next (so an
    alias target of an earlier batch exists before the alias). Returns the number of batches."""
    n = 0
    for batch in batches(changes):
        info = r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": batch})["ChangeInfo"]
        wait_change(r53, info, delay)
        n += 1
    return n
