import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// `vanityns retire`: the white-label set-up undone in the order that keeps the domains resolving, each step shown
/// and confirmed, each rerun picking up where the account is.
struct RetireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Undo the white-label set-up: registrar back to the AWS names, wait, zones' NS/SOA back, glue removed, set deleted when empty.",
        discussion: """
        Steps, in this order (a step runs only once the one before it holds; a rerun starts where the account is):
          1. the registrar back to the set's AWS names (Route 53 Domains: after a preflight that every AWS name server \
        answers for the domain, confirmed; for another registrar the names to enter are printed and the command exits 4 \
        until the registry serves them)
          2. every server of the parent zone serving the AWS names, then the parent's NS TTL waited out, since \
        resolvers may hold the vanity delegation until then (exit 5 says when to run again)
          3. each zone of the set: apex NS and the SOA's primary server and contact back to the AWS names
          4. the vanity hosts' A/AAAA glue records deleted from the home zone
          5. the set deleted if it holds no zone (--keep-set leaves it)

        Exit codes: 0 done, 1 failure, 4 waiting for the registrar or the registry, 5 waiting out the parent's NS TTL, 64 usage error.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The reusable delegation set.") var set: String
    @OptionGroup var home: HomeOptions
    @Flag(name: .customLong("keep-set"), help: "Leave the set in place even when it holds no zone.") var keepSet = false
    @Flag(name: .customLong("no-cache-wait"), help: "Do not wait out the parent's NS TTL (resolvers that cached the vanity delegation keep asking the vanity hosts until it runs out).")
    var noCacheWait = false
    @Flag(name: .customLong("skip-preflight"), help: "Send the registrar update without first checking that every AWS name server answers for the domain (risky).")
    var skipPreflight = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        try await Guarded.run(global) { s in
            let engine = s.engine()
            func plan() async throws -> RetirePlan {
                try await engine.retirePlan(setId: set, homeDomain: home.domain, hosts: home.hostList, queryPort: global.queryPort, target: s.resolverTarget)
            }
            var p = try await plan()
            // As registrars take them: no final dot.
            let names = p.awsNames.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.joined(separator: " ")
            // 1. The registrar.
            if p.registrarToChange {
                Console.error("\nstep 1, registrar: Route 53 Domains, \(p.homeDomain)")
                Console.error("  now: " + (p.registrarNow ?? []).joined(separator: " "))
                Console.error("  new: \(names) (no glue: the AWS names are outside the domain)")
                if skipPreflight {
                    Console.error("warning: \(Registrar.skipFlag): the AWS name servers were not asked whether they answer for \(p.homeDomain) "
                                  + "before the update; " + DelegationPreflight.risk)
                } else {
                    try Registrar.report(await engine.retirePreflight(p, port: global.queryPort, target: s.resolverTarget),
                                         domain: DomainName(trusted: p.homeDomain).ascii, global: global)
                }
                guard try Console.confirm("Set the domain's name servers back to the AWS names?", assumeYes: yes) else { throw Console.fail("nothing was changed") }
                do {
                    try await engine.applyRegistrar(domain: p.homeDomain, nameservers: p.awsNames.map { DomainNameserver(name: $0, glueIps: nil) }) { event in
                        if global.output == .text { Console.out(RegistrarEventFormat.line(event)) }
                    }
                } catch let e as Route53Error where e.code == "DuplicateRequest" {
                    // A run cut short after sending it: the first update is still in progress.
                    throw Registrar.stillProcessing(DomainName(trusted: p.homeDomain).ascii, code: 4)
                }
                p = try await plan()
            } else if p.registrarNow != nil {
                Console.out("step 1, registrar: Route 53 Domains already has the AWS names")
            }
            // 2. The parent's servers, then their NS TTL.
            guard !p.registry.answers.isEmpty else {
                throw Console.fail("step 2, parent: cannot ask the servers of \(p.homeDomain)'s parent zone (\(p.registry.note ?? "no answer")); "
                                   + "nothing after the registrar was changed")
            }
            let notYet = p.parentNotYet
            if !notYet.isEmpty {
                Console.out("step 2, parent: \(notYet.count) of \(p.registry.answers.count) parent server(s) do not serve the AWS names yet:")
                for line in notYet { Console.out("  \(line)") }
                if p.registrarNow == nil { Console.out("  at the domain's registrar, set its name servers to: \(names) (no glue)") }
                throw Console.fail("waiting for the registry: run `vanityns retire` again once it serves \(names)", code: 4)
            }
            if let until = p.cachesExpireAt, until > Date(), !noCacheWait {
                let f = ISO8601DateFormatter()
                Console.out("step 2, parent: every parent server serves the AWS names since \(f.string(from: p.parentSeenAt!)); resolvers may hold the "
                            + "vanity delegation for its TTL (\(p.registry.ttl ?? 172800) s)")
                throw Console.fail("waiting out the parent's NS TTL: run `vanityns retire` again after \(f.string(from: until))", code: 5)
            }
            Console.out("step 2, parent: every parent server serves the AWS names" + (noCacheWait ? " (TTL not waited out: --no-cache-wait)" : ""))
            // 3. The zones.
            let plan3 = WhiteLabelEngine.maintenancePlan(homeDomain: p.homeDomain, setId: p.setId, zones: p.zones)
            if p.zones.isEmpty { Console.out("step 3, zones: every zone of the set has the AWS names") }
            else { try await ZoneBatches.apply(p.zones, of: plan3, engine: engine, yes: yes, global: global) }
            p = try await plan()
            guard p.zones.isEmpty else {
                throw Console.fail("step 3, zones: \(p.zones.count) zone(s) still name the vanity hosts (\(p.zones.map(\.zoneName).joined(separator: ", "))); "
                                   + "the glue stays until they do")
            }
            // 4. The glue.
            if let glue = p.glue {
                try await ZoneBatches.apply([glue], of: WhiteLabelEngine.maintenancePlan(homeDomain: p.homeDomain, setId: p.setId, zones: [glue]),
                                            engine: engine, yes: yes, global: global)
                p = try await plan()
                if p.glue != nil { throw Console.fail("step 4, glue: the vanity hosts' records are still in \(p.homeDomain)") }
            } else {
                Console.out("step 4, glue: no vanity host records left in \(p.homeDomain)")
            }
            // 5. The set.
            if p.zonesInSet > 0 || keepSet {
                Console.out("step 5, set: \(p.setId) kept" + (p.zonesInSet > 0 ? " (it serves \(p.zonesInSet) zone(s) on the AWS names)" : " (--keep-set)"))
            } else if try Console.confirm("Delete the empty reusable delegation set \(p.setId)?", assumeYes: yes) {
                try await engine.deleteEmptySet(p.setId)
                Console.out("step 5, set: \(p.setId) deleted")
            }
            Console.out("retired: \(p.homeDomain) and the set's zones are on the AWS names \(names)")
        }
    }
}
