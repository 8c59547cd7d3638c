import Foundation
import Route53
import Resolver

/// Where a zone's parent sends resolvers, judged against the zone's vanity hosts.
public enum DelegationState: String, Sendable, Codable, Equatable {
    /// Every parent server delegates to exactly the vanity hosts.
    case vanity
    /// To AWS name servers (`…awsdns-…`): the registrar still has the AWS names.
    case aws
    /// Some vanity hosts and some other names.
    case mixed
    /// To names that are neither.
    case other
    /// The parent has no delegation for the zone (NXDOMAIN or no NS).
    case notDelegated = "not delegated"
    /// The parent's servers disagree.
    case inconsistent
    /// No parent server could be asked.
    case unknown
}

/// One zone as `audit` sees it: delegation, the vanity hosts' answers, and any AWS name left.
public struct AuditRow: Sendable, Equatable {
    public var zone: String
    public var zoneId: String
    /// The host names that should serve the zone: its apex NS when they are not AWS names, else the vanity hosts given.
    public var vanityHosts: [String]
    public var delegation: DelegationState
    /// The NS set the parent hands out (the first when its servers disagree).
    public var parentNS: [String]
    /// Vanity addresses asked, and how many answered authoritatively over UDP and over TCP.
    public var addresses: Int
    public var answeringUDP: Int
    public var answeringTCP: Int
    /// The distinct SOA serials the vanity addresses gave.
    public var serials: [UInt32]
    /// The apex NS as the zone serves them.
    public var apexNS: [String]
    /// Apex NS equal to the parent's NS (nil when either is unknown).
    public var apexMatchesParent: Bool?
    /// `ok`, `stale` or `-` (no vanity host inside the zone, so no glue to check).
    public var glue: String
    /// Where AWS still shows: `NS`, `MNAME`, `RNAME`.
    public var awsShowsThrough: [String]
    public var problems: [String]
    public var passed: Bool { problems.isEmpty }

    public init(zone: String, zoneId: String, vanityHosts: [String], delegation: DelegationState, parentNS: [String], addresses: Int,
                answeringUDP: Int, answeringTCP: Int, serials: [UInt32], apexNS: [String], apexMatchesParent: Bool?, glue: String,
                awsShowsThrough: [String], problems: [String]) {
        self.zone = zone; self.zoneId = zoneId; self.vanityHosts = vanityHosts; self.delegation = delegation; self.parentNS = parentNS
        self.addresses = addresses; self.answeringUDP = answeringUDP; self.answeringTCP = answeringTCP; self.serials = serials
        self.apexNS = apexNS; self.apexMatchesParent = apexMatchesParent; self.glue = glue; self.awsShowsThrough = awsShowsThrough
        self.problems = problems
    }
}

/// `audit`'s result: one row per zone.
public struct AuditReport: Sendable, Equatable {
    public var setId: String?
    public var rows: [AuditRow]
    public var notes: [String]
    public var passed: Bool { rows.allSatisfy(\.passed) }
}

