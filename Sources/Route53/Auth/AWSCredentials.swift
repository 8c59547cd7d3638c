import Foundation

/// A set of AWS credentials. Its description never shows the secret or the session token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from, for the account screen and error messages ("environment", "profile work", ...).
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String = "") {
        self.accessKeyId = accessKeyId; self.secretAccessKey = secretAccessKey; self.sessionToken = sessionToken
        self.expiration = expiration; self.source = source
    }

    /// The access key ID's last four characters, the only part ever shown.
    public var keyHint: String { "…" + String(accessKeyId.suffix(4)) }

    public var description: String { "AWSCredentials(\(keyHint), source: \(source))" }
    public var debugDescription: String { description }
}

/// A source of credentials (environment, profile, process, container, instance metadata, or a chain of them).
public protocol CredentialProvider: Sendable {
    /// Current credentials, refreshed before they expire. Throws `Route53Error.credentials` when none are found.
    func credentials() async throws -> AWSCredentials
}
