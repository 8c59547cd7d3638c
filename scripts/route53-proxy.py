#!/usr/bin/env python3
"""A loopback HTTP proxy in front of moto that answers like Route 53 where vanityns's cost or safety depends on it.

What moto does differently (ROUTE53.md) and what this proxy makes of it:
- A new zone's SOA: moto writes hostmaster.example.com and wraps the value as {'Value': '...'}; here a zone created
  through the proxy gets the SOA Route 53 writes (`<first name server>. awsdns-hostmaster.amazon.com. 1 7200 900
  1209600 86400`), and a wrapped value read through it is unwrapped.
- A reused CallerReference: moto accepts it (and makes a second set, or refuses a zone for another reason); here it
  is refused as Route 53 refuses it, 409 HostedZoneAlreadyExists / DelegationSetAlreadyCreated, even after a delete.
- moto rewrites a set's CallerReference when a zone is created in it; here a set keeps the one it was created with.
- ListHostedZones `delegationsetid`: moto ignores it; here it lists exactly the set's zones, paged by zone id with
  Marker / NextMarker / MaxItems (at most 100) the way Route 53 pages that listing.
- Changes: moto is INSYNC at once; here a change (ChangeResourceRecordSets, CreateHostedZone) stays PENDING for
  --pending seconds.
- With --buckets, Route 53's published request buckets (account 50 / 10 per s, and each operation's own) and a change
  bucket are enforced: an empty bucket answers 400 Throttling "Rate exceeded".
- For crash tests: --delay holds the answer to ChangeResourceRecordSets while the change lands at once, and
  POST /__proxy/drop-creates?count=N makes the next N creates act but lose their answer (the connection closes).
- Name servers: moto gives every zone and set the same four (ns-2048.awsdns-64.com ...). Here a zone created without
  a DelegationSetId gets four of its own, derived from its id in Route 53's style (ns-<k>.awsdns-<j>.com/.net/.org/
  .co.uk, k < 2048, never moto's), chosen so they share none with a zone of the same, parent or child name, as
  Route 53 chooses them: in the CreateHostedZone answer, GetHostedZone, the zone's apex NS record and its SOA MNAME.
  A set created from such a zone (CreateReusableDelegationSet with HostedZoneId) takes the zone's four, and the zone
  then belongs to the set (GetHostedZone's DelegationSet Id, the delegationsetid filter, the set's zone count); zones
  later created in that set get them too, and a second set from a zone already in a set is refused
  (DelegationSetAlreadyReusable). Sets created without a zone keep moto's four (the data plane serves those).
- ConflictingDomainExists: CreateHostedZone is refused (400) when a public zone of the same name, or a parent or child
  zone, shares a name server with the ones the new zone would get. moto's four count as each set's own servers (in
  Route 53 two sets rarely share one), so only derived names and a shared set can conflict.
- ListResourceRecordSets pages like Route 53: the proxy reads the zone's whole listing from moto (which pages by name
  and type only and ignores `identifier`) and pages it itself, in Route 53's order (name with the labels reversed,
  then type, then set identifier), honouring maxitems (default and cap 300, or --page-size N / POST
  /__proxy/page-size?n=N for tests), name/type/identifier, with NextRecordName/Type and NextRecordIdentifier when the
  next record has one; `type` without `name` (or `identifier` without `type`) is InvalidInput. Alias record sets come
  back without moto's TTL 0.
- ChangeResourceRecordSets is checked whole before anything reaches moto, change by change on a copy of the zone:
  CREATE of an existing name/type/set identifier, DELETE of a missing one or with other values, and batches over
  1,000 ResourceRecord elements or 32,000 value characters (UPSERT counted twice) are refused with 400
  InvalidChangeBatch and Route 53's messages, nothing written. moto deletes every record set with a DELETE's set
  identifier, whatever its name; the proxy puts the others back.
- Limits (opt-in: --limits zones-per-set=100,hosted-zones=500,sets=100, changed with POST /__proxy/limits?sets=5&...,
  a key with the value "none" unset): GetReusableDelegationSetLimit and GetAccountLimit (MAX_HOSTED_ZONES_BY_OWNER,
  MAX_REUSABLE_DELEGATION_SETS_BY_OWNER) answer with moto's counts, and creates past a limit are refused
  (TooManyHostedZones, LimitsExceeded). Unset, they reach moto, which answers 404 (the product's fallback).
- GetDNSSEC answers what POST /__proxy/dnssec?zone=ID&status=SIGNING set (moto always says NOT_SIGNING).
- ListTrafficPolicyInstancesByHostedZone (moto: 404) lists the instances registered with POST
  /__proxy/traffic-policy-instance?zone=ID&name=N&type=T[&policy=P&version=V&ttl=S&id=I] (none by default); the record
  sets of that name and type in the zone are listed with the instance's TrafficPolicyInstanceId.
- moto itself keeps hosted zone tags (ListTagsForResource / ChangeTagsForResource): forwarded unchanged.
GET /__proxy/stats answers JSON counts: requests and Throttling answers per operation (the proxy's own calls to moto
are not counted); POST /__proxy/stats/reset sets them to zero. GET /__proxy/zone-name-servers answers JSON {zone id:
[its four name servers as GetHostedZone answers them here]} for every hosted zone ([] for a private one), for
dataplane.py to serve each zone where Route 53 would. Control endpoints are neither counted nor paced. STS calls (POST / with a form body, which moto serves
on the same port) and Route 53 Domains calls (POST / with X-Amz-Target) are forwarded unchanged.

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY] [--pending S] [--buckets] [--change-bucket CAP/RATE]
                        [--page-size N] [--limits zones-per-set=N,hosted-zones=N,sets=N]
"""
import argparse, hashlib, http.client, http.server, json, re, threading, time, urllib.parse, uuid
from xml.sax.saxutils import escape
import xml.etree.ElementTree as ET

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("upstream")
ap.add_argument("delay", type=float, nargs="?", default=0.0, help="seconds to hold ChangeResourceRecordSets answers")
ap.add_argument("--pending", type=float, default=0.0, help="seconds a change stays PENDING before INSYNC")
ap.add_argument("--buckets", action="store_true", help="enforce Route 53's published request and change buckets")
ap.add_argument("--change-bucket", default="1000/1000", help="change-throughput bucket CAPACITY/REFILL (changes, per s)")
ap.add_argument("--page-size", type=int, default=300, help="cap on ListResourceRecordSets maxitems (Route 53: 300)")
ap.add_argument("--limits", default="", help="zones-per-set=N,hosted-zones=N,sets=N: answer and enforce these limits")
args = ap.parse_args()
up = urllib.parse.urlsplit(args.upstream)

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
ET.register_namespace("", NS)
q = rb"(?:'|&#x27;|&#39;|&apos;)"
wrapped = re.compile(rb"\{" + q + rb"Value" + q + rb": " + q + rb"(.*?)" + q + rb"\}")
API = "/2013-04-01"

