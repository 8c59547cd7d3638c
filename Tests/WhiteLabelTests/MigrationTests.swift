import Foundation
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport
import XCTest

/// The copy rules on their own: what is left out, how aliases are re-pointed and ordered, how batches are cut.
final class RecordCopyTests: XCTestCase {
    let zone = "example.org."
    func rr(_ name: String, _ type: String, _ values: [String], ttl: Int = 300) -> ResourceRecordSet {
        ResourceRecordSet(name: name, type: type, ttl: ttl, values: values)
    }
    func alias(_ name: String, to target: String, zoneId: String, type: String = "A") -> ResourceRecordSet {
        var r = ResourceRecordSet(name: name, type: type, ttl: 0, values: [])
        r.resourceRecords = nil
        r.aliasTarget = AliasTarget(hostedZoneId: zoneId, dnsName: target, evaluateTargetHealth: false)
        return r
    }

    func testApexNSAndSOAAreLeftOutAndSubDelegationsKept() {
        let source = [rr(zone, "NS", ["ns-1.awsdns-01.com."], ttl: 172800), rr(zone, "SOA", ["ns-1.awsdns-01.com. h. 1 7200 900 1209600 86400"]),
                      rr("sub.example.org.", "NS", ["ns1.other.net."]), rr("sub.example.org.", "DS", ["12345 13 2 ABCD"]), rr(zone, "MX", ["10 mx.example.org."])]
        let d = RecordCopy.diff(zone: zone, source: source, sourceId: "ZOLD", target: [], targetId: "ZNEW")
        XCTAssertEqual(Set(d.creates.map { "\($0.name) \($0.type)" }), ["sub.example.org. NS", "sub.example.org. DS", "example.org. MX"])
    }

    func testAliasChainsAreRepointedAndOrderedAfterTheirTargets() {
        let source = [alias("c.example.org.", to: "b.example.org.", zoneId: "/hostedzone/ZOLD"),
                      alias("b.example.org.", to: "a.example.org.", zoneId: "ZOLD"),
                      rr("a.example.org.", "A", ["192.0.2.1"]),
                      alias("cdn.example.org.", to: "d111111abcdef8.cloudfront.net.", zoneId: "Z2FDTNDATAQYW2")]
        let d = RecordCopy.diff(zone: zone, source: source, sourceId: "ZOLD", target: [], targetId: "ZNEW")
        XCTAssertEqual(d.phases.count, 3, "A and the outside alias, then b, then c")
        XCTAssertEqual(Set(d.phases[0].map(\.resourceRecordSet.name)), ["a.example.org.", "cdn.example.org."])
        XCTAssertEqual(d.phases[1].map(\.resourceRecordSet.name), ["b.example.org."])
        XCTAssertEqual(d.phases[2].map(\.resourceRecordSet.name), ["c.example.org."])
        XCTAssertEqual(d.phases[2][0].resourceRecordSet.aliasTarget?.hostedZoneId, "ZNEW")
        XCTAssertNil(d.phases[2][0].resourceRecordSet.ttl, "aliases carry no TTL")
        XCTAssertEqual(d.phases[0].first { $0.resourceRecordSet.name == "cdn.example.org." }?.resourceRecordSet.aliasTarget?.hostedZoneId,
                       "Z2FDTNDATAQYW2", "an alias to another resource keeps its zone id")
        XCTAssertEqual(RecordCopy.batches(d.phases).count, 3, "a batch never mixes an alias with its target")
    }

