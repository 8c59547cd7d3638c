import Foundation
import Route53
import Resolver

/// One zone's DNSSEC as Route 53 holds it and as the world sees it.
public struct DNSSECZoneStatus: Sendable {
    public var zoneId: String
    public var zoneName: String
    /// GetDNSSEC's ServeSignature (SIGNING, NOT_SIGNING, ...).
    public var serveSignature: String
    public var keySigningKeys: [KeySigningKey]
    /// What each parent server serves as the zone's DS.
    public var parent: [ParentDS]
    /// The chain at each address of each name server the parent delegates to, over UDP and TCP.
    public var servers: [(host: String, check: DNSSECServerCheck)]
    /// What does not hold, each naming the server and the key tag; empty when all is well.
    public var problems: [String]
    /// The DS the parent serves (every server's, once each).
    public var parentRecords: [String] { Array(Set(parent.flatMap { $0.records ?? [] })).sorted() }
    /// SECURE (signing, DS served and matching), INSECURE (no DS, whatever the signing), or BROKEN.
    public var state: String { problems.isEmpty ? (parentRecords.isEmpty ? "INSECURE" : "SECURE") : "BROKEN" }
}

extension WhiteLabelEngine {
    /// What Route 53's signing and the DS the parent serves make of a zone: `audit`'s DNSSEC column (`-` neither,
    /// `no DS` signed but not yet trusted, `secure`, `DS unsigned`, `DS mismatch`) and the problems, shared by
    /// `audit`, `verify` and `dnssec status`. A DS for an unsigned zone, or for a key the zone does not sign with,
    /// makes every validating resolver fail the domain.
    public static func dnssecJudgement(signing: Bool, serveSignature: String, activeKeyTags: Set<Int>, parentDS: [String]) -> (column: String, problems: [String]) {
        let tags = parentDS.compactMap { Int($0.split(separator: " ").first ?? "") }
        if tags.isEmpty { return (signing ? "no DS" : "-", []) }
        let list = tags.map(String.init).joined(separator: ", ")
        if !signing {
            return ("DS unsigned", ["the parent serves a DS (key tag \(list)) but Route 53 does not sign the zone (\(serveSignature)): validating "
                                    + "resolvers fail the domain; remove the DS at the registrar, or sign the zone again"])
        }
        let strangers = tags.filter { !activeKeyTags.contains($0) }
        if strangers.count == tags.count {
            return ("DS mismatch", ["the parent serves a DS for key tag \(strangers.map(String.init).joined(separator: ", ")), which no active key-signing key "
                                    + "of the zone has: validating resolvers fail the domain; publish the DS of key tag "
                                    + activeKeyTags.sorted().map(String.init).joined(separator: ", ")])
        }
        return ("secure", [])
    }

    /// DNSSEC as the zone's parent serves it: the DS at every server of `view`; only when one serves a DS is Route 53's
    /// signing read (GetDNSSEC: a DS is what can break a domain), and judged (`dnssecJudgement`). `zoneId` nil: the
    /// account's zone of that name. Returns `audit`'s column and the problems (for `audit` and `verify`).
    public func dnssecAtParent(_ view: RegistryView, zoneId: String?, port: Int) async -> (column: String, problems: [String]) {
        let resolver = self.resolver, timeout = lookupTimeout, name = view.zone.ascii
        let answers: [LookupOutcome] = await withTaskGroup(of: LookupOutcome.self) { group in
            for a in view.answers { group.addTask { await resolver.queryAuthoritative(name, type: .ds, address: a.address, port: port, timeout: timeout) } }
            var out: [LookupOutcome] = []
            for await o in group { out.append(o) }
            return out
        }
        let ds = Array(Set(answers.flatMap { o -> [String] in if case let .answer(v, _) = o { return v.map(Self.dsText) }; return [] })).sorted()
        if answers.isEmpty { return ("?", []) }
        if ds.isEmpty { return ("-", []) }
        do {
            let id: String
            if let zoneId { id = zoneId } else { id = try await findZone(view.zone).id }
            let status = try await route53.getDNSSEC(zoneId: id)
            return Self.dnssecJudgement(signing: status.serveSignature == "SIGNING", serveSignature: status.serveSignature,
                                        activeKeyTags: Set(status.activeKeyTags), parentDS: ds)
        } catch {
            return ("DS, status ?", ["the parent serves a DS for \(name) but Route 53's signing status could not be read ("
                                     + ((error as? Route53Error)?.description ?? String(describing: error)) + ")"])
        }
    }