# Route 53's request buckets (Developer Guide, "Throttling for Amazon Route 53 API requests"): capacity, refill/s.
ACCOUNT_BUCKET = (50, 10)
OPERATION_BUCKETS = {"CreateHostedZone": (40, 2), "CreateReusableDelegationSet": (40, 2), "DeleteHostedZone": (40, 5),
                     "DeleteReusableDelegationSet": (40, 5), "CreateHealthCheck": (50, 0.5)}
DEFAULT_OPERATION_BUCKET = (50, 10)


class Bucket:
    def __init__(self, capacity, rate):
        self.capacity, self.rate, self.tokens, self.last = float(capacity), float(rate), float(capacity), time.monotonic()

    def level(self):
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return self.tokens


lock = threading.RLock()
state = {
    "zone_refs": {},      # CallerReference -> zone id, never forgotten (Route 53 refuses a reference reused after a delete)
    "set_refs": {},       # CallerReference -> set id
    "set_ref_of": {},     # set id -> the CallerReference it was created with
    "zone_set": {},       # zone id -> delegation set id ('' for a zone's own name servers)
    "changes": {},        # change id -> time it was submitted
    "drop_creates": 0,
    "zone_ns": {},        # zone id -> its four name servers, where they are not moto's (derived, or its set's)
    "set_ns": {},         # set id -> its four name servers, for a set made from a zone
    "dnssec": {},         # zone id -> ServeSignature set with POST /__proxy/dnssec
    "traffic": {},        # zone id -> [traffic policy instance], registered with POST /__proxy/traffic-policy-instance
    "limits": {},         # "zones-per-set" / "hosted-zones" / "sets" -> limit, from --limits and POST /__proxy/limits
    "page_size": args.page_size,
    "stats": {"requests": 0, "throttled": 0, "by_operation": {}},
}
account = Bucket(*ACCOUNT_BUCKET)
operation_buckets = {}
cap, rate = args.change_bucket.split("/")
change_bucket = Bucket(float(cap), float(rate))


zone_writes = threading.Lock()  # one ChangeResourceRecordSets at a time: each batch is checked against the zone it changes
LIMIT_KEYS = ("zones-per-set", "hosted-zones", "sets")


def parse_limits(text):
    limits = {}
    for item in [x for x in text.split(",") if x.strip()]:
        key, _, value = item.partition("=")
        if key.strip() not in LIMIT_KEYS:
            raise SystemExit("--limits: unknown limit %r (known: %s)" % (key, ", ".join(LIMIT_KEYS)))
        limits[key.strip()] = int(value)
    return limits


state["limits"] = parse_limits(args.limits)


def tag(name):
    return "{%s}%s" % (NS, name)


def bare(i):
    return (i or "").rsplit("/", 1)[-1]


def operation(method, path, query):
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
        return "Other"
    if head == "tags":
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


def error_xml(code, message, kind="Sender"):
    return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
            '</Error><RequestId>%s</RequestId></ErrorResponse>' % (NS, kind, code, message, uuid.uuid4())).encode()


def invalid_change_batch(messages):
    items = "".join("<Message>%s</Message>" % escape(m) for m in messages)
    return ('<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="%s"><Messages>%s</Messages><RequestId>%s</RequestId>'
            '</InvalidChangeBatch>' % (NS, items, uuid.uuid4())).encode()


def xml_doc(root):
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def leaf(parent, name, text):
    ET.SubElement(parent, tag(name)).text = str(text)


# -- name servers: Route 53 gives each zone made without a set four of its own
TLDS = ("com", "net", "org", "co.uk")
MOTO_NAME_SERVERS = ("ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk")


