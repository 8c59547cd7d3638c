import Foundation

/// Tuning for `Route53Client` and `Route53DomainsClient`: retries, client-side rate limits, timeouts.
public struct ClientOptions: Sendable {
    /// Attempts per call, the first one included.
    public var maxAttempts: Int = 5
    /// Client-side limit for every call (token bucket refill rate).
    public var requestsPerSecond: Double = 5.0
    /// Calls allowed back to back after a pause. Route 53's own account-wide bucket holds 50 and refills at 10/s
    /// (older documents: a flat 5/s), so 50 at 5/s never outruns it.
    public var requestsBurst: Double = 50
    /// Extra limit for CreateHostedZone and CreateReusableDelegationSet.
    public var createsPerSecond: Double = 2.0
    /// Creates allowed back to back: Route 53's bucket for these operations holds 40 and refills at 2/s.
    public var createsBurst: Double = 40
    /// Per-attempt timeout in seconds.
    public var timeoutSeconds: Double = 30.0
    /// Backoff base: the delay before retry n is `random(0, min(maxDelaySeconds, baseDelaySeconds * 2^(n-1)))`.
    public var baseDelaySeconds: Double = 1.0
    /// Backoff ceiling in seconds.
    public var maxDelaySeconds: Double = 20.0

    public init(maxAttempts: Int = 5, requestsPerSecond: Double = 5.0, requestsBurst: Double = 50, createsPerSecond: Double = 2.0,
                createsBurst: Double = 40, timeoutSeconds: Double = 30.0, baseDelaySeconds: Double = 1.0, maxDelaySeconds: Double = 20.0) {
        self.maxAttempts = maxAttempts; self.requestsPerSecond = requestsPerSecond; self.createsPerSecond = createsPerSecond
        self.requestsBurst = requestsBurst; self.createsBurst = createsBurst
        self.timeoutSeconds = timeoutSeconds; self.baseDelaySeconds = baseDelaySeconds; self.maxDelaySeconds = maxDelaySeconds
    }
}
