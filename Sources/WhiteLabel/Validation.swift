import Foundation
import Route53
import Resolver

/// One served zone as found in the account.
struct ZoneTarget: Sendable {
    var name: DomainName
    var isHome: Bool
    /// nil when the zone is to be created in the set.
    var zone: HostedZone?
    var records: [ResourceRecordSet]
    /// The home zone lives in another set (served by that set's group of vanity hosts): it only holds this set's glue.
    var glueOnly = false
}

/// Everything validation read from Route 53, reused by the planner.
struct Inspection: Sendable {
    var setId: String
    var set: DelegationSet
    var home: DomainName
    var hosts: [DomainName]
    var zones: [ZoneTarget]
}

extension WhiteLabelEngine {
    public func validate(_ request: VanityRequest) async -> [InputProblem] {
        do { return try await inspect(request).problems } catch {
            return [InputProblem(subject: "Route 53", message: "could not read the account: \(error)")]
        }
    }

    /// Reads the set, the zones and their records and checks every rule; throws only when Route 53 cannot be read.
    func inspect(_ request: VanityRequest) async throws -> (inspection: Inspection?, problems: [InputProblem]) {
        var problems: [InputProblem] = []
        func problem(_ subject: String, _ message: String) { problems.append(InputProblem(subject: subject, message: message)) }

        // Home domain.
        var home: DomainName?
        do {
            let h = try DomainName.parse(request.homeDomain, rule: .zoneName)
            if h.labels.count < 2 { problem("home domain \(request.homeDomain)", "a top-level domain cannot hold name server hosts; give the registered domain (example.com)") } else { home = h }
        } catch let e as DomainName.Invalid {
            problem("home domain \(request.homeDomain)", e.reason)
        }

        // Delegation set.
        let setId = ResourceID.bare(request.setId.trimmingCharacters(in: .whitespaces))
        var set: DelegationSet?
        if setId.isEmpty {
            problem("delegation set", "no set ID given; list the sets with `vanityns sets` or create one")
        } else {
            do { set = try await route53.getReusableDelegationSet(id: setId) } catch let e as Route53Error
                where e.code == "NoSuchDelegationSet" || e.code == "InvalidInput" || e.code == "DelegationSetNotReusable" {
                problem("delegation set \(setId)", "there is no reusable delegation set with this ID in the account (\(e.code ?? "")); "
                        + "list the sets with `vanityns sets` or create one")
            }
        }
        let nsCount = set?.nameServers.count ?? 4
        if let r = request.soaRName, case let .failure(p) = VanityRequest.rname(r) { problems.append(p) }

        // Hosts.
        var hosts: [DomainName] = []
        if let home {
            if let given = request.hosts {
                for text in given {
                    do {
                        let h = try DomainName.parse(text, rule: .hostName)
                        if !h.isBelow(home) {
                            problem(text, "is not inside the home domain \(home.ascii); vanity hosts must be names under it (ns1.\(home.ascii)) so their glue can live in the home zone")
                        } else if hosts.contains(h) {
                            problem(text, "is listed twice; each of the set's \(nsCount) name servers needs its own host name")
                        } else { hosts.append(h) }
                    } catch let e as DomainName.Invalid { problem(text, e.reason) }
                }
                if given.count != nsCount {
                    problem("--hosts", "\(given.count) host name(s) given but the set has \(nsCount) name servers; give exactly \(nsCount), in the set's order")
                }
            }
        }

        // Served zones: home first, then the extra zones in order.
        var names: [(DomainName, Bool, String)] = []
        if let home { names.append((home, true, "home domain \(home.ascii)")) }
        for text in request.extraZones {
            do {
                let z = try DomainName.parse(text, rule: .zoneName)
                if names.contains(where: { $0.0 == z }) {
                    problem("--zone \(text)", "is listed twice (or is the home domain); each zone is switched once")
                } else { names.append((z, false, "--zone \(text)")) }
            } catch let e as DomainName.Invalid { problem("--zone \(text)", e.reason) }
        }
        guard let set, let home, !names.isEmpty else { return (nil, problems) }

        // The set's zones come from the filtered listing (Route 53 honours `delegationsetid`: one call, no GetHostedZone
        // per zone), and so do the parent/child conflicts Route 53 would refuse a new zone for. The whole account is
        // listed only when a zone is not in the set, to say where it is.
        let given = request.listing
        let inSetZones: [HostedZone]
        if let s = given?.set, ResourceID.bare(s.id) == setId { inSetZones = s.zones.filter { $0.config?.privateZone != true } }
        else { inSetZones = try await route53.listHostedZones(delegationSetId: setId).filter { $0.config?.privateZone != true } }
        var listing: [HostedZone]? = given?.account
        func accountZones() async throws -> [HostedZone] {
            if let listing { return listing }
            let all = try await route53.listHostedZones()
            listing = all
            return all
        }
        var zones: [ZoneTarget] = []
        var plannedInSet: [DomainName] = []
        for (name, isHome, subject) in names {
            if let found = inSetZones.first(where: { DomainName(trusted: $0.name) == name }) {
                zones.append(ZoneTarget(name: name, isHome: isHome, zone: found, records: []))
                plannedInSet.append(name)
                continue
            }
            let same = try await accountZones().filter { DomainName(trusted: $0.name) == name }
            if isHome, let other = same.first(where: { $0.config?.privateZone != true }) {
                // The home zone in another set: its own NS stay with that set's group; it holds this set's glue too.
                zones.append(ZoneTarget(name: name, isHome: true, zone: other, records: [], glueOnly: true))
                continue
            }
            if let other = same.first(where: { $0.config?.privateZone != true }) {
                let d = try await route53.getHostedZone(id: other.id)
                let by = d.delegationSet?.id.map { "another delegation set (\(ResourceID.bare($0)))" }
                    ?? "its own name servers (\((d.delegationSet?.nameServers ?? []).joined(separator: ", ")))"
                problem(subject, "zone \(name.ascii) (\(other.id)) is served by \(by), not by set \(setId). A zone's name servers cannot "
                        + "change after creation: migrate it: create a new zone in the set and copy its records (alias records too), "
                        + "then switch the registrar to it.")
                continue
            }
            guard request.createZones else {
                if let priv = same.first {
                    problem(subject, "zone \(name.ascii) exists only as a private hosted zone (\(priv.id)); white-label name servers serve public zones only. "
                            + "Create a public zone for it in set \(setId) (--create-zones creates an empty one).")
                } else {
                    problem(subject, "there is no hosted zone \(name.ascii) in this account; create it in set \(setId) first, or pass --create-zones")
                }
                continue
            }
            // Creating it: same-name or parent/child public zones in the same set make Route 53 refuse.
            var conflict: String?
            for z in inSetZones {
                let n = DomainName(trusted: z.name)
                if n == name || n.isBelow(name) || name.isBelow(n) { conflict = "zone \(n.ascii) (\(z.id))"; break }
            }
            if conflict == nil, let p = plannedInSet.first(where: { $0.isBelow(name) || name.isBelow($0) }) {
                conflict = "zone \(p.ascii) (created earlier in this run)"
            }
            if let conflict {
                problem(subject, "cannot create zone \(name.ascii) in set \(setId): \(conflict) is in the same set and is its parent or child. "
                        + "Route 53 refuses this (ConflictingDomainExists): zones whose names are the same or parent/child cannot share name servers. "
                        + "Use a different delegation set for one of them.")
                continue
            }
            zones.append(ZoneTarget(name: name, isHome: isHome, zone: nil, records: []))
            plannedInSet.append(name)
        }

        // Records: SOA and NS present and readable; vanity hosts not aliases.
        for i in zones.indices {
            guard let z = zones[i].zone else { continue }
            let records = try await route53.listResourceRecordSets(zoneId: z.id)
            zones[i].records = records
            let apex = records.filter { DomainName(trusted: $0.name) == zones[i].name }
            let subject = zones[i].isHome ? "home zone \(zones[i].name.ascii)" : "zone \(zones[i].name.ascii)"
            if let soa = apex.first(where: { $0.type == "SOA" }) {
                if soa.values.count != 1 || SOAValue(soa.values[0]) == nil {
                    problem(subject, SOAValue.problem(zone: zones[i].name.ascii, value: soa.values.joined(separator: " | ")))
                }
            } else {
                problem(subject, "the zone has no SOA record at its apex; Route 53 always writes one, so the zone is damaged: check it in the console")
            }
            if !apex.contains(where: { $0.type == "NS" }) {
                problem(subject, "the zone has no NS record at its apex; check it in the console")
            }
        }
        if request.hosts == nil {
            hosts = Self.defaultHosts(home: home, count: nsCount)
            if let h = zones.first(where: \.isHome), h.glueOnly {
                // Another set's home zone: this set's own group, the next free one when it has none yet (ns5-ns8, ...).
                let rows = await resolveAll(awsNames: set.nameServers, vanityHosts: [], target: request.resolver)
                if let own = HostGroups.group(of: rows, records: h.records, home: home) { hosts = own } else {
                    let taken = Set(HostGroups.servingGroup(zone: home, records: h.records, home: home) ?? [])
                    hosts = HostGroups.nextFree(home: home, records: h.records, taken: taken, count: nsCount)
                }
            }
        }
        if let h = zones.first(where: \.isHome), h.glueOnly, let serving = HostGroups.servingGroup(zone: home, records: h.records, home: home) {
            let shared = hosts.filter(serving.contains)
            if !shared.isEmpty {
                let free = HostGroups.nextFree(home: home, records: h.records, taken: Set(serving), count: nsCount)
                problem("--hosts", "\(shared.map(\.ascii).joined(separator: ", ")) serve\(shared.count == 1 ? "s" : "") the home zone \(home.ascii), which lives in "
                        + "another delegation set: that is the other set's group of vanity hosts, and its glue must keep that set's addresses. Give set \(setId) "
                        + "its own group, e.g. --hosts \(free.map(\.ascii).joined(separator: ","))")
            }
        }
        for i in zones.indices {
            guard zones[i].isHome else { continue }
            let records = zones[i].records
            for host in hosts {
                for r in records where DomainName(trusted: r.name) == host {
                    if r.type == "CNAME" || r.type == "DNAME" || r.aliasTarget != nil {
                        let kind = r.aliasTarget != nil ? "an alias record (\(r.type) to \(r.aliasTarget!.dnsName))"
                            : "a \(r.type) (to \(r.values.joined(separator: ", ")))"
                        problem(host.ascii, "already exists in zone \(zones[i].name.ascii) as \(kind). A name server's host name must have its own "
                                + "A and AAAA records, never an alias: NS targets must not be aliases (RFC 1912 section 2.4, RFC 2181 section 10.3), "
                                + "and resolvers such as BIND ignore such NS records, which leaves the domain lamely delegated. Delete that record, "
                                + "or choose other host names with --hosts, and run again.")
                        break
                    }
                    if r.setIdentifier != nil, r.type == "A" || r.type == "AAAA" {
                        problem(host.ascii, "has \(r.type) records with a routing policy (set identifier \(r.setIdentifier!)) in zone \(zones[i].name.ascii); "
                                + "glue must be one simple record: delete those records or choose other host names with --hosts")
                        break
                    }
                }
            }
        }
        return (Inspection(setId: setId, set: set, home: home, hosts: hosts, zones: zones), problems)
    }
}
