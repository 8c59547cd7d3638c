import Foundation
import Route53
import Resolver

/// Where a signed zone's DS goes.
public enum DSPublication: Sendable, Equatable {
    /// The domain is registered with Route 53 Domains, which holds these DS records now.
    case route53Domains(domain: String, held: [DomainDNSSECKey])
    /// Another registrar: the user enters the DS there.
    case otherRegistrar(domain: String)
}

/// The DS records every parent server serves for a zone, as asked of each (UDP, no recursion).
public struct ParentDS: Sendable, Equatable {
    public var server: String
    public var address: String
    /// `tag 13 2 DIGEST` (digest upper-case), or nil when the server did not answer.
    public var records: [String]?
}

extension WhiteLabelEngine {
    /// Makes the KMS key `--create-kms-key` plans (CreateKey, PutKeyPolicy with the account's ID from the new ARN,
    /// CreateAlias so a rerun finds it); returns its ARN. CreateKey is not resent when its answer is lost.
    public func createDNSSECKey(clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws -> String {
        let kms = try clients.kms(DNSSECKeyRules.region)
        let arn = try await kms.createSigningKey(description: "vanityns: DNSSEC key-signing keys of Route 53 hosted zones")
        progress("KMS key created: \(arn)")
        let account = DNSSECKeyRules.parse(arn)?.account ?? "ACCOUNT"
        try await kms.putKeyPolicy(arn: arn, policy: DNSSECKeyRules.policy(account: account))
        progress("key policy put: Route 53 (\(DNSSECKeyRules.principal)) may sign with it, for account \(account)'s hosted zones")
        try await kms.createAlias(DNSSECKeyRules.alias, keyArn: arn)
        progress("alias \(DNSSECKeyRules.alias) made")
        return arn
    }

    /// The ARN of the plan's KMS key: the key named or found, or the one `--create-kms-key` plans, made now.
    public func dnssecKeyArn(_ plan: DNSSECEnablePlan, clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws -> String {
        switch plan.key {
        case let .existing(arn): return arn
        case .create: return try await createDNSSECKey(clients: clients, progress: progress)
        }
    }

    /// The KSK's CallerReference, derived from the zone and the KMS key: a rerun sends the same one.
    public static func kskReference(zoneId: String, kmsArn: String) -> String {
        "vanityns-ksk-\(zoneId)-\(DNSSECKeyRules.parse(kmsArn)?.keyId ?? kmsArn)".prefix(128).description
    }

    /// Signs one zone: the KSK created (or found) and active, signing enabled and waited INSYNC, then GetDNSSEC read
    /// until it says SIGNING. Returns the active KSK, whose DS the parent then needs. Every step is safe to repeat.
    public func signZone(_ step: DNSSECZoneStep, kmsArn: String, clients: DNSSECClients,
                         progress: @Sendable (String) -> Void) async throws -> KeySigningKey {
        var ksk = try await clients.route53.createKeySigningKey(zoneId: step.zoneId, name: step.kskName, kmsArn: kmsArn, active: true,
                                                               callerReference: Self.kskReference(zoneId: step.zoneId, kmsArn: kmsArn))
        progress("\(step.zoneName): key-signing key \(ksk.name) (key tag \(ksk.keyTag)) \(ksk.status)")
        if ksk.status == "INACTIVE" {
            let change = try await clients.route53.activateKeySigningKey(zoneId: step.zoneId, name: ksk.name)
            _ = try await route53.waitUntilInSync(changeId: change.id, interval: pollInterval)
            progress("\(step.zoneName): key-signing key \(ksk.name) activated")
        }
        let change = try await clients.route53.enableHostedZoneDNSSEC(zoneId: step.zoneId)
        _ = try await route53.waitUntilInSync(changeId: change.id, interval: pollInterval) { info in
            progress("\(step.zoneName): EnableHostedZoneDNSSEC \(info.id) \(info.status.rawValue)")
        }
        let detail = try await clients.route53.getDNSSECDetail(zoneId: step.zoneId)
        guard detail.signing, let active = detail.keySigningKeys.first(where: { $0.name == step.kskName && $0.status == "ACTIVE" }) else {
            throw Route53Error.service(code: "NotSigning", message: "\(step.zoneName) is \(detail.status.serveSignature) after EnableHostedZoneDNSSEC"
                                       + (detail.status.statusMessage.map { ": \($0)" } ?? ""), status: 0, requestId: nil)
        }
        ksk = active
        progress("\(step.zoneName): signing (Route 53 says \(detail.status.serveSignature))")
        return ksk
    }

    /// Whether Route 53 Domains holds the zone's domain (GetDomainDetail answers), and the DS records it holds.
    public func dsPublication(zoneName: String) async -> DSPublication {
        let domain = zoneName.hasSuffix(".") ? String(zoneName.dropLast()) : zoneName
        guard let domains, let detail = try? await domains.getDomainDetail(domainName: domain) else { return .otherRegistrar(domain: domain) }
        return .route53Domains(domain: domain, held: detail.dnssecKeys)
    }

    /// AssociateDelegationSignerToDomain with the KSK's public key (algorithm 13, flags 257), then the operation
    /// waited until it succeeds. A DS the domain already holds for this key is not sent again, and an earlier run's
    /// DS operation still in progress is waited on first (Route 53 Domains refuses a second one meanwhile).
    public func associateDS(domain: String, ksk: KeySigningKey, clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws {
        guard let ds = clients.domains, let domains else { throw Route53Error.configuration("Route 53 Domains is not configured") }
        try await finishEarlierDSOperation(domain: domain, clients: clients, progress: progress)
        let held = (try await domains.getDomainDetail(domainName: domain)).dnssecKeys
        if held.contains(where: { $0.publicKey == ksk.publicKey }) {
            progress("\(domain): Route 53 Domains already holds the DS of key tag \(ksk.keyTag)")
            return
        }
        let op = try await ds.associateDelegationSigner(domainName: domain, algorithm: ksk.signingAlgorithmType, flags: ksk.flag, publicKey: ksk.publicKey)
        progress("\(domain): AssociateDelegationSignerToDomain, operation \(op)")
        try await waitForOperation(op, domain: domain, progress: progress)
    }

    /// DisassociateDelegationSignerFromDomain for every DS Route 53 Domains holds for `keyTags`, each waited on,
    /// after any earlier run's DS operation still in progress.
    public func disassociateDS(domain: String, keyTags: Set<Int>, clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws {
        guard let ds = clients.domains, let domains else { throw Route53Error.configuration("Route 53 Domains is not configured") }
        try await finishEarlierDSOperation(domain: domain, clients: clients, progress: progress)
        let held = (try await domains.getDomainDetail(domainName: domain)).dnssecKeys.filter { keyTags.contains($0.keyTag) }
        if held.isEmpty { progress("\(domain): Route 53 Domains holds no DS of key tag " + keyTags.sorted().map(String.init).joined(separator: ", ")) }
        for key in held {
            let op = try await ds.disassociateDelegationSigner(domainName: domain, keyId: key.id)
            progress("\(domain): DisassociateDelegationSignerFromDomain (key tag \(key.keyTag)), operation \(op)")
            try await waitForOperation(op, domain: domain, progress: progress)
        }
    }

    /// Waits for the domain's ADD_DNSSEC / REMOVE_DNSSEC operation a run cut short left in progress, so that what
    /// the domain holds is read after it. Its failure is reported, not thrown: the caller then decides afresh.
    func finishEarlierDSOperation(domain: String, clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws {
        guard let ds = clients.domains, let op = try await ds.unfinishedDSOperation(domainName: domain) else { return }
        progress("\(domain): an earlier DS change, operation \(op), is still in progress; waiting for it")
        do { try await waitForOperation(op, domain: domain, progress: progress) } catch let e as Route53Error where e.code?.hasPrefix("Operation") == true {
            progress("\(domain): the earlier operation did not succeed (\(e.description)); reading what the domain holds")
        }
    }

    private func waitForOperation(_ op: String, domain: String, progress: @Sendable (String) -> Void, timeout: Double = 900) async throws {
        guard let domains else { return }
        let start = clock.now()
        while true {
            let status = try await domains.getOperationDetail(operationId: op)
            switch status.status {
            case .successful: progress("\(domain): operation \(op) SUCCESSFUL"); return
            case .error, .failed:
                throw Route53Error.service(code: "Operation\(status.status.rawValue)", message: "\(domain): operation \(op) \(status.status.rawValue)"
                                           + (status.message.map { ": \($0)" } ?? ""), status: 0, requestId: nil)
            default:
                if clock.now().timeIntervalSince(start) > timeout {
                    throw Route53Error.transport("\(domain): operation \(op) still \(status.status.rawValue) after \(Int(timeout)) s")
                }
                try await clock.sleep(pollInterval)
            }
        }
    }

    /// The DS records each server of the zone's parent serves (every address of every parent server).
    public func parentDS(of zoneName: String, port: Int, target: ResolverTarget) async -> (servers: [ParentDS], note: String?) {
        guard let zone = try? DomainName.parse(zoneName, rule: .zoneName) else { return ([], "\(zoneName) is not a zone name") }
        let view = await registryView(of: zone, port: port, target: target)
        let resolver = self.resolver, timeout = lookupTimeout
        let servers: [ParentDS] = await withTaskGroup(of: (Int, ParentDS).self) { group in
            for (i, a) in view.answers.enumerated() {
                group.addTask {
                    let outcome = await resolver.queryAuthoritative(zone.ascii, type: .ds, address: a.address, port: port, timeout: timeout)
                    var records: [String]?
                    switch outcome {
                    case let .answer(values, _): records = values.map(Self.dsText)
                    case .nxdomain: records = []
                    default: records = nil
                    }
                    return (i, ParentDS(server: a.server, address: a.address, records: records))
                }
            }
            var out: [(Int, ParentDS)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return (servers, view.note)
    }

    /// `tag alg type DIGEST` with the digest upper-case and without spaces (ldns may split it).
    static func dsText(_ value: String) -> String {
        let f = value.split(separator: " ").map(String.init)
        guard f.count >= 4 else { return value.uppercased() }
        return "\(f[0]) \(f[1]) \(f[2]) \(f[3...].joined().uppercased())"
    }

    /// Waits until every parent server serves (`present`) or no longer serves any of `records`, polling; returns
    /// the servers that still do not after `timeout` seconds (empty: all agree).
    public func waitForParentDS(zoneName: String, records: [String], present: Bool, port: Int, target: ResolverTarget,
                                timeout: Double, progress: @Sendable (String) -> Void) async throws -> [ParentDS] {
        let wanted = Set(records.map(Self.dsText))
        let start = clock.now()
        while true {
            let (servers, _) = await parentDS(of: zoneName, port: port, target: target)
            let behind = servers.filter { s in
                guard let r = s.records else { return true }
                return present ? !wanted.isSubset(of: Set(r)) : !wanted.isDisjoint(with: Set(r))
            }
            if !servers.isEmpty && behind.isEmpty { return [] }
            if clock.now().timeIntervalSince(start) > timeout { return behind }
            progress("\(zoneName): \(behind.count) of \(servers.count) parent server address(es) " + (present ? "do not serve the DS yet" : "still serve the DS"))
            try await clock.sleep(pollInterval)
        }
    }
}
