import Foundation
import Route53
import Resolver

/// The groups of vanity hosts one home zone holds: each reusable set has four AWS name servers of its own, so each set
/// served under the home domain has its own group (ns1-ns4 for one set, ns5-ns8 for the next, ...), and every group's
/// glue lives in the one home zone. A group belongs to the set whose name servers' addresses its glue records carry.
public enum HostGroups {
    /// The hosts under `home` whose glue in `records` carries the addresses of each of `servers` (a set's name servers,
    /// resolved), in the set's order; nil unless every server has one. A server is matched on its IPv4 addresses
    /// (IPv6 when it has none), the glue record's values equal to them as a set.
    static func group(of servers: [NameServerAddresses], records: [ResourceRecordSet], home: DomainName) -> [DomainName]? {
        var out: [DomainName] = []
        for server in servers {
            let (type, want) = !(server.ipv4 ?? []).isEmpty ? ("A", Canonical.addresses(server.ipv4 ?? []))
                : ("AAAA", Canonical.addresses(server.ipv6 ?? []))
            guard !want.isEmpty else { return nil }
            let hosts = records.filter {
                $0.type.uppercased() == type && $0.setIdentifier == nil && Canonical.addresses($0.values) == want
            }.map { DomainName(trusted: $0.name) }.filter { $0.isBelow(home) && !out.contains($0) }.sorted()
            guard let host = hosts.first else { return nil }
            out.append(host)
        }
        return out.isEmpty ? nil : out
    }

    /// The first group `ns<4k+1>..ns<4k+count>` under `home` none of whose names has a record in the home zone or is in
    /// `taken`: the next free group of vanity hosts for another set.
    public static func nextFree(home: DomainName, records: [ResourceRecordSet], taken: Set<DomainName> = [], count: Int = 4) -> [DomainName] {
        let used = Set(records.map { DomainName(trusted: $0.name) }).union(taken)
        let n = max(count, 1)
        var k = 0
        while true {
            let group = (1...n).map { DomainName(trusted: "ns\(k * n + $0).\(home.ascii)") }
            if group.allSatisfy({ !used.contains($0) }) { return group }
            k += 1
        }
    }

    /// The apex NS of `zone` in `records` when they are all hosts under `home`: the group serving that zone.
    static func servingGroup(zone: DomainName, records: [ResourceRecordSet], home: DomainName) -> [DomainName]? {
        guard let ns = Planner.find(records, name: zone, type: "NS") else { return nil }
        let hosts = ns.values.map { DomainName(trusted: $0) }
        return !hosts.isEmpty && hosts.allSatisfy({ $0.isBelow(home) || $0 == home }) ? hosts : nil
    }
}

/// One reusable set as `sets list` shows it in a fleet: its name servers, its group of vanity hosts, zones used / limit.
public struct SetSummary: Sendable, Equatable {
    public var set: DelegationSet
    /// The set's vanity hosts (the home zone's glue for its name servers, else the apex NS of one of its zones); empty
    /// when none is known.
    public var hosts: [String]
    /// Where `hosts` was read: `glue` (the home zone's glue records), `zone NAME` (that zone's apex NS), or nil.
    public var hostsFrom: String?
    public var usage: SetUsage
    public init(set: DelegationSet, hosts: [String], hostsFrom: String?, usage: SetUsage) {
        self.set = set; self.hosts = hosts; self.hostsFrom = hostsFrom; self.usage = usage
    }
}

