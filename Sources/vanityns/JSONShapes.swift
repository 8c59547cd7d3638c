import Foundation
import Route53

// Output structs in the AWS CLI's shape (`aws route53 ... --output json`): PascalCase members, IDs with their
// `/hostedzone/`, `/delegationset/` and `/change/` prefixes, so existing jq filters carry over.

struct DelegationSetJSON: Encodable {
    var Id: String?
    var CallerReference: String?
    var NameServers: [String]
    init(_ s: DelegationSet) {
        Id = s.id.map { "/delegationset/" + ResourceID.bare($0) }
        CallerReference = s.callerReference
        NameServers = s.nameServers
    }
}

struct HostedZoneConfigJSON: Encodable {
    var Comment: String?
    var PrivateZone: Bool
}

struct HostedZoneJSON: Encodable {
    var Id: String
    var Name: String
    var CallerReference: String
    var Config: HostedZoneConfigJSON?
    var ResourceRecordSetCount: Int?
    init(_ z: HostedZone) {
        Id = "/hostedzone/" + ResourceID.bare(z.id)
        Name = z.name
        CallerReference = z.callerReference
        Config = z.config.map { HostedZoneConfigJSON(Comment: $0.comment, PrivateZone: $0.privateZone) }
        ResourceRecordSetCount = z.resourceRecordSetCount
    }
}

struct ChangeInfoJSON: Encodable {
    var Id: String
    var Status: String
    var SubmittedAt: String
    var Comment: String?
    init(_ c: ChangeInfo) {
        Id = "/change/" + ResourceID.bare(c.id); Status = c.status.rawValue; SubmittedAt = c.submittedAt; Comment = c.comment
    }
}

struct LimitJSON: Encodable {
    var `Type`: String
    var Value: Int
}
