import Foundation
import Testing
import TestSupport

/// kill -9 during apply, then rerun: no duplicate, nothing lost, and rollback still restores the original values.
@Suite(.serialized) final class CrashResumeTests {
    let f: WhiteLabelFixture
    init() throws { f = try WhiteLabelFixture(domains: false) }
    deinit { f.stop() }

    @Test func killedWhileAChangeIsInFlightThenRerunConverges() throws {
        let nsBefore = try f.values("example.com.", "example.com.", "NS")
        let soaBefore = try f.values("example.com.", "example.com.", "SOA")
        // A proxy that forwards to moto but answers ChangeResourceRecordSets only after 30 s: the change lands in
        // moto at once, and vanityns is killed while waiting for the answer (a lost response).
        let proxy = try LoopbackPythonServer.delayingProxy(upstream: f.moto.endpoint, delayPathContaining: "/rrset", seconds: 30)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["apply", "--yes", "--set", f.setId, "--domain", "example.com", "--endpoint-url", proxy.endpoint,
                       "--resolver", "127.0.0.1:\(f.dns.port)", "--state-dir", f.stateDir]
        p.environment = CLI.environment(f.moto.environment)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while try f.values("example.com.", "ns1.example.com.", "A").isEmpty, Date() < deadline { usleep(100_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(try f.values("example.com.", "ns1.example.com.", "A") == ["127.0.0.2"], "the change should have landed before the kill")

        // The rerun sees the unfinished zone and converges.
        let rerun = try f.vanity(["apply", "--yes", "--set", f.setId, "--domain", "example.com"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let glue = try f.records("example.com.").filter { $0.hasPrefix("ns1.example.com. A ") }
        #expect(glue.count == 1)
        #expect(try f.planIsEmpty(["--set", f.setId, "--domain", "example.com"]))

        // The journal kept the values from before the first attempt: rollback restores them exactly.
        let rb = try f.vanity(["rollback", "--zone", "example.com", "--yes"])
        #expect(rb.status == 0, "\(rb.stderr)")
        #expect(try f.values("example.com.", "example.com.", "NS") == nsBefore)
        #expect(try f.values("example.com.", "example.com.", "SOA") == soaBefore)
    }
}

extension LoopbackPythonServer {
    /// Forwards every request to `upstream` unchanged and holds the answer of POSTs whose path contains
    /// `delayPathContaining` for `seconds`: the request lands, its answer is late (a lost response when killed).
    static func delayingProxy(upstream: String, delayPathContaining: String, seconds: Double) throws -> LoopbackPythonServer {
        try LoopbackPythonServer(script: """
        import http.client, http.server, sys, time, urllib.parse
        up, needle, delay = urllib.parse.urlsplit(sys.argv[2]), sys.argv[3], float(sys.argv[4])
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def _go(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n) if n else None
                c = http.client.HTTPConnection(up.hostname, up.port)
                c.request(self.command, self.path, body=body,
                          headers={k: v for k, v in self.headers.items() if k.lower() not in ('host', 'connection')})
                r = c.getresponse(); status, data, hdrs = r.status, r.read(), r.getheaders()
                if needle in self.path and self.command == 'POST':
                    time.sleep(delay)
                self.send_response(status)
                for k, v in hdrs:
                    if k.lower() not in ('content-length', 'connection', 'transfer-encoding', 'server', 'date'):
                        self.send_header(k, v)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_POST = do_DELETE = _go
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [upstream, delayPathContaining, String(seconds)])
    }
}
