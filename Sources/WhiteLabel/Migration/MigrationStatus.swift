import Foundation
import Route53
import Resolver

/// What `migrate --undo` deletes: the new zone's records (all but its apex NS and SOA) in batches, then the zone.
public struct MigrationUndo: Sendable, Equatable {
    public var zoneName: String
    public var targetZoneId: String
    public var sourceZoneId: String
    public var deletions: [ResourceRecordSet]
    public var batches: [[Change]]
    /// The old zone's apex NS TTL is put back too (it was lowered for the cut-over).
    public var restoresOldNS: ResourceRecordSet?
}

extension WhiteLabelEngine {
    /// How long to keep the old zone after the parent points at the new one (AWS: no sooner than 48 hours), before
    /// the parent's own NS TTL is added.
    static let keepOldZoneSeconds: Double = 48 * 3600

    /// Where the parent delegates `zone` now, what changed in the old zone since the copy, and when deleting the old
    /// zone becomes safe. Remembers the first time every parent server pointed at the new zone.
    public func migrationStatus(zone: String, queryPort: Int, target: ResolverTarget) async throws -> MigrationStatus {
        try await readStatus(zone: zone, queryPort: queryPort, target: target).status
    }

    /// The status, and the copy's record sets as read for it (so `--undo` does not list the zone twice).
    func readStatus(zone: String, queryPort: Int, target: ResolverTarget) async throws -> (status: MigrationStatus, copy: [ResourceRecordSet]) {
        guard var entry = migrationJournal(zone: zone), entry.targetZoneId != nil else {
            throw InputProblem(subject: "--zone \(zone)", message: "no migration of \(DomainName(trusted: zone).ascii) in \(journal.directory.path); "
                               + "`vanityns migrate --set ID --zone \(DomainName(trusted: zone).ascii)` starts one")
        }
        let name = DomainName(trusted: entry.zoneName), saved = entry, sourceId = entry.sourceZoneId
        async let view = registryView(of: name, port: queryPort, target: target)
        async let oldDetail = route53.getHostedZone(id: sourceId)
        async let reading = copyDiff(saved)
        let (d, copyNS, copy) = try await reading
        let oldNS = Set((try await oldDetail.delegationSet?.nameServers ?? []).map(Canonical.name))
        let registry = await view
        let delegation = Self.delegationNow(registry.delegatedSets, old: oldNS, new: copyNS)
        var notes: [String] = registry.note.map { [$0] } ?? []
        if delegation == .new, entry.parentSeenNewAt == nil {
            entry.parentSeenNewAt = clock.now(); entry.updatedAt = clock.now()
            try saveMigration(entry)
        }
        let safe = entry.parentSeenNewAt.map { $0.addingTimeInterval(Self.keepOldZoneSeconds + Double(registry.ttl ?? 172_800)) }
        if !d.uncopied.isEmpty { notes.append("\(d.uncopied.count) record set(s) of the old zone cannot be copied (`migrate --plan` lists them and why)") }
        let status = MigrationStatus(journal: entry, delegation: delegation, parentTTL: registry.ttl,
                                     pendingChanges: d.creates.count + d.updates.count + d.extras.count, safeToDeleteAt: safe, notes: notes)
        return (status, copy)
    }

    /// `old` when every parent server names only the old zone's servers, `new` when only the copy's (its AWS servers
    /// or the vanity hosts in its apex NS), `mixed` otherwise, `unknown` when no server answered.
    static func delegationNow(_ sets: [Set<String>], old: Set<String>, new: Set<String>) -> DelegationNow {
        guard !sets.isEmpty else { return .unknown }
        let kinds = Set(sets.map { s -> DelegationNow in s.isSubset(of: old) ? .old : (s.isSubset(of: new) ? .new : .mixed) })
        return kinds.count == 1 ? kinds.first! : .mixed
    }

    /// The old zone compared with the copy now, and every name server the copy is known by (the set's AWS names and
    /// the host names in its apex NS).
    func copyDiff(_ entry: MigrationJournal) async throws -> (CopyDiff, Set<String>, [ResourceRecordSet]) {
        guard let targetId = entry.targetZoneId else { return (CopyDiff(), [], []) }
        async let source = route53.listResourceRecordSets(zoneId: entry.sourceZoneId)
        async let copy = route53.listResourceRecordSets(zoneId: targetId)
        async let detail = route53.getHostedZone(id: targetId)
        let copied = try await copy
        let apexNS = Planner.find(copied, name: DomainName(trusted: entry.zoneName), type: "NS")?.values ?? []
        let ns = Set((apexNS + (try await detail.delegationSet?.nameServers ?? [])).map(Canonical.name))
        let diff = RecordCopy.diff(zone: entry.zoneName, source: try await source, sourceId: entry.sourceZoneId, target: copied, targetId: targetId)
        return (diff, ns, copied)
    }

