#!/usr/bin/env python3
"""Seeds public hosted zones to migrate into a reusable delegation set, through boto3 against --endpoint.

Each zone is created WITHOUT a delegation set (on its own name servers, as a user's existing zone is), first gets
the SOA Route 53 itself writes (seed.fix_soa: moto's is malformed), then its record sets, sent as CREATE in batches
within Route 53's limits (1,000 records / 32,000 value characters a request), alias targets before the aliases
that name them, each batch waited until INSYNC.

Profiles (per zone; --records N is the zone's record set count, apex NS and SOA not counted; the fixed features
below are always written, plain sets fill up to N):
- full (default, N=2000): every type moto keeps (A AAAA CNAME MX TXT SPF SRV NAPTR PTR CAA DS TLSA SSHFP SVCB
  HTTPS, NS sub-delegations with their DS); aliases inside the zone, chains (alias -> alias -> A) among them,
  weighted aliases and aliases to a weighted group; aliases to outside targets (ELB, CloudFront, S3 website,
  API Gateway, and from the second zone on, a record of the first zone); weighted (one group of 90 sets, so a
  ListResourceRecordSets page break falls inside a group), latency, failover (PRIMARY/SECONDARY, plain and
  alias), geolocation (continent, country, subdivision, default `*`) and multivalue sets with health checks
  (made with create_health_check), EvaluateTargetHealth on some aliases; TXT values longer than 255 characters
  (several quoted strings in one value, as Route 53 requires); an A record with 50 values; wildcard names;
  names that Route 53 returns escaped (`a*b`, `bang!`, a space as `\\040`, ...).
  Not seeded: CidrRoutingConfig and GeoProximityLocation (moto drops them without an error; Route 53 also needs
  a CIDR collection), and records of traffic policy instances.
- small (--small, N=500): plain record sets only (A, AAAA, CNAME, MX, TXT), for the benchmark.

A zone found by its CallerReference (`seed-migration-<name>-<seed>`) is reused and only its missing record sets
(by name, type and SetIdentifier) are written, so a rerun with the same options writes nothing.

Prints JSON: {"zones": {name: zone id}, "counts": {name: {type: record sets}}, "features": {name: {feature: record
sets}}, "health_checks": [ids]}.

Usage: seed-migration.py --endpoint URL [--zone NAME]... [--records N] [--small] [--seed S]
"""
import argparse, json, random, sys

from migration_common import alias_order, bare, client, dns_name, list_record_sets, write_changes
from seed import fix_soa

ELB = ("Z35SXDOTRQ7X7K", "dualstack.my-elb-123.us-east-1.elb.amazonaws.com.")
CLOUDFRONT = ("Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net.")
S3_WEBSITE = ("Z3AQBSTGFYJSTF", "s3-website-us-east-1.amazonaws.com.")
API_GATEWAY = ("Z1UJRXOUMOOFQ8", "d-abcdefghij.execute-api.us-east-1.amazonaws.com.")
PLAIN_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT")
FILLER_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT", "SPF", "SRV", "NAPTR", "PTR", "CAA", "TLSA", "SSHFP", "SVCB", "HTTPS")
TTLS = (60, 300, 900, 3600, 86400)


