"""The proxy itself: the HTTP server in front of moto, which routes each Route 53 operation to the module that makes
it answer like Route 53 and forwards the rest (tags, STS calls, the Route 53 Domains calls domains.py does not hold) unchanged.

Route 53 behaviour: the operation names of the Route 53 API (Amazon Route 53 API Reference, "Actions"); see each
module for the behaviours. --delay holds the answer to ChangeResourceRecordSets while the change lands at once (for
crash tests).

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY] [--pending S] [--buckets] [--change-bucket CAP/RATE]
                        [--page-size N] [--limits zones-per-set=N,hosted-zones=N,sets=N] [--domains-pending S]
                        [--state-dir DIR]
"""
import argparse, http.client, http.server, re, time, urllib.parse

from . import pacing
from .store import lock, settings, state, writes_changed
from .wire import bare, error_xml, wrapped
from . import dnssec
from .answers import AnswersMixin, parse_limits
from .control import ControlMixin
from .dnssec import DNSSECMixin
from .domains import DomainsMixin
from .faults import FaultsMixin
from .pacing import PacingMixin, operation
from .records import RecordsMixin
from .zones import ZonesMixin

# A request path that names one hosted zone (its records, its DNSSEC, its deletion): /2013-04-01/hostedzone/ID...
ZONE_PATH = re.compile(r"/hostedzone/([A-Za-z0-9]+)")
# The JSON APIs' actions that only read (Route 53 Domains' GetDomainDetail, ListOperations; KMS's DescribeKey, ...).
READ_ACTIONS = ("Get", "List", "Describe", "Check", "View")

# moto's address (scheme, host, port), from the command line.
upstream_address = urllib.parse.urlsplit("http://127.0.0.1:5000")


class Handler(PacingMixin, RecordsMixin, ZonesMixin, AnswersMixin, DNSSECMixin, DomainsMixin, ControlMixin, FaultsMixin,
              http.server.BaseHTTPRequestHandler):
    """One request: a control endpoint, an operation answered or reshaped here, or moto's answer unchanged."""
    protocol_version = "HTTP/1.1"

    def upstream(self, method, path, body=None, target=None):
        """moto's answer to the request (or to another Route 53 Domains operation, `target`, with the same signature)."""
        c = http.client.HTTPConnection(upstream_address.hostname, upstream_address.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        if target:
            headers = {k: v for k, v in headers.items() if k.lower() != "x-amz-target"}
            headers["X-Amz-Target"] = target
        if self.control_call:  # unsigned: moto picks the service by the credential scope
            headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=AKIDPROXY0000000001/20130401/us-east-1/route53/"
                                        "aws4_request, SignedHeaders=host, Signature=0")
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data, r.getheaders()

    def upstream_url(self):
        """moto's URL, for the modules that call it with boto3 (dnssec.py's KMS look-ups)."""
        return "%s://%s:%d" % (upstream_address.scheme, upstream_address.hostname, upstream_address.port)

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
        self.fop = self.fault_operation(op)
        if self.fault_before(self.fop):
            return
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
        if op == "CreateKeySigningKey":
            return self.create_ksk(body)
        if op in ("ActivateKeySigningKey", "DeactivateKeySigningKey", "DeleteKeySigningKey"):
            return self.ksk_action(self.command, split.path)
        if op in ("EnableHostedZoneDNSSEC", "DisableHostedZoneDNSSEC"):
            return self.signing_action(split.path)
        own = {"GetReusableDelegationSetLimit": self.set_limit, "GetAccountLimit": self.account_limit,
               "GetDNSSEC": self.get_dnssec, "ListTrafficPolicyInstancesByHostedZone": self.traffic_policy_instances}
        if op in own and own[op](split.path, query):
            return
        held = self.domains_call(body) if op == "Domains" else None
        if op == "ChangeResourceRecordSets":
            status, data, hdrs = self.change_records(split.path.split("/")[3], body)
        elif held:
            status, data, hdrs = held
        else:
            status, data, hdrs = self.upstream(self.command, self.path, body)
        if op == "ChangeResourceRecordSets" and status == 200:
            data = self.pending(wrapped.sub(rb"\1", data))
            if settings.delay > 0:
                time.sleep(settings.delay)
        elif op in ("GetReusableDelegationSet", "ListReusableDelegationSets", "GetHostedZone") and status == 200:
            data = self.set_references(data)
        elif op == "DeleteHostedZone" and status == 200:
            data = self.pending(data)
        if self.lose_after(self.fop, status):  # the service acted; the client never hears of it
            return self.drop_connection()
        self.answer(status, data, hdrs)

    def handle_request(self):
        """Answers the request; then counts it as a possible write unless it was a read or a control call, and as a
        write to the zone its path names or the zone it created (so dataplane.py reads again only those records)."""
        self.created_zone_id, self.changes_answered = None, []  # one handler answers every request of a connection
        try:
            self._go()
        finally:
            if self.may_write():
                named = ZONE_PATH.search(self.path or "")
                zone = getattr(self, "created_zone_id", None) or (named.group(1) if named else None)
                with lock:
                    state["writes"] += 1
                    if zone:
                        state["zone_writes"][zone] = state["zone_writes"].get(zone, 0) + 1
                    for cid in self.changes_answered:
                        state["changes"][cid] = (state["changes"][cid][0], state["writes"])
                    writes_changed.notify_all()

    def may_write(self):
        """Whether the request may have changed something: not a GET or a control call, not a read sent as a POST
        (ListTagsForResources; the JSON APIs' Get*, List*, Describe* and Check* actions: Route 53 Domains, KMS,
        STS), so the data plane's own reads of registrations do not make it read everything again."""
        if self.command == "GET" or getattr(self, "control_call", True):
            return False
        op = operation(self.command, urllib.parse.urlsplit(self.path).path, {})
        if op == "ListTagsForResources":
            return False
        if op == "Domains":
            action = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
            return bool(action) and not action.startswith(READ_ACTIONS)
        return True

    do_GET = do_POST = do_DELETE = handle_request

    def log_message(self, *a):
        pass


