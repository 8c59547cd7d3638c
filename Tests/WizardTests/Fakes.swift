import Foundation
import Route53
import Resolver
@testable import WhiteLabel
@testable import Wizard
import Terminal

/// An in-memory Route 53 with a few sets and zones; errors can be injected per operation.
class FakeRoute53: Route53API, @unchecked Sendable {
    let lock = NSLock()
    var sets: [DelegationSet]
    var zones: [(zone: HostedZone, setId: String?)]
    var records: [String: [ResourceRecordSet]] = [:]
    var failures: [String: Route53Error] = [:]
    var pageSize = 2
    var created: [String] = []

    init() {
        sets = [DelegationSet(id: "N0284911Q2UJ8DKK2", callerReference: "a", nameServers: ["ns-1536.awsdns-00.co.uk", "ns-0.awsdns-00.com", "ns-1024.awsdns-00.org", "ns-512.awsdns-00.net"])]
        zones = [(HostedZone(id: "Z1", name: "example.com.", callerReference: "r1", resourceRecordSetCount: 4), "N0284911Q2UJ8DKK2"),
                 (HostedZone(id: "Z2", name: "shop.example.", callerReference: "r2", resourceRecordSetCount: 2), "N0284911Q2UJ8DKK2"),
                 (HostedZone(id: "Z3", name: "other.org.", callerReference: "r3", resourceRecordSetCount: 2), nil)]
        records["Z1"] = (1...5).map { ResourceRecordSet(name: "h\($0).example.com.", type: "A", ttl: 300, values: ["192.0.2.\($0)"]) }
    }
    func fail(_ op: String) throws { if let e = lock.withLock({ failures[op] }) { throw e } }
    func pages<T: Sendable>(_ items: [T], op: String) -> AsyncThrowingStream<[T], Error> {
        let size = pageSize
        let err = failures[op]
        return AsyncThrowingStream { c in
            if let err { c.finish(throwing: err); return }
            var i = 0
            while i < items.count { c.yield(Array(items[i..<min(items.count, i + size)])); i += size }
            if items.isEmpty { c.yield([]) }
            c.finish()
        }
    }

