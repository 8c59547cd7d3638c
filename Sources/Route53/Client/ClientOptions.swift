import Foundation

/// Tuning for `Route53Client` and `Route53DomainsClient`: retries, client-side rate limits, timeouts.
public struct ClientOptions: Sendable {
    /// Attempts per call, the first one included.
    public var maxAttempts: Int = 5
    /// The buckets calls are paced with (Route 53's published ones unless the account's quotas were raised).
    public var limits: RateLimits = .route53
    /// Per-attempt timeout in seconds.
    public var timeoutSeconds: Double = 30.0
    /// Backoff base: the delay before retry n is `random(0, min(maxDelaySeconds, baseDelaySeconds * 2^(n-1)))`.
    public var baseDelaySeconds: Double = 1.0
    /// Backoff ceiling in seconds.
    public var maxDelaySeconds: Double = 20.0

    public init(maxAttempts: Int = 5, limits: RateLimits = .route53, timeoutSeconds: Double = 30.0,
                baseDelaySeconds: Double = 1.0, maxDelaySeconds: Double = 20.0) {
        self.maxAttempts = maxAttempts; self.limits = limits; self.timeoutSeconds = timeoutSeconds
        self.baseDelaySeconds = baseDelaySeconds; self.maxDelaySeconds = maxDelaySeconds
    }
}
