import ArgumentParser
import Foundation
import Resolver
import Route53
import WhiteLabel

/// `vanityns dnssec enable | status | disable`: DNSSEC signing of hosted zones and their DS at the parent, in the
/// order that keeps the domains resolving.
struct DNSSECCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnssec", abstract: "Sign zones with DNSSEC and publish (or remove) their DS at the parent, in the safe order.",
        subcommands: [DNSSECEnable.self, DNSSECStatusCommand.self, DNSSECDisable.self])
}

/// Progress lines of the DNSSEC steps (on stdout for text output).
private func progress(_ global: GlobalOptions) -> @Sendable (String) -> Void {
    let text = global.output == .text
    return { line in if text { Console.out("  " + line) } }
}

struct DNSSECEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Sign zones: KMS key, key-signing key, signing enabled and waited on, then the DS at the parent.",
        discussion: """
        The plan comes first (the KMS key and its policy, CreateKeySigningKey, EnableHostedZoneDNSSEC, where the DS \
        goes) and nothing is written before it is confirmed (or --yes). Refused, with nothing written: a KMS key \
        outside us-east-1, a key spec other than ECC_NIST_P256 (a symmetric key), a key policy that does not let \
        dnssec-route53.amazonaws.com sign, a zone not in the account. Then, per zone: the key-signing key \
        (CallerReference derived from the zone and the key, so a rerun finds it), signing enabled and waited INSYNC, \
        and the DS: through Route 53 Domains (AssociateDelegationSignerToDomain, confirmed, waited until every parent \
        server serves it), or printed for the registrar the domain is at (key tag, algorithm 13, digest type 2, \
        digest, and the DNSKEY form).

        Exit codes: 0 signed and the DS served by every parent server, 1 failure or refusal, 4 the DS must be entered \
        at another registrar (rerun once it is: the command then checks the parent), 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("zone"), help: "A zone to sign (ID or name); repeat for several.") var zones: [String] = []
    @Option(name: .customLong("kms-key"), help: "The ARN of a KMS key in us-east-1 (ECC_NIST_P256, SIGN_VERIFY) whose policy lets Route 53 sign.")
    var kmsKey: String?
    @Flag(name: .customLong("create-kms-key"), help: "Create the KMS key (alias \(DNSSECKeyRules.alias)) with the policy Route 53 needs.")
    var createKey = false
    @Option(name: .customLong("ds-wait"), help: "Seconds to wait for every parent server to serve the DS (default 900).") var dsWait: Double = 900
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine(), clients = s.dnssecClients(global), say = progress(global)
            let plan = try await engine.dnssecEnablePlan(zones: zones, kmsKey: kmsKey, createKey: createKey, clients: clients)
            var publications: [String: DSPublication] = [:]
            for z in plan.zones { publications[z.zoneId] = await engine.dsPublication(zoneName: z.zoneName) }
            Console.out(DNSSECText.enablePlan(plan, publications: publications))
            guard try Console.confirm("Sign \(plan.zones.count == 1 ? "this zone" : "these \(plan.zones.count) zones")?", assumeYes: yes) else {
                throw Console.fail("nothing was changed")
            }
            let arn = try await engine.dnssecKeyArn(plan, clients: clients, progress: say)
            var waiting: [String] = []
            for z in plan.zones {
                let ksk = try await engine.signZone(z, kmsArn: arn, clients: clients, progress: say)
                switch publications[z.zoneId] ?? .otherRegistrar(domain: z.zoneName) {
                case let .route53Domains(domain, _):
                    Console.out(DNSSECText.dsTable(domain: domain, ksk: ksk))
                    guard try Console.confirm("Publish this DS through Route 53 Domains (AssociateDelegationSignerToDomain)?", assumeYes: yes) else {
                        throw Console.fail("\(z.zoneName) signs; its DS was not published (run `vanityns dnssec enable` again to publish it)")
                    }
                    try await engine.associateDS(domain: domain, ksk: ksk, clients: clients, progress: say)
                case let .otherRegistrar(domain):
                    Console.out("\(domain) is not registered with Route 53 Domains: enter this DS at its registrar.")
                    Console.out(DNSSECText.dsTable(domain: domain, ksk: ksk))
                }
                let behind = try await engine.waitForParentDS(zoneName: z.zoneName, records: [ksk.dsRecord], present: true, port: global.queryPort,
                                                              target: s.resolverTarget, timeout: publications[z.zoneId].isRoute53Domains ? dsWait : 0,
                                                              progress: say)
                if behind.isEmpty {
                    Console.out("\(z.zoneName): signed; every parent server serves its DS (key tag \(ksk.keyTag))")
                } else {
                    waiting.append(z.zoneName)
                    for b in behind { Console.out("  \(z.zoneName): parent server \(b.server) (\(b.address)) " + (b.records == nil ? "did not answer" : "does not serve the DS yet")) }
                }
            }
            if !waiting.isEmpty {
                throw Console.fail("waiting for the DS at the parent of \(waiting.joined(separator: ", ")): run `vanityns dnssec enable` again once "
                                   + "the registrar has it (or `vanityns dnssec status`)", code: 4)
            }
        }
    }
}

private extension Optional where Wrapped == DSPublication {
    var isRoute53Domains: Bool { if case .route53Domains? = self { return true }; return false }
}


/// The zones `--zone` names (IDs or names), or every public zone of the account.
private func dnssecZones(_ texts: [String], _ s: Services) async throws -> [HostedZone] {
    let all = try await s.route53.listHostedZones()
    if texts.isEmpty { return all.filter { $0.config?.privateZone != true } }
    return try texts.map { text in
        let bare = ResourceID.bare(text)
        let name = text.hasSuffix(".") ? text : text + "."
        guard let z = all.first(where: { $0.id == bare }) ?? all.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw InputProblem(subject: "--zone \(text)", message: "no hosted zone of this account has that ID or name")
        }
        return z
    }
}

struct DNSSECStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Each zone's signing, KSKs, the DS at every parent server, and the chain of trust as the world sees it.",
        discussion: """
        For each zone (--zone, or every public zone of the account): Route 53's signing status and key-signing keys, \
        the DS every parent server serves, and at every address of every name server the parent delegates to, over \
        UDP and TCP: each DS matches a DNSKEY with the SEP flag, the DNSKEY RRset's signature verifies, the signed \
        SOA (and --record NAME) verifies (ldns). A DS at the parent while Route 53 does not sign is a failure.

        Exit codes: 0 every zone SECURE or INSECURE without a fault, 1 failure, 2 a zone is BROKEN (each problem names \
        the server and the key tag), 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("zone"), help: "A zone (ID or name); repeat for several. Default: every public zone.") var zones: [String] = []
    @Option(help: "One more name whose signed A answer is checked at every server (e.g. www.example.org).") var record: String?

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine(), clients = s.dnssecClients(global)
            var broken = 0
            for z in try await dnssecZones(zones, s) {
                // --record is checked in the zone it belongs to.
                let zoneSuffix = "." + z.name.lowercased().trimmingCharacters(in: ["."])
                let extra = record.flatMap { r in ("." + r.lowercased().trimmingCharacters(in: ["."])).hasSuffix(zoneSuffix) ? (r, DNSRecordType.a) : nil }
                let st = try await engine.dnssecStatus(zoneId: z.id, zoneName: z.name, record: extra, clients: clients,
                                                       port: global.queryPort, target: s.resolverTarget)
                if !st.problems.isEmpty { broken += 1 }
                Console.out(DNSSECText.status(st))
            }
            if broken > 0 { throw ExitCode(2) }
        }
    }
}

