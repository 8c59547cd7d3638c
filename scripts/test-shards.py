#!/usr/bin/env python3
"""Runs the built test suite as several test processes side by side, for `make test`.

Why: most of the suite's time is end-to-end tests waiting on their stand-ins (moto, the proxy, nsd, tmux) rather than
on the CPU, so on a 2-core machine three processes finish in far less time than one. How:
  1. The suites that measure time (timeouts, idle redraws, the fault soak's pacing) run first, one process, with
     nothing beside them: they are the ones a busy machine makes fail.
  2. Every other suite is a job; the jobs run --jobs at a time, the slowest first (their cost from the last run's
     timings in .build/suite-seconds.json when there is one, else from the hints below), the quick ones grouped so a
     process start is not paid per small suite.
  3. Each job's output is printed whole when it ends (never interleaved), the failures' again at the end, and the
     closing line counts every test: `tests: N passed, N failed` (exit 1 when a test failed or a process crashed).

Usage: test-shards.py [--jobs N] [--swift-flags "..."] [--suites REGEX]; extra environment (VANITYNS_DEB, ...) passes through.
"""
import argparse, concurrent.futures, json, os, re, shlex, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMINGS = os.path.join(ROOT, ".build", "suite-seconds.json")

# Suites whose checks measure time: run first and alone.
QUIET = ["Route53Tests.TransportTests", "Route53Tests.RetryTests", "Route53Tests.ChildProcessTests",
         "Route53Tests.ClientTests", "ResolverTests.LDNSResolverTests", "WhiteLabelTests.DNSSECPreCheckTimingTests",
         "WizardTests.TerminalTests", "CLITests.CredentialProcessSignalsTests",
         # every change served within 2 s: beside two other end-to-end suites it once took 4.3 s
         "CLITests.DataPlaneChurnTests"]
# Seconds per suite measured on this project's 2-core machine (serial run), for the first run on a clone (no
# .build/suite-seconds.json yet): only their order matters.
HINTS = {"CLITests.FleetE2ETests": 140, "CLITests.FaultSoakTests": 130, "CLITests.DNSSECE2ETests": 45, "CLITests.MigrateE2ETests": 110, "CLITests.LostAnswerE2ETests": 65,
         "CLITests.RegistryWatchE2ETests": 60, "CLITests.WizardE2ETests": 60, "CLITests.WatchE2ETests": 55,
         "CLITests.RetireE2ETests": 55, "CLITests.WhiteLabelBadInputTests": 40, "CLITests.ExportE2ETests": 35,
         "CLITests.ParentDelegationE2ETests": 25, "CLITests.DataPlaneChurnTests": 25, "CLITests.PackageTests": 20,
         "Route53Tests.StandInRoute53Tests": 18, "CLITests.WhiteLabelE2ETests": 17,
         "CLITests.WatchConfigE2ETests": 15, "CLITests.SignInCLITests": 15, "CLITests.TerminalAbuseTests": 15,
         "CLITests.AuditE2ETests": 15, "CLITests.SetsAndZonesCLITests": 12, "CLITests.CrashResumeTests": 11,
         "Route53Tests.PacingTests": 11, "CLITests.ConfigurationErrorTests": 6,
         "CLITests.CreateZonesAndRegistrarE2ETests": 6, "CLITests.FinalizeE2ETests": 6, "CLITests.SecretScanTests": 5}
# Suites cheaper than this are grouped into shared processes.
SMALL = 8.0


def test_binary(swift_flags):
    """The built test bundle (an executable on Linux) that `swift test` runs."""
    out = subprocess.run(["swift", "build", "--show-bin-path"] + swift_flags, cwd=ROOT, capture_output=True, text=True)
    path = os.path.join(out.stdout.strip(), "vanitynsPackageTests.xctest")
    if out.returncode != 0 or not os.access(path, os.X_OK):
        sys.exit("test-shards: no test build (%s): run `swift build --build-tests` first\n%s" % (path, out.stderr))
    return path


