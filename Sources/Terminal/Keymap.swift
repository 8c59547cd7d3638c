/// Which keys a binding answers to.
public enum KeyPattern: Hashable, Sendable {
    case key(Key)
    /// Any printable character (typing into a field or a filter).
    case printable
}

/// One line of a keymap: the keys, the hint shown for them, and the action they trigger.
public struct KeyBinding<Action: Sendable>: Sendable {
    public var patterns: [KeyPattern]
    /// Shown in the footer and the help overlay (`↑↓`).
    public var label: String
    public var help: String
    /// False for bindings listed only in the `?` overlay.
    public var inFooter: Bool
    public var action: Action

    public init(_ keys: [Key], _ label: String? = nil, _ help: String, footer: Bool = true, _ action: Action) {
        patterns = keys.map(KeyPattern.key)
        self.label = label ?? keys.map(\.label).joined(separator: "/")
        self.help = help; inFooter = footer; self.action = action
    }

    public init(patterns: [KeyPattern], label: String, help: String, footer: Bool = true, action: Action) {
        self.patterns = patterns; self.label = label; self.help = help; inFooter = footer; self.action = action
    }
}

/// The one keymap of a screen: it decides what a key does AND draws the footer hints and the `?` overlay,
/// so the hints can never disagree with the handling.
public struct Keymap<Action: Sendable>: Sendable {
    public var bindings: [KeyBinding<Action>]
    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The action for `key`: an exact binding first, then a `printable` binding for printable characters.
    public func action(for key: Key) -> Action? {
        if let b = bindings.first(where: { $0.patterns.contains(.key(key)) }) { return b.action }
        if key.printable != nil, let b = bindings.first(where: { $0.patterns.contains(.printable) }) { return b.action }
        return nil
    }

    /// `label help` pairs for the footer.
    public var footerHints: [(String, String)] { bindings.filter(\.inFooter).map { ($0.label, $0.help) } }
    /// `label help` pairs for the help overlay (every binding).
    public var helpLines: [(String, String)] { bindings.map { ($0.label, $0.help) } }
}
