import Foundation
import Testing
import TestSupport

/// `vanityns audit` over one delegation set whose zones are in five states, against moto, the nsd data plane and
/// its two-server registry; each state must be reported for what it is, in text and JSON.
@Suite(.serialized) final class AuditE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture() }
    deinit { f.stop() }

    static func hosts(_ names: [String]) -> [[String: Any]] { names.map { ["Name": "\($0).example.com", "GlueIps": [String]()] } }

    @Test func fiveZonesInFiveStates() throws {
        let set = f.setId
        // example.com: white label end to end (registrar glue, own SOA mailbox).
        let home = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", set, "--domain", "example.com",
                                 "--soa-rname", "hostmaster@example.com"])
        #expect(home.status == 0, "\(home.stdout)\n\(home.stderr)")
        // lone.example and soaleft.example: switched to the vanity hosts; soaleft keeps Route 53's SOA mailbox.
        #expect(try f.vanity(["zones", "create", "lone.example", "soaleft.example", "quiet.example", "--set", set]).status == 0)
        let lone = try f.vanity(["apply", "--yes", "--set", set, "--domain", "example.com", "--zone", "lone.example",
                                 "--soa-rname", "hostmaster@example.com"])
        #expect(lone.status == 0, "\(lone.stdout)\n\(lone.stderr)")
        let soaleft = try f.vanity(["apply", "--yes", "--set", set, "--domain", "example.com", "--zone", "soaleft.example"])
        #expect(soaleft.status == 0, "\(soaleft.stdout)\n\(soaleft.stderr)")
        // quiet.example: served by ns1..ns3 and ns9.example.com, whose address answers nothing.
        try f.moto.boto3("""
        zs = {z['Name']: z['Id'] for z in r53.list_hosted_zones()['HostedZones']}
        def up(zone, name, type, ttl, values):
            r53.change_resource_record_sets(HostedZoneId=zs[zone], ChangeBatch={'Changes': [{'Action': 'UPSERT', 'ResourceRecordSet': {
                'Name': name, 'Type': type, 'TTL': ttl, 'ResourceRecords': [{'Value': v} for v in values]}}]})
        up('example.com.', 'ns9.example.com.', 'A', 60, ['127.0.0.9'])
        up('quiet.example.', 'quiet.example.', 'NS', 60, ['ns1.example.com.', 'ns2.example.com.', 'ns3.example.com.', 'ns9.example.com.'])
        up('quiet.example.', 'quiet.example.', 'SOA', 900, ['ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 60'])
        """)
        // The registry: shop.example still delegated to the AWS names, lone.example not delegated at all.
        try f.dns.setRegistry(domains: [
            "shop.example.": ["ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk"].map { ["Name": $0] },
            "quiet.example.": Self.hosts(["ns1", "ns2", "ns3", "ns9"]),
            "soaleft.example.": Self.hosts(["ns1", "ns2", "ns3", "ns4"]),
        ])
        try f.dns.waitForMotoChanges()

        let json = try f.vanity(["audit", "--set", set, "--output", "json"])
        #expect(json.status == 2, "\(json.stdout)\n\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let zones = Dictionary(uniqueKeysWithValues: (object["zones"] as? [[String: Any]] ?? []).map { ($0["zone"] as? String ?? "", $0) })
        func row(_ z: String) throws -> [String: Any] { try #require(zones[z], "\(z) missing: \(zones.keys.sorted())") }
        func problems(_ z: String) throws -> [String] { try row(z)["problems"] as? [String] ?? [] }

        let ok = try row("example.com")
        #expect(ok["delegation"] as? String == "vanity" && ok["passed"] as? Bool == true, "\(ok)")
        #expect(ok["answeringUDP"] as? Int == 8 && ok["answeringTCP"] as? Int == 8 && ok["addresses"] as? Int == 8)
        #expect(ok["glue"] as? String == "ok" && ok["apexMatchesParent"] as? Bool == true && (ok["awsShowsThrough"] as? [String]) == [])

        let aws = try row("shop.example")
        #expect(aws["delegation"] as? String == "aws", "\(aws)")
        #expect(Set(aws["awsShowsThrough"] as? [String] ?? []) == ["NS", "MNAME", "RNAME"], "\(aws)")

        let quiet = try row("quiet.example")
        #expect(quiet["delegation"] as? String == "vanity", "\(quiet)")
        #expect(quiet["addresses"] as? Int == 7 && quiet["answeringUDP"] as? Int == 6 && quiet["answeringTCP"] as? Int == 6, "\(quiet)")
        #expect(try problems("quiet.example").contains { $0.hasPrefix("ns9.example.com (127.0.0.9) does not answer for quiet.example over UDP") })

        let alone = try row("lone.example")
        #expect(alone["delegation"] as? String == "not delegated", "\(alone)")
        #expect(alone["answeringUDP"] as? Int == 8 && (alone["awsShowsThrough"] as? [String]) == [])

        let soa = try row("soaleft.example")
        #expect(soa["delegation"] as? String == "vanity" && (soa["awsShowsThrough"] as? [String]) == ["RNAME"], "\(soa)")
        let soaProblems = try problems("soaleft.example")
        #expect(soaProblems == ["the SOA RNAME is still awsdns-hostmaster.amazon.com.: apply with --soa-rname hostmaster@example.com"], "\(soaProblems)")

        // One DNS question at a time (--dns-concurrency 1): the same report, question for question.
        let serial = try f.vanity(["audit", "--set", set, "--output", "json", "--dns-concurrency", "1"])
        #expect(serial.status == 2 && serial.stdout == json.stdout, "\(serial.stdout)\n\(serial.stderr)")

        // The text table says the same, one row per zone with its problems under it.
        let text = try f.vanity(["audit", "--set", set])
        #expect(text.status == 2)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("zone") == true)
        #expect(lines.contains { $0.hasPrefix("example.com ") && $0.contains("vanity") && $0.contains("8/8") && $0.hasSuffix("ok") }, "\(text.stdout)")
        #expect(lines.contains { $0.hasPrefix("lone.example ") && $0.contains("not delegated") && $0.hasSuffix("FAIL") }, "\(text.stdout)")
        #expect(lines.contains { $0.hasPrefix("shop.example ") && $0.contains("NS,MNAME,RNAME") }, "\(text.stdout)")
        #expect(lines.last { $0.hasPrefix("audit:") }?.contains("need attention") == true)
    }
}
