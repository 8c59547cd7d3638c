#!/usr/bin/env python3
"""Route 53's data plane, emulated on loopback for tests and the sandbox.

moto stands in for Route 53's API but answers no DNS. This script plays the AWS name servers: it runs nsd (a
real authoritative DNS server from Debian) on loopback and keeps it serving exactly what moto holds:
- the four name server host names of the delegation sets (ns-2048.awsdns-64.com, ...) with the addresses from
  an addresses file (so a test can "move" an AWS name server by rewriting that file);
- the name servers route53-proxy.py gives a zone of its own (ns-<k>.awsdns-<j>.com ..., k < 2048, found in the
  zones' apex NS records; a set made from such a zone has them too), each with a loopback address derived from k
  (127.1.<k / 250>.<k % 250 + 1>, AAAA ::1) that nsd also listens on;
- every public hosted zone in moto, with its records as Route 53 would serve them.
nsd listens on 127.0.0.1 and on each IPv4 address in the addresses file, plus ::1, all on --port.

It also plays the registry: for each domain registered in moto's Route 53 Domains, and each domain of the registry
file (domains at other registrars), the parent zone (com. for example.com) with a delegation to the domain's name
servers and glue A/AAAA from their GlueIps (only for hosts inside the domain). Every parent zone is served by
--registry-servers servers (a.registry.test. on 127.0.0.100, b.registry.test. on 127.0.0.101, ...), each an nsd of
its own at the same port, so that one of them can serve stale glue: the registry file's "servers" section replaces a
domain's delegation on one server only. Its "silent" entries are listed as parent servers but nothing of this script
answers at their address (a benchmark puts a black hole there). A registry server must be separate from the main nsd
because a server that holds both com. and example.com. answers for the child and never refers. The main nsd also
serves each parent zone (unless moto holds a hosted zone of that name, which wins) and registry.test., so a
resolver pointed at it finds the parent's servers; the children it holds still answer for themselves there.

The registry file (JSON, reread at every sync):
  {"domains": {"example.org.": [{"Name": "ns1.example.org", "GlueIps": ["192.0.2.1", "2001:db8::1"]}, ...]},
   "servers": {"b.registry.test.": {"example.com.": [...]}},
   "silent": [{"Name": "c.registry.test.", "Address": "127.0.0.102"}]}

After each sync it writes the generation number to STATE/generation; a caller that needs what moto holds now to be
served writes a nonce to STATE/sync-request and waits for STATE/sync-ack to hold it.

Usage: dataplane.py --moto http://127.0.0.1:PORT --port DNSPORT --state DIR [--addresses FILE] [--interval S] [--once]
                    [--registry FILE] [--registry-servers N]
"""
import argparse, ctypes, json, os, re, signal, subprocess, sys, time

import boto3

DEFAULT_ADDRESSES = {
    "ns-2048.awsdns-64.com": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
    "ns-2049.awsdns-65.net": {"A": ["127.0.0.3"], "AAAA": ["::1"]},
    "ns-2050.awsdns-66.org": {"A": ["127.0.0.4"], "AAAA": ["::1"]},
    "ns-2051.awsdns-67.co.uk": {"A": ["127.0.0.5"], "AAAA": ["::1"]},
}


DERIVED_NAME_SERVER = re.compile(r"^ns-(\d{1,4})\.awsdns-\d\d\.(com|net|org|co\.uk)\.?$")


def derived_addresses(zones, addresses):
    """{host: {"A": [...], "AAAA": ["::1"]}} for the proxy's derived name servers named in the zones' apex NS records."""
    found = {}
    for origin, records in zones.items():
        for r in records:
            if r["Type"] != "NS" or r["Name"].lower() != origin:
                continue
            for rr in r.get("ResourceRecords", []):
                host = rr["Value"].lower().rstrip(".")
                m = DERIVED_NAME_SERVER.match(host)
                if m and int(m.group(1)) < 2048 and host not in addresses:
                    k = int(m.group(1))
                    found[host] = {"A": [f"127.1.{k // 250}.{k % 250 + 1}"], "AAAA": ["::1"]}
    return found


def parent_zone(host):
    """awsdns-64.com. for ns-2048.awsdns-64.com (co.uk keeps three labels)."""
    labels = host.rstrip(".").split(".")
    keep = 3 if labels[-2:] == ["co", "uk"] else 2
    return ".".join(labels[-keep:]) + "."


