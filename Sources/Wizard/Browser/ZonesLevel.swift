import Foundation
import Route53
import Terminal
import WhiteLabel

/// The browser's second level: the zones of one set (or of the account), each with the set that really serves it
/// and its white-label status (an audit by DNS alone, started once the listing is complete). enter opens the
/// zone's record sets; `c` copies the zone ID.
public enum ZonesLevel: BrowserLevelHandler {
    public struct State: Sendable {
        public var zones: [HostedZone] = []
        /// The set being browsed (nil: every zone of the account).
        public var zonesSet: String?
        /// Zone id -> the reusable set that serves it (zones in none have their own name servers).
        public var zoneSets: [String: String] = [:]
        /// Every set's listing has answered, so a zone in none of them has its own name servers.
        public var zoneSetsKnown = false
        /// Each listed zone's white-label status, by zone id, and whether its audit is still running.
        public var zoneStatus: [String: ZoneStatus] = [:]
        public var auditing = false
        var auditGeneration = -1
    }

    static let columns = [Widgets.Column("zone", 40), Widgets.Column("id", 32), Widgets.Column("set", 24), Widgets.Column("status", 16),
                          Widgets.Column("records", 7, right: true), Widgets.Column("comment", 40)]
    /// The comment, then the name, give way before the id.
    static let shrinkFirst = [5, 0, 2]

    static func rows(_ s: BrowserState) -> [[String]] {
        let z = s.zonesLevel
        return z.zones.map { zone in
            let set: String
            if zone.config?.privateZone == true { set = "-" }
            else if let id = z.zonesSet ?? z.zoneSets[zone.id] { set = id }
            else { set = z.zoneSetsKnown ? "own name servers" : "…" }
            return [BrowserRunner.bare(zone.name) + (zone.config?.privateZone == true ? " (private)" : ""), zone.id, set, statusCell(z, zone),
                    zone.resourceRecordSetCount.map(String.init) ?? "", zone.config?.comment ?? ""]
        }
    }

    /// No comments (or no audit), no such column; on a narrow screen the record count goes before a zone, id, set
    /// or status cell is cut (the comment may lose its tail first).
    static func shownColumns(_ s: BrowserState, rows all: [[String]], width: Int) -> [Int] {
        var keep = Array(columns.indices)
        for c in [5, 3] where all.allSatisfy({ $0[c].isEmpty }) { keep.removeAll { $0 == c } }
        let cells = all.map { row in keep.map { row[$0] } }, bounds = keep.map { columns[$0] }
        let natural = Widgets.fitColumns(bounds, rows: cells, total: Int.max / 2)
        let fitted = Widgets.fitColumns(bounds, rows: cells, total: width - 2, gap: 1,
                                        shrinkFirst: shrinkFirst.compactMap { keep.firstIndex(of: $0) })
        if zip(keep, zip(natural, fitted)).contains(where: { $0.0 != 5 && $0.1.1.width < $0.1.0.width }) { keep.removeAll { $0 == 4 } }
        return keep
    }

    static func reset(_ s: inout BrowserState) {
        s.zonesLevel.zones = []; s.zonesLevel.zoneSets = [:]; s.zonesLevel.zoneSetsKnown = false
        s.zonesLevel.zoneStatus = [:]; s.zonesLevel.auditing = false
    }

    static func receive(_ s: inout BrowserState, _ m: BrowserMsg) -> [BrowserCommand]? {
        switch m {
        case let .page(g, .zones(items)):
            guard s.accept(page: g) else { return [] }
            s.zonesLevel.zones += items
            for z in items { s.recordsLevel.zoneNames[z.id] = z.name }
        case let .zoneSets(g, setId, ids):
            guard g == s.generation else { return [] }
            for id in ids { s.zonesLevel.zoneSets[id] = setId }
        case let .zoneStatus(g, id, status, done):
            // Zone ids do not change meaning: an answer is kept even after the user moved on and came back.
            if let status { s.zonesLevel.zoneStatus[id] = status }
            if done && g == s.zonesLevel.auditGeneration { s.zonesLevel.auditing = false }
        default: return nil
        }
        return []
    }

    static func finished(_ s: inout BrowserState, error: String?) -> [BrowserCommand] {
        guard error == nil else { return [] }
        s.zonesLevel.zoneSetsKnown = true
        guard let audit = auditCommand(s) else { return [] }
        s.zonesLevel.auditing = true; s.zonesLevel.auditGeneration = s.generation
        return [audit]
    }

    static func open(_ s: inout BrowserState, _ i: Int) -> [BrowserCommand] {
        let z = s.zonesLevel.zones[i]
        return s.startListing(.records, title: "Record sets of \(BrowserRunner.bare(z.name))") { .listRecords(zoneId: z.id, generation: $0) }
    }

    static func copyTarget(_ s: BrowserState, _ i: Int) -> (text: String, what: String)? {
        let z = s.zonesLevel.zones[i]
        return (z.id, "zone id \(z.id)")
    }

    /// The audit to start once a zones listing is complete: every public zone listed, judged by its own apex NS.
    static func auditCommand(_ s: BrowserState) -> BrowserCommand? {
        let publicZones = s.zonesLevel.zones.filter { $0.config?.privateZone != true }
        guard !publicZones.isEmpty else { return nil }
        let aws = s.zonesLevel.zonesSet.flatMap { id in s.setsLevel.sets.first { $0.id == id }?.nameServers } ?? []
        return .auditZones(zones: publicZones, awsNames: aws, generation: s.generation)
    }

    /// The status cell of one zone: its audit, `…` while it runs, `-` for private zones (not served publicly).
    static func statusCell(_ z: State, _ zone: HostedZone) -> String {
        if zone.config?.privateZone == true { return "-" }
        return z.zoneStatus[zone.id]?.text ?? (z.auditing ? "…" : "")
    }
}

/// A zone's white-label status on the zones level: what `vanityns audit` says of it, in a word or two.
public struct ZoneStatus: Sendable, Equatable {
    public var text: String
    public var passed: Bool

    public init(_ row: AuditRow) {
        passed = row.passed
        let issues = "\(row.problems.count) issue\(row.problems.count == 1 ? "" : "s")"
        switch row.delegation {
        case _ where row.passed: text = "white label"
        case .vanity: text = issues
        case .aws: text = "AWS names"
        default: text = row.delegation.rawValue
        }
    }
}
