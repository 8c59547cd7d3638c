import Foundation

/// The Route 53 operations vanityns uses. `Route53Client` is the live implementation; tests of the engine and the
/// wizard may use an in-memory one. IDs are accepted with or without their `/type/` prefix and returned bare.
public protocol Route53API: Sendable {
    // Reusable delegation sets
    /// CreateReusableDelegationSet. Idempotent on `callerReference`: when a set with that reference already exists
    /// (`DelegationSetAlreadyCreated`, or a retried create whose answer was lost) the existing set is returned.
    func createReusableDelegationSet(callerReference: String, hostedZoneId: String?) async throws -> CreatedDelegationSet
    func getReusableDelegationSet(id: String) async throws -> DelegationSet
    /// ListReusableDelegationSets, one element per page.
    func listReusableDelegationSetPages() -> AsyncThrowingStream<[DelegationSet], Error>
    func deleteReusableDelegationSet(id: String) async throws
    /// GetReusableDelegationSetLimit (MAX_ZONES_BY_REUSABLE_DELEGATION_SET).
    func getReusableDelegationSetLimit(id: String) async throws -> LimitUsage

    // Hosted zones
    /// CreateHostedZone. Idempotent on `callerReference` (`HostedZoneAlreadyExists` resolves to the existing zone).
    func createHostedZone(name: String, callerReference: String, delegationSetId: String?, comment: String?) async throws -> CreatedHostedZone
    func getHostedZone(id: String) async throws -> HostedZoneDetail
    /// ListHostedZones (all pages, optionally only the zones of one reusable delegation set), one element per page.
    func listHostedZonePages(delegationSetId: String?) -> AsyncThrowingStream<[HostedZone], Error>
    /// ListHostedZonesByName: zones in name order starting at `dnsName` (one page of at most `maxItems`).
    func listHostedZonesByName(dnsName: String?, maxItems: Int) async throws -> [HostedZone]
    func deleteHostedZone(id: String) async throws -> ChangeInfo

    // Record sets
    /// ListResourceRecordSets, every page, one element per page.
    func listResourceRecordSetPages(zoneId: String) -> AsyncThrowingStream<[ResourceRecordSet], Error>
    /// ChangeResourceRecordSets: all changes in one atomic batch.
    func changeResourceRecordSets(zoneId: String, changes: [Change], comment: String?) async throws -> ChangeInfo
    func getChange(id: String) async throws -> ChangeInfo

    // Tags and traffic policies
    /// ListTagsForResource for a hosted zone.
    func listTagsForHostedZone(id: String) async throws -> [ResourceTag]
    /// ListTagsForResources for hosted zones: every zone's tags, 10 zones a call; a zone without tags maps to [].
    func listTagsForHostedZones(ids: [String]) async throws -> [String: [ResourceTag]]
    /// ChangeTagsForResource for a hosted zone: adds (or overwrites) `tags`, at most 10 per call.
    func addTagsToHostedZone(id: String, tags: [ResourceTag]) async throws
    /// ListTrafficPolicyInstancesByHostedZone, every page.
    func listTrafficPolicyInstances(hostedZoneId: String) async throws -> [TrafficPolicyInstance]

    // Account
    func getAccountLimit(_ type: AccountLimitType) async throws -> LimitUsage
    func getDNSSEC(zoneId: String) async throws -> DNSSECStatus
}

/// The Route 53 Domains operations vanityns uses.
public protocol Route53DomainsAPI: Sendable {
    func getDomainDetail(domainName: String) async throws -> DomainDetail
    /// UpdateDomainNameservers; returns the operation ID.
    func updateDomainNameservers(domainName: String, nameservers: [DomainNameserver]) async throws -> String
    func getOperationDetail(operationId: String) async throws -> DomainOperation
}

extension Route53API {
    /// Every reusable delegation set, all pages joined.
    public func listReusableDelegationSets() async throws -> [DelegationSet] {
        try await collect(listReusableDelegationSetPages())
    }
    /// Every hosted zone (optionally of one set), all pages joined.
    public func listHostedZones(delegationSetId: String? = nil) async throws -> [HostedZone] {
        try await collect(listHostedZonePages(delegationSetId: delegationSetId))
    }
    /// One ListTagsForResource per zone: for an implementation without the plural call (the tests' fakes).
    public func listTagsForHostedZones(ids: [String]) async throws -> [String: [ResourceTag]] {
        var out: [String: [ResourceTag]] = [:]
        for id in ids { out[ResourceID.bare(id)] = try await listTagsForHostedZone(id: id) }
        return out
    }
    /// Every record set of a zone, all pages joined.
    public func listResourceRecordSets(zoneId: String) async throws -> [ResourceRecordSet] {
        try await collect(listResourceRecordSetPages(zoneId: zoneId))
    }

