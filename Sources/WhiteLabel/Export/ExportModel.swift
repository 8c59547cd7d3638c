import Foundation
import Route53

/// One hosted zone as an export reads it: the zone, the name servers that serve it (with the reusable set's id when it
/// has one) and every record set, as ListResourceRecordSets returned them.
public struct ExportedZone: Sendable, Equatable {
    public var zone: HostedZone
    public var delegationSet: DelegationSet?
    public var records: [ResourceRecordSet]
    public init(zone: HostedZone, delegationSet: DelegationSet?, records: [ResourceRecordSet]) {
        self.zone = zone; self.delegationSet = delegationSet; self.records = records
    }
}

/// What `vanityns export` writes: the zones, and the reusable delegation set when the export was of a set.
public struct ExportBundle: Sendable, Equatable {
    public var set: DelegationSet?
    public var zones: [ExportedZone]
    public init(set: DelegationSet?, zones: [ExportedZone]) { self.set = set; self.zones = zones }
}

/// A file an export produces, its path relative to the output folder.
public struct ExportFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) { self.path = path; self.contents = contents }
}

/// The formats `vanityns export` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
    case bind, octodns, terraform

    /// The files of `bundle` in this format.
    public func files(_ bundle: ExportBundle) -> [ExportFile] {
        switch self {
        case .bind: return BindExport.files(bundle)
        case .octodns: return OctoDNSExport.files(bundle)
        case .terraform: return TerraformExport.files(bundle)
        }
    }
}

/// What only Route 53 can hold about a record set: an alias, a routing policy (weighted, latency, failover,
/// geolocation, geoproximity, IP-based, multivalue), a health check, or a traffic policy instance's record.
public struct Route53Only: Sendable, Equatable {
    public var record: ResourceRecordSet

    /// nil for a plain record set (a name, a type, a TTL and values), which every DNS tool can hold.
    public init?(_ record: ResourceRecordSet) {
        guard record.aliasTarget != nil || record.setIdentifier != nil || record.healthCheckId != nil
                || record.trafficPolicyInstanceId != nil else { return nil }
        self.record = record
    }

    /// What the record set is, on one line: `alias to d1.cloudfront.net. (zone Z2FD..., evaluate target health)`,
    /// `weighted 70, set blue, health check 1234`, with its values last.
    public var summary: String {
        var parts: [String] = []
        if let a = record.aliasTarget {
            parts.append("alias to \(a.dnsName) (zone \(a.hostedZoneId)\(a.evaluateTargetHealth ? ", evaluate target health" : ""))")
        }
        if let w = record.weight { parts.append("weighted \(w)") }
        if let r = record.region { parts.append("latency, region \(r)") }
        if let f = record.failover { parts.append("failover \(f)") }
        if let g = record.geoLocation {
            let place = [g.continentCode.map { "continent \($0)" }, g.countryCode.map { "country \($0)" },
                         g.subdivisionCode.map { "subdivision \($0)" }].compactMap { $0 }
            parts.append("geolocation " + (place.isEmpty ? "default" : place.joined(separator: " ")))
        }
        if let p = record.geoProximityLocation {
            let place = [p.awsRegion.map { "region \($0)" }, p.localZoneGroup.map { "local zone group \($0)" },
                         p.coordinates.map { "coordinates \($0.latitude),\($0.longitude)" }, p.bias.map { "bias \($0)" }].compactMap { $0 }
            parts.append("geoproximity " + place.joined(separator: " "))
        }
        if let c = record.cidrRoutingConfig { parts.append("IP-based, collection \(c.collectionId) location \(c.locationName)") }
        if record.multiValueAnswer == true { parts.append("multivalue answer") }
        if let id = record.setIdentifier { parts.append("set \(id)") }
        if let h = record.healthCheckId { parts.append("health check \(h)") }
        if let t = record.trafficPolicyInstanceId { parts.append("traffic policy instance \(t)") }
        if let ttl = record.ttl, record.aliasTarget == nil { parts.append("ttl \(ttl)") }
        if !record.values.isEmpty { parts.append("values " + record.values.joined(separator: " | ")) }
        return "\(record.name) \(record.type) " + parts.joined(separator: ", ")
    }
}

