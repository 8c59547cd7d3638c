import Foundation
import Route53
import Resolver

/// Thrown by `rollbackPlan` when there is nothing saved for the zone.
public struct NoJournal: Error, Sendable, Equatable, CustomStringConvertible {
    public var zone: String
    public var directory: String
    public var description: String {
        "no journal for zone \(zone) in \(directory): vanityns has not changed this zone from this state directory, so there are no saved values to restore"
    }
}

/// Thrown when a change stays PENDING too long; the journal keeps it, so a rerun resumes waiting.
public struct ChangeNotInSync: Error, Sendable, Equatable, CustomStringConvertible {
    public var zone: String
    public var changeId: String
    public var seconds: Int
    public var description: String {
        "zone \(zone): change \(changeId) was accepted but is still PENDING after \(seconds) s; the journal keeps it: run the same command again to resume waiting"
    }
}

extension WhiteLabelEngine {
    /// The CallerReference vanityns uses to create `zoneName` in `setId`: the same on every run, so a rerun after a
    /// lost answer gets the zone created the first time instead of a second one.
    public static func callerReference(setId: String, zoneName: String) -> String {
        CallerReference.forZone(name: DomainName(trusted: zoneName).fqdn, delegationSetId: setId)
    }

    /// A plan holding only `zones`, for applying rollback, finalize and sync zone plans with `apply`.
    public static func maintenancePlan(homeDomain: String, setId: String, zones: [ZonePlan]) -> WhiteLabelPlan {
        let home = DomainName(trusted: homeDomain)
        return WhiteLabelPlan(request: VanityRequest(setId: setId, homeDomain: home.ascii), setId: ResourceID.bare(setId),
                              homeDomain: home.fqdn, homeDomainUnicode: nil, nameServers: [], zones: zones, warnings: [])
    }

    public func apply(_ zone: ZonePlan, of plan: WhiteLabelPlan, events: @escaping @Sendable (ApplyEvent) -> Void) async throws {
        try journal.prepare()  // before any change: an unusable state directory stops here
        let name = DomainName(trusted: zone.zoneName)
        var zone = zone
        var entry = journal.load(name.fqdn) ?? JournalEntry(
            zoneName: name.fqdn, zoneId: zone.zoneId, setId: plan.setId, homeDomain: plan.homeDomain, createdZone: false,
            saved: [], created: [], lastBatch: [], changeId: nil, state: .pending, updatedAt: clock.now())
        let hadJournal = journal.load(name.fqdn) != nil

        // A change accepted by an earlier, interrupted run: wait for it before judging what is left.
        if entry.state == .submitted, let cid = entry.changeId, !cid.isEmpty {
            do { try await waitInSync(changeId: cid, zoneName: name.fqdn, events: events) } catch let e as Route53Error where e.code == "NoSuchChange" {
                // Route 53 no longer knows the change: it was applied long ago; the re-read plan decides what is left.
            }
        }

        if zone.createInSet {
            entry.createdZone = true; entry.state = .pending; entry.updatedAt = clock.now()
            let path = try journal.save(entry)
            events(.journalSaved(path: path.path))
            let created = try await route53.createHostedZone(
                name: name.fqdn, derivedReference: Self.callerReference(setId: plan.setId, zoneName: name.fqdn),
                delegationSetId: plan.setId, comment: "created by vanityns for white-label name servers")
            let id = ResourceID.bare(created.hostedZone.id)
            events(.zoneCreated(zoneName: name.fqdn, zoneId: id))
            entry.zoneId = id
            try journal.save(entry)
            let records = try await route53.listResourceRecordSets(zoneId: id)
            let targets = Planner.Targets(hosts: plan.nameServers.map { DomainName(trusted: $0.vanityHost) }, nameServers: plan.nameServers,
                                          request: plan.request)
            let changes = try Planner.zoneChanges(zone: name, isHome: zone.isHome, records: records, targets: targets)
            zone = ZonePlan(zoneName: name.fqdn, zoneId: id, isHome: zone.isHome, createInSet: false, changes: changes)
        }
        guard let zoneId = zone.zoneId.map(ResourceID.bare) else {
            throw InputProblem(subject: "zone \(name.ascii)", message: "the plan has no zone ID and does not create the zone; plan again")
        }

        if zone.changes.isEmpty {
            if hadJournal || entry.createdZone {
                entry.state = .done; entry.zoneId = zoneId; entry.updatedAt = clock.now()
                try journal.save(entry)
            }
            events(.alreadyDone(zoneName: name.fqdn))
            return
        }

        entry.remember(zone.changes)
        entry.zoneId = zoneId
        entry.lastBatch = zone.changes.map { Change(action: $0.action, resourceRecordSet: $0.after) }
        entry.changeId = nil; entry.state = .pending; entry.updatedAt = clock.now()
        let path = try journal.save(entry)
        events(.journalSaved(path: path.path))

        let info = try await route53.changeResourceRecordSets(zoneId: zoneId, changes: entry.lastBatch,
                                                              comment: "vanityns: white-label name servers")
        let changeId = ResourceID.bare(info.id)
        events(.submitted(zoneName: name.fqdn, changeId: changeId))
        entry.changeId = changeId; entry.state = .submitted; entry.updatedAt = clock.now()
        try journal.save(entry)

        if info.status != .insync {
            try await waitInSync(changeId: changeId, zoneName: name.fqdn, events: events, justSubmitted: true)
        }
        entry.state = .done; entry.updatedAt = clock.now()
        try journal.save(entry)
        events(.inSync(zoneName: name.fqdn, changeId: changeId))
    }

