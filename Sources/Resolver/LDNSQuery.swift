import CLDNS
import Foundation

/// The name servers one query goes to.
enum NameServers: Sendable {
    /// The name servers of a resolv.conf file (`nil`: `/etc/resolv.conf`), at `port`.
    case resolvConf(path: String?, port: Int)
    /// One server by IP address (v4 or v6, brackets allowed).
    case address(String, port: Int)
}

/// One query's ldns side: the query packet it sends (`prepare`) and the reading of the reply's bytes (`read`), with
/// the same checks and messages for bad input as before any packet goes out. Every ldns object made here is freed
/// here. The sending is the scheduler's (`DNSScheduler`, over c-ares).
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
    /// The DO bit and EDNS with 4096-byte UDP answers (RFC 4035), for DNSSEC checks (`DNSSECProbe`).
    var dnssec = false

    /// The exchange to send: a packet with RD when `recursive`, no EDNS (any server understands it) unless `dnssec`, for the servers
    /// named; `timeout` is the time per name server: up to 2 s one attempt, from 2 s two attempts of half each.
    /// A query that cannot be sent is the `LookupOutcome` saying why (`.error`).
    func prepare() -> Result<DNSExchange, PreparedFailure> {
        guard timeout > 0 else { return .failure(PreparedFailure(outcome: .error("the timeout must be more than 0 seconds"))) }
        guard let qname = Self.domainName(name) else {
            return .failure(PreparedFailure(outcome: .error("“\(name)” is not a valid domain name")))
        }
        let addresses: [String], port: Int
        switch resolveServers() {
        case let .failure(message):
            ldns_rdf_deep_free(qname)
            return .failure(PreparedFailure(outcome: .error(message)))
        case let .success(found): (addresses, port) = found
        }
        // The packet owns qname from here and frees it with itself.
        guard let packet = ldns_pkt_query_new(qname, rawType ?? type.ldnsType, LDNS_RR_CLASS_IN, recursive ? UInt16(LDNS_RD) : 0) else {
            ldns_rdf_deep_free(qname)
            return .failure(PreparedFailure(outcome: .error("out of memory")))
        }
        defer { ldns_pkt_free(packet) }
        if dnssec {
            ldns_pkt_set_edns_udp_size(packet, 4096)
            ldns_pkt_set_edns_do(packet, 1)  // ldns's bool reaches Swift as Int8
        }
        var wire: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard ldns_pkt2wire(&wire, packet, &size) == LDNS_STATUS_OK, let wire else {
            return .failure(PreparedFailure(outcome: .error("cannot build the query for “\(name)”")))
        }
        defer { free(wire) }
        let attempts = timeout >= 2 ? 2 : 1
        return .success(DNSExchange(servers: addresses, port: port, packet: Array(UnsafeBufferPointer(start: wire, count: size)),
                                    tcp: tcp, attemptTimeout: timeout / Double(attempts), attempts: attempts))
    }

    /// Why a query was not sent, as the outcome its caller gets.
    struct PreparedFailure: Error { var outcome: LookupOutcome }

    /// The reply's bytes as an answer.
    func read(_ reply: [UInt8]) -> LookupOutcome {
        parse(reply, failed: { $0 }) { packet, qname in AnswerReader.outcome(of: packet, name: qname, type: type) }
    }

    /// The reply's bytes as a delegation: answer or referral, with glue.
    func readDelegation(_ reply: [UInt8]) -> DelegationOutcome {
        parse(reply, failed: DelegationOutcome.init(failure:)) { packet, qname in ReferralReader.outcome(of: packet, name: qname) }
    }

    /// Parses `reply` and hands it to `read`; bytes ldns cannot parse become `.error`, mapped by `failed`. `read`
    /// must not keep pointers into the packet.
    func parse<T>(_ reply: [UInt8], failed: (LookupOutcome) -> T,
                          read: (UnsafeMutablePointer<ldns_pkt>, UnsafeMutablePointer<ldns_rdf>) -> T) -> T {
        guard let qname = Self.domainName(name) else { return failed(.error("“\(name)” is not a valid domain name")) }
        defer { ldns_rdf_deep_free(qname) }
        var packet: UnsafeMutablePointer<ldns_pkt>?
        let status = reply.withUnsafeBufferPointer { ldns_wire2pkt(&packet, $0.baseAddress, $0.count) }
        guard status == LDNS_STATUS_OK, let packet else {
            if let packet { ldns_pkt_free(packet) }
            return failed(.error("query failed: \(String(cString: ldns_get_errorstr_by_id(status)))"))
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

    private enum Servers { case success(([String], Int)), failure(String) }

    /// The addresses (no brackets) and port the query goes to: the one given, or a resolv.conf's name servers.
    private func resolveServers() -> Servers {
        switch servers {
        case let .resolvConf(path, port):
            let file = path ?? "/etc/resolv.conf"
            guard (1...65535).contains(port) else { return .failure("port \(port) is out of range") }
            var made: UnsafeMutablePointer<ldns_resolver>?
            let status = path.map { ldns_resolver_new_frm_file(&made, $0) } ?? ldns_resolver_new_frm_file(&made, nil)
            guard status == LDNS_STATUS_OK, let made else {
                return .failure("cannot use \(file): \(String(cString: ldns_get_errorstr_by_id(status)))")
            }
            defer { ldns_resolver_deep_free(made) }
            let count = ldns_resolver_nameserver_count(made)
            guard count > 0, let list = ldns_resolver_nameservers(made) else { return .failure("no name server in \(file)") }
            let addresses = (0..<count).compactMap { list[$0].map { AnswerReader.text(ldns_rdf2str($0)) } }.filter { !$0.isEmpty }
            guard !addresses.isEmpty else { return .failure("no name server in \(file)") }
            return .success((addresses, port))
        case let .address(host, port):
            guard (1...65535).contains(port) else { return .failure("port \(port) is out of range") }
            var bare = host.trimmingCharacters(in: .whitespaces)
            if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
            var v4 = in_addr(), v6 = in6_addr()
            guard inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1 else {
                return .failure("“\(host)” is not an IPv4 or IPv6 address")
            }
            return .success(([bare], port))
        }
    }
}

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
