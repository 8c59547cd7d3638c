import ArgumentParser
import Foundation
import Route53
import WhiteLabel

/// `--set auto` for `zones create` and `migrate`: each zone's set, new sets (`--new-set`) created first after the
/// placement is shown and confirmed, or a refusal listing every zone that fits nowhere, with nothing created.
enum SetPlacement {
    struct Placed { var zone: DomainName; var setId: String; var alreadyThere: Bool; var known: KnownSet? = nil }

    /// - Parameter onlyOurs: a zone of the name counts as placed only when vanityns made it in that set (a
    ///   migration's copy); for `zones create`, any zone of the name does.
    /// - Parameter dryRun: `--plan`: a placement that needs a new set stops after showing it, nothing created.
    static func run(_ zones: [DomainName], onlyOurs: Bool, newSet: Bool, yes: Bool, dryRun: Bool = false, services s: Services,
                    global: GlobalOptions) async throws -> [Placed] {
        let (sets, newLimit, notes) = try await s.engine().placementSets(onlyOurs: onlyOurs)
        for n in notes { Console.error("note: \(n)") }
        let plan: PlacementPlan
        switch ZonePlacement.place(zones, in: sets, allowNewSets: newSet, newSetLimit: newLimit) {
        case let .success(p): plan = p
        case let .failure(refused):
            for p in refused.problems { Console.error("\(p.subject): \(p.message)") }
            throw Console.fail("nothing created: \(refused.problems.count) zone\(refused.problems.count == 1 ? "" : "s") fit in no delegation set (listed above)")
        }
        var ids = plan.sets.map(\.id)
        if plan.newSets > 0 {
            Console.error("Placement (\(plan.newSets) new delegation set\(plan.newSets == 1 ? "" : "s")):")
            for (i, set) in plan.sets.enumerated() {
                let placed = plan.places.filter { $0.set == i && !$0.alreadyThere }
                guard !placed.isEmpty else { continue }
                Console.error("  \(set.id ?? "new set \(i - sets.count + 1)")  +\(placed.count) zone\(placed.count == 1 ? "" : "s") (\(set.count)/\(set.limit))  "
                              + placed.prefix(5).map(\.zone.ascii).joined(separator: " ") + (placed.count > 5 ? " …" : ""))
            }
            if dryRun { throw Console.fail("--plan: the placement needs \(plan.newSets) new delegation set\(plan.newSets == 1 ? "" : "s") (shown above); nothing created. Run without --plan to create and fill \(plan.newSets == 1 ? "it" : "them")") }
            guard try Console.confirm("Create \(plan.newSets) reusable delegation set\(plan.newSets == 1 ? "" : "s") and place the zones as shown?", assumeYes: yes) else {
                throw Console.fail("nothing created")
            }
            for i in plan.sets.indices where ids[i] == nil {
                let created = try await s.route53.createReusableDelegationSet(derivedReference: WhiteLabelEngine.newSetReference(i + 1), hostedZoneId: nil)
                let id = ResourceID.bare(created.delegationSet.id ?? "")
                ids[i] = id
                if global.output == .text { Console.out("set    \(id)  \(created.delegationSet.nameServers.joined(separator: " "))") }
            }
        }
        for p in plan.places where p.alreadyThere && global.output == .text {
            Console.out("already  \(p.zone.fqdn)  in set \(ids[p.set] ?? "?")")
        }
        return plan.places.map { Placed(zone: $0.zone, setId: ids[$0.set] ?? "", alreadyThere: $0.alreadyThere, known: plan.sets[$0.set].known) }
    }
}
