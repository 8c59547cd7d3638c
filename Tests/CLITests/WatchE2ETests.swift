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

    /// The registry's delegation of example.com to the vanity hosts, ns2's glue as given.
    static func delegation(ns2: [String] = ["127.0.0.3", "::1"]) -> [[String: Any]] {
        zip(hosts, v4).map { h, a in ["Name": "\(h).example.com", "GlueIps": h == "ns2" ? ns2 : [a, "::1"]] }
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
        #expect(logged.count == 1 && logged[0].contains("127.0.0.3 -> 127.0.0.9") && logged[0].contains("journal "), "\(first.stderr)")
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
