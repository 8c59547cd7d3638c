import Foundation
import Route53

/// `export --format bind`: one RFC 1035 master file per zone, `$ORIGIN` and `$TTL` first, the SOA and the apex NS
/// next, then every plain record set in Route 53's order, names relative to the origin and Route 53's octal escapes
/// rewritten as the format's decimal ones. What only Route 53 can hold (aliases, routing policies, health checks,
/// traffic policy records) has no master-file form: each is listed in a closing comment block, never dropped silently.
public enum BindExport {
    public static func files(_ bundle: ExportBundle) -> [ExportFile] {
        let names = fileNames(bundle.zones)
        return zip(bundle.zones, names).map { ExportFile(path: $1 + ".zone", contents: zoneFile($0)) }
    }

    /// A file name per zone: the zone's name, with its id added where two zones of the account share that name.
    static func fileNames(_ zones: [ExportedZone]) -> [String] {
        let bare = zones.map { ZoneFileText.labels($0.zone.name).map(ZoneFileText.label).joined(separator: ".") }
        return zip(zones, bare).map { z, name in bare.filter { $0 == name }.count > 1 ? "\(name).\(z.zone.id)" : name }
    }

    /// The master file of one zone.
    public static func zoneFile(_ z: ExportedZone) -> String {
        let origin = z.zone.name.hasSuffix(".") ? z.zone.name : z.zone.name + "."
        let apex = origin.lowercased()
        let soa = z.records.first { $0.type == "SOA" && $0.name.lowercased() == apex }
        let plain = z.records.filter { Route53Only($0) == nil }
        let special = z.records.compactMap(Route53Only.init)
        func rank(_ r: ResourceRecordSet) -> Int {
            r.name.lowercased() == apex ? (r.type == "SOA" ? 0 : r.type == "NS" ? 1 : 2) : 2
        }
        let ordered = plain.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        var lines: [String] = []
        let set = z.delegationSet.flatMap(\.id).map { ", reusable delegation set \($0)" } ?? ""
        lines.append("; \(origin) exported by vanityns from Route 53 hosted zone \(z.zone.id)\(set)")
        if let c = z.zone.config?.comment, !c.isEmpty { lines.append("; comment: \(c.replacingOccurrences(of: "\n", with: " "))") }
        lines.append("$ORIGIN \(ZoneFileText.owner(origin, origin: "."))")
        lines.append("$TTL \(soa?.ttl ?? 300)")
        let owners = ordered.map { ZoneFileText.owner($0.name, origin: origin) }
        let width = min(40, owners.map(\.count).max() ?? 1)
        let ttlWidth = ordered.compactMap { $0.ttl.map { String($0).count } }.max() ?? 3
        for (r, owner) in zip(ordered, owners) {
            let ttl = String(r.ttl ?? 300)
            for value in r.values {
                let left = owner.padding(toLength: max(width, owner.count), withPad: " ", startingAt: 0)
                lines.append("\(left) \(String(repeating: " ", count: ttlWidth - ttl.count))\(ttl) IN \(r.type.padding(toLength: 5, withPad: " ", startingAt: 0)) \(ZoneFileText.value(ZoneFileText.absolute(type: r.type, value)))")
            }
        }
        if !special.isEmpty {
            lines.append("")
            lines.append("; Route 53-only record sets: \(special.count). A master file has no form for these (aliases, routing")
            lines.append("; policies, health checks, traffic policy records); they stay in Route 53 as they are:")
            for s in special { lines.append(";   \(s.summary.replacingOccurrences(of: "\n", with: " "))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
