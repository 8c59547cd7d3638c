"""Route 53 Domains held by the stand-in: a registration's name servers and the operations that change them.

Route 53 behaviour (Amazon Route 53 API Reference, "Actions, Amazon Route 53 Domains": UpdateDomainNameservers,
GetDomainDetail, GetOperationDetail, ListOperations; "Common errors" for the JSON error body): UpdateDomainNameservers
answers an OperationId at once and the registry is changed when that operation succeeds; GetDomainDetail lists the
name servers in force; a second update while one is still in progress is refused with DuplicateRequest; a name
server inside the domain needs its glue IPs (InvalidInput).

What moto 5.2.1 does differently: it refuses every UpdateDomainNameservers after the first for a domain, whatever the
first one's status (DuplicateRequest forever), so a registrar that is set, then repaired, then set back (watch's
repair, retire's first step) could never be tested. Here registrations stay in moto (RegisterDomain, ListDomains,
DeleteDomain, its RegisterDomain operations are forwarded) while their name servers and the UPDATE_NAMESERVER
operations are kept by the proxy: GetDomainDetail is moto's answer with the name servers the proxy holds.
With --domains-pending S an operation stays IN_PROGRESS for S seconds (0 by default: SUCCESSFUL at once), and
GetDomainDetail shows the old name servers until then. The data plane reads registrations through the proxy, so the
parent zones it serves follow the operations' outcome.

DS records (AssociateDelegationSignerToDomain, DisassociateDelegationSignerFromDomain, GetDomainDetail's DnsSec and
DnssecKeys; moto has neither operation): an association takes SigningAttributes {Algorithm, Flags 257 or 256,
PublicKey (base64)} and answers an ADD_DNSSEC OperationId; the registry serves the DS (digest type 2, SHA-256 of the
owner name and the DNSKEY) once that operation succeeds. Disassociating takes the key's Id (from DnssecKeys) and is a
REMOVE_DNSSEC operation. Refusals: InvalidInput for an algorithm Route 53 Domains does not take, flags other than
256/257, a public key that is not base64, a key the domain already has, or an Id it does not have; DnssecLimitExceeded
past 8 keys; DuplicateRequest while another DNSSEC operation on the domain is in progress. The data plane reads
DnssecKeys and serves their DS at the parent.
"""
import base64, hashlib, json, struct, threading, time, uuid

from .dnssec import key_tag, wire_name

from .store import lock, settings, state, writes_changed

TARGET = "Route53Domains_v20140515."
JSON_TYPE = "application/x-amz-json-1.1"


def count_when_done():
    """Counts a write when an operation submitted now succeeds (--domains-pending seconds later), so the data plane
    (which reads registrations again only after a write) serves its outcome then."""
    def bump():
        with lock:
            state["writes"] += 1
            writes_changed.notify_all()
    if settings.domains_pending > 0:
        timer = threading.Timer(settings.domains_pending + 0.01, bump)
        timer.daemon = True
        timer.start()


def json_answer(status, document):
    return status, json.dumps(document).encode(), [("Content-Type", JSON_TYPE)]


def json_error(code, message):
    return json_answer(400, {"__type": code, "message": message})


def operation_status(op, now=None):
    """IN_PROGRESS for --domains-pending seconds after it was submitted, then SUCCESSFUL."""
    return "IN_PROGRESS" if (now or time.time()) - op["SubmittedDate"] < settings.domains_pending else "SUCCESSFUL"


def operation_json(op):
    status = operation_status(op)
    return {"OperationId": op["OperationId"], "Status": status, "DomainName": op["DomainName"], "Type": op["Type"],
            "SubmittedDate": op["SubmittedDate"],
            "LastUpdatedDate": op["SubmittedDate"] + (settings.domains_pending if status == "SUCCESSFUL" else 0)}


# DNSSEC algorithms Route 53 Domains accepts in SigningAttributes (API reference, DnssecSigningAttributes).
DNSSEC_ALGORITHMS = (5, 7, 8, 10, 13, 14, 15, 16)
MAX_DNSSEC_KEYS = 8


