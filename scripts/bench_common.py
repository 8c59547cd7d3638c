"""What the benchmarks (bench.py, bench_engine.py, bench_migrate.py) share: timing whole processes, the stand-in's
request counts, and the Route 53 calls a `--verbose` run printed. Its own module so the benchmark modules import it,
never each other.
"""
import json, re, statistics, subprocess, sys, time, urllib.request


def timed(cmd, env=None, runs=5, check=True):
    """The median wall time of `runs` whole-process runs of `cmd` (a failed run stops the benchmark)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if check and r.returncode != 0:
            sys.exit(f"bench: {cmd[:3]} failed: {r.stderr.decode()[-500:]}")
    return statistics.median(times)


def proxy_stats(a):
    """The stand-in's request and Throttling counts (GET /__proxy/stats)."""
    return json.load(urllib.request.urlopen(a.endpoint + "/__proxy/stats"))


def route53_calls(stderr):
    """The Route 53 calls a `--verbose` run printed, by operation."""
    ops = {}
    for line in stderr.splitlines():
        m = re.match(r"^\d\d:\d\d:\d\d\.\d{3} (\w+) (GET|POST|DELETE) ", line)
        if m:
            ops[m.group(1)] = ops.get(m.group(1), 0) + 1
    return ops


def timed_run(cmd, env):
    """The wall time of one run of `cmd`, whatever its exit status."""
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
