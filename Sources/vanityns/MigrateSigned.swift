import ArgumentParser
import Foundation
import Route53
import Resolver
import WhiteLabel

/// `migrate --dnssec`: a signed zone moved into the set in the order that keeps it resolving for validating
/// resolvers: (1) go insecure, (2) stop signing the old zone (both as `dnssec disable` does), (3) copy and cut over
/// (the migration), (4) sign the copy (as `dnssec enable` does, with the old zone's KMS key or `--kms-key`), (5)
/// publish the copy's DS once every parent server delegates to it and the old delegation's TTL has passed. Every
/// step is recorded in the state directory when done (`SignedMigration`): a rerun, after a kill too, starts at the
/// first step not done, and each step checks the world before it acts.
extension MigrateCommand {
    func migrateSigned(_ engine: WhiteLabelEngine, services s: Services) async throws {
        let clients = s.dnssecClients(global)
        let all = try await s.route53.listHostedZones()
        for text in zones {
            let name = all.first(where: { $0.id == ResourceID.bare(text) })?.name ?? DomainName(trusted: text).fqdn
            try await migrateSigned(name, all: all, engine: engine, clients: clients, services: s)
        }
    }

    private func migrateSigned(_ name: String, all: [HostedZone], engine: WhiteLabelEngine, clients: DNSSECClients, services s: Services) async throws {
        let bare = String(name.dropLast())
        let rerun = "vanityns migrate --dnssec --set \(set!) --zone \(bare) --domain \(domain!)"
        let known = engine.signedMigration(zone: name)
        // Pre-checks, reads only, before anything is removed: the copy's plan (the set, room, conflicts), the old
        // zone and the KMS key the copy will be signed with.
        var sourceId = known?.sourceZoneId
        if (known?.done ?? .insecure) < .cutOver {
            let migration = try await engine.planMigration(MigrationRequest(setId: set!, zones: [bare], acknowledgeDNSSEC: true,
                                                                            resolver: s.resolverTarget, queryPort: noDNSCheck ? nil : global.queryPort))
            sourceId = sourceId ?? migration.zones.first?.sourceZoneId
        }
        guard let sourceId, let source = all.first(where: { $0.id == sourceId }) else {
            throw InputProblem(subject: "--zone \(bare)", message: "no hosted zone of this account outside the set is called \(bare)")
        }
        let detail = try await clients.route53.getDNSSECDetail(zoneId: sourceId)
        let oldKey = (detail.keySigningKeys.first { $0.status == "ACTIVE" } ?? detail.keySigningKeys.first)?.kmsArn
        guard let arn = kmsKey ?? known?.kmsArn ?? oldKey else {
            throw InputProblem(subject: "--zone \(bare)", message: "the old zone has no key-signing key whose KMS key the copy could use: give --kms-key ARN")
        }
        do {
            _ = try await engine.dnssecEnablePlan(zones: [sourceId], kmsKey: arn, createKey: false, clients: clients)
        } catch let e as DNSSECRefused {
            throw Console.fail("the copy of \(bare) cannot be signed with KMS key \(arn); nothing was changed:\n" + e.description
                               + "\n(give another key with --kms-key ARN)")
        }
        var state = known ?? SignedMigration(zoneName: name, sourceZoneId: sourceId, kmsArn: arn, updatedAt: Date())
        state.kmsArn = arn
        Console.out("\(bare): migration of a signed zone into set \(set!), the copy signed with \(arn):")
        Console.out(state.lines.joined(separator: "\n"))
        guard try Console.confirm("Run these steps for \(bare) (each change is shown as it comes)?", assumeYes: yes) else { throw Console.fail("nothing was changed") }
        try engine.saveSignedMigration(state)

        /// Runs `step` unless done, then records it; a stop records what the next run waits for.
        func run(_ step: SignedMigration.Step, _ body: () async throws -> Void) async throws {
            if let done = state.done, step <= done { return }
            Console.out("\nstep \(step.rawValue) of 5, \(bare): \(step.title)")
            do { try await body() } catch let e as ExitCode {
                state.waiting = e.rawValue == 4 ? "the registrar is to act (exit 4): see the last run's output, then run `\(rerun)` again"
                    : e.rawValue == 5 ? "a TTL to wait out (exit 5): run `\(rerun)` again later" : "the last run failed (exit \(e.rawValue))"
                try? engine.saveSignedMigration(state)
                throw e
            }
            state.done = step; state.waiting = nil
            try engine.saveSignedMigration(state)
        }
        // The DS TTL the parent gave while it served the DS is the one to wait out once it is gone (a rerun no longer sees it).
        if (state.done ?? .insecure) < .unsigned, let seen = await engine.parentDSTTL(of: name, port: global.queryPort, target: s.resolverTarget) {
            state.dsTTL = max(seen, state.dsTTL ?? 0)
            try engine.saveSignedMigration(state)
        }
        let waits = DNSSECSteps.Waits(dsWait: dsWait, maxWait: maxWait, dsTTL: state.dsTTL ?? dsTTL)
        try await run(.insecure) {
            try await DNSSECSteps.unsign(source, waits, force: false, yes: yes, rerun: rerun, engine: engine, clients: clients, services: s, global: global)
        }
        try await run(.unsigned) {
            if try await clients.route53.getDNSSECDetail(zoneId: sourceId).signing {
                try await engine.unsignZone(zoneId: sourceId, zoneName: name, clients: clients, progress: dnssecProgress(global))
            }
        }
        try await run(.cutOver) { try await copy(engine, services: s, setId: set!, zones: [name]) }
        guard let copyId = engine.migrationJournal(zone: name)?.targetZoneId else { throw Console.fail("\(bare): no copy recorded in the state directory") }
        try await run(.signed) {
            let plan = try await engine.dnssecEnablePlan(zones: [copyId], kmsKey: arn, createKey: false, clients: clients)
            let ksk = try await engine.signZone(plan.zones[0], kmsArn: arn, clients: clients, progress: dnssecProgress(global))
            Console.out("\(bare): the copy \(copyId) signs (key tag \(ksk.keyTag))")
        }
        try await run(.published) {
            // The copy's DS only once resolvers can no longer reach the old, unsigned zone through a cached delegation.
            let st = try await engine.migrationStatus(zone: name, queryPort: global.queryPort, target: s.resolverTarget)
            guard st.delegation == .new, let since = st.journal.parentSeenNewAt else {
                throw Console.fail("\(bare): the parent does not delegate to the copy yet (\(st.delegation.rawValue)): set the name servers at the "
                                   + "registrar (printed above), then run `\(rerun)` again", code: 4)
            }
            let until = since.addingTimeInterval(Double(st.parentTTL ?? 172_800)), left = until.timeIntervalSinceNow
            if left > maxWait {
                throw Console.fail("\(bare): resolvers may keep the old delegation for its TTL (\(st.parentTTL ?? 172_800) s): run `\(rerun)` again after "
                                   + ISO8601DateFormatter().string(from: until), code: 5)
            }
            if left > 0 {
                Console.out("  \(bare): waiting out the old delegation's TTL (\(Int(left.rounded(.up))) s left)")
                try await Task.sleep(nanoseconds: UInt64(left * 1e9))
            }
            let copyDetail = try await clients.route53.getDNSSECDetail(zoneId: copyId)
            guard let ksk = copyDetail.keySigningKeys.first(where: { $0.name == DNSSECKeyRules.kskName && $0.status == "ACTIVE" }) else {
                throw Console.fail("\(bare): the copy \(copyId) has no active key-signing key \(DNSSECKeyRules.kskName)")
            }
            let behind = try await DNSSECSteps.publishDS(zoneName: name, ksk: ksk, publication: await engine.dsPublication(zoneName: name), dsWait: dsWait,
                                                         yes: yes, rerun: rerun, engine: engine, clients: clients, services: s, global: global)
            if !behind.isEmpty {
                throw Console.fail("\(bare): \(behind.count) parent server address(es) do not serve the copy's DS yet: run `\(rerun)` again once the "
                                   + "registrar has it", code: 4)
            }
        }
        Console.out("\(bare): migrated and signed; every parent server serves the copy's DS")
    }
}