    func createReusableDelegationSet(callerReference: String, hostedZoneId: String?) async throws -> CreatedDelegationSet {
        try fail("CreateReusableDelegationSet")
        return lock.withLock {
            let s = DelegationSet(id: "NNEW\(sets.count)", callerReference: callerReference, nameServers: ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"])
            sets.append(s); created.append(callerReference + "|" + (hostedZoneId ?? ""))
            return CreatedDelegationSet(delegationSet: s, location: nil)
        }
    }
    func getReusableDelegationSet(id: String) async throws -> DelegationSet { sets.first { $0.id == id }! }
    func listReusableDelegationSetPages() -> AsyncThrowingStream<[DelegationSet], Error> { pages(sets, op: "ListReusableDelegationSets") }
    func deleteReusableDelegationSet(id: String) async throws {}
    func getReusableDelegationSetLimit(id: String) async throws -> LimitUsage {
        try fail("GetReusableDelegationSetLimit"); return LimitUsage(count: zones.filter { $0.setId == id }.count, limit: 100)
    }
    func createHostedZone(name: String, callerReference: String, delegationSetId: String?, comment: String?) async throws -> CreatedHostedZone { fatalError() }
    func getHostedZone(id: String) async throws -> HostedZoneDetail {
        try fail("GetHostedZone")
        let (zone, setId) = lock.withLock { zones.first { $0.zone.id == id }! }
        let set = setId.flatMap { sid in lock.withLock { sets.first { $0.id == sid } } }
        lock.withLock { getHostedZoneCalls += 1 }
        return HostedZoneDetail(hostedZone: zone, delegationSet: set ?? DelegationSet(id: nil, callerReference: nil, nameServers: ["ns-9.awsdns-09.com"]))
    }
    var getHostedZoneCalls = 0
    /// ListHostedZones calls with a delegationsetid filter, and pages answered for them.
    var setListings = 0, setListingPages = 0
    /// ListHostedZones calls without a filter (the account's zones), and pages answered for them.
    var accountListings = 0, accountListingPages = 0
    func listHostedZonePages(delegationSetId: String?) -> AsyncThrowingStream<[HostedZone], Error> {
        let items = zones.filter { delegationSetId == nil || $0.setId == delegationSetId.map(ResourceID.bare) }.map(\.zone)
        if delegationSetId != nil {
            lock.withLock { setListings += 1; setListingPages += max(1, (items.count + pageSize - 1) / pageSize) }
        } else {
            lock.withLock { accountListings += 1; accountListingPages += max(1, (items.count + pageSize - 1) / pageSize) }
        }
        return pages(items, op: "ListHostedZones")
    }
    /// ListHostedZonesByName calls (a listing of the account from a name on).
    var byNameListings = 0
    func listHostedZonesByName(dnsName: String?, maxItems: Int) async throws -> [HostedZone] {
        lock.withLock { byNameListings += 1 }
        return zones.map(\.zone)
    }
    func deleteHostedZone(id: String) async throws -> ChangeInfo { fatalError() }
    func listResourceRecordSetPages(zoneId: String) -> AsyncThrowingStream<[ResourceRecordSet], Error> { pages(records[zoneId] ?? [], op: "ListResourceRecordSets") }
    func changeResourceRecordSets(zoneId: String, changes: [Change], comment: String?) async throws -> ChangeInfo { fatalError() }
    func getChange(id: String) async throws -> ChangeInfo { fatalError() }
    func getAccountLimit(_ type: AccountLimitType) async throws -> LimitUsage { try fail("GetAccountLimit"); return LimitUsage(count: sets.count, limit: 100) }
    func getDNSSEC(zoneId: String) async throws -> DNSSECStatus { DNSSECStatus(serveSignature: "NOT_SIGNING", statusMessage: nil) }
    func listTagsForHostedZone(id: String) async throws -> [ResourceTag] { [] }
    func addTagsToHostedZone(id: String, tags: [ResourceTag]) async throws {}
    func listTrafficPolicyInstances(hostedZoneId: String) async throws -> [TrafficPolicyInstance] { [] }
}

/// An engine that plans one glue/NS/SOA batch per zone and records what was applied.
final class FakeEngine: WhiteLabelService, @unchecked Sendable {
    let lock = NSLock()
    var applied: [String] = []
    var unfinished: [String] = []
    var planError: Error?
    /// The home zone lives in another set: its plan is glue only.
    var homeGlueOnly = false
    /// What `hostGroups` answers (nil: the protocol's default, no other set known).
    var groups: HostGroupChoice?

    func hostGroups(homeDomain: String?, setId: String, sets: [DelegationSet], listing: [HostedZone], target: ResolverTarget) async throws -> HostGroupChoice {
        guard let groups else { return HostGroupChoice(taken: [:], suggested: nil) }
        return HostGroupChoice(taken: groups.taken, suggested: homeDomain == nil ? nil : groups.suggested)
    }

