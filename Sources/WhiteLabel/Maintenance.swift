import Foundation
import Route53
import Resolver

extension WhiteLabelEngine {
    /// The public hosted zone named `name`: the one the journal names, else one served by a reusable set, else the only one.
    /// - Parameter listing: the account's zones when the caller has listed them already (one listing for many zones);
    ///   without it, one ListHostedZonesByName starting at the name, whatever the size of the account.
    func findZone(_ name: DomainName, in listing: [HostedZone]? = nil) async throws -> HostedZone {
        let zones: [HostedZone]
        if let listing { zones = listing } else { zones = try await route53.listHostedZonesByName(dnsName: name.fqdn, maxItems: 100) }
        let all = zones.filter { DomainName(trusted: $0.name) == name && $0.config?.privateZone != true }
        if let id = journal.load(name.fqdn)?.zoneId, let z = all.first(where: { ResourceID.bare($0.id) == id }) { return z }
        if all.count > 1 {
            for z in all where try await route53.getHostedZone(id: z.id).delegationSet?.id != nil { return z }
        }
        guard let z = all.first else {
            throw InputProblem(subject: "zone \(name.ascii)", message: "there is no public hosted zone \(name.ascii) in this account")
        }
        return z
    }

    /// The vanity hosts: as given, or ns1..nsN under the home domain.
    func hostNames(_ hosts: [String]?, home: DomainName, count: Int) throws -> [DomainName] {
        guard let hosts else { return Self.defaultHosts(home: home, count: count) }
        return try hosts.map {
            do { return try DomainName.parse($0, rule: .hostName) } catch let e as DomainName.Invalid {
                throw InputProblem(subject: $0, message: e.reason)
            }
        }
    }

    /// The set's name servers: from `setId`, else from the home zone's delegation set.
    func nameServers(setId: String?, homeZone: HostedZone) async throws -> [String] {
        if let setId, !setId.isEmpty { return try await route53.getReusableDelegationSet(id: ResourceID.bare(setId)).nameServers }
        return try await route53.getHostedZone(id: homeZone.id).delegationSet?.nameServers ?? []
    }

    /// Raises the NS TTL and the SOA minimum (and the glue TTL when `glueTTL` is given) once traffic flows through the
    /// vanity hosts: one plan per zone, home zone first. Only TTLs change; names and addresses stay as they are.
    public func finalizePlan(homeDomain: String, zones: [String], nsTTL: Int = 172800, soaMinimum: Int = 900,
                             glueTTL: Int? = nil, hosts: [String]? = nil) async throws -> [ZonePlan] {
        let home = try DomainName.parse(homeDomain, rule: .zoneName)
        var names = [home]
        for z in zones { let n = try DomainName.parse(z, rule: .zoneName); if !names.contains(n) { names.append(n) } }
        var plans: [ZonePlan] = []
        let listing = try await route53.listHostedZones()
        for name in names {
            let zone = try await findZone(name, in: listing)
            let records = try await route53.listResourceRecordSets(zoneId: zone.id)
            var changes: [PlannedChange] = []
            if let ns = Planner.find(records, name: name, type: "NS") {
                var up = ns; up.ttl = nsTTL
                if let c = Planner.change(.apexNS, existing: ns, desired: up) { changes.append(c) }
            }
            guard let soaSet = Planner.find(records, name: name, type: "SOA"), soaSet.values.count == 1, var soa = SOAValue(soaSet.values[0]) else {
                throw UnreadableSOA(zone: name.ascii, value: Planner.find(records, name: name, type: "SOA")?.values.joined(separator: " | ") ?? "(no SOA record)")
            }
            soa.minimum = UInt32(clamping: soaMinimum)
            var soaUp = soaSet; soaUp.resourceRecords = [ResourceRecord(value: soa.text)]
            if let c = Planner.change(.soa, existing: soaSet, desired: soaUp) { changes.append(c) }
            if name == home, let glueTTL {
                let hostList = try hostNames(hosts, home: home, count: 4)
                for host in hostList {
                    for type in ["A", "AAAA"] {
                        guard let g = Planner.find(records, name: host, type: type) else { continue }
                        var up = g; up.ttl = glueTTL
                        if let c = Planner.change(.glue, existing: g, desired: up) { changes.insert(c, at: 0) }
                    }
                }
            }
            plans.append(ZonePlan(zoneName: name.fqdn, zoneId: zone.id, isHome: name == home, createInSet: false, changes: changes))
        }
        return plans
    }

    /// The glue changes that bring the home zone's A/AAAA records in line with the name servers' current addresses,
    /// or nil when they already are. Existing TTLs are kept (60 for records that are missing). A family that cannot be
    /// resolved now is left as it is.
    public func syncPlan(homeDomain: String, setId: String?, hosts: [String]?, target: ResolverTarget) async throws -> ZonePlan? {
        let (home, zone, hostList, rows, records) = try await glueState(homeDomain: homeDomain, setId: setId, hosts: hosts, target: target)
        var changes: [PlannedChange] = []
        for (i, host) in hostList.enumerated() where i < rows.count {
            for (type, addrs) in [("A", rows[i].ipv4 ?? []), ("AAAA", rows[i].ipv6 ?? [])] where !addrs.isEmpty {
                let existing = Planner.find(records, name: host, type: type)
                let desired = ResourceRecordSet(name: existing?.name ?? host.fqdn, type: type, ttl: existing?.ttl ?? 60, values: addrs)
                if let c = Planner.change(.glue, existing: existing, desired: desired) { changes.append(c) }
            }
        }
        return changes.isEmpty ? nil : ZonePlan(zoneName: home.fqdn, zoneId: zone.id, isHome: true, createInSet: false, changes: changes)
    }

    /// What sync and drift compare: the home zone, its vanity hosts, their AWS name servers' addresses now, and the
    /// home zone's records as Route 53 holds them.
    func glueState(homeDomain: String, setId: String?, hosts: [String]?, target: ResolverTarget) async throws
        -> (home: DomainName, zone: HostedZone, hosts: [DomainName], rows: [NameServerAddresses], records: [ResourceRecordSet]) {
        let home = try DomainName.parse(homeDomain, rule: .zoneName)
        let zone = try await findZone(home)
        let servers = try await nameServers(setId: setId, homeZone: zone)
        let hostList = try hostNames(hosts, home: home, count: servers.count)
        let rows = await resolveAll(awsNames: servers, vanityHosts: hostList.map(\.ascii), target: target)
        let records = try await route53.listResourceRecordSets(zoneId: zone.id)
        return (home, zone, hostList, rows, records)
    }
}
