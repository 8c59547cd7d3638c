import Foundation
import Resolver

/// An in-memory `DNSResolving`: recursive answers by name and type, and authoritative answers per server address.
/// Unknown recursive names are NXDOMAIN; unknown server addresses time out (as an unreachable server would).
public final class FakeDNS: DNSResolving, @unchecked Sendable {
    private let lock = NSLock()
    private var recursive: [String: LookupOutcome] = [:]
    private var authoritative: [String: LookupOutcome] = [:]
    private var delegations: [String: DelegationOutcome] = [:]
    private var servers: Set<String> = []
    /// Every query sent, as `name type` or `@address:port name type`.
    public private(set) var log: [String] = []

    public init() {}

    static func key(_ name: String, _ type: DNSRecordType) -> String {
        var n = name.lowercased(); if n.hasSuffix(".") { n.removeLast() }
        return "\(n) \(type.rawValue)"
    }

    /// Sets the recursive answer for `name`/`type`.
    public func set(_ name: String, _ type: DNSRecordType, _ outcome: LookupOutcome) {
        lock.lock(); recursive[Self.key(name, type)] = outcome; lock.unlock()
    }

    /// Sets A and AAAA answers for `name` (an empty list is NODATA).
    public func setAddresses(_ name: String, v4: [String], v6: [String]) {
        set(name, .a, .answer(v4, authoritative: false))
        set(name, .aaaa, .answer(v6, authoritative: false))
    }

    /// Makes the server at `address` answer authoritatively for `zone` with this SOA and NS set.
    public func serve(address: String, zone: String, soa: String, ns: [String], authoritative aa: Bool = true) {
        setAuthoritative(address: address, zone, .soa, .answer([soa], authoritative: aa))
        setAuthoritative(address: address, zone, .ns, .answer(ns.sorted(), authoritative: aa))
    }

    /// Sets one authoritative answer of the server at `address`.
    public func setAuthoritative(address: String, _ name: String, _ type: DNSRecordType, _ outcome: LookupOutcome) {
        lock.lock(); servers.insert(address); authoritative["\(address) \(Self.key(name, type))"] = outcome; lock.unlock()
    }

    /// Makes the server at `address` answer a delegation query for `name` (a parent's referral: NS and glue).
    public func setDelegation(address: String, _ name: String, _ outcome: DelegationOutcome) {
        lock.lock(); servers.insert(address); delegations["\(address) \(Self.key(name, .ns))"] = outcome; lock.unlock()
    }

    /// Shorthand: the server at `address` refers `name` to `nameServers` with `glue` (not authoritative).
    public func setReferral(address: String, _ name: String, nameServers: [String], glue: [String: [String]] = [:]) {
        setDelegation(address: address, name, .delegation(Delegation(nameServers: nameServers.sorted(), glue: glue, authoritative: false)))
    }

    public func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome {
        lock.withLock {
            log.append(Self.key(name, type))
            return recursive[Self.key(name, type)] ?? .nxdomain
        }
    }

    public func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome {
        lock.withLock {
            log.append("@\(address):\(port) \(Self.key(name, type))")
            guard servers.contains(address) else { return .timeout }
            return authoritative["\(address) \(Self.key(name, type))"] ?? .failure(rcode: "REFUSED")
        }
    }

    public func queryDelegation(_ name: String, address: String, port: Int, timeout: Double) async -> DelegationOutcome {
        lock.withLock {
            log.append("@\(address):\(port) \(Self.key(name, .ns)) delegation")
            guard servers.contains(address) else { return .timeout }
            return delegations["\(address) \(Self.key(name, .ns))"] ?? .failure(rcode: "REFUSED")
        }
    }
}
