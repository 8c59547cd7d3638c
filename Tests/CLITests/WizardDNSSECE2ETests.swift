import Foundation
import Testing
import TestSupport

/// The wizard's optional step 10, Sign zones, in tmux at 80x24 with NO_COLOR and an ASCII locale, against the
/// stand-ins (one sandbox account for the whole story): after verify, `z`; a KMS key whose policy does not let
/// Route 53 sign is refused with the statement to add and nothing written (boto3), then a key created, the plan
/// confirmed, example.com signed, its DS published through Route 53 Domains, the chain checked. `delv` with the
/// registry's trust anchor then finds the zone secure and boto3's GetDNSSEC says SIGNING. Every wait is on screen text.
@Suite(.serialized) struct WizardDNSSECE2ETests {
    /// GetDNSSEC's status and KSKs of example.com, the KMS keys of us-east-1, and Route 53 Domains' DS of example.com.
    func written(_ a: WizardAccount) throws -> String {
        try a.moto.boto3("""
        kms = boto3.client('kms', endpoint_url='\(a.moto.endpoint)', region_name='us-east-1')
        z = [z['Id'] for z in r53.list_hosted_zones()['HostedZones'] if z['Name'] == 'example.com.'][0]
        d = r53.get_dnssec(HostedZoneId=z)
        print(d['Status']['ServeSignature'], sorted((k['Name'], k['Status']) for k in d['KeySigningKeys']), len(kms.list_keys()['Keys']),
              [k['KeyTag'] for k in domains.get_domain_detail(DomainName='example.com').get('DnssecKeys', [])])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func signZonesStepRefusesABadKeyThenSignsAndTheChainValidatesAt80x24() throws {
        let account = try WizardAccount(seed: .sandbox)
        defer { account.stop() }
        let badKey = try account.moto.boto3("""
        kms = boto3.client('kms', endpoint_url='\(account.moto.endpoint)', region_name='us-east-1')
        print(kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')['KeyMetadata']['Arn'])
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let t = try account.wizard(width: 80, height: 24, extraEnvironment: ["NO_COLOR": "1", "LANG": "C", "LC_ALL": "C"])
        try account.confirmHomeZoneApply(t)
        try account.registrarAtRoute53DomainsThenVerify(t, domain: "example.com")
        try t.waitForText("z signs them (optional DNSSEC)")

        // The checklist: example.com not signed yet, ticked; s would skip.
        try t.sendKeys("z")
        let pick = try t.waitForText("[x] example.com")
        #expect(pick[0].contains("step 10/10 Sign zones"), "\(pick.joined(separator: "\n"))")
        #expect(pick.contains { $0.contains("[x] example.com  not signed (NOT_SIGNING)") } && pick.last?.contains("s skip") == true,
                "\(pick.joined(separator: "\n"))")
        let before = try written(account)
        #expect(before == "NOT_SIGNING [] 1 []", "\(before)")

        // A key whose policy leaves Route 53 out: refused with the statement to add, nothing written.
        try t.sendKeys("Enter")
        try t.waitForText("Create a KMS key in us-east-1")
        try t.sendText(badKey)
        try t.sendKeys("Enter")
        let refused = try t.waitForText("Refused, nothing written")
        let text = refused.joined(separator: "\n")
        #expect(text.contains("does not let dnssec-route53.amazonaws.com") && text.contains("esc picks another key"), "\(text)")
        #expect(try written(account) == before, "a refusal writes nothing")

        // Back, create the key: the plan, y, the signing, then the DS through Route 53 Domains, confirmed.
        try t.sendKeys("Escape")
        try t.waitForText("Create a KMS key in us-east-1")
        try t.sendKeys("Up", "Enter")
        let plan = try t.waitForText("y signs this zone")
        #expect(plan.contains { $0.contains("CreateKeySigningKey vanityns_ksk, ACTIVE") } && plan.contains { $0.contains("KMS key: to create in us-east-1") }
                && plan.contains { $0.contains("AssociateDelegationSignerToDomain for") },
                "\(plan.joined(separator: "\n"))")
        #expect(try written(account) == before, "the plan writes nothing")
        try t.sendKeys("y")
        try t.waitForText("p publishes the DS at Route 53 Domains", timeout: 30)
        let ds = try t.capture()
        #expect(ds.contains { $0.range(of: #"^\| digest +[0-9A-F]{64} +\|$"#, options: .regularExpression) != nil }, "\(ds.joined(separator: "\n"))")
        #expect(try written(account).hasPrefix("SIGNING [('vanityns_ksk', 'ACTIVE')] 2 []"), "signed, no DS before p and y")
        try t.sendKeys("p")
        try t.waitForText("Publish the DS of example.com through Route 53 Domains")
        try t.sendKeys("y")
        let chain = try t.waitForText("example.com: SECURE, Route 53 SIGNING", timeout: 60)
        #expect(chain.contains { $0.range(of: #"chain verifies at ([1-9]\d*) of \1 server checks"#, options: .regularExpression) != nil },
                "\(chain.joined(separator: "\n"))")
        #expect(chain.contains { $0.range(of: #"\d\d:\d\d:\d\d GetDNSSEC +200 "#, options: .regularExpression) != nil },
                "the calls are in the log pane: \(chain.joined(separator: "\n"))")

        // Independent checks: boto3 sees the zone signing and the DS at Route 53 Domains; delv validates.
        let after = try written(account)
        #expect(after.hasPrefix("SIGNING [('vanityns_ksk', 'ACTIVE')] 2 [") && !after.hasSuffix("[]"), "\(after)")
        try account.dns.waitForMotoChanges()
        let secure = try account.dns.delv("www.example.com", root: "com.")
        #expect(secure.stdout.contains("; fully validated"), "\(secure.stdout)\n\(secure.stderr)")
        try t.sendKeys("Enter")
        #expect(try t.waitForExit() == 0)
    }
}
