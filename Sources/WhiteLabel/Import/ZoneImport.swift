import Foundation
import Resolver
import Route53

/// What `vanityns import` does to one zone: the master file's records as Route 53 record sets, the diff against what
/// the zone holds, and the batches that make the zone hold the file. The file's apex NS and SOA are shown and left
/// out: the zone keeps its own (the set's, or the vanity hosts' once `apply` has switched it).
public struct ImportPlan: Sendable {
    public var zoneName: String
    /// The zone written into; nil when it is to be created in `setId`.
    public var zoneId: String?
    public var setId: String?
    public var file: String
    public var fileRecords: [ResourceRecordSet]
    /// The file's own apex NS and SOA: not imported.
    public var fileApex: [ResourceRecordSet]
    public var diff: CopyDiff
    /// Plain record sets in the zone that the file does not have: deleted only with `prune`.
    public var extras: [ResourceRecordSet]
    /// Route 53-only record sets in the zone (aliases, routing policies): a master file cannot hold them, always kept.
    public var kept: [ResourceRecordSet]
    public var prune: Bool
    /// Things the conversion decided (an RRset whose records had different TTLs).
    public var notes: [String]
    public var batches: [[Change]]
    public var isEmpty: Bool { zoneId != nil && batches.isEmpty }
}

/// A finished import: the zone and the parity of every record of the file against it.
public struct ImportResult: Sendable {
    public var zoneId: String
    public var created: Bool
    public var parity: ParityReport
}

/// What an import replaced, saved before the first batch so it can be put back (`kind` "import" in the journal).
public struct ImportJournal: Codable, Sendable {
    public var zoneName: String
    public var zoneId: String?
    public var file: String
    /// The record sets as they were before the import changed or deleted them.
    public var replaced: [ResourceRecordSet]
    public var lastChangeId: String?
    public var done: Bool
    public var updatedAt: Date
}

/// Master-file text turned into Route 53's: decimal `\DDD` escapes become Route 53's octal `\ooo`, and in a name any
/// byte other than a letter, digit, `-`, `_` or a lone `*` is escaped, as Route 53 itself writes names.
public enum Route53Text {
    public static func value(_ zoneFile: String) -> String { ZoneFileText.reescape(zoneFile, from: 10, to: 8) }

    /// An absolute name from ldns (`\DDD`, `\X` escapes) in Route 53's form, lower case, with the final dot.
    public static func name(_ zoneFile: String) -> String {
        let labels = ZoneFileText.labels(Route53Text.value(zoneFile))
        return labels.map { label -> String in
            if label == [0x2a] { return "*" }
            return label.map { c -> String in
                let lower = c >= 0x41 && c <= 0x5a ? c + 32 : c
                let plain = (lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39) || lower == 0x2d || lower == 0x5f
                return plain ? String(UnicodeScalar(lower)) : String(format: "\\%03o", Int(c))
            }.joined()
        }.joined(separator: ".") + "."
    }

    /// The file's records grouped into record sets (one per name and type, in the file's order). An RRset whose
    /// records carry different TTLs takes the lowest, with a note: Route 53 holds one TTL per record set.
    public static func recordSets(_ records: [ZoneFileRecord]) -> (sets: [ResourceRecordSet], notes: [String]) {
        var order: [String] = [], byKey: [String: ResourceRecordSet] = [:], notes: [String] = []
        for r in records {
            let name = Route53Text.name(r.owner)
            let key = name + " " + r.type
            if var set = byKey[key] {
                if set.ttl != r.ttl {
                    notes.append("\(name) \(r.type): records with TTL \(set.ttl ?? 0) and \(r.ttl); Route 53 keeps one, the lower")
                    set.ttl = min(set.ttl ?? r.ttl, r.ttl)
                }
                set.resourceRecords = (set.resourceRecords ?? []) + [ResourceRecord(value: Route53Text.value(r.data))]
                byKey[key] = set
            } else {
                order.append(key)
                byKey[key] = ResourceRecordSet(name: name, type: r.type, ttl: r.ttl, values: [Route53Text.value(r.data)])
            }
        }
        return (order.map { byKey[$0]! }, notes)
    }
}

extension WhiteLabelEngine {
    /// The name of zone `id` (for reading a master file whose origin is that zone).
    public func zoneName(id: String) async throws -> String {
        try await route53.getHostedZone(id: ResourceID.bare(id)).hostedZone.name
    }

