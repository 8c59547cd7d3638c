import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

@Suite struct PlannerTests {
    @Test func fullPlanForTheHomeZone() async throws {
        let s = try await Stand()
        let aws = try await s.awsNames()
        let plan = try await s.engine().plan(s.request())
        #expect(plan.setId == s.setId)
        #expect(plan.homeDomain == "example.com.")
        #expect(plan.zones.count == 1)
        let z = plan.zones[0]
        #expect(z.isHome && !z.createInSet && z.zoneId == s.homeZoneId)
        let glue = z.changes.filter { $0.role == .glue }
        #expect(glue.count == 8)
        #expect(glue.allSatisfy { $0.action == .create && $0.before == nil && $0.after.ttl == 60 })
        #expect(glue.first { $0.after.name == "ns3.example.com." && $0.after.type == "AAAA" }?.after.values == ["2001:db8::3"])
        let ns = try #require(z.changes.first { $0.role == .apexNS })
        #expect(ns.action == .upsert)
        #expect(ns.before?.values == aws.map { $0 + "." })
        #expect(ns.after.values == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."])
        #expect(ns.after.ttl == 60)
        let soa = try #require(z.changes.first { $0.role == .soa })
        #expect(soa.after.values == ["ns1.example.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60"])
        #expect(soa.after.ttl == 900)
        #expect(plan.nameServers.map(\.vanityHost) == ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"])
        #expect(s.engine().registrarRows(plan) == (0..<4).map { GlueRow(host: "ns\($0 + 1).example.com", ipv4: "192.0.2.\($0 + 1)", ipv6: "2001:db8::\($0 + 1)") })
    }

    @Test func theSOARNameCanBeTheOperatorsOwnMailbox() async throws {
        let s = try await Stand()
        var request = s.request()
        request.soaRName = "Hostmaster@Example.com"
        let soa = try #require(try await s.engine().plan(request).zones[0].changes.first { $0.role == .soa })
        #expect(soa.after.values == ["ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 60"], "no AWS name left in the SOA")
        #expect(try VanityRequest.rname("hostmaster.example.com").get() == "hostmaster.example.com.")
        for bad in ["first.last@example.com", "hostmaster@", "example.com", "host master@example.com"] {
            request.soaRName = bad
            let problems = await s.engine().validate(request)
            #expect(problems.contains { $0.subject == "--soa-rname \(bad)" }, "\(bad): \(problems)")
        }
    }

    @Test func missingAAAAIsAWarningAndOnlyAGlue() async throws {
        let s = try await Stand()
        let aws = try await s.awsNames()
        s.dns.setAddresses(aws[1], v4: ["192.0.2.2"], v6: [])
        let plan = try await s.engine().plan(s.request())
        let glue = plan.zones[0].changes.filter { $0.after.name == "ns2.example.com." }
        #expect(glue.map(\.after.type) == ["A"])
        #expect(plan.warnings.contains { $0.contains("ns2.example.com") && $0.contains("no AAAA record") && $0.contains("only an A glue record") })
    }

    @Test func noAddressAtAllStopsThePlan() async throws {
        let s = try await Stand()
        let aws = try await s.awsNames()
        s.dns.set(aws[0], .a, .timeout); s.dns.set(aws[0], .aaaa, .failure(rcode: "SERVFAIL"))
        do { _ = try await s.engine().plan(s.request()); Issue.record("plan should fail") } catch let e as ValidationFailed {
            #expect(e.problems.first?.message.contains("timeout") == true)
            #expect(e.problems.first?.message.contains("SERVFAIL") == true)
        }
    }

    @Test func customHostsAndExtraZones() async throws {
        let s = try await Stand()
        let shop = try await s.r53.createHostedZone(name: "shop.example", callerReference: "shop", delegationSetId: s.setId, comment: nil).hostedZone.id
        let hosts = ["a.dns.example.com", "b.dns.example.com", "c.dns.example.com", "d.dns.example.com"]
        let plan = try await s.engine().plan(s.request(hosts: hosts, extra: ["shop.example"]))
        #expect(plan.zones.map(\.zoneName) == ["example.com.", "shop.example."])
        #expect(plan.zones[1].zoneId == shop)
        #expect(plan.zones[1].changes.map(\.role) == [.apexNS, .soa])  // no glue outside the home zone
        #expect(plan.zones[1].changes[0].after.values == hosts.map { $0 + "." })
        #expect(plan.zones[0].changes.contains { $0.after.name == "c.dns.example.com." && $0.after.type == "A" })
    }

    @Test func idnHomeDomain() async throws {
        let s = try await Stand(home: "xn--bcher-kva.example")
        let plan = try await s.engine().plan(VanityRequest(setId: s.setId, homeDomain: "Bücher.example."))
        #expect(plan.homeDomain == "xn--bcher-kva.example.")
        #expect(plan.homeDomainUnicode == "bücher.example")
        #expect(plan.zones[0].changes.contains { $0.after.name == "ns1.xn--bcher-kva.example." })
    }

    @Test func existingGlueIsUpsertedOrLeftAlone() async throws {
        let s = try await Stand()
        s.r53.put(zoneId: s.homeZoneId, ResourceRecordSet(name: "ns1.example.com", type: "A", ttl: 60, values: ["203.0.113.9"]))
        s.r53.put(zoneId: s.homeZoneId, ResourceRecordSet(name: "ns2.example.com", type: "AAAA", ttl: 60, values: ["2001:DB8:0::2"]))
        let plan = try await s.engine().plan(s.request())
        let a1 = try #require(plan.zones[0].changes.first { $0.after.name == "ns1.example.com." && $0.after.type == "A" })
        #expect(a1.action == .upsert)
        #expect(a1.before?.values == ["203.0.113.9"])
        #expect(!plan.zones[0].changes.contains { $0.after.name == "ns2.example.com." && $0.after.type == "AAAA" })
    }

    @Test func createZonesPlansAgainstTheRecordsRoute53WillWrite() async throws {
        let s = try await Stand()
        let plan = try await s.engine().plan(s.request(extra: ["new.example"], createZones: true))
        let z = plan.zones[1]
        #expect(z.createInSet && z.zoneId == nil)
        #expect(z.changes.map(\.action) == [.upsert, .upsert])
    }

    @Test func resolveAddressesStreamsRowsAndReportsFailures() async throws {
        let s = try await Stand()
        let aws = try await s.awsNames()
        s.dns.set(aws[3], .aaaa, .timeout)
        var updates = 0
        var last: [String: NameServerAddresses] = [:]
        for await row in s.engine().resolveAddresses(awsNames: aws, vanityHosts: ["ns1.example.com", "ns2.example.com", "ns3.example.com", "ns4.example.com"], target: .system) {
            updates += 1; last[row.awsName] = row
        }
        #expect(updates == 8)
        let complete = last.values.allSatisfy { $0.isComplete }
        #expect(complete)
        #expect(last[aws[3]]?.warnings == ["IPv6: no answer (timeout)"])
        #expect(last[aws[0]]?.ipv6 == ["2001:db8::1"])
    }
}
