import Foundation
import Resolver
import Route53

/// The way back from white-label name servers, as `vanityns retire` walks it, each step with its precondition:
/// 1. the registrar back to the set's AWS names (Route 53 Domains, or the list to enter at another registrar);
/// 2. every server of the parent zone serving them, then the parent's NS TTL waited out (resolvers may still hold the
///    vanity delegation until then);
/// 3. each zone of the set back to the AWS names: apex NS, and the SOA's primary server and contact;
/// 4. the vanity hosts' glue records removed from the home zone (only once no zone of the set names them);
/// 5. the set deleted once it holds no zone (kept otherwise, or when asked).
/// Every step reads the state anew, so a rerun after a crash anywhere picks up where the account is.
public struct RetirePlan: Sendable {
    public var setId: String
    public var homeDomain: String
    public var awsNames: [String]
    public var hosts: [String]
    /// Route 53 Domains' name servers for the domain now; nil when another registrar holds it.
    public var registrarNow: [String]?
    public var registry: RegistryView
    /// NS and SOA back to the AWS names, per zone of the set that still has vanity ones.
    public var zones: [ZonePlan]
    /// The vanity hosts' A/AAAA records in the home zone, to delete.
    public var glue: ZonePlan?
    /// Zones the set still serves.
    public var zonesInSet: Int
    /// When every parent server was first seen serving the AWS names (saved by an earlier run).
    public var parentSeenAt: Date?

    /// True when Route 53 Domains holds the domain with other name servers than the AWS ones.
    public var registrarToChange: Bool {
        guard let now = registrarNow else { return false }
        return Set(now.map(Canonical.name)) != Set(awsNames.map(Canonical.name))
    }

    /// The parent servers that do not (yet) hand out the AWS names, each with what it does hand out.
    public var parentNotYet: [String] {
        let aws = Set(awsNames.map(Canonical.name))
        return registry.answers.compactMap { a in
            guard let d = a.delegation else { return "\(a.label): \(a.outcome)" }
            let served = Set(d.nameServers.map(Canonical.name))
            return served == aws ? nil : "\(a.label): " + served.sorted().joined(separator: " ")
        }
    }

    /// When the parent's NS TTL has run out since the AWS names were first seen everywhere; nil when not yet seen.
    public var cachesExpireAt: Date? { parentSeenAt.map { $0.addingTimeInterval(Double(registry.ttl ?? 172800)) } }
}

/// What `retire` remembers between runs (`kind` "retire" in the journal).
public struct RetireJournal: Codable, Sendable {
    public var homeDomain: String
    public var setId: String
    public var parentSeenAt: Date?
    public var updatedAt: Date
}

extension WhiteLabelEngine {
    /// The SOA contact Route 53 writes in a new zone.
    public static let awsHostmaster = "awsdns-hostmaster.amazon.com."

    /// Reads where the retirement of `homeDomain`'s white-label set-up over set `setId` stands. Writes nothing but the
    /// first time every parent server is seen on the AWS names.
    public func retirePlan(setId rawSet: String, homeDomain: String, hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> RetirePlan {
        let setId = ResourceID.bare(rawSet)
        let home = try DomainName.parse(homeDomain, rule: .zoneName)
        let set = try await route53.getReusableDelegationSet(id: setId)
        let awsNames = set.nameServers.map(Canonical.name)
        let hostNames = (hosts ?? (1...awsNames.count).map { "ns\($0).\(home.ascii)" }).map { DomainName(trusted: $0).fqdn }
        async let registrar = heldDomain(home)
        async let registry = registryView(of: home, port: queryPort, target: target)
        let zones = try await route53.listHostedZones(delegationSetId: setId)
        var plans: [ZonePlan] = []
        var homeZone: HostedZone?
        for z in zones {
            let name = DomainName(trusted: z.name)
            if name == home { homeZone = z }
            let records = try await route53.listResourceRecordSets(zoneId: z.id)
            var changes: [PlannedChange] = []
            if let ns = Planner.find(records, name: name, type: "NS"), Set(ns.values.map(Canonical.name)) != Set(awsNames) {
                let desired = ResourceRecordSet(name: ns.name, type: "NS", ttl: 172800, values: awsNames)
                if let c = Planner.change(.apexNS, existing: ns, desired: desired) { changes.append(c) }
            }
            if let soa = Planner.find(records, name: name, type: "SOA"), let value = soa.values.first {
                var fields = value.split(separator: " ").map(String.init)
                if fields.count == 7, Canonical.name(fields[0]) != awsNames[0] || Canonical.name(fields[1]) != Self.awsHostmaster {
                    fields[0] = awsNames[0]; fields[1] = Self.awsHostmaster
                    let desired = ResourceRecordSet(name: soa.name, type: "SOA", ttl: soa.ttl, values: [fields.joined(separator: " ")])
                    if let c = Planner.change(.soa, existing: soa, desired: desired) { changes.append(c) }
                }
            }
            if !changes.isEmpty { plans.append(ZonePlan(zoneName: name.fqdn, zoneId: z.id, isHome: name == home, createInSet: false, changes: changes)) }
        }
        var glue: ZonePlan?
        if let homeZone {
            let records = try await route53.listResourceRecordSets(zoneId: homeZone.id)
            let deletions = records.filter { r in
                (r.type == "A" || r.type == "AAAA") && r.setIdentifier == nil && hostNames.contains(DomainName(trusted: r.name).fqdn)
            }.map { PlannedChange(role: .glue, action: .delete, before: $0, after: $0) }
            if !deletions.isEmpty { glue = ZonePlan(zoneName: home.fqdn, zoneId: homeZone.id, isHome: true, createInSet: false, changes: deletions) }
        }
        let journalEntry: RetireJournal? = journal.document(home.fqdn, kind: "retire")
        var plan = RetirePlan(setId: setId, homeDomain: home.fqdn, awsNames: awsNames, hosts: hostNames,
                              registrarNow: try await registrar?.nameservers.map { Canonical.name($0.name) }, registry: await registry,
                              zones: plans, glue: glue, zonesInSet: zones.count, parentSeenAt: journalEntry?.parentSeenAt)
        if plan.parentSeenAt == nil, !plan.registry.answers.isEmpty, plan.parentNotYet.isEmpty {
            try journal.prepare()
            plan.parentSeenAt = clock.now()
            try journal.save(RetireJournal(homeDomain: home.fqdn, setId: setId, parentSeenAt: plan.parentSeenAt, updatedAt: clock.now()),
                             zoneName: home.fqdn, kind: "retire")
        }
        return plan
    }

    /// DeleteReusableDelegationSet for a set that holds no zone.
    public func deleteEmptySet(_ setId: String) async throws {
        try await route53.deleteReusableDelegationSet(id: ResourceID.bare(setId))
    }
}
