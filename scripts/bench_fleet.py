"""Benchmark 9 of bench.py: `vanityns audit` of a fleet, 1,000 zones in 10 sets, every server answering and then one
parent server silent: wall time, the process's peak threads (sampled from /proc/PID/status while it runs) and peak
RSS (wait4's ru_maxrss), against the bounds of issue 20, beside a peer that asks the same DNS questions.

Set-up (its own stand-ins, so the 1,000 creates are not paced by bench.sh's --buckets: the set-up is not what is
measured): moto behind the stand-in proxy with --limits zones-per-set=100, and the data plane. Each set is made from
its home zone (home<i>.example, so the set has four AWS hosts of its own, served by an nsd group of its own), then
99 customer zones go into it (c<j>-s<i>.example); every zone gets the white-label set-up (apex NS and SOA MNAME the
set's vanity hosts ns1-ns4.home<i>.example, whose A/AAAA in the home zone are the set's AWS hosts' addresses) and the
registry (the data plane's registry file) delegates each to its vanity hosts, with glue for the home zones. boto3
makes it all, several calls at once.

The audit asks, per zone: the parent's servers and their addresses, each parent server for the delegation, the apex
NS and SOA, the vanity hosts' addresses, and at each of the 8 vanity addresses the SOA over UDP and TCP and the NS:
about 43 questions a zone, 43,000 in all. The peer (PEER below, Python asyncio with raw sockets, 64 in flight like
vanityns's default) asks those same questions, knowing every answer's place in advance (no chain of lookups), and
checks nothing: a floor for what the DNS work costs, not a rival audit.

Usage: bench.py --only 9 (bench.sh starts nothing this benchmark needs besides the build).
"""
import concurrent.futures, json, os, resource, shutil, signal, socket, subprocess, sys, tempfile, threading, time, uuid

import boto3

from bench_engine import blackhole

SETS, PER_SET = 10, 100
TIMEOUT = 5.0  # vanityns's DNS timeout per server
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port(kind=socket.SOCK_STREAM):
    while True:
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
            return p
        except OSError:
            pass
        finally:
            t.close(); u.close()


def wait_tcp(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"bench: nothing listens on {port}")


class StandIns:
    """moto, the proxy (limits on, no pacing) and the data plane on free loopback ports; stopped by stop()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vanityns-fleet-")
        moto_port, proxy_port = free_port(), free_port()
        while proxy_port == moto_port:
            proxy_port = free_port()
        self.dns_port = free_port()
        while self.dns_port in (moto_port, proxy_port):
            self.dns_port = free_port()
        log = lambda name: open(os.path.join(self.dir, name), "w")
        self.procs = [subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=log("moto.log"), stderr=subprocess.STDOUT)]
        self.procs.append(subprocess.Popen([sys.executable, os.path.join(HERE, "route53-proxy.py"), str(proxy_port), f"http://127.0.0.1:{moto_port}",
                                            "--pending", "0", "--limits", "zones-per-set=100"], stdout=log("proxy.log"), stderr=subprocess.STDOUT))
        wait_tcp(moto_port); wait_tcp(proxy_port)
        self.moto, self.endpoint = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}"
        self.registry = os.path.join(self.dir, "registry.json")
        self.state = os.path.join(self.dir, "dns")

    def start_dataplane(self):
        self.procs.append(subprocess.Popen([sys.executable, os.path.join(HERE, "dataplane.py"), "--moto", self.moto, "--route53", self.endpoint,
                                            "--port", str(self.dns_port), "--state", self.state, "--registry", self.registry],
                                           stdout=open(os.path.join(self.dir, "dataplane.log"), "w"), stderr=subprocess.STDOUT))

    def sync(self, limit=600):
        """Returns once the data plane serves what moto and the registry file hold now (its acknowledgement)."""
        nonce = uuid.uuid4().hex
        os.makedirs(self.state, exist_ok=True)
        with open(os.path.join(self.state, "sync-request"), "w") as f:
            f.write(nonce)
        ack = os.path.join(self.state, "sync-ack")
        t = time.monotonic()
        while not (os.path.exists(ack) and open(ack).read() == nonce):
            if time.monotonic() - t > limit:
                sys.exit("bench: the data plane did not acknowledge a sync; see " + os.path.join(self.dir, "dataplane.log"))
            time.sleep(0.05)

    def stop(self):
        for p in reversed(self.procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def derived_ipv4(host):
    """The data plane's address of a derived AWS host (dataplane.derived_address): 127.1.<k / 250>.<k % 250 + 1>."""
    k = int(host.split(".")[0].split("-")[1])
    return f"127.1.{k // 250}.{k % 250 + 1}"


