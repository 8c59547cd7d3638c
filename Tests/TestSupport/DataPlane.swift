import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The AWS name servers, emulated: `scripts/dataplane.py` runs nsd on a free loopback port and keeps it serving what
/// a moto server holds, each public zone at the addresses of the name servers the proxy gives it (so two zones of one
/// name answer each at its own servers; 127.0.0.1 answers with one of them, the one the registry delegates to), plus
/// the A/AAAA records of the AWS name server host names, from an addresses file a test can rewrite to "move" one.
public final class DataPlane: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private var process: SpawnedProcess!
    private var addressesFile: URL { directory.appendingPathComponent("addresses.json") }
    private var registryFile: URL { directory.appendingPathComponent("registry.json") }
    private var generationFile: URL { directory.appendingPathComponent("dns/generation") }

    /// The default addresses: moto's four name servers on 127.0.0.2 ... 127.0.0.5 (see `host`).
    public static let defaultAddresses: [String: [String: [String]]] = [
        "ns-2048.awsdns-64.com": host("127.0.0.2"),
        "ns-2049.awsdns-65.net": host("127.0.0.3"),
        "ns-2050.awsdns-66.org": host("127.0.0.4"),
        "ns-2051.awsdns-67.co.uk": host("127.0.0.5"),
    ]

    /// An AWS host's A and AAAA: `ipv4` and its IPv4-mapped IPv6 form, which reaches the same nsd (loopback has no
    /// IPv6 address but ::1, the main server's).
    public static func host(_ ipv4: String) -> [String: [String]] { ["A": [ipv4], "AAAA": [ipv6(ipv4)]] }

    /// The IPv6 address of the AWS host at `ipv4`: `::ffff:127.0.0.2` for 127.0.0.2.
    public static func ipv6(_ ipv4: String) -> String { "::ffff:" + ipv4 }

    /// Starts the data plane for `moto` and waits until nsd serves.
    public init(moto: MotoServer, addresses: [String: [String: [String]]] = DataPlane.defaultAddresses) throws {
        port = LocalServices.freeUDPAndTCPPort()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vanityns-dataplane-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = LocalServices.packageRoot.appendingPathComponent("scripts/dataplane.py").path
        var env = ProcessInfo.processInfo.environment
        for (k, v) in moto.environment { env[k] = v }
        try write(addresses)
        process = try SpawnedProcess(arguments: ["python3", script, "--moto", "http://127.0.0.1:\(moto.motoPort)",
                                                 "--route53", moto.endpoint, "--port", String(port),
                                                 "--state", directory.appendingPathComponent("dns").path,
                                                 "--addresses", addressesFile.path, "--registry", registryFile.path, "--interval", "0.3", "--timing"],
                                     environment: env, stderrPath: directory.appendingPathComponent("dataplane.log").path)
        try waitForSync(after: 0)
    }

    /// The registry's trust anchors (its KSK for every parent zone it serves), for `delv -a`.
    public var trustAnchors: String { directory.appendingPathComponent("dns/trust-anchors.conf").path }

    /// `delv` (BIND's validator, independent of vanityns) asking the main server for `name`'s `type` record with the
    /// registry's key as the trust anchor of `root` (the parent zone): its first line says `; fully validated`,
    /// `; unsigned answer`, or nothing, with `resolution failed` on stderr for a bogus answer.
    public func delv(_ name: String, _ type: String = "A", root: String) throws -> LocalServices.Output {
        try LocalServices.run("/usr/bin/env", ["delv", "@127.0.0.1", "-p", String(port), "-a", trustAnchors, "+root=\(root)", name, type], check: false)
    }

    /// The generation number of the last sync (0 before the first).
    public var generation: Int {
        (try? String(contentsOf: generationFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    /// Rewrites the name servers' addresses and waits until nsd serves them.
    public func setAddresses(_ addresses: [String: [String: [String]]]) throws {
        try write(addresses)
        try waitForMotoChanges()  // a sync that began after the request read the file; its acknowledgement comes at once
    }

    /// Rewrites what the registry serves beyond Route 53 Domains' registrations and waits until it is served:
    /// `domains` (domain at another registrar -> its name servers with glue), `servers` (one registry server's own
    /// delegations, e.g. stale glue on `b.registry.test.` only), `silent` (listed parent servers that never answer).
    /// Name servers are `["Name": host, "GlueIps": [addresses]]`. `ds`: the DS records of domains at other registrars
    /// (`["shop.example.": ["12345 13 2 ABCD..."]]`), served with Route 53 Domains' at `dsTTL` seconds (default 3600).
    public func setRegistry(domains: [String: [[String: Any]]] = [:], servers: [String: [String: [[String: Any]]]] = [:],
                            silent: [[String: String]] = [], ds: [String: [String]] = [:], dsTTL: Int? = nil, nsTTL: Int? = nil) throws {
        var file: [String: Any] = ["domains": domains, "servers": servers, "silent": silent, "ds": ds]
        file["ds_ttl"] = dsTTL
        file["ns_ttl"] = nsTTL
        try atomicWrite(file, to: registryFile)
        try waitForMotoChanges()
    }

    /// Waits until the data plane has synced past `generation` (it syncs whenever moto or the addresses change).
    public func waitForSync(after generation: Int, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while self.generation <= generation {
            if !process.isRunning {
                throw NSError(domain: "DataPlane", code: 1, userInfo: [NSLocalizedDescriptionKey: "dataplane.py exited; is nsd installed? (make test installs it)\n\(logTail())"])
            }
            if Date() > deadline { throw NSError(domain: "DataPlane", code: 2, userInfo: [NSLocalizedDescriptionKey: "data plane did not sync within \(timeout) s"]) }
            usleep(50_000)
        }
    }

    /// Waits until nsd serves what moto holds now (changes made by the test or by vanityns included) and what the
    /// addresses and registry files say: the data plane acknowledges the request after a sync that began after it.
    public func waitForMotoChanges(timeout: Double = 20) throws {
        let nonce = UUID().uuidString
        let dns = directory.appendingPathComponent("dns")
        try Data(nonce.utf8).write(to: dns.appendingPathComponent("sync-request"))
        let deadline = Date().addingTimeInterval(timeout)
        while (try? String(contentsOf: dns.appendingPathComponent("sync-ack"), encoding: .utf8)) != nonce {
            if !process.isRunning || Date() > deadline {
                let what = process.isRunning ? "did not catch up with moto within \(timeout) s" : "exited"
                throw NSError(domain: "DataPlane", code: 3, userInfo: [NSLocalizedDescriptionKey: "data plane \(what)\n\(logTail())"])
            }
            usleep(50_000)
        }
    }

    /// The end of dataplane.py's own log (its stderr), for an error message.
    private func logTail() -> String {
        String(((try? String(contentsOf: directory.appendingPathComponent("dataplane.log"), encoding: .utf8)) ?? "").suffix(1500))
    }

    private func write(_ addresses: [String: [String: [String]]]) throws { try atomicWrite(addresses, to: addressesFile) }

    private func atomicWrite(_ object: Any, to file: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let tmp = file.appendingPathExtension("tmp")
        try data.write(to: tmp)
        guard rename(tmp.path, file.path) == 0 else { throw NSError(domain: "DataPlane", code: Int(errno)) }
    }

    public func stop() {
        process?.terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

extension LocalServices {
    /// A port free for both TCP and UDP on 127.0.0.1 (DNS servers need both).
    public static func freeUDPAndTCPPort() -> Int {
        while true {
            let port = freePort()
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            close(fd)
            if r == 0 { return port }
        }
    }
}
