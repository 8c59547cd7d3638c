import FuzzSupport
import WhiteLabel

/// libFuzzer target: a typed or Route 53 name through the host and zone name validator (escapes, IDN with libidn2).
/// What it accepts must be canonical: lowercase ASCII, no trailing dot, at most 253 octets, and parse to itself.
@main enum FuzzNames {
    static func main() {
        Fuzzer.run { input in
            let text = String(decoding: input, as: UTF8.self)
            for rule in [DomainName.Rule.hostName, .zoneName] {
                guard let name = try? DomainName.parse(text, rule: rule) else { continue }
                precondition(name.ascii.utf8.count <= 253 && !name.ascii.hasSuffix(".") && name.ascii == name.ascii.lowercased(),
                             "not canonical: \(name.ascii)")
                precondition(name.ascii.unicodeScalars.allSatisfy(\.isASCII), "not ASCII: \(name.ascii)")
                precondition((try? DomainName.parse(name.ascii, rule: rule)) == name, "\(name.ascii) does not parse to itself")
                _ = name.display
                _ = name.parent
            }
        }
    }
}
