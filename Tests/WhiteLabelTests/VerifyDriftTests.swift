import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

@Suite struct VerifyDriftTests {
    let vanity = ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."]

    /// Every glue address serves example.com with the new SOA and NS; the parent (.com) delegates to the vanity hosts.
    func serveAll(_ s: Stand, mname: String = "ns1.example.com.", parentNS: [String]? = nil, parentGlue: [String: [String]]? = nil) {
        for i in 1...4 {
            for a in ["192.0.2.\(i)", "2001:db8::\(i)"] {
                s.dns.serve(address: a, zone: "example.com", soa: "\(mname) awsdns-hostmaster.amazon.com. 7 7200 900 1209600 60", ns: vanity)
            }
        }
        s.dns.set("com", .ns, .answer(["a.gtld-servers.net."], authoritative: false))
        s.dns.setAddresses("a.gtld-servers.net", v4: ["198.51.100.53"], v6: [])
        // The registry's referral, with glue as Route 53 Domains takes it (one IPv4 and one IPv6 per host).
        let glue = parentGlue ?? Dictionary(uniqueKeysWithValues: (1...4).map { ("ns\($0).example.com.", ["192.0.2.\($0)", "2001:db8::\($0)"]) })
        s.dns.setReferral(address: "198.51.100.53", "example.com", nameServers: parentNS ?? vanity, glue: glue)
    }

