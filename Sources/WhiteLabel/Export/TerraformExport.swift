import Foundation
import Route53

/// `export --format terraform`: `main.tf` for the AWS provider with `import {}` blocks carrying the existing ids, so
/// that `terraform plan` after the import shows no change: the reusable delegation set (its `reference_name` is not
/// read back on import, so it is ignored, and the set is `prevent_destroy`: a new set means new name servers), each
/// zone with its `delegation_set_id` and comment, and every record set (apex NS and SOA with `allow_overwrite`,
/// aliases, every routing policy, health check ids). A traffic policy's records cannot be an `aws_route53_record`:
/// they are listed in a comment.
public enum TerraformExport {
    public static func files(_ bundle: ExportBundle) -> [ExportFile] {
        [ExportFile(path: "main.tf", contents: main(bundle))]
    }

    public static func main(_ bundle: ExportBundle) -> String {
        var names = Identifiers()
        var out = """
        # Written by vanityns export. `terraform init`, then `terraform plan`: the import blocks adopt what exists and
        # the plan shows no change. Health checks are referred to by id (not managed here).
        terraform {
          required_providers {
            aws = {
              source  = "hashicorp/aws"
              version = ">= 5.0"
            }
          }
        }

        """
        var setRef: [String: String] = [:]
        if let set = bundle.set, let id = set.id {
            let name = names.make("set_\(id)")
            setRef[id] = "aws_route53_delegation_set.\(name).id"
            out += importBlock("aws_route53_delegation_set.\(name)", id)
            out += """
            # Name servers: \(set.nameServers.joined(separator: ", "))
            resource "aws_route53_delegation_set" "\(name)" {
              lifecycle {
                # Not read back on import: without this Terraform would replace the set, and a new set has new name servers.
                ignore_changes  = [reference_name]
                prevent_destroy = true
              }
            }


            """
        }
        for z in bundle.zones {
            let zoneName = names.make("zone_" + plain(z.zone.name))
            let zoneRef = "aws_route53_zone.\(zoneName).zone_id"
            out += importBlock("aws_route53_zone.\(zoneName)", z.zone.id)
            out += "resource \"aws_route53_zone\" \"\(zoneName)\" {\n"
            var zoneArgs: [(String, String)] = [("name", HCL.string(plain(z.zone.name))), ("comment", HCL.string(z.zone.config?.comment ?? ""))]
            if let id = z.delegationSet?.id { zoneArgs.append(("delegation_set_id", setRef[id] ?? HCL.string(id))) }
            out += HCL.arguments(zoneArgs, indent: "  ") + "}\n\n"
            var skipped: [String] = []
            for r in z.records {
                if r.trafficPolicyInstanceId != nil { skipped.append(Route53Only(r)!.summary); continue }
                let name = names.make("\(zoneName)_\(plain(r.name))_\(r.type)" + (r.setIdentifier.map { "_\($0)" } ?? ""))
                out += importBlock("aws_route53_record.\(name)", importId(zoneId: z.zone.id, r))
                out += "resource \"aws_route53_record\" \"\(name)\" {\n" + body(r, zone: z, zoneRef: zoneRef) + "}\n\n"
            }
            if !skipped.isEmpty {
                out += "# Not here: records of traffic policy instances (recreate them from the policy):\n"
                out += skipped.map { "#   \($0)\n" }.joined() + "\n"
            }
        }
        return out
    }

    /// The id `terraform import aws_route53_record` takes: `ZONEID_NAME_TYPE[_SETIDENTIFIER]`, the name without its
    /// final dot and with Route 53's escapes decoded (`\052` as `*`).
    public static func importId(zoneId: String, _ r: ResourceRecordSet) -> String {
        "\(zoneId)_\(plain(r.name))_\(r.type)" + (r.setIdentifier.map { "_\($0)" } ?? "")
    }

    /// A name as the provider writes it: escapes decoded, lower case, no final dot.
    static func plain(_ name: String) -> String {
        let text = ZoneFileText.labels(name.lowercased()).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
        return text.isEmpty ? "." : text
    }

    static func importBlock(_ to: String, _ id: String) -> String {
        "import {\n  to = \(to)\n  id = \(HCL.string(id))\n}\n"
    }

