import Foundation
import Route53
import WhiteLabel

/// An apply that an earlier run left unfinished (the program was killed, the terminal closed, the network dropped),
/// as the journal describes it: enough to plan the same zones again and finish them.
public struct ResumeInfo: Sendable, Equatable {
    /// The unfinished zones of that run, ASCII with the trailing dot, home zone first.
    public var zones: [String]
    /// The bare delegation set ID.
    public var setId: String
    /// The home domain, ASCII with the trailing dot.
    public var homeDomain: String
    /// The vanity hosts in the set's order (from the NS batch that was sent); nil means ns1..ns4 of the home domain.
    public var hosts: [String]?
    /// A zone was (or was about to be) created in the set.
    public var createZones: Bool
    /// Unfinished zones of other runs (another set or home domain): left for their own resume.
    public var others: [String]

    public init(zones: [String], setId: String, homeDomain: String, hosts: [String]?, createZones: Bool, others: [String] = []) {
        self.zones = zones; self.setId = setId; self.homeDomain = homeDomain; self.hosts = hosts
        self.createZones = createZones; self.others = others
    }

    /// The run of the unfinished journal entries (the home zone's run when there is one); nil when there are none.
    public init?(entries: [JournalEntry]) {
        let unfinished = entries.filter { $0.state != .done }
        guard let lead = unfinished.first(where: { $0.zoneName == $0.homeDomain }) ?? unfinished.first else { return nil }
        let same = unfinished.filter { $0.setId == lead.setId && $0.homeDomain == lead.homeDomain }
        zones = same.sorted { ($0.zoneName == lead.homeDomain ? 0 : 1, $0.zoneName) < ($1.zoneName == lead.homeDomain ? 0 : 1, $1.zoneName) }
            .map(\.zoneName)
        setId = ResourceID.bare(lead.setId)
        homeDomain = lead.homeDomain
        let ns = same.lazy.flatMap(\.lastBatch).first { $0.resourceRecordSet.type.uppercased() == "NS" }
        hosts = ns.map { $0.resourceRecordSet.values.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } }
        createZones = same.contains(where: \.createdZone)
        others = unfinished.filter { e in !same.contains { $0.zoneName == e.zoneName } }.map(\.zoneName)
    }

    /// The unfinished zones other than the home zone (the request's extra zones), without trailing dots.
    public var extraZones: [String] {
        zones.filter { $0 != homeDomain }.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
    }
}
