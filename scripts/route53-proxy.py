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
GET /__proxy/stats answers JSON counts: requests and Throttling answers per operation. STS calls (POST / with a form
body, which moto serves on the same port) and Route 53 Domains calls
(POST / with X-Amz-Target) are forwarded unchanged.

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY] [--pending S] [--buckets] [--change-bucket CAP/RATE]
"""
import argparse, http.client, http.server, json, re, threading, time, urllib.parse, uuid
import xml.etree.ElementTree as ET

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("upstream")
ap.add_argument("delay", type=float, nargs="?", default=0.0, help="seconds to hold ChangeResourceRecordSets answers")
ap.add_argument("--pending", type=float, default=0.0, help="seconds a change stays PENDING before INSYNC")
ap.add_argument("--buckets", action="store_true", help="enforce Route 53's published request and change buckets")
ap.add_argument("--change-bucket", default="1000/1000", help="change-throughput bucket CAPACITY/REFILL (changes, per s)")
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
    "stats": {"requests": 0, "throttled": 0, "by_operation": {}},
}
account = Bucket(*ACCOUNT_BUCKET)
operation_buckets = {}
cap, rate = args.change_bucket.split("/")
change_bucket = Bucket(float(cap), float(rate))


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
        return "Other"
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


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def upstream(self, method, path, body=None):
        c = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        c.request(method, path, body=body,
                  headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")})
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
        if path == "/__proxy/stats":
            with lock:
                return self.answer(200, json.dumps(state["stats"]).encode(), [("Content-Type", "application/json")])
        if path == "/__proxy/drop-creates":
            with lock:
                state["drop_creates"] = int(query.get("count", ["1"])[0])
            return self.answer(200, b"{}", [("Content-Type", "application/json")])
        self.answer(404, b"{}")

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
        if split.path.startswith("/__proxy/"):
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
        status, data, hdrs = self.upstream(self.command, self.path, body)
        if op in ("ListResourceRecordSets", "ChangeResourceRecordSets"):
            data = wrapped.sub(rb"\1", data)
        if op == "ChangeResourceRecordSets" and status == 200:
            data = self.pending(data)
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
            status, data, hdrs = self.upstream("POST", self.path, body)
            drop = state["drop_creates"] > 0 and status in (200, 201)
            if drop:
                state["drop_creates"] -= 1
            if status in (200, 201):
                doc = ET.fromstring(data)
                ds = doc.find(tag("DelegationSet"))
                if kind == "HostedZone":
                    zid = bare(doc.findtext("%s/%s" % (tag("HostedZone"), tag("Id"))))
                    refs[ref] = zid
                    self.write_route53_soa(zid, doc)
                    state["zone_set"][zid] = bare(root.findtext(tag("DelegationSetId")) or "")
                    data = self.pending(data)
                else:
                    sid = bare(ds.findtext(tag("Id")))
                    refs[ref] = sid
                    state["set_ref_of"][sid] = ref
        if drop:  # the service acted; the client never hears of it
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.answer(status, data, hdrs)

    def write_route53_soa(self, zid, created):
        """Writes into the new zone the SOA Route 53 writes (moto's has hostmaster.example.com, wrapped)."""
        name = created.findtext("%s/%s" % (tag("HostedZone"), tag("Name")))
        servers = [e.text for e in created.iter(tag("NameServer"))]
        if not name or not servers:
            return
        value = "%s. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" % servers[0].rstrip(".")
        body = ('<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="%s"><ChangeBatch><Changes><Change>'
                '<Action>UPSERT</Action><ResourceRecordSet><Name>%s</Name><Type>SOA</Type><TTL>900</TTL><ResourceRecords>'
                '<ResourceRecord><Value>%s</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes>'
                '</ChangeBatch></ChangeResourceRecordSetsRequest>' % (NS, name, value)).encode()
        self.upstream("POST", API + "/hostedzone/" + zid + "/rrset/", body)

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

    # -- a set keeps the reference it was created with
    def set_references(self, data):
        doc = ET.fromstring(data)
        for sets in doc.iter(tag("DelegationSets")):  # moto also lists each zone's own set, without an Id
            for ds in [d for d in sets if not (d.findtext(tag("Id")) or "")]:
                sets.remove(ds)
        for ds in doc.iter(tag("DelegationSet")):
            ref = state["set_ref_of"].get(bare(ds.findtext(tag("Id"))))
            el = ds.find(tag("CallerReference"))
            if ref is not None and el is not None:
                el.text = ref
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(doc)

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
