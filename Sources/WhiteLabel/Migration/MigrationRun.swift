import Foundation
import Route53

/// The new zone could not be made in the set; says why and what to do. Nothing else was written.
public struct MigrationFailed: Error, Sendable, Equatable, CustomStringConvertible {
    public var zone: String
    public var message: String
    public var description: String { "zone \(zone): \(message)" }
}

extension WhiteLabelEngine {
    /// Runs one zone's move: journal, the new zone in the set (derived reference: a rerun finds it), the source's
    /// tags, the copy batch by batch (each waited until INSYNC), then the parity check on fresh listings and, when the
    /// plan says where, the same questions asked of both zones' name servers. The old zone is only read. A rerun after
    /// a crash anywhere finds the zone and sends only what is missing.
    public func migrate(_ zone: ZoneMigration, of plan: MigrationPlan,
                        events: @escaping @Sendable (MigrationEvent) -> Void = { _ in }) async throws -> ParityReport {
        try journal.prepare()
        var entry = migrationJournal(zone: zone.zoneName) ?? MigrationJournal(
            zoneName: zone.zoneName, sourceZoneId: zone.sourceZoneId, targetZoneId: nil, setId: plan.setId,
            callerReference: zone.callerReference, state: .copying, copiedAt: nil, lastChangeId: nil, parentSeenNewAt: nil,
            savedOldNS: nil, updatedAt: clock.now())
        if entry.state == .copying, let cid = entry.lastChangeId, !cid.isEmpty {
            try await waitForCopy(cid, zone: zone.zoneName, events: events)
        }
        entry.state = .copying; entry.sourceZoneId = zone.sourceZoneId; entry.updatedAt = clock.now()
        try saveMigration(entry)

        var zone = zone
        if zone.targetZoneId == nil {
            let created: CreatedHostedZone
            do {
                created = try await route53.createHostedZone(name: zone.zoneName, derivedReference: zone.callerReference, delegationSetId: plan.setId,
                                                             comment: "vanityns: copy of \(zone.sourceZoneId) for white-label name servers")
            } catch let e as Route53Error where e.code == "ConflictingDomainExists" {
                throw MigrationFailed(zone: zone.zoneName, message: "Route 53 refused the new zone in set \(plan.setId) (ConflictingDomainExists). "
                                      + "A zone with this name or a parent/child name, perhaps in another account, shares a name server with the set; "
                                      + "create another set and migrate into that one. Nothing was copied")
            }
            let id = ResourceID.bare(created.hostedZone.id)
            entry.targetZoneId = id; entry.callerReference = created.hostedZone.callerReference
            try saveMigration(entry)
            events(.zoneCreated(zone: zone.zoneName, zoneId: id))
            // A zone made now holds only its apex NS and SOA: the copy is the whole source, aimed at the new id. One
            // an earlier run made (the create met HostedZoneAlreadyExists and found it) is read first.
            let held = created.changeInfo == nil ? try await route53.listResourceRecordSets(zoneId: id) : []
            let diff = RecordCopy.diff(zone: zone.zoneName, source: zone.sourceRecords, sourceId: zone.sourceZoneId, target: held, targetId: id)
            zone.diff = diff; zone.batches = RecordCopy.batches(diff.phases); zone.targetZoneId = id
        } else {
            entry.targetZoneId = zone.targetZoneId
            try saveMigration(entry)
            events(.zoneFound(zone: zone.zoneName, zoneId: zone.targetZoneId!))
        }
        let targetId = zone.targetZoneId!

        for chunk in stride(from: 0, to: zone.tagsToAdd.count, by: 10) {
            try await route53.addTagsToHostedZone(id: targetId, tags: Array(zone.tagsToAdd[chunk..<min(chunk + 10, zone.tagsToAdd.count)]))
        }
        if !zone.tagsToAdd.isEmpty { events(.tagsCopied(zone: zone.zoneName, count: zone.tagsToAdd.count)) }

        for (i, batch) in zone.batches.enumerated() {
            let info = try await route53.changeResourceRecordSets(zoneId: targetId, changes: batch,
                                                                  comment: "vanityns: copy of \(zone.sourceZoneId), batch \(i + 1) of \(zone.batches.count)")
            let cid = ResourceID.bare(info.id)
            entry.lastChangeId = cid; entry.updatedAt = clock.now()
            try saveMigration(entry)
            events(.batchSubmitted(zone: zone.zoneName, index: i + 1, of: zone.batches.count, records: batch.count, changeId: cid))
            if info.status != .insync { try await waitForCopy(cid, zone: zone.zoneName, events: events, justSubmitted: true) }
            events(.batchInSync(zone: zone.zoneName, index: i + 1, of: zone.batches.count))
        }

        var report = try await parity(zone: zone.zoneName, sourceId: zone.sourceZoneId, copyId: targetId, planned: zone.sourceRecords)
        events(.parity(zone: zone.zoneName, report))
        let questions = AnswerParity.questions(zone: zone.zoneName, records: zone.sourceRecords).questions.count
        if report.identical, questions > 0, let check = plan.answerCheck, !plan.setNameServers.isEmpty {
            events(.askingServers(zone: zone.zoneName, questions: questions))
            let answers = await answerParity(zone: zone.zoneName, records: zone.sourceRecords, oldNameServers: zone.sourceNameServers,
                                             newNameServers: plan.setNameServers, check: check)
            report.answers = answers
            events(.answers(zone: zone.zoneName, answers))
        }
        entry.lastChangeId = nil; entry.updatedAt = clock.now()
        entry.state = .copied
        if !zone.batches.isEmpty || entry.copiedAt == nil { entry.copiedAt = clock.now() }
        try saveMigration(entry)
        return report
    }

