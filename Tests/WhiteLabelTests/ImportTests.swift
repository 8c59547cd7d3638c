import Foundation
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport
import XCTest

/// `import` on the fake account: into an existing zone (a changed record, one the file lacks, an alias the file
/// cannot hold), the text conversion from master-file escapes to Route 53's, and a rerun that writes nothing.
final class ImportTests: XCTestCase {
    func file(_ lines: [ZoneFileRecord]) -> [ZoneFileRecord] { lines }

    func testImportIntoAnExistingZoneChangesWhatDiffersKeepsAliasesAndPrunesOnlyWhenAsked() async throws {
        let stand = try await Stand()
        let zone = stand.homeZoneId
        stand.r53.put(zoneId: zone, ResourceRecordSet(name: "old.example.com.", type: "TXT", ttl: 60, values: ["\"gone\""]))
        var alias = ResourceRecordSet(name: "cdn.example.com.", type: "A", ttl: nil, values: [])
        alias.resourceRecords = nil
        alias.aliasTarget = AliasTarget(hostedZoneId: "Z2FDTNDATAQYW2", dnsName: "d1.cloudfront.net.", evaluateTargetHealth: false)
        stand.r53.put(zoneId: zone, alias)
        let records = [
            ZoneFileRecord(owner: "example.com.", ttl: 900, type: "SOA", data: "ns1.other.net. h.example.com. 5 7200 900 1209600 300"),
            ZoneFileRecord(owner: "example.com.", ttl: 3600, type: "NS", data: "ns1.other.net."),
            ZoneFileRecord(owner: "www.example.com.", ttl: 300, type: "A", data: "198.51.100.8"),     // was .7
            ZoneFileRecord(owner: "a\\032b.example.com.", ttl: 300, type: "TXT", data: "\"x\\009y\""),  // decimal escapes
            ZoneFileRecord(owner: "mx.example.com.", ttl: 300, type: "A", data: "192.0.2.9"),
            ZoneFileRecord(owner: "mx.example.com.", ttl: 60, type: "A", data: "192.0.2.10"),
        ]
        let engine = stand.engine()
        let plan = try await engine.planImport(zone: "example.com", setId: nil, file: "example.com.zone", records: records, prune: false)
        XCTAssertEqual(plan.zoneId, zone)
        XCTAssertEqual(plan.fileApex.map(\.type).sorted(), ["NS", "SOA"], "the file's apex is shown, not imported")
        XCTAssertEqual(plan.diff.updates.map(\.before.name), ["www.example.com."])
        XCTAssertEqual(Set(plan.diff.creates.map(\.name)), ["a\\040b.example.com.", "mx.example.com."])
        XCTAssertEqual(plan.diff.creates.first { $0.type == "TXT" }?.values, ["\"x\\011y\""], "decimal \\009 is Route 53's octal \\011")
        XCTAssertEqual(plan.diff.creates.first { $0.name == "mx.example.com." }?.ttl, 60, "one TTL per record set: the lower")
        XCTAssertEqual(plan.notes.count, 1)
        XCTAssertEqual(plan.extras.map(\.name), ["old.example.com."], "the TXT the file lacks")
        XCTAssertEqual(plan.kept.map(\.name), ["cdn.example.com."], "an alias a master file cannot hold")
        XCTAssertFalse(plan.batches.flatMap { $0 }.contains { $0.action == .delete }, "no deletion without --prune")

        let result = try await engine.runImport(plan)
        XCTAssertTrue(result.parity.identical, "\(result.parity.differences)")
        XCTAssertEqual(stand.r53.record(zoneId: zone, name: "www.example.com.", type: "A")?.values, ["198.51.100.8"])
        XCTAssertNotNil(stand.r53.record(zoneId: zone, name: "old.example.com.", type: "TXT"))
        XCTAssertNotNil(stand.r53.record(zoneId: zone, name: "cdn.example.com.", type: "A"))
        XCTAssertEqual(stand.r53.record(zoneId: zone, name: "example.com.", type: "SOA")?.values.first?.hasPrefix("ns1.other.net."), false,
                       "the zone keeps its own SOA")
        let saved: ImportJournal? = engine.journal.document("example.com.", kind: "import")
        XCTAssertEqual(saved?.replaced.map(\.values), [["198.51.100.7"]], "what was replaced is saved")
        XCTAssertEqual(saved?.done, true)

        let again = try await engine.planImport(zone: "example.com", setId: nil, file: "example.com.zone", records: records, prune: false)
        XCTAssertTrue(again.isEmpty, "a rerun has nothing to write")

        let pruning = try await engine.planImport(zone: zone, setId: nil, file: "example.com.zone", records: records, prune: true)
        XCTAssertEqual(pruning.batches.flatMap { $0 }.filter { $0.action == .delete }.map(\.resourceRecordSet.name), ["old.example.com."],
                       "--prune deletes the plain record set the file lacks, never the alias")
    }

    func testAFileForAnotherZoneOrWithoutItsSOAIsRefused() async throws {
        let stand = try await Stand()
        let engine = stand.engine()
        let other = [ZoneFileRecord(owner: "example.com.", ttl: 900, type: "SOA", data: "a. b. 1 2 3 4 5"),
                     ZoneFileRecord(owner: "www.example.net.", ttl: 300, type: "A", data: "192.0.2.1")]
        do { _ = try await engine.planImport(zone: "example.com", setId: nil, file: "f", records: other, prune: false); XCTFail("accepted") }
        catch let e as ValidationFailed { XCTAssertTrue(e.description.contains("outside example.com."), e.description) }
        let noSOA = [ZoneFileRecord(owner: "www.example.com.", ttl: 300, type: "A", data: "192.0.2.1")]
        do { _ = try await engine.planImport(zone: "example.com", setId: nil, file: "f", records: noSOA, prune: false); XCTFail("accepted") }
        catch let e as ValidationFailed { XCTAssertTrue(e.description.contains("no SOA"), e.description) }
        do { _ = try await engine.planImport(zone: "nowhere.example", setId: nil, file: "f", records: noSOA, prune: false); XCTFail("accepted") }
        catch let e as ValidationFailed { XCTAssertTrue(e.description.contains("give --set ID"), e.description) }
    }
}
