import Foundation

/// Where a service is reached and how requests to it are signed.
public struct ServiceEndpoint: Sendable, Equatable {
    /// `https` or (loopback only) `http`.
    public var scheme: String
    public var host: String
    public var port: Int?
    /// A path prefix from an endpoint URL such as `http://127.0.0.1:5000/prefix` (empty for none, no trailing `/`).
    public var basePath: String
    /// SigV4 region (`us-east-1` for Route 53's global endpoint).
    public var region: String
    /// SigV4 service name: `route53` or `route53domains`.
    public var signingService: String

    public init(scheme: String, host: String, port: Int? = nil, basePath: String = "", region: String, signingService: String) {
        self.scheme = scheme; self.host = host; self.port = port; self.basePath = basePath
        self.region = region; self.signingService = signingService
    }

    /// The real Route 53 endpoint.
    public static let route53 = ServiceEndpoint(scheme: "https", host: "route53.amazonaws.com", region: "us-east-1", signingService: "route53")
    /// The real Route 53 Domains endpoint.
    public static let route53Domains = ServiceEndpoint(scheme: "https", host: "route53domains.us-east-1.amazonaws.com", region: "us-east-1", signingService: "route53domains")

    /// `scheme://host[:port]basePath`, for messages.
    public var url: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h)\(port.map { ":\($0)" } ?? "")\(basePath)"
    }
}
