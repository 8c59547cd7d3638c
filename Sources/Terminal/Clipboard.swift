import Foundation

/// Copying to the user's own clipboard with the OSC 52 terminal escape (`ESC ] 52 ; c ; <base64> BEL`), which
/// xterm, iTerm2, kitty, WezTerm, Windows Terminal, Alacritty and tmux (`set -g set-clipboard on`) accept, over SSH too.
/// OSC 52 has no answer, so whether it can work is decided from what is known before sending: the terminal type and
/// the size of the text. When it cannot, the caller writes the text to a private file instead.
public enum Clipboard {
    /// The largest base64 payload sent: terminals cap OSC 52 (xterm and hterm near 100 KB, some at 74,994 bytes), and
    /// a longer one is dropped without a word, so above this the text goes to a file.
    public static let maxBase64 = 74_994

    /// How copied text reaches the user.
    public enum Route: Sendable, Equatable {
        /// The escape sequence to write to the terminal.
        case terminal(String)
        /// The terminal cannot take it; `reason` says why (shown in the notice).
        case file(reason: String)
    }

    /// The OSC 52 sequence that sets the clipboard (selection `c`) to `text`.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// Terminal types known to ignore OSC 52: no terminal at all, and the Linux and BSD consoles.
    static let without: Set<String> = ["", "dumb", "linux", "cons25", "vt100", "vt102", "vt220"]

    /// Where `text` goes for a terminal of type `term` (the `TERM` variable).
    public static func route(_ text: String, term: String?) -> Route {
        let t = (term ?? "").lowercased()
        if without.contains(t) { return .file(reason: t.isEmpty ? "no TERM set" : "TERM=\(t) has no clipboard escape") }
        let n = (text.utf8.count + 2) / 3 * 4
        if n > maxBase64 { return .file(reason: "\(text.utf8.count / 1024) KB is more than a terminal takes") }
        return .terminal(osc52(text))
    }
}

/// Bytes for the terminal that bypass the frame (an OSC 52 sequence), queued from any thread and written by the
/// driver on the screen thread right after its next refresh, so they never land inside a frame's output.
public final class TerminalOutbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    private var waker: (any Waker)?
    public init() {}

    /// Wakes the screen loop on `send` (set by the driver that writes the queue).
    public func attach(_ w: any Waker) { lock.lock(); waker = w; lock.unlock() }

    /// Queues `raw` and wakes the loop so it is written soon.
    public func send(_ raw: String) {
        lock.lock(); items.append(raw); let w = waker; lock.unlock()
        w?.wake()
    }

    /// Takes everything queued.
    public func drain() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let out = items; items.removeAll()
        return out
    }
}
