import Foundation

/// The JSON 1.1 protocol Route 53 Domains and KMS speak: `POST /` with `X-Amz-Target: <prefix>.<Operation>`, a JSON
/// object each way, errors as `__type` and `message`. Both clients send through it.
struct JSONProtocol: Sendable {
    let executor: RequestExecutor
    /// `Route53Domains_v20140515`, `TrentService` (KMS).
    let targetPrefix: String

    /// The request for `operation` with a JSON object.
    func request(_ operation: String, _ input: [String: Any]) throws -> APICall {
        let body = try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])
        return APICall(operation: operation, method: "POST", path: "/",
                       headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "\(targetPrefix).\(operation)")],
                       body: body)
    }

    /// Sends a request and returns the answer's JSON object.
    func send(_ call: APICall) async throws -> [String: Any] {
        try await executor.send(call) { response in JSONBox(try Self.object(response)) }.value
    }

    /// Calls `operation` with a JSON object and returns the answer's JSON object.
    func call(_ operation: String, _ input: [String: Any]) async throws -> [String: Any] {
        try await send(try request(operation, input))
    }

    /// `[String: Any]` is not Sendable; the dictionary is freshly parsed and never shared.
    private struct JSONBox: @unchecked Sendable { let value: [String: Any]; init(_ v: [String: Any]) { value = v } }

    /// The answer's JSON object (empty for an empty body, or `null`, which some stand-ins answer for no members).
    static func object(_ response: HTTPResponse) throws -> [String: Any] {
        if response.body.isEmpty || String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "null" { return [:] }
        guard let o = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw Route53Error.malformedResponse("HTTP \(response.status) with a body that is not a JSON object: \(XMLParser.excerpt(response.body))")
        }
        return o
    }

    /// Decodes a JSON 1.1 error (`__type` and `message`) into `Route53Error.service`.
    static func error(from response: HTTPResponse) -> Route53Error {
        guard let o = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let type = (o["__type"] as? String) ?? (o["code"] as? String) ?? response.headers["x-amzn-errortype"] else {
            return .malformedResponse("HTTP \(response.status) with a body that is not a JSON error: \(XMLParser.excerpt(response.body))")
        }
        var code = type
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        let message = (o["message"] as? String) ?? (o["Message"] as? String) ?? ""
        return .service(code: code, message: message, status: response.status, requestId: response.headers["x-amzn-requestid"])
    }
}
