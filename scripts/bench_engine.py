"""Benchmarks 3 to 5 of bench.py: apply for a home zone plus 20 served zones, check, and the wizard's start-up and idle cost."""
import json, os, re, shutil, statistics, subprocess, sys, tempfile, time

from bench_common import route53_calls, timed_run
from seed import fix_soa


def make_served_zones(r53, set_id, count):
    names = []
    for i in range(count):
        name = f"served{i:02d}.bench.example"
        ref = "bench-" + name
        existing = [z for z in r53.list_hosted_zones()["HostedZones"] if z["CallerReference"] == ref]
        if existing:
            zid = existing[0]["Id"]
        else:
            zid = r53.create_hosted_zone(Name=name, CallerReference=ref, DelegationSetId=set_id)["HostedZone"]["Id"]
        fix_soa(r53, zid.split("/")[-1], name + ".", "ns-2048.awsdns-64.com")
        names.append(name)
    return names


BOTO3_PROCEDURE = r'''
import boto3, sys, time
moto, set_id, home, addrs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
zones = sys.argv[5:]
c = boto3.client("route53", endpoint_url=moto, region_name="us-east-1")
aws_ns = c.get_reusable_delegation_set(Id=set_id)["DelegationSet"]["NameServers"]
calls = 1
hosts = [f"ns{i+1}.{home}." for i in range(4)]
ips = [a.split("/") for a in addrs.split(",")]
by_name = {}
for page in c.get_paginator("list_hosted_zones").paginate():
    for z in page["HostedZones"]:
        by_name.setdefault(z["Name"], z["Id"])
    calls += 1
for zone in [home] + zones:
    zid = by_name[zone + "."]
    rrs = c.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
    soa = [r for r in rrs if r["Type"] == "SOA"][0]
    f = soa["ResourceRecords"][0]["Value"].split()
    f[0], f[6] = hosts[0], "60"
    changes = [{"Action": "UPSERT", "ResourceRecordSet": {"Name": zone + ".", "Type": "SOA", "TTL": soa["TTL"], "ResourceRecords": [{"Value": " ".join(f)}]}},
               {"Action": "UPSERT", "ResourceRecordSet": {"Name": zone + ".", "Type": "NS", "TTL": 60, "ResourceRecords": [{"Value": h} for h in hosts]}}]
    if zone == home:
        for h, (v4, v6) in zip(hosts, ips):
            changes.append({"Action": "UPSERT", "ResourceRecordSet": {"Name": h, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": v4}]}})
            changes.append({"Action": "UPSERT", "ResourceRecordSet": {"Name": h, "Type": "AAAA", "TTL": 60, "ResourceRecords": [{"Value": v6}]}})
    ch = c.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})["ChangeInfo"]
    calls += 2  # the records read and the change
    while ch["Status"] != "INSYNC":
        time.sleep(1)
        ch = c.get_change(Id=ch["Id"])["ChangeInfo"]
        calls += 1
print(calls)
'''


def apply_bench(a, env, r53, record):
    print("3. apply: home zone + 20 served zones (changes PENDING for 1 s, Route 53's buckets enforced)")
    home = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "example.com."][0]
    set_id = r53.get_hosted_zone(Id=home["Id"])["DelegationSet"]["Id"].split("/")[-1]
    served = make_served_zones(r53, set_id, 20)
    time.sleep(5)  # the account bucket refills after the set-up
    state = tempfile.mkdtemp(prefix="vanityns-bench-")
    args = [a.binary, "apply", "--yes", "--verbose", "--set", set_id, "--domain", "example.com",
            "--endpoint-url", a.endpoint, "--resolver", f"127.0.0.1:{a.dns_port}", "--state-dir", state]
    for z in served:
        args += ["--zone", z]
    t = time.perf_counter()
    r = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    v = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("bench: apply failed: " + r.stderr[-800:])
    ops = route53_calls(r.stderr)
    calls = sum(ops.values())
    zones = 21
    # The reads the plan needs (the set's name servers, the set's zones: one page, each zone's records), then per zone
    # one change batch and at least one GetChange, since Route 53 answers a change PENDING.
    minimum = 1 + 1 + zones + zones * 2
    print(f"  vanityns apply: {calls} Route 53 calls; the procedure's minimum is {minimum}  (x{calls/minimum:.2f})")
    print("    by operation: " + ", ".join(f"{k} {n}" for k, n in sorted(ops.items())))
    # Undo and run the same procedure as a straightforward boto3 script.
    for z in ["example.com"] + served:
        subprocess.run([a.binary, "rollback", "--yes", "--zone", z, "--endpoint-url", a.endpoint, "--state-dir", state],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(5)
    addrs = ",".join(f"127.0.0.{i}/::1" for i in range(2, 6))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", BOTO3_PROCEDURE, a.endpoint, set_id, "example.com", addrs, *served], env=env,
                       check=True, stdout=subprocess.PIPE, text=True)
    b = time.perf_counter() - t
    boto_calls = int(p.stdout.strip().splitlines()[-1])
    print(f"  vanityns apply {v:6.2f} s (validation, DNS lookups, journal, 21 batches)")
    print(f"  boto3 script   {b:6.2f} s, {boto_calls} calls (same batches, no validation, no journal)   => vanityns/boto3 = {v/b:.2f}")
    record("apply, home zone + 20 served zones", f"{calls} calls, {v:.1f} s", f"{minimum} calls", f"boto3 {boto_calls} calls, {b:.1f} s",
           f"x{calls/minimum:.2f} the minimum")
    shutil.rmtree(state, ignore_errors=True)


