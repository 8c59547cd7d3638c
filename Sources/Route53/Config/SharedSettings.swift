import Foundation

/// Settings every AWS tool reads, from the environment first, then the selected profile in `~/.aws/config`:
/// `AWS_CA_BUNDLE` / `ca_bundle`, `AWS_MAX_ATTEMPTS` / `max_attempts`, `AWS_RETRY_MODE` / `retry_mode`.
///
/// Retry modes map onto vanityns's one retry policy (exponential backoff with full jitter, Route 53's throttling
/// codes, 5xx and transport failures retried; client-side pacing that slows down on Throttling is always on):
/// `standard` and `adaptive` mean 3 attempts unless `max_attempts` says otherwise, `legacy` 5. With neither setting
/// vanityns makes 5 attempts, its own default, because Route 53 throttles at 5 requests per second.
public struct SharedSettings: Sendable, Equatable {
    /// The CA bundle's path, with `~` expanded, and where it was set.
    public var caBundle: (path: String, origin: String)?
    public var maxAttempts: Int
    public var retryMode: String?

    public static func == (a: Self, b: Self) -> Bool {
        a.caBundle?.path == b.caBundle?.path && a.maxAttempts == b.maxAttempts && a.retryMode == b.retryMode
    }

    /// The default when nothing is set.
    public static let defaultAttempts = 5

    /// Reads the settings for `profile` (the `--profile` value, or nil). Errors name the setting and the fix.
    public static func load(profile: String?, environment: [String: String], configFiles: AWSConfigFiles) throws -> SharedSettings {
        let name = CredentialChain.profileName(explicit: profile, environment: environment)
        func setting(_ variable: String, _ key: String) -> (String, String)? {
            if let v = environment[variable]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return (v, variable) }
            if let v = configFiles.configValue(key, profile: name) { return (v, "\(configFiles.configFileName) profile \(name) \(key)") }
            return nil
        }
        var settings = SharedSettings(caBundle: nil, maxAttempts: defaultAttempts, retryMode: nil)
        if let (mode, origin) = setting("AWS_RETRY_MODE", "retry_mode") {
            guard ["standard", "adaptive", "legacy"].contains(mode.lowercased()) else {
                throw Route53Error.configuration("\(origin) = \(mode): use standard, adaptive or legacy")
            }
            settings.retryMode = mode.lowercased()
            settings.maxAttempts = mode.lowercased() == "legacy" ? 5 : 3
        }
        if let (text, origin) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
            guard let n = Int(text), (1...100).contains(n) else {
                throw Route53Error.configuration("\(origin) = \(text): give the number of attempts in total, a whole number from 1 to 100")
            }
            settings.maxAttempts = n
        }
        if let (path, origin) = setting("AWS_CA_BUNDLE", "ca_bundle") {
            let expanded = AWSConfigFiles.expandTilde(path, home: environment["HOME"] ?? NSHomeDirectory())
            try CurlTransport.checkCABundle(expanded, origin: origin)
            settings.caBundle = (expanded, origin)
        }
        return settings
    }
}
