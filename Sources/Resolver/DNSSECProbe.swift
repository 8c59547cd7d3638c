import CLDNS
import Foundation

/// What one name server says about a signed zone, checked with ldns (ldns_verify, ldns_rr_compare_ds): the DNSKEY
/// RRset and its signature, the DS records given against its SEP keys, and signed answers.
public struct DNSSECServerCheck: Sendable, Equatable {
    public var address: String
    public var tcp: Bool
    /// Key tags of the DNSKEYs with the SEP flag (257) it served.
    public var sepKeyTags: [Int]
    /// What does not hold, each naming the key tag concerned; empty when the chain holds at this server.
    public var problems: [String]
    public var transport: String { tcp ? "TCP" : "UDP" }
}

/// DNSSEC checks of one server at a time, without recursion, with the DO bit (RFC 4035), by ldns.
public enum DNSSECProbe {
    /// Asks `address`:`port` (UDP, or TCP only) for `zone`'s DNSKEY, SOA and each of `records`: every DS of `ds`
    /// (`tag 13 2 DIGEST`) must match a DNSKEY with the SEP flag; the DNSKEY RRset's signature must verify with
    /// such a key; the SOA's and each record's signatures must verify with the DNSKEY RRset.
    public static func check(zone: String, ds: [String], records: [(name: String, type: DNSRecordType)], address: String, port: Int,
                             tcp: Bool, timeout: Double) async -> DNSSECServerCheck {
        var result = DNSSECServerCheck(address: address, tcp: tcp, sepKeyTags: [], problems: [])
        let origin = zone.hasSuffix(".") ? zone : zone + "."
        let keysAnswer = await signedAnswer(origin, raw: LDNS_RR_TYPE_DNSKEY, address: address, port: port, tcp: tcp, timeout: timeout)
        guard case let .success(keys) = keysAnswer else {
            if case let .failure(why) = keysAnswer { result.problems.append("DNSKEY: \(why)") }
            return result
        }
        defer { keys.free() }
        guard ldns_rr_list_rr_count(keys.rrset) > 0 else {
            result.problems.append("DNSKEY: none served (the zone is not signed here)")
            return result
        }
        var sep: [UnsafeMutablePointer<ldns_rr>] = []
        for i in 0..<ldns_rr_list_rr_count(keys.rrset) {
            guard let key = ldns_rr_list_rr(keys.rrset, i), let flags = ldns_rr_dnskey_flags(key) else { continue }
            if ldns_rdf2native_int16(flags) & UInt16(LDNS_KEY_SEP_KEY) != 0 { sep.append(key); result.sepKeyTags.append(Int(ldns_calc_keytag(key))) }
        }
        // Each DS the parent serves must match a SEP key the zone serves.
        let sepList = ldns_rr_list_new()!
        defer { ldns_rr_list_free(sepList) }  // the list only: its records belong to `keys`
        for value in ds {
            let tag = value.split(separator: " ").first.map(String.init) ?? "?"
            var parsed: UnsafeMutablePointer<ldns_rr>?
            guard ldns_rr_new_frm_str(&parsed, "\(origin) 3600 IN DS \(value)", 0, nil, nil) == LDNS_STATUS_OK, let parsed else {
                result.problems.append("DS \(value): does not parse")
                continue
            }
            defer { ldns_rr_free(parsed) }
            if let match = sep.first(where: { ldns_rr_compare_ds($0, parsed) != 0 }) {
                _ = ldns_rr_list_push_rr(sepList, match)
            } else {
                result.problems.append("DS key tag \(tag): no DNSKEY with the SEP flag served here matches it (served SEP key tags: "
                                       + (result.sepKeyTags.isEmpty ? "none" : result.sepKeyTags.map(String.init).joined(separator: ", ")) + ")")
            }
        }
        // The DNSKEY RRset signed by a key the DS names (or, without a DS, by any of its SEP keys).
        let anchors = ldns_rr_list_rr_count(sepList) > 0 ? sepList : keys.rrset
        if let why = verify(keys, with: anchors) { result.problems.append("DNSKEY RRset: \(why)") }
        for (name, type) in [(origin, DNSRecordType.soa)] + records {
            let answer = await signedAnswer(name, raw: type.ldnsType, address: address, port: port, tcp: tcp, timeout: timeout)
            switch answer {
            case let .failure(why): result.problems.append("\(type.rawValue) \(name): \(why)")
            case let .success(signed):
                if ldns_rr_list_rr_count(signed.rrset) == 0 { result.problems.append("\(type.rawValue) \(name): no answer") }
                else if let why = verify(signed, with: keys.rrset) { result.problems.append("\(type.rawValue) \(name): \(why)") }
                signed.free()
            }
        }
        return result
    }

