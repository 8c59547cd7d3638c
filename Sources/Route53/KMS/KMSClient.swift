import Foundation

/// The live KMS client (JSON 1.1, `X-Amz-Target: TrentService.<Operation>`, signed for `kms` in the key's region),
/// through the same executor as Route 53 Domains. One client per region: a key's ARN names its region.
public final class KMSClient: KMSAPI {
    private let json: JSONProtocol

    /// `endpoint`: `AWSService.kms.defaultEndpoint(region:)` or a configured one (its region is the signing region).
    public init(endpoint: ServiceEndpoint, credentials: any CredentialProvider, transport: any HTTPTransport = CurlTransport.shared,
                events: RequestEventHub? = nil, options: ClientOptions = ClientOptions()) {
        let executor = RequestExecutor(endpoint: endpoint, credentials: credentials, transport: transport, events: events,
                                       options: options, decodeError: JSONProtocol.error(from:))
        json = JSONProtocol(executor: executor, targetPrefix: "TrentService")
    }

    public func describeKey(arn: String) async throws -> KMSKey {
        let described = try await json.call("DescribeKey", ["KeyId": arn])
        // GetKeyPolicy takes a key ID or ARN, not an alias: the ARN DescribeKey gave.
        let keyArn = ((described["KeyMetadata"] as? [String: Any])?["Arn"] as? String) ?? arn
        return try Self.key(described, policy: try await json.call("GetKeyPolicy", ["KeyId": keyArn, "PolicyName": "default"]), asked: arn)
    }

    /// DescribeKey's and GetKeyPolicy's answers as a `KMSKey`; `asked` stands in for a missing Arn.
    static func key(_ described: [String: Any], policy: [String: Any], asked: String) throws -> KMSKey {
        guard let meta = described["KeyMetadata"] as? [String: Any] else { throw Route53Error.malformedResponse("DescribeKey answer without KeyMetadata") }
        return KMSKey(arn: meta["Arn"] as? String ?? asked, keySpec: (meta["KeySpec"] ?? meta["CustomerMasterKeySpec"]) as? String ?? "",
                      keyUsage: meta["KeyUsage"] as? String ?? "", keyState: meta["KeyState"] as? String ?? "",
                      policy: policy["Policy"] as? String ?? "")
    }

    public func createSigningKey(description: String) async throws -> String {
        var call = try json.request("CreateKey", ["KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Description": description])
        call.idempotent = false  // a resent CreateKey makes a second key
        let o = try await json.send(call)
        guard let arn = (o["KeyMetadata"] as? [String: Any])?["Arn"] as? String else { throw Route53Error.malformedResponse("CreateKey answer without KeyMetadata.Arn") }
        return arn
    }

    public func putKeyPolicy(arn: String, policy: String) async throws {
        _ = try await json.call("PutKeyPolicy", ["KeyId": arn, "PolicyName": "default", "Policy": policy])
    }

    public func createAlias(_ alias: String, keyArn: String) async throws {
        _ = try await json.call("CreateAlias", ["AliasName": alias, "TargetKeyId": keyArn])
    }
}
