#!/usr/bin/env python3
"""Churns hosted zones through the Route 53 stand-in while asking the data plane (dataplane.py) questions, and
reports what went unanswered and how long each change took to be served.

For --seconds (20) it works through units of churn, one step at a time: a zone created with four name servers of its
own, a record in it changed, every second unit a reusable delegation set made from the zone and a second zone created
in that set, and, once more than --keep units are live, the oldest unit deleted (records, zones, set). After each step
it asks the zone's name servers, found as a user finds them (GetHostedZone's names, their A and AAAA from the AWS host
zones at the main server), until the change is served there, over IPv4 and IPv6, and times it from the API's answer.

Meanwhile another thread asks --rate (10) questions a second, each a single UDP try with a 1 s timeout: the A and AAAA
of an AWS host at the main server, the home zone's SOA at its name servers, and a live churned zone's SOA at one of its
name servers over IPv4 and over IPv6. An unanswered question is no answer within the second or "connection refused";
a wrong one is an answer without the data (any rcode but NOERROR, or not authoritative) for something that never
changes (the hosts' addresses, the home zone); a late one is such an answer from one of a churned zone's servers
after another of them served it (Route 53 too is only eventually consistent across its servers; counted, not a fault).

Prints JSON: questions, unanswered, wrong, late, changes, slowest_change_s (from a change's answer until it is served
at all of the zone's servers), and the first unanswered, wrong and late questions.
Usage: dataplane-churn.py --endpoint URL --dns-port PORT --home example.com [--seconds 20] [--rate 10] [--keep 3]
"""
import argparse, json, threading, time

import boto3

from dnsprobe import query