    /// The arguments of one `aws_route53_record`.
    static func body(_ r: ResourceRecordSet, zone z: ExportedZone, zoneRef: String) -> String {
        var args: [(String, String)] = [("zone_id", zoneRef), ("name", HCL.string(plain(r.name))), ("type", HCL.string(r.type))]
        let apex = r.name.lowercased() == z.zone.name.lowercased()
        if apex && (r.type == "NS" || r.type == "SOA") { args.append(("allow_overwrite", "true")) }
        if let ttl = r.ttl { args.append(("ttl", String(ttl))) }
        if r.aliasTarget == nil {
            let values = r.values.map { v -> String in
                // The provider quotes TXT and SPF values itself and strips the outer quotes when it reads them back.
                guard r.type == "TXT" || r.type == "SPF", v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") else { return HCL.string(v) }
                return HCL.string(String(v.dropFirst().dropLast()))
            }
            args.append(("records", "[" + values.joined(separator: ", ") + "]"))
        }
        if let id = r.setIdentifier { args.append(("set_identifier", HCL.string(id))) }
        if let h = r.healthCheckId { args.append(("health_check_id", HCL.string(h))) }
        if r.multiValueAnswer == true { args.append(("multivalue_answer_routing_policy", "true")) }
        var out = HCL.arguments(args, indent: "  ")
        func nested(_ name: String, _ inner: [(String, String)]) { out += "\n  \(name) {\n" + HCL.arguments(inner, indent: "    ") + "  }\n" }
        if let a = r.aliasTarget {
            let sameZone = ResourceID.bare(a.hostedZoneId) == z.zone.id
            nested("alias", [("name", HCL.string(plain(a.dnsName))), ("zone_id", sameZone ? zoneRef : HCL.string(a.hostedZoneId)),
                             ("evaluate_target_health", a.evaluateTargetHealth ? "true" : "false")])
        }
        if let w = r.weight { nested("weighted_routing_policy", [("weight", String(w))]) }
        if let region = r.region { nested("latency_routing_policy", [("region", HCL.string(region))]) }
        if let f = r.failover { nested("failover_routing_policy", [("type", HCL.string(f))]) }
        if let g = r.geoLocation {
            nested("geolocation_routing_policy", [g.continentCode.map { ("continent", HCL.string($0)) }, g.countryCode.map { ("country", HCL.string($0)) },
                                                  g.subdivisionCode.map { ("subdivision", HCL.string($0)) }].compactMap { $0 })
        }
        if let c = r.cidrRoutingConfig {
            nested("cidr_routing_policy", [("collection_id", HCL.string(c.collectionId)), ("location_name", HCL.string(c.locationName))])
        }
        if let p = r.geoProximityLocation {
            var inner = [p.awsRegion.map { ("aws_region", HCL.string($0)) }, p.bias.map { ("bias", String($0)) },
                         p.localZoneGroup.map { ("local_zone_group", HCL.string($0)) }].compactMap { $0 }
            if let c = p.coordinates {
                inner.append(("coordinates", "{\n      latitude  = \(HCL.string(c.latitude))\n      longitude = \(HCL.string(c.longitude))\n    }"))
            }
            nested("geoproximity_routing_policy", inner)
        }
        return out
    }

    /// Resource names: Terraform identifiers (letters, digits, `_`, `-`, not starting with a digit), unique.
    struct Identifiers {
        var used: Set<String> = []
        mutating func make(_ text: String) -> String {
            var s = String(text.map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" ? $0 : "_" })
            if let f = s.first, !(f.isLetter || f == "_") { s = "_" + s }
            var candidate = s, n = 2
            while used.contains(candidate) { candidate = "\(s)_\(n)"; n += 1 }
            used.insert(candidate)
            return candidate
        }
    }
}

/// HCL text: quoted strings with Terraform's escapes and its template sequences (`${`, `%{`) doubled.
enum HCL {
    static func string(_ s: String) -> String {
        var out = "\""
        var previous: Character?
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "{" where previous == "$" || previous == "%": out.removeLast(); out += "\(previous!)\(previous!){"
            default: out.append(c)
            }
            previous = c
        }
        return out + "\""
    }

    /// `name = value` lines, the `=` aligned.
    static func arguments(_ args: [(String, String)], indent: String) -> String {
        let width = args.map(\.0.count).max() ?? 0
        return args.map { "\(indent)\($0.0.padding(toLength: width, withPad: " ", startingAt: 0)) = \($0.1)\n" }.joined()
    }
}
