import Foundation

/// DNS record types vanityns asks for.
public enum DNSRecordType: String, Sendable, CaseIterable {
    case a = "A", aaaa = "AAAA", ns = "NS", soa = "SOA", cname = "CNAME"
}

/// Where to send queries: the system resolver (`/etc/resolv.conf`) or one server.
public enum ResolverTarget: Sendable, Equatable {
    case system
    /// An IP address (v4 or v6) and port, as given by `--resolver HOST[:PORT]`.
    case server(host: String, port: Int)
}

/// The outcome of one query.
public enum LookupOutcome: Sendable, Equatable {
    /// Answer records' data in presentation form (addresses for A/AAAA, `ns1.example.com.` for NS, the SOA's seven
    /// fields joined by spaces), sorted; empty for NODATA.
    case answer([String], authoritative: Bool)
    case nxdomain
    /// SERVFAIL, REFUSED or another non-zero rcode, by name.
    case failure(rcode: String)
    case timeout
    /// Could not send (bad address, no resolver configured, ...).
    case error(String)
}

/// Resolves names. `LDNSResolver` is the live one (libldns).
public protocol DNSResolving: Sendable {
    /// One query of `type` for `name`, recursive through `target`.
    func query(_ name: String, type: DNSRecordType, target: ResolverTarget, timeout: Double) async -> LookupOutcome
    /// One non-recursive query sent straight to the server at `address`:`port` (for authority checks).
    func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome
}
