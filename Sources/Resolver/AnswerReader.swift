import CLDNS
import Foundation

/// Reads a reply packet into a `LookupOutcome`: rcode, AA flag and the asked records in presentation form.
enum AnswerReader {
    /// The longest CNAME chain followed inside one answer section.
    static let maxChain = 16

    static func outcome(of packet: UnsafeMutablePointer<ldns_pkt>, name: UnsafeMutablePointer<ldns_rdf>,
                        type: DNSRecordType) -> LookupOutcome {
        let rcode = ldns_pkt_get_rcode(packet)
        if rcode == LDNS_RCODE_NXDOMAIN { return .nxdomain }
        guard rcode == LDNS_RCODE_NOERROR else { return .failure(rcode: rcodeName(rcode)) }
        let authoritative = ldns_pkt_aa(packet) != 0
        guard let answer = ldns_pkt_answer(packet) else { return .answer([], authoritative: authoritative) }
        let records = (0..<ldns_rr_list_rr_count(answer)).compactMap { ldns_rr_list_rr(answer, $0) }

        // Follow aliases for every type but CNAME itself.
        var owner: UnsafePointer<ldns_rdf> = UnsafePointer(name)
        if type != .cname {
            for _ in 0..<maxChain {
                guard let alias = records.first(where: { has($0, owner: owner, type: LDNS_RR_TYPE_CNAME) }),
                      let target = ldns_rr_rdf(alias, 0) else { break }
                owner = UnsafePointer(target)
            }
        }
        let data = records.filter { has($0, owner: owner, type: type.ldnsType) }.map(presentation)
        return .answer(data.sorted(), authoritative: authoritative)
    }

    private static func has(_ record: UnsafeMutablePointer<ldns_rr>, owner: UnsafePointer<ldns_rdf>,
                            type: ldns_rr_type) -> Bool {
        guard ldns_rr_get_type(record) == type, let recordOwner = ldns_rr_owner(record) else { return false }
        return ldns_dname_compare(recordOwner, owner) == 0
    }

    /// The record's data fields as text, joined by single spaces and lowercased (names compare case-insensitively).
    static func presentation(_ record: UnsafeMutablePointer<ldns_rr>) -> String {
        (0..<ldns_rr_rd_count(record)).map { index in
            guard let field = ldns_rr_rdf(record, index) else { return "" }
            return text(ldns_rdf2str(field))
        }.joined(separator: " ").lowercased()
    }

    /// The rcode's name (`SERVFAIL`, `REFUSED`, ...).
    static func rcodeName(_ rcode: ldns_pkt_rcode) -> String {
        let name = text(ldns_pkt_rcode2str(rcode))
        return name.isEmpty ? "RCODE\(rcode.rawValue)" : name
    }

    /// Takes ownership of a malloc'd C string: copies it and frees it.
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
