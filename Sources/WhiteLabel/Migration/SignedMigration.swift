import Foundation

/// Where a signed zone is in `migrate --dnssec`'s sequence: go insecure (the DS out at the parent, its TTL waited
/// out), unsign the old zone, copy and cut over, sign the copy, publish its DS. Kept in the state directory so a
/// rerun (after a kill too) starts at the first step not done; each step also checks the world before it acts.
public struct SignedMigration: Codable, Sendable, Equatable {
    /// The steps in order; `rawValue` is the step's number.
    public enum Step: Int, Codable, Sendable, CaseIterable, Comparable {
        case insecure = 1, unsigned, cutOver, signed, published
        public static func < (a: Step, b: Step) -> Bool { a.rawValue < b.rawValue }
        /// What the step does, as `--status` shows it.
        public var title: String {
            switch self {
            case .insecure: "go insecure (DS out at the parent, its TTL waited out)"
            case .unsigned: "stop signing the old zone"
            case .cutOver: "copy and cut over"
            case .signed: "sign the copy"
            case .published: "publish the copy's DS"
            }
        }
    }
    public var zoneName: String
    public var sourceZoneId: String
    public var kmsArn: String
    /// The longest TTL a parent server gave the old zone's DS when last seen (what step 1 waits out once it is gone).
    public var dsTTL: UInt32?
    /// The last step done (nil: none yet).
    public var done: Step?
    /// Why the last run stopped before the next step (a DS to remove at a registrar, a TTL to wait out), if it did.
    public var waiting: String?
    public var updatedAt: Date

    public init(zoneName: String, sourceZoneId: String, kmsArn: String, done: Step? = nil, waiting: String? = nil, updatedAt: Date) {
        self.zoneName = zoneName; self.sourceZoneId = sourceZoneId; self.kmsArn = kmsArn; self.done = done; self.waiting = waiting; self.updatedAt = updatedAt
    }

    /// The step to run next (nil: every step done).
    public var next: Step? { Step(rawValue: (done?.rawValue ?? 0) + 1) }

    /// One line per step: done, next (with what it waits for), or to come.
    public var lines: [String] {
        Step.allCases.map { s in
            let mark = done.map { s <= $0 } == true ? "done" : (s == next ? "next" : "    ")
            return "  \(s.rawValue). \(mark)  \(s.title)" + (s == next ? (waiting.map { ": \($0)" } ?? "") : "")
        }
    }
}

extension WhiteLabelEngine {
    private func signedMigrationFile(_ zoneName: String) -> URL {
        stateDirectory.appendingPathComponent("migrate-dnssec-\(zoneName.lowercased().trimmingCharacters(in: ["."])).json")
    }

    /// The signed-zone migration of `zoneName` recorded so far, if any.
    public func signedMigration(zone zoneName: String) -> SignedMigration? {
        let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601
        return (try? Data(contentsOf: signedMigrationFile(zoneName))).flatMap { try? d.decode(SignedMigration.self, from: $0) }
    }

    /// Every signed-zone migration recorded, by zone name.
    public func signedMigrations() -> [SignedMigration] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory.path)) ?? []
        return files.filter { $0.hasPrefix("migrate-dnssec-") && $0.hasSuffix(".json") }.sorted().compactMap { f in
            signedMigration(zone: String(f.dropFirst("migrate-dnssec-".count).dropLast(".json".count)) + ".")
        }
    }

    /// Records `state` (atomically: a kill leaves the old record or the new one).
    public func saveSignedMigration(_ state: SignedMigration) throws {
        var s = state
        s.updatedAt = clock.now()
        let e = JSONEncoder(); e.dateEncodingStrategy = .iso8601; e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        try e.encode(s).write(to: signedMigrationFile(s.zoneName), options: .atomic)
    }
}
