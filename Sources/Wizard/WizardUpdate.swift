import Foundation
import Route53
import WhiteLabel
import Terminal

extension WizardState {
    /// Rows of the log pane's inside at the current size.
    var logRows: Int { (size.height >= 40 ? 10 : 6) - 2 }
    var tooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    /// Applies one message; returns the commands to run. Pure: no I/O, no clock. A step's own message goes to that
    /// step; keys go to the current step after what every step shares (the MFA prompt, help, a confirmation).
    public mutating func update(_ msg: WizardMsg) -> [WizardCommand] {
        switch msg {
        case let .key(k): return handleKey(k)
        case let .resize(s): size = s; return []
        case .tick: tick &+= 1; return []
        case let .signal(sig): exitCode = 128 + sig; return []
        case let .log(e): log.append(LogEntry(event: e)); return []
        case let .mfaRequested(serial): mfaPrompt = MFAPromptState(serial: serial); return []
        case let .allZonesLoaded(r):
            allZones = Loadable(r)
            // Step 2's host groups waited for it; a validation that waited for it (the hosts being edited) runs now.
            let groups = step == .delegationSet ? hostGroupsCommands(homeDomain: nil)
                : step == .vanityHosts && vanityHosts.editingHosts ? hostGroupsCommands(homeDomain: vanityHosts.homeDomain) : []
            return groups + validationThatWaited()
        case let .step(m): return m.update(&self)
        case let .logSaved(r): notice = CopyOutcome.logSaved(r); return []
        case let .copied(r): notice = CopyOutcome.notice(r); return []
        }
    }

    // MARK: keys

    mutating func handleKey(_ k: Key) -> [WizardCommand] {
        if k == .ctrl("c") { exitCode = 130; return [] }
        if tooSmall { if k == .char("q") { exitCode = 0 }; return [] }
        if mfaPrompt != nil { return mfaKey(k) }
        if showHelp { showHelp = false; return [] }
        if let c = confirm {
            switch k {
            case .char("y"), .char("Y"), .enter: confirm = nil; return perform(c.action)
            case .char("n"), .char("N"), .escape: confirm = nil; return []
            default: return []
            }
        }
        guard let action = keymap.action(for: k) else { return [] }
        if action != .saveLog { notice = nil }
        return act(action, key: k)
    }

    mutating func act(_ a: WizardAction, key: Key) -> [WizardCommand] {
        switch a {
        case .help: showHelp = true; return []
        case .toggleLog: focusLog.toggle(); return []
        case .quit:
            if hasUnfinishedWork {
                confirm = Confirmation(question: apply.queue.running != nil
                    ? "An apply is running. Quit anyway? The journal keeps the old values; the next run offers to resume."
                    : "Quit the wizard? Zones already applied stay applied; nothing else has been changed.", action: .quit)
            } else { exitCode = 0 }
            return []
        default: break
        }
        if focusLog {
            switch a {
            case .up: log.scroll(by: 1, visible: logRows)
            case .down: log.scroll(by: -1, visible: logRows)
            case .pageUp: log.scroll(by: logRows, visible: logRows)
            case .pageDown: log.scroll(by: -logRows, visible: logRows)
            case .bottom: log.toBottom()
            case .top: log.scroll(by: log.entries.count, visible: logRows)
            case .saveLog: return [.writeFile(text: log.fileText, prefix: "vanityns-log", purpose: .log)]
            default: break
            }
            return []
        }
        if a == .back { return step.handler.back(&self) }
        return step.handler.act(&self, a, key: key)
    }

    /// A confirmation answered yes: quitting here, anything else by the step that asked.
    mutating func perform(_ p: PendingAction) -> [WizardCommand] {
        if p == .quit { exitCode = 0; return [] }
        return step.handler.perform(&self, p)
    }
}
