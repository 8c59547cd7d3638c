import Foundation

/// One token bucket as Route 53 publishes it: how many tokens it holds and how many it adds per second.
public struct BucketLimit: Sendable, Equatable {
    public var capacity: Double
    public var refillPerSecond: Double
    public init(capacity: Double, refillPerSecond: Double) { self.capacity = capacity; self.refillPerSecond = refillPerSecond }
}

/// Route 53's request buckets (Developer Guide, "Throttling for Amazon Route 53 API requests"), mirrored on the client
/// so a run never provokes throttling: every call takes a token from the account bucket and from its operation's
/// bucket; writes also take one token per record change (UPSERT twice) from the change bucket.
public struct RateLimits: Sendable, Equatable {
    /// Every Route 53 call of the account: 50, refilled at 10 per second.
    public var account = BucketLimit(capacity: 50, refillPerSecond: 10)
    /// Operations with a bucket smaller than the account's. Every other operation's own bucket (50 / 10 per s) is the
    /// same as the account bucket, which is then always the one that binds.
    public var operations: [String: BucketLimit] = [
        "CreateHostedZone": BucketLimit(capacity: 40, refillPerSecond: 2),
        "CreateReusableDelegationSet": BucketLimit(capacity: 40, refillPerSecond: 2),
        "DeleteHostedZone": BucketLimit(capacity: 40, refillPerSecond: 5),
        "DeleteReusableDelegationSet": BucketLimit(capacity: 40, refillPerSecond: 5),
    ]
    /// Record changes per second across the writing calls. Route 53 documents the bucket but this project has no
    /// published figure for it, so the default is deliberately generous and `--api-rate` scales it with the rest.
    public var changes = BucketLimit(capacity: 1000, refillPerSecond: 1000)

    public init() {}

    /// The published limits.
    public static let route53 = RateLimits()

    /// Route 53 Domains has limits of its own, not Route 53's; vanityns makes a handful of calls there and keeps them
    /// at 5 per second.
    public static let route53Domains: RateLimits = {
        var l = RateLimits()
        l.account = BucketLimit(capacity: 5, refillPerSecond: 5)
        l.operations = [:]
        return l
    }()

    /// Every bucket's refill (and capacity) multiplied by `factor`: for accounts whose quotas were raised, or for
    /// tests that must not wait.
    public func scaled(by factor: Double) -> RateLimits {
        func s(_ b: BucketLimit) -> BucketLimit { BucketLimit(capacity: max(1, b.capacity * factor), refillPerSecond: b.refillPerSecond * factor) }
        var l = self
        l.account = s(account)
        l.operations = operations.mapValues(s)
        l.changes = s(changes)
        return l
    }
}
