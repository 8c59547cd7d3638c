import Foundation

/// The AWS services vanityns talks to: Route 53 and Route 53 Domains for the work, KMS for DNSSEC signing keys, STS,
/// IAM Identity Center (the SSO portal and its OIDC token service) and the sign-in service for credentials.
public enum AWSService: String, Sendable, CaseIterable {
    case route53
    case route53Domains
    case kms
    case sts
    case sso
    case ssoOIDC
    case signin

    /// The key in a `[services name]` section of `~/.aws/config` (`route53`, `route53_domains`, `sts`, ...).
    public var configKey: String {
        switch self {
        case .route53: "route53"
        case .route53Domains: "route53_domains"
        case .kms: "kms"
        case .sts: "sts"
        case .sso: "sso"
        case .ssoOIDC: "sso_oidc"
        case .signin: "signin"
        }
    }
    /// The service-specific environment variable (`AWS_ENDPOINT_URL_ROUTE_53`, `AWS_ENDPOINT_URL_STS`, ...).
    public var environmentVariable: String {
        switch self {
        case .route53: "AWS_ENDPOINT_URL_ROUTE_53"
        case .route53Domains: "AWS_ENDPOINT_URL_ROUTE_53_DOMAINS"
        case .kms: "AWS_ENDPOINT_URL_KMS"
        case .sts: "AWS_ENDPOINT_URL_STS"
        case .sso: "AWS_ENDPOINT_URL_SSO"
        case .ssoOIDC: "AWS_ENDPOINT_URL_SSO_OIDC"
        case .signin: "AWS_ENDPOINT_URL_SIGNIN"
        }
    }
    /// The command-line option that overrides the endpoint (the credential services have none).
    public var optionName: String {
        switch self {
        case .route53: "--endpoint-url"
        case .route53Domains: "--domains-endpoint-url"
        default: environmentVariable
        }
    }
    /// The real endpoint; `region` matters for the regional services (STS without a region: the global endpoint).
    public func defaultEndpoint(region: String? = nil) -> ServiceEndpoint {
        let r = region.flatMap { $0.isEmpty ? nil : $0 }
        switch self {
        case .route53: return .route53
        case .route53Domains: return .route53Domains
        case .kms:
            return ServiceEndpoint(scheme: "https", host: "kms.\(r ?? "us-east-1").amazonaws.com", region: r ?? "us-east-1", signingService: "kms")
        case .sts:
            guard let r else { return ServiceEndpoint(scheme: "https", host: "sts.amazonaws.com", region: "us-east-1", signingService: "sts") }
            return ServiceEndpoint(scheme: "https", host: "sts.\(r).amazonaws.com", region: r, signingService: "sts")
        case .sso:
            return ServiceEndpoint(scheme: "https", host: "portal.sso.\(r ?? "us-east-1").amazonaws.com", region: r ?? "us-east-1", signingService: "awsssoportal")
        case .ssoOIDC:
            return ServiceEndpoint(scheme: "https", host: "oidc.\(r ?? "us-east-1").amazonaws.com", region: r ?? "us-east-1", signingService: "sso-oauth")
        case .signin:
            return ServiceEndpoint(scheme: "https", host: "\(r ?? "us-east-1").signin.aws.amazon.com", region: r ?? "us-east-1", signingService: "signin")
        }
    }
    /// The real endpoint of a global service (Route 53, Route 53 Domains).
    public var defaultEndpoint: ServiceEndpoint { defaultEndpoint(region: nil) }
}

/// Picks the endpoint for a service, in the order the AWS SDKs use: the command-line override,
/// the service's `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section, the profile's
/// `endpoint_url`, then the real endpoint (regional for STS, IAM Identity Center and sign-in).
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the environment and the config file (not the override). Signing
/// uses the real endpoint's region (`us-east-1` for the global services) and the service's own signing name.
///
/// Plain `http://` is accepted only for loopback hosts (a local stand-in such as moto); anything else is refused
/// because requests carry signed credentials and record data.
public enum EndpointResolver {
    /// Resolves the endpoint. `profile` is the explicit `--profile` (else `AWS_PROFILE`, else `default`).
    /// Throws `Route53Error.configuration` naming the setting that holds a bad URL and how to fix it.
    /// `region` picks the real endpoint of a regional service and is the signing region of a configured one.
    public static func resolve(_ service: AWSService, override: String?, profile: String?, environment: [String: String],
                               configFiles: AWSConfigFiles, region: String? = nil) throws -> ServiceEndpoint {
        let d = service.defaultEndpoint(region: region)
        guard let (url, origin) = configuredURL(service, override: override, profile: profile, environment: environment,
                                                configFiles: configFiles) else {
            return d
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
