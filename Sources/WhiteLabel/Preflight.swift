import Foundation
import Route53
import Resolver

/// What the check before a registrar update found: each vanity host asked at each glue address about to be sent,
/// over UDP and over TCP, for the zone's SOA and NS without recursion.
public struct DelegationPreflight: Sendable, Equatable {
    /// One answer (or silence) that would make the new delegation fail.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var address: String
        /// `UDP` or `TCP`.
        public var transport: String
        /// What came back, and what was expected.
        public var problem: String
        public var description: String { "\(host) at \(address) over \(transport): \(problem)" }
        public init(host: String, address: String, transport: String, problem: String) {
            self.host = host; self.address = address; self.transport = transport; self.problem = problem
        }
    }

    /// The zone whose delegation is about to change.
    public var zone: String
    /// Host, address and transport triples asked.
    public var asked: Int
    public var failures: [Failure]
    /// The SOA serials seen (one when all agree).
    public var serials: [UInt32]
    public var passed: Bool { failures.isEmpty }
    /// What the NS answers had to list, in words: `the vanity hosts`, or the names the zone holds now.
    public var expected: String
    public init(zone: String, asked: Int, failures: [Failure], serials: [UInt32], expected: String = "the vanity hosts") {
        self.zone = zone; self.asked = asked; self.failures = failures; self.serials = serials; self.expected = expected
    }

    /// What a wrong delegation costs, for the refusal and for the warning `--skip-preflight` prints.
    public static let risk = "a registrar update to name servers that do not answer for the zone can take the domain offline "
        + "for as long as resolvers keep the delegation (the parent's NS TTL, up to two days)"

    /// The lines that refuse the update: each failure, then how to go on.
    public func refusal(skipFlag: String) -> [String] {
        ["The registrar was not changed: before the delegation of \(zone) moves, every name server about to be sent must answer "
         + "for it at its addresses (authoritative SOA and NS over UDP and TCP, one serial, NS = \(expected)). "
         + "\(failures.count) answer\(failures.count == 1 ? "" : "s") failed:"]
            + failures.map { "  " + $0.description }
            + ["Fix the name servers (verify shows what they serve) and run the same command again, or pass \(skipFlag) to send the "
               + "update anyway: " + Self.risk + "."]
    }
}

/// A registrar update refused because the preflight failed (nothing was sent).
public struct PreflightFailed: Error, Sendable, Equatable, CustomStringConvertible {
    public var check: DelegationPreflight
    public init(check: DelegationPreflight) { self.check = check }
    /// One line per host (its addresses, the first thing wrong), for a screen with little room.
    public var description: String {
        var hosts: [String] = [], seen: [String: (addresses: [String], problem: String)] = [:]
        for f in check.failures {
            if seen[f.host] == nil { hosts.append(f.host); seen[f.host] = ([], f.problem) }
            if !seen[f.host]!.addresses.contains(f.address) { seen[f.host]!.addresses.append(f.address) }
        }
        return "registrar not changed: not every name server answers for \(check.zone) at its addresses: "
            + hosts.map { "\($0) (\(seen[$0]!.addresses.joined(separator: ", "))): \(seen[$0]!.problem)" }.joined(separator: "; ")
            + ". Fix them and try again (verify lists every answer)"
    }
}

extension WhiteLabelEngine {
    /// The registrar update with the preflight first: throws `PreflightFailed` (nothing sent) when it fails.
    /// The glue in `nameservers` is what is asked; `addresses` stands in for hosts sent without glue.
    public func applyRegistrarChecked(domain: String, nameservers: [DomainNameserver], addresses: [GlueRow] = [], port: Int,
                                      events: @escaping @Sendable (RegistrarEvent) -> Void = { _ in }) async throws {
        let hosts = nameservers.map { ns -> GlueRow in
            let glue = ns.glueIps ?? []
            if glue.isEmpty, let known = addresses.first(where: { Canonical.name($0.host) == Canonical.name(ns.name) }) { return known }
            return GlueRow(host: ns.name, ipv4: glue.first(where: Canonical.isIPv4), ipv6: glue.first(where: Canonical.isIPv6))
        }
        let check = await delegationPreflight(zone: domain, hosts: hosts, port: port)
        guard check.passed else { throw PreflightFailed(check: check) }
        try await applyRegistrar(domain: domain, nameservers: nameservers, events: events)
    }