    /// The copy brought up to date with the old zone, deletions included (shown and confirmed by the caller);
    /// run it with `migrate`.
    public func resyncPlan(zone: String) async throws -> (MigrationPlan, ZoneMigration) {
        guard let entry = migrationJournal(zone: zone), let targetId = entry.targetZoneId, entry.state != .undone else {
            throw InputProblem(subject: "--zone \(zone)", message: "no copy of \(DomainName(trusted: zone).ascii) to resync; migrate it first")
        }
        let source = try await route53.getHostedZone(id: entry.sourceZoneId)
        let z = try await zoneMigration(source: source.hostedZone, nameServers: source.delegationSet?.nameServers ?? [], targetId: targetId,
                                        setId: entry.setId, notes: [], includeDeletes: true)
        let usage = SetUsage(count: 0, limit: 0, limitNote: nil)
        return (MigrationPlan(setId: entry.setId, setNameServers: [], zones: [z], setUsage: usage, accountUsage: usage, notes: []), z)
    }

    /// What `--undo` would delete; refused once any parent server delegates to the copy.
    public func undoPlan(zone: String, queryPort: Int, target: ResolverTarget) async throws -> MigrationUndo {
        let (status, copy) = try await readStatus(zone: zone, queryPort: queryPort, target: target)
        let entry = status.journal
        guard entry.state != .undone, let targetId = entry.targetZoneId else {
            throw InputProblem(subject: "--zone \(zone)", message: "the copy of \(entry.zoneName) was already deleted")
        }
        if status.delegation == .new || status.delegation == .mixed {
            throw InputProblem(subject: "--zone \(zone)", message: "the parent zone already delegates \(entry.zoneName) to the new zone (\(status.delegation.rawValue)); "
                               + "deleting it now would break resolution. Point the registrar back at the old name servers and wait the parent's NS TTL first")
        }
        let deletions = RecordCopy.deletions(of: copy.filter { !RecordCopy.isApexNSOrSOA($0, zone: entry.zoneName) }, zoneId: targetId)
        return MigrationUndo(zoneName: entry.zoneName, targetZoneId: targetId, sourceZoneId: entry.sourceZoneId,
                             deletions: deletions.map(\.resourceRecordSet), batches: RecordCopy.batches([deletions]), restoresOldNS: entry.savedOldNS)
    }

    /// Deletes the copy's records and the copy, puts the old zone's NS TTL back, and marks the move undone.
    public func undoMigration(_ undo: MigrationUndo, events: @escaping @Sendable (MigrationEvent) -> Void = { _ in }) async throws {
        guard var entry = migrationJournal(zone: undo.zoneName) else { return }
        for (i, batch) in undo.batches.enumerated() {
            let info = try await route53.changeResourceRecordSets(zoneId: undo.targetZoneId, changes: batch, comment: "vanityns: migrate --undo")
            events(.batchSubmitted(zone: undo.zoneName, index: i + 1, of: undo.batches.count, records: batch.count, changeId: ResourceID.bare(info.id)))
            if info.status != .insync { try await waitForCopy(ResourceID.bare(info.id), zone: undo.zoneName, events: events, justSubmitted: true) }
        }
        do { _ = try await route53.deleteHostedZone(id: undo.targetZoneId) } catch let e as Route53Error where e.code == "NoSuchHostedZone" {}
        if let saved = undo.restoresOldNS {
            _ = try await route53.changeResourceRecordSets(zoneId: undo.sourceZoneId, changes: [Change(action: .upsert, resourceRecordSet: saved)],
                                                          comment: "vanityns: migrate --undo restores the NS TTL")
            entry.savedOldNS = nil
        }
        entry.state = .undone; entry.targetZoneId = nil; entry.lastChangeId = nil; entry.updatedAt = clock.now()
        try saveMigration(entry)
    }

    /// The old zone's apex NS with `ttl`, to make resolvers follow the cut-over quickly; nil when its TTL is already
    /// `ttl` or lower (it is never raised).
    public func oldNSTTLChange(zone: String, ttl: Int) async throws -> PlannedChange? {
        guard let entry = migrationJournal(zone: zone) else { return nil }
        let records = try await route53.listResourceRecordSets(zoneId: entry.sourceZoneId)
        guard let ns = Planner.find(records, name: DomainName(trusted: entry.zoneName), type: "NS"), (ns.ttl ?? 0) > ttl else { return nil }
        var after = ns; after.ttl = ttl
        return PlannedChange(role: .apexNS, action: .upsert, before: ns, after: after)
    }

    /// Saves the old NS in the migration journal, then lowers its TTL (what `--undo` restores).
    public func applyOldNSTTL(zone: String, _ change: PlannedChange) async throws {
        guard var entry = migrationJournal(zone: zone) else { return }
        if entry.savedOldNS == nil { entry.savedOldNS = change.before }
        entry.updatedAt = clock.now()
        try saveMigration(entry)
        let info = try await route53.changeResourceRecordSets(zoneId: entry.sourceZoneId, changes: [Change(action: .upsert, resourceRecordSet: change.after)],
                                                              comment: "vanityns: lower the NS TTL before the cut-over")
        if info.status != .insync { try await waitForCopy(ResourceID.bare(info.id), zone: entry.zoneName, events: { _ in }, justSubmitted: true) }
    }
}
