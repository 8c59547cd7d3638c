import Foundation
import Testing
import TestSupport

/// verify asks the parent zone's servers (the registry that dataplane.py plays for domains in moto's Route 53
/// Domains) for the home domain's delegation and glue: still the old name servers after an apply without
/// `--registrar-glue`, the vanity hosts with matching glue after one with it.
@Suite(.serialized) final class ParentDelegationE2ETests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture() }
    deinit { f.stop() }

    func verify() throws -> (status: Int32, json: [String: Any], text: String) {
        let args = ["verify", "--domain", "example.com", "--query-port", String(f.dns.port)]
        let text = try f.vanity(args)
        let json = try f.vanity(args + ["--output", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)\n\(json.stderr)")
        #expect(json.status == text.status)
        return (text.status, object, text.stdout + text.stderr)
    }

    @Test func parentDelegationFailsVerifyUntilTheRegistrarIsUpdatedThenMatches() throws {
        let registered = try f.moto.boto3("""
        print(' '.join(sorted(n['Name'].lower().rstrip('.') + '.' for n in domains.get_domain_detail(DomainName='example.com')['Nameservers'])))
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!registered.contains("example.com."), "the seeded registration should still name the AWS servers")

        let apply = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(apply.status == 0, "\(apply.stderr)")
        try f.dns.waitForMotoChanges()
        let before = try verify()
        #expect(before.status == 2, "\(before.text)")
        let problems = before.json["parentProblems"] as? [String] ?? []
        // Both of the registry's servers are asked, and each says where it still delegates.
        #expect(problems.count == 2, "\(problems)")
        for (i, server) in ["a.registry.test. (127.0.0.100)", "b.registry.test. (127.0.0.101)"].enumerated() where i < problems.count {
            #expect(problems[i].hasPrefix("the parent (com) still delegates example.com to \(registered) (asked parent server \(server))"), "\(problems)")
            #expect(problems[i].contains("update the registrar") && problems[i].contains("NS TTL"), "\(problems[i])")
        }
        #expect(((before.json["rows"] as? [[String: Any]]) ?? []).allSatisfy { ($0["problems"] as? [String])?.isEmpty == true })
        #expect(before.text.contains("verify: FAILED"))

        let glue = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"])
        #expect(glue.status == 0, "\(glue.stdout)\n\(glue.stderr)")
        try f.dns.waitForMotoChanges()
        let after = try verify()
        #expect(after.status == 0, "\(after.text)")
        #expect((after.json["parentProblems"] as? [String]) == [])
        let findings = after.json["parentFindings"] as? [String] ?? []
        for server in ["a.registry.test. (127.0.0.100)", "b.registry.test. (127.0.0.101)"] {
            #expect(findings.contains("parent server \(server) delegates example.com to the vanity hosts ns1.example.com. ns2.example.com. ns3.example.com. ns4.example.com."),
                    "\(findings)")
            for (i, v4) in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"].enumerated() {
                #expect(findings.contains { $0.contains("\(server) has glue for ns\(i + 1).example.com matching its addresses: \(v4) \(DataPlane.ipv6(v4))") }, "\(findings)")
            }
        }
        #expect(after.text.contains("verify: passed"))
    }
}
