import Foundation
import Route53
import WhiteLabel
import Terminal

/// Performs wizard commands against the context's client and engine, sending result messages back.
public struct WizardRunner: Sendable {
    public var context: WizardContext
    /// Where OSC 52 sequences go (the driver writes them to the terminal), and the terminal type that decides whether
    /// they can work.
    public var terminal: TerminalOutbox
    public var term: String?
    public init(context: WizardContext, terminal: TerminalOutbox = TerminalOutbox(), term: String? = CopyToUser.term) {
        self.context = context; self.terminal = terminal; self.term = term
    }

    static func result<T: Sendable>(_ body: () async throws -> T) async -> Result<T, UIError> {
        do { return .success(try await body()) } catch { return .failure(UIError(error: error)) }
    }

    /// The public zones served by reusable delegation set `setId`: one ListHostedZones with `delegationsetid`, which
    /// Route 53 answers with exactly the set's zones (no GetHostedZone per zone). `progress` gets (answered, total).
    static func zonesInSet(_ setId: String, route53 r53: any Route53API,
                           progress: @escaping @Sendable (Int, Int) -> Void) async throws -> [HostedZone] {
        let zones = try await r53.listHostedZones(delegationSetId: ResourceID.bare(setId)).filter { $0.config?.privateZone != true }
        progress(zones.count, zones.count)
        return zones
    }

