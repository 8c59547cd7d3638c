import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// `migrate --status`, `--resync` and `--undo`.
enum MigrationFollowUp {
    static func status(_ engine: WhiteLabelEngine, zones: [String], services s: Services, global: GlobalOptions) async throws {
        let journals = engine.migrationJournals().filter { j in zones.isEmpty || zones.contains { DomainName(trusted: $0).fqdn == j.zoneName } }
            .filter { $0.state != .undone }
        let signed = engine.signedMigrations().filter { m in zones.isEmpty || zones.contains { DomainName(trusted: $0).fqdn == m.zoneName } }
        if global.output == .text {
            for m in signed { Console.out("\(m.zoneName.dropLast()): signed-zone migration (migrate --dnssec), KMS key \(m.kmsArn):\n" + m.lines.joined(separator: "\n")) }
        }
        if journals.isEmpty && !signed.isEmpty && global.output == .text { return }
        guard !journals.isEmpty else {
            throw Console.fail("no migration in \(engine.stateDirectory.path)" + (zones.isEmpty ? "" : " for " + zones.joined(separator: ", "))
                               + "; `vanityns migrate --set ID --zone ZONE` starts one")
        }
        var rows: [MigrationStatus] = []
        for j in journals { rows.append(try await engine.migrationStatus(zone: j.zoneName, queryPort: global.queryPort, target: s.resolverTarget)) }
        if global.output == .json { return try Console.json(rows.map(MigrationStatusJSON.init)) }
        Console.out(MigrationRenderer.statusTable(rows, now: Date()))
        for r in rows {
            for n in r.notes { Console.out("note: \(r.journal.zoneName): \(n)") }
            if r.pendingChanges > 0 {
                Console.out("\(r.journal.zoneName): \(r.pendingChanges) record set(s) changed in the old zone since the copy: "
                            + "`vanityns migrate --resync --zone \(r.journal.zoneName)` copies them")
            }
            if let at = r.safeToDeleteAt, at <= Date() {
                Console.out("\(r.journal.zoneName): the old zone \(r.journal.sourceZoneId) can go. vanityns never deletes it; after deleting its "
                            + "records but the apex NS and SOA: aws route53 delete-hosted-zone --id \(r.journal.sourceZoneId)")
            }
        }
    }

    static func resync(_ engine: WhiteLabelEngine, zone: String, yes: Bool, global: GlobalOptions) async throws {
        let (plan, z) = try await engine.resyncPlan(zone: zone)
        if z.isDone {
            if global.output == .text { Console.out("\(z.zoneName): the new zone already matches the old one") }
            return
        }
        Console.error(MigrationRenderer.zone(z, setId: plan.setId, color: Console.stderrColor).joined(separator: "\n"))
        guard try Console.confirm("Bring \(z.targetZoneId!) in line with the old zone?", assumeYes: yes) else { throw Console.fail("nothing changed") }
        let report = try await engine.migrate(z, of: plan) { e in if global.output == .text { Console.out(MigrationEventFormat.line(e)) } }
        if global.output == .json { try Console.json(ParityJSON(report)) }
        if !report.identical { throw ExitCode(1) }
    }

    static func undo(_ engine: WhiteLabelEngine, zone: String, services s: Services, yes: Bool, global: GlobalOptions) async throws {
        let undo = try await engine.undoPlan(zone: zone, queryPort: global.queryPort, target: s.resolverTarget)
        Console.error("Undo the move of \(undo.zoneName): delete the new zone \(undo.targetZoneId) and its \(undo.deletions.count) record sets "
                      + "(the old zone \(undo.sourceZoneId) is not touched" + (undo.restoresOldNS != nil ? "; its NS TTL is put back)" : ")"))
        for r in undo.deletions.prefix(20) { Console.error("  - \(RecordKey(r))") }
        if undo.deletions.count > 20 { Console.error("  ... and \(undo.deletions.count - 20) more") }
        guard try Console.confirm("Delete zone \(undo.targetZoneId)?", assumeYes: yes) else { throw Console.fail("nothing deleted") }
        try await engine.undoMigration(undo) { e in if global.output == .text { Console.out(MigrationEventFormat.line(e)) } }
        if global.output == .text { Console.out("\(undo.zoneName): new zone \(undo.targetZoneId) deleted; the old zone serves as before") }
    }
}

