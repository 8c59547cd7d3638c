import Crypto
import Foundation

/// Derived CallerReferences: the same intent always gives the same reference, so a rerun after a crash or a lost
/// response finds the object the first run created instead of making a second one.
public enum CallerReference {
    /// `vanityns-z-<first 32 hex of sha256(setId|zone name)>` for a zone created in a set.
    public static func forZone(name: String, delegationSetId: String?) -> String {
        let canonical = name.lowercased().hasSuffix(".") ? name.lowercased() : name.lowercased() + "."
        return "vanityns-z-" + digest("\(ResourceID.bare(delegationSetId ?? ""))|\(canonical)")
    }

    /// `vanityns-s-<first 32 hex of sha256(label)>` for a delegation set created for a named purpose.
    public static func forSet(label: String) -> String {
        "vanityns-s-" + digest(label)
    }

    static func digest(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
