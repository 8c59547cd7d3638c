import Foundation

/// An HTTP request as it goes on the wire: the path and query are already percent-encoded exactly as sent,
/// so the signer signs what the transport sends.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// `https` or `http` (loopback only; the endpoint resolver refuses anything else).
    public var scheme: String
    public var host: String
    public var port: Int?
    /// Percent-encoded path, starting with `/`.
    public var path: String
    /// Percent-encoded query without the `?`, empty for none.
    public var query: String
    /// Header fields in order; names keep their case.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Sent on a connection of its own, closed afterwards. libcurl silently resends a request whose reused
    /// connection died before any answer; for a write that is not safe to repeat that resend must not happen (the
    /// request may have been acted on), so such writes never go out on a reused connection.
    public var freshConnection = false

    public init(method: String, scheme: String = "https", host: String, port: Int? = nil, path: String,
                query: String = "", headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method; self.scheme = scheme; self.host = host; self.port = port; self.path = path
        self.query = query; self.headers = headers; self.body = body
    }

    /// `host` or `host:port` when the port is not the scheme's default: the value of the Host header.
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The full URL string handed to the transport.
    public var urlString: String {
        "\(scheme)://\(hostHeader)\(path)\(query.isEmpty ? "" : "?" + query)"
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.urlString == b.urlString && a.body == b.body
            && a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" }
    }
}

/// An HTTP response: status, header fields (names lowercased) and body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public init(status: Int, headers: [String: String], body: Data) { self.status = status; self.headers = headers; self.body = body }
}

/// Sends HTTP requests. `CurlTransport` is the live one.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response; throws `Route53Error.transport` when no answer arrives
    /// within `timeout` seconds, and `Route53Error.cancelled` when the calling task is cancelled.
    func send(_ request: HTTPRequest, timeout: Double) async throws -> HTTPResponse
}
