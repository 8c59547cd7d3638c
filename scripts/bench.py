#!/usr/bin/env python3
"""Benchmarks vanityns against its peers, in one run against the same local stand-ins; prints ratios.

1. `vanityns sets list` vs `aws route53 list-reusable-delegation-sets` vs a boto3 script (whole processes).
2. `vanityns zones create` for 50 zones vs 50 `aws route53 create-hosted-zone` calls vs a boto3 script.
3. `vanityns apply` for a home zone plus 20 served zones: API calls (from --verbose) against the procedure's minimum,
   and wall time against a boto3 script doing the same procedure.
4. The wizard: time to the first drawn screen (tmux), CPU while idle for 10 s, bytes written per log line.

Usage: bench.py --moto URL --dns-port PORT --binary .build/release/vanityns [--only 1,2,3,4]
Timings are wall-clock medians of repeated runs; only the ratios mean something across machines.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import boto3


def timed(cmd, env=None, runs=5, check=True):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if check and r.returncode != 0:
            sys.exit(f"bench: {cmd[:3]} failed: {r.stderr.decode()[-500:]}")
    return statistics.median(times)


def row(name, seconds, base):
    print(f"  {name:<44} {seconds*1000:9.1f} ms   x{seconds/base:6.2f}")


def bench_sets_list(a, env):
    print("1. list reusable delegation sets (median of 7 whole-process runs)")
    v = timed([a.binary, "sets", "list", "--endpoint-url", a.moto], env, 7)
    cli = timed(["aws", "route53", "list-reusable-delegation-sets", "--endpoint-url", a.moto], env, 7)
    py = timed([sys.executable, "-c", f"import boto3; boto3.client('route53', endpoint_url='{a.moto}', region_name='us-east-1').list_reusable_delegation_sets()"], env, 7)
    row("vanityns sets list", v, v); row("aws route53 list-reusable-delegation-sets", cli, v); row("boto3 script", py, v)
    print(f"  => vanityns takes {v/cli:.3f} of the AWS CLI's time, {v/py:.3f} of boto3's")


def bench_zones_create(a, env, r53):
    print("2. create 50 zones in a set (one run each, fresh names)")
    results = {}
    for who in ("vanityns", "aws", "boto3"):
        sid = r53.create_reusable_delegation_set(CallerReference=f"bench-{who}-{time.time()}")["DelegationSet"]["Id"].split("/")[-1]
        names = [f"z{i:02d}.{who}.bench.example" for i in range(50)]
        t = time.perf_counter()
        if who == "vanityns":
            subprocess.run([a.binary, "zones", "create", *names, "--set", sid, "--endpoint-url", a.moto], env=env, check=True, stdout=subprocess.DEVNULL)
        elif who == "aws":
            for n in names:
                subprocess.run(["aws", "route53", "create-hosted-zone", "--name", n, "--caller-reference", n,
                                "--delegation-set-id", sid, "--endpoint-url", a.moto], env=env, check=True, stdout=subprocess.DEVNULL)
        else:
            code = ("import boto3,sys; c=boto3.client('route53', endpoint_url=sys.argv[1], region_name='us-east-1')\n"
                    "for n in sys.argv[3:]: c.create_hosted_zone(Name=n, CallerReference=n, DelegationSetId=sys.argv[2])")
            subprocess.run([sys.executable, "-c", code, a.moto, sid, *names], env=env, check=True)
        results[who] = time.perf_counter() - t
        made = sum(1 for page in r53.get_paginator("list_hosted_zones").paginate()
                   for z in page["HostedZones"] if z["Name"].endswith(f".{who}.bench.example."))
        assert made == 50, f"{who} made {made} zones"
    v = results["vanityns"]
    row("vanityns zones create (50 names, one process)", v, v)
    row("aws route53 create-hosted-zone x50", results["aws"], v)
    row("boto3 script (one process, 50 calls)", results["boto3"], v)
    print(f"  => vanityns takes {v/results['aws']:.3f} of the AWS CLI's time, {v/results['boto3']:.3f} of boto3's")
    print("     (vanityns paces creates with its client-side token bucket so a bulk run does not provoke Route 53 throttling)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moto", required=True)
    ap.add_argument("--dns-port", type=int)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--only", default="1,2,3,4")
    a = ap.parse_args()
    env = dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    r53 = boto3.client("route53", endpoint_url=a.moto, region_name="us-east-1")
    only = set(a.only.split(","))
    if "1" in only: bench_sets_list(a, env)
    if "2" in only: bench_zones_create(a, env, r53)
    if "3" in only or "4" in only:
        import bench_engine
        if "3" in only: bench_engine.apply_bench(a, env, r53)
        if "4" in only: bench_engine.wizard_bench(a, env)


if __name__ == "__main__":
    main()
