import Foundation

/// What a profile's credentials are made of, worked out from the configuration files alone (no network), in
/// botocore's order for one profile: assume role (`role_arn` without `web_identity_token_file`), web identity,
/// IAM Identity Center, the credentials file's keys, `aws login`, `credential_process`, the config file's keys.
public indirect enum CredentialPlan: Sendable, Equatable {
    case staticKeys(profile: String)
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    case namedSource(String)
    case assumeRole(AssumeRoleProvider.Settings, source: CredentialPlan)
    case webIdentity(WebIdentityProvider.Settings)
    case sso(SSOProvider.Settings)
    case login(profile: String, session: String)
    case process(profile: String)

    /// The provider that carries out the plan; expiring sources are cached and refreshed ahead of expiry.
    public func provider(_ services: CredentialServices) -> any CredentialProvider {
        switch self {
        case let .staticKeys(profile): return ProfileCredentialProvider(profile: profile, configFiles: services.configFiles)
        case let .namedSource(name):
            switch name.lowercased() {
            case "environment": return EnvironmentCredentialProvider(environment: services.environment)
            case "ec2instancemetadata":
                return cached(InstanceMetadataCredentialProvider(environment: services.environment, transport: services.transport), services)
            default: return cached(ContainerCredentialProvider(environment: services.environment, transport: services.transport), services)
            }
        case let .assumeRole(settings, source):
            return cached(AssumeRoleProvider(settings: settings, source: source.provider(services), services: services), services)
        case let .webIdentity(settings): return cached(WebIdentityProvider(settings: settings, services: services), services)
        case let .sso(settings): return cached(SSOProvider(settings: settings, services: services), services)
        case let .login(profile, session): return cached(LoginProvider(profile: profile, session: session, services: services), services)
        case let .process(profile):
            return cached(ProcessCredentialProvider(profile: profile, configFiles: services.configFiles, environment: services.environment), services)
        }
    }

    private func cached(_ p: any CredentialProvider, _ s: CredentialServices) -> any CredentialProvider {
        CachedCredentialProvider(wrapping: p, clock: s.clock)
    }
}

/// Works out `CredentialPlan`s. Every error names the profile, the setting and the fix.
public struct CredentialPlanner: Sendable {
    public let files: AWSConfigFiles
    public init(files: AWSConfigFiles) { self.files = files }

    static let namedSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"]

    func value(_ key: String, _ profile: String) -> String? { files.value(key, profile: profile) }
    func fail(_ message: String) -> Route53Error { .configuration(message) }
    var fileNames: String { "\(files.credentialsFileName) or \(files.configFileName)" }

    /// The plan for `profile`, or nil when it holds no credential settings at all.
    public func plan(profile: String) throws -> CredentialPlan? {
        try plan(profile: profile, visited: [profile])
    }

    func plan(profile: String, visited: [String]) throws -> CredentialPlan? {
        if value("role_arn", profile) != nil, value("web_identity_token_file", profile) == nil {
            return try assumeRole(profile: profile, visited: visited)
        }
        if let tokenFile = value("web_identity_token_file", profile) {
            guard let role = value("role_arn", profile) else {
                throw fail("profile `\(profile)` has web_identity_token_file but no role_arn: add `role_arn = arn:aws:iam::ACCOUNT:role/NAME`")
            }
            return .webIdentity(.init(roleArn: role, tokenFile: tokenFile, sessionName: value("role_session_name", profile),
                                      origin: "profile `\(profile)`"))
        }
        if let sso = try sso(profile: profile) { return .sso(sso) }
        if let keys = try keys(profile: profile, in: files.credentialsValue) { return keys }
        if let session = value("login_session", profile) { return .login(profile: profile, session: session) }
        if value("credential_process", profile) != nil { return .process(profile: profile) }
        return try keys(profile: profile, in: files.configValue)
    }

    private func keys(profile: String, in lookup: (String, String) -> String?) throws -> CredentialPlan? {
        switch (lookup("aws_access_key_id", profile), lookup("aws_secret_access_key", profile)) {
        case (_?, _?): return .staticKeys(profile: profile)
        case (_?, nil): throw fail("profile `\(profile)` has aws_access_key_id but no aws_secret_access_key: add it, or remove the key ID")
        case (nil, _?): throw fail("profile `\(profile)` has aws_secret_access_key but no aws_access_key_id: add it, or remove the secret")
        case (nil, nil): return nil
        }
    }

