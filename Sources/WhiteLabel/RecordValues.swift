import Foundation
import Route53
#if canImport(Glibc)
import Glibc
#endif

/// An SOA record's seven fields, parsed from Route 53's one-line value.
public struct SOAValue: Sendable, Equatable {
    public var mname: String
    public var rname: String
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    /// Parses `ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400`; nil when it is not seven
    /// fields with five unsigned 32-bit numbers.
    public init?(_ text: String) {
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard f.count == 7, let n = Optional(f[2...].compactMap { UInt32($0) }), n.count == 5,
              !f[0].contains("{"), !f[1].contains("{") else { return nil }
        mname = f[0]; rname = f[1]
        serial = n[0]; refresh = n[1]; retry = n[2]; expire = n[3]; minimum = n[4]
    }

    /// The value in Route 53's form, fields separated by single spaces.
    public var text: String { "\(mname) \(rname) \(serial) \(refresh) \(retry) \(expire) \(minimum)" }

    /// Explains an SOA value that does not parse, for the user.
    static func problem(zone: String, value: String) -> String {
        "the SOA record cannot be read (\"\(value)\"); it must be seven fields: MNAME RNAME serial refresh retry expire "
            + "minimum. vanityns does not rewrite an SOA it cannot read: fix it in Route 53 first (for a new zone, the "
            + "SOA Route 53 writes is '<first name server>. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400')"
    }
}

/// Canonical forms of record values, so `NS1.Example.com` equals `ns1.example.com.` and `2600:9000:5300:0::1`
/// equals `2600:9000:5300::1`.
enum Canonical {
    /// Lowercase with the trailing dot, escapes decoded.
    static func name(_ s: String) -> String { DomainName(trusted: s).fqdn }

    /// An IPv4 or IPv6 address in its standard text form (IPv6 compressed, lowercase); the input when not an address.
    static func address(_ s: String) -> String {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, t, &a) == 1 else { return t.lowercased() }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count)) != nil else { return t.lowercased() }
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        var a = in_addr()
        guard inet_pton(AF_INET, t, &a) == 1 else { return t }
        var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count)) != nil else { return t }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True for a valid IPv4 address.
    static func isIPv4(_ s: String) -> Bool { var a = in_addr(); return inet_pton(AF_INET, s, &a) == 1 }
    /// True for a valid IPv6 address.
    static func isIPv6(_ s: String) -> Bool { var a = in6_addr(); return inet_pton(AF_INET6, s, &a) == 1 }

    /// Sorted canonical addresses without duplicates.
    static func addresses(_ list: [String]) -> [String] { Array(Set(list.map(address))).sorted() }

    /// The record's values in canonical form, sorted, for comparison.
    static func values(of set: ResourceRecordSet) -> [String] {
        switch set.type.uppercased() {
        case "A", "AAAA": return addresses(set.values)
        case "NS", "CNAME": return Array(Set(set.values.map(name))).sorted()
        case "SOA":
            guard let v = set.values.first, var soa = SOAValue(v) else { return set.values }
            soa.mname = name(soa.mname); soa.rname = name(soa.rname)
            return [soa.text]
        default: return set.values
        }
    }

    /// Same name, type, TTL and values (canonically); routing and alias fields must both be absent.
    static func same(_ a: ResourceRecordSet, _ b: ResourceRecordSet) -> Bool {
        name(a.name) == name(b.name) && a.type.uppercased() == b.type.uppercased() && a.ttl == b.ttl
            && a.aliasTarget == b.aliasTarget && values(of: a) == values(of: b)
    }

    /// A key naming one record set in a zone: `ns1.example.com.|A`.
    static func key(_ set: ResourceRecordSet) -> String { key(name: set.name, type: set.type) }
    static func key(name n: String, type: String) -> String { "\(name(n))|\(type.uppercased())" }
}

extension ChangeRole {
    /// The role a record type plays in a vanityns change.
    static func of(type: String) -> ChangeRole {
        switch type.uppercased() {
        case "NS": return .apexNS
        case "SOA": return .soa
        default: return .glue
        }
    }
}
