import Foundation
import Route53

/// What vanityns saved about one zone before changing it: the values it replaced (from the FIRST attempt), the
/// records it created, and how far the last apply got. One JSON file per zone in the state directory.
public struct JournalEntry: Codable, Sendable, Equatable {
    /// Where an apply stopped.
    public enum State: String, Codable, Sendable {
        /// Journal written, change not yet accepted (or not known to be).
        case pending
        /// ChangeResourceRecordSets accepted, not yet seen INSYNC.
        case submitted
        /// INSYNC.
        case done
    }
    public var version: Int = 1
    /// ASCII with the trailing dot.
    public var zoneName: String
    public var zoneId: String?
    public var setId: String
    public var homeDomain: String
    /// vanityns created this zone in the set.
    public var createdZone: Bool
    /// Record sets as they were before vanityns first changed them; never overwritten by a later run.
    public var saved: [ResourceRecordSet]
    /// Record sets that did not exist before vanityns created them (only these are deleted by a rollback).
    public var created: [ResourceRecordSet]
    /// The last change batch sent (or about to be sent).
    public var lastBatch: [Change]
    public var changeId: String?
    public var state: State
    public var updatedAt: Date

    /// Adds a plan's `before` values, keeping whatever an earlier attempt already saved for the same record set.
    mutating func remember(_ changes: [PlannedChange]) {
        let known = Set((saved + created).map(Canonical.key))
        for c in changes where !known.contains(Canonical.key(c.after)) {
            if let before = c.before { saved.append(before) } else if c.action == .create { created.append(c.after) }
        }
    }
}

/// Reads and writes journal files: directory mode 0700, files 0600, each write a temp file renamed into place.
struct JournalStore: Sendable {
    let directory: URL

    /// A clear error when the state directory cannot be used; thrown before anything is changed.
    struct Unwritable: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String {
            "cannot write the journal in \(path): \(reason). Nothing was changed. Make the directory writable, or set "
                + "XDG_STATE_HOME to a writable directory, and run again."
        }
    }

    /// `<kind>-<zone>.json`: `journal` for apply's entries, `migration` for a zone's move into a set.
    func url(for zoneName: String, kind: String = "journal") -> URL {
        let base = DomainName(trusted: zoneName).ascii
        let safe = base.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_" }
        return directory.appendingPathComponent("\(kind)-\(String(safe)).json")
    }

    /// Creates the directory (0700) when missing and checks it can be written.
    func prepare() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if !fm.fileExists(atPath: directory.path, isDirectory: &isDir) {
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true,
                                       attributes: [.posixPermissions: 0o700])
            } catch {
                throw Unwritable(path: directory.path, reason: "the directory cannot be created (\(error.localizedDescription))")
            }
        } else if !isDir.boolValue {
            throw Unwritable(path: directory.path, reason: "it is a file, not a directory")
        }
        if access(directory.path, W_OK | X_OK) != 0 {
            throw Unwritable(path: directory.path, reason: "the directory is not writable")
        }
    }

    func load(_ zoneName: String) -> JournalEntry? { document(zoneName, kind: "journal") }

    func all() -> [JournalEntry] { documents(kind: "journal") }

    /// The `kind` document saved for a zone, nil when there is none (or it cannot be read).
    func document<T: Decodable>(_ zoneName: String, kind: String) -> T? {
        guard let data = try? Data(contentsOf: url(for: zoneName, kind: kind)) else { return nil }
        let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601
        return try? d.decode(T.self, from: data)
    }

    /// Every `kind` document, in file name order.
    func documents<T: Decodable>(kind: String) -> [T] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix(kind + "-") && $0.hasSuffix(".json") }.sorted().compactMap { f in
            let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601
            return (try? Data(contentsOf: directory.appendingPathComponent(f))).flatMap { try? d.decode(T.self, from: $0) }
        }
    }

    /// Writes atomically: temp file (0600) in the same directory, fsync, rename.
    @discardableResult
    func save(_ entry: JournalEntry) throws -> URL { try save(entry, zoneName: entry.zoneName, kind: "journal") }

    /// Writes a `kind` document for a zone, atomically like `save`.
    @discardableResult
    func save<T: Encodable>(_ value: T, zoneName: String, kind: String) throws -> URL {
        try prepare()
        let target = url(for: zoneName, kind: kind)
        let e = JSONEncoder(); e.outputFormatting = [.prettyPrinted, .sortedKeys]; e.dateEncodingStrategy = .iso8601
        let data = try e.encode(value)
        let temp = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw Unwritable(path: directory.path, reason: String(cString: strerror(errno)))
        }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temp.path, target.path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp.path)
            throw Unwritable(path: target.path, reason: why)
        }
        return target
    }
}
