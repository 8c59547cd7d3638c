import Foundation

// Value types for the Route 53 (2013-04-01) and Route 53 Domains (2014-05-15) shapes vanityns uses.
// Property names are the model's member names in lowerCamelCase; `AWSJSON` turns them back into the
// AWS CLI's PascalCase so `--output json` prints what `aws route53 ...` prints.

/// A Route 53 identifier with its `/hostedzone/`, `/change/` or `/delegationset/` prefix removed.
public enum ResourceID {
    /// Strips everything up to the last `/`: `/hostedzone/Z123` and `Z123` both give `Z123`.
    public static func bare(_ id: String) -> String {
        guard let slash = id.lastIndex(of: "/") else { return id }
        return String(id[id.index(after: slash)...])
    }
}

/// A reusable (or a zone's own) delegation set: four AWS name server host names.
public struct DelegationSet: Codable, Sendable, Equatable {
    /// The bare ID (`N0284911Q2UJ8DKK2`), prefix stripped.
    public var id: String?
    public var callerReference: String?
    public var nameServers: [String]
    public init(id: String?, callerReference: String?, nameServers: [String]) {
        self.id = id; self.callerReference = callerReference; self.nameServers = nameServers
    }
}

/// A hosted zone's optional comment and privacy flag.
public struct HostedZoneConfig: Codable, Sendable, Equatable {
    public var comment: String?
    public var privateZone: Bool
    public init(comment: String? = nil, privateZone: Bool = false) { self.comment = comment; self.privateZone = privateZone }
}

/// A hosted zone as ListHostedZones and GetHostedZone describe it.
public struct HostedZone: Codable, Sendable, Equatable {
    /// The bare ID (`Z1D633PJN98FT9`), prefix stripped.
    public var id: String
    /// The zone name with its trailing dot, as Route 53 returns it (`example.com.`).
    public var name: String
    public var callerReference: String
    public var config: HostedZoneConfig?
    public var resourceRecordSetCount: Int?
    public init(id: String, name: String, callerReference: String, config: HostedZoneConfig? = nil, resourceRecordSetCount: Int? = nil) {
        self.id = id; self.name = name; self.callerReference = callerReference; self.config = config
        self.resourceRecordSetCount = resourceRecordSetCount
    }
}

/// GetHostedZone: the zone and the delegation set that serves it.
public struct HostedZoneDetail: Sendable, Equatable {
    public var hostedZone: HostedZone
    /// The zone's name servers; `id` is set when the zone was created with a reusable delegation set.
    public var delegationSet: DelegationSet?
    public init(hostedZone: HostedZone, delegationSet: DelegationSet?) { self.hostedZone = hostedZone; self.delegationSet = delegationSet }
}

/// One value of a record set (`<ResourceRecord><Value>`).
public struct ResourceRecord: Codable, Sendable, Equatable, Hashable {
    public var value: String
    public init(value: String) { self.value = value }
}

/// An alias record's target.
public struct AliasTarget: Codable, Sendable, Equatable, Hashable {
    public var hostedZoneId: String
    public var dnsName: String
    public var evaluateTargetHealth: Bool
    public init(hostedZoneId: String, dnsName: String, evaluateTargetHealth: Bool) {
        self.hostedZoneId = hostedZoneId; self.dnsName = dnsName; self.evaluateTargetHealth = evaluateTargetHealth
    }
}

/// Geolocation routing (`GeoLocation`).
public struct GeoLocation: Codable, Sendable, Equatable, Hashable {
    public var continentCode: String?
    public var countryCode: String?
    public var subdivisionCode: String?
    public init(continentCode: String? = nil, countryCode: String? = nil, subdivisionCode: String? = nil) {
        self.continentCode = continentCode; self.countryCode = countryCode; self.subdivisionCode = subdivisionCode
    }
}

/// Geoproximity routing's point (`Coordinates`): decimal degrees as Route 53 writes them.
public struct Coordinates: Codable, Sendable, Equatable, Hashable {
    public var latitude: String
    public var longitude: String
    public init(latitude: String, longitude: String) { self.latitude = latitude; self.longitude = longitude }
}

