import Terminal

/// What a key does in the wizard; each screen's keymap maps keys to these.
public enum WizardAction: Sendable, Equatable {
    case up, down, pageUp, pageDown, top, bottom, choose, back, toggleLog, help, quit, type, erase, toggle
    case yes, no, skip, detail, rerun, writeFile, registrarApply, saveLog, resume, retry, finish, copy, openRecord
    case acknowledge, migratedApply, lowerTTL, next
}

extension WizardState {
    typealias B = KeyBinding<WizardAction>

    /// ↑↓ (and k/j with `letters`) as `up`/`down`, named `help` in the footer.
    static func move(_ help: String = "move", letters: Bool = true) -> [B] {
        [B(letters ? [.up, .char("k")] : [.up], "↑↓", help, .up),
         B(letters ? [.down, .char("j")] : [.down], letters ? "↓/j" : "↓", help + " down", footer: false, .down)]
    }
    /// Typing into a field: printable keys as `type` (named `help`), backspace erases, enter as `choose`.
    static func typing(_ help: String, enter: String) -> [B] {
        [B(patterns: [.printable], label: "type", help: help, action: .type),
         B([.backspace, .delete], "bksp", "erase", footer: false, .erase),
         B([.enter], "enter", enter, .choose)]
    }
    private static let common: [B] = [
        B([.tab], "tab", "log", .toggleLog),
        B([.escape, .backTab], "esc", "back", .back),
        B([.char("?")], "?", "help", .help),
        B([.char("q")], "q", "quit", .quit),
    ]
    /// Fields take every printable key, so quit and help move to keys that do not type.
    private static let commonTyping: [B] = [
        B([.tab], "tab", "log", .toggleLog),
        B([.escape, .backTab], "esc", "back", .back),
        B([.ctrl("c")], "^C", "quit", .quit),
    ]

    /// A step's keys with the ones every step has.
    static func keys(_ b: [B]) -> Keymap<WizardAction> { Keymap(b + common) }
    /// A step's keys while it takes text: with the shared keys that do not type.
    static func typingKeys(_ b: [B]) -> Keymap<WizardAction> { Keymap(b + commonTyping) }

    /// The keymap of the screen as it is now: it handles the keys and draws the footer and the help overlay.
    public var keymap: Keymap<WizardAction> {
        if focusLog {
            return Keymap([
                B([.up, .char("k")], "↑↓", "scroll", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                B([.pageUp], "pgup/pgdn", "page", .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown),
                B([.end, .char("G")], "end", "follow", .bottom), B([.home, .char("g")], "home", "oldest", footer: false, .top),
                B([.char("s")], "s", "save log", .saveLog),
                B([.tab, .escape], "tab", "back to step", .toggleLog),
                B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit),
            ])
        }
        return step.handler.keymap(self)
    }
}
