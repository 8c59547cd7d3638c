import Foundation

/// A profile's `role_arn`, assumed with STS AssumeRole using the credentials of its `source_profile` or
/// `credential_source`, with `role_session_name`, `external_id`, `duration_seconds` and `mfa_serial`.
///
/// Answers are shared with the AWS CLI through its cache, `~/.aws/cli/cache/<key>.json`, with the CLI's key (the
/// SHA-1 of the AssumeRole arguments as Python's `json.dumps(args, sort_keys=True)` writes them, the generated
/// session name and the MFA code left out), so an MFA code typed for one is not asked again by the other. An entry
/// with less than 15 minutes left is not used. After one MFA prompt a refresh that needs a new code fails and says so.
public actor AssumeRoleProvider: CredentialProvider {
    /// One profile's assume-role settings.
    public struct Settings: Sendable, Equatable {
        public var profile: String
        public var roleArn: String
        /// `role_session_name`; nil: `botocore-session-<unix seconds>`, as the AWS CLI names it.
        public var sessionName: String?
        public var externalId: String?
        public var mfaSerial: String?
        public var durationSeconds: Int?
        /// What the source credentials are, for messages and the source description (`base`, `Environment`).
        public var via: String
        public init(profile: String, roleArn: String, sessionName: String? = nil, externalId: String? = nil,
                    mfaSerial: String? = nil, durationSeconds: Int? = nil, via: String) {
            self.profile = profile; self.roleArn = roleArn; self.sessionName = sessionName; self.externalId = externalId
            self.mfaSerial = mfaSerial; self.durationSeconds = durationSeconds; self.via = via
        }
    }

    public let settings: Settings
    let source: any CredentialProvider
    let services: CredentialServices
    let cache: JSONFileCache
    private var askedForCode = false

    /// The CLI's cache entries with less time left than this are not used.
    static let cacheWindow: TimeInterval = 15 * 60

    public init(settings: Settings, source: any CredentialProvider, services: CredentialServices) {
        self.settings = settings; self.source = source; self.services = services
        cache = JSONFileCache(directory: services.home + "/.aws/cli/cache")
    }

    /// The arguments the cache key is made of, in the CLI's order of names (they are sorted anyway).
    nonisolated var keyArguments: [(String, PythonJSON.Value)] {
        var args: [(String, PythonJSON.Value)] = [("RoleArn", .string(settings.roleArn))]
        if let n = settings.sessionName { args.append(("RoleSessionName", .string(n))) }
        if let e = settings.externalId { args.append(("ExternalId", .string(e))) }
        if let s = settings.mfaSerial { args.append(("SerialNumber", .string(s))) }
        if let d = settings.durationSeconds { args.append(("DurationSeconds", .int(d))) }
        return args
    }

    /// The AWS CLI's cache key for these settings.
    public nonisolated var cacheKey: String {
        Digest.sha1(PythonJSON.dumps(keyArguments, compact: false)).replacingOccurrences(of: ":", with: "_")
            .replacingOccurrences(of: "/", with: "_")
    }

    nonisolated var description: String { "assume role \(settings.profile) via \(settings.via)" }

    public func credentials() async throws -> AWSCredentials {
        if let cached = fromCache() { return cached }
        var parameters: [(String, String)] = [("RoleArn", settings.roleArn),
                                              ("RoleSessionName", settings.sessionName ?? "botocore-session-\(Int(services.clock().timeIntervalSince1970))")]
        if let e = settings.externalId { parameters.append(("ExternalId", e)) }
        if let d = settings.durationSeconds { parameters.append(("DurationSeconds", String(d))) }
        if let serial = settings.mfaSerial {
            if askedForCode {
                throw Route53Error.credentials("profile `\(settings.profile)`: the role's credentials expired and a new MFA code for "
                    + "\(serial) is needed; run the command again")
            }
            askedForCode = true
            let code: String
            do { code = try await services.mfaCode(serial) } catch is CredentialServices.MFAUnavailable {
                throw Route53Error.credentials("profile `\(settings.profile)` has mfa_serial (\(serial)), so an MFA code is needed, "
                    + "but there is no terminal to ask on. Run vanityns on a terminal, or run `aws sts get-caller-identity "
                    + "--profile \(settings.profile)` there first: vanityns uses the AWS CLI's cached role credentials")
            }
            parameters.append(("SerialNumber", serial))
            parameters.append(("TokenCode", code.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let sourceCredentials = try await source.credentials()
        let client = try STSClient(services: services)
        let result: STSClient.Result
        do { result = try await client.assumeRole(parameters, credentials: sourceCredentials) } catch let Route53Error.service(code, message, status, _) {
            var text = "profile `\(settings.profile)`: STS refused to assume \(settings.roleArn) (\(code), HTTP \(status))"
            if !message.isEmpty { text += ": \(message)" }
            if settings.mfaSerial != nil, code == "AccessDenied" {
                text += ". If the MFA code was wrong or already used, run the command again with the current code"
            } else {
                text += ". Check the role's trust policy and that the credentials of \(settings.via) may call sts:AssumeRole"
            }
            throw Route53Error.credentials(text)
        }
        try? cache.write(cacheKey, result.cacheDocument)  // a cache that cannot be written only costs a later call
        var c = result.credentials
        c.source = description
        return c
    }

    private func fromCache() -> AWSCredentials? {
        guard let document = cache.read(cacheKey), let c = document["Credentials"] as? [String: Any],
              let id = c["AccessKeyId"] as? String, let secret = c["SecretAccessKey"] as? String,
              let expText = c["Expiration"] as? String, let expiration = CacheDate.parse(expText),
              expiration.timeIntervalSince(services.clock()) >= Self.cacheWindow else { return nil }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: c["SessionToken"] as? String,
                              expiration: expiration, source: description)
    }
}
