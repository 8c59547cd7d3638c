import Foundation
import Route53
import Resolver

/// The clients DNSSEC signing needs beyond the engine's: Route 53's KSK operations, Route 53 Domains' DS operations,
/// and KMS in a given region (a key's ARN names its region).
public struct DNSSECClients: Sendable {
    public var route53: any Route53DNSSECAPI
    public var domains: (any Route53DomainsDNSSECAPI)?
    public var kms: @Sendable (_ region: String) throws -> any KMSAPI
    public init(route53: any Route53DNSSECAPI, domains: (any Route53DomainsDNSSECAPI)?,
                kms: @escaping @Sendable (_ region: String) throws -> any KMSAPI) {
        self.route53 = route53; self.domains = domains; self.kms = kms
    }
}

/// Which KMS key backs the key-signing keys.
public enum KMSKeyChoice: Sendable, Equatable {
    /// A key the user named (`--kms-key ARN`), checked.
    case existing(arn: String)
    /// A key vanityns creates in us-east-1 (`--create-kms-key`), found again by its alias on a rerun.
    case create(alias: String)
}

/// One zone of `dnssec enable`: where it stands and the KSK it gets.
public struct DNSSECZoneStep: Sendable, Equatable {
    public var zoneId: String
    public var zoneName: String
    /// `vanityns_ksk`: the KSK's name in the zone.
    public var kskName: String
    /// The zone already signs (GetDNSSEC SIGNING).
    public var signing: Bool
    /// The zone's KSK of that name when it already has one.
    public var ksk: KeySigningKey?
}

/// What `dnssec enable` will do, shown before anything is written.
public struct DNSSECEnablePlan: Sendable, Equatable {
    public var key: KMSKeyChoice
    /// The key policy: the existing key's as KMS holds it, or the one vanityns puts on the key it creates
    /// (`ACCOUNT` stands for the account's ID, read from the new key's ARN).
    public var policy: String
    public var zones: [DNSSECZoneStep]
}

