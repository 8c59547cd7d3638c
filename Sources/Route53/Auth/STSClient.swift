import Foundation

/// The two STS calls credential providers make, in the Query protocol: `POST /` with a form body
/// (`Action=AssumeRole&Version=2011-06-15&...`), the XML answer read with the project's libxml2 parser.
/// AssumeRole is signed with the source credentials; AssumeRoleWithWebIdentity is sent unsigned.
public struct STSClient: Sendable {
    public let endpoint: ServiceEndpoint
    let services: CredentialServices

    /// The STS endpoint for `services`: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the profile's `services`
    /// section, else `sts.<region>.amazonaws.com`, or the global `sts.amazonaws.com` when no region is known.
    public init(services: CredentialServices) throws {
        self.services = services
        endpoint = try services.endpoint(.sts, region: services.region)
    }

    /// STS's answer: the credentials and the role user's ARN, and the whole answer as the AWS CLI caches it.
    public struct Result: Sendable {
        public var credentials: AWSCredentials
        public var assumedRoleArn: String?
        /// `{"Credentials": {...}, "AssumedRoleUser": {...}}` with Expiration as the AWS CLI writes it.
        var cacheDocument: [String: any Sendable]
    }

    /// `AssumeRole` with `parameters` (RoleArn, RoleSessionName, ExternalId, DurationSeconds, SerialNumber, TokenCode).
    public func assumeRole(_ parameters: [(String, String)], credentials: AWSCredentials) async throws -> Result {
        try await call("AssumeRole", parameters, signedWith: credentials)
    }

    /// `AssumeRoleWithWebIdentity` (RoleArn, RoleSessionName, WebIdentityToken), unsigned.
    public func assumeRoleWithWebIdentity(_ parameters: [(String, String)]) async throws -> Result {
        try await call("AssumeRoleWithWebIdentity", parameters, signedWith: nil)
    }

    private func call(_ action: String, _ parameters: [(String, String)], signedWith credentials: AWSCredentials?) async throws -> Result {
        let form = ([("Action", action), ("Version", "2011-06-15")] + parameters)
            .map { "\(SigV4Signer.percentEncode($0.0))=\(SigV4Signer.percentEncode($0.1))" }.joined(separator: "&")
        var request = HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                  path: endpoint.basePath.isEmpty ? "/" : endpoint.basePath + "/",
                                  headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                  body: Data(form.utf8))
        if let credentials {
            SigV4Signer(region: endpoint.region, service: endpoint.signingService).sign(&request, credentials: credentials, date: services.clock())
        }
        let response = try await services.send(request, what: "STS")
        guard (200..<300).contains(response.status) else { throw Self.error(response) }
        let root: XMLElement
        do { root = try XMLParser.parse(response.body) } catch {
            throw Route53Error.credentials("STS \(action) answered HTTP \(response.status) with a body that is not XML")
        }
        guard let result = root.child("\(action)Result"), let c = result.child("Credentials"),
              let id = c.text("AccessKeyId"), let secret = c.text("SecretAccessKey"),
              let token = c.text("SessionToken"), let expText = c.text("Expiration"), let expiration = CacheDate.parse(expText) else {
            throw Route53Error.credentials("STS \(action) answered without complete Credentials")
        }
        let user = result.child("AssumedRoleUser")
        var creds: [String: any Sendable] = ["AccessKeyId": id, "SecretAccessKey": secret, "SessionToken": token,
                                             "Expiration": CacheDate.botocoreUTC(expiration)]
        var document: [String: any Sendable] = [:]
        if let arn = user?.text("Arn") {
            document["AssumedRoleUser"] = ["Arn": arn, "AssumedRoleId": user?.text("AssumedRoleId") ?? ""] as [String: any Sendable]
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count > 4, !parts[4].isEmpty { creds["AccountId"] = String(parts[4]) }
        }
        document["Credentials"] = creds
        return Result(credentials: AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token, expiration: expiration),
                      assumedRoleArn: user?.text("Arn"), cacheDocument: document)
    }

    /// STS's `ErrorResponse/Error/{Code, Message}` as a service error (its message never holds a secret).
    static func error(_ response: HTTPResponse) -> Route53Error {
        if let root = try? XMLParser.parse(response.body), let e = root.child("Error") ?? root.element(at: "Errors", "Error") {
            return .service(code: e.text("Code") ?? "Unknown", message: e.text("Message") ?? "", status: response.status,
                            requestId: root.text("RequestId"))
        }
        return .service(code: "HTTP\(response.status)", message: "STS answered HTTP \(response.status)", status: response.status, requestId: nil)
    }
}
