import Foundation

/// DNS record types vanityns asks for: those of the delegation checks, and every type a Route 53 zone can hold (a
/// migration asks the old and the new zone the same questions). Presentation form is ldns's.
public enum DNSRecordType: String, Sendable, CaseIterable {
    case a = "A", aaaa = "AAAA", ns = "NS", soa = "SOA", cname = "CNAME", ds = "DS"
    case mx = "MX", txt = "TXT", srv = "SRV", caa = "CAA", ptr = "PTR", spf = "SPF", naptr = "NAPTR"
    case sshfp = "SSHFP", tlsa = "TLSA", https = "HTTPS", svcb = "SVCB"
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
    /// One non-recursive query sent straight to the server at `address`:`port` (for authority checks), over UDP
    /// (TCP when the answer is truncated).
    func queryAuthoritative(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome
    /// The same over TCP only: a name server must answer on both (RFC 7766).
    func queryAuthoritativeTCP(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome
    /// One non-recursive NS query for `name` sent straight to the server at `address`:`port`, read as a delegation:
    /// a parent zone's server answers with a referral (NS in the authority section, glue in the additional section),
    /// which `queryAuthoritative` does not return. The default implementation returns `.error` (not supported).
    func queryDelegation(_ name: String, address: String, port: Int, timeout: Double) async -> DelegationOutcome
}

/// What a server says about the delegation of one name: its NS host names (from the answer section, or from the
/// authority section of a referral) and the glue addresses it sent with them.
public struct Delegation: Sendable, Equatable {
    /// NS host names, lowercased with the trailing dot, sorted (`ns1.example.com.`); empty when the server sent none.
    public var nameServers: [String]
    /// A and AAAA addresses from the additional section, by host name (lowercased, trailing dot), each list sorted;
    /// only hosts among `nameServers`.
    public var glue: [String: [String]]
    /// The AA flag: set when the server answered from the zone itself rather than referring to it.
    public var authoritative: Bool
    /// The NS records' TTL: how long resolvers may keep this delegation (nil when the server sent none).
    public var ttl: UInt32?
    public init(nameServers: [String], glue: [String: [String]], authoritative: Bool, ttl: UInt32? = nil) {
        self.nameServers = nameServers; self.glue = glue; self.authoritative = authoritative; self.ttl = ttl
    }
}

/// The outcome of one delegation query (`queryDelegation`): the failure cases are those of `LookupOutcome`.
public enum DelegationOutcome: Sendable, Equatable {
    case delegation(Delegation)
    case nxdomain
    /// SERVFAIL, REFUSED or another non-zero rcode, by name.
    case failure(rcode: String)
    case timeout
    /// Could not send (bad address, not supported by this resolver, ...).
    case error(String)
}

extension DNSResolving {
    /// Resolvers without a TCP path say so.
    public func queryAuthoritativeTCP(_ name: String, type: DNSRecordType, address: String, port: Int, timeout: Double) async -> LookupOutcome {
        .error("TCP queries are not supported by this resolver")
    }

    /// Resolvers that cannot read referrals say so.
    public func queryDelegation(_ name: String, address: String, port: Int, timeout: Double) async -> DelegationOutcome {
        .error("delegation queries are not supported by this resolver")
    }
}
