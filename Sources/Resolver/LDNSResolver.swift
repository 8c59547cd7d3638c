import Foundation

/// The live resolver: ldns builds the query packets and reads the replies, c-ares sends them, and every question
/// waits its turn in one `DNSScheduler` (by default the process's `DNSScheduler.shared`): a fixed number in flight,
/// on one event loop thread, fair between servers. Swift's cooperative pool is never blocked, and no question starts
/// a thread of its own.
///
/// What comes back (see `LookupOutcome`):
/// - Records of the asked type at the asked name, in presentation form, lowercased and sorted: A and AAAA addresses
///   (AAAA compressed, `2600:9000:5300::1`), NS and CNAME targets with their trailing dot, SOA as its seven fields
///   joined by single spaces. No such records with rcode NOERROR is NODATA: `.answer([], ...)`.
/// - Aliases: a `.cname` query returns the CNAME target itself, which is how a caller learns that a name is an alias.
///   Any other type follows the CNAME chain inside the answer section (as a stub resolver does) and returns the
///   records of the chain's last name; when the server sent only the CNAME, that is `[]`.
/// - `timeout` is the time allowed per name server: up to 2 s it is one attempt, from 2 s two attempts of half each.
///   A server the scheduler has seen to be silent answers `.timeout` sooner (see `DNSScheduler`).
/// - Queries carry no EDNS (any server understands them); a truncated UDP answer is asked again over TCP.
public final class LDNSResolver: DNSResolving {
    private let resolvConfPath: String?
    private let systemPort: Int
    private let scheduler: DNSScheduler

    /// A resolver whose `.system` target reads `/etc/resolv.conf`, sending through `scheduler`.
    public convenience init(scheduler: DNSScheduler = .shared) {
        self.init(resolvConfPath: nil, systemPort: 53, scheduler: scheduler)
    }

    /// A resolver whose `.system` target reads `resolvConfPath` and sends to `systemPort` (tests point it at a local
    /// server; resolv.conf itself has no port syntax).
    init(resolvConfPath: String?, systemPort: Int = 53, scheduler: DNSScheduler = .shared) {
        self.resolvConfPath = resolvConfPath
        self.systemPort = systemPort
        self.scheduler = scheduler
    }

    public func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome {
        let servers: NameServers
        switch target {
        case .system: servers = .resolvConf(path: resolvConfPath, port: systemPort)
        case let .server(host, port): servers = .address(host, port: port)
        }
        return await perform(LDNSQuery(name: name, type: type, servers: servers, recursive: true, timeout: timeout))
    }

    public func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int,
                                   timeout: Double) async -> LookupOutcome {
        await perform(LDNSQuery(name: name, type: type, servers: .address(address, port: port), recursive: false,
                                timeout: timeout))
    }

    public func queryAuthoritativeTCP(_ name: String, type: DNSRecordType, address: String, port: Int,
                                      timeout: Double) async -> LookupOutcome {
        await perform(LDNSQuery(name: name, type: type, servers: .address(address, port: port), recursive: false,
                                timeout: timeout, tcp: true))
    }

    /// Non-recursive NS query to one server, read as answer or referral with glue (see `DNSResolving`).
    public func queryDelegation(_ name: String, address: String, port: Int, timeout: Double) async -> DelegationOutcome {
        let query = LDNSQuery(name: name, type: .ns, servers: .address(address, port: port), recursive: false, timeout: timeout)
        return await exchange(query, failed: DelegationOutcome.init(failure:), read: query.readDelegation)
    }

    private func perform(_ query: LDNSQuery) async -> LookupOutcome {
        await exchange(query, failed: { $0 }, read: query.read)
    }

    /// Builds the query, waits for its turn and its reply in the scheduler, and reads the reply.
    private func exchange<T>(_ query: LDNSQuery, failed: (LookupOutcome) -> T, read: ([UInt8]) -> T) async -> T {
        if Task.isCancelled { return failed(.error("cancelled")) }
        switch query.prepare() {
        case let .failure(why): return failed(why.outcome)
        case let .success(exchange):
            switch await scheduler.exchange(exchange) {
            case let .reply(bytes): return read(bytes)
            case .timeout: return failed(.timeout)
            case let .error(message): return failed(.error(message))
            }
        }
    }
}
