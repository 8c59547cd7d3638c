#!/usr/bin/env python3
"""Route 53's data plane, emulated on loopback for tests and the sandbox.

moto stands in for Route 53's API but answers no DNS. This script plays the AWS name servers: it runs nsd (a
real authoritative DNS server from Debian) on loopback, all on --port, and keeps it serving exactly what moto holds.

Where each hosted zone is served (with --route53, the proxy's URL): at the addresses of the name servers
route53-proxy.py gives the zone (GetHostedZone's, from its GET /__proxy/zone-name-servers): moto's four
(ns-2048.awsdns-64.com, ...) for a zone in one of moto's sets, else four of its own or its set's
(ns-<k>.awsdns-<j>.com ..., k < 2048). A host's addresses come from the addresses file (so a test can "move" an AWS
name server by rewriting it; default: moto's four on 127.0.0.2-5), a derived host's from k (127.1.<k / 250>.<k % 250
+ 1>). Each host's AAAA is the IPv4-mapped form of its A (::ffff:127.0.0.2): loopback has no IPv6 address but ::1,
and a question to ::ffff:127.0.0.2 over an IPv6 socket reaches the nsd on 127.0.0.2, so both families answer from the
host's own server (an addresses file may still give ::1, the main nsd). The name servers are grouped: a zone's hosts
go together, and groups sharing an address merge; each group is an nsd of its own on its hosts' IPv4 addresses,
serving its zones (one per name: the first) and nothing else, as an AWS name server does. So two zones of one name
(an old zone on its own servers, its copy in a set) each answer at their own servers, as in Route 53.
The main nsd, on 127.0.0.1 and ::1, serves the awsdns address zones (A/AAAA of every AWS host) and one zone per name:
the one the registry delegates to (a delegation host's address, AWS host or vanity glue, among the zone's serving
addresses), else the first. Without --route53 (fallback): the main nsd alone on 127.0.0.1, ::1 and every IPv4 address
of the addresses file and of the derived hosts named in apex NS records, serving the first zone of each name.

It also plays the registry: for each domain registered in moto's Route 53 Domains, and each domain of the registry
file (domains at other registrars), the parent zone (com. for example.com) with a delegation to the domain's name
servers and glue A/AAAA from their GlueIps (only for hosts inside the domain). Every parent zone is served by
--registry-servers servers (a.registry.test. on 127.0.0.100, b.registry.test. on 127.0.0.101, ...), each an nsd of
its own at the same port, so that one of them can serve stale glue: the registry file's "servers" section replaces a
domain's delegation on one server only. Its "silent" entries are listed as parent servers but nothing of this script
answers at their address (a benchmark puts a black hole there). A registry server must be separate from the others
because a server that holds both com. and example.com. answers for the child and never refers. The main nsd also
serves each parent zone (unless moto holds a hosted zone of that name, which wins) and registry.test., so a
resolver pointed at it finds the parent's servers; the children it holds still answer for themselves there.

The registry file (JSON, reread at every sync):
  {"domains": {"example.org.": [{"Name": "ns1.example.org", "GlueIps": ["192.0.2.1", "2001:db8::1"]}, ...]},
   "servers": {"b.registry.test.": {"example.com.": [...]}},
   "silent": [{"Name": "c.registry.test.", "Address": "127.0.0.102"}],
   "ds": {"example.org.": ["12345 13 2 ABCD..."]}, "ds_ttl": 3600, "ns_ttl": 172800}
"ds" holds the DS records of domains at other registrars (what a user enters there), served at "ds_ttl" seconds;
"ns_ttl" is the TTL of every delegation (NS and glue; default 172800 s, what .com gives), small in tests that wait
out an old delegation (`migrate --dnssec` publishes the copy's DS only after it).

DNSSEC (see Signer): a hosted zone whose signing the stand-in has enabled (EnableHostedZoneDNSSEC with an active
KSK) is served signed with ldns-signzone and the stand-in's key files; every parent zone the registry serves is
signed with the registry's own keys and carries the DS records of its domains, and STATE/trust-anchors.conf holds
the registry's KSK as the trust anchor of each parent zone for `delv -a STATE/trust-anchors.conf +root=com.`. At
its first reading the data plane tells the stand-in its port (POST /__proxy/dataplane), so the stand-in can ask the
registry for a zone's DS as Route 53 asks the parent.

No question goes unanswered while what is served changes: an nsd whose zones change is reloaded in place
(nsd-control reconfig and reload, its sockets open throughout, see NSD), a new group's nsd starts before one it
replaces stops (reuseport lets both hold an address for that moment), and a group that appears or goes away leaves
the others untouched.

After each sync that changed what is served it writes the generation number to STATE/generation; a caller that needs
what moto holds now to be served writes a nonce to STATE/sync-request and waits for STATE/sync-ack to hold it (written
once every nsd serves a fetch that began after the request; a request cuts the wait between syncs short).
--timing prints each sync's fetch and apply seconds to stderr. With --route53, moto is read again only when the proxy
counted a request that may have changed something (GET /__proxy/writes, which answers as soon as the count moves, so
a change is seen at once), on a sync request, or every --refetch seconds: between changes a sync reads nothing. A
reading after a write lists the zones and reads again the records of only the zones the proxy counted writes to
since their last reading (and new ones): with 250 zones a reading takes 0.1 s instead of 3 s. A sync request and
the --refetch reading read every zone (a write straight to moto names no zone). Once a reading is served it tells
the stand-in how many writes it serves (POST /__proxy/dataplane-served), and GetChange says INSYNC only for the
changes among them: a command that waits for INSYNC and then asks the name servers finds the change there, as on
Route 53.

Usage: dataplane.py --moto http://127.0.0.1:PORT [--route53 http://127.0.0.1:PROXYPORT] --port DNSPORT --state DIR
                    [--addresses FILE] [--interval S] [--refetch S] [--once] [--registry FILE] [--registry-servers N]
                    [--timing]
"""
import argparse, ctypes, hashlib, json, os, re, shutil, signal, subprocess, sys, tempfile, threading, time, uuid
import urllib.error, urllib.request

