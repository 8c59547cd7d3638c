import Foundation
import Route53
import Resolver

/// What `watch` may change on its own when the AWS name servers' addresses move.
public enum RepairPolicy: String, Sendable, Codable, CaseIterable {
    /// Report only.
    case none
    /// Rewrite the home zone's vanity host A/AAAA records through `apply` (journal first, one atomic batch, INSYNC).
    case route53
    /// That, and the glue Route 53 Domains holds for the domain.
    case route53domains
}

/// One home domain `watch` guards: its set, vanity hosts and repair policy.
public struct WatchTarget: Sendable, Equatable {
    public var domain: String
    public var setId: String?
    public var hosts: [String]?
    public var repair: RepairPolicy
    public init(domain: String, setId: String? = nil, hosts: [String]? = nil, repair: RepairPolicy = .none) {
        self.domain = domain; self.setId = setId; self.hosts = hosts; self.repair = repair
    }
}

/// One change `watch` made on its own.
public struct WatchRepair: Sendable, Equatable, Codable {
    /// `route53` or `route53domains`.
    public var place: String
    /// `ns2.example.com. A 127.0.0.3 -> 127.0.0.9`, one per record set or name server.
    public var changes: [String]
    /// The journal file apply wrote before sending the batch (route53): the change as sent and how far it got.
    public var journal: String?
}

/// One `watch` run over one home domain: the glue everywhere (after any repair), what was repaired, and the audit.
public struct WatchOutcome: Sendable, Equatable {
    public var target: WatchTarget
    /// The bare set ID (the home zone's when none was configured).
    public var setId: String?
    /// Drift as found before any repair.
    public var found: [DriftItem]
    /// The glue as it is after the repairs (the same as found when nothing was repaired).
    public var drift: DriftReport
    public var repairs: [WatchRepair]
    /// Repairs the policy allowed that failed: (place, reason).
    public var repairFailures: [String: String]
    public var audit: AuditReport

    /// What a person must see: the stale glue left, every zone that needs attention, failed repairs. Keys are stable
    /// from run to run while the problem lasts (they decide whether an alert is new).
    public var problems: [String: String] {
        var out: [String: String] = [:]
        for i in drift.items {
            out["glue \(i.location) \(i.host) \(i.type)"] = "\(i.location): \(i.host) \(i.type) is \(i.recorded.isEmpty ? "missing" : i.recorded.joined(separator: " ")), the AWS name server's address now is \(i.current.joined(separator: " "))"
        }
        for row in audit.rows where !row.passed { out["zone \(row.zone)"] = "\(row.zone): " + row.problems.joined(separator: "; ") }
        for (place, why) in repairFailures { out["repair \(place)"] = "the \(place) repair failed: \(why)" }
        return out
    }

    /// What only a person can do, in words.
    public var actions: [String] {
        var out: [String] = []
        let domain = DomainName(trusted: target.domain).ascii
        let domainsStale = drift.items.contains { $0.location == "route53domains" }
        if domainsStale {
            out.append("update the glue of \(domain) at Route 53 Domains (`vanityns sync --domain \(domain)`, or repair = route53domains)")
        }
        if !drift.registryItems.isEmpty {
            if drift.heldByRoute53Domains != true {
                out.append("at the registrar of \(domain), update the glue records (host objects) to the table in `glue`")
            } else if !domainsStale {
                out.append("Route 53 Domains holds the current glue for \(domain); the registry has not published it yet: wait, then check again")
            }
        }
        if drift.items.contains(where: { $0.location == "route53" }) {
            out.append("bring Route 53's glue records in line: `vanityns sync --domain \(domain)` (or repair = route53)")
        }
        if audit.rows.contains(where: { !$0.passed }) { out.append("look at the zones that need attention: `vanityns audit --domain \(domain)`") }
        return out
    }
}

