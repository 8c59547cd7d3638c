import Foundation
import Route53

/// A record set's identity in a zone, what Route 53 will not hold twice: name, type and set identifier.
public struct RecordKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Lowercased, trailing dot, Route 53's `\052` escapes kept.
    public var name: String
    public var type: String
    public var setIdentifier: String?
    public init(_ r: ResourceRecordSet) {
        name = RecordCopy.canonicalName(r.name); type = r.type.uppercased(); setIdentifier = r.setIdentifier
    }
    public static func < (a: RecordKey, b: RecordKey) -> Bool {
        (a.name, a.type, a.setIdentifier ?? "") < (b.name, b.type, b.setIdentifier ?? "")
    }
    /// `www.example.com. A` or `www.example.com. A [eu-west]`.
    public var description: String { "\(name) \(type)" + (setIdentifier.map { " [\($0)]" } ?? "") }
}

/// A record set that the copy leaves out, and why (with the call that recreates it where there is one).
public struct UncopiedRecord: Sendable, Equatable, Codable {
    public var record: String
    public var reason: String
    /// For a traffic policy record: the AWS CLI command that recreates the instance in the new zone.
    public var recreate: String?
    public init(record: String, reason: String, recreate: String? = nil) { self.record = record; self.reason = reason; self.recreate = recreate }
}

/// Route 53's limits on one ChangeResourceRecordSets request.
public struct BatchLimits: Sendable, Equatable {
    /// ResourceRecord elements (an alias counts as one, an UPSERT twice).
    public var records = 1000
    /// Characters of all Value elements (an UPSERT twice).
    public var characters = 32000
    public init(records: Int = 1000, characters: Int = 32000) { self.records = records; self.characters = characters }
}

/// What a copy of one zone into another needs: the changes in dependency order, cut into batches.
public struct CopyDiff: Sendable, Equatable {
    /// Record sets missing from the target (CREATE).
    public var creates: [ResourceRecordSet] = []
    /// Record sets present in the target with other content (UPSERT), with what the target holds now.
    public var updates: [(before: ResourceRecordSet, after: ResourceRecordSet)] = []
    /// Record sets in the target that the source no longer has (DELETE; only applied when asked and confirmed).
    public var extras: [ResourceRecordSet] = []
    /// Record sets the copy cannot carry.
    public var uncopied: [UncopiedRecord] = []
    /// Record sets already identical in the target.
    public var identical = 0
    /// Creates and updates in the order they must be sent: each inner list may go in any batch after the lists before it.
    public var phases: [[Change]] = []
    /// The extras' deletions, aliases into the zone first (sent last, and only by `--resync` after a yes).
    public var deletions: [Change] = []

    public var isEmpty: Bool { creates.isEmpty && updates.isEmpty && extras.isEmpty }
    public static func == (a: CopyDiff, b: CopyDiff) -> Bool {
        a.creates == b.creates && a.extras == b.extras && a.uncopied == b.uncopied && a.identical == b.identical && a.phases == b.phases
            && a.deletions == b.deletions
            && a.updates.map(\.after) == b.updates.map(\.after)
    }
}

/// The rules for copying a zone's records into a new zone (ROUTE53.md, "Moving an existing zone into a set"): every
/// record set but the apex NS and SOA; aliases into the zone pointed at the new zone and sent after their targets;
/// records of traffic policy instances listed, not copied; batches as large as Route 53 takes.
public enum RecordCopy {
    /// Stands for the new zone's id in a plan made before the zone exists (aliases into it, recreate commands).
    public static let newZoneId = "NEW-ZONE-ID"

    /// `\DDD` escapes decoded, lowercased, with the trailing dot (Route 53 returns `*` as `\052`, moto as written).
    public static func canonicalName(_ n: String) -> String {
        let l = DomainName.decodeEscapes(n).lowercased()
        return l.hasSuffix(".") ? l : l + "."
    }

    /// The apex NS and SOA: the new zone has its own.
    public static func isApexNSOrSOA(_ r: ResourceRecordSet, zone: String) -> Bool {
        canonicalName(r.name) == canonicalName(zone) && (r.type == "NS" || r.type == "SOA")
    }

    /// An alias whose target is a record of the zone `zoneId`.
    public static func isInZoneAlias(_ r: ResourceRecordSet, zoneId: String) -> Bool {
        guard let a = r.aliasTarget else { return false }
        return ResourceID.bare(a.hostedZoneId).uppercased() == ResourceID.bare(zoneId).uppercased()
    }

    /// The record as the target zone must hold it: an alias into the source zone names the target zone instead, and
    /// aliases carry no TTL (moto reports 0).
    public static func translate(_ r: ResourceRecordSet, from sourceId: String, to targetId: String) -> ResourceRecordSet {
        var out = r
        if r.aliasTarget != nil {
            out.ttl = nil
            out.resourceRecords = nil
            if isInZoneAlias(r, zoneId: sourceId) { out.aliasTarget!.hostedZoneId = ResourceID.bare(targetId) }
        }
        return out
    }