    func testBrokenAliasesAndLoopsAndTrafficPolicyRecordsAreListedNotCopied() {
        var tp = rr("tp.example.org.", "A", ["192.0.2.9"])
        tp.trafficPolicyInstanceId = "tpi-1"
        let source = [alias("x.example.org.", to: "y.example.org.", zoneId: "ZOLD"), alias("y.example.org.", to: "x.example.org.", zoneId: "ZOLD"),
                      alias("gone.example.org.", to: "nothing.example.org.", zoneId: "ZOLD"), tp, rr("ok.example.org.", "A", ["192.0.2.2"])]
        let d = RecordCopy.diff(zone: zone, source: source, sourceId: "ZOLD", target: [], targetId: "ZNEW") { _ in "aws route53 create-traffic-policy-instance ..." }
        XCTAssertEqual(d.creates.map(\.name), ["ok.example.org."])
        XCTAssertEqual(d.uncopied.count, 4)
        XCTAssertTrue(d.uncopied.contains { $0.record.hasPrefix("gone.example.org.") && $0.reason.contains("does not hold") })
        XCTAssertTrue(d.uncopied.contains { $0.record.hasPrefix("x.example.org.") && $0.reason.contains("loop") })
        XCTAssertEqual(d.uncopied.first { $0.record.hasPrefix("tp.") }?.recreate, "aws route53 create-traffic-policy-instance ...")
    }

    func testRoutingSetsAreKeyedBySetIdentifierAndDiffedAgainstTheTarget() {
        var w1 = rr("w.example.org.", "A", ["192.0.2.1"]); w1.setIdentifier = "one"; w1.weight = 10; w1.healthCheckId = "hc-1"
        var w2 = rr("w.example.org.", "A", ["192.0.2.2"]); w2.setIdentifier = "two"; w2.weight = 20
        var w2old = w2; w2old.weight = 5
        let stale = rr("old.example.org.", "TXT", ["\"x\""])
        let d = RecordCopy.diff(zone: zone, source: [w1, w2], sourceId: "ZOLD", target: [w1, w2old, stale], targetId: "ZNEW")
        XCTAssertEqual(d.identical, 1)
        XCTAssertEqual(d.updates.map(\.after), [w2])
        XCTAssertEqual(d.phases.flatMap { $0 }.map(\.action), [.upsert])
        XCTAssertEqual(d.extras, [stale])
        XCTAssertEqual(d.deletions.map(\.action), [.delete])
    }

    func testBatchesStayWithinRoute53sLimitsCountingUpsertsTwice() {
        let many = (0..<2500).map { Change(action: .create, resourceRecordSet: rr("h\($0).example.org.", "A", ["192.0.2.1"])) }
        XCTAssertEqual(RecordCopy.batches([many]).map(\.count), [1000, 1000, 500])
        let upserts = (0..<600).map { Change(action: .upsert, resourceRecordSet: rr("u\($0).example.org.", "A", ["192.0.2.1"])) }
        XCTAssertEqual(RecordCopy.batches([upserts]).map(\.count), [500, 100])
        let long = String(repeating: "a", count: 250)
        let txt = (0..<300).map { Change(action: .create, resourceRecordSet: rr("t\($0).example.org.", "TXT", ["\"\(long)\""])) }
        let cut = RecordCopy.batches([txt])
        XCTAssertTrue(cut.allSatisfy { b in b.reduce(0) { $0 + $1.resourceRecordSet.values.reduce(0) { $0 + $1.utf8.count } } <= 32000 })
        XCTAssertEqual(cut.map(\.count).reduce(0, +), 300)
        let fifty = rr("many.example.org.", "A", (1...50).map { "192.0.2.\($0)" })
        XCTAssertEqual(RecordCopy.batches([[Change(action: .create, resourceRecordSet: fifty)] + Array(many.prefix(960))]).map(\.count), [951, 10],
                       "a record with 50 values counts 50")
    }

