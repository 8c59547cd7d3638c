import Route53

/// octoDNS's own form of Route 53's routing policies: a `dynamic` record (pools of values, rules that pick a pool)
/// that `octodns_route53.Route53Provider` turns into weighted, failover and geolocation record sets of its own layout.
/// A group of record sets (one name and type) becomes one only where that keeps every answer the same:
/// - weighted: one pool, each set's value with the set's weight (octoDNS takes weights 1 to 100);
/// - failover: a `primary` pool falling back to a `secondary` pool;
/// - geolocation: a pool per set and a rule per location, the default location (`*`) the final catch-all rule;
/// each set with one value (the provider serves one value of a pool per answer), no health check (the provider
/// would make its own: values are written `status: up`, which needs none), one TTL for the group, and no alias.
/// Anything else (latency, multivalue, IP-based, geoproximity, aliases, health checks) stays in Route 53 as it is and
/// is listed in the zone file's comment block with the reason.
enum OctoDNSDynamic {
    /// The record's YAML block (relative to its name), or why octoDNS cannot hold the group without changing an answer.
    static func block(_ sets: [ResourceRecordSet]) -> Result<String, Reason> {
        guard let first = sets.first else { return .failure(Reason("no record sets")) }
        guard ["A", "AAAA", "CNAME"].contains(first.type) else { return .failure(Reason("octoDNS has dynamic records for A, AAAA and CNAME only")) }
        if sets.contains(where: { $0.aliasTarget != nil }) { return .failure(Reason("octoDNS's dynamic records hold values, not aliases")) }
        if sets.contains(where: { $0.healthCheckId != nil }) {
            return .failure(Reason("health checks: octoDNS's Route 53 provider makes its own and cannot keep these"))
        }
        if sets.contains(where: { $0.trafficPolicyInstanceId != nil }) { return .failure(Reason("made by a traffic policy")) }
        if Set(sets.map { $0.ttl ?? 300 }).count > 1 { return .failure(Reason("the sets' TTLs differ; an octoDNS record has one")) }
        if sets.contains(where: { $0.values.count != 1 }) {
            return .failure(Reason("a set with several values: octoDNS's provider would answer one value of a pool at a time"))
        }
        let pools: [(name: String, values: [(value: String, weight: Int)], fallback: String?)]
        let rules: [(geos: [String], pool: String)]
        if sets.allSatisfy({ $0.weight != nil }) {
            guard sets.allSatisfy({ (1...100).contains($0.weight!) }) else {
                return .failure(Reason("weights outside 1 to 100 (octoDNS's range; Route 53 takes 0 to 255)"))
            }
            let single = sets.count == 1
            pools = [("weighted", sets.map { ($0.values[0], single ? 1 : $0.weight!) }, nil)]
            rules = [([], "weighted")]
        } else if sets.allSatisfy({ $0.failover != nil }), sets.count == 2,
                  let primary = sets.first(where: { $0.failover == "PRIMARY" }), let secondary = sets.first(where: { $0.failover == "SECONDARY" }) {
            pools = [("primary", [(primary.values[0], 1)], "secondary"), ("secondary", [(secondary.values[0], 1)], nil)]
            rules = [([], "primary")]
        } else if sets.allSatisfy({ $0.geoLocation != nil }) {
            var named: [(String, [(String, Int)], String?)] = [], geoRules: [([String], String)] = [], catchAll: String?
            for (i, s) in sets.enumerated() {
                let pool = poolName(s.setIdentifier ?? "", index: i)
                named.append((pool, [(s.values[0], 1)], nil))
                switch geo(s.geoLocation!) {
                case .success(nil): catchAll = pool
                case .success(let code?): geoRules.append(([code], pool))
                case .failure(let r): return .failure(r)
                }
            }
            guard let catchAll else {
                return .failure(Reason("no default location (*): Route 53 answers nothing elsewhere, an octoDNS record must answer everywhere"))
            }
            pools = named.map { (name: $0.0, values: $0.1, fallback: $0.2) }
            // octoDNS checks a location against those before it: the more specific first (NA-US-CA before NA-US).
            rules = geoRules.sorted { ($0.0[0].count, $0.0[0]) > ($1.0[0].count, $1.0[0]) }.map { (geos: $0.0, pool: $0.1) } + [([], catchAll)]
        } else {
            return .failure(Reason("a routing policy octoDNS has no form for"))
        }
        let base = first.values[0]
        var out = "dynamic:\n  pools:"
        for p in pools {
            out += "\n    \(YAMLText.quoted(p.name)):"
            if let f = p.fallback { out += "\n      fallback: \(YAMLText.quoted(f))" }
            out += "\n      values:"
            for v in p.values {
                out += "\n      - status: up\n        value: \(OctoDNSExport.value(first.type, v.value))\n        weight: \(v.weight)"
            }
        }
        out += "\n  rules:"
        for r in rules {
            out += r.geos.isEmpty ? "\n  - pool: \(YAMLText.quoted(r.pool))"
                : "\n  - geos: [\(r.geos.map(YAMLText.quoted).joined(separator: ", "))]\n    pool: \(YAMLText.quoted(r.pool))"
        }
        let scalar = first.type == "CNAME"
        out += "\nttl: \(first.ttl ?? 300)\ntype: \(YAMLText.quoted(first.type))\n"
            + (scalar ? "value: " : "values:\n- ") + OctoDNSExport.value(first.type, base)
        return .success(out)
    }

    /// Why a group stays in Route 53.
    struct Reason: Error, Equatable { let text: String; init(_ text: String) { self.text = text } }

    /// A pool name from a set identifier: letters, digits and `-` (it becomes a DNS label of the provider's records),
    /// starting with a letter, and the set's position to keep two identifiers that clean up alike apart.
    static func poolName(_ setIdentifier: String, index: Int) -> String {
        let cleaned = String(setIdentifier.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        return "p\(index)-" + cleaned.prefix(40)
    }

    /// octoDNS's code for a Route 53 location: `EU`, `NA-US`, `NA-US-CA`; nil for the default (`*`).
    static func geo(_ g: GeoLocation) -> Result<String?, Reason> {
        if let c = g.continentCode { return .success(c) }
        guard let country = g.countryCode else { return .failure(Reason("a location without a continent or country")) }
        if country == "*" { return .success(nil) }
        guard let continent = countries[country] else { return .failure(Reason("country \(country) is not one octoDNS knows")) }
        return .success([continent, country, g.subdivisionCode].compactMap { $0 }.joined(separator: "-"))
    }

    /// ISO 3166 country code -> continent, as octoDNS files countries (octodns/record/geo_data.py, octoDNS 1.22).
    static let countries: [String: String] = {
        var table: [String: String] = [:]
        let byContinent: [String: String] = [
            "AF": "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR"
                + " MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
            "AN": "AQ BV HM TF",
            "AS": "AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM"
                + " MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
            "EU": "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV"
                + " MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA",
            "NA": "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM"
                + " PR SV SX TC TT US VC VG VI",
            "OC": "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
            "SA": "AR BO BR CL CO EC FK GF GS GY PE PY SR UY VE",
        ]
        for (continent, countries) in byContinent { for country in countries.split(separator: " ") { table[String(country)] = continent } }
        return table
    }()
}
