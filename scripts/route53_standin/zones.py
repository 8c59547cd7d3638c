"""Hosted zones and reusable delegation sets as Route 53 makes them: a CallerReference used once ever, each zone's
own four name servers, sets made from a zone, the SOA and apex NS Route 53 writes, ConflictingDomainExists, and
ListHostedZones filtered by set and paged by zone id.

Route 53 behaviour: CreateHostedZone and CreateReusableDelegationSet (Amazon Route 53 API Reference: 409
HostedZoneAlreadyExists / DelegationSetAlreadyCreated for a reused CallerReference, DelegationSetAlreadyReusable,
ConflictingDomainExists, TooManyHostedZones, LimitsExceeded), ListHostedZones (API Reference: delegationsetid, Marker /
NextMarker / MaxItems at most 100), GetHostedZone and GetReusableDelegationSet; the SOA and NS records Route 53 creates
for each hosted zone (Developer Guide, "NS and SOA records that Amazon Route 53 creates for a public hosted zone") and
its name server names (Developer Guide, "Configuring white-label name servers": ns-<k>.awsdns-<j>.com/.net/.org/.co.uk).
moto gives every zone and set the same four name servers and rewrites a set's CallerReference; here neither happens.
"""
import hashlib, urllib.parse
import xml.etree.ElementTree as ET

from .store import lock, state
from .wire import API, bare, error_xml, leaf, tag, xml_doc
from .records import change_request, record_set


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


class ZonesMixin:
    """The request handler's zone and set operations."""

    # -- creates: a reference is used once, ever
    def create(self, body, kind):
        root = ET.fromstring(body)
        ref = root.findtext(tag("CallerReference")) or ""
        with lock:  # one create at a time, so two racing creates with one reference cannot both pass
            self.zones_memo = []  # one listing of the zones serves every check of this create
            try:
                status, data, hdrs, drop = self.create_checked(root, ref, kind, body)
            finally:
                self.zones_memo = None
        if drop:  # the service acted; the client never hears of it
            return self.drop_connection()
        self.answer(status, data, hdrs)

    def create_checked(self, root, ref, kind, body):
        """The create's answer (status, body, headers, lose it?), with the lock held: refused, or made in moto."""
        refs = state["zone_refs"] if kind == "HostedZone" else state["set_refs"]
        known = ref in refs or (kind == "HostedZone" and ref in self.upstream_zone_refs())
        if known:
            code = "HostedZoneAlreadyExists" if kind == "HostedZone" else "DelegationSetAlreadyCreated"
            what = "hosted zone" if kind == "HostedZone" else "delegation set"
            return 409, error_xml(code, "A %s has already been created with the specified caller reference." % what), (), False
        refusal = self.zone_refusal(root) if kind == "HostedZone" else self.set_refusal(root)
        if refusal:
            return 400, error_xml(*refusal), (), False
        status, data, hdrs = self.upstream("POST", self.path, body)
        drop = state["drop_creates"] > 0 and status in (200, 201)
        if drop:
            state["drop_creates"] -= 1
        drop = drop or self.lose_after(self.fop, status)  # a random fault (faults.py) may lose it too
        if status in (200, 201):
            doc = ET.fromstring(data)
            if kind == "HostedZone":
                refs[ref] = self.created_zone(root, doc)
                data = self.pending(xml_doc(doc))
            else:
                refs[ref] = self.created_set(root, doc)
                data = xml_doc(doc)
        return status, data, hdrs, drop

    def created_zone(self, request, doc):
        """A new zone: its name servers (its own, or its set's), then Route 53's apex NS and SOA. Returns its id."""
        zid = bare(doc.findtext("%s/%s" % (tag("HostedZone"), tag("Id"))))
        self.created_zone_id = zid  # counted as a write to this zone: its SOA and NS are rewritten below
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
        names = state["zone_ns"].get(zid) if zid else self.plain_set_name_servers(sid)
        if zid:
            state["zone_set"][zid] = sid
        if names:
            state["set_ns"][sid] = names
            set_name_servers(doc, ds, names)
        return sid

    def plain_set_name_servers(self, sid):
        """A set made without a zone: the first keeps moto's four (the data plane serves those), every later one gets
        four of its own, derived from its id and shared with no other set or zone, as Route 53 gives each set its own
        (Developer Guide, "Configuring white-label name servers": one group of vanity hosts per set). None for the first."""
        if state.get("moto_set") in (None, sid):
            state["moto_set"] = sid
            return None
        taken = {n for names in list(state["zone_ns"].values()) + list(state["set_ns"].values()) for n in names}
        attempt = 0
        while taken & set(derived_name_servers("set/" + sid, attempt)):
            attempt += 1
        return derived_name_servers("set/" + sid, attempt)

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
        """Every hosted zone as moto lists it; during a create (zones_memo not None), listed once and reused."""
        memo = getattr(self, "zones_memo", None)
        if memo:
            return memo
        zones = self.list_upstream_zones()
        if memo is not None:
            self.zones_memo = zones
        return zones

    def list_upstream_zones(self):
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