class Churn:
    def __init__(self, a):
        self.a = a
        self.r53 = boto3.client("route53", endpoint_url=a.endpoint, region_name="us-east-1")
        self.lock = threading.Lock()
        self.live = []          # zones confirmed served: (name, [v4 address], [v6 address])
        self.questions = self.changes = 0
        self.unanswered, self.wrong, self.late, self.latencies = [], [], [], []
        self.stop = threading.Event()

    # -- where a zone is served, found as a user finds it
    def host_addresses(self, host, rtype):
        r = query("127.0.0.1", self.a.dns_port, host, rtype)
        return r[2] if r and r[0] == 0 else []

    def served(self, name, v4, v6):
        for address in v4 + v6:
            r = query(address, self.a.dns_port, name, "SOA")
            if not (r and r[0] == 0 and r[1] and r[2]):
                return False
        return True

    def wait(self, what, check):
        """Polls `check` until it holds; records the seconds since the change's answer (fails after 10 s)."""
        start = time.monotonic()
        while not check():
            if time.monotonic() - start > 10:
                raise SystemExit(f"dataplane-churn: {what} not served within 10 s")
            time.sleep(0.05)
        took = time.monotonic() - start
        self.latencies.append((round(took, 3), what))
        self.changes += 1

    def servers_of(self, name, hosts):
        found = {}

        def resolve():
            for h in hosts:
                v4, v6 = self.host_addresses(h, "A"), self.host_addresses(h, "AAAA")
                if not v4 or not v6:
                    return False
                found[h] = (v4, v6)
            return self.served(name, [a for v4, _ in found.values() for a in v4], [a for _, v6 in found.values() for a in v6])
        return resolve, found

    def create_zone(self, name, set_id=None):
        extra = {"DelegationSetId": set_id} if set_id else {}
        z = self.r53.create_hosted_zone(Name=name, CallerReference=f"churn-{name}-{time.time()}", **extra)
        zid = z["HostedZone"]["Id"].split("/")[-1]
        check, found = self.servers_of(name, z["DelegationSet"]["NameServers"])
        self.wait(f"new zone {name}", check)
        v4 = sorted({a for v, _ in found.values() for a in v})
        v6 = sorted({a for _, v in found.values() for a in v})
        with self.lock:
            self.live.append((name, v4, v6))
        return zid, v4, v6

    def change_record(self, zid, name, v4, value):
        self.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "UPSERT",
            "ResourceRecordSet": {"Name": "www." + name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": value}]}}]})
        self.wait(f"www.{name} A {value}", lambda: all((r := query(a, self.a.dns_port, "www." + name, "A")) and r[2] == [value]
                                                     for a in v4))

    def delete_unit(self, unit):
        for zid, name, v4, v6 in unit["zones"]:
            with self.lock:
                self.live = [z for z in self.live if z[0] != name]
            for r in self.r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]:
                if r["Type"] not in ("NS", "SOA"):
                    self.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r}]})
            self.r53.delete_hosted_zone(Id=zid)
            self.wait(f"deleted zone {name}", lambda: not any((r := query(a, self.a.dns_port, name, "SOA", 0.3)) and r[0] == 0 and r[2]
                                                             for a in v4 + v6))
        if unit["set"]:
            self.r53.delete_reusable_delegation_set(Id=unit["set"])

    def churn(self):
        units, n, end = [], 0, time.monotonic() + self.a.seconds
        while time.monotonic() < end:
            name = f"c{n}.churn.example."
            zid, v4, v6 = self.create_zone(name)
            unit = {"zones": [(zid, name, v4, v6)], "set": None}
            units.append(unit)
            self.change_record(zid, name, v4, f"192.0.2.{n % 250 + 1}")
            if n % 2 == 1:
                sid = self.r53.create_reusable_delegation_set(CallerReference=f"churn-set-{n}-{time.time()}", HostedZoneId=zid)
                unit["set"] = sid["DelegationSet"]["Id"].split("/")[-1]
                other = f"s{n}.churn.example."
                oid, ov4, ov6 = self.create_zone(other, unit["set"])
                unit["zones"].append((oid, other, ov4, ov6))
            if len(units) > self.a.keep:
                self.delete_unit(units.pop(0))
            n += 1
        self.stop.set()

    # -- the questions: `rate` a second, one try each, 1 s timeout
    def ask(self):
        home_v4 = []
        period, k, t = 1.0 / self.a.rate, 0, time.monotonic()
        while not self.stop.is_set():
            with self.lock:
                live = list(self.live)
            kind = k % 5
            if kind == 0:
                q = ("127.0.0.1", "ns-2048.awsdns-64.com.", "A")
            elif kind == 1:
                q = ("127.0.0.1", "ns-2048.awsdns-64.com.", "AAAA")
            elif kind == 2:
                home_v4 = home_v4 or self.host_addresses("ns-2048.awsdns-64.com.", "A")
                q = (home_v4[0] if home_v4 else "127.0.0.2", self.a.home, "SOA")
            elif live:
                name, v4, v6 = live[k % len(live)]
                family = v4 if kind == 3 else v6
                q = (family[k % len(family)], name, "SOA")
            else:
                q = ("127.0.0.1", self.a.home, "SOA")
            k += 1
            threading.Thread(target=self.one, args=q, daemon=True).start()
            t += period
            time.sleep(max(0, t - time.monotonic()))
        time.sleep(1.2)  # the last questions' timeouts

    def one(self, address, name, rtype):
        r = query(address, self.a.dns_port, name, rtype)
        with self.lock:
            self.questions += 1
            if r is None:
                self.unanswered.append(f"{rtype} {name} @{address} at {time.strftime('%H:%M:%S')}")
            elif r[0] != 0 or not r[1] or not r[2]:
                what = f"{rtype} {name} @{address}: rcode {r[0]}, aa {r[1]}, {r[2]}"
                if name == self.a.home or rtype != "SOA":
                    self.wrong.append(what)
                elif any(z[0] == name for z in self.live):
                    self.late.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True, help="the Route 53 stand-in (route53-proxy.py)")
    ap.add_argument("--dns-port", type=int, required=True)
    ap.add_argument("--home", default="example.com.", help="a zone in one of moto's sets, served at 127.0.0.2-5")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--keep", type=int, default=3)
    a = ap.parse_args()
    a.home = a.home if a.home.endswith(".") else a.home + "."
    c = Churn(a)
    asker = threading.Thread(target=c.ask)
    asker.start()
    try:
        c.churn()
    finally:
        c.stop.set()
        asker.join()
    slowest = max(c.latencies) if c.latencies else (0, "")
    times = sorted(t for t, _ in c.latencies) or [0]
    print(json.dumps({"questions": c.questions, "unanswered": len(c.unanswered), "wrong": len(c.wrong), "late": len(c.late),
                      "changes": c.changes, "slowest_change_s": slowest[0], "slowest_change": slowest[1],
                      "median_change_s": times[len(times) // 2], "changes_over_1s": sum(1 for t in times if t > 1),
                      "slowest_changes": sorted(c.latencies, reverse=True)[:5],
                      "unanswered_questions": c.unanswered[:20], "wrong_answers": c.wrong[:20], "late_answers": c.late[:20]},
                     indent=1))


if __name__ == "__main__":
    main()
