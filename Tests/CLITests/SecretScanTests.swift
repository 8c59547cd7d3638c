import Foundation
import Testing
import TestSupport

/// No secret in anything vanityns writes: a whole `apply --verbose` with a session token, a lost create answer and
/// an endpoint that refuses the credentials, and the wizard's log pane saved to a file; then every byte written
/// (stdout, stderr, the state folder's journals, state and saved logs, the terminal screens) is searched for the
/// secret key, the token and any Authorization or X-Amz-Security-Token value.
@Suite(.serialized) final class SecretScanTests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    /// Distinctive values, with the `/` and `+` that JSON and URL encoding would rewrite.
    static let secret = "vnsSECRETCANARY7q/w+Z9k/NOT/A/REAL/KEY"
    static let token = "vnsTOKENCANARY3Xp/Q+mFwoGZXIvYXdz/EJr+SESSION=="
    let credentials = ["AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token]

    /// What gives a secret away: the values in any common encoding, their distinctive cores, and signed headers.
    static func leaks(in text: String) -> [String] {
        var found: [String] = []
        for value in [secret, token] {
            let forms = [value, value.replacingOccurrences(of: "/", with: "\\/"),
                         value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value]
            found += forms.filter { text.contains($0) }
        }
        found += ["SECRETCANARY", "TOKENCANARY"].filter { text.contains($0) }
        for pattern in [#"(?i)authorization\s*[:=]"#, #"AWS4-HMAC-SHA256\s+Credential="#, #"Signature=[0-9a-f]{16}"#,
                        #"(?i)x-amz-security-token\s*[:=]"#] {
            if let r = text.range(of: pattern, options: .regularExpression) { found.append(String(text[r])) }
        }
        return found
    }

    @Test func nothingWrittenHoldsTheSecretKeyTheTokenOrASignature() throws {
        // The scan finds a value hidden in text, so an empty result below means something.
        #expect(!Self.leaks(in: "log: x-amz-security-token: \(Self.token)").isEmpty)
        #expect(!Self.leaks(in: #"{"key":"\#(Self.secret.replacingOccurrences(of: "/", with: "\\/"))"}"#).isEmpty)
        var written: [(what: String, text: String)] = []
        func run(_ what: String, _ args: [String], overriding: [String: String] = [:]) throws -> LocalServices.Output {
            let r = try f.vanity(args, overriding: overriding, environment: credentials)
            written += [("\(what) stdout", r.stdout), ("\(what) stderr", r.stderr)]
            return r
        }

        // A whole apply with --verbose: every request signed with the token.
        let apply = try run("apply", ["apply", "--yes", "--verbose", "--set", f.setId, "--domain", "example.com", "--zone", "shop.example"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stderr.contains("ChangeResourceRecordSets"), "--verbose printed the requests: \(apply.stderr)")
        #expect(try f.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"])

        // An injected error: the answer to creating a zone is lost; the resend is refused as a reused caller reference
        // and the zone is found by name (libcurl resends on the dead connection itself, so --verbose shows the refusal).
        try f.moto.dropCreateAnswers(1)
        let create = try run("lost create", ["apply", "--yes", "--verbose", "--create-zones", "--set", f.setId, "--domain", "example.com",
                                             "--zone", "new.example"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stderr.contains("CreateHostedZone POST /2013-04-01/hostedzone 409"), "no lost answer: \(create.stderr)")
        #expect(try f.moto.boto3("print(sum(z['Name'] == 'new.example.' for z in r53.list_hosted_zones()['HostedZones']))") == "1\n")

        // An endpoint that refuses the credentials, as Route 53 does for a bad token.
        let refusal = try LoopbackPythonServer.stub(status: 403, contentType: "text/xml", body: """
            <?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token \
            included in the request is invalid.</Message></Error><RequestId>scan-1</RequestId></ErrorResponse>
            """)
        defer { refusal.stop() }
        let refused = try run("refused", ["sets", "list", "--verbose"], overriding: ["--endpoint-url": refusal.endpoint])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("InvalidClientTokenId"), "\(refused.stderr)")

        // The wizard with the same credentials: the log pane saved with `s`, every screen captured.
        var env = CLI.environment(f.moto.environment.merging(credentials) { $1 })
        env["LANG"] = "C.UTF-8"
        let t = try TmuxSession(command: [CLI.binary] + f.common, environment: env, width: 100, height: 30)
        written.append(("wizard screen 1", try t.waitForText("reusable delegation sets used").joined(separator: "\n")))
        try t.sendKeys("Enter")
        written.append(("wizard screen 2", try t.waitForText("+ Create a new set").joined(separator: "\n")))
        try t.sendKeys("Tab", "s")
        written.append(("wizard screen 3", try t.waitForText("Log saved to").joined(separator: "\n")))
        written.append(("wizard screen ANSI", try t.captureANSI()))
        try t.sendKeys("Tab", "C-c")
        #expect(try t.waitForExit() == 130)

        // Every file in the state folder: journals, state, the saved log.
        let root = URL(fileURLWithPath: f.stateDir)
        let files = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        let names = files.map(\.lastPathComponent)
        #expect(names.contains("journal-example.com.json") && names.contains("journal-new.example.json"), "\(names)")
        let log = try #require(files.first { $0.lastPathComponent.hasPrefix("vanityns-log") }, "no saved log among \(names)")
        #expect(try String(contentsOf: log, encoding: .utf8).contains("ListReusableDelegationSets"))
        for file in files {
            written.append((file.lastPathComponent, String(decoding: try Data(contentsOf: file), as: UTF8.self)))
        }

        #expect(written.count >= 14)
        for (what, text) in written {
            #expect(Self.leaks(in: text).isEmpty, "\(what) gives away \(Self.leaks(in: text))")
        }
    }
}
