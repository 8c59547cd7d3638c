"""Benchmark 8 of bench.py: one `vanityns watch --once` over a set of 100 zones (the home zone and 99 served zones),
every server answering and then one parent server silent, beside the peer an operator would otherwise cron: `check`
and `audit` run one after the other."""
import json, os, shutil, statistics, tempfile, time

from bench_common import timed_run
from bench_engine import blackhole, make_served_zones, wait_generation

ZONES = 100


def watch_bench(a, env, r53, record):
    print(f"8. watch --once over a set of {ZONES} zones (glue at every place, the audit of every zone, metrics)")
    home = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "example.com."][0]
    set_id = r53.get_hosted_zone(Id=home["Id"])["DelegationSet"]["Id"].split("/")[-1]
    def in_set():
        return [z for page in r53.get_paginator("list_hosted_zones").paginate(DelegationSetId=set_id) for z in page["HostedZones"]]
    others = len([z for z in in_set() if not z["Name"].startswith("served")])
    make_served_zones(r53, set_id, ZONES - others)   # served00... (idempotent: benchmark 3 made the first 20)
    zones = len(in_set())
    time.sleep(5)  # the account bucket refills after the set-up
    state = tempfile.mkdtemp(prefix="vanityns-bench-watch-")
    base = [a.binary, "--endpoint-url", a.endpoint, "--domains-endpoint-url", a.endpoint, "--resolver", f"127.0.0.1:{a.dns_port}",
            "--query-port", str(a.dns_port), "--state-dir", state]
    watch = base + ["watch", "--once", "--domain", "example.com", "--set", set_id, "--repair", "none",
                    "--metrics-file", os.path.join(state, "vanityns.prom")]
    peer = [base + ["check", "--domain", "example.com", "--set", set_id], base + ["audit", "--domain", "example.com", "--set", set_id]]

    registry = os.path.join(a.standins, "registry.json")
    if os.path.exists(registry) and "c.registry.test." in open(registry).read():
        # Benchmark 6 left its silent parent server listed: "all answering" must not have it.
        with open(registry, "w") as f:
            json.dump({}, f)
        wait_generation(a.standins)

    def measure():
        w = statistics.median(timed_run(watch, env) for _ in range(3))
        p = statistics.median(sum(timed_run(c, env) for c in peer) for _ in range(3))
        return w, p
    quick, quick_peer = measure()
    samples = sum(1 for l in open(os.path.join(state, "vanityns.prom")) if l.startswith("vanityns_zone_delegation_ok{"))
    if not os.path.exists(registry) or "c.registry.test." not in open(registry).read():
        try:
            blackhole("127.0.0.102", a.dns_port)
        except OSError:
            pass  # benchmark 6 made it already
        with open(registry, "w") as f:
            json.dump({"silent": [{"Name": "c.registry.test.", "Address": "127.0.0.102"}]}, f)
        wait_generation(a.standins)
    silent, silent_peer = measure()
    timeout = 5.0
    shutil.rmtree(state, ignore_errors=True)
    print(f"  {zones} zones ({samples} in the metrics), all answering: watch {quick:5.2f} s   check + audit {quick_peer:5.2f} s   (x{quick/quick_peer:.2f})")
    print(f"  one parent server silent:        watch {silent:5.2f} s   check + audit {silent_peer:5.2f} s   (bound: one DNS timeout + 5 s = {timeout + 5:.0f} s)")
    record(f"`watch --once`, {zones} zones, all answering", f"{quick:.2f} s", "5 s", f"`check` + `audit` {quick_peer:.2f} s",
           f"x{quick/quick_peer:.2f} the peer, {'within' if quick <= 5 else 'OVER'} the bound")
    record(f"`watch --once`, {zones} zones, one parent server silent", f"{silent:.2f} s", f"one DNS timeout + 5 s = {timeout + 5:.0f} s",
           f"`check` + `audit` {silent_peer:.2f} s", f"x{silent/silent_peer:.2f} the peer, {'within' if silent <= timeout + 5 else 'OVER'} the bound")
