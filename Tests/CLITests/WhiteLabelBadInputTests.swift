import Foundation
import Testing
import TestSupport

/// Bad input to plan/apply: each a clear message naming the input, a non-zero exit, and no change in Route 53.
@Suite(.serialized) final class WhiteLabelBadInputTests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    /// Runs apply --yes and asserts it failed with `expect` in stderr and left every zone as it was.
    func refused(_ args: [String], saying expect: [String]) throws {
        let before = try ["example.com.", "shop.example.", "legacy.example."].map { try f.records($0) }
        let r = try f.vanity(["apply", "--yes"] + args)
        #expect(r.status != 0, "apply should fail: \(r.stdout)")
        for e in expect { #expect(r.stderr.lowercased().contains(e.lowercased()), "stderr lacks '\(e)': \(r.stderr)") }
        let after = try ["example.com.", "shop.example.", "legacy.example."].map { try f.records($0) }
        #expect(before == after, "Route 53 changed although apply failed")
    }

    @Test func cnameAtAVanityHostIsRefusedWithTheReason() throws {
        try f.moto.boto3("""
        zid = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'example.com.'][0]
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={'Changes': [{'Action': 'CREATE', 'ResourceRecordSet': {
            'Name': 'ns3.example.com.', 'Type': 'CNAME', 'TTL': 300, 'ResourceRecords': [{'Value': 'ns-2050.awsdns-66.org'}]}}]})
        """)
        try refused(["--set", f.setId, "--domain", "example.com"], saying: ["ns3.example.com", "CNAME", "RFC"])
        try f.moto.boto3("""
        zid = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'example.com.'][0]
        r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={'Changes': [{'Action': 'DELETE', 'ResourceRecordSet': {
            'Name': 'ns3.example.com.', 'Type': 'CNAME', 'TTL': 300, 'ResourceRecords': [{'Value': 'ns-2050.awsdns-66.org'}]}}]})
        """)
    }

    @Test func hostOutsideTheHomeDomainIsRefused() throws {
        try refused(["--set", f.setId, "--domain", "example.com", "--hosts", "ns1.example.com,ns2.example.com,ns3.example.com,ns4.other.net"],
                    saying: ["ns4.other.net", "example.com"])
    }

    @Test func missingHomeZoneIsRefused() throws {
        try refused(["--set", f.setId, "--domain", "nothere.example"], saying: ["nothere.example"])
    }

    @Test func zoneInAnotherSetPointsToMigration() throws {
        try refused(["--set", f.setId, "--domain", "example.com", "--zone", "legacy.example"], saying: ["legacy.example", "migrat"])
    }

    @Test func dnsConcurrencyOutOfRangeIsRefusedBeforeAnyChange() throws {
        for bad in ["0", "513"] {
            try refused(["--set", f.setId, "--domain", "example.com", "--dns-concurrency", bad],
                        saying: ["--dns-concurrency \(bad)", "1 to 512"])
        }
    }

    @Test func resolverThatTimesOutIsReported() throws {
        // A UDP socket that never answers.
        let silent = try SilentUDPServer()
        let args = ["apply", "--yes", "--set", f.setId, "--domain", "example.com"]
        let r = try CLI.run(args + ["--endpoint-url", f.moto.endpoint, "--resolver", "127.0.0.1:\(silent.port)", "--state-dir", f.stateDir],
                            env: CLI.environment(f.moto.environment))
        #expect(r.status != 0)
        #expect(r.stderr.lowercased().contains("timeout") || r.stderr.lowercased().contains("timed out"), "\(r.stderr)")
        #expect(try f.values("example.com.", "ns1.example.com.", "A").isEmpty)
    }

    @Test func unwritableStateDirectoryIsRefusedBeforeAnyChange() throws {
        let file = NSTemporaryDirectory() + "vanityns-not-a-dir-\(UUID().uuidString)"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--endpoint-url", f.moto.endpoint,
                             "--resolver", "127.0.0.1:\(f.dns.port)", "--state-dir", file + "/state"],
                            env: CLI.environment(f.moto.environment))
        #expect(r.status != 0)
        #expect(r.stderr.contains(file))
        #expect(try f.values("example.com.", "ns1.example.com.", "A").isEmpty)
        let ns = try f.values("example.com.", "example.com.", "NS")
        #expect(ns.allSatisfy { $0.contains("awsdns") })
    }

    @Test func aNameServerWithoutAAAAIsAWarningAndGetsOnlyAnA() throws {
        var noV6 = DataPlane.defaultAddresses
        noV6["ns-2051.awsdns-67.co.uk"] = ["A": ["127.0.0.5"]]
        try f.dns.setAddresses(noV6)
        defer { try? f.dns.setAddresses(DataPlane.defaultAddresses) }
        let plan = try f.vanity(["plan", "--set", f.setId, "--domain", "example.com"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect((plan.stdout + plan.stderr).contains("AAAA"))
        #expect((plan.stdout + plan.stderr).contains("ns-2051.awsdns-67.co.uk") || (plan.stdout + plan.stderr).contains("ns4.example.com"))
    }
}