struct ParityJSON: Encodable {
    var SourceZoneId, CopyZoneId, SourceDigest, CopyDigest: String
    var Identical: Bool
    var SourceCounts, CopyCounts: [String: Int]
    var Differences: [ParityDifference]
    var Answers: AnswersJSON?
    init(_ p: ParityReport) {
        SourceZoneId = p.sourceZoneId; CopyZoneId = p.copyZoneId; SourceDigest = p.sourceDigest; CopyDigest = p.copyDigest
        Identical = p.identical; SourceCounts = p.sourceCounts; CopyCounts = p.copyCounts; Differences = p.differences
        Answers = p.answers.map(AnswersJSON.init)
    }
}

/// The DNS check of a copy: the same questions asked of the old and the new zone's name servers.
struct AnswersJSON: Encodable {
    struct Difference: Encodable { var Name, `Type`, Old, New: String }
    var OldServer, NewServer, Unavailable: String?
    var Asked: Int
    var Same: Bool
    var Differences: [Difference]
    var NotAsked: [String: Int]
    init(_ a: AnswerParity) {
        OldServer = a.oldServer; NewServer = a.newServer; Unavailable = a.unavailable; Asked = a.asked; Same = a.same
        Differences = a.differences.map { Difference(Name: $0.name, Type: $0.type, Old: $0.old, New: $0.new) }; NotAsked = a.notAsked
    }
}

struct MigrationPlanJSON: Encodable {
    struct Zone: Encodable {
        var Name, SourceZoneId, CallerReference: String
        var NewZoneId: String?
        var Copy: [String: Int]
        var Identical, Batches: Int
        var NotCopied: [UncopiedRecord]
        var Notes: [String]
    }
    var DelegationSetId: String
    var Zones: [Zone]
    init(_ p: MigrationPlan) {
        DelegationSetId = p.setId
        Zones = p.zones.map { z in
            Zone(Name: z.zoneName, SourceZoneId: z.sourceZoneId, CallerReference: z.callerReference, NewZoneId: z.targetZoneId, Copy: z.countsByType,
                 Identical: z.diff.identical, Batches: z.batches.count, NotCopied: z.diff.uncopied, Notes: z.notes)
        }
    }
}

struct MigrationResultsJSON: Encodable {
    struct Zone: Encodable { var Name: String; var NewZoneId: String?; var Parity: ParityJSON?; var Error: String? }
    var Zones: [Zone]
    init(_ results: [MigrationRunner.Result]) {
        Zones = results.map { Zone(Name: $0.zone, NewZoneId: $0.newZoneId, Parity: $0.parity.map(ParityJSON.init), Error: $0.error) }
    }
}

struct MigrationStatusJSON: Encodable {
    var Name, SourceZoneId, State, Delegation: String
    var NewZoneId: String?
    var PendingChanges: Int
    var ParentTTL: UInt32?
    var CopiedAt, SafeToDeleteAt: Date?
    var Notes: [String]
    init(_ s: MigrationStatus) {
        Name = s.journal.zoneName; SourceZoneId = s.journal.sourceZoneId; State = s.journal.state.rawValue; Delegation = s.delegation.rawValue
        NewZoneId = s.journal.targetZoneId; PendingChanges = s.pendingChanges; ParentTTL = s.parentTTL
        CopiedAt = s.journal.copiedAt; SafeToDeleteAt = s.safeToDeleteAt; Notes = s.notes
    }
}
