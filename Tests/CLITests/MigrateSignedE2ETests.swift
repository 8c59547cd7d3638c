import Foundation
import Testing
import TestSupport

/// `migrate --dnssec` end to end against the stand-ins: legacy.example, outside the set on its AWS name servers, signed
/// (`dnssec enable`) with its DS at another registrar (the data plane's registry file, DS and NS TTLs of 1 s), moved
/// into the set in five steps. The registrar's part is done by the test between runs, as a user would; each run
/// stops (exit 4) where the registrar must act and `--status` names the step. `delv` with the registry's trust
/// anchor is the independent validator (secure before, secure at the end through the copy), boto3 reads the copy's
/// key and `dig` the DS every registry server serves. One fixture for the whole story.
@Suite(.serialized) struct MigrateSignedE2ETests {
    static let vanity = ["ns1", "ns2", "ns3", "ns4"].map { ["Name": "\($0).example.com"] }

    func py(_ f: WhiteLabelFixture, _ code: String) throws -> String {
        try f.moto.boto3(code).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The DS every registry server serves for legacy.example (dig at a.registry.test. and b.registry.test., one
    /// string per server, its records sorted and joined with `|`).
    func parentDS(_ f: WhiteLabelFixture) throws -> [String] {
        try (0..<2).map { i in
            try LocalServices.run("/usr/bin/env", ["dig", "@127.0.0.\(100 + i)", "-p", String(f.dns.port), "+norecurse", "+short", "legacy.example", "DS"],
                                  check: false).stdout.uppercased().split(separator: "\n").map { line in
                    let f = line.split(separator: " ")   // dig splits the digest in two
                    return (f.prefix(3).map(String.init) + [f.dropFirst(3).joined()]).joined(separator: " ")
                }.sorted()
                .joined(separator: "|")
        }
    }

    @Test func aSignedZoneMovesIntoTheSetInFiveResumableStepsAndEndsSecure() throws {
        let f = try WhiteLabelFixture()
        defer { f.stop() }
        #expect(try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"]).status == 0)
        let old = try py(f, "print([z['Id'].split('/')[-1] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'legacy.example.'][0])")
        let oldNS = try py(f, "print(' '.join(r53.get_hosted_zone(Id='\(old)')['DelegationSet']['NameServers']))").split(separator: " ").map { ["Name": String($0)] }
        try f.dns.setRegistry(domains: ["legacy.example.": oldNS], dsTTL: 1, nsTTL: 1)

        // The old zone signed, its DS at the registry: secure.
        let sign = try f.vanity(["dnssec", "enable", "--yes", "--zone", old, "--create-kms-key", "--ds-wait", "0"])
        #expect(sign.status == 4, "\(sign.stdout)\n\(sign.stderr)")
        let oldDS = try py(f, "print(r53.get_dnssec(HostedZoneId='\(old)')['KeySigningKeys'][0]['DSRecord'])")
        try f.dns.setRegistry(domains: ["legacy.example.": oldNS], ds: ["legacy.example.": [oldDS]], dsTTL: 1, nsTTL: 1)
        #expect(try f.dns.delv("legacy.example", "SOA", root: "example.").stdout.contains("; fully validated"), "secure before")
        let migrate = ["migrate", "--dnssec", "--set", f.setId, "--zone", "legacy.example", "--domain", "example.com", "--yes"]

        // A KMS key the copy cannot be signed with: refused before anything is removed.
        let symmetric = try py(f, "print(boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-east-1').create_key()['KeyMetadata']['Arn'])")
        let writes = try f.moto.writeRequests()
        let bad = try f.vanity(migrate + ["--kms-key", symmetric])
        #expect(bad.status == 1 && bad.stderr.contains("cannot be signed with KMS key \(symmetric); nothing was changed")
                && bad.stderr.contains("SYMMETRIC_DEFAULT"), "\(bad.stdout)\n\(bad.stderr)")
        #expect(try f.moto.writeRequests() == writes, "no write after a refused key")
        #expect(try parentDS(f).allSatisfy { $0 == oldDS.uppercased() }, "the DS is still at the parent")

        // Step 1 stops: the DS is at another registrar; --status says so.
        let first = try f.vanity(migrate)
        #expect(first.status == 4 && first.stdout.contains("remove the DS record(s): \(oldDS)"), "\(first.stdout)\n\(first.stderr)")
        let status1 = try f.vanity(["migrate", "--status", "--zone", "legacy.example"])
        #expect(status1.stdout.contains("1. next  go insecure") && status1.stdout.contains("the registrar is to act"), "\(status1.stdout)\n\(status1.stderr)")
        #expect(try py(f, "print(r53.get_dnssec(HostedZoneId='\(old)')['Status']['ServeSignature'])") == "SIGNING", "still signing while the DS is out there")

        // The DS removed at the registry: its TTL waited out, the old zone unsigned, copied, cut over, the copy signed;
        // step 5 waits for the parent to delegate to the vanity hosts.
        try f.dns.setRegistry(domains: ["legacy.example.": oldNS], dsTTL: 1, nsTTL: 1)
        let second = try f.vanity(migrate)
        #expect(second.status == 4 && second.stderr.contains("the parent does not delegate to the copy yet"), "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("waiting out the DS TTL") || second.stdout.contains("unsigned"), "\(second.stdout)")
        #expect(try py(f, "print(r53.get_dnssec(HostedZoneId='\(old)')['Status']['ServeSignature'])") == "NOT_SIGNING")
        let copy = try #require(try f.moto.zoneIds("legacy.example.").first { $0 != old })
        #expect(try py(f, "print(r53.get_dnssec(HostedZoneId='\(copy)')['Status']['ServeSignature'])") == "SIGNING", "the copy signs")
        let status2 = try f.vanity(["migrate", "--status", "--zone", "legacy.example"])
        #expect(status2.stdout.contains("4. done  sign the copy") && status2.stdout.contains("5. next  publish the copy's DS"), "\(status2.stdout)")

        // The registry delegates to the vanity hosts: the copy's DS is printed for the registrar (exit 4), then,
        // once the registry serves it, the run ends.
        try f.dns.setRegistry(domains: ["legacy.example.": Self.vanity], dsTTL: 1, nsTTL: 1)
        let third = try f.vanity(migrate)
        let copyKey = try py(f, "d = r53.get_dnssec(HostedZoneId='\(copy)')['KeySigningKeys'][0]; print(d['DSRecord'], d['KmsArn'])").split(separator: " ")
        let copyDS = copyKey.dropLast().joined(separator: " ")
        #expect(third.status == 4 && third.stdout.contains("legacy.example. IN DS \(copyDS)"), "\(third.stdout)\n\(third.stderr)")
        #expect(String(copyKey.last!) == (try py(f, "print(r53.get_dnssec(HostedZoneId='\(old)')['KeySigningKeys'][0]['KmsArn'])")), "the old zone's KMS key")
        try f.dns.setRegistry(domains: ["legacy.example.": Self.vanity], ds: ["legacy.example.": [copyDS]], dsTTL: 1, nsTTL: 1)
        let last = try f.vanity(migrate)
        #expect(last.status == 0 && last.stdout.contains("migrated and signed"), "\(last.stdout)\n\(last.stderr)")

        // Independently: the parent serves the copy's DS, and the zone validates through the vanity hosts.
        let served = try parentDS(f)
        #expect(served.allSatisfy { $0 == copyDS.uppercased() }, "\(served) vs \(copyDS)")
        let ns = try f.dns.delv("legacy.example", "NS", root: "example.")
        #expect(ns.stdout.contains("; fully validated") && ns.stdout.contains("ns1.example.com."), "\(ns.stdout)\n\(ns.stderr)")
        let done = try f.vanity(["migrate", "--status", "--zone", "legacy.example"])
        #expect(done.stdout.contains("5. done  publish the copy's DS"), "\(done.stdout)")
    }
}
