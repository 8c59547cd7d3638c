import Foundation
import Route53
import Terminal

/// Every field of one record set, for the browser's detail view and the wizard's plan step: all values wrapped (TXT
/// as its strings), TTL, alias target (with the target zone's name when it is one of the account's), routing and the
/// health check. Pure: lines for a width, and the same content as plain text for the clipboard.
public struct RecordDetail: Sendable, Equatable {
    public var record: ResourceRecordSet
    /// Names of the account's zones by bare id, to name an alias target's zone.
    public var zoneNames: [String: String]
    public init(_ record: ResourceRecordSet, zoneNames: [String: String] = [:]) { self.record = record; self.zoneNames = zoneNames }

    static let labelWidth = 24

    /// `label: value` pairs, routing members only when set.
    public var fields: [(String, String)] {
        let r = record
        var out: [(String, String)] = [("name", r.name), ("type", r.type)]
        if let a = r.aliasTarget {
            out.append(("TTL", "none (an alias answers with its target's TTL)"))
            let zone = ResourceID.bare(a.hostedZoneId)
            out.append(("alias target zone", zone + (zoneNames[zone].map { "  (\(BrowserRunner.bare($0)), in this account)" } ?? "")))
            out.append(("alias target DNS name", a.dnsName))
            out.append(("evaluate target health", a.evaluateTargetHealth ? "yes" : "no"))
        } else {
            out.append(("TTL", r.ttl.map { "\($0) s" } ?? "none"))
        }
        out += routingFields
        if let h = r.healthCheckId { out.append(("health check", h)) }
        if let t = r.trafficPolicyInstanceId { out.append(("traffic policy instance", t)) }
        return out
    }

    /// The routing policy's members (empty for simple routing).
    var routingFields: [(String, String)] {
        let r = record
        var out: [(String, String)] = []
        if let p = Self.policy(r) { out.append(("routing", p)) }
        if let id = r.setIdentifier { out.append(("set identifier", id)) }
        if let w = r.weight { out.append(("weight", String(w))) }
        if let region = r.region { out.append(("region (latency)", region)) }
        if let g = r.geoLocation { out.append(("geolocation", Self.geo(g))) }
        if let g = r.geoProximityLocation {
            var where_ = g.awsRegion ?? g.localZoneGroup.map { "local zone group \($0)" } ?? ""
            if let c = g.coordinates { where_ = "latitude \(c.latitude), longitude \(c.longitude)" }
            out.append(("geoproximity", where_ + (g.bias.map { ", bias \($0)" } ?? "")))
        }
        if let c = r.cidrRoutingConfig { out.append(("CIDR collection", c.collectionId)); out.append(("CIDR location", c.locationName)) }
        if let f = r.failover { out.append(("failover", f)) }
        if let m = r.multiValueAnswer { out.append(("multivalue answer", m ? "yes" : "no")) }
        return out
    }

    /// The routing policy's name, nil for simple routing.
    static func policy(_ r: ResourceRecordSet) -> String? {
        if r.weight != nil { return "weighted" }
        if r.region != nil { return "latency" }
        if r.failover != nil { return "failover" }
        if r.geoLocation != nil { return "geolocation" }
        if r.geoProximityLocation != nil { return "geoproximity" }
        if r.cidrRoutingConfig != nil { return "IP-based (CIDR)" }
        if r.multiValueAnswer == true { return "multivalue answer" }
        return nil
    }

