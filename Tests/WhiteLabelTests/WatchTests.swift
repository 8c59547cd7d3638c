import Foundation
import Route53
import Testing
@testable import WhiteLabel
import TestSupport

/// `watch`'s pass over one domain, on the fake account: what each repair policy changes, and what stays a problem.
@Suite struct WatchTests {
    /// A stand after apply, with example.com held by Route 53 Domains with the vanity hosts' glue, then ns1's AWS host moved.
    func moved() async throws -> (Stand, WhiteLabelEngine) {
        let s = try await Stand()
        let engine = s.engine()
        try await s.applyAllWithRegistrar(engine)
        s.dns.setAddresses(try await s.awsNames()[0], v4: ["192.0.2.99"], v6: ["2001:db8::99"])
        return (s, engine)
    }

    func run(_ engine: WhiteLabelEngine, _ s: Stand, _ policy: RepairPolicy) async throws -> (WatchOutcome, [String]) {
        let log = Lines()
        let o = try await engine.watch(WatchTarget(domain: "example.com", setId: s.setId, repair: policy), queryPort: 53, resolver: .system, log: log.add)
        return (o, log.all)
    }

    @Test func route53domainsRepairsBothPlacesJournaledAndLogged() async throws {
        let (s, engine) = try await moved()
        let updatesBefore = s.domains.updates.count
        let (o, log) = try await run(engine, s, .route53domains)
        #expect(Set(o.found.map(\.location)) == ["route53", "route53domains"], "\(o.found)")
        #expect(o.repairs.map(\.place) == ["route53", "route53domains"])
        #expect(o.repairs[0].changes.contains("ns1.example.com. A 192.0.2.1 -> 192.0.2.99"), "\(o.repairs)")
        #expect(o.repairs[0].journal.map { FileManager.default.fileExists(atPath: $0) } == true, "the replaced values are journaled")
        #expect(s.domains.updates.count == updatesBefore + 1)
        #expect(s.domains.detail("example.com")?.nameservers.first { $0.name == "ns1.example.com" }?.glueIps == ["192.0.2.99", "2001:db8::99"])
        #expect(o.drift.items.isEmpty && o.repairFailures.isEmpty, "re-checked after the repair: \(o.drift.items)")
        #expect(o.drift.checks.contains(GlueCheck(place: "route53domains", host: "ns1.example.com", type: "A", current: true)))
        #expect(log.count == 2 && log[0].hasPrefix("repaired route53 example.com: ") && log[1].hasPrefix("repaired route53domains example.com: "), "\(log)")
        #expect(!o.problems.keys.contains { $0.hasPrefix("glue") }, "\(o.problems)")
    }

    @Test func route53PolicyLeavesRoute53DomainsToAPerson() async throws {
        let (s, engine) = try await moved()
        let updatesBefore = s.domains.updates.count
        let (o, _) = try await run(engine, s, .route53)
        #expect(o.repairs.map(\.place) == ["route53"])
        #expect(s.domains.updates.count == updatesBefore, "Route 53 Domains is not written under repair = route53")
        #expect(o.drift.items.map(\.location) == ["route53domains", "route53domains"], "A and AAAA: \(o.drift.items)")
        #expect(o.problems["glue route53domains ns1.example.com A"] != nil, "\(o.problems.keys.sorted())")
        #expect(o.actions.contains { $0.contains("at Route 53 Domains") }, "\(o.actions)")
    }

    @Test func noneChangesNothing() async throws {
        let (s, engine) = try await moved()
        let records = try await s.r53.listResourceRecordSets(zoneId: s.homeZoneId)
        let updatesBefore = s.domains.updates.count
        let (o, log) = try await run(engine, s, .none)
        #expect(o.repairs.isEmpty && log.isEmpty)
        #expect(try await s.r53.listResourceRecordSets(zoneId: s.homeZoneId) == records)
        #expect(s.domains.updates.count == updatesBefore)
        #expect(o.problems["glue route53 ns1.example.com A"] != nil && o.problems["glue route53domains ns1.example.com AAAA"] != nil, "\(o.problems.keys.sorted())")
    }

    @Test func aFailedRegistrarUpdateIsAProblemNotAnError() async throws {
        let (s, engine) = try await moved()
        s.domains.failNextUpdate = true
        let (o, _) = try await run(engine, s, .route53domains)
        #expect(o.repairs.map(\.place) == ["route53"])
        #expect(o.repairFailures["route53domains"] != nil, "\(o.repairFailures)")
        #expect(o.problems["repair route53domains"]?.contains("failed") == true, "\(o.problems)")
    }
}

/// Log lines from a `@Sendable` callback.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}
