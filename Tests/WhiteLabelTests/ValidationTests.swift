import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

@Suite struct ValidationTests {
    @Test func aGoodRequestHasNoProblems() async throws {
        let s = try await Stand()
        #expect(await s.engine().validate(s.request()).isEmpty)
    }

    @Test func hostOutsideTheHomeDomainIsRefused() async throws {
        let s = try await Stand()
        let p = await s.engine().validate(s.request(hosts: ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.other.net"]))
        #expect(p.count == 1)
        #expect(p.first?.subject == "ns4.other.net")
        #expect(p.first?.message.contains("not inside the home domain") == true)
    }

    @Test func hostCountAndDuplicatesAreChecked() async throws {
        let s = try await Stand()
        let p = await s.engine().validate(s.request(hosts: ["a.example.com", "A.example.com.", "b.example.com"]))
        #expect(p.contains { $0.message.contains("listed twice") })
        #expect(p.contains { $0.subject == "--hosts" && $0.message.contains("set has 4 name servers") })
        let apex = await s.engine().validate(s.request(hosts: ["example.com", "b.example.com", "c.example.com", "d.example.com"]))
        #expect(apex.contains { $0.subject == "example.com" })
    }

    @Test func cnameAtAVanityHostIsRefusedWithTheReason() async throws {
        let s = try await Stand()
        s.r53.put(zoneId: s.homeZoneId, ResourceRecordSet(name: "ns2.example.com", type: "CNAME", ttl: 300, values: ["ns-2.awsdns-02.net."]))
        let p = await s.engine().validate(s.request())
        #expect(p.count == 1)
        #expect(p.first?.subject == "ns2.example.com")
        #expect(p.first?.message.contains("RFC 1912 section 2.4") == true)
        #expect(p.first?.message.contains("lame") == true)
        await #expect(throws: ValidationFailed.self) { try await s.engine().plan(s.request()) }
    }

    @Test func aliasAtAVanityHostIsRefused() async throws {
        let s = try await Stand()
        var alias = ResourceRecordSet(name: "ns1.example.com.", type: "A", ttl: nil, values: [])
        alias.resourceRecords = nil
        alias.aliasTarget = AliasTarget(hostedZoneId: "Z2FDTNDATAQYW2", dnsName: "d111.cloudfront.net.", evaluateTargetHealth: false)
        s.r53.put(zoneId: s.homeZoneId, alias)
        let p = await s.engine().validate(s.request())
        #expect(p.first?.message.contains("alias record") == true)
    }

    @Test func missingHomeZoneIsAProblemUnlessCreating() async throws {
        let s = try await Stand(createHome: false)
        let p = await s.engine().validate(s.request())
        #expect(p.count == 1)
        #expect(p.first?.message.contains("no hosted zone example.com") == true)
        #expect(p.first?.message.contains("--create-zones") == true)
        #expect(await s.engine().validate(s.request(createZones: true)).isEmpty)
    }

    @Test func zoneInAnotherSetMustBeMigrated() async throws {
        let s = try await Stand()
        let other = s.r53.addSet()
        _ = try await s.r53.createHostedZone(name: "shop.example", callerReference: "x", delegationSetId: other, comment: nil)
        _ = try await s.r53.createHostedZone(name: "blog.example", callerReference: "y", delegationSetId: nil, comment: nil)
        let p = await s.engine().validate(s.request(extra: ["shop.example", "blog.example"], createZones: true))
        #expect(p.count == 2)
        #expect(p[0].message.contains("another delegation set (\(other))"))
        #expect(p[0].message.contains("migrate it: create a new zone in the set and copy its records"))
        #expect(p[1].message.contains("its own name servers"))
    }

    @Test func privateHomeZoneIsRefused() async throws {
        let s = try await Stand(createHome: false)
        s.r53.addPrivateZone(name: "example.com")
        let p = await s.engine().validate(s.request())
        #expect(p.count == 1)
        #expect(p.first?.message.contains("private hosted zone") == true)
    }

    @Test func unknownSetIsReported() async throws {
        let s = try await Stand()
        let p = await s.engine().validate(VanityRequest(setId: "NNOSUCHSET", homeDomain: "example.com"))
        #expect(p.first?.subject == "delegation set NNOSUCHSET")
        #expect(p.first?.message.contains("no reusable delegation set") == true)
    }

    @Test func unparsableSOAIsAnErrorNotRewritten() async throws {
        let s = try await Stand()
        let bad = "{'Value': 'ns-2048.awsdns-64.com hostmaster.example.com 1 7200 900 1209600 86400'}"
        s.r53.put(zoneId: s.homeZoneId, ResourceRecordSet(name: "example.com.", type: "SOA", ttl: 900, values: [bad]))
        let p = await s.engine().validate(s.request())
        #expect(p.count == 1)
        #expect(p.first?.message.contains("SOA record cannot be read") == true)
        await #expect(throws: ValidationFailed.self) { try await s.engine().plan(s.request()) }
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "SOA")?.values == [bad])
    }

    @Test func createZonesPredictsConflictingDomainExists() async throws {
        let s = try await Stand()
        let p = await s.engine().validate(s.request(extra: ["shop.example.com", "new.example", "a.new.example"], createZones: true))
        #expect(p.count == 2)
        #expect(p[0].subject == "--zone shop.example.com")
        #expect(p[0].message.contains("ConflictingDomainExists"))
        #expect(p[1].subject == "--zone a.new.example")
        #expect(p[1].message.contains("created earlier in this run"))
        // The fake refuses the same way the service does, so the prediction matches reality.
        await #expect(throws: Route53Error.self) {
            _ = try await s.r53.createHostedZone(name: "shop.example.com", callerReference: "c", delegationSetId: s.setId, comment: nil)
        }
    }
}
