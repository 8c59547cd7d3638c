import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Route53
import Terminal

/// One line of the log pane, made from a `RequestEvent` (never holds a secret: the event has none).
public struct LogEntry: Sendable, Equatable {
    public var text: String
    public var role: Role
    public init(text: String, role: Role) { self.text = text; self.role = role }

    /// `14:02:11 ListHostedZones  200   84 ms  try 2  Throttling  retrying`.
    public init(event e: RequestEvent, timeZone: TimeZone = .current) {
        var cal = Calendar(identifier: .gregorian); cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute, .second], from: e.time)
        let time = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        var s = "\(time) \(TextWidth.pad(e.operation, to: 30)) \(TextWidth.pad(e.status.map(String.init) ?? "---", to: 3)) \(TextWidth.pad(String(Int(e.latencyMs.rounded())), to: 5, right: true)) ms"
        if e.attempt > 1 { s += "  try \(e.attempt)" }
        if let code = e.errorCode { s += "  \(code)" }
        if e.willRetry { s += "  retrying" }
        if let note = e.note { s += "  \(note)" }
        text = s
        let throttled = (e.errorCode ?? "").lowercased().contains("throttl") || e.status == 429
        if throttled || e.willRetry || e.note != nil { role = .warn }
        else if e.errorCode != nil || (e.status ?? 0) >= 400 || e.status == nil { role = .error }
        else { role = .normal }
    }
}

/// The log pane: follows new lines while at the bottom; scrolled back, it stays where it is.
public struct LogPane: Sendable, Equatable {
    public var entries: [LogEntry] = []
    /// Lines between the bottom of the view and the newest line (0: following).
    public var offsetFromBottom = 0
    public init() {}

    public var following: Bool { offsetFromBottom == 0 }

    public mutating func append(_ e: LogEntry) {
        entries.append(e)
        if !following { offsetFromBottom += 1 }
    }
    public mutating func scroll(by n: Int, visible: Int) {
        offsetFromBottom = min(max(0, entries.count - visible), max(0, offsetFromBottom + n))
    }
    public mutating func toBottom() { offsetFromBottom = 0 }

    /// The lines visible in `height` rows.
    public func visible(_ height: Int) -> ArraySlice<LogEntry> {
        let end = max(0, entries.count - offsetFromBottom)
        return entries[max(0, end - height)..<end]
    }

    /// The whole log as a file's text.
    public var fileText: String { entries.map(\.text).joined(separator: "\n") + "\n" }

    /// Draws the pane into `r` (a box titled Log, accent when focused).
    public func draw(_ f: inout Frame, _ r: Rect, focused: Bool) {
        var title = "Log"
        if !following { title += " ─ scrolled, \(offsetFromBottom) newer" }
        else if entries.isEmpty { title += " ─ requests to Route 53 appear here" }
        let inside = Widgets.box(&f, r, title: title, focused: focused)
        for (i, e) in visible(inside.height).enumerated() {
            f.put(TextWidth.truncate(e.text, to: inside.width - 1), x: inside.x + 1, y: inside.y + i, role: e.role)
        }
    }
}

/// Writes text to a new file readable only by the user (mode 0600); returns the path.
public enum PrivateFile {
    public static func write(_ text: String, directory: URL, name: String) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent(name)
        let path = url.path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw UIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw UIError("cannot write \(path): \(String(cString: strerror(errno)))") }
            off += n
        }
        return path
    }

    /// `vanityns-log-20250102-140211.txt`.
    public static func stampedName(_ prefix: String, date: Date = Date(), ext: String = "txt") -> String {
        let f = DateFormatter(); f.locale = Locale(identifier: "en_US_POSIX"); f.dateFormat = "yyyyMMdd-HHmmss"
        return "\(prefix)-\(f.string(from: date)).\(ext)"
    }
}
