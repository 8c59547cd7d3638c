import CLDNS
import Foundation

/// The name servers one query goes to.
enum NameServers: Sendable {
    /// The name servers of a resolv.conf file (`nil`: `/etc/resolv.conf`), at `port`.
    case resolvConf(path: String?, port: Int)
    /// One server by IP address (v4 or v6, brackets allowed).
    case address(String, port: Int)
}

/// One blocking ldns query and the mapping of its result to a `LookupOutcome`. Every ldns object made here is freed
/// here.
struct LDNSQuery: Sendable {
    var name: String
    var type: DNSRecordType
    var servers: NameServers
    var recursive: Bool
    var timeout: Double
    /// TCP only, not UDP first.
    var tcp = false
    /// A type outside `DNSRecordType` (DNSKEY, for `DNSSECProbe`), asked instead of `type`.
    var rawType: ldns_rr_type? = nil

    func run() -> LookupOutcome {
        exchange(failed: { $0 }) { packet, qname in AnswerReader.outcome(of: packet, name: qname, type: type) }
    }

    /// Sends the query (of `type`, normally NS) and reads the reply as a delegation: answer or referral, with glue.
    func runDelegation() -> DelegationOutcome {
        exchange(failed: DelegationOutcome.init(failure:)) { packet, qname in ReferralReader.outcome(of: packet, name: qname) }
    }

    /// Sends the query with the DO bit (EDNS, 4096-byte UDP answers) and hands the raw reply to `read`, for DNSSEC
    /// checks (`DNSSECProbe`); the same rules as `exchange`.
    func runDNSSEC<T>(failed: (LookupOutcome) -> T, read: (UnsafeMutablePointer<ldns_pkt>, UnsafeMutablePointer<ldns_rdf>) -> T) -> T {
        exchange(dnssec: true, failed: failed, read: read)
    }

    /// Builds the resolver, sends the query and hands the reply to `read`; a query that could not be sent or got no
    /// reply becomes a `LookupOutcome` (`.timeout` or `.error`) mapped by `failed`. Frees every ldns object it makes;
    /// `read` must not keep pointers into the packet.
    private func exchange<T>(dnssec: Bool = false, failed: (LookupOutcome) -> T,
                             read: (UnsafeMutablePointer<ldns_pkt>, UnsafeMutablePointer<ldns_rdf>) -> T) -> T {
        guard timeout > 0 else { return failed(.error("the timeout must be more than 0 seconds")) }
        guard let qname = Self.domainName(name) else { return failed(.error("“\(name)” is not a valid domain name")) }
        defer { ldns_rdf_deep_free(qname) }
        let resolver: UnsafeMutablePointer<ldns_resolver>
        switch makeResolver() {
        case let .failure(message): return failed(.error(message))
        case let .success(made): resolver = made
        }
        defer { ldns_resolver_deep_free(resolver) }
        let attempts = configure(resolver)
        if dnssec {
            ldns_resolver_set_dnssec(resolver, ldnsBool(true))
            ldns_resolver_set_edns_udp_size(resolver, 4096)
        }

        var packet: UnsafeMutablePointer<ldns_pkt>?
        let started = DispatchTime.now()
        let status = ldns_resolver_query_status(&packet, resolver, qname, rawType ?? type.ldnsType, LDNS_RR_CLASS_IN,
                                                recursive ? UInt16(LDNS_RD) : 0)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        guard status == LDNS_STATUS_OK, let packet else {
            if let packet { ldns_pkt_free(packet) }
            return failed(failure(status, elapsed: elapsed, attemptTime: timeout / Double(attempts)))
        }
        defer { ldns_pkt_free(packet) }
        return read(packet, qname)
    }

