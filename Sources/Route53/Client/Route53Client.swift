import Foundation

/// The live Route 53 client: the REST-XML API 2013-04-01 over `HTTPTransport`, signed with SigV4, with retries,
/// client-side rate limits and a `RequestEvent` per attempt.
public final class Route53Client: Route53API {
    let executor: RequestExecutor
    static let api = "/2013-04-01"

    /// - Parameters:
    ///   - endpoint: where Route 53 is (`ServiceEndpoint.route53`, or a moto server).
    ///   - credentials: asked before every attempt (providers cache).
    ///   - transport: `CurlTransport.shared` unless a test passes another.
    ///   - events: receives one event per HTTP attempt.
    public init(endpoint: ServiceEndpoint, credentials: any CredentialProvider, transport: any HTTPTransport = CurlTransport.shared,
                events: RequestEventHub? = nil, options: ClientOptions = ClientOptions()) {
        executor = RequestExecutor(endpoint: endpoint, credentials: credentials, transport: transport, events: events,
                                   options: options, decodeError: Route53XMLCodec.error(from:))
    }

    // MARK: Plumbing

    static func seg(_ id: String) -> String { RequestExecutor.encode(ResourceID.bare(id)) }

    /// Sends a call and parses its 2xx answer, checking the root element.
    func xml(_ call: APICall, root: String) async throws -> XMLElement {
        try await executor.send(call) { try Self.parse($0, root: root) }
    }

    static func parse(_ response: HTTPResponse, root: String) throws -> XMLElement {
        let doc: XMLElement
        do { doc = try XMLParser.parse(response.body) } catch {
            throw Route53Error.malformedResponse("HTTP \(response.status) with a body that is not XML: \(XMLParser.excerpt(response.body))")
        }
        guard doc.name == root else {
            throw Route53Error.malformedResponse("HTTP \(response.status): expected <\(root)>, got <\(doc.name)>: \(XMLParser.excerpt(response.body))")
        }
        return doc
    }

    /// Pages of a listing: `fetch` gets one page from a cursor and returns its items and the next cursor.
    private func pages<Item: Sendable, Cursor: Sendable>(
        first: Cursor?, _ fetch: @escaping @Sendable (Cursor?) async throws -> ([Item], Cursor?)
    ) -> AsyncThrowingStream<[Item], Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var cursor = first
                    repeat {
                        let (items, next) = try await fetch(cursor)
                        continuation.yield(items)
                        cursor = next
                    } while cursor != nil
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Reusable delegation sets

    /// Create first; a retry of a create whose answer was lost, or a rerun, meets DelegationSetAlreadyCreated and
    /// returns the set made with this reference.
    public func createReusableDelegationSet(callerReference: String, hostedZoneId: String?) async throws -> CreatedDelegationSet {
        let call = APICall(operation: "CreateReusableDelegationSet", method: "POST", path: Self.api + "/delegationset",
                           body: Route53XMLCodec.createDelegationSetDocument(callerReference: callerReference, hostedZoneId: hostedZoneId))
        do {
            return try await executor.send(call) { response in
                let doc = try Self.parse(response, root: "CreateReusableDelegationSetResponse")
                return CreatedDelegationSet(delegationSet: Route53XMLCodec.delegationSet(try Route53XMLCodec.requiredElement(doc, "DelegationSet")),
                                            location: response.headers["location"])
            }
        } catch let error as Route53Error where error.code == "DelegationSetAlreadyCreated" {
            if let existing = try await findDelegationSet(callerReference: callerReference) { return existing }
            throw Self.referenceSpent(error, "a delegation set", callerReference)
        }
    }

    /// Route 53 never takes a CallerReference twice, even after the object it made was deleted: say so, and what to do.
    private static func referenceSpent(_ error: Route53Error, _ what: String, _ reference: String) -> Route53Error {
        guard case let .service(code, message, status, requestId) = error else { return error }
        return .service(code: code, message: message + " No \(what) with caller reference \(reference) exists any more: it was deleted, "
                        + "and Route 53 never accepts a reference twice. Create it with a new caller reference.",
                        status: status, requestId: requestId)
    }