import boto3

import dnsprobe
from route53_standin.dnssec import Key


class Signer:
    """DNSSEC signing with ldns-signzone (ldnsutils): each hosted zone whose signing the stand-in has enabled, with
    the key files it names (GET /__proxy/dnssec-keys: the zone's active KSKs and its ZSK), and every parent zone the
    registry serves, with the registry's own KSK and ZSK (made once, kept in STATE/signing/registry-keys.json).
    Signatures run from an hour ago to four weeks ahead; a text signed once is reused while it and its keys stay the
    same, so a sync that changes nothing re-signs nothing. `write_anchors` writes STATE/trust-anchors.conf: the
    registry KSK as the trust anchor of every parent zone, in the form `delv -a` reads."""

    def __init__(self, state):
        self.dir = os.path.join(state, "signing")
        os.makedirs(self.dir, exist_ok=True)
        self.anchors_path, self.cache, self.parents = os.path.join(state, "trust-anchors.conf"), {}, set()
        path = os.path.join(self.dir, "registry-keys.json")
        if not os.path.exists(path):
            ksk, zsk = Key("registry.test.", 257), Key("registry.test.", 256)
            with open(path + ".tmp", "w") as f:
                json.dump({str(k.flags): k.private.private_numbers().private_value for k in (ksk, zsk)}, f)
            os.replace(path + ".tmp", path)
        with open(path) as f:
            self.registry_values = {int(k): v for k, v in json.load(f).items()}

    def sign(self, origin, text, keys):
        """`text` (the zone file of `origin`) signed with the key files `keys` (base names)."""
        cache_key = (origin, text, tuple(keys))
        if cache_key not in self.cache:
            name = hashlib.sha1(origin.encode()).hexdigest()[:16]
            unsigned, signed = os.path.join(self.dir, name + ".zone"), os.path.join(self.dir, name + ".signed")
            with open(unsigned, "w") as f:
                f.write(text)
            now = int(time.time())
            run = subprocess.run(["ldns-signzone", "-i", str(now - 3600), "-e", str(now + 28 * 86400), "-o", origin,
                                  "-f", signed, unsigned] + list(keys), capture_output=True, text=True)
            if run.returncode != 0:  # served unsigned: a validator then finds the zone bogus, as it would in Route 53
                sys.stderr.write(f"dataplane: ldns-signzone {origin}: {run.stderr.strip()}\n")
                return text
            with open(signed) as f:
                self.cache[cache_key] = f.read()
        return self.cache[cache_key]

    def hosted(self, zone, dnssec_keys):
        """A hosted zone's text ((id, name, records)), signed when the stand-in says it signs."""
        text = zone_text(zone[1], zone[2])
        keys = dnssec_keys.get(zone[0])
        if not keys or not keys.get("signing") or absolute(keys["zone"].lower()) != zone[1]:
            return text
        return self.sign(zone[1], text, keys["keys"])

    def registry_keys(self, origin):
        """The registry's KSK and ZSK as key files owned by `origin`."""
        files = []
        for flags in (257, 256):
            key = Key(origin, flags, self.registry_values[flags])
            files.append(key.write(self.dir))
        return files

    def registry(self, origin, text):
        self.parents.add(origin)
        return self.sign(origin, text, self.registry_keys(origin))

    def write_anchors(self):
        """STATE/trust-anchors.conf: `trust-anchors { "com." static-key 257 3 13 "..."; ... };` for delv -a."""
        lines = []
        for origin in sorted(self.parents):
            flags, protocol, algorithm, public = Key(origin, 257, self.registry_values[257]).dnskey().split()
            lines.append(f'  "{origin}" static-key {flags} {protocol} {algorithm} "{public}";')
        text = "trust-anchors {\n" + "\n".join(lines) + "\n};\n"
        if not os.path.exists(self.anchors_path) or open(self.anchors_path).read() != text:
            with open(self.anchors_path + ".tmp", "w") as f:
                f.write(text)
            os.replace(self.anchors_path + ".tmp", self.anchors_path)


