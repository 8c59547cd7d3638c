import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

/// `retire`'s reading of the account on the fake one: after a full set-up held by Route 53 Domains, the registrar is
/// the first thing to change; once the parent serves the AWS names their first sighting is saved (the TTL clock);
/// the zones' NS/SOA go back and the glue is planned for deletion only as what it is.
@Suite struct RetireTests {
    @Test func theRetirePlanFollowsTheAccountStepByStep() async throws {
        let s = try await Stand()
        try await s.applyAll(s.engine(), s.request())
        let aws = try await s.awsNames().map { DomainName(trusted: $0).fqdn }
        let vanity = (1...4).map { DomainNameserver(name: "ns\($0).example.com", glueIps: ["192.0.2.\($0)"]) }
        s.domains.add("example.com", nameservers: vanity)
        s.dns.set("com", .ns, .answer(["a.gtld-servers.net."], authoritative: false))
        s.dns.setAddresses("a.gtld-servers.net", v4: ["198.51.100.53"], v6: [])
        s.dns.setReferral(address: "198.51.100.53", "example.com", nameServers: vanity.map { $0.name + "." })
        let engine = s.engine()

        var p = try await engine.retirePlan(setId: s.setId, homeDomain: "example.com", hosts: nil, queryPort: 5353, target: .system)
        #expect(p.registrarToChange, "Route 53 Domains still has the vanity hosts")
        #expect(p.parentNotYet.count == 1 && p.parentSeenAt == nil)
        #expect(p.zones.map(\.zoneName) == ["example.com."])
        #expect(Set(p.zones[0].changes.map(\.role)) == [.apexNS, .soa])
        let ns = try #require(p.zones[0].changes.first { $0.role == .apexNS })
        #expect(Set(ns.after.values) == Set(aws) && ns.after.ttl == 172800)
        let soa = try #require(p.zones[0].changes.first { $0.role == .soa }?.after.values.first)
        #expect(soa.hasPrefix("\(aws[0]) awsdns-hostmaster.amazon.com. "), "\(soa)")
        #expect(p.glue?.changes.count == 8 && p.glue?.changes.allSatisfy { $0.action == .delete && $0.role == .glue } == true,
                "ns1-ns4, A and AAAA: \(p.glue?.changes.map { "\($0.after.name) \($0.after.type)" } ?? [])")

        // The registrar changed and the parent serving the AWS names: the first sighting is saved, once.
        try await engine.applyRegistrar(domain: "example.com", nameservers: aws.map { DomainNameserver(name: $0, glueIps: nil) })
        s.dns.setReferral(address: "198.51.100.53", "example.com", nameServers: aws)
        p = try await engine.retirePlan(setId: s.setId, homeDomain: "example.com", hosts: nil, queryPort: 5353, target: .system)
        #expect(!p.registrarToChange && p.parentNotYet.isEmpty)
        let seen = try #require(p.parentSeenAt)
        let again = try await engine.retirePlan(setId: s.setId, homeDomain: "example.com", hosts: nil, queryPort: 5353, target: .system)
        #expect(abs((again.parentSeenAt ?? .distantFuture).timeIntervalSince(seen)) < 1, "the TTL clock starts at the first sighting, not at every run (the journal keeps whole seconds)")
        #expect(again.cachesExpireAt != nil)
    }
}
