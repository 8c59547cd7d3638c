import Foundation
import Route53
#if canImport(Glibc)
import Glibc
#endif

/// Helpers that start real stand-ins on loopback for tests: the moto server as Route 53, Python (boto3) as the
/// independent checker. Each test starts what it needs on a free port and stops it when done.
public enum LocalServices {
    /// Ports `freePort` has handed out in this process.
    private static let handedOut = HandedOutPorts()

    /// A free TCP port on 127.0.0.1, found by binding port 0, and never one handed out before in this process: a
    /// server told its port has often not bound it yet, so the kernel can offer that port again (moto's port given
    /// to its proxy once made every call hang in CI).
    public static func freePort() -> Int {
        while true {
            let port = unboundPort()
            if port == 0 || handedOut.claim(port) { return port }
        }
    }

    private static func unboundPort() -> Int {
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

/// A moto server (`moto_server`) on a free loopback port, standing in for Route 53 and Route 53 Domains, behind
/// `scripts/route53-proxy.py`, which makes it answer like Route 53 where vanityns's cost or safety depends on it
/// (reused CallerReferences refused, the delegationsetid filter, PENDING changes, each zone's own name servers and a
/// set made from a zone taking them, ConflictingDomainExists, ListResourceRecordSets paged by identifier, change
/// batches checked whole, optionally the request buckets, limits, DNSSEC status and traffic policy instances; the
/// script's docstring lists each). Stopped by `stop()` or when the object goes away.
public final class MotoServer: @unchecked Sendable {
    /// Route 53 limits the proxy answers (GetReusableDelegationSetLimit, GetAccountLimit) and enforces on creates.
    /// A nil member is not answered: the request reaches moto, which has no limits (404).
    public struct Limits: Sendable, Equatable {
        public var zonesPerSet: Int?
        public var hostedZones: Int?
        public var sets: Int?
        public init(zonesPerSet: Int? = nil, hostedZones: Int? = nil, sets: Int? = nil) {
            self.zonesPerSet = zonesPerSet; self.hostedZones = hostedZones; self.sets = sets
        }
        /// Route 53's defaults: 100 zones per set, 500 hosted zones, 100 sets.
        public static let route53 = Limits(zonesPerSet: 100, hostedZones: 500, sets: 100)
        var pairs: [(String, Int?)] { [("zones-per-set", zonesPerSet), ("hosted-zones", hostedZones), ("sets", sets)] }
        /// `zones-per-set=100,hosted-zones=500,sets=100`, the proxy's --limits argument (set members only).
        var argument: String { pairs.compactMap { k, v in v.map { "\(k)=\($0)" } }.joined(separator: ",") }
    }

    /// The operations that change something in Route 53: a rerun that "sends no write" has none of these in the stats.
    public static let writeOperations: Set<String> = [
        "CreateHostedZone", "DeleteHostedZone", "UpdateHostedZoneComment", "ChangeResourceRecordSets",
        "CreateReusableDelegationSet", "DeleteReusableDelegationSet", "ChangeTagsForResource"]

    /// The proxy's port: what vanityns, boto3 and the AWS CLI talk to.
    public let port: Int
    /// moto's own port, for the rare test that needs moto's raw answers.
    public let motoPort: Int
    private let process: SpawnedProcess
    private let proxy: SpawnedProcess
    /// The proxy's --state-dir (its DNSSEC key files), removed by `stop()`.
    private let stateDirectory = NSTemporaryDirectory() + "vanityns-standin-\(UUID().uuidString)"
    /// `http://127.0.0.1:PORT` of the proxy.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Environment for a child process (vanityns, boto3, the AWS CLI) talking to this server with test credentials.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": "AKIDVANITYTEST0001", "AWS_SECRET_ACCESS_KEY": "vanity/test/secret/key/not/a/real/one",
         "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
         "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"]
    }

