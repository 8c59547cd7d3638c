import Foundation
import Testing
import TestSupport
@testable import Resolver

/// The zones the NSD tests serve: example.com. and the four moto name server zones.
enum Fixture {
    static let exampleCom = DNSServer.zoneFile(origin: "example.com.", records: [
        .init("@", "NS", "ns1.example.com."), .init("@", "NS", "ns2.example.com."),
        .init("ns1", "A", "127.0.0.1"), .init("ns1", "AAAA", "2600:9000:5300:0:0:0:0:1"),
        .init("ns2", "A", "127.0.0.2"),
        .init("multi", "A", "192.0.2.20"), .init("multi", "A", "192.0.2.3"),
        .init("www", "CNAME", "ns1.example.com."),
        .init("away", "CNAME", "elsewhere.example.net."),
    ] + (1...60).map { .init("big", "A", "10.0.0.\($0)") })

    static var zones: [String: String] {
        var zones = DNSServer.awsNameServerZones()
        zones["example.com."] = exampleCom
        return zones
    }
}

@Suite("LDNSResolver against a real NSD")
final class LDNSResolverTests {
    let server: DNSServer
    let resolver = LDNSResolver()

    init() throws { server = try DNSServer(zones: Fixture.zones) }
    deinit { server.stop() }

    func ask(_ name: String, _ type: DNSRecordType) async -> LookupOutcome {
        await resolver.queryAuthoritative(name, type: type, address: "127.0.0.1", port: server.port, timeout: 3)
    }

    @Test func aRecordsAreSortedAndAuthoritative() async {
        #expect(await ask("multi.example.com", .a) == .answer(["192.0.2.20", "192.0.2.3"], authoritative: true))
        #expect(await ask("ns2.example.com.", .a) == .answer(["127.0.0.2"], authoritative: true))
    }

    @Test func aaaaIsInCompressedForm() async {
        #expect(await ask("ns1.example.com", .aaaa) == .answer(["2600:9000:5300::1"], authoritative: true))
    }

    @Test func nsTargetsHaveTrailingDotsWithOrWithoutDotInQuery() async {
        let expected = LookupOutcome.answer(["ns1.example.com.", "ns2.example.com."], authoritative: true)
        #expect(await ask("example.com", .ns) == expected)
        #expect(await ask("EXAMPLE.com.", .ns) == expected)
    }

