import Testing
import Foundation
@testable import Route53
import TestSupport

/// The stand-in's DNSSEC (scripts/route53_standin/dnssec.py) through the real `Route53Client`: Route 53's refusals,
/// which `dnssec enable` never lets the stand-in see for bad input (it refuses first), so they are tested here.
@Suite(.serialized) struct StandInDNSSECTests {
    static func code(_ error: any Error) -> String? { (error as? Route53Error)?.code }

    @Test func keySigningKeysAreRefusedAsRoute53RefusesThem() async throws {
        let moto = try MotoServer(pendingSeconds: 0)
        defer { moto.stop() }
        let client = Route53Client(endpoint: motoEndpoint(moto), credentials: StaticCredentials(), options: testOptions)
        let zone = try await client.createHostedZone(name: "signed.example", callerReference: "signed", delegationSetId: nil, comment: nil).hostedZone
        let arns = try moto.boto3("""
        pol = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"},
                          "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*"}]})
        kms = boto3.client('kms', endpoint_url='\(moto.endpoint)', region_name='us-east-1')
        west = boto3.client('kms', endpoint_url='\(moto.endpoint)', region_name='us-west-2')
        print(kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY', Policy=pol)['KeyMetadata']['Arn'])
        print(west.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY', Policy=pol)['KeyMetadata']['Arn'])
        print(kms.create_key(Policy=pol)['KeyMetadata']['Arn'])
        print(kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')['KeyMetadata']['Arn'])
        """).split(separator: "\n").map(String.init)
        let good = arns[0]
        for (arn, why) in zip(arns.dropFirst(), ["in us-west-2", "SYMMETRIC_DEFAULT", "key policy does not allow"]) {
            do {
                _ = try await client.createKeySigningKey(zoneId: zone.id, name: "bad_key", kmsArn: arn, active: true, callerReference: "r-\(arn.suffix(6))")
                Issue.record("\(why): accepted")
            } catch {
                #expect(Self.code(error) == "InvalidKMSArn" && String(describing: error).contains(why), "\(error)")
            }
        }
        do { _ = try await client.enableHostedZoneDNSSEC(zoneId: zone.id); Issue.record("signing without an active KSK") } catch {
            #expect(Self.code(error) == "KeySigningKeyWithActiveStatusNotFound")
        }
        let ksk = try await client.createKeySigningKey(zoneId: zone.id, name: "vanityns_ksk", kmsArn: good, active: true, callerReference: "ref")
        #expect(ksk.flag == 257 && ksk.signingAlgorithmType == 13 && ksk.digestAlgorithmType == 2 && ksk.dsRecord.hasPrefix("\(ksk.keyTag) 13 2 "))
        let again = try await client.createKeySigningKey(zoneId: zone.id, name: "vanityns_ksk", kmsArn: good, active: true, callerReference: "ref")
        #expect(again == ksk, "a repeat meets KeySigningKeyAlreadyExists and returns the same KSK")
        _ = try await client.enableHostedZoneDNSSEC(zoneId: zone.id)
        let detail = try await client.getDNSSECDetail(zoneId: zone.id)
        #expect(detail.signing && detail.keySigningKeys.map(\.keyTag) == [ksk.keyTag])
        do { _ = try await client.deactivateKeySigningKey(zoneId: zone.id, name: "vanityns_ksk"); Issue.record("the only KSK deactivated") } catch {
            #expect(Self.code(error) == "KeySigningKeyInUse")
        }
        // boto3 agrees (an independent client of the same stand-in).
        let seen = try moto.boto3("d = r53.get_dnssec(HostedZoneId='\(zone.id)'); print(d['Status']['ServeSignature'], [k['KeyTag'] for k in d['KeySigningKeys']])")
        #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines) == "SIGNING [\(ksk.keyTag)]")
        _ = try await client.disableHostedZoneDNSSEC(zoneId: zone.id)
        _ = try await client.deactivateKeySigningKey(zoneId: zone.id, name: "vanityns_ksk")
        #expect(try await client.getDNSSECDetail(zoneId: zone.id).keySigningKeys.map(\.status) == ["INACTIVE"])
    }
}
