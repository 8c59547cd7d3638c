import Foundation

/// Paces calls with the buckets Route 53 publishes (`RateLimits`): the operation's own bucket first, then the
/// change bucket for writes, then the account bucket, so the account token is taken right before the call is sent.
final class Pacer: Sendable {
    private let account: TokenBucket
    private let operations: [String: TokenBucket]
    private let changes: TokenBucket

    init(_ limits: RateLimits) {
        account = Self.bucket(limits.account)
        operations = limits.operations.mapValues(Self.bucket)
        changes = Self.bucket(limits.changes)
    }

    /// A client bucket a little smaller than the service's: the service counts a call when it arrives, and the first
    /// calls of a run arrive late (connection and TLS set-up), so a bucket exactly the service's size would run a
    /// token or two ahead of it (more on a loaded machine). The headroom is what the service refills in 0.5 s, at least one token.
    static func bucket(_ limit: BucketLimit) -> TokenBucket {
        let headroom = max(1, (limit.refillPerSecond * 0.5).rounded(.up))
        return TokenBucket(rate: limit.refillPerSecond, burst: max(1, limit.capacity - headroom))
    }

    /// Waits until `operation` (carrying `changeCount` record changes) may be sent.
    func acquire(operation: String, changeCount: Int) async throws {
        if let own = operations[operation] { try await own.acquire() }
        if changeCount > 0 { try await changes.acquire(Double(changeCount)) }
        try await account.acquire()
    }

    /// A Throttling answer to `operation`: slow the bucket that most likely ran dry (the operation's own when it has
    /// a smaller one, else the account's).
    func throttled(operation: String) async {
        await (operations[operation] ?? account).slowDown()
    }
}