    static func geo(_ g: GeoLocation) -> String {
        if g.countryCode == "*" { return "default (*)" }
        return [g.continentCode.map { "continent \($0)" }, g.countryCode.map { "country \($0)" },
                g.subdivisionCode.map { "subdivision \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// The list's routing cell: `w=70 id=blue`, `fo=PRIMARY id=a` (failover), `lat=eu-west-1` (latency), `geo=EU id=eu`, `hc` when health-checked.
    public static func routingCell(_ r: ResourceRecordSet) -> String {
        var parts: [String] = []
        if let w = r.weight { parts.append("w=\(w)") }
        if let region = r.region { parts.append("lat=\(region)") }
        if let f = r.failover { parts.append("fo=\(f)") }
        if let g = r.geoLocation { parts.append("geo=" + ([g.continentCode, g.countryCode, g.subdivisionCode].compactMap { $0 }.joined(separator: "-"))) }
        if let g = r.geoProximityLocation {
            parts.append("prox=" + (g.awsRegion ?? g.localZoneGroup ?? g.coordinates.map { "\($0.latitude),\($0.longitude)" } ?? ""))
            if let b = g.bias { parts.append("bias=\(b)") }
        }
        if let c = r.cidrRoutingConfig { parts.append("cidr=\(c.locationName)") }
        if r.multiValueAnswer == true { parts.append("multi") }
        if let id = r.setIdentifier { parts.append("id=\(id)") }
        if r.healthCheckId != nil { parts.append("hc") }
        return parts.joined(separator: " ")
    }

    /// The list's values cell: `ALIAS target` for aliases, else the values with their count first when there are
    /// several (so the count survives the cut at the column's end).
    public static func valuesCell(_ r: ResourceRecordSet) -> String {
        if let a = r.aliasTarget { return "ALIAS \(a.dnsName)" }
        let v = r.values
        return (v.count > 1 ? "(\(v.count)) " : "") + v.joined(separator: " ")
    }

    /// The character-strings of a TXT (or SPF) value as Route 53 writes it: `"a" "b\"c"` gives `a`, `b"c`; `\DDD`
    /// escapes become their byte. Text outside quotes is one string per word.
    public static func txtStrings(_ value: String) -> [String] {
        var out: [String] = [], cur: [UInt8] = [], quoted = false, any = false
        let b = Array(value.utf8)
        var i = 0
        func flush() { if any { out.append(String(decoding: cur, as: UTF8.self)) }; cur = []; any = false }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                if i + 3 < b.count, b[(i + 1)...(i + 3)].allSatisfy({ (48...57).contains($0) }),
                   let n = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self)) {
                    cur.append(n); i += 4; any = true; continue
                }
                cur.append(b[i + 1]); i += 2; any = true; continue
            }
            if c == UInt8(ascii: "\"") { if quoted { any = true; flush() }; quoted.toggle(); i += 1; continue }
            if c == UInt8(ascii: " ") && !quoted { flush(); i += 1; continue }
            cur.append(c); any = true; i += 1
        }
        flush()
        return out
    }

    /// The value lines: each TXT value's strings one per line, other values flowed two spaces apart.
    func valueLines(width: Int) -> [String] {
        let v = record.values
        if v.isEmpty { return [] }
        if ["TXT", "SPF"].contains(record.type.uppercased()) {
            var out: [String] = []
            for (i, value) in v.enumerated() {
                let strings = Self.txtStrings(value)
                for (j, s) in strings.enumerated() {
                    let head = j == 0 ? (v.count > 1 ? "\(i + 1). " : "") : (v.count > 1 ? "   " : "")
                    let mark = strings.count > 1 ? "[\(j + 1)] " : ""
                    for (k, l) in Widgets.wrap(s, width: max(8, width - head.count - mark.count)).enumerated() {
                        out.append((k == 0 ? head + mark : String(repeating: " ", count: head.count + mark.count)) + l)
                    }
                }
            }
            return out
        }
        return Widgets.wrap(v.joined(separator: "  "), width: width)
    }

    /// The lines to draw at `width`: labelled fields, then the values under a heading with their count.
    public func lines(width: Int) -> [(String, Role)] {
        var out: [(String, Role)] = []
        let lw = Self.labelWidth, room = max(8, width - lw)
        for (label, value) in fields {
            for (i, l) in Widgets.wrap(value, width: room).enumerated() {
                out.append(((i == 0 ? TextWidth.pad(label, to: lw) : String(repeating: " ", count: lw)) + l, .normal))
            }
        }
        let v = record.values
        if !v.isEmpty {
            out.append(("", .normal))
            out.append((v.count == 1 ? "value" : "values (\(v.count))", .heading))
            out += valueLines(width: max(8, width - 2)).map { ("  " + $0, .normal) }
        }
        return out
    }

    /// The fields and the values as plain text (what `c` copies): one `label  value` line each, values one per line
    /// exactly as Route 53 holds them.
    public var text: String {
        let w = fields.map { TextWidth.of($0.0) }.max() ?? 0
        var out = fields.map { TextWidth.pad($0.0, to: w) + "  " + $0.1 }
        if !record.values.isEmpty { out.append(record.values.count == 1 ? "value" : "values (\(record.values.count))"); out += record.values }
        return out.joined(separator: "\n") + "\n"
    }

    /// Draws `lines` into `r` from `offset`, with `↑ n above` / `↓ n more` markers; returns the offset used.
    @discardableResult
    public static func draw(_ f: inout Frame, _ r: Rect, lines: [(String, Role)], offset: Int) -> Int {
        let top = min(offset, max(0, lines.count - r.height))
        for (i, l) in lines.dropFirst(top).prefix(r.height).enumerated() {
            let isLabel = l.1 == .normal && TextWidth.of(l.0) > labelWidth && !l.0.hasPrefix(" ")
            if isLabel {
                let label = String(l.0.prefix(labelWidth))
                f.put(label, x: r.x, y: r.y + i, width: r.width, role: .heading)
                f.put(String(l.0.dropFirst(labelWidth)), x: r.x + labelWidth, y: r.y + i, width: r.width - labelWidth)
            } else {
                f.put(l.0, x: r.x, y: r.y + i, width: r.width, role: l.1)
            }
        }
        let below = lines.count - top - r.height
        for (text, y, show) in [(" ↑ \(top) above", r.y, top > 0), (" ↓ \(below) more", r.maxY - 1, below > 0)] where show {
            f.put(text, x: r.x + r.width - TextWidth.of(text), y: y, role: .accent)
        }
        return top
    }
}
