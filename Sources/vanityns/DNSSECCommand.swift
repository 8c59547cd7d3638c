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
func dnssecProgress(_ global: GlobalOptions) -> @Sendable (String) -> Void {
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
            let engine = s.engine(), clients = s.dnssecClients(global), say = dnssecProgress(global)
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
                let behind = try await DNSSECSteps.publishDS(zoneName: z.zoneName, ksk: ksk, publication: publications[z.zoneId], dsWait: dsWait, yes: yes,
                                                             rerun: "vanityns dnssec enable", engine: engine, clients: clients, services: s, global: global)
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

        --output json prints every zone's state, keys, parent DS and per-server checks as one document.

        Exit codes: 0 every zone SECURE or INSECURE without a fault, 1 failure, 2 a zone is BROKEN (each problem names \
        the server and the key tag), 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("zone"), help: "A zone (ID or name); repeat for several. Default: every public zone.") var zones: [String] = []
    @Option(help: "One more name whose signed A answer is checked at every server (e.g. www.example.org).") var record: String?

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine(), clients = s.dnssecClients(global)
            var all: [DNSSECZoneStatus] = []
            for z in try await dnssecZones(zones, s) {
                // --record is checked in the zone it belongs to.
                let zoneSuffix = "." + z.name.lowercased().trimmingCharacters(in: ["."])
                let extra = record.flatMap { r in ("." + r.lowercased().trimmingCharacters(in: ["."])).hasSuffix(zoneSuffix) ? (r, DNSRecordType.a) : nil }
                let st = try await engine.dnssecStatus(zoneId: z.id, zoneName: z.name, record: extra, clients: clients,
                                                       port: global.queryPort, target: s.resolverTarget)
                all.append(st)
                if global.output == .text { Console.out(DNSSECText.status(st)) }
            }
            if global.output == .json { try Console.json(DNSSECStatusJSON(all)) }
            if all.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(2) }
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
            let engine = s.engine(), clients = s.dnssecClients(global)
            for z in try await dnssecZones(zones, s) {
                try await DNSSECSteps.unsign(z, DNSSECSteps.Waits(dsWait: dsWait, maxWait: maxWait, dsTTL: dsTTL), force: force, yes: yes,
                                             rerun: "vanityns dnssec disable", engine: engine, clients: clients, services: s, global: global)
            }
        }
    }
}

