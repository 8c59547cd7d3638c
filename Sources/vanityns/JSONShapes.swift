import Foundation
import Route53
import WhiteLabel

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

/// `verify --output json`.
struct VerifyJSON: Encodable {
    struct Row: Encodable {
        var server: String, address: String, zone: String, answered: Bool, authoritative: Bool
        var soaMName: String?, soaSerial: UInt32?, nsMatches: Bool, problems: [String]
    }
    var passed: Bool
    var rows: [Row]
    var parentFindings: [String]
    var parentProblems: [String]
    init(_ r: VerifyReport) {
        passed = r.passed
        rows = r.rows.map { Row(server: $0.server, address: $0.address, zone: $0.zone, answered: $0.answered, authoritative: $0.authoritative,
                                soaMName: $0.soaMName, soaSerial: $0.soaSerial, nsMatches: $0.nsMatches, problems: $0.problems) }
        parentFindings = r.parentFindings; parentProblems = r.parentProblems
    }
}

/// `check --output json`, for monitoring.
struct DriftJSON: Encodable {
    struct NameServer: Encodable { var awsName: String, vanityHost: String, ipv4: [String], ipv6: [String], warnings: [String] }
    var drift: Bool
    var items: [DriftItem]
    var notes: [String]
    var nameServers: [NameServer]
    init(_ r: DriftReport) {
        drift = r.hasDrift; items = r.items; notes = r.notes
        nameServers = r.nameServers.map { NameServer(awsName: $0.awsName, vanityHost: $0.vanityHost, ipv4: $0.ipv4 ?? [], ipv6: $0.ipv6 ?? [], warnings: $0.warnings) }
    }
}

/// `audit --output json`.
struct AuditJSON: Encodable {
    struct Zone: Encodable {
        var zone: String, zoneId: String, vanityHosts: [String], delegation: String, parentNS: [String]
        var addresses: Int, answeringUDP: Int, answeringTCP: Int, serials: [UInt32], apexNS: [String]
        var apexMatchesParent: Bool?, glue: String, awsShowsThrough: [String], dnssec: String, problems: [String], passed: Bool
    }
    var setId: String?
    var passed: Bool
    var zones: [Zone]
    var notes: [String]
    init(_ r: AuditReport) {
        setId = r.setId; passed = r.passed; notes = r.notes
        zones = r.rows.map {
            Zone(zone: $0.zone, zoneId: $0.zoneId, vanityHosts: $0.vanityHosts, delegation: $0.delegation.rawValue, parentNS: $0.parentNS,
                 addresses: $0.addresses, answeringUDP: $0.answeringUDP, answeringTCP: $0.answeringTCP, serials: $0.serials, apexNS: $0.apexNS,
                 apexMatchesParent: $0.apexMatchesParent, glue: $0.glue, awsShowsThrough: $0.awsShowsThrough, dnssec: $0.dnssec, problems: $0.problems, passed: $0.passed)
        }
    }
}

/// `dnssec status --output json`: each zone's state, Route 53's keys, the DS each parent server serves (null: no
/// answer) and the chain at each name server address and transport.
struct DNSSECStatusJSON: Encodable {
    struct Key: Encodable { var name: String, status: String, keyTag: Int, dsRecord: String, kmsArn: String }
    struct Parent: Encodable { var server: String, address: String, ds: [String]? }
    struct Server: Encodable { var host: String, address: String, transport: String, sepKeyTags: [Int], problems: [String] }
    struct Zone: Encodable {
        var zone: String, zoneId: String, state: String, serveSignature: String, keySigningKeys: [Key], parentDS: [Parent]
        var servers: [Server], problems: [String]
    }
    var passed: Bool
    var zones: [Zone]
    init(_ statuses: [DNSSECZoneStatus]) {
        zones = statuses.map { st in
            Zone(zone: st.zoneName, zoneId: st.zoneId, state: st.state, serveSignature: st.serveSignature,
                 keySigningKeys: st.keySigningKeys.map { Key(name: $0.name, status: $0.status, keyTag: $0.keyTag, dsRecord: $0.dsRecord, kmsArn: $0.kmsArn) },
                 parentDS: st.parent.map { Parent(server: $0.server, address: $0.address, ds: $0.records) },
                 servers: st.servers.map { Server(host: $0.host, address: $0.check.address, transport: $0.check.transport,
                                                  sepKeyTags: $0.check.sepKeyTags, problems: $0.check.problems) },
                 problems: st.problems)
        }
        passed = zones.allSatisfy { $0.problems.isEmpty }
    }
}