    func testCanonicalFormMatchesPythonsJSONDumps() {
        var r = rr("Www.Example.org", "A", ["192.0.2.2", "192.0.2.1", "192.0.2.1"])
        r.setIdentifier = "é/1"; r.weight = 3
        XCTAssertEqual(CanonicalRecord(r).json,
                       #"{"Name":"www.example.org.","SetIdentifier":"é/1","TTL":300,"Type":"A","Values":["192.0.2.1","192.0.2.2"],"Weight":3}"#)
    }
}

/// A move against the in-memory Route 53: pre-checks, the copy, parity, reruns and crashes, undo.
final class MigrationEngineTests: XCTestCase {
    /// An account with a set and a zone example.org outside it holding every kind of record.
    func stand() async throws -> (Stand, String) {
        let s = try await Stand()
        let old = try await s.r53.createHostedZone(name: "example.org", callerReference: "user-made", delegationSetId: nil, comment: nil).hostedZone.id
        var weighted = ResourceRecordSet(name: "w.example.org.", type: "A", ttl: 60, values: ["192.0.2.10"])
        weighted.setIdentifier = "blue"; weighted.weight = 70; weighted.healthCheckId = "11111111-2222-3333-4444-555555555555"
        var geo = ResourceRecordSet(name: "geo.example.org.", type: "A", ttl: 60, values: ["192.0.2.11"])
        geo.setIdentifier = "eu"; geo.geoLocation = GeoLocation(continentCode: "EU")
        var inZone = ResourceRecordSet(name: "alias.example.org.", type: "A", ttl: nil, values: [])
        inZone.resourceRecords = nil; inZone.aliasTarget = AliasTarget(hostedZoneId: old, dnsName: "www.example.org.", evaluateTargetHealth: true)
        let records = [ResourceRecordSet(name: "www.example.org.", type: "A", ttl: 300, values: ["192.0.2.1", "192.0.2.2"]),
                       ResourceRecordSet(name: "example.org.", type: "MX", ttl: 3600, values: ["10 mx1.example.org.", "20 mx2.example.org."]),
                       ResourceRecordSet(name: "example.org.", type: "TXT", ttl: 300, values: ["\"v=spf1 -all\"", "\"" + String(repeating: "k", count: 255) + "\" \"tail\""]),
                       ResourceRecordSet(name: "_443._tcp.example.org.", type: "TLSA", ttl: 300, values: ["3 1 1 ABCDEF"]),
                       ResourceRecordSet(name: "sub.example.org.", type: "NS", ttl: 300, values: ["ns1.elsewhere.net."]),
                       weighted, geo]
        _ = try await s.r53.changeResourceRecordSets(zoneId: old, changes: records.map { Change(action: .create, resourceRecordSet: $0) }, comment: nil)
        _ = try await s.r53.changeResourceRecordSets(zoneId: old, changes: [Change(action: .create, resourceRecordSet: inZone)], comment: nil)
        try await s.r53.addTagsToHostedZone(id: old, tags: [ResourceTag(key: "team", value: "dns")])
        return (s, old)
    }

    func request(_ s: Stand, _ zones: [String] = ["example.org"], ack: Bool = false) -> MigrationRequest {
        MigrationRequest(setId: s.setId, zones: zones, acknowledgeDNSSEC: ack)
    }

    /// `migrate --plan --list-records`: one value per line, so a set with several values (a TXT value with spaces
    /// among them) reads back unambiguously.
    func testTheRecordListHasOneValuePerLine() async throws {
        let (s, _) = try await stand()
        let plan = try await s.engine().planMigration(request(s))
        let lines = MigrationRenderer.recordLines(plan.zones[0])
        XCTAssertTrue(lines.contains("+ example.org. MX 3600 10 mx1.example.org."), "\(lines)")
        XCTAssertTrue(lines.contains("+ example.org. MX 3600 20 mx2.example.org."), "\(lines)")
        XCTAssertTrue(lines.contains("+ www.example.org. A 300 192.0.2.1") && lines.contains("+ www.example.org. A 300 192.0.2.2"), "\(lines)")
        XCTAssertTrue(lines.contains("+ example.org. TXT 300 \"" + String(repeating: "k", count: 255) + "\" \"tail\""), "one value, spaces and all")
        XCTAssertEqual(lines.filter { $0.hasPrefix("+ alias.example.org. A ALIAS") }.count, 1, "an alias is one line")
    }

