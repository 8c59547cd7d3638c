import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A checked `http(s)://host[:port][/path][?query]` URL, for endpoints and credential services.
struct EndpointURL: Sendable, Equatable {
    var scheme: String
    /// Lowercased, without IPv6 brackets.
    var host: String
    var port: Int?
    /// Percent-encoded path, empty or starting with `/`.
    var path: String
    /// Percent-encoded query without `?`.
    var query: String

    /// Parses `string`. `origin` says where it came from (`AWS_ENDPOINT_URL`, `--endpoint-url`, ...) for messages.
    /// The URL is repeated in messages only when it has no user-info (which could hold a password).
    static func parse(_ string: String, origin: String, allowQuery: Bool = false) throws -> EndpointURL {
        let text = string.trimmingCharacters(in: .whitespaces)
        func fail(_ why: String, showURL: Bool = true) -> Route53Error {
            .configuration("\(origin)\(showURL ? " (\(text))" : ""): \(why)")
        }
        guard !text.isEmpty else { throw Route53Error.configuration("\(origin) is empty: give a URL such as https://route53.example.com") }
        guard let c = URLComponents(string: text), let rawScheme = c.scheme else {
            throw fail("not a URL; expected https://host[:port][/path]")
        }
        let scheme = rawScheme.lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw fail("unsupported scheme `\(rawScheme)`; use https://")
        }
        if c.user != nil || c.password != nil || c.percentEncodedUser != nil {
            throw fail("user names and passwords in the URL are not allowed; remove the part before `@`", showURL: false)
        }
        guard var host = c.host, !host.isEmpty else { throw fail("the URL has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw fail("the URL has no host") }
        if let port = c.port, !(1...65535).contains(port) { throw fail("port \(port) is out of range (1-65535)") }
        if c.port == nil, let authority = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first,
           authority.hasSuffix(":") {
            throw fail("the port after `:` is missing")
        }
        if !allowQuery, c.percentEncodedQuery != nil { throw fail("an endpoint URL cannot have a query (`?...`)") }
        if c.fragment != nil { throw fail("the URL cannot have a fragment (`#...`)") }
        return EndpointURL(scheme: scheme, host: host.lowercased(), port: c.port, path: c.percentEncodedPath,
                           query: c.percentEncodedQuery ?? "")
    }

    /// True for `localhost`, 127.0.0.0/8 and ::1: hosts whose traffic never leaves this machine.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }

    /// A request to this URL (plus `suffix` appended to the path).
    func request(method: String, appendingPath suffix: String = "", headers: [(name: String, value: String)] = []) -> HTTPRequest {
        let p = path + suffix
        return HTTPRequest(method: method, scheme: scheme, host: host, port: port, path: p.isEmpty ? "/" : p,
                           query: query, headers: headers)
    }
}
