import Foundation
import Route53
import WhiteLabel
import Terminal

extension WizardState {
    /// Draws the whole screen for `size`. Pure. The frame (title bar, box, notice, log, footer, overlays) is the
    /// same on every step; the box's title and inside are the step's.
    public func view() -> Frame {
        if tooSmall { return Widgets.tooSmall(size: size, need: Self.minimum) }
        var f = Frame(size: size)
        let w = size.width, h = size.height
        // Title bar
        f.fill(Rect(x: 0, y: 0, width: w, height: 1), role: .title)
        let acct = account.keyHint.map { "acct \($0)" } ?? "acct ?"
        let right = "step \(step.rawValue)/\(WizardStep.all.count) \(TextWidth.pad(step.title, to: 16)) \(acct) "
        f.put(" vanityns ─ white-label name servers", x: 0, y: 0, role: .title)
        f.put(right, x: w - TextWidth.of(right), y: 0, role: .title)
        // Body, log, footer
        let logH = logRows + 2
        let body = Rect(x: 0, y: 1, width: w, height: h - 2 - logH)
        let inside = Widgets.box(&f, body, title: step.handler.boxTitle(self), focused: !focusLog)
        var rows = inside
        if let n = notice {
            rows.height -= 1
            f.put(TextWidth.truncate(n.text, to: inside.width - 2), x: inside.x + 1, y: inside.maxY - 1, role: n.role)
        }
        step.handler.draw(self, &f, Rect(x: rows.x + 1, y: rows.y, width: rows.width - 2, height: rows.height))
        log.draw(&f, Rect(x: 0, y: h - 1 - logH, width: w, height: logH), focused: focusLog)
        Widgets.footer(&f, y: h - 1, hints: keymap.footerHints)
        if showHelp { Widgets.helpOverlay(&f, title: "Keys ─ \(focusLog ? "log" : step.title)", lines: keymap.helpLines + [("^C", "quit now, restoring the terminal")]) }
        if let c = confirm { Widgets.confirmOverlay(&f, question: c.question, hint: "y/enter yes   n/esc no") }
        if let q = mfaQuestion { Widgets.confirmOverlay(&f, question: q, hint: "digits type   enter send   esc cancel", title: "MFA code") }
        return f
    }

    // MARK: what the steps' views share

    var spin: String { Widgets.spinner(tick) }

    /// Rows inside the step's box (without a notice line).
    var bodyRows: Int { size.height - 2 - (logRows + 2) - 2 }

    func loading(_ f: inout Frame, _ r: Rect, _ what: String) { f.put("\(spin) \(what)", x: r.x, y: r.y, role: .dim) }
    func failed(_ f: inout Frame, _ r: Rect, _ message: String, hint: String) -> Int {
        var y = r.y
        for l in Widgets.wrap("✗ " + message, width: r.width).prefix(max(1, r.height - 2)) { f.put(l, x: r.x, y: y, role: .error); y += 1 }
        for l in Widgets.wrap(hint, width: r.width) where y < r.maxY { f.put(l, x: r.x, y: y, role: .dim); y += 1 }
        return y
    }
    func paragraph(_ f: inout Frame, _ text: String, x: Int, y: inout Int, width: Int, maxY: Int, role: Role = .normal) {
        for l in Widgets.wrap(text, width: width) where y < maxY { f.put(l, x: x, y: y, role: role); y += 1 }
    }

    /// The detail view of a record set, naming alias targets from the account's zones.
    func recordDetail(_ r: ResourceRecordSet) -> RecordDetail {
        RecordDetail(r, zoneNames: Dictionary((allZones.value ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }
}
