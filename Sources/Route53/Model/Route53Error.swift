import Foundation

/// Everything that can go wrong talking to Route 53, each case with a message a user can act on.
public enum Route53Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service answered with an error document (`ErrorResponse` or `InvalidChangeBatch`).
    case service(code: String, message: String, status: Int, requestId: String?)
    /// The connection failed (DNS, refused, TLS, timeout) before an HTTP answer arrived.
    case transport(String)
    /// The answer could not be read (HTML, truncated XML, missing element).
    case malformedResponse(String)
    /// No credentials could be found; the message lists what was tried.
    case credentials(String)
    /// Bad configuration: an endpoint, a profile, a file.
    case configuration(String)
    /// The operation was cancelled.
    case cancelled
    /// A call that is not safe to repeat (a CREATE or DELETE batch, a delete, a tag change, a registrar update) was
    /// sent, but its answer was lost (the connection dropped, a timeout, a 5xx), and reading back could not settle
    /// whether it was applied, or found the records in a third state. `detail` says what was seen and what to do.
    case outcomeUnknown(operation: String, detail: String)

    public var description: String {
        switch self {
        case let .service(code, message, status, requestId):
            var s = "Route 53 error \(code) (HTTP \(status)): \(message)"
            if let requestId, !requestId.isEmpty { s += " [request id \(requestId)]" }
            return s
        case let .transport(m): return "could not reach the endpoint: \(m)"
        case let .malformedResponse(m): return "unreadable answer from the endpoint: \(m)"
        case let .credentials(m): return m
        case let .configuration(m): return m
        case .cancelled: return "cancelled"
        case let .outcomeUnknown(operation, detail): return "the answer to \(operation) was lost: \(detail)"
        }
    }

    /// The Route 53 error code, when the service sent one.
    public var code: String? {
        if case let .service(code, _, _, _) = self { return code }
        return nil
    }
}