BOTO3_CHECK = r'''
import boto3, sys, socket
c = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1")
d = boto3.client("route53domains", endpoint_url=sys.argv[1], region_name="us-east-1")
zid = [z["Id"] for z in c.list_hosted_zones()["HostedZones"] if z["Name"] == "example.com."][0]
ns = c.get_hosted_zone(Id=zid)["DelegationSet"]["NameServers"]
rrs = c.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
d.get_domain_detail(DomainName="example.com")
'''


def check_bench(a, env, r53, record):
    print("4. check: glue against the name servers' addresses now (Route 53 round trips)")
    args = [a.binary, "check", "--domain", "example.com", "--verbose", "--endpoint-url", a.endpoint,
            "--domains-endpoint-url", a.endpoint, "--resolver", f"127.0.0.1:{a.dns_port}", "--query-port", str(a.dns_port)]
    r = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 3):
        sys.exit("bench: check failed: " + r.stderr[-800:])
    ops = route53_calls(r.stderr)
    calls = sum(ops.values())
    minimum = 4  # find the home zone, its name servers, its records, the registrar's glue (the registry is asked over DNS)
    v = statistics.median(timed_run(args, env) for _ in range(5))
    b = statistics.median(timed_run([sys.executable, "-c", BOTO3_CHECK, a.endpoint], env) for _ in range(5))
    print(f"  vanityns check: {calls} round trips (minimum {minimum}): " + ", ".join(f"{k} {n}" for k, n in sorted(ops.items())))
    print(f"  vanityns check {v*1000:7.1f} ms (plus 8 DNS lookups)   boto3 script, the same reads {b*1000:7.1f} ms   => x{v/b:.2f}")
    record("`check`", f"{calls} round trips, {v*1000:.0f} ms", f"{minimum} round trips", f"boto3 same reads {b*1000:.0f} ms",
           f"x{calls/minimum:.2f} the minimum")