def fetch_dnssec_keys(route53):
    """{zone id: {"zone", "signing", "keys"}} from the stand-in (GET /__proxy/dnssec-keys); {} from an older proxy."""
    try:
        with urllib.request.urlopen(route53.rstrip("/") + "/__proxy/dnssec-keys", timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError:
        return {}


def announce(route53, port):
    """Tells the stand-in where the registry servers answer (it asks them for a zone's DS, as Route 53 asks the
    parent before DisableHostedZoneDNSSEC and DeactivateKeySigningKey)."""
    request = urllib.request.Request(route53.rstrip("/") + f"/__proxy/dataplane?port={port}", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError:
        pass


def report_served(route53, writes):
    """Tells the stand-in that every nsd serves what its first `writes` writes did (POST /__proxy/dataplane-served):
    GetChange says INSYNC for those changes only, as Route 53 does once a change is on all its DNS servers. Returns
    `writes`, or None when the stand-in could not be told (it is told again after the next reading)."""
    request = urllib.request.Request(route53.rstrip("/") + f"/__proxy/dataplane-served?writes={writes}", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10).close()
        return writes
    except (urllib.error.URLError, OSError):
        return None


def host_addresses(ipv4):
    """{"A": [ipv4], "AAAA": [::ffff:ipv4]}: an AWS host's two addresses. The IPv6 one is the IPv4-mapped form of
    the IPv4 one, so a question over IPv6 reaches the same nsd as over IPv4 (loopback has no other IPv6 address than
    ::1, which is the main nsd's)."""
    return {"A": [ipv4], "AAAA": ["::ffff:" + ipv4]}


DEFAULT_ADDRESSES = {
    "ns-2048.awsdns-64.com": host_addresses("127.0.0.2"),
    "ns-2049.awsdns-65.net": host_addresses("127.0.0.3"),
    "ns-2050.awsdns-66.org": host_addresses("127.0.0.4"),
    "ns-2051.awsdns-67.co.uk": host_addresses("127.0.0.5"),
}


DERIVED_NAME_SERVER = re.compile(r"^ns-(\d{1,4})\.awsdns-\d\d\.(com|net|org|co\.uk)\.?$")


def derived_address(host):
    """host_addresses(127.1.<k / 250>.<k % 250 + 1>) for a name server the proxy derives (k < 2048), else None."""
    m = DERIVED_NAME_SERVER.match(host)
    if not m or int(m.group(1)) >= 2048:
        return None
    k = int(m.group(1))
    return host_addresses(f"127.1.{k // 250}.{k % 250 + 1}")


def derived_addresses(hosts, addresses):
    """{host: {"A": [...], "AAAA": [...]}} for the derived name servers among `hosts` the addresses map lacks."""
    found = {}
    for host in hosts:
        host = host.lower().rstrip(".")
        if host not in addresses and derived_address(host):
            found[host] = derived_address(host)
    return found


def apex_ns_hosts(hosted):
    """The hosts named in the zones' apex NS records."""
    return [rr["Value"] for _, origin, records in hosted for r in records
            if r["Type"] == "NS" and r["Name"].lower() == origin for rr in r.get("ResourceRecords", [])]


def parent_zone(host):
    """awsdns-64.com. for ns-2048.awsdns-64.com (co.uk keeps three labels)."""
    labels = host.rstrip(".").split(".")
    keep = 3 if labels[-2:] == ["co", "uk"] else 2
    return ".".join(labels[-keep:]) + "."


def fetch_zones(r53, known=None, writes=None, every=False):
    """[(zone id, name, records)] of every public hosted zone nsd can load, in moto's order; Route 53 allows two zones
    of one name (an old zone and its copy in a set, during a migration), so a name may come more than once.
    `known` ({zone id: (writes, records)}, updated here) keeps each zone's records with the proxy's count of writes to
    the zone when they were read; given `writes` ({zone id: n}, read before this listing), a zone whose count is the
    same keeps its records and the others are read again (a write still in flight moves the count after it acts, so
    at worst a zone is read once more than needed). Without `writes`, or with `every`, every zone is read."""
    zones, seen = [], set()
    for page in r53.get_paginator("list_hosted_zones").paginate():
        for z in page["HostedZones"]:
            name = absolute(z["Name"].lower())  # moto names a zone Route 53 Domains made without the final dot
            if z.get("Config", {}).get("PrivateZone") or "" in name.rstrip(".").split("."):
                continue  # private, or a name nsd cannot load
            zid = z["Id"].rsplit("/", 1)[-1]
            seen.add(zid)
            count = writes.get(zid, 0) if writes is not None else None
            if not every and known is not None and count is not None and zid in known and known[zid][0] == count:
                records = known[zid][1]
            else:
                records = []
                for rp in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=z["Id"]):
                    records += rp["ResourceRecordSets"]
                if known is not None:
                    known[zid] = (count, records)
            zones.append((zid, name, records))
    if known is not None:
        for zid in [z for z in known if z not in seen]:
            known.pop(zid)
    return zones


def fetch_zone_name_servers(route53):
    """{zone id: [host]}: the name servers the proxy gives each zone (GetHostedZone's), from its control endpoint."""
    with urllib.request.urlopen(route53.rstrip("/") + "/__proxy/zone-name-servers", timeout=30) as r:
        return {zid: [h.lower().rstrip(".") for h in hosts] for zid, hosts in json.load(r).items()}


def fetch_zone_writes(route53):
    """{zone id: n}: the proxy's count of writes that named each zone (GET /__proxy/writes), or None from an older
    proxy."""
    try:
        with urllib.request.urlopen(route53.rstrip("/") + "/__proxy/writes", timeout=30) as r:
            return json.load(r).get("zones")
    except urllib.error.HTTPError:
        return None


class WriteWatch:
    """The proxy's count of requests that may have changed something (GET /__proxy/writes), kept up to date by a
    thread that asks the proxy to answer as soon as the count moves; `moved` is set when it does."""

    def __init__(self, route53):
        self.url, self.count, self.moved = route53.rstrip("/") + "/__proxy/writes", None, threading.Event()
        threading.Thread(target=self.watch, daemon=True).start()

    def watch(self):
        while True:
            query = "" if self.count is None else f"?after={self.count}&wait=5"
            try:
                with urllib.request.urlopen(self.url + query, timeout=15) as r:
                    count = json.load(r)["writes"]
            except Exception:  # the proxy restarting, or not this proxy: None makes every sync read moto
                count = None
                time.sleep(0.5)
            if count != self.count:
                self.count = count
                self.moved.set()


def value_text(v):
    # moto's fresh SOA comes back wrapped as "{'Value': '...'}": unwrap it as Route 53 would serve it.
    if v.startswith("{'Value': '") and v.endswith("'}"):
        return v[len("{'Value': '"):-2]
    return v


def absolute(name):
    return name if name.endswith(".") else name + "."


def presentation(rtype, v):
    """Route 53 accepts domain names in values with or without the final dot; a zone file needs it."""
    f = v.split()
    if rtype in ("NS", "CNAME", "PTR", "DNAME") and f:
        return absolute(v)
    if rtype == "SOA" and len(f) == 7:
        return " ".join([absolute(f[0]), absolute(f[1])] + f[2:])
    if rtype == "MX" and len(f) == 2:
        return f"{f[0]} {absolute(f[1])}"
    if rtype == "SRV" and len(f) == 4:
        return " ".join(f[:3] + [absolute(f[3])])
    return v


def zone_file_name(name):
    """A Route 53 record name as a zone file owner: its octal escapes (\\052 for *, \\040 for a space) decoded, then
    every character a zone file treats specially written as a decimal escape (paren(1) -> paren\\0401\\041);
    a leading * label stays a wildcard."""
    raw = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), name)
    labels = raw.rstrip(".").split(".")
    out = []
    for i, label in enumerate(labels):
        if i == 0 and label == "*":
            out.append("*")
            continue
        out.append("".join(c if (c.isascii() and (c.isalnum() or c in "-_*+!#")) else "\\%03d" % ord(c) for c in label))
    return ".".join(out) + "."