def main(argv=None):
    """Parses the command line (see Usage above), sets the stand-in up and serves on 127.0.0.1:PORT until killed."""
    global upstream_address
    ap = argparse.ArgumentParser(prog="route53-proxy.py")
    ap.add_argument("port", type=int)
    ap.add_argument("upstream")
    ap.add_argument("delay", type=float, nargs="?", default=0.0, help="seconds to hold ChangeResourceRecordSets answers")
    ap.add_argument("--pending", type=float, default=0.0, help="seconds a change stays PENDING before INSYNC")
    ap.add_argument("--buckets", action="store_true", help="enforce Route 53's published request and change buckets")
    ap.add_argument("--change-bucket", default="1000/1000", help="change-throughput bucket CAPACITY/REFILL (changes, per s)")
    ap.add_argument("--page-size", type=int, default=300, help="cap on ListResourceRecordSets maxitems (Route 53: 300)")
    ap.add_argument("--domains-pending", type=float, default=0.0,
                    help="seconds a Route 53 Domains operation stays IN_PROGRESS before SUCCESSFUL")
    ap.add_argument("--limits", default="", help="zones-per-set=N,hosted-zones=N,sets=N: answer and enforce these limits")
    ap.add_argument("--state-dir", help="where the stand-in keeps its files (DNSSEC key files); default a new temporary folder")
    args = ap.parse_args(argv)
    upstream_address = urllib.parse.urlsplit(args.upstream)
    settings.pending, settings.delay, settings.buckets = args.pending, args.delay, args.buckets
    settings.domains_pending = args.domains_pending
    pacing.configure(args.change_bucket)
    state["page_size"] = args.page_size
    state["limits"] = parse_limits(args.limits)
    dnssec.configure(args.state_dir)
    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
