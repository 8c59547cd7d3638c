import Crypto
import Foundation

/// Credentials of the AWS CLI's `aws login` (CLI 2.32 and later): the profile's `login_session` names a file
/// `<SHA-256 hex of the value>.json` in `AWS_LOGIN_CACHE_DIRECTORY` or `~/.aws/login/cache`. Credentials with
/// 5 minutes or less left are refreshed with the sign-in service's token request (`POST /v1/token`, refresh grant,
/// proved with a DPoP header: an ES256 JWT signed with the file's P-256 key), and the file is rewritten as the CLI
/// rewrites it. A refresh the service refuses says to run `aws login`.
public struct LoginProvider: CredentialProvider {
    public let profile: String
    /// The `login_session` value (a console session ARN).
    public let session: String
    let services: CredentialServices
    let cache: JSONFileCache
    /// Credentials with this much time left or less are refreshed.
    static let refreshWindow: TimeInterval = 5 * 60

    public init(profile: String, session: String, services: CredentialServices) {
        self.profile = profile; self.session = session; self.services = services
        let dir = services.environment["AWS_LOGIN_CACHE_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 } ?? "~/.aws/login/cache"
        cache = JSONFileCache(directory: AWSConfigFiles.expandTilde(dir, home: services.home))
    }

    var key: String { Digest.sha256(session) }
    var relogin: String { "run `aws login --profile \(profile)`" }

    public func credentials() async throws -> AWSCredentials {
        guard var token = cache.read(key) else {
            throw Route53Error.credentials("profile `\(profile)`: no `aws login` session in \(cache.path(key)); \(relogin)")
        }
        let missing = ["accessToken", "refreshToken", "dpopKey", "clientId"].filter { token[$0] == nil }
        guard missing.isEmpty, let access = token["accessToken"] as? [String: Any] else {
            throw Route53Error.credentials("profile `\(profile)`: the `aws login` cache file \(cache.path(key)) lacks "
                + "\(missing.isEmpty ? "accessToken" : missing.joined(separator: ", ")); \(relogin)")
        }
        if let current = try? Self.credentials(access), let exp = current.expiration,
           exp.timeIntervalSince(services.clock()) > Self.refreshWindow {
            return described(current)
        }
        let output = try await refresh(token)
        guard let fresh = output["accessToken"] as? [String: Any], let expiresIn = (output["expiresIn"] as? NSNumber)?.doubleValue else {
            throw Route53Error.credentials("profile `\(profile)`: the sign-in service's answer has no credentials; \(relogin)")
        }
        var updated: [String: Any] = [:]
        for k in ["accessKeyId", "secretAccessKey", "sessionToken"] { updated[k] = fresh[k] }
        updated["accountId"] = access["accountId"]
        updated["expiresAt"] = CacheDate.zulu(services.clock().addingTimeInterval(expiresIn))
        token["accessToken"] = updated
        if let r = output["refreshToken"] { token["refreshToken"] = r }
        try cache.write(key, token)
        return described(try Self.credentials(updated))
    }

    private func described(_ c: AWSCredentials) -> AWSCredentials {
        var c = c
        let account = (cache.read(key)?["accessToken"] as? [String: Any])?["accountId"] as? String
        c.source = "aws login" + (account.map { " · account \(accountHint($0))" } ?? "") + " (profile \(profile))"
        return c
    }

    static func credentials(_ access: [String: Any]) throws -> AWSCredentials {
        guard let id = access["accessKeyId"] as? String, let secret = access["secretAccessKey"] as? String,
              let exp = (access["expiresAt"] as? String).flatMap(CacheDate.parse) else {
            throw Route53Error.credentials("incomplete accessToken")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: access["sessionToken"] as? String, expiration: exp)
    }

    /// The token request; returns `tokenOutput`.
    private func refresh(_ token: [String: Any]) async throws -> [String: Any] {
        guard let pem = token["dpopKey"] as? String, let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) else {
            throw Route53Error.credentials("profile `\(profile)`: the `aws login` cache file's dpopKey is not a P-256 key; \(relogin)")
        }
        let endpoint = try services.endpoint(.signin, region: services.region)
        var request = HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                  path: endpoint.basePath + "/v1/token", headers: [("Content-Type", "application/json")])
        let body: [String: Any] = ["clientId": token["clientId"] ?? "", "refreshToken": token["refreshToken"] ?? "",
                                   "grantType": "refresh_token"]
        request.body = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        let htu = "\(request.scheme)://\(request.hostHeader)\(request.path)"
        request.headers.append(("DPoP", try DPoP.proof(key: key, method: "POST", url: htu, issuedAt: services.clock())))
        let response = try await services.send(request, what: "the AWS sign-in service")
        guard response.status == 200 else {
            let error = jsonObject(response.body)?["error"] as? String
            let why: String
            switch error {
            case "TOKEN_EXPIRED"?: why = "the login session expired"
            case "USER_CREDENTIALS_CHANGED"?: why = "the user's credentials changed"
            case "INSUFFICIENT_PERMISSIONS"?: why = "the user lacks the permission to use `aws login` (signin:CreateOAuth2Token)"
            default: why = "the sign-in service refused the refresh (HTTP \(response.status)\(error.map { ", \($0)" } ?? ""))"
            }
            throw Route53Error.credentials("profile `\(profile)`: \(why); \(relogin)")
        }
        guard let output = jsonObject(response.body)?["tokenOutput"] as? [String: Any] else {
            throw Route53Error.credentials("profile `\(profile)`: the sign-in service answered without tokenOutput; \(relogin)")
        }
        return output
    }
}

/// DPoP proofs (RFC 9449) as the sign-in service wants them: an ES256 JWT whose header carries the public key.
enum DPoP {
    static func proof(key: P256.Signing.PrivateKey, method: String, url: String, issuedAt: Date) throws -> String {
        let raw = key.publicKey.rawRepresentation  // x || y, 32 bytes each
        let header: [String: Any] = ["typ": "dpop+jwt", "alg": "ES256",
                                     "jwk": ["kty": "EC", "crv": "P-256", "x": base64url(raw.prefix(32)), "y": base64url(raw.suffix(32))]]
        let claims: [String: Any] = ["htm": method, "htu": url, "iat": Int(issuedAt.timeIntervalSince1970),
                                     "jti": UUID().uuidString.lowercased()]
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        let input = base64url(try JSONSerialization.data(withJSONObject: header, options: options)) + "."
            + base64url(try JSONSerialization.data(withJSONObject: claims, options: options))
        let signature = try key.signature(for: Data(input.utf8)).rawRepresentation  // r || s
        return input + "." + base64url(signature)
    }

    static func base64url<D: DataProtocol>(_ data: D) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
