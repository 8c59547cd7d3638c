import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

/// FakeDNS's authoritative answers over TCP too (FakeDNS itself has no TCP path).
struct BothTransports: DNSResolving {
    let dns: FakeDNS
    func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome {
        await dns.query(name, type: type, target: target, timeout: timeout)
    }
    func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome {
        await dns.queryAuthoritative(name, type: type, address: address, port: port, timeout: timeout)
    }
    func queryAuthoritativeTCP(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome {
        await dns.queryAuthoritative(name, type: type, address: address, port: port, timeout: timeout)
    }
}

/// The check before a registrar update: each vanity host at each glue address, UDP and TCP, SOA and NS.
@Suite struct PreflightTests {
    let hosts = (1...4).map { GlueRow(host: "ns\($0).example.com", ipv4: "192.0.2.\($0)", ipv6: "2001:db8::\($0)") }
    let ns = (1...4).map { "ns\($0).example.com." }

    func engine(_ dns: FakeDNS) async throws -> WhiteLabelEngine {
        let s = try await Stand()
        return WhiteLabelEngine(route53: s.r53, domains: nil, resolver: BothTransports(dns: dns), stateDirectory: s.stateDir,
                                clock: .immediate, pollInterval: 0, lookupTimeout: 1)
    }

    func serveAll(_ dns: FakeDNS, serial: Int = 1) {
        for h in hosts { for a in [h.ipv4!, h.ipv6!] {
            dns.serve(address: a, zone: "example.com", soa: "ns1.example.com. hostmaster.example.com. \(serial) 7200 900 1209600 86400", ns: ns)
        } }
    }

    @Test func everyHostAnsweringAlikePasses() async throws {
        let dns = FakeDNS()
        serveAll(dns)
        let check = try await engine(dns).delegationPreflight(zone: "example.com", hosts: hosts, port: 53, settle: 0)
        #expect(check.passed, "\(check.failures)")
        #expect(check.asked == 16 && check.serials == [1])
    }

    @Test func aSecondSerialAnUnauthoritativeAnswerAndSilenceAreEachNamed() async throws {
        let dns = FakeDNS()
        serveAll(dns)
        dns.serve(address: "192.0.2.2", zone: "example.com", soa: "ns1.example.com. hostmaster.example.com. 7 7200 900 1209600 86400", ns: ns)
        dns.serve(address: "192.0.2.3", zone: "example.com", soa: "ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400", ns: ns,
                  authoritative: false)
        let silentHosts = hosts + [GlueRow(host: "ns5.example.com", ipv4: "192.0.2.99", ipv6: nil)]
        let check = try await engine(dns).delegationPreflight(zone: "example.com", hosts: silentHosts, port: 53, settle: 0)
        let lines = check.failures.map(\.description)
        #expect(!check.passed)
        #expect(lines.contains { $0.hasPrefix("ns2.example.com at 192.0.2.2 over UDP: SOA serial 7") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("ns3.example.com at 192.0.2.3 over TCP:") && $0.contains("not authoritative") }, "\(lines)")
        #expect(lines.contains("ns5.example.com at 192.0.2.99 over UDP: SOA query: no answer (timeout)"), "\(lines)")
        // ns5 is one of the hosts being sent, so every other server's NS set (without it) is wrong as well.
        #expect(lines.contains { $0.hasPrefix("ns1.example.com at 192.0.2.1 over UDP: NS are") }, "\(lines)")
        #expect(check.refusal(skipFlag: "--skip-preflight").last?.contains("--skip-preflight") == true)
    }

    /// retire: the registrar moves to the AWS names while the zone still names the vanity hosts, so the AWS servers
    /// must answer with those NS; a server that does not serve the zone at all is named.
    @Test func theAWSNamesMustAnswerWithTheNSTheZoneHoldsNow() async throws {
        let dns = FakeDNS()
        let aws = (1...4).map { GlueRow(host: "ns-\($0).awsdns-\($0).net", ipv4: "198.51.100.\($0)", ipv6: nil) }
        for h in aws.prefix(3) {
            dns.serve(address: h.ipv4!, zone: "example.com", soa: "ns1.example.com. hostmaster.example.com. 3 7200 900 1209600 86400", ns: ns)
        }
        let e = try await engine(dns)
        let partly = await e.delegationPreflight(zone: "example.com", hosts: aws, port: 53, expectedNS: ns, settle: 0)
        #expect(!partly.passed && partly.failures.allSatisfy { $0.host == "ns-4.awsdns-4.net" }, "\(partly.failures)")
        #expect(partly.refusal(skipFlag: "--skip-preflight")[0].contains("NS = ns1.example.com ns2.example.com ns3.example.com ns4.example.com"))
        dns.serve(address: "198.51.100.4", zone: "example.com", soa: "ns1.example.com. hostmaster.example.com. 3 7200 900 1209600 86400", ns: ns)
        let all = await e.delegationPreflight(zone: "example.com", hosts: aws, port: 53, expectedNS: ns, settle: 0)
        #expect(all.passed && all.asked == 8, "\(all.failures)")
        // Asked to list the AWS names instead, the same answers are wrong everywhere.
        let wrong = await e.delegationPreflight(zone: "example.com", hosts: aws, port: 53, settle: 0)
        #expect(!wrong.passed && wrong.failures.contains { $0.problem.hasPrefix("NS are") }, "\(wrong.failures)")
    }
}
