import Foundation

/// A key-signing key of a hosted zone, as GetDNSSEC and CreateKeySigningKey answer it.
public struct KeySigningKey: Codable, Sendable, Equatable {
    public var name: String
    public var kmsArn: String
    /// 257 (the SEP flag set).
    public var flag: Int
    /// 13 (ECDSAP256SHA256).
    public var signingAlgorithmType: Int
    /// 2 (SHA-256).
    public var digestAlgorithmType: Int
    public var keyTag: Int
    public var digestValue: String
    /// The DNSKEY's public key, base64.
    public var publicKey: String
    /// `keytag 13 2 DIGEST`.
    public var dsRecord: String
    /// `257 3 13 BASE64`.
    public var dnskeyRecord: String
    /// ACTIVE, INACTIVE, DELETING, ACTION_NEEDED, INTERNAL_FAILURE.
    public var status: String
    public var statusMessage: String?

    public init(name: String, kmsArn: String, flag: Int, signingAlgorithmType: Int, digestAlgorithmType: Int, keyTag: Int,
                digestValue: String, publicKey: String, dsRecord: String, dnskeyRecord: String, status: String, statusMessage: String?) {
        self.name = name; self.kmsArn = kmsArn; self.flag = flag; self.signingAlgorithmType = signingAlgorithmType
        self.digestAlgorithmType = digestAlgorithmType; self.keyTag = keyTag; self.digestValue = digestValue
        self.publicKey = publicKey; self.dsRecord = dsRecord; self.dnskeyRecord = dnskeyRecord; self.status = status
        self.statusMessage = statusMessage
    }
}

/// GetDNSSEC whole: the zone's signing status and its key-signing keys.
public struct DNSSECDetail: Sendable, Equatable {
    public var status: DNSSECStatus
    public var keySigningKeys: [KeySigningKey]
    public init(status: DNSSECStatus, keySigningKeys: [KeySigningKey]) { self.status = status; self.keySigningKeys = keySigningKeys }
    /// True when Route 53 serves signatures (`SIGNING`).
    public var signing: Bool { status.serveSignature == "SIGNING" }
}

/// A DS record the registry holds for a domain (Route 53 Domains' `DnssecKeys`).
public struct DomainDNSSECKey: Codable, Sendable, Equatable {
    public var id: String
    public var algorithm: Int
    public var flags: Int
    public var publicKey: String
    public var digestType: Int
    public var digest: String
    public var keyTag: Int
    public init(id: String, algorithm: Int, flags: Int, publicKey: String, digestType: Int, digest: String, keyTag: Int) {
        self.id = id; self.algorithm = algorithm; self.flags = flags; self.publicKey = publicKey
        self.digestType = digestType; self.digest = digest; self.keyTag = keyTag
    }
}

/// What KMS DescribeKey and GetKeyPolicy say about a key, the parts DNSSEC signing depends on.
public struct KMSKey: Sendable, Equatable {
    public var arn: String
    public var keySpec: String
    public var keyUsage: String
    public var keyState: String
    /// The key policy document (GetKeyPolicy `default`), JSON text.
    public var policy: String
    public init(arn: String, keySpec: String, keyUsage: String, keyState: String, policy: String) {
        self.arn = arn; self.keySpec = keySpec; self.keyUsage = keyUsage; self.keyState = keyState; self.policy = policy
    }
}

/// Route 53's DNSSEC operations (key-signing keys, signing on and off, GetDNSSEC whole).
public protocol Route53DNSSECAPI: Sendable {
    func getDNSSECDetail(zoneId: String) async throws -> DNSSECDetail
    /// CreateKeySigningKey. Idempotent on `callerReference` and `name`: when the zone already has a KSK of that name
    /// and KMS key (`KeySigningKeyAlreadyExists`, or a retried create whose answer was lost) that KSK is returned.
    func createKeySigningKey(zoneId: String, name: String, kmsArn: String, active: Bool, callerReference: String) async throws -> KeySigningKey
    func activateKeySigningKey(zoneId: String, name: String) async throws -> ChangeInfo
    func deactivateKeySigningKey(zoneId: String, name: String) async throws -> ChangeInfo
    func enableHostedZoneDNSSEC(zoneId: String) async throws -> ChangeInfo
    func disableHostedZoneDNSSEC(zoneId: String) async throws -> ChangeInfo
}

/// Route 53 Domains' DS operations.
public protocol Route53DomainsDNSSECAPI: Sendable {
    /// AssociateDelegationSignerToDomain; returns the operation ID.
    func associateDelegationSigner(domainName: String, algorithm: Int, flags: Int, publicKey: String) async throws -> String
    /// DisassociateDelegationSignerFromDomain (`keyId`: the DnssecKey's Id); returns the operation ID.
    func disassociateDelegationSigner(domainName: String, keyId: String) async throws -> String
    /// The domain's ADD_DNSSEC or REMOVE_DNSSEC operation still SUBMITTED or IN_PROGRESS (an earlier run's), or nil.
    func unfinishedDSOperation(domainName: String) async throws -> String?
}

/// KMS, the calls DNSSEC signing needs.
public protocol KMSAPI: Sendable {
    /// DescribeKey and GetKeyPolicy (policy `default`); `arn` may be an alias (`alias/NAME`).
    func describeKey(arn: String) async throws -> KMSKey
    /// CreateKey with key spec ECC_NIST_P256 and usage SIGN_VERIFY (KMS's default policy); returns the key's ARN.
    /// Not resent when its answer is lost (a second key would be made).
    func createSigningKey(description: String) async throws -> String
    /// PutKeyPolicy (policy `default`).
    func putKeyPolicy(arn: String, policy: String) async throws
    /// CreateAlias (`alias/NAME` for the key), so a rerun finds the key it made.
    func createAlias(_ alias: String, keyArn: String) async throws
}
