import Foundation

/// Tries credential sources in order and uses the first that yields credentials. A source named in `decisive` is
/// one the configuration chose (a profile's role, SSO, web identity, `aws login`): its failure is the answer, as in
/// botocore, and the sources after it are not tried.
public struct CredentialChainProvider: CredentialProvider {
    /// The sources in order, each with the name used in messages.
    public let sources: [(name: String, provider: any CredentialProvider)]
    public let decisive: Set<String>

    public init(sources: [(name: String, provider: any CredentialProvider)], decisive: Set<String> = []) {
        self.sources = sources; self.decisive = decisive
    }

    public func credentials() async throws -> AWSCredentials {
        var tried: [String] = []
        for (name, provider) in sources {
            do { return try await provider.credentials() } catch let e as Route53Error where decisive.contains(name) {
                switch e {
                case let .configuration(m): throw Route53Error.credentials(m)
                case let .service(code, message, status, _): throw Route53Error.credentials("\(name): \(code) (HTTP \(status)) \(message)")
                default: throw e
                }
            } catch Route53Error.credentials(let why) {
                tried.append("  - \(name): \(why)")
            }
        }
        throw Route53Error.credentials((["No AWS credentials found. Tried, in order:"] + tried + [
            "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`, or pass --profile NAME.",
        ]).joined(separator: "\n"))
    }
}

/// Builds the standard credential chain.
public enum CredentialChain {
    /// The profile in use: `--profile` wins over `AWS_PROFILE` (then `AWS_DEFAULT_PROFILE`), else `default`.
    public static func profileName(explicit: String?, environment: [String: String]) -> String {
        for candidate in [explicit, environment["AWS_PROFILE"], environment["AWS_DEFAULT_PROFILE"]] {
            if let c = candidate, !c.isEmpty { return c }
        }
        return "default"
    }

    /// The chain for `profile` (the `--profile` option, or nil), cached and refreshed before expiry.
    ///
    /// A profile named by `--profile` or `AWS_PROFILE` that is in neither file is an immediate
    /// `Route53Error.configuration` listing the profiles that exist. As in botocore, `--profile` takes the
    /// environment's keys out of the chain (`AWS_PROFILE` does not).
    public static func standard(profile: String?, environment: [String: String], configFiles: AWSConfigFiles,
                                transport: any HTTPTransport) throws -> any CredentialProvider {
        try standard(profile: profile, environment: environment, configFiles: configFiles, transport: transport, clock: { Date() })
    }

    /// `standard` with an injected clock for the cache.
    public static func standard(profile: String?, environment: [String: String], configFiles: AWSConfigFiles,
                                transport: any HTTPTransport, clock: @escaping @Sendable () -> Date) throws -> any CredentialProvider {
        try standard(CredentialServices(environment: environment, configFiles: configFiles, transport: transport,
                                        explicitProfile: profile, clock: clock))
    }