    private func assumeRole(profile: String, visited: [String]) throws -> CredentialPlan {
        let role = value("role_arn", profile)!
        let sourceProfile = value("source_profile", profile), credentialSource = value("credential_source", profile)
        var settings = AssumeRoleProvider.Settings(profile: profile, roleArn: role, sessionName: value("role_session_name", profile),
                                                   externalId: value("external_id", profile), mfaSerial: value("mfa_serial", profile),
                                                   via: sourceProfile ?? credentialSource ?? "")
        if let d = value("duration_seconds", profile) {
            guard let seconds = Int(d), (900...43200).contains(seconds) else {
                throw fail("profile `\(profile)`: duration_seconds = \(d) must be a whole number of seconds from 900 to 43200")
            }
            settings.durationSeconds = seconds
        }
        switch (sourceProfile, credentialSource) {
        case (_?, _?):
            throw fail("profile `\(profile)` has both source_profile and credential_source; keep one of them")
        case (nil, nil):
            throw fail("profile `\(profile)` has role_arn but neither source_profile nor credential_source; add "
                + "`source_profile = NAME` (the profile whose credentials assume the role) or `credential_source = Environment`")
        case let (nil, named?):
            guard let canonical = Self.namedSources.first(where: { $0.caseInsensitiveCompare(named) == .orderedSame }) else {
                throw fail("profile `\(profile)`: credential_source = \(named) is not one of \(Self.namedSources.joined(separator: ", "))")
            }
            settings.via = canonical
            return .assumeRole(settings, source: .namedSource(canonical))
        case let (source?, nil):
            return .assumeRole(settings, source: try sourcePlan(source, of: profile, visited: visited))
        }
    }

    /// botocore's `_resolve_source_credentials`: static keys win; a profile with `role_arn` is assumed in turn; any
    /// other is resolved by the profile chain without the environment. A profile seen twice is a loop, except one that
    /// names itself and has static keys.
    private func sourcePlan(_ source: String, of parent: String, visited: [String]) throws -> CredentialPlan {
        guard files.hasProfile(source) else {
            throw fail("profile `\(parent)` has source_profile = \(source), but there is no profile `\(source)` in \(fileNames); "
                + "create it (`aws configure --profile \(source)`) or fix source_profile")
        }
        let hasKeys = value("aws_access_key_id", source) != nil || value("aws_secret_access_key", source) != nil
        if visited.contains(source), !(source == parent && hasKeys) {
            throw fail("profile `\(visited.first ?? parent)`: the source_profile settings form a loop (\((visited + [source]).joined(separator: " → "))); "
                + "end the chain at a profile with keys, SSO or credential_source")
        }
        let seen = visited.contains(source) ? visited : visited + [source]
        if hasKeys, let keys = try keys(profile: source, in: value) { return keys }
        if value("role_arn", source) != nil, value("web_identity_token_file", source) == nil {
            return try assumeRole(profile: source, visited: seen)
        }
        guard let plan = try plan(profile: source, visited: seen) else {
            throw fail("profile `\(parent)` has source_profile = \(source), but profile `\(source)` holds no credentials; give it "
                + "keys (`aws configure --profile \(source)`), SSO settings, credential_process or a role")
        }
        return plan
    }

    private func sso(profile: String) throws -> SSOProvider.Settings? {
        let account = value("sso_account_id", profile), role = value("sso_role_name", profile)
        guard account != nil || role != nil else { return nil }
        guard let account else { throw fail("profile `\(profile)` has sso_role_name but no sso_account_id; add it (run `aws configure sso --profile \(profile)`)") }
        guard let role else { throw fail("profile `\(profile)` has sso_account_id but no sso_role_name; add it (run `aws configure sso --profile \(profile)`)") }
        var startUrl = value("sso_start_url", profile), region = value("sso_region", profile)
        let session = value("sso_session", profile)
        if let session {
            guard files.ssoSessions[session] != nil else {
                throw fail("profile `\(profile)` has sso_session = \(session), but \(files.configFileName) has no [sso-session \(session)] section; "
                    + "run `aws configure sso-session`")
            }
            for (key, mine) in [("sso_start_url", startUrl), ("sso_region", region)] {
                let theirs = files.ssoSessionValue(key, session: session)
                if let mine, let theirs, mine != theirs {
                    throw fail("profile `\(profile)`: \(key) differs between the profile and [sso-session \(session)]; remove it from the profile")
                }
            }
            startUrl = files.ssoSessionValue("sso_start_url", session: session) ?? startUrl
            region = files.ssoSessionValue("sso_region", session: session) ?? region
        }
        let whereTo = session.map { "[sso-session \($0)]" } ?? "profile `\(profile)`"
        guard let startUrl else { throw fail("profile `\(profile)`: sso_start_url is missing in \(whereTo); run `aws configure sso --profile \(profile)`") }
        guard let region else { throw fail("profile `\(profile)`: sso_region is missing in \(whereTo); run `aws configure sso --profile \(profile)`") }
        return .init(profile: profile, session: session, startUrl: startUrl, region: region, accountId: account, roleName: role)
    }
}