    /// Polls GetChange until INSYNC, reporting each PENDING answer: 1 s after the change was sent (Route 53 usually has
    /// it everywhere by then), then at doubling intervals up to `pollInterval`, so a change that lands quickly costs
    /// one poll and a slow one is not asked about more often than every `pollInterval` seconds.
    /// - Parameter justSubmitted: the change was sent a moment ago (wait before the first poll); false when resuming.
    func waitInSync(changeId: String, zoneName: String, events: @escaping @Sendable (ApplyEvent) -> Void,
                    justSubmitted: Bool = false, timeout: Double = 900) async throws {
        let start = clock.now()
        var delay = min(pollInterval, 1)
        if justSubmitted { try await clock.sleep(delay) }
        while true {
            let info = try await route53.getChange(id: changeId)
            let elapsed = clock.now().timeIntervalSince(start)
            if info.status == .insync { return }
            events(.waiting(zoneName: zoneName, changeId: changeId, status: info.status, elapsedSeconds: elapsed))
            if elapsed > timeout { throw ChangeNotInSync(zone: zoneName, changeId: changeId, seconds: Int(elapsed)) }
            try await clock.sleep(delay)
            delay = min(pollInterval, delay * 2)
        }
    }

    public func unfinishedZones() async -> [String] {
        journal.all().filter { $0.state != .done }.map(\.zoneName)
    }

    /// The journal saved for a zone, if any (for `status` and the wizard's resume screen).
    public func journalEntry(zone: String) -> JournalEntry? {
        journal.load(DomainName(trusted: zone).fqdn)
    }

    /// The changes that put back what the journal saved for `zone`: NS and SOA (and glue it replaced) UPSERTed to
    /// their saved values, glue that vanityns created deleted. Apply it with `apply` after showing it.
    public func rollbackPlan(zone: String) async throws -> ZonePlan {
        let name = try DomainName.parse(zone, rule: .zoneName)
        guard let entry = journal.load(name.fqdn), let zoneId = entry.zoneId else {
            throw NoJournal(zone: name.ascii, directory: journal.directory.path)
        }
        let records = try await route53.listResourceRecordSets(zoneId: zoneId)
        var changes: [PlannedChange] = []
        for s in entry.saved {
            let current = Planner.find(records, name: DomainName(trusted: s.name), type: s.type.uppercased())
            if let c = Planner.change(ChangeRole.of(type: s.type), existing: current, desired: s) { changes.append(c) }
        }
        for c in entry.created where ChangeRole.of(type: c.type) == .glue {
            if let current = Planner.find(records, name: DomainName(trusted: c.name), type: c.type.uppercased()) {
                changes.append(PlannedChange(role: .glue, action: .delete, before: current, after: current))
            }
        }
        return ZonePlan(zoneName: entry.zoneName, zoneId: zoneId, isHome: entry.zoneName == entry.homeDomain,
                        createInSet: false, changes: changes)
    }
}
