import Foundation

/// Draws frames and reads input. `CursesDriver` is the terminal; `MemoryDriver` is its in-memory twin for tests.
/// Every call happens on the one thread that runs the screen loop (ncurses is not thread-safe).
public protocol ScreenDriver: AnyObject {
    var size: Size { get }
    func draw(_ frame: Frame)
    /// Blocks until a key, a resize, a signal, a `wake()` from another thread, or `timeoutMs` (nil: no timeout).
    func nextInput(timeoutMs: Int?) -> InputEvent
    /// Interrupts `nextInput` from any thread.
    var waker: any Waker { get }
    /// Raw bytes for the terminal outside the frame (OSC 52), written after the next draw.
    var outbox: TerminalOutbox { get }
}

/// Something that interrupts a blocked `nextInput`; safe from any thread.
public protocol Waker: Sendable {
    func wake()
}

/// A thread-safe queue of messages for the screen loop; `send` wakes the loop.
public final class Mailbox<Msg: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Msg] = []
    private let waker: any Waker
    public init(waker: any Waker) { self.waker = waker }
    /// Queues `msg` and wakes the loop.
    public func send(_ msg: Msg) {
        lock.lock(); items.append(msg); lock.unlock()
        waker.wake()
    }
    /// Takes every queued message.
    public func drain() -> [Msg] {
        lock.lock(); defer { lock.unlock() }
        let out = items; items.removeAll()
        return out
    }
}

/// The screen loop: draw, wait for input or messages (no polling), update, redraw; ticks only while animating.
public enum ScreenLoop {
    /// Runs until `finished()` is true. `handle` gets every input event, `receive` every message sent to `mailbox`.
    public static func run<Msg: Sendable>(driver: any ScreenDriver, mailbox: Mailbox<Msg>, tickMs: Int = 100,
                                          handle: (InputEvent) -> Void, receive: (Msg) -> Void,
                                          render: (Size) -> Frame, animating: () -> Bool, finished: () -> Bool) {
        driver.draw(render(driver.size))
        var lastTick = DispatchTime.now().uptimeNanoseconds
        while !finished() {
            var timeout: Int? = nil
            if animating() {
                let since = Int((DispatchTime.now().uptimeNanoseconds - lastTick) / 1_000_000)
                timeout = max(0, tickMs - since)
            }
            let event = driver.nextInput(timeoutMs: timeout)
            if animating(), Int((DispatchTime.now().uptimeNanoseconds - lastTick) / 1_000_000) >= tickMs {
                lastTick = DispatchTime.now().uptimeNanoseconds
                handle(.timeout)
            }
            if event != .timeout && event != .wake { handle(event) }
            for m in mailbox.drain() { receive(m) }
            if finished() { break }
            driver.draw(render(driver.size))
        }
    }
}