extension WhiteLabelEngine {
    /// Audits every public zone of `setId` (of the home domain's set when only `homeDomain` is given, of the account
    /// when neither is): one listing of the zones, then every DNS question of every zone at once.
    public func audit(setId: String?, homeDomain: String?, hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> AuditReport {
        let home = try homeDomain.map { try DomainName.parse($0, rule: .zoneName) }
        var set = setId.map(ResourceID.bare)
        if set == nil, let home {
            set = try await route53.getHostedZone(id: findZone(home).id).delegationSet?.id.map(ResourceID.bare)
        }
        var setNames: [String] = []
        if let set { setNames = try await route53.getReusableDelegationSet(id: set).nameServers }
        let awsNames = setNames
        let expected = try home.map { try hostNames(hosts, home: $0, count: max(awsNames.count, 4)) } ?? []
        let zones = try await route53.listHostedZones(delegationSetId: set).filter { $0.config?.privateZone != true }
        let expectedAddresses = home.map { h in Task { await hostAddresses(home: h, hosts: expected, target: target) } }
        let rows = await withTaskGroup(of: (Int, AuditRow).self) { group in
            for (i, zone) in zones.enumerated() {
                group.addTask {
                    (i, await self.auditZone(zone, expected: expected, expectedAddresses: await expectedAddresses?.value ?? [],
                                             awsNames: awsNames, port: queryPort, target: target))
                }
            }
            var out: [(Int, AuditRow)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var notes: [String] = []
        if zones.isEmpty { notes.append(set.map { "delegation set \($0) serves no public zone" } ?? "the account has no public hosted zone") }
        if home == nil { notes.append("no --domain given: each zone is judged against its own apex NS") }
        return AuditReport(setId: set, rows: rows, notes: notes)
    }

    /// Audits `zones` against their own apex NS (no home domain given), yielding each zone's row as it is done: the
    /// browser's status column.
    public func auditZones(_ zones: [HostedZone], awsNames: [String], queryPort: Int, target: ResolverTarget) -> AsyncStream<AuditRow> {
        AsyncStream { continuation in
            let task = Task {
                await withTaskGroup(of: AuditRow.self) { group in
                    for zone in zones where zone.config?.privateZone != true {
                        group.addTask { await self.auditZone(zone, expected: [], expectedAddresses: [], awsNames: awsNames, port: queryPort, target: target) }
                    }
                    for await row in group { continuation.yield(row) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func isAWS(_ name: String, _ awsNames: Set<String>) -> Bool {
        awsNames.contains(Canonical.name(name)) || name.lowercased().contains(".awsdns-")
    }

    /// One zone: what it serves at the apex, who serves it, and what its parent says.
    func auditZone(_ zone: HostedZone, expected: [DomainName], expectedAddresses: [[String]], awsNames: [String],
                   port: Int, target: ResolverTarget) async -> AuditRow {
        let name = DomainName(trusted: zone.name)
        let aws = Set(awsNames.map(Canonical.name))
        let resolver = self.resolver, timeout = lookupTimeout
        async let registry = registryView(of: name, port: port, target: target)
        // The zone's apex as Route 53 serves it (through the resolver, which reaches its servers).
        async let apexNSAnswer = resolver.query(name.ascii, type: .ns, target: target, timeout: timeout)
        async let apexSOAAnswer = resolver.query(name.ascii, type: .soa, target: target, timeout: timeout)
        let apexNS: [String]
        if case let .answer(v, _) = await apexNSAnswer { apexNS = v.map(Canonical.name) } else { apexNS = [] }
        let ownHosts = apexNS.filter { !Self.isAWS($0, aws) }
        let hosts = ownHosts.count == apexNS.count && !ownHosts.isEmpty ? ownHosts.map { DomainName(trusted: $0) } : expected
        let addresses: [[String]]
        if hosts == expected { addresses = expectedAddresses } else {
            addresses = await withTaskGroup(of: (Int, [String]).self) { group in
                for (i, h) in hosts.enumerated() {
                    group.addTask {
                        async let v4 = resolver.query(h.ascii, type: .a, target: target, timeout: timeout)
                        async let v6 = resolver.query(h.ascii, type: .aaaa, target: target, timeout: timeout)
                        return (i, Self.interpret(await v4, type: .a).0 + Self.interpret(await v6, type: .aaaa).0)
                    }
                }
                var out = Array(repeating: [String](), count: hosts.count)
                for await (i, a) in group { out[i] = a }
                return out
            }
        }
        // Every vanity address: SOA over UDP and over TCP, NS over UDP.
        struct Asked { var host: String; var address: String; var udp: LookupOutcome; var tcp: LookupOutcome; var ns: LookupOutcome }
        let jobs = zip(hosts, addresses).flatMap { h, addrs in addrs.map { (h.ascii, $0) } }
        let asked: [Asked] = await withTaskGroup(of: (Int, Asked).self) { group in
            for (i, (host, address)) in jobs.enumerated() {
                group.addTask {
                    async let udp = resolver.queryAuthoritative(name.ascii, type: .soa, address: address, port: port, timeout: timeout)
                    async let tcp = resolver.queryAuthoritativeTCP(name.ascii, type: .soa, address: address, port: port, timeout: timeout)
                    async let ns = resolver.queryAuthoritative(name.ascii, type: .ns, address: address, port: port, timeout: timeout)
                    return (i, Asked(host: host, address: address, udp: await udp, tcp: await tcp, ns: await ns))
                }
            }
            var out: [(Int, Asked)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let view = await registry

        var problems: [String] = []
        func authoritative(_ o: LookupOutcome) -> Bool { if case let .answer(v, aa) = o { return aa && !v.isEmpty }; return false }
        for a in asked {
            for (o, via) in [(a.udp, "UDP"), (a.tcp, "TCP")] where !authoritative(o) {
                if case .answer = o {
                    problems.append("\(a.host) (\(a.address)) answers over \(via) but not authoritatively: it does not serve \(name.ascii)")
                } else {
                    problems.append("\(a.host) (\(a.address)) does not answer for \(name.ascii) over \(via): \(Self.describe(o))")
                }
            }
        }
        if hosts.isEmpty { problems.append("no vanity hosts: the zone's apex NS are AWS names; give --domain, or apply the white-label set-up to it") }
        if !expected.isEmpty, Set(hosts) != Set(expected) {
            problems.append("its apex NS \(apexNS.joined(separator: " ")) are not the vanity hosts \(expected.map(\.fqdn).joined(separator: " "))")
        }
        let soas = asked.compactMap { a -> SOAValue? in if case let .answer(v, _) = a.udp { return v.first.flatMap(SOAValue.init) }; return nil }
        var serials: [UInt32] = []
        for s in soas.map(\.serial) where !serials.contains(s) { serials.append(s) }
        if serials.count > 1 { problems.append("the vanity hosts give different SOA serials (\(serials.map(String.init).joined(separator: ", "))): a server is behind") }
        let served: [String]
        if let first = asked.lazy.compactMap({ a -> [String]? in if case let .answer(v, true) = a.ns, !v.isEmpty { return v.map(Canonical.name) }; return nil }).first {
            served = first
        } else { served = apexNS }

        // What the parent says.
        let vanity = Set(hosts.map(\.fqdn))
        let sets = view.delegatedSets
        let delegation: DelegationState
        if view.answers.isEmpty || view.answers.allSatisfy({ if case .delegation = $0.outcome { return false }; if case .nxdomain = $0.outcome { return false }; return true }) {
            delegation = .unknown
        } else if sets.count > 1 { delegation = .inconsistent }
        else if let s = sets.first, !s.isEmpty {
            if s == vanity { delegation = .vanity }
            else if s.allSatisfy({ Self.isAWS($0, aws) }) { delegation = .aws }
            else if !s.isDisjoint(with: vanity) || s.contains(where: { Self.isAWS($0, aws) }) { delegation = .mixed }
            else { delegation = .other }
        } else { delegation = .notDelegated }
        let parentNS = (sets.first ?? []).sorted()
        switch delegation {
        case .vanity: break
        case .unknown: problems.append(view.note ?? "no server of the parent zone \(view.parent?.ascii ?? "") answered")
        case .notDelegated: problems.append("the parent (\(view.parent?.ascii ?? "?")) has no delegation for \(name.ascii): is it registered, with the vanity hosts as its name servers?")
        case .inconsistent: problems.append("the parent's servers disagree: " + view.answers.map { "\($0.label): \(Self.describeDelegation($0.outcome))" }.joined(separator: "; "))
        default: problems.append("the parent delegates to \(parentNS.joined(separator: " ")) (\(delegation.rawValue)), not to the vanity hosts: update the registrar")
        }
        let apexMatches: Bool? = parentNS.isEmpty || served.isEmpty ? nil : Set(served) == Set(parentNS)
        if apexMatches == false, delegation == .vanity || delegation == .mixed {
            problems.append("the zone's apex NS (\(served.joined(separator: " "))) differ from the parent's (\(parentNS.joined(separator: " ")))")
        }

        // Glue: only for vanity hosts inside this zone.
        var glue = "-"
        for (i, host) in hosts.enumerated() where host.isBelow(name) {
            glue = glue == "-" ? "ok" : glue
            let want = Set(Canonical.addresses(i < addresses.count ? addresses[i] : []))
            for answer in view.answers {
                guard let d = answer.delegation, d.nameServers.map(Canonical.name).contains(host.fqdn) else { continue }
                let got = Set(Canonical.addresses(d.glue.first { Canonical.name($0.key) == host.fqdn }?.value ?? []))
                if got.isEmpty || !got.isSubset(of: want) {
                    glue = "stale"
                    problems.append("\(answer.label) has glue \(got.isEmpty ? "none" : got.sorted().joined(separator: " ")) for \(host.ascii), its addresses are \(want.sorted().joined(separator: " "))")
                }
            }
        }

        // AWS showing through.
        var awsLeft: [String] = []
        if served.contains(where: { Self.isAWS($0, aws) }) { awsLeft.append("NS"); problems.append("the apex NS still name AWS servers: apply the white-label set-up to this zone") }
        let soa: SOAValue?
        if let s = soas.first { soa = s } else if case let .answer(v, _) = await apexSOAAnswer { soa = v.first.flatMap(SOAValue.init) } else { soa = nil }
        if let soa {
            if Self.isAWS(soa.mname, aws) { awsLeft.append("MNAME"); problems.append("the SOA MNAME is still \(soa.mname): apply the white-label set-up to this zone") }
            if soa.rname.lowercased().contains("amazon.com") || Self.isAWS(soa.rname, aws) {
                awsLeft.append("RNAME"); problems.append("the SOA RNAME is still \(soa.rname): apply with --soa-rname hostmaster@\(hosts.first?.parent?.ascii ?? name.ascii)")
            }
        }
        return AuditRow(zone: name.ascii, zoneId: ResourceID.bare(zone.id), vanityHosts: hosts.map(\.ascii), delegation: delegation, parentNS: parentNS,
                        addresses: asked.count, answeringUDP: asked.filter { authoritative($0.udp) }.count,
                        answeringTCP: asked.filter { authoritative($0.tcp) }.count, serials: serials, apexNS: served,
                        apexMatchesParent: apexMatches, glue: glue, awsShowsThrough: awsLeft, problems: problems)
    }
}