    /// Starts `moto_server` and the proxy and waits (up to 30 s) until both accept connections.
    /// - Parameters:
    ///   - pendingSeconds: how long a change stays PENDING before GetChange says INSYNC.
    ///   - buckets: enforce Route 53's published request buckets (Throttling when one is empty).
    ///   - limits: limits to answer and enforce (nil: none, GetAccountLimit and GetReusableDelegationSetLimit reach moto).
    ///   - recordPageSize: a cap below Route 53's 300 on ListResourceRecordSets pages, to cross page boundaries with
    ///     few records (the client always asks for 300).
    ///   - domainsPendingSeconds: how long a Route 53 Domains operation stays IN_PROGRESS.
    public init(pendingSeconds: Double = 0.2, buckets: Bool = false, limits: Limits? = nil, recordPageSize: Int? = nil,
                domainsPendingSeconds: Double = 0) throws {
        motoPort = LocalServices.freePort()
        process = try SpawnedProcess(arguments: ["moto_server", "-H", "127.0.0.1", "-p", String(motoPort)])
        port = LocalServices.freePort()
        let script = LocalServices.packageRoot.appendingPathComponent("scripts/route53-proxy.py").path
        var options: [String] = ["--pending", String(pendingSeconds)]
        if buckets { options.append("--buckets") }
        if let limits { options += ["--limits", limits.argument] }
        if let recordPageSize { options += ["--page-size", String(recordPageSize)] }
        if domainsPendingSeconds > 0 { options += ["--domains-pending", String(domainsPendingSeconds)] }
        proxy = try SpawnedProcess(arguments: ["python3", script, String(port), "http://127.0.0.1:\(motoPort)"] + options)
        let deadline = Date().addingTimeInterval(30)
        for (p, what) in [(motoPort, process), (port, proxy)] {
            while !LocalServices.isListening(port: p) {
                if !what.isRunning {
                    stop()
                    throw NSError(domain: "MotoServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(what === proxy ? "scripts/route53-proxy.py" : "moto_server") exited at start; is moto[server] installed? (make test installs it)"])
                }
                if Date() > deadline { stop(); throw NSError(domain: "MotoServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "the moto stand-in did not listen within 30 s"]) }
                usleep(50_000)
            }
        }
    }

    /// The proxy's counts: requests and Throttling answers, in all and per operation.
    public func proxyStats() throws -> (requests: Int, throttled: Int, byOperation: [String: (requests: Int, throttled: Int)]) {
        let text = try LocalServices.python("import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                                            args: [endpoint + "/__proxy/stats"])
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        var ops: [String: (Int, Int)] = [:]
        for (k, v) in json["by_operation"] as? [String: [String: Int]] ?? [:] { ops[k] = (v["requests"] ?? 0, v["throttled"] ?? 0) }
        return (json["requests"] as? Int ?? 0, json["throttled"] as? Int ?? 0, ops)
    }

    /// Sets the proxy's counts to zero, so that `proxyStats()` then counts from here (e.g. "a rerun sends no write").
    public func resetProxyStats() throws { try control("stats/reset") }

    /// Requests of the `writeOperations` counted by the proxy since it started or since `resetProxyStats()`.
    public func writeRequests() throws -> Int {
        try proxyStats().byOperation.filter { Self.writeOperations.contains($0.key) }.map(\.value.requests).reduce(0, +)
    }

    /// Makes the next `count` creates (zone or set) act but lose their answer: the connection closes unanswered.
    public func dropCreateAnswers(_ count: Int) throws {
        try control("drop-creates", ["count": String(count)])
    }

    /// Changes the limits the proxy answers and enforces; a nil member is unset (its requests reach moto again).
    public func setLimits(_ limits: Limits) throws {
        var q: [String: String] = [:]
        for (k, v) in limits.pairs { q[k] = v.map(String.init) ?? "none" }
        try control("limits", q)
    }

    /// What GetDNSSEC answers for the zone from now on: SIGNING, NOT_SIGNING, DELETING, ACTION_NEEDED or
    /// INTERNAL_FAILURE (moto alone always says NOT_SIGNING).
    public func setDNSSEC(zoneId: String, status: String, message: String? = nil) throws {
        var q = ["zone": zoneId, "status": status]
        q["message"] = message
        try control("dnssec", q)
    }

    /// Registers a traffic policy instance in the zone: ListTrafficPolicyInstancesByHostedZone lists it, and the zone's
    /// record sets of `name` and `type` (created by the test) are listed with its TrafficPolicyInstanceId.
    /// Returns the instance id.
    @discardableResult
    public func addTrafficPolicyInstance(zoneId: String, name: String, type: String, id: String? = nil,
                                         policyId: String = "tp-vanityns-test", version: Int = 1, ttl: Int = 300) throws -> String {
        var q = ["zone": zoneId, "name": name, "type": type, "policy": policyId, "version": String(version), "ttl": String(ttl)]
        q["id"] = id
        let answer = try control("traffic-policy-instance", q)
        return (try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])?["Id"] as? String ?? ""
    }

    /// Changes the cap on ListResourceRecordSets pages (300 is Route 53's own).
    public func setRecordPageSize(_ size: Int) throws { try control("page-size", ["n": String(size)]) }

    /// POSTs to one of the proxy's control endpoints (`/__proxy/NAME?query`) and returns its JSON answer.
    @discardableResult
    func control(_ name: String, _ query: [String: String] = [:]) throws -> String {
        var c = URLComponents(string: endpoint + "/__proxy/" + name)!
        if !query.isEmpty { c.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        return try LocalServices.python("import urllib.request,sys; print(urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST')).read().decode())",
                                        args: [c.url!.absoluteString])
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

    public func stop() { proxy.terminate(); process.terminate(); try? FileManager.default.removeItem(atPath: stateDirectory) }

    deinit { stop() }
}

/// The set of ports `LocalServices.freePort` has handed out, shared by every test in the process.
private final class HandedOutPorts: @unchecked Sendable {
    private let lock = NSLock()
    private var ports = Set<Int>()
    /// True the first time `port` is claimed.
    func claim(_ port: Int) -> Bool { lock.withLock { ports.insert(port).inserted } }
}
