import Foundation
import Route53
import Resolver

/// Time as the engine sees it: the current date and a way to wait (tests pass one that does not sleep).
public struct EngineClock: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (_ seconds: Double) async throws -> Void
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Double) async throws -> Void) {
        self.now = now; self.sleep = sleep
    }
    /// The wall clock and `Task.sleep`.
    public static let system = EngineClock(now: { Date() }, sleep: { try await Task.sleep(nanoseconds: UInt64(max(0, $0) * 1e9)) })
    /// The wall clock, and waits that return at once (for tests).
    public static let immediate = EngineClock(now: { Date() }, sleep: { _ in await Task.yield() })
}

/// The white-label procedure on Route 53: validate, plan, apply with a journal, rollback, finalize, sync, registrar
/// hand-off, verify and drift. Stateless apart from the journal files in `stateDirectory`.
public final class WhiteLabelEngine: WhiteLabelService {
    let route53: any Route53API
    let domains: (any Route53DomainsAPI)?
    let resolver: any DNSResolving
    let journal: JournalStore
    let clock: EngineClock
    /// Seconds between GetChange / GetOperationDetail polls.
    let pollInterval: Double
    /// Seconds to wait for one DNS answer.
    let lookupTimeout: Double

    /// - Parameters:
    ///   - stateDirectory: where journal files go (`defaultStateDirectory(environment:)` for the CLI).
    ///   - pollInterval: seconds between polls of a pending change.
    public init(route53: any Route53API, domains: (any Route53DomainsAPI)?, resolver: any DNSResolving,
                stateDirectory: URL, clock: EngineClock = .system, pollInterval: Double = 2, lookupTimeout: Double = 5) {
        self.route53 = route53; self.domains = domains; self.resolver = resolver
        self.journal = JournalStore(directory: stateDirectory); self.clock = clock
        self.pollInterval = pollInterval; self.lookupTimeout = lookupTimeout
    }

    /// `$XDG_STATE_HOME/vanityns` when set (and absolute), else `~/.local/state/vanityns`.
    public static func defaultStateDirectory(environment: [String: String]) -> URL {
        if let x = environment["XDG_STATE_HOME"], x.hasPrefix("/") {
            return URL(fileURLWithPath: x).appendingPathComponent("vanityns")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/vanityns")
    }

    /// The directory journal files are written to.
    public var stateDirectory: URL { journal.directory }

    // MARK: Addresses

    public func resolveAddresses(awsNames: [String], vanityHosts: [String], target: ResolverTarget) -> AsyncStream<NameServerAddresses> {
        let resolver = self.resolver, timeout = lookupTimeout
        let initial = awsNames.enumerated().map { i, n in
            NameServerAddresses(awsName: DomainName(trusted: n).ascii,
                                vanityHost: i < vanityHosts.count ? DomainName(trusted: vanityHosts[i]).ascii : "")
        }
        return AsyncStream { continuation in
            let task = Task {
                await withTaskGroup(of: (Int, DNSRecordType, LookupOutcome).self) { group in
                    for (i, row) in initial.enumerated() {
                        for type in [DNSRecordType.a, .aaaa] {
                            group.addTask { (i, type, await resolver.query(row.awsName, type: type, target: target, timeout: timeout)) }
                        }
                    }
                    var rows = initial
                    for await (i, type, outcome) in group {
                        let (addresses, warning) = Self.interpret(outcome, type: type)
                        if type == .a { rows[i].ipv4 = addresses } else { rows[i].ipv6 = addresses }
                        if let warning { rows[i].warnings.append(warning) }
                        continuation.yield(rows[i])
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Resolves every name server and returns the final rows in set order.
    func resolveAll(awsNames: [String], vanityHosts: [String], target: ResolverTarget) async -> [NameServerAddresses] {
        var rows = awsNames.enumerated().map { i, n in
            NameServerAddresses(awsName: DomainName(trusted: n).ascii, vanityHost: i < vanityHosts.count ? vanityHosts[i] : "")
        }
        for await row in resolveAddresses(awsNames: awsNames, vanityHosts: vanityHosts, target: target) {
            if let i = rows.firstIndex(where: { $0.awsName == row.awsName }) { rows[i] = row }
        }
        return rows
    }

    /// Addresses of one family from a lookup, and a warning when there are none.
    static func interpret(_ outcome: LookupOutcome, type: DNSRecordType) -> ([String], String?) {
        let family = type == .a ? "IPv4" : "IPv6"
        switch outcome {
        case let .answer(values, _):
            let addrs = Canonical.addresses(values.filter { type == .a ? Canonical.isIPv4($0) : Canonical.isIPv6($0) })
            return (addrs, addrs.isEmpty ? "\(family): no \(type.rawValue) record" : nil)
        case .nxdomain: return ([], "\(family): the name does not exist (NXDOMAIN)")
        case let .failure(rcode): return ([], "\(family): the resolver answered \(rcode)")
        case .timeout: return ([], "\(family): no answer (timeout)")
        case let .error(m): return ([], "\(family): \(m)")
        }
    }

    /// `ns1`..`nsN` under the home domain.
    static func defaultHosts(home: DomainName, count: Int) -> [DomainName] {
        (1...max(count, 1)).map { DomainName(trusted: "ns\($0).\(home.ascii)") }
    }
}