class Zone:
    """The record sets of one zone being generated, in write order."""

    def __init__(self, name, zone_id, rnd):
        self.name, self.id, self.rnd, self.sets = name.rstrip(".") + ".", zone_id, rnd, []

    def n(self, label):
        return f"{label}.{self.name}" if label else self.name

    def add(self, label, rtype, values, ttl=None, **extra):
        rs = {"Name": self.n(label), "Type": rtype, "TTL": ttl or self.rnd.choice(TTLS),
              "ResourceRecords": [{"Value": v} for v in values]}
        rs.update(extra)
        self.sets.append(rs)
        return rs

    def alias(self, label, rtype, target, evaluate=False, **extra):
        """An alias; TARGET is (hosted zone id, DNS name), or a label in this zone."""
        hz, dns = target if isinstance(target, tuple) else (self.id, self.n(target))
        rs = {"Name": self.n(label), "Type": rtype, "AliasTarget": {"HostedZoneId": hz, "DNSName": dns, "EvaluateTargetHealth": evaluate}}
        rs.update(extra)
        self.sets.append(rs)
        return rs

    # -- values
    def v4(self):
        return f"192.0.{self.rnd.randrange(2, 3)}.{self.rnd.randrange(1, 255)}" if self.rnd.random() < 0.5 else \
            f"198.51.100.{self.rnd.randrange(1, 255)}"

    def v6(self):
        return f"2001:db8:{self.rnd.randrange(0x10000):x}::{self.rnd.randrange(1, 0x10000):x}"

    def hexs(self, n):
        return "".join(self.rnd.choice("0123456789abcdef") for _ in range(n))

    def text(self, n):
        return "".join(self.rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(n))

    def value(self, rtype, i):
        r = self.rnd
        return {
            "A": lambda: self.v4(),
            "AAAA": lambda: self.v6(),
            "CNAME": lambda: f"target-{i}.elsewhere.example.",
            "MX": lambda: f"{r.choice((1, 5, 10, 20))} mx{i % 7}.mail.example.",
            "TXT": lambda: f'"token-{i}-{self.hexs(16)}"',
            "SPF": lambda: f'"v=spf1 ip4:{self.v4()} -all"',
            "SRV": lambda: f"{r.randrange(0, 20)} {r.randrange(0, 100)} {r.choice((443, 5060, 5269))} srv{i}.elsewhere.example.",
            "NAPTR": lambda: f'{r.randrange(10, 200)} 10 "U" "E2U+sip" "!^.*$!sip:user{i}@example.com!" .',
            "PTR": lambda: f"host-{i}.elsewhere.example.",
            "CAA": lambda: r.choice(('0 issue "amazon.com"', '0 issuewild ";"', f'0 iodef "mailto:sec{i}@example.com"')),
            "DS": lambda: f"{r.randrange(1, 65535)} 13 2 {self.hexs(64)}",
            "TLSA": lambda: f"3 1 1 {self.hexs(64)}",
            "SSHFP": lambda: f"{r.choice((1, 3, 4))} 2 {self.hexs(64)}",
            "SVCB": lambda: f'1 svc{i}.elsewhere.example. alpn="h2" port={r.choice((443, 8443))}',
            "HTTPS": lambda: f'1 . alpn="h2,h3" ipv4hint={self.v4()}',
        }[rtype]()

    def long_txt(self, length):
        """One TXT value of LENGTH characters as Route 53 takes it: quoted strings of at most 255 characters."""
        s = self.text(length)
        return " ".join(f'"{s[k:k + 255]}"' for k in range(0, len(s), 255))


