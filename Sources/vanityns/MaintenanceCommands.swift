import ArgumentParser
import Foundation
import Route53
import Resolver
import WhiteLabel

/// `vanityns verify`: ask the vanity hosts directly.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Ask each vanity host directly for every served zone's SOA and NS; exit 2 when something does not hold.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(name: .customLong("zone"), help: "A further served zone (repeatable).") var zones: [String] = []

    func run() async throws {
        try await Guarded.run(global) { s in
            let report = try await s.engine().verify(homeDomain: home.domain, zones: zones, hosts: home.hostList, queryPort: global.queryPort, target: s.resolverTarget)
            if global.output == .json { try Console.json(VerifyJSON(report)) } else { Console.out(ReportRenderer.verifyTable(report, color: Console.useColor)) }
            if !report.passed { throw ExitCode(2) }
        }
    }
}

/// `vanityns check`: drift between recorded glue and the name servers' current addresses.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare the glue records with the name servers' current addresses; exit 3 on drift (for cron).",
        discussion: "With --output nagios: one monitoring-plugin status line (VANITYNS OK|WARNING|CRITICAL|UNKNOWN - summary | perfdata), exit 0 OK, 1 WARNING (some place could not be compared), 2 CRITICAL (stale glue), 3 UNKNOWN (the check could not run).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(help: "The delegation set (default: the home zone's).") var set: String?

    func run() async throws {
        try await Guarded.run(global, plugin: true) { s in
            let report = try await s.engine().checkDrift(homeDomain: home.domain, setId: set, hosts: home.hostList, queryPort: global.queryPort,
                                                         target: s.resolverTarget)
            if global.output == .nagios { return try PluginOutput.finish(PluginOutput.check(report, domain: home.domain)) }
            if global.output == .json { try Console.json(DriftJSON(report)) } else { Console.out(ReportRenderer.driftLines(report)) }
            if report.hasDrift { throw ExitCode(3) }
        }
    }
}

/// `vanityns sync`: repair drift wherever vanityns can, and say what is left for another registrar.
struct SyncCommand: AsyncParsableCommand {
    /// The exit code meaning "the registry still serves old glue: enter the table at the domain's registrar".
    static let registrarActionNeeded: Int32 = 4

    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Bring the glue in line with the name servers' current addresses: Route 53's records, Route 53 Domains' glue, and the table for any other registrar.",
        discussion: "Exit codes: 0 every place repaired (or nothing to do), 4 the registry still serves old glue and the domain is at another registrar: enter the printed table there and run sync or check again.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(help: "The delegation set (default: the home zone's).") var set: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Flag(name: .customLong("skip-preflight"), help: "Send the registrar update without first checking that every vanity host answers for the domain (risky).")
    var skipPreflight = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            // 1. Route 53's own glue records.
            if let zone = try await engine.syncPlan(homeDomain: home.domain, setId: set, hosts: home.hostList, target: s.resolverTarget), !zone.isEmpty {
                let plan = WhiteLabelEngine.maintenancePlan(homeDomain: home.domain, setId: set ?? "", zones: [zone])
                try await ZoneBatches.apply([zone], of: plan, engine: engine, yes: yes, global: global)
            } else if global.output == .text {
                Console.out("Route 53: the glue records match the name servers' addresses.")
            }
            // 2. What the registrar and the registry hold, compared afresh.
            let report = try await engine.checkDrift(homeDomain: home.domain, setId: set, hosts: home.hostList, queryPort: global.queryPort,
                                                     target: s.resolverTarget)
            for n in report.notes where global.output == .text { Console.out("note: \(n)") }
            let rows = report.glueRows
            if report.items.contains(where: { $0.location == "route53domains" }) {
                try await Registrar.update(domain: home.domain, rows: rows, engine: engine, yes: yes, skipPreflight: skipPreflight, global: global)
            }
            let stale = report.registryItems
            guard !stale.isEmpty else {
                if global.output == .text { Console.out("The registry serves the current glue.") }
                return
            }
            if report.heldByRoute53Domains == true {
                // Route 53 Domains has (now) the right glue; the registry publishes it on its own schedule.
                if global.output == .text { Console.out("Route 53 Domains holds the current glue; the registry has not published it yet: run `vanityns check` later.") }
                return
            }
            Console.out("\nThe registry still serves old glue for \(home.domain):")
            for i in stale { Console.out("  \(i.location): \(i.host) \(i.type) \(i.recorded.isEmpty ? "none" : i.recorded.joined(separator: " ")), now \(i.current.joined(separator: " "))") }
            Console.out("\nAt the registrar of \(home.domain), update these glue records (host objects):\n")
            Console.out(ReportRenderer.registrarTable(rows))
            throw ExitCode(Self.registrarActionNeeded)
        }
    }
}

/// `vanityns rollback`: restore a zone's NS and SOA from the journal.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Restore a zone's NS and SOA exactly as they were before apply.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The zone to roll back.") var zone: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            let zonePlan = try await engine.rollbackPlan(zone: zone)
            let entry = engine.journalEntry(zone: zone)
            let plan = WhiteLabelEngine.maintenancePlan(homeDomain: zonePlan.zoneName, setId: entry?.setId ?? "", zones: [zonePlan])
            try await ZoneBatches.apply([zonePlan], of: plan, engine: engine, yes: yes, global: global)
        }
    }
}

/// `vanityns finalize`: raise TTLs once verify passes.
struct FinalizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finalize", abstract: "Raise the NS TTL and SOA minimum once verify passes.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(name: .customLong("zone"), help: "A further served zone (repeatable).") var zones: [String] = []
    @Option(name: .customLong("ns-ttl"), help: "NS record TTL in seconds.") var nsTTL: Int = 172800
    @Option(name: .customLong("soa-minimum"), help: "SOA minimum (negative caching TTL) in seconds.") var soaMinimum: Int = 900
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        guard (60...2_147_483_647).contains(nsTTL) else { throw ValidationError("--ns-ttl must be at least 60 seconds") }
        guard (0...2_147_483_647).contains(soaMinimum) else { throw ValidationError("--soa-minimum must not be negative") }
    }

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            let report = try await engine.verify(homeDomain: home.domain, zones: zones, hosts: home.hostList, queryPort: global.queryPort, target: s.resolverTarget)
            guard report.passed else {
                Console.error(ReportRenderer.verifyTable(report, color: false))
                throw Console.fail("verify does not pass yet; finalize raises TTLs only once every vanity host answers correctly")
            }
            let zonePlans = try await engine.finalizePlan(homeDomain: home.domain, zones: zones, nsTTL: nsTTL, soaMinimum: soaMinimum, hosts: home.hostList)
            let plan = WhiteLabelEngine.maintenancePlan(homeDomain: home.domain, setId: "", zones: zonePlans)
            try await ZoneBatches.apply(zonePlans, of: plan, engine: engine, yes: yes, global: global)
        }
    }
}
