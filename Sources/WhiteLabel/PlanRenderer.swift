import Foundation
import Route53

/// Text helpers shared by the renderers: ANSI colour and word wrapping.
enum TextStyle {
    static func paint(_ s: String, _ code: String, _ on: Bool) -> String { on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    static func green(_ s: String, _ on: Bool) -> String { paint(s, "32", on) }
    static func yellow(_ s: String, _ on: Bool) -> String { paint(s, "33", on) }
    static func red(_ s: String, _ on: Bool) -> String { paint(s, "31", on) }
    static func bold(_ s: String, _ on: Bool) -> String { paint(s, "1", on) }

    /// Words joined into lines of at most `width` columns, each line after the first indented by `indent`.
    static func wrap(_ words: [String], first: String, indent: Int, width: Int) -> [String] {
        var lines: [String] = []
        var line = first
        let pad = String(repeating: " ", count: indent)
        for w in words {
            let sep = line.hasSuffix(" ") || line.isEmpty ? "" : " "
            if line.count + sep.count + w.count > width && line.trimmingCharacters(in: .whitespaces).count > 0 && line != first {
                lines.append(line); line = pad + w
            } else { line += sep + w }
        }
        lines.append(line)
        return lines
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}

/// The plan as the CLI prints it: a readable diff per zone, or JSON.
public enum PlanRenderer {
    /// The whole plan: header, each zone's diff, warnings, and the rollback note.
    public static func text(_ plan: WhiteLabelPlan, color: Bool = false, width: Int = 80) -> String {
        var out: [String] = []
        let home = plan.homeDomainUnicode.map { "\(plan.homeDomain) (\($0))" } ?? plan.homeDomain
        out.append(TextStyle.bold("Plan for \(home), delegation set \(plan.setId)", color))
        if !plan.nameServers.isEmpty {
            out.append("")
            out += ReportRenderer.addressTable(plan.nameServers).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        for (i, zone) in plan.zones.enumerated() {
            out.append("")
            out.append(self.zone(zone, index: i + 1, of: plan.zones.count, setId: plan.setId, color: color, width: width))
        }
        if !plan.warnings.isEmpty {
            out.append("")
            for w in plan.warnings { out += TextStyle.wrap(w.split(separator: " ").map(String.init), first: TextStyle.yellow("!", color), indent: 2, width: width) }
        }
        out.append("")
        if plan.isEmpty {
            out.append("Nothing to change: every zone already uses the vanity hosts.")
        } else {
            out.append("Old values are saved first; `vanityns rollback --zone ZONE` restores them.")
        }
        return out.joined(separator: "\n")
    }

    /// One zone's batch: a title line, then one `+`/`~`/`-` line per change with old -> new values.
    public static func zone(_ zone: ZonePlan, index: Int? = nil, of count: Int? = nil, setId: String? = nil,
                            color: Bool = false, width: Int = 80) -> String {
        var title = "Zone"
        if let index, let count { title += " \(index) of \(count)" }
        title += ": \(zone.zoneName)"
        if zone.isHome { title += zone.glueOnly ? " (home zone, in another set: this set's glue only)" : " (home zone)" }
        if let id = zone.zoneId { title += " \(id)" }
        var out = [TextStyle.bold(title, color)]
        if zone.createInSet { out.append(TextStyle.green("+ create the zone", color) + (setId.map { " in delegation set \($0)" } ?? "")) }
        if zone.changes.isEmpty { out.append("  nothing to change") }
        for c in zone.changes { out += changeLines(c, color: color, width: width) }
        return out.joined(separator: "\n")
    }

    /// A rollback plan, with what it restores spelled out.
    public static func rollback(_ zone: ZonePlan, color: Bool = false, width: Int = 80) -> String {
        var s = "Rollback of \(zone.zoneName): restores the values saved before vanityns changed it.\n"
        s += self.zone(zone, color: color, width: width)
        return s
    }

    static func changeLines(_ c: PlannedChange, color: Bool, width: Int) -> [String] {
        let type = TextStyle.pad(c.after.type, 5)
        let ttl = { (r: ResourceRecordSet?) in r?.ttl.map(String.init) ?? "-" }
        switch c.action {
        case .create, .delete:
            let sign = c.action == .create ? TextStyle.green("+", color) : TextStyle.red("-", color)
            let head = "\(sign) \(type) \(c.after.name)  \(ttl(c.after))  "
            return TextStyle.wrap(c.after.values, first: head, indent: 8, width: width + (color ? 9 : 0))
        case .upsert:
            let before = c.before
            let ttlText = before?.ttl == c.after.ttl ? ttl(c.after) : "\(ttl(before)) -> \(ttl(c.after))"
            var lines = ["\(TextStyle.yellow("~", color)) \(type) \(c.after.name)  \(ttlText)"]
            // SOA values are one long string: wrap them field by field.
            let words = { (r: ResourceRecordSet?) in (r?.values ?? []).flatMap { $0.split(separator: " ").map(String.init) } }
            let old = words(before), new = words(c.after)
            if Canonical.values(of: before ?? c.after) != Canonical.values(of: c.after) || before?.type != c.after.type {
                lines += TextStyle.wrap(old, first: "        " + TextStyle.red("-", color), indent: 10, width: width + (color ? 9 : 0))
                lines += TextStyle.wrap(new, first: "        " + TextStyle.green("+", color), indent: 10, width: width + (color ? 9 : 0))
            }
            return lines
        }
    }

    /// The plan as pretty JSON with sorted keys (`--output json`).
    public static func json(_ plan: WhiteLabelPlan) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(PlanDocument(plan)), as: UTF8.self)) ?? "{}"
    }
}

/// The plan in JSON form: stable keys, values as strings.
public struct PlanDocument: Codable, Sendable, Equatable {
    /// A record set: name, type, TTL and values.
    public struct Record: Codable, Sendable, Equatable {
        public var name: String, type: String, ttl: Int?, values: [String]
        init(_ r: ResourceRecordSet) { name = r.name; type = r.type; ttl = r.ttl; values = r.values }
    }
    /// One change.
    public struct ChangeDoc: Codable, Sendable, Equatable {
        public var action: String, role: String, before: Record?, after: Record
    }
    /// One zone's batch.
    public struct Zone: Codable, Sendable, Equatable {
        public var zone: String, zoneId: String?, home: Bool, createInSet: Bool, changes: [ChangeDoc]
    }
    /// One name server row.
    public struct NameServer: Codable, Sendable, Equatable {
        public var awsName: String, vanityHost: String, ipv4: [String], ipv6: [String], warnings: [String]
    }
    public var setId: String
    public var homeDomain: String
    public var homeDomainUnicode: String?
    public var nameServers: [NameServer]
    public var zones: [Zone]
    public var warnings: [String]
    public var empty: Bool

    public init(_ plan: WhiteLabelPlan) {
        setId = plan.setId; homeDomain = plan.homeDomain; homeDomainUnicode = plan.homeDomainUnicode
        nameServers = plan.nameServers.map { NameServer(awsName: $0.awsName, vanityHost: $0.vanityHost, ipv4: $0.ipv4 ?? [], ipv6: $0.ipv6 ?? [], warnings: $0.warnings) }
        zones = plan.zones.map { z in
            Zone(zone: z.zoneName, zoneId: z.zoneId, home: z.isHome, createInSet: z.createInSet, changes: z.changes.map {
                ChangeDoc(action: $0.action.rawValue, role: $0.role.rawValue, before: $0.before.map(Record.init), after: Record($0.after))
            })
        }
        warnings = plan.warnings; empty = plan.isEmpty
    }
}