def full_features(z, health_checks, first_zone):
    """Every fixed feature of the full profile (about 400 record sets)."""
    r, hc = z.rnd, health_checks
    # Apex: aliases to an ELB (A, AAAA), MX, TXT with a long value, CAA.
    z.alias("", "A", ELB, evaluate=True)
    z.alias("", "AAAA", ELB, evaluate=True)
    z.add("", "MX", ["10 mx1.mail.example.", "20 mx2.mail.example.", "30 mx3.mail.example."], 3600)
    z.add("", "TXT", ['"v=spf1 include:_spf.mail.example ~all"', f'"site-verification={z.hexs(40)}"', z.long_txt(600)], 300)
    z.add("", "CAA", ['0 issue "amazon.com"', '0 issuewild "amazontrust.com"', '0 iodef "mailto:security@example.com"'], 3600)
    # Long TXT values (DKIM keys and more): 300 to 3,000 characters, split at 255.
    for i, length in enumerate((300, 410, 800, 1500, 3000)):
        z.add(f"sel{i}._domainkey", "TXT", [z.long_txt(length)], 300)
    z.add("multi-long", "TXT", [z.long_txt(400), z.long_txt(700), '"short"'], 300)
    # A record with 50 values.
    z.add("fifty", "A", [f"203.0.113.{k}" for k in range(1, 51)], 60)
    # Sub-delegations with their DS.
    for i in range(10):
        z.add(f"child{i}", "NS", [f"ns-{i}{k}.child-dns.example." for k in range(4)], 172800)
        z.add(f"child{i}", "DS", [z.value("DS", i), z.value("DS", i + 100)], 3600)
    # A few of every type at names that look like their real use.
    for i in range(5):
        z.add(f"_sip._tcp.voice{i}", "SRV", [z.value("SRV", i), z.value("SRV", i + 50)], 300)
        z.add(f"_443._tcp.mail{i}", "TLSA", [z.value("TLSA", i)], 3600)
        z.add(f"ssh{i}", "SSHFP", [z.value("SSHFP", i), z.value("SSHFP", i + 9)], 3600)
        z.add(f"ssh{i}", "A", [z.v4()], 300)
        z.add(f"_dns.resolver{i}", "SVCB", [z.value("SVCB", i)], 300)
        z.add(f"svc{i}", "HTTPS", [z.value("HTTPS", i)], 300)
        z.add(f"svc{i}", "A", [z.v4()], 300)
        z.add(f"sip{i}", "NAPTR", [z.value("NAPTR", i), z.value("NAPTR", i + 1)], 300)
        z.add(f"{i}.2.0.192.in-addr", "PTR", [z.value("PTR", i)], 3600)
        z.add(f"legacy-spf{i}", "SPF", [z.value("SPF", i)], 300)
        z.add(f"ca{i}", "CAA", [z.value("CAA", i)], 3600)
    # Wildcards and names Route 53 returns with escapes.
    z.add("*.wild", "A", [z.v4(), z.v4()], 60)
    z.add("*.wild", "AAAA", [z.v6()], 60)
    z.add("*.cdn", "CNAME", ["cdn.elsewhere.example."], 300)
    z.add("*", "TXT", ['"wildcard at the apex level"'], 300)
    for label in ("a*b", "bang!", "at@sign", "hash#tag", "plus+minus", "sp\\040ace", "under_score", "paren(1)", "x--punycode"):
        z.add(label, "A", [z.v4()], 300)
    # Aliases inside the zone: plain targets, chains alias -> alias -> A (and AAAA), alias to a CNAME.
    for i in range(8):
        z.add(f"app{i}", "A", [z.v4(), z.v4()], 60)
        z.add(f"app{i}", "AAAA", [z.v6()], 60)
        z.alias(f"alias-app{i}", "A", f"app{i}", evaluate=i % 2 == 0)
        z.alias(f"alias-app{i}", "AAAA", f"app{i}")
    for i in range(5):
        z.add(f"chain-a{i}", "A", [z.v4()], 60)
        z.alias(f"chain-b{i}", "A", f"chain-a{i}")
        z.alias(f"chain-c{i}", "A", f"chain-b{i}", evaluate=True)
        z.alias(f"chain-d{i}", "A", f"chain-c{i}")
    z.add("www", "A", [z.v4(), z.v4()], 60)
    z.add("www", "AAAA", [z.v6()], 60)
    z.add("docs", "CNAME", ["docs.elsewhere.example."], 300)
    z.alias("help", "CNAME", "docs")
    z.add("mail-txt-target", "TXT", ['"shared text"'], 300)
    z.alias("mail-txt", "TXT", "mail-txt-target")
    # Aliases to outside targets.
    z.alias("lb", "A", ELB, evaluate=True)
    z.alias("lb", "AAAA", ELB, evaluate=False)
    z.alias("cdn", "A", CLOUDFRONT)
    z.alias("cdn", "AAAA", CLOUDFRONT)
    z.alias("assets", "A", S3_WEBSITE)
    z.alias("api", "A", API_GATEWAY, evaluate=True)
    if first_zone:
        z.alias("cross-zone", "A", (first_zone.id, first_zone.n("www")))
    # Weighted: small groups (some with health checks), one group of 90 sets, weighted aliases.
    for i in range(10):
        for k in range(r.choice((2, 3, 5))):
            extra = {"HealthCheckId": hc[k % len(hc)]} if i % 3 == 0 else {}
            z.add(f"weighted{i}", "A", [z.v4()], 60, SetIdentifier=f"w{i}-{k}", Weight=r.choice((0, 1, 10, 50, 255)), **extra)
    for k in range(90):
        z.add("big-weighted", "A", [z.v4()], 60, SetIdentifier=f"bw-{k:02d}", Weight=k % 7)
    for k in range(3):
        z.alias("weighted-alias", "A", f"app{k}", evaluate=True, SetIdentifier=f"wa-{k}", Weight=10 * (k + 1))
    z.alias("to-weighted", "A", "weighted1")
    # Latency.
    for i in range(6):
        for k, region in enumerate(("us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1")):
            extra = {"HealthCheckId": hc[k % len(hc)]} if i % 2 else {}
            z.add(f"latency{i}", "A", [z.v4()], 60, SetIdentifier=f"lat-{region}", Region=region, **extra)
    z.alias("latency-alias", "A", ELB, evaluate=True, SetIdentifier="lat-alias-use1", Region="us-east-1")
    z.alias("latency-alias", "A", CLOUDFRONT, SetIdentifier="lat-alias-euw1", Region="eu-west-1")
    # Failover: plain pairs (PRIMARY with a health check) and an alias pair.
    for i in range(6):
        z.add(f"failover{i}", "A", [z.v4()], 60, SetIdentifier=f"fo{i}-primary", Failover="PRIMARY", HealthCheckId=hc[i % len(hc)])
        z.add(f"failover{i}", "A", [z.v4()], 60, SetIdentifier=f"fo{i}-secondary", Failover="SECONDARY")
    z.alias("failover-alias", "A", ELB, evaluate=True, SetIdentifier="fa-primary", Failover="PRIMARY")
    z.alias("failover-alias", "A", S3_WEBSITE, SetIdentifier="fa-secondary", Failover="SECONDARY")
    # Geolocation: continent, country, US subdivisions, the default `*`.
    geos = [{"ContinentCode": "EU"}, {"ContinentCode": "AS"}, {"ContinentCode": "SA"}, {"CountryCode": "DE"},
            {"CountryCode": "JP"}, {"CountryCode": "US", "SubdivisionCode": "CA"}, {"CountryCode": "US", "SubdivisionCode": "NY"},
            {"CountryCode": "US"}, {"CountryCode": "*"}]
    for i in range(5):
        for k, geo in enumerate(geos):
            z.add(f"geo{i}", "A", [z.v4()], 60, SetIdentifier=f"geo{i}-{k}", GeoLocation=geo)
    z.alias("geo-alias", "A", f"app0", SetIdentifier="ga-eu", GeoLocation={"ContinentCode": "EU"})
    z.alias("geo-alias", "A", ELB, evaluate=True, SetIdentifier="ga-default", GeoLocation={"CountryCode": "*"})
    # Multivalue answers with health checks.
    for i in range(5):
        for k in range(8):
            z.add(f"multi{i}", "A", [z.v4()], 60, SetIdentifier=f"mv{i}-{k}", MultiValueAnswer=True, HealthCheckId=hc[k % len(hc)])
    for k in range(4):
        z.add("multi-v6", "AAAA", [z.v6()], 60, SetIdentifier=f"mv6-{k}", MultiValueAnswer=True, HealthCheckId=hc[k % len(hc)])


