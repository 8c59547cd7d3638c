import Foundation
import Testing
import TestSupport
@testable import Route53

/// The AWS SDKs' shared configuration and credential cases (smithy-rs `aws-config` test data, read from
/// `../shared/testdata/aws-config` at test time), run table-driven against vanityns's planner and chain.
@Suite struct SharedSDKCasesTests {
    static let root = LocalServices.sharedDirectory.appendingPathComponent("testdata/aws-config")

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(relative)))
    }

    // MARK: profile-parser-tests.json and file-location-tests.json

    /// Parser cases where the Rust SDK's reading differs from botocore's (vanityns reads files as the AWS CLI does).
    static let parserNotApplicable: [String: String] = [
        "Profile names support alphanumeric characters and - / . % @ _ : +": "botocore accepts any one-word profile name (`foo!bar` too)",
        "Property definitions must contain an equals sign.": "botocore's configparser also accepts `key: value`",
        "Pound sign comments are ignored.": "botocore keeps ` # ...` after a value as part of it (no inline comments)",
        "Semicolon sign comments are ignored.": "botocore keeps ` ; ...` after a value as part of it",
        "All comment types can be used together.": "botocore keeps comments after a value as part of it",
        "Comments can be empty.": "botocore keeps ` ;` after a value as part of it",
        "Duplicate profiles in the same file merge properties.": "botocore refuses a section that appears twice (configparser strict)",
        "Duplicate properties in duplicate profiles use the last one defined.": "botocore refuses a section that appears twice",
        "Duplicate properties in duplicate profiles use the last one defined (case insensitive).": "botocore refuses a section that appears twice",
        "Default profiles with mixed prefixes in the config file ignore the one without prefix when merging.": "botocore refuses a section that appears twice",
        "Default profiles with mixed prefixes merge with credentials": "botocore refuses a section that appears twice",
        "Default profile with profile prefix overrides default profile without prefix when profile prefix is first.": "[default] beside [profile default]: botocore keeps the one read last, vanityns merges them",
        "Default profile with profile prefix overrides default profile without prefix when profile prefix is last.": "[default] beside [profile default]: botocore keeps the one read last, vanityns merges them",
        "Invalid property names are ignored.": "botocore keeps a key with a space in it",
        "Invalid profile names are ignored.": "botocore reads every credentials-file section as a profile (`[in valid 2]` too)",
        "profile name with extra whitespace in credentials": "botocore reads `[profile bar]` in the credentials file as a profile named `profile bar`",
        "Credentials profiles with prefix are ignored.": "botocore reads `[profile foo]` in the credentials file as a profile named `profile foo`",
    ]

    /// The profiles as smithy-rs models them: the config file's and the credentials file's keys merged (credentials
    /// win), sub-sections as nested objects.
    static func merged(_ files: AWSConfigFiles) -> NSDictionary {
        var out: [String: Any] = [:]
        for name in files.profileNames() {
            var values: [String: Any] = [:]
            for section in [files.profiles[name], files.credentials[name]].compactMap({ $0 }) {
                for (k, v) in section.values { values[k] = v }
                for (k, v) in section.subsections { values[k] = v }
            }
            out[name] = values
        }
        return out as NSDictionary
    }

    @Test func profileFilesParseLikeTheSDKs() throws {
        let cases = (try Self.json("profile-parser-tests.json") as! [String: Any])["tests"] as! [[String: Any]]
        for c in cases {
            let name = c["name"] as! String
            if Self.parserNotApplicable[name] != nil { continue }
            let input = c["input"] as! [String: String], output = c["output"] as! [String: Any]
            let parsed = Result { try AWSConfigFiles.parse(credentials: input["credentialsFile"], config: input["configFile"]) }
            if output["errorContaining"] != nil {
                if case .success = parsed { Issue.record("\(name): parsed, expected an error") }
                continue
            }
            guard case let .success(files) = parsed else { Issue.record("\(name): \(parsed)"); continue }
            let config = output["config"] as? [String: Any] ?? [:]
            // smithy-rs keeps a sub-section as its raw text ("\nname = value"); vanityns reads it into keys and values.
            let expected = (config["profiles"] as? [String: [String: String]] ?? [:]).mapValues { values in
                values.mapValues { v -> Any in
                    guard v.hasPrefix("\n") else { return v }
                    var nested: [String: String] = [:]
                    for line in v.split(separator: "\n") {
                        let kv = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        nested[kv[0].trimmingCharacters(in: .whitespaces)] = kv.count > 1 ? kv[1].trimmingCharacters(in: .whitespaces) : ""
                    }
                    return nested
                }
            }
            #expect(Self.merged(files) == (expected as NSDictionary), "\(name)")
            if let sessions = config["sso_sessions"] as? NSDictionary {
                #expect((files.ssoSessions.mapValues { $0.values } as NSDictionary) == sessions, "\(name)")
            }
        }
    }

    @Test func fileLocationsAreTheSDKs() throws {
        let cases = (try Self.json("file-location-tests.json") as! [String: Any])["tests"] as! [[String: Any]]
        var ran = 0
        for c in cases where c["platform"] as? String != "windows" {
            let env = c["environment"] as? [String: String] ?? [:]
            let home = env["HOME"] ?? "/home/user"
            let configPath = AWSConfigFiles.expandTilde(env["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)
            let credentialsPath = AWSConfigFiles.expandTilde(env["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
            #expect(configPath == c["configLocation"] as? String, "\(c["name"]!)")
            #expect(credentialsPath == c["credentialsLocation"] as? String, "\(c["name"]!)")
            if let profile = c["profile"] as? String {
                #expect(CredentialChain.profileName(explicit: nil, environment: env) == profile, "\(c["name"]!)")
            }
            ran += 1
        }
        #expect(ran == 4, "the Windows cases do not apply: vanityns runs on Linux and macOS")
    }

    // MARK: assume-role-tests.json

    /// Cases of the token provider (a profile with only `sso_session`: a bearer token for token-auth services). Route 53
    /// signs with SigV4 only, so vanityns never resolves tokens without role credentials.
    static let assumeRoleNotApplicable: [String: String] = [
        "SSO token profile selected": "bearer-token provider; Route 53 uses SigV4 credentials only",
        "invalid SSO token configuration: sso_region must be in sso-session": "bearer-token provider configuration",
        "invalid SSO token configuration: sso-session not found": "bearer-token provider configuration",
    ]

    /// The plan as smithy-rs's `ProfileChain` list.
    static func chain(_ plan: CredentialPlan, _ files: AWSConfigFiles) -> [[String: Any]] {
        switch plan {
        case let .staticKeys(p):
            return [["AccessKey": ["access_key_id": files.value("aws_access_key_id", profile: p) ?? "",
                                   "secret_access_key": files.value("aws_secret_access_key", profile: p) ?? ""]]]
        case let .namedSource(n): return [["NamedSource": n]]
        case let .assumeRole(s, source):
            var role: [String: String] = ["role_arn": s.roleArn]
            role["role_session_name"] = s.sessionName; role["external_id"] = s.externalId
            return chain(source, files) + [["AssumeRole": role]]
        case let .webIdentity(s):
            var w = ["role_arn": s.roleArn, "web_identity_token_file": s.tokenFile]
            w["role_session_name"] = s.sessionName
            return [["WebIdentityToken": w]]
        case let .sso(s):
            var d = ["sso_account_id": s.accountId, "sso_region": s.region, "sso_role_name": s.roleName, "sso_start_url": s.startUrl]
            d["sso_session"] = s.session
            return [["Sso": d]]
        case let .login(p, session): return [["Login": ["profile": p, "login_session": session]]]
        case let .process(p): return [["CredentialProcess": p]]
        }
    }

    /// Drops what vanityns does not model (the account ID beside static keys) so plans compare.
    static func normalized(_ chain: Any) -> NSArray {
        let steps = (chain as? [[String: Any]] ?? []).map { step -> [String: Any] in
            guard var keys = step["AccessKey"] as? [String: Any] else { return step }
            keys["account_id"] = nil
            return ["AccessKey": keys]
        }
        return steps as NSArray
    }

    @Test func assumeRoleChainsMatchTheSDKs() throws {
        let cases = try Self.json("assume-role-tests.json") as! [[String: Any]]
        var ran = 0
        for c in cases {
            let docs = c["docs"] as! String
            if Self.assumeRoleNotApplicable[docs] != nil { continue }
            let input = c["input"] as! [String: Any], output = c["output"] as! [String: Any]
            var config = ""
            for (name, values) in input["profiles"] as? [String: [String: String]] ?? [:] {
                config += "[profile \(name)]\n" + values.map { "\($0) = \($1)\n" }.joined()
            }
            for (name, values) in input["sso_sessions"] as? [String: [String: String]] ?? [:] {
                config += "[sso-session \(name)]\n" + values.map { "\($0) = \($1)\n" }.joined()
            }
            let files = try AWSConfigFiles.parse(credentials: nil, config: config)
            let selected = input["selected_profile"] as! String
            let outcome = Result { try CredentialPlanner(files: files).plan(profile: selected) }
            ran += 1
            if let expected = output["ProfileChain"] {
                guard case let .success(plan?) = outcome else { Issue.record("\(docs): \(outcome)"); continue }
                #expect(Self.normalized(Self.chain(plan, files)) == Self.normalized(expected), "\(docs)")
            } else {
                switch outcome {
                case .success(nil): break  // no credential settings: the chain goes on to the container and IMDS
                case let .success(plan?): Issue.record("\(docs): expected an error, got \(plan)")
                case let .failure(error):
                    let m = "\(error)"
                    #expect(m.contains("profile `") || m.contains("profile "), "\(docs): \(m)")
                }
            }
        }
        #expect(ran == cases.count - Self.assumeRoleNotApplicable.count)
    }

    // MARK: default-credential-provider-chain and profile-provider

    /// Cases that do not apply to a Route 53 tool, and why.
    static let chainNotApplicable: [String: String] = [
        "default-credential-provider-chain/e2e_fips_and_dual_stack_sso": "FIPS and dual-stack endpoints: Route 53 has neither",
        "profile-provider/e2e_fips_and_dual_stack_sts": "FIPS and dual-stack endpoints: Route 53 has neither",
        "profile-provider/assume_role_override_global_env_url": "plain http:// to a non-loopback host: refused by design (credentials would cross the network unencrypted)",
        "profile-provider/assume_role_override_global_profile_url": "plain http:// to a non-loopback host: refused by design",
        "profile-provider/assume_role_override_service_env_url": "plain http:// to a non-loopback host: refused by design",
        "profile-provider/assume_role_override_service_profile_url": "plain http:// to a non-loopback host: refused by design",
        "profile-provider/sso_override_global_env_url": "plain http:// to a non-loopback host: refused by design",
        "profile-provider/invalid_sso_credentials_config": "bearer-token provider; Route 53 uses SigV4 credentials only",
        "profile-provider/sso_token": "bearer-token provider; Route 53 uses SigV4 credentials only",
        "default-credential-provider-chain/imds_default_chain_retries": "IMDS retries: vanityns makes one short IMDS attempt so a laptop is not held up",
        "profile-provider/credential_process_account_id_fallback": "needs a shell pipe (`| base64 --decode`); botocore and vanityns run credential_process without a shell",
        "profile-provider/credential_process": "needs a shell pipe (`| base64 --decode`); botocore and vanityns run credential_process without a shell",
    ]

    /// Replays a case's recorded HTTP exchanges: each request must match a recorded one (method and URI).
    final class Replay: HTTPTransport, @unchecked Sendable {
        struct Exchange { var method: String; var uri: String; var body: String; var status: Int; var response: String }
        private let lock = NSLock()
        private var exchanges: [Exchange]
        private(set) var unexpected: [String] = []
        private(set) var bodies: [String: [String]] = [:]
        init(_ events: [[String: Any]]) {
            var byConnection: [Int: Exchange] = [:], order: [Int] = []
            for e in events {
                let id = e["connection_id"] as? Int ?? 0
                let action = e["action"] as? [String: Any] ?? [:]
                if let r = (action["Request"] as? [String: Any])?["request"] as? [String: Any] {
                    byConnection[id] = Exchange(method: r["method"] as? String ?? "GET", uri: r["uri"] as? String ?? "", body: "", status: 0, response: "")
                    order.append(id)
                } else if let r = ((action["Response"] as? [String: Any])?["response"] as? [String: Any])?["Ok"] as? [String: Any] {
                    byConnection[id]?.status = r["status"] as? Int ?? 0
                } else if let d = (action["Data"] as? [String: Any]), let data = d["data"] as? [String: Any] {
                    let text = data["Utf8"] as? String ?? ""
                    if (d["direction"] as? String) == "Request" || byConnection[id]?.status == 0 { byConnection[id]?.body += text }
                    else { byConnection[id]?.response += text }
                }
            }
            exchanges = order.compactMap { byConnection[$0] }
        }
        func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
            let uri = request.urlString
            let found: Exchange? = lock.withLock {
                guard let i = exchanges.firstIndex(where: { $0.method == request.method && Self.sameURI($0.uri, uri) }) else {
                    unexpected.append("\(request.method) \(uri)"); return nil
                }
                bodies[uri, default: []].append(String(decoding: request.body, as: UTF8.self))
                return exchanges.remove(at: i)
            }
            guard let found else { throw Route53Error.transport("no recorded exchange") }
            return HTTPResponse(status: found.status, headers: [:], body: Data(found.response.utf8))
        }

        /// The same request target: the same path and the same query parameters, in whatever order (the cases' rule:
        /// a query is compared as a set of parameters).
        static func sameURI(_ recorded: String, _ sent: String) -> Bool {
            func parts(_ uri: String) -> (String, [String]) {
                let split = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
                let query = split.count > 1 ? split[1].split(separator: "&").map(String.init).sorted() : []
                return (String(split[0]), query)
            }
            let (a, b) = (parts(recorded), parts(sent))
            return a.0 == b.0 && a.1 == b.1
        }
    }

    static func caseFolders() throws -> [String] {
        var out: [String] = []
        for group in ["default-credential-provider-chain", "profile-provider"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(group).path).sorted() {
                out.append("\(group)/\(name)")
            }
        }
        return out
    }

    /// Copies the case's `fs` to a temporary root and points absolute paths (HOME, token files) into it.
    static func environment(_ folder: URL, into tmp: URL) throws -> [String: String] {
        let fs = folder.appendingPathComponent("fs")
        if FileManager.default.fileExists(atPath: fs.path) {
            for item in try FileManager.default.contentsOfDirectory(atPath: fs.path) {
                try FileManager.default.copyItem(at: fs.appendingPathComponent(item), to: tmp.appendingPathComponent(item))
            }
        }
        var env: [String: String] = [:]
        for (k, v) in (try? JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("env.json")))) as? [String: String] ?? [:] {
            let isPath = ["HOME", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].contains(k)
            env[k] = isPath && v.hasPrefix("/") ? tmp.path + v : v
        }
        if env["HOME"] == nil { env["HOME"] = tmp.path + "/home" }
        for file in ["/.aws/config", "/.aws/credentials"] {
            let path = env["HOME"]! + file
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                try text.replacingOccurrences(of: "= /", with: "= \(tmp.path)/").write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        return env
    }

    @Test(arguments: try SharedSDKCasesTests.caseFolders())
    func credentialChainCase(_ name: String) async throws {
        if Self.chainNotApplicable[name] != nil { return }
        let folder = Self.root.appendingPathComponent(name)
        let test = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("test-case.json"))) as! [String: Any]
        let traffic = (try? JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("http-traffic.json")))) as? [String: Any]
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-sdk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let env = try Self.environment(folder, into: tmp)
        let replay = Replay(traffic?["events"] as? [[String: Any]] ?? [])
        let clock = Date(timeIntervalSince1970: 1_629_000_000)  // August 2021, when the cases were recorded
        let result = test["result"] as! [String: Any]
        let outcome: Result<AWSCredentials, Error> = await {
            do {
                let files = try AWSConfigFiles.load(environment: env)
                let services = CredentialServices(environment: env, configFiles: files, transport: replay, maxAttempts: 3, clock: { clock })
                // A profile-provider case is the profile provider alone, with the case's profile; the others, the chain.
                let provider = name.hasPrefix("profile-provider/") ? CredentialChain.profileProvider(services)
                                                                    : try CredentialChain.standard(services)
                return .success(try await provider.credentials())
            } catch { return .failure(error) }
        }()
        if let ok = result["Ok"] as? [String: Any] {
            guard case let .success(c) = outcome else { Issue.record("\(name): \(outcome) unexpected: \(replay.unexpected)"); return }
            #expect(c.accessKeyId == ok["access_key_id"] as? String, "\(name)")
            #expect(c.secretAccessKey == ok["secret_access_key"] as? String, "\(name)")
            #expect(c.sessionToken == ok["session_token"] as? String, "\(name)")
            if let expiry = ok["expiry"] as? Int { #expect(c.expiration.map { Int($0.timeIntervalSince1970) } == expiry, "\(name)") }
        } else {
            guard case let .failure(error) = outcome else { Issue.record("\(name): expected an error, got \(outcome)"); return }
            #expect(!"\(error)".isEmpty)
        }
    }

    // MARK: login-provider-test-cases.json

    @Test func loginCasesMatchTheSDKs() async throws {
        let cases = try Self.json("login-provider-test-cases.json") as! [[String: Any]]
        let now = ISO8601DateFormatter().date(from: "2025-11-19T00:00:00Z")!
        for c in cases {
            let docs = c["documentation"] as! String
            let home = try TempHome()
            let cacheDir = home.url.appendingPathComponent(".aws/login/cache")
            try FileManager.default.createDirectory(at: cacheDir, withIntermediateDirectories: true)
            for (file, content) in c["cacheContents"] as? [String: Any] ?? [:] {
                try JSONSerialization.data(withJSONObject: content).write(to: cacheDir.appendingPathComponent(file))
            }
            let files = try AWSConfigFiles.parse(credentials: nil, config: c["configContents"] as? String)
            let callData = try JSONSerialization.data(withJSONObject: c["mockApiCalls"] ?? [])
            let transport = FakeTransport { request in
                let calls = (try? JSONSerialization.jsonObject(with: callData)) as? [[String: Any]] ?? []
                let call = calls.first ?? [:]
                let expected = (call["request"] as? [String: Any])?["tokenInput"] as? [String: String] ?? [:]
                let sent = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: String] ?? [:]
                guard sent == expected, request.header("DPoP") != nil, request.path == "/v1/token" else {
                    return FakeTransport.json(#"{"error":"INVALID_REQUEST"}"#, status: 400)
                }
                if let status = call["responseCode"] as? Int { return FakeTransport.json(#"{"error":"TOKEN_EXPIRED"}"#, status: status) }
                return HTTPResponse(status: 200, headers: [:], body: try JSONSerialization.data(withJSONObject: call["response"] ?? [:]))
            }
            let services = CredentialServices(environment: home.environment.merging(["AWS_REGION": "us-east-1"]) { $1 }, configFiles: files,
                                              transport: transport, explicitProfile: "signin", maxAttempts: 1, clock: { now })
            let provider = LoginProvider(profile: "signin", session: files.value("login_session", profile: "signin")!, services: services)
            let outcome: Result<AWSCredentials, Error> = await { do { return .success(try await provider.credentials()) } catch { return .failure(error) } }()
            for expected in c["outcomes"] as? [[String: Any]] ?? [] {
                switch expected["result"] as? String {
                case "credentials":
                    guard case let .success(creds) = outcome else { Issue.record("\(docs): \(outcome)"); continue }
                    #expect(creds.accessKeyId == expected["accessKeyId"] as? String, "\(docs)")
                    #expect(creds.secretAccessKey == expected["secretAccessKey"] as? String, "\(docs)")
                    #expect(creds.sessionToken == expected["sessionToken"] as? String, "\(docs)")
                    #expect(creds.expiration == CacheDate.parse(expected["expiresAt"] as? String ?? ""), "\(docs)")
                case "cacheContents":
                    for (file, content) in expected where file != "result" {
                        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: cacheDir.appendingPathComponent(file)))
                        #expect((written as? NSDictionary) == (content as? NSDictionary), "\(docs): \(file)")
                    }
                default:
                    guard case let .failure(error) = outcome else { Issue.record("\(docs): expected an error"); continue }
                    #expect("\(error)".contains("aws login"), "\(docs): \(error)")
                }
            }
        }
    }
}
