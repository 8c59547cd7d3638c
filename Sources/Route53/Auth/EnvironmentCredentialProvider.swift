import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and (optionally) `AWS_SESSION_TOKEN`. Blank
/// values (empty or only spaces) count as unset, as in the other AWS SDKs.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public init(environment: [String: String]) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials {
        func get(_ k: String) -> String? { environment[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        switch (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
        case let (id?, secret?):
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret,
                                  sessionToken: get("AWS_SESSION_TOKEN") ?? get("AWS_SECURITY_TOKEN"), source: "environment")
        case (_?, nil): throw Route53Error.credentials("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, _?): throw Route53Error.credentials("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (nil, nil): throw Route53Error.credentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
    }
}