    private func findDelegationSet(callerReference: String) async throws -> CreatedDelegationSet? {
        try await listReusableDelegationSets().first { $0.callerReference == callerReference }
            .map { CreatedDelegationSet(delegationSet: $0, location: nil) }
    }

    public func getReusableDelegationSet(id: String) async throws -> DelegationSet {
        let doc = try await xml(APICall(operation: "GetReusableDelegationSet", method: "GET", path: Self.api + "/delegationset/" + Self.seg(id)),
                                root: "GetReusableDelegationSetResponse")
        return Route53XMLCodec.delegationSet(try Route53XMLCodec.requiredElement(doc, "DelegationSet"))
    }

    public func listReusableDelegationSetPages() -> AsyncThrowingStream<[DelegationSet], Error> {
        pages(first: nil as String?) { marker in
            var q = [("maxitems", "100")]
            if let marker { q.append(("marker", marker)) }
            let doc = try await self.xml(APICall(operation: "ListReusableDelegationSets", method: "GET", path: Self.api + "/delegationset", query: q),
                                         root: "ListReusableDelegationSetsResponse")
            // A reusable set always has an ID; moto also lists its per-zone default sets with an empty one: skip those.
            let sets = (doc.child("DelegationSets")?.children("DelegationSet").map(Route53XMLCodec.delegationSet) ?? [])
                .filter { !($0.id ?? "").isEmpty }
            let next = Route53XMLCodec.bool(doc, "IsTruncated") == true ? doc.text("NextMarker").flatMap { $0.isEmpty ? nil : $0 } : nil
            return (sets, next)
        }
    }

    /// Not resent blindly: a lost answer is settled by reading the set back (gone: done).
    public func deleteReusableDelegationSet(id: String) async throws {
        var call = APICall(operation: "DeleteReusableDelegationSet", method: "DELETE", path: Self.api + "/delegationset/" + Self.seg(id))
        call.idempotent = false
        try await executor.reconciling(call, send: { try await executor.send(call) { _ in () } },
                                       check: { try await self.gone("NoSuchDelegationSet") { _ = try await self.getReusableDelegationSet(id: id) } },
                                       applied: {})
    }

    /// `.applied` when `read` fails with `missingCode` (the object is gone), `.notApplied` when it is still there.
    private func gone(_ missingCode: String, _ read: () async throws -> Void) async throws -> ReadBack {
        do { try await read() } catch let e as Route53Error where e.code == missingCode { return .applied }
        return .notApplied
    }

    /// What a write whose answer was lost, read back as applied, answers: its change ID is unknown (nothing to poll).
    private static func readBackChange() -> ChangeInfo {
        ChangeInfo(id: "", status: .insync, submittedAt: ISO8601DateFormatter().string(from: Date()), comment: "answer lost; checked: applied")
    }

    public func getReusableDelegationSetLimit(id: String) async throws -> LimitUsage {
        let doc = try await xml(APICall(operation: "GetReusableDelegationSetLimit", method: "GET",
                                        path: Self.api + "/reusabledelegationsetlimit/" + Self.seg(id) + "/MAX_ZONES_BY_REUSABLE_DELEGATION_SET"),
                                root: "GetReusableDelegationSetLimitResponse")
        return try Route53XMLCodec.limitUsage(doc)
    }

    // MARK: Hosted zones

    /// Create first; a retry of a create whose answer was lost, or a rerun, meets HostedZoneAlreadyExists and returns
    /// the zone made with this reference.
    public func createHostedZone(name: String, callerReference: String, delegationSetId: String?, comment: String?) async throws -> CreatedHostedZone {
        let call = APICall(operation: "CreateHostedZone", method: "POST", path: Self.api + "/hostedzone",
                           body: Route53XMLCodec.createHostedZoneDocument(name: name, callerReference: callerReference,
                                                                          delegationSetId: delegationSetId, comment: comment))
        do {
            return try await executor.send(call) { response in
                let doc = try Self.parse(response, root: "CreateHostedZoneResponse")
                return CreatedHostedZone(
                    hostedZone: try Route53XMLCodec.hostedZone(try Route53XMLCodec.requiredElement(doc, "HostedZone")),
                    changeInfo: try doc.child("ChangeInfo").map(Route53XMLCodec.changeInfo),
                    delegationSet: Route53XMLCodec.delegationSet(try Route53XMLCodec.requiredElement(doc, "DelegationSet")),
                    location: response.headers["location"])
            }
        } catch let error as Route53Error where error.code == "HostedZoneAlreadyExists" {
            if let existing = try await findHostedZone(name: name, callerReference: callerReference) { return existing }
            throw Self.referenceSpent(error, "hosted zone \(name)", callerReference)
        }
    }