def fill(z, target, types):
    """Plain record sets, types in turn, until the zone holds TARGET record sets."""
    i = 0
    while len(z.sets) < target:
        rtype = types[i % len(types)]
        values = [z.value(rtype, i * 3 + k) for k in range(1 if rtype == "CNAME" else z.rnd.choice((1, 1, 2, 3)))]
        z.add(f"{rtype.lower()}-{i:05d}", rtype, values)
        i += 1


def health_checks(r53, seed):
    """Four health checks (HTTP, HTTPS by name, TCP, string match), found by CallerReference when a run made them
    already (moto makes a second one for a repeated reference; Route 53 answers with the first)."""
    configs = [{"Type": "HTTP", "IPAddress": "192.0.2.80", "Port": 80, "ResourcePath": "/health"},
               {"Type": "HTTPS", "FullyQualifiedDomainName": "app.elsewhere.example", "Port": 443, "ResourcePath": "/"},
               {"Type": "TCP", "IPAddress": "192.0.2.81", "Port": 5432},
               {"Type": "HTTP_STR_MATCH", "IPAddress": "192.0.2.82", "Port": 80, "ResourcePath": "/", "SearchString": "ok"}]
    known = {hc["CallerReference"]: hc["Id"] for page in r53.get_paginator("list_health_checks").paginate()
             for hc in page["HealthChecks"]}
    refs = [f"seed-migration-hc{k}-{seed}" for k in range(len(configs))]
    return [known.get(ref) or r53.create_health_check(CallerReference=ref, HealthCheckConfig=c)["HealthCheck"]["Id"]
            for ref, c in zip(refs, configs)]


