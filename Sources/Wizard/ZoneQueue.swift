import Foundation

/// One zone's progress line in a `ZoneQueue`.
public protocol ZoneProgressLine: Sendable, Equatable {
    var zone: String { get }
    var status: String { get set }
    var done: Bool { get set }
    var error: String? { get set }
    init(zone: String)
}

/// Zones worked one at a time, each with its progress line, a failed one retried or skipped by the user: the apply
/// step's batches and the migration's copies.
public struct ZoneQueue<Line: ZoneProgressLine>: Sendable, Equatable {
    /// Zones still to do, in order; the one running stays first until it succeeds.
    public var waiting: [String] = []
    /// The zone being worked on.
    public var running: String?
    public var lines: [Line] = []

    public init() {}

    /// Changes the line of `zone`, adding it at the end when it has none yet.
    mutating func update(_ zone: String, _ change: (inout Line) -> Void) {
        if let i = lines.firstIndex(where: { $0.zone == zone }) { change(&lines[i]) }
        else { var line = Line(zone: zone); change(&line); lines.append(line) }
    }

    /// The first waiting zone, now running ("starting"), unless one already runs; `zones` holds what to run, by name.
    mutating func startNext<Zone>(in zones: [Zone], named name: (Zone) -> String) -> Zone? {
        guard running == nil, let next = waiting.first, let zone = zones.first(where: { name($0) == next }) else { return nil }
        running = next
        update(next) { $0.status = "starting" }
        return zone
    }

    /// The running zone ended: done and out of the queue, or failed with `error` (it waits for retry or skip).
    mutating func finish(_ zone: String, error: String?, _ change: (inout Line) -> Void = { _ in }) {
        running = nil
        if let error { update(zone) { $0.error = error; $0.status = "failed" }; return }
        update(zone) { $0.done = true; change(&$0) }
        waiting.removeAll { $0 == zone }
    }

    /// The zone that failed, waiting for the user (nil while one runs).
    var failed: Line? { running == nil ? lines.first { $0.error != nil } : nil }

    /// r: the failed zone runs again, first in the queue.
    mutating func retryFailed() -> Bool {
        guard let failed else { return false }
        update(failed.zone) { $0.error = nil; $0.status = "retrying" }
        return true
    }

    /// s: the failed zone is left as it is and the others go on.
    mutating func skipFailed() -> Bool {
        guard let failed else { return false }
        update(failed.zone) { $0.error = nil; $0.status = "skipped after an error" }
        waiting.removeAll { $0 == failed.zone }
        return true
    }

    /// Nothing runs and nothing waits.
    var idle: Bool { running == nil && waiting.isEmpty }
}
