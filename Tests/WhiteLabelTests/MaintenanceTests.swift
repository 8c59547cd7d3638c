import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

@Suite struct MaintenanceTests {
    @Test func finalizeRaisesNSTTLAndSOAMinimum() async throws {
        let s = try await Stand()
        let engine = s.engine()
        try await s.applyAll(engine, s.request())
        let plans = try await engine.finalizePlan(homeDomain: "example.com", zones: [])
        #expect(plans.count == 1)
        let ns = try #require(plans[0].changes.first { $0.role == .apexNS })
        #expect(ns.before?.ttl == 60 && ns.after.ttl == 172800)
        #expect(ns.after.values == ns.before?.values)
        let soa = try #require(plans[0].changes.first { $0.role == .soa })
        #expect(soa.after.values == ["ns1.example.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 900"])
        let mp = WhiteLabelEngine.maintenancePlan(homeDomain: "example.com", setId: s.setId, zones: plans)
        try await engine.apply(plans[0], of: mp, events: { _ in })
        #expect(try await engine.finalizePlan(homeDomain: "example.com", zones: []).allSatisfy(\.isEmpty))
        // Rollback still restores the values from before vanityns first touched the zone.
        let rb = try await engine.rollbackPlan(zone: "example.com")
        #expect(rb.changes.first { $0.role == .apexNS }?.after.ttl == 172800)
        #expect(rb.changes.first { $0.role == .apexNS }?.after.values.first?.contains("awsdns") == true)
    }

    @Test func syncUpdatesOnlyTheGlueThatChanged() async throws {
        let s = try await Stand()
        let engine = s.engine()
        try await s.applyAll(engine, s.request())
        #expect(try await engine.syncPlan(homeDomain: "example.com", setId: nil, hosts: nil, target: .system) == nil)
        let aws = try await s.awsNames()
        s.dns.setAddresses(aws[2], v4: ["192.0.2.33"], v6: ["2001:db8::3"])
        let plan = try #require(try await engine.syncPlan(homeDomain: "example.com", setId: s.setId, hosts: nil, target: .system))
        #expect(plan.changes.count == 1)
        #expect(plan.changes[0].action == .upsert)
        #expect(plan.changes[0].before?.values == ["192.0.2.3"])
        #expect(plan.changes[0].after.values == ["192.0.2.33"])
        #expect(plan.changes[0].after.ttl == 60)
        try await engine.apply(plan, of: WhiteLabelEngine.maintenancePlan(homeDomain: "example.com", setId: s.setId, zones: [plan]), events: { _ in })
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "ns3.example.com", type: "A")?.values == ["192.0.2.33"])
        #expect(try await engine.syncPlan(homeDomain: "example.com", setId: nil, hosts: nil, target: .system) == nil)
    }

    @Test func registrarUpdateWhenRoute53DomainsHoldsTheDomain() async throws {
        let s = try await Stand()
        let aws = try await s.awsNames()
        s.domains.add("example.com", nameservers: aws.map { DomainNameserver(name: $0, glueIps: nil) })
        let engine = s.engine()
        let plan = try await engine.plan(s.request())
        let (current, ns) = try #require(try await engine.registrarUpdate(plan: plan))
        #expect(current.nameservers.map(\.name) == aws)
        #expect(ns == (1...4).map { DomainNameserver(name: "ns\($0).example.com", glueIps: ["192.0.2.\($0)", "2001:db8::\($0)"]) })
        let seen = RegistrarLog()
        try await engine.applyRegistrar(domain: "example.com.", nameservers: ns, events: seen.add)
        #expect(s.domains.detail("example.com")?.nameservers == ns)
        #expect(seen.all.contains { if case .status(_, .inProgress, _) = $0 { return true }; return false })
        #expect(seen.all.last.map { if case .finished(_, .successful) = $0 { return true }; return false } == true)
        s.domains.failNextUpdate = true
        await #expect(throws: RegistrarUpdateFailed.self) { try await engine.applyRegistrar(domain: "example.com", nameservers: ns) }
    }

    @Test func registrarUpdateIsNilWhenTheDomainIsElsewhere() async throws {
        let s = try await Stand()
        let plan = try await s.engine().plan(s.request())
        #expect(try await s.engine().registrarUpdate(plan: plan) == nil)
        #expect(try await s.engine(withDomains: false).registrarUpdate(plan: plan) == nil)
        #expect(ReportRenderer.registrarTable(s.engine().registrarRows(plan)).split(separator: "\n").first == "host             IPv4       IPv6")
    }
}

final class RegistrarLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RegistrarEvent] = []
    func add(_ e: RegistrarEvent) { lock.lock(); events.append(e); lock.unlock() }
    var all: [RegistrarEvent] { lock.lock(); defer { lock.unlock() }; return events }
}
