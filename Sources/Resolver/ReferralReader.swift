import CLDNS
import Foundation

/// Reads a reply to an NS query as a `DelegationOutcome`: the NS set of the asked name from the answer section, or
/// from the authority section when the server referred (a parent zone's server), and the glue A/AAAA records of
/// those hosts from the additional section.
enum ReferralReader {
    static func outcome(of packet: UnsafeMutablePointer<ldns_pkt>, name: UnsafeMutablePointer<ldns_rdf>) -> DelegationOutcome {
        let rcode = ldns_pkt_get_rcode(packet)
        if rcode == LDNS_RCODE_NXDOMAIN { return .nxdomain }
        guard rcode == LDNS_RCODE_NOERROR else { return .failure(rcode: AnswerReader.rcodeName(rcode)) }
        let authoritative = ldns_pkt_aa(packet) != 0
        let owner = UnsafePointer(name)
        var hosts = records(ldns_pkt_answer(packet)).filter { has($0, owner: owner, type: LDNS_RR_TYPE_NS) }
        if hosts.isEmpty {
            hosts = records(ldns_pkt_authority(packet)).filter { has($0, owner: owner, type: LDNS_RR_TYPE_NS) }
        }
        let names = Set(hosts.map(AnswerReader.presentation))
        var glue: [String: [String]] = [:]
        for record in records(ldns_pkt_additional(packet)) {
            let type = ldns_rr_get_type(record)
            guard type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA, let recordOwner = ldns_rr_owner(record) else { continue }
            let host = ownerText(recordOwner)
            guard names.contains(host) else { continue }
            glue[host, default: []].append(AnswerReader.presentation(record))
        }
        return .delegation(Delegation(nameServers: names.sorted(), glue: glue.mapValues { $0.sorted() },
                                      authoritative: authoritative, ttl: hosts.map { ldns_rr_ttl($0) }.min()))
    }

    private static func records(_ list: UnsafeMutablePointer<ldns_rr_list>?) -> [UnsafeMutablePointer<ldns_rr>] {
        guard let list else { return [] }
        return (0..<ldns_rr_list_rr_count(list)).compactMap { ldns_rr_list_rr(list, $0) }
    }

    private static func has(_ record: UnsafeMutablePointer<ldns_rr>, owner: UnsafePointer<ldns_rdf>, type: ldns_rr_type) -> Bool {
        guard ldns_rr_get_type(record) == type, let recordOwner = ldns_rr_owner(record) else { return false }
        return ldns_dname_compare(recordOwner, owner) == 0
    }

    /// An owner name as lowercased text with the trailing dot (the form NS targets are in).
    private static func ownerText(_ owner: UnsafeMutablePointer<ldns_rdf>) -> String {
        guard let text = ldns_rdf2str(owner) else { return "" }
        defer { free(text) }
        return String(cString: text).lowercased()
    }
}

extension DelegationOutcome {
    /// A query that got no reply (`.timeout`, `.error`) as a delegation outcome; the other cases carry over by name.
    init(failure: LookupOutcome) {
        switch failure {
        case .answer: self = .error("unexpected answer")
        case .nxdomain: self = .nxdomain
        case let .failure(rcode): self = .failure(rcode: rcode)
        case .timeout: self = .timeout
        case let .error(message): self = .error(message)
        }
    }
}