    /// A zone called `name` created with `callerReference`, with its name servers, or nil.
    private func findHostedZone(name: String, callerReference: String) async throws -> CreatedHostedZone? {
        let wanted = Self.canonicalName(name)
        let zones = try await listHostedZonesByName(dnsName: name, maxItems: 100)
        guard let zone = zones.first(where: { Self.canonicalName($0.name) == wanted && $0.callerReference == callerReference }) else { return nil }
        let detail = try await getHostedZone(id: zone.id)
        return CreatedHostedZone(hostedZone: detail.hostedZone, changeInfo: nil,
                                 delegationSet: detail.delegationSet ?? DelegationSet(id: nil, callerReference: nil, nameServers: []),
                                 location: nil)
    }

    private static func canonicalName(_ n: String) -> String {
        let l = n.lowercased()
        return l.hasSuffix(".") ? l : l + "."
    }

    public func getHostedZone(id: String) async throws -> HostedZoneDetail {
        let doc = try await xml(APICall(operation: "GetHostedZone", method: "GET", path: Self.api + "/hostedzone/" + Self.seg(id)),
                                root: "GetHostedZoneResponse")
        return HostedZoneDetail(hostedZone: try Route53XMLCodec.hostedZone(try Route53XMLCodec.requiredElement(doc, "HostedZone")),
                                delegationSet: doc.child("DelegationSet").map(Route53XMLCodec.delegationSet))
    }

    public func listHostedZonePages(delegationSetId: String?) -> AsyncThrowingStream<[HostedZone], Error> {
        pages(first: nil as String?) { marker in
            var q = [("maxitems", "100")]
            if let marker { q.append(("marker", marker)) }
            if let delegationSetId { q.append(("delegationsetid", ResourceID.bare(delegationSetId))) }
            let doc = try await self.xml(APICall(operation: "ListHostedZones", method: "GET", path: Self.api + "/hostedzone", query: q),
                                         root: "ListHostedZonesResponse")
            let zones = try (doc.child("HostedZones")?.children("HostedZone") ?? []).map(Route53XMLCodec.hostedZone)
            let next = Route53XMLCodec.bool(doc, "IsTruncated") == true ? doc.text("NextMarker").flatMap { $0.isEmpty ? nil : $0 } : nil
            return (zones, next)
        }
    }

    public func listHostedZonesByName(dnsName: String?, maxItems: Int) async throws -> [HostedZone] {
        var q = [("maxitems", String(max(1, min(maxItems, 100))))]
        if let dnsName { q.append(("dnsname", dnsName)) }
        let doc = try await xml(APICall(operation: "ListHostedZonesByName", method: "GET", path: Self.api + "/hostedzonesbyname", query: q),
                                root: "ListHostedZonesByNameResponse")
        return try (doc.child("HostedZones")?.children("HostedZone") ?? []).map(Route53XMLCodec.hostedZone)
    }

    /// Not resent blindly: a lost answer is settled by reading the zone back (gone: done).
    public func deleteHostedZone(id: String) async throws -> ChangeInfo {
        var call = APICall(operation: "DeleteHostedZone", method: "DELETE", path: Self.api + "/hostedzone/" + Self.seg(id))
        call.idempotent = false
        return try await executor.reconciling(call, send: {
            let doc = try await xml(call, root: "DeleteHostedZoneResponse")
            return try Route53XMLCodec.changeInfo(try Route53XMLCodec.requiredElement(doc, "ChangeInfo"))
        }, check: { try await self.gone("NoSuchHostedZone") { _ = try await self.getHostedZone(id: id) } }, applied: Self.readBackChange)
    }

