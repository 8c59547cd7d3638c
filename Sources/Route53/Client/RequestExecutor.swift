import Foundation

/// One API call as the executor sends it: what to send and how to read a failure.
struct APICall: Sendable {
    /// The operation name for events (`ListHostedZones`).
    var operation: String
    var method: String
    /// The path below the endpoint's base path, percent-encoded.
    var path: String
    /// Query items, values not yet encoded.
    var query: [(String, String)] = []
    var headers: [(name: String, value: String)] = []
    var body = Data()
    /// Record changes the call carries, for the change bucket (ChangeResourceRecordSets only).
    var changeCount = 0
    /// False for calls that must not be resent blindly (a CREATE or DELETE batch, a delete, a tag change, a registrar
    /// update): when their answer may have been lost, `send` throws `Route53Error.outcomeUnknown` instead of retrying,
    /// and the client reads the state back (`LostAnswer`).
    var idempotent = true
}

/// The machinery every client shares: pacing, credentials and signing per attempt, sending, retries with backoff,
/// error decoding and request events.
final class RequestExecutor: Sendable {
    let endpoint: ServiceEndpoint
    let credentials: any CredentialProvider
    let transport: any HTTPTransport
    let events: RequestEventHub?
    let options: ClientOptions
    /// Turns a non-2xx answer into the error to throw (XML for Route 53, JSON for Route 53 Domains).
    let decodeError: @Sendable (HTTPResponse) -> Route53Error
    private let pacer: Pacer
    private let signer: SigV4Signer

    init(endpoint: ServiceEndpoint, credentials: any CredentialProvider, transport: any HTTPTransport,
         events: RequestEventHub?, options: ClientOptions, decodeError: @escaping @Sendable (HTTPResponse) -> Route53Error) {
        self.endpoint = endpoint; self.credentials = credentials; self.transport = transport; self.events = events
        self.options = options; self.decodeError = decodeError
        pacer = Pacer(options.limits)
        signer = SigV4Signer(region: endpoint.region, service: endpoint.signingService)
    }

    /// RFC 3986 unreserved characters: the only ones left unencoded in paths and queries (SigV4's rule).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes one path segment or query value.
    static func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }

    /// Sends `call` until it succeeds (a 2xx answer), fails with an error that is not retryable, or runs out of attempts.
    /// Creates are retried like any call: their CallerReference makes a repeat of one that was applied fail with
    /// HostedZoneAlreadyExists / DelegationSetAlreadyCreated, which the caller turns into the existing object.
    /// A call marked not idempotent whose answer may have been lost (`RetryPolicy.answerMayBeLost`) is not resent:
    /// it throws `Route53Error.outcomeUnknown`; failures that say nothing was done (throttling, a refused connection)
    /// are retried as for any call.
    /// A Throttling answer slows the pacer; PriorRequestNotComplete only waits before this call's next attempt.
    func send<T: Sendable>(_ call: APICall, decode: @Sendable (HTTPResponse) throws -> T) async throws -> T {
        let query = call.query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let path = endpoint.basePath + call.path
        let shownPath = path + (query.isEmpty ? "" : "?" + query)
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw Route53Error.cancelled }
            try await pacer.acquire(operation: call.operation, changeCount: call.changeCount)
            let creds = try await credentials.credentials()
            var request = HTTPRequest(method: call.method, scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                                      path: path, query: query, headers: call.headers, body: call.body)
            request.freshConnection = !call.idempotent
            signer.sign(&request, credentials: creds, date: Date())
            let started = Date()
            var status: Int?
            var requestId: String?
            let outcome: Result<T, Error>
            do {
                let response = try await transport.send(request, timeout: options.timeoutSeconds)
                status = response.status
                requestId = response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"]
                if (200..<300).contains(response.status) {
                    outcome = Result { try decode(response) }
                } else {
                    let error = decodeError(response)
                    if case let .service(_, _, _, id) = error, let id { requestId = id }
                    outcome = .failure(error)
                }
            } catch {
                outcome = .failure(error)
            }
            let latency = Date().timeIntervalSince(started) * 1000
            var willRetry = false
            var lost = false
            if case let .failure(error) = outcome {
                lost = !call.idempotent && RetryPolicy.answerMayBeLost(error)
                willRetry = !lost && attempt < options.maxAttempts && RetryPolicy.isRetryable(error) && !Task.isCancelled
            }
            emit(call, shownPath, started, status, attempt, latency, requestId, outcome, willRetry)
            switch outcome {
            case let .success(value): return value
            case let .failure(error):
                if lost { throw Route53Error.outcomeUnknown(operation: call.operation, detail: String(describing: error)) }
                if (error as? Route53Error)?.code.map(RetryPolicy.throttlingCodes.contains) == true {
                    await pacer.throttled(operation: call.operation)
                }
                guard willRetry else { throw error }
                let delay = RetryPolicy.delay(afterAttempt: attempt, base: options.baseDelaySeconds, maxDelay: options.maxDelaySeconds)
                if delay > 0 {
                    do { try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) } catch { throw Route53Error.cancelled }
                }
            }
        }
    }

    /// One event for what reading back after a lost answer found (`answer lost; checked: applied`).
    func note(_ call: APICall, _ text: String, started: Date) {
        events?.emit(RequestEvent(time: started, operation: call.operation, method: call.method, path: endpoint.basePath + call.path,
                                  status: nil, attempt: 1, latencyMs: Date().timeIntervalSince(started) * 1000, note: text))
    }

    private func emit<T>(_ call: APICall, _ path: String, _ started: Date, _ status: Int?, _ attempt: Int, _ latency: Double,
                         _ requestId: String?, _ outcome: Result<T, Error>, _ willRetry: Bool) {
        guard let events else { return }
        var code: String?, message: String?
        if case let .failure(error) = outcome {
            switch error as? Route53Error {
            case let .service(c, m, _, _)?: code = c; message = m
            case let .transport(m)?: code = "Transport"; message = m
            case let .malformedResponse(m)?: code = "MalformedResponse"; message = m
            case .cancelled?: code = "Cancelled"; message = "cancelled"
            case let .credentials(m)?: code = "Credentials"; message = m
            case let .configuration(m)?: code = "Configuration"; message = m
            case let .outcomeUnknown(_, m)?: code = "OutcomeUnknown"; message = m
            case nil: code = "Error"; message = String(describing: error)
            }
        }
        events.emit(RequestEvent(time: started, operation: call.operation, method: call.method, path: path, status: status,
                                 attempt: attempt, latencyMs: latency, requestId: requestId, errorCode: code,
                                 errorMessage: message, willRetry: willRetry))
    }
}
