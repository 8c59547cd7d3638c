import Foundation

/// An in-memory screen for tests: keeps the last frame as plain text, and plays back scripted input.
public final class MemoryDriver: ScreenDriver, @unchecked Sendable {
    public var size: Size
    /// Render box drawing and markers as ASCII, as in a non-UTF-8 locale.
    public var ascii: Bool
    public private(set) var lastFrame: Frame?
    public private(set) var drawCount = 0
    public let outbox = TerminalOutbox()
    /// Everything written to the "terminal" outside the frames (OSC 52 sequences), in order.
    public private(set) var written: [String] = []
    private let cond = NSCondition()
    private var script: [InputEvent] = []
    private var woken = false

    public init(size: Size = Size(width: 80, height: 24), ascii: Bool = false) {
        self.size = size; self.ascii = ascii
        outbox.attach(MemoryWaker(driver: self))
    }

    public func draw(_ frame: Frame) {
        cond.lock(); lastFrame = frame; drawCount += 1; written += outbox.drain(); cond.broadcast(); cond.unlock()
    }

    /// Queues input for `nextInput` (from any thread).
    public func feed(_ events: [InputEvent]) {
        cond.lock(); script += events; cond.broadcast(); cond.unlock()
    }

    public func nextInput(timeoutMs: Int?) -> InputEvent {
        cond.lock(); defer { cond.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeoutMs ?? 5_000) / 1000)
        while script.isEmpty && !woken {
            if !cond.wait(until: deadline) { return timeoutMs == nil ? .wake : .timeout }
        }
        if woken { woken = false; return .wake }
        let e = script.removeFirst()
        if case let .resize(s) = e { size = s }
        return e
    }

    public var waker: any Waker { MemoryWaker(driver: self) }

    fileprivate func wakeUp() { cond.lock(); woken = true; cond.broadcast(); cond.unlock() }

    /// Waits until a drawn frame satisfies `predicate` (or `timeout` seconds pass); returns whether it did.
    public func waitForFrame(timeout: Double = 5, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        cond.lock(); defer { cond.unlock() }
        while true {
            if let f = lastFrame, predicate(Self.render(f, ascii: ascii).joined(separator: "\n")) { return true }
            if !cond.wait(until: deadline) { return false }
        }
    }

    /// The last frame as text lines (ASCII-mapped when `ascii`).
    public var lines: [String] { lastFrame.map { Self.render($0, ascii: ascii) } ?? [] }

    /// Plain-text rendering of a frame, mapping glyphs to ASCII when asked (what a non-UTF-8 terminal shows).
    public static func render(_ frame: Frame, ascii: Bool) -> [String] {
        (0..<frame.size.height).map { y in
            (0..<frame.size.width).map { x -> String in
                let t = frame[x, y].text
                return ascii ? Glyph.ascii(t) : t
            }.joined()
        }
    }
}

/// Weak, so the driver's own outbox (which holds one) does not keep the driver alive.
struct MemoryWaker: Waker, @unchecked Sendable {
    weak var driver: MemoryDriver?
    func wake() { driver?.wakeUp() }
}
