import ArgumentParser
import Foundation
import Route53
import Resolver
import WhiteLabel

/// `vanityns migrate`: move existing zones into a reusable delegation set (a new zone each, every record copied,
/// parity proven), then optionally cut over to the vanity hosts; `--status`, `--resync` and `--undo` follow up.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move existing zones into a reusable delegation set: a new zone each, every record copied, parity proven.",
        discussion: """
        A zone's name servers never change, so moving it into a set means a new zone with the same name in the set and a \
        copy of every record set but the apex NS and SOA (aliases into the zone re-pointed, routing policies and health \
        checks kept). The old zone is only read. A rerun finds the new zone and copies only what is missing.

          vanityns migrate --set ID --zone example.org --plan
              the copy of each zone; nothing written
          vanityns migrate --set ID --zone example.org [--yes]
              copy (each zone confirmed) and check parity
          vanityns migrate --set ID --zone example.org --domain example.com
              copy, then switch the new zone to the vanity hosts
          vanityns migrate --dnssec --set ID --zone example.org --domain example.com [--kms-key ARN]
              a signed zone: DS out and its TTL waited, old zone unsigned, copy and
              cut over, the copy signed, its DS published (rerun to resume)
          vanityns migrate --status [--zone example.org]
              parent delegation, changes since the copy, when the old zone may go
          vanityns migrate --resync --zone example.org
              copy what changed in the old zone since the copy
          vanityns migrate --undo --zone example.org
              delete the new zone (only before the cut-over)

        After each copy the two zones are compared record by record, then one name server of the old zone and one of \
        the new are asked the same questions (every name and type but routing-policy sets) without recursion, on \
        --query-port; --no-dns-check leaves that out (for a host that cannot reach port 53).

        Exit codes: 0 done, 1 failure (a pre-check, a zone that failed, records or answers not the same), 4 (--dnssec) \
        the registrar is to act (remove the old DS, set the name servers, enter the new DS), 5 (--dnssec) a TTL to wait \
        out, 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The reusable delegation set to move the zones into, or `auto`: each zone into a set with room that holds no zone of its name, parent or child.") var set: String?
    @Flag(name: .customLong("new-set"), help: "With --set auto: create another reusable delegation set when no set can take a zone (shown and confirmed first).") var newSet = false
    @Option(name: .customLong("zone"), help: "A zone to move: name or zone ID (repeatable).") var zones: [String] = []
    @Flag(help: "Show the copy of each zone; change nothing.") var plan = false
    @Flag(help: "Show each migrated zone's state: parent delegation, changes since the copy, when the old zone may be deleted.") var status = false
    @Flag(help: "Copy the old zone's changes since the copy into the new zone (deletions included, after a yes).") var resync = false
    @Flag(help: "Delete the new zone (its records first); refused once the parent delegates to it.") var undo = false
    @Flag(name: .customLong("acknowledge-dnssec"), help: "Go on although the old zone is signed or its parent holds a DS.") var acknowledgeDNSSEC = false
    @Flag(help: "With --domain: move a signed zone in five steps: its DS out at the parent and its TTL waited out, the old zone unsigned, copy and cut over, the copy signed, its DS published.")
    var dnssec = false
    @Option(name: .customLong("kms-key"), help: "With --dnssec: the KMS key to sign the copy with (default: the old zone's key-signing key's).") var kmsKey: String?
    @Option(name: .customLong("ds-wait"), help: "With --dnssec: seconds to wait for every parent server to stop (or start) serving a DS (default 900).")
    var dsWait: Double = 900
    @Option(name: .customLong("max-wait"), help: "With --dnssec: longest TTL wait done in-process, in seconds (default 300); longer ones exit 5.")
    var maxWait: Double = 300
    @Option(name: .customLong("ds-ttl"), help: "With --dnssec: the DS TTL to wait out when no parent server serves a DS now (default 86400).")
    var dsTTL: UInt32 = 86400
    @Flag(name: .customLong("list-records"), help: "With --plan: list every value the copy writes, one per line.") var listRecords = false
    @Flag(name: .customLong("skip-preflight"), help: "With --domain: send the registrar update without first checking that every vanity host answers for the zone (risky).")
    var skipPreflight = false
    @Option(help: "After the copy, switch the new zones to the vanity hosts of this home domain (the cut-over).") var domain: String?
    @Option(help: "With --domain: vanity host names, comma-separated (default ns1..ns4.DOMAIN).") var hosts: String?
    @Option(name: .customLong("soa-rname"), help: "With --domain: the SOA contact mailbox.") var soaRName: String?
    @Option(name: .customLong("old-ns-ttl"), help: "Lower the old zone's NS TTL to this many seconds before the cut-over (60-172800).")
    var oldNSTTL: Int?
    @Option(help: "Zones copied at the same time (1-8).") var concurrency = 4
    @Flag(name: .customLong("no-dns-check"), help: "After the copy, do not ask the old and new zones' name servers the same questions.")
    var noDNSCheck = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        let modes = [status, resync, undo].filter { $0 }.count
        if modes > 1 { throw ValidationError("choose one of --status, --resync and --undo") }
        if (resync || undo) && zones.count != 1 { throw ValidationError("--\(resync ? "resync" : "undo") takes exactly one --zone") }
        if modes == 0 && set == nil { throw ValidationError("--set is required: the reusable delegation set to move the zones into (`vanityns sets list`)") }
        if modes == 0 && zones.isEmpty { throw ValidationError("name at least one zone to move with --zone") }
        let auto = set?.lowercased() == "auto"
        if newSet && !auto { throw ValidationError("--new-set goes with --set auto") }
        if auto && global.output != .text {
            throw ValidationError("--set auto reports in text, one section per set the zones go to; for --output \(global.output.rawValue), migrate into one set: --set ID")
        }
        if auto && domain != nil {
            throw ValidationError("--set auto places the zones in several sets, each with its own vanity hosts: copy first, then cut over set by set with `vanityns migrate --set ID --zone Z --domain HOME`")
        }
        if dnssec && (domain == nil || auto || acknowledgeDNSSEC || plan || modes > 0) {
            throw ValidationError("--dnssec moves signed zones into one set and cuts them over: give --set ID and --domain HOME (not --set auto, --plan or --acknowledge-dnssec)")
        }
        if !dnssec && (kmsKey != nil) { throw ValidationError("--kms-key goes with --dnssec") }
        if let t = oldNSTTL, !(60...172_800).contains(t) { throw ValidationError("--old-ns-ttl must be between 60 and 172800 seconds") }
        if !(1...8).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 8") }
        if (hosts != nil || soaRName != nil || oldNSTTL != nil) && domain == nil {
            throw ValidationError("--hosts, --soa-rname and --old-ns-ttl belong to the cut-over: add --domain HOME")
        }
    }

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            if status { return try await MigrationFollowUp.status(engine, zones: zones, services: s, global: global) }
            if resync { return try await MigrationFollowUp.resync(engine, zone: zones[0], yes: yes, global: global) }
            if undo { return try await MigrationFollowUp.undo(engine, zone: zones[0], services: s, yes: yes, global: global) }
            if dnssec { return try await migrateSigned(engine, services: s) }
            if set?.lowercased() == "auto" { return try await copyPlaced(engine, services: s) }
            try await copy(engine, services: s, setId: set!, zones: zones)
        }
    }

    /// `--set auto`: each zone placed (its copy counts as placed once made), then each set's zones copied in turn.
    private func copyPlaced(_ engine: WhiteLabelEngine, services s: Services) async throws {
        var names: [DomainName] = []
        for z in zones {
            if let n = try? DomainName.parse(z, rule: .zoneName), !z.uppercased().hasPrefix("Z") || z.contains(".") { names.append(n); continue }
            names.append(DomainName(trusted: try await s.route53.getHostedZone(id: ResourceID.bare(z)).hostedZone.name))
        }
        let placed = try await SetPlacement.run(names, onlyOurs: true, newSet: newSet, yes: yes, dryRun: plan, services: s, global: global)
        var order: [String] = []
        for p in placed where !order.contains(p.setId) { order.append(p.setId) }
        var failed = false
        // Each set as the placement read it, and the account as the first set's plan read it (with the zones each
        // set's copy made since): no pre-check is asked again per set.
        var account: KnownAccount?
        for setId in order {
            let mine = placed.filter { $0.setId == setId }
            if global.output == .text { Console.out("\nset \(setId): " + mine.map(\.zone.fqdn).joined(separator: " ")) }
            do {
                try await copy(engine, services: s, setId: setId, zones: mine.map(\.zone.fqdn), knownSet: mine.first?.known, account: &account)
            } catch let e as ExitCode where e.rawValue == 1 { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    /// - Parameter account: the account as read so far in this run (nil: read it); on return, as this plan read it
    ///   with the zones its copy made added.
    func copy(_ engine: WhiteLabelEngine, services s: Services, setId: String, zones: [String], knownSet: KnownSet? = nil) async throws {
        var account: KnownAccount?
        try await copy(engine, services: s, setId: setId, zones: zones, knownSet: knownSet, account: &account)
    }

    func copy(_ engine: WhiteLabelEngine, services s: Services, setId: String, zones: [String], knownSet: KnownSet?,
                      account: inout KnownAccount?) async throws {
        let migration = try await engine.planMigration(MigrationRequest(setId: setId, zones: zones, acknowledgeDNSSEC: acknowledgeDNSSEC || dnssec,
                                                                        resolver: s.resolverTarget, queryPort: noDNSCheck ? nil : global.queryPort,
                                                                        knownSet: knownSet, knownAccount: account))
        account = KnownAccount(zones: migration.account, usage: migration.accountUsage)
        let text = global.output == .text
        for n in migration.notes where text { Console.error("note: \(n)") }
        if plan {
            if !text { return try Console.json(MigrationPlanJSON(migration)) }
            for z in migration.zones {
                Console.out(""); Console.out(MigrationRenderer.zone(z, setId: migration.setId, color: Console.useColor).joined(separator: "\n"))
                if listRecords { Console.out(MigrationRenderer.recordLines(z).map { "    " + $0 }.joined(separator: "\n")) }
            }
            return
        }
        var chosen: [ZoneMigration] = []
        for z in migration.zones {
            if z.isDone {
                if text { Console.out("\(z.zoneName): already copied into \(z.targetZoneId!)") }
                chosen.append(z)
                continue
            }
            Console.error(""); Console.error(MigrationRenderer.zone(z, setId: migration.setId, color: Console.stderrColor).joined(separator: "\n"))
            let writes = z.diff.creates.count + z.diff.updates.count
            if try Console.confirm("Copy \(writes) record sets into \(z.targetZoneId == nil ? "a new zone" : "zone \(z.targetZoneId!)") \(z.zoneName) in set \(migration.setId)?", assumeYes: yes) {
                chosen.append(z)
            } else { Console.error("skipped \(z.zoneName)") }
        }
        let results = await MigrationRunner.run(chosen, of: migration, engine: engine, concurrency: concurrency, text: text)
        for (z, r) in zip(chosen, results) where z.targetZoneId == nil {
            guard let id = r.newZoneId else { continue }
            account?.zones.append(HostedZone(id: id, name: z.zoneName, callerReference: z.callerReference, config: HostedZoneConfig(comment: nil, privateZone: false)))
            account?.usage.count += 1
        }
        if !text { try Console.json(MigrationResultsJSON(results)) }
        let failed = results.filter { $0.error != nil || $0.parity?.proven == false }
        if text { Console.out("\nmigrated \(results.count - failed.count) of \(migration.zones.count) zone\(migration.zones.count == 1 ? "" : "s")"
                              + (failed.isEmpty ? "" : "; \(failed.count) not: " + failed.map(\.zone).joined(separator: ", "))) }
        let copied = results.filter { $0.error == nil && $0.parity?.proven == true }.map(\.zone)
        if let domain, !copied.isEmpty {
            try await cutOver(copied, home: domain, engine: engine, services: s)
        } else if text && !copied.isEmpty {
            Console.out("Next: `vanityns migrate --set \(migration.setId) --zone ZONE --domain HOME` switches the new zones to the vanity hosts; "
                        + "`vanityns migrate --status` follows the move.")
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// The old zones' NS TTL lowered (when asked), the new zones switched to the vanity hosts through the engine's
    /// plan (journal, rollback), then the registrar step for each domain.
    private func cutOver(_ copied: [String], home: String, engine: WhiteLabelEngine, services s: Services) async throws {
        if let ttl = oldNSTTL {
            for zone in copied {
                guard let change = try await engine.oldNSTTLChange(zone: zone, ttl: ttl) else {
                    Console.error("\nOld zone \(zone): apex NS TTL already \(ttl) s or lower, left as it is")
                    continue
                }
                Console.error("\nOld zone \(zone): apex NS TTL \(change.before?.ttl.map(String.init) ?? "?") -> \(ttl) (saved; --undo restores it)")
                if try Console.confirm("Lower the old zone's NS TTL?", assumeYes: yes) { try await engine.applyOldNSTTL(zone: zone, change) }
            }
        }
        let homeName = DomainName(trusted: home).fqdn
        let request = VanityRequest(setId: set!, homeDomain: home, hosts: hosts.map(HomeOptions.split),
                                    extraZones: copied.filter { $0 != homeName }, resolver: s.resolverTarget, soaRName: soaRName)
        let vanity = try await engine.plan(request)
        try await ZoneBatches.apply(vanity.zones, of: vanity, engine: engine, yes: yes, global: global)
        let rows = engine.registrarRows(vanity)
        for zone in copied {
            let isHome = zone == homeName
            let zoneRows = isHome ? rows : rows.map { GlueRow(host: $0.host, ipv4: nil, ipv6: nil) }
            if try await Registrar.update(domain: zone, rows: zoneRows, addresses: rows, engine: engine, yes: yes, skipPreflight: skipPreflight,
                                          global: global) { continue }
            if global.output == .text {
                Console.out("\nAt the registrar of \(zone.dropLast()): set the domain's name servers to" + (isHome ? " these hosts, with their glue:\n" : ":\n"))
                Console.out(isHome ? ReportRenderer.registrarTable(rows) : zoneRows.map { "  \($0.host)" }.joined(separator: "\n"))
            }
        }
    }
}

/// Runs the confirmed zones' copies at once (at most `concurrency`), a progress line per event; one zone failing
/// does not stop the others.
enum MigrationRunner {
    struct Result: Sendable { var zone: String; var newZoneId: String?; var parity: ParityReport?; var error: String? }

    static func run(_ zones: [ZoneMigration], of plan: MigrationPlan, engine: WhiteLabelEngine, concurrency: Int, text: Bool) async -> [Result] {
        await Bounded.run(zones, limit: concurrency) { z in
            do {
                let report = try await engine.migrate(z, of: plan) { e in if text { Console.out(MigrationEventFormat.line(e)) } }
                return Result(zone: z.zoneName, newZoneId: report.copyZoneId, parity: report, error: nil)
            } catch {
                if text { Console.out("\(z.zoneName): failed: \(Guarded.message(error))") }
                return Result(zone: z.zoneName, newZoneId: nil, parity: nil, error: Guarded.message(error))
            }
        }.map(\.result)
    }
}

/// One progress line per migration event, prefixed with the zone (the text is `MigrationRenderer.event`'s, shared
/// with the wizard).
enum MigrationEventFormat {
    static func line(_ e: MigrationEvent) -> String { MigrationRenderer.event(e) }
}
