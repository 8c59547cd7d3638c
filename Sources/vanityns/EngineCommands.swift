import ArgumentParser
import Foundation
import Route53
import Resolver
import WhiteLabel

/// The home domain and its vanity hosts: what every white-label command is about.
struct HomeOptions: ParsableArguments {
    @Option(help: "The home domain, which holds the vanity hosts (example.com).") var domain: String
    @Option(help: "Vanity host names in the set's name server order, comma-separated (default ns1..ns4.DOMAIN).")
    var hosts: String?

    var hostList: [String]? {
        hosts.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

/// What identifies a white-label set-up: the set, the home domain and hosts, and the further served zones.
struct TargetOptions: ParsableArguments {
    @Option(help: "The reusable delegation set (ID, with or without /delegationset/).") var set: String
    @OptionGroup var home: HomeOptions
    @Option(name: .customLong("zone"), help: "A further zone to serve from the vanity hosts (repeatable).")
    var zones: [String] = []

    func request(resolver: ResolverTarget, createZones: Bool = false) -> VanityRequest {
        VanityRequest(setId: set, homeDomain: home.domain, hosts: home.hostList, extraZones: zones, createZones: createZones, resolver: resolver)
    }
}

/// `vanityns plan`: every change the procedure needs, nothing changed.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show every change needed (current -> new); changes nothing.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: TargetOptions
    @Flag(name: .customLong("create-zones"), help: "Plan creating served zones missing from the set.") var createZones = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let plan = try await s.engine().plan(target.request(resolver: s.resolverTarget, createZones: createZones))
            if global.output == .json { return Console.out(PlanRenderer.json(plan)) }
            Console.out(PlanRenderer.text(plan, color: Console.useColor))
        }
    }
}

/// `vanityns apply`: the plan, zone by zone, home zone first, each batch confirmed.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the plan zone by zone (home zone first), saving replaced values to the journal first.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: TargetOptions
    @Flag(name: .customLong("create-zones"), help: "Create served zones missing from the set first.") var createZones = false
    @Flag(name: .customLong("registrar-glue"), help: "Also set the domain's name servers and glue at Route 53 Domains.") var registrarGlue = false
    @Flag(help: "Do not ask before each zone's batch.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            let plan = try await engine.plan(target.request(resolver: s.resolverTarget, createZones: createZones))
            try await ZoneBatches.apply(plan.zones, of: plan, engine: engine, yes: yes, global: global)
            let rows = engine.registrarRows(plan)
            if global.output == .json {
                struct Out: Encodable { var Nameservers: [GlueRow] }
                try Console.json(Out(Nameservers: rows))
            } else {
                Console.out("\nAt the registrar of \(plan.homeDomain.dropLast()): create these glue records (host objects),")
                Console.out("then set the domain's name servers to them:\n")
                Console.out(ReportRenderer.registrarTable(rows))
            }
            if registrarGlue { try await Registrar.update(plan, engine: engine, yes: yes, global: global) }
        }
    }
}

/// Shows, confirms and applies zone batches with progress lines; shared by apply, sync, rollback and finalize.
enum ZoneBatches {
    static func apply(_ zones: [ZonePlan], of plan: WhiteLabelPlan, engine: WhiteLabelEngine, yes: Bool, global: GlobalOptions) async throws {
        let todo = zones.filter { !$0.isEmpty }
        if todo.isEmpty {
            if global.output == .text { Console.out("Nothing to change: every zone is already as planned.") }
            return
        }
        if !yes && !Console.isInteractive && isatty(0) != 1 {
            throw Console.fail("refusing to change anything without confirmation: standard input is not a terminal; rerun with --yes to confirm")
        }
        for (i, zone) in todo.enumerated() {
            if global.output == .text || !yes {
                Console.error("")
                Console.error(PlanRenderer.zone(zone, index: i + 1, of: todo.count, setId: plan.setId, color: Console.stderrColor))
            }
            guard try Console.confirm("Apply this batch to \(zone.zoneName)?", assumeYes: yes) else {
                Console.error("skipped \(zone.zoneName)")
                continue
            }
            try await engine.apply(zone, of: plan) { event in
                if global.output == .text { Console.out(ApplyEventFormat.line(event)) }
            }
        }
    }
}

