import Foundation

/// JSON written exactly as Python's `json.dumps(obj, sort_keys=True)` writes a flat object of strings and integers
/// (`ensure_ascii`, separators `", "` and `": "`, or `","` and `":"` when compact): cache keys must match the CLI's.
public enum PythonJSON {
    enum Value: Sendable { case string(String), int(Int) }

    static func dumps(_ pairs: [(String, Value)], compact: Bool) -> String {
        let (item, kv) = compact ? (",", ":") : (", ", ": ")
        let body = pairs.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }.map { pair -> String in
            let value: String
            switch pair.1 {
            case let .string(s): value = quote(s)
            case let .int(i): value = String(i)
            }
            return quote(pair.0) + kv + value
        }
        return "{" + body.joined(separator: item) + "}"
    }

    /// A JSON string as Python writes it: with `asciiOnly` (`ensure_ascii=True`, the default) every character
    /// outside printable ASCII as `\uXXXX`, else only control characters escaped.
    public static func quote(_ s: String, asciiOnly: Bool = true) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(u)
            case 0..<0x20: out += String(format: "\\u%04x", u.value)
            default:
                if !asciiOnly { out.unicodeScalars.append(u); continue }
                for unit in String(u).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out + "\""
    }
}
