import Testing
import Foundation
@testable import Route53

@Suite struct ModelTests {
    @Test func idsAreAcceptedWithOrWithoutPrefix() {
        #expect(ResourceID.bare("/hostedzone/Z123") == "Z123")
        #expect(ResourceID.bare("Z123") == "Z123")
        #expect(ResourceID.bare("/delegationset/N9") == "N9")
    }

    @Test func jsonUsesTheAWSCLIMemberNames() throws {
        let set = DelegationSet(id: "N1", callerReference: "ref", nameServers: ["ns-1.awsdns-01.com"])
        let json = try AWSJSON.string(set)
        #expect(json.contains("\"CallerReference\" : \"ref\""))
        #expect(json.contains("\"NameServers\""))
        let rr = ResourceRecordSet(name: "a.example.com.", type: "A", ttl: 60, values: ["192.0.2.1"])
        let j2 = try AWSJSON.string(rr)
        #expect(j2.contains("\"TTL\" : 60"))
        let back = try AWSJSON.decoder().decode(ResourceRecordSet.self, from: Data(j2.utf8))
        #expect(back == rr)
    }
}