    /// Reads Route 53's signing status and KSKs, asks every parent server for the DS, and checks the chain at every
    /// address of every name server the parent delegates to (UDP and TCP): a DS with no matching SEP key, a DS while
    /// Route 53 does not sign, signatures that do not verify, each a problem naming the server and the key tag.
    /// `record`: one more name of the zone whose signed answer is checked (an A record), beside the SOA.
    public func dnssecStatus(zoneId: String, zoneName: String, record: (String, DNSRecordType)?, clients: DNSSECClients,
                             port: Int, target: ResolverTarget) async throws -> DNSSECZoneStatus {
        let detail = try await clients.route53.getDNSSECDetail(zoneId: zoneId)
        let (parent, note) = await parentDS(of: zoneName, port: port, target: target)
        var problems: [String] = []
        if parent.isEmpty && detail.signing { problems.append("the parent's servers could not be asked (\(note ?? "no answer"))") }
        for p in parent where p.records == nil { problems.append("parent server \(p.server) (\(p.address)): no answer to the DS question") }
        let records = Array(Set(parent.flatMap { $0.records ?? [] })).sorted()
        problems += Self.dnssecJudgement(signing: detail.signing, serveSignature: detail.status.serveSignature,
                                         activeKeyTags: Set(detail.keySigningKeys.filter { $0.status == "ACTIVE" }.map(\.keyTag)),
                                         parentDS: records).problems
        // The name servers the parent delegates to, at the addresses it gives (glue), or as resolved.
        var servers: [(String, DNSSECServerCheck)] = []
        if detail.signing || !records.isEmpty {
            guard let zone = try? DomainName.parse(zoneName, rule: .zoneName) else { throw InputProblem(subject: zoneName, message: "not a zone name") }
            let view = await registryView(of: zone, port: port, target: target)
            let hosts = view.answers.compactMap(\.delegation).first.map { d in d.nameServers.map { ($0, d.glue[$0] ?? []) } } ?? []
            let resolved = await addressesOf(hosts.filter { $0.1.isEmpty }.map(\.0), target: target)
            var addressed: [(String, String)] = []
            var lookups = resolved.makeIterator()
            for (host, glue) in hosts {
                for a in glue.isEmpty ? (lookups.next() ?? []) : glue { addressed.append((host, a)) }
            }
            let timeout = lookupTimeout
            let extra = record.map { [($0.0, $0.1)] } ?? []
            servers = await withTaskGroup(of: (Int, (String, DNSSECServerCheck)).self) { group in
                for (i, (host, address)) in addressed.enumerated() {
                    for tcp in [false, true] {
                        group.addTask {
                            (i * 2 + (tcp ? 1 : 0), (host, await DNSSECProbe.check(zone: zoneName, ds: records, records: extra, address: address, port: port,
                                                                             tcp: tcp, timeout: timeout)))
                        }
                    }
                }
                var out: [(Int, (String, DNSSECServerCheck))] = []
                for await r in group { out.append(r) }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
            for (host, check) in servers {
                problems += check.problems.map { "\(host) (\(check.address), \(check.transport)): \($0)" }
            }
        }
        return DNSSECZoneStatus(zoneId: zoneId, zoneName: zoneName, serveSignature: detail.status.serveSignature,
                                keySigningKeys: detail.keySigningKeys, parent: parent, servers: servers, problems: problems)
    }
}

extension WhiteLabelEngine {
    /// The longest TTL any parent server gives the zone's DS (how long resolvers may keep it), nil when none serves one.
    public func parentDSTTL(of zoneName: String, port: Int, target: ResolverTarget) async -> UInt32? {
        let (servers, _) = await parentDS(of: zoneName, port: port, target: target)
        let timeout = lookupTimeout
        var ttls: [UInt32] = []
        for server in servers {
            if let ttl = await DNSSECProbe.ds(zone: zoneName, address: server.address, port: port, timeout: timeout)?.ttl { ttls.append(ttl) }
        }
        return ttls.max()
    }

    /// When every parent server was first seen without the zone's DS, and the TTL resolvers may keep it: kept in the
    /// state directory so a rerun of `dnssec disable` knows how long is left.
    public func dsGone(zoneId: String, ttl: UInt32?) throws -> (since: Date, ttl: UInt32) {
        let file = stateDirectory.appendingPathComponent("dnssec-ds-gone-\(zoneId).json")
        if let data = try? Data(contentsOf: file), let o = try? JSONSerialization.jsonObject(with: data) as? [String: Double],
           let since = o["since"], let kept = o["ttl"] {
            return (Date(timeIntervalSince1970: since), UInt32(kept))
        }
        let now = clock.now(), t = ttl ?? 86400
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["since": now.timeIntervalSince1970, "ttl": Double(t)]).write(to: file, options: .atomic)
        return (now, t)
    }

    /// Forgets `dsGone`'s record (once signing is off, or when a DS is back at the parent).
    public func forgetDSGone(zoneId: String) {
        try? FileManager.default.removeItem(at: stateDirectory.appendingPathComponent("dnssec-ds-gone-\(zoneId).json"))
    }

    /// DisableHostedZoneDNSSEC, then every active KSK deactivated, each waited INSYNC.
    public func unsignZone(zoneId: String, zoneName: String, clients: DNSSECClients, progress: @Sendable (String) -> Void) async throws {
        let detail = try await clients.route53.getDNSSECDetail(zoneId: zoneId)
        if detail.signing || detail.status.serveSignature != "NOT_SIGNING" {
            let change = try await clients.route53.disableHostedZoneDNSSEC(zoneId: zoneId)
            _ = try await route53.waitUntilInSync(changeId: change.id, interval: pollInterval)
            progress("\(zoneName): DisableHostedZoneDNSSEC INSYNC")
        }
        for k in detail.keySigningKeys where k.status == "ACTIVE" {
            let change = try await clients.route53.deactivateKeySigningKey(zoneId: zoneId, name: k.name)
            _ = try await route53.waitUntilInSync(changeId: change.id, interval: pollInterval)
            progress("\(zoneName): key-signing key \(k.name) (key tag \(k.keyTag)) deactivated")
        }
    }
}
