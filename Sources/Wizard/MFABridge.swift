import Foundation
import Route53
import Terminal

/// Lets a credential provider ask for an MFA code (`mfa_serial`) in the wizard's own prompt while its screen runs,
/// and through `fallback` (the terminal) otherwise. One question at a time; the answer, or its cancellation, ends it.
public final class MFABridge: @unchecked Sendable {
    private let lock = NSLock()
    private var sink: (@Sendable (String) -> Void)?
    private var pending: CheckedContinuation<String, Error>?
    private let fallback: @Sendable (String) async throws -> String

    public init(fallback: @escaping @Sendable (String) async throws -> String) { self.fallback = fallback }

    /// The code for `serial`: typed into the wizard when it is on screen, else asked by `fallback`.
    public func ask(_ serial: String) async throws -> String {
        guard let sink = lock.withLock({ self.sink }) else { return try await fallback(serial) }
        return try await withCheckedThrowingContinuation { continuation in
            let earlier = lock.withLock { () -> CheckedContinuation<String, Error>? in
                defer { pending = continuation }
                return pending
            }
            earlier?.resume(throwing: Self.notGiven(serial))
            sink(serial)
        }
    }

    /// The screen is up: questions go to `sink` (which shows the prompt).
    func attach(_ sink: @escaping @Sendable (String) -> Void) { lock.withLock { self.sink = sink } }

    /// The screen is gone: a question still open is cancelled.
    func detach() {
        let open = lock.withLock { () -> CheckedContinuation<String, Error>? in
            sink = nil
            defer { pending = nil }
            return pending
        }
        open?.resume(throwing: Self.notGiven(nil))
    }

    /// The user typed `code` (nil: pressed esc).
    func answer(_ code: String?, serial: String) {
        let open = lock.withLock { () -> CheckedContinuation<String, Error>? in defer { pending = nil }; return pending }
        if let code { open?.resume(returning: code) } else { open?.resume(throwing: Self.notGiven(serial)) }
    }

    static func notGiven(_ serial: String?) -> Route53Error {
        .credentials("no MFA code was given\(serial.map { " for \($0)" } ?? ""): the session needs one; try again and type the current code of the device")
    }
}

/// The MFA prompt on screen: which device, and the code typed so far (shown masked).
public struct MFAPromptState: Sendable, Equatable {
    public var serial: String
    public var code = ""
}

extension WizardState {
    /// Keys while the MFA prompt is open: digits, backspace, enter sends, esc cancels.
    mutating func mfaKey(_ k: Key) -> [WizardCommand] {
        guard var p = mfaPrompt else { return [] }
        switch k {
        case .enter: mfaPrompt = nil; return [.answerMFA(code: p.code, serial: p.serial)]
        case .escape: mfaPrompt = nil; return [.answerMFA(code: nil, serial: p.serial)]
        case .backspace, .delete: if !p.code.isEmpty { p.code.removeLast() }
        default: if let c = k.printable, c.isASCII, c.isNumber, p.code.count < 8 { p.code.append(c) }
        }
        mfaPrompt = p
        return []
    }

    /// The prompt's lines for the overlay.
    var mfaQuestion: String? {
        mfaPrompt.map { p in
            "Route 53 needs a new session for this profile. Enter the current code of the MFA device \(p.serial):  "
                + (p.code.isEmpty ? "_" : String(repeating: "*", count: p.code.count))
        }
    }
}
