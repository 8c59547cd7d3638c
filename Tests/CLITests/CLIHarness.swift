import Foundation
import TestSupport

/// Runs the built `vanityns` binary the way a user does, with a controlled environment.
enum CLI {
    /// The `vanityns` executable next to the test bundle in the build folder.
    static var binary: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside vanitynsPackageTests.xctest/...; walk up to the folder holding `vanityns`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("vanityns").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return LocalServices.packageRoot.appendingPathComponent(".build/debug/vanityns").path
    }

    /// A clean environment: no AWS settings from the machine, no terminal, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var env: [String: String] = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                     "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
                                     "AWS_EC2_METADATA_DISABLED": "true",
                                     "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs `vanityns args...` (the build's, or `binary`); never throws on a non-zero exit (tests assert the code).
    static func run(_ args: [String], env: [String: String], stdin: String? = nil,
                    binary: String = CLI.binary) throws -> LocalServices.Output {
        try LocalServices.run("/usr/bin/env", ["-i"] + env.map { "\($0)=\($1)" } + [binary] + args, stdin: stdin, check: false)
    }
}

/// A Python HTTP server script on a free loopback port, for tests of what vanityns does when the endpoint is not
/// Route 53 (a stub answering a fixed document, a proxy that delays answers). The script gets the port as argv[1].
final class LoopbackPythonServer: @unchecked Sendable {
    let port: Int
    private let process: SpawnedProcess
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Runs `script` (Python source) with the port and `arguments`.
    convenience init(script: String, arguments: [String]) throws {
        try self.init(python: ["-c", script], arguments: arguments)
    }

    /// Runs the Python file at `scriptFile` (which may import modules beside it) with the port and `arguments`.
    convenience init(scriptFile: String, arguments: [String]) throws {
        try self.init(python: [scriptFile], arguments: arguments)
    }

    private init(python: [String], arguments: [String]) throws {
        port = LocalServices.freePort()
        process = try SpawnedProcess(arguments: ["python3"] + python + [String(port)] + arguments)
        let deadline = Date().addingTimeInterval(10)
        while !LocalServices.isListening(port: port), Date() < deadline { usleep(20_000) }
    }

    func stop() { process.terminate() }
    deinit { process.terminate() }

    /// Answers every request with a fixed status, content type and body.
    static func stub(status: Int, contentType: String, body: String) throws -> LoopbackPythonServer {
        try LoopbackPythonServer(script: """
        import http.server, sys
        body = sys.argv[3].encode()
        class H(http.server.BaseHTTPRequestHandler):
            def _go(self):
                n = int(self.headers.get('Content-Length') or 0)
                if n: self.rfile.read(n)
                self.send_response(int(sys.argv[2]))
                self.send_header('Content-Type', sys.argv[4])
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_GET = do_POST = do_DELETE = _go
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
        """, arguments: [String(status), body, contentType])
    }
}

extension LoopbackPythonServer {
    /// `scripts/route53-proxy.py` in front of moto: new zones' SOA as Route 53 writes it, and optionally the answer to
    /// ChangeResourceRecordSets held `delayChangesSeconds` while the change lands at once (a lost response).
    static func motoProxy(upstream: String, delayChangesSeconds: Double = 0) throws -> LoopbackPythonServer {
        let path = LocalServices.packageRoot.appendingPathComponent("scripts/route53-proxy.py").path
        return try LoopbackPythonServer(scriptFile: path, arguments: [upstream, String(delayChangesSeconds)])
    }
}
