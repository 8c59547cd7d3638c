import Foundation
import Testing
import TestSupport

/// `vanityns watch --once` against the stand-ins, as a timer runs it: example.com at another registrar (the data
/// plane's registry, two parent servers), the AWS host behind ns2 moved, Route 53's glue repaired by policy, the
/// registry's reported; metrics checked with promtool and read back, the alert command run once per incident.
@Suite(.serialized) final class WatchE2ETests {
    static let hosts = ["ns1", "ns2", "ns3", "ns4"]
    static let v4 = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
    /// Where ns-2049 (behind ns2) moves: an IPv4 the data plane serves at, and the IPv4-mapped IPv6 of it, which
    /// reaches the same nsd over an IPv6 socket (loopback has no other IPv6 address to move to).
    static let movedV4 = "127.0.0.9", movedV6 = "::ffff:127.0.0.9"

    /// The registry's delegation of example.com to the vanity hosts (each with its AWS host's IPv4 and IPv6, as the
    /// data plane serves them), ns2's glue as given.
    static func delegation(ns2: [String] = ["127.0.0.3", DataPlane.ipv6("127.0.0.3")]) -> [[String: Any]] {
        zip(hosts, v4).map { h, a in ["Name": "\(h).example.com", "GlueIps": h == "ns2" ? ns2 : [a, DataPlane.ipv6(a)]] }
    }

    let f: WhiteLabelFixture
    let dir: URL
    var metrics: String { dir.appendingPathComponent("vanityns.prom").path }
    var alerts: URL { dir.appendingPathComponent("alerts") }
    var alertScript: String { dir.appendingPathComponent("alert.sh").path }