    /// `name` as an absolute domain name (a missing trailing dot is added).
    static func domainName(_ name: String) -> UnsafeMutablePointer<ldns_rdf>? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return ldns_dname_new_frm_str(trimmed.hasSuffix(".") ? trimmed : trimmed + ".")
    }

    private enum Made { case success(UnsafeMutablePointer<ldns_resolver>), failure(String) }

    private func makeResolver() -> Made {
        switch servers {
        case let .resolvConf(path, port):
            let file = path ?? "/etc/resolv.conf"
            guard (1...65535).contains(port) else { return .failure("port \(port) is out of range") }
            var made: UnsafeMutablePointer<ldns_resolver>?
            let status = path.map { ldns_resolver_new_frm_file(&made, $0) } ?? ldns_resolver_new_frm_file(&made, nil)
            guard status == LDNS_STATUS_OK, let made else {
                return .failure("cannot use \(file): \(String(cString: ldns_get_errorstr_by_id(status)))")
            }
            guard ldns_resolver_nameserver_count(made) > 0 else {
                ldns_resolver_deep_free(made)
                return .failure("no name server in \(file)")
            }
            ldns_resolver_set_port(made, UInt16(port))
            return .success(made)
        case let .address(host, port):
            guard (1...65535).contains(port) else { return .failure("port \(port) is out of range") }
            var bare = host.trimmingCharacters(in: .whitespaces)
            if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
            let isV6 = bare.contains(":")
            guard let address = ldns_rdf_new_frm_str(isV6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, bare) else {
                return .failure("“\(host)” is not an IPv4 or IPv6 address")
            }
            defer { ldns_rdf_deep_free(address) }
            guard let made = ldns_resolver_new() else { return .failure("out of memory") }
            // push_nameserver stores its own copy of the address.
            let pushed = ldns_resolver_push_nameserver(made, address)
            guard pushed == LDNS_STATUS_OK else {
                ldns_resolver_deep_free(made)
                return .failure("cannot use \(host): \(String(cString: ldns_get_errorstr_by_id(pushed)))")
            }
            ldns_resolver_set_port(made, UInt16(port))
            return .success(made)
        }
    }

    /// Sets recursion, timeouts, TCP fallback and no EDNS; returns the number of attempts per name server.
    private func configure(_ resolver: UnsafeMutablePointer<ldns_resolver>) -> Int {
        let attempts = timeout >= 2 ? 2 : 1
        let perAttempt = timeout / Double(attempts)
        let seconds = perAttempt.rounded(.down)
        ldns_resolver_set_timeout(resolver, timeval(tv_sec: Int(seconds), tv_usec: Int((perAttempt - seconds) * 1e6)))
        ldns_resolver_set_retry(resolver, UInt8(attempts))
        ldns_resolver_set_retrans(resolver, 0)
        ldns_resolver_set_recursive(resolver, ldnsBool(recursive))
        ldns_resolver_set_fallback(resolver, ldnsBool(true))
        ldns_resolver_set_igntc(resolver, ldnsBool(false))
        ldns_resolver_set_usevc(resolver, ldnsBool(tcp))
        ldns_resolver_set_dnssec(resolver, ldnsBool(false))
        ldns_resolver_set_edns_udp_size(resolver, 0)
        ldns_resolver_set_defnames(resolver, ldnsBool(false))
        ldns_resolver_set_dnsrch(resolver, ldnsBool(false))
        ldns_resolver_set_fail(resolver, ldnsBool(false))
        return attempts
    }

    /// No packet: a timeout when the attempts used up their time, otherwise ldns's reason.
    private func failure(_ status: ldns_status, elapsed: Double, attemptTime: Double) -> LookupOutcome {
        if status == LDNS_STATUS_NETWORK_ERR || status == LDNS_STATUS_ERR, elapsed >= attemptTime * 0.8 {
            return .timeout
        }
        if status == LDNS_STATUS_RES_NO_NS { return .error("no name server to ask") }
        return .error("query failed: \(String(cString: ldns_get_errorstr_by_id(status)))")
    }
}

/// A Swift `Bool` as ldns's `bool`, which imports as `Int8` here.
func ldnsBool(_ value: Bool) -> Int8 { value ? 1 : 0 }

extension DNSRecordType {
    var ldnsType: ldns_rr_type {
        switch self {
        case .a: LDNS_RR_TYPE_A
        case .aaaa: LDNS_RR_TYPE_AAAA
        case .ns: LDNS_RR_TYPE_NS
        case .soa: LDNS_RR_TYPE_SOA
        case .cname: LDNS_RR_TYPE_CNAME
        case .ds: LDNS_RR_TYPE_DS
        case .mx: LDNS_RR_TYPE_MX
        case .txt: LDNS_RR_TYPE_TXT
        case .srv: LDNS_RR_TYPE_SRV
        case .caa: LDNS_RR_TYPE_CAA
        case .ptr: LDNS_RR_TYPE_PTR
        case .spf: LDNS_RR_TYPE_SPF
        case .naptr: LDNS_RR_TYPE_NAPTR
        case .sshfp: LDNS_RR_TYPE_SSHFP
        case .tlsa: LDNS_RR_TYPE_TLSA
        case .https: LDNS_RR_TYPE_HTTPS
        case .svcb: LDNS_RR_TYPE_SVCB
        }
    }
}
