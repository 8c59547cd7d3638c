import Testing
import Foundation
@testable import Route53
import TestSupport

/// Test credentials that never change; the secret is distinctive so tests can look for leaks.
struct StaticCredentials: CredentialProvider {
    static let secret = "vanity/test/secret/key/not/a/real/one"
    func credentials() async throws -> AWSCredentials {
        AWSCredentials(accessKeyId: "AKIDVANITYTEST0001", secretAccessKey: Self.secret, source: "test")
    }
}

/// One moto server for a whole suite: started before its first test, stopped after its last.
struct SharedMoto: SuiteTrait, TestScoping {
    @TaskLocal static var current: MotoServer?
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try MotoServer()
        defer { server.stop() }
        try await SharedMoto.$current.withValue(server) { try await function() }
    }
    /// The suite's server.
    static var server: MotoServer {
        get throws {
            guard let s = current else { throw Route53Error.configuration("no moto server in scope") }
            return s
        }
    }
}

/// A small Python `http.server` on a free loopback port (HTTP/1.1, keep-alive), started by the test.
/// Fixed routes: `/echo`, `/slow?ms=N`, `/gzip`, `/stats` (connections accepted, most requests at once).
/// Scripted routes: `script[path]` is a list of `[status, headers, body]` answered in turn (the last one repeats);
/// a status of 0 closes the connection without answering. Every request is logged for `/__log`.
final class StubServer: @unchecked Sendable {
    let port: Int
    private let process: SpawnedProcess
    var base: String { "http://127.0.0.1:\(port)" }

    static let script = #"""
import sys, json, time, gzip, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
port = int(sys.argv[1]); script = json.loads(sys.argv[2])
lock = threading.Lock(); stats = {"connections": 0, "active": 0, "maxActive": 0}; log = []
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def setup(self):
        super().setup()
        with lock: stats["connections"] += 1
    def answer(self, status, headers, body):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers(); self.wfile.write(data)
    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path, _, query = self.path.partition("?")
        with lock: log.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body.decode("utf-8", "replace")})
        if path == "/echo":
            return self.answer(200, {"Content-Type": "application/json", "X-Echo": "yes"}, json.dumps({"method": self.command, "headers": dict(self.headers), "body": body.decode()}))
        if path == "/slow":
            ms = int(query.split("=")[1])
            with lock: stats["active"] += 1; stats["maxActive"] = max(stats["maxActive"], stats["active"])
            time.sleep(ms / 1000)
            with lock: stats["active"] -= 1
            return self.answer(200, {}, "slept")
        if path == "/gzip":
            raw = ("compressed " * 200).encode()
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                return self.answer(200, {"Content-Encoding": "gzip"}, gzip.compress(raw))
            return self.answer(200, {}, raw)
        if path == "/stats":
            with lock: return self.answer(200, {}, json.dumps(stats))
        if path == "/__log":
            with lock: return self.answer(200, {}, json.dumps(log))
        steps = script.get(path)
        if steps:
            with lock: step = steps.pop(0) if len(steps) > 1 else steps[0]
            status, headers, text = step
            if status == 0:
                self.close_connection = True; return
            return self.answer(status, headers, text)
        return self.answer(404, {}, "no route " + path)
    do_GET = do_POST = do_DELETE = do_PUT = handle_any
