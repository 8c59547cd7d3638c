/// A key press, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Control plus a letter (`ctrl("c")`).
    case ctrl(Character)
    case up, down, left, right, enter, escape, tab, backTab, backspace, delete, home, end, pageUp, pageDown

    /// A short label for hints (`↑`, `enter`, `^C`, `q`).
    public var label: String {
        switch self {
        case .char(" "): return "space"
        case let .char(c): return String(c)
        case let .ctrl(c): return "^" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .enter: return "enter"
        case .escape: return "esc"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "bksp"
        case .delete: return "del"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        }
    }

    /// A printable character typed by the user (not a control key).
    public var printable: Character? {
        if case let .char(c) = self, c != "\t" { return c }
        return nil
    }
}

/// What the screen loop receives from the driver.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    case resize(Size)
    /// Woken by a message from elsewhere (a finished request, a log event).
    case wake
    /// The timeout passed (animation tick).
    case timeout
    /// SIGINT, SIGTERM or SIGHUP arrived; the number is the signal.
    case signal(Int32)
}
