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

    /// Derived references are tried in this order: the reference itself, then `-2`, `-3`, ... A reference is spent
    /// for good once its object is deleted (Route 53 never takes one twice), so a create that meets "already exists"
    /// with nothing to show for it moves to the next; a rerun walks the same sequence and finds what the first run made.
    public static let generations = 1...9

    /// `reference` for generation `n` (1: the reference itself).
    public static func generation(_ n: Int, of reference: String) -> String { n == 1 ? reference : "\(reference)-\(n)" }

    static func digest(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs `create` with each generation of `reference` until one is not spent (a create that throws `code` has
    /// already looked for the object made with that reference and found none).
    static func firstUnspent<T>(_ reference: String, code: String, _ create: (String) async throws -> T) async throws -> T {
        var last: Error?
        for n in generations {
            do { return try await create(generation(n, of: reference)) } catch let e as Route53Error where e.code == code { last = e }
        }
        throw last!
    }
}
