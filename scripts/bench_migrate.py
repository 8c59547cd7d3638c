"""Benchmark 7 of bench.py: `vanityns migrate` of 10 zones of 500 record sets each beside a boto3 script doing the
same copy (scripts/bench-migrate-peer.py), in one run against the bucket-enforcing stand-in.

The minimum for one zone of N record sets: read the source (ceil(N/300) ListResourceRecordSets pages), one
CreateHostedZone, ceil(N/1000) ChangeResourceRecordSets batches, one GetChange each (a change PENDING 1 s is asked
about once, 1 s after it was sent). The bound (issue 20): 1.3 x (that minimum + one fresh listing of each copy).
vanityns also pays for its pre-checks (GetDNSSEC per zone; ListTagsForResources per 10 zones; the set, the account's
zones, the set's zones and two limits once; GetHostedZone per zone only with the DNS check, left out here) and its
parity proof (the copy listed, and the source listed again in full: nothing shorter proves a zone of more than one
page unchanged); the peer does neither.
"""
import json, math, os, subprocess, sys, tempfile, time

from bench_common import proxy_stats, route53_calls

ZONES, RECORDS = 10, 500
HERE = os.path.dirname(os.path.abspath(__file__))


def seed(a, env, prefix):
    names = [f"{prefix}{i:02d}.migrate.bench.example" for i in range(ZONES)]
    args = [sys.executable, os.path.join(HERE, "seed-migration.py"), "--endpoint", a.endpoint, "--small", "--records", str(RECORDS), "--poll", "0.5"]
    for n in names:
        args += ["--zone", n]
    out = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return names, json.loads(out)["zones"]


def migrate_bench(a, env, r53, record):
    print(f"7. migrate {ZONES} zones of {RECORDS} record sets into a set (changes PENDING 1 s, Route 53's buckets)")
    pages = math.ceil((RECORDS + 2) / 300)  # the zone's record sets and its apex NS and SOA
    per_zone_min = pages + 1 + 2 * math.ceil(RECORDS / 1000)
    minimum = ZONES * per_zone_min
    bound = math.floor(1.3 * (minimum + ZONES * pages))
    results = {}
    for who in ("vanityns", "boto3"):
        sid = r53.create_reusable_delegation_set(CallerReference=f"bench-migrate-{who}-{time.time()}")["DelegationSet"]["Id"].split("/")[-1]
        names, zones = seed(a, env, "v" if who == "vanityns" else "p")
        time.sleep(21)  # the CreateHostedZone bucket full again, as on an account at rest
        before = proxy_stats(a)
        t = time.perf_counter()
        if who == "vanityns":
            state = tempfile.mkdtemp(prefix="vanityns-bench-migrate-")
            # No data plane runs here (and the peer asks no name server): the DNS check is left out, as the peer does.
            args = [a.binary, "migrate", "--set", sid, "--yes", "--verbose", "--no-dns-check", "--endpoint-url", a.endpoint, "--state-dir", state]
            for n in names:
                args += ["--zone", n]
            r = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                sys.exit("bench: migrate failed: " + r.stderr[-1500:])
            by_op = route53_calls(r.stderr)
            calls = sum(by_op.values())
            ops = ", ".join(f"{k} {v}" for k, v in sorted(by_op.items()))
            print("  vanityns calls by operation: " + ops)
            identical = r.stdout.count("parity: identical")
        else:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(zones, f)
            r = subprocess.run([sys.executable, os.path.join(HERE, "bench-migrate-peer.py"), "--endpoint", a.endpoint, "--set", sid,
                                "--from-json", f.name], env=env, stdout=subprocess.PIPE, text=True, check=True)
            peer = json.loads(r.stdout)
            calls = peer["calls"]
            identical = None
            ops = None
        took = time.perf_counter() - t
        after = proxy_stats(a)
        requests, throttled = after["requests"] - before["requests"], after["throttled"] - before["throttled"]
        results[who] = (took, calls, requests, throttled, identical, ops)
        print(f"  {who:<9} {took:6.2f} s; {calls} calls, {requests} requests, {throttled} Throttling"
              + (f"; parity identical for {identical} of {ZONES}" if identical is not None else ""))
    v, b = results["vanityns"], results["boto3"]
    print(f"  bound 1.3 x ({minimum} copy minimum + {ZONES * pages} for one listing of each copy) = {bound} calls: "
          + ("within" if v[1] <= bound else f"over by {v[1] - bound}"))
    record(f"migrate {ZONES} zones of {RECORDS} record sets", f"{v[0]:.2f} s, {v[1]} calls ({v[5]}), {v[3]} Throttling, parity identical {v[4]}/{ZONES}",
           f"{bound} calls = 1.3 x ({minimum} copy minimum + {ZONES * pages} copy listing)",
           f"boto3 {b[0]:.2f} s, {b[1]} calls, {b[2]} requests, {b[3]} Throttling (no checks, no parity)",
           f"x{v[1]/bound:.2f} the bound ({'within' if v[1] <= bound else 'over'}), x{v[1]/b[1]:.2f} the peer's calls, x{v[0]/b[0]:.2f} its time")