    /// Lists both zones now, every page of each, and compares them record by record.
    ///
    /// The source is read again in full although the copy was made from the plan's listing: nothing Route 53 answers
    /// proves a zone unchanged short of listing it. It has no change counter, no modification time and no change
    /// history per zone; its SOA serial does not move on a change; `ResourceRecordSetCount` misses an UPSERT and a
    /// create paired with a delete; and a ListResourceRecordSets page holds at most 300 record sets, so one page's
    /// digest says nothing of the next. For a zone of one page that one call is the whole fresh listing anyway. The
    /// plan's records (`planned`) only tell the report whether the zone changed while it was copied.
    public func parity(zone: String, sourceId: String, copyId: String, planned: [ResourceRecordSet]? = nil) async throws -> ParityReport {
        async let source = route53.listResourceRecordSets(zoneId: sourceId)
        async let copy = route53.listResourceRecordSets(zoneId: copyId)
        let name = DomainName(trusted: zone).fqdn
        var report = ParityReport.compare(zone: name, source: try await source, sourceId: sourceId, copy: try await copy, copyId: copyId)
        if let planned {
            report.sourceChangedSincePlan = ParityReport.compare(zone: name, source: planned, sourceId: sourceId, copy: [], copyId: copyId).sourceDigest != report.sourceDigest
        }
        return report
    }

    /// The saved move of `zone`, if any.
    public func migrationJournal(zone: String) -> MigrationJournal? {
        journal.document(DomainName(trusted: zone).fqdn, kind: "migration")
    }

    /// Every saved move, in zone name order.
    public func migrationJournals() -> [MigrationJournal] { journal.documents(kind: "migration") }

    @discardableResult
    func saveMigration(_ entry: MigrationJournal) throws -> URL { try journal.save(entry, zoneName: entry.zoneName, kind: "migration") }

    /// Waits for a copy batch; a change Route 53 no longer knows was applied long ago.
    func waitForCopy(_ changeId: String, zone: String, events: @escaping @Sendable (MigrationEvent) -> Void, justSubmitted: Bool = false) async throws {
        do {
            try await waitInSync(changeId: changeId, zoneName: zone, events: { e in
                if case let .waiting(_, cid, _, elapsed) = e { events(.waiting(zone: zone, changeId: cid, elapsedSeconds: elapsed)) }
            }, justSubmitted: justSubmitted)
        } catch let e as Route53Error where e.code == "NoSuchChange" {}
    }
}
