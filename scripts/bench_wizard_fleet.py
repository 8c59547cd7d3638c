#!/usr/bin/env python3
"""Benchmark 10 of bench.py: the wizard from step 1 to a loaded step 5 (the zones step) for an account of 1,000 zones, 99 in each of
10 sets (room for one more: the home domain example.com, typed on step 3, a zone to create) and 10 in none, in tmux at 120x50 (step 2 lists all 10 sets, so the list is seen loaded) against the stand-in, driven by keys as
WizardE2ETests drives it. Counted: the stand-in's ListHostedZones requests (one per page) while the wizard runs,
beside boto3's paginator listing the account once and the chosen set once (the bound: one listing of each, 10 + 1
pages of 100), and every other Route 53 call by operation. Seeding the account costs 1,010 calls (about 3 minutes
on the 2-core machine).

Run by scripts/bench-wizard-fleet.sh (its own stand-ins): first --seed-only (the 10 sets and 1,000 zones), then the
measurement, which writes its figures as JSON to --result.
"""
import argparse, concurrent.futures, json, os, subprocess, sys, tempfile, time, urllib.request

import boto3
from botocore.config import Config

SETS, PER_SET, OUTSIDE = 10, 99, 10


def client(endpoint):
    return boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"mode": "standard", "max_attempts": 10}, max_pool_connections=16))


def seed(r53):
    sets = [r53.create_reusable_delegation_set(CallerReference=f"fleet-bench-{i}")["DelegationSet"]["Id"].split("/")[-1] for i in range(SETS)]
    names = [f"c{n:04d}.fleet.example" for n in range(SETS * PER_SET + OUTSIDE)]
    def make(i):
        where = {"DelegationSetId": sets[i // PER_SET]} if i < SETS * PER_SET else {}
        r53.create_hosted_zone(Name=names[i], CallerReference=f"fleet-bench-{i}", **where)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(len(names))))
    print(f"seeded {len(names)} zones over {SETS} sets", file=sys.stderr)


def stats(endpoint):
    return json.load(urllib.request.urlopen(endpoint + "/__proxy/stats"))


def reset(endpoint):
    urllib.request.urlopen(urllib.request.Request(endpoint + "/__proxy/stats/reset", method="POST")).read()


def by_op(endpoint):
    return {k: v["requests"] for k, v in stats(endpoint)["by_operation"].items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--seed-only", action="store_true")
    ap.add_argument("--dns-port", type=int)
    ap.add_argument("--binary")
    ap.add_argument("--result")
    a = ap.parse_args()
    r53 = client(a.endpoint)
    if a.seed_only:
        return seed(r53)
    set_id = r53.list_reusable_delegation_sets()["DelegationSets"][0]["Id"].split("/")[-1]  # the one step 2 offers first

    # The peer: boto3's paginator, the account once and the set once.
    reset(a.endpoint)
    t = time.perf_counter()
    account = sum(len(p["HostedZones"]) for p in r53.get_paginator("list_hosted_zones").paginate())
    in_set = sum(len(p["HostedZones"]) for p in r53.get_paginator("list_hosted_zones").paginate(DelegationSetId=set_id))
    peer_seconds = time.perf_counter() - t
    peer_pages = by_op(a.endpoint).get("ListHostedZones", 0)

    state = tempfile.mkdtemp(prefix="vanityns-bench-fleet-")
    cmd = " ".join([a.binary, "--endpoint-url", a.endpoint, "--resolver", f"127.0.0.1:{a.dns_port}", "--state-dir", state])
    envs = " ".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("AWS_"))
    tm = ["tmux", "-L", f"vanityns-bench-fleet-{os.getpid()}", "-f", "/dev/null"]

    def screen():
        return subprocess.run(tm + ["capture-pane", "-p"], stdout=subprocess.PIPE, text=True).stdout

    def wait(text, timeout=60):
        deadline = time.perf_counter() + timeout
        while text not in (s := screen()):
            if time.perf_counter() > deadline:
                subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
                sys.exit(f"bench: the wizard never showed {text!r}:\n{s}")
            time.sleep(0.02)

    def keys(*k):
        subprocess.run(tm + ["send-keys"] + list(k), check=True)

    reset(a.endpoint)
    t = time.perf_counter()
    subprocess.run(tm + ["new-session", "-d", "-x", "120", "-y", "50", f"env {envs} TERM=xterm-256color LANG=C.UTF-8 {cmd}"], check=True)
    try:
        wait("reusable delegation sets used"); keys("Enter")          # step 1 -> 2
        wait("+ Create a new set"); keys("Enter")                     # step 2 loaded: the first set
        wait("filter:"); keys("-l", "example.com")                    # step 3: the home domain
        wait("+ create example.com in set"); keys("Enter")
        wait("the host names can be used"); keys("Enter")             # step 3 -> 4
        wait("127.0.0."); keys("Enter")                               # step 4 -> 5
        wait("[ ] c0", timeout=120)                                   # step 5 loaded: the set's zones listed
        took = time.perf_counter() - t
        ops = by_op(a.endpoint)
    finally:
        subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    out = {"zones": account, "set_zones": in_set, "peer_pages": peer_pages, "peer_seconds": round(peer_seconds, 3),
           "pages": ops.get("ListHostedZones", 0), "seconds": round(took, 2), "by_operation": ops}
    print(json.dumps(out), file=sys.stderr)
    with open(a.result, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