    // MARK: Record sets

    /// Where the next page of ListResourceRecordSets starts.
    private struct RecordCursor: Sendable { var name: String; var type: String?; var identifier: String? }

    public func listResourceRecordSetPages(zoneId: String) -> AsyncThrowingStream<[ResourceRecordSet], Error> {
        let path = Self.api + "/hostedzone/" + Self.seg(zoneId) + "/rrset"
        return pages(first: nil as RecordCursor?) { cursor in
            var q = [("maxitems", "300")]
            if let cursor {
                q.append(("name", cursor.name))
                if let t = cursor.type { q.append(("type", t)) }
                if let i = cursor.identifier { q.append(("identifier", i)) }
            }
            let doc = try await self.xml(APICall(operation: "ListResourceRecordSets", method: "GET", path: path, query: q),
                                         root: "ListResourceRecordSetsResponse")
            let sets = try (doc.child("ResourceRecordSets")?.children("ResourceRecordSet") ?? []).map(Route53XMLCodec.recordSet)
            var next: RecordCursor?
            if Route53XMLCodec.bool(doc, "IsTruncated") == true, let name = doc.text("NextRecordName") {
                next = RecordCursor(name: name, type: doc.text("NextRecordType"), identifier: doc.text("NextRecordIdentifier"))
            }
            return (sets, next)
        }
    }

    /// A batch with a CREATE or DELETE is not resent blindly (a resend of one that was applied would be refused,
    /// "already exists" / "not found"): a lost answer is settled by reading the record sets back (`BatchReadBack`).
    /// UPSERT-only batches are retried like any call. A batch read back as applied answers INSYNC with no change ID.
    public func changeResourceRecordSets(zoneId: String, changes: [Change], comment: String?) async throws -> ChangeInfo {
        var call = APICall(operation: "ChangeResourceRecordSets", method: "POST",
                           path: Self.api + "/hostedzone/" + Self.seg(zoneId) + "/rrset/",
                           body: Route53XMLCodec.changeBatchDocument(changes, comment: comment),
                           changeCount: Change.throttleCount(changes))
        call.idempotent = BatchReadBack.isIdempotent(changes)
        return try await executor.reconciling(call, send: {
            let doc = try await xml(call, root: "ChangeResourceRecordSetsResponse")
            return try Route53XMLCodec.changeInfo(try Route53XMLCodec.requiredElement(doc, "ChangeInfo"))
        }, check: {
            BatchReadBack.decide(changes, found: try await self.recordSets(zoneId: zoneId, at: BatchReadBack.names(changes)))
        }, applied: Self.readBackChange)
    }

    /// The zone's record sets at `names` (one short listing each), or the whole zone when there are many names.
    private func recordSets(zoneId: String, at names: [(name: String, type: String)]) async throws -> [ResourceRecordSet] {
        if names.count > 10 { return try await listResourceRecordSets(zoneId: zoneId) }
        var found: [ResourceRecordSet] = []
        for n in names {
            let doc = try await xml(APICall(operation: "ListResourceRecordSets", method: "GET",
                                            path: Self.api + "/hostedzone/" + Self.seg(zoneId) + "/rrset",
                                            query: [("name", n.name), ("type", n.type), ("maxitems", "300")]),
                                    root: "ListResourceRecordSetsResponse")
            found += try (doc.child("ResourceRecordSets")?.children("ResourceRecordSet") ?? []).map(Route53XMLCodec.recordSet)
                .filter { BatchReadBack.name($0.name) == n.name && $0.type.uppercased() == n.type }
        }
        return found
    }

    public func getChange(id: String) async throws -> ChangeInfo {
        let doc = try await xml(APICall(operation: "GetChange", method: "GET", path: Self.api + "/change/" + Self.seg(id)),
                                root: "GetChangeResponse")
        return try Route53XMLCodec.changeInfo(try Route53XMLCodec.requiredElement(doc, "ChangeInfo"))
    }

    // MARK: Tags and traffic policies

