import Foundation

/// An element to write: children in the order given (the botocore model's member order).
public indirect enum XMLNode: Sendable, Equatable {
    /// `<name>text</name>`, text escaped.
    case leaf(String, String)
    /// `<name>children...</name>`.
    case element(String, [XMLNode])

    /// A leaf only when `value` is present: optional members are left out, never written empty.
    public static func optional(_ name: String, _ value: String?) -> XMLNode? { value.map { .leaf(name, $0) } }
}

/// Writes Route 53 request bodies: an XML declaration, the root element in the 2013-04-01 namespace, escaped text.
public enum XMLWriter {
    /// The Route 53 API namespace every request root carries.
    public static let route53Namespace = "https://route53.amazonaws.com/doc/2013-04-01/"

    /// The whole document for `root`'s `children`, UTF-8 encoded.
    public static func document(root: String, namespace: String = route53Namespace, _ children: [XMLNode?]) -> Data {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root) xmlns=\"\(escape(namespace))\">"
        for c in children.compactMap({ $0 }) { write(c, into: &out) }
        out += "</\(root)>"
        return Data(out.utf8)
    }

    private static func write(_ node: XMLNode, into out: inout String) {
        switch node {
        case let .leaf(name, value): out += "<\(name)>\(escape(value))</\(name)>"
        case let .element(name, children):
            out += "<\(name)>"
            for c in children { write(c, into: &out) }
            out += "</\(name)>"
        }
    }

    /// Escapes text and attribute values: `& < > " '`, and CR/TAB/LF as character references so a parser keeps them.
    public static func escape(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&apos;"
            case "\r": r += "&#13;"
            case "\n": r += "&#10;"
            case "\t": r += "&#9;"
            default: r.unicodeScalars.append(ch)
            }
        }
        return r
    }
}
