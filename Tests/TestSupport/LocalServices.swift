import Foundation
import Route53
#if canImport(Glibc)
import Glibc
#endif

/// Helpers that start real stand-ins on loopback for tests: the moto server as Route 53, Python (boto3) as the
/// independent checker. Each test starts what it needs on a free port and stops it when done.
public enum LocalServices {
    /// A free TCP port on 127.0.0.1, found by binding port 0.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        return r == 0
    }

    /// The `../shared` folder beside the checkout, found from this source file's location.
    public static var sharedDirectory: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The package's top folder.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `python3 -c script` with `args` and returns its standard output; throws with its stderr on failure.
    @discardableResult
    public static func python(_ script: String, args: [String] = [], environment: [String: String] = [:]) throws -> String {
        try run("/usr/bin/env", ["python3", "-c", script] + args, environment: environment).stdout
    }

    /// The result of a finished process.
    public struct Output: Sendable { public var status: Int32; public var stdout: String; public var stderr: String }

    /// Runs a program to the end, capturing its output. Throws when it exits non-zero unless `check` is false.
    @discardableResult
    public static func run(_ path: String, _ args: [String], environment: [String: String] = [:], stdin: String? = nil,
                           check: Bool = true) throws -> Output {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let r = try ChildProcess.run(path, args, environment: env, stdin: Data((stdin ?? "").utf8))
        let o = Output(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self), stderr: String(decoding: r.stderr, as: UTF8.self))
        if check && o.status != 0 {
            throw NSError(domain: "LocalServices", code: Int(o.status),
                          userInfo: [NSLocalizedDescriptionKey: "\(path) \(args.prefix(3)) exited \(o.status): \(o.stderr)"])
        }
        return o
    }
}

/// A moto server (`moto_server`) on a free loopback port, standing in for Route 53 and Route 53 Domains.
/// Stopped by `stop()` or when the object goes away.
public final class MotoServer: @unchecked Sendable {
    public let port: Int
    private let process: SpawnedProcess
    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Environment for a child process (vanityns, boto3, the AWS CLI) talking to this server with test credentials.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": "AKIDVANITYTEST0001", "AWS_SECRET_ACCESS_KEY": "vanity/test/secret/key/not/a/real/one",
         "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
         "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
    }

    /// Starts `moto_server` and waits (up to 30 s) until it accepts connections.
    public init() throws {
        port = LocalServices.freePort()
        process = try SpawnedProcess(arguments: ["moto_server", "-H", "127.0.0.1", "-p", String(port)])
        let deadline = Date().addingTimeInterval(30)
        while !LocalServices.isListening(port: port) {
            if !process.isRunning { throw NSError(domain: "MotoServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "moto_server exited at start; is moto[server] installed? (make test installs it)"]) }
            if Date() > deadline { process.terminate(); throw NSError(domain: "MotoServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "moto_server did not listen within 30 s"]) }
            usleep(50_000)
        }
    }

    /// Runs a boto3 script against this server; `r53` and `domains` clients are predefined in the script.
    @discardableResult
    public func boto3(_ script: String) throws -> String {
        let prelude = """
        import boto3, json, sys
        r53 = boto3.client('route53', endpoint_url='\(endpoint)', region_name='us-east-1')
        domains = boto3.client('route53domains', endpoint_url='\(endpoint)', region_name='us-east-1')

        """
        return try LocalServices.python(prelude + script, environment: environment)
    }

    public func stop() { process.terminate() }

    deinit { stop() }
}