def fetch_zones(r53):
    zones = {}
    for page in r53.get_paginator("list_hosted_zones").paginate():
        for z in page["HostedZones"]:
            if z.get("Config", {}).get("PrivateZone"):
                continue
            records = []
            for rp in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=z["Id"]):
                records += rp["ResourceRecordSets"]
            name = z["Name"].lower()
            if name in zones or "" in name.rstrip(".").split("."):
                continue  # a second zone of the same name (Route 53 allows it) or a name nsd cannot load
            zones[name] = records
    return zones


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
    """{domain: [{"Name": host, "GlueIps": [...]}, ...]} for every domain moto's Route 53 Domains holds."""
    names, marker = [], None
    while True:
        page = domains.list_domains(**({"Marker": marker} if marker else {}))
        names += [d["DomainName"] for d in page.get("Domains", [])]
        marker = page.get("NextPageMarker")
        if not marker:
            break
    return {absolute(n.lower()): domains.get_domain_detail(DomainName=n).get("Nameservers", []) for n in names}


def parent_of(domain):
    """com. for example.com. (one label up, as vanityns's verify asks)."""
    return domain.split(".", 1)[1] if domain.count(".") > 1 else None


def registry_zones(registrations, servers):
    """The parent zones with each registered domain's delegation and in-bailiwick glue, plus registry.test.
    `servers`: [(host, address)] listed as every parent zone's NS."""
    zones, first = {}, servers[0][0]
    for domain, nameservers in sorted(registrations.items()):
        parent = parent_of(domain)
        if not parent:
            continue
        body = zones.setdefault(parent, [f"$ORIGIN {parent}", f"{parent} 3600 IN SOA {first} hostmaster.registry.test. 1 7200 900 1209600 60"]
                                + [f"{parent} 3600 IN NS {host}" for host, _ in servers])
        for ns in nameservers:
            host = absolute(ns["Name"].lower())
            body.append(f"{domain} 172800 IN NS {host}")
            if host.endswith("." + domain):  # glue only for hosts inside the delegated domain
                for ip in ns.get("GlueIps", []):
                    body.append(f"{host} 172800 IN {'AAAA' if ':' in ip else 'A'} {ip}")
    texts = {z: "\n".join(b) + "\n" for z, b in zones.items()}
    if texts:
        texts["registry.test."] = (f"$ORIGIN registry.test.\nregistry.test. 3600 IN SOA {first} hostmaster.registry.test. 1 7200 900 1209600 60\n"
                                   + "".join(f"registry.test. 3600 IN NS {h}\n" for h, _ in servers)
                                   + "".join(f"{h} 3600 IN A {addr}\n" for h, addr in servers))
    return texts