    func resolveAddresses(awsNames: [String], vanityHosts: [String], target: ResolverTarget) -> AsyncStream<NameServerAddresses> {
        AsyncStream { c in
            for (i, (a, h)) in zip(awsNames, vanityHosts).enumerated() {
                c.yield(NameServerAddresses(awsName: a, vanityHost: h, ipv4: ["205.251.19\(i).0"], ipv6: i == 2 ? [] : ["2600:9000:530\(i)::1"],
                                            warnings: i == 2 ? ["IPv6: no AAAA record"] : []))
            }
            c.finish()
        }
    }
    func validate(_ request: VanityRequest) async -> [InputProblem] {
        (request.hosts ?? []).filter { !$0.hasSuffix("." + request.homeDomain) }.map {
            InputProblem(subject: $0, message: "is not under \(request.homeDomain)")
        }
    }
    func plan(_ request: VanityRequest) async throws -> WhiteLabelPlan {
        if let planError { throw planError }
        let home = request.homeDomain + "."
        func zone(_ name: String, home: Bool) -> ZonePlan {
            var changes: [PlannedChange] = []
            if home {
                for (i, h) in (request.hosts ?? []).enumerated() {
                    changes.append(PlannedChange(role: .glue, action: .create, before: nil, after: ResourceRecordSet(name: h + ".", type: "A", ttl: 60, values: ["205.251.19\(i).0"])))
                }
            }
            changes.append(PlannedChange(role: .apexNS, action: .upsert, before: ResourceRecordSet(name: name, type: "NS", ttl: 172800, values: ["ns-0.awsdns-00.com."]),
                                         after: ResourceRecordSet(name: name, type: "NS", ttl: 60, values: (request.hosts ?? []).map { $0 + "." })))
            var plan = ZonePlan(zoneName: name, zoneId: "Z", isHome: home, createInSet: false, changes: changes)
            plan.glueOnly = home && homeGlueOnly
            return plan
        }
        let zones = [zone(home, home: true)] + request.extraZones.map { zone($0 + ".", home: false) }
        return WhiteLabelPlan(request: request, setId: request.setId, homeDomain: home, homeDomainUnicode: nil, nameServers: [], zones: zones, warnings: [])
    }
    /// How many more times applying each zone (by name, trailing dot) fails before it succeeds.
    var applyFailures: [String: Int] = [:]
    func apply(_ zone: ZonePlan, of plan: WhiteLabelPlan, events: @escaping @Sendable (ApplyEvent) -> Void) async throws {
        events(.journalSaved(path: "/state/journal-\(zone.zoneName)json"))
        let fails = lock.withLock { () -> Bool in
            guard let n = applyFailures[zone.zoneName], n > 0 else { return false }
            applyFailures[zone.zoneName] = n - 1; return true
        }
        if fails { throw Route53Error.service(code: "PriorRequestNotComplete", message: "The request was rejected because Route 53 was still processing a prior request.", status: 400, requestId: nil) }
        events(.submitted(zoneName: zone.zoneName, changeId: "C1"))
        events(.waiting(zoneName: zone.zoneName, changeId: "C1", status: .pending, elapsedSeconds: 2))
        events(.inSync(zoneName: zone.zoneName, changeId: "C1"))
        lock.withLock { applied.append(zone.zoneName) }
    }
    func unfinishedZones() async -> [String] { unfinished }
    func registrarRows(_ plan: WhiteLabelPlan) -> [GlueRow] {
        (plan.request.hosts ?? []).enumerated().map { GlueRow(host: $0.element, ipv4: "205.251.19\($0.offset).0", ipv6: "2600:9000:530\($0.offset)::1") }
    }
    func verify(homeDomain: String, zones: [String], hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> VerifyReport {
        VerifyReport(rows: (hosts ?? []).flatMap { h in zones.map { VerifyRow(server: h, address: "192.0.2.1", zone: $0, answered: true, authoritative: true, soaMName: h, soaSerial: 1, nsMatches: true, problems: []) } },
                     parentFindings: [], parentProblems: [])
    }
    func checkDrift(homeDomain: String, setId: String?, hosts: [String]?, queryPort: Int, target: ResolverTarget) async throws -> DriftReport { DriftReport(nameServers: [], items: []) }

    /// Migration requests planned, zones migrated; `migrationRefusal` makes `planMigration` throw.
    var migrationRequests: [MigrationRequest] = []
    var migrated: [String] = []
    var migrationRefusal: MigrationRefused?
    var parityDiffers = false
    /// Each zone's copy: three A, a TXT and an alias to the first A, in two batches; a traffic policy record left out.
    func planMigration(_ request: MigrationRequest) async throws -> MigrationPlan {
        lock.withLock { migrationRequests.append(request) }
        // A DNSSEC refusal is what --acknowledge-dnssec gets past.
        if let migrationRefusal, !(migrationRefusal.dnssec && request.acknowledgeDNSSEC) { throw migrationRefusal }
        let zones = request.zones.map { id -> ZoneMigration in
            let name = id + "."
            var records = (1...3).map { ResourceRecordSet(name: "h\($0).\(name)", type: "A", ttl: 300, values: ["192.0.2.\($0)"]) }
            records.append(ResourceRecordSet(name: name, type: "TXT", ttl: 300, values: ["\"v=spf1 -all\""]))
            var alias = ResourceRecordSet(name: "www.\(name)", type: "A", ttl: nil, values: [])
            alias.resourceRecords = nil; alias.aliasTarget = AliasTarget(hostedZoneId: "ZNEW", dnsName: "h1.\(name)", evaluateTargetHealth: false)
            var diff = CopyDiff()
            diff.creates = records + [alias]
            diff.uncopied = [UncopiedRecord(record: "tp.\(name) A", reason: "made by traffic policy instance tpi-1", recreate: "aws route53 create-traffic-policy-instance ...")]
            return ZoneMigration(zoneName: name, sourceZoneId: id, sourceNameServers: ["ns-9.awsdns-09.com"], targetZoneId: nil, callerReference: "vanityns-\(id.prefix(5))",
                                 diff: diff, batches: [records.map { Change(action: .create, resourceRecordSet: $0) }, [Change(action: .create, resourceRecordSet: alias)]],
                                 tagsToAdd: [], sourceRecords: records + [alias], includeDeletes: false, notes: [])
        }
        let usage = SetUsage(count: 2, limit: 100, limitNote: nil)
        return MigrationPlan(setId: request.setId, setNameServers: [], zones: zones, setUsage: usage, accountUsage: usage, notes: [])
    }
    /// Old zones whose apex NS TTL is already low (60 s), and those lowered (by name, trailing dot).
    var lowTTLZones: Set<String> = []
    var loweredTTL: [String] = []
    func oldNSTTLChange(zone: String, ttl: Int) async throws -> PlannedChange? {
        guard !lowTTLZones.contains(zone) else { return nil }
        let ns = ResourceRecordSet(name: zone, type: "NS", ttl: 172800, values: ["ns-9.awsdns-09.com."])
        var after = ns; after.ttl = ttl
        return PlannedChange(role: .apexNS, action: .upsert, before: ns, after: after)
    }
    func applyOldNSTTL(zone: String, _ change: PlannedChange) async throws { lock.withLock { loweredTTL.append(zone) } }
    /// How many more times each zone's copy (by name, trailing dot) fails after creating the zone.
    var migrateFailures: [String: Int] = [:]
    func migrate(_ zone: ZoneMigration, of plan: MigrationPlan, events: @escaping @Sendable (MigrationEvent) -> Void) async throws -> ParityReport {
        let name = zone.zoneName
        events(.zoneCreated(zone: name, zoneId: "ZNEW"))
        let fails = lock.withLock { () -> Bool in
            guard let n = migrateFailures[name], n > 0 else { return false }
            migrateFailures[name] = n - 1; return true
        }
        if fails { throw Route53Error.service(code: "Throttling", message: "Rate exceeded", status: 400, requestId: nil) }
        for (i, b) in zone.batches.enumerated() {
            events(.batchSubmitted(zone: name, index: i + 1, of: zone.batches.count, records: b.count, changeId: "CM\(i + 1)"))
            events(.waiting(zone: name, changeId: "CM\(i + 1)", elapsedSeconds: 1))
            events(.batchInSync(zone: name, index: i + 1, of: zone.batches.count))
        }
        let counts = ["A": 4, "TXT": 1]
        let report = ParityReport(sourceZoneId: zone.sourceZoneId, copyZoneId: "ZNEW", sourceCounts: counts, copyCounts: parityDiffers ? ["A": 4] : counts,
                                  sourceDigest: "0123456789abcdef0123", copyDigest: parityDiffers ? "fedcba9876543210fedc" : "0123456789abcdef0123",
                                  differences: parityDiffers ? [ParityDifference(kind: .missing, record: "\(name) TXT", source: nil, copy: nil)] : [], uncopied: 1)
        events(.parity(zone: name, report))
        lock.withLock { migrated.append(name) }
        return report
    }
}

/// Drives a WizardState synchronously: every command is run to completion and its messages fed back (debounce
/// fires at once), like TCA's TestStore receiving every effect's actions.
struct Harness {
    var state: WizardState
    let runner: WizardRunner
    var commands: [WizardCommand] = []
    let r53: FakeRoute53
    let engine: FakeEngine
    /// What the wizard sends to the terminal outside its frames (OSC 52 copies).
    let outbox = TerminalOutbox()

