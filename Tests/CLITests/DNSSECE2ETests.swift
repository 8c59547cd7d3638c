import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `vanityns dnssec` end to end against the stand-ins, on the vanity zones of the seeded account: example.com (the
/// home zone, at Route 53 Domains, delegated to the vanity hosts with glue by `apply --registrar-glue`) and
/// shop.example (at another registrar: the data plane's registry file). `delv`, with the registry's key as the trust
/// anchor, is the independent validator: secure after `enable`, bogus with a DS for another key, insecure after
/// `disable`. boto3 checks that every refusal wrote nothing. One fixture for the whole story (each start costs seconds).
@Suite(.serialized) struct DNSSECE2ETests {
    static let hosts = ["ns1", "ns2", "ns3", "ns4"]

    func zoneId(_ f: WhiteLabelFixture, _ name: String) throws -> String {
        try f.moto.boto3("print([z['Id'].split('/')[-1] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == '\(name)'][0])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Route 53's KSKs of the zone (name, status, DS), the number of KMS keys, and Route 53 Domains' DS for example.com.
    func written(_ f: WhiteLabelFixture, _ zone: String) throws -> String {
        try f.moto.boto3("""
        kms = boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-east-1')
        west = boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-west-2')
        d = r53.get_dnssec(HostedZoneId='\(zone)')
        print(d['Status']['ServeSignature'], sorted((k['Name'], k['Status'], k['DSRecord']) for k in d['KeySigningKeys']),
              len(kms.list_keys()['Keys']) + len(west.list_keys()['Keys']),
              [k['KeyTag'] for k in domains.get_domain_detail(DomainName='example.com').get('DnssecKeys', [])])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func enableRefusesBadKeysThenSignsVerifiesAndDisablesInTheSafeOrder() throws {
        let f = try WhiteLabelFixture()
        defer { f.stop() }
        let vanity = Self.hosts.map { ["Name": "\($0).example.com"] }
        try f.dns.setRegistry(domains: ["shop.example.": vanity], dsTTL: 1)
        let apply = try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let home = try zoneId(f, "example.com."), shop = try zoneId(f, "shop.example.")
        #expect(try f.dns.delv("www.example.com", root: "com.").stdout.contains("; unsigned answer"), "insecure before")

        // Refusals, nothing written: a key in another region, a symmetric key, a policy without Route 53, a zone not in the account.
        let keys = try f.moto.boto3("""
        pol = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"},
                          "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*"}]})
        kms = boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-east-1')
        west = boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-west-2')
        print(west.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY', Policy=pol)['KeyMetadata']['Arn'])
        print(kms.create_key(Policy=pol)['KeyMetadata']['Arn'])
        print(kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')['KeyMetadata']['Arn'])
        """).split(separator: "\n").map(String.init)
        let before = try written(f, home)
        for (arn, why) in zip(keys, ["the key is in us-west-2", "the key spec is SYMMETRIC_DEFAULT", "the key policy does not let dnssec-route53.amazonaws.com"]) {
            let r = try f.vanity(["dnssec", "enable", "--yes", "--zone", home, "--kms-key", arn])
            #expect(r.status == 1 && r.stderr.contains("nothing was changed") && r.stderr.contains(why), "\(why): \(r.stdout)\n\(r.stderr)")
        }
        let missing = try f.vanity(["dnssec", "enable", "--yes", "--zone", "nowhere.example", "--create-kms-key"])
        #expect(missing.status == 1 && missing.stderr.contains("no hosted zone of this account is called nowhere.example"), "\(missing.stderr)")
        #expect(try written(f, home) == before, "no KSK, KMS key or DS written by a refusal")
        #expect(before.hasPrefix("NOT_SIGNING []"), "\(before)")

        // Enable: KMS key, KSK, signing, the DS through Route 53 Domains; the world validates the answer.
        let enable = try f.vanity(["dnssec", "enable", "--yes", "--zone", home, "--create-kms-key"])
        #expect(enable.status == 0, "\(enable.stdout)\n\(enable.stderr)")
        #expect(enable.stdout.contains("\"aws:SourceAccount\": \"ACCOUNT\"") && enable.stdout.contains("AssociateDelegationSignerToDomain"), "\(enable.stdout)")
        #expect(enable.stdout.contains("every parent server serves its DS"), "\(enable.stdout)")
        let signed = try written(f, home)
        #expect(signed.hasPrefix("SIGNING [('vanityns_ksk', 'ACTIVE', "), "\(signed)")
        try f.dns.waitForMotoChanges()
        let secure = try f.dns.delv("www.example.com", root: "com.")
        #expect(secure.stdout.contains("; fully validated"), "\(secure.stdout)\n\(secure.stderr)")
        let status = try f.vanity(["dnssec", "status", "--zone", home, "--record", "www.example.com"])
        #expect(status.status == 0 && status.stdout.contains("SECURE · Route 53 SIGNING"), "\(status.stdout)\n\(status.stderr)")
        for h in Self.hosts {
            #expect(status.stdout.contains("\(h).example.com. (127.0.0.") && status.stdout.contains("TCP): chain verifies"), "\(h): \(status.stdout)")
        }
        // The same as one JSON document, read with Python's json: 4 hosts x 2 addresses (IPv4, IPv6) x UDP and TCP, all verifying.
        let json = try f.vanity(["dnssec", "status", "--zone", home, "--output", "json"])
        let summary = try LocalServices.run("/usr/bin/env", ["python3", "-c", """
        import json, sys
        d = json.load(sys.stdin)
        z = d['zones'][0]
        print(d['passed'], z['state'], z['serveSignature'], z['keySigningKeys'][0]['status'], len(z['servers']),
              all(s['problems'] == [] for s in z['servers']), sorted({s['transport'] for s in z['servers']}),
              all(p['ds'] == [z['keySigningKeys'][0]['dsRecord'].upper()] for p in z['parentDS']))
        """], stdin: json.stdout).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(json.status == 0 && summary == "True SECURE SIGNING ACTIVE 16 True ['TCP', 'UDP'] True", "\(summary)\n\(json.stdout)\n\(json.stderr)")
        let secureAudit = try f.vanity(["audit", "--set", f.setId, "--domain", "example.com"])
        #expect(secureAudit.stdout.contains("DNSSEC") && (secureAudit.stdout.split(separator: "\n").first { $0.hasPrefix("example.com") } ?? "").contains("secure"),
                "\(secureAudit.stdout)")
        // A rerun finds the KMS key (alias), the KSK (derived reference) and the DS: nothing new.
        let again = try f.vanity(["dnssec", "enable", "--yes", "--zone", home, "--create-kms-key"])
        #expect(again.status == 0 && again.stdout.contains("already holds the DS"), "\(again.stdout)\n\(again.stderr)")
        #expect(try written(f, home) == signed)

        // Another registrar: the DS table is printed (exit 4); a DS for another key there makes the domain bogus.
        let arn = try f.moto.boto3("print(boto3.client('kms', endpoint_url='\(f.moto.endpoint)', region_name='us-east-1').describe_key(KeyId='alias/vanityns-dnssec')['KeyMetadata']['Arn'])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let other = try f.vanity(["dnssec", "enable", "--yes", "--zone", shop, "--kms-key", arn, "--ds-wait", "0"])
        #expect(other.status == 4 && other.stdout.contains("enter this DS at its registrar") && other.stdout.contains("DNSKEY form:"), "\(other.stdout)\n\(other.stderr)")
        let shopDS = String(try written(f, shop).split(separator: "'")[5])
        try f.dns.setRegistry(domains: ["shop.example.": vanity], ds: ["shop.example.": ["12345 13 2 " + String(repeating: "AB", count: 32)]], dsTTL: 1)
        let bogus = try f.dns.delv("shop.example", "SOA", root: "example.")
        #expect(!bogus.stdout.contains("; fully validated") && bogus.stderr.contains("resolution failed"), "\(bogus.stdout)\n\(bogus.stderr)")
        let broken = try f.vanity(["dnssec", "status", "--zone", shop])
        #expect(broken.status == 2 && broken.stdout.contains("DS key tag 12345: no DNSKEY with the SEP flag"), "\(broken.stdout)")
        try f.dns.setRegistry(domains: ["shop.example.": vanity], ds: ["shop.example.": [shopDS]], dsTTL: 1)
        #expect(try f.dns.delv("shop.example", "SOA", root: "example.").stdout.contains("; fully validated"))
        #expect(try f.vanity(["dnssec", "enable", "--yes", "--zone", shop, "--kms-key", arn]).status == 0, "the DS served: done")

        // Disable refuses while another registrar's parent still serves the DS; nothing is unsigned.
        let refused = try f.vanity(["dnssec", "disable", "--yes", "--zone", shop])
        #expect(refused.status == 4 && refused.stdout.contains("remove the DS record(s): \(shopDS)"), "\(refused.stdout)\n\(refused.stderr)")
        #expect(try written(f, shop).hasPrefix("SIGNING"))

        // Disable at Route 53 Domains: the DS out, every parent server checked, its TTL waited, then signing off.
        let off = try f.vanity(["dnssec", "disable", "--yes", "--zone", home])
        #expect(off.status == 0 && off.stdout.contains("DisassociateDelegationSignerFromDomain") && off.stdout.contains("unsigned"), "\(off.stdout)\n\(off.stderr)")
        let unsigned = try written(f, home)
        #expect(unsigned.hasPrefix("NOT_SIGNING [('vanityns_ksk', 'INACTIVE', ") && unsigned.hasSuffix("[]"), "\(unsigned)")
        try f.dns.waitForMotoChanges()
        #expect(try f.dns.delv("www.example.com", root: "com.").stdout.contains("; unsigned answer"), "insecure after disable")

        // --force cannot take signing off while the parent serves the KSK's DS: Route 53 refuses, and says so.
        let forced = try f.vanity(["dnssec", "disable", "--yes", "--force", "--zone", shop])
        #expect(forced.status == 1 && forced.stderr.contains("validating resolvers answer SERVFAIL")
                && forced.stderr.contains("Route 53 refuses to stop signing"), "\(forced.stdout)\n\(forced.stderr)")
        #expect(try written(f, shop).hasPrefix("SIGNING"))

        // A DS left at the parent of the unsigned example.com (the registrar kept it): status names it, delv finds it bogus.
        let oldDS = String(signed.split(separator: "'")[5])
        try f.dns.setRegistry(domains: ["shop.example.": vanity], ds: ["shop.example.": [shopDS], "example.com.": [oldDS]], dsTTL: 1)
        let left = try f.vanity(["dnssec", "status", "--zone", home])
        #expect(left.status == 2 && left.stdout.contains("but Route 53 does not sign the zone"), "\(left.stdout)")
        #expect(try f.dns.delv("www.example.com", root: "com.").stderr.contains("resolution failed"))
        let audit = try f.vanity(["audit", "--set", f.setId, "--domain", "example.com"])
        #expect(audit.status == 2 && (audit.stdout.split(separator: "\n").first { $0.hasPrefix("example.com") } ?? "").contains("DS unsigned"), "\(audit.stdout)")
        let verify = try f.vanity(["verify", "--domain", "example.com"])
        #expect(verify.status == 2 && (verify.stdout + verify.stderr).contains("but Route 53 does not sign the zone"), "\(verify.stdout)\n\(verify.stderr)")
    }

    /// How many Route 53 Domains operations of `type` exist (boto3), those of `status` when given.
    func operations(_ f: WhiteLabelFixture, _ type: String, status: String? = nil) throws -> Int {
        let filter = status.map { "Status=['\($0)']" } ?? ""
        return Int(try f.moto.boto3("print(sum(1 for o in domains.list_operations(\(filter))['Operations'] if o['Type'] == '\(type)'))")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Starts `vanityns ARGS`, waits until Route 53 Domains has an operation of `type` IN_PROGRESS, and kills it (-9).
    func killWhileInProgress(_ f: WhiteLabelFixture, _ args: [String], _ type: String) throws {
        let run = try SpawnedProcess(arguments: [CLI.binary] + args + f.common, environment: CLI.environment(f.moto.environment))
        let deadline = Date().addingTimeInterval(60)
        while run.isRunning, try operations(f, type, status: "IN_PROGRESS") == 0, Date() < deadline { usleep(100_000) }
        #expect(run.isRunning, "\(args[0...1]) still waits on its \(type) operation")
        kill(run.pid, SIGKILL); _ = run.waitForExit()
    }

    @Test func killedWhileRoute53DomainsAddsOrRemovesTheDSARerunWaitsForThatOperationAndNeverSendsASecond() throws {
        // A Route 53 Domains operation stays IN_PROGRESS for 6 s, and refuses a second DS change meanwhile (as the service does).
        let f = try WhiteLabelFixture(domainsPendingSeconds: 6)
        defer { f.stop() }
        try f.dns.setRegistry(domains: [:], dsTTL: 1)   // the registry's DS TTL: 1 s, so disable need not wait an hour
        #expect(try f.vanity(["apply", "--yes", "--registrar-glue", "--set", f.setId, "--domain", "example.com"]).status == 0)
        let home = try zoneId(f, "example.com.")
        let enable = ["dnssec", "enable", "--yes", "--zone", home, "--create-kms-key"]
        // The first run's AssociateDelegationSignerToDomain answer is lost, then the run is killed while it waits.
        try f.moto.loseAnswers(of: "AssociateDelegationSignerToDomain")
        try killWhileInProgress(f, enable, "ADD_DNSSEC")
        #expect(try operations(f, "ADD_DNSSEC", status: "IN_PROGRESS") == 1, "the killed run's DS is still being added")
        let resumed = try f.vanity(enable)
        #expect(resumed.status == 0 && resumed.stdout.contains("is still in progress; waiting for it")
                && resumed.stdout.contains("already holds the DS"), "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(try operations(f, "ADD_DNSSEC") == 1, "one AssociateDelegationSignerToDomain in all: not resent after its lost answer or the kill")
        #expect(try f.moto.lostAnswers().lost["AssociateDelegationSignerToDomain"] == 1, "the answer was lost")
        let signed = try written(f, home)
        let tag = try f.moto.boto3("print(r53.get_dnssec(HostedZoneId='\(home)')['KeySigningKeys'][0]['KeyTag'])").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signed.hasPrefix("SIGNING [('vanityns_ksk', 'ACTIVE', ") && signed.hasSuffix("[\(tag)]"), "one KSK, its DS held: \(signed)")
        try f.dns.waitForMotoChanges()
        #expect(try f.dns.delv("www.example.com", root: "com.").stdout.contains("; fully validated"), "secure")

        let disable = ["dnssec", "disable", "--yes", "--zone", home]
        try f.moto.loseAnswers(of: "DisassociateDelegationSignerFromDomain")
        try killWhileInProgress(f, disable, "REMOVE_DNSSEC")
        #expect(try written(f, home).hasPrefix("SIGNING"), "killed before signing was turned off")
        let off = try f.vanity(disable)
        #expect(off.status == 0 && off.stdout.contains("is still in progress; waiting for it") && off.stdout.contains("unsigned"),
                "\(off.stdout)\n\(off.stderr)")
        #expect(try operations(f, "REMOVE_DNSSEC") == 1, "one DisassociateDelegationSignerFromDomain in all, after a lost answer and a kill")
        #expect(try f.moto.lostAnswers().lost["DisassociateDelegationSignerFromDomain"] == 1, "the answer was lost")
        let unsigned = try written(f, home)
        #expect(unsigned.hasPrefix("NOT_SIGNING [('vanityns_ksk', 'INACTIVE', ") && unsigned.hasSuffix("[]"), "\(unsigned)")
        try f.dns.waitForMotoChanges()
        #expect(try f.dns.delv("www.example.com", root: "com.").stdout.contains("; unsigned answer"), "insecure after disable")
    }
}
