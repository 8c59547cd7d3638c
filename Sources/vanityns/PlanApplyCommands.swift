import ArgumentParser
import Foundation
import Route53
import Resolver
import WhiteLabel

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
    @Flag(name: .customLong("skip-preflight"), help: "Send the registrar update without first checking that every vanity host answers for the domain (risky: a wrong delegation can take the domain offline for up to two days).")
    var skipPreflight = false
    @Flag(help: "Do not ask before each zone's batch.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            let plan = try await engine.plan(target.request(resolver: s.resolverTarget, createZones: createZones))
            if registrarGlue && plan.homeInAnotherSet {
                throw Console.fail("--registrar-glue: the home domain \(plan.homeDomain.dropLast()) lives in another delegation set and keeps its own vanity "
                                   + "hosts as its name servers; set \(plan.setId)'s hosts are not its delegation, so its registrar is not changed. Nothing was "
                                   + "applied: run again without --registrar-glue (each zone of the set is delegated to these hosts at its own registrar)")
            }
            try await ZoneBatches.apply(plan.zones, of: plan, engine: engine, yes: yes, global: global)
            let rows = engine.registrarRows(plan)
            if global.output == .json {
                struct Out: Encodable { var Nameservers: [GlueRow] }
                try Console.json(Out(Nameservers: rows))
            } else if plan.homeInAnotherSet {
                Console.out("\nThe home domain \(plan.homeDomain.dropLast()) keeps its own name servers (another set's vanity hosts). Its zone now also")
                Console.out("serves the addresses of set \(plan.setId)'s hosts; delegate each zone of the set to them at its registrar:\n")
                Console.out(ReportRenderer.registrarTable(rows))
            } else {
                Console.out("\nAt the registrar of \(plan.homeDomain.dropLast()): create these glue records (host objects),")
                Console.out("then set the domain's name servers to them:\n")
                Console.out(ReportRenderer.registrarTable(rows))
            }
            if registrarGlue {
                guard try await Registrar.update(domain: plan.homeDomain, rows: rows, engine: engine, yes: yes, skipPreflight: skipPreflight,
                                                 global: global) else {
                    throw Console.fail("\(plan.homeDomain.dropLast()) is not registered with Route 53 Domains in this account; enter the table above at its registrar")
                }
            }
        }
    }
}

/// Shows, confirms and applies zone batches with progress lines; shared by apply, sync, rollback and finalize.
enum ZoneBatches {
    /// Zones in flight at once. Route 53 takes a batch at once but may take seconds (minutes, on a busy day) to say
    /// INSYNC; waiting for each zone before sending the next made 250 zones take 250 of those waits. The client's
    /// pacer keeps the calls within the account's rate whatever this is.
    static let inFlight = 8

    static func apply(_ zones: [ZonePlan], of plan: WhiteLabelPlan, engine: WhiteLabelEngine, yes: Bool, global: GlobalOptions) async throws {
        let todo = zones.filter { !$0.isEmpty }
        if todo.isEmpty {
            if global.output == .text { Console.out("Nothing to change: every zone is already as planned.") }
            return
        }
        if !yes && !Console.isInteractive && isatty(0) != 1 {
            throw Console.fail("refusing to change anything without confirmation: standard input is not a terminal; rerun with --yes to confirm")
        }
        var confirmed: [ZonePlan] = []
        for (i, zone) in todo.enumerated() {
            if global.output == .text || !yes {
                Console.error("")
                Console.error(PlanRenderer.zone(zone, index: i + 1, of: todo.count, setId: plan.setId, color: Console.stderrColor))
            }
            guard try Console.confirm("Apply this batch to \(zone.zoneName)?", assumeYes: yes) else {
                Console.error("skipped \(zone.zoneName)")
                continue
            }
            confirmed.append(zone)
        }
        let events: @Sendable (ApplyEvent) -> Void = { event in
            if global.output == .text { Console.out(ApplyEventFormat.line(event)) }
        }
        // The home zone first and in sync, so its glue is served before any zone names the vanity hosts; then the
        // others side by side. Each zone keeps its own journal and its own order (batch, then INSYNC).
        for zone in confirmed where zone.isHome { try await engine.apply(zone, of: plan, events: events) }
        try await side(by: confirmed.filter { !$0.isHome }) { try await engine.apply($0, of: plan, events: events) }
    }

