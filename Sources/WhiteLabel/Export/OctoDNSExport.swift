import Foundation
import Route53

/// `export --format octodns`: `config.yaml` for octoDNS (the zones' source a YamlProvider on `zones/`, their target
/// `octodns_route53.Route53Provider`, with the set's id so zones octoDNS creates land in it) and one YAML file per
/// zone in the forms octoDNS's Route 53 provider reads and writes: plain records, and aliases as
/// `Route53Provider/ALIAS`, routing policies as octoDNS `dynamic` records where that keeps every answer
/// (`OctoDNSDynamic`). What that provider cannot manage is listed in a comment block of the zone file, never dropped
/// silently: the other routing policies and health checks, the SOA (octoDNS does not manage it), and the types the
/// provider does not support (HTTPS, SVCB, SSHFP, TLSA).
public enum OctoDNSExport {
    /// The record types `octodns_route53.Route53Provider` supports (its `SUPPORTS`, version 1.3).
    static let supported: Set<String> = ["A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "TXT"]
    /// The TTL octoDNS's Route 53 provider gives an alias (Route 53 has none for it).
    static let aliasTTL = 942942942

    public static func files(_ bundle: ExportBundle) -> [ExportFile] {
        let names = BindExport.fileNames(bundle.zones)
        var config = ["# octoDNS configuration written by vanityns export. Run octoDNS from this folder (the zones are in ./zones):",
                      "#   octodns-validate --config-file config.yaml; octodns-sync --config-file config.yaml",
                      "providers:",
                      "  config:",
                      "    class: octodns.provider.yaml.YamlProvider",
                      "    directory: ./zones",
                      "    enforce_order: false",
                      "  route53:",
                      "    class: octodns_route53.Route53Provider",
                      "    # credentials: boto3's own chain (AWS_PROFILE, ~/.aws/config, the environment, ...)"]
        if let id = bundle.set?.id { config.append("    delegation_set_id: \(YAMLText.quoted(id))") }
        config.append("zones:")
        var files: [ExportFile] = []
        for (z, file) in zip(bundle.zones, names) {
            let origin = z.zone.name.hasSuffix(".") ? z.zone.name : z.zone.name + "."
            config.append("  \(YAMLText.quoted(origin)):")
            if file != origin.dropLast() { config.append("    # zone \(z.zone.id): its file is zones/\(file).yaml") }
            config += ["    sources: [config]", "    targets: [route53]"]
            files.append(ExportFile(path: "zones/\(file).yaml", contents: zoneFile(z)))
        }
        return [ExportFile(path: "config.yaml", contents: config.joined(separator: "\n") + "\n")] + files
    }

    /// One zone's YAML: each name (relative, `''` the apex) with its record or list of records.
    public static func zoneFile(_ z: ExportedZone) -> String {
        let origin = z.zone.name.hasSuffix(".") ? z.zone.name : z.zone.name + "."
        var byName: [String: [String]] = [:]   // relative name -> YAML blocks of its records
        var left: [String] = []
        var aliases: [String: [(type: String, target: AliasTarget)]] = [:]
        var routed: [RoutedKey: [ResourceRecordSet]] = [:]   // routing-policy groups, in Route 53's order within each
        for r in z.records {
            let name = relative(r.name, origin: origin)
            guard holdable(name) else { left.append("\(r.name) \(r.type): octoDNS refuses this name"); continue }
            if r.type == "SOA" { left.append("\(r.name) SOA: octoDNS does not manage the SOA; Route 53 keeps it"); continue }
            if let special = Route53Only(r) {
                if let a = r.aliasTarget, r.setIdentifier == nil, r.healthCheckId == nil, r.trafficPolicyInstanceId == nil {
                    aliases[name, default: []].append((r.type, a)); continue
                }
                if r.setIdentifier != nil { routed[RoutedKey(name: name, type: r.type), default: []].append(r); continue }
                left.append(special.summary); continue
            }
            guard supported.contains(r.type) else {
                left.append("\(r.name) \(r.type) ttl \(r.ttl ?? 300): octodns_route53 does not support \(r.type); values "
                            + r.values.joined(separator: " | "))
                continue
            }
            byName[name, default: []].append(record(r))
        }
        for (name, targets) in aliases {
            let values = targets.map { t -> String in
                let zoneId: String? = ResourceID.bare(t.target.hostedZoneId) == z.zone.id ? nil : t.target.hostedZoneId
                let target = zoneId == nil ? relative(t.target.dnsName, origin: origin) : t.target.dnsName
                return "evaluate-target-health: \(t.target.evaluateTargetHealth)\nhosted-zone-id: \(zoneId.map(YAMLText.quoted) ?? "null")\n"
                    + "name: \(YAMLText.quoted(target))\ntype: \(YAMLText.quoted(t.type))"
            }
            byName[name, default: []].append(block(type: "Route53Provider/ALIAS", ttl: aliasTTL, values: values, scalar: false))
        }
        var dynamic = 0
        for key in routed.keys.sorted(by: { ($0.name, $0.type) < ($1.name, $1.type) }) {
            let sets = routed[key]!
            switch OctoDNSDynamic.block(sets) {
            case .success(let yaml): byName[key.name, default: []].append(yaml); dynamic += 1
            case .failure(let why): left += sets.map { Route53Only($0)!.summary + " (not octoDNS: \(why.text))" }
            }
        }
        var lines = ["---"]
        if dynamic > 0 {
            lines += ["# Routing policies in octoDNS's dynamic form: \(dynamic) record\(dynamic == 1 ? "" : "s"). octodns-sync would replace their",
                      "# Route 53 record sets with its provider's own layout (_octodns-<pool>-pool records, its own set identifiers);",
                      "# the answers stay the same (values status: up, so it makes no health check)."]
        }
        if !left.isEmpty {
            lines.append("# Not in this file (left in Route 53 as they are): \(left.count) record set\(left.count == 1 ? "" : "s")")
            for l in left { lines.append("#   " + l.replacingOccurrences(of: "\n", with: " ")) }
        }
        for name in byName.keys.sorted() {
            let records = byName[name]!
            lines.append("\(YAMLText.quoted(name)):")
            if records.count == 1 {
                lines += records[0].split(separator: "\n").map { "  " + $0 }
            } else {
                for r in records {
                    let rows = r.split(separator: "\n")
                    lines.append("  - " + rows[0]); lines += rows.dropFirst().map { "    " + $0 }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One name and type: the record sets a routing policy spreads over.
    struct RoutedKey: Hashable { let name: String; let type: String }

    /// True for a name octoDNS accepts: labels of letters, digits, `-` and `_`, or a lone `*` (it refuses a space, and
    /// other bytes Route 53 can hold through escapes are not names its providers round-trip).
    static func holdable(_ relativeName: String) -> Bool {
        relativeName.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            label == "*" || label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        } || relativeName.isEmpty
    }

    /// `name` relative to `origin`, as octoDNS writes it (`''` for the apex); escapes decoded.
    static func relative(_ name: String, origin: String) -> String {
        let n = ZoneFileText.labels(name.lowercased()), o = ZoneFileText.labels(origin.lowercased())
        let text = { (l: ArraySlice<[UInt8]>) in l.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") }
        guard n.count >= o.count, Array(n.suffix(o.count)) == o else { return text(n[...]) + "." }
        return text(n.dropLast(o.count))
    }

    /// A record's YAML block (`ttl`, `type`, then `value` or `values`), without indentation.
    static func record(_ r: ResourceRecordSet) -> String {
        let values = r.values.map { value(r.type, ZoneFileText.absolute(type: r.type, $0)) }
        let scalar = ["A", "AAAA", "CNAME", "NS", "PTR", "SPF", "TXT"].contains(r.type)
        return block(type: r.type, ttl: r.ttl ?? 300, values: values, scalar: scalar)
    }

    static func block(type: String, ttl: Int, values: [String], scalar: Bool) -> String {
        var out = "ttl: \(ttl)\ntype: \(YAMLText.quoted(type))\n"
        if values.count == 1 {
            out += scalar ? "value: \(values[0])" : "value:\n" + values[0].split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        } else {
            out += "values:"
            for v in values {
                if scalar { out += "\n- \(v)" } else {
                    let rows = v.split(separator: "\n")
                    out += "\n- " + rows[0] + rows.dropFirst().map { "\n  " + $0 }.joined()
                }
            }
        }
        return out
    }

    /// One value in octoDNS's form: a quoted scalar, or the fields of a structured type one per line.
    static func value(_ type: String, _ v: String) -> String {
        let f = fields(v)
        func at(_ i: Int) -> String { i < f.count ? f[i] : "" }
        func number(_ i: Int) -> String { Int(at(i)).map(String.init) ?? YAMLText.quoted(at(i)) }
        switch type {
        case "MX": return "exchange: \(YAMLText.quoted(at(1)))\npreference: \(number(0))"
        case "SRV": return "port: \(number(2))\npriority: \(number(0))\ntarget: \(YAMLText.quoted(at(3)))\nweight: \(number(1))"
        case "CAA": return "flags: \(number(0))\ntag: \(YAMLText.quoted(at(1)))\nvalue: \(YAMLText.quoted(at(2)))"
        case "DS": return "algorithm: \(number(1))\ndigest: \(YAMLText.quoted(at(3)))\ndigest_type: \(number(2))\nkey_tag: \(number(0))"
        case "NAPTR":
            return "flags: \(YAMLText.quoted(at(2)))\norder: \(number(0))\npreference: \(number(1))\nregexp: \(YAMLText.quoted(at(4)))\n"
                + "replacement: \(YAMLText.quoted(at(5)))\nservice: \(YAMLText.quoted(at(3)))"
        case "TXT", "SPF": return YAMLText.quoted(txt(v))
        default: return YAMLText.quoted(v)
        }
    }

    /// A TXT value as octoDNS holds it: its quoted strings joined into one, escapes inside kept, `;` escaped as `\;`.
    static func txt(_ v: String) -> String {
        var out = "", inside = false, escaped = false
        for c in v {
            if escaped { out.append(c); escaped = false; continue }
            if c == "\\" { out.append(c); escaped = true; continue }
            if c == "\"" { inside.toggle(); continue }
            if inside { out += c == ";" ? "\\;" : String(c) } else if !c.isWhitespace { out.append(c) }
        }
        return out
    }

    /// The whitespace-separated fields of a value, a quoted field's quotes removed.
    static func fields(_ v: String) -> [String] {
        var out: [String] = [], field = "", inside = false, escaped = false, started = false
        for c in v {
            if escaped { field.append(c); escaped = false; continue }
            if c == "\\" && inside { field.append(c); escaped = true; continue }
            if c == "\"" { inside.toggle(); started = true; continue }
            if c.isWhitespace && !inside {
                if started || !field.isEmpty { out.append(field); field = ""; started = false }
                continue
            }
            field.append(c)
        }
        if started || !field.isEmpty { out.append(field) }
        return out
    }
}

/// YAML scalars written as double-quoted strings (YAML 1.1 and 1.2 read them alike).
enum YAMLText {
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f { out += String(format: "\\x%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
