import Foundation
import Testing
import TestSupport

/// `check` and `sync` watch the registry itself over DNS, whoever the registrar is: dataplane.py plays a registry
/// with two parent servers (a.registry.test. and b.registry.test.), each of which can be made to serve its own glue.
@Suite(.serialized) final class RegistryWatchE2ETests {
    static let hosts = ["ns1", "ns2", "ns3", "ns4"]
    static let v4 = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]

    /// The vanity hosts of example.com as a registry delegation, with the AWS hosts' glue (ns2's changed as asked).
    static func delegation(ns2: String = "127.0.0.3", ns2IPv6: String = DataPlane.ipv6("127.0.0.3")) -> [[String: Any]] {
        zip(hosts, v4).map { h, a in ["Name": "\(h).example.com", "GlueIps": h == "ns2" ? [ns2, ns2IPv6] : [a, DataPlane.ipv6(a)]] }
    }

    func json(_ s: String) throws -> [String: Any] { try #require(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], "\(s)") }

    @Test func staleGlueOnOneParentServerIsDriftNamingThatServer() throws {
        let f = try WhiteLabelFixture()
        defer { f.stop() }
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try f.dns.waitForMotoChanges()
        let clean = try f.vanity(["check", "--domain", "example.com"])
        #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")

        // b.registry.test. alone still hands out an old address for ns2.
        try f.dns.setRegistry(servers: ["b.registry.test.": ["example.com.": Self.delegation(ns2: "192.0.2.77")]])
        let drift = try f.vanity(["check", "--domain", "example.com", "--output", "json"])
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
        let items = try json(drift.stdout)["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1, "\(items)")
        #expect(items.first?["location"] as? String == "registry b.registry.test. (127.0.0.101)")
        #expect(items.first?["host"] as? String == "ns2.example.com" && items.first?["type"] as? String == "A")
        #expect(items.first?["recorded"] as? [String] == ["192.0.2.77"] && items.first?["current"] as? [String] == ["127.0.0.3"])
        let text = try f.vanity(["check", "--domain", "example.com"])
        #expect(text.stdout.contains("drift: registry b.registry.test. (127.0.0.101) ns2.example.com A: recorded 192.0.2.77, now 127.0.0.3"), "\(text.stdout)")
    }

    @Test func syncRepairsRoute53AndSendsTheRoute53DomainsGlue() throws {
        let f = try WhiteLabelFixture()   // example.com is registered with Route 53 Domains
        defer { f.stop() }
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try f.dns.waitForMotoChanges()
        var moved = DataPlane.defaultAddresses
        moved["ns-2049.awsdns-65.net"] = DataPlane.host("127.0.0.9")
        try f.dns.setAddresses(moved)
        let drift = try f.vanity(["check", "--domain", "example.com", "--output", "json"])
        #expect(drift.status == 3)
        let locations = Set((try json(drift.stdout)["items"] as? [[String: Any]] ?? []).compactMap { $0["location"] as? String })
        #expect(locations.contains("route53") && locations.contains("route53domains") && locations.contains("registry a.registry.test. (127.0.0.100)"), "\(locations)")

        // sync repairs Route 53, then shows and sends the Route 53 Domains update (the stand-in holds the
        // registration's name servers: moto alone refuses a domain's second update), and waits for the operation.
        let sync = try f.vanity(["sync", "--domain", "example.com", "--yes"])
        #expect(sync.status == 0, "\(sync.stdout)\n\(sync.stderr)")
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == ["127.0.0.9"])
        #expect(sync.stderr.contains("Route 53 Domains: example.com") && sync.stderr.contains("ns2.example.com (127.0.0.9, ::ffff:127.0.0.9)"), "\(sync.stderr)")
        let glue = try f.moto.boto3("""
        d = domains.get_domain_detail(DomainName='example.com')['Nameservers']
        print([n.get('GlueIps') for n in d if n['Name'] == 'ns2.example.com'])
        """)
        #expect(glue.contains("127.0.0.9") && glue.contains("::ffff:127.0.0.9"), "boto3: Route 53 Domains holds the new glue: \(glue)")
        // The registry serves what Route 53 Domains now holds: nothing drifts anywhere.
        let after = try f.vanity(["check", "--domain", "example.com", "--output", "json"])
        let left = Set((try json(after.stdout)["items"] as? [[String: Any]] ?? []).compactMap { $0["location"] as? String })
        #expect(after.status == 0 && left.isEmpty, "Route 53, Route 53 Domains and the registry agree: \(left)\n\(after.stdout)")
    }

    @Test func watchWithRepairRoute53DomainsRepairsBothPlacesAndTheRegistryFollows() throws {
        let f = try WhiteLabelFixture()   // example.com is registered with Route 53 Domains
        defer { f.stop() }
        // The set's other zones are at another registrar (the registry file), delegated to the vanity hosts.
        let names = ["ns1", "ns2", "ns3", "ns4"].map { ["Name": "\($0).example.com"] as [String: Any] }
        try f.dns.setRegistry(domains: ["shop.example.": names, "blog.example.": names])
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example",
                                  "--zone", "blog.example", "--soa-rname", "hostmaster@example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        var moved = DataPlane.defaultAddresses
        moved["ns-2049.awsdns-65.net"] = DataPlane.host("127.0.0.9")
        try f.dns.setAddresses(moved)
        let watch = ["watch", "--once", "--domain", "example.com", "--set", f.setId, "--repair", "route53domains"]
        let first = try f.vanity(watch)
        // Both places are repaired in this run; the registry may not have followed Route 53 Domains yet (exit 2).
        #expect(first.status == 0 || first.status == 2, "\(first.stdout)\n\(first.stderr)")
        let logged = first.stderr.split(separator: "\n").map(String.init)
        #expect(logged.contains { $0.hasPrefix("vanityns watch: repaired route53 example.com") }, "\(first.stderr)")
        #expect(logged.contains { $0.hasPrefix("vanityns watch: repaired route53domains example.com") && $0.contains("127.0.0.9") }, "\(first.stderr)")
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == ["127.0.0.9"])
        let glue = try f.moto.boto3("""
        d = domains.get_domain_detail(DomainName='example.com')['Nameservers']
        print([n.get('GlueIps') for n in d if n['Name'] == 'ns2.example.com'])
        """)
        #expect(glue.contains("'127.0.0.9'") && glue.contains("'::ffff:127.0.0.9'"), "boto3: Route 53 Domains holds the new glue: \(glue)")
        // Once the registry serves what Route 53 Domains holds, the next run finds nothing to repair.
        let second = try f.vanity(watch)
        #expect(second.status == 0 && !second.stderr.contains("repaired"), "\(second.stdout)\n\(second.stderr)")
    }

    @Test func aDomainAtAnotherRegistrarIsWatchedAndSyncSaysWhatToEnterThere() throws {
        let f = try WhiteLabelFixture(domains: false)   // example.com is not registered with Route 53 Domains
        defer { f.stop() }
        try f.dns.setRegistry(domains: ["example.com.": Self.delegation()])
        let apply = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try f.dns.waitForMotoChanges()
        #expect(try f.vanity(["check", "--domain", "example.com"]).status == 0)

        // AWS moves ns-2049 (behind ns2): Route 53's glue and both registry servers are stale.
        var moved = DataPlane.defaultAddresses
        moved["ns-2049.awsdns-65.net"] = DataPlane.host("127.0.0.9")
        try f.dns.setAddresses(moved)
        let drift = try f.vanity(["check", "--domain", "example.com", "--output", "json"])
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
        let locations = Set((try json(drift.stdout)["items"] as? [[String: Any]] ?? []).compactMap { $0["location"] as? String })
        #expect(locations == ["route53", "registry a.registry.test. (127.0.0.100)", "registry b.registry.test. (127.0.0.101)"])

        // sync repairs Route 53 and prints the table for the other registrar, with its own exit code.
        let sync = try f.vanity(["sync", "--domain", "example.com", "--yes"])
        #expect(sync.status == 4, "\(sync.stdout)\n\(sync.stderr)")
        #expect(try f.values("example.com.", "ns2.example.com.", "A") == ["127.0.0.9"])
        #expect(sync.stdout.contains("At the registrar of example.com"), "\(sync.stdout)")
        let row = sync.stdout.split(separator: "\n").first { $0.contains("ns2.example.com") && !$0.contains("registry") }
        #expect(row?.contains("127.0.0.9") == true && row?.contains("::ffff:127.0.0.9") == true, "\(sync.stdout)")
        let again = try f.vanity(["check", "--domain", "example.com"])
        #expect(again.status == 3, "the registry still serves the old glue: \(again.stdout)")
        #expect(!again.stdout.contains("drift: route53 "), "Route 53 itself is repaired: \(again.stdout)")

        // The operator enters the table at the registrar; once the registry serves it, check and sync are clean.
        try f.dns.setRegistry(domains: ["example.com.": Self.delegation(ns2: "127.0.0.9", ns2IPv6: DataPlane.ipv6("127.0.0.9"))])
        let done = try f.vanity(["check", "--domain", "example.com"])
        #expect(done.status == 0, "\(done.stdout)\n\(done.stderr)")
        #expect(try f.vanity(["sync", "--domain", "example.com", "--yes"]).status == 0)
    }

    @Test func route53DomainsUnreachableOrRefusedIsANoteNotAFailure() throws {
        let f = try WhiteLabelFixture(domains: false)
        defer { f.stop() }
        try f.dns.setRegistry(domains: ["example.com.": Self.delegation()])
        #expect(try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"]).status == 0)
        try f.dns.waitForMotoChanges()
        let denied = try LoopbackPythonServer.stub(status: 400, contentType: "application/x-amz-json-1.1",
            body: #"{"__type":"AccessDeniedException","message":"User: arn:aws:sts::123456789012:assumed-role/cron/check is not authorized to perform: route53domains:GetDomainDetail"}"#)
        defer { denied.stop() }
        let closed = "http://127.0.0.1:\(LocalServices.freePort())"
        for endpoint in [denied.endpoint, closed] {
            let clean = try f.vanity(["check", "--domain", "example.com"], overriding: ["--domains-endpoint-url": endpoint])
            #expect(clean.status == 0, "\(endpoint): \(clean.stdout)\n\(clean.stderr)")
            #expect(clean.stdout.contains("note: Route 53 Domains could not be read"), "\(clean.stdout)")
        }
        #expect(try f.vanity(["check", "--domain", "example.com"], overriding: ["--domains-endpoint-url": denied.endpoint]).stdout.contains("AccessDeniedException"))
        // Drift is still found, and still exit 3.
        try f.dns.setRegistry(servers: ["a.registry.test.": ["example.com.": Self.delegation(ns2: "192.0.2.5")]])
        let drift = try f.vanity(["check", "--domain", "example.com"], overriding: ["--domains-endpoint-url": denied.endpoint])
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
    }
}
