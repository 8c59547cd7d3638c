import Foundation

/// What reading the state back after a lost answer found.
public enum ReadBack: Sendable, Equatable {
    /// The change is in place: the lost answer was a success.
    case applied
    /// Nothing of it is in place: it can be sent again.
    case notApplied
    /// A third state (part of it, or other values): neither success nor safe to resend; the text names the records.
    case different(String)
}

extension RequestExecutor {
    /// The one rule for calls that are not safe to repeat. `send` goes out; when its answer may have been lost
    /// (`Route53Error.outcomeUnknown`), `check` reads the state back: applied returns `applied()` (the lost answer
    /// was a success; the log says `answer lost; checked: applied`), not applied is sent once more (and read back
    /// again if that answer is lost too; never more than `maxAttempts` sends in all, each after a read-back that
    /// proved the last one was not applied), anything else is `outcomeUnknown` naming what was found, nothing resent.
    func reconciling<T: Sendable>(_ call: APICall, send: () async throws -> T, check: () async throws -> ReadBack,
                                  applied: () async throws -> T) async throws -> T {
        var sends = 0
        while true {
            sends += 1
            let started = Date()
            do { return try await send() } catch let Route53Error.outcomeUnknown(operation, detail) {
                let found: ReadBack
                do { found = try await check() } catch {
                    throw Route53Error.outcomeUnknown(operation: operation, detail: detail + "; reading the state back failed too ("
                                                      + String(describing: error) + "). Nothing was resent: run the command again, "
                                                      + "it reads what is there before it writes")
                }
                switch found {
                case .applied:
                    note(call, "answer lost; checked: applied", started: started)
                    return try await applied()
                case .notApplied where sends < options.maxAttempts:
                    note(call, "answer lost; checked: not applied, sending once more", started: started)
                case .notApplied:
                    note(call, "answer lost; checked: not applied", started: started)
                    throw Route53Error.outcomeUnknown(operation: operation, detail: detail + "; sent \(sends) times, every answer lost, "
                                                      + "and reading back shows it was not applied. Run the command again")
                case let .different(what):
                    note(call, "answer lost; checked: different", started: started)
                    throw Route53Error.outcomeUnknown(operation: operation, detail: detail + "; reading back found " + what
                                                      + ". Nothing was resent: something else changed these records; look at them "
                                                      + "and run the command again")
                }
            }
        }
    }
}

/// Decides from a zone's record sets whether a ChangeResourceRecordSets batch whose answer was lost was applied.
/// Route 53 applies a batch whole or not at all, so each record set the batch touches must agree.
public enum BatchReadBack {
    /// A batch is safe to resend blindly only when it holds nothing but UPSERTs.
    public static func isIdempotent(_ changes: [Change]) -> Bool { changes.allSatisfy { $0.action == .upsert } }

    /// Where a record set lives: its name (lowercased, with the trailing dot and `*` unescaped), type and set identifier.
    public static func key(_ r: ResourceRecordSet) -> String {
        [name(r.name), r.type.uppercased(), r.setIdentifier ?? ""].joined(separator: " ")
    }

    static func name(_ n: String) -> String {
        var l = n.lowercased().replacingOccurrences(of: "\\052", with: "*")
        if !l.hasSuffix(".") { l += "." }
        return l
    }

    /// A record set in a form two readings of the same set compare equal in (values sorted, names canonical).
    static func canonical(_ r: ResourceRecordSet) -> ResourceRecordSet {
        var c = r
        c.name = name(r.name); c.type = r.type.uppercased(); c.trafficPolicyInstanceId = nil
        c.resourceRecords = r.resourceRecords.map { $0.sorted { $0.value < $1.value } }
        if c.resourceRecords?.isEmpty == true { c.resourceRecords = nil }
        if var a = c.aliasTarget {
            a.dnsName = name(a.dnsName); a.hostedZoneId = ResourceID.bare(a.hostedZoneId); c.aliasTarget = a; c.ttl = nil
        }
        return c
    }

    /// How one record set is shown in a message: `www.example.com. A 300 1.2.3.4 5.6.7.8`.
    public static func describe(_ r: ResourceRecordSet?, key: String) -> String {
        guard let r else { return key + " (absent)" }
        let values = r.aliasTarget.map { "alias " + $0.dnsName } ?? r.values.joined(separator: " ")
        return key + (r.ttl.map { " \($0)" } ?? "") + " " + values
    }

    /// The distinct (name, type) pairs the batch touches, for reading them back.
    public static func names(_ changes: [Change]) -> [(name: String, type: String)] {
        var seen = Set<String>(), out: [(String, String)] = []
        for c in changes {
            let n = name(c.resourceRecordSet.name), t = c.resourceRecordSet.type.uppercased()
            if seen.insert(n + " " + t).inserted { out.append((n, t)) }
        }
        return out
    }

    /// Compares `found` (the zone's record sets at the batch's names and types, or all of them) with the state before
    /// and after the batch: every set as after is `.applied`, every set as before is `.notApplied`, otherwise
    /// `.different` naming the sets that match neither (or, if some look done and others not, those not done).
    public static func decide(_ changes: [Change], found: [ResourceRecordSet]) -> ReadBack {
        var byKey: [String: ResourceRecordSet] = [:]
        for r in found { byKey[key(r)] = canonical(r) }
        var order: [String] = []
        var before: [String: ResourceRecordSet?] = [:]   // nil entry: unknown (the first change is an UPSERT)
        var beforeKnown: Set<String> = []
        var after: [String: ResourceRecordSet?] = [:]
        for c in changes {
            let k = key(c.resourceRecordSet), r = canonical(c.resourceRecordSet)
            if after[k] == nil {
                order.append(k)
                switch c.action {
                case .create: before[k] = .some(nil); beforeKnown.insert(k)
                case .delete: before[k] = .some(r); beforeKnown.insert(k)
                case .upsert: break
                }
            }
            after[k] = c.action == .delete ? .some(nil) : .some(r)
        }
        var done: [String] = [], notDone: [String] = [], neither: [String] = []
        for k in order {
            let now = byKey[k]
            let isAfter = (after[k] ?? nil) == now
            let isBefore = beforeKnown.contains(k) ? (before[k] ?? nil) == now : !isAfter
            switch (isAfter, isBefore) {
            case (true, false): done.append(k)
            case (false, true): notDone.append(k)
            case (true, true): break   // the same either way
            case (false, false):
                neither.append(describe(now, key: k) + ", where the change wanted " + describe(after[k] ?? nil, key: k))
            }
        }
        if !neither.isEmpty { return .different(neither.joined(separator: "; ")) }
        if !done.isEmpty && !notDone.isEmpty {
            return .different("part of the batch in place and part not (not in place: " + notDone.joined(separator: ", ") + ")")
        }
        return notDone.isEmpty ? .applied : .notApplied
    }
}
