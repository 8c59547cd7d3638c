import CLDNS
import Foundation

/// Reads a DNS reply from its wire bytes, as a server sent it, with the same readers a live query uses: the
/// entry point of the DNS fuzz target and of tests that feed hand-made packets.
enum WireReader {
    /// The reply's outcome as an answer to `name`/`type` and as a delegation of `name`; nil when ldns cannot parse
    /// the bytes (a live query reports that as an error before any reader runs).
    static func read(_ bytes: [UInt8], name: String, type: DNSRecordType) -> (answer: LookupOutcome, delegation: DelegationOutcome)? {
        guard let qname = LDNSQuery.domainName(name) else { return nil }
        defer { ldns_rdf_deep_free(qname) }
        var packet: UnsafeMutablePointer<ldns_pkt>?
        let status = bytes.withUnsafeBufferPointer { ldns_wire2pkt(&packet, $0.baseAddress, $0.count) }
        guard status == LDNS_STATUS_OK, let packet else {
            if let packet { ldns_pkt_free(packet) }
            return nil
        }
        defer { ldns_pkt_free(packet) }
        return (AnswerReader.outcome(of: packet, name: qname, type: type), ReferralReader.outcome(of: packet, name: qname))
    }
}