extension WhiteLabelEngine {
    /// One `watch` pass over one home domain: `check` (every place glue lives), the repairs the policy allows (Route 53's
    /// glue records through the journaled `apply`; Route 53 Domains' glue), `check` again when something was repaired,
    /// and the `audit` of every zone of the set. `log` gets one line per change made, as it is made.
    public func watch(_ target: WatchTarget, queryPort: Int, resolver: ResolverTarget,
                      log: @escaping @Sendable (String) -> Void) async throws -> WatchOutcome {
        // The audit starts with the first check (their DNS questions wait out a silent server together); it is asked
        // again only when something was repaired.
        let auditNow: @Sendable () async throws -> AuditReport = { [self] in
            try await audit(setId: target.setId, homeDomain: target.domain, hosts: target.hosts, queryPort: queryPort, target: resolver)
        }
        let firstAudit = Task { try await auditNow() }
        defer { firstAudit.cancel() }
        let first = try await checkDrift(homeDomain: target.domain, setId: target.setId, hosts: target.hosts, queryPort: queryPort, target: resolver)
        var repairs: [WatchRepair] = [], failures: [String: String] = [:]
        let domain = DomainName(trusted: target.domain)
        if target.repair != .none, first.items.contains(where: { $0.location == "route53" }) {
            do {
                if let zone = try await syncPlan(homeDomain: target.domain, setId: target.setId, hosts: target.hosts, target: resolver) {
                    let plan = Self.maintenancePlan(homeDomain: target.domain, setId: target.setId ?? "", zones: [zone])
                    let journal = JournalPath()
                    try await apply(zone, of: plan) { if case let .journalSaved(path) = $0 { journal.set(path) } }
                    let changes = zone.changes.map(Self.describe)
                    repairs.append(WatchRepair(place: "route53", changes: changes, journal: journal.value))
                    log("repaired route53 \(domain.ascii): \(changes.joined(separator: ", ")) (one batch, journaled in \(journal.value ?? "-"))")
                }
            } catch { failures["route53"] = Self.short(error) }
        }
        if target.repair == .route53domains, first.items.contains(where: { $0.location == "route53domains" }) {
            do {
                if let update = try await registrarUpdate(domain: domain.fqdn, rows: first.glueRows) {
                    try await applyRegistrar(domain: update.current.domainName, nameservers: update.nameservers)
                    let changes = update.nameservers.map { "\($0.name) \(($0.glueIps ?? []).joined(separator: " "))" }
                    repairs.append(WatchRepair(place: "route53domains", changes: changes, journal: nil))
                    log("repaired route53domains \(domain.ascii): name servers and glue set to \(changes.joined(separator: ", "))")
                }
            } catch { failures["route53domains"] = Self.short(error) }
        }
        let drift: DriftReport, zones: AuditReport
        if repairs.isEmpty {
            (drift, zones) = (first, try await firstAudit.value)
        } else {
            firstAudit.cancel()
            async let again = checkDrift(homeDomain: target.domain, setId: target.setId, hosts: target.hosts, queryPort: queryPort, target: resolver)
            async let audited = auditNow()
            (drift, zones) = try await (again, audited)
        }
        return WatchOutcome(target: target, setId: zones.setId, found: first.items, drift: drift, repairs: repairs, repairFailures: failures,
                            audit: zones)
    }

    /// `ns2.example.com. A 127.0.0.3 -> 127.0.0.9`.
    static func describe(_ c: PlannedChange) -> String {
        "\(c.after.name) \(c.after.type) \(c.before.map { $0.values.joined(separator: " ") } ?? "none") -> \(c.after.values.joined(separator: " "))"
    }
}

/// The journal path an apply reports, caught from its event callback.
private final class JournalPath: @unchecked Sendable {
    private let lock = NSLock()
    private var path: String?
    func set(_ p: String) { lock.lock(); path = p; lock.unlock() }
    var value: String? { lock.lock(); defer { lock.unlock() }; return path }
}
