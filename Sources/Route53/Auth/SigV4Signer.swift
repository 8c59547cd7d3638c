import Foundation

/// AWS Signature Version 4 for a request with a fixed body.
/// PLACEHOLDER: writes the headers' shape with a dummy signature; replaced by the real signer.
public struct SigV4Signer: Sendable {
    public var region: String
    public var service: String
    public init(region: String, service: String) { self.region = region; self.service = service }

    /// Adds `X-Amz-Date`, `X-Amz-Content-Sha256` when asked, `X-Amz-Security-Token` and `Authorization` to `request`.
    public func sign(_ request: inout HTTPRequest, credentials: AWSCredentials, date: Date = Date()) {
        let f = DateFormatter(); f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = f.string(from: date)
        request.headers.append(("Host", request.hostHeader))
        request.headers.append(("X-Amz-Date", stamp))
        if let t = credentials.sessionToken { request.headers.append(("X-Amz-Security-Token", t)) }
        request.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(stamp.prefix(8))/\(region)/\(service)/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"))
    }
}