    func testMoveCopiesEveryRecordIntoANewZoneInTheSetAndProvesParity() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let before = s.r53.records(zoneId: old)
        let plan = try await engine.planMigration(request(s))
        XCTAssertEqual(plan.zones.count, 1)
        XCTAssertEqual(plan.zones[0].countsByType, ["A": 4, "MX": 1, "NS": 1, "TLSA": 1, "TXT": 1])
        let report = try await engine.migrate(plan.zones[0], of: plan)
        XCTAssertTrue(report.identical, "\(report.differences)")
        XCTAssertEqual(report.sourceDigest, report.copyDigest)
        let new = report.copyZoneId
        let detail = try await s.r53.getHostedZone(id: new)
        XCTAssertEqual(detail.delegationSet?.id, s.setId)
        XCTAssertTrue(detail.hostedZone.config?.comment?.contains(old) == true, "the comment names the source zone")
        let tags = try await s.r53.listTagsForHostedZone(id: new)
        XCTAssertEqual(tags, [ResourceTag(key: "team", value: "dns")])
        XCTAssertEqual(s.r53.record(zoneId: new, name: "alias.example.org.", type: "A")?.aliasTarget?.hostedZoneId, new)
        XCTAssertEqual(s.r53.records(zoneId: old), before, "the old zone is only read")

        // A rerun finds the new zone and writes nothing.
        let batches = s.r53.committedBatches.count, created = s.r53.zonesCreated
        let again = try await engine.planMigration(request(s))
        XCTAssertTrue(again.zones[0].isDone)
        XCTAssertEqual(again.zones[0].targetZoneId, new)
        _ = try await engine.migrate(again.zones[0], of: again)
        XCTAssertEqual(s.r53.committedBatches.count, batches)
        XCTAssertEqual(s.r53.zonesCreated, created)
    }

    /// After the records, the wire: one name server of each zone is asked every name and type of the simple and
    /// alias record sets (routing-policy sets are not: their answer depends on who asks); a question answered
    /// differently is listed with both answers and makes the copy unproven.
    func testTheSameQuestionsAreAskedOfBothZonesNameServersAndADifferenceIsListed() async throws {
        let (s, _) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        let z = plan.zones[0]
        XCTAssertEqual(plan.answerCheck, AnswerCheckTarget(resolver: .system, queryPort: 53))
        let oldHost = z.sourceNameServers[0], newAddress = "192.0.2.1"  // the set's first server (Stand)
        s.dns.setAddresses(oldHost, v4: ["198.51.100.1"], v6: [])
        let soa = "ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
        for address in ["198.51.100.1", newAddress] {
            s.dns.serve(address: address, zone: "example.org", soa: soa, ns: z.sourceNameServers)
            s.dns.setAuthoritative(address: address, "www.example.org", .a, .answer(["192.0.2.1", "192.0.2.2"], authoritative: true))
            s.dns.setAuthoritative(address: address, "example.org", .mx, .answer(["10 mx1.example.org.", "20 mx2.example.org."], authoritative: true))
            s.dns.setAuthoritative(address: address, "sub.example.org", .ns, .answer([], authoritative: false))
        }
        s.dns.setAuthoritative(address: "198.51.100.1", "example.org", .txt, .answer(["\"v=spf1 -all\""], authoritative: true))
        s.dns.setAuthoritative(address: newAddress, "example.org", .txt, .answer(["\"v=spf1 -all\""], authoritative: true))

        let report = try await engine.migrate(z, of: plan)
        let answers = try XCTUnwrap(report.answers)
        XCTAssertEqual(answers.oldServer, "\(Canonical.name(oldHost).dropLast()) (198.51.100.1)")
        XCTAssertEqual(answers.newServer, "\(Canonical.name(plan.setNameServers[0]).dropLast()) (\(newAddress))")
        XCTAssertEqual(MigrationRenderer.answers(answers, width: 200).first,
                       "answers: the same for 6 questions asked of the old zone's \(answers.oldServer!) and the new zone's \(answers.newServer!)")
        XCTAssertEqual(answers.asked, 6, "www A, MX, TXT, TLSA, sub NS, the alias: each asked once")
        XCTAssertEqual(answers.notAsked, ["routing-policy sets (the answer depends on who asks)": 2])
        XCTAssertTrue(answers.same && report.proven, "\(answers.differences)")
        let asked = s.dns.log.filter { $0.hasPrefix("@198.51.100.1:53 ") }
        XCTAssertTrue(asked.contains("@198.51.100.1:53 _443._tcp.example.org TLSA") && !asked.contains("@198.51.100.1:53 w.example.org A") && !asked.contains("@198.51.100.1:53 geo.example.org A"), "\(asked)")

        XCTAssertEqual(AnswerParity.presentation("paren(1).sp ace.*.example.org."), "paren\\0401\\041.sp\\032ace.*.example.org.")
        XCTAssertEqual(AnswerParity.presentation("b\u{FC}cher.example."), "b\\195\\188cher.example.", "bytes, not characters")

        // The new zone's server answers one question differently: listed with both answers, asked again first.
        s.dns.setAuthoritative(address: newAddress, "example.org", .txt, .answer([], authoritative: true))
        let before = s.dns.log.count
        let differing = await engine.answerParity(zone: "example.org.", records: z.sourceRecords, oldNameServers: z.sourceNameServers,
                                                  newNameServers: plan.setNameServers, check: plan.answerCheck!, retries: 2, retryDelay: 0.01)
        XCTAssertEqual(differing.differences, [AnswerDifference(name: "example.org.", type: "TXT", old: "\"v=spf1 -all\"", new: "NODATA")])
        XCTAssertEqual(s.dns.log[before...].filter { $0 == "@\(newAddress):53 example.org TXT" }.count, 3, "asked, then asked again twice")
        var unproven = report; unproven.answers = differing
        XCTAssertTrue(unproven.identical && !unproven.proven)
        XCTAssertTrue(MigrationRenderer.answers(differing).joined(separator: "\n").contains("answers: 1 differ"))

        // No server of the old zone answers (port 53 blocked): said so, the records alone stand.
        let silent = await engine.answerParity(zone: "example.org.", records: z.sourceRecords, oldNameServers: ["ns-9.awsdns-09.net."],
                                               newNameServers: plan.setNameServers, check: plan.answerCheck!)
        XCTAssertEqual(silent.unavailable, "no name server of the old zone (ns-9.awsdns-09.net.) answered for example.org. on port 53")
        XCTAssertFalse(silent.same)
    }