def watchdog(parent=__import__("os").getppid()):
    import os
    while os.getppid() == parent: time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watchdog, daemon=True).start()
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
"""#

    /// Starts the server; `script` maps a path (no query) to the answers it gives in turn.
    init(script: [String: [(Int, [String: String], String)]] = [:]) throws {
        port = LocalServices.freePort()
        let json = script.mapValues { $0.map { [$0.0, $0.1, $0.2] as [Any] } }
        let arg = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        process = try SpawnedProcess(arguments: ["python3", "-c", Self.script, String(port), arg])
        let deadline = Date().addingTimeInterval(15)
        while !LocalServices.isListening(port: port) {
            guard process.isRunning, Date() < deadline else { throw Route53Error.configuration("stub server did not start") }
            usleep(20_000)
        }
    }

    /// The endpoint for a client talking to this server.
    func endpoint(service: String = "route53") -> ServiceEndpoint {
        ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: port, region: "us-east-1", signingService: service)
    }

    /// Fetches a JSON document from the server with a plain transport.
    func json(_ path: String) async throws -> Any {
        let r = try await CurlTransport.shared.send(HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: port, path: path), timeout: 5)
        return try JSONSerialization.jsonObject(with: r.body)
    }

    /// Every request the server saw: method, path with query, headers, body.
    func requests() async throws -> [[String: Any]] { try await json("/__log") as? [[String: Any]] ?? [] }

    func stop() { process.terminate() }
    deinit { stop() }
}

/// Each test gets its own stub server (it starts in a fraction of a second), so connection counts are its own.
@Suite struct TransportTests {
    let server: StubServer
    init() throws { server = try StubServer() }

    func request(_ path: String, query: String = "", method: String = "GET", body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, scheme: "http", host: "127.0.0.1", port: server.port, path: path, query: query,
                    headers: [("X-Custom-Header", "v1")], body: Data(body.utf8))
    }

    func stats() async throws -> [String: Int] { try await server.json("/stats") as? [String: Int] ?? [:] }

    @Test func getAndPostReachTheServerWithLowercasedResponseHeaders() async throws {
        let get = try await CurlTransport.shared.send(request("/echo"), timeout: 5)
        #expect(get.status == 200)
        #expect(get.headers["x-echo"] == "yes")
        #expect(get.headers["content-type"] == "application/json")
        let post = try await CurlTransport.shared.send(request("/echo", method: "POST", body: "<a>payload</a>"), timeout: 5)
        let echoed = try JSONSerialization.jsonObject(with: post.body) as? [String: Any]
        #expect(echoed?["method"] as? String == "POST")
        #expect(echoed?["body"] as? String == "<a>payload</a>")
        let headers = echoed?["headers"] as? [String: String] ?? [:]
        #expect(headers["X-Custom-Header"] == "v1")
        #expect(headers["Expect"] == nil, "no Expect: 100-continue delay")
        #expect(headers["Content-Type"] == nil, "curl's form content type is not sent")
        let delete = try await CurlTransport.shared.send(request("/echo", method: "DELETE"), timeout: 5)
        #expect((try JSONSerialization.jsonObject(with: delete.body) as? [String: Any])?["method"] as? String == "DELETE")
    }

    @Test func gzipBodiesAreAcceptedAndDecoded() async throws {
        let r = try await CurlTransport.shared.send(request("/gzip"), timeout: 5)
        #expect(r.headers["content-encoding"] == "gzip")
        #expect(String(decoding: r.body, as: UTF8.self) == String(repeating: "compressed ", count: 200))
    }

    @Test func aSlowAnswerTimesOutWithATransportError() async throws {
        let start = Date()
        await #expect {
            _ = try await CurlTransport.shared.send(request("/slow", query: "ms=3000"), timeout: 0.5)
        } throws: { error in
            guard case let .transport(m)? = error as? Route53Error else { return false }
            return m.contains("no answer within 0.5 s") && m.contains("Timeout was reached")
        }
        #expect(Date().timeIntervalSince(start) < 2.5)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let start = Date()
        let task = Task { try await CurlTransport.shared.send(self.request("/slow", query: "ms=5000"), timeout: 30) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        let result = await task.result
        #expect(throws: Route53Error.cancelled) { try result.get() }
        #expect(Date().timeIntervalSince(start) < 3)
        // An already-cancelled task never starts a transfer.
        let pre = Task { () -> Result<HTTPResponse, Error> in
            withUnsafeCurrentTask { $0?.cancel() }
            do { return .success(try await CurlTransport.shared.send(self.request("/echo"), timeout: 5)) } catch { return .failure(error) }
        }
        let preResult = await pre.value
        #expect(throws: Route53Error.cancelled) { try preResult.get() }
    }

    @Test func manyRequestsAreInFlightAtOnce() async throws {
        let transport = CurlTransport(maxConnections: 16)
        let before = try await stats()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 { group.addTask { try await transport.send(self.request("/slow", query: "ms=300"), timeout: 10).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.count == 40 && results.allSatisfy { $0 == 200 })
        let after = try await stats()
        #expect((after["maxActive"] ?? 0) >= 8, "requests ran concurrently: \(after)")
        #expect((after["connections"] ?? 0) - (before["connections"] ?? 0) <= 17, "at most maxConnections (+ the stats call)")
    }

    @Test func connectionsAreKeptAliveAndReused() async throws {
        let transport = CurlTransport(maxConnections: 4)
        let before = try await stats()
        for i in 0..<20 { _ = try await transport.send(request("/echo", query: "i=\(i)"), timeout: 5) }
        let after = try await stats()
        // 20 sequential requests from one transport use one connection; the two /stats calls use the shared one.
        #expect((after["connections"] ?? 0) - (before["connections"] ?? 0) <= 2)
    }

    @Test func aRefusedPortIsATransportErrorNamingTheTarget() async throws {
        let port = LocalServices.freePort()
        let req = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: port, path: "/")
        await #expect {
            _ = try await CurlTransport.shared.send(req, timeout: 5)
        } throws: { error in
            guard case let .transport(m)? = error as? Route53Error else { return false }
            return m.hasPrefix("connection refused to http://127.0.0.1:\(port): Couldn't connect to server")
        }
    }
}
