import Foundation

/// Reads the JSON credential documents that `credential_process`, the container service and instance metadata
/// return. Messages describe what is missing, never the document's content.
enum CredentialDocument {
    /// Parses `data`. `tokenKeys` lists the names the session token may have (`SessionToken`, `Token`).
    static func parse(_ data: Data, source: String, what: String, tokenKeys: [String]) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
            throw Route53Error.credentials("\(what) did not return a JSON object")
        }
        guard let id = json["AccessKeyId"] as? String, !id.isEmpty,
              let secret = json["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw Route53Error.credentials("\(what) returned JSON without AccessKeyId and SecretAccessKey")
        }
        let token = tokenKeys.lazy.compactMap { json[$0] as? String }.first { !$0.isEmpty }
        var expiration: Date?
        if let text = json["Expiration"] as? String {
            guard let date = parseDate(text) else {
                throw Route53Error.credentials("\(what) returned an Expiration that is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
    }

    /// ISO 8601 with or without fractional seconds (`2025-01-02T03:04:05Z`, `...05.123+00:00`).
    ///
    /// Foundation's `ISO8601FormatStyle` (Swift code), not `ISO8601DateFormatter`: the latter hands the text to ICU,
    /// whose parser dies of a division by zero on a fraction of about 80 digits (the fuzzer's
    /// regression-long-fraction), and the document comes from a process or a metadata service we do not control.
    static func parseDate(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