    func testALostAnswerMidCopyConvergesOnRerunWithoutDuplicates() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        s.r53.failNextChangeAfterCommit = true
        do { _ = try await engine.migrate(plan.zones[0], of: plan); XCTFail("the injected loss should surface") } catch {}
        let rerun = try await engine.planMigration(request(s))
        XCTAssertNotNil(rerun.zones[0].targetZoneId, "the zone made by the first run is found")
        let report = try await engine.migrate(rerun.zones[0], of: rerun)
        XCTAssertTrue(report.identical)
        XCTAssertEqual(s.r53.allZones().filter { $0.name == "example.org." }.count, 2, "one old zone, one copy")
        XCTAssertEqual(report.sourceCounts, ParityReport.compare(zone: "example.org.", source: s.r53.records(zoneId: old), sourceId: old,
                                                                 copy: s.r53.records(zoneId: report.copyZoneId), copyId: report.copyZoneId).copyCounts)
    }

    func testACopyMadeBetweenPlanAndRunIsFoundAndCompletedNotDuplicated() async throws {
        let (s, _) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        XCTAssertNil(plan.zones[0].targetZoneId)
        // Another run made the zone (same derived reference) and copied one record meanwhile.
        let other = try await s.r53.createHostedZone(name: "example.org", callerReference: plan.zones[0].callerReference, delegationSetId: s.setId, comment: nil)
        _ = try await s.r53.changeResourceRecordSets(zoneId: other.hostedZone.id, changes: [
            Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "www.example.org.", type: "A", ttl: 300, values: ["192.0.2.1", "192.0.2.2"]))], comment: nil)
        let report = try await engine.migrate(plan.zones[0], of: plan)
        XCTAssertEqual(report.copyZoneId, other.hostedZone.id)
        XCTAssertTrue(report.identical, "\(report.differences)")
    }

    /// The copy is made from the plan's listing; the parity reads the old zone again in full (no Route 53 answer
    /// proves a zone unchanged short of that), so a record added and one changed after the plan are caught, the
    /// report says the old zone changed while it was copied, and the line names `--resync`.
    func testASourceChangedAfterThePlanIsListedAgainAndCaughtByTheParity() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        _ = try await s.r53.changeResourceRecordSets(zoneId: old, changes: [
            Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "late.example.org.", type: "A", ttl: 300, values: ["192.0.2.99"])),
            Change(action: .upsert, resourceRecordSet: ResourceRecordSet(name: "www.example.org.", type: "A", ttl: 300, values: ["192.0.2.7"]))], comment: nil)
        let report = try await engine.migrate(plan.zones[0], of: plan)
        XCTAssertFalse(report.identical)
        XCTAssertEqual(report.sourceChangedSincePlan, true)
        XCTAssertEqual(Set(report.differences.map { "\($0.kind.rawValue) \($0.record)" }), ["missing late.example.org. A", "changed www.example.org. A"])
        XCTAssertNil(s.r53.record(zoneId: report.copyZoneId, name: "late.example.org.", type: "A"), "the copy holds what the plan read")
        let lines = MigrationRenderer.event(.parity(zone: "example.org.", report))
        XCTAssertTrue(lines.contains("changed while it was copied") && lines.contains("migrate --resync --zone example.org`"), lines)

        // Unchanged since the plan: identical, and the report says so.
        let other = try await s.r53.createHostedZone(name: "quiet.example", callerReference: "quiet", delegationSetId: nil, comment: nil).hostedZone.id
        _ = try await s.r53.changeResourceRecordSets(zoneId: other, changes: [
            Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "a.quiet.example.", type: "A", ttl: 60, values: ["192.0.2.5"]))], comment: nil)
        let quiet = try await engine.planMigration(request(s, ["quiet.example"]))
        let same = try await engine.migrate(quiet.zones[0], of: quiet)
        XCTAssertTrue(same.identical, "\(same.differences)")
        XCTAssertEqual(same.sourceChangedSincePlan, false)
    }

    /// The wizard's listing of the account and the set (one per run) is what the copy's pre-checks read.
    func testTheRunsListingIsReadNotListedAgain() async throws {
        let (s, _) = try await stand()
        let account = try await s.r53.listHostedZones()
        let inSet = try await s.r53.listHostedZones(delegationSetId: s.setId)
        let before = s.r53.zoneListings
        var r = request(s)
        r.listing = ZoneListing(account: account, set: (id: s.setId, zones: inSet))
        let plan = try await s.engine().planMigration(r)
        XCTAssertEqual(plan.zones.map(\.zoneName), ["example.org."])
        XCTAssertEqual(s.r53.zoneListings, before, "no ListHostedZones")
    }

    func testPreChecksRefuseWithAClearReasonAndCreateNothing() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let writesBefore = s.r53.committedBatches.count
        let priv = s.r53.addPrivateZone(name: "internal.example")
        let inSet = try await s.r53.createHostedZone(name: "inset.example", callerReference: "r", delegationSetId: s.setId, comment: nil).hostedZone.id
        func refusal(_ r: MigrationRequest) async -> String {
            do { _ = try await engine.planMigration(r); return "no refusal" } catch let e as MigrationRefused { return e.description } catch { return "\(error)" }
        }
        let unknown = await refusal(request(s, ["nosuch.example"]))
        XCTAssertTrue(unknown.contains("there is no hosted zone nosuch.example"), unknown)
        let already = await refusal(request(s, [inSet]))
        XCTAssertTrue(already.contains("already in set"), already)
        let privateZone = await refusal(request(s, [priv]))
        XCTAssertTrue(privateZone.contains("private hosted zone"), privateZone)

        s.r53.signingZones = [old]
        let signing = await refusal(request(s))
        XCTAssertTrue(signing.contains("DNSSEC-signed") && signing.contains("--acknowledge-dnssec"), signing)
        s.r53.signingZones = []
        s.dns.set("example.org", .ds, .answer(["12345 13 2 ABCDEF"], authoritative: false))
        let ds = await refusal(request(s))
        XCTAssertTrue(ds.contains("DS record"), ds)
        let acknowledged = try await engine.planMigration(request(s, ack: true))
        XCTAssertTrue(acknowledged.zones[0].notes.contains { $0.contains("DNSSEC acknowledged") })
        s.dns.set("example.org", .ds, .answer([], authoritative: false))

        s.r53.zonesPerSetLimit = 2  // example.com and inset.example are in it
        let full = await refusal(request(s))
        XCTAssertTrue(full.contains("serves 2 of its 2 zones"), full)
        s.r53.zonesPerSetLimit = 100

        let fromZone = try await s.r53.createReusableDelegationSet(callerReference: "from-old", hostedZoneId: old).delegationSet.id!
        let conflict = await refusal(MigrationRequest(setId: fromZone, zones: ["example.org"]))
        XCTAssertTrue(conflict.contains("was made from zone example.org") && conflict.contains("sets create"), conflict)
        _ = try await s.r53.createHostedZone(name: "shop.example.org", callerReference: "child", delegationSetId: s.setId, comment: nil)
        let child = await refusal(request(s))
        XCTAssertTrue(child.contains("shop.example.org") && child.contains("ConflictingDomainExists"), child)
        XCTAssertEqual(s.r53.committedBatches.count, writesBefore, "no pre-check writes")
    }

    func testUndoDeletesTheCopyBeforeTheCutOverAndRefusesAfterIt() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        let report = try await engine.migrate(plan.zones[0], of: plan)
        // The parent still delegates to the old zone's servers.
        let oldNS = try await s.r53.getHostedZone(id: old).delegationSet!.nameServers
        s.dns.set("org", .ns, .answer(["a0.org.example."], authoritative: false))
        s.dns.setAddresses("a0.org.example.", v4: ["198.51.100.53"], v6: [])
        s.dns.setReferral(address: "198.51.100.53", "example.org", nameServers: oldNS.map { $0 + "." })
        let status = try await engine.migrationStatus(zone: "example.org", queryPort: 53, target: .system)
        XCTAssertEqual(status.delegation, .old)
        XCTAssertEqual(status.pendingChanges, 0)
        XCTAssertNil(status.safeToDeleteAt)

        let undo = try await engine.undoPlan(zone: "example.org", queryPort: 53, target: .system)
        XCTAssertEqual(undo.deletions.count, 8)
        try await engine.undoMigration(undo)
        let gone = try? await s.r53.getHostedZone(id: report.copyZoneId)
        XCTAssertNil(gone)

        // Again, then the parent moves to the new zone's servers: undo is refused, status starts the 48-hour clock.
        let again = try await engine.planMigration(request(s))
        let second = try await engine.migrate(again.zones[0], of: again)
        XCTAssertNotEqual(second.copyZoneId, report.copyZoneId)
        let newNS = try await s.r53.getHostedZone(id: second.copyZoneId).delegationSet!.nameServers
        s.dns.setReferral(address: "198.51.100.53", "example.org", nameServers: newNS.map { $0 + "." })
        do { _ = try await engine.undoPlan(zone: "example.org", queryPort: 53, target: .system); XCTFail("undo after the cut-over") } catch let e as InputProblem {
            XCTAssertTrue(e.message.contains("already delegates"), e.message)
        }
        let after = try await engine.migrationStatus(zone: "example.org", queryPort: 53, target: .system)
        XCTAssertEqual(after.delegation, .new)
        XCTAssertNotNil(after.safeToDeleteAt)
    }

    func testOldNSTTLIsOnlyLoweredItsOldValueSavedAndUndoRestoresIt() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        _ = try await engine.migrate(plan.zones[0], of: plan)
        let original = try XCTUnwrap(s.r53.record(zoneId: old, name: "example.org.", type: "NS")?.ttl)
        XCTAssertGreaterThan(original, 300)
        let change = try await engine.oldNSTTLChange(zone: "example.org", ttl: 300)
        XCTAssertEqual(change?.before?.ttl, original)
        XCTAssertEqual(change?.after.ttl, 300)
        XCTAssertEqual(change?.after.resourceRecords, change?.before?.resourceRecords, "only the TTL changes")
        try await engine.applyOldNSTTL(zone: "example.org", XCTUnwrap(change))
        XCTAssertEqual(s.r53.record(zoneId: old, name: "example.org.", type: "NS")?.ttl, 300)
        XCTAssertEqual(engine.migrationJournal(zone: "example.org")?.savedOldNS?.ttl, original, "the old NS is saved for undo")
        let again = try await engine.oldNSTTLChange(zone: "example.org", ttl: 300)
        let raise = try await engine.oldNSTTLChange(zone: "example.org", ttl: 3600)
        XCTAssertNil(again, "already at 300 s")
        XCTAssertNil(raise, "a TTL is lowered, never raised")

        // Undo before the cut-over (the parent still delegates to the old zone) puts the old TTL back.
        let oldNS = try await s.r53.getHostedZone(id: old).delegationSet!.nameServers
        s.dns.set("org", .ns, .answer(["a0.org.example."], authoritative: false))
        s.dns.setAddresses("a0.org.example.", v4: ["198.51.100.53"], v6: [])
        s.dns.setReferral(address: "198.51.100.53", "example.org", nameServers: oldNS.map { $0 + "." })
        try await engine.undoMigration(engine.undoPlan(zone: "example.org", queryPort: 53, target: .system))
        XCTAssertEqual(s.r53.record(zoneId: old, name: "example.org.", type: "NS")?.ttl, original)
    }

    func testResyncCopiesWhatChangedInTheOldZoneDeletionsIncluded() async throws {
        let (s, old) = try await stand()
        let engine = s.engine()
        let plan = try await engine.planMigration(request(s))
        _ = try await engine.migrate(plan.zones[0], of: plan)
        _ = try await s.r53.changeResourceRecordSets(zoneId: old, changes: [
            Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "late.example.org.", type: "A", ttl: 60, values: ["192.0.2.99"])),
            Change(action: .delete, resourceRecordSet: s.r53.record(zoneId: old, name: "_443._tcp.example.org.", type: "TLSA")!),
        ], comment: nil)
        let (p, z) = try await engine.resyncPlan(zone: "example.org")
        XCTAssertEqual(z.diff.creates.map(\.name), ["late.example.org."])
        XCTAssertEqual(z.diff.extras.map(\.type), ["TLSA"])
        let report = try await engine.migrate(z, of: p)
        XCTAssertTrue(report.identical, "\(report.differences)")
    }
}

