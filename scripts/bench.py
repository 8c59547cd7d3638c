#!/usr/bin/env python3
"""Benchmarks vanityns in one run against the same local stand-ins, each figure beside its bound and a peer.

The stand-in is moto behind scripts/route53-proxy.py with --buckets: Route 53's published request buckets are
enforced (account 50 / 10 per s, CreateHostedZone 40 / 2 per s, ...) and changes stay PENDING for a while, so the
figures are what Route 53 itself would allow, not what moto allows.

1. `vanityns sets list` vs `aws route53 list-reusable-delegation-sets` vs a boto3 script (whole processes).
2. 60 zones created in a set: wall time against the bound (60 - 40 burst) / 2 per s = 10 s, Throttling answers, calls;
   beside a boto3 loop (its standard retry mode) doing the same.
3. `vanityns apply` for a home zone plus 20 served zones: Route 53 calls against the procedure's minimum, and a boto3
   script doing the same procedure.
4. `vanityns check`: Route 53 round trips against the minimum, and a boto3 script doing the same reads.
5. The wizard: time to the first drawn screen (tmux), CPU while idle, bytes per log line.
6. `check` and `audit` with one parent server that never answers: wall time against one DNS timeout.
7. `vanityns migrate` of 10 zones of 500 record sets: wall time and calls against the copy's minimum, beside a boto3
   script doing the same copy (scripts/bench_migrate.py).
8. `vanityns watch --once` over a set of 100 zones, all answering (bound 5 s) and one parent server silent (bound one
   DNS timeout + 5 s), beside `check` + `audit` run one after the other (scripts/bench_watch.py).
9. `vanityns audit` of 1,000 zones in 10 sets, all answering (bounds 10 s, 32 threads, 200 MB) and one parent server
   silent (bound one DNS timeout + 10 s), beside an asyncio peer asking the same DNS questions; on stand-ins of its own
   (scripts/bench_fleet.py).
10. The wizard from step 1 to a loaded step 5 for an account of 1,000 zones over 10 sets (tmux, keys): ListHostedZones
    pages against one listing of the account and one of the set, as boto3's paginator reads them
    (scripts/bench-wizard-fleet.sh and bench_wizard_fleet.py, on stand-ins of their own).

Usage: bench.py --endpoint URL --dns-port PORT --binary .build/release/vanityns [--only 1,2,3,4,5,6,7,8,9,10] [--results FILE]
                [--standins DIR]
Timings are wall-clock medians of repeated runs; only the ratios mean something across machines.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import boto3

import bench_engine, bench_fleet, bench_migrate, bench_watch
from bench_common import proxy_stats, route53_calls, timed

RESULTS = []  # (benchmark, vanityns, bound or minimum, peer, verdict)
ALL = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}


def record(what, ours, bound, peer, verdict):
    RESULTS.append((what, ours, bound, peer, verdict))


def bench_sets_list(a, env):
    print("1. list reusable delegation sets (median of 7 whole-process runs)")
    v = timed([a.binary, "sets", "list", "--endpoint-url", a.endpoint], env, 7)
    cli = timed(["aws", "route53", "list-reusable-delegation-sets", "--endpoint-url", a.endpoint], env, 7)
    py = timed([sys.executable, "-c", f"import boto3; boto3.client('route53', endpoint_url='{a.endpoint}', region_name='us-east-1').list_reusable_delegation_sets()"], env, 7)
    print(f"  vanityns sets list {v*1000:8.1f} ms   AWS CLI {cli*1000:8.1f} ms (x{cli/v:.1f})   boto3 {py*1000:8.1f} ms (x{py/v:.1f})")
    record("`sets list`, whole process", f"{v*1000:.0f} ms", "", f"AWS CLI {cli*1000:.0f} ms, boto3 {py*1000:.0f} ms",
           f"{v/cli:.3f} of the AWS CLI's time")


BOTO3_CREATES = r'''
import boto3, sys, time
c = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1")
for n in sys.argv[3:]:
    c.create_hosted_zone(Name=n, CallerReference=n, DelegationSetId=sys.argv[2])
'''


def bench_zones_create(a, env, r53):
    count, burst, rate = 60, 40, 2
    bound = (count - burst) / rate
    print(f"2. create {count} zones in a set under Route 53's buckets (bound ({count} - {burst}) / {rate} per s = {bound:.0f} s)")
    results = {}
    for who in ("vanityns", "boto3"):
        time.sleep(burst / rate + 1)  # let the CreateHostedZone bucket fill again, as on an account at rest
        sid = r53.create_reusable_delegation_set(CallerReference=f"bench-{who}-{time.time()}")["DelegationSet"]["Id"].split("/")[-1]
        names = [f"z{i:02d}.{who}.bench.example" for i in range(count)]
        before = proxy_stats(a)
        t = time.perf_counter()
        if who == "vanityns":
            r = subprocess.run([a.binary, "zones", "create", *names, "--set", sid, "--endpoint-url", a.endpoint, "--verbose"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                sys.exit("bench: zones create failed: " + r.stderr[-800:])
            calls = sum(route53_calls(r.stderr).values())
        else:
            subprocess.run([sys.executable, "-c", BOTO3_CREATES, a.endpoint, sid, *names], env=env, check=True)
            calls = None
        took = time.perf_counter() - t
        after = proxy_stats(a)
        answers = after["requests"] - before["requests"]
        throttled = after["throttled"] - before["throttled"]
        made = sum(1 for page in r53.get_paginator("list_hosted_zones").paginate(DelegationSetId=sid) for z in page["HostedZones"])
        assert made == count, f"{who} made {made} zones"
        results[who] = (took, answers, throttled, calls)
        print(f"  {who:<9} {took:6.2f} s = x{took/bound:.2f} the bound; {answers} requests, {throttled} answered Throttling"
              f" ({100*throttled/max(answers,1):.1f} %)" + (f"; {calls} calls" if calls is not None else ""))
    v, b = results["vanityns"], results["boto3"]
    record(f"{count} zones created in a set", f"{v[0]:.2f} s, {v[3]} calls, {v[2]} Throttling ({100*v[2]/max(v[1],1):.1f} %)",
           f"{bound:.0f} s, {count} calls", f"boto3 {b[0]:.2f} s, {b[1]} requests, {b[2]} Throttling ({100*b[2]/max(b[1],1):.1f} %)",
           f"x{v[0]/bound:.2f} the bound")


def bench_wizard_fleet(a, env):
    print("10. wizard: step 1 to a loaded step 5 for an account of 1,000 zones over 10 sets (ListHostedZones pages)")
    out = os.path.join(tempfile.mkdtemp(prefix="vanityns-bench-fleet-"), "result.json")
    r = subprocess.run(["bash", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-wizard-fleet.sh"), a.binary, out],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("bench: the wizard fleet benchmark failed: " + (r.stdout + r.stderr)[-1500:])
    f = json.load(open(out))
    others = ", ".join(f"{k} {v}" for k, v in sorted(f["by_operation"].items()) if k != "ListHostedZones")
    print(f"  {f['zones']} zones, the set {f['set_zones']}: wizard {f['pages']} ListHostedZones pages in {f['seconds']:.2f} s;"
          f" boto3's paginator, the account once and the set once: {f['peer_pages']} pages")
    print(f"  the wizard's other calls: {others}")
    record("wizard, step 1 to a loaded step 5, 1,000 zones in 10 sets", f"{f['pages']} ListHostedZones pages, {f['seconds']:.1f} s; also {others}",
           f"one listing: {f['peer_pages']} pages (account 10 + set)", f"boto3 paginator {f['peer_pages']} pages, {f['peer_seconds']*1000:.0f} ms",
           f"x{f['pages']/max(f['peer_pages'], 1):.2f} one listing ({'within' if f['pages'] <= f['peer_pages'] else 'over'})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--dns-port", type=int)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--only", default=",".join(sorted(ALL)))
    ap.add_argument("--standins", help="the stand-ins' folder (registry.json for benchmark 6)")
    ap.add_argument("--results", help="write the results as a Markdown table here")
    a = ap.parse_args()
    env = dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    from botocore.config import Config
    # The benchmark's own set-up and checks retry patiently under the enforced buckets.
    r53 = boto3.client("route53", endpoint_url=a.endpoint, region_name="us-east-1",
                       config=Config(retries={"mode": "standard", "max_attempts": 10}))
    only = set(a.only.split(","))
    if "1" in only: bench_sets_list(a, env)
    if "2" in only: bench_zones_create(a, env, r53)
    if "3" in only: bench_engine.apply_bench(a, env, r53, record)
    if "4" in only: bench_engine.check_bench(a, env, r53, record)
    if "5" in only: bench_engine.wizard_bench(a, env, record)
    if "6" in only: bench_engine.dns_bench(a, env, record)
    if "7" in only: bench_migrate.migrate_bench(a, env, r53, record)
    if "8" in only: bench_watch.watch_bench(a, env, r53, record)
    if "9" in only: bench_fleet.fleet_bench(a, env, record)
    if "10" in only: bench_wizard_fleet(a, env)
    if a.results:
        rows = list(RESULTS)
        if only != ALL and os.path.exists(a.results):
            # A partial run (--only) replaces its own rows and keeps the others' last figures, in their order.
            new = {r[0]: r for r in RESULTS}
            kept = [[c.strip() for c in l.strip().strip("|").split(" | ")]
                    for l in open(a.results) if l.startswith("| ") and not l.startswith(("| benchmark ", "| ---"))]
            rows = [new.pop(k[0], k) for k in kept] + list(new.values())
        with open(a.results, "w") as f:
            f.write("# vanityns benchmarks\n\n")
            f.write("Made by `make bench` (`scripts/bench.sh`) in one run on this project's 2-core machine, against moto behind\n"
                    "`scripts/route53-proxy.py --buckets` (Route 53's published request buckets enforced, changes PENDING for\n"
                    "1 s), with a release build. Only the ratios carry over to other machines.\n\n")
            f.write("| benchmark | vanityns | bound or minimum | peer | verdict |\n| --- | --- | --- | --- | --- |\n")
            for row in rows:
                f.write("| " + " | ".join(row) + " |\n")
        print(f"wrote {a.results}")


if __name__ == "__main__":
    main()
