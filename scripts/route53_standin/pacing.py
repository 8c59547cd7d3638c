"""Pacing: Route 53's request buckets and change-throughput bucket (an empty bucket answers 400 Throttling "Rate
exceeded"), and changes that stay PENDING before INSYNC (moto is INSYNC at once), each with an id of the proxy's own
since moto reuses change ids.

Route 53 behaviour: "Throttling for Amazon Route 53 API requests" (Amazon Route 53 Developer Guide, Quotas: account
bucket 50 / 10 per s, CreateHostedZone 40 / 2 per s, ...), and GetChange / ChangeInfo (Amazon Route 53 API Reference:
"PENDING indicates that this request has not yet been applied to all Amazon Route 53 DNS servers").
"""
import time, uuid
import xml.etree.ElementTree as ET

from .store import lock, settings, state
from .wire import API, tag

# Route 53's request buckets (Developer Guide, "Throttling for Amazon Route 53 API requests"): capacity, refill/s.
ACCOUNT_BUCKET = (50, 10)
OPERATION_BUCKETS = {"CreateHostedZone": (40, 2), "CreateReusableDelegationSet": (40, 2), "DeleteHostedZone": (40, 5),
                     "DeleteReusableDelegationSet": (40, 5), "CreateHealthCheck": (50, 0.5)}
DEFAULT_OPERATION_BUCKET = (50, 10)


class Bucket:
    """A token bucket: `capacity` requests (or changes) at rest, refilled at `rate` per second."""

    def __init__(self, capacity, rate):
        self.capacity, self.rate, self.tokens, self.last = float(capacity), float(rate), float(capacity), time.monotonic()

    def level(self):
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return self.tokens


account = Bucket(*ACCOUNT_BUCKET)
operation_buckets = {}
change_bucket = Bucket(1000, 1000)


def configure(change_bucket_spec):
    """--change-bucket CAPACITY/REFILL: the change-throughput bucket."""
    global change_bucket
    cap, rate = change_bucket_spec.split("/")
    change_bucket = Bucket(float(cap), float(rate))


def operation(method, path, query):
    """The Route 53 operation a request is ("Domains" for POST / calls: STS and Route 53 Domains)."""
    p = path[len(API):] if path.startswith(API) else path
    parts = [x for x in p.split("/") if x]
    if not parts:
        return "Domains"
    head, n = parts[0], len(parts)
    if head == "hostedzone":
        if n == 1:
            return {"POST": "CreateHostedZone", "GET": "ListHostedZones"}.get(method, "Other")
        if n == 2:
            return {"GET": "GetHostedZone", "DELETE": "DeleteHostedZone", "POST": "UpdateHostedZoneComment"}.get(method, "Other")
        if parts[2] == "rrset":
            return "ChangeResourceRecordSets" if method == "POST" else "ListResourceRecordSets"
        if parts[2] == "dnssec" and method == "GET":
            return "GetDNSSEC"
        return {"enable-dnssec": "EnableHostedZoneDNSSEC", "disable-dnssec": "DisableHostedZoneDNSSEC"}.get(
            parts[2] if method == "POST" else "", "Other")
    if head == "keysigningkey":
        if n == 1:
            return "CreateKeySigningKey" if method == "POST" else "Other"
        if n == 3 and method == "DELETE":
            return "DeleteKeySigningKey"
        if n == 4 and method == "POST":
            return {"activate": "ActivateKeySigningKey", "deactivate": "DeactivateKeySigningKey"}.get(parts[3], "Other")
        return "Other"
    if head == "tags":
        if n == 2 and method == "POST":
            return "ListTagsForResources"  # POST /tags/hostedzone: up to 10 zones' tags in one read
        return "ChangeTagsForResource" if method == "POST" else "ListTagsForResource"
    if head == "trafficpolicyinstances" and parts[1:] == ["hostedzone"]:
        return "ListTrafficPolicyInstancesByHostedZone"
    if head == "delegationset":
        if n == 1:
            return "CreateReusableDelegationSet" if method == "POST" else "ListReusableDelegationSets"
        return "DeleteReusableDelegationSet" if method == "DELETE" else "GetReusableDelegationSet"
    return {"change": "GetChange", "hostedzonesbyname": "ListHostedZonesByName", "accountlimit": "GetAccountLimit",
            "reusabledelegationsetlimit": "GetReusableDelegationSetLimit"}.get(head, "Other")


def change_count(body):
    """Record changes in a ChangeResourceRecordSets body: each ResourceRecord (or alias) once, twice for UPSERT."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return 1
    n = 0
    for ch in root.iter(tag("Change")):
        weight = 2 if (ch.findtext(tag("Action")) or "") == "UPSERT" else 1
        rrs = ch.find(tag("ResourceRecordSet"))
        records = len(rrs.findall("%s/%s" % (tag("ResourceRecords"), tag("ResourceRecord")))) if rrs is not None else 0
        n += weight * max(1, records)
    return n


class PacingMixin:
    """The request handler's pacing: buckets before a request reaches moto, PENDING after a change."""

    def throttled(self, op, body):
        if not settings.buckets or op == "Domains":
            return False
        with lock:
            ob = operation_buckets.setdefault(op, Bucket(*OPERATION_BUCKETS.get(op, DEFAULT_OPERATION_BUCKET)))
            changes = change_count(body) if op == "ChangeResourceRecordSets" and body else 0
            if account.level() < 1 or ob.level() < 1 or (changes and change_bucket.level() < changes):
                state["stats"]["throttled"] += 1
                s = state["stats"]["by_operation"].setdefault(op, {"requests": 0, "throttled": 0})
                s["throttled"] += 1
                return True
            account.tokens -= 1
            ob.tokens -= 1
            change_bucket.tokens -= changes
            return False

    # -- a change is PENDING for a while. moto reuses change ids, so each change gets an id of the proxy's own.
    def pending(self, data):
        """The answer's ChangeInfo made PENDING under an id of the stand-in's own; GetChange says INSYNC once
        --pending seconds passed and, with a data plane, once it serves the change (as Route 53 says INSYNC once the
        change is on all its DNS servers): the request's place in the count of writes is set when it is counted."""
        if settings.pending <= 0 and state["served_writes"] is None:
            return data
        doc = ET.fromstring(data)
        info = doc.find(tag("ChangeInfo"))
        if info is None:
            return data
        cid = "C" + uuid.uuid4().hex[:20].upper()
        with lock:
            state["changes"][cid] = (time.monotonic(), None)
        self.changes_answered = getattr(self, "changes_answered", []) + [cid]
        info.find(tag("Id")).text = "/change/" + cid
        info.find(tag("Status")).text = "PENDING"
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc)

    def get_change(self, cid):
        with lock:
            change, served = state["changes"].get(cid), state["served_writes"]
        if change is None:
            return False
        submitted, write = change
        on_servers = served is None or (write is not None and served >= write)
        status = "INSYNC" if time.monotonic() - submitted >= settings.pending and on_servers else "PENDING"
        doc = ET.Element(tag("GetChangeResponse"))
        info = ET.SubElement(doc, tag("ChangeInfo"))
        ET.SubElement(info, tag("Id")).text = "/change/" + cid
        ET.SubElement(info, tag("Status")).text = status
        ET.SubElement(info, tag("SubmittedAt")).text = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.answer(200, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc))
        return True
