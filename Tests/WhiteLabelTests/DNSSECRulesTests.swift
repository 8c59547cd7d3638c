import Foundation
import Testing
import Route53
@testable import WhiteLabel

/// The KMS key rules `dnssec enable` checks before any write, and the reading of GetDNSSEC's XML.
@Suite struct DNSSECRulesTests {
    @Test func parsesKMSKeyARNsAndRefusesOthers() {
        let p = DNSSECKeyRules.parse("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(p?.region == "us-east-1" && p?.account == "123456789012" && p?.keyId == "1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(DNSSECKeyRules.parse("arn:aws:kms:us-east-1:123456789012:alias/x") == nil)
        #expect(DNSSECKeyRules.parse("arn:aws:kms:us-east-1:1234:key/x") == nil)
        #expect(DNSSECKeyRules.parse("1234abcd-12ab") == nil)
    }

    @Test func aPolicyMustLetTheRoute53PrincipalDescribeGetThePublicKeyAndSign() {
        let policy = DNSSECKeyRules.policy(account: "123456789012")
        #expect(DNSSECKeyRules.allowsRoute53(policy), "the policy vanityns writes")
        #expect(!DNSSECKeyRules.allowsRoute53(#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"}]}"#))
        #expect(!DNSSECKeyRules.allowsRoute53(#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"}, "Action": ["kms:Sign"]}]}"#),
                "Sign alone is not enough")
        #expect(!DNSSECKeyRules.allowsRoute53(#"{"Statement": [{"Effect": "Deny", "Principal": {"Service": "dnssec-route53.amazonaws.com"}, "Action": "kms:*"}]}"#))
        #expect(DNSSECKeyRules.allowsRoute53(#"{"Statement": {"Effect": "Allow", "Principal": {"Service": ["dnssec-route53.amazonaws.com"]}, "Action": "kms:*"}}"#),
                "a single statement, a list of services and kms:*")
        #expect(!DNSSECKeyRules.allowsRoute53("not json"))
        #expect(policy.contains("\"aws:SourceAccount\": \"123456789012\"") && policy.contains("kms:GrantIsForAWSResource"))
    }

    @Test func aKeyOfAnotherSpecStateOrPolicyGetsOneReasonEach() {
        let good = KMSKey(arn: "arn:aws:kms:us-east-1:123456789012:key/k", keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY", keyState: "Enabled",
                          policy: DNSSECKeyRules.policy(account: "123456789012"))
        #expect(DNSSECKeyRules.problems(good).isEmpty)
        var bad = good
        bad.keySpec = "SYMMETRIC_DEFAULT"; bad.keyUsage = "ENCRYPT_DECRYPT"; bad.keyState = "Disabled"; bad.policy = "{}"
        let problems = DNSSECKeyRules.problems(bad)
        #expect(problems.count == 3)
        #expect(problems.contains { $0.contains("SYMMETRIC_DEFAULT with usage ENCRYPT_DECRYPT") })
        #expect(problems.contains { $0.contains("\"aws:SourceAccount\": \"123456789012\"") }, "the statement to add, with the key's account")
    }

    @Test func theKSKReferenceIsDerivedFromTheZoneAndTheKey() {
        let a = WhiteLabelEngine.kskReference(zoneId: "Z1", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k1")
        #expect(a == WhiteLabelEngine.kskReference(zoneId: "Z1", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k1"))
        #expect(a != WhiteLabelEngine.kskReference(zoneId: "Z2", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k1"))
        #expect(a != WhiteLabelEngine.kskReference(zoneId: "Z1", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k2"))
        #expect(WhiteLabelEngine.dsText("43897 13 2 bcc5bfd6 0e6d2314") == "43897 13 2 BCC5BFD60E6D2314")
    }

    @Test func readsGetDNSSECWithItsKeySigningKeys() throws {
        // The shape of Route 53's answer (botocore route53 2013-04-01, GetDNSSECResponse / KeySigningKey).
        let doc = try XMLParser.parse(Data("""
        <?xml version="1.0" encoding="UTF-8"?>
        <GetDNSSECResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Status><ServeSignature>SIGNING</ServeSignature></Status>
        <KeySigningKeys><KeySigningKey><Name>vanityns_ksk</Name><KmsArn>arn:aws:kms:us-east-1:123456789012:key/k</KmsArn><Flag>257</Flag>
        <SigningAlgorithmMnemonic>ECDSAP256SHA256</SigningAlgorithmMnemonic><SigningAlgorithmType>13</SigningAlgorithmType>
        <DigestAlgorithmMnemonic>SHA-256</DigestAlgorithmMnemonic><DigestAlgorithmType>2</DigestAlgorithmType><KeyTag>43897</KeyTag>
        <DigestValue>BCC5</DigestValue><PublicKey>j83A</PublicKey><DSRecord>43897 13 2 BCC5</DSRecord><DNSKEYRecord>257 3 13 j83A</DNSKEYRecord>
        <Status>ACTIVE</Status><CreatedDate>2026-12-07T14:00:00Z</CreatedDate><LastModifiedDate>2026-12-07T14:00:00Z</LastModifiedDate>
        </KeySigningKey></KeySigningKeys></GetDNSSECResponse>
        """.utf8))
        let ksk = try Route53XMLCodec.keySigningKey(try #require(doc.element(at: "KeySigningKeys", "KeySigningKey")))
        #expect(ksk == KeySigningKey(name: "vanityns_ksk", kmsArn: "arn:aws:kms:us-east-1:123456789012:key/k", flag: 257, signingAlgorithmType: 13,
                                     digestAlgorithmType: 2, keyTag: 43897, digestValue: "BCC5", publicKey: "j83A", dsRecord: "43897 13 2 BCC5",
                                     dnskeyRecord: "257 3 13 j83A", status: "ACTIVE", statusMessage: nil))
    }
}
