import Foundation
import Route53
import Resolver
@testable import WhiteLabel
import TestSupport

/// A fake account: a reusable set, the home zone example.com in it with a few records, and addresses for the set's
/// name servers in a fake resolver. Each stand has its own state directory.
final class Stand: @unchecked Sendable {
    let r53 = FakeRoute53()
    let dns = FakeDNS()
    let domains = FakeRoute53Domains()
    let setId: String
    let home: String
    var homeZoneId: String = ""
    let stateDir: URL
    let root: URL

    init(home: String = "example.com", createHome: Bool = true) async throws {
        self.home = home
        setId = r53.addSet()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-test-\(UUID().uuidString)")
        stateDir = root.appendingPathComponent("state/vanityns")
        let set = try await r53.getReusableDelegationSet(id: setId)
        for (i, ns) in set.nameServers.enumerated() {
            dns.setAddresses(ns, v4: ["192.0.2.\(i + 1)"], v6: ["2001:db8:0:0::\(i + 1)"])
        }
        if createHome {
            homeZoneId = try await r53.createHostedZone(name: home, callerReference: "setup-home", delegationSetId: setId, comment: nil).hostedZone.id
            _ = try await r53.changeResourceRecordSets(zoneId: homeZoneId, changes: [
                Change(action: .create, resourceRecordSet: ResourceRecordSet(name: "www.\(home).", type: "A", ttl: 300, values: ["198.51.100.7"])),
            ], comment: nil)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func engine(stateDir: URL? = nil, withDomains: Bool = true) -> WhiteLabelEngine {
        WhiteLabelEngine(route53: r53, domains: withDomains ? domains : nil, resolver: dns, stateDirectory: stateDir ?? self.stateDir,
                         clock: .immediate, pollInterval: 0, lookupTimeout: 1)
    }

    func request(hosts: [String]? = nil, extra: [String] = [], createZones: Bool = false) -> VanityRequest {
        VanityRequest(setId: "/delegationset/\(setId)", homeDomain: home, hosts: hosts, extraZones: extra, createZones: createZones)
    }

    func awsNames() async throws -> [String] { try await r53.getReusableDelegationSet(id: setId).nameServers }

    /// Plans and applies every zone.
    @discardableResult
    func applyAll(_ engine: WhiteLabelEngine, _ request: VanityRequest) async throws -> (WhiteLabelPlan, [ApplyEvent]) {
        let plan = try await engine.plan(request)
        let events = EventLog()
        for z in plan.zones { try await engine.apply(z, of: plan, events: events.add) }
        return (plan, events.all)
    }

    /// Plans and applies every zone, then has Route 53 Domains hold the home domain with the vanity hosts and their glue.
    func applyAllWithRegistrar(_ engine: WhiteLabelEngine) async throws {
        let (plan, _) = try await applyAll(engine, request())
        domains.add(home, nameservers: [])
        guard let (_, ns) = try await engine.registrarUpdate(plan: plan) else { throw InputProblem(subject: home, message: "Route 53 Domains does not hold it") }
        try await engine.applyRegistrar(domain: home, nameservers: ns)
    }
}

/// Collects apply events from a `@Sendable` callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ApplyEvent] = []
    func add(_ e: ApplyEvent) { lock.lock(); events.append(e); lock.unlock() }
    var all: [ApplyEvent] { lock.lock(); defer { lock.unlock() }; return events }
}
