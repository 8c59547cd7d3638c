import Crypto
import Foundation
import Route53

/// A record set in the canonical form both sides of a migration are compared in, the one `scripts/zone-parity.py`
/// documents (so the two digests can be compared): names and alias DNS names with `\DDD` decoded, lowercased, with
/// the trailing dot; `Values` exact, de-duplicated and sorted; no TTL on aliases; absent members left out.
public struct CanonicalRecord: Hashable, Sendable {
    public let fields: [String: CanonicalValue]

    public init(_ r: ResourceRecordSet) {
        var f: [String: CanonicalValue] = ["Name": .string(RecordCopy.canonicalName(r.name)), "Type": .string(r.type.uppercased())]
        func put(_ k: String, _ v: CanonicalValue?) { if let v { f[k] = v } }
        put("SetIdentifier", r.setIdentifier.map(CanonicalValue.string))
        put("Weight", r.weight.map(CanonicalValue.int))
        put("Region", r.region.map(CanonicalValue.string))
        put("GeoLocation", r.geoLocation.map { g in .object([
            "ContinentCode": g.continentCode.map(CanonicalValue.string), "CountryCode": g.countryCode.map(CanonicalValue.string),
            "SubdivisionCode": g.subdivisionCode.map(CanonicalValue.string)].compactMapValues { $0 }) })
        put("Failover", r.failover.map(CanonicalValue.string))
        put("MultiValueAnswer", r.multiValueAnswer.map(CanonicalValue.bool))
        put("HealthCheckId", r.healthCheckId.map(CanonicalValue.string))
        if let a = r.aliasTarget {
            f["AliasTarget"] = .object(["HostedZoneId": .string(ResourceID.bare(a.hostedZoneId)),
                                        "DNSName": .string(RecordCopy.canonicalName(a.dnsName)),
                                        "EvaluateTargetHealth": .bool(a.evaluateTargetHealth)])
        } else {
            put("TTL", r.ttl.map(CanonicalValue.int))
            f["Values"] = .array(Array(Set(r.values)).sorted(by: CanonicalValue.codePointOrder).map(CanonicalValue.string))
        }
        put("CidrRoutingConfig", r.cidrRoutingConfig.map { .object(["CollectionId": .string($0.collectionId), "LocationName": .string($0.locationName)]) })
        put("GeoProximityLocation", r.geoProximityLocation.map { g in .object([
            "AWSRegion": g.awsRegion.map(CanonicalValue.string), "LocalZoneGroup": g.localZoneGroup.map(CanonicalValue.string),
            "Coordinates": g.coordinates.map { .object(["Latitude": .string($0.latitude), "Longitude": .string($0.longitude)]) },
            "Bias": g.bias.map(CanonicalValue.int)].compactMapValues { $0 }) })
        fields = f
    }

    /// One JSON object, keys sorted, no spaces, non-ASCII as it is (Python's `json.dumps(sort_keys=True,
    /// separators=(",", ":"), ensure_ascii=False)`).
    public var json: String { CanonicalValue.object(fields).json }
}

/// A JSON value of the canonical form.
public indirect enum CanonicalValue: Hashable, Sendable {
    case string(String), int(Int), bool(Bool), array([CanonicalValue]), object([String: CanonicalValue])

    /// Code point order (UTF-8 byte order), as Python sorts strings.
    static func codePointOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    var json: String {
        switch self {
        case let .string(s): return PythonJSON.quote(s, asciiOnly: false)
        case let .int(i): return String(i)
        case let .bool(b): return b ? "true" : "false"
        case let .array(a): return "[" + a.map(\.json).joined(separator: ",") + "]"
        case let .object(o): return "{" + o.keys.sorted(by: Self.codePointOrder).map { PythonJSON.quote($0, asciiOnly: false) + ":" + o[$0]!.json }.joined(separator: ",") + "}"
        }
    }
}

/// One difference between the source zone and its copy.
public struct ParityDifference: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case missing, extra, changed }
    public var kind: Kind
    public var record: String
    /// The canonical JSON of each side (nil where absent).
    public var source: String?
    public var copy: String?
}

/// The record-by-record comparison of a zone and its copy (apex NS and SOA left out, aliases into the source mapped
/// to the copy), with counts per type and one digest of each side's canonical form.
public struct ParityReport: Sendable, Equatable, Codable {
    public var sourceZoneId: String
    public var copyZoneId: String
    public var sourceCounts: [String: Int]
    public var copyCounts: [String: Int]
    public var sourceDigest: String
    public var copyDigest: String
    public var differences: [ParityDifference]
    /// Record sets left out on purpose (traffic policy records), not counted as differences.
    public var uncopied: Int
    /// The same questions asked of the old and the new zone's name servers, when they were (records identical).
    public var answers: AnswerParity? = nil
    /// The old zone's records read for this check differ from those the copy was made from (read at the plan): it
    /// changed meanwhile. nil when the plan's records were not at hand.
    public var sourceChangedSincePlan: Bool? = nil
    /// Record by record: the two zones hold the same record sets.
    public var identical: Bool { differences.isEmpty && sourceDigest == copyDigest }
    /// Records identical and no question answered differently by the two zones' name servers.
    public var proven: Bool { identical && (answers?.differences.isEmpty ?? true) }

    /// Compares `source` (of zone `sourceId`) with `copy` (of zone `copyId`).
    public static func compare(zone: String, source: [ResourceRecordSet], sourceId: String, copy: [ResourceRecordSet], copyId: String) -> ParityReport {
        let left = source.filter { !RecordCopy.isApexNSOrSOA($0, zone: zone) }
        let uncopied = left.filter { $0.trafficPolicyInstanceId != nil }.count
        let s = canonical(left.filter { $0.trafficPolicyInstanceId == nil }.map { RecordCopy.translate($0, from: sourceId, to: copyId) })
        let c = canonical(copy.filter { !RecordCopy.isApexNSOrSOA($0, zone: zone) })
        var diffs: [ParityDifference] = []
        for k in Set(s.keys).union(c.keys).sorted() {
            switch (s[k], c[k]) {
            case let (a?, b?) where a != b: diffs.append(.init(kind: .changed, record: k.description, source: a, copy: b))
            case let (a?, nil): diffs.append(.init(kind: .missing, record: k.description, source: a, copy: nil))
            case let (nil, b?): diffs.append(.init(kind: .extra, record: k.description, source: nil, copy: b))
            default: break
            }
        }
        return ParityReport(sourceZoneId: ResourceID.bare(sourceId), copyZoneId: ResourceID.bare(copyId),
                            sourceCounts: counts(s), copyCounts: counts(c), sourceDigest: digest(s), copyDigest: digest(c),
                            differences: diffs, uncopied: uncopied)
    }

    private static func canonical(_ records: [ResourceRecordSet]) -> [RecordKey: String] {
        var out: [RecordKey: String] = [:]
        for r in records { out[RecordKey(r)] = CanonicalRecord(r).json }
        return out
    }

    private static func counts(_ m: [RecordKey: String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for k in m.keys { out[k.type, default: 0] += 1 }
        return out
    }

    /// SHA-256 (hex) of the canonical lines sorted and joined by newlines.
    static func digest(_ m: [RecordKey: String]) -> String {
        SHA256.hash(data: Data(Set(m.values).sorted(by: CanonicalValue.codePointOrder).joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
