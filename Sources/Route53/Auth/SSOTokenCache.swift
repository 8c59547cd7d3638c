import Foundation

/// The IAM Identity Center access token the AWS CLI's `aws sso login` leaves in `~/.aws/sso/cache/<SHA-1>.json`
/// (SHA-1 of the `sso_session` name, or of the start URL for legacy profiles). A session token with less than
/// 15 minutes left is refreshed through the OIDC `CreateToken` refresh grant, and the file is written back with the
/// fields the CLI writes; an expired token that cannot be refreshed says to run `aws sso login --profile NAME`.
public struct SSOTokenCache: Sendable {
    let services: CredentialServices
    let cache: JSONFileCache
    /// Tokens with less time left than this are refreshed (session profiles).
    static let refreshWindow: TimeInterval = 15 * 60

    public init(services: CredentialServices) {
        self.services = services
        cache = JSONFileCache(directory: services.home + "/.aws/sso/cache")
    }

    /// The cache file's key: SHA-1 hex of the session name, or of the start URL without one.
    static func key(_ settings: SSOProvider.Settings) -> String { Digest.sha1(settings.session ?? settings.startUrl) }

    /// A valid access token for `settings`, refreshed first when near expiry and refreshable.
    func accessToken(_ settings: SSOProvider.Settings) async throws -> String {
        let key = Self.key(settings)
        let login = "run `aws sso login --profile \(settings.profile)`"
        guard let token = cache.read(key), let access = token["accessToken"] as? String,
              let expText = token["expiresAt"] as? String, let expiresAt = CacheDate.parse(expText) else {
            throw Route53Error.credentials("profile `\(settings.profile)`: no IAM Identity Center token for "
                + "\(settings.session.map { "sso-session `\($0)`" } ?? settings.startUrl) in \(cache.path(key)); \(login)")
        }
        let now = services.clock()
        let remaining = expiresAt.timeIntervalSince(now)
        if remaining < Self.refreshWindow, settings.session != nil, let fresh = try await refresh(token, settings) {
            try cache.write(key, fresh)
            return fresh["accessToken"] as? String ?? access
        }
        guard remaining > 0 else {
            throw Route53Error.credentials("profile `\(settings.profile)`: the IAM Identity Center token expired at \(expText); \(login)")
        }
        return access
    }

    /// The refreshed token document as botocore writes it, or nil when the token cannot be refreshed.
    private func refresh(_ token: [String: Any], _ settings: SSOProvider.Settings) async throws -> [String: Any]? {
        guard let refreshToken = token["refreshToken"] as? String, let clientId = token["clientId"] as? String,
              let clientSecret = token["clientSecret"] as? String, let regText = token["registrationExpiresAt"] as? String,
              let registration = CacheDate.parse(regText), registration > services.clock() else { return nil }
        let endpoint = try services.endpoint(.ssoOIDC, region: settings.region)
        let body: [String: String] = ["grantType": "refresh_token", "clientId": clientId, "clientSecret": clientSecret,
                                      "refreshToken": refreshToken]
        let request = HTTPRequest(method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                  path: endpoint.basePath + "/token", headers: [("Content-Type", "application/json")],
                                  body: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        guard let response = try? await services.send(request, what: "the IAM Identity Center OIDC service"),
              response.status == 200, let answer = jsonObject(response.body),
              let access = answer["accessToken"] as? String, let expiresIn = (answer["expiresIn"] as? NSNumber)?.doubleValue else {
            return nil
        }
        var fresh: [String: Any] = ["startUrl": settings.startUrl, "region": settings.region, "accessToken": access,
                                    "expiresAt": CacheDate.zulu(services.clock().addingTimeInterval(expiresIn)),
                                    "clientId": clientId, "clientSecret": clientSecret, "registrationExpiresAt": regText]
        if let newRefresh = answer["refreshToken"] as? String { fresh["refreshToken"] = newRefresh }
        return fresh
    }
}
