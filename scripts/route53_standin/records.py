"""Record sets as Route 53 keeps them: identity (name, type, set identifier), listing order and paging
(ListResourceRecordSets), and ChangeResourceRecordSets checked whole before anything is written.

Route 53 behaviour: ListResourceRecordSets (Amazon Route 53 API Reference: order by name with labels reversed, then
type, then set identifier; maxitems default and cap 300; NextRecordName / NextRecordType / NextRecordIdentifier; "type
without name" is InvalidInput) and ChangeResourceRecordSets (API Reference: CREATE of an existing record set, DELETE of
a missing one or with other values refused with InvalidChangeBatch, the whole batch or nothing; Developer Guide, Quotas,
"Quotas on ChangeResourceRecordSets requests": 1,000 ResourceRecord elements, 32,000 value characters, UPSERT counted
twice). moto deletes every record set with a DELETE's set identifier, whatever its name: the others are put back.
Alias record sets are listed without moto's TTL 0.
"""
import urllib.parse
import xml.etree.ElementTree as ET

from .store import lock, state, zone_writes
from .wire import API, bare, error_xml, invalid_change_batch, leaf, tag, wrapped, xml_doc


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


class RecordsMixin:
    """The request handler's record-set operations."""

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
