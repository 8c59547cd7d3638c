import Foundation
import Testing
import TestSupport
@testable import Route53

/// A transport that answers from a closure and records what was sent.
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _sent: [(request: HTTPRequest, timeout: Double)] = []
    private let handler: @Sendable (HTTPRequest) throws -> HTTPResponse
    init(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) { self.handler = handler }
    var sent: [(request: HTTPRequest, timeout: Double)] { lock.lock(); defer { lock.unlock() }; return _sent }
    func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        lock.withLock { _sent.append((request, timeout)) }
        return try handler(request)
    }
    static var unreachable: FakeTransport { FakeTransport { _ in throw Route53Error.transport("connection timed out") } }
    static func json(_ text: String, status: Int = 200) -> HTTPResponse { HTTPResponse(status: status, headers: [:], body: Data(text.utf8)) }
}

/// A temporary home folder with `.aws/credentials` and `.aws/config`, removed at the end.
final class TempHome: @unchecked Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent(".aws"), withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path) }
        return file.path
    }
    var environment: [String: String] { ["HOME": url.path, "PATH": "/usr/bin:/bin"] }
    deinit { try? FileManager.default.removeItem(at: url) }
}

final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var _now: Date
    init(_ now: Date) { _now = now }
    var now: Date { get { lock.lock(); defer { lock.unlock() }; return _now } set { lock.lock(); _now = newValue; lock.unlock() } }
}

func message(_ body: () async throws -> Any) async -> String? {
    do { _ = try await body(); return nil } catch { return "\(error)" }
}

