import Foundation
import Testing
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

@Suite struct ApplyTests {
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func applyThenReplanIsEmptyAndJournalIsPrivate() async throws {
        let s = try await Stand()
        let (_, events) = try await s.applyAll(s.engine(), s.request())
        #expect(events.contains { if case .journalSaved = $0 { return true }; return false })
        #expect(events.contains { if case .waiting(_, _, .pending, _) = $0 { return true }; return false })
        if case let .inSync(zone, _)? = events.last { #expect(zone == "example.com.") } else { Issue.record("no inSync event") }
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "NS")?.values == ["ns1.example.com.", "ns2.example.com.", "ns3.example.com.", "ns4.example.com."])
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "ns4.example.com", type: "AAAA")?.values == ["2001:db8::4"])
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "www.example.com", type: "A")?.values == ["198.51.100.7"])
        let again = try await s.engine().plan(s.request())
        #expect(again.isEmpty)
        #expect(try mode(s.stateDir.path) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: s.stateDir.path)
        #expect(files == ["journal-example.com.json"])
        #expect(try mode(s.stateDir.appendingPathComponent(files[0]).path) == 0o600)
        #expect(await s.engine().unfinishedZones().isEmpty)
    }

    @Test func rollbackRestoresNSAndSOAExactly() async throws {
        let s = try await Stand()
        let ns0 = s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "NS")
        let soa0 = s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "SOA")
        let engine = s.engine()
        try await s.applyAll(engine, s.request())
        let rb = try await engine.rollbackPlan(zone: "example.com")
        #expect(rb.changes.filter { $0.action == .delete }.count == 8)
        #expect(rb.changes.filter { $0.action == .upsert }.map(\.role).sorted { $0.rawValue < $1.rawValue } == [.apexNS, .soa])
        try await engine.apply(rb, of: WhiteLabelEngine.maintenancePlan(homeDomain: "example.com", setId: s.setId, zones: [rb]), events: { _ in })
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "NS") == ns0)
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "SOA") == soa0)
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "ns1.example.com", type: "A") == nil)
        #expect(s.r53.record(zoneId: s.homeZoneId, name: "www.example.com", type: "A") != nil)
        #expect(try await engine.rollbackPlan(zone: "example.com").changes.isEmpty)
        await #expect(throws: NoJournal.self) { try await engine.rollbackPlan(zone: "other.example") }
    }

    @Test func unwritableStateDirectoryIsRefusedBeforeAnyChange() async throws {
        let s = try await Stand()
        let file = s.root.appendingPathComponent("not-a-dir")
        try FileManager.default.createDirectory(at: s.root, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: file)
        let engine = s.engine(stateDir: file.appendingPathComponent("vanityns"))
        let plan = try await engine.plan(s.request())
        let before = s.r53.committedBatches.count
        do { try await engine.apply(plan.zones[0], of: plan, events: { _ in }); Issue.record("apply should fail") } catch {
            #expect("\(error)".contains("Nothing was changed"))
        }
        #expect(s.r53.committedBatches.count == before)
    }

    @Test func resumeAfterTheAnswerWasLostConverges() async throws {
        let s = try await Stand()
        let ns0 = s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "NS")
        let plan = try await s.engine().plan(s.request())
        s.r53.failNextChangeAfterCommit = true
        await #expect(throws: Route53Error.self) { try await s.engine().apply(plan.zones[0], of: plan, events: { _ in }) }
        #expect(await s.engine().unfinishedZones() == ["example.com."])
        // A new process: plan again and apply.
        let batches = s.r53.committedBatches.count
        let (replan, events) = try await s.applyAll(s.engine(), s.request())
        #expect(replan.isEmpty)
        #expect(events.contains(.alreadyDone(zoneName: "example.com.")))
        #expect(s.r53.committedBatches.count == batches)
        #expect(await s.engine().unfinishedZones().isEmpty)
        #expect(s.engine().journalEntry(zone: "example.com")?.saved.contains(ns0!) == true)
        #expect(s.r53.records(zoneId: s.homeZoneId).filter { $0.type == "A" && $0.name.hasPrefix("ns1.") }.count == 1)
    }

    @Test func resumeWhileWaitingForInSyncKeepsTheFirstSavedValues() async throws {
        let s = try await Stand()
        let ns0 = try #require(s.r53.record(zoneId: s.homeZoneId, name: "example.com", type: "NS"))
        let plan = try await s.engine().plan(s.request())
        s.r53.failGetChange = true
        await #expect(throws: Route53Error.self) { try await s.engine().apply(plan.zones[0], of: plan, events: { _ in }) }
        s.r53.failGetChange = false
        #expect(s.engine().journalEntry(zone: "example.com")?.state == .submitted)
        let (_, events) = try await s.applyAll(s.engine(), s.request())
        #expect(events.contains(.alreadyDone(zoneName: "example.com.")))
        let entry = try #require(s.engine().journalEntry(zone: "example.com"))
        #expect(entry.state == .done)
        #expect(entry.saved.first { $0.type == "NS" } == ns0)
        let rb = try await s.engine().rollbackPlan(zone: "example.com")
        #expect(rb.changes.first { $0.role == .apexNS }?.after == ns0)
    }

    @Test func resumeAfterJournalWrittenButChangeNotSent() async throws {
        let s = try await Stand()
        let plan = try await s.engine().plan(s.request())
        s.r53.failNextChangeBeforeCommit = true
        await #expect(throws: Route53Error.self) { try await s.engine().apply(plan.zones[0], of: plan, events: { _ in }) }
        #expect(s.engine().journalEntry(zone: "example.com")?.state == .pending)
        let batches = s.r53.committedBatches.count
        try await s.applyAll(s.engine(), s.request())
        #expect(s.r53.committedBatches.count == batches + 1)
        #expect(try await s.engine().plan(s.request()).isEmpty)
        let entry = try #require(s.engine().journalEntry(zone: "example.com"))
        #expect(entry.created.count == 8 && entry.saved.count == 2)
    }

    @Test func createZonesTwiceCreatesOneZone() async throws {
        let s = try await Stand()
        let req = s.request(extra: ["new.example"], createZones: true)
        let plan = try await s.engine().plan(req)
        let events = EventLog()
        try await s.engine().apply(plan.zones[1], of: plan, events: events.add)
        // The same plan applied again (as if the first answer had been lost) converges on the same zone.
        try await s.engine().apply(plan.zones[1], of: plan, events: events.add)
        #expect(s.r53.allZones().filter { $0.name == "new.example." }.count == 1)
        let zone = try #require(s.r53.allZones().first { $0.name == "new.example." })
        #expect(zone.callerReference == WhiteLabelEngine.callerReference(setId: s.setId, zoneName: "new.example"))
        #expect(s.r53.record(zoneId: zone.id, name: "new.example", type: "NS")?.values.first == "ns1.example.com.")
        #expect(events.all.contains(.zoneCreated(zoneName: "new.example.", zoneId: zone.id)))
        #expect(try await s.engine().plan(s.request(extra: ["new.example"])).zones[1].isEmpty)
    }
}