    /// The DS records (`tag alg type DIGEST`) `address` serves for `zone` and their TTL; nil when it did not answer.
    public static func ds(zone: String, address: String, port: Int, timeout: Double) async -> (records: [String], ttl: UInt32?)? {
        let origin = zone.hasSuffix(".") ? zone : zone + "."
        guard case let .success(answer) = await signedAnswer(origin, raw: LDNS_RR_TYPE_DS, address: address, port: port, tcp: false, timeout: timeout) else {
            return nil
        }
        defer { answer.free() }
        var records: [String] = [], ttl: UInt32?
        for i in 0..<ldns_rr_list_rr_count(answer.rrset) {
            guard let rr = ldns_rr_list_rr(answer.rrset, i) else { continue }
            ttl = min(ttl ?? UInt32.max, ldns_rr_ttl(rr))
            let fields = (0..<ldns_rr_rd_count(rr)).compactMap { j -> String? in
                guard let rdf = ldns_rr_rdf(rr, j), let text = ldns_rdf2str(rdf) else { return nil }
                defer { free(text) }
                return String(cString: text)
            }
            if fields.count == 4 { records.append("\(fields[0]) \(fields[1]) \(fields[2]) \(fields[3].uppercased())") }
        }
        return (records, ttl)
    }

    /// An RRset and the RRSIGs over it, both owned (freed by `free`).
    struct Signed {
        let rrset: UnsafeMutablePointer<ldns_rr_list>
        let sigs: UnsafeMutablePointer<ldns_rr_list>
        func free() { ldns_rr_list_deep_free(rrset); ldns_rr_list_deep_free(sigs) }
    }

    enum Answer { case success(Signed), failure(String) }

    /// One query with the DO bit: the answer section's records of `raw` and their RRSIGs. It waits its turn in the
    /// process's `DNSScheduler` like every other question.
    static func signedAnswer(_ name: String, raw: ldns_rr_type, address: String, port: Int, tcp: Bool, timeout: Double) async -> Answer {
        let query = LDNSQuery(name: name, type: .soa, servers: .address(address, port: port), recursive: false, timeout: timeout, tcp: tcp,
                              rawType: raw, dnssec: true)
        let exchange: DNSExchange
        switch query.prepare() {
        case let .failure(why): return .failure(describe(why.outcome))
        case let .success(prepared): exchange = prepared
        }
        let reply: [UInt8]
        switch await DNSScheduler.shared.exchange(exchange) {
        case let .reply(bytes): reply = bytes
        case .timeout: return .failure(describe(.timeout))
        case let .error(message): return .failure(message)
        }
        return query.parse(reply, failed: { outcome in Answer.failure(describe(outcome)) }) { packet, _ in
            let rcode = ldns_pkt_get_rcode(packet)
            guard rcode == LDNS_RCODE_NOERROR else {
                let text = ldns_pkt_rcode2str(rcode).map { p -> String in defer { Foundation.free(p) }; return String(cString: p) } ?? "error"
                return .failure("answered \(text)")
            }
            let rrset = ldns_pkt_rr_list_by_type(packet, raw, LDNS_SECTION_ANSWER) ?? ldns_rr_list_new()!
            let sigs = ldns_dnssec_pkt_get_rrsigs_for_type(packet, raw) ?? ldns_rr_list_new()!
            return .success(Signed(rrset: rrset, sigs: sigs))
        }
    }

    /// Why `signed`'s signatures do not verify with `keys` (ldns_verify), or nil when one does.
    static func verify(_ signed: Signed, with keys: UnsafeMutablePointer<ldns_rr_list>) -> String? {
        guard ldns_rr_list_rr_count(signed.sigs) > 0 else { return "no RRSIG served" }
        let good = ldns_rr_list_new()!
        defer { ldns_rr_list_free(good) }
        let status = ldns_verify(signed.rrset, signed.sigs, keys, good)
        guard status == LDNS_STATUS_OK else {
            let tags = (0..<ldns_rr_list_rr_count(signed.sigs)).compactMap { i -> String? in
                guard let sig = ldns_rr_list_rr(signed.sigs, i), let tag = ldns_rr_rrsig_keytag(sig) else { return nil }
                return String(ldns_rdf2native_int16(tag))
            }
            return "signature by key tag \(tags.joined(separator: ", ")) does not verify (\(String(cString: ldns_get_errorstr_by_id(status))))"
        }
        return nil
    }

    static func describe(_ outcome: LookupOutcome) -> String {
        switch outcome {
        case .timeout: "no answer (timeout)"
        case let .error(m): m
        case .nxdomain: "NXDOMAIN"
        case let .failure(rcode): "answered \(rcode)"
        case .answer: "answered"
        }
    }
}
