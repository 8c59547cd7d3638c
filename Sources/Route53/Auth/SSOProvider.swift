import Foundation

/// Role credentials from IAM Identity Center: the profile's `sso_account_id` and `sso_role_name` with the start
/// URL and region of its `[sso-session NAME]` (or the legacy `sso_start_url` / `sso_region` keys), the access token
/// from `SSOTokenCache`, and `GetRoleCredentials` (unsigned `GET /federation/credentials`). The answer is shared
/// with the AWS CLI through `~/.aws/cli/cache` under the CLI's key.
public struct SSOProvider: CredentialProvider {
    /// One profile's IAM Identity Center settings.
    public struct Settings: Sendable, Equatable {
        public var profile: String
        public var session: String?
        public var startUrl: String
        public var region: String
        public var accountId: String
        public var roleName: String
        public init(profile: String, session: String?, startUrl: String, region: String, accountId: String, roleName: String) {
            self.profile = profile; self.session = session; self.startUrl = startUrl; self.region = region
            self.accountId = accountId; self.roleName = roleName
        }
    }

    public let settings: Settings
    let services: CredentialServices
    let tokens: SSOTokenCache
    let cache: JSONFileCache

    public init(settings: Settings, services: CredentialServices) {
        self.settings = settings; self.services = services
        tokens = SSOTokenCache(services: services)
        cache = JSONFileCache(directory: services.home + "/.aws/cli/cache")
    }

    var description: String {
        "sso \(settings.session ?? settings.profile) · role \(settings.roleName) · account \(accountHint(settings.accountId))"
    }

    /// The AWS CLI's key for the role credentials: SHA-1 of `{"accountId","roleName","sessionName"|"startUrl"}`, compact.
    var cacheKey: String {
        var args: [(String, PythonJSON.Value)] = [("accountId", .string(settings.accountId)), ("roleName", .string(settings.roleName))]
        if let s = settings.session { args.append(("sessionName", .string(s))) } else { args.append(("startUrl", .string(settings.startUrl))) }
        return Digest.sha1(PythonJSON.dumps(args, compact: true))
    }

    public func credentials() async throws -> AWSCredentials {
        if let c = cache.read(cacheKey)?["Credentials"] as? [String: Any], let id = c["AccessKeyId"] as? String,
           let secret = c["SecretAccessKey"] as? String, let exp = (c["Expiration"] as? String).flatMap(CacheDate.parse),
           exp.timeIntervalSince(services.clock()) >= AssumeRoleProvider.cacheWindow {
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: c["SessionToken"] as? String,
                                  expiration: exp, source: description)
        }
        let token = try await tokens.accessToken(settings)
        let endpoint = try services.endpoint(.sso, region: settings.region)
        let query = "role_name=\(SigV4Signer.percentEncode(settings.roleName))&account_id=\(SigV4Signer.percentEncode(settings.accountId))"
        let request = HTTPRequest(method: "GET", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                  path: endpoint.basePath + "/federation/credentials", query: query,
                                  headers: [("x-amz-sso_bearer_token", token)])
        let response = try await services.send(request, what: "the IAM Identity Center portal")
        if response.status == 401 || response.status == 403 {
            throw Route53Error.credentials("profile `\(settings.profile)`: IAM Identity Center refused the token (HTTP \(response.status)) "
                + "for role \(settings.roleName) in account \(settings.accountId); run `aws sso login --profile \(settings.profile)`")
        }
        guard response.status == 200, let answer = jsonObject(response.body), let rc = answer["roleCredentials"] as? [String: Any],
              let id = rc["accessKeyId"] as? String, let secret = rc["secretAccessKey"] as? String,
              let ms = (rc["expiration"] as? NSNumber)?.doubleValue else {
            throw Route53Error.credentials("profile `\(settings.profile)`: IAM Identity Center answered HTTP \(response.status) to "
                + "GetRoleCredentials for role \(settings.roleName) in account \(settings.accountId) without role credentials")
        }
        let expiration = Date(timeIntervalSince1970: ms / 1000)
        let session = rc["sessionToken"] as? String
        var stored: [String: Any] = ["AccessKeyId": id, "SecretAccessKey": secret, "Expiration": CacheDate.zulu(expiration),
                                     "AccountId": settings.accountId]
        if let session { stored["SessionToken"] = session }
        try? cache.write(cacheKey, ["ProviderType": "sso", "Credentials": stored])  // best effort, as for assumed roles
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: session, expiration: expiration, source: description)
    }
}