    /// Creates a zone with a derived reference (`CallerReference.forZone`), moving along its generations past
    /// references spent by zones since deleted: never a second zone, and no dead end after a delete.
    public func createHostedZone(name: String, derivedReference: String, delegationSetId: String?, comment: String?) async throws -> CreatedHostedZone {
        try await CallerReference.firstUnspent(derivedReference, code: "HostedZoneAlreadyExists") {
            try await createHostedZone(name: name, callerReference: $0, delegationSetId: delegationSetId, comment: comment)
        }
    }

    /// The same for a reusable delegation set.
    public func createReusableDelegationSet(derivedReference: String, hostedZoneId: String?) async throws -> CreatedDelegationSet {
        try await CallerReference.firstUnspent(derivedReference, code: "DelegationSetAlreadyCreated") {
            try await createReusableDelegationSet(callerReference: $0, hostedZoneId: hostedZoneId)
        }
    }

    /// Polls GetChange until the change is INSYNC, calling `progress` after each poll.
    /// - Parameters:
    ///   - interval: seconds between polls.
    ///   - timeout: seconds before giving up with `Route53Error.transport`.
    public func waitUntilInSync(changeId: String, interval: Double = 2, timeout: Double = 600,
                                progress: @Sendable (ChangeInfo) -> Void = { _ in }) async throws -> ChangeInfo {
        let start = Date()
        while true {
            let info = try await getChange(id: changeId)
            progress(info)
            if info.status == .insync { return info }
            if Date().timeIntervalSince(start) > timeout {
                throw Route53Error.transport("change \(changeId) still PENDING after \(Int(timeout)) s")
            }
            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }

    private func collect<T>(_ pages: AsyncThrowingStream<[T], Error>) async throws -> [T] {
        var all: [T] = []
        for try await page in pages { all += page }
        return all
    }
}

/// How many zones a reusable delegation set serves, against its limit.
public struct SetUsage: Sendable, Equatable {
    public var count: Int
    public var limit: Int
    /// Why the limit is the documented default (100) rather than the account's own, when it is.
    public var limitNote: String?
    public init(count: Int, limit: Int, limitNote: String?) { self.count = count; self.limit = limit; self.limitNote = limitNote }
}

extension Route53API {
    /// GetReusableDelegationSetLimit, falling back to counting the set's zones against the documented default of 100
    /// when the endpoint does not offer that call (the moto stand-in answers 404). Credential and network errors
    /// are not hidden: they are thrown.
    public func setUsage(id: String, knownZoneCount: Int? = nil) async throws -> SetUsage {
        try await usage(of: "GetReusableDelegationSetLimit", { try await getReusableDelegationSetLimit(id: id) }) {
            if let knownZoneCount { return knownZoneCount }
            return try await listHostedZones(delegationSetId: id).count
        }
    }

    /// GetAccountLimit for reusable delegation sets, with the same fallback: the sets listed against 100.
    public func accountSetUsage() async throws -> SetUsage {
        try await usage(of: "GetAccountLimit", { try await getAccountLimit(.reusableDelegationSetsByOwner) }) {
            try await listReusableDelegationSets().count
        }
    }

    /// GetAccountLimit for hosted zones, with the same fallback: the zones listed against Route 53's default of 500.
    public func accountZoneUsage(knownZoneCount: Int? = nil) async throws -> SetUsage {
        try await usage(of: "GetAccountLimit", { try await getAccountLimit(.hostedZonesByOwner) }, defaultLimit: 500) {
            if let knownZoneCount { return knownZoneCount }
            return try await listHostedZones().count
        }
    }

    private func usage(of operation: String, _ limit: () async throws -> LimitUsage, defaultLimit: Int = 100,
                       count: () async throws -> Int) async throws -> SetUsage {
        do {
            let l = try await limit()
            return SetUsage(count: l.count, limit: l.limit, limitNote: nil)
        } catch let e as Route53Error {
            switch e {
            case .malformedResponse, .service(code: "InvalidInput", _, _, _):
                return SetUsage(count: try await count(), limit: defaultLimit,
                                limitNote: "the endpoint does not answer \(operation); \(defaultLimit) is Route 53's default")
            default: throw e
            }
        }
    }
}
