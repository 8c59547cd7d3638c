import Foundation

/// The AWS services vanityns talks to.
public enum AWSService: String, Sendable, CaseIterable {
    case route53
    case route53Domains

    /// The key in a `[services name]` section of `~/.aws/config` (`route53`, `route53_domains`).
    public var configKey: String { self == .route53 ? "route53" : "route53_domains" }
    /// The service-specific environment variable (`AWS_ENDPOINT_URL_ROUTE_53`, `AWS_ENDPOINT_URL_ROUTE_53_DOMAINS`).
    public var environmentVariable: String { self == .route53 ? "AWS_ENDPOINT_URL_ROUTE_53" : "AWS_ENDPOINT_URL_ROUTE_53_DOMAINS" }
    /// The command-line option that overrides the endpoint.
    public var optionName: String { self == .route53 ? "--endpoint-url" : "--domains-endpoint-url" }
    /// The real endpoint.
    public var defaultEndpoint: ServiceEndpoint { self == .route53 ? .route53 : .route53Domains }
}

/// Picks the endpoint for a service, in the order the AWS SDKs use: the command-line override,
/// `AWS_ENDPOINT_URL_ROUTE_53[_DOMAINS]`, `AWS_ENDPOINT_URL`, the profile's `services` section, the profile's
/// `endpoint_url`, then the real endpoint. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the environment and
/// the config file (not the override). Signing stays `us-east-1` with the service's own signing name.
///
/// Plain `http://` is accepted only for loopback hosts (a local stand-in such as moto); anything else is refused
/// because requests carry signed credentials and record data.
public enum EndpointResolver {
    /// Resolves the endpoint. `profile` is the explicit `--profile` (else `AWS_PROFILE`, else `default`).
    /// Throws `Route53Error.configuration` naming the setting that holds a bad URL and how to fix it.
    public static func resolve(_ service: AWSService, override: String?, profile: String?, environment: [String: String],
                               configFiles: AWSConfigFiles) throws -> ServiceEndpoint {
        guard let (url, origin) = configuredURL(service, override: override, profile: profile, environment: environment,
                                                configFiles: configFiles) else {
            return service.defaultEndpoint
        }
        let parsed = try EndpointURL.parse(url, origin: origin)
        if parsed.scheme == "http", !EndpointURL.isLoopback(parsed.host) {
            throw Route53Error.configuration(
                "\(origin) (\(url.trimmingCharacters(in: .whitespaces))): plain http:// is allowed only for this machine "
                + "(localhost, 127.0.0.0/8, ::1), because signed requests and your records would cross the network "
                + "unencrypted. Use an https:// URL.")
        }
        var base = parsed.path
        while base.hasSuffix("/") { base.removeLast() }
        let d = service.defaultEndpoint
        return ServiceEndpoint(scheme: parsed.scheme, host: parsed.host, port: parsed.port, basePath: base,
                               region: d.region, signingService: d.signingService)
    }

    /// The URL text and where it came from, or nil for the real endpoint.
    static func configuredURL(_ service: AWSService, override: String?, profile: String?, environment: [String: String],
                              configFiles: AWSConfigFiles) -> (String, String)? {
        if let override { return (override, service.optionName) }
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" { return nil }
        for name in [service.environmentVariable, "AWS_ENDPOINT_URL"] {
            if let v = environment[name], !v.trimmingCharacters(in: .whitespaces).isEmpty { return (v, name) }
        }
        let name = CredentialChain.profileName(explicit: profile, environment: environment)
        if let v = configFiles.servicesEndpoint(service.configKey, profile: name) {
            let section = configFiles.configValue("services", profile: name) ?? ""
            return (v, "\(configFiles.configFileName) [services \(section)] \(service.configKey) endpoint_url")
        }
        if let v = configFiles.configValue("endpoint_url", profile: name) {
            return (v, "\(configFiles.configFileName) profile \(name) endpoint_url")
        }
        return nil
    }
}
