import Foundation

/// A client-side token bucket: callers reserve a token and wait until it is theirs, in arrival order.
public actor TokenBucket {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: Double
    private let clock: @Sendable () -> Double

    /// - Parameters:
    ///   - rate: tokens added per second.
    ///   - burst: the most tokens held (calls allowed back to back after a pause); at least 1.
    ///   - clock: seconds from any fixed origin (tests pass a fake one).
    public init(rate: Double, burst: Double? = nil,
                clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.rate = max(rate, 0.001)
        self.burst = max(1, burst ?? rate)
        self.clock = clock
        self.tokens = self.burst
        self.last = clock()
    }

    /// Takes one token and returns how many seconds the caller must wait before using it (0 when one was free).
    public func reserve() -> Double {
        let now = clock()
        tokens = min(burst, tokens + (now - last) * rate)
        last = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Waits for a token. Throws `Route53Error.cancelled` when the task is cancelled while waiting.
    public nonisolated func acquire() async throws {
        let wait = await reserve()
        if wait > 0 {
            do { try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) } catch { throw Route53Error.cancelled }
        }
    }
}
