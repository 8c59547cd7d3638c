import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real authoritative DNS server, NSD from Debian, on a free loopback port (UDP and TCP, 127.0.0.1 and ::1 when
/// IPv6 loopback works), for tests. Its config, zone files and log live in a temporary folder removed by `stop()`.
///
/// Typical fixture, the stand-in for the Internet a white-label setup talks to:
/// ```swift
/// var zones = DNSServer.awsNameServerZones()        // awsdns-64.com. ... awsdns-67.co.uk.: the four moto name
///                                                   // server hosts -> 127.0.0.1 and ::1
/// zones["example.com."] = DNSServer.zoneFile(origin: "example.com.", records: [
///     .init("@", "NS", "ns-2048.awsdns-64.com."),
///     .init("ns1", "A", "127.0.0.1"), .init("ns1", "AAAA", "::1"),
/// ])                                                // SOA added: ns1.example.com. hostmaster.example.com. 1 7200 ...
/// let server = try DNSServer(zones: zones)
/// // ask it: LDNSResolver().queryAuthoritative("example.com", type: .ns, address: "127.0.0.1", port: server.port, ...)
/// try server.replaceZones(newZones)                 // restart on the same port with other answers
/// ```
/// NSD answers REFUSED for names outside its zones and sets AA on answers from them; it does not recurse.
public final class DNSServer: @unchecked Sendable {
    /// The UDP and TCP port on 127.0.0.1 (and ::1 when `ipv6`).
    public let port: Int
    /// True when the server also listens on ::1.
    public let ipv6: Bool
    /// Where NSD listens for IPv4: `127.0.0.1`.
    public let host = "127.0.0.1"
    /// The temporary folder holding nsd.conf, the zone files and nsd.log.
    public let directory: URL

    private static let nsdPath = "/usr/sbin/nsd"
    private let lock = NSLock()
    private var process: SpawnedProcess?

    /// Writes `zones` (origin -> zone file text) and starts NSD; returns once it answers for every zone.
    /// Throws with NSD's log when a zone does not load, or when nsd is not installed.
    public init(zones: [String: String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.nsdPath) else {
            throw DNSServerError("nsd not found at \(Self.nsdPath): run make test, which installs it")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-nsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ipv6 = UDPProbe.canBind(port: 0, ipv6: true)
        var lastError: Error = DNSServerError("nsd could not bind a port")
        for _ in 0..<5 {
            let candidate = UDPProbe.freePort(ipv6: ipv6)
            do {
                let started = try Self.start(zones: zones, port: candidate, ipv6: ipv6, in: directory)
                port = candidate
                process = started
                return
            } catch let error as DNSServerError where error.portTaken {
                lastError = error  // lost a race for the port: try another
            } catch {
                lastError = error
                break
            }
        }
        try? FileManager.default.removeItem(at: directory)
        throw lastError
    }

    /// Replaces every zone: rewrites the files and restarts NSD on the same port; returns once the new data is served.
    public func replaceZones(_ zones: [String: String]) throws {
        lock.lock(); defer { lock.unlock() }
        Self.terminate(process)
        process = nil
        var lastError: Error?
        for _ in 0..<20 {  // the old sockets may take a moment to go away
            do {
                process = try Self.start(zones: zones, port: port, ipv6: ipv6, in: directory)
                return
            } catch let error as DNSServerError where error.portTaken {
                lastError = error
                usleep(100_000)
            }
        }
        throw lastError ?? DNSServerError("nsd could not restart on port \(port)")
    }

    /// Stops NSD and removes the temporary folder. Safe to call twice.
    public func stop() {
        lock.lock(); defer { lock.unlock() }
        Self.terminate(process)
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    // MARK: Zone files

    /// One resource record for `zoneFile`: `name` relative to the origin (`@`, `ns1`) or absolute (`ns1.example.com.`).
    public struct Record: Sendable, Equatable {
        public var name: String, type: String, data: String, ttl: Int
        public init(_ name: String, _ type: String, _ data: String, ttl: Int = 300) {
            self.name = name; self.type = type; self.data = data; self.ttl = ttl
        }
    }

    /// Zone file text for `origin` holding `records`. A SOA is added when `records` has none:
    /// `ns1.<origin> hostmaster.<origin> 1 7200 900 1209600 60`.
    public static func zoneFile(origin: String, records: [Record]) -> String {
        let origin = absolute(origin)
        var lines = ["$ORIGIN \(origin)", "$TTL 300"]
        if !records.contains(where: { $0.type.uppercased() == "SOA" }) {
            lines.append("@ 300 IN SOA ns1.\(origin) hostmaster.\(origin) 1 7200 900 1209600 60")
        }
        lines += records.map { "\($0.name) \($0.ttl) IN \($0.type.uppercased()) \($0.data)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The four name server hosts moto gives every delegation set.
    public static let motoNameServers = ["ns-2048.awsdns-64.com.", "ns-2049.awsdns-65.net.",
                                         "ns-2050.awsdns-66.org.", "ns-2051.awsdns-67.co.uk."]

    /// Zones `awsdns-64.com.`, `awsdns-65.net.`, `awsdns-66.org.`, `awsdns-67.co.uk.`, each with its SOA and NS and
    /// the A/AAAA of its moto name server host (`ns-2048.awsdns-64.com.` ...). `ipv4[i]`/`ipv6[i]` belong to host `i`;
    /// by default all four point at this server's loopback addresses, so they can be asked at `port`.
    public static func awsNameServerZones(ipv4: [String] = Array(repeating: "127.0.0.1", count: 4),
                                          ipv6: [String] = Array(repeating: "::1", count: 4)) -> [String: String] {
        var zones: [String: String] = [:]
        for (index, host) in motoNameServers.enumerated() {
            let origin = String(host.drop(while: { $0 != "." }).dropFirst())
            var records = [Record("@", "NS", host)]
            if index < ipv4.count { records.append(Record(host, "A", ipv4[index])) }
            if index < ipv6.count { records.append(Record(host, "AAAA", ipv6[index])) }
            zones[origin] = zoneFile(origin: origin, records: records)
        }
        return zones
    }

    static func absolute(_ name: String) -> String { name.hasSuffix(".") ? name : name + "." }

    // MARK: Running NSD

    private static func start(zones: [String: String], port: Int, ipv6: Bool, in directory: URL) throws -> SpawnedProcess? {
        guard !zones.isEmpty else { return nil }  // nothing to serve: NSD would only answer REFUSED
        let fm = FileManager.default
        for file in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where file.hasSuffix(".zone") {
            try? fm.removeItem(at: directory.appendingPathComponent(file))
        }
        let dir = directory.path
        var conf = """
        server:
          ip-address: 127.0.0.1@\(port)
        \(ipv6 ? "  ip-address: ::1@\(port)\n" : "")  port: \(port)
          username: ""
          chroot: ""
          zonesdir: "\(dir)"
          pidfile: "\(dir)/nsd.pid"
          database: ""
          xfrdfile: "\(dir)/xfrd.state"
          xfrdir: "\(dir)"
          zonelistfile: "\(dir)/zone.list"
          logfile: "\(dir)/nsd.log"
          verbosity: 1
          server-count: 1
          hide-version: yes
          reuseport: no
        remote-control:
          control-enable: no

        """
        for (origin, text) in zones.sorted(by: { $0.key < $1.key }) {
            let name = absolute(origin)
            let file = "\(name)zone"
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            conf += "zone:\n  name: \"\(name)\"\n  zonefile: \"\(file)\"\n"
        }
        let confURL = directory.appendingPathComponent("nsd.conf")
        try conf.write(to: confURL, atomically: true, encoding: .utf8)
        let logURL = directory.appendingPathComponent("nsd.log")
        try? fm.removeItem(at: logURL)

        let process = try SpawnedProcess(arguments: [nsdPath, "-d", "-c", confURL.path],
                                     stderrPath: directory.appendingPathComponent("nsd.stderr").path)

        let deadline = Date().addingTimeInterval(15)
        let origins = zones.keys.map(absolute).sorted()
        while true {
            if !process.isRunning {
                let log = logText(in: directory)
                throw DNSServerError("nsd exited at start on port \(port):\n\(log)",
                                     portTaken: log.contains("already in use") || log.contains("can't bind"))
            }
            if UDPProbe.soaRcode(origin: origins[0], port: port) != nil { break }
            if Date() > deadline {
                terminate(process)
                throw DNSServerError("nsd did not answer on 127.0.0.1:\(port) within 15 s:\n\(logText(in: directory))")
            }
            usleep(20_000)
        }
        for origin in origins {
            let rcode = UDPProbe.soaRcode(origin: origin, port: port)
            if rcode != 0 {
                terminate(process)
                throw DNSServerError("nsd did not load zone \(origin) (SOA query rcode \(rcode.map(String.init) ?? "none")):\n"
                                     + logText(in: directory))
            }
        }
        return process
    }

    private static func logText(in directory: URL) -> String {
        ["nsd.log", "nsd.stderr"].compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
    }

    private static func terminate(_ process: SpawnedProcess?) {
        process?.terminate()
    }
}

/// Why `DNSServer` could not start, with NSD's log.
public struct DNSServerError: Error, CustomStringConvertible {
    /// What went wrong, with NSD's log when there is one.
    public let description: String
    let portTaken: Bool
    init(_ description: String, portTaken: Bool = false) { self.description = description; self.portTaken = portTaken }
}

/// A UDP socket on 127.0.0.1 that receives DNS queries and never answers: the stand-in for an unreachable server.
/// Keeps what it received so tests can look at the query (for example its RD bit).
public final class SilentUDPServer: @unchecked Sendable {
    /// The UDP port on 127.0.0.1 to send queries to.
    public let port: Int
    private let inbox = Inbox()

    /// What the receiving thread shares with the server object.
    private final class Inbox: @unchecked Sendable {
        let lock = NSLock()
        var datagrams: [[UInt8]] = []
        var closed = false
    }

    /// Binds a free UDP port on 127.0.0.1 and starts receiving on a thread of its own.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = UDPProbe.loopback4(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard fd >= 0, bound == 0 else { close(fd); throw DNSServerError("cannot bind a UDP socket on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        var wait = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let inbox = self.inbox
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                inbox.lock.lock(); let done = inbox.closed; inbox.lock.unlock()
                if done { close(fd); return }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { inbox.lock.lock(); inbox.datagrams.append(Array(buffer[0..<n])); inbox.lock.unlock() }
            }
        }.start()
    }

    /// Every datagram received so far.
    public var received: [[UInt8]] { inbox.lock.lock(); defer { inbox.lock.unlock() }; return inbox.datagrams }

    /// Stops receiving; the socket is closed within 100 ms.
    public func stop() { inbox.lock.lock(); inbox.closed = true; inbox.lock.unlock() }

    deinit { stop() }
}

/// Minimal raw-socket helpers: free UDP+TCP ports and a SOA probe independent of the resolver under test.
enum UDPProbe {
    static func loopback4(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    static func loopback6(port: Int) -> sockaddr_in6 {
        var addr = sockaddr_in6()
        addr.sin6_family = sa_family_t(AF_INET6)
        addr.sin6_port = in_port_t(UInt16(port).bigEndian)
        addr.sin6_addr = in6addr_loopback
        return addr
    }

    /// True when a socket of `type` can bind `port` on the IPv4 (or IPv6) loopback address right now.
    static func canBind(port: Int, ipv6: Bool, type: Int32 = Int32(SOCK_DGRAM.rawValue)) -> Bool {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ipv6 {
            var addr = loopback6(port: port)
            return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } } == 0
        }
        var addr = loopback4(port: port)
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    /// A port free for both UDP and TCP on 127.0.0.1 (and ::1 when `ipv6`).
    static func freePort(ipv6: Bool) -> Int {
        let tcp = Int32(SOCK_STREAM.rawValue)
        for _ in 0..<50 {
            let port = LocalServices.freePort()
            if canBind(port: port, ipv6: false), !ipv6 || (canBind(port: port, ipv6: true) && canBind(port: port, ipv6: true, type: tcp)) {
                return port
            }
        }
        return LocalServices.freePort()
    }

    /// Sends one non-recursive SOA query for `origin` to 127.0.0.1:`port` and returns the reply's rcode, or nil when
    /// nothing answered within 200 ms.
    static func soaRcode(origin: String, port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var wait = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let id = UInt16.random(in: 0...UInt16.max)
        var query: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in origin.split(separator: ".") {
            query.append(UInt8(label.utf8.count)); query += Array(label.utf8)
        }
        query += [0, 0, 6, 0, 1]  // root, type SOA, class IN
        var addr = loopback4(port: port)
        let sent = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(fd, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard sent == query.count else { return nil }
        var reply = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(0.2)
        while Date() < deadline {
            let n = recv(fd, &reply, reply.count, 0)
            if n < 0 { return nil }
            if n >= 12, reply[0] == query[0], reply[1] == query[1], reply[2] & 0x80 != 0 { return Int(reply[3] & 0x0f) }
        }
        return nil
    }
}
