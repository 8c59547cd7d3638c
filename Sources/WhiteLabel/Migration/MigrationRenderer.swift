import Foundation
import Route53

/// Text for a migration, shared by the CLI and the wizard: each zone's copy, the parity line, the status table.
public enum MigrationRenderer {
    /// `A 500, AAAA 200, TXT 12` in type order.
    public static func counts(_ c: [String: Int]) -> String {
        c.isEmpty ? "none" : c.keys.sorted().map { "\($0) \(c[$0]!)" }.joined(separator: ", ")
    }

    /// One zone's copy: source, target, what is written, what cannot be, in how many batches.
    public static func zone(_ z: ZoneMigration, setId: String, color: Bool = false, width: Int = 80) -> [String] {
        var out = [TextStyle.bold("\(z.zoneName) (\(z.sourceZoneId)) -> set \(setId)", color)]
        out.append("  new zone: " + (z.targetZoneId.map { "\($0) (made by an earlier run)" } ?? "to create, CallerReference \(z.callerReference)"))
        let writes = z.diff.creates.count + z.diff.updates.count
        out += TextStyle.wrap(writes > 0 ? counts(z.countsByType).split(separator: " ").map(String.init) : [],
                              first: "  copy: \(writes) record set\(writes == 1 ? "" : "s")" + (writes > 0 ? ":" : ""), indent: 8, width: width)
        if z.diff.identical > 0 { out.append("  already identical in the new zone: \(z.diff.identical)") }
        if !z.diff.updates.isEmpty { out.append(TextStyle.yellow("  ~ \(z.diff.updates.count) differ in the new zone and will be replaced", color)) }
        if z.includeDeletes && !z.diff.extras.isEmpty {
            out.append(TextStyle.red("  - \(z.diff.extras.count) gone from the old zone, deleted from the new one:", color))
            for r in z.diff.extras.prefix(20) { out.append("      \(RecordKey(r))") }
            if z.diff.extras.count > 20 { out.append("      ... and \(z.diff.extras.count - 20) more") }
        }
        if !z.tagsToAdd.isEmpty { out.append("  tags: " + z.tagsToAdd.map { "\($0.key)=\($0.value ?? "")" }.joined(separator: ", ")) }
        if !z.batches.isEmpty {
            out.append("  batches: \(z.batches.count) (each waited until INSYNC; aliases after the records they name)")
        }
        for u in z.diff.uncopied {
            out += TextStyle.wrap("\(u.record): \(u.reason)".split(separator: " ").map(String.init), first: TextStyle.yellow("  ! not copied:", color),
                                  indent: 6, width: width)
            if let cmd = u.recreate { out.append("      " + cmd) }
        }
        for n in z.notes { out += TextStyle.wrap(n.split(separator: " ").map(String.init), first: "  note:", indent: 6, width: width) }
        if z.isDone { out.append(TextStyle.green("  nothing to copy: the new zone already holds every record", color)) }
        return out
    }

    /// Every value the copy writes, one line each as a zone file has it: `+ www.example.com. A 300 192.0.2.1` (an alias: one line).
    public static func recordLines(_ z: ZoneMigration) -> [String] {
        z.batches.flatMap { $0 }.flatMap { c -> [String] in
            let r = c.resourceRecordSet
            let head = "\(c.action == .create ? "+" : (c.action == .delete ? "-" : "~")) \(RecordKey(r))"
            if let a = r.aliasTarget {
                return ["\(head) ALIAS \(a.dnsName) (\(a.hostedZoneId == RecordCopy.newZoneId ? "in the new zone" : a.hostedZoneId))"]
            }
            // One value per line, as a zone file writes them: a TXT value with spaces stays readable back.
            let ttl = r.ttl.map(String.init) ?? "-"
            return r.values.isEmpty ? ["\(head) \(ttl)"] : r.values.map { "\(head) \(ttl) \($0)" }
        }
    }