def wizard_bench(a, env, record):
    print("5. wizard: time to first screen, idle CPU, bytes per log line (tmux 80x24)")
    def tmux(run):
        return ["tmux", "-L", f"vanityns-bench-{os.getpid()}-{run}", "-f", "/dev/null"]
    state = tempfile.mkdtemp(prefix="vanityns-bench-")
    out = os.path.join(state, "tty.out")
    cmd = " ".join([a.binary, "--endpoint-url", a.endpoint, "--resolver", f"127.0.0.1:{a.dns_port}", "--state-dir", state])
    envs = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("AWS_"))
    firsts = []
    for run in range(5):
        if run:
            subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
        tm = tmux(run)
        t = time.perf_counter()
        subprocess.run(tm + ["new-session", "-d", "-x", "80", "-y", "24", f"env {envs} TERM=xterm-256color LANG=C.UTF-8 {cmd}"], check=True)
        while True:
            screen = subprocess.run(tm + ["capture-pane", "-p"], stdout=subprocess.PIPE, text=True).stdout
            if "step 1/9" in screen or "Account" in screen:
                break
            if time.perf_counter() - t > 10:
                sys.exit("bench: the wizard drew nothing within 10 s:\n" + screen)
            time.sleep(0.005)
        firsts.append(time.perf_counter() - t)
    first = statistics.median(firsts)
    pid = subprocess.run(tm + ["display-message", "-p", "#{pane_pid}"], stdout=subprocess.PIPE, text=True).stdout.strip()
    time.sleep(1)

    def cpu(p):
        f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    c0 = cpu(pid)
    time.sleep(10)
    idle = cpu(pid) - c0
    # Bytes written to the terminal per log line: record the pane's output while the wizard lists sets again.
    subprocess.run(tm + ["pipe-pane", "-o", f"cat >> {out}"], check=True)
    before_lines = 0
    subprocess.run(tm + ["send-keys", "Enter"])
    time.sleep(2)
    subprocess.run(tm + ["pipe-pane"])
    written = os.path.getsize(out) if os.path.exists(out) else 0
    log_lines = len(re.findall(r"\d\d:\d\d:\d\d ", subprocess.run(tm + ["capture-pane", "-p"], stdout=subprocess.PIPE, text=True).stdout))
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    t = time.perf_counter()
    for _ in range(5):
        subprocess.run(["aws", "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    aws_start = (time.perf_counter() - t) / 5
    print(f"  time to first drawn screen {first*1000:8.1f} ms   (aws --version start-up {aws_start*1000:.1f} ms; ratio {first/aws_start:.2f})")
    print(f"  CPU while idle for 10 s    {idle*1000:8.1f} ms")
    record("wizard: first screen drawn", f"{first*1000:.0f} ms", "", f"`aws --version` {aws_start*1000:.0f} ms", f"x{first/aws_start:.2f}")
    record("wizard: CPU while idle 10 s", f"{idle*1000:.1f} ms", "", "", "")
    if log_lines:
        print(f"  bytes written to the terminal for one step change (new body + {log_lines} new log lines): {written};"
              f" at most {written/max(log_lines,1):.0f} bytes per log line (ncurses sends only what changed)")
    shutil.rmtree(state, ignore_errors=True)


def blackhole(address, port):
    """A server that never answers: UDP datagrams are read and dropped, TCP connections are held open."""
    import socket, threading
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((address, port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((address, port))
    tcp.listen(64)
    held = []
    threading.Thread(target=lambda: [udp.recvfrom(4096) for _ in iter(int, 1)], daemon=True).start()
    threading.Thread(target=lambda: [held.append(tcp.accept()) for _ in iter(int, 1)], daemon=True).start()


def wait_generation(state):
    path = os.path.join(state, "dns", "generation")
    before = open(path).read() if os.path.exists(path) else ""
    for _ in range(200):
        time.sleep(0.1)
        if os.path.exists(path) and open(path).read() != before:
            return
    sys.exit("bench: the data plane did not pick up the registry file")


def dns_bench(a, env, record):
    print("6. check and audit with one parent server that never answers (every DNS question in parallel)")
    timeout = 5.0  # vanityns's DNS timeout per server
    base = [a.binary, "--endpoint-url", a.endpoint, "--domains-endpoint-url", a.endpoint,
            "--resolver", f"127.0.0.1:{a.dns_port}", "--query-port", str(a.dns_port)]
    check = base + ["check", "--domain", "example.com"]
    audit = base + ["audit", "--domain", "example.com", "--output", "json"]
    quick_check = statistics.median(timed_run(check, env) for _ in range(3))
    quick_audit = statistics.median(timed_run(audit, env) for _ in range(3))
    blackhole("127.0.0.102", a.dns_port)
    with open(os.path.join(a.standins, "registry.json"), "w") as f:
        json.dump({"silent": [{"Name": "c.registry.test.", "Address": "127.0.0.102"}]}, f)
    wait_generation(a.standins)
    zones = len(json.loads(subprocess.run(audit, env=env, stdout=subprocess.PIPE, text=True).stdout)["zones"])
    silent_check = statistics.median(timed_run(check, env) for _ in range(3))
    silent_audit = statistics.median(timed_run(audit, env) for _ in range(3))
    print(f"  all servers answer:   check {quick_check:5.2f} s, audit of {zones} zones {quick_audit:5.2f} s")
    print(f"  one server silent:    check {silent_check:5.2f} s, audit of {zones} zones {silent_audit:5.2f} s"
          f"   (one DNS timeout is {timeout:.0f} s: x{silent_check/timeout:.2f} and x{silent_audit/timeout:.2f} of it)")
    record("`check`, one parent server silent", f"{silent_check:.2f} s (all answering: {quick_check:.2f} s)", f"one DNS timeout, {timeout:.0f} s", "",
           f"x{silent_check/timeout:.2f} the timeout")
    record(f"`audit` of {zones} zones, one parent server silent", f"{silent_audit:.2f} s (all answering: {quick_audit:.2f} s)",
           f"one DNS timeout, {timeout:.0f} s", "", f"x{silent_audit/timeout:.2f} the timeout")