/// The DNSSEC pre-check asks every zone's parent for its DS at once: with a resolver that never answers, ten zones
/// cost one lookup timeout, not ten. A concurrency property measured with generous margins: the bound (1.2 × the
/// timeout) is far below the 10 × a sequential check would take, and the timeout (2 s) is long against scheduling noise.
final class DNSSECPreCheckTimingTests: XCTestCase {
    func testTenZonesWithASilentResolverFinishTheirPreChecksWithinOneTimeout() async throws {
        let s = try await Stand()
        let silent = try SilentUDPServer()
        defer { silent.stop() }
        let zones = (1...10).map { "zone\($0).example.net" }
        for z in zones { _ = try await s.r53.createHostedZone(name: z, callerReference: "user-\(z)", delegationSetId: nil, comment: nil) }
        let timeout = 2.0
        let engine = WhiteLabelEngine(route53: s.r53, domains: nil, resolver: LDNSResolver(), stateDirectory: s.stateDir,
                                      clock: .immediate, pollInterval: 0, lookupTimeout: timeout)
        let started = Date()
        let plan = try await engine.planMigration(MigrationRequest(setId: s.setId, zones: zones, resolver: .server(host: "127.0.0.1", port: silent.port)))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(plan.zones.count, 10)
        XCTAssertTrue(plan.zones.allSatisfy { $0.notes.contains { $0.contains("DS at the parent") && $0.contains("not checked") } },
                      "each zone says its DS was not checked: \(plan.zones.map(\.notes))")
        XCTAssertGreaterThanOrEqual(silent.received.count, 10, "every zone's DS was asked")
        XCTAssertLessThan(elapsed, 1.2 * timeout, "10 silent DS lookups took \(elapsed) s with a \(timeout) s timeout")
    }
}