    @Test func soaIsSevenFieldsJoinedBySpaces() async {
        #expect(await ask("example.com", .soa)
                == .answer(["ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 60"], authoritative: true))
    }

    @Test func cnameQueryReturnsTheAliasTarget() async {
        #expect(await ask("www.example.com", .cname) == .answer(["ns1.example.com."], authoritative: true))
        #expect(await ask("away.example.com", .cname) == .answer(["elsewhere.example.net."], authoritative: true))
        // Not an alias: NODATA for CNAME.
        #expect(await ask("ns1.example.com", .cname) == .answer([], authoritative: true))
    }

    @Test func addressQueryAtAnAliasFollowsTheChainInTheAnswer() async {
        #expect(await ask("www.example.com", .a) == .answer(["127.0.0.1"], authoritative: true))
        // The target is outside the server's zones: only the CNAME comes back, so no addresses.
        #expect(await ask("away.example.com", .a) == .answer([], authoritative: true))
    }

    @Test func nodataIsAnEmptyAnswer() async {
        #expect(await ask("ns2.example.com", .aaaa) == .answer([], authoritative: true))
    }

    @Test func nxdomain() async {
        #expect(await ask("missing.example.com", .a) == .nxdomain)
    }

    @Test func zoneNotServedIsRefused() async {
        #expect(await ask("example.org", .soa) == .failure(rcode: "REFUSED"))
    }

    @Test func recursiveQueryToTheServerTarget() async {
        let outcome = await resolver.query("ns1.example.com", type: .a, target: .server(host: "127.0.0.1", port: server.port),
                                           timeout: 3)
        #expect(outcome == .answer(["127.0.0.1"], authoritative: true))
    }

    @Test func ipv6ServerAddress() async throws {
        try #require(server.ipv6, "IPv6 loopback is not available here")
        for host in ["::1", "[::1]"] {
            let outcome = await resolver.query("ns2.example.com", type: .a, target: .server(host: host, port: server.port), timeout: 3)
            #expect(outcome == .answer(["127.0.0.2"], authoritative: true))
        }
    }

    @Test func truncatedAnswerIsAskedAgainOverTCP() async throws {
        // 60 A records do not fit the 512 bytes of a UDP answer without EDNS.
        guard case let .answer(addresses, _) = await ask("big.example.com", .a) else {
            Issue.record("no answer"); return
        }
        #expect(addresses.count == 60)
        #expect(Set(addresses) == Set((1...60).map { "10.0.0.\($0)" }))
    }

    @Test func motoNameServerFixtureAnswers() async {
        for host in DNSServer.motoNameServers {
            #expect(await ask(host, .a) == .answer(["127.0.0.1"], authoritative: true))
            #expect(await ask(host, .aaaa) == .answer(["::1"], authoritative: true))
        }
        #expect(await ask("awsdns-67.co.uk", .ns) == .answer(["ns-2051.awsdns-67.co.uk."], authoritative: true))
    }

    @Test func replaceZonesChangesTheAnswers() async throws {
        #expect(await ask("ns1.example.com", .a) == .answer(["127.0.0.1"], authoritative: true))
        let port = server.port
        try server.replaceZones(["example.com": DNSServer.zoneFile(origin: "example.com", records: [
            .init("@", "NS", "ns1.example.com."), .init("ns1", "A", "198.51.100.7"),
        ]), "example.org": DNSServer.zoneFile(origin: "example.org", records: [.init("@", "NS", "ns1.example.com.")])])
        #expect(server.port == port)
        #expect(await ask("ns1.example.com", .a) == .answer(["198.51.100.7"], authoritative: true))
        #expect(await ask("ns2.example.com", .a) == .nxdomain)
        #expect(await ask("example.org", .ns) == .answer(["ns1.example.com."], authoritative: true))
        #expect(await ask("awsdns-64.com", .soa) == .failure(rcode: "REFUSED"))
    }

    @Test func manyQueriesInParallelAllAnswer() async {
        let resolver = self.resolver, port = server.port
        let outcomes = await withTaskGroup(of: LookupOutcome.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await resolver.queryAuthoritative("multi.example.com", type: .a, address: "127.0.0.1", port: port, timeout: 3)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 40)
        #expect(outcomes.allSatisfy { $0 == .answer(["192.0.2.20", "192.0.2.3"], authoritative: true) })
    }

    @Test func systemTargetReadsResolvConf() async throws {
        let file = server.directory.appendingPathComponent("resolv.conf")
        try "# test\nsearch example.com\nnameserver 127.0.0.1\n".write(to: file, atomically: true, encoding: .utf8)
        let system = LDNSResolver(resolvConfPath: file.path, systemPort: server.port)
        #expect(await system.query("ns2.example.com", type: .a, target: .system, timeout: 3)
                == .answer(["127.0.0.2"], authoritative: true))
        // The search list is not applied: a bare label is asked as is.
        #expect(await system.query("ns2", type: .a, target: .system, timeout: 3) == .failure(rcode: "REFUSED"))
    }
}

@Suite("LDNSResolver timeouts and errors")
struct LDNSResolverFailureTests {
    let resolver = LDNSResolver()

    /// One attempt below 2 s, two attempts of half the time from 2 s: either way about `timeout` in all.
    @Test(arguments: [(1.0, 1), (2.5, 2)])
    func silentServerTimesOutInAboutTheTimeout(timeout: Double, attempts: Int) async throws {
        let silent = try SilentUDPServer()
        defer { silent.stop() }
        let clock = ContinuousClock()
        var outcome = LookupOutcome.answer([], authoritative: false)
        let elapsed = await clock.measure {
            outcome = await resolver.query("example.com", type: .a, target: .server(host: "127.0.0.1", port: silent.port),
                                           timeout: timeout)
        }
        #expect(outcome == .timeout)
        #expect(elapsed >= .seconds(timeout * 0.9))
        #expect(elapsed < .seconds(timeout + 3), "a \(timeout) s timeout took \(elapsed)")
        #expect(silent.received.count == attempts)
    }

