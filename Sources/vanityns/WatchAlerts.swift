import Foundation
import WhiteLabel

/// What `watch` remembers between runs, in `STATE_DIR/watch.json`: each domain's open problems (so an alert goes out
/// when a problem appears and when it clears, not on every run), the repair counters, and the last complete run.
struct WatchState: Codable, Equatable {
    struct Domain: Codable, Equatable {
        /// Problem key -> text, as last alerted.
        var problems: [String: String] = [:]
        var since: Date?
    }
    var domains: [String: Domain] = [:]
    /// Domain -> place -> repairs made.
    var repairs: [String: [String: Int]] = [:]
    var lastSuccess: Double?

    static func url(_ stateDirectory: URL) -> URL { stateDirectory.appendingPathComponent("watch.json") }

    /// The saved state; an absent file is a first run. A file that cannot be read is an error: a watchdog that forgot
    /// its incidents would page again on every run.
    static func load(_ stateDirectory: URL) throws -> WatchState {
        let file = url(stateDirectory)
        guard FileManager.default.fileExists(atPath: file.path) else { return WatchState() }
        do { return try JSONDecoder.iso.decode(WatchState.self, from: Data(contentsOf: file)) } catch {
            throw WatchConfigError(description: "\(file.path) cannot be read (\(error.localizedDescription)); move it away to start afresh (the next run alerts on every open problem)")
        }
    }

    func save(_ stateDirectory: URL) throws {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let e = JSONEncoder(); e.outputFormatting = [.prettyPrinted, .sortedKeys]; e.dateEncodingStrategy = .iso8601
        try e.encode(self).write(to: Self.url(stateDirectory), options: .atomic)
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }
}

/// One alert: what broke, where, what was repaired, and what a person must do. The alert command's stdin.
struct WatchAlert: Encodable {
    struct Problem: Encodable { var key: String; var text: String }
    /// `problem` (a new problem appeared), `cleared` (every problem is gone), `repaired` (watch fixed everything itself).
    var event: String
    var domain: String
    var set: String?
    var time: Date
    /// Every open problem now (empty for `cleared`).
    var problems: [Problem]
    /// The problems new since the last alert, and the ones gone since.
    var new: [String]
    var cleared: [String]
    /// Stale glue as found at the start of the run (before any repair).
    var staleGlue: [DriftItem]
    var repaired: [WatchRepair]
    /// What only a person can do.
    var actions: [String]
    /// The glue to enter at the registrar: each vanity host with its address now.
    var glue: [GlueRow]

    enum CodingKeys: String, CodingKey {
        case event, domain, set, time, problems, new, cleared, repaired, actions, glue
        case staleGlue = "stale_glue"
    }

    /// The alert this run owes for `outcome`, given the problems last alerted; nil when nothing changed that a person
    /// must hear about.
    static func due(_ outcome: WatchOutcome, previous: [String: String], now: Date) -> WatchAlert? {
        due(WatchAlert(event: "", domain: outcome.target.domain, set: outcome.setId, time: now, problems: [], new: [], cleared: [],
                       staleGlue: outcome.found, repaired: outcome.repairs, actions: outcome.actions, glue: outcome.drift.glueRows),
            current: outcome.problems, previous: previous)
    }

    /// The alert for a domain whose check could not run (credentials expired, Route 53 unreachable): a problem of its
    /// own (`check`), beside the ones still open, so the watchdog going blind is told once, and its recovery too.
    static func due(failure reason: String, domain: String, set: String?, previous: [String: String], now: Date) -> (WatchAlert?, [String: String]) {
        var current = previous
        current["check"] = "the check of \(domain) could not run: \(reason)"
        let alert = due(WatchAlert(event: "", domain: domain, set: set, time: now, problems: [], new: [], cleared: [], staleGlue: [], repaired: [],
                                   actions: ["find out why: `vanityns check --domain \(domain) --verbose`"], glue: []),
                        current: current, previous: previous)
        return (alert, current)
    }

    /// `base` with its event and problems filled in, or nil when nothing changed that a person must hear about: a
    /// problem new since `previous` (what was last alerted), every problem gone, or everything repaired.
    private static func due(_ base: WatchAlert, current: [String: String], previous: [String: String]) -> WatchAlert? {
        let new = Set(current.keys).subtracting(previous.keys), gone = Set(previous.keys).subtracting(current.keys)
        var alert = base
        if !new.isEmpty { alert.event = "problem" }
        else if current.isEmpty && !previous.isEmpty { alert.event = "cleared" }
        else if current.isEmpty && !base.repaired.isEmpty { alert.event = "repaired" }
        else { return nil }
        alert.problems = current.keys.sorted().map { Problem(key: $0, text: current[$0]!) }
        alert.new = new.sorted(); alert.cleared = gone.sorted()
        return alert
    }

    /// Runs `argv` (no shell) with this alert as JSON on stdin; true when it exits 0 within `timeout` seconds.
    func send(_ argv: [String], timeout: Double = 60) -> (ok: Bool, why: String?) {
        let e = JSONEncoder(); e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]; e.dateEncodingStrategy = .iso8601
        guard let body = try? e.encode(self) else { return (false, "the alert could not be encoded") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let input = Pipe()
        p.standardInput = input
        do { try p.run() } catch { return (false, "cannot start \(argv[0]): \(error.localizedDescription)") }
        // A command that does not read its stdin must not block us: write on another thread, ignore EPIPE.
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread { try? input.fileHandleForWriting.write(contentsOf: body); try? input.fileHandleForWriting.close() }
        writer.start()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate(); return (false, "\(argv[0]) did not finish within \(Int(timeout)) s; it was stopped") }
        return p.terminationStatus == 0 ? (true, nil) : (false, "\(argv[0]) exited with status \(p.terminationStatus)")
    }
}
