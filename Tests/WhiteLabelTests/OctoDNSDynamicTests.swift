import Route53
import Testing
@testable import WhiteLabel

/// Routing policies in octoDNS's dynamic form: which groups keep every answer, and the reason for the others.
/// (octodns-validate and the comparison with boto3 run on the seeded zone in ExportE2ETests.)
struct OctoDNSDynamicTests {
    func set(_ id: String, _ value: String, ttl: Int = 60, _ change: (inout ResourceRecordSet) -> Void) -> ResourceRecordSet {
        var r = ResourceRecordSet(name: "www.example.com.", type: "A", ttl: ttl, values: [value])
        r.setIdentifier = id
        change(&r)
        return r
    }

    func yaml(_ sets: [ResourceRecordSet]) throws -> String { try OctoDNSDynamic.block(sets).get() }
    func reason(_ sets: [ResourceRecordSet]) -> String? {
        if case .failure(let r) = OctoDNSDynamic.block(sets) { return r.text } else { return nil }
    }

    @Test func weightedSetsAreOnePoolWithTheirWeights() throws {
        let out = try yaml([set("blue", "192.0.2.1") { $0.weight = 70 }, set("green", "192.0.2.2") { $0.weight = 30 }])
        #expect(out.contains("\"weighted\":\n      values:\n      - status: up\n        value: \"192.0.2.1\"\n        weight: 70\n      - status: up\n        value: \"192.0.2.2\"\n        weight: 30"), "\(out)")
        #expect(out.contains("rules:\n  - pool: \"weighted\""))
        #expect(out.hasSuffix("ttl: 60\ntype: \"A\"\nvalues:\n- \"192.0.2.1\""), "\(out)")
        // A lone weighted set is always served: weight 1 (octoDNS refuses another weight in a one-value pool).
        #expect(try yaml([set("only", "192.0.2.1") { $0.weight = 5 }]).contains("weight: 1"))
    }

    @Test func geolocationRulesGoFromTheMostSpecificToTheDefault() throws {
        let out = try yaml([
            set("eu", "192.0.2.1") { $0.geoLocation = GeoLocation(continentCode: "EU") },
            set("us", "192.0.2.2") { $0.geoLocation = GeoLocation(countryCode: "US") },
            set("ca", "192.0.2.3") { $0.geoLocation = GeoLocation(countryCode: "US", subdivisionCode: "CA") },
            set("jp", "192.0.2.4") { $0.geoLocation = GeoLocation(countryCode: "JP") },
            set("default", "192.0.2.5") { $0.geoLocation = GeoLocation(countryCode: "*") },
        ])
        let rules = out.components(separatedBy: "rules:\n")[1].components(separatedBy: "\nttl:")[0]
        #expect(rules == """
          - geos: ["NA-US-CA"]
            pool: "p2-ca"
          - geos: ["NA-US"]
            pool: "p1-us"
          - geos: ["AS-JP"]
            pool: "p3-jp"
          - geos: ["EU"]
            pool: "p0-eu"
          - pool: "p4-default"
        """, "\(out)")
        #expect(reason([set("eu", "192.0.2.1") { $0.geoLocation = GeoLocation(continentCode: "EU") }])?.contains("no default location (*)") == true)
    }

    @Test func aFailoverPairIsAPrimaryPoolFallingBackToTheSecondary() throws {
        let out = try yaml([set("a", "192.0.2.1") { $0.failover = "PRIMARY" }, set("b", "192.0.2.2") { $0.failover = "SECONDARY" }])
        #expect(out.contains("\"primary\":\n      fallback: \"secondary\"\n      values:\n      - status: up\n        value: \"192.0.2.1\""), "\(out)")
        #expect(out.contains("rules:\n  - pool: \"primary\"\nttl"))
    }

    @Test func groupsThatWouldAnswerDifferentlyStayInRoute53WithTheReason() {
        #expect(reason([set("a", "192.0.2.1") { $0.weight = 0 }, set("b", "192.0.2.2") { $0.weight = 10 }])?.contains("weights outside 1 to 100") == true)
        #expect(reason([set("a", "192.0.2.1") { $0.weight = 10; $0.healthCheckId = "hc-1" }])?.contains("health checks") == true)
        var two = set("a", "192.0.2.1") { $0.weight = 10 }
        two.resourceRecords = [ResourceRecord(value: "192.0.2.1"), ResourceRecord(value: "192.0.2.9")]
        #expect(reason([two])?.contains("several values") == true)
        #expect(reason([set("a", "192.0.2.1", ttl: 60) { $0.weight = 10 }, set("b", "192.0.2.2", ttl: 300) { $0.weight = 10 }])?.contains("TTLs differ") == true)
        #expect(reason([set("a", "192.0.2.1") { $0.region = "us-east-1" }])?.contains("no form for") == true)
        var mx = set("a", "10 mail.example.com.") { $0.weight = 10 }
        mx.type = "MX"
        #expect(reason([mx])?.contains("A, AAAA and CNAME only") == true)
    }
}
