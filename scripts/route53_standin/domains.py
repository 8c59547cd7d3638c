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
"""
import json, time, uuid

from .store import lock, settings, state

TARGET = "Route53Domains_v20140515."
JSON_TYPE = "application/x-amz-json-1.1"


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
                   "GetOperationDetail": self.operation_detail, "ListOperations": self.list_operations}.get(op)
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
        return json_answer(200, {"OperationId": op["OperationId"]})

    def domain_detail(self, body, request):
        status, data, hdrs = self.upstream("POST", "/", body)
        if status != 200:
            return status, data, hdrs
        detail = json.loads(data)
        servers = name_servers_in_force((request.get("DomainName") or "").lower().rstrip("."))
        if servers is not None:
            detail["Nameservers"] = servers
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