/// Thrown when `dnssec` refuses its input; nothing has been written.
public struct DNSSECRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [InputProblem]
    public init(problems: [InputProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Route 53's requirements on the KMS key behind a KSK (Developer Guide, "Working with customer managed keys for
/// DNSSEC"; CreateKeySigningKey's KeyManagementServiceArn), checked before any write.
public enum DNSSECKeyRules {
    public static let region = "us-east-1"
    public static let principal = "dnssec-route53.amazonaws.com"
    public static let actions = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    /// The alias of the key `--create-kms-key` makes.
    public static let alias = "alias/vanityns-dnssec"
    /// The KSK's name in every zone (letters, digits and underscores).
    public static let kskName = "vanityns_ksk"

    /// (region, account, key id) of `arn:aws:kms:REGION:ACCOUNT:key/ID`, or nil.
    public static func parse(_ arn: String) -> (region: String, account: String, keyId: String)? {
        let p = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard p.count == 6, p[0] == "arn", p[1].hasPrefix("aws"), p[2] == "kms", p[5].hasPrefix("key/"), !p[3].isEmpty,
              p[4].count == 12, p[4].allSatisfy(\.isNumber) else { return nil }
        return (p[3], p[4], String(p[5].dropFirst(4)))
    }

    /// Why the described key cannot back a KSK, each reason with what to do; empty when it can.
    public static func problems(_ key: KMSKey) -> [String] {
        var out: [String] = []
        if key.keyState != "Enabled" { out.append("the key's state is \(key.keyState), not Enabled: enable it in KMS") }
        if key.keySpec != "ECC_NIST_P256" || key.keyUsage != "SIGN_VERIFY" {
            out.append("the key spec is \(key.keySpec.isEmpty ? "unknown" : key.keySpec)"
                       + (key.keyUsage.isEmpty ? "" : " with usage \(key.keyUsage)")
                       + "; Route 53 signs only with an asymmetric ECC_NIST_P256 SIGN_VERIFY key (a key's spec cannot change: use --create-kms-key or another key)")
        }
        if !allowsRoute53(key.policy) {
            out.append("the key policy does not let \(principal) call \(actions.joined(separator: ", ")); add this statement to it:\n"
                       + route53Statement(account: parse(key.arn)?.account ?? "ACCOUNT"))
        }
        return out
    }

    /// True when the Allow statements naming the service principal cover the three actions (`kms:*` covers all).
    public static func allowsRoute53(_ policy: String) -> Bool {
        guard let doc = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return false }
        let statements = (doc["Statement"] as? [[String: Any]]) ?? ((doc["Statement"] as? [String: Any]).map { [$0] } ?? [])
        var allowed = Set<String>()
        for s in statements where s["Effect"] as? String == "Allow" {
            let service = (s["Principal"] as? [String: Any])?["Service"]
            let services = (service as? [String]) ?? ((service as? String).map { [$0] } ?? [])
            guard services.contains(principal) else { continue }
            allowed.formUnion((s["Action"] as? [String]) ?? ((s["Action"] as? String).map { [$0] } ?? []))
        }
        return allowed.contains("kms:*") || actions.allSatisfy(allowed.contains)
    }

    /// The statement that lets Route 53 sign with the key, scoped to the account's hosted zones.
    public static func route53Statement(account: String) -> String {
        """
          {"Sid": "Allow Route 53 DNSSEC Service", "Effect": "Allow", "Principal": {"Service": "\(principal)"},
           "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*",
           "Condition": {"StringEquals": {"aws:SourceAccount": "\(account)"}, "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"}}}
        """
    }

    /// The whole policy `--create-kms-key` puts on its key: the account's own administration, Route 53's signing,
    /// and the grant Route 53 makes for itself (the Developer Guide's example).
    public static func policy(account: String) -> String {
        """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::\(account):root"},
           "Action": "kms:*", "Resource": "*"},
        \(route53Statement(account: account)),
          {"Sid": "Allow Route 53 DNSSEC Service to CreateGrant", "Effect": "Allow", "Principal": {"Service": "\(principal)"},
           "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
        ]}
        """
    }
}

extension WhiteLabelEngine {
    /// The plan of `dnssec enable`: every zone found in the account, the KMS key checked (region, spec, state,
    /// policy) or the one to create with its policy. Reads only; throws `DNSSECRefused` listing every problem.
    public func dnssecEnablePlan(zones: [String], kmsKey: String?, createKey: Bool, clients: DNSSECClients) async throws -> DNSSECEnablePlan {
        var problems: [InputProblem] = []
        var key: KMSKeyChoice = .create(alias: DNSSECKeyRules.alias)
        var policy = DNSSECKeyRules.policy(account: "ACCOUNT")
        switch (kmsKey, createKey) {
        case (nil, false), (.some, true):
            problems.append(InputProblem(subject: "KMS key", message: "give exactly one of --kms-key ARN and --create-kms-key"))
        case let (arn?, false):
            key = .existing(arn: arn)
            if let parsed = DNSSECKeyRules.parse(arn) {
                if parsed.region != DNSSECKeyRules.region {
                    problems.append(InputProblem(subject: "--kms-key \(arn)", message: "the key is in \(parsed.region); Route 53 signs only with a "
                                                 + "KMS key in \(DNSSECKeyRules.region): use a key there, or --create-kms-key"))
                } else {
                    do {
                        let described = try await clients.kms(parsed.region).describeKey(arn: arn)
                        policy = described.policy
                        problems += DNSSECKeyRules.problems(described).map { InputProblem(subject: "--kms-key \(arn)", message: $0) }
                    } catch let e as Route53Error {
                        problems.append(InputProblem(subject: "--kms-key \(arn)", message: "KMS cannot describe the key (\(e.code ?? "error"): \(e.description))"))
                    }
                }
            } else {
                problems.append(InputProblem(subject: "--kms-key \(arn)", message: "not a KMS key ARN (arn:aws:kms:us-east-1:ACCOUNT:key/ID)"))
            }
        case (nil, true):
            // A rerun finds the key the first run made by its alias.
            if let made = try? await clients.kms(DNSSECKeyRules.region).describeKey(arn: DNSSECKeyRules.alias) {
                key = .existing(arn: made.arn)
                policy = made.policy
                problems += DNSSECKeyRules.problems(made).map { InputProblem(subject: "KMS key \(DNSSECKeyRules.alias) (\(made.arn))", message: $0) }
            }
        }
        let all = try await route53.listHostedZones()
        var steps: [DNSSECZoneStep] = []
        for text in zones {
            do {
                let (zone, name) = try ZoneArgument.resolve(text, among: all)
                guard let zone else {
                    problems.append(InputProblem(subject: "--zone \(text)", message: "no hosted zone of this account is called \(name.ascii)"))
                    continue
                }
                if zone.config?.privateZone == true {
                    problems.append(InputProblem(subject: "--zone \(text)", message: "a private zone cannot be signed"))
                    continue
                }
                let detail = try await clients.route53.getDNSSECDetail(zoneId: zone.id)
                steps.append(DNSSECZoneStep(zoneId: zone.id, zoneName: name.ascii, kskName: DNSSECKeyRules.kskName, signing: detail.signing,
                                            ksk: detail.keySigningKeys.first { $0.name == DNSSECKeyRules.kskName }))
            } catch let p as InputProblem {
                problems.append(p)
            }
        }
        if zones.isEmpty { problems.append(InputProblem(subject: "--zone", message: "name at least one zone to sign")) }
        guard problems.isEmpty else { throw DNSSECRefused(problems: problems) }
        return DNSSECEnablePlan(key: key, policy: policy, zones: steps)
    }
}