def zone_text(origin, records):
    lines = [f"$ORIGIN {origin}"]
    soa = [r for r in records if r["Type"] == "SOA"]
    ordered = soa + [r for r in records if r["Type"] != "SOA"]
    for r in ordered:
        if "ResourceRecords" not in r:
            continue  # alias records: nothing to serve for the tests' purposes
        name = zone_file_name(r["Name"])
        for rr in r["ResourceRecords"]:
            v = value_text(rr["Value"])
            if r["Type"] == "SOA" and len(v.split()) != 7:
                continue
            lines.append(f"{name} {r.get('TTL', 300)} IN {r['Type']} {presentation(r['Type'], v)}")
    if not soa:
        lines.insert(1, f"{origin} 900 IN SOA ns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")
    return "\n".join(lines) + "\n"


def registry_servers(count):
    """[(host, address)] of the registry's own servers: a.registry.test. on 127.0.0.100, b.registry.test. on .101, ..."""
    return [(f"{chr(ord('a') + i)}.registry.test.", f"127.0.0.{100 + i}") for i in range(count)]


def fetch_registrations(domains):
    """({domain: [{"Name": host, "GlueIps": [...]}, ...]}, {domain: [DS rdata]}) for every domain Route 53 Domains
    holds (the proxy's view): the name servers and the DS records of its DnssecKeys."""
    names, marker = [], None
    while True:
        page = domains.list_domains(**({"Marker": marker} if marker else {}))
        names += [d["DomainName"] for d in page.get("Domains", [])]
        marker = page.get("NextPageMarker")
        if not marker:
            break
    details = {absolute(n.lower()): domains.get_domain_detail(DomainName=n) for n in names}
    return ({d: v.get("Nameservers", []) for d, v in details.items()},
            {d: ["%d %d %d %s" % (k["KeyTag"], k["Algorithm"], k["DigestType"], k["Digest"]) for k in v.get("DnssecKeys", [])]
             for d, v in details.items()})


def parent_of(domain):
    """com. for example.com. (one label up, as vanityns's verify asks)."""
    return domain.split(".", 1)[1] if domain.count(".") > 1 else None


def registry_zones(registrations, servers, ds=None, signer=None, ns_ttl=172800):
    """The parent zones with each registered domain's delegation, its DS records (`ds`: {domain: ([DS rdata], TTL)})
    and in-bailiwick glue, plus registry.test.; each signed with the registry's keys when `signer` is given.
    `servers`: [(host, address)] listed as every parent zone's NS."""
    zones, first, ds = {}, servers[0][0], ds or {}
    for domain, nameservers in sorted(registrations.items()):
        parent = parent_of(domain)
        if not parent:
            continue
        body = zones.setdefault(parent, [f"$ORIGIN {parent}", f"{parent} 3600 IN SOA {first} hostmaster.registry.test. 1 7200 900 1209600 60"]
                                + [f"{parent} 3600 IN NS {host}" for host, _ in servers])
        for ns in nameservers:
            host = absolute(ns["Name"].lower())
            body.append(f"{domain} {ns_ttl} IN NS {host}")
            if host.endswith("." + domain):  # glue only for hosts inside the delegated domain
                for ip in ns.get("GlueIps", []):
                    body.append(f"{host} {ns_ttl} IN {'AAAA' if ':' in ip else 'A'} {ip}")
        values, ttl = ds.get(domain, ([], 0))
        body += [f"{domain} {ttl} IN DS {v}" for v in values]
    texts = {z: "\n".join(b) + "\n" for z, b in zones.items()}
    if signer:
        texts = {z: signer.registry(z, t) for z, t in texts.items()}
    if texts:
        texts["registry.test."] = (f"$ORIGIN registry.test.\nregistry.test. 3600 IN SOA {first} hostmaster.registry.test. 1 7200 900 1209600 60\n"
                                   + "".join(f"registry.test. 3600 IN NS {h}\n" for h, _ in servers)
                                   + "".join(f"{h} 3600 IN A {addr}\n" for h, addr in servers))
    return texts


