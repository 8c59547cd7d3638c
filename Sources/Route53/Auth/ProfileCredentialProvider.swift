import Foundation

/// Static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) of one profile, from
/// `~/.aws/credentials` first, then `~/.aws/config`.
public struct ProfileCredentialProvider: CredentialProvider {
    public let profile: String
    public let configFiles: AWSConfigFiles
    public init(profile: String, configFiles: AWSConfigFiles) { self.profile = profile; self.configFiles = configFiles }

    public func credentials() async throws -> AWSCredentials {
        let files = "\(configFiles.credentialsFileName) or \(configFiles.configFileName)"
        guard configFiles.hasProfile(profile) else { throw Route53Error.credentials("no profile `\(profile)` in \(files)") }
        let id = configFiles.value("aws_access_key_id", profile: profile)
        let secret = configFiles.value("aws_secret_access_key", profile: profile)
        switch (id, secret) {
        case let (id?, secret?):
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret,
                                  sessionToken: configFiles.value("aws_session_token", profile: profile),
                                  source: "profile \(profile)")
        case (_?, nil): throw Route53Error.credentials("profile `\(profile)` has aws_access_key_id but no aws_secret_access_key")
        case (nil, _?): throw Route53Error.credentials("profile `\(profile)` has aws_secret_access_key but no aws_access_key_id")
        case (nil, nil):
            if configFiles.value("sso_session", profile: profile) != nil {
                throw Route53Error.credentials("profile `\(profile)` has sso_session but no sso_account_id and sso_role_name, so it "
                    + "gives an IAM Identity Center token, not AWS credentials; add both (run `aws configure sso --profile \(profile)`)")
            }
            throw Route53Error.credentials("profile `\(profile)` has no aws_access_key_id / aws_secret_access_key")
        }
    }
}
