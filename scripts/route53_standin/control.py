"""The stand-in's own control endpoints under /__proxy/ (loopback tests only, neither counted nor paced): request
counts, lost create answers, page size, limits, DNSSEC status, traffic policy instances, and each zone's name servers
for dataplane.py.

Route 53 behaviour: none of its own; these set up the behaviours the other modules emulate, or report them.
GET /__proxy/stats answers JSON counts (requests and Throttling answers per operation; the proxy's own calls to moto
are not counted), POST /__proxy/stats/reset sets them to zero; POST /__proxy/drop-creates?count=N makes the next N
creates act but lose their answer (the connection closes); POST /__proxy/page-size?n=N caps ListResourceRecordSets
pages; POST /__proxy/limits?sets=5&... sets or (with "none") unsets a limit; POST /__proxy/dnssec?zone=ID&status=S sets
GetDNSSEC's answer; POST /__proxy/traffic-policy-instance?zone=ID&name=N&type=T[&policy=P&version=V&ttl=S&id=I]
registers an instance; GET /__proxy/zone-name-servers answers {zone id: [its four name servers]} ([] for a private one);
GET /__proxy/writes answers {"writes": N, "zones": {zone id: n}}, the requests answered so far that may have changed
something (every one but a GET), and of them those that named a zone (in their path, or the zone a create made), so
dataplane.py reads moto again only when N moved, and only the records of the zones whose n moved; with ?after=M&wait=S it answers once N is not M, or after
S seconds (at most 10): dataplane.py hears of a change at once instead of polling for it.
POST /__proxy/lose-answers, POST /__proxy/faults and GET /__proxy/lost are faults.py's (lost answers, random faults);
POST /__proxy/dataplane-served?writes=N: the data plane serves what the first N writes did (GetChange says INSYNC
only for those changes, as Route 53 says INSYNC once a change is on all its DNS servers).
GET /__proxy/dnssec-keys and POST /__proxy/dataplane?port=N are dnssec.py's (the key files the data plane signs with,
and where its registry servers answer).
"""
import json, uuid

from .store import lock, state, writes_changed
from .wire import bare, tag
from .answers import LIMIT_KEYS
from .dnssec import control_dataplane, control_dnssec_keys
from .records import record_name
from .zones import MOTO_NAME_SERVERS


class ControlMixin:
    """The request handler's /__proxy/ endpoints."""

    def control(self, path, query):
        one = {k: v[0] for k, v in query.items()}
        handlers = {"/__proxy/stats": self.control_stats, "/__proxy/stats/reset": self.control_stats_reset,
                    "/__proxy/drop-creates": self.control_drop_creates, "/__proxy/page-size": self.control_page_size,
                    "/__proxy/limits": self.control_limits, "/__proxy/dnssec": self.control_dnssec,
                    "/__proxy/traffic-policy-instance": self.control_traffic_policy_instance,
                    "/__proxy/zone-name-servers": self.control_zone_name_servers, "/__proxy/writes": self.control_writes,
                    "/__proxy/dataplane-served": self.control_dataplane_served,
                    "/__proxy/lose-answers": self.control_lose_answers, "/__proxy/faults": self.control_faults,
                    "/__proxy/lost": self.control_lost, "/__proxy/dnssec-keys": control_dnssec_keys,
                    "/__proxy/dataplane": control_dataplane}
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

    def control_writes(self, q):
        if "after" in q:  # the lock is held here; waiting on the condition releases it
            after = int(q["after"])
            writes_changed.wait_for(lambda: state["writes"] != after, timeout=min(10.0, float(q.get("wait", "5"))))
        return {"writes": state["writes"], "zones": dict(state["zone_writes"])}

    def control_dataplane_served(self, q):
        """POST /__proxy/dataplane-served?writes=N: the data plane serves everything the first N writes did, so a
        change among them is INSYNC (once --pending seconds passed too)."""
        state["served_writes"] = max(state["served_writes"] or 0, int(q["writes"]))
        return {"served_writes": state["served_writes"]}

    def control_zone_name_servers(self, _):
        """{zone id: [its four name servers]} as GetHostedZone answers them here ([] for a private zone)."""
        result = {}
        for z in self.all_zones():
            zid = bare(z.findtext(tag("Id")))
            private = (z.findtext("%s/%s" % (tag("Config"), tag("PrivateZone"))) or "false") == "true"
            result[zid] = [] if private else list(state["zone_ns"].get(zid) or MOTO_NAME_SERVERS)
        return result
