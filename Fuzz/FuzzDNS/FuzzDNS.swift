import FuzzSupport
@testable import Resolver

/// libFuzzer target: a DNS reply's wire bytes through ldns_wire2pkt and the answer and referral readers, as the
/// reply to the names and types vanityns asks (a zone apex and a vanity host, each record type).
@main enum FuzzDNS {
    static func main() {
        Fuzzer.run { input in
            let wire = [UInt8](input)
            for name in ["example.com", "ns1.example.com."] {
                for type in [DNSRecordType.a, .aaaa, .ns, .soa, .cname] {
                    guard WireReader.read(wire, name: name, type: type) != nil else { return }
                }
            }
        }
    }
}
