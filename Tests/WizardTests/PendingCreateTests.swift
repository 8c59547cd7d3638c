import Foundation
import Testing
@testable import Wizard

/// A confirmed create keeps its CallerReference until it has answered, so a rerun after a kill reuses it.
@Suite struct PendingCreateTests {
    @Test func aRerunReusesTheReferenceUntilTheCreateHasAnswered() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vanityns-pending-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try PendingCreate.reference(proposed: "vanityns-run1", key: "set-new", directory: dir) == "vanityns-run1")
        // A second run (the first was killed before the answer) proposes its own reference but gets the first one.
        #expect(try PendingCreate.reference(proposed: "vanityns-run2", key: "set-new", directory: dir) == "vanityns-run1")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("pending-set-new.ref").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Another purpose has its own reference.
        #expect(try PendingCreate.reference(proposed: "vanityns-run2-Z1", key: "set-from-Z1", directory: dir) == "vanityns-run2-Z1")
        PendingCreate.clear(key: "set-new", directory: dir)
        #expect(try PendingCreate.reference(proposed: "vanityns-run3", key: "set-new", directory: dir) == "vanityns-run3")
    }
}