    @Test func verifyPassesWhenEveryServerAnswers() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        serveAll(s)
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: nil, queryPort: 5353, target: .system)
        #expect(report.rows.count == 8)
        #expect(report.rows.allSatisfy { $0.passed && $0.authoritative && $0.soaSerial == 7 && $0.soaMName == "ns1.example.com." })
        #expect(report.parentProblems.isEmpty)
        #expect(report.parentFindings.contains { $0.contains("delegates example.com to the vanity hosts") })
        #expect(report.parentFindings.contains { $0.contains("glue for ns3.example.com matching its addresses: 192.0.2.3 2001:db8::3") })
        #expect(s.dns.log.contains("@198.51.100.53:5353 example.com NS delegation"))
        #expect(report.passed)
        #expect(s.dns.log.contains("@2001:db8::3:5353 example.com SOA"))
        let text = ReportRenderer.verifyTable(report)
        #expect(text.hasSuffix("verify: passed"))
    }

    @Test func verifyFailsOnWrongMNameNonAuthoritativeAndSilentServers() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        serveAll(s, mname: "ns-1.awsdns-01.com.", parentNS: ["ns-1.awsdns-01.com."])
        s.dns.serve(address: "192.0.2.2", zone: "example.com", soa: "ns1.example.com. h. 7 7200 900 1209600 60", ns: vanity, authoritative: false)
        let report = try await s.engine().verify(homeDomain: "example.com", zones: ["shop.example"], hosts: nil, queryPort: 53, target: .system)
        #expect(!report.passed)
        let row = try #require(report.rows.first { $0.address == "192.0.2.1" && $0.zone == "example.com" })
        #expect(row.problems.contains { $0.contains("SOA MNAME is ns-1.awsdns-01.com.") })
        let na = try #require(report.rows.first { $0.address == "192.0.2.2" && $0.zone == "example.com" })
        #expect(na.problems.contains { $0.contains("not authoritative") })
        let shop = try #require(report.rows.first { $0.zone == "shop.example" })
        #expect(shop.problems.contains { $0.contains("REFUSED") })
        #expect(report.parentProblems.contains { $0.contains("still delegates example.com to ns-1.awsdns-01.com.") })
    }

    @Test func parentStillDelegatingToAWSFailsVerifyAndNamesTheServers() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        let aws = try await s.awsNames()
        serveAll(s, parentNS: aws, parentGlue: [:])
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: nil, queryPort: 53, target: .system)
        #expect(report.rows.allSatisfy { $0.passed })
        #expect(!report.passed)
        let problem = try #require(report.parentProblems.first)
        #expect(report.parentProblems.count == 1)  // no glue complaints about hosts that are not delegated
        let awsText = aws.map { $0.hasSuffix(".") ? $0 : $0 + "." }.sorted().joined(separator: " ")
        #expect(problem.hasPrefix("the parent (com) still delegates example.com to \(awsText)"), "\(problem)")
        #expect(problem.contains("update the registrar"))
    }

    @Test func staleOrMissingGlueAtTheParentIsAProblemNamingHostGlueAndExpected() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        var glue = Dictionary(uniqueKeysWithValues: (1...4).map { ("ns\($0).example.com.", ["192.0.2.\($0)", "2001:db8::\($0)"]) })
        glue["ns2.example.com."] = ["192.0.2.77"]
        glue["ns4.example.com."] = nil
        serveAll(s, parentGlue: glue)
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: nil, queryPort: 53, target: .system)
        #expect(!report.passed)
        #expect(report.parentFindings.contains { $0.contains("delegates example.com to the vanity hosts") })
        #expect(report.parentProblems.count == 2)
        #expect(report.parentProblems.contains {
            $0.contains("glue for ns2.example.com 192.0.2.77") && $0.contains("its addresses are 192.0.2.2 2001:db8::2") })
        #expect(report.parentProblems.contains { $0.contains("no glue for ns4.example.com") && $0.contains("192.0.2.4") })
    }

    @Test func parentServerThatDoesNotAnswerIsAFinding() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        serveAll(s)
        s.dns.setAddresses("a.gtld-servers.net", v4: ["198.51.100.99"], v6: [])  // nothing answers there
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: nil, queryPort: 53, target: .system)
        #expect(report.parentProblems.isEmpty)
        #expect(report.parentFindings == ["the servers of the parent zone com could not be reached (parent server a.gtld-servers.net. (198.51.100.99): no answer (timeout)); delegation and glue not checked"])
        #expect(report.passed)
    }

    @Test func unreachableParentIsAFindingNotAProblem() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        serveAll(s)
        s.dns.set("com", .ns, .timeout)
        let report = try await s.engine().verify(homeDomain: "example.com", zones: [], hosts: nil, queryPort: 53, target: .system)
        #expect(report.parentProblems.isEmpty)
        #expect(report.parentFindings.first?.contains("not checked") == true)
        #expect(report.passed)
    }

    @Test func driftIsFoundInRoute53AndAtTheRegistrar() async throws {
        let s = try await Stand()
        let engine = s.engine()
        let (plan, _) = try await s.applyAll(engine, s.request())
        let (_, ns) = try await { () async throws -> (DomainDetail, [DomainNameserver]) in
            s.domains.add("example.com", nameservers: [])
            return try #require(try await engine.registrarUpdate(plan: plan))
        }()
        try await engine.applyRegistrar(domain: "example.com", nameservers: ns)
        #expect(!(try await engine.checkDrift(homeDomain: "example.com", setId: nil, hosts: nil, queryPort: 53, target: .system)).hasDrift)
        let aws = try await s.awsNames()
        s.dns.setAddresses(aws[0], v4: ["192.0.2.99"], v6: ["2001:db8::1"])
        s.dns.set(aws[1], .aaaa, .timeout)  // a failed lookup is not drift
        let report = try await engine.checkDrift(homeDomain: "example.com", setId: s.setId, hosts: nil, queryPort: 53, target: .system)
        #expect(report.items == [
            DriftItem(location: "route53", host: "ns1.example.com", type: "A", recorded: ["192.0.2.1"], current: ["192.0.2.99"]),
            DriftItem(location: "route53domains", host: "ns1.example.com", type: "A", recorded: ["192.0.2.1"], current: ["192.0.2.99"]),
        ])
        let lines = ReportRenderer.driftLines(report)
        #expect(lines.contains("drift: route53 ns1.example.com A: recorded 192.0.2.1, now 192.0.2.99"))
        #expect(lines.contains("IPv6: no answer (timeout)"))
    }

    @Test func syncsGlueTableRepairsRoute53DomainsDrift() async throws {
        let s = try await Stand()
        let engine = s.engine()
        try await s.applyAllWithRegistrar(engine)
        let aws = try await s.awsNames()
        s.dns.setAddresses(aws[0], v4: ["192.0.2.99"], v6: ["2001:db8::1"])
        let report = try await engine.checkDrift(homeDomain: "example.com", setId: s.setId, hosts: nil, queryPort: 53, target: .system)
        #expect(report.items.contains { $0.location == "route53domains" } && report.heldByRoute53Domains == true)
        // What sync sends: the vanity hosts with their addresses now.
        let (_, update) = try #require(try await engine.registrarUpdate(domain: "example.com", rows: report.glueRows))
        #expect(update.first { $0.name == "ns1.example.com" }?.glueIps == ["192.0.2.99", "2001:db8::1"])
        try await engine.applyRegistrar(domain: "example.com", nameservers: update)
        let after = try await engine.checkDrift(homeDomain: "example.com", setId: s.setId, hosts: nil, queryPort: 53, target: .system)
        #expect(!after.items.contains { $0.location == "route53domains" }, "\(after.items)")
    }
}