    /// Plans the import of `records` (read from `file`) into zone `zone` (a name or zone ID): the zone of that name in
    /// `setId` when given (created there when missing), else the account's one zone of that name. Nothing is written.
    public func planImport(zone text: String, setId: String?, file: String, records: [ZoneFileRecord], prune: Bool) async throws -> ImportPlan {
        let candidates = try await route53.listHostedZones(delegationSetId: setId.map(ResourceID.bare))
        let zone: HostedZone?, name: DomainName
        do { (zone, name) = try ZoneArgument.resolve(text, among: candidates) } catch let p as InputProblem {
            throw ValidationFailed(problems: [p])
        }
        if zone == nil && setId == nil {
            throw ValidationFailed(problems: [InputProblem(subject: "--zone \(text)", message: "there is no hosted zone \(name.ascii) in this account; "
                                                           + "give --set ID to create it in a reusable delegation set")])
        }
        let (all, notes) = Route53Text.recordSets(records)
        let outside = all.filter { !DomainName(trusted: $0.name).isInside(name) }
        if !outside.isEmpty {
            throw ValidationFailed(problems: [InputProblem(subject: file, message: "\(outside.count) record set(s) outside \(name.fqdn), e.g. "
                                                           + "\(outside[0].name) \(outside[0].type); the file is not a master file of this zone")])
        }
        guard all.contains(where: { $0.type == "SOA" && RecordCopy.canonicalName($0.name) == name.fqdn }) else {
            throw ValidationFailed(problems: [InputProblem(subject: file, message: "no SOA at \(name.fqdn): not a master file of this zone")])
        }
        let apex = all.filter { RecordCopy.isApexNSOrSOA($0, zone: name.fqdn) }
        let fileRecords = all.filter { !RecordCopy.isApexNSOrSOA($0, zone: name.fqdn) }
        var held: [ResourceRecordSet] = []
        if let zone { held = try await route53.listResourceRecordSets(zoneId: zone.id) }
        return importPlan(zoneName: name.fqdn, zoneId: zone?.id, setId: setId.map(ResourceID.bare), file: file, fileRecords: fileRecords,
                          apex: apex, held: held, prune: prune, notes: notes)
    }

    func importPlan(zoneName: String, zoneId: String?, setId: String?, file: String, fileRecords: [ResourceRecordSet], apex: [ResourceRecordSet],
                    held: [ResourceRecordSet], prune: Bool, notes: [String]) -> ImportPlan {
        let target = zoneId ?? RecordCopy.newZoneId
        let diff = RecordCopy.diff(zone: zoneName, source: fileRecords, sourceId: target, target: held, targetId: target)
        let extras = diff.extras.filter { Route53Only($0) == nil }
        let kept = diff.extras.filter { Route53Only($0) != nil }
        let phases = diff.phases + (prune && !extras.isEmpty ? [RecordCopy.deletions(of: extras, zoneId: target)] : [])
        return ImportPlan(zoneName: zoneName, zoneId: zoneId, setId: setId, file: file, fileRecords: fileRecords, fileApex: apex, diff: diff,
                          extras: extras, kept: kept, prune: prune, notes: notes, batches: RecordCopy.batches(phases))
    }

    /// Runs `plan`: the zone created in the set when needed (the derived reference `apply --create-zones` and
    /// `migrate` use, so a rerun finds it), what will be replaced saved in the journal, each batch sent and waited
    /// until INSYNC, then every record of the file compared with the zone on a fresh listing.
    public func runImport(_ plan: ImportPlan, events: @escaping @Sendable (String) -> Void = { _ in }) async throws -> ImportResult {
        var plan = plan
        var created = false
        try journal.prepare()
        if plan.zoneId == nil, let setId = plan.setId {
            let made = try await route53.createHostedZone(name: plan.zoneName, derivedReference: Self.callerReference(setId: setId, zoneName: plan.zoneName),
                                                          delegationSetId: setId, comment: "vanityns: imported from \((plan.file as NSString).lastPathComponent)")
            let id = ResourceID.bare(made.hostedZone.id)
            created = made.changeInfo != nil
            events("zone \(plan.zoneName) \(created ? "created" : "found") in set \(setId): \(id)")
            // A zone an earlier run made holds what that run wrote: plan against it again.
            let held = created ? [] : try await route53.listResourceRecordSets(zoneId: id)
            plan = importPlan(zoneName: plan.zoneName, zoneId: id, setId: setId, file: plan.file, fileRecords: plan.fileRecords,
                              apex: plan.fileApex, held: held, prune: plan.prune, notes: plan.notes)
        }
        let zoneId = plan.zoneId!
        var entry = ImportJournal(zoneName: plan.zoneName, zoneId: zoneId, file: plan.file,
                                  replaced: plan.diff.updates.map(\.before) + (plan.prune ? plan.extras : []),
                                  lastChangeId: nil, done: false, updatedAt: clock.now())
        try journal.save(entry, zoneName: plan.zoneName, kind: "import")
        for (i, batch) in plan.batches.enumerated() {
            let info = try await route53.changeResourceRecordSets(zoneId: zoneId, changes: batch,
                                                                  comment: "vanityns: import, batch \(i + 1) of \(plan.batches.count)")
            entry.lastChangeId = ResourceID.bare(info.id); entry.updatedAt = clock.now()
            try journal.save(entry, zoneName: plan.zoneName, kind: "import")
            events("batch \(i + 1)/\(plan.batches.count): \(batch.count) changes sent (\(entry.lastChangeId!))")
            if info.status != .insync { try await waitInSync(changeId: ResourceID.bare(info.id), zoneName: plan.zoneName, events: { _ in }, justSubmitted: true) }
        }
        let now = try await route53.listResourceRecordSets(zoneId: zoneId)
        let fileKeys = Set(plan.fileRecords.map(RecordKey.init))
        let compared = now.filter { fileKeys.contains(RecordKey($0)) }
        let parity = ParityReport.compare(zone: plan.zoneName, source: plan.fileRecords, sourceId: zoneId, copy: compared, copyId: zoneId)
        entry.done = true; entry.lastChangeId = nil; entry.updatedAt = clock.now()
        try journal.save(entry, zoneName: plan.zoneName, kind: "import")
        return ImportResult(zoneId: zoneId, created: created, parity: parity)
    }
}