    init() throws {
        f = try WhiteLabelFixture(domains: false)
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vanityns-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: alerts, withIntermediateDirectories: true)
        // Each call leaves its stdin in a file of its own: the test counts the calls and reads what each was given.
        try "#!/bin/sh\nn=$(ls \"$1\" | wc -l)\ncat >\"$1/alert-$n.json\"\n".write(toFile: alertScript, atomically: true, encoding: .utf8)
        chmod(alertScript, 0o755)
        try register(example: Self.delegation())
        // The full set-up: every zone of the set (the seed's example.com, shop.example, blog.example) white-label end
        // to end, so that the audit passes before anything moves.
        let apply = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example", "--zone", "blog.example",
                                  "--soa-rname", "hostmaster@example.com"])
        try #require(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try f.dns.waitForMotoChanges()
    }
    deinit { f.stop(); try? FileManager.default.removeItem(at: dir) }

    /// What the registry serves: example.com with `example` as its glue, shop.example and blog.example delegated to the
    /// vanity hosts (which are outside them: no glue).
    func register(example: [[String: Any]]) throws {
        let names = Self.hosts.map { ["Name": "\($0).example.com"] as [String: Any] }
        try f.dns.setRegistry(domains: ["example.com.": example, "shop.example.": names, "blog.example.": names])
    }

    func watch(_ repair: String, _ more: [String] = []) throws -> LocalServices.Output {
        try f.vanity(["watch", "--once", "--domain", "example.com", "--set", f.setId, "--repair", repair, "--metrics-file", metrics,
                      "--alert-command", "\(alertScript) \(alerts.path)"] + more)
    }

    /// The alerts sent so far, oldest first.
    func sentAlerts() throws -> [[String: Any]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: alerts.path).sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }
        return try files.map { try #require(JSONSerialization.jsonObject(with: Data(contentsOf: alerts.appendingPathComponent($0))) as? [String: Any]) }
    }

    /// The metrics file, after `promtool check metrics` accepts it: sample (name and labels as written) -> value.
    func readMetrics() throws -> [String: Double] {
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let promtool = try LocalServices.run("/usr/bin/promtool", ["check", "metrics"], stdin: text, check: false)
        #expect(promtool.status == 0, "promtool: \(promtool.stdout)\(promtool.stderr)\n\(text)")
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let v = Double(line[line.index(after: space)...]) else { Issue.record("unparsable: \(line)"); continue }
            out[String(line[..<space])] = v
        }
        return out
    }

    static func glue(_ host: String, _ family: String, _ place: String) -> String {
        "vanityns_glue_current{domain=\"example.com\",host=\"\(host).example.com\",family=\"\(family)\",place=\"\(place)\"}"
    }

    func moveNS2() throws {
        var moved = DataPlane.defaultAddresses
        moved["ns-2049.awsdns-65.net"] = ["A": [Self.movedV4], "AAAA": [Self.movedV6]]
        try f.dns.setAddresses(moved)
    }

    @Test func repairsRoute53ReportsTheRegistryAndAlertsOncePerIncident() throws {
        let clean = try watch("route53")
        #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")
        #expect(try sentAlerts().isEmpty, "nothing was wrong: no alert")
        let before = try readMetrics()
        #expect(before[Self.glue("ns2", "ipv4", "route53")] == 1 && before[Self.glue("ns2", "ipv4", "a.registry.test")] == 1, "\(before)")
        let zones = before.filter { $0.key.hasPrefix("vanityns_zone_delegation_ok{") }
        #expect(zones.count == 3 && zones.values.allSatisfy { $0 == 1 }, "\(zones)")
        #expect(zones["vanityns_zone_delegation_ok{zone=\"example.com\",set=\"\(f.setId)\"}"] == 1, "\(zones)")

        try moveNS2()
        let first = try watch("route53")
        #expect(first.status == 2, "the registry still needs a person: \(first.stdout)\n\(first.stderr)")
        // Route 53's glue is repaired, as boto3 reads it, and the change is logged on stderr with its journal.
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == [Self.movedV4])
        #expect(try f.values("example.com.", "ns2.example.com.", "AAAA") == [Self.movedV6])
        let logged = first.stderr.split(separator: "\n").filter { $0.hasPrefix("vanityns watch: repaired route53 example.com") }
        #expect(logged.count == 1 && logged[0].contains("127.0.0.3 -> 127.0.0.9") && logged[0].contains("journaled in \(f.stateDir)"), "\(first.stderr)")
        let metrics = try readMetrics()
        for family in ["ipv4", "ipv6"] {
            #expect(metrics[Self.glue("ns2", family, "route53")] == 1, "repaired: \(metrics)")
            #expect(metrics[Self.glue("ns2", family, "a.registry.test")] == 0 && metrics[Self.glue("ns2", family, "b.registry.test")] == 0, "\(metrics)")
            #expect(metrics[Self.glue("ns1", family, "a.registry.test")] == 1)
        }
        #expect(metrics["vanityns_watch_repairs_total{domain=\"example.com\",place=\"route53\"}"] == 1, "\(metrics)")
        #expect((metrics["vanityns_watch_duration_seconds"] ?? 0) > 0)
        let success = try #require(metrics["vanityns_watch_last_success_timestamp_seconds"])
        #expect(abs(success - Date().timeIntervalSince1970) < 120)

        var sent = try sentAlerts()
        #expect(sent.count == 1, "one alert for the new incident: \(sent)")
        let alert = try #require(sent.first)
        #expect(alert["event"] as? String == "problem" && alert["domain"] as? String == "example.com")
        let repaired = alert["repaired"] as? [[String: Any]] ?? []
        #expect(repaired.first?["place"] as? String == "route53" && (repaired.first?["journal"] as? String)?.isEmpty == false, "\(alert)")
        let problems = (alert["problems"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
        #expect(problems.contains("glue registry a.registry.test. (127.0.0.100) ns2.example.com A"), "\(problems)")
        #expect(!problems.contains { $0.hasPrefix("glue route53 ") }, "Route 53 is repaired: \(problems)")
        let table = (alert["glue"] as? [[String: Any]] ?? []).first { $0["host"] as? String == "ns2.example.com" }
        #expect(table?["ipv4"] as? String == Self.movedV4 && table?["ipv6"] as? String == Self.movedV6, "the table to enter: \(alert)")
        #expect((alert["actions"] as? [String] ?? []).contains { $0.contains("at the registrar of example.com") }, "\(alert)")

        // The same incident on the next run: no second alert, nothing more repaired.
        let second = try watch("route53")
        #expect(second.status == 2)
        #expect(try sentAlerts().count == 1, "no alert for a known incident")
        #expect(try readMetrics()["vanityns_watch_repairs_total{domain=\"example.com\",place=\"route53\"}"] == 1)

        // The operator enters the table at the registrar: one "cleared" alert, every place current.
        try register(example: Self.delegation(ns2: [Self.movedV4, Self.movedV6]))
        let third = try watch("route53")
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        sent = try sentAlerts()
        #expect(sent.count == 2 && sent.last?["event"] as? String == "cleared", "\(sent)")
        let after = try readMetrics()
        let glue = after.filter { $0.key.hasPrefix("vanityns_glue_current{") }
        #expect(glue.count == 4 * 2 * 3, "4 hosts, 2 families, route53 and two parent servers: \(glue.keys.sorted())")
        #expect(glue.values.allSatisfy { $0 == 1 }, "\(glue)")
        #expect(try watch("route53").status == 0 && (try sentAlerts()).count == 2, "healthy stays quiet")
    }

    @Test func repairNoneWritesNothing() throws {
        try moveNS2()
        try f.moto.resetProxyStats()
        let run = try watch("none")
        #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
        let ops = try f.moto.proxyStats().byOperation.keys.sorted()
        #expect(try f.moto.writeRequests() == 0, "\(ops)")
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == ["127.0.0.3"])
        #expect(!run.stderr.contains("repaired"), "\(run.stderr)")
        let m = try readMetrics()
        #expect(m[Self.glue("ns2", "ipv4", "route53")] == 0 && m[Self.glue("ns2", "ipv6", "route53")] == 0, "\(m)")
        let sent = try sentAlerts()
        #expect(sent.count == 1 && (sent.first?["problems"] as? [[String: Any]] ?? []).contains { $0["key"] as? String == "glue route53 ns2.example.com A" })
        #expect((sent.first?["actions"] as? [String] ?? []).contains { $0.contains("vanityns sync --domain example.com") }, "\(sent)")
    }
}

