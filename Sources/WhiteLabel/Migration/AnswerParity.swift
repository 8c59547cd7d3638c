import Foundation
import Route53
import Resolver

/// Where a migration's DNS check sends its questions: the resolver that finds the name servers' addresses, and the
/// port the name servers answer on (53; the tests' data plane listens on a loopback port).
public struct AnswerCheckTarget: Sendable, Equatable {
    public var resolver: ResolverTarget
    public var queryPort: Int
    public init(resolver: ResolverTarget, queryPort: Int = 53) { self.resolver = resolver; self.queryPort = queryPort }
}

/// One question the old zone's name server and the new zone's answer differently.
public struct AnswerDifference: Sendable, Equatable, Codable {
    public var name: String
    public var type: String
    /// Each side's answer as text: the records, `NODATA`, `NXDOMAIN`, an rcode or `no answer`.
    public var old: String
    public var new: String
}

/// The proof on the wire: the same questions (every name and type of the old zone's simple and alias record sets)
/// asked without recursion of one name server of the old zone and one of the new, answer by answer.
public struct AnswerParity: Sendable, Equatable, Codable {
    /// `ns-12.awsdns-01.com (127.1.0.13)`: the server asked; nil when no server of that side answered.
    public var oldServer: String?
    public var newServer: String?
    /// Questions asked of both.
    public var asked: Int
    public var differences: [AnswerDifference]
    /// Record sets whose questions were not asked, by reason (routing policies answer by who asks).
    public var notAsked: [String: Int]
    /// Why nothing was compared (a side had no name server that answered for the zone); nil when compared.
    public var unavailable: String?
    public var same: Bool { unavailable == nil && differences.isEmpty }

    /// The questions for `records` of `zone`: each (name, type) once, apex NS and SOA left out (each zone has its
    /// own), with the count of record sets left out per reason.
    static func questions(zone: String, records: [ResourceRecordSet]) -> (questions: [(name: String, type: DNSRecordType)], notAsked: [String: Int]) {
        var seen = Set<String>(), out: [(String, DNSRecordType)] = [], skipped: [String: Int] = [:]
        for r in records where !RecordCopy.isApexNSOrSOA(r, zone: zone) {
            let type = DNSRecordType(rawValue: r.type.uppercased())
            let reason: String?
            if r.trafficPolicyInstanceId != nil { reason = "traffic policy records" }
            else if r.setIdentifier != nil { reason = "routing-policy sets (the answer depends on who asks)" }
            else if type == nil { reason = "\(r.type.uppercased()) records (a type vanityns does not ask)" }
            else { reason = nil }
            guard reason == nil, let type else { skipped[reason!, default: 0] += 1; continue }
            let name = presentation(RecordCopy.canonicalName(r.name))
            if seen.insert("\(name) \(type.rawValue)").inserted { out.append((name, type)) }
        }
        return (out, skipped)
    }

    /// A decoded name in DNS presentation form, as the resolver reads it: every byte but letters, digits, `-`, `_`
    /// and `*` written as a decimal escape (`paren(1)` is `paren\0401\041`, a space `\032`).
    static func presentation(_ name: String) -> String {
        var out = ""
        for label in name.split(separator: ".", omittingEmptySubsequences: true) {
            for byte in label.utf8 {
                let c = Character(UnicodeScalar(byte))
                if byte < 0x80 && (c.isLetter || c.isNumber || "-_*".contains(c)) { out.append(c) } else { out += String(format: "\\%03d", byte) }
            }
            out += "."
        }
        return out.isEmpty ? "." : out
    }

    /// An outcome as one line of text for a difference.
    static func text(_ o: LookupOutcome) -> String {
        switch o {
        case let .answer(data, aa): return (data.isEmpty ? "NODATA" : data.joined(separator: " | ")) + (aa ? "" : " (not authoritative)")
        case .nxdomain: return "NXDOMAIN"
        case let .failure(rcode): return rcode
        case .timeout: return "no answer (timeout)"
        case let .error(m): return "not asked: \(m)"
        }
    }
}

