import Foundation
import Testing
import TestSupport
@testable import Route53

/// The sign-in pieces without a network: cache keys as the AWS CLI makes them, STS endpoints, the MFA prompt's
/// use, the chain's order, and the shared settings.
@Suite struct SignInTests {
    static let stsAnswer = """
    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser>
    <Credentials><AccessKeyId>ASIAROLE0001</AccessKeyId><SecretAccessKey>role/secret</SecretAccessKey><SessionToken>tok</SessionToken>
    <Expiration>EXP</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
    """

    func services(_ home: TempHome, config: String, env: [String: String] = [:], transport: any HTTPTransport,
                  clock: @escaping @Sendable () -> Date = { Date() },
                  mfa: @escaping @Sendable (String) async throws -> String = CredentialServices.noTerminal) throws -> CredentialServices {
        let environment = home.environment.merging(env) { $1 }
        return CredentialServices(environment: environment, configFiles: try AWSConfigFiles.parse(credentials: nil, config: config),
                                  transport: transport, maxAttempts: 1, mfaCode: mfa, clock: clock)
    }

    @Test func cacheKeysAreTheAWSCLIs() throws {
        let home = try TempHome()
        let s = try services(home, config: "", transport: FakeTransport.unreachable)
        let plain = AssumeRoleProvider(settings: .init(profile: "p", roleArn: "arn:aws:iam::123456789012:role/R", via: "base"),
                                       source: FailedSource(error: .credentials("x")), services: s)
        #expect(plain.cacheKey == "c03ce438bc208f6214854d85d3ca930ff73e3004")
        #expect(SSOTokenCache.key(.init(profile: "p", session: "admin", startUrl: "u", region: "r", accountId: "1", roleName: "R"))
                == "d033e22ae348aeb5660fc2140aec35850c4da997")
        // Python's json.dumps for awkward values: quotes, backslashes, non-ASCII, an integer.
        let pairs: [(String, PythonJSON.Value)] = [("RoleArn", .string("arn:aws:iam::1:role/é\"\\x")), ("DurationSeconds", .int(3600)),
                                                   ("ExternalId", .string("ünï/cödé 🙂"))]
        let python = try LocalServices.python("""
        import json; print(json.dumps({"RoleArn": "arn:aws:iam::1:role/é\\"\\\\x", "DurationSeconds": 3600, "ExternalId": "ünï/cödé 🙂"}, sort_keys=True))
        """).trimmingCharacters(in: .newlines)
        #expect(PythonJSON.dumps(pairs, compact: false) == python)
    }

    @Test func stsEndpointIsRegionalGlobalOrConfigured() throws {
        let home = try TempHome()
        func endpoint(_ env: [String: String], _ config: String = "") throws -> ServiceEndpoint {
            try STSClient(services: services(home, config: config, env: env, transport: FakeTransport.unreachable)).endpoint
        }
        #expect(try endpoint([:]).host == "sts.amazonaws.com")
        #expect(try endpoint([:]).region == "us-east-1")
        #expect(try endpoint(["AWS_REGION": "eu-west-1"]).host == "sts.eu-west-1.amazonaws.com")
        #expect(try endpoint(["AWS_REGION": "eu-west-1"]).region == "eu-west-1")
        #expect(try endpoint(["AWS_DEFAULT_REGION": "ap-south-1"]).host == "sts.ap-south-1.amazonaws.com")
        #expect(try endpoint([:], "[default]\nregion = us-west-2\n").host == "sts.us-west-2.amazonaws.com")
        #expect(try endpoint(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"]).port == 4566)
        let section = "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = https://sts.internal.example\n"
        #expect(try endpoint(["AWS_REGION": "eu-west-1"], section).host == "sts.internal.example")
        #expect(try endpoint(["AWS_REGION": "eu-west-1"], section).region == "eu-west-1")
    }

    @Test func assumeRoleAsksForTheMFACodeOnceAndSaysSoWhenANewOneIsNeeded() async throws {
        let home = try TempHome()
        let clock = Clock(Date(timeIntervalSince1970: 1_800_000_000))
        let asked = Counter()
        let transport = FakeTransport { request in
            let body = String(decoding: request.body, as: UTF8.self)
            guard body.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fme"), body.contains("TokenCode=123456"),
                  request.header("Authorization")?.contains("/sts/aws4_request") == true else { return FakeTransport.json("<x/>", status: 400) }
            return FakeTransport.json(Self.stsAnswer.replacingOccurrences(of: "EXP", with: "2027-01-15T08:00:00Z"))
        }
        let s = try services(home, config: """
        [profile base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = base-secret
        [profile r]
        role_arn = arn:aws:iam::123456789012:role/R
        source_profile = base
        mfa_serial = arn:aws:iam::1:mfa/me
        """, env: ["AWS_REGION": "us-east-1"], transport: transport, clock: { clock.now }, mfa: { serial in
            asked.add(); #expect(serial == "arn:aws:iam::1:mfa/me"); return "123456"
        })
        let provider = try #require(try CredentialPlanner(files: s.configFiles).plan(profile: "r")).provider(s)
        let c = try await provider.credentials()
        #expect(c.accessKeyId == "ASIAROLE0001" && c.source == "assume role r via base")
        #expect(asked.value == 1)
        clock.now = Date(timeIntervalSince1970: 1_900_000_000)  // past the expiry and the cache file's window
        let m = await message { try await provider.credentials() }
        #expect(m?.contains("a new MFA code") == true && m?.contains("profile `r`") == true, "\(m ?? "")")
        #expect(asked.value == 1)
    }

    @Test func chainOrderFollowsBotocore() async throws {
        let home = try TempHome()
        let token = try home.write("token", "jwt")
        let transport = FakeTransport { request in
            let body = String(decoding: request.body, as: UTF8.self)
            let kind = body.contains("AssumeRoleWithWebIdentity") ? "AssumeRoleWithWebIdentity" : "AssumeRole"
            #expect(kind == "AssumeRole" || request.header("Authorization") == nil, "web identity is unsigned")
            return FakeTransport.json(Self.stsAnswer.replacingOccurrences(of: "AssumeRoleResult", with: "\(kind)Result")
                .replacingOccurrences(of: "EXP", with: "2099-01-01T00:00:00Z"))
        }
        let config = """
        [profile base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = s
        [profile role]
        role_arn = arn:aws:iam::123456789012:role/R
        source_profile = base
        """
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"]
        let wi = ["AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/CI"]
        func source(_ profile: String?, _ env: [String: String]) async throws -> String {
            var s = try services(home, config: config, env: env, transport: transport)
            s.explicitProfile = profile
            return try await CredentialChain.standard(s).credentials().source
        }
        #expect(try await source(nil, keys.merging(["AWS_PROFILE": "role"]) { $1 }) == "environment")
        #expect(try await source("role", keys) == "assume role role via base")
        #expect(try await source(nil, wi.merging(["AWS_PROFILE": "role"]) { $1 }) == "assume role role via base")
        #expect(try await source(nil, wi) == "web identity · role CI")
        #expect(try await source("base", wi) == "profile base")
    }

    @Test func webIdentityReadsTheTokenFileAgainAtEveryRefresh() async throws {
        let home = try TempHome()
        let token = try home.write("token", "first-token")
        let clock = Clock(Date(timeIntervalSince1970: 1_800_000_000))
        let transport = FakeTransport { request in
            #expect(request.header("Authorization") == nil)
            return FakeTransport.json(Self.stsAnswer.replacingOccurrences(of: "AssumeRoleResult", with: "AssumeRoleWithWebIdentityResult")
                .replacingOccurrences(of: "EXP", with: "2027-01-15T09:00:00Z"))
        }
        let s = try services(home, config: "[profile ci]\nrole_arn = arn:aws:iam::1:role/CI\nweb_identity_token_file = \(token)\n",
                             transport: transport, clock: { clock.now })
        let provider = try #require(try CredentialPlanner(files: s.configFiles).plan(profile: "ci")).provider(s)
        _ = try await provider.credentials()
        _ = try await provider.credentials()  // cached: no second call
        try "second-token".write(toFile: token, atomically: true, encoding: .utf8)
        clock.now = Date(timeIntervalSince1970: 1_800_003_500)  // within 5 minutes of the expiry: refreshed
        _ = try await provider.credentials()
        let bodies = transport.sent.map { String(decoding: $0.request.body, as: UTF8.self) }
        #expect(bodies.count == 2)
        #expect(bodies.first?.hasSuffix("WebIdentityToken=first-token") == true && bodies.last?.hasSuffix("WebIdentityToken=second-token") == true)
        #expect(bodies.first?.hasPrefix("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FCI&RoleSessionName=botocore-session-") == true)
    }

    @Test func sharedSettingsMapRetryModesOntoAttempts() throws {
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[default]\nretry_mode = legacy\n[profile s]\nretry_mode = standard\nmax_attempts = 7\n")
        func load(_ profile: String?, _ env: [String: String] = [:]) throws -> SharedSettings {
            try SharedSettings.load(profile: profile, environment: env, configFiles: files)
        }
        #expect(try SharedSettings.load(profile: nil, environment: [:], configFiles: AWSConfigFiles()).maxAttempts == 5)
        #expect(try load(nil).maxAttempts == 5)
        #expect(try load("s").maxAttempts == 7)
        #expect(try load(nil, ["AWS_RETRY_MODE": "adaptive"]).maxAttempts == 3)
        #expect(try load("s", ["AWS_MAX_ATTEMPTS": "2"]).maxAttempts == 2)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
