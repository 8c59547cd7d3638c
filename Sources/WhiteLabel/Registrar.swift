import Foundation
import Route53

/// Progress of a Route 53 Domains name server update.
public enum RegistrarEvent: Sendable, Equatable {
    case submitted(operationId: String)
    case status(operationId: String, status: DomainOperationStatus, elapsedSeconds: Double)
    case finished(operationId: String, status: DomainOperationStatus)
}

/// The registrar refused or failed the name server update.
public struct RegistrarUpdateFailed: Error, Sendable, Equatable, CustomStringConvertible {
    public var domain: String
    public var operationId: String
    public var status: DomainOperationStatus
    public var message: String?
    public var description: String {
        "Route 53 Domains could not update the name servers of \(domain) (operation \(operationId), \(status.rawValue))"
            + (message.map { ": \($0)" } ?? "") + ". The domain keeps its previous name servers; check the operation in the console."
    }
}

extension WhiteLabelEngine {
    /// Error codes meaning Route 53 Domains does not hold the domain (registered elsewhere, or a TLD it does not sell).
    static let notHeldCodes: Set<String> = ["InvalidInput", "InvalidInputException", "DomainNotFound", "UnsupportedTLD",
                                            "UnsupportedTLDException", "ResourceNotFoundException"]

    /// The domain's details when Route 53 Domains holds it, else nil.
    func heldDomain(_ home: DomainName) async throws -> DomainDetail? {
        guard let domains else { return nil }
        do { return try await domains.getDomainDetail(domainName: home.ascii) } catch let e as Route53Error
            where Self.notHeldCodes.contains(e.code ?? "") {
            return nil
        }
    }

    /// When Route 53 Domains holds the home domain: its current name servers, and the ones to set (each vanity host
    /// with one IPv4 and one IPv6 glue address). nil when the domain is registered elsewhere: hand the
    /// `registrarRows` table to that registrar instead.
    public func registrarUpdate(plan: WhiteLabelPlan) async throws -> (current: DomainDetail, nameservers: [DomainNameserver])? {
        try await registrarUpdate(domain: plan.homeDomain, rows: registrarRows(plan))
    }

    /// The same for a glue table (`sync`: the vanity hosts with their addresses now).
    public func registrarUpdate(domain: String, rows: [GlueRow]) async throws -> (current: DomainDetail, nameservers: [DomainNameserver])? {
        guard let current = try await heldDomain(DomainName(trusted: domain)) else { return nil }
        // Hosts outside the domain take no glue: their rows come without addresses and are sent without GlueIps.
        return (current, rows.map { r in
            let ips = [r.ipv4, r.ipv6].compactMap { $0 }
            return DomainNameserver(name: r.host, glueIps: ips.isEmpty ? nil : ips)
        })
    }

    /// UpdateDomainNameservers, then GetOperationDetail until the operation is final; throws `RegistrarUpdateFailed`
    /// when it ends in ERROR or FAILED.
    public func applyRegistrar(domain: String, nameservers: [DomainNameserver],
                               events: @escaping @Sendable (RegistrarEvent) -> Void = { _ in }, timeout: Double = 1800) async throws {
        guard let domains else {
            throw InputProblem(subject: "registrar", message: "Route 53 Domains is not available; set the name servers at your registrar")
        }
        let name = DomainName(trusted: domain)
        for ns in nameservers where (ns.glueIps ?? []).count > 2
            || (ns.glueIps ?? []).filter(Canonical.isIPv4).count > 1 || (ns.glueIps ?? []).filter(Canonical.isIPv6).count > 1 {
            throw InputProblem(subject: ns.name, message: "Route 53 Domains takes at most one IPv4 and one IPv6 glue address per name server")
        }
        // As registrars take host names: no final dot (the AWS names come from Route 53 with one).
        let sent = nameservers.map { ns in
            DomainNameserver(name: ns.name.hasSuffix(".") ? String(ns.name.dropLast()) : ns.name, glueIps: ns.glueIps)
        }
        let opId = try await domains.updateDomainNameservers(domainName: name.ascii, nameservers: sent)
        events(.submitted(operationId: opId))
        let start = clock.now()
        while true {
            let op = try await domains.getOperationDetail(operationId: opId)
            let elapsed = clock.now().timeIntervalSince(start)
            events(.status(operationId: opId, status: op.status, elapsedSeconds: elapsed))
            if op.status.isFinal {
                events(.finished(operationId: opId, status: op.status))
                guard op.status == .successful else {
                    throw RegistrarUpdateFailed(domain: name.ascii, operationId: opId, status: op.status, message: op.message)
                }
                return
            }
            if elapsed > timeout {
                throw RegistrarUpdateFailed(domain: name.ascii, operationId: opId, status: op.status,
                                            message: "still \(op.status.rawValue) after \(Int(elapsed)) s; it may yet finish")
            }
            try await clock.sleep(pollInterval)
        }
    }
}
