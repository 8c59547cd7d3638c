import Foundation

/// JSON in the AWS CLI's shape: PascalCase member names (`CallerReference`, `TTL`, `DNSName`), sorted keys, pretty.
public enum AWSJSON {
    /// Member names whose AWS spelling is not a plain capitalisation of the Swift name.
    static let special: [String: String] = ["ttl": "TTL", "dnsName": "DNSName", "glueIps": "GlueIps", "awsRegion": "AWSRegion"]

    /// An encoder that writes AWS member names.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .custom { path in
            let key = path.last!.stringValue
            return AnyKey(special[key] ?? (key.prefix(1).uppercased() + key.dropFirst()))
        }
        return e
    }

    /// A decoder that reads AWS member names.
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        let reverse = Dictionary(uniqueKeysWithValues: special.map { ($1, $0) })
        d.keyDecodingStrategy = .custom { path in
            let key = path.last!.stringValue
            return AnyKey(reverse[key] ?? (key.prefix(1).lowercased() + key.dropFirst()))
        }
        return d
    }

    /// Encodes `value` to a UTF-8 string in the AWS CLI's shape.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