def build_fleet(s):
    """The 10 sets of 100 zones, white-labelled and delegated; returns [(zone, [vanity host], [its 8 addresses])]."""
    r53 = boto3.client("route53", endpoint_url=s.endpoint, region_name="us-east-1")
    pool = concurrent.futures.ThreadPoolExecutor(8)
    homes = [f"home{i}.example" for i in range(SETS)]

    def make_set(i):
        zid = r53.create_hosted_zone(Name=homes[i], CallerReference=f"fleet-home-{i}")["HostedZone"]["Id"].split("/")[-1]
        ds = r53.create_reusable_delegation_set(CallerReference=f"fleet-set-{i}", HostedZoneId=zid)["DelegationSet"]
        return zid, ds["Id"].split("/")[-1], ds["NameServers"]
    sets = list(pool.map(make_set, range(SETS)))
    zones = []  # (name, zone id, set index)
    for i, (zid, _, _) in enumerate(sets):
        zones.append((homes[i], zid, i))

    def make_zone(job):
        i, j = job
        name = f"c{j:02d}-s{i}.example"
        zid = r53.create_hosted_zone(Name=name, CallerReference=f"fleet-{name}", DelegationSetId=sets[i][1])["HostedZone"]["Id"].split("/")[-1]
        return name, zid, i
    zones += list(pool.map(make_zone, [(i, j) for i in range(SETS) for j in range(1, PER_SET)]))

    def vanity(i):
        return [f"ns{k}.{homes[i]}" for k in range(1, 5)]

    def addresses(i):
        v4 = [derived_ipv4(h) for h in sets[i][2]]
        return v4, ["::ffff:" + a for a in v4]

    def white_label(zone):
        name, zid, i = zone
        hosts = vanity(i)
        soa = f"{hosts[0]}. hostmaster.{homes[i]}. 1 7200 900 1209600 60"
        changes = [{"Action": "UPSERT", "ResourceRecordSet": {"Name": name + ".", "Type": "NS", "TTL": 60, "ResourceRecords": [{"Value": h + "."} for h in hosts]}},
                   {"Action": "UPSERT", "ResourceRecordSet": {"Name": name + ".", "Type": "SOA", "TTL": 60, "ResourceRecords": [{"Value": soa}]}}]
        if name == homes[i]:
            v4, v6 = addresses(i)
            for h, a4, a6 in zip(hosts, v4, v6):
                changes.append({"Action": "UPSERT", "ResourceRecordSet": {"Name": h + ".", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": a4}]}})
                changes.append({"Action": "UPSERT", "ResourceRecordSet": {"Name": h + ".", "Type": "AAAA", "TTL": 60, "ResourceRecords": [{"Value": a6}]}})
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
    list(pool.map(white_label, zones))
    registry = {"domains": {}}
    for name, _, i in zones:
        v4, v6 = addresses(i)
        registry["domains"][name + "."] = [{"Name": h, "GlueIps": [a4, a6] if name == homes[i] else []}
                                           for h, a4, a6 in zip(vanity(i), v4, v6)]
    with open(s.registry, "w") as f:
        json.dump(registry, f)
    return [(name, vanity(i), [a for pair in zip(*addresses(i)) for a in pair]) for name, _, i in zones]


def run_measured(cmd, env):
    """Runs `cmd`; returns (wall s, exit code, stdout, peak threads seen in /proc, peak RSS in MB from wait4)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    out = {}

    def read():
        out["stdout"], out["stderr"] = p.stdout.read(), p.stderr.read()
    reader = threading.Thread(target=read)
    reader.start()
    status = f"/proc/{p.pid}/status"
    result = None
    while result is None:
        try:
            for line in open(status):
                if line.startswith("Threads:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except (OSError, ValueError):
            pass
        pid, code, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            result = (code, usage)
        else:
            time.sleep(0.002)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(result[0])
    reader.join()
    return wall, p.returncode, out["stdout"], out["stderr"], peak[0], result[1].ru_maxrss / 1024


PEER = r'''
import asyncio, json, random, struct, sys

def packet(name, qtype, rd):
    qid = random.randrange(65536)
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
    return qid, struct.pack(">HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 0) + q + struct.pack(">HH", qtype, 1)

class Once(asyncio.DatagramProtocol):
    def __init__(self, qid, done): self.qid, self.done = qid, done
    def datagram_received(self, data, addr):
        if len(data) >= 2 and struct.unpack(">H", data[:2])[0] == self.qid and not self.done.done(): self.done.set_result(data)

async def ask(gate, loop, server, port, name, qtype, rd, tcp):
    async with gate:
        qid, p = packet(name, qtype, rd)
        try:
            if tcp:
                r, w = await asyncio.wait_for(asyncio.open_connection(server, port), 5)
                w.write(struct.pack(">H", len(p)) + p)
                n = struct.unpack(">H", await asyncio.wait_for(r.readexactly(2), 5))[0]
                await asyncio.wait_for(r.readexactly(n), 5)
                w.close()
            else:
                done = loop.create_future()
                family = 10 if ":" in server else 2
                t, _ = await loop.create_datagram_endpoint(lambda: Once(qid, done), remote_addr=(server, port), family=family)
                try:
                    t.sendto(p)
                    await asyncio.wait_for(done, 5)
                finally:
                    t.close()
            return True
        except Exception:
            return False

async def main():
    questions = json.load(open(sys.argv[1]))
    gate, loop = asyncio.Semaphore(64), asyncio.get_running_loop()
    ok = await asyncio.gather(*(ask(gate, loop, *q) for q in questions))
    print(sum(ok), len(ok))

asyncio.run(main())
'''

A, AAAA, NS, SOA = 1, 28, 2, 6


def peer_questions(fleet, dns_port, parents):
    """The audit's questions, zone by zone: (server, port, name, type, rd, tcp)."""
    qs = []
    for zone, hosts, addrs in fleet:
        qs.append(("127.0.0.1", dns_port, "example.", NS, True, False))
        for server, _ in parents:
            qs += [("127.0.0.1", dns_port, server, A, True, False), ("127.0.0.1", dns_port, server, AAAA, True, False)]
        for _, address in parents:
            qs.append((address, dns_port, zone, NS, False, False))
        qs += [("127.0.0.1", dns_port, zone, NS, True, False), ("127.0.0.1", dns_port, zone, SOA, True, False)]
        for h in hosts:
            qs += [("127.0.0.1", dns_port, h, A, True, False), ("127.0.0.1", dns_port, h, AAAA, True, False)]
        for a in addrs:
            qs += [(a, dns_port, zone, SOA, False, False), (a, dns_port, zone, SOA, False, True), (a, dns_port, zone, NS, False, False)]
    return qs


def fleet_bench(a, env, record):
    print(f"9. audit of a fleet: {SETS * PER_SET} zones in {SETS} sets (own stand-ins: moto + proxy with limits, the data plane)")
    t0 = time.perf_counter()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the stand-ins are stopped on the way out
    s = StandIns()
    try:
        fleet = build_fleet(s)
        made = time.perf_counter() - t0
        s.start_dataplane()
        s.sync()
        served = time.perf_counter() - t0
        print(f"  set-up: {len(fleet)} zones made with boto3 in {made:.1f} s; the data plane served them after {served:.1f} s")
        base = [a.binary, "--endpoint-url", s.endpoint, "--resolver", f"127.0.0.1:{s.dns_port}", "--query-port", str(s.dns_port)]
        audit = base + ["audit", "--output", "json"]
        qfile = os.path.join(s.dir, "questions.json")

        def measure(label):
            runs = [run_measured(audit, env) for _ in range(3)]
            runs.sort(key=lambda r: r[0])
            wall, code, out, err, _, _ = runs[1]
            threads, rss = max(r[4] for r in runs), max(r[5] for r in runs)
            try:
                rows = json.loads(out)["zones"]
            except Exception:
                sys.exit(f"bench: audit ({label}) printed no report (exit {code}): {err.decode()[-800:]}")
            passed = sum(1 for r in rows if not r.get("problems"))
            print(f"  {label}: audit of {len(rows)} zones {wall:5.2f} s (median of 3), exit {code}, {passed} zones passed;"
                  f" peak threads {threads}, peak RSS {rss:.0f} MB")
            return wall, code, len(rows), passed, threads, rss, err

        def peer(parents):
            qs = peer_questions(fleet, s.dns_port, parents)
            json.dump(qs, open(qfile, "w"))
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", PEER, qfile], stdout=subprocess.PIPE, text=True, check=True)
            took = time.perf_counter() - t
            answered, asked = map(int, r.stdout.split())
            print(f"  peer (asyncio, 64 in flight): {asked} questions in {took:5.2f} s, {answered} answered")
            return took, asked
        # What the audit cannot go below here: its one listing of the account's zones from the stand-in (which
        # reads all of moto's zones for every page it serves), timed with boto3.
        r53 = boto3.client("route53", endpoint_url=s.endpoint, region_name="us-east-1")
        t = time.perf_counter()
        listed = sum(len(p["HostedZones"]) for p in r53.get_paginator("list_hosted_zones").paginate())
        listing = time.perf_counter() - t
        print(f"  the listing alone (boto3, {listed} zones, {-(-listed // 100)} pages): {listing:5.2f} s")
        parents = [("a.registry.test.", "127.0.0.100"), ("b.registry.test.", "127.0.0.101")]
        quick = measure("all answering")
        quick_peer = peer(parents)
        if quick[3] != quick[2]:
            print("  (zones with problems: " + quick[6].decode()[-400:] + ")")
        blackhole("127.0.0.102", s.dns_port)
        registry = json.load(open(s.registry))
        registry["silent"] = [{"Name": "c.registry.test.", "Address": "127.0.0.102"}]
        json.dump(registry, open(s.registry, "w"))
        s.sync()
        silent = measure("one parent server silent")
        silent_peer = peer(parents + [("c.registry.test.", "127.0.0.102")])
    finally:
        s.stop()
    total = time.perf_counter() - t0
    print(f"  the whole benchmark took {total:.0f} s (set-up {served:.0f} s)")
    zones = quick[2]
    verdict = lambda ok: "within" if ok else "OVER"
    record(f"`audit` of {zones} zones in {SETS} sets, all answering",
           f"{quick[0]:.2f} s, {quick[3]}/{zones} passed, peak {quick[4]} threads, {quick[5]:.0f} MB RSS",
           "10 s, 32 threads, 200 MB", f"asyncio peer, same {quick_peer[1]} questions: {quick_peer[0]:.2f} s",
           f"x{quick[0] / quick_peer[0]:.2f} the peer; {verdict(quick[0] <= 10)} 10 s, {verdict(quick[4] <= 32)} 32 threads, "
           f"{verdict(quick[5] <= 200)} 200 MB; of it the zone listing {listing:.1f} s")
    record(f"`audit` of {zones} zones in {SETS} sets, one parent server silent",
           f"{silent[0]:.2f} s, peak {silent[4]} threads, {silent[5]:.0f} MB RSS", f"one DNS timeout + 10 s = {TIMEOUT + 10:.0f} s",
           f"asyncio peer: {silent_peer[0]:.2f} s", f"{verdict(silent[0] <= TIMEOUT + 10)} the bound; benchmark run {total:.0f} s (set-up {served:.0f} s)")