extension WatchE2ETests {
    /// The watchdog going blind (Route 53 unreachable) is an incident of its own, told once and cleared once; an
    /// alert command that fails is run again on the next run.
    @Test func aCheckThatCannotRunAndAFailedAlertAreEachToldOnce() throws {
        let closed = "http://127.0.0.1:\(LocalServices.freePort())"
        for _ in 0..<2 {
            let blind = try f.vanity(["watch", "--once", "--domain", "example.com", "--set", f.setId, "--alert-command", "\(alertScript) \(alerts.path)"],
                                     overriding: ["--endpoint-url": closed])
            #expect(blind.status == 1 && blind.stderr.contains("vanityns watch: example.com: the check could not run"), "\(blind.stderr)")
        }
        var sent = try sentAlerts()
        #expect(sent.count == 1 && sent[0]["event"] as? String == "problem", "\(sent)")
        #expect((sent.first?["problems"] as? [[String: Any]] ?? []).map { $0["key"] as? String } == ["check"], "\(sent)")
        #expect(try watch("none").status == 0)
        sent = try sentAlerts()
        #expect(sent.count == 2 && sent[1]["event"] as? String == "cleared" && sent[1]["cleared"] as? [String] == ["check"], "\(sent)")

        try moveNS2()
        let failing = dir.appendingPathComponent("fail.sh").path
        try "#!/bin/sh\ncat >/dev/null\nexit 7\n".write(toFile: failing, atomically: true, encoding: .utf8)
        chmod(failing, 0o755)
        let refused = try f.vanity(["watch", "--once", "--domain", "example.com", "--alert-command", failing])
        #expect(refused.status == 2 && refused.stderr.contains("the alert command failed (\(failing) exited with status 7); it runs again on the next run"),
                "\(refused.stderr)")
        #expect(try watch("none").status == 2)
        sent = try sentAlerts()
        #expect(sent.count == 3 && sent[2]["event"] as? String == "problem", "the failed alert is sent on the next run: \(sent.count)")
    }

    /// `check` and `audit` as monitoring plugins: one status line, the guidelines' exit codes, perfdata.
    @Test func checkAndAuditSpeakTheNagiosPluginFormat() throws {
        let line = #"^VANITYNS (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| [^\n]+)?\n$"#
        let ok = try f.vanity(["check", "--domain", "example.com", "--output", "nagios"])
        #expect(ok.status == 0 && ok.stdout.hasPrefix("VANITYNS OK - ") && ok.stdout.range(of: line, options: .regularExpression) != nil, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("| stale_glue=0;;0;0 stale_places=0;;0;0 unverified=0;0;;0 hosts=4;;;0"), "\(ok.stdout)")
        let audit = try f.vanity(["audit", "--domain", "example.com", "--output", "nagios"])
        #expect(audit.status == 0 && audit.stdout.hasPrefix("VANITYNS OK - all 3 zones"), "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("zones=3;;;0 failing=0;;0;0 vanity=3;;;0;3"), "\(audit.stdout)")

        try moveNS2()
        let critical = try f.vanity(["check", "--domain", "example.com", "--output", "nagios"])
        #expect(critical.status == 2 && critical.stdout.hasPrefix("VANITYNS CRITICAL - example.com: stale glue at 3 places"), "\(critical.stdout)")
        #expect(critical.stdout.range(of: line, options: .regularExpression) != nil && critical.stdout.contains("stale_glue=6;;0;0"), "\(critical.stdout)")
        let failing = try f.vanity(["audit", "--domain", "example.com", "--output", "nagios"])
        #expect(failing.status == 2 && failing.stdout.hasPrefix("VANITYNS CRITICAL - 3 of 3 zones"), "the old address answers no more: \(failing.stdout)")
        #expect(failing.stdout.contains("failing=3;;0;0"), "\(failing.stdout)")

        // Route 53 unreachable: UNKNOWN, exit 3, the reason on the status line.
        let closed = "http://127.0.0.1:\(LocalServices.freePort())"
        let unknown = try f.vanity(["check", "--domain", "example.com", "--output", "nagios"], overriding: ["--endpoint-url": closed])
        #expect(unknown.status == 3 && unknown.stdout.hasPrefix("VANITYNS UNKNOWN - "), "\(unknown.stdout)\(unknown.stderr)")
        #expect(unknown.stdout.range(of: line, options: .regularExpression) != nil, "\(unknown.stdout)")
        let usage = try f.vanity(["check", "--output", "nagios"])   // no --domain
        #expect(usage.status == 3 && usage.stdout.hasPrefix("VANITYNS UNKNOWN - Missing expected argument '--domain <domain>'"), "\(usage.stdout)\(usage.stderr)")
        let elsewhere = try f.vanity(["verify", "--domain", "example.com", "--output", "nagios"])
        #expect(elsewhere.status == 64 && elsewhere.stderr.contains("for `check` and `audit`"), "\(elsewhere.stderr)")
    }
}