    /// Before a registrar update: asks each vanity host of `hosts` at each of its addresses (the glue about to be
    /// sent; for a zone outside the home domain, the hosts' addresses) at `port`, over UDP and TCP without recursion,
    /// for `zone`'s SOA and NS. Every answer must be authoritative, carry one serial across all
    /// servers, and list exactly the hosts as NS. A server that answers wrongly is asked again for up to `settle`
    /// seconds (a change that just went INSYNC may still be reaching it); silence is final at once.
    /// `expectedNS`: what the NS answers must list when that is not `hosts` themselves (retire: the registrar moves to
    /// the AWS names while the zone still names the vanity hosts).
    public func delegationPreflight(zone: String, hosts: [GlueRow], port: Int, expectedNS: [String]? = nil,
                                    settle: Double = 20) async -> DelegationPreflight {
        let name = DomainName(trusted: zone)
        let expectedNS = Set((expectedNS ?? hosts.map(\.host)).map { Canonical.name($0) })
        let expected = expectedNS.count == hosts.count && expectedNS == Set(hosts.map { Canonical.name($0.host) })
            ? "the vanity hosts" : expectedNS.sorted().map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.joined(separator: " ")
        let jobs = hosts.flatMap { h in [h.ipv4, h.ipv6].compactMap { $0 }.flatMap { ip in ["UDP", "TCP"].map { (h.host, ip, $0) } } }
        let resolver = self.resolver, timeout = lookupTimeout
        let start = clock.now()
        while true {
            let rows = await withTaskGroup(of: (Int, VerifyRow, String, Bool).self) { group in
                for (i, (host, address, transport)) in jobs.enumerated() {
                    group.addTask {
                        func ask(_ type: DNSRecordType) async -> LookupOutcome {
                            transport == "TCP"
                                ? await resolver.queryAuthoritativeTCP(name.ascii, type: type, address: address, port: port, timeout: timeout)
                                : await resolver.queryAuthoritative(name.ascii, type: type, address: address, port: port, timeout: timeout)
                        }
                        async let soa = ask(.soa)
                        async let ns = ask(.ns)
                        let (s, n) = await (soa, ns)
                        var row = Self.verifyRow(server: host, address: address, zone: name.ascii, soa: s, ns: n, expectedMName: nil, expectedNS: expectedNS)
                        if case let .answer(_, aa) = n, !aa { row.problems.append("the NS answer is not authoritative") }
                        let silent = [s, n].contains { if case .timeout = $0 { return true }; if case .error = $0 { return true }; return false }
                        return (i, row, transport, silent)
                    }
                }
                var out: [(Int, VerifyRow, String, Bool)] = []
                for await r in group { out.append(r) }
                return out.sorted { $0.0 < $1.0 }
            }
            var failures = rows.flatMap { _, row, transport, _ in
                row.problems.map { DelegationPreflight.Failure(host: row.server, address: row.address, transport: transport, problem: $0) }
            }
            let serials = rows.compactMap(\.1.soaSerial)
            let distinct = Array(Set(serials)).sorted()
            if distinct.count > 1 {
                let common = Dictionary(grouping: serials, by: { $0 }).max { $0.value.count < $1.value.count }?.key
                for (_, row, transport, _) in rows where row.soaSerial != nil && row.soaSerial != common {
                    failures.append(.init(host: row.server, address: row.address, transport: transport,
                                          problem: "SOA serial \(row.soaSerial!), while the others answer \(common.map(String.init) ?? "-")"))
                }
            }
            let report = DelegationPreflight(zone: name.ascii, asked: jobs.count, failures: failures, serials: distinct, expected: expected)
            // Only wrong answers are worth asking again; a server that did not answer at all will not in a moment.
            let silent = rows.contains { $0.3 }
            if report.passed || silent || clock.now().timeIntervalSince(start) + 1 > settle { return report }
            try? await clock.sleep(1)
        }
    }
}

extension WhiteLabelEngine {
    /// Before retire sends the AWS names to the registrar: each AWS name server, at each address it resolves to, must
    /// answer for the home domain as the zone stands now (its apex NS still the vanity hosts until step 3).
    public func retirePreflight(_ plan: RetirePlan, port: Int, target: ResolverTarget) async -> DelegationPreflight {
        let rows = await resolveAll(awsNames: plan.awsNames, vanityHosts: [], target: target).map {
            GlueRow(host: $0.awsName, ipv4: $0.ipv4?.first, ipv6: $0.ipv6?.first)
        }
        let home = plan.zones.first { $0.isHome }?.changes.first { $0.role == .apexNS }?.before?.values
        return await delegationPreflight(zone: plan.homeDomain, hosts: rows, port: port, expectedNS: home ?? plan.awsNames)
    }
}
