import Foundation
import CXML2

/// An immutable XML element: what the Route 53 response decoders walk. Namespaces are dropped from names.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own text (its text and CDATA children joined), whitespace kept.
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name; self.attributes = attributes; self.children = children; self.text = text
    }

    /// The first child element called `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child element called `name`, in document order.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The text of the first child called `name`, nil when there is no such child.
    public func text(_ name: String) -> String? { child(name)?.text }

    /// Follows a path of child names (`element(at: "HostedZone", "Config")`).
    public func element(at path: String...) -> XMLElement? {
        var e: XMLElement? = self
        for p in path { e = e?.child(p) }
        return e
    }
}

/// Parses XML documents with libxml2: no network, no entity substitution, no DTD loading.
public enum XMLParser {
    private static let initialized: Void = { xmlInitParser() }()

    /// Parses `data` into an element tree.
    /// - Throws: `Route53Error.malformedResponse` with a short excerpt when `data` is not a well-formed XML document
    ///   (an HTML page, a truncated body, an empty answer).
    public static func parse(_ data: Data) throws -> XMLElement {
        _ = initialized
        if data.isEmpty { throw Route53Error.malformedResponse("empty body where an XML document was expected") }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc: xmlDocPtr? = data.withUnsafeBytes { raw in
            xmlReadMemory(raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let doc else {
            throw Route53Error.malformedResponse("not a well-formed XML document: \(excerpt(data))")
        }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else {
            throw Route53Error.malformedResponse("XML document without a root element: \(excerpt(data))")
        }
        return convert(root)
    }

    /// The first bytes of `data` on one line, for error messages.
    public static func excerpt(_ data: Data, limit: Int = 80) -> String {
        let s = String(decoding: data.prefix(limit), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        return "\"" + s + (data.count > limit ? "…" : "") + "\""
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private static func convert(_ node: xmlNodePtr) -> XMLElement {
        var attributes: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            var value = ""
            var t = a.pointee.children
            while let n = t { value += string(n.pointee.content); t = n.pointee.next }
            attributes[string(a.pointee.name)] = value
            attr = a.pointee.next
        }
        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE: children.append(convert(c))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: text += string(c.pointee.content)
            default: break
            }
            child = c.pointee.next
        }
        return XMLElement(name: string(node.pointee.name), attributes: attributes, children: children, text: text)
    }
}
