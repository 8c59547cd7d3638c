import Foundation
import CIDN2

/// A DNS name in canonical ASCII form (lowercase, no trailing dot), with its Unicode form when it is an IDN.
///
/// `DomainName.parse("Bücher.example.")` gives `xn--bcher-kva.example` with `unicode == "bücher.example"`.
/// Equality and hashing are case-insensitive because the stored form is lowercase.
public struct DomainName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Lowercase ASCII (A-labels for IDNs), no trailing dot: `xn--bcher-kva.example`.
    public let ascii: String
    /// The Unicode form when any label is an IDN (`bücher.example`), else nil.
    public let unicode: String?

    /// How strictly labels are checked.
    public enum Rule: Sendable {
        /// Letters, digits and hyphens, no hyphen at either end of a label (RFC 952/1123): name server host names.
        case hostName
        /// Any label made of letters, digits, hyphens and underscores (zone names such as `_dmarc.example.com`).
        case zoneName
    }

    /// Why a name was refused.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var input: String
        public var reason: String
        public var description: String { "\(input): \(reason)" }
    }

    /// Parses user input or a name from Route 53: trims spaces, drops one trailing dot, decodes Route 53's `\ddd`
    /// escapes, converts Unicode to ASCII with libidn2 (UTS #46 non-transitional) and checks the syntax.
    public static func parse(_ input: String, rule: Rule = .hostName) throws -> DomainName {
        var text = decodeEscapes(input.trimmingCharacters(in: .whitespaces))
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { throw Invalid(input: input, reason: "the name is empty") }
        // Before libidn2, which takes a C string: a NUL would cut the name there and a different name would pass.
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw Invalid(input: input, reason: "the name holds a control character (U+\(String(format: "%04X", bad.value)))")
        }
        if text.hasSuffix(".") || text.hasPrefix(".") || text.contains("..") {
            throw Invalid(input: input, reason: "the name has an empty label (two dots in a row, or a leading dot)")
        }
        var ascii = text.lowercased()
        if text.unicodeScalars.contains(where: { !$0.isASCII }) {
            ascii = try toASCII(text, input: input)
            // UTS #46 maps some characters to nothing (U+00AD soft hyphen, zero-width joiners...): a label of only
            // those is gone after the mapping (a fuzz finding: "\u{AD}" became the empty name).
            if ascii.isEmpty || ascii.hasPrefix(".") || ascii.hasSuffix(".") || ascii.contains("..") {
                throw Invalid(input: input, reason: "a label is empty once invisible characters (such as U+00AD, the soft hyphen) are "
                              + "dropped, as IDNA drops them; type the name without them")
            }
        }
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            if label.utf8.count > 63 {
                throw Invalid(input: input, reason: "the label '\(label)' is \(label.utf8.count) octets long; a label may have at most 63")
            }
            let allowed: (UInt8) -> Bool = { c in
                (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || (rule == .zoneName && (c == 0x5f || c == 0x2a))
            }
            if let bad = label.utf8.first(where: { !allowed($0) }) {
                let ch = String(UnicodeScalar(bad))
                throw Invalid(input: input, reason: rule == .hostName
                    ? "'\(ch)' is not allowed in a host name: use only letters, digits and hyphens"
                    : "'\(ch)' is not allowed in a zone name")
            }
            if rule == .hostName && (label.hasPrefix("-") || label.hasSuffix("-")) {
                throw Invalid(input: input, reason: "the label '\(label)' starts or ends with a hyphen, which a host name may not")
            }
        }
        // 253 characters in text form = 255 octets on the wire.
        if ascii.utf8.count > 253 {
            throw Invalid(input: input, reason: "the name is \(ascii.utf8.count) characters long; a name may have at most 253")
        }
        let unicode = labels.contains(where: { $0.hasPrefix("xn--") }) ? toUnicode(ascii) : nil
        return DomainName(ascii: ascii, unicode: unicode == ascii ? nil : unicode)
    }

    /// A name already known to be valid (canonicalises case and the trailing dot; no checks).
    public init(trusted text: String) {
        var t = DomainName.decodeEscapes(text).lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        ascii = t; unicode = nil
    }

    private init(ascii: String, unicode: String?) { self.ascii = ascii; self.unicode = unicode }

    /// With the trailing dot, as Route 53 writes names: `example.com.`.
    public var fqdn: String { ascii + "." }
    /// `xn--bcher-kva.example (bücher.example)` for IDNs, else the ASCII name.
    public var display: String { unicode.map { "\(ascii) (\($0))" } ?? ascii }
    public var description: String { ascii }
    /// The labels, leftmost first.
    public var labels: [Substring] { ascii.split(separator: ".") }
    /// The name one label up (`example.com` for `ns1.example.com`); nil for a top-level name.
    public var parent: DomainName? {
        guard let dot = ascii.firstIndex(of: ".") else { return nil }
        return DomainName(ascii: String(ascii[ascii.index(after: dot)...]), unicode: nil)
    }

    /// True when this name is `domain` itself or below it (`ns1.example.com` is inside `example.com`).
    public func isInside(_ domain: DomainName) -> Bool {
        ascii == domain.ascii || ascii.hasSuffix("." + domain.ascii)
    }

    /// True when this name is strictly below `domain`.
    public func isBelow(_ domain: DomainName) -> Bool { ascii != domain.ascii && isInside(domain) }

    public static func < (a: DomainName, b: DomainName) -> Bool { a.ascii < b.ascii }
    /// Names are equal when their ASCII forms are; the Unicode form is only for display.
    public static func == (a: DomainName, b: DomainName) -> Bool { a.ascii == b.ascii }
    public func hash(into h: inout Hasher) { h.combine(ascii) }

    /// Decodes Route 53's octal escapes (`\052` is `*`) and backslash-escaped characters.
    public static func decodeEscapes(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            let isOctal = { (j: Int) in j < b.count && b[j] >= 0x30 && b[j] <= 0x37 }
            if b[i] == 0x5c && isOctal(i + 1) && isOctal(i + 2) && isOctal(i + 3) {
                let v = Int(b[i + 1] - 0x30) * 64 + Int(b[i + 2] - 0x30) * 8 + Int(b[i + 3] - 0x30)
                out.append(UInt8(truncatingIfNeeded: v)); i += 4
            } else if b[i] == 0x5c && i + 1 < b.count {
                out.append(b[i + 1]); i += 2
            } else {
                out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func toASCII(_ text: String, input: String) throws -> String {
        var output: UnsafeMutablePointer<CChar>?
        let rc = idn2_to_ascii_8z(text, &output, Int32(IDN2_NONTRANSITIONAL.rawValue))
        defer { if let output { idn2_free(output) } }
        guard rc == IDN2_OK.rawValue, let output else {
            let why = idn2_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            throw Invalid(input: input, reason: "not a valid internationalised domain name (\(why))")
        }
        return String(cString: output).lowercased()
    }

    private static func toUnicode(_ ascii: String) -> String? {
        var output: UnsafeMutablePointer<CChar>?
        let rc = idn2_to_unicode_8z8z(ascii, &output, 0)
        defer { if let output { idn2_free(output) } }
        guard rc == IDN2_OK.rawValue, let output else { return nil }
        return String(cString: output)
    }
}
