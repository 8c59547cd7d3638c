import Foundation
import Route53
import WhiteLabel

/// A zone's white-label status on the browser's zones level: what `vanityns audit` says of it, in a word or two.
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

extension BrowserState {
    /// The audit to start once a zones listing is complete: every public zone listed, judged by its own apex NS.
    func auditCommand() -> BrowserCommand? {
        let publicZones = zones.filter { $0.config?.privateZone != true }
        guard !publicZones.isEmpty else { return nil }
        let aws = zonesSet.flatMap { id in sets.first { $0.id == id }?.nameServers } ?? []
        return .auditZones(zones: publicZones, awsNames: aws, generation: generation)
    }

    /// The status cell of one zone: its audit, `…` while it runs, `-` for private zones (not served publicly).
    func statusCell(_ zone: HostedZone) -> String {
        if zone.config?.privateZone == true { return "-" }
        return zoneStatus[zone.id]?.text ?? (auditing ? "…" : "")
    }
}