extension WhiteLabelEngine {
    /// Every reusable set with its group of vanity hosts and zones used / limit. The group comes from the home zone's
    /// glue (when `homeDomain` is given: its records once, each set's name servers resolved), else from the apex NS of
    /// the set's first zone when they are not AWS names (one ListHostedZones of the set and one record listing).
    public func setSummaries(homeDomain: String?, target: ResolverTarget) async throws -> [SetSummary] {
        let sets = try await route53.listReusableDelegationSets()
        let home = try homeDomain.map { try DomainName.parse($0, rule: .zoneName) }
        var read: [ResourceRecordSet] = []
        if let home { read = try await route53.listResourceRecordSets(zoneId: findZone(home).id) }
        var glue: [String: [DomainName]] = [:]
        if let home { glue = await glueGroups(sets: sets, records: read, home: home, target: target) }
        let groups = glue
        return try await withThrowingTaskGroup(of: (Int, SetSummary).self) { group in
            for (i, set) in sets.enumerated() {
                group.addTask {
                    let id = ResourceID.bare(set.id ?? "")
                    let zones = try await self.route53.listHostedZones(delegationSetId: id).filter { $0.config?.privateZone != true }
                    let usage = try await self.route53.setUsage(id: id, knownZoneCount: zones.count)
                    if let g = groups[id] {
                        return (i, SetSummary(set: set, hosts: g.map(\.ascii), hostsFrom: "glue", usage: usage))
                    }
                    let aws = Set(set.nameServers.map(Canonical.name))
                    for zone in zones.prefix(1) {
                        let records = try await self.route53.listResourceRecordSets(zoneId: zone.id)
                        let name = DomainName(trusted: zone.name)
                        guard let ns = Planner.find(records, name: name, type: "NS") else { continue }
                        if ns.values.contains(where: { Self.isAWS($0, aws) }) { continue }
                        return (i, SetSummary(set: set, hosts: ns.values.map { DomainName(trusted: $0).ascii }, hostsFrom: "zone \(name.ascii)", usage: usage))
                    }
                    return (i, SetSummary(set: set, hosts: [], hostsFrom: nil, usage: usage))
                }
            }
            var out: [(Int, SetSummary)] = []
            for try await s in group { out.append(s) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}

/// The groups of vanity hosts already taken (set ID -> hosts) and the group to offer one set.
public struct HostGroupChoice: Sendable, Equatable {
    public var taken: [String: [String]]
    /// The set's own group when it has one, else the next free group under the home domain; nil without a home domain.
    public var suggested: [String]?
    public init(taken: [String: [String]], suggested: [String]?) { self.taken = taken; self.suggested = suggested }
}

extension HostGroups {
    /// `ns5-ns8.example.com` for a run of numbered hosts under one domain, else the names joined by spaces.
    public static func label(_ hosts: [String]) -> String {
        let parts = hosts.map { h -> (String, Int, String)? in
            let bare = h.hasSuffix(".") ? String(h.dropLast()) : h
            guard let dot = bare.firstIndex(of: ".") else { return nil }
            let first = bare[..<dot], rest = String(bare[bare.index(after: dot)...])
            let digits = first.reversed().prefix { $0.isNumber }
            guard !digits.isEmpty, let n = Int(String(digits.reversed())) else { return nil }
            return (String(first.dropLast(digits.count)), n, rest)
        }
        let all = parts.compactMap { $0 }
        if all.count == hosts.count, all.count > 1, let f = all.first, all.allSatisfy({ $0.0 == f.0 && $0.2 == f.2 }),
           all.map(\.1) == Array(f.1..<(f.1 + all.count)) {
            return "\(f.0)\(f.1)-\(f.0)\(f.1 + all.count - 1).\(f.2)"
        }
        return hosts.joined(separator: " ")
    }
}

extension WhiteLabelEngine {
    /// Each of `sets`' group of vanity hosts under `home`, from the home zone's glue in `records` (each set's name
    /// servers resolved; DNS only, no Route 53 call): set ID -> hosts, for the sets whose every name server has glue.
    func glueGroups(sets: [DelegationSet], records: [ResourceRecordSet], home: DomainName, target: ResolverTarget) async -> [String: [DomainName]] {
        await withTaskGroup(of: (String, [DomainName]?).self) { group in
            for set in sets {
                group.addTask {
                    let rows = await self.resolveAll(awsNames: set.nameServers, vanityHosts: [], target: target)
                    return (ResourceID.bare(set.id ?? ""), HostGroups.group(of: rows, records: records, home: home))
                }
            }
            var out: [String: [DomainName]] = [:]
            for await (id, g) in group { if let g { out[id] = g } }
            return out
        }
    }

    /// Every set's group and the group for `setId`: its own, else the first free one under the home domain (no name
    /// with a record in the home zone, none another set's). Reads what the caller listed (`sets`, the account's zones
    /// in `listing`) and asks Route 53 only for the home zone's records: no set's zones are listed, so a wizard over a
    /// fleet still lists the account once. The groups come from the home zone's glue; a home zone that does not exist
    /// yet holds none, so every group under it is free. Without `homeDomain`, the home domain of the last journaled
    /// apply is used (none: no groups known yet).
    public func hostGroups(homeDomain: String?, setId: String, sets: [DelegationSet], listing: [HostedZone],
                           target: ResolverTarget) async throws -> HostGroupChoice {
        let remembered = homeDomain ?? journal.all().max { $0.updatedAt < $1.updatedAt }?.homeDomain
        guard let text = remembered else { return HostGroupChoice(taken: [:], suggested: nil) }
        let home = try DomainName.parse(text, rule: .zoneName)
        var records: [ResourceRecordSet] = []
        let known = listing.contains { DomainName(trusted: $0.name) == home && $0.config?.privateZone != true }
        if known { records = try await route53.listResourceRecordSets(zoneId: findZone(home, in: listing).id) }
        let groups = await glueGroups(sets: sets, records: records, home: home, target: target)
        let taken = groups.mapValues { $0.map(\.ascii) }
        guard homeDomain != nil else { return HostGroupChoice(taken: taken, suggested: nil) }
        let id = ResourceID.bare(setId)
        if let own = taken[id] { return HostGroupChoice(taken: taken, suggested: own) }
        let count = sets.first { ResourceID.bare($0.id ?? "") == id }?.nameServers.count ?? 4
        let others = Set(groups.values.flatMap { $0 })
        return HostGroupChoice(taken: taken, suggested: HostGroups.nextFree(home: home, records: records, taken: others, count: count).map(\.ascii))
    }
}