    /// Runs one command to completion.
    public func run(_ command: WizardCommand, send: @escaping @Sendable (WizardMsg) -> Void) async {
        let r53 = context.route53, engine = context.engine
        switch command {
        case .listenForMFA:
            context.mfa?.attach { serial in send(.mfaRequested(serial: serial)) }
        case let .answerMFA(code, serial):
            context.mfa?.answer(code, serial: serial)
        case .loadAccountLimit:
            send(.step(AccountStep.Msg.accountLimit(await Self.result { let u = try await r53.accountSetUsage(); return LimitUsage(count: u.count, limit: u.limit) })))
        case .loadSets:
            send(.step(DelegationSetStep.Msg.setsLoaded(await Self.result { try await r53.listReusableDelegationSets() })))
        case let .loadSetLimit(id):
            send(.step(DelegationSetStep.Msg.setLimit(id: id, await Self.result { let u = try await r53.setUsage(id: id); return LimitUsage(count: u.count, limit: u.limit) })))
        case let .loadHostGroups(home, setId, sets, listing):
            let target = context.resolver
            let r = await Self.result { try await engine.hostGroups(homeDomain: home, setId: setId, sets: sets, listing: listing, target: target) }
            if let home { send(.step(VanityHostsStep.Msg.hostGroups(home: home, r))) } else { send(.step(DelegationSetStep.Msg.hostGroups(r))) }
        case let .createSet(ref, zoneId):
            let dir = context.stateDirectory, key = zoneId.map { "set-from-\(ResourceID.bare($0))" } ?? "set-new"
            send(.step(DelegationSetStep.Msg.setCreated(await Self.result {
                let reference = try PendingCreate.reference(proposed: ref, key: key, directory: dir)
                let set = try await r53.createReusableDelegationSet(callerReference: reference, hostedZoneId: zoneId).delegationSet
                PendingCreate.clear(key: key, directory: dir)
                return set
            })))
        case .loadAllZones:
            send(.allZonesLoaded(await Self.result { try await r53.listHostedZones() }))
        case let .loadSetZones(id):
            send(.step(ZonesStep.Msg.setZonesLoaded(await Self.result {
                try await Self.zonesInSet(id, route53: r53) { send(.step(ZonesStep.Msg.setZonesProgress(done: $0, total: $1))) }
            }, setId: id)))
        case .findResume:
            // Nothing to offer sends nothing (no message, no redraw).
            var info: ResumeInfo?
            if let find = context.resumeInfo { info = await find() } else if let live = engine as? WhiteLabelEngine {
                info = ResumeInfo(entries: await engine.unfinishedZones().compactMap { live.journalEntry(zone: $0) })
            }
            if let info { send(.step(AccountStep.Msg.resumeFound(info))) }
        case let .debounce(g):
            try? await Task.sleep(nanoseconds: 250_000_000)
            send(.step(VanityHostsStep.Msg.debounceFired(g)))
        case let .validate(req, g):
            send(.step(VanityHostsStep.Msg.validated(generation: g, await engine.validate(req))))
        case let .resolve(aws, hosts):
            for await row in engine.resolveAddresses(awsNames: aws, vanityHosts: hosts, target: context.resolver) { send(.step(ReviewStep.Msg.address(row))) }
            send(.step(ReviewStep.Msg.addressesDone))
        case let .plan(req):
            send(.step(PlanStep.Msg.planned(await Self.result { try await engine.plan(req) })))
        case .checkUnfinished:
            send(.step(ApplyStep.Msg.unfinished(await engine.unfinishedZones())))
        case let .apply(zone, plan):
            let name = zone.zoneName
            let r = await Self.result { try await engine.apply(zone, of: plan) { send(.step(ApplyStep.Msg.applyEvent(zone: name, $0))) }; return true }
            send(.step(ApplyStep.Msg.applyFinished(zone: name, r)))
        case var .planMigration(req):
            // The copies' DNS check asks the name servers on the port the wizard was started with.
            if req.queryPort != nil { req.queryPort = context.queryPort }
            var dnssec = false
            let outcome = await Self.result {
                do { return try await engine.planMigration(req) } catch let e as MigrationRefused { dnssec = e.dnssec; throw e }
            }
            send(.step(MigrationFlow.Msg.planned(outcome, dnssec: dnssec)))
        case let .migrate(zone, plan):
            let name = zone.zoneName
            let r = await Self.result { try await engine.migrate(zone, of: plan) { send(.step(MigrationFlow.Msg.event($0))) } }
            send(.step(MigrationFlow.Msg.copied(zone: name, r)))
        case let .oldNSTTLChanges(zones, ttl):
            let r = await Self.result {
                var items: [OldNSTTL.Item] = []
                for z in zones { if let c = try await engine.oldNSTTLChange(zone: z, ttl: ttl) { items.append(OldNSTTL.Item(zone: z, change: c)) } }
                return items
            }
            send(.step(OldNSTTL.Msg.planned(r)))
        case let .lowerOldNSTTL(zone, change):
            let r = await Self.result { try await engine.applyOldNSTTL(zone: zone, change); return true }
            send(.step(OldNSTTL.Msg.lowered(zone: zone, r)))
        case let .registrarLookup(plan):
            guard let lookup = context.registrarLookup else { send(.step(RegistrarStep.Msg.registrarLooked(.success(nil)))); return }
            send(.step(RegistrarStep.Msg.registrarLooked(await Self.result { try await lookup(plan) })))
            send(.step(RegistrarStep.Msg.registrarRows(engine.registrarRows(plan))))
        case let .registrarRows(plan):
            send(.step(RegistrarStep.Msg.registrarRows(engine.registrarRows(plan))))
        case let .registrarApply(domain, ns):
            guard let apply = context.registrarApply else { send(.step(RegistrarStep.Msg.registrarApplied(.failure(UIError("not available"))))); return }
            send(.step(RegistrarStep.Msg.registrarApplied(await Self.result { try await apply(domain, ns); return true })))
        case let .registrarLookupDomain(domain):
            guard let lookup = context.registrarLookupDomain else { send(.step(MigratedRegistrar.Msg.looked(domain: domain, .success(nil)))); return }
            send(.step(MigratedRegistrar.Msg.looked(domain: domain, await Self.result { try await lookup(domain) })))
        case let .registrarApplyMigrated(domain, ns):
            guard let apply = context.registrarApply else { send(.step(MigratedRegistrar.Msg.applied(domain: domain, .failure(UIError("not available"))))); return }
            send(.step(MigratedRegistrar.Msg.applied(domain: domain, await Self.result { try await apply(domain, ns); return true })))
        case let .writeFile(text, prefix, purpose):
            let dir = context.stateDirectory
            let r = await Self.result { try PrivateFile.write(text, directory: dir, name: PrivateFile.stampedName(prefix)) }
            send(purpose == .log ? .logSaved(r) : .step(RegistrarStep.Msg.registrarFileWritten(r)))
        case let .copy(text, what, prefix):
            send(.copied(CopyToUser.perform(text, what: what, prefix: prefix, term: term, outbox: terminal, directory: context.stateDirectory)))
        case let .dnssec(c):
            await SignZonesStep.run(c, context: context, send: send)
        case let .verify(home, zones, hosts):
            let port = context.queryPort, target = context.resolver
            send(.step(VerifyStep.Msg.verified(await Self.result { try await engine.verify(homeDomain: home, zones: zones, hosts: hosts, queryPort: port, target: target) })))
        }
    }
}
