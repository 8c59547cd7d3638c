import Foundation

/// Tries credential sources in order and uses the first that yields credentials: environment, the profile's
/// keys, the profile's `credential_process`, the container service, then EC2 instance metadata.
public struct CredentialChainProvider: CredentialProvider {
    /// The sources in order, each with the name used in messages.
    public let sources: [(name: String, provider: any CredentialProvider)]

    public init(sources: [(name: String, provider: any CredentialProvider)]) { self.sources = sources }

    public func credentials() async throws -> AWSCredentials {
        var tried: [String] = []
        for (name, provider) in sources {
            do { return try await provider.credentials() } catch Route53Error.credentials(let why) {
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
        var sources: [(name: String, provider: any CredentialProvider)] = []
        if profile?.isEmpty ?? true {
            sources.append(("environment", EnvironmentCredentialProvider(environment: environment)))
        }
        sources.append(("profile \(name)", ProfileCredentialProvider(profile: name, configFiles: configFiles)))
        sources.append(("credential_process (profile \(name))",
                        ProcessCredentialProvider(profile: name, configFiles: configFiles, environment: environment)))
        sources.append(("container", ContainerCredentialProvider(environment: environment, transport: transport)))
        sources.append(("instance metadata", InstanceMetadataCredentialProvider(environment: environment, transport: transport)))
        return CachedCredentialProvider(wrapping: CredentialChainProvider(sources: sources), clock: clock)
    }
}
