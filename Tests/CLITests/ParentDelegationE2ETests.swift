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

    func registeredNameServers() throws -> String {
        try f.moto.boto3("""
        print(' '.join(sorted(n['Name'].lower().rstrip('.') + '=' + ','.join(sorted(n.get('GlueIps', []))) for n in domains.get_domain_detail(DomainName='example.com')['Nameservers'])))
        """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// No delegation moves before the new servers answer: with nothing answering at the glue addresses (the query port
    /// points where no server listens), `apply --registrar-glue --yes` sends nothing, names each host and address that
    /// failed and says how to go on; with the data plane answering, the same command updates Route 53 Domains.
    @Test func theRegistrarIsNotChangedUntilEveryVanityHostAnswersAtItsGlueAddresses() throws {
        let before = try registeredNameServers()
        let silentPort = String(LocalServices.freeUDPAndTCPPort())
        let refused = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"],
                                   overriding: ["--query-port": silentPort])
        #expect(refused.status == 1, "\(refused.stdout)\n\(refused.stderr)")
        #expect(try registeredNameServers() == before, "Route 53 Domains keeps its name servers")
        for (i, v4) in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"].enumerated() {
            #expect(refused.stderr.contains("ns\(i + 1).example.com at \(v4) over UDP:"), "\(refused.stderr)")
            #expect(refused.stderr.contains("ns\(i + 1).example.com at \(v4) over TCP:"), "\(refused.stderr)")
        }
        #expect(refused.stderr.contains("--skip-preflight") && refused.stderr.contains("two days"), "\(refused.stderr)")
        #expect(refused.stderr.contains("registrar not changed"), "\(refused.stderr)")

        try f.dns.waitForMotoChanges()
        let sent = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"])
        #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
        #expect(sent.stdout.contains("preflight: the vanity hosts answer for example.com at every address (16 UDP and TCP checks, serial"), "\(sent.stdout)")
        #expect(try registeredNameServers() == (2...5).map { "ns\($0 - 1).example.com=127.0.0.\($0),\(DataPlane.ipv6("127.0.0.\($0)"))" }.joined(separator: " "))
    }
}
