import Foundation
import Testing
import TestSupport

/// Bad configuration and bad endpoints: each gives a clear one-line reason and a non-zero exit, and no secret.
@Suite struct ConfigurationErrorTests {
    let keys = ["AWS_ACCESS_KEY_ID": "AKIDCONFIGTEST0001", "AWS_SECRET_ACCESS_KEY": "config/test/secret/VALUE/xyz"]

    func tempFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "vanityns-test-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func missingCredentialsListWhatWasTried() throws {
        let r = try CLI.run(["sets", "list", "--endpoint-url", "http://127.0.0.1:9"], env: CLI.environment([:]))
        #expect(r.status == 1)
        #expect(r.stderr.lowercased().contains("environment"))
        #expect(r.stderr.lowercased().contains("profile"))
    }

    @Test func unknownProfileNamesTheProfile() throws {
        let creds = try tempFile("[work]\naws_access_key_id = AKIDPROFILE000001\naws_secret_access_key = profile/secret/abc\n")
        let r = try CLI.run(["sets", "list", "--profile", "nosuch", "--endpoint-url", "http://127.0.0.1:9"],
                            env: CLI.environment(["AWS_SHARED_CREDENTIALS_FILE": creds]))
        #expect(r.status == 1)
        #expect(r.stderr.contains("nosuch"))
        #expect(r.stderr.contains("work"))
        #expect(!r.stderr.contains("profile/secret/abc"))
    }

    @Test func malformedCredentialsFileNamesTheLine() throws {
        let creds = try tempFile("[default]\naws_access_key_id = AKIDPROFILE000001\nthis line is wrong\n")
        let r = try CLI.run(["sets", "list", "--endpoint-url", "http://127.0.0.1:9"],
                            env: CLI.environment(["AWS_SHARED_CREDENTIALS_FILE": creds]))
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 3"))
    }

    @Test func plainHTTPToANonLoopbackHostIsRefused() throws {
        let r = try CLI.run(["sets", "list", "--endpoint-url", "http://route53.example.net"], env: CLI.environment(keys))
        #expect(r.status == 1)
        #expect(r.stderr.contains("https"))
        #expect(!r.stderr.contains("config/test/secret"))
    }

    @Test func unreachableEndpointSaysSo() throws {
        let port = LocalServices.freePort()
        let r = try CLI.run(["sets", "list", "--endpoint-url", "http://127.0.0.1:\(port)"], env: CLI.environment(keys))
        #expect(r.status == 1)
        #expect(r.stderr.contains("127.0.0.1:\(port)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func anHTMLAnswerIsNotMistakenForRoute53() throws {
        let stub = try LoopbackPythonServer.stub(status: 200, contentType: "text/html", body: "<html><body>Captive portal</body></html>")
        let r = try CLI.run(["sets", "list", "--endpoint-url", stub.endpoint], env: CLI.environment(keys))
        #expect(r.status == 1)
        #expect(r.stderr.lowercased().contains("unreadable") || r.stderr.lowercased().contains("html"))
    }

    @Test func aTruncatedXMLAnswerIsAnError() throws {
        let stub = try LoopbackPythonServer.stub(status: 200, contentType: "text/xml",
                                      body: "<?xml version=\"1.0\"?><ListReusableDelegationSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><DelegationSets><Dele")
        let r = try CLI.run(["sets", "list", "--endpoint-url", stub.endpoint], env: CLI.environment(keys))
        #expect(r.status == 1)
        #expect(r.stderr.lowercased().contains("unreadable"))
    }

    @Test func unknownOptionIsAUsageError() throws {
        let r = try CLI.run(["sets", "list", "--no-such-option"], env: CLI.environment(keys))
        #expect(r.status == 64)
    }
}