    /// `parity: identical, 2013 record sets (A 500, ...); sha256 ab12... on both sides`, then each difference.
    public static func parity(_ p: ParityReport, color: Bool = false, zone: String? = nil) -> [String] {
        let total = p.copyCounts.values.reduce(0, +)
        var out: [String] = []
        if p.identical {
            out.append(TextStyle.green("parity: identical", color) + ", \(total) record sets (\(counts(p.copyCounts))); sha256 \(p.copyDigest.prefix(16)) on both sides")
        } else {
            out.append(TextStyle.red("parity: \(p.differences.count) difference\(p.differences.count == 1 ? "" : "s")", color)
                       + "; old sha256 \(p.sourceDigest.prefix(16)), new \(p.copyDigest.prefix(16))")
            out.append("  old: \(counts(p.sourceCounts))")
            out.append("  new: \(counts(p.copyCounts))")
            for d in p.differences.prefix(50) { out.append("  \(d.kind.rawValue): \(d.record)") }
            if p.differences.count > 50 { out.append("  ... and \(p.differences.count - 50) more (--output json lists all)") }
            if p.sourceChangedSincePlan == true {
                out.append("  the old zone changed while it was copied (read again for this check); `vanityns migrate --resync --zone \(zone.map { DomainName(trusted: $0).ascii } ?? "ZONE")` copies the change")
            }
        }
        if p.uncopied > 0 { out.append("  \(p.uncopied) traffic policy record set(s) left out on purpose") }
        return out
    }

    /// `answers: the same for 1712 questions asked of the old zone's ns-12.awsdns-01.com (127.1.0.13) and the new
    /// zone's ns-2048.awsdns-64.com (127.0.0.2)`, then each question answered differently and what was not asked.
    public static func answers(_ a: AnswerParity, color: Bool = false, width: Int = 80) -> [String] {
        var out: [String] = []
        func wrapped(_ text: String, first: String) { out += TextStyle.wrap(text.split(separator: " ").map(String.init), first: first, indent: 4, width: width) }
        if let why = a.unavailable {
            wrapped(why + "; the records were compared, the answers not", first: TextStyle.yellow("answers: not compared:", color))
        } else {
            let servers = "asked of the old zone's \(a.oldServer ?? "?") and the new zone's \(a.newServer ?? "?")"
            if a.differences.isEmpty {
                wrapped("for \(a.asked) question\(a.asked == 1 ? "" : "s") \(servers)", first: TextStyle.green("answers: the same", color))
            } else {
                wrapped("of \(a.asked) questions \(servers)", first: TextStyle.red("answers: \(a.differences.count) differ", color))
                for d in a.differences.prefix(20) {
                    out.append("  \(d.name) \(d.type)")
                    out.append("      old: \(d.old)")
                    out.append("      new: \(d.new)")
                }
                if a.differences.count > 20 { out.append("  ... and \(a.differences.count - 20) more (--output json lists all)") }
            }
        }
        for reason in a.notAsked.keys.sorted() { out.append("  not asked: \(a.notAsked[reason]!) \(reason)") }
        return out
    }

    /// One progress line per migration event, prefixed with the zone (`migrate`'s progress lines).
    public static func event(_ e: MigrationEvent) -> String { "\(e.zone): " + eventStatus(e) }

    /// What a migration event says, without the zone (the wizard's progress line puts the zone in a column).
    public static func eventStatus(_ e: MigrationEvent) -> String {
        switch e {
        case let .zoneCreated(_, id): return "created zone \(id) in the set"
        case let .zoneFound(_, id): return "new zone \(id) found (made by an earlier run)"
        case let .tagsCopied(_, n): return "\(n) tag\(n == 1 ? "" : "s") copied"
        case let .batchSubmitted(_, i, n, records, change): return "batch \(i)/\(n) submitted (\(records) record sets, change \(ChangeInfo.shown(change)))"
        case let .batchInSync(_, i, n): return "batch \(i)/\(n) in sync"
        case let .waiting(_, change, elapsed): return String(format: "waiting for %@: PENDING after %.0f s", change, elapsed)
        case let .parity(z, p): return parity(p, zone: z).joined(separator: "\n")
        case let .askingServers(_, n): return "asking the old and the new zone's name servers \(n) question\(n == 1 ? "" : "s")"
        case let .answers(_, a): return answers(a).joined(separator: "\n")
        }
    }

    /// `migrate --status`: one row per migrated zone, within 80 columns (the old zone's id is in the line that says
    /// it can go, and in `--output json`). EDITS: record sets changed in the old zone since the copy.
    public static func statusTable(_ rows: [MigrationStatus], now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd HH:mm'Z'"
        let body = rows.map { s -> [String] in
            let safe: String
            if let at = s.safeToDeleteAt { safe = at <= now ? "now" : f.string(from: at) } else { safe = "after cut-over" }
            return [s.journal.zoneName, s.journal.targetZoneId ?? "-", s.journal.state.rawValue, s.delegation.rawValue, String(s.pendingChanges), safe]
        }
        return ReportRenderer.table(["ZONE", "NEW ZONE", "COPY", "PARENT", "EDITS", "DELETE OLD"], body)
    }
}