    public func listTagsForHostedZone(id: String) async throws -> [ResourceTag] {
        let doc = try await xml(APICall(operation: "ListTagsForResource", method: "GET", path: Self.api + "/tags/hostedzone/" + Self.seg(id)),
                                root: "ListTagsForResourceResponse")
        return Route53XMLCodec.tags(doc.element(at: "ResourceTagSet", "Tags"))
    }

    /// POST /tags/hostedzone with at most 10 ResourceIds a call (Route 53's limit); a read, so retried like a GET.
    public func listTagsForHostedZones(ids: [String]) async throws -> [String: [ResourceTag]] {
        let bare = Array(Set(ids.map(ResourceID.bare))).sorted()
        var out: [String: [ResourceTag]] = [:]
        for chunk in stride(from: 0, to: bare.count, by: 10) {
            let some = Array(bare[chunk..<min(chunk + 10, bare.count)])
            let doc = try await xml(APICall(operation: "ListTagsForResources", method: "POST", path: Self.api + "/tags/hostedzone",
                                            body: Route53XMLCodec.listTagsDocument(some)),
                                    root: "ListTagsForResourcesResponse")
            for id in some { out[id] = [] }
            for set in doc.element(at: "ResourceTagSets")?.children("ResourceTagSet") ?? [] {
                guard let id = set.text("ResourceId") else { continue }
                out[ResourceID.bare(id)] = Route53XMLCodec.tags(set.element(at: "Tags"))
            }
        }
        return out
    }

    /// Not resent blindly: a lost answer is settled by reading the zone's tags back (every tag with its value: done).
    public func addTagsToHostedZone(id: String, tags: [ResourceTag]) async throws {
        guard !tags.isEmpty else { return }
        var call = APICall(operation: "ChangeTagsForResource", method: "POST", path: Self.api + "/tags/hostedzone/" + Self.seg(id),
                           body: Route53XMLCodec.addTagsDocument(tags))
        call.idempotent = false
        try await executor.reconciling(call, send: { try await executor.send(call) { _ in () } }, check: {
            let now = try await self.listTagsForHostedZone(id: id)
            return tags.allSatisfy { t in now.contains { $0.key == t.key && ($0.value ?? "") == (t.value ?? "") } } ? .applied : .notApplied
        }, applied: {})
    }

    public func listTrafficPolicyInstances(hostedZoneId: String) async throws -> [TrafficPolicyInstance] {
        var all: [TrafficPolicyInstance] = []
        var marker: (name: String, type: String)?
        repeat {
            var q = [("id", ResourceID.bare(hostedZoneId)), ("maxitems", "100")]
            if let marker { q += [("trafficpolicyinstancename", marker.name), ("trafficpolicyinstancetype", marker.type)] }
            let doc = try await xml(APICall(operation: "ListTrafficPolicyInstancesByHostedZone", method: "GET",
                                            path: Self.api + "/trafficpolicyinstances/hostedzone", query: q),
                                    root: "ListTrafficPolicyInstancesByHostedZoneResponse")
            all += try (doc.child("TrafficPolicyInstances")?.children("TrafficPolicyInstance") ?? []).map(Route53XMLCodec.trafficPolicyInstance)
            marker = nil
            if Route53XMLCodec.bool(doc, "IsTruncated") == true, let n = doc.text("TrafficPolicyInstanceNameMarker"),
               let t = doc.text("TrafficPolicyInstanceTypeMarker") { marker = (n, t) }
        } while marker != nil
        return all
    }

    // MARK: Account

    public func getAccountLimit(_ type: AccountLimitType) async throws -> LimitUsage {
        let doc = try await xml(APICall(operation: "GetAccountLimit", method: "GET", path: Self.api + "/accountlimit/" + type.rawValue),
                                root: "GetAccountLimitResponse")
        return try Route53XMLCodec.limitUsage(doc)
    }

    public func getDNSSEC(zoneId: String) async throws -> DNSSECStatus {
        let detail = try await getDNSSECDetail(zoneId: zoneId)
        var status = detail.status
        status.activeKeyTags = detail.keySigningKeys.filter { $0.status == "ACTIVE" }.map(\.keyTag)
        return status
    }
}