/// Bad watch.conf files: a clear error naming the file, line and key, exit 64 (1 for a set the account lacks), and
/// nothing checked or written.
@Suite(.serialized) final class WatchConfigE2ETests {
    let f: WhiteLabelFixture
    let dir: URL
    init() throws {
        f = try WhiteLabelFixture(domains: false)
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vanityns-watchconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    deinit { f.stop(); try? FileManager.default.removeItem(at: dir) }

    func run(_ config: String) throws -> LocalServices.Output {
        let file = dir.appendingPathComponent("watch.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        try f.moto.resetProxyStats()
        let out = try f.vanity(["watch", "--once", "--config", file.path, "--metrics-file", dir.appendingPathComponent("m.prom").path])
        #expect(try f.moto.writeRequests() == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.prom").path), "nothing checked, no metrics")
        #expect(!FileManager.default.fileExists(atPath: f.stateDir + "/watch.json"), "no state saved")
        #expect(out.stdout.isEmpty, "\(out.stdout)")
        return out
    }

    @Test func badConfigFilesAreRefusedBeforeAnythingIsChecked() throws {
        let file = dir.appendingPathComponent("watch.conf").path
        let unknown = try run("[domain example.com]\nset = \(f.setId)\nrepiar = route53\n")
        #expect(unknown.status == 64 && unknown.stderr.contains("\(file) line 3: key repiar in [domain example.com]: unknown key"), "\(unknown.stderr)")

        let twice = try run("# two teams\n[domain example.com]\nrepair = none\n\n[domain Example.COM.]\nrepair = route53\n")
        #expect(twice.status == 64 && twice.stderr.contains("\(file) line 5: a second section for example.com (the first is on line 2)"), "\(twice.stderr)")

        let policy = try run("[domain example.com]\nrepair = always\n")
        #expect(policy.status == 64 && policy.stderr.contains("line 2: key repair") && policy.stderr.contains("none, route53 or route53domains"), "\(policy.stderr)")

        let script = dir.appendingPathComponent("page.sh").path
        try "#!/bin/sh\ncat >/dev/null\n".write(toFile: script, atomically: true, encoding: .utf8)   // mode 644: not executable
        let alert = try run("[domain example.com]\nset = \(f.setId)\n\nalert_command = \(script) --team dns\n")
        #expect(alert.status == 64 && alert.stderr.contains("line 4: key alert_command in [domain example.com]: \(script) is not executable"), "\(alert.stderr)")
        let missing = try run("[domain example.com]\nalert_command = page-the-dns-team\n")
        #expect(missing.status == 64 && missing.stderr.contains("page-the-dns-team is not an executable file on PATH"), "\(missing.stderr)")

        let noSet = try run("[domain example.com]\nrepair = route53\n\n[domain shop.example]\nset = NOSUCHSET0000000000\n")
        #expect(noSet.status == 1 && noSet.stderr.contains("\(file) line 5: set NOSUCHSET0000000000 for shop.example: there is no such delegation set"), "\(noSet.stderr)")

        let good = "[domain example.com]\nrepair = route53\n"
        try good.write(to: dir.appendingPathComponent("good.conf"), atomically: true, encoding: .utf8)
        for (option, value) in [("--state-dir", "/etc/passwd/vanityns"), ("--metrics-file", "/nonexistent-folder/vanityns.prom")] {
            try f.moto.resetProxyStats()
            let out = try f.vanity(["watch", "--once", "--config", dir.appendingPathComponent("good.conf").path]
                                   + (option == "--metrics-file" ? [option, value] : []), overriding: option == "--state-dir" ? [option: value] : [:])
            #expect(out.status == 1 && out.stderr.contains("is not a writable folder; nothing was checked"), "\(option): \(out.stderr)")
            #expect(try f.moto.writeRequests() == 0 && out.stdout.isEmpty)
        }

        let section = try run("[profile ops]\nregion = us-east-1\n")
        #expect(section.status == 64 && section.stderr.contains("line 1: section [profile ops]: expected [domain NAME]"), "\(section.stderr)")
        let json = try f.vanity(["watch", "--once", "--domain", "example.com", "--output", "json"])
        #expect(json.status == 64 && json.stderr.contains("the metrics file (--metrics-file) and the alert JSON"), "\(json.stderr)")
        let none = try run("# nothing yet\n")
        #expect(none.status == 64 && none.stderr.contains("no [domain NAME] section"), "\(none.stderr)")
    }

    /// The example the .deb installs as /etc/vanityns/watch.conf is valid and, until edited, watches nothing.
    @Test func theShippedExampleIsCommentedOut() throws {
        let example = try String(contentsOf: LocalServices.packageRoot.appendingPathComponent("packaging/watch.conf"), encoding: .utf8)
        let out = try run(example)
        #expect(out.status == 64 && out.stderr.contains("no [domain NAME] section: nothing to watch"), "\(out.stderr)")
        let uncommented = example.split(separator: "\n").map { $0.hasPrefix("# ") && ($0.contains(" = ") || $0.hasPrefix("# [domain")) ? String($0.dropFirst(2)) : String($0) }
            .joined(separator: "\n").replacingOccurrences(of: "N0123456789ABCDEFGHIJ", with: f.setId)
            .replacingOccurrences(of: "profile = vanityns-watch\n", with: "").replacingOccurrences(of: "/usr/local/bin/page-dns-team", with: "/bin/true")
        let file = dir.appendingPathComponent("example.conf")
        try uncommented.write(to: file, atomically: true, encoding: .utf8)
        let checked = try f.vanity(["watch", "--once", "--config", file.path, "--repair", "none"])
        #expect([0, 2].contains(checked.status) && checked.stdout.hasPrefix("example.com: glue current at"), "\(uncommented)\n\(checked.stdout)\(checked.stderr)")
    }
}
