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

extension DelegationState {
    /// Judges the parent servers' answers against the zone's vanity hosts and the AWS names.
    init(_ view: RegistryView, vanity: Set<String>, aws: Set<String>) {
        let answered = view.answers.contains {
            switch $0.outcome { case .delegation, .nxdomain: return true; default: return false }
        }
        let sets = view.delegatedSets
        if !answered { self = .unknown }
        else if sets.count > 1 { self = .inconsistent }
        else if let s = sets.first, !s.isEmpty {
            if s == vanity { self = .vanity }
            else if s.allSatisfy({ WhiteLabelEngine.isAWS($0, aws) }) { self = .aws }
            else if !s.isDisjoint(with: vanity) || s.contains(where: { WhiteLabelEngine.isAWS($0, aws) }) { self = .mixed }
            else { self = .other }
        } else { self = .notDelegated }
    }
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
    /// DNSSEC as the parent and Route 53 have it (`WhiteLabelEngine.dnssecJudgement`): `-`, `no DS`, `secure`,
    /// `DS unsigned`, `DS mismatch`, or `?` when the parent could not be asked.
    public var dnssec: String
    public var problems: [String]
    public var passed: Bool { problems.isEmpty }

    public init(zone: String, zoneId: String, vanityHosts: [String], delegation: DelegationState, parentNS: [String], addresses: Int,
                answeringUDP: Int, answeringTCP: Int, serials: [UInt32], apexNS: [String], apexMatchesParent: Bool?, glue: String,
                awsShowsThrough: [String], problems: [String], dnssec: String = "-") {
        self.zone = zone; self.zoneId = zoneId; self.vanityHosts = vanityHosts; self.delegation = delegation; self.parentNS = parentNS
        self.addresses = addresses; self.answeringUDP = answeringUDP; self.answeringTCP = answeringTCP; self.serials = serials
        self.apexNS = apexNS; self.apexMatchesParent = apexMatchesParent; self.glue = glue; self.awsShowsThrough = awsShowsThrough
        self.problems = problems; self.dnssec = dnssec
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
}
