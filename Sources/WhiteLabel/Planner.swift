import Foundation
import Route53
import Resolver

/// Thrown when a zone's SOA cannot be read; vanityns never rewrites it blindly.
public struct UnreadableSOA: Error, Sendable, Equatable, CustomStringConvertible {
    public var zone: String
    public var value: String
    public var description: String { "zone \(zone): " + SOAValue.problem(zone: zone, value: value) }
}

/// The pure planning rules: given a zone's current records and the target values, the changes needed.
enum Planner {
    /// What one zone should look like.
    struct Targets {
        var hosts: [DomainName]
        var nameServers: [NameServerAddresses]
        var glueTTL: Int
        var nsTTL: Int
        var soaMinimum: Int
        /// The SOA RNAME to write (`hostmaster.example.com.`); nil keeps the zone's.
        var soaRName: String?

        init(hosts: [DomainName], nameServers: [NameServerAddresses], request: VanityRequest) {
            self.hosts = hosts; self.nameServers = nameServers
            glueTTL = request.glueTTL; nsTTL = request.nsTTL; soaMinimum = request.soaMinimum
            soaRName = request.soaRName.flatMap { try? VanityRequest.rname($0).get() }
        }
    }

    /// The record sets Route 53 writes into a new zone of `set` (NS TTL 172800, SOA TTL 900).
    static func predictedRecords(zone: DomainName, set: DelegationSet) -> [ResourceRecordSet] {
        let ns = set.nameServers.map { Canonical.name($0) }
        return [
            ResourceRecordSet(name: zone.fqdn, type: "NS", ttl: 172800, values: ns),
            ResourceRecordSet(name: zone.fqdn, type: "SOA", ttl: 900,
                              values: ["\(ns.first ?? "ns.invalid.") awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]),
        ]
    }

    /// The simple (no routing policy) record set of `type` at `name`.
    static func find(_ records: [ResourceRecordSet], name: DomainName, type: String) -> ResourceRecordSet? {
        records.first { $0.type.uppercased() == type && $0.setIdentifier == nil && DomainName(trusted: $0.name) == name }
    }

    /// A change bringing `existing` to `desired`, or nil when it already is.
    static func change(_ role: ChangeRole, existing: ResourceRecordSet?, desired: ResourceRecordSet) -> PlannedChange? {
        guard let existing else { return PlannedChange(role: role, action: .create, before: nil, after: desired) }
        if Canonical.same(existing, desired) { return nil }
        return PlannedChange(role: role, action: .upsert, before: existing, after: desired)
    }

    /// Glue A/AAAA for each vanity host (only in the home zone).
    static func glueChanges(records: [ResourceRecordSet], targets: Targets) -> [PlannedChange] {
        var out: [PlannedChange] = []
        for (i, host) in targets.hosts.enumerated() where i < targets.nameServers.count {
            let ns = targets.nameServers[i]
            for (type, addrs) in [("A", ns.ipv4 ?? []), ("AAAA", ns.ipv6 ?? [])] where !addrs.isEmpty {
                let desired = ResourceRecordSet(name: host.fqdn, type: type, ttl: targets.glueTTL, values: Canonical.addresses(addrs))
                if let c = change(.glue, existing: find(records, name: host, type: type), desired: desired) { out.append(c) }
            }
        }
        return out
    }

    /// Apex NS to the vanity hosts and SOA with MNAME and minimum changed.
    static func apexChanges(zone: DomainName, records: [ResourceRecordSet], targets: Targets) throws -> [PlannedChange] {
        var out: [PlannedChange] = []
        let nsExisting = find(records, name: zone, type: "NS")
        let ns = ResourceRecordSet(name: nsExisting?.name ?? zone.fqdn, type: "NS", ttl: targets.nsTTL, values: targets.hosts.map(\.fqdn))
        if let c = change(.apexNS, existing: nsExisting, desired: ns) { out.append(c) }
        guard let soaExisting = find(records, name: zone, type: "SOA") else {
            throw UnreadableSOA(zone: zone.ascii, value: "(no SOA record)")
        }
        guard soaExisting.values.count == 1, var soa = SOAValue(soaExisting.values[0]) else {
            throw UnreadableSOA(zone: zone.ascii, value: soaExisting.values.joined(separator: " | "))
        }
        soa.mname = targets.hosts.first?.fqdn ?? soa.mname
        soa.minimum = UInt32(clamping: targets.soaMinimum)
        if let rname = targets.soaRName { soa.rname = rname }
        let desired = ResourceRecordSet(name: soaExisting.name, type: "SOA", ttl: soaExisting.ttl, values: [soa.text])
        if let c = change(.soa, existing: soaExisting, desired: desired) { out.append(c) }
        return out
    }

    /// Every change for one zone, glue first.
    /// - Parameter glueOnly: the home zone of another set: only this set's glue, its NS and SOA stay its own set's.
    static func zoneChanges(zone: DomainName, isHome: Bool, glueOnly: Bool = false, records: [ResourceRecordSet], targets: Targets) throws -> [PlannedChange] {
        (isHome ? glueChanges(records: records, targets: targets) : []) + (glueOnly ? [] : try apexChanges(zone: zone, records: records, targets: targets))
    }
}

extension WhiteLabelEngine {
    public func plan(_ request: VanityRequest) async throws -> WhiteLabelPlan {
        let (inspection, problems) = try await inspect(request)
        guard let inspection, problems.isEmpty else { throw ValidationFailed(problems: problems) }
        let rows = await resolveAll(awsNames: inspection.set.nameServers, vanityHosts: inspection.hosts.map(\.ascii), target: request.resolver)
        var warnings: [String] = []
        var unresolved: [InputProblem] = []
        for row in rows {
            if (row.ipv4 ?? []).isEmpty && (row.ipv6 ?? []).isEmpty {
                unresolved.append(InputProblem(subject: row.awsName, message: "no address could be found (\(row.warnings.joined(separator: "; "))); "
                                               + "without one there is no glue for \(row.vanityHost). Check the resolver (--resolver) and run again."))
            } else {
                for w in row.warnings {
                    let only = w.hasPrefix("IPv6") ? "only an A glue record" : "only an AAAA glue record"
                    warnings.append("\(row.vanityHost) (\(row.awsName)): \(w); \(only) is planned")
                }
            }
        }
        guard unresolved.isEmpty else { throw ValidationFailed(problems: unresolved) }
        if let home = inspection.zones.first(where: \.isHome) {
            let taken = try await hostsOfOtherSets(inspection: inspection, homeRecords: home.records, rows: rows, target: request.resolver)
            guard taken.isEmpty else { throw ValidationFailed(problems: taken) }
        }
        let targets = Planner.Targets(hosts: inspection.hosts, nameServers: rows, request: request)
        var zones: [ZonePlan] = []
        for t in inspection.zones {
            let records = t.zone == nil ? Planner.predictedRecords(zone: t.name, set: inspection.set) : t.records
            let changes = try Planner.zoneChanges(zone: t.name, isHome: t.isHome, glueOnly: t.glueOnly, records: records, targets: targets)
            var zp = ZonePlan(zoneName: t.name.fqdn, zoneId: t.zone?.id, isHome: t.isHome, createInSet: t.zone == nil, changes: changes)
            zp.glueOnly = t.glueOnly
            if t.glueOnly {
                warnings.append("home zone \(t.name.ascii) lives in another delegation set and keeps its own name servers; it holds the glue of "
                                + "set \(inspection.setId)'s vanity hosts \(inspection.hosts.map(\.ascii).joined(separator: " ")) beside the other groups'")
            }
            if zp.isEmpty { warnings.append(t.glueOnly ? "the home zone already holds this set's glue: nothing to change there"
                                            : "zone \(t.name.ascii) already uses the vanity hosts: nothing to change") }
            zones.append(zp)
        }
        return WhiteLabelPlan(request: request, setId: inspection.setId, homeDomain: inspection.home.fqdn,
                              homeDomainUnicode: inspection.home.unicode, nameServers: rows, zones: zones, warnings: warnings)
    }

    /// Vanity hosts whose glue in the home zone carries the addresses of another set's name servers (not this set's):
    /// another set's group, which this plan must not take over. Only when some glue differs from this set's addresses
    /// (drift, or another group) are the other sets listed and their name servers resolved.
    func hostsOfOtherSets(inspection: Inspection, homeRecords: [ResourceRecordSet], rows: [NameServerAddresses], target: ResolverTarget) async throws -> [InputProblem] {
        let differing = inspection.hosts.enumerated().filter { i, host in
            guard i < rows.count, let glue = Planner.find(homeRecords, name: host, type: "A") else { return false }
            return Canonical.addresses(glue.values) != Canonical.addresses(rows[i].ipv4 ?? [])
        }
        guard !differing.isEmpty else { return [] }
        var problems: [InputProblem] = []
        for other in try await route53.listReusableDelegationSets() where ResourceID.bare(other.id ?? "") != inspection.setId {
            let theirs = await resolveAll(awsNames: other.nameServers, vanityHosts: [], target: target)
            for (_, host) in differing {
                guard let glue = Planner.find(homeRecords, name: host, type: "A"),
                      let ns = theirs.first(where: { Canonical.addresses($0.ipv4 ?? []) == Canonical.addresses(glue.values) }) else { continue }
                let free = HostGroups.nextFree(home: inspection.home, records: homeRecords, count: inspection.hosts.count)
                problems.append(InputProblem(subject: host.ascii, message: "belongs to delegation set \(ResourceID.bare(other.id ?? "")): its glue "
                    + "\(glue.values.joined(separator: " ")) is the address of that set's name server \(ns.awsName). Each set needs its own group of vanity "
                    + "hosts; give set \(inspection.setId) a free one, e.g. --hosts \(free.map(\.ascii).joined(separator: ","))"))
            }
        }
        return problems
    }

    /// The glue rows for the registrar: one IPv4 and one IPv6 per host (the first of each, sorted).
    public func registrarRows(_ plan: WhiteLabelPlan) -> [GlueRow] {
        plan.nameServers.map { GlueRow(host: $0.vanityHost, ipv4: $0.ipv4?.first, ipv6: $0.ipv6?.first) }
    }
}
