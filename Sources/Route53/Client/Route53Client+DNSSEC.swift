import Foundation

/// Route 53's DNSSEC operations (botocore route53 2013-04-01: CreateKeySigningKey, Activate/DeactivateKeySigningKey,
/// Enable/DisableHostedZoneDNSSEC, GetDNSSEC).
extension Route53Client: Route53DNSSECAPI {
    public func getDNSSECDetail(zoneId: String) async throws -> DNSSECDetail {
        let doc = try await xml(APICall(operation: "GetDNSSEC", method: "GET", path: Self.api + "/hostedzone/" + Self.seg(zoneId) + "/dnssec"),
                                root: "GetDNSSECResponse")
        let status = try Route53XMLCodec.requiredElement(doc, "Status")
        return DNSSECDetail(status: DNSSECStatus(serveSignature: try Route53XMLCodec.required(status, "ServeSignature"),
                                                 statusMessage: status.text("StatusMessage")),
                            keySigningKeys: try doc.child("KeySigningKeys")?.children("KeySigningKey").map(Route53XMLCodec.keySigningKey) ?? [])
    }

    /// Create first; a repeat (a rerun, or a retry whose first answer was lost) meets KeySigningKeyAlreadyExists and
    /// returns the zone's KSK of that name when it is backed by the same KMS key.
    public func createKeySigningKey(zoneId: String, name: String, kmsArn: String, active: Bool, callerReference: String) async throws -> KeySigningKey {
        let body = XMLWriter.document(root: "CreateKeySigningKeyRequest", [
            .leaf("CallerReference", callerReference), .leaf("HostedZoneId", ResourceID.bare(zoneId)),
            .leaf("KeyManagementServiceArn", kmsArn), .leaf("Name", name), .leaf("Status", active ? "ACTIVE" : "INACTIVE")])
        let call = APICall(operation: "CreateKeySigningKey", method: "POST", path: Self.api + "/keysigningkey", body: body)
        do {
            return try await executor.send(call) { response in
                let doc = try Self.parse(response, root: "CreateKeySigningKeyResponse")
                return try Route53XMLCodec.keySigningKey(try Route53XMLCodec.requiredElement(doc, "KeySigningKey"))
            }
        } catch let error as Route53Error where error.code == "KeySigningKeyAlreadyExists" {
            let existing = try await getDNSSECDetail(zoneId: zoneId).keySigningKeys.first { $0.name == name }
            if let existing, existing.kmsArn == kmsArn { return existing }
            throw error
        }
    }

    public func activateKeySigningKey(zoneId: String, name: String) async throws -> ChangeInfo {
        try await changeCall("ActivateKeySigningKey", "/keysigningkey/\(Self.seg(zoneId))/\(RequestExecutor.encode(name))/activate")
    }

    public func deactivateKeySigningKey(zoneId: String, name: String) async throws -> ChangeInfo {
        try await changeCall("DeactivateKeySigningKey", "/keysigningkey/\(Self.seg(zoneId))/\(RequestExecutor.encode(name))/deactivate")
    }

    public func enableHostedZoneDNSSEC(zoneId: String) async throws -> ChangeInfo {
        try await changeCall("EnableHostedZoneDNSSEC", "/hostedzone/\(Self.seg(zoneId))/enable-dnssec")
    }

    public func disableHostedZoneDNSSEC(zoneId: String) async throws -> ChangeInfo {
        try await changeCall("DisableHostedZoneDNSSEC", "/hostedzone/\(Self.seg(zoneId))/disable-dnssec")
    }

    /// A POST without a body answered by `<OperationResponse><ChangeInfo>`; safe to repeat (the state it sets).
    private func changeCall(_ operation: String, _ path: String) async throws -> ChangeInfo {
        let doc = try await xml(APICall(operation: operation, method: "POST", path: Self.api + path), root: operation + "Response")
        return try Route53XMLCodec.changeInfo(try Route53XMLCodec.requiredElement(doc, "ChangeInfo"))
    }
}

extension Route53XMLCodec {
    /// `<KeySigningKey>`.
    public static func keySigningKey(_ e: XMLElement) throws -> KeySigningKey {
        KeySigningKey(name: try required(e, "Name"), kmsArn: e.text("KmsArn") ?? "", flag: try int(e, "Flag") ?? 0,
                      signingAlgorithmType: try int(e, "SigningAlgorithmType") ?? 0,
                      digestAlgorithmType: try int(e, "DigestAlgorithmType") ?? 0, keyTag: try int(e, "KeyTag") ?? 0,
                      digestValue: e.text("DigestValue") ?? "", publicKey: e.text("PublicKey") ?? "",
                      dsRecord: e.text("DSRecord") ?? "", dnskeyRecord: e.text("DNSKEYRecord") ?? "",
                      status: try required(e, "Status"), statusMessage: e.text("StatusMessage"))
    }
}