def listed_suites(binary):
    """{Module.Suite: library} for every test the bundle lists: Swift Testing's (`Module.Suite/test()`) and XCTest's
    (`Module.Class/testMethod`)."""
    suites = {}
    for library in ("swift-testing", "xctest"):
        out = subprocess.run([binary, "--testing-library", library, "--list-tests"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("test-shards: listing the %s tests failed:\n%s%s" % (library, out.stdout, out.stderr))
        for line in out.stdout.splitlines():
            head = line.strip().split("/", 1)[0]
            if "/" in line and "." in head and " " not in head:
                suites.setdefault(head, library)
    return suites


def plan(suites, jobs, costs):
    """[(label, [suite])]: the quiet group, then the rest, the dearest first, small ones grouped per job."""
    quiet = [s for s in QUIET if s in suites]
    rest = sorted((s for s in suites if s not in quiet), key=lambda s: -costs.get(s, HINTS.get(s, 1.0)))
    big = [s for s in rest if costs.get(s, HINTS.get(s, 1.0)) >= SMALL]
    small = [s for s in rest if s not in big]
    groups = [[s] for s in big]
    chunk = max(1, -(-len(small) // max(1, jobs)))
    groups += [small[i:i + chunk] for i in range(0, len(small), chunk)]
    return quiet, groups


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(suites, libraries, binary, log_dir, label):
    """One test process per library for `suites` (the bundle run directly, as `swift test` runs it: several
    `swift test` at once would wait on each other's lock of .build): (label, exit code, output, seconds)."""
    start = time.monotonic()
    output, code = "", 0
    swift_testing = [s for s in suites if libraries[s] == "swift-testing"]
    xctest = [s for s in suites if libraries[s] == "xctest"]
    commands = []
    if swift_testing:
        commands.append([binary, "--testing-library", "swift-testing", "--no-parallel"]
                        + [x for s in swift_testing for x in ("--filter", "^" + re.escape(s) + "/")])
    if xctest:
        commands.append([binary, "--testing-library", "xctest", ",".join(xctest)])
    for command in commands:
        proc = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        output += ANSI.sub("", proc.stdout)
        code = code or proc.returncode
    seconds = time.monotonic() - start
    with open(os.path.join(log_dir, label + ".log"), "w") as f:
        f.write(output)
    return label, code, output, seconds


def counts(output):
    """(passed, failed, skipped) tests in one process's Swift Testing and XCTest output."""
    failed = len(re.findall(r"^✘ Test (?!run with ).*? failed after ", output, re.M))
    passed = len(re.findall(r"^✔ Test (?!run with ).*? passed after ", output, re.M))
    skipped = len(re.findall(r"^↪ Test (?!run with ).*? skipped", output, re.M))
    for n, f in re.findall(r"Executed (\d+) tests?, with (\d+) failures?", output)[-1:]:
        passed, failed = passed + int(n) - int(f), failed + int(f)
    return passed, failed, skipped


def suite_seconds(output):
    return {m.group(1): float(m.group(2)) for m in
            re.finditer(r"^[✔✘] Suite (\S+) (?:passed|failed) after ([0-9.]+) seconds", output, re.M)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=3, help="test processes side by side (1: one after the other)")
    ap.add_argument("--swift-flags", default="", help="the flags the tests were built with (to find the build)")
    ap.add_argument("--suites", help="only the suites (Module.Suite) this regular expression finds")
    a = ap.parse_args()
    flags = shlex.split(a.swift_flags)
    log_dir = os.path.join(ROOT, ".build", "test-logs")
    os.makedirs(log_dir, exist_ok=True)
    try:
        costs = json.load(open(TIMINGS))
    except (OSError, ValueError):
        costs = {}
    binary = test_binary(flags)
    libraries = {s: lib for s, lib in listed_suites(binary).items() if not a.suites or re.search(a.suites, s)}
    suites = list(libraries)
    quiet, groups = plan(suites, a.jobs, costs)
    started = time.monotonic()
    results, measured = [], {}

    def report(result):
        label, code, output, seconds = result
        p, f, s = counts(output)
        print(f"==== {label}: {p} passed, {f} failed, {s} skipped, exit {code}, {seconds:.0f} s", flush=True)
        print(output, flush=True)
        results.append(result)
        for name, secs in suite_seconds(output).items():
            module = next((x.split(".")[0] for x in suites if x.endswith("." + name)), None)
            if module:
                measured[module + "." + name] = secs

    if quiet:
        report(run(quiet, libraries, binary, log_dir, "quiet"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = [pool.submit(run, g, libraries, binary, log_dir, g[0] if len(g) == 1 else f"group-{i}") for i, g in enumerate(groups)]
        for fut in concurrent.futures.as_completed(futures):
            report(fut.result())
    if measured:
        with open(TIMINGS, "w") as f:
            json.dump(dict(costs, **measured), f, indent=1, sort_keys=True)
    total_p = total_f = total_s = 0
    bad = []
    for label, code, output, seconds in results:
        p, f, s = counts(output)
        total_p, total_f, total_s = total_p + p, total_f + f, total_s + s
        if code != 0:
            bad.append((label, code, output, f))
    for label, code, output, f in bad:
        print(f"==== failed: {label} (exit {code}, {f} failed test{'s' if f != 1 else ''}); its log: .build/test-logs/{label}.log")
        for line in output.splitlines():
            if line.startswith("✘") or "error:" in line or "Fatal error" in line:
                print("  " + line)
    if bad and total_f == 0:
        total_f = len(bad)  # a process that crashed or could not start counts as a failure
    print(f"{len(results)} test processes, {a.jobs} at a time, {time.monotonic() - started:.0f} s")
    print(f"tests: {total_p} passed, {total_f} failed" + (f", {total_s} skipped" if total_s else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
