import Foundation
import Testing
import TestSupport

/// Signing in the way AWS users do, end to end: the real binary and libcurl against moto's STS (AssumeRole,
/// AssumeRoleWithWebIdentity) and strict loopback stubs of the IAM Identity Center portal, its OIDC token endpoint
/// and the sign-in token endpoint. Every run asserts that no secret reaches stdout or stderr.
@Suite final class SignInCLITests {
    let moto: MotoServer
    let home: URL
    init() throws {
        moto = try MotoServer()
        home = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-signin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
    }
    deinit { moto.stop(); try? FileManager.default.removeItem(at: home) }

    static let baseSecret = "base/secret/never/shown/0001"

    func write(_ relative: String, _ text: String) throws {
        let url = home.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func read(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: home.appendingPathComponent(relative))) as! [String: Any]
    }

    /// moto for Route 53 and STS, the files in `home`, no keys in the environment.
    func env(_ extra: [String: String] = [:]) -> [String: String] {
        var e = moto.environment
        e["AWS_ACCESS_KEY_ID"] = nil; e["AWS_SECRET_ACCESS_KEY"] = nil; e["AWS_DEFAULT_REGION"] = nil
        e["HOME"] = home.path
        e["AWS_CONFIG_FILE"] = home.path + "/.aws/config"; e["AWS_SHARED_CREDENTIALS_FILE"] = home.path + "/.aws/credentials"
        for (k, v) in extra { e[k] = v }
        return CLI.environment(e)
    }

    func run(_ args: [String], _ env: [String: String], secrets: [String]) throws -> LocalServices.Output {
        let r = try CLI.run(args, env: env)
        for s in secrets + [Self.baseSecret, "Signature="] {
            #expect(!(r.stdout + r.stderr).contains(s), "secret \(s) shown")
        }
        return r
    }

    func baseProfiles(_ extra: String) throws {
        try write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE00000001\naws_secret_access_key = \(Self.baseSecret)\n")
        try write(".aws/config", "[profile base]\nregion = us-east-1\n" + extra)
    }

    // MARK: assume role

    @Test func assumeRoleThroughMotoSTSIsCachedTheCLIsWay() throws {
        try baseProfiles("[profile dns]\nrole_arn = arn:aws:iam::123456789012:role/dns\nsource_profile = base\nregion = us-east-1\n")
        let r = try run(["sets", "list", "--profile", "dns", "--verbose"], env(), secrets: [])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("credentials: assume role dns via base"), "\(r.stderr)")
        // The CLI's key for {"RoleArn": ...}: the file is there and holds the whole answer.
        let key = try LocalServices.python("""
        import hashlib, json; print(hashlib.sha1(json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/dns"}, sort_keys=True).encode()).hexdigest())
        """).trimmingCharacters(in: .whitespacesAndNewlines)
        let cached = try read(".aws/cli/cache/\(key).json")
        let creds = cached["Credentials"] as? [String: Any] ?? [:]
        #expect((creds["Expiration"] as? String)?.hasSuffix("UTC") == true)
        #expect(creds["AccessKeyId"] as? String != nil && (cached["AssumedRoleUser"] as? [String: Any])?["Arn"] != nil)
        // The AWS CLI's botocore reads what vanityns wrote, with STS unreachable: no call was needed.
        let seen = try LocalServices.python("""
        import os, botocore.session
        from botocore.utils import JSONFileCache
        s = botocore.session.Session(profile='dns')
        p = s.get_component('credential_provider').get_provider('assume-role')
        p.cache = JSONFileCache(os.path.expanduser('~/.aws/cli/cache'))
        print(s.get_credentials().get_frozen_credentials().access_key)
        """, environment: env(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]))
        #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines) == creds["AccessKeyId"] as? String)
        // And vanityns uses its cache on the next run with STS unreachable.
        let again = try run(["sets", "list", "--profile", "dns"], env(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]), secrets: [])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func aCacheLaidOutByTheCLIWithMFAIsUsedWithoutAPrompt() throws {
        try baseProfiles("[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/dns\nsource_profile = base\n"
            + "mfa_serial = arn:aws:iam::123456789012:mfa/ops\nrole_session_name = ops\nduration_seconds = 3600\nregion = us-east-1\n")
        // botocore with the AWS CLI's cache and an MFA prompter, against moto's STS, writes the cache file.
        let key = try LocalServices.python("""
        import os, botocore.session
        from botocore.utils import JSONFileCache
        s = botocore.session.Session(profile='mfa')
        p = s.get_component('credential_provider').get_provider('assume-role')
        p.cache = JSONFileCache(os.path.expanduser('~/.aws/cli/cache'))
        p._prompter = lambda prompt: '123456'
        s.get_credentials().get_frozen_credentials()
        print(os.listdir(os.path.expanduser('~/.aws/cli/cache'))[0])
        """, environment: env())
        #expect(!key.isEmpty)
        // No terminal and STS unreachable: only the CLI's cache entry can answer.
        let r = try run(["sets", "list", "--profile", "mfa", "--verbose"], env(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]), secrets: [])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("MFA code"))
    }

    @Test func mfaWithoutATerminalAndAWrongCodeAreClearErrors() throws {
        let sts = try LoopbackPythonServer(script: """
        import http.server, sys, urllib.parse
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers['Content-Length'])).decode())
                ok = form.get('SerialNumber') == ['arn:aws:iam::123456789012:mfa/ops'] and form.get('TokenCode') == ['654321']
                body = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message></Error></ErrorResponse>'
                        if ok else '<ErrorResponse><Error><Code>Unexpected</Code><Message>bad request</Message></Error></ErrorResponse>').encode()
                self.send_response(403); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [])
        defer { sts.stop() }
        try baseProfiles("[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/dns\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/ops\n")
        let e = env(["AWS_ENDPOINT_URL_STS": sts.endpoint])
        let noTTY = try run(["sets", "list", "--profile", "mfa"], e, secrets: [])
        #expect(noTTY.status != 0)
        #expect(noTTY.stderr.contains("profile `mfa`") && noTTY.stderr.contains("mfa_serial") && noTTY.stderr.contains("terminal"), "\(noTTY.stderr)")
        // On a terminal (script(1) gives it one) the code is asked for and STS refuses it.
        let command = (["env", "-i"] + e.map { "\($0)=\($1)" } + [CLI.binary, "sets", "list", "--profile", "mfa"])
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // The code is typed after the prompt (echo is off by then), as a person would.
        let tty = try LocalServices.run("/bin/sh", ["-c", "(sleep 1; echo 654321) | /usr/bin/script -qec \"$0\" /dev/null", command], check: false)
        #expect(tty.status != 0)
        #expect(tty.stdout.contains("Enter MFA code for arn:aws:iam::123456789012:mfa/ops"), "\(tty.stdout)")
        #expect(tty.stdout.contains("AccessDenied"), "\(tty.stdout)")
        #expect(tty.stdout.contains("profile `mfa`") && tty.stdout.contains("current code"), "\(tty.stdout)")
        #expect(!tty.stdout.contains("654321"), "the code was echoed")
        #expect(!tty.stdout.contains(Self.baseSecret))
    }

    @Test func badRoleProfilesNameTheProfileAndTheFix() throws {
        try baseProfiles("""
        [profile loop-a]
        role_arn = arn:aws:iam::123456789012:role/a
        source_profile = loop-b
        [profile loop-b]
        role_arn = arn:aws:iam::123456789012:role/b
        source_profile = loop-a
        [profile orphan]
        role_arn = arn:aws:iam::123456789012:role/o
        source_profile = nowhere
        [profile both]
        role_arn = arn:aws:iam::123456789012:role/x
        source_profile = base
        credential_source = Environment
        [profile wi]
        role_arn = arn:aws:iam::123456789012:role/ci
        web_identity_token_file = \(home.path)/missing-token

        """)
        let cases: [(String, [String])] = [
            ("loop-a", ["profile `loop-a`", "loop", "loop-a → loop-b → loop-a"]),
            ("orphan", ["profile `orphan`", "source_profile = nowhere", "no profile `nowhere`"]),
            ("both", ["profile `both`", "both source_profile and credential_source", "keep one"]),
            ("wi", ["profile `wi`", "missing-token", "cannot be read"]),
        ]
        for (profile, needles) in cases {
            let r = try run(["sets", "list", "--profile", profile], env(), secrets: [])
            #expect(r.status != 0, "\(profile)")
            for n in needles { #expect(r.stderr.contains(n), "\(profile): \(n) in \(r.stderr)") }
        }
    }

    // MARK: web identity

    @Test func webIdentityFromTheEnvironmentThroughMotoSTS() throws {
        let token = home.path + "/token.jwt"
        try "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.web-identity-token-secret".write(toFile: token, atomically: true, encoding: .utf8)
        let r = try run(["sets", "list", "--verbose"], env(["AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
                                                           "AWS_ROLE_SESSION_NAME": "ci-run", "AWS_REGION": "us-east-1"]),
                        secrets: ["web-identity-token-secret"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("credentials: web identity · role ci"), "\(r.stderr)")
        try FileManager.default.removeItem(atPath: token)
        let missing = try run(["sets", "list"], env(["AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci"]), secrets: [])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("AWS_WEB_IDENTITY_TOKEN_FILE") && missing.stderr.contains(token), "\(missing.stderr)")
    }

    // MARK: IAM Identity Center and aws login, against strict stubs

    /// The portal, OIDC and sign-in endpoints in one stub. Each checks its request exactly and answers 400 with the
    /// reason otherwise; every request is logged (method, path, verdict) to the file in argv[2].
    static let stub = """
    import base64, http.server, json, sys
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    port, log, pem = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read().encode() if len(sys.argv) > 3 else None
    def b64(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
    def check_dpop(h, url):
        head, claims, sig = h.split('.')
        header, body = json.loads(b64(head)), json.loads(b64(claims))
        assert header['typ'] == 'dpop+jwt' and header['alg'] == 'ES256', header
        jwk = header['jwk']; assert jwk['kty'] == 'EC' and jwk['crv'] == 'P-256'
        pub = ec.EllipticCurvePublicNumbers(int.from_bytes(b64(jwk['x']), 'big'), int.from_bytes(b64(jwk['y']), 'big'), ec.SECP256R1()).public_key()
        want = serialization.load_pem_private_key(pem, None).public_key().public_numbers()
        assert pub.public_numbers() == want, 'jwk is not the cache file key'
        raw = b64(sig); assert len(raw) == 64
        pub.verify(utils.encode_dss_signature(int.from_bytes(raw[:32], 'big'), int.from_bytes(raw[32:], 'big')), (head + '.' + claims).encode(), ec.ECDSA(hashes.SHA256()))
        assert body['htm'] == 'POST' and body['htu'] == url and isinstance(body['iat'], int) and len(body['jti']) >= 16, body
    class H(http.server.BaseHTTPRequestHandler):
        def answer(self, status, obj, verdict):
            with open(log, 'a') as f: f.write(json.dumps([self.command, self.path, verdict]) + '\\n')
            data = json.dumps(obj).encode()
            self.send_response(status); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
        def do_GET(self):
            try:
                assert self.path == '/federation/credentials?role_name=Admin&account_id=123456789012', self.path
                assert self.headers.get('x-amz-sso_bearer_token') == 'sso-access-token-2', 'token'
                assert self.headers.get('Authorization') is None, 'signed'
            except AssertionError as e:
                return self.answer(401, {'message': str(e)}, 'refused: %s' % e)
            self.answer(200, {'roleCredentials': {'accessKeyId': 'ASIASSOROLE0001', 'secretAccessKey': 'sso/role/secret/value',
                              'sessionToken': 'sso-role-session-token', 'expiration': 4102444800000}}, 'ok')
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
            try:
                assert self.headers.get('Content-Type') == 'application/json' and self.headers.get('Authorization') is None
                if self.path == '/token':
                    assert body == {'grantType': 'refresh_token', 'clientId': 'oidc-client-id', 'clientSecret': 'oidc-client-secret-value',
                                    'refreshToken': 'sso-refresh-token-1'}, body
                    return self.answer(200, {'accessToken': 'sso-access-token-2', 'expiresIn': 28800, 'refreshToken': 'sso-refresh-token-2',
                                             'tokenType': 'Bearer'}, 'ok')
                assert self.path == '/v1/token', self.path
                assert body == {'clientId': 'arn:aws:signin:::devtools/same-device', 'refreshToken': 'login-refresh-token-1',
                                'grantType': 'refresh_token'}, body
                check_dpop(self.headers['DPoP'], 'http://127.0.0.1:%d/v1/token' % port)
            except Exception as e:
                return self.answer(400, {'error': 'INVALID_REQUEST', 'message': str(e)}, 'refused: %r' % e)
            self.answer(200, {'tokenOutput': {'accessToken': {'accessKeyId': 'ASIALOGIN000002', 'secretAccessKey': 'login/new/secret',
                              'sessionToken': 'login-new-session'}, 'expiresIn': 900, 'refreshToken': 'login-refresh-token-2'}}, 'ok')
        def log_message(self, *a): pass
    http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
    """

    static let ssoSecrets = ["sso-access-token-1", "sso-access-token-2", "sso-refresh-token-1", "sso-refresh-token-2",
                             "oidc-client-secret-value", "sso/role/secret/value", "sso-role-session-token"]

    func ssoConfig() throws {
        try write(".aws/config", """
        [profile corp-admin]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Admin
        region = us-east-1
        [profile legacy]
        sso_start_url = https://legacy.awsapps.com/start
        sso_region = eu-west-1
        sso_account_id = 123456789012
        sso_role_name = Admin
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access

        """)
    }

    static func iso(_ seconds: TimeInterval) -> String {
        let f = ISO8601DateFormatter(); return f.string(from: Date().addingTimeInterval(seconds))
    }

    @Test func ssoSessionTokenNearExpiryIsRefreshedAndWrittenBackThenRoleCredentialsAreFetched() throws {
        let log = home.path + "/stub.log"
        let stub = try LoopbackPythonServer(script: Self.stub, arguments: [log])
        defer { stub.stop() }
        try ssoConfig()
        let file = ".aws/sso/cache/" + (try LocalServices.python("import hashlib; print(hashlib.sha1(b'corp').hexdigest())")
            .trimmingCharacters(in: .whitespacesAndNewlines)) + ".json"
        try write(file, """
        {"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token-1",
         "expiresAt": "\(Self.iso(300))", "clientId": "oidc-client-id", "clientSecret": "oidc-client-secret-value",
         "registrationExpiresAt": "\(Self.iso(86400 * 30))", "refreshToken": "sso-refresh-token-1"}
        """)
        let r = try run(["sets", "list", "--profile", "corp-admin", "--verbose"],
                        env(["AWS_ENDPOINT_URL_SSO": stub.endpoint, "AWS_ENDPOINT_URL_SSO_OIDC": stub.endpoint]), secrets: Self.ssoSecrets)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("credentials: sso corp · role Admin · account …9012"), "\(r.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines == [#"["POST", "/token", "ok"]"#, #"["GET", "/federation/credentials?role_name=Admin&account_id=123456789012", "ok"]"#])
        let token = try read(file)
        #expect(token["accessToken"] as? String == "sso-access-token-2")
        #expect(token["refreshToken"] as? String == "sso-refresh-token-2")
        #expect(Set(token.keys) == ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"])
        #expect((token["expiresAt"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func expiredSSOTokenThatCannotBeRefreshedSaysToLogIn() throws {
        try ssoConfig()
        let sha = try LocalServices.python("import hashlib; print(hashlib.sha1(b'https://legacy.awsapps.com/start').hexdigest())")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try write(".aws/sso/cache/\(sha).json", #"{"startUrl": "https://legacy.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token-1", "expiresAt": "2020-01-01T00:00:00Z"}"#)
        let r = try run(["sets", "list", "--profile", "legacy"], env(["AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"]), secrets: Self.ssoSecrets)
        #expect(r.status != 0)
        #expect(r.stderr.contains("profile `legacy`") && r.stderr.contains("run `aws sso login --profile legacy`"), "\(r.stderr)")
    }

    @Test func awsLoginRefreshIsDPoPSignedAndTheCacheRewritten() throws {
        let log = home.path + "/stub.log", pem = home.path + "/dpop.pem"
        try LocalServices.python("""
        import sys
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        k = ec.generate_private_key(ec.SECP256R1())
        open(sys.argv[1], 'wb').write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
        """, args: [pem])
        let stub = try LoopbackPythonServer(script: Self.stub, arguments: [log, pem])
        defer { stub.stop() }
        let session = "arn:aws:sts::012345678910:assumed-role/Admin/admin"
        try write(".aws/config", "[profile signin]\nlogin_session = \(session)\nregion = us-east-1\n")
        let cacheDir = home.path + "/login-cache"
        let name = try LocalServices.python("import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", args: [session])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let document: [String: Any] = [
            "accessToken": ["accessKeyId": "ASIALOGIN000001", "secretAccessKey": "login/old/secret", "sessionToken": "login-old-session",
                            "accountId": "012345678910", "expiresAt": "2020-01-01T00:00:00Z"],
            "tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "login-refresh-token-1",
            "idToken": "id-token-value", "dpopKey": try String(contentsOfFile: pem, encoding: .utf8)]
        try FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: "\(cacheDir)/\(name).json"))
        let secrets = ["login/old/secret", "login-old-session", "login/new/secret", "login-new-session", "login-refresh-token-1",
                       "login-refresh-token-2", "id-token-value", "BEGIN EC PRIVATE KEY"]
        let r = try run(["sets", "list", "--profile", "signin", "--verbose"],
                        env(["AWS_ENDPOINT_URL_SIGNIN": stub.endpoint, "AWS_LOGIN_CACHE_DIRECTORY": cacheDir]), secrets: secrets)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("credentials: aws login · account …8910"), "\(r.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == #"["POST", "/v1/token", "ok"]"# + "\n")
        let rewritten = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(cacheDir)/\(name).json"))) as! [String: Any]
        let access = rewritten["accessToken"] as? [String: Any] ?? [:]
        #expect(access["accessKeyId"] as? String == "ASIALOGIN000002" && access["accountId"] as? String == "012345678910")
        #expect(rewritten["refreshToken"] as? String == "login-refresh-token-2" && rewritten["dpopKey"] as? String == document["dpopKey"] as? String)
        // Refused refresh: run `aws login`.
        var expired = document; expired["refreshToken"] = "login-refresh-token-other"
        try JSONSerialization.data(withJSONObject: expired).write(to: URL(fileURLWithPath: "\(cacheDir)/\(name).json"))
        let refused = try run(["sets", "list", "--profile", "signin"],
                              env(["AWS_ENDPOINT_URL_SIGNIN": stub.endpoint, "AWS_LOGIN_CACHE_DIRECTORY": cacheDir]), secrets: secrets)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("profile `signin`") && refused.stderr.contains("aws login"), "\(refused.stderr)")
    }

    // MARK: settings

    @Test func unreadableCABundleIsAClearError() throws {
        let r = try run(["sets", "list"], env(["AWS_CA_BUNDLE": home.path + "/no-such-bundle.pem", "AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(r.status != 0)
        #expect(r.stderr.contains("AWS_CA_BUNDLE") && r.stderr.contains("no-such-bundle.pem") && r.stderr.contains("cannot be read"), "\(r.stderr)")
        try write(".aws/config", "[default]\nca_bundle = ~/not-pem.txt\n")
        try write("not-pem.txt", "hello\n")
        let profile = try run(["sets", "list"], env(["AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(profile.status != 0)
        #expect(profile.stderr.contains("ca_bundle") && profile.stderr.contains("no PEM certificate"), "\(profile.stderr)")
    }

    @Test func maxAttemptsAndRetryModeAreRead() throws {
        let bad = try run(["sets", "list"], env(["AWS_MAX_ATTEMPTS": "zero", "AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(bad.status != 0 && bad.stderr.contains("AWS_MAX_ATTEMPTS"), "\(bad.stderr)")
        let mode = try run(["sets", "list"], env(["AWS_RETRY_MODE": "sometimes", "AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(mode.status != 0 && mode.stderr.contains("standard, adaptive or legacy"), "\(mode.stderr)")
        // Two attempts in all against an endpoint that answers 500: exactly two requests arrive.
        let log = home.path + "/hits.log"
        let failing = try LoopbackPythonServer(script: """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                open(sys.argv[2], 'a').write('hit\\n')
                body = b'<ErrorResponse><Error><Code>InternalError</Code><Message>x</Message></Error></ErrorResponse>'
                self.send_response(500); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [log])
        defer { failing.stop() }
        let r = try run(["sets", "list"], env(["AWS_MAX_ATTEMPTS": "2", "AWS_ENDPOINT_URL_ROUTE_53": failing.endpoint,
                                               "AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(r.status != 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "hit\nhit\n")
    }

    @Test func httpProxyFromTheEnvironmentIsUsedByLibcurl() throws {
        let log = home.path + "/proxy.log"
        let proxy = try LoopbackPythonServer(script: """
        import http.server, sys, urllib.request
        class H(http.server.BaseHTTPRequestHandler):
            def _go(self):
                open(sys.argv[2], 'a').write(self.command + ' ' + self.path + '\\n')
                n = int(self.headers.get('Content-Length') or 0)
                req = urllib.request.Request(self.path, data=self.rfile.read(n) if n else None, method=self.command,
                                             headers={k: v for k, v in self.headers.items() if k.lower() not in ('proxy-connection', 'host')})
                try: r = urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req); status, body = r.status, r.read()
                except urllib.error.HTTPError as e: status, body = e.code, e.read()
                self.send_response(status); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            do_GET = do_POST = _go
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [log])
        defer { proxy.stop() }
        let r = try run(["sets", "list"], env(["http_proxy": proxy.endpoint, "AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret]), secrets: [])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("GET \(moto.endpoint)/2013-04-01/delegationset"))
    }

    @Test func caBundleIsWhatTLSIsVerifiedAgainstAndHTTPSProxyTunnelsThroughCONNECT() throws {
        let dir = home.path
        try LocalServices.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                   "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                   "-addext", "subjectAltName=IP:127.0.0.1"])
        let log = dir + "/tls.log"
        let server = try LoopbackPythonServer(script: """
        import http.server, ssl, sys
        body = b'<?xml version="1.0"?><ListReusableDelegationSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><DelegationSets/><Marker/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListReusableDelegationSetsResponse>'
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                open(sys.argv[4], 'a').write(self.path + '\\n')
                self.send_response(200); self.send_header('Content-Type', 'text/xml'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        s.socket = ctx.wrap_socket(s.socket, server_side=True)
        s.serve_forever()
        """, arguments: [dir + "/cert.pem", dir + "/key.pem", log])
        defer { server.stop() }
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDX", "AWS_SECRET_ACCESS_KEY": Self.baseSecret,
                    "AWS_ENDPOINT_URL_ROUTE_53": "https://127.0.0.1:\(server.port)"]
        let untrusted = try run(["sets", "list"], env(keys.merging(["AWS_MAX_ATTEMPTS": "1"]) { $1 }), secrets: [])
        #expect(untrusted.status != 0 && untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
        let trusted = try run(["sets", "list"], env(keys.merging(["AWS_CA_BUNDLE": dir + "/cert.pem"]) { $1 }), secrets: [])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        // HTTPS_PROXY: libcurl opens a CONNECT tunnel through the proxy; TLS is still verified end to end.
        let proxyLog = dir + "/connect.log"
        let proxy = try LoopbackPythonServer(script: """
        import socket, socketserver, sys, threading
        class H(socketserver.BaseRequestHandler):
            def handle(self):
                head = b''
                while b'\\r\\n\\r\\n' not in head: head += self.request.recv(1)
                line = head.split(b'\\r\\n')[0].decode(); open(sys.argv[2], 'a').write(line + '\\n')
                host, port = line.split()[1].rsplit(':', 1)
                up = socket.create_connection((host, int(port)))
                self.request.sendall(b'HTTP/1.1 200 Connection established\\r\\n\\r\\n')
                def pump(a, b):
                    try:
                        while (d := a.recv(65536)): b.sendall(d)
                    except OSError: pass
                    finally:
                        for s in (a, b):
                            try: s.shutdown(socket.SHUT_RDWR)
                            except OSError: pass
                t = threading.Thread(target=pump, args=(up, self.request)); t.start(); pump(self.request, up); t.join()
        class S(socketserver.ThreadingTCPServer): allow_reuse_address = True
        S(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [proxyLog])
        defer { proxy.stop() }
        let proxied = try run(["sets", "list"], env(keys.merging(["AWS_CA_BUNDLE": dir + "/cert.pem", "HTTPS_PROXY": proxy.endpoint]) { $1 }), secrets: [])
        #expect(proxied.status == 0, "\(proxied.stderr)")
        #expect(try String(contentsOfFile: proxyLog, encoding: .utf8).hasPrefix("CONNECT 127.0.0.1:\(server.port) "))
    }
}