def dnssec_keys_in_force(domain):
    """[DnssecKey] the registry holds for `domain`: the ADD_DNSSEC operations that succeeded, less the REMOVE_DNSSEC
    ones that did, in the order they were submitted."""
    with lock:
        ops = sorted((o for o in state["domain_ops"].values() if o["DomainName"] == domain
                      and o["Type"] in ("ADD_DNSSEC", "REMOVE_DNSSEC") and operation_status(o) == "SUCCESSFUL"),
                     key=lambda o: o["SubmittedDate"])
    keys = []
    for o in ops:
        if o["Type"] == "ADD_DNSSEC":
            keys.append(o["Key"])
        else:
            keys = [k for k in keys if k["Id"] != o["KeyId"]]
    return keys


def dnssec_key(domain, attributes):
    """The DnssecKey (with DigestType 2, Digest, KeyTag, Id) for SigningAttributes, or an error answer's text."""
    algorithm, flags, public = attributes.get("Algorithm"), attributes.get("Flags"), attributes.get("PublicKey") or ""
    if algorithm not in DNSSEC_ALGORITHMS:
        return None, "Algorithm %r is not supported (supported: %s)" % (algorithm, ", ".join(map(str, DNSSEC_ALGORITHMS)))
    if flags not in (256, 257):
        return None, "Flags must be 257 (KSK) or 256 (ZSK)"
    try:
        raw = base64.b64decode(public, validate=True)
    except ValueError:
        raw = b""
    if not raw:
        return None, "PublicKey must be the base64-encoded public key"
    rdata = struct.pack("!HBB", flags, 3, algorithm) + raw
    digest = hashlib.sha256(wire_name(domain) + rdata).hexdigest().upper()
    return {"Algorithm": algorithm, "Flags": flags, "PublicKey": public, "DigestType": 2, "Digest": digest,
            "KeyTag": key_tag(rdata), "Id": digest[:16]}, None


def name_servers_in_force(domain):
    """The name servers of the newest UPDATE_NAMESERVER operation that has succeeded, or None (moto's stand)."""
    with lock:
        ops = [o for o in state["domain_ops"].values() if o["DomainName"] == domain and o["Type"] == "UPDATE_NAMESERVER"]
    done = [o for o in ops if operation_status(o) == "SUCCESSFUL"]
    return max(done, key=lambda o: o["SubmittedDate"])["Nameservers"] if done else None