def registry_views(registrations, registry, count):
    """{server host: (address, parent zone texts)}: what each registry server serves, the file's overrides applied."""
    own = registry_servers(count)
    listed = own + [(absolute(x["Name"].lower()), x["Address"]) for x in registry.get("silent", [])]
    merged = dict(registrations)
    merged.update({absolute(d.lower()): ns for d, ns in registry.get("domains", {}).items()})
    views = {}
    for host, address in own:
        mine = dict(merged)
        mine.update({absolute(d.lower()): ns for d, ns in registry.get("servers", {}).get(host, {}).items()})
        views[host] = (address, registry_zones(mine, listed))
    return views


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
    def __init__(self, state, port, listen):
        os.makedirs(state, exist_ok=True)
        self.state, self.port, self.listen, self.proc = state, port, listen, None

    def write(self, zones):
        zdir = os.path.join(self.state, "zones")
        os.makedirs(zdir, exist_ok=True)
        conf = ["server:", "  username: \"\"", "  chroot: \"\"", f"  zonesdir: \"{zdir}\"",
                f"  pidfile: \"{self.state}/nsd.pid\"", "  database: \"\"", f"  xfrdfile: \"{self.state}/xfrd.state\"",
                f"  zonelistfile: \"{self.state}/zone.list\"", "  verbosity: 0", "  hide-version: yes",
                "  reuseport: no", "  server-count: 1", "  tcp-count: 20", "  round-robin: no",
                f"  xfrdir: \"{self.state}\"", f"  logfile: \"{self.state}/nsd.log\""]
        for a in self.listen:
            conf.append(f"  ip-address: {a}@{self.port}")
        conf += ["remote-control:", "  control-enable: no"]
        for i, (origin, text) in enumerate(sorted(zones.items())):
            fname = f"z{i}.zone"
            with open(os.path.join(zdir, fname), "w") as f:
                f.write(text)
            conf += ["zone:", f"  name: \"{origin}\"", f"  zonefile: \"{fname}\""]
        with open(os.path.join(self.state, "nsd.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")

    def restart(self):
        self.stop()
        # nsd gets SIGTERM if this script dies, however it dies (PR_SET_PDEATHSIG), so no nsd outlives a test.
        self.proc = subprocess.Popen(["nsd", "-d", "-c", os.path.join(self.state, "nsd.conf")],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.state, "nsd.stderr"), "a"),
                                     preexec_fn=lambda: ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM))
        time.sleep(0.3)
        if self.proc.poll() is not None:
            sys.stderr.write(open(os.path.join(self.state, "nsd.stderr")).read()[-2000:])
            raise SystemExit("nsd did not start; see " + self.state)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moto", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--addresses")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--registry", help="registry file: domains at other registrars, per-server overrides, silent servers")
    ap.add_argument("--registry-servers", type=int, default=2, help="how many servers the registry has (127.0.0.100 up)")
    a = ap.parse_args()
    os.makedirs(a.state, exist_ok=True)
    r53 = boto3.client("route53", endpoint_url=a.moto, region_name="us-east-1",
                       aws_access_key_id="AKIDDATAPLANE0001", aws_secret_access_key="dataplane")
    domains = boto3.client("route53domains", endpoint_url=a.moto, region_name="us-east-1",
                           aws_access_key_id="AKIDDATAPLANE0001", aws_secret_access_key="dataplane")
    nsd, registries, last, last_registry, generation = None, {}, None, None, 0

    def stop(*_):
        for server in [nsd] + list(registries.values()):
            if server:
                server.stop()
        raise SystemExit(0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    request_file, ack_file = os.path.join(a.state, "sync-request"), os.path.join(a.state, "sync-ack")
    while True:
        # A caller that wants "served = moto now" writes a nonce; it is acknowledged after a fetch that began later.
        request = open(request_file).read() if os.path.exists(request_file) else None
        addresses = DEFAULT_ADDRESSES
        if a.addresses and os.path.exists(a.addresses):
            with open(a.addresses) as f:
                addresses = json.load(f)
        try:
            hosted = fetch_zones(r53)
            served = {o: zone_text(o, recs) for o, recs in hosted.items()}
            addresses = dict(addresses, **derived_addresses(hosted, addresses))
        except Exception as e:  # moto restarting: keep serving what we have
            sys.stderr.write(f"dataplane: {e}\n")
            time.sleep(a.interval)
            continue
        registry = {}
        if a.registry and os.path.exists(a.registry):
            with open(a.registry) as f:
                registry = json.load(f)
        try:
            registrations = fetch_registrations(domains)
        except Exception as e:  # Route 53 Domains unavailable: the registry file alone
            sys.stderr.write(f"dataplane: route53domains: {e}\n")
            registrations = {}
        views = registry_views(registrations, registry, a.registry_servers)
        parents = next(iter(views.values()))[1] if views else {}
        zones = address_zones(addresses)
        zones.update({o: t for o, t in served.items() if o not in zones})
        # The parent zones on the main server too (for finding the registry), never over a hosted zone of that name.
        zones.update({o: t for o, t in parents.items() if o not in zones})
        registry_snapshot = json.dumps(views, sort_keys=True)
        changed = registry_snapshot != last_registry
        if changed:
            for host, (address, texts) in views.items():
                only = {o: t for o, t in texts.items() if o != "registry.test."}
                if only:
                    if host not in registries:
                        registries[host] = NSD(os.path.join(a.state, "registry-" + host.split(".")[0]), a.port, [address])
                    registries[host].write(only)
                    registries[host].restart()
                elif host in registries:
                    registries.pop(host).stop()
            last_registry = registry_snapshot
        listen = sorted({"127.0.0.1", "::1"} | {v for fams in addresses.values() for v in fams.get("A", [])})
        snapshot = (json.dumps(zones, sort_keys=True), tuple(listen))
        if snapshot != last:
            if nsd is None:
                nsd = NSD(a.state, a.port, listen)
            nsd.listen = listen
            nsd.write(zones)
            nsd.restart()
            last = snapshot
            changed = True
        if changed:
            generation += 1
            with open(os.path.join(a.state, "generation.tmp"), "w") as f:
                f.write(str(generation))
            os.replace(os.path.join(a.state, "generation.tmp"), os.path.join(a.state, "generation"))
        if request is not None:
            with open(ack_file + ".tmp", "w") as f:
                f.write(request)
            os.replace(ack_file + ".tmp", ack_file)
        if a.once:
            return
        time.sleep(a.interval)


if __name__ == "__main__":
    main()