    init(size: Size = Size(width: 80, height: 24), r53: FakeRoute53 = FakeRoute53(), engine: FakeEngine = FakeEngine(),
         credentialProblem: String? = nil, stateDirectory: URL = FileManager.default.temporaryDirectory,
         registrarLookup: (@Sendable (WhiteLabelPlan) async throws -> [DomainNameserver]?)? = nil,
         registrarLookupDomain: (@Sendable (String) async throws -> [DomainNameserver]?)? = nil,
         registrarApply: @escaping @Sendable (String, [DomainNameserver]) async throws -> Void = { _, _ in },
         resume: ResumeInfo? = nil, mfa: MFABridge? = nil, service: (any WhiteLabelService)? = nil) {
        self.r53 = r53; self.engine = engine
        let ctx = WizardContext(route53: r53, engine: service ?? engine, events: AsyncStream { $0.finish() },
                                account: AccountInfo(profile: "work", keyHint: "…7QX4", credentialSource: "profile work", endpoint: "https://route53.amazonaws.com"),
                                credentialProblem: credentialProblem, stateDirectory: stateDirectory,
                                registrarLookup: registrarLookup, registrarApply: registrarApply, registrarLookupDomain: registrarLookupDomain,
                                resumeInfo: { resume }, mfa: mfa)
        runner = WizardRunner(context: ctx, terminal: outbox, term: "xterm-256color")
        state = WizardState(size: size, account: ctx.account, credentialProblem: credentialProblem, registrarAvailable: registrarLookup != nil, runId: "test")
    }

