import Foundation

/// Credentials from the ECS/EKS container credential service: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on
/// `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http only to a loopback address or
/// the container hosts botocore allows), with `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]` as `Authorization`.
public struct ContainerCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public let transport: any HTTPTransport
    /// Seconds to wait for the answer.
    public var timeout: Double = 2

    /// Hosts botocore accepts over plain http besides loopback.
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    public init(environment: [String: String], transport: any HTTPTransport) {
        self.environment = environment; self.transport = transport
    }

    public func credentials() async throws -> AWSCredentials {
        let url: EndpointURL
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = try credentialsError { try EndpointURL.parse("http://169.254.170.2" + (relative.hasPrefix("/") ? "" : "/") + relative,
                                                               origin: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", allowQuery: true) }
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            url = try credentialsError { try EndpointURL.parse(full, origin: "AWS_CONTAINER_CREDENTIALS_FULL_URI", allowQuery: true) }
            if url.scheme == "http", !EndpointURL.isLoopback(url.host), !Self.allowedHTTPHosts.contains(url.host) {
                throw Route53Error.credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address "
                    + "or one of \(Self.allowedHTTPHosts.sorted().joined(separator: ", "))")
            }
        } else {
            throw Route53Error.credentials("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Route53Error.credentials("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (\(file))")
            }
            headers.append(("Authorization", try Self.checkedToken(String(decoding: data, as: UTF8.self))))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", try Self.checkedToken(token)))
        }
        let request = url.request(method: "GET", headers: headers)
        let response: HTTPResponse
        do { response = try await transport.send(request, timeout: timeout) } catch let e as Route53Error where e != .cancelled {
            throw Route53Error.credentials("no answer from the container credential service at \(url.host): \(e)")
        }
        guard response.status == 200 else {
            throw Route53Error.credentials("the container credential service answered HTTP \(response.status)")
        }
        return try CredentialDocument.parse(response.body, source: "container", what: "the container credential service",
                                            tokenKeys: ["Token", "SessionToken"])
    }

    private static func checkedToken(_ raw: String) throws -> String {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.contains("\r"), !token.contains("\n") else {
            throw Route53Error.credentials("the container authorization token contains a line break")
        }
        return token
    }
}

/// Turns a configuration error into a credentials error with the same message.
func credentialsError<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let Route53Error.configuration(m) { throw Route53Error.credentials(m) }
}
