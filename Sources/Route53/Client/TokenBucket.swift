import Foundation

/// A client-side token bucket: callers reserve tokens and wait until they are theirs, in arrival order.
///
/// Adaptive: when the service throttles anyway (another client on the account, a stricter quota than configured),
/// `slowDown()` halves the refill from the rate measured over the last seconds and empties the bucket; the refill then
/// climbs back linearly to the configured rate over `climbSeconds`.
public actor TokenBucket {
    public let rate: Double
    public let burst: Double
    public let climbSeconds: Double
    private var tokens: Double
    private var last: Double
    private let clock: @Sendable () -> Double
    /// After a throttle: the reduced rate and when it was set.
    private var floor: (rate: Double, since: Double)?
    /// When the last reservations were made, for the measured rate.
    private var recent: [Double] = []
    private static let window = 2.0

    /// - Parameters:
    ///   - rate: tokens added per second.
    ///   - burst: the most tokens held (calls allowed back to back after a pause); at least 1.
    ///   - climbSeconds: how long the refill takes to climb back to `rate` after `slowDown()`.
    ///   - clock: seconds from any fixed origin (tests pass a fake one).
    public init(rate: Double, burst: Double? = nil, climbSeconds: Double = 10,
                clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.rate = max(rate, 0.001)
        self.burst = max(1, burst ?? rate)
        self.climbSeconds = max(climbSeconds, 0.001)
        self.clock = clock
        self.tokens = self.burst
        self.last = clock()
    }

    /// The refill rate now: `rate`, or on the way back to it after a throttle.
    public func currentRate() -> Double { rate(at: clock()) }

    private func rate(at now: Double) -> Double {
        guard let floor else { return rate }
        let r = floor.rate + (rate - floor.rate) * (now - floor.since) / climbSeconds
        if r >= rate { self.floor = nil; return rate }
        return r
    }

    /// Takes `count` tokens and returns how many seconds the caller must wait before using them (0 when they were
    /// there). A count above the burst (a change batch of more record changes than the client's bucket holds, which
    /// the service's larger bucket takes) is charged whole: charged only up to the burst, batches sent side by side
    /// ran ahead of the service's refill and were throttled (migrate's copies, 4 zones at a time).
    public func reserve(_ count: Double = 1) -> Double {
        let now = clock()
        let r = rate(at: now)
        tokens = min(burst, tokens + (now - last) * r)
        last = now
        tokens -= count
        recent.append(now)
        recent.removeAll { now - $0 > Self.window }
        return tokens >= 0 ? 0 : -tokens / r
    }

    /// The service said Throttling: refill at half the measured rate (never below 5 % of `rate`), from an empty bucket.
    public func slowDown() {
        let now = clock()
        let current = rate(at: now)
        recent.removeAll { now - $0 > Self.window }
        let measured = Double(recent.count) / Self.window
        let reduced = max(rate * 0.05, 0.5 * (measured > 0 ? min(current, measured) : current))
        floor = (reduced, now)
        tokens = min(tokens, 0)
        last = now
    }

    /// Waits for `count` tokens. Throws `Route53Error.cancelled` when the task is cancelled while waiting.
    public nonisolated func acquire(_ count: Double = 1) async throws {
        let wait = await reserve(count)
        if wait > 0 {
            do { try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) } catch { throw Route53Error.cancelled }
        }
    }
}