def zone_for(r53, name, ref):
    """The zone with CallerReference REF, or a new one without a delegation set; (id, first name server)."""
    for page in r53.get_paginator("list_hosted_zones").paginate():
        for hz in page["HostedZones"]:
            if hz["CallerReference"] == ref and dns_name(hz["Name"]) == dns_name(name):
                return bare(hz["Id"]), r53.get_hosted_zone(Id=hz["Id"])["DelegationSet"]["NameServers"][0]
    made = r53.create_hosted_zone(Name=name, CallerReference=ref,
                                  HostedZoneConfig={"Comment": "seeded for migration tests", "PrivateZone": False})
    return bare(made["HostedZone"]["Id"]), made["DelegationSet"]["NameServers"][0]


def tally(rrsets, labels):
    counts = {}
    for rs in rrsets:
        for label in labels(rs):
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def features(zone_id):
    """The features of a record set, for the summary: alias kind, routing policy, health check, long TXT, many values."""
    def labels(rs):
        out = [label for k, label in (("Weight", "weighted"), ("Region", "latency"), ("Failover", "failover"),
                                      ("GeoLocation", "geolocation"), ("MultiValueAnswer", "multivalue")) if k in rs]
        if "AliasTarget" in rs:
            out.append("alias in zone" if rs["AliasTarget"]["HostedZoneId"] == zone_id else "alias outside")
            out += ["evaluate target health"] if rs["AliasTarget"]["EvaluateTargetHealth"] else []
        values = [r["Value"] for r in rs.get("ResourceRecords", [])]
        out += ["health check"] if "HealthCheckId" in rs else []
        out += ["value over 255 characters"] if any(len(v) > 255 for v in values) else []
        out += ["50 values or more"] if len(values) >= 50 else []
        out += ["wildcard"] if rs["Name"].startswith("*.") else []
        return out
    return labels


def key(rs):
    return dns_name(rs["Name"]), rs["Type"], rs.get("SetIdentifier", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="Route 53 endpoint URL (moto, or the proxy in front of it)")
    ap.add_argument("--zone", action="append", help="zone name to seed (repeatable); default migrate-a.example")
    ap.add_argument("--records", type=int, help="record sets per zone (default 2000, --small 500)")
    ap.add_argument("--small", action="store_true", help="plain record sets only (the benchmark's profile)")
    ap.add_argument("--seed", type=int, default=1, help="random seed for the values (default 1)")
    ap.add_argument("--poll", type=float, default=1.0, help="seconds between GetChange polls (default 1)")
    a = ap.parse_args()
    names = a.zone or ["migrate-a.example"]
    target = a.records if a.records is not None else (500 if a.small else 2000)
    r53 = client(a.endpoint)
    hcs = [] if a.small else health_checks(r53, a.seed)
    out = {"zones": {}, "counts": {}, "features": {}, "health_checks": hcs}
    first = None
    for index, name in enumerate(names):
        zid, first_ns = zone_for(r53, name, f"seed-migration-{name.rstrip('.')}-{a.seed}")
        fix_soa(r53, zid, name.rstrip(".") + ".", first_ns)
        z = Zone(name, zid, random.Random(f"{a.seed}/{index}"))
        if a.small:
            fill(z, target, PLAIN_TYPES)
        else:
            full_features(z, hcs, first)
            fill(z, target, FILLER_TYPES)
        first = first or z
        present = {key(rs) for rs in list_record_sets(r53, zid)}
        missing = [rs for rs in alias_order(z.sets, zid) if key(rs) not in present]
        write_changes(r53, zid, [{"Action": "CREATE", "ResourceRecordSet": rs} for rs in missing], a.poll)
        out["zones"][z.name] = zid
        out["counts"][z.name] = tally(z.sets, lambda rs: [rs["Type"]])
        out["features"][z.name] = tally(z.sets, features(zid))
        print(f"seed-migration: {z.name} {zid}: {len(z.sets)} record sets, {len(missing)} written", file=sys.stderr)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
