import Foundation

/// Tuning for `Route53Client` and `Route53DomainsClient`: retries, client-side rate limits, timeouts.
public struct ClientOptions: Sendable {
    /// Attempts per call, the first one included.
    public var maxAttempts: Int = 5
    /// Client-side limit for every call (token bucket refill rate, burst of one second's worth).
    public var requestsPerSecond: Double = 5.0
    /// Extra limit for CreateHostedZone and CreateReusableDelegationSet.
    public var createsPerSecond: Double = 2.0
    /// Per-attempt timeout in seconds.
    public var timeoutSeconds: Double = 30.0
    /// Backoff base: the delay before retry n is `random(0, min(maxDelaySeconds, baseDelaySeconds * 2^(n-1)))`.
    public var baseDelaySeconds: Double = 1.0
    /// Backoff ceiling in seconds.
    public var maxDelaySeconds: Double = 20.0

    public init(maxAttempts: Int = 5, requestsPerSecond: Double = 5.0, createsPerSecond: Double = 2.0,
                timeoutSeconds: Double = 30.0, baseDelaySeconds: Double = 1.0, maxDelaySeconds: Double = 20.0) {
        self.maxAttempts = maxAttempts; self.requestsPerSecond = requestsPerSecond; self.createsPerSecond = createsPerSecond
        self.timeoutSeconds = timeoutSeconds; self.baseDelaySeconds = baseDelaySeconds; self.maxDelaySeconds = maxDelaySeconds
    }
}