    @Test func recursiveQueriesSetRDAndAuthoritativeOnesDoNot() async throws {
        // Two servers: after its first timeout a server is left alone for a while (DNSScheduler's silent servers).
        let silent = try SilentUDPServer(), other = try SilentUDPServer()
        defer { silent.stop(); other.stop() }
        _ = await resolver.query("example.com", type: .ns, target: .server(host: "127.0.0.1", port: silent.port), timeout: 0.3)
        _ = await resolver.queryAuthoritative("example.com", type: .ns, address: "127.0.0.1", port: other.port, timeout: 0.3)
        let queries = silent.received + other.received
        try #require(queries.count == 2)
        #expect(queries[0][2] & 0x01 == 0x01, "RD set on the recursive query")
        #expect(queries[1][2] & 0x01 == 0, "RD clear on the authoritative query")
        // No EDNS: no additional records (ARCOUNT 0).
        #expect(queries.allSatisfy { $0[10] == 0 && $0[11] == 0 })
    }

    /// Forty questions to a silent server: its share of the bound goes out at once and times out once, and the rest
    /// are answered as timed out then (DNSScheduler's silent servers), so forty cost about one timeout.
    @Test func parallelTimeoutsTakeAboutAsLongAsOne() async throws {
        let silent = try SilentUDPServer(), fresh = try SilentUDPServer()
        defer { silent.stop(); fresh.stop() }
        let clock = ContinuousClock()
        let target = ResolverTarget.server(host: "127.0.0.1", port: silent.port)
        let one = await clock.measure { _ = await resolver.query("example.com", type: .a, target: target, timeout: 1) }
        var outcomes: [LookupOutcome] = []
        let other = ResolverTarget.server(host: "127.0.0.1", port: fresh.port)
        let forty = await clock.measure {
            outcomes = await withTaskGroup(of: LookupOutcome.self) { group in
                for i in 0..<40 {
                    group.addTask { await self.resolver.query("n\(i).example.com", type: .a, target: other, timeout: 1) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        print("resolver timing: one timed-out query \(one), forty in parallel \(forty)")
        #expect(outcomes.count == 40 && outcomes.allSatisfy { $0 == .timeout })
        // Sequential would be 40 times one; in parallel it is close to one.
        #expect(forty < one * 2, "40 parallel timeouts took \(forty), one took \(one)")
        #expect(fresh.received.count < 40, "every question went to a server that had shown it answers nothing")
    }

    @Test func badInputsAreExplained() async {
        let notAnAddress = await resolver.query("example.com", type: .a, target: .server(host: "dns.example", port: 53), timeout: 1)
        #expect(notAnAddress == .error("“dns.example” is not an IPv4 or IPv6 address"))
        let badPort = await resolver.queryAuthoritative("example.com", type: .a, address: "127.0.0.1", port: 70000, timeout: 1)
        #expect(badPort == .error("port 70000 is out of range"))
        let longLabel = String(repeating: "a", count: 64) + ".example.com"
        let badName = await resolver.queryAuthoritative(longLabel, type: .a, address: "127.0.0.1", port: 53, timeout: 1)
        #expect(badName == .error("“\(longLabel)” is not a valid domain name"))
    }

    @Test func missingResolvConfIsAnError() async {
        let system = LDNSResolver(resolvConfPath: "/nonexistent/resolv.conf")
        guard case let .error(message) = await system.query("example.com", type: .a, target: .system, timeout: 1) else {
            Issue.record("expected an error"); return
        }
        #expect(message.contains("/nonexistent/resolv.conf"))
    }
}
