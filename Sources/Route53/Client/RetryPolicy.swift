import Foundation

/// Which failures are worth another attempt, and how long to wait first (botocore "standard" mode:
/// exponential backoff with full jitter).
public enum RetryPolicy {
    /// Error codes that mean "slow down" or "try again": retried whatever their HTTP status.
    public static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "PriorRequestNotComplete", "RequestLimitExceeded",
        "TooManyRequestsException", "RequestThrottled", "ServiceUnavailable", "InternalError",
    ]

    /// Error codes that mean the account's request rate was exceeded (the pacer slows down on these).
    public static let throttlingCodes: Set<String> = ["Throttling", "ThrottlingException", "RequestLimitExceeded",
                                                      "TooManyRequestsException", "RequestThrottled"]

    /// True for throttling, PriorRequestNotComplete, any 5xx answer and transport failures.
    public static func isRetryable(_ error: Error) -> Bool {
        guard let e = error as? Route53Error else { return false }
        switch e {
        case let .service(code, _, status, _): return retryableCodes.contains(code) || status >= 500
        case .transport: return true
        case let .malformedResponse(m): return m.hasPrefix("HTTP 5")
        case .credentials, .configuration, .cancelled, .outcomeUnknown: return false
        }
    }

    /// Transport failures that happen before a request leaves (nothing reached the service).
    static let notSentPrefixes = ["connection refused", "cannot resolve the host", "TLS failure"]

    /// True when `error` may hide an answer that was lost after the service received the request: the connection
    /// dropped or timed out once connected, a 5xx (InternalError, ServiceUnavailable), or an answer that could not be
    /// read. Throttling and PriorRequestNotComplete (4xx) say the request was not acted on; a refused connection says
    /// it never arrived. Non-idempotent calls are not resent on these: they are read back first.
    public static func answerMayBeLost(_ error: Error) -> Bool {
        guard let e = error as? Route53Error else { return false }
        switch e {
        case let .service(code, _, status, _): return status >= 500 || code == "InternalError" || code == "ServiceUnavailable"
        case let .transport(m): return !notSentPrefixes.contains { m.hasPrefix($0) }
        case let .malformedResponse(m): return m.hasPrefix("HTTP 5") || m.hasPrefix("HTTP 2")
        case .credentials, .configuration, .cancelled, .outcomeUnknown: return false
        }
    }

    /// The ceiling of the wait after failed attempt `attempt` (1-based): `min(maxDelay, base * 2^(attempt-1))`.
    public static func ceiling(afterAttempt attempt: Int, base: Double, maxDelay: Double) -> Double {
        min(maxDelay, base * pow(2, Double(max(0, attempt - 1))))
    }

    /// A full-jitter delay in `0...ceiling(afterAttempt:)`; `unit` is a random number in 0...1.
    public static func delay(afterAttempt attempt: Int, base: Double, maxDelay: Double,
                             unit: Double = Double.random(in: 0...1)) -> Double {
        unit * ceiling(afterAttempt: attempt, base: base, maxDelay: maxDelay)
    }
}