def registry_delegations(registrations, registry, host):
    """{domain: [name server]} as registry server `host` delegates: Route 53 Domains', the file's domains, its overrides."""
    mine = dict(registrations)
    mine.update({absolute(d.lower()): ns for d, ns in registry.get("domains", {}).items()})
    mine.update({absolute(d.lower()): ns for d, ns in registry.get("servers", {}).get(host, {}).items()})
    return mine


def registry_ds(registry, ds_records):
    """{domain: ([DS rdata], TTL)}: the DS records Route 53 Domains holds (`ds_records`, {domain: [rdata]}) and the
    registry file's "ds" map (domains at other registrars), at the file's "ds_ttl" (default 3600 s)."""
    ttl = int(registry.get("ds_ttl", 3600))
    found = {absolute(d.lower()): (list(v), ttl) for d, v in (ds_records or {}).items() if v}
    found.update({absolute(d.lower()): (list(v), ttl) for d, v in registry.get("ds", {}).items() if v})
    return found


def registry_views(registrations, registry, count, signer=None, ds_records=None):
    """{server host: (address, parent zone texts)}: what each registry server serves, the file's overrides applied,
    signed by `signer` when given."""
    own = registry_servers(count)
    listed = own + [(absolute(x["Name"].lower()), x["Address"]) for x in registry.get("silent", [])]
    ds = registry_ds(registry, ds_records)
    ns_ttl = int(registry.get("ns_ttl", 172800))
    return {host: (address, registry_zones(registry_delegations(registrations, registry, host), listed, ds, signer, ns_ttl))
            for host, address in own}


def v4(values):
    return [v for v in values if ":" not in v]


def serving_groups(hosted, zone_hosts, addresses, reserved):
    """[(listen addresses, [zone])]: the name servers grouped by what they serve. A zone's hosts are served together
    and hosts that share an address are merged; every host of `addresses` is in a group (maybe with no zone), so each
    of its IPv4 addresses answers. `reserved` addresses (the main and registry servers') are left out."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x, y):
        parent[find(x)] = find(y)

    def hosts(zone):
        return [h for h in zone_hosts.get(zone[0], []) if h in addresses]
    for host in addresses:
        find(host)
    for zone in hosted:
        for h in hosts(zone)[1:]:
            union(h, hosts(zone)[0])
    owner = {}
    for host, fams in addresses.items():
        for ip in v4(fams.get("A", [])):
            if ip not in reserved:
                union(host, owner.setdefault(ip, host))
    groups = {}
    for host, fams in addresses.items():
        listen, _ = groups.setdefault(find(host), (set(), []))
        listen.update(ip for ip in v4(fams.get("A", [])) if ip not in reserved)
    for zone in hosted:
        if hosts(zone):
            groups[find(hosts(zone)[0])][1].append(zone)
    return [(tuple(sorted(listen)), zones) for listen, zones in groups.values() if listen]


def one_per_name(zones, prefer=lambda zone: False, render=lambda zone: zone_text(zone[1], zone[2])):
    """{name: zone text}: one zone of each name, the first `prefer` accepts, else the first; `render` writes a
    zone's text (signed, for a zone that signs)."""
    chosen = {}
    for zone in zones:
        if zone[1] not in chosen or (prefer(zone) and not prefer(chosen[zone[1]])):
            chosen[zone[1]] = zone
    return {name: render(zone) for name, zone in chosen.items()}


def delegated_to(hosted, zone_hosts, addresses, delegations):
    """prefer(zone) for the main server: True when the registry delegates the zone's name to one of the zone's name
    server addresses (AWS hosts through `addresses`, vanity hosts through their glue, else their A records here)."""
    in_zones = {}
    for _, _, records in hosted:
        for r in records:
            if r["Type"] == "A":
                in_zones.setdefault(absolute(r["Name"].lower()), set()).update(rr["Value"] for rr in r.get("ResourceRecords", []))

    def addresses_of(ns):
        host = ns["Name"].lower().rstrip(".")
        if host in addresses:
            return set(v4(addresses[host].get("A", [])))
        return set(v4(ns.get("GlueIps") or [])) or in_zones.get(absolute(host), set())

    def prefer(zone):
        serving = {ip for h in zone_hosts.get(zone[0], []) for ip in v4(addresses.get(h, {}).get("A", []))}
        return any(serving & addresses_of(ns) for ns in delegations.get(zone[1], []))
    return prefer


