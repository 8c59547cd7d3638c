import Foundation

/// Credentials of the EC2 instance's role through IMDSv2: `PUT /latest/api/token`, then
/// `GET /latest/meta-data/iam/security-credentials/` (the role name) and `.../ROLE`. One attempt with 1 s
/// timeouts so a laptop is not held up. `AWS_EC2_METADATA_DISABLED=true` turns it off;
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it (tests).
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public let transport: any HTTPTransport
    /// Seconds to wait for each answer.
    public var timeout: Double = 1

    public init(environment: [String: String], transport: any HTTPTransport) {
        self.environment = environment; self.transport = transport
    }

    public func credentials() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw Route53Error.credentials("turned off by AWS_EC2_METADATA_DISABLED=true")
        }
        let base = try credentialsError {
            try EndpointURL.parse(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://169.254.169.254",
                                  origin: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        }
        var root = base
        while root.path.hasSuffix("/") { root.path.removeLast() }
        let tokenResponse = try await send(root.request(method: "PUT", appendingPath: "/latest/api/token",
                                                        headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), root)
        let token = String(decoding: tokenResponse.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let auth: [(name: String, value: String)] = [("X-aws-ec2-metadata-token", token)]
        let listing = try await send(root.request(method: "GET", appendingPath: "/latest/meta-data/iam/security-credentials/", headers: auth), root)
        guard let role = String(decoding: listing.body, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else {
            throw Route53Error.credentials("this instance has no IAM role attached")
        }
        let document = try await send(root.request(method: "GET", appendingPath: "/latest/meta-data/iam/security-credentials/"
                                                   + SigV4Signer.percentEncode(role), headers: auth), root)
        if let json = try? JSONSerialization.jsonObject(with: document.body) as? [String: Any],
           let code = json["Code"] as? String, code != "Success" {
            throw Route53Error.credentials("instance metadata reports \(code) for role \(role)")
        }
        return try CredentialDocument.parse(document.body, source: "instance metadata", what: "instance metadata",
                                            tokenKeys: ["Token"])
    }

    private func send(_ request: HTTPRequest, _ root: EndpointURL) async throws -> HTTPResponse {
        let response: HTTPResponse
        do { response = try await transport.send(request, timeout: timeout) } catch let e as Route53Error where e != .cancelled {
            throw Route53Error.credentials("no answer from \(root.host) within \(Int(timeout)) s (not an EC2 instance?): \(e)")
        }
        guard response.status == 200 else {
            let what = request.method == "PUT" ? "the IMDSv2 token request" : "\(request.path)"
            throw Route53Error.credentials("instance metadata answered HTTP \(response.status) to \(what)")
        }
        return response
    }
}