    /// Runs `work` for every zone, `inFlight` at a time. After a failure no new zone is started, the ones under way
    /// finish (each stops at a point its journal can resume from), and the first failing zone's error is thrown; the
    /// others' are reported.
    static func side(by zones: [ZonePlan], _ work: @escaping @Sendable (ZonePlan) async throws -> Void) async throws {
        let results = await Bounded.run(zones, limit: inFlight, startMore: { (error: (any Error)?) in error == nil }) { zone -> (any Error)? in
            do { try await work(zone); return nil } catch { return error }
        }
        let failures = results.compactMap { r in r.result.map { (zones[r.index].zoneName, $0) } }
        guard let (_, first) = failures.first else { return }
        for (zone, error) in failures.dropFirst() { Console.error("vanityns: \(zone): " + Guarded.message(error)) }
        throw first
    }
}

/// Route 53 Domains name servers and glue for the home domain, confirmed first.
enum Registrar {
    /// Sets `rows` as the domain's name servers and glue at Route 53 Domains; false when it does not hold the domain.
    /// First the preflight: every vanity host must answer for the domain at the addresses in `addresses` (the glue
    /// rows; for a domain that takes no glue, the home domain's table), else nothing is sent (`skipPreflight`: sent
    /// after a warning naming the risk).
    @discardableResult
    static func update(domain: String, rows: [GlueRow], addresses: [GlueRow]? = nil, engine: WhiteLabelEngine, yes: Bool,
                       skipPreflight: Bool, global: GlobalOptions) async throws -> Bool {
        guard let update = try await engine.registrarUpdate(domain: domain, rows: rows) else { return false }
        let key = { (ns: [DomainNameserver]) in
            Set(ns.map { DomainName(trusted: $0.name).ascii + "=" + ($0.glueIps ?? []).map { $0.lowercased() }.sorted().joined(separator: ",") })
        }
        if key(update.current.nameservers) == key(update.nameservers) {
            if global.output == .text { Console.out("Route 53 Domains already has these name servers and glue for \(update.current.domainName).") }
            return true
        }
        Console.error("\nRoute 53 Domains: \(update.current.domainName)")
        Console.error("  now: " + update.current.nameservers.map(\.name).joined(separator: " "))
        Console.error("  new: " + update.nameservers.map { "\($0.name) (\(($0.glueIps ?? []).joined(separator: ", ")))" }.joined(separator: " "))
        try await preflight(domain: update.current.domainName, hosts: addresses ?? rows, engine: engine, skip: skipPreflight, global: global)
        guard try Console.confirm("Update the registrar's name servers and glue?", assumeYes: yes) else {
            throw Console.fail("registrar not changed")
        }
        do {
            try await engine.applyRegistrar(domain: update.current.domainName, nameservers: update.nameservers) { event in
                if global.output == .text { Console.out(RegistrarEventFormat.line(event)) }
            }
        } catch let e as Route53Error where e.code == "DuplicateRequest" {
            throw stillProcessing(update.current.domainName)
        }
        return true
    }

    /// Route 53 Domains refused an update while an earlier one is in progress (DuplicateRequest): what to do.
    static func stillProcessing(_ domain: String, code: Int32 = 1) -> Error {
        Console.fail("Route 53 Domains is still processing an earlier name server change for \(domain) "
                     + "(DuplicateRequest); run the same command again once that operation has finished (Route 53 Domains console, or "
                     + "`aws route53domains list-operations`)", code: code)
    }

    /// The flag that sends a registrar update without the preflight.
    static let skipFlag = "--skip-preflight"

    /// Runs the delegation preflight; throws (nothing sent) with each failure listed when it fails.
    static func preflight(domain: String, hosts: [GlueRow], engine: WhiteLabelEngine, skip: Bool, global: GlobalOptions) async throws {
        if skip {
            Console.error("warning: \(skipFlag): the vanity hosts were not asked whether they answer for \(domain) before the update; "
                          + DelegationPreflight.risk)
            return
        }
        try report(await engine.delegationPreflight(zone: domain, hosts: hosts, port: global.queryPort), domain: domain, global: global)
    }

    /// Refuses (each failure listed, nothing sent) when `check` failed; else says what passed.
    static func report(_ check: DelegationPreflight, domain: String, global: GlobalOptions) throws {
        guard check.passed else {
            for line in check.refusal(skipFlag: skipFlag) { Console.error(line) }
            throw Console.fail("registrar not changed: \(check.failures.count) preflight answer\(check.failures.count == 1 ? "" : "s") failed (listed above)")
        }
        if global.output == .text {
            Console.out("preflight: \(check.expected == "the vanity hosts" ? "the vanity hosts answer" : "the name servers answer") for \(domain) at every address (\(check.asked) UDP and TCP checks, serial "
                        + check.serials.map(String.init).joined(separator: ", ") + ")")
        }
    }
}