    mutating func start() async { await execute(state.initialCommands) }

    mutating func send(_ msg: WizardMsg) async { await execute(state.update(msg)) }
    mutating func key(_ k: Key) async { await send(.key(k)) }
    mutating func keys(_ ks: Key...) async { for k in ks { await key(k) } }
    mutating func type(_ s: String) async { for c in s { await key(.char(c)) } }

    mutating func execute(_ cmds: [WizardCommand]) async {
        for c in cmds {
            commands.append(c)
            if case let .debounce(g) = c { await send(.step(VanityHostsStep.Msg.debounceFired(g))); continue }
            let box = MsgBox()
            await runner.run(c) { box.add($0) }
            for m in box.take() { await send(m) }
        }
    }

    var screen: String { state.view().text }
    var lines: [String] { state.view().lines }
    /// The screen as running text: box borders dropped and runs of spaces made one, so a wrapped sentence reads whole.
    var prose: String {
        lines.map { $0.replacingOccurrences(of: "│", with: " ") }.joined(separator: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// A value shared with a @Sendable closure in a test.
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock(); private var stored: T
    init(_ value: T) { stored = value }
    var value: T { get { lock.withLock { stored } } set { lock.withLock { stored = newValue } } }
}

final class MsgBox: @unchecked Sendable {
    let lock = NSLock(); var items: [WizardMsg] = []
    func add(_ m: WizardMsg) { lock.lock(); items.append(m); lock.unlock() }
    func take() -> [WizardMsg] { lock.lock(); defer { lock.unlock() }; return items }
}