class DomainsMixin:
    """The request handler's Route 53 Domains operations: answered here, or None to forward the call to moto."""

    def domains_call(self, body):
        target = self.headers.get("X-Amz-Target") or ""
        if not target.startswith(TARGET):
            return None
        op = target[len(TARGET):]
        request = json.loads(body or b"{}")
        handler = {"UpdateDomainNameservers": self.update_name_servers, "GetDomainDetail": self.domain_detail,
                   "GetOperationDetail": self.operation_detail, "ListOperations": self.list_operations,
                   "AssociateDelegationSignerToDomain": self.associate_ds,
                   "DisassociateDelegationSignerFromDomain": self.disassociate_ds}.get(op)
        return handler(body, request) if handler else None

    def update_name_servers(self, body, request):
        domain = (request.get("DomainName") or "").lower().rstrip(".")
        servers = request.get("Nameservers") or []
        if not servers:
            return json_error("InvalidInput", "Must supply nameservers")
        for server in servers:
            name = (server.get("Name") or "").lower().rstrip(".")
            if (name == domain or name.endswith("." + domain)) and not server.get("GlueIps"):
                return json_error("InvalidInput", "Must supply glue IPs for name server %s because it is a subdomain "
                                  "of the domain" % name)
        status, data, hdrs = self.upstream("POST", "/", json.dumps({"DomainName": domain}).encode(),
                                           target=TARGET + "GetDomainDetail")
        if status != 200:
            return status, data, hdrs
        now = time.time()
        with lock:
            if any(o["DomainName"] == domain and o["Type"] == "UPDATE_NAMESERVER" and operation_status(o, now) == "IN_PROGRESS"
                   for o in state["domain_ops"].values()):
                return json_error("DuplicateRequest", "The request is already in progress for the domain.")
            op = {"OperationId": str(uuid.uuid4()), "DomainName": domain, "Type": "UPDATE_NAMESERVER",
                  "SubmittedDate": now, "Nameservers": [{k: v for k, v in s.items() if k in ("Name", "GlueIps")}
                                                         for s in servers]}
            state["domain_ops"][op["OperationId"]] = op
        count_when_done()
        return json_answer(200, {"OperationId": op["OperationId"]})

    def dnssec_operation(self, domain, kind, **fields):
        """Starts an ADD_DNSSEC / REMOVE_DNSSEC operation, or refuses while another DNSSEC one is in progress."""
        now = time.time()
        with lock:
            if any(o["DomainName"] == domain and o["Type"] in ("ADD_DNSSEC", "REMOVE_DNSSEC")
                   and operation_status(o, now) == "IN_PROGRESS" for o in state["domain_ops"].values()):
                return json_error("DuplicateRequest", "The request is already in progress for the domain.")
            op = dict({"OperationId": str(uuid.uuid4()), "DomainName": domain, "Type": kind, "SubmittedDate": now}, **fields)
            state["domain_ops"][op["OperationId"]] = op
        count_when_done()
        return json_answer(200, {"OperationId": op["OperationId"]})

    def registered(self, domain):
        """None when Route 53 Domains holds `domain`, else moto's error answer."""
        status, data, hdrs = self.upstream("POST", "/", json.dumps({"DomainName": domain}).encode(),
                                           target=TARGET + "GetDomainDetail")
        return None if status == 200 else (status, data, hdrs)

    def associate_ds(self, body, request):
        domain = (request.get("DomainName") or "").lower().rstrip(".")
        refused = self.registered(domain)
        if refused:
            return refused
        key, problem = dnssec_key(domain + ".", request.get("SigningAttributes") or {})
        if problem:
            return json_error("InvalidInput", problem)
        held = dnssec_keys_in_force(domain)
        if any(k["Id"] == key["Id"] for k in held):
            return json_error("InvalidInput", "The domain already has this DNSSEC key (key tag %d)." % key["KeyTag"])
        if len(held) >= MAX_DNSSEC_KEYS:
            return json_error("DnssecLimitExceeded", "The domain has reached the maximum number of DS records.")
        return self.dnssec_operation(domain, "ADD_DNSSEC", Key=key)

    def disassociate_ds(self, body, request):
        domain = (request.get("DomainName") or "").lower().rstrip(".")
        refused = self.registered(domain)
        if refused:
            return refused
        if not any(k["Id"] == request.get("Id") for k in dnssec_keys_in_force(domain)):
            return json_error("InvalidInput", "The domain has no DNSSEC key with Id %r." % request.get("Id"))
        return self.dnssec_operation(domain, "REMOVE_DNSSEC", KeyId=request.get("Id"))

    def domain_detail(self, body, request):
        status, data, hdrs = self.upstream("POST", "/", body)
        if status != 200:
            return status, data, hdrs
        detail = json.loads(data)
        domain = (request.get("DomainName") or "").lower().rstrip(".")
        servers = name_servers_in_force(domain)
        if servers is not None:
            detail["Nameservers"] = servers
        detail["DnssecKeys"] = dnssec_keys_in_force(domain)
        detail["DnsSec"] = "ENABLED" if detail["DnssecKeys"] else "DISABLED"
        return json_answer(200, detail)

    def operation_detail(self, body, request):
        with lock:
            op = state["domain_ops"].get(request.get("OperationId"))
        return json_answer(200, operation_json(op)) if op else None

    def list_operations(self, body, request):
        status, data, hdrs = self.upstream("POST", "/", body)
        if status != 200:
            return status, data, hdrs
        listed = json.loads(data)
        if not listed.get("NextPageMarker"):  # the proxy's operations come after moto's last page
            statuses, types = request.get("Status") or [], request.get("Type") or []
            since = request.get("SubmittedSince") or 0
            with lock:
                ops = [operation_json(o) for o in state["domain_ops"].values()]
            listed.setdefault("Operations", []).extend(
                o for o in ops if (not statuses or o["Status"] in statuses) and (not types or o["Type"] in types)
                and o["SubmittedDate"] >= since)
        return json_answer(200, listed)