    /// The chain in botocore's order: environment (not with `--profile`), the profile's role, web identity from the
    /// environment, the profile's own source (web identity, IAM Identity Center, the credentials file's keys, `aws
    /// login`, `credential_process`, the config file's keys), the container service, EC2 instance metadata.
    /// The whole chain is cached and refreshed before expiry, and so is each expiring source inside it.
    public static func standard(_ services: CredentialServices) throws -> any CredentialProvider {
        let profile = services.explicitProfile, environment = services.environment, configFiles = services.configFiles
        let name = profileName(explicit: profile, environment: environment)
        let explicitlyNamed = name != "default" || profile != nil || environment["AWS_PROFILE"].map { !$0.isEmpty } == true
        if explicitlyNamed, !configFiles.hasProfile(name) {
            let existing = configFiles.profileNames()
            let origin = (profile?.isEmpty == false) ? "--profile" : "AWS_PROFILE"
            throw Route53Error.configuration("profile `\(name)` (from \(origin)) is not in \(configFiles.credentialsFileName) or "
                + "\(configFiles.configFileName). "
                + (existing.isEmpty ? "No profiles are defined there; run `aws configure --profile \(name)` to create it."
                                    : "Profiles that exist: \(existing.joined(separator: ", "))."))
        }
        let useEnvironment = profile?.isEmpty ?? true
        var sources: [(name: String, provider: any CredentialProvider)] = []
        var decisive: Set<String> = []
        func add(_ label: String, _ provider: any CredentialProvider, decides: Bool) {
            sources.append((label, provider)); if decides { decisive.insert(label) }
        }
        if useEnvironment {
            add("environment", EnvironmentCredentialProvider(environment: environment), decides: false)
        }
        let own = profileSources(name, services)
        func addOwn() { for source in own.sources { add(source.name, source.provider, decides: source.decides) } }
        // A role chain (or a broken profile) decides before the environment's web identity; the profile's other
        // sources come after it, as in botocore.
        if own.beforeWebIdentity { addOwn() }
        if useEnvironment, let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty {
            let role = environment["AWS_ROLE_ARN"].flatMap { $0.isEmpty ? nil : $0 } ?? configFiles.value("role_arn", profile: name)
            let provider: any CredentialProvider
            if let role {
                provider = CredentialPlan.webIdentity(.init(roleArn: role, tokenFile: tokenFile,
                                                            sessionName: environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 },
                                                            origin: "AWS_WEB_IDENTITY_TOKEN_FILE")).provider(services)
            } else {
                provider = FailedSource(error: .credentials("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set it to the role to assume"))
            }
            add("web identity (environment)", provider, decides: true)
        }
        if !own.beforeWebIdentity { addOwn() }
        sources.append(("container", ContainerCredentialProvider(environment: environment, transport: services.transport)))
        sources.append(("instance metadata", InstanceMetadataCredentialProvider(environment: environment, transport: services.transport)))
        return CachedCredentialProvider(wrapping: CredentialChainProvider(sources: sources, decisive: decisive), clock: services.clock)
    }

    /// The named profile's own sources, without the environment, the container or instance metadata: what the SDKs'
    /// profile provider resolves (a role chain, web identity, IAM Identity Center, `aws login`, the files' keys,
    /// `credential_process`). `beforeWebIdentity`: a role chain or a profile that does not plan comes before the
    /// environment's web identity token in the full chain.
    static func profileSources(_ name: String, _ services: CredentialServices)
        -> (sources: [(name: String, provider: any CredentialProvider, decides: Bool)], beforeWebIdentity: Bool) {
        let configFiles = services.configFiles
        let label = "profile \(name)"
        let plan: CredentialPlan?
        do { plan = try CredentialPlanner(files: configFiles).plan(profile: name) } catch {
            return ([(label, FailedSource(error: error as? Route53Error ?? .credentials("\(error)")), true)], true)
        }
        switch plan {
        case .assumeRole?: return ([(label, plan!.provider(services), true)], true)
        case .staticKeys?, nil:
            return ([(label, ProfileCredentialProvider(profile: name, configFiles: configFiles), false),
                     ("credential_process (profile \(name))",
                      ProcessCredentialProvider(profile: name, configFiles: configFiles, environment: services.environment), false)], false)
        case let other?: return ([(label, other.provider(services), true)], false)
        }
    }

    /// The profile provider alone (the profile from `--profile`, `AWS_PROFILE` or `default`), as the SDKs'
    /// shared profile-provider cases exercise it.
    public static func profileProvider(_ services: CredentialServices) -> any CredentialProvider {
        let own = profileSources(profileName(explicit: services.explicitProfile, environment: services.environment), services)
        return CredentialChainProvider(sources: own.sources.map { ($0.name, $0.provider) },
                                       decisive: Set(own.sources.filter(\.decides).map(\.name)))
    }
}

/// A source whose configuration is wrong: every fetch fails with the same message.
struct FailedSource: CredentialProvider {
    let error: Route53Error
    func credentials() async throws -> AWSCredentials { throw error }
}
