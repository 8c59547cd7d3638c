import Foundation
import Route53

extension WhiteLabelEngine {
    /// Reads what an export writes: every zone of reusable delegation set `setId`, or the zones `zones` names (a zone
    /// ID, or a name held by exactly one zone of the account), each with its name servers and every record set.
    /// Input problems are reported together (`ValidationFailed`) before any zone is read.
    public func exportBundle(setId: String?, zones texts: [String]) async throws -> ExportBundle {
        var set: DelegationSet?
        var chosen: [HostedZone] = []
        if let setId {
            set = try await route53.getReusableDelegationSet(id: ResourceID.bare(setId))
            chosen = try await route53.listHostedZones(delegationSetId: ResourceID.bare(setId))
        }
        if !texts.isEmpty {
            let account = try await route53.listHostedZones(delegationSetId: nil)
            var problems: [InputProblem] = []
            for text in texts {
                do {
                    let (zone, name) = try ZoneArgument.resolve(text, among: account)
                    if let zone { chosen.append(zone) } else {
                        problems.append(InputProblem(subject: "--zone \(text)",
                                                     message: "there is no hosted zone \(name.ascii) in this account (`vanityns zones list` shows them)"))
                    }
                } catch let p as InputProblem { problems.append(p) }
            }
            if !problems.isEmpty { throw ValidationFailed(problems: problems) }
        }
        var seen = Set<String>()
        chosen = chosen.filter { seen.insert($0.id).inserted }
        let zones = try await withThrowingTaskGroup(of: (Int, ExportedZone).self) { group in
            for (i, z) in chosen.enumerated() {
                group.addTask {
                    async let detail = self.route53.getHostedZone(id: z.id)
                    async let records = self.route53.listResourceRecordSets(zoneId: z.id)
                    let d = try await detail
                    return (i, ExportedZone(zone: d.hostedZone, delegationSet: d.delegationSet, records: try await records))
                }
            }
            var out: [(Int, ExportedZone)] = []
            for try await one in group { out.append(one) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return ExportBundle(set: set, zones: zones)
    }
}
