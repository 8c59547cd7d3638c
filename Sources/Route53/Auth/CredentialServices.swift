import Crypto
import Foundation

/// What the providers that call AWS for credentials share: where each service is, how to send, how often to try,
/// how to ask for an MFA code, the clock, and the home folder whose caches they read and write.
public struct CredentialServices: Sendable {
    public var environment: [String: String]
    public var configFiles: AWSConfigFiles
    public var transport: any HTTPTransport
    /// The profile named by `--profile` (nil: `AWS_PROFILE`, then `default`), for endpoint settings.
    public var explicitProfile: String?
    /// Attempts per call, the first included (`AWS_MAX_ATTEMPTS` / `max_attempts`).
    public var maxAttempts: Int
    /// Seconds to wait for one answer.
    public var timeout: Double = 15
    /// Asks for the current code of an MFA device (`mfa_serial`); throws when nobody can be asked.
    public var mfaCode: @Sendable (_ serial: String) async throws -> String
    public var clock: @Sendable () -> Date

    public init(environment: [String: String], configFiles: AWSConfigFiles, transport: any HTTPTransport,
                explicitProfile: String? = nil, maxAttempts: Int = 3,
                mfaCode: @escaping @Sendable (String) async throws -> String = CredentialServices.noTerminal,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.environment = environment; self.configFiles = configFiles; self.transport = transport
        self.explicitProfile = explicitProfile; self.maxAttempts = max(1, maxAttempts); self.mfaCode = mfaCode; self.clock = clock
    }

    /// The MFA prompt used when there is no terminal: always fails (the provider adds the profile and the fix).
    public static let noTerminal: @Sendable (String) async throws -> String = { _ in throw MFAUnavailable() }

    /// Thrown by an MFA prompt that has no terminal to ask on.
    public struct MFAUnavailable: Error {
        public init() {}
    }

    /// The selected profile's name.
    public var profileName: String { CredentialChain.profileName(explicit: explicitProfile, environment: environment) }

    /// The region for STS and sign-in: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the selected profile's `region`.
    public var region: String? {
        for k in ["AWS_REGION", "AWS_DEFAULT_REGION"] { if let v = environment[k], !v.isEmpty { return v } }
        return configFiles.value("region", profile: profileName)
    }

    /// The home folder the caches are under.
    public var home: String { environment["HOME"] ?? NSHomeDirectory() }

    /// The endpoint of `service` (`region` for the regional default and signing).
    public func endpoint(_ service: AWSService, region: String?) throws -> ServiceEndpoint {
        try EndpointResolver.resolve(service, override: nil, profile: explicitProfile, environment: environment,
                                     configFiles: configFiles, region: region)
    }

    /// Sends `request` up to `maxAttempts` times while the failure is a transport error or a 5xx answer, and returns
    /// the last answer. A transport failure after the last attempt is a credentials error naming `what`.
    func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await transport.send(request, timeout: timeout)
                if response.status >= 500, attempt < maxAttempts { try await pause(attempt); continue }
                return response
            } catch let e as Route53Error where e != .cancelled {
                guard case .transport = e, attempt < maxAttempts else {
                    throw Route53Error.credentials("no answer from \(what) at \(request.scheme)://\(request.hostHeader): \(e)")
                }
                try await pause(attempt)
            }
        }
    }

    private func pause(_ attempt: Int) async throws {
        let delay = RetryPolicy.delay(afterAttempt: attempt, base: 0.2, maxDelay: 2)
        do { try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) } catch { throw Route53Error.cancelled }
    }
}

/// A folder of JSON files keyed by name, read and written the way botocore's `JSONFileCache` does: one object per
/// `<key>.json`, written to a temporary file and renamed over the old one, readable by the owner only.
struct JSONFileCache: Sendable {
    let directory: String

    /// The object in `<key>.json`, or nil when the file is missing or not a JSON object.
    func read(_ key: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path(key)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object
    }

    /// True when `<key>.json` exists.
    func exists(_ key: String) -> Bool { FileManager.default.fileExists(atPath: path(key)) }

    /// Writes `object` as `<key>.json`. Errors name the file, never its content.
    func write(_ key: String, _ object: [String: Any]) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            let temp = directory + "/.\(key).\(UUID().uuidString).tmp"
            guard fm.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            if rename(temp, path(key)) != 0 { try? fm.removeItem(atPath: temp); throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw Route53Error.credentials("cannot write the credential cache \(path(key)): check the folder's permissions")
        }
    }

    func path(_ key: String) -> String { directory + "/" + key + ".json" }
}

/// Dates in the forms the AWS CLI's caches use.
enum CacheDate {
    /// Parses ISO 8601 (`2026-01-01T00:00:00Z`, with fractions or an offset) and botocore's `2026-01-01T00:00:00UTC`.
    static func parse(_ text: String) -> Date? {
        if let d = CredentialDocument.parseDate(text) { return d }
        for suffix in ["UTC", "GMT"] where text.hasSuffix(suffix) {
            return CredentialDocument.parseDate(String(text.dropLast(suffix.count)) + "Z")
        }
        return nil
    }

    /// `2026-01-01T00:00:00Z`.
    static func zulu(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }

    /// `2026-01-01T00:00:00UTC`: what the AWS CLI writes for an STS answer's Expiration (`strftime('%Y-%m-%dT%H:%M:%S%Z')`).
    static func botocoreUTC(_ date: Date) -> String { String(zulu(date).dropLast()) + "UTC" }
}

/// Hex digests for cache file names.
enum Digest {
    static func sha1(_ text: String) -> String { hex(Insecure.SHA1.hash(data: Data(text.utf8))) }
    static func sha256(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }
    private static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Decodes a JSON answer body into an object, or nil.
func jsonObject(_ data: Data) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}

/// The last four characters of an account ID (`…9012`), the only part shown.
func accountHint(_ account: String) -> String { "…" + String(account.suffix(4)) }

/// The last path part of an ARN (`arn:aws:iam::1:role/path/Admin` → `Admin`).
func arnName(_ arn: String) -> String { String(arn.split(separator: "/").last ?? Substring(arn)) }
