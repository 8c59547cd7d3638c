import Foundation
import Testing
import TestSupport

/// Credential sources end to end: the real binary, the real libcurl transport, moto behind it.
@Suite final class CredentialSourcesCLITests {
    let moto: MotoServer
    init() throws { moto = try MotoServer() }
    deinit { moto.stop() }

    /// The moto environment without the static keys, so another source must supply them.
    var withoutKeys: [String: String] {
        var env = moto.environment
        env["AWS_ACCESS_KEY_ID"] = nil; env["AWS_SECRET_ACCESS_KEY"] = nil
        return env
    }

    @Test func containerCredentialsAreFetchedOverHTTPWithTheAuthorizationToken() throws {
        let server = try LoopbackPythonServer(script: """
        import http.server, json, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                ok = self.path == '/creds' and self.headers.get('Authorization') == 'container-token-1'
                body = json.dumps({'AccessKeyId': 'AKIDCONTAINER00001', 'SecretAccessKey': 'container/secret/xyz',
                                   'Token': 'container-session-token', 'Expiration': '2099-01-01T00:00:00Z'}).encode()
                self.send_response(200 if ok else 403)
                self.send_header('Content-Length', str(len(body) if ok else 0)); self.end_headers()
                if ok: self.wfile.write(body)
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [])
        var env = withoutKeys
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.endpoint + "/creds"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-token-1"
        let r = try CLI.run(["sets", "list", "--verbose"], env: CLI.environment(env))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ListReusableDelegationSets"))
        for secret in ["container/secret/xyz", "container-session-token", "container-token-1", "Signature="] {
            #expect(!(r.stdout + r.stderr).contains(secret))
        }
    }

    @Test func credentialProcessIsRunWithoutAShell() throws {
        let dir = NSTemporaryDirectory() + "vanityns-cp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = dir + "/creds helper.py"   // a space in the path: must be quoted, not split by a shell
        try """
        import json
        print(json.dumps({"Version": 1, "AccessKeyId": "AKIDPROCESS000001", "SecretAccessKey": "process/secret/abc"}))
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let config = dir + "/config"
        try "[profile ops]\ncredential_process = python3 \"\(script)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        var env = withoutKeys
        env["AWS_CONFIG_FILE"] = config
        let r = try CLI.run(["sets", "list", "--profile", "ops"], env: CLI.environment(env))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("process/secret/abc"))
    }
}