def derived_name_servers(zid, attempt=0):
    """Four awsdns-style names from the zone id: ns-<k>.awsdns-<j>.<tld>, k in the tld's 512 (all below moto's 2048)."""
    digest = hashlib.sha256(("%s/%d" % (zid, attempt)).encode()).digest()
    names = []
    for i, tld in enumerate(TLDS):
        k = 512 * i + int.from_bytes(digest[2 * i:2 * i + 2], "big") % 512
        names.append("ns-%d.awsdns-%02d.%s" % (k, (k % 512) // 8, tld))
    return names


def zone_name(name):
    return (name or "").lower().rstrip(".")


def related_names(a, b):
    """The same zone name, or a parent/child pair (example.com, shop.example.com)."""
    a, b = zone_name(a), zone_name(b)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def set_name_servers(doc, ds, names):
    """Replaces the NameServers of DelegationSet element `ds` with `names`."""
    servers = ds.find(tag("NameServers"))
    if servers is None:
        servers = ET.SubElement(ds, tag("NameServers"))
    for e in list(servers):
        servers.remove(e)
    for n in names:
        leaf(servers, "NameServer", n)


# -- record sets: Route 53's identity (name, type, set identifier) and order
def record_name(name):
    n = (name or "").lower().replace("\\052", "*")
    return n if n.endswith(".") else n + "."


def record_key(rrs):
    return (record_name(rrs.findtext(tag("Name"))), (rrs.findtext(tag("Type")) or "").upper(),
            rrs.findtext(tag("SetIdentifier")) or "")


def sort_key(key):
    """Route 53's listing order: the name with its labels reversed (com.example.www), then type, then identifier."""
    name, rtype, ident = key
    return (".".join(reversed(name.rstrip(".").split("."))), rtype, ident)


def describe(key):
    name, rtype, ident = key
    return "[name='%s', type='%s'%s]" % (name, rtype, ", set-identifier='%s'" % ident if ident else "")


def values_of(rrs):
    return sorted((v.text or "").strip() for v in rrs.iter(tag("Value")))


def alias_of(rrs):
    a = rrs.find(tag("AliasTarget"))
    if a is None:
        return None
    return (bare(a.findtext(tag("HostedZoneId"))), record_name(a.findtext(tag("DNSName"))),
            (a.findtext(tag("EvaluateTargetHealth")) or "false").lower())


ROUTING_FIELDS = ("Weight", "Region", "Failover", "HealthCheckId", "MultiValueAnswer")


def same_record(current, given):
    """A DELETE matches when its TTL and values (or alias target) and each routing member it gives are the current ones."""
    if alias_of(given) != alias_of(current):
        return False
    if alias_of(given) is None and ((given.findtext(tag("TTL")) or "") != (current.findtext(tag("TTL")) or "")
                                    or values_of(given) != values_of(current)):
        return False
    for f in ROUTING_FIELDS:
        g = given.findtext(tag(f))
        if g is not None and g.lower() != (current.findtext(tag(f)) or "").lower():
            return False
    geo = given.find(tag("GeoLocation"))
    return geo is None or geo_of(geo) == geo_of(current.find(tag("GeoLocation")))


def geo_of(e):
    return None if e is None else sorted((c.tag, c.text) for c in e)


def batch_size_problems(changes):
    """Route 53's per-request limits: 1,000 ResourceRecord elements, 32,000 value characters; UPSERT counts twice."""
    records = chars = 0
    for ch in changes:
        weight = 2 if ch.findtext(tag("Action")) == "UPSERT" else 1
        values = [v.text or "" for v in ch.iter(tag("Value"))]
        records += weight * len(values)
        chars += weight * sum(len(v) for v in values)
    problems = []
    if records > 1000:
        problems.append("Number of records limit of 1000 exceeded.")
    if chars > 32000:
        problems.append("RDATA character limit of 32000 exceeded.")
    return problems


def apply_changes(table, changes):
    """Applies the batch to `table` ({key: ResourceRecordSet}) change by change; returns Route 53's refusals."""
    problems = []
    for ch in changes:
        action, rrs = ch.findtext(tag("Action")), ch.find(tag("ResourceRecordSet"))
        if rrs is None:
            continue
        key = record_key(rrs)
        if action == "CREATE":
            if key in table:
                problems.append("Tried to create resource record set %s but it already exists" % describe(key))
            table[key] = rrs
        elif action == "DELETE":
            if key not in table:
                problems.append("Tried to delete resource record set %s but it was not found" % describe(key))
            elif not same_record(table[key], rrs):
                problems.append("Tried to delete resource record set %s but the values provided do not match the "
                                "current values" % describe(key))
            table.pop(key, None)
        elif action == "UPSERT":
            table[key] = rrs
    return problems


def change_request(changes):
    """A ChangeResourceRecordSetsRequest body of (action, ResourceRecordSet element) pairs."""
    root = ET.Element(tag("ChangeResourceRecordSetsRequest"))
    batch = ET.SubElement(ET.SubElement(root, tag("ChangeBatch")), tag("Changes"))
    for action, rrs in changes:
        ch = ET.SubElement(batch, tag("Change"))
        leaf(ch, "Action", action)
        ch.append(rrs)
    return xml_doc(root)


def record_set(name, rtype, ttl, values):
    rrs = ET.Element(tag("ResourceRecordSet"))
    leaf(rrs, "Name", name)
    leaf(rrs, "Type", rtype)
    leaf(rrs, "TTL", ttl)
    records = ET.SubElement(rrs, tag("ResourceRecords"))
    for v in values:
        leaf(ET.SubElement(records, tag("ResourceRecord")), "Value", v)
    return rrs


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def upstream(self, method, path, body=None):
        c = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        if self.control_call:  # unsigned: moto picks the service by the credential scope
            headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=AKIDPROXY0000000001/20130401/us-east-1/route53/"
                                        "aws4_request, SignedHeaders=host, Signature=0")
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data, r.getheaders()

    def answer(self, status, data, hdrs=()):
        self.send_response(status)
        for k, v in hdrs:
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                self.send_header(k, v)
        if not any(k.lower() == "content-type" for k, _ in hdrs):
            self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # -- the proxy's own control endpoints (loopback tests only)
    def control(self, path, query):
        one = {k: v[0] for k, v in query.items()}
        handlers = {"/__proxy/stats": self.control_stats, "/__proxy/stats/reset": self.control_stats_reset,
                    "/__proxy/drop-creates": self.control_drop_creates, "/__proxy/page-size": self.control_page_size,
                    "/__proxy/limits": self.control_limits, "/__proxy/dnssec": self.control_dnssec,
                    "/__proxy/traffic-policy-instance": self.control_traffic_policy_instance,
                    "/__proxy/zone-name-servers": self.control_zone_name_servers}
        if path not in handlers:
            return self.answer(404, b"{}")
        with lock:
            result = handlers[path](one)
        self.answer(200, json.dumps(result).encode(), [("Content-Type", "application/json")])

    def control_stats(self, _):
        return state["stats"]

    def control_stats_reset(self, _):
        state["stats"] = {"requests": 0, "throttled": 0, "by_operation": {}}
        return state["stats"]

    def control_drop_creates(self, q):
        state["drop_creates"] = int(q.get("count", "1"))
        return {}

    def control_page_size(self, q):
        state["page_size"] = int(q.get("n", "300"))
        return {"page_size": state["page_size"]}

    def control_limits(self, q):
        for key in LIMIT_KEYS:
            if key in q:
                if q[key] == "none":
                    state["limits"].pop(key, None)
                else:
                    state["limits"][key] = int(q[key])
        return state["limits"]

    def control_dnssec(self, q):
        state["dnssec"][bare(q["zone"])] = {"status": q.get("status", "SIGNING"), "message": q.get("message")}
        return state["dnssec"]

    def control_traffic_policy_instance(self, q):
        zid = bare(q["zone"])
        instance = {"Id": q.get("id") or str(uuid.uuid4()), "HostedZoneId": zid, "Name": record_name(q["name"]),
                    "TTL": q.get("ttl", "300"), "State": q.get("state", "Applied"), "Message": q.get("message", ""),
                    "TrafficPolicyId": q.get("policy") or str(uuid.uuid4()), "TrafficPolicyVersion": q.get("version", "1"),
                    "TrafficPolicyType": q.get("type", "A").upper()}
        state["traffic"].setdefault(zid, []).append(instance)
        return instance

    def control_zone_name_servers(self, _):
        """{zone id: [its four name servers]} as GetHostedZone answers them here ([] for a private zone)."""
        result = {}
        for z in self.all_zones():
            zid = bare(z.findtext(tag("Id")))
            private = (z.findtext("%s/%s" % (tag("Config"), tag("PrivateZone"))) or "false") == "true"
            result[zid] = [] if private else list(state["zone_ns"].get(zid) or MOTO_NAME_SERVERS)
        return result

    def throttled(self, op, body):
        if not args.buckets or op == "Domains":
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

    def _go(self):
        split = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(split.query)
        self.control_call = split.path.startswith("/__proxy/")
        if self.control_call:
            return self.control(split.path, query)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        op = operation(self.command, split.path, query)
        with lock:
            state["stats"]["requests"] += 1
            state["stats"]["by_operation"].setdefault(op, {"requests": 0, "throttled": 0})["requests"] += 1
        if self.throttled(op, body):
            return self.answer(400, error_xml("Throttling", "Rate exceeded"))
        if op == "CreateHostedZone":
            return self.create(body, "HostedZone")
        if op == "CreateReusableDelegationSet":
            return self.create(body, "DelegationSet")
        if op == "ListHostedZones":
            return self.list_zones(query)
        if op == "GetChange" and self.get_change(bare(split.path)):
            return
        if op == "ListResourceRecordSets":
            return self.list_records(split.path.split("/")[3], query)
        own = {"GetReusableDelegationSetLimit": self.set_limit, "GetAccountLimit": self.account_limit,
               "GetDNSSEC": self.dnssec, "ListTrafficPolicyInstancesByHostedZone": self.traffic_policy_instances}
        if op in own and own[op](split.path, query):
            return
        if op == "ChangeResourceRecordSets":
            status, data, hdrs = self.change_records(split.path.split("/")[3], body)
        else:
            status, data, hdrs = self.upstream(self.command, self.path, body)
        if op == "ChangeResourceRecordSets" and status == 200:
            data = self.pending(wrapped.sub(rb"\1", data))
            if args.delay > 0:
                time.sleep(args.delay)
        elif op in ("GetReusableDelegationSet", "ListReusableDelegationSets", "GetHostedZone") and status == 200:
            data = self.set_references(data)
        elif op == "DeleteHostedZone" and status == 200:
            data = self.pending(data)
        self.answer(status, data, hdrs)

    do_GET = do_POST = do_DELETE = _go

    # -- creates: a reference is used once, ever
    def create(self, body, kind):
        root = ET.fromstring(body)
        ref = root.findtext(tag("CallerReference")) or ""
        with lock:  # one create at a time, so two racing creates with one reference cannot both pass
            refs = state["zone_refs"] if kind == "HostedZone" else state["set_refs"]
            known = ref in refs or (kind == "HostedZone" and ref in self.upstream_zone_refs())
            if known:
                code = "HostedZoneAlreadyExists" if kind == "HostedZone" else "DelegationSetAlreadyCreated"
                what = "hosted zone" if kind == "HostedZone" else "delegation set"
                return self.answer(409, error_xml(code, "A %s has already been created with the specified caller reference." % what))
            refusal = self.zone_refusal(root) if kind == "HostedZone" else self.set_refusal(root)
            if refusal:
                return self.answer(400, error_xml(*refusal))
            status, data, hdrs = self.upstream("POST", self.path, body)
            drop = state["drop_creates"] > 0 and status in (200, 201)
            if drop:
                state["drop_creates"] -= 1
            if status in (200, 201):
                doc = ET.fromstring(data)
                if kind == "HostedZone":
                    refs[ref] = self.created_zone(root, doc)
                    data = self.pending(xml_doc(doc))
                else:
                    refs[ref] = self.created_set(root, doc)
                    data = xml_doc(doc)
        if drop:  # the service acted; the client never hears of it
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.answer(status, data, hdrs)

    def created_zone(self, request, doc):
        """A new zone: its name servers (its own, or its set's), then Route 53's apex NS and SOA. Returns its id."""
        zid = bare(doc.findtext("%s/%s" % (tag("HostedZone"), tag("Id"))))
        sid = bare(request.findtext(tag("DelegationSetId")) or "")
        state["zone_set"][zid] = sid
        ds = doc.find(tag("DelegationSet"))
        if ds is None:
            return zid  # a private zone: Route 53 answers with its VPC and no name servers
        names = state["set_ns"].get(sid) if sid else self.own_name_servers(zid, doc)
        if names:
            state["zone_ns"][zid] = names
            set_name_servers(doc, ds, names)
        if sid in state["set_ref_of"] and ds is not None and ds.find(tag("CallerReference")) is not None:
            ds.find(tag("CallerReference")).text = state["set_ref_of"][sid]  # moto answers with a reference of its own
        self.write_route53_apex(zid, doc, bool(names))
        return zid

    def created_set(self, request, doc):
        """A new set; made from a zone, it takes the zone's name servers and the zone joins it. Returns its id."""
        ds = doc.find(tag("DelegationSet"))
        sid = bare(ds.findtext(tag("Id")))
        state["set_ref_of"][sid] = request.findtext(tag("CallerReference")) or ""
        zid = bare(request.findtext(tag("HostedZoneId")) or "")
        names = state["zone_ns"].get(zid) if zid else None
        if zid:
            state["zone_set"][zid] = sid
        if names:
            state["set_ns"][sid] = names
            set_name_servers(doc, ds, names)
        return sid

    def own_name_servers(self, zid, doc):
        """Derived names for a zone made without a set, sharing none with a zone of a related name (as Route 53 picks)."""
        name = doc.findtext("%s/%s" % (tag("HostedZone"), tag("Name")))
        taken = set()
        for z in self.related_public_zones(name):
            if bare(z.findtext(tag("Id"))) != zid:
                taken |= self.server_keys(bare(z.findtext(tag("Id"))))
        attempt = 0
        while taken & set(derived_name_servers(zid, attempt)):
            attempt += 1
        return derived_name_servers(zid, attempt)

    # -- refusals before a create reaches moto
    def zone_refusal(self, request):
        """(code, message) when Route 53 would refuse this CreateHostedZone: a limit, or a conflicting domain."""
        sid = bare(request.findtext(tag("DelegationSetId")) or "")
        limits = state["limits"]
        if "hosted-zones" in limits and len(self.all_zones()) >= limits["hosted-zones"]:
            return ("TooManyHostedZones", "The limit on the number of hosted zones (%d) has been reached." % limits["hosted-zones"])
        if sid and "zones-per-set" in limits and self.zones_in_set(sid) >= limits["zones-per-set"]:
            return ("TooManyHostedZones", "The limit on the number of hosted zones in delegation set %s (%d) has been "
                    "reached." % (sid, limits["zones-per-set"]))
        if sid and request.find(tag("VPC")) is None and self.conflicts(request.findtext(tag("Name")), sid):
            return ("ConflictingDomainExists", "A conflicting domain is already associated with the given VPC or Delegation Set.")
        return None

    def set_refusal(self, request):
        """(code, message) when Route 53 would refuse this CreateReusableDelegationSet: a limit, or a zone whose
        name servers are already a reusable set."""
        limit = state["limits"].get("sets")
        if limit is not None and len(self.upstream_sets()) >= limit:
            return ("LimitsExceeded", "The limit on the number of reusable delegation sets (%d) has been reached." % limit)
        zid = bare(request.findtext(tag("HostedZoneId")) or "")
        if zid and self.zone_set(zid):
            return ("DelegationSetAlreadyReusable", "The delegation set of hosted zone %s is already reusable (%s)."
                    % (zid, self.zone_set(zid)))
        return None

    def conflicts(self, name, sid):
        """True when a public zone of the same, parent or child name shares a name server with set `sid`."""
        mine = set(state["set_ns"].get(sid) or []) or {("moto-set", sid)}
        return any(mine & self.server_keys(bare(z.findtext(tag("Id")))) for z in self.related_public_zones(name))

    def related_public_zones(self, name):
        return [z for z in self.all_zones() if related_names(z.findtext(tag("Name")), name)
                and (z.findtext("%s/%s" % (tag("Config"), tag("PrivateZone"))) or "false") != "true"]

    def server_keys(self, zid):
        """What a zone's name servers are, for conflicts: its names, or moto's four counted as its set's (or zone's) own."""
        names = state["zone_ns"].get(zid)
        if names:
            return set(names)
        sid = self.zone_set(zid)
        return {("moto-set", sid)} if sid else {("moto-zone", zid)}

    def zones_in_set(self, sid):
        return sum(1 for z in self.all_zones() if self.zone_set(bare(z.findtext(tag("Id")))) == sid)

    def upstream_sets(self):
        status, data, _ = self.upstream("GET", API + "/delegationset")
        if status != 200:
            raise RuntimeError("upstream ListReusableDelegationSets: %d %s" % (status, data[:200]))
        return [d for d in ET.fromstring(data).iter(tag("DelegationSet")) if d.findtext(tag("Id"))]

    def write_route53_apex(self, zid, created, own_servers):
        """Writes into the new zone the SOA Route 53 writes (moto's has hostmaster.example.com, wrapped) and, when the
        zone's name servers are not moto's, the apex NS record Route 53 writes with them."""
        name = created.findtext("%s/%s" % (tag("HostedZone"), tag("Name")))
        servers = [e.text for e in created.iter(tag("NameServer"))]
        if not name or not servers:
            return
        soa = "%s. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" % servers[0].rstrip(".")
        changes = [("UPSERT", record_set(name, "SOA", 900, [soa]))]
        if own_servers:
            changes.append(("UPSERT", record_set(name, "NS", 172800, [n.rstrip(".") + "." for n in servers])))
        self.upstream("POST", API + "/hostedzone/" + zid + "/rrset/", change_request(changes))

    def upstream_zone_refs(self):
        return {z.findtext(tag("CallerReference")) for z in self.all_zones()}

    def all_zones(self):
        zones, marker = [], None
        while True:
            path = API + "/hostedzone?maxitems=100" + ("&marker=" + urllib.parse.quote(marker) if marker else "")
            status, data, _ = self.upstream("GET", path)
            if status != 200:
                raise RuntimeError("upstream ListHostedZones: %d %s" % (status, data[:200]))
            doc = ET.fromstring(data)
            zones += doc.findall("%s/%s" % (tag("HostedZones"), tag("HostedZone")))
            if doc.findtext(tag("IsTruncated")) != "true":
                return zones
            marker = doc.findtext(tag("NextMarker"))

    def zone_set(self, zid):
        if zid not in state["zone_set"]:
            status, data, _ = self.upstream("GET", API + "/hostedzone/" + zid)
            ds = ET.fromstring(data).find(tag("DelegationSet")) if status == 200 else None
            state["zone_set"][zid] = bare(ds.findtext(tag("Id")) if ds is not None else "")
        return state["zone_set"][zid]

    # -- ListHostedZones as Route 53 serves it: the delegationsetid filter, pages by zone id
    def list_zones(self, query):
        want = bare(query.get("delegationsetid", [""])[0])
        maxitems = max(1, min(100, int(query.get("maxitems", ["100"])[0])))
        marker = query.get("marker", [None])[0]
        with lock:
            zones = self.all_zones()
            if want:
                zones = [z for z in zones if self.zone_set(bare(z.findtext(tag("Id")))) == want]
        ids = [bare(z.findtext(tag("Id"))) for z in zones]
        start = ids.index(bare(marker)) if marker and bare(marker) in ids else 0
        page, rest = zones[start:start + maxitems], zones[start + maxitems:]
        doc = ET.Element(tag("ListHostedZonesResponse"))
        hz = ET.SubElement(doc, tag("HostedZones"))
        hz.extend(page)
        if marker:
            ET.SubElement(doc, tag("Marker")).text = marker
        ET.SubElement(doc, tag("IsTruncated")).text = "true" if rest else "false"
        if rest:
            ET.SubElement(doc, tag("NextMarker")).text = bare(rest[0].findtext(tag("Id")))
        ET.SubElement(doc, tag("MaxItems")).text = str(maxitems)
        self.answer(200, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc))

    # -- record sets: the zone's whole listing from moto, paged and ordered here the way Route 53 does it
    def zone_records(self, zid):
        """(status, [ResourceRecordSet], error body): every record set of the zone in Route 53's order."""
        records, query = [], "maxitems=100000"
        while True:
            status, data, _ = self.upstream("GET", API + "/hostedzone/" + zid + "/rrset?" + query)
            if status != 200:
                return status, [], data
            doc = ET.fromstring(wrapped.sub(rb"\1", data))
            records += doc.findall("%s/%s" % (tag("ResourceRecordSets"), tag("ResourceRecordSet")))
            if doc.findtext(tag("IsTruncated")) != "true":
                break
            query = "maxitems=100000&" + urllib.parse.urlencode({"name": doc.findtext(tag("NextRecordName")),
                                                                 "type": doc.findtext(tag("NextRecordType"))})
        unique = {record_key(r): r for r in records}  # a page break inside one name and type repeats records
        return 200, [unique[k] for k in sorted(unique, key=sort_key)], b""

    def list_records(self, zid, query):
        name, rtype, ident = (query.get(k, [None])[0] for k in ("name", "type", "identifier"))
        if (rtype and not name) or (ident and not rtype):
            return self.answer(400, error_xml("InvalidInput", "Invalid request: %s requires %s" %
                                              (("type", "name") if rtype and not name else ("identifier", "type"))))
        status, records, error = self.zone_records(zid)
        if status != 200:
            return self.answer(status, error)
        with lock:
            page_size = state["page_size"]
        maxitems = max(1, min(300, page_size, int(query.get("maxitems", ["300"])[0])))
        if name:
            start = sort_key((record_name(name), (rtype or "").upper(), ident or ""))
            records = [r for r in records if sort_key(record_key(r)) >= start]
        page, rest = records[:maxitems], records[maxitems:]
        self.answer(200, xml_doc(self.records_page(zid, page, rest[0] if rest else None, maxitems)))

    def records_page(self, zid, page, following, maxitems):
        doc = ET.Element(tag("ListResourceRecordSetsResponse"))
        sets = ET.SubElement(doc, tag("ResourceRecordSets"))
        for rrs in page:
            sets.append(self.as_route53_lists(zid, rrs))
        leaf(doc, "IsTruncated", "true" if following is not None else "false")
        if following is not None:
            leaf(doc, "NextRecordName", following.findtext(tag("Name")))
            leaf(doc, "NextRecordType", following.findtext(tag("Type")))
            if following.findtext(tag("SetIdentifier")):
                leaf(doc, "NextRecordIdentifier", following.findtext(tag("SetIdentifier")))
        leaf(doc, "MaxItems", maxitems)
        return doc

    def as_route53_lists(self, zid, rrs):
        """An alias without moto's TTL 0; the TrafficPolicyInstanceId of an instance registered for its name and type."""
        if rrs.find(tag("AliasTarget")) is not None and rrs.find(tag("TTL")) is not None:
            rrs.remove(rrs.find(tag("TTL")))
        name, rtype, _ = record_key(rrs)
        with lock:
            owner = [i for i in state["traffic"].get(zid, []) if i["Name"] == name and i["TrafficPolicyType"] == rtype]
        if owner and rrs.find(tag("TrafficPolicyInstanceId")) is None:
            leaf(rrs, "TrafficPolicyInstanceId", owner[0]["Id"])
        return rrs

    # -- ChangeResourceRecordSets: checked whole first, as Route 53 does; then moto
    def change_records(self, zid, body):
        try:
            changes = list(ET.fromstring(body).iter(tag("Change")))
        except ET.ParseError:
            return self.upstream("POST", self.path, body)
        problems = batch_size_problems(changes)
        if problems:
            return 400, invalid_change_batch(problems), []
        with zone_writes:
            status, records, error = self.zone_records(zid)
            if status != 200:
                return self.upstream("POST", self.path, body)
            after = {record_key(r): r for r in records}
            problems = apply_changes(after, changes)
            if problems:
                return 400, invalid_change_batch(problems), []
            status, data, hdrs = self.upstream("POST", self.path, body)
            if status == 200:
                self.restore_same_identifier(zid, changes, after)
        return status, data, hdrs

    def restore_same_identifier(self, zid, changes, after):
        """moto's DELETE of a set identifier deletes every record set with it: puts back those that should remain."""
        deleted = {record_key(ch.find(tag("ResourceRecordSet")))[2] for ch in changes
                   if ch.findtext(tag("Action")) == "DELETE" and ch.find(tag("ResourceRecordSet")) is not None}
        deleted.discard("")
        if not deleted:
            return
        _, now, _ = self.zone_records(zid)
        present = {record_key(r) for r in now}
        lost = [rrs for key, rrs in after.items() if key[2] in deleted and key not in present]
        for rrs in lost:
            if rrs.find(tag("AliasTarget")) is not None and rrs.find(tag("TTL")) is not None:
                rrs.remove(rrs.find(tag("TTL")))
        if lost:
            self.upstream("POST", API + "/hostedzone/" + zid + "/rrset/", change_request([("UPSERT", r) for r in lost]))

    # -- limits, DNSSEC and traffic policy instances, answered here (moto has no limits and no instances)
    def set_limit(self, path, _):
        limit = state["limits"].get("zones-per-set")
        if limit is None:
            return False
        sid = bare(path.rstrip("/").split("/")[-2])
        status, data, hdrs = self.upstream("GET", API + "/delegationset/" + sid)
        if status != 200:
            self.answer(status, data, hdrs)
            return True
        with lock:
            count = self.zones_in_set(sid)
        self.answer_limit("GetReusableDelegationSetLimitResponse", "MAX_ZONES_BY_REUSABLE_DELEGATION_SET", limit, count)
        return True

    def account_limit(self, path, _):
        kind = path.rstrip("/").split("/")[-1]
        key = {"MAX_HOSTED_ZONES_BY_OWNER": "hosted-zones", "MAX_REUSABLE_DELEGATION_SETS_BY_OWNER": "sets"}.get(kind)
        limit = state["limits"].get(key)
        if limit is None:
            return False
        count = len(self.all_zones()) if key == "hosted-zones" else len(self.upstream_sets())
        self.answer_limit("GetAccountLimitResponse", kind, limit, count)
        return True

    def answer_limit(self, root, kind, limit, count):
        doc = ET.Element(tag(root))
        lim = ET.SubElement(doc, tag("Limit"))
        leaf(lim, "Type", kind)
        leaf(lim, "Value", limit)
        leaf(doc, "Count", count)
        self.answer(200, xml_doc(doc))

    def dnssec(self, path, _):
        with lock:
            status = state["dnssec"].get(path.split("/")[3])
        if status is None:
            return False
        doc = ET.Element(tag("GetDNSSECResponse"))
        st = ET.SubElement(doc, tag("Status"))
        leaf(st, "ServeSignature", status["status"])
        if status["message"]:
            leaf(st, "StatusMessage", status["message"])
        keys = ET.SubElement(doc, tag("KeySigningKeys"))
        if status["status"] == "SIGNING":
            ksk = ET.SubElement(keys, tag("KeySigningKey"))
            leaf(ksk, "Name", "vanityns-test-ksk")
            leaf(ksk, "Status", "ACTIVE")
        self.answer(200, xml_doc(doc))
        return True

    def traffic_policy_instances(self, _, query):
        zid = bare(query.get("id", [""])[0])
        status, data, hdrs = self.upstream("GET", API + "/hostedzone/" + zid)
        if status != 200:
            self.answer(status, data, hdrs)
            return True
        maxitems = query.get("maxitems", ["100"])[0]
        doc = ET.Element(tag("ListTrafficPolicyInstancesByHostedZoneResponse"))
        listed = ET.SubElement(doc, tag("TrafficPolicyInstances"))
        with lock:
            instances = list(state["traffic"].get(zid, []))
        for instance in instances:
            e = ET.SubElement(listed, tag("TrafficPolicyInstance"))
            for k in ("Id", "HostedZoneId", "Name", "TTL", "State", "Message", "TrafficPolicyId", "TrafficPolicyVersion",
                      "TrafficPolicyType"):
                leaf(e, k, instance[k])
        leaf(doc, "IsTruncated", "false")
        leaf(doc, "MaxItems", maxitems)
        self.answer(200, xml_doc(doc))
        return True

    # -- a set keeps the reference it was created with
    def set_references(self, data):
        doc = ET.fromstring(data)
        for sets in doc.iter(tag("DelegationSets")):  # moto also lists each zone's own set, without an Id
            for ds in [d for d in sets if not (d.findtext(tag("Id")) or "")]:
                sets.remove(ds)
        self.zone_delegation(doc)
        for ds in doc.iter(tag("DelegationSet")):
            sid = bare(ds.findtext(tag("Id")))
            ref = state["set_ref_of"].get(sid)
            el = ds.find(tag("CallerReference"))
            if ref is not None and el is not None:
                el.text = ref
            if sid in state["set_ns"]:
                set_name_servers(doc, ds, state["set_ns"][sid])
        return xml_doc(doc)

    def zone_delegation(self, doc):
        """GetHostedZone: the zone's own name servers, and the set it joined when a set was made from it."""
        zid = bare(doc.findtext("%s/%s" % (tag("HostedZone"), tag("Id"))))
        ds = doc.find(tag("DelegationSet"))
        if not zid or ds is None:
            return
        if zid in state["zone_ns"]:
            set_name_servers(doc, ds, state["zone_ns"][zid])
        sid = state["zone_set"].get(zid)
        if sid and not (ds.findtext(tag("Id")) or ""):
            el = ds.find(tag("Id"))
            if el is None:
                el = ET.Element(tag("Id"))
                ds.insert(0, el)
            el.text = sid

    # -- a change is PENDING for a while. moto reuses change ids, so each change gets an id of the proxy's own.
    def pending(self, data):
        if args.pending <= 0:
            return data
        doc = ET.fromstring(data)
        info = doc.find(tag("ChangeInfo"))
        if info is None:
            return data
        cid = "C" + uuid.uuid4().hex[:20].upper()
        with lock:
            state["changes"][cid] = time.monotonic()
        info.find(tag("Id")).text = "/change/" + cid
        info.find(tag("Status")).text = "PENDING"
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc)

    def get_change(self, cid):
        with lock:
            submitted = state["changes"].get(cid)
        if submitted is None:
            return False
        status = "PENDING" if time.monotonic() - submitted < args.pending else "INSYNC"
        doc = ET.Element(tag("GetChangeResponse"))
        info = ET.SubElement(doc, tag("ChangeInfo"))
        ET.SubElement(info, tag("Id")).text = "/change/" + cid
        ET.SubElement(info, tag("Status")).text = status
        ET.SubElement(info, tag("SubmittedAt")).text = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.answer(200, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc))
        return True

    def log_message(self, *a):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", args.port), H).serve_forever()
