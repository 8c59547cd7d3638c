"""What the stand-in remembers between requests, and its settings: one lock around the state Route 53 keeps and
moto does not (CallerReferences ever used, each zone's set and name servers, PENDING changes, registered DNSSEC and
traffic policy answers, limits, request counts).

Route 53 behaviour: none by itself; each entry names the module that emulates the behaviour it records.
"""
import threading, types

# Set from the command line by server.main(): seconds a change stays PENDING, seconds to hold a ChangeResourceRecordSets
# answer, and whether Route 53's request buckets are enforced.
settings = types.SimpleNamespace(pending=0.0, delay=0.0, buckets=False, domains_pending=0.0)

lock = threading.RLock()
writes_changed = threading.Condition(lock)  # notified when state["writes"] moves (GET /__proxy/writes?after=N waits)
state = {
    "zone_refs": {},      # CallerReference -> zone id, never forgotten (Route 53 refuses a reference reused after a delete)
    "set_refs": {},       # CallerReference -> set id
    "set_ref_of": {},     # set id -> the CallerReference it was created with
    "zone_set": {},       # zone id -> delegation set id ('' for a zone's own name servers)
    "changes": {},        # change id -> (time it was submitted, its place in the count of writes once counted)
    "drop_creates": 0,
    "zone_ns": {},        # zone id -> its four name servers, where they are not moto's (derived, or its set's)
    "set_ns": {},         # set id -> its four name servers, for a set made from a zone or any plain set but the first
    "moto_set": None,     # the first set made without a zone: it keeps moto's four name servers
    "dnssec": {},         # zone id -> ServeSignature set with POST /__proxy/dnssec (overrides dnssec_zones' status)
    "dnssec_zones": {},   # zone id -> {"signing", "ksks": {name: KSK}, "zsk", "name"}: dnssec.py's KSKs and signing
    "traffic": {},        # zone id -> [traffic policy instance], registered with POST /__proxy/traffic-policy-instance
    "domain_ops": {},     # Route 53 Domains operation id -> UPDATE_NAMESERVER operation (domains.py)
    "limits": {},         # "zones-per-set" / "hosted-zones" / "sets" -> limit, from --limits and POST /__proxy/limits
    "page_size": 300,
    "stats": {"requests": 0, "throttled": 0, "by_operation": {}},
    "writes": 0,          # requests answered that may have changed something (all but GETs), for GET /__proxy/writes
    "served_writes": None,  # the count of writes the data plane serves all of (POST /__proxy/dataplane-served), None without one
    "zone_writes": {},    # zone id -> those of the writes that named the zone (its path, or the zone a create made)
}
zone_writes = threading.Lock()  # one ChangeResourceRecordSets at a time: each batch is checked against the zone it changes