/// Route 53's text forms turned into a master file's (RFC 1035 §5.1): Route 53 writes a special byte of a name or a
/// TXT string as a three-digit *octal* escape (`\052` is `*`), a master file as a *decimal* one (`\042`).
public enum ZoneFileText {
    /// A value (or a name) with each `\ooo` octal escape rewritten as `\DDD` decimal; `\"`, `\\` and the rest unchanged.
    public static func value(_ route53: String) -> String { reescape(route53, from: 8, to: 10) }

    /// Rewrites every three-digit escape `\ddd` written in base `from` (8: Route 53's, 10: a master file's) in base
    /// `to`; other backslash escapes are kept as they are.
    static func reescape(_ text: String, from: Int, to: Int) -> String {
        guard text.contains("\\") else { return text }
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        func digit(_ j: Int) -> Int? { j < b.count && b[j] >= 0x30 && Int(b[j] - 0x30) < from ? Int(b[j] - 0x30) : nil }
        while i < b.count {
            if b[i] == 0x5c, let d1 = digit(i + 1), let d2 = digit(i + 2), let d3 = digit(i + 3) {
                let v = (d1 * from + d2) * from + d3
                out.append(contentsOf: Array(String(format: to == 8 ? "\\%03o" : "\\%03d", v).utf8)); i += 4
            } else if b[i] == 0x5c, i + 1 < b.count {
                out.append(b[i]); out.append(b[i + 1]); i += 2
            } else {
                out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A value with the host names in it made absolute: Route 53 has no relative names (it reads `mail.example.com`
    /// as `mail.example.com.`), a master file or octoDNS would read them below the origin. NS, CNAME, PTR: the value;
    /// MX: the exchange; SRV: the target; NAPTR: the replacement.
    public static func absolute(type: String, _ value: String) -> String {
        let position: Int
        switch type {
        case "NS", "CNAME", "PTR": position = 0
        case "MX": position = 1
        case "SRV": position = 3
        case "NAPTR": position = 5
        default: return value
        }
        var fields = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard position < fields.count, !fields[position].hasSuffix("."), !fields[position].contains("\"") else { return value }
        fields[position] += "."
        return fields.joined(separator: " ")
    }

    /// The labels of a Route 53 name as bytes (escapes decoded), without the root.
    public static func labels(_ route53Name: String) -> [[UInt8]] {
        let b = Array(route53Name.utf8)
        var labels: [[UInt8]] = [], label: [UInt8] = []
        var i = 0
        func isOctal(_ j: Int) -> Bool { j < b.count && b[j] >= 0x30 && b[j] <= 0x37 }
        while i < b.count {
            if b[i] == 0x5c, isOctal(i + 1), isOctal(i + 2), isOctal(i + 3) {
                label.append(UInt8(truncatingIfNeeded: Int(b[i + 1] - 0x30) * 64 + Int(b[i + 2] - 0x30) * 8 + Int(b[i + 3] - 0x30))); i += 4
            } else if b[i] == 0x5c, i + 1 < b.count {
                label.append(b[i + 1]); i += 2
            } else if b[i] == 0x2e {
                labels.append(label); label = []; i += 1
            } else {
                label.append(b[i]); i += 1
            }
        }
        if !label.isEmpty { labels.append(label) }
        return labels
    }

    /// One label in master-file form: letters, digits, `-` and `_` as they are, a lone `*` as the wildcard, every
    /// other byte as `\DDD`.
    public static func label(_ bytes: [UInt8]) -> String {
        if bytes == [0x2a] { return "*" }
        return bytes.map { c -> String in
            let plain = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f
            return plain ? String(UnicodeScalar(c)) : String(format: "\\%03d", Int(c))
        }.joined()
    }

    /// `name` relative to `origin` in master-file form: `@` for the origin itself, else the labels below it; a name
    /// outside the origin stays absolute (with its dot).
    public static func owner(_ name: String, origin: String) -> String {
        let n = labels(name), o = labels(origin)
        let lower = { (l: [[UInt8]]) in l.map { $0.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 32 : $0 } } }
        if n.count >= o.count, lower(Array(n.suffix(o.count))) == lower(o) {
            let rest = n.dropLast(o.count)
            return rest.isEmpty ? "@" : rest.map(label).joined(separator: ".")
        }
        return n.map(label).joined(separator: ".") + "."
    }
}
