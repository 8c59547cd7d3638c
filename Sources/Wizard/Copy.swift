import Foundation
import Terminal

/// What a copy did: the clipboard took it, or it went to a private file (and why).
public enum CopyOutcome: Sendable, Equatable {
    case clipboard(what: String, lines: Int)
    case file(what: String, path: String, reason: String)

    /// The notice the screen shows (the path first: it is what the user needs when the line is cut).
    public var notice: (text: String, role: Role) {
        switch self {
        case let .clipboard(what, lines):
            return ("Copied \(what) (\(lines) line\(lines == 1 ? "" : "s")) to your clipboard (OSC 52)", .ok)
        case let .file(what, path, reason):
            return ("\(what) written to \(path) (mode 0600): \(reason)", .warn)
        }
    }

    /// The notice for a copy's result, in the wizard and the browser alike.
    static func notice(_ r: Result<CopyOutcome, UIError>) -> (text: String, role: Role) {
        switch r {
        case let .success(o): return o.notice
        case let .failure(e): return ("Could not copy: \(e.message)", .error)
        }
    }

    /// The notice for the log's `s`, in the wizard and the browser alike.
    static func logSaved(_ r: Result<String, UIError>) -> (text: String, role: Role) {
        switch r {
        case let .success(path): return ("Log saved to \(path) (mode 0600)", .ok)
        case let .failure(e): return ("Could not save the log: \(e.message)", .error)
        }
    }
}

/// Copies text to the user's clipboard with OSC 52 through the terminal outbox, or, when the terminal cannot take it
/// (see `Clipboard.route`), writes it to a 0600 file in the state directory as the log's `s` does. Runner side.
public enum CopyToUser {
    public static func perform(_ text: String, what: String, prefix: String, term: String?, outbox: TerminalOutbox,
                               directory: URL) -> Result<CopyOutcome, UIError> {
        switch Clipboard.route(text, term: term) {
        case let .terminal(sequence):
            outbox.send(sequence)
            return .success(.clipboard(what: what, lines: text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)))
        case let .file(reason):
            do {
                let path = try PrivateFile.write(text, directory: directory, name: PrivateFile.stampedName(prefix))
                return .success(.file(what: what, path: path, reason: reason))
            } catch { return .failure(UIError(error: error)) }
        }
    }

    /// The copy rule, for the help overlays.
    public static let helpLines: [(String, String)] = [
        ("", "c copies with OSC 52 (in tmux: set -g set-clipboard on);"),
        ("", "TERM dumb or linux, or over 74 KB: a 0600 file instead"),
    ]

    /// The terminal type the user's terminal reports.
    public static var term: String? { ProcessInfo.processInfo.environment["TERM"] }
}
