import Foundation
import Testing
import TestSupport
import Resolver

/// `queryDelegation` against a real NSD playing a parent zone (`com.`): a referral for example.com with in-bailiwick
/// glue, plus the awsdns zones it serves itself.
@Suite("queryDelegation against a real NSD")
final class DelegationQueryTests {
    let server: DNSServer
    let resolver = LDNSResolver()

    static var zones: [String: String] {
        var zones = DNSServer.awsNameServerZones()
        zones["com."] = DNSServer.zoneFile(origin: "com.", records: [
            .init("@", "NS", "a.gtld-servers.test."),
            .init("example", "NS", "ns1.example.com."), .init("example", "NS", "ns2.example.com."),
            .init("example", "NS", "ns-2050.awsdns-66.org."),
            .init("ns1.example", "A", "192.0.2.1"), .init("ns1.example", "AAAA", "2001:db8:0:0:0:0:0:1"),
            .init("ns2.example", "A", "192.0.2.2"),
            // An out-of-bailiwick host's address would be ignored as glue even if the parent sent it.
        ])
        return zones
    }

    init() throws { server = try DNSServer(zones: Self.zones) }
    deinit { server.stop() }

    func ask(_ name: String) async -> DelegationOutcome {
        await resolver.queryDelegation(name, address: "127.0.0.1", port: server.port, timeout: 3)
    }

    @Test func referralFromTheParentGivesNameServersAndGlue() async {
        let expected = Delegation(nameServers: ["ns-2050.awsdns-66.org.", "ns1.example.com.", "ns2.example.com."],
                                  glue: ["ns1.example.com.": ["192.0.2.1", "2001:db8::1"], "ns2.example.com.": ["192.0.2.2"]],
                                  authoritative: false, ttl: 300)
        #expect(await ask("example.com") == .delegation(expected), "the NS TTL comes with the referral")
        #expect(await ask("EXAMPLE.COM.") == .delegation(expected))
        // The plain authoritative query sees no answer in the same reply: that is why this API exists.
        #expect(await resolver.queryAuthoritative("example.com", type: .ns, address: "127.0.0.1", port: server.port, timeout: 3)
                == .answer([], authoritative: false))
    }

    @Test func answerFromTheZoneItselfIsAuthoritative() async {
        guard case let .delegation(d) = await ask("awsdns-64.com") else { Issue.record("no delegation"); return }
        #expect(d.nameServers == ["ns-2048.awsdns-64.com."])
        #expect(d.authoritative)
        #expect(d.glue["ns-2048.awsdns-64.com."]?.contains("127.0.0.1") == true)
    }

    @Test func failuresCarryOverFromLookups() async throws {
        #expect(await ask("missing.com") == .nxdomain)
        #expect(await ask("example.net") == .failure(rcode: "REFUSED"))
        #expect(await resolver.queryDelegation("example.com", address: "not-an-ip", port: server.port, timeout: 1)
                == .error("“not-an-ip” is not an IPv4 or IPv6 address"))
        let silent = try SilentUDPServer()
        defer { silent.stop() }
        #expect(await resolver.queryDelegation("example.com", address: "127.0.0.1", port: silent.port, timeout: 0.5) == .timeout)
        // Non-recursive: RD is clear in what was sent.
        let query = try #require(silent.received.first)
        #expect(query[2] & 0x01 == 0)
    }

    /// A resolver written before `queryDelegation` existed still compiles and says it cannot.
    @Test func defaultImplementationSaysNotSupported() async {
        struct Old: DNSResolving {
            func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome { .nxdomain }
            func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome { .nxdomain }
        }
        guard case let .error(message) = await Old().queryDelegation("example.com", address: "127.0.0.1", port: 53, timeout: 1) else {
            Issue.record("expected an error"); return
        }
        #expect(message.contains("not supported"))
    }
}