/// Route 53 Domains name servers and glue for the home domain, confirmed first.
enum Registrar {
    static func update(_ plan: WhiteLabelPlan, engine: WhiteLabelEngine, yes: Bool, global: GlobalOptions) async throws {
        guard let update = try await engine.registrarUpdate(plan: plan) else {
            throw Console.fail("\(plan.homeDomain.dropLast()) is not registered with Route 53 Domains in this account; enter the table above at its registrar")
        }
        let key = { (ns: [DomainNameserver]) in
            Set(ns.map { DomainName(trusted: $0.name).ascii + "=" + ($0.glueIps ?? []).map { $0.lowercased() }.sorted().joined(separator: ",") })
        }
        if key(update.current.nameservers) == key(update.nameservers) {
            if global.output == .text { Console.out("Route 53 Domains already has these name servers and glue for \(update.current.domainName).") }
            return
        }
        Console.error("\nRoute 53 Domains: \(update.current.domainName)")
        Console.error("  now: " + update.current.nameservers.map(\.name).joined(separator: " "))
        Console.error("  new: " + update.nameservers.map { "\($0.name) (\(($0.glueIps ?? []).joined(separator: ", ")))" }.joined(separator: " "))
        guard try Console.confirm("Update the registrar's name servers and glue?", assumeYes: yes) else {
            throw Console.fail("registrar not changed")
        }
        try await engine.applyRegistrar(domain: update.current.domainName, nameservers: update.nameservers) { event in
            if global.output == .text { Console.out(RegistrarEventFormat.line(event)) }
        }
    }
}

/// One progress line per registrar event.
enum RegistrarEventFormat {
    static func line(_ e: RegistrarEvent) -> String {
        switch e {
        case let .submitted(id): return "registrar: operation \(id) submitted"
        case let .status(id, status, elapsed): return String(format: "registrar: operation %@ %@ after %.0f s", id, status.rawValue, elapsed)
        case let .finished(id, status): return "registrar: operation \(id) \(status.rawValue)"
        }
    }
}

/// One progress line per apply event.
enum ApplyEventFormat {
    static func line(_ e: ApplyEvent) -> String {
        switch e {
        case let .journalSaved(path): return "journal saved: \(path)"
        case let .zoneCreated(name, id): return "created zone \(name) (\(id))"
        case let .submitted(name, change): return "submitted \(name): change \(change)"
        case let .waiting(name, _, status, elapsed): return String(format: "waiting for %@: %@ after %.0f s", name, status.rawValue, elapsed)
        case let .inSync(name, _): return "\(name) is in sync"
        case let .alreadyDone(name): return "\(name): already as planned"
        }
    }
}

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
        abstract: "Compare the glue records with the name servers' current addresses; exit 3 on drift (for cron).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(help: "The delegation set (default: the home zone's).") var set: String?

    func run() async throws {
        try await Guarded.run(global) { s in
            let report = try await s.engine().checkDrift(homeDomain: home.domain, setId: set, hosts: home.hostList, target: s.resolverTarget)
            if global.output == .json { try Console.json(DriftJSON(report)) } else { Console.out(ReportRenderer.driftLines(report)) }
            if report.hasDrift { throw ExitCode(3) }
        }
    }
}

/// `vanityns sync`: repair drift.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Bring the glue records in line with the name servers' current addresses.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var home: HomeOptions
    @Option(help: "The delegation set (default: the home zone's).") var set: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            guard let zone = try await engine.syncPlan(homeDomain: home.domain, setId: set, hosts: home.hostList, target: s.resolverTarget), !zone.isEmpty else {
                return Console.out("No drift: the glue records match the name servers' addresses.")
            }
            let plan = WhiteLabelEngine.maintenancePlan(homeDomain: home.domain, setId: set ?? "", zones: [zone])
            try await ZoneBatches.apply([zone], of: plan, engine: engine, yes: yes, global: global)
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

/// `verify --output json`.
struct VerifyJSON: Encodable {
    struct Row: Encodable {
        var server: String, address: String, zone: String, answered: Bool, authoritative: Bool
        var soaMName: String?, soaSerial: UInt32?, nsMatches: Bool, problems: [String]
    }
    var passed: Bool
    var rows: [Row]
    var parentFindings: [String]
    var parentProblems: [String]
    init(_ r: VerifyReport) {
        passed = r.passed
        rows = r.rows.map { Row(server: $0.server, address: $0.address, zone: $0.zone, answered: $0.answered, authoritative: $0.authoritative,
                                soaMName: $0.soaMName, soaSerial: $0.soaSerial, nsMatches: $0.nsMatches, problems: $0.problems) }
        parentFindings = r.parentFindings; parentProblems = r.parentProblems
    }
}

/// `check --output json`, for monitoring.
struct DriftJSON: Encodable {
    struct NameServer: Encodable { var awsName: String, vanityHost: String, ipv4: [String], ipv6: [String], warnings: [String] }
    var drift: Bool
    var items: [DriftItem]
    var nameServers: [NameServer]
    init(_ r: DriftReport) {
        drift = r.hasDrift; items = r.items
        nameServers = r.nameServers.map { NameServer(awsName: $0.awsName, vanityHost: $0.vanityHost, ipv4: $0.ipv4 ?? [], ipv6: $0.ipv6 ?? [], warnings: $0.warnings) }
    }
}