struct DNSSECDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Stop signing in the safe order: the DS out at the parent, its TTL waited out, then signing off.",
        discussion: """
        Per zone: (1) the DS removed at the parent (Route 53 Domains: DisassociateDelegationSignerFromDomain, \
        confirmed and waited on; another registrar: what to remove is printed, exit 4 until every parent server has \
        stopped serving it); (2) the DS's TTL waited out once no parent server serves it (resolvers may hold it that \
        long; a wait over --max-wait seconds exits 5 and says when to run again); (3) DisableHostedZoneDNSSEC, then \
        DeactivateKeySigningKey. While any parent server still serves a DS the zone is not unsigned, unless --force, \
        after a warning: validating resolvers then answer SERVFAIL for the domain until the DS is gone and its TTL passed \
        (Route 53 itself refuses while the DS is its own key-signing key's: KeySigningKeyInParentDSRecord).

        Exit codes: 0 done, 1 failure, 4 the DS must be removed at another registrar, 5 waiting out the DS TTL, 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("zone"), help: "A zone to unsign (ID or name); repeat for several.") var zones: [String] = []
    @Option(name: .customLong("ds-wait"), help: "Seconds to wait for every parent server to stop serving the DS (default 900).") var dsWait: Double = 900
    @Option(name: .customLong("max-wait"), help: "Longest DS TTL wait done in-process, in seconds (default 300); longer ones exit 5.")
    var maxWait: Double = 300
    @Option(name: .customLong("ds-ttl"), help: "The DS TTL to wait out when no parent server serves a DS now (default 86400, the TTL .com gives a DS).")
    var dsTTL: UInt32 = 86400
    @Flag(help: "Unsign even though a parent server still serves a DS (the domain then fails validation until it is gone).") var force = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        guard !zones.isEmpty else { throw ValidationError("name at least one --zone to unsign") }
        try await Guarded.run(global) { s in
            let engine = s.engine(), clients = s.dnssecClients(global), say = progress(global)
            for z in try await dnssecZones(zones, s) {
                let name = z.name
                var (parent, _) = await engine.parentDS(of: name, port: global.queryPort, target: s.resolverTarget)
                var served = Array(Set(parent.flatMap { $0.records ?? [] })).sorted()
                let ttl = await engine.parentDSTTL(of: name, port: global.queryPort, target: s.resolverTarget)
                let detail = try await clients.route53.getDNSSECDetail(zoneId: z.id)
                if served.isEmpty && !detail.signing && !detail.keySigningKeys.contains(where: { $0.status == "ACTIVE" }) {
                    Console.out("\(name): not signed and no DS at the parent; nothing to do")
                    continue
                }
                if !served.isEmpty {
                    engine.forgetDSGone(zoneId: z.id)
                    Console.out("\(name): the parent serves DS " + served.joined(separator: ", ") + " (TTL \(ttl.map(String.init) ?? "?") s)")
                    let tags = Set(served.compactMap { Int($0.split(separator: " ")[0]) })
                    if case let .route53Domains(domain, held) = await engine.dsPublication(zoneName: name), held.contains(where: { tags.contains($0.keyTag) }) {
                        guard try Console.confirm("Remove the DS of \(domain) at Route 53 Domains (DisassociateDelegationSignerFromDomain)?", assumeYes: yes) else {
                            throw Console.fail("nothing was changed")
                        }
                        try await engine.disassociateDS(domain: domain, keyTags: tags, clients: clients, progress: say)
                        let behind = try await engine.waitForParentDS(zoneName: name, records: served, present: false, port: global.queryPort,
                                                                      target: s.resolverTarget, timeout: dsWait, progress: say)
                        (parent, _) = await engine.parentDS(of: name, port: global.queryPort, target: s.resolverTarget)
                        served = behind.isEmpty ? [] : Array(Set(parent.flatMap { $0.records ?? [] })).sorted()
                    } else {
                        Console.out("  at the registrar of \(name), remove the DS record(s): " + served.joined(separator: "; "))
                    }
                }
                if !served.isEmpty {
                    let still = parent.filter { !($0.records ?? []).isEmpty }.map { "\($0.server) (\($0.address))" }
                    guard force else {
                        throw Console.fail("\(name): \(still.count) parent server address(es) still serve a DS (\(still.joined(separator: ", "))); "
                                           + "signing stays on so the domain keeps validating. Run `vanityns dnssec disable` again once the DS is "
                                           + "removed at the registrar (or --force)", code: 4)
                    }
                    Console.error("warning: \(name): the parent still serves a DS; with signing off, validating resolvers answer SERVFAIL for "
                                  + "\(name) and everything under it until the DS is removed and its TTL (\(ttl.map(String.init) ?? "?") s) has passed")
                    guard try Console.confirm("Unsign \(name) anyway?", assumeYes: yes) else { throw Console.fail("nothing was changed") }
                } else {
                    let gone = try engine.dsGone(zoneId: z.id, ttl: ttl ?? dsTTL)
                    let until = gone.since.addingTimeInterval(Double(gone.ttl))
                    let left = until.timeIntervalSinceNow
                    if left > maxWait {
                        throw Console.fail("\(name): no parent server serves a DS; resolvers may keep it for its TTL (\(gone.ttl) s): run `vanityns "
                                           + "dnssec disable` again after \(ISO8601DateFormatter().string(from: until))", code: 5)
                    }
                    if left > 0 {
                        Console.out("  \(name): waiting out the DS TTL (\(Int(left.rounded(.up))) s left)")
                        try await Task.sleep(nanoseconds: UInt64(left * 1e9))
                    }
                    guard try Console.confirm("Turn DNSSEC signing off for \(name) (DisableHostedZoneDNSSEC, DeactivateKeySigningKey)?", assumeYes: yes) else {
                        throw Console.fail("nothing was changed")
                    }
                }
                do {
                    try await engine.unsignZone(zoneId: z.id, zoneName: name, clients: clients, progress: say)
                } catch let e as Route53Error where e.code == "KeySigningKeyInParentDSRecord" {
                    throw Console.fail("\(name): Route 53 refuses to stop signing while the parent serves the DS of the zone's key-signing key "
                                       + "(\(e.description)); nothing was changed: remove the DS at the registrar first")
                }
                engine.forgetDSGone(zoneId: z.id)
                Console.out("\(name): unsigned")
            }
        }
    }
}

