"""Answers moto does not give: account and set limits (GetAccountLimit, GetReusableDelegationSetLimit, and the
counts creates are refused past) and ListTrafficPolicyInstancesByHostedZone (GetDNSSEC is dnssec.py's).

Route 53 behaviour: GetAccountLimit (MAX_HOSTED_ZONES_BY_OWNER, MAX_REUSABLE_DELEGATION_SETS_BY_OWNER),
GetReusableDelegationSetLimit (MAX_ZONES_BY_REUSABLE_DELEGATION_SET) and
ListTrafficPolicyInstancesByHostedZone (Amazon Route 53 API Reference); the default quotas themselves (Developer Guide,
Quotas: 500 hosted zones, 100 reusable delegation sets, 100 zones per set) are opt-in with --limits. Unset, a limit
call reaches moto, which answers 404 (the product's fallback). moto has no traffic policy instances: tests register
them through control.py.
"""
import xml.etree.ElementTree as ET

from .store import lock, state
from .wire import API, bare, leaf, tag, xml_doc

LIMIT_KEYS = ("zones-per-set", "hosted-zones", "sets")


def parse_limits(text):
    """--limits zones-per-set=N,hosted-zones=N,sets=N as {key: N}; an unknown key stops the proxy with its name."""
    limits = {}
    for item in [x for x in text.split(",") if x.strip()]:
        key, _, value = item.partition("=")
        if key.strip() not in LIMIT_KEYS:
            raise SystemExit("--limits: unknown limit %r (known: %s)" % (key, ", ".join(LIMIT_KEYS)))
        limits[key.strip()] = int(value)
    return limits


class AnswersMixin:
    """The request handler's limit and traffic policy answers."""

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
