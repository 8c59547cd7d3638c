import Foundation
import Route53

/// The CallerReference of a create the user confirmed, kept in the state directory until the create has answered.
/// A wizard killed between sending CreateReusableDelegationSet and reading its answer leaves the file behind; the
/// next run reuses the same reference, so the client's look-before-create finds the set instead of making a second.
public enum PendingCreate {
    /// The reference to use for `key`: the one saved by an earlier unfinished run, else `proposed` (saved first).
    public static func reference(proposed: String, key: String, directory: URL) throws -> String {
        let url = directory.appendingPathComponent(fileName(key))
        if let saved = try? String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !saved.isEmpty {
            return saved
        }
        _ = try PrivateFile.write(proposed + "\n", directory: directory, name: fileName(key))
        return proposed
    }

    /// Forgets `key` once its create has answered.
    public static func clear(key: String, directory: URL) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(fileName(key)))
    }

    static func fileName(_ key: String) -> String { "pending-\(key).ref" }
}
