import Foundation

/// One HTTP attempt against Route 53 or Route 53 Domains, as the log pane and `--verbose` show it.
/// Carries no secret: no credentials, no signature, no request body.
public struct RequestEvent: Sendable, Equatable {
    /// When the attempt started.
    public var time: Date
    /// The API operation (`ListHostedZones`).
    public var operation: String
    public var method: String
    /// The request path with its query (`/2013-04-01/hostedzone?maxitems=100`).
    public var path: String
    /// The HTTP status, nil when no answer arrived.
    public var status: Int?
    /// 1 for the first try, 2 for the first retry, ...
    public var attempt: Int
    /// Wall time of the attempt in milliseconds.
    public var latencyMs: Double
    public var requestId: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// True when this attempt failed and will be retried.
    public var willRetry: Bool
    /// What the client concluded beyond one attempt, e.g. `answer lost; checked: applied` after a write whose answer
    /// was lost was read back.
    public var note: String?

    public init(time: Date, operation: String, method: String, path: String, status: Int?, attempt: Int,
                latencyMs: Double, requestId: String? = nil, errorCode: String? = nil, errorMessage: String? = nil,
                willRetry: Bool = false, note: String? = nil) {
        self.note = note
        self.time = time; self.operation = operation; self.method = method; self.path = path; self.status = status
        self.attempt = attempt; self.latencyMs = latencyMs; self.requestId = requestId; self.errorCode = errorCode
        self.errorMessage = errorMessage; self.willRetry = willRetry
    }
}

/// Fans request events out to any number of `AsyncStream` subscribers (log pane, `--verbose`, tests).
public final class RequestEventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var continuations: [UUID: AsyncStream<RequestEvent>.Continuation] = [:]

    public init() {}

    /// A new stream of every event emitted from now on.
    public func stream() -> AsyncStream<RequestEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<RequestEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.lock(); self.continuations[id] = nil; self.lock.unlock()
        }
        lock.lock(); continuations[id] = continuation; lock.unlock()
        return stream
    }

    /// Sends `event` to every current subscriber.
    public func emit(_ event: RequestEvent) {
        lock.lock(); let all = Array(continuations.values); lock.unlock()
        for c in all { c.yield(event) }
    }

    /// Ends every stream.
    public func finish() {
        lock.lock(); let all = Array(continuations.values); continuations.removeAll(); lock.unlock()
        for c in all { c.finish() }
    }
}
