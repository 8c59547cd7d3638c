import Foundation

/// The live resolver: libldns behind `DNSResolving`.
///
/// ldns calls block until the answer or the timeout, so every query runs on a thread of its own and is bridged back
/// with a continuation: Swift's cooperative pool is never blocked and any number of queries can be in flight at once.
/// Each query builds, uses and frees its own ldns resolver, so queries share no state.
///
/// What comes back (see `LookupOutcome`):
/// - Records of the asked type at the asked name, in presentation form, lowercased and sorted: A and AAAA addresses
///   (AAAA compressed, `2600:9000:5300::1`), NS and CNAME targets with their trailing dot, SOA as its seven fields
///   joined by single spaces. No such records with rcode NOERROR is NODATA: `.answer([], ...)`.
/// - Aliases: a `.cname` query returns the CNAME target itself, which is how a caller learns that a name is an alias.
///   Any other type follows the CNAME chain inside the answer section (as a stub resolver does) and returns the
///   records of the chain's last name; when the server sent only the CNAME, that is `[]`.
/// - `timeout` is the time allowed per name server: up to 2 s it is one attempt, from 2 s two attempts of half each.
/// - Queries carry no EDNS (any server understands them); a truncated UDP answer is asked again over TCP.
public final class LDNSResolver: DNSResolving {
    private let resolvConfPath: String?
    private let systemPort: Int

    /// A resolver whose `.system` target reads `/etc/resolv.conf`.
    public convenience init() {
        self.init(resolvConfPath: nil, systemPort: 53)
    }

    /// A resolver whose `.system` target reads `resolvConfPath` and sends to `systemPort` (tests point it at a local
    /// server; resolv.conf itself has no port syntax).
    init(resolvConfPath: String?, systemPort: Int = 53) {
        self.resolvConfPath = resolvConfPath
        self.systemPort = systemPort
    }

    public func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome {
        let servers: NameServers
        switch target {
        case .system: servers = .resolvConf(path: resolvConfPath, port: systemPort)
        case let .server(host, port): servers = .address(host, port: port)
        }
        return await Self.perform(LDNSQuery(name: name, type: type, servers: servers, recursive: true, timeout: timeout))
    }

    public func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int,
                                   timeout: Double) async -> LookupOutcome {
        await Self.perform(LDNSQuery(name: name, type: type, servers: .address(address, port: port), recursive: false,
                                     timeout: timeout))
    }

    public func queryAuthoritativeTCP(_ name: String, type: DNSRecordType, address: String, port: Int,
                                      timeout: Double) async -> LookupOutcome {
        await Self.perform(LDNSQuery(name: name, type: type, servers: .address(address, port: port), recursive: false,
                                     timeout: timeout, tcp: true))
    }

    /// Non-recursive NS query to one server, read as answer or referral with glue (see `DNSResolving`).
    public func queryDelegation(_ name: String, address: String, port: Int, timeout: Double) async -> DelegationOutcome {
        let query = LDNSQuery(name: name, type: .ns, servers: .address(address, port: port), recursive: false, timeout: timeout)
        if Task.isCancelled { return .error("cancelled") }
        return await Self.onThread { query.runDelegation() }
    }

    /// Runs the blocking query on a new thread and resumes the caller with its outcome.
    private static func perform(_ query: LDNSQuery) async -> LookupOutcome {
        if Task.isCancelled { return .error("cancelled") }
        return await onThread { query.run() }
    }

    /// Runs blocking `work` on a thread of its own and resumes the caller with its result.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "vanityns.dns"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
