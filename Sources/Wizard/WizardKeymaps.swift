import Terminal

/// What a key does in the wizard; each screen's keymap maps keys to these.
public enum WizardAction: Sendable, Equatable {
    case up, down, pageUp, pageDown, top, bottom, choose, back, toggleLog, help, quit, type, erase, toggle
    case yes, no, skip, detail, rerun, writeFile, registrarApply, saveLog, resume, retry, finish, copy, openRecord
}

extension WizardState {
    private typealias B = KeyBinding<WizardAction>

    private static func move(_ help: String = "move", letters: Bool = true) -> [B] {
        [B(letters ? [.up, .char("k")] : [.up], "↑↓", help, .up),
         B(letters ? [.down, .char("j")] : [.down], letters ? "↓/j" : "↓", help + " down", footer: false, .down)]
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
        var b: [B] = []
        switch step {
        case .account:
            b = credentialProblem == nil ? [B([.enter], "enter", "continue", .choose)] : []
            if resumeOffer != nil {
                b = [B([.char("y")], "y", "resume", .resume), B([.char("n")], "n", "not now", .no)] + b
            }
        case .delegationSet:
            b = Self.move() + [B([.enter], "enter", pickingSourceZone ? "copy this zone's servers" : "choose", .choose),
                 B([.char("r")], "r", "reload", footer: false, .rerun)]
        case .vanityHosts:
            if editingHosts {
                b = Self.move("field", letters: false) + [
                     B(patterns: [.printable], label: "type", help: "edit", action: .type),
                     B([.backspace, .delete], "bksp", "erase", footer: false, .erase),
                     B([.enter], "enter", "continue", .choose)]
            } else {
                b = Self.move(letters: false) + [
                     B(patterns: [.printable], label: "type", help: "filter", action: .type),
                     B([.backspace, .delete], "bksp", "erase", footer: false, .erase),
                     B([.enter], "enter", "choose", .choose)]
            }
            return Keymap(b + Self.commonTyping)
        case .review:
            b = [B([.enter], "enter", "continue", .choose), B([.char("r")], "r", "resolve again", .rerun)]
        case .zones:
            if zonesCursor == setZoneChoices.count {
                b = Self.move(letters: false) + [
                     B(patterns: [.printable], label: "type", help: "new zone name", action: .type),
                     B([.backspace, .delete], "bksp", "erase", footer: false, .erase),
                     B([.enter], "enter", newZoneInput.isEmpty ? "continue" : "add zone", .choose)]
                return Keymap(b + Self.commonTyping)
            }
            b = Self.move() + [B([.char(" ")], "space", "select", .toggle), B([.enter], "enter", "continue", .choose)]
        case .plan:
            if showRecord {
                b = Self.move("scroll") + [B([.char("c")], "c", "copy", .copy), B([.enter], "enter", "back to the batch", footer: false, .openRecord)]
            } else if showDetail {
                b = Self.move("scroll") + [B([.char("d")], "d", "close details", .detail)]
            } else if plan.value != nil && planIndex < planZones.count {
                b = [B([.char("y")], "y", "apply", .yes), B([.char("s")], "s", "skip", .skip),
                     B([.up, .char("k")], "↑↓", "choose a record", footer: false, .up), B([.down, .char("j")], "↓/j", "next record", footer: false, .down),
                     B([.enter], "↑↓ enter", "record", .openRecord), B([.char("d")], "d", "all", .detail)]
            } else if plan.value != nil {
                b = [B([.enter], "enter", "continue", .choose)]
            } else if plan.error != nil {
                b = [B([.char("r")], "r", "plan again", .rerun)]
            }
        case .apply:
            if unfinished.map({ !$0.isEmpty }) == true && !resumeAnswered {
                b = [B([.char("y")], "y", "resume", .resume), B([.char("n")], "n", "do not resume", .no)]
            } else if progress.contains(where: { $0.error != nil }) && applying == nil {
                b = [B([.char("r")], "r", "retry", .retry), B([.char("s")], "s", "skip zone", .skip)]
            } else if applying == nil && applyStarted {
                b = [B([.enter], "enter", "continue", .choose)]
            }
        case .registrar:
            if registrarCurrent.value.map({ $0 != nil }) == true && registrarApplied.value == nil {
                b = [B([.char("a")], "a", "update registrar", .registrarApply), B([.char("c")], "c", "copy", .copy),
                     B([.enter], "enter", "continue", .choose)]
            } else {
                b = [B([.char("c")], "c", "copy table", .copy), B([.char("w")], "w", "write it", .writeFile), B([.enter], "enter", "continue", .choose)]
            }
        case .verify:
            b = [B([.char("r")], "r", "recheck", .rerun)] + Self.move("scroll") + [
                 B([.char("c")], "c", "copy", .copy), B([.enter], "enter", "finish", .finish)]
        }
        return Keymap(b + Self.common)
    }
}