/// Geoproximity routing (`GeoProximityLocation`): one of an AWS Region, a Local Zone group or coordinates, and a bias.
public struct GeoProximityLocation: Codable, Sendable, Equatable, Hashable {
    public var awsRegion: String?
    public var localZoneGroup: String?
    public var coordinates: Coordinates?
    public var bias: Int?
    public init(awsRegion: String? = nil, localZoneGroup: String? = nil, coordinates: Coordinates? = nil, bias: Int? = nil) {
        self.awsRegion = awsRegion; self.localZoneGroup = localZoneGroup; self.coordinates = coordinates; self.bias = bias
    }
}

/// IP-based routing (`CidrRoutingConfig`): a CIDR collection and one of its locations.
public struct CidrRoutingConfig: Codable, Sendable, Equatable, Hashable {
    public var collectionId: String
    public var locationName: String
    public init(collectionId: String, locationName: String) { self.collectionId = collectionId; self.locationName = locationName }
}

/// A resource record set with every member vanityns must carry through untouched when copying a zone.
public struct ResourceRecordSet: Codable, Sendable, Equatable, Hashable {
    /// Fully qualified, with the trailing dot as Route 53 returns it; Route 53's `\052` escapes left as they are.
    public var name: String
    public var type: String
    public var setIdentifier: String?
    public var weight: Int?
    public var region: String?
    public var geoLocation: GeoLocation?
    public var failover: String?
    public var multiValueAnswer: Bool?
    public var ttl: Int?
    public var resourceRecords: [ResourceRecord]?
    public var aliasTarget: AliasTarget?
    public var healthCheckId: String?
    public var trafficPolicyInstanceId: String?
    public var cidrRoutingConfig: CidrRoutingConfig?
    public var geoProximityLocation: GeoProximityLocation?
    public init(name: String, type: String, ttl: Int?, values: [String]) {
        self.name = name; self.type = type; self.ttl = ttl
        self.resourceRecords = values.map(ResourceRecord.init(value:))
    }
    /// The plain values (`resourceRecords` flattened); empty for alias records.
    public var values: [String] { resourceRecords?.map(\.value) ?? [] }
}

/// CREATE, DELETE or UPSERT.
public enum ChangeAction: String, Codable, Sendable, Equatable {
    case create = "CREATE", delete = "DELETE", upsert = "UPSERT"
}

/// One change of a ChangeResourceRecordSets batch.
public struct Change: Codable, Sendable, Equatable {
    public var action: ChangeAction
    public var resourceRecordSet: ResourceRecordSet
    public init(action: ChangeAction, resourceRecordSet: ResourceRecordSet) { self.action = action; self.resourceRecordSet = resourceRecordSet }

    /// What a batch costs in Route 53's change bucket: one per record (an alias counts as one), UPSERT twice.
    public static func throttleCount(_ changes: [Change]) -> Int {
        changes.reduce(0) { n, c in n + (c.action == .upsert ? 2 : 1) * max(1, c.resourceRecordSet.resourceRecords?.count ?? 0) }
    }
}

/// PENDING or INSYNC.
public enum ChangeStatus: String, Codable, Sendable, Equatable {
    case pending = "PENDING", insync = "INSYNC"
}

/// The answer to ChangeResourceRecordSets, CreateHostedZone and GetChange.
public struct ChangeInfo: Codable, Sendable, Equatable {
    /// The bare ID (`C2682N5HXP0BZ4`), prefix stripped.
    public var id: String
    public var status: ChangeStatus
    /// ISO 8601, as Route 53 sent it.
    public var submittedAt: String
    public var comment: String?
    public init(id: String, status: ChangeStatus, submittedAt: String, comment: String? = nil) {
        self.id = id; self.status = status; self.submittedAt = submittedAt; self.comment = comment
    }

    /// A change ID as progress lines show it; empty (a write whose answer was lost, read back as applied) says so.
    public static func shown(_ id: String) -> String { id.isEmpty ? "unknown (answer lost; checked: applied)" : id }
}

/// CreateHostedZone's answer.
public struct CreatedHostedZone: Sendable, Equatable {
    public var hostedZone: HostedZone
    public var changeInfo: ChangeInfo?
    public var delegationSet: DelegationSet
    public var location: String?
    public init(hostedZone: HostedZone, changeInfo: ChangeInfo?, delegationSet: DelegationSet, location: String?) {
        self.hostedZone = hostedZone; self.changeInfo = changeInfo; self.delegationSet = delegationSet; self.location = location
    }
}