    /// Compares the source zone's records (translated) with the target's and orders what must change.
    /// - Parameters:
    ///   - policyCommand: for a record made by a traffic policy instance, the command that recreates it (nil: unknown instance).
    public static func diff(zone: String, source: [ResourceRecordSet], sourceId: String, target: [ResourceRecordSet], targetId: String,
                            policyCommand: (ResourceRecordSet) -> String? = { _ in nil }) -> CopyDiff {
        var d = CopyDiff()
        var wanted: [RecordKey: ResourceRecordSet] = [:]
        var order: [RecordKey] = []
        for r in source where !isApexNSOrSOA(r, zone: zone) {
            if r.trafficPolicyInstanceId != nil {
                d.uncopied.append(UncopiedRecord(record: RecordKey(r).description,
                                                 reason: "made by traffic policy instance \(r.trafficPolicyInstanceId!); recreate the instance in the new zone",
                                                 recreate: policyCommand(r)))
                continue
            }
            let t = translate(r, from: sourceId, to: targetId)
            let k = RecordKey(t)
            if wanted[k] == nil { order.append(k) }
            wanted[k] = t
        }
        var have: [RecordKey: ResourceRecordSet] = [:]
        for r in target where !isApexNSOrSOA(r, zone: zone) { have[RecordKey(r)] = r }

        let levels = aliasLevels(wanted, targetId: targetId)
        var phases: [Int: [Change]] = [:]
        for k in order {
            let r = wanted[k]!
            guard let level = levels[k] else {
                d.uncopied.append(UncopiedRecord(record: k.description, reason: unorderableReason(r, wanted)))
                continue
            }
            if let existing = have[k] {
                if CanonicalRecord(existing) == CanonicalRecord(r) { d.identical += 1; continue }
                d.updates.append((existing, r))
                phases[level, default: []].append(Change(action: .upsert, resourceRecordSet: r))
            } else {
                d.creates.append(r)
                phases[level, default: []].append(Change(action: .create, resourceRecordSet: r))
            }
        }
        d.phases = phases.keys.sorted().map { phases[$0]! }
        // Deletions last, aliases before what they name: an alias into the zone goes before its target.
        d.extras = have.keys.filter { wanted[$0] == nil }.sorted().map { have[$0]! }
        d.deletions = deletions(of: d.extras, zoneId: targetId)
        return d
    }

    /// DELETEs for `records` of zone `zoneId`, aliases into the zone before the records they may name.
    public static func deletions(of records: [ResourceRecordSet], zoneId: String) -> [Change] {
        (records.filter { isInZoneAlias($0, zoneId: zoneId) } + records.filter { !isInZoneAlias($0, zoneId: zoneId) })
            .map { Change(action: .delete, resourceRecordSet: $0) }
    }

    /// 0 for records that name nothing in the zone, 1 + the deepest target for aliases into it; nil for an alias
    /// whose target is missing or that is part of a loop (Route 53 would refuse it).
    static func aliasLevels(_ records: [RecordKey: ResourceRecordSet], targetId: String) -> [RecordKey: Int] {
        var byName: [String: [RecordKey]] = [:]
        for k in records.keys { byName[k.name, default: []].append(k) }
        var level: [RecordKey: Int] = [:]
        var visiting: Set<RecordKey> = []
        var broken: Set<RecordKey> = []
        func visit(_ k: RecordKey) -> Int? {
            if let l = level[k] { return l }
            if broken.contains(k) || visiting.contains(k) { return nil }
            let r = records[k]!
            guard isInZoneAlias(r, zoneId: targetId), let a = r.aliasTarget else { level[k] = 0; return 0 }
            visiting.insert(k); defer { visiting.remove(k) }
            let candidates = byName[canonicalName(a.dnsName)] ?? []
            let sameType = candidates.filter { $0.type == k.type }
            let targets = sameType.isEmpty ? candidates : sameType
            guard !targets.isEmpty else { broken.insert(k); return nil }
            var deepest = 0
            for t in targets {
                guard let l = visit(t) else { broken.insert(k); return nil }
                deepest = max(deepest, l)
            }
            level[k] = deepest + 1
            return deepest + 1
        }
        for k in records.keys { _ = visit(k) }
        return level
    }

    private static func unorderableReason(_ r: ResourceRecordSet, _ wanted: [RecordKey: ResourceRecordSet]) -> String {
        let target = canonicalName(r.aliasTarget?.dnsName ?? "")
        if !wanted.keys.contains(where: { $0.name == target }) {
            return "alias to \(target), which the zone does not hold: Route 53 would refuse it; fix or remove it in the source zone"
        }
        return "alias to \(target) is part of an alias loop (or names one): Route 53 would refuse it"
    }

    /// Cuts phases into ChangeResourceRecordSets batches within `limits`, never mixing phases.
    public static func batches(_ phases: [[Change]], limits: BatchLimits = BatchLimits()) -> [[Change]] {
        var out: [[Change]] = []
        for phase in phases {
            var batch: [Change] = [], records = 0, chars = 0
            for c in phase {
                let factor = c.action == .upsert ? 2 : 1
                let r = factor * max(1, c.resourceRecordSet.resourceRecords?.count ?? 0)
                let ch = factor * c.resourceRecordSet.values.reduce(0) { $0 + $1.utf8.count }
                if !batch.isEmpty && (records + r > limits.records || chars + ch > limits.characters) {
                    out.append(batch); batch = []; records = 0; chars = 0
                }
                batch.append(c); records += r; chars += ch
            }
            if !batch.isEmpty { out.append(batch) }
        }
        return out
    }
}
