import Foundation
import Resolver

/// What one server of a parent zone says about a child's delegation.
public struct ParentAnswer: Sendable, Equatable {
    /// The parent server's host name with the trailing dot (`a.gtld-servers.net.`).
    public var server: String
    public var address: String
    public var outcome: DelegationOutcome
    public init(server: String, address: String, outcome: DelegationOutcome) {
        self.server = server; self.address = address; self.outcome = outcome
    }
    /// `parent server a.gtld-servers.net. (192.5.6.30)`.
    public var label: String { "parent server \(server) (\(address))" }
    /// The delegation, when the server gave one.
    public var delegation: Delegation? { if case let .delegation(d) = outcome { return d }; return nil }
}

/// The registry's view of one zone: every authoritative server of its parent (each IPv4 and IPv6 address), asked for
/// the zone's delegation. This is what resolvers are handed, whoever the registrar is.
public struct RegistryView: Sendable, Equatable {
    public var zone: DomainName
    public var parent: DomainName?
    public var answers: [ParentAnswer]
    /// Why the parent's servers could not be asked at all (not found, no address).
    public var note: String?

    /// The NS sets the parent's servers hand out, each once (one entry when they agree).
    public var delegatedSets: [Set<String>] {
        var sets: [Set<String>] = []
        for d in answers.compactMap(\.delegation) {
            let s = Set(d.nameServers.map(Canonical.name))
            if !sets.contains(s) { sets.append(s) }
        }
        return sets
    }

    /// The shortest NS TTL any parent server gave: how long resolvers may keep the old delegation.
    public var ttl: UInt32? { answers.compactMap { $0.delegation?.ttl }.min() }
}

extension WhiteLabelEngine {
    /// Each name's IPv4 and IPv6 addresses through `target`, every lookup at once, in the order of `names`.
    func addressesOf(_ names: [String], target: ResolverTarget) async -> [[String]] {
        let resolver = self.resolver, timeout = lookupTimeout
        return await withTaskGroup(of: (Int, [String]).self) { group in
            for (i, name) in names.enumerated() {
                group.addTask {
                    async let v4 = resolver.query(name, type: .a, target: target, timeout: timeout)
                    async let v6 = resolver.query(name, type: .aaaa, target: target, timeout: timeout)
                    return (i, Self.interpret(await v4, type: .a).0 + Self.interpret(await v6, type: .aaaa).0)
                }
            }
            var out = Array(repeating: [String](), count: names.count)
            for await (i, addrs) in group { out[i] = addrs }
            return out
        }
    }

    /// Asks every server of `zone`'s parent zone for its delegation, all in parallel: the parent's NS through
    /// `target`, their addresses, then one referral query per address at `port`. A server that never answers costs
    /// one timeout, not one per question.
    public func registryView(of zone: DomainName, port: Int, target: ResolverTarget) async -> RegistryView {
        guard let parent = zone.parent else {
            return RegistryView(zone: zone, parent: nil, answers: [], note: "\(zone.ascii) has no parent zone to ask")
        }
        let resolver = self.resolver, timeout = lookupTimeout
        let ns = await resolver.query(parent.ascii, type: .ns, target: target, timeout: timeout)
        guard case let .answer(servers, _) = ns, !servers.isEmpty else {
            return RegistryView(zone: zone, parent: parent, answers: [],
                                note: "the servers of the parent zone \(parent.ascii) could not be found (\(Self.describe(ns)))")
        }
        let names = servers.sorted().map(Canonical.name)
        let addressed = Array(zip(names, await addressesOf(names, target: target)))
        let jobs = addressed.flatMap { server, addrs in addrs.map { (server, $0) } }
        let answers: [ParentAnswer] = await withTaskGroup(of: (Int, ParentAnswer).self) { group in
            for (i, (server, address)) in jobs.enumerated() {
                group.addTask {
                    (i, ParentAnswer(server: server, address: address,
                                     outcome: await resolver.queryDelegation(zone.ascii, address: address, port: port, timeout: timeout)))
                }
            }
            var out: [(Int, ParentAnswer)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let unaddressed = addressed.filter { $0.1.isEmpty }.map(\.0)
        let note = unaddressed.isEmpty ? nil : "no address found for the parent server\(unaddressed.count == 1 ? "" : "s") \(unaddressed.joined(separator: ", "))"
        return RegistryView(zone: zone, parent: parent, answers: answers, note: answers.isEmpty ? (note ?? "no parent server to ask") : note)
    }
}