@Suite struct CredentialsTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    // MARK: config files

    @Test func parsesBothFilesWithCommentsContinuationsAndServices() throws {
        let files = try AWSConfigFiles.parse(credentials: """
        # keys
        [default]
        aws_access_key_id = AKIDDEFAULT
        AWS_Secret_Access_Key=\(Self.secret)
        ; another comment
        [work]
        aws_access_key_id = AKIDWORK
        aws_secret_access_key = s1
        """, config: """
        [default]
        region = us-east-1
        [profile work]
        services = local
        description = first line
          second line
        [services local]
        route53 =
          endpoint_url = http://127.0.0.1:5000
        route53_domains =
          # nested comment
          endpoint_url = http://127.0.0.1:5001
        [sso-session x]
        sso_region = eu-west-1
        """)
        #expect(files.profileNames() == ["default", "work"])
        #expect(files.value("aws_secret_access_key", profile: "default") == Self.secret)
        #expect(files.value("description", profile: "work") == "first line\nsecond line")
        #expect(files.servicesEndpoint("route53", profile: "work") == "http://127.0.0.1:5000")
        #expect(files.servicesEndpoint("route53_domains", profile: "work") == "http://127.0.0.1:5001")
        #expect(files.servicesEndpoint("route53", profile: "default") == nil)
    }

    @Test func malformedLineNamesFileAndLineButNeverTheValue() async throws {
        let home = try TempHome()
        _ = try home.write(".aws/credentials", "[default]\n\n# ok\naws_access_key_id = AKID\n\n\naws_secret_access_key \(Self.secret)\n")
        let m = await message { try AWSConfigFiles.load(environment: home.environment) }
        #expect(m == "~/.aws/credentials line 7: expected `key = value` or `[section]`")
        #expect(m?.contains(Self.secret) == false)

        _ = try home.write(".aws/credentials", "aws_access_key_id = AKID\n")
        #expect(await message { try AWSConfigFiles.load(environment: home.environment) }
                == "~/.aws/credentials line 1: `key = value` before any `[section]` header")
        _ = try home.write(".aws/credentials", "[default\n")
        #expect(await message { try AWSConfigFiles.load(environment: home.environment) }?.contains("line 1") == true)
        _ = try home.write(".aws/credentials", "")
        _ = try home.write(".aws/config", "[services s]\nroute53 =\n  endpoint_url http://x\n")
        #expect(await message { try AWSConfigFiles.load(environment: home.environment) }
                == "~/.aws/config line 3: expected `key = value` in the block under `route53`")
    }

    @Test func fileLocationsComeFromTheEnvironmentWithTildeExpansion() throws {
        let home = try TempHome()
        _ = try home.write("elsewhere/creds", "[moved]\naws_access_key_id = A\naws_secret_access_key = B\n")
        _ = try home.write("elsewhere/conf", "[profile other]\nregion = x\n")
        var env = home.environment
        env["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds"
        env["AWS_CONFIG_FILE"] = home.url.path + "/elsewhere/conf"
        let files = try AWSConfigFiles.load(environment: env)
        #expect(files.profileNames() == ["moved", "other"])
        #expect(files.credentialsFileName == "~/elsewhere/creds")
        // Missing files are simply empty.
        env["AWS_SHARED_CREDENTIALS_FILE"] = "~/nope"
        env["AWS_CONFIG_FILE"] = "~/nope2"
        #expect(try AWSConfigFiles.load(environment: env).profileNames().isEmpty)
    }

    // MARK: environment and profile

    @Test func environmentKeysWinAndPartialKeysAreExplained() async throws {
        let files = try AWSConfigFiles.parse(credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n", config: nil)
        let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "t", "AWS_EC2_METADATA_DISABLED": "true"]
        let c = try await CredentialChain.standard(profile: nil, environment: env, configFiles: files, transport: FakeTransport.unreachable).credentials()
        #expect(c.accessKeyId == "AKIDENV" && c.sessionToken == "t" && c.source == "environment")
        #expect("\(c)" == "AWSCredentials(…DENV, source: environment)")

        let partial = await message { try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "A"]).credentials() }
        #expect(partial == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
    }

    @Test func profileSelectionFollowsOptionThenAWSProfileThenDefault() async throws {
        let files = try AWSConfigFiles.parse(credentials: """
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = d
        [work]
        aws_access_key_id = AKIDWORK
        aws_secret_access_key = w
        """, config: "[profile cfg]\naws_access_key_id = AKIDCFG\naws_secret_access_key = c\naws_session_token = tok\n")
        let envKeys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_EC2_METADATA_DISABLED": "true"]
        func source(_ profile: String?, _ env: [String: String]) async throws -> String {
            let c = try await CredentialChain.standard(profile: profile, environment: env, configFiles: files,
                                                       transport: FakeTransport.unreachable).credentials()
            return "\(c.source) \(c.accessKeyId)"
        }
        #expect(try await source(nil, ["AWS_EC2_METADATA_DISABLED": "true"]) == "profile default AKIDDEFAULT")
        #expect(try await source(nil, ["AWS_PROFILE": "work"]) == "profile work AKIDWORK")
        #expect(try await source("cfg", ["AWS_PROFILE": "work"]) == "profile cfg AKIDCFG")
        // --profile takes the environment's keys out of the chain (as botocore does); AWS_PROFILE does not.
        #expect(try await source("work", envKeys) == "profile work AKIDWORK")
        #expect(try await source(nil, envKeys.merging(["AWS_PROFILE": "work"]) { a, _ in a }) == "environment AKIDENV")
        #expect(CredentialChain.profileName(explicit: nil, environment: [:]) == "default")
    }

    @Test func unknownExplicitProfileIsAnImmediateErrorListingTheOthers() throws {
        let files = try AWSConfigFiles.parse(credentials: "[default]\n[work]\n", config: "[profile staging]\n")
        let m = #expect(throws: Route53Error.self) {
            try CredentialChain.standard(profile: "prod", environment: [:], configFiles: files, transport: FakeTransport.unreachable)
        }
        #expect("\(m!)".contains("profile `prod` (from --profile) is not in ~/.aws/credentials or ~/.aws/config"))
        #expect("\(m!)".contains("Profiles that exist: default, staging, work."))
        let viaEnv = #expect(throws: Route53Error.self) {
            try CredentialChain.standard(profile: nil, environment: ["AWS_PROFILE": "prod"], configFiles: files, transport: FakeTransport.unreachable)
        }
        #expect("\(viaEnv!)".contains("(from AWS_PROFILE)"))
    }

    @Test func whenNothingWorksEverySourceIsListedWithAdvice() async throws {
        let env = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9", "PATH": "/usr/bin"]
        let chain = try CredentialChain.standard(profile: nil, environment: env, configFiles: AWSConfigFiles(),
                                                 transport: FakeTransport.unreachable)
        let m = try #require(await message { try await chain.credentials() })
        let lines = m.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0] == "No AWS credentials found. Tried, in order:")
        #expect(lines[1] == "  - environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        #expect(lines[2].hasPrefix("  - profile default: no profile `default`"))
        #expect(lines[3].hasPrefix("  - credential_process (profile default):"))
        #expect(lines[4].hasPrefix("  - container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        #expect(lines[5].hasPrefix("  - instance metadata: no answer from 127.0.0.1 within 1 s"))
        #expect(lines[6].contains("AWS_ACCESS_KEY_ID") && lines[6].contains("aws configure") && lines[6].contains("--profile"))
    }

    @Test func tokenOnlySSOProfileExplainsWhatIsMissing() async throws {
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[profile t]\nsso_session = corp\n[sso-session corp]\nsso_region = eu-west-1\n")
        let m = await message { try await ProfileCredentialProvider(profile: "t", configFiles: files).credentials() }
        #expect(m?.contains("sso_account_id and sso_role_name") == true)
    }

    @Test func credentialProcessRunsWithoutAShellAndHonoursQuotes() async throws {
        let home = try TempHome()
        let script = try home.write("bin dir/creds.sh", """
        #!/bin/sh
        printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cr3t", "SessionToken": "%s|%s", "Expiration": "2099-01-02T03:04:05Z"}' "$1" "$2"
        """, executable: true)
        let files = try AWSConfigFiles.parse(credentials: nil, config: """
        [profile p]
        credential_process = "\(script)" 'one $HOME `x`' two\\ words
        """)
        let c = try await ProcessCredentialProvider(profile: "p", configFiles: files, environment: home.environment).credentials()
        #expect(c.accessKeyId == "AKIDPROC")
        #expect(c.sessionToken == "one $HOME `x`|two words")
        #expect(c.expiration == CredentialDocument.parseDate("2099-01-02T03:04:05Z"))
        #expect(c.source == "credential_process (profile p)")
        // Through the chain, a profile with only credential_process gets it.
        let chained = try await CredentialChain.standard(profile: "p", environment: home.environment, configFiles: files,
                                                         transport: FakeTransport.unreachable).credentials()
        #expect(chained.source == "credential_process (profile p)")
    }

    @Test func failingCredentialProcessReportsStatusAndFirstStderrLineNotStdout() async throws {
        let home = try TempHome()
        _ = try home.write("bin/failing", """
        #!/bin/sh
        echo '{"SecretAccessKey": "LEAKED-SECRET"}'
        echo 'token expired: run sso login' >&2
        echo 'second line' >&2
        exit 3
        """, executable: true)
        var env = home.environment
        env["PATH"] = home.url.path + "/bin:/usr/bin:/bin"
        let files = try AWSConfigFiles.parse(credentials: nil, config: "[default]\ncredential_process = failing --flag\n")
        let m = try #require(await message { try await ProcessCredentialProvider(profile: "default", configFiles: files, environment: env).credentials() })
        #expect(m == "credential_process of profile `default` exited with status 3: token expired: run sso login")
        #expect(!m.contains("LEAKED"))

        _ = try home.write("bin/badjson", "#!/bin/sh\necho 'AccessKeyId=LEAKED-SECRET'\n", executable: true)
        let files2 = try AWSConfigFiles.parse(credentials: nil, config: "[default]\ncredential_process = badjson\n")
        let m2 = try #require(await message { try await ProcessCredentialProvider(profile: "default", configFiles: files2, environment: env).credentials() })
        #expect(m2.contains("did not return a JSON object") && !m2.contains("LEAKED"))

        let files3 = try AWSConfigFiles.parse(credentials: nil, config: "[default]\ncredential_process = no-such-program-vns\n")
        #expect(await message { try await ProcessCredentialProvider(profile: "default", configFiles: files3, environment: env).credentials() }
                == "credential_process of profile `default`: program `no-such-program-vns` not found on PATH")
    }

    /// The credential-json fuzz target's finding (Fuzz/corpus/credential-json/regression-nul-document): a `t` and
    /// NUL bytes, as a crashed helper might print. Its own check misread the NULs; the refusal names what is wrong and
    /// quotes nothing of the document.
    @Test func aDocumentOfNULsIsRefusedWithoutQuotingIt() throws {
        let path = LocalServices.packageRoot.appendingPathComponent("Fuzz/corpus/credential-json/regression-nul-document")
        let data = try Data(contentsOf: path)
        #expect(data.first == UInt8(ascii: "t") && data.dropFirst().allSatisfy { $0 == 0 })
        #expect(throws: Route53Error.credentials("credential_process did not return a JSON object")) {
            try CredentialDocument.parse(data, source: "credential_process", what: "credential_process", tokenKeys: ["SessionToken"])
        }
    }

    /// The credential-json fuzz target's second finding (Fuzz/corpus/credential-json/regression-long-fraction): an
    /// Expiration with an 80-digit fraction killed the process with SIGFPE inside ICU's date parser. It is now an
    /// ordinary refusal, and the times real sources write still read to the second.
    @Test func expirationTimesParseWithoutICUAndALongFractionIsRefused() throws {
        let path = LocalServices.packageRoot.appendingPathComponent("Fuzz/corpus/credential-json/regression-long-fraction")
        let data = try Data(contentsOf: path)
        #expect(throws: Route53Error.credentials("credential_process returned an Expiration that is not an ISO 8601 time")) {
            try CredentialDocument.parse(data, source: "credential_process", what: "credential_process", tokenKeys: ["SessionToken"])
        }
        let epoch: [(String, TimeInterval)] = [
            ("2025-01-02T03:04:05Z", 1_735_787_045), ("2025-01-02T03:04:05.5Z", 1_735_787_045.5),
            ("2025-01-02T03:04:05.123+00:00", 1_735_787_045.123), ("2025-01-02T05:04:05+02:00", 1_735_787_045),
        ]
        for (text, seconds) in epoch {
            let date = try #require(CredentialDocument.parseDate(text), "\(text)")
            #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001, "\(text)")
        }
        #expect(CacheDate.parse("2025-01-02T03:04:05UTC")?.timeIntervalSince1970 == 1_735_787_045)
        #expect(CacheDate.zulu(Date(timeIntervalSince1970: 1_735_787_045)) == "2025-01-02T03:04:05Z")
        for bad in ["2025-13-02T03:04:05Z", "2025-01-02T03:04:05", "yesterday", ""] {
            #expect(CredentialDocument.parseDate(bad) == nil, "\(bad)")
        }
    }

    @Test func commandLinesSplitLikePOSIXShlex() throws {
        #expect(try ProcessCredentialProvider.split(#"a "b c" 'd "e"' f\ g "h\"i" '' x"#) == ["a", "b c", #"d "e""#, "f g", #"h"i"#, "", "x"])
        #expect(try ProcessCredentialProvider.split("  ") == [])
        #expect(throws: Route53Error.self) { try ProcessCredentialProvider.split("a 'b") }
    }

    // MARK: container

    @Test func containerRelativeURIWithTokenFile() async throws {
        let home = try TempHome()
        let tokenFile = try home.write("token", "Bearer abc\n")
        let transport = FakeTransport { _ in
            FakeTransport.json(#"{"AccessKeyId":"AKIDECS","SecretAccessKey":"x","Token":"tok","Expiration":"2099-01-01T00:00:00Z"}"#)
        }
        let env = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc?x=1", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]
        let c = try await ContainerCredentialProvider(environment: env, transport: transport).credentials()
        #expect(c.accessKeyId == "AKIDECS" && c.sessionToken == "tok" && c.source == "container")
        let sent = try #require(transport.sent.first)
        #expect(sent.request.urlString == "http://169.254.170.2/v2/credentials/abc?x=1")
        #expect(sent.request.header("Authorization") == "Bearer abc")
    }

    @Test func containerFullURIMustBeHTTPSOrLoopback() async throws {
        let transport = FakeTransport { _ in FakeTransport.json(#"{"AccessKeyId":"A","SecretAccessKey":"B"}"#) }
        for ok in ["https://creds.internal/x", "http://127.0.0.1:8080/creds", "http://[::1]:80/c", "http://169.254.170.23/v1"] {
            let c = try await ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": ok,
                                                                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tk"], transport: transport).credentials()
            #expect(c.accessKeyId == "A", "\(ok)")
        }
        #expect(transport.sent.last?.request.header("Authorization") == "tk")
        let m = await message { try await ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.1.2.3/creds"],
                                                                      transport: transport).credentials() }
        #expect(m?.hasPrefix("AWS_CONTAINER_CREDENTIALS_FULL_URI must use https") == true)
        let bad = FakeTransport { _ in FakeTransport.json("nope", status: 500) }
        #expect(await message { try await ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://h/"], transport: bad).credentials() }
                == "the container credential service answered HTTP 500")
    }

    // MARK: instance metadata

    static func imds(role: String = "vanity-role", code: String = "Success") -> FakeTransport {
        FakeTransport { r in
            switch (r.method, r.path) {
            case ("PUT", "/latest/api/token"):
                guard r.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600" else { return FakeTransport.json("", status: 400) }
                return FakeTransport.json("TOKEN123")
            case (_, _) where r.header("X-aws-ec2-metadata-token") != "TOKEN123": return FakeTransport.json("", status: 401)
            case ("GET", "/latest/meta-data/iam/security-credentials/"): return FakeTransport.json(role + "\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/vanity-role"):
                return FakeTransport.json(#"{"Code":"\#(code)","AccessKeyId":"AKIDEC2","SecretAccessKey":"x","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#)
            default: return FakeTransport.json("", status: 404)
            }
        }
    }

    @Test func instanceMetadataUsesIMDSv2WithShortTimeouts() async throws {
        let transport = Self.imds()
        let env = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8111/"]
        let c = try await InstanceMetadataCredentialProvider(environment: env, transport: transport).credentials()
        #expect(c.accessKeyId == "AKIDEC2" && c.sessionToken == "t" && c.source == "instance metadata")
        #expect(transport.sent.map { "\($0.request.method) \($0.request.urlString)" } == [
            "PUT http://127.0.0.1:8111/latest/api/token",
            "GET http://127.0.0.1:8111/latest/meta-data/iam/security-credentials/",
            "GET http://127.0.0.1:8111/latest/meta-data/iam/security-credentials/vanity-role",
        ])
        #expect(transport.sent.allSatisfy { $0.timeout == 1 })
        let defaultHost = Self.imds()
        _ = try await InstanceMetadataCredentialProvider(environment: [:], transport: defaultHost).credentials()
        #expect(defaultHost.sent.first?.request.urlString == "http://169.254.169.254/latest/api/token")
    }

    @Test func instanceMetadataCanBeTurnedOffAndReportsFailures() async throws {
        let transport = Self.imds()
        #expect(await message { try await InstanceMetadataCredentialProvider(environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"], transport: transport).credentials() }
                == "turned off by AWS_EC2_METADATA_DISABLED=true")
        #expect(transport.sent.isEmpty)
        #expect(await message { try await InstanceMetadataCredentialProvider(environment: [:], transport: Self.imds(role: "")).credentials() }
                == "this instance has no IAM role attached")
        #expect(await message { try await InstanceMetadataCredentialProvider(environment: [:], transport: Self.imds(code: "Failed")).credentials() }
                == "instance metadata reports Failed for role vanity-role")
        let chain = try CredentialChain.standard(profile: nil, environment: [:], configFiles: AWSConfigFiles(), transport: Self.imds())
        #expect(try await chain.credentials().source == "instance metadata")
    }

    // MARK: caching

    actor Counting: CredentialProvider {
        var calls = 0
        let clock: Clock
        init(clock: Clock) { self.clock = clock }
        func credentials() async throws -> AWSCredentials {
            calls += 1
            try await Task.sleep(nanoseconds: 50_000_000)
            return AWSCredentials(accessKeyId: "AKID\(calls)", secretAccessKey: "s", expiration: clock.now.addingTimeInterval(3600))
        }
    }

    @Test func expiringCredentialsAreRefreshedFiveMinutesEarlyAndConcurrentCallersShareOneFetch() async throws {
        let clock = Clock(Date(timeIntervalSince1970: 1_700_000_000))
        let base = Counting(clock: clock)
        let cache = CachedCredentialProvider(wrapping: base, clock: { clock.now })
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids == ["AKID1"])
        #expect(await base.calls == 1)
        clock.now = clock.now.addingTimeInterval(3600 - 301)
        #expect(try await cache.credentials().accessKeyId == "AKID1")
        clock.now = clock.now.addingTimeInterval(2)
        #expect(try await cache.credentials().accessKeyId == "AKID2")
        #expect(await base.calls == 2)
    }

    @Test func longTermCredentialsAreFetchedOnce() async throws {
        let transport = FakeTransport.unreachable
        let files = try AWSConfigFiles.parse(credentials: "[default]\naws_access_key_id = A\naws_secret_access_key = B\n", config: nil)
        let chain = try CredentialChain.standard(profile: nil, environment: [:], configFiles: files, transport: transport)
        for _ in 0..<3 { #expect(try await chain.credentials().accessKeyId == "A") }
        #expect(transport.sent.isEmpty)
    }
}
