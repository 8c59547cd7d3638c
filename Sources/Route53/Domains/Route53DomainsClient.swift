import Foundation

/// The live Route 53 Domains client: JSON 1.1 (`POST /` with `X-Amz-Target`), signed for `route53domains`,
/// with the same retries, rate limits and request events as `Route53Client`.
public final class Route53DomainsClient: Route53DomainsAPI {
    private let executor: RequestExecutor
    private let json: JSONProtocol

    /// Same parameters as `Route53Client.init`; `endpoint` is usually `ServiceEndpoint.route53Domains`.
    public init(endpoint: ServiceEndpoint, credentials: any CredentialProvider, transport: any HTTPTransport = CurlTransport.shared,
                events: RequestEventHub? = nil, options: ClientOptions = ClientOptions()) {
        executor = RequestExecutor(endpoint: endpoint, credentials: credentials, transport: transport, events: events,
                                   options: options, decodeError: JSONProtocol.error(from:))
        json = JSONProtocol(executor: executor, targetPrefix: "Route53Domains_v20140515")
    }

    private func request(_ operation: String, _ input: [String: Any]) throws -> APICall { try json.request(operation, input) }
    private func send(_ call: APICall) async throws -> [String: Any] { try await json.send(call) }
    private func call(_ operation: String, _ input: [String: Any]) async throws -> [String: Any] { try await json.call(operation, input) }

    /// The answer's JSON object (empty for an empty body).
    static func object(_ response: HTTPResponse) throws -> [String: Any] { try JSONProtocol.object(response) }

    /// Decodes a JSON 1.1 error (`__type` and `message`) into `Route53Error.service`.
    static func error(from response: HTTPResponse) -> Route53Error { JSONProtocol.error(from: response) }

    public func getDomainDetail(domainName: String) async throws -> DomainDetail {
        try Self.domainDetail(try await call("GetDomainDetail", ["DomainName": domainName]))
    }

    /// A GetDomainDetail answer: name servers without a name are skipped.
    static func domainDetail(_ o: [String: Any]) throws -> DomainDetail {
        guard let name = o["DomainName"] as? String else { throw Route53Error.malformedResponse("GetDomainDetail answer without DomainName") }
        let servers = (o["Nameservers"] as? [[String: Any]] ?? []).compactMap { s -> DomainNameserver? in
            guard let n = s["Name"] as? String else { return nil }
            return DomainNameserver(name: n, glueIps: s["GlueIps"] as? [String])
        }
        let keys = (o["DnssecKeys"] as? [[String: Any]] ?? []).compactMap { k -> DomainDNSSECKey? in
            guard let id = k["Id"] as? String else { return nil }
            return DomainDNSSECKey(id: id, algorithm: k["Algorithm"] as? Int ?? 0, flags: k["Flags"] as? Int ?? 0,
                                   publicKey: k["PublicKey"] as? String ?? "", digestType: k["DigestType"] as? Int ?? 0,
                                   digest: k["Digest"] as? String ?? "", keyTag: k["KeyTag"] as? Int ?? 0)
        }
        return DomainDetail(domainName: name, nameservers: servers, dnssecKeys: keys)
    }

    public func updateDomainNameservers(domainName: String, nameservers: [DomainNameserver]) async throws -> String {
        let list: [[String: Any]] = nameservers.map { s in
            var d: [String: Any] = ["Name": s.name]
            if let g = s.glueIps, !g.isEmpty { d["GlueIps"] = g }
            return d
        }
        var call = try request("UpdateDomainNameservers", ["DomainName": domainName, "Nameservers": list])
        call.idempotent = false
        // A run cut short may have left its update in progress, or done: read that first (in this order, since an
        // operation only goes from in progress to done), so a rerun neither sends a second change nor races the first.
        if let earlier = try await newestOperation(of: Self.nameServerTypes, domainName: domainName, since: Date().addingTimeInterval(-86_400),
                                                   statuses: Self.unfinished) {
            throw Route53Error.service(code: "DuplicateRequest", message: "the name server change \(earlier) for \(domainName) is still in progress",
                                       status: 400, requestId: nil)
        }
        let key = { (servers: [DomainNameserver]) in
            Set(servers.map { Self.bare($0.name) + "=" + ($0.glueIps ?? []).map { $0.lowercased() }.sorted().joined(separator: ",") })
        }
        if key(try await getDomainDetail(domainName: domainName).nameservers) == key(nameservers),
           let done = try await newestOperation(of: Self.nameServerTypes, domainName: domainName, since: Date().addingTimeInterval(-86_400)) {
            return done
        }
        // Not resent blindly: a lost answer is settled by looking for the operation it started (its ID is the answer).
        let since = Date().addingTimeInterval(-Self.clockSkew)
        let found = OperationBox()
        return try await executor.reconciling(call, send: { try Self.operationId(try await send(call)) }, check: {
            found.id = try await self.newestOperation(of: Self.nameServerTypes, domainName: domainName, since: since)
            return found.id == nil ? .notApplied : .applied
        }, applied: { found.id ?? "" })
    }

