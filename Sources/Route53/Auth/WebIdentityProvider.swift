import Foundation

/// STS AssumeRoleWithWebIdentity (unsigned) with the token in `AWS_WEB_IDENTITY_TOKEN_FILE` or the profile's
/// `web_identity_token_file`, as CI systems and Kubernetes (EKS IRSA) provide it. The file is read again at every
/// fetch, because those systems replace the token before it expires.
public struct WebIdentityProvider: CredentialProvider {
    /// The settings and where they came from.
    public struct Settings: Sendable, Equatable {
        public var roleArn: String
        public var tokenFile: String
        public var sessionName: String?
        /// `AWS_WEB_IDENTITY_TOKEN_FILE` or `profile NAME`, for messages.
        public var origin: String
        public init(roleArn: String, tokenFile: String, sessionName: String? = nil, origin: String) {
            self.roleArn = roleArn; self.tokenFile = tokenFile; self.sessionName = sessionName; self.origin = origin
        }
    }

    public let settings: Settings
    let services: CredentialServices

    public init(settings: Settings, services: CredentialServices) { self.settings = settings; self.services = services }

    var description: String { "web identity · role \(arnName(settings.roleArn))" }

    public func credentials() async throws -> AWSCredentials {
        let path = AWSConfigFiles.expandTilde(settings.tokenFile, home: services.home)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Route53Error.credentials("\(settings.origin): the web identity token file \(settings.tokenFile) cannot be read; "
                + "check the path (web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE) and that the token has been written")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw Route53Error.credentials("\(settings.origin): the web identity token file \(settings.tokenFile) is empty")
        }
        let parameters = [("RoleArn", settings.roleArn),
                          ("RoleSessionName", settings.sessionName ?? "botocore-session-\(Int(services.clock().timeIntervalSince1970))"),
                          ("WebIdentityToken", token)]
        do {
            var c = try await STSClient(services: services).assumeRoleWithWebIdentity(parameters).credentials
            c.source = description
            return c
        } catch let Route53Error.service(code, message, status, _) {
            throw Route53Error.credentials("\(settings.origin): STS refused AssumeRoleWithWebIdentity for \(settings.roleArn) "
                + "(\(code), HTTP \(status))\(message.isEmpty ? "" : ": \(message)"). Check the role's trust policy for this identity provider")
        }
    }
}
