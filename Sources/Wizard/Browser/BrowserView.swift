import Foundation
import Route53
import Terminal

extension BrowserState {
    public var keymap: Keymap<BrowserAction> {
        typealias B = KeyBinding<BrowserAction>
        if focusLog {
            return Keymap([B([.up, .char("k")], "↑↓", "scroll", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                           B([.end, .char("G")], "end", "follow", .bottom), B([.char("s")], "s", "save log", .save),
                           B([.tab, .escape], "tab", "back", .toggleLog), B([.char("q")], "q", "quit", .quit)])
        }
        if filtering {
            return Keymap([B(patterns: [.printable], label: "type", help: "filter", action: .type),
                           B([.backspace, .delete], "bksp", "erase", .erase), B([.enter, .up, .down], "enter", "done", .endFilter),
                           B([.escape], "esc", "clear", .back), B([.ctrl("c")], "^C", "quit", footer: false, .quit)])
        }
        if recordsLevel.detail != nil { return RecordsLevel.detailKeymap }
        var b = [B([.up, .char("k")], "↑↓", "move", .up), B([.down, .char("j")], "j", "down", footer: false, .down),
                 B([.pageUp], "pgup", "page up", footer: false, .pageUp), B([.pageDown], "pgdn", "page down", footer: false, .pageDown),
                 B([.enter], "enter", handler.openLabel, .open), B([.char("/")], "/", "filter", .filter)]
        b += handler.keys(self)
        // The record sets' footer has the type filter instead of the log.
        b += [B([.char("c")], "c", "copy", .copy), B([.tab], "tab", "log", footer: level != .records, .toggleLog)]
        if level != .sets || !filter.isEmpty { b.append(B([.escape, .backTab], "esc", "back", .back)) }
        b += [B([.char("?")], "?", "help", .help), B([.char("q")], "q", "quit", .quit)]
        return Keymap(b)
    }

    /// The box's inside for the list or the detail, as `view` lays it out.
    var bodyRect: Rect {
        let inside = Rect(x: 0, y: 1, width: size.width, height: size.height - 2 - (logRows + 2)).inset()
        return Rect(x: inside.x + 1, y: inside.y, width: inside.width - 2, height: inside.height)
    }

    /// Draws the browser. Pure.
    public func view() -> Frame {
        if size.width < 80 || size.height < 24 { return Widgets.tooSmall(size: size, need: WizardState.minimum) }
        var f = Frame(size: size)
        f.fill(Rect(x: 0, y: 0, width: size.width, height: 1), role: .title)
        f.put(" vanityns ─ browse Route 53", x: 0, y: 0, role: .title)
        let right = "acct \(account.keyHint ?? "?") "
        f.put(right, x: size.width - TextWidth.of(right), y: 0, role: .title)
        let logH = logRows + 2
        let l = current
        var title = titles[level.rawValue]
        if let d = recordsLevel.detail {
            title = RecordsLevel.detailTitle(self, d)
        } else {
            title += l.done ? " (\(rows.count))" : " (\(rows.count) so far, loading page \(l.pages + 1) \(Widgets.spinner(tick)))"
        }
        Widgets.box(&f, Rect(x: 0, y: 1, width: size.width, height: size.height - 2 - logH), title: title, focused: !focusLog)
        var r = bodyRect
        if let n = notice { f.put(n.text, x: r.x, y: r.maxY - 1, width: r.width, role: n.role); r.height -= 1 }
        if let d = recordsLevel.detail {
            if notice == nil { r.height -= 1 }
            RecordsLevel.drawDetail(self, &f, r, d)
        } else {
            drawList(&f, r)
        }
        log.draw(&f, Rect(x: 0, y: size.height - 1 - logH, width: size.width, height: logH), focused: focusLog)
        Widgets.footer(&f, y: size.height - 1, hints: keymap.footerHints)
        if showHelp { Widgets.helpOverlay(&f, title: "Keys", lines: keymap.helpLines + [("^C", "quit now")] + CopyToUser.helpLines) }
        return f
    }

    func drawList(_ f: inout Frame, _ rect: Rect) {
        var r = rect
        let l = current, h = handler
        if filtered {
            let typeFilter = recordsLevel.typeFilter
            let typeNote = level == .records ? "type " + (typeFilter ?? "any") + " (t)" : ""
            Widgets.textInput(&f, x: r.x, y: r.y, width: r.width - TextWidth.of(typeNote) - 2, label: "/", value: filter, focused: filtering)
            f.put(typeNote, x: r.x + r.width - TextWidth.of(typeNote), y: r.y, role: typeFilter == nil ? .dim : .accent)
            r.y += 1; r.height -= 1
        }
        if let e = l.error { f.put("✗ " + e, x: r.x, y: r.maxY - 1, width: r.width, role: .error); r.height -= 1 }
        let all = rows
        let keep = h.shownColumns(self, rows: all, width: r.width)
        let bounds = keep.map { h.columns[$0] }
        let cells = all.map { row in keep.map { row[$0] } }
        let shrink = h.shrinkFirst.compactMap { keep.firstIndex(of: $0) }
        // Columns one space apart when two would cut a cell.
        let natural = Widgets.fitColumns(bounds, rows: cells, total: Int.max / 2)
        let gap = natural.reduce(2 * (natural.count - 1)) { $0 + $1.width } <= r.width - 2 ? 2 : 1
        let cols = Widgets.fitColumns(bounds, rows: cells, total: r.width - 2, gap: gap, shrinkFirst: shrink)
        Widgets.tableRow(&f, x: r.x + 2, y: r.y, columns: cols, cells: cols.map(\.title), roles: Array(repeating: .heading, count: cols.count), gap: gap)
        let vis = visibleRows
        let sel = vis.firstIndex(of: l.cursor) ?? 0
        let top = Widgets.scrollOffset(selected: sel, count: vis.count, height: r.height - 1)
        for (i, idx) in vis.dropFirst(top).prefix(r.height - 1).enumerated() {
            let y = r.y + 1 + i
            if idx == l.cursor { f.put(Glyph.marker, x: r.x, y: y, role: .accent) }
            Widgets.tableRow(&f, x: r.x + 2, y: y, columns: cols, cells: cells[idx], gap: gap)
            if idx == l.cursor && !focusLog { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
        }
        if vis.isEmpty && l.done {
            f.put(filter.isEmpty && recordsLevel.typeFilter == nil ? "nothing here" : "no row matches", x: r.x + 2, y: r.y + 1, role: .dim)
        }
    }
}