    /// Seconds the service's clock may be behind ours when looking for an operation we just started.
    static let clockSkew: Double = 30

    /// Holds what a read-back found for the `applied` answer (set and read on one task, one after the other).
    private final class OperationBox: @unchecked Sendable { var id: String? }

    /// A host name as registrars hold it: lowercased, no final dot.
    static func bare(_ name: String) -> String { (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased() }

    /// The operation types a name server change and a DS change start, and the statuses of one not finished.
    static let nameServerTypes = ["UPDATE_NAMESERVER"], dsTypes = ["ADD_DNSSEC", "REMOVE_DNSSEC"], unfinished = ["SUBMITTED", "IN_PROGRESS"]

    /// The newest operation of one of `types` on `domainName` submitted at or after `since` (ListOperations), of
    /// `statuses` when given, or nil.
    private func newestOperation(of types: [String], domainName: String, since: Date, statuses: [String]? = nil) async throws -> String? {
        try await operations(of: types, domainName: domainName, since: since, statuses: statuses).last?.id
    }

    /// The operations of one of `types` on `domainName` submitted at or after `since`, oldest first.
    private func operations(of types: [String], domainName: String, since: Date, statuses: [String]? = nil) async throws -> [(id: String, at: Double)] {
        var marker: String?
        var found: [(id: String, at: Double)] = []
        repeat {
            var input: [String: Any] = ["SubmittedSince": Int(since.timeIntervalSince1970), "Type": types, "MaxItems": 100]
            if let statuses { input["Status"] = statuses }
            if let marker { input["Marker"] = marker }
            let o = try await call("ListOperations", input)
            for op in o["Operations"] as? [[String: Any]] ?? [] {
                guard let id = op["OperationId"] as? String, (op["DomainName"] as? String)?.lowercased() == domainName.lowercased(),
                      types.contains(op["Type"] as? String ?? types[0]) else { continue }
                let at = (op["SubmittedDate"] as? Double) ?? since.timeIntervalSince1970
                if at >= since.timeIntervalSince1970 - 1 { found.append((id, at)) }
            }
            marker = (o["NextPageMarker"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return found.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// An UpdateDomainNameservers answer's operation ID.
    static func operationId(_ o: [String: Any]) throws -> String {
        guard let id = o["OperationId"] as? String else { throw Route53Error.malformedResponse("UpdateDomainNameservers answer without OperationId") }
        return id
    }

    public func getOperationDetail(operationId: String) async throws -> DomainOperation {
        try Self.operation(try await call("GetOperationDetail", ["OperationId": operationId]), asked: operationId)
    }

    /// A GetOperationDetail answer; `asked` stands in for a missing OperationId.
    static func operation(_ o: [String: Any], asked operationId: String) throws -> DomainOperation {
        guard let s = o["Status"] as? String, let status = DomainOperationStatus(rawValue: s) else {
            throw Route53Error.malformedResponse("GetOperationDetail answer without a known Status")
        }
        return DomainOperation(operationId: (o["OperationId"] as? String) ?? operationId, status: status, message: o["Message"] as? String)
    }
}

extension Route53DomainsClient: Route53DomainsDNSSECAPI {
    public func associateDelegationSigner(domainName: String, algorithm: Int, flags: Int, publicKey: String) async throws -> String {
        try await dsChange("AssociateDelegationSignerToDomain", type: "ADD_DNSSEC", domainName: domainName, [
            "DomainName": domainName, "SigningAttributes": ["Algorithm": algorithm, "Flags": flags, "PublicKey": publicKey]])
    }

    public func disassociateDelegationSigner(domainName: String, keyId: String) async throws -> String {
        try await dsChange("DisassociateDelegationSignerFromDomain", type: "REMOVE_DNSSEC", domainName: domainName, ["DomainName": domainName, "Id": keyId])
    }

    public func unfinishedDSOperation(domainName: String) async throws -> String? {
        try await newestOperation(of: Self.dsTypes, domainName: domainName, since: Date().addingTimeInterval(-7 * 86_400), statuses: Self.unfinished)
    }

    /// A DS change, not resent blindly: a lost answer is settled by looking for the `type` operation it started, the
    /// newest one on the domain that was not there before the send (listed first, since DS changes are rare).
    private func dsChange(_ operation: String, type: String, domainName: String, _ input: [String: Any]) async throws -> String {
        var call = try request(operation, input)
        call.idempotent = false
        let since = Date().addingTimeInterval(-Self.clockSkew)
        let before = Set(try await operations(of: [type], domainName: domainName, since: since).map(\.id))
        let found = OperationBox()
        return try await executor.reconciling(call, send: {
            guard let id = try await send(call)["OperationId"] as? String else { throw Route53Error.malformedResponse("\(operation) answer without OperationId") }
            return id
        }, check: {
            found.id = try await self.operations(of: [type], domainName: domainName, since: since).last { !before.contains($0.id) }?.id
            return found.id == nil ? .notApplied : .applied
        }, applied: { found.id ?? "" })
    }
}