def address_zones(addresses):
    zones = {}
    for host, fams in addresses.items():
        z = parent_zone(host)
        body = zones.setdefault(z, [f"$ORIGIN {z}", f"{z} 3600 IN SOA ns.{z} hostmaster.{z} 1 7200 900 1209600 60",
                                    f"{z} 3600 IN NS {host}."])
        for fam in ("A", "AAAA"):
            for a in fams.get(fam, []):
                body.append(f"{host}. 60 IN {fam} {a}")
    return {z: "\n".join(b) + "\n" for z, b in zones.items()}


class NSD:
    """One nsd on `listen` (addresses) at `port`, its files in `state`. Zones change in place: `nsd-control reconfig`
    (zones added or removed) and `nsd-control reload` (changed zone files) over a unix socket in `sockets`, so its
    sockets never close and every question is answered, by the old zones until the new ones are loaded. Its own
    sentinel zone (<id>.dataplane.invalid.) holds a serial that counts its loads: `loaded()` is true once every address
    answers with the serial last written, that is once everything written so far is served. `reuseport` (which needs
    two server processes in nsd) lets a new nsd bind an address an old one still holds, so a group of name servers
    can take over an address before the old group stops."""

    def __init__(self, state, port, listen, sockets):
        os.makedirs(os.path.join(state, "zones"), exist_ok=True)
        self.state, self.port, self.listen, self.proc = state, port, tuple(listen), None
        self.id = uuid.uuid4().hex[:12]
        self.sentinel = f"n{self.id}.dataplane.invalid."
        self.control = os.path.join(sockets, self.id + ".ctl")
        self.serial, self.files, self.origins, self.texts = 0, {}, None, None
        self.commands, self.control_run, self.failed = [], None, False

    def conf_path(self):
        return os.path.join(self.state, "nsd.conf")

    def write(self, zones):
        """Writes the zone files that changed, the sentinel and nsd.conf; returns True when the set of zones changed."""
        self.texts = zones
        self.serial += 1
        zones = dict(zones)
        zones[self.sentinel] = (f"$ORIGIN {self.sentinel}\n{self.sentinel} 60 IN SOA ns.{self.sentinel} h.{self.sentinel} "
                                f"{self.serial} 7200 900 1209600 60\n{self.sentinel} 60 IN NS ns.{self.sentinel}\n")
        zdir = os.path.join(self.state, "zones")
        for origin, text in zones.items():
            if self.files.get(origin) == text:
                continue
            path = os.path.join(zdir, self.zone_file(origin))
            with open(path + ".tmp", "w") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
            self.files[origin] = text
        for origin in [o for o in self.files if o not in zones]:
            self.files.pop(origin)
            try:
                os.remove(os.path.join(zdir, self.zone_file(origin)))
            except FileNotFoundError:
                pass
        conf = ["server:", "  username: \"\"", "  chroot: \"\"", f"  zonesdir: \"{zdir}\"",
                f"  pidfile: \"{self.state}/nsd.pid\"", "  database: \"\"", f"  xfrdfile: \"{self.state}/xfrd.state\"",
                f"  zonelistfile: \"{self.state}/zone.list\"", "  verbosity: 0", "  hide-version: yes",
                "  reuseport: yes", "  server-count: 2", "  tcp-count: 20", "  round-robin: no",
                "  rrl-ratelimit: 0", "  rrl-whitelist-ratelimit: 0",
                f"  xfrdir: \"{self.state}\"", f"  logfile: \"{self.state}/nsd.log\""]
        for a in self.listen:
            conf.append(f"  ip-address: {a}@{self.port}")
        conf += ["remote-control:", "  control-enable: yes", f"  control-interface: {self.control}"]
        for origin in sorted(zones):
            conf += ["zone:", f"  name: \"{origin}\"", f"  zonefile: \"{self.zone_file(origin)}\""]
        with open(self.conf_path() + ".tmp", "w") as f:
            f.write("\n".join(conf) + "\n")
        os.replace(self.conf_path() + ".tmp", self.conf_path())
        added_or_removed = self.origins is not None and self.origins != set(zones)
        self.origins = set(zones)
        return added_or_removed

    @staticmethod
    def zone_file(origin):
        return "z-" + hashlib.sha1(origin.encode()).hexdigest()[:16] + ".zone"

    def start(self):
        """Starts nsd on what write() wrote; loaded() tells when it serves."""
        # nsd gets SIGTERM if this script dies, however it dies (PR_SET_PDEATHSIG), so no nsd outlives a test.
        self.proc = subprocess.Popen(["nsd", "-d", "-c", self.conf_path()],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.state, "nsd.stderr"), "a"),
                                     preexec_fn=lambda: ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM))

    def update(self, zones):
        """Starts serving `zones` instead of what it serves, without closing a socket; step() runs its nsd-control."""
        self.commands = (["reconfig"] if self.write(zones) else []) + ["reload"]
        self.control_run = self.next_command()

    def next_command(self):
        command = self.commands.pop(0)
        return command, subprocess.Popen(["nsd-control", "-c", self.conf_path(), command], stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)

    def step(self):
        """Waits for update()'s running nsd-control command and starts the next; False once none is left."""
        if not self.control_run:
            return False
        command, run = self.control_run
        out = run.communicate()[0]
        if run.returncode != 0:
            sys.stderr.write(f"dataplane: nsd-control {command} ({self.state}): {out}\n")
            self.failed = True
        self.control_run = self.next_command() if self.commands else None
        return True

    def loaded(self):
        """True once every listen address answers the sentinel with the last serial written."""
        if self.proc.poll() is not None:
            for name in ("nsd.stderr", "nsd.log"):
                if os.path.exists(os.path.join(self.state, name)):
                    sys.stderr.write(open(os.path.join(self.state, name)).read()[-2000:])
            raise SystemExit("nsd stopped; see " + self.state)
        for address in self.listen:
            r = dnsprobe.query(address, self.port, self.sentinel, "SOA", 0.2)
            if not (r and r[2] and r[2][0].split()[2] == str(self.serial)):
                return False
        return True

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