/// CreateReusableDelegationSet's answer.
public struct CreatedDelegationSet: Sendable, Equatable {
    public var delegationSet: DelegationSet
    public var location: String?
    public init(delegationSet: DelegationSet, location: String?) { self.delegationSet = delegationSet; self.location = location }
}

/// A count against a limit (GetAccountLimit, GetReusableDelegationSetLimit).
public struct LimitUsage: Codable, Sendable, Equatable {
    public var count: Int
    public var limit: Int
    public init(count: Int, limit: Int) { self.count = count; self.limit = limit }
}

/// GetAccountLimit's limit types.
public enum AccountLimitType: String, Sendable {
    case reusableDelegationSetsByOwner = "MAX_REUSABLE_DELEGATION_SETS_BY_OWNER"
    case hostedZonesByOwner = "MAX_HOSTED_ZONES_BY_OWNER"
}

/// GetDNSSEC's signing status (`ServeSignature`: SIGNING, NOT_SIGNING, ...).
public struct DNSSECStatus: Codable, Sendable, Equatable {
    public var serveSignature: String
    public var statusMessage: String?
    /// Key tags of the zone's ACTIVE key-signing keys (GetDNSSEC's KeySigningKeys).
    public var activeKeyTags: [Int]
    public init(serveSignature: String, statusMessage: String?, activeKeyTags: [Int] = []) {
        self.serveSignature = serveSignature; self.statusMessage = statusMessage; self.activeKeyTags = activeKeyTags
    }
}

/// A cost-allocation tag of a hosted zone (ListTagsForResource, ChangeTagsForResource).
public struct ResourceTag: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var value: String?
    public init(key: String, value: String?) { self.key = key; self.value = value }
}

/// A traffic policy instance (ListTrafficPolicyInstancesByHostedZone): the record sets it made carry its id in
/// `TrafficPolicyInstanceId` and cannot be copied with ChangeResourceRecordSets, only recreated from the policy.
public struct TrafficPolicyInstance: Codable, Sendable, Equatable {
    public var id: String
    public var hostedZoneId: String
    public var name: String
    public var ttl: Int
    public var state: String
    public var trafficPolicyId: String
    public var trafficPolicyVersion: Int
    public var trafficPolicyType: String
    public init(id: String, hostedZoneId: String, name: String, ttl: Int, state: String, trafficPolicyId: String,
                trafficPolicyVersion: Int, trafficPolicyType: String) {
        self.id = id; self.hostedZoneId = hostedZoneId; self.name = name; self.ttl = ttl; self.state = state
        self.trafficPolicyId = trafficPolicyId; self.trafficPolicyVersion = trafficPolicyVersion; self.trafficPolicyType = trafficPolicyType
    }
}

// MARK: Route 53 Domains

/// A registered domain's name server with its glue addresses (at most one IPv4 and one IPv6).
public struct DomainNameserver: Codable, Sendable, Equatable {
    public var name: String
    public var glueIps: [String]?
    public init(name: String, glueIps: [String]?) { self.name = name; self.glueIps = glueIps }
}

/// The part of GetDomainDetail vanityns uses.
public struct DomainDetail: Sendable, Equatable {
    public var domainName: String
    public var nameservers: [DomainNameserver]
    /// The DS records the registry holds for the domain (`DnssecKeys`).
    public var dnssecKeys: [DomainDNSSECKey]
    public init(domainName: String, nameservers: [DomainNameserver], dnssecKeys: [DomainDNSSECKey] = []) {
        self.domainName = domainName; self.nameservers = nameservers; self.dnssecKeys = dnssecKeys
    }
}

/// GetOperationDetail's status.
public enum DomainOperationStatus: String, Codable, Sendable {
    case submitted = "SUBMITTED", inProgress = "IN_PROGRESS", error = "ERROR", successful = "SUCCESSFUL", failed = "FAILED"
    /// True once the operation will not change any more.
    public var isFinal: Bool { self == .successful || self == .failed || self == .error }
}

/// GetOperationDetail's answer.
public struct DomainOperation: Sendable, Equatable {
    public var operationId: String
    public var status: DomainOperationStatus
    public var message: String?
    public init(operationId: String, status: DomainOperationStatus, message: String?) {
        self.operationId = operationId; self.status = status; self.message = message
    }
}
