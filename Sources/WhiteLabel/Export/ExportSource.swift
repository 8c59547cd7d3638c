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
                let subject = "--zone \(text)"
                let bare = ResourceID.bare(text.trimmingCharacters(in: .whitespaces))
                if let z = account.first(where: { $0.id == bare }) { chosen.append(z); continue }
                guard let name = try? DomainName.parse(bare, rule: .zoneName) else {
                    problems.append(InputProblem(subject: subject, message: "neither a zone ID of this account nor a zone name")); continue
                }
                let same = account.filter { DomainName(trusted: $0.name) == name }
                switch same.count {
                case 1: chosen.append(same[0])
                case 0: problems.append(InputProblem(subject: subject, message: "there is no hosted zone \(name.ascii) in this account (`vanityns zones list` shows them)"))
                default: problems.append(InputProblem(subject: subject, message: "\(same.count) zones are called \(name.ascii) ("
                                                      + same.map(\.id).joined(separator: ", ") + "); name the one to export by its ID"))
                }
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