extension WhiteLabelEngine {
    /// Asks one name server of the old zone and one of the new the questions of `records` (see `AnswerParity`).
    /// A question answered differently is asked again up to `retries` times, `retryDelay` seconds apart (a server
    /// that has not yet loaded the last batch catches up); what still differs is listed.
    public func answerParity(zone: String, records: [ResourceRecordSet], oldNameServers: [String], newNameServers: [String],
                             check: AnswerCheckTarget, retries: Int = 3, retryDelay: Double = 2) async -> AnswerParity {
        let (questions, notAsked) = AnswerParity.questions(zone: zone, records: records)
        var report = AnswerParity(oldServer: nil, newServer: nil, asked: 0, differences: [], notAsked: notAsked, unavailable: nil)
        async let oldPick = answeringServer(zone: zone, hosts: oldNameServers, check: check)
        async let newPick = answeringServer(zone: zone, hosts: newNameServers, check: check)
        let (old, new) = await (oldPick, newPick)
        report.oldServer = old.map { "\($0.host) (\($0.address))" }
        report.newServer = new.map { "\($0.host) (\($0.address))" }
        guard let old, let new else {
            let side = old == nil ? ("old", oldNameServers) : ("new", newNameServers)
            report.unavailable = "no name server of the \(side.0) zone (\(side.1.joined(separator: ", "))) answered for \(zone) on port \(check.queryPort)"
            return report
        }
        var pending = questions.map { (name: $0.name, type: $0.type) }
        var differences: [AnswerDifference] = []
        for attempt in 0...max(0, retries) {
            if attempt > 0 { try? await Task.sleep(nanoseconds: UInt64(retryDelay * 1e9)) }
            let (differing, unaskable) = await ask(pending, old: old.address, new: new.address, port: check.queryPort)
            if attempt == 0 {
                report.asked = questions.count - unaskable
                if unaskable > 0 { report.notAsked["names the resolver cannot send"] = unaskable }
            }
            differences = differing
            if differences.isEmpty { break }
            pending = differences.map { (name: $0.name, type: DNSRecordType(rawValue: $0.type)!) }
        }
        report.differences = differences.sorted { ($0.name, $0.type) < ($1.name, $1.type) }
        return report
    }

    /// One of `hosts` whose IPv4 address answers authoritatively for `zone`'s SOA, the first in `hosts` order among
    /// those that do. All are asked at once: where port 53 is blocked this costs one timeout, not one per host.
    private func answeringServer(zone: String, hosts: [String], check: AnswerCheckTarget) async -> (host: String, address: String)? {
        let resolver = self.resolver, timeout = lookupTimeout
        let found = await withTaskGroup(of: (Int, String?).self) { group in
            for (i, host) in hosts.enumerated() {
                group.addTask {
                    let (addresses, _) = Self.interpret(await resolver.query(host, type: .a, target: check.resolver, timeout: timeout), type: .a)
                    for address in addresses {
                        if case let .answer(soa, true) = await resolver.queryAuthoritative(zone, type: .soa, address: address, port: check.queryPort,
                                                                                           timeout: timeout), !soa.isEmpty {
                            return (i, address)
                        }
                    }
                    return (i, nil)
                }
            }
            var out: [Int: String] = [:]
            for await (i, address) in group { if let address { out[i] = address } }
            return out
        }
        guard let first = found.keys.min() else { return nil }
        return (String(Canonical.name(hosts[first]).dropLast()), found[first]!)
    }

    /// Asks both servers every question, 16 at a time: the questions answered differently, and how many could not
    /// be sent at all (the same `.error` on both sides).
    private func ask(_ questions: [(name: String, type: DNSRecordType)], old: String, new: String, port: Int) async -> ([AnswerDifference], Int) {
        let resolver = self.resolver, timeout = lookupTimeout
        return await withTaskGroup(of: (AnswerDifference?, Bool).self) { group in
            var next = 0, out: [AnswerDifference] = [], unaskable = 0
            func start() {
                guard next < questions.count else { return }
                let q = questions[next]; next += 1
                group.addTask {
                    async let a = resolver.queryAuthoritative(q.name, type: q.type, address: old, port: port, timeout: timeout)
                    async let b = resolver.queryAuthoritative(q.name, type: q.type, address: new, port: port, timeout: timeout)
                    let (x, y) = await (a, b)
                    if case .error = x, x == y { return (nil, true) }
                    return (x == y ? nil : AnswerDifference(name: q.name, type: q.type.rawValue, old: AnswerParity.text(x), new: AnswerParity.text(y)), false)
                }
            }
            for _ in 0..<16 { start() }
            while let (d, cannot) = await group.next() {
                if let d { out.append(d) }
                if cannot { unaskable += 1 }
                start()
            }
            return (out, unaskable)
        }
    }
}
