import Crypto
import Foundation

/// AWS Signature Version 4 (header form) for a request with a fixed body, following botocore's `SigV4Auth`
/// for non-S3 services: the path is normalized and URI-encoded again, the query is signed pair by pair in
/// canonical (RFC 3986) form, every header except hop-by-hop ones is signed, and the body's SHA-256 is used
/// without an `X-Amz-Content-SHA256` header (botocore adds that header only for S3).
///
/// ```swift
/// var request = HTTPRequest(method: "GET", host: "route53.amazonaws.com", path: "/2013-04-01/hostedzone")
/// SigV4Signer(region: "us-east-1", service: "route53").sign(&request, credentials: creds)
/// ```
public struct SigV4Signer: Sendable {
    public var region: String
    public var service: String
    public init(region: String, service: String) { self.region = region; self.service = service }

    /// The algorithm name at the start of the `Authorization` header and the string to sign.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers never signed (botocore's `SIGNED_HEADERS_BLACKLIST`, plus `authorization` itself): proxies and
    /// HTTP clients may add, drop or rewrite them on the way.
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Adds `Host` (when missing), `X-Amz-Date`, `X-Amz-Security-Token` (when the credentials have a session
    /// token) and `Authorization` to `request`, replacing any earlier ones (a retry is signed afresh).
    public func sign(_ request: inout HTTPRequest, credentials: AWSCredentials, date: Date = Date()) {
        let timestamp = Self.timestamp(date)
        var drop: Set<String> = ["authorization", "x-amz-date"]
        if credentials.sessionToken != nil { drop.insert("x-amz-security-token") }
        request.headers.removeAll { drop.contains($0.name.lowercased()) }
        if request.header("Host") == nil {
            request.headers.insert(("Host", request.hostHeader.lowercased()), at: 0)
        }
        request.headers.append(("X-Amz-Date", timestamp))
        if let token = credentials.sessionToken { request.headers.append(("X-Amz-Security-Token", token)) }

        let canonical = canonicalRequest(for: request)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        let signature = signature(stringToSign: toSign, secretAccessKey: credentials.secretAccessKey,
                                  dateStamp: String(timestamp.prefix(8)))
        let scope = credentialScope(dateStamp: String(timestamp.prefix(8)))
        request.headers.append(("Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders(for: request)), Signature=\(signature)"))
    }

    // MARK: - The steps, exposed for tests and debugging

    /// The canonical request: method, canonical path, canonical query, canonical headers, signed headers and the
    /// body's SHA-256 (or the `X-Amz-Content-SHA256` header's value when the request carries one).
    public func canonicalRequest(for request: HTTPRequest) -> String {
        let headers = Self.headersToSign(request)
        let canonicalHeaders = headers.map { "\($0.name):\($0.value)\n" }.joined()
        let payload = request.header("X-Amz-Content-SHA256") ?? Self.hexSHA256(request.body)
        return [request.method.uppercased(), Self.canonicalPath(request.path), Self.canonicalQuery(request.query),
                canonicalHeaders, headers.map(\.name).joined(separator: ";"), payload].joined(separator: "\n")
    }

    /// The `SignedHeaders` list: lowercased names, sorted, joined with `;`.
    public func signedHeaders(for request: HTTPRequest) -> String {
        Self.headersToSign(request).map(\.name).joined(separator: ";")
    }

    /// `date/region/service/aws4_request`.
    public func credentialScope(dateStamp: String) -> String { "\(dateStamp)/\(region)/\(service)/aws4_request" }

    /// The string to sign: algorithm, timestamp (`yyyyMMddTHHmmssZ`), credential scope, SHA-256 of the canonical request.
    public func stringToSign(canonicalRequest: String, timestamp: String) -> String {
        [Self.algorithm, timestamp, credentialScope(dateStamp: String(timestamp.prefix(8))),
         Self.hexSHA256(Data(canonicalRequest.utf8))].joined(separator: "\n")
    }

    /// The hex HMAC-SHA256 of `stringToSign` under the key derived from the secret, date, region and service.
    public func signature(stringToSign: String, secretAccessKey: String, dateStamp: String) -> String {
        var key = SymmetricKey(data: Data(("AWS4" + secretAccessKey).utf8))
        for part in [dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return Self.hex(mac)
    }

    /// `yyyyMMddTHHmmssZ` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), byte by byte
    /// in UTF-8, upper-case hex: the form SigV4 signs. Build `HTTPRequest.query` values with it so the query
    /// is sent exactly as it is signed.
    public static func percentEncode(_ string: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0xF)]
            }
        }
        return out
    }

    // MARK: - Canonical parts

    /// The path with empty and dot segments removed (RFC 3986 5.2.4, as botocore does for non-S3 services), then
    /// URI-encoded with `/` kept. The path is already encoded as sent, so `%` becomes `%25`: AWS's "encode twice".
    static func canonicalPath(_ path: String) -> String {
        percentEncode(removeDotSegments(path.isEmpty ? "/" : path), keepSlash: true)
    }

    /// botocore's `remove_dot_segments`, which also collapses repeated slashes.
    static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) where !segment.isEmpty && segment != "." {
            if segment == ".." { _ = output.popLast() } else { output.append(segment) }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }

    /// Each `name=value` pair decoded and re-encoded in canonical form, sorted by name then value (byte order).
    /// A query already encoded canonically (as the client builds it) is signed exactly as sent.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentEncode(percentDecode(String(parts[0])))
            let value = parts.count > 1 ? percentEncode(percentDecode(String(parts[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { a, b in
            a.0 != b.0 ? a.0.utf8.lexicographicallyPrecedes(b.0.utf8) : a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
        }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Decodes `%XX` escapes (a `%` not followed by two hex digits stays as it is). Invalid UTF-8 is repaired.
    static func percentDecode(_ string: String) -> String {
        let bytes = Array(string.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercased names (sorted by byte order) with their values trimmed, inner whitespace runs collapsed and
    /// repeated fields joined with `,` in the order they appear.
    static func headersToSign(_ request: HTTPRequest) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for field in request.headers {
            let name = field.name.lowercased()
            guard !unsignedHeaders.contains(name) else { continue }
            values[name, default: []].append(field.value.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        if values["host"] == nil { values["host"] = [request.hostHeader.lowercased()] }
        return values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { (name: $0, value: values[$0]!.joined(separator: ",")) }
    }

    static func hexSHA256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static let hexDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]

    private static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
