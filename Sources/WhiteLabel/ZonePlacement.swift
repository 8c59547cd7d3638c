import Foundation
import Route53

/// A reusable set as placement sees it: the public zones it holds and its zones-per-set limit.
public struct PlacementSet: Sendable, Equatable {
    /// The bare set ID; nil for a set the placement is to create (`--new-set`).
    public var id: String?
    /// Every public zone's name (what conflicts are judged against).
    public var zones: [DomainName]
    /// The names whose zone here counts as the one asked for (a rerun places them here again, creating nothing).
    public var placed: [DomainName]
    public var count: Int
    public var limit: Int
    /// The set, its zones and usage as read for the placement, so the commands that follow do not ask again.
    public var known: KnownSet?
    public init(id: String?, zones: [DomainName], placed: [DomainName]? = nil, count: Int, limit: Int, known: KnownSet? = nil) {
        self.id = id; self.zones = zones; self.placed = placed ?? zones; self.count = count; self.limit = limit; self.known = known
    }
    var hasRoom: Bool { count < limit }
    /// The zone of the same name, or of a parent or child name, this set already holds: Route 53 would refuse `name`
    /// here (ConflictingDomainExists).
    func conflict(with name: DomainName) -> DomainName? {
        zones.first { $0 == name || $0.isBelow(name) || name.isBelow($0) }
    }
}

/// Where one zone goes.
public struct ZonePlace: Sendable, Equatable {
    public var zone: DomainName
    /// Index into `PlacementPlan.sets`.
    public var set: Int
    /// A zone of this name is already in that set: nothing to create.
    public var alreadyThere: Bool
}

/// Every zone's set, the sets to create first, or why a zone has none.
public struct PlacementPlan: Sendable, Equatable {
    /// The account's sets, then those to create (`id == nil`).
    public var sets: [PlacementSet]
    public var places: [ZonePlace]
    /// How many sets are to be created (`--new-set`).
    public var newSets: Int { sets.filter { $0.id == nil }.count }
}

/// Refused: some zone fits in no set; nothing was created. Each problem names the zone and each set's reason.
public struct PlacementRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InputProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// `--set auto`: each zone in the first set with room that holds no zone of its name, its parent's or a child's
/// (Route 53 refuses those: ConflictingDomainExists), zones placed earlier in the run counted; a zone already in a set
/// stays there. With `allowNewSets`, a zone no set can take goes into a new set (created before any zone).
public enum ZonePlacement {
    public static func place(_ zones: [DomainName], in sets: [PlacementSet], allowNewSets: Bool, newSetLimit: Int) -> Result<PlacementPlan, PlacementRefused> {
        var sets = sets
        var places: [ZonePlace] = []
        var problems: [InputProblem] = []
        for zone in zones {
            if let i = sets.firstIndex(where: { $0.placed.contains(zone) }) {
                places.append(ZonePlace(zone: zone, set: i, alreadyThere: true))
                continue
            }
            if let i = sets.firstIndex(where: { $0.hasRoom && $0.conflict(with: zone) == nil }) {
                sets[i].zones.append(zone); sets[i].count += 1
                places.append(ZonePlace(zone: zone, set: i, alreadyThere: false))
                continue
            }
            if allowNewSets {
                sets.append(PlacementSet(id: nil, zones: [zone], placed: [], count: 1, limit: max(newSetLimit, 1)))
                places.append(ZonePlace(zone: zone, set: sets.count - 1, alreadyThere: false))
                continue
            }
            let reasons = sets.map { s -> String in
                let id = s.id ?? "new"
                if !s.hasRoom { return "set \(id) is full (\(s.count)/\(s.limit) zones)" }
                let c = s.conflict(with: zone).map { $0.isBelow(zone) ? "its child \($0.ascii)" : "its parent \($0.ascii)" } ?? "a related zone"
                return "set \(id) holds \(c)"
            }
            problems.append(InputProblem(subject: "zone \(zone.ascii)", message: "no delegation set can take it: "
                + (reasons.isEmpty ? "the account has no reusable delegation set" : reasons.joined(separator: "; "))
                + ". Make another set and run again (`vanityns sets create --caller-reference fleet-\(sets.count + 1)`), or let this command "
                + "create it: add --new-set"))
        }
        return problems.isEmpty ? .success(PlacementPlan(sets: sets, places: places)) : .failure(PlacementRefused(problems: problems))
    }
}

extension WhiteLabelEngine {
    /// The account's reusable sets with their public zones and zones-per-set limits (ListReusableDelegationSets, then
    /// per set one ListHostedZones by set and GetReusableDelegationSetLimit), and the limit a new set would get.
    /// - Parameter onlyOurs: a zone counts as placed only when vanityns made it there (its derived CallerReference,
    ///   as a migration's copy has); otherwise any zone of the name does.
    public func placementSets(onlyOurs: Bool = false) async throws -> (sets: [PlacementSet], newSetLimit: Int, notes: [String]) {
        let sets = try await route53.listReusableDelegationSets()
        let read = try await withThrowingTaskGroup(of: (Int, PlacementSet, String?).self) { group in
            for (i, set) in sets.enumerated() {
                group.addTask {
                    let id = ResourceID.bare(set.id ?? "")
                    let zones = try await self.route53.listHostedZones(delegationSetId: id)
                    let usage = try await self.route53.setUsage(id: id, knownZoneCount: zones.count)
                    let visible = zones.filter { $0.config?.privateZone != true }
                    let names = visible.map { DomainName(trusted: $0.name) }
                    let ours = visible.filter { Self.isCopy($0, reference: Self.callerReference(setId: id, zoneName: $0.name)) }.map { DomainName(trusted: $0.name) }
                    return (i, PlacementSet(id: id, zones: names, placed: onlyOurs ? ours : names, count: usage.count, limit: usage.limit,
                                            known: KnownSet(set: set, zones: zones, usage: usage)), usage.limitNote)
                }
            }
            var out: [(Int, PlacementSet, String?)] = []
            for try await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }
        }
        return (read.map(\.1), read.map(\.1.limit).max() ?? 100, Array(Set(read.compactMap(\.2))).sorted())
    }

    /// The derived CallerReference of the account's `n`th set when `--new-set` creates it, so a
    /// rerun after a lost answer or a crash finds the set the first run made.
    public static func newSetReference(_ n: Int) -> String { CallerReference.forSet(label: "placement:\(n)") }
}
