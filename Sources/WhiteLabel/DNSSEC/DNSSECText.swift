import Foundation
import Route53

/// The text of the DNSSEC plans and tables.
public enum DNSSECText {
    /// The whole plan of `dnssec enable`: the KMS key and its policy, then each zone's steps.
    public static func enablePlan(_ plan: DNSSECEnablePlan, publications: [String: DSPublication]) -> String {
        (["DNSSEC signing plan", ""] + keyPlan(plan) + [""] + zonesPlan(plan, publications: publications)).joined(separator: "\n")
    }

    /// The KMS key (named, found or to create) and its exact policy, indented.
    public static func keyPlan(_ plan: DNSSECEnablePlan) -> [String] {
        var out: [String] = []
        switch plan.key {
        case let .existing(arn): out.append("KMS key: \(arn) (us-east-1, ECC_NIST_P256, SIGN_VERIFY, Enabled), its policy:")
        case let .create(alias): out.append("KMS key: to create in us-east-1 (ECC_NIST_P256, SIGN_VERIFY, alias \(alias)), with this policy "
                                            + "(ACCOUNT: this account's ID, from the new key's ARN):")
        }
        return out + plan.policy.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }

    /// Each zone's calls: CreateKeySigningKey, EnableHostedZoneDNSSEC, and where its DS goes.
    public static func zonesPlan(_ plan: DNSSECEnablePlan, publications: [String: DSPublication]) -> [String] {
        var out: [String] = []
        for z in plan.zones {
            out.append("zone \(z.zoneName) (\(z.zoneId)):")
            if let k = z.ksk { out.append("  key-signing key \(k.name): already there (key tag \(k.keyTag), \(k.status)); its DS: \(k.dsRecord)") }
            else { out.append("  CreateKeySigningKey \(z.kskName), ACTIVE, CallerReference derived from the zone and the key (its DS is known once it exists)") }
            out.append(z.signing ? "  EnableHostedZoneDNSSEC: already signing" : "  EnableHostedZoneDNSSEC, waited until INSYNC and SIGNING")
            switch publications[z.zoneId] {
            case let .route53Domains(domain, held)?:
                out.append("  then the DS: Route 53 Domains, AssociateDelegationSignerToDomain for \(domain) (confirmed; \(held.count) DS held now), "
                           + "waited until every parent server serves it")
            default:
                out.append("  then the DS: printed for the registrar of \(z.zoneName) (not registered with Route 53 Domains)")
            }
        }
        return out
    }

    /// The DS to publish as labelled fields (key tag, algorithm, digest type, digest, the record, the DNSKEY form),
    /// for a narrow screen.
    public static func dsFields(domain: String, ksk: KeySigningKey) -> [(label: String, value: String)] {
        [("key tag", String(ksk.keyTag)), ("algorithm", "13 (ECDSAP256SHA256)"), ("digest type", "2 (SHA-256)"), ("digest", ksk.digestValue),
         ("DS record", "\(domain). IN DS \(ksk.dsRecord)"), ("DNSKEY", "flags 257, protocol 3, algorithm 13, public key \(ksk.publicKey)")]
    }

    /// The DS to publish, as registrars ask for it, and the DNSKEY form.
    public static func dsTable(domain: String, ksk: KeySigningKey) -> String {
        let digest = ksk.digestValue
        return """
          key tag  algorithm             digest type   digest
          \(String(ksk.keyTag).padding(toLength: 7, withPad: " ", startingAt: 0))  \
        13 (ECDSAP256SHA256)  2 (SHA-256)   \(digest)
          DS record:     \(domain). IN DS \(ksk.dsRecord)
          DNSKEY form:   flags 257, protocol 3, algorithm 13, public key \(ksk.publicKey)
        """
    }
}

extension DNSSECText {
    public static func status(_ st: DNSSECZoneStatus) -> String {
        var out = ["\(st.zoneName) (\(st.zoneId)): \(st.state) · Route 53 \(st.serveSignature)"]
        for k in st.keySigningKeys { out.append("  KSK \(k.name): key tag \(k.keyTag), \(k.status), DS \(k.dsRecord)") }
        for p in st.parent {
            out.append("  parent \(p.server) (\(p.address)): " + (p.records.map { $0.isEmpty ? "no DS" : "DS " + $0.joined(separator: "; ") } ?? "no answer"))
        }
        for (host, c) in st.servers where c.problems.isEmpty {
            out.append("  \(host) (\(c.address), \(c.transport)): chain verifies (SEP key tag \(c.sepKeyTags.map(String.init).joined(separator: ", ")))")
        }
        out += st.problems.map { "  FAIL \($0)" }
        return out.joined(separator: "\n")
    }
}