def wait_loaded(servers, timeout=30):
    """Waits until each of `servers` serves what was last written to it."""
    deadline = time.monotonic() + timeout
    pending = list(servers)
    while pending:
        pending = [s for s in pending if not s.loaded()]
        if pending and time.monotonic() > deadline:
            raise SystemExit("dataplane: nsd did not load its zones within %d s; see %s" % (timeout, pending[0].state))
        if pending:
            time.sleep(0.01)


def apply(servers, wanted, port, state, sockets):
    """Makes `servers` ({key: NSD}) serve `wanted` ({key: (listen, zone texts)}) without a gap: new nsds started and
    changed ones reloaded first, all waited until they serve, and only then the ones no longer wanted stopped (so an
    address moving from one group to another answers throughout). Returns how many were started, reloaded and
    stopped."""
    started, reloaded = [], []
    for key, (listen, texts) in wanted.items():
        if key not in servers:
            server = NSD(os.path.join(state, "servers", hashlib.sha1(repr(key).encode()).hexdigest()[:12]), port, listen, sockets)
            server.write(texts)
            server.start()
            servers[key] = server
            started.append(server)
        elif servers[key].texts != texts:
            servers[key].update(texts)
            reloaded.append(servers[key])
    while [server.step() for server in reloaded].count(True):
        pass  # each pass waits for one command of every server (they run side by side) and starts its next
    for server in [s for s in reloaded if s.failed]:  # nsd refused the change: a restart says why, or serves it
        server.failed = False
        server.stop()
        server.start()
    wait_loaded(started + reloaded)
    gone = [key for key in servers if key not in wanted]
    for key in gone:
        server = servers.pop(key)
        server.stop()
        shutil.rmtree(server.state, ignore_errors=True)
    return len(started), len(reloaded), len(gone)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moto", required=True)
    ap.add_argument("--route53", help="route53-proxy.py's URL: each zone served at the name servers it gives the zone")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--addresses")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between syncs")
    ap.add_argument("--refetch", type=float, default=15, help="seconds after which every zone's records are read again "
                    "even if the proxy saw no write to them (a write straight to moto; a sync request reads them at once)")
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--registry", help="registry file: domains at other registrars, per-server overrides, silent servers")
    ap.add_argument("--registry-servers", type=int, default=2, help="how many servers the registry has (127.0.0.100 up)")
    ap.add_argument("--timing", action="store_true", help="print each sync's fetch and apply seconds to stderr")
    a = ap.parse_args()
    os.makedirs(a.state, exist_ok=True)
    r53 = boto3.client("route53", endpoint_url=a.moto, region_name="us-east-1",
                       aws_access_key_id="AKIDDATAPLANE0001", aws_secret_access_key="dataplane")
    # Registrations through the proxy when there is one: it holds the name servers Route 53 Domains' operations set.
    domains = boto3.client("route53domains", endpoint_url=a.route53 or a.moto, region_name="us-east-1",
                           aws_access_key_id="AKIDDATAPLANE0001", aws_secret_access_key="dataplane")
    # nsd-control's unix sockets: a path has at most 107 bytes, so they live in a short folder of their own.
    sockets = tempfile.mkdtemp(prefix="dp-")
    servers, generation = {}, 0
    signer = Signer(a.state)

    def stop(*_):
        for server in servers.values():
            server.stop()
        shutil.rmtree(sockets, ignore_errors=True)
        raise SystemExit(0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    request_file, ack_file = os.path.join(a.state, "sync-request"), os.path.join(a.state, "sync-ack")
    acked, cache, writes_seen, fetched_at, records_read, served_reported = None, None, None, 0.0, {}, None
    watch = WriteWatch(a.route53) if a.route53 else None
    while True:
        # A caller that wants "served = moto now" writes a nonce; it is acknowledged after a fetch that began later.
        request = open(request_file).read() if os.path.exists(request_file) else None
        t_loop = time.monotonic()
        addresses = DEFAULT_ADDRESSES
        if a.addresses and os.path.exists(a.addresses):
            with open(a.addresses) as f:
                addresses = json.load(f)
        addresses = {h.lower().rstrip("."): fams for h, fams in addresses.items()}
        # moto is read again when the proxy answered a request that may have changed it, when a caller asks for a
        # sync (a test may write to moto past the proxy), and every --refetch seconds; else the last reading serves.
        if watch:
            watch.moved.clear()
        writes = watch.count if watch else None
        # Only the records of zones written through the proxy since they were read are read again, unless a caller
        # asked for a sync or --refetch seconds passed: then every zone's (a write past the proxy names no zone).
        full = cache is None or writes is None or (request is not None and request != acked) or time.monotonic() - fetched_at > a.refetch
        if full or writes != writes_seen:
            try:
                zone_writes = fetch_zone_writes(a.route53) if a.route53 else None
                hosted = fetch_zones(r53, records_read, zone_writes, every=full)
                zone_hosts = fetch_zone_name_servers(a.route53) if a.route53 else {}
                dnssec_keys = fetch_dnssec_keys(a.route53) if a.route53 else {}
                if a.route53 and cache is None:
                    announce(a.route53, a.port)
            except Exception as e:  # moto or the proxy restarting: keep serving what we have
                sys.stderr.write(f"dataplane: {e}\n")
                time.sleep(a.interval)
                continue
            try:
                registrations, ds_records = fetch_registrations(domains)
            except Exception as e:  # Route 53 Domains unavailable: the registry file alone
                sys.stderr.write(f"dataplane: route53domains: {e}\n")
                registrations, ds_records = {}, {}
            cache, writes_seen = (hosted, zone_hosts, registrations, dnssec_keys, ds_records), writes
            if full:
                fetched_at = time.monotonic()
        hosted, zone_hosts, registrations, dnssec_keys, ds_records = cache
        # The derived hosts to give addresses: with the proxy, those of the zones in moto's listing (a zone created or
        # deleted between the two readings would otherwise bring hosts without their zone: lone groups, started and
        # stopped again a moment later); without it, those named in apex NS records.
        named = [h for zid, _, _ in hosted for h in zone_hosts.get(zid, [])] if a.route53 else apex_ns_hosts(hosted)
        addresses = dict(addresses, **derived_addresses(named, addresses))
        registry = {}
        if a.registry and os.path.exists(a.registry):
            with open(a.registry) as f:
                registry = json.load(f)
        wanted = wanted_servers(a, hosted, zone_hosts, addresses, registry, registrations, signer, dnssec_keys, ds_records)
        signer.write_anchors()
        t_fetched = time.monotonic()
        did = apply(servers, wanted, a.port, a.state, sockets)
        if a.timing:
            sys.stderr.write(f"{time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d} fetch {t_fetched - t_loop:.3f} s, apply {time.monotonic() - t_fetched:.3f} s: "
                             f"{len(servers)} nsds, started/reloaded/stopped {did}\n")
        if any(did):
            generation += 1
            with open(os.path.join(a.state, "generation.tmp"), "w") as f:
                f.write(str(generation))
            os.replace(os.path.join(a.state, "generation.tmp"), os.path.join(a.state, "generation"))
        if a.route53 and writes_seen is not None and writes_seen != served_reported:
            served_reported = report_served(a.route53, writes_seen)
        if request is not None and request != acked:
            with open(ack_file + ".tmp", "w") as f:
                f.write(request)
            os.replace(ack_file + ".tmp", ack_file)
            acked = request
        if a.once:
            return
        # Sleeps `interval`, or less when the proxy saw a write or a caller asks for a sync.
        deadline = time.monotonic() + a.interval
        while time.monotonic() < deadline:
            if (watch and watch.moved.is_set()) or (os.path.exists(request_file) and open(request_file).read() != acked):
                break
            time.sleep(0.02)


def wanted_servers(a, hosted, zone_hosts, addresses, registry, registrations, signer=None, dnssec_keys=None, ds_records=None):
    """{key: (listen addresses, {zone: text})}: every nsd that should run and what it should serve; zones that sign
    and the registry's parent zones signed by `signer`."""
    views = registry_views(registrations, registry, a.registry_servers, signer, ds_records)
    render = (lambda zone: signer.hosted(zone, dnssec_keys or {})) if signer else (lambda zone: zone_text(zone[1], zone[2]))
    parents = next(iter(views.values()))[1] if views else {}
    first_registry = registry_servers(a.registry_servers)[0][0] if a.registry_servers else None
    delegations = registry_delegations(registrations, registry, first_registry)
    awsdns = address_zones(addresses)
    # The main server: one zone per name (the one the registry delegates to, else the first), the address zones,
    # and the parent zones (for finding the registry), never over a hosted zone of that name.
    zones = dict(awsdns)
    prefer = delegated_to(hosted, zone_hosts, addresses, delegations)
    zones.update({o: t for o, t in one_per_name(hosted, prefer, render).items() if o not in zones})
    zones.update({o: t for o, t in parents.items() if o not in zones})
    wanted = {}
    for host, (address, texts) in views.items():
        only = {o: t for o, t in texts.items() if o != "registry.test."}
        if only:
            wanted[("registry", host, address)] = ((address,), only)
    main_listen = ("127.0.0.1", "::1")
    if a.route53:
        # Each group of name servers: its own nsd on their IPv4 addresses, serving its zones alone (as an AWS name
        # server does; the hosts' addresses are the main server's), so a new zone's hosts touch no other group.
        reserved = set(main_listen) | {address for address, _ in views.values()}
        for listen, members in serving_groups(hosted, zone_hosts, addresses, reserved):
            wanted[("group", listen)] = (listen, one_per_name(members, render=render))
    else:  # without the proxy, one nsd on every address, serving the first zone of each name
        main_listen = tuple(sorted({"127.0.0.1", "::1"} | {v for fams in addresses.values() for v in v4(fams.get("A", []))}))
    wanted[("main", main_listen)] = (main_listen, zones)
    return wanted


if __name__ == "__main__":
    main()
